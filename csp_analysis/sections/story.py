"""What stands out: one reconciled sentence per category (change, force, trend, unusual months).

Built after the change, trend, control-chart and district sections from their published
tables, so the sentences agree with every other section; shown under the category table (by
the change section's renderer) and, for the categories that stand out, before the recommended
priorities.
"""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.story import SUMMARY_COLUMNS, category_summary, ranked
from csp_analysis.categories import ALL_CRIME, ASB
from csp_analysis.sections.base import Context, Report, Section, SectionResult
from csp_analysis.sections.format import md, sentences

NAME = "story"
#: How many categories with unusual months but no significant change or trend get a key finding.
UNUSUAL_ONLY = 2


def build(ctx: Context) -> SectionResult:
    """The category summary and the key findings on the categories that stand out.

    Parameters
    ----------
    ctx : Context
        The data and choices; reads the change (``yoy_categories``), districts
        (``district_change``), trends (``trends``) and control-chart (``spc_signals``)
        sections.

    Returns
    -------
    SectionResult
        Table ``category_summary`` (:func:`~csp_analysis.analyses.story.category_summary`;
        empty, with its columns, without a category table); one key finding per category
        other than All crime and ASB (which lead the change section's findings) with a
        significant change or a significant trend, then the :data:`UNUSUAL_ONLY` categories
        with the most unusual months (two or more) among the rest, most important first.
    """
    change = ctx.earlier("change").table("yoy_categories")
    if not len(change):
        return SectionResult(
            name=NAME, tables={"category_summary": pd.DataFrame(columns=SUMMARY_COLUMNS)}
        )
    summary = category_summary(
        change,
        area=ctx.area,
        period_label=ctx.year,
        period_months=ctx.period.months,
        districts=ctx.earlier("districts").table("district_change"),
        trends=ctx.earlier("trends").table("trends"),
        spc=ctx.earlier("spc").table("spc_signals"),
    )
    top = ranked(summary)
    top = top[~top["category"].isin([ALL_CRIME, ASB])]
    # every significant change or trend; of the categories with unusual months only, the
    # UNUSUAL_ONLY with the most (a pattern of months is a prompt to look, not a verdict)
    top = pd.concat([top[top["importance"] >= 2], top[top["importance"] < 2].head(UNUSUAL_ONLY)])
    findings = tuple(str(s) for s in top["sentence"])
    return SectionResult(name=NAME, tables={"category_summary": summary}, findings=findings)


def render(result: SectionResult, a: Report) -> list:
    """The categories that stand out, most important first, before the priorities.

    Parameters
    ----------
    result : SectionResult
        The section's result (from ``build``).
    a : Report
        The assessment being shown.

    Returns
    -------
    list
        Display blocks: the ranked sentences, or one line when nothing stands out.
    """
    top = ranked(result.table("category_summary"))
    if not len(top):
        return [
            md(
                f"No category had a significant change, a significant trend or two or more "
                f"unusual months in {a.year}."
            )
        ]
    return [
        md(
            "Ranked: a significant change over the year first, then a significant trend over "
            "the years, then two or more months outside the usual pattern.\n\n" + sentences(top)
        )
    ]


SECTION = Section(name=NAME, order=125, title="What stands out", build=build, render=render)
