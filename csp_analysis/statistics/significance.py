"""Is a year-on-year change more than chance? The exact conditional test for two counts.

Percent change alone misleads on small counts: +24% on 116 robberies is well within the
variation expected from one year to the next. Treating each year's count as Poisson, the
count of the current year given the total of both years is binomial, which gives an exact test
and an exact confidence interval for the rate ratio (current rate / previous rate) that need
no large-sample approximation.

The outputs carry their own method, level and interval columns, like the indicator tables of
PHEindicatormethods.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from csp_analysis import defaults
from csp_analysis.statistics.change import pct_change

METHOD = "exact conditional Poisson (binomial) test"
CI_METHOD = "Clopper-Pearson exact interval of the binomial proportion"


def _check_count(value: Any, name: str) -> int:
    """Return a count as ``int`` or raise ``ValueError`` naming the argument."""
    if value is None or value is pd.NA or (isinstance(value, Real) and math.isnan(value)):
        raise ValueError(f"{name} is missing: a count is needed")
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not isinstance(value, Integral) and not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    count = int(value)
    if count < 0:
        raise ValueError(f"{name} must be 0 or more, got {count}")
    return count


def _check_populations(pop_previous: Any, pop_current: Any) -> tuple[float, float]:
    """Return both populations (1, 1 when neither is given) or raise naming the argument."""
    if pop_previous is None and pop_current is None:
        return 1.0, 1.0
    for name, value in (("pop_previous", pop_previous), ("pop_current", pop_current)):
        if value is None:
            other = "pop_current" if name == "pop_previous" else "pop_previous"
            raise ValueError(
                f"{name} is missing: give both populations or neither ({other} was given)"
            )
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(pop_previous), float(pop_current)


def _check_fraction(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 < value < 1:
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), got {value!r}")
    return float(value)


def _binomial_two_sided_p(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial p-value by the "minimum likelihood" rule.

    A thin wrapper over :func:`scipy.stats.binomtest`: the p-value is the total probability of
    every outcome no more likely than the observed one (up to a relative tolerance of 1e-7, as
    R's ``binom.test``). ``binomtest`` needs at least one trial; with none the data say
    nothing and the p-value is 1.
    """
    if n == 0:
        return 1.0
    return float(min(1.0, stats.binomtest(k, n, p).pvalue))


def _clopper_pearson(k: int, n: int, level: float) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval of a binomial proportion (``binomtest(...).proportion_ci``).

    ``scipy.stats.binomtest(k, n).proportion_ci(level, method="exact")`` takes the beta
    quantiles ``Beta(tail; k, n - k + 1)`` and ``Beta(1 - tail; k + 1, n - k)``, with the
    limits 0 at ``k = 0`` and 1 at ``k = n``.
    """
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)


def _odds_to_ratio(share: float, exposure_ratio: float) -> float:
    """Rate ratio from the current year's share of the total: (p / (1 - p)) x (P1 / P2)."""
    if share >= 1.0:
        return math.inf
    return share / (1.0 - share) * exposure_ratio


