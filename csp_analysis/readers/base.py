"""What every reader shares: decoding, header normalisation, and the per-file result."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from csp_analysis.exceptions import DataError

ENCODINGS = ("utf-8-sig", "cp1252")


def norm(name: object) -> str:
    """Normalise a column name for matching: lower case, letters and digits only.

    ``"Crime ID"``, ``"crime_id"`` and ``"CrimeID"`` all become ``"crimeid"``.

    Examples
    --------
    >>> norm("Falls within"), norm("falls_within"), norm(" OffenceCode ")
    ('fallswithin', 'fallswithin', 'offencecode')
    """
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


@dataclass
class Problem:
    """One problem found in an input file: where it is and what is wrong."""

    source: str
    line: int | None
    column: str | None
    message: str
    rows: int = 1
    lines: str = ""


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
        """Record the rows under ``mask`` as rejected, naming the first lines affected."""
        n = int(mask.sum())
        if not n:
            return
        first = lines[mask].head(5).tolist()
        where = ", ".join(str(x) for x in first) + (" …" if n > 5 else "")
        self.problems.append(Problem(self.source, int(first[0]), column, message, n, where))
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
    """Decode file bytes as UTF-8 (with or without BOM), falling back to Windows-1252.

    Returns
    -------
    tuple of str
        The text (CRLF normalised to LF) and the encoding used.

    Raises
    ------
    DataError
        If the file is empty, binary, or neither encoding decodes it.
    """
    if not raw.strip():
        raise DataError("the file is empty", file=source)
    if b"\x00" in raw[:4096]:
        raise DataError("the file is not text (binary content)", file=source)
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
            return text.replace("\r\n", "\n").replace("\r", "\n"), enc
        except UnicodeDecodeError:
            continue
    raise DataError("the file is neither UTF-8 nor Windows-1252 text", file=source)


def sniff_delimiter(first_line: str) -> str:
    """Pick the delimiter of a header line among comma, semicolon and tab."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if max(counts.values()) else ","


def read_csv_text(text: str, source: str) -> pd.DataFrame:
    """Parse CSV text to a string table whose index is the 1-based line number in the file.

    Blank lines and trailing empty columns (an unnamed header with no values) are dropped.
    Every value is a string; empty cells are empty strings (missing is handled by readers).
    """
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        raise DataError("the file is empty", file=source)
    delim = sniff_delimiter(lines[start])
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skiprows=start,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) + start if m else None
        raise DataError(f"cannot be read as a table ({exc})", file=source, line=line) from exc
    df.index = pd.RangeIndex(start + 2, start + 2 + len(df))
    return tidy_frame(df)


def tidy_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Drop fully blank rows and unnamed empty columns; strip whitespace from names and cells."""
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
    """Read every sheet of a workbook as raw string cells (no header yet)."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise DataError(f"cannot be read as an Excel workbook ({exc})", file=source) from exc
    return {name: df.fillna("").astype(str) for name, df in sheets.items()}
