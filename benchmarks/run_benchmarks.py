"""Measure csp-assess against its performance targets, in one run, on the same files.

Every measurement is a fresh subprocess (same interpreter as this script) timed with
``time.perf_counter`` around start and exit; its peak memory is the larger of the child's own
``ru_maxrss`` (from ``os.wait4``) and the sampled sum of the resident set sizes of the child and
all its descendants (papermill kernels, batch workers), sampled every 20 ms with psutil. With
``--repeat N`` each command runs N times and the fastest run counts (peak memory: the largest).

Measurements (the targets come from the performance issue; see ``docs/performance.md``):

``baseline``
    ``benchmarks/baseline_pandas.py DATA``: plain pandas read of every file, area from the LSOA
    name, group-count.
``pyarrow``
    ``benchmarks/bare_pyarrow.py DATA``: bare ``pyarrow.csv.read_csv`` of the ten used columns.
``validate``
    ``csp-assess validate --data DATA`` with ``CSP_ASSESS_CACHE_DIR`` a fresh empty folder
    (cold: at most 0.2x the baseline and 2x the pyarrow read; peak memory under 2 GB), then the
    same command again with the same cache folder (warm: at most 0.05x the baseline).
``one_core``
    The bare pyarrow read and a cold ``validate`` again, each held to one CPU (Linux CPU
    affinity): the cold read at most 2x the pyarrow read and 0.2x the baseline on one core too.
``archive``
    ``csp_analysis.model.archive.archive_counts('Burglary', since='2011-01')`` (DuckDB) over the
    cache the cold ``validate`` filled: burglary in every partnership, month by month.
``report``
    ``csp-assess run --data FORCE_DATA --area AREA --year YEAR --out TMP`` with a fresh cache
    folder, against ``benchmarks/floor_notebook.py`` (papermill running a notebook with only
    the report's imports, then the HTML export): at most 1.5x.
``batch``
    ``csp-assess batch --data FORCE_DATA --force FORCE --year YEAR --out TMP --jobs 2`` against
    ``--jobs 1``, both with the same cache folder filled beforehand by an untimed
    ``csp-assess validate``: at least 1.7x faster.

``batch_all`` (only with ``--only``: about an hour on two cores)
    ``csp-assess batch --data DATA --all --jobs 2`` with a cache filled beforehand: a report
    for every partnership of the national benchmark, its time and peak memory.

``FORCE_DATA`` is a folder of hard links to the files of one force (``--force``, default
Essex Police, 14 partnership areas) taken from ``DATA``, so the report and batch measure
report time, not national parsing. A command that is missing or fails is reported as
"not available: <reason>" and the run goes on.

Examples
--------
``python benchmarks/run_benchmarks.py --data /tmp/national --json results.json
--markdown results.md``
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

try:
    import psutil
except ImportError:  # peak memory then comes from ru_maxrss only
    psutil = None

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GROUPS = ("baseline", "pyarrow", "validate", "one_core", "archive", "report", "batch", "batch_all")
#: Groups run when ``--only`` is not given (``batch_all``, a report for every partnership of
#: the national benchmark, takes about an hour on two cores).
DEFAULT_GROUPS = ("baseline", "pyarrow", "validate", "one_core", "archive", "report", "batch")
CACHE_ENV = "CSP_ASSESS_CACHE_DIR"
MB = 1024 * 1024

#: Targets: (check key, what it compares, comparison, threshold).
TARGETS = {
    "validate_vs_baseline": ("cold validate / pandas baseline", "<=", 0.2),
    "validate_vs_pyarrow": ("cold validate / bare pyarrow read", "<=", 2.0),
    "warm_vs_baseline": ("warm validate / pandas baseline", "<=", 0.05),
    "validate_peak_mb": ("peak memory of cold validate (MB)", "<", 2048.0),
    "validate_vs_pyarrow_1cpu": ("on 1 CPU: cold validate / bare pyarrow read", "<=", 2.0),
    "validate_vs_baseline_1cpu": ("on 1 CPU: cold validate / pandas baseline", "<=", 0.2),
    "report_vs_floor": ("report / papermill floor", "<=", 1.5),
    "batch_speedup": ("batch --jobs 1 / --jobs 2", ">=", 1.7),
}
#: The archive query timed by the ``archive`` group (DuckDB over the cold run's cache).
ARCHIVE_QUERY = (
    "import time; t = time.perf_counter(); "
    "from csp_analysis.model.archive import archive_counts; "
    "out = archive_counts('Burglary', since='2011-01'); "
    'print(f\'{len(out):,} rows, {int(out["count"].sum()):,} burglaries; '
    "{time.perf_counter() - t:.2f} s')"
)


@dataclass
class Run:
    """One measured command.

    Attributes
    ----------
    key : str
        Measurement key (``baseline``, ``validate_cold``, ...).
    command : list of str
        The command line.
    seconds : float or None
        Wall time of the fastest successful repeat; None if it never succeeded.
    cpu_seconds : float or None
        User + system CPU time of that repeat (child and its waited-for descendants).
    peak_mb : float or None
        Largest peak memory over the repeats (MiB).
    error : str or None
        Why the measurement is not available.
    notes : list of str
        Anything worth knowing (output checks, cache state).
    all_seconds : list of float
        Wall time of every successful repeat.
    """

    key: str
    command: list[str]
    seconds: float | None = None
    cpu_seconds: float | None = None
    peak_mb: float | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    all_seconds: list[float] = field(default_factory=list)


@dataclass
class Check:
    """One row of the results table.

    Attributes
    ----------
    name : str
        What is measured.
    seconds, peak_mb : float or None
        From the measured run (None if not applicable or not available).
    ratio : float or None
        The compared quantity (a time ratio, or MB for the memory check).
    target : str
        The target, e.g. ``"<= 0.2x"``.
    met : bool or None
        Whether the target is met; None if there is no target or no measurement.
    note : str
        "not available: ..." or other remarks.
    cpu_seconds : float or None
        CPU time of the measured run (less sensitive than wall time to other load).
    """

    name: str
    seconds: float | None
    peak_mb: float | None
    ratio: float | None
    target: str
    met: bool | None
    note: str = ""
    cpu_seconds: float | None = None


# ------------------------------------------------------------------------------------ running
def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 if it is gone)."""
    if psutil is None:
        return 0
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_once(
    cmd: list[str],
    env: dict[str, str],
    log: Path,
    timeout: float,
    memory_limit_mb: float | None,
    cpus: int | None = None,
) -> tuple[float, float, float, int, str]:
    """Run one command, measuring wall time, CPU time and peak memory of its process tree.

    Parameters
    ----------
    cmd : list of str
        Command line.
    env : dict
        Environment of the child.
    log : Path
        Stem of the log files (``.out`` and ``.err`` are added).
    timeout : float
        Seconds before the child's process group is killed.
    memory_limit_mb : float, optional
        Kill the child's process group when its tree holds more than this (protects a shared
        machine); None for no limit.
    cpus : int, optional
        Run the child on this many CPUs only (the first ones it may use; Linux).

    Returns
    -------
    tuple
        ``(seconds, cpu_seconds, peak_mb, exit_code, problem)``; ``problem`` is "" or why the
        child was killed.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    peak = [0]
    killed: list[str] = []
    done = threading.Event()
    with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        started = time.perf_counter()
        allowed = sorted(os.sched_getaffinity(0))[:cpus] if cpus else None
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=out,
            stderr=err,
            cwd=str(ROOT),
            start_new_session=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, allowed)) if allowed else None,
        )

        def sample() -> None:
            while not done.wait(0.02):
                rss = _tree_rss(proc.pid)
                peak[0] = max(peak[0], rss)
                reason = ""
                if memory_limit_mb is not None and rss > memory_limit_mb * MB:
                    reason = f"killed above the memory limit of {memory_limit_mb:,.0f} MB"
                elif time.perf_counter() - started > timeout:
                    reason = f"killed after the timeout of {timeout:,.0f} s"
                if reason:
                    killed.append(reason)
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)  # our own child's process group
                    except ProcessLookupError:
                        pass
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: do not leave the child running
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise
        finally:
            seconds = time.perf_counter() - started
            done.set()
            sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = max(peak[0] / MB, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, peak_mb, proc.returncode, (killed[0] if killed else "")


def _last_line(path: Path) -> str:
    """The last non-blank line of a log file (trimmed), for error messages."""
    try:
        lines = [s.strip() for s in path.read_text(errors="replace").splitlines() if s.strip()]
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""


class Bench:
    """Runs the measurements and keeps their results.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.
    work : Path
        Working folder for logs, caches, outputs and the one-force data folder.
    """

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.runs: dict[str, Run] = {}
        self.env = dict(os.environ)
        path = self.env.get("PYTHONPATH", "")
        self.env["PYTHONPATH"] = str(ROOT) + (os.pathsep + path if path else "")
        self.env.setdefault("MPLBACKEND", "Agg")
        self.cli = cli_command()
        self.last_cache: Path | None = None
        self._caches = 0

    def fresh_cache(self) -> Path:
        """A new, empty cache folder."""
        self._caches += 1
        folder = self.work / "caches" / f"cache-{self._caches}"
        folder.mkdir(parents=True)
        return folder

    def measure(
        self,
        key: str,
        cmd: list[str],
        cache: Path | None = None,
        fresh_cache: bool = False,
        cpus: int | None = None,
    ) -> Run:
        """Run ``cmd`` ``--repeat`` times and keep the fastest successful run.

        Parameters
        ----------
        key : str
            Measurement key.
        cmd : list of str
            Command line.
        cache : Path, optional
            ``CSP_ASSESS_CACHE_DIR`` for every repeat.
        fresh_cache : bool
            Give every repeat its own new, empty cache folder instead.
        cpus : int, optional
            Run on this many CPUs only.

        Returns
        -------
        Run
        """
        run = Run(key, cmd)
        for i in range(self.args.repeat):
            folder = self.fresh_cache() if fresh_cache else cache
            one = self._single(key, cmd, folder, i, cpus)
            _merge(run, one)
            if one.error:
                break
            self.last_cache = folder
            if fresh_cache and folder is not None and not any(folder.iterdir()):
                note = f"{CACHE_ENV} folder still empty after the run (cache not used?)"
                if note not in run.notes:
                    run.notes.append(note)
        self.runs[key] = run
        return run

    # ---------------------------------------------------------------------- the groups
    def baseline(self) -> None:
        """The plain pandas script."""
        self.measure(
            "baseline", [sys.executable, str(HERE / "baseline_pandas.py"), str(self.args.data)]
        )

    def pyarrow(self) -> None:
        """The bare pyarrow read of the used columns."""
        self.measure(
            "pyarrow", [sys.executable, str(HERE / "bare_pyarrow.py"), str(self.args.data)]
        )

    def validate(self) -> None:
        """Cold ``validate`` with a fresh cache folder, then warm with the same folder."""
        cmd = [*self.cli, "validate", "--data", str(self.args.data)]
        cold = self.measure("validate_cold", cmd, fresh_cache=True)
        if cold.seconds is None:
            self.runs["validate_warm"] = Run(
                "validate_warm", cmd, error=f"the cold run failed: {cold.error}"
            )
            return
        self.measure("validate_warm", cmd, cache=self.last_cache)
        self.cold_cache = self.last_cache

    def one_core(self) -> None:
        """The bare pyarrow read and cold ``validate`` again, each held to one CPU."""
        self.measure(
            "pyarrow_1cpu",
            [sys.executable, str(HERE / "bare_pyarrow.py"), str(self.args.data)],
            cpus=1,
        )
        cmd = [*self.cli, "validate", "--data", str(self.args.data)]
        self.measure("validate_cold_1cpu", cmd, fresh_cache=True, cpus=1)

    def archive(self) -> None:
        """An archive-wide question (DuckDB) over the cache the cold ``validate`` filled."""
        cache = getattr(self, "cold_cache", None)
        if cache is None:
            cache = self.fresh_cache()
            self._single(
                "archive_fill_cache",
                [*self.cli, "validate", "--data", str(self.args.data)],
                cache,
                0,
            )
        self.measure("archive", [sys.executable, "-c", ARCHIVE_QUERY], cache=cache)

    def _single(
        self, key: str, cmd: list[str], cache: Path | None, i: int, cpus: int | None = None
    ) -> Run:
        """One repeat of ``cmd`` as a :class:`Run` (used where repeats differ in set-up)."""
        env = dict(self.env)
        if cache is not None:
            env[CACHE_ENV] = str(cache)
        log = self.work / "logs" / f"{key}-{i + 1}"
        print(f"  {key} ({i + 1}/{self.args.repeat}): {' '.join(cmd)}", file=sys.stderr)
        seconds, cpu, peak, code, killed = run_once(
            cmd, env, log, self.args.timeout, self.args.memory_limit_mb, cpus
        )
        run = Run(key, cmd, peak_mb=peak)
        if killed or code != 0:
            reason = killed or _last_line(log.with_suffix(".err")) or f"exit code {code}"
            run.error = f"{reason} (exit code {code}; log {log.with_suffix('.err')})"
            print(f"    not available: {run.error}", file=sys.stderr)
        else:
            run.seconds, run.cpu_seconds, run.all_seconds = seconds, cpu, [seconds]
            print(f"    {seconds:.2f} s, {cpu:.1f} s CPU, peak {peak:,.0f} MB", file=sys.stderr)
        return run

    def force_data(self) -> Path:
        """The one-force folder (hard links to the force's files in ``--data``)."""
        if self.args.report_data is not None:
            return self.args.report_data
        folder = self.work / "force-data"
        if folder.exists():
            return folder
        n = link_force_files(self.args.data, folder, self.args.force)
        if n == 0:
            raise LookupError(f"no police.uk file of '{self.args.force}' under {self.args.data}")
        print(f"  {n} files of {self.args.force} linked into {folder}", file=sys.stderr)
        return folder

    def _force_data_or_skip(self, keys: Sequence[str]) -> Path | None:
        """The one-force folder, or None after marking ``keys`` as not available."""
        try:
            data = self.force_data()
            if "report" in keys:
                self.area  # noqa: B018 - fails early when no area can be chosen
        except LookupError as exc:
            for key in keys:
                self.runs[key] = Run(key, [], error=str(exc))
            print(f"    not available: {exc}", file=sys.stderr)
            return None
        return data

    def report(self) -> None:
        """One report end to end against the papermill floor."""
        data = self._force_data_or_skip(["floor", "report"])
        if data is None:
            return
        floor_out = self.work / "floor"
        self.measure(
            "floor", [sys.executable, str(HERE / "floor_notebook.py"), "--out", str(floor_out)]
        )
        out = self.work / "report-out"
        self.measure(
            "report",
            [
                *self.cli,
                "run",
                "--data",
                str(data),
                "--area",
                self.area,
                "--year",
                self.args.year,
                "--out",
                str(out),
            ],
            fresh_cache=True,
        )
        html = list(out.rglob("*.html"))
        if self.runs["report"].seconds is not None and not html:
            self.runs["report"].notes.append("no HTML written")

    def batch(self) -> None:
        """``batch --jobs 2`` against ``--jobs 1`` with one pre-filled cache folder."""
        data = self._force_data_or_skip(["batch_jobs1", "batch_jobs2"])
        if data is None:
            return
        cache = self.fresh_cache()
        prime = self._single(
            "batch_prime_cache", [*self.cli, "validate", "--data", str(data)], cache, 0
        )
        notes = [] if prime.error is None else [f"cache not primed: {prime.error}"]
        for jobs in (1, 2):
            out = self.work / f"batch-jobs{jobs}"
            cmd = [
                *self.cli,
                "batch",
                "--data",
                str(data),
                "--force",
                self.args.force,
                "--year",
                self.args.year,
                "--out",
                str(out),
                "--jobs",
                str(jobs),
            ]
            run = self.measure(f"batch_jobs{jobs}", cmd, cache=cache)
            run.notes.extend(notes)
            if run.seconds is not None:
                pages = [p.name for p in out.rglob("*.html")]
                n_reports = sum(name != "index.html" for name in pages)
                index = " and an index" if "index.html" in pages else ""
                run.notes.append(f"{n_reports} area reports{index} written")

    def batch_all(self) -> None:
        """``batch --all`` of every partnership in ``--data`` (the national benchmark), two jobs."""
        cache = self.fresh_cache()
        self._single(
            "batch_all_prime", [*self.cli, "validate", "--data", str(self.args.data)], cache, 0
        )
        out = self.work / "batch-all"
        cmd = [*self.cli, "batch", "--data", str(self.args.data), "--all", "--year", self.args.year]
        run = self.measure("batch_all", [*cmd, "--out", str(out), "--jobs", "2"], cache=cache)
        if run.seconds is not None:
            n = sum(p.name != "index.html" for p in out.rglob("*.html"))
            run.notes.append(f"{n} area reports written")

    @property
    def area(self) -> str:
        """The area of the one-report measurement."""
        if self.args.area:
            return self.args.area
        sys.path.insert(0, str(HERE))
        from generate_national import FORCES

        for name, _, _, las in FORCES:
            if name == self.args.force:
                return sorted(las)[0]
        raise LookupError(f"give --area: '{self.args.force}' is not a generated force")


def _merge(total: Run, one: Run) -> None:
    """Fold one repeat into the total (fastest time, largest memory, first error)."""
    total.peak_mb = max(total.peak_mb or 0.0, one.peak_mb or 0.0)
    if one.error:
        if total.all_seconds:
            total.notes.append(f"a later repeat failed: {one.error}")
        else:
            total.error = one.error
        return
    total.all_seconds += one.all_seconds
    if total.seconds is None or (one.seconds or 0) < total.seconds:
        total.seconds, total.cpu_seconds = one.seconds, one.cpu_seconds


def cli_command() -> list[str]:
    """``<venv>/bin/csp-assess`` beside this interpreter, else ``python -m csp_analysis.cli``."""
    exe = Path(sys.executable).parent / "csp-assess"
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    return [sys.executable, "-m", "csp_analysis.cli"]


def link_force_files(data: Path, folder: Path, force: str) -> int:
    """Hard-link (or copy) every police.uk file of one force into ``folder``, same layout.

    A file belongs to the force when the "Falls within" (or "Reported by") of its first data
    row names it.

    Returns
    -------
    int
        Number of files.
    """
    n = 0
    for path in sorted(data.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            first = next(reader, [])
        cols = {c.strip().casefold().replace("_", " "): i for i, c in enumerate(header)}
        i = cols.get("falls within", cols.get("reported by"))
        if i is None or i >= len(first) or first[i].strip() != force:
            continue
        target = folder / path.relative_to(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)
        n += 1
    return n


# ------------------------------------------------------------------------------------ results
def _met(value: float | None, op: str, threshold: float) -> bool | None:
    if value is None:
        return None
    return {"<=": value <= threshold, "<": value < threshold, ">=": value >= threshold}[op]


def _ratio(a: Run | None, b: Run | None) -> tuple[float | None, str]:
    """``a.seconds / b.seconds`` and, if either is missing, why."""
    for r in (a, b):
        if r is None:
            return None, "not measured (see --only)"
        if r.seconds is None:
            return None, f"not available: {r.key}: {r.error}"
    assert a is not None and b is not None and a.seconds and b.seconds
    return a.seconds / b.seconds, ""


def checks(runs: dict[str, Run]) -> list[Check]:
    """The results table: plain measurements and the six targets.

    Parameters
    ----------
    runs : dict
        Runs by key.

    Returns
    -------
    list of Check
    """

    def plain(key: str, name: str) -> Check | None:
        r = runs.get(key)
        if r is None:
            return None
        note = f"not available: {r.error}" if r.error else "; ".join(r.notes)
        return Check(name, r.seconds, r.peak_mb, None, "", None, note, r.cpu_seconds)

    def target(key: str, run: Run | None, value: float | None, note: str) -> Check:
        name, op, threshold = TARGETS[key]
        unit = " MB" if key.endswith("_mb") else "x"
        extra = "; ".join(run.notes) if run is not None and run.notes else ""
        return Check(
            name,
            run.seconds if run else None,
            run.peak_mb if run else None,
            value,
            f"{op} {threshold:g}{unit}",
            _met(value, op, threshold),
            "; ".join(x for x in (note, extra) if x),
            run.cpu_seconds if run else None,
        )

    out: list[Check] = []
    base, arrow = runs.get("baseline"), runs.get("pyarrow")
    cold, warm = runs.get("validate_cold"), runs.get("validate_warm")
    for c in (
        plain("baseline", "pandas baseline (read, area, group-count)"),
        plain("pyarrow", "bare pyarrow read of the used columns"),
    ):
        if c is not None:
            out.append(c)
    if base and base.seconds and out:
        for c in out:
            if c.seconds is not None:
                c.ratio = c.seconds / base.seconds
    if cold is not None:
        out.append(target("validate_vs_baseline", cold, *_ratio(cold, base)))
        out.append(target("validate_vs_pyarrow", cold, *_ratio(cold, arrow)))
        peak = cold.peak_mb if cold.seconds is not None else None
        note = "" if cold.seconds is not None else f"not available: {cold.error}"
        if cold.error and "memory limit" in cold.error:
            peak, note = cold.peak_mb, f"over the limit: {cold.error}"
        out.append(target("validate_peak_mb", cold, peak, note))
    if warm is not None:
        out.append(target("warm_vs_baseline", warm, *_ratio(warm, base)))
    if "pyarrow_1cpu" in runs:
        c = plain("pyarrow_1cpu", "on 1 CPU: bare pyarrow read")
        assert c is not None
        out.append(c)
    if "validate_cold_1cpu" in runs:
        cold1 = runs["validate_cold_1cpu"]
        out.append(
            target("validate_vs_pyarrow_1cpu", cold1, *_ratio(cold1, runs.get("pyarrow_1cpu")))
        )
        out.append(target("validate_vs_baseline_1cpu", cold1, *_ratio(cold1, base)))
    if "archive" in runs:
        c = plain("archive", "archive question (DuckDB): burglary by partnership and month")
        assert c is not None
        out.append(c)
    if "floor" in runs:
        c = plain("floor", "papermill floor (imports-only notebook + HTML export)")
        assert c is not None
        out.append(c)
    if "report" in runs:
        out.append(
            target("report_vs_floor", runs["report"], *_ratio(runs["report"], runs.get("floor")))
        )
    if "batch_jobs1" in runs:
        c = plain("batch_jobs1", "batch of the force's areas, --jobs 1")
        assert c is not None
        out.append(c)
    if "batch_all" in runs:
        c = plain("batch_all", "batch --all of the national data, --jobs 2")
        assert c is not None
        out.append(c)
    if "batch_jobs2" in runs:
        out.append(
            target(
                "batch_speedup",
                runs["batch_jobs2"],
                *_ratio(runs.get("batch_jobs1"), runs["batch_jobs2"]),
            )
        )
    return out


def _fmt(x: float | None, spec: str) -> str:
    return "—" if x is None else format(x, spec)


def _met_text(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "NO")


def table_rows(rows: list[Check]) -> list[list[str]]:
    """The table cells as text (header first)."""
    cells = [["measurement", "seconds", "CPU s", "peak MB", "ratio", "target", "met?", "note"]]
    for c in rows:
        ratio = _fmt(c.ratio, ",.0f" if c.target.endswith("MB") else ".3f")
        cells.append(
            [
                c.name,
                _fmt(c.seconds, ".2f"),
                _fmt(c.cpu_seconds, ".1f"),
                _fmt(c.peak_mb, ",.0f"),
                ratio,
                c.target or "—",
                _met_text(c.met),
                c.note,
            ]
        )
    return cells


def text_table(rows: list[Check]) -> str:
    """A fixed-width table for the terminal."""
    cells = table_rows(rows)
    n = len(cells[0]) - 1  # the note column is not padded
    width = [max(len(r[i]) for r in cells) for i in range(n)]
    lines = []
    for r in cells:
        left = "  ".join(r[i].ljust(width[i]) if i == 0 else r[i].rjust(width[i]) for i in range(n))
        lines.append(f"{left}  {r[n]}".rstrip())
    return "\n".join(lines)


def markdown_table(rows: list[Check], meta: dict[str, Any]) -> str:
    """The results as a Markdown table with the conditions, for ``docs/performance.md``."""
    cells = table_rows(rows)
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
    for r in cells[1:]:
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in r) + " |")
    m, d = meta["machine"], meta["data"]
    lines += [
        "",
        f"Measured {meta['started']} on {m['cpus']} CPUs, {m['memory_gb']:.0f} GB RAM "
        f"({m['platform']}; Python {m['python']}; pandas {m['versions'].get('pandas')}, "
        f"pyarrow {m['versions'].get('pyarrow')}); load average {m['load_start']} at the start "
        f"and {m['load_end']} at the end; best of {meta['repeat']} run(s) each. Data: "
        f"{d['files']} files, {d['rows']:,} rows, {d['bytes'] / 1e9:.2f} GB in `{d['folder']}`.",
    ]
    return "\n".join(lines) + "\n"


