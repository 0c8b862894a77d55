"""Statistical process control: NHS "Making Data Count" XmR charts of monthly counts.

An XmR (individuals and moving range) chart separates the usual month-to-month variation of a
count ("common cause") from changes worth explaining ("special cause"). The centre line is the
mean; the process limits are mean +/- 2.66 x the mean moving range (about three sigma), and a
"near-limit" band at mean +/- 1.773 x the mean moving range (two thirds of the way to the
limits, about two sigma) supports the two-in-three rule.

Special-cause rules, checked in this order; a point is labelled with the first rule it meets:

1. ``"outside limits"``: a point above the upper or below the lower process limit;
2. ``"run of 7 rising/falling"``: 7 consecutive points each higher (or each lower) than the one
   before (the "trend" rule);
3. ``"2 of 3 beyond near band"``: 2 (or 3) of 3 consecutive points beyond the near-limit band
   on the same side (the points beyond the band are labelled);
4. ``"shift of 7 on one side"``: 7 consecutive points above the mean, or 7 below.

Missing months break runs and windows: nothing is interpolated and a missing month is never a
zero. Equal consecutive values break a trend run, and a point exactly on the mean breaks a
shift run. Limits are computed from the data as given (no outlier screening), as in the NHS
spreadsheet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis.periods import month_range, parse_month

METHOD = "XmR chart (NHS Making Data Count): mean +/- 2.66 x mean moving range"
LIMIT_FACTOR = 2.66
NEAR_FACTOR = 2.66 * 2 / 3  # 1.773: two thirds of the way from the mean to the limits
MIN_POINTS = 12  # fewer points than this give trial limits only
RUN = 7

OUTSIDE = "outside limits"
TREND = "run of 7 rising/falling"
TWO_OF_THREE = "2 of 3 beyond near band"
SHIFT = "shift of 7 on one side"
RULES = (OUTSIDE, TREND, TWO_OF_THREE, SHIFT)

XMR_COLUMNS = [
    "value",
    "mean",
    "mr",
    "lower",
    "upper",
    "near_lower",
    "near_upper",
    "trial",
    "baseline",
    "signal",
]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start and end (inclusive) of each maximal run of True in a boolean array."""
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _trend_points(x: np.ndarray) -> np.ndarray:
    """Points in runs of 7 (or more) consecutive points each rising, or each falling."""
    hit = np.zeros(len(x), dtype=bool)
    with np.errstate(invalid="ignore"):
        step = np.sign(np.diff(x))  # NaN where either month is missing: breaks the run
    for sign in (1.0, -1.0):
        for start, end in _runs(step == sign):
            # steps start..end join points start..end + 1
            if end - start + 2 >= RUN:
                hit[start : end + 2] = True
    return hit


def _two_of_three_points(x: np.ndarray, above: np.ndarray, below: np.ndarray) -> np.ndarray:
    """Points beyond the near band in a window of 3 consecutive points with 2 or more beyond
    the band on the same side; windows with a missing month do not count."""
    hit = np.zeros(len(x), dtype=bool)
    present = ~np.isnan(x)
    for w in range(len(x) - 2):
        window = slice(w, w + 3)
        if not present[window].all():
            continue
        for side in (above, below):
            if side[window].sum() >= 2:
                hit[window] |= side[window]
    return hit


def _shift_points(x: np.ndarray, mean: float) -> np.ndarray:
    """Points in runs of 7 (or more) consecutive points all above, or all below, the mean."""
    hit = np.zeros(len(x), dtype=bool)
    with np.errstate(invalid="ignore"):
        for side in (x > mean, x < mean):  # NaN compares False: a gap breaks the run
            for start, end in _runs(side):
                if end - start + 1 >= RUN:
                    hit[start : end + 1] = True
    return hit


