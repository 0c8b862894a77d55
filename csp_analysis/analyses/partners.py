"""Partner data measured over time: the change in the assessed period and whole-year totals.

Partner counts (``Dataset.tables["partners"]``, read by :mod:`csp_analysis.ingest.partners`)
are their own table: nothing here reads or writes the crime counts, so All crime is never
summed over a partner measure.

A measure is one ``measure`` and ``partner`` of the area. When a partner gives one measure at
more than one granularity (months beside quarters or years), only one is used for each
comparison (never both, which would count the same incidents twice): the finest that both
periods have.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis import defaults
from csp_analysis.model import months_of_period
from csp_analysis.periods import Period, financial_year_of_period, months_phrase, period_kind
from csp_analysis.statistics.change import pct_change

#: The measure's identity columns.
KEY = ["measure", "partner"]
#: Granularities, finest first.
KINDS = ("month", "quarter", "year")
CHANGE_COLUMNS = [
    "measure",
    "partner",
    "unit",
    "data_source",
    "previous",
    "current",
    "change",
    "pct_change",
    "months_compared",
    "previous_months",
    "current_months",
    "provisional",
    "granularity",
    "note",
]
YEAR_COLUMNS = ["measure", "partner", "period", "count", "granularity"]


def _measures(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The (measure, partner) pairs in the order they first appear."""
    pairs = table[KEY].drop_duplicates()
    return [(str(m), str(p)) for m, p in pairs.itertuples(index=False)]


def _one(sub: pd.DataFrame, column: str) -> str:
    """The distinct non-blank values of a column, joined with "; "."""
    values = [v for v in pd.unique(sub[column].astype("string").fillna("")) if v]
    return "; ".join(values)


def partner_change(
    table: pd.DataFrame, period: Period, min_months: int = defaults.MIN_MONTHS
) -> pd.DataFrame:
    """Each partner measure in the assessed period against the same months a year earlier.

    Parameters
    ----------
    table : pandas.DataFrame
        One area's partner counts: ``measure, partner, unit, period, count, data_source``
        (canonical periods: months, quarters or financial years).
    period : Period
        The assessed period; the comparison is :meth:`Period.previous`.
    min_months : int
        A comparison on fewer months than this is ``provisional``.

    Returns
    -------
    pandas.DataFrame
        :data:`CHANGE_COLUMNS`, one row per measure. A row belongs to a period only when all
        its months do; both periods are compared on the calendar months they both have (like
        for like), named in ``previous_months`` and ``current_months``. Without a comparison
        ``previous`` is missing (never zero) and ``current`` is the period's own total, or
        missing too when the period has no data; ``note`` says why.
    """
    prev_period = period.previous()
    cur_set, prev_set = set(period.months), set(prev_period.months)
    rows = []
    for measure, partner in _measures(table):
        sub = table[(table["measure"] == measure) & (table["partner"] == partner)]
        spans = {p: months_of_period(p) for p in sub["period"].unique()}
        side = sub["period"].map(
            {
                p: "cur" if set(ms) <= cur_set else "prev" if set(ms) <= prev_set else ""
                for p, ms in spans.items()
            }
        )
        slot = sub["period"].map({p: ",".join(m[5:] for m in ms) for p, ms in spans.items()})
        kind = sub["period"].map(period_kind)
        best: tuple | None = None
        for k in KINDS:
            cur = sub[(kind == k) & (side == "cur")]
            prev = sub[(kind == k) & (side == "prev")]
            if not len(cur):
                continue
            common = set(slot[cur.index]) & set(slot[prev.index])
            candidate = (k, cur, prev, common)
            if common:
                best = candidate
                break
            best = best or candidate
        row = {
            "measure": measure,
            "partner": partner,
            "unit": _one(sub, "unit"),
            "data_source": _one(sub, "data_source"),
            "previous": None,
            "current": None,
            "months_compared": 0,
            "previous_months": "",
            "current_months": "",
            "provisional": True,
            "granularity": "",
            "note": f"no data for {period.label}",
        }
        if best is not None:
            k, cur, prev, common = best
            row["granularity"] = k
            if common:
                cur = cur[slot[cur.index].isin(common)]
                prev = prev[slot[prev.index].isin(common)]
                cur_months = sorted({m for p in cur["period"] for m in spans[p]})
                prev_months = sorted({m for p in prev["period"] for m in spans[p]})
                n = len(cur_months)
                row |= {
                    "previous": int(prev["count"].sum()),
                    "current": int(cur["count"].sum()),
                    "months_compared": n,
                    "previous_months": months_phrase(prev_months),
                    "current_months": months_phrase(cur_months),
                    "provisional": n < min_months,
                    "note": ""
                    if n == period.n_months
                    else (
                        f"compared on the {n} months present in both periods "
                        f"({months_phrase(prev_months)} and {months_phrase(cur_months)})"
                    ),
                }
            else:
                months = sorted({m for p in cur["period"] for m in spans[p]})
                row |= {
                    "current": int(cur["count"].sum()),
                    "current_months": months_phrase(months),
                    "note": f"no data for {prev_period.label}: no comparison"
                    + (
                        ""
                        if len(months) == period.n_months
                        else f"; {period.label} has only {months_phrase(months)}"
                    ),
                }
        rows.append(row)
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    out["previous"] = pd.array(out["previous"], dtype="Int64")
    out["current"] = pd.array(out["current"], dtype="Int64")
    out["change"] = out["current"] - out["previous"]
    out["pct_change"] = pd.array(
        [
            np.nan if pd.isna(a) or pd.isna(b) or a == 0 else pct_change(int(a), int(b))
            for a, b in zip(out["previous"], out["current"], strict=True)
        ],
        dtype="Float64",
    )
    text = ["measure", "partner", "unit", "data_source", "previous_months", "current_months"]
    return out.astype(
        {c: "string" for c in [*text, "granularity", "note"]}
        | {"months_compared": "int64", "provisional": "bool"}
    )[CHANGE_COLUMNS]


