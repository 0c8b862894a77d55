"""Crime and anti-social behaviour by category: the year against the year before, and whether
each change is more than chance."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.findings import key_findings
from csp_analysis.categories import ALL_CRIME
from csp_analysis.periods import parse_financial_year
from csp_analysis.sections.base import Context, Report, Section, SectionResult
from csp_analysis.sections.format import md, num, pct, short_verdict, table_html
from csp_analysis.statistics.significance import add_significance

NAME = "change"
PUBLISHED = [
    "category",
    "previous",
    "current",
    "change",
    "pct_change",
    "p_value",
    "significant",
    "q_value",
    "significant_fdr",
    "rate_ratio",
    "rr_lower",
    "rr_upper",
    "verdict",
    "months_compared",
    "note",
    "method",
    "kind",
]


def build(ctx: Context) -> SectionResult:
    """The category table with exact tests of each change.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Table ``yoy_categories``: counts of both years, change, ``pct_change`` in percent,
        exact-test ``p_value`` and ``significant`` at ``ctx.alpha`` (this test alone), the
        Benjamini-Hochberg ``q_value`` over the categories (All crime excluded) and
        ``significant_fdr`` (the change survives the false discovery rate), rate ratio with its
        ``1 - alpha`` interval, verdict, months compared, note, method and ``kind`` (crime,
        asb, flag); the key findings on All crime, ASB and the largest and significant
        changes.
    """
    ds, area, year = ctx.dataset, ctx.area, ctx.year
    start = parse_financial_year(year)
    pop_cur, _ = ds.population_of(area, start)
    pop_prev, _ = ds.population_of(area, start - 1)
    both = pop_cur is not None and pop_prev is not None
    change = add_significance(
        category_change(ds, area, year),
        pop_prev if both else None,
        pop_cur if both else None,
        alpha=ctx.alpha,
        total=ALL_CRIME,
    )
    findings = key_findings(area, year, change, [])
    return SectionResult(
        name=NAME, tables={"yoy_categories": change[PUBLISHED]}, findings=tuple(findings)
    )


def render(result: SectionResult, a: Report) -> list:
    """The category table, with the verdict column explained.

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
    df = result.table("yoy_categories")
    shown = pd.DataFrame(
        {
            "Category": [
                f"{c} (not in all crime)" if k == "asb" else c
                for c, k in zip(df["category"], df["kind"], strict=True)
            ],
            a.previous_year: [num(v) for v in df["previous"]],
            a.year: [num(v) for v in df["current"]],
            "Change": [("" if pd.isna(v) else f"{int(v):+,}") for v in df["change"]],
            "% change": [pct(v) for v in df["pct_change"]],
            "Bigger than chance alone?": [
                short_verdict(s, c)
                for s, c in zip(df["significant_fdr"], df["change"], strict=True)
            ],
        }
    )
    blocks = [table_html(shown, "change", bold={"Category": ALL_CRIME})]
    notes = sorted({n for n in df["note"] if isinstance(n, str) and n})
    if notes:
        blocks.append(md("_Note: " + "; ".join(notes) + "._"))
    blocks.append(
        md(
            f"_A change is called **significant** when a change that large would happen by chance "
            f"less than {a.alpha:.0%} of the time if the underlying rate had not changed (exact "
            "Poisson test on the two counts, adjusted for population where it is known; the "
            "verdict and the rate ratio's interval come from the same test, so they always "
            "agree). Because many categories are tested at once, a change is only called "
            "significant here when it survives the Benjamini-Hochberg false discovery rate "
            f"of {a.alpha:.0%} over the categories (All crime is tested on its own): among "
            "the changes called significant, no more than about 1 in 20 is expected to be "
            "chance. Small counts can move a long way by chance: +24% on 116 robberies can be "
            "noise._"
        )
    )
    return blocks


def headline(result: SectionResult) -> dict[str, str]:
    """All crime and ASB in the assessed year with their change, for the batch index.

    Parameters
    ----------
    result : SectionResult
        The section's result (from ``build``).

    Returns
    -------
    dict of str to str
        ``all_crime``, ``all_crime_change``, ``asb``, ``asb_change`` and ``months`` (months
        compared), each ``"–"`` when not known.
    """
    cells = {
        "all_crime": "–",
        "all_crime_change": "–",
        "asb": "–",
        "asb_change": "–",
        "months": "–",
    }
    yoy = result.table("yoy_categories")
    for key, cat in (("all_crime", ALL_CRIME), ("asb", "Anti-social behaviour")):
        row = yoy[yoy["category"] == cat] if len(yoy) else yoy
        if len(row) and pd.notna(row["current"].iloc[0]):
            cells[key] = f"{int(row['current'].iloc[0]):,}"
            value = row["pct_change"].iloc[0]
            cells[key + "_change"] = "–" if pd.isna(value) else f"{value:+.1f}%"
            if key == "all_crime" and pd.notna(row["months_compared"].iloc[0]):
                cells["months"] = str(int(row["months_compared"].iloc[0]))
    return cells


SECTION = Section(
    name=NAME,
    order=20,
    title="Crime and anti-social behaviour by category",
    build=build,
    render=render,
    headline=headline,
)
