"""Write the bad-inputs corpus: one folder per case with its input files and ``case.json``.

Every input is small, hand-written and synthetic (a fictional force, Northmarsh Police, and its
partnerships Ashvale, Brindle Heath and Carrow). Exact bytes matter here (BOM, Windows-1252,
CRLF, binary, truncated workbooks), so the files are written from this script and committed;
``tests/test_bad_inputs.py`` checks that the committed bytes equal what this script makes.

To change a case, edit it here and run ``python tests/bad_inputs/make_corpus.py``.

``case.json`` holds the expected behaviour, checked by ``tests/test_bad_inputs.py``:

- ``exit``: exit code of ``csp-assess validate --data <case>/<data>``; ``data`` defaults to
  ``"data"``; ``stdout_contains`` / ``stderr_contains``: substrings of its output;
- ``files``: per file (or sheet) ``layout``, ``rows_read``, ``rows_used``, ``rows_rejected`` and
  optional ``issue_contains``; the list of files is exact;
- ``problems``: the exact list of ``ds.problems`` (``source``, ``line``, ``column``,
  ``message_contains``: substrings, a nested list meaning "any of", ``rows``, ``lines``);
- ``counts``: the exact ``ds.counts`` as ``[area, period, category, count, source]`` rows;
- optional ``records``, ``population``, ``coverage_periods``, ``financial_years``,
  ``missing_months``, ``monthly``, ``monthly_absent``, ``quality_contains`` and ``run``.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent

FORCE = "Northmarsh Police"
ASB = "Anti-social behaviour"
POLICE_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
SNAKE_HEADER = (
    "crime_id,month,reported_by,falls_within,longitude,latitude,location,lsoa_code,lsoa_name,"
    "crime_type,last_outcome_category,context"
)
TIDY_HEADER = "area,period,category,count"
HO_LONG_HEADER = (
    "Financial Year,Financial Quarter,Force Name,CSP Name,Offence Description,Offence Group,"
    "Offence Subgroup,Offence Code,Number of Offences"
)
LSOA_CODES = {
    "Ashvale 001A": "E01990001",
    "Ashvale 002B": "E01990002",
    "Brindle Heath 001A": "E01990101",
}
SHOP = "Shoplifting,Theft offences,Shoplifting,46"
ROB_P = "Robbery of personal property,Robbery,Robbery of personal property,34B"
ROB_B = "Robbery of business property,Robbery,Robbery of business property,34A"

Case = dict[str, Any]


# ---------------------------------------------------------------- building blocks


def street(
    crime_id: str,
    month: str,
    crime_type: str,
    lsoa: str = "Ashvale 001A",
    location: str = "On or near High Street",
) -> str:
    """One data.police.uk street-level row (12 fields) of the fictional force."""
    code = LSOA_CODES.get(lsoa, "")
    lon, lat = ("-1.234567", "52.345678") if lsoa else ("", "")
    outcome = "" if crime_type == ASB else "Under investigation"
    return (
        f"{crime_id},{month},{FORCE},{FORCE},{lon},{lat},{location},{code},{lsoa},"
        f"{crime_type},{outcome},"
    )


def text(*lines: str, eol: str = "\n", bom: bool = False, encoding: str = "utf-8") -> bytes:
    """The bytes of a text file: each line ended by ``eol``, optionally after a UTF-8 BOM."""
    body = "".join(line + eol for line in lines).encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + body


def problem(
    source: str,
    line: int | str | None,
    column: str | None,
    contains: list[Any],
    rows: int,
    lines: str | None = None,
) -> dict[str, Any]:
    """An expected entry of ``ds.problems``; ``line`` or ``column`` ``"*"``: not pinned."""
    out: dict[str, Any] = {
        "source": source,
        "line": line,
        "column": column,
        "message_contains": contains,
        "rows": rows,
    }
    for key in ("line", "column"):
        if out[key] == "*":
            del out[key]
    if lines is not None:
        out["lines"] = lines
    return out


def accounting(layout: str | None, read: int, used: int, rejected: int, **extra: Any) -> dict:
    """Expected row accounting of one file (``layout`` None: not pinned)."""
    out: dict[str, Any] = {"rows_read": read, "rows_used": used, "rows_rejected": rejected}
    if layout is not None:
        out["layout"] = layout
    return out | extra


def _xlsx_cell(ref: str, value: str | int | tuple[str, str]) -> str:
    if isinstance(value, tuple):  # ("=", formula): a formula with no saved value
        return f'<c r="{ref}"><f>{escape(value[1])}</f></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def xlsx(sheet_name: str, rows: list[list[Any]], merged: list[str] | None = None) -> bytes:
    """A minimal, byte-for-byte reproducible workbook (stored zip, fixed timestamps); cells
    ``("=", formula)`` are formulas without a saved value, ``merged`` ranges are merged."""
    ns = "http://schemas.openxmlformats.org"
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sheet_rows = []
    for i, row in enumerate(rows, start=1):
        cells = "".join(_xlsx_cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(row) if v != "")
        if cells:
            sheet_rows.append(f'<row r="{i}">{cells}</row>')
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            f'<sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>'
            + "".join(sheet_rows)
            + "</sheetData>"
            + (
                f'<mergeCells count="{len(merged)}">'
                + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
                + "</mergeCells>"
                if merged
                else ""
            )
            + "</worksheet>"
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, xml in parts.items():
            z.writestr(
                zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), (head + xml).encode("utf-8")
            )
    return buf.getvalue()


ASB_WORKBOOK = xlsx(
    "Counts",
    [
        ["Ashvale partnership: ASB and crime counts 2018/19"],
        [],
        ["area", "period", "category", "count"],
        ["Ashvale", "2018/19", "Burglary", 12],
        ["Ashvale", "2018/19", "Robbery", "twelve"],
        ["Ashvale", "2018/19", "Shoplifting", 7],
    ],
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)

#: A small valid police.uk month, used beside unreadable files.
GOOD_STREET = text(
    POLICE_HEADER,
    street("a0000001", "2018-10", "Burglary"),
    street("a0000002", "2018-10", "Robbery"),
    street("", "2018-10", ASB),
)
GOOD_STREET_COUNTS = [
    ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
    ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
    ["Ashvale", "2018-10", ASB, 1, "police_uk"],
]


# ---------------------------------------------------------------- the cases


def cases() -> dict[str, tuple[dict[str, bytes], Case]]:
    """Every case: ``name -> (files relative to the case's data folder, expectations)``."""
    c: dict[str, tuple[dict[str, bytes], Case]] = {}

    # -- encodings and line endings ----------------------------------------------------
    c["01_utf8_bom"] = (
        {
            "2018-10-northmarsh-street.csv": text(
                POLICE_HEADER,
                street("b0000001", "2018-10", "Burglary"),
                street("b0000002", "2018-10", "Burglary", "Ashvale 002B"),
                street("", "2018-10", ASB, "Brindle Heath 001A"),
                bom=True,
            )
        },
        {
            "description": "police.uk file saved as UTF-8 with a byte-order mark",
            "exit": 0,
            "files": {"2018-10-northmarsh-street.csv": accounting("police_uk", 3, 3, 0)},
            "problems": [],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 2, "police_uk"],
                ["Brindle Heath", "2018-10", ASB, 1, "police_uk"],
            ],
            "records": [{"crime_id": "b0000001", "month": "2018-10", "area": "Ashvale"}],
        },
    )
    c["02_windows_1252"] = (
        {
            "2018-10-northmarsh-street.csv": text(
                POLICE_HEADER,
                street("c0000001", "2018-10", "Shoplifting", location="On or near Café Row"),
                street("c0000002", "2018-10", "Shoplifting", location="On or near £1 Shop"),
                street("", "2018-10", ASB, location="On or near Crème Lane"),
                encoding="cp1252",
            )
        },
        {
            "description": "police.uk file in Windows-1252 ('é', '£' and 'è' as single bytes)",
            "exit": 0,
            "files": {
                "2018-10-northmarsh-street.csv": accounting(
                    "police_uk", 3, 3, 0, issue_contains=["Windows-1252"]
                )
            },
            "problems": [],
            "counts": [
                ["Ashvale", "2018-10", "Shoplifting", 2, "police_uk"],
                ["Ashvale", "2018-10", ASB, 1, "police_uk"],
            ],
            "records": [
                {"crime_id": "c0000001", "location": "On or near Café Row"},
                {"crime_id": "c0000002", "location": "On or near £1 Shop"},
            ],
        },
    )
    c["03_crlf"] = (
        {
            "2018-10-northmarsh-street.csv": text(
                POLICE_HEADER,
                street("d0000001", "2018-10", "Burglary"),
                street("d0000002", "2018-10", "Cybercrime"),
                street("d0000003", "2018-10", "Robbery"),
                eol="\r\n",
            )
        },
        {
            "description": "Windows line endings (CRLF); the bad row is still named by its line",
            "exit": 0,
            "files": {"2018-10-northmarsh-street.csv": accounting("police_uk", 3, 2, 1)},
            "problems": [
                problem(
                    "2018-10-northmarsh-street.csv",
                    3,
                    "Crime type",
                    ["crime type", "mapping"],
                    1,
                    "3",
                )
            ],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
            ],
            "records": [{"crime_id": "d0000003", "lsoa_name": "Ashvale 001A"}],
        },
    )
    c["04_cr_only"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                "Ashvale,2018/19,Burglary,10",
                "Ashvale,2018/19,Robbery,-4",
                "Ashvale,2018/19,Drugs,3",
                eol="\r",
            )
        },
        {
            "description": "old Mac line endings (CR only) in a tidy file",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 3, 2, 1)},
            "problems": [problem("counts.csv", 3, "count", ["negative"], 1, "3")],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 10, "tidy"],
                ["Ashvale", "2018/19", "Drugs", 3, "tidy"],
            ],
        },
    )
    c["05_blank_lines"] = (
        {
            "counts.csv": text(
                "",
                TIDY_HEADER,
                "Ashvale,2018/19,Burglary,10",
                "",
                "Ashvale,2018/19,Robbery,x",
                ",,,",
                "Ashvale,2018/19,Shoplifting,7",
                "",
                "   ",
            )
        },
        {
            "description": "a blank line before the header, blank and all-empty lines in the "
            "middle and at the end: not rows, and line numbers stay those of the file",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 3, 2, 1)},
            "problems": [problem("counts.csv", 5, "count", ["not a number"], 1, "5")],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 10, "tidy"],
                ["Ashvale", "2018/19", "Shoplifting", 7, "tidy"],
            ],
        },
    )
    c["06_trailing_empty_columns"] = (
        {
            "2018-10-northmarsh-street.csv": text(
                POLICE_HEADER + ",,",
                street("e0000001", "2018-10", "Burglary") + ",,",
                street("e0000002", "2018-10", "Vehicle crime") + ",,",
                street("", "2018-10", ASB) + ",,",
            )
        },
        {
            "description": "two trailing empty columns on the header and on every row",
            "exit": 0,
            "files": {"2018-10-northmarsh-street.csv": accounting("police_uk", 3, 3, 0)},
            "problems": [],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Vehicle crime", 1, "police_uk"],
                ["Ashvale", "2018-10", ASB, 1, "police_uk"],
            ],
        },
    )
    c["07_trailing_commas_rows_only"] = (
        {
            "2018-10-northmarsh-street.csv": text(
                POLICE_HEADER,
                street("f0000001", "2018-10", "Burglary") + ",",
                street("f0000002", "2018-10", "Vehicle crime") + ",",
                street("", "2018-10", ASB) + ",",
            )
        },
        {
            "description": "every data row has one trailing empty field more than the header (as "
            "some spreadsheet exports write): the columns must not shift",
            "exit": 0,
            "files": {"2018-10-northmarsh-street.csv": accounting("police_uk", 3, 3, 0)},
            "problems": [],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Vehicle crime", 1, "police_uk"],
                ["Ashvale", "2018-10", ASB, 1, "police_uk"],
            ],
            "records": [{"crime_id": "f0000001", "month": "2018-10", "category": "Burglary"}],
        },
    )

    # -- header aliases ----------------------------------------------------------------
    c["08_snake_case_header"] = (
        {
            "street.csv": text(
                SNAKE_HEADER,
                street("g0000001", "2018-11", "Drugs"),
                street("g0000002", "2018-11", "Drugs", "Brindle Heath 001A"),
                street("", "2018-11", ASB),
            )
        },
        {
            "description": "the snake_case police.uk header (crime_id, month, ...)",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 3, 3, 0)},
            "problems": [],
            "counts": [
                ["Ashvale", "2018-11", "Drugs", 1, "police_uk"],
                ["Ashvale", "2018-11", ASB, 1, "police_uk"],
                ["Brindle Heath", "2018-11", "Drugs", 1, "police_uk"],
            ],
            "records": [{"crime_id": "g0000002", "area": "Brindle Heath"}],
        },
    )
    c["09_header_aliases"] = (
        {
            "street.csv": text(
                "CrimeID,MONTH,Reported By,FALLS WITHIN,Longitude,Latitude,Location,LSOA Code,"
                "LSOA Name,Crime Type,Last Outcome Category,Context",
                street("h0000001", "2018-12", "Public order"),
                street("", "2018-12", ASB),
            ),
            "asb.csv": text(
                "Area,Period,Category,Count",
                "Brindle Heath,2018-12,ASB,30",
                "Brindle Heath,2018-12,Antisocial behaviour,x",
            ),
        },
        {
            "description": "header spellings: CrimeID, MONTH, LSOA Name; Area/Period/Category/"
            "Count with the category alias ASB",
            "exit": 0,
            "files": {
                "street.csv": accounting("police_uk", 2, 2, 0),
                "asb.csv": accounting("tidy_counts", 2, 1, 1),
            },
            "problems": [problem("asb.csv", 3, "Count", ["not a number"], 1, "3")],
            "counts": [
                ["Ashvale", "2018-12", "Public order", 1, "police_uk"],
                ["Ashvale", "2018-12", ASB, 1, "police_uk"],
                ["Brindle Heath", "2018-12", ASB, 30, "tidy"],
            ],
            "records": [{"crime_id": "h0000001", "category": "Public order"}],
        },
    )
    c["10_home_office_release_names"] = (
        {
            "prc_csp_2018.csv": text(
                "Financial Year,Financial Quarter,Police Force,CSP Name,Offence Description,"
                "Offence Group,Offence Subgroup,Offence Code,Offence Count",
                f"2018/19,1,Northmarsh,Ashvale,{ROB_P},31",
                f"2018/19,1,Northmarsh,Ashvale,{SHOP},20",
                f"2018/19,2,Northmarsh,Ashvale,{SHOP},25",
            )
        },
        {
            "description": "Home Office long table with the recent names Police Force and "
            "Offence Count",
            "exit": 0,
            "files": {"prc_csp_2018.csv": accounting("home_office_long", 3, 3, 0)},
            "problems": [],
            "counts": [
                ["Ashvale", "2018/19 Q1", "Robbery", 31, "home_office"],
                ["Ashvale", "2018/19 Q1", "Shoplifting", 20, "home_office"],
                ["Ashvale", "2018/19 Q2", "Shoplifting", 25, "home_office"],
            ],
        },
    )

    # -- periods ------------------------------------------------------------------------
    c["11_financial_year_spellings"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                "Ashvale,2018/19,Burglary,11",
                "Ashvale,2018-19,Robbery,12",
                "Ashvale,FY2018/19,Shoplifting,13",
                "Ashvale,2018/2019,Drugs,14",
                "Ashvale,FY 2018-19,Bicycle theft,15",
            )
        },
        {
            "description": "financial years written 2018/19, 2018-19, FY2018/19, 2018/2019 and "
            "FY 2018-19 (all accepted by csp_analysis.periods) are one year",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 5, 5, 0)},
            "problems": [],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 11, "tidy"],
                ["Ashvale", "2018/19", "Robbery", 12, "tidy"],
                ["Ashvale", "2018/19", "Shoplifting", 13, "tidy"],
                ["Ashvale", "2018/19", "Drugs", 14, "tidy"],
                ["Ashvale", "2018/19", "Bicycle theft", 15, "tidy"],
            ],
        },
    )
    c["12_month_spellings"] = (
        {
            "asb_monthly.csv": text(
                TIDY_HEADER,
                f"Ashvale,2018-04,{ASB},40",
                f"Ashvale,2018-5,{ASB},41",
                f"Ashvale,2018-06-01,{ASB},42",
                f"Ashvale,2018-13,{ASB},43",
            )
        },
        {
            "description": "months written 2018-04, 2018-5 and 2018-06-01 (all accepted by "
            "csp_analysis.periods.parse_month); 2018-13 is no month",
            "exit": 0,
            "files": {"asb_monthly.csv": accounting("tidy_counts", 4, 3, 1)},
            "problems": [problem("asb_monthly.csv", 5, "period", ["period"], 1, "5")],
            "counts": [
                ["Ashvale", "2018-04", ASB, 40, "tidy"],
                ["Ashvale", "2018-05", ASB, 41, "tidy"],
                ["Ashvale", "2018-06", ASB, 42, "tidy"],
            ],
        },
    )
    c["13_police_month_13"] = (
        {
            "street.csv": text(
                POLICE_HEADER,
                street("i0000001", "2018-10", "Burglary"),
                street("i0000002", "2018-13", "Burglary"),
                street("i0000003", "2018-10", "Robbery"),
            )
        },
        {
            "description": "a police.uk row in month 2018-13: rejected, and no month is covered "
            "by it",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 3, 2, 1)},
            "problems": [problem("street.csv", 3, "Month", ["month"], 1, "3")],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
            ],
            "coverage_periods": {"police_uk": ["2018-10"]},
        },
    )

    # -- duplicates ---------------------------------------------------------------------
    c["14_police_duplicate_crime_id"] = (
        {
            "street.csv": text(
                POLICE_HEADER,
                street("j0000001", "2018-10", "Burglary"),
                street("j0000002", "2018-10", "Robbery"),
                street("", "2018-10", ASB, location="On or near Park Road"),
                street("", "2018-10", ASB, location="On or near Park Road"),
                street("j0000001", "2018-10", "Burglary"),
            )
        },
        {
            "description": "the same Crime ID twice in one file: the repeat is rejected naming "
            "the first line; identical ASB rows (no Crime ID) are two incidents",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 5, 4, 1)},
            "problems": [
                problem("street.csv", 6, "Crime ID", ["duplicate", "Crime ID", "line 2"], 1, "6")
            ],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
                ["Ashvale", "2018-10", ASB, 2, "police_uk"],
            ],
        },
    )
    c["15_police_duplicate_crime_id_conflicting"] = (
        {
            "street.csv": text(
                POLICE_HEADER,
                street("k0000001", "2018-10", "Robbery"),
                street("k0000001", "2018-10", "Shoplifting"),
                street("k0000002", "2018-10", "Drugs"),
            )
        },
        {
            "description": "the same Crime ID on two rows that differ: the later row is rejected "
            "naming the first line",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 3, 2, 1)},
            "problems": [
                problem("street.csv", 3, "Crime ID", ["duplicate", "Crime ID", "line 2"], 1, "3")
            ],
            "counts": [
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
                ["Ashvale", "2018-10", "Drugs", 1, "police_uk"],
            ],
        },
    )
    c["16_police_file_copied"] = (
        {
            "2018-10-northmarsh-street.csv": GOOD_STREET,
            "copy-of-2018-10-northmarsh-street.csv": GOOD_STREET,
        },
        {
            "description": "the same police.uk month saved twice under two names: counted once",
            "exit": 0,
            "files": {
                "2018-10-northmarsh-street.csv": accounting("police_uk", 3, 3, 0),
                "copy-of-2018-10-northmarsh-street.csv": accounting("police_uk", 3, 0, 3),
            },
            "problems": [
                problem(
                    "copy-of-2018-10-northmarsh-street.csv",
                    "*",
                    "*",
                    ["2018-10-northmarsh-street.csv", "twice"],
                    3,
                )
            ],
            "counts": GOOD_STREET_COUNTS,
        },
    )
    c["17_police_overlapping_files"] = (
        {
            "a_2018-10.csv": text(
                POLICE_HEADER,
                street("l0000001", "2018-10", "Burglary"),
                street("l0000002", "2018-10", "Robbery"),
            ),
            "b_2018-10_to_2018-11.csv": text(
                POLICE_HEADER,
                street("l0000001", "2018-10", "Burglary"),
                street("l0000002", "2018-10", "Robbery"),
                street("l0000003", "2018-11", "Drugs"),
            ),
        },
        {
            "description": "a second file repeats October and adds November: October is counted "
            "once and November is not lost",
            "exit": 0,
            "files": {
                "a_2018-10.csv": accounting("police_uk", 2, 2, 0),
                "b_2018-10_to_2018-11.csv": accounting("police_uk", 3, 1, 2),
            },
            "problems": [problem("b_2018-10_to_2018-11.csv", "*", "*", ["a_2018-10.csv"], 2)],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
                ["Ashvale", "2018-11", "Drugs", 1, "police_uk"],
            ],
            "coverage_periods": {"police_uk": ["2018-10", "2018-11"]},
        },
    )
    c["18_tidy_duplicate_identical"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                "Ashvale,2018/19,Burglary,10",
                "Ashvale,2018/19,Robbery,4",
                "Ashvale,2018/19,Burglary,10",
            )
        },
        {
            "description": "an exact duplicate tidy row: rejected as a duplicate, counted once",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 3, 2, 1)},
            "problems": [problem("counts.csv", 4, None, ["duplicate"], 1, "4")],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 10, "tidy"],
                ["Ashvale", "2018/19", "Robbery", 4, "tidy"],
            ],
        },
    )
    c["19_tidy_duplicate_conflicting"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                "Ashvale,2018/19,Burglary,10",
                "Ashvale,2018/19,Robbery,4",
                "Ashvale,2018/19,Burglary,12",
            )
        },
        {
            "description": "the same area, period and category with different counts: both rows "
            "rejected (neither is known to be right), never summed",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 3, 1, 2)},
            "problems": [problem("counts.csv", 2, "count", ["different counts"], 2, "2, 4")],
            "counts": [["Ashvale", "2018/19", "Robbery", 4, "tidy"]],
        },
    )
    tidy_extract = text(TIDY_HEADER, f"Ashvale,2018/19,{ASB},400", "Ashvale,2018/19,Burglary,90")
    c["20_tidy_copied_file"] = (
        {"asb_extract.csv": tidy_extract, "asb_extract_copy.csv": tidy_extract},
        {
            "description": "the same tidy extract saved twice: the copy's rows repeat rows of the "
            "first file and must not be added to them",
            "exit": 0,
            "files": {
                "asb_extract.csv": accounting("tidy_counts", 2, 2, 0),
                "asb_extract_copy.csv": accounting("tidy_counts", 2, 0, 2),
            },
            "problems": [problem("asb_extract_copy.csv", "*", "*", ["asb_extract.csv"], 2)],
            "counts": [
                ["Ashvale", "2018/19", ASB, 400, "tidy"],
                ["Ashvale", "2018/19", "Burglary", 90, "tidy"],
            ],
        },
    )
    ho_table = text(
        HO_LONG_HEADER,
        f"2018/19,1,Northmarsh,Ashvale,{SHOP},20",
        f"2018/19,2,Northmarsh,Ashvale,{SHOP},25",
        f"2018/19,2,Northmarsh,Ashvale,{ROB_P},3",
    )
    c["21_home_office_copied_file"] = (
        {"prc-csp-2018.csv": ho_table, "prc-csp-2018_copy.csv": ho_table},
        {
            "description": "the same Home Office table downloaded twice: counted once",
            "exit": 0,
            "files": {
                "prc-csp-2018.csv": accounting("home_office_long", 3, 3, 0),
                "prc-csp-2018_copy.csv": accounting("home_office_long", 3, 0, 3),
            },
            "problems": [problem("prc-csp-2018_copy.csv", "*", "*", ["prc-csp-2018.csv"], 3)],
            "counts": [
                ["Ashvale", "2018/19 Q1", "Shoplifting", 20, "home_office"],
                ["Ashvale", "2018/19 Q2", "Shoplifting", 25, "home_office"],
                ["Ashvale", "2018/19 Q2", "Robbery", 3, "home_office"],
            ],
        },
    )

    # -- counts -------------------------------------------------------------------------
    c["22_tidy_negative_count"] = (
        {
            "counts.csv": text(
                TIDY_HEADER, "Ashvale,2018/19,Burglary,10", "Ashvale,2018/19,Robbery,-3"
            )
        },
        {
            "description": "a negative count in tidy data is rejected with its line and column",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 2, 1, 1)},
            "problems": [problem("counts.csv", 3, "count", ["negative"], 1, "3")],
            "counts": [["Ashvale", "2018/19", "Burglary", 10, "tidy"]],
        },
    )
    c["23_home_office_negative_adjustment"] = (
        {
            "prc-csp.csv": text(
                HO_LONG_HEADER,
                f"2018/19,1,Northmarsh,Ashvale,{ROB_P},5",
                f"2018/19,1,Northmarsh,Ashvale,{ROB_B},-1",
                f"2018/19,2,Northmarsh,Ashvale,{ROB_P},3",
            )
        },
        {
            "description": "a negative Home Office count is an adjustment: included in the totals "
            "and reported (in the file's issue and by validate)",
            "exit": 0,
            "stdout_contains": ["adjustment"],
            "files": {
                "prc-csp.csv": accounting(
                    "home_office_long", 3, 3, 0, issue_contains=["negative", "adjustment"]
                )
            },
            "problems": [],
            "counts": [
                ["Ashvale", "2018/19 Q1", "Robbery", 4, "home_office"],
                ["Ashvale", "2018/19 Q2", "Robbery", 3, "home_office"],
            ],
        },
    )
    c["24_tidy_count_formats"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                'Ashvale,2018/19,Burglary,"1,234"',
                "Ashvale,2018/19,Robbery,12a",
                "Ashvale,2018/19,Shoplifting,2.5",
                "Ashvale,2018/19,Drugs, 7 ",
            )
        },
        {
            "description": "counts '1,234' (thousands separator) and ' 7 ' are read; '12a' and "
            "'2.5' are rejected with line and column",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 4, 2, 2)},
            "problems": [
                problem("counts.csv", 3, "count", ["not a number"], 1, "3"),
                problem("counts.csv", 4, "count", ["whole number"], 1, "4"),
            ],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 1234, "tidy"],
                ["Ashvale", "2018/19", "Drugs", 7, "tidy"],
            ],
        },
    )
    c["25_tidy_missing_count"] = (
        {"counts.csv": text(TIDY_HEADER, "Ashvale,2018/19,Burglary,", "Ashvale,2018/19,Robbery,0")},
        {
            "description": "a blank count is missing, not zero (rejected); a written 0 is a zero",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 2, 1, 1)},
            "problems": [problem("counts.csv", 2, "count", ["blank"], 1, "2")],
            "counts": [["Ashvale", "2018/19", "Robbery", 0, "tidy"]],
        },
    )
    c["26_tidy_unknown_category"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                "Ashvale,2018/19,Cyber fraud,9",
                "Ashvale,2018/19, burglary ,5",
                "Ashvale,2018/19,ASB,300",
                "Ashvale,2018/19,,4",
            )
        },
        {
            "description": "an unknown category is the partnership's own (issue 13: kept as "
            "written, never rejected); ' burglary ' is Burglary and the alias ASB is mapped; a "
            "blank category is rejected",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 4, 3, 1)},
            "problems": [problem("counts.csv", 5, "category", ["blank"], 1, "5")],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 5, "tidy"],
                ["Ashvale", "2018/19", "Cyber fraud", 9, "tidy"],
                ["Ashvale", "2018/19", ASB, 300, "tidy"],
            ],
        },
    )
    c["27_police_unknown_crime_type"] = (
        {
            "street.csv": text(
                POLICE_HEADER,
                street("m0000001", "2018-10", "Burglary"),
                street("m0000002", "2018-10", "Fraud and forgery"),
            )
        },
        {
            "description": "a crime type missing from the category mapping is rejected",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 2, 1, 1)},
            "problems": [problem("street.csv", 3, "Crime type", ["crime type"], 1, "3")],
            "counts": [["Ashvale", "2018-10", "Burglary", 1, "police_uk"]],
        },
    )
    c["28_police_no_location"] = (
        {
            "street.csv": text(
                POLICE_HEADER,
                street("n0000001", "2018-10", "Burglary"),
                street("n0000002", "2018-10", "Burglary", "", "No location"),
                street("n0000003", "2018-10", "Burglary", "E01990001"),
            )
        },
        {
            "description": "a blank LSOA (no location) and an LSOA name that is a code: rejected "
            "with their reasons",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 3, 1, 2)},
            "problems": [
                problem("street.csv", 3, "LSOA name", ["no location"], 1, "3"),
                problem("street.csv", 4, "LSOA name", ["LSOA name"], 1, "4"),
            ],
            "counts": [["Ashvale", "2018-10", "Burglary", 1, "police_uk"]],
            "coverage_periods": {"police_uk": ["2018-10"]},
        },
    )

    # -- headers that cannot be used --------------------------------------------------
    no_type = POLICE_HEADER.replace("Crime type,", "")
    c["29_police_missing_column"] = (
        {
            "street.csv": text(
                no_type,
                "o0000001,2018-10,Northmarsh Police,Northmarsh Police,"
                "-1.2,52.3,On or near High Street,E01990001,Ashvale 001A,"
                "Under investigation,",
                "o0000002,2018-10,Northmarsh Police,Northmarsh Police,-1.2,52.3,"
                "On or near High Street,E01990001,Ashvale 001A,Under investigation,",
            )
        },
        {
            "description": "a police.uk file without its Crime type column: every row is refused "
            "with a message naming the missing column",
            "exit": 0,
            "files": {"street.csv": accounting(None, 2, 0, 2)},
            "problems": [problem("street.csv", "*", "*", ["Crime type"], 2)],
            "counts": [],
        },
    )
    c["30_unrecognised_header"] = (
        {"notes.csv": text("Name,Comment", "Jo,check the Ashvale figures", "Sam,done")},
        {
            "description": "a CSV whose header matches no layout: skipped, rows accounted",
            "exit": 0,
            "files": {"notes.csv": accounting("unrecognised", 2, 0, 2)},
            "problems": [problem("notes.csv", "*", None, ["header not recognised"], 2)],
            "counts": [],
        },
    )

    # -- files that cannot be read ----------------------------------------------------
    c["31_empty_file"] = (
        {"2018-10-street.csv": GOOD_STREET, "empty.csv": b""},
        {
            "description": "a 0-byte CSV beside good data: named as empty; validate exits 1 and "
            "run refuses",
            "exit": 1,
            "stdout_contains": ["empty.csv"],
            "files": {
                "2018-10-street.csv": accounting("police_uk", 3, 3, 0),
                "empty.csv": accounting("unreadable", 0, 0, 0),
            },
            "problems": [problem("empty.csv", None, None, ["empty"], 0)],
            "counts": GOOD_STREET_COUNTS,
            "run": {"exit": 1, "stderr_contains": ["empty.csv"]},
        },
    )
    c["32_whitespace_only"] = (
        {"blank.csv": b"  \r\n\r\n\t\n   "},
        {
            "description": "a CSV holding only spaces, tabs and line ends: named as empty",
            "exit": 1,
            "files": {"blank.csv": accounting("unreadable", 0, 0, 0)},
            "problems": [problem("blank.csv", None, None, ["empty"], 0)],
            "counts": [],
        },
    )
    c["33_binary_named_csv"] = (
        {"crimes.csv": PNG},
        {
            "description": "a PNG image renamed .csv: named as not text",
            "exit": 1,
            "files": {"crimes.csv": accounting("unreadable", 0, 0, 0)},
            "problems": [problem("crimes.csv", None, None, [["not text", "binary"]], 0)],
            "counts": [],
        },
    )
    c["34_truncated_xlsx"] = (
        {"2018-10-street.csv": GOOD_STREET, "broken.xlsx": ASB_WORKBOOK[:1200]},
        {
            "description": "a workbook cut short (interrupted download) beside good data: named; "
            "validate exits 1 and run refuses",
            "exit": 1,
            "stdout_contains": ["broken.xlsx"],
            "files": {
                "2018-10-street.csv": accounting("police_uk", 3, 3, 0),
                "broken.xlsx": accounting("unreadable", 0, 0, 0),
            },
            "problems": [problem("broken.xlsx", None, None, ["Excel"], 0)],
            "counts": GOOD_STREET_COUNTS,
            "run": {"exit": 1, "stderr_contains": ["broken.xlsx"]},
        },
    )
    c["35_zero_byte_xlsx"] = (
        {"counts.xlsx": b""},
        {
            "description": "a 0-byte .xlsx: named as empty",
            "exit": 1,
            "files": {"counts.xlsx": accounting("unreadable", 0, 0, 0)},
            "problems": [problem("counts.xlsx", None, None, ["empty"], 0)],
            "counts": [],
        },
    )
    c["36_xlsx_title_rows"] = (
        {"ashvale_counts.xlsx": ASB_WORKBOOK},
        {
            "description": "a workbook with a title row and a blank row above the header: a bad "
            "cell is named by its Excel row",
            "exit": 0,
            "files": {"ashvale_counts.xlsx [Counts]": accounting("tidy_counts", 3, 2, 1)},
            "problems": [
                problem("ashvale_counts.xlsx [Counts]", 5, "count", ["not a number"], 1, "5")
            ],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 12, "tidy"],
                ["Ashvale", "2018/19", "Shoplifting", 7, "tidy"],
            ],
        },
    )
    c["37_next_year_template"] = (
        {
            "ashvale_2018-19.csv": text(
                TIDY_HEADER, "Ashvale,2018/19,Burglary,10", "Ashvale,2018/19,Robbery,4"
            ),
            "ashvale_2019-20_template.csv": text(TIDY_HEADER),
            "street_template.csv": text(POLICE_HEADER),
        },
        {
            "description": "next year's templates (header, no rows): read as empty, covering no "
            "period (no zeros for 2019/20)",
            "exit": 0,
            "files": {
                "ashvale_2018-19.csv": accounting("tidy_counts", 2, 2, 0),
                "ashvale_2019-20_template.csv": accounting("tidy_counts", 0, 0, 0),
                "street_template.csv": accounting("police_uk", 0, 0, 0),
            },
            "problems": [],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 10, "tidy"],
                ["Ashvale", "2018/19", "Robbery", 4, "tidy"],
            ],
            "coverage_periods": {"police_uk": [], "tidy": ["2018/19"]},
            "financial_years": {"Ashvale": ["2018/19"]},
        },
    )

    # -- CSV structure ------------------------------------------------------------------
    c["38_ragged_row"] = (
        {
            "street.csv": text(
                POLICE_HEADER,
                street("p0000001", "2018-10", "Burglary"),
                street(
                    "p0000002", "2018-10", "Shoplifting", location="On or near Smith, Jones and Co"
                ),
                street("p0000003", "2018-10", "Robbery"),
            )
        },
        {
            "description": "an unquoted comma gives one row 13 fields: that row is quarantined "
            "with its line, the others are used",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 3, 2, 1)},
            "problems": [problem("street.csv", 3, "*", ["fields"], 1, "3")],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
            ],
        },
    )
    c["39_embedded_newline"] = (
        {
            "street.csv": text(
                POLICE_HEADER,
                street(
                    "q0000001",
                    "2018-10",
                    "Burglary",
                    location='"On or near ""The Maltings""\nCourtyard"',
                ),
                street("q0000002", "2018-10", "Robbery"),
                street("q0000003", "2018-10", "Cybercrime"),
            )
        },
        {
            "description": "a quoted Location spanning two lines: one row, and later rows keep "
            "their line numbers in the file (the bad row is on line 5)",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 3, 2, 1)},
            "problems": [problem("street.csv", 5, "Crime type", ["crime type"], 1, "5")],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
            ],
            "records": [
                {"crime_id": "q0000001", "location": 'On or near "The Maltings"\nCourtyard'}
            ],
        },
    )
    c["40_semicolon_bom_crlf"] = (
        {
            "counts.csv": text(
                "area;period;category;count",
                "Ashvale;2018/19;Burglary;10",
                "Ashvale;2018/19;Shoplifting;8",
                "Ashvale;2018/19;Robbery;",
                eol="\r\n",
                bom=True,
            )
        },
        {
            "description": "a European-locale export: UTF-8 with BOM, semicolons and CRLF",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 3, 2, 1)},
            "problems": [problem("counts.csv", 4, "count", ["blank"], 1, "4")],
            "counts": [
                ["Ashvale", "2018/19", "Burglary", 10, "tidy"],
                ["Ashvale", "2018/19", "Shoplifting", 8, "tidy"],
            ],
        },
    )
    c["41_repeated_header"] = (
        {
            "street.csv": text(
                POLICE_HEADER,
                street("r0000001", "2018-10", "Burglary"),
                street("r0000002", "2018-10", "Robbery"),
                POLICE_HEADER,
                street("r0000003", "2018-11", "Burglary"),
                street("", "2018-11", ASB),
            )
        },
        {
            "description": "two months joined with `cat`: the repeated header on line 4 is "
            "accounted as a rejected line, the rows of both months are used",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 5, 4, 1)},
            "problems": [problem("street.csv", 4, "*", ["repeated header"], 1, "4")],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
                ["Ashvale", "2018-11", "Burglary", 1, "police_uk"],
                ["Ashvale", "2018-11", ASB, 1, "police_uk"],
            ],
            "coverage_periods": {"police_uk": ["2018-10", "2018-11"]},
        },
    )
    c["42_undecodable_bytes"] = (
        {
            "counts.csv": text(TIDY_HEADER, "Ashvale,2018/19,Burglary,10")
            + b"Ash\x81vale,2018/19,Robbery,4\n"
        },
        {
            "description": "a byte that is neither UTF-8 nor Windows-1252 on line 3: the file is "
            "refused naming that line",
            "exit": 1,
            "files": {"counts.csv": accounting("unreadable", 0, 0, 0)},
            "problems": [problem("counts.csv", 3, None, ["UTF-8"], 0)],
            "counts": [],
        },
    )
    c["43_utf16"] = (
        {
            "counts.csv": (
                "\ufeffarea\tperiod\tcategory\tcount\r\nAshvale\t2018/19\tBurglary\t10\r\n"
            ).encode("utf-16-le")
        },
        {
            "description": "Excel 'Unicode Text' (UTF-16 with a byte-order mark, tabs, CRLF): "
            "read as UTF-16 with the tab delimiter, and noted",
            "exit": 0,
            "stdout_contains": ["UTF-16"],
            "files": {"counts.csv": accounting("tidy_counts", 1, 1, 0, issue_contains=["UTF-16"])},
            "problems": [],
            "counts": [["Ashvale", "2018/19", "Burglary", 10, "tidy"]],
        },
    )

    c["54_mixed_encoding"] = (
        {
            "counts.csv": text(TIDY_HEADER, "Ynys Môn,2018/19,Burglary,10")
            + text("Ynys Môn,2018/19,Robbery,4", encoding="cp1252")
        },
        {
            "description": "UTF-8 lines followed by a Windows-1252 line (two extracts pasted "
            "together): decoding it all as Windows-1252 would split 'Ynys Môn' "
            "into two areas, so the file is refused naming line 3",
            "exit": 1,
            "files": {"counts.csv": accounting("unreadable", 0, 0, 0)},
            "problems": [problem("counts.csv", 3, None, ["UTF-8"], 0)],
            "counts": [],
        },
    )

    # -- missing periods ----------------------------------------------------------------
    months = [
        "2018-04",
        "2018-05",
        "2018-06",
        "2018-08",
        "2018-09",
        "2018-10",
        "2018-11",
        "2018-12",
        "2019-01",
        "2019-02",
        "2019-03",
    ]
    rows = [
        street(f"s00000{i:02d}", m, "Burglary" if m != "2018-10" else "Drugs")
        for i, m in enumerate(months)
    ]
    rows.append(street("", "2018-10", ASB))
    c["44_missing_month_police"] = (
        {"northmarsh-2018-19-street.csv": text(POLICE_HEADER, *rows)},
        {
            "description": "police.uk data for 2018/19 without July 2018: July is missing (absent "
            "from monthly counts, listed in data quality), never zero; a covered "
            "month without burglary is a true zero",
            "exit": 0,
            "files": {"northmarsh-2018-19-street.csv": accounting("police_uk", 12, 12, 0)},
            "problems": [],
            "missing_months": {"area": "Ashvale", "year": "2018/19", "months": ["2018-07"]},
            "monthly": {
                "area": "Ashvale",
                "values": [
                    ["2018-04", "Burglary", 1],
                    ["2018-10", "Burglary", 0],
                    ["2018-10", "Drugs", 1],
                    ["2018-10", ASB, 1],
                    ["2018-10", "All crime", 1],
                    ["2018-08", "All crime", 1],
                ],
            },
            "monthly_absent": {"area": "Ashvale", "months": ["2018-07"]},
            "quality_contains": {
                "area": "Ashvale",
                "year": "2018/19",
                "issues": ["missing month 2018-07"],
            },
        },
    )
    asb_rows = [
        f"Ashvale,{m},ASB,{30 + i}"
        for i, m in enumerate(
            [
                "2018-04",
                "2018-05",
                "2018-06",
                "2018-07",
                "2018-08",
                "2018-09",
                "2018-10",
                "2018-11",
                "2019-01",
                "2019-02",
                "2019-03",
            ]
        )
    ]
    c["45_missing_month_tidy"] = (
        {"asb_monthly.csv": text(TIDY_HEADER, *asb_rows)},
        {
            "description": "monthly ASB without December 2018: missing, never zero",
            "exit": 0,
            "files": {"asb_monthly.csv": accounting("tidy_counts", 11, 11, 0)},
            "problems": [],
            "missing_months": {"area": "Ashvale", "year": "2018/19", "months": ["2018-12"]},
            "monthly": {"area": "Ashvale", "values": [["2018-11", ASB, 37], ["2019-01", ASB, 38]]},
            "monthly_absent": {"area": "Ashvale", "months": ["2018-12"]},
            "quality_contains": {
                "area": "Ashvale",
                "year": "2018/19",
                "issues": ["missing month 2018-12"],
            },
        },
    )
    c["46_missing_quarter_home_office"] = (
        {
            "prc-csp.csv": text(
                HO_LONG_HEADER,
                f"2018/19,1,Northmarsh,Ashvale,{SHOP},20",
                f"2018/19,2,Northmarsh,Ashvale,{SHOP},25",
                f"2018/19,3,Northmarsh,Brindle Heath,{SHOP},9",
                f"2018/19,4,Northmarsh,Ashvale,{SHOP},22",
            )
        },
        {
            "description": "Ashvale has no quarter 3 (another CSP has): October to December are "
            "missing for Ashvale, never zero",
            "exit": 0,
            "files": {"prc-csp.csv": accounting("home_office_long", 4, 4, 0)},
            "problems": [],
            "counts": [
                ["Ashvale", "2018/19 Q1", "Shoplifting", 20, "home_office"],
                ["Ashvale", "2018/19 Q2", "Shoplifting", 25, "home_office"],
                ["Ashvale", "2018/19 Q4", "Shoplifting", 22, "home_office"],
                ["Brindle Heath", "2018/19 Q3", "Shoplifting", 9, "home_office"],
            ],
            "missing_months": {
                "area": "Ashvale",
                "year": "2018/19",
                "months": ["2018-10", "2018-11", "2018-12"],
            },
        },
    )

    # -- other layouts ----------------------------------------------------------------
    c["47_population_bad_values"] = (
        {
            "population.csv": text(
                "Area,Year,Population",
                'Ashvale,2018,"101,500"',
                "Brindle Heath,2018,n/a",
                "Ashvale,2019,-5",
                "Carrow,mid-2018,88000",
            )
        },
        {
            "description": "population '101,500' and year 'mid-2018' are read; 'n/a' and a "
            "negative population are rejected with line and column",
            "exit": 0,
            "files": {"population.csv": accounting("population", 4, 2, 2)},
            "problems": [
                problem("population.csv", 3, "Population", ["population"], 1, "3"),
                problem("population.csv", 4, "Population", ["not positive"], 1, "4"),
            ],
            "counts": [],
            "population": [["Ashvale", 2018, 101500], ["Carrow", 2018, 88000]],
        },
    )
    c["48_home_office_bad_fields"] = (
        {
            "prc-csp.csv": text(
                HO_LONG_HEADER,
                f'2018/19,1,Northmarsh,Ashvale,{SHOP},"1,234"',
                f"2018/20,1,Northmarsh,Ashvale,{SHOP},5",
                f"2018/19,5,Northmarsh,Ashvale,{SHOP},6",
                f"2018/19,2,Northmarsh,Ashvale,{SHOP},",
                f"2018/19,2,Northmarsh,,{SHOP},8",
            )
        },
        {
            "description": "Home Office rows with a bad year, quarter 5, a blank count and a "
            "blank CSP: each rejected with its line and column",
            "exit": 0,
            "files": {"prc-csp.csv": accounting("home_office_long", 5, 1, 4)},
            "problems": [
                problem("prc-csp.csv", 3, "Financial Year", ["financial year"], 1, "3"),
                problem("prc-csp.csv", 4, "Financial Quarter", ["quarter"], 1, "4"),
                problem("prc-csp.csv", 6, "CSP Name", ["CSP"], 1, "6"),
                problem("prc-csp.csv", 5, "Number of Offences", ["missing is not zero"], 1, "5"),
            ],
            "counts": [["Ashvale", "2018/19 Q1", "Shoplifting", 1234, "home_office"]],
        },
    )
    c["49_home_office_wide_bad_cell"] = (
        {
            "ashvale_wide.csv": text(
                "Force Name,CSP Name,Offence Description,Offence Group,Offence Subgroup,"
                "OffenceCode,2016/17,2017/18",
                f"Northmarsh,Ashvale,{ROB_P},12,13",
                f"Northmarsh,Ashvale,{SHOP},40,x",
            )
        },
        {
            "description": "a wide Home Office extract with a bad cell in the 2017/18 column: "
            "the problem names that column and line; only that year's value is "
            "left out (rows are lines: the line's good 2016/17 value is used, so "
            "no row is rejected), and a note says so",
            "exit": 0,
            "stdout_contains": ["left out"],
            "files": {
                "ashvale_wide.csv": accounting(
                    "home_office_wide", 2, 2, 0, issue_contains=["left out"]
                )
            },
            "problems": [problem("ashvale_wide.csv", 3, "2017/18", ["whole number"], 0, "3")],
            "counts": [
                ["Ashvale", "2016/17", "Robbery", 12, "home_office"],
                ["Ashvale", "2016/17", "Shoplifting", 40, "home_office"],
                ["Ashvale", "2017/18", "Robbery", 13, "home_office"],
            ],
        },
    )
    c["50_home_office_fraud_excluded"] = (
        {
            "prc-csp.csv": text(
                HO_LONG_HEADER,
                f"2018/19,1,Northmarsh,Ashvale,{SHOP},20",
                "2018/19,1,Northmarsh,Ashvale,Fraud by false representation,"
                "Fraud offences,Action Fraud,53A,7",
            )
        },
        {
            "description": "fraud is outside CSP figures: excluded by the mapping and reported",
            "exit": 0,
            "files": {"prc-csp.csv": accounting("home_office_long", 2, 1, 1)},
            "problems": [problem("prc-csp.csv", 3, "Offence Group", ["excluded"], 1, "3")],
            "counts": [["Ashvale", "2018/19 Q1", "Shoplifting", 20, "home_office"]],
        },
    )

    # -- the partnership's own tables ---------------------------------------------------
    c["55_survey_count_above_respondents"] = (
        {
            "survey.csv": text(
                "period,concern,respondents,count",
                "2018/19,Anti-social behaviour,100,40",
                "2018/19,Burglary,100,250",
                "2018/19,Drugs,0,0",
                "2018/19,anti-social  behaviour,100,12",
            )
        },
        {
            "description": "a survey row with 250 answers out of 100 respondents is rejected at "
            "read time naming its line and column (so are no respondents and a "
            "concern given twice in a period); the other row is used",
            "exit": 0,
            "files": {"survey.csv": accounting("survey", 4, 1, 3)},
            "problems": [
                problem(
                    "survey.csv", 4, "respondents", ["respondents must be more than 0"], 1, "4"
                ),
                problem("survey.csv", 3, "count", ["250 is more than the 100 respondents"], 1, "3"),
                problem("survey.csv", 5, "concern", ["appears twice", "first at line 2"], 1, "5"),
            ],
            "counts": [],
        },
    )
    c["56_plan_unknown_status"] = (
        {
            "plan.csv": text(
                "priority,activity,outcome,timescale,status",
                "Burglary,Target hardening,Fewer repeat burglaries,Q4,Green",
                "Burglary,Cocooning,Fewer repeat burglaries,Q2,On hold",
                "Drugs,Closure orders,Fewer drug markets,Q3,120%",
                "Drugs,,Fewer drug markets,Q3,Amber",
            )
        },
        {
            "description": "a plan status that is not a RAG rating, Complete or a percentage "
            "from 0% to 100% (and a blank activity) is rejected at read time "
            "with its line and column",
            "exit": 0,
            "files": {"plan.csv": accounting("plan", 4, 1, 3)},
            "problems": [
                problem("plan.csv", 5, "activity", ["blank activity"], 1, "5"),
                problem("plan.csv", 3, "status", ["'On hold' is not Red, Amber, Green"], 1, "3"),
                problem("plan.csv", 4, "status", ["more than 100%"], 1, "4"),
            ],
            "counts": [],
        },
    )
    c["57_risk_score_out_of_range"] = (
        {
            "risk_scores.csv": text(
                "Category,Factor,Score",
                "Burglary,Community impact,4",
                "Burglary,Harm,7",
                "Drugs,Harm,high",
                "Burglary,community  impact,2",
            )
        },
        {
            "description": "a hand-entered risk score outside 1 to 5 (or not a number, or the "
            "same category and factor twice) is rejected at read time naming the "
            "line and the column as written",
            "exit": 0,
            "files": {"risk_scores.csv": accounting("risk_scores", 4, 1, 3)},
            "problems": [
                problem("risk_scores.csv", 3, "Score", ["'7' is not a number from 1 to 5"], 1, "3"),
                problem(
                    "risk_scores.csv", 4, "Score", ["'high' is not a number from 1 to 5"], 1, "4"
                ),
                problem(
                    "risk_scores.csv", 5, "Factor", ["scored twice", "first at line 2"], 1, "5"
                ),
            ],
            "counts": [],
        },
    )
    c["58_peers_and_indicators_bad_rows"] = (
        {
            "peers.csv": text("area,peer", "Ashvale,Carrow", "Ashvale,ashvale", "Carrow,"),
            "indicators.csv": text(
                "area,indicator,value",
                "Ashvale,density,12.5",
                "Carrow,density,n/a",
                "Ashvale,density,13",
            ),
        },
        {
            "description": "an area listed as its own peer, a blank peer, an indicator that is "
            "not a number and one given twice are rejected at read time with "
            "line and column",
            "exit": 0,
            "files": {
                "indicators.csv": accounting("indicators", 3, 1, 2),
                "peers.csv": accounting("peers", 3, 1, 2),
            },
            "problems": [
                problem("indicators.csv", 3, "value", ["'n/a' is not a number"], 1, "3"),
                problem(
                    "indicators.csv", 4, "indicator", ["given twice", "first at line 2"], 1, "4"
                ),
                problem("peers.csv", 4, "peer", ["blank peer"], 1, "4"),
                problem("peers.csv", 3, "peer", ["its own peer"], 1, "3"),
            ],
            "counts": [],
        },
    )

    # -- folders ------------------------------------------------------------------------
    c["51_hidden_folder"] = (
        {"street.csv": GOOD_STREET, ".archive/street.csv": GOOD_STREET, ".hidden.csv": GOOD_STREET},
        {
            "description": "files in a hidden folder and hidden files are skipped",
            "exit": 0,
            "files": {"street.csv": accounting("police_uk", 3, 3, 0)},
            "problems": [],
            "counts": GOOD_STREET_COUNTS,
        },
    )
    c["52_folder_missing"] = (
        {},
        {
            "description": "a data folder that does not exist: usage error naming it",
            "data": "no_such_folder",
            "exit": 2,
            "stderr_contains": ["no_such_folder", "does not exist"],
        },
    )
    c["53_no_csv_files"] = (
        {"readme.txt": b"Put the police.uk downloads here.\n", "map.png": PNG},
        {
            "description": "a folder with no CSV or XLSX file: usage error naming it",
            "exit": 2,
            "stderr_contains": ["53_no_csv_files", "no CSV"],
        },
    )
    reliability_cases(c)
    more_reliability_cases(c)
    round_three_cases(c)
    return c


