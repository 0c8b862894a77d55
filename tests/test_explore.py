"""The exploration notebook runs on the demo and on a real police.uk download, and exports."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from csp_analysis.model import Dataset
from csp_analysis.paths import notebooks_dir
from csp_analysis.report.explore import summary
from csp_analysis.report.export import check_offline, export_html
from csp_analysis.report.run import kernel_name
from tests.conftest import shared_path

pytestmark = pytest.mark.slow

NOTEBOOK = notebooks_dir() / "explore.ipynb"


def _run(tmp_path: Path, **parameters: object) -> tuple[nbformat.NotebookNode, str]:
    executed = tmp_path / "explore.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(executed),
        parameters=parameters,
        kernel_name=kernel_name(),
        cwd=str(tmp_path),
        progress_bar=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    nb = nbformat.read(executed, as_version=4)
    html = export_html(
        executed, tmp_path / "explore.html", classification="OFFICIAL", title="Exploration"
    ).read_text(encoding="utf-8")
    return nb, html


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    return [
        o.get("evalue", "")
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def test_explore_runs_on_the_demo_with_sortable_tables(tmp_path: Path) -> None:
    nb, html = _run(tmp_path, category="Burglary")
    assert _errors(nb) == []
    assert check_offline(html) == []
    assert "Exploring <strong>Burglary</strong> in <strong>Elderbrook</strong>" in html
    assert "Synthetic demo data" in html
    # overview, files, problems or none, force table, categories, places: sortable tables
    assert len(re.findall(r'class="[^"]*csp-sortable', html)) >= 4
    assert html.count("data:image/png;base64,") >= 2  # trend and control chart
    assert 'alt="Line chart of burglary per month in Elderbrook' in html
    # Notebooks hold calls, not analysis code
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"groupby|\.sum\(|pd\.|np\.", code)


@pytest.mark.shared
def test_explore_runs_on_a_real_police_uk_download(tmp_path: Path) -> None:
    data = shared_path("police_uk")
    nb, html = _run(
        tmp_path, data=str(data), area="thurrock", year="2018/19", category="vehicle crime"
    )
    assert _errors(nb) == []
    assert "Exploring <strong>Vehicle crime</strong> in <strong>Thurrock</strong>" in html
    assert "Essex Police" in html and "Thurrock 0" in html  # force table, LSOAs in places
    assert str(data) not in html.replace(str(data.name), "")  # the path is never shown


def test_summary_counts_equal_the_dataset(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    s = summary(ds).set_index("aspect")["value"]
    assert s["files"] == f"{len(ds.files):,}"
    assert s["rows read"] == f"{int(ds.files['rows_read'].sum()):,}"
    assert s["partnership areas"] == str(len(ds.areas))
