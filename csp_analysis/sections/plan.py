"""Last year's plan: how far the partnership plan was delivered, by priority."""

from __future__ import annotations

import pandas as pd

from csp_analysis.exceptions import TableError
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import table_html
from csp_analysis.statistics.plan import plan_progress

NAME = "plan"


def build(ctx: Context) -> SectionResult:
    """Delivery of last year's plan, summarised by priority.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Table ``plan_progress`` (activities and delivery summary per priority); a gap without
        a plan.
    """
    plan = ctx.local_table("plan")
    if plan is None or not len(plan):
        return gap(
            NAME,
            "No partnership plan was given: add last year's plan (plan.csv: "
            "priority, activity, outcome, timescale, status) to the data folder.",
        )
    try:
        progress = plan_progress(plan)
    except TableError as exc:  # a bad value the reader did not catch
        return gap(NAME, f"Last year's plan could not be used: {exc.in_file('plan.csv')}")
    return SectionResult(name=NAME, tables={"plan_progress": progress})


def render(result: SectionResult, a: Report) -> list:
    """One row per priority: activities and delivery in words.

    Parameters
    ----------
    result : SectionResult
        The section's result (from ``build``).
    a : Report
        The assessment being shown: area, years, choices and the other sections' results.

    Returns
    -------
    list
        Display blocks (IPython ``Markdown``/``HTML``) in page order.
    """
    p = result.table("plan_progress")
    return [
        table_html(
            pd.DataFrame(
                {"Priority": p["priority"], "Activities": p["activities"], "Delivery": p["summary"]}
            ),
            "plan",
        )
    ]


SECTION = Section(name=NAME, order=110, title="Last year's plan", build=build, render=render)
