"""How the area compares with its peers: rates per 1,000 residents with intervals, the group
band, a verdict and a rank; bar charts and funnel plots."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.comparators import peer_table, read_peers
from csp_analysis.categories import ALL_CRIME, ASB
from csp_analysis.exceptions import CspError, DataError
from csp_analysis.plots.comparators import plot_funnel, plot_peer_rates
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import figure_html, fmt, md, num, table_html, to_appendix
from csp_analysis.statistics.comparators import (
    funnel_limits,
    nearest_neighbours,
    overdispersed_limits,
)

NAME = "comparators"
FIRST = [
    "area",
    "category",
    "count",
    "population",
    "rate_per_1000",
    "ci_lower",
    "ci_upper",
    "group_rate",
    "band",
    "comparison",
    "rank",
]


def _neighbours(indicators: pd.DataFrame, area: str, k: int = 15) -> list[str]:
    """Peers from a long indicators table (``area, indicator, value``) by nearest neighbours."""
    values = pd.to_numeric(indicators["value"], errors="coerce")
    if values.isna().any():
        line = int(indicators.index[values.isna()][0]) + 2
        raise DataError(
            "indicator value is not a number", file="indicators", line=line, column="value"
        )
    wide = (
        indicators.assign(value=values)
        .pivot_table(index="area", columns="indicator", values="value", aggfunc="first")
        .reset_index()
    )
    wide.columns.name = None
    try:
        near = nearest_neighbours(wide, area, k=min(k, len(wide) - 1))
    except ValueError as exc:  # the indicator table cannot rank the area
        raise DataError(str(exc), file="indicators") from None
    return list(near["area"])


def build(ctx: Context) -> SectionResult:
    """The area's peers and every member's rates.

    Peers come from ``peers.csv`` when given, else the 15 nearest neighbours on an indicators
    table, else the force's other partnerships.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Tables ``comparators`` (every member's rate with 95% and 99.8% intervals, the group
        rate and band, verdict and rank) and ``funnel_limits`` (the limits drawn in the funnel
        plots, by category and member population); note on how the peers were chosen. A gap
        when there is no population or no complete year.
    """
    peers, built = None, ""
    try:
        given = ctx.local_table("peers", by_area=False)
        if given is not None:
            peers = read_peers(given).get(ctx.area)
        indicators = ctx.local_table("indicators", by_area=False)
        if peers is None and indicators is not None:
            peers = _neighbours(indicators, ctx.area)
            built = (
                f"Peers built as the {len(peers)} nearest neighbours of {ctx.area} on "
                f"{indicators['indicator'].nunique()} standardised indicators "
                "(CIPFA-style, Euclidean distance). "
            )
        table, note = peer_table(ctx.dataset, ctx.area, ctx.period, peers)
    except CspError as exc:
        return gap(NAME, f"No comparison with similar areas: {exc}")
    if not len(table):
        return gap(
            NAME,
            "No comparison: population for the areas is needed (add an ONS "
            "population file to the data folder).",
        )
    limits = []
    for cat in (ALL_CRIME, ASB):
        sub = table[table["category"] == cat]
        rates = sub["group_rate"].dropna()
        pops = sub["population"].dropna().astype("float64")
        if not len(sub) or sub["rate_per_1000"].isna().all() or not len(rates) or not len(pops):
            continue
        lim = funnel_limits(float(rates.iloc[0]), pops.tolist())
        tau2 = sub["tau2"].dropna()
        tau2 = float(tau2.iloc[0]) if len(tau2) else 0.0
        od = overdispersed_limits(float(rates.iloc[0]), lim["population"], tau2)
        lim = lim.assign(
            tau2=tau2,
            od_lower_95=od["od_lower_95"].to_numpy(),
            od_upper_95=od["od_upper_95"].to_numpy(),
        )
        limits.append(lim.assign(category=cat))
    rest = [c for c in table.columns if c not in FIRST]
    tables = {"comparators": table[[c for c in FIRST if c in table.columns] + rest]}
    if limits:
        funnel = pd.concat(limits, ignore_index=True)
        tables["funnel_limits"] = funnel[
            ["category", *[c for c in funnel.columns if c != "category"]]
        ]
    return SectionResult(name=NAME, tables=tables, notes=((built + note).strip(),))


def render(result: SectionResult, a: Report) -> list:
    """The area's row per category, then bar charts for All crime and ASB (their funnel plots
    and the note on variation between areas in the appendix on method).

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
    peers = result.table("comparators")
    own = peers[peers["area"] == a.area]
    shown = pd.DataFrame(
        {
            "Category": own["category"],
            "Crimes": [num(v) for v in own["count"]],
            "Rate per 1,000": [fmt(v, 2) for v in own["rate_per_1000"]],
            "95% interval": [
                f"{fmt(lo, 2)} to {fmt(hi, 2)}" if pd.notna(lo) else ""
                for lo, hi in zip(own["ci_lower"], own["ci_upper"], strict=True)
            ],
            "Group rate": [fmt(v, 2) for v in own["group_rate"]],
            "Group band (±1 SD)": own["band"],
            "Compared with the group": own["comparison_od"],
            "Rank (1 = highest)": [
                f"{int(r)} of {int(n)}" if pd.notna(r) else ""
                for r, n in zip(own["rank"], own["group_size"], strict=True)
            ],
        }
    )
    # the main body: All crime, ASB and the categories that differ from the group; every
    # category in the appendix
    differs = own["comparison_od"].isin(["higher", "lower"]) | own["category"].isin(
        [ALL_CRIME, ASB]
    )
    if bool(differs.all()):
        blocks = [table_html(shown, "peers")]
    else:
        others = int((~differs).sum())
        blocks = [
            md(
                "All crime, anti-social behaviour and the categories that differ from the "
                f"group; the other {others} {'category is' if others == 1 else 'categories are'}"
                " similar to the group or could not be compared."
            ),
            table_html(shown[differs.to_numpy()].reset_index(drop=True), "peers_main"),
            to_appendix(table_html(shown, "peers"), "detail"),
        ]
    blocks += [md(f"_{n}_") for n in result.notes if n]
    blocks.append(to_appendix(md(_dispersion_note(own))))
    funnel = result.table("funnel_limits")
    for cat in (ALL_CRIME, ASB):
        sub = peers[peers["category"] == cat]
        if not len(sub) or sub["rate_per_1000"].isna().all():
            continue
        verdict = own.loc[own["category"] == cat, "comparison_od"]
        word = str(verdict.iloc[0]) if len(verdict) else "not compared"
        title = (
            f"{cat}: {a.area} is {word} than the group rate"
            if word in ("higher", "lower")
            else f"{cat}: {a.area} is similar to the group"
        )
        blocks.append(
            figure_html(
                plot_peer_rates(peers, cat, a.area, title),
                f"Bar chart of {cat.lower()} per 1,000 residents in {a.area} and its peers with "
                "95% intervals, the group rate and a band of one standard deviation.",
            )
        )
        limits = (
            funnel[funnel["category"] == cat].drop(columns="category") if len(funnel) else funnel
        )
        if len(limits):
            blocks.append(
                to_appendix(
                    figure_html(
                        plot_funnel(
                            peers,
                            limits.reset_index(drop=True),
                            cat,
                            a.area,
                            f"{cat}: funnel plot of the group",
                        ),
                        f"Funnel plot of {cat.lower()} rates against population with 95% and "
                        "99.8% limits around the group rate, and 95% limits widened for the "
                        "variation between areas where there is more than chance.",
                    )
                )
            )
    return blocks


def _dispersion_note(own: pd.DataFrame) -> str:
    """Whether the limits were widened for between-area variation, in words."""
    widened = own[own["tau2"].fillna(0) > 0]
    if not len(widened):
        return (
            "_Areas differed no more than chance would make them, so the verdicts use the "
            "ordinary limits (no adjustment for variation between areas was needed)._"
        )
    worst = widened.loc[widened["dispersion"].idxmax()]
    return (
        "_Areas differ far more than chance alone would make them (for "
        f"{str(worst['category']).lower()}, {float(worst['dispersion']):,.0f} times the "
        "variation chance gives), because places differ in many ways. So 'higher' and "
        "'lower' use 95% limits widened for that variation (Spiegelhalter 2005): 'similar' "
        f"means inside them. Widened for {len(widened)} of {len(own)} categories._"
    )


SECTION = Section(name=NAME, order=70, title="How the area compares", build=build, render=render)
