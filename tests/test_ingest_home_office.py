"""Home Office police recorded crime tables by CSP: wide, long and unusable layouts."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.model import Dataset, load

CALDERDALE = "home_office_prc/calderdale_csp_by_offence_code_2015-16_to_2021-22_wide.csv"
NO_PERIOD = "home_office_prc/csp_subset_no_period_columns.csv"
PFA_ROLLING = "home_office_prc/pfa_rolling_12_months_2003-2018.csv"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _count_data_lines(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return sum(1 for row in reader if any(c.strip() for c in row))


# ---------------------------------------------------------------- Calderdale wide extract


@pytest.fixture(scope="module")
def calderdale_path(shared_file: Callable[[str], Path]) -> Path:
    return shared_file(CALDERDALE)


@pytest.fixture(scope="module")
def calderdale(calderdale_path: Path) -> Dataset:
    return load(calderdale_path)


@pytest.mark.shared
def test_calderdale_recognised_wide(calderdale: Dataset, calderdale_path: Path) -> None:
    f = calderdale.files.iloc[0]
    assert len(calderdale.files) == 1
    assert f["layout"] == "home_office_wide"
    assert f["rows_read"] == _count_data_lines(calderdale_path) == 136  # 136: SOURCES.md
    assert f["rows_read"] == f["rows_used"] + f["rows_rejected"]
    assert calderdale.areas == ["Calderdale"]
    assert calderdale.area_force["Calderdale"] == "West Yorkshire"


@pytest.mark.shared
def test_calderdale_all_crime_equals_total_row(calderdale: Dataset, calderdale_path: Path) -> None:
    rows = _csv(calderdale_path)
    total = [r for r in rows if r["OffenceCode"] == "All codes"]
    assert len(total) == 1
    years = [c for c in rows[0] if "/" in c]
    assert years == ["2015/16", "2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]
    counts = calderdale.counts
    crime_cats = set(calderdale.cmap.of_kind("crime"))
    for y in years:
        stated = int(total[0][y])
        raw_sum = sum(int(r[y]) for r in rows if r["OffenceCode"] != "All codes")
        assert raw_sum == stated, y  # the file itself is consistent
        sub = counts[(counts["area"] == "Calderdale") & (counts["period"] == y)]
        assert set(sub["category"]) <= crime_cats
        assert int(sub["count"].sum()) == stated, y  # the total row is not added in
    assert set(counts["period"]) == set(years)


@pytest.mark.shared
def test_calderdale_categories_from_subgroups(calderdale: Dataset, calderdale_path: Path) -> None:
    """Two report categories summed by hand from their Home Office subgroups."""
    rows = _csv(calderdale_path)
    by_hand = {
        "Robbery": {"Robbery of business property", "Robbery of personal property"},
        "Burglary": {"Domestic burglary", "Non-domestic burglary"},
        "Drugs": {"Possession of drugs", "Trafficking of drugs"},
    }
    counts = calderdale.counts.set_index(["period", "category"])["count"]
    for cat, subgroups in by_hand.items():
        for y in ("2015/16", "2021/22"):
            expected = sum(int(r[y]) for r in rows if r["Offence Subgroup"] in subgroups)
            assert int(counts[(y, cat)]) == expected, (cat, y)


@pytest.mark.shared
def test_calderdale_total_row_skipped_with_reason(
    calderdale: Dataset, calderdale_path: Path
) -> None:
    rows = _csv(calderdale_path)
    line = next(i for i, r in enumerate(rows) if r["OffenceCode"] == "All codes") + 2
    f = calderdale.files.iloc[0]
    assert f["rows_rejected"] == 1
    p = calderdale.problems.iloc[0]
    assert (int(p["line"]), p["column"]) == (line, "OffenceCode")
    assert "All crimes" in p["message"]


def test_wide_without_force_column(tmp_path: Path) -> None:
    (tmp_path / "wide.csv").write_text(
        "CSP Name,Offence Description,Offence Group,Offence Subgroup,OffenceCode,2016/17,2017/18\n"
        "Testshire,Burglary - residential,Theft offences,Domestic burglary,28E,5,6\n",
        encoding="utf-8",
    )
    ds = load(tmp_path)
    assert ds.files.loc[0, "layout"] == "home_office_wide"
    counts = ds.counts.set_index(["period", "category"])["count"]
    assert counts.to_dict() == {("2016/17", "Burglary"): 5, ("2017/18", "Burglary"): 6}


WIDE_HEADER = "Force Name,CSP Name,Offence Description,Offence Group,Offence Subgroup,OffenceCode"
ROBBERY = "Robbery of personal property,Robbery,Robbery of personal property,34B"
SHOP = "Shoplifting,Theft offences,Shoplifting,46"


def test_wide_bad_cell_leaves_out_only_that_year(tmp_path: Path) -> None:
    """Rows are lines: a line with one bad year is used for its other years, and the problem
    names the line and the year column; a line with no good year is rejected."""
    (tmp_path / "wide.csv").write_text(
        "\n".join(
            [
                f"{WIDE_HEADER},2016/17,2017/18",
                f"Essex,Thurrock,{ROBBERY},12,13",  # line 2
                f"Essex,Thurrock,{SHOP},40,x",  # line 3: 2017/18 is not a count
                f"Essex,Basildon,{SHOP},,n/a",  # line 4: no year is a count
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    ds = load(tmp_path, cache=False)
    f = ds.files.iloc[0]
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (3, 2, 1)
    assert "left out" in f["notes"]
    probs = {(int(r.line), r.column): (int(r.rows), r.message) for r in ds.problems.itertuples()}
    assert sorted(probs) == [(3, "2017/18"), (4, "2016/17")]
    assert probs[(3, "2017/18")][0] == 0 and "whole number" in probs[(3, "2017/18")][1]
    assert probs[(4, "2016/17")][0] == 1
    counts = ds.counts.set_index(["area", "period", "category"])["count"].to_dict()
    assert counts == {
        ("Thurrock", "2016/17", "Robbery"): 12,
        ("Thurrock", "2017/18", "Robbery"): 13,
        ("Thurrock", "2016/17", "Shoplifting"): 40,
    }


def test_wide_tables_with_overlapping_years_not_summed(tmp_path: Path) -> None:
    """A later extract repeating 2017/18 and adding 2018/19: 2017/18 counted once."""
    (tmp_path / "a.csv").write_text(
        f"{WIDE_HEADER},2016/17,2017/18\nEssex,Thurrock,{ROBBERY},12,13\n", encoding="utf-8"
    )
    (tmp_path / "b.csv").write_text(
        f"{WIDE_HEADER},2017/18,2018/19\nEssex,Thurrock,{ROBBERY},13,15\nEssex,Thurrock,{SHOP},,\n",
        encoding="utf-8",
    )
    ds = load(tmp_path, cache=False)
    counts = ds.counts.set_index("period")["count"].to_dict()
    assert counts == {"2016/17": 12, "2017/18": 13, "2018/19": 15}
    b = ds.files.set_index("source").loc["b.csv"]
    assert (b["rows_read"], b["rows_used"], b["rows_rejected"]) == (2, 1, 1)
    repeat = ds.problems[ds.problems["message"].str.contains("a.csv")].iloc[0]
    assert (repeat["source"], int(repeat["line"]), int(repeat["rows"])) == ("b.csv", 2, 0)


def test_copied_long_table_counted_once(tmp_path: Path) -> None:
    _write_long(tmp_path / "prc.csv", OFFICIAL, "2016/17")
    _write_long(tmp_path / "prc_copy.csv", OFFICIAL, "2016/17")
    ds = load(tmp_path, cache=False)
    files = ds.files.set_index("source")
    assert tuple(files.loc["prc_copy.csv", ["rows_read", "rows_used", "rows_rejected"]]) == (
        6,
        0,
        6,
    )
    copy = ds.problems[ds.problems["source"] == "prc_copy.csv"]
    assert copy["rows"].sum() == 6  # 1 fraud row (its own reason) + 5 repeated rows
    repeated = copy[copy["message"].str.contains("prc.csv")]
    assert int(repeated["rows"].iloc[0]) == 5
    assert int(ds.counts["count"].sum()) == 10 - 2 + 7 + 3 + 4


# ---------------------------------------------------------------- long layout


OFFICIAL = [
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "CSP Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Number of Offences",
]
RECENT = [
    "Financial Year",
    "Financial Quarter",
    "Police Force",
    "CSP Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Offence Count",
]

# (quarter, offence description, group, subgroup, code, count); line numbers start at 2
LONG_ROWS = [
    ("1", "Burglary - residential", "Theft offences", "Domestic burglary", "28E", "10"),  # 2
    ("1", "Burglary - residential", "Theft offences", "Domestic burglary", "28E", "-2"),  # 3
    ("1", "Shoplifting", "Theft offences", "Shoplifting", "46", "7"),  # 4
    ("2", "Fraud", "Fraud offences", "Fraud offences", "53A", "40"),  # 5
    (
        "2",
        "Robbery of personal property",
        "Robbery",
        "Robbery of personal property",
        "34B",
        "3",
    ),  # 6
    ("4", "Possession of cannabis", "Drug offences", "Possession of drugs", "92E", "4"),  # 7
]


def _write_long(path: Path, header: list[str], fy: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow(header)
        for q, desc, grp, sub, code, n in LONG_ROWS:
            w.writerow([fy, q, "Essex", "Thurrock", desc, grp, sub, code, n])


@pytest.fixture(params=[(OFFICIAL, "2016/17"), (RECENT, "2016-17")], ids=["official", "recent"])
def long_ds(request: pytest.FixtureRequest, tmp_path: Path) -> Dataset:
    header, fy = request.param
    _write_long(tmp_path / "prc.csv", header, fy)
    return load(tmp_path)


def test_long_recognised(long_ds: Dataset) -> None:
    f = long_ds.files.iloc[0]
    assert f["layout"] == "home_office_long"
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (6, 5, 1)


def test_long_counts_land_in_quarters(long_ds: Dataset) -> None:
    counts = long_ds.counts.set_index(["area", "force", "period", "category"])["count"]
    expected = {
        ("Thurrock", "Essex", "2016/17 Q1", "Burglary"): 10 - 2,
        ("Thurrock", "Essex", "2016/17 Q1", "Shoplifting"): 7,
        ("Thurrock", "Essex", "2016/17 Q2", "Robbery"): 3,
        ("Thurrock", "Essex", "2016/17 Q4", "Drugs"): 4,
    }
    assert {k: int(v) for k, v in counts.items()} == expected
    assert set(long_ds.counts["source"]) == {"home_office"}
    months = long_ds.covered_months("Thurrock", "home_office")
    assert {"2016-04", "2016-05", "2016-06", "2017-01", "2017-02", "2017-03"} <= set(months)
    assert "2016-10" not in months  # no Q3 row: Q3 is not covered


def test_long_negative_adjustment_included_and_noted(long_ds: Dataset) -> None:
    issue = long_ds.files.loc[0, "issue"]
    assert "negative" in issue
    assert "-2" in issue


def test_long_fraud_excluded_with_reason(long_ds: Dataset) -> None:
    probs = long_ds.problems
    assert len(probs) == 1
    p = probs.iloc[0]
    assert int(p["line"]) == 5
    assert int(p["rows"]) == 1
    assert "excluded" in p["message"]
    assert "fraud" in p["message"].lower()
    assert int(long_ds.counts["count"].sum()) == 10 - 2 + 7 + 3 + 4  # 40 fraud offences not in


def test_long_bad_year_and_quarter_rejected(tmp_path: Path) -> None:
    lines = [
        ",".join(OFFICIAL),
        "2016/18,1,Essex,Thurrock,Shoplifting,Theft offences,Shoplifting,46,7",  # line 2
        "2016/17,5,Essex,Thurrock,Shoplifting,Theft offences,Shoplifting,46,7",  # line 3
        "2016/17,1,Essex,Thurrock,Shoplifting,Theft offences,Shoplifting,46,",  # line 4
        "2016/17,1,Essex,Thurrock,Shoplifting,Theft offences,Shoplifting,46,9",  # line 5
    ]
    (tmp_path / "prc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load(tmp_path)
    probs = {int(r.line): r.column for r in ds.problems.itertuples()}
    assert probs == {2: "Financial Year", 3: "Financial Quarter", 4: "Number of Offences"}
    assert int(ds.counts["count"].sum()) == 9


# ---------------------------------------------------------------- unusable Home Office tables


@pytest.mark.shared
def test_no_period_columns_refused(shared_file: Callable[[str], Path]) -> None:
    path = shared_file(NO_PERIOD)
    ds = load(path)
    f = ds.files.iloc[0]
    assert f["layout"] == "home_office_no_period"
    n = _count_data_lines(path)
    assert n == 15_577  # SOURCES.md
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (n, 0, n)
    assert "Financial Year" in f["issue"]
    assert len(ds.counts) == 0


@pytest.mark.shared
def test_pfa_rolling_recognised_not_used(shared_file: Callable[[str], Path]) -> None:
    path = shared_file(PFA_ROLLING)
    ds = load(path)
    f = ds.files.iloc[0]
    assert f["layout"] == "home_office_force_rolling"
    n = _count_data_lines(path)
    assert n == 46_469  # SOURCES.md
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (n, 0, n)
    assert "not used" in f["issue"]
    assert len(ds.counts) == 0


# ---------------------------------------------------------------- the tables as published

#: Rows of a published long table (year, quarter, force, CSP, description, group, subgroup,
#: code, count), written by hand; the offence labels drift between releases as they do in
#: the Home Office files ("Miscellaneous crimes" / "...against society", "Rape offences").
PUBLISHED = {
    "2022-23": [
        (
            "2022/23",
            "1",
            "Essex",
            "Thurrock",
            "Shoplifting",
            "Theft offences",
            "Shoplifting",
            "46",
            "120",
        ),
        (
            "2022/23",
            "2",
            "Essex",
            "Thurrock",
            "Rape of a female aged 16 and over",
            "Sexual offences",
            "Rape offences",
            "19C",
            "11",
        ),
        (
            "2022/23",
            "3",
            "Essex",
            "Basildon",
            "Other notifiable offences",
            "Miscellaneous crimes against society",
            "Miscellaneous crimes against society",
            "99",
            "5",
        ),
        (
            "2022/23",
            "4",
            "Essex",
            "Basildon",
            "Robbery of personal property",
            "Robbery",
            "Robbery of personal property",
            "34B",
            "-1",
        ),
    ],
    "2023-24": [
        (
            "2023/24",
            "1",
            "Essex",
            "Thurrock",
            "Shoplifting",
            "Theft offences",
            "Shoplifting",
            "46",
            "140",
        ),
        (
            "2023/24",
            "2",
            "Essex",
            "Thurrock",
            "Rape of a female aged 16 and over",
            "Sexual offences",
            "Rape",
            "19C",
            "9",
        ),
        (
            "2023/24",
            "3",
            "Essex",
            "Basildon",
            "Other notifiable offences",
            "Miscellaneous crimes",
            "Miscellaneous crimes",
            "99",
            "7",
        ),
        (
            "2023/24",
            "4",
            "Essex",
            "Basildon",
            "Fraud offences recorded by Action Fraud",
            "Fraud offences",
            "Fraud",
            "53A",
            "30",
        ),
    ],
}


def _published_frames(header: list[str]) -> dict[str, pd.DataFrame]:
    return {
        sheet: pd.DataFrame(
            [
                [int(c) if c.lstrip("-").isdigit() and i in (1, 8) else c for i, c in enumerate(r)]
                for r in rows
            ],
            columns=header,
        )
        for sheet, rows in PUBLISHED.items()
    }


def _counts(ds: Dataset) -> dict[tuple[str, str, str], int]:
    c = ds.counts.groupby(["area", "period", "category"])["count"].sum()
    return {k: int(v) for k, v in c.items()}


@pytest.mark.parametrize("header", [OFFICIAL, RECENT], ids=["force_name", "police_force"])
def test_ods_reads_to_the_same_counts_as_csv(tmp_path: Path, header: list[str]) -> None:
    frames = _published_frames(header)
    ods, csv_dir = tmp_path / "ods", tmp_path / "csv"
    ods.mkdir()
    csv_dir.mkdir()
    with pd.ExcelWriter(ods / "prc-csp-open-data-tables.ods", engine="odf") as w:
        pd.DataFrame(
            {"Notes": ["Police recorded crime by CSP", "Fraud is not in CSP figures"]}
        ).to_excel(w, sheet_name="Notes", index=False)
        for sheet, df in frames.items():
            df.to_excel(w, sheet_name=sheet, index=False)
    pd.concat(frames.values()).to_csv(csv_dir / "prc.csv", index=False)
    from_ods, from_csv = load(ods), load(csv_dir)
    assert list(from_ods.files["layout"]) == ["home_office_long"] * 2  # the two year sheets
    assert _counts(from_ods) == _counts(from_csv)
    # independent count of the rows above (fraud excluded, the -1 adjustment included)
    assert _counts(from_ods) == {
        ("Thurrock", "2022/23 Q1", "Shoplifting"): 120,
        ("Thurrock", "2022/23 Q2", "Violence and sexual offences"): 11,
        ("Basildon", "2022/23 Q3", "Other crime"): 5,
        ("Basildon", "2022/23 Q4", "Robbery"): -1,
        ("Thurrock", "2023/24 Q1", "Shoplifting"): 140,
        ("Thurrock", "2023/24 Q2", "Violence and sexual offences"): 9,
        ("Basildon", "2023/24 Q3", "Other crime"): 7,
    }
    assert int(from_ods.files["rows_read"].sum()) == 8
    assert int(from_ods.files["rows_rejected"].sum()) == 1  # the fraud row, with its reason


def test_historic_xlsx_a_sheet_per_year_with_title_rows(tmp_path: Path) -> None:
    frames = _published_frames(OFFICIAL)
    with pd.ExcelWriter(tmp_path / "historic.xlsx", engine="openpyxl") as w:
        for sheet, df in frames.items():
            pd.DataFrame([[f"Police recorded crime by CSP, {sheet}"], [""]]).to_excel(
                w, sheet_name=sheet, index=False, header=False
            )
            df.to_excel(w, sheet_name=sheet, index=False, startrow=3)
    ds = load(tmp_path)
    assert sorted(ds.files["source"]) == ["historic.xlsx [2022-23]", "historic.xlsx [2023-24]"]
    assert int(ds.counts["count"].sum()) == 120 + 11 + 5 - 1 + 140 + 9 + 7
    line = ds.problems.loc[ds.problems["message"].str.contains("excluded"), "line"]
    assert list(line) == [8]  # title, blank, blank, header on row 4, fraud is the 4th row


def test_offence_labels_harmonised_across_releases() -> None:
    from csp_analysis.ingest.offences import ALIAS_VERSION, alias_table, harmonise

    table = alias_table()
    assert list(table.columns) == ["field", "published", "harmonised", "version", "source"]
    assert ALIAS_VERSION >= 1
    old_new = pd.Series(["Miscellaneous crimes against society", "Miscellaneous  crimes "])
    assert harmonise(old_new, "offence_group").nunique() == 1
    assert harmonise(pd.Series(["Rape offences", "Rape"]), "offence_subgroup").nunique() == 1
    # not renamings: kept apart (the burglary definition changed in April 2017)
    kept = harmonise(pd.Series(["Domestic burglary", "Residential burglary"]), "offence_subgroup")
    assert kept.nunique() == 2
    with pytest.raises(ValueError, match="field"):
        harmonise(old_new, "offence")
