"""Partner data: ``area, period, measure, count, source`` (optional ``partner``, ``unit``).

Counts that partner agencies keep (deliberate fires from the fire and rescue service, first-time
entrants to the youth justice system, proven re-offences, violence-related hospital admissions,
British Transport Police crimes), one count of one measure in one area and period per row,
with the body that published it (``source``). They are kept as their own table,
``tables["partners"]``, and never join the crime counts: All crime is never summed over them.

``period`` is a month (``2024-04``), a Home Office quarter (``2024/25 Q1``, ``2024-25 Q1``) or a
financial year (``2024/25``), read by the project's period parsers as the tidy counts read
them (:func:`csp_analysis.ingest.tidy.parse_periods`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis.ingest.base import (
    AMBIGUOUS_NUMBER,
    FileResult,
    Header,
    marked_synthetic,
    norm,
    number_text,
    this_month,
)
from csp_analysis.ingest.tidy import parse_periods
from csp_analysis.periods import (
    months_of_financial_year,
    months_of_quarter,
    parse_period,
    period_kind,
)

#: The table's name in :attr:`csp_analysis.model.Dataset.tables`.
TABLE = "partners"
#: The columns that make the header (normalised names).
COLUMNS = ("area", "period", "measure", "count", "source")
#: The columns of the kept table, in order (``data_source`` is the publishing body, the
#: ``source`` column of the file; ``source`` and ``line`` are the file and line, as in every
#: local table).
KEPT = ["area", "period", "measure", "partner", "unit", "count", "data_source", "source", "line"]


def recognise(header: Header) -> bool:
    """Partner data: ``area, period, measure, count, source`` (any case, spacing and order).

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header has every one of these columns.

    Examples
    --------
    >>> recognise(Header.of(["Area", "Period", "Measure", "Count", "Source", "Partner"]))
    True
    >>> recognise(Header.of(["area", "period", "category", "count"]))
    False
    """
    return set(COLUMNS) <= header.cols


def _first_month(period: str) -> str:
    """The first month (``YYYY-MM``) of a canonical month, quarter or financial year."""
    kind = period_kind(period)
    if kind == "month":
        return period
    return (months_of_quarter if kind == "quarter" else months_of_financial_year)(period)[0]


def _quarter(value: str) -> str | None:
    """The canonical quarter (``2024/25 Q1``) a cell names, or ``None``."""
    if "q" not in value.casefold():
        return None
    try:
        p = parse_period(value)
    except ValueError:
        return None
    return p.label if p.kind == "quarter" else None


def partner_periods(values: pd.Series) -> pd.Series:
    """Canonical periods of a column: months, quarters or financial years; missing where not.

    Parameters
    ----------
    values : pandas.Series
        Period cells as written (``2024-04``, ``2024/25 Q1``, ``FY 2024-25``).

    Returns
    -------
    pandas.Series
        String dtype, aligned with ``values``: ``YYYY-MM``, ``YYYY/YY Qn`` or ``YYYY/YY``.

    Examples
    --------
    >>> partner_periods(pd.Series(["2024-04", "2024-25 q2", "2023/24"])).tolist()
    ['2024-04', '2024/25 Q2', '2023/24']
    """
    text = values.astype("string").str.strip().fillna("")
    quarters = text.map({v: _quarter(v) for v in text.unique()}).astype("string")
    rest = text[quarters.isna()]
    out = quarters.copy()
    if len(rest):
        out[quarters.isna()] = parse_periods(rest)
    return out.astype("string")


def read_partners(df: pd.DataFrame, res: FileResult) -> None:
    """Read partner data into ``res.tables["partners"]``, rejecting bad rows with line and column.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and
        ``tables["partners"]`` with the columns :data:`KEPT` (``partner`` and ``unit`` blank
        when the file has no such column).

    Notes
    -----
    A row is rejected, for the first reason that applies, when its area, measure or source is
    blank; its period is not a month, quarter or financial year, or starts after this month;
    its count is blank (missing is never zero), not a number, not whole or negative. An exact
    repeat of an earlier row is rejected as a duplicate; rows giving the same area, period,
    measure and partner different counts are all rejected (neither is a guess).
    """
    col = {norm(c): c for c in df.columns}
    lines = pd.Series(df.index, index=df.index)
    res.rows_read = len(df)

    def text(name: str) -> pd.Series:
        if name not in col:
            return pd.Series("", index=df.index, dtype="string")
        return df[col[name]].astype("string").str.strip().fillna("")

    area, measure, source = text("area"), text("measure"), text("source")
    partner, unit = text("partner"), text("unit")
    period = partner_periods(df[col["period"]])
    raw, ambiguous = number_text(df[col["count"]])
    num = pd.to_numeric(raw.where((raw != "") & ~ambiguous), errors="coerce").astype("float64")
    num = num.where(np.isfinite(num))
    first = period.map(_first_month, na_action="ignore")
    if "note" in col:
        res.synthetic = marked_synthetic(df[col["note"]])
    bad = pd.Series(False, index=df.index)
    checks = [
        (area == "", col["area"], "area is blank"),
        (measure == "", col["measure"], "measure is blank"),
        (source == "", col["source"], "source is blank: name the body that published the count"),
        (
            period.isna(),
            col["period"],
            "period is not a month (2024-04), quarter (2024/25 Q1) or financial year (2024/25)",
        ),
        (
            (first > this_month()).fillna(False),
            col["period"],
            f"period starts after this month ({this_month()}): not used",
        ),
        (raw == "", col["count"], "count is blank (missing is not zero)"),
        (ambiguous, col["count"], f"count {AMBIGUOUS_NUMBER}"),
        (num.isna() & (raw != ""), col["count"], "count is not a number"),
        (num.notna() & (num != num.round()), col["count"], "count is not a whole number"),
        (num < 0, col["count"], "count is negative"),
    ]
    for mask, column, message in checks:
        mask = mask.fillna(False).astype(bool) & ~bad
        res.reject(mask, lines, column, message)
        bad |= mask
    key = pd.DataFrame(
        {
            "area": area.str.casefold(),
            "period": period,
            "measure": measure.str.replace(r"\s+", " ", regex=True).str.casefold(),
            "partner": partner.str.casefold(),
        }
    )
    rows = key.assign(count=num)
    dup = rows.duplicated(keep="first") & ~bad
    res.reject(dup, lines, None, "duplicate row (same area, period, measure, partner and count)")
    bad |= dup
    clean = key[~bad]
    conflict = pd.Series(df.index.isin(clean[clean.duplicated(keep=False)].index), index=df.index)
    res.reject(
        conflict,
        lines,
        col["count"],
        "the same area, period, measure and partner given twice with different counts: "
        "neither is used",
    )
    bad |= conflict
    res.rows_used = res.rows_read - res.rows_rejected
    keep = ~bad
    table = pd.DataFrame(
        {
            "area": area[keep],
            "period": period[keep],
            "measure": measure[keep],
            "partner": partner[keep],
            "unit": unit[keep],
            "count": num[keep].astype("int64"),
            "data_source": source[keep],
            "source": res.source,
            "line": pd.Series(df.index[keep.to_numpy()], index=df.index[keep.to_numpy()]),
        }
    )
    res.tables[TABLE] = table.astype(
        {c: "string" for c in KEPT if c not in ("count", "line")} | {"line": "int64"}
    )[KEPT].reset_index(drop=True)
