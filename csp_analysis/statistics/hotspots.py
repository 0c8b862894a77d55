"""Statistical hot spots: the Getis-Ord Gi* statistic with a false-discovery-rate correction.

A thin wrapper of PySAL (``esda.G_Local`` with ``star=True`` on binary distance-band weights
from ``libpysal``): Gi* of area i is the standardised sum of the counts within the distance
band of i, i itself included (Ord & Getis 1995, eq. 7, as esda computes it):

    Gi* = (Σ_j w_ij x_j − x̄ Σ_j w_ij) / (S √((n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)))

with x̄ and S the mean and standard deviation (divisor n) of all n counts and w_ii = 1. The
p-value is two-sided from the normal distribution (esda's ``p_norm`` is one-sided: doubled
here); the p-values of all areas are then adjusted by Benjamini–Hochberg (``statsmodels``
``multipletests(method="fdr_bh")``), and an area is a hot (cold) spot when its q-value is
below alpha and Gi* is positive (negative).

Rules stated in the report:

- **small n**: fewer than :data:`MIN_AREAS` areas give no Gi* (the normal approximation and
  the band are not meaningful on a handful of areas);
- **islands**: the distance band is the smallest distance that gives every area at least one
  neighbour (``libpysal.weights.min_threshold_distance``), so no area is an island; a band
  given by the caller that leaves an island is refused. With boundaries, neighbours share a
  border or a corner (queen contiguity) and an area sharing neither with any other (an
  island) is given its nearest area as its neighbour (``libpysal.weights.attach_islands``).

References
----------
.. [1] Ord JK, Getis A. Local spatial autocorrelation statistics: distributional issues and
   an application. *Geographical Analysis* 1995;27:286–306.
.. [2] Benjamini Y, Hochberg Y. Controlling the false discovery rate. *J R Stat Soc B*
   1995;57:289–300.
.. [3] Caldwell L et al. ``esda`` (Exploratory Spatial Data Analysis), PySAL.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from libpysal.weights import W

#: Fewest areas for which Gi* is computed.
MIN_AREAS = 30
HOT, COLD, NOT_SIGNIFICANT = "hot spot", "cold spot", "not significant"
PERSISTENT, EMERGING, INTERMITTENT, NEVER = (
    "persistent",
    "emerging",
    "intermittent",
    "not a hot spot",
)
#: Fewest years for persistent / emerging / intermittent classes.
MIN_YEARS = 3

__all__ = [
    "MIN_AREAS",
    "band_weights",
    "contiguity_weights",
    "getis_ord_star",
    "hot_spot_classes",
]


def band_weights(xy: np.ndarray, threshold: float | None = None) -> W:
    """Binary distance-band weights between points (metres), with no island.

    Parameters
    ----------
    xy : numpy.ndarray
        ``(n, 2)`` projected coordinates (e.g. British National Grid metres).
    threshold : float, optional
        The band; default the smallest distance giving every point a neighbour.

    Returns
    -------
    libpysal.weights.DistanceBand
        Binary weights (self excluded: Gi* adds it).

    Raises
    ------
    ValueError
        If ``xy`` is not ``(n, 2)`` finite numbers, or the band leaves an island.
    """
    from libpysal.weights import DistanceBand
    from libpysal.weights.util import min_threshold_distance

    xy = np.asarray(xy, dtype="float64")
    if xy.ndim != 2 or xy.shape[1] != 2 or not np.isfinite(xy).all():
        raise ValueError("points must be an (n, 2) array of finite coordinates")
    if threshold is None:
        threshold = float(min_threshold_distance(xy)) * (1 + 1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(xy, threshold=threshold, binary=True, silence_warnings=True)
    if w.islands:
        raise ValueError(
            f"a distance band of {threshold:.0f} leaves {len(w.islands)} areas without a neighbour"
        )
    return w


def contiguity_weights(shapes: Sequence[object]) -> W:
    """Queen contiguity weights between shapes, an island joined to its nearest shape.

    Parameters
    ----------
    shapes : sequence of shapely geometries
        The areas' shapes, in a projected reference system.

    Returns
    -------
    libpysal.weights.W
        Binary weights with no island.

    Raises
    ------
    ValueError
        With fewer than two shapes.
    """
    from libpysal.weights import KNN, Queen, attach_islands

    shapes = list(shapes)
    if len(shapes) < 2:
        raise ValueError("contiguity needs at least two shapes")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_iterable(shapes)
        if w.islands:
            points = np.array([(g.centroid.x, g.centroid.y) for g in shapes])
            w = attach_islands(w, KNN.from_array(points, k=1))
    w.transform = "B"
    return w


def getis_ord_star(
    counts: Sequence[float] | np.ndarray,
    xy: np.ndarray,
    alpha: float = 0.05,
    threshold: float | None = None,
    weights: W | None = None,
) -> pd.DataFrame:
    """Gi* of each area's count on a distance band, with Benjamini–Hochberg q-values.

    Parameters
    ----------
    counts : sequence of float
        One count (or rate) per area.
    xy : numpy.ndarray
        ``(n, 2)`` projected coordinates of the areas, in the same order.
    alpha : float, default 0.05
        False discovery rate.
    threshold : float, optional
        Distance band (same unit as ``xy``); default the smallest with no island.
    weights : libpysal.weights.W, optional
        Neighbours to use instead of a distance band (e.g. :func:`contiguity_weights`), in
        the order of ``counts``; ``xy`` is then not used.

    Returns
    -------
    pandas.DataFrame
        ``gi_z`` (Gi* as a z-score), ``p_value`` (two-sided), ``q_value`` (BH), ``spot``
        (:data:`HOT`, :data:`COLD` or :data:`NOT_SIGNIFICANT`), one row per area in order (an
        area whose band holds every area has no Gi*: missing, not significant);
        ``attrs["band"]`` is the distance band used (missing with ``weights``).

    Raises
    ------
    ValueError
        With fewer than :data:`MIN_AREAS` areas, counts and points of different lengths, all
        counts equal, or a band that leaves an island.
    """
    from esda.getisord import G_Local
    from statsmodels.stats.multitest import multipletests

    y = np.asarray(counts, dtype="float64")
    if len(y) < MIN_AREAS:
        raise ValueError(f"Gi* needs at least {MIN_AREAS} areas, not {len(y)}")
    if weights is None and len(y) != len(np.asarray(xy)):
        raise ValueError("counts and points differ in length")
    if np.ptp(y) == 0:
        raise ValueError("every area has the same count: no hot spot can stand out")
    if weights is not None:
        if weights.n != len(y) or weights.islands:
            raise ValueError("the weights must cover every area, with no island")
        w = weights
    else:
        w = band_weights(xy, threshold)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # disconnected parts are fine for a local statistic
        g = G_Local(y, w, transform="B", star=True, permutations=0)
    z = np.asarray(g.Zs, dtype="float64")
    # An area whose band holds every area has no variance: no Gi* (missing, not significant).
    z[~np.isfinite(z)] = np.nan
    p = np.minimum(1.0, 2 * np.asarray(g.p_norm, dtype="float64"))
    p[np.isnan(z)] = np.nan
    q = np.full(len(y), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = multipletests(p[ok], alpha=alpha, method="fdr_bh")[1]
    spot = np.where(ok & (q < alpha), np.where(z > 0, HOT, COLD), NOT_SIGNIFICANT)
    out = pd.DataFrame({"gi_z": z, "p_value": p, "q_value": q, "spot": spot})
    out.attrs["band"] = float(w.threshold) if weights is None else float("nan")
    return out


def hot_spot_classes(spots: Mapping[str, pd.Series], years: Sequence[str]) -> pd.Series:
    """Persistent, emerging or intermittent hot spots over several years.

    Parameters
    ----------
    spots : mapping of str to pandas.Series
        For each year, the :data:`HOT`/... label of each area (indexed by area).
    years : sequence of str
        The years in order, the assessed year last; at least :data:`MIN_YEARS`.

    Returns
    -------
    pandas.Series
        By area (those of the last year): :data:`PERSISTENT` (a hot spot in every year it
        appears in, and in at least :data:`MIN_YEARS`), :data:`EMERGING` (a hot spot in the last
        year but not in the first year it appears), :data:`INTERMITTENT` (a hot spot in some
        years otherwise) or :data:`NEVER`.

    Raises
    ------
    ValueError
        With fewer than :data:`MIN_YEARS` years.

    Examples
    --------
    >>> s = {y: pd.Series(v, index=["a", "b", "c", "d"]) for y, v in {
    ...     "1": ["hot spot", "-", "hot spot", "-"], "2": ["hot spot", "-", "-", "-"],
    ...     "3": ["hot spot", "hot spot", "-", "-"]}.items()}
    >>> hot_spot_classes(s, ["1", "2", "3"]).tolist()
    ['persistent', 'emerging', 'intermittent', 'not a hot spot']
    """
    if len(years) < MIN_YEARS:
        raise ValueError(f"hot spot classes need at least {MIN_YEARS} years, not {len(years)}")
    table = pd.DataFrame({y: spots[y] == HOT for y in years})
    present = pd.DataFrame({y: table.index.isin(spots[y].index) for y in years}, index=table.index)
    table = table.where(present)
    last = list(years)[-1]
    table = table[present[last]]
    out = pd.Series(NEVER, index=table.index, dtype="object")
    n_seen = present.loc[table.index].sum(axis=1)
    n_hot = table.fillna(False).astype(bool).sum(axis=1)
    first = table.apply(lambda r: bool(r.dropna().iloc[0]), axis=1)
    now = table[last].fillna(False).astype(bool)
    out[n_hot > 0] = INTERMITTENT
    out[now & ~first] = EMERGING
    out[(n_hot == n_seen) & (n_seen >= MIN_YEARS)] = PERSISTENT
    return out.astype("string")
