"""Export an executed report notebook to one self-contained, offline HTML file.

The page is rendered by nbconvert's ``HTMLExporter`` with the package's ``csp_report`` template
(``report/templates/csp_report``), which extends nbconvert's ``lab`` template, loads nothing from
the network, carries a table of contents and shows the protective marking at the top and bottom of
the screen page and of every printed page.

What a councillor never sees: code, prompts, the ``parameters`` / ``injected-parameters`` cells,
cells tagged ``remove_cell``, outputs of cells tagged ``remove_output`` and anything a cell wrote
to stderr (warnings).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import nbformat
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from csp_analysis import defaults
from csp_analysis.exceptions import ReportError
from csp_analysis.paths import templates_dir

__all__ = [
    "DEFAULT_CLASSIFICATION",
    "REMOVE_CELL_TAGS",
    "REMOVE_OUTPUT_TAGS",
    "TEMPLATE_NAME",
    "StripStderrPreprocessor",
    "TocPreprocessor",
    "check_offline",
    "export_html",
    "make_exporter",
    "table_of_contents",
]

log = logging.getLogger(__name__)

#: Name of the nbconvert template folder under :func:`csp_analysis.paths.templates_dir`.
TEMPLATE_NAME = "csp_report"

#: Protective marking used when the notebook metadata names none.
DEFAULT_CLASSIFICATION = defaults.MARKING

#: Cells carrying any of these tags are dropped from the report entirely.
REMOVE_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove_cell", "remove-cell"})

#: Cells carrying any of these tags lose all their outputs; an output whose own metadata carries
#: one of them is dropped on its own.
REMOVE_OUTPUT_TAGS = frozenset({"remove_output", "remove-output"})

#: Heading levels listed in the table of contents.
TOC_LEVELS = (1, 2, 3)

_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HEADING_SELECTOR = ".jp-RenderedMarkdown :is(h1, h2, h3, h4, h5, h6)[id]"

# Mime types that nbconvert's HTML exporter prefers to text/markdown: an output that has one of
# them is not rendered as markdown, so its headings never reach the page.
_ABOVE_MARKDOWN = (
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
)


# --------------------------------------------------------------------------------------------
# preprocessors
# --------------------------------------------------------------------------------------------


class StripStderrPreprocessor(Preprocessor):
    """Remove every stream output written to stderr (warnings, progress bars, log lines).

    Parameters
    ----------
    **kw
        Configuration passed on to nbconvert's ``Preprocessor`` (e.g. ``enabled``).
    """

    def preprocess_cell(
        self, cell: nbformat.NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        """Drop the cell's ``stream`` outputs whose ``name`` is ``stderr``.

        Parameters
        ----------
        cell : NotebookNode
            One notebook cell; only code cells have outputs.
        resources : dict
            nbconvert resources, passed through unchanged.
        index : int
            Position of the cell in the notebook.

        Returns
        -------
        tuple of (NotebookNode, dict)
            The cell without stderr outputs, and the resources.
        """
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell.outputs = [
                out
                for out in cell.outputs
                if not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
        return cell, resources


class TocPreprocessor(Preprocessor):
    """Collect the table of contents (markdown headings h1-h3) into ``resources["csp_toc"]``.

    Each entry is a dict with ``level`` (1-3), ``text`` (plain text) and ``id``: the id that
    nbconvert gives the rendered heading, made unique the same way :func:`export_html` makes the
    page's heading ids unique (a repeated heading gets ``-2``, ``-3``, ...). The template renders
    the list as in-page links, so the table of contents is built at export time and needs no
    JavaScript. The template's ``conf.json`` registers this preprocessor; it runs after nbconvert's
    own tag-removal preprocessor, so removed cells do not appear in the contents.

    Parameters
    ----------
    **kw
        Configuration passed on to nbconvert's ``Preprocessor`` (e.g. ``enabled``).
    """

    def preprocess(
        self, nb: nbformat.NotebookNode, resources: dict[str, Any]
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        """Store the table of contents of ``nb`` in ``resources["csp_toc"]``.

        Parameters
        ----------
        nb : NotebookNode
            The notebook being exported (after earlier preprocessors).
        resources : dict
            nbconvert resources; ``csp_toc`` is set.

        Returns
        -------
        tuple of (NotebookNode, dict)
            The unchanged notebook and the resources.
        """
        resources["csp_toc"] = table_of_contents(nb)
        return nb, resources


def _rendered_markdown_sources(nb: nbformat.NotebookNode) -> Iterator[str]:
    """Yield, in page order, every markdown text that the HTML exporter renders as markdown."""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            yield cell.get("source", "")
        elif cell.get("cell_type") == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") not in ("display_data", "execute_result"):
                    continue
                data = out.get("data", {})
                if "text/markdown" in data and not any(m in data for m in _ABOVE_MARKDOWN):
                    text = data["text/markdown"]
                    yield "".join(text) if isinstance(text, list) else text


def _unique_id(base: str, used: set[str]) -> str:
    """Return ``base`` or ``base-2``, ``base-3``... whichever is not yet in ``used``; record it."""
    candidate = base
    n = 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def table_of_contents(
    nb: nbformat.NotebookNode, levels: Iterable[int] = TOC_LEVELS
) -> list[dict[str, Any]]:
    """List the notebook's markdown headings with the ids they get in the exported page.

    Parameters
    ----------
    nb : NotebookNode
        The notebook, with removed cells already removed.
    levels : iterable of int, default (1, 2, 3)
        Heading levels to list.

    Returns
    -------
    list of dict
        ``{"level": int, "text": str, "id": str}`` per heading, in page order.
    """
    wanted = set(levels)
    used: set[str] = set()
    entries: list[dict[str, Any]] = []
    for source in _rendered_markdown_sources(nb):
        soup = BeautifulSoup(markdown2html_mistune(source), "html.parser")
        for heading in soup.find_all(_HEADING_TAGS):
            base = heading.get("id")
            if not base:
                continue  # raw-HTML heading: nbconvert gives it no id, so it cannot be linked
            hid = _unique_id(str(base), used)
            level = int(heading.name[1])
            if level not in wanted:
                continue
            for anchor in heading.select("a.anchor-link"):
                anchor.decompose()
            text = " ".join(heading.get_text(" ").split())
            entries.append({"level": level, "text": text, "id": hid})
    return entries


# --------------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------------


def make_exporter() -> HTMLExporter:
    """Build the ``HTMLExporter`` that renders councillor reports.

    Returns
    -------
    HTMLExporter
        Configured with the ``csp_report`` template, no code or prompts, embedded images,
        tag-based removal of cells and outputs, and stderr outputs stripped.
    """
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    config.TagRemovePreprocessor.remove_single_output_tags = set(REMOVE_OUTPUT_TAGS)
    return HTMLExporter(
        config=config,
        extra_template_basedirs=[str(templates_dir())],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        exclude_anchor_links=False,  # the table of contents links to the heading ids
        preprocessors=[StripStderrPreprocessor],
    )


def export_html(
    notebook: str | Path | nbformat.NotebookNode,
    html_path: str | Path,
    *,
    classification: str = DEFAULT_CLASSIFICATION,
    title: str | None = None,
) -> Path:
    """Render an executed notebook as a self-contained HTML report for councillors.

    Parameters
    ----------
    notebook : str, Path or NotebookNode
        The executed notebook (a file path, or an in-memory notebook, which is not modified).
    html_path : str or Path
        Where to write the HTML (UTF-8); parent folders are created.
    classification : str, default "OFFICIAL"
        Protective marking shown at the top and bottom of the page and of every printed page.
        It is written to ``metadata["csp_report"]["classification"]`` of the exported copy and
        so overrides any marking already there (a warning is logged when they differ).
    title : str, optional
        Page title. Default: ``metadata["csp_report"]["title"]`` if set, otherwise the notebook
        name (the file stem of ``notebook``, or of ``html_path`` for an in-memory notebook).

    Returns
    -------
    Path
        The path of the written HTML file.

    Raises
    ------
    ReportError
        If the notebook cannot be read or the classification is blank.
    """
    marking = " ".join(str(classification).split())
    if not marking:
        raise ReportError("the protective marking (classification) must not be blank")
    html_path = Path(html_path)

    if isinstance(notebook, nbformat.NotebookNode):
        nb = copy.deepcopy(notebook)
        name = html_path.stem
        folder = Path.cwd()
    else:
        nb_path = Path(notebook)
        try:
            nb = nbformat.read(nb_path, as_version=4)
        except (OSError, ValueError) as exc:
            raise ReportError(f"cannot read notebook {nb_path}: {exc}") from exc
        name = nb_path.stem
        folder = nb_path.resolve().parent

    meta = nb.metadata.setdefault("csp_report", {})
    previous = meta.get("classification")
    if previous and previous != marking:
        log.warning("marking %r in the notebook metadata replaced by %r", previous, marking)
    meta["classification"] = marking
    if title is not None:
        meta["title"] = title

    exporter = make_exporter()
    body, _resources = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": name, "path": str(folder)}}
    )
    body = _postprocess(body)

    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path


# --------------------------------------------------------------------------------------------
# post-processing of the rendered page
# --------------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(
    r"""^\(?[-+\u2212]?\s*[£$€]?\s*
        (\d{1,3}(,\d{3})+|\d+)?(\.\d+)?(e[-+]?\d+)?
        \s*(%|pp|k|m|bn)?\)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_MISSING = {"", "nan", "<na>", "nat", "none", "-", "\u2013", "\u2014", "inf", "-inf", "n/a", "*"}


