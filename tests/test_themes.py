"""Themes (issue 13): serious violence, VAWG, hate crime, acquisitive and knife crime counted
from offence codes, subgroups, groups, crime types, categories and flags, never in All crime."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import csp_analysis as csp
from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.themes import load_themes, theme_counts
from csp_analysis.categories import ALL_CRIME
from csp_analysis.model import load
from csp_analysis.paths import reference_dir

CALDERDALE = (
    Path("/work/shared/data/home_office_prc")
    / "calderdale_csp_by_offence_code_2015-16_to_2021-22_wide.csv"
)
YEARS = ("2015/16", "2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22")
OFFENCE_COLUMNS = [
    "area",
    "force",
    "period",
    "offence_code",
    "offence_description",
    "offence_subgroup",
    "offence_group",
    "count",
    "source",
]


def calderdale_rows() -> list[dict[str, str]]:
    if not CALDERDALE.is_file():
        pytest.skip(f"real data absent: {CALDERDALE.name} (see /work/shared/data/SOURCES.md)")
    with CALDERDALE.open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["Offence Group"] != "All crimes"]


def offences_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """The offence-level table as the Home Office reader gives it (``Dataset.offences``),
    built by hand from the real Calderdale table."""
    out = []
    for r in rows:
        for y in YEARS:
            value = r[y].strip()
            if value:
                out.append(
                    {
                        "area": "Calderdale",
                        "force": "West Yorkshire",
                        "period": y,
                        "offence_code": r["OffenceCode"],
                        "offence_description": r["Offence Description"],
                        "offence_subgroup": r["Offence Subgroup"],
                        "offence_group": r["Offence Group"],
                        "count": int(value),
                        "source": "home_office",
                    }
                )
    return pd.DataFrame(out, columns=OFFENCE_COLUMNS)


def independent(rows: list[dict[str, str]], rule, year: str) -> int:
    return sum(int(r[year]) for r in rows if r[year].strip() and rule(r))


def dataset_with_offences(tmp_path: Path, rows: list[dict[str, str]], flags: str = ""):
    """Calderdale's crime as a tidy table of its offence groups, with the offence table
    attached as ``offences`` (the interface of the Home Office scheme)."""
    lines = ["area,force,period,category,count"]
    groups: dict[tuple[str, str], int] = {}
    for r in rows:
        for y in YEARS:
            if r[y].strip():
                key = (r["Offence Group"], y)
                groups[key] = groups.get(key, 0) + int(r[y])
    lines += [f"Calderdale,West Yorkshire,{y},{g},{n}" for (g, y), n in groups.items()]
    (tmp_path / "groups.csv").write_text("\n".join(lines) + "\n" + flags, encoding="utf-8")
    ds = load(tmp_path, cache=False)
    ds.offences = offences_frame(rows)
    return ds


def test_themes_from_offence_codes_and_subgroups_equal_independent_sums(tmp_path: Path) -> None:
    rows = calderdale_rows()
    ds = dataset_with_offences(tmp_path, rows)
    themes = theme_counts(ds, "Calderdale")
    got = themes.counts.set_index(["category", "period"])["count"]
    sv = {"Homicide", "Violence with injury", "Robbery of personal property"}
    sv |= {"Robbery of business property", "Possession of weapons offences"}
    rules = {
        "Serious violence": lambda r: r["Offence Subgroup"] in sv,
        "Violence against women and girls": lambda r: (
            r["Offence Group"] == "Sexual offences"
            or r["Offence Subgroup"] == "Stalking and harassment"
        ),
        "Hate crime": lambda r: r["OffenceCode"] in {"8M", "8P", "105B", "9B", "58J"},
        "Acquisitive crime": lambda r: r["Offence Group"] in ("Theft offences", "Robbery"),
    }
    for theme, rule in rules.items():
        for y in YEARS:
            assert int(got[(theme, y)]) == independent(rows, rule, y), (theme, y)
    # the hate crime codes are all in the table: 9B as written in it
    assert independent(rows, rules["Hate crime"], "2018/19") > 0
    assert "Knife crime" in themes.gaps and "flag" in themes.gaps["Knife crime"]


def test_themes_never_change_all_crime_and_are_kind_theme(tmp_path: Path) -> None:
    rows = calderdale_rows()
    ds = dataset_with_offences(tmp_path, rows)
    plain = category_change(ds, "Calderdale", "2018/19")
    themes = theme_counts(ds, "Calderdale")
    both = category_change(ds, "Calderdale", "2018/19", extra=themes.counts)
    a = plain.set_index("category").loc[ALL_CRIME]
    b = both.set_index("category").loc[ALL_CRIME]
    assert (int(a["previous"]), int(a["current"])) == (int(b["previous"]), int(b["current"]))
    assert int(b["current"]) == sum(int(r["2018/19"]) for r in rows if r["2018/19"].strip())
    t = both[both["kind"] == "theme"]
    assert set(t["category"]) == set(themes.counts["category"])
    assert list(both["kind"])[-len(t) :] == ["theme"] * len(t)  # listed last


def test_flag_lines_are_added_where_the_flag_is_given(tmp_path: Path) -> None:
    rows = calderdale_rows()
    flags = "".join(
        f"Calderdale,West Yorkshire,{y},Hate crime flagged,{n}\n"
        for y, n in (("2017/18", 300), ("2018/19", 350))
    )
    (tmp_path / "categories.csv").write_text(
        "category,kind\nHate crime flagged,flag\n", encoding="utf-8"
    )
    ds = dataset_with_offences(tmp_path, rows, flags)
    themes = theme_counts(ds, "Calderdale")
    got = themes.counts.set_index(["category", "period"])["count"]
    codes = {"8M", "8P", "105B", "9B", "58J"}
    want = independent(rows, lambda r: r["OffenceCode"] in codes, "2018/19") + 350
    assert int(got[("Hate crime", "2018/19")]) == want
    # periods without the flag are not given (never the offences alone as if complete)
    assert ("Hate crime", "2016/17") not in got.index
    assert "flagged counts added" in themes.notes["Hate crime"]


def test_police_uk_themes_sum_their_crime_types_monthly() -> None:
    a = csp.assess()
    m = a.table("monthly_counts")
    wide = m.pivot(index="month", columns="category", values="count")
    types = ["Burglary", "Vehicle crime", "Theft from the person", "Bicycle theft"]
    types += ["Shoplifting", "Other theft", "Robbery"]
    assert (wide["Acquisitive crime"] == wide[types].sum(axis=1)).all()
    yoy = a.table("yoy_categories").set_index("category")
    assert yoy.loc["Acquisitive crime", "kind"] == "theme"
    assert int(yoy.loc["Acquisitive crime", "current"]) == int(yoy.loc[types, "current"].sum())
    notes = " ".join(a.results["change"].notes)
    assert "not computed: Serious violence, Violence against women and girls" in notes
    assert "Home Office police recorded crime table by offence code" in notes


def test_builtin_themes_cite_a_source_for_every_line() -> None:
    with (reference_dir() / "themes.csv").open("rb") as fh:
        t = pd.read_csv(fh, dtype="string", keep_default_na=False)
    assert (t["definition_source"].str.len() > 20).all()
    lines, own = load_themes(load())
    assert not own and {"Serious violence", "Violence against women and girls"} <= set(
        lines["theme"]
    )


def test_themes_csv_unknown_field_and_unmatched_value_named(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").write_text(
        "area,period,category,count\n"
        "X,2017/18,Burglary,10\nX,2017/18,Robbery,4\n"
        "X,2018/19,Burglary,12\nX,2018/19,Robbery,6\n",
        encoding="utf-8",
    )
    (tmp_path / "themes.csv").write_text(
        "theme,field,value\n"
        "Thefts,category,Burglary\n"  # line 2
        "Thefts,category,robbery\n"  # line 3
        "Thefts,crimetype,Shoplifting\n"  # line 4: unknown field
        "Thefts,category,Unicorn theft\n",  # line 5: matches nothing
        encoding="utf-8",
    )
    ds = load(tmp_path, cache=False)
    p = ds.problems[ds.problems["source"] == "themes.csv"]
    assert len(p) == 1
    assert (int(p["line"].iloc[0]), p["column"].iloc[0]) == (4, "field")
    assert "is not one of offence_code" in p["message"].iloc[0]
    a = csp.assess(ds, "X", "2018/19")
    notes = a.results["change"].notes
    assert any("themes.csv, line 5, column value" in n and "Unicorn theft" in n for n in notes), (
        notes
    )
    t = a.table("yoy_categories").set_index("category")
    assert (int(t.loc["Thefts", "previous"]), int(t.loc["Thefts", "current"])) == (14, 18)
    assert int(t.loc[ALL_CRIME, "current"]) == 18  # the theme is not added


def test_home_office_groups_replace_the_crime_series_with_themes_beside(tmp_path: Path) -> None:
    """The hook for the ``home_office`` scheme: offence-group rows (the shape of
    ``analyses.offences.group_counts``) replace the crime series; Sexual offences is its own
    row, All crime their sum, themes unchanged beside them."""
    rows = calderdale_rows()
    ds = dataset_with_offences(tmp_path, rows)
    assert ds.schemes_of("Calderdale") == {"own": "tidy", "home_office": "home_office"}
    off = ds.offences
    groups = off.groupby(["period", "offence_group"], as_index=False, sort=False)["count"].sum()
    crime = pd.DataFrame(
        {
            "period": groups["period"],
            "category": groups["offence_group"],
            "kind": "crime",
            "count": groups["count"],
            "source": "home_office",
            "scheme": "home_office",
        }
    )
    themes = theme_counts(ds, "Calderdale")
    t = category_change(ds, "Calderdale", "2018/19", extra=themes.counts, crime=crime)
    t = t.set_index("category")
    want = independent(rows, lambda r: r["Offence Group"] == "Sexual offences", "2018/19")
    assert int(t.loc["Sexual offences", "current"]) == want
    assert int(t.loc[ALL_CRIME, "current"]) == sum(
        int(r["2018/19"]) for r in rows if r["2018/19"].strip()
    )
    assert set(t.loc[t["kind"].isin(["total", "crime"]), "scheme"]) == {"home_office"}
    assert "Serious violence" in t.index and t.loc["Serious violence", "kind"] == "theme"
    # the choice is accepted where the offences are given
    assert csp.assess(ds, "Calderdale", "2018/19", categories="home_office").area == "Calderdale"
