"""The canonical model: zero-fill over covered periods, source priority, area names, demo data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.analyses.monthly import monthly_counts, monthly_wide
from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset, load, months_of_period

ASB = "Anti-social behaviour"
POLICE_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
# The 13 police.uk crime types other than ASB (DOMAIN.md)
CRIME_TYPES = [
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
]
# data/demo/README.md: Elderbrook and its 13 neighbours, one fictional force
DEMO_AREAS = [
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
]
DEMO_FORCE = "Wessmoor Constabulary"


def write_tidy(path: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["area,period,category,count", *(f"{a},{p},{c},{n}" for a, p, c, n in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_police(
    path: Path, month: str, rows: list[tuple[str, str]], force: str = "Test Police"
) -> Path:
    """rows: (LSOA name, crime type); ASB rows get no Crime ID, as on police.uk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = [POLICE_HEADER]
    for i, (lsoa, ctype) in enumerate(rows):
        cid = "" if ctype == ASB else f"id{force[0]}{month}{i}"
        out.append(
            f"{cid},{month},{force},{force},0.1,51.5,On or near A,E01000001,{lsoa},{ctype},,"
        )
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def series(ds: Dataset, area: str) -> dict[tuple[str, str], int]:
    c = ds.area_counts(area)
    return {(p, k): int(n) for p, k, n in zip(c["period"], c["category"], c["count"], strict=True)}


# ---------------------------------------------------------------- zero-fill vs missing


def test_months_of_period() -> None:
    assert months_of_period("2018-05") == ["2018-05"]
    assert months_of_period("2018/19 Q4") == ["2019-01", "2019-02", "2019-03"]
    assert len(months_of_period("2018/19")) == 12


def test_tidy_zero_fill_inside_covered_months(tmp_path: Path) -> None:
    write_tidy(
        tmp_path / "counts.csv",
        [
            ("Testborough", "2024-04", "Burglary", 5),
            ("Testborough", "2024-05", "Robbery", 2),
            ("Testborough", "2024-06", "Burglary", 7),
            # 2024-07 has no row at all: not covered, so missing
            ("Testborough", "2024-08", "Burglary", 1),
        ],
    )
    ds = load(tmp_path)
    assert ds.covered_months("Testborough", "tidy") == ["2024-04", "2024-05", "2024-06", "2024-08"]
    assert series(ds, "Testborough") == {
        ("2024-04", "Burglary"): 5,
        ("2024-04", "Robbery"): 0,
        ("2024-05", "Burglary"): 0,
        ("2024-05", "Robbery"): 2,
        ("2024-06", "Burglary"): 7,
        ("2024-06", "Robbery"): 0,
        ("2024-08", "Burglary"): 1,
        ("2024-08", "Robbery"): 0,
    }
    wide = monthly_wide(monthly_counts(ds, "Testborough"), ["All crime", "Burglary", "Robbery"])
    assert list(wide.index) == ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08"]
    assert wide.loc["2024-07"].isna().all()  # missing, not zero
    assert wide.loc["2024-05", "Burglary"] == 0
    assert list(wide["All crime"].fillna(-1)) == [5, 2, 7, -1, 1]


def test_police_uk_zero_fill_over_force_months(tmp_path: Path) -> None:
    write_police(
        tmp_path / "2024-04.csv",
        "2024-04",
        [("Testshire 001A", "Burglary"), ("Testshire 001A", ASB), ("Otherby 001A", "Drugs")],
    )
    # 2024-05: no file, so not covered
    write_police(
        tmp_path / "2024-06.csv",
        "2024-06",
        [("Otherby 002A", "Robbery"), ("Otherby 002A", "Robbery")],
    )
    ds = load(tmp_path)
    assert ds.covered_months("Testshire", "police_uk") == ["2024-04", "2024-06"]
    got = series(ds, "Testshire")
    expected = {(m, c): 0 for m in ("2024-04", "2024-06") for c in [*CRIME_TYPES, ASB]}
    expected[("2024-04", "Burglary")] = 1
    expected[("2024-04", ASB)] = 1
    assert got == expected  # Testshire has no row in June: a true zero for every category
    months = set(monthly_counts(ds, "Testshire")["month"])
    assert months == {"2024-04", "2024-06"}


