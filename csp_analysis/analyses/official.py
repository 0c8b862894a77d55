"""Official figures beside police.uk counts: reconciliation, coverage and benchmarks.

police.uk street-level counts are not the recorded crime statistics: they are a separate
monthly extract, forces are missing for long spells and some rows have no location. The
official totals (the Home Office police recorded crime table by CSP, the ONS table of recorded
crime by CSP) are the record. This module
sets the two side by side where both cover the same area and the same twelve months, lists
police.uk coverage by force and month, and gives the comparison rows the official tables hold
(the force area, the most similar group, England and Wales).
"""

from __future__ import annotations

import pandas as pd

from csp_analysis.model import Dataset, months_of_period
from csp_analysis.periods import financial_year_of_period, month_range, parse_financial_year

#: Columns of the reconciliation table (``tables/reconciliation.csv``).
RECONCILIATION_COLUMNS = [
    "area",
    "period",
    "police_uk",
    "official",
    "difference",
    "pct_difference",
    "official_source",
]
#: Columns of police.uk coverage by force and month.
COVERAGE_COLUMNS = ["force", "month", "rows", "no_location", "no_location_share", "status"]
#: Columns of the benchmark rows.
BENCHMARK_COLUMNS = [
    "comparison",
    "name",
    "period",
    "crimes",
    "population",
    "rate_per_1000",
    "official_source",
    "note",
]
HOME_OFFICE_SOURCE = "Home Office, police recorded crime open data tables by CSP"
_TOTAL_COLUMNS = [
    "area",
    "force",
    "geography",
    "period",
    "first_month",
    "last_month",
    "official",
    "population",
    "official_source",
]


def _home_office_years(ds: Dataset) -> pd.DataFrame:
    """Financial-year totals of the Home Office counts, for years all four quarters cover."""
    c = ds.counts[ds.counts["source"] == "home_office"]
    crimes = set(ds.cmap.of_kind("crime"))
    c = c[c["category"].isin(crimes)]
    if not len(c):
        return pd.DataFrame(columns=_TOTAL_COLUMNS)
    c = c.assign(period=c["period"].map(financial_year_of_period))
    rows = []
    for (area, force, fy), sub in c.groupby(["area", "force", "period"], dropna=False):
        months = months_of_period(str(fy))
        covered = set(ds.covered_months(str(area), "home_office"))
        if not set(months) <= covered:
            continue  # a year with a missing quarter is not a year's total
        rows.append(
            {
                "area": area,
                "force": force,
                "geography": "csp",
                "period": fy,
                "first_month": months[0],
                "last_month": months[-1],
                "official": int(sub["count"].sum()),
                "population": pd.NA,
                "official_source": HOME_OFFICE_SOURCE,
            }
        )
    return pd.DataFrame(rows, columns=_TOTAL_COLUMNS)


def official_totals(ds: Dataset) -> pd.DataFrame:
    """Every official total of all recorded crime (excluding fraud) the data hold.

    From the ONS tables (``tables["official_totals"]``, the total column) and from the Home
    Office table (its offence rows summed over the financial years whose four quarters it
    covers).

    Parameters
    ----------
    ds : Dataset
        The data.

    Returns
    -------
    pandas.DataFrame
        ``area, force, geography, period, first_month, last_month, official, population,
        official_source``: one row per area and twelve-month period (``geography``: ``csp``,
        ``pfa``, ``region`` or ``country``).
    """
    parts = [_home_office_years(ds)]
    ons = ds.tables.get("official_totals")
    if ons is not None and len(ons):
        t = ons[ons["level"] == "total"]
        parts.append(
            pd.DataFrame(
                {
                    "area": t["area"],
                    "force": t["force"],
                    "geography": t["geography"],
                    "period": t["period"],
                    "first_month": [month_range_start(e) for e in t["period_end"]],
                    "last_month": t["period_end"],
                    "official": t["count"].astype("int64"),
                    "population": t["population"],
                    "official_source": t["official_source"],
                }
            )
        )
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=_TOTAL_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out.drop_duplicates(["area", "geography", "period", "official_source"])


