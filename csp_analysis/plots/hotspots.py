"""Density map of street-level records that reveals no single record."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from csp_analysis.plots.style import PALETTE, apply_style

__all__ = ["plot_density"]


def plot_density(
    records_xy: pd.DataFrame, title: str, min_count: int = 5, gridsize: int = 30
) -> Figure:
    """Hexagon density map of records; hexagons with fewer than ``min_count`` are not drawn.

    No basemap is drawn and no point is plotted. The axes are limited to the drawn hexagons
    (not to the extreme records), so the picture shows only cells of at least ``min_count``
    records.

    Parameters
    ----------
    records_xy : pandas.DataFrame
        ``longitude`` and ``latitude`` columns (e.g. from
        :func:`csp_analysis.analyses.hotspots.select_records`); rows without coordinates are
        ignored.
    title : str
    min_count : int, default 5
        Smallest number of records for a hexagon to be drawn.
    gridsize : int, default 30
        Hexagons across the width of the area.

    Returns
    -------
    matplotlib.figure.Figure
        The hexagons are ``fig.axes[0].collections[0]``; its ``get_array()`` holds the counts
        drawn, all at least ``min_count``.

    References
    ----------
    .. [1] Carr DB et al. Scatterplot matrix techniques for large N. *J Am Stat Assoc*
       1987;82:424–436 (hexagonal binning).
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be a whole number of at least 1, not {min_count!r}")
    for col in ("longitude", "latitude"):
        if col not in records_xy.columns:
            raise ValueError(f"records_xy has no '{col}' column")
    apply_style()
    lon = pd.to_numeric(records_xy["longitude"]).astype("Float64")
    lat = pd.to_numeric(records_xy["latitude"]).astype("Float64")
    ok = (lon.notna() & lat.notna()).to_numpy(dtype=bool)
    x = lon.to_numpy(dtype="float64", na_value=np.nan)[ok]
    y = lat.to_numpy(dtype="float64", na_value=np.nan)[ok]
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.grid(False)
    note = f"hexagons with fewer than {min_count} records are not drawn"
    if len(x):
        hb = ax.hexbin(x, y, gridsize=gridsize, mincnt=min_count, cmap="cividis",
                       linewidths=0.2, edgecolors="face")  # fmt: skip
        counts = hb.get_array()
        if counts is not None and len(counts):
            cbar = fig.colorbar(hb, ax=ax, shrink=0.7)
            cbar.set_label("records per hexagon")
            centres = hb.get_offsets()
            span_x = (x.max() - x.min()) or 1e-3
            pad_x = span_x / gridsize * 1.5
            pad_y = pad_x
            ax.set_xlim(centres[:, 0].min() - pad_x, centres[:, 0].max() + pad_x)
            ax.set_ylim(centres[:, 1].min() - pad_y, centres[:, 1].max() + pad_y)
            ax.set_aspect(1 / math.cos(math.radians(float(np.mean(centres[:, 1])))))
        else:
            note = f"no hexagon holds {min_count} or more records: nothing to draw"
    else:
        note = "no records with coordinates"
    if "nothing" in note or not len(x):
        ax.set_xticks([])  # an empty map must not show where the few records lie
        ax.set_yticks([])
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(title)
    fig.text(0.02, 0.015, note, fontsize=9, color=PALETTE["grey"])
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    plt.close(fig)
    return fig
