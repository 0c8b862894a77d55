"""Export of an executed notebook to the councillors' offline HTML report."""

from __future__ import annotations

import re
import struct
import unicodedata
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from csp_analysis.report.export import check_offline, export_html

try:  # tests/ as a plain folder on sys.path (pytest's default) or as a package
    from browser import (
        NO_BROWSER_REASON,
        dump_dom,
        find_chromium,
        pdf_page_texts,
        print_pdf,
        screenshot,
    )
except ModuleNotFoundError:  # pragma: no cover
    from tests.browser import (
        NO_BROWSER_REASON,
        dump_dom,
        find_chromium,
        pdf_page_texts,
        print_pdf,
        screenshot,
    )

MARKING = "OFFICIAL-SENSITIVE"
TITLE = "Safer Testshire Strategic Assessment"
CODE_MARKER = "distinctive_source_marker_q7x"
PARAM_DEFAULT = "PARAM-DEFAULT-AREA-7Q"
PARAM_INJECTED = "INJECTED-AREA-9Z"
STDERR_TEXT = "STDERR-NOISE-4K"
WARNING_TEXT = "WARNING-NOISE-5J"
STDOUT_TEXT = "Offences counted: 12345"
REMOVED_CELL_TEXT = "REMOVED-CELL-TEXT-2P"
REMOVED_OUTPUT_TEXT = "REMOVED-OUTPUT-TEXT-8M"
H2_SUMMARY = "Crime summary"
H2_TREND = "Monthly trend"

needs_browser = pytest.mark.skipif(find_chromium() is None, reason=NO_BROWSER_REASON)


