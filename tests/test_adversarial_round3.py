"""Issue 19, round three: fresh adversarial cases built from the real shared files.

Each case changes real police.uk, Home Office or ONS files the way a user's folder would
(split, compressed, re-saved, pasted twice, padded, injected) and checks ``load``, ``assess``
or ``csp-assess validate`` against a count made independently with the csv module, or checks
that a refusal is a message naming the file (never a traceback), or that nothing published
leaks a path, a coordinate or a live formula. The classes are those of the issue: wrong
numbers, false refusals, leaks, injection, tracebacks and unclear messages.
"""

from __future__ import annotations

import collections
import csv
import gzip
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import csp_analysis as csp
from csp_analysis.cli import main
from csp_analysis.sections import registry

ESSEX_FEB = "police_uk/original_header/2019-02-essex-street.csv"
KENT_FEB = "police_uk/original_header/2019-02-kent-street.csv"
CITY_FEB = "police_uk/original_header/2019-02-city-of-london-street.csv"
CALDERDALE = "home_office_prc/calderdale_csp_by_offence_code_2015-16_to_2021-22_wide.csv"
LOOKUP = "lookups/lad_to_csp_to_pfa_semicolon.csv"
CENSUS = "population/census_lad_2011_2021.csv"
GWENT = "police_uk_gwent"

Shared = Callable[[str], Path]


# ---------------------------------------------------------------- independent counts


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _area_month_rows(rows: list[dict[str, str]], area: str) -> collections.Counter[str]:
    """Rows per month whose LSOA name is in ``area`` (the partnership of a police.uk row)."""
    return collections.Counter(r["Month"] for r in rows if r["LSOA name"].startswith(area + " "))


def _police_total(ds: csp.Dataset, area: str, month: str) -> int:
    c = ds.counts
    hit = (c["area"] == area) & (c["period"] == month) & (c["source"] == "police_uk")
    return int(c.loc[hit, "count"].sum())


def _write_rows(path: Path, header: list[str], rows: list[dict[str, str]], **kw: str) -> None:
    with path.open("w", encoding=kw.get("encoding", "utf-8"), newline="") as f:
        w = csv.DictWriter(f, header, lineterminator=kw.get("eol", "\n"))
        w.writeheader()
        w.writerows(rows)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


