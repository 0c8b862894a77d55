"""The exact conditional test of a change between two counts, and the table verdicts.

References: DOMAIN.md's check value; pinned values from ``scipy.stats.binomtest`` and
``statsmodels.stats.rates.test_poisson_2indep`` (calls written beside each value in
``tests/results/significance_results.py``); live comparisons with both over grids.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from results import significance_results as ref
from scipy.stats import binomtest
from statsmodels.stats import rates as sm_rates  # (a bare test_* import would be collected)

from csp_analysis.statistics import significance as sig

if TYPE_CHECKING:
    from csp_analysis.model import Dataset

Pops = tuple[float, float] | None

# Populations (previous, current) covering equal, growing, shrinking and uneven exposures.
POPULATIONS = [
    None,
    (1.0, 1.0),
    (84000.0, 86500.0),
    (2.0, 3.0),
    (3.0, 1.0),
    (1000.0, 1500.0),
    (57.0, 13.0),
]


def _share(pops: Pops) -> float:
    """Expected share of the current period under equal rates: P2 / (P1 + P2)."""
    return 0.5 if pops is None else pops[1] / (pops[0] + pops[1])


def _ci_of_share(res: dict, pops: Pops) -> tuple[float, float]:
    """Back-transform the rate-ratio interval to the interval of the binomial share."""
    ratio = 1.0 if pops is None else pops[0] / pops[1]  # RR = odds x P1 / P2

    def back(rr: float) -> float:
        if math.isinf(rr):
            return 1.0
        odds = rr / ratio
        return odds / (1.0 + odds)

    return back(res["rr_lower"]), back(res["rr_upper"])


# ---------------------------------------------------------------- check value and references


def test_domain_check_value() -> None:
    # DOMAIN.md: 138 -> 192, equal populations: p = 0.0035, RR = 1.391, 95% CI 1.112-1.744.
    res = sig.test_change(ref.CHECK["previous"], ref.CHECK["current"])
    assert round(res["p_value"], 4) == ref.CHECK["p_value"]
    assert round(res["rate_ratio"], 3) == ref.CHECK["rate_ratio"]
    assert round(res["rr_lower"], 3) == ref.CHECK["rr_lower"]
    assert round(res["rr_upper"], 3) == ref.CHECK["rr_upper"]
    assert res["method"] == sig.METHOD
    assert res["method"].startswith("exact conditional Poisson (binomial) test")
    assert res["level"] == 0.95


def test_check_value_with_equal_populations_given() -> None:
    assert sig.test_change(138, 192, 85000, 85000) == pytest.approx(sig.test_change(138, 192))


@pytest.mark.parametrize(("k", "n", "p", "pvalue", "low", "high"), ref.BINOMTEST)
def test_pinned_scipy_binomtest(
    k: int, n: int, p: float, pvalue: float, low: float, high: float
) -> None:
    # p = P2 / (P1 + P2): P1 = 1 - p, P2 = p.
    pops = None if p == 0.5 else (1.0 - p, p)
    res = sig.test_change(n - k, k, *(pops or (None, None)))
    assert res["p_value"] == pytest.approx(pvalue, rel=1e-9)
    assert _ci_of_share(res, pops) == pytest.approx((low, high), rel=1e-9)


@pytest.mark.parametrize(("c1", "e1", "c2", "e2", "pvalue"), ref.POISSON_2INDEP)
def test_pinned_statsmodels_exact_cond(
    c1: int, e1: float, c2: int, e2: float, pvalue: float
) -> None:
    res = sig.test_change(c1, c2, e1, e2)
    assert res["p_value"] == pytest.approx(pvalue, rel=1e-9)


@settings(max_examples=400, deadline=None)
@given(
    previous=st.integers(0, 60),
    current=st.integers(0, 60),
    pops=st.sampled_from(POPULATIONS),
    level=st.sampled_from([0.9, 0.95, 0.998]),
)
def test_against_scipy_binomtest(previous: int, current: int, pops: Pops, level: float) -> None:
    n = previous + current
    if n == 0:
        return  # binomtest refuses n = 0; covered by test_both_zero
    res = sig.test_change(previous, current, *(pops or (None, None)), level=level)
    share = _share(pops)
    expected = binomtest(current, n, share)
    central = min(
        1.0,
        2 * binomtest(current, n, share, alternative="less").pvalue,
        2 * binomtest(current, n, share, alternative="greater").pvalue,
    )
    assert res["p_value"] == pytest.approx(central, rel=1e-9, abs=1e-15)
    ci = expected.proportion_ci(confidence_level=level, method="exact")
    assert _ci_of_share(res, pops) == pytest.approx((ci.low, ci.high), rel=1e-7, abs=1e-12)


# statsmodels divides by a zero rate when computing its ratio estimate for (3, 0): harmless.
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("pops", [p for p in POPULATIONS if p is not None])
@pytest.mark.parametrize(
    ("previous", "current"),
    [(0, 3), (3, 0), (1, 1), (5, 12), (40, 29), (116, 144), (734, 842), (2500, 2410)],
)
def test_against_statsmodels_exact_cond(
    previous: int, current: int, pops: tuple[float, float]
) -> None:
    # The central two-sided p-value: twice the smaller of statsmodels' one-sided exact tests.
    one_sided = [
        sm_rates.test_poisson_2indep(
            previous, pops[0], current, pops[1], method="exact-cond", alternative=alt
        ).pvalue
        for alt in ("larger", "smaller")
    ]
    res = sig.test_change(previous, current, *pops)
    assert res["p_value"] == pytest.approx(min(1.0, 2 * min(one_sided)), rel=1e-9, abs=1e-15)


def test_large_counts() -> None:
    # scipy.stats.binomtest(25700, 50700, 0.5).pvalue = 0.001906575959142408
    res = sig.test_change(25000, 25700)
    assert res["p_value"] == pytest.approx(0.001906575959142408, rel=1e-9)
    assert res["rate_ratio"] == pytest.approx(1.028)
    assert 1.0 < res["rr_lower"] < 1.028 < res["rr_upper"] < 1.05


# ---------------------------------------------------------------- edge cases


def test_both_zero() -> None:
    res = sig.test_change(0, 0)
    assert res["p_value"] == 1.0
    assert math.isnan(res["rate_ratio"])
    assert (res["rr_lower"], res["rr_upper"]) == (0.0, math.inf)


def test_previous_zero() -> None:
    res = sig.test_change(0, 7)
    # scipy.stats.binomtest(7, 7, 0.5).pvalue = 0.015625
    assert res["p_value"] == pytest.approx(0.015625)
    assert res["rate_ratio"] == math.inf
    assert res["rr_upper"] == math.inf
    assert 0 < res["rr_lower"] < math.inf


def test_current_zero() -> None:
    res = sig.test_change(7, 0)
    assert res["p_value"] == pytest.approx(0.015625)
    assert res["rate_ratio"] == 0.0
    assert res["rr_lower"] == 0.0
    assert 0 < res["rr_upper"] < 1


def test_equal_counts_p_is_one() -> None:
    assert sig.test_change(50, 50)["p_value"] == 1.0
    assert sig.test_change(50, 50)["rate_ratio"] == 1.0


def test_accepts_numpy_and_whole_float_counts() -> None:
    a = sig.test_change(np.int64(138), 192.0)
    assert a == pytest.approx(sig.test_change(138, 192))


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"previous": -1, "current": 5}, "previous"),
        ({"previous": 5, "current": -3}, "current"),
        ({"previous": None, "current": 5}, "previous"),
        ({"previous": 5, "current": float("nan")}, "current"),
        ({"previous": pd.NA, "current": 5}, "previous"),
        ({"previous": 2.5, "current": 5}, "previous"),
        ({"previous": "12", "current": 5}, "previous"),
        ({"previous": True, "current": 5}, "previous"),
        ({"previous": 5, "current": 6, "pop_previous": 100}, "pop_current"),
        ({"previous": 5, "current": 6, "pop_current": 100}, "pop_previous"),
        ({"previous": 5, "current": 6, "pop_previous": 0, "pop_current": 100}, "pop_previous"),
        ({"previous": 5, "current": 6, "pop_previous": 10, "pop_current": -1}, "pop_current"),
        ({"previous": 5, "current": 6, "pop_previous": 10, "pop_current": math.inf}, "pop_current"),
        ({"previous": 5, "current": 6, "level": 1.0}, "level"),
        ({"previous": 5, "current": 6, "level": 95}, "level"),
    ],
)
def test_invalid_arguments_are_named(kwargs: dict, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        sig.test_change(**kwargs)


@settings(max_examples=300, deadline=None)
@given(
    previous=st.integers(0, 10_000),
    current=st.integers(0, 10_000),
    pops=st.sampled_from(POPULATIONS),
    level=st.floats(0.5, 0.999),
)
def test_interval_contains_estimate(previous: int, current: int, pops: Pops, level: float) -> None:
    res = sig.test_change(previous, current, *(pops or (None, None)), level=level)
    assert 0.0 <= res["p_value"] <= 1.0
    if previous + current == 0:
        assert math.isnan(res["rate_ratio"])
        return
    assert res["rr_lower"] <= res["rate_ratio"] <= res["rr_upper"]
    assert res["rr_lower"] >= 0


# The example: with a 0.9% population change, 5 -> 0 was "a significant fall"
# (minimum-likelihood p = 0.031) while the printed interval (0 to 1.08) included 1.
@example(previous=5, current=0, pops=(100.0, 100.9), level=0.95)
@settings(max_examples=300, deadline=None)
@given(
    previous=st.integers(0, 120),
    current=st.integers(0, 120),
    pops=st.sampled_from([*POPULATIONS, (100.0, 100.9), (1000.0, 1013.0), (5.0, 4.7)]),
    level=st.sampled_from([0.9, 0.95, 0.99, 0.998]),
)
def test_verdict_agrees_with_interval(
    previous: int, current: int, pops: Pops, level: float
) -> None:
    # One method behind verdict and interval: "significant" exactly when the printed interval
    # of the rate ratio leaves out 1, and then (and only then) p < 1 - level.
    res = sig.test_change(previous, current, *(pops or (None, None)), level=level)
    if previous + current == 0:
        assert res["significant"] is False
        return
    excludes_one = res["rr_lower"] > 1 or res["rr_upper"] < 1
    near = min(abs(res["rr_lower"] - 1), abs(res["rr_upper"] - 1)) < 1e-9
    if not near:  # a bound within rounding of 1 cannot be read either way
        assert res["significant"] is excludes_one
    if abs(res["p_value"] - (1 - level)) > 1e-9:
        assert res["significant"] is (res["p_value"] < 1 - level)


def test_verdict_agrees_with_interval_over_a_grid() -> None:
    # Part of the audit's grid (14,400 count pairs, 0-119 each, 95 disagreeing under the
    # minimum-likelihood p-value): 0-59 each with a 0.9% population change; none may disagree.
    disagree = 0
    for previous in range(60):
        for current in range(60):
            res = sig.test_change(previous, current, 100.0, 100.9)
            if previous + current == 0:
                continue
            excludes_one = res["rr_lower"] > 1 or res["rr_upper"] < 1
            disagree += res["significant"] is not excludes_one
            disagree += res["significant"] is not (res["p_value"] < 0.05)
    assert disagree == 0


def test_bh_q_values_published_example() -> None:
    # Benjamini and Hochberg (1995), section 4.2: four of the 15 p-values are rejected at 0.05;
    # the q-values equal statsmodels multipletests(method="fdr_bh") (in results file).
    q = sig.bh_q_values(ref.BH_1995_P)
    assert int((q < 0.05).sum()) == ref.BH_1995_REJECTED
    assert q == pytest.approx(ref.BH_1995_Q, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1), st.none()), min_size=0, max_size=30))
def test_bh_q_values_against_statsmodels(p_values: list) -> None:
    from statsmodels.stats.multitest import multipletests

    q = sig.bh_q_values(p_values)
    present = [p for p in p_values if p is not None]
    assert np.isnan(q[[p is None for p in p_values]]).all()
    if present:
        expected = multipletests(present, method="fdr_bh")[1]
        got = q[[p is not None for p in p_values]]
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_bh_q_values_refuses_out_of_range() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        sig.bh_q_values([0.2, 1.5])


def test_add_significance_q_values_over_the_family_without_all_crime() -> None:
    from statsmodels.stats.multitest import multipletests

    out = sig.add_significance(_yoy()).set_index("category")
    assert pd.isna(out.loc["All crime", "q_value"])
    assert out.loc["All crime", "significant_fdr"] == out.loc["All crime", "significant"]
    family = out.drop(index="All crime")
    family = family[family["p_value"].notna()]
    expected = multipletests(family["p_value"].astype(float), method="fdr_bh")[1]
    assert family["q_value"].astype(float).to_numpy() == pytest.approx(expected)
    assert (family["significant_fdr"] == (family["q_value"] < 0.05)).all()


def test_add_significance_significant_alone_but_not_over_the_family() -> None:
    # Three categories: p of 30 -> 50 is 0.033 alone; with two null categories its BH q-value is
    # 3 x 0.033 = 0.099 (statsmodels multipletests(..., method="fdr_bh")).
    frame = pd.DataFrame(
        {
            "category": ["All crime", "A", "B", "C"],
            "previous": pd.array([130, 30, 50, 50], dtype="Int64"),
            "current": pd.array([150, 50, 50, 50], dtype="Int64"),
        }
    )
    out = sig.add_significance(frame).set_index("category")
    assert bool(out.loc["A", "significant"]) is True
    assert bool(out.loc["A", "significant_fdr"]) is False
    assert out.loc["A", "verdict"] == (
        "a rise of 20 (+66.7%), significant on its own but not once the 3 categories tested "
        "are allowed for"
    )


def test_add_significance_negative_year_total_is_shown_not_tested() -> None:
    # A Home Office adjustment can leave a year total negative: shown, noted, never a crash.
    table = _yoy()
    table.loc[1, "current"] = -1
    table["change"] = table["current"] - table["previous"]
    out = sig.add_significance(table).set_index("category")
    assert out.loc["Robbery", "current"] == -1
    assert pd.isna(out.loc["Robbery", "p_value"])
    assert out.loc["Robbery", "verdict"].startswith("not tested: a year total is negative")
    assert out.loc["Robbery", "note"] == (
        "Robbery: the current year's total is -1 after Home Office adjustments (negative "
        "adjustments to recorded crime), so the change is not tested"
    )


def test_library_function_is_not_collected_as_a_test() -> None:
    assert sig.test_change.__test__ is False


# ---------------------------------------------------------------- the year-on-year table


def _yoy() -> pd.DataFrame:
    """A year-on-year table shaped like category_change's output."""
    rows = [
        ("All crime", "crime", 734, 842, ""),
        ("Robbery", "crime", 116, 144, ""),
        ("Burglary", "crime", 842, 734, ""),
        ("Bicycle theft", "crime", 50, 50, ""),
        ("Possession of weapons", "crime", 0, 7, ""),
        ("Domestic abuse", "flag", None, 310, "no data for 2024/25"),
        ("Hate crime", "flag", 12, None, ""),
    ]
    frame = pd.DataFrame(rows, columns=["category", "kind", "previous", "current", "note"])
    frame["previous"] = frame["previous"].astype("Int64")
    frame["current"] = frame["current"].astype("Int64")
    frame["change"] = frame["current"] - frame["previous"]
    frame["pct_change"] = pd.array(
        [
            round(100 * (c - p) / p, 1) if pd.notna(p) and pd.notna(c) and p else None
            for p, c in zip(frame["previous"], frame["current"], strict=True)
        ],
        dtype="Float64",
    )
    frame["months_compared"] = 12
    return frame[
        [
            "category",
            "kind",
            "previous",
            "current",
            "change",
            "pct_change",
            "months_compared",
            "note",
        ]
    ]


