"""End to end: `csp-assess run` through papermill and nbconvert, on the demo and real data."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from csp_analysis.cli import main
from csp_analysis.report.export import check_offline
from tests.conftest import xlsx_table

pytestmark = pytest.mark.slow

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["run", "--out", str(out)]) == 0
    return out / "elderbrook" / "2025-26"


def test_run_writes_the_whole_contract(demo_report: Path) -> None:
    names = {p.relative_to(demo_report).as_posix() for p in demo_report.rglob("*")}
    assert {
        "strategic_assessment.html",
        "strategic_assessment.ipynb",
        "tables.xlsx",
        "key_findings.md",
        "tables/yoy_categories.csv",
        "tables/monthly_counts.csv",
        "tables/data_quality.csv",
    } <= names
    assert not any("partial" in n or "dataset" in n for n in names)


def test_yoy_table_matches_an_independent_count_of_the_demo_files(demo_report: Path) -> None:
    # Count the demo's police.uk rows directly with the csv module: Elderbrook LSOAs only.
    demo = Path(__file__).resolve().parents[1] / "data" / "demo" / "police_uk"
    totals: dict[tuple[str, str], int] = {}
    for f in sorted(demo.rglob("*.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if not re.fullmatch(r"Elderbrook \d{3}[A-Z]", row["LSOA name"]):
                    continue
                y, m = int(row["Month"][:4]), int(row["Month"][5:])
                fy = f"{y if m >= 4 else y - 1}/{(y + 1 if m >= 4 else y) % 100:02d}"
                asb = row["Crime type"] == "Anti-social behaviour"
                key = (fy, "Anti-social behaviour" if asb else "All crime")
                totals[key] = totals.get(key, 0) + 1
                if not asb:
                    totals[(fy, row["Crime type"])] = totals.get((fy, row["Crime type"]), 0) + 1
    # The demo's flagged counts (a tidy file beside the police.uk files), summed with csv too
    with (demo.parent / "flags.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["area"] != "Elderbrook":
                continue
            y, m = int(row["period"][:4]), int(row["period"][5:])
            fy = f"{y if m >= 4 else y - 1}/{(y + 1 if m >= 4 else y) % 100:02d}"
            key = (fy, row["category"])
            totals[key] = totals.get(key, 0) + int(row["count"])
    yoy = pd.read_csv(demo_report / "tables" / "yoy_categories.csv")
    assert list(yoy.columns[:5]) == ["category", "previous", "current", "change", "pct_change"]
    assert {"p_value", "significant", "rate_ratio", "rr_lower", "rr_upper"} <= set(yoy.columns)
    assert {"Domestic abuse flagged", "Hate crime flagged"} <= set(yoy["category"])
    # theme rows (overlapping sums of categories) are checked in tests/test_themes.py
    for r in yoy[yoy["kind"] != "theme"].itertuples():
        assert r.previous == totals[("2024/25", r.category)], r.category
        assert r.current == totals[("2025/26", r.category)], r.category
        assert r.change == r.current - r.previous
        assert r.pct_change == pytest.approx(round(100 * r.change / r.previous, 1))
    assert yoy.loc[0, "category"] == "All crime"


def test_html_is_offline_codeless_and_marked(demo_report: Path) -> None:
    html = (demo_report / "strategic_assessment.html").read_text(encoding="utf-8")
    assert check_offline(html) == []
    assert "import csp_analysis" not in html and "show.change_table" not in html
    assert "output_dir" not in html  # the parameters cells are gone
    assert "Synthetic demo data" in html
    assert html.count("OFFICIAL") >= 2
    assert "Elderbrook Community Safety Partnership: strategic assessment 2025/26" in html
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', html)) >= 2
    assert re.search(r'<img[^>]+alt="Line chart of all crime per month', html)
    assert "/tmp/" not in html and str(Path.home()) not in html


def test_executed_notebook_has_no_local_paths(demo_report: Path) -> None:
    nb = nbformat.read(demo_report / "strategic_assessment.ipynb", as_version=4)
    text = json.dumps(nb)
    assert str(demo_report.parent) not in text
    assert nb.metadata["papermill"]["input_path"] == "strategic_assessment.ipynb"


def test_monthly_counts_table_has_all_crime_and_asb_every_month(demo_report: Path) -> None:
    monthly = pd.read_csv(demo_report / "tables" / "monthly_counts.csv", dtype={"month": str})
    assert list(monthly.columns) == ["month", "category", "count"]
    months = sorted(monthly["month"].unique())
    assert months[0] == "2022-04" and months[-1] == "2026-03" and len(months) == 48
    wide = monthly.pivot(index="month", columns="category", values="count")
    # flags and themes overlap the crime categories: never part of All crime's sum
    yoy = pd.read_csv(demo_report / "tables" / "yoy_categories.csv")
    kinds = dict(zip(yoy["category"], yoy["kind"], strict=True))
    crimes = [c for c in wide.columns if kinds.get(c) == "crime"]
    assert len(crimes) == 13 and {"flag", "theme"} <= {kinds.get(c) for c in wide.columns}
    assert (wide["All crime"] == wide[crimes].sum(axis=1)).all()


def test_xlsx_has_cover_contents_notes_then_one_sheet_per_table(demo_report: Path) -> None:
    from csp_analysis.assessment import WORKBOOK_TABLES

    sheets = pd.read_excel(demo_report / "tables.xlsx", sheet_name=None)
    tables = {p.stem for p in (demo_report / "tables").glob("*.csv")}
    assert list(sheets)[:3] == ["Cover", "Contents", "Notes"]
    assert set(list(sheets)[3:]) == {WORKBOOK_TABLES[t][0] for t in tables}
    assert {"yoy_categories", "monthly_counts", "data_quality", "trends", "spc_signals"} <= tables
    csv_yoy = pd.read_csv(demo_report / "tables" / "yoy_categories.csv")
    sheet = xlsx_table(demo_report / "tables.xlsx", "Change")
    assert sheet["Assessed period (count)"].tolist() == csv_yoy["current"].tolist()


def test_key_findings_sentence(demo_report: Path) -> None:
    text = (demo_report / "key_findings.md").read_text(encoding="utf-8")
    yoy = pd.read_csv(demo_report / "tables" / "yoy_categories.csv").set_index("category")
    ac = yoy.loc["All crime"]
    word = "increase" if ac["change"] > 0 else "decrease"
    assert f"an {word} of {abs(int(ac['change'])):,} ({ac['pct_change']:+.1f}%)" in text


def test_rerun_replaces_the_report_atomically(demo_report: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert main(["run", "--out", str(out)]) == 0
    target = out / "elderbrook" / "2025-26"
    first = (target / "tables" / "yoy_categories.csv").read_bytes()
    assert main(["run", "--out", str(out)]) == 0
    assert (target / "tables" / "yoy_categories.csv").read_bytes() == first
    assert sorted(p.name for p in (out / "elderbrook").iterdir()) == ["2025-26"]


def test_unknown_area_is_a_usage_error_with_the_closest_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--area", "Elderbrok", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Did you mean 'Elderbrook'?" in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_unknown_year_is_refused_with_the_years_that_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--year", "2030/31", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "2025/26" in err and "2022/23" in err


def test_a_bad_or_doubled_period_is_a_usage_error_before_any_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--period", "2025-13..2026-01", "--out", str(tmp_path)]) == 2
    assert "not a month" in capsys.readouterr().err
    both = ["run", "--year", "2025/26", "--period", "2024-07..2025-06", "--out", str(tmp_path)]
    assert main(both) == 2
    assert "not allowed with" in capsys.readouterr().err
    assert main(["run", "--min-months", "13", "--out", str(tmp_path)]) == 2
    assert not any(tmp_path.iterdir())


@pytest.mark.shared
def test_essex_rolling_year_names_its_months_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = SHARED / "police_uk"
    if not folder.is_dir():
        pytest.skip(f"real police.uk files absent: {folder} not found")
    args = ["run", "--data", str(folder), "--area", "Thurrock", "--period", "2018-03..2019-02"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "warning: Thurrock, 12 months to February 2019: only 2 of 12 months" in err
    target = tmp_path / "thurrock" / "12-months-to-2019-02"
    yoy = pd.read_csv(target / "tables" / "yoy_categories.csv")
    assert yoy["provisional"].all() and (yoy["current_months"] == "Jan–Feb 2019").all()
    html = (target / "strategic_assessment.html").read_text(encoding="utf-8")
    assert "12 months to February 2019" in html and "Jan–Feb 2019" in html
    assert "All crime in Thurrock up" not in html
    findings = (target / "key_findings.md").read_text(encoding="utf-8")
    assert findings.startswith("# Key findings: Thurrock, 12 months to February 2019")


def test_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--no-such-option"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


@pytest.mark.shared
def test_essex_thurrock_report_flags_the_missing_months(tmp_path: Path) -> None:
    folder = SHARED / "police_uk"
    if not folder.is_dir():
        pytest.skip(f"real police.uk files absent: {folder} not found")
    assert (
        main(
            [
                "run",
                "--data",
                str(folder),
                "--area",
                "thurrock",
                "--year",
                "2018-19",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    target = tmp_path / "thurrock" / "2018-19"
    dq = pd.read_csv(target / "tables" / "data_quality.csv")
    missing = dq[dq["issue"].str.startswith("missing month", na=False)]
    assert {"2018-08", "2018-09", "2019-03"} <= {i.split()[2] for i in missing["issue"]}
    yoy = pd.read_csv(target / "tables" / "yoy_categories.csv")
    assert (yoy["months_compared"] == 2).all()  # Jan and Feb are the only months in both years
    html = (target / "strategic_assessment.html").read_text(encoding="utf-8")
    assert "Synthetic demo data" not in html
    assert "Open Government Licence" in html
    assert str(SHARED) not in html and "../shared" not in html


def test_validate_prints_rows_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "neighbours_monthly_counts.csv" in out and "8,736" in out


def test_demo_report_in_a_real_browser(demo_report: Path, tmp_path: Path) -> None:
    from tests.browser import NO_BROWSER_REASON, dump_dom, find_chromium, pdf_page_texts, print_pdf

    if find_chromium() is None:
        pytest.skip(NO_BROWSER_REASON)
    html_path = demo_report / "strategic_assessment.html"
    dom = dump_dom(html_path)
    assert "Crime and anti-social behaviour by category" in dom
    assert "Elderbrook Community Safety Partnership" in dom
    assert dom.count("data:image/png;base64,") >= 2
    pdf = print_pdf(html_path, tmp_path / "report.pdf")
    pages = pdf_page_texts(pdf)
    assert len(pages) >= 2
    assert all("OFFICIAL" in page for page in pages)


def test_same_inputs_give_identical_outputs_but_the_generated_line(
    demo_report: Path, tmp_path: Path
) -> None:
    assert main(["run", "--out", str(tmp_path)]) == 0
    again = tmp_path / "elderbrook" / "2025-26"
    for name in (
        "tables/yoy_categories.csv",
        "tables/monthly_counts.csv",
        "tables/data_quality.csv",
        "tables.xlsx",
        "key_findings.md",
    ):
        assert (again / name).read_bytes() == (demo_report / name).read_bytes(), name
    pattern = re.compile(r"Generated on:</strong> \d{4}-\d{2}-\d{2}")
    first = (demo_report / "strategic_assessment.html").read_text(encoding="utf-8")
    second = (again / "strategic_assessment.html").read_text(encoding="utf-8")
    assert len(pattern.findall(first)) == 1
    assert pattern.sub("", first) == pattern.sub("", second)


def test_demo_report_has_every_section_and_table(demo_report: Path) -> None:
    html = (demo_report / "strategic_assessment.html").read_text(encoding="utf-8")
    for heading in (
        "Trends over the years",
        "Unusual months",
        "Seasonality",
        "How the area compares",
        "The force",
        "Where crime happens",
        "What residents think",
        "Last year",
        "Choosing priorities",
        "Recommended priorities",
    ):
        assert heading in html, heading
    tables = demo_report / "tables"
    comp = pd.read_csv(tables / "comparators.csv")
    assert list(comp.columns[:11]) == [
        "area",
        "category",
        "count",
        "population",
        "rate_per_1000",
        "ci_lower",
        "ci_upper",
        "group_rate",
        "band",
        "comparison",
        "rank",
    ]
    assert set(comp["area"]) == {
        "Elderbrook",
        "Ashgrove Vale",
        "Brindlemoor",
        "Corrigan Bay",
        "Dunsvale",
        "Fallowmouth",
        "Greywater",
        "Hartlecombe",
        "Kestlebury",
        "Lowenfield",
        "Marrowdene",
        "Ravensholt",
        "Saltridge",
        "Tollerby Fen",
    }
    districts = pd.read_csv(tables / "district_change.csv")
    assert len(districts) == 14
    assert districts["pct_change"].is_monotonic_decreasing
    hot = pd.read_csv(tables / "hotspots.csv", dtype={"count": str})
    counts = hot["count"].dropna()
    numeric = pd.to_numeric(counts, errors="coerce")
    assert not numeric.between(1, 4).any()  # small counts never published
    assert ((numeric.isna()) <= (counts == "<5")).all()
    concern = pd.read_csv(tables / "public_concern.csv")
    assert concern.loc[0, "rank"] == 1 and concern["pct"].is_monotonic_decreasing
    risk = pd.read_csv(tables / "risk_matrix.csv")
    assert {"total_score", "rank", "harm_raw", "harm_score"} <= set(risk.columns)
    assert len(pd.read_csv(tables / "plan_progress.csv")) >= 1
    findings = (demo_report / "key_findings.md").read_text(encoding="utf-8")
    assert "Residents ranked" in findings


@pytest.mark.shared
def test_essex_with_census_population_lists_the_14_partnerships(tmp_path: Path) -> None:
    police, census = SHARED / "police_uk", SHARED / "population" / "census_lad_2011_2021.csv"
    for path in (police, census):
        if not path.exists():
            pytest.skip(f"real data absent: {path} not found")
    data = tmp_path / "data"
    data.mkdir()
    (data / "police_uk").symlink_to(police, target_is_directory=True)
    (data / "census_lad_2011_2021.csv").symlink_to(census)
    assert (
        main(
            [
                "run",
                "--data",
                str(data),
                "--area",
                "Thurrock",
                "--year",
                "2018/19",
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
    districts = pd.read_csv(
        tmp_path / "out" / "thurrock" / "2018-19" / "tables" / "district_change.csv"
    )
    assert sorted(districts["area"]) == [
        "Basildon",
        "Braintree",
        "Brentwood",
        "Castle Point",
        "Chelmsford",
        "Colchester",
        "Epping Forest",
        "Harlow",
        "Maldon",
        "Rochford",
        "Southend-on-Sea",
        "Tendring",
        "Thurrock",
        "Uttlesford",
    ]
    assert districts["note"].fillna("").str.contains("month").all()
    assert districts["rate_per_1000"].notna().all()


def test_the_kernel_waits_for_an_assessment_still_being_computed(
    demo_assessment: object, tmp_path: Path
) -> None:
    """The runner starts the kernel before the assessment exists: open_assessment waits
    while the pending marker is there, reads the assessment once written, and stops waiting
    (file not found) when the marker goes without one."""
    import threading
    import time

    from csp_analysis.assessment import Assessment, open_assessment, pending_marker

    handed = tmp_path / "assessment.pickle"
    pending_marker(handed).touch()

    def runner() -> None:
        time.sleep(0.5)
        demo_assessment.dump(handed)  # type: ignore[attr-defined]
        pending_marker(handed).unlink()

    thread = threading.Thread(target=runner)
    started = time.monotonic()
    thread.start()
    got = open_assessment(handed)
    thread.join()
    assert time.monotonic() - started >= 0.5
    assert isinstance(got, Assessment)
    assert got.area == demo_assessment.area  # type: ignore[attr-defined]
    assert not list(tmp_path.glob(".*.part"))  # written whole, by a rename

    failed = tmp_path / "failed.pickle"
    pending_marker(failed).touch()
    threading.Timer(0.3, pending_marker(failed).unlink).start()
    with pytest.raises(FileNotFoundError):
        open_assessment(failed)
