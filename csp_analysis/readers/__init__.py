"""Readers: every CSV or XLSX file below a data folder, recognised by its header.

``read_folder`` returns one :class:`FileResult` per file (or per workbook sheet) with exact row
accounting; the canonical model (:mod:`csp_analysis.model`) assembles them into a dataset.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from itertools import repeat
from pathlib import Path

import pandas as pd

from csp_analysis.cache import FileCache
from csp_analysis.categories import CategoryMap
from csp_analysis.exceptions import DataError, UsageError
from csp_analysis.readers.base import (
    FileResult,
    Problem,
    decode,
    read_csv_text,
    read_excel_sheets,
    tidy_frame,
)
from csp_analysis.readers.detect import (
    LAYOUTS,
    LOCAL_TABLES,
    detect_layout,
    missing_police_uk_columns,
)
from csp_analysis.readers.fast import read_police_uk_fast
from csp_analysis.readers.home_office import (
    read_home_office_long,
    read_home_office_unusable,
    read_home_office_wide,
)
from csp_analysis.readers.police_uk import read_police_uk
from csp_analysis.readers.population import (
    read_lookup,
    read_ons_census,
    read_ons_mid_year,
    read_population,
    read_population_no_year,
)
from csp_analysis.readers.tidy import read_tidy_counts

__all__ = ["FileResult", "Problem", "read_folder", "read_table", "LAYOUTS", "detect_layout"]

TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
_YEAR_HINT = re.compile(r"(?<!\d)(19[5-9]\d|20[0-9]\d)(?!\d)")


def year_hint(*texts: str) -> int | None:
    """A four-digit year found in a file name or a title line, if exactly one distinct year."""
    years = {int(y) for t in texts for y in _YEAR_HINT.findall(t or "")}
    return years.pop() if len(years) == 1 else None


def read_table(df: pd.DataFrame, source: str, cmap: CategoryMap, hint: int | None) -> FileResult:
    """Recognise one table by its header and read it.

    Parameters
    ----------
    df : pandas.DataFrame
        String cells indexed by line number (see :func:`~csp_analysis.readers.base.read_csv_text`).
    source : str
        Name of the file (relative to the data folder), used in every message.
    cmap : CategoryMap
        Category mapping.
    hint : int, optional
        A year found in the file name or title, for population tables without a year column.

    Returns
    -------
    FileResult
    """
    set_aside = list(df.attrs.pop("rejected_lines", []))
    df, repeated = _without_repeated_headers(df)
    set_aside += repeated
    layout = detect_layout(df.columns)
    res = FileResult(source=source, layout=layout or "unrecognised")
    if layout is None:
        missing = missing_police_uk_columns(df.columns)
        if missing:
            res.layout = "police_uk"
            names = " and ".join(f"'{m}'" for m in missing)
            plural = "s" if len(missing) > 1 else ""
            message = f"police.uk street-level file without its {names} column{plural}: " \
                "rows cannot be used"
            skipped = message
        else:
            header = ", ".join(str(c) for c in list(df.columns)[:8])
            message = f"header not recognised ({header})"
            skipped = f"skipped: {message}"
        res.rows_read = len(df)
        lines = pd.Series(df.index, index=df.index)
        res.reject(pd.Series(True, index=df.index), lines, None, skipped)
        if not len(df):
            res.problems.append(Problem(source, 1, None, message, 0))
        _set_aside(res, set_aside)
        return res
    readers = {
        "police_uk": lambda: read_police_uk(df, res, cmap),
        "home_office_long": lambda: read_home_office_long(df, res, cmap),
        "home_office_wide": lambda: read_home_office_wide(df, res, cmap),
        "home_office_no_period": lambda: read_home_office_unusable(
            df, res, "no Financial Year column: counts cannot be placed in time"),
        "home_office_force_rolling": lambda: read_home_office_unusable(
            df, res, "skipped: force-level rolling totals are not used for partnership figures"),
        "tidy_counts": lambda: read_tidy_counts(df, res, cmap),
        "population": lambda: read_population(df, res),
        "ons_census": lambda: read_ons_census(df, res),
        "ons_mid_year": lambda: read_ons_mid_year(df, res, hint),
        "population_no_year": lambda: read_population_no_year(df, res, hint),
        "lookup": lambda: read_lookup(df, res),
    }  # fmt: skip
    if layout in LOCAL_TABLES or layout == "ward_lookup":
        read_local_table(df, res)
    else:
        readers[layout]()
    _set_aside(res, set_aside)
    assert res.rows_read == res.rows_used + res.rows_rejected, source
    return res


def _without_repeated_headers(df: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, list[int]]]]:
    """Drop rows that repeat the header (files joined with ``cat``), listing their lines.

    One column is compared first (a categorical one when there is one: a comparison of
    codes); only rows matching there are compared in full.
    """
    names = [str(c) for c in df.columns]
    if not len(df) or not names:
        return df, []
    probe = next((c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)),
                 df.columns[0])  # fmt: skip
    hit = (df[probe] == str(probe)).to_numpy(dtype=bool, na_value=False)
    if not hit.any():
        return df, []
    candidates = df[hit].astype("string")
    same = (candidates == pd.Series(names, index=candidates.columns)).all(axis=1)
    lines = [int(x) for x in candidates.index[same.to_numpy(dtype=bool, na_value=False)]]
    if not lines:
        return df, []
    reason = "repeated header row (files joined together?): not a row of data"
    return df.drop(index=lines), [(reason, lines)]


def _set_aside(res: FileResult, groups: list[tuple[str, list[int]]]) -> None:
    """Account rows set aside before the layout's reader ran (too many fields, repeated header)
    as read and rejected, one problem per reason."""
    for reason, lines in groups:
        n = len(lines)
        where = ", ".join(str(x) for x in lines[:5]) + (" …" if n > 5 else "")
        res.problems.append(Problem(res.source, int(lines[0]), None, reason, n, where))
        res.rows_read += n
        res.rows_rejected += n


def read_local_table(df: pd.DataFrame, res: FileResult) -> None:
    """Keep a local table (survey, plan, peers, scores, indicators) with normalised column
    names and each row's line number in ``line``; the analysis that uses it validates it."""
    from csp_analysis.readers.base import norm

    res.rows_read = res.rows_used = len(df)
    named = {c: norm(c) for c in df.columns}
    table = df.rename(columns=named).astype("string")
    table.insert(0, "line", pd.Series(df.index, index=df.index, dtype="int64"))
    table.insert(0, "source", res.source)
    if res.layout == "ward_lookup" and "lsoa" not in table.columns:
        from csp_analysis.readers.detect import ONS_WARD_LOOKUP

        lsoa = next(c for c in table.columns if ONS_WARD_LOOKUP[0].match(c))
        ward = next(c for c in table.columns if ONS_WARD_LOOKUP[1].match(c))
        table = table.rename(columns={lsoa: "lsoa", ward: "ward"})
    if "note" in table.columns:
        res.synthetic = bool(table["note"].str.contains("synthetic", case=False).any())
    res.tables[res.layout] = table.reset_index(drop=True)


