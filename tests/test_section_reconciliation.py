"""Official figures beside police.uk counts: reconciliation, coverage and benchmarks.

Small police.uk files are written month by month with known rows; the expected figures are
counted from the rows written (an independent count), and the official totals are the numbers
written into the ONS and Home Office tables.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.analyses.official import (
    RECONCILIATION_COLUMNS,
    benchmarks,
    official_totals,
    police_uk_coverage,
    reconciliation,
)
from csp_analysis.assessment import assess
from csp_analysis.model import load
from csp_analysis.periods import months_of_financial_year
from csp_analysis.sections.reconciliation import render

FORCE = "Testshire Police"
HEADER = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]  # fmt: skip
TYPES = ["Burglary", "Shoplifting", "Anti-social behaviour", "Vehicle crime"]


def _write_police(folder: Path, months: list[str]) -> dict[tuple[str, str], int]:
    """Write one street file per month; return crimes (not ASB) by area and month, and the
    rows without a location by month under the key ``("", month)``."""
    expected: dict[tuple[str, str], int] = {}
    for i, month in enumerate(months):
        rows = []
        for j in range(20 + i):
            area = "Alpha" if j % 3 else "Beta"
            kind = TYPES[(i + j) % len(TYPES)]
            no_loc = j % 10 == 9
            lsoa = "" if no_loc else f"{area} 00{j % 4 + 1}A"
            rows.append(
                [
                    "" if kind == "Anti-social behaviour" else f"id{month}{j}",
                    month,
                    FORCE,
                    FORCE,
                    "",
                    "",
                    "No Location" if no_loc else "On or near X",
                    "" if no_loc else f"E0100000{j % 4}",
                    lsoa,
                    kind,
                    "",
                    "",
                ]  # fmt: skip
            )
            if no_loc:
                expected[("", month)] = expected.get(("", month), 0) + 1
            elif kind != "Anti-social behaviour":
                expected[(area, month)] = expected.get((area, month), 0) + 1
        (folder / month).mkdir(parents=True, exist_ok=True)
        with (folder / month / f"{month}-testshire-street.csv").open("w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(HEADER)
            w.writerows(rows)
    return expected


def _ons(folder: Path, title_period: str, rows: list[tuple[str, str, str, str, str]]) -> None:
    lines = [
        f"Table C1: Police recorded crime by Community Safety Partnership area, {title_period}",
        "",
        "Police Force Area code,Police Force Area name,Community Safety Partnership code,"
        'Community Safety Partnership name,"Population figures (mid-2023)\n [note 3]",'
        '"Total recorded crime\n (excluding fraud) [note 2]",Robbery',
    ]
    lines += [",".join(r) for r in rows]
    (folder / "ons_csp.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


FY = "2023/24"
MONTHS = months_of_financial_year(FY)
ONS_ROWS = [
    ("K04000001", "England and Wales", "", "", '"60,000,000 "', '"6,000,000 "', "60000"),
    ("E23000091", FORCE, "", "", '"250,000 "', '"30,000 "', "300"),
    ("E23000091", FORCE, "E22000901", "Alpha", '"100,000 "', '"9,000 "', "90"),
    ("E23000091", FORCE, "E22000902", "Beta", '"50,000 "', '"4,000 "', "[x]"),
]


@pytest.fixture
def full_year(tmp_path: Path) -> tuple[Path, dict[tuple[str, str], int]]:
    expected = _write_police(tmp_path, MONTHS)
    _ons(tmp_path, "year ending March 2024", ONS_ROWS)
    return tmp_path, expected


def test_reconciliation_sets_police_uk_beside_official(
    full_year: tuple[Path, dict[tuple[str, str], int]],
) -> None:
    folder, expected = full_year
    rec = reconciliation(load(folder))
    assert list(rec.columns) == RECONCILIATION_COLUMNS
    got = {r.area: (r.period, int(r.police_uk), int(r.official)) for r in rec.itertuples()}
    alpha = sum(v for (a, _), v in expected.items() if a == "Alpha")
    beta = sum(v for (a, _), v in expected.items() if a == "Beta")
    assert got == {"Alpha": (FY, alpha, 9000), "Beta": (FY, beta, 4000)}
    row = rec.set_index("area").loc["Alpha"]
    assert int(row["difference"]) == alpha - 9000
    assert float(row["pct_difference"]) == round(100 * (alpha - 9000) / 9000, 1)
    assert "year ending March 2024" in row["official_source"]


def test_no_row_when_police_uk_misses_a_month(tmp_path: Path) -> None:
    _write_police(tmp_path, [m for m in MONTHS if m != "2023-08"])
    _ons(tmp_path, "year ending March 2024", ONS_ROWS)
    ds = load(tmp_path)
    assert len(official_totals(ds)) == 4
    assert len(reconciliation(ds)) == 0  # eleven months are not the year
    cov = police_uk_coverage(ds)
    assert cov.set_index("month").loc["2023-08", "status"] == "missing"
    assert pd.isna(cov.set_index("month").loc["2023-08", "rows"])  # missing, not zero


def test_rolling_year_ending_december(tmp_path: Path) -> None:
    months = [f"2023-{m:02d}" for m in range(1, 13)]
    expected = _write_police(tmp_path, months)
    _ons(tmp_path, "year ending December 2023", ONS_ROWS)
    rec = reconciliation(load(tmp_path)).set_index("area")
    assert rec.loc["Alpha", "period"] == "12 months to December 2023"
    alpha = sum(v for (a, _), v in expected.items() if a == "Alpha")
    assert int(rec.loc["Alpha", "police_uk"]) == alpha


def test_coverage_by_force_and_month(full_year: tuple[Path, dict[tuple[str, str], int]]) -> None:
    folder, expected = full_year
    cov = police_uk_coverage(load(folder)).set_index("month")
    assert list(cov.index) == MONTHS
    for i, m in enumerate(MONTHS):
        rows = 20 + i  # rows written for the month
        assert int(cov.loc[m, "rows"]) == rows
        assert int(cov.loc[m, "no_location"]) == expected.get(("", m), 0)
        assert float(cov.loc[m, "no_location_share"]) == round(expected.get(("", m), 0) / rows, 4)
    assert set(cov["status"]) == {"covered"}


def test_benchmarks_rows_from_the_official_table(
    full_year: tuple[Path, dict[tuple[str, str], int]],
) -> None:
    folder, _ = full_year
    (folder / "peers.csv").write_text("area,peer\nAlpha,Beta\n", encoding="utf-8")
    b = benchmarks(load(folder), "Alpha").set_index("comparison")
    assert list(b.index) == [
        "the area", "police force area", "most similar group", "England and Wales",
    ]  # fmt: skip
    assert int(b.loc["the area", "crimes"]) == 9000
    assert float(b.loc["the area", "rate_per_1000"]) == 90.0  # 9,000 / 100,000 x 1,000
    assert int(b.loc["police force area", "crimes"]) == 30000
    assert float(b.loc["police force area", "rate_per_1000"]) == 120.0
    assert int(b.loc["most similar group", "crimes"]) == 4000
    assert float(b.loc["England and Wales", "rate_per_1000"]) == 100.0


def test_home_office_year_needs_all_four_quarters(tmp_path: Path) -> None:
    _write_police(tmp_path, MONTHS)
    header = "Financial Year,Financial Quarter,Police Force,CSP Name,Offence Description,"
    header += "Offence Group,Offence Subgroup,Offence Code,Offence Count"
    body = [
        f"2023/24,{q},{FORCE},Alpha,Shoplifting,Theft offences,Shoplifting,46,{n}"
        for q, n in ((1, 100), (2, 110), (3, 120), (4, 130))
    ] + [
        f"2023/24,{q},{FORCE},Beta,Shoplifting,Theft offences,Shoplifting,46,50"
        for q in (1, 2, 3)  # no Q4: not a year's total
    ]
    (tmp_path / "prc.csv").write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    ds = load(tmp_path)
    tot = official_totals(ds)
    assert tot[["area", "period", "official"]].values.tolist() == [["Alpha", FY, 460]]
    rec = reconciliation(ds)
    assert list(rec["area"]) == ["Alpha"]
    assert "Home Office" in rec["official_source"].iloc[0]


def test_section_published_with_sentence(
    full_year: tuple[Path, dict[tuple[str, str], int]],
) -> None:
    folder, _ = full_year
    a = assess(load(folder), "Alpha", FY)
    r = a.section("reconciliation")
    assert r.available
    assert {"reconciliation", "police_uk_coverage", "benchmarks"} <= set(r.tables)
    assert any("official total" in f and "police.uk" in f for f in r.findings)
    shown = " ".join(str(getattr(b, "data", b)) for b in render(r, a))
    assert "year ending March 2024" in shown  # the official source, beside the counts
    assert "12 force-months from April 2023 to March 2024" in shown


def test_section_gap_without_official_table(tmp_path: Path) -> None:
    _write_police(tmp_path, MONTHS)
    r = assess(load(tmp_path), "Alpha", FY).section("reconciliation")
    assert not r.available
    assert "No official figures" in (r.gap or "")
    assert "police_uk_coverage" in r.tables  # coverage is still published


@pytest.mark.shared
def test_essex_months_missing_never_zero(shared_file: Callable[[str], Path]) -> None:
    ds = load(shared_file("police_uk"))
    cov = police_uk_coverage(ds, "Essex Police").set_index("month")
    assert cov.loc["2018-10", "status"] == "covered"
    assert int(cov["no_location"].sum()) > 0
