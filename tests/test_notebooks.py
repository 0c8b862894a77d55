"""The committed notebooks: no outputs, a parameters cell, and equal to a fresh generation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def test_notebooks_are_committed_without_outputs() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def test_report_notebook_has_a_parameters_cell() -> None:
    nb = nbformat.read(ROOT / "notebooks" / "strategic_assessment.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("data", "area", "year", "output_dir", "classification"):
        assert f"\n{name} = " in "\n" + tagged[0].source


def test_notebook_equals_a_fresh_generation(tmp_path: Path) -> None:
    committed = (ROOT / "notebooks" / "strategic_assessment.ipynb").read_bytes()
    (tmp_path / "notebooks").mkdir()
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_notebooks.py")], cwd=tmp_path,
                   check=True)  # fmt: skip
    assert (tmp_path / "notebooks" / "strategic_assessment.ipynb").read_bytes() == committed
