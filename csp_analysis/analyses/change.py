"""Year-on-year change by category: previous, current, change and % change.

When either year has missing periods, both years are compared on the periods present in both
(like for like: April with April), and the table says how many months were compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis.categories import ALL_CRIME
from csp_analysis.model import Dataset, months_of_period
from csp_analysis.periods import financial_year_of_period, period_kind, previous_financial_year
from csp_analysis.statistics.change import pct_change

COLUMNS = [
    "category",
    "kind",
    "previous",
    "current",
    "change",
    "pct_change",
    "months_compared",
    "note",
]


def _slot(period: str) -> str:
    """Position of a period within its financial year: month, quarter or the whole year."""
    kind = period_kind(period)
    return {"month": period[5:7], "quarter": period[-2:], "year": "Y"}[kind]


def category_change(ds: Dataset, area: str, year: str) -> pd.DataFrame:
    """Year-on-year table for every category, All crime and anti-social behaviour.

    Parameters
    ----------
    ds : Dataset
    area : str
    year : str
        The assessed financial year, e.g. ``"2025/26"``; compared with the year before.

    Returns
    -------
    pandas.DataFrame
        ``category, kind, previous, current, change, pct_change, months_compared, note``.
        ``pct_change`` is in percent (4.9 means +4.9%). All crime comes first, then the crime
        categories, anti-social behaviour and flags. Counts are missing (not zero) where the
        previous year has no data.
    """
    prev_year = previous_financial_year(year)
    counts = ds.area_counts(area)
    counts = counts.assign(
        fy=counts["period"].map(financial_year_of_period), slot=counts["period"].map(_slot)
    )
    rows = []
    for kind in ("crime", "asb", "flag"):
        sub = counts[counts["kind"] == kind]
        if not len(sub):
            continue
        cur_slots = set(sub.loc[sub["fy"] == year, "slot"])
        prev_slots = set(sub.loc[sub["fy"] == prev_year, "slot"])
        common = cur_slots & prev_slots
        cur = sub[(sub["fy"] == year) & sub["slot"].isin(common)]
        prev = sub[(sub["fy"] == prev_year) & sub["slot"].isin(common)]
        months = len({m[5:] for p in cur["period"].unique() for m in months_of_period(p)})
        note = ""
        if not cur_slots:
            note = f"no data for {year}"
        elif not prev_slots:
            note = f"no data for {prev_year}"
        elif months < 12:
            note = f"compared on the {months} months present in both years"
        present = set(sub["category"])
        cats = [c for c in ds.cmap.of_kind(kind) if c in present]
        if kind == "crime":
            cats = [ALL_CRIME, *cats]
        cur_sum = cur.groupby("category")["count"].sum()
        prev_sum = prev.groupby("category")["count"].sum()
        year_sum = sub[sub["fy"] == year].groupby("category")["count"].sum()
        # A category absent from one year's data is missing there, never 0 (the dataset lists
        # a category only in the years its source gives it); All crime is then summed over
        # the categories both years have, and says which it leaves out.
        both = [c for c in cats if c in cur_sum.index and c in prev_sum.index]
        left_out = [c for c in cats if c != ALL_CRIME and c not in both]
        for cat in cats:

            def pick(sums: pd.Series, c: str = cat, both: list[str] = both) -> int | None:
                if c == ALL_CRIME:
                    return int(sums[sums.index.isin(both)].sum()) if both else None
                return int(sums[c]) if c in sums.index else None

            c_val = pick(cur_sum) if common else None
            p_val = pick(prev_sum) if common else None
            if not common and cur_slots:
                c_val = int(year_sum.sum()) if cat == ALL_CRIME else pick(year_sum)
            row_note = note
            if common and cat != ALL_CRIME and cat in left_out:
                absent = prev_year if cat not in prev_sum.index else year
                row_note = "; ".join(x for x in (note, f"not in the data for {absent}") if x)
            elif common and cat == ALL_CRIME and left_out:
                row_note = "; ".join(
                    x
                    for x in (
                        note,
                        "over the categories both years have (not "
                        + ", ".join(left_out)
                        + ": missing in one year)",
                    )
                    if x
                )
            rows.append(
                {
                    "category": cat,
                    "kind": kind,
                    "previous": p_val,
                    "current": c_val,
                    "months_compared": months if common else 0,
                    "note": row_note,
                }
            )
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("change", "pct_change")])
    out["previous"] = out["previous"].astype("Int64")
    out["current"] = out["current"].astype("Int64")
    out["change"] = (out["current"] - out["previous"]).astype("Int64")
    out["pct_change"] = [
        pct_change(p, c) if pd.notna(p) and pd.notna(c) else np.nan
        for p, c in zip(out["previous"], out["current"], strict=True)
    ]
    out["pct_change"] = out["pct_change"].astype("Float64")
    return out.astype({"category": "string", "kind": "string", "note": "string"})[COLUMNS]
