"""SYNTHETIC demo partner data: ``partner_data.csv`` for the fictional demo partnership.

Every row is fictional and says so in its ``note`` and ``source`` cells. The counts are typed in
or computed from typed-in numbers (no random draws), so the file is byte-for-byte the same on
every run and machine. Periods mix the three granularities partner data comes in:

- deliberate fires (fire and rescue service), by month, 2022-04 to 2026-03, a spring peak and a
  clear rise in 2025/26;
- British Transport Police crimes, by quarter, 2022/23 Q1 to 2025/26 Q4, flat;
- first-time entrants to the youth justice system, by financial year, 2021/22 to 2025/26,
  falling every year;
- violence-related hospital admissions, by financial year, 2021/22 to 2025/26;
- proven re-offences, by financial year, 2022/23 to 2025/26 (four years).
"""

from __future__ import annotations

import csv
from pathlib import Path

from csp_analysis.defaults import DEMO_AREA

PARTNER_FILE = "partner_data.csv"
HEADER = ("area", "period", "measure", "count", "source", "partner", "unit", "note")
NOTE = f"Synthetic demo data: fictional {DEMO_AREA} partnership"
SOURCE = "Synthetic demo data (fictional partner)"

#: Deliberate fires in an average month, April to March, and each year's level.
FIRES_BY_MONTH = (34, 31, 26, 22, 20, 18, 19, 17, 15, 16, 21, 30)
FIRES_LEVEL = {2022: 1.00, 2023: 0.96, 2024: 1.00, 2025: 1.30}
#: British Transport Police crimes by quarter (Q1 to Q4) of each financial year.
BTP = {
    2022: (41, 44, 39, 36),
    2023: (43, 40, 42, 35),
    2024: (40, 45, 38, 37),
    2025: (44, 41, 40, 38),
}
#: Financial-year measures: (measure, partner, unit, {start year: count}).
YEARLY = (
    (
        "First-time entrants to the youth justice system",
        "Youth justice service",
        "young people",
        {2021: 61, 2022: 55, 2023: 50, 2024: 44, 2025: 39},
    ),
    (
        "Violence-related hospital admissions",
        "Health",
        "admissions",
        {2021: 118, 2022: 124, 2023: 109, 2024: 121, 2025: 115},
    ),
    (
        "Proven re-offences",
        "Probation service",
        "re-offences",
        {2022: 402, 2023: 389, 2024: 371, 2025: 366},
    ),
)


def _fy(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def partner_rows() -> list[tuple[object, ...]]:
    """Rows of the synthetic ``partner_data.csv``, in file order.

    Returns
    -------
    list of tuple
        One row per :data:`HEADER`.

    Examples
    --------
    >>> partner_rows()[0][:4]
    ('Elderbrook', '2022-04', 'Deliberate fires', 34)
    """
    rows: list[tuple[object, ...]] = []
    for start, level in FIRES_LEVEL.items():
        for i, base in enumerate(FIRES_BY_MONTH):
            year, month = (start, 4 + i) if i < 9 else (start + 1, i - 8)
            rows.append(
                (
                    DEMO_AREA,
                    f"{year}-{month:02d}",
                    "Deliberate fires",
                    round(base * level),
                    SOURCE,
                    "Fire and rescue service",
                    "incidents",
                    NOTE,
                )
            )
    for start, quarters in BTP.items():
        for q, count in enumerate(quarters, 1):
            rows.append(
                (
                    DEMO_AREA,
                    f"{_fy(start)} Q{q}",
                    "Crimes on the railway",
                    count,
                    SOURCE,
                    "British Transport Police",
                    "crimes",
                    NOTE,
                )
            )
    for measure, partner, unit, counts in YEARLY:
        for start, count in counts.items():
            rows.append((DEMO_AREA, _fy(start), measure, count, SOURCE, partner, unit, NOTE))
    return rows


def write_demo_partners(out_dir: str | Path) -> Path:
    """Write the synthetic ``partner_data.csv`` into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Destination folder (created if needed); a file of the same name is overwritten.

    Returns
    -------
    Path
        The file written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / PARTNER_FILE
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(partner_rows())
    return path
