"""Tests of the synthetic demo data generator and of the committed ``data/demo`` copy."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

from csp_analysis.paths import demo_dir
from tools.demo import generate as demo

HEX64 = re.compile(r"[0-9a-f]{64}")


def _tree(root: Path) -> dict[str, bytes]:
    """Return every file under ``root`` as relative POSIX path -> bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_a")
    demo.generate_demo(out)
    return out


@pytest.fixture(scope="module")
def street_rows(generated: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((generated / "police_uk").glob("*/*-street.csv")):
        rows.extend(_read(path))
    return rows


def test_matches_committed_demo(generated: Path) -> None:
    committed = demo_dir()
    assert committed.is_dir(), f"no committed demo data at {committed}"
    fresh, stored = _tree(generated), _tree(committed)
    assert sorted(fresh) == sorted(stored)
    stale = [name for name in sorted(fresh) if fresh[name] != stored[name]]
    assert not stale, f"data/demo is out of date; run make demo-data: {stale[:5]}"


def test_two_generations_identical(generated: Path, tmp_path: Path) -> None:
    paths = demo.generate_demo(tmp_path / "again")
    assert paths == sorted(paths)
    assert all(p.is_file() for p in paths)
    assert _tree(tmp_path / "again") == _tree(generated)


def test_returned_paths(tmp_path: Path) -> None:
    paths = demo.generate_demo(tmp_path / "new" / "nested")
    # the street files, nine tables (flags.csv and categories.csv among them) and the LSOA
    # boundaries
    assert len(paths) == 48 + 10
    assert {p.name for p in paths} >= {
        "README.md",
        "neighbours_monthly_counts.csv",
        "population.csv",
        "survey.csv",
        "plan.csv",
        "risk_scores.csv",
        "partner_data.csv",
        "flags.csv",
        "categories.csv",
    }


def test_constants() -> None:
    assert demo.FIRST_MONTH == "2022-04"
    assert demo.LAST_MONTH == "2026-03"
    assert len(demo.DEMO_AREAS) == len(set(demo.DEMO_AREAS)) == 14
    assert demo.DEMO_AREA in demo.DEMO_AREAS
    assert len(demo.CATEGORIES) == 14


def test_police_uk_files(generated: Path) -> None:
    files = sorted((generated / "police_uk").glob("*/*-street.csv"))
    assert len(files) == 48
    months = [f.parent.name for f in files]
    assert months[0] == "2022-04" and months[-1] == "2026-03"
    assert len(set(months)) == 48
    expected_header = ",".join(demo.POLICE_UK_HEADER) + "\n"
    assert expected_header.startswith("Crime ID,Month,Reported by,Falls within,Longitude,")
    for f in files:
        raw = f.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in raw
        assert raw.decode("utf-8").split("\n", 1)[0] + "\n" == expected_header
        assert f.name == f"{f.parent.name}-{demo.DEMO_FORCE_SLUG}-street.csv"


def test_street_rows(street_rows: list[dict[str, str]]) -> None:
    assert 35_000 < len(street_rows) < 50_000
    ids: list[str] = []
    for row in street_rows:
        assert row["Context"] == "Synthetic demo data"
        assert row["Reported by"] == row["Falls within"] == demo.DEMO_FORCE
        if row["Crime type"] == "Anti-social behaviour":
            assert row["Crime ID"] == ""
            assert row["Last outcome category"] == ""
        else:
            assert HEX64.fullmatch(row["Crime ID"]), row
            assert row["Last outcome category"] != ""
            ids.append(row["Crime ID"])
        if row["Location"] == "No Location":
            assert row["Longitude"] == row["Latitude"] == row["LSOA code"] == ""
            assert row["LSOA name"] == ""
        else:
            assert row["Location"].startswith("On or near ")
            assert re.fullmatch(r"X01\d{6}", row["LSOA code"])
            assert re.fullmatch(r".+ \d{3}[A-Z]", row["LSOA name"])
            assert re.fullmatch(r"-2\.\d{6}", row["Longitude"])
            assert re.fullmatch(r"50\.\d{6}", row["Latitude"])
    assert len(ids) == len(set(ids))
    assert {row["Crime type"] for row in street_rows} == set(demo.CATEGORIES)


def test_street_mess_in_small_numbers(street_rows: list[dict[str, str]]) -> None:
    n = len(street_rows)
    no_location = sum(r["Location"] == "No Location" for r in street_rows)
    outside = {
        r["LSOA name"].rsplit(" ", 1)[0]
        for r in street_rows
        if r["LSOA name"] and not r["LSOA name"].startswith(demo.DEMO_AREA + " ")
    }
    n_outside = sum(
        bool(r["LSOA name"]) and not r["LSOA name"].startswith(demo.DEMO_AREA + " ")
        for r in street_rows
    )
    assert 0.001 < no_location / n < 0.006
    assert 0.002 < n_outside / n < 0.01
    assert len(outside) == 2 and outside <= set(demo.NEIGHBOURS)
    demo_lsoas = {r["LSOA name"] for r in street_rows if r["LSOA name"].startswith(demo.DEMO_AREA)}
    assert 50 <= len(demo_lsoas) <= 70


def test_rows_sorted_within_file(generated: Path) -> None:
    rows = _read(generated / "police_uk" / "2024-07" / "2024-07-wessmoor-street.csv")
    keys = [(r["LSOA name"] == "", r["LSOA name"], r["Crime type"]) for r in rows]
    assert keys == sorted(keys)


def _financial_year(month: str) -> int:
    year, mon = int(month[:4]), int(month[5:])
    return year if mon >= 4 else year - 1


def test_stories_present(street_rows: list[dict[str, str]]) -> None:
    by_year: dict[tuple[str, int], int] = {}
    for r in street_rows:
        if r["LSOA name"].startswith(demo.DEMO_AREA + " "):
            key = (r["Crime type"], _financial_year(r["Month"]))
            by_year[key] = by_year.get(key, 0) + 1
    assert by_year[("Shoplifting", 2025)] > 1.2 * by_year[("Shoplifting", 2022)]
    assert by_year[("Burglary", 2025)] < by_year[("Burglary", 2022)]
    assert 60 < by_year[("Robbery", 2025)] < 140
    crimes_2024 = sum(v for (c, y), v in by_year.items() if y == 2024 and c != demo.ASB)
    assert 6_500 < crimes_2024 < 8_500


def test_neighbours_file(generated: Path) -> None:
    path = generated / "neighbours_monthly_counts.csv"
    assert path.read_text(encoding="utf-8").split("\n", 1)[0] == (
        "area,force,period,category,count,note"
    )
    rows = _read(path)
    assert len(rows) == 13 * 48 * 14
    areas = {r["area"] for r in rows}
    assert areas == set(demo.NEIGHBOURS) and demo.DEMO_AREA not in areas
    assert {r["category"] for r in rows} == set(demo.CATEGORIES)
    assert len({r["period"] for r in rows}) == 48
    assert all(r["count"].isdigit() for r in rows)
    assert all(r["note"] == "Synthetic demo data" for r in rows)
    keys = [(r["area"], r["period"], r["category"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_population_file(generated: Path) -> None:
    rows = _read(generated / "population.csv")
    assert list(rows[0]) == ["area", "year", "population", "source"]
    assert len(rows) == 14 * 5
    assert {r["area"] for r in rows} == set(demo.DEMO_AREAS)
    assert {r["year"] for r in rows} == {"2021", "2022", "2023", "2024", "2025"}
    assert all("Synthetic" in r["source"] for r in rows)
    for area in demo.DEMO_AREAS:
        pops = [int(r["population"]) for r in rows if r["area"] == area]
        assert pops == sorted(pops)
        assert 55_000 <= min(pops) and max(pops) <= 260_000
    demo_pop = [int(r["population"]) for r in rows if r["area"] == demo.DEMO_AREA]
    assert 90_000 < demo_pop[-1] < 100_000


def test_every_file_says_synthetic(generated: Path) -> None:
    for path in sorted(generated.rglob("*")):
        if path.is_file():
            assert "Synthetic" in path.read_text(encoding="utf-8"), path
    assert "synthetic" in (generated / "README.md").read_text(encoding="utf-8").lower()


def test_cli_writes_to_given_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main([str(tmp_path / "cli")]) == 0
    assert (tmp_path / "cli" / "population.csv").is_file()
    assert "synthetic" in capsys.readouterr().out.lower()


def test_the_package_never_imports_the_generator() -> None:
    package = Path(__file__).resolve().parents[1] / "csp_analysis"
    imported: set[str] = set()
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module)
    assert "csp_analysis.defaults" in imported  # the walk sees lazy imports too
    assert not {m for m in imported if m.split(".")[0] == "tools" or ".demo" in m}
