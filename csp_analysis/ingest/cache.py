"""A columnar cache of what each input file gave, keyed by the file's content.

Parsing a national year of police.uk files takes seconds; reading back what they gave from
Parquet takes a fraction of that. Each file's results (row accounting, problems, counts,
coverage, records, tables) are stored under the hash of its bytes (XXH3-128) and a fingerprint
of the ingest code and category mapping, so an edited file, a changed mapping or a new version
of the layouts is parsed afresh, and a copied or renamed file is not. Every file is hashed on
every run before a cached result is trusted (its size and modification time alone do not say
that its content is unchanged), and every entry carries the checksum of each file it holds: an
entry damaged on disk is read as absent, and the input parsed again.

Clean police.uk files read together by the vectorised pass (:mod:`csp_analysis.ingest.batch`)
are stored as one entry per group of files (:meth:`FileCache.store_group`): one records file
(:mod:`csp_analysis.ingest.records`), one file each of the group's counts, coverage and
tables, and each file's accounting in one ``results.json``; each content hash has a pointer
(``<hash>.group``) to its group. A pointer to a missing or damaged group is an absent entry.

The cache is optional: when its folder cannot be used (read-only, full, a path below a file),
the run goes on without it after one :class:`~csp_analysis.exceptions.CacheWarning`.

The folder is ``$CSP_ASSESS_CACHE_DIR``, else the user's cache folder as
:func:`platformdirs.user_cache_dir` names it (``~/.cache/csp-assess`` on Linux,
``~/Library/Caches/csp-assess`` on macOS, ``%LOCALAPPDATA%\\csp-assess\\Cache`` on Windows).
``CSP_ASSESS_CACHE_DIR=off`` turns the cache off. Deleting the folder is always safe.

The cache wraps reading from outside: :meth:`FileCache.read` is handed the parser, so it knows
nothing of the layouts, and the layouts nothing of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash
from platformdirs import user_cache_dir

from csp_analysis.categories import CategoryMap
from csp_analysis.exceptions import CacheWarning
from csp_analysis.ingest.base import FileResult, Problem
from csp_analysis.ingest.records import PART, RecordsRef, write_group
from csp_analysis.paths import PACKAGE_DIR

ENV = "CSP_ASSESS_CACHE_DIR"
#: Bump when the layout of an entry changes.
LAYOUT = "v5"
OFF = {"off", "none", "0", "false", "no"}
#: Tables of a file result with at most this many rows are kept in its JSON, not in Parquet.
SMALL_TABLE = 1000
FRAMES = ("counts", "coverage", "records", "population", "small_area_population", "lookup")
#: Code whose change must invalidate cached results (this module is part of ``ingest``).
_CODE = (
    "ingest",
    "model",
    "categories.py",
    "periods.py",
    "names.py",
    "reference/offence_aliases.csv",
)
#: The checksums of every file of an entry (or of a cached dataset folder).
MANIFEST = "checksums.json"
_CHUNK = 1 << 20
#: A group entry's records file (see :mod:`csp_analysis.ingest.records`).
GROUP_RECORDS = "group.records.parquet"
#: The suffix of the file naming the group entry that holds a content hash's results.
POINTER = ".group"


def content_digest(path: Path) -> str:
    """The XXH3-128 hash of a file's bytes, read in 1 MiB chunks.

    Parameters
    ----------
    path : Path
        A file.

    Returns
    -------
    str
        32 hex digits.

    Raises
    ------
    OSError
        If the file cannot be read.
    """
    h = xxhash.xxh3_128()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(folder: Path, extra: list[Path] | None = None) -> None:
    """Write the checksum of every file in ``folder`` (and of ``extra`` files elsewhere).

    Parameters
    ----------
    folder : Path
        A cache entry or cached dataset folder, complete.
    extra : list of Path, optional
        Files outside the folder that it relies on (records kept in cache entries).
    """
    sums = {f.name: content_digest(f) for f in sorted(folder.iterdir()) if f.name != MANIFEST}
    sums.update({str(f): content_digest(f) for f in extra or []})
    (folder / MANIFEST).write_text(json.dumps(sums))


def verify_manifest(folder: Path) -> bool:
    """Whether every file of a cache folder still has the checksum written when it was stored.

    Parameters
    ----------
    folder : Path
        A folder written with :func:`write_manifest`.

    Returns
    -------
    bool
        False when the manifest is missing or unreadable, or a file is missing or changed.
    """
    try:
        sums = json.loads((folder / MANIFEST).read_text())
        return all(content_digest(folder / name) == digest for name, digest in sums.items())
    except (OSError, ValueError, TypeError, AttributeError):
        return False


def discard(folder: Path) -> None:
    """Remove a damaged cache folder (best effort: a read-only cache keeps it, unused).

    Parameters
    ----------
    folder : Path
        A cache entry or cached dataset folder.
    """
    shutil.rmtree(folder, ignore_errors=True)


def default_cache_dir() -> Path:
    """The user's cache folder for csp-assess on this operating system.

    Returns
    -------
    Path
        :func:`platformdirs.user_cache_dir` for ``csp-assess`` (it follows
        ``XDG_CACHE_HOME`` on Linux).
    """
    return Path(user_cache_dir("csp-assess", appauthor=False))


def cache_dir() -> Path | None:
    """The cache folder in use, or ``None`` when ``CSP_ASSESS_CACHE_DIR`` turns it off.

    Returns
    -------
    Path or None
        ``$CSP_ASSESS_CACHE_DIR`` (``~`` expanded) when set, else :func:`default_cache_dir`;
        ``None`` when the variable is ``off`` (or ``none``, ``0``, ``false``, ``no``).

    Examples
    --------
    >>> import os
    >>> os.environ["CSP_ASSESS_CACHE_DIR"] = "off"
    >>> cache_dir() is None
    True
    >>> del os.environ["CSP_ASSESS_CACHE_DIR"]
    """
    value = os.environ.get(ENV, "").strip()
    if value.casefold() in OFF:
        return None
    return Path(value).expanduser() if value else default_cache_dir()


def fingerprint(cmap: CategoryMap) -> str:
    """SHA-1 (16 hex digits) of the reader code and the category mapping in use.

    Parameters
    ----------
    cmap : CategoryMap
        The category mapping in use.

    Returns
    -------
    str
        Changes whenever the ingest code, the calendar or category code, or the mapping does.
    """
    h = hashlib.sha1()
    for name in _CODE:
        target = PACKAGE_DIR / name
        for f in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            h.update(f.name.encode() + f.read_bytes())
    h.update(repr(sorted(cmap.mapping.items())).encode())
    h.update(cmap.categories.to_csv(index=False).encode())
    return h.hexdigest()[:16]


class FileCache:
    """Results of reading files, stored as Parquet under the files' content hashes.

    Parameters
    ----------
    root : Path
        The cache folder (created when first written).
    cmap : CategoryMap
        The category mapping in use (part of every key).
    """

    def __init__(self, root: Path, cmap: CategoryMap) -> None:
        self.root = Path(root)
        self.entries = self.root / LAYOUT / fingerprint(cmap)
        #: Content hashes computed by this cache object, by path (with size and time).
        self._seen: dict[str, tuple[int, int, str]] = {}
        #: Set when the folder failed: nothing more is written, and no second warning.
        self.broken = False
        #: Group entries read by this object (verified once), by name: each file's result
        #: by content hash, and the number of files the group's records file holds.
        self._groups: dict[str, tuple[dict[str, dict], int] | None] = {}
        self._frames: dict[tuple[str, str], tuple[pd.DataFrame, dict[int, np.ndarray]]] = {}
        self._lock = threading.Lock()

    def fail(self, exc: BaseException) -> None:
        """Stop writing to the cache after a failure, with one warning.

        Parameters
        ----------
        exc : BaseException
            What went wrong (its text is in the warning).
        """
        if not self.broken:
            self.broken = True
            warnings.warn(unusable(self.root, exc), CacheWarning, stacklevel=2)

    @classmethod
    def open(cls, cmap: CategoryMap) -> FileCache | None:
        """The cache configured by the environment, or ``None`` when it is off.

        Parameters
        ----------
        cmap : CategoryMap
            The category mapping in use (part of every key).

        Returns
        -------
        FileCache or None
            A cache in :func:`cache_dir`, or ``None`` when the cache is turned off.
        """
        root = cache_dir()
        if root is None:
            return None
        cache = cls(root, cmap)
        try:  # one probe, so that an unusable folder costs one warning, not one per file
            cache.entries.mkdir(parents=True, exist_ok=True)
            _write_atomic(cache.entries / ".probe", b"")
        except OSError as exc:
            warnings.warn(unusable(root, exc), CacheWarning, stacklevel=2)
            return None
        return cache

    # ------------------------------------------------------------------ content hashes
    def known_digest(self, path: Path) -> str | None:
        """The hash of ``path``'s content (computed once per cache object and file version).

        The file's size and modification time only say when this object must hash it again;
        a result is never trusted on them alone.

        Parameters
        ----------
        path : Path
            An input file.

        Returns
        -------
        str or None
            The file's content hash, or ``None`` when it cannot be read.
        """
        try:
            st = path.stat()
            seen = self._seen.get(str(path))
            if seen is not None and seen[:2] == (st.st_size, st.st_mtime_ns):
                return seen[2]
            digest = content_digest(path)
        except OSError:
            return None
        self._seen[str(path)] = (st.st_size, st.st_mtime_ns, digest)
        return digest

    def remember(self, path: Path, st: os.stat_result, raw: bytes) -> str:
        """The hash of a file's content read by the caller, kept for this run.

        A file this object hashed earlier in the run (its size and modification time
        unchanged since) is not hashed again, as in :meth:`known_digest`.

        Parameters
        ----------
        path : Path
            An input file.
        st : os.stat_result
            Its status, taken before it was read.
        raw : bytes
            Its content.

        Returns
        -------
        str
            The content hash (as :meth:`known_digest` gives it).
        """
        seen = self._seen.get(str(path))
        if seen is not None and seen[:2] == (st.st_size, st.st_mtime_ns):
            return seen[2]
        digest = self.digest(raw)
        self._seen[str(path)] = (st.st_size, st.st_mtime_ns, digest)
        return digest

    def has(self, digest: str) -> bool:
        """Whether the cache holds results for a content hash.

        Parameters
        ----------
        digest : str
            A content hash.

        Returns
        -------
        bool
        """
        return (self.entries / digest / "results.json").is_file() or (
            self.entries / (digest + POINTER)
        ).is_file()

    def holds(self, path: Path) -> bool:
        """Whether the cache holds results for ``path``'s present content.

        Parameters
        ----------
        path : Path
            An input file.

        Returns
        -------
        bool
        """
        digest = self.known_digest(path)
        return digest is not None and self.has(digest)

    @staticmethod
    def digest(raw: bytes) -> str:
        """The content hash of a file's bytes.

        Parameters
        ----------
        raw : bytes
            The file's contents.

        Returns
        -------
        str
            The XXH3-128 hex digest (as :func:`content_digest` of the file).
        """
        return xxhash.xxh3_128_hexdigest(raw)

    def read(
        self,
        path: Path,
        source: str,
        parse: Callable[[bytes], list[FileResult]],
        unreadable: Callable[[OSError], list[FileResult]],
    ) -> list[FileResult]:
        """A file's results from the cache, or parsed and stored.

        Parameters
        ----------
        path : Path
            The file.
        source : str
            Its name relative to the data folder (results are named by it).
        parse : callable
            ``parse(raw) -> list of FileResult``: reads the file's bytes when the cache does
            not hold them.
        unreadable : callable
            ``unreadable(error) -> list of FileResult``: the results of a file that cannot be
            opened (never cached).

        Returns
        -------
        list of FileResult
        """
        try:
            st = path.stat()
            raw = path.read_bytes()
        except OSError as exc:
            return unreadable(exc)
        digest = self.remember(path, st, raw)  # the content, hashed once in this run
        cached = self.load(digest, source)
        if cached is None:
            cached = parse(raw)
            self.store(digest, source, cached)
        return cached

    # ------------------------------------------------------------------ whole folders
    def folder_key(self, root: Path, files: list[Path]) -> str | None:
        """A key for a data folder's exact content: every file's name and content hash.

        ``None`` when a file cannot be read.

        Parameters
        ----------
        root : Path
            The data folder.
        files : list of Path
            Its input files, in a fixed order.

        Returns
        -------
        str or None
            A hex digest of the files' paths (relative to ``root``) and content hashes.
        """
        h = hashlib.sha1(self.entries.name.encode())
        for f in files:
            digest = self.known_digest(f)
            if digest is None:
                return None
            h.update(f"{f.relative_to(root).as_posix()}\0{digest}\n".encode())
        return h.hexdigest()

    def dataset_folder(self, key: str) -> Path:
        """Where the dataset of a folder with this key is kept.

        Parameters
        ----------
        key : str
            The folder's key (:meth:`folder_key`).

        Returns
        -------
        Path
            A folder inside the cache (not created here).
        """
        return self.entries / "datasets" / key

    # ------------------------------------------------------------------ entries
    def load(self, digest: str, source: str) -> list[FileResult] | None:
        """The cached results for a file's content, named ``source``, or ``None``.

        Records stay on disk (``records_file``) until the dataset needs them.

        Parameters
        ----------
        digest : str
            The hash of the file's content.
        source : str
            The file's name relative to the data folder (results are named by it).

        Returns
        -------
        list of FileResult or None
            The results as parsed before, or ``None`` when the cache holds none for ``digest``.
        """
        folder = self.entries / digest
        if not (folder / "results.json").is_file():
            return self._load_from_group(digest, source)
        try:
            if not verify_manifest(folder):
                raise ValueError("checksum mismatch")
            return self._load(folder, source)
        except Exception:  # a damaged entry (any error reading it) is an absent one
            discard(folder)
            return None

    def _load_from_group(self, digest: str, source: str) -> list[FileResult] | None:
        """A file's result from the group entry its pointer names, or ``None``."""
        pointer = self.entries / (digest + POINTER)
        try:
            name = pointer.read_text().strip()
        except OSError:
            return None
        folder = self.entries / name
        try:
            group = self._group(name)
            if group is None or digest not in group[0]:
                raise ValueError("no such entry")
            meta = group[0][digest]
            part = int(meta["part"])
            ref = RecordsRef(folder / GROUP_RECORDS, (part,), group[1])
            res = self._result_of(meta, source, folder, "", ref)
            for kind, (frame, where) in self._group_frames(name, meta).items():
                mine = frame.iloc[where.get(part, [])].reset_index(drop=True)
                if kind.startswith("table."):
                    res.tables[kind[len("table.") :]] = mine
                else:
                    setattr(res, kind, mine)
            res.tables = {k: res.tables[k] for k in sorted(res.tables)}
            return [res]
        except Exception:  # a damaged or missing group entry is an absent one
            pointer.unlink(missing_ok=True)
            return None

    def _group_frames(
        self, name: str, meta: dict
    ) -> dict[str, tuple[pd.DataFrame, dict[int, np.ndarray]]]:
        """The frames a grouped result names, each read once per group: the group's frame
        (without ``part``) and the positions of each part's rows."""
        kinds = [f for f in meta["frames"] if f != "records"]
        kinds += [f"table.{k}" for k in meta["tables"]]
        out = {}
        with self._lock:
            for kind in kinds:
                key = (name, kind)
                if key not in self._frames:
                    frame = pd.read_parquet(self.entries / name / f"{kind}.parquet")
                    where = pd.RangeIndex(len(frame)).groupby(frame[PART].to_numpy())
                    self._frames[key] = (
                        frame.drop(columns=PART),
                        {int(k): np.asarray(v) for k, v in where.items()},
                    )
                out[kind] = self._frames[key]
        return out

    def _group(self, name: str) -> tuple[dict[str, dict], int] | None:
        """A group entry's results by content hash (verified once per cache object)."""
        with self._lock:
            if name not in self._groups:
                found = None
                if re.fullmatch(r"g-[0-9a-f]{32}", name):
                    folder = self.entries / name
                    if verify_manifest(folder):
                        try:
                            spec = json.loads((folder / "results.json").read_text())
                            found = (dict(spec["files"]), int(spec["parts"]))
                        except (OSError, ValueError, KeyError, TypeError):
                            found = None
                    if found is None:
                        discard(folder)
                self._groups[name] = found
            return self._groups[name]

    def _load(self, folder: Path, source: str) -> list[FileResult]:
        """The results of a verified entry."""
        meta = json.loads((folder / "results.json").read_text())
        return [
            self._result_of(m, source, folder, str(i), folder / f"{i}.records.parquet")
            for i, m in enumerate(meta)
        ]

    def _result_of(
        self, m: dict, source: str, folder: Path, i: str, records: Path | RecordsRef
    ) -> FileResult:
        """One result of an entry's metadata (tables named ``{i}.table.*`` in ``folder``)."""
        name = source + m["suffix"]
        res = FileResult(
            source=name,
            layout=m["layout"],
            rows_read=m["rows_read"],
            rows_used=m["rows_used"],
            rows_rejected=m["rows_rejected"],
            notes=list(m["notes"]),
            synthetic=m["synthetic"],
        )
        res.problems = [Problem(name, **p) for p in m["problems"]]
        if "records" in m["frames"]:
            res.records_file = records
        if m.get("grouped"):
            return res  # frames and tables are the group's (see _load_from_group)
        for frame in m["frames"]:
            if frame != "records":
                setattr(res, frame, _from_json(m["small"][frame]))
        tables = {k: pd.read_parquet(folder / f"{i}.table.{k}.parquet") for k in m["tables"]}
        tables.update({k: _from_json(v) for k, v in m["small_tables"].items()})
        res.tables = {k: tables[k] for k in sorted(tables)}
        return res

    def store(
        self,
        digest: str,
        source: str,
        results: list[FileResult],
        records: list[pa.Table | None] | None = None,
    ) -> None:
        """Write a file's results under its content hash (atomically; first writer wins).

        Records are then released from memory: each result points at its Parquet file.

        Parameters
        ----------
        digest : str
            The hash of the file's content.
        source : str
            The file's name relative to the data folder.
        results : list of FileResult
            What parsing the file gave.
        records : list of pyarrow.Table or None, optional
            One per result: its records as an Arrow table (dictionary-encoded text, as the
            vectorised police.uk pass gives them), written instead of ``result.records``.
        """
        arrow = records or [None] * len(results)
        folder = self.entries / digest
        if self.broken or (folder / "results.json").is_file():
            return
        try:
            self.entries.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.entries))
        except OSError as exc:
            self.fail(exc)
            return
        meta = []
        try:
            for i, r in enumerate(results):
                if arrow[i] is not None:
                    pq.write_table(
                        arrow[i],
                        tmp / f"{i}.records.parquet",
                        compression="none",  # text as dictionaries: compressing gains ~7%
                        write_statistics=["area"],  # read by area (records_of)
                    )
                elif r.records is not None:
                    r.records.to_parquet(tmp / f"{i}.records.parquet", index=False)
                has_records = arrow[i] is not None or r.records is not None
                meta.append(_meta_of(r, source, tmp, str(i), has_records))
            (tmp / "results.json").write_text(json.dumps(meta))
            write_manifest(tmp)
            try:
                os.replace(tmp, folder)
            except OSError:  # another process stored the same content first
                shutil.rmtree(tmp, ignore_errors=True)
                return
        except OSError as exc:  # full, read-only, removed under us: go on without the cache
            shutil.rmtree(tmp, ignore_errors=True)
            self.fail(exc)
            return
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        for i, r in enumerate(results):
            if r.records is not None or arrow[i] is not None:
                r.records, r.records_file = None, folder / f"{i}.records.parquet"

    def store_group(
        self,
        files: list[tuple[str, str, FileResult, int]],
        records: tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray],
    ) -> bool:
        """Write the results of a group of files as one entry, their records in one file.

        Each content hash gets a pointer to the entry (``<hash>.group``, written after the
        entry is complete). Records are then released from memory: each result points at its
        share of the group's records file (:class:`~csp_analysis.ingest.records.RecordsRef`).

        Parameters
        ----------
        files : list of (str, str, FileResult, int)
            Each file's content hash, name relative to the data folder, result (without
            records) and ``part`` in ``records``.
        records : tuple of (pyarrow.Table, numpy.ndarray, numpy.ndarray, numpy.ndarray)
            The files' records: a table, the rows to keep, and each one's ``part`` and ``row``
            (see :func:`~csp_analysis.ingest.records.write_group`).

        Returns
        -------
        bool
            Whether the entry was stored (else the records are the caller's to keep).
        """
        if self.broken or not files:
            return False
        key = xxhash.xxh3_128()
        for digest, _, _, part in files:
            key.update(f"{digest}:{part}\n".encode())
        name = "g-" + key.hexdigest()
        folder = self.entries / name
        try:
            self.entries.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.entries))
        except OSError as exc:
            self.fail(exc)
            return False
        metas: dict[str, dict] = {}
        try:
            total = write_group(*records, tmp / GROUP_RECORDS)
            stacks: dict[str, list[tuple[int, pd.DataFrame]]] = {}
            for digest, source, r, part in files:
                if digest in metas:  # the same content twice: one entry
                    continue
                metas[digest] = _meta_of(r, source, tmp, "", True, grouped=True) | {"part": part}
                for f in FRAMES:
                    if f != "records" and getattr(r, f) is not None:
                        stacks.setdefault(f, []).append((part, getattr(r, f)))
                for k, table in r.tables.items():
                    stacks.setdefault(f"table.{k}", []).append((part, table))
            for kind, pieces in stacks.items():  # one file of each frame for the group
                frame = pd.concat([p for _, p in pieces], ignore_index=True)
                frame[PART] = np.repeat([n for n, _ in pieces], [len(p) for _, p in pieces])
                frame.to_parquet(tmp / f"{kind}.parquet", index=False)
            (tmp / "results.json").write_text(json.dumps({"parts": total, "files": metas}))
            write_manifest(tmp)
            try:
                os.replace(tmp, folder)
            except OSError:  # another process stored the same group first
                shutil.rmtree(tmp, ignore_errors=True)
                if not (folder / "results.json").is_file():
                    raise
            for digest in metas:  # each pointer whole or absent
                _write_atomic(self.entries / (digest + POINTER), name.encode())
        except OSError as exc:  # full, read-only, removed under us: go on without the cache
            shutil.rmtree(tmp, ignore_errors=True)
            self.fail(exc)
            return False
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        path = folder / GROUP_RECORDS
        for _, _, r, part in files:
            r.records, r.records_file = None, RecordsRef(path, (part,), total)
        return True


