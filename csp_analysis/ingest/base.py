"""What every layout shares: decoding, header normalisation, and the per-file result."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from csp_analysis.exceptions import DataError

ENCODINGS = ("utf-8-sig", "utf-16", "cp1252")
#: Held while the workbook engine is first imported: reader threads importing openpyxl at
#: once see a partially initialised module (and a valid workbook would be called broken).
_EXCEL_IMPORT = threading.Lock()


#: The words that begin every note of the built-in demo data.
SYNTHETIC_MARK = "synthetic demo"


def marked_synthetic(notes: pd.Series) -> bool:
    """Whether a file labels itself the fictional demo: every note begins "Synthetic demo".

    The word "synthetic" in one note cell of a real file (a remark about a synthetic drug)
    never labels a real report as the fictional demo.

    Parameters
    ----------
    notes : pandas.Series
        A file's note (or police.uk ``Context``) cells.

    Returns
    -------
    bool
        True when there is at least one cell and every cell begins with ``Synthetic demo``
        (any case).

    Examples
    --------
    >>> marked_synthetic(pd.Series(["Synthetic demo data", "synthetic demo data"]))
    True
    >>> marked_synthetic(pd.Series(["", "Seized synthetic cannabinoids"]))
    False
    """
    text = notes.astype("string").fillna("").str.strip().str.casefold()
    return bool(len(text)) and bool(text.str.startswith(SYNTHETIC_MARK).all())


def this_month() -> str:
    """The current calendar month, ``YYYY-MM``: data dated after it are refused.

    Returns
    -------
    str
        Today's month (local time).
    """
    return date.today().strftime("%Y-%m")


#: A number with comma thousands separators (``1,234`` or ``1,234.5``): read without them.
_COMMA_GROUPS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
#: A number with space thousands separators (``2 000``, also no-break and thin spaces).
_SPACE_GROUPS = re.compile(r"^[-+]?\d{1,3}([ \u00a0\u202f]\d{3})+$")
#: ``2.000`` or ``1.234.567``: thousands with European dots, or a decimal? Never guessed.
_DOT_GROUPS = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$")


def number_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Number cells as text :func:`pandas.to_numeric` reads, and which are ambiguous.

    Comma thousands separators (``1,234``) and space ones (``2 000``) are dropped. A value
    that may be either a number with European thousands separators or a decimal (``2.000``:
    two thousand, or two?) or holds a comma that does not group thousands (``2,5``: a decimal
    comma?) is ambiguous: never read as a number (``2.000`` is never 2, ``2,5`` never 25).

    Parameters
    ----------
    values : pandas.Series
        The cells as written.

    Returns
    -------
    text : pandas.Series
        String dtype, stripped, separators removed; ambiguous values left as written.
    ambiguous : pandas.Series
        Boolean, True for the ambiguous values.

    Examples
    --------
    >>> text, amb = number_text(pd.Series(["1,234", "2 000", "2.000", "2,5", " 7 ", "2.5"]))
    >>> text.tolist(), amb.tolist()
    (['1234', '2000', '2.000', '2,5', '7', '2.5'], [False, False, True, True, False, False])
    """
    cells = values.astype("string").str.strip().fillna("")
    comma = cells.str.contains(",", regex=False)
    grouped = cells.str.fullmatch(_COMMA_GROUPS)
    dots = cells.str.fullmatch(_DOT_GROUPS)
    ambiguous = (dots | (comma & ~grouped)).fillna(False).astype(bool)
    spaced = cells.str.fullmatch(_SPACE_GROUPS).fillna(False).astype(bool)
    text = cells.where(~(comma & grouped).fillna(False), cells.str.replace(",", "", regex=False))
    text = text.where(~spaced, text.str.replace(r"[ \u00a0\u202f]", "", regex=True))
    return text.astype("string"), ambiguous


#: Why an ambiguous number (see :func:`number_text`) is not read.
AMBIGUOUS_NUMBER = (
    "is ambiguous: a dot or comma that may separate thousands (European style, 2.000) or "
    "decimals (2,5); write whole numbers without separators or with commas (2,000)"
)


