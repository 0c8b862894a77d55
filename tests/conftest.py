"""Shared test fixtures (the private cache folder, hypothesis profiles and tiers are set for
tests and doctests alike in the root ``conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.assessment import Assessment, assess
from csp_analysis.model import Dataset, load

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_path(relpath: str) -> Path:
    """Path of a file or folder under ``../shared/data``; skip the test when it is absent."""
    path = SHARED_DATA / relpath
    if not path.exists():
        pytest.skip(f"shared data {path} is absent (a fresh clone without ../shared/data)")
    return path


def xlsx_table(path: Path, sheet: str) -> pd.DataFrame:
    """The table of one sheet of ``tables.xlsx`` (its Excel table object), as text cells."""
    import openpyxl

    ws = openpyxl.load_workbook(path)[sheet]
    (table,) = ws.tables.values()
    rows = [[c.value for c in row] for row in ws[table.ref]]
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


@pytest.fixture(scope="session")
def shared_file() -> Callable[[str], Path]:
    """``shared_file("police_uk")``: a path under ``../shared/data``, or skip naming it."""
    return shared_path


@pytest.fixture(scope="session")
def demo_dataset() -> Dataset:
    """The synthetic demo dataset (``load()``), read once per session (per xdist worker).

    Shared by every test that only reads it: a test that changes a dataset loads its own.
    """
    return load()


@pytest.fixture(scope="session")
def demo_assessment(demo_dataset: Dataset) -> Assessment:
    """``assess()`` of the demo dataset (Elderbrook, its latest complete year), computed once
    per session (per xdist worker): read it, never change it."""
    return assess(demo_dataset)
