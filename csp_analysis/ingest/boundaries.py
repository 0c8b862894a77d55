"""LSOA boundary files for maps: ONS GeoJSON, GeoPackage or shapefile, in any coordinate
reference system.

A boundary file below the data folder (``.geojson``, ``.gpkg`` or ``.shp`` with its ``.dbf``,
``.shx`` and ``.prj`` beside it) with an LSOA code column (``LSOA21CD``, ``LSOA11CD``, ``lsoa``
or ``LSOA code``) is read with geopandas, turned into British National Grid (EPSG:27700) and
simplified to 5 metres. Kept as the table ``lsoa_boundaries``: ``lsoa, name, wkb`` (the
shape, hex-encoded well-known binary) with ``source`` and ``line`` (the feature's number).
Boundaries are drawn, never published as a table. ONS boundaries carry the Open Government
Licence and Ordnance Survey attribution, which every map prints.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from csp_analysis.ingest.base import FileResult, Problem, norm

#: File suffixes read as boundary files.
SUFFIXES = frozenset({".geojson", ".gpkg", ".shp"})
#: The name of the table in :attr:`csp_analysis.model.Dataset.tables`.
TABLE = "lsoa_boundaries"
#: The projected reference system maps are drawn in (British National Grid, metres).
CRS = "EPSG:27700"
_CODE = re.compile(r"^(lsoa\d{2}cd|lsoa|lsoacode|lsoacode\d{4})$")
_NAME = re.compile(r"^(lsoa\d{2}nm|lsoaname|lsoaname\d{4})$")
LAYOUT = "lsoa_boundaries"


def read_boundaries(path: Path, source: str) -> FileResult:
    """Read an LSOA boundary file.

    Parameters
    ----------
    path : Path
        The file (a shapefile's ``.shp``; its other parts are read from beside it).
    source : str
        The file's name relative to the data folder, used in every message.

    Returns
    -------
    FileResult
        Layout ``lsoa_boundaries``, table ``lsoa_boundaries``; the whole file rejected with
        its reason when it has no LSOA code column or no coordinate reference system, and
        features with a blank code or no shape rejected one by one.
    """
    import geopandas as gpd

    res = FileResult(source=source, layout=LAYOUT)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 -- any reader failure is a file problem
        res.layout = "unreadable"
        res.problems.append(Problem(source, None, None, f"boundary file cannot be read ({exc})", 0))
        return res
    res.rows_read = len(gdf)
    lines = pd.Series(range(1, len(gdf) + 1), index=gdf.index)
    cols = {norm(c): c for c in gdf.columns if c != gdf.geometry.name}
    code_key = next((k for k in sorted(cols) if _CODE.match(k)), None)
    whole = None
    if code_key is None:
        whole = "boundary file without an LSOA code column (LSOA21CD or LSOA11CD): not used"
    elif gdf.crs is None:
        whole = (
            "boundary file without a coordinate reference system (a shapefile needs its .prj "
            "beside it): not used"
        )
    if whole is not None:
        res.reject(pd.Series(True, index=gdf.index), lines, None, whole)
        if not len(gdf):
            res.problems.append(Problem(source, None, None, whole, 0))
        return res
    code = gdf[cols[code_key]].astype("string").str.strip().fillna("")
    name_key = next((k for k in sorted(cols) if _NAME.match(k)), None)
    name = (
        gdf[cols[name_key]].astype("string").str.strip()
        if name_key
        else pd.Series(pd.NA, index=gdf.index, dtype="string")
    )
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    bad = pd.Series(False, index=gdf.index)
    for mask, message in ((code == "", "LSOA code is blank"), (empty, "feature has no shape")):
        mask = mask & ~bad
        res.reject(mask, lines, cols[code_key] if message.startswith("LSOA") else None, message)
        bad |= mask
    ok = ~bad
    res.rows_used = int(ok.sum())
    shapes = gdf[ok.to_numpy()].to_crs(CRS).geometry.simplify(5.0)
    res.tables[TABLE] = pd.DataFrame(
        {
            "lsoa": code[ok].to_numpy(),
            "name": name[ok].to_numpy(),
            "wkb": shapes.to_wkb(hex=True).to_numpy(),
            "source": source,
            "line": lines[ok].to_numpy(),
        }
    ).astype({"lsoa": "string", "name": "string", "source": "string"})
    res.notes.append(f"boundaries in {gdf.crs.to_string()}, drawn in British National Grid")
    return res
