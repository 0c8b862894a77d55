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
    """Months covered by the source of the area's crime counts.

    The source is :meth:`~csp_analysis.model.Dataset.source_for` the ``crime`` kind; an area
    with no crime counts falls back to the source of its anti-social behaviour counts.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    area : str
        Partnership area, spelled as in ``ds.areas``.

    Returns
    -------
    list of str
        Months ``YYYY-MM``, oldest first (quarterly and yearly periods expanded to their
        months). A month not listed is missing, not zero. Empty when the area has neither
        crime nor ASB counts.
    """
    for kind in ("crime", "asb"):
        source = ds.source_for(area, kind)
        if source:
            return ds.covered_months(area, source, kind)
    return []


def missing_months(ds: Dataset, area: str, year: str) -> list[str]:
    """Months of a financial year that the area's crime source does not cover.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    area : str
        Partnership area, spelled as in ``ds.areas``.
    year : str
        Financial year in any common spelling (``2025/26``, ``2025-26``, ``2025/2026``).

    Returns
    -------
    list of str
        The uncovered months ``YYYY-MM`` in financial-year order (April first); empty when
        all twelve are covered. These months are missing data, never zero; every month of a
        year beyond the data is listed.

    Raises
    ------
    ValueError
        If ``year`` is not a financial year.
    """
    covered = set(crime_months(ds, area))
    return [m for m in months_of_financial_year(year) if m not in covered]


def complete_years(ds: Dataset, area: str) -> list[str]:
    """Financial years whose twelve months are all covered for the area.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    area : str
        Partnership area, spelled as in ``ds.areas``.

    Returns
    -------
    list of str
        Financial years ``YYYY/YY`` with any data
        (:meth:`~csp_analysis.model.Dataset.financial_years`) and no :func:`missing_months`,
        oldest first.

    Examples
    --------
    >>> from csp_analysis import load
    >>> complete_years(load(), "Elderbrook")
    ['2022/23', '2023/24', '2024/25', '2025/26']
    """
    return [y for y in ds.financial_years(area) if not missing_months(ds, area, y)]


def resolve_year(ds: Dataset, area: str, year: str | None) -> str:
    """The financial year to assess: the one asked for, else the latest complete one.

    Without a complete year the year with most months covered is used (the latest of those
    equally covered; the report says it is incomplete).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    area : str
        Partnership area, spelled as in ``ds.areas``.
    year : str or None
        Financial year in any common spelling (``2025/26``, ``2025-26``, ``2025/2026``);
        ``None`` to choose as above.

    Returns
    -------
    str
        The year as ``YYYY/YY``. A year asked for needs some data, not complete data: its
        missing months are reported, never counted as zero.

    Raises
    ------
    UsageError
        If ``year`` is not a financial year or the area has no data for it; the message lists
        the years that exist and the closest one. Also when the area has no data at all.

    Examples
    --------
    >>> from csp_analysis import load
    >>> ds = load()
    >>> resolve_year(ds, "Elderbrook", None), resolve_year(ds, "Elderbrook", "2024-25")
    ('2025/26', '2024/25')
    """
    years = ds.financial_years(area)
    if not years:
        raise UsageError(f"area '{area}' has no data for any financial year")
    if year is None:
        complete = complete_years(ds, area)
        if complete:
            return complete[-1]
        # No complete year: the one with most months covered (the later of equals), never a
        # year that a stray row or two created.
        return max(years, key=lambda y: (12 - len(missing_months(ds, area, y)), y))
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
