"""Many clean police.uk street files read as one vectorised pass.

A national year is about 500 police.uk files of 12,000 rows each. Reading them one by one costs
a fixed overhead per file (tens of pandas operations) that outweighs the parsing. Here the
files' rows are parsed together by pyarrow (one multi-threaded read of their concatenated
bodies), every check runs once on the distinct values of a column and is spread to the rows
with numpy, and the group counts of all the files are one ``bincount``.

The pass is taken only where its result is certain to equal the exact reader's
(:func:`csp_analysis.ingest.police_uk.read_police_uk`): a file whose header is police.uk's own
twelve columns, that is UTF-8, has one line per row (so a row's line is its position plus
two), and whose only rows that cannot be used are rows without a location. Any file with
anything else (a month that is not ``YYYY-MM``, a blank force, an unknown crime type, an LSOA
name of another form, a cell with spaces around it, a duplicated Crime ID, several months or
forces, a file filtered to a few crime types) is returned as ``None`` and read by the exact
reader, which names every problem with its line and column.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csp_analysis.categories import CategoryMap
from csp_analysis.ingest.base import FileResult, Problem, marked_synthetic, this_month
from csp_analysis.ingest.police_uk import FILTERED_ROWS, FILTERED_TYPES, LSOA_NAME, SOURCE
from csp_analysis.ingest.records import compact_dictionary

#: police.uk's street-level header, exactly as data.police.uk writes it.
HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
_HEADER_BYTES = ",".join(HEADER).encode()
_NUMERIC = ("Longitude", "Latitude")
#: Not read by the pass (see :func:`_parse`).
_UNUSED = ("Reported by",)
#: Nearly every Crime ID is distinct: read as plain text, encoded file by file.
_ID = "Crime ID"
#: The record columns and the header column each is read from.
RECORDS = {
    "month": "Month",
    "area": None,  # from the LSOA name
    "force": "Falls within",
    "lsoa_code": "LSOA code",
    "lsoa_name": "LSOA name",
    "location": "Location",
    "crime_type": "Crime type",
    "category": None,  # from the crime type
    "longitude": "Longitude",
    "latitude": "Latitude",
    "crime_id": "Crime ID",
    "last_outcome": "Last outcome category",
}
#: Bytes of files parsed in one pyarrow read (bounds the memory of a national year).
CHUNK_BYTES = 128 << 20
#: A value with white space at either end (Python's ``str.isspace`` characters): the exact
#: reader strips it, so such a file is left to it.
_PADDED = r"^[\t-\r\x1c-\x20\x85\p{Z}]|[\t-\r\x1c-\x20\x85\p{Z}]$"
_TEXT = re.compile(rb"\S")
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
NO_LOCATION = "no location (blank LSOA): in the force's total, in no partnership"


@dataclass
class Group:
    """The records of the clean files of a checked group.

    Attributes
    ----------
    table : pyarrow.Table
        Every row of the group as records (text columns dictionary-encoded with the group's
        dictionaries, Crime ID as text).
    rows : numpy.ndarray
        The used rows of the clean files, in file order (positions in ``table``).
    part : numpy.ndarray
        The file (position in the group) of each of ``rows``.
    row : numpy.ndarray
        The place of each of ``rows`` among its file's used rows.
    start, length : dict of int to int
        Where each clean file's rows begin in ``rows``, and how many there are.
    """

    table: pa.Table
    rows: np.ndarray
    part: np.ndarray
    row: np.ndarray
    start: dict[int, int]
    length: dict[int, int]

    def of(self, part: int) -> pa.Table:
        """One file's records with dictionaries of the values it uses (as the exact reader).

        Parameters
        ----------
        part : int
            The file's position in the group.

        Returns
        -------
        pyarrow.Table
        """
        a = self.start[part]
        mine = self.table.take(pa.array(self.rows[a : a + self.length[part]]))
        return _compact(mine, encode_text=True)


@dataclass
class Clean:
    """What the vectorised pass gives for one clean file.

    Attributes
    ----------
    result : FileResult
        Accounting, problems, counts, coverage and the rows table (``records`` left ``None``).
    group : Group
        The records of the file's group.
    part : int
        The file's position in its group.
    """

    result: FileResult
    group: Group
    part: int

    @property
    def records(self) -> pa.Table:
        """The file's used rows' records (text columns dictionary-encoded, its own
        dictionaries)."""
        return self.group.of(self.part)

    def with_records(self) -> FileResult:
        """The result with its records as a pandas frame (categoricals), as the exact reader.

        Returns
        -------
        FileResult
        """
        self.result.records = self.records.to_pandas()
        return self.result


def body_of(raw: bytes) -> bytes | memoryview | None:
    """The rows of a file whose header is exactly police.uk's, or ``None``.

    Parameters
    ----------
    raw : bytes
        A file's content.

    Returns
    -------
    bytes or None
        The bytes after the header line (without a UTF-8 byte-order mark), ending with a line
        break; ``None`` when the header is anything else or the file holds no row.

    Examples
    --------
    >>> bytes(body_of(b",".join(h.encode() for h in HEADER) + b"\\r\\nx\\r\\n"))
    b'x\\r\\n'
    >>> body_of(b"Crime ID,Month\\nx\\n") is None
    True
    """
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    end = raw.find(b"\n", start)
    if end < 0 or raw[start:end].rstrip(b"\r") != _HEADER_BYTES:
        return None
    if _TEXT.search(raw, end + 1) is None:
        return None  # no row at all: the exact reader accounts an empty file
    body = memoryview(raw)[end + 1 :]
    return body if raw.endswith(b"\n") else bytes(body) + b"\n"


@dataclass
class Parsed:
    """A group of files parsed together (the part of the pass that runs outside Python).

    Attributes
    ----------
    count : int
        The number of files given (clean or not).
    group : list of (int, str, bytes)
        Position, name and rows (after the header) of each police.uk file of the group.
    rows : numpy.ndarray
        The number of lines of each.
    table : pyarrow.Table or None
        Their rows parsed together; ``None`` when some file is not one row a line.
    """

    count: int
    group: list[tuple[int, str, bytes | memoryview]]
    rows: np.ndarray
    table: pa.Table | None


def parse_many(items: Sequence[tuple[str, bytes]]) -> Parsed:
    """Parse the rows of the police.uk files among ``items`` together (no check yet).

    Parameters
    ----------
    items : sequence of (str, bytes)
        Each file's name relative to the data folder and its content.

    Returns
    -------
    Parsed
        To be checked by :func:`check_many`.
    """
    group = []
    for i, (source, raw) in enumerate(items):
        body = body_of(raw)
        if body is not None:
            group.append((i, source, body))
    rows = np.array([_lines(b) for _, _, b in group], dtype=np.int64)
    table = _parse([b for _, _, b in group], int(rows.sum())) if group else None
    return Parsed(len(items), group, rows, table)


def check_many(parsed: Parsed, cmap: CategoryMap) -> list[Clean | None]:
    """Check parsed files; the clean ones' results (see :func:`read_police_uk_many`).

    Parameters
    ----------
    parsed : Parsed
        What :func:`parse_many` gave.
    cmap : CategoryMap
        Maps police.uk crime types to report categories.

    Returns
    -------
    list of Clean or None
        One per item given to :func:`parse_many`, in order.
    """
    out: list[Clean | None] = [None] * parsed.count
    if not parsed.group:
        return out
    if parsed.table is None:
        _read_group(parsed.group, cmap, out)
        return out
    sources = [s for _, s, _ in parsed.group]
    for j, clean in _check(parsed.table, parsed.rows, sources, cmap).items():
        out[parsed.group[j][0]] = clean
    return out


def read_police_uk_many(
    items: Sequence[tuple[str, bytes]], cmap: CategoryMap
) -> list[Clean | None]:
    """Read many police.uk files in one vectorised pass; ``None`` for each file it leaves.

    Parameters
    ----------
    items : sequence of (str, bytes)
        Each file's name relative to the data folder and its content.
    cmap : CategoryMap
        Maps police.uk crime types to report categories.

    Returns
    -------
    list of Clean or None
        One per item, in order: the file's result when it is clean (see the module's
        docstring), else ``None`` (the exact reader must read it).
    """
    return check_many(parse_many(items), cmap)


def _lines(body: bytes | memoryview) -> int:
    """The number of line breaks in a body (counted by numpy, outside the interpreter lock)."""
    return int(np.count_nonzero(np.frombuffer(body, dtype=np.uint8) == 10))


_BUFFER = threading.local()


def _join(bodies: list[bytes | memoryview]) -> memoryview:
    """The bodies one after another, in a buffer this thread reuses (a fresh 128 MB buffer
    for every group costs the system a page fault every 4 kB).

    The buffer is overwritten by the thread's next call: the parsed table does not refer to it
    (pyarrow copies the values it parses).
    """
    size = sum(memoryview(b).nbytes for b in bodies)
    buffer = getattr(_BUFFER, "value", None)
    if buffer is None or len(buffer) < size:
        buffer = _BUFFER.value = np.empty(max(size, 1), dtype=np.uint8)
    at = 0
    for b in bodies:
        n = memoryview(b).nbytes
        buffer[at : at + n] = np.frombuffer(b, dtype=np.uint8)
        at += n
    return memoryview(buffer)[:size]


def _parse(bodies: list[bytes | memoryview], rows: int) -> pa.Table | None:
    """The rows of several bodies, parsed together; ``None`` when any is not one row a line.

    Text is parsed as text and then dictionary-encoded column by column (one dictionary per
    column: cheaper than the CSV reader's dictionaries, which are unified afterwards). The
    ``Reported by`` column is not read: a file whose ``Falls within`` is blank (the only use
    of it) is left to the exact reader.
    """
    wanted = [h for h in HEADER if h not in _UNUSED]
    types = {h: pa.float64() if h in _NUMERIC else pa.string() for h in wanted}
    joined = _join(bodies)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(joined),
            read_options=pacsv.ReadOptions(column_names=list(HEADER), block_size=8 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=wanted,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != rows:
        return (
            None  # a blank line, or a line break inside a value: line numbers need the exact path
        )
    del joined
    for i, h in enumerate(table.column_names):
        if h not in _NUMERIC and h != _ID:
            encoded = pc.dictionary_encode(table.column(i).combine_chunks())
            table = table.set_column(i, h, encoded)
    return table


def _read_group(
    group: list[tuple[int, str, bytes | memoryview]], cmap: CategoryMap, out: list
) -> None:
    """Parse a group of bodies together; a group that cannot be parsed is split in two."""
    rows = np.array([_lines(b) for _, _, b in group], dtype=np.int64)
    table = _parse([b for _, _, b in group], int(rows.sum()))
    if table is None:
        if len(group) > 1:
            half = len(group) // 2
            _read_group(group[:half], cmap, out)
            _read_group(group[half:], cmap, out)
        return
    for j, clean in _check(table, rows, [s for _, s, _ in group], cmap).items():
        out[group[j][0]] = clean


class _Column:
    """A dictionary column: its distinct values and each row's code."""

    def __init__(self, column: pa.ChunkedArray) -> None:
        chunks = column.chunks
        self.values: pa.Array = chunks[0].dictionary if chunks else pa.array([], pa.string())
        self.codes = (
            np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
            if chunks
            else np.zeros(0, dtype=np.int32)
        )

    def strip(self) -> bool:
        """Strip white space from the values, as the exact reader does (equal values merge).

        Returns
        -------
        bool
            Whether any value had white space at either end.
        """
        padded = pc.match_substring_regex(self.values, _PADDED).to_numpy(zero_copy_only=False)
        if not padded.any():
            return False
        stripped = [str(v).strip() for v in self.values.to_pylist()]
        codes, uniques = pd.factorize(pd.Series(stripped, dtype=object))
        self.values = pa.array(list(uniques), pa.string())
        self.codes = codes.astype(np.int32)[self.codes]
        return True

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        """Spread one boolean per distinct value to the rows."""
        return np.asarray(per_value, dtype=bool)[self.codes]


def _flag(bad_rows: np.ndarray, file_of: np.ndarray, unclean: np.ndarray) -> None:
    """Mark the files holding any of ``bad_rows`` as not clean."""
    if bad_rows.any():
        unclean[np.unique(file_of[bad_rows])] = True


def _check(
    table: pa.Table, rows: np.ndarray, sources: list[str], cmap: CategoryMap
) -> dict[int, Clean]:
    """Check every row of a parsed group at once; the clean files' results by position."""
    table = table.unify_dictionaries()
    nfiles = len(rows)
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]])
    file_of = np.repeat(np.arange(nfiles), rows)
    unclean = np.zeros(nfiles, dtype=bool)
    col = {h: _Column(table.column(h)) for h in HEADER if h not in (*_NUMERIC, _ID, *_UNUSED)}
    for c in col.values():  # cells stripped of white space, as the exact reader does
        c.strip()
    # A Crime ID with white space around it is left to the exact reader (only IDs that are
    # not plain letters and digits are searched).
    ids = table.column(_ID).combine_chunks()
    maybe = _ends_maybe_space(ids)
    if maybe.any():
        padded = pc.match_substring_regex(ids.filter(pa.array(maybe)), _PADDED)
        maybe[maybe] = padded.to_numpy(zero_copy_only=False)
        _flag(maybe, file_of, unclean)

    month = col["Month"]
    mv = month.values
    month_ok = pc.match_substring_regex(mv, _MONTH).to_numpy(zero_copy_only=False)
    month_ok &= np.asarray(pc.less_equal(mv, this_month()).to_numpy(zero_copy_only=False), bool)
    _flag(month.rows(~month_ok), file_of, unclean)

    force = col["Falls within"]
    _flag(force.rows(pc.equal(force.values, "").to_numpy(zero_copy_only=False)), file_of, unclean)

    crime_type = col["Crime type"]
    category_of = cmap.lookup("police_uk", "crime_type", _strings(crime_type.values))
    _flag(crime_type.rows(category_of.isna().to_numpy()), file_of, unclean)

    lsoa = col["LSOA name"]
    area_of = _areas(lsoa.values)
    blank = pc.equal(lsoa.values, "").to_numpy(zero_copy_only=False)
    _flag(lsoa.rows(area_of.isna().to_numpy() & ~blank), file_of, unclean)
    no_location = lsoa.rows(blank)

    context = col["Context"]
    if marked_synthetic(pd.concat([_strings(context.values), pd.Series([""], dtype="string")])):
        unclean[:] = True  # never: the exact reader counts the blank label too

    # A Crime ID twice in a file is found when each file's records are encoded (_results).

    # One force and one month per file (else coverage and mis-dated rows: exact path).
    for c in (force, month):
        lo = np.minimum.reduceat(c.codes, starts)
        hi = np.maximum.reduceat(c.codes, starts)
        unclean |= lo != hi
    # A file of FILTERED_ROWS rows or more holding few crime types is a filtered file.
    ntypes = _distinct_per_file(crime_type.codes, len(crime_type.values), starts, file_of)
    unclean |= (rows >= FILTERED_ROWS) & (ntypes <= FILTERED_TYPES)

    if unclean.all():
        return {}
    # A Crime ID twice among a file's used rows: the exact reader names the lines.
    _flag_repeated_ids(ids, ~no_location & ~unclean[file_of], file_of, unclean)
    if unclean.all():
        return {}
    return _results(
        table, col, rows, starts, file_of, unclean, no_location, area_of, category_of, sources
    )


