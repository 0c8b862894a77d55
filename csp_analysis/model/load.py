"""Read a data folder (or a saved dataset) into a :class:`~csp_analysis.model.Dataset`,
through the content-keyed cache: files -> :func:`csp_analysis.ingest.read_folder` -> dataset.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from csp_analysis.categories import CategoryMap, load_category_map
from csp_analysis.exceptions import DataError
from csp_analysis.ingest import read_folder
from csp_analysis.ingest.cache import FileCache, discard, verify_manifest, write_manifest
from csp_analysis.ingest.folder import survey
from csp_analysis.ingest.records import RecordsRef, records_path
from csp_analysis.model.dataset import Dataset
from csp_analysis.model.schema import SAVED_MARKER
from csp_analysis.paths import demo_dir


def load(
    data: str | Path | None = None,
    reference: str | Path | None = None,
    *,
    cache: bool = True,
) -> Dataset:
    """Read a data folder (or a saved dataset) into a :class:`Dataset`.

    Parameters
    ----------
    data : str or Path, optional
        A folder of CSV/XLSX files recognised by their headers, a single file, or a folder
        written by :meth:`Dataset.save`. Default: the built-in synthetic demo data.
    reference : str or Path, optional
        Folder with ``categories.csv`` and ``category_mapping.csv``; default the built-in
        reference tables (``csp_analysis/reference``, package data).
    cache : bool, default True
        Look files up in, and add them to, the content-keyed Parquet cache
        (:mod:`csp_analysis.ingest.cache`; ``CSP_ASSESS_CACHE_DIR=off`` also turns it off).

    Returns
    -------
    Dataset

    Examples
    --------
    >>> ds = load()  # the synthetic demo data
    >>> ds.synthetic
    True
    """
    path = Path(data) if data is not None else demo_dir()
    cmap = load_category_map(reference)
    if is_saved_dataset(path):
        try:
            return Dataset.read_saved(path, cmap)
        except Exception as exc:  # a damaged saved dataset: a message, not a traceback
            raise DataError(
                f"a saved dataset folder ({SAVED_MARKER}) whose files cannot be read ({exc}); "
                "save the dataset again, or remove the marker to read the folder's files",
                file=path.name,
            ) from None
    name = re.sub(r"[^\w .-]", "", path.name) or "data"
    store = FileCache.open(cmap) if cache else None
    if store is None or not path.is_dir():
        return Dataset.from_results(read_folder(path, cmap, store), cmap, name=name)
    files, refusals, linked = survey(path)
    key = store.folder_key(path, files) if not (refusals or linked) else None  # never cached
    if key is not None:
        ds = _read_cached_dataset(store.dataset_folder(key), cmap)
        if ds is not None:
            ds.name = name
            return ds
    ds = Dataset.from_results(read_folder(path, cmap, store), cmap, name=name)
    key = store.folder_key(path, files) if not (refusals or linked) else None
    if key is not None:
        _save_cached_dataset(ds, store.dataset_folder(key), store)
    return ds


def is_saved_dataset(path: Path) -> bool:
    """Whether a folder is a dataset written by :meth:`Dataset.save`.

    A stray ``csp_dataset.json`` in a data folder does not make it one: the marker must be
    the JSON object :meth:`Dataset.save` writes and ``counts.parquet`` must be beside it.

    Parameters
    ----------
    path : Path
        A data folder or file.

    Returns
    -------
    bool
    """
    marker = path / SAVED_MARKER
    if not marker.is_file() or not (path / "counts.parquet").is_file():
        return False
    try:
        meta = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and {"synthetic", "name"} <= set(meta)


def _read_cached_dataset(folder: Path, cmap: CategoryMap) -> Dataset | None:
    """The dataset the cache kept for a folder's exact content, if it is whole."""
    if not (folder / SAVED_MARKER).is_file():
        return None
    if not verify_manifest(folder):  # damaged on disk, or records it names changed
        discard(folder)
        return None
    try:
        ds = Dataset.read_saved(folder, cmap)
    except Exception:  # any damage the checksums missed: read the files again
        discard(folder)
        return None
    if not all(
        isinstance(p, Path | RecordsRef) and records_path(p).is_file() for p in ds.record_parts
    ):
        return None  # part of the cache was cleared: read the files again
    return ds


def _save_cached_dataset(ds: Dataset, folder: Path, store: FileCache) -> None:
    """Keep a folder's dataset in the cache (atomically; a failure only costs speed)."""
    if store.broken or (folder / SAVED_MARKER).is_file():
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    except OSError as exc:
        store.fail(exc)
        return
    try:
        ds.save(tmp, link_records=True)
        linked = (
            list(
                dict.fromkeys(
                    records_path(p) for p in ds.record_parts if not isinstance(p, pd.DataFrame)
                )
            )
            if not (tmp / "records.parquet").is_file()
            else []
        )
        write_manifest(tmp, linked)
        os.replace(tmp, folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if folder.is_dir():  # another process kept the same dataset first
            return
        store.fail(exc)