def test_change(
    previous: int,
    current: int,
    pop_previous: float | None = None,
    pop_current: float | None = None,
    level: float = defaults.LEVEL_95,
) -> dict:
    """Exact test of whether a count changed more than chance between two periods.

    Given the total N = C1 + C2 of the previous (C1) and current (C2) counts, C2 is
    Binomial(N, p) with p = P2 / (P1 + P2) when both periods have the same underlying rate
    (p = 0.5 when the populations are equal or not given). The two-sided p-value sums the
    probabilities of every outcome no more likely than the observed one. The rate ratio
    RR = (C2 / P2) / (C1 / P1) has an exact interval from the Clopper-Pearson interval
    (p_L, p_U) of p, transformed by RR = p / (1 - p) x P1 / P2.

    Parameters
    ----------
    previous, current : int
        The counts of the previous and current periods (whole numbers, 0 or more).
    pop_previous, pop_current : float, optional
        Populations (exposures) of the two periods. Give both or neither; without them the
        test compares counts (equal exposures).
    level : float
        Confidence level of the interval, between 0 and 1 (default 0.95).

    Returns
    -------
    dict
        ``p_value``, ``rate_ratio``, ``rr_lower``, ``rr_upper``, ``method``, ``level``.
        When both counts are 0 the data say nothing: ``p_value`` is 1.0, ``rate_ratio`` is
        NaN and the interval is (0, inf). When ``previous`` is 0 and ``current`` is not,
        ``rate_ratio`` and ``rr_upper`` are inf; when ``current`` is 0, both are 0 at the
        lower end.

    Raises
    ------
    ValueError
        If a count is missing, negative or not whole, if only one population is given or
        one is not positive, or if ``level`` is not between 0 and 1; the message names the
        argument.

    References
    ----------
    .. [1] Przyborowski, J. and Wilenski, H. (1940). Homogeneity of results in testing samples
       from Poisson series. Biometrika 31, 313-323 (the conditional binomial test).
    .. [2] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits
       illustrated in the case of the binomial. Biometrika 26, 404-413.
    .. [3] Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for
       discrete data. The R Journal 2(1), 53-58 (the "minimum likelihood" two-sided p-value
       and the rate-ratio interval of R's ``poisson.test``).

    Examples
    --------
    >>> r = test_change(138, 192)
    >>> round(r["p_value"], 4), round(r["rate_ratio"], 3)
    (0.0035, 1.391)
    >>> round(r["rr_lower"], 3), round(r["rr_upper"], 3)
    (1.112, 1.744)
    """
    c1 = _check_count(previous, "previous")
    c2 = _check_count(current, "current")
    p1, p2 = _check_populations(pop_previous, pop_current)
    level = _check_fraction(level, "level")
    n = c1 + c2
    exposure_ratio = p1 / p2
    share = p2 / (p1 + p2)
    out = {
        "p_value": 1.0,
        "rate_ratio": math.nan,
        "rr_lower": 0.0,
        "rr_upper": math.inf,
        "method": METHOD,
        "level": level,
    }
    if n == 0:
        return out
    out["p_value"] = _binomial_two_sided_p(c2, n, share)
    out["rate_ratio"] = math.inf if c1 == 0 else (c2 / p2) / (c1 / p1)
    low, high = _clopper_pearson(c2, n, level)
    out["rr_lower"] = _odds_to_ratio(low, exposure_ratio)
    out["rr_upper"] = _odds_to_ratio(high, exposure_ratio)
    return out


# The name starts with "test" but this is library code: stop pytest collecting it when a test
# module imports it.
test_change.__test__ = False  # type: ignore[attr-defined]


def _describe(previous: int, current: int, pct: float) -> tuple[str, str]:
    """Direction word and ``"of 28 (+24.1%)"`` for a change of counts."""
    diff = current - previous
    if diff == 0:
        return "none", ""
    word = "rise" if diff > 0 else "fall"
    if previous == 0:
        detail = f"{abs(diff):,} (from 0)"
    else:
        pct = pct if pd.notna(pct) else pct_change(previous, current)
        detail = f"{abs(diff):,} ({pct:+.1f}%)"
    return word, detail


def _verdict(previous: int, current: int, pct: float, significant: bool, rr: float) -> str:
    word, detail = _describe(previous, current, pct)
    rate_word = "rise" if rr > 1 else "fall"
    if word == "none":
        if significant:  # only possible when the populations differ
            return f"no change in the count, but a significant {rate_word} in the rate per resident"
        return "no change"
    if not significant:
        return f"a {word} of {detail}, within normal year-to-year variation"
    if rate_word == word:
        return f"a significant {word} of {detail}"
    return f"a {word} of {detail}, but a significant {rate_word} in the rate per resident"


