"""data.police.uk street-level files: recognition, row accounting and monthly counts.

Expected values are counted independently from the raw files with the ``csv`` module, or are
the published check values of ``../shared/data/SOURCES.md`` (cited beside each use).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from csp_analysis.analyses.monthly import monthly_counts, monthly_wide
from csp_analysis.model import Dataset, load

ASB = "Anti-social behaviour"
# The 14 police.uk crime types (DOMAIN.md, "Data a CSP analyst really receives").
POLICE_UK_TYPES = [
    "Anti-social behaviour",
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
# The 14 Essex CSPs listed in ../shared/data/SOURCES.md.
ESSEX_CSPS = [
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
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def raw_rows(path: Path) -> list[dict[str, str]]:
    """Data rows of a police.uk CSV keyed by normalised column name (blank lines skipped)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [_key(h) for h in next(reader)]
        rows = [row for row in reader if any(c.strip() for c in row)]
    return [dict(zip(header, row, strict=True)) for row in rows]


# ---------------------------------------------------------------- shared real data


@pytest.fixture(scope="module")
def police_dir(shared_file: Callable[[str], Path]) -> Path:
    return shared_file("police_uk")


@pytest.fixture(scope="module")
def police_files(police_dir: Path) -> dict[str, Path]:
    return {p.relative_to(police_dir).as_posix(): p for p in sorted(police_dir.rglob("*.csv"))}


@pytest.fixture(scope="module")
def raw(police_files: dict[str, Path]) -> dict[str, list[dict[str, str]]]:
    return {name: raw_rows(path) for name, path in police_files.items()}


@pytest.fixture(scope="module")
def police_ds(police_dir: Path) -> Dataset:
    return load(police_dir)


@pytest.mark.shared
def test_both_header_variants_present(police_files: dict[str, Path]) -> None:
    firsts = {
        p.read_text(encoding="utf-8-sig").split("\n", 1)[0].strip() for p in police_files.values()
    }
    assert HEADER in firsts
    assert HEADER.lower().replace(" ", "_") in firsts  # the snake_case copy


@pytest.mark.shared
def test_every_file_recognised_as_police_uk(
    police_ds: Dataset, police_files: dict[str, Path]
) -> None:
    files = police_ds.files.set_index("source")
    assert sorted(files.index) == sorted(police_files)
    assert (files["layout"] == "police_uk").all(), files["layout"].to_dict()


@pytest.mark.shared
def test_row_accounting_matches_independent_count(
    police_ds: Dataset, raw: dict[str, list[dict[str, str]]]
) -> None:
    files = police_ds.files.set_index("source")
    for name, rows in raw.items():
        f = files.loc[name]
        assert f["rows_read"] == f["rows_used"] + f["rows_rejected"], name
        assert f["rows_read"] == len(rows), name


@pytest.mark.shared
def test_rows_read_equal_published_totals(police_ds: Dataset) -> None:
    # Row totals from ../shared/data/SOURCES.md
    files = police_ds.files
    by = {s: int(n) for s, n in zip(files["source"], files["rows_read"], strict=True)}
    snake = sum(n for s, n in by.items() if s.startswith("essex_2018_snake_header/"))
    essex_orig = sum(n for s, n in by.items() if s.startswith("original_header/") and "essex" in s)
    assert snake == 115_065
    assert essex_orig == 84_233
    assert by["original_header/2019-02-kent-street.csv"] == 16_291
    assert by["original_header/2019-02-city-of-london-street.csv"] == 688


