"""What happened to the crimes: outcome groups of the area against its force."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from csp_analysis.plots.style import PALETTE, apply_style, finish

__all__ = ["plot_outcome_groups"]


def plot_outcome_groups(groups: pd.DataFrame, area: str, force: str | None, title: str) -> Figure:
    """Horizontal bars of the share of crimes in each outcome group, area beside force.

    Parameters
    ----------
    groups : pandas.DataFrame
        ``outcome_group, share, force_share`` (the published table ``outcome_groups``).
    area : str
        The area's name (legend).
    force : str or None
        The force's name (legend); its bars are drawn only where ``force_share`` is given.
    title : str

    Returns
    -------
    matplotlib.figure.Figure
        The area's bars are ``fig.axes[0].containers[0]`` (their widths are the shares, in %).

    Raises
    ------
    ValueError
        If a column is missing.
    """
    for col in ("outcome_group", "share", "force_share"):
        if col not in groups.columns:
            raise ValueError(f"groups has no '{col}' column")
    apply_style()
    n = len(groups)
    fig, ax = plt.subplots(figsize=(8, 0.55 * n + 1.6))
    y = np.arange(n)
    with_force = force is not None and groups["force_share"].notna().any()
    h = 0.38 if with_force else 0.6
    area_share = 100 * groups["share"].astype("float64").to_numpy()
    bars = ax.barh(
        y - (h / 2 if with_force else 0), area_share, h, color=PALETTE["blue"], label=area
    )
    if with_force:
        force_share = 100 * groups["force_share"].astype("float64").to_numpy()
        ax.barh(y + h / 2, force_share, h, color=PALETTE["grey"], alpha=0.55, label=force)
    ax.bar_label(bars, fmt="%.1f%%", padding=2, fontsize=8)
    ax.set_yticks(y, groups["outcome_group"].astype("string").tolist())
    ax.invert_yaxis()
    finish(fig, ax, title, xlabel="Share of crimes (%)", y_thousands=False, x_thousands=True)
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    plt.close(fig)
    return fig
