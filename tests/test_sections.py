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
from csp_analysis.model import load
from csp_analysis.sections import registry, section

EXPECTED = [
    "coverage",
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
    "priorities",
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
    assert demo_assessment.gaps == {}  # the demo has every input


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
