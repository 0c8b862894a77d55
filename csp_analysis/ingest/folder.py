"""Read every CSV or XLSX file below a data folder, through the cache when one is given.

:func:`read_folder` returns one :class:`~csp_analysis.ingest.base.FileResult` per file (or per
workbook sheet) with exact row accounting; the canonical model (:mod:`csp_analysis.model`)
assembles them into a dataset. The cache (:mod:`csp_analysis.ingest.cache`) wraps reading
from outside: it is handed the parser, and the layouts never know it.
"""

from __future__ import annotations

import gzip
import io
import multiprocessing
import os
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from csp_analysis.categories import CategoryMap
from csp_analysis.exceptions import UsageError
from csp_analysis.ingest.base import FileResult, Problem
from csp_analysis.ingest.boundaries import SUFFIXES as BOUNDARY_SUFFIXES
from csp_analysis.ingest.cache import FileCache

if TYPE_CHECKING:
    from csp_analysis.ingest.batch import Clean, Parsed

TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".ods", *BOUNDARY_SUFFIXES}
#: Compressed files read in place: gzip of one CSV, and zip archives (data.police.uk's
#: downloads) whose CSV and XLSX members are each read as a file of the folder.
COMPRESSED_SUFFIXES = {".csv.gz", ".zip"}
#: Files that look like data but are not read, each named with what to do (never skipped
#: in silence).
NOT_READ = {
    ".xls": "an old Excel workbook (.xls): save it as .xlsx or .csv to use it",
    ".xlsb": "a binary Excel workbook (.xlsb): save it as .xlsx or .csv to use it",
    ".gz": "a compressed file that is not a CSV: decompress it into the data folder",
    ".7z": "a 7-Zip archive: extract it into the data folder",
    ".rar": "a RAR archive: extract it into the data folder",
    ".tar": "a tar archive: extract it into the data folder",
    ".tgz": "a tar archive: extract it into the data folder",
}
#: Bytes still to parse above which files are read by worker processes rather than threads.
PROCESS_BYTES = 64 << 20
#: A file (or an archive member, once decompressed) larger than this is refused before it
#: is read into memory.
MAX_FILE_BYTES = 1 << 30
#: Files whose presence marks a folder as a csp-assess report (an output, never input).
REPORT_FILES = {"strategic_assessment.html", "deep_dive.html", "key_findings.md"}


def suffix_of(path: Path) -> str:
    """The suffix that decides how a file is read: ``.csv.gz`` for a gzipped CSV, else the last.

    Parameters
    ----------
    path : Path
        A file.

    Returns
    -------
    str
        Lower case, with its dot.
    """
    name = path.name.casefold()
    return ".csv.gz" if name.endswith(".csv.gz") else path.suffix.casefold()


def parse_bytes(raw: bytes, path: Path, source: str, cmap: CategoryMap) -> list[FileResult]:
    """Parse a file's bytes by its layout (:func:`csp_analysis.ingest.read.parse_bytes`).

    The layouts are imported on first use: a run answered from the cache never needs them.

    Parameters
    ----------
    raw : bytes
        The file's content.
    path : Path
        The file (its suffix says how it is read).
    source : str
        Its name relative to the data folder.
    cmap : CategoryMap
        Category mapping.

    Returns
    -------
    list of FileResult
    """
    from csp_analysis.ingest.read import parse_bytes as parse

    return parse(raw, path, source, cmap)


def _too_large(size: int) -> str:
    return (
        f"{size / (1 << 30):.1f} GB, larger than the {MAX_FILE_BYTES >> 30} GB a file may be: "
        "not read; split it (police.uk publishes one file per force and month)"
    )


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
        try:
            return _parse_any(raw, path, source, cmap)
        except _Refused as exc:
            return [refused(source, str(exc))]

    def unreadable(exc: OSError) -> list[FileResult]:
        return [refused(source, f"cannot be opened ({exc.strerror or exc})")]

    try:
        size = path.stat().st_size
    except OSError as exc:
        return unreadable(exc)
    if size > MAX_FILE_BYTES:  # before reading it whole into memory
        return [refused(source, _too_large(size))]
    if cache is not None:
        return cache.read(path, source, parse, unreadable)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return unreadable(exc)
    return parse(raw)


class _Refused(Exception):
    """A file that is not read, with the reason (becomes an ``unreadable`` result)."""


def refused(source: str, message: str) -> FileResult:
    """The result of a file or folder that is not read: layout ``unreadable`` and the reason.

    Parameters
    ----------
    source : str
        Its name relative to the data folder.
    message : str
        Why it is not read and what to do.

    Returns
    -------
    FileResult
    """
    res = FileResult(source=source, layout="unreadable")
    res.problems.append(Problem(source, None, None, message, 0))
    return res


