"""Every chart in the report's one style (issue 16 item 4): months as "Apr 2024" (never
"2018-01" or matplotlib's concise "2018, Mar"), thousands separators where the values reach
1,000, axis labels in words (never "value" or "count"), tick labels that do not overlap."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from csp_analysis.periods import month_range
from csp_analysis.plots.comparators import plot_funnel, plot_peer_rates
from csp_analysis.plots.hotspots import plot_density
from csp_analysis.plots.outcomes import plot_outcome_groups
from csp_analysis.plots.risk import plot_concern
from csp_analysis.plots.seasonality import plot_decomposition, plot_same_month
from csp_analysis.plots.spc import plot_spc
from csp_analysis.plots.style import month_text, number_text
from csp_analysis.plots.trends import plot_monthly_trend
from csp_analysis.statistics.comparators import funnel_limits
from csp_analysis.statistics.seasonality import compare_same_month, decompose_seasonal
from csp_analysis.statistics.spc import xmr
from csp_analysis.statistics.survey import public_concern

MONTHS = month_range("2022-04", "2026-03")
# Big counts (thousands a month) with a seasonal swing, so separators must show.
BIG = pd.Series(
    [4000 + 600 * np.sin(i / 12 * 2 * np.pi) + 7 * i for i in range(len(MONTHS))],
    index=pd.Index(MONTHS, name="month"),
).round()

ISO_MONTH = re.compile(r"\b(19|20)\d\d-\d\d\b")
#: Tick text made by matplotlib's default or concise date formatters ("2018", "Mar", "2018-03").
SHORT_DATE = re.compile(r"^(19|20)\d\d$|^[A-Z][a-z]{2}$")
NUMBER = re.compile(r"^[−-]?[\d,]+(\.\d+)?$")


def _ticks(fig: Figure) -> list[Text]:
    FigureCanvasAgg(fig).draw()  # a closed figure has no canvas of its own to draw on
    out = []
    for ax in fig.axes:
        out += [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
    return out


def _check(fig: Figure, dates: bool) -> list[str]:
    """The style rules every chart keeps; returns the tick texts."""
    ticks = _ticks(fig)
    texts = [t.get_text() for t in ticks]
    for text in texts:
        assert not ISO_MONTH.search(text), text
        if dates:
            assert not SHORT_DATE.match(text), text
        if NUMBER.match(text):
            value = float(text.replace(",", "").replace("−", "-"))
            if abs(value) >= 1000:
                assert "," in text, text
    for ax in fig.axes:
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            assert label.strip().lower() not in {"value", "count", "count per month"}, label
        # tick labels of one axis never overlap
        renderer = fig.canvas.get_renderer()
        for group in (ax.get_xticklabels(), ax.get_yticklabels()):
            boxes = [t.get_window_extent(renderer) for t in group if t.get_text()]
            for a, b in zip(boxes, boxes[1:], strict=False):
                assert not a.overlaps(b), [t.get_text() for t in group]
    return texts


def test_number_and_month_text() -> None:
    """Checked by hand: Python's format mini-language "," option and the month names."""
    assert number_text(12_000.0) == "12,000" and number_text(1_234_567.0) == "1,234,567"
    assert number_text(0.5) == "0.5" and number_text(-0.0) == "0"
    assert month_text("2018-01") == "Jan 2018" and month_text("2024-04") == "Apr 2024"


def test_monthly_trend_chart() -> None:
    wide = pd.DataFrame({"All crime": BIG.astype("float64")})
    wide.loc["2023-08", "All crime"] = np.nan
    fig = plot_monthly_trend(
        wide, "All crime", "2025/26", title="All crime up 1.3%", subtitle="Exact Poisson test"
    )
    texts = _check(fig, dates=True)
    assert any(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", t) for t in texts), texts
    assert any("," in t for t in texts), texts
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Crimes a month"
    assert any(t.get_text() == "Exact Poisson test" for t in ax.texts)


@pytest.mark.parametrize("n", [12, 48, 96])
def test_spc_chart_months_and_thousands(n: int) -> None:
    months = month_range("2018-01", "2030-12")[:n]
    values = pd.Series(
        [3000 + 500 * ((i * 7) % 5) for i in range(n)], index=pd.Index(months, name="month")
    )
    frame = xmr(values.astype("float64"))
    fig = plot_spc(frame, "Burglary: no unusual month", ylabel="Crimes a month")
    texts = _check(fig, dates=True)
    assert any(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", t) for t in texts), texts
    assert fig.axes[0].get_ylabel() == "Crimes a month"
    assert "value" not in fig.axes[0].get_legend_handles_labels()[1]


def test_seasonality_charts() -> None:
    stl = decompose_seasonal(BIG.astype("float64"))
    texts = _check(plot_decomposition(stl, "All crime: trend and seasonal pattern"), dates=True)
    assert any(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", t) for t in texts), texts
    monthly = pd.DataFrame({"month": MONTHS, "category": "All crime", "count": BIG.to_numpy()})
    same = compare_same_month(monthly)
    fig = plot_same_month(same, "All crime", "Each month against a year earlier")
    texts = _check(fig, dates=False)
    assert "Apr 2025" in texts and "Mar 2026" in texts
    assert fig.axes[0].get_ylabel() == "Crimes a month"


def test_peer_and_funnel_charts() -> None:
    areas = ["A", "B", "C", "D"]
    pop = [85_000, 120_000, 250_000, 60_000]
    rate = [40.0, 55.0, 61.0, 48.0]
    table = pd.DataFrame(
        {
            "area": areas,
            "category": "All crime",
            "rate_per_1000": rate,
            "ci_lower": [r - 1 for r in rate],
            "ci_upper": [r + 1 for r in rate],
            "band_lower": 45.0,
            "band_upper": 58.0,
            "group_rate": 52.0,
            "population": pop,
        }
    )
    _check(plot_peer_rates(table, "All crime", "A", "All crime per 1,000"), dates=False)
    lim = funnel_limits(52.0 / 1000, np.linspace(50_000, 260_000, 40))
    if lim["group_rate"].max() < 1:  # limits as a proportion: draw them per 1,000
        for col in [c for c in lim.columns if c != "population"]:
            lim[col] = lim[col] * 1000
    fig = plot_funnel(table, lim, "All crime", "A", "Funnel")
    texts = _check(fig, dates=False)
    assert any(re.fullmatch(r"\d{2,3},000", t) for t in texts), texts
    assert fig.axes[0].get_xlabel() == "Population"


def test_bar_and_map_charts() -> None:
    groups = pd.DataFrame(
        {
            "outcome_group": ["Charged", "No suspect", "Other"],
            "share": [0.1, 0.5, 0.4],
            "force_share": [0.12, 0.45, 0.43],
        }
    )
    _check(plot_outcome_groups(groups, "A", "Force", "What happened"), dates=False)
    concern = public_concern(
        pd.DataFrame({"concern": ["A", "B"], "respondents": [1000, 1000], "count": [300, 600]})
    )
    _check(plot_concern(concern, "Concern"), dates=False)
    cells = pd.DataFrame(
        {
            "hex_centre_lon": [0.10, 0.12, 0.14],
            "hex_centre_lat": [51.50, 51.51, 51.50],
            "count": [1200, 5, 3400],
            "hex_width": 0.02,
            "hex_height": 0.02,
        }
    )
    fig = plot_density(cells, "Density", min_count=5)
    texts = _check(fig, dates=False)
    assert any("," in t for t in texts), texts  # the colour bar counts in thousands