def data_stats(folder: Path) -> dict[str, Any]:
    """Files, rows and bytes of the CSVs below ``folder``; reading them also warms the OS cache.

    Returns
    -------
    dict
    """
    files = sorted(folder.rglob("*.csv"))
    rows = size = 0
    for f in files:
        raw = f.read_bytes()
        size += len(raw)
        rows += max(0, raw.count(b"\n") - 1 + (0 if raw.endswith(b"\n") else 1))
    return {"folder": str(folder), "files": len(files), "rows": rows, "bytes": size}


def machine() -> dict[str, Any]:
    """Description of this machine and the library versions."""
    versions: dict[str, str] = {}
    for name in ("pandas", "pyarrow", "numpy", "papermill", "nbconvert", "psutil"):
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            continue
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    mem = (
        psutil.virtual_memory().total
        if psutil is not None
        else (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    )
    return {
        "cpus": usable,
        "memory_gb": mem / 1024**3,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "versions": versions,
        "load_start": _load(),
    }


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ------------------------------------------------------------------------------------ main
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--data",
        required=True,
        type=Path,
        help="police.uk folder, e.g. made by generate_national.py",
    )
    p.add_argument(
        "--force",
        default="Essex Police",
        help="force of the report and batch measurements (default Essex Police)",
    )
    p.add_argument(
        "--area",
        help="area of the one-report measurement (default: the force's "
        "first area in alphabetical order, for generated data)",
    )
    p.add_argument("--year", default="2024/25", help="financial year (default 2024/25)")
    p.add_argument(
        "--report-data",
        type=Path,
        help="data folder for report and batch (default: hard links to the force's "
        "files in --data)",
    )
    p.add_argument(
        "--only",
        default=",".join(DEFAULT_GROUPS),
        help=f"comma list of groups to run (default: {', '.join(DEFAULT_GROUPS)}; "
        f"batch_all too takes about an hour)",
    )
    p.add_argument("--repeat", type=int, default=1, help="runs per command; the fastest counts")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds per command")
    p.add_argument(
        "--memory-limit-mb",
        type=float,
        default=12_000.0,
        help="kill a command whose process tree exceeds this (default 12,000; 0 for none)",
    )
    p.add_argument(
        "--workdir",
        type=Path,
        help="working folder (default: a new temporary folder, removed at the end)",
    )
    p.add_argument("--keep", action="store_true", help="keep the working folder")
    p.add_argument("--json", type=Path, help="write every result as JSON here")
    p.add_argument("--markdown", type=Path, help="write the results table as Markdown here")
    args = p.parse_args(argv)
    args.only = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = set(args.only) - set(GROUPS)
    if unknown:
        p.error(f"unknown group(s) {sorted(unknown)}; choose from {', '.join(GROUPS)}")
    if args.memory_limit_mb <= 0:
        args.memory_limit_mb = None
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if not args.data.is_dir():
        p.error(f"--data {args.data} is not a folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print the table, write JSON and Markdown if asked.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 (a missed target or a missing command is a result, not an error).
    """
    args = parse_args(argv)
    args.data = args.data.resolve()
    created = args.workdir is None
    work = Path(tempfile.mkdtemp(prefix="csp-bench-")) if created else args.workdir
    work.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "repeat": args.repeat,
        "cli": cli_command(),
    }
    print(f"reading {args.data} once (row count; warms the OS file cache)...", file=sys.stderr)
    meta["data"] = data_stats(args.data)
    bench = Bench(args, work)
    try:
        for group in GROUPS:
            if group in args.only:
                print(f"[{group}]", file=sys.stderr)
                getattr(bench, group)()
    finally:
        meta["machine"]["load_end"] = _load()
        rows = checks(bench.runs)
        print(text_table(rows))
        result = {
            **meta,
            "runs": {k: asdict(v) for k, v in bench.runs.items()},
            "checks": [asdict(c) for c in rows],
            "targets": {
                k: {"what": w, "op": o, "threshold": t} for k, (w, o, t) in TARGETS.items()
            },
        }
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        if args.markdown:
            args.markdown.write_text(markdown_table(rows, meta), encoding="utf-8")
        if created and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"working folder kept: {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
