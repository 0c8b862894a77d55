"""A dataset saved as a folder of Parquet files (``csp_dataset.json`` marks it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from csp_analysis.ingest.records import RecordsRef
from csp_analysis.model.schema import RECORD_FILES, SAVED_MARKER, empty_offences

if TYPE_CHECKING:
    from csp_analysis.model.dataset import Dataset


def save_dataset(
    ds: Dataset, folder: str | Path, areas: list[str] | None = None, link_records: bool = False
) -> Path:
    """Write a dataset to a folder of Parquet files (see :meth:`Dataset.save`).

    Parameters
    ----------
    ds : Dataset
        The dataset.
    folder : str or Path
        Where to write (created if needed).
    areas : list of str, optional
        Keep only these areas' street-level records; default all records.
    link_records : bool, default False
        Name the records' Parquet files instead of copying the records, where every record
        table is one.

    Returns
    -------
    Path
        The folder.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in (
        "counts",
        "offences",
        "coverage",
        "population",
        "small_area_population",
        "lookup",
        "files",
        "problems",
        "rejected",
    ):
        getattr(ds, name).to_parquet(folder / f"{name}.parquet", index=False)
    linked = [
        x.to_json() if isinstance(x, RecordsRef) else str(x)
        for x in ds.record_parts
        if isinstance(x, Path | RecordsRef)
    ]
    if link_records and areas is None and len(linked) == len(ds.record_parts):
        # Records stay in the cache entries; the saved dataset names them.
        (folder / RECORD_FILES).write_text(json.dumps(linked))
        records = None
    else:
        records = ds.records
    if records is None:
        pass
    elif areas is not None and len(records):
        keep = records["area"].astype("string").isin(areas).fillna(False).astype(bool)
        records = records[keep].reset_index(drop=True)
        for c in records.columns:
            if isinstance(records[c].dtype, pd.CategoricalDtype):
                records[c] = records[c].cat.remove_unused_categories()
    if records is not None:
        records.to_parquet(folder / "records.parquet", index=False)
    for key, table in ds.tables.items():
        table.to_parquet(folder / f"table_{key}.parquet", index=False)
    meta = {"synthetic": ds.synthetic, "name": ds.name, "tables": sorted(ds.tables)}
    (folder / SAVED_MARKER).write_text(json.dumps(meta, indent=1))
    return folder


def read_saved_tables(folder: str | Path) -> dict:
    """The tables of a dataset written by :func:`save_dataset`.

    Parameters
    ----------
    folder : str or Path
        The folder :func:`save_dataset` wrote.

    Returns
    -------
    dict
        The keyword arguments of :class:`~csp_analysis.model.Dataset` but ``cmap``.

    Raises
    ------
    FileNotFoundError
        If ``csp_dataset.json`` or one of the Parquet files is missing.
    """
    folder = Path(folder)
    meta = json.loads((folder / SAVED_MARKER).read_text())
    frames: dict = {
        n: pd.read_parquet(folder / f"{n}.parquet")
        for n in (
            "counts",
            "coverage",
            "population",
            "small_area_population",
            "lookup",
            "files",
            "problems",
        )
    }
    # Saved before offences were kept: none (an empty table with its columns).
    offences = folder / "offences.parquet"
    frames["offences"] = pd.read_parquet(offences) if offences.is_file() else empty_offences()
    if (folder / "rejected.parquet").is_file():
        frames["rejected"] = pd.read_parquet(folder / "rejected.parquet")
    if (folder / RECORD_FILES).is_file():
        frames["record_parts"] = [
            RecordsRef.from_json(x) if isinstance(x, dict) else Path(x)
            for x in json.loads((folder / RECORD_FILES).read_text())
        ]
    else:
        frames["record_parts"] = [folder / "records.parquet"]
    tables = {k: pd.read_parquet(folder / f"table_{k}.parquet") for k in meta.get("tables", [])}
    return {**frames, "synthetic": meta["synthetic"], "name": meta["name"], "tables": tables}