def norm(name: object) -> str:
    """Normalise a column name for matching: lower case, letters and digits only.

    ``"Crime ID"``, ``"crime_id"`` and ``"CrimeID"`` all become ``"crimeid"``.

    Parameters
    ----------
    name : object
        A column name (anything ``str`` accepts).

    Returns
    -------
    str
        The name case-folded, with every character but letters and digits removed.

    Examples
    --------
    >>> norm("Falls within"), norm("falls_within"), norm(" OffenceCode ")
    ('fallswithin', 'fallswithin', 'offencecode')
    """
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


@dataclass(frozen=True)
class Header:
    """A table's header as layouts recognise it.

    Attributes
    ----------
    raw : tuple of str
        The header cells as written, stripped.
    cols : frozenset of str
        The cells normalised by :func:`norm`.
    """

    raw: tuple[str, ...]
    cols: frozenset[str]

    @classmethod
    def of(cls, columns: Iterable[object]) -> Header:
        """The header of a table from its column names.

        Parameters
        ----------
        columns : iterable
            The header cells as written in the file.

        Returns
        -------
        Header

        Examples
        --------
        >>> sorted(Header.of(["Crime ID", " LSOA name "]).cols)
        ['crimeid', 'lsoaname']
        """
        raw = tuple(str(c).strip() for c in columns)
        return cls(raw, frozenset(norm(c) for c in raw))


@dataclass
class Problem:
    """One problem found in an input file: where it is and what is wrong."""

    source: str
    line: int | None
    column: str | None
    message: str
    rows: int = 1
    lines: str = ""
    #: Every line rejected for this reason (``lines`` names only the first five).
    all_lines: list[int] = field(default_factory=list)


@dataclass
class FileResult:
    """What one file (or one sheet) gave: tidy pieces plus exact row accounting.

    ``rows_read == rows_used + rows_rejected`` always holds; every rejected row has a problem.
    """

    source: str
    layout: str
    rows_read: int = 0
    rows_used: int = 0
    rows_rejected: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: pd.DataFrame | None = None
    records: pd.DataFrame | None = None
    records_file: Path | None = None
    population: pd.DataFrame | None = None
    small_area_population: pd.DataFrame | None = None
    lookup: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    synthetic: bool = False

    def reject(self, mask: pd.Series, lines: pd.Series, column: str | None, message: str) -> None:
        """Record the rows under ``mask`` as rejected, naming the first lines affected.

        Parameters
        ----------
        mask : pandas.Series
            Boolean, True for the rows rejected.
        lines : pandas.Series
            The file line of each row (aligned with ``mask``).
        column : str or None
            The column at fault, if one is.
        message : str
            Why the rows are rejected, in plain words.
        """
        n = int(mask.sum())
        if not n:
            return
        every = [int(x) for x in lines[mask]]
        where = ", ".join(str(x) for x in every[:5]) + (" …" if n > 5 else "")
        self.problems.append(Problem(self.source, every[0], column, message, n, where, every))
        self.rows_rejected += n

    @property
    def issue(self) -> str:
        """One-line summary of notes and problems for ``data_quality.csv``."""
        parts = list(self.notes)
        for p in self.problems:
            where = [f"line {p.line}"] if p.line is not None else []
            where += [f"column '{p.column}'"] if p.column else []
            if p.rows:
                first = f"; first at {', '.join(where)}" if where else ""
                parts.append(f"{p.message} [{p.rows} rows{first}]")
            else:
                parts.append(f"{p.message}" + (f" [{', '.join(where)}]" if where else ""))
        return "; ".join(parts)