def reliability_cases(c: dict[str, tuple[dict[str, bytes], Case]]) -> None:
    """Issue 19 (reliability round two): coverage, duplicates, names and numbers."""
    src = "northmarsh-2018-10-street.csv"
    burglaries = [street(f"m{i:07d}", "2018-10", "Burglary") for i in range(10)]
    c["70_police_misdated_row"] = (
        {src: text(POLICE_HEADER, *burglaries, street("m9999999", "2018-09", "Robbery"))},
        {
            "description": "one mis-dated row (2018-09) in a file of 2018-10: rejected naming "
            "it, and September stays missing (never 'covered' with 1 crime and every other "
            "category 0)",
            "exit": 0,
            "files": {src: accounting("police_uk", 11, 10, 1)},
            "problems": [problem(src, 12, "Month", ["mis-dated", "2018-09"], 1, "12")],
            "counts": [["Ashvale", "2018-10", "Burglary", 10, "police_uk"]],
            "coverage_periods": {"police_uk": ["2018-10"]},
            "monthly_absent": {"area": "Ashvale", "months": ["2018-09"]},
        },
    )
    c["71_police_future_month"] = (
        {src: text(POLICE_HEADER, *burglaries[:5], street("m9999999", "2091-01", "Burglary"))},
        {
            "description": "a row dated after this month (2091-01) is refused: it never "
            "creates a financial year",
            "exit": 0,
            "files": {src: accounting("police_uk", 6, 5, 1)},
            "problems": [problem(src, 7, "Month", ["after this month"], 1, "7")],
            "counts": [["Ashvale", "2018-10", "Burglary", 5, "police_uk"]],
            "financial_years": {"Ashvale": ["2018/19"]},
        },
    )
    shops = [street(f"s{i:07d}", "2018-10", "Shoplifting") for i in range(120)]
    c["72_police_filtered_to_one_type"] = (
        {src: text(POLICE_HEADER, *shops)},
        {
            "description": "a street file of 120 rows all Shoplifting (filtered to one crime "
            "type): it covers Shoplifting only; Burglary, anti-social behaviour and All crime "
            "of the month are missing, not 0",
            "exit": 0,
            "files": {src: accounting("police_uk", 120, 120, 0, issue_contains=["filtered"])},
            "problems": [],
            "counts": [["Ashvale", "2018-10", "Shoplifting", 120, "police_uk"]],
            "monthly": {
                "area": "Ashvale",
                "values": [
                    ["2018-10", "Shoplifting", 120],
                    ["2018-10", "Burglary", None],
                    ["2018-10", ASB, None],
                    ["2018-10", "All crime", None],
                ],
            },
        },
    )
    c["73_tidy_future_period"] = (
        {
            "counts.csv": text(
                TIDY_HEADER, "Ashvale,2018/19,Burglary,10", "Ashvale,2091/92,Burglary,3"
            )
        },
        {
            "description": "a tidy row for a year starting after this month is refused",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 2, 1, 1)},
            "problems": [problem("counts.csv", 3, "period", ["after this month"], 1, "3")],
            "counts": [["Ashvale", "2018/19", "Burglary", 10, "tidy"]],
            "financial_years": {"Ashvale": ["2018/19"]},
        },
    )
    c["74_tidy_european_numbers"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                "Ashvale,2018/19,Shoplifting,2.000",
                'Ashvale,2018/19,Burglary,"2,5"',
                "Ashvale,2018/19,Robbery,2 000",
                "Ashvale,2018/19,Drugs,1.234.567",
            )
        },
        {
            "description": "'2.000' (European thousands, or a decimal?) and '2,5' (a decimal "
            "comma?) are refused as ambiguous, never read as 2 or 25; '2 000' (space "
            "thousands) is 2000",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 4, 1, 3)},
            "problems": [problem("counts.csv", 2, "count", ["ambiguous"], 3, "2, 3, 5")],
            "counts": [["Ashvale", "2018/19", "Robbery", 2000, "tidy"]],
        },
    )
    excel = [
        street(f"x{i:07d}", "2018-10-01 00:00:00", t)
        for i, t in enumerate(["Burglary", "Robbery", "Burglary"])
    ]
    c["75_police_excel_dates"] = (
        {src: text(POLICE_HEADER, *excel)},
        {
            "description": "a police.uk file re-saved by Excel (Month 2018-10-01 00:00:00): "
            "read as the month 2018-10, and the note says the column holds dates",
            "exit": 0,
            "files": {src: accounting("police_uk", 3, 3, 0, issue_contains=["holds dates"])},
            "problems": [],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 2, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
            ],
            "coverage_periods": {"police_uk": ["2018-10"]},
        },
    )
    months = [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]
    monthly = [f"Ashvale,{m},Burglary,{10 + i}" for i, m in enumerate(months)]
    total = sum(10 + i for i in range(12))
    c["76_tidy_monthly_and_yearly"] = (
        {"counts.csv": text(TIDY_HEADER, *monthly, f"Ashvale,2018/19,Burglary,{total}")},
        {
            "description": "monthly rows and the yearly row of the same figures: one figure "
            f"({total}, not {2 * total}); the yearly row is rejected naming the months",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 13, 12, 1)},
            "problems": [
                problem(
                    "counts.csv", 14, None, ["yearly figure", "monthly figures", "same total"], 1
                )
            ],
            "counts": [["Ashvale", m, "Burglary", 10 + i, "tidy"] for i, m in enumerate(months)],
        },
    )
    yearly_header = HO_LONG_HEADER.replace("Financial Quarter,", "")
    c["77_home_office_quarterly_and_yearly"] = (
        {
            "ho_a_quarterly.csv": text(
                HO_LONG_HEADER,
                *(f"2018/19,{q},{FORCE},Ashvale,{SHOP},{10 * q}" for q in range(1, 5)),
            ),
            "ho_b_yearly.csv": text(yearly_header, f"2018/19,{FORCE},Ashvale,{SHOP},100"),
        },
        {
            "description": "a quarterly and a yearly Home Office table of the same figures: "
            "one figure (100, not 200), the yearly row rejected naming the quarterly file",
            "exit": 0,
            "files": {
                "ho_a_quarterly.csv": accounting("home_office_long", 4, 4, 0),
                "ho_b_yearly.csv": accounting("home_office_long", 1, 0, 1),
            },
            "problems": [
                problem(
                    "ho_b_yearly.csv",
                    2,
                    None,
                    ["quarterly figures", "ho_a_quarterly.csv", "same total"],
                    1,
                )
            ],
            "counts": [
                ["Ashvale", f"2018/19 Q{q}", "Shoplifting", 10 * q, "home_office"]
                for q in range(1, 5)
            ],
        },
    )
    rows = [f"2018/19,1,{FORCE},Ashvale,{SHOP},10", f"2018/19,1,{FORCE},Ashvale,{ROB_P},5"]
    c["78_home_office_pasted_twice"] = (
        {"ho.csv": text(HO_LONG_HEADER, *rows, HO_LONG_HEADER, *rows)},
        {
            "description": "a Home Office table pasted twice (header and rows again): the "
            "repeated rows are rejected naming the first, never summed",
            "exit": 0,
            "files": {"ho.csv": accounting("home_office_long", 5, 2, 3)},
            "problems": [
                problem("ho.csv", 4, "*", ["repeated header"], 1, "4"),
                problem("ho.csv", 5, None, ["same row as line 2", "pasted twice"], 2, "5, 6"),
            ],
            "counts": [
                ["Ashvale", "2018/19 Q1", "Robbery", 5, "home_office"],
                ["Ashvale", "2018/19 Q1", "Shoplifting", 10, "home_office"],
            ],
        },
    )
    c["79_names_case_spacing_hyphens"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                "Southend-on-Sea,2018/19,Burglary,10",
                "SOUTHEND-ON-SEA,2018/19,Robbery,4",
                "southend-on-sea,2018/19,Robbery,4",
            ),
            "population.csv": text("area,year,population", "Southend on Sea,2018,182000"),
        },
        {
            "description": "areas differing only in case, spacing or hyphens are one area: "
            "the population of 'Southend on Sea' is that of 'Southend-on-Sea', and the same "
            "row in another case is a repeat, not a second count",
            "exit": 0,
            "files": {
                "counts.csv": accounting("tidy_counts", 3, 2, 1, issue_contains=["matched"]),
                "population.csv": accounting("population", 1, 1, 0),
            },
            "problems": [problem("counts.csv", 4, None, ["duplicate row"], 1, "4")],
            "counts": [
                ["Southend-on-Sea", "2018/19", "Burglary", 10, "tidy"],
                ["Southend-on-Sea", "2018/19", "Robbery", 4, "tidy"],
            ],
            "population": [["Southend-on-Sea", 2018, 182000]],
        },
    )
    c["80_names_unicode_forms"] = (
        {
            "counts.csv": text(
                TIDY_HEADER,
                "Ynys M\u00f4n,2018/19,Burglary,10",
                "Ynys Mo\u0302n,2018/19,Robbery,4",
            )
        },
        {
            "description": "'Ynys Môn' with a composed and with a decomposed ô (Unicode NFC "
            "and NFD) is one area",
            "exit": 0,
            "files": {"counts.csv": accounting("tidy_counts", 2, 2, 0)},
            "problems": [],
            "counts": [
                ["Ynys M\u00f4n", "2018/19", "Burglary", 10, "tidy"],
                ["Ynys M\u00f4n", "2018/19", "Robbery", 4, "tidy"],
            ],
        },
    )
    c["81_tidy_no_count_column"] = (
        {
            "recorded_crime.csv": text(
                "area,period,category,force", "Ashvale,2018/19,Burglary,Northmarsh Police"
            )
        },
        {
            "description": "a tidy extract without its count column is not taken for a "
            "lookup: the file is named with what it lacks, and a run refuses saying so",
            "exit": 0,
            "files": {"recorded_crime.csv": accounting("tidy_counts", 1, 0, 1)},
            "problems": [
                problem(
                    "recorded_crime.csv",
                    2,
                    None,
                    ["no count column (header: area, period, category, force)"],
                    1,
                    "2",
                )
            ],
            "counts": [],
            "run": {
                "exit": 1,
                "stderr_contains": [
                    "recorded_crime.csv: no count column (header: area, period, category, force)"
                ],
            },
        },
    )


