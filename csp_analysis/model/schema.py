"""The dataset's columns, sources and file names, and helpers on its tables."""

from __future__ import annotations

import pandas as pd

from csp_analysis.periods import months_of_financial_year, months_of_quarter, period_kind

#: The columns of :attr:`~csp_analysis.model.Dataset.counts`.
COUNT_COLUMNS = ["area", "force", "period", "category", "count", "source"]
#: The columns of :attr:`~csp_analysis.model.Dataset.offences` (Home Office offence detail).
OFFENCE_COLUMNS = [
    "area",
    "force",
    "period",
    "offence_code",
    "offence_description",
    "offence_subgroup",
    "offence_group",
    "count",
    "source",
]
SOURCE_PRIORITY = ("tidy", "police_uk", "home_office")
SOURCE_LABELS = {
    "tidy": "local tidy extract",
    "police_uk": "data.police.uk street-level records",
    "home_office": "Home Office police recorded crime tables",
}
#: Share of a force's largest partnership's records below which a police.uk area is a stray.
MEMBER_SHARE = 0.05
#: The file that marks a folder written by :meth:`~csp_analysis.model.Dataset.save`.
SAVED_MARKER = "csp_dataset.json"
RECORD_FILES = "record_files.json"
#: Columns every street-level record table has.
RECORD_KEYS = ["month", "area", "force", "category"]


def months_of_period(period: str) -> list[str]:
    """The calendar months a canonical period covers (1, 3 or 12).

    Parameters
    ----------
    period : str
        A month (``2018-04``), Home Office quarter (``2018/19 Q1``) or financial year
        (``2018/19``).

    Returns
    -------
    list of str
        Months as ``YYYY-MM``, oldest first.

    Examples
    --------
    >>> months_of_period("2018/19 Q1")
    ['2018-04', '2018-05', '2018-06']
    """
    kind = period_kind(period)
    if kind == "month":
        return [period]
    if kind == "quarter":
        return months_of_quarter(period)
    return months_of_financial_year(period)


def empty_offences() -> pd.DataFrame:
    """An offences table without rows: :data:`OFFENCE_COLUMNS`, text as ``string``, ``count``
    as int64.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> empty_offences().dtypes["count"], len(empty_offences())
    (dtype('int64'), 0)
    """
    return pd.DataFrame(
        {c: pd.Series(dtype="int64" if c == "count" else "string") for c in OFFENCE_COLUMNS}
    )


def offences_of(counts: list[pd.DataFrame | None]) -> pd.DataFrame:
    """The offences table from the readers' per-line counts that carry offence columns.

    Rows sharing area, force, period, offence (code, description, subgroup, group) and source
    are summed (a code given on two lines of one table adds up, as its category does); a
    missing label stays missing (its own group), never a guessed one.

    Parameters
    ----------
    counts : list of pandas.DataFrame or None
        Each file's counts (after duplicates were set aside); those without an
        ``offence_code`` column (police.uk, tidy) are left out.

    Returns
    -------
    pandas.DataFrame
        :data:`OFFENCE_COLUMNS`, text as ``string`` and ``count`` as int64, sorted by area,
        period and offence code; :func:`empty_offences` when no file gave offences.
    """
    parts = [c for c in counts if c is not None and len(c) and "offence_code" in c.columns]
    if not parts:
        return empty_offences()
    rows = pd.concat([p[OFFENCE_COLUMNS] for p in parts], ignore_index=True)
    keys = [c for c in OFFENCE_COLUMNS if c != "count"]
    rows = rows.astype({c: "string" for c in keys})
    out = rows.groupby(keys, dropna=False, sort=True)["count"].sum().astype("int64").reset_index()
    return out[OFFENCE_COLUMNS].astype({c: "string" for c in keys}).reset_index(drop=True)


def frame_of(parts: list[pd.DataFrame | None], columns: list[str]) -> pd.DataFrame:
    """The non-empty parts stacked, or an empty table of text ``columns`` when there are none.

    Parameters
    ----------
    parts : list of pandas.DataFrame or None
        Tables of the same columns; ``None`` and empty ones are left out.
    columns : list of str
        The columns of the empty table.

    Returns
    -------
    pandas.DataFrame
        The parts concatenated with a fresh index.
    """
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    return pd.concat(parts, ignore_index=True)


def concat_records(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack street-level record tables, keeping text columns categorical.

    A plain :func:`pandas.concat` of categoricals with different labels falls back to
    strings; here the labels of each column are united first.

    Parameters
    ----------
    parts : list of pandas.DataFrame
        Record tables of the same columns; empty ones are left out.

    Returns
    -------
    pandas.DataFrame
        The records stacked with a fresh index; an empty table of the record key columns when
        every part is empty.

    Examples
    --------
    >>> a = pd.DataFrame({"area": pd.Categorical(["X"]), "n": [1.0]})
    >>> b = pd.DataFrame({"area": pd.Categorical(["Y"]), "n": [2.0]})
    >>> out = concat_records([a, b])
    >>> out["area"].tolist(), str(out["area"].dtype)
    (['X', 'Y'], 'category')
    """
    from pandas.api.types import union_categoricals

    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in RECORD_KEYS})
    columns = list(parts[0].columns)
    out = {}
    for c in columns:
        pieces = [p[c] if c in p.columns else pd.Series(pd.NA, index=p.index) for p in parts]
        if all(isinstance(x.dtype, pd.CategoricalDtype) for x in pieces):
            pieces = [x.cat.rename_categories(x.cat.categories.astype("string")) for x in pieces]
            out[c] = pd.Series(union_categoricals(pieces), name=c)
        else:
            out[c] = pd.concat(pieces, ignore_index=True)
    frame = pd.DataFrame(out)
    for c in ("category", "area", "force", "crime_type", "month"):
        if c in frame.columns and not isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].astype("category")
    return frame
