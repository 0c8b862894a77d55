"""Every partnership of a force (or any list of areas) in one command.

The data folder is read once (through the Parquet cache) and saved once as a dataset folder;
each area's notebook then runs in its own worker process against that saved dataset, several
at a time. An area that fails does not stop the others: it is reported in the summary and in
``OUT/index.html``, and the command's exit code says that something failed.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import jinja2
from tqdm import tqdm

from csp_analysis import defaults
from csp_analysis.exceptions import CspError, UsageError
from csp_analysis.model import Dataset, load
from csp_analysis.periods import Period

INDEX_NAME = "index.html"
INDEX_TEMPLATE = "index.html.j2"

#: The index page's template, shipped as package data (``report/templates/batch``).
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("csp_analysis.report", "templates/batch"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass
class AreaRun:
    """What happened to one area of a batch."""

    area: str
    state: str = "waiting"  # waiting, running, done, failed
    html: Path | None = None
    error: str = ""
    seconds: float = 0.0
    year: str = ""
    headline: dict[str, str] = field(default_factory=dict)
    warning: str = ""


def select_areas(
    ds: Dataset, force: str | None = None, areas: list[str] | None = None, all_areas: bool = False
) -> list[str]:
    """The areas a batch covers: one force's partnerships, a list, or every area.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    force : str, optional
        A police force named in the data (any case).
    areas : list of str, optional
        Partnership areas (any case); each must be in the data.
    all_areas : bool
        Every partnership area in the data.

    Returns
    -------
    list of str
        Area names as the data spells them, sorted.

    Raises
    ------
    UsageError
        Not exactly one of the three choices, an unknown force or area, or a force with no
        partnership areas.

    Examples
    --------
    >>> from csp_analysis import load
    >>> len(select_areas(load(), force="wessmoor constabulary"))
    14
    """
    chosen = sum([force is not None, bool(areas), all_areas])
    if chosen != 1:
        raise UsageError("choose the areas with exactly one of --force, --areas or --all")
    if all_areas:
        return ds.areas or [ds.resolve_area(None)]  # none: refused saying what files lacked
    if areas:
        return sorted({ds.resolve_area(a) for a in areas})
    name = ds.resolve_force(str(force))
    found = ds.areas_of_force(name)
    if not found:
        raise UsageError(f"force '{name}' has no partnership areas with data")
    return found


def area_folders(areas: list[str]) -> dict[str, str]:
    """A folder name per area, unique even when two names slug alike.

    Parameters
    ----------
    areas : list of str
        The batch's areas.

    Returns
    -------
    dict of str to str
        ``slug(area)``, with ``-2``, ``-3``, ... added (in area order) to the second and later
        areas whose slug is taken.

    Examples
    --------
    >>> area_folders(["St Albans", "St. Albans", "Tendring"])
    {'St Albans': 'st-albans', 'St. Albans': 'st-albans-2', 'Tendring': 'tendring'}
    """
    from csp_analysis.report.run import slug

    taken: set[str] = set()
    out = {}
    for area in sorted(areas):
        base = slug(area) or "area"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        out[area] = name
    return out


def _run_one(
    saved: str,
    area: str,
    year: Period | None,
    out: str,
    classification: str,
    suppress_below: int,
    min_months: int = defaults.MIN_MONTHS,
    folder: str | None = None,
    pdf: bool = False,
    details: dict[str, str] | None = None,
    spc_baseline_months: int = defaults.SPC_BASELINE_MONTHS,
    categories: str | None = None,
) -> tuple[str, str, str, dict[str, str], str]:
    """Worker: build one area's report; returns (html path, period label, error message,
    headline, warning)."""
    import signal

    from csp_analysis.report.run import build_report, period_warning

    # A terminated worker unwinds (its private work folder is removed) instead of vanishing.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        path, assessment = build_report(
            saved,
            area,
            year,
            out,
            classification,
            suppress_below=suppress_below,
            min_months=min_months,
            area_folder=folder,
            pdf=pdf,
            details=details,
            spc_baseline_months=spc_baseline_months,
            categories=categories,
        )
        warning = period_warning(assessment) or ""
        return str(path), assessment.year, "", assessment.headline(), warning
    except CspError as exc:
        return "", "", str(exc), {}, ""
    except Exception as exc:  # a bug in one area must not stop the batch
        return "", "", f"{type(exc).__name__}: {exc}", {}, ""


def _exit_on_signal(signum: int, frame: object) -> None:
    """Turn a termination signal into SystemExit, so that ``finally`` blocks clean up."""
    raise SystemExit(128 + signum)


class Progress:
    """One line per finished area and, on a terminal, a ``tqdm`` bar with the counts.

    Parameters
    ----------
    runs : list of AreaRun
        The batch's areas, whose states the bar counts.
    stream : file, optional
        Where progress is written (default: standard error); the bar only on a terminal.
    """

    def __init__(self, runs: list[AreaRun], stream: TextIO | None = None) -> None:
        self.runs = runs
        self.stream = stream or sys.stderr
        tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        # Off a terminal (a log file, CI) only the per-area lines are written.
        self.bar = tqdm(
            total=len(runs),
            file=self.stream,
            unit="area",
            desc="reports",
            disable=not tty,
            dynamic_ncols=True,
        )

    def update(self, run: AreaRun | None = None) -> None:
        """Report a state change (a finished area gets its own line).

        Parameters
        ----------
        run : AreaRun, optional
            The area that has just finished, if any.
        """
        if run is not None and run.state in ("done", "failed"):
            mark = "ok    " if run.state == "done" else "FAILED"
            detail = f"{run.seconds:.1f} s" if run.state == "done" else run.error
            tqdm.write(f"{mark} {run.area}: {detail}", file=self.stream)
            if run.warning:
                tqdm.write(f"warning: {run.warning}", file=self.stream)
            self.bar.update(1)
        states = [r.state for r in self.runs]
        self.bar.set_postfix_str(
            f"{states.count('done')} done, {states.count('running')} "
            f"running, {states.count('failed')} failed"
        )
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        self.bar.close()


def run_batch(
    data: str | Path | None,
    *,
    force: str | None = None,
    areas: list[str] | None = None,
    all_areas: bool = False,
    year: str | Period | None = None,
    out: str | Path = "outputs",
    jobs: int | None = None,
    classification: str = defaults.MARKING,
    suppress_below: int = defaults.SUPPRESS_BELOW,
    stream: TextIO | None = None,
    min_months: int = defaults.MIN_MONTHS,
    pdf: bool = False,
    spc_baseline_months: int = defaults.SPC_BASELINE_MONTHS,
    categories: str | None = None,
) -> list[AreaRun]:
    """Build the reports of many areas in parallel worker processes and an index page.

    Parameters
    ----------
    data : str or Path, optional
        The data folder (default: the built-in demo); it is read once.
    force, areas, all_areas
        Which areas (see :func:`select_areas`).
    year : str or Period, optional
        The period for every area: a financial year (``2018/19``), a quarter or the first and
        last month (``2024-07..2025-06``); default each area's latest complete financial year.
    out : str or Path
        Output root: each report in ``OUT/<area>/<period>/``, the index in
        ``OUT/index.html``.
    jobs : int, optional
        Worker processes (default: one per core).
    classification : str
        Protective marking on every page.
    suppress_below : int
        Small-area counts below this are suppressed in every report.
    stream : file, optional
        Where progress, and a warning for each area whose change is provisional, are written
        (default: standard error).
    min_months : int
        A change compared on fewer months than this is provisional (default 9).
        Where progress is written (default: standard error).
    pdf : bool
        Also print each report as an A4 PDF beside its HTML.
    spc_baseline_months : int
        How many months before the assessed period set the control charts' limits in every
        report (default 36; at least 12).
    categories : str, optional
        The category scheme of the crime categories where the data give several
        (``police_uk``, ``home_office`` or ``own``, see :func:`csp_analysis.assess`); an area
        whose crime is not given in it fails with the schemes it has.

    Returns
    -------
    list of AreaRun
        One per area, in area order, each ``done`` or ``failed`` (with the reason).

    Raises
    ------
    UsageError
        For a bad choice of areas or year (before any report runs).
    DataError
        If a file of the data folder cannot be read at all (before any report runs).
    ReportError
        If a PDF was asked for and no PDF engine can be loaded (before any report runs).
    """
    from csp_analysis.assessment import check_spc_baseline
    from csp_analysis.report.run import read_details, refuse_unreadable

    check_spc_baseline(spc_baseline_months)  # refused before any data are read
    details = read_details(data) if data is not None else {}  # report.yaml, for every cover
    if pdf:
        from csp_analysis.report.pdf import pdf_engine

        pdf_engine()

    ds = load(data)
    refuse_unreadable(ds)  # once, before any worker starts
    chosen = select_areas(ds, force, areas, all_areas)
    if year is not None:
        from csp_analysis.analyses.periods import resolve_period

        # parsed once, and a misspelt period refused before any run
        year = resolve_period(ds, chosen[0], year)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs = [AreaRun(a) for a in chosen]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(runs)))
    folders = area_folders(chosen)
    # The saved dataset holds street records: it is kept in a private temporary folder
    # outside --out, removed on every exit (a terminated batch included).
    staging = Path(tempfile.mkdtemp(prefix="csp-assess-batch-"))
    progress = Progress(runs, stream)
    try:
        saved = ds.save(staging / "dataset", areas=chosen)
        context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            pending: dict[Future, tuple[AreaRun, float]] = {}
            queue = list(runs)

            def submit() -> None:
                while queue and len(pending) < jobs:
                    run = queue.pop(0)
                    run.state = "running"
                    fut = pool.submit(
                        _run_one,
                        str(saved),
                        run.area,
                        year,
                        str(out),
                        classification,
                        suppress_below,
                        min_months,
                        folders[run.area],
                        pdf,
                        details,
                        spc_baseline_months,
                        categories,
                    )
                    pending[fut] = (run, time.perf_counter())
                progress.update()

            submit()
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    run, started = pending.pop(fut)
                    run.seconds = time.perf_counter() - started
                    try:
                        path, run.year, run.error, run.headline, run.warning = fut.result()
                    except Exception as exc:  # the worker process itself died
                        path, run.error = "", f"worker stopped: {exc}"
                    run.state = "done" if path else "failed"
                    run.html = Path(path) if path else None
                    progress.update(run)
                submit()
    finally:
        progress.close()
        shutil.rmtree(staging, ignore_errors=True)
    write_index(runs, out, classification, ds)
    return runs


def _headline(run: AreaRun) -> dict[str, str]:
    """All crime and ASB this year, their change and rate, the months covered and the top
    priorities, as the worker's assessment gave them (``"–"`` where not computed or the area
    failed)."""
    cells = {
        "all_crime": "–",
        "all_crime_change": "–",
        "all_crime_rate": "–",
        "asb": "–",
        "asb_change": "–",
        "months": "–",
        "months_covered": "–",
        "priority": "–",
    }
    if run.html is not None:
        cells.update(run.headline)
    return cells


def force_total(runs: list[AreaRun], label: str) -> tuple[dict[str, str] | None, str]:
    """The total row of the batch index: the sum of the areas' own totals.

    A total is given only where it means something: every area's report was built, every
    area has its All crime and ASB totals, and every area covers the same months of the same
    period. The change is summed only when every area's change is compared on the same months
    (and none is provisional); the rate only when every area's population is known.

    Parameters
    ----------
    runs : list of AreaRun
        The batch's areas.
    label : str
        The row's name (e.g. ``"Wessmoor Constabulary (all 14 areas)"``).

    Returns
    -------
    tuple of (dict or None, str)
        The row's cells (``None`` when no total is given) and, when a total or part of it is
        not given, the reason in words (``""`` otherwise).
    """
    if not runs:
        return None, "no areas"
    failed = [r.area for r in runs if r.html is None]
    if failed:
        return None, f"no total: the report of {_names(failed)} was not built"
    heads = {r.area: r.headline for r in runs}
    for key, what in (("_all_crime", "All crime"), ("_asb", "anti-social behaviour")):
        missing = [a for a, h in heads.items() if not h.get(key)]
        if missing:
            return None, f"no total: {_names(missing)} {_has(missing)} no {what} total"
    years = {r.year for r in runs}
    if len(years) > 1:
        return None, f"no total: the areas cover different periods ({', '.join(sorted(years))})"
    spans = {a: h.get("_months_present", "") for a, h in heads.items()}
    unknown = [a for a, m in spans.items() if not m]
    if unknown:
        return None, f"no total: the months covered by {_names(unknown)} are not known"
    if len(set(spans.values())) > 1:
        # the months most areas cover (on a tie, the most months): the others are named
        values = list(spans.values())
        common = max(sorted(set(values)), key=lambda m: (values.count(m), m.count(",")))
        odd = [a for a, m in spans.items() if m != common]
        return None, (
            f"no total: the areas do not cover the same months ({_names(odd)} "
            f"{'differs' if len(odd) == 1 else 'differ'} from the others), so their sums "
            "would not be the same months"
        )
    crime = sum(int(h["_all_crime"]) for h in heads.values())
    asb = sum(int(h["_asb"]) for h in heads.values())
    first = next(iter(heads.values()))
    row = {
        "area": label,
        "year": runs[0].year or "–",
        "months_covered": first.get("months_covered", "–"),
        "all_crime": f"{crime:,}",
        "all_crime_rate": "–",
        "all_crime_change": "–",
        "months": "–",
        "asb": f"{asb:,}",
        "asb_change": "–",
        "priority": "–",
        "href": "",
        "status": "sum of the areas above",
    }
    partial = []
    if all(h.get("_population") for h in heads.values()):
        people = sum(int(h["_population"]) for h in heads.values())
        row["all_crime_rate"] = f"{crime / people * 1000:,.1f}"
        if " of " in row["months_covered"]:
            row["all_crime_rate"] += " (months covered)"
    else:
        unknown = [a for a, h in heads.items() if not h.get("_population")]
        partial.append(f"no rate: the population of {_names(unknown)} is not known")
    compared = {h.get("_months_compared", "") for h in heads.values()}
    if len(compared) == 1 and "" not in compared:
        cur = sum(int(h["_all_crime_current"]) for h in heads.values())
        prev = sum(int(h["_all_crime_previous"]) for h in heads.values())
        row["all_crime_change"] = f"{(cur - prev) / prev * 100:+.1f}%" if prev else "–"
        row["months"] = first.get("months", "–")
    else:
        partial.append(
            "no change: the areas' changes are not all compared on the same months "
            "(or one is provisional)"
        )
    return row, "; ".join(partial)


def _names(areas: list[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and 3 other areas"``."""
    if len(areas) <= 2:
        return " and ".join(areas)
    return f"{areas[0]}, {areas[1]} and {len(areas) - 2} other area" + (
        "s" if len(areas) > 3 else ""
    )


