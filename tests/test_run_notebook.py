"""`csp-assess run --notebook PATH`: a partnership's own edited copy of the report notebook."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import pytest

from csp_analysis.cli import main
from csp_analysis.exceptions import UsageError
from csp_analysis.paths import notebooks_dir
from csp_analysis.report.run import read_report_notebook

BUILT_IN = "Control charts separate ordinary month-to-month variation from months that stand out."
EDITED = "The Elderbrook board asked for these points first, in this order."


def _edited_copy(folder: Path) -> Path:
    """The report notebook's text form with one sentence of prose rewritten, as an analyst
    would in JupyterLab (the .md is what a partnership keeps under review)."""
    text = (notebooks_dir() / "strategic_assessment.md").read_text(encoding="utf-8")
    assert text.count(BUILT_IN) == 1
    path = folder / "our_assessment.md"
    path.write_text(text.replace(BUILT_IN, EDITED), encoding="utf-8")
    return path


@pytest.mark.slow
def test_run_with_an_edited_copy_of_the_report_notebook(tmp_path: Path) -> None:
    notebook = _edited_copy(tmp_path)
    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--notebook", str(notebook)]) == 0
    report = out / "elderbrook" / "2025-26"
    html = (report / "strategic_assessment.html").read_text(encoding="utf-8")
    assert EDITED in html and BUILT_IN not in html
    # The parameters cell was filled as for the built-in notebook: the demo area and year.
    assert "Elderbrook Community Safety Partnership: strategic assessment 2025/26" in html
    assert "output_dir" not in html
    assert (report / "tables" / "yoy_categories.csv").is_file()
    executed = nbformat.read(report / "strategic_assessment.ipynb", as_version=4)
    assert executed.metadata["papermill"]["input_path"] == "our_assessment.ipynb"
    assert str(tmp_path) not in json.dumps(executed)
    assert sorted(p.name for p in report.iterdir() if p.name.startswith(".")) == []


def test_the_text_form_is_read_with_stable_cell_ids(tmp_path: Path) -> None:
    notebook = _edited_copy(tmp_path)
    first, again = read_report_notebook(notebook), read_report_notebook(notebook)
    assert [c.id for c in first.cells] == [c.id for c in again.cells]
    assert first.cells[0].id == "cell-00"
    assert any(EDITED in c.source for c in first.cells)
    ipynb = read_report_notebook(notebooks_dir() / "strategic_assessment.ipynb")
    assert [c.source for c in ipynb.cells] == [
        c.source for c in jupytext.read(notebooks_dir() / "strategic_assessment.md").cells
    ]


@pytest.mark.parametrize("suffix", [".ipynb", ".md"])
def test_a_notebook_without_a_parameters_cell_is_refused_naming_it(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = jupytext.read(notebooks_dir() / "strategic_assessment.md")
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    path = tmp_path / f"untagged{suffix}"
    jupytext.write(nb, path, fmt="ipynb" if suffix == ".ipynb" else "md:myst")
    with pytest.raises(UsageError, match=r"untagged\.\w+ has no cell tagged 'parameters'"):
        read_report_notebook(path)
    # Refused before any data is read or any report folder is made.
    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--notebook", str(path)]) == 2
    assert f"{path} has no cell tagged 'parameters'" in capsys.readouterr().err
    assert not out.exists()


def test_a_missing_unreadable_or_foreign_notebook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nowhere\.ipynb does not exist"):
        read_report_notebook(tmp_path / "nowhere.ipynb")
    (tmp_path / "report.py").write_text("data = None\n")
    with pytest.raises(UsageError, match=r"report\.py is neither an \.ipynb"):
        read_report_notebook(tmp_path / "report.py")
    (tmp_path / "broken.ipynb").write_text("{not json")
    with pytest.raises(UsageError, match=r"broken\.ipynb cannot be read"):
        read_report_notebook(tmp_path / "broken.ipynb")
