"""Crude rates per 1,000 residents and proportions, with confidence intervals.

The methods are those of Public Health England / OHID Fingertips (PHEindicatormethods):

- a count ``x`` is treated as Poisson. For ``x < 10`` the interval is exact, from the
  chi-squared distribution: lower = χ²_{(1−c)/2}(2x) / 2, upper = χ²_{1−(1−c)/2}(2x + 2) / 2
  (the lower limit of 0 is 0). For ``x ≥ 10`` Byar's approximation is used:
  lower = x (1 − 1/(9x) − z/(3√x))³, upper = (x + 1)(1 − 1/(9(x + 1)) + z/(3√(x + 1)))³.
  The count limits are divided by the population and multiplied by ``per``.
- a proportion ``x / n`` gets the Wilson score interval (computed by statsmodels'
  ``proportion_confint(method="wilson")``).

``z`` is the standard normal quantile of the level: 1.96 for 95% and 3.0902 for 99.8% (the
constant quoted by Fingertips equals ``scipy.stats.norm.ppf(0.999)`` to 4 decimal places).

A missing population gives a missing rate, never a zero one.

References
----------
.. [1] Breslow NE, Day NE. *Statistical methods in cancer research, volume II: the design and
   analysis of cohort studies*. Lyon: IARC; 1987 (Byar's method).
.. [2] Armitage P, Berry G, Matthews JNS. *Statistical methods in medical research*, 4th edn.
   Oxford: Blackwell; 2002 (exact Poisson limits from the chi-squared distribution).
.. [3] Wilson EB. Probable inference, the law of succession, and statistical inference.
   *J Am Stat Assoc* 1927;22:209–212.
.. [4] Newcombe RG, Altman DG. Proportions and their differences. In Altman DG et al. (eds),
   *Statistics with confidence*, 2nd edn. London: BMJ Books; 2000. pp. 46–48.
.. [5] Public Health England. *Technical guide: confidence intervals*. Fingertips, 2018.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from csp_analysis import defaults
from csp_analysis.exceptions import TableError

#: Counts below this use the exact Poisson interval; from it upwards Byar's method.
EXACT_BELOW = 10
METHOD_EXACT = "Exact Poisson"
METHOD_BYARS = "Byar's"
METHOD_WILSON = "Wilson score"
#: The two levels every rate table carries, as Fingertips shows them.
LEVELS = defaults.LEVELS

__all__ = [
    "EXACT_BELOW",
    "LEVELS",
    "calculate_rates",
    "count_ci",
    "rate_ci",
    "wilson_ci",
    "z_of_level",
]


# ---------------------------------------------------------------------------- validation
def z_of_level(level: float) -> float:
    """Two-sided standard normal quantile of a confidence level (all levels are checked here).

    Parameters
    ----------
    level : float
        Confidence level strictly between 0 and 1, e.g. 0.95 or 0.998.

    Returns
    -------
    float
        ``norm.ppf(1 - (1 - level) / 2)``.

    Raises
    ------
    ValueError
        If ``level`` is not strictly between 0 and 1.

    Examples
    --------
    >>> round(z_of_level(0.95), 4), round(z_of_level(0.998), 4)
    (1.96, 3.0902)
    """
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ValueError(f"level must be a number strictly between 0 and 1, not {level!r}")
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def _check_per(per: float) -> None:
    if isinstance(per, bool) or not isinstance(per, int | float) or not per > 0:
        raise ValueError(f"per must be a positive number (1000 for a rate per 1,000), not {per!r}")


def _as_float(values: object) -> np.ndarray:
    """Numbers (scalar, list, array, Series; None/NA allowed) as a float array with NaN."""
    if isinstance(values, pd.Series):
        return values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    arr = np.asarray(values, dtype=object)
    flat = [np.nan if v is None or v is pd.NA else v for v in arr.ravel()]
    return np.asarray(flat, dtype="float64").reshape(arr.shape)


def _validated_columns(
    df: pd.DataFrame, count_col: str, pop_col: str, per: float
) -> tuple[np.ndarray, np.ndarray]:
    """Check the rate options and columns; return counts and populations as float arrays.

    Raises
    ------
    TableError
        A ``ValueError`` naming the column that is absent, not numeric, negative (counts) or
        not positive (populations).
    ValueError
        If ``per`` is not a positive number.
    """
    _check_per(per)
    out = []
    for col, what in ((count_col, "count"), (pop_col, "population")):
        if col not in df.columns:
            raise TableError(f"the table has no {what} column", column=col)
        series = df[col]
        if not is_numeric_dtype(series) or is_bool_dtype(series):
            raise TableError(f"{what} column is not numeric (dtype {series.dtype})", column=col)
        values = _as_float(series)
        if np.isinf(values).any():
            raise TableError(f"{what} column holds an infinite value", column=col)
        out.append(values)
    counts, pops = out
    if (counts < 0).any():
        raise TableError("count is negative", column=count_col)
    if (pops <= 0).any():
        raise TableError(
            "population is zero or negative (leave it blank if unknown)", column=pop_col
        )
    return counts, pops


# ---------------------------------------------------------------------------- counts
def count_ci(count: object, level: float = defaults.LEVEL_95) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits of Poisson counts: exact below 10, Byar's from 10.

    Parameters
    ----------
    count : array_like
        Non-negative counts; missing values give missing limits.
    level : float, default 0.95

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits of the expected count (same shape as ``count``).

    References
    ----------
    .. [1] Breslow NE, Day NE (1987), see module references (Byar's method).
    .. [2] Armitage P, Berry G (2002), see module references (exact method).

    Examples
    --------
    >>> lo, hi = count_ci([0, 192])
    >>> [round(float(v), 3) for v in (lo[0], hi[0], lo[1], hi[1])]
    [0.0, 3.689, 165.8, 221.164]
    """
    z = z_of_level(level)
    x = _as_float(count)
    if (x < 0).any():
        raise ValueError("count must not be negative")
    alpha = 1.0 - level
    small = x < EXACT_BELOW
    positive = np.where(x > 0, x, 1.0)  # placeholder where x is 0 or missing
    big = np.where(x >= EXACT_BELOW, x, float(EXACT_BELOW))
    with np.errstate(invalid="ignore"):
        exact_lo = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * positive) / 2, 0.0)
        exact_hi = stats.chi2.ppf(1 - alpha / 2, 2 * np.nan_to_num(x) + 2) / 2
        byars_lo = big * (1 - 1 / (9 * big) - z / (3 * np.sqrt(big))) ** 3
        byars_hi = (big + 1) * (1 - 1 / (9 * (big + 1)) + z / (3 * np.sqrt(big + 1))) ** 3
    lower = np.where(small, exact_lo, byars_lo)
    upper = np.where(small, exact_hi, byars_hi)
    missing = np.isnan(x)
    lower[missing] = np.nan
    upper[missing] = np.nan
    return lower, upper