def _validate(data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    try:
        code: object = main(["validate", "--data", str(data)])
    except (Exception, SystemExit) as exc:  # an escape is the failure checked below
        code = exc
    out, err = capsys.readouterr()
    return code, out + err


def _calderdale_sums(path: Path) -> dict[str, int]:
    """Offence rows' sum per year column (the All crimes row left out), by the csv module."""
    rows = _rows(path)
    years = [c for c in rows[0] if c[:4].isdigit()]
    return {
        y: sum(int(r[y]) for r in rows if not r["OffenceCode"].casefold().startswith("all"))
        for y in years
    }


def _ho_sums(ds: csp.Dataset) -> dict[str, int]:
    c = ds.counts[ds.counts["source"] == "home_office"]
    return {str(k): int(v) for k, v in c.groupby("period")["count"].sum().items()}


# ---------------------------------------------------------------- wrong numbers


def test_01_calderdale_wide_pasted_twice(shared_file: Shared, tmp_path: Path) -> None:
    """A real wide table pasted twice: every year's total is the table's, not double."""
    src = shared_file(CALDERDALE)
    text = src.read_text(encoding="utf-8")
    (tmp_path / "calderdale.csv").write_text(text + text, encoding="utf-8")
    sums = _calderdale_sums(src)
    assert _ho_sums(csp.load(tmp_path)) == {
        f"{y[:5]}{y[-2:]}": n for y, n in sums.items()
    }  # 2015/16 ... 2021/22


def test_02_calderdale_future_year_column(shared_file: Shared, tmp_path: Path) -> None:
    """A wide column for a year after today is not a year of figures."""
    src = shared_file(CALDERDALE)
    rows = _rows(src)
    header = [*rows[0], "2091/92"]
    for r in rows:
        r["2091/92"] = r["2021/22"]
    _write_rows(tmp_path / "calderdale.csv", header, rows)
    ds = csp.load(tmp_path)
    assert "2091/92" not in _ho_sums(ds)
    assert _ho_sums(ds)["2021/22"] == _calderdale_sums(src)["2021/22"]
    assert "2091/92" not in ds.financial_years("Calderdale")


def test_03_a_month_split_into_two_files(shared_file: Shared, tmp_path: Path) -> None:
    """One police.uk month split in two (a spreadsheet's row limit): both halves counted."""
    src = shared_file(ESSEX_FEB)
    rows, header = _rows(src), _header(src)
    half = len(rows) // 2
    _write_rows(tmp_path / "2019-02-essex-street-part1.csv", header, rows[:half])
    _write_rows(tmp_path / "2019-02-essex-street-part2.csv", header, rows[half:])
    ds = csp.load(tmp_path)
    want = _area_month_rows(rows, "Thurrock")["2019-02"]
    assert _police_total(ds, "Thurrock", "2019-02") == want
    assert int(ds.files["rows_read"].sum()) == len(rows)


def test_04_gzipped_month(shared_file: Shared, tmp_path: Path) -> None:
    """A ``.csv.gz`` download reads as the plain file."""
    src = shared_file(ESSEX_FEB)
    (tmp_path / "2019-02-essex-street.csv.gz").write_bytes(gzip.compress(src.read_bytes()))
    want = _area_month_rows(_rows(src), "Basildon")["2019-02"]
    assert _police_total(csp.load(tmp_path), "Basildon", "2019-02") == want


def test_05_police_uk_zip_as_downloaded(shared_file: Shared, tmp_path: Path) -> None:
    """The data.police.uk zip (a folder per month inside) reads as its files."""
    src = shared_file(ESSEX_FEB)
    with zipfile.ZipFile(tmp_path / "download.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(src, "2019-02/2019-02-essex-street.csv")
    want = _area_month_rows(_rows(src), "Colchester")["2019-02"]
    assert _police_total(csp.load(tmp_path), "Colchester", "2019-02") == want


def test_06_three_forces_one_month(shared_file: Shared, tmp_path: Path) -> None:
    """Essex, Kent and City of London together: each area's rows, whatever force gave them
    (police.uk's ``Falls within`` force of a row outside its area is another force's)."""
    rows: list[dict[str, str]] = []
    for name in (ESSEX_FEB, KENT_FEB, CITY_FEB):
        src = shared_file(name)
        (tmp_path / src.name).write_bytes(src.read_bytes())
        rows += _rows(src)
    ds = csp.load(tmp_path)
    for area in ("Thurrock", "Dartford", "Medway", "City of London"):
        assert _police_total(ds, area, "2019-02") == _area_month_rows(rows, area)["2019-02"], area


def test_07_crlf_bom_resave(shared_file: Shared, tmp_path: Path) -> None:
    """Re-saved with CRLF line ends and a byte-order mark: the same counts."""
    src = shared_file(ESSEX_FEB)
    rows = _rows(src)
    _write_rows(tmp_path / "feb.csv", _header(src), rows, encoding="utf-8-sig", eol="\r\n")
    want = _area_month_rows(rows, "Harlow")["2019-02"]
    assert _police_total(csp.load(tmp_path), "Harlow", "2019-02") == want


def test_08_excel_uk_month_display(
    shared_file: Shared, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Months re-saved by Excel as UK dates (01/02/2019): read as 2019-02, or refused with a
    message naming the Month column; never a wrong month or a wrong number."""
    src = shared_file(ESSEX_FEB)
    rows = _rows(src)
    for r in rows:
        r["Month"] = "01/02/2019"
    _write_rows(tmp_path / "feb.csv", _header(src), rows)
    ds = csp.load(tmp_path)
    got = _police_total(ds, "Thurrock", "2019-02")
    periods = set(ds.counts["period"])
    assert periods <= {"2019-02"}, periods
    if got:
        assert got == _area_month_rows(_rows(src), "Thurrock")["2019-02"]
    else:
        code, out = _validate(tmp_path, capsys)
        assert "Traceback" not in out and "Month" in out and "01/02/2019" in out, out


def test_09_crime_types_in_other_case_and_padded(shared_file: Shared, tmp_path: Path) -> None:
    """Crime types lower-cased with trailing spaces, LSOA names padded: the same counts."""
    src = shared_file(ESSEX_FEB)
    rows = _rows(src)
    for r in rows:
        r["Crime type"] = r["Crime type"].lower() + "  "
        r["LSOA name"] = f" {r['LSOA name']} " if r["LSOA name"] else ""
    _write_rows(tmp_path / "feb.csv", _header(src), rows)
    want = _area_month_rows(_rows(src), "Chelmsford")["2019-02"]
    assert _police_total(csp.load(tmp_path), "Chelmsford", "2019-02") == want


def test_10_gwent_repeated_crime_ids(shared_file: Shared, tmp_path: Path) -> None:
    """Gwent 2023-01 repeats 513 Crime IDs: each crime counted once, ASB rows all counted."""
    src = shared_file(f"{GWENT}/2023-01/2023-01-gwent-street.csv")
    (tmp_path / src.name).write_bytes(src.read_bytes())
    rows = [r for r in _rows(src) if r["LSOA name"].startswith("Newport ")]
    want = len({r["Crime ID"] for r in rows if r["Crime ID"]}) + sum(
        1 for r in rows if not r["Crime ID"]
    )
    assert _police_total(csp.load(tmp_path), "Newport", "2023-01") == want


def test_11_gwent_month_folder_downloaded_twice(shared_file: Shared, tmp_path: Path) -> None:
    """A month folder downloaded again beside the first (``2022-07 (1)``): counted once."""
    src = shared_file(f"{GWENT}/2022-07/2022-07-gwent-street.csv")
    for folder in ("2022-07", "2022-07 (1)"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / src.name).write_bytes(src.read_bytes())
    want = _area_month_rows(_rows(src), "Torfaen")["2022-07"]
    assert _police_total(csp.load(tmp_path), "Torfaen", "2022-07") == want


def test_12_gwent_outcomes_are_not_crimes(shared_file: Shared, tmp_path: Path) -> None:
    """A street file beside its outcomes file: the crimes are the street file's rows."""
    for kind in ("street", "outcomes"):
        src = shared_file(f"{GWENT}/2022-09/2022-09-gwent-{kind}.csv")
        (tmp_path / src.name).write_bytes(src.read_bytes())
    rows = _rows(tmp_path / "2022-09-gwent-street.csv")
    want = _area_month_rows(rows, "Caerphilly")["2022-09"]
    assert _police_total(csp.load(tmp_path), "Caerphilly", "2022-09") == want


# ---------------------------------------------------------------- false refusals


def test_13_calderdale_long_year_headings(shared_file: Shared, tmp_path: Path) -> None:
    """Year columns headed ``2015-2016``: read as the same years, with the same totals."""
    src = shared_file(CALDERDALE)
    lines = src.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    head = [f"{h[:4]}-{h[:2]}{h[-2:]}" if h[:4].isdigit() else h for h in head]
    (tmp_path / "c.csv").write_text("\n".join([",".join(head), *lines[1:]]) + "\n", "utf-8")
    sums = _calderdale_sums(src)
    assert _ho_sums(csp.load(tmp_path)) == {f"{y[:5]}{y[-2:]}": n for y, n in sums.items()}


def test_14_calderdale_thousands_separators(shared_file: Shared, tmp_path: Path) -> None:
    """Counts written ``1,916`` (quoted, as a spreadsheet exports them): the same totals."""
    src = shared_file(CALDERDALE)
    rows = _rows(src)
    years = [c for c in rows[0] if c[:4].isdigit()]
    for r in rows:
        for y in years:
            r[y] = f"{int(r[y]):,}"
    _write_rows(tmp_path / "c.csv", list(rows[0]), rows)
    sums = _calderdale_sums(src)
    assert _ho_sums(csp.load(tmp_path)) == {f"{y[:5]}{y[-2:]}": n for y, n in sums.items()}


def test_15_upper_case_header(shared_file: Shared, tmp_path: Path) -> None:
    """A police.uk header in capitals is the police.uk header."""
    src = shared_file(ESSEX_FEB)
    lines = src.read_text(encoding="utf-8-sig").split("\n", 1)
    (tmp_path / "feb.csv").write_text(lines[0].upper() + "\n" + lines[1], encoding="utf-8")
    want = _area_month_rows(_rows(src), "Rochford")["2019-02"]
    assert _police_total(csp.load(tmp_path), "Rochford", "2019-02") == want


def test_16_ons_lookup_beside_essex(shared_file: Shared, tmp_path: Path) -> None:
    """The ONS lookup (force "Essex") beside Essex Police files: the counts stay, and stray
    LSOAs of other forces' areas do not become Essex partnerships."""
    src = shared_file(ESSEX_FEB)
    (tmp_path / src.name).write_bytes(src.read_bytes())
    (tmp_path / "lookup.csv").write_bytes(shared_file(LOOKUP).read_bytes())
    ds = csp.load(tmp_path)
    want = _area_month_rows(_rows(src), "Thurrock")["2019-02"]
    assert _police_total(ds, "Thurrock", "2019-02") == want
    essex = {a for a, f in ds.area_force.items() if "essex" in str(f).casefold()}
    assert "Thurrock" in essex and "Barking and Dagenham" not in essex


def test_17_census_population_matches_essex_names(shared_file: Shared, tmp_path: Path) -> None:
    """The ONS census table beside Essex files: Southend-on-Sea and Thurrock get their
    population (the csv module's value for 2021)."""
    src = shared_file(ESSEX_FEB)
    (tmp_path / src.name).write_bytes(src.read_bytes())
    pop = shared_file(CENSUS)
    (tmp_path / pop.name).write_bytes(pop.read_bytes())
    ds = csp.load(tmp_path)
    census = {r["NAME"]: r for r in _rows(pop)}  # LAD,NAME,COUNTY,REGION,POP11,POP21,...
    p = ds.population
    for area in ("Southend-on-Sea", "Thurrock"):
        want = int(census[area]["POP21"].replace(",", ""))
        got = p.loc[(p["area"] == area) & (p["year"] == 2021), "population"]
        assert [int(x) for x in got] == [want], area


# ---------------------------------------------------------------- leaks and injection


def _thurrock_with(src: Path, tmp_path: Path, location: str) -> list[dict[str, str]]:
    rows = _rows(src)
    for r in rows:
        if r["LSOA name"].startswith("Thurrock 0"):
            r["Location"] = location
    data = tmp_path / "private-folder-of-jsmith"
    data.mkdir()
    _write_rows(data / "feb.csv", _header(src), rows)
    return rows


def test_18_injection_in_location(shared_file: Shared, tmp_path: Path) -> None:
    """A street name carrying a formula and a script: inert text in the tables (CSV, XLSX)
    and escaped in the report's HTML."""
    location = '=HYPERLINK("http://evil.invalid","<script>alert(1)</script>")'
    src = shared_file(ESSEX_FEB)
    rows = _thurrock_with(src, tmp_path, location)
    a = csp.assess(tmp_path / "private-folder-of-jsmith", area="Thurrock", year="2018/19")
    out = tmp_path / "out"
    paths = a.save(out)
    cells: list[str] = []
    for p in paths:
        if p.suffix == ".csv":
            cells += [str(v) for row in csv.reader(io.StringIO(p.read_text("utf-8"))) for v in row]
        elif p.suffix == ".xlsx":
            for sheet in pd.read_excel(p, sheet_name=None, dtype=str, header=None).values():
                cells += [str(v) for v in sheet.to_numpy().ravel() if pd.notna(v)]
    assert not [c for c in cells if c[:1] in ("=", "@", "+") and not c[1:2].isdigit()]
    html = []
    for s in registry():
        result = a.section(s.name)
        if result.available:
            html += [str(getattr(b, "data", b)) for b in s.render(result, a)]
    page = "\n".join(html)
    assert "<script>alert" not in page
    assert any(r["Location"] == location for r in rows)
    assert "&lt;script&gt;" in page  # the street is shown, escaped, in the hot-spot tables


def test_19_no_path_coordinate_or_crime_id_in_saved_outputs(
    shared_file: Shared, tmp_path: Path
) -> None:
    """The saved tables and key findings name no local folder, no coordinate, no Crime ID."""
    src = shared_file(ESSEX_FEB)
    rows = _thurrock_with(src, tmp_path, "On or near Somewhere")
    a = csp.assess(tmp_path / "private-folder-of-jsmith", area="Thurrock", year="2018/19")
    paths = a.save(tmp_path / "out")
    text = "\n".join(p.read_text("utf-8") for p in paths if p.suffix in (".csv", ".md"))
    assert "jsmith" not in text and str(tmp_path) not in text
    thurrock = [r for r in rows if r["LSOA name"].startswith("Thurrock ")]
    coords = {r["Latitude"] for r in thurrock if r["Latitude"]}
    ids = {r["Crime ID"] for r in thurrock if r["Crime ID"]}
    found = [t for t in coords | ids if t in text]
    assert not found, found[:5]


# ---------------------------------------------------------------- tracebacks, messages


def test_20_broken_downloads_are_named(
    shared_file: Shared, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty ``.csv.gz``, a truncated zip and a truncated ``.gz`` beside a good month:
    each named in a message, never a traceback."""
    src = shared_file(ESSEX_FEB)
    (tmp_path / src.name).write_bytes(src.read_bytes())
    (tmp_path / "empty.csv.gz").write_bytes(b"")
    whole = io.BytesIO()
    with zipfile.ZipFile(whole, "w") as z:
        z.write(src, "2019-02/2019-02-essex-street.csv")
    (tmp_path / "cut.zip").write_bytes(whole.getvalue()[:5000])
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress(src.read_bytes())[:5000])
    code, out = _validate(tmp_path, capsys)
    assert "Traceback" not in out and not isinstance(code, BaseException), out
    for name in ("empty.csv.gz", "cut.zip", "cut.csv.gz"):
        assert name in out, (name, out)


def test_21_data_is_a_file_not_a_folder(
    shared_file: Shared, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--data`` naming one file: a usage message (or the file read), never a traceback."""
    code, out = _validate(shared_file(CITY_FEB), capsys)
    assert "Traceback" not in out and not isinstance(code, BaseException), out
    assert code in (0, 2), (code, out)


def test_22_one_month_in_each_year_assessed_and_rendered(
    shared_file: Shared, tmp_path: Path
) -> None:
    """A year with one month of police.uk data in both years (Feb 2018, Feb 2019): every
    section builds and renders (SPC included) without an internal error."""
    from csp_analysis.report import display as show

    for name in (ESSEX_FEB, "police_uk/essex_2018_snake_header/2018-02-essex-street.csv"):
        src = shared_file(name)
        (tmp_path / src.name).write_bytes(src.read_bytes())
    a = csp.assess(tmp_path, area="Thurrock", year="2018/19")
    assert "spc" not in a.gaps
    for s in a.results:
        show.section(a, s)
    spc = a.table("spc_signals")
    feb = spc[(spc["category"] == "All crime") & (spc["month"] == "2019-02")]
    rows = _rows(src := shared_file(ESSEX_FEB))
    want = sum(
        1
        for r in rows
        if r["LSOA name"].startswith("Thurrock ") and r["Crime type"] != "Anti-social behaviour"
    )
    assert [int(x) for x in feb["count"]] == [want], src


def test_23_other_months_of_last_year_are_not_no_data(shared_file: Shared, tmp_path: Path) -> None:
    """March 2018 (in 2017/18) and February 2019 (in 2018/19): the finding may not say that
    2017/18 has no data; it has none for the same months. One month is "1 month"."""
    for name in (ESSEX_FEB, "police_uk/essex_2018_snake_header/2018-03-essex-street.csv"):
        src = shared_file(name)
        (tmp_path / src.name).write_bytes(src.read_bytes())
    text = " ".join(csp.assess(tmp_path, area="Thurrock", year="2018/19").findings)
    assert "There are no data for 2017/18" not in text
    assert "2017/18 has no data for the same months" in text
    want = sum(
        1
        for r in _rows(shared_file(ESSEX_FEB))
        if r["LSOA name"].startswith("Thurrock ") and r["Crime type"] != "Anti-social behaviour"
    )
    assert f"recorded {want:,} crimes in the 1 month with data of 2018/19" in text


def test_24_calderdale_year_column_repeated(shared_file: Shared, tmp_path: Path) -> None:
    """The last year column pasted again at the end of the table: that year counted once."""
    src = shared_file(CALDERDALE)
    with src.open(encoding="utf-8", newline="") as f:
        table = [[*r, r[-1]] for r in csv.reader(f)]
    with (tmp_path / "c.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(table)
    sums = _calderdale_sums(src)
    assert _ho_sums(csp.load(tmp_path)) == {f"{y[:5]}{y[-2:]}": n for y, n in sums.items()}
