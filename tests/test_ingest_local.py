"""The partnership's own tables checked as read, and the registry of layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_analysis.ingest import LAYOUTS
from csp_analysis.ingest.detect import detect_layout
from csp_analysis.ingest.local import status_problem
from csp_analysis.ingest.registry import layout_named, recognise
from csp_analysis.model import load
from csp_analysis.statistics.plan import parse_status
from csp_analysis.statistics.survey import validate_survey


@pytest.mark.parametrize(
    "status",
    [
        "Red",
        " amber ",
        "GREEN",
        "Complete",
        "completed",
        "done",
        "0%",
        "75",
        "99.5 %",
        "100%",
        "100.5%",
        "120%",
        "On hold",
        "",
        "nan",
        "-5%",
        "Amber/Green",
    ],
)
def test_plan_status_rule_agrees_with_statistics(status: str) -> None:
    """ingest cannot import statistics (a higher layer): its copy of the status rule must
    accept exactly what statistics.plan.parse_status accepts."""
    try:
        parse_status(status)
        accepted = True
    except ValueError:
        accepted = False
    assert (status_problem(status) is None) == accepted


def test_survey_count_above_respondents_is_rejected_when_read(tmp_path: Path) -> None:
    """The example of issue 12: 250 answers out of 100 respondents used to pass validation."""
    (tmp_path / "survey.csv").write_text(
        "concern,respondents,count\nBurglary,100,250\nDrugs,100,30\n"
    )
    ds = load(tmp_path, cache=False)
    f = ds.files.set_index("source").loc["survey.csv"]
    assert (f["layout"], f["rows_read"], f["rows_used"], f["rows_rejected"]) == ("survey", 2, 1, 1)
    rejected = ds.rejected.to_dict("records")
    assert len(rejected) == 1
    assert (rejected[0]["line"], rejected[0]["column"]) == (2, "count")
    assert "250 is more than the 100 respondents" in rejected[0]["reason"]
    survey = ds.tables["survey"]
    assert survey["concern"].tolist() == ["Drugs"] and survey["line"].tolist() == [3]
    validate_survey(survey.drop(columns=["source", "line"]))  # what is kept is valid


def test_a_table_with_every_row_rejected_keeps_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "risk_scores.csv").write_text("category,factor,score\nBurglary,Harm,0\n")
    ds = load(tmp_path, cache=False)
    assert len(ds.tables["risk_scores"]) == 0
    assert ds.rejected["reason"].str.contains("not a number from 1 to 5").all()


def test_ons_ward_lookup_names_columns_as_written(tmp_path: Path) -> None:
    (tmp_path / "wards.csv").write_text(
        "LSOA21CD,LSOA21NM,WD24CD,WD24NM\n"
        "E01000001,Ashvale 001A,E05000001,Ash\n"
        "E01000002,Ashvale 001B,E05000002,\n"
    )
    ds = load(tmp_path, cache=False)
    assert ds.tables["ward_lookup"]["ward"].tolist() == ["Ash"]
    assert ds.rejected[["line", "column"]].values.tolist() == [[3, "WD24NM"]]


def test_registry_names_are_unique_and_tried_in_order() -> None:
    names = [layout.name for layout in LAYOUTS]
    assert len(names) == len(set(names))
    # A survey has a count column; tidy counts have area, period, category, count: the
    # survey entry comes first, so a survey with those columns too is still a survey.
    assert (
        detect_layout(["area", "period", "category", "count", "concern", "respondents"]) == "survey"
    )
    assert (
        recognise(
            ["CSP Name", "Offence Code", "Financial Year", "Number of Offences", "2019/20"]
        ).name
        == "home_office_long"
    )
    assert recognise(["no", "such", "header"]) is None
    assert layout_named("police_uk").source == "police_uk"
    with pytest.raises(KeyError):
        layout_named("nope")
