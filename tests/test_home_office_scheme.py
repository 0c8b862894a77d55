"""``--categories home_office`` on a real Home Office table: offence groups in the change table.

The reference sums are taken from the published file with the csv module, independently of
the library's readers (Calderdale CSP, Home Office police recorded crime by offence code,
2015/16 to 2021/22, wide layout; see ../shared/data/SOURCES.md).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis import assess, load
from csp_analysis.sections import section

FILE = "calderdale_csp_by_offence_code_2015-16_to_2021-22_wide.csv"


@pytest.fixture(scope="module")
def calderdale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = Path(__file__).resolve().parents[2] / "shared" / "data" / "home_office_prc" / FILE
    if not src.is_file():
        pytest.skip(f"real Home Office table absent: ../shared/data/home_office_prc/{FILE}")
    folder = tmp_path_factory.mktemp("calderdale")
    shutil.copy(src, folder)
    return folder


def _independent_sexual_offences(path: Path, year: str) -> int:
    """Sexual offences (rape and other sexual offences) of one year, summed with csv."""
    total = 0
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            low = {k.strip().lower(): v for k, v in row.items() if k}
            group = next((v for k, v in low.items() if k.replace(" ", "") == "offencegroup"), "")
            if group.strip().lower() == "sexual offences":
                total += int(str(low[year]).replace(",", "").strip() or 0)
    return total


def test_home_office_scheme_puts_sexual_offences_on_its_own_row(calderdale: Path) -> None:
    ds = load(calderdale)
    area = ds.areas[0]
    # a Home Office table is read in its offence groups by default; police.uk types on request
    default = assess(ds, area, "2021/22")
    mapped = assess(ds, area, "2021/22", categories="police_uk")
    chosen = assess(ds.with_scheme("home_office"), area, "2021/22")
    t = chosen.table("yoy_categories").set_index("category")
    d = mapped.table("yoy_categories").set_index("category")
    assert "Sexual offences" in t.index and "Sexual offences" not in d.index
    pd.testing.assert_frame_equal(default.table("yoy_categories"), chosen.table("yoy_categories"))
    # the groups in the Home Office order, Robbery and Criminal damage and arson among them
    crime = [str(c) for c in t.index[t["kind"] == "crime"]]
    assert crime[:3] == ["Violence against the person", "Sexual offences", "Robbery"]
    assert set(t.loc[t["kind"] == "crime", "scheme"]) == {"home_office"}
    # All crime unchanged by the scheme, and the groups add up to it
    assert t.loc["All crime", "current"] == d.loc["All crime", "current"]
    assert t.loc[t["kind"] == "crime", "current"].sum() == t.loc["All crime", "current"]
    want = _independent_sexual_offences(calderdale / FILE, "2021/22")
    assert want > 0 and t.loc["Sexual offences", "current"] == want
    assert (
        chosen.section("change")
        .facts["categories"]
        .startswith("Categories: Home Office offence groups")
    )


def test_home_office_themes_keep_their_offence_weights(calderdale: Path) -> None:
    """A theme weighed on its offences keeps that verdict: acquisitive crime's crime_type lines
    (police.uk types) never stand in for it, though the Robbery group shares a type's name."""
    risk = assess(load(calderdale), None, "2021/22").table("risk_matrix").set_index("category")
    acq = risk.loc["Acquisitive crime"]
    assert acq["harm_basis"].startswith("count-weighted mean over the area's")
    assert acq["cost_basis"].startswith("missing: only ") and pd.isna(acq["cost_raw"])


def test_home_office_only_data_say_there_is_no_police_uk_to_compare(calderdale: Path) -> None:
    a = assess(load(calderdale), None, "2021/22")
    blocks = section("reconciliation").render(a.section("reconciliation"), a)
    shown = " ".join(str(getattr(b, "data", b)) for b in blocks)
    assert "no police.uk street-level files for the area's force" in shown
    assert "are all in the police.uk files" not in shown


def test_themes_have_trends_over_yearly_home_office_tables(calderdale: Path) -> None:
    """Hate crime (its five racially or religiously aggravated offence codes) summed by year
    with csv, and the Mann-Kendall S (sum of the signs of every later-minus-earlier pair)
    counted by hand, equal the trend table's row."""
    codes = {"8M", "8P", "105B", "9B", "58J"}
    years = [f"{y}/{str(y + 1)[2:]}" for y in range(2015, 2022)]
    totals = dict.fromkeys(years, 0)
    with (calderdale / FILE).open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["OffenceCode"].strip().upper() in codes:
                for y in years:
                    totals[y] += int(row[y].replace(",", "") or 0)
    xs = [totals[y] for y in years]
    s = sum((xs[j] > xs[i]) - (xs[j] < xs[i]) for i in range(7) for j in range(i + 1, 7))
    trends = assess(load(calderdale), None, "2021/22").table("trends").set_index("category")
    row = trends.loc["Hate crime"]
    assert int(row["periods"]) == 7 and row["S"] == s
    assert row["first_period"] == "2015/16" and row["last_period"] == "2021/22"
    assert {"Serious violence", "Violence against women and girls", "Acquisitive crime"} <= set(
        trends.index
    )