def unusable(root: Path, exc: BaseException) -> str:
    """The warning for a cache folder that cannot be used.

    Parameters
    ----------
    root : Path
        The cache folder.
    exc : BaseException
        What went wrong.

    Returns
    -------
    str
        One sentence naming the problem and what to do (no local path: the folder is the
        one ``CSP_ASSESS_CACHE_DIR`` or the system names).
    """
    why = getattr(exc, "strerror", None) or str(exc)
    return (
        f"the cache folder cannot be used ({why}); this run reads every file without the "
        f"cache. Set {ENV} to a writable folder, or to 'off'."
    )


def _meta_of(
    r: FileResult, source: str, folder: Path, i: str, has_records: bool, grouped: bool = False
) -> dict:
    """A result's entry metadata (its large tables written to ``folder`` as Parquet).

    With ``grouped``, its frames and tables are kept by the group entry (one Parquet file of
    each for the group's files): the metadata only names them.
    """
    frames = [f for f in FRAMES if f != "records" and getattr(r, f) is not None]
    if has_records:
        frames.append("records")
    if grouped:
        small, inline = {}, {}
    else:
        small = {f: _to_json(getattr(r, f)) for f in frames if f != "records"}
        inline = {k: _to_json(t) for k, t in r.tables.items() if _small(t)}
        for k, table in r.tables.items():
            if k not in inline:
                table.to_parquet(folder / f"{i}.table.{k}.parquet", index=False)
    problems = [
        {f.name: getattr(p, f.name) for f in fields(p) if f.name != "source"} for p in r.problems
    ]
    return {
        "suffix": r.source[len(source) :] if r.source.startswith(source) else "",
        "layout": r.layout,
        "rows_read": r.rows_read,
        "rows_used": r.rows_used,
        "rows_rejected": r.rows_rejected,
        "notes": r.notes,
        "problems": problems,
        "synthetic": r.synthetic,
        "frames": frames,
        "tables": sorted(k for k in r.tables if k not in inline),
        "small": small,
        "small_tables": inline,
        "grouped": grouped,
    }


