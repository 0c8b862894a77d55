"""What residents think: the share naming each concern in the resident survey, with intervals."""

from __future__ import annotations

import pandas as pd

from csp_analysis.exceptions import TableError
from csp_analysis.plots.risk import plot_concern
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import figure_html, fmt, md, table_html, to_appendix
from csp_analysis.statistics.survey import public_concern

NAME = "survey"
FIRST = ["concern", "respondents", "count", "pct", "ci_lower", "ci_upper", "rank"]


def build(ctx: Context) -> SectionResult:
    """Public concern from the partnership's resident survey.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Table ``public_concern`` (share of respondents naming each concern with its Wilson
        95% interval and rank; with an earlier survey, each change's test, Newcombe interval,
        and Benjamini-Hochberg q-value over the concerns compared); a gap without a survey.
    """
    survey = ctx.local_table("survey")
    if survey is None or not len(survey):
        return gap(
            NAME,
            "No resident survey was given: add the survey results (survey.csv: "
            "concern, respondents, count) to the data folder.",
        )
    try:
        concern = public_concern(survey, alpha=ctx.alpha)
    except TableError as exc:  # a bad value the reader did not catch
        return gap(NAME, f"The resident survey could not be used: {exc.in_file('survey.csv')}")
    rest = [c for c in concern.columns if c not in FIRST]
    return SectionResult(name=NAME, tables={"public_concern": concern[FIRST + rest]})


def render(result: SectionResult, a: Report) -> list:
    """The concern table and a bar chart with intervals.

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
    c = result.table("public_concern")
    shown = pd.DataFrame(
        {
            "Rank": c["rank"],
            "Concern": c["concern"],
            "Residents naming it": [f"{fmt(p)}%" for p in c["pct"]],
            "95% interval": [
                f"{fmt(lo)}% to {fmt(hi)}%"
                for lo, hi in zip(c["ci_lower"], c["ci_upper"], strict=True)
            ],
        }
    )
    if "previous_pct" in c.columns:
        shown["Previous survey"] = [f"{fmt(p)}%" if pd.notna(p) else "" for p in c["previous_pct"]]
    key = "change_significant_fdr" if "change_significant_fdr" in c.columns else None
    tested = int(c["change_p_value"].notna().sum()) if "change_p_value" in c.columns else 0
    if "change_significant" in c.columns:
        shown["Change (95% interval), points"] = [
            "" if pd.isna(s) else f"{d:+.1f} ({lo:+.1f} to {hi:+.1f})" + _change_words(bool(s), f)
            for d, lo, hi, s, f in zip(
                c["change_pct_points"],
                c["change_ci_lower"],
                c["change_ci_upper"],
                c["change_significant"],
                c[key] if key else c["change_significant"],
                strict=True,
            )
        ]
    top = c.iloc[0]
    note = []
    if "change_significant" in c.columns and c["change_significant"].notna().any():
        note = [
            to_appendix(
                md(
                    "_A change since the previous survey is called real when the 95% interval of "
                    "the difference (Newcombe's method, in percentage points) leaves out zero; the "
                    "two-proportion test agrees. Overlapping intervals of the two years are not "
                    f"evidence of no change. Because {tested} concerns are compared at once, a "
                    "change is only called real when it also survives the Benjamini-Hochberg "
                    f"false discovery rate of {a.alpha:.0%} over them: among the changes called "
                    "real, no more than about 1 in 20 is expected to be chance. A change whose "
                    "interval leaves out zero but which does not survive is shown as one that "
                    "could be chance among the concerns compared._"
                )
            )
        ]
    return [
        table_html(shown, "concern"),
        *note,
        figure_html(
            plot_concern(
                c,
                f"Residents ranked {str(top['concern']).lower()} highest "
                f"({float(top['pct']):.1f}%)",
            ),
            "Bar chart of the share of residents naming each concern, with 95% intervals.",
        ),
    ]


def _change_words(significant: bool, survives: object) -> str:
    """The verdict on one change: real, could be chance among many, or within chance."""
    if significant and not pd.isna(survives) and bool(survives):
        return ", a real change"
    if significant:
        return ", could be chance among the concerns compared"
    return ", within chance"


SECTION = Section(name=NAME, order=100, title="What residents think", build=build, render=render)
