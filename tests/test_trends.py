"""Mann-Kendall, seasonal Mann-Kendall, Sen's slope, yearly totals and the trends table.

References: DOMAIN.md's check value; pymannkendall ``original_test`` / ``seasonal_test``,
``scipy.stats.theilslopes`` and ``scipy.stats.kendalltau``, pinned in
``tests/results/trends_results.py`` (calls written beside the values) and compared live.

Where pymannkendall differs, and why:

- It does not refuse short series: ``original_test([1, 2])`` returns S = 1, Var(S) = 1, z = 0,
  p = 1 and "no trend", and one value gives Var(S) = 0. We refuse fewer than 3 values.
- With NaN it drops the missing values before S and Var(S) (order only matters there, so the
  results agree), and keeps positions for Sen's slope (nanmedian over all pairs), as we do.
- Its seasons are positions modulo 12 from the first value, ours are calendar months: the same
  grouping whenever the series is given on a continuous month index (gaps as NaN).
- ``correlated_seasonal_test`` (the Hirsch-Slack correction) reshapes the series into rows of 12
  from the first value and drops every row with a missing value; ours takes financial years
  (April to March) as rows and keeps missing months (Hirsch and Slack's middle rank). The two
  agree on complete years starting in April. Its z has no continuity correction; ours has
  (S - 1 or S + 1), as the uncorrected test and Hirsch and Slack (1984) do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from results import trends_results as ref
from scipy import stats

from csp_analysis.periods import month_range, months_of_financial_year
from csp_analysis.statistics.trends import (
    category_trends,
    mann_kendall,
    seasonal_mann_kendall,
    yearly_totals,
)

# ---------------------------------------------------------------- Mann-Kendall


def test_domain_check_value() -> None:
    # DOMAIN.md: 138, 150, 160, 171, 192 -> S = 10, Z = 2.205, p = 0.027, slope 11.5.
    res = mann_kendall(ref.CHECK_SERIES)
    assert res["S"] == ref.CHECK["S"]
    assert round(res["z"], 3) == ref.CHECK["z"]
    assert round(res["p_value"], 3) == ref.CHECK["p_value"]
    assert res["sen_slope"] == ref.CHECK["sen_slope"]
    assert res["var_s"] == pytest.approx(5 * 4 * 15 / 18)
    assert res["tau"] == 1.0
    assert res["n"] == 5
    assert "Mann-Kendall" in res["method"]


@pytest.mark.parametrize("name", sorted(ref.ORIGINAL_TEST))
def test_pinned_pymannkendall_original_test(name: str) -> None:
    series, s, var_s, z, p, tau, slope = ref.ORIGINAL_TEST[name]
    res = mann_kendall(series)
    assert res["S"] == s
    assert res["var_s"] == pytest.approx(var_s, rel=1e-12)
    assert res["z"] == pytest.approx(z, rel=1e-12)
    assert res["p_value"] == pytest.approx(p, rel=1e-9)
    assert res["tau"] == pytest.approx(tau, rel=1e-12)
    assert res["sen_slope"] == pytest.approx(slope, rel=1e-12)


@pytest.mark.parametrize("name", sorted(ref.ORIGINAL_TEST))
def test_pinned_scipy_theilslopes_and_kendalltau(name: str) -> None:
    series = ref.ORIGINAL_TEST[name][0]
    res = mann_kendall(series)
    assert res["sen_slope"] == pytest.approx(ref.THEILSLOPES[name], rel=1e-12)
    tau_b = ref.KENDALLTAU_B[name]
    if len(set(series)) == len(series):  # no ties: tau-a equals tau-b
        assert res["tau"] == pytest.approx(tau_b, rel=1e-9)
    else:  # ties: tau-a (S over all pairs) is smaller in size than tau-b
        assert abs(res["tau"]) < abs(tau_b)


# Many ties (values 0..6) and lengths up to 40; about one value in ten missing.
_series = st.lists(
    st.one_of(st.integers(0, 6).map(float), st.just(np.nan)), min_size=3, max_size=40
)


@settings(max_examples=200, deadline=None)
@given(values=_series)
def test_against_pymannkendall_live(values: list[float]) -> None:
    arr = np.array(values)
    if np.count_nonzero(~np.isnan(arr)) < 3:
        return
    res = mann_kendall(arr)
    expected = mk.original_test(arr)
    assert res["S"] == expected.s
    assert res["var_s"] == pytest.approx(expected.var_s, rel=1e-12, abs=1e-12)
    assert res["z"] == pytest.approx(expected.z, rel=1e-12, abs=1e-12)
    assert res["p_value"] == pytest.approx(expected.p, rel=1e-9, abs=1e-15)
    assert res["tau"] == pytest.approx(expected.Tau, rel=1e-12, abs=1e-12)
    assert res["sen_slope"] == pytest.approx(expected.slope, rel=1e-12, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=3, max_size=60))
def test_against_scipy_live(values: list[float]) -> None:
    res = mann_kendall(values)
    x = np.arange(len(values))
    assert res["sen_slope"] == pytest.approx(stats.theilslopes(values, x).slope, rel=1e-9, abs=1e-9)
    if len(set(values)) == len(values):
        assert res["tau"] == pytest.approx(
            stats.kendalltau(x, values).statistic, rel=1e-9, abs=1e-12
        )


def test_gap_is_not_zero_and_keeps_its_time() -> None:
    with_gap = mann_kendall([10, 12, np.nan, 16, 18])
    # 4 values, all rising: S = 6; every pairwise slope is 2 per period (e.g. 12 -> 16 over 2).
    assert with_gap["S"] == 6
    assert with_gap["n"] == 4
    assert with_gap["sen_slope"] == 2.0
    # Closing the gap would wrongly give slopes 2, 6/2, 8/3, 4, 6/2, 2: median 17/6 per period;
    # a zero in the gap would add a fifth value and two discordant pairs (tau 0.6, not 1).
    assert mann_kendall([10, 12, 16, 18])["sen_slope"] == pytest.approx(17 / 6)
    zero = mann_kendall([10, 12, 0, 16, 18])
    assert (zero["n"], zero["tau"]) == (5, 0.6)
    assert with_gap["tau"] == 1.0
    # None and pandas NA are missing too
    assert mann_kendall([10, 12, None, 16, 18]) == with_gap
    assert mann_kendall(pd.Series([10, 12, pd.NA, 16, 18], dtype="Int64")) == with_gap


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=25),
    gaps=st.lists(st.integers(0, 24), max_size=5),
)
def test_gaps_match_theilslopes_on_positions(values: list[float], gaps: list[int]) -> None:
    arr = np.array(values)
    arr[[g for g in gaps if g < len(arr)]] = np.nan
    keep = ~np.isnan(arr)
    if keep.sum() < 3:
        return
    res = mann_kendall(arr)
    x = np.flatnonzero(keep)
    assert res["sen_slope"] == pytest.approx(
        stats.theilslopes(arr[keep], x).slope, rel=1e-9, abs=1e-9
    )


def test_all_tied() -> None:
    res = mann_kendall([5, 5, 5, 5])
    assert (res["S"], res["var_s"], res["z"], res["p_value"]) == (0.0, 0.0, 0.0, 1.0)
    assert res["sen_slope"] == 0.0


@pytest.mark.parametrize("values", [[], [1.0], [1.0, 2.0], [1.0, np.nan, 2.0, np.nan]])
def test_fewer_than_three_values_refused(values: list[float]) -> None:
    # pymannkendall.original_test([1, 2]) returns p = 1 here instead of refusing.
    with pytest.raises(ValueError, match="3 or more"):
        mann_kendall(values)


def test_three_values_allowed_but_never_significant() -> None:
    res = mann_kendall([1, 2, 3])
    assert res["S"] == 3
    assert res["p_value"] > 0.29


@pytest.mark.parametrize("values", [[1, 2, np.inf], ["a", "b", "c"], np.ones((3, 2))])
def test_bad_values_refused(values: object) -> None:
    with pytest.raises(ValueError, match="values"):
        mann_kendall(values)


# ---------------------------------------------------------------- seasonal Mann-Kendall


def _seasonal_series() -> pd.Series:
    months = month_range(ref.SEASONAL_FIRST_MONTH, "2024-03")
    return pd.Series(ref.SEASONAL_SERIES, index=months, dtype="float64")


def test_pinned_pymannkendall_seasonal_test() -> None:
    s, var_s, z, p, tau, slope = ref.SEASONAL_TEST
    res = seasonal_mann_kendall(_seasonal_series(), correlated=False)
    assert res["S"] == s
    assert res["var_s"] == pytest.approx(var_s, rel=1e-12)
    assert res["z"] == pytest.approx(z, rel=1e-12)
    assert res["p_value"] == pytest.approx(p, rel=1e-9)
    assert res["tau"] == pytest.approx(tau, rel=1e-12)
    assert res["sen_slope"] == pytest.approx(slope, rel=1e-12)  # per year
    assert res["seasons"] == 12
    assert res["n"] == 48


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(1, 12),
    values=st.lists(
        st.one_of(st.integers(0, 9).map(float), st.just(np.nan)), min_size=25, max_size=72
    ),
)
def test_seasonal_against_pymannkendall_live(start: int, values: list[float]) -> None:
    arr = np.array(values)
    months = month_range(f"2019-{start:02d}", "2030-12")[: len(arr)]
    series = pd.Series(arr, index=months)
    try:
        res = seasonal_mann_kendall(series, correlated=False)
    except ValueError:
        return  # no calendar month present in two years
    expected = mk.seasonal_test(arr, period=12)
    assert res["S"] == expected.s
    assert res["var_s"] == pytest.approx(expected.var_s, rel=1e-12, abs=1e-12)
    assert res["p_value"] == pytest.approx(expected.p, rel=1e-9, abs=1e-15)
    assert res["sen_slope"] == pytest.approx(expected.slope, rel=1e-12, abs=1e-12)


def test_pinned_pymannkendall_correlated_seasonal_test() -> None:
    # The audit's finding in small: 4 years rising in most months, but the months of a year
    # move together; corrected, p = 0.085 instead of 2e-5 (pymannkendall, in results file).
    s, var_s, z, p, slope = ref.CORRELATED_SEASONAL_TEST
    res = seasonal_mann_kendall(_seasonal_series())
    assert res["S"] == s
    assert res["var_s"] == pytest.approx(var_s, rel=1e-12)
    assert z == pytest.approx(s / np.sqrt(var_s), rel=1e-12)  # theirs: no continuity correction
    assert res["z"] == pytest.approx((s - 1) / np.sqrt(var_s), rel=1e-12)
    assert p == pytest.approx(2 * stats.norm.sf(z), rel=1e-9)
    assert res["p_value"] > p > 0.05
    assert res["sen_slope"] == pytest.approx(slope, rel=1e-12)
    assert res["years"] == 4
    assert "Hirsch-Slack correction" in res["method"]


# pymannkendall takes the root of a zero or (rounding) negative variance when every year ties.
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(
    years=st.integers(2, 7),
    data=st.data(),
)
def test_correlated_seasonal_against_pymannkendall_live(years: int, data: st.DataObject) -> None:
    values = data.draw(
        st.lists(st.integers(0, 9).map(float), min_size=12 * years, max_size=12 * years)
    )
    arr = np.array(values)
    series = pd.Series(arr, index=month_range("2019-04", "2030-12")[: len(arr)])
    res = seasonal_mann_kendall(series)
    expected = mk.correlated_seasonal_test(arr, period=12)
    assert res["S"] == expected.s
    assert res["var_s"] == pytest.approx(expected.var_s, rel=1e-9, abs=1e-9)
    assert res["sen_slope"] == pytest.approx(expected.slope, rel=1e-12, abs=1e-12)


def test_correlated_seasonal_keeps_false_alarms_near_alpha() -> None:
    # No trend, but each year's level swings up or down for every month together (sd 10% of the
    # mean): the uncorrected test calls about a third of such series trending; the corrected
    # test stays near the 5% it promises. 200 series of 5 years, fixed seed.
    rng = np.random.default_rng(20261201)
    months = month_range("2019-04", "2024-03")
    wrong = {True: 0, False: 0}
    for _ in range(200):
        level = 100 * np.exp(rng.normal(0, 0.1, size=5))
        counts = rng.poisson(np.repeat(level, 12)).astype(float)
        for corrected in (True, False):
            res = seasonal_mann_kendall(pd.Series(counts, index=months), correlated=corrected)
            wrong[corrected] += res["p_value"] < 0.05
    assert wrong[False] > 40  # over 20% false alarms uncorrected
    assert wrong[True] <= 20  # at most 10% corrected (5% expected, sampling error allowed)


def test_seasonal_missing_month_keeps_the_correction() -> None:
    series = _seasonal_series()
    with_nan = series.copy()
    with_nan.iloc[[3, 17, 30]] = np.nan
    res = seasonal_mann_kendall(with_nan)
    assert res["n"] == 45
    assert res["var_s"] > seasonal_mann_kendall(with_nan, correlated=False)["var_s"]


def test_seasonal_absent_month_equals_nan_month() -> None:
    series = _seasonal_series()
    with_nan = series.copy()
    with_nan.iloc[[3, 17, 30]] = np.nan
    absent = series.drop(series.index[[3, 17, 30]])
    assert seasonal_mann_kendall(with_nan) == seasonal_mann_kendall(absent)


def test_seasonal_accepts_datetime_and_period_index() -> None:
    series = _seasonal_series()
    as_dates = series.set_axis(pd.to_datetime([m + "-01" for m in series.index]))
    as_periods = series.set_axis(pd.period_range("2020-04", periods=48, freq="M"))
    assert seasonal_mann_kendall(as_dates) == seasonal_mann_kendall(series)
    assert seasonal_mann_kendall(as_periods) == seasonal_mann_kendall(series)


def test_seasonal_pure_seasonality_is_not_a_trend() -> None:
    months = month_range("2019-01", "2024-12")
    pattern = [50, 48, 55, 60, 70, 80, 85, 82, 70, 60, 52, 49]
    series = pd.Series([pattern[int(m[5:]) - 1] for m in months], index=months)
    res = seasonal_mann_kendall(series)
    assert res["S"] == 0 and res["p_value"] == 1.0 and res["sen_slope"] == 0.0


def test_seasonal_needs_two_years() -> None:
    with pytest.raises(ValueError, match="two years"):
        seasonal_mann_kendall(pd.Series(range(12), index=month_range("2023-01", "2023-12")))


def test_seasonal_refuses_bad_index() -> None:
    with pytest.raises(ValueError, match="months"):
        seasonal_mann_kendall(pd.Series([1, 2, 3], index=["a", "b", "c"]))
    with pytest.raises(ValueError, match="more than once"):
        seasonal_mann_kendall(pd.Series([1, 2], index=["2023-01", "2023-1"]))


# ---------------------------------------------------------------- yearly totals


def _monthly(category: str, months: list[str], counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"month": months, "category": category, "count": counts})


def test_yearly_totals_keeps_only_complete_years() -> None:
    fy1 = months_of_financial_year("2022/23")
    fy2 = months_of_financial_year("2023/24")
    fy3 = months_of_financial_year("2024/25")
    robbery = _monthly("Robbery", fy1 + fy2 + fy3[:6], [10] * 12 + [11] * 12 + [12] * 6)
    burglary = _monthly("Burglary", fy1 + fy2[:5] + fy2[6:], [3] * 12 + [4] * 11)  # Sep missing
    out = yearly_totals(pd.concat([robbery, burglary], ignore_index=True))
    assert out.to_dict("records") == [
        {"period": "2022/23", "category": "Robbery", "count": 120, "months": 12},
        {"period": "2023/24", "category": "Robbery", "count": 132, "months": 12},
        {"period": "2022/23", "category": "Burglary", "count": 36, "months": 12},
    ]
    assert str(out["period"].dtype) == "string"


def test_yearly_totals_missing_count_is_a_missing_month() -> None:
    fy = months_of_financial_year("2022/23")
    frame = _monthly("Robbery", fy, [10] * 12).astype({"count": "Int64"})
    frame.loc[4, "count"] = pd.NA
    assert yearly_totals(frame).empty


def test_yearly_totals_refuses_duplicates_and_missing_columns() -> None:
    fy = months_of_financial_year("2022/23")
    frame = _monthly("Robbery", fy + fy[:1], [1] * 13)
    with pytest.raises(ValueError, match="twice"):
        yearly_totals(frame)
    with pytest.raises(ValueError, match="'count'"):
        yearly_totals(frame.drop(columns="count"))


# ---------------------------------------------------------------- the trends table


def _yearly() -> pd.DataFrame:
    years = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    rows = [("Robbery", y, c) for y, c in zip(years, ref.CHECK_SERIES, strict=True)]
    rows += [("Burglary", y, c) for y, c in zip(years, [300, 280, 290, 260, 240], strict=True)]
    rows += [("Drugs", y, c) for y, c in zip(years, [80, 81, 79, 80, 80], strict=True)]
    rows += [("Bicycle theft", y, c) for y, c in zip(years[-2:], [40, 45], strict=True)]
    return pd.DataFrame(rows, columns=["category", "period", "count"])


def test_category_trends_q_values_over_the_family() -> None:
    from statsmodels.stats.multitest import multipletests

    yearly = pd.concat(
        [_yearly(), _yearly().query("category == 'Robbery'").assign(category="All crime")]
    )
    out = category_trends(yearly).set_index("category")
    assert pd.isna(out.loc["All crime", "q_value"])
    assert bool(out.loc["All crime", "significant_fdr"]) is True  # its own test, p = 0.027
    family = out.drop(index="All crime").dropna(subset=["p_value"])
    expected = multipletests(family["p_value"], method="fdr_bh")[1]
    assert family["q_value"].to_numpy() == pytest.approx(expected)
    # Robbery: p = 0.027 alone, q = 3 x 0.027 = 0.081 over Robbery, Burglary and Drugs
    assert out.loc["Robbery", "direction"] == "increasing"
    assert bool(out.loc["Robbery", "significant_fdr"]) is False
    assert pd.isna(out.loc["Bicycle theft", "significant_fdr"])


def test_category_trends_table() -> None:
    out = category_trends(_yearly())
    assert list(out.columns) == [
        "category",
        "periods",
        "first_period",
        "last_period",
        "S",
        "z",
        "tau",
        "p_value",
        "sen_slope",
        "direction",
        "method",
        "q_value",
        "significant_fdr",
    ]
    rows = out.set_index("category")
    assert list(rows.index) == ["Robbery", "Burglary", "Drugs", "Bicycle theft"]
    assert rows.loc["Robbery", "direction"] == "increasing"
    assert rows.loc["Robbery", "sen_slope"] == 11.5
    assert round(rows.loc["Robbery", "p_value"], 3) == 0.027
    # 300, 280, 290, 260, 240: S = -8, Z = -7 / sqrt(50/3) = -1.715, p = 0.086
    assert rows.loc["Burglary", "S"] == -8
    assert rows.loc["Burglary", "direction"] == "no significant trend"
    assert rows.loc["Drugs", "direction"] == "no significant trend"
    assert rows.loc["Bicycle theft", "direction"] == "not tested: fewer than 3 periods"
    assert rows.loc["Bicycle theft", "periods"] == 2
    assert pd.isna(rows.loc["Bicycle theft", "p_value"])
    assert rows.loc["Robbery", "first_period"] == "2019/20"
    assert rows.loc["Robbery", "last_period"] == "2023/24"


def test_category_trends_decreasing_and_alpha() -> None:
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2024)]
    counts = ref.ORIGINAL_TEST["falling"][0]
    yearly = pd.DataFrame({"period": years, "category": "Burglary", "count": counts})
    row = category_trends(yearly).iloc[0]
    assert row["direction"] == "decreasing"
    assert row["sen_slope"] == pytest.approx(-8.333333333333334)
    assert category_trends(yearly, alpha=1e-6).iloc[0]["direction"] == "no significant trend"


def test_category_trends_missing_year_is_a_gap() -> None:
    yearly = pd.DataFrame(
        {
            "period": ["2019-20", "2020/21", "2022/23", "2023/24"],
            "category": "Robbery",
            "count": [10, 12, 16, 18],
        }
    )
    row = category_trends(yearly).iloc[0]
    assert row["periods"] == 4
    assert row["sen_slope"] == 2.0  # per year, 2021/22 counted as elapsed time


def test_category_trends_with_monthly_adds_seasonal_columns() -> None:
    series = _seasonal_series()
    monthly = pd.DataFrame(
        {"month": series.index, "category": "Violence", "count": series.to_numpy().astype(int)}
    )
    yearly = yearly_totals(monthly)
    out = category_trends(yearly, monthly)
    assert {
        "seasonal_months",
        "seasonal_p_value",
        "seasonal_sen_slope",
        "seasonal_direction",
        "seasonal_method",
    } <= set(out.columns)
    row = out.iloc[0]
    # 4 complete financial years: tested, but 4 points can never reach p < 0.05 (min 0.089)
    assert row["periods"] == 4
    assert row["direction"] == "no significant trend"
    seasonal = seasonal_mann_kendall(series)
    assert row["seasonal_p_value"] == pytest.approx(seasonal["p_value"])
    assert row["seasonal_sen_slope"] == pytest.approx(seasonal["sen_slope"])
    # corrected for correlated months: p = 0.085 (see the pinned test), not a trend
    assert row["seasonal_direction"] == "no significant trend"
    assert row["seasonal_months"] == 48
    uncorrected = seasonal_mann_kendall(series, correlated=False)
    assert uncorrected["p_value"] < 0.001


def test_category_trends_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="'count'"):
        category_trends(_yearly().drop(columns="count"))
    bad = _yearly().assign(period="April")
    with pytest.raises(ValueError, match="period"):
        category_trends(bad)
    dup = pd.concat([_yearly(), _yearly().iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="twice"):
        category_trends(dup)
    with pytest.raises(ValueError, match="alpha"):
        category_trends(_yearly(), alpha=5)
    with pytest.raises(ValueError, match="monthly"):
        category_trends(_yearly(), pd.DataFrame({"month": []}))