def test_add_significance_columns_and_types() -> None:
    table = _yoy()
    out = sig.add_significance(table)
    assert list(out.columns) == [
        *table.columns,
        "p_value",
        "significant",
        "q_value",
        "significant_fdr",
        "rate_ratio",
        "rr_lower",
        "rr_upper",
        "verdict",
        "method",
        "level",
    ]
    assert str(out["significant"].dtype) == "boolean"
    assert str(out["significant_fdr"].dtype) == "boolean"
    assert str(out["p_value"].dtype) == "Float64"
    assert len(out) == len(table)
    pd.testing.assert_frame_equal(out[table.columns], table)  # the input columns are unchanged
    assert list(table.columns) == list(_yoy().columns)  # the input itself is not modified
    assert (out["level"] == 0.95).all()
    assert out["method"].str.contains("exact conditional Poisson").all()


def test_add_significance_values_match_test_change() -> None:
    out = sig.add_significance(_yoy()).set_index("category")
    expected = sig.test_change(734, 842)
    assert out.loc["All crime", "p_value"] == pytest.approx(expected["p_value"])
    assert out.loc["All crime", "rr_lower"] == pytest.approx(expected["rr_lower"])
    assert bool(out.loc["All crime", "significant"]) is True
    assert bool(out.loc["Robbery", "significant"]) is False
    assert pd.isna(out.loc["Domestic abuse", "p_value"])
    assert pd.isna(out.loc["Domestic abuse", "significant"])


