"""Write a realistic Home Office "police recorded crime open data tables by CSP" ``.ods``.

The published file is an OpenDocument spreadsheet of tens of MB: a notes sheet, then one sheet
per financial year in the long layout (``Financial Year, Financial Quarter, Police Force, CSP
Name, Offence Description, Offence Group, Offence Subgroup, Offence Code, Offence Count``),
one row per quarter x partnership x offence code, cells marked up as LibreOffice writes them
(``office:value-type`` and ``calcext:value-type`` on every cell, numbers as floats with their
text). This script streams the XML into the zip (seconds, little memory) instead of building
it with odfpy (hours at this size). Names and counts are synthetic; the layout is the
published one. Write it outside the repository: it is never committed.

Examples
--------
``python benchmarks/generate_home_office_ods.py --out /tmp/prc_csp.ods`` (about 50 MB) then
``python benchmarks/generate_home_office_ods.py --time /tmp/prc_csp.ods`` to time reading it.
"""

from __future__ import annotations

import argparse
import os
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

HEADER = [
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
#: (group, subgroup) of police recorded crime, as in the tables (fraud is not in them).
SUBGROUPS = [
    ("Violence against the person", "Homicide"),
    ("Violence against the person", "Death or serious injury caused by illegal driving"),
    ("Violence against the person", "Violence with injury"),
    ("Violence against the person", "Violence without injury"),
    ("Violence against the person", "Stalking and harassment"),
    ("Sexual offences", "Rape"),
    ("Sexual offences", "Other sexual offences"),
    ("Robbery", "Robbery of business property"),
    ("Robbery", "Robbery of personal property"),
    ("Theft offences", "Residential burglary"),
    ("Theft offences", "Non-residential burglary"),
    ("Theft offences", "Vehicle offences"),
    ("Theft offences", "Theft from the person"),
    ("Theft offences", "Bicycle theft"),
    ("Theft offences", "Shoplifting"),
    ("Theft offences", "All other theft offences"),
    ("Criminal damage and arson", "Criminal damage"),
    ("Criminal damage and arson", "Arson"),
    ("Drug offences", "Trafficking of drugs"),
    ("Drug offences", "Possession of drugs"),
    ("Possession of weapons offences", "Possession of weapons offences"),
    ("Public order offences", "Public order offences"),
    ("Miscellaneous crimes against society", "Miscellaneous crimes against society"),
]
CODES_PER_SUBGROUP = 5  # about 115 offence codes, as in the published tables
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type=\
"application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
CONTENT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'office:version="1.2"><office:body><office:spreadsheet>'
)
CONTENT_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def _text(value: str) -> str:
    v = escape(value)
    return (
        '<table:table-cell office:value-type="string" calcext:value-type="string">'
        f"<text:p>{v}</text:p></table:table-cell>"
    )


def _number(value: int) -> str:
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}" '
        f'calcext:value-type="float"><text:p>{value}</text:p></table:table-cell>'
    )


def _row(cells: list[str]) -> str:
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def generate(out: Path, years: int = 17, csps: int = 330, seed: int = 2024) -> int:
    """Write the spreadsheet; return its number of data rows.

    Parameters
    ----------
    out : Path
        The ``.ods`` file to write.
    years : int
        Financial years (sheets), ending 2023/24 (17: from 2007/08, about 50 MB).
    csps : int
        Partnerships (about 300 in England and Wales).
    seed : int
        Seed of the synthetic counts.

    Returns
    -------
    int
        Data rows written (every sheet).
    """
    rng = np.random.default_rng(seed)
    forces = [f"Force {i:02d}" for i in range(1, 44)]
    areas = [(forces[i % len(forces)], f"Partnership {i:03d}") for i in range(csps)]
    offences = [
        (f"{sub} ({k + 1})", grp, sub, f"{10 + i}{'ABCDE'[k]}")
        for i, (grp, sub) in enumerate(SUBGROUPS)
        for k in range(CODES_PER_SUBGROUP)
    ]
    static = {
        (force, csp, desc, grp, sub, code): "".join(
            _text(x) for x in (force, csp, desc, grp, sub, code)
        )
        for force, csp in areas
        for desc, grp, sub, code in offences
    }
    rows = 0
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("content.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            fh.write(CONTENT_HEAD.encode())
            notes = [
                "Police recorded crime open data tables by CSP (synthetic)",
                "Fraud offences are not included in CSP level data",
            ]
            fh.write(b'<table:table table:name="Notes">')
            for n in notes:
                fh.write(_row([_text(n)]).encode())
            fh.write(b"</table:table>")
            for y in range(2024 - years, 2024):
                fy = f"{y}/{(y + 1) % 100:02d}"
                fh.write(f'<table:table table:name="{y}-{(y + 1) % 100:02d}">'.encode())
                fh.write(_row([_text(h) for h in HEADER]).encode())
                fy_cell = _text(fy)
                for q in range(1, 5):
                    q_cell = _number(q)
                    counts = rng.negative_binomial(1, 0.08, size=len(static))
                    parts = [
                        _row_str(fy_cell, q_cell, cells, int(n))
                        for cells, n in zip(static.values(), counts, strict=True)
                    ]
                    fh.write("".join(parts).encode())
                    rows += len(parts)
                fh.write(b"</table:table>")
            fh.write(CONTENT_TAIL.encode())
    return rows


def _row_str(fy_cell: str, q_cell: str, cells: str, n: int) -> str:
    return f"<table:table-row>{fy_cell}{q_cell}{cells}{_number(n)}</table:table-row>"


def time_read(path: Path) -> None:
    """Print the read time of the spreadsheet (wall and CPU seconds, with the load average):
    pandas with the calamine engine alone, then csp-assess (no cache)."""
    import pandas as pd

    from csp_analysis.model import load

    before = os.getloadavg()
    w0, c0 = time.perf_counter(), time.process_time()
    sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="calamine")
    w1, c1 = time.perf_counter(), time.process_time()
    rows = sum(len(s) - 1 for name, s in sheets.items() if name != "Notes")
    del sheets
    os.environ["CSP_ASSESS_CACHE_DIR"] = "off"
    w2, c2 = time.perf_counter(), time.process_time()
    ds = load(path)
    w3, c3 = time.perf_counter(), time.process_time()
    print(f"file: {path.stat().st_size / 1e6:.1f} MB, {rows:,} data rows", flush=True)
    print(
        f"pandas read_excel(engine='calamine'), every sheet: {w1 - w0:.1f} s wall, "
        f"{c1 - c0:.1f} s CPU"
    )
    print(
        f"csp_analysis.load (no cache): {w3 - w2:.1f} s wall, {c3 - c2:.1f} s CPU; "
        f"{int(ds.files['rows_read'].sum()):,} rows read, "
        f"{int(ds.files['rows_used'].sum()):,} used, {int(ds.counts['count'].sum()):,} crimes"
    )
    print(f"load average (1, 5, 15 min) before: {before}, after: {os.getloadavg()}")


def main() -> None:
    """Command line: ``--out FILE`` writes the spreadsheet, ``--time FILE`` times reading it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--time", type=Path)
    parser.add_argument("--years", type=int, default=17)
    parser.add_argument("--csps", type=int, default=330)
    args = parser.parse_args()
    if args.out:
        t0 = time.perf_counter()
        rows = generate(args.out, years=args.years, csps=args.csps)
        print(
            f"{args.out}: {rows:,} rows, {args.out.stat().st_size / 1e6:.1f} MB "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    if args.time:
        time_read(args.time)


if __name__ == "__main__":
    main()
