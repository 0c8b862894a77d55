"""Choosing priorities: the risk matrix (volume, trend, harm, cost, public concern, vulnerability,
partnership capacity) and how stable its ranking is when the weights vary."""

from __future__ import annotations

import dataclasses

import pandas as pd

from csp_analysis import defaults
from csp_analysis.analyses.offences import MIN_COVERAGE, category_mix_weights
from csp_analysis.analyses.themes import load_themes, theme_members
from csp_analysis.categories import label_key
from csp_analysis.config import RiskConfig, load_config, load_harm_weights, load_unit_costs
from csp_analysis.exceptions import TableError
from csp_analysis.plots.risk import plot_risk_heatmap, plot_sensitivity
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import figure_html, fmt, md, table_html, to_appendix
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
    change = _volumes_and_trends(ctx.earlier("change"))
    themes = load_themes(ctx.dataset)[0]
    # A hand score for a category or theme the data folder knows but this area's data do not
    # give (a flag given for one partnership of a batch only, a theme the data cannot
    # compute) is set aside, not an error
    also_known = (
        *ctx.earlier("change").facts.get("themes_not_computed", ()),
        *ctx.dataset.categories,
        *themes["theme"].astype(str),
    )
    concern = ctx.earlier("survey").table("public_concern")
    manual = ctx.local_table("risk_scores")
    config = load_config()  # a broken configuration stops the run, naming the key
    named = ctx.dataset.tables.get("candidates")
    n_named, unknown = 0, []
    if named is not None and len(named):
        config, n_named, unknown = _named_candidates(ctx, named, change, config)
    harm, costs, basis = harm_and_cost(ctx, change, config, themes=themes)
    try:
        risk = rm.score_risk(
            change,
            config,
            harm=harm,
            costs=costs,
            concern=concern if len(concern) else None,
            manual=manual,
            also_known=also_known,
        )
    except TableError as exc:  # the partnership's risk scores hold a bad value
        return gap(
            NAME,
            f"No risk matrix: the risk scores table could not be used: "
            f"{exc.in_file('risk_scores.csv')}",
        )
    for factor in ("harm", "cost"):
        shown = basis[factor]
        risk[f"{factor}_basis"] = pd.array(
            [
                rm.NOT_APPLICABLE[c][factor]
                if factor in rm.NOT_APPLICABLE.get(c, {})
                else shown.get(c, pd.NA)
                for c in risk["category"]
            ],
            dtype="string",
        )
    sens = rm.sensitivity(risk, config, draws=DRAWS, spread=SPREAD, seed=SEED)
    if not len(risk):
        if unknown:
            return gap(NAME, "No risk matrix: " + " ".join(unknown))
        return gap(NAME, "No risk matrix: the category table is needed.")
    # candidates.csv's list, as the report words it (a list in the configuration is not it)
    facts = {"candidates_named": n_named, "candidates_unknown": tuple(unknown)}
    return SectionResult(
        name=NAME, tables={"risk_matrix": risk, "priority_sensitivity": sens}, facts=facts
    )


def _named_candidates(
    ctx: Context, named: pd.DataFrame, change: pd.DataFrame, config: RiskConfig
) -> tuple[RiskConfig, int, list[str]]:
    """The configuration with the candidates the partnership named (``candidates.csv``: one
    ``candidate`` a row, optionally by ``area``), how many it names for the area, and each
    name the area's table lacks.

    A name is matched ignoring case and spacing to a row of the category table (a category,
    theme, flag or anti-social behaviour); one that matches none is named with its file and
    line (never silently dropped). Rows for other areas are not this area's list.
    """
    rows = named
    if "area" in rows.columns:
        rows = rows[rows["area"].astype("string").str.casefold() == ctx.area.casefold()]
    names = [str(c) for c in rows["candidate"]]
    if not names:
        return config, 0, []
    have = {label_key(c) for c in change["category"]}
    unknown = [
        f"{src}, line {line}, column candidate: '{name}' is not a category, theme or flag of "
        f"{ctx.area}'s data in {ctx.period.label}."
        for name, src, line in zip(names, rows["source"], rows["line"], strict=True)
        if label_key(name) not in have
    ]
    return dataclasses.replace(config, candidates=tuple(names)), len(names), unknown


