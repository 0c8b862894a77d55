"""The partnership's own categories (issue 13): tidy labels kept as written, totals given
directly, categories.csv, the district table from district totals, --categories."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import csp_analysis as csp
from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.districts import district_change
from csp_analysis.categories import ALL_CRIME, UNALLOCATED
from csp_analysis.exceptions import DataError, UsageError
from csp_analysis.model import load

SHARED = Path("/work/shared/data")
CALDERDALE = (
    SHARED / "home_office_prc" / "calderdale_csp_by_offence_code_2015-16_to_2021-22_wide.csv"
)
YEARS = ("2017/18", "2018/19")

#: The seven categories of a partnership's own table, each defined on the Home Office table's
#: offence groups, subgroups or descriptions (the test's own reading, not the package's).
SEVEN = {
    "Burglary in dwelling": lambda r: r["Offence Subgroup"] == "Domestic burglary",
    "Racially or religiously aggravated offences": lambda r: (
        r["Offence Description"].lower().startswith("racially or religiously aggravated")
    ),
    "Robbery": lambda r: r["Offence Group"] == "Robbery",
    "Sexual offences": lambda r: r["Offence Group"] == "Sexual offences",
    "Vehicle offences": lambda r: (
        r["Offence Subgroup"]
        in ("Theft from a vehicle", "Theft of a motor vehicle", "Vehicle interference")
    ),
    "Violence against the person": lambda r: r["Offence Group"] == "Violence against the person",
}
#: Anti-social behaviour is not in the Home Office table: made-up incident counts.
ASB = {"2017/18": 5210, "2018/19": 4876}


def calderdale() -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """Independent sums of the real Calderdale table: (category, year) -> count, and the
    published "All crimes" row by year."""
    if not CALDERDALE.is_file():
        pytest.skip(f"real data absent: {CALDERDALE.name} (see /work/shared/data/SOURCES.md)")
    sums: dict[tuple[str, str], int] = {}
    total: dict[str, int] = {}
    with CALDERDALE.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Offence Group"] == "All crimes":
                total = {y: int(row[y]) for y in YEARS}
                continue
            for name, rule in SEVEN.items():
                if rule(row):
                    for y in YEARS:
                        value = row[y].strip()
                        sums[(name, y)] = sums.get((name, y), 0) + (int(value) if value else 0)
    return sums, total


def write_seven(folder: Path, with_total: bool = False, spell=lambda s: s) -> Path:
    sums, total = calderdale()
    lines = ["area,force,period,category,count"]
    for y in YEARS:
        for name in SEVEN:
            lines.append(f"Calderdale,West Yorkshire,{y},{spell(name)},{sums[(name, y)]}")
        lines.append(f"Calderdale,West Yorkshire,{y},Anti-social behaviour,{ASB[y]}")
        if with_total:
            lines.append(f"Calderdale,West Yorkshire,{y},Total recorded crime,{total[y]}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "own_categories.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_seven_own_categories_give_the_category_table(tmp_path: Path) -> None:
    sums, _ = calderdale()
    ds = load(write_seven(tmp_path))
    f = ds.files.iloc[0]
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (14, 14, 0)  # none refused
    t = category_change(ds, "Calderdale", "2018/19").set_index("category")
    assert set(t.index) == {ALL_CRIME, *SEVEN, "Anti-social behaviour"}
    for name in SEVEN:
        prev, cur = sums[(name, "2017/18")], sums[(name, "2018/19")]
        r = t.loc[name]
        assert (int(r["previous"]), int(r["current"])) == (prev, cur), name
        assert int(r["change"]) == cur - prev
        assert float(r["pct_change"]) == pytest.approx(round((cur - prev) / prev * 100, 1))
        assert (r["kind"], r["scheme"]) == ("crime", "own")
    prev = sum(sums[(n, "2017/18")] for n in SEVEN)
    cur = sum(sums[(n, "2018/19")] for n in SEVEN)
    assert (int(t.loc[ALL_CRIME, "previous"]), int(t.loc[ALL_CRIME, "current"])) == (prev, cur)
    assert t.loc[ALL_CRIME, "kind"] == "total"
    asb = t.loc["Anti-social behaviour"]
    assert (asb["kind"], int(asb["previous"]), int(asb["current"])) == ("asb", 5210, 4876)
    assert ds.cmap.of_kind("crime", "police_uk") == [
        c for c in ds.cmap.of_kind("crime") if ds.cmap.scheme(c) == "police_uk"
    ]


def test_labels_differing_in_case_or_spacing_are_one_category(tmp_path: Path) -> None:
    spellings = iter(["burglary  in DWELLING", " Burglary in dwelling"] * 10)

    def spell(name: str) -> str:
        return next(spellings) if name == "Burglary in dwelling" else name

    sums, _ = calderdale()
    ds = load(write_seven(tmp_path, spell=spell))
    t = category_change(ds, "Calderdale", "2018/19")
    burglary = t[t["category"].str.casefold() == "burglary in dwelling"]
    assert len(burglary) == 1
    assert int(burglary["current"].iloc[0]) == sums[("Burglary in dwelling", "2018/19")]


def test_a_total_beside_its_categories_leaves_an_unallocated_remainder(tmp_path: Path) -> None:
    sums, total = calderdale()
    ds = load(write_seven(tmp_path, with_total=True))
    t = category_change(ds, "Calderdale", "2018/19").set_index("category")
    # All crime is the published total, never the total plus the categories
    assert (int(t.loc[ALL_CRIME, "previous"]), int(t.loc[ALL_CRIME, "current"])) == (
        total["2017/18"],
        total["2018/19"],
    )
    assert (total["2017/18"], total["2018/19"]) == (22463, 25633)  # the table's All crimes row
    left = {y: total[y] - sum(sums[(n, y)] for n in SEVEN) for y in YEARS}
    r = t.loc[UNALLOCATED]
    assert (int(r["previous"]), int(r["current"])) == (left["2017/18"], left["2018/19"])
    crime = t[t["kind"] == "crime"]
    assert int(crime["current"].sum()) == total["2018/19"]
    assert "total given directly" in t.loc[ALL_CRIME, "note"]
    checks = ds.total_checks("Calderdale")
    assert list(checks["unallocated"]) == [left["2017/18"], left["2018/19"]]


def test_a_total_smaller_than_its_categories_is_not_used_and_said(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(
        "area,period,category,count\n"
        "X,2017/18,Burglary in dwelling,10\nX,2017/18,Robbery,5\nX,2017/18,TRC,12\n"
        "X,2018/19,Burglary in dwelling,12\nX,2018/19,Robbery,8\nX,2018/19,trc,25\n",
        encoding="utf-8",
    )
    ds = load(tmp_path)
    t = category_change(ds, "X", "2018/19").set_index("category")
    # 2017/18: 15 of categories against a total of 12: the total is not used, so what is
    # unallocated that year is unknown (missing, never 0) and All crime compares like for
    # like on the categories both years have: 15 against 20; 2018/19's own total is 25.
    assert int(t.loc[ALL_CRIME, "previous"]) == 15
    assert int(t.loc[ALL_CRIME, "current"]) == 20
    assert int(t.loc[ALL_CRIME, "total_in_period"]) == 25
    assert int(t.loc[UNALLOCATED, "current"]) == 5 and pd.isna(t.loc[UNALLOCATED, "previous"])
    assert "more than the total given" in t.loc[ALL_CRIME, "note"]


def test_district_totals_give_the_district_table(tmp_path: Path) -> None:
    totals = {  # synthetic district totals, previous and current year
        "Ashvale": (15000, 16000),
        "Brindle Heath": (8000, 7600),
        "Corrin": (14000, 15400),
        "Dunmere": (5000, 5000),
    }
    labels = ["Total recorded crime", "TRC", "total crime", "All crime"]
    lines = ["area,force,period,category,count"]
    for (area, (prev, cur)), label in zip(totals.items(), labels, strict=True):
        lines += [
            f"{area},Test Police,2017/18,{label},{prev}",
            f"{area},Test Police,2018/19,{label},{cur}",
        ]
    (tmp_path / "districts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load(tmp_path)
    assert ds.files.iloc[0]["rows_rejected"] == 0
    t = district_change(ds, "Test Police", "2018/19")
    want = sorted(totals, key=lambda a: -(totals[a][1] - totals[a][0]) / totals[a][0])
    assert list(t["area"]) == want  # every district, ranked by % change
    for r in t.itertuples():
        prev, cur = totals[r.area]
        assert (int(r.previous), int(r.current)) == (prev, cur)
        assert float(r.pct_change) == pytest.approx(round((cur - prev) / prev * 100, 1))
    assert list(t["rank"]) == [1, 2, 3, 4]


# ---------------------------------------------------------------- categories.csv


def test_categories_csv_declares_kinds_order_and_flags(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").write_text(
        "area,period,category,count\n"
        "X,2017/18,Shed burglary,4\nX,2017/18,Burglary in dwelling,10\n"
        "X,2017/18,Domestic abuse flagged,7\nX,2017/18,Hate crime flagged,2\n"
        "X,2017/18,Nuisance calls,30\n"
        "X,2018/19,Shed burglary,6\nX,2018/19,Burglary in dwelling,12\n"
        "X,2018/19,Domestic abuse flagged,9\nX,2018/19,Hate crime flagged,1\n"
        "X,2018/19,Nuisance calls,20\n",
        encoding="utf-8",
    )
    (tmp_path / "categories.csv").write_text(
        "category,kind,order,parent\n"
        "Burglary in dwelling,crime,1,\n"
        "Shed burglary,crime,2,\n"
        "domestic abuse FLAGGED,flag,3,\n"
        "Nuisance calls,asb,4,\n",
        encoding="utf-8",
    )
    ds = load(tmp_path)
    layouts = dict(zip(ds.files["source"], ds.files["layout"], strict=True))
    assert layouts["categories.csv"] == "categories"
    t = category_change(ds, "X", "2018/19")
    assert list(t["category"]) == [  # crime in the declared order, ASB, then flags
        ALL_CRIME,
        "Burglary in dwelling",
        "Shed burglary",
        "Nuisance calls",
        "Domestic abuse flagged",  # declared (spelled as the data spell it)
        "Hate crime flagged",  # recognised as a flag by its label
    ]
    k = t.set_index("category")
    assert k.loc["Domestic abuse flagged", "kind"] == "flag"
    assert k.loc["Hate crime flagged", "kind"] == "flag"
    assert k.loc["Nuisance calls", "kind"] == "asb"
    # flags and ASB never in All crime
    assert (int(k.loc[ALL_CRIME, "previous"]), int(k.loc[ALL_CRIME, "current"])) == (14, 18)


def test_categories_csv_parent_is_not_added_twice(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").write_text(
        "area,period,category,count\n"
        "X,2017/18,Burglary,20\nX,2017/18,Burglary in dwelling,12\nX,2017/18,Robbery,3\n"
        "X,2018/19,Burglary,25\nX,2018/19,Burglary in dwelling,14\nX,2018/19,Robbery,4\n",
        encoding="utf-8",
    )
    (tmp_path / "categories.csv").write_text(
        "category,kind,order,parent\nBurglary in dwelling,crime,1,Burglary\n", encoding="utf-8"
    )
    t = category_change(load(tmp_path), "X", "2018/19").set_index("category")
    assert int(t.loc[ALL_CRIME, "current"]) == 25 + 4
    assert int(t.loc["Burglary in dwelling", "current"]) == 14
    assert "part of Burglary" in t.loc["Burglary in dwelling", "note"]


def test_categories_csv_parent_cycle_refused_naming_the_rows(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").write_text(
        "area,period,category,count\nX,2018/19,Burglary in dwelling,10\n", encoding="utf-8"
    )
    (tmp_path / "categories.csv").write_text(
        "category,kind,order,parent\n"
        "Theft,crime,1,Acquisitive\n"  # line 2
        "Burglary in dwelling,crime,2,Theft\n"  # line 3
        "Acquisitive,crime,3,burglary in dwelling\n",  # line 4: back to line 3
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load(tmp_path, cache=False)
    e = err.value
    assert (e.file, e.line, e.column) == ("categories.csv", 2, "parent")
    assert "lines 2, 3, 4" in str(e) and "circle" in str(e)


def test_categories_csv_bad_kind_rejected_with_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").write_text(
        "area,period,category,count\nX,2018/19,Burglary in dwelling,10\n", encoding="utf-8"
    )
    (tmp_path / "categories.csv").write_text(
        "category,kind,order\nBurglary in dwelling,crime,1\nShed burglary,crimes,2\n",
        encoding="utf-8",
    )
    ds = load(tmp_path)
    p = ds.problems[ds.problems["source"] == "categories.csv"].iloc[0]
    assert (int(p["line"]), p["column"]) == (3, "kind")
    assert "not one of crime, asb, flag, total" in p["message"]


# ---------------------------------------------------------------- --categories


def both_schemes(folder: Path) -> Path:
    lines = [
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        "LSOA name,Crime type,Last outcome category,Context"
    ]
    n = 0
    for month in (
        [f"2017-{m:02d}" for m in range(4, 13)]
        + [f"2018-{m:02d}" for m in range(1, 13)]
        + [f"2019-{m:02d}" for m in range(1, 4)]
    ):
        for crime in ("Burglary", "Robbery", "Burglary"):
            n += 1
            lines.append(
                f"id{n},{month},Test Police,Test Police,0.1,51.5,On or near X,E01000001,"
                f"Xton 001A,{crime},,"
            )
    (folder / "street.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "own.csv").write_text(
        "area,period,category,count\n"
        "Xton,2017/18,Burglary in dwelling,10\nXton,2017/18,Robbery,5\n"
        "Xton,2018/19,Burglary in dwelling,12\nXton,2018/19,Robbery,8\n",
        encoding="utf-8",
    )
    return folder


def test_categories_option_chooses_the_scheme(tmp_path: Path) -> None:
    ds = load(both_schemes(tmp_path))
    assert ds.schemes_of("Xton") == {"own": "tidy", "police_uk": "police_uk"}
    own = csp.assess(ds, "Xton", "2018/19")  # default: the tidy table first
    t = own.table("yoy_categories").set_index("category")
    assert set(t["scheme"]) == {"own"} and int(t.loc[ALL_CRIME, "current"]) == 20
    assert "the partnership's own categories" in own.results["change"].notes[0]
    assert "--categories police_uk" in own.results["change"].notes[0]
    police = csp.assess(ds, "Xton", "2018/19", categories="police_uk")
    p = police.table("yoy_categories").set_index("category")
    assert set(p.loc[p["kind"].isin(["crime", "total"]), "scheme"]) == {"police_uk"}
    assert int(p.loc[ALL_CRIME, "current"]) == 36 and int(p.loc["Burglary", "current"]) == 24
    assert "police.uk crime types" in police.results["change"].notes[0]
    # the dataset itself is unchanged by the choice
    assert ds.source_for("Xton", "crime") == "tidy"
    with pytest.raises(UsageError, match="not given in the 'home_office' categories"):
        csp.assess(ds, "Xton", "2018/19", categories="home_office")
    with pytest.raises(UsageError, match="not one of"):
        csp.assess(ds, "Xton", "2018/19", categories="fancy")


def test_cli_categories_option_parses() -> None:
    from csp_analysis.cli import build_parser

    args = build_parser().parse_args(["run", "--categories", "own"])
    assert args.categories == "own"
    with pytest.raises(UsageError, match="invalid choice"):
        build_parser().parse_args(["batch", "--all", "--categories", "nope"])
    assert build_parser().parse_args(["batch", "--all"]).categories is None


def test_change_table_frame_has_scheme_and_kind_columns(tmp_path: Path) -> None:
    ds = load(write_seven(tmp_path))
    t = category_change(ds, "Calderdale", "2018/19")
    assert {"kind", "scheme"} <= set(t.columns)
    assert set(t["kind"]) <= {"crime", "asb", "flag", "theme", "total"}
    assert isinstance(t, pd.DataFrame)
