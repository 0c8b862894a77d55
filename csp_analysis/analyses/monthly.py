"""Monthly counts by category for one area, with All crime."""

from __future__ import annotations

import pandas as pd

from csp_analysis.categories import ALL_CRIME
from csp_analysis.model import Dataset
from csp_analysis.periods import month_range, period_kind


def monthly_counts(ds: Dataset, area: str) -> pd.DataFrame:
    """Counts per month and category, plus All crime, over every month the data covers.

    All crime is the sum of the ``crime`` categories only: anti-social behaviour and flags
    (domestic abuse, hate crime) are never in it. Months no source covers are absent: missing
    is not zero.

    Parameters
    ----------
    ds : Dataset
    area : str

    Returns
    -------
    pandas.DataFrame
        ``month, category, count`` sorted by month then report order.
    """
    counts = ds.area_counts(area)
    monthly = counts[counts["period"].map(period_kind) == "month"]
    crimes = monthly[monthly["kind"] == "crime"]
    all_crime = crimes.groupby("period", as_index=False)["count"].sum().assign(category=ALL_CRIME)
    out = pd.concat([all_crime, monthly[["period", "category", "count"]]], ignore_index=True)
    order = {c: i for i, c in enumerate([ALL_CRIME, *ds.cmap.order])}
    out = out.rename(columns={"period": "month"})
    out["_o"] = out["category"].map(order)
    out = out.sort_values(["month", "_o"]).drop(columns="_o").reset_index(drop=True)
    out["count"] = out["count"].astype("int64")
    return out.astype({"month": "string", "category": "string"})[["month", "category", "count"]]


def monthly_wide(monthly: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    """Pivot monthly counts to one column per category over a continuous month index.

    Months with no data become missing values (NaN), so charts show gaps, not zeros.
    """
    if not len(monthly):
        return pd.DataFrame(columns=categories)
    months = month_range(monthly["month"].min(), monthly["month"].max())
    wide = monthly.pivot(index="month", columns="category", values="count")
    return wide.reindex(index=months, columns=[c for c in categories if c in wide.columns])