@pytest.mark.shared
def test_no_location_rows_rejected_with_reason(
    police_ds: Dataset, raw: dict[str, list[dict[str, str]]]
) -> None:
    problems = police_ds.problems
    total_essex_orig = 0
    for name, rows in raw.items():
        blank = [r for r in rows if r["lsoaname"] == ""]
        assert all(r["location"] == "No Location" for r in blank), name
        mine = problems[
            (problems["source"] == name)
            & problems["message"].str.contains("no location", case=False)
        ]
        assert int(mine["rows"].sum()) == len(blank), name
        if blank:
            assert mine["message"].str.len().min() > 20  # a reason, not just a flag
            assert set(mine["column"]) <= {"LSOA name", "lsoa_name"}
        if name.startswith("original_header/") and "essex" in name:
            total_essex_orig += len(blank)
    # SOURCES.md: "369 Essex rows are 'No Location' with a blank LSOA" (the Oct 2018 - Feb 2019
    # files in original_header/ hold exactly these 369)
    assert total_essex_orig == 369
    # Rejected rows are not in the records either
    assert int((police_ds.records["lsoa_name"].astype(str) == "").sum()) == 0


def _independent_counts(
    raw: dict[str, list[dict[str, str]]], area: str
) -> tuple[Counter[tuple[str, str]], set[str]]:
    """(month, category) counts of an area's raw rows, ASB separate, All crime = non-ASB."""
    pattern = re.compile(rf"{re.escape(area)} \d{{3}}[A-Z]")
    out: Counter[tuple[str, str]] = Counter()
    for rows in raw.values():
        for r in rows:
            name = r["lsoaname"]
            if not (name.startswith(area + " ") and pattern.fullmatch(name)):
                continue
            out[(r["month"], r["crimetype"])] += 1
            if r["crimetype"] != ASB:
                out[(r["month"], "All crime")] += 1
    months = {m for m, _ in out}
    return out, months


@pytest.mark.shared
def test_thurrock_monthly_counts_equal_raw_rows(
    police_ds: Dataset, raw: dict[str, list[dict[str, str]]]
) -> None:
    """The key test: every monthly count for Thurrock is the count of its raw rows."""
    expected, months = _independent_counts(raw, "Thurrock")
    mc = monthly_counts(police_ds, "Thurrock")
    got = {(m, c): int(n) for m, c, n in mc.itertuples(index=False)}
    assert set(mc["month"]) == months
    full = {
        (m, c): expected.get((m, c), 0) for m in months for c in ["All crime", *POLICE_UK_TYPES]
    }
    assert got == full
    assert sum(expected[(m, ASB)] for m in months) > 0


@pytest.mark.shared
@pytest.mark.parametrize("area", ESSEX_CSPS)
def test_every_essex_csp_all_crime_and_asb(
    police_ds: Dataset, raw: dict[str, list[dict[str, str]]], area: str
) -> None:
    expected, months = _independent_counts(raw, area)
    mc = monthly_counts(police_ds, area)
    for cat in ("All crime", ASB):
        got = {m: int(n) for m, n in mc.loc[mc["category"] == cat, ["month", "count"]].values}
        assert got == {m: expected.get((m, cat), 0) for m in months}, (area, cat)


@pytest.mark.shared
def test_asb_never_counted_as_crime(
    police_ds: Dataset, raw: dict[str, list[dict[str, str]]]
) -> None:
    thurrock = [
        r
        for rows in raw.values()
        for r in rows
        if re.fullmatch(r"Thurrock \d{3}[A-Z]", r["lsoaname"])
    ]
    asb = [r for r in thurrock if r["crimetype"] == ASB]
    assert asb and all(r["crimeid"] == "" for r in asb)  # SOURCES.md: ASB has no Crime ID
    mc = monthly_counts(police_ds, "Thurrock")
    all_crime = int(mc.loc[mc["category"] == "All crime", "count"].sum())
    assert all_crime == len(thurrock) - len(asb)
    crimes = mc[~mc["category"].isin(["All crime", ASB])]
    by_month = crimes.groupby("month")["count"].sum()
    stated = mc[mc["category"] == "All crime"].set_index("month")["count"]
    assert (by_month == stated).all()
    assert police_ds.cmap.kind(ASB) == "asb"


@pytest.mark.shared
def test_essex_csps(police_ds: Dataset, raw: dict[str, list[dict[str, str]]]) -> None:
    assert police_ds.areas_of_force("Essex Police") == sorted(ESSEX_CSPS)
    # Havering has stray rows in the Essex files but is not an Essex partnership
    havering = sum(
        1 for rows in raw.values() for r in rows if r["lsoaname"].startswith("Havering ")
    )
    assert havering > 0
    assert "Havering" not in police_ds.areas_of_force("Essex Police")
    assert police_ds.area_force.get("Havering") != "Essex Police"


