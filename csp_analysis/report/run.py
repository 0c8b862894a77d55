"""Run the report notebook with papermill and export it to HTML, atomically.

A run works in a private temporary folder outside ``--out`` (the assessment handed to the
kernel holds street records) and moves the finished report into place only when everything
succeeded, so a failed or terminated run never leaves half a report or any record in the
output folder and never damages the previous report.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from csp_analysis import defaults
from csp_analysis.analyses.periods import resolve_period
from csp_analysis.exceptions import DataError, ReportError, UsageError
from csp_analysis.model import Dataset, load
from csp_analysis.paths import notebooks_dir
from csp_analysis.periods import Period
from csp_analysis.report.export import check_offline, export_html

if TYPE_CHECKING:
    from csp_analysis.assessment import Assessment

NOTEBOOK = "strategic_assessment.ipynb"
DEEP_DIVE = "deep_dive.ipynb"
HTML_NAME = "strategic_assessment.html"
ASSESSMENT_FILE = "assessment.pickle"
KERNEL = "csp-assess"
#: The kernel logs only critical problems: the ERROR line ipykernel writes when papermill
#: shuts it down ("KeyboardInterrupt caught in kernel") is not news on a terminal. Errors of
#: the report's cells reach the runner through the notebook, not this log.
KERNEL_QUIET = "--IPKernelApp.log_level=CRITICAL"


def slug(text: str) -> str:
    """File-name-safe form of an area or year: ``"Southend-on-Sea"`` -> ``"southend-on-sea"``,
    ``"2018/19"`` -> ``"2018-19"``.

    Parameters
    ----------
    text : str
        An area name, a financial year or a category.

    Returns
    -------
    str
        Lower case letters and digits joined by single hyphens.

    Examples
    --------
    >>> slug("Castle Point"), slug("2018/19")
    ('castle-point', '2018-19')
    """
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def kernel_name() -> str:
    """The project's registered kernel if present (``make`` registers it), else ``python3``.

    Returns
    -------
    str
        ``"csp-assess"`` or ``"python3"``.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL if KERNEL in KernelSpecManager().find_kernel_specs() else "python3"


def _failed_section(nb: nbformat.NotebookNode) -> tuple[str | None, str]:
    """The heading of the section whose cell failed and the error's last line."""
    section = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#{1,3}\s+(.+)$", cell.source, re.MULTILINE)
            if m:
                section = m.group(1).strip()
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return section, f"{out.get('ename')}: {out.get('evalue')}"
    return section, "unknown error"


def _scrub(nb_path: Path, work: Path | None = None) -> None:
    """Remove local paths from the executed notebook: papermill's metadata, and the folders
    of the run, the project, the Python installation and the user's home wherever they
    appear (tracebacks of a failed notebook name them).

    Parameters
    ----------
    nb_path : Path
        The executed notebook (rewritten in place).
    work : Path, optional
        The run's temporary folder.
    """
    import sys

    from csp_analysis.paths import PACKAGE_DIR

    nb = nbformat.read(nb_path, as_version=4)
    pm = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if key in pm:
            pm[key] = Path(str(pm[key])).name
    text = nbformat.writes(nb)
    roots = {
        "<report>": [work, work.resolve() if work else None],
        "<csp-assess>": [PACKAGE_DIR.parent, notebooks_dir().parent],
        "<python>": [Path(sys.prefix), Path(sys.base_prefix)],
        "<temp>": [Path(tempfile.gettempdir())],
        "~": [Path.home()],
    }
    pairs = sorted(
        ((str(p), label) for label, ps in roots.items() for p in ps if p and str(p) != "/"),
        key=lambda x: -len(x[0]),
    )
    for path, label in pairs:  # longest first: a folder inside another is named by itself
        text = text.replace(path, label)
    nb_path.write_text(text, encoding="utf-8")


