"""Publishing safety of a report built from the real police.uk files in ../shared/data.

The report is published: it must carry no record-level data (crime IDs, exact coordinates),
no local paths, user or host names, no small counts in small-area tables, and the protective
marking on every printed page.
"""

from __future__ import annotations

import csv
import getpass
import json
import re
import socket
import unicodedata
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from csp_analysis.assessment import WORKBOOK_TABLES
from csp_analysis.cli import main
from tests import browser
from tests.conftest import shared_path, xlsx_table

pytestmark = [pytest.mark.slow, pytest.mark.shared]

AREA, YEAR = "Thurrock", "2018/19"
SMALL_AREA_TABLES = (
    "hotspots",
    "hotspots_wards",
    "hotspots_named",
    "hotspots_places",
    "hotspots_gi",
)


@pytest.fixture(scope="module")
def police_uk() -> Path:
    return shared_path("police_uk")


@pytest.fixture(scope="module")
def raw_thurrock(police_uk: Path) -> dict[str, set[str]]:
    """Crime IDs and coordinates of the area's rows, read independently with the csv module."""
    ids: set[str] = set()
    coords: set[str] = set()
    for f in sorted(police_uk.rglob("*.csv")):
        with f.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                row = {re.sub(r"[^a-z]", "", k.lower()): v for k, v in row.items()}
                if not row.get("lsoaname", "").startswith(AREA):
                    continue
                if row.get("crimeid"):
                    ids.add(row["crimeid"])
                coords.update(v for v in (row.get("longitude"), row.get("latitude")) if v)
    assert len(ids) > 1000 and len(coords) > 100
    return {"ids": ids, "coords": coords}


def _build(police_uk: Path, out: Path, *extra: str) -> Path:
    assert (
        main(
            [
                "run",
                "--data",
                str(police_uk),
                "--area",
                AREA,
                "--year",
                YEAR,
                "--out",
                str(out),
                "--classification",
                "OFFICIAL-SENSITIVE",
                *extra,
            ]
        )
        == 0
    )
    return out / "thurrock" / "2018-19"