def _parse_any(raw: bytes, path: Path, source: str, cmap: CategoryMap) -> list[FileResult]:
    """Parse a table file, a gzipped CSV or a zip archive of tables (each member a source)."""
    kind = suffix_of(path)
    if kind == ".csv.gz":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as fh:
                text = fh.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise _Refused(f"cannot be decompressed as gzip ({exc})") from None
        if len(text) > MAX_FILE_BYTES:
            raise _Refused(_too_large(len(text)))
        return parse_bytes(text, path.with_name(path.name[: -len(".gz")]), source, cmap)
    if kind != ".zip":
        return parse_bytes(raw, path, source, cmap)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise _Refused(f"cannot be read as a zip archive ({exc})") from None
    out: list[FileResult] = []
    with archive:
        for m in sorted(members, key=lambda m: m.filename):
            inner = Path(m.filename)
            if any(part.startswith(".") or part == "__MACOSX" for part in inner.parts):
                continue
            name = f"{source}/{inner.as_posix()}"
            if inner.suffix.casefold() not in TABLE_SUFFIXES:
                if inner.suffix.casefold() in NOT_READ:
                    out.append(refused(name, NOT_READ[inner.suffix.casefold()]))
                continue
            if m.file_size > MAX_FILE_BYTES:
                out.append(refused(name, _too_large(m.file_size)))
                continue
            try:
                member = archive.read(m)
            except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
                out.append(refused(name, f"cannot be extracted from the zip archive ({exc})"))
                continue
            out += parse_bytes(member, inner, name, cmap)
    if not out:
        raise _Refused("a zip archive holding no CSV or XLSX file")
    return out


def survey(folder: str | Path) -> tuple[list[Path], list[FileResult]]:
    """The files below a data folder that are read, and what is not read with the reason.

    Hidden files and folders are skipped, and so are csp-assess's own report folders (a
    folder holding ``strategic_assessment.html``, ``deep_dive.html`` or ``key_findings.md``):
    outputs are never read back as data. Links are followed, each folder and file once: a link
    that loops or leads nowhere, or leads to a folder holding the data folder (``..``, the
    home folder), is named and not followed; a link to a folder or file elsewhere is followed
    and its files say so in a note. A sub-folder that cannot be listed, a spreadsheet in
    another format and a compressed file that is not read are named with what to do.

    Parameters
    ----------
    folder : str or Path
        The data folder.

    Returns
    -------
    tuple of (list of Path, list of FileResult, set of str)
        The files to read (CSV, XLSX, ``.csv.gz``, ``.zip``) in name order, one
        ``unreadable`` result per thing not read, and the names of links to places outside
        the data folder that were followed (their files' results say so in a note).

    Raises
    ------
    UsageError
        If the folder does not exist.
    """
    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"data folder '{folder}' does not exist")
    real_root = root.resolve()
    refusals: dict[str, str] = {}
    linked: set[str] = set()
    seen: set[Path] = set()
    found: list[Path] = []

    def name(p: Path) -> str:
        return p.relative_to(root).as_posix()

    def inside(target: Path) -> bool:
        return target == real_root or real_root in target.parents

    def walk(d: Path) -> None:
        real = d.resolve()
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            what = f"cannot be listed ({exc.strerror or exc})"
            refusals[name(d) + "/"] = f"a folder that {what}: its files are not read"
            return
        if any(e.name in REPORT_FILES for e in entries if not e.is_dir()):
            return  # a report written by csp-assess: an output, never input
        for e in entries:
            if e.name.startswith("."):
                continue
            p = Path(e.path)
            if e.is_symlink():
                try:
                    target = p.resolve(strict=True)
                except (OSError, RuntimeError):
                    refusals[name(p)] = "a link that loops or leads nowhere: not followed"
                    continue
                if target == real_root or target in real_root.parents:
                    refusals[name(p)] = (
                        "a link to a folder that holds the data folder (such as '..'): not "
                        "followed (it would read files outside the data folder)"
                    )
                    continue
                if not inside(target):
                    linked.add(name(p))
                if target.is_dir() and (target in seen or target in real.parents):
                    refusals[name(p)] = "a link to a folder already read (a loop): not followed"
                    continue
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                walk(p)
                continue
            kind = suffix_of(p)
            if kind in TABLE_SUFFIXES or kind in COMPRESSED_SUFFIXES:
                real_file = p.resolve()
                if real_file in seen:
                    refusals[name(p)] = (
                        "the same file as one already read (through a link): not read twice"
                    )
                    continue
                seen.add(real_file)
                found.append(p)
            elif kind in NOT_READ:
                refusals[name(p)] = NOT_READ[kind]

    walk(root)
    results = [refused(src, msg) for src, msg in sorted(refusals.items())]
    return sorted(found), results, linked


