"""Choosing the assessed financial year and describing what an area's data covers."""

from __future__ import annotations

import difflib

from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset
from csp_analysis.periods import (
    months_of_financial_year,
    normalise_financial_year,
)


def crime_months(ds: Dataset, area: str) -> list[str]:
    """Months covered by the source of the area's crime counts."""
    for kind in ("crime", "asb"):
        source = ds.source_for(area, kind)
        if source:
            return ds.covered_months(area, source, kind)
    return []


def missing_months(ds: Dataset, area: str, year: str) -> list[str]:
    """Months of a financial year that the area's crime source does not cover."""
    covered = set(crime_months(ds, area))
    return [m for m in months_of_financial_year(year) if m not in covered]


def complete_years(ds: Dataset, area: str) -> list[str]:
    """Financial years whose twelve months are all covered for the area."""
    return [y for y in ds.financial_years(area) if not missing_months(ds, area, y)]


def resolve_year(ds: Dataset, area: str, year: str | None) -> str:
    """The financial year to assess: the one asked for, else the latest complete one.

    Without a complete year the latest year with data is used (the report says it is
    incomplete).

    Raises
    ------
    UsageError
        If ``year`` is not a financial year or the area has no data for it; the message lists
        the years that exist and the closest one.
    """
    years = ds.financial_years(area)
    if not years:
        raise UsageError(f"area '{area}' has no data for any financial year")
    if year is None:
        complete = complete_years(ds, area)
        return complete[-1] if complete else years[-1]
    try:
        fy = normalise_financial_year(year)
    except ValueError as exc:
        raise UsageError(f"{exc}. Years with data for {area}: {', '.join(years)}") from None
    if fy not in years:
        close = difflib.get_close_matches(fy, years, n=1, cutoff=0.0)
        raise UsageError(
            f"year {fy} has no data for {area}. Did you mean {close[0]}? "
            f"Years with data: {', '.join(years)}"
        )
    return fy
