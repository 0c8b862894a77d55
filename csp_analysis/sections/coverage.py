"""Data coverage, at the front of the report: what the figures rest on and what is missing.

Records read for the force, records used for the area, records without a location, the months
each year has and lacks and what that means for the comparison; the sources of each kind of
count and the population used. The per-file listing is the appendix (:mod:`.quality`).
"""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.findings import missing_months_finding
from csp_analysis.analyses.periods import missing_months
from csp_analysis.model import SOURCE_LABELS, months_of_period
from csp_analysis.periods import month_label
from csp_analysis.sections.base import Context, Report, Section, SectionResult
from csp_analysis.sections.format import md, num, table_html

NAME = "coverage"
COLUMNS = ["measure", "previous_year", "assessed_year", "note"]


def _no_location(ctx: Context) -> int:
    """Police.uk rows of the data folder set aside because they have no location."""
    p = ctx.dataset.problems
    if not len(p):
        return 0
    hit = p["message"].astype("string").str.startswith("no location").fillna(False)
    return int(pd.to_numeric(p.loc[hit, "rows"], errors="coerce").fillna(0).sum())


def build(ctx: Context) -> SectionResult:
    """Coverage of the assessed and comparison years for the area.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Table ``data_coverage`` (``measure, previous_year, assessed_year, note``): months
        with data, months missing, records of the area's force (police.uk), records used for
        the area (crime and anti-social behaviour); facts ``sources``, ``population``,
        ``population_note``, ``missing`` (the missing months of both years) and
        ``no_location``; the key finding on missing months.
    """
    ds, area, year, prev = ctx.dataset, ctx.area, ctx.period, ctx.previous_period
    years = (prev, year)
    missing = {fy: missing_months(ds, area, fy) for fy in years}
    span = (
        "April to March"
        if year.kind == "financial year"
        else f"{month_label(year.first)} to {month_label(year.last)}"
    )
    sources = {
        kind: SOURCE_LABELS[src]
        for kind in ("crime", "asb", "flag")
        if (src := ds.source_for(area, kind)) is not None
    }
    rows = [
        {
            "measure": "months with data",
            **{
                k: fy.n_months - len(missing[fy]) for k, fy in zip(COLUMNS[1:3], years, strict=True)
            },
            "note": f"of {year.n_months} ({span})",
        },
        {
            "measure": "months missing",
            **{k: len(missing[fy]) for k, fy in zip(COLUMNS[1:3], years, strict=True)},
            "note": "missing months are not counted as zero",
        },
    ]
    counts = ds.area_counts(area)
    for kind, label in (("crime", "crimes"), ("asb", "anti-social behaviour incidents")):
        sub = counts[counts["kind"] == kind]
        if not len(sub):
            continue
        row = {"measure": f"{label} for {area}", "note": sources.get(kind, "")}
        inside = {p: set(months_of_period(p)) for p in sub["period"].unique()}
        for key, fy in zip(COLUMNS[1:3], years, strict=True):
            months = set(fy.months)
            within = {p: covered <= months for p, covered in inside.items()}
            in_year = sub[sub["period"].map(within).astype(bool)]
            row[key] = int(in_year["count"].sum()) if len(in_year) else pd.NA
        rows.append(row)
    force = ctx.force
    police = ds.counts[ds.counts["source"] == "police_uk"]
    if force and len(police):
        row = {
            "measure": f"street-level records of {force}",
            "note": "crimes and anti-social behaviour with a location, every partnership",
        }
        for key, fy in zip(COLUMNS[1:3], years, strict=True):
            sub = police[(police["force"] == force) & police["period"].isin(fy.months)]
            row[key] = int(sub["count"].sum()) if len(sub) else pd.NA
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("previous_year", "assessed_year"):
        table[c] = table[c].astype("Int64")
    table = table.astype({"measure": "string", "note": "string"})
    population, pop_note = ds.population_of(area, year.population_year)
    all_missing = missing[year] + missing[prev]
    findings = (missing_months_finding(all_missing),) if all_missing else ()
    return SectionResult(
        name=NAME,
        tables={"data_coverage": table},
        findings=findings,
        facts={
            "sources": sources,
            "population": population,
            "population_note": pop_note,
            "missing": all_missing,
            "no_location": _no_location(ctx),
        },
    )


def render(result: SectionResult, a: Report) -> list:
    """The coverage table, what missing months mean, and records without a location.

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
    t = result.table("data_coverage")
    shown = pd.DataFrame(
        {
            "": t["measure"],
            a.previous_year: [num(v) for v in t["previous_year"]],
            a.year: [num(v) for v in t["assessed_year"]],
            "Note": t["note"].fillna(""),
        }
    )
    blocks = [table_html(shown, "coverage")]
    missing = result.facts["missing"]
    if missing:
        blocks.append(
            md(
                f"**{len(missing)} month{'s' if len(missing) != 1 else ''} missing** from "
                f"{a.year} or {a.previous_year}: "
                + ", ".join(month_label(m) for m in missing)
                + ". A missing month is a gap in the data, not a month without crime: the change "
                "between the years compares only the months both years have, and no figure here "
                "is a whole year's unless both years are complete."
            )
        )
    else:
        n = a.period.n_months
        every = "all twelve months" if n == 12 else f"all {n} months"
        blocks.append(md(f"Both {a.previous_year} and {a.year} have {every}."))
    lost = result.facts["no_location"]
    if lost:
        blocks.append(
            md(
                f"{lost:,} street-level record{'s' if lost != 1 else ''} in the data folder "
                "(every force and month read, not only this area and these years) "
                f"{'have' if lost != 1 else 'has'} no location: they count in their force's "
                "total but in no partnership's figures."
            )
        )
    blocks.append(
        md(
            "_Every file read, with the rows used and not used, is listed in the "
            "appendix and in the table `data_quality.csv`._"
        )
    )
    return blocks


SECTION = Section(name=NAME, order=10, title="Data coverage", build=build, render=render)
