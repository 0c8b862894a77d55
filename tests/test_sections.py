"""The section registry: one module per section, found without a central list; build computes,
render formats; a section that cannot run says why; a programming error is never report text."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import csp_analysis.sections as sections_pkg
from csp_analysis.assessment import Assessment, assess
from csp_analysis.model import Dataset, load
from csp_analysis.sections import registry, section

EXPECTED = [
    "coverage",
    "reconciliation",
    "change",
    "monthly",
    "trends",
    "spc",
    "seasonality",
    "comparators",
    "districts",
    "hotspots",
    "outcomes",
    "survey",
    "plan",
    "risk",
    "story",
    "priorities",
    "partners",
    "quality",
]


def test_registry_lists_every_section_module_in_report_order() -> None:
    assert [s.name for s in registry()] == EXPECTED
    modules = {p.stem for p in Path(sections_pkg.__file__).parent.glob("*.py")}
    assert modules - {"__init__", "base", "format"} == set(EXPECTED)


def test_every_table_of_the_demo_belongs_to_exactly_one_section(
    demo_assessment: Assessment,
) -> None:
    names = [t for r in demo_assessment.results.values() for t in r.tables]
    assert len(names) == len(set(names))
    assert list(demo_assessment.tables()) == names
    # the demo has every input but an official table (its police.uk data are synthetic)
    assert list(demo_assessment.gaps) == ["reconciliation"]


def test_a_new_section_is_one_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a section needs only its module: the registry finds it, assess() builds it, its
    tables are published and its findings join the key findings."""
    pkg = tmp_path / "extra"
    pkg.mkdir()
    (pkg / "crime_share.py").write_text(
        textwrap.dedent("""
        import pandas as pd
        from csp_analysis.sections.base import Section, SectionResult
        from csp_analysis.sections.format import md

        def build(ctx):
            yoy = ctx.earlier("change").table("yoy_categories")
            n = int(yoy.loc[yoy["category"] == "All crime", "current"].iloc[0])
            return SectionResult(name="crime_share", findings=(f"{n:,} crimes.",),
                                 tables={"crime_share": pd.DataFrame({"crimes": [n]})})

        def render(result, a):
            return [md(result.findings[0])]

        SECTION = Section(name="crime_share", order=25, title="Share", build=build,
                          render=render)
    """)
    )
    monkeypatch.setattr(sections_pkg, "__path__", [*sections_pkg.__path__, str(pkg)])
    monkeypatch.setitem(sys.modules, "csp_analysis.sections.crime_share", None)
    del sys.modules["csp_analysis.sections.crime_share"]
    registry.cache_clear()
    try:
        a = assess()
        names = [s.name for s in registry()]
        assert names.index("crime_share") == names.index("change") + 1
        yoy = a.table("yoy_categories")
        n = int(yoy.loc[yoy["category"] == "All crime", "current"].iloc[0])
        assert a.table("crime_share")["crimes"].tolist() == [n]
        assert f"{n:,} crimes." in a.findings
        shown = section("crime_share").render(a.section("crime_share"), a)
        assert shown[0].data == f"{n:,} crimes."
    finally:
        registry.cache_clear()
        sys.modules.pop("csp_analysis.sections.crime_share", None)


def test_a_programming_error_in_a_section_is_not_report_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import csp_analysis.sections.plan as plan_section

    def broken(table):
        raise ValueError("a bug")

    monkeypatch.setattr(plan_section, "plan_progress", broken)
    with pytest.raises(ValueError, match="a bug"):
        assess()


def test_missing_inputs_become_plain_gaps_naming_the_file(tmp_path: Path) -> None:
    """Only police.uk files: the survey and plan sections say which file would fill them, in
    plain words (no paths, no code)."""
    from csp_analysis.paths import demo_dir

    (tmp_path / "police_uk").symlink_to(demo_dir() / "police_uk", target_is_directory=True)
    a = assess(load(tmp_path), "Elderbrook", "2025/26")
    gaps = a.gaps
    assert {"survey", "plan"} <= set(gaps)
    assert "survey.csv" in gaps["survey"] and "plan.csv" in gaps["plan"]
    for text in gaps.values():
        assert "/" not in text.replace("data.police.uk", "") and "`" not in text, text
    assert a.table("public_concern").empty and isinstance(a.table("nothing"), pd.DataFrame)