@pytest.fixture(scope="module")
def report(police_uk: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(police_uk, tmp_path_factory.mktemp("published"))


def _xlsx_text(path: Path) -> str:
    """Every XML part of the workbook (cells, shared strings, document properties)."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def _published_texts(folder: Path) -> dict[str, str]:
    texts = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
        if p.suffix in (".html", ".csv", ".md", ".ipynb")
    }
    texts["tables.xlsx"] = _xlsx_text(folder / "tables.xlsx")
    return texts


def test_no_crime_ids_or_exact_coordinates(report: Path, raw_thurrock: dict) -> None:
    for name, text in _published_texts(report).items():
        assert not re.search(r"\b[0-9a-f]{64}\b", text), f"a crime ID in {name}"
        found = raw_thurrock["ids"] & set(re.findall(r"[0-9a-f]{64}", text))
        assert not found, name
        numbers = set(re.findall(r"-?\d+\.\d{5,}", text))
        assert not numbers & raw_thurrock["coords"], f"exact coordinates in {name}"


def test_no_local_paths_user_or_host_names(report: Path, police_uk: Path) -> None:
    forbidden = [
        str(police_uk),
        str(police_uk.parent),
        str(report),
        str(Path.home()),
        "/tmp/",
        "/work/",
        "../shared",
    ]
    host = socket.gethostname()
    user = getpass.getuser()
    for name, text in _published_texts(report).items():
        for f in forbidden:
            assert f not in text, f"{f!r} in {name}"
        if len(host) > 3:
            assert host not in text, f"host name in {name}"
        assert f"/{user}/" not in text and f"\\{user}\\" not in text, f"user folder in {name}"
    nb = nbformat.read(report / "strategic_assessment.ipynb", as_version=4)
    pm = nb.metadata["papermill"]
    assert Path(pm["input_path"]).name == pm["input_path"]
    assert Path(pm["output_path"]).name == pm["output_path"]
    # The kernel gets the computed assessment, never the analyst's data folder.
    assert "data" not in pm["parameters"]
    assert pm["parameters"]["assessment_file"] == Path(pm["parameters"]["assessment_file"]).name
    assert not list(report.rglob("*.pickle"))  # the hand-over file is not a deliverable
    props = _xlsx_text(report / "tables.xlsx")
    assert "<dc:creator>csp-assess</dc:creator>" in props
    assert user not in re.findall(r"<cp:lastModifiedBy>(.*?)</cp:lastModifiedBy>", props)


def _small_counts(table: pd.DataFrame, limit: int) -> list[object]:
    counts = pd.to_numeric(table["count"], errors="coerce").dropna()
    return [c for c in counts if 1 <= c < limit]


def test_small_area_tables_suppress_counts_below_five(report: Path) -> None:
    seen = 0
    for name in SMALL_AREA_TABLES:
        path = report / "tables" / f"{name}.csv"
        if not path.is_file():
            continue
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        seen += 1
        assert _small_counts(table, 5) == [], name
        sheet = xlsx_table(report / "tables.xlsx", WORKBOOK_TABLES[name][0])
        assert _small_counts(sheet.rename(columns={"Count": "count"}), 5) == [], name
    assert seen >= 1
    html = (report / "strategic_assessment.html").read_text(encoding="utf-8")
    assert "Counts of 1 to 4 are shown as &lt;5" in html


def test_threshold_is_configurable_and_stated(police_uk: Path, tmp_path: Path) -> None:
    # Every Thurrock LSOA has at least 13 crimes in the year, so a threshold of 25 must bite
    folder = _build(police_uk, tmp_path, "--suppress-below", "25")
    hot = pd.read_csv(folder / "tables" / "hotspots.csv", dtype=str, keep_default_na=False)
    assert _small_counts(hot, 25) == [] and (hot["count"] == "<25").any()
    sheet = xlsx_table(folder / "tables.xlsx", "Hotspots").rename(columns={"Count": "count"})
    assert _small_counts(sheet, 25) == [] and (sheet["count"] == "[c]").any()
    html = (folder / "strategic_assessment.html").read_text(encoding="utf-8")
    assert "Counts of 1 to 24 are shown as &lt;25" in html
    assert "cells with fewer than 25 crimes are not drawn" in html
    assert main(["run", "--suppress-below", "0", "--out", str(tmp_path)]) == 2


def test_marking_on_every_printed_page(report: Path, tmp_path: Path) -> None:
    if browser.find_chromium() is None:
        pytest.skip(browser.NO_BROWSER_REASON)
    pdf = browser.print_pdf(report / "strategic_assessment.html", tmp_path / "report.pdf")
    try:
        pages = browser.pdf_page_texts(pdf)
    except RuntimeError as exc:
        pytest.skip(f"cannot read the text of the printed PDF ({exc}); install poppler-utils")
    pages = [unicodedata.normalize("NFKC", page) for page in pages]
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking"


def test_key_findings_and_tables_are_aggregates_only(report: Path) -> None:
    # No table of the published set has a record-level column
    for path in (report / "tables").glob("*.csv"):
        cols = {c.lower() for c in pd.read_csv(path, nrows=0).columns}
        assert not cols & {"crime_id", "crimeid", "longitude", "latitude", "location_id"}, path
    meta = json.loads((report / "strategic_assessment.ipynb").read_text(encoding="utf-8"))
    assert "records" not in json.dumps(meta["metadata"])


def test_outcomes_tables_and_sections_carry_no_crime_id_or_coordinate(tmp_path: Path) -> None:
    """The Gwent street and outcomes files: the outcomes and hot-spot tables, key findings and
    the two sections as rendered carry no Crime ID (of either kind of file) or coordinate."""
    from csp_analysis import assess, load
    from csp_analysis.sections import section

    gwent = shared_path("police_uk_gwent")
    ids: set[str] = set()
    coords: set[str] = set()
    for f in sorted(gwent.rglob("*.csv")):
        with f.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if row["Crime ID"]:
                    ids.add(row["Crime ID"])
                coords.update(v for v in (row["Longitude"], row["Latitude"]) if v)
    assert len(ids) > 30000 and len(coords) > 1000
    assessment = assess(load(gwent), "Newport", "2022/23")
    assert {"outcomes", "outcome_groups", "outcomes_by_month"} <= set(assessment.tables())
    assessment.save(tmp_path)
    texts = _published_texts_without_html(tmp_path)
    for name in ("outcomes", "hotspots"):
        blocks = section(name).render(assessment.results[name], assessment)
        texts[f"{name} (rendered)"] = "\n".join(getattr(b, "data", "") or "" for b in blocks)
    for name, text in texts.items():
        assert not re.search(r"\b[0-9a-f]{64}\b", text), f"a crime ID in {name}"
        assert not ids & set(re.findall(r"[0-9a-f]{64}", text)), name
        numbers = set(re.findall(r"-?\d+\.\d{5,}", text))
        assert not numbers & coords, f"exact coordinates in {name}"
    for path in (tmp_path / "tables").glob("*.csv"):
        cols = {c.lower() for c in pd.read_csv(path, nrows=0).columns}
        assert not cols & {"crime_id", "crimeid", "longitude", "latitude", "x", "y"}, path
    for name in SMALL_AREA_TABLES:
        path = tmp_path / "tables" / f"{name}.csv"
        if path.is_file():
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            assert _small_counts(table, 5) == [], name


def _published_texts_without_html(folder: Path) -> dict[str, str]:
    texts = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
        if p.suffix in (".csv", ".md")
    }
    texts["tables.xlsx"] = _xlsx_text(folder / "tables.xlsx")
    return texts
