"""data.police.uk street-level files: one row per crime or anti-social behaviour incident.

The partnership (CSP) of a row is the local authority in its LSOA name ("Thurrock 016B" belongs
to Thurrock). Rows without a location (blank LSOA) belong to the force but to no partnership:
they are counted as rejected with that reason, never dropped silently.
"""

from __future__ import annotations

import pandas as pd

from csp_analysis.categories import CategoryMap
from csp_analysis.readers.base import FileResult, norm

SOURCE = "police_uk"
LSOA_NAME = r"^(?P<area>.+?)\s+\d{3}[A-Z]$"
RECORD_COLUMNS = [
    "month", "area", "force", "lsoa_code", "lsoa_name", "location",
    "crime_type", "category", "longitude", "latitude", "crime_id",
]  # fmt: skip


def read_police_uk(df: pd.DataFrame, res: FileResult, cmap: CategoryMap) -> None:
    """Turn a police.uk street-level table into records, counts and coverage.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells as strings, indexed by line number.
    res : FileResult
        Filled in place: ``records``, ``counts`` (area, force, period, category, count, source),
        ``coverage`` (force-months the file covers) and the row accounting.
    cmap : CategoryMap
        Maps police.uk crime types to report categories.
    """
    col = {norm(c): c for c in df.columns}
    lines = pd.Series(df.index, index=df.index)
    res.rows_read = len(df)

    def get(key: str) -> pd.Series:
        return df[col[key]] if key in col else pd.Series("", index=df.index, dtype="string")

    month = get("month").astype("string")
    valid_month = month.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").fillna(False).astype(bool)
    force = get("fallswithin").astype("string")
    force = force.where(force != "", get("reportedby").astype("string"))
    crime_type = get("crimetype").astype("string")
    category = cmap.lookup("police_uk", "crime_type", crime_type)
    lsoa_name = get("lsoaname").astype("string")
    area = lsoa_name.str.extract(LSOA_NAME)["area"].astype("string")
    context = get("context").astype("string")
    res.synthetic = bool(context.str.contains("synthetic", case=False).any())

    bad = pd.Series(False, index=df.index)
    checks = [
        (~valid_month, col.get("month"), "month is not YYYY-MM"),
        (force == "", col.get("fallswithin"), "no police force (Falls within is blank)"),
        (category.isna(), col.get("crimetype"), "crime type not in the category mapping"),
        (lsoa_name == "", col.get("lsoaname"),
         "no location (blank LSOA): in the force's total, in no partnership"),
        (area.isna() & (lsoa_name != ""), col.get("lsoaname"),
         "LSOA name is not of the form 'Area 001A'"),
    ]  # fmt: skip
    for mask, column, message in checks:
        mask = mask & ~bad
        res.reject(mask, lines, column, message)
        bad |= mask

    ok = ~bad
    res.rows_used = int(ok.sum())
    covered = valid_month & (force != "")
    res.coverage = (
        pd.DataFrame({"force": force[covered], "area": pd.NA, "period": month[covered]})
        .astype("string")
        .drop_duplicates()
        .assign(source=SOURCE)
        .reset_index(drop=True)
    )
    lon = pd.to_numeric(get("longitude").where(get("longitude") != ""), errors="coerce")
    lat = pd.to_numeric(get("latitude").where(get("latitude") != ""), errors="coerce")
    rec = pd.DataFrame(
        {
            "month": month,
            "area": area,
            "force": force,
            "lsoa_code": get("lsoacode").astype("string"),
            "lsoa_name": lsoa_name,
            "location": get("location").astype("string"),
            "crime_type": crime_type,
            "category": category,
            "longitude": lon,
            "latitude": lat,
            "crime_id": get("crimeid").astype("string"),
        }
    )[ok]
    res.records = rec.reset_index(drop=True)
    res.counts = (
        rec.groupby(["area", "force", "month", "category"], observed=True)
        .size()
        .rename("count")
        .reset_index()
        .rename(columns={"month": "period"})
        .assign(source=SOURCE)
    )
