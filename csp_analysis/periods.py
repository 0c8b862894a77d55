"""Periods: months, Home Office quarters and financial years (April to March).

Canonical spellings used everywhere in the project:

- month: ``"2018-04"``
- financial year: ``"2018/19"`` (April 2018 to March 2019)
- Home Office quarter: ``"2018/19 Q1"`` (1 = Apr-Jun, 2 = Jul-Sep, 3 = Oct-Dec, 4 = Jan-Mar)
"""

from __future__ import annotations

import re

_FY_RE = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[/\-–_ ]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)
_MONTH_RE = re.compile(r"^\s*(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?\s*$")
_QUARTER_RE = re.compile(r"^(\d{4}/\d{2}) Q([1-4])$")

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def parse_financial_year(text: str) -> int:
    """Return the starting calendar year of a financial year written in any common way.

    Parameters
    ----------
    text : str
        ``"2016/17"``, ``"2016-17"``, ``"2016/2017"``, ``"FY2016/17"`` or ``"2016 17"``.

    Returns
    -------
    int
        The calendar year in which the financial year starts (April).

    Raises
    ------
    ValueError
        If the text is not a financial year, or its two years are not consecutive.

    Examples
    --------
    >>> parse_financial_year("2016-17")
    2016
    >>> parse_financial_year("2019/2020")
    2019
    """
    m = _FY_RE.match(str(text))
    if not m:
        raise ValueError(f"'{text}' is not a financial year (expected e.g. 2016/17)")
    start = int(m.group(1))
    end = m.group(2)
    end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if len(end) == 2 and end_year < start:  # 1999/00
        end_year += 100
    if end_year != start + 1:
        raise ValueError(f"'{text}' is not a financial year: the years are not consecutive")
    return start


def format_financial_year(start: int) -> str:
    """Write a financial year canonically.

    Parameters
    ----------
    start : int
        The calendar year in which it starts (April).

    Returns
    -------
    str
        ``YYYY/YY``.

    Examples
    --------
    >>> format_financial_year(2023)
    '2023/24'
    """
    return f"{start}/{(start + 1) % 100:02d}"


def normalise_financial_year(text: str) -> str:
    """Return the canonical spelling ``YYYY/YY`` of a financial year.

    Parameters
    ----------
    text : str
        A financial year written in any way :func:`parse_financial_year` reads.

    Returns
    -------
    str
        ``YYYY/YY``.

    Examples
    --------
    >>> normalise_financial_year("2016-2017")
    '2016/17'
    """
    return format_financial_year(parse_financial_year(text))


def parse_month(text: str) -> str:
    """Return the canonical month ``YYYY-MM`` of ``2018-4``, ``2018/04`` or ``2018-04-01``.

    Parameters
    ----------
    text : str
        A month, with or without a day.

    Returns
    -------
    str
        ``YYYY-MM``.

    Raises
    ------
    ValueError
        If the text is not a month.

    Examples
    --------
    >>> parse_month("2018-4")
    '2018-04'
    """
    m = _MONTH_RE.match(str(text))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"'{text}' is not a month (expected YYYY-MM)")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def financial_year_of_month(month: str) -> str:
    """Financial year that contains a month.

    Parameters
    ----------
    month : str
        A canonical month ``YYYY-MM``.

    Returns
    -------
    str
        The financial year ``YYYY/YY``.

    Examples
    --------
    >>> financial_year_of_month("2019-03")
    '2018/19'
    >>> financial_year_of_month("2019-04")
    '2019/20'
    """
    year, mon = int(month[:4]), int(month[5:7])
    return format_financial_year(year if mon >= 4 else year - 1)


def months_of_financial_year(fy: str) -> list[str]:
    """The twelve months of a financial year, April first.

    Parameters
    ----------
    fy : str
        A financial year written in any way :func:`parse_financial_year` reads.

    Returns
    -------
    list of str
        Canonical months, April to March.

    Examples
    --------
    >>> months_of_financial_year("2018/19")[0], months_of_financial_year("2018/19")[-1]
    ('2018-04', '2019-03')
    """
    start = parse_financial_year(fy)
    return [f"{start + (m < 4):04d}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def quarter_label(fy: str, quarter: int) -> str:
    """Canonical label of a Home Office quarter, e.g. ``"2018/19 Q1"``.

    Parameters
    ----------
    fy : str
        A financial year written in any way :func:`parse_financial_year` reads.
    quarter : int
        1 (April to June) to 4 (January to March).

    Returns
    -------
    str
        ``YYYY/YY Qn``.
    """
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"'{quarter}' is not a financial quarter (1 to 4)")
    return f"{normalise_financial_year(fy)} Q{quarter}"


def months_of_quarter(label: str) -> list[str]:
    """The three months of a Home Office quarter label.

    Parameters
    ----------
    label : str
        A canonical quarter, e.g. ``"2018/19 Q4"``.

    Returns
    -------
    list of str
        Canonical months, in order.

    Examples
    --------
    >>> months_of_quarter("2018/19 Q4")
    ['2019-01', '2019-02', '2019-03']
    """
    m = _QUARTER_RE.match(label)
    if not m:
        raise ValueError(f"'{label}' is not a quarter label (expected e.g. 2018/19 Q1)")
    q = int(m.group(2))
    return months_of_financial_year(m.group(1))[(q - 1) * 3 : q * 3]


def period_kind(period: str) -> str:
    """Say whether a canonical period is a ``"month"``, ``"quarter"`` or ``"year"``.

    Parameters
    ----------
    period : str
        A canonical month, quarter or financial year.

    Returns
    -------
    str
        ``"month"``, ``"quarter"`` or ``"year"``.

    Examples
    --------
    >>> [period_kind(p) for p in ("2018-04", "2018/19 Q2", "2018/19")]
    ['month', 'quarter', 'year']
    """
    if _QUARTER_RE.match(period):
        return "quarter"
    if "/" in period:
        return "year"
    return "month"


def financial_year_of_period(period: str) -> str:
    """Financial year of any canonical period (month, quarter or year).

    Parameters
    ----------
    period : str
        A canonical month, quarter or financial year.

    Returns
    -------
    str
        The financial year ``YYYY/YY``.
    """
    kind = period_kind(period)
    if kind == "month":
        return financial_year_of_month(period)
    return period[:7]


def previous_financial_year(fy: str) -> str:
    """The financial year before ``fy``.

    Parameters
    ----------
    fy : str
        A financial year written in any way :func:`parse_financial_year` reads.

    Returns
    -------
    str
        ``YYYY/YY``.

    Examples
    --------
    >>> previous_financial_year("2019/20")
    '2018/19'
    """
    return format_financial_year(parse_financial_year(fy) - 1)


def month_label(month: str) -> str:
    """Readable month, e.g. ``"April 2018"``.

    Parameters
    ----------
    month : str
        A canonical month ``YYYY-MM``.

    Returns
    -------
    str
        The month's name and year.
    """
    return f"{MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive.

    Parameters
    ----------
    first, last : str
        Canonical months ``YYYY-MM``.

    Returns
    -------
    list of str
        Canonical months in order; empty when ``last`` is before ``first``.

    Examples
    --------
    >>> month_range("2018-11", "2019-02")
    ['2018-11', '2018-12', '2019-01', '2019-02']
    """
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out
