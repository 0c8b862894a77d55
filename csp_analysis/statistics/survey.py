"""Public concern from a resident survey: the share naming each issue, with Wilson intervals.

The input is a small table an analyst types from the survey results, ``survey.csv``::

    concern,respondents,count[,period][,note]
    People using or dealing drugs,1112,868,2025,...

``respondents`` is how many people answered the question and ``count`` how many named the issue.
Respondents may name several issues, so the shares do not add up to 100%.

Intervals are Wilson score intervals (Wilson 1927), which behave well for small counts and for
shares near 0% or 100%::

    (2x + z² ∓ z √(z² + 4x(1 − x/n))) / (2(n + z²))

Check value (see DOMAIN.md): 30 of 120 gives 18.11%–33.44% at 95%.

When a ``period`` column holds two or more periods, the latest period is reported and compared
with the one before it: ``previous_pct``, ``change_pct_points`` (percentage points, current minus
previous) and ``intervals_overlap``. Whether the two years' intervals overlap is a poor test
(overlapping intervals can hide a real change of 4 points), so each change is also tested
directly: ``change_p_value`` from the two-proportion z-test (pooled, the score test of equal
shares), and ``change_ci_lower``/``change_ci_upper``, Newcombe's (1998) hybrid score interval
of the difference in percentage points. ``change_significant`` says whether that interval
leaves out 0, so the verdict never contradicts the printed interval.

A survey asks about many concerns at once, and each change is a test: at 5% each, one of a
dozen or so unchanged concerns is likely to look changed by chance. So the changes of one
survey are a family: ``change_q_value`` is the Benjamini–Hochberg q-value of each change's
p-value over the concerns compared (:func:`csp_analysis.statistics.significance.bh_q_values`,
pinned to statsmodels ``multipletests(method="fdr_bh")``), and ``change_significant_fdr`` is
True when the change's interval leaves out 0 *and* its q-value is below ``alpha``: the
findings name only those changes, so among the changes named no more than about 1 in 20 is
expected to be chance.

The interval is :func:`csp_analysis.statistics.rates.wilson_ci` (statsmodels'
``proportion_confint(method="wilson")``). Reading ``survey.csv`` from a file is
:func:`csp_analysis.analyses.partnership.read_survey`, which names the file and line of a bad
cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis import defaults
from csp_analysis.exceptions import TableError
from csp_analysis.statistics.rates import wilson_ci
from csp_analysis.statistics.significance import bh_q_values

REQUIRED = ("concern", "respondents", "count")
COLUMNS = ["concern", "respondents", "count", "pct", "ci_lower", "ci_upper", "rank"]
COMPARE_COLUMNS = [
    "period",
    "previous_period",
    "previous_pct",
    "change_pct_points",
    "intervals_overlap",
    "change_p_value",
    "change_ci_lower",
    "change_ci_upper",
    "change_significant",
    "change_q_value",
    "change_significant_fdr",
]


def _wilson(
    count: np.ndarray, n: np.ndarray, level: float = defaults.LEVEL_95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval as arrays (the project's one implementation is
    :func:`csp_analysis.statistics.rates.wilson_ci`).

    Examples
    --------
    >>> lo, hi = _wilson(np.array([30.0]), np.array([120.0]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.1811, 0.3344)
    """
    lower, upper = wilson_ci(np.atleast_1d(count), np.atleast_1d(n), level)
    return np.asarray(lower, dtype="float64"), np.asarray(upper, dtype="float64")


