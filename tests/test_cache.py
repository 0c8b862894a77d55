"""The content-keyed Parquet cache and the pyarrow fast path give exactly what parsing gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import csp_analysis.ingest.folder as folder
from csp_analysis.categories import load_category_map
from csp_analysis.ingest import FileResult, read_table
from csp_analysis.ingest.base import decode, read_csv_text
from csp_analysis.ingest.cache import FileCache, cache_dir, default_cache_dir
from csp_analysis.ingest.fast import read_police_uk_fast
from csp_analysis.model import Dataset, load
from csp_analysis.paths import demo_dir
from tests.conftest import shared_path


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Same values whatever the storage: categoricals and strings compared as text."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype) or out[c].dtype == object:
            out[c] = out[c].astype("string")
    return out.reset_index(drop=True)


def _same(a: Dataset, b: Dataset) -> None:
    for name in (
        "counts",
        "coverage",
        "population",
        "small_area_population",
        "lookup",
        "files",
        "problems",
        "records",
    ):
        pd.testing.assert_frame_equal(
            _as_text(getattr(a, name)), _as_text(getattr(b, name)), check_dtype=False, obj=name
        )
    assert sorted(a.tables) == sorted(b.tables)
    for k in a.tables:
        pd.testing.assert_frame_equal(
            _as_text(a.tables[k]), _as_text(b.tables[k]), check_dtype=False, obj=k
        )


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", str(root))
    return root


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was parsed although the cache holds it")

    monkeypatch.setattr(folder, "parse_bytes", refuse)


def test_cold_and_warm_runs_equal_an_uncached_read_of_the_demo(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = load(cache=False)
    cold = load()
    assert any(cache.rglob("results.json"))
    _same(plain, cold)
    _no_parsing(monkeypatch)
    warm = load()
    _same(plain, warm)
    assert warm.synthetic and warm.areas == plain.areas


def test_real_police_uk_files_through_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = shared_path("police_uk/original_header")
    plain = load(folder, cache=False)
    _same(plain, load(folder))
    _no_parsing(monkeypatch)
    _same(plain, load(folder))


def test_an_edited_file_is_read_again_and_a_copied_one_is_not(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    f = data / "counts.csv"
    f.write_text("area,period,category,count\nX,2024-04,Burglary,5\n")
    assert int(load(data).counts["count"].sum()) == 5
    f.write_text("area,period,category,count\nX,2024-04,Burglary,7\n")
    assert int(load(data).counts["count"].sum()) == 7  # same name, new content: parsed again
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy2(f, other / "renamed.csv")
    _no_parsing(monkeypatch)
    ds = load(other)  # same content under another name: from the cache, with the new name
    assert int(ds.counts["count"].sum()) == 7
    assert ds.files["source"].tolist() == ["renamed.csv"]


def test_a_different_category_mapping_does_not_reuse_results(tmp_path: Path) -> None:
    cmap = load_category_map()
    changed = load_category_map()
    changed.mapping[("tidy", "category", "new label")] = "Burglary"
    assert FileCache(tmp_path, cmap).entries != FileCache(tmp_path, changed).entries


def test_cache_folder_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", "off")
    assert cache_dir() is None
    monkeypatch.delenv("CSP_ASSESS_CACHE_DIR")
    assert cache_dir() == default_cache_dir()
    assert default_cache_dir().name == "csp-assess"


def _exact(raw: bytes, name: str) -> pd.DataFrame:
    return read_csv_text(decode(raw, name)[0], name)


def _both_paths(raw: bytes, name: str) -> tuple[FileResult, FileResult]:
    cmap = load_category_map()
    fast = read_police_uk_fast(raw)
    assert fast is not None, f"{name}: expected the fast path to take this clean file"
    return (read_table(fast, name, cmap, None), read_table(_exact(raw, name), name, cmap, None))


def _assert_same_result(a: FileResult, b: FileResult) -> None:
    assert (a.rows_read, a.rows_used, a.rows_rejected) == (
        b.rows_read,
        b.rows_used,
        b.rows_rejected,
    )
    assert [vars(p) for p in a.problems] == [vars(p) for p in b.problems]
    for name in ("counts", "coverage", "records"):
        pd.testing.assert_frame_equal(
            _as_text(getattr(a, name)), _as_text(getattr(b, name)), check_dtype=False, obj=name
        )


@pytest.mark.parametrize("sub", ["original_header", "essex_2018_snake_header"])
def test_fast_path_equals_the_exact_reader_on_real_files(sub: str) -> None:
    folder = shared_path(f"police_uk/{sub}")
    for f in sorted(folder.glob("*.csv"))[:3]:
        _assert_same_result(*_both_paths(f.read_bytes(), f.name))


def test_fast_path_equals_the_exact_reader_on_rejected_and_duplicated_rows() -> None:
    demo = sorted((demo_dir() / "police_uk").rglob("*.csv"))[0].read_bytes()
    lines = demo.decode().splitlines(keepends=True)
    header, rows = lines[0], lines[1:40]
    month = rows[0].split(",")[1]
    # a month that is not a month, and a copied crime row: the same Crime ID twice
    bad = [rows[0].replace(month, month[:5] + "13", 1), rows[1]]
    assert rows[1].split(",")[0]
    raw = (header + "".join(rows) + "".join(bad)).encode()
    fast, exact = _both_paths(raw, "mixed.csv")
    _assert_same_result(fast, exact)
    messages = {p.message: p for p in fast.problems}
    dup = next(p for m, p in messages.items() if m.startswith("duplicate Crime ID"))
    assert (dup.line, dup.rows) == (len(rows) + 3, 1)
    assert "first at line 3" in dup.message
    assert fast.rows_used == len(rows)


HEAD = b"Crime ID,Month,Falls within,LSOA name,Crime type\n"


@pytest.mark.parametrize(
    "raw",
    [
        HEAD + b"\nc1,2024-04,K,Dover 001A,Burglary\n",
        HEAD + b'c1,2024-04,K,"Dover\n001A",Burglary\n',
        HEAD + b"c1,2024-04,K,D\xe9 001A,Burglary\n",
        b"area,period,category,count\nX,2024-04,Burglary,5\n",
        HEAD + b"c1,2024-04,K\n",
    ],
    ids=["blank-line", "newline-in-quotes", "windows-1252", "not-police-uk", "ragged-row"],
)
def test_fast_path_declines_what_needs_the_exact_reader(raw: bytes) -> None:
    assert read_police_uk_fast(raw) is None


def _police_folders(tmp_path: Path) -> tuple[Path, Path]:
    """The demo's police.uk files in one folder, and every other one of them in another."""
    files = sorted((demo_dir() / "police_uk").rglob("*-street.csv"))
    whole, some = tmp_path / "whole", tmp_path / "some"
    for i, f in enumerate(files):
        for d in (whole, some) if i % 2 == 0 else (whole,):
            d.mkdir(exist_ok=True)
            shutil.copy(f, d / f.name)
    return whole, some