def _notebook() -> nbformat.NotebookNode:
    long_text = " ".join(
        f"Paragraph {i}: recorded crime in the partnership area is described here in plain "
        "words for councillors, with the caveats of the police recorded crime data."
        for i in range(12)
    )
    cells = [
        new_code_cell(f"area = {PARAM_DEFAULT!r}\nyear = 2024", metadata={"tags": ["parameters"]}),
        new_code_cell(
            f"area = {PARAM_INJECTED!r}\nyear = 2025",
            metadata={"tags": ["injected-parameters"]},
        ),
        new_markdown_cell(
            "# Community safety strategic assessment\n\n"
            "Source: [police.uk open data](https://data.police.uk/) (Open Government Licence)."
        ),
        new_markdown_cell(f"## {H2_SUMMARY}\n\nThe table counts offences by type."),
        new_code_cell(
            "import sys\n"
            "import warnings\n"
            "import pandas as pd\n"
            f"print({STDERR_TEXT!r}, file=sys.stderr)\n"
            f"warnings.warn({WARNING_TEXT!r})\n"
            f"print({STDOUT_TEXT!r})\n"
            f"{CODE_MARKER} = pd.DataFrame({{\n"
            "    'Crime type': ['Burglary', 'Violence with injury', 'Shoplifting'],\n"
            "    'Offences': [1234, 2456, 3120],\n"
            "    'Change (%)': [-12.0, 4.0, 8.7],\n"
            "})\n"
            f"{CODE_MARKER}"
        ),
        new_markdown_cell("### Notes\n\nFirst notes."),
        new_markdown_cell(f"## {H2_TREND}\n\n### Notes\n\nSecond notes, same heading."),
        new_code_cell(
            "%matplotlib inline\n"
            "import matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots(figsize=(6, 3))\n"
            "ax.plot(range(12), [5, 7, 6, 8, 9, 7, 6, 8, 10, 9, 8, 7])\n"
            "ax.set_title('Monthly burglary')\n"
            "plt.show()"
        ),
        new_markdown_cell(f"Hidden {REMOVED_CELL_TEXT}", metadata={"tags": ["remove_cell"]}),
        new_code_cell(f"print({REMOVED_OUTPUT_TEXT!r})", metadata={"tags": ["remove_output"]}),
        new_markdown_cell("## Appendix\n\n" + "\n\n".join([long_text] * 6)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["csp_report"] = {"title": TITLE}
    return nb


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    """The test notebook, executed in a python3 kernel."""
    folder = tmp_path_factory.mktemp("nb")
    nb = _notebook()
    NotebookClient(
        nb, kernel_name="python3", timeout=180, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return nb


@pytest.fixture(scope="module")
def report(executed: nbformat.NotebookNode, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The executed notebook, saved and exported to HTML."""
    folder = tmp_path_factory.mktemp("report")
    nb_path = folder / "assessment.ipynb"
    nbformat.write(executed, nb_path)
    out = export_html(nb_path, folder / "html" / "assessment.html", classification=MARKING)
    assert out == folder / "html" / "assessment.html"
    return out


@pytest.fixture(scope="module")
def html(report: Path) -> str:
    return report.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_the_kernel_did_produce_what_must_be_hidden(executed: nbformat.NotebookNode) -> None:
    streams = [
        out
        for cell in executed.cells
        for out in cell.get("outputs", [])
        if out.output_type == "stream"
    ]
    assert any(out.name == "stderr" and STDERR_TEXT in out.text for out in streams)
    assert any(out.name == "stderr" and WARNING_TEXT in out.text for out in streams)


def test_no_code_parameters_or_prompts(html: str, soup: BeautifulSoup) -> None:
    assert CODE_MARKER not in html
    assert "import pandas" not in html
    assert "plt.subplots" not in html
    assert PARAM_DEFAULT not in html
    assert PARAM_INJECTED not in html
    body_text = soup.body.get_text()
    assert "In\xa0[" not in body_text and "In [" not in body_text and "Out[" not in body_text
    assert not soup.select(".jp-InputPrompt, .jp-OutputPrompt, .jp-InputArea-editor")


def test_stderr_and_removed_content_absent(html: str) -> None:
    assert STDERR_TEXT not in html
    assert WARNING_TEXT not in html
    assert "UserWarning" not in html
    assert REMOVED_CELL_TEXT not in html
    assert REMOVED_OUTPUT_TEXT not in html
    assert STDOUT_TEXT in html


def test_page_is_offline_and_self_contained(html: str, soup: BeautifulSoup) -> None:
    assert check_offline(html) == []
    assert "<script" not in html.lower()
    assert "mathjax" not in html.lower()
    assert "require.js" not in html.lower()
    # the citation link stays a plain, allowed hyperlink
    assert soup.select_one('a[href="https://data.police.uk/"]') is not None


def test_images_are_embedded_pngs(soup: BeautifulSoup) -> None:
    images = soup.find_all("img")
    assert images
    for img in images:
        assert img["src"].startswith("data:image/png;base64,")


def test_table_of_contents_links_to_headings(soup: BeautifulSoup) -> None:
    toc = soup.select_one("nav.csp-toc")
    assert toc is not None
    links = {a.get_text(strip=True): a["href"] for a in toc.select("a[href]")}
    assert H2_SUMMARY in links and H2_TREND in links
    hrefs = [a["href"] for a in toc.select("a[href]")]
    assert len(hrefs) == len(set(hrefs)), "two contents entries point to the same place"
    for href in hrefs:
        assert href.startswith("#")
        target = soup.find(id=href[1:])
        assert target is not None, f"no element with id {href[1:]!r}"
        assert target.name in ("h1", "h2", "h3")
    # the contents comes right after the cover (the cell with the title), not before it
    title = soup.select_one("main h1")
    assert title is not None
    cover = title.find_parent(class_="jp-Cell")
    assert "csp-cover" in cover["class"] and cover.find_next_sibling() is toc
    # h4 and deeper are not listed; the two "Notes" headings got distinct ids
    notes = [h["id"] for h in soup.select("main h3[id]") if h.get_text().startswith("Notes")]
    assert len(notes) == 2 and len(set(notes)) == 2


def test_marking_and_title(html: str, soup: BeautifulSoup) -> None:
    assert soup.title is not None and soup.title.get_text() == TITLE
    markings = soup.select(".csp-marking")
    assert [m.get_text(strip=True) for m in markings] == [MARKING, MARKING]
    assert markings[0].find_next(["nav", "main"]) is not None  # top marking precedes content
    assert html.count(MARKING) >= 2
    assert "@page" in html and "A4" in html


def test_text_cells_of_tables_left_aligned(soup: BeautifulSoup) -> None:
    table = soup.select_one("main table.dataframe")
    assert table is not None
    cells = {td.get_text(strip=True): td.get("class", []) for td in table.select("tbody td")}
    assert "csp-text" in cells["Burglary"]
    assert "csp-text" not in cells["1234"]
    assert "csp-text" not in cells["-12.0"]


def test_defaults_from_metadata_and_notebook_name(
    executed: nbformat.NotebookNode, tmp_path: Path
) -> None:
    nb = nbformat.from_dict(executed)
    del nb.metadata["csp_report"]
    out = export_html(nb, tmp_path / "burglary-review.html")
    page = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert page.title.get_text() == "burglary-review"
    assert [m.get_text(strip=True) for m in page.select(".csp-marking")] == ["OFFICIAL"] * 2
    assert "csp_report" not in nb.metadata  # the caller's notebook is not modified


def test_check_offline_finds_network_loads() -> None:
    bad = """<html><head>
    <script src="https://cdn.example.org/require.js"></script>
    <link rel="stylesheet" href="https://fonts.example.org/css">
    <style>@import url(https://fonts.example.org/x.css);
    body {background: url(//x.org/a.png)}</style>
    </head><body>
    <img src="http://example.org/a.png"><img src="chart.png">
    <div style="background-image: url('https://example.org/b.png')"></div>
    <iframe src="https://example.org/"></iframe>
    <script>fetch("https://example.org/track")</script>
    <a href="https://data.police.uk/">source</a>
    <svg xmlns="http://www.w3.org/2000/svg"><use href="#sym"/></svg>
    </body></html>"""
    problems = check_offline(bad)
    text = "\n".join(problems)
    for needle in (
        "cdn.example.org/require.js",
        "fonts.example.org/css",
        "@import",
        "//x.org/a.png",
        "http://example.org/a.png",
        "chart.png",
        "example.org/b.png",
        "<iframe",
        "example.org/track",
    ):
        assert needle in text, f"{needle!r} not reported in:\n{text}"
    assert "data.police.uk" not in text
    assert "w3.org" not in text
    good = '<html><body><a href="https://x.org">x</a><img src="data:image/png;base64,AA"></body>'
    assert check_offline(good) == []


# --------------------------------------------------------------------------------------------
# in a real browser, with every network request sent to a proxy that does not exist
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
@needs_browser
def test_browser_dom_shows_contents_and_table(report: Path) -> None:
    dom = BeautifulSoup(dump_dom(report), "html.parser")
    toc = dom.select_one("nav.csp-toc")
    assert toc is not None
    assert H2_SUMMARY in toc.get_text() and H2_TREND in toc.get_text()
    table = dom.select_one("main table.dataframe")
    assert table is not None and "Shoplifting" in table.get_text()
    assert dom.select_one(".csp-marking").get_text(strip=True) == MARKING


@pytest.mark.slow
@needs_browser
def test_browser_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    png = screenshot(report, tmp_path / "report.png", width=1200, height=1600)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 1600)
    assert len(data) > 20_000  # a blank page compresses to a few kB
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - size check above still applies
        return
    with Image.open(png) as img:
        grey = img.convert("L")
        low, high = grey.getextrema()
        assert low < 80 and high > 200, "screenshot has no dark text on a light page"
        dark = sum(grey.histogram()[:128])
        assert dark > 0.002 * width * height


@pytest.mark.slow
@needs_browser
def test_browser_print_has_marking_on_every_page(report: Path, tmp_path: Path) -> None:
    pdf = print_pdf(report, tmp_path / "report.pdf")
    try:
        pages = pdf_page_texts(pdf)
    except RuntimeError as exc:
        pytest.skip(f"cannot read the text of the printed PDF ({exc}); install poppler-utils")
    pages = [unicodedata.normalize("NFKC", page) for page in pages]
    assert len(pages) >= 2, "the test report should print on more than one page"
    for number, text in enumerate(pages, start=1):
        assert text.count(MARKING) >= 2, f"page {number} lacks the top and bottom marking"
    assert sum(page.count(MARKING) for page in pages) >= len(pages)
    assert H2_SUMMARY in "".join(pages)
    assert CODE_MARKER not in "".join(pages)
    # A4 portrait (595 x 842 pt), as the print stylesheet asks
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes
    for width, height in boxes:
        assert abs(float(width) - 595.3) < 2 and abs(float(height) - 841.9) < 2


def test_slim_css_keeps_only_rules_that_can_apply() -> None:
    from csp_analysis.report.export import slim_css

    css = """
    :root { --a: 1px; --b: var(--c); --c: red; --unused: 0; }
    .x { margin: var(--a); }
    .gone, .x > p { color: var(--b); }
    .x:not(.absent) { padding: 0; }
    #here .x, #nowhere { border: 0; }
    @media print { .gone { color: blue; } .x { color: black; } }
    @media screen { .gone { color: blue; } }
    @keyframes spin { from { opacity: 0; } to { opacity: 1; } }
    @keyframes fade { from { opacity: 0; } to { opacity: 1; } }
    .x { animation: fade 1s; }
    @page { size: A4; }
    body { font-size: 1rem; }
    """
    out = slim_css(css, {"x"}, {"here"})
    assert ".gone" not in out and "#nowhere" not in out and "screen" not in out
    assert ".x > p{color: var(--b)}" in out
    assert ".x:not(.absent)" in out and "#here .x" in out
    assert "@media print" in out and "color: black" in out
    # --b is used, and uses --c in turn; --unused is dropped
    assert "--a" in out and "--b" in out and "--c" in out and "--unused" not in out
    assert "@keyframes fade" in out and "@keyframes spin" not in out
    assert "@page" in out and "body" in out


def test_only_the_css_the_page_needs_is_inlined(soup: BeautifulSoup) -> None:
    """Issue 16: the lab template inlined ~270 KB of JupyterLab CSS; the page keeps the rules
    its own classes need and every custom property those rules use."""
    sheets = [s.get_text() for s in soup.find("head").find_all("style")]
    css = "\n".join(sheets)
    assert len(css.encode()) < 40_000, f"{len(css.encode()):,} bytes of CSS"
    assert ".jp-RenderedHTMLCommon" in css and ".csp-toc" in css
    defined = set(re.findall(r"(--[\w-]+)\s*:", css))
    # JupyterLab's own stylesheet uses its scrollbar colours without defining them (a theme
    # with styled scrollbars does): the only variables left undefined, as they were before.
    used = {v for v in re.findall(r"var\(\s*(--[\w-]+)", css) if "-scrollbar-" not in v}
    assert used <= defined, sorted(used - defined)[:5]  # no variable left undefined
    classes = {c for tag in soup.find_all(class_=True) for c in tag["class"]}
    # the report's own stylesheet is kept whole; JupyterLab's is cut to what the page uses
    lab = "\n".join(t for t in sheets if not t.lstrip().startswith("/* csp_report:"))
    bare = re.sub(r":not\([^)]*\)|\[[^\]]*\]", "", lab)
    selectors = re.findall(r"([^{}]+)\{", bare)
    assert len(selectors) > 20
    for group in selectors:
        if not group.strip() or group.lstrip().startswith("@"):
            continue
        parts = [p for p in group.split(",") if p.strip()]
        # at least one selector of each kept rule names only classes the page has
        assert any(set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", p)) <= classes for p in parts), group
