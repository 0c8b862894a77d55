"""Assemble file results into the dataset's tables (see :meth:`Dataset.from_results`)."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from csp_analysis.ingest import FileResult
from csp_analysis.ingest.records import RecordsRef
from csp_analysis.model.duplicates import (
    drop_duplicate_counts,
    drop_duplicate_police_files,
    drop_overlapping_periods,
)
from csp_analysis.model.schema import COUNT_COLUMNS, frame_of, offences_of
from csp_analysis.names import area_key, force_key


def assemble(results: list[FileResult]) -> dict:
    """The dataset's tables from file results: the keyword arguments of
    :class:`~csp_analysis.model.Dataset` but ``name`` and ``cmap``.

    Parameters
    ----------
    results : list of FileResult
        One result per file or sheet, in file-name order.

    Returns
    -------
    dict
        ``counts, offences, coverage, record_parts, population, small_area_population, lookup,
        files, problems, rejected, synthetic, tables``.
    """
    results = drop_duplicate_police_files(canonical_names(results))
    results = drop_overlapping_periods(drop_duplicate_counts(results))
    counts = frame_of([r.counts for r in results], COUNT_COLUMNS)
    offences = offences_of([r.counts for r in results])  # the same used rows, by offence
    if not len(counts):  # no count at all: still a count column of numbers (its sum is 0)
        counts = counts.astype({"count": "int64"})
    else:
        counts = (
            counts.astype({c: "string" for c in COUNT_COLUMNS if c != "count"})
            .groupby(["area", "force", "period", "category", "source"], dropna=False)["count"]
            .sum()
            .astype("int64")
            .reset_index()[COUNT_COLUMNS]
        )
    coverage = frame_of(
        [r.coverage for r in results], ["force", "area", "period", "source", "category"]
    )
    if "category" not in coverage.columns:
        coverage["category"] = pd.NA
    coverage = coverage.astype("string").drop_duplicates().reset_index(drop=True)
    population = _population([r.population for r in results])
    small = frame_of(
        [r.small_area_population for r in results],
        ["code", "name", "geography", "year", "population"],
    )
    lookup = frame_of([r.lookup for r in results], ["area", "force"]).drop_duplicates()
    record_parts = _record_parts(results)
    files = pd.DataFrame(
        {
            "source": [r.source for r in results],
            "layout": [r.layout for r in results],
            "rows_read": [r.rows_read for r in results],
            "rows_used": [r.rows_used for r in results],
            "rows_rejected": [r.rows_rejected for r in results],
            "issue": [r.issue for r in results],
            "notes": ["; ".join(r.notes) for r in results],
        }
    )
    problems = pd.DataFrame(
        [vars(p) for r in results for p in r.problems],
        columns=["source", "line", "column", "message", "rows", "lines"],
    )
    rejected = rejected_rows(results)
    pieces: dict[str, list[pd.DataFrame]] = {}
    for r in results:
        for key, table in r.tables.items():
            pieces.setdefault(key, []).append(table)
    tables = {
        key: parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        for key, parts in pieces.items()
    }
    return {
        "counts": counts,
        "offences": offences,
        "coverage": coverage,
        "record_parts": record_parts,
        "population": population,
        "small_area_population": small,
        "lookup": lookup,
        "files": files,
        "problems": problems,
        "rejected": rejected,
        "synthetic": any(r.synthetic for r in results),
        "tables": tables,
    }


def _record_parts(results: list[FileResult]) -> list[pd.DataFrame | Path | RecordsRef]:
    """The results' records: frames in memory, files, and shares of group files (the
    shares of one group file merged into one, so that it is read once)."""
    parts: list[pd.DataFrame | Path | RecordsRef] = []
    where: dict[Path, int] = {}
    for r in results:
        if r.records is not None:
            if len(r.records):
                parts.append(r.records)
        elif isinstance(r.records_file, RecordsRef):
            ref = r.records_file
            if ref.path in where:
                parts[where[ref.path]] = parts[where[ref.path]].merge(ref)
            else:
                where[ref.path] = len(parts)
                parts.append(ref)
        elif r.records_file is not None:
            parts.append(r.records_file)
    return parts


def rejected_rows(results: list[FileResult]) -> pd.DataFrame:
    """The quarantine list: one row per rejected line with its file, column and reason.

    Rows rejected as a group without line numbers (a file refused whole) are one row with
    ``line`` missing and ``rows`` the number of rows; a file that could not be read at all
    is one row with ``rows`` missing.

    Parameters
    ----------
    results : list of FileResult
        What each input file gave, in file order.

    Returns
    -------
    pandas.DataFrame
        ``source``, ``line``, ``column``, ``reason`` and ``rows``, in file order and by line
        within a file (rows without a line first).
    """
    out: dict[str, list] = {"source": [], "line": [], "column": [], "reason": [], "rows": []}
    for r in results:
        for p in r.problems:
            if p.all_lines:
                n = len(p.all_lines)
                out["line"] += p.all_lines
                out["rows"] += [1] * n
            else:
                n = 1
                out["line"].append(p.line)
                out["rows"].append(p.rows if p.rows else None)
            out["source"] += [p.source] * n
            out["column"] += [p.column] * n
            out["reason"] += [p.message] * n
    frame = pd.DataFrame(
        {
            "source": pd.Series(out["source"], dtype="string"),
            "line": pd.Series(out["line"], dtype="Int64"),
            "column": pd.Series(out["column"], dtype="string"),
            "reason": pd.Series(out["reason"], dtype="string"),
            "rows": pd.Series(out["rows"], dtype="Int64"),
        }
    )
    order = {r.source: i for i, r in enumerate(results)}
    frame["_file"] = frame["source"].map(order)
    frame = frame.sort_values(["_file", "line"], kind="stable", na_position="first")
    return frame.drop(columns="_file").reset_index(drop=True)


def _population(parts: list[pd.DataFrame | None]) -> pd.DataFrame:
    pop = frame_of(parts, ["area", "year", "population", "source"])
    if not len(pop):
        return pop.astype({"year": "int64", "population": "int64"})
    pop = pop.astype({"area": "string", "source": "string"})
    pop["area"] = pop["area"].str.strip()
    # First file wins for the same area and year (files are read in name order).
    return pop.drop_duplicates(["area", "year"], keep="first").reset_index(drop=True)


#: The frames of a file result holding area names, and their area column.
_AREA_FRAMES = ("counts", "coverage", "population", "lookup")
#: The frames of a file result holding force names.
_FORCE_FRAMES = ("counts", "coverage", "lookup")


def _spellings(
    results: list[FileResult], frames: tuple[str, ...], column: str, key
) -> tuple[dict, bool]:
    """key -> the spelling shown: the one police.uk files use most, else the most common one;
    among equals the one in Unicode NFC and mixed case, then the first read; and whether any
    key is spelled in more than one way.

    Every frame's names are gathered first and tallied at once (one pass per kind of file,
    police.uk files first): the first read is the first in that order.
    """
    ranked: dict[str, dict[str, list]] = {}
    order = 0
    for police in (True, False):
        names: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for r in results:
            if (r.layout == "police_uk") != police:
                continue
            for name in frames:
                frame = getattr(r, name)
                if frame is None or column not in frame.columns or not len(frame):
                    continue
                names.append(frame[column].to_numpy(dtype=object, na_value=""))
                if name == "counts" and police:
                    weights.append(frame["count"].to_numpy(dtype=np.int64))
                else:
                    weights.append(np.ones(len(frame), dtype=np.int64))
        if not names:
            continue
        codes, distinct = pd.factorize(np.concatenate(names))
        sizes = np.bincount(codes, weights=np.concatenate(weights), minlength=len(distinct))
        for value, n in zip(distinct, sizes.tolist(), strict=True):
            value = str(value)
            if not value.strip():
                continue
            entry = ranked.setdefault(key(value), {}).setdefault(
                value,
                [
                    police,
                    0,
                    unicodedata.is_normalized("NFC", value),
                    not (value.isupper() or value.islower()),
                    -order,
                ],
            )
            entry[1] += int(n)
            order += 1
    shown = {k: max(c, key=lambda v: tuple(c[v])) for k, c in ranked.items()}
    return shown, any(len(c) > 1 for c in ranked.values())


def _respell(frame: pd.DataFrame, column: str, key, shown: dict) -> tuple[pd.DataFrame, dict]:
    """``frame`` with ``column`` spelled as ``shown`` says, and what was changed."""
    distinct = pd.unique(frame[column].to_numpy(dtype=object, na_value=None))
    change = {}
    for v in distinct:
        if v is None or not str(v).strip():
            continue
        k = key(v)
        if shown.get(k, v) != v:
            change[v] = shown[k]
    if not change:
        return frame, {}
    values = frame[column].astype("string")
    out = frame.copy()
    if isinstance(frame[column].dtype, pd.CategoricalDtype):
        out[column] = values.replace(change).astype("category")
    else:
        out[column] = values.replace(change)
    return out, change


def canonical_names(results: list[FileResult]) -> list[FileResult]:
    """Spell each area and each police force one way across all files.

    Names are compared by their keys (:mod:`csp_analysis.names`).

    Areas whose names differ only in case, spacing, hyphens or Unicode form are one area
    (``Southend on Sea`` is ``Southend-on-Sea``); forces whose names differ only by
    "Police", "Constabulary" or "Service" are one force (the ONS lookup's ``Essex`` is
    police.uk's ``Essex Police``). The spelling kept is the one police.uk files use, else the
    most common; each file whose spelling was changed says so in a note.

    Parameters
    ----------
    results : list of FileResult
        What each input file gave, in file-name order.

    Returns
    -------
    list of FileResult
        The same results, a changed one as a copy (counts, coverage, population, lookup, local
        tables and in-memory records respelled).
    """
    akey, fkey = lru_cache(maxsize=None)(area_key), lru_cache(maxsize=None)(force_key)
    areas, areas_vary = _spellings(results, _AREA_FRAMES, "area", akey)
    forces, forces_vary = _spellings(results, _FORCE_FRAMES, "force", fkey)
    if not (areas_vary or forces_vary):
        return list(results)  # every name is spelled one way already
    out = []
    for r in results:
        changes: dict[str, dict] = {"area": {}, "force": {}}
        new: dict = {}
        for column, key, shown, frames in (
            ("area", akey, areas, _AREA_FRAMES),
            ("force", fkey, forces, _FORCE_FRAMES),
        ):
            for name in frames:
                frame = new.get(name, getattr(r, name))
                if frame is None or column not in frame.columns or not len(frame):
                    continue
                frame, changed = _respell(frame, column, key, shown)
                if changed:
                    new[name] = frame
                    changes[column].update(changed)
            if r.records is not None and column in r.records.columns and len(r.records):
                records, changed = _respell(new.get("records", r.records), column, key, shown)
                if changed:
                    new["records"] = records
            tables = {}
            for layout, table in new.get("tables", r.tables).items():
                if column in table.columns and len(table):
                    table, changed = _respell(table, column, key, shown)
                    changes[column].update(changed)
                tables[layout] = table
            if tables:
                new["tables"] = tables
        if not changes["area"] and not changes["force"]:
            out.append(r)
            continue
        notes = list(r.notes)
        for column, what in (("area", "area names"), ("force", "force names")):
            if changes[column]:
                pairs = sorted(changes[column].items())
                shown_pairs = ", ".join(f"'{a}' as '{b}'" for a, b in pairs[:3])
                more = f" and {len(pairs) - 3} more" if len(pairs) > 3 else ""
                rule = (
                    "ignoring case, spaces and hyphens"
                    if column == "area"
                    else "ignoring 'Police', 'Constabulary' and 'Service'"
                )
                notes.append(f"{what} matched {rule}: {shown_pairs}{more}")
        out.append(replace(r, notes=notes, problems=list(r.problems), **new))
    return out
