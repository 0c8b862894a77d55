"""Sortable, filterable HTML tables: escaping, determinism, missing values, and a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from csp_analysis.report.interactive import EN_DASH, sortable_table

try:  # tests/ as a plain folder on sys.path (pytest's default) or as a package
    from browser import NO_BROWSER_REASON, dump_dom, find_chromium
except ModuleNotFoundError:  # pragma: no cover
    from tests.browser import NO_BROWSER_REASON, dump_dom, find_chromium

needs_browser = pytest.mark.skipif(find_chromium() is None, reason=NO_BROWSER_REASON)

PWNED = "data-pwned"


def _areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["Area 10", "Area 2", "North Ward", "Area 1", "northgate"],
            "count": [1200, 35, None, 7, 35],
            "note": ["", "<b>bold?</b>", None, "a & b", "ok"],
        }
    )


def _soup(df: pd.DataFrame, **kwargs: object) -> BeautifulSoup:
    return BeautifulSoup(sortable_table(df, **kwargs).data, "html.parser")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# markup
# --------------------------------------------------------------------------------------------


def test_cells_headers_and_caption_are_escaped() -> None:
    attack = f"<script>document.body.setAttribute('{PWNED}', '1')</script>"
    df = pd.DataFrame({"<img src=x onerror=alert(1)>": [attack, 'say "hi" & <b>']})
    data = sortable_table(df, caption="<i>caption</i>").data
    assert data.count("<script>") == 1  # only the table's own script
    assert attack not in data and "<img" not in data and "<i>caption" not in data
    assert "&lt;script&gt;document.body.setAttribute(&#x27;data-pwned&#x27;, &#x27;1&#x27;)" in data
    assert "&lt;img src=x onerror=alert(1)&gt;" in data
    assert "<caption>&lt;i&gt;caption&lt;/i&gt;</caption>" in data
    soup = BeautifulSoup(data, "html.parser")
    assert [td.get_text() for td in soup.select("tbody td")] == [attack, 'say "hi" & <b>']


def test_same_input_same_html_and_id_from_content() -> None:
    first = sortable_table(_areas(), "Crimes").data
    assert sortable_table(_areas(), "Crimes").data == first
    tid = re.match(r'<div class="csp-sortable" id="(csp-sortable-[0-9a-f]{12})">', first)
    assert tid, first[:80]
    assert f'document.getElementById("{tid.group(1)}")' in first
    assert f'id="{tid.group(1)}-filter"' in first
    other = sortable_table(_areas().assign(count=[1200, 35, None, 7, 36]), "Crimes").data
    assert other != first and tid.group(1) not in other
    assert sortable_table(_areas(), "Other caption").data != first
    named = sortable_table(_areas(), "Crimes", table_id="my_table-1").data
    assert named.startswith('<div class="csp-sortable" id="my_table-1">')


def test_missing_values_are_en_dashes_that_sort_last() -> None:
    df = pd.DataFrame(
        {
            "float": [1.5, np.nan, 2.25],
            "int": pd.array([1, None, 3], dtype="Int64"),
            "text": pd.array(["a", None, "c"], dtype="string"),
            "object": ["a", None, float("nan")],
            "when": pd.to_datetime(["2025-04-01", None, "2025-05-01"]),
        }
    )
    soup = _soup(df)
    missing = soup.select("td.csp-missing")
    assert len(missing) == 6
    assert all(td.get_text() == EN_DASH == "\u2013" and td["data-sort"] == "" for td in missing)
    assert "nan" not in soup.get_text().lower() and "<NA>" not in soup.get_text()
    assert "NaT" not in soup.get_text()
    # the script keeps empty sort keys after every value, ascending or descending
    assert 'if (value === "") { return null; }' in str(soup.script)
    assert "return a.k === null ? 1 : -1;" in str(soup.script)


def test_numeric_columns_are_right_aligned_and_sort_on_raw_values() -> None:
    df = pd.DataFrame(
        {
            "area": ["A", "B"],
            "count": [1234567, 8],
            "rate": [2.5, 10.125],
            "flag": [True, False],
            "ratio": [1.0, 2.0],
        }
    )
    soup = _soup(df)
    heads = soup.select("thead th")
    assert [th.get("data-type") for th in heads] == ["text", "num", "num", "text", "num"]
    assert [("num" in th.get("class", [])) for th in heads] == [False, True, True, False, True]
    assert [th["scope"] for th in heads] == ["col"] * 5
    first = soup.select("tbody tr")[0].find_all("td")
    assert first[1].get_text() == "1,234,567" and first[1]["data-sort"] == "1234567"
    assert "num" in first[1]["class"]
    rates = [tr.find_all("td")[2] for tr in soup.select("tbody tr")]
    assert [td.get_text() for td in rates] == ["2.500", "10.125"]  # same decimals in a column
    assert [td["data-sort"] for td in rates] == ["2.5", "10.125"]
    assert [tr.find_all("td")[4].get_text() for tr in soup.select("tbody tr")] == ["1", "2"]
    assert first[3].get_text() == "True" and "num" not in first[3].get("class", [])
    tiny = _soup(pd.DataFrame({"f": [1e-7, 2.5]}))
    assert [td.get_text() for td in tiny.select("tbody td")] == ["1e-07", "2.5"]  # never "0"


def test_index_rows_limit_and_validation() -> None:
    by = pd.DataFrame({"count": [3, 4]}, index=pd.Index(["x", "y"], name="area"))
    assert [th.get_text() for th in _soup(by).select("thead th")] == ["area", "count"]
    plain = pd.DataFrame({"count": [3, 4]}, index=[10, 20])
    assert [th.get_text() for th in _soup(plain).select("thead th")] == ["count"]
    big = pd.DataFrame({"n": range(1200)})
    soup = _soup(big, max_rows=100)
    assert len(soup.select("tbody tr")) == 100
    assert "Showing the first 100 of 1,200 rows" in soup.select_one(".csp-sortable-note").get_text()
    assert len(_soup(big, max_rows=None).select("tbody tr")) == 1200
    assert len(_soup(big).select("tbody tr")) == 500
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="max_rows"):
            sortable_table(big, max_rows=bad)  # type: ignore[arg-type]
    for bad_id in ("1abc", "a b", 'x"><script>'):
        with pytest.raises(ValueError, match="table_id"):
            sortable_table(big, table_id=bad_id)
    with pytest.raises(TypeError, match="DataFrame"):
        sortable_table(big["n"])  # type: ignore[arg-type]


def test_controls_wait_for_the_script_and_nothing_is_loaded() -> None:
    from csp_analysis.report.export import check_offline  # imports nbconvert: not at the top

    soup = _soup(_areas(), caption="Crimes")
    controls = soup.select_one(".csp-sortable-controls")
    assert controls.has_attr("hidden")  # shown by the script only: no dead controls without it
    label = controls.find("label")
    assert label["for"] == controls.find("input")["id"]
    assert controls.select_one("[role=status]")["aria-live"] == "polite"
    assert not soup.select("script[src]") and not soup.select("link")
    assert check_offline(str(soup)) == []


# --------------------------------------------------------------------------------------------
# in a real browser
# --------------------------------------------------------------------------------------------

# Clicks headings and types in a filter box, as a user would, once the page has loaded.
_DRIVER = """
<script>
(function () {
  function root(id) { return document.getElementById(id); }
  function click(id, col) {
    root(id).querySelectorAll("thead th")[col].querySelector("button").click();
  }
  click("t-asc", 1);
  click("t-desc", 1);
  click("t-desc", 1);
  click("t-text", 0);
  click("t-text", 1);
  var box = root("t-filter").querySelector("input[type=search]");
  box.value = "NORTH";
  box.dispatchEvent(new Event("input", {bubbles: true}));
  document.body.setAttribute("data-driver-done", "1");
})();
</script>
"""


def _tables() -> str:
    df = _areas()
    attack = pd.DataFrame({"x": [f"<script>document.body.setAttribute('{PWNED}', '1')</script>"]})
    return "\n".join(
        [
            sortable_table(df, "ascending", table_id="t-asc").data,
            sortable_table(df, "descending", table_id="t-desc").data,
            sortable_table(df, "by area then count", table_id="t-text").data,
            sortable_table(df, "filtered", table_id="t-filter").data,
            sortable_table(attack, "attack").data,
        ]
    )


def _first_column(dom: BeautifulSoup, tid: str) -> list[str]:
    return [tr.find("td").get_text() for tr in dom.select(f"#{tid} tbody tr")]


def _check_dom(dom: BeautifulSoup) -> None:
    assert dom.body.get("data-driver-done") == "1", "the driver script did not run"
    assert not dom.body.has_attr(PWNED), "a script in a cell ran"
    for tid in ("t-asc", "t-desc", "t-text", "t-filter"):
        assert dom.select_one(f"#{tid}")["data-ready"] == "1"
        buttons = dom.select(f"#{tid} thead th > button[type=button]")
        assert [b.get_text() for b in buttons] == ["area", "count", "note"]
        assert not dom.select_one(f"#{tid} .csp-sortable-controls").has_attr("hidden")
    # numeric sort on the raw values (1,200 after 35), ties in table order, missing last
    assert _first_column(dom, "t-asc") == ["Area 1", "Area 2", "northgate", "Area 10", "North Ward"]
    assert [th.get("aria-sort") for th in dom.select("#t-asc thead th")] == [
        None,
        "ascending",
        None,
    ]
    assert _first_column(dom, "t-desc") == [
        "Area 10",
        "Area 2",
        "northgate",
        "Area 1",
        "North Ward",
    ]
    assert [th.get("aria-sort") for th in dom.select("#t-desc thead th")] == [
        None,
        "descending",
        None,
    ]
    # sorting another column moves aria-sort to it
    assert [th.get("aria-sort") for th in dom.select("#t-text thead th")] == [
        None,
        "ascending",
        None,
    ]
    # filtering: case-insensitive, hides the other rows, says how many are shown
    rows = dom.select("#t-filter tbody tr")
    shown = [tr.find("td").get_text() for tr in rows if not tr.has_attr("hidden")]
    assert shown == ["North Ward", "northgate"]
    status = dom.select_one("#t-filter .csp-sortable-count").get_text()
    assert status == "2 of 5 rows shown"
    assert dom.select_one("#t-asc .csp-sortable-count").get_text() == "5 of 5 rows shown"


@needs_browser
def test_sorting_and_filtering_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "tables.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>t</title></head>"
        f"<body>{_tables()}{_DRIVER}</body></html>",
        encoding="utf-8",
    )
    _check_dom(BeautifulSoup(dump_dom(page), "html.parser"))


@needs_browser
def test_natural_text_sort_in_chromium(tmp_path: Path) -> None:
    df = pd.DataFrame({"area": ["Area 10", "area 2", "Area 1", None, "Bramble"]})
    driver = (
        '<script>document.querySelector("#nat th button").click();'
        'document.querySelector("#nat th button").click();'
        'document.querySelector("#nat th button").click();</script>'
    )
    page = tmp_path / "natural.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>t</title></head>"
        f"<body>{sortable_table(df, table_id='nat').data}{driver}</body></html>",
        encoding="utf-8",
    )
    dom = BeautifulSoup(dump_dom(page), "html.parser")
    assert _first_column(dom, "nat") == ["Area 1", "area 2", "Area 10", "Bramble", EN_DASH]
    assert dom.select_one("#nat th")["aria-sort"] == "ascending"  # three clicks: asc, desc, asc


@needs_browser
def test_tables_work_in_the_exported_report(tmp_path: Path) -> None:
    """nbconvert's export with the report template keeps the script working, offline."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from csp_analysis.report.export import check_offline, export_html

    outputs = [new_output("display_data", data={"text/html": _tables(), "text/plain": "tables"})]
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Tables"),
            new_code_cell("show()", outputs=outputs, execution_count=1),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    html_path = export_html(nb, tmp_path / "report.html", title="Tables")
    text = html_path.read_text(encoding="utf-8")
    assert check_offline(text) == []
    assert "</body>" in text
    driven = tmp_path / "driven.html"
    driven.write_text(text.replace("</body>", _DRIVER + "</body>", 1), encoding="utf-8")
    _check_dom(BeautifulSoup(dump_dom(driven), "html.parser"))
