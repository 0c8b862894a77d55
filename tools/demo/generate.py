"""Generate the built-in SYNTHETIC demo data set (fictional places, fictional incidents).

The demo world is one fictional police force, :data:`DEMO_FORCE`, covering 14 fictional
Community Safety Partnership areas (:data:`DEMO_AREAS`). The demo partnership,
:data:`DEMO_AREA`, gets data.police.uk-style street-level monthly files; its 13 neighbours get a
tidy monthly count table; all 14 get mid-year population estimates. Every file states that it is
synthetic.

The output is deterministic: every random draw comes from :func:`numpy.random.default_rng` seeded
with fixed integers, and nothing depends on the clock, the locale, hash randomisation or dict
order. Regenerate the committed copy with::

    python -m tools.demo [OUT_DIR]

(from the project folder; default ``OUT_DIR``: :func:`csp_analysis.paths.demo_dir`). This
is a developer tool: the ``csp_analysis`` package never imports it.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from csp_analysis.defaults import DEMO_AREA as _DEMO_AREA
from csp_analysis.paths import demo_dir
from tools.demo.flags import write_demo_flags
from tools.demo.partners import write_demo_partners
from tools.demo.priorities import write_demo_priorities

__all__ = [
    "CATEGORIES",
    "DEMO_AREA",
    "DEMO_AREAS",
    "DEMO_FORCE",
    "DEMO_FORCE_SLUG",
    "FIRST_MONTH",
    "LAST_MONTH",
    "NEIGHBOURS",
    "POLICE_UK_HEADER",
    "SYNTHETIC_NOTE",
    "generate_demo",
    "main",
]

# --------------------------------------------------------------------------------------------
# The fictional world
# --------------------------------------------------------------------------------------------

DEMO_AREA: str = _DEMO_AREA
"""The demo Community Safety Partnership (fictional): :data:`csp_analysis.defaults.DEMO_AREA`."""

DEMO_FORCE: str = "Wessmoor Constabulary"
"""The fictional police force covering all 14 demo areas."""

DEMO_FORCE_SLUG: str = "wessmoor"
"""Force slug used in the street-level file names, as data.police.uk does (``essex``)."""

FIRST_MONTH: str = "2022-04"
LAST_MONTH: str = "2026-03"

SYNTHETIC_NOTE: str = "Synthetic demo data"
POPULATION_SOURCE: str = "Synthetic demo population"

#: Mid-2021 population of every area (all fictional). The demo CSP is about 95,000.
_POPULATION_2021: dict[str, int] = {
    "Ashgrove Vale": 71_400,
    "Brindlemoor": 116_800,
    "Corrigan Bay": 63_900,
    "Dunsvale": 141_700,
    DEMO_AREA: 93_900,
    "Fallowmouth": 87_200,
    "Greywater": 250_500,
    "Hartlecombe": 55_200,
    "Kestlebury": 100_100,
    "Lowenfield": 125_600,
    "Marrowdene": 78_300,
    "Ravensholt": 173_900,
    "Saltridge": 60_800,
    "Tollerby Fen": 91_500,
}

#: Annual population growth of each area (fraction per year).
_POPULATION_GROWTH: dict[str, float] = {
    "Ashgrove Vale": 0.004,
    "Brindlemoor": 0.007,
    "Corrigan Bay": 0.003,
    "Dunsvale": 0.006,
    DEMO_AREA: 0.006,
    "Fallowmouth": 0.005,
    "Greywater": 0.009,
    "Hartlecombe": 0.002,
    "Kestlebury": 0.008,
    "Lowenfield": 0.007,
    "Marrowdene": 0.004,
    "Ravensholt": 0.010,
    "Saltridge": 0.003,
    "Tollerby Fen": 0.005,
}

DEMO_AREAS: tuple[str, ...] = tuple(sorted(_POPULATION_2021))
"""All 14 fictional CSP areas of the demo force, sorted (the demo CSP included)."""

NEIGHBOURS: tuple[str, ...] = tuple(a for a in DEMO_AREAS if a != DEMO_AREA)
"""The 13 neighbours of the demo CSP, sorted."""

#: Overall crime level of each neighbour relative to the demo CSP's rate per 1,000.
_NEIGHBOUR_LEVEL: dict[str, float] = {
    "Ashgrove Vale": 0.72,
    "Brindlemoor": 1.08,
    "Corrigan Bay": 0.95,
    "Dunsvale": 1.12,
    "Fallowmouth": 0.88,
    "Greywater": 1.42,
    "Hartlecombe": 0.64,
    "Kestlebury": 0.97,
    "Lowenfield": 1.03,
    "Marrowdene": 0.81,
    "Ravensholt": 1.25,
    "Saltridge": 0.77,
    "Tollerby Fen": 0.69,
}

#: The two neighbours whose border LSOAs receive a few of the demo force's rows.
_BORDER_NEIGHBOURS: tuple[str, str] = ("Brindlemoor", "Marrowdene")

POPULATION_YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)

POLICE_UK_HEADER: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
NEIGHBOURS_HEADER: tuple[str, ...] = ("area", "force", "period", "category", "count", "note")
POPULATION_HEADER: tuple[str, ...] = ("area", "year", "population", "source")

ASB: str = "Anti-social behaviour"

CATEGORIES: tuple[str, ...] = (
    ASB,
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
"""data.police.uk's 14 report categories (ASB is not a crime)."""


