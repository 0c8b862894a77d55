"""Home Office police recorded crime tables by Community Safety Partnership.

Two layouts are read: the official long table (one row per financial year x quarter x CSP x
offence code) and wide per-year extracts (one column per financial year). Column names drift
between releases (``Force Name``/``Police Force``, ``Number of Offences``/``Offence Count``,
``Offence Code``/``OffenceCode``); all are matched after normalisation.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from csp_analysis.categories import EXCLUDE, CategoryMap
from csp_analysis.ingest.base import FileResult, Header, Problem, norm, number_text, this_month
from csp_analysis.ingest.offences import harmonise
from csp_analysis.periods import (
    months_of_financial_year,
    months_of_quarter,
    normalise_financial_year,
    period_kind,
)

SOURCE = "home_office"
#: The offence columns each Home Office count row carries beside its report category (kept as
#: the dataset's ``offences`` table, :attr:`csp_analysis.model.Dataset.offences`).
OFFENCE_FIELDS = ("offence_code", "offence_description", "offence_subgroup", "offence_group")
#: A column named by a financial year (``2023/24``, ``2023-2024``) in a wide table.
YEAR_COLUMN = re.compile(r"^\d{4}\s*[/\-]\s*\d{2,4}$")
_OFFENCES = frozenset({"numberofoffences", "offencecount"})


def _by_csp(header: Header) -> bool:
    return "cspname" in header.cols and "offencecode" in header.cols


def is_long(header: Header) -> bool:
    """The official long table: CSP name, offence code, financial year and a count column.

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
    >>> is_long(Header.of(["CSP Name", "Offence Code", "Financial Year", "Offence Count"]))
    True
    """
    return _by_csp(header) and "financialyear" in header.cols and bool(header.cols & _OFFENCES)


def is_wide(header: Header) -> bool:
    """A wide extract by CSP and offence code with one column per financial year.

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
    >>> is_wide(Header.of(["CSP Name", "Offence Code", "2022/23", "2023/24"]))
    True
    """
    return _by_csp(header) and any(YEAR_COLUMN.match(c) for c in header.raw)


def is_without_period(header: Header) -> bool:
    """A table by CSP and offence code with counts but nothing placing them in time.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.
    """
    return _by_csp(header) and bool(header.cols & _OFFENCES)


def is_force_rolling(header: Header) -> bool:
    """Rolling 12-month totals by police force area (``12 months ending``, ``PFA``).

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.
    """
    return {"12monthsending", "pfa", "offence"} <= header.cols


def _col(df: pd.DataFrame, *keys: str) -> str | None:
    by_norm = {norm(c): c for c in df.columns}
    for k in keys:
        if k in by_norm:
            return by_norm[k]
    return None


def _fy(values: pd.Series) -> pd.Series:
    def one(v: str) -> str | None:
        try:
            return normalise_financial_year(v)
        except ValueError:
            return None

    uniq = {v: one(v) for v in values.unique()}
    return values.map(uniq).astype("string")


def _starts_after(periods: pd.Series, month: str) -> pd.Series:
    """Which canonical years (``2018/19``) or quarters (``2018/19 Q1``) start after ``month``
    (``YYYY-MM``); missing periods are False."""

    def first(p: str) -> str:
        kind = period_kind(p)
        return (months_of_quarter(p) if kind == "quarter" else months_of_financial_year(p))[0]

    uniq = {p: first(str(p)) > month for p in periods.dropna().unique()}
    return periods.map(uniq).fillna(False).astype(bool)


def _counts(values: pd.Series) -> pd.Series:
    cleaned, ambiguous = number_text(values)  # "2.000" is never 2
    num = pd.to_numeric(cleaned.where((cleaned != "") & ~ambiguous), errors="coerce")
    whole = num.notna() & np.isfinite(num) & (num == num.round())
    return num.where(whole).astype("Int64")


def _categories(df: pd.DataFrame, cmap: CategoryMap) -> pd.Series:
    sub_col = _col(df, "offencesubgroup")
    grp_col = _col(df, "offencegroup")
    # Worked out once per distinct (subgroup, group) pair: a published table has millions of
    # rows but a few dozen pairs.
    pairs = pd.MultiIndex.from_arrays(
        [
            df[sub_col] if sub_col else pd.Series("", index=df.index),
            df[grp_col] if grp_col else pd.Series("", index=df.index),
        ]
    )
    codes, uniques = pairs.factorize()
    u = uniques.to_frame(index=False, name=["sub", "grp"])
    empty = pd.Series(pd.NA, index=u.index, dtype="string")
    # Labels renamed between releases are harmonised first (reference/offence_aliases.csv).
    sub = harmonise(u["sub"], "offence_subgroup") if sub_col else empty
    grp = harmonise(u["grp"], "offence_group") if grp_col else empty
    by_sub = cmap.lookup("home_office", "offence_subgroup", sub) if sub_col else empty
    by_grp = cmap.lookup("home_office", "offence_group", grp) if grp_col else empty
    per_pair = by_sub.fillna(by_grp).to_numpy()
    return pd.Series(per_pair[codes], index=df.index, dtype="string")


def _offences(df: pd.DataFrame) -> pd.DataFrame:
    """Each row's offence: code, description, subgroup and group (``OFFENCE_FIELDS``).

    Codes and descriptions are kept as published (spaces tidied); subgroups and groups are
    harmonised across releases (``reference/offence_aliases.csv``). A column the table lacks
    is missing (never a guessed label). Worked out once per distinct value.
    """
    out = {}
    for name, key in zip(
        OFFENCE_FIELDS,
        ("offencecode", "offencedescription", "offencesubgroup", "offencegroup"),
        strict=True,
    ):
        col = _col(df, key)
        if col is None:
            out[name] = pd.Series(pd.NA, index=df.index, dtype="string")
            continue
        values = df[col].astype("string")
        uniq = pd.Series(values.dropna().unique(), dtype="string")
        if name in ("offence_subgroup", "offence_group"):
            tidy = harmonise(uniq, name)
        else:
            tidy = uniq.str.replace(r"\s+", " ", regex=True).str.strip()
        tidy = tidy.where(tidy != "", pd.NA)
        out[name] = values.map(dict(zip(uniq, tidy, strict=True))).astype("string")
    return pd.DataFrame(out, index=df.index)


def _per_line(used: pd.DataFrame) -> pd.DataFrame:
    """Counts as one row per used value with its line (``area, force, period, category, count,
    source, line``, then the offence columns ``OFFENCE_FIELDS``): the dataset sums them by
    category, keeps them by offence (:attr:`~csp_analysis.model.Dataset.offences`), and a later
    file repeating them is told apart line by line (:mod:`csp_analysis.model`)."""
    return pd.DataFrame(
        {
            "area": used["area"].astype("string"),
            "force": used["force"].astype("string"),
            "period": used["period"].astype("string"),
            "category": used["category"].astype("string"),
            "count": used["count"].astype("int64"),
            "source": SOURCE,
            "line": used.index.astype("int64"),
            **{f: used[f].astype("string") for f in OFFENCE_FIELDS},
        }
    ).reset_index(drop=True)


def _finish(
    res: FileResult,
    rows: pd.DataFrame,
    lines: pd.Series,
    cmap_cat: pd.Series,
    offences: pd.DataFrame,
) -> None:
    """The long layout's tail: reject unmapped/excluded rows, count the rest (with their
    offences)."""
    bad = rows["_bad"]
    unmapped = cmap_cat.isna() & ~bad
    res.reject(unmapped, lines, "Offence Subgroup", "offence not in the category mapping")
    excluded = (cmap_cat == EXCLUDE).fillna(False).astype(bool) & ~bad & ~unmapped
    res.reject(excluded, lines, "Offence Group", "excluded by the category mapping (e.g. fraud)")
    ok = ~bad & ~unmapped & ~excluded
    res.rows_used = res.rows_read - res.rows_rejected
    used = pd.concat([rows[ok].assign(category=cmap_cat[ok]), offences[ok]], axis=1)
    negative = used["count"] < 0
    if negative.any():
        res.notes.append(
            f"{int(negative.sum())} rows with negative counts (Home Office adjustments) "
            f"included in the totals, adding {int(used.loc[negative, 'count'].sum())}"
        )
    res.counts = _per_line(used)
    res.coverage = (
        rows.loc[~bad, ["force", "area", "period"]]
        .astype("string")
        .drop_duplicates()
        .assign(source=SOURCE)
        .reset_index(drop=True)
    )


def read_home_office_long(df: pd.DataFrame, res: FileResult, cmap: CategoryMap) -> None:
    """Read the long Home Office table (financial year x quarter x CSP x offence code).

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and ``counts``.
    cmap : CategoryMap
        The category mapping (offence codes and names to report categories).
    """
    lines = pd.Series(df.index, index=df.index)
    res.rows_read = len(df)
    fy_col = _col(df, "financialyear")
    q_col = _col(df, "financialquarter", "quarter")
    force_col = _col(df, "forcename", "policeforce", "force")
    count_col = _col(df, "numberofoffences", "offencecount")
    csp_col = _col(df, "cspname")
    assert fy_col and count_col and csp_col  # guaranteed by detect_layout
    fy = _fy(df[fy_col])
    if q_col:
        q = df[q_col].str.extract(r"^(?:Q)?([1-4])$", expand=False).astype("string")
        period = (fy + " Q" + q).astype("string")
    else:
        q = pd.Series("", index=df.index, dtype="string")
        period = fy
    count = _counts(df[count_col])
    rows = pd.DataFrame(
        {
            "area": df[csp_col].astype("string"),
            "force": (df[force_col] if force_col else pd.Series("", index=df.index)).astype(
                "string"
            ),
            "period": period,
            "count": count,
        }
    )
    bad = pd.Series(False, index=df.index)
    checks = [
        (fy.isna(), fy_col, "financial year not understood (expected e.g. 2016/17)"),
        (q.isna(), q_col, "financial quarter is not 1 to 4"),
        (
            _starts_after(period, this_month()),
            fy_col,
            f"period starts after this month ({this_month()}): not used",
        ),
        (rows["area"] == "", csp_col, "CSP name is blank"),
        (count.isna(), count_col, "count is not a whole number (missing is not zero)"),
    ]
    for mask, column, message in checks:
        mask = mask.fillna(True).astype(bool) & ~bad
        res.reject(mask, lines, column, message)
        bad |= mask
    # Code and description: a published table gives two offences one code (4.1).
    offence = [c for c in (_col(df, "offencecode"), _col(df, "offencedescription")) if c]
    ident = pd.concat([rows[["period", "area", "count"]], df[offence]], axis=1)
    ident.columns = range(len(ident.columns))
    bad |= _repeated_rows(ident, bad, lines, res)
    rows["_bad"] = bad
    _finish(res, rows, lines, _categories(df, cmap), _offences(df))


def _repeated_rows(
    ident: pd.DataFrame, bad: pd.Series, lines: pd.Series, res: FileResult
) -> pd.Series:
    """Reject rows repeating an earlier row of the file (a table pasted twice): rows whose
    ``ident`` columns (long: period, partnership, offence code and description and count;
    wide: partnership, offence and every year's cell) are all those of an earlier row not
    already rejected."""
    index = ident.index
    ident = ident[~bad]
    repeat = ident.duplicated(keep="first")
    if not repeat.any():
        return pd.Series(False, index=index)
    same = (ident.astype("string") == ident[repeat].iloc[0].astype("string")).all(axis=1)
    first_line = int(ident.index[same.to_numpy(dtype=bool)][0])
    mask = pd.Series(False, index=index)
    mask[repeat[repeat].index] = True
    res.reject(
        mask,
        lines,
        None,
        f"the same row as line {first_line} (the table pasted twice?): not counted twice",
    )
    return mask


def read_home_office_wide(df: pd.DataFrame, res: FileResult, cmap: CategoryMap) -> None:
    """Read a wide extract: one row per CSP x offence code, one column per financial year.

    The "All crimes" total row is not added in; it is compared with the sum of the offence rows
    and the result is noted.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and ``counts``.
    cmap : CategoryMap
        The category mapping (offence codes and names to report categories).

    Notes
    -----
    Rows are the table's lines (one per partnership and offence), as in the file. A line is
    rejected, with its reason, when it is the total row, has no CSP name, an offence outside
    the mapping, or no yearly value that is a whole number. A bad value on a line whose other
    years are good leaves out that year's value only: the line counts as used and the value is
    a problem naming the line and its year column (with ``rows`` 0, as no row is rejected).
    """
    fy_of = {c: _fy(pd.Series([str(c)])).iloc[0] for c in df.columns if YEAR_COLUMN.match(str(c))}
    year_cols = [c for c, fy in fy_of.items() if pd.notna(fy)]
    if not year_cols:
        read_home_office_unusable(
            df, res, f"no column heading is a financial year ({', '.join(fy_of)}: not understood)"
        )
        return
    csp_col = _col(df, "cspname")
    force_col = _col(df, "forcename", "policeforce", "force")
    code_col = _col(df, "offencecode")
    desc_col = _col(df, "offencedescription")
    assert csp_col and code_col
    res.rows_read = len(df)
    lines = pd.Series(df.index, index=df.index)
    is_total = df[code_col].str.casefold().str.startswith("all") | (
        df[desc_col].str.casefold().str.startswith("all crime") if desc_col else False
    )
    res.reject(is_total, lines, code_col, "skipped: 'All crimes' total row (checked, not added)")
    bad = is_total.copy()
    blank = (df[csp_col] == "") & ~bad
    res.reject(blank, lines, csp_col, "CSP name is blank")
    bad |= blank
    cat = _categories(df, cmap)
    unmapped = cat.isna() & ~bad
    res.reject(unmapped, lines, "Offence Subgroup", "offence not in the category mapping")
    bad |= unmapped
    excluded = (cat == EXCLUDE).fillna(False).astype(bool) & ~bad
    res.reject(excluded, lines, "Offence Group", "excluded by the category mapping")
    bad |= excluded
    offence = [c for c in (code_col, desc_col) if c]  # one code may be two offences (4.1)
    ident = df[[csp_col, *offence, *year_cols]].astype("string")
    ident.columns = range(len(ident.columns))  # a header may repeat a name
    bad |= _repeated_rows(ident, bad, lines, res)
    future = [y for y in year_cols if months_of_financial_year(fy_of[y])[0] > this_month()]
    values = pd.DataFrame({y: _counts(df[y]) for y in year_cols}, index=df.index)
    values[future] = pd.NA  # years starting after this month: never a figure
    good = values.notna()
    none_good = ~good.any(axis=1) & ~bad
    res.reject(
        none_good,
        lines,
        year_cols[0],
        f"no yearly count ({', '.join(year_cols)}) is a whole number (missing is not zero)"
        + (
            f"; {', '.join(future)} start after this month ({this_month()}): not used"
            if future
            else ""
        ),
    )
    bad |= none_good
    left_out = 0
    for y in year_cols:
        cells = ~good[y] & ~bad
        if y in future and cells.any():
            at = lines[cells].tolist()
            where = ", ".join(str(x) for x in at[:5]) + (" …" if len(at) > 5 else "")
            res.problems.append(
                Problem(
                    res.source,
                    int(at[0]),
                    str(y),
                    f"{y} starts after this month ({this_month()}): that year's values are "
                    "not used, the lines' other years are",
                    0,
                    where,
                )
            )
        elif cells.any():
            at = lines[cells].tolist()
            where = ", ".join(str(x) for x in at[:5]) + (" …" if len(at) > 5 else "")
            res.problems.append(
                Problem(
                    res.source,
                    int(at[0]),
                    str(y),
                    f"{y} count is not a whole number (missing is not zero): that year's value is "
                    "left out, the line's other years are used",
                    0,
                    where,
                )
            )
            left_out += len(at)
    if left_out:
        res.notes.append(
            f"{left_out} yearly values left out on lines otherwise used (rows "
            "here are the table's lines; a line is used when any of its years is)"
        )
    res.rows_used = res.rows_read - res.rows_rejected
    ok = df[~bad]
    offences = _offences(ok)
    long = values[~bad].stack().dropna()  # one value per line and year; bad values left out
    at = long.index.get_level_values(0)
    used = pd.DataFrame(
        {
            "area": ok.loc[at, csp_col].to_numpy(),
            "force": ok.loc[at, force_col].to_numpy() if force_col else "",
            "period": long.index.get_level_values(1).map(fy_of).to_numpy(),
            "category": cat[~bad].loc[at].to_numpy(),
            "count": long.to_numpy(dtype="int64"),
            **{f: offences.loc[at, f].to_numpy() for f in OFFENCE_FIELDS},
        },
        index=pd.Index(at, dtype="int64"),
    )
    res.counts = _per_line(used)
    res.coverage = (
        res.counts[["force", "area", "period"]].drop_duplicates().assign(source=SOURCE)
    ).reset_index(drop=True)
    for _, row in df[is_total].iterrows():
        for y in (y for y in year_cols if y not in future):
            stated = _counts(pd.Series([row[y]])).iloc[0]
            fy_y = fy_of[y]
            c = res.counts
            summed = int(c.loc[(c["area"] == row[csp_col]) & (c["period"] == fy_y), "count"].sum())
            if pd.notna(stated) and int(stated) != summed and not excluded.any():
                res.notes.append(
                    f"{row[csp_col]} {fy_y}: the file's All crimes total {int(stated)} differs "
                    f"from the sum of its offence rows {summed}"
                )


def read_home_office_unusable(df: pd.DataFrame, res: FileResult, message: str) -> None:
    """Account for a recognised Home Office table that cannot be used for partnership figures.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting and a problem per rejected row.
    message : str
        Why the table cannot be used: the reason given for every row.
    """
    res.rows_read = len(df)
    lines = pd.Series(df.index, index=df.index)
    res.reject(pd.Series(True, index=df.index), lines, None, message)
    res.rows_used = 0


def read_home_office_no_period(df: pd.DataFrame, res: FileResult) -> None:
    """Account for a Home Office table without a Financial Year column: every row rejected.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting and a problem per rejected row.
    """
    read_home_office_unusable(df, res, "no Financial Year column: counts cannot be placed in time")


def read_home_office_force_rolling(df: pd.DataFrame, res: FileResult) -> None:
    """Account for force-level rolling totals: skipped, they give no partnership figures.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting and a problem per rejected row.
    """
    read_home_office_unusable(
        df, res, "skipped: force-level rolling totals are not used for partnership figures"
    )