def decode(raw: bytes, source: str) -> tuple[str, str]:
    r"""Decode file bytes as UTF-8 (with or without BOM), UTF-16 (with BOM) or Windows-1252.

    A file starting with a UTF-16 byte-order mark (Excel's "Unicode Text", usually tab
    separated) is read as UTF-16. Otherwise the file must be UTF-8 throughout or Windows-1252
    throughout: a file mixing the two (UTF-8 accented letters on one line, Windows-1252 on
    another, as when two extracts are pasted together) is refused naming the first line that is
    not UTF-8, because reading it all as Windows-1252 would garble the UTF-8 lines.

    Parameters
    ----------
    raw : bytes
        The file's contents.
    source : str
        The file's name, for error messages.

    Returns
    -------
    tuple of str
        The text (CRLF and CR normalised to LF) and the encoding used (``"utf-8-sig"``,
        ``"utf-16"`` or ``"cp1252"``).

    Raises
    ------
    DataError
        If the file is empty or binary, mixes encodings, or has a line that neither UTF-8 nor
        Windows-1252 decodes (the error names that line).

    Examples
    --------
    >>> decode("a\tb\r\n1\t2\r\n".encode("utf-16"), "x.csv")
    ('a\tb\n1\t2\n', 'utf-16')
    >>> try:
    ...     decode(b"area\nYnys M\xc3\xb4n\nYnys M\xf4n\n", "x.csv")
    ... except DataError as exc:
    ...     print(exc.line, exc.message[:27])
    3 the file mixes encodings: l
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(
                "the file starts as UTF-16 text but is not valid UTF-16", file=source
            ) from exc
        if not text.strip():
            raise DataError("the file is empty", file=source)
        return _lf(text), "utf-16"
    if not raw.strip():
        raise DataError("the file is empty", file=source)
    if b"\x00" in raw[:4096]:
        raise DataError("the file is not text (binary content)", file=source)
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return _lf(raw[bom:].decode("utf-8")), "utf-8-sig"
    except UnicodeDecodeError as exc:
        first_bad = bom + exc.start
    _refuse_unless_windows_1252(raw, first_bad, bom, source)
    return _lf(raw[bom:].decode("cp1252")), "cp1252"


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: Bytes Windows-1252 leaves undefined.
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
#: A well-formed UTF-8 multi-byte character.
_UTF8_CHAR = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _line_no(raw: bytes, pos: int) -> int:
    """1-based line of byte ``pos`` (line ends: LF, CRLF or CR)."""
    return raw.count(b"\n", 0, pos) + raw.count(b"\r", 0, pos) - raw.count(b"\r\n", 0, pos) + 1


def _line_at(raw: bytes, pos: int) -> tuple[int, int]:
    """Start and end (exclusive, before the line end) of the line holding byte ``pos``."""
    start = max(raw.rfind(b"\n", 0, pos), raw.rfind(b"\r", 0, pos)) + 1
    ends = [e for e in (raw.find(b"\n", pos), raw.find(b"\r", pos)) if e >= 0]
    return start, min(ends) if ends else len(raw)


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _refuse_unless_windows_1252(raw: bytes, first_bad: int, bom: int, source: str) -> None:
    """Raise unless a file that is not UTF-8 can be read as Windows-1252 throughout.

    Only reached for files that are not UTF-8; the work is regular-expression scans of the
    bytes plus a check of the few lines they point at.
    """
    # A line neither encoding decodes: the first line that is not UTF-8 and holds a byte
    # Windows-1252 leaves undefined (such a byte inside a UTF-8 line is part of a letter).
    pos = 0
    while (m := _NOT_CP1252.search(raw, pos)) is not None:
        start, end = _line_at(raw, m.start())
        if not _is_utf8(raw[start:end]):
            raise DataError(
                "this line is neither UTF-8 nor Windows-1252 text (a byte neither can decode)",
                file=source,
                line=_line_no(raw, m.start()),
            )
        pos = end + 1
    bad_line = _line_no(raw, first_bad)
    start, end = _line_at(raw, first_bad)
    utf8_pos = None
    if (m := _NON_ASCII.search(raw, bom, start)) is not None:
        utf8_pos = m.start()  # lines before the first non-UTF-8 line are all UTF-8
    else:
        pos = end
        while utf8_pos is None and (m := _UTF8_CHAR.search(raw, pos)) is not None:
            s, e = _line_at(raw, m.start())
            if _is_utf8(raw[s:e]):
                utf8_pos = m.start()
            pos = e + 1
    if utf8_pos is not None:
        raise DataError(
            f"the file mixes encodings: line {bad_line} is not UTF-8 "
            f"(Windows-1252?) but line {_line_no(raw, utf8_pos)} is UTF-8; save "
            "the whole file as UTF-8",
            file=source,
            line=bad_line,
        )


def sniff_delimiter(first_line: str) -> str:
    """Pick the delimiter of a header line among comma, semicolon and tab.

    Parameters
    ----------
    first_line : str
        The header line.

    Returns
    -------
    str
        The one of ``","``, ``";"`` and ``"\\t"`` found most often, ``","`` when none is.
    """
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if max(counts.values()) else ","


def read_csv_text(text: str, source: str) -> pd.DataFrame:
    """Parse CSV text to a string table whose index is the 1-based line number in the file.

    Blank lines and trailing empty columns (an unnamed header with no values) are dropped.
    Every value is a string; empty cells are empty strings (missing is handled by readers).
    The index is the physical line on which each row starts, also after a quoted value that
    spans several lines.

    Rows with more fields than the header are not read: they are listed in
    ``df.attrs["rejected_lines"]`` as ``(reason, [line, ...])`` pairs, which
    :func:`~csp_analysis.ingest.read_table` accounts as rejected rows. The exception is the
    export habit of ending every data row with one more, empty, field than the header: when
    most rows do so, that trailing empty field is ignored (and a row whose extra field is not
    empty is rejected).

    Parameters
    ----------
    text : str
        The decoded file (see :func:`decode`), lines ending in LF.
    source : str
        The file's name, for error messages.

    Returns
    -------
    pandas.DataFrame
        String cells, indexed by line number, with ``attrs["rejected_lines"]`` when rows were
        set aside.

    Examples
    --------
    >>> df = read_csv_text("a,b\\n1,2,\\n3,4,\\n5,6,x\\n", "x.csv")
    >>> df.to_dict("index")
    {2: {'a': '1', 'b': '2'}, 3: {'a': '3', 'b': '4'}}
    >>> df.attrs["rejected_lines"]
    [('3 fields where the header has 2, and the last is not empty: the row is not used', [4])]
    """
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        raise DataError("the file is empty", file=source)
    delim = sniff_delimiter(lines[start])
    reader = _records(lines, start, delim)
    try:
        header = next(reader)
        first_line = start + reader.line_num + 1  # the header may span lines (quoted breaks)
        first = next(reader, None)
        if first is not None and len(first) > len(header):
            # pandas would take column 1 as the index (or, with index_col=False, silently
            # drop the extra fields): the trailing-comma export habit, or a ragged first row.
            sample = [first, *itertools.islice(reader, _SAMPLE - 1)]
            if _trailing_empty_field(sample, len(header)):
                df = _read_trailing(text, lines, start, first_line, header, delim)
                if df is not None:
                    return df
            return _read_ragged(lines, start, delim, source)
    except csv.Error:
        first_line = start + 2  # pandas reports the problem
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skiprows=start,
            quoting=csv.QUOTE_MINIMAL,
            index_col=False,
        )
    except pd.errors.ParserError as exc:
        if _TOO_MANY_FIELDS.search(str(exc)):
            return _read_ragged(lines, start, delim, source)
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) + start if m else None
        raise DataError(f"cannot be read as a table ({exc})", file=source, line=line) from exc
    df.index = _physical_lines(df, lines, first_line)
    return tidy_frame(df)


_TOO_MANY_FIELDS = re.compile(r"Expected \d+ fields in line \d+, saw \d+")
#: Rows looked at to decide whether a file ends its rows with an extra empty field.
_SAMPLE = 1000


def _records(lines: list[str], start: int, delim: str) -> Iterator[list[str]]:
    """csv-module reader over the lines from ``start`` (its ``line_num`` counts lines)."""
    return csv.reader((ln + "\n" for ln in itertools.islice(lines, start, None)), delimiter=delim)


def _trailing_empty_field(records: list[list[str]], n: int) -> bool:
    """Whether most non-blank rows have one field more than the header's ``n``, empty."""
    nonblank = [r for r in records if any(f.strip() for f in r)]
    trailing = sum(1 for r in nonblank if len(r) == n + 1 and not r[-1].strip())
    return 2 * trailing > len(nonblank)


