"""Crime and anti-social behaviour by category: the year against the year before, and whether
each change is more than chance."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.findings import key_findings
from csp_analysis.analyses.themes import FILE_TO_ADD, FLAG_NOT_GIVEN, ThemeCounts, theme_counts
from csp_analysis.categories import ALL_CRIME
from csp_analysis.model import SOURCE_LABELS, months_of_period
from csp_analysis.periods import months_phrase
from csp_analysis.sections.base import Context, Report, Section, SectionResult
from csp_analysis.sections.format import (
    md,
    num,
    pct,
    sentences,
    short_verdict,
    table_html,
    to_appendix,
)
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
    "previous_months",
    "current_months",
    "provisional",
    "months_in_period",
    "total_in_period",
    "note",
    "method",
    "kind",
    "scheme",
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
        ``1 - alpha`` interval, verdict, months compared and their names in each period,
        ``provisional`` (fewer than ``ctx.min_months`` months compared), the period's own
        total over the months it has, note, method and ``kind`` (crime, asb, flag); the key
        findings on All crime, ASB and the largest and significant changes. Facts:
        ``provisional`` and ``comparable`` (All crime's), ``months_compared`` and
        ``period_months`` (how many months the period spans).
    """
    ds, area, period = ctx.dataset, ctx.area, ctx.period
    start = period.population_year
    pop_cur, _ = ds.population_of(area, start)
    pop_prev, _ = ds.population_of(area, start - 1)
    both = pop_cur is not None and pop_prev is not None
    themes = theme_counts(ds, area)
    change = add_significance(
        category_change(
            ds,
            area,
            period,
            min_months=ctx.min_months,
            extra=themes.counts,
            extra_notes=themes.notes,
        ),
        pop_prev if both else None,
        pop_cur if both else None,
        alpha=ctx.alpha,
        total=ALL_CRIME,
    )
    if change["provisional"].any():  # too few months: the verdict is not the year's
        change["verdict"] = [
            f"provisional ({int(n)} months compared): {v}" if p else v
            for v, p, n in zip(
                change["verdict"], change["provisional"], change["months_compared"], strict=True
            )
        ]
    findings = key_findings(area, period, change, [])
    scheme_line = categories_used(ds, area)
    first = change.iloc[0] if len(change) else None
    facts = {
        "provisional": bool(first is not None and first["provisional"]),
        "comparable": bool(first is not None and pd.notna(first["previous"])),
        "months_compared": int(first["months_compared"]) if first is not None else 0,
        "period_months": period.n_months,
        "months_present": _months_present(ctx),
        "population": pop_cur,
        "categories": scheme_line,
        "themes_not_computed": tuple(themes.gaps),
    }
    checks = ds.total_checks(area)
    short = checks[checks["unallocated"].isna()]
    notes = tuple(f"{p}: {n}" for p, n in zip(short["period"], short["note"], strict=True))
    notes += theme_notes(themes)
    return SectionResult(
        name=NAME,
        tables={"yoy_categories": change[PUBLISHED]},
        findings=tuple(findings),
        notes=tuple(n for n in (scheme_line, *notes) if n),
        facts=facts,
    )


def theme_notes(themes: ThemeCounts) -> tuple[str, ...]:
    """The themes the data cannot compute (with the file to add) and the lines of the
    partnership's ``themes.csv`` that match nothing, one sentence each.

    Parameters
    ----------
    themes : ThemeCounts
        From :func:`csp_analysis.analyses.themes.theme_counts`.

    Returns
    -------
    tuple of str
    """
    by_reason: dict[str, list[str]] = {}
    for theme, text in themes.gaps.items():
        reason = text.split("cannot be computed from these data: ", 1)[-1]
        by_reason.setdefault(reason, []).append(theme)
    out = [
        f"{'Themes' if len(names) > 1 else 'Theme'} not computed: {', '.join(names)} "
        f"({reason.rstrip('.')})."
        for reason, names in by_reason.items()
    ]
    out += [
        f"{p['source']}, line {p['line']}, column {p['column']}: {p['message']}"
        for p in themes.problems
    ]
    return tuple(out)


#: The category schemes in words.
SCHEME_WORDS = {
    "police_uk": "police.uk crime types",
    "home_office": "Home Office offence groups",
    "own": "the partnership's own categories",
}