@pytest.mark.shared
def test_thurrock_covered_months(police_ds: Dataset) -> None:
    expected = [
        "2018-01",
        "2018-02",
        "2018-03",
        "2018-04",
        "2018-05",
        "2018-06",
        "2018-07",
        "2018-10",
        "2018-11",
        "2018-12",
        "2019-01",
        "2019-02",
    ]
    assert police_ds.covered_months("Thurrock", "police_uk") == expected
    mc = monthly_counts(police_ds, "Thurrock")
    assert sorted(set(mc["month"])) == expected
    wide = monthly_wide(mc, ["All crime", ASB])
    # August and September 2018 are missing, not zero
    assert wide.loc[["2018-08", "2018-09"]].isna().all().all()
    assert (wide.drop(["2018-08", "2018-09"]) > 0).all().all()


# ---------------------------------------------------------------- small written files


def _row(
    crime_id: str, month: str, location: str, lsoa: str, crime_type: str, force: str = "Test Police"
) -> str:
    code = "E01000001" if lsoa else ""
    lon, lat = ("0.1", "51.5") if lsoa else ("", "")
    return f"{crime_id},{month},{force},{force},{lon},{lat},{location},{code},{lsoa},{crime_type},,"


def test_crlf_and_bom(tmp_path: Path) -> None:
    rows = [
        _row("c1", "2024-04", "On or near High Street", "Testshire 001A", "Burglary"),
        _row("c2", "2024-04", "On or near Low Street", "Testshire 002B", "Burglary"),
        _row("", "2024-04", "On or near Park", "Testshire 001A", ASB),
    ]
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    (tmp_path / "2024-04-test-street.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    ds = load(tmp_path)
    f = ds.files.iloc[0]
    assert f["layout"] == "police_uk"
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (3, 3, 0)
    assert sorted(ds.records["crime_id"].astype(str)) == ["", "c1", "c2"]  # BOM not in header
    assert set(ds.records["crime_type"].astype(str)) == {"Burglary", ASB}  # no stray \r
    mc = monthly_counts(ds, "Testshire").set_index("category")["count"]
    assert (mc["All crime"], mc["Burglary"], mc[ASB]) == (2, 2, 1)


def test_windows_1252_file(tmp_path: Path) -> None:
    rows = [
        _row("c1", "2024-04", "On or near Café Royal", "Testshire 001A", "Shoplifting"),
        _row("c2", "2024-04", "On or near £1 Shop", "Testshire 001A", "Shoplifting"),
    ]
    raw = ("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the test file really is not UTF-8
    (tmp_path / "2024-04-test-street.csv").write_bytes(raw)
    ds = load(tmp_path)
    assert ds.files.loc[0, "layout"] == "police_uk"
    assert "Windows-1252" in ds.files.loc[0, "issue"]
    assert sorted(ds.records["location"].astype(str)) == [
        "On or near Café Royal",
        "On or near £1 Shop",
    ]
    assert ds.files.loc[0, "rows_used"] == 2


def test_bad_month_and_unknown_crime_type_named_by_line_and_column(tmp_path: Path) -> None:
    lines = [
        HEADER,  # line 1
        _row("c1", "2018-12", "On or near A", "Testshire 001A", "Robbery"),  # line 2
        _row("c2", "2018-13", "On or near B", "Testshire 001A", "Robbery"),  # line 3
        _row("c3", "2018-12", "On or near C", "Testshire 001A", "Jaywalking"),  # line 4
        _row("c4", "2018-12", "On or near D", "Testshire 001A", "Drugs"),  # line 5
    ]
    (tmp_path / "x.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load(tmp_path)
    f = ds.files.iloc[0]
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (4, 2, 2)
    probs = ds.problems
    month = probs[probs["message"].str.contains("month", case=False)]
    assert len(month) == 1
    assert (int(month.iloc[0]["line"]), month.iloc[0]["column"], int(month.iloc[0]["rows"])) == (
        3,
        "Month",
        1,
    )
    ctype = probs[probs["message"].str.contains("crime type", case=False)]
    assert len(ctype) == 1
    assert (int(ctype.iloc[0]["line"]), ctype.iloc[0]["column"]) == (4, "Crime type")
    assert "line 3" in f["issue"] and "Month" in f["issue"]
    counts = ds.counts.set_index("category")["count"]
    assert counts.to_dict() == {"Drugs": 1, "Robbery": 1}


def test_copied_file_not_counted_twice(tmp_path: Path) -> None:
    rows = [
        _row(f"c{i}", "2024-04", "On or near A", "Testshire 001A", "Burglary") for i in range(3)
    ]
    rows.append(_row("", "2024-04", "On or near A", "Testshire 001A", ASB))
    text = "\n".join([HEADER, *rows]) + "\n"
    (tmp_path / "2024-04").mkdir()
    (tmp_path / "2024-04" / "2024-04-test-street.csv").write_text(text, encoding="utf-8")
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "2024-04-test-street.csv").write_text(text, encoding="utf-8")
    ds = load(tmp_path)
    mc = monthly_counts(ds, "Testshire").set_index("category")["count"]
    assert (mc["All crime"], mc["Burglary"], mc[ASB]) == (3, 3, 1)
    files = ds.files.set_index("source")
    kept = files.loc["2024-04/2024-04-test-street.csv"]
    dup = files.loc["copy/2024-04-test-street.csv"]
    assert (kept["rows_used"], kept["rows_rejected"]) == (4, 0)
    assert (dup["rows_read"], dup["rows_used"], dup["rows_rejected"]) == (4, 0, 4)
    assert "2024-04/2024-04-test-street.csv" in dup["issue"]
    assert len(ds.records) == 4


def _overlapping(tmp_path: Path) -> Path:
    """a.csv gives April; b.csv repeats April (with a row the reader rejects) and adds May."""
    data = tmp_path / "data"
    data.mkdir()
    april = [
        _row(f"c{i}", "2024-04", "On or near A", "Testshire 001A", "Burglary") for i in range(3)
    ]
    (data / "a.csv").write_text("\n".join([HEADER, *april]) + "\n", encoding="utf-8")
    b = [
        *april,
        _row("c9", "2024-04", "On or near A", "Testshire 001A", "Jaywalking"),
        _row("m1", "2024-05", "On or near B", "Testshire 002B", "Robbery"),
        _row("", "2024-05", "On or near B", "Testshire 002B", ASB),
    ]
    (data / "b.csv").write_text("\n".join([HEADER, *b]) + "\n", encoding="utf-8")
    return data


def _check_overlap(ds: Dataset) -> None:
    files = ds.files.set_index("source")
    assert tuple(files.loc["a.csv", ["rows_read", "rows_used", "rows_rejected"]]) == (3, 3, 0)
    assert tuple(files.loc["b.csv", ["rows_read", "rows_used", "rows_rejected"]]) == (6, 2, 4)
    probs = ds.problems[ds.problems["source"] == "b.csv"].set_index("message")["rows"]
    dup = [m for m in probs.index if "a.csv" in m]
    assert len(dup) == 1 and "2024-04" in dup[0] and int(probs[dup[0]]) == 3
    assert any("crime type" in m for m in probs.index)  # the reader's own reason is kept
    counts = ds.counts.set_index(["period", "category"])["count"].to_dict()
    assert counts == {("2024-04", "Burglary"): 3, ("2024-05", "Robbery"): 1, ("2024-05", ASB): 1}
    assert sorted(set(ds.coverage["period"])) == ["2024-04", "2024-05"]
    rec = ds.records
    assert len(rec) == 5
    assert sorted(rec["month"].astype(str)) == ["2024-04"] * 3 + ["2024-05"] * 2


def test_overlapping_file_rejects_only_the_repeated_force_months(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per force-month: October given again is rejected naming the first file, November is
    used; the same from the cache, where records are held in Parquet files."""
    data = _overlapping(tmp_path)
    _check_overlap(load(data, cache=False))
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", str(tmp_path / "cache"))
    _check_overlap(load(data))  # cold: parsed, then records moved to the cache
    import csp_analysis.ingest.folder as folder

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(folder, "parse_bytes", refuse)
    _check_overlap(load(data))  # warm: records_file only


def test_trailing_comma_on_every_row_ignored_unless_not_empty(tmp_path: Path) -> None:
    rows = [
        _row(f"c{i}", "2024-04", "On or near A", "Testshire 001A", "Burglary") + ","
        for i in range(3)
    ]
    rows[1] += "oops"  # line 3: the extra field holds a value
    (tmp_path / "x.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    ds = load(tmp_path, cache=False)
    f = ds.files.iloc[0]
    assert (f["layout"], f["rows_read"], f["rows_used"], f["rows_rejected"]) == (
        "police_uk",
        3,
        2,
        1,
    )
    p = ds.problems.iloc[0]
    assert (int(p["line"]), int(p["rows"])) == (3, 1)
    assert "13 fields" in p["message"] and "not empty" in p["message"]
    assert sorted(ds.records["crime_id"].astype(str)) == ["c0", "c2"]
    assert set(ds.records["crime_type"].astype(str)) == {"Burglary"}  # columns not shifted


def test_row_with_too_many_fields_quarantined(tmp_path: Path) -> None:
    rows = [
        _row("c1", "2024-04", "On or near A", "Testshire 001A", "Burglary"),
        _row("c2", "2024-04", "On or near Smith, Jones", "Testshire 001A", "Burglary"),
        _row("c3", "2024-04", "On or near B", "Testshire 001A", "Robbery"),
    ]
    (tmp_path / "x.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    ds = load(tmp_path, cache=False)
    f = ds.files.iloc[0]
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (3, 2, 1)
    p = ds.problems.iloc[0]
    assert (int(p["line"]), p["lines"]) == (3, "3")
    assert "13 fields where the header has 12" in p["message"]


def test_repeated_header_row_rejected_as_such(tmp_path: Path) -> None:
    a = _row("c1", "2024-04", "On or near A", "Testshire 001A", "Burglary")
    b = _row("c2", "2024-05", "On or near A", "Testshire 001A", "Robbery")
    (tmp_path / "x.csv").write_text("\n".join([HEADER, a, HEADER, b]) + "\n", encoding="utf-8")
    ds = load(tmp_path, cache=False)
    f = ds.files.iloc[0]
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (3, 2, 1)
    p = ds.problems.iloc[0]
    assert int(p["line"]) == 3 and "repeated header" in p["message"]


def test_missing_crime_type_column_named(tmp_path: Path) -> None:
    header = HEADER.replace("Crime type,", "")
    row = "c1,2024-04,Test Police,Test Police,0.1,51.5,On or near A,E01000001,Testshire 001A,,"
    (tmp_path / "x.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    ds = load(tmp_path, cache=False)
    f = ds.files.iloc[0]
    assert (f["layout"], f["rows_read"], f["rows_used"], f["rows_rejected"]) == (
        "police_uk",
        1,
        0,
        1,
    )
    assert "'Crime type'" in ds.problems.iloc[0]["message"]
    assert "not recognised" not in ds.problems.iloc[0]["message"]


def test_quoted_line_break_keeps_later_line_numbers(tmp_path: Path) -> None:
    rows = [
        _row("c1", "2024-04", '"On or near A\nB"', "Testshire 001A", "Burglary"),
        _row("c2", "2024-04", "On or near C", "Testshire 001A", "Jaywalking"),
    ]
    (tmp_path / "x.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    ds = load(tmp_path, cache=False)
    assert int(ds.problems.iloc[0]["line"]) == 4  # the row starts on line 4 of the file
    assert ds.records["location"].astype(str).tolist() == ["On or near A\nB"]