def more_reliability_cases(c: dict[str, tuple[dict[str, bytes], Case]]) -> None:
    """Issue 19: what a workbook's cells hide (merged cells, formulas never calculated)."""
    book = xlsx(
        "Counts",
        [
            ["area", "period", "category", "count"],
            ["Ashvale", "2018/19", "Burglary", 5],
            ["", "2018/19", "Robbery", 3],
            ["Ashvale", "2018/19", "Shoplifting", ("=", "D2*2")],
        ],
        merged=["A2:A3"],
    )
    c["82_xlsx_merged_cells_and_formulas"] = (
        {"counts.xlsx": book},
        {
            "description": "a workbook with the area merged over two rows and a formula "
            "written without its value: the rows are rejected (blank) and the file's notes "
            "name the merged range and the formula",
            "exit": 0,
            "files": {
                "counts.xlsx [Counts]": accounting(
                    "tidy_counts",
                    3,
                    1,
                    2,
                    issue_contains=["merged cells A2:A3", "formulas without a saved value in D4"],
                )
            },
            "problems": [
                problem("counts.xlsx [Counts]", 3, "area", ["area is blank"], 1, "3"),
                problem("counts.xlsx [Counts]", 4, "count", ["count is blank"], 1, "4"),
            ],
            "counts": [["Ashvale", "2018/19", "Burglary", 5, "tidy"]],
        },
    )


