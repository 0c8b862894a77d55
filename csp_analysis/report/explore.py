"""What the exploration notebook (``notebooks/explore.ipynb``) shows: any data folder, any area.

Each function displays one part with sortable, filterable tables
(:func:`~csp_analysis.report.interactive.sortable_table`) that work in JupyterLab and in the
exported HTML. The figures come from the analyses (:mod:`csp_analysis.analyses`); nothing here
computes a statistic of its own.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown, display

from csp_analysis.assessment import Assessment
from csp_analysis.categories import ALL_CRIME
from csp_analysis.model import Dataset
from csp_analysis.report.display import resolve_category
from csp_analysis.report.interactive import sortable_table

__all__ = ["areas", "categories", "go_deeper", "overview", "problems", "selection", "summary"]


def summary(ds: Dataset) -> pd.DataFrame:
    """What a data folder holds, one line per aspect.

    Parameters
    ----------
    ds : Dataset
        A loaded data folder (:func:`csp_analysis.load`).

    Returns
    -------
    pandas.DataFrame
        ``aspect, value``: files, rows read/used/rejected, forces, areas, periods (first and
        last month or year with counts), categories and the other tables read (the
        partnership's own, lookups, official totals, police.uk rows by force and month).

    Examples
    --------
    >>> from csp_analysis import load
    >>> s = summary(load()).set_index("aspect")["value"]
    >>> s["partnership areas"], s["forces"]
    ('14', 'Wessmoor Constabulary')
    """
    f = ds.files
    periods = sorted(ds.counts["period"].dropna().unique()) if len(ds.counts) else []
    rows = [
        ("files", f"{len(f):,}"),
        ("rows read", f"{int(f['rows_read'].sum()):,}"),
        ("rows used", f"{int(f['rows_used'].sum()):,}"),
        ("rows rejected", f"{int(f['rows_rejected'].sum()):,} (see the problems below)"),
        ("forces", ", ".join(ds.forces) or "none named"),
        ("partnership areas", f"{len(ds.areas):,}"),
        ("periods", f"{periods[0]} to {periods[-1]}" if periods else "none"),
        ("financial years", ", ".join(ds.financial_years()) or "none"),
        ("categories", ", ".join(ds.categories) or "none"),
        ("other tables", ", ".join(sorted(ds.tables)) or "none"),
        ("synthetic demo data", "yes" if ds.synthetic else "no"),
    ]
    return pd.DataFrame(rows, columns=["aspect", "value"]).astype("string")


def overview(ds: Dataset) -> None:
    """Display what the folder holds and every file with its row accounting.

    Parameters
    ----------
    ds : Dataset
        A loaded data folder.
    """
    if ds.synthetic:
        display(Markdown("**Synthetic demo data: not real crime figures.**"))
    display(sortable_table(summary(ds), f"The data folder '{ds.name}'", max_rows=None))
    files = ds.files[["source", "layout", "rows_read", "rows_used", "rows_rejected", "issue"]]
    display(sortable_table(files, "Every file read: rows read = used + rejected"))


def problems(ds: Dataset) -> None:
    """Display every problem found while reading, with the file, line and column.

    Parameters
    ----------
    ds : Dataset
        A loaded data folder.
    """
    if not len(ds.problems):
        display(Markdown("_No problems: every row of every file was used._"))
        return
    display(sortable_table(ds.problems, "Rows not used and why (type in the box to filter)"))


def selection(ds: Dataset, a: Assessment, category: str) -> None:
    """Say what is being explored and what else could be chosen.

    Parameters
    ----------
    ds : Dataset
        The loaded data folder.
    a : Assessment
        The assessment of the chosen area and year.
    category : str
        The chosen category (checked against the data; any case).

    Raises
    ------
    UsageError
        If the category is not in the data (naming those that are).
    """
    category = resolve_category(a, category)
    display(
        Markdown(
            f"Exploring **{category}** in **{a.area}** ({a.force or 'force not known'}), "
            f"{'financial year ' if a.period.kind == 'financial year' else ''}**{a.year}** "
            f"against {a.previous_year}.\n\n"
            f"- Other areas: {', '.join(ds.areas)}\n"
            f"- Years with data for {a.area}: {', '.join(ds.financial_years(a.area))}\n"
            f"- Categories: {', '.join([ALL_CRIME, *ds.categories])}\n\n"
            "Change `area`, `year` or `category` in the first cell and run all cells again."
        )
    )


def areas(a: Assessment) -> None:
    """Display every partnership of the area's force: All crime change and rate, sortable.

    Parameters
    ----------
    a : Assessment
        The assessment; its force and year choose the rows.
    """
    result = a.section("districts")
    if not result.available:
        display(Markdown(f"_{result.gap}_"))
        return
    table = result.table("district_change")
    display(
        sortable_table(
            table,
            f"All crime in every partnership of {a.force}, {a.year} "
            f"against {a.previous_year} (click a heading to sort)",
        )
    )


def categories(a: Assessment) -> None:
    """Display the area's category table with significance, sortable and filterable.

    Parameters
    ----------
    a : Assessment
        The assessment.
    """
    cols = [
        "category",
        "kind",
        "previous",
        "current",
        "change",
        "pct_change",
        "months_compared",
        "p_value",
        "significant",
        "rate_ratio",
        "rr_lower",
        "rr_upper",
        "verdict",
    ]
    change = a.table("yoy_categories")
    shown = change[[c for c in cols if c in change.columns]]
    display(
        sortable_table(shown, f"Every category in {a.area}, {a.year} against {a.previous_year}")
    )


def go_deeper(a: Assessment, category: str) -> None:
    """Show the calls that take the exploration further, filled in for this selection.

    Parameters
    ----------
    a : Assessment
        The assessment.
    category : str
        The chosen category.
    """
    category = resolve_category(a, category)
    display(
        Markdown(f"""Every table above is a pandas DataFrame you can take further:

```python
ds = csp.load(data)                              # the validated dataset
ds.counts                                        # area, force, period, category, count, source
a = csp.assess(ds, "{a.area}", "{a.period.text}")  # every section of the report
a.tables()                                       # its published tables by name
a.table("yoy_categories"), a.table("hotspots")   # category table, places
a.gaps                                           # sections without data, and why

from csp_analysis.analyses import hotspots
from csp_analysis.statistics import significance, trends
# by LSOA, <5 suppressed:
hotspots.hotspots(ds, "{a.area}", "{a.period.text}", categories=["{category}"])
```

The one-category deep dive as a report: `csp-assess run --data DATA --area "{a.area}"
--period "{a.period.text}" --category "{category}"`. The API reference: `make docs`, then open
`site/index.html`.""")
    )
