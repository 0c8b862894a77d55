"""The force's districts: every partnership of the force side by side, ranked by % change."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.districts import district_change
from csp_analysis.exceptions import CspError
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import fmt, md, num, pct, table_html

NAME = "districts"
FIRST = ["area", "previous", "current", "change", "pct_change", "rate_per_1000"]


def build(ctx: Context) -> SectionResult:
    """All crime in every partnership of the area's force.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Table ``district_change`` (ranked by % change, with rates and notes on incomplete
        periods); a gap when the force is not known.
    """
    if not ctx.force:
        return gap(
            NAME,
            "No district table: the area's police force is not known (add the "
            "ONS local authority to police force lookup to the data folder).",
        )
    try:
        table = district_change(ctx.dataset, ctx.force, ctx.period)
    except CspError as exc:
        return gap(NAME, f"No district table: {exc}")
    if not len(table):
        return gap(NAME, "No district table: the force's other areas are not in the data.")
    rest = [c for c in table.columns if c not in FIRST]
    return SectionResult(
        name=NAME, tables={"district_change": table[FIRST + rest]}, facts={"force": ctx.force}
    )


def render(result: SectionResult, a: Report) -> list:
    """The district table with the assessed area in bold.

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
    d = result.table("district_change")
    shown = pd.DataFrame(
        {
            "Rank": d["rank"],
            "Area": d["area"],
            a.previous_year: [num(v) for v in d["previous"]],
            a.year: [num(v) for v in d["current"]],
            "Change": [("" if pd.isna(v) else f"{int(v):+,}") for v in d["change"]],
            "% change": [pct(v) for v in d["pct_change"]],
            "Rate per 1,000": [fmt(v, 1) for v in d["rate_per_1000"]],
            "Against the force": d["vs_force"].fillna("") if "vs_force" in d.columns else "",
            "Note": d["note"].fillna(""),
        }
    )
    blocks = []
    # an empty column is left out; a note the same in every row is said once, above the table
    for column in ("Rate per 1,000", "Against the force", "Note"):
        values = set(shown[column].astype(str))
        if values == {""}:
            shown = shown.drop(columns=column)
        elif column == "Note" and len(values) == 1:
            shown = shown.drop(columns=column)
            blocks.append(md(f"Every area: {values.pop()}."))
    return [
        *blocks,
        table_html(shown, "districts", bold={"Area": a.area}),
        md(
            f"_All crime in every partnership of {result.facts['force']}, ranked by % change. "
            "Rates are blank where population is unknown. Areas' changes vary far more from "
            "year to year than chance alone, because the whole force moves together (recording "
            "practice, events); so each area's change is also set against the rest of the "
            "force: 'in line with' means the difference is within chance._"
        ),
    ]


SECTION = Section(name=NAME, order=80, title="The force's districts", build=build, render=render)