def categories_used(ds, area: str) -> str:
    """One sentence: the category scheme and source of the area's crime categories.

    Parameters
    ----------
    ds : Dataset
        The data (read in the scheme chosen with ``--categories``, if any).
    area : str
        The partnership area.

    Returns
    -------
    str
        E.g. ``"Categories: the partnership's own categories, from the local tidy extract
        (also given: police.uk crime types, from data.police.uk street-level records; choose
        with --categories police_uk)."``; empty when the area has no crime counts.
    """
    source = ds.source_for(area, "crime")
    if source is None:
        return ""
    scheme = ds.scheme_of(area, source)
    text = f"Categories: {SCHEME_WORDS[scheme]}, from the {SOURCE_LABELS.get(source, source)}"
    others = {k: v for k, v in ds.mapped.schemes_of(area).items() if k != scheme}
    if others:
        text += (
            " (also given: "
            + "; ".join(
                f"{SCHEME_WORDS[k]}, from the {SOURCE_LABELS.get(v, v)}" for k, v in others.items()
            )
            + "; choose with --categories "
            + " or ".join(others)
            + ")"
        )
    return text + "."


def _months_present(ctx: Context) -> tuple[str, ...]:
    """The months of the assessed period for which the area has crime counts (``YYYY-MM``)."""
    counts = ctx.dataset.area_counts(ctx.area)
    inside = set(ctx.period.months)
    crime = counts[counts["kind"] == "crime"]
    spans = [months_of_period(p) for p in crime["period"].unique()]
    return tuple(sorted({m for ms in spans if set(ms) <= inside for m in ms}))


def column_names(df: pd.DataFrame, a: Report) -> tuple[str, str]:
    """Headers of the two count columns: the periods' labels when every month is compared,
    else the months compared in each (``"Jan–Feb 2018"``, ``"Jan–Feb 2019"``).

    Parameters
    ----------
    df : pandas.DataFrame
        The ``yoy_categories`` table.
    a : Report
        The assessment being shown.

    Returns
    -------
    tuple of str
        The comparison period's header, then the assessed period's.
    """
    crime = df[df["kind"].isin(("total", "crime"))] if len(df) else df
    first = crime.iloc[0] if len(crime) else (df.iloc[0] if len(df) else None)
    if first is None or int(first["months_compared"]) in (0, a.period.n_months):
        return a.previous_year, a.year
    return str(first["previous_months"]), str(first["current_months"])