def _is_numeric(text: str) -> bool:
    """Whether a table cell's text reads as a number (or a missing value)."""
    text = " ".join(text.split())
    if text.lower() in _MISSING:
        return True
    return any(ch.isdigit() for ch in text) and bool(_NUMBER_RE.match(text))


def _is_missing(text: str) -> bool:
    return " ".join(text.split()).lower() in _MISSING


def _align_tables(soup: BeautifulSoup) -> None:
    """Mark table cells holding text (not numbers) with class ``csp-text`` (shown left-aligned).

    A column whose body cells are all text also has its header marked. Tables with merged cells
    are classified cell by cell.
    """
    for table in soup.select(".jp-OutputArea-output table"):
        merged = table.select("[colspan], [rowspan]")
        body_rows = table.select("tbody > tr") or table.select("tr")
        column_text: dict[int, bool] = {}
        for row in body_rows:
            for col, cell in enumerate(row.find_all(["td", "th"], recursive=False)):
                text = cell.get_text()
                if cell.name == "th":
                    continue  # row labels are left-aligned by the stylesheet
                numeric = _is_numeric(text)
                if not numeric:
                    cell["class"] = [*cell.get("class", []), "csp-text"]
                if not _is_missing(text):
                    column_text[col] = column_text.get(col, True) and not numeric
        if merged:
            continue
        for row in table.select("thead > tr"):
            for col, cell in enumerate(row.find_all(["td", "th"], recursive=False)):
                if column_text.get(col):
                    cell["class"] = [*cell.get("class", []), "csp-text"]


