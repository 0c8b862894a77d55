"""Partner data: read by its header, kept as its own table, never in All crime, and its section's
change and trend checked against independent counts and reference implementations."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pymannkendall
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from csp_analysis import assess
from csp_analysis.analyses.partners import partner_change, partner_years
from csp_analysis.assessment import Assessment
from csp_analysis.ingest.partners import partner_periods
from csp_analysis.ingest.registry import recognise
from csp_analysis.model import Dataset, load
from csp_analysis.paths import demo_dir
from csp_analysis.periods import financial_year_of_month, parse_period
from csp_analysis.sections.base import Context
from csp_analysis.sections.partners import MIN_YEARS, build

TIDY = (
    "area,period,category,count\n"
    "Ashvale,2023/24,Burglary,100\n"
    "Ashvale,2023/24,Robbery,20\n"
    "Ashvale,2024/25,Burglary,90\n"
    "Ashvale,2024/25,Robbery,30\n"
)
PARTNERS = (
    "Area,Period,Measure,Count,Source,Partner,Unit\n"
    "Ashvale,2023/24,Burglary,500,Transport police,BTP,crimes\n"
    "Ashvale,2024/25,Burglary,700,Transport police,BTP,crimes\n"
    "Ashvale,2024/25 Q1,Deliberate fires,10,Fire service,Fire,incidents\n"
)


def test_the_header_is_its_own_layout_not_tidy_counts_without_a_category() -> None:
    layout = recognise(["area", "period", "measure", "count", "source"])
    assert layout is not None and layout.name == "partners"
    assert recognise(["area", "period", "category", "count"]).name == "tidy_counts"


def test_periods_months_quarters_and_financial_years() -> None:
    got = partner_periods(pd.Series(["2024-04", "2024/25 Q1", "2024-25 q4", "FY 2023-24", "x"]))
    assert got.tolist()[:4] == ["2024-04", "2024/25 Q1", "2024/25 Q4", "2023/24"]
    assert pd.isna(got.iloc[4])


def test_bad_rows_are_rejected_with_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "partner_data.csv").write_text(
        "area,period,measure,count,source\n"
        "Ashvale,2024-04,Fires,3,Fire\n"  # 2: kept
        "Ashvale,2024-05,Fires,,Fire\n"  # 3: blank count (missing is not zero)
        "Ashvale,2024-06,Fires,2.5,Fire\n"  # 4: fraction
        "Ashvale,Spring,Fires,4,Fire\n"  # 5: period
        "Ashvale,2024-07,Fires,4,\n"  # 6: source
        "Ashvale,2024-04,Fires,3,Fire\n"  # 7: exact repeat of 2
        "Ashvale,2024-08,Fires,5,Fire\n"  # 8: conflicts with 9
        "Ashvale,2024-08,Fires,6,Fire\n"  # 9
        "Ashvale,2024-09,Fires,-1,Fire\n"  # 10: negative
    )
    ds = load(tmp_path, cache=False)
    f = ds.files.set_index("source").loc["partner_data.csv"]
    assert (f["layout"], f["rows_read"], f["rows_used"], f["rows_rejected"]) == (
        "partners",
        9,
        1,
        8,
    )
    assert ds.tables["partners"]["line"].tolist() == [2]
    rejected = {int(r["line"]): (r["column"], r["reason"]) for r in ds.rejected.to_dict("records")}
    # rows that share a reason are one quarantine group (its first line)
    assert rejected[3][0] == "count" and "missing is not zero" in rejected[3][1]
    assert rejected[4] == ("count", "count is not a whole number")
    assert rejected[5][0] == "period"
    assert rejected[6][0] == "source"
    assert "duplicate" in rejected[7][1]
    assert rejected[8][0] == "count" and "neither is used" in rejected[8][1]
    assert rejected[10] == ("count", "count is negative")
    assert len(ds.counts) == 0  # nothing of it is a crime count


@pytest.fixture(scope="module")
def crime_and_partners(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assessment, Path]:
    root = tmp_path_factory.mktemp("partners")
    (root / "counts.csv").write_text(TIDY)
    (root / "partner_data.csv").write_text(PARTNERS)
    return assess(load(root, cache=False), "Ashvale", "2024/25"), root


def test_partner_counts_are_never_summed_into_all_crime(
    crime_and_partners: tuple[Assessment, Path], tmp_path: Path
) -> None:
    a, root = crime_and_partners
    (tmp_path / "counts.csv").write_text(TIDY)
    alone = load(tmp_path, cache=False)
    ds = load(root, cache=False)
    # the same crime counts with or without the partner file (a partner "Burglary" included)
    pd.testing.assert_frame_equal(
        ds.counts.drop(columns="source").reset_index(drop=True),
        alone.counts.drop(columns="source").reset_index(drop=True),
    )
    yoy = a.section("change").table("yoy_categories").set_index("category")
    # counted by hand from TIDY: 100 + 20 and 90 + 30
    assert (yoy.at["All crime", "previous"], yoy.at["All crime", "current"]) == (120, 120)
    assert (yoy.at["Burglary", "previous"], yoy.at["Burglary", "current"]) == (100, 90)
    m = a.section("partners").table("partner_measures").set_index("measure")
    assert (m.at["Burglary", "previous"], m.at["Burglary", "current"]) == (500, 700)
    assert m.at["Burglary", "data_source"] == "Transport police"
    # a quarter has no comparison: missing, never zero
    assert pd.isna(m.at["Deliberate fires", "previous"])
    assert m.at["Deliberate fires", "current"] == 10
    assert "no data for 2023/24" in m.at["Deliberate fires", "note"]


def test_without_partner_data_the_gap_names_the_file(demo_dataset: Dataset) -> None:
    bare = replace(
        demo_dataset, tables={k: v for k, v in demo_dataset.tables.items() if k != "partners"}
    )
    ctx = Context(bare, "Elderbrook", parse_period("2025/26"), None, 0.05, 5)
    gap = build(ctx).gap
    assert gap is not None and "partner_data.csv" in gap and "area, period, measure" in gap
    other = Context(demo_dataset, "Ashvale", parse_period("2025/26"), None, 0.05, 5)
    assert build(other).gap.startswith("The partner data has no rows for Ashvale")


def test_one_granularity_per_comparison_never_two_added() -> None:
    months = [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in (1, 2, 3)]
    prev = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in (1, 2, 3)]
    rows = [("2024/25", 999), ("2023/24", 888)]  # the years as rows too
    rows += [(p, 1) for p in prev] + [(p, 2) for p in months]
    table = pd.DataFrame(
        {
            "measure": "Fires",
            "partner": "",
            "unit": "",
            "data_source": "Fire",
            "period": [p for p, _ in rows],
            "count": [c for _, c in rows],
        }
    )
    row = partner_change(table, parse_period("2024/25")).iloc[0]
    assert (row["previous"], row["current"], row["granularity"]) == (12, 24, "month")
    years = partner_years(table, "2025-03")
    assert years["count"].tolist() == [888, 999] and set(years["granularity"]) == {"year"}


# ------------------------------------------------------------ the demo, counted independently
def _demo_rows() -> list[dict[str, str]]:
    path = demo_dir() / "partner_data.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _fy_of(period: str) -> str:
    return period[:7] if "/" in period else financial_year_of_month(period)


def test_demo_partner_change_matches_an_independent_count(demo_assessment: Assessment) -> None:
    assert demo_assessment.period.label == "2025/26"
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for r in _demo_rows():
        totals[(r["measure"], _fy_of(r["period"]))] += int(r["count"])
    m = demo_assessment.section("partners").table("partner_measures")
    assert len(m) == len({k[0] for k in totals}) == 5
    p_values = []
    for row in m.itertuples(index=False):
        prev, cur = totals[(row.measure, "2024/25")], totals[(row.measure, "2025/26")]
        assert (row.previous, row.current) == (prev, cur)
        # the conditional exact test with equal exposures is a binomial test of p = 0.5
        # (Przyborowski and Wilenski 1940); scipy's two-sided test is the same at p = 0.5
        ref = stats.binomtest(cur, prev + cur, 0.5).pvalue
        assert row.p_value == pytest.approx(ref, rel=1e-9)
        p_values.append(ref)
    # Benjamini-Hochberg over the partner measures (statsmodels' fdr_bh)
    reject, q, _, _ = multipletests(p_values, alpha=0.05, method="fdr_bh")
    assert m["q_value"].astype(float).tolist() == pytest.approx(list(q), rel=1e-9)
    assert m["significant_fdr"].astype(bool).tolist() == list(reject)
    # the built-in story: deliberate fires rise clearly in 2025/26
    fires = m.set_index("measure").loc["Deliberate fires"]
    assert bool(fires["significant_fdr"]) and fires["change"] > 0


def test_demo_partner_trends_match_pymannkendall(demo_assessment: Assessment) -> None:
    yearly: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in _demo_rows():
        yearly[r["measure"]][_fy_of(r["period"])] += int(r["count"])
    m = demo_assessment.section("partners").table("partner_measures").set_index("measure")
    years = demo_assessment.section("partners").table("partner_years")
    tested = 0
    for measure, by_year in yearly.items():
        values = [by_year[y] for y in sorted(by_year) if y <= "2025/26"]
        got = years[years["measure"] == measure]["count"].tolist()
        assert got == values
        row = m.loc[measure]
        assert row["years"] == len(values)
        if len(values) >= MIN_YEARS:
            ref = pymannkendall.original_test(values)
            assert row["trend_p_value"] == pytest.approx(ref.p, rel=1e-9)
            assert row["sen_slope"] == pytest.approx(ref.slope, rel=1e-9)
            tested += 1
        else:
            assert row["trend"].startswith("not tested")
    assert tested == 5


def test_demo_partner_findings_say_not_part_of_all_crime(demo_assessment: Assessment) -> None:
    found = demo_assessment.section("partners").findings
    assert found and all(
        "partner data" in f and "not part of All crime" in f for f in found if "rise" in f
    )


def test_a_partial_period_is_compared_like_for_like_and_said() -> None:
    cur = [f"2024-{m:02d}" for m in range(4, 10)]  # April to September only
    prev = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in (1, 2, 3)]
    table = pd.DataFrame(
        {
            "measure": "Fires",
            "partner": "Fire",
            "unit": "",
            "data_source": "Fire",
            "period": prev + cur,
            "count": [3] * len(prev) + [5] * len(cur),
        }
    )
    row = partner_change(table, parse_period("2024/25")).iloc[0]
    # counted by hand: six months of 3 against six months of 5
    assert (row["previous"], row["current"], row["months_compared"]) == (18, 30, 6)
    assert bool(row["provisional"]) is True  # fewer than defaults.MIN_MONTHS (9) months
    assert "compared on the 6 months present in both periods" in row["note"]
    assert row["previous_months"] == "Apr–Sep 2023"
    # the year is not whole: no yearly total for 2024/25
    assert partner_years(table, "2025-03")["period"].tolist() == ["2023/24"]


def test_the_chart_draws_no_zero_for_missing_and_leaves_no_figure_open() -> None:
    import matplotlib.pyplot as plt

    from csp_analysis.plots.partners import plot_partner_change

    before = len(plt.get_fignums())
    m = pd.DataFrame(
        {
            "label": ["Fires (Fire)", "Railway (BTP)"],
            "previous": pd.array([269, None], dtype="Int64"),
            "current": pd.array([350, 12], dtype="Int64"),
        }
    )
    fig = plot_partner_change(m, "2024/25", "2025/26", "Fires rose", "Exact test")
    assert len(plt.get_fignums()) == before
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count(" no data") == 1
    assert fig.axes[0].xaxis.get_major_formatter()(12345, 0) == "12,345"