def list_files(folder: str | Path) -> list[Path]:
    """The files below a data folder that are read, in name order (see :func:`survey`).

    Parameters
    ----------
    folder : str or Path
        The data folder; links inside it are followed, once.

    Returns
    -------
    list of Path

    Raises
    ------
    UsageError
        If the folder does not exist or holds no file to read (nor any file named as not read).
    """
    files, refusals, _ = survey(folder)
    if not files and not refusals:
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
    files, refusals, linked = survey(root)
    if not files and not refusals:
        raise UsageError(f"data folder '{folder}' holds no CSV or XLSX file")
    results = _read_files(files, root, cmap, cache)
    for r in results:
        if any(r.source == x or r.source.startswith(x + "/") for x in linked):
            r.notes.append("read through a link to a place outside the data folder")
    return results + refusals


def _read_files(
    files: list[Path], root: Path, cmap: CategoryMap, cache: FileCache | None
) -> list[FileResult]:
    """Read the listed files, by threads or worker processes (see :func:`read_folder`).

    Clean police.uk street files not in the cache are first read together in one vectorised
    pass (:mod:`csp_analysis.ingest.batch`); every other file is read on its own.
    """
    done = _read_clean_police_files(files, root, cmap, cache)
    if done:
        rest = [p for p in files if p not in done]
        parts = dict(zip(rest, _read_each(rest, root, cmap, cache), strict=True))
        parts.update(done)
        return [r for p in files for r in parts[p]]
    return [r for part in _read_each(files, root, cmap, cache) for r in part]


def _read_clean_police_files(
    files: list[Path], root: Path, cmap: CategoryMap, cache: FileCache | None
) -> dict[Path, list[FileResult]]:
    """The results of the clean police.uk files among ``files`` (not in the cache), read in
    one vectorised pass and stored in the cache; the other files are left out.

    Files are read in groups of :data:`~csp_analysis.ingest.batch.CHUNK_BYTES`: one thread
    reads and parses the next group (pyarrow, outside the interpreter lock) while the
    current one is checked, and entries are written by other threads.
    """
    from csp_analysis.ingest.batch import CHUNK_BYTES, check_many, parse_many

    groups: list[list[Path]] = [[]]
    size = 0
    for p in files:
        if suffix_of(p) != ".csv":
            continue
        try:
            n = p.stat().st_size
        except OSError:
            continue  # the exact path names it
        if not 0 < n <= MAX_FILE_BYTES:
            continue  # empty or too large: the exact path says so
        if size >= CHUNK_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(p)
        size += n
    done: dict[Path, list[FileResult]] = {}
    if not groups[0]:
        return done

    def load(group: list[Path]) -> tuple[list[tuple[Path, str, str | None]], Parsed]:
        kept, items = [], []
        for p in group:
            try:
                st = p.stat()
                raw = p.read_bytes()
            except OSError:
                continue
            digest = cache.remember(p, st, raw) if cache is not None else None
            if cache is not None and cache.has(digest):
                continue  # read from the cache by the exact path
            source = p.relative_to(root).as_posix()
            kept.append((p, source, digest))
            items.append((source, raw))
        return kept, parse_many(items)

    def store(batch: list[tuple[Clean, str, str]]) -> None:
        """Store the clean files of a group (one entry per group of records)."""
        assert cache is not None
        by_group: dict[int, list[tuple[Clean, str, str]]] = {}
        for item in batch:
            by_group.setdefault(id(item[0].group), []).append(item)
        for items in by_group.values():
            g = items[0][0].group
            stored = cache.store_group(
                [(digest, source, c.result, c.part) for c, digest, source in items],
                (g.table, g.rows, g.part, g.row),
            )
            if not stored:  # the cache failed: keep the records in memory
                for c, _, _ in items:
                    c.with_records()

    pending = []
    with (
        ThreadPoolExecutor(max_workers=1) as reader,
        ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as writers,
    ):
        ahead = reader.submit(load, groups[0])
        for k in range(len(groups)):
            kept, parsed = ahead.result()
            if k + 1 < len(groups):
                ahead = reader.submit(load, groups[k + 1])
            batch = []
            for (p, source, digest), clean in zip(kept, check_many(parsed, cmap), strict=True):
                if clean is None:
                    continue
                done[p] = [clean.result]
                if digest is None:
                    clean.with_records()
                else:
                    batch.append((clean, digest, source))
            if batch:
                pending.append(writers.submit(store, batch))
            del parsed
    for f in pending:
        f.result()
    return done


def _read_each(
    files: list[Path], root: Path, cmap: CategoryMap, cache: FileCache | None
) -> list[list[FileResult]]:
    """Each file's results, read one by one by threads or worker processes."""
    if not files:
        return []
    workers = min(len(files), os.cpu_count() or 1)
    if workers <= 1:
        return [read_file(p, root, cmap, cache) for p in files]
    todo = files if cache is None else [p for p in files if not cache.holds(p)]
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
        return list(pool.map(lambda p: parsed.get(p) or read_file(p, root, cmap, cache), files))


def _read_in_worker(
    path: Path, root: Path, cmap: CategoryMap, cache: FileCache | None
) -> list[FileResult]:
    """:func:`read_file` in a worker process (a top-level function, so it can be pickled)."""
    return read_file(path, root, cmap, cache)
