"""The command line: ``csp-assess run`` and ``csp-assess validate``.

Exit codes: 0 success, 1 a data or report problem, 2 a usage error (unknown area or year, bad
option). Errors are one plain sentence; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from csp_analysis.exceptions import CspError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage and exit 2 itself
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the docs)."""
    p = _Parser(prog="csp-assess", description="Community Safety Partnership strategic "
                "assessment: from crime data to a self-contained HTML report.")  # fmt: skip
    p.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="build one area's strategic assessment")
    run.add_argument("--data", help="data folder (default: the built-in synthetic demo)")
    run.add_argument("--area", help="partnership area (default: the demo area)")
    run.add_argument("--year", help="financial year, e.g. 2025/26 (default: latest complete)")
    run.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    run.add_argument("--classification", default="OFFICIAL",
                     help="protective marking on every page (default: OFFICIAL)")  # fmt: skip
    run.add_argument("--category",
                     help="build the one-category deep dive instead (e.g. Shoplifting)")
    run.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    val = sub.add_parser("validate", help="read every file and report rows and problems")
    val.add_argument("--data", help="data folder (default: the built-in synthetic demo)")
    val.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return p


def cmd_run(args: argparse.Namespace) -> int:
    """``csp-assess run``: build the report and print the HTML's path."""
    from csp_analysis.report.run import run_report

    html = run_report(args.data, args.area, args.year, args.out, args.classification,
                      category=args.category)
    print(html)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``csp-assess validate``: rows read, used and rejected per file, and every problem."""
    from csp_analysis.model import load

    ds = load(args.data)
    width = max([len(s) for s in ds.files["source"]] + [4])
    print(f"{'file':<{width}}  {'layout':<24} {'read':>9} {'used':>9} {'rejected':>9}")
    for r in ds.files.itertuples():
        print(f"{r.source:<{width}}  {r.layout:<24} {r.rows_read:>9,} {r.rows_used:>9,} "
              f"{r.rows_rejected:>9,}")  # fmt: skip
    if len(ds.problems):
        print("\nProblems:")
        for p in ds.problems.itertuples():
            where = ", ".join(
                x for x in (p.source, f"line {int(p.line)}" if p.line == p.line and p.line
                            is not None else "", f"column '{p.column}'" if p.column else "")
                if x
            )  # fmt: skip
            extra = f" ({p.rows:,} rows; lines {p.lines})" if p.rows else ""
            print(f"- {where}: {p.message}{extra}")
    print(f"\n{len(ds.files)} files; areas: {', '.join(ds.areas) or 'none'}")
    unreadable = ds.files[ds.files["layout"] == "unreadable"]
    return 1 if len(unreadable) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``csp-assess``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        return {"run": cmd_run, "validate": cmd_validate}[args.command](args)
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
