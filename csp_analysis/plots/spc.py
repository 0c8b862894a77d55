"""Statistical process control (XmR) charts in the NHS "Making Data Count" manner."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from csp_analysis.periods import parse_month
from csp_analysis.plots.style import PALETTE, apply_style, finish, month_axis
from csp_analysis.statistics.spc import OUTSIDE, RULES, SHIFT, TREND, TWO_OF_THREE

# Colour and marker of each special-cause rule: vermillion for points outside the limits,
# orange (with a distinct marker, so the rule does not depend on colour alone) for the others.
RULE_STYLE = {
    OUTSIDE: {"color": PALETTE["vermillion"], "marker": "o"},
    TREND: {"color": PALETTE["orange"], "marker": "^"},
    TWO_OF_THREE: {"color": PALETTE["orange"], "marker": "s"},
    SHIFT: {"color": PALETTE["orange"], "marker": "D"},
}


def _x_axis(index: pd.Index) -> pd.Index | np.ndarray:
    """Dates for a month index (``YYYY-MM``), otherwise the index itself."""
    if isinstance(index, pd.DatetimeIndex):
        return index
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    try:
        return pd.to_datetime([parse_month(str(m)) + "-01" for m in index])
    except ValueError:
        return np.asarray(index) if pd.api.types.is_numeric_dtype(index) else np.arange(len(index))


def plot_spc(
    xmr_frame: pd.DataFrame,
    title: str,
    ylabel: str = "Count a month",
    subtitle: str | None = None,
) -> Figure:
    """XmR chart: values, mean, process limits, near-limit band and special-cause points.

    Parameters
    ----------
    xmr_frame : pandas.DataFrame
        The result of :func:`csp_analysis.statistics.spc.xmr` (``value`` or ``count``,
        ``mean``, ``lower``, ``upper``, ``near_lower``, ``near_upper``, ``trial``, ``signal``).
        A month index (``YYYY-MM``) is drawn as dates; missing values are drawn as gaps.
    title : str
        Chart title (the finding).
    ylabel : str
        What the y axis shows, in words ("Crimes a month, seasonally adjusted").
    subtitle : str, optional
        The statistic behind the title, under it.

    Returns
    -------
    matplotlib.figure.Figure
        Points joined by a line; the mean solid; the process limits dashed; the zone between
        the near-limit band and each limit lightly shaded; special-cause points coloured by
        rule with a legend naming each rule met. Trial limits (fewer than 12 points) are
        labelled as such.

    References
    ----------
    .. [1] NHS England and NHS Improvement (2019). Making Data Count: Getting started.
    .. [2] Okabe, M. and Ito, K. (2008). Color Universal Design: how to make figures and
       presentations that are friendly to colorblind people.
    """
    value_col = "value" if "value" in xmr_frame.columns else "count"
    needed = [value_col, "mean", "lower", "upper", "near_lower", "near_upper", "signal"]
    missing = [c for c in needed if c not in xmr_frame.columns]
    if missing:
        raise ValueError(f"xmr_frame has no column {', '.join(repr(c) for c in missing)}")
    apply_style()
    fig, ax = plt.subplots()
    x = _x_axis(xmr_frame.index)
    y = xmr_frame[value_col].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    trial = bool(xmr_frame["trial"].any()) if "trial" in xmr_frame.columns else False
    limit_label = " (trial limits: fewer than 12 points)" if trial else ""
    col = {c: xmr_frame[c].to_numpy(dtype="float64") for c in needed[1:-1]}
    ax.fill_between(
        x,
        col["near_upper"],
        col["upper"],
        color=PALETTE["sky"],
        alpha=0.12,
        linewidth=0,
        label="near the limits",
    )
    ax.fill_between(
        x, col["lower"], col["near_lower"], color=PALETTE["sky"], alpha=0.12, linewidth=0
    )
    ax.plot(x, col["mean"], color=PALETTE["grey"], linewidth=1.5, label="mean")
    ax.plot(
        x,
        col["upper"],
        color=PALETTE["grey"],
        linewidth=1.2,
        linestyle="--",
        label=f"process limits{limit_label}",
    )
    ax.plot(x, col["lower"], color=PALETTE["grey"], linewidth=1.2, linestyle="--")
    ax.plot(x, y, color=PALETTE["blue"], linewidth=1.5, marker="o", markersize=4, label="count")
    signal = xmr_frame["signal"].fillna("").astype(str).to_numpy()
    for rule in RULES:
        hit = signal == rule
        if hit.any():
            style = RULE_STYLE[rule]
            ax.scatter(
                np.asarray(x)[hit],
                y[hit],
                s=48,
                zorder=3,
                color=style["color"],
                marker=style["marker"],
                label=rule,
            )
    if "baseline" in xmr_frame.columns and not xmr_frame["baseline"].all():
        last = int(np.flatnonzero(xmr_frame["baseline"].to_numpy(dtype=bool))[-1])
        ax.axvline(
            np.asarray(x)[last],
            color=PALETTE["grey"],
            linewidth=0.8,
            linestyle=":",
            label="end of the period fixing the limits",
        )
    finish(
        fig,
        ax,
        title,
        subtitle=subtitle,
        ylabel=ylabel,
        dates=isinstance(x, pd.DatetimeIndex),
    )
    if isinstance(x, pd.DatetimeIndex):
        month_axis(ax, maxticks=5)  # the legend takes a third of the width: fewer month labels
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    notes = []
    if trial:
        notes.append(
            "Trial limits: fewer than 12 points set the limits, so treat signals with caution."
        )
    gaps = int(np.isnan(y).sum())
    if gaps:
        notes.append(f"{gaps} missing point{'s' if gaps > 1 else ''} shown as gaps.")
    if notes:  # one under the other below the axis, never over each other
        ax.text(
            0.0,
            -0.16,
            "\n".join(notes),
            transform=ax.transAxes,
            va="top",
            fontsize=9,
            color=PALETTE["grey"],
        )
    fig.tight_layout()
    plt.close(fig)
    return fig
