"""Shared test fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test session reads and fills its own Parquet cache, never the user's."""
    os.environ["CSP_ASSESS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_path(relpath: str) -> Path:
    """Path of a file or folder under ``../shared/data``; skip the test when it is absent."""
    path = SHARED_DATA / relpath
    if not path.exists():
        pytest.skip(f"shared data {path} is absent (a fresh clone without ../shared/data)")
    return path


@pytest.fixture(scope="session")
def shared_file() -> Callable[[str], Path]:
    """``shared_file("police_uk")``: a path under ``../shared/data``, or skip naming it."""
    return shared_path
