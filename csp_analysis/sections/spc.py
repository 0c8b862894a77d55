"""Unusual months: XmR control charts (NHS England's Making Data Count)."""

from __future__ import annotations

from csp_analysis.categories import ALL_CRIME, ASB
from csp_analysis.plots.spc import plot_spc
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import figure_html, md
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
        near-limit band, trial flag and signal (the numbers behind every control chart); a
        gap without monthly data.
    """
    monthly = ctx.earlier("monthly").table("monthly_counts")
    if not len(monthly):
        return gap(
            NAME,
            "No monthly data: control charts need monthly counts "
            "(data.police.uk street-level files or a monthly extract).",
        )
    signals = spc_signals(monthly)
    first = ["category", "month", "count", "mean", "lower", "upper", "signal"]
    signals = signals[first + [c for c in signals.columns if c not in first]]
    return SectionResult(
        name=NAME,
        tables={"spc_signals": signals},
        facts={"order": ctx.earlier("monthly").facts["order"]},
    )


def render(result: SectionResult, a: Report) -> list:
    """A control chart for All crime, ASB and each category with a signal in the year.

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
    blocks = []
    for cat in cats:
        frame = spc[spc["category"] == cat].set_index("month")
        rules = sorted({s for s in frame["signal"].fillna("") if s})
        alt = f"Control chart of {cat.lower()} per month with mean and limits; " + (
            f"signals: {', '.join(rules)}." if rules else "no special-cause signal."
        )
        in_year = frame[frame.index.astype(str).isin(year_months)]
        unusual = int((in_year["signal"].fillna("") != "").sum())
        title = (
            f"{cat}: {unusual} unusual month{'s' if unusual != 1 else ''} in {a.year}"
            if unusual
            else f"{cat}: no unusual month in {a.year}"
        )
        blocks.append(figure_html(plot_spc(frame, title), alt))
    blocks.append(
        md(
            "_XmR charts as in NHS England's Making Data Count: limits at the mean ± 2.66 × the "
            "mean moving range. Signals: a point outside the limits; 7 points in a row rising or "
            "falling; 2 of 3 points beyond two-thirds of the way to a limit; 7 points in a row on "
            "one side of the mean. Crime is seasonal, so some signals reflect the time of year._"
        )
    )
    return blocks


SECTION = Section(
    name=NAME,
    order=50,
    title="Unusual months: statistical process control",
    build=build,
    render=render,
)
