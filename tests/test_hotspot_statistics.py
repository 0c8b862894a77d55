"""Getis-Ord Gi* with a Benjamini–Hochberg correction, against an independent implementation
of Ord & Getis (1995, eq. 7) written here and against esda itself, on a fixed example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_analysis.statistics.hotspots import (
    COLD,
    HOT,
    MIN_AREAS,
    NOT_SIGNIFICANT,
    band_weights,
    contiguity_weights,
    getis_ord_star,
    hot_spot_classes,
)

# A fixed 6 × 6 grid of areas 1 km apart; a cluster of high counts in one corner and of low
# counts in the other.
XY = np.array([(i * 1000.0, j * 1000.0) for i in range(6) for j in range(6)])
COUNTS = np.array(
    [60, 55, 20, 12, 10, 11, 58, 50, 18, 14, 12, 9, 22, 19, 15, 13, 11, 10,
     14, 12, 13, 12, 9, 8, 11, 10, 12, 8, 2, 1, 10, 9, 11, 7, 1, 0],
    dtype=float,
)  # fmt: skip


def _gi_star_by_hand(x: np.ndarray, xy: np.ndarray, band: float) -> np.ndarray:
    """Ord & Getis (1995) eq. 7: binary weights within the band, the area itself included."""
    n = len(x)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    w = (d <= band).astype(float)  # the diagonal (distance 0) is 1: the "star"
    xbar = x.mean()
    s = np.sqrt((x**2).mean() - xbar**2)
    wsum = w.sum(axis=1)
    num = w @ x - xbar * wsum
    den = s * np.sqrt((n * (w**2).sum(axis=1) - wsum**2) / (n - 1))
    return num / den


def _bh_by_hand(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg: q_(i) = min over j ≥ i of p_(j)·m/j."""
    m = len(p)
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def test_gi_star_equals_the_formula_and_esda_on_a_fixed_example() -> None:
    from esda.getisord import G_Local
    from scipy.stats import norm

    out = getis_ord_star(COUNTS, XY, alpha=0.05)
    assert out.attrs["band"] == pytest.approx(1000.0)  # the nearest-neighbour distance
    z = _gi_star_by_hand(COUNTS, XY, 1000.0 + 1e-6)
    np.testing.assert_allclose(out["gi_z"], z, rtol=1e-10)
    g = G_Local(COUNTS, band_weights(XY), transform="B", star=True, permutations=0)
    np.testing.assert_allclose(out["gi_z"], g.Zs, rtol=1e-12)
    p = 2 * norm.sf(np.abs(z))
    np.testing.assert_allclose(out["p_value"], p, rtol=1e-9)
    np.testing.assert_allclose(out["q_value"], _bh_by_hand(p), rtol=1e-9)
    expected = np.where(_bh_by_hand(p) < 0.05, np.where(z > 0, HOT, COLD), NOT_SIGNIFICANT)
    assert out["spot"].tolist() == expected.tolist()
    assert out["spot"].iloc[0] == HOT  # the high corner stands out


def test_gi_star_with_a_wider_band_equals_the_formula() -> None:
    out = getis_ord_star(COUNTS, XY, threshold=1500.0)
    np.testing.assert_allclose(out["gi_z"], _gi_star_by_hand(COUNTS, XY, 1500.0), rtol=1e-10)


def test_small_n_islands_and_flat_counts_are_refused() -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_AREAS} areas"):
        getis_ord_star(COUNTS[:10], XY[:10])
    far = XY.copy()
    far[-1] = (1e6, 1e6)
    with pytest.raises(ValueError, match="without a neighbour"):
        getis_ord_star(COUNTS, far, threshold=1000.0)
    # With the default band there is never an island (the band reaches the farthest area).
    wide = getis_ord_star(COUNTS, far)
    assert len(wide) == len(COUNTS) and wide["gi_z"].isna().any()  # band holds every area
    assert (wide.loc[wide["gi_z"].isna(), "spot"] == NOT_SIGNIFICANT).all()
    with pytest.raises(ValueError, match="same count"):
        getis_ord_star(np.full(len(XY), 5.0), XY)


def test_hot_spot_classes_over_years() -> None:
    idx = ["a", "b", "c", "d", "e"]
    spots = {
        "2021/22": pd.Series([HOT, NOT_SIGNIFICANT, HOT, NOT_SIGNIFICANT, HOT], index=idx),
        "2022/23": pd.Series([HOT, HOT, NOT_SIGNIFICANT, NOT_SIGNIFICANT, HOT], index=idx),
        "2023/24": pd.Series([HOT, HOT, HOT, COLD], index=idx[:4]),  # "e" gone (new LSOAs)
    }
    classes = hot_spot_classes(spots, list(spots))
    assert classes.to_dict() == {
        "a": "persistent",
        "b": "emerging",
        "c": "intermittent",
        "d": "not a hot spot",
    }
    with pytest.raises(ValueError, match="at least 3 years"):
        hot_spot_classes(spots, ["2022/23", "2023/24"])


def test_gi_star_on_queen_contiguity_equals_the_formula() -> None:
    """Squares of the 6 × 6 grid: queen neighbours are the (up to) 8 squares around; one far
    square (an island) takes its nearest square as neighbour."""
    from shapely.geometry import box

    shapes = [box(x - 500, y - 500, x + 500, y + 500) for x, y in XY]
    w = contiguity_weights(shapes)
    d = np.abs(XY[:, None, :] - XY[None, :, :]).max(axis=2)  # Chebyshev distance
    adjacency = (d <= 1000.0).astype(float)  # queen neighbours and the area itself
    np.testing.assert_array_equal(w.full()[0] + np.eye(len(XY)), adjacency)
    out = getis_ord_star(COUNTS, XY, weights=w)
    n, x = len(COUNTS), COUNTS
    s = np.sqrt((x**2).mean() - x.mean() ** 2)
    wsum = adjacency.sum(axis=1)
    z = (adjacency @ x - x.mean() * wsum) / (
        s * np.sqrt((n * (adjacency**2).sum(axis=1) - wsum**2) / (n - 1))
    )
    np.testing.assert_allclose(out["gi_z"], z, rtol=1e-10)
    island = [*shapes[:-1], box(9e4, 9e4, 9e4 + 1000, 9e4 + 1000)]
    wi = contiguity_weights(island)
    assert not wi.islands and wi.cardinalities[len(island) - 1] == 1