def _execute(source: Path, executed: Path, params: dict[str, object], work: Path) -> None:
    """Run the report notebook with papermill, its kernel working in ``work``.

    The kernel's folder is set for the kernel alone (the runner's own working folder is not
    changed, so it may go on computing meanwhile), and the executed notebook is written
    once, at the end or on failure, not after every cell.

    Parameters
    ----------
    source : Path
        The notebook to run.
    executed : Path
        The executed notebook to write.
    params : dict
        The notebook's parameters.
    work : Path
        The run's temporary folder.
    """
    import papermill as pm

    pm.execute_notebook(
        str(source),
        str(executed),
        parameters=params,
        kernel_name=kernel_name(),
        progress_bar=False,
        log_output=False,
        report_mode=False,
        request_save_on_cell_execute=False,
        extra_arguments=[KERNEL_QUIET],
        resources={"metadata": {"path": str(work)}},
    )


def _assess_for_kernel(
    ds: Dataset,
    area: str,
    period: Period,
    options: dict[str, object],
    handed: Path,
    save: tuple[str, str | None] | None,
) -> Assessment:
    """Compute the assessment, hand it to the kernel, then write the published tables.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    area : str
        The resolved area.
    period : Period
        The resolved period.
    options : dict
        The keyword arguments of :func:`csp_analysis.assess` (thresholds, baseline, scheme).
    handed : Path
        The assessment file the notebook reads; its pending marker, if any, is removed when
        the assessment is written or has failed (the kernel then stops waiting).
    save : tuple of (str, str or None), optional
        The marking and contact of the tables and workbook to write beside ``handed``;
        ``None`` writes none.

    Returns
    -------
    Assessment
        The assessment.
    """
    from csp_analysis.assessment import assess, pending_marker

    try:
        assessment = assess(ds, area, period, **options)  # type: ignore[arg-type]
        assessment.dump(handed)
    finally:
        pending_marker(handed).unlink(missing_ok=True)
    if save is not None:
        assessment.save(handed.parent, *save)
    return assessment


def run_report(
    data: str | Path | Dataset | None = None,
    area: str | None = None,
    year: str | Period | None = None,
    out: str | Path = "outputs",
    classification: str = defaults.MARKING,
    notebook: str | Path | None = None,
    category: str | None = None,
    suppress_below: int = defaults.SUPPRESS_BELOW,
    min_months: int = defaults.MIN_MONTHS,
    pdf: bool = False,
    details: dict[str, str] | None = None,
    spc_baseline_months: int = defaults.SPC_BASELINE_MONTHS,
    categories: str | None = None,
) -> Path:
    """Build one area's report: executed notebook, HTML, tables and key findings.

    Parameters
    ----------
    data : str, Path or Dataset, optional
        Data folder (default: the built-in demo) or an already loaded dataset.
    area : str, optional
        Partnership area (default: the demo's area).
    year : str or Period, optional
        The assessed period: a financial year (``2025/26``), a quarter (``2025/26 Q1``) or the
        first and last month (``2024-07..2025-06``); default the latest complete financial
        year. Compared with the same months a year earlier.
    out : str or Path
        Output root; the report goes to ``OUT/<area-slug>/<period-slug>/`` (``2025-26``,
        ``12-months-to-2025-06``).
    classification : str
        Government Security Classification marking shown on every page.
    notebook : str or Path, optional
        The notebook to run instead of the built-in one (``notebooks/strategic_assessment.ipynb``,
        or ``deep_dive.ipynb`` with ``category``): a partnership's own edited copy, as an
        ``.ipynb`` or its jupytext MyST Markdown text form (``.md``). It must keep a cell tagged
        ``parameters``; its parameters are filled as for the built-in one.
    category : str, optional
        Run the one-category deep dive (``notebooks/deep_dive.ipynb``) instead, into
        ``OUT/<area-slug>/<year-slug>-deep-dive/<category-slug>/``.
    suppress_below : int
        Small-area counts from 1 to ``suppress_below - 1`` are suppressed (default 5); the
        report's method notes state the rule.
    min_months : int
        A change compared on fewer months than this (default 9 of 12) is provisional.
    pdf : bool
        Also print the report as an A4 PDF beside the HTML (``strategic_assessment.pdf``),
        with :func:`csp_analysis.report.pdf.export_pdf`.
    details : dict of str to str, optional
        What the cover shows about the report: ``author``, ``contact``, ``version``,
        ``extracted`` (the data extraction date). Default: ``report.yaml`` in the data
        folder when there is one (:func:`read_details`).
    spc_baseline_months : int
        How many months before the assessed period set the control charts' limits (default
        36; at least 12).
    categories : str, optional
        The category scheme of the crime categories where the data give several:
        ``police_uk``, ``home_office`` or ``own`` (see :func:`csp_analysis.assess`).

    Returns
    -------
    Path
        The HTML report.

    Raises
    ------
    UsageError
        Unknown area or year, or a ``notebook`` that is missing, unreadable or has no
        ``parameters`` cell (before anything runs).
    ReportError
        The notebook failed (the failed executed notebook is kept beside the outputs), or a
        PDF was asked for and no PDF engine can be loaded (said before anything runs).
    """
    return build_report(
        data,
        area,
        year,
        out,
        classification,
        notebook,
        category,
        suppress_below,
        min_months=min_months,
        pdf=pdf,
        details=details,
        spc_baseline_months=spc_baseline_months,
        categories=categories,
    )[0]