def _excel_tables(path: Path, source: str) -> list[tuple[str, pd.DataFrame, int | None]]:
    """Find the header row of each sheet (first recognised row in the first 30) and cut it."""
    out = []
    for name, raw in read_excel_sheets(path, source).items():
        for i in range(min(30, len(raw))):
            header = [str(c).strip() for c in raw.iloc[i]]
            if detect_layout(header):
                body = raw.iloc[i + 1 :].copy()
                body.columns = [h if h else f"Unnamed: {j}" for j, h in enumerate(header)]
                body.index = pd.RangeIndex(i + 2, i + 2 + len(body))
                title = " ".join(" ".join(raw.iloc[k]) for k in range(i))
                hint = year_hint(title) or year_hint(name) or year_hint(path.stem)
                out.append((f"{source} [{name}]", tidy_frame(body), hint))
                break
    return out


def read_file(
    path: Path, root: Path, cmap: CategoryMap, cache: FileCache | None = None
) -> list[FileResult]:
    """Read one CSV or XLSX file; a file that cannot be read becomes a result with its problem.

    Parameters
    ----------
    path : Path
        The file.
    root : Path
        The data folder: results are named by the path relative to it.
    cmap : CategoryMap
        Category mapping.
    cache : FileCache, optional
        Where results are looked up by the file's content and stored after parsing.

    Returns
    -------
    list of FileResult
        One result per table (a workbook may hold several sheets).
    """
    source = path.relative_to(root).as_posix() if path != root else path.name
    if cache is not None:
        digest = cache.known_digest(path)
        cached = cache.load(digest, source) if digest else None
        if cached is not None:
            return cached
    try:
        raw = path.read_bytes()
    except OSError as exc:
        res = FileResult(source=source, layout="unreadable")
        res.problems.append(Problem(source, None, None, f"cannot be opened ({exc.strerror})", 0))
        return [res]
    if cache is not None:
        digest = cache.digest(raw)
        cached = cache.load(digest, source)
        if cached is None:
            cached = _parse(raw, path, source, cmap)
            cache.store(digest, source, cached)
        cache.remember(path, digest)
        return cached
    return _parse(raw, path, source, cmap)