def _dedupe_heading_ids(soup: BeautifulSoup) -> None:
    """Give repeated markdown headings unique ids, matching :func:`table_of_contents`."""
    used: set[str] = set()
    for heading in soup.select(_HEADING_SELECTOR):
        base = str(heading["id"])
        hid = _unique_id(base, used)
        if hid != base:
            heading["id"] = hid
            for anchor in heading.select("a.anchor-link"):
                anchor["href"] = f"#{hid}"


def _place_front_matter(soup: BeautifulSoup) -> None:
    """Put the contents list after the cover (the cell holding the page's ``h1``), not before
    the title, and mark the cells from the first ``Appendix`` heading on with class
    ``csp-appendix`` (the printed report starts them on a new page, in smaller type), cells
    with two charts or more ``csp-gallery`` (printed two to a row), and the heading cell of a
    section that could not be computed (its output a ``csp-gap-line``) ``csp-empty-section``
    (its introduction is not shown: the section is one line, its gap in the gaps box)."""
    nav = soup.select_one("nav.csp-toc")
    title = soup.select_one("main h1")
    cover = title.find_parent(class_="jp-Cell") if title is not None else None
    if nav is not None and cover is not None:
        cover.insert_after(nav.extract())
        cover["class"] = [*cover.get("class", []), "csp-cover"]
    appendix = False
    for cell in soup.select("main .jp-Cell"):
        heading = cell.select_one(".jp-RenderedMarkdown h2")
        text = heading.get_text(" ").strip() if heading is not None else ""
        if text.startswith("Appendix") and not appendix:
            appendix = True
            cell["class"] = [*cell.get("class", []), "csp-appendix-start"]
        if appendix:
            cell["class"] = [*cell.get("class", []), "csp-appendix"]
        if cell.select_one(".csp-gap-line") is not None:  # an empty section: one line
            before = cell.find_previous_sibling(class_="jp-Cell")
            if before is not None and "jp-MarkdownCell" in before.get("class", []):
                before["class"] = [*before.get("class", []), "csp-empty-section"]
        if len(cell.select(".jp-OutputArea-output figure")) >= 2:  # charts side by side
            cell["class"] = [*cell.get("class", []), "csp-gallery"]
            n = 0
            for child in cell.select(".jp-OutputArea-child"):
                if child.select_one("figure") is None:
                    n = 0  # text between charts: the next chart starts a row
                    continue
                row_start = ["csp-gallery-row"] if n % 2 == 0 else []
                child["class"] = [*child.get("class", []), "csp-gallery-item", *row_start]
                n += 1


