"""Hot spots: where in a partnership crime concentrates, from data.police.uk street-level records.

Street-level records are never published as rows. Every small-area table here goes through
:func:`suppress_small` before it can reach a report: counts of 1 to 4 are shown as ``"<5"``
(statistical disclosure control for small areas), and the figures that would reveal them
(share, rate, interval) are blanked on those rows.

References
----------
.. [1] Office for National Statistics. *Statistical disclosure control policy for tables*
   (small counts suppressed in small-area tables).
.. [2] Government Statistical Service. *Disclosure control guidance for tables produced from
   administrative sources*, 2014.
.. [3] Weisburd D. The law of crime concentration and the criminology of place. *Criminology*
   2015;53:133–157 (share of crime in the top places).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from csp_analysis import defaults
from csp_analysis.analyses.periods import missing_months
from csp_analysis.categories import ALL_CRIME
from csp_analysis.exceptions import DataError, UsageError
from csp_analysis.ingest.police_uk import LSOA_NAME
from csp_analysis.model import Dataset
from csp_analysis.periods import Period, month_label, parse_period
from csp_analysis.statistics.hotspots import (
    HOT,
    MIN_YEARS,
    contiguity_weights,
    getis_ord_star,
    hot_spot_classes,
)
from csp_analysis.statistics.rates import calculate_rates

THRESHOLD = defaults.SUPPRESS_BELOW
NO_LOCATION = "no location"
HOTSPOT_COLUMNS = [
    "rank",
    "lsoa",
    "name",
    "count",
    "share",
    "cumulative_share",
    "population",
    "rate_per_1000",
    "ci_lower",
    "ci_upper",
]
#: Columns that would reveal a suppressed count, blanked on suppressed rows.
DERIVED = ["share", "cumulative_share", "rate_per_1000", "ci_lower", "ci_upper"]

__all__ = [
    "Concentration",
    "HOTSPOT_COLUMNS",
    "concentration",
    "crime_by_deprivation",
    "crime_mix",
    "gi_star_hotspots",
    "hotspots",
    "lsoa_points",
    "named_hotspots",
    "repeat_locations",
    "select_records",
    "suppress_small",
    "top_locations",
]


# ---------------------------------------------------------------------------- suppression
def suppress_small(
    df: pd.DataFrame,
    cols: Sequence[str],
    threshold: int = THRESHOLD,
    derived: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Suppress small counts for publication: 1 to ``threshold - 1`` becomes ``"<threshold"``.

    Zero is not suppressed (a true zero reveals nothing about a person and is shown as 0);
    missing stays missing. The columns become ``object`` columns holding whole numbers and the
    string ``"<5"``. Columns named in ``derived`` (shares, rates, intervals worked out from the
    counts) are blanked on every row where a count was suppressed, so the count cannot be worked
    back.

    Parameters
    ----------
    df : pandas.DataFrame
        Not modified.
    cols : sequence of str
        Count columns (whole, non-negative numbers).
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are suppressed; 1 suppresses nothing.
    derived : sequence of str, optional
        Columns blanked where any of ``cols`` is suppressed.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataError
        Naming a column that is absent, not numeric, negative or not whole.
    ValueError
        If ``threshold`` is not a whole number of at least 1.

    Notes
    -----
    This is primary suppression only. A table whose total is published elsewhere can still
    give away a single suppressed cell by subtraction; publish top-N lists or aggregate further
    when only one cell is suppressed.

    References
    ----------
    .. [1] Office for National Statistics. *Statistical disclosure control policy for tables*.

    Examples
    --------
    >>> suppress_small(pd.DataFrame({"count": [0, 1, 4, 5, 12]}), ["count"])["count"].tolist()
    [0, '<5', '<5', 5, 12]
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) or threshold < 1:
        raise ValueError(f"threshold must be a whole number of at least 1, not {threshold!r}")
    out = df.copy()
    hidden = pd.Series(False, index=df.index)
    for col in [*cols, *(derived or [])]:
        if col not in df.columns:
            raise DataError("the table has no such column to suppress", column=str(col))
    label = f"<{int(threshold)}"
    for col in cols:
        s = df[col]
        if not is_numeric_dtype(s) or is_bool_dtype(s):
            raise DataError(f"count column is not numeric (dtype {s.dtype})", column=str(col))
        values = s.astype("Float64")
        if (values < 0).any():
            raise DataError("count is negative", column=str(col))
        if (values.round() != values).any():
            raise DataError("count is not a whole number", column=str(col))
        small = ((values >= 1) & (values < threshold)).fillna(False).astype(bool)
        whole = s.astype("Int64").astype(object)
        out[col] = whole.where(~small, label)
        hidden |= small
    for col in derived or []:
        out[col] = out[col].astype(object).where(~hidden, pd.NA)
        if is_numeric_dtype(df[col]):
            out[col] = out[col].astype("Float64")
    return out


def _unordered_small(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Hide the order of suppressed rows: no rank, and sorted by ``key`` instead of count.

    A busiest-first order or a rank among suppressed rows would tell their counts apart.
    Rows with a shown count keep their place; suppressed rows follow them, then true zeros.
    """
    small = table["count"].map(lambda v: isinstance(v, str)).astype(bool)
    zero = table["count"].map(lambda v: not isinstance(v, str) and v == 0).astype(bool)
    out = table.copy()
    out.loc[small, "rank"] = pd.NA
    shown = out[~small & ~zero]
    hidden = out[small].sort_values(key)
    zeros = out[zero].sort_values(key)
    return pd.concat([shown, hidden, zeros]).reset_index(drop=True)


