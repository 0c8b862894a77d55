"""ONS tables as published: recorded crime by CSP (official totals) and the lookups."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.ingest.ons_crime import clean_header, period_of
from csp_analysis.ingest.registry import recognise
from csp_analysis.model import load

#: The ONS "Recorded crime data by Community Safety Partnership area" table as published
#: (layout of csptablesyedec23.xlsx, table by offence group: title rows, a code and name
#: column per geography, [note N] markers and line breaks in the header, numbers with
#: thousands separators and trailing spaces, [x] for a value not available, a rate column,
#: a footnote). The numbers are made up for the test.
ONS_CSV = """\
Table C1: Police recorded crime by offence group and Community Safety Partnership area, \
England and Wales, year ending December 2023 [note 1],,,,,,,,,,,
This worksheet contains one table.,,,,,,,,,,,
,,,,,,,,,,,
Police Force Area code,Police Force Area name,Community Safety Partnership code,\
Community Safety Partnership name,Local Authority code,Local Authority name,\
"Population figures (mid-2022) - rounded to 100
 [note 3]","Total recorded crime
 (excluding fraud) [note 2]",Violence against the person,Homicide,\
Miscellaneous crimes against society,"Residential burglary (per 1,000 population)"
K04000001,England and Wales,,,,,"60,238,100 ","6,686,024 ","2,113,560 ",590 ,"98,500 ",4.1
E23000029,Essex,E22000120,Thurrock,E06000034,Thurrock,"178,700 ","20,001 ","8,100 ",[x],301 ,3.2
E23000029,Essex,E22000119,Basildon,E07000066,Basildon,"188,600 ","18,500 ","7,001 ",2,[c],2.9
,,,,,,,,,,,
Source: Police recorded crime from the Home Office,,,,,,,,,,,
"""


def test_header_notes_and_line_breaks_cleaned() -> None:
    assert clean_header("Total recorded crime\n (excluding fraud) [note 2]") == (
        "Total recorded crime (excluding fraud)"
    )
    assert clean_header("Homicide [notes 4 and 5]") == "Homicide"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Table C1: ... year ending March 2023 [note 1]",), ("2022/23", "2023-03")),
        (("year ending June 2019",), ("12 months to June 2019", "2019-06")),
        (("", "csptablesyedec23.xlsx"), ("12 months to December 2023", "2023-12")),
        (("", "recorded_crime_ye_march_2018.csv"), ("2017/18", "2018-03")),
    ],
)
def test_period_from_title_or_file_name(texts: tuple[str, ...], expected: tuple[str, str]) -> None:
    found = period_of(*texts)
    assert found is not None
    assert found[:2] == expected


def test_no_period_refused_with_reason(tmp_path: Path) -> None:
    body = ONS_CSV.replace("year ending December 2023", "latest year")
    (tmp_path / "crime.csv").write_text(body, encoding="utf-8")
    ds = load(tmp_path)
    f = ds.files.iloc[0]
    assert f["layout"] == "ons_crime_by_csp"
    assert f["rows_used"] == 0 and f["rows_read"] == f["rows_rejected"] == 4
    assert "year ending" in ds.problems["message"].iloc[0]


def _check_ons(ds: pd.DataFrame | object, thurrock_line: int) -> None:
    f = ds.files.iloc[0]  # type: ignore[attr-defined]
    assert f["layout"] == "ons_crime_by_csp"
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (4, 3, 1)  # the footnote
    t = ds.tables["official_totals"]  # type: ignore[attr-defined]
    got = {(r.area, r.offence): int(r.count) for r in t.itertuples()}
    assert got == {
        ("England and Wales", "Total recorded crime (excluding fraud)"): 6_686_024,
        ("England and Wales", "Violence against the person"): 2_113_560,
        ("England and Wales", "Homicide"): 590,
        ("England and Wales", "Miscellaneous crimes against society"): 98_500,
        ("Thurrock", "Total recorded crime (excluding fraud)"): 20_001,
        ("Thurrock", "Violence against the person"): 8_100,
        ("Thurrock", "Miscellaneous crimes against society"): 301,
        ("Basildon", "Total recorded crime (excluding fraud)"): 18_500,
        ("Basildon", "Violence against the person"): 7_001,
        ("Basildon", "Homicide"): 2,
    }  # [x] and [c] are left out, not zero; the rate column is not a count
    assert set(t["period"]) == {"12 months to December 2023"}
    assert set(t["period_end"]) == {"2023-12"}
    geo = dict(zip(t["area"], t["geography"], strict=False))
    assert geo == {"England and Wales": "country", "Thurrock": "csp", "Basildon": "csp"}
    assert set(t.loc[t["geography"] == "csp", "force"]) == {"Essex"}
    pop = dict(zip(t["area"], t["population"], strict=False))
    assert pop["Thurrock"] == 178_700
    level = dict(zip(t["offence"], t["level"], strict=False))
    assert level["Homicide"] == "subgroup"
    assert level["Violence against the person"] == "group"
    assert level["Total recorded crime (excluding fraud)"] == "total"
    missing = ds.problems[ds.problems["rows"] == 0]  # type: ignore[attr-defined]
    assert {(int(r.line), r.column) for r in missing.itertuples()} == {
        (thurrock_line, "Homicide"),
        (thurrock_line + 1, "Miscellaneous crimes against society"),
    }


def test_ons_csv_with_title_rows_read_as_official_totals(tmp_path: Path) -> None:
    (tmp_path / "csp_tables.csv").write_text(ONS_CSV, encoding="utf-8")
    _check_ons(load(tmp_path), thurrock_line=8)  # the header spans lines 4 to 6


def test_ons_workbook_sheet_read_the_same(tmp_path: Path) -> None:
    import io

    rows = list(csv.reader(io.StringIO(ONS_CSV)))
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows])
    with pd.ExcelWriter(tmp_path / "csptables.xlsx", engine="openpyxl") as w:
        pd.DataFrame({"Contents": ["Table C1"]}).to_excel(w, sheet_name="Contents", index=False)
        frame.to_excel(w, sheet_name="Table C1", index=False, header=False)
    _check_ons(load(tmp_path), thurrock_line=6)  # the header is row 4 of the sheet


# ---------------------------------------------------------------- lookups

LOOKUP_2017 = (
    "LAD17CD,LAD17NM,CSP17CD,CSP17NM,PFA17CD,PFA17NM,FID\n"
    "E06000034,Thurrock,E22000120,Thurrock,E23000029,Essex,1\n"
    "E07000066,Basildon,E22000119,Basildon,E23000029,Essex,2\n"
    "E07000117,Burnley,E22000043,Burnley,E23000003,Lancashire,3\n"
    "E07000120,Hyndburn,E22000045,Hyndburn and Rossendale,E23000003,Lancashire,4\n"
    "E07000125,Rossendale,E22000045,Hyndburn and Rossendale,E23000003,Lancashire,5\n"
)


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["plain", "bom"])
def test_lookup_2017_layout_recognised(tmp_path: Path, bom: bytes) -> None:
    (tmp_path / "Local_Authority_District_to_CSP_to_PFA_December_2017.csv").write_bytes(
        bom + LOOKUP_2017.encode("utf-8")
    )
    ds = load(tmp_path)
    f = ds.files.iloc[0]
    assert f["layout"] == "lookup"
    assert (f["rows_read"], f["rows_used"]) == (5, 5)
    pairs = set(zip(ds.lookup["area"], ds.lookup["force"], strict=True))
    assert pairs == {
        ("Thurrock", "Essex"),
        ("Basildon", "Essex"),
        ("Burnley", "Lancashire"),
        ("Hyndburn and Rossendale", "Lancashire"),  # one CSP of two districts: one row
    }
    lad = ds.tables["lad_csp_pfa"]
    assert list(lad.columns[:6]) == [
        "lad_code",
        "lad_name",
        "csp_code",
        "csp_name",
        "pfa_code",
        "pfa_name",
    ]
    assert lad.loc[lad["lad_name"] == "Rossendale", "csp_code"].item() == "E22000045"


@pytest.mark.parametrize(
    "header",
    [
        ["LAD17CD", "LAD17NM", "CSP17CD", "CSP17NM", "PFA17CD", "PFA17NM", "FID"],
        ["\ufeffLAD19CD", "LAD19NM", "CSP19CD", "CSP19NM", "PFA19CD", "PFA19NM", "FID"],
        ["lad-code", "lad-name", "csp-code", "csp-name", "PFA21CD", "PFA21NM"],
        ["LAD23CD", "LAD23NM", "CSP23CD", "CSP23NM", "PFA23CD", "PFA23NM", "ObjectId"],
    ],
)
def test_lookup_headers_of_every_year(header: list[str]) -> None:
    layout = recognise(header)
    assert layout is not None and layout.name == "lookup"


def test_lsoa_ward_lad_lookup_model_table(tmp_path: Path) -> None:
    (tmp_path / "LSOA11_WD19_LAD19_EW_LU.csv").write_bytes(
        codecs.BOM_UTF8
        + (
            b"LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM,FID\n"
            b"E01015827,Thurrock 016B,E05002234,Grays Riverside,E06000034,Thurrock,1\n"
            b"E01015828,Thurrock 016C,E05002234,Grays Riverside,E06000034,Thurrock,2\n"
            b",Thurrock 099Z,E05002240,Tilbury Riverside,E06000034,Thurrock,3\n"
        )
    )
    ds = load(tmp_path)
    f = ds.files.iloc[0]
    assert f["layout"] == "lsoa_ward_lad"
    assert (f["rows_read"], f["rows_used"], f["rows_rejected"]) == (3, 2, 1)
    t = ds.tables["ward_lookup"]
    assert t.set_index("lsoa_code")[["ward_code", "ward_name", "lad_code", "lad_name"]].loc[
        "E01015828"
    ].tolist() == ["E05002234", "Grays Riverside", "E06000034", "Thurrock"]
    # the columns the hot spots section reads from the partnership's own ward lookup
    assert t.set_index("lsoa")["ward"].to_dict() == {
        "E01015827": "Grays Riverside",
        "E01015828": "Grays Riverside",
    }


@pytest.mark.shared
def test_real_semicolon_lookup_still_read(shared_file: Callable[[str], Path]) -> None:
    path = shared_file("lookups/lad_to_csp_to_pfa_semicolon.csv")
    ds = load(path)
    f = ds.files.iloc[0]
    assert f["layout"] == "lookup"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]  # an independent count
    assert f["rows_read"] == f["rows_used"] == len(rows)
    assert ds.lookup.set_index("area")["force"]["Barking and Dagenham"] == "Metropolitan Police"
    assert len(ds.tables["lad_csp_pfa"]) == len(rows)
    assert set(ds.lookup["area"]) == {r[3] for r in rows}  # names as published
