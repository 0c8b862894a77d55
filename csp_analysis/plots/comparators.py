"""Charts comparing an area with its peers: rates with intervals, and funnel plots."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from csp_analysis.plots.style import PALETTE, apply_style, finish

__all__ = ["plot_funnel", "plot_peer_rates"]

AREA_COLOUR = PALETTE["vermillion"]
PEER_COLOUR = PALETTE["sky"]


def _rows(table: pd.DataFrame, category: str) -> pd.DataFrame:
    rows = table[table["category"] == category]
    if not len(rows):
        raise ValueError(f"category '{category}' is not in the peer table")
    return rows


def _floats(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s).astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def plot_peer_rates(
    table: pd.DataFrame, category: str, area: str, title: str | None = None
) -> Figure:
    """Horizontal bars of member rates with 95% intervals, the group rate and its ±1 SD band.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`csp_analysis.analyses.comparators.peer_table`.
    category : str
        The category to draw.
    area : str
        The assessed area (its bar is highlighted).
    title : str, optional
        Default: the category.

    Returns
    -------
    matplotlib.figure.Figure
        Members without a rate are listed with "(no rate)" and no bar.
    """
    apply_style()
    rows = _rows(table, category).copy()
    rows["_rate"] = _floats(rows["rate_per_1000"])
    rows = rows.sort_values("_rate", na_position="first")
    rate = rows["_rate"].to_numpy()
    lo = _floats(rows["ci_lower"])
    hi = _floats(rows["ci_upper"])
    is_area = (rows["area"] == area).to_numpy(dtype=bool)
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.38 * len(rows) + 1.6)))
    band_lo = _floats(rows["band_lower"])[0]
    band_hi = _floats(rows["band_upper"])[0]
    group = _floats(rows["group_rate"])[0]
    handles = []
    if not np.isnan(band_lo):
        ax.axvspan(band_lo, band_hi, color=PALETTE["grey"], alpha=0.12, zorder=0)
        handles.append(Patch(color=PALETTE["grey"], alpha=0.25, label="group mean ± 1 SD"))
    colours = [AREA_COLOUR if a else PEER_COLOUR for a in is_area]
    drawn = ~np.isnan(rate)
    ax.barh(y[drawn], rate[drawn], color=np.array(colours)[drawn], height=0.7, zorder=2)
    err = np.vstack([rate - lo, hi - rate])[:, drawn]
    ax.errorbar(
        rate[drawn],
        y[drawn],
        xerr=err,
        fmt="none",
        ecolor="#222222",
        elinewidth=1,
        capsize=3,
        zorder=3,
    )
    if not np.isnan(group):
        line = ax.axvline(
            group, color=PALETTE["blue"], linewidth=2, zorder=4, label=f"group rate {group:.2f}"
        )
        handles.insert(0, line)
    labels = [
        f"{a} (no rate)" if np.isnan(r) else str(a) for a, r in zip(rows["area"], rate, strict=True)
    ]
    ax.set_yticks(y, labels)
    for tick, mine in zip(ax.get_yticklabels(), is_area, strict=True):
        if mine:
            tick.set_fontweight("bold")
    handles.append(Patch(color=AREA_COLOUR, label=area))
    handles.append(Patch(color=PEER_COLOUR, label="peers (bars: 95% interval)"))
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=9)
    ax.set_xlim(left=0)
    ax.grid(axis="y", visible=False)
    finish(
        fig,
        ax,
        title or category,
        xlabel="Rate per 1,000 residents",
        y_thousands=False,
        x_thousands=True,
    )
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_funnel(
    table: pd.DataFrame,
    limits: pd.DataFrame,
    category: str,
    area: str,
    title: str | None = None,
) -> Figure:
    """Funnel plot: member rates against population, with 95% and 99.8% limits.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`csp_analysis.analyses.comparators.peer_table`.
    limits : pandas.DataFrame
        As returned by :func:`csp_analysis.statistics.comparators.funnel_limits` for the same
        category's group rate; with ``od_lower_95, od_upper_95`` and ``tau2`` (over-dispersed
        limits of :func:`~csp_analysis.statistics.comparators.overdispersed_limits`), these
        are drawn too when ``tau2`` is above 0.
    category : str
    area : str
        The assessed area (highlighted and labelled).
    title : str, optional
        Default: the category.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    rows = _rows(table, category)
    rate = _floats(rows["rate_per_1000"])
    pop = _floats(rows["population"])
    ok = ~np.isnan(rate) & ~np.isnan(pop)
    is_area = (rows["area"] == area).to_numpy(dtype=bool)
    x = _floats(limits["population"])
    fig, ax = plt.subplots()
    ax.plot(
        x, _floats(limits["group_rate"]), color=PALETTE["blue"], linewidth=2, label="group rate"
    )
    for suffix, style, label in (("95", "--", "95% limits"), ("99_8", ":", "99.8% limits")):
        ax.plot(
            x,
            _floats(limits[f"lower_{suffix}"]),
            color=PALETTE["grey"],
            linestyle=style,
            label=label,
        )
        ax.plot(x, _floats(limits[f"upper_{suffix}"]), color=PALETTE["grey"], linestyle=style)
    if "od_upper_95" in limits.columns and (limits.get("tau2", pd.Series([0.0])) > 0).any():
        label = "95% limits allowing for variation between areas"
        for col in ("od_lower_95", "od_upper_95"):
            ax.plot(
                x,
                _floats(limits[col]),
                color=PALETTE["blue"],
                linestyle="-.",
                linewidth=1.2,
                label=label if col == "od_lower_95" else None,
            )
    peers = ok & ~is_area
    ax.scatter(
        pop[peers], rate[peers], color=PEER_COLOUR, edgecolor="#222222", zorder=3, label="peers"
    )
    mine = ok & is_area
    if mine.any():
        ax.scatter(
            pop[mine],
            rate[mine],
            color=AREA_COLOUR,
            edgecolor="#222222",
            s=70,
            zorder=4,
            label=area,
        )
        ax.annotate(
            area,
            (pop[mine][0], rate[mine][0]),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=10,
            fontweight="bold",
        )
    ax.set_ylim(bottom=0)
    # five population ticks at most: "150,000" labels of every 50,000 ran into each other
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    finish(
        fig,
        ax,
        title or category,
        xlabel="Population",
        ylabel="Rate per 1,000 residents",
        x_thousands=True,
    )
    fig.tight_layout()
    plt.close(fig)
    return fig
