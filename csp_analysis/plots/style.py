"""The shared chart style: colour-blind-safe (Okabe-Ito) palette, readable sizes, one date
format (``"Apr 2024"``), thousands separators, axis labels in words and titles that state the
finding (:func:`finish`, used by every chart)."""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from csp_analysis.periods import SHORT_MONTH_NAMES

# Okabe & Ito (2008), "Color Universal Design": distinguishable with common colour-vision
# deficiencies.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#595959",
}

#: Characters a line of a chart title or subtitle may hold before it wraps (a 9-inch chart
#: with its legend beside it).
TITLE_WIDTH = 64
SUBTITLE_WIDTH = 88


def apply_style() -> None:
    """Set matplotlib defaults used by every chart of the report."""
    mpl.rcParams.update(
        {
            "figure.figsize": (9, 4),
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#dddddd",
            "grid.linewidth": 0.8,
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
            "svg.hashsalt": "csp-assess",
            "path.simplify": False,
        }
    )


def number_text(value: float, _pos: object = None) -> str:
    """A tick label with thousands separators: ``12000`` -> ``"12,000"``, ``2.5`` -> ``"2.5"``.

    Parameters
    ----------
    value : float
        The tick's value.
    _pos : object
        The tick's position (unused; matplotlib passes it).

    Returns
    -------
    str
        Whole numbers (and anything from 100 up) with no decimals, smaller fractions with up
        to two, trailing zeros dropped; ``"0"`` for zero (never ``"-0"``).

    Examples
    --------
    >>> [number_text(v) for v in (12000.0, 2.5, 0.25, -0.0, 1234.56)]
    ['12,000', '2.5', '0.25', '0', '1,235']
    """
    if value == 0:
        return "0"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def month_text(month: str) -> str:
    """The report's one date format for a month: ``"2024-04"`` -> ``"Apr 2024"``.

    Parameters
    ----------
    month : str
        A month ``YYYY-MM``.

    Returns
    -------
    str

    Examples
    --------
    >>> month_text("2024-04")
    'Apr 2024'
    """
    return f"{SHORT_MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"


def _date_text(value: float, _pos: object = None) -> str:
    """A date tick (matplotlib's day number) as ``"Apr 2024"``."""
    day = mdates.num2date(value)
    return month_text(f"{day.year:04d}-{day.month:02d}")


def thousands(ax: Axes, axis: str = "y") -> None:
    """Thousands separators on an axis's tick labels (:func:`number_text`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    axis : {"y", "x", "both"}
    """
    for name in ("x", "y") if axis == "both" else (axis,):
        getattr(ax, f"{name}axis").set_major_formatter(FuncFormatter(number_text))


def month_axis(ax: Axes, maxticks: int = 7) -> None:
    """A date axis with ticks on the first of a month, labelled ``"Apr 2024"``, few enough
    not to overlap.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        An axes whose x values are dates.
    maxticks : int
        The most ticks (fewer when the span is short).
    """
    span = ax.get_xlim()
    months = max(1, int(round((span[1] - span[0]) / 30.44)))
    step = next(s for s in (1, 2, 3, 4, 6, 12, 24, 36, 60) if months / s <= maxticks or s == 60)
    if step < 12:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=_months_every(step)))
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(base=step // 12, month=4))
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(_date_text))
    ax.tick_params(axis="x", which="minor", length=2)


def _months_every(step: int) -> list[int]:
    """Calendar months every ``step`` months (under 12), starting in April (the financial
    year)."""
    return sorted({(3 + k * step) % 12 + 1 for k in range(12 // step)})


def finish(
    fig: Figure,
    ax: Axes,
    title: str,
    *,
    subtitle: str | None = None,
    ylabel: str | None = None,
    xlabel: str | None = None,
    dates: bool = False,
    y_thousands: bool = True,
    x_thousands: bool = False,
) -> None:
    """The report's finishing touches, used by every chart: a title stating the finding with
    an optional statistical subtitle, axis labels, ``"Apr 2024"`` dates, thousands separators
    and a tight layout.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        The axes the title goes over.
    title : str
        The finding (``"Burglary down 12.0% in 2025/26, a significant fall"``), wrapped at
        :data:`TITLE_WIDTH` characters.
    subtitle : str, optional
        The statistic behind it, in smaller grey type under the title.
    ylabel, xlabel : str, optional
        What the axis counts, in words ("Crimes a month"), never a column name.
    dates : bool
        Whether the x axis holds months (:func:`month_axis`).
    y_thousands, x_thousands : bool
        Thousands separators on that axis (:func:`thousands`).
    """
    title = "\n".join(textwrap.wrap(title, TITLE_WIDTH)) or title
    if subtitle:
        lines = textwrap.wrap(subtitle, SUBTITLE_WIDTH)
        ax.set_title(title, pad=8 + 12 * len(lines))
        ax.text(
            0.0,
            1.02,
            "\n".join(lines),
            transform=ax.transAxes,
            fontsize=9,
            color=PALETTE["grey"],
            va="bottom",
            ha="left",
        )
    else:
        ax.set_title(title)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if dates:
        month_axis(ax)
    if y_thousands:
        thousands(ax, "y")
    if x_thousands:
        thousands(ax, "x")
