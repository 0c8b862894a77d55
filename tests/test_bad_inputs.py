"""The bad-inputs corpus: every case ends in a correct result or a clear refusal naming the file.

Each folder of ``tests/bad_inputs/`` is one case: its input files under ``data/`` and the exact
expected behaviour in ``case.json`` (keys described in ``tests/bad_inputs/make_corpus.py``,
which writes the corpus). For every case ``csp-assess validate`` must end without a traceback
with the expected exit code, and for every file ``rows_read == rows_used + rows_rejected``.
Expected values are worked out by hand from the few rows of each file.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

from csp_analysis.analyses.monthly import monthly_counts
from csp_analysis.analyses.periods import missing_months
from csp_analysis.analyses.quality import data_quality
from csp_analysis.cli import main
from csp_analysis.exceptions import UsageError
from csp_analysis.ingest.base import norm
from csp_analysis.model import Dataset, load

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASE_DIRS = sorted(p for p in CORPUS.iterdir() if p.is_dir() and re.match(r"^\d{2}_", p.name))
CASES = [p for p in CASE_DIRS if (p / "case.json").is_file()]


def spec_of(case: Path) -> dict[str, Any]:
    """The expectations of one case."""
    return json.loads((case / "case.json").read_text(encoding="utf-8"))


RUN_CASES = [p for p in CASES if "run" in spec_of(p)]


class Check:
    """Collects every mismatch of one case, so that a failure lists them all at once."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def equal(self, what: str, actual: object, expected: object) -> None:
        """Record a mismatch between ``actual`` and ``expected``."""
        if actual != expected:
            self.errors.append(f"{what}: got {actual!r}, expected {expected!r}")

    def true(self, what: str, ok: bool) -> None:
        """Record ``what`` when ``ok`` is false."""
        if not ok:
            self.errors.append(what)

    def done(self) -> None:
        """Fail with every recorded mismatch."""
        assert not self.errors, "\n".join(["", *self.errors])


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[Any, str, str]:
    """Run ``csp-assess`` in-process: (exit code or the exception it raised, stdout, stderr)."""
    try:
        code: Any = main(argv)
    except (Exception, SystemExit) as exc:  # any escape is a failure the checks report
        code = exc
    out, err = capsys.readouterr()
    return code, out, err


def _missing(value: object) -> bool:
    """Whether a cell of ``ds.problems`` is empty (None, NaN, NA or "")."""
    if isinstance(value, str):
        return value == ""
    return value is None or bool(pd.isna(value))


def _message_has(message: str, wanted: list[Any]) -> bool:
    """Every wanted substring (a list: any of them) is in the message, ignoring case."""
    text = message.casefold()
    return all(
        any(o.casefold() in text for o in (w if isinstance(w, list) else [w])) for w in wanted
    )


def problem_matches(actual: dict[str, Any], exp: dict[str, Any]) -> bool:
    """Whether one row of ``ds.problems`` is the expected problem.

    Columns are compared after normalisation (``count`` is ``Count``); an absent ``line`` or
    ``column`` key is not checked.
    """
    if actual["source"] != exp["source"]:
        return False
    if "line" in exp:
        line = None if _missing(actual["line"]) else int(actual["line"])
        if line != exp["line"]:
            return False
    if "column" in exp:
        col = None if _missing(actual["column"]) else str(actual["column"])
        if (col is None) != (exp["column"] is None):
            return False
        if col is not None and norm(col) != norm(exp["column"]):
            return False
    if "rows" in exp and int(actual["rows"]) != exp["rows"]:
        return False
    if "lines" in exp and str(actual["lines"]) != exp["lines"]:
        return False
    return _message_has(str(actual["message"]), exp["message_contains"])


def counts_table(ds: Dataset) -> list[list[Any]]:
    """``ds.counts`` as sorted ``[area, period, category, count, source]`` rows (any force)."""
    keys = ["area", "period", "category", "source"]
    summed = ds.counts.groupby(keys, dropna=False)["count"].sum()
    return sorted([str(a), str(p), str(c), int(n), str(s)] for (a, p, c, s), n in summed.items())


# ---------------------------------------------------------------- the checks