def _to_json(frame: pd.DataFrame) -> dict:
    """A small frame (counts, coverage, population) as JSON-ready columns and dtypes.

    Reading hundreds of tiny Parquet files costs more than the data; one JSON file per input
    file holds them all.
    """
    data = {}
    for c in frame.columns:
        column = frame[c]
        if pd.api.types.is_integer_dtype(column.dtype) and not column.hasnans:
            data[str(c)] = column.to_numpy().tolist()
        elif pd.api.types.is_float_dtype(column.dtype):
            values = column.to_numpy(dtype=float)
            data[str(c)] = [None if v != v else v for v in values.tolist()]
        elif isinstance(column.dtype, pd.StringDtype):
            data[str(c)] = pa.array(column, from_pandas=True).to_pylist()
        else:
            values = column.to_numpy(dtype=object, na_value=None).tolist()
            data[str(c)] = [v.item() if hasattr(v, "item") else v for v in values]
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
        "data": data,
    }


def _small(frame: pd.DataFrame) -> bool:
    """Whether a table is kept in an entry's JSON: few rows of text, numbers or booleans."""
    plain = (pd.StringDtype, np.dtypes.Int64DType, np.dtypes.Float64DType, np.dtypes.BoolDType)
    return len(frame) <= SMALL_TABLE and all(isinstance(t, plain) for t in frame.dtypes)


def _from_json(spec: dict) -> pd.DataFrame:
    frame = pd.DataFrame({c: spec["data"][c] for c in spec["columns"]}, columns=spec["columns"])
    dtypes = {
        c: ("string" if t in ("str", "string", "object") else t) for c, t in spec["dtypes"].items()
    }
    return frame.astype(dtypes)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
