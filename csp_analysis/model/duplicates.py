"""Counts that two files give: used once, from the first file in name order, the later
file's rows rejected naming the earlier file (never counted twice, nothing lost)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from csp_analysis.ingest import FileResult, Problem
from csp_analysis.ingest.records import read_records
from csp_analysis.model.schema import COUNT_COLUMNS, months_of_period
from csp_analysis.periods import financial_year_of_period, period_kind


def drop_duplicate_police_files(results: list[FileResult]) -> list[FileResult]:
    """Reject the rows of police.uk force-months that an earlier file already gave.

    A copied file, or an extract overlapping another (October again, plus November), gives
    some force-months twice. A month split into several files (each holding other crimes: no
    Crime ID in two of them) is one month and all its files are used. Otherwise, per
    force-month, the first file (in file-name order) is used; a
    later file's used rows in that force-month are rejected with one problem per earlier file,
    naming it, and its other force-months are used. Rows the reader already rejected keep
    their own reasons. The file's counts, coverage and records lose those force-months (records
    held in the cache's Parquet file are read for this), so row accounting stays exact: each
    used police.uk row is one in its file's counts.

    Parameters
    ----------
    results : list of FileResult
        What each input file gave, in file-name order.

    Returns
    -------
    list of FileResult
        The same results in the same order; a file that repeats force-months is replaced by a
        copy without them (the others are returned as they are).
    """
    seen: dict[tuple[str, str], list[FileResult]] = {}  # the files giving each force-month
    ids: dict[int, dict[tuple[str, str], frozenset[str]]] = {}  # Crime IDs, read on a clash
    out = []
    for r in results:
        if r.layout != "police_uk" or r.coverage is None or not len(r.coverage):
            out.append(r)
            continue
        keys = list(
            zip(r.coverage["force"].astype(str), r.coverage["period"].astype(str), strict=True)
        )
        clash = {}
        for k in keys:
            if k not in seen:
                seen[k] = [r]
                continue
            mine = _crime_ids(r, ids).get(k, frozenset())
            theirs = frozenset().union(*(_crime_ids(e, ids).get(k, frozenset()) for e in seen[k]))
            if mine and mine.isdisjoint(theirs):  # one month split into files: no crime twice
                seen[k].append(r)
            else:
                clash[k] = seen[k][0].source
        out.append(_without_force_months(r, clash) if clash else r)
    return out


def _crime_ids(
    r: FileResult, cache: dict[int, dict[tuple[str, str], frozenset[str]]]
) -> dict[tuple[str, str], frozenset[str]]:
    """The Crime IDs (blank ones left out) of a police.uk result by force and month."""
    if id(r) not in cache:
        records = r.records
        if records is None and r.records_file is not None:
            records = read_records(r.records_file, columns=["force", "month", "crime_id"])
        found: dict[tuple[str, str], frozenset[str]] = {}
        if records is not None and len(records):
            rec = records[["force", "month", "crime_id"]].astype("string").fillna("")
            rec = rec[rec["crime_id"] != ""]
            for (force, month), part in rec.groupby(["force", "month"], sort=False):
                found[(str(force), str(month))] = frozenset(part["crime_id"])
        cache[id(r)] = found
    return cache[id(r)]


def _force_months(frame: pd.DataFrame, period: str) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays(
        [frame["force"].astype("string").fillna(""), frame[period].astype("string").fillna("")]
    )


def _without_force_months(r: FileResult, clash: dict[tuple[str, str], str]) -> FileResult:
    """A copy of a police.uk result without the force-months in ``clash`` (each mapped to the
    earlier file that gave it), its rows there accounted as rejected."""
    counts = r.counts if r.counts is not None else pd.DataFrame(columns=COUNT_COLUMNS)
    given_by = pd.Series(
        list(_force_months(counts, "period")), index=counts.index, dtype=object
    ).map(clash)
    dup = given_by.notna().to_numpy()
    out = replace(
        r,
        counts=counts[~dup].reset_index(drop=True),
        notes=list(r.notes),
        problems=list(r.problems),
        records=None,
        records_file=None,
    )
    out.coverage = r.coverage[~_force_months(r.coverage, "period").isin(list(clash))]
    out.coverage = out.coverage.reset_index(drop=True)
    rejected = counts.loc[dup, "count"].groupby(given_by[dup], sort=False).sum()
    for earlier in dict.fromkeys(clash.values()):
        n = int(rejected.get(earlier, 0))
        if not n:
            continue  # the force-months held no used rows (the reader rejected them all)
        months = sorted(f"{f} {p}" for (f, p), e in clash.items() if e == earlier)
        shown = ", ".join(months[:3]) + (f" … ({len(months)} in all)" if len(months) > 3 else "")
        out.problems.append(
            Problem(
                r.source,
                None,
                None,
                f"the same force and month as {earlier} ({shown}): not counted twice",
                n,
            )
        )
        out.rows_used -= n
        out.rows_rejected += n
    records = r.records
    if records is None and r.records_file is not None:
        records = read_records(r.records_file)
    if records is not None:
        records = records[~_force_months(records, "month").isin(list(clash))]
        records = records.reset_index(drop=True)
        for c in records.columns:
            if isinstance(records[c].dtype, pd.CategoricalDtype):
                records[c] = records[c].cat.remove_unused_categories()
        out.records = records
    return out


#: What makes two non-police.uk counts the same figure.
_COUNT_KEY = ["area", "period", "category", "source"]


def drop_duplicate_counts(results: list[FileResult]) -> list[FileResult]:
    """Reject tidy and Home Office rows whose figure an earlier file already gave.

    A copied tidy extract or a Home Office table downloaded twice would otherwise be summed.
    A row of a later file (in file-name order) whose ``area, period, category, source`` an
    earlier file gave is rejected, with a problem naming that file, never summed; duplicates
    within one file are the reader's business (see
    :func:`~csp_analysis.ingest.tidy.read_tidy_counts`). The readers give these counts one
    row per used value with its ``line``; a line is rejected when all its values are repeats.
    A wide Home Office line with some years repeated keeps its other years: the left-out
    values are a problem with ``rows`` 0.

    Parameters
    ----------
    results : list of FileResult
        What each input file gave, in file-name order.

    Returns
    -------
    list of FileResult
        The same results in the same order; a file that repeats figures is replaced by a copy
        without them (the others are returned as they are).
    """
    seen: pd.DataFrame | None = None  # _COUNT_KEY, _file, _line: first file giving each key
    out = []
    for r in results:
        c = r.counts
        if r.layout == "police_uk" or c is None or not len(c) or "line" not in c.columns:
            out.append(r)
            continue
        keys = c[_COUNT_KEY].astype("string")
        if seen is not None:
            hit = keys.merge(seen, on=_COUNT_KEY, how="left", validate="many_to_one")
            earlier = pd.Series(hit["_file"].to_numpy(), index=c.index, dtype="string")
            earlier_line = pd.Series(hit["_line"].to_numpy(), index=c.index)
            if earlier.notna().any():
                r = _without_repeats(r, earlier, earlier_line)
        first = keys.assign(_file=r.source, _line=c["line"].to_numpy())
        first = first.drop_duplicates(_COUNT_KEY)
        seen = first if seen is None else pd.concat([seen, first], ignore_index=True)
        seen = seen.drop_duplicates(_COUNT_KEY, keep="first")
        out.append(r)
    return out


def _same_figure(name: str, line: int) -> str:
    return f"the same area, period and category as {name} (line {line}): not counted twice"


def _without_repeats(
    r: FileResult,
    earlier: pd.Series,
    earlier_line: pd.Series,
    why: Callable[[str, int], str] = _same_figure,
) -> FileResult:
    """A copy of a tidy or Home Office result without the count rows an earlier file gave
    (``earlier``: that file's name, missing where the row is new; ``why``: the reason given
    the file's name and line)."""
    c = r.counts
    dup = earlier.notna().to_numpy()
    out = replace(
        r, counts=c[~dup].reset_index(drop=True), notes=list(r.notes), problems=list(r.problems)
    )
    by_line = pd.DataFrame(
        {
            "line": c["line"].to_numpy(),
            "dup": dup,
            "earlier": earlier.to_numpy(),
            "earlier_line": earlier_line.to_numpy(),
        }
    )
    whole = by_line.groupby("line")["dup"].transform("all").to_numpy(dtype=bool)
    # A line all of whose values are repeats is rejected, named by its first value's file.
    lines_out = by_line[whole].groupby("line", sort=True).first()
    for name, part in lines_out.groupby("earlier", sort=False):
        lines = [int(x) for x in part.index]
        where = ", ".join(str(x) for x in lines[:5]) + (" …" if len(lines) > 5 else "")
        out.problems.append(
            Problem(
                r.source,
                lines[0],
                None,
                why(str(name), int(part["earlier_line"].iloc[0])),
                len(lines),
                where,
            )
        )
        out.rows_used -= len(lines)
        out.rows_rejected += len(lines)
    # Repeated values on lines with new ones too (wide tables): left out, no row rejected.
    for name, part in by_line[dup & ~whole].groupby("earlier", sort=False):
        lines = sorted({int(x) for x in part["line"]})
        where = ", ".join(str(x) for x in lines[:5]) + (" …" if len(lines) > 5 else "")
        out.problems.append(
            Problem(
                r.source,
                lines[0],
                None,
                f"{len(part)} values repeat figures of {name}: left out "
                "(not counted twice), the lines' other values are used",
                0,
                where,
            )
        )
    return out


#: Periods of each granularity, finest first.
_FINENESS = {"month": 0, "quarter": 1, "year": 2}
_NOUN = {"month": "monthly figures", "quarter": "quarterly figures", "year": "yearly figure"}


def drop_overlapping_periods(results: list[FileResult]) -> list[FileResult]:
    """One figure where tidy or Home Office counts give the same months at two granularities.

    Quarterly and yearly tables of the same figures, or monthly and yearly tidy rows, would
    otherwise be summed into a year twice as large. For each area, category, source and
    financial year holding periods of more than one granularity (months, quarters, the
    year), the granularity whose periods cover the most months is kept (the finest of those
    covering as many); the other rows are rejected naming the file and line of the figures
    kept, and saying whether their totals agree on the months both cover. Within one file or
    across files alike.

    Parameters
    ----------
    results : list of FileResult
        What each input file gave, in file-name order (after :func:`drop_duplicate_counts`).

    Returns
    -------
    list of FileResult
        The same results in the same order; a file with rows of another granularity's figures
        is replaced by a copy without them.
    """
    parts = []
    for i, r in enumerate(results):
        c = r.counts
        if r.layout == "police_uk" or c is None or not len(c) or "line" not in c.columns:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "file": i,
                    "row": range(len(c)),
                    "area": c["area"].astype("string").to_numpy(),
                    "category": c["category"].astype("string").to_numpy(),
                    "source": c["source"].astype("string").to_numpy(),
                    "period": c["period"].astype("string").to_numpy(),
                    "count": c["count"].to_numpy(),
                    "line": c["line"].to_numpy(),
                }
            )
        )
    if not parts:
        return results
    rows = pd.concat(parts, ignore_index=True)
    periods = rows["period"].unique()
    kind_of = {p: period_kind(p) for p in periods}
    rows["kind"] = rows["period"].map(kind_of)
    rows["fy"] = rows["period"].map({p: financial_year_of_period(p) for p in periods})
    key = ["area", "category", "source", "fy"]
    mixed = rows.groupby(key)["kind"].transform("nunique") > 1
    if not mixed.any():
        return results
    months_of = {p: frozenset(months_of_period(p)) for p in periods}
    dropped = []  # one table per area, category, source and year: the rows not kept
    for _, group in rows[mixed].groupby(key, sort=False):
        cover = {
            k: frozenset().union(*(months_of[p] for p in g["period"].unique()))
            for k, g in group.groupby("kind")
        }
        keep = min(cover, key=lambda k: (-len(cover[k]), _FINENESS[k]))
        kept = group[group["kind"] == keep].sort_values(["file", "line"])
        for k, g in group[group["kind"] != keep].groupby("kind"):
            both = cover[k] & cover[keep]
            inside = g["period"].map(months_of).map(both.issuperset)
            kept_inside = kept["period"].map(months_of).map(both.issuperset)
            dropped.append(
                g.assign(
                    kept_kind=keep,
                    kept_file=int(kept["file"].iloc[0]),
                    kept_line=int(kept["line"].iloc[0]),
                    mine=int(g.loc[inside, "count"].sum()),
                    theirs=int(kept.loc[kept_inside, "count"].sum()),
                    first=[True] + [False] * (len(g) - 1),
                )
            )
    gone = pd.concat(dropped, ignore_index=True)
    whys: dict[tuple[int, int], str] = {}
    lines: dict[tuple[int, int], int] = {}
    for (f, kf, kk, k, fy), g in gone.groupby(["file", "kept_file", "kept_kind", "kind", "fy"]):
        firsts = g[g["first"]]
        mine, theirs = int(firsts["mine"].sum()), int(firsts["theirs"].sum())
        agree = "the same total" if mine == theirs else f"{mine:,} here, {theirs:,} there"
        why = (
            f"{_NOUN[k]} of months the {_NOUN[kk]} of {results[int(kf)].source} already give "
            f"(line {int(g['kept_line'].iloc[0])}; {fy}: {agree}): not counted twice"
        )
        for row in g["row"]:
            whys[(int(f), int(row))] = why
            lines[(int(f), int(row))] = int(g["kept_line"].iloc[0])
    out = []
    for i, r in enumerate(results):
        n = len(r.counts) if r.counts is not None else 0
        reason = pd.Series([whys.get((i, j), pd.NA) for j in range(n)], dtype="string")
        if not reason.notna().any():
            out.append(r)
            continue
        line = pd.Series([lines.get((i, j), pd.NA) for j in range(n)])
        # Each reason is its own group of rows; the reason is the text given.
        out.append(_without_repeats(r, reason, line, _as_given))
    return out


def _as_given(reason: str, _line: int) -> str:
    return reason