def test_add_significance_verdicts() -> None:
    verdicts = sig.add_significance(_yoy()).set_index("category")["verdict"]
    # scipy.stats.binomtest(144, 260).pvalue = 0.0938 (not significant)
    assert verdicts["Robbery"] == "a rise of 28 (+24.1%), within normal year-to-year variation"
    # scipy.stats.binomtest(842, 1576).pvalue = 0.0070 (significant)
    assert verdicts["All crime"] == "a significant rise of 108 (+14.7%)"
    assert verdicts["Burglary"] == "a significant fall of 108 (-12.8%)"
    assert verdicts["Bicycle theft"] == "no change"
    assert verdicts["Possession of weapons"] == "a significant rise of 7 (from 0)"
    assert verdicts["Domestic abuse"] == "not comparable: no data for 2024/25"
    assert verdicts["Hate crime"] == "not comparable: no data for the current year"


def test_add_significance_alpha_sets_test_and_interval_level() -> None:
    out = sig.add_significance(_yoy(), alpha=0.001).set_index("category")
    # p = 0.0070 is not below 0.001
    assert bool(out.loc["All crime", "significant"]) is False
    assert out.loc["All crime", "verdict"].endswith("within normal year-to-year variation")
    expected = sig.test_change(734, 842, level=0.999)
    assert out.loc["All crime", "rr_upper"] == pytest.approx(expected["rr_upper"])
    assert out.loc["All crime", "level"] == pytest.approx(0.999)


