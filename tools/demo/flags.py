"""SYNTHETIC demo flags: ``flags.csv`` (domestic abuse and hate crime flagged crimes) and the
``categories.csv`` that declares them flags, for the fictional demo partnership.

Flags are counts that overlap the crime categories (a flagged assault is also violence), so
the report shows them beside All crime and never adds them into it; the risk matrix ranks them
with the categories and themes. Each month's flagged counts are drawn from that month's
synthetic crimes in the demo area (binomial, fixed seed): about 16% flagged domestic abuse and
1.5% hate crime, plausible shares, all invented.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

FLAGS_FILE = "flags.csv"
CATEGORIES_FILE = "categories.csv"
HEADER = ("area", "force", "period", "category", "count", "note")
#: Flag label and the share of a month's crimes flagged.
SHARES = (("Domestic abuse flagged", 0.16), ("Hate crime flagged", 0.015))
CATEGORIES = (
    ("category", "kind", "order", "parent", "description"),
    (
        "Domestic abuse flagged",
        "flag",
        "1",
        "",
        "Synthetic demo data: crimes flagged as domestic abuse",
    ),
    ("Hate crime flagged", "flag", "2", "", "Synthetic demo data: crimes flagged as hate crime"),
)


def flag_rows(
    monthly: dict[str, list[list[str]]], area: str, force: str, note: str, rng: np.random.Generator
) -> list[list[str]]:
    """Rows of the synthetic ``flags.csv``: two flags a month, by month.

    Parameters
    ----------
    monthly : dict
        Month -> the demo's police.uk street rows of that month (12 fields each).
    area, force, note : str
        The demo area, its force and the synthetic-data note.
    rng : numpy.random.Generator
        The flags stream.

    Returns
    -------
    list of list of str
        ``area, force, period, category, count, note`` sorted by month then flag.
    """
    rows = []
    for month in sorted(monthly):
        crimes = sum(
            1
            for r in monthly[month]
            if r[8].startswith(area + " ") and r[9] != "Anti-social behaviour"
        )
        for label, share in SHARES:
            rows.append([area, force, month, label, str(int(rng.binomial(crimes, share))), note])
    return rows


def _write(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def write_demo_flags(
    out_dir: str | Path,
    monthly: dict[str, list[list[str]]],
    area: str,
    force: str,
    note: str,
    rng: np.random.Generator,
) -> list[Path]:
    """Write ``flags.csv`` and ``categories.csv`` into ``out_dir``.

    Returns
    -------
    list of Path
        The two files written.
    """
    out = Path(out_dir)
    flags = _write(out / FLAGS_FILE, [HEADER, *flag_rows(monthly, area, force, note, rng)])
    return [flags, _write(out / CATEGORIES_FILE, CATEGORIES)]