def build_report(
    data: str | Path | Dataset | None = None,
    area: str | None = None,
    year: str | Period | None = None,
    out: str | Path = "outputs",
    classification: str = defaults.MARKING,
    notebook: str | Path | None = None,
    category: str | None = None,
    suppress_below: int = defaults.SUPPRESS_BELOW,
    min_months: int = defaults.MIN_MONTHS,
    area_folder: str | None = None,
    pdf: bool = False,
    details: dict[str, str] | None = None,
    spc_baseline_months: int = defaults.SPC_BASELINE_MONTHS,
    categories: str | None = None,
) -> tuple[Path, Assessment]:
    """:func:`run_report`, also returning the assessment it computed (for the batch index).

    The assessment is computed once, here: the runner writes the published tables, key
    findings and workbook from it and hands it to the notebook's kernel, which only displays
    it. The parameters are those of :func:`run_report`.

    Parameters
    ----------
    data : str, Path or Dataset, optional
        Data folder (default: the built-in demo) or an already loaded dataset.
    area : str, optional
        Partnership area (default: the demo's area).
    year : str or Period, optional
        The assessed period (default: the latest complete financial year).
    out : str or Path
        Output root.
    classification : str
        Government Security Classification marking shown on every page.
    notebook : str or Path, optional
        A partnership's own copy of the notebook to run instead of the built-in one.
    category : str, optional
        Run the one-category deep dive instead.
    suppress_below : int
        Small-area counts from 1 to ``suppress_below - 1`` are suppressed.
    min_months : int
        A change compared on fewer months than this is provisional.
    area_folder : str, optional
        The area's folder name under ``out`` (default ``slug(area)``; a batch gives two areas
        whose names slug alike folders of their own).
    pdf : bool
        Also write the A4 PDF beside the HTML.
    details : dict of str to str, optional
        Author, contact, version and extraction date for the cover (default:
        ``report.yaml`` in the data folder).
    spc_baseline_months : int
        How many months before the assessed period set the control charts' limits.
    categories : str, optional
        The category scheme of the crime categories where the data give several
        (``police_uk``, ``home_office`` or ``own``; ``--categories``).

    Returns
    -------
    tuple of (Path, Assessment)
        The HTML report and the assessment.
    """
    from papermill.exceptions import PapermillExecutionError

    from csp_analysis.assessment import DEMO_AREA, check_spc_baseline, pending_marker
    from csp_analysis.report.display import resolve_category

    if (
        isinstance(suppress_below, bool)
        or not isinstance(suppress_below, int)
        or suppress_below < 1
    ):
        raise UsageError(
            f"the suppression threshold must be a whole number of at least 1, "
            f"not {suppress_below!r}"
        )
    check_spc_baseline(spc_baseline_months)
    if pdf:
        from csp_analysis.report.pdf import pdf_engine

        pdf_engine()  # no PDF engine here: say so before anything runs
    own_notebook = read_report_notebook(notebook) if notebook is not None else None
    if details is None and isinstance(data, str | Path):
        details = read_details(data)
    details = check_details(details or {}, "the report details")
    notes = read_commentary(data) if isinstance(data, str | Path) else {}
    ds = data if isinstance(data, Dataset) else load(data)
    refuse_unreadable(ds)
    if area is None and ds.synthetic:
        area = DEMO_AREA if DEMO_AREA in ds.areas else None
    area = ds.resolve_area(area)
    period = resolve_period(ds, area, year)  # parsed once; passed down whole
    year = period.label
    params = {
        "area": area,
        "year": period.text,
        "classification": classification,
        "suppress_below": suppress_below,
        "min_months": min_months,
        "spc_baseline_months": spc_baseline_months,
        "categories": categories,
        "assessment_file": ASSESSMENT_FILE,
        **details,
    }
    if notes:
        params["commentary"] = notes
    if category is None:
        final = Path(out) / (area_folder or slug(area)) / period.slug
        nb_name, html_name = NOTEBOOK, HTML_NAME
        title = f"{area} strategic assessment {year}"
    else:
        nb_name, html_name = DEEP_DIVE, DEEP_DIVE.replace(".ipynb", ".html")
    # Work in a private temporary folder outside --out (the handed assessment holds
    # records): a run that is killed or fails leaves nothing in the output folder.
    work = Path(tempfile.mkdtemp(prefix="csp-assess-run-"))
    respect_umask(work)  # mkdtemp makes it owner-only; the report folder is for colleagues too
    try:
        handed = work / ASSESSMENT_FILE
        executed = work / nb_name
        source_nb = notebooks_dir() / nb_name
        if own_notebook is not None:  # the partnership's own copy, checked above
            source_nb = work / ".source" / f"{Path(notebook or nb_name).stem}.ipynb"
            source_nb.parent.mkdir()
            nbformat.write(own_notebook, source_nb)
        options = {
            "suppress_below": suppress_below,
            "min_months": min_months,
            "spc_baseline_months": spc_baseline_months,
            "categories": categories,
        }
        failed: PapermillExecutionError | None = None
        # Leaving this block waits for the assessment's thread (a few seconds at most), so
        # that nothing is still writing into the work folder when it is removed.
        with ThreadPoolExecutor(max_workers=1) as pool:
            if category is None:
                # The kernel starts, and imports, while the assessment is computed in a
                # thread (its first cell waits for it: see open_assessment); the published
                # tables and workbook are then written while the kernel runs.
                contact = details.get("contact")
                pending_marker(handed).touch()
                computing = pool.submit(
                    _assess_for_kernel, ds, area, period, options, handed, (classification, contact)
                )
                try:
                    _execute(source_nb, executed, params, work)
                except PapermillExecutionError as exc:
                    failed = exc
                assessment = computing.result()  # its error first: the notebook had no input
            else:
                assessment = _assess_for_kernel(ds, area, period, options, handed, None)
                category = resolve_category(assessment, category)
                final = (
                    Path(out)
                    / (area_folder or slug(area))
                    / f"{period.slug}-deep-dive"
                    / slug(category)
                )
                params["category"] = category
                title = f"{category} in {area}: deep dive {year}"
                try:
                    _execute(source_nb, executed, params, work)
                except PapermillExecutionError as exc:
                    failed = exc
        final.parent.mkdir(parents=True, exist_ok=True)
        if failed is not None:
            nb = nbformat.read(executed, as_version=4)
            section, error = _failed_section(nb)
            kept = final.parent / f"{final.name}.FAILED-{nb_name}"
            _scrub(executed, work)
            shutil.copyfile(executed, kept)
            raise ReportError(error or str(failed.evalue), section=section, notebook=kept)
        handed.unlink()
        shutil.rmtree(work / ".source", ignore_errors=True)
        _scrub(executed, work)
        nb = nbformat.read(executed, as_version=4)
        nb.metadata["csp_report"] = {"classification": classification, "title": title}
        nbformat.write(nb, executed)
        html_path = export_html(
            executed, work / html_name, classification=classification, title=title
        )
        problems = check_offline(html_path.read_text(encoding="utf-8"))
        if problems:
            raise ReportError("the HTML would load from the network: " + "; ".join(problems))
        if pdf:
            from csp_analysis.report.pdf import export_pdf

            export_pdf(html_path)
        _swap_into_place(work, final)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return final / html_name, assessment