def month_range_start(last: str) -> str:
    """The first month of the twelve months ending ``last``.

    Parameters
    ----------
    last : str
        ``YYYY-MM``.

    Returns
    -------
    str
        ``YYYY-MM`` eleven months earlier.

    Examples
    --------
    >>> month_range_start("2023-12"), month_range_start("2023-03")
    ('2023-01', '2022-04')
    """
    y, m = int(last[:4]), int(last[5:7])
    index = y * 12 + (m - 1) - 11
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def police_uk_total(ds: Dataset, area: str, months: list[str]) -> int | None:
    """police.uk crimes (anti-social behaviour not included) of an area over some months.

    Parameters
    ----------
    ds : Dataset
        The data.
    area : str
        Partnership area, as in ``ds.areas``.
    months : list of str
        ``YYYY-MM`` months.

    Returns
    -------
    int or None
        The count, or ``None`` when police.uk data do not cover every one of the months for
        the area's force (a missing month is missing, never zero).
    """
    if area not in ds.areas:
        return None
    if not set(months) <= set(ds.covered_months(area, "police_uk")):
        return None
    c = ds.counts
    crimes = set(ds.cmap.of_kind("crime"))
    sel = (
        (c["source"] == "police_uk")
        & (c["area"] == area)
        & c["period"].isin(months)
        & c["category"].isin(crimes)
    )
    return int(c.loc[sel, "count"].sum())


def reconciliation(ds: Dataset, areas: list[str] | None = None) -> pd.DataFrame:
    """police.uk counts beside official totals, where both cover the same area and period.

    Parameters
    ----------
    ds : Dataset
        The data.
    areas : list of str, optional
        The partnerships to include (default every one with an official total).

    Returns
    -------
    pandas.DataFrame
        :data:`RECONCILIATION_COLUMNS`, one row per partnership and twelve-month period
        for which police.uk data cover all twelve months and an official total exists:
        ``difference`` is police.uk minus official, ``pct_difference`` that as a percentage
        of the official total (one decimal). Oldest period first.
    """
    tot = official_totals(ds)
    tot = tot[tot["geography"] == "csp"]
    by_name = {a.casefold(): a for a in ds.areas}
    rows = []
    for r in tot.itertuples():
        area = by_name.get(str(r.area).casefold())
        if area is None or (areas is not None and area not in areas):
            continue
        months = month_range(str(r.first_month), str(r.last_month))
        police = police_uk_total(ds, area, months)
        if police is None:
            continue
        official = int(r.official)
        diff = police - official
        rows.append(
            {
                "area": area,
                "period": r.period,
                "police_uk": police,
                "official": official,
                "difference": diff,
                "pct_difference": round(100 * diff / official, 1) if official else pd.NA,
                "official_source": r.official_source,
                "_end": r.last_month,
            }
        )
    out = pd.DataFrame(rows, columns=[*RECONCILIATION_COLUMNS, "_end"])
    out = out.sort_values(["_end", "area"], kind="stable").drop(columns="_end")
    return out.astype(
        {
            "police_uk": "Int64",
            "official": "Int64",
            "difference": "Int64",
            "pct_difference": "Float64",
        }
    ).reset_index(drop=True)


def police_uk_coverage(ds: Dataset, force: str | None = None) -> pd.DataFrame:
    """police.uk rows by force and month, with the share that has no location.

    Every month from the first to the last month of the police.uk data is listed for each
    force; a force-month with no rows is ``missing`` (its counts empty), never zero.

    Parameters
    ----------
    ds : Dataset
        The data.
    force : str, optional
        One force only (as written in the files).

    Returns
    -------
    pandas.DataFrame
        :data:`COVERAGE_COLUMNS`: ``rows`` read with a force and a month, ``no_location``
        (blank LSOA), their ``no_location_share`` (0 to 1), ``status`` ``covered`` or
        ``missing``.
    """
    t = ds.tables.get("police_uk_rows")
    if t is None or not len(t):
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    t = t.groupby(["force", "month"], as_index=False)[["rows", "no_location"]].sum()
    if force is not None:
        t = t[t["force"] == force]
        if not len(t):
            return pd.DataFrame(columns=COVERAGE_COLUMNS)
    months = month_range(str(t["month"].min()), str(t["month"].max()))
    grid = pd.MultiIndex.from_product(
        [sorted(t["force"].unique()), months], names=["force", "month"]
    ).to_frame(index=False)
    out = grid.merge(t, on=["force", "month"], how="left")
    out["rows"] = out["rows"].astype("Int64")
    out["no_location"] = out["no_location"].astype("Int64")
    share = out["no_location"].astype("Float64") / out["rows"].astype("Float64")
    out["no_location_share"] = share.round(4)
    out["status"] = out["rows"].notna().map({True: "covered", False: "missing"})
    return out[COVERAGE_COLUMNS].astype({"force": "string", "month": "string", "status": "string"})


