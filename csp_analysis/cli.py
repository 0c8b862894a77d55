"""The command line: ``csp-assess run``, ``batch``, ``validate`` and ``lab``.

Exit codes: 0 success, 1 a data or report problem, 2 a usage error (unknown area or year, bad
option). Errors are one plain sentence; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from csp_analysis import defaults
from csp_analysis.exceptions import CspError, UsageError


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
    run.add_argument("--year", help="financial year, e.g. 2025/26 (default: latest complete)")
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
    batch.add_argument(
        "--year", help="financial year, e.g. 2018/19 (default: each area's latest complete year)"
    )
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
    from csp_analysis.report.run import run_report

    html = run_report(
        args.data,
        args.area,
        args.year,
        args.out,
        args.classification,
        notebook=args.notebook,
        category=args.category,
        suppress_below=args.suppress_below,
        pdf=args.pdf,
        details=_details(args),
    )
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
        year=args.year,
        out=args.out,
        jobs=args.jobs,
        classification=args.classification,
        suppress_below=args.suppress_below,
        pdf=args.pdf,
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
        target = Path(args.quarantine)
        try:
            ds.rejected.to_csv(target, index=False, lineterminator="\n")
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
        return commands[args.command](args)
    except CspError as exc:
        if debug:
            traceback.print_exc()
        print(f"csp-assess: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("csp-assess: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
