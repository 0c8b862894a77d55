"""Every partnership of a force (or any list of areas) in one command.

The data folder is read once (through the Parquet cache) and saved once as a dataset folder;
each area's notebook then runs in its own worker process against that saved dataset, several
at a time. An area that fails does not stop the others: it is reported in the summary and in
``OUT/index.html``, and the command's exit code says that something failed.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pandas as pd

from csp_analysis import defaults
from csp_analysis.exceptions import CspError, UsageError
from csp_analysis.model import Dataset, load

INDEX_NAME = "index.html"


@dataclass
class AreaRun:
    """What happened to one area of a batch."""

    area: str
    state: str = "waiting"  # waiting, running, done, failed
    html: Path | None = None
    error: str = ""
    seconds: float = 0.0
    year: str = ""


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
        return ds.areas
    if areas:
        return sorted({ds.resolve_area(a) for a in areas})
    name = ds.resolve_force(str(force))
    found = ds.areas_of_force(name)
    if not found:
        raise UsageError(f"force '{name}' has no partnership areas with data")
    return found


def _run_one(saved: str, area: str, year: str | None, out: str, classification: str,
             suppress_below: int) -> tuple[str, str, str]:  # fmt: skip
    """Worker: build one area's report; returns (html path, year, error message)."""
    from csp_analysis.periods import normalise_financial_year
    from csp_analysis.report.run import run_report

    try:
        path = run_report(saved, area, year, out, classification, suppress_below=suppress_below)
        return str(path), normalise_financial_year(path.parent.name), ""
    except CspError as exc:
        return "", "", str(exc)
    except Exception as exc:  # a bug in one area must not stop the batch
        return "", "", f"{type(exc).__name__}: {exc}"


class Progress:
    """One line per finished area and, on a terminal, a redrawn bar with the counts."""

    def __init__(self, runs: list[AreaRun], stream: TextIO | None = None) -> None:
        self.runs = runs
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()

    def bar(self) -> str:
        """``[#####.....] 7/14 done, 2 running, 1 failed, 42 s``."""
        n = len(self.runs)
        states = [r.state for r in self.runs]
        finished = states.count("done") + states.count("failed")
        width = 24
        filled = round(width * finished / n) if n else width
        return (f"[{'#' * filled}{'.' * (width - filled)}] {finished}/{n} finished: "
                f"{states.count('done')} done, {states.count('running')} running, "
                f"{states.count('failed')} failed, "
                f"{time.perf_counter() - self.start:.0f} s")

    def update(self, run: AreaRun | None = None) -> None:
        """Report a state change (a finished area gets its own line)."""
        if run is not None and run.state in ("done", "failed"):
            mark = "ok    " if run.state == "done" else "FAILED"
            detail = f"{run.seconds:.1f} s" if run.state == "done" else run.error
            if self.tty:
                self.stream.write("\r\033[K")
            self.stream.write(f"{mark} {run.area}: {detail}\n")
        if self.tty:
            self.stream.write("\r\033[K" + self.bar())
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def run_batch(
    data: str | Path | None,
    *,
    force: str | None = None,
    areas: list[str] | None = None,
    all_areas: bool = False,
    year: str | None = None,
    out: str | Path = "outputs",
    jobs: int | None = None,
    classification: str = defaults.MARKING,
    suppress_below: int = defaults.SUPPRESS_BELOW,
    stream: TextIO | None = None,
) -> list[AreaRun]:
    """Build the reports of many areas in parallel worker processes and an index page.

    Parameters
    ----------
    data : str or Path, optional
        The data folder (default: the built-in demo); it is read once.
    force, areas, all_areas
        Which areas (see :func:`select_areas`).
    year : str, optional
        Financial year for every area (default: each area's latest complete year).
    out : str or Path
        Output root: each report in ``OUT/<area>/<year>/``, the index in ``OUT/index.html``.
    jobs : int, optional
        Worker processes (default: one per core).
    classification : str
        Protective marking on every page.
    suppress_below : int
        Small-area counts below this are suppressed in every report.
    stream : file, optional
        Where progress is written (default: standard error).

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
    """
    from csp_analysis.report.run import refuse_unreadable

    ds = load(data)
    refuse_unreadable(ds)  # once, before any worker starts
    chosen = select_areas(ds, force, areas, all_areas)
    if year is not None:
        from csp_analysis.analyses.periods import resolve_year

        year = resolve_year(ds, chosen[0], year)  # a misspelt year is refused before any run
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs = [AreaRun(a) for a in chosen]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(runs)))
    staging = Path(tempfile.mkdtemp(prefix=".batch-", dir=out))
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
                    fut = pool.submit(_run_one, str(saved), run.area, year, str(out),
                                      classification, suppress_below)  # fmt: skip
                    pending[fut] = (run, time.perf_counter())
                progress.update()

            submit()
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    run, started = pending.pop(fut)
                    run.seconds = time.perf_counter() - started
                    try:
                        path, run.year, run.error = fut.result()
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
    """All crime and ASB this year, their change, and the top priority, from the tables."""
    cells = {"all_crime": "–", "all_crime_change": "–", "asb": "–", "asb_change": "–",
             "months": "–", "priority": "–"}  # fmt: skip
    if run.html is None:
        return cells
    tables = run.html.parent / "tables"
    try:
        yoy = pd.read_csv(tables / "yoy_categories.csv")
        for key, cat in (("all_crime", "All crime"), ("asb", "Anti-social behaviour")):
            row = yoy[yoy["category"] == cat]
            if len(row) and pd.notna(row["current"].iloc[0]):
                cells[key] = f"{int(row['current'].iloc[0]):,}"
                pct = row["pct_change"].iloc[0]
                cells[key + "_change"] = "–" if pd.isna(pct) else f"{pct:+.1f}%"
                if key == "all_crime" and pd.notna(row["months_compared"].iloc[0]):
                    cells["months"] = str(int(row["months_compared"].iloc[0]))
        risk = pd.read_csv(tables / "risk_matrix.csv")
        if len(risk) and "rank" in risk.columns:
            cells["priority"] = str(risk.sort_values("rank")["category"].iloc[0])
    except (OSError, KeyError, ValueError, pd.errors.EmptyDataError):
        pass  # the index still links the report; the figures are shown as missing
    return cells