#: A table of at most this many rows is printed whole (on the next page when it does not fit):
#: a short table split over two pages is harder to read than a little blank space.
SHORT_TABLE_ROWS = 12


def _mark_short_tables(soup: BeautifulSoup) -> None:
    """Give tables of at most :data:`SHORT_TABLE_ROWS` body rows the class ``csp-short`` (the
    print stylesheet keeps them on one page)."""
    for table in soup.select("main table"):
        if len(table.select("tbody > tr")) <= SHORT_TABLE_ROWS:
            table["class"] = [*table.get("class", []), "csp-short"]


def _postprocess(html: str) -> str:
    """Make heading ids unique, mark text cells of tables for alignment, and place the
    contents after the cover."""
    soup = BeautifulSoup(html, "html.parser")
    _dedupe_heading_ids(soup)
    _align_tables(soup)
    _drop_script_links(soup)
    _place_front_matter(soup)
    _mark_short_tables(soup)
    _slim_styles(soup)
    return str(soup)


# --------------------------------------------------------------------------------------------
# only the CSS the page uses
# --------------------------------------------------------------------------------------------

#: The report's own stylesheet begins with this comment: it is kept whole.
_OWN_CSS = "/* csp_report:"
_CLASS_RE = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID_RE = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
#: Parts of a selector that need not match for it to apply: :not(...), :is(...), :where(...),
#: :has(...) arguments, attribute selectors and strings.
_SELECTOR_SKIP_RE = re.compile(r"""\[[^\]]*\]|"[^"]*"|'[^']*'""")
_VAR_RE = re.compile(r"var\(\s*(--[\w-]+)")


