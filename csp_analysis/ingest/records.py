"""Street-level records kept on disk: a file of one input file's records, or a share of a
group file that holds the records of many input files.

The vectorised police.uk pass (:mod:`csp_analysis.ingest.batch`) stores the records of a whole
group of files in one Parquet file (one write instead of one per input file). Its rows are
sorted by partnership area, in row groups with statistics, so that one area's records are read
without the rest; a ``part`` column says which input file each row came from and a ``row``
column its place among that file's records, so any subset of the files is read back in file
order. A :class:`RecordsRef` names such a subset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

#: The columns of a group file that are not record columns.
PART, ROW = "part", "row"
#: Rows of a group file per Parquet row group (one area's rows span one or two).
GROUP_ROWS = 1 << 15


@dataclass(frozen=True)
class RecordsRef:
    """Some input files' records in a group file.

    Attributes
    ----------
    path : Path
        The group file.
    parts : tuple of int
        The input files wanted (values of its ``part`` column), ascending.
    total : int
        How many input files the group file holds.
    """

    path: Path
    parts: tuple[int, ...]
    total: int

    @property
    def whole(self) -> bool:
        """Whether every input file of the group file is wanted."""
        return len(self.parts) >= self.total

    def merge(self, other: RecordsRef) -> RecordsRef:
        """The files of both references (of the same group file).

        Parameters
        ----------
        other : RecordsRef
            A reference to the same group file.

        Returns
        -------
        RecordsRef
        """
        return RecordsRef(self.path, tuple(sorted({*self.parts, *other.parts})), self.total)

    def to_json(self) -> dict:
        """The reference as JSON-ready values (see :meth:`from_json`).

        Returns
        -------
        dict
        """
        return {"path": str(self.path), "parts": list(self.parts), "total": self.total}

    @classmethod
    def from_json(cls, spec: dict) -> RecordsRef:
        """A reference written by :meth:`to_json`.

        Parameters
        ----------
        spec : dict

        Returns
        -------
        RecordsRef
        """
        return cls(Path(spec["path"]), tuple(int(x) for x in spec["parts"]), int(spec["total"]))


def records_path(part: Path | RecordsRef) -> Path:
    """The Parquet file that holds a records part.

    Parameters
    ----------
    part : Path or RecordsRef

    Returns
    -------
    Path
    """
    return part.path if isinstance(part, RecordsRef) else part


def read_records(
    part: Path | RecordsRef,
    columns: list[str] | None = None,
    area: str | list[str] | None = None,
) -> pd.DataFrame:
    """Records kept on disk, as a frame of categoricals (numbers as floats).

    Parameters
    ----------
    part : Path or RecordsRef
        A records file, or some input files' share of a group file.
    columns : list of str, optional
        The columns wanted; default every record column.
    area : str or list of str, optional
        Read only this partnership area's rows, or those of these areas (Parquet row groups
        whose statistics exclude them are skipped).

    Returns
    -------
    pandas.DataFrame
        In file order (a group file's files in the order of their ``part``).
    """
    by_area = (
        []
        if area is None
        else [("area", "==", area)]
        if isinstance(area, str)
        else [("area", "in", list(area))]
    )
    if not isinstance(part, RecordsRef):
        return pd.read_parquet(part, columns=columns, filters=by_area or None)
    import pyarrow.parquet as pq

    filters = list(by_area)
    if not part.whole:
        filters.append((PART, "in", list(part.parts)))
    wanted = None if columns is None else [*columns, PART, ROW]
    table = pq.read_table(
        part.path,
        columns=wanted,
        filters=filters or None,
        read_dictionary=["crime_id"] if columns is None or "crime_id" in columns else None,
    )
    if table.num_rows > 1:
        table = table.sort_by([(PART, "ascending"), (ROW, "ascending")])
    table = table.drop_columns([PART, ROW]).unify_dictionaries()
    # Each text column's categories only the values read (a row group's dictionary holds
    # every value of the row group: as categories, they would make stacking parts slow).
    columns = [
        compact_dictionary(c.combine_chunks()) if pa.types.is_dictionary(c.type) else c
        for c in table.columns
    ]
    return pa.table(columns, names=table.column_names).to_pandas()


def write_group(
    table: pa.Table, rows: np.ndarray, part: np.ndarray, row: np.ndarray, path: Path
) -> int:
    """Write a group's records sorted by area, for :class:`RecordsRef`.

    Rows are sorted by area name (stably, so each file's rows keep their order) and written in
    row groups of :data:`GROUP_ROWS` rows with statistics of ``area`` and ``part``; each row
    group's dictionaries hold only the values it uses (Parquet writes an Arrow dictionary
    whole in every row group). Only dictionary-encoded columns are dictionary-encoded by
    Parquet (an ID or a coordinate is nearly always new). Nothing is compressed: text is
    dictionary-encoded already.

    Parameters
    ----------
    table : pyarrow.Table
        Records, ``area`` dictionary-encoded.
    rows : numpy.ndarray
        The rows of ``table`` to write, in file order.
    part : numpy.ndarray
        The input file of each of ``rows`` (the ``part`` column).
    row : numpy.ndarray
        The place of each of ``rows`` among its file's records (the ``row`` column).
    path : Path
        The file to write.

    Returns
    -------
    int
        The number of input files (distinct ``part`` values) the file holds.
    """
    import pyarrow.parquet as pq

    area = table.column("area").combine_chunks()
    names = np.asarray(area.dictionary.to_pylist(), dtype=object).astype(str)
    rank = np.empty(len(names), dtype=np.int32)
    rank[np.argsort(names, kind="stable")] = np.arange(len(names), dtype=np.int32)
    codes = area.indices.fill_null(0).to_numpy(zero_copy_only=False)[rows]
    order = np.argsort(rank[codes], kind="stable")
    ordered = table.take(pa.array(rows[order]))
    ordered = ordered.append_column(PART, pa.array(part[order].astype(np.int32)))
    ordered = ordered.append_column(ROW, pa.array(row[order].astype(np.int32)))
    schema = _schema(ordered.schema)
    dictionaries = [f.name for f in schema if pa.types.is_dictionary(f.type)]
    with pq.ParquetWriter(
        path,
        schema,
        compression="none",
        use_dictionary=dictionaries,
        write_statistics=["area", PART],
    ) as writer:
        for start in range(0, max(ordered.num_rows, 1), GROUP_ROWS):
            piece = ordered.slice(start, GROUP_ROWS)
            columns = [
                compact_dictionary(c.combine_chunks()) if pa.types.is_dictionary(c.type) else c
                for c in piece.columns
            ]
            writer.write_table(pa.table(columns, schema=schema), row_group_size=GROUP_ROWS)
    return len(np.unique(part))


def _schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [
            f.with_type(pa.dictionary(pa.int32(), f.type.value_type))
            if pa.types.is_dictionary(f.type)
            else f
            for f in schema
        ]
    )


def compact_dictionary(arr: pa.DictionaryArray) -> pa.DictionaryArray:
    """A dictionary array whose dictionary holds only the values it uses.

    Parameters
    ----------
    arr : pyarrow.DictionaryArray

    Returns
    -------
    pyarrow.DictionaryArray
        The same values, indices ``int32``.
    """
    codes = arr.indices.to_numpy(zero_copy_only=False)
    valid = None if arr.null_count == 0 else arr.is_valid().to_numpy(zero_copy_only=False)
    present = codes if valid is None else codes[valid]
    nvalues = len(arr.dictionary)
    if nvalues <= 16 * len(codes) + 1024:  # a table of the dictionary's size is cheap
        used = np.flatnonzero(np.bincount(present, minlength=nvalues))
        remap = np.zeros(nvalues, dtype=np.int32)
        remap[used] = np.arange(len(used), dtype=np.int32)
        inverse = remap[present]
    else:
        used, inverse = np.unique(present, return_inverse=True)
    new = np.zeros(len(codes), dtype=np.int32)
    if valid is None:
        new[:] = inverse
    else:
        new[valid] = inverse
    return pa.DictionaryArray.from_arrays(
        pa.array(new, mask=None if valid is None else ~valid),
        arr.dictionary.take(pa.array(used, pa.int64())),
    )