@dataclass(frozen=True)
class _Story:
    """Expected volume and shape of one category in the demo CSP.

    Attributes
    ----------
    annual : float
        Expected count per year at the middle of the period (October 2024 / March 2024 mid-point).
    trend : float
        Multiplicative change per year (1.12 means +12% a year).
    amplitude : float
        Relative amplitude of the seasonal cosine (0 means none).
    peak : float
        Calendar month (1-12, fractions allowed) at which the season peaks.
    """

    annual: float
    trend: float = 1.0
    amplitude: float = 0.0
    peak: float = 7.0


_CRIMES_PER_YEAR = 7_600.0  # about 80 per 1,000 residents for ~95,000 people

#: The demo CSP's built-in stories. Shares follow the brief; ASB is in addition to crime.
_STORIES: dict[str, _Story] = {
    ASB: _Story(2_650.0, trend=0.90, amplitude=0.25, peak=7.0),
    "Bicycle theft": _Story(0.020 * _CRIMES_PER_YEAR, trend=0.96, amplitude=0.30, peak=7.0),
    "Burglary": _Story(0.060 * _CRIMES_PER_YEAR, trend=0.92, amplitude=0.18, peak=12.5),
    "Criminal damage and arson": _Story(0.090 * _CRIMES_PER_YEAR, trend=0.97, amplitude=0.07),
    "Drugs": _Story(0.030 * _CRIMES_PER_YEAR, trend=1.03, amplitude=0.04),
    "Other crime": _Story(0.030 * _CRIMES_PER_YEAR, trend=1.01),
    "Other theft": _Story(0.080 * _CRIMES_PER_YEAR, trend=0.99, amplitude=0.05),
    "Possession of weapons": _Story(0.012 * _CRIMES_PER_YEAR, trend=1.03),
    "Public order": _Story(0.100 * _CRIMES_PER_YEAR, trend=0.98, amplitude=0.15, peak=7.0),
    "Robbery": _Story(0.013 * _CRIMES_PER_YEAR, trend=1.0),
    "Shoplifting": _Story(0.090 * _CRIMES_PER_YEAR, trend=1.12, amplitude=0.05, peak=12.0),
    "Theft from the person": _Story(
        0.015 * _CRIMES_PER_YEAR, trend=1.04, amplitude=0.10, peak=12.0
    ),
    "Vehicle crime": _Story(0.070 * _CRIMES_PER_YEAR, trend=1.0, amplitude=0.03, peak=12.0),
    "Violence and sexual offences": _Story(
        0.370 * _CRIMES_PER_YEAR, trend=1.02, amplitude=0.12, peak=7.0
    ),
}

#: ASB spike in summer 2025 (multiplier on the expected monthly count).
_ASB_SPIKE: dict[str, float] = {"2025-05": 1.25, "2025-06": 1.6, "2025-07": 1.85, "2025-08": 1.6}

#: Share of rows with no location, and share falling in a neighbour's border LSOA.
_NO_LOCATION_SHARE = 0.003
_BORDER_SHARE = 0.005

#: Seeds of the independent random streams (one per component, so one change does not shift all).
#: The base seed was picked among the first few hundred candidates so that Poisson noise does not
#: blur the stories: robbery and vehicle crime stay flat, shoplifting rises and burglary falls in
#: every financial year, and ASB falls until its summer-2025 spike.
_SEED = 20_260_375
_STREAM_GEOGRAPHY = 1
_STREAM_POLICE_UK = 2
_STREAM_NEIGHBOURS = 3
_STREAM_FLAGS = 4

_ID_SALT = "wessmoor-synthetic-demo"

# --------------------------------------------------------------------------------------------
# Months
# --------------------------------------------------------------------------------------------


def _months(first: str = FIRST_MONTH, last: str = LAST_MONTH) -> list[str]:
    """Return the months ``first`` .. ``last`` inclusive as ``YYYY-MM`` strings.

    Parameters
    ----------
    first, last : str
        Inclusive bounds, ``YYYY-MM``.

    Returns
    -------
    list of str
        The months in order.
    """
    y, m = (int(p) for p in first.split("-"))
    y_end, m_end = (int(p) for p in last.split("-"))
    out: list[str] = []
    while (y, m) <= (y_end, m_end):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _population(area: str, year: int) -> int:
    """Return the synthetic mid-year population of ``area`` in ``year``.

    Parameters
    ----------
    area : str
        One of :data:`DEMO_AREAS`.
    year : int
        Calendar year; years after the last estimate use the last estimate.

    Returns
    -------
    int
        Population, rounded to the nearest integer.
    """
    year = min(max(year, POPULATION_YEARS[0]), POPULATION_YEARS[-1])
    growth = (1.0 + _POPULATION_GROWTH[area]) ** (year - POPULATION_YEARS[0])
    return int(round(_POPULATION_2021[area] * growth))