# ---------------------------------------------------------------------------- selection
def _fy(year: str | Period) -> Period:
    """The period (a financial year may be written ``"2025/26"``), parsed once."""
    try:
        return parse_period(year)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _categories(ds: Dataset, categories: Sequence[str] | None) -> list[str]:
    if categories is None:
        return ds.cmap.of_kind("crime")
    known = {c.casefold(): c for c in ds.cmap.order}
    chosen: list[str] = []
    for cat in categories:
        if cat == ALL_CRIME:
            chosen += ds.cmap.of_kind("crime")
            continue
        name = known.get(str(cat).strip().casefold())
        if name is None:
            raise UsageError(
                f"category '{cat}' is not a report category: "
                f"{', '.join([ALL_CRIME, *ds.cmap.order])}"
            )
        if ds.cmap.kind(name) == "flag":
            raise UsageError(f"'{name}' is a flag: street-level records carry no flags")
        chosen.append(name)
    return list(dict.fromkeys(chosen))


def select_records(
    ds: Dataset, area: str, year: str | Period, categories: Sequence[str] | None = None
) -> pd.DataFrame:
    """The street-level records of an area for a financial year (for maps and hot spots).

    The rows are record-level data: use them for aggregates and density maps only, never
    publish them.

    Parameters
    ----------
    ds : Dataset
    area : str
    year : str
        Financial year, e.g. ``"2025/26"``.
    categories : sequence of str, optional
        Report categories (``"All crime"`` expands to the crime categories); default: all crime
        categories, anti-social behaviour excluded.

    Returns
    -------
    pandas.DataFrame
        The columns of ``ds.records`` for the chosen rows.

    Raises
    ------
    DataError
        If the data holds no street-level records for the area.
    UsageError
        For an unknown area or category, or a year that is not a financial year.
    """
    fy = _fy(year)
    cats = _categories(ds, categories)
    area = ds.resolve_area(area)
    if not ds.record_parts:
        raise DataError(
            "hot spots need data.police.uk street-level records, and this data has none"
        )
    rec = ds.records_of(area)
    if not len(rec) or "lsoa_code" not in rec.columns:
        raise DataError(f"no street-level records for '{area}'")
    keep = rec["month"].isin(fy.months) & rec["category"].astype("string").isin(cats)
    return rec[keep.fillna(False).astype(bool)].reset_index(drop=True)


def _lsoa_population(
    ds: Dataset, lsoa_population: pd.DataFrame | None, year: int
) -> pd.DataFrame | None:
    """``code, name, population`` of LSOAs for the year (nearest year if absent), or None."""
    if lsoa_population is None:
        small = ds.small_area_population
        if not len(small):
            return None
        pop = small[small["geography"].astype("string").str.casefold() == "lsoa"]
    else:
        pop = lsoa_population
    if not len(pop):
        return None
    for col in ("code", "population"):
        if col not in pop.columns:
            raise DataError("the LSOA population table has no such column", column=col)
    pop = pop.copy()
    if "name" not in pop.columns:
        pop["name"] = pd.NA
    if "year" in pop.columns:
        dist = (pop["year"].astype("int64") - year).abs()
        pop = pop.assign(_d=dist, _y=pop["year"]).sort_values(["code", "_d", "_y"])
        pop = pop.drop_duplicates("code")
    return pd.DataFrame(
        {
            "lsoa": pop["code"].astype("string").str.strip(),
            "pop_name": pop["name"].astype("string"),
            "population": pd.to_numeric(pop["population"]).astype("Int64"),
        }
    )