def period_warning(assessment: Assessment) -> str | None:
    """The warning ``run`` and ``batch`` print when the change is provisional or there is no
    comparison period.

    Parameters
    ----------
    assessment : Assessment
        A computed assessment.

    Returns
    -------
    str or None
        One sentence naming the area, the period and the months compared; ``None`` when the
        change is compared on enough months.
    """
    result = assessment.results.get("change")
    if result is None or not result.available:
        return None
    t = result.table("yoy_categories")
    if not len(t):
        return None
    first = t.iloc[0]
    where = f"{assessment.area}, {assessment.year}"
    if assessment.provisional:
        return (
            f"{where}: only {int(first['months_compared'])} of {assessment.period.n_months} "
            f"months are present in both periods ({first['previous_months']} and "
            f"{first['current_months']}); the change is provisional (fewer than "
            f"{assessment.min_months}) and is kept out of the headline and priorities"
        )
    if not result.facts.get("comparable", True):
        return (
            f"{where}: no data for the same months of {assessment.previous_year}, so no "
            "change is assessed"
        )
    return None


#: What ``report.yaml`` (or ``details``) may say about the report, shown on its cover.
DETAILS = ("author", "contact", "version", "extracted")
DETAILS_FILE = "report.yaml"


def check_details(details: dict[str, object], where: str) -> dict[str, str]:
    """Check the report's details: known keys only, each a short line of text.

    Parameters
    ----------
    details : dict
        ``author``, ``contact``, ``version``, ``extracted`` (any subset).
    where : str
        Where they came from, for the message.

    Returns
    -------
    dict of str to str
        The details given, as text.

    Raises
    ------
    UsageError
        For an unknown key or a value that is not a single line.
    """
    unknown = sorted(set(details) - set(DETAILS))
    if unknown:
        raise UsageError(
            f"{where}: unknown field(s) {', '.join(unknown)}; use {', '.join(DETAILS)}"
        )
    out: dict[str, str] = {}
    for key, value in details.items():
        if value is None:
            continue
        text = str(value).strip()
        if "\n" in text or len(text) > 200:
            raise UsageError(f"{where}: {key} must be one line of at most 200 characters")
        if text:
            out[key] = text
    return out