def check_validate_output(chk: Check, spec: dict[str, Any], code: Any, out: str, err: str) -> None:
    """Exit code, no traceback, and the promised substrings of ``csp-assess validate``."""
    chk.true(f"validate raised {code!r}", not isinstance(code, BaseException))
    chk.true(f"traceback in the output:\n{out}{err}", "Traceback" not in out + err)
    chk.equal("validate exit code", code, spec["exit"])
    for s in spec.get("stdout_contains", []):
        chk.true(f"validate stdout lacks {s!r}:\n{out}", s in out)
    for s in spec.get("stderr_contains", []):
        chk.true(f"validate stderr lacks {s!r}: {err!r}", s in err)


def check_files(chk: Check, spec: dict[str, Any], ds: Dataset, out: str) -> None:
    """The exact list of files with their layout and rows, as in ``ds.files`` and stdout."""
    files = {r.source: r for r in ds.files.itertuples()}
    chk.equal("files read", sorted(files), sorted(spec["files"]))
    for r in ds.files.itertuples():
        chk.true(
            f"{r.source}: rows_read {r.rows_read} != used {r.rows_used} + rejected "
            f"{r.rows_rejected}",
            r.rows_read == r.rows_used + r.rows_rejected,
        )
    for source, exp in spec["files"].items():
        exp_read = exp["rows_used"] + exp["rows_rejected"]
        chk.equal(f"{source}: case.json accounting", exp["rows_read"], exp_read)
        if source not in files:
            continue
        r = files[source]
        got = {
            "rows_read": int(r.rows_read),
            "rows_used": int(r.rows_used),
            "rows_rejected": int(r.rows_rejected),
        }
        if "layout" in exp:
            got["layout"] = r.layout
        want = {k: v for k, v in exp.items() if k in got}
        chk.equal(f"{source}: layout and rows", got, want)
        for s in exp.get("issue_contains", []):
            chk.true(f"{source}: issue {r.issue!r} lacks {s!r}", s.casefold() in r.issue.casefold())
        layout = re.escape(exp["layout"]) if "layout" in exp else r"\S+"
        line = (
            rf"^{re.escape(source)}\s+{layout}\s+{exp['rows_read']:,}\s+"
            rf"{exp['rows_used']:,}\s+{exp['rows_rejected']:,}\s*$"
        )
        chk.true(
            f"validate stdout has no line for {source} with its layout and rows:\n{out}",
            re.search(line, out, re.MULTILINE) is not None,
        )


def check_problems(chk: Check, spec: dict[str, Any], ds: Dataset, out: str) -> None:
    """The exact list of problems (file, line, column, reason, rows), each printed by validate."""
    actual = ds.problems.to_dict("records")
    shown = ds.problems.to_string() if len(ds.problems) else "(no problems)"
    issues = dict(zip(ds.files["source"], ds.files["issue"], strict=True))
    unused = list(range(len(actual)))
    for exp in spec["problems"]:
        hit = next((i for i in unused if problem_matches(actual[i], exp)), None)
        if hit is None:
            chk.errors.append(f"no problem matches {exp}; problems are:\n{shown}")
            continue
        unused.remove(hit)
        issue = str(issues.get(exp["source"], ""))
        chk.true(
            f"the data-quality issue of {exp['source']} does not give the reason of {exp}: "
            f"{issue!r}",
            _message_has(issue, exp["message_contains"]),
        )
        printed = [ln for ln in out.splitlines() if ln.startswith(f"- {exp['source']}")]
        if isinstance(exp.get("line"), int):
            printed = [ln for ln in printed if f"line {exp['line']}" in ln]
        chk.true(
            f"validate does not print the problem {exp} with its file and line:\n{out}",
            any(_message_has(ln, exp["message_contains"]) for ln in printed),
        )
    extra = [actual[i] for i in unused]
    chk.true(f"unexpected problems {extra}", not extra)