#: How rows that are not part of All crime are marked in the category table.
_SUFFIX = {
    "asb": "not in all crime",
    "flag": "flagged crimes: not added to all crime",
    "theme": "theme: overlaps the categories",
}


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
    previous, current = column_names(df, a)
    verdicts = [
        "provisional: too few months" if p else short_verdict(s, c)
        for s, c, p in zip(df["significant_fdr"], df["change"], df["provisional"], strict=True)
    ]
    shown = pd.DataFrame(
        {
            "Category": [
                f"{c} ({_SUFFIX[k]})" if k in _SUFFIX else c
                for c, k in zip(df["category"], df["kind"], strict=True)
            ],
            previous: [num(v) for v in df["previous"]],
            current: [num(v) for v in df["current"]],
            "Change": [("" if pd.isna(v) else f"{int(v):+,}") for v in df["change"]],
            "% change": [pct(v) for v in df["pct_change"]],
            "Bigger than chance alone?": verdicts,
        }
    )
    blocks = [table_html(shown, "change", bold={"Category": ALL_CRIME})]
    story = a.results.get("story")
    summary = story.table("category_summary") if story is not None else pd.DataFrame()
    if len(summary):
        blocks.append(
            to_appendix(
                md(
                    "**Each category in one sentence**: the year's change, the force, the trend "
                    "over the years and the unusual months.\n\n" + sentences(summary)
                ),
                "detail",
            )
        )
    notes = list(
        dict.fromkeys(
            f"{c}: {n}"
            for c, n in zip(df["category"], df["note"], strict=True)
            if isinstance(n, str) and n
        )
    )
    if notes:
        text = "_Note: " + "; ".join(notes) + "."
        if any(FLAG_NOT_GIVEN in n for n in notes):
            text += f" A flag is added with {FILE_TO_ADD['flag']}."
        blocks.append(md(text + "_"))
    blocks += [md(f"_{n}_") for n in result.notes if n]  # the categories used, totals
    if df["provisional"].any():
        months = int(df["months_compared"].max())
        least = min(a.min_months, a.period.n_months)
        blocks.append(
            md(
                f"_**Provisional:** only {months} of {a.period.n_months} months are present in "
                f"both periods (fewer than {least}), so these changes are not read as the "
                "year's change: they are kept out of the key findings' headline, the chart "
                "titles and the priorities. Add the missing months to compare the whole "
                "period._"
            )
        )
    blocks.append(
        to_appendix(
            md(
                "_A change is called **significant** when a change that large would happen by "
                f"chance less than {a.alpha:.0%} of the time if the underlying rate had not "
                "changed (exact "
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
    )
    return blocks


def headline(result: SectionResult) -> dict[str, str]:
    """All crime and ASB in the assessed period with their change, for the batch index.

    The counts are the area's own totals over the months of the period it has; a change is
    given only when it is not provisional; the rate per 1,000 residents only where the area's
    population is known.

    Parameters
    ----------
    result : SectionResult
        The section's result (from ``build``).

    Returns
    -------
    dict of str to str
        ``all_crime``, ``all_crime_change``, ``all_crime_rate``, ``asb``, ``asb_change``,
        ``months`` (months compared, or ``"N (provisional)"``) and ``months_covered`` (the
        months of the period the area has, e.g. ``"Apr 2025–Mar 2026"``, with ``"N of 12"``
        when some are missing), each ``"–"`` when not known. Keys beginning ``_`` hold the
        plain figures the index sums into a force total: ``_all_crime``, ``_asb``,
        ``_all_crime_current`` and ``_all_crime_previous`` (the months compared),
        ``_population``, ``_months_present`` and ``_months_compared`` (months ``YYYY-MM``,
        comma-separated), ``""`` when not known.
    """
    cells = {
        "all_crime": "–",
        "all_crime_change": "–",
        "all_crime_rate": "–",
        "asb": "–",
        "asb_change": "–",
        "months": "–",
        "months_covered": "–",
        "_all_crime": "",
        "_asb": "",
        "_all_crime_current": "",
        "_all_crime_previous": "",
        "_population": "",
        "_months_present": "",
        "_months_compared": "",
    }
    n_months = result.facts.get("period_months", 12)
    present = tuple(result.facts.get("months_present", ()))
    population = result.facts.get("population")
    if present:
        cells["months_covered"] = months_phrase(present) + (
            f" ({len(present)} of {n_months})" if len(present) < n_months else ""
        )
        cells["_months_present"] = ",".join(present)
    if population:
        cells["_population"] = str(int(population))
    yoy = result.table("yoy_categories")
    for key, cat in (("all_crime", ALL_CRIME), ("asb", "Anti-social behaviour")):
        row = yoy[yoy["category"] == cat] if len(yoy) else yoy
        if len(row) and pd.notna(row["total_in_period"].iloc[0]):
            r = row.iloc[0]
            total = int(r["total_in_period"])
            cells[key] = f"{total:,}"
            cells["_" + key] = str(total)
            if int(r["months_in_period"]) < n_months:
                cells[key] += f" ({int(r['months_in_period'])} months)"
            if key == "all_crime" and population:
                cells["all_crime_rate"] = f"{total / population * 1000:,.1f}"
                if int(r["months_in_period"]) < n_months:
                    cells["all_crime_rate"] += f" ({int(r['months_in_period'])} months)"
            value = r["pct_change"]
            if bool(r["provisional"]):
                cells[key + "_change"] = "provisional"
            else:
                cells[key + "_change"] = "–" if pd.isna(value) else f"{value:+.1f}%"
            if key == "all_crime" and pd.notna(r["months_compared"]):
                cells["months"] = str(int(r["months_compared"])) + (
                    " (provisional)" if bool(r["provisional"]) else ""
                )
            if (
                key == "all_crime"
                and not bool(r["provisional"])
                and pd.notna(r["current"])
                and pd.notna(r["previous"])
            ):
                cells["_all_crime_current"] = str(int(r["current"]))
                cells["_all_crime_previous"] = str(int(r["previous"]))
                cells["_months_compared"] = f"{r['previous_months']} / {r['current_months']}"
    return cells


SECTION = Section(
    name=NAME,
    order=20,
    title="Crime and anti-social behaviour by category",
    build=build,
    render=render,
    headline=headline,
)
