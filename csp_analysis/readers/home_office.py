"""Home Office police recorded crime tables by Community Safety Partnership.

Two layouts are read: the official long table (one row per financial year x quarter x CSP x
offence code) and wide per-year extracts (one column per financial year). Column names drift
between releases (``Force Name``/``Police Force``, ``Number of Offences``/``Offence Count``,
``Offence Code``/``OffenceCode``); all are matched after normalisation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis.categories import EXCLUDE, CategoryMap
from csp_analysis.periods import normalise_financial_year
from csp_analysis.readers.base import FileResult, norm
from csp_analysis.readers.detect import YEAR_COLUMN

SOURCE = "home_office"


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


def _counts(values: pd.Series) -> pd.Series:
    cleaned = values.astype("string").str.replace(",", "", regex=False).str.strip()
    num = pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce")
    whole = num.notna() & np.isfinite(num) & (num == num.round())
    return num.where(whole).astype("Int64")


def _categories(df: pd.DataFrame, cmap: CategoryMap) -> pd.Series:
    sub_col = _col(df, "offencesubgroup")
    grp_col = _col(df, "offencegroup")
    empty = pd.Series(pd.NA, index=df.index, dtype="string")
    by_sub = cmap.lookup("home_office", "offence_subgroup", df[sub_col]) if sub_col else empty
    by_grp = cmap.lookup("home_office", "offence_group", df[grp_col]) if grp_col else empty
    return by_sub.fillna(by_grp)


def _finish(res: FileResult, rows: pd.DataFrame, lines: pd.Series, cmap_cat: pd.Series) -> None:
    """Shared tail of both layouts: reject unmapped/excluded rows, count the rest."""
    bad = rows["_bad"]
    unmapped = cmap_cat.isna() & ~bad
    res.reject(unmapped, lines, "Offence Subgroup", "offence not in the category mapping")
    excluded = (cmap_cat == EXCLUDE).fillna(False).astype(bool) & ~bad & ~unmapped
    res.reject(excluded, lines, "Offence Group", "excluded by the category mapping (e.g. fraud)")
    ok = ~bad & ~unmapped & ~excluded
    res.rows_used = res.rows_read - res.rows_rejected
    used = rows[ok].assign(category=cmap_cat[ok])
    negative = used["count"] < 0
    if negative.any():
        res.notes.append(
            f"{int(negative.sum())} rows with negative counts (Home Office adjustments) "
            f"included in the totals, adding {int(used.loc[negative, 'count'].sum())}"
        )
    res.counts = (
        used.groupby(["area", "force", "period", "category"], observed=True)["count"]
        .sum()
        .astype("int64")
        .reset_index()
        .assign(source=SOURCE)
    )
    res.coverage = (
        rows.loc[~bad, ["force", "area", "period"]]
        .astype("string")
        .drop_duplicates()
        .assign(source=SOURCE)
        .reset_index(drop=True)
    )


def read_home_office_long(df: pd.DataFrame, res: FileResult, cmap: CategoryMap) -> None:
    """Read the long Home Office table (financial year x quarter x CSP x offence code)."""
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
        (rows["area"] == "", csp_col, "CSP name is blank"),
        (count.isna(), count_col, "count is not a whole number (missing is not zero)"),
    ]
    for mask, column, message in checks:
        mask = mask.fillna(True).astype(bool) & ~bad
        res.reject(mask, lines, column, message)
        bad |= mask
    rows["_bad"] = bad
    _finish(res, rows, lines, _categories(df, cmap))


def read_home_office_wide(df: pd.DataFrame, res: FileResult, cmap: CategoryMap) -> None:
    """Read a wide extract: one row per CSP x offence code, one column per financial year.

    The "All crimes" total row is not added in; it is compared with the sum of the offence rows
    and the result is noted.
    """
    year_cols = [c for c in df.columns if YEAR_COLUMN.match(str(c))]
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
    body = df[~is_total]
    long = body.melt(
        id_vars=[c for c in body.columns if c not in year_cols],
        value_vars=year_cols,
        var_name="_year",
        value_name="_count",
        ignore_index=False,
    )
    long_lines = pd.Series(long.index, index=long.index)
    fy = _fy(long["_year"].astype("string"))
    count = _counts(long["_count"])
    cat = _categories(long, cmap)
    bad_row = count.isna() | (long[csp_col] == "")
    # Row accounting is per file line: a line is rejected if any of its year cells is bad.
    bad_lines = set(long_lines[bad_row])
    line_bad = lines.isin(bad_lines) & ~is_total
    res.reject(line_bad, lines, year_cols[0], "a yearly count is not a whole number")
    unmapped_lines = lines.isin(set(long_lines[cat.isna()])) & ~is_total & ~line_bad
    res.reject(unmapped_lines, lines, "Offence Subgroup", "offence not in the category mapping")
    excluded_lines = (
        lines.isin(set(long_lines[(cat == EXCLUDE).fillna(False).astype(bool)]))
        & ~is_total & ~line_bad & ~unmapped_lines
    )  # fmt: skip
    res.reject(excluded_lines, lines, "Offence Group", "excluded by the category mapping")
    res.rows_used = res.rows_read - res.rows_rejected
    keep = ~long_lines.isin(set(lines[line_bad | unmapped_lines | excluded_lines]))
    used = pd.DataFrame(
        {
            "area": long[csp_col].astype("string"),
            "force": (long[force_col] if force_col else pd.Series("", index=long.index)).astype(
                "string"
            ),
            "period": fy,
            "category": cat,
            "count": count,
        }
    )[keep]
    res.counts = (
        used.groupby(["area", "force", "period", "category"], observed=True)["count"]
        .sum()
        .astype("int64")
        .reset_index()
        .assign(source=SOURCE)
    )
    res.coverage = (
        used[["force", "area", "period"]].drop_duplicates().assign(source=SOURCE)
    ).reset_index(drop=True)
    totals = df[is_total]
    for _, row in totals.iterrows():
        for y in year_cols:
            stated = _counts(pd.Series([row[y]])).iloc[0]
            fy_y = normalise_financial_year(y)
            summed = int(used.loc[(used["area"] == row[csp_col]) & (used["period"] == fy_y),
                                  "count"].sum())
            if pd.notna(stated) and int(stated) != summed and not excluded_lines.any():
                res.notes.append(
                    f"{row[csp_col]} {fy_y}: the file's All crimes total {int(stated)} differs "
                    f"from the sum of its offence rows {summed}"
                )


def read_home_office_unusable(df: pd.DataFrame, res: FileResult, message: str) -> None:
    """Account for a recognised Home Office table that cannot be used for partnership figures."""
    res.rows_read = len(df)
    lines = pd.Series(df.index, index=df.index)
    res.reject(pd.Series(True, index=df.index), lines, None, message)
    res.rows_used = 0