def check_results(chk: Check, spec: dict[str, Any], ds: Dataset) -> None:
    """The numbers: counts, records, population, coverage, missing months, monthly counts."""
    if "counts" in spec:
        chk.equal("ds.counts", counts_table(ds), sorted(spec["counts"]))
    for rec in spec.get("records", []):
        r = ds.records
        hit = pd.Series(True, index=r.index)
        for key, value in rec.items():
            hit &= r[key].astype("string") == value if key in r.columns else False
        chk.true(f"no record {rec} in ds.records:\n{r.to_string()}", bool(hit.any()))
    if "population" in spec:
        pop = sorted(
            [str(a), int(y), int(n)]
            for a, y, n in zip(
                ds.population["area"],
                ds.population["year"],
                ds.population["population"],
                strict=True,
            )
        )
        chk.equal("ds.population", pop, sorted(spec["population"]))
    for source, periods in spec.get("coverage_periods", {}).items():
        cov = ds.coverage[ds.coverage["source"] == source]
        chk.equal(f"periods covered by {source}", sorted(set(cov["period"])), periods)
    for area, years in spec.get("financial_years", {}).items():
        chk.equal(f"financial years of {area}", ds.financial_years(area), years)
    if "missing_months" in spec:
        m = spec["missing_months"]
        chk.equal(
            f"missing months of {m['area']} {m['year']}",
            missing_months(ds, m["area"], m["year"]),
            m["months"],
        )
    if "monthly" in spec or "monthly_absent" in spec:
        area = (spec.get("monthly") or spec["monthly_absent"])["area"]
        mc = monthly_counts(ds, area)
        got = {
            (m, c): int(n) for m, c, n in zip(mc["month"], mc["category"], mc["count"], strict=True)
        }
        for month, category, n in spec.get("monthly", {}).get("values", []):
            chk.equal(f"monthly count {month} {category}", got.get((month, category)), n)
        for month in spec.get("monthly_absent", {}).get("months", []):
            present = sorted(c for m, c in got if m == month)
            chk.true(
                f"missing month {month} has monthly counts {present} (missing is not zero)",
                not present,
            )
    if "quality_contains" in spec:
        q = spec["quality_contains"]
        issues = " | ".join(data_quality(ds, q["area"], q["year"])["issue"].dropna())
        for s in q["issues"]:
            chk.true(f"data_quality lacks {s!r}: {issues}", s in issues)


# ---------------------------------------------------------------- the tests


def test_corpus_has_at_least_30_cases() -> None:
    """At least 30 numbered cases, each described."""
    assert len(CASES) >= 30
    assert len({p.name[:2] for p in CASES}) == len(CASES)  # one number per case
    assert all(spec_of(p).get("description") for p in CASES)


def _corpus_script() -> ModuleType:
    """Import ``tests/bad_inputs/make_corpus.py`` by its path."""
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_corpus_is_exactly_what_the_script_makes() -> None:
    """No byte of the corpus was changed by an editor or by line-ending conversion."""
    built: dict[str, bytes] = _corpus_script().build()
    committed = {
        p.relative_to(CORPUS).as_posix(): p.read_bytes()
        for case in CASE_DIRS
        for p in case.rglob("*")
        if p.is_file()
    }
    assert sorted(committed) == sorted(built)
    assert [k for k in built if committed[k] != built[k]] == []


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``csp-assess validate`` and ``load`` give exactly the expected result or refusal."""
    spec = spec_of(case)
    data = case / spec.get("data", "data")
    chk = Check()
    code, out, err = run_cli(["validate", "--data", str(data)], capsys)
    check_validate_output(chk, spec, code, out, err)
    if spec["exit"] == 2:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        chk.equal("usage error lines on stderr", len(lines), 1)
        with pytest.raises(UsageError):
            load(data)
        chk.done()
        return
    try:
        ds = load(data)
    except Exception as exc:  # reported with the other mismatches
        chk.errors.append(f"load raised {type(exc).__name__}: {exc}")
        chk.done()
        return
    check_files(chk, spec, ds, out)
    check_problems(chk, spec, ds, out)
    check_results(chk, spec, ds)
    chk.done()


@pytest.mark.slow
@pytest.mark.parametrize("case", RUN_CASES, ids=[p.name for p in RUN_CASES])
def test_run_refuses_a_folder_with_an_unreadable_file(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``csp-assess run`` stops with one line naming the unreadable file, writing no report."""
    spec = spec_of(case)["run"]
    out_dir = tmp_path / "out"
    argv = ["run", "--data", str(case / "data"), "--out", str(out_dir)]
    code, out, err = run_cli(argv, capsys)
    chk = Check()
    chk.true(f"run raised {code!r}", not isinstance(code, BaseException))
    chk.true(f"traceback in the output:\n{out}{err}", "Traceback" not in out + err)
    chk.equal("run exit code", code, spec["exit"])
    lines = [ln for ln in err.splitlines() if ln.strip()]
    chk.equal(f"stderr lines {lines}", len(lines), 1)
    for s in spec["stderr_contains"]:
        chk.true(f"run stderr lacks {s!r}: {err!r}", s in err)
    chk.equal("reports written", sorted(out_dir.rglob("*.html")), [])
    chk.done()