def _slim_styles(soup: BeautifulSoup) -> None:
    """Keep only the CSS rules of the page head that can apply to the page.

    The ``lab`` template inlines JupyterLab's whole stylesheet (about 270 KB) for a page that
    uses a few dozen of its classes. A rule is kept when one of its selectors names only
    classes and ids present in the page (classes inside ``:not()`` and similar do not count),
    and a custom property (``--jp-...``) only when a kept rule uses it. The report's own
    stylesheet and the ``<style>`` elements inside the notebook's outputs are left whole.
    """
    classes = {c for tag in soup.find_all(class_=True) for c in tag.get("class", [])}
    ids = {str(tag["id"]) for tag in soup.find_all(id=True)}
    head = soup.find("head")
    if head is None:
        return
    sheets = [
        s
        for s in head.find_all("style")
        if (s.string or "").strip() and not (s.string or "").lstrip().startswith(_OWN_CSS)
    ]
    # First the rules, then the custom properties: one sheet's rules use another's (the lab
    # stylesheet uses the theme's --jp-* variables), and so do the report's own stylesheet,
    # the outputs' <style> elements and style attributes.
    pruned = [slim_css(s.string or "", classes, ids, keep_properties=True) for s in sheets]
    others = [t.get_text() for t in soup.find_all("style") if t not in sheets]
    others += [str(t["style"]) for t in soup.find_all(style=True)]
    for i, style in enumerate(sheets):
        context = " ".join(others + pruned[:i] + pruned[i + 1 :])
        style.string = slim_css(pruned[i], classes, ids, also_used=context)


def slim_css(
    css: str,
    classes: set[str],
    ids: set[str],
    *,
    also_used: str = "",
    keep_properties: bool = False,
) -> str:
    """The rules of a stylesheet that can apply to a page with these classes and ids.

    Parameters
    ----------
    css : str
        A stylesheet.
    classes : set of str
        Class names present in the page.
    ids : set of str
        Element ids present in the page.
    also_used : str
        CSS elsewhere in the page: the custom properties it uses are kept.
    keep_properties : bool
        Keep every custom property of the kept rules.

    Returns
    -------
    str
        The stylesheet without the rules whose every selector names a class or id absent from
        the page, and without custom properties no kept rule uses (``@media`` and ``@supports``
        blocks are pruned inside; ``@page`` and ``@font-face`` are kept; ``@keyframes`` only
        when a kept rule names them).

    Examples
    --------
    >>> print(slim_css(":root{--a:1px;--b:2px} .x{margin:var(--a)} .y{color:red}", {"x"}, set()))
    :root{--a:1px}
    .x{margin:var(--a)}
    """
    import tinycss2

    rules = _prune_rules(tinycss2.parse_stylesheet(css, True, True), classes, ids)
    # custom properties: keep those used by kept declarations, and those they use in turn
    definitions: dict[str, str] = {}
    plain: list[str] = []
    _collect(rules, definitions, plain)
    used = set(_VAR_RE.findall(" ".join([*plain, also_used])))
    if keep_properties:
        used |= set(definitions)
    todo = list(used)
    while todo:
        for name in _VAR_RE.findall(definitions.get(todo.pop(), "")):
            if name not in used:
                used.add(name)
                todo.append(name)
    text = "\n".join(_serialize(r, used) for r in rules)
    lines = [line for line in text.split("\n") if line.strip()]
    kept = "\n".join(lines)
    # @keyframes named by no kept rule are dropped
    return re.sub(
        r"@keyframes\s+([\w-]+)\s*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}\n?",
        lambda m: (
            m.group(0) if re.search(rf"\b{re.escape(m.group(1))}\b", _without(kept, m)) else ""
        ),
        kept,
    ).strip()


def _without(text: str, match: re.Match[str]) -> str:
    """``text`` without the span of ``match``."""
    return text[: match.start()] + text[match.end() :]


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(prelude[start:i].strip())
            start = i + 1
    out.append(prelude[start:].strip())
    return [s for s in out if s]


def _strip_functional(selector: str) -> str:
    """A selector without the arguments of ``:not()``, ``:is()``, ``:where()``, ``:has()``."""
    out, i = [], 0
    while i < len(selector):
        m = re.match(r":(not|is|where|has|matches|-webkit-any|-moz-any)\(", selector[i:])
        if m:
            depth, j = 1, i + m.end()
            while j < len(selector) and depth:
                depth += {"(": 1, ")": -1}.get(selector[j], 0)
                j += 1
            i = j
            continue
        out.append(selector[i])
        i += 1
    return "".join(out)


