"""XmR charts (NHS "Making Data Count"): limits, the four special-cause rules, trial limits,
baseline-fixed limits and gaps.

Most expected values are reasoned by hand from a fixed baseline: twelve points alternating
12, 10, 12, 10, ... (ending on 10), so mean = 11, every moving range = 2, mean MR = 2,
limits = 11 +/- 2.66 x 2 = 5.68 and 16.32, near band = 11 +/- 1.773 x 2 = 7.453 and 14.547.
Points appended after it are judged against those limits (``baseline=12``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from csp_analysis.periods import month_range
from csp_analysis.plots.spc import plot_spc
from csp_analysis.statistics.spc import (
    OUTSIDE,
    SHIFT,
    TREND,
    TWO_OF_THREE,
    XMR_COLUMNS,
    list_signal_categories,
    spc_signals,
    xmr,
)

BASE = [12.0, 10.0] * 6  # mean 11, mean MR 2


def _chart(tail: list[float]) -> pd.DataFrame:
    return xmr(pd.Series(BASE + tail), baseline=12)


def _signals(chart: pd.DataFrame) -> dict[int, str]:
    return {int(i): s for i, s in chart["signal"].items() if s}


# ---------------------------------------------------------------- limits


def test_domain_check_value() -> None:
    # DOMAIN.md: 1,2,1,2,10,1,2,1,2,1,2,1,2,1,2,1,2,1 -> mean 1.94, limits 6.95 and -3.06
    # (no outlier screening). By hand: mean = 35/18; moving ranges 1,1,1,8,9 then twelve 1s:
    # mean MR = 32/17.
    values = pd.Series([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    chart = xmr(values)
    assert list(chart.columns) == XMR_COLUMNS
    assert chart["mean"].iloc[0] == pytest.approx(35 / 18)
    assert round(chart["mean"].iloc[0], 2) == 1.94
    assert round(chart["upper"].iloc[0], 2) == 6.95
    assert round(chart["lower"].iloc[0], 2) == -3.06
    assert chart["upper"].iloc[0] == pytest.approx(35 / 18 + 2.66 * 32 / 17)
    assert chart["near_upper"].iloc[0] == pytest.approx(35 / 18 + 2.66 * 2 / 3 * 32 / 17)
    assert chart["mr"].iloc[4] == 8 and np.isnan(chart["mr"].iloc[0])
    assert not chart["trial"].any()  # 18 points
    assert _signals(chart) == {4: OUTSIDE}


def test_hand_baseline_limits() -> None:
    chart = _chart([12.0])
    row = chart.iloc[0]
    assert (row["mean"], row["lower"], row["upper"]) == pytest.approx((11, 5.68, 16.32))
    assert (row["near_lower"], row["near_upper"]) == pytest.approx(
        (11 - 3.5467, 11 + 3.5467), abs=1e-3
    )
    assert _signals(chart) == {}


def test_index_is_kept() -> None:
    months = month_range("2023-04", "2024-03")
    chart = xmr(pd.Series(BASE, index=months))
    assert list(chart.index) == months


# ---------------------------------------------------------------- the rules


def test_shift_of_seven() -> None:
    # 7 points above the mean (12 or 13, within the near band, no 7 rising): points 12-18.
    chart = _chart([12, 13, 12, 13, 12, 13, 12, 10])
    assert _signals(chart) == {i: SHIFT for i in range(12, 19)}


def test_shift_of_six_is_not_a_signal() -> None:
    assert _signals(_chart([12, 13, 12, 13, 12, 13, 10])) == {}


def test_point_on_the_mean_breaks_a_shift() -> None:
    assert _signals(_chart([12, 13, 12, 11, 13, 12, 13, 12])) == {}


def test_run_of_seven_rising() -> None:
    # 8 < 9 < 10 < 10.5 < 11.5 < 12.5 < 13: 7 points, 6 rises, all inside the near band;
    # below the mean only 10 (point 11) to 10.5 (point 15): 5 points, no shift.
    chart = _chart([8, 9, 10, 10.5, 11.5, 12.5, 13, 12])
    assert _signals(chart) == {i: TREND for i in range(12, 19)}


def test_run_of_seven_falling() -> None:
    chart = _chart([14, 13, 12, 11.5, 10, 9, 8, 9])
    assert _signals(chart) == {i: TREND for i in range(12, 19)}


def test_equal_values_break_a_trend() -> None:
    assert _signals(_chart([8, 9, 10, 10, 11.5, 12.5, 13, 12])) == {}


def test_six_rising_is_not_a_trend() -> None:
    assert _signals(_chart([9, 10, 10.5, 11.5, 12.5, 13, 12])) == {}


def test_two_of_three_beyond_near_band() -> None:
    # 15 > 14.547 (near band) but < 16.32 (limit); 12 is above the mean too, so all three of
    # 15, 12, 15 are on one side: points 12 and 14 only (the near-limit points).
    chart = _chart([15, 12, 15, 11])
    assert _signals(chart) == {12: TWO_OF_THREE, 14: TWO_OF_THREE}


def test_two_of_three_needs_all_three_on_one_side() -> None:
    # NHSRplotthedots ptd_two_in_three (R/ptd_calculate_point_type.R): a window counts only
    # when abs(sum(relative_to_mean)) == 3, so a middle point on the mean (11) breaks it.
    assert _signals(_chart([15, 11, 15, 11])) == {}


def test_two_of_three_does_not_count_points_beyond_the_limits() -> None:
    # NHSRplotthedots ptd_spc_standard: close_to_limits = !outside_limits & beyond the near
    # band. 17 is outside (rule 1), so 17, 15 give one close point in the window: no 2 of 3.
    assert _signals(_chart([17, 15, 12, 11])) == {12: OUTSIDE}


def test_c_chart_limits_by_hand() -> None:
    from csp_analysis.statistics.spc import c_chart

    # mean 4, sqrt 2: limits 4 - 6 -> 0 (clipped) and 10, near band 0 and 8 (by hand).
    chart = c_chart(pd.Series([4.0] * 12 + [11.0]), baseline=12)
    assert chart["upper"].iloc[0] == 10 and chart["lower"].iloc[0] == 0
    assert chart["near_upper"].iloc[0] == 8
    assert _signals(chart) == {12: OUTSIDE}


def test_spc_signals_baseline_before_the_year_seasonal_and_c_chart() -> None:
    months = month_range("2021-04", "2025-03")
    pattern = [50, 48, 55, 60, 70, 80, 85, 82, 70, 60, 52, 49]
    big = [pattern[i % 12] + (i * 7) % 5 for i in range(len(months))]  # season + small noise
    small = [2 + (i % 3) for i in range(len(months))]
    monthly = pd.DataFrame(
        {
            "month": months * 2,
            "category": ["Big"] * len(months) + ["Small"] * len(months),
            "count": big + small,
        }
    )
    out = spc_signals(
        monthly, baseline_end="2024-03", baseline_months=36, seasonal=True, c_chart_below=10
    )
    b = out[out["category"] == "Big"]
    assert b["baseline"].sum() == 36 and not b.loc[b["month"] >= "2024-04", "baseline"].any()
    assert (b["chart"] == "XmR, seasonally adjusted").all()
    # with the season removed only the small noise is left: no month is unusual
    assert (b["signal"] == "").all()
    plain = spc_signals(monthly, baseline_end="2024-03", baseline_months=36)
    assert (plain.loc[plain["category"] == "Big", "signal"] != "").sum() > 10  # the season
    sm = out[out["category"] == "Small"]
    assert (sm["chart"] == "c-chart").all()
    assert (sm["signal"] == "").all()


def test_two_of_three_on_opposite_sides_is_not_a_signal() -> None:
    # 15 above the upper near band, 7 below the lower one (7 < 7.453): different sides.
    assert _signals(_chart([15, 11, 7, 11])) == {}


def test_outside_limits_and_first_rule_wins() -> None:
    # Points 12-18 are a shift of 7 above the mean, and point 18 (17 > 16.32) is also outside
    # the limits: it takes the first rule, "outside limits".
    chart = _chart([12, 13, 12, 13, 12, 13, 17])
    expected = {i: SHIFT for i in range(12, 18)} | {18: OUTSIDE}
    assert _signals(chart) == expected


def test_trend_takes_precedence_over_two_of_three() -> None:
    # 14.8 and 15 are beyond the near band (2 of 3) and also end a run of 7 rising.
    chart = _chart([8, 9, 10, 11.5, 12.5, 14.8, 15, 12])
    assert _signals(chart) == {i: TREND for i in range(12, 19)}


def test_below_lower_limit() -> None:
    assert _signals(_chart([5.0, 11.0])) == {12: OUTSIDE}


# ---------------------------------------------------------------- trial and baseline limits


@pytest.mark.parametrize(("n", "trial"), [(2, True), (11, True), (12, False), (30, False)])
def test_trial_limits_under_twelve_points(n: int, trial: bool) -> None:
    chart = xmr(pd.Series((BASE * 3)[:n]))
    assert (chart["trial"] == trial).all()


def test_trial_counts_present_points_only() -> None:
    values = pd.Series(BASE)
    values.iloc[5] = np.nan
    assert xmr(values)["trial"].all()  # 11 points present in 12 months


def test_baseline_fixes_the_limits() -> None:
    tail = [30.0, 40.0, 50.0]
    fixed = _chart(tail)
    assert fixed["mean"].iloc[-1] == 11  # later points do not move the limits
    assert fixed["upper"].iloc[-1] == pytest.approx(16.32)
    assert list(fixed["baseline"]) == [True] * 12 + [False] * 3
    assert _signals(fixed) == {12: OUTSIDE, 13: OUTSIDE, 14: OUTSIDE}
    free = xmr(pd.Series(BASE + tail))
    assert free["mean"].iloc[0] == pytest.approx((132 + 120) / 15)
    assert free["baseline"].all()


def test_short_baseline_is_trial() -> None:
    chart = xmr(pd.Series(BASE * 3), baseline=8)
    assert chart["trial"].all()
    assert chart["mean"].iloc[0] == 11


@pytest.mark.parametrize("baseline", [0, 1, 99, True, 2.5, "12"])
def test_bad_baseline_named(baseline: object) -> None:
    with pytest.raises(ValueError, match="baseline"):
        xmr(pd.Series(BASE), baseline=baseline)


def test_refuses_non_series_and_no_moving_range() -> None:
    with pytest.raises(ValueError, match="Series"):
        xmr([1, 2, 3])
    with pytest.raises(ValueError, match="consecutive"):
        xmr(pd.Series([1.0, np.nan, 2.0, np.nan, 3.0]))
    with pytest.raises(ValueError, match="consecutive"):
        xmr(pd.Series([5.0]))


# ---------------------------------------------------------------- gaps


def test_gap_breaks_moving_range() -> None:
    chart = xmr(pd.Series([1.0, np.nan, 3.0, 4.0, 6.0]))
    assert chart["mr"].isna().tolist() == [True, True, True, False, False]
    assert chart["upper"].iloc[0] == pytest.approx(np.mean([1, 3, 4, 6]) + 2.66 * 1.5)


def test_gap_breaks_a_shift() -> None:
    chart = _chart([12, 13, 12, np.nan, 13, 12, 13, 12])
    assert _signals(chart) == {}
    assert chart["signal"].iloc[15] == ""
    assert np.isnan(chart["value"].iloc[15])


def test_gap_breaks_a_trend() -> None:
    assert _signals(_chart([8, 9, 10, np.nan, 11.5, 12.5, 13, 13.5])) == {}


def test_gap_breaks_two_of_three() -> None:
    assert _signals(_chart([15, np.nan, 15, 11])) == {}


def test_nullable_integers_with_missing() -> None:
    values = pd.Series([12, 10] * 6 + [None], dtype="Int64")
    chart = xmr(values)
    assert chart["mean"].iloc[0] == 11
    assert np.isnan(chart["value"].iloc[-1])


# ---------------------------------------------------------------- the per-category table


def _monthly() -> pd.DataFrame:
    months = month_range("2023-04", "2025-03")
    robbery = [12, 10] * 6 + [12, 13, 12, 13, 12, 13, 12, 10] + [11, 11, 11, 11]
    rows = [(m, "Robbery", c) for m, c in zip(months, robbery, strict=True)]
    rows = [r for r in rows if r[0] != "2024-09"]  # a missing month
    rows += [(m, "Drugs", c) for m, c in zip(months, [5, 6] * 12, strict=True)]
    return pd.DataFrame(rows, columns=["month", "category", "count"])


def test_spc_signals_table() -> None:
    out = spc_signals(_monthly(), baseline=12)
    assert list(out.columns) == [
        "category",
        "month",
        "count",
        "mean",
        "lower",
        "upper",
        "near_lower",
        "near_upper",
        "trial",
        "signal",
        "method",
        "value",
        "baseline",
        "chart",
    ]
    robbery = out[out["category"] == "Robbery"].set_index("month")
    assert len(robbery) == 24  # every month, the missing one included
    assert pd.isna(robbery.loc["2024-09", "count"])
    assert robbery.loc["2024-09", "signal"] == ""
    # points 12-18 = 2024-04 .. 2024-10 with 2024-09 missing: runs of 5 and 1, so no shift
    assert (robbery["signal"] == "").all()
    assert str(out["count"].dtype) == "Int64"
    drugs = out[out["category"] == "Drugs"]
    assert (drugs["signal"] == "").all()
    assert drugs["mean"].iloc[0] == 5.5


def test_spc_signals_and_list_categories() -> None:
    monthly = _monthly()
    monthly.loc[monthly["category"] == "Drugs", "count"] = (
        [5, 6] * 6 + [5, 6, 5, 6, 30] + [5, 6, 5, 6, 5, 6, 5]
    )
    # With limits from all 24 months the one 30 would lift the mean above every other month
    # (a shift); limits fixed on the first 12 months keep it a single outside point.
    out = spc_signals(monthly, baseline=12)
    listed = list_signal_categories(out)
    assert listed["category"].tolist() == ["Drugs"]
    row = listed.iloc[0]
    assert row["rules"] == OUTSIDE
    assert row["last_signal_month"] == "2024-08"
    assert row["points"] == 1


def test_spc_signals_short_category_has_no_limits() -> None:
    frame = pd.DataFrame({"month": ["2024-01"], "category": "Arson", "count": [3]})
    out = spc_signals(frame)
    assert np.isnan(out["upper"].iloc[0]) and out["signal"].iloc[0] == ""


def test_spc_signals_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="'count'"):
        spc_signals(_monthly().drop(columns="count"))
    dup = pd.concat([_monthly(), _monthly().iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="twice"):
        spc_signals(dup)
    with pytest.raises(ValueError, match="baseline"):
        spc_signals(_monthly(), baseline=1)


# ---------------------------------------------------------------- chart


def test_plot_spc_names_rules_and_trial() -> None:
    chart = _chart([12, 13, 12, 13, 12, 13, 17])
    fig = plot_spc(chart, "Robbery")
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert OUTSIDE in labels and SHIFT in labels and TREND not in labels
    assert "end of the period fixing the limits" in labels

    short = xmr(
        pd.Series([3.0, 4.0, 6.0, 2.0, np.nan, 5.0], index=month_range("2024-01", "2024-06"))
    )
    fig = plot_spc(short, "Short")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("Trial limits" in t for t in texts)
    assert any("missing point" in t for t in texts)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("trial" in t for t in labels)


def test_plot_spc_from_spc_signals_rows() -> None:
    out = spc_signals(_monthly())
    robbery = out[out["category"] == "Robbery"].set_index("month")
    assert isinstance(plot_spc(robbery, "Robbery"), Figure)
