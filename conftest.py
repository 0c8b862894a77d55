"""Configuration for every test and every doctest (``tests/`` and ``csp_analysis/``).

It lives at the project's root so that the doctests collected from ``csp_analysis/`` get the
same private cache folder, hypothesis profile and tier as the tests.

- **Private cache.** Each session (each ``pytest-xdist`` worker) reads and fills its own
  Parquet cache in a temporary folder, never the user's ``~/.cache/csp-assess``.
- **Hypothesis profiles.** ``ci`` (the default) is derandomized: the same examples on every
  run, so a run that passes passes again. ``HYPOTHESIS_PROFILE=dev`` (or
  ``--hypothesis-profile=dev``) draws new random examples, for exploration; a failure found
  that way prints the ``@reproduce_failure`` blob to pin it.
- **Tiers.** Every test gets exactly one of the markers ``unit``, ``integration`` and
  ``e2e``, from the table :data:`TIERS` below and the markers ``slow`` / ``shared``; nothing
  else marks tiers. ``make test-fast`` runs ``-m unit``; ``make test`` runs everything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# ---------------------------------------------------------------------------- hypothesis
# Registered and loaded here, before any test module is imported: a ``settings(...)`` object
# made at import time (``BASE`` in tests/test_invariants.py) inherits the profile loaded then.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    derandomize=False,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# ---------------------------------------------------------------------------- cache folder
CACHE_ENV = "CSP_ASSESS_CACHE_DIR"


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's own cache folder (one per xdist worker: each has its own basetemp)."""
    folder = tmp_path_factory.mktemp("cache")
    patch = pytest.MonkeyPatch()
    patch.setenv(CACHE_ENV, str(folder))
    yield folder
    patch.undo()


