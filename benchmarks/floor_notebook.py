"""The floor for one report: papermill running a notebook that only imports csp-assess.

The notebook has the report's ``parameters`` cell and one code cell with the imports of
``notebooks/strategic_assessment.ipynb`` (``import csp_analysis as csp`` and
``from csp_analysis.report import display as show``); it is executed by papermill with the same
kernel and options as ``csp-assess run`` and exported to HTML with the report's own exporter
(``csp_analysis.report.export.export_html``, the ``csp_report`` template). That is what every
report pays whatever the data: interpreter, papermill and kernel start-up, the imports, and
nbconvert. ``csp-assess run`` is held to a small multiple of it.

Examples
--------
``python benchmarks/floor_notebook.py --out /tmp/floor``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
import papermill as pm

PARAMETERS = """data = None
area = None
year = None
output_dir = None
classification = "OFFICIAL"
"""
IMPORTS = """import csp_analysis as csp
from csp_analysis.report import display as show
"""


def kernel() -> str:
    """The kernel ``csp-assess run`` uses (``csp-assess`` if registered, else ``python3``)."""
    try:
        from csp_analysis.report.run import kernel_name
    except ImportError:  # the report module moved: fall back to the default kernel
        return "python3"
    return kernel_name()


def floor(out: Path) -> Path:
    """Write, execute and export the imports-only notebook.

    Parameters
    ----------
    out : Path
        Working folder (created).

    Returns
    -------
    Path
        The HTML file.
    """
    out.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Floor\n\nOnly the report's imports."),
        params,
        nbformat.v4.new_code_cell(IMPORTS),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    source = out / "floor.ipynb"
    executed = out / "floor.executed.ipynb"
    nbformat.write(nb, source)
    pm.execute_notebook(
        str(source),
        str(executed),
        parameters={"data": "dataset", "area": "Area", "year": "2024/25", "output_dir": "."},
        kernel_name=kernel(),
        cwd=str(out),
        progress_bar=False,
        log_output=False,
        report_mode=False,
        request_save_on_cell_execute=False,  # as csp-assess run: written once, at the end
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    html = out / "floor.html"
    try:
        from csp_analysis.report.export import export_html
    except ImportError:  # fall back to plain nbconvert
        from nbconvert.exporters import HTMLExporter

        body, _ = HTMLExporter(template_name="lab").from_filename(str(executed))
        html.write_text(body, encoding="utf-8")
        return html
    return export_html(executed, html, title="Floor")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    p = argparse.ArgumentParser(description="papermill + nbconvert floor of one report")
    p.add_argument("--out", required=True, type=Path, help="working folder")
    args = p.parse_args(argv)
    started = time.perf_counter()
    html = floor(args.out)
    print(f"{html}; {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