def _selector_applies(selector: str, classes: set[str], ids: set[str]) -> bool:
    """True when every class and id the selector requires is in the page."""
    bare = _SELECTOR_SKIP_RE.sub("", _strip_functional(selector))
    return all(c in classes for c in _CLASS_RE.findall(bare)) and all(
        i in ids for i in _ID_RE.findall(bare)
    )


def _prune_rules(rules: list, classes: set[str], ids: set[str]) -> list:
    """The rules (tinycss2 nodes) that can apply, with their selector lists cut to those."""
    import tinycss2

    kept: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude)
            selectors = [s for s in _split_selectors(prelude) if _selector_applies(s, classes, ids)]
            if selectors:
                kept.append(("rule", ", ".join(selectors), rule.content))
        elif rule.type == "at-rule":
            name = rule.lower_at_keyword
            head = tinycss2.serialize(rule.prelude).strip()
            if name in ("media", "supports", "layer", "container") and rule.content is not None:
                inner = tinycss2.parse_rule_list(rule.content, True, True)
                sub = _prune_rules(inner, classes, ids)
                if sub:
                    kept.append(("block", f"@{rule.at_keyword} {head}", sub))
            elif name != "import":
                kept.append(("raw", rule.serialize(), None))
    return kept


def _collect(rules: list, definitions: dict[str, str], plain: list[str]) -> None:
    """Split kept declarations into custom-property definitions and everything else."""
    import tinycss2

    for kind, _head, body in rules:
        if kind == "block":
            _collect(body, definitions, plain)
        elif kind == "raw":
            plain.append(_head)
        else:
            for decl in tinycss2.parse_blocks_contents(body, True, True):
                if decl.type == "declaration" and decl.name.startswith("--"):
                    value = tinycss2.serialize(decl.value)
                    definitions[decl.name] = definitions.get(decl.name, "") + " " + value
                else:
                    plain.append(decl.serialize())


def _serialize(rule: tuple, used: set[str]) -> str:
    """One kept rule as CSS, without the custom properties no kept rule uses."""
    import tinycss2

    kind, head, body = rule
    if kind == "raw":
        return head
    if kind == "block":
        inner = "\n".join(x for x in (_serialize(r, used) for r in body) if x)
        return f"{head}{{\n{inner}\n}}" if inner else ""
    parts = []
    for decl in tinycss2.parse_blocks_contents(body, True, True):
        if decl.type == "declaration":
            if decl.name.startswith("--") and decl.name not in used:
                continue
            parts.append(decl.serialize().strip())
        elif decl.type != "error":
            parts.append(decl.serialize().strip())
    return f"{head}{{{';'.join(parts)}}}" if parts else ""


_SCRIPT_LINK_RE = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


def _drop_script_links(soup: BeautifulSoup) -> None:
    """Remove link targets that would run code (``javascript:`` and the like): a Markdown
    link written by a data value ``[x](javascript:...)`` becomes plain text."""
    for tag in soup.find_all(["a", "area"], href=True):
        if _SCRIPT_LINK_RE.match(str(tag["href"])):
            del tag["href"]


# --------------------------------------------------------------------------------------------
# offline check
# --------------------------------------------------------------------------------------------

_EXTERNAL_RE = re.compile(r"^\s*(https?:|ftp:|//)", re.IGNORECASE)
_URL_ATTRS = (
    "src",
    "href",
    "srcset",
    "data",
    "poster",
    "action",
    "formaction",
    "background",
    "xlink:href",
    "ping",
    "manifest",
    "codebase",
    "archive",
    "longdesc",
)
_CSS_IMPORT_RE = re.compile(r"@import\b", re.IGNORECASE)
_CSS_URL_RE = re.compile(r"""url\(\s*['"]?\s*(https?:|//)""", re.IGNORECASE)
_SCRIPT_URL_RE = re.compile(r"""https?://[^\s'"`)<>]+""", re.IGNORECASE)
_NAMESPACE_URL_RE = re.compile(r"^https?://www\.w3\.org/", re.IGNORECASE)
_LINK_TAGS = ("a", "area")