@pytest.fixture(autouse=True)
def _private_cache(private_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test and doctest starts with the private cache folder and cannot leave it changed
    (the ``cache_dir`` doctest deletes the variable: without this, every later test of the
    session would fill the user's own cache)."""
    monkeypatch.setenv(CACHE_ENV, str(private_cache_dir))


# ---------------------------------------------------------------------------- tiers
#: ``unit``: no papermill, nbconvert or browser, no demo build (reading ``data/demo`` is
#: fine), fast. ``integration``: several layers together, the real files of
#: ``../shared/data``, the CLI in-process, ``assess()`` of the whole demo. ``e2e``: papermill,
#: nbconvert, Chromium, batch, JupyterLab.
TIER_ORDER = ("unit", "integration", "e2e")

#: Node-id prefix -> tier; the longest prefix that matches a test wins. Every test module must
#: be listed (a new module fails collection until it is). The markers only raise a tier:
#: ``shared`` (real data) to at least ``integration``, ``slow`` (papermill, nbconvert) to ``e2e``.
TIERS: dict[str, str] = {
    # doctests
    "csp_analysis/": "unit",
    "csp_analysis/__init__.py": "integration",  # assess() of the demo
    "csp_analysis/assessment.py": "integration",  # assess() of the demo
    "csp_analysis/report/run.py": "integration",  # imports papermill and nbconvert
    "tools/demo/": "integration",  # builds the demo
    # tests
    "tests/test_api_docs.py": "integration",  # imports every module, report.run included
    "tests/test_bad_inputs.py": "integration",  # the CLI in-process
    "tests/test_batch.py": "integration",
    "tests/test_cache.py": "unit",
    # reads the whole demo three times (uncached, cold, warm)
    "tests/test_cache.py::test_cold_and_warm_runs_equal_an_uncached_read_of_the_demo": (
        "integration"
    ),
    "tests/test_cache.py::test_real_police_uk_files_through_the_cache": "integration",
    "tests/test_cache.py::test_fast_path_equals_the_exact_reader_on_real_files": "integration",
    "tests/test_adversarial_round3.py": "integration",  # real files, assess(), the CLI
    "tests/test_change.py": "unit",
    "tests/test_offences.py": "unit",
    "tests/test_home_office_scheme.py": "integration",
    "tests/test_own_categories.py": "unit",
    "tests/test_themes.py": "unit",
    "tests/test_comparators.py": "unit",
    "tests/test_deep_dive.py": "e2e",
    "tests/test_demo.py": "integration",  # builds the demo
    "tests/test_demo_priorities.py": "integration",  # builds the demo's partnership tables
    "tests/test_districts.py": "integration",
    "tests/test_explore.py": "e2e",
    "tests/test_export.py": "e2e",
    "tests/test_hotspot_statistics.py": "unit",
    "tests/test_hotspots.py": "unit",
    "tests/test_hotspots.py::test_hot_spots_by_ward_through_a_lookup": "integration",
    "tests/test_ingest_home_office.py": "unit",
    "tests/test_ingest_ons.py": "unit",
    "tests/test_ingest_local.py": "unit",
    "tests/test_ingest_police_uk.py": "unit",
    "tests/test_ingest_batch.py": "unit",
    "tests/test_ingest_batch.py::test_real_files_read_together_equal_the_exact_reader": (
        "integration"
    ),
    "tests/test_archive.py": "integration",  # reads the demo through a cache, DuckDB
    "tests/test_ingest_population.py": "unit",
    "tests/test_ingest_tidy.py": "unit",
    "tests/test_interactive.py": "unit",
    # check_offline is in report.export, which imports nbconvert (seconds to import)
    "tests/test_interactive.py::test_controls_wait_for_the_script_and_nothing_is_loaded": (
        "integration"
    ),
    "tests/test_interactive.py::test_sorting_and_filtering_in_chromium": "e2e",
    "tests/test_interactive.py::test_natural_text_sort_in_chromium": "e2e",
    "tests/test_interactive.py::test_tables_work_in_the_exported_report": "e2e",
    "tests/test_invariants.py": "unit",
    # Properties through the whole pipeline (ingest, model, every section, assess()): several
    # layers together, so integration; the properties of single functions stay unit.
    "tests/test_invariants.py::test_all_crime_is_sum_of_crime_categories_tidy": "integration",
    "tests/test_invariants.py::test_all_crime_is_sum_of_crime_categories_police_uk": (
        "integration"
    ),
    "tests/test_invariants.py::test_assess_area_with_only_asb_records": "integration",
    "tests/test_lab.py": "unit",
    "tests/test_layers.py": "integration",  # import-linter over the whole package
    "tests/test_lab.py::test_jupyterlab_starts_on_the_folder_with_the_default_kernel": "e2e",
    "tests/test_model.py": "unit",
    "tests/test_names.py": "unit",
    "tests/test_notebooks.py": "integration",  # jupytext round trips
    "tests/test_periods.py": "unit",
    "tests/test_period_assessment.py": "integration",  # assess() of the demo and Essex
    "tests/test_plan.py": "unit",
    "tests/test_publishing.py": "e2e",
    "tests/test_quarantine.py": "integration",
    "tests/test_reliability_files.py": "integration",  # fresh processes, the CLI in-process
    "tests/test_reliability_outputs.py": "integration",  # writes tables, the CLI in-process
    "tests/test_reliability_outputs.py::test_sigterm_leaves_no_partial_folder_with_records_in_out": "e2e",  # noqa: E501
    "tests/test_rates.py": "unit",
    "tests/test_risk_matrix.py": "unit",
    "tests/test_run_notebook.py": "integration",  # the CLI in-process, jupytext
    "tests/test_report_print.py": "e2e",  # papermill, nbconvert and WeasyPrint
    "tests/test_run_report.py": "e2e",
    # A report section's own test (tests/test_section_<name>.py) needs no entry of its own:
    # adding a section touches only its module, the notebook text and this test.
    "tests/test_section_*": "integration",
    "tests/test_sections.py": "integration",  # assess() of the demo, sections patched
    "tests/test_sections.py::test_registry_lists_every_section_module_in_report_order": "unit",
    "tests/test_sections.py::test_renderers_compute_nothing": "unit",
    "tests/test_seasonality.py": "unit",
    "tests/test_significance.py": "unit",
    "tests/test_plot_style.py": "unit",
    "tests/test_spc.py": "unit",
    "tests/test_style.py": "unit",
    "tests/test_survey.py": "unit",
    "tests/test_tiers.py": "unit",
    "tests/test_trends.py": "unit",
    "tests/test_workbook.py": "unit",
}

#: Markers that raise a test to at least a tier. A test using the ``shared_file`` fixture
#: counts as marked ``shared``; one calling ``shared_path()`` needs the marker or an entry.
MARKER_FLOOR = {"shared": "integration", "slow": "e2e"}


def _rank(tier: str) -> int:
    return TIER_ORDER.index(tier)


def _matches(nodeid: str, key: str) -> bool:
    """``key`` is a folder (ends with ``/``), a file-name prefix (ends with ``*``), a file, or a
    test (and its parametrizations)."""
    if key.endswith("*"):
        return nodeid.startswith(key[:-1])
    if key.endswith("/"):
        return nodeid.startswith(key)
    return nodeid == key or nodeid.startswith((key + "::", key + "["))


def tier_of(nodeid: str, markers: set[str] | frozenset[str] = frozenset()) -> str:
    """The tier of the test ``nodeid`` (relative to the project's root) carrying ``markers``.

    Raises
    ------
    LookupError
        When no entry of :data:`TIERS` covers the test.
    """
    keys = [k for k in TIERS if _matches(nodeid, k)]
    if not keys:
        raise LookupError(
            f"{nodeid}: its module is not in the TIERS table of conftest.py; add it as "
            f"'unit', 'integration' or 'e2e'"
        )
    tier = TIERS[max(keys, key=len)]
    for marker, floor in MARKER_FLOOR.items():
        if marker in markers and _rank(floor) > _rank(tier):
            tier = floor
    return tier


def _selected_tier(config: pytest.Config) -> str | None:
    """The tier when ``-m`` names exactly one tier (``make test-fast``: ``-m unit``)."""
    expr = (config.getoption("markexpr", "") or "").strip()
    return expr if expr in TIER_ORDER else None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``-m unit`` (or ``-m integration``), do not even import the files all of whose tests
    are of a higher tier: importing nbconvert or papermill alone takes seconds."""
    tier = _selected_tier(config)
    if tier is None or not collection_path.is_file():
        return None
    try:
        rel = collection_path.resolve().relative_to(config.rootpath).as_posix()
    except ValueError:
        return None
    keys = [k for k in TIERS if _matches(rel, k)]
    if not keys:
        return None
    tiers = {TIERS[max(keys, key=len)]} | {t for k, t in TIERS.items() if k.startswith(rel + "::")}
    return True if all(_rank(t) > _rank(tier) for t in tiers) else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every collected test its one tier marker (before ``-m`` selects)."""
    problems = []
    for item in items:
        names = {m.name for m in item.iter_markers()}
        if "shared_file" in getattr(item, "fixturenames", ()):
            names.add("shared")
        if names & set(TIER_ORDER):
            problems.append(
                f"{item.nodeid}: marked {sorted(names & set(TIER_ORDER))} by hand; "
                "tiers come from the TIERS table of conftest.py"
            )
            continue
        try:
            item.add_marker(tier_of(item.nodeid, names))
        except LookupError as exc:
            problems.append(str(exc))
    if problems:
        raise pytest.UsageError("\n".join(problems))
