"""Generate a synthetic, police.uk-shaped national year of street-level crime for benchmarks.

The output has the layout of a data.police.uk custom download::

    OUT/2024-04/2024-04-avon-and-somerset-street.csv
    OUT/2024-04/2024-04-bedfordshire-street.csv
    ...

with the twelve police.uk columns (``Crime ID, Month, Reported by, Falls within, Longitude,
Latitude, Location, LSOA code, LSOA name, Crime type, Last outcome category, Context``), LF line
endings, quotes only where a value needs them (``"Bournemouth, Christchurch and Poole 001A"``),
a blank Crime ID and outcome for anti-social behaviour, 64-hex Crime IDs for crimes, about 1.5%
of rows with no location (``,,No Location,,``, written at the end of each file as police.uk does)
and a few cross-border rows whose LSOA lies in another force's local authority.

The 43 territorial forces of England and Wales and their local authorities (2023 boundaries)
are public facts; everything else (row counts, LSOAs, coordinates, streets, outcomes, crime
IDs) is random. The files are for benchmarks only and must never be committed or mistaken for
real data. Essex Police, Hampshire Constabulary and Lancashire Constabulary have 14 partnership
areas each, the size of the batch benchmark.

Examples
--------
``python benchmarks/generate_national.py --out /tmp/national`` writes 6,000,000 rows (about
1.3 GB) for April 2024 to March 2025. ``--forces "Essex Police" --months 2022-04..2025-03``
writes three years of one force.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: (force as in "Falls within", file slug, approximate population in millions, its local
#: authorities). Public facts; populations only weight the synthetic row counts.
FORCES: list[tuple[str, str, float, list[str]]] = [
    (
        "Avon and Somerset Constabulary",
        "avon-and-somerset",
        1.75,
        [
            "Bath and North East Somerset",
            "Bristol",
            "North Somerset",
            "Somerset",
            "South Gloucestershire",
        ],
    ),
    ("Bedfordshire Police", "bedfordshire", 0.70, ["Bedford", "Central Bedfordshire", "Luton"]),
    (
        "Cambridgeshire Constabulary",
        "cambridgeshire",
        0.90,
        [
            "Cambridge",
            "East Cambridgeshire",
            "Fenland",
            "Huntingdonshire",
            "Peterborough",
            "South Cambridgeshire",
        ],
    ),
    (
        "Cheshire Constabulary",
        "cheshire",
        1.10,
        ["Cheshire East", "Cheshire West and Chester", "Halton", "Warrington"],
    ),
    ("City of London Police", "city-of-london", 0.10, ["City of London"]),
    (
        "Cleveland Police",
        "cleveland",
        0.57,
        ["Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees"],
    ),
    ("Cumbria Constabulary", "cumbria", 0.50, ["Cumberland", "Westmorland and Furness"]),
    (
        "Derbyshire Constabulary",
        "derbyshire",
        1.05,
        [
            "Amber Valley",
            "Bolsover",
            "Chesterfield",
            "Derby",
            "Derbyshire Dales",
            "Erewash",
            "High Peak",
            "North East Derbyshire",
            "South Derbyshire",
        ],
    ),
    (
        "Devon & Cornwall Police",
        "devon-and-cornwall",
        1.80,
        [
            "Cornwall",
            "East Devon",
            "Exeter",
            "Isles of Scilly",
            "Mid Devon",
            "North Devon",
            "Plymouth",
            "South Hams",
            "Teignbridge",
            "Torbay",
            "Torridge",
            "West Devon",
        ],
    ),
    ("Dorset Police", "dorset", 0.78, ["Bournemouth, Christchurch and Poole", "Dorset"]),
    ("Durham Constabulary", "durham", 0.65, ["County Durham", "Darlington"]),
    (
        "Dyfed-Powys Police",
        "dyfed-powys",
        0.52,
        ["Carmarthenshire", "Ceredigion", "Pembrokeshire", "Powys"],
    ),
    (
        "Essex Police",
        "essex",
        1.85,
        [
            "Basildon",
            "Braintree",
            "Brentwood",
            "Castle Point",
            "Chelmsford",
            "Colchester",
            "Epping Forest",
            "Harlow",
            "Maldon",
            "Rochford",
            "Southend-on-Sea",
            "Tendring",
            "Thurrock",
            "Uttlesford",
        ],
    ),
    (
        "Gloucestershire Constabulary",
        "gloucestershire",
        0.65,
        ["Cheltenham", "Cotswold", "Forest of Dean", "Gloucester", "Stroud", "Tewkesbury"],
    ),
    (
        "Greater Manchester Police",
        "greater-manchester",
        2.87,
        [
            "Bolton",
            "Bury",
            "Manchester",
            "Oldham",
            "Rochdale",
            "Salford",
            "Stockport",
            "Tameside",
            "Trafford",
            "Wigan",
        ],
    ),
    (
        "Gwent Police",
        "gwent",
        0.60,
        ["Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"],
    ),
    (
        "Hampshire Constabulary",
        "hampshire",
        2.00,
        [
            "Basingstoke and Deane",
            "East Hampshire",
            "Eastleigh",
            "Fareham",
            "Gosport",
            "Hart",
            "Havant",
            "Isle of Wight",
            "New Forest",
            "Portsmouth",
            "Rushmoor",
            "Southampton",
            "Test Valley",
            "Winchester",
        ],
    ),
    (
        "Hertfordshire Constabulary",
        "hertfordshire",
        1.20,
        [
            "Broxbourne",
            "Dacorum",
            "East Hertfordshire",
            "Hertsmere",
            "North Hertfordshire",
            "St Albans",
            "Stevenage",
            "Three Rivers",
            "Watford",
            "Welwyn Hatfield",
        ],
    ),
    (
        "Humberside Police",
        "humberside",
        0.94,
        [
            "East Riding of Yorkshire",
            "Kingston upon Hull",
            "North East Lincolnshire",
            "North Lincolnshire",
        ],
    ),
    (
        "Kent Police",
        "kent",
        1.90,
        [
            "Ashford",
            "Canterbury",
            "Dartford",
            "Dover",
            "Folkestone and Hythe",
            "Gravesham",
            "Maidstone",
            "Medway",
            "Sevenoaks",
            "Swale",
            "Thanet",
            "Tonbridge and Malling",
            "Tunbridge Wells",
        ],
    ),
    (
        "Lancashire Constabulary",
        "lancashire",
        1.50,
        [
            "Blackburn with Darwen",
            "Blackpool",
            "Burnley",
            "Chorley",
            "Fylde",
            "Hyndburn",
            "Lancaster",
            "Pendle",
            "Preston",
            "Ribble Valley",
            "Rossendale",
            "South Ribble",
            "West Lancashire",
            "Wyre",
        ],
    ),
    (
        "Leicestershire Police",
        "leicestershire",
        1.10,
        [
            "Blaby",
            "Charnwood",
            "Harborough",
            "Hinckley and Bosworth",
            "Leicester",
            "Melton",
            "North West Leicestershire",
            "Oadby and Wigston",
            "Rutland",
        ],
    ),
    (
        "Lincolnshire Police",
        "lincolnshire",
        0.77,
        [
            "Boston",
            "East Lindsey",
            "Lincoln",
            "North Kesteven",
            "South Holland",
            "South Kesteven",
            "West Lindsey",
        ],
    ),
    (
        "Merseyside Police",
        "merseyside",
        1.43,
        ["Knowsley", "Liverpool", "Sefton", "St. Helens", "Wirral"],
    ),
    (
        "Metropolitan Police Service",
        "metropolitan",
        8.90,
        [
            "Barking and Dagenham",
            "Barnet",
            "Bexley",
            "Brent",
            "Bromley",
            "Camden",
            "Croydon",
            "Ealing",
            "Enfield",
            "Greenwich",
            "Hackney",
            "Hammersmith and Fulham",
            "Haringey",
            "Harrow",
            "Havering",
            "Hillingdon",
            "Hounslow",
            "Islington",
            "Kensington and Chelsea",
            "Kingston upon Thames",
            "Lambeth",
            "Lewisham",
            "Merton",
            "Newham",
            "Redbridge",
            "Richmond upon Thames",
            "Southwark",
            "Sutton",
            "Tower Hamlets",
            "Waltham Forest",
            "Wandsworth",
            "Westminster",
        ],
    ),
    (
        "Norfolk Constabulary",
        "norfolk",
        0.92,
        [
            "Breckland",
            "Broadland",
            "Great Yarmouth",
            "King's Lynn and West Norfolk",
            "North Norfolk",
            "Norwich",
            "South Norfolk",
        ],
    ),
    (
        "North Wales Police",
        "north-wales",
        0.70,
        ["Conwy", "Denbighshire", "Flintshire", "Gwynedd", "Isle of Anglesey", "Wrexham"],
    ),
    ("North Yorkshire Police", "north-yorkshire", 0.83, ["North Yorkshire", "York"]),
    (
        "Northamptonshire Police",
        "northamptonshire",
        0.78,
        ["North Northamptonshire", "West Northamptonshire"],
    ),
    (
        "Northumbria Police",
        "northumbria",
        1.48,
        [
            "Gateshead",
            "Newcastle upon Tyne",
            "North Tyneside",
            "Northumberland",
            "South Tyneside",
            "Sunderland",
        ],
    ),
    (
        "Nottinghamshire Police",
        "nottinghamshire",
        1.17,
        [
            "Ashfield",
            "Bassetlaw",
            "Broxtowe",
            "Gedling",
            "Mansfield",
            "Newark and Sherwood",
            "Nottingham",
            "Rushcliffe",
        ],
    ),
    (
        "South Wales Police",
        "south-wales",
        1.34,
        [
            "Bridgend",
            "Cardiff",
            "Merthyr Tydfil",
            "Neath Port Talbot",
            "Rhondda Cynon Taf",
            "Swansea",
            "Vale of Glamorgan",
        ],
    ),
    (
        "South Yorkshire Police",
        "south-yorkshire",
        1.40,
        ["Barnsley", "Doncaster", "Rotherham", "Sheffield"],
    ),
    (
        "Staffordshire Police",
        "staffordshire",
        1.14,
        [
            "Cannock Chase",
            "East Staffordshire",
            "Lichfield",
            "Newcastle-under-Lyme",
            "South Staffordshire",
            "Stafford",
            "Staffordshire Moorlands",
            "Stoke-on-Trent",
            "Tamworth",
        ],
    ),
    (
        "Suffolk Constabulary",
        "suffolk",
        0.76,
        ["Babergh", "East Suffolk", "Ipswich", "Mid Suffolk", "West Suffolk"],
    ),
    (
        "Surrey Police",
        "surrey",
        1.20,
        [
            "Elmbridge",
            "Epsom and Ewell",
            "Guildford",
            "Mole Valley",
            "Reigate and Banstead",
            "Runnymede",
            "Spelthorne",
            "Surrey Heath",
            "Tandridge",
            "Waverley",
            "Woking",
        ],
    ),
    (
        "Sussex Police",
        "sussex",
        1.70,
        [
            "Adur",
            "Arun",
            "Brighton and Hove",
            "Chichester",
            "Crawley",
            "Eastbourne",
            "Hastings",
            "Horsham",
            "Lewes",
            "Mid Sussex",
            "Rother",
            "Wealden",
            "Worthing",
        ],
    ),
    (
        "Thames Valley Police",
        "thames-valley",
        2.40,
        [
            "Bracknell Forest",
            "Buckinghamshire",
            "Cherwell",
            "Milton Keynes",
            "Oxford",
            "Reading",
            "Slough",
            "South Oxfordshire",
            "Vale of White Horse",
            "West Berkshire",
            "West Oxfordshire",
            "Windsor and Maidenhead",
            "Wokingham",
        ],
    ),
    (
        "Warwickshire Police",
        "warwickshire",
        0.60,
        ["North Warwickshire", "Nuneaton and Bedworth", "Rugby", "Stratford-on-Avon", "Warwick"],
    ),
    (
        "West Mercia Police",
        "west-mercia",
        1.30,
        [
            "Bromsgrove",
            "Herefordshire",
            "Malvern Hills",
            "Redditch",
            "Shropshire",
            "Telford and Wrekin",
            "Worcester",
            "Wychavon",
            "Wyre Forest",
        ],
    ),
    (
        "West Midlands Police",
        "west-midlands",
        2.95,
        ["Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"],
    ),
    (
        "West Yorkshire Police",
        "west-yorkshire",
        2.35,
        ["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"],
    ),
    ("Wiltshire Police", "wiltshire", 0.73, ["Swindon", "Wiltshire"]),
]

#: Welsh forces: their LSOA codes start W01 rather than E01.
WELSH = {"Dyfed-Powys Police", "Gwent Police", "North Wales Police", "South Wales Police"}

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n"
)

#: police.uk crime types and their rough national share of street-level rows.
CRIME_TYPES: dict[str, float] = {
    "Anti-social behaviour": 0.28,
    "Violence and sexual offences": 0.30,
    "Public order": 0.075,
    "Criminal damage and arson": 0.075,
    "Other theft": 0.065,
    "Shoplifting": 0.065,
    "Vehicle crime": 0.055,
    "Burglary": 0.042,
    "Drugs": 0.028,
    "Other crime": 0.020,
    "Theft from the person": 0.015,
    "Robbery": 0.012,
    "Bicycle theft": 0.011,
    "Possession of weapons": 0.010,
}
ASB = "Anti-social behaviour"

#: Last outcome categories of crimes and rough shares (anti-social behaviour has none).
OUTCOMES: dict[str, float] = {
    "Investigation complete; no suspect identified": 0.33,
    "Unable to prosecute suspect": 0.30,
    "Under investigation": 0.10,
    "Court result unavailable": 0.05,
    "Status update unavailable": 0.04,
    "Local resolution": 0.035,
    "Action to be taken by another organisation": 0.025,
    "Awaiting court outcome": 0.025,
    "Offender given a caution": 0.012,
    "Offender given a drugs possession warning": 0.012,
    "Formal action is not in the public interest": 0.010,
    "Further investigation is not in the public interest": 0.008,
    "Offender sent to prison": 0.008,
    "Offender given community sentence": 0.007,
    "Offender fined": 0.005,
    "Suspect charged as part of another case": 0.004,
    "Offender given suspended prison sentence": 0.003,
    "Defendant found not guilty": 0.002,
    "Court case unable to proceed": 0.002,
    "Offender given conditional discharge": 0.0015,
    "Offender ordered to pay compensation": 0.001,
    "Offender given penalty notice": 0.001,
    "Offender otherwise dealt with": 0.0005,
}

#: Anonymised snap-point kinds used in police.uk locations besides street names.
PLACES = [
    "Parking Area",
    "Supermarket",
    "Shopping Area",
    "Petrol Station",
    "Sports/Recreation Area",
    "Nightclub",
    "Hospital",
    "Police Station",
    "Park/Open Space",
    "Pedestrian Subway",
    "Further/Higher Educational Building",
    "Theatre/Concert Hall",
    "Bus/Coach Station",
    "Conference/Exhibition Centre",
    "Airport/Airfield",
]
STREET_STEMS = [
    "Church",
    "High",
    "Station",
    "Mill",
    "Park",
    "Victoria",
    "Queen",
    "King",
    "London",
    "Manor",
    "Green",
    "School",
    "North",
    "South",
    "West",
    "East",
    "New",
    "Chapel",
    "Grange",
    "Windmill",
    "Orchard",
    "Meadow",
    "Hill",
    "Brook",
    "Willow",
    "Oak",
    "Elm",
    "Ash",
    "Cedar",
    "Beech",
    "Albert",
    "George",
    "Alexandra",
    "York",
    "Cromwell",
    "Nelson",
    "Wellington",
    "Priory",
    "Abbey",
    "Castle",
    "Bridge",
    "Water",
    "Market",
    "Spring",
    "Forest",
    "Highfield",
    "Kingsway",
    "Fairfield",
    "Rectory",
    "Vicarage",
]
STREET_KINDS = [
    "Road",
    "Street",
    "Lane",
    "Close",
    "Avenue",
    "Way",
    "Drive",
    "Gardens",
    "Crescent",
    "Place",
    "Court",
    "Grove",
    "Terrace",
    "Walk",
    "Rise",
    "Mews",
]

SNAPS_PER_LSOA = 8
NO_LOCATION = ",,No Location,,"


@dataclass
class Geography:
    """Synthetic small-area geography shared by every month.

    Attributes
    ----------
    la_names : list of str
        Local authorities, in the order of ``FORCES``.
    la_force : numpy.ndarray
        Index into ``FORCES`` of each local authority.
    lsoa_la : numpy.ndarray
        Local authority of each LSOA (LSOAs sorted by name within the whole country).
    lsoa_weight : numpy.ndarray
        Relative crime volume of each LSOA within its local authority.
    snaps : list of str
        ``SNAPS_PER_LSOA`` rendered ``Longitude,Latitude,Location,LSOA code,LSOA name``
        fragments per LSOA.
    """

    la_names: list[str]
    la_force: np.ndarray
    lsoa_la: np.ndarray
    lsoa_weight: np.ndarray
    snaps: list[str]


def csv_field(value: str) -> str:
    """Render one CSV value as police.uk does: quoted only when it must be.

    Examples
    --------
    >>> csv_field("Thurrock 016B"), csv_field("Bournemouth, Christchurch and Poole 001A")
    ('Thurrock 016B', '"Bournemouth, Christchurch and Poole 001A"')
    """
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def parse_months(spec: str) -> list[str]:
    """Expand ``"2024-04..2025-03"`` (or a comma-separated list) into ``YYYY-MM`` months.

    Examples
    --------
    >>> parse_months("2024-11..2025-02")
    ['2024-11', '2024-12', '2025-01', '2025-02']
    """
    if ".." not in spec:
        months = [m.strip() for m in spec.split(",") if m.strip()]
    else:
        first, last = (s.strip() for s in spec.split("..", 1))
        y, m = (int(x) for x in first.split("-"))
        months = []
        while f"{y:04d}-{m:02d}" <= last:
            months.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    for month in months:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise ValueError(f"not a month (YYYY-MM): {month!r}")
    if not months:
        raise ValueError(f"no months in {spec!r}")
    return months


def _lsoa_names(la: str, n: int, rng: np.random.Generator) -> list[str]:
    """``n`` LSOA names of one local authority: ``"<LA> 001A"``, 3-6 LSOAs per MSOA."""
    names: list[str] = []
    msoa = 0
    while len(names) < n:
        msoa += 1
        for letter in "ABCDEF"[: int(rng.integers(3, 7))]:
            names.append(f"{la} {msoa:03d}{letter}")
    return names[:n]


def build_geography(rng: np.random.Generator, n_lsoas: int) -> Geography:
    """Local authorities, LSOAs and snap points for the whole of England and Wales.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n_lsoas : int
        Approximate number of LSOAs in the country (England and Wales have about 35,700).

    Returns
    -------
    Geography
    """
    la_names: list[str] = []
    la_force: list[int] = []
    la_weight: list[float] = []
    for f, (_, _, pop, las) in enumerate(FORCES):
        share = rng.lognormal(0.0, 0.5, len(las))
        share = share / share.sum() * pop
        for la, w in zip(las, share, strict=True):
            la_names.append(la)
            la_force.append(f)
            la_weight.append(w)
    weights = np.array(la_weight)
    weights[[la_names.index("Isles of Scilly")]] = 0.002  # a handful of LSOAs, as in reality
    n_per_la = np.maximum(1, np.round(weights / weights.sum() * n_lsoas)).astype(int)

    # Centres: forces inside a box around England and Wales, areas and LSOAs nearby.
    force_centre = np.column_stack(
        [rng.uniform(-4.5, 1.3, len(FORCES)), rng.uniform(50.5, 55.0, len(FORCES))]
    )
    rows: list[tuple[str, int, float, float, bool]] = []  # name, la, lon, lat, welsh
    for i, la in enumerate(la_names):
        f = la_force[i]
        centre = force_centre[f] + rng.normal(0.0, 0.15, 2)
        welsh = FORCES[f][0] in WELSH
        for name in _lsoa_names(la, int(n_per_la[i]), rng):
            lon, lat = centre + rng.normal(0.0, 0.04, 2)
            rows.append((name, i, float(lon), float(lat), welsh))
    rows.sort(key=lambda r: r[0])  # police.uk files are ordered by LSOA name
    n = len(rows)
    lsoa_la = np.array([r[1] for r in rows], dtype=np.int32)
    welsh_mask = np.array([r[4] for r in rows])
    codes = np.empty(n, dtype=object)
    for prefix, mask in (("E01", ~welsh_mask), ("W01", welsh_mask)):
        idx = np.flatnonzero(mask)
        numbers = rng.permutation(len(idx)) + 1
        codes[idx] = [f"{prefix}{k:06d}" for k in numbers]

    streets = [f"{s} {k}" for s in STREET_STEMS for k in STREET_KINDS]
    snap_lon = np.repeat([r[2] for r in rows], SNAPS_PER_LSOA) + rng.normal(
        0.0, 0.006, n * SNAPS_PER_LSOA
    )
    snap_lat = np.repeat([r[3] for r in rows], SNAPS_PER_LSOA) + rng.normal(
        0.0, 0.004, n * SNAPS_PER_LSOA
    )
    is_place = rng.random(n * SNAPS_PER_LSOA) < 0.25
    place = rng.integers(0, len(PLACES), n * SNAPS_PER_LSOA)
    street = rng.integers(0, len(streets), n * SNAPS_PER_LSOA)
    snaps = []
    for j in range(n * SNAPS_PER_LSOA):
        name, _, _, _, _ = rows[j // SNAPS_PER_LSOA]
        loc = PLACES[place[j]] if is_place[j] else streets[street[j]]
        snaps.append(
            f"{snap_lon[j]:.6f},{snap_lat[j]:.6f},On or near {loc},"
            f"{codes[j // SNAPS_PER_LSOA]},{csv_field(name)}"
        )
    lsoa_weight = rng.gamma(0.9, 1.0, n)  # a few busy LSOAs (hot spots), many quiet ones
    return Geography(la_names, np.array(la_force), lsoa_la, lsoa_weight, snaps)


def _choose(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """``size`` indices drawn with probability proportional to ``weights`` (fast)."""
    cum = np.cumsum(weights, dtype=float)
    return np.searchsorted(cum, rng.random(size) * cum[-1], side="right").clip(0, len(cum) - 1)


def render_file(
    rng: np.random.Generator,
    geo: Geography,
    force_index: int,
    month: str,
    n_rows: int,
    type_probs: np.ndarray,
    blank_share: float,
    cross_share: float,
) -> str:
    """The text of one force-month street file.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    geo : Geography
        The national geography.
    force_index : int
        Index into ``FORCES``.
    month : str
        ``YYYY-MM``.
    n_rows : int
        Number of data rows.
    type_probs : numpy.ndarray
        Crime-type probabilities (over ``CRIME_TYPES``) of each local authority, shape
        ``(n_las, n_types)``.
    blank_share, cross_share : float
        Expected share of rows with no location, and of rows in another force's area.

    Returns
    -------
    str
        Header and rows, LF line endings.
    """
    force = FORCES[force_index][0]
    types = list(CRIME_TYPES)
    outcomes = list(OUTCOMES)
    outcome_p = np.array(list(OUTCOMES.values()))
    asb = types.index(ASB)

    n_blank = int(rng.binomial(n_rows, blank_share))
    n_cross = int(rng.binomial(n_rows - n_blank, cross_share))
    n_home = n_rows - n_blank - n_cross
    own = np.flatnonzero(geo.la_force[geo.lsoa_la] == force_index)
    other = np.flatnonzero(geo.la_force[geo.lsoa_la] != force_index)
    lsoa = np.concatenate(
        [
            own[_choose(rng, geo.lsoa_weight[own], n_home)],
            other[rng.integers(0, len(other), n_cross)] if len(other) else np.zeros(0, int),
        ]
    )
    lsoa.sort()  # file order: by LSOA name, then the rows with no location
    la = geo.lsoa_la[lsoa]
    # Crime type by the area's own mix (inverse-CDF per row).
    cum = np.cumsum(type_probs[la], axis=1)
    ctype = (rng.random(len(la))[:, None] * cum[:, -1:] > cum).sum(axis=1)
    crime_p = np.array(list(CRIME_TYPES.values()))
    crime_p[asb] = 0.0
    ctype = np.concatenate([ctype, _choose(rng, crime_p, n_blank)])
    snap = lsoa * SNAPS_PER_LSOA + rng.integers(0, SNAPS_PER_LSOA, len(lsoa))
    outcome = _choose(rng, outcome_p, n_rows)

    n_crimes = int((ctype != asb).sum())
    hexes = rng.bytes(32 * n_crimes).hex()
    ids = iter([hexes[i : i + 64] for i in range(0, 64 * n_crimes, 64)])
    type_out = [[f"{csv_field(t)},{csv_field(o)}" for o in outcomes] for t in types]
    type_out[asb] = [f"{ASB},"] * len(outcomes)
    prefix = f"{month},{csv_field(force)},{csv_field(force)},"
    snaps = geo.snaps
    snap_l = [snaps[s] for s in snap.tolist()] + [NO_LOCATION] * n_blank
    lines = [
        f"{'' if t == asb else next(ids)},{prefix}{s},{type_out[t][o]},\n"
        for s, t, o in zip(snap_l, ctype.tolist(), outcome.tolist(), strict=True)
    ]
    return HEADER + "".join(lines)


def generate(
    out: Path,
    rows: int,
    months: Sequence[str],
    seed: int,
    forces: Sequence[str] | None = None,
    n_lsoas: int = 35_000,
    blank_share: float = 0.015,
    cross_share: float = 0.003,
    verbose: bool = True,
) -> dict[str, int]:
    """Write the synthetic national folder.

    Parameters
    ----------
    out : Path
        Output folder (created; existing files of the same names are replaced).
    rows : int
        Total rows over every force and month (before restricting to ``forces``).
    months : sequence of str
        ``YYYY-MM`` months, one sub-folder each.
    seed : int
        Seed of the random generator: the same arguments give the same files.
    forces : sequence of str, optional
        Write only these forces (names as in "Falls within", or file slugs); the rows and
        geography are the same as in the national run, so a one-force folder is a subset.
    n_lsoas : int
        Approximate number of LSOAs in England and Wales.
    blank_share, cross_share : float
        Expected share of rows with no location, and of rows recorded in another force's area.
    verbose : bool
        Print progress to stderr.

    Returns
    -------
    dict
        ``{"files": ..., "rows": ..., "bytes": ...}`` actually written.
    """
    rng = np.random.default_rng(seed)
    geo = build_geography(rng, n_lsoas)
    wanted = None
    if forces:
        keys = {f.casefold() for f in forces}
        wanted = {i for i, f in enumerate(FORCES) if f[0].casefold() in keys or f[1] in keys}
        if len(wanted) != len(keys):
            known = ", ".join(f[0] for f in FORCES)
            raise SystemExit(f"unknown force among {list(forces)}; forces: {known}")

    # Each area has its own crime mix around the national one.
    base = np.array(list(CRIME_TYPES.values()))
    type_probs = rng.dirichlet(base * 200.0, len(geo.la_names))

    # Rows per force and month: population share x seasonality x noise, summing to ``rows``.
    pop = np.array([f[2] for f in FORCES])
    month_no = np.array([int(m[5:]) for m in months])
    season = 1.0 + 0.08 * np.sin((month_no - 4) / 12 * 2 * np.pi)
    cell = pop[:, None] * season[None, :] * rng.normal(1.0, 0.03, (len(FORCES), len(months)))
    counts = rng.multinomial(rows, (cell / cell.sum()).ravel()).reshape(cell.shape)

    written = {"files": 0, "rows": 0, "bytes": 0}
    started = time.perf_counter()
    for m, month in enumerate(months):
        folder = out / month
        folder.mkdir(parents=True, exist_ok=True)
        for f, (_, slug, _, _) in enumerate(FORCES):
            # One generator per file, derived from the seed: any subset of forces gets the
            # same rows as the national run.
            file_rng = np.random.default_rng([seed, m, f])
            if wanted is not None and f not in wanted:
                continue
            text = render_file(
                file_rng, geo, f, month, int(counts[f, m]), type_probs, blank_share, cross_share
            )
            data = text.encode("utf-8")
            path = folder / f"{month}-{slug}-street.csv"
            tmp = path.with_suffix(".csv.part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            written["files"] += 1
            written["rows"] += int(counts[f, m])
            written["bytes"] += len(data)
        if verbose:
            print(
                f"{month}: {written['rows']:,} rows so far ({time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
            )
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--rows", type=int, default=6_000_000, help="total rows (default 6,000,000)")
    p.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    p.add_argument(
        "--months",
        default="2024-04..2025-03",
        help="FIRST..LAST or a comma list of YYYY-MM (default 2024-04..2025-03)",
    )
    p.add_argument(
        "--forces",
        nargs="+",
        metavar="FORCE",
        help="write only these forces (name or slug), e.g. 'Essex Police'",
    )
    p.add_argument("--lsoas", type=int, default=35_000, help="LSOAs nationally (default 35,000)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    args = p.parse_args(argv)
    months = parse_months(args.months)
    started = time.perf_counter()
    w = generate(
        args.out, args.rows, months, args.seed, args.forces, args.lsoas, verbose=not args.quiet
    )
    print(
        f"wrote {w['files']} files, {w['rows']:,} rows, {w['bytes'] / 1e9:.2f} GB to "
        f"{args.out} in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
