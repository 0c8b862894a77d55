"""Questions across every year and force the cache has read, answered by DuckDB.

Every police.uk file csp-assess reads leaves its street-level records in the cache as Parquet
(:mod:`csp_analysis.ingest.cache`). Over the years an analyst's cache holds many downloads:
:func:`archive_counts` counts their records by partnership, force, month and category in one
SQL query over all those files ("burglary in every partnership since 2011"), without
assembling a dataset.

DuckDB is optional: ``pip install "csp-assess[archive]"``. Without it :func:`available` is
False and :func:`archive_counts` raises :class:`~csp_analysis.exceptions.UsageError` saying
what to install.

Each force and month is counted from one file only: when the cache holds several versions of
the same force-month (a download re-issued by police.uk, an extract overlapping another),
the version stored last is used, so nothing is counted twice.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from csp_analysis.categories import CategoryMap, load_category_map
from csp_analysis.exceptions import UsageError
from csp_analysis.ingest.cache import GROUP_RECORDS, LAYOUT, cache_dir, fingerprint

#: The columns of :func:`archive_counts`.
COLUMNS = ["area", "force", "month", "category", "count"]


def available() -> bool:
    """Whether DuckDB is installed (the ``archive`` extra).

    Returns
    -------
    bool
    """
    return importlib.util.find_spec("duckdb") is not None


def record_files(cache: str | Path | None = None, cmap: CategoryMap | None = None) -> list[Path]:
    """The cache's Parquet files of street-level records, oldest first.

    Only entries written by this version of csp-assess with this category mapping are listed
    (older entries may hold other categories).

    Parameters
    ----------
    cache : str or Path, optional
        The cache folder; default the one in use (``CSP_ASSESS_CACHE_DIR`` or the user's
        cache folder).
    cmap : CategoryMap, optional
        The category mapping (default: the built-in one).

    Returns
    -------
    list of Path
        Empty when the cache is off or holds no records.
    """
    root = Path(cache) if cache is not None else cache_dir()
    if root is None:
        return []
    entries = root / LAYOUT / fingerprint(cmap or load_category_map())
    if not entries.is_dir():
        return []
    files = [f for f in entries.glob("*/*.records.parquet") if not f.parent.name.startswith(".")]
    return sorted(files, key=lambda f: (f.stat().st_mtime_ns, str(f)))


def archive_counts(
    categories: Sequence[str] | str | None = None,
    since: str | None = None,
    *,
    by: str = "month",
    cache: str | Path | None = None,
    cmap: CategoryMap | None = None,
) -> pd.DataFrame:
    """Police.uk records in the cache counted by partnership, force, month and category.

    Parameters
    ----------
    categories : str or sequence of str, optional
        Report categories to count (e.g. ``"Burglary"``); default every category.
    since : str, optional
        The first month counted, ``YYYY-MM`` (e.g. ``"2011-01"``); default every month.
    by : {"month", "year"}, default "month"
        Count by month (column ``month``) or by calendar year (column ``year``, ``YYYY``; a
        year with months missing is summed as it is: see ``months``).
    cache : str or Path, optional
        The cache folder; default the one in use.
    cmap : CategoryMap, optional
        The category mapping the records were read with (default: the built-in one).

    Returns
    -------
    pandas.DataFrame
        ``area, force, month, category, count``, sorted by area, month and category (by year:
        ``area, force, year, category, count, months``, ``months`` the number of months of
        the year the force's records cover); empty (with these columns) when the cache holds
        no records.

    Raises
    ------
    UsageError
        If DuckDB is not installed, or ``since`` is not a month.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("duckdb")
    >>> archive_counts("Burglary", since="2011-01", cache="/nonexistent").columns.tolist()
    ['area', 'force', 'month', 'category', 'count']
    """
    if not available():
        raise UsageError(
            "archive questions need DuckDB: install it with pip install 'csp-assess[archive]'"
        )
    import duckdb

    if by not in ("month", "year"):
        raise UsageError(f"by must be 'month' or 'year', not {by!r}")
    if since is not None and not pd.Series([since]).str.fullmatch(r"\d{4}-\d{2}").all():
        raise UsageError(f"since must be a month written YYYY-MM, not {since!r}")
    files = record_files(cache, cmap)
    if not files:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "count" else "string") for c in COLUMNS}
        )
    wanted = [categories] if isinstance(categories, str) else list(categories or [])
    con = duckdb.connect()
    try:
        con.register(
            "stored", pd.DataFrame({"file": [str(f) for f in files], "stored": range(len(files))})
        )
        where = ["TRUE"]
        params: list[object] = [[str(f) for f in files]]
        if wanted:
            where.append("CAST(category AS VARCHAR) IN (SELECT unnest(?))")
            params.append(wanted)
        if since is not None:
            where.append("CAST(month AS VARCHAR) >= ?")
            params.append(since)
        # A group file holds many input files (its ``part`` column): each is a unit of its own.
        part = "part" if any(f.name == GROUP_RECORDS for f in files) else "0"
        sql = f"""
            WITH rec AS (
                SELECT CAST(area AS VARCHAR) AS area, CAST(force AS VARCHAR) AS force,
                       CAST(month AS VARCHAR) AS month, CAST(category AS VARCHAR) AS category,
                       filename AS file, COALESCE(CAST({part} AS INTEGER), 0) AS part
                FROM read_parquet(?, filename = true, union_by_name = true)
            ),
            latest AS (  -- one input file per force and month: the one stored last
                SELECT force, month,
                       arg_max(struct_pack(f := rec.file, p := rec.part),
                               stored.stored * 1000000 + rec.part) AS unit
                FROM (SELECT DISTINCT force, month, file, part FROM rec) AS rec
                JOIN stored USING (file)
                GROUP BY force, month
            ),
            chosen AS (
                SELECT force, month, unit.f AS file, unit.p AS part FROM latest
            )
            SELECT area, force, month, category, count(*) AS count
            FROM rec JOIN chosen USING (force, month, file, part)
            WHERE {" AND ".join(where)}
            GROUP BY area, force, month, category
            ORDER BY area, month, category, force
        """
        out = con.execute(sql, params).df()
    finally:
        con.close()
    out = out.astype({c: "string" for c in COLUMNS if c != "count"} | {"count": "int64"})
    if by == "month":
        return out
    out["year"] = out["month"].str[:4]
    months = out.groupby(["force", "year"])["month"].nunique().rename("months")
    yearly = out.groupby(["area", "force", "year", "category"], as_index=False)["count"].sum()
    return yearly.merge(months.reset_index(), on=["force", "year"]).astype({"months": "int64"})
