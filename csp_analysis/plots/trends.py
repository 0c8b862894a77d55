"""Monthly trend charts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from csp_analysis.periods import Period, parse_period
from csp_analysis.plots.style import PALETTE, apply_style, finish


def plot_monthly_trend(
    wide: pd.DataFrame,
    category: str,
    year: str | Period | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    ylabel: str = "Crimes a month",
) -> Figure:
    """Line chart of one category's monthly counts over every available month.

    Missing months are drawn as gaps (never as zero); the assessed financial year is shaded.

    Parameters
    ----------
    wide : pandas.DataFrame
        Months (``YYYY-MM``) as index, one column per category, NaN for missing months, as
        returned by :func:`csp_analysis.analyses.monthly.monthly_wide`.
    category : str
        The column to draw.
    year : str, optional
        Financial year to shade, e.g. ``"2025/26"``.
    title : str, optional
        Chart title (the finding); by default the category name.
    subtitle : str, optional
        The statistic behind the title, under it.
    ylabel : str
        What the y axis counts ("Crimes a month", "Incidents a month").

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    fig, ax = plt.subplots()
    series = wide[category].astype("float64")
    x = pd.to_datetime(pd.Series(series.index, dtype="string") + "-01")
    ax.plot(x, series.to_numpy(), color=PALETTE["blue"], linewidth=2, marker="o", markersize=3)
    if year is not None:
        period = parse_period(year)
        months = period.months
        start, end = pd.Timestamp(months[0] + "-01"), pd.Timestamp(months[-1] + "-01")
        ax.axvspan(
            start - pd.Timedelta(days=15),
            end + pd.Timedelta(days=15),
            color=PALETTE["sky"],
            alpha=0.15,
            label=f"{period.label} (assessed "
            + ("year)" if period.kind == "financial year" else "period)"),
        )
        ax.legend(loc="upper left", frameon=False)
    gaps = int(series.isna().sum())
    ax.set_ylim(bottom=0)
    finish(fig, ax, title or category, subtitle=subtitle, ylabel=ylabel, dates=True)
    if gaps:
        label = f"{gaps} missing month{'s' if gaps > 1 else ''} shown as gaps, not zero"
        ax.text(
            1.0, -0.18, label, transform=ax.transAxes, ha="right", fontsize=9, color=PALETTE["grey"]
        )
    fig.tight_layout()
    plt.close(fig)
    return fig
