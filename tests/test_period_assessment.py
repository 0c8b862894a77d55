"""Honest periods through a whole assessment: rolling years, partial periods, no comparison.

The real police.uk files (``../shared/data/police_uk``, OGL v3.0; skipped where absent) for
Thurrock hold April-July 2018 and October 2018-February 2019 of 2018/19, and only January to
March 2018 of 2017/18: January and February are the only months present in both years. Every
total below is checked against a count of the raw rows with the ``csv`` module only.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis import assess
from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset, load
from csp_analysis.periods import month_range, parse_period
from csp_analysis.report.batch import AreaRun, Progress
from csp_analysis.sections.change import column_names
from csp_analysis.sections.format import finding_title

ROOT = Path(__file__).resolve().parents[1]
POLICE = ROOT.parent / "shared" / "data" / "police_uk"
DEMO = ROOT / "data" / "demo" / "police_uk"


def independent_counts(folder: Path, area: str, pattern: str) -> dict[str, int]:
    """Crimes (not ASB) by month in the area's LSOAs (``<area> 001A``), with the csv module."""
    counts: dict[str, int] = {}
    lsoa_of_area = re.compile(rf"^{re.escape(area)} \d{{3}}[A-Z]$")
    for path in sorted(folder.rglob(pattern)):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                month = row.get("Month", row.get("month"))
                lsoa = (row.get("LSOA name", row.get("lsoa_name")) or "").strip()
                kind = row.get("Crime type", row.get("crime_type"))
                if lsoa_of_area.match(lsoa) and kind != "Anti-social behaviour":
                    counts[month] = counts.get(month, 0) + 1
    return counts


@pytest.fixture(scope="module")
def essex() -> Dataset:
    if not POLICE.is_dir():
        pytest.skip(f"real police.uk files absent: shared data {POLICE} not found")
    return load(POLICE)


@pytest.fixture(scope="module")
def thurrock(essex: Dataset):  # noqa: ANN201 - an Assessment
    return assess(essex, "Thurrock", "2018/19")


@pytest.mark.shared
def test_two_months_in_both_years_are_named_and_never_called_the_year(thurrock) -> None:  # noqa: ANN001
    raw = independent_counts(POLICE, "Thurrock", "*essex-street.csv")
    yoy = thurrock.table("yoy_categories")
    first = yoy.iloc[0]
    assert first["category"] == "All crime"
    assert (yoy["previous_months"] == "Jan–Feb 2018").all()
    assert (yoy["current_months"] == "Jan–Feb 2019").all()
    assert yoy["provisional"].all() and (yoy["months_compared"] == 2).all()
    assert int(first["previous"]) == raw["2018-01"] + raw["2018-02"]
    assert int(first["current"]) == raw["2019-01"] + raw["2019-02"]
    # The area's own total over the nine months of 2018/19 it has.
    own = sum(raw.get(m, 0) for m in parse_period("2018/19").months)
    assert int(first["total_in_period"]) == own and int(first["months_in_period"]) == 9
    # The table's columns are headed with the months compared, not the years.
    assert column_names(yoy, thurrock) == ("Jan–Feb 2018", "Jan–Feb 2019")
    # The headline gives the nine months' total; the two months are called provisional.
    headline = next(f for f in thurrock.findings if "crimes" in f and "Thurrock" in f)
    assert f"{own:,} crimes in the 9 months with data of 2018/19" in headline
    assert "Jan–Feb 2019" in headline and "provisional" in headline
    for sentence in thurrock.findings:
        assert f"{int(first['current']):,}" not in sentence or "provisional" in sentence
        assert "compared with 2017/18" not in sentence
        assert "normal year-to-year variation" not in sentence
        assert "significant rise" not in sentence and "rising" not in sentence
    # Chart titles claim no change; the batch index gives the nine months and no change.
    assert (
        finding_title(yoy, "Thurrock", "2018/19", "All crime") == "All crime per month in Thurrock"
    )
    cells = thurrock.headline()
    assert cells["all_crime"] == f"{own:,} (9 months)"
    assert cells["all_crime_change"] == "provisional" == cells["asb_change"]
    assert cells["months"] == "2 (provisional)"
    assert all("provisional" in v for v in yoy["verdict"])


