"""The API reference (docs/api.md) is generated from the docstrings and kept up to date, and
every public function and method of that API has a complete numpydoc docstring."""

from __future__ import annotations

import difflib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "make_api_docs.py"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_api_docs", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(scope="module")
def modules() -> list[Any]:
    return tool.api_modules()


@pytest.fixture(scope="module")
def qualnames(modules: list[Any]) -> set[str]:
    return {m.qualname for m in tool.iter_members(modules)}


# --------------------------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------------------------


def test_api_md_is_up_to_date(modules: list[Any]) -> None:
    expected = tool.render(modules)
    current = tool.TARGET.read_text(encoding="utf-8") if tool.TARGET.is_file() else ""
    if current != expected:
        diff = list(difflib.unified_diff(current.splitlines(), expected.splitlines(),
                                         "docs/api.md", "from the docstrings", lineterm="", n=1))
        shown = "\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else "")
        pytest.fail(f"docs/api.md is out of date: run `{tool.COMMAND}`\n{shown}")


def test_the_reference_covers_the_public_api(qualnames: set[str]) -> None:
    expected = {
        "csp_analysis.load", "csp_analysis.assess", "csp_analysis.Dataset",
        "csp_analysis.Assessment", "csp_analysis.Dataset.resolve_area",
        "csp_analysis.Dataset.areas",
        "csp_analysis.analyses.change.category_change",
        "csp_analysis.statistics.trends.mann_kendall",
        "csp_analysis.statistics.risk_matrix.score_risk",
        "csp_analysis.statistics.risk_matrix.RiskConfig", "csp_analysis.config.load_config",
        "csp_analysis.plots.trends.plot_monthly_trend", "csp_analysis.plots.spc.plot_spc",
        "csp_analysis.report.display.cover", "csp_analysis.report.run.run_report",
        "csp_analysis.report.interactive.sortable_table", "csp_analysis.lab.open_lab",
    }  # fmt: skip
    assert expected <= qualnames, sorted(expected - qualnames)
    # private names, names imported from elsewhere and the rest of report.run are left out
    assert not [q for q in qualnames if "._" in q]
    assert "csp_analysis.report.display.HTML" not in qualnames
    assert "csp_analysis.report.display.plot_monthly_trend" not in qualnames
    assert "csp_analysis.report.run.slug" not in qualnames


def test_page_has_contents_signatures_and_sections() -> None:
    text = tool.TARGET.read_text(encoding="utf-8")
    assert text.startswith("# API reference\n")
    assert "## Contents" in text
    assert '<a id="csp_analysis.analyses.change.category_change"></a>' in text
    assert "(#csp_analysis.analyses.change.category_change)" in text
    assert "```python\nload(" in text
    for heading in ("**Parameters**", "**Returns**", "**Examples**", "**References**"):
        assert heading in text
    assert "```pycon\n>>> " in text


# --------------------------------------------------------------------------------------------
# the docstrings
# --------------------------------------------------------------------------------------------


def test_public_docstrings_are_complete(modules: list[Any]) -> None:
    """Summary line; Parameters naming exactly the parameters; Returns unless it returns None."""
    offenders = tool.docstring_offenders(modules)
    assert not offenders, (
        f"{len(offenders)} public functions/methods have incomplete numpydoc docstrings "
        "(then run `python tools/make_api_docs.py`):\n" + "\n".join(offenders)
    )


# --------------------------------------------------------------------------------------------
# the checker and the parser themselves
# --------------------------------------------------------------------------------------------


def _problems(func: Any, kind: str = "function") -> list[str]:
    return tool.docstring_problems(tool.Member(f"x.{func.__name__}", func.__name__, kind, func))


def good(area: str, *years: str, strict: bool = False, **options: Any) -> int:
    """Count something.

    Parameters
    ----------
    area : str
        The area.
    *years : str
        Financial years.
    strict : bool, default False
        Refuse gaps.
    **options
        Passed on.

    Returns
    -------
    int
        The count.
    """
    return 0


def shared_entry(width: int, height: int) -> None:
    """Draw a box.

    Parameters
    ----------
    width, height : int
        Size.
    """


def missing_and_extra(area: str, year: str) -> int:
    """Count something.

    Parameters
    ----------
    area : str
    month : str

    Returns
    -------
    int
    """
    return 0


def no_sections(area: str) -> str:
    """Only a summary."""
    return area


def unannotated(x):
    """Double it.

    Parameters
    ----------
    x : int
    """
    return 2 * x


def unannotated_none(x):
    """Print it.

    Parameters
    ----------
    x : int
    """
    print(x)


def generator(n: int):
    """Count up.

    Parameters
    ----------
    n : int

    Yields
    ------
    int
    """
    yield from range(n)


def undocumented(x: int) -> int:
    return x


class Thing:
    """A thing.

    Parameters
    ----------
    size : int
    """

    def __init__(self, size: int, colour: str = "red") -> None:
        self.size = size

    def grow(self, by: int) -> None:
        """Grow.

        Parameters
        ----------
        by : int
        """

    @classmethod
    def make(cls) -> Thing:
        """Make one."""
        return cls(1)

    @property
    def area(self) -> int:
        """Its area (a property needs a summary only)."""
        return self.size**2


def test_checker_accepts_complete_docstrings() -> None:
    assert _problems(good) == []
    assert _problems(shared_entry) == []
    assert _problems(generator) == []
    assert _problems(unannotated_none) == []
    assert _problems(Thing.__dict__["grow"], "method") == []  # self left out, returns None
    assert tool.docstring_problems(tool.Member("x.Thing.area", "area", "property",
                                               Thing.__dict__["area"], owner=Thing)) == []


def test_checker_names_each_problem() -> None:
    assert _problems(missing_and_extra) == [
        "parameters not documented: year", "documented but not in the signature: month"]
    assert _problems(no_sections) == [
        "no Parameters section (parameters: area)", "no Returns section"]
    assert _problems(unannotated) == ["no Returns section"]
    assert _problems(undocumented) == ["no docstring"]
    make = tool.Member("x.Thing.make", "make", "classmethod", Thing.__dict__["make"])
    assert tool.docstring_problems(make) == ["no Returns section"]  # cls left out
    cls = tool.Member("x.Thing", "Thing", "class", Thing)
    assert tool.docstring_problems(cls) == ["parameters not documented: colour"]


def test_parser_and_markdown() -> None:
    parsed = tool.parse_docstring(good.__doc__)
    assert parsed.summary == "Count something."
    assert [e.names for e in parsed.entries("Parameters")] == [
        ["area"], ["*years"], ["strict"], ["**options"]]
    assert [(e.names, e.type) for e in parsed.entries("Returns")] == [([], "int")]
    md = "\n".join(tool.render_sections(parsed))
    assert "- **`strict`** : *bool, default False* — Refuse gaps." in md
    assert "- **`**options`** — Passed on." in md
    assert "- *int* — The count." in md
    assert tool.rst_inline(":class:`~pandas.DataFrame` of ``x``; see [1]_") == (
        "`DataFrame` of `x`; see [1]")
    refs = tool.prose([".. [1] Wilson EB. Probable inference,", "   1927."])
    assert refs == ["- [1] Wilson EB. Probable inference, 1927."]


def test_signature_is_wrapped_when_long() -> None:
    member = tool.Member("x.good", "good", "function", good)
    assert tool.format_signature(member) == (
        "good(area: str, *years: str, strict: bool = False, **options: Any) -> int")
    thing = tool.format_signature(tool.Member("x.Thing", "Thing", "class", Thing))
    assert thing == "class Thing(size: int, colour: str = 'red')"
