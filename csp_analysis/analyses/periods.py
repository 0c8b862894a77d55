"""Choosing the assessed period and describing what an area's data covers."""

from __future__ import annotations

import difflib

from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset
from csp_analysis.periods import Period, month_label, parse_period


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


def missing_months(ds: Dataset, area: str, year: str | Period) -> list[str]:
    """Months of a period that the area's crime source does not cover.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    area : str
        Partnership area, spelled as in ``ds.areas``.
    year : str or Period
        The period (:class:`~csp_analysis.periods.Period`), or a financial year in any
        common spelling (``2025/26``, ``2025-26``, ``2025/2026``).

    Returns
    -------
    list of str
        The uncovered months ``YYYY-MM`` in order (April first for a financial year); empty
        when all are covered. These months are missing data, never zero; every month of a
        period beyond the data is listed.

    Raises
    ------
    ValueError
        If ``year`` is not a period.
    """
    covered = set(crime_months(ds, area))
    return [m for m in parse_period(year).months if m not in covered]


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
    """The financial year to assess, as text (:func:`resolve_period` for any period).

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
    period = resolve_period(ds, area, year)
    if period.kind != "financial year":
        raise UsageError(f"{period.label} is not a financial year (e.g. 2025/26)")
    return period.label


def resolve_period(ds: Dataset, area: str, period: str | Period | None) -> Period:
    """The period to assess: the one asked for, else the latest complete financial year.

    Without a complete financial year the latest one with data is used (the report says it
    is incomplete). The text is parsed here, once; the :class:`~csp_analysis.periods.Period`
    is then passed down whole.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    area : str
        Partnership area, spelled as in ``ds.areas``.
    period : str, Period or None
        A financial year in any common spelling (``2025/26``, ``2025-26``), a quarter
        (``2025/26 Q1``), the first and last month (``2024-07..2025-06``), a
        :class:`~csp_analysis.periods.Period`, or ``None`` to choose as above.

    Returns
    -------
    Period
        A period asked for needs some data, not complete data: its missing months are
        reported, never counted as zero.

    Raises
    ------
    UsageError
        If ``period`` cannot be read or the area has no data in it; the message lists the
        years (or months) that exist and the closest year. Also when the area has no data.

    Examples
    --------
    >>> from csp_analysis import load
    >>> ds = load()
    >>> resolve_period(ds, "Elderbrook", "2024-07..2025-06").label
    '12 months to June 2025'
    """
    years = ds.financial_years(area)
    if not years:
        raise UsageError(f"area '{area}' has no data for any financial year")
    if period is None:
        complete = complete_years(ds, area)
        if complete:
            return Period.financial_year(complete[-1])
        # No complete year: the one with most months covered (the later of equals), never a
        # year that a stray row or two created.
        return Period.financial_year(
            max(years, key=lambda y: (12 - len(missing_months(ds, area, y)), y))
        )
    try:
        chosen = parse_period(period)
    except ValueError as exc:
        raise UsageError(f"{exc}. Years with data for {area}: {', '.join(years)}") from None
    if chosen.kind == "financial year":
        fy = chosen.label
        if fy not in years:
            close = difflib.get_close_matches(fy, years, n=1, cutoff=0.0)
            raise UsageError(
                f"year {fy} has no data for {area}. Did you mean {close[0]}? "
                f"Years with data: {', '.join(years)}"
            )
        return chosen
    covered = crime_months(ds, area)
    if not any(m in chosen for m in covered):
        span = f"{month_label(covered[0])} to {month_label(covered[-1])}" if covered else "none"
        raise UsageError(
            f"{chosen.label} ({chosen.first}..{chosen.last}) has no data for {area}. "
            f"Months with data: {span}"
        )
    return chosen