def read_details(data: str | Path) -> dict[str, str]:
    """The report details of ``report.yaml`` in a data folder (empty when there is none).

    Parameters
    ----------
    data : str or Path
        The data folder.

    Returns
    -------
    dict of str to str
        ``author``, ``contact``, ``version``, ``extracted`` as given.

    Raises
    ------
    UsageError
        Naming the file, when it is not a YAML mapping of those fields.
    """
    import yaml

    file = Path(data).expanduser() / DETAILS_FILE
    if not file.is_file():
        return {}
    try:
        loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"{file} cannot be read: {exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise UsageError(f"{file} must be a list of 'field: value' lines ({', '.join(DETAILS)})")
    return check_details({str(k): v for k, v in loaded.items()}, str(file))


def read_commentary(data: str | Path) -> dict[str, str]:
    """The analyst's commentary: ``commentary/<section>.md`` files in the data folder.

    Parameters
    ----------
    data : str or Path
        The data folder.

    Returns
    -------
    dict of str to str
        Markdown text by file stem (a section name such as ``change``, or a statutory slot:
        ``gaps``, ``horizon``, ``partners``); empty when there is no ``commentary`` folder.

    Raises
    ------
    UsageError
        Naming a file that is not UTF-8 text.
    """
    folder = Path(data).expanduser() / "commentary"
    notes: dict[str, str] = {}
    if not folder.is_dir():
        return notes
    for file in sorted(folder.glob("*.md")):
        try:
            notes[file.stem] = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{file} cannot be read as UTF-8 text: {exc}") from None
    return notes