def test_renderers_compute_nothing() -> None:
    """The display layer and the renderers import no statistics and read no dataset."""
    import ast

    root = Path(sections_pkg.__file__).parents[1]
    for path in [root / "report" / "display.py", root / "sections" / "format.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {m for m in imported if m and m.startswith("csp_analysis.statistics")}, path
        assert "dataset" not in path.read_text(encoding="utf-8").replace("datasets", ""), path


# ---------------------------------------------------------------- no contradicting statements


def test_demo_findings_never_contradict_each_other(demo_assessment: Assessment) -> None:
    """The demo's key findings, chart titles and verdicts tell one story (issue 15): a change is
    called significant only when it survives the false discovery rate, no category is both a
    significant rise and a significant decreasing trend (or the reverse), no control-chart title
    calls months unusual where the year is within normal variation without saying so, survey
    changes are named only when their interval leaves out 0, and the risk matrix's trend words
    follow the change test."""
    from csp_analysis.sections.spc import _title

    a = demo_assessment
    findings = a.findings
    yoy = a.results["change"].table("yoy_categories").set_index("category")
    sig = yoy["significant_fdr"].fillna(False).astype(bool)
    # 1. a category named as a change beyond normal variation survives the FDR
    listed = [f for f in findings if f.startswith("Changes beyond normal year-to-year")]
    for cat in yoy.index:
        named = any(f"{cat.lower()} (" in f for f in listed)
        assert not named or sig[cat], f"{cat} named as a significant change but q >= alpha"
    for f in findings:
        if "statistically significant" in f:
            subject = "Anti-social behaviour" if f.startswith("Anti-social") else "All crime"
            assert sig[subject], f
    # 2. no significant rise with a significant decreasing trend, nor the reverse
    trends = a.results["trends"].table("trends").set_index("category")
    for cat in yoy.index[sig]:
        way = "increasing" if yoy.at[cat, "change"] > 0 else "decreasing"
        opposite = "decreasing" if way == "increasing" else "increasing"
        assert not any(
            f.startswith(f"{cat} shows a significant {opposite} trend") for f in findings
        ), cat
    for cat in trends.index:
        for prefix in ("", "seasonal_"):
            d = trends.at[cat, f"{prefix}direction"]
            if d in ("increasing", "decreasing") and any(
                f.startswith(f"{cat} shows a significant {d} trend") for f in findings
            ):
                assert bool(trends.at[cat, f"{prefix}significant_fdr"]), cat
    # 3. control-chart titles agree with the change test
    spc = a.results["spc"].table("spc_signals")
    year = set(m for m in spc["month"] if str(m) >= a.year[:4] + "-04")
    change = a.results["change"].table("yoy_categories")
    for cat in pd.unique(spc["category"]):
        rows = spc[(spc["category"] == cat) & spc["month"].isin(year)]
        unusual = int((rows["signal"].fillna("") != "").sum())
        title = _title(str(cat), unusual, a.year, change)
        if unusual and cat in yoy.index and not sig[cat]:
            assert "within normal variation" in title, title
        assert "unusual months" not in title, title
    # 4. survey changes: named only when the Newcombe interval leaves out 0
    concern = a.results["survey"].table("public_concern")
    for r in concern.itertuples():
        named = any(f.startswith(f"Concern about {str(r.concern)[0].lower()}") for f in findings)
        if named and any(str(r.concern)[1:] in f for f in findings if f.startswith("Concern")):
            assert bool(r.change_significant), r.concern
    # 5. risk matrix: "significant rise" / "rising" only where the change test agrees
    risk = a.results["risk"].table("risk_matrix").set_index("category")
    for cat in risk.index:
        label = risk.at[cat, "trend_raw"]
        if label in ("significant rise", "significant fall") and cat in yoy.index:
            assert sig[cat], cat
        if label in ("rise", "fall") and cat in yoy.index:
            assert pd.isna(yoy.at[cat, "significant_fdr"]), cat
    # 6. peer verdicts: "similar" means inside the over-dispersed limits
    peers = a.results["comparators"].table("comparators")
    own = peers[(peers["area"] == a.area) & peers["comparison_od"].notna()]
    for r in own.itertuples():
        inside = r.od_lower_95 <= r.rate_per_1000 <= r.od_upper_95
        assert (r.comparison_od == "similar") is inside, r.category
    # 7. each category's one sentence (issue 16) agrees with its control-chart title, the
    # change findings and the trend findings, and the ranked findings are the same sentences
    summary = a.results["story"].table("category_summary")
    for r in summary.itertuples():
        rows = spc[(spc["category"] == r.category) & spc["month"].isin(year)]
        unusual = int((rows["signal"].fillna("") != "").sum())
        title = _title(str(r.category), unusual, a.year, change)
        if "within normal variation" in title:
            assert "within normal variation" in r.sentence, (title, r.sentence)
        if "with a significant rise" in title:
            assert "a significant rise" in r.sentence, (title, r.sentence)
        if "no unusual month" in title:
            assert "no month outside the usual pattern" in r.sentence, (title, r.sentence)
        for d in ("increasing", "decreasing"):
            said = any(
                f.startswith(f"{r.category} shows a significant {d} trend") for f in findings
            )
            assert said == (f"significant {d} trend" in r.sentence), r.sentence
        if "a significant" in r.sentence.split(";")[0]:
            assert sig[r.category], r.sentence
    assert set(a.top_findings()) <= set(findings) and len(a.top_findings()) <= 8


def test_negative_year_total_is_shown_never_a_crash(demo_dataset: Dataset) -> None:
    # Home Office adjustments can leave a category's year total negative (issue 15: the whole
    # assessment stopped with "current must be 0 or more, got -1", naming no category).
    import dataclasses

    c = demo_dataset.counts.copy()
    sel = (
        (c["area"] == "Elderbrook")
        & (c["category"] == "Possession of weapons")
        & c["period"].astype(str).between("2025-04", "2026-03")
    )
    idx = c.index[sel]
    c.loc[idx, "count"] = 0
    c.loc[idx[0], "count"] = -1
    a = assess(dataclasses.replace(demo_dataset, counts=c), "Elderbrook")
    row = a.results["change"].table("yoy_categories").set_index("category")
    row = row.loc["Possession of weapons"]
    assert row["current"] == -1 and pd.isna(row["p_value"])
    assert row["note"].startswith("Possession of weapons: the current year's total is -1")
    peers = a.results["comparators"].table("comparators")
    own = peers[(peers["area"] == "Elderbrook") & (peers["category"] == "Possession of weapons")]
    assert own["count"].iloc[0] == -1 and pd.isna(own["rate_per_1000"].iloc[0])
