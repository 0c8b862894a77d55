"""The command line: ``csp-assess run``, ``batch``, ``validate`` and ``lab``.

Exit codes: 0 success, 1 a data or report problem, 2 a usage error (unknown area or year, bad
option). Errors are one plain sentence; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path

from csp_analysis import defaults
from csp_analysis.categories import SCHEMES
from csp_analysis.exceptions import CspError, CspWarning, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage and exit 2 itself
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the docs).

    Returns
    -------
    argparse.ArgumentParser
        ``csp-assess`` with its subcommands; a bad option raises
        :class:`~csp_analysis.exceptions.UsageError` instead of exiting.
    """
    p = _Parser(
        prog="csp-assess",
        description="Community Safety Partnership strategic "
        "assessment: from crime data to a self-contained HTML report.",
    )
    p.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="build one area's strategic assessment")
    run.add_argument("--data", help="data folder (default: the built-in synthetic demo)")
    run.add_argument("--area", help="partnership area (default: the demo area)")
    _period_options(run, "latest complete financial year")
    run.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    run.add_argument(
        "--classification",
        default=defaults.MARKING,
        help="protective marking on every page (default: %(default)s)",
    )
    run.add_argument(
        "--category", help="build the one-category deep dive instead (e.g. Shoplifting)"
    )
    run.add_argument(
        "--notebook",
        metavar="PATH",
        help="run your own edited copy of the report notebook (.ipynb or its "
        ".md text form; it must keep its 'parameters' cell)",
    )
    _suppress_option(run)
    _pdf_option(run)
    for flag, what in (
        ("--author", "author named on the cover"),
        ("--contact", "contact (e-mail or telephone) on the cover"),
        ("--report-version", "version of the report on the cover, e.g. 'Draft 2'"),
        ("--extracted", "date the data were extracted, shown on the cover"),
    ):
        run.add_argument(flag, help=f"{what} (default: report.yaml in the data folder)")
    run.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    batch = sub.add_parser("batch", help="build the reports of every area of a force (or a list)")
    batch.add_argument("--data", help="data folder (default: the built-in synthetic demo)")
    which = batch.add_mutually_exclusive_group(required=True)
    which.add_argument("--force", help="every partnership of this police force")
    which.add_argument("--areas", help="a comma-separated list of partnership areas")
    which.add_argument("--all", action="store_true", help="every partnership area in the data")
    _period_options(batch, "each area's latest complete financial year")
    batch.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    batch.add_argument("--jobs", type=_positive, help="worker processes (default: one per core)")
    batch.add_argument(
        "--classification",
        default=defaults.MARKING,
        help="protective marking on every page (default: %(default)s)",
    )
    _suppress_option(batch)
    _pdf_option(batch)
    batch.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    val = sub.add_parser(
        "validate",
        help="read every file and report rows and problems "
        "(and fill the cache, so later runs skip parsing)",
    )
    val.add_argument("--data", help="data folder (default: the built-in synthetic demo)")
    val.add_argument(
        "--quarantine",
        metavar="CSV",
        help="write every rejected row (file, line, column, reason) to this CSV",
    )
    val.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    lab = sub.add_parser("lab", help="open JupyterLab on the notebooks with the project's kernel")
    lab.add_argument("--port", type=_positive, help="port to serve on (default: JupyterLab's)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    lab.add_argument("--dry-run", action="store_true", help="print the command, do not start it")
    lab.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _months(text: str) -> int:
    value = _positive(text)
    if value > 12:
        raise argparse.ArgumentTypeError(f"must be from 1 to 12 months, not {value}")
    return value


def _baseline_months(text: str) -> int:
    value = _positive(text)
    if value < 12:
        raise argparse.ArgumentTypeError(
            f"must be at least 12 months (fewer give only trial limits), not {value}"
        )
    return value


def _period_options(parser: argparse.ArgumentParser, default: str) -> None:
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--year", help=f"financial year, e.g. 2025/26 (default: {default}); same as --period"
    )
    when.add_argument(
        "--period",
        help="the assessed period: a financial year (2025/26), a quarter (2025/26 Q1) or the "
        "first and last month of up to 12 (2024-07..2025-06); compared with the same months "
        "a year earlier",
    )
    parser.add_argument(
        "--categories",
        choices=SCHEMES,
        default=None,
        help="the category scheme of the crime categories where the data give several: "
        "police_uk (police.uk crime types), home_office (Home Office offence groups) or own "
        "(the partnership's own categories of a tidy table); default the first source of "
        "tidy, police.uk, Home Office",
    )
    parser.add_argument(
        "--spc-baseline",
        type=_baseline_months,
        default=defaults.SPC_BASELINE_MONTHS,
        metavar="N",
        help="control charts take their limits from the N months before the assessed period "
        "(at least 12; default: %(default)s)",
    )
    parser.add_argument(
        "--min-months",
        type=_months,
        default=defaults.MIN_MONTHS,
        metavar="N",
        help="a change compared on fewer than N months present in both periods is shown as "
        "provisional and kept out of headlines and priorities (default: %(default)s)",
    )


