"""Peer tables, funnel limits and nearest neighbours on small hand-made data.

Every expected number is worked out in the test from the published formulas (DOMAIN.md "Rates
and comparators"), not taken from the code under test; the over-dispersion is also pinned to
FunnelPlotR, whose port here reproduces the value its own test prints.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from csp_analysis.analyses.comparators import PEER_COLUMNS, peer_table, read_peers
from csp_analysis.exceptions import DataError, TableError, UsageError
from csp_analysis.model import Dataset, load
from csp_analysis.plots.comparators import plot_funnel, plot_peer_rates
from csp_analysis.statistics.comparators import funnel_limits, nearest_neighbours

FORCE = "Test Police"
YEAR = "2023/24"
Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
Z998 = 3.090232306167813  # scipy.stats.norm.ppf(0.999)

# Annual counts for 2023/24 (A is the assessed area).
ANNUAL = {
    "A": {"Burglary": 1200, "Robbery": 300, "Anti-social behaviour": 400},
    "B": {"Burglary": 1800, "Robbery": 100, "Anti-social behaviour": 600},
    "C": {"Burglary": 500, "Robbery": 50, "Anti-social behaviour": 200},
    "D": {"Burglary": 90, "Robbery": 10, "Anti-social behaviour": 30},
}
POPULATION = {"A": 50_000, "B": 80_000, "C": 20_000, "E": 30_000}  # D has none
# E has ten months of 2023/24: April 2023 to January 2024 (no February or March 2024).
E_MONTHS = [f"2023-{m:02d}" for m in range(4, 13)] + ["2024-01"]


def write_world(folder: Path) -> Path:
    lines = ["area,force,period,category,count"]
    for area, cats in ANNUAL.items():
        lines += [f"{area},{FORCE},{YEAR},{cat},{n}" for cat, n in cats.items()]
    (folder / "annual_counts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monthly = ["area,force,period,category,count"]
    monthly += [f"E,{FORCE},{m},Burglary,10" for m in E_MONTHS]
    (folder / "e_monthly_counts.csv").write_text("\n".join(monthly) + "\n", encoding="utf-8")
    pop = ["area,year,population"] + [f"{a},2023,{p}" for a, p in POPULATION.items()]
    (folder / "population.csv").write_text("\n".join(pop) + "\n", encoding="utf-8")
    return folder


@pytest.fixture()
def world(tmp_path: Path) -> Dataset:
    return load(write_world(tmp_path))


def byars(x: float, z: float) -> tuple[float, float]:
    """Byar's limits of a count, written out from DOMAIN.md."""
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper


def verdict(x: int, pop: int, benchmark: float, z: float) -> str:
    lo, hi = byars(x, z)
    lo, hi = lo / pop * 1000, hi / pop * 1000
    return "higher" if lo > benchmark else "lower" if hi < benchmark else "similar"


def row(table: pd.DataFrame, area: str, category: str) -> pd.Series:
    sub = table[(table["area"] == area) & (table["category"] == category)]
    assert len(sub) == 1
    return sub.iloc[0]


# ---------------------------------------------------------------- peer table


def test_default_peers_are_the_force_areas(world: Dataset) -> None:
    table, note = peer_table(world, "A", YEAR)
    assert set(table["area"]) == {"A", "B", "C", "D", "E"}
    assert "other 4 partnership areas of Test Police" in note
    assert "no peer list" in note
    assert set(PEER_COLUMNS) <= set(table.columns)
    for col in (
        "area",
        "category",
        "count",
        "population",
        "rate_per_1000",
        "ci_lower",
        "ci_upper",
        "group_rate",
        "band",
        "comparison",
        "rank",
    ):
        assert col in table.columns
    # report order (csp_analysis/reference/categories.csv): All crime first, ASB after the crimes
    cats = list(dict.fromkeys(table["category"]))
    assert cats == ["All crime", "Burglary", "Robbery", "Anti-social behaviour"]


