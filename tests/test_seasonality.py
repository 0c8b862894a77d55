"""STL decomposition and same-month-last-year comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from csp_analysis.periods import month_range
from csp_analysis.plots.seasonality import plot_decomposition, plot_same_month
from csp_analysis.statistics.seasonality import compare_same_month, decompose_seasonal

AMPLITUDE = 20.0
SLOPE = 0.5  # per month


def _synthetic(months: int = 60, noise: float = 0.0, seed: int = 7) -> pd.Series:
    """100 + 0.5 t + 20 sin(2 pi t / 12) (+ normal noise), monthly from April 2019."""
    t = np.arange(months)
    rng = np.random.default_rng(seed)
    values = 100 + SLOPE * t + AMPLITUDE * np.sin(2 * np.pi * t / 12) + rng.normal(0, noise, months)
    return pd.Series(values, index=month_range("2019-04", "2035-12")[:months])


# ---------------------------------------------------------------- STL


@pytest.mark.parametrize("noise", [0.0, 3.0])
def test_stl_recovers_seasonal_amplitude_and_trend(noise: float) -> None:
    parts = decompose_seasonal(_synthetic(noise=noise))
    assert list(parts.columns) == ["observed", "trend", "seasonal", "resid", "method"]
    assert parts.index.name == "month" and parts.index[0] == "2019-04"
    seasonal = parts["seasonal"].to_numpy()
    # amplitude of the middle years (STL's ends are less certain)
    middle = seasonal[12:48]
    amplitude = (middle.max() - middle.min()) / 2
    assert amplitude == pytest.approx(AMPLITUDE, rel=0.1)
    # the seasonal peak is in the right month: sin peaks at t = 3 (July)
    assert parts["seasonal"].iloc[12:24].idxmax()[5:] == "07"
    trend_slope = np.polyfit(np.arange(60), parts["trend"].to_numpy(), 1)[0]
    assert trend_slope == pytest.approx(SLOPE, rel=0.1)
    recomposed = parts["trend"] + parts["seasonal"] + parts["resid"]
    np.testing.assert_allclose(recomposed.to_numpy(), parts["observed"].to_numpy())
    assert parts["method"].iloc[0].startswith("STL")


def test_stl_accepts_datetime_index_and_exactly_24_months() -> None:
    series = _synthetic(24)
    as_dates = series.set_axis(pd.date_range("2019-04-01", periods=24, freq="MS"))
    parts = decompose_seasonal(as_dates)
    assert len(parts) == 24
    assert list(parts.index[:2]) == ["2019-04", "2019-05"]


def test_stl_refuses_short_series_clearly() -> None:
    with pytest.raises(ValueError, match=r"23 months.*at least 24 continuous months"):
        decompose_seasonal(_synthetic(23))


def test_stl_refuses_gap_never_interpolates() -> None:
    series = _synthetic(36).drop(["2020-01", "2020-02"])  # absent months
    with pytest.raises(ValueError, match=r"2 missing months \(2020-01, 2020-02\).*interpolated"):
        decompose_seasonal(series)
    with_nan = _synthetic(36)
    with_nan.iloc[10] = np.nan
    with pytest.raises(ValueError, match="1 missing month"):
        decompose_seasonal(with_nan)


def test_stl_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="Series"):
        decompose_seasonal(_synthetic().to_numpy())
    with pytest.raises(ValueError, match="months"):
        decompose_seasonal(pd.Series(range(30)).set_axis([f"m{i}" for i in range(30)]))
    doubled = _synthetic(30)
    doubled.index = ["2019-04", *doubled.index[:-1]]
    with pytest.raises(ValueError, match="more than once"):
        decompose_seasonal(doubled)
    with pytest.raises(ValueError, match="empty"):
        decompose_seasonal(pd.Series([], dtype="float64"))


def test_stl_unsorted_index_is_sorted() -> None:
    series = _synthetic(36)
    shuffled = series.iloc[np.random.default_rng(1).permutation(36)]
    pd.testing.assert_frame_equal(decompose_seasonal(shuffled), decompose_seasonal(series))


# ---------------------------------------------------------------- same month last year


def _monthly() -> pd.DataFrame:
    rows = [
        ("2023-01", "Robbery", 40),
        ("2023-02", "Robbery", 0),
        # 2023-03 Robbery missing
        ("2024-01", "Robbery", 50),
        ("2024-02", "Robbery", 6),
        ("2024-03", "Robbery", 33),
        ("2023-03", "Drugs", 20),
        ("2024-03", "Drugs", 15),
    ]
    return pd.DataFrame(rows, columns=["month", "category", "count"])


def test_compare_same_month() -> None:
    out = compare_same_month(_monthly())
    assert list(out.columns) == [
        "month",
        "category",
        "count",
        "count_year_before",
        "change",
        "pct_change",
    ]
    rows = out.set_index(["category", "month"])
    assert rows.loc[("Robbery", "2024-01"), "count_year_before"] == 40
    assert rows.loc[("Robbery", "2024-01"), "change"] == 10
    assert rows.loc[("Robbery", "2024-01"), "pct_change"] == 25.0
    # the year before was 0: change known, % change undefined
    assert rows.loc[("Robbery", "2024-02"), "change"] == 6
    assert pd.isna(rows.loc[("Robbery", "2024-02"), "pct_change"])
    # the month a year earlier is missing (not zero): everything missing
    for col in ("count_year_before", "change", "pct_change"):
        assert pd.isna(rows.loc[("Robbery", "2024-03"), col])
    # categories are never mixed: Drugs 2024-03 compares with Drugs 2023-03
    assert rows.loc[("Drugs", "2024-03"), "pct_change"] == -25.0
    # the first year has nothing to compare with
    assert pd.isna(rows.loc[("Robbery", "2023-01"), "count_year_before"])
    assert str(out["count_year_before"].dtype) == "Int64"
    assert str(out["pct_change"].dtype) == "Float64"


def test_compare_same_month_keeps_order_and_reads_any_month_spelling() -> None:
    frame = _monthly().assign(month=lambda d: d["month"].str.replace("-0", "/"))
    out = compare_same_month(frame)
    assert out["month"].tolist() == _monthly()["month"].tolist()
    assert out["change"].iloc[2] == 10


def test_compare_same_month_missing_count_row() -> None:
    frame = _monthly().astype({"count": "Int64"})
    frame.loc[0, "count"] = pd.NA  # Robbery 2023-01 present as a row but without a count
    out = compare_same_month(frame).set_index(["category", "month"])
    assert pd.isna(out.loc[("Robbery", "2024-01"), "count_year_before"])


def test_compare_same_month_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="'count'"):
        compare_same_month(_monthly().drop(columns="count"))
    dup = pd.concat([_monthly(), _monthly().iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="twice"):
        compare_same_month(dup)


# ---------------------------------------------------------------- charts


def test_plots() -> None:
    fig = plot_decomposition(decompose_seasonal(_synthetic()), "Robbery: STL")
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    fig = plot_same_month(compare_same_month(_monthly()), "Robbery", "Robbery by month")
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    # 2023-04 .. 2024-03 drawn: 2023-04..2023-12 are empty slots ("no data")
    assert "+25%" in texts and "no data a year before" in texts and "no data" in texts
    with pytest.raises(ValueError, match="Arson"):
        plot_same_month(compare_same_month(_monthly()), "Arson", "x")
