"""Trends over many periods: Mann-Kendall tests and Sen's slope.

Two years say little about a direction; five or more yearly totals, or several years of
monthly counts, can. The Mann-Kendall test asks whether later values tend to be larger (or
smaller) than earlier ones without assuming a straight line or normal errors, and Sen's slope
estimates the size of the change per period. The seasonal version compares each calendar month
only with the same month in other years, so seasonality cannot pass for a trend, and (Hirsch and
Slack 1984) allows for the months of one year moving together: summing twelve months'
variances as if they were independent calls a trend significant far too often when whole years
swing up and down.

The Mann-Kendall core (S, its variance with ties, the continuity-corrected Z and p) is written
here because no scipy or statsmodels function equals it: ``scipy.stats.kendalltau`` with
``method="asymptotic"`` has the same S and the same tie-corrected variance but no continuity
correction (Z = 2.449 instead of 2.205 for 138, 150, 160, 171, 192), and its exact method is a
different test. The checks against ``pymannkendall`` in ``tests/test_trends.py`` pin it. Sen's
slope of one series is :func:`scipy.stats.theilslopes` (median of the pairwise slopes); the
seasonal slope pools the within-month slopes and stays here.

Missing periods are never zeros: they are dropped, but every value keeps its own time position,
so a gap still counts as elapsed time in Sen's slope.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from csp_analysis import defaults
from csp_analysis.periods import financial_year_of_month, parse_financial_year, parse_month
from csp_analysis.statistics.significance import bh_q_values

METHOD = (
    "Mann-Kendall test (normal approximation, tie-corrected, continuity-corrected); Sen's slope"
)
SEASONAL_METHOD = (
    "seasonal Mann-Kendall test (12 calendar months) with the Hirsch-Slack correction for "
    "correlation between months; seasonal Sen's slope per year"
)
UNCORRECTED_SEASONAL_METHOD = (
    "seasonal Mann-Kendall test (Hirsch-Smith-Slack, 12 calendar months, months treated as "
    "independent); seasonal Sen's slope per year"
)
#: What a few years of data can and cannot show, in words for the report.
FEW_YEARS_CAVEAT = (
    "With four or five years of data a trend test can only show a steady movement in one "
    "direction across those years; it cannot tell a lasting change from one or two unusual "
    "years, nor say what will happen next. When the whole year is up or down together "
    "(as happens when recording practice or a single event moves every month), the months "
    "are not independent evidence: the seasonal test allows for this, so it needs a more "
    "consistent movement before it calls a trend significant."
)
MIN_PERIODS = 3
NO_TREND = "no significant trend"


def _as_float_array(values: Sequence[float] | np.ndarray | pd.Series, name: str) -> np.ndarray:
    """Values as float64 with NaN for missing (None, NA, NaN); refuse infinities and text."""
    try:
        if isinstance(values, pd.Series | pd.Index):
            arr = pd.to_numeric(pd.Series(values), errors="raise").astype("Float64")
            arr = arr.to_numpy(dtype="float64", na_value=np.nan)
        else:
            arr = np.array(
                [np.nan if v is None or v is pd.NA else v for v in values], dtype="float64"
            )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers (missing values as NaN): {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains an infinite value")
    return arr


def _pairs(x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Differences of values and of times over every pair i < j."""
    i, j = np.triu_indices(len(x), k=1)
    return x[j] - x[i], t[j] - t[i]


def _tie_term(x: np.ndarray) -> float:
    """Sum over tie groups of t(t - 1)(2t + 5)."""
    _, sizes = np.unique(x, return_counts=True)
    sizes = sizes.astype("float64")
    return float(np.sum(sizes * (sizes - 1) * (2 * sizes + 5)))


def _variance_s(x: np.ndarray) -> float:
    n = float(len(x))
    return (n * (n - 1) * (2 * n + 5) - _tie_term(x)) / 18.0


def _z_and_p(s: float, var_s: float) -> tuple[float, float]:
    """Continuity-corrected normal score (S - 1 or S + 1) and its two-sided p-value."""
    if s == 0 or var_s <= 0:
        return 0.0, 1.0
    z = (s - math.copysign(1.0, s)) / math.sqrt(var_s)
    return z, float(2.0 * stats.norm.sf(abs(z)))


