"""The test set-up of the root conftest: every test has exactly one tier, given by its table;
the hypothesis profile reaches the settings that test modules make at import."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
TIER_NAMES = {"unit", "integration", "e2e"}


@pytest.fixture(scope="module")
def tiers(request: pytest.FixtureRequest) -> ModuleType:
    """The root conftest.py as pytest registered it."""
    plugin = request.config.pluginmanager.get_plugin(str(ROOT / "conftest.py"))
    assert plugin is not None, "the root conftest.py is not loaded"
    return plugin


def test_every_collected_test_has_exactly_one_tier(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    assert items, "no collected tests"
    tiers = {i.nodeid: [m.name for m in i.iter_markers() if m.name in TIER_NAMES] for i in items}
    assert {nodeid: t for nodeid, t in tiers.items() if len(t) != 1} == {}


def test_every_entry_names_an_existing_file_or_test(tiers: ModuleType) -> None:
    for key in tiers.TIERS:
        path, _, test = key.partition("::")
        if path.endswith("*"):  # a file-name prefix: it must cover at least one module
            assert list(ROOT.glob(path.rstrip("*") + "*.py")), f"TIERS pattern {path} is unused"
            continue
        assert (ROOT / path).exists(), f"TIERS names {path}, which does not exist"
        if test:
            tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
            names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
            assert test in names, f"TIERS names {key}, which is not a test of {path}"
        assert tiers.TIERS[key] in TIER_NAMES, key


def test_every_test_module_is_in_the_table(tiers: ModuleType) -> None:
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").glob("test_*.py"))
    assert [m for m in modules if not any(tiers._matches(m, k) for k in tiers.TIERS)] == []
    # a report section's test needs no entry of its own (three files make a section)
    assert tiers.tier_of("tests/test_section_newthing.py::test_x") == "integration"


def test_markers_only_raise_the_tier(tiers: ModuleType) -> None:
    tier_of = tiers.tier_of
    assert tier_of("tests/test_periods.py::test_months_of_financial_year") == "unit"
    assert tier_of("tests/test_periods.py::test_x", {"shared"}) == "integration"
    assert tier_of("tests/test_periods.py::test_x[a-b]", {"slow", "shared"}) == "e2e"
    assert tier_of("tests/test_export.py::test_check_offline_finds_network_loads") == "e2e"
    assert tier_of("tests/test_run_report.py::test_x", {"shared"}) == "e2e"
    # the longest matching entry wins: one test of a unit module, and doctests
    assert (
        tier_of("tests/test_lab.py::test_dry_run_builds_the_command_for_the_project_notebooks")
        == "unit"
    )
    assert (
        tier_of("tests/test_lab.py::test_jupyterlab_starts_on_the_folder_with_the_default_kernel")
        == "e2e"
    )
    assert tier_of("csp_analysis/periods.py::csp_analysis.periods.parse_month") == "unit"
    assert tier_of("csp_analysis/__init__.py::csp_analysis") == "integration"
    with pytest.raises(LookupError, match="not in the TIERS table"):
        tier_of("tests/test_nowhere.py::test_x")


def test_profile_reaches_settings_made_at_import() -> None:
    """``BASE`` is made when tests/test_invariants.py is imported: it must inherit the profile
    (``ci``: derandomized, no example database) that the root conftest loaded before."""
    from test_invariants import BASE

    assert BASE.derandomize == settings.default.derandomize
    if settings.get_current_profile_name() == "ci":
        assert BASE.derandomize and BASE.database is None and BASE.print_blob


def test_tests_reading_shared_data_are_not_unit(tiers: ModuleType) -> None:
    """A test calling ``shared_path()`` reads ../shared/data: it is marked ``shared`` (or its
    module is) or has its own entry in TIERS; none stays in the unit tier."""
    unit = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        module_marks = {
            ast.unparse(n)
            for n in tree.body
            if isinstance(n, ast.Assign) and any(ast.unparse(t) == "pytestmark" for t in n.targets)
        }
        for node in tree.body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            calls = {
                c.func.id
                for c in ast.walk(node)
                if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
            }
            if "shared_path" not in calls:
                continue
            marks = " ".join([*module_marks, *(ast.unparse(d) for d in node.decorator_list)])
            markers = {m for m in ("shared", "slow") if f"mark.{m}" in marks}
            nodeid = f"tests/{path.name}::{node.name}"
            if tiers.tier_of(nodeid, markers) == "unit":
                unit.append(nodeid)
    assert unit == []