def _expected_monthly(
    story: _Story, month: str, index: int, n_months: int, trend: float | None = None
) -> float:
    """Return the expected count of one category in one month.

    Parameters
    ----------
    story : _Story
        Volume, trend and seasonality of the category.
    month : str
        ``YYYY-MM``.
    index : int
        Position of ``month`` in the period (0 for the first month).
    n_months : int
        Number of months in the period (the trend is centred on its middle).
    trend : float, optional
        Overrides ``story.trend``.

    Returns
    -------
    float
        Expected count (before the Poisson draw).
    """
    year, mon = (int(p) for p in month.split("-"))
    t_years = (index - (n_months - 1) / 2.0) / 12.0
    trend_factor = (story.trend if trend is None else trend) ** t_years
    season = 1.0 + story.amplitude * math.cos(2.0 * math.pi * (mon - story.peak) / 12.0)
    days = calendar.monthrange(year, mon)[1] / (365.25 / 12.0)
    return story.annual / 12.0 * trend_factor * season * days


# --------------------------------------------------------------------------------------------
# Geography: LSOAs, streets and snap points
# --------------------------------------------------------------------------------------------

_STREET_STEMS: tuple[str, ...] = (
    "Alder",
    "Badger",
    "Beacon",
    "Bramble",
    "Chapel",
    "Clover",
    "Cobble",
    "Copper",
    "Dove",
    "Elm",
    "Ember",
    "Fern",
    "Flint",
    "Foxglove",
    "Garnet",
    "Gorse",
    "Harbour",
    "Hawthorn",
    "Heron",
    "Holly",
    "Ivy",
    "Jasper",
    "Juniper",
    "Kestrel",
    "Kingfisher",
    "Lantern",
    "Larch",
    "Linnet",
    "Maple",
    "Marlin",
    "Meadow",
    "Mill",
    "Nettle",
    "Nightjar",
    "Orchard",
    "Osprey",
    "Otter",
    "Pebble",
    "Poplar",
    "Quarry",
    "Quince",
    "Reed",
    "Rowan",
    "Saffron",
    "Sandpiper",
    "Sorrel",
    "Tansy",
    "Teasel",
    "Thistle",
    "Umber",
    "Vetch",
    "Wagtail",
    "Willow",
    "Wren",
    "Yarrow",
    "Yew",
    "Bellflower",
    "Corncrake",
    "Drover",
    "Furze",
    "Goldcrest",
    "Hazel",
    "Kiln",
    "Lapwing",
    "Mistle",
    "Oriel",
    "Plover",
    "Ropewalk",
    "Skylark",
    "Tanner",
)
_STREET_SUFFIXES: tuple[str, ...] = (
    "Road",
    "Street",
    "Lane",
    "Close",
    "Avenue",
    "Way",
    "Drive",
    "Crescent",
    "Gardens",
    "Place",
    "Court",
    "Terrace",
    "Grove",
    "Rise",
    "Walk",
    "Mews",
)

#: police.uk's generic place names, with the kind that drives which crimes happen there.
_CENTRE_PLACES: tuple[tuple[str, str], ...] = (
    ("Shopping Area", "retail"),
    ("Supermarket", "retail"),
    ("High Street", "retail"),
    ("Nightclub", "night"),
    ("Parking Area", "parking"),
    ("Bus/Coach Station", "public"),
)
_SCATTERED_PLACES: tuple[tuple[str, str], ...] = (
    ("Supermarket", "retail"),
    ("Parking Area", "parking"),
    ("Petrol Station", "retail"),
    ("Park/Open Space", "open"),
    ("Sports/Recreation Area", "open"),
    ("Hospital", "public"),
    ("Police Station", "public"),
    ("Further/Higher Educational Building", "public"),
)

#: How strongly each category is drawn to each kind of place (missing means 1).
_AFFINITY: dict[str, dict[str, float]] = {
    ASB: {"open": 3.0, "retail": 2.0, "night": 2.0, "parking": 2.0},
    "Bicycle theft": {"retail": 2.0, "public": 3.0, "parking": 2.0, "open": 1.5},
    "Burglary": {"retail": 0.3, "night": 0.2, "parking": 0.1, "open": 0.2, "public": 0.3},
    "Criminal damage and arson": {"parking": 2.0, "open": 2.0},
    "Drugs": {"night": 3.0, "open": 2.0, "public": 2.0},
    "Other theft": {"retail": 2.5, "night": 2.0, "public": 2.0, "parking": 1.5},
    "Possession of weapons": {"night": 3.0, "public": 2.0},
    "Public order": {"night": 6.0, "retail": 3.0, "public": 3.0},
    "Robbery": {"retail": 2.0, "night": 2.0, "open": 2.0},
    "Shoplifting": {"retail": 40.0, "street": 0.3, "night": 0.2, "open": 0.1, "public": 0.3},
    "Theft from the person": {"retail": 6.0, "night": 6.0, "public": 3.0},
    "Vehicle crime": {"parking": 8.0, "retail": 1.5, "night": 0.3},
    "Violence and sexual offences": {"night": 6.0, "retail": 2.0, "public": 3.0},
}


