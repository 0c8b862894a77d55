"""Population: tidy ``area, year, population`` and the ONS layouts.

``year`` is the mid-year estimate (or census) year; financial year 2023/24 uses mid-2023.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from csp_analysis.ingest.base import FileResult, Header, norm, number_text

AREA_GEOGRAPHIES = (
    "local authority",
    "lad",
    "local authority district",
    "unitary authority",
    "non-metropolitan district",
    "metropolitan district",
    "london borough",
    "csp",
    "community safety partnership",
)
SMALL_GEOGRAPHIES = ("lsoa", "ward", "msoa", "electoral ward")
_SUFFIX = re.compile(r"\s+(UA|\(B\))$")
CENSUS_COLUMN = re.compile(r"^(?:pop(\d{2})|allpersons(\d{4}))$")


def census_columns(columns: Iterable[object]) -> dict[str, int]:
    """Census count columns and their years: ``POP11`` -> 2011, ``All persons, 2021`` -> 2021.

    Parameters
    ----------
    columns : iterable
        The header cells as written in the file.

    Returns
    -------
    dict of str to int
        Each census column (as written) and its census year.

    Examples
    --------
    >>> census_columns(["NAME", "POP11", "All persons, 2021"])
    {'POP11': 2011, 'All persons, 2021': 2021}
    """
    out = {}
    for c in columns:
        m = CENSUS_COLUMN.match(norm(c))
        if m:
            out[str(c)] = 2000 + int(m.group(1)) if m.group(1) else int(m.group(2))
    return out


def is_population(header: Header) -> bool:
    """Tidy population: ``area, year, population``.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.
    """
    return {"area", "year", "population"} <= header.cols


def is_ons_census(header: Header) -> bool:
    """ONS census counts: an area name and census columns (``POP11``, ``All persons, 2021``).

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.
    """
    return bool(header.cols & {"name", "areaname"}) and bool(census_columns(header.raw))


def is_ons_mid_year(header: Header) -> bool:
    """ONS mid-year estimates: area name, geography and ``All ages``.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.
    """
    return {"areaname", "geography", "allages"} <= header.cols or {
        "name",
        "geography",
        "allages",
    } <= header.cols


def is_population_no_year(header: Header) -> bool:
    """Population by area name without a year column.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.
    """
    names = {"localauthority", "name", "area", "areaname"}
    return bool(header.cols & names) and "population" in header.cols


def _whole(values: pd.Series) -> pd.Series:
    raw, ambiguous = number_text(values)  # "2.000" is never 2
    num = pd.to_numeric(raw.where((raw != "") & ~ambiguous), errors="coerce")
    return num.where(np.isfinite(num) & (num == num.round()))


def _year_of(values: pd.Series) -> pd.Series:
    """Year from ``2023``, ``mid-2023``, ``2023-06-30`` or a financial year ``2023/24``."""
    return pd.to_numeric(
        values.astype("string").str.extract(r"(\d{4})", expand=False), errors="coerce"
    )


def _finish(
    res: FileResult,
    df: pd.DataFrame,
    area: pd.Series,
    year: pd.Series,
    pop: pd.Series,
    source_label: str | pd.Series,
    skip: pd.Series | None = None,
) -> None:
    lines = pd.Series(df.index, index=df.index)
    bad = pd.Series(False, index=df.index)
    if skip is not None:
        res.reject(skip, lines, None, "skipped: not a persons total for an area")
        bad |= skip
    checks = [
        (area.fillna("") == "", "area", "area is blank"),
        (year.isna(), "year", "year not understood"),
        (pop.isna(), "population", "population is blank or not a whole number"),
        ((pop <= 0).fillna(False), "population", "population is not positive"),
    ]
    for mask, column, message in checks:
        mask = mask.fillna(False).astype(bool) & ~bad
        res.reject(mask, lines, column, message)
        bad |= mask
    res.rows_used = res.rows_read - res.rows_rejected
    res.population = pd.DataFrame(
        {
            "area": area[~bad].astype("string").str.replace(_SUFFIX, "", regex=True),
            "year": year[~bad].astype("int64"),
            "population": pop[~bad].astype("int64"),
            "source": source_label[~bad] if isinstance(source_label, pd.Series) else source_label,
        }
    ).reset_index(drop=True)


def read_population(df: pd.DataFrame, res: FileResult) -> None:
    """Read tidy population (``area, year, population`` and optional ``source``).

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and ``population``.
    """
    col = {norm(c): c for c in df.columns}
    res.rows_read = len(df)
    label = df[col["source"]].astype("string") if "source" in col else res.source
    _finish(
        res,
        df,
        df[col["area"]].astype("string"),
        _year_of(df[col["year"]]),
        _whole(df[col["population"]]),
        label,
    )


def read_ons_census(df: pd.DataFrame, res: FileResult) -> None:
    """Read ONS census counts by area.

    Layouts: ``NAME, POP11, POP21`` or ``Area name, All persons, 2011, All persons, 2021``.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and ``population``.
    """
    col = {norm(c): c for c in df.columns}
    res.rows_read = len(df)
    name = df[col.get("areaname") or col["name"]].astype("string")
    parts = []
    for column, year in census_columns(df.columns).items():
        sub = FileResult(res.source, res.layout, rows_read=len(df))
        _finish(
            sub, df, name, pd.Series(year, index=df.index), _whole(df[column]), f"ONS Census {year}"
        )
        parts.append(sub)
    # A line is used if any of its census columns was used; the first column's accounting counts.
    first = parts[0]
    res.rows_used, res.rows_rejected, res.problems = (
        first.rows_used,
        first.rows_rejected,
        first.problems,
    )
    res.population = pd.concat([p.population for p in parts], ignore_index=True)


def read_ons_mid_year(df: pd.DataFrame, res: FileResult, year_hint: int | None = None) -> None:
    """Read ONS mid-year estimates (persons, all ages) for areas and small areas.

    Local authority rows become area populations; LSOA and ward rows become the small-area
    population used for hot-spot rates. Female and male rows are skipped.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row,
        ``population`` and ``small_area_population``.
    year_hint : int, optional
        The year from the file name or title, used when the table has no year column.
    """
    col = {norm(c): c for c in df.columns}
    res.rows_read = len(df)
    name = df[col.get("areaname") or col["name"]].astype("string")
    code = df[col.get("areacode") or col.get("code") or col.get("areaname") or col["name"]]
    geog = df[col["geography"]].astype("string").str.casefold()
    if "period" in col or "year" in col:
        year = _year_of(df[col.get("period") or col["year"]])
    else:
        year = pd.Series(year_hint, index=df.index, dtype="Float64")
    sex = df[col["sex"]].str.casefold() if "sex" in col else pd.Series("persons", index=df.index)
    pop = _whole(df[col["allages"]])
    persons = sex.isin(["persons", "all", "all persons", ""])
    is_area = geog.isin(AREA_GEOGRAPHIES)
    is_small = geog.isin(SMALL_GEOGRAPHIES)
    skip = ~persons | ~(is_area | is_small)
    small = (~skip & is_small).astype(bool)
    _finish(
        res, df, name.where(~small, "small area"), year, pop, "ONS mid-year estimate", skip=skip
    )
    keep_area = res.population is not None
    if keep_area:
        area_rows = (~skip & is_area & year.notna() & pop.notna()).astype(bool)
        res.population = pd.DataFrame(
            {
                "area": name[area_rows].str.replace(_SUFFIX, "", regex=True),
                "year": year[area_rows].astype("int64"),
                "population": pop[area_rows].astype("int64"),
                "source": "ONS mid-year estimate",
            }
        ).reset_index(drop=True)
    small_rows = (small & year.notna() & pop.notna()).astype(bool)
    res.small_area_population = pd.DataFrame(
        {
            "code": code[small_rows].astype("string"),
            "name": name[small_rows],
            "geography": geog[small_rows],
            "year": year[small_rows].astype("int64"),
            "population": pop[small_rows].astype("int64"),
        }
    ).reset_index(drop=True)


def read_population_no_year(df: pd.DataFrame, res: FileResult, year_hint: int | None) -> None:
    """Read a population table with no year column, taking the year from the file name.

    Without a year in the name the whole file is refused with a message saying so.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and ``population``.
    year_hint : int or None
        The year from the file name or title; ``None`` refuses the whole file.
    """
    col = {norm(c): c for c in df.columns}
    res.rows_read = len(df)
    area_col = next(col[k] for k in ("area", "areaname", "localauthority", "name") if k in col)
    if year_hint is None:
        lines = pd.Series(df.index, index=df.index)
        res.reject(
            pd.Series(True, index=df.index),
            lines,
            None,
            "population without a year: add a 'year' column or a year to the file name",
        )
        return
    res.notes.append(f"no year column: year {year_hint} taken from the file name")
    _finish(
        res,
        df,
        df[area_col].astype("string"),
        pd.Series(year_hint, index=df.index),
        _whole(df[col["population"]]),
        f"population {year_hint} ({res.source})",
    )