def _flag_repeated_ids(
    ids: pa.StringArray, rows: np.ndarray, file_of: np.ndarray, unclean: np.ndarray
) -> None:
    """Mark the files where a non-blank Crime ID is on two of the selected ``rows``.

    Each ID is keyed by a 64-bit hash of its length and first and last eight bytes (read from
    Arrow's buffers, no text copied) mixed with its file; only rows whose key is repeated
    are compared as text.
    """
    chosen = np.flatnonzero(rows)
    if not len(chosen) or len(ids) == 0:
        return
    _, offsets, data = ids.buffers()
    if data is None or data.size == 0:
        return  # every ID blank
    off = np.frombuffer(offsets, dtype=np.int32, count=len(ids) + 1, offset=ids.offset * 4)
    start, end = off[chosen], off[chosen + 1]
    nonblank = end > start
    chosen, start, end = chosen[nonblank], start[nonblank], end[nonblank]
    if len(chosen) < 2:
        return
    size = data.size
    length = (end - start).astype(np.int64)
    head = np.zeros(len(chosen), dtype=np.uint64)
    tail = np.zeros(len(chosen), dtype=np.uint64)
    if size >= 8:
        # Every 8 bytes of the buffer as a little-endian number, one per byte offset.
        words = np.ndarray((size - 7,), dtype="<u8", buffer=data, strides=(1,))
        inside = start <= size - 8
        head[inside] = words[start[inside]]
        long = length >= 8
        tail[long] = words[end[long] - 8]
    for k in np.flatnonzero(~inside if size >= 8 else np.ones(len(chosen), bool)):
        head[k] = int.from_bytes(data[int(start[k]) : int(start[k]) + 8].to_pybytes(), "little")
    short = length < 8
    head[short] &= (np.uint64(1) << (length[short].astype(np.uint64) * np.uint64(8))) - np.uint64(1)
    tail[short] = head[short]
    key = head * np.uint64(0x9E3779B97F4A7C15)
    key ^= tail
    key ^= length.astype(np.uint64) << np.uint64(48)
    key ^= file_of[chosen].astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    maybe = pd.Index(key).duplicated(keep=False)
    if not maybe.any():
        return
    rows_again = chosen[maybe]
    seen: set[tuple[int, str]] = set()
    texts = ids.take(pa.array(rows_again)).to_pylist()
    for f, text in zip(file_of[rows_again].tolist(), texts, strict=True):
        if (f, text) in seen:
            unclean[f] = True
        seen.add((f, text))