def mann_kendall(values: Sequence[float] | np.ndarray | pd.Series) -> dict:
    """Mann-Kendall trend test and Sen's slope of a series in time order.

    S = sum over i < j of sign(x_j - x_i); Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18
    with the sum over groups of tied values; Z = (S - 1) / sqrt(Var(S)) when S > 0,
    (S + 1) / sqrt(Var(S)) when S < 0 and 0 when S = 0; the p-value is two-sided from the
    normal distribution. Kendall's tau is tau-a, S / (n(n - 1) / 2). Sen's slope is the median
    of (x_j - x_i) / (j - i) over all pairs.

    Parameters
    ----------
    values : sequence of float, numpy array or pandas Series
        One value per period, oldest first, equally spaced in time. A missing period is
        NaN (or None / NA): it is dropped from the test, but the other values keep their
        positions, so a gap counts as elapsed time in Sen's slope and is never a zero.

    Returns
    -------
    dict
        ``S``, ``var_s``, ``z``, ``p_value``, ``tau``, ``sen_slope`` (change per period),
        ``n`` (non-missing values) and ``method``. When every value is tied, S and Var(S) are
        0 and the p-value is 1.

    Raises
    ------
    ValueError
        If fewer than 3 values are present (decision: the test is refused rather than
        returning NaN; :func:`category_trends` reports such categories as "not tested"),
        or if ``values`` holds text or infinities.

    Notes
    -----
    With n = 3 the smallest possible two-sided p-value is about 0.30 and with n = 4 about
    0.09, so a significant result needs at least 5 periods.

    References
    ----------
    .. [1] Mann, H. B. (1945). Nonparametric tests against trend. Econometrica 13, 245-259.
    .. [2] Kendall, M. G. (1975). Rank Correlation Methods, 4th ed. Griffin, London.
    .. [3] Sen, P. K. (1968). Estimates of the regression coefficient based on Kendall's tau.
       Journal of the American Statistical Association 63, 1379-1389.
    .. [4] Gilbert, R. O. (1987). Statistical Methods for Environmental Pollution Monitoring,
       chapter 16. Van Nostrand Reinhold, New York.

    Examples
    --------
    >>> r = mann_kendall([138, 150, 160, 171, 192])
    >>> r["S"], round(r["z"], 3), round(r["p_value"], 3), r["sen_slope"]
    (10.0, 2.205, 0.027, 11.5)
    """
    arr = _as_float_array(values, "values")
    t = np.arange(len(arr), dtype="float64")
    keep = ~np.isnan(arr)
    x, t = arr[keep], t[keep]
    n = len(x)
    if n < MIN_PERIODS:
        raise ValueError(
            f"values: the Mann-Kendall test needs {MIN_PERIODS} or more non-missing values, got {n}"
        )
    dx, _ = _pairs(x, t)
    s = float(np.sign(dx).sum())
    var_s = _variance_s(x)
    z, p = _z_and_p(s, var_s)
    return {
        "S": s,
        "var_s": var_s,
        "z": z,
        "p_value": p,
        "tau": s / (n * (n - 1) / 2.0),
        "sen_slope": float(stats.theilslopes(x, t).slope),
        "n": n,
        "method": METHOD,
    }


def _month_series(monthly: pd.Series, name: str) -> pd.Series:
    """A monthly series re-indexed by canonical ``YYYY-MM`` strings (float, NaN for missing)."""
    index = monthly.index
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
        months = [f"{p.year:04d}-{p.month:02d}" for p in index]
    else:
        try:
            months = [parse_month(str(m)) for m in index]
        except ValueError as exc:
            raise ValueError(f"{name}: the index must be months (YYYY-MM): {exc}") from None
    if len(set(months)) != len(months):
        dup = sorted({m for m in months if months.count(m) > 1})
        raise ValueError(f"{name}: month {dup[0]} appears more than once in the index")
    values = _as_float_array(monthly, name)
    return pd.Series(values, index=pd.Index(months, dtype="string"), name=monthly.name)


