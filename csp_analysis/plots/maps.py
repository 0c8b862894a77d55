"""Choropleth maps of LSOAs, drawn offline from boundary files (no tile server, no basemap).

Maps are drawn from published tables only (the suppressed LSOA counts, the Gi* classes) and
the LSOA shapes; an LSOA whose count is suppressed is drawn as "fewer than N", never by its
count.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from csp_analysis.plots.style import PALETTE, apply_style, finish

__all__ = ["ATTRIBUTION", "SYNTHETIC_ATTRIBUTION", "plot_class_map", "plot_count_map"]

#: Printed under every map drawn from ONS boundaries.
ATTRIBUTION = (
    "Boundaries: Source: Office for National Statistics licensed under the Open Government "
    "Licence v.3.0. Contains OS data © Crown copyright and database right."
)
SYNTHETIC_ATTRIBUTION = "Boundaries: fictional LSOAs of the synthetic demo data."
_CLASS_COLOURS = {
    "hot spot": PALETTE["vermillion"],
    "cold spot": PALETTE["blue"],
    "not significant": "#e6e6e6",
}


def _shapes(shapes: pd.DataFrame):
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {"lsoa": shapes["lsoa"].astype("string").to_numpy()},
        geometry=gpd.GeoSeries.from_wkb(shapes["wkb"].to_numpy()),
        crs="EPSG:27700",
    )


def _frame(ax, title: str, attribution: str, fig: Figure) -> None:
    ax.set_axis_off()
    ax.set_aspect("equal")
    finish(fig, ax, title, y_thousands=False)
    fig.text(0.02, 0.01, attribution, fontsize=7, color=PALETTE["grey"], wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    plt.close(fig)


def plot_count_map(
    shapes: pd.DataFrame, table: pd.DataFrame, title: str, attribution: str, label: str
) -> Figure:
    """LSOAs shaded by their published count (or rate) in five classes.

    Parameters
    ----------
    shapes : pandas.DataFrame
        ``lsoa, wkb`` (British National Grid shapes as hex well-known binary).
    table : pandas.DataFrame
        ``lsoa`` and ``value``: a whole number, a rate, the suppressed label (``"<5"``) or
        missing.
    title, attribution, label : str
        The map's title, the boundaries' attribution and the legend's title.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes[0]`` holds one patch collection per class drawn.
    """
    apply_style()
    gdf = _shapes(shapes).merge(table[["lsoa", "value"]], on="lsoa", how="left")
    suppressed = gdf["value"].map(lambda v: isinstance(v, str))
    values = pd.to_numeric(gdf["value"].where(~suppressed), errors="coerce")
    fig, ax = plt.subplots(figsize=(7.5, 7.5))
    handles = []
    shown = values.dropna()
    if len(shown):
        edges = np.unique(np.quantile(shown, np.linspace(0, 1, 6)))
        if len(edges) < 2:
            edges = np.array([shown.min(), shown.min() + 1])
        cmap = ListedColormap(plt.get_cmap("YlOrRd")(np.linspace(0.15, 0.95, len(edges) - 1)))
        norm = BoundaryNorm(edges, cmap.N, clip=True)
        gdf[values.notna().to_numpy()].assign(v=shown).plot(
            column="v", ax=ax, cmap=cmap, norm=norm, edgecolor="white", linewidth=0.3
        )
        for i in range(len(edges) - 1):
            handles.append(Patch(color=cmap(i), label=f"{edges[i]:,.0f} – {edges[i + 1]:,.0f}"))
    if suppressed.any():
        gdf[suppressed.to_numpy()].plot(
            ax=ax, color="#d9d9d9", hatch="///", edgecolor="white", linewidth=0.3
        )
        handles.append(Patch(facecolor="#d9d9d9", hatch="///", label="suppressed (small count)"))
    none = values.isna() & ~suppressed
    if none.any():
        gdf[none.to_numpy()].plot(ax=ax, color="white", edgecolor="#bbbbbb", linewidth=0.3)
        handles.append(Patch(facecolor="white", edgecolor="#bbbbbb", label="not shown"))
    ax.legend(
        handles=handles,
        title=label,
        loc="upper left",
        bbox_to_anchor=(1, 1),
        frameon=False,
        fontsize=8,
    )
    _frame(ax, title, attribution, fig)
    return fig


def plot_class_map(
    shapes: pd.DataFrame, table: pd.DataFrame, title: str, attribution: str
) -> Figure:
    """LSOAs coloured by their Gi* class (hot spot, cold spot, not significant).

    Parameters
    ----------
    shapes : pandas.DataFrame
        ``lsoa, wkb``.
    table : pandas.DataFrame
        ``lsoa`` and ``spot`` (the published ``hotspots_gi`` table).
    title, attribution : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    gdf = _shapes(shapes).merge(table[["lsoa", "spot"]], on="lsoa", how="left")
    fig, ax = plt.subplots(figsize=(7.5, 7.5))
    handles = []
    for spot, colour in _CLASS_COLOURS.items():
        part = gdf[(gdf["spot"] == spot).fillna(False).to_numpy(dtype=bool)]
        if len(part):
            part.plot(ax=ax, color=colour, edgecolor="white", linewidth=0.3)
            handles.append(Patch(color=colour, label=spot))
    rest = gdf[gdf["spot"].isna().to_numpy()]
    if len(rest):
        rest.plot(ax=ax, color="white", edgecolor="#bbbbbb", linewidth=0.3)
        handles.append(Patch(facecolor="white", edgecolor="#bbbbbb", label="not tested"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1, 1), frameon=False, fontsize=8)
    _frame(ax, title, attribution, fig)
    return fig