def test_area_series_uses_only_its_own_forces_records(tmp_path: Path) -> None:
    """An area's police.uk series counts only its own force's records (as Home Office recorded
    crime counts what a force recorded): Kent's two records in a Thurrock LSOA stay in
    ds.counts under Kent Police and are named in Thurrock's data-quality table."""
    from csp_analysis.analyses.quality import data_quality

    write_police(
        tmp_path / "2024-04-essex.csv",
        "2024-04",
        [("Thurrock 001A", "Burglary"), ("Thurrock 001A", ASB), ("Basildon 001A", "Drugs")],
        force="Essex Police",
    )
    write_police(
        tmp_path / "2024-04-kent.csv",
        "2024-04",
        [
            ("Thurrock 001A", "Burglary"),
            ("Thurrock 002B", ASB),
            ("Dartford 001A", "Robbery"),
            ("Dartford 001A", "Robbery"),
            ("Dartford 002A", "Robbery"),
        ],
        force="Kent Police",
    )
    ds = load(tmp_path, cache=False)
    assert ds.area_force["Thurrock"] == "Essex Police"
    got = series(ds, "Thurrock")
    assert got[("2024-04", "Burglary")] == 1  # Essex's burglary only, not Kent's too
    assert got[("2024-04", ASB)] == 1
    assert sum(got.values()) == 2
    kent = ds.counts[(ds.counts["area"] == "Thurrock") & (ds.counts["force"] == "Kent Police")]
    assert int(kent["count"].sum()) == 2  # nothing lost: part of Kent Police's total
    assert int(ds.counts["count"].sum()) == 8
    others = ds.other_force_counts("Thurrock")
    assert others.to_dict("list") == {"force": ["Kent Police"], "count": [2]}
    assert len(ds.other_force_counts("Dartford")) == 0
    quality = data_quality(ds, "Thurrock", "2024/25")
    note = quality[quality["entry"] == "other force's records"]["issue"].tolist()
    assert note == [
        "2 records by Kent Police located in Thurrock are counted in Kent "
        "Police's figures, not Thurrock's"
    ]


def test_month_with_only_asb_rows_is_missing_for_crime(tmp_path: Path) -> None:
    write_tidy(
        tmp_path / "counts.csv",
        [
            ("Testborough", "2024-04", "Burglary", 3),
            ("Testborough", "2024-04", ASB, 2),
            ("Testborough", "2024-05", ASB, 4),  # the crime extract stops in April
        ],
    )
    ds = load(tmp_path)
    mc = monthly_counts(ds, "Testborough")
    may = mc[mc["month"] == "2024-05"].set_index("category")["count"]
    assert int(may[ASB]) == 4
    assert "All crime" not in may.index  # crime was not supplied for May: missing, not zero


# ---------------------------------------------------------------- one source per area and kind


def test_tidy_and_police_uk_never_added(tmp_path: Path) -> None:
    write_police(
        tmp_path / "police" / "2024-04-test-street.csv",
        "2024-04",
        [
            ("Testshire 001A", "Burglary"),
            ("Testshire 001A", "Burglary"),
            ("Testshire 002A", "Robbery"),
            ("Testshire 001A", ASB),
        ],
    )
    write_tidy(
        tmp_path / "local" / "counts.csv",
        [
            ("Testshire", "2024-04", "Burglary", 10),
            ("Testshire", "2024-04", "Shoplifting", 4),
        ],
    )
    ds = load(tmp_path)
    raw = ds.counts[(ds.counts["area"] == "Testshire") & (ds.counts["category"] == "Burglary")]
    assert dict(zip(raw["source"], raw["count"].astype(int), strict=True)) == {
        "police_uk": 2,
        "tidy": 10,
    }
    assert ds.source_for("Testshire", "crime") == "tidy"
    assert ds.source_for("Testshire", "asb") == "police_uk"  # the tidy file has no ASB
    mc = monthly_counts(ds, "Testshire").set_index("category")["count"]
    assert int(mc["All crime"]) == 10 + 4  # tidy only: not 10 + 4 + 2 + 1
    assert int(mc["Burglary"]) == 10
    assert "Robbery" not in mc.index  # police.uk categories are not mixed in
    assert int(mc[ASB]) == 1
    ac = ds.area_counts("Testshire")
    assert set(ac.loc[ac["kind"] == "crime", "source"]) == {"tidy"}


# ---------------------------------------------------------------- names


@pytest.fixture
def two_areas(tmp_path: Path) -> Dataset:
    write_tidy(
        tmp_path / "counts.csv",
        [
            ("Testshire", "2024-04", "Burglary", 1),
            ("Castle Point", "2024-04", "Burglary", 2),
        ],
    )
    return load(tmp_path)


def test_resolve_area_any_case(two_areas: Dataset) -> None:
    assert two_areas.resolve_area("testshire") == "Testshire"
    assert two_areas.resolve_area(" CASTLE POINT ") == "Castle Point"


def test_resolve_area_refuses_unknown_with_list_and_closest(two_areas: Dataset) -> None:
    with pytest.raises(UsageError) as err:
        two_areas.resolve_area("Castle Pont")
    msg = str(err.value)
    assert "Castle Pont" in msg
    assert "Did you mean 'Castle Point'?" in msg
    assert "Castle Point, Testshire" in msg
    assert err.value.exit_code == 2