def xmr(values: pd.Series, baseline: int | None = None) -> pd.DataFrame:
    """XmR chart of a series: centre line, limits, near-limit band and special-cause signals.

    Parameters
    ----------
    values : pandas.Series
        One value per period in time order, on a continuous time index (e.g. every month),
        with NaN for a missing period. The index is kept in the result.
    baseline : int, optional
        Fix the mean and limits on the first ``baseline`` rows (periods, missing ones
        included) and judge every point, later ones too, against them. By default all rows
        are used. At least 2.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``: ``value``, ``mean``, ``mr`` (moving range: |x_i - x_(i-1)|,
        missing after a gap), ``lower``, ``upper`` (mean -/+ 2.66 x mean MR), ``near_lower``,
        ``near_upper`` (mean -/+ 1.773 x mean MR), ``trial`` (True when the limit period has
        fewer than 12 non-missing points: trial limits), ``baseline`` (True for the rows used
        to fix the limits) and ``signal`` (``""`` or the first special-cause rule met, one of
        :data:`RULES`). The lower limit is not truncated at zero.

    Raises
    ------
    ValueError
        If ``baseline`` is not a whole number from 2 to the number of rows, or if the limit
        period has no two consecutive non-missing values (no moving range).

    References
    ----------
    .. [1] NHS England and NHS Improvement (2019, revised 2021). Making Data Count: Getting
       started; and the "SPC: statistical process control" tool (XmR rules).
    .. [2] NHS-R Community. NHSRplotthedots: R package for NHS "Making Data Count" SPC charts.
    .. [3] Wheeler, D. J. (1995). Advanced Topics in Statistical Process Control. SPC Press
       (the 2.66 scaling factor of the mean moving range).

    Examples
    --------
    >>> chart = xmr(pd.Series([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]))
    >>> round(float(chart["mean"].iloc[0]), 2), round(float(chart["upper"].iloc[0]), 2)
    (1.94, 6.95)
    >>> chart["signal"].iloc[4]
    'outside limits'
    """
    if not isinstance(values, pd.Series):
        raise ValueError(f"values must be a pandas Series, got {type(values).__name__}")
    try:
        x = pd.to_numeric(values, errors="raise").astype("Float64")
        x = x.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be numbers (NaN for missing): {exc}") from None
    n = len(x)
    if baseline is None:
        b = n
    elif isinstance(baseline, bool) or not isinstance(baseline, int | np.integer):
        raise ValueError(f"baseline must be a whole number of periods, got {baseline!r}")
    elif not 2 <= baseline <= n:
        raise ValueError(f"baseline must be from 2 to the number of values ({n}), got {baseline}")
    else:
        b = int(baseline)
    mr = np.abs(np.diff(x, prepend=np.nan))
    base_x, base_mr = x[:b], mr[1:b]
    if np.isnan(base_mr).all():
        raise ValueError(
            "values: the limit period needs at least two consecutive non-missing "
            "values (one moving range)"
        )
    mean = float(np.nanmean(base_x))
    mean_mr = float(np.nanmean(base_mr))
    upper, lower = mean + LIMIT_FACTOR * mean_mr, mean - LIMIT_FACTOR * mean_mr
    near_upper, near_lower = mean + NEAR_FACTOR * mean_mr, mean - NEAR_FACTOR * mean_mr
    points = int(np.count_nonzero(~np.isnan(base_x)))
    with np.errstate(invalid="ignore"):
        outside = (x > upper) | (x < lower)
        above, below = x > near_upper, x < near_lower
    hits = {
        OUTSIDE: outside,
        TREND: _trend_points(x),
        TWO_OF_THREE: _two_of_three_points(x, above, below),
        SHIFT: _shift_points(x, mean),
    }
    signal = np.full(n, "", dtype=object)
    for rule in reversed(RULES):  # earlier rules overwrite later ones: the first match wins
        signal[hits[rule]] = rule
    out = pd.DataFrame(
        {
            "value": x,
            "mean": mean,
            "mr": mr,
            "lower": lower,
            "upper": upper,
            "near_lower": near_lower,
            "near_upper": near_upper,
            "trial": points < MIN_POINTS,
            "baseline": np.arange(n) < b,
            "signal": pd.array(signal, dtype="string"),
        },
        index=values.index,
    )
    return out[XMR_COLUMNS]


