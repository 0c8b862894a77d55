"""``tables.xlsx`` in the layout of the Analysis Function's guidance on releasing statistics in
spreadsheets: cover, contents, notes, one table per sheet, units in headers, [c] and [x]."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from csp_analysis.assessment import WORKBOOK_TABLES, Assessment, workbook_table
from csp_analysis.periods import Period
from csp_analysis.sections import SectionResult
from tests.conftest import xlsx_table


def _assessment(**tables: pd.DataFrame) -> Assessment:
    return Assessment(
        area="Ashvale",
        period=Period.financial_year("2019/20"),
        force="Kent Police",
        synthetic=False,
        alpha=0.05,
        suppress_below=5,
        results={"t": SectionResult(name="t", tables=tables)},
    )


HOTSPOTS = pd.DataFrame(
    {
        "lsoa": pd.array(["E01000001", "E01000002", "E01000003"], dtype="string"),
        "count": pd.Series(["120", "<5", "7"], dtype=object),
        "rate_per_1000": pd.array([12.5, None, 3.25], dtype="Float64"),
        "note": pd.array(["", None, "=bad"], dtype="string"),
    }
)
CHANGE = pd.DataFrame(
    {
        "category": pd.array(["All crime", "Burglary"], dtype="string"),
        "current": pd.array([1234, None], dtype="Int64"),
        "pct_change": pd.array([-3.5, 10.0], dtype="Float64"),
    }
)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wb")
    a = _assessment(yoy_categories=CHANGE, hotspots=HOTSPOTS, priorities=CHANGE.head(0))
    a.save(out, classification="OFFICIAL-SENSITIVE", contact="csp@ashvale.example")
    return out / "tables.xlsx"


def test_cover_contents_and_notes_come_first_then_short_sheet_names(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Cover", "Contents", "Notes", "Change", "Hotspots", "Priorities"]
    assert all(len(n) <= 31 and " " not in n for n in wb.sheetnames)
    cover = [c.value for row in wb["Cover"].iter_rows() for c in row if c.value]
    assert cover[0] == "Ashvale strategic assessment 2019/20: tables"
    for line in (
        "Period: 2019/20, compared with 2018/19",
        "Area: Ashvale (Kent Police)",
        "Marking: OFFICIAL-SENSITIVE",
        "csp@ashvale.example",
    ):
        assert line in cover, line
    assert any(str(v).startswith("Source: Police recorded crime") for v in cover)
    for ws in wb:  # no merged cells anywhere
        assert not ws.merged_cells.ranges, ws.title


def test_contents_links_every_table_sheet_with_a_description(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["Contents"]
    links = {
        c.value: (c.hyperlink.location, ws.cell(c.row, c.column + 1).value)
        for row in ws.iter_rows()
        for c in row
        if c.hyperlink is not None
    }
    assert set(links) == {"Change", "Hotspots", "Priorities"}
    assert links["Hotspots"][0] == "'Hotspots'!A1"
    assert links["Hotspots"][1].startswith(WORKBOOK_TABLES["hotspots"][1])


def test_suppressed_counts_are_c_missing_values_x_and_headers_carry_units(book: Path) -> None:
    hot = xlsx_table(book, "Hotspots")
    assert list(hot.columns) == ["LSOA code", "Count", "Rate per 1,000 residents", "Note"]
    assert hot["Count"].tolist() == [120, "[c]", 7]  # numbers again, the small one withheld
    assert hot["Rate per 1,000 residents"].tolist() == [12.5, "[x]", 3.25]
    assert hot["Note"].tolist()[2] == "'=bad"  # a formula is text (safe_cells)
    change = xlsx_table(book, "Change")
    assert list(change.columns) == ["Category", "Assessed period (count)", "% change"]
    assert change["Assessed period (count)"].tolist() == [1234, "[x]"]  # missing, never 0
    assert xlsx_table(book, "Priorities").iloc[0].tolist() == ["[x]"] * 3  # no rows: said


def test_notes_explain_c_only_where_a_table_uses_it(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    notes = [r for r in wb["Notes"].iter_rows(values_only=True) if isinstance(r[0], int) and r[1]]
    text = {n: t for n, t in notes}
    c = [n for n, t in text.items() if t.startswith("[c]")]
    x = [n for n, t in text.items() if t.startswith("[x]")]
    assert len(c) == 1 and len(x) == 1
    assert "count from 1 to 4" in text[c[0]] and "<5" in text[c[0]]
    titles = {ws.title: ws["A1"].value for ws in wb if ws.title not in ("Cover", "Contents")}
    assert f"[note {c[0]}]" in titles["Hotspots"]
    assert f"[note {c[0]}]" not in titles["Change"]
    assert f"[note {x[0]}]" in titles["Change"]


def test_no_blank_rows_inside_a_table(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["Hotspots"]
    (table,) = ws.tables.values()
    rows = list(ws[table.ref])
    assert len(rows) == 1 + len(HOTSPOTS)
    assert all(any(c.value not in (None, "") for c in row) for row in rows)


def test_the_same_assessment_gives_a_byte_identical_workbook(book: Path, tmp_path: Path) -> None:
    a = _assessment(yoy_categories=CHANGE, hotspots=HOTSPOTS, priorities=CHANGE.head(0))
    a.save(tmp_path, classification="OFFICIAL-SENSITIVE", contact="csp@ashvale.example")
    assert (tmp_path / "tables.xlsx").read_bytes() == book.read_bytes()


def test_workbook_table_leaves_a_text_column_of_words_alone() -> None:
    df = pd.DataFrame({"category": ["<5 words", "Burglary"], "count": [3, 4]})
    table, suppressed = workbook_table(df)
    assert not suppressed and table["Category"].tolist() == ["<5 words", "Burglary"]


def test_a_count_column_of_numbers_and_suppression_marks_shows_c() -> None:
    # Found by CI on Thurrock with --suppress-below 25: the hot-spot table in memory holds
    # ints beside "<25" marks (the CSV reads back as text); the sheet must show [c] either way.
    df = pd.DataFrame(
        {"lsoa": ["A", "B", "C"], "count": pd.Series([1205, 40, "<25"], dtype=object)}
    )
    table, suppressed = workbook_table(df)
    assert suppressed and table["Count"].tolist() == [1205, 40, "[c]"]


def test_an_infinite_ratio_is_not_available_in_the_sheet() -> None:
    # Found by CI on Maldon 2018/19: a category with no crimes the year before has an
    # infinite rate ratio, which no spreadsheet cell can hold.
    df = pd.DataFrame({"rate_ratio": [1.5, float("inf")], "rr_upper": [2.0, float("-inf")]})
    table, _ = workbook_table(df)
    assert table.iloc[1].tolist() == ["[x]", "[x]"] and table.iloc[0].tolist() == [1.5, 2.0]