def write_index(runs: list[AreaRun], out: Path, classification: str, ds: Dataset) -> Path:
    """Write ``OUT/index.html``: every report linked with its headline figures.

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
        The data (for its display name and whether it is synthetic).

    Returns
    -------
    Path
        The index page.
    """
    esc = html.escape
    rows = []
    for r in runs:
        h = _headline(r)
        if r.html is not None:
            href = Path(os.path.relpath(r.html, out)).as_posix()
            link = f"<a href=\"{esc(href)}\">{esc(r.area)}</a>"
        else:
            link = esc(r.area)
        status = "built" if r.state == "done" else f"failed: {esc(r.error)}"
        rows.append(
            f"<tr><th scope='row'>{link}</th><td>{esc(r.year or '–')}</td>"
            f"<td class='n'>{h['all_crime']}</td><td class='n'>{h['all_crime_change']}</td>"
            f"<td class='n'>{h['months']}</td>"
            f"<td class='n'>{h['asb']}</td><td class='n'>{h['asb_change']}</td>"
            f"<td>{esc(h['priority'])}</td><td>{status}</td></tr>"
        )
    failed = sum(r.state == "failed" for r in runs)
    synthetic = (" <strong>Synthetic demo data: not real crime figures.</strong>"
                 if ds.synthetic else "")  # fmt: skip
    page = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strategic assessments: {esc(ds.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #1a1a1a;
  line-height: 1.5; padding: 0 1rem; }}
.marking {{ text-align: center; font-weight: bold; letter-spacing: .05em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: .4rem .6rem; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
a {{ color: #0b5394; }}
</style></head>
<body>
<p class="marking">{esc(classification)}</p>
<h1>Strategic assessments</h1>
<p>{len(runs)} partnership areas from the data folder <em>{esc(ds.name)}</em>:
{len(runs) - failed} reports built, {failed} failed.{synthetic}
All crime excludes anti-social behaviour (ASB); the change is against the previous year over the
months both years have.</p>
<table>
<caption>Reports and headline figures</caption>
<thead><tr><th scope="col">Area</th><th scope="col">Year</th><th scope="col">All crime</th>
<th scope="col">All crime change</th><th scope="col">Months compared</th>
<th scope="col">ASB</th><th scope="col">ASB change</th>
<th scope="col">Top priority (risk matrix)</th><th scope="col">Report</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<p class="marking">{esc(classification)}</p>
</body></html>
"""
    path = out / INDEX_NAME
    tmp = path.with_name(f".{INDEX_NAME}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
