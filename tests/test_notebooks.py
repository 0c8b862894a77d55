"""The committed notebooks: each .ipynb paired with its MyST Markdown text form (jupytext), no
outputs, a parameters cell, and an edit saved from JupyterLab keeps the pair in step."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

from csp_analysis.sections import registry

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
IPYNB = sorted(NOTEBOOKS.glob("*.ipynb"))
PARAMETERS = (
    "data",
    "area",
    "year",
    "classification",
    "suppress_below",
    "min_months",
    "spc_baseline_months",
    "categories",
    "assessment_file",
    "author",
    "contact",
    "version",
    "extracted",
    "commentary",
)


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    """Each cell as (type, source, tags): what the two forms of a pair must agree on."""
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def test_the_three_notebooks_are_there() -> None:
    assert [p.name for p in IPYNB] == [
        "deep_dive.ipynb",
        "explore.ipynb",
        "strategic_assessment.ipynb",
    ]


def test_pairing_is_configured_for_the_notebooks_folder() -> None:
    config_file = find_jupytext_configuration_file(str(NOTEBOOKS))
    assert config_file is not None and Path(config_file).parent == NOTEBOOKS
    config = load_jupytext_configuration_file(config_file)
    assert config.formats in ("ipynb,md:myst", ["ipynb,md:myst"])


@pytest.mark.parametrize("path", IPYNB, ids=[p.stem for p in IPYNB])
def test_every_notebook_has_its_text_form_and_they_agree(path: Path) -> None:
    md = path.with_suffix(".md")
    assert md.is_file(), f"{path.name} has no paired {md.name}: run make notebooks"
    text = md.read_text(encoding="utf-8")
    assert "format_name: myst" in text
    assert "jupytext_version" not in text  # saving with another jupytext changes nothing
    ipynb = nbformat.read(path, as_version=4)
    assert _cells(jupytext.read(md)) == _cells(ipynb), f"{path.name} and {md.name} differ"
    ids = [c.id for c in ipynb.cells]
    assert len(set(ids)) == len(ids) and all(ids)


@pytest.mark.parametrize("path", IPYNB, ids=[p.stem for p in IPYNB])
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (path.name, cell.id)


def test_report_notebook_has_one_parameters_cell_with_the_expected_names() -> None:
    for nb in (
        nbformat.read(NOTEBOOKS / "strategic_assessment.ipynb", as_version=4),
        jupytext.read(NOTEBOOKS / "strategic_assessment.md"),
    ):
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and tagged[0].cell_type == "code"
        assigned = [
            line.split(" = ")[0]
            for line in tagged[0].source.splitlines()
            if " = " in line and not line.startswith("#")
        ]
        assert assigned == list(PARAMETERS)
        # The runner writes the tables itself: no notebook cell writes files.
        assert not any("save(" in c.source for c in nb.cells if c.cell_type == "code")
        # Every report section is shown by name, once, in registry order.
        shown = re.findall(
            r'show\.section\(assessment, "(\w+)"\)', "\n".join(c.source for c in nb.cells)
        )
        assert shown == [s.name for s in registry()]


def test_an_edit_saved_from_jupyterlab_keeps_the_pair_valid(tmp_path: Path) -> None:
    """Edit a markdown cell of the .ipynb and save it as JupyterLab does (jupytext's contents
    manager, which the jupytext server extension installs): the .md follows, ids and tags stay."""
    from jupytext import TextFileContentsManager

    for name in ("jupytext.toml", "strategic_assessment.ipynb", "strategic_assessment.md"):
        shutil.copy2(NOTEBOOKS / name, tmp_path / name)
    before = nbformat.read(tmp_path / "strategic_assessment.ipynb", as_version=4)
    manager = TextFileContentsManager(root_dir=str(tmp_path))
    model = manager.get("strategic_assessment.ipynb")
    nb = model["content"]
    index = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Summary"))
    edited = "## Summary\n\nEdited in JupyterLab: the three points that matter most."
    nb.cells[index].source = edited
    manager.save(model, "strategic_assessment.ipynb")

    md_text = (tmp_path / "strategic_assessment.md").read_text(encoding="utf-8")
    assert "Edited in JupyterLab: the three points that matter most." in md_text
    assert "jupytext_version" not in md_text
    ipynb = nbformat.read(tmp_path / "strategic_assessment.ipynb", as_version=4)
    text = jupytext.read(tmp_path / "strategic_assessment.md")
    assert _cells(text) == _cells(ipynb)
    assert [c.id for c in ipynb.cells] == [c.id for c in before.cells]
    expected = _cells(before)
    expected[index] = ("markdown", edited, [])
    assert _cells(ipynb) == expected
    # Opening the pair again (the .md is now the newer file) gives the edited notebook back.
    again = manager.get("strategic_assessment.ipynb")["content"]
    assert _cells(again) == expected and [c.id for c in again.cells] == [c.id for c in before.cells]