def partner_years(table: pd.DataFrame, last_month: str) -> pd.DataFrame:
    """Whole financial-year totals of each partner measure, for the trend test.

    A year is kept only when one granularity covers all of it: the year's own row, four
    quarters or twelve months (in that order of preference; never two granularities added
    together). Years ending after ``last_month`` are left out.

    Parameters
    ----------
    table : pandas.DataFrame
        One area's partner counts: ``measure, partner, period, count``.
    last_month : str
        The last month of the assessed period (``YYYY-MM``).

    Returns
    -------
    pandas.DataFrame
        :data:`YEAR_COLUMNS`, measures in the order they first appear, years oldest first;
        ``granularity`` says which rows made the year.
    """
    rows = []
    need = {"year": 1, "quarter": 4, "month": 12}
    for measure, partner in _measures(table):
        sub = table[(table["measure"] == measure) & (table["partner"] == partner)]
        sub = sub.assign(
            fy=sub["period"].map(financial_year_of_period),
            kind=sub["period"].map(period_kind),
        )
        for fy in sorted(sub["fy"].unique()):
            if months_of_period(fy)[-1] > last_month:
                continue
            for k in ("year", "quarter", "month"):
                part = sub[(sub["fy"] == fy) & (sub["kind"] == k)]
                if part["period"].nunique() == need[k]:
                    rows.append(
                        {
                            "measure": measure,
                            "partner": partner,
                            "period": fy,
                            "count": int(part["count"].sum()),
                            "granularity": k,
                        }
                    )
                    break
    out = pd.DataFrame(rows, columns=YEAR_COLUMNS)
    return out.astype(
        {"measure": "string", "partner": "string", "period": "string", "count": "int64"}
        | {"granularity": "string"}
    )
