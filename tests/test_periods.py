"""Periods: months, Home Office quarters and financial years (April to March).

Expected values are written out by hand from the calendar (a financial year runs April to
March; Home Office quarters are 1 = Apr-Jun, 2 = Jul-Sep, 3 = Oct-Dec, 4 = Jan-Mar).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_analysis.periods import (
    Period,
    financial_year_of_month,
    financial_year_of_period,
    format_financial_year,
    month_label,
    month_range,
    months_of_financial_year,
    months_of_quarter,
    months_phrase,
    normalise_financial_year,
    parse_financial_year,
    parse_month,
    parse_period,
    period_kind,
    previous_financial_year,
    quarter_label,
    shift_month,
)

# ---------------------------------------------------------------- financial years


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2016/17", 2016),
        ("2016-17", 2016),
        ("2016/2017", 2016),
        ("2016-2017", 2016),
        ("1999/00", 1999),
        ("1999/2000", 1999),
        ("FY2016/17", 2016),
        (" 2016 / 17 ", 2016),
        ("2009/10", 2009),
    ],
)
def test_parse_financial_year(text: str, start: int) -> None:
    assert parse_financial_year(text) == start


@pytest.mark.parametrize(
    "text",
    [
        "2016/18",
        "2016/2018",
        "2016/16",
        "2017/16",
        "abc",
        "",
        "2016",
        "2016/1",
        "16/17",
        "2016/017",
        "1999/01",
    ],
)
def test_parse_financial_year_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="financial year"):
        parse_financial_year(text)


@pytest.mark.parametrize(
    ("start", "text"),
    [(2016, "2016/17"), (1999, "1999/00"), (2009, "2009/10"), (2000, "2000/01"), (2023, "2023/24")],
)
def test_format_financial_year(start: int, text: str) -> None:
    assert format_financial_year(start) == text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2016-17", "2016/17"),
        ("2016/2017", "2016/17"),
        ("2016-2017", "2016/17"),
        ("1999-00", "1999/00"),
        ("1999/2000", "1999/00"),
        ("2016/17", "2016/17"),
    ],
)
def test_normalise_financial_year(text: str, canonical: str) -> None:
    assert normalise_financial_year(text) == canonical


def test_normalise_financial_year_refuses() -> None:
    with pytest.raises(ValueError):
        normalise_financial_year("2016/18")


def test_previous_financial_year_across_century() -> None:
    assert previous_financial_year("2000/01") == "1999/00"
    assert previous_financial_year("2019/20") == "2018/19"


# ---------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2018-04", "2018-04"),
        ("2018-4", "2018-04"),
        ("2018/04", "2018-04"),
        ("2018-04-01", "2018-04"),
        (" 2018-12 ", "2018-12"),
    ],
)
def test_parse_month(text: str, month: str) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize("text", ["2018-13", "2018-00", "April 2018", "201804", "abc", ""])
def test_parse_month_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a month"):
        parse_month(text)


@pytest.mark.parametrize(
    ("month", "fy"),
    [
        ("2019-03", "2018/19"),  # last month of 2018/19
        ("2019-04", "2019/20"),  # April starts the next year
        ("2018-04", "2018/19"),
        ("2018-12", "2018/19"),
        ("2019-01", "2018/19"),
        ("2000-01", "1999/00"),
        ("2000-04", "2000/01"),
    ],
)
def test_financial_year_of_month_april_boundary(month: str, fy: str) -> None:
    assert financial_year_of_month(month) == fy


def test_months_of_financial_year() -> None:
    assert months_of_financial_year("2018/19") == [
        "2018-04",
        "2018-05",
        "2018-06",
        "2018-07",
        "2018-08",
        "2018-09",
        "2018-10",
        "2018-11",
        "2018-12",
        "2019-01",
        "2019-02",
        "2019-03",
    ]
    assert months_of_financial_year("1999-00")[-3:] == ["2000-01", "2000-02", "2000-03"]


def test_month_label() -> None:
    assert month_label("2018-04") == "April 2018"
    assert month_label("2019-12") == "December 2019"


# ---------------------------------------------------------------- quarters


@pytest.mark.parametrize(
    ("quarter", "months"),
    [
        (1, ["2018-04", "2018-05", "2018-06"]),
        (2, ["2018-07", "2018-08", "2018-09"]),
        (3, ["2018-10", "2018-11", "2018-12"]),
        (4, ["2019-01", "2019-02", "2019-03"]),
    ],
)
def test_quarters(quarter: int, months: list[str]) -> None:
    label = quarter_label("2018-19", quarter)
    assert label == f"2018/19 Q{quarter}"
    assert months_of_quarter(label) == months


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_quarter_label_refuses(quarter: int) -> None:
    with pytest.raises(ValueError, match="quarter"):
        quarter_label("2018/19", quarter)


@pytest.mark.parametrize("label", ["2018/19 Q5", "2018-19 Q1", "2018/19", "Q1 2018/19"])
def test_months_of_quarter_refuses(label: str) -> None:
    with pytest.raises(ValueError, match="quarter label"):
        months_of_quarter(label)


# ---------------------------------------------------------------- any period


@pytest.mark.parametrize(
    ("period", "kind", "fy"),
    [
        ("2018-04", "month", "2018/19"),
        ("2019-02", "month", "2018/19"),
        ("2018/19", "year", "2018/19"),
        ("2018/19 Q2", "quarter", "2018/19"),
        ("2018/19 Q4", "quarter", "2018/19"),
    ],
)
def test_period_kind_and_year(period: str, kind: str, fy: str) -> None:
    assert period_kind(period) == kind
    assert financial_year_of_period(period) == fy


def test_month_range_across_year_end() -> None:
    assert month_range("2018-11", "2019-02") == ["2018-11", "2018-12", "2019-01", "2019-02"]


def test_month_range_edges() -> None:
    assert month_range("2018-04", "2018-04") == ["2018-04"]
    assert month_range("2018-05", "2018-04") == []
    two_years = month_range("2017-01", "2018-12")
    assert len(two_years) == 24
    assert two_years[11:13] == ["2017-12", "2018-01"]


# ---------------------------------------------------------------- properties

months = st.builds(
    lambda y, m: f"{y:04d}-{m:02d}",
    st.integers(min_value=1900, max_value=2200),
    st.integers(min_value=1, max_value=12),
)


@given(months)
def test_month_is_in_its_financial_year(month: str) -> None:
    assert month in months_of_financial_year(financial_year_of_month(month))


@given(months)
def test_month_is_in_exactly_one_quarter_of_its_year(month: str) -> None:
    fy = financial_year_of_month(month)
    hits = [q for q in (1, 2, 3, 4) if month in months_of_quarter(quarter_label(fy, q))]
    assert len(hits) == 1
    # Jan-Mar is Q4, Apr-Jun Q1, Jul-Sep Q2, Oct-Dec Q3
    assert hits[0] == {1: 4, 2: 4, 3: 4}.get(int(month[5:]), (int(month[5:]) - 4) // 3 + 1)


@given(st.integers(min_value=1000, max_value=9998))
def test_financial_year_round_trip(start: int) -> None:
    text = format_financial_year(start)
    assert parse_financial_year(text) == start
    assert parse_financial_year(text.replace("/", "-")) == start
    assert parse_financial_year(f"{start}/{start + 1}") == start
    assert months_of_financial_year(text) == month_range(f"{start:04d}-04", f"{start + 1:04d}-03")


# ---------------------------------------------------------------- the assessed period (Period)
# Expected labels and months written out by hand from the calendar.


@pytest.mark.parametrize(
    ("text", "first", "last", "label", "slug", "kind"),
    [
        ("2025/26", "2025-04", "2026-03", "2025/26", "2025-26", "financial year"),
        ("2025-2026", "2025-04", "2026-03", "2025/26", "2025-26", "financial year"),
        (
            "2024-07..2025-06",
            "2024-07",
            "2025-06",
            "12 months to June 2025",
            "12-months-to-2025-06",
            "months",
        ),
        (
            "2024-7 to 2025-6",
            "2024-07",
            "2025-06",
            "12 months to June 2025",
            "12-months-to-2025-06",
            "months",
        ),
        ("2018/19 Q4", "2019-01", "2019-03", "2018/19 Q4", "2018-19-q4", "quarter"),
        ("2025-04..2025-06", "2025-04", "2025-06", "2025/26 Q1", "2025-26-q1", "quarter"),
        (
            "2024-11..2025-02",
            "2024-11",
            "2025-02",
            "November 2024 to February 2025",
            "2024-11-to-2025-02",
            "months",
        ),
        ("2025-05..2025-06", "2025-05", "2025-06", "May–June 2025", "2025-05-to-2025-06", "months"),
    ],
)
def test_parse_period(text: str, first: str, last: str, label: str, slug: str, kind: str) -> None:
    p = parse_period(text)
    assert (p.first, p.last, p.label, p.slug, p.kind) == (first, last, label, slug, kind)
    assert parse_period(p.text) == p  # the notebook parameter reads back to the same period
    assert parse_period(p) is p


def test_a_financial_year_period_keeps_its_old_spelling_and_comparison() -> None:
    p = parse_period("2018-19")
    assert str(p) == p.label == "2018/19" and p.fy == "2018/19"
    assert p.previous().label == previous_financial_year("2018/19") == "2017/18"
    assert p.months == months_of_financial_year("2018/19")
    assert p.population_year == 2018  # mid-2018 (30 June) lies in April 2018 to March 2019
    assert Period.financial_year(2018) == p


def test_a_rolling_year_is_compared_with_the_same_months_a_year_earlier() -> None:
    p = parse_period("2024-07..2025-06")
    before = p.previous()
    assert (before.first, before.last) == ("2023-07", "2024-06")
    assert before.label == "12 months to June 2024"
    assert p.n_months == 12 and p.fy is None
    assert p.population_year == 2025  # June 2025 is the first 30 June inside the period
    assert "2025-06" in p and "2024-06" not in p


@pytest.mark.parametrize(
    "text", ["2025-06..2024-07", "2023-01..2024-06", "2025/27", "June 2025", "2025/26 Q5", ""]
)
def test_bad_periods_are_refused_with_the_spellings_accepted(text: str) -> None:
    with pytest.raises(ValueError, match="period|financial year|month"):
        parse_period(text)


@pytest.mark.parametrize(
    ("months", "words"),
    [
        (["2018-01", "2018-02"], "Jan–Feb 2018"),
        (["2019-02", "2019-01"], "Jan–Feb 2019"),
        (["2019-03"], "Mar 2019"),
        (["2018-12", "2019-01"], "Dec 2018–Jan 2019"),
        (
            ["2018-04", "2018-05", "2018-06", "2018-07", "2018-10", "2018-11", "2018-12"]
            + ["2019-01", "2019-02"],
            "Apr–Jul 2018, Oct 2018–Feb 2019",
        ),
        ([], ""),
    ],
)
def test_months_phrase_names_each_run_of_months(months: list[str], words: str) -> None:
    assert months_phrase(months) == words


@given(
    st.integers(2000, 2040),
    st.integers(1, 12),
    st.integers(1, 12),
)
def test_period_previous_is_twelve_months_earlier_and_as_long(
    year: int, month: int, length: int
) -> None:
    first = f"{year:04d}-{month:02d}"
    p = Period(first, shift_month(first, length - 1))
    before = p.previous()
    assert before.n_months == p.n_months == length
    assert [shift_month(m, 12) for m in before.months] == p.months
    assert not set(before.months) & set(p.months)
    assert parse_period(p.text) == p