def _physical_lines(df: pd.DataFrame, lines: list[str], first: int) -> pd.Index:
    """Line number of each parsed row (``first``: that of the first row): counted one by one
    unless some quoted values span several lines (then each row's embedded line breaks are
    counted, column by column; only for such files)."""
    physical = len(lines) - (first - 1) - (lines[-1] == "")
    if len(df) == physical:
        return pd.RangeIndex(first, first + len(df))
    extra = np.zeros(len(df), dtype=np.int64)
    for c in df.columns:
        extra += df[c].str.count("\n").fillna(0).to_numpy(dtype=np.int64)
    span = 1 + extra
    return pd.Index(first + np.concatenate([[0], np.cumsum(span)[:-1]]), dtype="int64")


def _column_names(header: list[str]) -> list[str]:
    """Header cells as pandas names them: ``Unnamed: i`` for a blank one, ``x.1`` for a repeat."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        name = name if name.strip() else f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _last_not_empty(n: int) -> str:
    return (
        f"{n + 1} fields where the header has {n}, and the last is not empty: the row is not used"
    )


def _read_trailing(
    text: str, lines: list[str], start: int, first: int, header: list[str], delim: str
) -> pd.DataFrame | None:
    """Read a file whose rows end with one more field than the header (C parser, one extra
    column), or ``None`` when some row has more fields still (see :func:`_read_ragged`).

    The extra field is ignored where empty; a row where it is not is set aside.
    """
    n = len(header)
    names = _column_names([*header, ""])
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skiprows=start + 1,
            header=None,
            names=names,
            quoting=csv.QUOTE_MINIMAL,
            index_col=False,
        )
    except pd.errors.ParserError:
        return None
    df.index = _physical_lines(df, lines, first)
    extra = df[names[-1]].fillna("").str.strip() != ""
    df = tidy_frame(df[~extra])
    set_aside = [int(x) for x in extra.index[extra.to_numpy()]]
    df.attrs["rejected_lines"] = [(_last_not_empty(n), set_aside)] if set_aside else []
    return df


def _read_ragged(lines: list[str], start: int, delim: str, source: str) -> pd.DataFrame:
    """Read a file whose rows do not all have the header's number of fields (csv module).

    Only files the C parser cannot take come here, so the per-row loop costs nothing on clean
    files. Rows longer than the header are set aside with their line and reason (see
    :func:`read_csv_text`); shorter rows are padded with empty cells, as pandas does.
    """
    reader = _records(lines, start, delim)
    records: list[list[str]] = []
    where: list[int] = []
    try:
        header = next(reader)
        prev = reader.line_num
        for rec in reader:
            where.append(start + prev + 1)
            prev = reader.line_num
            records.append(rec)
    except csv.Error as exc:
        raise DataError(
            f"cannot be read as a table ({exc})", file=source, line=start + reader.line_num
        ) from exc
    n = len(header)
    width = n + 1 if _trailing_empty_field(records, n) else n
    sep = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(delim, delim)
    rejected: dict[str, list[int]] = {}
    good: list[list[str]] = []
    good_lines: list[int] = []
    for rec, line in zip(records, where, strict=True):
        if len(rec) > width and any(f.strip() for f in rec):
            why = (
                f"{len(rec)} fields where the header has {n} (a value with an unquoted "
                f"{sep}?): the row is not used"
            )
        elif width > n and len(rec) == width and rec[-1].strip():
            why = _last_not_empty(n)
        else:
            good.append((rec + [""] * (width - len(rec)))[:width])  # blank if longer
            good_lines.append(line)
            continue
        rejected.setdefault(why, []).append(line)
    names = _column_names(header + [""] * (width - n))
    df = (
        pd.DataFrame(good, columns=names, dtype=object)
        if good
        else pd.DataFrame({c: pd.Series(dtype=object) for c in names})
    )
    df.index = pd.Index(good_lines, dtype="int64")
    df = tidy_frame(df)
    df.attrs["rejected_lines"] = list(rejected.items())
    return df


def tidy_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Drop fully blank rows and unnamed empty columns; strip whitespace from names and cells.

    Parameters
    ----------
    df : pandas.DataFrame
        A table as read.

    Returns
    -------
    pandas.DataFrame
        A new table of stripped strings (empty cells as ``""``), index kept.
    """
    df = df.rename(columns=lambda c: str(c).strip())
    unnamed = [c for c in df.columns if c == "" or c.startswith("Unnamed:")]
    drop = [c for c in unnamed if (df[c].fillna("").astype(str).str.strip() == "").all()]
    df = df.drop(columns=drop)
    df = df.fillna("").astype(str)
    for c in df.columns:
        df[c] = df[c].str.strip()
    blank = (df == "").all(axis=1)
    return df[~blank]


