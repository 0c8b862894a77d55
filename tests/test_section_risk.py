"""The risk section: themes and flags weighed, and the candidates a partnership names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_analysis import assess
from csp_analysis.analyses.themes import load_themes
from csp_analysis.model import Dataset, load
from csp_analysis.paths import demo_dir
from csp_analysis.sections import section


def test_police_uk_themes_weighted_by_the_areas_counts(
    demo_dataset: Dataset, demo_assessment
) -> None:
    """A theme of police.uk types: its harm per crime is the count-weighted mean of its types'
    weights, so its total harm equals the sum of theirs (checked on the demo's risk matrix)."""
    risk = demo_assessment.table("risk_matrix").set_index("category")
    lines = load_themes(demo_dataset)[0]
    members = lines.loc[
        (lines["theme"] == "Acquisitive crime") & (lines["field"] == "crime_type"), "value"
    ]
    members = [m for m in members if m in risk.index]
    assert len(members) == 7
    assert risk.loc["Acquisitive crime", "harm_raw"] == pytest.approx(
        risk.loc[members, "harm_raw"].sum()
    )
    change = demo_assessment.table("yoy_categories").set_index("category")
    counts = change.loc[members, "current"].astype(float)
    assert risk.loc["Acquisitive crime", "volume_raw"] == counts.sum()
    basis = risk.loc["Acquisitive crime", "harm_basis"]
    assert basis.startswith("mean of its categories' weights, each weighted by the area's")
    shares = {c: round(100 * counts[c] / counts.sum()) for c in members}
    for c, pct in shares.items():
        assert f"{c} {pct}%" in basis
    # cost: too few of its crimes carry a Heeks figure, so it stays missing, saying why
    assert pd.isna(risk.loc["Acquisitive crime", "cost_raw"])
    assert risk.loc["Acquisitive crime", "cost_basis"].startswith("missing: only ")
    # a flag is not given by offence: no harm or cost, and the basis says so
    for flag in ("Domestic abuse flagged", "Hate crime flagged"):
        assert pd.isna(risk.loc[flag, "harm_raw"])
        assert "flagged crimes are not given by offence" in risk.loc[flag, "harm_basis"]


def _demo_with(tmp_path: Path, name: str, text: str) -> Path:
    """A data folder: the demo (linked) and one file of the partnership's beside it."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "demo").symlink_to(demo_dir(), target_is_directory=True)
    (data / name).write_text(text, encoding="utf-8")
    return data


def test_named_candidates_are_the_only_ones_ranked(tmp_path: Path, demo_assessment) -> None:
    text = (
        "candidate\nBurglary\nacquisitive  CRIME\nDomestic abuse flagged\nKnife crime\nburglary\n"
    )
    ds = load(_demo_with(tmp_path, "candidates.csv", text))
    # a name given twice is refused on reading, with its file, line and column
    p = ds.problems[ds.problems["source"] == "candidates.csv"]
    assert p[["line", "column"]].values.tolist() == [[6, "candidate"]]
    assert "named twice (first at line 2)" in p["message"].iloc[0]
    a = assess(ds, "Elderbrook")
    risk = a.table("risk_matrix")
    # matched ignoring case and spacing; every other row of the category table left out
    assert sorted(risk["category"]) == ["Acquisitive crime", "Burglary", "Domestic abuse flagged"]
    full = demo_assessment.table("risk_matrix")
    assert len(full) > len(risk) and set(risk["category"]) < set(full["category"])
    # a name the area's data lack is shown, never dropped in silence
    facts = a.section("risk").facts
    assert facts["candidates_named"] == 4
    assert facts["candidates_unknown"] == (
        "candidates.csv, line 5, column candidate: 'Knife crime' is not a category, theme or "
        f"flag of Elderbrook's data in {a.period.label}.",
    )
    blocks = section("risk").render(a.section("risk"), a)
    shown = " ".join(str(getattr(b, "data", b)) for b in blocks)
    assert "the 4 the partnership named (candidates.csv), 3 of them in this area" in shown
    assert "'Knife crime' is not a category" in shown


def test_candidates_for_another_area_leave_this_ones_list_whole(tmp_path: Path) -> None:
    ds = load(_demo_with(tmp_path, "candidates.csv", "area,candidate\nGreywater,Burglary\n"))
    risk = assess(ds, "Elderbrook").table("risk_matrix")
    assert len(risk) > 3 and "Burglary" in set(risk["category"])