def _period(args: argparse.Namespace) -> object:
    """The period asked for on the command line, parsed once here (``None``: the default)."""
    from csp_analysis.periods import parse_period

    text = args.period if args.period is not None else args.year
    if text is None:
        return None
    try:
        return parse_period(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _suppress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--suppress-below",
        type=_positive,
        default=defaults.SUPPRESS_BELOW,
        metavar="N",
        help="in small-area tables show counts from 1 to N-1 as '<N' (default: %(default)s)",
    )


def _pdf_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also write an A4 PDF beside each HTML report, for committee papers",
    )


def _details(args: argparse.Namespace) -> dict[str, str] | None:
    """The cover details given on the command line, or None to read report.yaml."""
    given = {
        "author": args.author,
        "contact": args.contact,
        "version": args.report_version,
        "extracted": args.extracted,
    }
    given = {k: v for k, v in given.items() if v is not None}
    return given or None


def cmd_run(args: argparse.Namespace) -> int:
    """``csp-assess run``: build the report and print the HTML's path.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (:func:`build_parser`).

    Returns
    -------
    int
        The exit code: 0 (errors are raised).
    """
    from csp_analysis.report.run import build_report, period_warning

    html, assessment = build_report(
        args.data,
        args.area,
        _period(args),
        args.out,
        args.classification,
        notebook=args.notebook,
        category=args.category,
        suppress_below=args.suppress_below,
        min_months=args.min_months,
        pdf=args.pdf,
        details=_details(args),
        spc_baseline_months=args.spc_baseline,
        categories=args.categories,
    )
    warning = period_warning(assessment)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    print(html)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """``csp-assess batch``: many areas in parallel, an index page and a summary.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (:func:`build_parser`).

    Returns
    -------
    int
        The exit code: 0 when every report was built, 1 when any failed.
    """
    import time

    from csp_analysis.report.batch import INDEX_NAME, run_batch

    start = time.perf_counter()
    areas = [a.strip() for a in args.areas.split(",") if a.strip()] if args.areas else None
    if args.areas is not None and not areas:
        raise UsageError("--areas needs at least one area name")
    runs = run_batch(
        args.data,
        force=args.force,
        areas=areas,
        all_areas=args.all,
        year=_period(args),
        out=args.out,
        jobs=args.jobs,
        classification=args.classification,
        suppress_below=args.suppress_below,
        min_months=args.min_months,
        pdf=args.pdf,
        spc_baseline_months=args.spc_baseline,
        categories=args.categories,
    )
    failed = [r for r in runs if r.state != "done"]
    print(
        f"{len(runs) - len(failed)} of {len(runs)} reports built in "
        f"{time.perf_counter() - start:.0f} s; index: {Path(args.out) / INDEX_NAME}"
    )
    for r in failed:
        print(f"failed: {r.area}: {r.error}")
    return 1 if failed else 0


