"""data.police.uk outcomes and stop-and-search files.

Outcomes files (``YYYY-MM-<force>-outcomes.csv``: ``Crime ID, Month, Reported by, Falls
within, Longitude, Latitude, Location, LSOA code, LSOA name, Outcome type``) hold one row per
outcome recorded in that month, often for a crime of an earlier month: the latest one is the
crime's current outcome (see :mod:`csp_analysis.analyses.outcomes`). They are kept as the table
``police_uk_outcomes`` (``crime_id, month, outcome, force``, with ``source`` and ``line``);
coordinates and locations are never read.

Stop-and-search files (``YYYY-MM-<force>-stop-and-search.csv``) are recognised and set aside
with a note saying so (the report does not use them yet), never as "header not recognised".
"""

from __future__ import annotations

import pandas as pd

from csp_analysis.ingest.base import FileResult, Header, norm

#: The name of the outcomes table in :attr:`csp_analysis.model.Dataset.tables`.
TABLE = "police_uk_outcomes"
#: The columns that make a header a police.uk outcomes one (normalised names).
OUTCOMES_RECOGNISED_BY = ("crimeid", "month", "fallswithin", "outcometype")
#: The columns that make a header a police.uk stop-and-search one (normalised names).
STOP_SEARCH_RECOGNISED_BY = ("type", "date", "objectofsearch", "outcome")
STOP_SEARCH_NOTE = (
    "police.uk stop-and-search file: recognised, not used by the report (stop and search is "
    "not summarised yet)"
)


def is_outcomes(header: Header) -> bool:
    """Whether a header is a data.police.uk outcomes one.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when every column of ``OUTCOMES_RECOGNISED_BY`` is present (any case and spacing).

    Examples
    --------
    >>> is_outcomes(Header.of(["Crime ID", "Month", "Falls within", "Outcome type"]))
    True
    >>> is_outcomes(Header.of(["Crime ID", "Month", "Falls within", "Crime type"]))
    False
    """
    return set(OUTCOMES_RECOGNISED_BY) <= header.cols


def is_stop_and_search(header: Header) -> bool:
    """Whether a header is a data.police.uk stop-and-search one.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when every column of ``STOP_SEARCH_RECOGNISED_BY`` is present.

    Examples
    --------
    >>> is_stop_and_search(Header.of(["Type", "Date", "Gender", "Object of search", "Outcome"]))
    True
    """
    return set(STOP_SEARCH_RECOGNISED_BY) <= header.cols


def read_outcomes(df: pd.DataFrame, res: FileResult) -> None:
    """Read a police.uk outcomes table into ``res.tables["police_uk_outcomes"]``.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected group of rows and the
        table ``police_uk_outcomes`` (``crime_id, month, outcome, force, source, line``).

    Notes
    -----
    Rows are rejected, each with its first reason, for: a month that is not ``YYYY-MM``; a
    blank Crime ID; a blank outcome type.
    """
    col = {norm(c): c for c in df.columns}
    res.rows_read = len(df)
    lines = pd.Series(df.index, index=df.index)

    def text(key: str) -> pd.Series:
        if key not in col:
            return pd.Series("", index=df.index, dtype="string")
        return df[col[key]].astype("string").str.strip().fillna("")

    crime_id, month, outcome = text("crimeid"), text("month"), text("outcometype")
    force = text("fallswithin").where(text("fallswithin") != "", text("reportedby"))
    checks = [
        (~month.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])"), "month", "month is not YYYY-MM"),
        (crime_id == "", "crimeid", "no Crime ID: the outcome belongs to no crime"),
        (outcome == "", "outcometype", "no outcome type"),
    ]
    bad = pd.Series(False, index=df.index)
    for mask, key, message in checks:
        mask = mask.fillna(True).astype(bool) & ~bad
        res.reject(mask, lines, col.get(key), message)
        bad |= mask
    ok = ~bad
    res.rows_used = int(ok.sum())
    res.tables[TABLE] = pd.DataFrame(
        {
            "crime_id": crime_id[ok],
            "month": month[ok],
            "outcome": outcome[ok],
            "force": force[ok],
            "source": pd.Series(res.source, index=df.index, dtype="string")[ok],
            "line": lines[ok].astype("int64"),
        }
    ).reset_index(drop=True)


def read_stop_and_search(df: pd.DataFrame, res: FileResult) -> None:
    """Set a stop-and-search table aside, every row accounted, with a note saying why.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: every row read and rejected with :data:`STOP_SEARCH_NOTE`.
    """
    res.rows_read = len(df)
    res.reject(
        pd.Series(True, index=df.index), pd.Series(df.index, index=df.index), None, STOP_SEARCH_NOTE
    )
    res.rows_used = 0
