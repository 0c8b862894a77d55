"""Where crime happens: the busiest neighbourhoods (LSOAs), wards and places, and a density map
that reveals no single record. Small counts are suppressed as published."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.hotspots import (
    concentration,
    crime_by_deprivation,
    density_cells,
    gi_star_hotspots,
    hotspots,
    named_hotspots,
    repeat_locations,
    select_records,
    suppress_small,
)
from csp_analysis.exceptions import CspError
from csp_analysis.ingest.boundaries import TABLE as BOUNDARIES
from csp_analysis.ingest.police_uk import LSOA_NAME
from csp_analysis.plots.hotspots import plot_density
from csp_analysis.plots.maps import (
    ATTRIBUTION,
    SYNTHETIC_ATTRIBUTION,
    plot_class_map,
    plot_count_map,
)
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import (
    figure_html,
    fmt,
    md,
    suppression_note,
    table_html,
    to_appendix,
)
from csp_analysis.statistics.hotspots import HOT, MIN_AREAS, MIN_YEARS, NOT_SIGNIFICANT

NAME = "hotspots"


def _stars(text: str) -> str:
    """Text with its asterisks (as in "Gi*") shown as asterisks, not read as emphasis."""
    return str(text).replace("*", "\\*")


#: The Gi* method note begins so (the renderer sends it to the appendix on method).
GI_METHOD = "Statistical hot spots:"
FIRST = ["lsoa", "name", "count", "share", "cumulative_share", "rate_per_1000"]


def ward_counts(full: pd.DataFrame, lookup: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Hot spots by ward: LSOA counts summed through an LSOA-to-ward lookup, then suppressed.

    Parameters
    ----------
    full : pandas.DataFrame
        Unsuppressed hot spots by LSOA (``lsoa``, ``count``).
    lookup : pandas.DataFrame
        ``lsoa`` (code) and ``ward`` (name).
    threshold : int
        Counts from 1 to ``threshold - 1`` are published as ``"<threshold"`` (default 5).

    Returns
    -------
    pandas.DataFrame
        ``ward, count, share, cumulative_share``, busiest first; LSOAs missing from the lookup
        are gathered under "(LSOA not in the ward lookup)".
    """
    ward_of = dict(zip(lookup["lsoa"], lookup["ward"], strict=False))
    counts = pd.DataFrame(
        {
            "ward": [ward_of.get(code, "(LSOA not in the ward lookup)") for code in full["lsoa"]],
            "count": pd.to_numeric(full["count"]).astype("int64"),
        }
    )
    by = counts.groupby("ward", as_index=False)["count"].sum()
    by = by.sort_values(["count", "ward"], ascending=[False, True]).reset_index(drop=True)
    total = by["count"].sum()
    by["share"] = by["count"] / total if total else float("nan")
    by["cumulative_share"] = by["share"].cumsum()
    return suppress_small(by, ["count"], threshold=threshold, derived=["share", "cumulative_share"])


