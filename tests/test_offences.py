"""Home Office offences kept by offence (``Dataset.offences``), the ``home_office`` scheme by
offence group, and harm and cost weighted by the area's own offence mix.

Expected values are summed here from the files themselves with the ``csv`` module (or
``openpyxl``), never with the project's readers."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from csp_analysis.analyses import offences as of
from csp_analysis.analyses.change import category_change
from csp_analysis.categories import ALL_CRIME
from csp_analysis.config import load_config, load_harm_weights, load_unit_costs
from csp_analysis.exceptions import DataError
from csp_analysis.model import OFFENCE_COLUMNS, Dataset, load
from csp_analysis.sections.base import Context
from csp_analysis.sections.risk import harm_and_cost
from csp_analysis.statistics import risk_matrix as rm

CALDERDALE = "home_office_prc/calderdale_csp_by_offence_code_2015-16_to_2021-22_wide.csv"
CCHI = "reference/cchi_median_days_by_prc_subgroup.csv"
YEARS = ["2015/16", "2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            r
            for r in csv.DictReader(handle)
            if r["OffenceCode"] != "All codes" and r["Offence Group"] != "Fraud offences"
        ]


@pytest.fixture(scope="module")
def calderdale_path(shared_file: Callable[[str], Path]) -> Path:
    return shared_file(CALDERDALE)


@pytest.fixture(scope="module")
def calderdale(calderdale_path: Path) -> Dataset:
    return load(calderdale_path)


# ---------------------------------------------------------------- 1. offence-level detail
@pytest.mark.shared
def test_calderdale_offences_sum_to_the_file_and_to_the_categories(
    calderdale: Dataset, calderdale_path: Path
) -> None:
    rows = _rows(calderdale_path)
    o = calderdale.offences
    assert list(o.columns) == OFFENCE_COLUMNS
    assert str(o["count"].dtype) == "int64"
    assert all(isinstance(o[c].dtype, pd.StringDtype) for c in OFFENCE_COLUMNS if c != "count")
    assert set(o["source"]) == {"home_office"}
    by_year = o.groupby(["area", "period"])["count"].sum()
    counts = calderdale.counts.groupby(["area", "period"])["count"].sum()
    for y in YEARS:
        by_hand = sum(int(r[y]) for r in rows)
        assert int(by_year[("Calderdale", y)]) == by_hand == int(counts[("Calderdale", y)]), y
    # one row per offence and year: 135 offence lines (code 4.1 is two offences) x 7 years
    assert len(o) == len(rows) * len(YEARS) == 135 * 7
    # every value is the file's own cell, under harmonised labels
    rape = o[(o["offence_code"] == "19C") & (o["period"] == "2021/22")].iloc[0]
    cell = next(r for r in rows if r["OffenceCode"] == "19C")
    assert int(rape["count"]) == int(cell["2021/22"])
    assert rape["offence_subgroup"] == "Rape"  # published "Rape offences"
    assert rape["offence_group"] == "Sexual offences"
    misc = set(o.loc[o["offence_code"] == "99", "offence_group"])
    assert misc <= {"Miscellaneous crimes against society"}  # published "Miscellaneous crimes"


#: A published long table by hand (year, quarter, force, CSP, description, group, subgroup,
#: code, count), labels drifting between releases as they do, with fraud and an adjustment.
HEADER = [
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "CSP Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Number of Offences",
]
LONG = [
    ["2022/23", 1, "Essex", "Thurrock", "Rape of a female aged 16 and over", "Sexual offences",
     "Rape offences", "19C", 11],
    ["2022/23", 1, "Essex", "Thurrock", "Stalking", "Violence against the person",
     "Stalking and harassment", "8Q", 40],
    ["2022/23", 2, "Essex", "Thurrock", "Theft from vehicle", "Theft offences",
     "Vehicle offences", "45", 30],
    ["2022/23", 2, "Essex", "Thurrock", "Robbery of personal property", "Robbery",
     "Robbery of personal property", "34B", -1],
    ["2022/23", 3, "Essex", "Thurrock", "Fraud offences recorded by Action Fraud",
     "Fraud offences", "Fraud", "53A", 300],
    ["2023/24", 1, "Essex", "Thurrock", "Rape of a female aged 16 and over", "Sexual offences",
     "Rape", "19C", 9],
    ["2023/24", 1, "Essex", "Thurrock", "Other notifiable offences", "Miscellaneous crimes",
     "Miscellaneous crimes", "99", 7],
]  # fmt: skip


def _long_sums(rows: list[list]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        if r[5] != "Fraud offences":
            out[(str(r[3]), f"{r[0]} Q{r[1]}")] += int(r[8])
    return dict(out)


def test_long_table_offences_from_csv_and_workbook(tmp_path: Path) -> None:
    (tmp_path / "csv").mkdir()
    (tmp_path / "xlsx").mkdir()
    with (tmp_path / "csv" / "prc.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *LONG])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2022-23 and 2023-24"
    sheet.append(["Police recorded crime by CSP"])
    sheet.append([])
    sheet.append(HEADER)
    for r in LONG:
        sheet.append(r)
    book.save(tmp_path / "xlsx" / "historic.xlsx")
    # the workbook summed independently, with openpyxl
    cells = list(openpyxl.load_workbook(tmp_path / "xlsx" / "historic.xlsx").active.values)
    by_hand = _long_sums([list(r) for r in cells[3:]])
    assert by_hand == _long_sums(LONG)
    for folder in ("csv", "xlsx"):
        ds = load(tmp_path / folder)
        o = ds.offences
        got = o.groupby(["area", "period"])["count"].sum()
        assert {k: int(v) for k, v in got.items()} == by_hand, folder
        cats = ds.counts.groupby(["area", "period"])["count"].sum()
        assert {k: int(v) for k, v in cats.items()} == by_hand, folder
        assert "Fraud offences" not in set(o["offence_group"])
        assert set(o["offence_subgroup"]) == {
            "Rape",
            "Stalking and harassment",
            "Vehicle offences",
            "Robbery of personal property",
            "Miscellaneous crimes against society",
        }
        assert int(o.loc[o["offence_code"] == "34B", "count"].sum()) == -1  # the adjustment


def test_offences_survive_the_cache_and_saving(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with (tmp_path / "data" / "prc.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *LONG])
    first = load(tmp_path / "data")  # read and stored in the (test's private) cache
    again = load(tmp_path / "data")  # the cached dataset
    uncached = load(tmp_path / "data", cache=False)
    saved = load(first.save(tmp_path / "saved"))
    for ds in (again, uncached, saved):
        pd.testing.assert_frame_equal(ds.offences, first.offences)
    assert len(first.offences) == 6


def test_copied_table_offences_counted_once(tmp_path: Path) -> None:
    for name in ("a.csv", "b.csv"):
        with (tmp_path / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([HEADER, *LONG])
    ds = load(tmp_path)
    assert int(ds.offences["count"].sum()) == sum(_long_sums(LONG).values())
    assert int(ds.offences["count"].sum()) == int(ds.counts["count"].sum())


def test_police_uk_only_data_have_empty_offences(demo_dataset: Dataset, tmp_path: Path) -> None:
    o = demo_dataset.offences
    assert len(o) == 0 and list(o.columns) == OFFENCE_COLUMNS
    assert str(o["count"].dtype) == "int64"
    saved = load(demo_dataset.save(tmp_path / "saved"))
    assert len(saved.offences) == 0 and list(saved.offences.columns) == OFFENCE_COLUMNS


# ---------------------------------------------------------------- 2. the home_office scheme
@pytest.mark.shared
def test_home_office_scheme_groups_of_a_real_csp(
    calderdale: Dataset, calderdale_path: Path
) -> None:
    rows = _rows(calderdale_path)
    for y in ("2015/16", "2021/22"):
        table = of.offence_group_counts(calderdale, "Calderdale", y)
        assert set(table["scheme"]) == {"home_office"}
        assert table["category"].tolist() == [
            "Violence against the person",
            "Sexual offences",  # on its own row, not inside violence
            "Robbery",
            "Theft offences",
            "Criminal damage and arson",
            "Drug offences",
            "Possession of weapons offences",
            "Public order offences",
            "Miscellaneous crimes against society",
        ]
        by_hand: dict[str, int] = defaultdict(int)
        for r in rows:
            group = r["Offence Group"].replace(
                "Miscellaneous crimes", "Miscellaneous crimes against society"
            )
            by_hand[group] += int(r[y])
        assert dict(zip(table["category"], table["count"].astype(int), strict=True)) == by_hand
        assert (table["months"] == 12).all()
        # All crime is unchanged: the groups add up to the police.uk-type categories' total
        change = category_change(calderdale, "Calderdale", y)
        all_crime = int(change.loc[change["category"] == ALL_CRIME, "current"].iloc[0])
        assert int(table["count"].sum()) == all_crime == sum(int(r[y]) for r in rows)


@pytest.mark.shared
def test_group_counts_in_the_shape_of_area_counts(calderdale: Dataset) -> None:
    counts = of.group_counts(calderdale, "Calderdale")
    assert list(counts.columns) == ["period", "category", "kind", "count", "source", "scheme"]
    assert set(counts["period"]) == set(YEARS)
    police = calderdale.area_counts("Calderdale").groupby("period")["count"].sum()
    assert counts.groupby("period")["count"].sum().to_dict() == police.to_dict()


@pytest.mark.shared
def test_deep_dive_subgroups_and_codes(calderdale: Dataset, calderdale_path: Path) -> None:
    rows = _rows(calderdale_path)
    sub = of.subgroup_counts(calderdale, "Calderdale", "2021/22", "sexual offences")
    by_hand = {
        "Rape": sum(int(r["2021/22"]) for r in rows if r["Offence Subgroup"] == "Rape offences"),
        "Other sexual offences": sum(
            int(r["2021/22"]) for r in rows if r["Offence Subgroup"] == "Other sexual offences"
        ),
    }
    assert dict(zip(sub["offence_subgroup"], sub["count"].astype(int), strict=True)) == by_hand
    assert float(sub["share"].sum()) == pytest.approx(100.0)
    codes = of.code_counts(calderdale, "Calderdale", "2021/22", subgroup="Rape")
    assert int(codes["count"].sum()) == by_hand["Rape"]
    assert codes["count"].is_monotonic_decreasing


def test_a_partial_period_says_so(tmp_path: Path) -> None:
    with (tmp_path / "prc.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *LONG])
    ds = load(tmp_path)
    table = of.offence_group_counts(ds, "Thurrock", "2023/24")  # one quarter of the year
    assert (table["months"] == 3).all() and (table["months_in_period"] == 12).all()


# ---------------------------------------------------------------- 3. harm and cost
def test_mix_weights_pinned_by_hand() -> None:
    offences = pd.DataFrame(
        {
            "offence_code": ["19C", "8Q", "45", "48", "126", "34B"],
            "offence_subgroup": [
                "Rape",
                "Stalking and harassment",
                "Vehicle offences",
                "Vehicle offences",
                "Vehicle offences",
                "Robbery of personal property",
            ],
            "count": [3, 7, 10, 5, 5, -2],
        }
    )
    groups = {
        "VAWG": np.array([True, True, False, False, False, False]),
        "Vehicle crime": np.array([False, False, True, True, True, False]),
        "Robbery": np.array([False] * 5 + [True]),
    }
    w = of.mix_weights(offences, groups).set_index("category")
    # harm: CCHI days rape 2,555, stalking and harassment 10, vehicle offences 5
    assert w.loc["VAWG", "harm_days"] == pytest.approx((3 * 2555 + 7 * 10) / 10)
    assert w.loc["VAWG", "harm_coverage"] == 1.0
    # cost: rape £39,360; stalking has no unit cost (missing, not 0): over the rape only
    assert w.loc["VAWG", "cost_gbp"] == pytest.approx(39360)
    assert w.loc["VAWG", "cost_coverage"] == pytest.approx(3 / 10)
    # vehicles: code 45 £870, code 48 £10,290, code 126 none
    assert w.loc["Vehicle crime", "cost_gbp"] == pytest.approx((10 * 870 + 5 * 10290) / 15)
    assert w.loc["Vehicle crime", "cost_coverage"] == pytest.approx(15 / 20)
    assert w.loc["Vehicle crime", "harm_days"] == pytest.approx(5.0)
    # a net negative count (adjustments) weighs nothing: no crimes, no figure
    assert w.loc["Robbery", "crimes"] == 0
    assert np.isnan(w.loc["Robbery", "harm_days"]) and np.isnan(w.loc["Robbery", "cost_gbp"])
    assert "Cambridge Crime Harm Index" in w.loc["VAWG", "harm_basis"]
    assert "Heeks et al. 2018" in w.loc["VAWG", "cost_basis"]


@pytest.mark.shared
def test_harm_table_equals_the_shared_cchi_table(shared_file: Callable[[str], Path]) -> None:
    with shared_file(CCHI).open(encoding="utf-8") as fh:
        shared = {r["prc_subgroup"]: float(r["cchi_days"]) for r in csv.DictReader(fh)}
    harm = of.offence_harm().set_index("offence_subgroup")
    renamed = {
        "Rape offences": "Rape",
        "Other theft offences": "All other theft offences",
        "Death or serious injury - unlawful driving": (
            "Death or serious injury caused by illegal driving"
        ),
    }
    derived = harm[harm["basis"] == "as derived"]
    assert {renamed.get(k, k): v for k, v in shared.items()} == derived["cchi_days"].to_dict()
    assert harm["source"].str.len().gt(0).all()


def test_cost_table_values_have_sources_and_missing_is_never_zero() -> None:
    costs = of.offence_costs()
    assert (costs["source"] != "").all()
    given = costs[costs["unit_cost_gbp"].notna()]
    assert (given["unit_cost_gbp"] > 0).all()
    assert (given["price_year"] == "2015/16").all() and given["source"].str.contains("Heeks").all()
    by_value = given.set_index("value")["unit_cost_gbp"].to_dict()
    # the figures of the domain brief (Heeks et al. 2018, 2015/16 prices)
    assert by_value == {
        "Homicide": 3_200_000,
        "Violence with injury": 14_050,
        "Rape": 39_360,
        "Other sexual offences": 6_520,
        "Robbery of personal property": 11_320,
        "48": 10_290,
        "45": 870,
        "Theft from a vehicle": 870,
        "Arson": 8_420,
        "Criminal damage": 1_350,
    }


def test_bad_reference_value_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / of.HARM_FILE).write_text(
        "offence_subgroup,cchi_days,basis,source\nRape,2555,as derived,x\nShoplifting,,x,x\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        of.offence_harm(tmp_path)
    assert (err.value.line, err.value.column) == (3, "cchi_days")


@pytest.mark.shared
def test_calderdale_weights_from_its_own_offence_mix(
    calderdale: Dataset, calderdale_path: Path
) -> None:
    rows = _rows(calderdale_path)
    y = "2021/22"

    def total(pred: Callable[[dict[str, str]], bool]) -> int:
        return sum(int(r[y]) for r in rows if pred(r))

    w = of.category_mix_weights(
        calderdale, "Calderdale", y, ["Sexual offences", "Vehicle crime", "Burglary"]
    ).set_index("category")
    rape = total(lambda r: r["Offence Subgroup"] == "Rape offences")
    other = total(lambda r: r["Offence Subgroup"] == "Other sexual offences")
    assert w.loc["Sexual offences", "harm_days"] == pytest.approx(
        (rape * 2555 + other * 182.25) / (rape + other)
    )
    assert w.loc["Sexual offences", "cost_gbp"] == pytest.approx(
        (rape * 39360 + other * 6520) / (rape + other)
    )
    from_vehicle = total(lambda r: r["OffenceCode"] == "45")
    of_vehicle = total(lambda r: r["OffenceCode"] == "48")
    vehicles = total(
        lambda r: (
            r["Offence Subgroup"]
            in ("Theft from a vehicle", "Theft of a motor vehicle", "Vehicle interference")
        )
    )
    assert w.loc["Vehicle crime", "crimes"] == vehicles
    assert w.loc["Vehicle crime", "cost_gbp"] == pytest.approx(
        (from_vehicle * 870 + of_vehicle * 10290) / (from_vehicle + of_vehicle)
    )
    assert w.loc["Vehicle crime", "cost_coverage"] == pytest.approx(
        (from_vehicle + of_vehicle) / vehicles
    )
    dom = total(lambda r: r["Offence Subgroup"] == "Domestic burglary")
    non = total(lambda r: r["Offence Subgroup"] == "Non-domestic burglary")
    assert w.loc["Burglary", "harm_days"] == pytest.approx(
        (dom * 273.5 + non * 183.5) / (dom + non)
    )
    assert np.isnan(w.loc["Burglary", "cost_gbp"]) and w.loc["Burglary", "cost_coverage"] == 0


# ---------------------------------------------------------------- the risk matrix's factors
def _context(ds: Dataset, area: str, period: str) -> Context:
    return Context(dataset=ds, area=area, period=period, force=None, alpha=0.05, suppress_below=5)


def test_police_uk_only_data_keep_the_reference_weights(demo_dataset: Dataset) -> None:
    change = category_change(demo_dataset, "Elderbrook", "2024/25")
    harm, costs, basis = harm_and_cost(
        _context(demo_dataset, "Elderbrook", "2024/25"), change, load_config()
    )
    # the reference category weights (geometric mean of each category's subgroups)
    for got, table in ((harm, load_harm_weights()), (costs, load_unit_costs())):
        want = rm.category_weights(table).set_index("category")["weight"]
        got = got.set_index("category")["weight"]
        pd.testing.assert_series_equal(got.loc[want.index], want, check_names=False)
    assert basis["harm"]["Burglary"].startswith("geometric mean of the Cambridge Crime Harm")
    assert "not weighted by the area's offences" in basis["cost"]["Robbery"]


@pytest.mark.shared
def test_risk_factors_weighted_by_the_areas_offences(
    calderdale: Dataset, calderdale_path: Path
) -> None:
    rows = _rows(calderdale_path)
    y = "2021/22"
    change = category_change(calderdale, "Calderdale", y)
    config = load_config()
    harm, costs, basis = harm_and_cost(_context(calderdale, "Calderdale", y), change, config)
    harm_w = dict(zip(harm["category"], harm["weight"], strict=True))
    cost_w = dict(zip(costs["category"], costs["weight"], strict=True))
    cchi = {
        "Homicide": 5475,
        "Death or serious injury - unlawful driving": 365,
        "Violence with injury": 365,
        "Violence without injury": 10,
        "Stalking and harassment": 10,
        "Rape offences": 2555,
        "Other sexual offences": 182.25,
    }
    vso = [r for r in rows if r["Offence Subgroup"] in cchi]
    n = sum(int(r[y]) for r in vso)
    assert harm_w["Violence and sexual offences"] == pytest.approx(
        sum(int(r[y]) * cchi[r["Offence Subgroup"]] for r in vso) / n
    )
    assert "count-weighted mean over the area's" in basis["harm"]["Violence and sexual offences"]
    # cost: under half of its crimes carry a Heeks figure (violence without injury, stalking
    # and harassment have none here), so the reference category weight stays, and says why
    reference = rm.category_weights(load_unit_costs()).set_index("category")["weight"]
    assert cost_w["Violence and sexual offences"] == pytest.approx(
        reference["Violence and sexual offences"]
    )
    assert "of its crimes have a figure" in basis["cost"]["Violence and sexual offences"]
    risk = rm.score_risk(change, config, harm=harm, costs=costs).set_index("category")
    current = int(change.set_index("category").loc["Burglary", "current"])
    dom = sum(int(r[y]) for r in rows if r["Offence Subgroup"] == "Domestic burglary")
    non = sum(int(r[y]) for r in rows if r["Offence Subgroup"] == "Non-domestic burglary")
    assert current == dom + non
    assert risk.loc["Burglary", "harm_raw"] == pytest.approx(dom * 273.5 + non * 183.5)
    assert np.isnan(risk.loc["Burglary", "cost_raw"])  # no verified burglary cost: missing


@pytest.mark.shared
def test_theme_weights_from_offence_lines(calderdale: Dataset, calderdale_path: Path) -> None:
    rows = _rows(calderdale_path)
    y = "2021/22"
    themes = pd.DataFrame(
        {
            "theme": ["VAWG", "VAWG", "VAWG", "Hate crime", "Hate crime"],
            "field": ["offence_group", "offence_subgroup", "flag", "offence_code", "offence_code"],
            "value": ["Sexual offences", "stalking and harassment", "Domestic abuse", "8M", "8P"],
        }
    )
    w = of.category_mix_weights(
        calderdale, "Calderdale", y, ["VAWG", "Hate crime"], themes
    ).set_index("category")
    harm = {"Rape offences": 2555, "Other sexual offences": 182.25, "Stalking and harassment": 10}
    vawg = [r for r in rows if r["Offence Subgroup"] in harm]
    n = sum(int(r[y]) for r in vawg)
    assert w.loc["VAWG", "crimes"] == n
    assert w.loc["VAWG", "harm_days"] == pytest.approx(
        sum(int(r[y]) * harm[r["Offence Subgroup"]] for r in vawg) / n
    )
    hate = {"8M": 10, "8P": 365}  # stalking and harassment; violence with injury
    cells = {r["OffenceCode"]: int(r[y]) for r in rows if r["OffenceCode"] in hate}
    assert w.loc["Hate crime", "harm_days"] == pytest.approx(
        sum(cells[c] * hate[c] for c in cells) / sum(cells.values())
    )
