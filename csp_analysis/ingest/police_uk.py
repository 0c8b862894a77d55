"""data.police.uk street-level files: one row per crime or anti-social behaviour incident.

The partnership (CSP) of a row is the local authority in its LSOA name ("Thurrock 016B" belongs
to Thurrock). Rows without a location (blank LSOA) belong to the force but to no partnership:
they are counted as rejected with that reason, never dropped silently. A Crime ID seen earlier
in the same file is a duplicated row: rejected, naming the line of its first occurrence.

Every check works on the distinct values of a column (a few thousand LSOA names, a dozen crime
types), not on each of the rows, so a national year of six million rows is read in seconds.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from csp_analysis.categories import CategoryMap
from csp_analysis.ingest.base import FileResult, Header, marked_synthetic, norm, this_month

SOURCE = "police_uk"
LSOA_NAME = r"^(?P<area>.+?)\s+\d{3}[A-Z]$"
RECORD_COLUMNS = [
    "month",
    "area",
    "force",
    "lsoa_code",
    "lsoa_name",
    "location",
    "crime_type",
    "category",
    "longitude",
    "latitude",
    "crime_id",
    "last_outcome",
]
#: Columns a police.uk file must have for its rows to be used (normalised names).
REQUIRED = ("month", "crimetype", "lsoaname")
#: Columns read from a police.uk file (normalised names); the rest are never loaded.
USED = (
    "crimeid",
    "month",
    "reportedby",
    "fallswithin",
    "longitude",
    "latitude",
    "location",
    "lsoacode",
    "lsoaname",
    "crimetype",
    "lastoutcomecategory",
    "context",
)
#: The columns of a data.police.uk street-level file (normalised name: as written).
COLUMNS = {
    "crimeid": "Crime ID",
    "month": "Month",
    "reportedby": "Reported by",
    "fallswithin": "Falls within",
    "longitude": "Longitude",
    "latitude": "Latitude",
    "location": "Location",
    "lsoacode": "LSOA code",
    "lsoaname": "LSOA name",
    "crimetype": "Crime type",
    "lastoutcomecategory": "Last outcome category",
    "context": "Context",
}
#: A month as Excel writes a date cell when it re-saves a police.uk file.
EXCEL_MONTH = r"\d{4}-(0[1-9]|1[0-2])-01(T| )?(00:00(:00)?)?"
#: The same date in the United Kingdom's day-first order (``01/02/2019``: 1 February 2019), as
#: Excel writes it in a UK locale; police.uk months are always the first of the month.
UK_DATE_MONTH = r"0?1/(?P<m>0?[1-9]|1[0-2])/(?P<y>\d{4})( 00:00(:00)?)?"
#: A month covers a force in a file only with at least this share of the rows of the file's
#: busiest month for that force: one mis-dated row never makes a month "covered".
MONTH_SHARE = 0.2
#: A force-month of at least this many rows holding no more than ``FILTERED_TYPES`` crime
#: types (of police.uk's 14) is a file filtered to those types: it covers only them.
FILTERED_ROWS = 100
FILTERED_TYPES = 3
#: The columns that make a header a police.uk street-level one.
RECOGNISED_BY = ("month", "fallswithin", "lsoaname", "crimetype")


def recognise(header: Header) -> bool:
    """Whether a header is a data.police.uk street-level one.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when every column of ``RECOGNISED_BY`` is present (any case and spacing).

    Examples
    --------
    >>> recognise(Header.of(["crime_id", "month", "falls_within", "lsoa_name", "crime_type"]))
    True
    """
    return set(RECOGNISED_BY) <= header.cols


def missing_columns(columns: Iterable[object]) -> list[str]:
    """The police.uk columns missing from a header that is otherwise a police.uk street header.

    A header with at least six of the police.uk street-level columns but not all of
    ``RECOGNISED_BY`` is taken for a police.uk file that lost a column (so the message can
    name it rather than say the header is not recognised). Outcomes files (``Outcome type``)
    are another kind of file, not a damaged street file.

    Parameters
    ----------
    columns : iterable
        The header cells as written in the file.

    Returns
    -------
    list of str
        The missing required columns as police.uk writes them; empty when the header is a
        complete police.uk header or not a police.uk header at all.

    Examples
    --------
    >>> missing_columns(["Crime ID", "Month", "Reported by", "Falls within",
    ...                  "Location", "LSOA code", "LSOA name", "Context"])
    ['Crime type']
    >>> missing_columns(["area", "period", "category", "count"])
    []
    """
    cols = {norm(c) for c in columns}
    if "outcometype" in cols or len(cols & COLUMNS.keys()) < 6:
        return []
    return [COLUMNS[k] for k in RECOGNISED_BY if k not in cols]


class Labels:
    """A text column as codes into its distinct, whitespace-stripped values.

    ``values[codes]`` is the column; a missing cell is the empty string. Checks run once per
    distinct value and are spread back to rows by the codes.

    Parameters
    ----------
    column : pandas.Series or None
        The column (text or categorical); ``None`` for a column the file lacks (every cell
        missing).
    n : int
        The number of rows (used when ``column`` is ``None``).
    """

    def __init__(self, column: pd.Series | None, n: int) -> None:
        if column is None:
            self.codes = np.zeros(n, dtype=np.int64)
            self.values = pd.Index([""], dtype="string")
            return
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy().astype(np.int64)
            uniques = pd.Index(column.cat.categories.astype("string"))
        else:
            codes, uniques = pd.factorize(column.astype("string"), use_na_sentinel=True)
            uniques = pd.Index(uniques, dtype="string")
        stripped = pd.Series(uniques, dtype="string").str.strip().fillna("")
        labels = pd.concat([stripped, pd.Series([""], dtype="string")], ignore_index=True)
        codes = np.where(codes < 0, len(labels) - 1, codes)
        merged, self.values = pd.factorize(labels)
        self.values = pd.Index(self.values, dtype="string")
        self.codes = merged[codes]

    def relabel(self, values: pd.Index | pd.Series) -> None:
        """Replace each distinct value by another (values that become equal merge).

        Parameters
        ----------
        values : pandas.Index or pandas.Series
            One new text per value of :attr:`values`, in order.
        """
        codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object)).fillna(""))
        self.codes = codes[self.codes]
        self.values = pd.Index(uniques, dtype="string")

    def test(self, result: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
        """Spread a boolean result computed on :attr:`values` to the rows.

        Parameters
        ----------
        result : pandas.Series, pandas.Index or numpy.ndarray
            One boolean per value of :attr:`values`, in order (missing counts as False).

        Returns
        -------
        numpy.ndarray
            One boolean per row.
        """
        return np.asarray(pd.Series(result).fillna(False), dtype=bool)[self.codes]

    def derive(self, result: pd.Series | pd.Index) -> pd.Categorical:
        """Spread a text result computed on :attr:`values` to the rows, as a categorical.

        Parameters
        ----------
        result : pandas.Series or pandas.Index
            One text (or missing) per value of :attr:`values`, in order.

        Returns
        -------
        pandas.Categorical
            One entry per row.
        """
        vals = pd.Series(np.asarray(result, dtype=object)).astype("string")
        codes, uniques = pd.factorize(vals, use_na_sentinel=True)
        return pd.Categorical.from_codes(codes[self.codes], pd.Index(uniques, dtype="string"))

    def column(self) -> pd.Categorical:
        """The stripped column itself, as a categorical (empty string for a missing cell).

        Returns
        -------
        pandas.Categorical
            One entry per row.
        """
        return pd.Categorical.from_codes(self.codes, self.values)


def _example(month: Labels, ok: np.ndarray) -> str:
    """`` (e.g. 'Feb-19')``: the first month cell not understood, to show in the reason."""
    bad = ~np.asarray(ok, dtype=bool)
    if not bad.any():
        return ""
    value = str(month.values.to_numpy()[month.codes[bad][0]])
    return f" (e.g. {value[:40]!r})" if value else " (blank)"


def read_police_uk(df: pd.DataFrame, res: FileResult, cmap: CategoryMap) -> None:
    """Turn a police.uk street-level table into records, counts and coverage.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells (strings or categoricals), indexed by line number.
    res : FileResult
        Filled in place: ``records``, ``counts`` (area, force, period, category, count, source),
        ``coverage`` (force-months the file covers) and the row accounting.
    cmap : CategoryMap
        Maps police.uk crime types to report categories.

    Notes
    -----
    Rows are rejected, each with one reason (the first that applies), for: a month that is not
    ``YYYY-MM``; no force; a crime type the mapping does not know; no location (blank LSOA);
    an LSOA name not of the form ``Area 001A``; a Crime ID already seen in the file.
    """
    n = len(df)
    col = {norm(c): c for c in df.columns}
    lines = pd.Series(df.index, index=df.index)
    res.rows_read = n

    def labels(key: str) -> Labels:
        return Labels(df[col[key]] if key in col else None, n)

    month = labels("month")
    dated = month.values.str.fullmatch(EXCEL_MONTH).fillna(False)
    if dated.any():  # a file re-saved by Excel: "2019-02-01 00:00:00" is the month 2019-02
        month.relabel(month.values.where(~dated, month.values.str[:7]))
        res.notes.append(
            f"the {col['month']} column holds dates (e.g. 2019-02-01 00:00:00, as Excel saves "
            "a police.uk file): read as their months"
        )
    uk = month.values.str.extract(f"^{UK_DATE_MONTH}$")
    uk_dated = uk["y"].notna()
    if uk_dated.any():  # "01/02/2019" (day first): the month 2019-02
        iso = uk["y"] + "-" + uk["m"].str.zfill(2)
        month.relabel(month.values.where(~uk_dated.to_numpy(), iso.to_numpy()))
        res.notes.append(
            f"the {col['month']} column holds dates written day first (e.g. 01/02/2019, as "
            "Excel saves a police.uk file in a UK locale): read as their months"
        )
    month_ok = month.test(month.values.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])"))
    future = month.test(month.values > this_month()) & month_ok
    falls, reported = labels("fallswithin"), labels("reportedby")
    force_vals = np.where(
        falls.values.to_numpy()[falls.codes] != "",
        falls.values.to_numpy()[falls.codes],
        reported.values.to_numpy()[reported.codes],
    )
    force = Labels(pd.Series(force_vals, dtype="string"), n)
    crime_type = labels("crimetype")
    category_of = cmap.lookup("police_uk", "crime_type", pd.Series(crime_type.values))
    lsoa = labels("lsoaname")
    area_of = pd.Series(lsoa.values).str.extract(LSOA_NAME)["area"]
    context = labels("context")
    res.synthetic = marked_synthetic(pd.Series(context.values))
    crime_id = labels("crimeid")
    ids = pd.Series(crime_id.codes, index=df.index)
    has_id = crime_id.test(crime_id.values != "")

    checks = [
        (~month_ok, col.get("month"), f"month is not YYYY-MM{_example(month, month_ok)}"),
        (future, col.get("month"), f"month is after this month ({this_month()}): not used"),
        (
            ~force.test(force.values != ""),
            col.get("fallswithin"),
            "no police force (Falls within is blank)",
        ),
        (
            ~crime_type.test(category_of.notna()),
            col.get("crimetype"),
            "crime type not in the category mapping",
        ),
        (
            ~lsoa.test(lsoa.values != ""),
            col.get("lsoaname"),
            "no location (blank LSOA): in the force's total, in no partnership",
        ),
        (
            ~lsoa.test(area_of.notna()),
            col.get("lsoaname"),
            "LSOA name is not of the form 'Area 001A'",
        ),
    ]
    bad = np.zeros(n, dtype=bool)
    for mask, column, message in checks:
        mask = mask & ~bad
        res.reject(pd.Series(mask, index=df.index), lines, column, message)
        bad |= mask
    # A Crime ID already used earlier in the file (rows rejected for another reason do not
    # count as the first copy): the same crime twice.
    candidates = ids[has_id & ~bad]
    repeat = candidates.duplicated()
    if repeat.any():
        first = candidates[~repeat]
        first_line = pd.Series(first.index, index=first.to_numpy())
        mask = pd.Series(False, index=df.index)
        mask[repeat[repeat].index] = True
        line = int(candidates[repeat].map(first_line).iloc[0])
        res.reject(
            mask,
            lines,
            col.get("crimeid"),
            f"duplicate Crime ID: the same crime twice, not counted twice (first at line {line})",
        )
        bad |= mask.to_numpy()

    covered = month_ok & ~future & force.test(force.values != "")
    res.coverage, stray, notes = _coverage(force, month, crime_type, covered, category_of)
    res.notes += notes
    for mask, message in stray:
        mask = mask & ~bad
        res.reject(pd.Series(mask, index=df.index), lines, col.get("month"), message)
        bad |= mask

    ok = ~bad
    res.rows_used = int(ok.sum())
    # Rows, and rows without a location, by force and month: police.uk coverage (rows of a
    # month the file does not cover, set aside above as mis-dated, are not in it).
    misdated = np.zeros(n, dtype=bool)
    for mask, _message in stray:
        misdated |= np.asarray(mask, dtype=bool)
    counted = np.asarray(covered, dtype=bool) & ~misdated
    res.tables["police_uk_rows"] = (
        pd.DataFrame(
            {
                "force": force.column()[counted],
                "month": month.column()[counted],
                "no_location": ~lsoa.test(lsoa.values != "")[counted],
            }
        )
        .groupby(["force", "month"], observed=True)["no_location"]
        .agg(rows="size", no_location="sum")
        .reset_index()
        .astype({"force": "string", "month": "string", "rows": "int64", "no_location": "int64"})
    )

    def number(key: str) -> np.ndarray:
        if key not in col:
            return np.full(n, np.nan)
        values = df[col[key]]
        if pd.api.types.is_float_dtype(values.dtype):
            return values.to_numpy(dtype=float)
        cells = values.astype("string").str.strip()
        return pd.to_numeric(cells.where(cells != ""), errors="coerce").to_numpy(dtype=float)

    rec = pd.DataFrame(
        {
            "month": month.column(),
            "area": lsoa.derive(area_of),
            "force": force.column(),
            "lsoa_code": labels("lsoacode").column(),
            "lsoa_name": lsoa.column(),
            "location": labels("location").column(),
            "crime_type": crime_type.column(),
            "category": crime_type.derive(category_of),
            "longitude": number("longitude"),
            "latitude": number("latitude"),
            "crime_id": crime_id.column(),
            "last_outcome": labels("lastoutcomecategory").column(),
        }
    )[ok]
    rec = rec.reset_index(drop=True)
    for c in rec.columns:
        if isinstance(rec[c].dtype, pd.CategoricalDtype):
            rec[c] = rec[c].cat.remove_unused_categories()
    res.records = rec
    res.counts = (
        rec.groupby(["area", "force", "month", "category"], observed=True)
        .size()
        .rename("count")
        .reset_index()
        .rename(columns={"month": "period"})
        .astype({"area": "string", "force": "string", "period": "string", "category": "string"})
        .assign(source=SOURCE)
    )


def _coverage(
    force: Labels,
    month: Labels,
    crime_type: Labels,
    usable: np.ndarray,
    category_of: pd.Series,
) -> tuple[pd.DataFrame, list[tuple[np.ndarray, str]], list[str]]:
    """The force-months a file covers, and the rows of months it does not.

    A file covers a force's month when that month holds at least ``MONTH_SHARE`` of the rows
    of the file's busiest month for the force (a police.uk file is one month; a file joining
    several months has each in plausible volume). A month with a handful of rows beside a
    full one is a mis-dated row: its rows are returned to be rejected, and the month stays
    missing. A force-month of ``FILTERED_ROWS`` rows or more with at most ``FILTERED_TYPES``
    crime types is a file filtered to those types: it covers only their categories (every
    other category of that month is missing, not 0).

    Returns
    -------
    coverage : pandas.DataFrame
        ``force, area, period, source, category``: ``category`` missing where the file covers
        every category of the force-month, else one row per category covered.
    stray : list of (mask, message)
        Rows of months not covered, per month, with the reason.
    notes : list of str
        One per force-month read as filtered.
    """
    frame = pd.DataFrame(
        {
            "force": force.codes[usable],
            "month": month.codes[usable],
            "type": crime_type.codes[usable],
        }
    )
    sizes = frame.groupby(["force", "month"]).size().rename("rows").reset_index()
    busiest = sizes.groupby("force")["rows"].transform("max")
    sizes["covered"] = sizes["rows"] >= MONTH_SHARE * busiest
    types = frame.groupby(["force", "month"])["type"].unique().rename("types").reset_index()
    sizes = sizes.merge(types, on=["force", "month"])
    fv, mv = force.values.to_numpy(), month.values.to_numpy()
    cats = category_of.to_numpy()
    rows = []
    stray = []
    notes: list[str] = []
    for r in sizes.itertuples():
        if not r.covered:
            top = sizes[(sizes["force"] == r.force) & sizes["covered"]].sort_values("rows").iloc[-1]
            mask = usable & (force.codes == r.force) & (month.codes == r.month)
            stray.append(
                (
                    mask,
                    f"month {mv[r.month]} has {r.rows:,} row(s) of {fv[r.force]} where "
                    f"{mv[top['month']]} has {int(top['rows']):,}: mis-dated rows, not used "
                    "(the month is not covered by this file: missing, not 0)",
                )
            )
            continue
        filtered = r.rows >= FILTERED_ROWS and len(r.types) <= FILTERED_TYPES
        covered_cats = (
            sorted({str(cats[t]) for t in r.types if pd.notna(cats[t])}) if filtered else [pd.NA]
        )
        if filtered:
            notes.append(
                f"{fv[r.force]} {mv[r.month]} holds only {', '.join(covered_cats)} "
                f"({r.rows:,} rows): read as a file filtered to these crime types, the "
                "month's other categories are missing, not 0"
            )
        for c in covered_cats:
            rows.append((str(fv[r.force]), str(mv[r.month]), c))
    coverage = pd.DataFrame(rows, columns=["force", "period", "category"], dtype="string")
    coverage = coverage.assign(area=pd.NA, source=SOURCE).astype("string")
    return coverage[["force", "area", "period", "source", "category"]], stray, notes
