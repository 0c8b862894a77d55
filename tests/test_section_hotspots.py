"""Places named: hot-spot LSOAs with their LSOA and ward names and crime mix, and repeat
locations by snap point, on the real Essex police.uk files (../shared/data/police_uk).

The ward lookup here is made up for the test in the ONS layout (``LSOA21CD, LSOA21NM, WD24CD,
WD24NM, LAD24CD, LAD24NM``): the shared data has no real LSOA-to-ward lookup.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csp_analysis import load
from csp_analysis.analyses.hotspots import repeat_locations
from csp_analysis.sections.base import Context
from csp_analysis.sections.hotspots import build

AREA, YEAR = "Thurrock", "2018/19"
FY_MONTHS = {f"2018-{m:02d}" for m in range(4, 13)} | {f"2019-{m:02d}" for m in range(1, 4)}


def _rows(folder: Path):
    for f in sorted(folder.rglob("*.csv")):
        with f.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                yield {re.sub(r"[^a-z]", "", k.lower()): v for k, v in row.items()}


def test_hot_spots_named_by_ward_and_repeat_locations_are_points(
    shared_file, tmp_path: Path
) -> None:
    police_uk = shared_file("police_uk")
    points: Counter = Counter()
    labels: Counter = Counter()
    lsoas: dict[str, str] = {}
    for row in _rows(police_uk):
        if not re.fullmatch(rf"{AREA} \d{{3}}[A-Z]", row["lsoaname"]):
            continue
        if row["month"] not in FY_MONTHS or row["crimetype"] == "Anti-social behaviour":
            continue
        lsoas[row["lsoacode"]] = row["lsoaname"]
        points[(row["location"], row["longitude"], row["latitude"], row["lsoacode"])] += 1
        labels[row["location"]] += 1
    # A made-up ONS-layout lookup: each LSOA's ward named after its LSOA's number.
    (tmp_path / "police_uk").symlink_to(police_uk, target_is_directory=True)
    lookup = ["LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM"]
    lookup += [
        f"{code},{name},W{name[-4:-1]},Ward {name[-4:-1]},E06000034,{AREA}"
        for code, name in sorted(lsoas.items())
    ]
    (tmp_path / "lsoa_ward_lad.csv").write_text("\n".join(lookup) + "\n", encoding="utf-8")
    ds = load(tmp_path)
    result = build(Context(ds, AREA, YEAR, "Essex Police", 0.05, 5))

    named = result.table("hotspots_named")
    assert len(named) == 10
    for row in named.itertuples():
        assert row.lsoa_name == lsoas[row.lsoa]
        assert row.ward == f"Ward {row.lsoa_name[-4:-1]}"
        assert row.crime_mix  # every top LSOA has a category of 5 or more
    assert named["count"].is_monotonic_decreasing

    places = result.table("hotspots_places")
    expected = sorted(points.values(), reverse=True)[: len(places)]
    assert places["count"].tolist() == expected  # counted by point, not by label
    assert set(places.columns) == {
        "rank",
        "location",
        "lsoa_name",
        "ward",
        "count",
        "main_category",
    }
    # The busiest label gathers many points: its label count is far above its busiest point.
    label, n_label = labels.most_common(1)[0]
    best_point = max(v for k, v in points.items() if k[0] == label)
    assert n_label > best_point
    text = places.to_csv(index=False)
    coords = {v for k in points for v in k[1:3] if v}
    assert not set(re.findall(r"-?\d+\.\d+", text)) & coords


def test_repeat_locations_number_points_sharing_a_label() -> None:
    records = pd.DataFrame(
        {
            "location": ["On or near Parking Area"] * 9 + ["On or near High Street"] * 6,
            "longitude": [0.1] * 6 + [0.2] * 3 + [0.3] * 6,
            "latitude": [51.5] * 15,
            "lsoa_code": ["E1"] * 15,
            "lsoa_name": ["Town 001A"] * 15,
            "category": ["Shoplifting"] * 15,
        }
    )
    out = repeat_locations(records, n=5, threshold=5)
    assert out["location"].tolist() == [
        "On or near High Street",
        "On or near Parking Area (point 1)",
        "On or near Parking Area (point 2)",
    ]
    assert out["count"].tolist() == [6, 6, "<5"]
    assert pd.isna(out["rank"].iloc[2]) and pd.isna(out["main_category"].iloc[2])


def test_statistical_hot_spots_on_the_demo(demo_dataset) -> None:
    """Gi* per LSOA of the demo year, with classes over its four years and stated rules."""
    from csp_analysis.analyses.hotspots import hotspots, lsoa_points, select_records
    from csp_analysis.paths import demo_dir
    from csp_analysis.statistics.hotspots import getis_ord_star

    result = build(Context(demo_dataset, "Elderbrook", "2025/26", None, 0.05, 5))
    gi = result.table("hotspots_gi")
    assert list(gi.columns) == [
        "lsoa", "name", "count", "gi_z", "p_value", "q_value", "spot", "trend"
    ]  # fmt: skip
    full = hotspots(demo_dataset, "Elderbrook", "2025/26", publishable=False)
    located = full[full["count"] > 0]
    assert set(gi["lsoa"]) == set(located["lsoa"])
    # The published z equals Gi* recomputed from the year's counts and, the demo having
    # boundaries, queen contiguity of its LSOA shapes.
    from shapely import from_wkb

    from csp_analysis.statistics.hotspots import contiguity_weights

    rec = select_records(demo_dataset, "Elderbrook", "2025/26")
    pts = lsoa_points(rec)
    counts = rec.groupby("lsoa_code", observed=True).size()
    counts.index = counts.index.astype("string")
    shapes = demo_dataset.tables["lsoa_boundaries"].set_index("lsoa")["wkb"]
    w = contiguity_weights([from_wkb(v) for v in shapes.reindex(pts["lsoa"])])
    again = getis_ord_star(
        counts.reindex(pts["lsoa"]).to_numpy(float), pts[["x", "y"]].to_numpy(), weights=w
    )
    again.index = pts["lsoa"]
    for row in gi.itertuples():
        if isinstance(row.count, str):  # suppressed: z, p and q blanked
            assert pd.isna(row.gi_z) and pd.isna(row.q_value)
        else:
            assert row.gi_z == pytest.approx(again.loc[row.lsoa, "gi_z"])
            assert row.spot == again.loc[row.lsoa, "spot"]
    assert set(gi["trend"]) <= {"persistent", "emerging", "intermittent", "not a hot spot"}
    assert gi["trend"].notna().all()  # the demo has four years
    assert any("share a border or a corner" in n and "Benjamini" in n for n in result.notes)
    # Without boundaries: the distance band, with its no-island rule.
    banded = build(Context(load(demo_dir() / "police_uk"), "Elderbrook", "2025/26", None, 0.05, 5))
    assert any("no LSOA without a neighbour" in n for n in banded.notes)
    assert "statistically significant" in result.facts["gi_sentence"]


def test_crime_by_deprivation_decile_from_an_iod_file(demo_dataset, tmp_path: Path) -> None:
    """An IoD File 7 layout (deciles made up for the demo's fictional LSOAs), one LSOA left
    out: crime by decile equals the LSOA counts summed independently."""
    from csp_analysis.analyses.hotspots import hotspots
    from csp_analysis.paths import demo_dir

    full = hotspots(demo_dataset, "Elderbrook", "2025/26", publishable=False)
    codes = sorted(full["lsoa"])
    decile = {c: i % 10 + 1 for i, c in enumerate(codes[:-1])}
    rows = [
        '"LSOA code (2011)","LSOA name (2011)","Index of Multiple Deprivation (IMD) Rank (where 1 '
        'is most deprived)","Index of Multiple Deprivation (IMD) Decile (where 1 is most '
        'deprived 10% of LSOAs)","Total population: mid 2015 (excluding prisoners)"'
    ]
    rows += [f"{c},x,{d * 100},{d},1500" for c, d in decile.items()]
    (tmp_path / "demo").symlink_to(demo_dir(), target_is_directory=True)
    (tmp_path / "File_7_IoD2019.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ds = load(tmp_path)
    assert ds.files.set_index("source").loc["File_7_IoD2019.csv", "layout"] == "deprivation"
    result = build(Context(ds, "Elderbrook", "2025/26", None, 0.05, 5))
    table = result.table("hotspots_deprivation")
    assert table["decile"].tolist() == list(range(1, 11))
    expected: Counter = Counter()
    for code, n in zip(full["lsoa"], full["count"], strict=True):
        if code in decile:
            expected[decile[code]] += int(n)
    for row in table.itertuples():
        if isinstance(row.count, str):
            assert 1 <= expected[row.decile] <= 4
        else:
            assert row.count == expected[row.decile]
            if row.count:
                lsoas = sum(1 for d in decile.values() if d == row.decile)
                assert row.rate_per_1000 == pytest.approx(1000 * row.count / (1500 * lsoas))
    fifth = (expected[1] + expected[2]) / sum(expected.values())
    assert f"{fifth:.1%} of the crime" in result.facts["deprivation_sentence"]
    assert any("leaves out" in n and "1 LSOAs" in n for n in result.notes)


def test_a_wimd_rank_file_gives_deciles_of_its_own_lsoas() -> None:
    from csp_analysis.ingest.base import FileResult
    from csp_analysis.ingest.deprivation import read_deprivation
    from csp_analysis.ingest.registry import recognise

    header = ["LSOA code", "LSOA name (Eng)", "Local authority name (Eng)", "WIMD 2019"]
    assert recognise(header).name == "deprivation"
    df = pd.DataFrame(
        {
            "LSOA code": [f"W01{i:06d}" for i in range(20)] + [""],
            "LSOA name (Eng)": "x",
            "Local authority name (Eng)": "Newport",
            "WIMD 2019": [str(r) for r in range(1, 21)] + ["3"],
        },
        index=range(2, 23),
    )
    res = FileResult("wimd.csv", "deprivation")
    read_deprivation(df, res)
    table = res.tables["deprivation"]
    assert res.rows_used == 20 and res.rows_rejected == 1
    assert table["decile"].tolist() == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
        6,
        6,
        7,
        7,
        8,
        8,
        9,
        9,
        10,
        10,
    ]
    assert table["index"].iloc[0] == "WIMD 2019"


def test_maps_from_boundaries_in_any_crs_and_the_gap_without(demo_dataset, tmp_path: Path) -> None:
    """The demo's GeoJSON (WGS 84), the same shapes as a GeoPackage in British National Grid
    and as a shapefile give the same LSOA shapes; the maps draw every LSOA with the
    attribution; a shapefile without its .prj and a file without LSOA codes are refused."""
    import geopandas as gpd
    from shapely import from_wkb

    from csp_analysis.ingest.boundaries import read_boundaries
    from csp_analysis.paths import demo_dir
    from csp_analysis.plots.maps import ATTRIBUTION, plot_class_map, plot_count_map

    geojson = demo_dir() / "boundaries" / "demo_lsoa_boundaries.geojson"
    original = gpd.read_file(geojson)
    original.to_crs("EPSG:27700").to_file(tmp_path / "b.gpkg", driver="GPKG")
    original.to_crs("EPSG:3857").to_file(tmp_path / "b.shp")
    results = [
        read_boundaries(p, p.name) for p in (geojson, tmp_path / "b.gpkg", tmp_path / "b.shp")
    ]
    areas = []
    for res in results:
        assert res.layout == "lsoa_boundaries" and res.rows_used == 60 == res.rows_read
        table = res.tables["lsoa_boundaries"].sort_values("lsoa")
        areas.append(np.array([from_wkb(w).area for w in table["wkb"]]))
    # The same shapes whatever the file's CRS (areas in m², simplification aside).
    np.testing.assert_allclose(areas[1], areas[0], rtol=1e-3)
    np.testing.assert_allclose(areas[2], areas[0], rtol=1e-3)
    (tmp_path / "b.prj").unlink()
    no_crs = read_boundaries(tmp_path / "b.shp", "b.shp")
    assert no_crs.rows_used == 0 and "coordinate reference system" in no_crs.issue
    original.drop(columns=["LSOA21CD"]).to_file(tmp_path / "n.geojson", driver="GeoJSON")
    no_code = read_boundaries(tmp_path / "n.geojson", "n.geojson")
    assert no_code.rows_used == 0 and "LSOA code column" in no_code.issue

    result = build(Context(demo_dataset, "Elderbrook", "2025/26", None, 0.05, 5))
    shapes = result.facts["map_shapes"]
    assert len(shapes) == 60
    hot = result.table("hotspots")
    table = pd.DataFrame({"lsoa": hot["lsoa"], "value": hot["count"]})
    table.loc[0, "value"] = "<5"  # a suppressed LSOA is hatched, never shaded by a count
    fig = plot_count_map(shapes, table, "t", ATTRIBUTION, "crimes")
    drawn = sum(len(c.get_paths()) for c in fig.axes[0].collections)
    assert drawn == 60
    assert any(c.get_hatch() == "///" for c in fig.axes[0].collections)
    assert any(
        "Open Government Licence" in t.get_text() and "OS data" in t.get_text() for t in fig.texts
    )
    fig = plot_class_map(shapes, result.table("hotspots_gi"), "t", ATTRIBUTION)
    assert sum(len(c.get_paths()) for c in fig.axes[0].collections) == 60

    without = build(Context(load(demo_dir() / "police_uk"), "Elderbrook", "2025/26", None, 0.05, 5))
    assert "map_shapes" not in without.facts
    assert any(n.startswith("No maps: add the LSOA boundaries") for n in without.notes)


def test_crime_mix_when_no_category_reaches_the_threshold() -> None:
    """Found by tests/test_invariants.py (two LSOAs of one crime each): no category named."""
    from csp_analysis.analyses.hotspots import crime_mix

    rec = pd.DataFrame({"lsoa_code": ["A", "B"], "category": ["Robbery", "Other theft"]})
    assert crime_mix(rec).to_dict() == {"A": "", "B": ""}
