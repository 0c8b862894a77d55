"""The synthetic demo inputs for choosing priorities: deterministic, valid, labelled synthetic."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_analysis import config as rmc
from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.findings_priorities import priority_findings
from csp_analysis.analyses.partnership import read_plan, read_risk_scores, read_survey
from csp_analysis.analyses.themes import theme_counts
from csp_analysis.categories import load_category_map
from csp_analysis.defaults import DEMO_AREA
from csp_analysis.model import Dataset
from csp_analysis.statistics import risk_matrix as rm
from tools.demo.priorities import write_demo_priorities


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("priorities")
    write_demo_priorities(out)
    return out


def test_deterministic_byte_for_byte(tmp_path: Path) -> None:
    a = write_demo_priorities(tmp_path / "a")
    b = write_demo_priorities(tmp_path / "b")
    assert [p.name for p in a] == ["plan.csv", "risk_scores.csv", "survey.csv"]
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [p.name for p in a]
    again = write_demo_priorities(tmp_path / "a")  # overwriting gives the same bytes
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in b]


def test_every_row_labelled_synthetic_for_the_demo_area(demo: Path) -> None:
    for name in ("survey.csv", "plan.csv", "risk_scores.csv"):
        df = pd.read_csv(demo / name, dtype="string")
        assert df["note"].str.contains("Synthetic", case=False).all(), name
        assert df["note"].str.contains(DEMO_AREA).all(), name


def test_survey_two_periods_about_1100_respondents(demo: Path) -> None:
    raw = pd.read_csv(demo / "survey.csv")
    assert sorted(raw["period"].astype(str).unique()) == ["2024", "2025"]
    assert raw["respondents"].between(1000, 1200).all()
    expected = {
        "People using or dealing drugs",
        "Anti-social behaviour",
        "Speeding traffic",
        "Burglary",
        "Shoplifting",
        "Violence",
        "Knife crime",
    }
    assert set(raw["concern"]) == expected
    concern = read_survey(demo / "survey.csv")
    top = concern.iloc[0]
    assert top["concern"] == "People using or dealing drugs" and round(top["pct"], 1) == 78.1
    assert len(concern) == 7 and concern["previous_pct"].notna().all()


def test_plan_four_priorities_three_activities_mixed_statuses(demo: Path) -> None:
    raw = pd.read_csv(demo / "plan.csv", dtype="string")
    assert raw.groupby("priority").size().tolist() == [3, 3, 3, 3]
    assert raw["status"].str.endswith("%").any()
    assert raw["status"].isin(["Red", "Amber", "Green", "Complete"]).any()
    progress = read_plan(demo / "plan.csv")
    assert len(progress) == 4 and progress["activities"].sum() == 12
    assert progress[["red", "amber", "green", "complete"]].sum().gt(0).all()


def test_risk_scores_cover_every_category_for_both_factors(demo: Path) -> None:
    scores = read_risk_scores(demo / "risk_scores.csv")
    cmap = load_category_map()
    cats = set(cmap.of_kind("crime")) | set(cmap.of_kind("asb"))
    # issue 13: the demo's flags and the acquisitive crime theme are candidates too
    cats |= {"Domestic abuse flagged", "Hate crime flagged", "Acquisitive crime"}
    for factor in ("vulnerability", "partnership_capacity"):
        assert set(scores.loc[scores["factor"] == factor, "category"]) == cats
    assert scores["score"].between(1, 5).all()


def test_end_to_end_on_the_demo_data(demo: Path, demo_dataset: Dataset) -> None:
    ds = demo_dataset
    themes = theme_counts(ds, DEMO_AREA)  # issue 13: themes are candidates beside categories
    change = category_change(ds, DEMO_AREA, ds.financial_years(DEMO_AREA)[-1], extra=themes.counts)
    concern = read_survey(demo / "survey.csv")
    config = rmc.load_config()
    risk = rm.score_risk(
        change,
        config,
        harm=rmc.load_harm_weights(),
        costs=rmc.load_unit_costs(),
        concern=concern,
        manual=read_risk_scores(demo / "risk_scores.csv"),
    )
    assert risk.attrs["unmapped_concerns"] == []  # every demo concern is in concern_map
    assert risk["rank"].notna().sum() >= 5
    assert risk["vulnerability_score"].notna().all()
    # the demo's flags and its acquisitive crime theme are ranked beside the categories
    ranked = set(risk.loc[risk["rank"].notna(), "category"])
    assert {"Domestic abuse flagged", "Hate crime flagged", "Acquisitive crime"} <= ranked
    sens = rm.sensitivity(risk, config, draws=200)
    lines = priority_findings(risk, concern, read_plan(demo / "plan.csv"), sensitivity=sens)
    assert lines[0].startswith("Residents ranked people using or dealing drugs highest (78.1%)")
    assert any(s.startswith("The recommended priorities are: ") for s in lines)
    assert any(s.startswith("Of the 12 activities in last year's plan") for s in lines)
