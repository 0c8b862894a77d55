"""Read every CSV or XLSX file below a data folder, through the cache when one is given.

:func:`read_folder` returns one :class:`~csp_analysis.ingest.base.FileResult` per file (or per
workbook sheet) with exact row accounting; the canonical model (:mod:`csp_analysis.model`)
assembles them into a dataset. The cache (:mod:`csp_analysis.ingest.cache`) wraps reading
from outside: it is handed the parser, and the layouts never know it.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from itertools import repeat
from pathlib import Path

from csp_analysis.categories import CategoryMap
from csp_analysis.exceptions import UsageError
from csp_analysis.ingest.base import FileResult, Problem
from csp_analysis.ingest.boundaries import SUFFIXES as BOUNDARY_SUFFIXES
from csp_analysis.ingest.cache import FileCache
from csp_analysis.ingest.read import parse_bytes

TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".ods", *BOUNDARY_SUFFIXES}
#: Bytes still to parse above which files are read by worker processes rather than threads.
PROCESS_BYTES = 64 << 20


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

    def parse(raw: bytes) -> list[FileResult]:
        return parse_bytes(raw, path, source, cmap)

    def unreadable(exc: OSError) -> list[FileResult]:
        res = FileResult(source=source, layout="unreadable")
        res.problems.append(Problem(source, None, None, f"cannot be opened ({exc.strerror})", 0))
        return [res]

    if cache is not None:
        return cache.read(path, source, parse, unreadable)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return unreadable(exc)
    return parse(raw)


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
        The content-keyed Parquet cache (see :mod:`csp_analysis.ingest.cache`).

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
            parsed = dict(
                zip(
                    todo,
                    procs.map(
                        _read_in_worker,
                        todo,
                        repeat(root),
                        repeat(cmap),
                        repeat(cache),
                        chunksize=4,
                    ),
                    strict=True,
                )
            )
    else:
        parsed = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(lambda p: parsed.get(p) or read_file(p, root, cmap, cache), files))
    return [r for part in parts for r in part]


def _read_in_worker(
    path: Path, root: Path, cmap: CategoryMap, cache: FileCache | None
) -> list[FileResult]:
    """:func:`read_file` in a worker process (a top-level function, so it can be pickled)."""
    return read_file(path, root, cmap, cache)
