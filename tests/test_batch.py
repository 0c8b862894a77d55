"""`csp-assess batch`: many areas in parallel worker processes, an index page, a summary."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from csp_analysis.cli import main
from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset, load
from csp_analysis.paths import demo_dir
from csp_analysis.report.batch import select_areas
from csp_analysis.report.export import check_offline
from tests.conftest import shared_path


def test_select_areas_by_force_list_or_all(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    assert select_areas(ds, force="WESSMOOR constabulary") == ds.areas_of_force(
        "Wessmoor Constabulary"
    )
    assert len(select_areas(ds, force="Wessmoor Constabulary")) == 14
    assert select_areas(ds, areas=["elderbrook", "Greywater"]) == ["Elderbrook", "Greywater"]
    assert select_areas(ds, all_areas=True) == ds.areas


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of --force, --areas or --all"),
        ({"force": "Wessmoor Constabulary", "all_areas": True}, "exactly one"),
        ({"force": "Kent Police"}, "force 'Kent Police' is not in the data. Forces: Wessmoor"),
        ({"areas": ["Elderbrook", "Atlantis"]}, "area 'Atlantis' is not in the data"),
    ],
)
def test_select_areas_refuses_with_the_names_that_exist(
    demo_dataset: Dataset, kwargs: dict, message: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        select_areas(demo_dataset, **kwargs)


def test_usage_errors_exit_2_before_any_report(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["batch", "--force", "Nowhere Police", "--out", str(tmp_path)]) == 2
    assert (
        main(["batch", "--areas", "Elderbrook", "--year", "1999/00", "--out", str(tmp_path)]) == 2
    )
    assert main(["batch", "--out", str(tmp_path)]) == 2  # no choice of areas
    assert main(["batch", "--all", "--jobs", "0"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Forces: Wessmoor Constabulary" in err
    assert not list(tmp_path.iterdir())  # nothing written


def _index_rows(index: Path) -> dict[str, dict[str, str]]:
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    heads = [th.get_text(strip=True) for th in soup.select("thead th")]
    rows = {}
    for tr in soup.select("tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        link = tr.find("a")
        row = dict(zip(heads, cells, strict=True))
        row["href"] = link["href"] if link else ""
        rows[cells[0]] = row
    return rows


@pytest.mark.slow
def test_batch_builds_every_report_and_carries_on_past_a_failing_area(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    # The demo plus one extra area whose only data is an old year: asked for 2025/26 it fails,
    # the others must still be built.
    data = tmp_path / "data"
    data.symlink_to(demo_dir(), target_is_directory=True)
    extra = tmp_path / "with_extra"
    extra.mkdir()
    (extra / "demo").symlink_to(demo_dir(), target_is_directory=True)
    (extra / "old_area.csv").write_text(
        "area,period,category,count\nOldtown,2019-04,Burglary,12\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    code = main(
        [
            "batch",
            "--data",
            str(extra),
            "--areas",
            "Elderbrook,Greywater,Oldtown",
            "--year",
            "2025/26",
            "--out",
            str(out),
            "--jobs",
            "2",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1  # one area failed
    assert "2 of 3 reports built" in captured.out
    assert re.search(r"failed: Oldtown: year 2025/26 has no data for Oldtown", captured.out)
    assert "FAILED Oldtown" in captured.err and "ok     Elderbrook" in captured.err
    assert "Traceback" not in captured.out + captured.err

    index = out / "index.html"
    html = index.read_text(encoding="utf-8")
    assert check_offline(html) == []
    assert str(tmp_path) not in html  # relative links only, no local paths
    assert html.count("OFFICIAL") >= 2
    rows = _index_rows(index)
    assert set(rows) == {"Elderbrook", "Greywater", "Oldtown"}
    assert rows["Oldtown"]["href"] == "" and "failed" in rows["Oldtown"]["Report"]
    for area in ("Elderbrook", "Greywater"):
        row = rows[area]
        report = out / row["href"]
        assert report.is_file()
        assert row["href"] == f"{area.lower()}/2025-26/strategic_assessment.html"
        # Headline figures are the report's own category table, not a second computation
        yoy = pd.read_csv(report.parent / "tables" / "yoy_categories.csv")
        crime = yoy[yoy["category"] == "All crime"].iloc[0]
        asb = yoy[yoy["category"] == "Anti-social behaviour"].iloc[0]
        assert row["All crime"] == f"{int(crime['current']):,}"
        assert row["All crime change"] == f"{crime['pct_change']:+.1f}%"
        assert row["ASB"] == f"{int(asb['current']):,}"
        assert row["ASB change"] == f"{asb['pct_change']:+.1f}%"
        assert row["Period"] == "2025/26" and row["Months compared"] == "12"
        assert row["Months covered"] == "Apr 2025–Mar 2026"
        # the area's own priorities (its report's list) and its rate from its own population
        chosen = pd.read_csv(report.parent / "tables" / "priorities.csv")
        assert row["Top priorities (own risk matrix)"].startswith(f"1 {chosen['category'][0]} 2 ")
        districts = pd.read_csv(report.parent / "tables" / "district_change.csv")
        people = districts.set_index("area").loc[area, "population"]
        assert row["Rate per 1,000 residents"] == f"{crime['total_in_period'] / people * 1000:.1f}"
    assert "Total row: no total: the report of Oldtown was not built." in html
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # staging removed


@pytest.mark.slow
@pytest.mark.shared
def test_essex_batch_builds_the_fourteen_reports_and_an_index(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = shared_path("police_uk")
    out = tmp_path / "essex"
    assert (
        main(
            [
                "batch",
                "--data",
                str(data),
                "--force",
                "Essex Police",
                "--year",
                "2018/19",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    essex = load(data).areas_of_force("Essex Police")
    assert len(essex) == 14
    rows = _index_rows(out / "index.html")
    assert sorted(rows) == essex
    for area, row in rows.items():
        assert (out / row["href"]).is_file(), area
        assert row["Period"] == "2018/19" and row["Report"] == "built"
    assert "14 of 14 reports built" in capsys.readouterr().out


def test_an_unreadable_file_stops_the_batch_before_any_report(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "demo").symlink_to(demo_dir(), target_is_directory=True)
    (data / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    out = tmp_path / "out"
    assert main(["batch", "--data", str(data), "--all", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "broken.xlsx" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_index_page_escapes_names_links_relatively_and_marks_top_and_bottom(
    tmp_path: Path,
) -> None:
    from csp_analysis.report.batch import AreaRun, write_index

    report = tmp_path / "out" / "a-b" / "2025-26" / "strategic_assessment.html"
    report.parent.mkdir(parents=True)
    report.write_text("<html></html>", encoding="utf-8")
    runs = [
        AreaRun("A & B <Vale>", state="done", html=report, year="2025/26"),
        AreaRun("Oldtown", state="failed", error="year 2025/26 has <no> data"),
    ]
    index = write_index(runs, tmp_path / "out", "OFFICIAL-SENSITIVE", load())
    html = index.read_text(encoding="utf-8")
    assert "A &amp; B &lt;Vale&gt;" in html and "&lt;no&gt; data" in html and "<Vale>" not in html
    assert html.count("OFFICIAL-SENSITIVE") == 2 and check_offline(html) == []
    assert "2 partnership areas" in html and "1 reports built, 1 failed." in html
    assert "Synthetic demo data: not real crime figures." in html  # load() is the demo
    rows = _index_rows(index)
    assert rows["A & B <Vale>"]["href"] == "a-b/2025-26/strategic_assessment.html"
    assert rows["A & B <Vale>"]["All crime"] == "–"  # no tables: missing, never zero
    assert rows["Oldtown"] == {
        **rows["Oldtown"],
        "href": "",
        "Period": "–",
        "Report": "failed: year 2025/26 has <no> data",
    }


def test_index_title_names_the_force_and_the_year_and_the_date(tmp_path: Path) -> None:
    import datetime

    from csp_analysis.report.batch import AreaRun, write_index

    runs = [
        AreaRun("Elderbrook", state="done", year="2025/26"),
        AreaRun("Saltridge", state="done", year="2025/26"),
    ]
    html = write_index(runs, tmp_path, "OFFICIAL", load()).read_text(encoding="utf-8")
    title = "Strategic assessments: Wessmoor Constabulary, 2025/26"
    assert f"<title>{title}</title>" in html and f"<h1>{title}</h1>" in html
    assert f"Generated on {datetime.date.today().strftime('%-d %B %Y')}." in html


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream_type", [io.StringIO, _Terminal])
def test_progress_lines_and_a_bar_only_on_a_terminal(stream_type: type[io.StringIO]) -> None:
    from csp_analysis.report.batch import AreaRun, Progress

    runs = [AreaRun("Elderbrook"), AreaRun("Greywater")]
    stream = stream_type()
    progress = Progress(runs, stream)
    runs[0].state, runs[0].seconds = "done", 12.34
    runs[1].state, runs[1].error = "failed", "year 2025/26 has no data"
    progress.update(runs[0])
    progress.update(runs[1])
    progress.close()
    text = stream.getvalue()
    assert "ok     Elderbrook: 12.3 s\n" in text
    assert "FAILED Greywater: year 2025/26 has no data\n" in text
    if stream_type is _Terminal:
        assert "2/2" in text and "1 done, 0 running, 1 failed" in text
    else:
        assert text == ("ok     Elderbrook: 12.3 s\nFAILED Greywater: year 2025/26 has no data\n")


def _done(area: str, **head: str) -> object:
    from csp_analysis.report.batch import AreaRun

    base = {
        "_all_crime": "1000",
        "_asb": "300",
        "_all_crime_current": "1000",
        "_all_crime_previous": "800",
        "_population": "50000",
        "_months_present": "2025-04,2025-05",
        "_months_compared": "Apr–May 2024 / Apr–May 2025",
        "months_covered": "Apr–May 2025",
        "months": "2",
    }
    return AreaRun(
        area, state="done", html=Path(f"{area}.html"), year="2025/26", headline=base | head
    )


def test_force_total_sums_the_areas_own_totals_with_rate_and_change() -> None:
    from csp_analysis.report.batch import force_total

    runs = [
        _done("A"),
        _done("B", _all_crime="500", _asb="20", _all_crime_current="500", _all_crime_previous="500",
              _population="25000"),
    ]  # fmt: skip
    row, note = force_total(runs, "Total of the 2 areas")
    assert note == "" and row is not None
    assert row["all_crime"] == "1,500" and row["asb"] == "320"
    # (1000 + 500) / (50000 + 25000) * 1000 = 20.0; (1500 - 1300) / 1300 = +15.4%
    assert row["all_crime_rate"] == "20.0" and row["all_crime_change"] == "+15.4%"
    assert row["months_covered"] == "Apr–May 2025"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"_months_present": "2025-04"}, "do not cover the same months (B differs"),
        ({"_all_crime": ""}, "B has no All crime total"),
        ({"_months_present": ""}, "the months covered by B are not known"),
    ],
)
def test_no_force_total_where_the_areas_sums_would_mislead(change: dict, reason: str) -> None:
    from csp_analysis.report.batch import AreaRun, force_total

    row, note = force_total([_done("A"), _done("B", **change)], "Total")
    assert row is None and reason in note
    row, note = force_total([_done("A"), AreaRun("C", state="failed", error="x")], "Total")
    assert row is None and note == "no total: the report of C was not built"


def test_force_total_without_population_or_like_for_like_change_says_so() -> None:
    from csp_analysis.report.batch import force_total

    row, note = force_total([_done("A"), _done("B", _population="", _months_compared="")], "T")
    assert row is not None and row["all_crime_rate"] == "–" and row["all_crime_change"] == "–"
    assert "no rate: the population of B is not known" in note
    assert "no change" in note


def test_each_area_names_its_own_top_priorities(demo_assessment: object) -> None:
    from csp_analysis.statistics.risk_matrix import recommend_priorities

    head = demo_assessment.headline()
    risk = demo_assessment.table("risk_matrix")
    top = recommend_priorities(risk, n=3)
    assert head["priority"].startswith(f"1 {top['category'].iloc[0]}; 2 {top['category'].iloc[1]}")
    for cat in top["category"]:
        assert cat in head["priority"]
    assert head["months_covered"] == "Apr 2025–Mar 2026"  # the demo's twelve months
    districts = demo_assessment.table("district_change").set_index("area")
    pop = int(districts.loc[demo_assessment.area, "population"])  # the districts' own figure
    assert int(head["_population"]) == pop
    total = int(head["_all_crime"])
    assert head["all_crime_rate"] == f"{total / pop * 1000:,.1f}"
