"""The input layouts, in the order they are tried: a table is read by the first that
recognises its header (as pandas picks an Excel engine or papermill an I/O handler).

Adding a layout is one module (how it is recognised, how it is read), one entry here and, for
counts, its rows in ``data/reference/category_mapping.csv``. Order matters where headers
overlap: the partnership's own tables come first (a survey has a ``count`` column; partner
data has three of the four tidy-count columns), the
Home Office long table before the wide one, tidy counts before population tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from csp_analysis.categories import CategoryMap
from csp_analysis.ingest import (
    deprivation,
    home_office,
    local,
    lookup,
    ons_crime,
    partners,
    police_uk,
    police_uk_outcomes,
    population,
    tidy,
)
from csp_analysis.ingest.base import FileResult, Header

#: ``read(df, res, cmap, year_hint)``: fill ``res`` from the table ``df`` (cells indexed by
#: line number), with exact row accounting.
Reader = Callable[[pd.DataFrame, FileResult, CategoryMap, "int | None"], None]


@dataclass(frozen=True)
class Layout:
    """One input layout.

    Attributes
    ----------
    name : str
        The layout's name, as listed in ``data_quality.csv`` and ``csp-assess validate``.
    description : str
        What the table is, in words.
    recognise : callable
        ``recognise(header) -> bool`` on the table's :class:`~csp_analysis.ingest.base.Header`.
    read : callable
        ``read(df, res, cmap, year_hint)``, see ``Reader``.
    source : str or None
        The count source the layout gives (``police_uk``, ``home_office``, ``tidy``: see
        ``csp_analysis.model.SOURCE_LABELS``); ``None`` for tables that are not counts.
    """

    name: str
    description: str
    recognise: Callable[[Header], bool]
    read: Reader
    source: str | None = None


def _local(df: pd.DataFrame, res: FileResult, cmap: CategoryMap, hint: int | None) -> None:
    local.read_local_table(df, res)


#: Every layout, in the order they are tried.
LAYOUTS: list[Layout] = [
    Layout("survey", "resident survey (concern, respondents, count)", local.is_survey, _local),
    Layout(
        "plan",
        "last year's partnership plan (priority, activity, outcome, timescale, status)",
        local.is_plan,
        _local,
    ),
    Layout("peers", "most similar group (area, peer)", local.is_peers, _local),
    Layout(
        "risk_scores",
        "hand-entered risk scores (category, factor, score)",
        local.is_risk_scores,
        _local,
    ),
    Layout(
        "categories",
        "the partnership's own categories declared (category, kind, order, parent)",
        local.is_categories,
        _local,
    ),
    Layout(
        "themes",
        "themes across categories (theme, field, value)",
        local.is_themes,
        _local,
    ),
    Layout(
        "candidates",
        "the risk matrix's candidate priorities named by the partnership (candidate)",
        local.is_candidates,
        _local,
    ),
    Layout(
        "indicators",
        "indicators for building a peer group (area, indicator, value)",
        local.is_indicators,
        _local,
    ),
    Layout(
        "partners",
        "partner data (area, period, measure, count, source): fire, youth justice, "
        "re-offending, hospital admissions, British Transport Police; never crime counts",
        partners.recognise,
        lambda df, res, cmap, hint: partners.read_partners(df, res),
    ),
    Layout(
        "lsoa_ward_lad",
        "ONS LSOA to ward to local authority lookup",
        lookup.is_lsoa_ward_lad,
        lambda df, res, cmap, hint: lookup.read_lsoa_ward_lad(df, res),
    ),
    Layout("ward_lookup", "LSOA to ward lookup (lsoa, ward)", local.is_ward_lookup, _local),
    Layout(
        "deprivation",
        "index of multiple deprivation by LSOA (English IoD decile or WIMD rank)",
        deprivation.recognise,
        lambda df, res, cmap, hint: deprivation.read_deprivation(df, res),
    ),
    Layout(
        "police_uk",
        "data.police.uk street-level crime and ASB",
        police_uk.recognise,
        lambda df, res, cmap, hint: police_uk.read_police_uk(df, res, cmap),
        police_uk.SOURCE,
    ),
    Layout(
        "police_uk_outcomes",
        "data.police.uk outcomes (the latest outcome of each crime)",
        police_uk_outcomes.is_outcomes,
        lambda df, res, cmap, hint: police_uk_outcomes.read_outcomes(df, res),
    ),
    Layout(
        "police_uk_stop_and_search",
        "data.police.uk stop and search (recognised, not used yet)",
        police_uk_outcomes.is_stop_and_search,
        lambda df, res, cmap, hint: police_uk_outcomes.read_stop_and_search(df, res),
    ),
    Layout(
        "home_office_long",
        "Home Office police recorded crime by CSP (long)",
        home_office.is_long,
        lambda df, res, cmap, hint: home_office.read_home_office_long(df, res, cmap),
        home_office.SOURCE,
    ),
    Layout(
        "home_office_wide",
        "Home Office police recorded crime by CSP (wide, one column per year)",
        home_office.is_wide,
        lambda df, res, cmap, hint: home_office.read_home_office_wide(df, res, cmap),
        home_office.SOURCE,
    ),
    Layout(
        "home_office_no_period",
        "Home Office recorded crime table without a Financial Year column",
        home_office.is_without_period,
        lambda df, res, cmap, hint: home_office.read_home_office_no_period(df, res),
    ),
    Layout(
        "home_office_force_rolling",
        "Home Office rolling 12-month totals by police force area",
        home_office.is_force_rolling,
        lambda df, res, cmap, hint: home_office.read_home_office_force_rolling(df, res),
    ),
    Layout(
        "ons_crime_by_csp",
        "ONS recorded crime by Community Safety Partnership area (official totals, a year "
        "ending a month)",
        ons_crime.recognise,
        lambda df, res, cmap, hint: ons_crime.read_ons_crime(df, res, cmap),
    ),
    Layout(
        "tidy_counts",
        "tidy counts (area, period, category, count)",
        tidy.recognise,
        lambda df, res, cmap, hint: tidy.read_tidy_counts(df, res, cmap),
        tidy.SOURCE,
    ),
    Layout(
        "population",
        "population (area, year, population)",
        population.is_population,
        lambda df, res, cmap, hint: population.read_population(df, res),
    ),
    Layout(
        "ons_census",
        "ONS census population by local authority",
        population.is_ons_census,
        lambda df, res, cmap, hint: population.read_ons_census(df, res),
    ),
    Layout(
        "ons_mid_year",
        "ONS mid-year population estimates",
        population.is_ons_mid_year,
        lambda df, res, cmap, hint: population.read_ons_mid_year(df, res, hint),
    ),
    Layout(
        "population_no_year",
        "population by area name without a year",
        population.is_population_no_year,
        lambda df, res, cmap, hint: population.read_population_no_year(df, res, hint),
    ),
    Layout(
        "lookup",
        "area to police force lookup",
        lookup.recognise,
        lambda df, res, cmap, hint: lookup.read_lookup(df, res),
    ),
]

#: Layout names and what they are, in the order they are tried.
DESCRIPTIONS = {layout.name: layout.description for layout in LAYOUTS}


def recognise(columns: Iterable[object]) -> Layout | None:
    """The first layout (in ``LAYOUTS`` order) that recognises a header, or ``None``.

    Parameters
    ----------
    columns : iterable
        The header cells as written in the file.

    Returns
    -------
    Layout or None

    Examples
    --------
    >>> recognise(["area", "period", "category", "count"]).name
    'tidy_counts'
    >>> recognise(["concern", "respondents", "count"]).name  # a survey, not tidy counts
    'survey'
    """
    header = Header.of(columns)
    return next((layout for layout in LAYOUTS if layout.recognise(header)), None)


def layout_named(name: str) -> Layout:
    """The layout called ``name``.

    Parameters
    ----------
    name : str
        One of the names in ``LAYOUTS``.

    Returns
    -------
    Layout

    Raises
    ------
    KeyError
        If no layout has that name.
    """
    for layout in LAYOUTS:
        if layout.name == name:
            return layout
    raise KeyError(name)