@pytest.mark.shared
def test_priorities_use_the_months_the_area_has_not_the_two_compared(thurrock) -> None:  # noqa: ANN001
    yoy = thurrock.table("yoy_categories").set_index("category")
    risk = thurrock.table("risk_matrix").set_index("category")
    violence = "Violence and sexual offences"
    assert risk.loc[violence, "volume_raw"] == yoy.loc[violence, "total_in_period"]
    assert risk["trend_raw"].isna().all() or (risk["trend_raw"].astype("string") == "").all()
    for sentence in thurrock.findings:
        if "rank" in sentence:
            assert f"({int(yoy.loc[violence, 'current']):,} crimes)" not in sentence


@pytest.mark.shared
def test_a_threshold_of_two_months_lets_the_two_months_be_compared(essex: Dataset) -> None:
    a = assess(essex, "Thurrock", "2018/19", min_months=2)
    assert not a.provisional
    assert any("comparing Jan–Feb 2019 with Jan–Feb 2018" in f for f in a.findings)
    with pytest.raises(UsageError, match="completeness threshold"):
        assess(essex, "Thurrock", "2018/19", min_months=13)


@pytest.mark.shared
def test_a_rolling_year_totals_equal_a_count_of_the_raw_rows(essex: Dataset) -> None:
    raw = independent_counts(POLICE, "Thurrock", "*essex-street.csv")
    a = assess(essex, "Thurrock", "2018-03..2019-02")
    assert a.year == "12 months to February 2019"
    assert a.previous_year == "12 months to February 2018"
    first = a.table("yoy_categories").iloc[0]
    months = month_range("2018-03", "2019-02")
    assert int(first["total_in_period"]) == sum(raw.get(m, 0) for m in months)
    assert int(first["months_in_period"]) == sum(m in raw for m in months) == 10
    coverage = a.table("data_coverage").set_index("measure")
    assert coverage.loc["months with data", "assessed_year"] == 10
    assert coverage.loc["months with data", "note"] == "of 12 (March 2018 to February 2019)"


def test_a_rolling_year_of_the_demo_equals_a_count_of_the_raw_rows(
    demo_dataset: Dataset,
) -> None:
    raw = independent_counts(DEMO, "Elderbrook", "*street.csv")
    a = assess(demo_dataset, "Elderbrook", "2024-07..2025-06")
    first = a.table("yoy_categories").iloc[0]
    assert not a.provisional and int(first["months_compared"]) == 12
    assert int(first["current"]) == sum(raw[m] for m in month_range("2024-07", "2025-06"))
    assert int(first["previous"]) == sum(raw[m] for m in month_range("2023-07", "2024-06"))
    assert int(first["total_in_period"]) == int(first["current"])
    assert a.findings[0].startswith("Elderbrook has seen")
    assert (
        "in all crime in 12 months to June 2025 compared with 12 months to June 2024"
        in (a.findings[0])
    )


def test_a_quarter_is_compared_with_the_same_quarter_a_year_earlier(
    demo_dataset: Dataset,
) -> None:
    raw = independent_counts(DEMO, "Elderbrook", "*street.csv")
    a = assess(demo_dataset, "Elderbrook", "2024/25 Q3")
    first = a.table("yoy_categories").iloc[0]
    assert a.year == "2024/25 Q3" and a.previous_year == "2023/24 Q3"
    assert int(first["months_compared"]) == 3 and not bool(first["provisional"])
    assert int(first["current"]) == sum(raw[m] for m in ("2024-10", "2024-11", "2024-12"))


