"""Tidy counts files (area, period, category, count): periods, rejections, duplicates."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.analyses.change import category_change
from csp_analysis.model import Dataset, load

HEADER = "area,period,category,count"


def write(tmp_path: Path, lines: list[str], name: str = "counts.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def data_rows(path: Path) -> int:
    """Independent count of non-blank data rows."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return sum(1 for row in reader if any(c.strip() for c in row))


def counts_of(ds: Dataset) -> dict[tuple[str, str, str], int]:
    c = ds.counts
    return {
        (a, p, k): int(n)
        for a, p, k, n in zip(c["area"], c["period"], c["category"], c["count"], strict=True)
    }


def only_file(ds: Dataset) -> pd.Series:
    assert len(ds.files) == 1
    f = ds.files.iloc[0]
    assert f["layout"] == "tidy_counts"
    assert f["rows_read"] == f["rows_used"] + f["rows_rejected"]
    return f


# ---------------------------------------------------------------- periods


def test_financial_years_both_spellings(tmp_path: Path) -> None:
    path = write(
        tmp_path, [HEADER, "X,2016/17,Burglary,5", "X,2017-18,Burglary,6", "X,2018/2019,Burglary,7"]
    )
    ds = load(path)
    only_file(ds)
    assert counts_of(ds) == {
        ("X", "2016/17", "Burglary"): 5,
        ("X", "2017/18", "Burglary"): 6,
        ("X", "2018/19", "Burglary"): 7,
    }
    assert ds.covered_months("X", "tidy")[0] == "2016-04"
    assert len(ds.covered_months("X", "tidy")) == 36


def test_months(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, "X,2016-04,Burglary,5", "X,2016-5,Burglary,6"])
    ds = load(path)
    assert counts_of(ds) == {("X", "2016-04", "Burglary"): 5, ("X", "2016-05", "Burglary"): 6}
    assert ds.covered_months("X", "tidy") == ["2016-04", "2016-05"]


def test_ambiguous_2011_12(tmp_path: Path) -> None:
    """``2011-12`` is a financial year among financial years, a month among months."""
    fy = load(write(tmp_path, [HEADER, "X,2010/11,Burglary,1", "X,2011-12,Burglary,2"], "fy.csv"))
    assert set(fy.counts["period"]) == {"2010/11", "2011/12"}
    mo = load(write(tmp_path, [HEADER, "X,2011-11,Burglary,1", "X,2011-12,Burglary,2"], "mo.csv"))
    assert set(mo.counts["period"]) == {"2011-11", "2011-12"}


def test_unknown_period_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path, [HEADER, "X,2016/18,Burglary,5", "X,spring,Burglary,6", "X,2016/17,Burglary,7"]
    )
    ds = load(path)
    f = only_file(ds)
    assert (f["rows_used"], f["rows_rejected"]) == (1, 2)
    p = ds.problems.iloc[0]
    assert (int(p["line"]), p["column"], int(p["rows"])) == (2, "period", 2)
    assert p["lines"] == "2, 3"


# ---------------------------------------------------------------- rejected counts


@pytest.mark.parametrize(
    ("count", "words"),
    [
        ("-3", "negative"),
        ("", "blank"),
        ("abc", "not a number"),
        ("2.5", "whole number"),
        ("#N/A", "not a number"),
    ],
)
def test_bad_count_rejected_with_line_and_column(tmp_path: Path, count: str, words: str) -> None:
    path = write(
        tmp_path,
        [
            HEADER,
            "X,2016/17,Burglary,5",  # line 2
            "",  # line 3 (blank, tolerated)
            f"X,2016/17,Robbery,{count}",  # line 4
            "X,2016/17,Drugs,2",  # line 5
        ],
    )
    ds = load(path)
    f = only_file(ds)
    assert f["rows_read"] == data_rows(path) == 3
    assert (f["rows_used"], f["rows_rejected"]) == (2, 1)
    assert len(ds.problems) == 1
    p = ds.problems.iloc[0]
    assert (int(p["line"]), p["column"]) == (4, "count")
    assert words in p["message"]
    assert counts_of(ds) == {("X", "2016/17", "Burglary"): 5, ("X", "2016/17", "Drugs"): 2}


def test_infinite_count_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, "X,2016/17,Burglary,inf", "X,2016/17,Drugs,2"])
    ds = load(path)
    assert counts_of(ds) == {("X", "2016/17", "Drugs"): 2}
    assert ds.files.loc[0, "rows_rejected"] == 1


def test_unknown_category_kept_as_the_partnerships_own(tmp_path: Path) -> None:
    # issue 13: a label the mapping does not know is the partnership's own category, never
    # rejected; a blank label is still rejected naming its line and column.
    path = write(
        tmp_path,
        [HEADER, "X,2016/17,Burglary,5", "X,2016/17,Unicorn theft,3", "X,2016/17, ,2"],
    )
    ds = load(path)
    f = only_file(ds)
    assert (f["rows_used"], f["rows_rejected"]) == (2, 1)
    assert counts_of(ds) == {("X", "2016/17", "Burglary"): 5, ("X", "2016/17", "Unicorn theft"): 3}
    assert ds.cmap.kind("Unicorn theft") == "crime" and ds.cmap.scheme("Unicorn theft") == "own"
    p = ds.problems.iloc[0]
    assert (int(p["line"]), p["column"]) == (4, "category")
    assert "blank" in p["message"]
    assert "own categories" in f["notes"]