def _aggregate(config: RiskConfig, factor: str) -> str:
    return config.factors[factor].aggregate if factor in config.factors else "geometric_mean"


def harm_and_cost(
    ctx: Context, change: pd.DataFrame, config: RiskConfig, themes: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict[str, str]]]:
    """The harm and cost per crime of each category, at the finest level the data have.

    Where the area's Home Office offences cover the assessed period, a category's harm and
    cost per crime are the count-weighted means over its own offences
    (:func:`~csp_analysis.analyses.offences.category_mix_weights`), used when at least
    ``MIN_COVERAGE`` of its crimes carry a figure. Otherwise (and for police.uk-only data,
    unchanged) the category weights of the reference tables: the configured aggregate
    (default the geometric mean) of the values of the category's Home Office subgroups
    (``harm_weights.csv``) or Heeks offences (``unit_costs.csv``).

    Parameters
    ----------
    ctx : Context
        The data and choices (dataset, area, period).
    change : pandas.DataFrame
        The category table the risk matrix ranks (its ``category`` column).
    config : RiskConfig
        The risk-matrix configuration (the aggregate of each factor).
    themes : pandas.DataFrame, optional
        Theme lines ``theme, field, value``: a theme row of ``change`` is weighted on the
        offences its offence lines select
        (:func:`~csp_analysis.analyses.offences.theme_masks`).

    Returns
    -------
    harm, costs : pandas.DataFrame
        What :func:`~csp_analysis.statistics.risk_matrix.score_risk` takes: the reference
        tables themselves without offences, else ``category, weight``.
    basis : dict
        ``{"harm": {category: words}, "cost": {...}}``: each weight's source and derivation.
    """
    tables = {"harm": load_harm_weights(), "cost": load_unit_costs()}
    ref = {f: rm.category_weights(t, method=_aggregate(config, f)) for f, t in tables.items()}
    what = {
        "harm": "Cambridge Crime Harm Index days of its Home Office subgroups (third-party "
        "median by subgroup, harm_weights.csv)",
        "cost": "Home Office unit costs (Heeks et al. 2018, 2015/16 prices) of its offences "
        "(unit_costs.csv)",
    }
    basis: dict[str, dict[str, str]] = {f: {} for f in ref}
    for f, w in ref.items():
        for row in w.itertuples():
            basis[f][str(row.category)] = (
                f"{row.method} of the {what[f]}, {int(row.subgroups)} values; not weighted by "
                "the area's offences"
            )
    cats = [str(c) for c in change["category"]] if "category" in change.columns else []
    mix = (
        category_mix_weights(ctx.dataset, ctx.area, ctx.period, cats, themes)
        if len(ctx.dataset.offences) and cats
        else pd.DataFrame(columns=["category"])
    )
    out = {}
    for f, value in (("harm", "harm_days"), ("cost", "cost_gbp")):
        weights = dict(zip(ref[f]["category"], ref[f]["weight"], strict=True))
        for row in mix.itertuples():
            v, cov = getattr(row, value), getattr(row, f"{f}_coverage")
            if pd.notna(v) and pd.notna(cov) and cov >= MIN_COVERAGE:
                weights[str(row.category)] = float(v)
                basis[f][str(row.category)] = str(getattr(row, f"{f}_basis"))
            elif str(row.category) in weights:
                basis[f][str(row.category)] += (
                    f" (the area's offences: only {cov:.0%} of its crimes have a figure)"
                )
            else:
                share = "none" if pd.isna(cov) or cov == 0 else f"only {cov:.0%}"
                basis[f][str(row.category)] = (
                    f"missing: {share} of the area's crimes of the category have a figure "
                    f"(at least {MIN_COVERAGE:.0%} needed)"
                )
        weighed = {str(c) for c in mix["category"]}  # on their offences: already decided
        _member_weights(change, themes, weights, basis[f], ctx.period.label, weighed)
        out[f] = pd.DataFrame(
            {"category": list(weights), "weight": [float(x) for x in weights.values()]}
        )
    return out["harm"], out["cost"], basis