def test_add_significance_with_populations_rate_against_count() -> None:
    table = (
        _yoy()
        .iloc[[1]]
        .assign(
            previous=pd.array([100], dtype="Int64"),
            current=pd.array([101], dtype="Int64"),
            pct_change=pd.array([1.0], dtype="Float64"),
        )
    )
    out = sig.add_significance(table, pop_previous=100_000, pop_current=200_000)
    assert out["verdict"].iloc[0] == (
        "a rise of 1 (+1.0%), but a significant fall in the rate per resident"
    )
    assert out["rate_ratio"].iloc[0] == pytest.approx(0.505)


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5, "0.05"])
def test_add_significance_refuses_bad_alpha(alpha: object) -> None:
    with pytest.raises(ValueError, match="alpha"):
        sig.add_significance(_yoy(), alpha=alpha)


def test_add_significance_names_missing_column() -> None:
    with pytest.raises(ValueError, match="'current'"):
        sig.add_significance(_yoy().drop(columns="current"))


def test_add_significance_on_demo_year_on_year_table(demo_dataset: Dataset) -> None:
    from csp_analysis.analyses.change import category_change

    ds = demo_dataset
    area = ds.areas[0]
    table = category_change(ds, area, ds.financial_years(area)[-1])
    out = sig.add_significance(table)
    assert len(out) == len(table)
    complete = out["previous"].notna() & out["current"].notna()
    assert out.loc[complete, "p_value"].notna().all()
    assert out.loc[~complete, "verdict"].str.startswith("not comparable").all()


def test_a_change_that_rounds_to_zero_percent_is_worded_under_a_tenth() -> None:
    # The audit's wording bug: "a fall of 1 (+0.0%)". 1 in 2,001 is -0.05% -> "under 0.1%".
    from csp_analysis.analyses.findings import describe_change

    table = pd.DataFrame(
        {
            "category": ["Robbery"],
            "previous": pd.array([2001], dtype="Int64"),
            "current": pd.array([2000], dtype="Int64"),
            "pct_change": pd.array([-0.0], dtype="Float64"),
        }
    )
    verdict = sig.add_significance(table)["verdict"].iloc[0]
    assert verdict == "a fall of 1 (under 0.1%), within normal year-to-year variation"
    assert describe_change(2001, 2000, -0.0) == "a decrease of 1 (under 0.1%)"