def read_excel_sheets(path: Path, source: str) -> dict[str, pd.DataFrame]:
    """Read every sheet of a workbook as raw string cells (no header yet).

    OpenDocument spreadsheets (``.ods``, as the Home Office publishes its recorded crime
    tables) are read with the fast ``calamine`` engine (``python-calamine``); Excel
    workbooks with ``openpyxl``, pandas' default.

    Parameters
    ----------
    path : Path
        The workbook.
    source : str
        Its name, for error messages.

    Returns
    -------
    dict of str to pandas.DataFrame
        Each sheet by name, its cells as strings (empty cells as ``""``).
    """
    with _EXCEL_IMPORT:  # once per process, before any thread parses a workbook
        import openpyxl  # noqa: F401
        import pandas.io.excel._openpyxl  # noqa: F401
    try:
        engine = "calamine" if path.suffix.lower() == ".ods" else "openpyxl"
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine=engine)
    except ImportError:  # the environment's fault, not the file's: never a verdict on it
        raise
    except Exception as exc:  # openpyxl and calamine raise many kinds for a broken workbook
        kind = "an OpenDocument spreadsheet" if engine == "calamine" else "an Excel workbook"
        raise DataError(f"cannot be read as {kind} ({exc})", file=source) from exc
    return {name: df.fillna("").astype(str) for name, df in sheets.items()}


