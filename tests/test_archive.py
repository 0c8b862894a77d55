"""Archive-wide questions: DuckDB over the cache's records gives the dataset's own counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.exceptions import UsageError
from csp_analysis.model import archive, load
from csp_analysis.paths import demo_dir

duckdb = pytest.importorskip(
    "duckdb", reason="DuckDB is an optional dependency: pip install 'csp-assess[archive]'"
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", str(root))
    return root


def _police(ds, category: str) -> pd.DataFrame:
    c = ds.counts
    c = c[(c["source"] == "police_uk") & (c["category"] == category)]
    return (
        c.groupby(["area", "force", "period"])["count"]
        .sum()
        .reset_index()
        .rename(columns={"period": "month"})
        .astype({"area": "string", "force": "string", "month": "string", "count": "int64"})
        .sort_values(["area", "month", "force"])
        .reset_index(drop=True)
    )


def test_burglary_everywhere_equals_the_datasets_counts(cache: Path) -> None:
    ds = load(demo_dir())
    got = archive.archive_counts("Burglary")
    assert set(got["category"]) == {"Burglary"}
    pd.testing.assert_frame_equal(
        got.drop(columns="category").reset_index(drop=True), _police(ds, "Burglary")
    )
    since = archive.archive_counts(["Burglary"], since="2023-01")
    assert len(since) and (since["month"] >= "2023-01").all()
    assert int(since["count"].sum()) == int(got.loc[got["month"] >= "2023-01", "count"].sum())


def test_a_force_month_stored_twice_is_counted_once(cache: Path, tmp_path: Path) -> None:
    first = sorted((demo_dir() / "police_uk").rglob("*-street.csv"))[0]
    old, new = tmp_path / "old", tmp_path / "new"
    for d in (old, new):
        d.mkdir()
    shutil.copy(first, old / first.name)
    load(old)
    raw = first.read_bytes()  # a re-issued download of the same month: one row fewer
    (new / first.name).write_bytes(raw[: raw.rstrip(b"\n").rfind(b"\n") + 1])
    latest = load(new)
    assert len(archive.record_files()) == 2
    total = int(archive.archive_counts()["count"].sum())
    assert total == int(latest.counts.query("source == 'police_uk'")["count"].sum())


def test_no_cache_gives_an_empty_table_and_a_bad_month_is_refused(tmp_path: Path) -> None:
    empty = archive.archive_counts("Burglary", cache=tmp_path / "none")
    assert empty.columns.tolist() == archive.COLUMNS and not len(empty)
    with pytest.raises(UsageError, match="YYYY-MM"):
        archive.archive_counts(since="2011")


def test_by_year_sums_the_months_and_counts_them(cache: Path) -> None:
    load(demo_dir())
    monthly = archive.archive_counts("Burglary")
    yearly = archive.archive_counts("Burglary", by="year")
    assert int(yearly["count"].sum()) == int(monthly["count"].sum())
    one = yearly.iloc[0]
    months = monthly[
        (monthly["force"] == one["force"]) & monthly["month"].str.startswith(one["year"])
    ]
    assert int(one["months"]) == months["month"].nunique()