def build(ctx: Context) -> SectionResult:
    """Hot spots of the assessed year's crime (ASB excluded) from street-level records.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Tables ``hotspots`` (every LSOA), ``hotspots_wards`` (with a ward lookup),
        ``hotspots_named`` (the ten busiest LSOAs by LSOA and ward name, with their crime
        mix), ``hotspots_places`` (the snap points with most crime: repeat locations, named by
        label, LSOA and ward, never by point), ``hotspots_by_category`` (the ten
        busiest LSOAs of each category, for the deep dive) and ``density_cells`` (the
        hexagons of the map, each of at least ``suppress_below`` records), all in published
        form; fact ``concentration`` (a sentence). A gap without street-level records.
    """
    ds, area, year, limit = ctx.dataset, ctx.area, ctx.period, ctx.suppress_below
    if not len(ds.records_of(area)):
        return gap(
            NAME,
            "No hot spots: they need data.police.uk street-level files for the "
            "area (the other sources give no locations).",
        )
    crimes = ds.cmap.of_kind("crime")
    try:
        published = hotspots(ds, area, year, categories=crimes, threshold=limit)
        full = hotspots(ds, area, year, categories=crimes, publishable=False)
        records = select_records(ds, area, year, categories=crimes)
    except CspError as exc:
        return gap(NAME, f"No hot spots: {exc}")
    if not len(full) or int(pd.to_numeric(full["count"]).sum()) == 0:
        return gap(NAME, f"No hot spots: no crime with a location in {area} in {year}.")
    rest = [c for c in published.columns if c not in FIRST]
    tables = {"hotspots": published[[c for c in FIRST if c in published.columns] + rest]}
    lookup = ctx.local_table("ward_lookup", by_area=False)
    if lookup is not None:
        tables["hotspots_wards"] = ward_counts(full, lookup, threshold=limit)
    named = named_hotspots(full, records, lookup, threshold=limit)
    if len(named):
        tables["hotspots_named"] = named
    places = repeat_locations(records, threshold=limit, ward_lookup=lookup)
    if len(places):
        tables["hotspots_places"] = places
    tables["density_cells"] = density_cells(records, min_count=limit)
    tables["hotspots_by_category"] = _by_category(ctx)
    facts = {"concentration": concentration(full).text}
    notes = []
    try:
        gi = gi_star_hotspots(
            ds, area, year, alpha=ctx.alpha, threshold=limit, shapes=ds.tables.get(BOUNDARIES)
        )
    except ValueError as exc:
        notes.append(f"No statistical hot spots (Gi*): {exc}.")
    else:
        tables["hotspots_gi"] = gi
        hot = gi[gi["spot"] == HOT]
        facts["gi_hot"] = len(hot)
        facts["gi_sentence"] = _gi_sentence(hot, len(gi), ctx.alpha)
        notes.append(
            _gi_method(gi.attrs["band"], gi.attrs["contiguity"], gi.attrs["years"], ctx.alpha)
        )
    notes += _map_shapes(ctx, published, facts)
    index = ctx.local_table("deprivation", by_area=False)
    if index is not None:
        table, dep = crime_by_deprivation(full, index, threshold=limit)
        tables["hotspots_deprivation"] = table
        label = str(index["index"].iloc[0]) if "index" in index.columns else "IMD"
        in_fifth = int(table.loc[table["decile"] <= 2, "lsoas"].sum())
        facts["deprivation_sentence"] = (
            f"{dep['most_deprived_fifth']:.1%} of the crime in {area}'s LSOAs listed by the "
            f"{label} was in the most deprived fifth of LSOAs nationally (deciles 1 and 2: "
            f"{in_fifth} of the area's {int(table['lsoas'].sum())} listed LSOAs)."
        )
        if dep["unmatched"]:
            notes.append(
                f"Crime by deprivation leaves out {dep['unmatched']:,} crimes in "
                f"{dep['unmatched_lsoas']} LSOAs the {label} file does not list (LSOA codes "
                "change between the 2011 and 2021 geographies)."
            )
    else:
        notes.append(
            "Crime by deprivation: add the English Indices of Deprivation by LSOA (IoD 2019 or "
            "2025, File 1 or File 7) or the Welsh Index of Multiple Deprivation ranks to the "
            "data folder."
        )
    return SectionResult(name=NAME, tables=tables, facts=facts, notes=tuple(notes))


def _map_shapes(ctx: Context, published: pd.DataFrame, facts: dict) -> list[str]:
    """Keep the area's LSOA shapes for the maps (in ``facts["map_shapes"]``); notes on gaps."""
    shapes = ctx.dataset.tables.get(BOUNDARIES)
    if shapes is None or not len(shapes):
        return [
            "No maps: add the LSOA boundaries (ONS Open Geography Portal, e.g. 'Lower layer "
            "Super Output Areas (December 2021) Boundaries EW BSC', as GeoJSON, GeoPackage or "
            "shapefile, any coordinate system) to the data folder."
        ]
    of_area = shapes["name"].astype("string").str.extract(LSOA_NAME)["area"] == ctx.area
    listed = shapes["lsoa"].isin(set(published["lsoa"].astype("string")))
    mine = shapes[(listed | of_area.fillna(False)).to_numpy(dtype=bool)]
    mine = mine.drop_duplicates("lsoa").reset_index(drop=True)
    if not len(mine):
        return [
            "No maps: the boundary file lists none of the area's LSOAs (LSOA codes changed "
            "between the 2011 and 2021 geographies: add boundaries of the same LSOAs as the "
            "police data)."
        ]
    facts["map_shapes"] = mine[["lsoa", "wkb"]]
    missing = int((~published["lsoa"].isin(set(mine["lsoa"]))).sum())
    if missing:
        return [f"The maps leave out {missing} LSOAs the boundary file does not list."]
    return []