def _snippet(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_offline(html: str) -> list[str]:
    """List what in an HTML page would load something from the network, or is not embedded.

    Plain hyperlinks (``<a href="https://...">``, e.g. citations of data sources) are allowed:
    they load nothing unless clicked.

    Parameters
    ----------
    html : str
        The page's HTML.

    Returns
    -------
    list of str
        One sentence per problem; empty when the page is self-contained. Problems are: any
        ``<script src>``; any other element's ``src``/``href``/``srcset``/... pointing to an
        http(s) or protocol-relative URL; ``<link>`` stylesheets, icons or preloads not inlined;
        ``<img>``/``<iframe>``/``<embed>``/``<object>`` sources that are not ``data:`` URIs;
        ``<base href>`` and ``<meta http-equiv="refresh">``; CSS ``@import`` and ``url(http...)``
        in ``<style>`` elements or ``style`` attributes; and http(s) URLs inside inline scripts
        (other than XML namespace URIs).
    """
    problems: list[str] = []
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        name = tag.name.lower()
        attrs = {k.lower(): v for k, v in tag.attrs.items()}
        if name == "script" and attrs.get("src") is not None:
            problems.append(f"<script src={_snippet(attrs['src'])!r}> loads an external script")
        if name == "base" and "href" in attrs:
            problems.append(f"<base href={_snippet(attrs['href'])!r}> redirects relative links")
        if name == "meta" and str(attrs.get("http-equiv", "")).lower() == "refresh":
            problems.append(f"<meta http-equiv=refresh content={_snippet(attrs.get('content'))!r}>")
        if name == "link" and attrs.get("href") and not str(attrs["href"]).startswith("data:"):
            problems.append(
                f"<link href={_snippet(attrs['href'])!r}> refers to a file that is not inlined"
            )
        elif name not in _LINK_TAGS and name != "script":
            for attr in _URL_ATTRS:
                value = attrs.get(attr)
                if value is None:
                    continue
                values = value if isinstance(value, list) else [value]
                if any(
                    _EXTERNAL_RE.match(str(v))
                    or (attr == "srcset" and re.search(r"(https?:|//)", str(v)))
                    for v in values
                ):
                    problems.append(
                        f"<{name} {attr}={_snippet(' '.join(map(str, values)))!r}> "
                        "points to the network"
                    )
        if name in ("img", "iframe", "embed", "source", "video", "audio") and "src" in attrs:
            src = str(attrs["src"]).strip()
            if src and not src.startswith(("data:", "#")) and not _EXTERNAL_RE.match(src):
                problems.append(f"<{name} src={_snippet(src)!r}> is not embedded in the page")
        if name == "object" and "data" in attrs:
            data = str(attrs["data"]).strip()
            if not data.startswith("data:") and not _EXTERNAL_RE.match(data):
                problems.append(f"<object data={_snippet(data)!r}> is not embedded in the page")
        style = attrs.get("style")
        if style:
            problems.extend(_css_problems(str(style), f"style attribute of <{name}>"))
        if name == "style":
            problems.extend(_css_problems(tag.get_text(), "<style>"))
        if name == "script" and attrs.get("src") is None:
            for match in _SCRIPT_URL_RE.finditer(tag.get_text()):
                url = match.group(0)
                if _NAMESPACE_URL_RE.match(url):
                    continue
                problems.append(f"inline <script> refers to {_snippet(url)!r}")
    return problems


def _css_problems(css: str, where: str) -> list[str]:
    problems = []
    for match in _CSS_IMPORT_RE.finditer(css):
        problems.append(f"{where} has {_snippet(css[match.start() : match.start() + 80])!r}")
    for match in _CSS_URL_RE.finditer(css):
        problems.append(f"{where} loads {_snippet(css[match.start() : match.start() + 80])!r}")
    return problems
