"""What happened to the crimes: each crime's latest police.uk outcome, grouped, against the
force's, with the caveat that recent months' outcomes are not yet final."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.hotspots import select_records
from csp_analysis.analyses.outcomes import (
    CHARGED,
    NO_SUSPECT,
    crime_outcomes,
    group_table,
    outcome_table,
    outcomes_by_month,
)
from csp_analysis.analyses.periods import missing_months
from csp_analysis.exceptions import CspError
from csp_analysis.ingest.police_uk_outcomes import TABLE
from csp_analysis.periods import month_label
from csp_analysis.plots.outcomes import plot_outcome_groups
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import figure_html, md, table_html

NAME = "outcomes"
#: Months at the end of the period whose outcomes are compared with the earlier ones.
RECENT_MONTHS = 3


def _force_crimes(ctx: Context, crimes: list[str], outcomes: pd.DataFrame | None) -> pd.DataFrame:
    """The outcome of every crime of the area's force in the year, in every partnership of
    the force (only those areas' records are read, in one pass over the record files, never a
    whole national dataset)."""
    if not ctx.force:
        return pd.DataFrame()
    rec = ctx.dataset.records_of_areas(ctx.dataset.areas_of_force(ctx.force))
    if not len(rec) or "crime_id" not in rec.columns:
        return pd.DataFrame()
    months = ctx.period.months
    keep = (
        (rec["force"].astype("string") == ctx.force)
        & rec["month"].astype("string").isin(months)
        & rec["category"].astype("string").isin(crimes)
    )
    return crime_outcomes(rec[keep.fillna(False).astype(bool)], outcomes)


def _immaturity(by_month: pd.DataFrame) -> str:
    """The caveat on the latest months' outcomes, with the share still open."""
    if len(by_month) <= RECENT_MONTHS:
        recent, earlier = by_month, by_month.iloc[0:0]
    else:
        recent, earlier = by_month.tail(RECENT_MONTHS), by_month.iloc[:-RECENT_MONTHS]
    span = f"{month_label(recent['month'].iloc[0])} – {month_label(recent['month'].iloc[-1])}"
    open_recent = recent["open"].sum() / recent["crimes"].sum()
    text = (
        "Outcomes of the latest months are immature: an investigation or a court case can take "
        f"months, so these shares can change as later outcomes are published. Of the crimes "
        f"recorded in {span}, {open_recent:.1%} are still under investigation or awaiting court"
    )
    if len(earlier):
        open_earlier = earlier["open"].sum() / earlier["crimes"].sum()
        text += f", against {open_earlier:.1%} of those recorded in the earlier months"
    return text + "."


def build(ctx: Context) -> SectionResult:
    """The latest outcome of the assessed year's crimes, by group and category.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Tables ``outcomes`` (``category, outcome, outcome_group, count, share``),
        ``outcome_groups`` (the area's shares against the force's) and ``outcomes_by_month``
        (crimes still open by month recorded); facts ``charged_share``, ``crimes``,
        ``from_outcomes_files`` and ``outcomes_files_read``. A gap without street-level
        records.
    """
    ds, area, year = ctx.dataset, ctx.area, ctx.period
    if not len(ds.records_of(area)):
        return gap(
            NAME,
            "No outcomes: they need data.police.uk street-level files for the area (and, for "
            "the latest outcomes, its monthly outcomes files).",
        )
    crimes = ds.cmap.of_kind("crime")
    try:
        records = select_records(ds, area, year, categories=crimes)
    except CspError as exc:
        return gap(NAME, f"No outcomes: {exc}")
    outcomes = ds.tables.get(TABLE)
    read_files = outcomes is not None and len(outcomes) > 0
    per = crime_outcomes(records, outcomes)
    if not len(per):
        return gap(NAME, f"No outcomes: no crime with a Crime ID in {area} in {year.label}.")
    force = _force_crimes(ctx, crimes, outcomes)
    groups = group_table(per, force if len(force) else None)
    by_month = outcomes_by_month(per)
    charged = float((per["outcome_group"] == CHARGED).mean())
    no_suspect = float((per["outcome_group"] == NO_SUSPECT).mean())
    missing = missing_months(ds, area, year)
    n = year.n_months
    period = f"{year.label} ({n - len(missing)} of its {n} months)" if missing else year.label
    finding = (
        f"{charged:.1%} of the {len(per):,} crimes recorded in {area} in {period} had a suspect "
        f"charged or summonsed by their latest published outcome"
    )
    if len(force):
        finding += f" ({ctx.force}: {(force['outcome_group'] == CHARGED).mean():.1%})"
    finding += f"; {no_suspect:.1%} were closed with no suspect identified."
    n_file = int(per["from_outcomes_file"].sum())
    if read_files:
        source = (
            f"Each crime's outcome is its latest in the police.uk outcomes files ({n_file:,} of "
            f"{len(per):,} crimes, {n_file / len(per):.1%}), else the 'Last outcome category' "
            "of its street-level row; a Crime ID is counted once."
        )
    else:
        source = (
            "No police.uk outcomes files were given: each crime's outcome is the 'Last outcome "
            "category' of its street-level row, as it stood when that file was published. Add "
            "the monthly outcomes files (named like 2023-03-gwent-outcomes.csv, from "
            "data.police.uk) for the latest outcome of each crime, charges included."
        )
    notes = [source, _immaturity(by_month)]
    notes.append(
        "Crimes without a location belong to no partnership and are not counted; anti-social "
        "behaviour has no outcome."
    )
    if missing:
        notes.append(
            f"{year} is missing {len(missing)} months: "
            f"{', '.join(month_label(m) for m in missing)}."
        )
    return SectionResult(
        name=NAME,
        tables={
            "outcomes": outcome_table(per, ds.cmap.order),
            "outcome_groups": groups,
            "outcomes_by_month": by_month,
        },
        findings=(finding,),
        notes=tuple(notes),
        facts={
            "charged_share": charged,
            "crimes": len(per),
            "from_outcomes_files": n_file,
            "outcomes_files_read": read_files,
            "force": ctx.force,
        },
    )


def _share(v: object) -> str:
    return "" if pd.isna(v) else f"{float(v):.1%}"


def render(result: SectionResult, a: Report) -> list:
    """The chart of outcome groups against the force, the table behind it and the caveats.

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
    groups = result.table("outcome_groups")
    force = result.facts.get("force")
    blocks = [md(f"**{result.findings[0]}**")]
    blocks.append(
        figure_html(
            plot_outcome_groups(
                groups, a.area, force, f"What happened to the crimes, {a.area}, {a.year}"
            ),
            f"Bar chart of the share of crimes in {a.area} in each outcome group"
            + (f", beside {force}'s." if force else "."),
        )
    )
    shown = pd.DataFrame(
        {
            "Outcome": groups["outcome_group"],
            "Crimes": groups["count"],
            "Share": [_share(v) for v in groups["share"]],
        }
    )
    if force:
        shown[f"{force} share"] = [_share(v) for v in groups["force_share"]]
    blocks.append(table_html(shown, "outcome_groups"))
    blocks += [md(f"*{note}*") for note in result.notes]
    return blocks


SECTION = Section(
    name=NAME, order=95, title="What happened to the crimes", build=build, render=render
)
