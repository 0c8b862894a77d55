"""The floor for reading: a bare pyarrow read of the police.uk columns csp-assess uses.

``pyarrow.csv.read_csv`` of every ``*.csv`` below the folder, keeping only the ten columns the
police.uk reader needs, then one ``concat_tables``. Default pyarrow settings otherwise (type
inference, multi-threaded parsing). No validation, no areas, no counts: nothing can read the
same bytes much faster, so ``csp-assess validate`` is held to a small multiple of it.

Examples
--------
``python benchmarks/bare_pyarrow.py /tmp/national``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

#: The police.uk columns csp-assess reads (Last outcome category and Context are not used).
COLUMNS = [
    "Month",
    "Falls within",
    "Reported by",
    "Crime ID",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
]


def read_all(folder: Path) -> pa.Table:
    """One table of the used columns of every police.uk file below ``folder``.

    Parameters
    ----------
    folder : Path
        A police.uk download.

    Returns
    -------
    pyarrow.Table
    """
    convert = pacsv.ConvertOptions(include_columns=COLUMNS)
    tables = [pacsv.read_csv(f, convert_options=convert) for f in sorted(folder.rglob("*.csv"))]
    return pa.concat_tables(tables)


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
    p = argparse.ArgumentParser(description="bare pyarrow read of the used police.uk columns")
    p.add_argument("folder", type=Path, help="police.uk download folder")
    args = p.parse_args(argv)
    started = time.perf_counter()
    table = read_all(args.folder)
    seconds = time.perf_counter() - started
    print(f"{table.num_rows:,} rows, {table.nbytes / 1e6:,.0f} MB in Arrow; {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