def test_files_stored_by_group_are_read_back_alone_and_by_area(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, some = _police_folders(tmp_path)
    load(whole)  # the clean files' records in one group file
    assert len(list(cache.rglob("group.records.parquet"))) == 1
    plain = load(some, cache=False)
    _no_parsing(monkeypatch)
    ds = load(some)  # another folder (no cached dataset): each file from the group entry
    _same(plain, ds)
    for area in plain.areas:  # only the area's rows, in file order, as an uncached read
        rec = plain.records
        wanted = rec[rec["area"].astype("string") == area]
        got = ds.records_of(area)
        assert len(got) and set(got["area"].astype("string")) == {area}
        pd.testing.assert_frame_equal(_as_text(got), _as_text(wanted), check_dtype=False)


@pytest.mark.parametrize("damage", ["flip-records", "remove-group", "truncate-results"])
def test_a_damaged_group_entry_is_read_afresh(cache: Path, tmp_path: Path, damage: str) -> None:
    whole, some = _police_folders(tmp_path)
    load(whole)
    [records] = cache.rglob("group.records.parquet")
    if damage == "flip-records":
        raw = bytearray(records.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        records.write_bytes(bytes(raw))
    elif damage == "remove-group":
        shutil.rmtree(records.parent)
    else:
        results = records.parent / "results.json"
        results.write_text(results.read_text()[:100])
    _same(load(some, cache=False), load(some))
    assert not records.exists() or damage == "remove-group" and not records.parent.exists()
