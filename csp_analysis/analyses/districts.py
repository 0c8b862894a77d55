"""The force's districts side by side: All crime change and rate for every partnership.

Published assessments print this table ranked by percent change ("a table of the force's
districts ranked by % change"). Each row uses :func:`~csp_analysis.analyses.change.category_change`
so the like-for-like rule applies: when a year has missing months both years are compared on the
months present in both, and the row says so.
"""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.periods import missing_months
from csp_analysis.categories import ALL_CRIME
from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset
from csp_analysis.periods import Period, parse_period
from csp_analysis.statistics.change import pct_change
from csp_analysis.statistics.rates import calculate_rates
from csp_analysis.statistics.significance import test_change

COLUMNS = [
    "rank",
    "area",
    "previous",
    "current",
    "change",
    "pct_change",
    "months_compared",
    "population",
    "rate_per_1000",
    "ci_lower",
    "ci_upper",
    "rate_rank",
    "note",
    "force_pct_change",
    "vs_force",
]

__all__ = ["COLUMNS", "district_change"]


def district_change(ds: Dataset, force: str, year: str | Period) -> pd.DataFrame:
    """All crime in every partnership of a force: previous and current year, change, rate.

    Parameters
    ----------
    ds : Dataset
    force : str
        The police force (matched ignoring case), e.g. ``"Essex Police"``.
    year : str
        The assessed financial year, e.g. ``"2018/19"``; compared with the year before.

    Returns
    -------
    pandas.DataFrame
        One row per partnership area of the force (:meth:`Dataset.areas_of_force`), columns
        :data:`COLUMNS`:

        - ``previous``, ``current``, ``change``, ``pct_change`` (percent, 0.1) and
          ``months_compared`` for All crime (anti-social behaviour never included), from
          :func:`category_change`: a year with missing months is compared like for like on the
          months present in both years;
        - ``population`` (mid-year of the April the assessed year starts, nearest year if that
          one is absent) and ``rate_per_1000`` of the current count with its 95% interval
          ``ci_lower, ci_upper``: blank where the population is unknown, never zero. Where
          fewer than 12 months are compared the rate covers those months only (the note says
          so);
        - ``rank``: 1 = the largest percent increase (rows sorted that way, areas without a
          percent change last, ties share a rank); ``rate_rank``: 1 = the highest rate;
        - ``note``: incomplete periods, rates over part of a year, population missing or taken
          from another year;
        - ``force_pct_change``: the % change of the force (the areas with 12 months compared)
          and ``vs_force``: the area's change against the rest of the force ("in line with
          Essex Police (+21.0%)", "rose more than ...", "fell more than ..."; exact
          conditional test at 5%), missing where the area is not compared on 12 months.

    Raises
    ------
    UsageError
        If the force is not in the data or the year is not a financial year.

    Examples
    --------
    >>> from csp_analysis.model import load
    >>> t = district_change(load(), "Wessmoor Constabulary", "2025/26")
    >>> len(t), t["pct_change"].is_monotonic_decreasing
    (14, True)
    """
    force = ds.resolve_force(force)
    try:
        fy = parse_period(year)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    start = fy.population_year
    areas = set(ds.areas)  # as Dataset.areas_of_force, with the area list computed once
    members = sorted(a for a, f in ds.area_force.items() if f == force and a in areas)
    rows = []
    for area in members:
        table = category_change(ds, area, fy)
        row = table[table["category"] == ALL_CRIME]
        notes = []
        if len(row):
            r = row.iloc[0]
            values = {
                k: r[k] for k in ("previous", "current", "change", "pct_change", "months_compared")
            }
            if r["note"]:
                notes.append(str(r["note"]))
        else:
            values = {
                "previous": pd.NA,
                "current": pd.NA,
                "change": pd.NA,
                "pct_change": pd.NA,
                "months_compared": 0,
            }
            notes.append("no crime counts")
        population, pop_note = ds.population_of(area, start)
        if population is None:
            notes.append("no population: no rate")
        else:
            exact = ds.population[
                (ds.population["area"].str.casefold() == area.casefold())
                & (ds.population["year"] == start)
            ]
            if not len(exact):
                notes.append(f"population: {pop_note}")
            months = int(values["months_compared"])
            if pd.notna(values["current"]) and 0 < months < 12:
                notes.append(f"rate over the {months} months compared")
            elif pd.notna(values["current"]) and months == 0:
                gaps = missing_months(ds, area, fy)
                if gaps:
                    notes.append(
                        f"rate over the {fy.n_months - len(gaps)} months of {fy} with data"
                    )
        rows.append({"area": area, **values, "population": population, "note": "; ".join(notes)})
    out = pd.DataFrame(
        rows,
        columns=[
            "area",
            "previous",
            "current",
            "change",
            "pct_change",
            "months_compared",
            "population",
            "note",
        ],
    )
    out = out.astype(
        {
            "area": "string",
            "previous": "Int64",
            "current": "Int64",
            "change": "Int64",
            "pct_change": "Float64",
            "months_compared": "int64",
            "population": "Int64",
            "note": "string",
        }
    )
    out = calculate_rates(out, "current", "population")
    out = out.sort_values(["pct_change", "area"], ascending=[False, True], na_position="last")
    out = out.reset_index(drop=True)
    out["rank"] = out["pct_change"].rank(ascending=False, method="min").astype("Int64")
    out["rate_rank"] = out["rate_per_1000"].rank(ascending=False, method="min").astype("Int64")
    out = _against_force(out, force)
    return out[COLUMNS]


def _against_force(out: pd.DataFrame, force: str) -> pd.DataFrame:
    """Each area's change set against the rest of its force's over the same months.

    The area's current count given its two-year total is tested against the share the rest of
    the force (every other area with both years) had: the exact conditional test of
    :func:`~csp_analysis.statistics.significance.test_change` with the rest of the force's
    counts as the exposures. ``vs_force`` reads "in line with <force> (+21.0%)", or "rose
    more than ..." / "fell more than ..." when the difference is beyond chance at 5%.
    """
    ok = out["previous"].notna() & out["current"].notna() & (out["months_compared"] == 12)
    force_prev = int(out.loc[ok, "previous"].sum())
    force_cur = int(out.loc[ok, "current"].sum())
    force_pct = pct_change(force_prev, force_cur) if force_prev > 0 else float("nan")
    out["force_pct_change"] = pd.array([force_pct] * len(out), dtype="Float64")
    words: list = []
    for prev, cur, good in zip(out["previous"], out["current"], ok, strict=True):
        rest_prev, rest_cur = force_prev - (prev if good else 0), force_cur - (cur if good else 0)
        if not good or prev < 0 or cur < 0 or rest_prev <= 0 or rest_cur <= 0:
            words.append(pd.NA)
            continue
        res = test_change(int(prev), int(cur), float(rest_prev), float(rest_cur))
        force_words = f"{force} ({force_pct:+.1f}%)"
        if not res["significant"]:
            words.append(f"in line with {force_words}")
        elif res["rate_ratio"] > 1:
            words.append(f"rose more than {force_words}")
        else:
            words.append(f"fell more than {force_words}")
    out["vs_force"] = pd.array(words, dtype="string")
    return out
