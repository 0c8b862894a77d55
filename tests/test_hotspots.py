"""Hot spots, small-count suppression, top locations and the density map, on the demo data."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.hotspots import (
    HOTSPOT_COLUMNS,
    concentration,
    density_cells,
    hotspots,
    select_records,
    suppress_small,
    top_locations,
)
from csp_analysis.categories import ALL_CRIME
from csp_analysis.exceptions import DataError, UsageError
from csp_analysis.model import Dataset, load
from csp_analysis.paths import demo_dir
from csp_analysis.plots.hotspots import plot_density

AREA = "Elderbrook"
YEAR = "2025/26"
SMALL = {1, 2, 3, 4}


@pytest.fixture(scope="module")
def demo(demo_dataset: Dataset) -> Dataset:
    return demo_dataset


@pytest.fixture(scope="module")
def raw(demo: Dataset) -> pd.DataFrame:
    return hotspots(demo, AREA, YEAR, publishable=False)


# ---------------------------------------------------------------- hot spots


def test_hotspots_sum_to_the_area_total(demo: Dataset, raw: pd.DataFrame) -> None:
    change = category_change(demo, AREA, YEAR)
    total = int(change.loc[change["category"] == ALL_CRIME, "current"].iloc[0])
    assert int(raw["count"].sum()) == total
    # and independently from the records: crime rows (not ASB) of the area in the year
    rec = demo.records
    months = [f"2025-{m:02d}" for m in range(4, 13)] + [f"2026-{m:02d}" for m in (1, 2, 3)]
    mine = rec[
        (rec["area"] == AREA)
        & rec["month"].isin(months)
        & (rec["category"] != "Anti-social behaviour")
    ]
    assert int(raw["count"].sum()) == len(mine)
    assert set(HOTSPOT_COLUMNS) <= set(raw.columns)


def test_shares_sum_to_one_and_are_cumulative(raw: pd.DataFrame) -> None:
    assert raw["share"].sum() == pytest.approx(1.0)
    assert raw["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert raw["count"].is_monotonic_decreasing
    assert raw["cumulative_share"].is_monotonic_increasing
    assert raw["lsoa"].is_unique
    assert raw["name"].str.startswith(f"{AREA} ").all()
    assert raw["rate_per_1000"].isna().all()  # no LSOA population in the demo: blank, not 0


def test_concentration_by_hand(demo: Dataset, raw: pd.DataFrame) -> None:
    c = concentration(raw)
    n = len(raw)
    top = math.ceil(0.1 * n)
    counts = sorted(raw["count"].tolist(), reverse=True)
    assert (c.lsoas, c.top_lsoas) == (n, top)
    assert c.top_share == pytest.approx(sum(counts[:top]) / sum(counts))
    assert f"({top} of {n})" in c.text
    with pytest.raises(ValueError, match="unsuppressed"):
        concentration(hotspots(demo, AREA, YEAR, categories=["Robbery"]))


def test_publishable_is_the_default_and_hides_small_counts(demo: Dataset) -> None:
    raw = hotspots(demo, AREA, YEAR, categories=["Robbery"], publishable=False)
    pub = hotspots(demo, AREA, YEAR, categories=["Robbery"])
    assert set(raw["count"]) & SMALL, "the demo robbery table should have small counts"
    shown = [v for v in pub["count"] if not isinstance(v, str)]
    assert not set(shown) & SMALL
    assert all(v == 0 or v >= 5 for v in shown)
    merged = raw.merge(pub, on="lsoa", suffixes=("_raw", "_pub"))
    small = merged["count_raw"].isin(SMALL)
    assert (merged.loc[small, "count_pub"] == "<5").all()
    assert (merged.loc[~small, "count_pub"] == merged.loc[~small, "count_raw"]).all()
    for col in ("share", "cumulative_share", "rate_per_1000", "rank"):
        assert merged.loc[small, f"{col}_pub"].isna().all(), col
    # suppressed rows follow the shown ones, in LSOA code order (not by count)
    hidden = pub[pub["count"] == "<5"]
    assert hidden["lsoa"].is_monotonic_increasing
    assert hidden.index.min() == len(pub) - len(hidden) - int((pub["count"] == 0).sum())


def test_lsoa_population_gives_rates_and_zero_lsoas(tmp_path: Path) -> None:
    police = demo_dir() / "police_uk"
    for src in sorted(police.rglob("*.csv")):
        dest = tmp_path / "police_uk" / src.relative_to(police)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(src)
    ds0 = load(tmp_path)
    raw0 = hotspots(ds0, AREA, YEAR, publishable=False)
    first, second = raw0["lsoa"].iloc[0], raw0["lsoa"].iloc[1]
    lines = [
        "period,area_code,area_name,geography,sex,all_ages",
        f"2025-06-30,{first},{raw0['name'].iloc[0]},LSOA,Persons,1500",
        f"2025-06-30,{second},{raw0['name'].iloc[1]},LSOA,Persons,2000",
        "2025-06-30,X01999999,Elderbrook 099Z,LSOA,Persons,1200",
        "2025-06-30,X01999998,Elsewhere 001A,LSOA,Persons,1300",
    ]
    (tmp_path / "lsoa_population_2025.csv").write_text("\n".join(lines) + "\n")
    ds = load(tmp_path)
    assert len(ds.small_area_population) == 4
    hot = hotspots(ds, AREA, YEAR, publishable=False).set_index("lsoa")
    assert hot.loc[first, "rate_per_1000"] == pytest.approx(hot.loc[first, "count"] / 1500 * 1000)
    assert hot.loc[second, "rate_per_1000"] == pytest.approx(hot.loc[second, "count"] / 2000 * 1000)
    assert hot.loc["X01999999", "count"] == 0  # an LSOA of the area with no crime is a true 0
    assert "X01999998" not in hot.index  # another area's LSOA is not listed
    pub = hotspots(ds, AREA, YEAR).set_index("lsoa")
    assert pub.loc["X01999999", "count"] == 0
    # given directly, the same
    direct = hotspots(
        ds0,
        AREA,
        YEAR,
        lsoa_population=pd.DataFrame({"code": [first], "population": [1500]}),
        publishable=False,
    ).set_index("lsoa")
    assert direct.loc[first, "rate_per_1000"] == hot.loc[first, "rate_per_1000"]


def test_hotspot_errors(demo: Dataset) -> None:
    with pytest.raises(UsageError, match="not a report category"):
        hotspots(demo, AREA, YEAR, categories=["Burglery"])
    with pytest.raises(DataError, match="street-level"):
        hotspots(demo, "Greywater", YEAR)  # tidy counts only, no records


# ---------------------------------------------------------------- suppression


def test_suppress_small_examples() -> None:
    df = pd.DataFrame({"count": [0, 1, 2, 3, 4, 5, 40, None], "share": [0.0] + [0.1] * 7})
    df["count"] = df["count"].astype("Int64")
    out = suppress_small(df, ["count"], derived=["share"])
    assert out["count"].tolist()[:7] == [0, "<5", "<5", "<5", "<5", 5, 40]
    assert pd.isna(out["count"].iloc[7])
    assert out["share"].isna().tolist() == [False, True, True, True, True, False, False, False]
    assert df["count"].iloc[1] == 1  # the input is not modified
    assert suppress_small(df, ["count"], threshold=3)["count"].tolist()[:4] == [0, "<3", "<3", 3]
    with pytest.raises(DataError) as err:
        suppress_small(pd.DataFrame({"n": [-1]}), ["n"])
    assert err.value.column == "n"
    with pytest.raises(DataError, match="no such column"):
        suppress_small(df, ["missing"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=50))
def test_suppression_never_shows_one_to_four(values: list[int]) -> None:
    out = suppress_small(pd.DataFrame({"count": values}), ["count"])
    for raw, shown in zip(values, out["count"], strict=True):
        if 1 <= raw <= 4:
            assert shown == "<5"
        else:
            assert shown == raw


# ---------------------------------------------------------------- top locations


def test_top_locations(demo: Dataset) -> None:
    top = top_locations(demo, AREA, YEAR, n=10)
    assert len(top) == 10 and list(top.columns) == ["rank", "location", "count"]
    rec = select_records(demo, AREA, YEAR)
    loc = rec["location"].astype("string")
    expected = loc[loc.str.casefold() != "no location"].value_counts()
    for place, count in zip(top["location"], top["count"], strict=True):
        assert place.startswith("On or near ")
        assert count == expected[place]
    assert top["count"].tolist() == sorted(top["count"].tolist(), reverse=True)
    assert top["count"].iloc[0] == expected.max()


def test_top_locations_suppressed(demo: Dataset) -> None:
    top = top_locations(demo, AREA, YEAR, n=5000, categories=["Possession of weapons"])
    assert "<5" in set(top["count"])
    assert not {v for v in top["count"] if not isinstance(v, str)} & SMALL


# ---------------------------------------------------------------- density map


def test_density_cells_match_matplotlib_hexbin_and_plot_draws_only_them(demo: Dataset) -> None:
    rec = select_records(demo, AREA, YEAR, categories=["Burglary"])
    cells = density_cells(rec, min_count=5, gridsize=25)
    assert len(cells) and cells["count"].min() >= 5
    fig = plot_density(cells, "Burglary density", min_count=5)
    ax = fig.axes[0]
    hexes = ax.collections[0]
    drawn = np.asarray(hexes.get_array())
    assert sorted(drawn.tolist()) == sorted(cells["count"].tolist())
    # independent reference: matplotlib's own hexbin of the records, every cell kept
    xy = rec[["longitude", "latitude"]].dropna()
    fig2, ax2 = plt.subplots()
    everything = np.asarray(ax2.hexbin(xy["longitude"], xy["latitude"], gridsize=25).get_array())
    plt.close(fig2)
    assert sorted(drawn.tolist()) == sorted(v for v in everything.tolist() if v >= 5)
    coords = {round(float(v), 6) for v in pd.concat([xy["longitude"], xy["latitude"]])}
    centres = set(cells["hex_centre_lon"]) | set(cells["hex_centre_lat"])
    assert not centres & coords  # lattice centres, never a record's position
    assert everything[(everything > 0) & (everything < 5)].size > 0  # there were small cells
    assert not ax.lines and len(ax.collections) == 1  # no points drawn
    assert ax.get_xlabel() == "Longitude" and ax.get_ylabel() == "Latitude"


def test_hot_spots_by_ward_through_a_lookup(demo: Dataset, tmp_path: Path) -> None:
    """An LSOA-to-ward lookup (ONS column names) gives a ward table summing to the LSOA table."""
    from csp_analysis.assessment import assess
    from csp_analysis.paths import demo_dir

    (tmp_path / "demo").symlink_to(demo_dir(), target_is_directory=True)
    full = hotspots(demo, "Elderbrook", "2025/26", publishable=False)
    codes = sorted(full["lsoa"])
    # Wards of four LSOAs each, by code order; the last LSOA is left out of the lookup.
    rows = ["LSOA21CD,LSOA21NM,WD24CD,WD24NM"]
    rows += [f"{c},x,W{i // 4:02d},Ward {i // 4:02d}" for i, c in enumerate(codes[:-1])]
    (tmp_path / "lsoa_ward.csv").write_text("\n".join(rows) + "\n")
    a = assess(load(tmp_path), "Elderbrook", "2025/26")
    wards = a.table("hotspots_wards")
    expected: dict[str, int] = {}
    for code, n in zip(full["lsoa"], pd.to_numeric(full["count"]), strict=True):
        ward = (
            f"Ward {codes.index(code) // 4:02d}"
            if code != codes[-1]
            else "(LSOA not in the ward lookup)"
        )
        expected[ward] = expected.get(ward, 0) + int(n)
    for ward, count in zip(wards["ward"], wards["count"], strict=True):
        if count == "<5":
            assert 1 <= expected[ward] <= 4
        else:
            assert int(count) == expected[ward], ward
    assert set(wards["ward"]) == set(expected)
    assert "hotspots_wards" in a.tables()
