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
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from csp_analysis import defaults
from csp_analysis.statistics.change import pct_change

METHOD = "exact conditional Poisson (binomial) test, two-sided by doubling the smaller tail"
CI_METHOD = "Clopper-Pearson exact interval of the binomial proportion"
FDR_METHOD = "Benjamini-Hochberg false discovery rate over the categories (All crime excluded)"


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
    """Two-sided exact binomial p-value by doubling the smaller tail (the "central" rule).

    ``min(1, 2 * min(P(X <= k), P(X >= k)))`` for X ~ Binomial(n, p), from
    :func:`scipy.stats.binom`. This is the test that the Clopper-Pearson interval inverts:
    the p-value is below ``alpha`` exactly when the ``1 - alpha`` interval leaves out ``p``,
    so a verdict never contradicts the printed interval (Fay 2010 calls it "central"; the
    "minimum likelihood" rule of R's ``binom.test`` does not have this property: with a 0.9%
    population change it calls 5 -> 0 significant, p = 0.031, while the interval of the
    rate ratio, 0 to 1.08, includes 1). With no trials the data say nothing and the p-value
    is 1.
    """
    if n == 0:
        return 1.0
    lower = float(stats.binom.cdf(k, n, p))
    upper = float(stats.binom.sf(k - 1, n, p))
    return min(1.0, 2.0 * min(lower, upper))


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
    (p = 0.5 when the populations are equal or not given). The two-sided p-value doubles the
    smaller tail probability (``min(1, 2 min(P(X <= C2), P(X >= C2)))``). The rate ratio
    RR = (C2 / P2) / (C1 / P1) has an exact interval from the Clopper-Pearson interval
    (p_L, p_U) of p, transformed by RR = p / (1 - p) x P1 / P2. Test and interval are one
    method: ``significant`` (the interval at ``level`` leaves out a rate ratio of 1) holds
    exactly when ``p_value < 1 - level``, so the verdict cannot contradict the interval.

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
        ``p_value``, ``rate_ratio``, ``rr_lower``, ``rr_upper``, ``significant`` (the interval
        leaves out 1), ``method``, ``level``.
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
       discrete data. The R Journal 2(1), 53-58 (the "central" two-sided p-value that matches
       the Clopper-Pearson interval).

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
        "significant": False,
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
    # The verdict is read off the interval (in the share's scale, where no rounding of the
    # ratio can move it): significant when the interval leaves out the share of equal rates.
    out["significant"] = bool(share < low or share > high)
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
        # a change that rounds to 0.0% is "under 0.1%", never "+0.0%" on a fall
        detail = f"{abs(diff):,} (" + ("under 0.1%)" if abs(pct) < 0.05 else f"{pct:+.1f}%)")
    return word, detail


def _verdict(
    previous: int,
    current: int,
    pct: float,
    significant: bool,
    rr: float,
    alone: bool | None = None,
    family: int = 1,
) -> str:
    word, detail = _describe(previous, current, pct)
    rate_word = "rise" if rr > 1 else "fall"
    alone = significant if alone is None else alone
    if alone and not significant:
        if word == "none":
            return "no change in the count"
        return (
            f"a {word} of {detail}, significant on its own but not once the {family} "
            "categories tested are allowed for"
        )
    if word == "none":
        if significant:  # only possible when the populations differ
            return f"no change in the count, but a significant {rate_word} in the rate per resident"
        return "no change"
    if not significant:
        return f"a {word} of {detail}, within normal year-to-year variation"
    if rate_word == word:
        return f"a significant {word} of {detail}"
    return f"a {word} of {detail}, but a significant {rate_word} in the rate per resident"