def _ranks_with_missing(x: np.ndarray) -> np.ndarray:
    """Hirsch-Slack ranks (n + 1 + sum_j sgn(x_i - x_j)) / 2; a missing value ranks (n + 1) / 2."""
    diff = np.sign(x[:, None] - x[None, :])
    diff = np.nan_to_num(diff, nan=0.0)
    return (len(x) + 1 + diff.sum(axis=1)) / 2.0


def _hirsch_slack_covariance(a: np.ndarray, b: np.ndarray) -> float:
    """Covariance of two seasons' S over the same years (Hirsch and Slack 1984, eq. 8-9).

    (K + 4 sum_i R_ia R_ib - n (n + 1)^2) / 3 with K = sum_{i<j} sgn((a_j - a_i)(b_j - b_i)),
    R the ranks of :func:`_ranks_with_missing` and n the number of years; a pair with a missing
    value adds nothing to K.
    """
    n = len(a)
    i, j = np.triu_indices(n, k=1)
    k = float(np.nansum(np.sign((a[j] - a[i]) * (b[j] - b[i]))))
    r_a, r_b = _ranks_with_missing(a), _ranks_with_missing(b)
    return (k + 4.0 * float(np.sum(r_a * r_b)) - n * (n + 1) ** 2) / 3.0


def seasonal_mann_kendall(monthly: pd.Series, correlated: bool = True) -> dict:
    """Seasonal Mann-Kendall test (corrected for correlated months) and seasonal Sen's slope.

    Each calendar month forms its own series over the years and S is summed over the 12 months.
    Months of the same year tend to move together (a year of more recording or a single event
    lifts every month), so their S are correlated: Var(S) is the sum of every entry of the
    12 x 12 covariance matrix of Hirsch and Slack (1984), whose diagonal is each month's
    tie-corrected variance and whose off-diagonal entries are
    (K_gh + 4 sum_i R_ig R_ih - n(n + 1)^2) / 3 over the n financial years (April to March)
    spanned by the data. Then Z = (S -/+ 1) / sqrt(Var(S)) and a two-sided normal p-value as in
    :func:`mann_kendall`. With ``correlated=False`` the months are treated as independent (the
    test of Hirsch, Slack and Smith 1982: Var(S) is the sum of the diagonal). The seasonal
    Sen's slope is the median of every within-month slope (x_j - x_i) / (year_j - year_i), so
    it is a change per year in the count of a month.

    Parameters
    ----------
    monthly : pandas.Series
        Counts indexed by month (``"YYYY-MM"`` strings, or a DatetimeIndex / PeriodIndex).
        Missing months may be absent or NaN; they are never treated as zero (a missing value
        adds nothing to the signs and takes the middle rank, as Hirsch and Slack do).
    correlated : bool
        Allow for correlation between the months (default True).

    Returns
    -------
    dict
        ``S``, ``var_s``, ``z``, ``p_value``, ``tau`` (S over the number of within-month
        pairs), ``sen_slope`` (per year), ``n`` (non-missing months), ``seasons`` (calendar
        months with values in 2 or more years), ``years`` (financial years spanned) and
        ``method``.

    Raises
    ------
    ValueError
        If the index is not months or repeats one, or if no calendar month has values in 2 or
        more years (less than two years of data).

    References
    ----------
    .. [1] Hirsch, R. M., Slack, J. R. and Smith, R. A. (1982). Techniques of trend analysis
       for monthly water quality data. Water Resources Research 18, 107-121.
    .. [2] Hirsch, R. M. and Slack, J. R. (1984). A nonparametric trend test for seasonal data
       with serial dependence. Water Resources Research 20, 727-732.
    .. [3] Hipel, K. W. and McLeod, A. I. (1994). Time Series Modelling of Water Resources and
       Environmental Systems, section 23.3 (the correlated seasonal test of ``pymannkendall``).

    Examples
    --------
    >>> months = [f"{y}-{m:02d}" for y in (2021, 2022, 2023) for m in range(1, 13)]
    >>> counts = pd.Series([10 + m + 2 * y for y in range(3) for m in range(12)], index=months)
    >>> r = seasonal_mann_kendall(counts)
    >>> r["S"], r["sen_slope"], r["seasons"]
    (36.0, 2.0, 12)
    """
    series = _month_series(monthly, "monthly").dropna()
    years = np.array([int(m[:4]) for m in series.index], dtype="float64")
    seasons = np.array([int(m[5:7]) for m in series.index])
    values = series.to_numpy(dtype="float64")
    fy = (years - (seasons < 4)).astype("int64")  # financial year (April to March) of each month
    s = var_s = pairs = 0.0
    slopes: list[np.ndarray] = []
    used: list[int] = []
    for month in range(1, 13):
        sel = seasons == month
        if sel.sum() < 2:
            continue
        x, t = values[sel], years[sel]
        order = np.argsort(t)
        x, t = x[order], t[order]
        dx, dt = _pairs(x, t)
        s += float(np.sign(dx).sum())
        var_s += _variance_s(x)
        pairs += len(x) * (len(x) - 1) / 2.0
        slopes.append(dx / dt)
        used.append(month)
    if not used:
        raise ValueError(
            "monthly: the seasonal Mann-Kendall test needs the same calendar month "
            "in at least two years"
        )
    n_years = int(fy.max() - fy.min() + 1)
    if correlated and len(used) > 1:
        grid = np.full((n_years, 12), np.nan)
        grid[fy - fy.min(), seasons - 1] = values
        cols = [grid[:, m - 1] for m in used]
        for a in range(len(cols)):
            for b in range(a + 1, len(cols)):
                var_s += 2.0 * _hirsch_slack_covariance(cols[a], cols[b])
    z, p = _z_and_p(s, var_s)
    return {
        "S": s,
        "var_s": var_s,
        "z": z,
        "p_value": p,
        "tau": s / pairs,
        "sen_slope": float(np.median(np.concatenate(slopes))),
        "n": int(len(values)),
        "seasons": len(used),
        "years": n_years,
        "method": SEASONAL_METHOD if correlated else UNCORRECTED_SEASONAL_METHOD,
    }