def rate_ci(
    count: float,
    population: float | None,
    per: float = 1000,
    level: float = defaults.LEVEL_95,
) -> tuple[float, float]:
    """Confidence interval of one crude rate (Fingertips method).

    Parameters
    ----------
    count : float
        The number of crimes (non-negative).
    population : float or None
        Residents; ``None`` or NaN gives ``(nan, nan)`` (a missing rate, never zero).
    per : float, default 1000
        Rate per this many residents.
    level : float, default 0.95
        Confidence level (0.998 for the outer funnel limit).

    Returns
    -------
    tuple of float
        ``(lower, upper)`` of the rate per ``per`` residents.

    References
    ----------
    .. [1] Public Health England. *Technical guide: confidence intervals*. Fingertips, 2018.

    Examples
    --------
    >>> tuple(round(v, 3) for v in rate_ci(192, 85_000))
    (1.951, 2.602)
    """
    _check_per(per)
    lo, hi = count_ci([count], level)
    pop = _as_float([population])[0]
    if np.isnan(pop):
        return float("nan"), float("nan")
    if pop <= 0:
        raise ValueError(f"population must be positive, not {population!r}")
    return float(lo[0] / pop * per), float(hi[0] / pop * per)


def _per_label(per: float) -> str:
    return f"{int(per)}" if float(per).is_integer() else f"{per:g}".replace(".", "_")