def _areas(names: pa.Array) -> pd.Series:
    """The area of each LSOA name (``LSOA_NAME``), missing where the name is not of its form.

    ASCII names are matched by pyarrow's regular expressions, which agree with Python's on
    ASCII text; the others (``\\s`` and ``\\d`` differ beyond it) by Python's, as the exact
    reader does.
    """
    found = pc.struct_field(pc.extract_regex(names, LSOA_NAME), [0])
    area = pd.Series(found.to_pylist(), dtype="string")
    ascii_ = pc.string_is_ascii(names).to_numpy(zero_copy_only=False)
    if not ascii_.all():
        other = _strings(names)[~ascii_].str.extract(LSOA_NAME)["area"]
        area[~ascii_] = other.to_numpy()
    return area


def _ends_maybe_space(values: pa.StringArray) -> np.ndarray:
    """Whether each value begins or ends with a byte that may be white space (ASCII white
    space, or any byte of a non-ASCII character): read from Arrow's buffers, no copy."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=bool)
    _, offsets, data = values.buffers()
    if data is None or data.size == 0:
        return np.zeros(n, dtype=bool)  # every value empty
    off = np.frombuffer(offsets, dtype=np.int32, count=n + 1, offset=values.offset * 4)
    raw = np.frombuffer(data, dtype=np.uint8)
    nonempty = off[1:] > off[:-1]
    first = raw[np.where(nonempty, off[:-1], 0)]
    last = raw[np.where(nonempty, off[1:] - 1, 0)]

    def spacey(b: np.ndarray) -> np.ndarray:
        return ((b >= 9) & (b <= 13)) | ((b >= 28) & (b <= 32)) | (b >= 0x80)

    return nonempty & (spacey(first) | spacey(last))


def _strings(values: pa.Array) -> pd.Series:
    return pd.Series(values.to_pylist(), dtype="string")


def _distinct_per_file(
    codes: np.ndarray, nvalues: int, starts: np.ndarray, file_of: np.ndarray
) -> np.ndarray:
    """The number of distinct codes in each file's rows."""
    if nvalues <= 63:
        bits = np.left_shift(np.uint64(1), codes.astype(np.uint64))
        return np.array(
            [bin(int(x)).count("1") for x in np.bitwise_or.reduceat(bits, starts)], dtype=np.int64
        )
    key = np.unique(file_of.astype(np.int64) * nvalues + codes)
    return np.bincount(key // nvalues, minlength=len(starts))


def _results(
    table: pa.Table,
    col: dict[str, _Column],
    rows: np.ndarray,
    starts: np.ndarray,
    file_of: np.ndarray,
    unclean: np.ndarray,
    no_location: np.ndarray,
    area_of: pd.Series,
    category_of: pd.Series,
    sources: list[str],
) -> dict[int, Clean]:
    """The results of the clean files of a checked group."""
    nfiles = len(rows)
    used = ~no_location
    # Areas and categories as codes into their own distinct values.
    area_codes, area_values = pd.factorize(area_of, use_na_sentinel=True)
    area_row = area_codes[col["LSOA name"].codes]
    cat_codes, cat_values = pd.factorize(category_of, use_na_sentinel=True)
    cat_row = cat_codes[col["Crime type"].codes]
    n_area, n_cat = max(len(area_values), 1), max(len(cat_values), 1)

    # Counts: one bincount over (file, area, category); force and month are the file's own.
    keep = used & ~unclean[file_of]
    key = (file_of[keep].astype(np.int64) * n_area + area_row[keep]) * n_cat + cat_row[keep]
    space = nfiles * n_area * n_cat
    if space <= 64_000_000:
        tally = np.bincount(key, minlength=space)
        cells = np.flatnonzero(tally)
        sizes = tally[cells]
    else:
        cells, sizes = np.unique(key, return_counts=True)
    cell_file = cells // (n_area * n_cat)
    bounds = np.searchsorted(cell_file, np.arange(nfiles + 1))
    area_text = np.asarray(area_values, dtype=object)[(cells // n_cat) % n_area]
    cat_text = np.asarray(cat_values, dtype=object)[cells % n_cat]

    lost = np.bincount(file_of[no_location], minlength=nfiles)
    force_v = np.asarray(col["Falls within"].values.to_pylist(), dtype=object)
    month_v = np.asarray(col["Month"].values.to_pylist(), dtype=object)
    # The records of the clean files' used rows, in file order, with each row's file and
    # place among the file's used rows.
    kept_rows = np.flatnonzero(keep)
    per_file = np.bincount(file_of[kept_rows], minlength=nfiles)
    first = np.concatenate([[0], np.cumsum(per_file)[:-1]])
    part = file_of[kept_rows].astype(np.int32)
    group = Group(
        _records_table(table, col, area_row, area_values, cat_row, cat_values),
        kept_rows,
        part,
        (np.arange(len(kept_rows)) - first[part]).astype(np.int32),
        {j: int(first[j]) for j in range(nfiles) if not unclean[j]},
        {j: int(per_file[j]) for j in range(nfiles) if not unclean[j]},
    )
    lsoa_column = "LSOA name"

    # Each file's force and month (its first row's), then the group's tables, cut by file.
    clean = np.flatnonzero(~unclean)
    force_of = force_v[col["Falls within"].codes[starts]].astype(str)
    month_of = month_v[col["Month"].codes[starts]].astype(str)
    cell_file = cells // (n_area * n_cat)
    counts = pd.DataFrame(
        {
            "area": pd.array(area_text, dtype="string"),
            "force": pd.array(force_of[cell_file], dtype="string"),
            "period": pd.array(month_of[cell_file], dtype="string"),
            "category": pd.array(cat_text, dtype="string"),
            "count": sizes.astype(np.int64),
            "source": pd.array(np.full(len(cells), SOURCE, dtype=object), dtype="string"),
        }
    )
    coverage = pd.DataFrame(
        {
            "force": force_of[clean],
            "area": pd.NA,
            "period": month_of[clean],
            "source": SOURCE,
            "category": pd.NA,
        },
        dtype="string",
    )
    counted = pd.DataFrame(
        {
            "force": pd.array(force_of[clean], dtype="string"),
            "month": pd.array(month_of[clean], dtype="string"),
            "rows": rows[clean].astype(np.int64),
            "no_location": lost[clean].astype(np.int64),
        }
    )

    out: dict[int, Clean] = {}
    for i, j in enumerate(clean.tolist()):
        s, n = int(starts[j]), int(rows[j])
        res = FileResult(source=sources[j], layout="police_uk", rows_read=n)
        k = int(lost[j])
        if k:
            every = (np.flatnonzero(no_location[s : s + n]) + 2).tolist()
            where = ", ".join(str(x) for x in every[:5]) + (" …" if k > 5 else "")
            res.problems.append(
                Problem(sources[j], every[0], lsoa_column, NO_LOCATION, k, where, every)
            )
            res.rows_rejected = k
        res.rows_used = n - k
        res.counts = counts.iloc[int(bounds[j]) : int(bounds[j + 1])].reset_index(drop=True)
        res.coverage = coverage.iloc[i : i + 1].reset_index(drop=True)
        res.tables["police_uk_rows"] = counted.iloc[i : i + 1].reset_index(drop=True)
        out[j] = Clean(res, group, j)
    return out


def _records_table(
    table: pa.Table,
    col: dict[str, _Column],
    area_row: np.ndarray,
    area_values: pd.Index,
    cat_row: np.ndarray,
    cat_values: pd.Index,
) -> pa.Table:
    """Every row of the group as records (before the unused rows are dropped)."""
    arrays = {}
    for name, header in RECORDS.items():
        if name == "area":
            arrays[name] = _dictionary(area_row, list(area_values))
        elif name == "category":
            arrays[name] = _dictionary(cat_row, list(cat_values))
        elif header in _NUMERIC or header == _ID:
            arrays[name] = table.column(header).combine_chunks()
        else:
            c = col[header]
            arrays[name] = pa.DictionaryArray.from_arrays(pa.array(c.codes, pa.int32()), c.values)
    return pa.table(arrays)


def _dictionary(codes: np.ndarray, values: list) -> pa.DictionaryArray:
    mask = codes < 0
    return pa.DictionaryArray.from_arrays(
        pa.array(np.where(mask, 0, codes).astype(np.int32), mask=mask),
        pa.array([str(v) for v in values] or [""], pa.string()),
    )


def _compact(records: pa.Table, encode_text: bool = False) -> pa.Table:
    """Records with each dictionary holding only the values they use.

    Parameters
    ----------
    records : pyarrow.Table
        Records with dictionary-encoded text (their group's dictionaries).
    encode_text : bool, default False
        Also dictionary-encode plain text columns (the Crime ID).

    Returns
    -------
    pyarrow.Table
    """
    columns = []
    for column in records.columns:
        arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_string(arr.type) and encode_text:
            arr = pc.dictionary_encode(arr).cast(pa.dictionary(pa.int32(), pa.string()))
        elif pa.types.is_dictionary(arr.type):
            arr = compact_dictionary(arr)
        columns.append(arr)
    return pa.table(columns, names=records.column_names)
