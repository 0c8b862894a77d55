"""The baseline: what an analyst would write in plain pandas to count a police.uk download.

Reads every ``*.csv`` below the folder with ``pandas.read_csv`` (all columns, default
settings), takes the partnership area from the LSOA name (``"Thurrock 016B"`` -> ``"Thurrock"``),
and counts rows by area, month and crime type. No validation, no row accounting, no cache.
It prints the number of groups and the seconds taken; ``run_benchmarks.py`` compares csp-assess
with it.

Examples
--------
``python benchmarks/baseline_pandas.py /tmp/national``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd


def count(folder: Path) -> pd.Series:
    """Crimes and ASB incidents by area, month and crime type.

    Parameters
    ----------
    folder : Path
        A police.uk download (``YYYY-MM/YYYY-MM-<force>-street.csv``).

    Returns
    -------
    pandas.Series
        Counts indexed by (area, Month, Crime type).
    """
    files = sorted(folder.rglob("*.csv"))
    df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    df["area"] = df["LSOA name"].str.replace(r"\s+\d{3}[A-Z]$", "", regex=True)
    return df.groupby(["area", "Month", "Crime type"]).size()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    p = argparse.ArgumentParser(description="plain-pandas baseline: read, area, group-count")
    p.add_argument("folder", type=Path, help="police.uk download folder")
    args = p.parse_args(argv)
    started = time.perf_counter()
    counts = count(args.folder)
    seconds = time.perf_counter() - started
    print(f"{len(counts):,} groups, {int(counts.sum()):,} rows with an area; {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
