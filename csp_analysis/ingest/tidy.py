"""Tidy counts: ``area, period, category, count`` (optional ``force``, ``note``).

``period`` is a financial year or a month, read by the project's one set of period parsers
(:mod:`csp_analysis.periods`): financial years ``2016/17``, ``2016-17``, ``2016/2017``,
``FY2016/17``, ``FY 2016-17``; months ``2016-04``, ``2016-4``, ``2016-04-01``. A slash always
means a financial year. ``2011-12`` could be either; a file is read as financial years when it
has any unambiguous financial year and no unambiguous month, otherwise as months.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from csp_analysis.categories import ALL_CRIME, EXCLUDE, CategoryMap, is_total_label
from csp_analysis.ingest.base import (
    AMBIGUOUS_NUMBER,
    FileResult,
    Header,
    marked_synthetic,
    norm,
    number_text,
    this_month,
)
from csp_analysis.names import area_key
from csp_analysis.periods import months_of_financial_year, normalise_financial_year, parse_month

SOURCE = "tidy"


def recognise(header: Header) -> bool:
    """Tidy counts: ``area, period, category, count`` (any case and spacing, any order).

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.

    Examples
    --------
    >>> recognise(Header.of(["Area", "Period", "Category", "Count", "Note"]))
    True
    """
    return {"area", "period", "category", "count"} <= header.cols


#: The columns of tidy counts (normalised names).
COLUMNS = ("area", "period", "category", "count")


def missing_columns(columns: Iterable[object]) -> list[str]:
    """The tidy-count columns missing from a header that has all the others but one.

    A header with three of ``area, period, category, count`` is taken for tidy counts that
    lost a column, so that the message names it (``recorded_crime.csv: no count column``)
    rather than reading the file as something else.

    Parameters
    ----------
    columns : iterable
        The header cells as written in the file.

    Returns
    -------
    list of str
        The missing column; empty when the header is complete or not tidy counts at all.

    Examples
    --------
    >>> missing_columns(["area", "period", "category", "force"])
    ['count']
    >>> missing_columns(["area", "period", "category", "count"])
    []
    """
    cols = {norm(c) for c in columns}
    missing = [c for c in COLUMNS if c not in cols]
    return missing if len(missing) == 1 else []


def _classify(value: str) -> tuple[str | None, str | None]:
    """Return (as-month, as-financial-year) canonical readings of one period value.

    A month is written with a hyphen (``2016-04``); a slash always means a financial year.

    Examples
    --------
    >>> _classify("FY 2018-19"), _classify("2018-06-01"), _classify("2011-12")
    ((None, '2018/19'), ('2018-06', None), ('2011-12', '2011/12'))
    """
    as_month = as_fy = None
    if "/" not in value:
        try:
            as_month = parse_month(value)
        except ValueError:
            pass
    try:
        as_fy = normalise_financial_year(value)
    except ValueError:
        pass
    return as_month, as_fy


def parse_periods(values: pd.Series) -> pd.Series:
    """Canonical periods (``YYYY-MM`` or ``YYYY/YY``) of a column; missing where not understood.

    Parameters
    ----------
    values : pandas.Series
        Period cells as written, e.g. ``2016-04``, ``2018-06-01`` or ``FY 2018-19``.

    Returns
    -------
    pandas.Series
        String dtype, aligned with ``values``; a value that reads as both a month and a
        financial year is taken as a financial year only when no value of the column is a
        month alone.
    """
    readings = {v: _classify(v) for v in values.unique()}
    any_month = any(m and not f for m, f in readings.values())
    any_fy = any(f and not m for m, f in readings.values())
    prefer_fy = any_fy and not any_month

    def pick(v: str) -> str | None:
        m, f = readings[v]
        if m and f:
            return f if prefer_fy else m
        return m or f

    return values.map({v: pick(v) for v in readings}).astype("string")


def _starts_after(period: str, month: str) -> bool:
    """Whether a canonical month or financial year starts after ``month`` (``YYYY-MM``)."""
    first = period if "/" not in period else months_of_financial_year(period)[0]
    return first > month


def own_labels(labels: pd.Series, cmap: CategoryMap) -> tuple[pd.Series, list[str]]:
    """The report category of each label of a tidy file, and the own labels it keeps.

    A label is never rejected for being unknown: a file with any label that the mapping does
    not know is the partnership's own category table, and every crime label of it is kept as
    written (its first spelling in the file: labels differing only in case or spacing are one
    category). Labels the mapping reads as anti-social behaviour or a flag keep their report
    category; a total (``All crime``, ``Total recorded crime``, ``Total crime``, ``TRC``) is
    All crime given directly. A file whose every label the mapping knows is read through it,
    as police.uk crime types.

    Parameters
    ----------
    labels : pandas.Series
        The category cells as written.
    cmap : CategoryMap
        The category mapping.

    Returns
    -------
    category : pandas.Series
        Report category or own label per row; missing where the cell is blank, ``EXCLUDE``
        where the mapping drops the label on purpose.
    own : list of str
        The own labels kept (first spellings, in file order); empty for a mapped file.

    Examples
    --------
    >>> from csp_analysis.categories import load_category_map
    >>> cat, own = own_labels(
    ...     pd.Series(["Robbery", "burglary in  dwelling", "Burglary in dwelling", "ASB", "TRC"]),
    ...     load_category_map())
    >>> list(cat)[1:]
    ['burglary in dwelling', 'burglary in dwelling', 'Anti-social behaviour', 'All crime']
    >>> own
    ['Robbery', 'burglary in dwelling']
    """
    text = labels.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    text = text.where(text != "")
    mapped = cmap.lookup("tidy", "category", text)
    total = text.map(is_total_label, na_action="ignore").fillna(False).astype(bool)
    mapped = mapped.mask(total, ALL_CRIME)
    unknown = mapped.isna() & text.notna()
    if not unknown.any():
        return mapped, []
    kinds = {c: cmap.kind(c) for c in cmap.order}
    keep = text.notna() & ~total & (mapped.isna() | mapped.map(kinds).eq("crime").fillna(False))
    keys = text.str.casefold()
    first = text[keep].groupby(keys[keep], sort=False).first()
    out = mapped.mask(keep, keys.map(first))
    return out.astype("string"), list(first)


def read_tidy_counts(df: pd.DataFrame, res: FileResult, cmap: CategoryMap) -> None:
    """Read tidy counts, rejecting bad rows with their line and column.

    Negative or non-integer counts, blank counts (missing is not zero), unknown periods and
    categories are rejected. Exact duplicate rows are rejected as duplicates (never counted
    twice); rows with the same area, period and category but different counts are all rejected.

    ``res.counts`` has one row per used line: ``area, force, period, category, count, source,
    line``.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and ``counts``.
    cmap : CategoryMap
        The category mapping (offence codes and names to report categories).
    """
    col = {norm(c): c for c in df.columns}
    lines = pd.Series(df.index, index=df.index)
    res.rows_read = len(df)
    area = df[col["area"]].astype("string")
    force = (df[col["force"]] if "force" in col else pd.Series("", index=df.index)).astype("string")
    period = parse_periods(df[col["period"]])
    category, own = own_labels(df[col["category"]], cmap)
    if own:
        res.notes.append(
            "read as the partnership's own categories (labels kept as written): "
            + ", ".join(own[:8])
            + (f" and {len(own) - 8} more" if len(own) > 8 else "")
        )
    raw, ambiguous = number_text(df[col["count"]])
    num = pd.to_numeric(raw.where((raw != "") & ~ambiguous), errors="coerce")
    num = num.where(np.isfinite(num))  # "inf" is not a count
    after = period.map(lambda p: _starts_after(p, this_month()), na_action="ignore")
    if "note" in col:
        res.synthetic = marked_synthetic(df[col["note"]])

    bad = pd.Series(False, index=df.index)
    checks = [
        (area == "", col["area"], "area is blank"),
        (period.isna(), col["period"], "period is not a financial year (2016/17) or month"),
        (
            after.fillna(False).astype(bool),
            col["period"],
            f"period starts after this month ({this_month()}): not used",
        ),
        (category.isna(), col["category"], "category is blank"),
        (raw == "", col["count"], "count is blank (missing is not zero)"),
        (ambiguous, col["count"], f"count {AMBIGUOUS_NUMBER}"),
        (num.isna() & (raw != ""), col["count"], "count is not a number"),
        (num.notna() & (num != num.round()), col["count"], "count is not a whole number"),
        (num < 0, col["count"], "count is negative"),
        ((category == EXCLUDE).fillna(False), col["category"], "excluded by the mapping"),
    ]
    for mask, column, message in checks:
        mask = mask.fillna(False).astype(bool) & ~bad
        res.reject(mask, lines, column, message)
        bad |= mask
    # An exact repeat is the same line twice (same label and count). Two rows giving one
    # report category otherwise conflict, even under different labels: "Violence against the
    # person" beside "Violence and sexual offences" may be a part beside its total, so
    # neither is used (never a guess), and the analyst is told.
    label = df[col["category"]].astype("string").str.replace(r"\s+", " ", regex=True)
    label = label.str.strip().str.casefold()
    rows = pd.DataFrame(
        {
            "area": area.map(area_key, na_action="ignore").astype("string"),
            "force": force,
            "period": period,
            "category": category,
            "count": num,
            "label": label,
        }
    )
    key = ["area", "period", "category"]
    dup_exact = rows.duplicated(keep="first") & ~bad
    res.reject(dup_exact, lines, None, "duplicate row (same area, period, category and count)")
    bad |= dup_exact
    clean = rows[~bad]
    conflict_keys = clean[clean.duplicated(key, keep=False)]
    conflict = rows.index.isin(conflict_keys.index)
    res.reject(
        pd.Series(conflict, index=df.index),
        lines,
        col["count"],
        "the same area, period and category given twice (different counts or labels): "
        "neither is used",
    )
    bad |= conflict
    res.rows_used = res.rows_read - res.rows_rejected
    used = rows[~bad].copy()
    used["area"] = area[~bad]  # as written (the key only told repeats apart)
    used["count"] = used["count"].astype("int64")
    # One row per used line, with its line: the dataset sums them, and a later file that
    # repeats these rows is told apart line by line (csp_analysis.model).
    res.counts = used.assign(source=SOURCE, line=used.index.astype("int64")).reset_index(drop=True)
    res.coverage = (
        used[["force", "area", "period"]].drop_duplicates().assign(source=SOURCE)
    ).reset_index(drop=True)
