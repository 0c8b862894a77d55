"""Findings on priorities: the resident survey, last year's plan and the risk matrix, in words."""

from __future__ import annotations

import pandas as pd

from csp_analysis import defaults
from csp_analysis.statistics.risk_matrix import recommend_priorities


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym ("ASB", "CCTV").

    Examples
    --------
    >>> _lower_first("People using or dealing drugs"), _lower_first("ASB in parks")
    ('people using or dealing drugs', 'ASB in parks')
    """
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _join(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _concern_sentences(concern: pd.DataFrame, most: int = 3) -> list[str]:
    out = []
    ranked = concern.sort_values(["rank", "concern"], kind="stable")
    if not len(ranked):
        return out
    first = ranked.iloc[0]
    text = f"Residents ranked {_lower_first(str(first['concern']))} highest ({first['pct']:.1f}%)"
    rest = [
        f"{_lower_first(str(r['concern']))} ({r['pct']:.1f}%)"
        for _, r in ranked.iloc[1:most].iterrows()
    ]
    if rest:
        text += f", followed by {_join(rest)}"
    period = f" in {first['period']}" if "period" in ranked.columns else ""
    n = ranked["respondents"].max()
    out.append(f"{text}; {int(n):,} residents answered{period} and could name more than one issue.")
    if "change_significant" in ranked.columns:
        # named only when the change survives the false discovery rate over the concerns
        key = (
            "change_significant_fdr"
            if "change_significant_fdr" in ranked.columns
            else "change_significant"
        )
        moved = ranked[ranked[key].eq(True).fillna(False)]
        for _, r in moved.iterrows():
            verb = "rose" if r["change_pct_points"] > 0 else "fell"
            out.append(
                f"Concern about {_lower_first(str(r['concern']))} {verb} from "
                f"{r['previous_pct']:.1f}% in {r['previous_period']} to {r['pct']:.1f}% in "
                f"{r['period']} ({r['change_pct_points']:+.1f} percentage points, 95% interval "
                f"{r['change_ci_lower']:+.1f} to {r['change_ci_upper']:+.1f}); a change that "
                "large is unlikely to be chance."
            )
    elif "intervals_overlap" in ranked.columns:
        moved = ranked[ranked["intervals_overlap"].eq(False).fillna(False)]
        for _, r in moved.iterrows():
            verb = "rose" if r["change_pct_points"] > 0 else "fell"
            out.append(
                f"Concern about {_lower_first(str(r['concern']))} {verb} from "
                f"{r['previous_pct']:.1f}% in {r['previous_period']} to {r['pct']:.1f}% in "
                f"{r['period']} ({r['change_pct_points']:+.1f} percentage points); the 95% "
                "intervals do not overlap, so the change is unlikely to be chance."
            )
    return out


def _plan_sentences(plan: pd.DataFrame) -> list[str]:
    if not len(plan):
        return []
    tot = {k: int(plan[k].sum()) for k in ("activities", "complete", "green", "amber", "red")}
    pct = int(plan["reported_as_percent"].sum()) if "reported_as_percent" in plan else 0
    done = tot["complete"]
    text = (
        f"Of the {tot['activities']} activities in last year's plan, {done} "
        f"{'is' if done == 1 else 'are'} complete"
    )
    rag = [f"{tot[k]} {k}" for k in ("green", "amber", "red") if tot[k]]
    if rag:
        text += f"; {_join(rag)} by RAG rating"
    if pct:
        text += f"; {pct} {'is' if pct == 1 else 'are'} reported as partly complete"
    out = [text + "."]
    red = plan[plan["red"] > 0]
    for _, r in red.iterrows():
        n = int(r["red"])
        out.append(
            f"Under '{r['priority']}', {n} {'activity is' if n == 1 else 'activities are'}"
            " rated red (not on track)."
        )
    return out


def _risk_sentences(risk: pd.DataFrame, n: int, sens: pd.DataFrame | None) -> list[str]:
    rec = recommend_priorities(risk, n=n)
    if not len(rec):
        return ["No category has enough scored factors to recommend priorities."]
    names = list(rec["category"])
    out = [f"The recommended priorities are: {_join(names)}."]
    for _, r in rec.iterrows():
        out.append(f"{r['category']} (rank {r['rank']}): {r['reasons']}.")
    gaps = risk[risk["factors_missing"].fillna("") != ""] if "factors_missing" in risk else None
    if gaps is not None and len(gaps):
        unranked = list(risk.loc[risk["rank"].isna(), "category"])
        if unranked:
            out.append(f"{_join(unranked)} could not be ranked: too few factors have data.")
    if sens is not None and len(sens):
        p_col = next((c for c in sens.columns if c.startswith("p_top")), None)
        if p_col:
            top = p_col[len("p_top") :]
            stable = sens[sens[p_col] >= 0.9]["category"].tolist()
            unstable = [
                c
                for c in names
                if c in set(sens["category"])
                and float(sens.set_index("category").at[c, p_col]) < 0.5
            ]
            spread = sens.attrs.get("spread")
            varied = f"by up to ±{100 * spread:.0f}%" if spread is not None else "at random"
            if stable:
                out.append(
                    f"With every weight varied {varied}, {_join(stable)} "
                    f"{'stays' if len(stable) == 1 else 'stay'} in the top {top} in at "
                    "least 90% of draws."
                )
            if unstable:
                out.append(
                    f"{_join(unstable)} {'is' if len(unstable) == 1 else 'are'} in the "
                    f"top {top} in fewer than half of the draws: the choice depends on "
                    "the weights."
                )
    return out


def priority_findings(
    risk: pd.DataFrame | None,
    concern: pd.DataFrame | None,
    plan: pd.DataFrame | None,
    n: int = defaults.PRIORITIES,
    sensitivity: pd.DataFrame | None = None,
) -> list[str]:
    """Findings on priorities as plain sentences, in the style of published assessments.

    Parameters
    ----------
    risk : pandas.DataFrame or None
        :func:`~csp_analysis.statistics.risk_matrix.score_risk` output.
    concern : pandas.DataFrame or None
        :func:`~csp_analysis.statistics.survey.public_concern` output.
    plan : pandas.DataFrame or None
        :func:`~csp_analysis.statistics.plan.plan_progress` output.
    n : int
        Number of priorities to recommend.
    sensitivity : pandas.DataFrame, optional
        :func:`~csp_analysis.statistics.risk_matrix.sensitivity` output, to say how robust the
        choice is.

    Returns
    -------
    list of str
        Survey sentences first, then the plan, then the recommendation; parts whose table is
        None are left out.

    Examples
    --------
    >>> c = pd.DataFrame({"concern": ["People using or dealing drugs", "Burglary"],
    ...                   "respondents": [1112, 1112], "count": [868, 300],
    ...                   "pct": [78.06, 26.98], "rank": [1, 2]})
    >>> priority_findings(None, c, None)[0]
    'Residents ranked people using or dealing drugs highest (78.1%), followed by burglary \
(27.0%); 1,112 residents answered and could name more than one issue.'
    """
    out: list[str] = []
    if concern is not None:
        out += _concern_sentences(concern)
    if plan is not None:
        out += _plan_sentences(plan)
    if risk is not None:
        out += _risk_sentences(risk, n, sensitivity)
    return out