def test_resolve_area_none_needs_a_choice(two_areas: Dataset, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Castle Point, Testshire"):
        two_areas.resolve_area(None)
    one = load(write_tidy(tmp_path / "one" / "c.csv", [("Solo", "2024-04", "Drugs", 1)]))
    assert one.resolve_area(None) == "Solo"


# ---------------------------------------------------------------- the demo dataset


@pytest.fixture(scope="module")
def demo(demo_dataset: Dataset) -> Dataset:
    return demo_dataset


def test_demo_dataset(demo: Dataset) -> None:
    assert demo.synthetic
    assert demo.areas == sorted(DEMO_AREAS)
    assert len(demo.areas) == 14
    assert demo.forces == [DEMO_FORCE]
    assert demo.areas_of_force(DEMO_FORCE) == sorted(DEMO_AREAS)
    # border LSOAs of Brindlemoor and Marrowdene in the Elderbrook files do not replace the
    # neighbours' own tidy figures
    assert demo.source_for("Brindlemoor", "crime") == "tidy"
    assert demo.source_for("Elderbrook", "crime") == "police_uk"
    months = demo.covered_months("Elderbrook", "police_uk")
    assert (months[0], months[-1], len(months)) == ("2022-04", "2026-03", 48)


def test_save_and_read_back(demo: Dataset, tmp_path: Path) -> None:
    again = load(demo.save(tmp_path / "saved"))
    pd.testing.assert_frame_equal(
        again.counts.reset_index(drop=True),
        demo.counts.reset_index(drop=True),
        check_dtype=False,
    )
    assert again.synthetic and again.areas == demo.areas


# ---------------------------------------------------------------- issue 19: real Essex files

ESSEX = "police_uk/original_header"


def _essex_folder(shared_file, tmp_path: Path, months: list[str], extra: list[str]) -> Path:
    """A data folder of real Essex months (copied: the shared files are never changed) plus
    ``extra`` files of ../shared/data."""
    import shutil

    folder = tmp_path / "data"
    folder.mkdir()
    for m in months:
        shutil.copy(shared_file(f"{ESSEX}/{m}-essex-street.csv"), folder)
    for rel in extra:
        shutil.copy(shared_file(rel), folder)
    return folder


def _csv_count(path: Path, area: str, month: str | None = None) -> int:
    """Crimes (not ASB) of Essex Police in an area's LSOAs, counted with the csv module."""
    import csv

    with path.open(newline="", encoding="utf-8-sig") as f:
        return sum(
            1
            for r in csv.DictReader(f)
            if r["LSOA name"].startswith(area + " ")
            and r["Crime type"] != ASB
            and r["Falls within"] == "Essex Police"
            and (month is None or r["Month"] == month)
        )


def test_ons_lookup_beside_real_essex_files(shared_file, tmp_path: Path) -> None:
    """Issue 19 group 1: the ONS lookup says "Essex", police.uk "Essex Police": one force.
    Thurrock keeps its 3,074 crimes of October and November 2018 (csv module count), and the
    lookup never turns other forces' stray LSOAs into areas."""
    from csp_analysis.analyses.periods import missing_months

    folder = _essex_folder(
        shared_file, tmp_path, ["2018-10", "2018-11"], ["lookups/lad_to_csp_to_pfa_semicolon.csv"]
    )
    ds = load(folder, cache=False)
    expected = sum(_csv_count(p, "Thurrock") for p in sorted(folder.glob("*-street.csv")))
    assert expected == 3074
    counts = ds.area_counts("Thurrock")
    assert int(counts.loc[counts["kind"] == "crime", "count"].sum()) == expected
    assert ds.area_force["Thurrock"] == "Essex Police"
    assert "2018-10" not in missing_months(ds, "Thurrock", "2018/19")
    assert "2018-11" not in missing_months(ds, "Thurrock", "2018/19")
    # the 14 Essex partnerships (SOURCES.md), none of the strays' areas
    assert ds.areas == [
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
    assert ds.resolve_force("essex") == "Essex Police"
    notes = " ".join(ds.files["notes"])
    assert "'Essex' as 'Essex Police'" in notes


def test_mis_dated_and_future_rows_in_a_real_month(shared_file, tmp_path: Path) -> None:
    """Issue 19 group 3: one row dated 2018-09 and one dated 2091-01 appended to the real
    October 2018 file: neither month is covered, no year 2090/91 appears, both rows are
    rejected with their reason, and Thurrock's October is the csv-module count."""
    from csp_analysis.analyses.periods import missing_months, resolve_year

    folder = _essex_folder(shared_file, tmp_path, ["2018-10"], [])
    path = folder / "2018-10-essex-street.csv"
    with path.open(encoding="utf-8-sig") as f:
        row = next(ln for ln in f.read().splitlines() if ",Thurrock 0" in ln and '"' not in ln)
    cells = row.split(",")
    early, late = list(cells), list(cells)
    early[0], late[0] = "", ""  # no Crime ID: not a repeat of the row copied
    early[1], late[1] = "2018-09", "2091-01"
    with path.open("a", encoding="utf-8") as f:
        f.write(",".join(early) + "\n" + ",".join(late) + "\n")
    ds = load(folder, cache=False)
    assert ds.covered_months("Thurrock", "police_uk") == ["2018-10"]
    assert ds.financial_years("Thurrock") == ["2018/19"]
    assert "2018-09" in missing_months(ds, "Thurrock", "2018/19")
    assert resolve_year(ds, "Thurrock", None) == "2018/19"
    reasons = " | ".join(ds.problems["message"])
    assert "mis-dated" in reasons and "after this month" in reasons
    counts = ds.area_counts("Thurrock")
    crime = counts[(counts["kind"] == "crime") & (counts["period"] == "2018-10")]
    assert int(crime["count"].sum()) == _csv_count(path, "Thurrock", "2018-10")
    row = ds.files.iloc[0]
    assert row.rows_read == row.rows_used + row.rows_rejected


def test_real_month_filtered_to_one_crime_type(shared_file, tmp_path: Path) -> None:
    """Issue 19 group 3: the real October 2018 file filtered to Shoplifting covers
    Shoplifting only: Burglary is missing (absent), not 0, and All crime is not shown."""
    import csv

    src = shared_file(f"{ESSEX}/2018-10-essex-street.csv")
    folder = tmp_path / "data"
    folder.mkdir()
    with (
        src.open(newline="", encoding="utf-8-sig") as f,
        (folder / "shop.csv").open("w", newline="", encoding="utf-8") as g,
    ):
        reader = csv.DictReader(f)
        writer = csv.DictWriter(g, fieldnames=reader.fieldnames)
        writer.writeheader()
        kept = [r for r in reader if r["Crime type"] == "Shoplifting"]
        writer.writerows(kept)
    expected = sum(1 for r in kept if r["LSOA name"].startswith("Thurrock "))
    ds = load(folder, cache=False)
    monthly = monthly_counts(ds, "Thurrock")
    got = dict(zip(monthly["category"], monthly["count"], strict=True))
    assert got == {"Shoplifting": expected}


def test_population_matches_by_name_key_with_a_hint_otherwise(tmp_path: Path) -> None:
    """Issue 19 group 6: "Southend on Sea" is Southend-on-Sea; a misspelt name gets a hint."""
    (tmp_path / "counts.csv").write_text(
        "area,period,category,count\nSouthend-on-Sea,2018/19,Burglary,10\n"
        "Thurrock,2018/19,Burglary,12\n",
        encoding="utf-8",
    )
    (tmp_path / "population.csv").write_text(
        "area,year,population\nSouthend on Sea,2018,182000\nThurock,2018,170000\n",
        encoding="utf-8",
    )
    ds = load(tmp_path, cache=False)
    assert ds.population_of("Southend-on-Sea", 2018) == (182000, "population.csv, mid-2018")
    assert ds.areas == ["Southend-on-Sea", "Thurrock"]
    pop, note = ds.population_of("Thurrock", 2018)
    assert pop is None and "'Thurock'" in note
    assert ds.resolve_area("southend on sea") == "Southend-on-Sea"


def test_records_of_areas_stacks_each_areas_records_in_turn() -> None:
    """One pass over the record files gives what records_of gives area by area, stacked."""
    areas = ["Elderbrook", "Ashgrove Vale", "Brindlemoor"]
    fresh = load()  # nothing read yet: each record file is read once for the three areas
    together = fresh.records_of_areas(areas)
    reference = load()
    one_by_one = pd.concat([reference.records_of(a) for a in areas], ignore_index=True)
    assert len(together) == len(one_by_one) > 0
    with_records = [a for a in areas if len(reference.records_of(a))]  # Ashgrove Vale: tidy
    assert together["area"].astype(str).drop_duplicates().tolist() == with_records
    assert len(with_records) >= 2
    pd.testing.assert_frame_equal(together.astype("string"), one_by_one.astype("string"))
    # the same from the areas already read one by one, and from all records in memory
    memo = reference.records_of_areas(areas)
    pd.testing.assert_frame_equal(memo.astype("string"), one_by_one.astype("string"))
    held = load()
    _ = held.records
    pd.testing.assert_frame_equal(
        held.records_of_areas(areas).astype("string"), one_by_one.astype("string")
    )