def test_category_labels_mapped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            HEADER,
            "X,2016/17,ASB,5",
            "X,2016/17,domestic  abuse flag,3",
            "X,2016/17,Criminal damage,4",
        ],
    )
    assert counts_of(load(path)) == {
        ("X", "2016/17", "Anti-social behaviour"): 5,
        ("X", "2016/17", "Domestic abuse"): 3,
        ("X", "2016/17", "Criminal damage and arson"): 4,
    }


# ---------------------------------------------------------------- duplicates


def test_exact_duplicate_rejected_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            HEADER,
            "X,2016/17,Burglary,5",  # line 2
            "X,2016/17,Burglary,5",  # line 3: duplicate
            "X,2016-17,Burglary,5",  # line 4: the same row, other spelling
            "X,2016/17,Robbery,1",  # line 5
        ],
    )
    ds = load(path)
    f = only_file(ds)
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (4, 2, 2)
    assert counts_of(ds) == {("X", "2016/17", "Burglary"): 5, ("X", "2016/17", "Robbery"): 1}
    p = ds.problems.iloc[0]
    assert "duplicate" in p["message"]
    assert (int(p["line"]), int(p["rows"]), p["lines"]) == (3, 2, "3, 4")


def test_conflicting_duplicates_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            HEADER,
            "X,2016/17,Burglary,5",  # line 2
            "X,2016/17,Robbery,4",  # line 3
            "X,2016/17,Robbery,6",  # line 4: conflicts with line 3
            "Y,2016/17,Robbery,6",  # line 5: another area, fine
        ],
    )
    ds = load(path)
    f = only_file(ds)
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (4, 2, 2)
    assert counts_of(ds) == {("X", "2016/17", "Burglary"): 5, ("Y", "2016/17", "Robbery"): 6}
    p = ds.problems.iloc[0]
    assert (int(p["line"]), p["column"], int(p["rows"]), p["lines"]) == (3, "count", 2, "3, 4")


# ---------------------------------------------------------------- layout tolerance


def test_trailing_empty_column_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(
        "\n"  # line 1: blank before the header
        "area,period,category,count,\n"  # line 2: header with a trailing empty column
        "X,2016/17,Burglary,5,\n"  # line 3
        "\n"  # line 4
        "X,2016/17,Robbery,x,\n"  # line 5: rejected
        "X,2016/17,Drugs,2,\n"  # line 6
        "\n\n",
        encoding="utf-8",
    )
    ds = load(path)
    f = only_file(ds)
    assert f["rows_read"] == 3
    assert (f["rows_used"], f["rows_rejected"]) == (2, 1)
    assert int(ds.problems.iloc[0]["line"]) == 5
    assert counts_of(ds) == {("X", "2016/17", "Burglary"): 5, ("X", "2016/17", "Drugs"): 2}


def test_optional_force_and_note_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "area,force,period,category,count,note",
            "X,Test Police,2016-04,Burglary,5,Synthetic demo data",
        ],
    )
    ds = load(path)
    assert ds.synthetic
    assert ds.area_force == {"X": "Test Police"}


# ---------------------------------------------------------------- never in All crime


def test_asb_and_flags_never_in_all_crime(tmp_path: Path) -> None:
    rows = [
        ("2015/16", "Burglary", 5),
        ("2015/16", "Robbery", 1),
        ("2015/16", "Anti-social behaviour", 50),
        ("2015/16", "Domestic abuse", 2),
        ("2015/16", "Hate crime", 1),
        ("2016/17", "Burglary", 7),
        ("2016/17", "Robbery", 2),
        ("2016/17", "Anti-social behaviour", 100),
        ("2016/17", "Domestic abuse", 9),
        ("2016/17", "Hate crime", 3),
    ]
    write(tmp_path, [HEADER, *(f"X,{p},{c},{n}" for p, c, n in rows)])
    ds = load(tmp_path)
    crimes = {"Burglary", "Robbery"}
    prev = sum(n for p, c, n in rows if p == "2015/16" and c in crimes)  # 6
    cur = sum(n for p, c, n in rows if p == "2016/17" and c in crimes)  # 9
    t = category_change(ds, "X", "2016/17").set_index("category")
    assert (int(t.loc["All crime", "previous"]), int(t.loc["All crime", "current"])) == (prev, cur)
    assert (prev, cur) == (6, 9)
    assert t.loc["All crime", "kind"] == "total"
    assert t.loc["Anti-social behaviour", "kind"] == "asb"
    assert int(t.loc["Anti-social behaviour", "current"]) == 100
    assert t.loc["Domestic abuse", "kind"] == "flag"
    assert int(t.loc["Domestic abuse", "current"]) == 9
    assert t.loc["Hate crime", "kind"] == "flag"
    assert list(t.index[:3]) == ["All crime", "Burglary", "Robbery"]