def two_proportion_change(
    count: np.ndarray,
    n: np.ndarray,
    previous_count: np.ndarray,
    previous_n: np.ndarray,
    level: float = defaults.LEVEL_95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Test and interval of a change in a share between two independent surveys.

    The difference d = p1 - p2 (current minus previous) has Newcombe's hybrid score interval
    (his method 10) built from the two Wilson intervals (l1, u1) and (l2, u2):
    ``d - sqrt((p1 - l1)^2 + (u2 - p2)^2)`` to ``d + sqrt((u1 - p1)^2 + (p2 - l2)^2)``. The
    p-value is the pooled two-proportion z-test: z = d / sqrt(p(1 - p)(1/n1 + 1/n2)) with
    p the pooled share, two-sided.

    Parameters
    ----------
    count, n : numpy.ndarray
        Respondents naming the concern, and respondents, in the current survey.
    previous_count, previous_n : numpy.ndarray
        The same in the previous survey.
    level : float
        Confidence level of the interval (default 95%).

    Returns
    -------
    tuple of numpy.ndarray
        p-value, lower and upper limit of the difference (as proportions, not percent).

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.

    Examples
    --------
    >>> p, lo, hi = two_proportion_change(np.array([444]), np.array([1000]),
    ...                                   np.array([400]), np.array([1000]))
    >>> round(float(p[0]), 4), round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.0464, 0.0007, 0.0871)
    """
    from scipy import stats

    x1, n1 = np.asarray(count, dtype="float64"), np.asarray(n, dtype="float64")
    x2, n2 = np.asarray(previous_count, dtype="float64"), np.asarray(previous_n, dtype="float64")
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _wilson(x1, n1, level)
    l2, u2 = _wilson(x2, n2, level)
    d = p1 - p2
    lower = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, d / np.where(se > 0, se, 1.0), 0.0)
    return 2 * stats.norm.sf(np.abs(z)), lower, upper


def _fold(text: str) -> str:
    """Case- and spacing-insensitive key: the same concern worded alike in two periods."""
    return " ".join(str(text).split()).casefold()


def _whole_numbers(df: pd.DataFrame, column: str) -> pd.Series:
    """A column as whole, non-negative numbers, or a TableError naming the first bad cell."""
    raw = df[column]
    text = raw.astype("string").str.replace(",", "", regex=False).str.strip()
    nums = pd.to_numeric(text, errors="coerce")
    for pos, (cell, value) in enumerate(zip(text, nums, strict=True)):
        if pd.isna(cell) or cell == "":
            raise TableError("blank value: a number is required", row=pos + 1, column=column)
        if pd.isna(value):
            raise TableError(f"'{raw.iloc[pos]}' is not a number", row=pos + 1, column=column)
        if value < 0:
            raise TableError(f"negative value {value:g}", row=pos + 1, column=column)
        if value != int(value):
            raise TableError(
                f"{value:g} is not a whole number of people", row=pos + 1, column=column
            )
    return nums.astype("int64")


def validate_survey(survey: pd.DataFrame) -> pd.DataFrame:
    """Check a survey table and return it with clean types.

    Parameters
    ----------
    survey : pandas.DataFrame
        ``concern, respondents, count`` and optionally ``period`` (other columns, such as
        ``note``, are kept but not used).

    Returns
    -------
    pandas.DataFrame
        The same rows; ``concern`` and ``period`` as strings, the counts as int64.

    Raises
    ------
    TableError
        A ``ValueError`` naming the column (and the 1-based row) of the first problem:
        a missing column, a blank concern or period, a blank, non-numeric, negative or
        fractional number, zero respondents, a count above respondents, or the same concern
        twice in one period (compared ignoring case and spacing).
    """
    for col in REQUIRED:
        if col not in survey.columns:
            raise TableError("missing column", column=col)
    if not len(survey):
        raise TableError("the survey table has no rows")
    df = survey.copy()
    concern = df["concern"].astype("string").str.strip()
    for pos, value in enumerate(concern):
        if pd.isna(value) or value == "":
            raise TableError("blank concern", row=pos + 1, column="concern")
    df["concern"] = concern
    df["respondents"] = _whole_numbers(df, "respondents")
    df["count"] = _whole_numbers(df, "count")
    for pos, (n, x) in enumerate(zip(df["respondents"], df["count"], strict=True)):
        if n == 0:
            raise TableError("respondents must be more than 0", row=pos + 1, column="respondents")
        if x > n:
            raise TableError(
                f"count {x} is more than the {n} respondents", row=pos + 1, column="count"
            )
    df["_key"] = df["concern"].str.replace(r"\s+", " ", regex=True).str.casefold()
    keys = ["_key"]
    if "period" in df.columns:
        period = df["period"].astype("string").str.strip()
        for pos, value in enumerate(period):
            if pd.isna(value) or value == "":
                raise TableError("blank period", row=pos + 1, column="period")
        df["period"] = period
        keys = ["period", "_key"]
    dup = df.duplicated(keys, keep="first")
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        where = f" in period {df['period'].iloc[pos]}" if "period" in df.columns else ""
        raise TableError(
            f"concern '{df['concern'].iloc[pos]}' appears twice{where}",
            row=pos + 1,
            column="concern",
        )
    return df.drop(columns="_key")


def _shares(df: pd.DataFrame, level: float) -> pd.DataFrame:
    lo, hi = _wilson(df["count"].to_numpy(), df["respondents"].to_numpy(), level)
    out = df[["concern", "respondents", "count"]].copy()
    out["pct"] = 100.0 * df["count"].to_numpy() / df["respondents"].to_numpy()
    out["ci_lower"] = 100.0 * lo
    out["ci_upper"] = 100.0 * hi
    out["rank"] = out["pct"].rank(method="min", ascending=False).astype("int64")
    return out


def public_concern(
    survey: pd.DataFrame, level: float = defaults.LEVEL_95, alpha: float = defaults.ALPHA
) -> pd.DataFrame:
    """Share of respondents naming each concern, with Wilson intervals and rank.

    Parameters
    ----------
    survey : pandas.DataFrame
        ``concern, respondents, count`` and optionally ``period`` (see :func:`validate_survey`).
    level : float
        Confidence level of the intervals (default 95%).
    alpha : float
        False discovery rate of the family of changes (default 5%).

    Returns
    -------
    pandas.DataFrame
        ``concern, respondents, count, pct, ci_lower, ci_upper, rank``; ``pct`` and the interval
        are in percent (25.0 means 25%), ``rank`` 1 is the most named (ties share the better
        rank). With a ``period`` column, only the latest period's concerns are listed (periods
        sort as text, so write them all alike: ``2025``, or ``2024/25``) and the columns
        ``period, previous_period, previous_pct, change_pct_points, intervals_overlap,
        change_p_value, change_ci_lower, change_ci_upper, change_significant,
        change_q_value, change_significant_fdr`` are added (the test and Newcombe interval of
        :func:`two_proportion_change`, the interval in percentage points, significant when it
        leaves out 0; the Benjamini–Hochberg q-value over the concerns compared, and
        ``change_significant_fdr`` when the interval leaves out 0 and q < ``alpha``); they
        are missing when there is
        no earlier period or the concern was not asked then (concerns are matched across
        periods ignoring case and spacing). Rows are in rank order.

    Raises
    ------
    TableError
        A ``ValueError``; see :func:`validate_survey`.

    Examples
    --------
    >>> t = public_concern(pd.DataFrame({"concern": ["Burglary"], "respondents": [120],
    ...                                  "count": [30]}))
    >>> t[["pct", "ci_lower", "ci_upper"]].round(2).iloc[0].tolist()
    [25.0, 18.11, 33.44]
    """
    df = validate_survey(survey)
    if "period" not in df.columns:
        out = _shares(df, level)
        return out.sort_values(["rank", "concern"], kind="stable").reset_index(drop=True)[COLUMNS]
    periods = sorted(df["period"].unique())
    latest = periods[-1]
    cur = df[df["period"] == latest].reset_index(drop=True)
    out = _shares(cur, level)
    out["period"] = latest
    out["previous_period"] = pd.NA
    out["previous_pct"] = np.nan
    out["change_pct_points"] = np.nan
    out["intervals_overlap"] = pd.array([pd.NA] * len(out), dtype="boolean")
    for col in ("change_p_value", "change_ci_lower", "change_ci_upper"):
        out[col] = np.nan
    out["change_significant"] = pd.array([pd.NA] * len(out), dtype="boolean")
    out["change_q_value"] = np.nan
    out["change_significant_fdr"] = pd.array([pd.NA] * len(out), dtype="boolean")
    if len(periods) >= 2:
        before = periods[-2]
        prev = _shares(df[df["period"] == before].reset_index(drop=True), level)
        prev = prev.set_index(prev["concern"].map(_fold))
        keys = out["concern"].map(_fold)
        found = keys.isin(prev.index).to_numpy()
        p = prev.reindex(keys)
        out["previous_period"] = np.where(found, before, None)
        out["previous_pct"] = p["pct"].to_numpy()
        out["change_pct_points"] = out["pct"] - out["previous_pct"]
        overlap = (out["ci_lower"].to_numpy() <= p["ci_upper"].to_numpy()) & (
            p["ci_lower"].to_numpy() <= out["ci_upper"].to_numpy()
        )
        out["intervals_overlap"] = pd.array(
            [bool(o) if f else pd.NA for o, f in zip(overlap, found, strict=True)],
            dtype="boolean",
        )
        pv, lo, hi = (
            two_proportion_change(
                out["count"].to_numpy(),
                out["respondents"].to_numpy(),
                p["count"].to_numpy(dtype="float64", na_value=np.nan),
                p["respondents"].to_numpy(dtype="float64", na_value=np.nan),
                level,
            )
            if found.any()
            else (np.nan, np.nan, np.nan)
        )
        out["change_p_value"] = np.where(found, pv, np.nan)
        out["change_ci_lower"] = np.where(found, 100.0 * lo, np.nan)
        out["change_ci_upper"] = np.where(found, 100.0 * hi, np.nan)
        out["change_significant"] = pd.array(
            [
                bool(a > 0 or b < 0) if f else pd.NA
                for a, b, f in zip(
                    out["change_ci_lower"], out["change_ci_upper"], found, strict=True
                )
            ],
            dtype="boolean",
        )
        # the family: every concern compared with the previous survey
        q = bh_q_values(out["change_p_value"].to_numpy(dtype="float64"))
        out["change_q_value"] = q
        out["change_significant_fdr"] = pd.array(
            [
                bool(s and qv < alpha) if f else pd.NA
                for s, qv, f in zip(out["change_significant"], q, found, strict=True)
            ],
            dtype="boolean",
        )
    out = out.astype({"period": "string", "previous_period": "string"})
    out = out.sort_values(["rank", "concern"], kind="stable").reset_index(drop=True)
    return out[COLUMNS + COMPARE_COLUMNS]
