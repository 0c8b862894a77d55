"""Partner data: fire, youth justice, re-offending, hospital and British Transport Police counts.

Each partner measure is compared between the assessed period and the same months a year
earlier with the exact test of the change (Benjamini-Hochberg over the measures), and tested
for a trend (Mann-Kendall, Sen's slope) where four or more whole financial years exist. The
counts are the partners' own and are never added into All crime or the crime categories.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_analysis.analyses.partners import partner_change, partner_years
from csp_analysis.plots.partners import plot_partner_change
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import (
    figure_html,
    md,
    num,
    pct,
    short_verdict,
    table_html,
    to_appendix,
)
from csp_analysis.statistics.significance import add_significance
from csp_analysis.statistics.trends import category_trends

NAME = "partners"
#: A trend is tested only on this many whole financial years or more.
MIN_YEARS = 4
FILE_HINT = (
    "add the partners' counts (partner_data.csv: area, period, measure, count, source, "
    "optionally partner and unit), for example deliberate fires from the fire and rescue "
    "service, first-time entrants from the youth justice service, proven re-offending from "
    "probation, violence-related hospital admissions and British Transport Police crimes"
)
TREND_COLUMNS = [
    "years",
    "first_year",
    "last_year",
    "trend_p_value",
    "trend_q_value",
    "sen_slope",
    "trend",
]


def _label(measure: object, partner: object) -> str:
    return f"{measure} ({partner})" if str(partner) else str(measure)


def _trends(years: pd.DataFrame, labels: pd.Series, alpha: float) -> pd.DataFrame:
    """Trend columns (:data:`TREND_COLUMNS`) aligned with ``labels``."""
    yearly = years.assign(
        category=[_label(m, p) for m, p in zip(years["measure"], years["partner"], strict=True)]
    )
    n_years = yearly.groupby("category")["period"].nunique()
    tested = yearly[yearly["category"].map(n_years).fillna(0) >= MIN_YEARS]
    out = pd.DataFrame({"label": labels})
    out["years"] = out["label"].map(n_years).fillna(0).astype("int64")
    first = yearly.groupby("category")["period"].min()
    last = yearly.groupby("category")["period"].max()
    out["first_year"] = out["label"].map(first).astype("string")
    out["last_year"] = out["label"].map(last).astype("string")
    out["trend_p_value"] = np.nan
    out["trend_q_value"] = np.nan
    out["sen_slope"] = np.nan
    out["trend"] = f"not tested: fewer than {MIN_YEARS} whole financial years"
    if len(tested):
        # total="" matches no measure (a measure is never blank): every measure is in the
        # family of the Benjamini-Hochberg q-values.
        t = category_trends(tested[["period", "category", "count"]], alpha=alpha, total="")
        t = t.set_index("category")
        hit = out["label"].isin(t.index)
        lab = out.loc[hit, "label"]
        out.loc[hit, "trend_p_value"] = lab.map(t["p_value"]).to_numpy()
        out.loc[hit, "trend_q_value"] = lab.map(t["q_value"]).to_numpy()
        out.loc[hit, "sen_slope"] = lab.map(t["sen_slope"]).to_numpy()
        survives = lab.map(t["significant_fdr"])
        direction = lab.map(t["direction"])
        out.loc[hit, "trend"] = [
            str(d)
            if d in ("increasing", "decreasing") and pd.notna(s) and bool(s)
            else "no significant trend"
            for d, s in zip(direction, survives, strict=True)
        ]
    out["trend"] = out["trend"].astype("string")
    return out[TREND_COLUMNS]


def build(ctx: Context) -> SectionResult:
    """Partner measures: change on a year earlier, with its exact test, and the trend.

    Parameters
    ----------
    ctx : Context
        The data and choices.

    Returns
    -------
    SectionResult
        Tables ``partner_measures`` (one row per measure: the change, its test, q-value and
        verdict, and the trend over whole financial years) and ``partner_years`` (the yearly
        totals behind the trend); key findings on significant changes and trends; a gap naming
        the file to add when there is no partner data for the area.
    """
    table = ctx.local_table("partners")
    if table is None or not len(table):
        where = (
            f"The partner data has no rows for {ctx.area}: "
            if ctx.dataset.tables.get("partners") is not None
            and len(ctx.dataset.tables["partners"])
            else "No partner data was given: "
        )
        return gap(NAME, where + FILE_HINT + ".")
    change = partner_change(table, ctx.period, ctx.min_months)
    labels = pd.Series(
        [_label(m, p) for m, p in zip(change["measure"], change["partner"], strict=True)],
        dtype="string",
    )
    # total="" matches no label: every measure is in the family of the q-values.
    tested = add_significance(change.assign(category=labels), alpha=ctx.alpha, total="")
    tested["verdict"] = tested["verdict"].str.replace(
        "categories tested", "measures tested", regex=False
    )
    years = partner_years(table, ctx.period.last)
    measures = pd.concat(
        [tested.drop(columns="category").reset_index(drop=True), _trends(years, labels, ctx.alpha)],
        axis=1,
    )
    findings = []
    prev_words, cur_words = ctx.previous_period.label, ctx.period.label
    for row, label in zip(measures.itertuples(index=False), labels, strict=True):
        if pd.notna(row.significant_fdr) and bool(row.significant_fdr):
            part = (
                ""
                if row.months_compared == ctx.period.n_months
                else f", compared on the {row.months_compared} months both periods have"
            )
            findings.append(
                f"{label}, from partner data: {row.verdict} in {cur_words} against "
                f"{prev_words}{part} (source: {row.data_source}; not part of All crime)."
            )
        if row.trend in ("increasing", "decreasing"):
            findings.append(
                f"{label}, from partner data: a significant {row.trend} trend over "
                f"{row.years} financial years ({row.first_year} to {row.last_year})."
            )
    return SectionResult(
        name=NAME,
        tables={"partner_measures": measures, "partner_years": years},
        findings=tuple(findings),
    )


def render(result: SectionResult, a: Report) -> list:
    """The partner measures table, a chart of the two periods and a note on the method.

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
    m = result.table("partner_measures")
    labels = [_label(x, p) for x, p in zip(m["measure"], m["partner"], strict=True)]
    shown = pd.DataFrame(
        {
            "Measure": labels,
            "Source": m["data_source"],
            a.previous_year: [num(v) for v in m["previous"]],
            a.year: [num(v) for v in m["current"]],
            "Change": [
                "" if pd.isna(c) else f"{int(c):+,} ({pct(p)})"
                for c, p in zip(m["change"], m["pct_change"], strict=True)
            ],
            "Verdict": [
                short_verdict(s, c) for s, c in zip(m["significant_fdr"], m["change"], strict=True)
            ],
            "Trend (whole years)": [
                t if n < MIN_YEARS else f"{t} ({n} years, {f} to {last})"
                for t, n, f, last in zip(
                    m["trend"], m["years"], m["first_year"], m["last_year"], strict=True
                )
            ],
            "Note": m["note"].fillna(""),
        }
    )
    significant = m["significant_fdr"].fillna(False).astype(bool)
    rose = [x for x, s, c in zip(labels, significant, m["change"], strict=True) if s and c > 0]
    fell = [x for x, s, c in zip(labels, significant, m["change"], strict=True) if s and c < 0]
    if rose or fell:
        parts = [
            f"{', '.join(names)} {verb} significantly"
            for names, verb in ((rose, "rose"), (fell, "fell"))
            if names
        ]
        title = f"{' and '.join(parts)} in {a.year}"
    else:
        title = f"No partner measure changed beyond normal variation in {a.year}"
    if not shown["Note"].astype(bool).any():
        shown = shown.drop(columns="Note")
    chart = m.assign(label=labels)
    return [
        table_html(shown, "partners"),
        to_appendix(
            md(
                "_Partner counts are shown as each partner gave them and are never added into All "
                "crime or the crime categories. A change is tested with the exact test of two "
                "counts (the same test as the crime categories) and called significant only when "
                "it survives the Benjamini-Hochberg false discovery rate of "
                f"{a.alpha:.0%} over the partner measures tested. A trend is tested (Mann-Kendall, "
                f"Sen's slope) only where {MIN_YEARS} or more whole financial years exist; with "
                "four years no trend can reach significance, five are needed._"
            )
        ),
        figure_html(
            plot_partner_change(
                chart,
                a.previous_year,
                a.year,
                title,
                "Exact test of the change; Benjamini-Hochberg over the partner measures.",
            ),
            f"Bar chart of each partner measure in {a.year} beside {a.previous_year}.",
        ),
    ]


SECTION = Section(name=NAME, order=140, title="Partner data", build=build, render=render)
