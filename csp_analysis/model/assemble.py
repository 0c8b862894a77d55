"""Assemble file results into the dataset's tables (see :meth:`Dataset.from_results`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csp_analysis.ingest import FileResult
from csp_analysis.model.duplicates import drop_duplicate_counts, drop_duplicate_police_files
from csp_analysis.model.schema import COUNT_COLUMNS, frame_of


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
        ``counts, coverage, record_parts, population, small_area_population, lookup, files,
        problems, rejected, synthetic, tables``.
    """
    results = drop_duplicate_counts(drop_duplicate_police_files(results))
    counts = frame_of([r.counts for r in results], COUNT_COLUMNS)
    if len(counts):
        counts = (
            counts.astype({c: "string" for c in COUNT_COLUMNS if c != "count"})
            .groupby(["area", "force", "period", "category", "source"], dropna=False)["count"]
            .sum()
            .astype("int64")
            .reset_index()[COUNT_COLUMNS]
        )
    coverage = frame_of([r.coverage for r in results], ["force", "area", "period", "source"])
    coverage = coverage.astype("string").drop_duplicates().reset_index(drop=True)
    population = _population([r.population for r in results])
    small = frame_of(
        [r.small_area_population for r in results],
        ["code", "name", "geography", "year", "population"],
    )
    lookup = frame_of([r.lookup for r in results], ["area", "force"]).drop_duplicates()
    record_parts: list[pd.DataFrame | Path] = [
        r.records if r.records is not None else r.records_file
        for r in results
        if (r.records is not None and len(r.records)) or r.records_file is not None
    ]
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
    tables: dict[str, pd.DataFrame] = {}
    for r in results:
        for key, table in r.tables.items():
            tables[key] = (
                pd.concat([tables[key], table], ignore_index=True) if key in tables else table
            )
    return {
        "counts": counts,
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
