"""Year-on-year change: like-for-like months, percent change, choosing the year."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.periods import complete_years, missing_months, resolve_year
from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset, load
from csp_analysis.paths import demo_dir
from csp_analysis.statistics.change import pct_change

ASB = "Anti-social behaviour"
AREA = "Testborough"
PREV = [
    "2023-04",
    "2023-05",
    "2023-06",
    "2023-07",
    "2023-08",
    "2023-09",
    "2023-10",
    "2023-11",
    "2023-12",
    "2024-01",
    "2024-02",
    "2024-03",
]
CUR = [
    "2024-04",
    "2024-05",
    "2024-06",
    "2024-07",
    "2024-08",
    "2024-09",
    "2024-10",
    "2024-11",
    "2024-12",
    "2025-01",
    "2025-02",
    "2025-03",
]
MISSING = {"2024-08", "2024-09"}  # no row at all in these months of the current year


def like_for_like_rows() -> list[tuple[str, str, int]]:
    rows = []
    for i, m in enumerate(PREV):
        rows += [(m, "Burglary", 20 + i), (m, "Robbery", 3), (m, ASB, 100)]
    for i, m in enumerate(CUR):
        if m in MISSING:
            continue
        rows += [(m, "Burglary", 22 + i), (m, ASB, 90)]
        if m != "2024-05":  # no Robbery row in May 2024: a true zero (the month is covered)
            rows.append((m, "Robbery", 4))
    rows.append(("2024-12", "Bicycle theft", 2))  # none in the previous year
    return rows


@pytest.fixture
def lfl(tmp_path: Path) -> Dataset:
    lines = [
        "area,period,category,count",
        *(f"{AREA},{m},{c},{n}" for m, c, n in like_for_like_rows()),
    ]
    (tmp_path / "counts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load(tmp_path)


def test_like_for_like_when_months_missing(lfl: Dataset) -> None:
    rows = like_for_like_rows()
    common = {m[5:] for m in CUR if m not in MISSING}

    def total(months: list[str], cats: set[str]) -> int:
        return sum(n for m, c, n in rows if m in months and m[5:] in common and c in cats)

    t = category_change(lfl, AREA, "2024/25").set_index("category")
    crimes = {"Burglary", "Robbery"}  # the crime categories both years have
    expected = {
        "All crime": (total(PREV, crimes), total(CUR, crimes)),
        "Burglary": (total(PREV, {"Burglary"}), total(CUR, {"Burglary"})),
        "Robbery": (total(PREV, {"Robbery"}), total(CUR, {"Robbery"})),
        ASB: (total(PREV, {ASB}), total(CUR, {ASB})),
    }
    # The same numbers by hand: Burglary 20..31 without Aug (24) and Sep (25) = 306 - 49 = 257;
    # current 22..33 without 26 and 27 = 330 - 53 = 277; Robbery 3 x 10 = 30 and 4 x 9 = 36.
    assert expected["Burglary"] == (257, 277)
    assert expected["Robbery"] == (30, 36)
    # All crime over the categories both years have: Bicycle theft (only in 2024/25) is left
    # out, not compared with a 0 it never had (issue 19).
    assert expected["All crime"] == (257 + 30, 277 + 36)
    assert expected[ASB] == (1000, 900)
    for cat, (prev, cur) in expected.items():
        assert (int(t.loc[cat, "previous"]), int(t.loc[cat, "current"])) == (prev, cur), cat
        assert int(t.loc[cat, "change"]) == cur - prev
        assert int(t.loc[cat, "months_compared"]) == 10
    assert "10 months" in t.loc["All crime", "note"]
    assert "not Bicycle theft" in t.loc["All crime", "note"]
    assert float(t.loc["All crime", "pct_change"]) == 9.1  # 26 / 287 = 9.06%
    assert float(t.loc["Burglary", "pct_change"]) == 7.8  # 20 / 257 = 7.78%
    assert float(t.loc[ASB, "pct_change"]) == -10.0


def test_category_absent_from_previous_year_is_missing_not_zero(lfl: Dataset) -> None:
    """Bicycle theft has no row in 2023/24: missing there, never 0 (issue 19 group 5)."""
    t = category_change(lfl, AREA, "2024/25").set_index("category")
    assert pd.isna(t.loc["Bicycle theft", "previous"])
    assert int(t.loc["Bicycle theft", "current"]) == 2
    assert pd.isna(t.loc["Bicycle theft", "change"])
    assert pd.isna(t.loc["Bicycle theft", "pct_change"])
    assert "not in the data for 2023/24" in t.loc["Bicycle theft", "note"]


def test_previous_zero_gives_missing_pct(tmp_path: Path) -> None:
    """A 0 written in the previous year is a true zero: change +2, percent change missing."""
    rows = [*like_for_like_rows(), ("2023-04", "Bicycle theft", 0)]
    lines = ["area,period,category,count", *(f"{AREA},{m},{c},{n}" for m, c, n in rows)]
    (tmp_path / "counts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = category_change(load(tmp_path), AREA, "2024/25").set_index("category")
    assert (int(t.loc["Bicycle theft", "previous"]), int(t.loc["Bicycle theft", "current"])) == (
        0,
        2,
    )
    assert int(t.loc["Bicycle theft", "change"]) == 2
    assert pd.isna(t.loc["Bicycle theft", "pct_change"])


def test_category_absent_from_last_years_extract(tmp_path: Path) -> None:
    """Issue 19: robbery absent from last year's extract was taken as 0 ("largest rise:
    robbery (+45)", All crime up). Expected values from the file by the csv module."""
    text = (
        "area,period,category,count\n"
        f"{AREA},2023/24,Burglary,120\n{AREA},2023/24,Shoplifting,80\n"
        f"{AREA},2024/25,Burglary,110\n{AREA},2024/25,Shoplifting,85\n"
        f"{AREA},2024/25,Robbery,45\n"
    )
    (tmp_path / "counts.csv").write_text(text, encoding="utf-8")
    with (tmp_path / "counts.csv").open(newline="", encoding="utf-8") as f:
        got = {(r["period"], r["category"]): int(r["count"]) for r in csv.DictReader(f)}
    both = [c for p, c in got if p == "2023/24" and ("2024/25", c) in got]
    prev = sum(got[("2023/24", c)] for c in both)
    cur = sum(got[("2024/25", c)] for c in both)
    t = category_change(load(tmp_path), AREA, "2024/25").set_index("category")
    assert pd.isna(t.loc["Robbery", "previous"]) and pd.isna(t.loc["Robbery", "change"])
    assert (int(t.loc["All crime", "previous"]), int(t.loc["All crime", "current"])) == (
        prev,
        cur,
    )
    assert float(t.loc["All crime", "pct_change"]) == pct_change(prev, cur) == -2.5