def calculate_rates(
    df: pd.DataFrame, count_col: str = "count", pop_col: str = "population", per: float = 1000
) -> pd.DataFrame:
    """Add crude rates with 95% and 99.8% confidence intervals to a table (vectorised).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per area (or category); not modified.
    count_col : str, default "count"
        Non-negative counts; a missing count gives a missing rate.
    pop_col : str, default "population"
        Residents; a missing population gives a missing rate (never zero).
    per : float, default 1000
        Rate per this many residents.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with ``rate_per_1000`` (named ``rate_per_<per>``), ``ci_lower``,
        ``ci_upper`` (95%), ``ci99_lower``, ``ci99_upper`` (99.8%), ``statistic``,
        ``confidence`` (``"95%, 99.8%"``) and ``method`` (``"Exact Poisson"`` for counts under
        10, ``"Byar's"`` from 10; missing where no rate is calculated).

    Raises
    ------
    TableError
        A ``ValueError`` naming a column that is absent, not numeric, negative (counts) or not
        positive (populations).

    References
    ----------
    .. [1] Public Health England. *Technical guide: confidence intervals*. Fingertips, 2018.
    .. [2] Fox S et al. *PHEindicatormethods*: ``phe_rate``, R package (crude rates).

    Examples
    --------
    >>> t = calculate_rates(pd.DataFrame({"count": [192], "population": [85_000]}))
    >>> t[["rate_per_1000", "ci_lower", "ci_upper"]].round(3).iloc[0].tolist()
    [2.259, 1.951, 2.602]
    >>> t["method"].iloc[0]
    "Byar's"
    """
    counts, pops = _validated_columns(df, count_col, pop_col, per)
    out = df.copy()
    known = ~np.isnan(counts) & ~np.isnan(pops)
    with np.errstate(invalid="ignore"):
        out[f"rate_per_{_per_label(per)}"] = counts / pops * per
        for level, prefix in zip(LEVELS, ("ci", "ci99"), strict=True):
            lo, hi = count_ci(counts, level)
            out[f"{prefix}_lower"] = lo / pops * per
            out[f"{prefix}_upper"] = hi / pops * per
    out["statistic"] = pd.Series(f"rate per {per:,g} residents", index=out.index, dtype="string")
    out["confidence"] = pd.Series("95%, 99.8%", index=out.index, dtype="string")
    method = np.where(counts < EXACT_BELOW, METHOD_EXACT, METHOD_BYARS)
    out["method"] = pd.Series(method, index=out.index, dtype="string").where(known, pd.NA)
    return out


# ---------------------------------------------------------------------------- proportions
def wilson_ci(count: object, n: object, level: float = defaults.LEVEL_95) -> tuple:
    """Wilson score interval of a proportion ``count / n``.

    ``(2x + z² ∓ z √(z² + 4x(1 − x/n))) / (2(n + z²))``, computed by
    :func:`statsmodels.stats.proportion.proportion_confint` (``method="wilson"``); the level
    is checked here and the limits are exactly 0 at ``count = 0`` and 1 at ``count = n``.

    Parameters
    ----------
    count : float or array_like
        Number with the attribute, ``0 <= count <= n``.
    n : float or array_like
        Number asked (positive); missing gives a missing interval.
    level : float, default 0.95

    Returns
    -------
    tuple
        ``(lower, upper)`` as proportions (0 to 1): floats for scalar input, arrays otherwise.

    Raises
    ------
    ValueError
        If ``n`` is not positive or ``count`` is outside ``0..n``.

    References
    ----------
    .. [1] Wilson EB (1927), see module references.
    .. [2] Newcombe RG, Altman DG (2000), see module references.

    Examples
    --------
    >>> tuple(round(v, 4) for v in wilson_ci(30, 120))
    (0.1811, 0.3344)
    """
    z_of_level(level)  # checks the level
    scalar = np.ndim(count) == 0 and np.ndim(n) == 0
    x = _as_float(count)
    m = _as_float(n)
    if (m <= 0).any():
        raise ValueError("n must be positive")
    if (x < 0).any() or (x > m).any():
        raise ValueError("count must lie between 0 and n")
    with np.errstate(invalid="ignore"):
        lower, upper = proportion_confint(x, m, alpha=1 - level, method="wilson")
    lower, upper = np.asarray(lower, dtype="float64"), np.asarray(upper, dtype="float64")
    # At x = 0 and x = n the limits are exactly 0 and 1 (sqrt(z²) = z); avoid rounding.
    lower = np.where(x == 0, 0.0, np.clip(lower, 0.0, 1.0))
    upper = np.where(x == m, 1.0, np.clip(upper, 0.0, 1.0))
    if scalar:
        return float(lower), float(upper)
    return lower, upper