_P = r"(?:\w+:)?"  # an optional namespace prefix
_SHEET = re.compile(rf"<{_P}sheet\b[^>]*>")
_REL = re.compile(rf"<{_P}Relationship\b[^>]*>")
_ATTR = re.compile(r"([\w:]+)=\"([^\"]*)\"")
_MERGE = re.compile(rf"<{_P}mergeCell\b[^>]*?\bref=\"([A-Z]+\d+:[A-Z]+\d+)\"")
_CELL = re.compile(rf"<{_P}c\b[^>]*?\br=\"([A-Z]+\d+)\"[^>]*?(?:/>|>(.*?)</{_P}c>)", re.S)
_FORMULA = re.compile(rf"<{_P}f\b[^>]*?(?:/>|>(.*?)</{_P}f>)", re.S)
_VALUE = re.compile(rf"<{_P}v>[^<]+</{_P}v>")


def _shown(items: list[str]) -> str:
    return ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")


def excel_cell_notes(path: Path) -> dict[str, list[str]]:
    """What a workbook's cells hide from a reader of values: merged cells, unsaved formulas.

    A merged range holds its value in its top-left cell only (the other cells read as blank);
    a formula written by a program that does not calculate (no value saved with it) reads as
    blank. Each is named, so that rows rejected for a blank cell can be understood. The
    sheets' XML is scanned (no second parse of the workbook).

    Parameters
    ----------
    path : Path
        The workbook.

    Returns
    -------
    dict of str to list of str
        Notes per sheet name (sheets without any: absent); empty when the workbook cannot be
        opened as a zip of XML parts (its reader reports that).
    """
    import html
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            links = [dict(_ATTR.findall(tag)) for tag in _REL.findall(rels)]
            target = {a.get("Id"): a.get("Target", "").lstrip("/") for a in links}
            sheets = {}
            for tag in _SHEET.findall(book):
                attrs = dict(_ATTR.findall(tag))
                name, rid = attrs.get("name", ""), attrs.get("r:id")
                part = target.get(rid, "")
                part = part if part.startswith("xl/") else f"xl/{part}"
                if part in z.namelist():
                    sheets[html.unescape(name)] = z.read(part).decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return {}
    out: dict[str, list[str]] = {}
    for name, xml in sheets.items():
        notes = []
        merged = _MERGE.findall(xml) if "mergeCell" in xml else []
        if merged:
            notes.append(
                f"merged cells {_shown(merged)}: only the top-left cell of each holds its "
                "value, the others read as blank (unmerge and fill them)"
            )
        unsaved = []
        if "<f" in xml or ":f" in xml:
            for ref, inner in _CELL.findall(xml):
                f = _FORMULA.search(inner or "")
                if f is not None and not _VALUE.search(inner):
                    unsaved.append(f"{ref} (={html.unescape(f.group(1) or '')})")
        if unsaved:
            notes.append(
                f"formulas without a saved value in {_shown(unsaved)}: they read as blank (the "
                "workbook was written by a program that does not calculate; open and save it "
                "in Excel, or paste the values)"
            )
        if notes:
            out[name] = notes
    return out