HO_WIDE_HEADER = (
    "Force Name,CSP Name,Offence Description,Offence Group,Offence Subgroup,Offence Code,"
    "2017/18,2018/19"
)


def round_three_cases(c: dict[str, tuple[dict[str, bytes], Case]]) -> None:
    """Issue 19, what the second round left: a wide table pasted twice, Home Office years
    after today."""
    wide = [f"{FORCE},Ashvale,{SHOP},40,44", f"{FORCE},Ashvale,{ROB_P},12,13"]
    c["90_home_office_wide_pasted_twice"] = (
        {"wide.csv": text(HO_WIDE_HEADER, *wide, HO_WIDE_HEADER, *wide)},
        {
            "description": "a wide Home Office table pasted twice (header and rows again): "
            "the repeated lines are rejected naming the first, never summed",
            "exit": 0,
            "files": {"wide.csv": accounting("home_office_wide", 5, 2, 3)},
            "problems": [
                problem("wide.csv", 4, "*", ["repeated header"], 1, "4"),
                problem("wide.csv", 5, None, ["same row as line 2", "pasted twice"], 2, "5, 6"),
            ],
            "counts": [
                ["Ashvale", "2017/18", "Robbery", 12, "home_office"],
                ["Ashvale", "2017/18", "Shoplifting", 40, "home_office"],
                ["Ashvale", "2018/19", "Robbery", 13, "home_office"],
                ["Ashvale", "2018/19", "Shoplifting", 44, "home_office"],
            ],
        },
    )
    c["91_home_office_future_year"] = (
        {
            "ho.csv": text(
                HO_LONG_HEADER,
                f"2018/19,1,{FORCE},Ashvale,{SHOP},10",
                f"2091/92,1,{FORCE},Ashvale,{SHOP},7",
            ),
            "wide.csv": text(
                HO_WIDE_HEADER.replace("2017/18", "2091/92"), f"{FORCE},Brindle Heath,{SHOP},9,3"
            ),
        },
        {
            "description": "Home Office figures for a year starting after this month (a long "
            "row of 2091/92, a wide column 2091/92) are refused: they never create a year",
            "exit": 0,
            "files": {
                "ho.csv": accounting("home_office_long", 2, 1, 1),
                "wide.csv": accounting("home_office_wide", 1, 1, 0),
            },
            "problems": [
                problem("ho.csv", 3, "Financial Year", ["after this month"], 1, "3"),
                problem("wide.csv", 2, "2091/92", ["after this month"], 0, "2"),
            ],
            "counts": [
                ["Ashvale", "2018/19 Q1", "Shoplifting", 10, "home_office"],
                ["Brindle Heath", "2018/19", "Shoplifting", 3, "home_office"],
            ],
            "financial_years": {"Ashvale": ["2018/19"], "Brindle Heath": ["2018/19"]},
        },
    )
    uk = [
        street(f"u{i:07d}", "01/10/2018", t)
        for i, t in enumerate(["Burglary", "Robbery", "Burglary"])
    ]
    src = "northmarsh-2018-10-street.csv"
    c["92_police_uk_day_first_dates"] = (
        {src: text(POLICE_HEADER, *uk, street("u9999999", "Oct-18", "Burglary"))},
        {
            "description": "a police.uk file re-saved by Excel in a UK locale (Month "
            "01/10/2018): read as 2018-10 with a note; a month Excel shows as 'Oct-18' is "
            "refused naming the value",
            "exit": 0,
            "files": {src: accounting("police_uk", 4, 3, 1, issue_contains=["day first"])},
            "problems": [problem(src, 5, "Month", ["not YYYY-MM", "'Oct-18'"], 1, "5")],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 2, "police_uk"],
                ["Ashvale", "2018-10", "Robbery", 1, "police_uk"],
            ],
            "coverage_periods": {"police_uk": ["2018-10"]},
        },
    )
    half = [street(f"h{i:07d}", "2018-10", "Burglary") for i in range(8)]
    c["93_police_month_split_in_two_files"] = (
        {
            "northmarsh-2018-10-part1.csv": text(
                POLICE_HEADER, *half[:4], street("", "2018-10", ASB)
            ),
            "northmarsh-2018-10-part2.csv": text(
                POLICE_HEADER, *half[4:], street("", "2018-10", ASB)
            ),
        },
        {
            "description": "one police.uk month split into two files (no Crime ID in both): "
            "both used, never refused as a copy",
            "exit": 0,
            "files": {
                "northmarsh-2018-10-part1.csv": accounting("police_uk", 5, 5, 0),
                "northmarsh-2018-10-part2.csv": accounting("police_uk", 5, 5, 0),
            },
            "problems": [],
            "counts": [
                ["Ashvale", "2018-10", "Burglary", 8, "police_uk"],
                ["Ashvale", "2018-10", ASB, 2, "police_uk"],
            ],
        },
    )


def build() -> dict[str, bytes]:
    """Every file of the corpus, ``relative path -> bytes`` (``case.json`` included)."""
    out: dict[str, bytes] = {}
    for name, (files, expect) in cases().items():
        for rel, data in files.items():
            out[f"{name}/data/{rel}"] = data
        body = json.dumps(expect, indent=1, ensure_ascii=False) + "\n"
        out[f"{name}/case.json"] = body.encode("utf-8")
    return out


def main(root: Path = HERE) -> int:
    """Write the corpus below ``root``."""
    for rel, data in build().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(cases())} cases to {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
