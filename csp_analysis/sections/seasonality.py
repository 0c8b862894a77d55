"""Seasonality: the typical pattern across the year (STL) and each month of the assessed year
against the same month a year earlier."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.monthly import monthly_wide
from csp_analysis.categories import ALL_CRIME, ASB
from csp_analysis.plots.seasonality import plot_decomposition, plot_same_month
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import figure_html, md, per_month, to_appendix
from csp_analysis.statistics.seasonality import MIN_MONTHS, compare_same_month, decompose_seasonal

NAME = "seasonality"
STL_COLUMNS = ["category", "month", "observed", "trend", "seasonal", "resid", "method"]


def _months(n: int) -> str:
    """'1 month is' or 'n months are'."""
    return "1 month is" if n == 1 else f"{n} months are"


def _decomposable(series: pd.Series) -> str | None:
    """Why a monthly series cannot be decomposed, in plain words, or None when it can."""
    values = series.dropna()
    if len(values) < len(series):
        return (
            f"{_months(len(series) - len(values))} missing, and the seasonal pattern "
            f"needs {MIN_MONTHS} months in a row with none missing"
        )
    if len(values) < MIN_MONTHS:
        return f"only {len(values)} months of data; the seasonal pattern needs {MIN_MONTHS}"
    return None


def build(ctx: Context) -> SectionResult:
    """STL components of All crime and ASB, and the same month a year earlier.

    Parameters
    ----------
    ctx : Context
        The data and choices; reads the monthly section's ``monthly_counts``.

    Returns
    -------
    SectionResult
        Tables ``same_month_last_year`` (each month of the assessed year against the same
        month a year earlier, every category) and ``seasonal_decomposition`` (``category,
        month, observed, trend, seasonal, resid, method``: the numbers behind the STL charts);
        fact ``not_decomposed`` (category → reason) for those without enough months. A gap
        without monthly data.
    """
    monthly = ctx.earlier("monthly").table("monthly_counts")
    if not len(monthly):
        return gap(
            NAME,
            "No monthly data: seasonality needs monthly counts "
            "(data.police.uk street-level files or a monthly extract).",
        )
    same = compare_same_month(monthly)
    if len(same):
        same = same[same["month"].isin(ctx.period.months)]
        same = same.reset_index(drop=True)
    wide = monthly_wide(monthly, ctx.earlier("monthly").facts["order"])
    parts, reasons = [], {}
    for cat in (ALL_CRIME, ASB):
        if cat not in wide.columns:
            continue
        why = _decomposable(wide[cat])
        if why:
            reasons[cat] = why
            continue
        stl = decompose_seasonal(wide[cat])
        parts.append(stl.rename_axis("month").reset_index().assign(category=cat))
    stl_table = (
        pd.concat(parts, ignore_index=True)[STL_COLUMNS]
        if parts
        else pd.DataFrame(columns=STL_COLUMNS)
    )
    tables = {}
    if len(same):
        tables["same_month_last_year"] = same
    if len(stl_table):
        tables["seasonal_decomposition"] = stl_table.astype(
            {"category": "string", "month": "string"}
        )
    return SectionResult(name=NAME, tables=tables, facts={"not_decomposed": reasons})


def render(result: SectionResult, a: Report) -> list:
    """For All crime and ASB: the same-month bar chart, and in the appendix on method the STL
    chart (or why there is none).

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
    stl = result.table("seasonal_decomposition")
    same = result.table("same_month_last_year")
    blocks = []
    for cat in (ALL_CRIME, ASB):
        why = result.facts["not_decomposed"].get(cat)
        if why:
            blocks.append(to_appendix(md(f"_{cat}: no seasonal pattern is drawn: {why}._")))
        elif len(stl) and cat in set(stl["category"]):
            frame = stl[stl["category"] == cat].set_index("month")
            blocks.append(
                to_appendix(
                    figure_html(
                        plot_decomposition(frame, f"{cat}: trend and seasonal pattern"),
                        f"Decomposition of monthly {cat.lower()} into trend, seasonal pattern "
                        "and remainder (STL).",
                    )
                )
            )
        if len(same) and cat in set(same["category"]):
            blocks.append(
                figure_html(
                    plot_same_month(
                        same,
                        cat,
                        f"{cat}: each month of {a.year} against the same month a year earlier",
                        ylabel=per_month(cat),
                    ),
                    f"Bar chart of {cat.lower()} in each month of {a.year} beside the same month "
                    "a year earlier.",
                )
            )
    return blocks


SECTION = Section(name=NAME, order=60, title="Seasonality", build=build, render=render)
