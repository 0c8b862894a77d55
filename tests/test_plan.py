"""Delivery of last year's plan: status parsing, summary by priority, validation."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.analyses.partnership import read_plan
from csp_analysis.exceptions import DataError, TableError
from csp_analysis.statistics.plan import parse_status, plan_progress


def plan(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Rows of (priority, activity, status); outcome and timescale filled in."""
    return pd.DataFrame(
        [(p, a, f"outcome of {a}", "March 2026", s) for p, a, s in rows],
        columns=["priority", "activity", "outcome", "timescale", "status"],
    )


@pytest.mark.parametrize(
    ("text", "group", "percent"),
    [
        ("Complete", "complete", 100.0),
        ("completed", "complete", 100.0),
        ("DONE", "complete", 100.0),
        ("Green", "green", math.nan),
        (" amber ", "amber", math.nan),
        ("RED", "red", math.nan),
        ("75%", "percent", 75.0),
        ("75 %", "percent", 75.0),
        ("12.5%", "percent", 12.5),
        ("0%", "percent", 0.0),
        ("100%", "complete", 100.0),
        ("40", "percent", 40.0),
    ],
)
def test_parse_status(text: str, group: str, percent: float) -> None:
    g, p = parse_status(text)
    assert g == group
    assert (math.isnan(p) and math.isnan(percent)) or p == percent


def test_summary_by_priority_pinned_by_hand() -> None:
    t = plan_progress(
        plan(
            [
                ("Drugs", "a", "Complete"),
                ("Drugs", "b", "75%"),
                ("Drugs", "c", "Amber"),
                ("ASB", "d", "Green"),
                ("ASB", "e", "100%"),
                ("ASB", "f", "green"),
                ("Violence", "g", "Red"),
                ("Violence", "h", "Amber"),
            ]
        )
    )
    assert list(t.columns) == [
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
    assert list(t["priority"]) == ["Drugs", "ASB", "Violence"]  # order of first appearance
    d, a, v = (t.iloc[i] for i in range(3))
    assert (
        d["activities"],
        d["complete"],
        d["green"],
        d["amber"],
        d["red"],
        d["reported_as_percent"],
    ) == (3, 1, 0, 1, 0, 1)
    assert d["mean_percent_complete"] == 87.5  # (100 + 75) / 2: the Amber row has no percent
    assert (a["complete"], a["green"], a["mean_percent_complete"]) == (1, 2, 100.0)
    assert pd.isna(v["mean_percent_complete"])  # RAG only: no percentage to average
    assert v["summary"] == "2 activities: 1 amber, 1 red."
    assert d["summary"] == (
        "3 activities: 1 complete, 1 amber, 1 in progress (reported as a percentage); activities "
        "reported as a percentage or complete are on average 88% complete."
    )
    assert a["summary"].startswith("3 activities: 1 complete, 2 green (on track)")
    one = plan_progress(plan([("X", "a", "Red")])).iloc[0]
    assert one["summary"] == "1 activity: 1 red."


def test_counts_add_up() -> None:
    statuses = ["Red", "Amber", "Green", "Complete", "10%", "100%"]
    t = plan_progress(plan([("P", str(i), s) for i, s in enumerate(statuses)]))
    r = t.iloc[0]
    assert r["complete"] + r["green"] + r["amber"] + r["red"] + r["reported_as_percent"] == 6
    assert r["mean_percent_complete"] == pytest.approx((100 + 10 + 100) / 3)


@pytest.mark.parametrize(
    ("rows", "column", "row", "words"),
    [
        ([("P", "a", "Green"), ("P", "b", "Purple")], "status", 2, "not Red, Amber, Green"),
        ([("P", "a", "120%")], "status", 1, "more than 100%"),
        ([("P", "a", "-5%")], "status", 1, "not Red"),
        ([("P", "a", "Green"), ("", "b", "Red")], "priority", 2, "blank priority"),
        ([("P", " ", "Red")], "activity", 1, "blank activity"),
        ([("P", "a", "")], "status", 1, "blank status"),
    ],
)
def test_validation_names_column_and_row(rows: list, column: str, row: int, words: str) -> None:
    # A statistic raises ValueError (TableError) naming column and 1-based row, not DataError.
    with pytest.raises(TableError) as err:
        plan_progress(plan(rows))
    assert isinstance(err.value, ValueError) and not isinstance(err.value, DataError)
    assert (err.value.column, err.value.row) == (column, row)
    assert words in str(err.value) and f"row {row}, column '{column}'" in str(err.value)


def test_missing_column_named() -> None:
    with pytest.raises(TableError) as err:
        plan_progress(plan([("P", "a", "Red")]).drop(columns="timescale"))
    assert err.value.column == "timescale"


def test_blank_outcome_and_timescale_allowed_and_extra_columns_ignored() -> None:
    df = plan([("P", "a", "Red")]).assign(outcome="", timescale="", note="synthetic")
    assert plan_progress(df).iloc[0]["red"] == 1


def test_read_plan_from_file(tmp_path: Path) -> None:
    p = tmp_path / "plan_2025.csv"
    p.write_text(
        "priority,activity,outcome,timescale,status\n"
        "Drugs,Closures,Fewer calls,Q2,Complete\nDrugs,Schools,,Q3,sixty\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_plan(p)
    assert str(err.value).startswith("plan_2025.csv, line 3, column 'status'")
    p.write_text(
        "priority,activity,outcome,timescale,status\nDrugs,Closures,,,Complete\n", encoding="utf-8"
    )
    assert read_plan(p).iloc[0]["complete"] == 1
