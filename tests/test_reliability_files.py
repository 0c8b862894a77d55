"""Reliability of reading files and folders and of the cache (issue 19, groups 2, 9 and 10).

Each test builds an adversarial folder from small synthetic files (or the real shared files
where the case needs real volume) and checks the outcome against a count made independently
with the csv module, or the exact refusal or warning promised in docs/troubleshooting.md.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
POLICE_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)


def _tidy_workbook(path: Path, area: str, n: int) -> None:
    """A tidy-count workbook with one row (area, 2019-04, Burglary, n)."""
    pd.DataFrame(
        {"area": [area], "period": ["2019-04"], "category": ["Burglary"], "count": [n]}
    ).to_excel(path, index=False)


# ---------------------------------------------------------------- group 2: workbooks


def test_several_workbooks_read_in_a_fresh_process_are_all_readable(tmp_path: Path) -> None:
    """Reader threads importing openpyxl at once made one valid workbook 'broken'."""
    data = tmp_path / "data"
    data.mkdir()
    for i in range(6):
        _tidy_workbook(data / f"book{i}.xlsx", f"Area {i}", i + 1)
    code = (
        "import sys; from csp_analysis.model import load; "
        "ds = load(sys.argv[1], cache=False); "
        "print(sorted(ds.files['layout']))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CSP_ASSESS_CACHE_DIR": "off"}
    for _ in range(3):  # each run a fresh interpreter: openpyxl not yet imported
        done = subprocess.run(
            [sys.executable, "-c", code, str(data)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=300,
        )
        assert "unreadable" not in done.stdout, done.stdout
        assert done.stdout.count("tidy") == 6, done.stdout
