"""Choosing priorities: the risk matrix (volume, trend, harm, cost, public concern, vulnerability,
partnership capacity) and how stable its ranking is when the weights vary."""

from __future__ import annotations

import pandas as pd

from csp_analysis import defaults
from csp_analysis.config import load_config, load_harm_weights, load_unit_costs
from csp_analysis.exceptions import TableError
from csp_analysis.plots.risk import plot_risk_heatmap, plot_sensitivity
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import figure_html, fmt, md, table_html
from csp_analysis.statistics import risk_matrix as rm

NAME = "risk"
#: How many of an area's priorities the batch index names.
HEADLINE_PRIORITIES = 3
DRAWS, SPREAD, SEED = (
    defaults.SENSITIVITY_DRAWS,
    defaults.SENSITIVITY_SPREAD,
    defaults.SENSITIVITY_SEED,
)


def build(ctx: Context) -> SectionResult:
    """Score every category on the configured factors, then vary the weights.

    Parameters
    ----------
    ctx : Context
        The data and choices; reads the change and survey sections.

    Returns
    -------
    SectionResult
        Tables ``risk_matrix`` (scores 1–5 per factor, total, rank, factors without data) and
        ``priority_sensitivity`` (each category's ranks over random draws of the weights); a
        gap when the scores cannot be computed.
    """
    change = _volumes_and_trends(ctx.earlier("change")).copy()
    # hand scores of a theme the data cannot compute are not a mistake in the file
    change.attrs["also_known"] = tuple(ctx.earlier("change").facts.get("themes_not_computed", ()))
    concern = ctx.earlier("survey").table("public_concern")
    manual = ctx.local_table("risk_scores")
    config = load_config()  # a broken configuration stops the run, naming the key
    try:
        risk = rm.score_risk(
            change,
            config,
            harm=load_harm_weights(),
            costs=load_unit_costs(),
            concern=concern if len(concern) else None,
            manual=manual,
        )
    except TableError as exc:  # the partnership's risk scores hold a bad value
        return gap(
            NAME,
            f"No risk matrix: the risk scores table could not be used: "
            f"{exc.in_file('risk_scores.csv')}",
        )
    sens = rm.sensitivity(risk, config, draws=DRAWS, spread=SPREAD, seed=SEED)
    if not len(risk):
        return gap(NAME, "No risk matrix: the category table is needed.")
    return SectionResult(name=NAME, tables={"risk_matrix": risk, "priority_sensitivity": sens})


def _volumes_and_trends(change: SectionResult) -> pd.DataFrame:
    """The category table as the risk matrix reads it.

    A provisional change (too few months in both periods) is kept out of the priorities: the
    trend is then missing and the volume is each category's own total over the months of the
    assessed period it has, never a total of the few months compared.
    """
    table = change.table("yoy_categories")
    if not change.facts.get("provisional", False) or not len(table):
        return table
    blank = {c: pd.NA for c in ("previous", "change", "p_value") if c in table.columns}
    out = table.assign(current=table["total_in_period"], **blank)
    out["pct_change"] = pd.array([pd.NA] * len(out), dtype="Float64")
    if "significant" in out.columns:
        out["significant"] = pd.array([pd.NA] * len(out), dtype="boolean")
    return out


def render(result: SectionResult, a: Report) -> list:
    """Heat map, ranking table and the stability chart.

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
    r = result.table("risk_matrix")
    sens = result.table("priority_sensitivity")
    blocks = [
        figure_html(
            plot_risk_heatmap(r, title="Risk matrix: scores from 1 (low) to 5 (high)"),
            "Heat map of risk-matrix scores, categories by factor; missing factors marked n/a.",
        ),
        table_html(
            pd.DataFrame(
                {
                    "Rank": r["rank"],
                    "Category": r["category"],
                    "Total score": [
                        fmt(v) + (" (provisional)" if bool(p) else "")
                        for v, p in zip(r["total_score"], r["provisional"], strict=True)
                    ],
                    "Share of weight scored": [
                        "" if pd.isna(c) else f"{c:.0%}" for c in r["coverage"]
                    ],
                    "Factors without data": r["factors_missing"]
                    .fillna("")
                    .str.replace("_", " ", regex=False),
                }
            ),
            "risk",
        ),
    ]
    if len(sens):
        blocks.append(
            figure_html(
                plot_sensitivity(sens, "How stable is the ranking when the weights vary?"),
                f"Chart of each category's range of ranks over {DRAWS:,} random draws of the "
                f"weights within ±{SPREAD:.0%}.",
            )
        )
    blocks.append(
        md(
            "_Scores, weights and sources: the risk-matrix settings of csp-assess, described in "
            "its guide to the risk matrix. "
            "Harm: Cambridge Crime Harm Index days; cost: Home Office economic and social costs of "
            "crime (2018), as the cost of one crime (volume is scored on its own). A factor "
            "without "
            "data is shown as n/a: nothing is filled in for it, so the total is the score on the "
            "factors present and the share of the weight scored is shown beside it. Anti-social "
            "behaviour is not a notifiable crime, so it has no harm or cost figure (not "
            "applicable). A category scored on too few factors, or with no count for the year, "
            "is provisional and never recommended. The trend factor follows the significance "
            "test: a change within normal variation scores as flat._"
        )
    )
    return blocks


def headline(result: SectionResult) -> dict[str, str]:
    """The area's own top priorities, for the batch index.

    The first three of its own risk matrix as they are recommended (a provisional category is
    never one: see :func:`~csp_analysis.statistics.risk_matrix.recommend_priorities`), with
    their ranks; categories tied at the third rank are all named.

    Parameters
    ----------
    result : SectionResult
        The section's result (from ``build``).

    Returns
    -------
    dict of str to str
        ``{"priority": "1 Burglary; 2 Shoplifting; =3 Robbery, Drugs"}``, or ``"–"`` when
        there is no ranking.
    """
    risk = result.table("risk_matrix")
    if not len(risk) or "rank" not in risk.columns:
        return {"priority": "–"}
    top = rm.recommend_priorities(risk, n=HEADLINE_PRIORITIES)
    if not len(top):
        return {"priority": "–"}
    parts = []
    for rank, group in top.groupby("rank", sort=True):
        mark = f"={rank}" if len(group) > 1 else str(rank)
        parts.append(f"{mark} " + ", ".join(group["category"]))
    return {"priority": "; ".join(parts)}


SECTION = Section(
    name=NAME,
    order=120,
    title="Choosing priorities: the risk matrix",
    build=build,
    render=render,
    headline=headline,
)