def bh_q_values(p_values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) of a family of tests.

    Sort the m p-values, multiply the i-th smallest by m / i, then make them non-decreasing
    from the largest down (a running minimum) and cap them at 1. A test "survives" the false
    discovery rate ``alpha`` when its q-value is below ``alpha``: among the changes called
    significant that way, no more than a fraction ``alpha`` are expected to be chance.

    Parameters
    ----------
    p_values : sequence of float, numpy array or pandas Series
        The family's p-values; missing values (NaN, None, NA) are left out of the family and
        get a missing q-value.

    Returns
    -------
    numpy.ndarray
        q-values (float64) in the input order, NaN where the p-value was missing.

    Raises
    ------
    ValueError
        If a p-value is outside 0 to 1.

    References
    ----------
    .. [1] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a
       practical and powerful approach to multiple testing. Journal of the Royal Statistical
       Society B 57, 289-300.

    Examples
    --------
    >>> [round(float(q), 3) for q in bh_q_values([0.01, 0.04, 0.03, 0.5])]
    [0.04, 0.053, 0.053, 0.5]
    """
    arr = np.array([np.nan if v is None or v is pd.NA else v for v in p_values], dtype="float64")
    present = ~np.isnan(arr)
    if ((arr[present] < 0) | (arr[present] > 1)).any():
        raise ValueError("p_values must be between 0 and 1")
    out = np.full(len(arr), np.nan)
    p = arr[present]
    m = len(p)
    if not m:
        return out
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    q = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    back = np.empty(m)
    back[order] = q
    out[present] = back
    return out


def _negative_note(category: object, prev: object, cur: object, year_words: tuple[str, str]) -> str:
    parts = [
        f"{words} total is {int(v):,}"
        for v, words in zip((prev, cur), year_words, strict=True)
        if pd.notna(v) and v < 0
    ]
    return (
        f"{category}: the {' and the '.join(parts)} after Home Office adjustments "
        "(negative adjustments to recorded crime), so the change is not tested"
    )


def add_significance(
    change: pd.DataFrame,
    pop_previous: float | None = None,
    pop_current: float | None = None,
    alpha: float = defaults.ALPHA,
    total: str = "All crime",
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
        rate ratio has the matching confidence level ``1 - alpha``, and the false discovery
        rate of ``significant_fdr`` is ``alpha``.
    total : str
        The ``category`` of the row that sums the others (default ``"All crime"``): left out
        of the family of the q-values, and its ``significant_fdr`` is its own test.

    Returns
    -------
    pandas.DataFrame
        A copy of ``change`` with the new columns ``p_value``, ``significant`` (this test
        alone: the ``1 - alpha`` interval of the rate ratio leaves out 1, which is p < alpha;
        missing where a count is missing), ``q_value`` (Benjamini-Hochberg over every row with
        a p-value except All crime, which sums the others; missing for All crime),
        ``significant_fdr`` (q < alpha; for All crime, its own test), ``rate_ratio``,
        ``rr_lower``, ``rr_upper``, ``verdict``, ``method`` and ``level``. Rows with a missing
        count are kept; their verdict says why they are not comparable, e.g. ``"not
        comparable: no data for 2024/25"``. A negative year total (Home Office adjustments)
        is kept as it is, not tested, and its ``note`` names the category. Other verdicts
        read ``"a rise of 28 (+24.1%), within normal year-to-year variation"``, ``"a
        significant fall of 108 (-14.7%)"`` or ``"no change"``; a change significant on its
        own but not over the family reads ``"a rise of 30 (+26.1%), significant on its own
        but not once the 14 categories tested are allowed for"``.

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
    .. [3] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate.
       Journal of the Royal Statistical Society B 57, 289-300.

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
    cats = out["category"] if "category" in out.columns else pd.Series("", out.index)
    new_notes: list = []
    for prev, cur, pct, note, cat in zip(
        out["previous"], out["current"], pcts, notes, cats, strict=True
    ):
        new_notes.append(note)
        if pd.isna(prev) or pd.isna(cur) or prev < 0 or cur < 0:
            if pd.notna(prev) and pd.notna(cur):
                reason = _negative_note(cat, prev, cur, ("previous year's", "current year's"))
                new_notes[-1] = (
                    reason if not (pd.notna(note) and str(note)) else f"{note}; {reason}"
                )
                verdict = "not tested: a year total is negative after Home Office adjustments"
            else:
                which = "previous year" if pd.isna(prev) else "current year"
                reason = f"no data for the {which}"
                if pd.notna(note) and str(note).strip():
                    reason = str(note)
                verdict = f"not comparable: {reason}"
            for key in ("p_value", "significant", "rate_ratio", "rr_lower", "rr_upper"):
                cols[key].append(pd.NA)
            cols["verdict"].append(verdict)
            continue
        res = test_change(prev, cur, pop_previous, pop_current, level=level)
        for key in ("p_value", "rate_ratio", "rr_lower", "rr_upper", "significant"):
            cols[key].append(res[key])
        cols["verdict"].append(pct)  # written below, once the family's q-values are known
    p_values = pd.array(cols["p_value"], dtype="Float64")
    is_total = (cats == total).to_numpy(dtype=bool, na_value=False)
    family = np.where(is_total, np.nan, p_values.to_numpy(dtype="float64", na_value=np.nan))
    q_values = bh_q_values(family)
    tested = int((~np.isnan(family)).sum())
    fdr: list = []
    for i, (prev, cur, sig_alone) in enumerate(
        zip(out["previous"], out["current"], cols["significant"], strict=True)
    ):
        if sig_alone is pd.NA:
            fdr.append(pd.NA)
            continue
        survives = bool(sig_alone) if is_total[i] else bool(q_values[i] < alpha)
        fdr.append(survives)
        cols["verdict"][i] = _verdict(
            int(prev),
            int(cur),
            cols["verdict"][i],
            survives,
            cols["rate_ratio"][i],
            alone=bool(sig_alone),
            family=tested,
        )
    for key in ("rate_ratio", "rr_lower", "rr_upper"):
        out[key] = pd.array(cols[key], dtype="Float64")
    out["p_value"] = p_values
    out["significant"] = pd.array(cols["significant"], dtype="boolean")
    out["q_value"] = pd.array([None if np.isnan(q) else q for q in q_values], dtype="Float64")
    out["significant_fdr"] = pd.array(fdr, dtype="boolean")
    if "note" in out.columns:
        out["note"] = pd.array(new_notes, dtype=out["note"].dtype)
    out["verdict"] = pd.array(cols["verdict"], dtype="string")
    out["method"] = pd.array(
        [f"{METHOD}; rate ratio interval: {CI_METHOD}; q-value: {FDR_METHOD}"] * len(out),
        dtype="string",
    )
    out["level"] = pd.array([level] * len(out), dtype="Float64")
    return out[
        [
            *change.columns,
            "p_value",
            "significant",
            "q_value",
            "significant_fdr",
            "rate_ratio",
            "rr_lower",
            "rr_upper",
            "verdict",
            "method",
            "level",
        ]
    ]