def test_no_comparison_period_means_no_verdict_on_change(demo_dataset: Dataset) -> None:
    first_year = demo_dataset.financial_years("Elderbrook")[0]
    a = assess(demo_dataset, "Elderbrook", first_year)
    text = " ".join(a.findings)
    assert "normal year-to-year variation" not in text
    assert "largest rises" not in text and "has seen" not in text
    assert "no change is assessed" in text and "would allow a comparison" in text
    assert a.headline()["all_crime_change"] == "–"
    assert finding_title(a.table("yoy_categories"), "Elderbrook", a.year, "All crime") == (
        "All crime per month in Elderbrook"
    )


def test_a_period_without_data_is_refused_naming_the_months_that_exist(
    demo_dataset: Dataset,
) -> None:
    with pytest.raises(UsageError, match="Months with data"):
        assess(demo_dataset, "Elderbrook", "2030-01..2030-12")
    with pytest.raises(UsageError, match="not a period"):
        assess(demo_dataset, "Elderbrook", "last year")


def test_batch_progress_carries_the_warning() -> None:
    import io

    runs = [AreaRun("Thurrock")]
    stream = io.StringIO()
    progress = Progress(runs, stream)
    runs[0].state, runs[0].warning = "done", "Thurrock, 2018/19: the change is provisional"
    progress.update(runs[0])
    progress.close()
    assert "warning: Thurrock, 2018/19: the change is provisional\n" in stream.getvalue()


def test_home_office_quarters_are_assessed_and_a_straddling_year_is_not(tmp_path: Path) -> None:
    from csp_analysis.analyses.change import category_change

    header = (
        "Financial Year,Financial Quarter,Force Name,CSP Name,Offence Description,"
        "Offence Group,Offence Subgroup,Offence Code,Number of Offences\n"
    )
    counts = {("2016/17", 1): 31, ("2016/17", 2): 40, ("2017/18", 1): 45, ("2017/18", 2): 38}
    lines = [
        f"{fy},{q},Essex,Thurrock,Robbery of personal property,Robbery,"
        f"Robbery of personal property,34B,{n}\n"
        for (fy, q), n in counts.items()
    ]
    (tmp_path / "prc.csv").write_text(header + "".join(lines), encoding="utf-8")
    ds = load(tmp_path, cache=False)
    q1 = category_change(ds, "Thurrock", "2017/18 Q1").set_index("category")
    assert (int(q1.loc["Robbery", "previous"]), int(q1.loc["Robbery", "current"])) == (31, 45)
    assert q1.loc["Robbery", "current_months"] == "Apr–Jun 2017"
    halves = category_change(ds, "Thurrock", "2017-04..2017-09").set_index("category")
    assert int(halves.loc["Robbery", "current"]) == 45 + 38
    assert int(halves.loc["Robbery", "months_compared"]) == 6
    # Months that cut through a quarter cannot be counted from quarterly figures: no data.
    cut = category_change(ds, "Thurrock", "2017-05..2017-07").set_index("category")
    assert pd.isna(cut.loc["Robbery", "current"]) and cut.loc["Robbery", "note"].startswith(
        "no data"
    )


def test_a_complete_financial_year_gives_its_totals_and_comparison(
    demo_dataset: Dataset,
) -> None:
    raw = independent_counts(DEMO, "Elderbrook", "*street.csv")
    a = assess(demo_dataset, "Elderbrook", "2025/26")
    first = a.table("yoy_categories").iloc[0]
    assert a.year == "2025/26" and a.previous_year == "2024/25" and not a.provisional
    assert int(first["current"]) == sum(raw[m] for m in parse_period("2025/26").months)
    assert int(first["previous"]) == sum(raw[m] for m in parse_period("2024/25").months)
    assert int(first["total_in_period"]) == int(first["current"])
    assert column_names(a.table("yoy_categories"), a) == ("2024/25", "2025/26")
    assert "in all crime in 2025/26 compared with 2024/25" in a.findings[0]
    assert a.headline()["all_crime"] == f"{int(first['current']):,}"