def _population(ds: Dataset, areas: list[str], period: str) -> int | None:
    """Summed population of areas in the year a financial-year period starts, or None."""
    try:
        year = parse_financial_year(period)
    except ValueError:
        return None
    total = 0
    for a in areas:
        pop, _ = ds.population_of(a, year) if a in ds.areas else (None, "")
        if pop is None:
            return None
        total += int(pop)
    return total


def benchmarks(ds: Dataset, area: str, period: str | None = None) -> pd.DataFrame:
    """The area beside its force area, its most similar group and England and Wales.

    Each comparison row is given only where the official totals hold it: a force area or
    England and Wales row of the table itself, or else the sum of the partnerships in the
    table (labelled with how many); the most similar group is the sum of the area's peers
    (``peers`` table) when every peer has an official total for the period.

    Parameters
    ----------
    ds : Dataset
        The data.
    area : str
        Partnership area.
    period : str, optional
        The period (default: the latest one with an official total for the area).

    Returns
    -------
    pandas.DataFrame
        :data:`BENCHMARK_COLUMNS`; ``rate_per_1000`` is crimes per 1,000 residents where a
        population is known (the table's own, else the data's population), else empty.
        Empty when the area has no official total.
    """
    tot = official_totals(ds)
    mine = tot[(tot["area"].str.casefold() == area.casefold()) & (tot["geography"] == "csp")]
    if period is not None:
        mine = mine[mine["period"] == period]
    if not len(mine):
        return pd.DataFrame(columns=BENCHMARK_COLUMNS)
    me = mine.sort_values("last_month").iloc[-1]
    same = tot[(tot["period"] == me["period"]) & (tot["official_source"] == me["official_source"])]
    csps = same[same["geography"] == "csp"]
    rows = []

    def add(comparison: str, name: str, sub: pd.DataFrame, note: str) -> None:
        crimes = int(sub["official"].sum())
        pops = pd.to_numeric(sub["population"], errors="coerce")
        pop = int(pops.sum()) if pops.notna().all() else None
        if pop is None and comparison != "England and Wales":
            pop = _population(ds, [str(a) for a in sub["area"]], str(me["period"]))
        rows.append(
            {
                "comparison": comparison,
                "name": name,
                "period": me["period"],
                "crimes": crimes,
                "population": pop,
                "rate_per_1000": round(crimes / pop * 1000, 1) if pop else None,
                "official_source": me["official_source"],
                "note": note,
            }
        )

    add("the area", str(me["area"]), mine[mine["period"] == me["period"]].head(1), "")
    force = me["force"]
    if pd.notna(force) and str(force):
        pfa = same[(same["geography"] == "pfa") & (same["area"] == force)]
        members = csps[csps["force"] == force]
        if len(pfa):
            add("police force area", str(force), pfa.head(1), "the force area's row of the table")
        elif len(members) > 1:
            add(
                "police force area",
                str(force),
                members,
                f"sum of the {len(members)} partnerships of {force} in the table",
            )
    peers = ds.tables.get("peers")
    if peers is not None and len(peers):
        mine_peers = peers[peers["area"].str.casefold() == area.casefold()]["peer"]
        names = {p.casefold() for p in mine_peers}
        group = csps[csps["area"].str.casefold().isin(names)]
        if names and len(group) == len(names):
            add(
                "most similar group",
                f"{len(names)} peers",
                group,
                "sum of the peers in the peers table",
            )
        elif names:
            rows.append(
                {
                    "comparison": "most similar group",
                    "name": f"{len(names)} peers",
                    "period": me["period"],
                    "crimes": None,
                    "population": None,
                    "rate_per_1000": None,
                    "official_source": me["official_source"],
                    "note": f"only {len(group)} of the {len(names)} peers have an official "
                    "total for the period: no group figure",
                }
            )
    country = same[
        (same["geography"] == "country") & (same["area"].str.casefold() == "england and wales")
    ]
    if len(country):
        add("England and Wales", "England and Wales", country.head(1), "the table's own row")
    elif len(csps) > 1:
        add(
            "all partnerships in the table",
            f"{len(csps)} partnerships",
            csps,
            "not England and Wales unless the table holds every partnership",
        )
    out = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    return out.astype({"crimes": "Int64", "population": "Int64", "rate_per_1000": "Float64"})
