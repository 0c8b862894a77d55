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
previous) and ``intervals_overlap``. Two 95% intervals that do **not** overlap show a difference
that is significant at better than the 5% level; intervals that overlap do not prove there is no
difference (the overlap check is conservative), so an overlapping change is described as "not
clearly different", never as "no change".

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

REQUIRED = ("concern", "respondents", "count")
COLUMNS = ["concern", "respondents", "count", "pct", "ci_lower", "ci_upper", "rank"]
COMPARE_COLUMNS = [
    "period",
    "previous_period",
    "previous_pct",
    "change_pct_points",
    "intervals_overlap",
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


def public_concern(survey: pd.DataFrame, level: float = defaults.LEVEL_95) -> pd.DataFrame:
    """Share of respondents naming each concern, with Wilson intervals and rank.

    Parameters
    ----------
    survey : pandas.DataFrame
        ``concern, respondents, count`` and optionally ``period`` (see :func:`validate_survey`).
    level : float
        Confidence level of the intervals (default 95%).

    Returns
    -------
    pandas.DataFrame
        ``concern, respondents, count, pct, ci_lower, ci_upper, rank``; ``pct`` and the interval
        are in percent (25.0 means 25%), ``rank`` 1 is the most named (ties share the better
        rank). With a ``period`` column, only the latest period's concerns are listed (periods
        sort as text, so write them all alike: ``2025``, or ``2024/25``) and the columns
        ``period, previous_period, previous_pct, change_pct_points, intervals_overlap`` are
        added; they are missing when there is no earlier period or the concern was not asked
        then (concerns are matched across periods ignoring case and spacing). Rows are in rank
        order.

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
    out = out.astype({"period": "string", "previous_period": "string"})
    out = out.sort_values(["rank", "concern"], kind="stable").reset_index(drop=True)
    return out[COLUMNS + COMPARE_COLUMNS]