# ---------------------------------------------------------------------------- hot spots
def hotspots(
    ds: Dataset,
    area: str,
    year: str,
    categories: Sequence[str] | None = None,
    lsoa_population: pd.DataFrame | None = None,
    threshold: int = THRESHOLD,
    *,
    publishable: bool = True,
) -> pd.DataFrame:
    """Crime by LSOA for an area and financial year, busiest first.

    Parameters
    ----------
    ds : Dataset
    area : str
    year : str
        The assessed financial year.
    categories : sequence of str, optional
        Report categories to count; default all crime (anti-social behaviour excluded).
    lsoa_population : pandas.DataFrame, optional
        ``code, population`` (optional ``name``, ``year``: the year nearest the April the
        financial year starts is used). Default: ``ds.small_area_population`` rows of geography
        ``lsoa``. LSOAs of the area listed there with no record are included with a count of 0.
    threshold : int, default 5
        Suppression threshold for the publishable form.
    publishable : bool, default True
        True: counts of 1 to ``threshold - 1`` are shown as ``"<5"`` and their share, cumulative
        share, rate, interval and rank blanked (:func:`suppress_small`), and those rows are put
        in LSOA code order (an order by count would tell them apart); this is the only form for
        a report. False: the exact counts, for analysis (e.g. :func:`concentration`) only.

    Returns
    -------
    pandas.DataFrame
        :data:`HOTSPOT_COLUMNS`: ``rank`` (1 = most crime), ``lsoa`` (code), ``name``,
        ``count``, ``share`` of the area's total (0 to 1), ``cumulative_share``,
        ``population``, ``rate_per_1000`` and its 95% interval (missing where the LSOA
        population is unknown). ``attrs["note"]`` says which months are missing, if any.

    Raises
    ------
    DataError
        If the data holds no street-level records for the area.
    """
    fy = _fy(year)
    area = ds.resolve_area(area)
    rec = select_records(ds, area, fy, categories)
    counts = (
        rec.groupby("lsoa_code", observed=True)
        .agg(name=("lsoa_name", "first"), count=("month", "size"))
        .reset_index()
        .rename(columns={"lsoa_code": "lsoa"})
    )
    counts["lsoa"] = counts["lsoa"].astype("string")
    counts["name"] = counts["name"].astype("string")
    pop = _lsoa_population(ds, lsoa_population, fy.population_year)
    if pop is not None:
        area_of = pop["pop_name"].str.extract(LSOA_NAME)["area"].astype("string")
        zero = pop[(area_of == area).fillna(False).astype(bool) & ~pop["lsoa"].isin(counts["lsoa"])]
        extra = pd.DataFrame({"lsoa": zero["lsoa"], "name": zero["pop_name"], "count": 0})
        counts = pd.concat([counts, extra], ignore_index=True) if len(extra) else counts
        counts = counts.merge(pop[["lsoa", "population"]], on="lsoa", how="left")
    else:
        counts["population"] = pd.array([pd.NA] * len(counts), dtype="Int64")
    counts["count"] = counts["count"].astype("int64")
    counts = counts.sort_values(["count", "lsoa"], ascending=[False, True]).reset_index(drop=True)
    total = int(counts["count"].sum())
    counts["share"] = counts["count"] / total if total else np.nan
    counts["cumulative_share"] = counts["share"].cumsum()
    counts["rank"] = counts["count"].rank(ascending=False, method="min").astype("Int64")
    counts = calculate_rates(counts, "count", "population")
    out = counts[HOTSPOT_COLUMNS]
    missing = missing_months(ds, area, fy)
    if publishable:
        out = _unordered_small(suppress_small(out, ["count"], threshold, derived=DERIVED), "lsoa")
    if missing:
        out.attrs["note"] = (
            f"{fy} is missing {len(missing)} months: {', '.join(month_label(m) for m in missing)}"
        )
    else:
        out.attrs["note"] = ""
    return out


@dataclass(frozen=True)
class Concentration:
    """How much of an area's crime its busiest LSOAs hold.

    Attributes
    ----------
    lsoas : int
        LSOAs in the table.
    top_lsoas : int
        LSOAs in the top fraction (at least one).
    fraction : float
        The fraction of LSOAs asked about (0.1 = top 10%).
    top_share : float
        Share of the area's crime in those LSOAs (0 to 1).
    """

    lsoas: int
    top_lsoas: int
    fraction: float
    top_share: float

    @property
    def text(self) -> str:
        """One sentence for the report."""
        return (
            f"The {self.fraction:.0%} of LSOAs with most crime ({self.top_lsoas} of "
            f"{self.lsoas}) hold {self.top_share:.1%} of it."
        )

    def __str__(self) -> str:
        return self.text


