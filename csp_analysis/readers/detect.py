"""Recognise what a table is from its header, whatever the file is called."""

from __future__ import annotations

import re
from collections.abc import Iterable

from csp_analysis.readers.base import norm

YEAR_COLUMN = re.compile(r"^\d{4}\s*[/\-]\s*\d{2,4}$")
CENSUS_COLUMN = re.compile(r"^(?:pop(\d{2})|allpersons(\d{4}))$")


def census_columns(columns: Iterable[object]) -> dict[str, int]:
    """Census count columns and their years: ``POP11`` -> 2011, ``All persons, 2021`` -> 2021."""
    out = {}
    for c in columns:
        m = CENSUS_COLUMN.match(norm(c))
        if m:
            out[str(c)] = 2000 + int(m.group(1)) if m.group(1) else int(m.group(2))
    return out

LAYOUTS = {
    "police_uk": "data.police.uk street-level crime and ASB",
    "home_office_long": "Home Office police recorded crime by CSP (long)",
    "home_office_wide": "Home Office police recorded crime by CSP (wide, one column per year)",
    "home_office_no_period": "Home Office recorded crime table without a Financial Year column",
    "home_office_force_rolling": "Home Office rolling 12-month totals by police force area",
    "tidy_counts": "tidy counts (area, period, category, count)",
    "population": "population (area, year, population)",
    "ons_census": "ONS census population by local authority",
    "ons_mid_year": "ONS mid-year population estimates",
    "population_no_year": "population by area name without a year",
    "lookup": "area to police force lookup",
    "survey": "resident survey (concern, respondents, count)",
    "plan": "last year's partnership plan (priority, activity, outcome, timescale, status)",
    "peers": "most similar group (area, peer)",
    "risk_scores": "hand-entered risk scores (category, factor, score)",
    "indicators": "indicators for building a peer group (area, indicator, value)",
    "ward_lookup": "LSOA to ward lookup (lsoa, ward)",
}

#: Local tables kept as they are (validated by the analysis that uses them).
LOCAL_TABLES = {
    "survey": {"concern", "respondents", "count"},
    "plan": {"priority", "activity", "status"},
    "peers": {"area", "peer"},
    "risk_scores": {"category", "factor", "score"},
    "indicators": {"area", "indicator", "value"},
    "ward_lookup": {"lsoa", "ward"},
}
#: The columns of a data.police.uk street-level file (normalised name: as written).
POLICE_UK_COLUMNS = {
    "crimeid": "Crime ID", "month": "Month", "reportedby": "Reported by",
    "fallswithin": "Falls within", "longitude": "Longitude", "latitude": "Latitude",
    "location": "Location", "lsoacode": "LSOA code", "lsoaname": "LSOA name",
    "crimetype": "Crime type", "lastoutcomecategory": "Last outcome category",
    "context": "Context",
}  # fmt: skip
#: The columns that make a header a police.uk street-level one.
POLICE_UK_REQUIRED = ("month", "fallswithin", "lsoaname", "crimetype")
#: ONS lookups name the columns by year, e.g. LSOA21CD and WD24NM.
ONS_WARD_LOOKUP = (re.compile(r"^lsoa\d{2}cd$"), re.compile(r"^wd\d{2}nm$"))


def detect_layout(columns: Iterable[object]) -> str | None:
    """Name the layout of a table from its column names, or ``None`` if unknown.

    Parameters
    ----------
    columns : iterable
        The header cells as written in the file.

    Returns
    -------
    str or None
        One of the keys of ``LAYOUTS``.

    Examples
    --------
    >>> detect_layout(["crime_id", "month", "falls_within", "lsoa_name", "crime_type"])
    'police_uk'
    >>> detect_layout(["area", "period", "category", "count"])
    'tidy_counts'
    """
    raw = [str(c).strip() for c in columns]
    cols = {norm(c) for c in raw}
    for name, needed in LOCAL_TABLES.items():
        if needed <= cols:
            return name
    if all(any(rx.match(c) for c in cols) for rx in ONS_WARD_LOOKUP):
        return "ward_lookup"
    if set(POLICE_UK_REQUIRED) <= cols:
        return "police_uk"
    if "cspname" in cols and "offencecode" in cols:
        if "financialyear" in cols and cols & {"numberofoffences", "offencecount"}:
            return "home_office_long"
        if any(YEAR_COLUMN.match(c) for c in raw):
            return "home_office_wide"
        if cols & {"numberofoffences", "offencecount"}:
            return "home_office_no_period"
    if {"12monthsending", "pfa", "offence"} <= cols:
        return "home_office_force_rolling"
    if {"area", "period", "category", "count"} <= cols:
        return "tidy_counts"
    if {"area", "year", "population"} <= cols:
        return "population"
    if cols & {"name", "areaname"} and census_columns(raw):
        return "ons_census"
    if {"areaname", "geography", "allages"} <= cols or {"name", "geography", "allages"} <= cols:
        return "ons_mid_year"
    if cols & {"localauthority", "name", "area", "areaname"} and "population" in cols:
        return "population_no_year"
    if {"cspname", "pfa21nm"} <= cols or {"area", "force"} <= cols:
        return "lookup"
    return None


def missing_police_uk_columns(columns: Iterable[object]) -> list[str]:
    """The police.uk columns missing from a header that is otherwise a police.uk street header.

    A header with at least six of the police.uk street-level columns but not all of
    ``POLICE_UK_REQUIRED`` is taken for a police.uk file that lost a column (so the message can
    name it rather than say the header is not recognised). Outcomes files (``Outcome type``)
    are another kind of file, not a damaged street file.

    Parameters
    ----------
    columns : iterable
        The header cells as written in the file.

    Returns
    -------
    list of str
        The missing required columns as police.uk writes them; empty when the header is a
        complete police.uk header or not a police.uk header at all.

    Examples
    --------
    >>> missing_police_uk_columns(["Crime ID", "Month", "Reported by", "Falls within",
    ...                            "Location", "LSOA code", "LSOA name", "Context"])
    ['Crime type']
    >>> missing_police_uk_columns(["area", "period", "category", "count"])
    []
    """
    cols = {norm(c) for c in columns}
    if "outcometype" in cols or len(cols & POLICE_UK_COLUMNS.keys()) < 6:
        return []
    return [POLICE_UK_COLUMNS[k] for k in POLICE_UK_REQUIRED if k not in cols]