def respect_umask(folder: Path) -> None:
    """Give a folder made by :func:`tempfile.mkdtemp` (mode 700) the mode an ordinary
    ``mkdir`` would give it under the process's umask (e.g. 755, or 775 with umask 002).

    Parameters
    ----------
    folder : Path
        The folder.
    """
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)


def read_report_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read a partnership's own report notebook and check that papermill can fill it.

    Parameters
    ----------
    path : str or Path
        An ``.ipynb`` notebook or its jupytext MyST Markdown text form (``.md``).

    Returns
    -------
    nbformat.NotebookNode
        The notebook, with stable cell ids (``cell-00``, ``cell-01``, ...) when it was read
        from its text form, so two runs give the same HTML.

    Raises
    ------
    UsageError
        Naming the file: it does not exist, is neither ``.ipynb`` nor ``.md``, cannot be read
        as a notebook, or has no code cell tagged ``parameters``.
    """
    import jupytext

    file = Path(path).expanduser()
    if not file.is_file():
        raise UsageError(f"the notebook {file} does not exist")
    if file.suffix not in (".ipynb", ".md"):
        raise UsageError(f"the notebook {file} is neither an .ipynb notebook nor its .md text form")
    try:
        nb = nbformat.read(file, as_version=4) if file.suffix == ".ipynb" else jupytext.read(file)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"the notebook {file} cannot be read: {exc}") from None
    if file.suffix == ".md":
        for i, cell in enumerate(nb.cells):
            cell.id = f"cell-{i:02d}"
    tagged = [
        c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
    ]
    if not tagged:
        raise UsageError(
            f"the notebook {file} has no cell tagged 'parameters': keep the "
            "first code cell of the report notebook (data = None, area = None, "
            "...) with its 'parameters' tag so the report's settings can be "
            "filled in"
        )
    return nb


def refuse_unreadable(ds: Dataset) -> None:
    """Refuse to build a report when a file of the data folder could not be read at all.

    A file that is empty, binary or a broken workbook may hold figures the report would
    silently lack; the analyst must remove or mend it first (``csp-assess validate`` lists
    every file).

    Parameters
    ----------
    ds : Dataset
        The loaded data folder.

    Raises
    ------
    DataError
        Naming the first unreadable file and why.
    """
    bad = ds.files[ds.files["layout"] == "unreadable"]
    if not len(bad):
        return
    first = bad.iloc[0]
    more = f" (and {len(bad) - 1} more unreadable files)" if len(bad) > 1 else ""
    reason = first["issue"] or "cannot be read"
    raise DataError(
        f"{reason}{more}; remove or mend it and run again (csp-assess validate lists every file)",
        file=str(first["source"]),
    )


def _swap_into_place(work: Path, final: Path) -> None:
    """Replace ``final`` by the finished report in ``work`` (the old report survives a
    failure): the published files are copied beside ``final``, then put in place by renames."""
    incoming = final.with_name(f".{final.name}.incoming-{os.getpid()}")
    backup = None
    try:
        shutil.copytree(work, incoming)
        if final.exists():
            backup = final.with_name(f".{final.name}.previous-{os.getpid()}")
            final.rename(backup)
        incoming.rename(final)
    except BaseException:
        if backup is not None and not final.exists():
            backup.rename(final)
            backup = None
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