def concentration(hot: pd.DataFrame, fraction: float = 0.10) -> Concentration:
    """Share of crime held by the top ``fraction`` of LSOAs (10% by default).

    Parameters
    ----------
    hot : pandas.DataFrame
        The unsuppressed table, ``hotspots(..., publishable=False)`` (the result is a single
        share, safe to publish; the table is not).
    fraction : float, default 0.10
        The top ``ceil(fraction × LSOAs)`` LSOAs (at least one) are counted.

    Returns
    -------
    Concentration

    Raises
    ------
    ValueError
        If the counts are suppressed, the table is empty or ``fraction`` is not in (0, 1].

    References
    ----------
    .. [1] Weisburd D (2015), see module references.

    Examples
    --------
    >>> hot = pd.DataFrame({"count": [50, 20, 10, 5, 5, 4, 3, 2, 1, 0]})
    >>> str(concentration(hot))
    'The 10% of LSOAs with most crime (1 of 10) hold 50.0% of it.'
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], not {fraction!r}")
    if "count" not in hot.columns or not is_numeric_dtype(hot["count"]):
        raise ValueError(
            "concentration needs the unsuppressed counts: hotspots(..., publishable=False)"
        )
    counts = hot["count"].astype("int64").sort_values(ascending=False).to_numpy()
    if not len(counts) or counts.sum() == 0:
        raise ValueError("no crime in the table")
    top = max(1, math.ceil(fraction * len(counts)))
    return Concentration(
        lsoas=len(counts),
        top_lsoas=top,
        fraction=fraction,
        top_share=float(counts[:top].sum() / counts.sum()),
    )


def top_locations(
    ds: Dataset,
    area: str,
    year: str,
    n: int = 10,
    categories: Sequence[str] | None = None,
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """The most frequent police.uk locations ("On or near ...") of an area's records.

    police.uk locations are anonymised snap points, not addresses. Records without a location
    are left out. Counts of 1 to ``threshold - 1`` are shown as ``"<5"``.

    Parameters
    ----------
    ds : Dataset
    area : str
    year : str
        Financial year.
    n : int, default 10
        How many locations.
    categories : sequence of str, optional
        Default all crime.
    threshold : int, default 5

    Returns
    -------
    pandas.DataFrame
        ``rank, location, count`` (suppressed), busiest first, ties in name order; suppressed
        rows have no rank and come last in name order.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive whole number, not {n!r}")
    rec = select_records(ds, area, year, categories)
    loc = rec["location"].astype("string").str.strip()
    loc = loc[loc.notna() & (loc != "") & (loc.str.casefold() != NO_LOCATION)]
    counts = loc.value_counts().rename_axis("location").reset_index(name="count")
    counts = counts.sort_values(["count", "location"], ascending=[False, True]).head(n)
    counts = counts.reset_index(drop=True)
    counts.insert(0, "rank", counts["count"].rank(ascending=False, method="min").astype("Int64"))
    counts["location"] = counts["location"].astype("string")
    return _unordered_small(suppress_small(counts, ["count"], threshold), "location")


#: Columns of :func:`repeat_locations`.
REPEAT_COLUMNS = ["rank", "location", "lsoa_name", "ward", "count", "main_category"]
#: Columns of :func:`named_hotspots`.
NAMED_COLUMNS = ["rank", "lsoa", "lsoa_name", "ward", "count", "share", "crime_mix"]
NOT_IN_LOOKUP = "(LSOA not in the ward lookup)"


def _ward_of(codes: pd.Series, ward_lookup: pd.DataFrame | None) -> pd.Series:
    """The ward of each LSOA code through an ``lsoa, ward`` lookup (missing without one)."""
    if ward_lookup is None or not len(ward_lookup):
        return pd.Series(pd.NA, index=codes.index, dtype="string")
    ward = dict(
        zip(
            ward_lookup["lsoa"].astype("string").str.strip(),
            ward_lookup["ward"].astype("string").str.strip(),
            strict=True,
        )
    )
    return codes.astype("string").str.strip().map(lambda c: ward.get(c, NOT_IN_LOOKUP))