def _gi_sentence(hot: pd.DataFrame, lsoas: int, alpha: float) -> str:
    """One sentence naming the statistically significant hot spots."""
    if not len(hot):
        return (
            f"No LSOA is a statistically significant hot spot (Getis-Ord Gi*, {lsoas} LSOAs, "
            f"false discovery rate {alpha:.0%})."
        )
    names = ", ".join(hot["name"].head(5))
    more = f" and {len(hot) - 5} more" if len(hot) > 5 else ""
    return (
        f"{len(hot)} of {lsoas} LSOAs are statistically significant hot spots (Getis-Ord Gi*, "
        f"false discovery rate {alpha:.0%}): {names}{more}."
    )


def _gi_method(band: float, contiguity: bool, years: list[str], alpha: float) -> str:
    """How the statistical hot spots were found, with the small-n and island rules."""
    if contiguity:
        neighbours = (
            "with neighbours that share a border or a corner in the boundary file (an LSOA "
            "sharing none, an island, takes its nearest LSOA as neighbour)"
        )
    else:
        neighbours = (
            "each LSOA placed at the mean of its records' police.uk points (not published), "
            f"with neighbours within {band / 1000:.1f} km (the smallest distance that leaves "
            "no LSOA without a neighbour, so there is no island)"
        )
    text = (
        f"{GI_METHOD} Getis-Ord Gi* (PySAL esda) on each LSOA's crime count, "
        f"{neighbours}; p-values are two-sided and corrected "
        f"for the number of LSOAs tested (Benjamini–Hochberg, false discovery rate "
        f"{alpha:.0%}). Gi* is not computed for fewer than {MIN_AREAS} LSOAs. "
    )
    if years:
        text += (
            f"Over {years[0]} – {years[-1]} ({len(years)} years), an LSOA is a persistent hot "
            "spot when it is one in every year, emerging when it is one in the assessed year "
            "but was not in its first year, and intermittent when it is one in some years."
        )
    else:
        text += (
            f"Persistent, emerging and intermittent hot spots need {MIN_YEARS} years of "
            "street-level records."
        )
    return text


def _by_category(ctx: Context, most: int = 10) -> pd.DataFrame:
    """The busiest LSOAs of each category with records in the year (published form)."""
    present = set(ctx.dataset.records_of(ctx.area)["category"].astype("string").dropna())
    parts = []
    for cat in ctx.dataset.cmap.order:
        if cat not in present:
            continue
        try:
            hot = hotspots(
                ctx.dataset, ctx.area, ctx.period, categories=[cat], threshold=ctx.suppress_below
            )
        except CspError:
            continue
        if len(hot):
            parts.append(hot.head(most).assign(category=cat))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    return out[["category", *[c for c in out.columns if c != "category"]]]


def _share(v: object) -> str:
    return "" if pd.isna(v) else f"{float(v):.1%}"


