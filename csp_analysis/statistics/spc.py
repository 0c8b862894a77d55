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
3. ``"2 of 3 beyond near band"``: 2 (or 3) of 3 consecutive points between the near-limit band
   and the process limit, with all 3 points on the same side of the mean (the points near the
   limit are labelled), as NHSRplotthedots' ``ptd_two_in_three``: a point beyond the limits is
   counted by rule 1, not here;
4. ``"shift of 7 on one side"``: 7 consecutive points above the mean, or 7 below.

Missing months break runs and windows: nothing is interpolated and a missing month is never a
zero. Equal consecutive values break a trend run, and a point exactly on the mean breaks a
shift run. Limits are computed from the data as given (no outlier screening), as in the NHS
spreadsheet.

For a report, :func:`spc_signals` fixes the limits on a baseline of months *before* the assessed
year (so an unusual year cannot widen its own limits), removes the usual seasonal pattern
(each calendar month's baseline average above or below the baseline mean) before charting
when the baseline has two years or more, and draws a Poisson c-chart (mean ± 3 √mean) instead of
an XmR chart when a category averages fewer than 10 a month, where moving ranges of small
counts give limits that are too narrow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis.periods import month_range, parse_month

METHOD = "XmR chart (NHS Making Data Count): mean +/- 2.66 x mean moving range"
SEASONAL_METHOD = METHOD + ", after removing the baseline's average seasonal pattern"
C_METHOD = "Poisson c-chart: mean +/- 3 x sqrt(mean) (fewer than 10 a month)"
C_CHART_BELOW = 10.0
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


def _two_of_three_points(
    x: np.ndarray, above: np.ndarray, below: np.ndarray, mean: float
) -> np.ndarray:
    """Points close to a limit in a window of 3 consecutive points with 2 or more close to the
    limit and all 3 on the same side of the mean (NHSRplotthedots ``ptd_two_in_three``);
    windows with a missing month do not count. ``above``/``below`` mark points between the
    near band and the limit (not beyond the limit)."""
    hit = np.zeros(len(x), dtype=bool)
    present = ~np.isnan(x)
    with np.errstate(invalid="ignore"):
        sides = (x > mean, x < mean)
    for w in range(len(x) - 2):
        window = slice(w, w + 3)
        if not present[window].all():
            continue
        for side, same in zip((above, below), sides, strict=True):
            if side[window].sum() >= 2 and same[window].all():
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


def _signals(
    x: np.ndarray, mean: float, lower: float, upper: float, near_lower: float, near_upper: float
) -> np.ndarray:
    """The first special-cause rule each point meets (``""`` where none)."""
    with np.errstate(invalid="ignore"):
        outside = (x > upper) | (x < lower)
        above, below = (x > near_upper) & ~outside, (x < near_lower) & ~outside
    hits = {
        OUTSIDE: outside,
        TREND: _trend_points(x),
        TWO_OF_THREE: _two_of_three_points(x, above, below, mean),
        SHIFT: _shift_points(x, mean),
    }
    signal = np.full(len(x), "", dtype=object)
    for rule in reversed(RULES):  # earlier rules overwrite later ones: the first match wins
        signal[hits[rule]] = rule
    return signal


def c_chart(values: pd.Series, baseline: int | None = None) -> pd.DataFrame:
    """Poisson c-chart of counts: mean ± 3 √mean, near band at mean ± 2 √mean, same rules.

    For small counts (fewer than about 10 a month) moving ranges understate the spread, and an
    XmR chart flags months that are only Poisson noise; the c-chart's limits come from the
    Poisson variance (equal to the mean). The lower limits are not below 0.

    Parameters
    ----------
    values : pandas.Series
        Counts in time order on a continuous index, NaN for a missing period.
    baseline : int, optional
        Fix the mean on the first ``baseline`` rows (at least 1 non-missing); default all.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`xmr` (``mr`` as in :func:`xmr`, for reference only).

    Raises
    ------
    ValueError
        If ``baseline`` is not from 1 to the number of rows or the baseline has no count.

    References
    ----------
    .. [1] Montgomery, D. C. (2009). Introduction to Statistical Quality Control, 6th ed.,
       section 7.3.1 (control chart for nonconformities, the c-chart).

    Examples
    --------
    >>> chart = c_chart(pd.Series([4, 5, 3, 4, 6, 4, 5, 3, 4, 15]), baseline=9)
    >>> round(float(chart["upper"].iloc[0]), 2), chart["signal"].iloc[-1]
    (10.39, 'outside limits')
    """
    x = pd.to_numeric(values, errors="raise").astype("Float64")
    x = x.to_numpy(dtype="float64", na_value=np.nan)
    n = len(x)
    b = n if baseline is None else int(baseline)
    if not 1 <= b <= n or np.isnan(x[:b]).all():
        raise ValueError(f"baseline must cover 1 to {n} rows with a count, got {baseline!r}")
    mean = float(np.nanmean(x[:b]))
    sd = float(np.sqrt(max(mean, 0.0)))
    lower, upper = max(mean - 3 * sd, 0.0), mean + 3 * sd
    near_lower, near_upper = max(mean - 2 * sd, 0.0), mean + 2 * sd
    out = pd.DataFrame(
        {
            "value": x,
            "mean": mean,
            "mr": np.abs(np.diff(x, prepend=np.nan)),
            "lower": lower,
            "upper": upper,
            "near_lower": near_lower,
            "near_upper": near_upper,
            "trial": int(np.count_nonzero(~np.isnan(x[:b]))) < MIN_POINTS,
            "baseline": np.arange(n) < b,
            "signal": pd.array(_signals(x, mean, lower, upper, near_lower, near_upper), "string"),
        },
        index=values.index,
    )
    return out[XMR_COLUMNS]


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
    signal = _signals(x, mean, lower, upper, near_lower, near_upper)
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


def _seasonal_index(series: pd.Series, base: np.ndarray) -> pd.Series | None:
    """Each calendar month's baseline average minus the baseline mean, or None when the
    baseline lacks two years or a calendar month."""
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    cal = np.array([int(str(m)[5:7]) for m in series.index])
    sel = base & ~np.isnan(values)
    if sel.sum() < 24 or len(set(cal[sel])) < 12:
        return None
    overall = values[sel].mean()
    index = {m: values[sel & (cal == m)].mean() - overall for m in range(1, 13)}
    return pd.Series([index[m] for m in cal], index=series.index)


def spc_signals(
    monthly: pd.DataFrame,
    baseline: int | None = None,
    baseline_end: str | None = None,
    baseline_months: int | None = None,
    seasonal: bool = False,
    c_chart_below: float | None = None,
) -> pd.DataFrame:
    """Control chart of every category's monthly counts, in one long table.

    Each category's months run continuously from its first to its last month; a month with no
    count is kept as a row with a missing count (a gap, never a zero) and never signals.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``month, category, count`` as from :func:`csp_analysis.analyses.monthly.monthly_counts`.
    baseline : int, optional
        Number of first months of each category used to fix its limits (see :func:`xmr`).
    baseline_end : str, optional
        Last month (``YYYY-MM``) of the baseline: the limits come from the months up to it
        (the last ``baseline_months`` of them when given), and the chart starts at the
        baseline's first month. Use the month before the assessed year so that the year is
        judged against limits it did not set. A category with fewer than 2 baseline months
        falls back to all its months (``baseline`` then True for every row).
    baseline_months : int, optional
        How many months before ``baseline_end`` (inclusive) form the baseline (default all).
    seasonal : bool
        Remove the baseline's average seasonal pattern before charting (needs 24 baseline
        months covering every calendar month; otherwise the counts are charted as they are).
    c_chart_below : float, optional
        Draw a Poisson c-chart instead of an XmR chart when the baseline mean is below this
        (e.g. 10 a month); counts are then charted without seasonal adjustment.

    Returns
    -------
    pandas.DataFrame
        Every charted month of every category (not only those with a signal): ``category``,
        ``month``, ``count``, ``mean``, ``lower``, ``upper``, ``near_lower``, ``near_upper``,
        ``trial``, ``signal`` (``""`` where none), ``method``, ``value`` (the charted value:
        the count, or the count less its month's seasonal effect), ``baseline`` (the month
        set the limits) and ``chart`` (``"XmR"``, ``"XmR, seasonally adjusted"`` or
        ``"c-chart"``). A category without two consecutive months has missing limits and no
        signals.

    Raises
    ------
    ValueError
        If a column is missing, a category has the same month twice, or a baseline argument
        is invalid.

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
    for name, value in (("baseline", baseline), ("baseline_months", baseline_months)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 2
        ):
            raise ValueError(f"{name} must be a whole number of months, 2 or more, got {value!r}")
    end = parse_month(baseline_end) if baseline_end is not None else None
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
        b = baseline if baseline is None else min(baseline, len(series))
        if end is not None:
            before = [m for m in months if m <= end]
            if baseline_months is not None:
                before = before[-baseline_months:]
            if len(before) >= 2:
                series = series.loc[before[0] :]
                b = len(before)
            else:
                b = None
        base = np.arange(len(series)) < (len(series) if b is None else b)
        counts = series.to_numpy(dtype="float64", na_value=np.nan)
        base_mean = float(np.nanmean(counts[base])) if (~np.isnan(counts[base])).any() else np.nan
        kind, method = "XmR", METHOD
        charted = series
        if c_chart_below is not None and base_mean < c_chart_below:
            kind, method = "c-chart", C_METHOD
        elif seasonal:
            effect = _seasonal_index(series, base)
            if effect is not None:
                charted = series - effect
                kind, method = "XmR, seasonally adjusted", SEASONAL_METHOD
        try:
            chart = (c_chart if kind == "c-chart" else xmr)(charted, baseline=b)
        except ValueError:
            chart = pd.DataFrame(
                {"value": charted.to_numpy(dtype="float64", na_value=np.nan)},
                index=series.index,
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
                "month": list(series.index),
                "count": count.array,
                "mean": chart["mean"].to_numpy(),
                "lower": chart["lower"].to_numpy(),
                "upper": chart["upper"].to_numpy(),
                "near_lower": chart["near_lower"].to_numpy(),
                "near_upper": chart["near_upper"].to_numpy(),
                "trial": chart["trial"].to_numpy(dtype=bool),
                "signal": chart["signal"].astype("string").to_numpy(),
                "method": method,
                "value": charted.to_numpy(dtype="float64", na_value=np.nan),
                "baseline": base,
                "chart": kind,
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
        "method",
        "value",
        "baseline",
        "chart",
    ]
    if not parts:
        out = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    else:
        out = pd.concat(parts, ignore_index=True)
    return out.astype(
        {
            "category": "string",
            "month": "string",
            "signal": "string",
            "method": "string",
            "trial": "bool",
            "baseline": "bool",
            "chart": "string",
        }
    )[columns]


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