def test_all_crime_group_rate_band_verdicts_by_hand(world: Dataset) -> None:
    table, _ = peer_table(world, "A", YEAR)
    crime = {
        a: sum(n for c, n in cats.items() if c != "Anti-social behaviour")
        for a, cats in ANNUAL.items()
    }
    # Members with a rate: A, B, C (D has no population, E misses two months).
    members = ["A", "B", "C"]
    rates = {a: crime[a] / POPULATION[a] * 1000 for a in members}  # A 30.0, B 23.75, C 27.5
    assert rates == {"A": 30.0, "B": 23.75, "C": 27.5}
    pooled = sum(crime[a] for a in members) / sum(POPULATION[a] for a in members) * 1000
    assert pooled == pytest.approx(3950 / 150)  # 26.333...
    mean = statistics.mean(rates.values())
    sd = statistics.stdev(rates.values())
    for a in members:
        r = row(table, a, "All crime")
        assert r["count"] == crime[a]
        assert r["rate_per_1000"] == pytest.approx(rates[a])
        lo, hi = byars(crime[a], Z95)
        assert r["ci_lower"] == pytest.approx(lo / POPULATION[a] * 1000, rel=1e-9)
        assert r["ci_upper"] == pytest.approx(hi / POPULATION[a] * 1000, rel=1e-9)
        assert r["group_rate"] == pytest.approx(pooled)
        assert r["band_lower"] == pytest.approx(mean - sd)
        assert r["band_upper"] == pytest.approx(mean + sd)
        assert r["band"] == f"{mean - sd:.2f} to {mean + sd:.2f}"
        assert r["comparison"] == verdict(crime[a], POPULATION[a], pooled, Z95)
        assert r["comparison_99_8"] == verdict(crime[a], POPULATION[a], pooled, Z998)
        assert r["group_size"] == 3
    # By hand: A 28.5-31.6 is above 26.33, B 22.7-24.8 below, C 25.2-29.9 contains it.
    assert [row(table, a, "All crime")["comparison"] for a in members] == [
        "higher",
        "lower",
        "similar",
    ]
    assert [row(table, a, "All crime")["rank"] for a in members] == [1, 3, 2]


def test_members_without_population_or_full_year_are_listed_not_dropped(world: Dataset) -> None:
    table, note = peer_table(world, "A", YEAR)
    d = row(table, "D", "All crime")
    assert d["count"] == 100 and pd.isna(d["population"])
    assert pd.isna(d["rate_per_1000"]) and pd.isna(d["comparison"]) and pd.isna(d["rank"])
    assert "no population" in d["note"]
    e = row(table, "E", "All crime")
    assert e["count"] == 100  # the ten months present, shown with the note
    assert e["population"] == 30_000
    assert pd.isna(e["rate_per_1000"]) and pd.isna(e["rank"])
    assert "10 of 12 months" in e["note"] and "February 2024" in e["note"]
    e_asb = row(table, "E", "Anti-social behaviour")
    assert pd.isna(e_asb["count"]) and "no anti-social behaviour data" in e_asb["note"]
    assert "No population for D" in note and "E" in note


def test_asb_is_compared_but_never_in_all_crime(world: Dataset) -> None:
    table, _ = peer_table(world, "A", YEAR)
    assert row(table, "A", "All crime")["count"] == 1500
    asb = row(table, "A", "Anti-social behaviour")
    assert asb["kind"] == "asb" and asb["rate_per_1000"] == pytest.approx(8.0)


def test_given_peers(world: Dataset) -> None:
    table, note = peer_table(world, "A", YEAR, peers=["b", "C", "A"])
    assert set(table["area"]) == {"A", "B", "C"}
    assert "peer list" in note
    r = row(table, "C", "Robbery")
    # pooled robbery: (300 + 100 + 50) / 150,000 x 1000 = 3.0
    assert r["group_rate"] == pytest.approx(3.0)
    assert r["role"] == "peer" and row(table, "A", "Robbery")["role"] == "assessed area"


def test_unknown_peer_is_listed_with_a_hint(world: Dataset) -> None:
    table, note = peer_table(world, "A", YEAR, peers=["B", "Cc"])
    r = row(table, "Cc", "All crime")
    assert pd.isna(r["count"]) and pd.isna(r["rate_per_1000"])
    assert "not in the data" in r["note"]
    assert "Cc" in note


def test_incomplete_assessed_year_is_refused(world: Dataset) -> None:
    with pytest.raises(UsageError, match="not a complete year"):
        peer_table(world, "E", YEAR)
    with pytest.raises(UsageError):
        peer_table(world, "Nowhere", YEAR)