def _member_weights(
    change: pd.DataFrame,
    themes: pd.DataFrame | None,
    weights: dict[str, float],
    basis: dict[str, str],
    label: str,
    weighed: set[str],
) -> None:
    """Weights of the themes made of report categories, and the basis of flags (in place).

    A theme counted from categories (``crime_type`` or ``category`` lines: acquisitive crime
    in police.uk types) gets the count-weighted mean of its categories' weights, by the
    area's own counts in the assessed period (:func:`rm.category_weights` with the counts as
    volumes), when at least ``MIN_COVERAGE`` of those crimes are in categories with a
    weight. A theme weighed on its offences (``weighed``) keeps that verdict. A flag (domestic
    abuse, hate crime) is not given by offence, so it has none.
    """
    if "kind" not in change.columns or not len(change):
        return
    kinds = dict(zip(change["category"].astype(str), change["kind"].astype(str), strict=True))
    volume = {
        str(c): float(v)
        for c, v in zip(change["category"], change["current"], strict=True)
        if pd.notna(v) and kinds.get(str(c)) == "crime"
    }
    members = theme_members(themes, list(volume)) if themes is not None and len(themes) else {}
    for theme, cats in members.items():
        if kinds.get(theme) != "theme" or theme in weights or theme in weighed:
            continue  # weighed on its offences (Home Office tables), with or without a figure
        total = sum(volume[c] for c in cats)
        known = [c for c in cats if c in weights]
        cov = sum(volume[c] for c in known) / total if total else float("nan")
        if not total or cov < MIN_COVERAGE:
            share = "none" if not total or cov == 0 else f"only {cov:.0%}"
            basis[theme] = (
                f"missing: {share} of the area's crimes of its categories in {label} have a "
                f"figure (at least {MIN_COVERAGE:.0%} needed)"
            )
            continue
        table = pd.DataFrame(
            {"category": theme, "prc_subgroup": known, "weight": [weights[c] for c in known]}
        )
        w = rm.category_weights(table, value="weight", volumes={c: volume[c] for c in known})
        weights[theme] = float(w["weight"].iloc[0])
        shares = ", ".join(f"{c} {volume[c] / total:.0%}" for c in cats)
        basis[theme] = (
            f"mean of its categories' weights, each weighted by the area's crimes in {label} "
            f"({shares})"
        )
    for cat, kind in kinds.items():
        if kind == "flag" and cat not in weights:
            basis.setdefault(
                cat,
                "missing: flagged crimes are not given by offence, so no figure per crime can "
                "be derived (a score can be given by hand in risk_scores.csv)",
            )


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
            "crime (2018), as the cost of one crime (volume is scored on its own); where the "
            "Home Office tables give the area's offences, both are the count-weighted means over "
            "its own offences, and the harm and cost basis columns of the table say which. A "
            "factor "
            "without "
            "data is shown as n/a: nothing is filled in for it, so the total is the score on the "
            "factors present and the share of the weight scored is shown beside it. Anti-social "
            "behaviour is not a notifiable crime, so it has no harm or cost figure (not "
            "applicable). A category scored on too few factors, or with no count for the year, "
            "is provisional and never recommended. The trend factor follows the significance "
            "test: a change within normal variation scores as flat._"
        )
    )
    named = int(result.facts.get("candidates_named", 0) or 0)
    if named:
        unknown = list(result.facts.get("candidates_unknown", ()))
        text = (
            f"Candidates: the {named} the partnership named (candidates.csv), "
            f"{len(r)} of them in this area's data."
        )
        if unknown:
            text += " Not ranked: " + " ".join(unknown)
        blocks.insert(1, md(text))
    # the heat map (each score and the total) stays in the main body; the table (share of the
    # weight scored, factors without data) is detail, the stability chart and the note method
    first = 2 if named else 1  # the candidates' sentence stays beside the heat map
    blocks[first] = to_appendix(blocks[first], "detail")
    blocks[first + 1 :] = [to_appendix(b) for b in blocks[first + 1 :]]
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