@dataclass(frozen=True)
class _Location:
    """One police.uk 'On or near' location with its snap points.

    Attributes
    ----------
    lsoa_code, lsoa_name : str
        The LSOA the location lies in.
    name : str
        Street or generic place name (without "On or near").
    kind : str
        ``street``, ``retail``, ``night``, ``parking``, ``open`` or ``public``.
    weight : float
        Base weight of the location (LSOA weight times location share).
    points : tuple of (str, str)
        Snap points as formatted (longitude, latitude) strings with six decimals.
    """

    lsoa_code: str
    lsoa_name: str
    name: str
    kind: str
    weight: float
    points: tuple[tuple[str, str], ...]


def _lsoa_names(area: str, count: int, rng: np.random.Generator, start: int = 1) -> list[str]:
    """Return ``count`` police.uk-style LSOA names ``"<area> 001A"`` grouped by MSOA number.

    Parameters
    ----------
    area : str
        Area name.
    count : int
        Number of LSOA names wanted.
    rng : numpy.random.Generator
        Source of the number of LSOAs per MSOA (4 or 5, sometimes 6).
    start : int
        First MSOA number.

    Returns
    -------
    list of str
        Names in MSOA then letter order.
    """
    names: list[str] = []
    msoa = start
    while len(names) < count:
        per = int(rng.choice([4, 5, 5, 6]))
        for k in range(min(per, count - len(names))):
            names.append(f"{area} {msoa:03d}{chr(ord('A') + k)}")
        msoa += 1
    return names


def _street_names(rng: np.random.Generator) -> list[str]:
    """Return every stem-suffix street name in a seeded random order.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the shuffle.

    Returns
    -------
    list of str
        Unique invented street names.
    """
    names = [f"{s} {x}" for s in _STREET_STEMS for x in _STREET_SUFFIXES]
    order = rng.permutation(len(names))
    return [names[i] for i in order]


def _point(rng: np.random.Generator, box: tuple[float, float, float, float]) -> tuple[str, str]:
    """Draw one snap point inside ``box`` = (lon_min, lon_max, lat_min, lat_max), formatted."""
    lon = rng.uniform(box[0], box[1])
    lat = rng.uniform(box[2], box[3])
    return f"{lon:.6f}", f"{lat:.6f}"


def _build_geography(
    rng: np.random.Generator,
) -> tuple[list[_Location], list[list[_Location]]]:
    """Build the demo CSP's locations and the border neighbours' locations.

    Parameters
    ----------
    rng : numpy.random.Generator
        The geography stream.

    Returns
    -------
    demo_locations : list of _Location
        Every location of the demo CSP's 60 LSOAs.
    border_locations : list of list of _Location
        For each of the two border neighbours, the locations of its three border LSOAs.
    """
    streets = iter(_street_names(rng))

    # 60 demo LSOAs on a 10 x 6 grid over lon -2.9..-2.6, lat 50.6..50.8.
    n_cols, n_rows = 10, 6
    lon0, lon1, lat0, lat1 = -2.9, -2.6, 50.6, 50.8
    d_lon, d_lat = (lon1 - lon0) / n_cols, (lat1 - lat0) / n_rows
    names = _lsoa_names(DEMO_AREA, n_cols * n_rows, rng)
    cells = [(c, r) for r in range(n_rows) for c in range(n_cols)]
    cell_order = rng.permutation(len(cells))
    centre_cells = {(4, 2), (5, 3)}  # the town centre: two adjoining cells in the middle
    # Give the town-centre cells to two LSOAs of the same MSOA, as a real town centre would be.
    centre_names = {f"{DEMO_AREA} 003A", f"{DEMO_AREA} 003B"}
    free_cells = [cells[i] for i in cell_order if cells[i] not in centre_cells]
    centre_iter = iter(sorted(centre_cells))
    lsoa_weights = rng.lognormal(0.0, 0.45, size=len(names))

    locations: list[_Location] = []
    for i, lsoa in enumerate(names):
        code = f"X01{i + 1:06d}"
        is_centre = lsoa in centre_names
        col, row = next(centre_iter) if is_centre else free_cells.pop()
        box = (
            lon0 + col * d_lon + 0.1 * d_lon,
            lon0 + (col + 0.9) * d_lon,
            lat0 + row * d_lat + 0.1 * d_lat,
            lat0 + (row + 0.9) * d_lat,
        )
        weight = float(lsoa_weights[i]) * (3.0 if is_centre else 1.0)
        places: list[tuple[str, str]] = []
        n_streets = int(rng.integers(3, 7))
        places += [(next(streets), "street") for _ in range(n_streets)]
        if is_centre:
            places += list(_CENTRE_PLACES)
        elif rng.random() < 0.35:
            places.append(_SCATTERED_PLACES[int(rng.integers(len(_SCATTERED_PLACES)))])
        shares = rng.lognormal(0.0, 0.6, size=len(places))
        shares = shares / shares.sum()
        for (place, kind), share in zip(places, shares, strict=True):
            n_points = int(rng.integers(1, 5))
            points = tuple(_point(rng, box) for _ in range(n_points))
            locations.append(_Location(code, lsoa, place, kind, weight * float(share), points))

    border: list[list[_Location]] = []
    next_code = len(names) + 1
    boxes = {  # just west and just east of the demo CSP
        _BORDER_NEIGHBOURS[0]: (-2.96, -2.9, 50.62, 50.78),
        _BORDER_NEIGHBOURS[1]: (-2.6, -2.54, 50.62, 50.78),
    }
    for neighbour in _BORDER_NEIGHBOURS:
        msoa = int(rng.integers(8, 20))
        letters = rng.choice(list("ABCDE"), size=3, replace=False)
        area_locations: list[_Location] = []
        for letter in sorted(str(x) for x in letters):
            lsoa = f"{neighbour} {msoa:03d}{letter}"
            code = f"X01{next_code:06d}"
            next_code += 1
            for _ in range(2):
                points = tuple(
                    _point(rng, boxes[neighbour]) for _ in range(int(rng.integers(1, 3)))
                )
                area_locations.append(_Location(code, lsoa, next(streets), "street", 1.0, points))
        border.append(area_locations)
    return locations, border


