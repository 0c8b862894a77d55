"""Area to police force lookups: ``area, force`` or the ONS LAD to CSP to PFA lookup.

The ONS publishes the local authority district (LAD) → Community Safety Partnership (CSP) →
police force area (PFA) lookup each year with the year in its column names (``LAD17CD,
LAD17NM, CSP17CD, CSP17NM, PFA17CD, PFA17NM, FID`` in December 2017, ``PFA21NM`` in 2021,
``csp-name`` in some downloads); an ``FID`` or ``ObjectId`` column and a byte-order mark are
common. Any year is recognised; names are kept exactly as published.
"""

from __future__ import annotations

import re

import pandas as pd

from csp_analysis.ingest.base import FileResult, Header, norm

#: A CSP name column: ``CSP17NM``, ``CSP21NM``, ``csp-name``, ``CSPNAME``.
CSP_NAME = re.compile(r"^csp(\d{2})?(nm|name)$")
#: A police force area name column: ``PFA17NM``, ``PFA21NM``.
PFA_NAME = re.compile(r"^pfa(\d{2})?(nm|name)$")
_CODE = {"lad": re.compile(r"^lad(\d{2})?(cd|code)$"), "csp": re.compile(r"^csp(\d{2})?(cd|code)$")}
_CODE["pfa"] = re.compile(r"^pfa(\d{2})?(cd|code)$")
_LAD_NAME = re.compile(r"^lad(\d{2})?(nm|name)$")


def _find(cols: object, rx: re.Pattern[str]) -> str | None:
    return next((c for c in cols if rx.match(norm(c))), None)  # type: ignore[attr-defined]


def recognise(header: Header) -> bool:
    """An area to force lookup: ``area, force`` or ONS CSP and PFA name columns of any year.

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
    >>> recognise(Header.of(["Area", "Force"]))
    True
    >>> recognise(Header.of(["LAD17CD", "LAD17NM", "CSP17CD", "CSP17NM", "PFA17CD", "PFA17NM"]))
    True
    """
    ons = any(CSP_NAME.match(c) for c in header.cols) and any(
        PFA_NAME.match(c) for c in header.cols
    )
    return ons or {"area", "force"} <= header.cols


def read_lookup(df: pd.DataFrame, res: FileResult) -> None:
    """Read an area to police force lookup (``area, force`` or the ONS LAD → CSP → PFA lookup).

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row, ``lookup``
        (``area``, ``force``: one row per CSP, names as published) and, for the ONS lookup,
        ``tables["lad_csp_pfa"]`` (``lad_code, lad_name, csp_code, csp_name, pfa_code,
        pfa_name, source, line``: one row per local authority; a code column missing from
        the file is empty).
    """
    col = {norm(c): c for c in df.columns}
    res.rows_read = len(df)
    area_col = _find(df.columns, CSP_NAME) or col["area"]
    force_col = _find(df.columns, PFA_NAME) or col["force"]
    area = df[area_col].astype("string")
    force = df[force_col].astype("string")
    lines = pd.Series(df.index, index=df.index)
    bad = (area == "") | (force == "")
    res.reject(bad, lines, None, "area or force is blank")
    res.rows_used = res.rows_read - res.rows_rejected
    res.lookup = (
        pd.DataFrame({"area": area[~bad], "force": force[~bad]})
        .drop_duplicates()
        .reset_index(drop=True)
    )
    if _find(df.columns, CSP_NAME) is None:
        return
    ok = df[~bad]

    def column(rx: re.Pattern[str]) -> pd.Series:
        found = _find(df.columns, rx)
        return (ok[found] if found else pd.Series("", index=ok.index)).astype("string")

    res.tables["lad_csp_pfa"] = pd.DataFrame(
        {
            "lad_code": column(_CODE["lad"]),
            "lad_name": column(_LAD_NAME),
            "csp_code": column(_CODE["csp"]),
            "csp_name": area[~bad],
            "pfa_code": column(_CODE["pfa"]),
            "pfa_name": force[~bad],
            "source": res.source,
            "line": pd.Series(ok.index, index=ok.index, dtype="int64"),
        }
    ).reset_index(drop=True)


#: ONS LSOA → ward → LAD lookup columns (any year: ``LSOA11CD``, ``WD19CD``, ``LAD19NM``).
_LSOA_WARD_LAD = {
    "lsoa_code": re.compile(r"^lsoa\d{2}cd$"),
    "lsoa_name": re.compile(r"^lsoa\d{2}nm$"),
    "ward_code": re.compile(r"^wd\d{2}cd$"),
    "ward_name": re.compile(r"^wd\d{2}nm$"),
    "lad_code": re.compile(r"^lad\d{2}cd$"),
    "lad_name": re.compile(r"^lad\d{2}nm$"),
}
#: The columns that make the layout (the LSOA name is optional).
_LSOA_WARD_LAD_NEEDED = ("lsoa_code", "ward_code", "ward_name", "lad_code", "lad_name")


def is_lsoa_ward_lad(header: Header) -> bool:
    """The ONS LSOA → ward → local authority lookup, columns of any year.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header has LSOA code, ward code and name, LAD code and name columns.

    Examples
    --------
    >>> is_lsoa_ward_lad(
    ...     Header.of(["LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM", "FID"])
    ... )
    True
    >>> is_lsoa_ward_lad(Header.of(["LSOA21CD", "WD24NM"]))  # no local authority
    False
    """
    return all(any(_LSOA_WARD_LAD[k].match(c) for c in header.cols) for k in _LSOA_WARD_LAD_NEEDED)


def read_lsoa_ward_lad(df: pd.DataFrame, res: FileResult) -> None:
    """Read the ONS LSOA → ward → local authority lookup.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and
        ``tables["ward_lookup"]``: ``lsoa_code, lsoa_name, ward_code, ward_name, lad_code,
        lad_name`` (names as published) plus ``lsoa`` (the LSOA code) and ``ward`` (the ward
        name), the columns of the partnership's own ward lookup, and ``source, line``. A
        row without an LSOA code, ward code or ward name is rejected.
    """
    res.rows_read = len(df)
    lines = pd.Series(df.index, index=df.index)
    cols = {}
    for key, rx in _LSOA_WARD_LAD.items():
        found = _find(df.columns, rx)
        cols[key] = (df[found] if found else pd.Series("", index=df.index)).astype("string")
    bad = (cols["lsoa_code"] == "") | (cols["ward_code"] == "") | (cols["ward_name"] == "")
    res.reject(bad, lines, None, "LSOA code, ward code or ward name is blank")
    res.rows_used = res.rows_read - res.rows_rejected
    table = pd.DataFrame({k: v[~bad] for k, v in cols.items()})
    table["lsoa"] = table["lsoa_code"]
    table["ward"] = table["ward_name"]
    table["source"] = res.source
    table["line"] = lines[~bad].astype("int64")
    res.tables["ward_lookup"] = table.reset_index(drop=True)