def _direction(s: float, p: float, alpha: float) -> str:
    if pd.isna(p) or p >= alpha or s == 0:
        return NO_TREND
    return "increasing" if s > 0 else "decreasing"


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} has no column {', '.join(repr(c) for c in missing)} "
            f"(expected {', '.join(columns)})"
        )


def yearly_totals(monthly: pd.DataFrame) -> pd.DataFrame:
    """Sum monthly counts into financial years, keeping only complete years.

    A financial year (April to March) is kept for a category only when all 12 of its months
    have a count; a year with a missing month is dropped, not scaled up or compared with a
    shorter year, so every total covers the same 12 months.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``month, category, count`` as from :func:`csp_analysis.analyses.monthly.monthly_counts`.
        Rows with a missing count are treated as missing months.

    Returns
    -------
    pandas.DataFrame
        ``period`` (financial year, ``"2023/24"``), ``category``, ``count`` and ``months``
        (always 12), categories in the order they first appear, years oldest first.

    Raises
    ------
    ValueError
        If a column is missing or a category has the same month twice.

    References
    ----------
    .. [1] Home Office (2024). Home Office Counting Rules for Recorded Crime: counts are
       reported by financial year, April to March.

    Examples
    --------
    >>> from csp_analysis.periods import months_of_financial_year
    >>> months = months_of_financial_year("2022/23") + months_of_financial_year("2023/24")[:6]
    >>> frame = pd.DataFrame({"month": months, "category": "Robbery", "count": 10})
    >>> yearly_totals(frame)
        period category  count  months
    0  2022/23  Robbery    120      12
    """
    _require(monthly, ["month", "category", "count"], "monthly")
    data = monthly[["month", "category", "count"]].dropna(subset=["count"]).copy()
    data["month"] = data["month"].astype("string").map(parse_month)
    if data.duplicated(["category", "month"]).any():
        dup = data[data.duplicated(["category", "month"])].iloc[0]
        raise ValueError(f"monthly: category {dup['category']!r} has month {dup['month']} twice")
    data["period"] = data["month"].map(financial_year_of_month)
    grouped = data.groupby(["category", "period"], sort=False).agg(
        count=("count", "sum"), months=("month", "nunique")
    )
    grouped = grouped.reset_index()
    order = {c: i for i, c in enumerate(pd.unique(data["category"]))}
    grouped = grouped[grouped["months"] == 12]
    grouped = grouped.assign(_o=grouped["category"].map(order))
    grouped = grouped.sort_values(["_o", "period"]).drop(columns="_o").reset_index(drop=True)
    out = grouped.astype(
        {"period": "string", "category": "string", "count": "int64", "months": "int64"}
    )
    return out[["period", "category", "count", "months"]]


