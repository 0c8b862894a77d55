"""Density map of street-level records that reveals no single record."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from csp_analysis.plots.style import PALETTE, apply_style, finish, thousands

__all__ = ["plot_density"]


def plot_density(cells: pd.DataFrame, title: str, min_count: int = 5) -> Figure:
    """Hexagon density map drawn from published density cells; nothing else is drawn.

    No basemap is drawn and no point is plotted: only the cells of the table, which hold at
    least ``min_count`` records each. The axes are limited to the drawn hexagons.

    Parameters
    ----------
    cells : pandas.DataFrame
        ``hex_centre_lon, hex_centre_lat, count, hex_width, hex_height``, as
        :func:`csp_analysis.analyses.hotspots.density_cells` gives them.
    title : str
    min_count : int, default 5
        The table's threshold, stated under the map.

    Returns
    -------
    matplotlib.figure.Figure
        The hexagons are ``fig.axes[0].collections[0]``; its ``get_array()`` holds the counts
        drawn.

    Raises
    ------
    ValueError
        If a column is missing or ``min_count`` is not a whole number of at least 1.
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be a whole number of at least 1, not {min_count!r}")
    for col in ("hex_centre_lon", "hex_centre_lat", "count", "hex_width", "hex_height"):
        if col not in cells.columns:
            raise ValueError(f"cells has no '{col}' column")
    apply_style()
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.grid(False)
    note = f"hexagons with fewer than {min_count} records are not drawn"
    if len(cells):
        sx, sy = float(cells["hex_width"].iloc[0]), float(cells["hex_height"].iloc[0])
        shape = [sx, sy / 3] * np.array(
            [[0.5, -0.5], [0.5, 0.5], [0.0, 1.0], [-0.5, 0.5], [-0.5, -0.5], [0.0, -1.0]]
        )
        centres = cells[["hex_centre_lon", "hex_centre_lat"]].to_numpy(dtype="float64")
        hexes = PolyCollection(
            [shape],
            offsets=centres,
            offset_transform=ax.transData,
            cmap="cividis",
            linewidths=0.2,
            edgecolors="face",
        )
        hexes.set_array(cells["count"].to_numpy(dtype="float64"))
        ax.add_collection(hexes)
        cbar = fig.colorbar(hexes, ax=ax, shrink=0.7)
        cbar.set_label("Records per hexagon")
        thousands(cbar.ax, "y")
        ax.set_xlim(centres[:, 0].min() - 1.5 * sx, centres[:, 0].max() + 1.5 * sx)
        ax.set_ylim(centres[:, 1].min() - 1.5 * sx, centres[:, 1].max() + 1.5 * sx)
        ax.set_aspect(1 / math.cos(math.radians(float(np.mean(centres[:, 1])))))
    else:
        note = f"no hexagon holds {min_count} or more records: nothing to draw"
        ax.set_xticks([])  # an empty map must not show where the few records lie
        ax.set_yticks([])
    finish(fig, ax, title, xlabel="Longitude", ylabel="Latitude", y_thousands=False)
    fig.text(0.02, 0.015, note, fontsize=9, color=PALETTE["grey"])
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    plt.close(fig)
    return fig
