"""The data-quality table: row accounting per input file and every missing month."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.periods import missing_months
from csp_analysis.model import SOURCE_LABELS, Dataset
from csp_analysis.periods import month_label, previous_financial_year

COLUMNS = ["source", "rows_read", "rows_used", "rows_rejected", "issue"]


def data_quality(ds: Dataset, area: str, year: str) -> pd.DataFrame:
    """One row per input file, then one row per month missing from the assessed or the
    comparison year.

    Parameters
    ----------
    ds : Dataset
    area : str
    year : str
        The assessed financial year; the comparison year is the one before.

    Returns
    -------
    pandas.DataFrame
        ``source, rows_read, rows_used, rows_rejected, issue``. For every file
        ``rows_read == rows_used + rows_rejected``. Missing-month rows have no row counts
        and say that the month is missing, not zero.
    """
    files = ds.files[COLUMNS].copy()
    source = ds.source_for(area, "crime") or ds.source_for(area, "asb")
    label = SOURCE_LABELS.get(source or "", "no source")
    rows = []
    for fy, role in ((year, "assessed year"), (previous_financial_year(year), "comparison year")):
        for m in missing_months(ds, area, fy):
            rows.append({
                "source": f"{label} for {area}",
                "rows_read": pd.NA, "rows_used": pd.NA, "rows_rejected": pd.NA,
                "issue": f"missing month {m} ({month_label(m)}, {role} {fy}): no data, "
                         "not treated as zero",
            })  # fmt: skip
    out = pd.concat([files, pd.DataFrame(rows, columns=COLUMNS)], ignore_index=True)
    for c in ("rows_read", "rows_used", "rows_rejected"):
        out[c] = out[c].astype("Int64")
    return out.astype({"source": "string", "issue": "string"})