def repeat_locations(
    records: pd.DataFrame,
    n: int = 10,
    threshold: int = THRESHOLD,
    ward_lookup: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The snap points with most records: repeat locations, by point, never by label.

    police.uk moves each record to an anonymised snap point and labels it ("On or near
    Parking Area"); many points share one label, so counting labels adds unrelated places
    together. Here a location is one snap point (its label and its point together); the point
    itself is never published: each row is named by its label, its LSOA and its ward, and two
    points of one label in one LSOA are told apart as "point 1", "point 2" (busiest first).

    Parameters
    ----------
    records : pandas.DataFrame
        Street-level records (``location, longitude, latitude, lsoa_code, lsoa_name,
        category``), e.g. from :func:`select_records`.
    n : int, default 10
        How many points.
    threshold : int, default 5
        Counts of 1 to ``threshold - 1`` are shown as ``"<5"``.
    ward_lookup : pandas.DataFrame, optional
        ``lsoa, ward``: the ward of each point's LSOA.

    Returns
    -------
    pandas.DataFrame
        :data:`REPEAT_COLUMNS`: ``rank``, ``location`` (label), ``lsoa_name``, ``ward``
        (missing without a lookup), ``count`` and ``main_category`` (the category with most
        records at the point, only where it has at least ``threshold`` of them), busiest
        first; suppressed rows unranked, last, in name order.

    Raises
    ------
    ValueError
        If ``n`` is not a positive whole number.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive whole number, not {n!r}")
    loc = records["location"].astype("string").str.strip()
    keep = (loc.notna() & (loc != "") & (loc.str.casefold() != NO_LOCATION)).to_numpy(bool)
    rec = pd.DataFrame(
        {
            "location": loc,
            "lon": pd.to_numeric(records["longitude"], errors="coerce").round(6),
            "lat": pd.to_numeric(records["latitude"], errors="coerce").round(6),
            "lsoa": records["lsoa_code"].astype("string"),
            "lsoa_name": records["lsoa_name"].astype("string"),
            "category": records["category"].astype("string"),
        }
    )[keep]
    if not len(rec):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in REPEAT_COLUMNS})
    point = ["location", "lon", "lat", "lsoa"]
    counts = rec.groupby(point, dropna=False).size().rename("count").reset_index()
    counts = counts.sort_values(
        ["count", "location", "lsoa", "lon", "lat"], ascending=[False, True, True, True, True]
    )
    top = counts.head(n).copy()
    by_cat = rec.groupby([*point, "category"], dropna=False).size().rename("k").reset_index()
    by_cat = by_cat.sort_values(["k", "category"], ascending=[False, True])
    main = by_cat.drop_duplicates(point).set_index(point)
    top = top.join(main, on=point)
    top["main_category"] = top["category"].where(top["k"] >= threshold, pd.NA)
    names = rec.drop_duplicates("lsoa").set_index("lsoa")["lsoa_name"]
    top["lsoa_name"] = top["lsoa"].map(names).astype("string")
    # Points sharing a label and LSOA anywhere in the area are numbered, busiest first.
    number = counts.groupby(["location", "lsoa"], dropna=False).cumcount() + 1
    many = counts.groupby(["location", "lsoa"], dropna=False)["count"].transform("size") > 1
    label = counts["location"].where(
        ~many, counts["location"] + " (point " + number.astype("string") + ")"
    )
    top["location"] = label.loc[top.index].astype("string")
    top["ward"] = _ward_of(top["lsoa"], ward_lookup)
    top = top.reset_index(drop=True)
    top.insert(0, "rank", top["count"].rank(ascending=False, method="min").astype("Int64"))
    top["count"] = top["count"].astype("int64")
    out = suppress_small(top[REPEAT_COLUMNS], ["count"], threshold, derived=["main_category"])
    return _unordered_small(out, "location")


def crime_mix(records: pd.DataFrame, threshold: int = THRESHOLD, most: int = 3) -> pd.Series:
    """The main categories of each LSOA's records, as words: "Shoplifting 40%, ...".

    Only categories with at least ``threshold`` records in the LSOA are named (a share of a
    smaller count would reveal it).

    Parameters
    ----------
    records : pandas.DataFrame
        ``lsoa_code`` and ``category`` of street-level records.
    threshold : int, default 5
        Smallest count a named category holds.
    most : int, default 3
        Categories named at most.

    Returns
    -------
    pandas.Series
        Text by LSOA code (empty when no category reaches the threshold).

    Examples
    --------
    >>> rec = pd.DataFrame({"lsoa_code": ["A"] * 8, "category": ["Robbery"] * 6 + ["Drugs"] * 2})
    >>> crime_mix(rec).to_dict()
    {'A': 'Robbery 75%'}
    """
    frame = pd.DataFrame(
        {"lsoa": records["lsoa_code"].astype("string"), "cat": records["category"].astype("string")}
    )
    total = frame.groupby("lsoa").size()
    k = frame.groupby(["lsoa", "cat"]).size().rename("k").reset_index()
    k = k[k["k"] >= threshold].sort_values(["lsoa", "k", "cat"], ascending=[True, False, True])
    k = k.groupby("lsoa").head(most)
    k = k.merge(total.rename("total").reset_index(), on="lsoa")
    words: dict[str, list[str]] = {}
    for lsoa, cat, n, all_ in zip(k["lsoa"], k["cat"], k["k"], k["total"], strict=True):
        words.setdefault(lsoa, []).append(f"{cat} {n / all_:.0%}")
    text = {lsoa: ", ".join(w) for lsoa, w in words.items()}
    return pd.Series([text.get(c, "") for c in total.index], index=total.index, dtype="string")