def cmd_lab(args: argparse.Namespace) -> int:
    """``csp-assess lab``: JupyterLab on the notebooks with the project's kernel.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (:func:`build_parser`).

    Returns
    -------
    int
        The exit code: 0 (errors are raised).
    """
    import os
    import shlex

    from csp_analysis.lab import open_lab

    extra = [f"--port={args.port}"] if args.port else []
    extra += ["--no-browser"] if args.no_browser else []
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        extra.append("--allow-root")  # containers run as root; JupyterLab refuses it otherwise
    cmd = open_lab(extra_args=extra, dry_run=args.dry_run)
    if args.dry_run:
        print(shlex.join(cmd))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``csp-assess validate``: rows read, used and rejected per file, and every problem.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (:func:`build_parser`).

    Returns
    -------
    int
        The exit code: 0, or 1 when a file could not be read.
    """
    import pandas as pd

    from csp_analysis.model import load

    ds = load(args.data)
    width = max([len(s) for s in ds.files["source"]] + [4])
    print(f"{'file':<{width}}  {'layout':<24} {'read':>9} {'used':>9} {'rejected':>9}")
    for r in ds.files.itertuples():
        print(
            f"{r.source:<{width}}  {r.layout:<24} {r.rows_read:>9,} {r.rows_used:>9,} "
            f"{r.rows_rejected:>9,}"
        )
    if "notes" in ds.files.columns and (ds.files["notes"].fillna("") != "").any():
        print("\nNotes:")
        for source, notes in zip(ds.files["source"], ds.files["notes"].fillna(""), strict=True):
            if notes:
                print(f"- {source}: {notes}")
    if len(ds.problems):
        print("\nProblems:")
        for p in ds.problems.itertuples():
            line = f"line {int(p.line)}" if pd.notna(p.line) else ""
            column = f"column '{p.column}'" if isinstance(p.column, str) and p.column else ""
            where = ", ".join(x for x in (p.source, line, column) if x)
            lines = f"; lines {p.lines}" if p.lines and p.lines == p.lines else ""
            extra = f" ({p.rows:,} row{'s' if p.rows != 1 else ''}{lines})" if p.rows else ""
            print(f"- {where}: {p.message}{extra}")
    shown = ", ".join(ds.areas[:20]) + (
        f" … ({len(ds.areas)} in all)" if len(ds.areas) > 20 else ""
    )
    print(f"\n{len(ds.files)} files; areas: {shown or 'none'}")
    if args.quarantine:
        from csp_analysis.assessment import safe_cells

        target = Path(args.quarantine)
        try:
            safe_cells(ds.rejected).to_csv(target, index=False, lineterminator="\n")
        except OSError as exc:
            raise UsageError(
                f"cannot write the quarantine list to '{target}' ({exc.strerror})"
            ) from None
        print(f"{len(ds.rejected):,} rejected rows listed in {target}")
    unreadable = ds.files[ds.files["layout"] == "unreadable"]
    return 1 if len(unreadable) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``csp-assess``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 success, 1 a data or report problem, 2 a usage error, 130 when
        interrupted.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        commands = {"run": cmd_run, "batch": cmd_batch, "validate": cmd_validate, "lab": cmd_lab}
        previous = _exit_cleanly_on_sigterm()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("default", CspWarning)
                warnings.showwarning = _show_warning
                return commands[args.command](args)
        finally:
            _restore_sigterm(previous)
    except BrokenPipeError:  # ``csp-assess validate | head``: the reader has gone
        _quiet_stdout()
        return 0
    except OSError as exc:  # an output that cannot be written (--out, a report folder)
        if debug:
            traceback.print_exc()
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            f"csp-assess: cannot write or read{where}: {exc.strerror or exc}; "
            "choose another --out folder or check its permissions",
            file=sys.stderr,
        )
        return 1
    except CspError as exc:
        if debug:
            traceback.print_exc()
        print(f"csp-assess: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("csp-assess: interrupted", file=sys.stderr)
        return 130


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    """Print the project's own warnings as one line; others as Python prints them."""
    if issubclass(category, CspWarning):
        print(f"csp-assess: warning: {message}", file=sys.stderr)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _exit_cleanly_on_sigterm() -> object:
    """On SIGTERM, unwind as on Ctrl-C (temporary folders are removed by their ``finally``
    blocks) instead of vanishing with them in place; returns the previous handler."""
    import signal
    import threading

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, stop)


def _restore_sigterm(previous: object) -> None:
    """Put back the SIGTERM handler :func:`_exit_cleanly_on_sigterm` replaced."""
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]


def _quiet_stdout() -> None:
    """After a broken pipe, point standard output at devnull so that the interpreter's final
    flush does not print a second error."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