def test_no_previous_year_is_missing_not_zero(lfl: Dataset) -> None:
    t = category_change(lfl, AREA, "2023/24").set_index("category")
    rows = like_for_like_rows()
    assert int(t.loc["Burglary", "current"]) == sum(
        n for m, c, n in rows if m in PREV and c == "Burglary"
    )
    assert pd.isna(t.loc["Burglary", "previous"])
    assert pd.isna(t.loc["Burglary", "change"]) and pd.isna(t.loc["Burglary", "pct_change"])
    assert int(t.loc["Burglary", "months_compared"]) == 0
    assert "no data for 2022/23" in t.loc["Burglary", "note"]


def test_order_and_kinds(lfl: Dataset) -> None:
    t = category_change(lfl, AREA, "2024/25")
    assert list(t["category"]) == ["All crime", "Burglary", "Bicycle theft", "Robbery", ASB]
    assert list(t["kind"]) == ["total", "crime", "crime", "crime", "asb"]  # issue 13
    assert set(t["scheme"]) == {"police_uk"}


# ---------------------------------------------------------------- percent change


@pytest.mark.parametrize(
    ("previous", "current", "pct"),
    [
        (17000, 16253, -4.4),  # DOMAIN.md: "a decrease in all crime offences of -747 (-4.4%)"
        (100, 105, 5.0),
        (100, 95, -5.0),
        (3, 4, 33.3),  # 33.33...
        (3, 1, -66.7),  # -66.66...
        (7, 7, 0.0),
        (116, 144, 24.1),  # 24.14%
        (1, 1000, 99900.0),
    ],
)
def test_pct_change_sign_and_rounding(previous: int, current: int, pct: float) -> None:
    got = pct_change(previous, current)
    assert got == pct
    assert math.copysign(1, got) == math.copysign(1, current - previous) or got == 0


@pytest.mark.parametrize(("previous", "current"), [(0, 5), (0, 0), (None, 3), (5, float("nan"))])
def test_pct_change_missing(previous: float | None, current: float) -> None:
    assert math.isnan(pct_change(previous, current))


