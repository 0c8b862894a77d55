"""Seasonality: STL decomposition and same-month-last-year comparisons.

Many crimes are seasonal (more violence and ASB in summer, more burglary in the dark months), so
a month is compared with the same month a year earlier, never with the month before. STL splits
a monthly series into trend, seasonal and remainder parts so that the seasonal swing and the
underlying trend can be shown separately.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from csp_analysis.periods import month_range, parse_month
from csp_analysis.statistics.change import pct_change

STL_METHOD = "STL decomposition (Cleveland et al. 1990), period 12, robust"
MIN_MONTHS = 24


def _months_of_index(index: pd.Index) -> list[str]:
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
        return [f"{p.year:04d}-{p.month:02d}" for p in index]
    try:
        return [parse_month(str(m)) for m in index]
    except ValueError as exc:
        raise ValueError(f"monthly: the index must be months (YYYY-MM): {exc}") from None


def _list_months(months: list[str], most: int = 6) -> str:
    shown = ", ".join(months[:most])
    return shown + (f" and {len(months) - most} more" if len(months) > most else "")


def decompose_seasonal(monthly: pd.Series, robust: bool = True) -> pd.DataFrame:
    """Split monthly counts into trend, seasonal and remainder with STL.

    Parameters
    ----------
    monthly : pandas.Series
        Counts indexed by month (``"YYYY-MM"`` strings, or a DatetimeIndex / PeriodIndex),
        at least 24 continuous months. A missing month (absent from the index or NaN) is
        refused, never interpolated: pass the longest continuous stretch instead.
    robust : bool
        Use STL's robust fitting so that a single unusual month does not distort the
        seasonal pattern (default True).

    Returns
    -------
    pandas.DataFrame
        Indexed by month (``YYYY-MM``): ``observed``, ``trend``, ``seasonal``, ``resid``
        (observed = trend + seasonal + resid) and ``method``.

    Raises
    ------
    ValueError
        If the index is not months or repeats a month, a month is missing or NaN (the message
        names the missing months), or fewer than 24 months are given.

    References
    ----------
    .. [1] Cleveland, R. B., Cleveland, W. S., McRae, J. E. and Terpenning, I. (1990). STL: a
       seasonal-trend decomposition procedure based on loess. Journal of Official Statistics
       6(1), 3-73.
    .. [2] statsmodels: ``statsmodels.tsa.seasonal.STL``.

    Examples
    --------
    >>> months = month_range("2021-04", "2024-03")
    >>> counts = pd.Series([100 + 10 * (i % 12 == 6) for i in range(36)], index=months)
    >>> parts = decompose_seasonal(counts)
    >>> list(parts.columns)
    ['observed', 'trend', 'seasonal', 'resid', 'method']
    """
    if not isinstance(monthly, pd.Series):
        raise ValueError(f"monthly must be a pandas Series, got {type(monthly).__name__}")
    months = _months_of_index(monthly.index)
    if len(set(months)) != len(months):
        dup = sorted({m for m in months if months.count(m) > 1})
        raise ValueError(f"monthly: month {dup[0]} appears more than once in the index")
    try:
        values = pd.to_numeric(monthly, errors="raise").astype("Float64")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"monthly must be numbers: {exc}") from None
    series = pd.Series(values.to_numpy(dtype="float64", na_value=np.nan), index=months)
    series = series.sort_index()
    if not len(series):
        raise ValueError(f"monthly is empty: STL needs at least {MIN_MONTHS} continuous months")
    full = month_range(series.index[0], series.index[-1])
    series = series.reindex(full)
    gaps = series.index[series.isna()].tolist()
    if gaps:
        raise ValueError(
            f"monthly has {len(gaps)} missing month{'s' if len(gaps) > 1 else ''} "
            f"({_list_months(gaps)}): STL needs continuous months and gaps are never "
            "interpolated; pass the longest continuous stretch"
        )
    if len(series) < MIN_MONTHS:
        raise ValueError(
            f"monthly has {len(series)} months: STL with a 12-month season needs "
            f"at least {MIN_MONTHS} continuous months (two full years)"
        )
    fit = STL(series.to_numpy(), period=12, robust=bool(robust)).fit()
    out = pd.DataFrame(
        {
            "observed": series.to_numpy(),
            "trend": np.asarray(fit.trend),
            "seasonal": np.asarray(fit.seasonal),
            "resid": np.asarray(fit.resid),
        },
        index=pd.Index(full, dtype="string", name="month"),
    )
    out["method"] = pd.array(
        [STL_METHOD if robust else STL_METHOD.replace(", robust", "")] * len(out), dtype="string"
    )
    return out


def _year_before(month: str) -> str:
    return f"{int(month[:4]) - 1:04d}-{month[5:7]}"


def compare_same_month(monthly: pd.DataFrame) -> pd.DataFrame:
    """Each month's count beside the same month a year earlier.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``month, category, count`` as from :func:`csp_analysis.analyses.monthly.monthly_counts`.

    Returns
    -------
    pandas.DataFrame
        ``month, category, count, count_year_before, change, pct_change`` in the order of
        ``monthly``. ``count_year_before``, ``change`` and ``pct_change`` are missing where the
        same month a year earlier has no count (a missing month is never a zero);
        ``pct_change`` is in percent, rounded to 0.1, and missing when the year before was 0.

    Raises
    ------
    ValueError
        If a column is missing or a category has the same month twice.

    References
    ----------
    .. [1] Office for National Statistics. Crime in England and Wales: compares periods with
       the same period a year earlier to remove seasonal effects.

    Examples
    --------
    >>> frame = pd.DataFrame({"month": ["2023-07", "2024-07"], "category": "Robbery",
    ...                       "count": [40, 50]})
    >>> compare_same_month(frame)["pct_change"].tolist()
    [<NA>, 25.0]
    """
    missing = [c for c in ("month", "category", "count") if c not in monthly.columns]
    if missing:
        raise ValueError(
            f"monthly has no column {', '.join(repr(c) for c in missing)} "
            "(expected month, category, count)"
        )
    data = monthly[["month", "category", "count"]].copy()
    data["month"] = [parse_month(str(m)) for m in data["month"]]
    dup = data.duplicated(["category", "month"])
    if dup.any():
        row = data[dup].iloc[0]
        raise ValueError(f"monthly: category {row['category']!r} has month {row['month']} twice")
    lookup = {
        (c, m): v
        for c, m, v in zip(data["category"], data["month"], data["count"], strict=True)
        if pd.notna(v)
    }
    before = [
        lookup.get((c, _year_before(m)), pd.NA)
        for c, m in zip(data["category"], data["month"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "month": pd.array(data["month"], dtype="string"),
            "category": pd.array(data["category"], dtype="string"),
            "count": pd.array(data["count"], dtype="Int64"),
            "count_year_before": pd.array(before, dtype="Int64"),
        }
    )
    out["change"] = out["count"] - out["count_year_before"]
    out["pct_change"] = pd.array(
        [
            pct_change(p, c) if pd.notna(p) and pd.notna(c) else pd.NA
            for p, c in zip(out["count_year_before"], out["count"], strict=True)
        ],
        dtype="Float64",
    )
    return out
