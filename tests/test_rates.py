"""Rates per 1,000 with Fingertips intervals, and Wilson intervals for proportions.

Reference numbers carry the call that produced them (statsmodels ``tests/results`` style).
PHStatsMethods (DHSC, GPL-3.0) is an independent reference used only here, never imported by
csp_analysis.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csp_analysis.exceptions import DataError, TableError
from csp_analysis.statistics.rates import (
    calculate_rates,
    count_ci,
    rate_ci,
    wilson_ci,
    z_of_level,
)

GRID = [0, 1, 9, 10, 11, 500]
POPULATIONS = [1_000, 2_000, 5_000, 85_000, 100, 100_000]


# ---------------------------------------------------------------- DOMAIN check values


def test_domain_check_value_rate() -> None:
    # DOMAIN.md "Rates and comparators": 192 crimes, population 85,000 -> 2.259 per 1,000,
    # 95% CI 1.951-2.602.
    t = calculate_rates(pd.DataFrame({"count": [192], "population": [85_000]}))
    assert round(t["rate_per_1000"].iloc[0], 3) == 2.259
    assert round(t["ci_lower"].iloc[0], 3) == 1.951
    assert round(t["ci_upper"].iloc[0], 3) == 2.602
    lo, hi = rate_ci(192, 85_000)
    # PHStatsMethods.byars_lower(192) / 85000 * 1000 -> 1.950586426869846
    # PHStatsMethods.byars_upper(192) / 85000 * 1000 -> 2.6019297369734313
    assert lo == pytest.approx(1.950586426869846, rel=1e-12)
    assert hi == pytest.approx(2.6019297369734313, rel=1e-12)


def test_domain_check_value_wilson() -> None:
    # DOMAIN.md: Wilson 30/120 -> 0.1811-0.3344.
    lo, hi = wilson_ci(30, 120)
    assert (round(lo, 4), round(hi, 4)) == (0.1811, 0.3344)
    # statsmodels.stats.proportion.proportion_confint(30, 120, alpha=0.05, method="wilson")
    # -> (0.18109821656809566, 0.33441136664125615)
    assert lo == pytest.approx(0.18109821656809566, rel=1e-12)
    assert hi == pytest.approx(0.33441136664125615, rel=1e-12)


def test_z_constants() -> None:
    # DOMAIN.md: z = 1.96 (95%) or 3.0902 (99.8%); scipy.stats.norm.ppf(0.999) -> 3.090232...
    assert round(z_of_level(0.95), 2) == 1.96
    assert round(z_of_level(0.998), 4) == 3.0902


def test_method_switches_at_ten() -> None:
    t = calculate_rates(pd.DataFrame({"count": [9, 10], "population": [1000, 1000]}))
    assert t["method"].tolist() == ["Exact Poisson", "Byar's"]
    assert (t["confidence"] == "95%, 99.8%").all()


def test_zero_count_exact_limits() -> None:
    # Exact interval of x = 0: lower 0; upper chi2.ppf(0.975, 2) / 2 = -ln(0.025) = 3.6889,
    # PHStatsMethods.exact_upper(0, 0.95) -> 3.6888794541139354,
    # PHStatsMethods.exact_upper(0, 0.998) -> 6.907755278982137 (= -ln(0.001)).
    lo, hi = count_ci([0])
    assert lo[0] == 0.0
    assert hi[0] == pytest.approx(3.6888794541139354, rel=1e-12)
    lo, hi = count_ci([0], 0.998)
    assert hi[0] == pytest.approx(6.907755278982137, rel=1e-12)
    assert hi[0] == pytest.approx(-math.log(0.001), rel=1e-12)


def test_hand_computed_byars_and_exact() -> None:
    # Byar's, x = 10, z = norm.ppf(0.975):
    z = 1.959963984540054
    x = 10
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    lo, hi = count_ci([10])
    assert (lo[0], hi[0]) == pytest.approx((lower, upper), rel=1e-12)
    # Exact, x = 1: the lower limit mu solves P(X >= 1 | mu) = 0.025, i.e. mu = -ln(0.975);
    # the upper limit solves P(X <= 1 | mu) = exp(-mu) (1 + mu) = 0.025 (bisection by hand,
    # no chi-squared): 5.571643390938898.
    lo, hi = count_ci([1])
    assert lo[0] == pytest.approx(-math.log(0.975), rel=1e-12)
    a, b = 1.0, 20.0
    for _ in range(200):
        mid = (a + b) / 2
        a, b = (mid, b) if math.exp(-mid) * (1 + mid) > 0.025 else (a, mid)
    assert hi[0] == pytest.approx(a, rel=1e-12)
    assert hi[0] == pytest.approx(5.571643390938898, rel=1e-12)


# ---------------------------------------------------------------- against PHStatsMethods


def test_grid_against_phstatsmethods() -> None:
    ph = pytest.importorskip("PHStatsMethods")
    df = pd.DataFrame({"area": list("abcdef"), "count": GRID, "population": POPULATIONS})
    ours = calculate_rates(df).set_index("area")
    # PHStatsMethods.ph_rate(df, "count", "population", "area", confidence=[0.95, 0.998],
    # multiplier=1000) raises for a count of 0 (its byars_upper refuses 0), so it is called on
    # the non-zero counts and 0 is checked with its exact_upper below.
    nonzero = df[df["count"] > 0]
    ref = ph.ph_rate(
        nonzero, "count", "population", "area", confidence=[0.95, 0.998], multiplier=1000
    ).set_index("area")
    for area in ref.index:
        row, r = ours.loc[area], ref.loc[area]
        assert row["rate_per_1000"] == pytest.approx(r["Value"], rel=1e-12)
        assert row["ci_lower"] == pytest.approx(r["lower_95_ci"], rel=1e-9)
        assert row["ci_upper"] == pytest.approx(r["upper_95_ci"], rel=1e-9)
        assert row["ci99_lower"] == pytest.approx(r["lower_99_8_ci"], rel=1e-9)
        assert row["ci99_upper"] == pytest.approx(r["upper_99_8_ci"], rel=1e-9)
        assert (row["method"] == "Byar's") == (r["Method"] == "Byars")
    zero = ours.loc["a"]
    assert zero["rate_per_1000"] == 0.0
    assert zero["ci_lower"] == 0.0
    # PHStatsMethods.exact_upper(0, 0.95) / 1000 * 1000, exact_upper(0, 0.998) / 1000 * 1000
    assert zero["ci_upper"] == pytest.approx(ph.exact_upper(0, 0.95), rel=1e-12)
    assert zero["ci99_upper"] == pytest.approx(ph.exact_upper(0, 0.998), rel=1e-12)


def test_grid_values_frozen() -> None:
    # PHStatsMethods.ph_rate(pd.DataFrame({"a": list("abcde"), "n": [1, 9, 10, 11, 500],
    #     "d": [1000, 2000, 5000, 85000, 100000]}), "n", "d", "a", confidence=[0.95, 0.998],
    #     multiplier=1000)  (PHStatsMethods 0.1.16):
    expected = {
        1: (0.025318, 5.571643, 0.001001, 9.233413),
        9: (2.057687, 8.542402, 1.226212, 11.328687),
        10: (0.957490, 3.678292, 0.583264, 4.838745),
        11: (0.064514, 0.231567, 0.040569, 0.301724),
        500: (4.571278, 5.458099, 4.337313, 5.730361),
    }
    pops = {1: 1000, 9: 2000, 10: 5000, 11: 85000, 500: 100000}
    df = pd.DataFrame({"count": list(pops), "population": list(pops.values())})
    t = calculate_rates(df)
    for i, x in enumerate(pops):
        got = tuple(t.loc[i, ["ci_lower", "ci_upper", "ci99_lower", "ci99_upper"]])
        assert got == pytest.approx(expected[x], abs=1e-6)


def test_wilson_against_phstatsmethods_and_statsmodels() -> None:
    ph = pytest.importorskip("PHStatsMethods")
    from statsmodels.stats.proportion import proportion_confint

    for x, n in [(0, 10), (1, 10), (5, 10), (10, 10), (30, 120), (7, 1000), (999, 1000)]:
        for level in (0.95, 0.998):
            lo, hi = wilson_ci(x, n, level)
            # PHStatsMethods.wilson(x, n, level)
            ref_lo, ref_hi = ph.wilson(x, n, level)
            assert lo == pytest.approx(max(ref_lo, 0.0), abs=1e-12)
            assert hi == pytest.approx(min(ref_hi, 1.0), abs=1e-12)
            # statsmodels proportion_confint(x, n, alpha=1 - level, method="wilson")
            sm_lo, sm_hi = proportion_confint(x, n, alpha=1 - level, method="wilson")
            assert (lo, hi) == pytest.approx((sm_lo, sm_hi), abs=1e-12)


def test_wilson_vectorised_and_proportion_table() -> None:
    ph = pytest.importorskip("PHStatsMethods")
    x = np.array([0, 3, 30, 120])
    n = np.array([5, 40, 120, 120])
    lo, hi = wilson_ci(x, n)
    # PHStatsMethods.ph_proportion(df, "x", "n", "g")
    df = pd.DataFrame({"g": list("abcd"), "x": x, "n": n})
    ref = ph.ph_proportion(df, "x", "n", "g").set_index("g")
    assert lo == pytest.approx(ref["lower_95_ci"].clip(lower=0).to_numpy(), abs=1e-12)
    assert hi == pytest.approx(ref["upper_95_ci"].clip(upper=1).to_numpy(), abs=1e-12)


# ---------------------------------------------------------------- missing and validation


def test_missing_population_gives_missing_rate_not_zero() -> None:
    df = pd.DataFrame(
        {
            "count": pd.array([5, 12, None], dtype="Int64"),
            "population": pd.array([None, 1000, 1000], dtype="Int64"),
        }
    )
    t = calculate_rates(df)
    assert t["rate_per_1000"].isna().tolist() == [True, False, True]
    for col in ("ci_lower", "ci_upper", "ci99_lower", "ci99_upper", "method"):
        assert t[col].isna().tolist() == [True, False, True], col
    assert math.isnan(rate_ci(5, None)[0]) and math.isnan(rate_ci(5, float("nan"))[1])


def test_input_not_modified_and_per_names_column() -> None:
    df = pd.DataFrame({"n": [3], "pop": [2000]})
    t = calculate_rates(df, "n", "pop", per=100_000)
    assert list(df.columns) == ["n", "pop"]
    assert t["rate_per_100000"].iloc[0] == pytest.approx(150.0)


@pytest.mark.parametrize(
    ("frame", "column", "message"),
    [
        (pd.DataFrame({"population": [1]}), "count", "no count column"),
        (pd.DataFrame({"count": [1]}), "population", "no population column"),
        (pd.DataFrame({"count": ["a"], "population": [1]}), "count", "not numeric"),
        (pd.DataFrame({"count": [-1], "population": [1]}), "count", "negative"),
        (pd.DataFrame({"count": [1], "population": [0]}), "population", "zero or negative"),
    ],
)
def test_validation_names_the_column(frame: pd.DataFrame, column: str, message: str) -> None:
    with pytest.raises(TableError, match=message) as err:
        calculate_rates(frame)
    assert isinstance(err.value, ValueError) and not isinstance(err.value, DataError)
    assert err.value.column == column
    assert f"column '{column}'" in str(err.value)


def test_option_validation() -> None:
    with pytest.raises(ValueError, match="level"):
        rate_ci(5, 100, level=95)
    with pytest.raises(ValueError, match="per"):
        calculate_rates(pd.DataFrame({"count": [1], "population": [1]}), per=0)
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_ci(11, 10)


# ---------------------------------------------------------------- properties

counts = st.integers(min_value=0, max_value=2_000_000)
pops = st.integers(min_value=1, max_value=20_000_000)


@settings(max_examples=300, deadline=None)
@given(count=counts, population=pops)
def test_interval_contains_estimate(count: int, population: int) -> None:
    t = calculate_rates(pd.DataFrame({"count": [count], "population": [population]}))
    r = t.iloc[0]
    assert r["ci99_lower"] <= r["ci_lower"] <= r["rate_per_1000"] <= r["ci_upper"]
    assert r["ci_upper"] <= r["ci99_upper"]
    assert r["ci_lower"] >= 0


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.tuples(counts, st.one_of(st.none(), pops)), min_size=1, max_size=20))
def test_missing_population_stays_missing(values: list[tuple[int, int | None]]) -> None:
    df = pd.DataFrame(
        {
            "count": [c for c, _ in values],
            "population": pd.array([p for _, p in values], dtype="Int64"),
        }
    )
    t = calculate_rates(df)
    missing = df["population"].isna().to_numpy()
    assert t["rate_per_1000"].isna().to_numpy().tolist() == missing.tolist()
    assert not (t.loc[missing, "rate_per_1000"] == 0).any()


@settings(max_examples=200, deadline=None)
@given(x=st.integers(0, 5000), extra=st.integers(0, 5000))
def test_wilson_contains_proportion(x: int, extra: int) -> None:
    n = x + extra
    if n == 0:
        return
    lo, hi = wilson_ci(x, n)
    assert 0 <= lo <= x / n <= hi <= 1
