"""Percent change, rounded as published figures are (half away from zero, one decimal)."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd


def pct_change(previous: float, current: float) -> float:
    """Percent change from ``previous`` to ``current``, to 0.1 (halves away from zero); NaN if
    previous is 0.

    Computed exactly, as ``100 × (current − previous) / previous``, then rounded half away
    from zero as Excel's ``ROUND`` does (0.25 → 0.3, −0.25 → −0.3), so published figures
    match a spreadsheet check.

    Parameters
    ----------
    previous : float
        Count in the comparison period. Should be a whole number: it is truncated to an
        integer before the arithmetic.
    current : float
        Count in the assessed period (also truncated to an integer).

    Returns
    -------
    float
        The change in percent (``4.9`` means +4.9%), to one decimal place. NaN when
        ``previous`` is 0, ``None`` or missing, or ``current`` is missing: a change from
        zero has no percentage.

    Examples
    --------
    >>> pct_change(17000, 16253)
    -4.4
    >>> pct_change(0, 12)
    nan
    """
    if previous is None or pd.isna(previous) or previous == 0 or pd.isna(current):
        return float("nan")
    # Exact arithmetic, then half away from zero (as Excel's ROUND): 0.25 -> 0.3, -0.25 -> -0.3.
    exact = Fraction(100) * (Fraction(int(current)) - int(previous)) / int(previous)
    tenths = abs(exact) * 10
    rounded = int(tenths) + (1 if tenths - int(tenths) >= Fraction(1, 2) else 0)
    # The sign of the change survives rounding: a fall of 1 in 2,001 is -0.0%, never +0.0%.
    return math.copysign(rounded / 10, exact) if exact else 0.0
