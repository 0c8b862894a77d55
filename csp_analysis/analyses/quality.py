"""The data-quality table: row accounting per input file and every missing month."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.periods import missing_months
from csp_analysis.model import SOURCE_LABELS, Dataset
from csp_analysis.periods import Period, month_label, parse_period

COLUMNS = ["entry", "source", "rows_read", "rows_used", "rows_rejected", "issue"]


def data_quality(ds: Dataset, area: str, year: str | Period) -> pd.DataFrame:
    """One row per input file, one per group of rejected rows (file and reason), one per
    other police force with street-level records in the area, then one per month missing from
    the assessed or the comparison year.

    Parameters
    ----------
    ds : Dataset
    area : str
    year : str
        The assessed financial year; the comparison year is the one before.

    Returns
    -------
    pandas.DataFrame
        ``entry, source, rows_read, rows_used, rows_rejected, issue``; ``entry`` is
        ``file``, ``rejected rows``, ``other force's records`` or ``missing month``. For every file
        ``rows_read == rows_used + rows_rejected``, and its ``rejected rows`` entries add up
        to its ``rows_rejected`` (each with the reason, column and first lines; every line is
        in :attr:`Dataset.rejected`). An ``other force's records`` row says how many
        records another force made in the area's LSOAs: they are in that force's figures,
        not the area's (:meth:`Dataset.other_force_counts`). Missing-month rows have no row
        counts and say that the month is missing, not zero.
    """
    files = ds.files[COLUMNS[1:]].copy()
    files.insert(0, "entry", "file")
    quarantined = []
    for p in ds.problems.itertuples():
        if not p.rows or pd.isna(p.rows):
            continue
        where = f"; lines {p.lines}" if isinstance(p.lines, str) and p.lines else ""
        column = f" (column '{p.column}')" if isinstance(p.column, str) and p.column else ""
        quarantined.append(
            {
                "entry": "rejected rows",
                "source": p.source,
                "rows_read": pd.NA,
                "rows_used": pd.NA,
                "rows_rejected": int(p.rows),
                "issue": f"{p.message}{column}{where}",
            }
        )
    others = []
    for other in ds.other_force_counts(area).itertuples():
        n, force = int(other.count), str(other.force)
        records = f"{n} record by" if n == 1 else f"{n} records by"
        verb = "is" if n == 1 else "are"
        others.append(
            {
                "entry": "other force's records",
                "source": SOURCE_LABELS["police_uk"],
                "rows_read": pd.NA,
                "rows_used": pd.NA,
                "rows_rejected": pd.NA,
                "issue": f"{records} {force} located in {area} {verb} counted in {force}'s "
                f"figures, not {area}'s",
            }
        )
    source = ds.source_for(area, "crime") or ds.source_for(area, "asb")
    label = SOURCE_LABELS.get(source or "", "no source")
    rows = []
    period = parse_period(year)
    word = "year" if period.kind == "financial year" else "period"
    for fy, role in ((period, f"assessed {word}"), (period.previous(), f"comparison {word}")):
        for m in missing_months(ds, area, fy):
            rows.append(
                {
                    "entry": "missing month",
                    "source": f"{label} for {area}",
                    "rows_read": pd.NA,
                    "rows_used": pd.NA,
                    "rows_rejected": pd.NA,
                    "issue": f"missing month {m} ({month_label(m)}, {role} {fy}): no data, "
                    "not treated as zero",
                }
            )
    out = pd.concat(
        [
            files,
            pd.DataFrame(quarantined, columns=COLUMNS),
            pd.DataFrame(others, columns=COLUMNS),
            pd.DataFrame(rows, columns=COLUMNS),
        ],
        ignore_index=True,
    )
    for c in ("rows_read", "rows_used", "rows_rejected"):
        out[c] = out[c].astype("Int64")
    return out.astype({"entry": "string", "source": "string", "issue": "string"})
