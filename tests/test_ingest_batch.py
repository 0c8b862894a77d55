"""The vectorised pass over clean police.uk files gives exactly what the exact reader gives,
and leaves every file that is not clean to it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.categories import load_category_map
from csp_analysis.ingest import read_folder
from csp_analysis.ingest.base import FileResult
from csp_analysis.ingest.batch import read_police_uk_many
from csp_analysis.ingest.read import parse_bytes
from csp_analysis.ingest.records import read_records
from csp_analysis.paths import demo_dir
from tests.conftest import shared_path


def _text(df: pd.DataFrame, sort: bool = True) -> pd.DataFrame:
    """Values as text whatever the storage; rows in a fixed order (the pass orders group
    counts by code, the exact reader by first appearance)."""
    out = df.copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c].dtype) or isinstance(
            out[c].dtype, pd.CategoricalDtype
        ):
            out[c] = out[c].astype("string")
    if sort and len(out):
        out = out.sort_values(list(out.columns), kind="stable")
    return out.reset_index(drop=True)


def _same(fast: FileResult, exact: FileResult) -> None:
    assert (fast.layout, fast.rows_read, fast.rows_used, fast.rows_rejected) == (
        exact.layout,
        exact.rows_read,
        exact.rows_used,
        exact.rows_rejected,
    )
    assert [vars(p) for p in fast.problems] == [vars(p) for p in exact.problems]
    assert (fast.notes, fast.synthetic) == (exact.notes, exact.synthetic)
    for name in ("counts", "coverage"):
        pd.testing.assert_frame_equal(
            _text(getattr(fast, name)), _text(getattr(exact, name)), check_dtype=False, obj=name
        )
    # records in file order, row for row
    pd.testing.assert_frame_equal(
        _text(fast.records, sort=False), _text(exact.records, sort=False), check_dtype=False
    )
    assert sorted(fast.tables) == sorted(exact.tables)
    for k in fast.tables:
        pd.testing.assert_frame_equal(
            _text(fast.tables[k]), _text(exact.tables[k]), check_dtype=False, obj=k
        )


def _both(items: list[tuple[str, bytes]]) -> list[tuple[FileResult | None, FileResult]]:
    cmap = load_category_map()
    fast = read_police_uk_many(items, cmap)
    return [
        (None if f is None else f.with_records(), parse_bytes(raw, Path(name), name, cmap)[0])
        for (name, raw), f in zip(items, fast, strict=True)
    ]


def _demo() -> tuple[bytes, list[bytes]]:
    raw = sorted((demo_dir() / "police_uk").rglob("*-street.csv"))[0].read_bytes()
    lines = raw.decode().splitlines(keepends=True)
    return lines[0].encode(), [ln.encode() for ln in lines[1:]]


def test_real_files_read_together_equal_the_exact_reader() -> None:
    files = [
        *sorted(shared_path("police_uk/original_header").glob("*.csv")),
        *sorted(shared_path("police_uk_gwent").rglob("*-street.csv")),
    ]
    pairs = _both([(f.name, f.read_bytes()) for f in files])
    taken = [f for f, _ in pairs if f is not None]
    assert len(taken) >= len(files) - 2, "nearly every real police.uk file is clean"
    for fast, exact in pairs:
        if fast is not None:
            _same(fast, exact)
    # a real file with a duplicated Crime ID is left to the exact reader, which names it
    declined = [e for f, e in pairs if f is None]
    assert all(any("duplicate Crime ID" in p.message for p in e.problems) for e in declined)


def test_rows_without_a_location_are_rejected_with_their_lines() -> None:
    header, rows = _demo()
    blank = rows[0].split(b",")
    blank[8] = b""  # LSOA name
    blank[7] = b""  # LSOA code
    body = rows[:30] + [b",".join(blank)] + rows[30:60]
    [(fast, exact)] = _both([("a.csv", header + b"".join(body))])
    assert fast is not None
    _same(fast, exact)
    [problem] = fast.problems
    assert (problem.line, problem.rows, problem.column) == (32, 1, "LSOA name")


@pytest.mark.parametrize(
    "change",
    [
        lambda rows: rows + [rows[-1]],  # the same crime twice
        lambda rows: rows + [rows[0].replace(b",20", b",19", 1)],  # another month (mis-dated)
        lambda rows: rows + [rows[0].replace(b"-0", b"-13", 1)],  # month 13
        lambda rows: rows + [rows[0].replace(b"Anti-social behaviour", b"Unknown crime")],
        lambda rows: rows + [b"\n"],  # a blank line
        lambda rows: rows + [b",,,\n"],  # a ragged row
        lambda rows: [r.replace(b"Wessmoor Constabulary", b"") for r in rows],  # no force
        lambda rows: rows + [rows[0].replace(b"On or near", b"\xe9", 1)],  # not UTF-8
        lambda rows: [rows[0].replace(b"Synthetic demo data", b'"a\nb"')] + rows[1:],
    ],
    ids=[
        "duplicate-id",
        "mis-dated",
        "month-13",
        "unknown-type",
        "blank-line",
        "ragged",
        "no-force",
        "windows-1252",
        "newline-in-quotes",
    ],
)
def test_a_file_that_is_not_clean_is_left_to_the_exact_reader(change) -> None:
    header, rows = _demo()
    bad = header + b"".join(change(rows[:200]))
    good = header + b"".join(rows[200:400])
    pairs = _both([("bad.csv", bad), ("good.csv", good), ("good2.csv", good)])
    assert pairs[0][0] is None
    for fast, exact in pairs[1:]:  # the clean files of the group are still read together
        assert fast is not None
        _same(fast, exact)


def test_padded_cells_are_stripped_as_the_exact_reader_strips_them() -> None:
    header, rows = _demo()
    body = [r.replace(b"On or near ", b"On or near  ", 1) for r in rows[:100]]
    [(fast, exact)] = _both([("a.csv", header + b"".join(body))])
    assert fast is not None
    _same(fast, exact)


def test_folder_read_through_the_cache_equals_the_uncached_exact_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = demo_dir() / "police_uk"
    cmap = load_category_map()
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", str(tmp_path / "cache"))
    from csp_analysis.ingest.cache import FileCache

    cached = read_folder(folder, cmap, FileCache.open(cmap))
    assert all(r.records_file is not None for r in cached)
    exact = [
        parse_bytes(p.read_bytes(), p, p.relative_to(folder).as_posix(), cmap)[0]
        for p in sorted(folder.rglob("*.csv"))
    ]
    assert [r.source for r in cached] == [r.source for r in exact]
    for c, e in zip(cached, exact, strict=True):
        c.records = read_records(c.records_file)
        _same(c, e)


def _with_id(row: bytes, crime_id: bytes) -> bytes:
    cells = row.split(b",", 1)
    return crime_id + b"," + cells[1]


@pytest.mark.parametrize("crime_id", [b"c1", b"abcdefgh", b"x" * 64], ids=["short", "8", "64"])
def test_a_crime_id_twice_in_a_file_is_left_to_the_exact_reader_but_not_across_files(
    crime_id: bytes,
) -> None:
    header, rows = _demo()
    rows = [r for r in rows if r.split(b",", 1)[0]][:60]  # crimes (with an ID) only
    twice = [_with_id(rows[0], crime_id)] + rows[1:30] + [_with_id(rows[30], crime_id)]
    once = [_with_id(rows[0], crime_id)] + rows[1:30]
    pairs = _both(
        [
            ("twice.csv", header + b"".join(twice)),
            ("once.csv", header + b"".join(once)),
            ("again.csv", header + b"".join([_with_id(rows[31], crime_id)] + rows[32:60])),
        ]
    )
    assert pairs[0][0] is None  # the exact reader names the lines
    assert any("duplicate Crime ID" in p.message for p in pairs[0][1].problems)
    for fast, exact in pairs[1:]:  # the same ID in two files is no duplicate
        assert fast is not None
        _same(fast, exact)
