"""Population readers: ONS census and mid-year layouts, name-only tables, tidy population."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from csp_analysis.model import Dataset, load

CENSUS_LAD = "population/census_lad_2011_2021.csv"
CENSUS_XLSX = "population/census2021_first_results_datadownload.xlsx"
CENSUS_2011_NAMES = "population/census2011_la_population_by_name.csv"
MYE = "population/mid-year_2024_population_estimates_{}.csv"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def pop(ds: Dataset) -> dict[tuple[str, int], int]:
    p = ds.population
    out = {}
    for a, y, n in zip(p["area"], p["year"], p["population"], strict=True):
        assert (a, int(y)) not in out
        out[(str(a), int(y))] = int(n)
    return out


# ---------------------------------------------------------------- census by local authority


@pytest.mark.shared
def test_census_lad_2011_2021(shared_file: Callable[[str], Path]) -> None:
    path = shared_file(CENSUS_LAD)
    rows = _csv(path)
    ds = load(path)
    f = ds.files.iloc[0]
    assert f["layout"] == "ons_census"
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (len(rows), len(rows), 0)
    assert len(rows) == 331  # SOURCES.md: all 331 local authorities
    thurrock = next(r for r in rows if r["NAME"] == "Thurrock")
    got = pop(ds)
    assert got[("Thurrock", 2011)] == int(thurrock["POP11"])
    assert got[("Thurrock", 2021)] == int(thurrock["POP21"])
    expected = {(r["NAME"], 2011): int(r["POP11"]) for r in rows}
    expected |= {(r["NAME"], 2021): int(r["POP21"]) for r in rows}
    assert got == expected
    assert ds.population_of("thurrock", 2011)[0] == int(thurrock["POP11"])


@pytest.mark.shared
def test_census_2021_workbook(shared_file: Callable[[str], Path]) -> None:
    path = shared_file(CENSUS_XLSX)
    ds = load(path)
    sheets = ds.files[ds.files["source"].str.contains("[Population change]", regex=False)]
    assert len(sheets) == 1
    assert sheets.iloc[0]["layout"] == "ons_census"
    # Independent read of the sheet with openpyxl
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)["Population change"]
    values = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(values) if r and r[1] == "Area name")
    header = list(values[head])
    c11, c21 = header.index("All persons, 2011"), header.index("All persons, 2021")
    body = [r for r in values[head + 1 :] if r and r[1]]
    assert sheets.iloc[0]["rows_read"] == len(body)
    by_name = {r[1]: (int(r[c11]), int(r[c21])) for r in body}
    got = pop(ds)
    for name in ("Thurrock", "Trafford", "Calderdale", "England and Wales"):
        assert (got[(name, 2011)], got[(name, 2021)]) == by_name[name], name


@pytest.mark.shared
def test_census_2011_by_name_year_from_file_name(shared_file: Callable[[str], Path]) -> None:
    path = shared_file(CENSUS_2011_NAMES)
    rows = _csv(path)
    ds = load(path)
    f = ds.files.iloc[0]
    assert f["layout"] == "population_no_year"
    assert "2011" in f["issue"] and "file name" in f["issue"]
    assert f["rows_used"] == len(rows)
    got = pop(ds)
    assert {y for _, y in got} == {2011}
    raw = {r["Local Authority"]: int(r["Population"]) for r in rows}
    assert got[("Thurrock", 2011)] == raw["Thurrock UA"]  # "UA" suffix dropped
    assert got[("Bedford", 2011)] == raw["Bedford UA"]
    assert ("Thurrock UA", 2011) not in got


def test_population_without_year_refused(tmp_path: Path) -> None:
    path = tmp_path / "la_population.csv"
    path.write_text("Local Authority,Population,\nTestshire UA,1000,\nOtherby,2000,\n")
    ds = load(path)
    f = ds.files.iloc[0]
    assert f["layout"] == "population_no_year"
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (2, 0, 2)
    assert "year" in f["issue"]
    assert len(ds.population) == 0


# ---------------------------------------------------------------- mid-year estimates


@pytest.mark.shared
def test_mid_year_local_authority(shared_file: Callable[[str], Path]) -> None:
    path = shared_file(MYE.format("local_authority"))
    rows = _csv(path)
    persons = [r for r in rows if r["area_name"] == "Trafford" and r["sex"] == "Persons"]
    assert len(persons) == 1
    expected = int(persons[0]["all_ages"])
    assert expected == 241_025  # ONS mid-2024 estimate for Trafford, persons (brief)
    ds = load(path)
    assert ds.files.iloc[0]["layout"] == "ons_mid_year"
    assert pop(ds) == {("Trafford", 2024): expected}  # females and males are not added
    value, note = ds.population_of("Trafford", 2024)
    assert value == expected
    assert "2024" in note


@pytest.mark.shared
@pytest.mark.parametrize(("geography", "name"), [("lsoa", "Trafford 025A"), ("ward", "Altrincham")])
def test_mid_year_small_areas(
    shared_file: Callable[[str], Path], geography: str, name: str
) -> None:
    path = shared_file(MYE.format(geography))
    rows = _csv(path)
    persons = [r for r in rows if r["sex"] == "Persons"]
    ds = load(path)
    f = ds.files.iloc[0]
    assert f["layout"] == "ons_mid_year"
    assert f["rows_read"] == len(rows)
    assert f["rows_used"] == len(persons)
    small = ds.small_area_population
    assert len(small) == len(persons)
    assert set(small["geography"]) == {geography}
    assert set(small["year"]) == {2024}
    expected = {r["area_code"]: int(r["all_ages"]) for r in persons}
    got = dict(zip(small["code"], small["population"].astype(int), strict=True))
    assert got == expected
    one = next(int(r["all_ages"]) for r in persons if r["area_name"] == name)
    assert int(small.loc[small["name"] == name, "population"].iloc[0]) == one
    assert len(ds.population) == 0  # small areas are not partnership populations


# ---------------------------------------------------------------- tidy population and rule


@pytest.fixture
def tidy_pop(tmp_path: Path) -> Dataset:
    (tmp_path / "population.csv").write_text(
        "area,year,population,source\n"
        "Testshire,2019,100000,test estimate\n"
        "Testshire,mid-2021,120000,test estimate\n"
        "Testshire,2023,130000,test estimate\n"
        "Otherby,2021,0,test estimate\n"
        "Otherby,2022,,test estimate\n",
        encoding="utf-8",
    )
    return load(tmp_path)


def test_tidy_population(tmp_path: Path) -> None:
    (tmp_path / "population.csv").write_text(
        "area,year,population\nTestshire,2019,100000\nTestshire,mid-2021,120000\n"
        "Otherby,2021-06-30,5000\n",
        encoding="utf-8",
    )
    ds = load(tmp_path)
    f = ds.files.iloc[0]
    assert f["layout"] == "population"
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (3, 3, 0)
    assert pop(ds) == {
        ("Testshire", 2019): 100000,
        ("Testshire", 2021): 120000,
        ("Otherby", 2021): 5000,
    }


def test_tidy_population_rejected_rows(tidy_pop: Dataset) -> None:
    f = tidy_pop.files.iloc[0]
    assert f["layout"] == "population"
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (5, 3, 2)
    lines = sorted(int(x) for x in tidy_pop.problems["line"])
    assert lines == [5, 6]
    assert tidy_pop.population_of("Otherby", 2021)[0] is None


def test_tidy_population_rejected_rows_leave_no_row(tidy_pop: Dataset) -> None:
    p = tidy_pop.population
    assert len(p) == 3
    assert p["area"].notna().all()
    assert str(p["year"].dtype) == "int64" and str(p["population"].dtype) == "int64"


@pytest.mark.parametrize(
    ("year", "value", "used"),
    [
        (2021, 120000, 2021),  # exact
        (2022, 120000, 2021),  # nearest earlier
        (2020, 100000, 2019),  # nearest earlier, though 2021 is as close
        (2030, 130000, 2023),  # latest earlier
        (2015, 100000, 2019),  # nothing earlier: nearest later
    ],
)
def test_population_of_nearest_year(tidy_pop: Dataset, year: int, value: int, used: int) -> None:
    got, note = tidy_pop.population_of("testshire", year)
    assert got == value
    if year == used:
        assert "nearest" not in note
    else:
        assert re.search(rf"\b{used}\b", note) and "nearest" in note and f"mid-{year}" in note


def test_population_of_unknown_area(tidy_pop: Dataset) -> None:
    value, note = tidy_pop.population_of("Nowhere", 2021)
    assert value is None
    assert "Nowhere" in note
    assert tidy_pop.population_of("Otherby", 2021)[0] is None  # its rows were rejected
