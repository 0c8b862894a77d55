"""Comparison with similar areas: the peer table (funnel limits, benchmark verdicts and
nearest neighbours are in :mod:`csp_analysis.statistics.comparators`).

A partnership is compared with a group of peers: a "most similar group" (MSG) as the Home
Office's iQuanta draws it, a list read from ``peers.csv``, or by default the other partnerships
of the same police force. For each category the table gives every member's rate per 1,000
residents with its 95% and 99.8% intervals (:mod:`csp_analysis.statistics.rates`), the pooled
group rate, the band "mean ± 1 SD of member rates", a Fingertips-style verdict against the pooled
rate and each member's rank.

References
----------
.. [1] Home Office. *iQuanta*: most similar groups of Community Safety Partnerships (police
   performance comparison service).
.. [2] Public Health England. *Technical guide: confidence intervals*, and *Fingertips funnel
   plot methodology*, 2018.
.. [3] Spiegelhalter DJ. Funnel plots for comparing institutional performance. *Stat Med*
   2005;24:1185–1202.
.. [4] CIPFA. *Nearest neighbours model*: technical guidance (standardised indicators,
   Euclidean distance).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from csp_analysis.analyses.periods import complete_years
from csp_analysis.categories import ALL_CRIME
from csp_analysis.exceptions import DataError, UsageError
from csp_analysis.ingest.base import norm
from csp_analysis.model import Dataset, months_of_period
from csp_analysis.periods import Period, month_label, parse_period
from csp_analysis.statistics.comparators import (
    HIGHER,
    LOWER,
    SIMILAR,
    compare_with_benchmark,
    overdispersed_limits,
    overdispersion,
)
from csp_analysis.statistics.rates import calculate_rates

PER = 1000
ROLE_AREA = "assessed area"
ROLE_PEER = "peer"
PEER_COLUMNS = [
    "area",
    "role",
    "category",
    "kind",
    "count",
    "population",
    "rate_per_1000",
    "ci_lower",
    "ci_upper",
    "ci99_lower",
    "ci99_upper",
    "group_rate",
    "group_mean",
    "band_lower",
    "band_upper",
    "band",
    "group_size",
    "comparison",
    "comparison_99_8",
    "rank",
    "method",
    "confidence",
    "note",
    "dispersion",
    "tau2",
    "od_lower_95",
    "od_upper_95",
    "comparison_od",
]

__all__ = [
    "PEER_COLUMNS",
    "peer_table",
    "read_peers",
]


# ---------------------------------------------------------------------------- peers.csv
def read_peers(df: pd.DataFrame) -> dict[str, list[str]]:
    """Read a peer list: ``area, peer`` with one row per peer.

    Parameters
    ----------
    df : pandas.DataFrame
        The ``peers.csv`` table. Column names are matched ignoring case and spacing; cells are
        stripped.

    Returns
    -------
    dict of str to list of str
        Each area's peers in file order, duplicates removed.

    Raises
    ------
    DataError
        Naming the column: ``area`` or ``peer`` absent, a blank cell, or an area listed as its
        own peer.

    Examples
    --------
    >>> read_peers(pd.DataFrame({"area": ["A", "A"], "peer": ["B", "C"]}))
    {'A': ['B', 'C']}
    """
    cols = {norm(c): c for c in df.columns}
    for col in ("area", "peer"):
        if col not in cols:
            raise DataError(
                "the peer list has no such column (expected: area, peer)",
                file="peers.csv",
                column=col,
            )
    area = df[cols["area"]].astype("string").str.strip().fillna("")
    peer = df[cols["peer"]].astype("string").str.strip().fillna("")
    out: dict[str, list[str]] = {}
    for a, p in zip(area, peer, strict=True):
        if a == "":
            raise DataError(
                f"area is blank (on the row with peer '{p}')", file="peers.csv", column=cols["area"]
            )
        if p == "":
            raise DataError(f"peer is blank for area '{a}'", file="peers.csv", column=cols["peer"])
        if p.casefold() == a.casefold():
            raise DataError(
                f"'{a}' is listed as its own peer", file="peers.csv", column=cols["peer"]
            )
        peers = out.setdefault(a, [])
        if p.casefold() not in {x.casefold() for x in peers}:
            peers.append(p)
    return out


# ---------------------------------------------------------------------------- verdicts
def _fy(year: str | Period) -> Period:
    """The period (a financial year may be written ``"2025/26"``), parsed once."""
    try:
        return parse_period(year)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _resolve_peers(
    ds: Dataset, area: str, peers: Sequence[str] | None, areas: list[str]
) -> tuple[list[str], str]:
    """The peers to use and the sentence saying where they came from."""
    if peers is None:
        force = ds.area_force.get(area)
        if force is None:
            raise UsageError(f"no police force is known for '{area}': give a list of peers")
        chosen = sorted(
            a for a, f in ds.area_force.items() if f == force and a != area and a in areas
        )
        return chosen, (
            f"Peers: the other {len(chosen)} partnership areas of {force} (no peer list was given)."
        )
    by_fold = {a.casefold(): a for a in areas}
    chosen = []
    for p in peers:
        name = by_fold.get(str(p).strip().casefold(), str(p).strip())
        if name and name.casefold() != area.casefold() and name not in chosen:
            chosen.append(name)
    return chosen, f"Peers: {len(chosen)} areas from the peer list given ({', '.join(chosen)})."


def _member_year(
    ds: Dataset, member: str, fy: Period, areas: list[str]
) -> tuple[dict[str, int], dict[str, list]]:
    """A member's counts by category for a period and the months missing by kind."""
    all_months = fy.months
    if member not in areas:
        return {}, {"crime": all_months, "asb": all_months}
    counts = ds.area_counts(member)
    inside = {p: set(months_of_period(p)) <= set(all_months) for p in counts["period"].unique()}
    counts = counts[counts["period"].map(inside).astype(bool)]
    missing = {}
    for kind in ("crime", "asb"):
        periods = counts.loc[counts["kind"] == kind, "period"].unique()
        covered = {m for p in periods for m in months_of_period(p)}
        missing[kind] = [m for m in all_months if m not in covered]
    values = {str(c): int(n) for c, n in counts.groupby("category")["count"].sum().items()}
    crime = counts[counts["kind"] == "crime"]
    if len(crime):
        values[ALL_CRIME] = int(crime["count"].sum())
    return values, missing


