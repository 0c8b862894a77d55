"""Seasonality charts: STL components and this year's months beside last year's."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from csp_analysis.periods import month_range
from csp_analysis.plots.style import PALETTE, apply_style, finish, month_axis, month_text, thousands

PANELS = (
    ("observed", "Observed"),
    ("trend", "Trend"),
    ("seasonal", "Seasonal pattern"),
    ("resid", "Remainder"),
)


def plot_decomposition(stl_frame: pd.DataFrame, title: str, subtitle: str | None = None) -> Figure:
    """Four stacked panels of an STL decomposition: observed, trend, seasonal and remainder.

    Parameters
    ----------
    stl_frame : pandas.DataFrame
        The result of :func:`csp_analysis.statistics.seasonality.decompose_seasonal` (month
        index, ``observed``, ``trend``, ``seasonal``, ``resid``).
    title : str
        Chart title.
    subtitle : str, optional
        The statistic behind the title, under it.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    .. [1] Cleveland, R. B., Cleveland, W. S., McRae, J. E. and Terpenning, I. (1990). STL: a
       seasonal-trend decomposition procedure based on loess. Journal of Official Statistics
       6(1), 3-73.
    """
    missing = [c for c, _ in PANELS if c not in stl_frame.columns]
    if missing:
        raise ValueError(f"stl_frame has no column {', '.join(repr(c) for c in missing)}")
    apply_style()
    fig, axes = plt.subplots(len(PANELS), 1, sharex=True, figsize=(9, 7))
    x = pd.to_datetime(pd.Series(stl_frame.index, dtype="string") + "-01")
    for ax, (col, label) in zip(axes, PANELS, strict=True):
        values = stl_frame[col].to_numpy(dtype="float64")
        if col == "resid":
            ax.axhline(0, color=PALETTE["grey"], linewidth=0.8)
            ax.scatter(x, values, s=10, color=PALETTE["blue"])
        else:
            ax.plot(
                x,
                values,
                color=PALETTE["blue"] if col != "trend" else PALETTE["green"],
                linewidth=1.8,
            )
        ax.set_ylabel(label, fontsize=10)
        thousands(ax, "y")
    month_axis(axes[-1])
    finish(fig, axes[0], title, subtitle=subtitle, y_thousands=True)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_same_month(
    frame: pd.DataFrame,
    category: str,
    title: str,
    last: int = 12,
    ylabel: str = "Crimes a month",
    subtitle: str | None = None,
) -> Figure:
    """Bars of each month's count beside the same month a year earlier, for one category.

    Parameters
    ----------
    frame : pandas.DataFrame
        The result of :func:`csp_analysis.statistics.seasonality.compare_same_month`.
    category : str
        The category to draw.
    title : str
        Chart title.
    last : int
        How many of the latest months to draw (default 12).
    ylabel : str
        What the y axis counts ("Crimes a month", "Incidents a month").
    subtitle : str, optional
        The statistic behind the title, under it.

    Returns
    -------
    matplotlib.figure.Figure
        Paired bars with the % change written above each pair. The latest ``last`` calendar
        months are drawn; a month with no count is an empty slot labelled "no data", and a
        month whose year-before count is missing is labelled "no data a year before", never a
        bar of zero.

    References
    ----------
    .. [1] Office for National Statistics. Crime in England and Wales: compares periods with
       the same period a year earlier to remove seasonal effects.
    """
    needed = ["month", "category", "count", "count_year_before", "pct_change"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"frame has no column {', '.join(repr(c) for c in missing)}")
    if isinstance(last, bool) or not isinstance(last, int) or last < 1:
        raise ValueError(f"last must be a whole number of months, 1 or more, got {last!r}")
    sub = frame[frame["category"] == category]
    if not len(sub):
        raise ValueError(f"category {category!r} is not in frame")
    # The latest `last` calendar months, so a missing month shows as an empty, labelled slot.
    months = month_range(sub["month"].min(), sub["month"].max())[-last:]
    sub = sub.set_index("month").reindex(months).rename_axis("month").reset_index()
    apply_style()
    fig, ax = plt.subplots()
    pos = np.arange(len(sub))
    now = sub["count"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    before = sub["count_year_before"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    width = 0.4
    ax.bar(pos - width / 2, before, width, color=PALETTE["sky"], label="same month a year before")
    ax.bar(pos + width / 2, now, width, color=PALETTE["blue"], label="this month")
    top = np.nanmax(np.concatenate([now, before])) if np.isfinite(now).any() else 1.0
    for i, pct in enumerate(sub["pct_change"]):
        # a missing count is said upright in its own empty slot, so labels of neighbouring
        # months never run into each other
        if pd.isna(now[i]) or pd.isna(before[i]):
            empty = pos[i] if pd.isna(now[i]) else pos[i] - width / 2
            ax.text(
                empty,
                0.02 * top,
                "no data" if pd.isna(now[i]) else "no data a year before",
                ha="center",
                va="bottom",
                rotation=90,
                fontsize=8,
                color=PALETTE["grey"],
            )
            continue
        text = "n/a" if pd.isna(pct) else ("0%" if round(pct) == 0 else f"{pct:+.0f}%")
        height = float(np.nanmax([now[i], before[i], 0.0]))
        ax.text(
            pos[i],
            height + 0.02 * top,
            text,
            ha="center",
            va="bottom",
            fontsize=8,
            color=PALETTE["grey"],
        )
    ax.set_xticks(pos, [month_text(m) for m in sub["month"]], fontsize=9, rotation=90)
    ax.set_ylim(0, top * 1.18 if top > 0 else 1)
    finish(fig, ax, title, subtitle=subtitle, ylabel=ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    fig.tight_layout()
    plt.close(fig)
    return fig
