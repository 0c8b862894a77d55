"""Comparison with similar areas, the statistics: funnel limits, benchmark verdicts and
nearest neighbours.

The peer table that uses them (members, rates, group band, rank) is
:mod:`csp_analysis.analyses.comparators`, whose docstring gives the method and references.

References
----------
.. [1] Public Health England. *Fingertips funnel plot methodology*, 2018.
.. [2] Spiegelhalter DJ. Funnel plots for comparing institutional performance. *Stat Med*
   2005;24:1185–1202.
.. [3] CIPFA. *Nearest neighbours model*: technical guidance (standardised indicators,
   Euclidean distance).
.. [4] Spiegelhalter DJ. Handling over-dispersion of performance indicators. *Qual Saf Health
   Care* 2005;14:347–351 (winsorised z-scores, additive random-effects limits).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from scipy import special

from csp_analysis import defaults
from csp_analysis.exceptions import TableError

HIGHER, SIMILAR, LOWER = "higher", "similar", "lower"
FUNNEL_METHOD = "Exact Poisson limits (chi-squared), as Fingertips funnel plots"
OD_METHOD = (
    "Spiegelhalter (2005) over-dispersed limits: square-root scale, z-scores winsorised at "
    "10%/90%, additive random effects"
)
WINSOR = 0.10
NEIGHBOUR_METHOD = "Euclidean distance between z-scores of the indicators (CIPFA-style)"


def compare_with_benchmark(
    lower: pd.Series, upper: pd.Series, benchmark: pd.Series | float
) -> pd.Series:
    """Fingertips-style verdict of an interval against a benchmark value.

    ``"higher"`` when the whole interval lies above the benchmark, ``"lower"`` when it lies
    below, ``"similar"`` when it contains it; missing when either is missing.

    The comparison is strict: an interval whose end equals the benchmark is ``"similar"``.

    Parameters
    ----------
    lower : pandas.Series
        Lower ends of the intervals (e.g. ``ci_lower`` of a rate per 1,000), numeric or
        numeric text; missing values allowed.
    upper : pandas.Series
        Upper ends, aligned with ``lower`` (same index).
    benchmark : pandas.Series or float
        The value compared with, in the same units: one number for every row (e.g. the
        pooled group rate), or a Series aligned with ``lower``.

    Returns
    -------
    pandas.Series
        ``"higher"``, ``"similar"`` or ``"lower"`` (``string`` dtype) on the index of
        ``lower``; ``<NA>`` where the lower end, upper end or benchmark is missing.

    Examples
    --------
    >>> compare_with_benchmark(pd.Series([2.0, 1.0, 0.5]), pd.Series([3.0, 2.5, 0.9]), 1.2)
    0     higher
    1    similar
    2      lower
    dtype: string
    """
    lo = pd.to_numeric(lower).astype("float64")
    hi = pd.to_numeric(upper).astype("float64")
    bench = (
        benchmark.astype("float64")
        if isinstance(benchmark, pd.Series)
        else pd.Series(float(benchmark), index=lo.index)
    )
    verdict = np.select([lo > bench, hi < bench], [HIGHER, LOWER], SIMILAR)
    known = lo.notna() & hi.notna() & bench.notna()
    return pd.Series(verdict, index=lo.index, dtype="string").where(known, pd.NA)


# ---------------------------------------------------------------------------- peer table
def _solve_shape(target: np.ndarray, q: float, offset: float) -> np.ndarray:
    """Solve ``gammaincinv(x + offset, q) == target`` for ``x >= 0`` by vectorised bisection.

    ``gammaincinv(a, q)`` is ``chi2.ppf(q, 2a) / 2``, increasing in ``a``. Where even ``x = 0``
    overshoots the target the answer is 0.
    """
    lo = np.zeros_like(target)
    hi = target + 10 * np.sqrt(target) + 20
    for _ in range(200):
        mid = (lo + hi) / 2
        shape = mid + offset
        with np.errstate(invalid="ignore"):
            val = np.where(shape > 0, special.gammaincinv(np.maximum(shape, 1e-300), q), 0.0)
        below = val < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return (lo + hi) / 2


def funnel_limits(
    group_rate: float, populations: Sequence[float] | np.ndarray | pd.Series, per: float = 1000
) -> pd.DataFrame:
    """Exact Poisson funnel limits at 95% and 99.8% around a pooled rate.

    For a population ``P`` the expected count is ``E = group_rate × P / per``. The lower limit
    is the count whose exact upper confidence limit equals ``E`` and the upper limit the count
    whose exact lower limit equals ``E`` (Fingertips funnel method, a continuous form of the
    Poisson quantiles of Spiegelhalter 2005): an area with an exact interval lies outside the
    funnel exactly when its interval excludes the group rate.

    Parameters
    ----------
    group_rate : float
        The pooled rate per ``per`` residents (positive).
    populations : array_like
        Populations at which to draw the limits (positive); returned sorted ascending.
    per : float, default 1000

    Returns
    -------
    pandas.DataFrame
        ``population, expected, group_rate, lower_95, upper_95, lower_99_8, upper_99_8,
        method``; limits are rates per ``per`` residents (the lower limit is 0 where even a
        count of 0 would be within the funnel).

    Raises
    ------
    ValueError
        If ``group_rate``, ``per`` or a population is not positive.

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. *Stat Med*
       2005;24:1185–1202.
    .. [2] Public Health England. *Fingertips funnel plot methodology*; PHEindicatormethods
       ``calculate_funnel_limits``.

    Examples
    --------
    >>> lim = funnel_limits(2.0, [1000, 100_000])
    >>> bool((lim["lower_99_8"] <= lim["lower_95"]).all() and (lim["lower_95"] < 2).all())
    True
    """
    for name, value in (("group_rate", group_rate), ("per", per)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValueError(f"{name} must be a positive number, not {value!r}")
    pops = np.sort(np.asarray(pd.to_numeric(pd.Series(populations)), dtype="float64"))
    if not len(pops) or np.isnan(pops).any() or (pops <= 0).any():
        raise ValueError("populations must be positive numbers, none missing")
    expected = group_rate * pops / per
    out = pd.DataFrame({"population": pops, "expected": expected, "group_rate": float(group_rate)})
    for level, suffix in zip(defaults.LEVELS, ("95", "99_8"), strict=True):
        alpha = 1 - level
        # lower limit x_L: exact upper limit of x_L, gammaincinv(x + 1, 1 - alpha/2), is E
        x_lower = _solve_shape(expected, 1 - alpha / 2, 1.0)
        # upper limit x_U: exact lower limit of x_U, gammaincinv(x, alpha/2), is E
        x_upper = _solve_shape(expected, alpha / 2, 0.0)
        out[f"lower_{suffix}"] = x_lower / pops * per
        out[f"upper_{suffix}"] = x_upper / pops * per
    out["method"] = pd.Series(FUNNEL_METHOD, index=out.index, dtype="string")
    return out


# ---------------------------------------------------------------------------- over-dispersion
def overdispersion(
    observed: Sequence[float] | np.ndarray | pd.Series,
    expected: Sequence[float] | np.ndarray | pd.Series,
    winsor: float = WINSOR,
) -> dict:
    """How much more areas differ than Poisson chance allows (Spiegelhalter 2005).

    Each area's count O is set against its expected count E (group rate x population) on the
    square-root scale: y = sqrt(O / E) with target 1 and standard error s = 1 / (2 sqrt(E)), so
    z = 2 (sqrt(O) - sqrt(E)). The z-scores are winsorised (those below the 10th percentile
    set to it, those above the 90th to it; percentiles by linear interpolation), and the
    dispersion is phi = mean(z^2). When I phi > I - 1 (I areas) the areas vary more than
    chance, and the between-area variance on the square-root scale is
    tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w) with w = 1 / s^2; otherwise tau^2 = 0
    and no adjustment is needed.

    Parameters
    ----------
    observed : array_like
        Counts of the areas (0 or more).
    expected : array_like
        Expected counts under the group rate (positive), aligned with ``observed``.
    winsor : float
        Share winsorised in each tail (default 0.10).

    Returns
    -------
    dict
        ``phi`` (dispersion), ``tau2`` (between-area variance, 0 when not over-dispersed),
        ``areas`` (I), ``overdispersed`` (I phi > I - 1), ``z`` (the raw z-scores) and
        ``method``.

    Raises
    ------
    ValueError
        If the lengths differ, fewer than 2 areas are given, a count is negative or missing,
        or an expected count is not positive.

    References
    ----------
    .. [1] Spiegelhalter DJ. Handling over-dispersion of performance indicators. *Qual Saf
       Health Care* 2005;14:347–351.
    .. [2] Spiegelhalter DJ. Funnel plots for comparing institutional performance. *Stat Med*
       2005;24:1185–1202.
    .. [3] Mainey C et al. FunnelPlotR (NHS-R Community), ``funnel_plot(data_type = "SR",
       sr_method = "CQC")``: the same phi and tau^2 (the test's reference).

    Examples
    --------
    >>> r = overdispersion([100, 100, 100], [100, 100, 100])
    >>> r["phi"], r["tau2"], r["overdispersed"]
    (0.0, 0.0, False)
    """
    obs = np.asarray(pd.to_numeric(pd.Series(observed)), dtype="float64")
    exp = np.asarray(pd.to_numeric(pd.Series(expected)), dtype="float64")
    if obs.shape != exp.shape:
        raise ValueError(f"observed and expected differ in length ({len(obs)} and {len(exp)})")
    if len(obs) < 2:
        raise ValueError("over-dispersion needs at least 2 areas")
    if np.isnan(obs).any() or (obs < 0).any():
        raise ValueError("observed counts must be 0 or more, none missing")
    if np.isnan(exp).any() or (exp <= 0).any():
        raise ValueError("expected counts must be positive, none missing")
    z = 2.0 * (np.sqrt(obs) - np.sqrt(exp))
    lo, hi = np.quantile(z, [winsor, 1.0 - winsor])
    zw = np.clip(z, lo, hi)
    n = len(z)
    phi = float(np.mean(zw**2))
    w = 4.0 * exp  # 1 / s^2 with s = 1 / (2 sqrt(E))
    over = n * phi > n - 1
    tau2 = float((n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum())) if over else 0.0
    return {
        "phi": phi,
        "tau2": max(tau2, 0.0),
        "areas": n,
        "overdispersed": bool(over),
        "z": z,
        "method": OD_METHOD,
    }


def overdispersed_limits(
    group_rate: float,
    populations: Sequence[float] | np.ndarray | pd.Series,
    tau2: float,
    per: float = 1000,
) -> pd.DataFrame:
    """Funnel limits widened for between-area variation (Spiegelhalter 2005, additive).

    On the square-root scale the limits are 1 ± z_p sqrt(s^2 + tau^2) with
    s = 1 / (2 sqrt(E)) and E = group_rate × population / per; squared back and multiplied by
    the group rate they are rates per ``per`` residents (the lower limit is 0 where
    1 - z_p sqrt(s^2 + tau^2) is negative). With ``tau2`` = 0 they are the normal
    approximation of the Poisson limits.

    Parameters
    ----------
    group_rate : float
        The pooled rate per ``per`` residents (positive).
    populations : array_like
        Populations at which to draw the limits (positive), kept in the given order.
    tau2 : float
        Between-area variance from :func:`overdispersion` (0 or more).
    per : float, default 1000

    Returns
    -------
    pandas.DataFrame
        ``population, od_lower_95, od_upper_95, od_lower_99_8, od_upper_99_8``.

    Raises
    ------
    ValueError
        If ``group_rate`` or a population is not positive, or ``tau2`` is negative.

    Examples
    --------
    >>> lim = overdispersed_limits(10.0, [10_000], 0.0)
    >>> round(float(lim["od_upper_95"].iloc[0]), 2)
    12.06
    """
    from scipy import stats

    if not group_rate > 0 or not tau2 >= 0:
        raise ValueError("group_rate must be positive and tau2 0 or more")
    pops = np.asarray(pd.to_numeric(pd.Series(populations)), dtype="float64")
    if np.isnan(pops).any() or (pops <= 0).any():
        raise ValueError("populations must be positive numbers, none missing")
    expected = group_rate * pops / per
    spread = np.sqrt(1.0 / (4.0 * expected) + tau2)
    out = pd.DataFrame({"population": pops})
    for level, suffix in zip(defaults.LEVELS, ("95", "99_8"), strict=True):
        zq = stats.norm.ppf(1 - (1 - level) / 2)
        out[f"od_lower_{suffix}"] = group_rate * np.maximum(1 - zq * spread, 0.0) ** 2
        out[f"od_upper_{suffix}"] = group_rate * (1 + zq * spread) ** 2
    return out


# ---------------------------------------------------------------------------- neighbours
def _validated_indicators(indicators: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Check an indicator table; return the area names and the numeric indicators.

    Raises
    ------
    TableError
        A ``ValueError`` naming the column: no ``area`` column, a blank or repeated area, no
        indicator, an indicator that is not numeric, has missing values or does not vary.
    """
    if "area" not in indicators.columns:
        raise TableError("the indicator table has no area column", column="area")
    names = indicators["area"].astype("string").str.strip()
    if names.isna().any() or (names == "").any():
        raise TableError("area is blank on some rows", column="area")
    dup = names[names.duplicated()]
    if len(dup):
        raise TableError(f"area '{dup.iloc[0]}' appears more than once", column="area")
    cols = [c for c in indicators.columns if c != "area"]
    if not cols:
        raise TableError("the indicator table has no indicator columns besides area")
    for c in cols:
        s = indicators[c]
        if not is_numeric_dtype(s) or is_bool_dtype(s):
            raise TableError(f"indicator is not numeric (dtype {s.dtype})", column=str(c))
        if s.isna().any():
            which = ", ".join(names[s.isna()].head(5))
            raise TableError(f"indicator has missing values (areas: {which})", column=str(c))
        if s.astype("float64").std(ddof=1) == 0 or len(s) < 2:
            raise TableError(
                "indicator has the same value for every area: cannot be standardised", column=str(c)
            )
    values = indicators[cols].astype("float64")
    values.index = pd.Index(names, name="area")
    return names, values


def nearest_neighbours(indicators: pd.DataFrame, area: str, k: int = 15) -> pd.DataFrame:
    """The ``k`` areas most similar to ``area`` on standardised indicators (CIPFA-style).

    Each indicator is turned into z-scores, ``(x − mean) / SD`` (sample SD, over all the areas
    in the table); the distance between two areas is the Euclidean distance between their
    z-score vectors, every indicator weighted equally.

    Parameters
    ----------
    indicators : pandas.DataFrame
        An ``area`` column and one numeric column per indicator (e.g. population density,
        deprivation score, share of young adults), one row per candidate area.
    area : str
        The area to find neighbours for (matched ignoring case).
    k : int, default 15
        How many neighbours; fewer are returned when the table has fewer other areas.

    Returns
    -------
    pandas.DataFrame
        ``rank, area, distance, method``: the nearest first (ties in name order), the area
        itself excluded.

    Raises
    ------
    TableError
        A ``ValueError`` naming a column that is not numeric, has missing values or does not
        vary.
    ValueError
        If ``area`` is not in the table (with the closest name as a hint) or ``k`` is not a
        positive whole number.

    References
    ----------
    .. [1] CIPFA. *Nearest neighbours model*: technical guidance.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["A", "B", "C"], "x": [0.0, 1.0, 3.0]})
    >>> nearest_neighbours(t, "A", k=2)["area"].tolist()
    ['B', 'C']
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive whole number, not {k!r}")
    names, values = _validated_indicators(indicators)
    by_fold = {n.casefold(): n for n in names}
    key = str(area).strip().casefold()
    if key not in by_fold:
        close = difflib.get_close_matches(str(area), list(names), n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"area '{area}' is not in the indicator table.{hint}")
    target = by_fold[key]
    z = (values - values.mean()) / values.std(ddof=1)
    dist = np.sqrt(((z - z.loc[target]) ** 2).sum(axis=1)).drop(target)
    out = (
        pd.DataFrame({"area": dist.index.astype("string"), "distance": dist.to_numpy()})
        .sort_values(["distance", "area"])
        .head(int(k))
        .reset_index(drop=True)
    )
    out.insert(0, "rank", pd.array(range(1, len(out) + 1), dtype="Int64"))
    out["method"] = pd.Series(NEIGHBOUR_METHOD, index=out.index, dtype="string")
    return out