# ---------------------------------------------------------------- period spellings


def test_every_spelling_the_period_parsers_accept(tmp_path: Path) -> None:
    """Financial years and months are read by csp_analysis.periods, the project's one parser."""
    fy = load(
        write(
            tmp_path,
            [HEADER, "X,FY2018/19,Burglary,1", "X,FY 2018-19,Robbery,2", "X,2018/2019,Drugs,3"],
            "fy.csv",
        )
    )
    assert set(fy.counts["period"]) == {"2018/19"}
    assert only_file(fy)["rows_rejected"] == 0
    mo = load(
        write(
            tmp_path,
            [HEADER, "X,2018-06-01,Burglary,1", "X,2018-7,Burglary,2", "X,2018-13,Burglary,3"],
            "mo.csv",
        )
    )
    assert set(mo.counts["period"]) == {"2018-06", "2018-07"}
    assert int(mo.problems.iloc[0]["line"]) == 4


# ---------------------------------------------------------------- copies across files


def test_rows_a_copied_file_repeats_are_rejected_naming_the_first(tmp_path: Path) -> None:
    write(tmp_path, [HEADER, "X,2016/17,Burglary,5", "X,2016/17,Robbery,1"], "a.csv")
    write(
        tmp_path,
        [
            HEADER,
            "X,2016/17,Burglary,5",  # line 2: given by a.csv
            "X,2016/17,Robbery,2",  # line 3: given by a.csv (other count)
            "X,2017/18,Burglary,7",
        ],
        "b.csv",
    )
    ds = load(tmp_path, cache=False)
    files = ds.files.set_index("source")
    assert tuple(files.loc["b.csv", ["rows_read", "rows_used", "rows_rejected"]]) == (3, 1, 2)
    p = ds.problems.iloc[0]
    assert (p["source"], int(p["line"]), int(p["rows"]), p["lines"]) == ("b.csv", 2, 2, "2, 3")
    assert "a.csv" in p["message"] and "twice" in p["message"]
    assert counts_of(ds) == {
        ("X", "2016/17", "Burglary"): 5,
        ("X", "2016/17", "Robbery"): 1,
        ("X", "2017/18", "Burglary"): 7,
    }


# ---------------------------------------------------------------- encodings and structure


def test_utf16_tab_separated_file_read(tmp_path: Path) -> None:
    text = "area\tperiod\tcategory\tcount\r\nX\t2016/17\tBurglary\t5\r\nX\t2016/17\tDrugs\tx\r\n"
    (tmp_path / "counts.csv").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    ds = load(tmp_path, cache=False)
    f = only_file(ds)
    assert (f["rows_used"], f["rows_rejected"]) == (1, 1)
    assert int(ds.problems.iloc[0]["line"]) == 3
    assert "UTF-16" in f["issue"]
    assert counts_of(ds) == {("X", "2016/17", "Burglary"): 5}


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        (
            b"area,period,category,count\nYnys M\xc3\xb4n,2016/17,Burglary,5\n"
            b"Ynys M\xf4n,2016/17,Drugs,2\n",
            3,
            "mixes encodings",
        ),
        (
            b"area,period,category,count\nYnys M\xf4n,2016/17,Burglary,5\n"
            b"Ynys M\xc3\xb4n,2016/17,Drugs,2\n",
            2,
            "mixes encodings",
        ),
        (
            b"area,period,category,count\nX,2016/17,Burglary,5\nX\x9d,2016/17,Drugs,2\n",
            3,
            "neither UTF-8 nor Windows-1252",
        ),
    ],
    ids=["utf8-then-1252", "1252-then-utf8", "undecodable-byte"],
)
def test_file_refused_naming_the_line_it_cannot_decode(
    tmp_path: Path, raw: bytes, line: int, words: str
) -> None:
    (tmp_path / "counts.csv").write_bytes(raw)
    ds = load(tmp_path, cache=False)
    assert ds.files.loc[0, "layout"] == "unreadable"
    p = ds.problems.iloc[0]
    assert int(p["line"]) == line and words in p["message"]


def test_windows_1252_file_with_a_byte_order_mark_read(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").write_bytes(
        b"\xef\xbb\xbfarea,period,category,count\nYnys M\xf4n,2016/17,Burglary,5\n"
    )
    ds = load(tmp_path, cache=False)
    assert counts_of(ds) == {("Ynys Môn", "2016/17", "Burglary"): 5}


def test_ragged_and_multi_line_rows_keep_file_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            HEADER,
            'X,2016/17,"Burglary",5',  # line 2
            "X,2016/17,Robbery,1,234",  # line 3: five fields (unquoted thousands separator)
            '"X\nY",2016/17,Drugs,2',  # lines 4-5: a line break inside quotes
            "X,2016/17,Shoplifting,x",  # line 6: rejected by the reader
        ],
    )
    ds = load(path, cache=False)
    f = only_file(ds)
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (4, 2, 2)
    where = {p["message"][:8]: int(p["line"]) for p in ds.problems.to_dict("records")}
    assert where == {"5 fields": 3, "count is": 6}