def add_significance(
    change: pd.DataFrame,
    pop_previous: float | None = None,
    pop_current: float | None = None,
    alpha: float = defaults.ALPHA,
) -> pd.DataFrame:
    """Add the exact test, the rate ratio and a verdict in words to a year-on-year table.

    Parameters
    ----------
    change : pandas.DataFrame
        The year-on-year table of :func:`~csp_analysis.analyses.change.category_change`; at
        least ``previous`` and ``current``. ``pct_change`` and ``note`` are used when present.
    pop_previous, pop_current : float, optional
        Populations of the two years, the same for every row (give both or neither). Without
        them counts are compared as if the population had not changed.
    alpha : float
        Significance level of the test, between 0 and 1 (default 0.05). The interval of the
        rate ratio has the matching confidence level ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``change`` with the new columns ``p_value``, ``significant`` (p < alpha;
        missing where a count is missing), ``rate_ratio``, ``rr_lower``, ``rr_upper``,
        ``verdict``, ``method`` and ``level``. Rows with a missing count are kept; their
        verdict says why they are not comparable, e.g. ``"not comparable: no data for
        2024/25"``. Other verdicts read ``"a rise of 28 (+24.1%), within normal
        year-to-year variation"``, ``"a significant fall of 108 (-14.7%)"`` or ``"no
        change"``.

    Raises
    ------
    ValueError
        If ``previous`` or ``current`` is not a column, ``alpha`` is not between 0 and 1, or
        the populations are invalid (the message names the argument or column).

    References
    ----------
    .. [1] Przyborowski, J. and Wilenski, H. (1940). Homogeneity of results in testing samples
       from Poisson series. Biometrika 31, 313-323.
    .. [2] Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for
       discrete data. The R Journal 2(1), 53-58.

    Examples
    --------
    >>> table = pd.DataFrame({"category": ["Robbery"], "previous": [116], "current": [144]})
    >>> add_significance(table)["verdict"].iloc[0]
    'a rise of 28 (+24.1%), within normal year-to-year variation'
    """
    missing = [c for c in ("previous", "current") if c not in change.columns]
    if missing:
        raise ValueError(
            f"change has no column {', '.join(repr(c) for c in missing)}: "
            "expected the year-on-year table (previous, current)"
        )
    alpha = _check_fraction(alpha, "alpha")
    _check_populations(pop_previous, pop_current)
    level = 1.0 - alpha
    out = change.copy()
    cols: dict[str, list] = {
        k: [] for k in ("p_value", "significant", "rate_ratio", "rr_lower", "rr_upper", "verdict")
    }
    pcts = out["pct_change"] if "pct_change" in out.columns else pd.Series(np.nan, out.index)
    notes = out["note"] if "note" in out.columns else pd.Series("", out.index)
    for prev, cur, pct, note in zip(out["previous"], out["current"], pcts, notes, strict=True):
        if pd.isna(prev) or pd.isna(cur):
            which = "previous year" if pd.isna(prev) else "current year"
            reason = f"no data for the {which}"
            if pd.notna(note) and str(note).strip():
                reason = str(note)
            for key in ("p_value", "significant", "rate_ratio", "rr_lower", "rr_upper"):
                cols[key].append(pd.NA)
            cols["verdict"].append(f"not comparable: {reason}")
            continue
        res = test_change(prev, cur, pop_previous, pop_current, level=level)
        significant = bool(res["p_value"] < alpha)
        for key in ("p_value", "rate_ratio", "rr_lower", "rr_upper"):
            cols[key].append(res[key])
        cols["significant"].append(significant)
        cols["verdict"].append(_verdict(int(prev), int(cur), pct, significant, res["rate_ratio"]))
    for key in ("p_value", "rate_ratio", "rr_lower", "rr_upper"):
        out[key] = pd.array(cols[key], dtype="Float64")
    out["significant"] = pd.array(cols["significant"], dtype="boolean")
    out["verdict"] = pd.array(cols["verdict"], dtype="string")
    out["method"] = pd.array(
        [f"{METHOD}; rate ratio interval: {CI_METHOD}"] * len(out), dtype="string"
    )
    out["level"] = pd.array([level] * len(out), dtype="Float64")
    return out[
        [
            *change.columns,
            "p_value",
            "significant",
            "rate_ratio",
            "rr_lower",
            "rr_upper",
            "verdict",
            "method",
            "level",
        ]
    ]