def render(result: SectionResult, a: Report) -> list:
    """Concentration, the ten busiest LSOAs, wards and places, and the density map.

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
    blocks = [md(f"**{result.facts['concentration']}**")]
    named = result.table("hotspots_named")
    if len(named):
        with_ward = named["ward"].notna().any()
        shown = {"Rank": named["rank"], "LSOA": named["lsoa_name"]}
        if with_ward:
            shown["Ward"] = named["ward"]
        shown |= {
            "Crimes": named["count"],
            "Share": [_share(v) for v in named["share"]],
            "Main categories": named["crime_mix"],
        }
        blocks.append(md("The busiest neighbourhoods (LSOAs), with their main categories:"))
        blocks.append(table_html(pd.DataFrame(shown), "hotspots_named"))
        if not with_ward:
            blocks.append(
                md(
                    "*Wards are not named: add the ONS LSOA to ward lookup (e.g. "
                    "LSOA21CD, WD24NM) to the data folder.*"
                )
            )
    gi = result.table("hotspots_gi")
    if len(gi):
        blocks.append(md(f"**{_stars(result.facts['gi_sentence'])}**"))
        hot = gi[gi["spot"] == HOT]
        if len(hot):
            shown = {
                "LSOA": hot["name"],
                "Crimes": hot["count"],
                "Gi* (z)": [fmt(v, 2) for v in hot["gi_z"]],
                "q-value": [fmt(v, 4) for v in hot["q_value"]],
            }
            if hot["trend"].notna().any():
                shown["Over the years"] = hot["trend"]
            blocks.append(table_html(pd.DataFrame(shown), "hotspots_gi"))
    dep = result.table("hotspots_deprivation")
    if len(dep):
        blocks.append(md(f"**{result.facts['deprivation_sentence']}**"))
        blocks.append(
            table_html(
                pd.DataFrame(
                    {
                        "Deprivation decile (1 = most deprived)": dep["decile"],
                        "LSOAs": dep["lsoas"],
                        "Crimes": dep["count"],
                        "Share": [_share(v) for v in dep["share"]],
                        "Rate per 1,000": [fmt(v) for v in dep["rate_per_1000"]],
                    }
                ),
                "deprivation",
            )
        )
    hot = result.table("hotspots").head(10)
    cumulative = table_html(
        pd.DataFrame(
            {
                "Rank": hot["rank"],
                "LSOA": hot["name"],
                "Crimes": hot["count"],
                "Share": [_share(v) for v in hot["share"]],
                "Cumulative share": [_share(v) for v in hot["cumulative_share"]],
            }
        ),
        "hotspots",
    )
    # beside the named table it repeats the same places: its cumulative shares are detail
    blocks.append(to_appendix(cumulative, "detail") if len(named) else cumulative)
    wards = result.table("hotspots_wards")
    if len(wards):
        w = wards.head(10)
        blocks.append(md("Crime by ward (through the LSOA-to-ward lookup):"))
        blocks.append(
            table_html(
                pd.DataFrame(
                    {
                        "Ward": w["ward"],
                        "Crimes": w["count"],
                        "Share": [_share(v) for v in w["share"]],
                    }
                ),
                "wards",
            )
        )
    places = result.table("hotspots_places")
    if len(places):
        blocks.append(
            md(
                "Repeat locations: the police.uk snap points with most crime, each point on "
                "its own (many points share a label such as 'On or near Parking Area'):"
            )
        )
        shown = {"Rank": places["rank"], "Place": places["location"], "LSOA": places["lsoa_name"]}
        if places["ward"].notna().any():
            shown["Ward"] = places["ward"]
        shown |= {"Crimes": places["count"], "Main category": places["main_category"]}
        blocks.append(table_html(pd.DataFrame(shown).head(10).fillna(""), "places"))
    limit = a.suppress_below
    shapes = result.facts.get("map_shapes")
    if shapes is not None:
        credit = SYNTHETIC_ATTRIBUTION if a.synthetic else ATTRIBUTION
        hot = result.table("hotspots")
        rated = hot["rate_per_1000"].notna().any()
        value = hot["rate_per_1000"] if rated else hot["count"]
        what = "crimes per 1,000 residents" if rated else "crimes"
        blocks.append(
            figure_html(
                plot_count_map(
                    shapes,
                    pd.DataFrame({"lsoa": hot["lsoa"], "value": value}),
                    f"Crime by neighbourhood (LSOA), {a.area}, {a.year}",
                    credit,
                    what,
                ),
                f"Map of {a.area}'s LSOAs shaded by {what} in {a.year}; LSOAs with a "
                f"suppressed count are hatched.",
            )
        )
        # a map of hot spots where no LSOA is one would be blank: the sentence above says so
        if len(gi) and bool((gi["spot"] != NOT_SIGNIFICANT).any()):
            blocks.append(
                figure_html(
                    plot_class_map(
                        shapes, gi, f"Statistical hot spots (Gi*), {a.area}, {a.year}", credit
                    ),
                    f"Map of {a.area}'s LSOAs coloured by Gi* hot spot, cold spot or not "
                    "significant.",
                )
            )
    density = figure_html(
        plot_density(
            result.table("density_cells"),
            f"Where crime in {a.area} concentrates, {a.year}",
            min_count=limit,
        ),
        f"Hexagon density map of crime in {a.area}; cells with fewer than {limit} crimes are "
        "not drawn, so no single record can be located.",
    )
    # beside the map of LSOAs it shows the same concentration again: detail
    blocks.append(to_appendix(density, "detail") if shapes is not None else density)
    blocks += [
        to_appendix(md(f"*{_stars(note)}*"))
        if note.startswith(GI_METHOD)
        else md(f"*{_stars(note)}*")
        for note in result.notes
    ]
    blocks.append(md(suppression_note(limit)))
    return blocks


SECTION = Section(name=NAME, order=90, title="Where crime happens", build=build, render=render)
