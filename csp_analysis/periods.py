"""Periods: months, Home Office quarters and financial years (April to March).

Canonical spellings used everywhere in the project:

- month: ``"2018-04"``
- financial year: ``"2018/19"`` (April 2018 to March 2019)
- Home Office quarter: ``"2018/19 Q1"`` (1 = Apr-Jun, 2 = Jul-Sep, 3 = Oct-Dec, 4 = Jan-Mar)

The assessed period of a report is one :class:`Period` value (a financial year, a quarter or
any run of up to twelve months, e.g. "12 months to June 2025"), read once by
:func:`parse_period` where it enters and passed down whole; :func:`months_phrase` names the
months a partial comparison rests on (``"Jan–Feb 2018"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


# ---------------------------------------------------------------- the assessed period

_RANGE_RE = re.compile(r"^\s*(\d{4}-\d{1,2})\s*(?:\.\.|to|–|—)\s*(\d{4}-\d{1,2})\s*$", re.I)
_QUARTER_ANY_RE = re.compile(r"^\s*(.+?)\s*Q([1-4])\s*$", re.IGNORECASE)

SHORT_MONTH_NAMES = tuple(name[:3] for name in MONTH_NAMES)


def shift_month(month: str, by: int) -> str:
    """The month ``by`` months after ``month`` (before it when ``by`` is negative).

    Parameters
    ----------
    month : str
        A canonical month ``YYYY-MM``.
    by : int
        Months to move.

    Returns
    -------
    str
        ``YYYY-MM``.

    Examples
    --------
    >>> shift_month("2019-02", -12), shift_month("2018-11", 3)
    ('2018-02', '2019-02')
    """
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_phrase(months: list[str] | tuple[str, ...] | set[str]) -> str:
    """Name a set of months in words, each run of consecutive months as one range.

    Parameters
    ----------
    months : collection of str
        Canonical months ``YYYY-MM`` (any order, duplicates ignored).

    Returns
    -------
    str
        E.g. ``"Jan–Feb 2018"``, ``"Apr–Jul 2018, Oct 2018–Feb 2019"``, ``"Mar 2019"``;
        ``""`` for no months.

    Examples
    --------
    >>> months_phrase(["2018-02", "2018-01"])
    'Jan–Feb 2018'
    >>> months_phrase(["2018-04", "2018-05", "2018-10", "2018-11", "2018-12", "2019-01"])
    'Apr–May 2018, Oct 2018–Jan 2019'
    """
    ordered = sorted(set(months))
    runs: list[list[str]] = []
    for m in ordered:
        if runs and shift_month(runs[-1][-1], 1) == m:
            runs[-1].append(m)
        else:
            runs.append([m])

    def short(m: str) -> str:
        return SHORT_MONTH_NAMES[int(m[5:7]) - 1]

    parts = []
    for run in runs:
        a, b = run[0], run[-1]
        if a == b:
            parts.append(f"{short(a)} {a[:4]}")
        elif a[:4] == b[:4]:
            parts.append(f"{short(a)}–{short(b)} {a[:4]}")
        else:
            parts.append(f"{short(a)} {a[:4]}–{short(b)} {b[:4]}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Period:
    """The assessed period: consecutive months, from ``first`` to ``last`` (at most twelve).

    Parsed once where it enters (:func:`parse_period`) and passed down whole. The comparison
    period is the same span a year earlier (:meth:`previous`).

    Attributes
    ----------
    first, last : str
        The first and last months ``YYYY-MM``, inclusive.

    Raises
    ------
    ValueError
        If a month is not ``YYYY-MM``, ``last`` is before ``first`` or the span is longer
        than twelve months.

    Examples
    --------
    >>> p = parse_period("2024-07..2025-06")
    >>> p.label, p.previous().label, p.slug
    ('12 months to June 2025', '12 months to June 2024', '12-months-to-2025-06')
    >>> parse_period("2025-26").label, parse_period("2025/26").kind
    ('2025/26', 'financial year')
    """

    first: str
    last: str

    def __post_init__(self) -> None:
        first, last = parse_month(self.first), parse_month(self.last)
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "last", last)
        n = len(month_range(first, last))
        if n == 0:
            raise ValueError(f"the period {first}..{last} ends before it starts")
        if n > 12:
            raise ValueError(
                f"the period {first}..{last} is {n} months long: at most 12 (a year) is "
                "assessed against the same months a year earlier"
            )

    @classmethod
    def financial_year(cls, fy: str | int) -> Period:
        """The financial year (April to March) written ``2025/26`` or starting in ``2025``.

        Parameters
        ----------
        fy : str or int
            Any spelling :func:`parse_financial_year` reads, or the starting calendar year.

        Returns
        -------
        Period
        """
        start = fy if isinstance(fy, int) else parse_financial_year(fy)
        return cls(f"{start:04d}-04", f"{start + 1:04d}-03")

    @property
    def months(self) -> list[str]:
        """Every month of the period, in order."""
        return month_range(self.first, self.last)

    @property
    def n_months(self) -> int:
        """How many months the period spans."""
        return len(self.months)

    @property
    def kind(self) -> str:
        """``"financial year"``, ``"quarter"`` (a Home Office quarter) or ``"months"``."""
        if self.first[5:] == "04" and self.n_months == 12:
            return "financial year"
        if self.n_months == 3 and self.first[5:] in ("04", "07", "10", "01"):
            return "quarter"
        return "months"

    @property
    def fy(self) -> str | None:
        """The financial year ``YYYY/YY`` when the period is one, else ``None``."""
        return financial_year_of_month(self.first) if self.kind == "financial year" else None

    @property
    def label(self) -> str:
        """The period in words: ``"2025/26"``, ``"2025/26 Q1"``, ``"12 months to June 2025"``,
        ``"July–September 2024"`` or ``"July 2024 to January 2025"``."""
        if self.kind == "financial year":
            return financial_year_of_month(self.first)
        if self.kind == "quarter":
            fy = financial_year_of_month(self.first)
            return f"{fy} Q{(int(self.first[5:]) - 4) % 12 // 3 + 1}"
        if self.n_months == 12:
            return f"12 months to {month_label(self.last)}"
        if self.first == self.last:
            return month_label(self.first)
        a, b = month_label(self.first), month_label(self.last)
        if self.first[:4] == self.last[:4]:
            return f"{a.split()[0]}–{b}"
        return f"{a} to {b}"

    @property
    def description(self) -> str:
        """The label with its months where the label does not say them, e.g.
        ``"financial year 2025/26 (April 2025 to March 2026)"``."""
        span = f"{month_label(self.first)} to {month_label(self.last)}"
        if self.kind == "financial year":
            return f"financial year {self.label} ({span})"
        if self.kind == "quarter":
            return f"{self.label} ({span})"
        return self.label if self.n_months != 12 else f"{self.label} ({span})"

    @property
    def slug(self) -> str:
        """The period for file and folder names: ``2025-26``, ``2025-26-q1``,
        ``12-months-to-2025-06`` or ``2024-07-to-2025-01``."""
        if self.kind == "financial year":
            return self.label.replace("/", "-")
        if self.kind == "quarter":
            return self.label.replace("/", "-").replace(" Q", "-q")
        if self.n_months == 12:
            return f"12-months-to-{self.last}"
        return f"{self.first}-to-{self.last}"

    @property
    def text(self) -> str:
        """The period as :func:`parse_period` reads it back: ``"2025/26"``, ``"2025/26 Q1"``
        or ``"2024-07..2025-06"`` (the notebook's ``year`` parameter)."""
        return self.label if self.kind != "months" else f"{self.first}..{self.last}"

    @property
    def population_year(self) -> int:
        """The calendar year of the mid-year (30 June) population estimate to use: the first
        30 June inside the period, else the year the period starts."""
        june = next((m for m in self.months if m[5:] == "06"), None)
        return int((june or self.first)[:4])

    def previous(self) -> Period:
        """The same months a year earlier (the comparison period).

        Returns
        -------
        Period
        """
        return Period(shift_month(self.first, -12), shift_month(self.last, -12))

    def __contains__(self, month: object) -> bool:
        return isinstance(month, str) and self.first <= month <= self.last

    def __str__(self) -> str:
        return self.label


def parse_period(text: str | Period) -> Period:
    """Read a period written as a financial year, a Home Office quarter or a month range.

    Parameters
    ----------
    text : str or Period
        ``"2025/26"`` (any spelling :func:`parse_financial_year` reads), ``"2025/26 Q1"``, or
        ``"2024-07..2025-06"`` (first and last month, inclusive; ``to`` also separates them).
        A :class:`Period` is returned as it is.

    Returns
    -------
    Period

    Raises
    ------
    ValueError
        Naming the spellings accepted.

    Examples
    --------
    >>> parse_period("2024-07..2025-06").months[0], parse_period("2018/19 Q4").months
    ('2024-07', ['2019-01', '2019-02', '2019-03'])
    """
    if isinstance(text, Period):
        return text
    raw = str(text).strip()
    m = _RANGE_RE.match(raw)
    if m:
        return Period(parse_month(m.group(1)), parse_month(m.group(2)))
    q = _QUARTER_ANY_RE.match(raw)
    if q:
        try:
            months = months_of_quarter(quarter_label(q.group(1), int(q.group(2))))
        except ValueError:
            pass
        else:
            return Period(months[0], months[-1])
    try:
        return Period.financial_year(raw)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a period: write a financial year (2025/26), a quarter "
            "(2025/26 Q1) or the first and last month (2024-07..2025-06)"
        ) from None
