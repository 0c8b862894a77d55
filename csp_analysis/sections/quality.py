"""Appendix: every input file with the rows read, used and not used, and every missing month."""

from __future__ import annotations

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


def render(result: SectionResult, a: Report) -> list:
    """The files table and the list of missing months.

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
    shown = pd.DataFrame(
        {
            "File": files["source"],
            "Rows read": [num(v) for v in files["rows_read"]],
            "Used": [num(v) for v in files["rows_used"]],
            "Not used": [num(v) for v in files["rows_rejected"]],
            "Notes": files["issue"].fillna(""),
        }
    )
    blocks = [table_html(shown, "quality")]
    missing = q[q["entry"] == "missing month"]
    if len(missing):
        blocks.append(md("\n".join(f"- {i}" for i in missing["issue"])))
    return blocks


SECTION = Section(name=NAME, order=900, title="Appendix: files read", build=build, render=render)
