"""A columnar cache of what each input file gave, keyed by the file's content.

Parsing a national year of police.uk files takes seconds; reading back what they gave from
Parquet takes a fraction of that. Each file's results (row accounting, problems, counts,
coverage, records, tables) are stored under the SHA-1 of its bytes and a fingerprint of the
ingest code and category mapping, so an edited file, a changed mapping or a new version of the
layouts is parsed afresh, and a copied or renamed file is not. A small index of each path's size
and modification time spares re-hashing unchanged files on a warm run.

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
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pandas as pd
from platformdirs import user_cache_dir

from csp_analysis.categories import CategoryMap
from csp_analysis.ingest.base import FileResult, Problem
from csp_analysis.paths import PACKAGE_DIR

ENV = "CSP_ASSESS_CACHE_DIR"
#: Bump when the layout of an entry changes.
LAYOUT = "v2"
OFF = {"off", "none", "0", "false", "no"}
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
        self.index = self.root / LAYOUT / "paths"

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
        return None if root is None else cls(root, cmap)

    # ------------------------------------------------------------------ path index
    def _index_file(self, path: Path) -> Path:
        return self.index / (hashlib.sha1(str(path.resolve()).encode()).hexdigest() + ".json")

    def known_digest(self, path: Path) -> str | None:
        """The content hash recorded for ``path`` if its size and time are unchanged.

        Parameters
        ----------
        path : Path
            An input file.

        Returns
        -------
        str or None
            The hash remembered for it, or ``None`` when none is or the file has changed (then
            it must be read and hashed).
        """
        try:
            st = path.stat()
            rec = json.loads(self._index_file(path).read_text())
        except (OSError, ValueError):
            return None
        same = rec.get("size") == st.st_size and rec.get("mtime_ns") == st.st_mtime_ns
        return rec.get("digest") if same else None

    def remember(self, path: Path, digest: str) -> None:
        """Record ``path``'s size, time and content hash.

        Parameters
        ----------
        path : Path
            An input file.
        digest : str
            The hash of its content (:meth:`digest`).
        """
        st = path.stat()
        rec = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "digest": digest}
        _write_atomic(self._index_file(path), json.dumps(rec).encode())

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
            The SHA-1 hex digest.
        """
        return hashlib.sha1(raw).hexdigest()

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
        digest = self.known_digest(path)
        cached = self.load(digest, source) if digest else None
        if cached is not None:
            return cached
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return unreadable(exc)
        digest = self.digest(raw)
        cached = self.load(digest, source)
        if cached is None:
            cached = parse(raw)
            self.store(digest, source, cached)
        self.remember(path, digest)
        return cached

    # ------------------------------------------------------------------ whole folders
    def folder_key(self, root: Path, files: list[Path]) -> str | None:
        """A key for a data folder's exact content: every file's name and content hash.

        ``None`` when a file's hash is not known without reading it (new or changed).

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
        try:
            meta = json.loads((folder / "results.json").read_text())
        except (OSError, ValueError):
            return None
        out = []
        for i, m in enumerate(meta):
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
            for frame in m["frames"]:
                if frame == "records":
                    res.records_file = folder / f"{i}.records.parquet"
                else:
                    setattr(res, frame, _from_json(m["small"][frame]))
            res.tables = {
                k: pd.read_parquet(folder / f"{i}.table.{k}.parquet") for k in m["tables"]
            }
            out.append(res)
        return out

    def store(self, digest: str, source: str, results: list[FileResult]) -> None:
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
        """
        folder = self.entries / digest
        if (folder / "results.json").is_file():
            return
        self.entries.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.entries))
        meta = []
        try:
            for i, r in enumerate(results):
                frames = [f for f in FRAMES if getattr(r, f) is not None]
                if r.records is not None:
                    r.records.to_parquet(tmp / f"{i}.records.parquet", index=False)
                small = {f: _to_json(getattr(r, f)) for f in frames if f != "records"}
                for k, table in r.tables.items():
                    table.to_parquet(tmp / f"{i}.table.{k}.parquet", index=False)
                problems = [
                    {f.name: getattr(p, f.name) for f in fields(p) if f.name != "source"}
                    for p in r.problems
                ]
                meta.append(
                    {
                        "suffix": r.source[len(source) :] if r.source.startswith(source) else "",
                        "layout": r.layout,
                        "rows_read": r.rows_read,
                        "rows_used": r.rows_used,
                        "rows_rejected": r.rows_rejected,
                        "notes": r.notes,
                        "problems": problems,
                        "synthetic": r.synthetic,
                        "frames": frames,
                        "tables": sorted(r.tables),
                        "small": small,
                    }
                )
            (tmp / "results.json").write_text(json.dumps(meta))
            try:
                os.replace(tmp, folder)
            except OSError:  # another process stored the same content first
                shutil.rmtree(tmp, ignore_errors=True)
                return
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        for i, r in enumerate(results):
            if r.records is not None:
                r.records, r.records_file = None, folder / f"{i}.records.parquet"


def _to_json(frame: pd.DataFrame) -> dict:
    """A small frame (counts, coverage, population) as JSON-ready columns and dtypes.

    Reading hundreds of tiny Parquet files costs more than the data; one JSON file per input
    file holds them all.
    """
    data = {}
    for c in frame.columns:
        values = frame[c].astype(object).where(frame[c].notna(), None).tolist()
        data[str(c)] = [v.item() if hasattr(v, "item") else v for v in values]
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
        "data": data,
    }


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