def test_default_peers_on_demo(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    table, note = peer_table(ds, "Elderbrook", "2024/25")
    force = ds.area_force["Elderbrook"]
    assert set(table["area"]) == set(ds.areas_of_force(force))
    assert f"the other 13 partnership areas of {force}" in note
    assert table["rate_per_1000"].notna().all()


# ---------------------------------------------------------------- peers.csv


def test_read_peers() -> None:
    df = pd.DataFrame({"Area": ["A", "A", "A", "B"], "Peer": ["B", "C", "B", "A"]})
    assert read_peers(df) == {"A": ["B", "C"], "B": ["A"]}


@pytest.mark.parametrize(
    ("frame", "column", "message"),
    [
        (pd.DataFrame({"area": ["A"]}), "peer", "no such column"),
        (pd.DataFrame({"peer": ["A"]}), "area", "no such column"),
        (pd.DataFrame({"area": ["A"], "peer": [""]}), "peer", "blank"),
        (pd.DataFrame({"area": [""], "peer": ["B"]}), "area", "blank"),
        (pd.DataFrame({"area": ["A"], "peer": ["a"]}), "peer", "its own peer"),
    ],
)
def test_read_peers_validation(frame: pd.DataFrame, column: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as err:
        read_peers(frame)
    assert err.value.column == column


# ---------------------------------------------------------------- funnel limits


def test_funnel_limits_monotone_and_nested() -> None:
    pops = np.geomspace(500, 500_000, 60)
    lim = funnel_limits(26.3, pops)
    assert lim["population"].is_monotonic_increasing
    assert lim["lower_95"].is_monotonic_increasing
    assert lim["lower_99_8"].is_monotonic_increasing
    assert lim["upper_95"].is_monotonic_decreasing
    assert lim["upper_99_8"].is_monotonic_decreasing
    assert (lim["lower_99_8"] <= lim["lower_95"]).all()
    assert (lim["lower_95"] < lim["group_rate"]).all()
    assert (lim["group_rate"] < lim["upper_95"]).all()
    assert (lim["upper_95"] < lim["upper_99_8"]).all()
    assert lim["expected"].to_numpy() == pytest.approx(26.3 * pops / 1000)


def test_funnel_limits_by_definition() -> None:
    from scipy.stats import chi2

    lim = funnel_limits(5.0, [2_000, 40_000])
    for _, r in lim.iterrows():
        e = r["expected"]
        x_lower = r["lower_95"] * r["population"] / 1000
        x_upper = r["upper_95"] * r["population"] / 1000
        # The lower limit count's exact upper limit, chi2.ppf(0.975, 2x + 2) / 2, equals E;
        # the upper limit count's exact lower limit, chi2.ppf(0.025, 2x) / 2, equals E.
        assert chi2.ppf(0.975, 2 * x_lower + 2) / 2 == pytest.approx(e, rel=1e-9)
        assert chi2.ppf(0.025, 2 * x_upper) / 2 == pytest.approx(e, rel=1e-9)


def test_funnel_limits_against_phstatsmethods() -> None:
    pytest.importorskip("PHStatsMethods")
    from PHStatsMethods.utils_funnel import poisson_funnel

    av = 0.02  # a pooled rate of 20 per 1,000
    for x in (3, 12, 150):
        # PHStatsMethods.utils_funnel.poisson_funnel(x, 0.025, "high") / av is the population
        # at which a count x sits on the lower 95% limit (Fingertips funnel method);
        # poisson_funnel(x, 0.001, "low") / av the population where it sits on the upper 99.8%.
        p_low = poisson_funnel(x, 0.025, "high") / av
        p_high = poisson_funnel(x, 0.001, "low") / av
        lim = funnel_limits(20.0, [p_low, p_high]).set_index("population")
        assert lim.loc[p_low, "lower_95"] == pytest.approx(x / p_low * 1000, rel=1e-5)
        assert lim.loc[p_high, "upper_99_8"] == pytest.approx(x / p_high * 1000, rel=1e-5)


# ---------------------------------------------------------------- over-dispersion


def _spiegelhalter_reference(obs: list[int], exp: list[float]) -> tuple[float, float]:
    """Phi and tau^2 written out from Spiegelhalter (2005), Qual Saf Health Care 14:347-351,
    "Handling over-dispersion of performance indicators", sections "Estimating
    over-dispersion" and "Additive random-effects models": square-root scale
    (y = sqrt(O/E), target 1, s = 1/(2 sqrt(E))), z-scores winsorised at the 10th and 90th
    percentiles (linear interpolation between order statistics, as R's quantile type 7),
    phi = sum z^2 / I, tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w), w = 1/s^2."""
    import math

    n = len(obs)
    z = [
        (math.sqrt(o / e) - 1.0) / (1.0 / (2.0 * math.sqrt(e)))
        for o, e in zip(obs, exp, strict=True)
    ]
    order = sorted(z)

    def quantile(q: float) -> float:
        h = (n - 1) * q
        lo = math.floor(h)
        return order[lo] + (h - lo) * (order[min(lo + 1, n - 1)] - order[lo])

    low, high = quantile(0.1), quantile(0.9)
    zw = [min(max(v, low), high) for v in z]
    phi = sum(v * v for v in zw) / n
    w = [4.0 * e for e in exp]
    if n * phi <= n - 1:
        return phi, 0.0
    return phi, (n * phi - (n - 1)) / (sum(w) - sum(x * x for x in w) / sum(w))


@pytest.mark.parametrize(
    ("obs", "pops"),
    [
        # 14 areas whose rates vary far more than Poisson chance (as the audit's demo)
        (
            [812, 1520, 2210, 905, 3010, 1777, 640, 2480, 1190, 2050, 990, 1405, 3320, 760],
            [90e3, 120e3, 150e3, 95e3, 170e3, 140e3, 80e3, 160e3, 110e3, 150e3, 100e3, 125e3,
             175e3, 85e3],
        ),
        # 8 areas close to the group rate: no over-dispersion
        (
            [101, 96, 205, 48, 152, 99, 251, 52],
            [1e4, 1e4, 2e4, 5e3, 1.5e4, 1e4, 2.5e4, 5e3],
        ),
    ],
)  # fmt: skip
def test_overdispersion_against_the_papers_formulas(obs: list[int], pops: list[float]) -> None:
    from csp_analysis.statistics.comparators import overdispersion

    rate = sum(obs) / sum(pops)
    exp = [rate * p for p in pops]
    phi, tau2 = _spiegelhalter_reference(obs, exp)
    res = overdispersion(obs, exp)
    assert res["phi"] == pytest.approx(phi, rel=1e-12)
    assert res["tau2"] == pytest.approx(tau2, rel=1e-12, abs=1e-15)
    assert res["overdispersed"] is (tau2 > 0)


# FunnelPlotR (NHS-R Community; github.com/nhs-r-community/FunnelPlotR), the R package of
# Spiegelhalter's funnel plots, ported line by line from R/od_adjustment.R (transformed_zscore,
# winsorisation, truncation, phi_func, tau_func; called as in R/funnel_plot.R: n and S are
# those of the z-scores kept) and R/calculate_limits.R. Its "CQC" branch is Spiegelhalter's
# (2005) method (square-root scale, 10% winsorised); its default "SHMI" branch (log scale, 10%
# truncated) is the one its own test pins to a printed value.
FUNNELPLOTR_NUM = [100, 150, 180, 80, 120, 225]  # tests/testthat/test-classes_methods.R
FUNNELPLOTR_DEN = [108, 112, 165, 95, 100, 220]
FUNNELPLOTR_PHI_SHMI = 2.948033  # expect_equal(round(phi.funnelplot(a), 6), 2.948033), ibid.


def _funnelplotr(num: list[float], den: list[float], sr_method: str, trim_by: float = 0.1):
    """phi and tau2 of FunnelPlotR's funnel_plot(data_type="SR"), as its R code computes them."""
    from scipy.stats import rankdata

    o, e = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    if sr_method == "SHMI":
        s = 1 / np.sqrt(e)
        u = np.sqrt(e) * np.log(o / e)
        k = 1 / trim_by  # truncation(): rank groups, the lowest and highest dropped
        sp = np.floor(rankdata(u, method="average") * k / (len(u) + 1))
        keep = (sp > 0) & (sp < k - 1)
        w = u[keep]
        s = s[keep]
    else:  # "CQC": Y = sqrt(O/E), target 1, s = 1/(2 sqrt(E)); winsorisation() at R's type 7
        s = 1 / (2 * np.sqrt(e))
        u = (np.sqrt(o / e) - 1) / s
        lz, uz = np.quantile(u, [trim_by, 1 - trim_by])
        w = np.where(u < lz, lz, np.where(u > uz, uz, u))
    n = len(w)
    phi = (1 / n) * np.sum(w**2)  # phi_func()
    if n * phi < n - 1:  # tau_func()
        return phi, 0.0
    inv = 1 / s**2
    return phi, float(max(0.0, (n * phi - (n - 1)) / (inv.sum() - (inv**2).sum() / inv.sum())))


def test_funnelplotr_port_reproduces_its_published_test_value() -> None:
    phi, _ = _funnelplotr(FUNNELPLOTR_NUM, FUNNELPLOTR_DEN, "SHMI")
    assert round(phi, 6) == FUNNELPLOTR_PHI_SHMI


@pytest.mark.parametrize(
    ("num", "den"),
    [
        (FUNNELPLOTR_NUM, FUNNELPLOTR_DEN),  # FunnelPlotR's own test data (over-dispersed)
        ([101, 96, 205, 48, 152, 99, 251, 52], [100, 100, 200, 50, 150, 100, 250, 50]),
        (
            [812, 1520, 2210, 905, 3010, 1777, 640, 2480, 1190, 2050, 990, 1405, 3320, 760],
            [950, 1400, 1900, 1000, 2600, 1700, 800, 2300, 1300, 2100, 1000, 1500, 2800, 900],
        ),
    ],
)
def test_overdispersion_and_limits_against_funnelplotr(num: list[int], den: list[int]) -> None:
    from csp_analysis.statistics.comparators import overdispersed_limits, overdispersion

    phi, tau2 = _funnelplotr(num, den, "CQC")
    res = overdispersion(num, den)
    assert res["phi"] == pytest.approx(phi, rel=1e-12)
    assert res["tau2"] == pytest.approx(tau2, rel=1e-12, abs=1e-15)
    assert res["overdispersed"] is (tau2 > 0)
    # calculate_limits(), "CQC" branch, multiplier 1, at each unit's expected count E:
    # 1 -/+ z sqrt(s^2 + tau2), s = 1 / (2 sqrt(E)), z = 1.959964 and 3.090232 as written there.
    # FunnelPlotR draws these on the square-root scale (sqrt(O/E)); Spiegelhalter's ratio-scale
    # limits, ours, are their squares (rate 1, per 1, population E: expected count E).
    e = np.asarray(den, dtype=float)
    lim = overdispersed_limits(1.0, e, res["tau2"], per=1)
    for z, suffix in ((1.959964, "95"), (3.090232, "99_8")):
        sd = np.sqrt(1 / (4 * e) + tau2)
        lower, upper = np.maximum(1 - z * sd, 0.0), 1 + z * sd
        assert np.sqrt(lim[f"od_upper_{suffix}"]).to_numpy() == pytest.approx(upper, rel=1e-6)
        assert np.sqrt(lim[f"od_lower_{suffix}"]).to_numpy() == pytest.approx(lower, rel=1e-6)


def test_overdispersed_limits_widen_and_reduce_to_normal_without_tau() -> None:
    from scipy.stats import norm

    from csp_analysis.statistics.comparators import overdispersed_limits

    pops = [1e4, 1e5, 1e6]
    plain = overdispersed_limits(20.0, pops, 0.0)
    wide = overdispersed_limits(20.0, pops, 0.01)
    # tau^2 = 0: (1 +/- z sqrt(1/(4E)))^2 x rate, E = 20 x pop / 1000 (by hand)
    e = np.array(pops) * 20 / 1000
    z = norm.ppf(0.975)
    assert plain["od_upper_95"].to_numpy() == pytest.approx(20 * (1 + z / (2 * np.sqrt(e))) ** 2)
    assert (wide["od_upper_95"] > plain["od_upper_95"]).all()
    assert (wide["od_lower_95"] < plain["od_lower_95"]).all()
    # with tau^2 the limits stop narrowing: at a million residents still about +/- 2 x 0.1 x 2
    assert wide["od_upper_95"].iloc[-1] > 20 * (1 + z * 0.1) ** 2 - 1e-9


def test_peer_verdict_uses_overdispersed_limits(world: Dataset) -> None:
    table, _ = peer_table(world, "A", YEAR)
    crime = table[table["category"] == "All crime"]
    ok = crime["rate_per_1000"].notna()
    rate = crime.loc[ok, "rate_per_1000"].astype(float)
    expect = np.where(
        rate > crime.loc[ok, "od_upper_95"],
        "higher",
        np.where(rate < crime.loc[ok, "od_lower_95"], "lower", "similar"),
    )
    assert list(crime.loc[ok, "comparison_od"]) == list(expect)
    assert (crime.loc[ok, "tau2"] >= 0).all()


def test_funnel_limits_validation() -> None:
    with pytest.raises(ValueError, match="group_rate"):
        funnel_limits(0, [1000])
    with pytest.raises(ValueError, match="populations"):
        funnel_limits(1.0, [1000, -5])


# ---------------------------------------------------------------- nearest neighbours


def test_nearest_neighbours_hand_computed() -> None:
    data = {
        "area": ["P", "Q", "R", "S", "T"],
        "density": [10.0, 12.0, 30.0, 11.0, 50.0],
        "imd": [20.0, 25.0, 21.0, 40.0, 22.0],
    }
    t = pd.DataFrame(data)
    out = nearest_neighbours(t, "p", k=3)
    # z-scores by hand with the sample SD (statistics.stdev), then math.dist.
    z = {}
    for col in ("density", "imd"):
        m, s = statistics.mean(data[col]), statistics.stdev(data[col])
        z[col] = [(v - m) / s for v in data[col]]
    vec = {a: (z["density"][i], z["imd"][i]) for i, a in enumerate(data["area"])}
    dist = {a: math.dist(vec["P"], vec[a]) for a in "QRST"}
    expected = sorted(dist, key=lambda a: (dist[a], a))[:3]
    assert out["area"].tolist() == expected
    assert out["distance"].tolist() == pytest.approx([dist[a] for a in expected], rel=1e-12)
    assert out["rank"].tolist() == [1, 2, 3]
    assert "P" not in set(out["area"])
    assert len(nearest_neighbours(t, "P", k=15)) == 4  # only four other areas


@pytest.mark.parametrize(
    ("frame", "column", "message"),
    [
        (pd.DataFrame({"area": ["A", "B"], "x": ["1", "2"]}), "x", "not numeric"),
        (pd.DataFrame({"area": ["A", "B"], "x": [1.0, None]}), "x", "missing values"),
        (pd.DataFrame({"area": ["A", "B"], "x": [1.0, 1.0]}), "x", "same value"),
        (pd.DataFrame({"name": ["A", "B"], "x": [1.0, 2.0]}), "area", "no area column"),
        (pd.DataFrame({"area": ["A", "A"], "x": [1.0, 2.0]}), "area", "more than once"),
    ],
)
def test_nearest_neighbours_validation(frame: pd.DataFrame, column: str, message: str) -> None:
    with pytest.raises(TableError, match=message) as err:
        nearest_neighbours(frame, "A")
    assert err.value.column == column


def test_nearest_neighbours_unknown_area_and_k() -> None:
    t = pd.DataFrame({"area": ["Alpha", "Beta"], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="Did you mean 'Alpha'"):
        nearest_neighbours(t, "Alpa")
    with pytest.raises(ValueError, match="k"):
        nearest_neighbours(t, "Alpha", k=0)


# ---------------------------------------------------------------- charts


def test_charts(world: Dataset) -> None:
    table, _ = peer_table(world, "A", YEAR)
    fig = plot_peer_rates(table, "All crime", "A", "All crime per 1,000")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "D (no rate)" in labels and "E (no rate)" in labels
    bars = ax.patches
    assert len([b for b in bars if b.get_height() == pytest.approx(0.7)]) == 3
    group = row(table, "A", "All crime")["group_rate"]
    lim = funnel_limits(group, np.linspace(10_000, 100_000, 50))
    fig = plot_funnel(table, lim, "All crime", "A", "Funnel")
    assert isinstance(fig, Figure)


def test_assessment_builds_peers_from_an_indicators_table(tmp_path: Path) -> None:
    """Without peers.csv, an indicators table gives the 15 nearest neighbours as the group."""
    from csp_analysis.assessment import assess

    lines = ["area,force,period,category,count"]
    pops = ["area,year,population"]
    ind = ["area,indicator,value"]
    names = [f"Area{i:02d}" for i in range(20)]
    for i, name in enumerate(names):  # density i: Area00's nearest are Area01 .. Area15
        for fy in ("2023/24", "2024/25"):
            lines.append(f"{name},F,{fy},Burglary,{100 + i}")
        pops.append(f"{name},2024,{50000 + 1000 * i}")
        ind.append(f"{name},density,{i * i}")
    (tmp_path / "counts.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "pop.csv").write_text("\n".join(pops) + "\n")
    (tmp_path / "ind.csv").write_text("\n".join(ind) + "\n")
    a = assess(load(tmp_path), "Area00", "2024/25")
    assert "15 nearest neighbours" in a.section("comparators").notes[0]
    assert set(a.table("comparators")["area"]) == set(names[:16])  # the area and its 15 nearest
