"""Appendix: every input file with the rows read, used and not used, and every missing month."""

from __future__ import annotations

import re

import pandas as pd

from csp_analysis.analyses.quality import data_quality
from csp_analysis.sections.base import Context, Report, Section, SectionResult
from csp_analysis.sections.format import md, num, table_html

NAME = "quality"


def build(ctx: Context) -> SectionResult:
    """Row accounting per file, rejected rows by reason, and the missing months.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Table ``data_quality`` (``entry, source, rows_read, rows_used, rows_rejected, issue``).
    """
    return SectionResult(
        name=NAME, tables={"data_quality": data_quality(ctx.dataset, ctx.area, ctx.period)}
    )


#: A run of at least this many files whose names differ only in their digits (the monthly
#: police.uk files) is listed as one row; every file stays in ``data_quality.csv``.
GROUP_FROM = 3
_DIGITS = re.compile(r"\d+")
_DETAIL = re.compile(r"\s*\[[^\]]*\]")


def file_rows(files: pd.DataFrame) -> pd.DataFrame:
    """The files table as printed: one row per file, except that a run of files whose names
    differ only in their digits (e.g. ``2024-05/2024-05-force-street.csv``) is one row with
    the first and last name, the number of files, their rows added up and their reasons for
    rows not used (without each file's line numbers).

    Parameters
    ----------
    files : pandas.DataFrame
        The ``file`` entries of ``data_quality`` (``source, rows_read, rows_used,
        rows_rejected, issue``).

    Returns
    -------
    pandas.DataFrame
        ``File, Rows read, Used, Not used, Notes``, in the order of the first file of each
        row.

    Examples
    --------
    >>> f = pd.DataFrame({"source": [f"p/2024-0{m}-x.csv" for m in (1, 2, 3)] + ["plan.csv"],
    ...                   "rows_read": [10, 10, 5, 2], "rows_used": [9, 10, 5, 2],
    ...                   "rows_rejected": [1, 0, 0, 0],
    ...                   "issue": ["no location [1 row, line 4]", None, None, None]})
    >>> file_rows(f)[["File", "Rows read", "Not used"]].values.tolist()
    [['p/2024-01-x.csv to p/2024-03-x.csv (3 files)', '25', '1'], ['plan.csv', '2', '0']]
    >>> file_rows(f)["Notes"].iloc[0]
    'no location (in 1 of the 3 files; each file in data_quality.csv)'
    """
    pattern = [_DIGITS.sub("#", str(name)) for name in files["source"]]
    rows = []
    for key in dict.fromkeys(pattern):
        group = files[[p == key for p in pattern]]
        if len(group) < GROUP_FROM:  # one by one
            rows += [_row(str(r["source"]), group.loc[[i]]) for i, r in group.iterrows()]
            continue
        names = [str(n) for n in group["source"]]
        issues = [str(i) for i in group["issue"] if isinstance(i, str) and i.strip()]
        note = "; ".join(dict.fromkeys(_DETAIL.sub("", i).strip() for i in issues))
        if issues:
            note += f" (in {len(issues)} of the {len(group)} files; each file in data_quality.csv)"
        rows.append(_row(f"{names[0]} to {names[-1]} ({len(group)} files)", group, note))
    return pd.DataFrame(rows, columns=["File", "Rows read", "Used", "Not used", "Notes"])


def _row(name: str, group: pd.DataFrame, note: str | None = None) -> dict:
    """One printed row: the files' rows added up (missing stays missing)."""

    def total(column: str) -> str:
        values = pd.to_numeric(group[column], errors="coerce")
        return "" if values.isna().all() else num(int(values.sum()))

    if note is None:
        note = "; ".join(str(i) for i in group["issue"] if isinstance(i, str) and i.strip())
    return {
        "File": name,
        "Rows read": total("rows_read"),
        "Used": total("rows_used"),
        "Not used": total("rows_rejected"),
        "Notes": note,
    }


def render(result: SectionResult, a: Report) -> list:
    """The files table (monthly files of one kind on one row) and the list of missing months.

    Parameters
    ----------
    result : SectionResult
        The section's result (from ``build``).
    a : Report
        The assessment being shown: area, years, choices and the other sections' results.

    Returns
    -------
    list
        Display blocks (IPython ``Markdown``/``HTML``) in page order.
    """
    q = result.table("data_quality")
    files = q[q["entry"] == "file"]
    shown = file_rows(files)
    blocks = [table_html(shown, "quality")]
    if len(shown) < len(files):
        blocks.append(
            md(
                "_Monthly files of one kind are listed on one row, their rows added up; every "
                "file, with the line of each row not used, is in the table data_quality.csv._"
            )
        )
    missing = q[q["entry"] == "missing month"]
    if len(missing):
        blocks.append(md("\n".join(f"- {i}" for i in missing["issue"])))
    return blocks


SECTION = Section(name=NAME, order=900, title="Appendix: files read", build=build, render=render)