def _missing_text(months: list[str]) -> str:
    shown = ", ".join(month_label(m) for m in months[:4]) + (" …" if len(months) > 4 else "")
    return f"incomplete year: {12 - len(months)} of 12 months (missing {shown}); no rate"


def peer_table(
    ds: Dataset, area: str, year: str | Period, peers: Sequence[str] | None = None
) -> tuple[pd.DataFrame, str]:
    """Rates of an area and its peers for every category, with group rate, band and verdicts.

    Parameters
    ----------
    ds : Dataset
    area : str
        The assessed partnership.
    year : str
        The assessed financial year, e.g. ``"2025/26"``. It must be complete (12 months) for
        the area's crime counts.
    peers : sequence of str, optional
        The comparison group without the area itself (e.g. from :func:`read_peers`). Default:
        the other partnership areas of the area's police force, and the note says so.

    Returns
    -------
    table : pandas.DataFrame
        One row per category (All crime, the crime categories, anti-social behaviour) and
        member, columns :data:`PEER_COLUMNS`:

        - ``count`` for the financial year; ``population`` from ``ds.population_of(member,
          start year)`` (mid-year of the April the year starts);
        - ``rate_per_1000`` with ``ci_lower, ci_upper`` (95%) and ``ci99_lower, ci99_upper``
          (99.8%), ``method`` and ``confidence`` (see :func:`calculate_rates`);
        - ``group_rate``: pooled rate, sum of counts / sum of populations × 1,000 over the
          members with a rate (the area included); ``group_mean`` and the band
          ``band_lower, band_upper`` = mean ± 1 sample SD of member rates (lower clipped at 0;
          missing with fewer than two rates), ``band`` as text; ``group_size``;
        - ``comparison`` (95%) and ``comparison_99_8`` (99.8%): ``higher``, ``similar`` or
          ``lower`` than the pooled group rate, Fingertips style (the member's interval against
          the benchmark);
        - ``rank`` within the group, 1 = highest rate;
        - ``dispersion`` (Spiegelhalter's phi: 1 is Poisson chance; more means areas differ
          more than chance), ``tau2`` (between-area variance on the square-root scale, 0 when
          no adjustment was needed), ``od_lower_95, od_upper_95`` (the over-dispersed 95%
          limits at the member's population) and ``comparison_od``: ``higher``, ``similar``
          (inside the adjusted limits) or ``lower`` - the verdict the report shows;
        - ``note``: a member without population, with missing months in the year (its count
          covers the months present; it gets no rate and is left out of the group figures), or
          with no data. Such members are listed, never dropped.
    note : str
        Where the peers came from, the population used and the members flagged.

    Raises
    ------
    UsageError
        Unknown area, a year that is not a financial year, or a year that is not complete for
        the area (the message lists the complete years).

    References
    ----------
    .. [1] Public Health England. *Technical guide: confidence intervals*. Fingertips, 2018.
    .. [2] Home Office. *iQuanta* most similar groups.
    """
    area = ds.resolve_area(area)
    areas = ds.areas  # computed once: the property scans every count
    fy = _fy(year)
    start = fy.population_year
    _, area_missing = _member_year(ds, area, fy, areas)
    if area_missing["crime"]:
        complete = complete_years(ds, area)
        raise UsageError(
            f"{fy} is not a complete year for {area} "
            f"({12 - len(area_missing['crime'])} of 12 months): compare complete years only. "
            + (
                f"Complete years in the data: {', '.join(complete)}."
                if complete
                else "The data hold no complete year for it."
            )
        )
    peers_used, where = _resolve_peers(ds, area, peers, areas)
    members = [area, *peers_used]
    data = {m: _member_year(ds, m, fy, areas) for m in members}
    kinds = {c: ds.cmap.kind(c) for c in ds.cmap.of_kind("crime") + ds.cmap.of_kind("asb")}
    kinds[ALL_CRIME] = "crime"
    present = {c for values, _ in data.values() for c in values}
    categories = [ALL_CRIME] + [
        c for c in ds.cmap.of_kind("crime") + ds.cmap.of_kind("asb") if c in present
    ]

    pops: dict[str, int | None] = {}
    pop_notes: dict[str, str] = {}
    for m in members:
        pops[m], pop_notes[m] = ds.population_of(m, start)
    rows = []
    for cat in categories:
        kind = kinds[cat]
        for m in members:
            values, missing = data[m]
            notes = []
            count = values.get(cat)
            usable = True
            if m not in areas:
                close = difflib.get_close_matches(m, areas, n=1, cutoff=0.6)
                notes.append("not in the data" + (f" (did you mean {close[0]}?)" if close else ""))
                usable = False
            elif missing[kind] and len(missing[kind]) == 12:
                notes.append(
                    f"no {'anti-social behaviour' if kind == 'asb' else 'crime'} data for {fy}"
                )
                count, usable = None, False
            elif missing[kind]:
                notes.append(_missing_text(missing[kind]))
                usable = False
            elif count is None:
                notes.append("no counts for this category")
                usable = False
            elif count < 0:  # Home Office adjustments can leave a year total below zero
                notes.append(
                    f"{cat}: the year total is {count:,} after Home Office adjustments: no rate"
                )
                usable = False
            if pops[m] is None:
                notes.append("no population: no rate")
            rows.append(
                {
                    "area": m,
                    "role": ROLE_AREA if m == area else ROLE_PEER,
                    "category": cat,
                    "kind": kind,
                    "count": count,
                    "population": pops[m] if usable else None,
                    "shown_population": pops[m],
                    "note": "; ".join(notes),
                }
            )
    table = pd.DataFrame(rows)
    table["count"] = table["count"].astype("Int64")
    table["population"] = table["population"].astype("Int64")
    shown_count = table["count"]
    # a negative total (Home Office adjustments) is shown as it is but has no rate
    table["count"] = table["count"].where(table["count"].isna() | (table["count"] >= 0), pd.NA)
    table = calculate_rates(table, "count", "population", per=PER)
    table["count"] = shown_count
    table["population"] = table.pop("shown_population").astype("Int64")
    table = _group_figures(table)
    table = table.astype({c: "string" for c in ("area", "role", "category", "kind", "note")})
    order = {c: i for i, c in enumerate(categories)}
    table = table.sort_values(
        ["category", "rank", "area"],
        key=lambda s: s.map(order) if s.name == "category" else s,
        na_position="last",
    ).reset_index(drop=True)
    return table[PEER_COLUMNS], _peer_note(area, start, where, pops, pop_notes, table)


