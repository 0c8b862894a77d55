"""The force's districts side by side, on real data.police.uk files for Essex Police.

Uses ``../shared/data`` (real public data, OGL v3.0); skipped where that folder is absent.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from csp_analysis.analyses.districts import district_change
from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset, load

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
POLICE = SHARED / "police_uk"
CENSUS = SHARED / "population" / "census_lad_2011_2021.csv"
ESSEX_CSPS = [
    "Basildon",
    "Braintree",
    "Brentwood",
    "Castle Point",
    "Chelmsford",
    "Colchester",
    "Epping Forest",
    "Harlow",
    "Maldon",
    "Rochford",
    "Southend-on-Sea",
    "Tendring",
    "Thurrock",
    "Uttlesford",
]

pytestmark = pytest.mark.shared


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data {path} is absent (a fresh clone without ../shared/data)")
    return path


@pytest.fixture(scope="module")
def essex() -> Dataset:
    return load(need(POLICE))


@pytest.fixture(scope="module")
def essex_with_census(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The police files and the census file in one folder, by symbolic links (no copies).

    Each file is linked on its own: folder links are not followed when a folder is read.
    """
    need(POLICE)
    need(CENSUS)
    folder = tmp_path_factory.mktemp("essex_census")
    for src in sorted(POLICE.rglob("*.csv")):
        dest = folder / "police_uk" / src.relative_to(POLICE)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(src)
    (folder / CENSUS.name).symlink_to(CENSUS)
    return load(folder)


def independent_thurrock_counts() -> dict[str, int]:
    """Non-ASB rows in Thurrock LSOAs by month, counted with the csv module only."""
    counts: dict[str, int] = {}
    thurrock = re.compile(r"^Thurrock \d{3}[A-Z]$")
    for path in sorted(POLICE.rglob("*essex-street.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                month = row.get("Month", row.get("month"))
                lsoa = row.get("LSOA name", row.get("lsoa_name")) or ""
                kind = row.get("Crime type", row.get("crime_type"))
                if thurrock.match(lsoa.strip()) and kind != "Anti-social behaviour":
                    counts[month] = counts.get(month, 0) + 1
    return counts


def test_lists_exactly_the_fourteen_essex_csps(essex: Dataset) -> None:
    table = district_change(essex, "Essex Police", "2018/19")
    assert sorted(table["area"]) == ESSEX_CSPS
    assert len(table) == 14


def test_notes_the_incomplete_period(essex: Dataset) -> None:
    table = district_change(essex, "Essex Police", "2018/19")
    # 2018/19 has Apr-Jul 2018 and Oct 2018-Feb 2019; 2017/18 only Jan-Mar 2018: Jan and Feb
    # are the months present in both years.
    assert (table["months_compared"] == 2).all()
    assert table["note"].str.contains("2 months present in both years").all()


def test_ranked_by_percent_change(essex: Dataset) -> None:
    table = district_change(essex, "Essex Police", "2018/19")
    assert table["pct_change"].is_monotonic_decreasing
    assert table["rank"].iloc[0] == 1
    assert table["rate_per_1000"].isna().all()  # no population in this folder: blank, not 0
    assert table["note"].str.contains("no population").all()


def test_thurrock_equals_an_independent_count(essex: Dataset) -> None:
    table = district_change(essex, "Essex Police", "2018/19").set_index("area")
    by_month = independent_thurrock_counts()
    previous = by_month["2018-01"] + by_month["2018-02"]
    current = by_month["2019-01"] + by_month["2019-02"]
    row = table.loc["Thurrock"]
    assert (row["previous"], row["current"]) == (previous, current)
    assert row["change"] == current - previous
    assert row["pct_change"] == round(100 * (current - previous) / previous, 1)


def test_rates_with_census_population(essex_with_census: Dataset) -> None:
    ds = essex_with_census
    table = district_change(ds, "essex police", "2018/19").set_index("area")
    assert sorted(table.index) == ESSEX_CSPS
    assert table["rate_per_1000"].notna().all()
    for area in ESSEX_CSPS:
        pop, _ = ds.population_of(area, 2018)
        row = table.loc[area]
        assert row["population"] == pop
        assert row["rate_per_1000"] == pytest.approx(row["current"] / pop * 1000)
        assert row["ci_lower"] < row["rate_per_1000"] < row["ci_upper"]
        assert "rate over the 2 months compared" in row["note"]
    assert table["rate_rank"].min() == 1


def test_unknown_force_names_the_forces(essex: Dataset) -> None:
    with pytest.raises(UsageError, match="Essex Police"):
        district_change(essex, "Wessex Constabulary", "2018/19")
    # "Police" and "Constabulary" are not part of a force's key (issue 19)
    assert essex.resolve_force("Essex Constabulary") == "Essex Police"


def test_each_area_against_the_rest_of_its_force(demo_dataset: Dataset) -> None:
    # Reference: statsmodels' exact conditional test of two Poisson rates, the area's two
    # years against the rest of the force's as exposures (test_poisson_2indep(method=
    # "exact-cond"), one-sided tails doubled: the central two-sided p-value).
    from statsmodels.stats.rates import test_poisson_2indep

    t = district_change(demo_dataset, "Wessmoor Constabulary", "2025/26")
    ok = t["months_compared"] == 12
    force_prev, force_cur = int(t.loc[ok, "previous"].sum()), int(t.loc[ok, "current"].sum())
    assert t["force_pct_change"].iloc[0] == pytest.approx(
        round(100 * (force_cur - force_prev) / force_prev, 1)
    )
    for r in t[ok].itertuples():
        rest_prev, rest_cur = force_prev - r.previous, force_cur - r.current
        p = min(
            1.0,
            2
            * min(
                test_poisson_2indep(
                    r.current, rest_cur, r.previous, rest_prev, method="exact-cond", alternative=a
                ).pvalue
                for a in ("larger", "smaller")
            ),
        )
        assert r.vs_force.endswith(f"Wessmoor Constabulary ({r.force_pct_change:+.1f}%)")
        assert r.vs_force.startswith("in line with") is bool(p >= 0.05)
