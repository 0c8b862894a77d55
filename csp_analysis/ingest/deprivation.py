"""Indices of deprivation by LSOA: the English Indices of Deprivation (IoD 2019 or 2025) and
the Welsh Index of Multiple Deprivation (WIMD).

Recognised by an LSOA code column (``LSOA code (2011)``, ``LSOA code (2021)``, ``LSOA11CD``,
``LSOA code``...) and an Index of Multiple Deprivation decile (``Index of Multiple Deprivation
(IMD) Decile (where 1 is most deprived 10% of LSOAs)``, as in the IoD File 1 and File 7) or,
for WIMD, an overall rank (``WIMD 2019`` or ``WIMD 2019 Overall Rank``), turned into deciles of
the file's own LSOAs (1 = the most deprived tenth). A population column of the file
(``Total population: mid 2015 (excluding prisoners)``), when present, is kept for rates.
Kept as the table ``deprivation``: ``lsoa, decile, population, index`` with ``source`` and
``line``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from csp_analysis.ingest.base import FileResult, Header, norm

#: The name of the table in :attr:`csp_analysis.model.Dataset.tables`.
TABLE = "deprivation"
_LSOA = re.compile(r"^(lsoacode(20)?\d{2}|lsoa\d{2}cd|lsoacode)$")
_DECILE = re.compile(r"^(indexofmultipledeprivationimddecile|imddecile|wimd\d{4}overalldecile)")
_RANK = re.compile(r"^(wimd\d{4}|wimd\d{4}overallrank|wimd\d{4}rank)$")
_POP = re.compile(r"^totalpopulation")


def _find(cols: frozenset[str] | list[str], rx: re.Pattern[str]) -> str | None:
    return next((c for c in sorted(cols) if rx.match(c)), None)


def recognise(header: Header) -> bool:
    """Whether a header is an index of deprivation by LSOA (IMD decile or WIMD rank).

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool

    Examples
    --------
    >>> recognise(Header.of(["LSOA code (2011)", "LSOA name (2011)",
    ...     "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"]))
    True
    >>> recognise(Header.of(["LSOA code", "LSOA name", "WIMD 2019"]))
    True
    """
    if _find(header.cols, _LSOA) is None:
        return False
    return _find(header.cols, _DECILE) is not None or _find(header.cols, _RANK) is not None


def read_deprivation(df: pd.DataFrame, res: FileResult) -> None:
    """Read an index of deprivation into ``res.tables["deprivation"]``.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected group of rows and the
        table ``deprivation`` (``lsoa, decile, population, index, source, line``).

    Notes
    -----
    Rows are rejected for: a blank LSOA code; a decile that is not a whole number from 1 to 10
    (or a rank that is not a positive whole number); the same LSOA twice.
    """
    col = {norm(c): c for c in df.columns}
    res.rows_read = len(df)
    lines = pd.Series(df.index, index=df.index)
    lsoa = df[col[_find(list(col), _LSOA)]].astype("string").str.strip().fillna("")
    decile_key = _find(list(col), _DECILE)
    if decile_key is not None:
        value = pd.to_numeric(df[col[decile_key]].astype("string").str.strip(), errors="coerce")
        ok_value = value.between(1, 10) & (value == value.round())
        index = "IMD" if "wimd" not in decile_key else "WIMD"
        what = f"decile is not a whole number from 1 to 10 (column '{col[decile_key]}')"
    else:
        rank_key = _find(list(col), _RANK)
        value = pd.to_numeric(
            df[col[rank_key]].astype("string").str.replace(",", "").str.strip(), errors="coerce"
        )
        ok_value = (value >= 1) & (value == value.round())
        index = "WIMD"
        what = "rank is not a positive whole number"
    year = re.search(r"(20\d\d)", " ".join(str(c) for c in df.columns if "imd" in norm(c)))
    checks = [
        (lsoa == "", "LSOA code is blank"),
        (~ok_value.fillna(False).astype(bool), what),
        (lsoa.duplicated() & (lsoa != ""), "the same LSOA twice"),
    ]
    bad = pd.Series(False, index=df.index)
    for mask, message in checks:
        mask = mask & ~bad
        res.reject(mask, lines, None, message)
        bad |= mask
    ok = ~bad
    res.rows_used = int(ok.sum())
    if decile_key is not None:
        decile = value[ok].astype("int64")
    else:
        # Deciles of the file's own LSOAs by rank (1 = most deprived tenth).
        n = int(ok.sum())
        decile = np.ceil(value[ok] * 10 / n).clip(1, 10).astype("int64") if n else value[ok]
    pop_key = _find(list(col), _POP)
    population = (
        pd.to_numeric(df[col[pop_key]].astype("string").str.replace(",", ""), errors="coerce")
        if pop_key is not None
        else pd.Series(np.nan, index=df.index)
    )
    label = f"{index} {year.group(1)}" if year else index
    res.tables[TABLE] = pd.DataFrame(
        {
            "lsoa": lsoa[ok],
            "decile": decile,
            "population": population[ok].astype("Float64"),
            "index": pd.Series(label, index=df.index, dtype="string")[ok],
            "source": pd.Series(res.source, index=df.index, dtype="string")[ok],
            "line": lines[ok].astype("int64"),
        }
    ).reset_index(drop=True)