def category_trends(
    yearly: pd.DataFrame,
    monthly: pd.DataFrame | None = None,
    alpha: float = defaults.ALPHA,
    total: str = "All crime",
) -> pd.DataFrame:
    """Mann-Kendall trend and Sen's slope of every category's yearly totals.

    Parameters
    ----------
    yearly : pandas.DataFrame
        ``period`` (financial year), ``category``, ``count``, e.g. from :func:`yearly_totals`.
        A missing year is a gap in time, never a zero.
    monthly : pandas.DataFrame, optional
        ``month, category, count``. When given, the seasonal Mann-Kendall test is also run on
        each category's monthly counts (all months given, not only complete years).
    alpha : float
        Significance level for ``direction`` (default 0.05), and the false discovery rate of
        ``significant_fdr``.
    total : str
        The category that sums the others (default ``"All crime"``): left out of the family
        of the q-values; its ``significant_fdr`` is its own test.

    Returns
    -------
    pandas.DataFrame
        One row per category, in the order of ``yearly``: ``category``, ``periods`` (years
        with a count), ``first_period``, ``last_period``, ``S``, ``z``, ``tau``, ``p_value``,
        ``sen_slope`` (change per year), ``direction`` (``"increasing"``, ``"decreasing"``,
        ``"no significant trend"`` or ``"not tested: fewer than 3 periods"``), ``method``,
        ``q_value`` (Benjamini-Hochberg over the categories' ``p_value``, ``total`` left out)
        and ``significant_fdr`` (the trend survives the false discovery rate ``alpha``).
        With ``monthly``: ``seasonal_months``, ``seasonal_p_value``, ``seasonal_sen_slope``
        (per year), ``seasonal_direction``, ``seasonal_method``, ``seasonal_q_value`` and
        ``seasonal_significant_fdr`` (the same over the seasonal p-values). A category with
        fewer than 3 years is kept, with missing statistics, so the table shows why it has no
        trend.

    Raises
    ------
    ValueError
        If a column is missing, a period is not a financial year, a category has the same
        year twice, or ``alpha`` is not between 0 and 1.

    References
    ----------
    .. [1] Mann, H. B. (1945). Nonparametric tests against trend. Econometrica 13, 245-259.
    .. [2] Sen, P. K. (1968). Estimates of the regression coefficient based on Kendall's tau.
       Journal of the American Statistical Association 63, 1379-1389.
    .. [3] Hirsch, R. M. and Slack, J. R. (1984). A nonparametric trend test for seasonal data
       with serial dependence. Water Resources Research 20, 727-732.

    Examples
    --------
    >>> yearly = pd.DataFrame({"period": ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"],
    ...                        "category": "Robbery", "count": [138, 150, 160, 171, 192]})
    >>> row = category_trends(yearly).iloc[0]
    >>> row["direction"], float(row["sen_slope"])
    ('increasing', 11.5)
    """
    _require(yearly, ["period", "category", "count"], "yearly")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), got {alpha!r}")
    data = yearly[["period", "category", "count"]].copy()
    try:
        data["start"] = [parse_financial_year(str(p)) for p in data["period"]]
    except ValueError as exc:
        raise ValueError(f"yearly, column 'period': {exc}") from None
    if data.duplicated(["category", "start"]).any():
        dup = data[data.duplicated(["category", "start"])].iloc[0]
        raise ValueError(f"yearly: category {dup['category']!r} has period {dup['period']} twice")
    if monthly is not None:
        _require(monthly, ["month", "category", "count"], "monthly")
    rows = []
    for cat in pd.unique(data["category"]):
        sub = data[(data["category"] == cat) & data["count"].notna()]
        row: dict = {"category": cat, "periods": len(sub)}
        row["first_period"] = sub.loc[sub["start"].idxmin(), "period"] if len(sub) else pd.NA
        row["last_period"] = sub.loc[sub["start"].idxmax(), "period"] if len(sub) else pd.NA
        if len(sub) >= MIN_PERIODS:
            first = int(sub["start"].min())
            values = np.full(int(sub["start"].max()) - first + 1, np.nan)
            values[sub["start"].to_numpy() - first] = sub["count"].to_numpy(dtype="float64")
            res = mann_kendall(values)
            row.update(
                S=res["S"],
                z=res["z"],
                tau=res["tau"],
                p_value=res["p_value"],
                sen_slope=res["sen_slope"],
                direction=_direction(res["S"], res["p_value"], alpha),
            )
        else:
            row.update(
                S=np.nan,
                z=np.nan,
                tau=np.nan,
                p_value=np.nan,
                sen_slope=np.nan,
                direction=f"not tested: fewer than {MIN_PERIODS} periods",
            )
        row["method"] = METHOD
        if monthly is not None:
            row.update(_seasonal_row(monthly, cat, alpha))
        rows.append(row)
    columns = [
        "category",
        "periods",
        "first_period",
        "last_period",
        "S",
        "z",
        "tau",
        "p_value",
        "sen_slope",
        "direction",
        "method",
    ]
    if monthly is not None:
        columns += [
            "seasonal_months",
            "seasonal_p_value",
            "seasonal_sen_slope",
            "seasonal_direction",
            "seasonal_method",
        ]
    out = pd.DataFrame(rows, columns=columns)
    out = out.astype(
        {
            "category": "string",
            "periods": "int64",
            "first_period": "string",
            "last_period": "string",
            "direction": "string",
            "method": "string",
        }
    )
    for col in ("S", "z", "tau", "p_value", "sen_slope"):
        out[col] = out[col].astype("float64")
    if monthly is not None:
        out = out.astype(
            {
                "seasonal_months": "int64",
                "seasonal_p_value": "float64",
                "seasonal_sen_slope": "float64",
                "seasonal_direction": "string",
                "seasonal_method": "string",
            }
        )
    is_total = (out["category"] == total).to_numpy(dtype=bool, na_value=False)
    prefixes = ["", "seasonal_"] if monthly is not None else [""]
    for prefix in prefixes:
        p_values = out[f"{prefix}p_value"].to_numpy(dtype="float64")
        q = bh_q_values(np.where(is_total, np.nan, p_values))
        survives = np.where(is_total, p_values < alpha, q < alpha)
        out[f"{prefix}q_value"] = q
        out[f"{prefix}significant_fdr"] = pd.array(
            [pd.NA if np.isnan(p) else bool(v) for p, v in zip(p_values, survives, strict=True)],
            dtype="boolean",
        )
    return out


def _seasonal_row(monthly: pd.DataFrame, category: str, alpha: float) -> dict:
    sub = monthly[(monthly["category"] == category) & monthly["count"].notna()]
    out = {
        "seasonal_months": len(sub),
        "seasonal_p_value": np.nan,
        "seasonal_sen_slope": np.nan,
        "seasonal_direction": "not tested: fewer than 2 years of months",
        "seasonal_method": SEASONAL_METHOD,
    }
    if not len(sub):
        return out
    series = pd.Series(sub["count"].to_numpy(dtype="float64"), index=sub["month"].astype(str))
    try:
        res = seasonal_mann_kendall(series)
    except ValueError:
        return out
    out.update(
        seasonal_p_value=res["p_value"],
        seasonal_sen_slope=res["sen_slope"],
        seasonal_direction=_direction(res["S"], res["p_value"], alpha),
    )
    return out
