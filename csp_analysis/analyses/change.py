"""Year-on-year change by category: previous, current, change and % change.

The assessed period (a :class:`~csp_analysis.periods.Period`: a financial year, a quarter or
any twelve months ending a month) is compared with the same months a year earlier. When either
period has missing months, both are compared on the months present in both (like for like:
April with April); the table names those months and says how many were compared, and a
comparison on fewer than ``min_months`` months is marked provisional.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis import defaults
from csp_analysis.categories import ALL_CRIME
from csp_analysis.model import Dataset, months_of_period
from csp_analysis.periods import Period, months_phrase, parse_period
from csp_analysis.statistics.change import pct_change

COLUMNS = [
    "category",
    "kind",
    "previous",
    "current",
    "change",
    "pct_change",
    "months_compared",
    "previous_months",
    "current_months",
    "provisional",
    "months_in_period",
    "total_in_period",
    "note",
    "scheme",
]


def category_change(
    ds: Dataset,
    area: str,
    year: str | Period,
    min_months: int = defaults.MIN_MONTHS,
    extra: pd.DataFrame | None = None,
    extra_notes: dict[str, str] | None = None,
    crime: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Year-on-year table for every category, All crime and anti-social behaviour.

    Parameters
    ----------
    ds : Dataset
    area : str
    year : str or Period
        The assessed period (a financial year may be written ``"2025/26"``); compared with
        the same months a year earlier.
    min_months : int
        A comparison on fewer months than this (of those present in both periods) is
        ``provisional``.
    extra : pandas.DataFrame, optional
        Theme rows (``period, category, kind, count, source`` with ``kind`` ``theme``, as
        :func:`csp_analysis.analyses.themes.theme_counts` gives them): listed last, compared
        like the categories, never added into All crime.
    extra_notes : dict of str to str, optional
        A note for each theme (what it was computed from).
    crime : pandas.DataFrame, optional
        Crime rows that replace the area's crime series, in the shape of
        :meth:`~csp_analysis.model.Dataset.area_counts` (optionally with ``scheme``): the
        Home Office offence groups of the ``home_office`` scheme
        (``csp_analysis.analyses.offences.group_counts``), listed in their rows' order.

    Returns
    -------
    pandas.DataFrame
        ``category, kind, previous, current, change, pct_change, months_compared,
        previous_months, current_months, provisional, months_in_period, total_in_period,
        note``. ``previous`` and ``current`` count the months present in both periods
        (``previous_months`` and ``current_months`` name them, e.g. ``"Jan–Feb 2018"``);
        ``total_in_period`` is the area's own total over every month of the assessed period
        it has (``months_in_period`` of them). ``pct_change`` is in percent (4.9 means
        +4.9%). All crime (``kind`` ``total``) comes first, then the crime categories
        (``crime``; a category declared part of another given too comes after them, noted, and
        is not added again), anti-social behaviour (``asb``) and flags (``flag``). A total
        given directly is All crime, the remainder over its categories the ``Unallocated``
        row (the note says so). ``scheme`` is the category scheme of the row's source
        (``police_uk``, ``home_office`` or ``own``). Without a comparison ``previous`` is
        missing (not zero) and ``current`` is the period's own total.
    """
    period = parse_period(year)
    prev_period = period.previous()
    cur_set, prev_set = set(period.months), set(prev_period.months)
    counts = ds.area_counts(area)
    crime_order: list[str] | None = None
    crime_scheme = None
    if crime is not None and len(crime):
        keep = ~counts["kind"].isin(("crime", "part"))
        counts = pd.concat([counts[keep], crime[counts.columns]], ignore_index=True)
        crime_order = list(dict.fromkeys(crime["category"]))
        crime_scheme = str(crime["scheme"].iloc[0]) if "scheme" in crime.columns else "home_office"
    if extra is not None and len(extra):
        counts = pd.concat([counts, extra[counts.columns]], ignore_index=True)
    spans = {p: months_of_period(p) for p in counts["period"].unique()}
    # A row belongs to a period only when all its months do; its slot is its calendar months
    # (the same in both periods, which are twelve months apart).
    where = {
        p: ("cur" if set(ms) <= cur_set else "prev" if set(ms) <= prev_set else "")
        for p, ms in spans.items()
    }
    counts = counts.assign(
        side=counts["period"].map(where),
        slot=counts["period"].map({p: ",".join(m[5:] for m in ms) for p, ms in spans.items()}),
    )
    both = "years" if period.kind == "financial year" else "periods"
    rows = []
    schemes = {
        kind: ds.scheme_of(area, src)
        for kind in ("crime", "asb", "flag")
        if (src := ds.source_for(area, kind)) is not None
    }
    if crime_scheme is not None:
        schemes["crime"] = crime_scheme
    checks = ds.total_checks(area)
    total_notes = {
        str(p): str(n)
        for p, n, u in zip(checks["period"], checks["note"], checks["unallocated"], strict=True)
        if where.get(p, "") and (pd.isna(u) or int(u) > 0)
    }
    theme_order = list(dict.fromkeys(extra["category"])) if extra is not None else []
    for kind in ("crime", "part", "asb", "flag", "theme"):
        sub = counts[counts["kind"] == kind]
        if not len(sub):
            continue
        in_cur = sub[sub["side"] == "cur"]
        in_prev = sub[sub["side"] == "prev"]
        cur_slots, prev_slots = set(in_cur["slot"]), set(in_prev["slot"])
        common = cur_slots & prev_slots
        cur = in_cur[in_cur["slot"].isin(common)]
        prev = in_prev[in_prev["slot"].isin(common)]
        cur_months = sorted({m for p in cur["period"].unique() for m in spans[p]})
        prev_months = sorted({m for p in prev["period"].unique() for m in spans[p]})
        own_months = {m for p in in_cur["period"].unique() for m in spans[p]}
        months = len(cur_months)
        note = ""
        if not cur_slots:
            note = f"no data for {period.label}"
        elif not prev_slots:
            note = f"no data for {prev_period.label}: no comparison"
        elif months < period.n_months:
            note = (
                f"compared on the {months} months present in both {both} "
                f"({months_phrase(prev_months)} and {months_phrase(cur_months)})"
            )
        present = set(sub["category"])
        if kind == "theme":
            cats = [c for c in theme_order if c in present]
        elif kind == "crime" and crime_order is not None:
            cats = [c for c in crime_order if c in present]
        else:
            known = ds.cmap.of_kind("crime" if kind == "part" else kind)
            cats = [c for c in known if c in present]
        if kind == "crime":
            cats = [ALL_CRIME, *cats]
        cur_sum = cur.groupby("category")["count"].sum()
        prev_sum = prev.groupby("category")["count"].sum()
        own_sum = in_cur.groupby("category")["count"].sum()
        # A category absent from one period's data is missing there, never 0 (the dataset lists
        # a category only in the periods its source gives it); All crime is then summed over
        # the categories both periods have, and says which it leaves out.
        in_both = [c for c in cats if c in cur_sum.index and c in prev_sum.index]
        left_out = [c for c in cats if c != ALL_CRIME and c not in in_both]
        for cat in cats:

            def pick(sums: pd.Series, c: str = cat, among: list[str] | None = None) -> int | None:
                """A category's sum; All crime's over ``among`` (default every category)."""
                if c == ALL_CRIME:
                    keys = sums.index if among is None else sums.index[sums.index.isin(among)]
                    return int(sums[keys].sum()) if len(keys) else None
                return int(sums[c]) if c in sums.index else None

            row_note = note
            if kind == "part":
                row_note = "; ".join(
                    x
                    for x in (note, f"part of {ds.cmap.parent(cat)}: not added again to All crime")
                    if x
                )
            if kind == "theme" and extra_notes and extra_notes.get(cat):
                row_note = "; ".join(x for x in (row_note, extra_notes[cat]) if x)
            if cat == ALL_CRIME and total_notes:
                by_note: dict[str, list[str]] = {}
                for p, n in sorted(total_notes.items()):
                    by_note.setdefault(n, []).append(p)
                given = "; ".join(
                    f"total given directly for {', '.join(ps)}: {n}" for n, ps in by_note.items()
                )
                row_note = "; ".join(x for x in (row_note, given) if x)
            if common and cat != ALL_CRIME and cat in left_out:
                absent = prev_period.label if cat not in prev_sum.index else period.label
                row_note = "; ".join(x for x in (row_note, f"not in the data for {absent}") if x)
            elif common and cat == ALL_CRIME and left_out:
                row_note = "; ".join(
                    x
                    for x in (
                        row_note,
                        f"over the categories both {both} have (not "
                        + ", ".join(left_out)
                        + f": missing in one of the {both})",
                    )
                    if x
                )
            rows.append(
                {
                    "category": cat,
                    "kind": "total" if cat == ALL_CRIME else "crime" if kind == "part" else kind,
                    # the report's scheme: its crime categories' (ASB, flags and themes
                    # are reported beside them in it)
                    "scheme": schemes.get("crime", schemes.get(kind, "")),
                    "previous": pick(prev_sum, among=in_both) if common else None,
                    "current": (
                        (pick(cur_sum, among=in_both) if common else pick(own_sum))
                        if cur_slots
                        else None
                    ),
                    "months_compared": months if common else 0,
                    "previous_months": months_phrase(prev_months),
                    "current_months": months_phrase(cur_months),
                    "provisional": bool(common) and months < min(min_months, period.n_months),
                    "months_in_period": len(own_months),
                    "total_in_period": pick(own_sum) if cur_slots else None,
                    "note": row_note,
                }
            )
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("change", "pct_change")])
    for c in ("previous", "current", "total_in_period"):
        out[c] = out[c].astype("Int64")
    out["months_in_period"] = out["months_in_period"].astype("int64")
    out["provisional"] = out["provisional"].astype("bool")
    out["change"] = (out["current"] - out["previous"]).astype("Int64")
    out["pct_change"] = [
        pct_change(p, c) if pd.notna(p) and pd.notna(c) else np.nan
        for p, c in zip(out["previous"], out["current"], strict=True)
    ]
    out["pct_change"] = out["pct_change"].astype("Float64")
    text = {
        c: "string"
        for c in ("category", "kind", "previous_months", "current_months", "note", "scheme")
    }
    return out.astype(text)[COLUMNS]
