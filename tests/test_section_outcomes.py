"""What happened to the crimes: outcomes from the police.uk outcomes files and street rows.

The real Gwent files (../shared/data/police_uk_gwent) are counted independently here with the
csv module, by the rule: a crime's outcome is its latest in the outcomes files (by month; the
last row in file order within a month), else its street row's ``Last outcome category``; a
Crime ID is counted once (its first street row).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis import load
from csp_analysis.analyses.outcomes import (
    CHARGED,
    OTHER,
    crime_outcomes,
    group_of,
    latest_outcomes,
    outcome_table,
)
from csp_analysis.ingest.registry import recognise
from csp_analysis.sections.base import Context
from csp_analysis.sections.outcomes import build

AREA, YEAR = "Newport", "2022/23"
FY_MONTHS = {f"2022-{m:02d}" for m in range(4, 13)} | {f"2023-{m:02d}" for m in range(1, 4)}


def _context(folder: Path) -> Context:
    ds = load(folder)
    return Context(ds, AREA, YEAR, "Gwent Police", 0.05, 5)


def _independent(folder: Path) -> Counter:
    """(category, outcome) → crimes of Newport in 2022/23, by the rule, with the csv module."""
    first: dict[str, tuple[str, str]] = {}
    for f in sorted(folder.rglob("*-street.csv")):
        with f.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                cid = row["Crime ID"].strip()
                if not cid or cid in first:
                    continue
                first[cid] = (
                    row["Month"],
                    row["LSOA name"],
                    row["Crime type"],
                    row["Last outcome category"],
                )
    latest: dict[str, tuple[str, str]] = {}
    for f in sorted(folder.rglob("*-outcomes.csv")):
        with f.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                cid, month = row["Crime ID"].strip(), row["Month"]
                if cid not in latest or month >= latest[cid][0]:
                    latest[cid] = (month, row["Outcome type"])
    out: Counter = Counter()
    for cid, (month, lsoa, crime_type, last) in first.items():
        if month not in FY_MONTHS or not re.fullmatch(rf"{AREA} \d{{3}}[A-Z]", lsoa):
            continue
        outcome = latest[cid][1] if cid in latest else (last or "No outcome given")
        out[(crime_type, outcome)] += 1
        out[("All crime", outcome)] += 1
    return out


def test_outcomes_table_equals_an_independent_count_on_real_gwent_files(
    shared_file,
) -> None:
    folder = shared_file("police_uk_gwent")
    result = build(_context(folder))
    assert result.available, result.gap
    table = result.table("outcomes")
    got = Counter({(r.category, r.outcome): int(r.count) for r in table.itertuples() if r.count})
    expected = _independent(folder)
    assert got == expected
    # 2023-01 repeats 513 Crime IDs (SOURCES.md): counted once.
    total = sum(v for (c, _), v in expected.items() if c == "All crime")
    assert result.facts["crimes"] == total
    all_crime = table[table["category"] == "All crime"]
    assert all_crime["share"].sum() == pytest.approx(1.0)
    assert set(table.columns) == {"category", "outcome", "outcome_group", "count", "share"}


def test_charge_appears_only_once_the_outcomes_files_are_read(shared_file, tmp_path: Path) -> None:
    folder = shared_file("police_uk_gwent")
    street_only = tmp_path / "street_only"
    street_only.mkdir()
    for f in sorted(folder.rglob("*-street.csv")):
        (street_only / f.name).symlink_to(f)  # linked, not copied
    without = build(_context(street_only))
    with_files = build(_context(folder))
    outcomes_without = set(without.table("outcomes")["outcome"])
    outcomes_with = set(with_files.table("outcomes")["outcome"])
    # "Suspect charged" is an outcomes-file outcome, never a street 'Last outcome category'.
    assert "Suspect charged" not in outcomes_without
    assert "Suspect charged" in outcomes_with
    assert not without.facts["outcomes_files_read"] and without.facts["from_outcomes_files"] == 0
    assert with_files.facts["outcomes_files_read"] and with_files.facts["from_outcomes_files"]
    assert any("No police.uk outcomes files were given" in n for n in without.notes)
    groups = with_files.table("outcome_groups").set_index("outcome_group")
    charged = groups.loc[CHARGED]
    assert charged["share"] == pytest.approx(with_files.facts["charged_share"])
    assert charged["force_share"] > 0  # set against the force
    assert any("immature" in n for n in with_files.notes)
    by_month = with_files.table("outcomes_by_month")
    assert int(by_month["crimes"].sum()) == with_files.facts["crimes"]


def test_latest_outcome_wins_and_a_crime_id_counts_once() -> None:
    records = pd.DataFrame(
        {
            "crime_id": ["a", "a", "b", "c", ""],
            "month": ["2023-01", "2023-01", "2023-01", "2023-02", "2023-02"],
            "category": ["Burglary", "Burglary", "Robbery", "Robbery", "Anti-social behaviour"],
            "last_outcome": ["Under investigation", "Local resolution", "", "Odd new label", ""],
        }
    )
    outcomes = pd.DataFrame(
        {
            "crime_id": ["a", "a", "a"],
            "month": ["2023-03", "2023-02", "2023-03"],
            "outcome": ["Unable to prosecute suspect", "Suspect charged", "Suspect charged"],
            "source": ["x.csv", "x.csv", "x.csv"],
            "line": [2, 3, 4],
        }
    )
    assert latest_outcomes(outcomes)["outcome"].tolist() == ["Suspect charged"]
    per = crime_outcomes(records, outcomes).set_index("crime_id")
    assert per.loc["a", "outcome"] == "Suspect charged" and per.loc["a", "from_outcomes_file"]
    assert per.loc["b", "outcome"] == "No outcome given"  # missing is not a made-up outcome
    assert per.loc["c", "outcome_group"] == OTHER  # an unknown label is kept, not dropped
    assert len(per) == 3  # ASB (no Crime ID) left out; "a" once
    table = outcome_table(per.reset_index(), ["Burglary", "Robbery"])
    assert table[table["category"] == "All crime"]["count"].sum() == 3
    assert group_of(" court result unavailable ") == CHARGED


def test_outcomes_and_stop_and_search_files_are_recognised() -> None:
    outcomes = [
        "Crime ID",
        "Month",
        "Reported by",
        "Falls within",
        "Longitude",
        "Latitude",
        "Location",
        "LSOA code",
        "LSOA name",
        "Outcome type",
    ]
    stop = [
        "Type",
        "Date",
        "Part of a policing operation",
        "Policing operation",
        "Latitude",
        "Longitude",
        "Gender",
        "Age range",
        "Self-defined ethnicity",
        "Officer-defined ethnicity",
        "Legislation",
        "Object of search",
        "Outcome",
        "Outcome linked to object of search",
        "Removal of more than just outer clothing",
    ]
    assert recognise(outcomes).name == "police_uk_outcomes"
    assert recognise(stop).name == "police_uk_stop_and_search"


def test_a_stop_and_search_file_is_set_aside_with_a_clear_note() -> None:
    from csp_analysis.categories import load_category_map
    from csp_analysis.ingest.read import read_table

    df = pd.DataFrame(
        {
            "Type": ["Person search", "Person search"],
            "Date": ["2023-03-01T10:00:00+00:00", "2023-03-02T11:00:00+00:00"],
            "Gender": ["Male", "Female"],
            "Object of search": ["Controlled drugs", "Stolen goods"],
            "Outcome": ["A no further action disposal", "Arrest"],
        },
        index=[2, 3],
    )
    res = read_table(df, "2023-03-gwent-stop-and-search.csv", load_category_map(), None)
    assert res.layout == "police_uk_stop_and_search"
    assert res.rows_read == 2 == res.rows_rejected and res.rows_used == 0
    assert "stop-and-search file: recognised, not used" in res.issue
    assert "header not recognised" not in res.issue
