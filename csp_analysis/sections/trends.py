"""Trends over the years: Mann-Kendall on complete financial years and, with monthly data, the
seasonal test on months (each month against the same month in other years)."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.findings import trend_findings
from csp_analysis.analyses.themes import theme_counts
from csp_analysis.categories import ALL_CRIME
from csp_analysis.model import Dataset, months_of_period
from csp_analysis.periods import financial_year_of_period, months_of_financial_year
from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap
from csp_analysis.sections.format import md, table_html, to_appendix
from csp_analysis.statistics.trends import FEW_YEARS_CAVEAT, category_trends, yearly_totals

NAME = "trends"


def _yearly(ds: Dataset, area: str, monthly: pd.DataFrame) -> pd.DataFrame:
    """Complete financial-year totals by category (All crime included) for the trend tests."""
    if len(monthly):
        return yearly_totals(monthly)
    counts = ds.area_counts(area)
    counts = counts.assign(fy=counts["period"].map(financial_year_of_period))
    rows = []
    for (fy, kind), sub in counts.groupby(["fy", "kind"]):
        source = str(sub["source"].iloc[0])
        covered = ds.covered_months(area, source, str(kind))
        if len(covered) and any(m not in covered for m in months_of_financial_year(str(fy))):
            continue
        per_cat = sub.groupby("category")["count"].sum()
        if kind == "crime":
            rows.append({"period": fy, "category": ALL_CRIME, "count": int(per_cat.sum())})
        rows += [{"period": fy, "category": c, "count": int(n)} for c, n in per_cat.items()]
    rows += _theme_years(ds, area)
    out = pd.DataFrame(rows, columns=["period", "category", "count"])
    return out.assign(months=12)


def _theme_years(ds: Dataset, area: str) -> list[dict]:
    """Complete financial-year totals of the themes (yearly or quarterly sources): a year
    counts only when the theme's periods in it cover all twelve months."""
    themes = theme_counts(ds, area).counts
    out: list[dict] = []
    if not len(themes):
        return out
    t = themes.assign(fy=themes["period"].map(financial_year_of_period))
    for (fy, theme), sub in t.groupby(["fy", "category"], sort=True):
        months = {m for p in sub["period"] for m in months_of_period(str(p))}
        if set(months_of_financial_year(str(fy))) <= months:
            out.append({"period": fy, "category": theme, "count": int(sub["count"].sum())})
    return out


def build(ctx: Context) -> SectionResult:
    """Mann-Kendall trend and Sen's slope of each category.

    Parameters
    ----------
    ctx : Context
        The data and choices; reads the monthly section's ``monthly_counts``.

    Returns
    -------
    SectionResult
        Table ``trends`` (see :func:`~csp_analysis.statistics.trends.category_trends`) and
        the key findings on significant trends; a gap with fewer than three years of data.
    """
    monthly = ctx.earlier("monthly").table("monthly_counts")
    trends = category_trends(
        _yearly(ctx.dataset, ctx.area, monthly),
        monthly if len(monthly) else None,
        alpha=ctx.alpha,
        total=ALL_CRIME,
    )
    if not len(trends):
        return gap(
            NAME,
            "No trend table: fewer than three financial years of data. Earlier "
            "years' files in the data folder would give a trend.",
        )
    findings = trend_findings(trends) if "direction" in trends.columns else []
    return SectionResult(name=NAME, tables={"trends": trends}, findings=tuple(findings))


def render(result: SectionResult, a: Report) -> list:
    """The trend table with a note on the method.

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
    t = result.table("trends")
    seasonal = "seasonal_direction" in t.columns

    def shown_direction(direction: object, survives: object) -> object:
        """The direction, or why it is not called a trend once the family is allowed for."""
        if direction in ("increasing", "decreasing") and not (
            pd.notna(survives) and bool(survives)
        ):
            return "no significant trend once the categories tested are allowed for"
        return direction

    shown = pd.DataFrame(
        {
            "Category": t["category"],
            "Years": [
                f"{int(n)} ({f} to {last})"
                for n, f, last in zip(
                    t["periods"], t["first_period"], t["last_period"], strict=True
                )
            ],
            "Change a year (Sen)": [("" if pd.isna(v) else f"{v:+,.0f}") for v in t["sen_slope"]],
            "Yearly trend": [
                shown_direction(d, f)
                for d, f in zip(t["direction"], t["significant_fdr"], strict=True)
            ],
        }
    )
    if seasonal:
        shown["Monthly trend (same month a year on)"] = [
            ""
            if not isinstance(d, str)
            else (
                shown_direction(d, f)
                if shown_direction(d, f) not in ("increasing", "decreasing")
                else f"{d} ({v:+,.1f} a year in each month's count)"
            )
            for d, v, f in zip(
                t["seasonal_direction"],
                t["seasonal_sen_slope"],
                t["seasonal_significant_fdr"],
                strict=True,
            )
        ]
    blocks = []
    years = shown["Years"].unique()
    lead = ""
    if len(years) == 1:  # the same years for every category: said once, not in every row
        shown = shown.drop(columns="Years")
        lead = f"Every category is tested over {years[0].replace(' (', ' years (')}. "
    # the main body says which categories have a trend; the table of every category is detail
    blocks.append(md(lead + _trend_sentence(shown)))
    blocks.append(to_appendix(table_html(shown, "trends"), "detail"))
    blocks.append(
        to_appendix(
            md(
                "_Mann-Kendall test and Sen's slope on complete financial years; with four or "
                "fewer years no yearly trend can reach significance, so the seasonal "
                "Mann-Kendall test on monthly counts (each month compared with the same month "
                "in other years, allowing for the months of one year moving together) is shown "
                "too. A trend is called significant only when it survives the "
                f"Benjamini-Hochberg false discovery rate of {a.alpha:.0%} over the categories "
                f"tested. {FEW_YEARS_CAVEAT}_"
            )
        )
    )
    return blocks


def _trend_sentence(shown: pd.DataFrame) -> str:
    """Which categories have a significant trend (yearly or month by month), in one sentence,
    from the table as shown (a direction there is one that survived the false discovery
    rate)."""
    moving = ("increasing", "decreasing")
    found = []
    for _, r in shown.iterrows():
        yearly = str(r["Yearly trend"])
        monthly = str(r.get("Monthly trend (same month a year on)", ""))
        if yearly in moving:
            found.append(f"{r['Category']} ({yearly} year on year)")
        elif monthly.startswith(moving):
            found.append(f"{r['Category']} ({monthly.split(' (')[0]} month by month)")
    if not found:
        return (
            "No category shows a significant trend over the years, year on year or month by month."
        )
    return f"A significant trend over the years: {'; '.join(found)}. No other category has one."


SECTION = Section(name=NAME, order=40, title="Trends over the years", build=build, render=render)
