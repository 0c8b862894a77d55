"""The data coverage section, checked against an independent count of the files."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from csp_analysis.assessment import Assessment, assess
from csp_analysis.model import load
from csp_analysis.periods import months_of_financial_year
from csp_analysis.sections.coverage import render


def _independent_counts(folder: Path, area: str, force: str) -> tuple[Counter, Counter, int]:
    """Rows by month for the area (crime, ASB) and for the force, and rows with no LSOA,
    read with the csv module (header spellings: police.uk's and snake_case)."""
    area_rows: Counter = Counter()
    force_rows: Counter = Counter()
    blank = 0
    for path in sorted(folder.rglob("*-street.csv")):
        with path.open(newline="", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                row = {k.strip().lower().replace(" ", "_"): v for k, v in row.items() if k}
                month, name = row["month"], row.get("lsoa_name") or ""
                kind = "asb" if row["crime_type"] == "Anti-social behaviour" else "crime"
                if not name:
                    blank += 1
                    continue
                if row["reported_by"] == force:
                    force_rows[month] += 1
                if name.rsplit(" ", 1)[0] == area and row["reported_by"] == force:
                    area_rows[(kind, month)] += 1
    return area_rows, force_rows, blank


def test_thurrock_coverage_on_the_real_essex_files(shared_file: Callable[[str], Path]) -> None:
    folder = shared_file("police_uk")
    ds = load(folder)
    a = assess(ds, "Thurrock", "2018/19")
    cov = a.section("coverage")
    t = cov.table("data_coverage").set_index("measure")
    area_rows, force_rows, blank = _independent_counts(folder, "Thurrock", "Essex Police")
    have = {m for (_, m) in area_rows} | set(force_rows)
    for col, fy in (("previous_year", "2017/18"), ("assessed_year", "2018/19")):
        months = months_of_financial_year(fy)
        present = [m for m in months if m in have]
        assert t.loc["months with data", col] == len(present)
        assert t.loc["months missing", col] == 12 - len(present)
        crimes = sum(n for (k, m), n in area_rows.items() if k == "crime" and m in months)
        asb = sum(n for (k, m), n in area_rows.items() if k == "asb" and m in months)
        assert t.loc["crimes for Thurrock", col] == crimes
        assert t.loc["anti-social behaviour incidents for Thurrock", col] == asb
        assert t.loc["street-level records of Essex Police", col] == sum(
            n for m, n in force_rows.items() if m in months
        )
    # Essex 2018/19: April to July 2018 and October 2018 to February 2019 (9 months)
    assert t.loc["months with data", "assessed_year"] == 9
    assert cov.facts["no_location"] == blank
    assert any(f.startswith("Data are incomplete") for f in a.findings)
    text = " ".join(str(getattr(b, "data", "")) for b in render(cov, a))
    assert "not a month without crime" in text and "March 2019" in text


def test_demo_coverage_is_complete(demo_assessment: Assessment) -> None:
    a = demo_assessment
    t = a.section("coverage").table("data_coverage").set_index("measure")
    assert t.loc["months with data"].tolist()[:2] == [12, 12]
    assert t.loc["months missing"].tolist()[:2] == [0, 0]
    yoy = a.table("yoy_categories").set_index("category")
    assert t.loc["crimes for Elderbrook", "assessed_year"] == yoy.loc["All crime", "current"]
    assert t.loc["crimes for Elderbrook", "previous_year"] == yoy.loc["All crime", "previous"]
