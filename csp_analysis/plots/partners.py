"""Partner data chart: each measure in the assessed period beside the same months a year earlier."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from csp_analysis.plots.style import PALETTE, apply_style


def plot_partner_change(
    measures: pd.DataFrame, previous: str, current: str, title: str, subtitle: str = ""
) -> Figure:
    """Horizontal bars: each partner measure's previous and current count.

    Parameters
    ----------
    measures : pandas.DataFrame
        ``label, previous, current`` (the published ``partner_measures`` table with a label);
        a missing count draws no bar and says "no data" (never a zero bar).
    previous, current : str
        The two periods in words, for the legend.
    title : str
        Chart title (the finding).
    subtitle : str
        A statistical subtitle, under the title in plain type.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    n = len(measures)
    fig, ax = plt.subplots(figsize=(9, 0.75 * n + 2.2))
    y = np.arange(n)
    prev = measures["previous"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    cur = measures["current"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    ax.barh(y - 0.2, np.nan_to_num(prev), 0.4, label=previous, color=PALETTE["sky"])
    ax.barh(y + 0.2, np.nan_to_num(cur), 0.4, label=current, color=PALETTE["blue"])
    for i, (p, c) in enumerate(zip(prev, cur, strict=True)):
        if np.isnan(p):
            ax.text(0, i - 0.2, " no data", va="center", fontsize=9, color=PALETTE["grey"])
        if np.isnan(c):
            ax.text(0, i + 0.2, " no data", va="center", fontsize=9, color=PALETTE["grey"])
    ax.set_yticks(y, [textwrap.fill(str(s), 28) for s in measures["label"]], fontsize=9)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("Count")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1 - 0.2 / n), ncol=2, frameon=False)
    ax.set_title(textwrap.fill(title, 75), fontsize=12, pad=20 if subtitle else 6)
    if subtitle:
        ax.text(
            0,
            1.01,
            subtitle,
            transform=ax.transAxes,
            fontsize=9,
            color=PALETTE["grey"],
            va="bottom",
        )
    fig.tight_layout()
    plt.close(fig)  # shown through figure_html only, never again by the notebook backend
    return fig