def _parse(raw: bytes, path: Path, source: str, cmap: CategoryMap) -> list[FileResult]:
    try:
        if path.suffix.lower() == ".csv":
            fast = read_police_uk_fast(raw)
            if fast is not None:
                return [read_table(fast, source, cmap, None)]
            text, encoding = decode(raw, source)
            df = read_csv_text(text, source)
            res = read_table(df, source, cmap, year_hint(path.stem))
            if encoding == "cp1252":
                res.notes.append("read as Windows-1252 (not UTF-8)")
            elif encoding == "utf-16":
                res.notes.append("read as UTF-16 (Excel 'Unicode Text')")
            return [res]
        tables = _excel_tables(path, source)
        if not tables:
            raise DataError("no sheet has a recognised header", file=source)
        return [read_table(df, src, cmap, hint) for src, df, hint in tables]
    except DataError as exc:
        res = FileResult(source=source, layout="unreadable")
        res.problems.append(Problem(source, exc.line, exc.column, exc.message, 0))
        return [res]


def list_files(folder: str | Path) -> list[Path]:
    """The CSV and XLSX files below a data folder, in name order (hidden ones skipped).

    Parameters
    ----------
    folder : str or Path
        The data folder; linked folders are followed.

    Returns
    -------
    list of Path

    Raises
    ------
    UsageError
        If the folder does not exist or holds no CSV or XLSX file.
    """
    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"data folder '{folder}' does not exist")
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):  # linked folders too
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [Path(dirpath) / f for f in filenames if not f.startswith(".")]
    files = sorted(p for p in found if p.suffix.lower() in TABLE_SUFFIXES and p.is_file())
    if not files:
        raise UsageError(f"data folder '{folder}' holds no CSV or XLSX file")
    return files


def read_folder(
    folder: str | Path, cmap: CategoryMap, cache: FileCache | None = None
) -> list[FileResult]:
    """Read every CSV and XLSX file below ``folder`` (hidden files and folders skipped).

    Files are read by as many threads as the machine has cores (the parsers release the
    interpreter lock); results come back in file-name order.

    Parameters
    ----------
    folder : str or Path
        The data folder (or one file).
    cmap : CategoryMap
        Category mapping.
    cache : FileCache, optional
        The content-keyed Parquet cache (see :mod:`csp_analysis.cache`).

    Returns
    -------
    list of FileResult

    Raises
    ------
    UsageError
        If the folder does not exist or holds no CSV or XLSX file.
    """
    root = Path(folder)
    if root.is_file():
        return read_file(root, root.parent, cmap, cache)
    files = list_files(root)
    workers = min(len(files), os.cpu_count() or 1)
    if workers <= 1:
        return [r for p in files for r in read_file(p, root, cmap, cache)]
    todo = files if cache is None else [p for p in files if cache.known_digest(p) is None]
    if sum(p.stat().st_size for p in todo) >= PROCESS_BYTES:
        # Much to parse: worker processes (parsing holds the interpreter lock in places).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as procs:
            parsed = dict(zip(todo, procs.map(_read_in_worker, todo, repeat(root), repeat(cmap),
                                              repeat(cache), chunksize=4), strict=True))
    else:
        parsed = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(lambda p: parsed.get(p) or read_file(p, root, cmap, cache), files))
    return [r for part in parts for r in part]


#: Bytes still to parse above which files are read by worker processes rather than threads.
PROCESS_BYTES = 64 << 20


def _read_in_worker(path: Path, root: Path, cmap: CategoryMap,
                    cache: FileCache | None) -> list[FileResult]:  # fmt: skip
    """:func:`read_file` in a worker process (a top-level function, so it can be pickled)."""
    return read_file(path, root, cmap, cache)
