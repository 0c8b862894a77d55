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
    is not zero. A month without every crime category of the area's series (a police.uk file
    filtered to a few crime types, a category absent from a year's tidy extract) has no All
    crime.

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
    # All crime only for months holding every crime category of the series: a month missing
    # some (a police.uk file filtered to one crime type) has no All crime, never a partial one.
    full = set(crimes["category"])
    if (crimes["source"] == "police_uk").any():  # a whole police.uk month lists them all
        full |= set(ds.cmap.of_kind("crime"))
    listed = crimes.groupby("period")["category"].nunique()
    whole = listed[listed == len(full)].index
    crimes = crimes[crimes["period"].isin(whole)]
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

    Parameters
    ----------
    monthly : pandas.DataFrame
        Long table ``month, category, count`` with one row per month and category, as
        :func:`monthly_counts` gives it (a covered month with no crimes of a category is a 0
        row there, so it stays 0 here).
    categories : list of str
        Columns wanted, in order, e.g. ``[ALL_CRIME, *ds.cmap.order]``. Categories without
        any row in ``monthly`` are left out.

    Returns
    -------
    pandas.DataFrame
        Index ``month`` (``YYYY-MM``, every month from the first to the last in
        ``monthly``), one column of counts per category. Counts become floats where a gap
        introduces NaN. With an empty ``monthly``: no rows, one column per category.

    Raises
    ------
    ValueError
        If a month and category appear in more than one row.

    Examples
    --------
    >>> m = pd.DataFrame({"month": ["2024-01", "2024-03"], "category": "Burglary",
    ...                   "count": [5, 7]})
    >>> monthly_wide(m, ["All crime", "Burglary"])["Burglary"].tolist()
    [5.0, nan, 7.0]
    """
    if not len(monthly):
        return pd.DataFrame(columns=categories)
    months = month_range(monthly["month"].min(), monthly["month"].max())
    wide = monthly.pivot(index="month", columns="category", values="count")
    return wide.reindex(index=months, columns=[c for c in categories if c in wide.columns])