def named_hotspots(
    full: pd.DataFrame,
    records: pd.DataFrame,
    ward_lookup: pd.DataFrame | None = None,
    n: int = 10,
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """The busiest LSOAs by name, with their ward and crime mix (published form).

    Parameters
    ----------
    full : pandas.DataFrame
        Unsuppressed hot spots, ``hotspots(..., publishable=False)``.
    records : pandas.DataFrame
        The same records (``lsoa_code, category``), for the crime mix.
    ward_lookup : pandas.DataFrame, optional
        ``lsoa, ward``; without one ``ward`` is missing.
    n : int, default 10
        How many LSOAs.
    threshold : int, default 5
        LSOAs with fewer crimes are not listed (a top list of suppressed rows says nothing).

    Returns
    -------
    pandas.DataFrame
        :data:`NAMED_COLUMNS`, busiest first.
    """
    top = full[pd.to_numeric(full["count"]) >= threshold].head(n)
    mix = crime_mix(records, threshold)
    out = pd.DataFrame(
        {
            "rank": top["rank"].astype("Int64"),
            "lsoa": top["lsoa"].astype("string"),
            "lsoa_name": top["name"].astype("string"),
            "ward": _ward_of(top["lsoa"], ward_lookup),
            "count": top["count"].astype("int64"),
            "share": top["share"],
            "crime_mix": top["lsoa"].map(mix).fillna("").astype("string"),
        }
    )
    return out.reset_index(drop=True)[NAMED_COLUMNS]


#: Columns of :func:`gi_star_hotspots`.
GI_COLUMNS = ["lsoa", "name", "count", "gi_z", "p_value", "q_value", "spot", "trend"]


def lsoa_points(records: pd.DataFrame) -> pd.DataFrame:
    """One point per LSOA: the mean of its records' snap points, in British National Grid metres.

    For the distance band of Gi* only: never published (it is worked out from record points).

    Parameters
    ----------
    records : pandas.DataFrame
        ``lsoa_code, longitude, latitude`` (WGS 84) of street-level records.

    Returns
    -------
    pandas.DataFrame
        ``lsoa, x, y`` (EPSG:27700 easting and northing), LSOAs with at least one located
        record, in code order.
    """
    from pyproj import Transformer

    frame = pd.DataFrame(
        {
            "lsoa": records["lsoa_code"].astype("string"),
            "lon": pd.to_numeric(records["longitude"], errors="coerce"),
            "lat": pd.to_numeric(records["latitude"], errors="coerce"),
        }
    ).dropna()
    frame = frame[frame["lsoa"] != ""]
    mean = frame.groupby("lsoa")[["lon", "lat"]].mean().sort_index()
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = to_bng.transform(mean["lon"].to_numpy(), mean["lat"].to_numpy())
    return pd.DataFrame({"lsoa": mean.index.astype("string"), "x": x, "y": y})


def _gi_of_year(
    ds: Dataset, area: str, year: str, alpha: float, shapes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Gi* of one year's LSOA crime counts (unsuppressed), indexed by LSOA code; queen
    contiguity when ``shapes`` (``lsoa, wkb``) has every LSOA, else the distance band."""
    rec = select_records(ds, area, year)
    points = lsoa_points(rec)
    counts = rec.groupby("lsoa_code", observed=True).size()
    counts.index = counts.index.astype("string")
    names = rec.drop_duplicates("lsoa_code").set_index("lsoa_code")["lsoa_name"]
    names.index = names.index.astype("string")
    points = points[points["lsoa"].isin(counts.index)].reset_index(drop=True)
    weights = None
    if shapes is not None and points["lsoa"].isin(set(shapes["lsoa"])).all():
        from shapely import from_wkb

        wkb = shapes.drop_duplicates("lsoa").set_index("lsoa")["wkb"]
        weights = contiguity_weights([from_wkb(w) for w in wkb.reindex(points["lsoa"])])
    gi = getis_ord_star(
        counts.reindex(points["lsoa"]).to_numpy(dtype="float64"),
        points[["x", "y"]].to_numpy(),
        alpha=alpha,
        weights=weights,
    )
    gi.attrs["contiguity"] = weights is not None
    gi.insert(0, "lsoa", points["lsoa"])
    gi.insert(1, "name", points["lsoa"].map(names).astype("string"))
    gi.insert(2, "count", counts.reindex(points["lsoa"]).to_numpy(dtype="int64"))
    out = gi.set_index("lsoa", drop=False)
    out.attrs = {"band": gi.attrs["band"], "contiguity": gi.attrs["contiguity"]}
    return out


def gi_star_hotspots(
    ds: Dataset,
    area: str,
    year: str,
    alpha: float = 0.05,
    threshold: int = THRESHOLD,
    shapes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Statistical hot spots of an area's crime: Getis-Ord Gi* on LSOA counts, FDR-corrected.

    Each LSOA with a located crime in the year is a point (the mean of its records' snap
    points); the distance band is the smallest that gives every LSOA a neighbour. With at least
    :data:`~csp_analysis.statistics.hotspots.MIN_YEARS` financial years of records up to the
    assessed one, each LSOA is also classed persistent, emerging or intermittent (years with
    too few LSOAs are left out of the classes).

    Parameters
    ----------
    ds : Dataset
    area : str
    year : str
        The assessed financial year.
    alpha : float, default 0.05
        The false discovery rate.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are suppressed, and their z, p and q blanked.
    shapes : pandas.DataFrame, optional
        LSOA boundaries (``lsoa, wkb``, British National Grid): neighbours by queen
        contiguity instead of the distance band when they cover every LSOA of a year.

    Returns
    -------
    pandas.DataFrame
        :data:`GI_COLUMNS` (``trend`` missing with fewer years), hot spots first, then by Gi*
        from highest; ``attrs``: ``band`` (metres; missing with contiguity), ``contiguity``
        (bool), ``years`` (those classed).

    Raises
    ------
    DataError
        If the area has no street-level records.
    ValueError
        If the year has fewer LSOAs than Gi* needs, or all have the same count.
    """
    fy = _fy(year)
    area = ds.resolve_area(area)
    now = _gi_of_year(ds, area, fy, alpha, shapes)
    # Earlier whole financial years, then the assessed period itself.
    earlier = [y for y in ds.financial_years(area) if Period.financial_year(y).last < fy.first]
    spots: dict[str, pd.Series] = {}
    for y in earlier:
        try:
            spots[y] = _gi_of_year(ds, area, y, alpha, shapes)["spot"]
        except (ValueError, DataError):
            continue
    spots[fy.label] = now["spot"]
    used = [*(y for y in earlier if y in spots), fy.label]
    out = now.reset_index(drop=True)
    if len(used) >= MIN_YEARS:
        out["trend"] = out["lsoa"].map(hot_spot_classes(spots, used)).astype("string")
    else:
        out["trend"] = pd.array([pd.NA] * len(out), dtype="string")
    out["_hot"] = out["spot"] != HOT
    out = out.sort_values(["_hot", "gi_z", "lsoa"], ascending=[True, False, True])
    out = out.drop(columns="_hot").reset_index(drop=True)[GI_COLUMNS]
    published = suppress_small(out, ["count"], threshold, derived=["gi_z", "p_value", "q_value"])
    published.attrs = {
        "band": now.attrs["band"],
        "contiguity": now.attrs["contiguity"],
        "years": used if len(used) >= MIN_YEARS else [],
    }
    return published


#: Columns of :func:`crime_by_deprivation`.
DEPRIVATION_COLUMNS = [
    "decile",
    "lsoas",
    "count",
    "share",
    "population",
    "rate_per_1000",
    "ci_lower",
    "ci_upper",
]


def crime_by_deprivation(
    full: pd.DataFrame, index: pd.DataFrame, threshold: int = THRESHOLD
) -> tuple[pd.DataFrame, dict]:
    """Crime and rate by deprivation decile of the LSOA (1 = the most deprived tenth).

    Parameters
    ----------
    full : pandas.DataFrame
        Unsuppressed hot spots, ``hotspots(..., publishable=False)`` (``lsoa, count,
        population``).
    index : pandas.DataFrame
        ``lsoa, decile`` (optional ``population``: used where ``full`` has none), as
        :mod:`csp_analysis.ingest.deprivation` reads an IMD or WIMD file.
    threshold : int, default 5
        Counts of 1 to ``threshold - 1`` are suppressed (share, rate and interval blanked).

    Returns
    -------
    tuple
        The table (:data:`DEPRIVATION_COLUMNS`, deciles 1 to 10; ``share`` of the crime in
        LSOAs the index lists) and a dict: ``most_deprived_fifth`` (share of that crime in
        deciles 1 and 2), ``matched`` and ``unmatched`` (crimes in LSOAs the index lists or
        not: an index of another LSOA vintage leaves some out), ``unmatched_lsoas``.

    Examples
    --------
    >>> full = pd.DataFrame({"lsoa": ["A", "B", "C"], "count": [30, 10, 5],
    ...                      "population": pd.array([1500, 1500, pd.NA], dtype="Int64")})
    >>> idx = pd.DataFrame({"lsoa": ["A", "B"], "decile": [1, 7]})
    >>> table, facts = crime_by_deprivation(full, idx)
    >>> round(facts["most_deprived_fifth"], 2), facts["unmatched"]
    (0.75, 5)
    """
    idx = index.assign(lsoa=index["lsoa"].astype("string").str.strip())
    idx = idx.drop_duplicates("lsoa").set_index("lsoa")
    idx["decile"] = pd.to_numeric(idx["decile"]).astype("int64")
    if "population" in idx.columns:
        idx["population"] = pd.to_numeric(idx["population"], errors="coerce")
    counts = pd.to_numeric(full["count"]).astype("int64").to_numpy()
    lsoa = full["lsoa"].astype("string").to_numpy()
    decile = pd.Series(lsoa).map(idx["decile"])
    pop = (
        pd.to_numeric(full["population"], errors="coerce").astype("Float64").reset_index(drop=True)
    )
    if "population" in idx.columns:
        pop = pop.fillna(pd.Series(lsoa).map(idx["population"]).astype("Float64"))
    frame = pd.DataFrame({"decile": decile, "count": counts, "population": pop})
    matched = frame[frame["decile"].notna()]
    by = (
        matched.groupby("decile")
        .agg(
            lsoas=("count", "size"),
            count=("count", "sum"),
            population=("population", lambda s: s.sum() if s.notna().all() else pd.NA),
        )
        .reindex(range(1, 11))
    )
    by.index.name = "decile"
    by = by.reset_index()
    by["lsoas"] = by["lsoas"].fillna(0).astype("int64")
    by["count"] = by["count"].fillna(0).astype("int64")
    by["population"] = pd.to_numeric(by["population"], errors="coerce").round().astype("Int64")
    total = int(by["count"].sum())
    by["share"] = by["count"] / total if total else np.nan
    by = calculate_rates(by, "count", "population")
    facts = {
        "most_deprived_fifth": float(by.loc[by["decile"] <= 2, "count"].sum() / total)
        if total
        else float("nan"),
        "matched": total,
        "unmatched": int(frame.loc[frame["decile"].isna(), "count"].sum()),
        "unmatched_lsoas": int(frame["decile"].isna().sum()),
    }
    out = suppress_small(
        by[DEPRIVATION_COLUMNS],
        ["count"],
        threshold,
        derived=["share", "rate_per_1000", "ci_lower", "ci_upper"],
    )
    return out, facts


DENSITY_COLUMNS = ["hex_centre_lon", "hex_centre_lat", "count", "hex_width", "hex_height"]


def density_cells(records: pd.DataFrame, min_count: int = 5, gridsize: int = 30) -> pd.DataFrame:
    """Hexagonal density cells of street-level records, only those with ``min_count`` or more.

    The binning is the usual hexagonal one (two offset rectangular lattices, each point to the
    nearer centre; as matplotlib's ``hexbin``), ``gridsize`` hexagons across the records'
    longitude range. Cells with fewer than ``min_count`` records are left out, so no single
    record can be located from the table or its map.

    Parameters
    ----------
    records : pandas.DataFrame
        ``longitude`` and ``latitude`` (rows without both are ignored), e.g. from
        :func:`select_records`.
    min_count : int, default 5
        Smallest number of records a published cell holds.
    gridsize : int, default 30
        Hexagons across the width of the area.

    Returns
    -------
    pandas.DataFrame
        ``hex_centre_lon, hex_centre_lat`` (the cell's centre on the lattice, to 4 decimal
        places, about 10 m: never a record's position), ``count``, ``hex_width`` and
        ``hex_height`` (the lattice spacing, degrees), busiest first.

    Raises
    ------
    ValueError
        If ``min_count`` or ``gridsize`` is not a whole number of at least 1.

    References
    ----------
    .. [1] Carr DB et al. Scatterplot matrix techniques for large N. *J Am Stat Assoc*
       1987;82:424–436 (hexagonal binning).

    Examples
    --------
    >>> pts = pd.DataFrame({"longitude": [0.0] * 6 + [1.0], "latitude": [51.0] * 6 + [52.0]})
    >>> density_cells(pts, min_count=5, gridsize=4)["count"].tolist()
    [6]
    """
    for name, value in (("min_count", min_count), ("gridsize", gridsize)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    lon = pd.to_numeric(records["longitude"], errors="coerce").to_numpy("float64", na_value=np.nan)
    lat = pd.to_numeric(records["latitude"], errors="coerce").to_numpy("float64", na_value=np.nan)
    ok = ~(np.isnan(lon) | np.isnan(lat))
    x, y = lon[ok], lat[ok]
    if not len(x):
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in DENSITY_COLUMNS})
    xmin, xmax, ymin, ymax = x.min(), x.max(), y.min(), y.max()
    if xmax - xmin < 1e-9:
        xmin, xmax = xmin - 0.005, xmax + 0.005
    if ymax - ymin < 1e-9:
        ymin, ymax = ymin - 0.005, ymax + 0.005
    pad = 1e-9 * (xmax - xmin)
    xmin, xmax = xmin - pad, xmax + pad
    nx = gridsize
    ny = max(int(nx / math.sqrt(3)), 1)
    sx, sy = (xmax - xmin) / nx, (ymax - ymin) / ny
    ix, iy = (x - xmin) / sx, (y - ymin) / sy
    ix1, iy1 = np.round(ix), np.round(iy)
    ix2, iy2 = np.floor(ix), np.floor(iy)
    near1 = (ix - ix1) ** 2 + 3 * (iy - iy1) ** 2
    near2 = (ix - ix2 - 0.5) ** 2 + 3 * (iy - iy2 - 0.5) ** 2
    first = near1 < near2
    cx = np.where(first, xmin + ix1 * sx, xmin + (ix2 + 0.5) * sx)
    cy = np.where(first, ymin + iy1 * sy, ymin + (iy2 + 0.5) * sy)
    cells = (
        pd.DataFrame({"hex_centre_lon": cx.round(4), "hex_centre_lat": cy.round(4)})
        .value_counts()
        .rename("count")
        .reset_index()
    )
    cells = cells[cells["count"] >= min_count]
    cells = cells.sort_values(
        ["count", "hex_centre_lon", "hex_centre_lat"], ascending=[False, True, True]
    ).reset_index(drop=True)
    return cells.assign(
        count=cells["count"].astype("int64"), hex_width=round(sx, 6), hex_height=round(sy, 6)
    )[DENSITY_COLUMNS]