def spc_signals(monthly: pd.DataFrame, baseline: int | None = None) -> pd.DataFrame:
    """XmR chart of every category's monthly counts, in one long table.

    Each category's months run continuously from its first to its last month; a month with no
    count is kept as a row with a missing count (a gap, never a zero) and never signals.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``month, category, count`` as from :func:`csp_analysis.analyses.monthly.monthly_counts`.
    baseline : int, optional
        Number of first months of each category used to fix its limits (see :func:`xmr`).

    Returns
    -------
    pandas.DataFrame
        Every month of every category (not only those with a signal): ``category``,
        ``month``, ``count``, ``mean``, ``lower``, ``upper``, ``near_lower``, ``near_upper``,
        ``trial``, ``signal`` (``""`` where none) and ``method``. A category without two
        consecutive months has missing limits and no signals.

    Raises
    ------
    ValueError
        If a column is missing or a category has the same month twice.

    References
    ----------
    .. [1] NHS England and NHS Improvement (2019). Making Data Count: Getting started.

    Examples
    --------
    >>> frame = pd.DataFrame({"month": [f"2024-{m:02d}" for m in range(1, 13)],
    ...                       "category": "Robbery", "count": [5, 9] * 5 + [5, 30]})
    >>> spc_signals(frame)["signal"].iloc[-1]
    'outside limits'
    """
    missing = [c for c in ("month", "category", "count") if c not in monthly.columns]
    if missing:
        raise ValueError(
            f"monthly has no column {', '.join(repr(c) for c in missing)} "
            "(expected month, category, count)"
        )
    if baseline is not None and (
        isinstance(baseline, bool) or not isinstance(baseline, int | np.integer) or baseline < 2
    ):
        raise ValueError(f"baseline must be a whole number of months, 2 or more, got {baseline!r}")
    data = monthly[["month", "category", "count"]].copy()
    data["month"] = [parse_month(str(m)) for m in data["month"]]
    parts = []
    for cat in pd.unique(data["category"]):
        sub = data[data["category"] == cat]
        if sub["month"].duplicated().any():
            month = sub.loc[sub["month"].duplicated(), "month"].iloc[0]
            raise ValueError(f"monthly: category {cat!r} has month {month} twice")
        months = month_range(sub["month"].min(), sub["month"].max())
        series = sub.set_index("month")["count"].astype("Float64").reindex(months)
        try:
            chart = xmr(
                series, baseline=baseline if baseline is None else min(baseline, len(series))
            )
        except ValueError:
            chart = pd.DataFrame(
                {"value": series.to_numpy(dtype="float64", na_value=np.nan)}, index=series.index
            )
            for col in ("mean", "lower", "upper", "near_lower", "near_upper"):
                chart[col] = np.nan
            chart["trial"] = True
            chart["signal"] = ""
        whole = series.dropna()
        count = series.astype("Int64") if (whole == whole.round()).all() else series
        part = pd.DataFrame(
            {
                "category": cat,
                "month": months,
                "count": count.array,
                "mean": chart["mean"].to_numpy(),
                "lower": chart["lower"].to_numpy(),
                "upper": chart["upper"].to_numpy(),
                "near_lower": chart["near_lower"].to_numpy(),
                "near_upper": chart["near_upper"].to_numpy(),
                "trial": chart["trial"].to_numpy(dtype=bool),
                "signal": chart["signal"].astype("string").to_numpy(),
            }
        )
        parts.append(part)
    columns = [
        "category",
        "month",
        "count",
        "mean",
        "lower",
        "upper",
        "near_lower",
        "near_upper",
        "trial",
        "signal",
    ]
    if not parts:
        out = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    else:
        out = pd.concat(parts, ignore_index=True)
    out["method"] = METHOD
    return out.astype(
        {
            "category": "string",
            "month": "string",
            "signal": "string",
            "method": "string",
            "trial": "bool",
        }
    )


def list_signal_categories(signals: pd.DataFrame) -> pd.DataFrame:
    """Categories with at least one special-cause signal, from :func:`spc_signals`.

    Parameters
    ----------
    signals : pandas.DataFrame
        The table of :func:`spc_signals` (``category, month, signal`` at least).

    Returns
    -------
    pandas.DataFrame
        ``category``, ``points`` (months with a signal), ``rules`` (the rules met, in rule
        order, joined by "; ") and ``last_signal_month``, in the order of ``signals``.

    References
    ----------
    .. [1] NHS England and NHS Improvement (2019). Making Data Count: Getting started.

    Examples
    --------
    >>> frame = pd.DataFrame({"month": [f"2024-{m:02d}" for m in range(1, 13)],
    ...                       "category": "Robbery", "count": [5, 9] * 5 + [5, 30]})
    >>> list_signal_categories(spc_signals(frame))["rules"].tolist()
    ['outside limits']
    """
    missing = [c for c in ("category", "month", "signal") if c not in signals.columns]
    if missing:
        raise ValueError(f"signals has no column {', '.join(repr(c) for c in missing)}")
    hit = signals[signals["signal"].fillna("") != ""]
    rows = []
    for cat in pd.unique(hit["category"]):
        sub = hit[hit["category"] == cat]
        found = set(sub["signal"])
        rows.append(
            {
                "category": cat,
                "points": len(sub),
                "rules": "; ".join(r for r in RULES if r in found),
                "last_signal_month": sub["month"].max(),
            }
        )
    out = pd.DataFrame(rows, columns=["category", "points", "rules", "last_signal_month"])
    return out.astype(
        {"category": "string", "points": "int64", "rules": "string", "last_signal_month": "string"}
    )
