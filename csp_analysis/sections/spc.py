"""Unusual months: XmR control charts (NHS England's Making Data Count)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from csp_analysis import defaults
from csp_analysis.categories import ALL_CRIME, ASB
from csp_analysis.periods import month_label, shift_month
from csp_analysis.plots.spc import plot_spc
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import change_subtitle, figure_html, md, per_month, to_appendix
from csp_analysis.statistics.spc import spc_signals

NAME = "spc"


def build(ctx: Context) -> SectionResult:
    """Control limits and special-cause signals of every category's monthly counts.

    Parameters
    ----------
    ctx : Context
        The data and choices; reads the monthly section's ``monthly_counts``.

    Returns
    -------
    SectionResult
        Table ``spc_signals``: every month of every category with its count, mean, limits,
        near-limit band, trial flag and signal, the charted value, whether the month set the
        limits (``baseline``: up to ``ctx.spc_baseline_months`` months before the assessed
        period, default :data:`~csp_analysis.defaults.SPC_BASELINE_MONTHS`) and the chart kind
        (seasonally adjusted XmR, or a c-chart below
        :data:`~csp_analysis.defaults.SPC_C_CHART_BELOW` a month); facts ``baseline_months``
        (the months asked for) and ``period_months`` (the assessed months); a gap without
        monthly data.
    """
    monthly = ctx.earlier("monthly").table("monthly_counts")
    if not len(monthly):
        return gap(
            NAME,
            "No monthly data: control charts need monthly counts "
            "(data.police.uk street-level files or a monthly extract).",
        )
    baseline_end = shift_month(ctx.period.months[0], -1)  # the month before the period
    signals = spc_signals(
        monthly,
        baseline_end=baseline_end,
        baseline_months=ctx.spc_baseline_months,
        seasonal=True,
        c_chart_below=defaults.SPC_C_CHART_BELOW,
    )
    first = ["category", "month", "count", "mean", "lower", "upper", "signal"]
    signals = signals[first + [c for c in signals.columns if c not in first]]
    return SectionResult(
        name=NAME,
        tables={"spc_signals": signals},
        facts={
            "order": ctx.earlier("monthly").facts["order"],
            "baseline_months": ctx.spc_baseline_months,
            "period_months": tuple(ctx.period.months),
        },
    )


def render(result: SectionResult, a: Report) -> list:
    """A control chart for All crime and ASB, and (in the appendix) each category with a signal
    in the year.

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
    spc = result.table("spc_signals")
    year_months = set(a.period.months)
    flagged = spc[(spc["signal"].fillna("") != "") & spc["month"].isin(year_months)]
    present = set(spc["category"])
    cats = [
        c
        for c in result.facts["order"]
        if c in present and (c in (ALL_CRIME, ASB) or c in set(flagged["category"]))
    ]
    cats = [c for c in (ALL_CRIME, ASB) if c in cats] + [
        c for c in cats if c not in (ALL_CRIME, ASB)
    ]
    change = (
        a.results["change"].table("yoy_categories") if "change" in a.results else pd.DataFrame()
    )
    blocks = []
    for cat in cats:
        frame = spc[spc["category"] == cat].set_index("month")
        rules = sorted({s for s in frame["signal"].fillna("") if s})
        alt = f"Control chart of {cat.lower()} per month with mean and limits; " + (
            f"signals: {', '.join(rules)}." if rules else "no special-cause signal."
        )
        in_year = frame[frame.index.astype(str).isin(year_months)]
        unusual = int((in_year["signal"].fillna("") != "").sum())
        adjusted = "chart" in frame.columns and any(
            "seasonally adjusted" in str(c) for c in frame["chart"]
        )
        chart = plot_spc(
            frame,
            _title(cat, unusual, a.year, change),
            ylabel=per_month(cat) + (", seasonally adjusted" if adjusted else ""),
            subtitle=change_subtitle(change, cat),
        )
        block = figure_html(chart, alt)
        # All crime and ASB in the main body; each category's chart in the appendix
        blocks.append(block if cat in (ALL_CRIME, ASB) else to_appendix(block, "detail"))
    blocks.append(to_appendix(md(_method_note(spc, result.facts))))
    return blocks


def _title(cat: str, unusual: int, year: str, change: pd.DataFrame) -> str:
    """The chart's title: unusual months, reconciled with the year's change test."""
    if not unusual:
        return f"{cat}: no unusual month in {year}"
    months = f"{unusual} month{'s' if unusual != 1 else ''}"
    row = change[change["category"] == cat] if len(change) else change
    if len(row) and "provisional" in row.columns and bool(row["provisional"].fillna(False).iloc[0]):
        return (
            f"{cat}: {months} outside the usual pattern in {year}; the year's change is provisional"
        )
    key = "significant_fdr" if "significant_fdr" in row.columns else "significant"
    if len(row) and key in row.columns and pd.notna(row[key].iloc[0]):
        if not bool(row[key].iloc[0]):
            return (
                f"{cat}: {months} outside the usual pattern in {year}, but the year as a "
                "whole is within normal variation"
            )
        way = "rise" if row["change"].iloc[0] > 0 else "fall"
        return f"{cat}: {months} outside the usual pattern in {year}, with a significant {way}"
    return f"{cat}: {months} outside the usual pattern in {year}"


def _method_note(spc: pd.DataFrame, facts: Mapping[str, Any] | None = None) -> str:
    """How the charts were drawn: the baseline months, seasonality and the chart kinds.

    The months named are those that set the limits (``baseline`` rows), the number asked for
    is ``facts["baseline_months"]``; where too few months came before the assessed period and
    the limits include it, the note says so instead of claiming a baseline before it.
    """
    facts = facts or {}
    asked = int(facts.get("baseline_months", defaults.SPC_BASELINE_MONTHS))
    period = {str(m) for m in facts.get("period_months", ())}
    base = spc[spc["baseline"]] if "baseline" in spc.columns else spc
    months = sorted(set(base["month"].astype(str)))
    span = f"{month_label(months[0])} to {month_label(months[-1])}" if months else "none"
    if months and period & set(months):
        first = (
            "_Control charts as in NHS England's Making Data Count. Too few months came "
            f"before the assessed period to fix the limits, so they come from every month "
            f"charted ({span}), the assessed period included."
        )
    else:
        first = (
            "_Control charts as in NHS England's Making Data Count. The limits come from the "
            f"months before the assessed period ({span}; up to the {asked} months before it "
            "are used), so the period is judged against a range it did not set."
        )
    kinds = set(spc["chart"].astype(str)) if "chart" in spc.columns else set()
    parts = [first]
    if "XmR, seasonally adjusted" in kinds:
        parts.append(
            "Crime is seasonal: each month's usual seasonal rise or fall (its average above "
            "or below the baseline mean) is taken off before charting, so summer peaks are "
            "not flagged for being summer."
        )
    parts.append(
        "XmR limits are the mean ± 2.66 × the mean moving range; a category averaging fewer "
        f"than {defaults.SPC_C_CHART_BELOW:g} a month gets a Poisson c-chart (mean ± 3 √mean)"
        " instead. Signals: a point outside the limits; 7 points in a row rising or "
        "falling; 7 points in a row on one side of the mean; 2 of 3 points on one side of "
        "the mean close to a limit (as NHSRplotthedots). A month outside the usual pattern "
        "is a prompt to look, not proof of a change: the year's change is judged by the "
        "test in the category table._"
    )
    return " ".join(parts)


SECTION = Section(
    name=NAME,
    order=50,
    title="Unusual months: statistical process control",
    build=build,
    render=render,
)