def _group_figures(table: pd.DataFrame) -> pd.DataFrame:
    """Add pooled group rate, band, verdicts and rank within each category."""
    parts = []
    for _, grp in table.groupby("category", sort=False):
        grp = grp.copy()
        ok = grp["rate_per_1000"].notna()
        rates = grp.loc[ok, "rate_per_1000"]
        pooled = (
            grp.loc[ok, "count"].sum() / grp.loc[ok, "population"].sum() * PER
            if ok.any()
            else np.nan
        )
        mean = rates.mean() if len(rates) else np.nan
        sd = rates.std(ddof=1) if len(rates) > 1 else np.nan
        grp["group_rate"] = float(pooled)
        grp["group_mean"] = float(mean)
        grp["band_lower"] = max(mean - sd, 0.0) if pd.notna(sd) else np.nan
        grp["band_upper"] = mean + sd if pd.notna(sd) else np.nan
        grp["group_size"] = int(ok.sum())
        grp["comparison"] = compare_with_benchmark(grp["ci_lower"], grp["ci_upper"], pooled)
        grp["comparison_99_8"] = compare_with_benchmark(
            grp["ci99_lower"], grp["ci99_upper"], pooled
        )
        grp["rank"] = grp["rate_per_1000"].rank(ascending=False, method="min").astype("Int64")
        grp = _overdispersed_verdicts(grp, ok, pooled)
        parts.append(grp)
    out = pd.concat(parts)
    band = [
        f"{lo:.2f} to {hi:.2f}" if pd.notna(lo) else pd.NA
        for lo, hi in zip(out["band_lower"], out["band_upper"], strict=True)
    ]
    out["band"] = pd.Series(band, index=out.index, dtype="string")
    return out


