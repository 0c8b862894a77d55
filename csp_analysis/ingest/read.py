"""Read one file's bytes: decode, find the header, recognise the layout, read the table.

:func:`parse_bytes` turns a CSV or XLSX file into one :class:`FileResult` per table (a workbook
may hold several sheets) with exact row accounting; :mod:`csp_analysis.ingest.folder` reads
whole folders, through the cache when one is given.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from csp_analysis.categories import CategoryMap
from csp_analysis.exceptions import DataError
from csp_analysis.ingest import partners, tidy
from csp_analysis.ingest.base import (
    FileResult,
    Header,
    Problem,
    decode,
    excel_cell_notes,
    read_csv_text,
    read_excel_sheets,
    tidy_frame,
)
from csp_analysis.ingest.boundaries import SUFFIXES as BOUNDARY_SUFFIXES
from csp_analysis.ingest.boundaries import read_boundaries
from csp_analysis.ingest.fast import read_police_uk_fast
from csp_analysis.ingest.police_uk import missing_columns
from csp_analysis.ingest.registry import recognise

_YEAR_HINT = re.compile(r"(?<!\d)(19[5-9]\d|20[0-9]\d)(?!\d)")


def year_hint(*texts: str) -> int | None:
    """A four-digit year found in a file name or a title line, if exactly one distinct year.

    Parameters
    ----------
    *texts : str
        File names and title lines (``None`` or empty ones are skipped).

    Returns
    -------
    int or None
        The year, or ``None`` when no year or several different years are found.
    """
    years = {int(y) for t in texts for y in _YEAR_HINT.findall(t or "")}
    return years.pop() if len(years) == 1 else None


def read_table(df: pd.DataFrame, source: str, cmap: CategoryMap, hint: int | None) -> FileResult:
    """Recognise one table by its header and read it.

    Parameters
    ----------
    df : pandas.DataFrame
        String cells indexed by line number (see :func:`~csp_analysis.ingest.base.read_csv_text`).
    source : str
        Name of the file (relative to the data folder), used in every message.
    cmap : CategoryMap
        Category mapping.
    hint : int, optional
        A year found in the file name or title, for population tables without a year column.

    Returns
    -------
    FileResult
    """
    set_aside = list(df.attrs.pop("rejected_lines", []))
    cell_notes = list(df.attrs.pop("notes", []))
    df, repeated = _without_repeated_headers(df)
    set_aside += repeated
    # Partner data has area, period and count but no category: its own layout, not tidy
    # counts that lost a column.
    is_partners = partners.recognise(Header.of(df.columns))
    tidy_missing = [] if is_partners else tidy.missing_columns(df.columns)
    layout = None if tidy_missing else recognise(df.columns)
    res = FileResult(source=source, layout=layout.name if layout else "unrecognised")
    res.notes += cell_notes
    if layout is None:
        missing = missing_columns(df.columns)
        if tidy_missing:
            res.layout = "tidy_counts"
            header = ", ".join(str(c) for c in list(df.columns)[:8])
            message = (
                f"no {tidy_missing[0]} column (header: {header}): tidy counts need area, "
                "period, category and count; rows cannot be used"
            )
            skipped = message
        elif missing:
            res.layout = "police_uk"
            names = " and ".join(f"'{m}'" for m in missing)
            plural = "s" if len(missing) > 1 else ""
            message = (
                f"police.uk street-level file without its {names} column{plural}: "
                "rows cannot be used"
            )
            skipped = message
        else:
            header = ", ".join(str(c) for c in list(df.columns)[:8])
            message = f"header not recognised ({header})"
            skipped = f"skipped: {message}"
        res.rows_read = len(df)
        lines = pd.Series(df.index, index=df.index)
        res.reject(pd.Series(True, index=df.index), lines, None, skipped)
        if not len(df):
            res.problems.append(Problem(source, 1, None, message, 0))
        _set_aside(res, set_aside)
        return res
    layout.read(df, res, cmap, hint)
    _set_aside(res, set_aside)
    assert res.rows_read == res.rows_used + res.rows_rejected, source
    return res


def _without_repeated_headers(df: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, list[int]]]]:
    """Drop rows that repeat the header (files joined with ``cat``), listing their lines.

    One column is compared first (a categorical one when there is one: a comparison of
    codes); only rows matching there are compared in full.
    """
    names = [str(c) for c in df.columns]
    if not len(df) or not names:
        return df, []
    probe = next(
        (c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)), df.columns[0]
    )
    hit = (df[probe] == str(probe)).to_numpy(dtype=bool, na_value=False)
    if not hit.any():
        return df, []
    candidates = df[hit].astype("string")
    same = (candidates == pd.Series(names, index=candidates.columns)).all(axis=1)
    lines = [int(x) for x in candidates.index[same.to_numpy(dtype=bool, na_value=False)]]
    if not lines:
        return df, []
    reason = "repeated header row (files joined together?): not a row of data"
    return df.drop(index=lines), [(reason, lines)]


def _set_aside(res: FileResult, groups: list[tuple[str, list[int]]]) -> None:
    """Account rows set aside before the layout's reader ran (too many fields, repeated header)
    as read and rejected, one problem per reason."""
    for reason, lines in groups:
        n = len(lines)
        where = ", ".join(str(x) for x in lines[:5]) + (" …" if n > 5 else "")
        res.problems.append(Problem(res.source, int(lines[0]), None, reason, n, where))
        res.rows_read += n
        res.rows_rejected += n


def _excel_tables(path: Path, source: str) -> list[tuple[str, pd.DataFrame, int | None]]:
    """Find the header row of each sheet (first recognised row in the first 30) and cut it."""
    out = []
    hidden = excel_cell_notes(path)
    for name, raw in read_excel_sheets(path, source).items():
        for i in range(min(30, len(raw))):
            header = [str(c).strip() for c in raw.iloc[i]]
            if recognise(header):
                body = raw.iloc[i + 1 :].copy()
                body.columns = [h if h else f"Unnamed: {j}" for j, h in enumerate(header)]
                body.index = pd.RangeIndex(i + 2, i + 2 + len(body))
                title = " ".join(" ".join(raw.iloc[k]) for k in range(i))
                hint = year_hint(title) or year_hint(name) or year_hint(path.stem)
                body = tidy_frame(body)
                body.attrs["title"] = title  # the period of an ONS table is in its title
                body.attrs["notes"] = hidden.get(name, [])
                out.append((f"{source} [{name}]", body, hint))
                break
    return out


#: Lines above the header searched for a CSV table's header (title rows, as ONS publishes).
TITLE_LINES = 30


def _below_title(text: str, source: str) -> tuple[pd.DataFrame, str] | None:
    """A CSV table whose header is below title rows (ONS tables), with the title's text.

    The first of the first :data:`TITLE_LINES` records that a layout recognises is the header;
    the lines above it are the title (blanked, so that line numbers stay those of the file).
    ``None`` when no record there is a recognised header.
    """
    lines = text.split("\n")
    head = lines[: TITLE_LINES * 4]
    reader = csv.reader(ln + "\n" for ln in head)
    titles: list[str] = []
    start = 0
    try:
        for _ in range(TITLE_LINES):
            record = next(reader, None)
            if record is None:
                return None
            if titles and recognise([c.strip() for c in record]) is not None:
                blanked = "\n" * start + "\n".join(lines[start:])
                df = read_csv_text(blanked, source)
                title = " ".join(titles)
                df.attrs["title"] = title
                return df, title
            titles.append(" ".join(c.strip() for c in record if c.strip()))
            start = reader.line_num
    except csv.Error:
        return None
    return None


def parse_bytes(raw: bytes, path: Path, source: str, cmap: CategoryMap) -> list[FileResult]:
    """Read one CSV or XLSX file's content; a file that cannot be read becomes a result with
    its problem (layout ``unreadable``).

    Parameters
    ----------
    raw : bytes
        The file's content.
    path : Path
        The file (its suffix says CSV or workbook; a workbook is opened from it).
    source : str
        The file's name relative to the data folder, used in every message.
    cmap : CategoryMap
        Category mapping.

    Returns
    -------
    list of FileResult
        One result per table (a workbook may hold several sheets).
    """
    if path.suffix.lower() in BOUNDARY_SUFFIXES:
        return [read_boundaries(path, source)]
    try:
        if path.suffix.lower() == ".csv":
            fast = read_police_uk_fast(raw)
            if fast is not None:
                return [read_table(fast, source, cmap, None)]
            text, encoding = decode(raw, source)
            df = read_csv_text(text, source)
            title = ""
            if recognise(df.columns) is None:
                below = _below_title(text, source)
                if below is not None:
                    df, title = below
            res = read_table(df, source, cmap, year_hint(title, path.stem))
            if encoding == "cp1252":
                res.notes.append("read as Windows-1252 (not UTF-8)")
            elif encoding == "utf-16":
                res.notes.append("read as UTF-16 (Excel 'Unicode Text')")
            return [res]
        tables = _excel_tables(path, source)
        if not tables:
            raise DataError("no sheet has a recognised header", file=source)
        return [read_table(df, src, cmap, hint) for src, df, hint in tables]
    except DataError as exc:
        res = FileResult(source=source, layout="unreadable")
        res.problems.append(Problem(source, exc.line, exc.column, exc.message, 0))
        return [res]