def _boundaries_geojson(locations: list[_Location]) -> bytes:
    """The demo CSP's LSOA boundaries as GeoJSON (WGS 84): each LSOA's whole grid cell.

    The cell of an LSOA is found from its snap points (drawn inside the cell), so the
    geography's random stream is not touched. Fictional shapes for fictional LSOAs.
    """
    n_cols, n_rows = 10, 6
    lon0, lon1, lat0, lat1 = -2.9, -2.6, 50.6, 50.8
    d_lon, d_lat = (lon1 - lon0) / n_cols, (lat1 - lat0) / n_rows
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for loc in locations:
        lon, lat = (float(v) for v in loc.points[0])
        cells[(loc.lsoa_code, loc.lsoa_name)] = (
            int((lon - lon0) // d_lon),
            int((lat - lat0) // d_lat),
        )
    features = []
    for (code, name), (col, row) in sorted(cells.items()):
        x0, x1 = round(lon0 + col * d_lon, 6), round(lon0 + (col + 1) * d_lon, 6)
        y0, y1 = round(lat0 + row * d_lat, 6), round(lat0 + (row + 1) * d_lat, 6)
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        features.append(
            {
                "type": "Feature",
                "properties": {"LSOA21CD": code, "LSOA21NM": name, "note": "Synthetic"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    collection = {"type": "FeatureCollection", "name": "Synthetic demo LSOA boundaries"}
    collection["features"] = features
    return (json.dumps(collection, indent=1) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------

_UNDER_INVESTIGATION = "Under investigation"
_AWAITING_COURT = "Awaiting court outcome"

_BASE_OUTCOMES: dict[str, float] = {
    "Investigation complete; no suspect identified": 0.38,
    "Unable to prosecute suspect": 0.33,
    "Court result unavailable": 0.04,
    "Local resolution": 0.04,
    "Action to be taken by another organisation": 0.03,
    "Status update unavailable": 0.02,
    "Offender given a caution": 0.015,
    "Offender sent to prison": 0.015,
    "Offender given community sentence": 0.012,
    "Formal action is not in the public interest": 0.010,
    "Offender fined": 0.008,
    "Further investigation is not in the public interest": 0.008,
    "Offender given suspended prison sentence": 0.005,
    "Offender given conditional discharge": 0.005,
    "Defendant found not guilty": 0.004,
    "Court case unable to proceed": 0.003,
    "Offender given a drugs possession warning": 0.0,
    "Offender given penalty notice": 0.002,
    _AWAITING_COURT: 0.012,
    _UNDER_INVESTIGATION: 0.02,
}

#: Multipliers on the base outcome weights for particular categories.
_OUTCOME_ADJUST: dict[str, dict[str, float]] = {
    "Drugs": {
        "Investigation complete; no suspect identified": 0.1,
        "Unable to prosecute suspect": 0.4,
        "Offender given a drugs possession warning": 1.0,  # added below as an absolute weight
        "Local resolution": 4.0,
        "Offender given penalty notice": 20.0,
        "Court result unavailable": 3.0,
        "Offender given a caution": 4.0,
    },
    "Possession of weapons": {
        "Investigation complete; no suspect identified": 0.2,
        "Court result unavailable": 4.0,
        "Offender sent to prison": 4.0,
        "Offender given community sentence": 3.0,
        "Offender given suspended prison sentence": 4.0,
        _AWAITING_COURT: 3.0,
    },
    "Shoplifting": {
        "Court result unavailable": 2.5,
        "Offender fined": 4.0,
        "Offender given conditional discharge": 3.0,
        "Local resolution": 1.5,
    },
    "Violence and sexual offences": {
        "Investigation complete; no suspect identified": 0.3,
        "Unable to prosecute suspect": 1.7,
    },
    "Public order": {"Unable to prosecute suspect": 1.4, "Local resolution": 1.5},
    "Burglary": {"Investigation complete; no suspect identified": 1.8},
    "Vehicle crime": {"Investigation complete; no suspect identified": 2.2},
    "Bicycle theft": {"Investigation complete; no suspect identified": 2.4},
    "Other theft": {"Investigation complete; no suspect identified": 1.8},
    "Theft from the person": {"Investigation complete; no suspect identified": 2.2},
    "Criminal damage and arson": {"Investigation complete; no suspect identified": 1.5},
}

_OUTCOME_NAMES: tuple[str, ...] = tuple(_BASE_OUTCOMES)


def _outcome_probabilities(category: str, months_before_end: int) -> np.ndarray:
    """Return outcome probabilities (in :data:`_OUTCOME_NAMES` order) for a crime.

    Recent crimes are more often still under investigation or awaiting court, as in police.uk
    files, where outcomes are updated for months after the offence.

    Parameters
    ----------
    category : str
        A crime category (not ASB).
    months_before_end : int
        Months between the crime's month and :data:`LAST_MONTH` (0 for the last month).

    Returns
    -------
    numpy.ndarray
        Probabilities summing to 1.
    """
    weights = dict(_BASE_OUTCOMES)
    for name, factor in _OUTCOME_ADJUST.get(category, {}).items():
        weights[name] *= factor
    if category == "Drugs":
        weights["Offender given a drugs possession warning"] = 0.18
    if months_before_end < 3:
        weights[_UNDER_INVESTIGATION] += 0.45
        weights[_AWAITING_COURT] += 0.05
    elif months_before_end < 6:
        weights[_UNDER_INVESTIGATION] += 0.18
        weights[_AWAITING_COURT] += 0.03
    elif months_before_end < 12:
        weights[_UNDER_INVESTIGATION] += 0.04
        weights[_AWAITING_COURT] += 0.01
    p = np.array([weights[name] for name in _OUTCOME_NAMES], dtype=float)
    return p / p.sum()


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _crime_id(month: str, index: int) -> str:
    """Return a deterministic 64-hex-character police.uk-style crime ID."""
    return hashlib.sha256(f"{_ID_SALT}|{month}|{index}".encode()).hexdigest()


def _write_csv(path: Path, header: Sequence[str], rows: list[Sequence[str]]) -> Path:
    """Write ``rows`` under ``header`` as UTF-8 CSV (no BOM, ``\\n`` line endings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _police_uk_rows(
    rng: np.random.Generator,
    locations: list[_Location],
    border: list[list[_Location]],
) -> dict[str, list[list[str]]]:
    """Draw the demo CSP's street-level rows, month by month.

    Parameters
    ----------
    rng : numpy.random.Generator
        The police.uk stream.
    locations : list of _Location
        The demo CSP's locations.
    border : list of list of _Location
        The border neighbours' locations.

    Returns
    -------
    dict
        Month to its sorted rows (each a list of the 12 police.uk fields).
    """
    months = _months()
    n_months = len(months)
    base = np.array([loc.weight for loc in locations], dtype=float)
    kinds = [loc.kind for loc in locations]
    location_p: dict[str, np.ndarray] = {}
    for category in CATEGORIES:
        affinity = _AFFINITY.get(category, {})
        w = base * np.array([affinity.get(k, 1.0) for k in kinds], dtype=float)
        location_p[category] = w / w.sum()
    border_flat = [loc for area in border for loc in area]

    population_mid = _population(DEMO_AREA, 2024)
    out: dict[str, list[list[str]]] = {}
    for m_index, month in enumerate(months):
        year = int(month[:4])
        pop_factor = _population(DEMO_AREA, year) / population_mid
        rows: list[tuple[tuple[bool, str, str, int], list[str]]] = []
        row_index = 0
        for category in CATEGORIES:
            story = _STORIES[category]
            expected = _expected_monthly(story, month, m_index, n_months) * pop_factor
            if category == ASB:
                expected *= _ASB_SPIKE.get(month, 1.0)
            n = int(rng.poisson(expected))
            if n == 0:
                continue
            loc_idx = rng.choice(len(locations), size=n, p=location_p[category])
            point_draw = rng.random(n)
            mess = rng.random(n)
            border_idx = rng.integers(len(border_flat), size=n)
            if category == ASB:
                outcomes = [""] * n
            else:
                p = _outcome_probabilities(category, n_months - 1 - m_index)
                outcomes = [_OUTCOME_NAMES[i] for i in rng.choice(len(p), size=n, p=p)]
            for k in range(n):
                if mess[k] < _NO_LOCATION_SHARE:
                    lon = lat = code = lsoa = ""
                    location = "No Location"
                else:
                    loc = (
                        border_flat[int(border_idx[k])]
                        if mess[k] < _NO_LOCATION_SHARE + _BORDER_SHARE
                        else locations[int(loc_idx[k])]
                    )
                    lon, lat = loc.points[int(point_draw[k] * len(loc.points))]
                    code, lsoa = loc.lsoa_code, loc.lsoa_name
                    location = f"On or near {loc.name}"
                crime_id = "" if category == ASB else _crime_id(month, row_index)
                row = [
                    crime_id,
                    month,
                    DEMO_FORCE,
                    DEMO_FORCE,
                    lon,
                    lat,
                    location,
                    code,
                    lsoa,
                    category,
                    outcomes[k],
                    SYNTHETIC_NOTE,
                ]
                rows.append(((lsoa == "", lsoa, category, row_index), row))
                row_index += 1
        rows.sort(key=lambda item: item[0])
        out[month] = [row for _, row in rows]
    return out


def _neighbour_rows(rng: np.random.Generator) -> list[list[str]]:
    """Draw the 13 neighbours' monthly counts by category.

    Each neighbour has its own overall level, its own level per category and its own mild trend
    per category around a muted version of the demo CSP's trends, so a district table ranked by
    percentage change has spread. No neighbour has the demo CSP's summer-2025 ASB spike.

    Parameters
    ----------
    rng : numpy.random.Generator
        The neighbours stream.

    Returns
    -------
    list of list of str
        Rows ``area, force, period, category, count, note`` sorted by area, period, category.
    """
    months = _months()
    n_months = len(months)
    demo_mid = _population(DEMO_AREA, 2024)
    rows: list[list[str]] = []
    for area in NEIGHBOURS:
        level = _NEIGHBOUR_LEVEL[area]
        cat_level = rng.lognormal(0.0, 0.15, size=len(CATEGORIES))
        area_trend = float(rng.normal(0.0, 0.03))
        cat_trend = np.exp(area_trend + rng.normal(0.0, 0.045, size=len(CATEGORIES)))
        for m_index, month in enumerate(months):
            pop_factor = _population(area, int(month[:4])) / demo_mid
            for c, category in enumerate(CATEGORIES):
                story = _STORIES[category]
                trend = story.trend**0.6 * float(cat_trend[c])
                expected = (
                    _expected_monthly(story, month, m_index, n_months, trend=trend)
                    * pop_factor
                    * level
                    * float(cat_level[c])
                )
                count = int(rng.poisson(expected))
                rows.append([area, DEMO_FORCE, month, category, str(count), SYNTHETIC_NOTE])
    rows.sort(key=lambda r: (r[0], r[2], r[3]))
    return rows


def _population_rows() -> list[list[str]]:
    """Return the population table rows sorted by area then year."""
    return [
        [area, str(year), str(_population(area, year)), POPULATION_SOURCE]
        for area in DEMO_AREAS
        for year in POPULATION_YEARS
    ]


def _readme_text() -> str:
    """Return the demo folder's README (states plainly that everything is synthetic)."""
    neighbours = ", ".join(NEIGHBOURS)
    return f"""# Demo data: SYNTHETIC, fictional places and people

Every file in this folder is **synthetic**. The police force ("{DEMO_FORCE}"), the 14
Community Safety Partnership areas, the LSOAs, the streets, the coordinates, the crime IDs,
the counts and the populations are all invented. None of it describes a real place, a real
person or a real incident. Do not quote any of it as fact.

The folder is made by

    python -m tools.demo [OUT_DIR]

which is deterministic (fixed random seeds): running it again gives byte-identical files.
The tests check that the committed copy equals a fresh generation.

## The fictional world

- Force: {DEMO_FORCE} (file name slug `{DEMO_FORCE_SLUG}`).
- Demo partnership: **{DEMO_AREA}** (population about 95,000; about 60 LSOAs named
  `{DEMO_AREA} 001A` and so on, with fake LSOA codes `X01000001` ... whose `X` prefix can never
  collide with a real ONS code).
- 13 neighbours: {neighbours}.
- Months {FIRST_MONTH} to {LAST_MONTH}: four complete financial years, 2022/23 to 2025/26.

## Files

- `police_uk/<YYYY-MM>/<YYYY-MM>-{DEMO_FORCE_SLUG}-street.csv` (48 files): data.police.uk
  street-level layout (`Crime ID, Month, Reported by, Falls within, Longitude, Latitude,
  Location, LSOA code, LSOA name, Crime type, Last outcome category, Context`), one row per
  crime or anti-social behaviour incident in {DEMO_AREA}. The 14 police.uk categories; ASB rows
  have no Crime ID and no outcome, as on police.uk. `Context` says `{SYNTHETIC_NOTE}` on every
  row. Realistic mess is included on purpose: about 0.3% of rows are `No Location` rows (no
  coordinates, no LSOA) and about 0.5% fall in border LSOAs of {_BORDER_NEIGHBOURS[0]} and
  {_BORDER_NEIGHBOURS[1]}, so a reader must select the CSP by LSOA name.
- `neighbours_monthly_counts.csv`: tidy counts (`area, force, period, category, count, note`)
  for the 13 neighbours (not {DEMO_AREA}) by month and category, for comparisons with similar
  areas.
- `boundaries/demo_lsoa_boundaries.geojson`: fictional LSOA boundaries of {DEMO_AREA} (each
  LSOA's grid cell, WGS 84, `LSOA21CD, LSOA21NM`), so the demo report has maps.
- `population.csv`: mid-year population estimates 2021 to 2025 for all 14 areas
  (`area, year, population, source`).
- `survey.csv`: {DEMO_AREA}'s resident survey, 2024 and 2025 (`concern, respondents, count,
  period, note`): the share of residents naming each concern.
- `plan.csv`: last year's partnership plan (`priority, activity, outcome, timescale, status,
  note`), statuses as RAG or percent complete.
- `risk_scores.csv`: hand-entered vulnerability and partnership-capacity scores for the risk
  matrix (`category, factor, score, note`).
- `partner_data.csv`: synthetic partner counts for {DEMO_AREA} (`area, period, measure, count,
  source, partner, unit, note`): deliberate fires by month, British Transport Police crimes by
  quarter, first-time entrants to the youth justice system, violence-related hospital
  admissions and proven re-offences by financial year. Fictional partners, fictional counts.
- `flags.csv`: tidy counts (`area, force, period, category, count, note`) of crimes in
  {DEMO_AREA} flagged `Domestic abuse flagged` and `Hate crime flagged`, by month (about 16% and
  1.5% of each month's synthetic crimes); `categories.csv` declares both of kind `flag`: they
  overlap the crime categories and are never added into All crime.

## Built-in stories (what an analyst should find in {DEMO_AREA})

- About 80 crimes per 1,000 residents a year (roughly 7,500 crimes) plus about 2,800 ASB
  incidents a year; violence and sexual offences is the largest category (about 37%).
- Seasonality: violence, ASB, public order and bicycle theft peak in summer; burglary peaks in
  winter.
- Shoplifting rises steadily, about +12% a year: a clear, statistically significant increase.
- Burglary falls, about -8% a year.
- Robbery is small (around 100 a year) and noisy; its year-on-year change is not significant.
- ASB falls year on year, then spikes in summer 2025 (May to August).
- Vehicle crime is flat.
- Hot spots: two town-centre LSOAs (shopping area, supermarket, nightclub, bus station) hold
  many times the average LSOA's shoplifting, violence, public order and theft from the person.
- Recent months have more `Under investigation` outcomes, as real police.uk files do.
- Partner data: deliberate fires rise clearly in 2025/26; first-time entrants to the youth
  justice system fall every year from 2021/22.
"""


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate_demo(out_dir: str | Path) -> list[Path]:
    """Write the synthetic demo data set into out_dir (created if needed) and return the written paths, sorted.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Destination folder. Existing files of the same names are overwritten; other files are
        left alone.

    Returns
    -------
    list of pathlib.Path
        Every file written, sorted.

    Notes
    -----
    The output is byte-for-byte deterministic. Each component (geography, street-level rows,
    neighbour counts) draws from its own ``numpy.random.default_rng`` stream with a fixed seed.
    """  # noqa: E501
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    locations, border = _build_geography(np.random.default_rng([_SEED, _STREAM_GEOGRAPHY]))
    monthly = _police_uk_rows(np.random.default_rng([_SEED, _STREAM_POLICE_UK]), locations, border)
    for month, rows in monthly.items():
        path = out / "police_uk" / month / f"{month}-{DEMO_FORCE_SLUG}-street.csv"
        written.append(_write_csv(path, POLICE_UK_HEADER, rows))

    neighbour_rows = _neighbour_rows(np.random.default_rng([_SEED, _STREAM_NEIGHBOURS]))
    written.append(
        _write_csv(out / "neighbours_monthly_counts.csv", NEIGHBOURS_HEADER, neighbour_rows)
    )
    written.append(_write_csv(out / "population.csv", POPULATION_HEADER, _population_rows()))
    # Domestic abuse and hate crime flags (a tidy file) and the categories.csv declaring them.
    written += write_demo_flags(
        out,
        monthly,
        DEMO_AREA,
        DEMO_FORCE,
        SYNTHETIC_NOTE,
        np.random.default_rng([_SEED, _STREAM_FLAGS]),
    )
    # The demo partnership's resident survey, last year's plan and hand-entered risk scores.
    written += write_demo_priorities(out)
    # Synthetic partner counts (fire, youth justice, probation, health, transport police).
    written.append(write_demo_partners(out))

    # Fictional LSOA boundaries, so the demo report has maps.
    shapes = out / "boundaries" / "demo_lsoa_boundaries.geojson"
    shapes.parent.mkdir(parents=True, exist_ok=True)
    shapes.write_bytes(_boundaries_geojson(locations))
    written.append(shapes)

    readme = out / "README.md"
    readme.write_bytes(_readme_text().encode("utf-8"))
    written.append(readme)
    return sorted(written)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m tools.demo [OUT_DIR]``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status (0).
    """
    parser = argparse.ArgumentParser(
        prog="python -m tools.demo",
        description="Write the synthetic demo data set (fictional places and incidents).",
    )
    parser.add_argument(
        "out_dir", nargs="?", default=None, help="destination folder (default: data/demo)"
    )
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir) if args.out_dir else demo_dir()
    paths = generate_demo(out_dir)
    print(f"Wrote {len(paths)} synthetic demo files to {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