def _overdispersed_verdicts(grp: pd.DataFrame, ok: pd.Series, pooled: float) -> pd.DataFrame:
    """Spiegelhalter's over-dispersed 95% limits and the verdict against them (one category)."""
    grp["dispersion"] = np.nan
    grp["tau2"] = np.nan
    grp["od_lower_95"] = np.nan
    grp["od_upper_95"] = np.nan
    grp["comparison_od"] = pd.Series(pd.NA, index=grp.index, dtype="string")
    if ok.sum() < 2 or not pooled > 0:
        return grp
    counts = grp.loc[ok, "count"].astype("float64")
    pops = grp.loc[ok, "population"].astype("float64")
    od = overdispersion(counts, pooled * pops / PER)
    lim = overdispersed_limits(pooled, pops, od["tau2"], per=PER)
    grp["dispersion"] = od["phi"]
    grp["tau2"] = od["tau2"]
    grp.loc[ok, "od_lower_95"] = lim["od_lower_95"].to_numpy()
    grp.loc[ok, "od_upper_95"] = lim["od_upper_95"].to_numpy()
    rate = grp["rate_per_1000"].astype("float64")
    verdict = np.select(
        [rate > grp["od_upper_95"], rate < grp["od_lower_95"]], [HIGHER, LOWER], SIMILAR
    )
    grp["comparison_od"] = pd.Series(verdict, index=grp.index, dtype="string").where(ok, pd.NA)
    return grp


def _peer_note(
    area: str, start: int, where: str, pops: dict, pop_notes: dict, table: pd.DataFrame
) -> str:
    parts = [where]
    if pops[area] is not None:
        parts.append(f"Population of {area}: {pops[area]:,} ({pop_notes[area]}).")
    no_pop = [m for m, p in pops.items() if p is None]
    if no_pop:
        parts.append(f"No population for {', '.join(no_pop)}: listed without rates.")
    flagged = table.loc[
        (table["category"] == ALL_CRIME)
        & (table["note"] != "")
        & table["note"].str.contains("incomplete|no crime|not in the data"),
        "area",
    ]
    if len(flagged):
        parts.append(
            f"Not compared (incomplete or no data for the year): "
            f"{', '.join(flagged)}; see the note column."
        )
    parts.append(
        "Group rate: pooled over the members with a rate; band: mean ± 1 SD of member "
        f"rates; verdicts at 95% and 99.8% against the group rate (mid-{start} "
        "population). Areas differ for many reasons besides chance, so the verdict shown "
        "uses limits widened for the variation between areas "
        "(Spiegelhalter 2005): 'similar' means inside those limits."
    )
    return " ".join(parts)


# ---------------------------------------------------------------------------- funnels
