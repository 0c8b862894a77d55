"""Partner data chart: each measure in the assessed period beside the same months a year earlier."""

from __future__ import annotations

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
        a missing count draws no bar (never a zero bar).
    previous, current : str
        The two periods in words, for the legend.
    title : str
        Chart title (the finding).
    subtitle : str
        A statistical subtitle under the title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    n = len(measures)
    fig, ax = plt.subplots(figsize=(9, 0.6 * n + 1.8))
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
    ax.set_yticks(y, [str(s) for s in measures["label"]])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("Count")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(title)
    if subtitle:
        fig.text(0.01, 0.01, subtitle, fontsize=9, color=PALETTE["grey"])
    fig.tight_layout(rect=(0, 0.05 if subtitle else 0, 1, 1))
    return fig
