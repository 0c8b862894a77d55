"""How far last year's partnership plan was delivered, priority by priority.

The input, ``plan.csv``, is the delivery plan as the partnership tracks it::

    priority,activity,outcome,timescale,status
    Tackling drugs,Closure orders on drug premises,Fewer drug-related calls,March 2025,Complete
    Tackling drugs,Drug awareness sessions in schools,Sessions in every secondary,Q3,75%

``status`` is either a RAG rating (``Red``, ``Amber``, ``Green``) or ``Complete`` (also
``Completed`` or ``Done``), or a percentage complete (``75%``; ``100%`` counts as complete). Case
and spacing do not matter. Other columns (such as ``note``) are kept out of the summary.

A RAG rating says whether an activity is on track, not how far it has got, so activities rated
Red, Amber or Green have no percentage; ``mean_percent_complete`` averages only the activities
reported as a percentage or as complete (complete = 100%) and is missing when there are none.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from csp_analysis.exceptions import TableError

REQUIRED = ("priority", "activity", "outcome", "timescale", "status")
NOT_BLANK = ("priority", "activity", "status")
RAG = {"red": "red", "amber": "amber", "green": "green"}
COMPLETE = {"complete", "completed", "done"}
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%?$")
COLUMNS = [
    "priority",
    "activities",
    "complete",
    "green",
    "amber",
    "red",
    "reported_as_percent",
    "mean_percent_complete",
    "summary",
]


def parse_status(text: object) -> tuple[str, float]:
    """Classify one status cell.

    Parameters
    ----------
    text : object
        The cell: a RAG rating, ``Complete`` or a percentage.

    Returns
    -------
    tuple of (str, float)
        ``(group, percent)``: group is ``complete``, ``green``, ``amber``, ``red`` or
        ``percent`` (a percentage below 100); percent is the percentage complete, NaN for a RAG
        rating.

    Raises
    ------
    ValueError
        If the cell is none of these.

    Examples
    --------
    >>> parse_status("75%")
    ('percent', 75.0)
    >>> parse_status(" complete ")
    ('complete', 100.0)
    >>> parse_status("Amber")
    ('amber', nan)
    """
    key = re.sub(r"\s+", " ", str(text)).strip().casefold()
    if key in COMPLETE:
        return "complete", 100.0
    if key in RAG:
        return RAG[key], float("nan")
    m = PERCENT.match(key)
    if m:
        value = float(m.group(1))
        if value > 100:
            raise ValueError(f"{value:g}% is more than 100%")
        return ("complete" if value == 100 else "percent"), value
    raise ValueError(
        f"status '{text}' is not Red, Amber, Green, Complete or a percentage such as 75%"
    )


def validate_plan(plan: pd.DataFrame) -> pd.DataFrame:
    """Check a plan table; return it with ``group`` and ``percent`` columns added.

    Parameters
    ----------
    plan : pandas.DataFrame
        ``priority, activity, outcome, timescale, status``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    TableError
        A ``ValueError`` naming the column and the 1-based row:
        a missing column, a blank priority, activity or status, or a status that is not a RAG
        rating, Complete or a percentage from 0% to 100%.
    """
    for col in REQUIRED:
        if col not in plan.columns:
            raise TableError("missing column", column=col)
    if not len(plan):
        raise TableError("the plan has no rows")
    df = plan.copy()
    for col in REQUIRED:
        df[col] = df[col].astype("string").str.strip()
    for col in NOT_BLANK:
        for pos, value in enumerate(df[col]):
            if pd.isna(value) or value == "":
                raise TableError(f"blank {col}", row=pos + 1, column=col)
    groups, percents = [], []
    for pos, value in enumerate(df["status"]):
        try:
            group, pct = parse_status(value)
        except ValueError as exc:
            raise TableError(str(exc), row=pos + 1, column="status") from None
        groups.append(group)
        percents.append(pct)
    df["group"] = groups
    df["percent"] = np.array(percents, dtype="float64")
    return df


def _activities(n: int) -> str:
    return f"{n} {'activity' if n == 1 else 'activities'}"


def _summary(row: dict) -> str:
    parts = []
    for key, word in (
        ("complete", "complete"),
        ("green", "green (on track)"),
        ("amber", "amber"),
        ("red", "red"),
    ):
        if row[key]:
            parts.append(f"{row[key]} {word}")
    if row["reported_as_percent"]:
        parts.append(f"{row['reported_as_percent']} in progress (reported as a percentage)")
    text = f"{_activities(row['activities'])}: "
    text += ", ".join(parts)
    if pd.notna(row["mean_percent_complete"]):
        text += (
            f"; activities reported as a percentage or complete are on average "
            f"{row['mean_percent_complete']:.0f}% complete"
        )
    return text + "."


def plan_progress(plan: pd.DataFrame) -> pd.DataFrame:
    """Delivery of last year's plan by priority.

    Parameters
    ----------
    plan : pandas.DataFrame
        ``priority, activity, outcome, timescale, status`` (see the module notes).

    Returns
    -------
    pandas.DataFrame
        One row per priority, in the order priorities first appear: ``priority, activities,
        complete, green, amber, red, reported_as_percent, mean_percent_complete, summary``.
        ``complete`` counts Complete and 100%; ``reported_as_percent`` counts activities given
        as a percentage below 100%; ``mean_percent_complete`` is the mean percentage over
        activities given as a percentage or Complete (missing when none).

    Raises
    ------
    TableError
        A ``ValueError``; see :func:`validate_plan`.

    Examples
    --------
    >>> p = pd.DataFrame({"priority": ["Drugs"] * 3, "activity": ["a", "b", "c"],
    ...                   "outcome": "", "timescale": "", "status": ["Complete", "Red", "50%"]})
    >>> plan_progress(p)["summary"].iloc[0]
    '3 activities: 1 complete, 1 red, 1 in progress (reported as a percentage); activities \
reported as a percentage or complete are on average 75% complete.'
    """
    df = validate_plan(plan)
    rows = []
    for priority in pd.unique(df["priority"]):
        sub = df[df["priority"] == priority]
        counts = sub["group"].value_counts()
        row = {
            "priority": priority,
            "activities": len(sub),
            **{g: int(counts.get(g, 0)) for g in ("complete", "green", "amber", "red")},
            "reported_as_percent": int(counts.get("percent", 0)),
            "mean_percent_complete": (
                float(sub["percent"].mean()) if sub["percent"].notna().any() else np.nan
            ),
        }
        row["summary"] = _summary(row)
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({"priority": "string", "summary": "string"})