def _has(areas: list[str]) -> str:
    return "has" if len(areas) == 1 else "have"


def write_index(runs: list[AreaRun], out: Path, classification: str, ds: Dataset) -> Path:
    """Write ``OUT/index.html``: every report linked with its headline figures, and a total
    row (:func:`force_total`) or the reason there is none.

    Self-contained (no scripts or files from elsewhere), relative links only, the marking at
    top and bottom.

    Parameters
    ----------
    runs : list of AreaRun
        The batch's areas.
    out : Path
        The output root.
    classification : str
        Protective marking.
    ds : Dataset
        The data (for the areas' forces and whether it is synthetic).

    Returns
    -------
    Path
        The index page.
    """
    rows = []
    for r in runs:
        href = Path(os.path.relpath(r.html, out)).as_posix() if r.html is not None else ""
        status = "built" if r.state == "done" else f"failed: {r.error}"
        rows.append(
            {"area": r.area, "href": href, "year": r.year or "–", "status": status, **_headline(r)}
        )
    failed = sum(r.state == "failed" for r in runs)
    chosen = {r.area for r in runs}
    # The forces of the areas, never the data folder's name (a user name when --data ~).
    forces = [f for f in ds.forces if chosen & set(ds.areas_of_force(f))]
    years = sorted({r.year for r in runs if r.year})
    title = "Strategic assessments"
    if len(forces) == 1:
        title += f": {forces[0]}"
    if years:
        title += f", {' and '.join(years)}" if len(years) <= 2 else f", {years[0]} to {years[-1]}"
    if len(forces) == 1 and chosen == set(ds.areas_of_force(forces[0])):
        label = f"{forces[0]} (all {len(runs)} areas)"
    else:
        label = f"Total of the {len(runs)} areas"
    total, total_note = force_total(runs, label)
    page = _TEMPLATES.get_template(INDEX_TEMPLATE).render(
        title=title,
        total=total,
        total_note=total_note,
        generated=datetime.date.today().strftime("%-d %B %Y"),
        name=" and ".join(forces),
        classification=classification,
        rows=rows,
        built=len(runs) - failed,
        failed=failed,
        synthetic=ds.synthetic,
    )
    path = out / INDEX_NAME
    tmp = path.with_name(f".{INDEX_NAME}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
