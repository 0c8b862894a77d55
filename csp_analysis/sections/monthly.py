"""Monthly trends of All crime and anti-social behaviour, with the assessed year shaded."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.monthly import monthly_counts, monthly_wide
from csp_analysis.analyses.themes import theme_counts
from csp_analysis.categories import ALL_CRIME, ASB
from csp_analysis.periods import month_label, period_kind
from csp_analysis.plots import plot_monthly_trend
from csp_analysis.sections.base import Context, Report, Section, SectionResult
from csp_analysis.sections.format import (
    change_subtitle,
    figure_html,
    finding_title,
    md,
    per_month,
)

NAME = "monthly"


def build(ctx: Context) -> SectionResult:
    """Every month of every category that a source covers.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Table ``monthly_counts`` (one row per month and category, then each theme computed
        from monthly counts; months no source covers are absent, not zero) and fact
        ``order`` (categories in report order, then the themes). Without monthly
        counts (quarterly or yearly sources only) the table is empty and the gap says why.
    """
    monthly = monthly_counts(ctx.dataset, ctx.area)
    themes = theme_counts(ctx.dataset, ctx.area).counts
    themes = themes[themes["period"].map(period_kind) == "month"]
    if len(themes) and len(monthly):  # themes where the source is monthly, after the rest
        rows = themes.rename(columns={"period": "month"})[["month", "category", "count"]]
        monthly = pd.concat([monthly, rows], ignore_index=True)
        monthly = monthly.astype({"month": "string", "category": "string", "count": "int64"})
    order = [ALL_CRIME, *ctx.dataset.cmap.order, *dict.fromkeys(themes["category"])]
    if not len(monthly):  # the (empty) table is still published: no month is covered
        return SectionResult(
            name=NAME,
            tables={"monthly_counts": monthly},
            facts={"order": order},
            gap="No monthly data: the sources give quarterly or yearly counts only; "
            "data.police.uk street-level files or a monthly extract would give months.",
        )
    return SectionResult(name=NAME, tables={"monthly_counts": monthly}, facts={"order": order})


def render(result: SectionResult, a: Report) -> list:
    """A line chart each of All crime and ASB per month (gaps for missing months).

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
    monthly = result.table("monthly_counts")
    wide = monthly_wide(monthly, result.facts["order"])
    change = a.results["change"].table("yoy_categories")
    blocks = []
    for cat in (ALL_CRIME, ASB):
        if cat not in wide.columns:
            blocks.append(md(f"_No monthly {cat.lower()} data._"))
            continue
        series = wide[cat]
        first, last = month_label(series.index[0]), month_label(series.index[-1])
        rows = monthly[monthly["category"] == cat]
        peak = rows.loc[rows["count"].idxmax()]
        alt = (
            f"Line chart of {cat.lower()} per month in {a.area} from {first} to {last}; "
            f"highest month {month_label(str(peak['month']))} with {int(peak['count']):,}; "
            f"{a.period.description} shaded."
            + (
                f" {int(series.isna().sum())} missing months shown as gaps."
                if series.isna().any()
                else ""
            )
        )
        title = finding_title(change, a.area, a.year, cat)
        chart = plot_monthly_trend(
            wide,
            cat,
            a.period,
            title=title,
            subtitle=change_subtitle(change, cat),
            ylabel=per_month(cat),
        )
        blocks.append(figure_html(chart, alt))
    return blocks


SECTION = Section(name=NAME, order=30, title="Monthly trends", build=build, render=render)