def _half_up(previous: int, current: int) -> float:
    """Percent change rounded half away from zero on the exact value (as Excel's ROUND)."""
    exact = Fraction(100 * (current - previous), previous)
    d = Decimal(exact.numerator) / Decimal(exact.denominator)
    return float(d.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_pct_change_ties_round_consistently() -> None:
    # exact ties: 1/400 = 0.25%, 29/2000 = 1.45%, 7/2000 = 0.35%, 9/2000 = 0.45%
    cases = [(400, 401), (2000, 2029), (2000, 2007), (2000, 2009), (400, 399), (2000, 1971)]
    assert [_half_up(p, c) for p, c in cases] == [0.3, 1.5, 0.4, 0.5, -0.3, -1.5]
    assert [pct_change(p, c) for p, c in cases] == [_half_up(p, c) for p, c in cases]


# ---------------------------------------------------------------- choosing the year


def test_resolve_year(lfl: Dataset) -> None:
    assert lfl.financial_years(AREA) == ["2023/24", "2024/25"]
    assert complete_years(lfl, AREA) == ["2023/24"]
    assert missing_months(lfl, AREA, "2024/25") == ["2024-08", "2024-09"]
    assert resolve_year(lfl, AREA, None) == "2023/24"  # the latest complete year
    assert resolve_year(lfl, AREA, "2024-25") == "2024/25"
    assert resolve_year(lfl, AREA, "2024/2025") == "2024/25"


def test_resolve_year_refuses_unknown_with_list_and_closest(lfl: Dataset) -> None:
    with pytest.raises(UsageError) as err:
        resolve_year(lfl, AREA, "2025/26")
    msg = str(err.value)
    assert "2025/26" in msg and "Did you mean 2024/25?" in msg
    assert "2023/24, 2024/25" in msg
    with pytest.raises(UsageError, match="2023/24, 2024/25") as err:
        resolve_year(lfl, AREA, "abc")
    assert "abc" in str(err.value)


def test_resolve_year_without_complete_year(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(
        "area,period,category,count\nX,2024-04,Drugs,1\nX,2025-05,Drugs,2\n", encoding="utf-8"
    )
    ds = load(tmp_path)
    assert complete_years(ds, "X") == []
    assert resolve_year(ds, "X", None) == "2025/26"  # one month each: the later


def test_default_year_is_chosen_by_coverage(tmp_path: Path) -> None:
    """Issue 19 group 3: without a complete year, the year with most months covered (eleven
    of 2017/18), not a year that one row of April 2018 opens."""
    months = [f"2017-{m:02d}" for m in range(4, 13)] + ["2018-01", "2018-02"]
    rows = [f"X,{m},Drugs,3" for m in months] + ["X,2018-04,Drugs,1"]
    (tmp_path / "c.csv").write_text(
        "area,period,category,count\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    ds = load(tmp_path)
    assert ds.financial_years("X") == ["2017/18", "2018/19"]
    assert complete_years(ds, "X") == []
    assert resolve_year(ds, "X", None) == "2017/18"


# ---------------------------------------------------------------- demo data


def _demo_raw_counts() -> Counter[tuple[str, str]]:
    """(month, crime type) counts of Elderbrook rows in the demo police.uk files (csv module)."""
    out: Counter[tuple[str, str]] = Counter()
    for path in sorted((demo_dir() / "police_uk").rglob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for r in csv.DictReader(handle):
                if re.fullmatch(r"Elderbrook \d{3}[A-Z]", r["LSOA name"]):
                    out[(r["Month"], r["Crime type"])] += 1
    return out


def test_demo_latest_complete_year(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    assert ds.synthetic
    assert len(ds.areas) == 14 and len(ds.forces) == 1
    year = resolve_year(ds, "Elderbrook", None)
    assert year == "2025/26"
    t = category_change(ds, "Elderbrook", year).set_index("category")
    assert set(t["months_compared"]) == {12}
    assert set(t["note"]) == {""}
    raw = _demo_raw_counts()

    def fy_sum(start: int, crime: bool | None, ctype: str | None = None) -> int:
        months = {f"{start + (m < 4)}-{m:02d}" for m in range(1, 13)}
        return sum(
            n
            for (m, c), n in raw.items()
            if m in months and (c == ctype if ctype else (c != ASB) == crime)
        )

    assert (int(t.loc["All crime", "previous"]), int(t.loc["All crime", "current"])) == (
        fy_sum(2024, True),
        fy_sum(2025, True),
    )
    assert (int(t.loc[ASB, "previous"]), int(t.loc[ASB, "current"])) == (
        fy_sum(2024, False),
        fy_sum(2025, False),
    )
    for cat in ("Shoplifting", "Burglary", "Robbery"):
        assert (int(t.loc[cat, "previous"]), int(t.loc[cat, "current"])) == (
            fy_sum(2024, None, cat),
            fy_sum(2025, None, cat),
        ), cat


# ---------------------------------------------------------------- real data, months missing


@pytest.mark.shared
def test_thurrock_like_for_like_on_real_data(shared_file: Callable[[str], Path]) -> None:
    """2018/19 against 2017/18: only January and February are in both years."""
    folder = shared_file("police_uk")
    raw: Counter[tuple[str, bool]] = Counter()
    for path in sorted(folder.rglob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [re.sub(r"[^a-z]", "", h.lower()) for h in next(reader)]
            i_m, i_l, i_t = (header.index(k) for k in ("month", "lsoaname", "crimetype"))
            for row in reader:
                if row and re.fullmatch(r"Thurrock \d{3}[A-Z]", row[i_l]):
                    raw[(row[i_m], row[i_t] == ASB)] += 1
    ds = load(folder)
    t = category_change(ds, "Thurrock", "2018/19").set_index("category")
    assert int(t.loc["All crime", "months_compared"]) == 2
    assert (int(t.loc["All crime", "previous"]), int(t.loc["All crime", "current"])) == (
        raw[("2018-01", False)] + raw[("2018-02", False)],
        raw[("2019-01", False)] + raw[("2019-02", False)],
    )
    assert (int(t.loc[ASB, "previous"]), int(t.loc[ASB, "current"])) == (
        raw[("2018-01", True)] + raw[("2018-02", True)],
        raw[("2019-01", True)] + raw[("2019-02", True)],
    )
    assert "2 months" in t.loc["All crime", "note"]
