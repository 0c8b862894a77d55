"""Official figures: police.uk counts beside the published totals, and police.uk coverage.

police.uk street-level counts are not the recorded crime statistics (a separate monthly
extract, forces missing for spells, rows without a location). Where an official table (Home
Office police recorded crime by CSP, ONS recorded crime by CSP) covers the same partnership
and twelve months as the police.uk files, the two totals are set side by side
(``reconciliation``); police.uk coverage of the area's force is listed month by month
(``police_uk_coverage``); and the official tables give the comparison rows they hold
(``benchmarks``: the force area, the most similar group, England and Wales).
"""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.official import (
    benchmarks,
    official_totals,
    police_uk_coverage,
    reconciliation,
)
from csp_analysis.periods import month_label
from csp_analysis.sections.base import Context, Report, Section, SectionResult
from csp_analysis.sections.format import md, num, table_html

NAME = "reconciliation"
GAP = (
    "No official figures were given, so police.uk counts are not set beside published "
    "totals: add the Home Office police recorded crime table by Community Safety "
    "Partnership (.ods, .xlsx or .csv) or the ONS table of recorded crime by Community Safety "
    "Partnership area to the data folder."
)


def _sentence(rec: pd.DataFrame, area: str) -> str:
    """The data-quality sentence on the latest period reconciled for the area."""
    r = rec.iloc[-1]
    pct = float(r["pct_difference"]) if pd.notna(r["pct_difference"]) else None
    direction = "fewer" if r["difference"] < 0 else "more"
    how = f"{abs(pct):.1f}% {direction}" if pct is not None else "a different number"
    return (
        f"In {r['period']} the police.uk street-level files give {int(r['police_uk']):,} "
        f"crimes for {area}, {how} than the {int(r['official']):,} of the official total "
        f"({r['official_source']}). The police.uk street-level files are a separate monthly "
        "extract, not the recorded crime statistics, and their rows without a location are in "
        "no partnership."
    )


def build(ctx: Context) -> SectionResult:
    """The reconciliation, police.uk coverage of the area's force, and benchmark rows.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Tables ``reconciliation`` (``area, period, police_uk, official, difference,
        pct_difference, official_source``: the area, then the other partnerships of its
        force), ``police_uk_coverage`` (``force, month, rows, no_location,
        no_location_share, status``) and ``benchmarks`` (``comparison, name, period,
        crimes, population, rate_per_1000, official_source, note``); the data-quality
        sentence as a finding when the area has a reconciled period. A gap (with the
        coverage table kept) when no official table was given.
    """
    ds, area = ctx.dataset, ctx.area
    coverage = police_uk_coverage(ds, ctx.force) if ctx.force else police_uk_coverage(ds)
    tables: dict[str, pd.DataFrame] = {}
    if len(coverage):
        tables["police_uk_coverage"] = coverage
    missing = int((coverage["status"] == "missing").sum()) if len(coverage) else 0
    rows = coverage["rows"].sum() if len(coverage) else 0
    no_location = coverage["no_location"].sum() / rows if rows else None
    totals = official_totals(ds)
    if not len(totals):
        return SectionResult(name=NAME, tables=tables, gap=GAP)
    force_areas = ds.areas_of_force(ctx.force) if ctx.force else [area]
    rec = reconciliation(ds, force_areas)
    rec = pd.concat([rec[rec["area"] == area], rec[rec["area"] != area]], ignore_index=True)
    tables["reconciliation"] = rec
    bench = benchmarks(ds, area)
    if len(bench):
        tables["benchmarks"] = bench
    mine = rec[rec["area"] == area]
    findings = (_sentence(mine, area),) if len(mine) else ()
    unreconciled = totals[totals["area"].str.casefold() == area.casefold()]
    return SectionResult(
        name=NAME,
        tables=tables,
        findings=findings,
        facts={
            "official_periods": sorted(set(unreconciled["period"])),
            "reconciled_periods": list(mine["period"]),
            "missing_force_months": missing,
            "covered_force_months": int((coverage["status"] == "covered").sum())
            if len(coverage)
            else 0,
            "first_month": str(coverage["month"].min()) if len(coverage) else "",
            "last_month": str(coverage["month"].max()) if len(coverage) else "",
            "no_location_share": None if no_location is None else float(no_location),
        },
    )


def render(result: SectionResult, a: Report) -> list:
    """The reconciliation table, the benchmark rows and police.uk coverage of the force.

    Parameters
    ----------
    result : SectionResult
        The section's result (from ``build``).
    a : Report
        The assessment being shown.

    Returns
    -------
    list
        Display blocks in page order.
    """
    blocks = []
    rec = result.table("reconciliation")
    if len(rec):
        shown = pd.DataFrame(
            {
                "Area": rec["area"],
                "Period": rec["period"],
                "police.uk": [num(v) for v in rec["police_uk"]],
                "Official": [num(v) for v in rec["official"]],
                "Difference": [num(v) for v in rec["difference"]],
                "% difference": [
                    "" if pd.isna(v) else f"{float(v):+.1f}%" for v in rec["pct_difference"]
                ],
                "Official source": rec["official_source"],
            }
        )
        blocks.append(table_html(shown, "reconciliation"))
        blocks.extend(md(f) for f in result.findings)
    elif not result.facts.get("covered_force_months", 0):
        blocks.append(
            md(
                "The data hold no police.uk street-level files for the area's force, so the "
                "official totals are the area's only crime counts: there is nothing to set "
                "beside them."
            )
        )
    else:
        periods = ", ".join(result.facts.get("official_periods", [])) or "none for this area"
        blocks.append(
            md(
                "The official totals given do not cover a period whose twelve months are all in "
                f"the police.uk files (official periods for the area: {periods}), so the two "
                "are not set side by side."
            )
        )
    bench = result.table("benchmarks")
    if len(bench):
        shown = pd.DataFrame(
            {
                "Comparison": bench["comparison"],
                "": bench["name"],
                "Period": bench["period"],
                "Crimes": [num(v) for v in bench["crimes"]],
                "Rate per 1,000": [
                    "" if pd.isna(v) else f"{float(v):.1f}" for v in bench["rate_per_1000"]
                ],
                "Note": bench["note"].fillna(""),
            }
        )
        blocks.append(md("**Official totals: the area and its comparators**"))
        blocks.append(table_html(shown, "benchmarks"))
    f = result.facts
    if f.get("covered_force_months"):
        text = (
            f"police.uk files cover {f['covered_force_months']} force-months from "
            f"{month_label(f['first_month'])} to {month_label(f['last_month'])}"
        )
        missing = f["missing_force_months"]
        if missing:
            text += (
                f"; {missing} force-month{'s' if missing != 1 else ''} between them "
                f"{'have' if missing != 1 else 'has'} no rows and "
                f"{'are' if missing != 1 else 'is'} missing (not zero)"
            )
        if f["no_location_share"] is not None:
            text += f"; {f['no_location_share']:.1%} of their rows have no location"
        blocks.append(md(text + " (table `police_uk_coverage.csv`, month by month)."))
    return blocks


SECTION = Section(
    name=NAME, order=15, title="Official figures and police.uk", build=build, render=render
)
