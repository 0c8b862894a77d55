"""Print the HTML report as an A4 PDF for committee papers, with WeasyPrint.

WeasyPrint is a CSS paged-media engine: it numbers the pages, repeats the protective marking in
the page margins, fills the contents list with the page of each heading
(``target-counter``), keeps a heading with what follows it and starts the technical appendix on
a new page. The layout of the printed page is the stylesheet ``static/csp_pdf.css`` of the
``csp_report`` template, applied only when printing to PDF (the HTML does not carry it).

WeasyPrint needs the Pango text library of the operating system (Debian: ``libpango-1.0-0``,
``libpangoft2-1.0-0``); where it cannot be loaded, :func:`export_pdf` raises a
:class:`~csp_analysis.exceptions.ReportError` that says so, and the HTML report is unaffected.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bs4 import BeautifulSoup

from csp_analysis import defaults
from csp_analysis.exceptions import ReportError
from csp_analysis.paths import templates_dir

__all__ = ["PDF_STYLESHEET", "css_string", "export_pdf", "pdf_available", "pdf_engine"]

#: The print stylesheet, in the ``csp_report`` template's ``static`` folder.
PDF_STYLESHEET = "csp_pdf.css"

_MISSING_ENGINE = (
    "the PDF cannot be written: WeasyPrint or the Pango library it needs is not installed "
    "({reason}); install them (pip install weasyprint; Debian: apt-get install "
    "libpango-1.0-0 libpangoft2-1.0-0) or print the HTML report from a browser"
)


def pdf_engine():  # noqa: ANN201 (the weasyprint module, imported on demand)
    """Import the PDF engine (WeasyPrint), or say what is missing.

    Returns
    -------
    module
        ``weasyprint``.

    Raises
    ------
    ReportError
        If WeasyPrint or the Pango library it needs cannot be loaded, saying how to install
        them.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango's shared library not found
        raise ReportError(_MISSING_ENGINE.format(reason=exc)) from None
    return weasyprint


def pdf_available() -> bool:
    """Whether a PDF can be written here (WeasyPrint and Pango load).

    Returns
    -------
    bool
    """
    try:
        pdf_engine()
    except ReportError:
        return False
    return True


def css_string(text: str) -> str:
    """Quote text as a CSS string literal.

    Parameters
    ----------
    text : str
        Any text (e.g. a protective marking).

    Returns
    -------
    str
        The text in double quotes, with backslashes, quotes and line breaks escaped.

    Examples
    --------
    >>> css_string('OFFICIAL "x"')
    '"OFFICIAL \\\\"x\\\\""'
    """
    out = []
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\f" or ord(ch) < 0x20:
            out.append(" ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_css(marking: str, title: str) -> str:
    """The margin boxes of every page: marking top and bottom, title and page number."""
    m, t = css_string(marking.upper()), css_string(title)
    return f"""
@page {{
  @top-center {{ content: {m}; }}
  @bottom-center {{ content: {m}; }}
  @bottom-left {{ content: {t}; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); }}
}}
@page :first {{
  @bottom-left {{ content: none; }}
  @bottom-right {{ content: none; }}
}}
"""


def export_pdf(html_path: str | Path, pdf_path: str | Path | None = None) -> Path:
    """Print an exported HTML report as an A4 PDF beside it.

    Parameters
    ----------
    html_path : str or Path
        The report written by :func:`csp_analysis.report.export.export_html`.
    pdf_path : str or Path, optional
        Where to write the PDF; default the HTML's path with the suffix ``.pdf``.

    Returns
    -------
    Path
        The PDF written.

    Raises
    ------
    ReportError
        If WeasyPrint or the Pango library cannot be loaded (saying how to install them), or
        the HTML cannot be read.
    """
    weasyprint = pdf_engine()
    html_path = Path(html_path)
    pdf_path = Path(pdf_path) if pdf_path is not None else html_path.with_suffix(".pdf")
    try:
        html = html_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot read the HTML report {html_path}: {exc}") from None
    soup = BeautifulSoup(html, "html.parser")
    meta = soup.find("meta", attrs={"name": "classification"})
    marking = str(meta.get("content")) if meta is not None else defaults.MARKING
    title = soup.title.get_text().strip() if soup.title is not None else ""
    sheet = templates_dir() / "csp_report" / "static" / PDF_STYLESHEET
    # After the page's own styles, as an author stylesheet: WeasyPrint's ``stylesheets=`` are
    # user stylesheets, which lose to the page's rules in the cascade.
    style = soup.new_tag("style")
    style.string = sheet.read_text(encoding="utf-8") + _page_css(marking, title)
    (soup.head or soup).append(style)
    # WeasyPrint warns about every JupyterLab CSS property it does not implement: not news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # the report is self-contained: the engine may load only what the page embeds
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=str(soup), url_fetcher=fetcher)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(str(pdf_path))
    return pdf_path
