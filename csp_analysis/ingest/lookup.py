"""Area to police force lookups: ``area, force`` or the ONS CSP to PFA lookup."""

from __future__ import annotations

import pandas as pd

from csp_analysis.ingest.base import FileResult, Header, norm


def recognise(header: Header) -> bool:
    """An area to force lookup: ``area, force`` or ONS ``CSPNAME, PFA21NM``.

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
    """
    return {"cspname", "pfa21nm"} <= header.cols or {"area", "force"} <= header.cols


def read_lookup(df: pd.DataFrame, res: FileResult) -> None:
    """Read an area to police force lookup (``area, force`` or the ONS CSP to PFA lookup).

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: the row accounting, a problem per rejected row and
        ``lookup`` (``area``, ``force``).
    """
    col = {norm(c): c for c in df.columns}
    res.rows_read = len(df)
    area = df[col.get("cspname") or col["area"]].astype("string")
    force = df[col.get("pfa21nm") or col["force"]].astype("string")
    lines = pd.Series(df.index, index=df.index)
    bad = (area == "") | (force == "")
    res.reject(bad, lines, None, "area or force is blank")
    res.rows_used = res.rows_read - res.rows_rejected
    res.lookup = (
        pd.DataFrame({"area": area[~bad], "force": force[~bad]})
        .drop_duplicates()
        .reset_index(drop=True)
    )
