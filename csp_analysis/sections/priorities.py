"""Recommended priorities: the top of the risk matrix, with the reasons and how robust the
choice is to the weights."""

from __future__ import annotations

from csp_analysis import defaults
from csp_analysis.analyses.findings_priorities import priority_findings
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import md
from csp_analysis.statistics import risk_matrix as rm

NAME = "priorities"
TOP = defaults.PRIORITIES


def build(ctx: Context) -> SectionResult:
    """The recommended priorities and the key findings about them.

    Parameters
    ----------
    ctx : Context
        The data and choices; reads the survey, plan and risk sections.

    Returns
    -------
    SectionResult
        Table ``priorities`` (rank, category, reasons, and the share of weight draws that keep
        it in the top five); key findings on the priorities, residents' concerns and last
        year's plan; a gap without a risk matrix.
    """
    risk_result = ctx.earlier("risk")
    if not risk_result.available:
        return gap(NAME, "No recommended priorities: the risk matrix could not be scored.")
    risk = risk_result.table("risk_matrix")
    sens = risk_result.table("priority_sensitivity")
    concern = ctx.earlier("survey").table("public_concern")
    plan = ctx.earlier("plan").table("plan_progress")
    chosen = rm.recommend_priorities(risk, n=TOP)
    if len(sens):
        stay = dict(zip(sens["category"], sens["p_top5"], strict=True))
        chosen = chosen.assign(p_top5=[stay.get(c) for c in chosen["category"]])
    findings = priority_findings(
        risk,
        concern if len(concern) else None,
        plan if len(plan) else None,
        n=TOP,
        sensitivity=sens if len(sens) else None,
    )
    return SectionResult(name=NAME, tables={"priorities": chosen}, findings=tuple(findings))


def render(result: SectionResult, a: Report) -> list:
    """A numbered list: each priority, why, and how often it stays in the top five.

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
    p = result.table("priorities")
    has_stay = "p_top5" in p.columns
    lines = [
        f"{int(r.rank)}. **{r.category}**: {r.reasons}"
        + (
            f" (in the top {TOP} in {r.p_top5:.0%} of weight draws)"
            if has_stay and r.p_top5 is not None and r.p_top5 == r.p_top5
            else ""
        )
        for r in p.itertuples()
    ]
    return [md("\n".join(lines))]


SECTION = Section(name=NAME, order=130, title="Recommended priorities", build=build, render=render)
