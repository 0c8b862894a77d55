"""Formatting shared by the section renderers: numbers, tables, figures and verdict words.

Nothing here computes a statistic: these turn published numbers into text and HTML.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping

import pandas as pd
from IPython.display import HTML, Markdown
from matplotlib.figure import Figure

__all__ = [
    "APPENDIX_PARTS",
    "appendix_part",
    "change_subtitle",
    "figure_html",
    "finding_title",
    "fmt",
    "md",
    "num",
    "pct",
    "per_month",
    "sentences",
    "short_verdict",
    "suppression_note",
    "table_html",
    "to_appendix",
]

#: The parts of the report's appendix a renderer may send a block to, with their headings:
#: ``method`` for how a section's figures were made (test notes, decompositions, funnel plots,
#: sensitivity charts), ``detail`` for the same figures category by category. The main body
#: keeps what a reader acts on; the appendix keeps the rest, so nothing is dropped.
APPENDIX_PARTS = {
    "method": "Appendix: method",
    "detail": "Appendix: each category in detail",
}


def to_appendix(block: HTML | Markdown, part: str = "method") -> HTML | Markdown:
    """Mark a renderer's display block for the report's appendix instead of the main body.

    The report shows the block under its section's heading in the appendix ``part``
    (:func:`csp_analysis.report.display.appendix`); the main body shows the other blocks.

    Parameters
    ----------
    block : IPython.display.HTML or IPython.display.Markdown
        A block built by :func:`md`, :func:`table_html` or :func:`figure_html`.
    part : {"method", "detail"}
        Which appendix (:data:`APPENDIX_PARTS`).

    Returns
    -------
    IPython.display.HTML or IPython.display.Markdown
        The same block, marked.

    Raises
    ------
    ValueError
        For a part that is not one of :data:`APPENDIX_PARTS`.

    Examples
    --------
    >>> appendix_part(to_appendix(md("How the test works."))), appendix_part(md("A finding."))
    ('method', None)
    """
    if part not in APPENDIX_PARTS:
        raise ValueError(f"appendix part must be one of {', '.join(APPENDIX_PARTS)}, not {part!r}")
    block.csp_appendix = part  # type: ignore[union-attr]
    return block


def appendix_part(block: object) -> str | None:
    """The appendix part a block was sent to by :func:`to_appendix`, or None for the main body.

    Parameters
    ----------
    block : object
        A display block.

    Returns
    -------
    str or None
    """
    part = getattr(block, "csp_appendix", None)
    return str(part) if part is not None else None


def num(v: object) -> str:
    """A whole number with thousands separators, or ``""`` when missing.

    Parameters
    ----------
    v : object
        A count (anything ``int`` accepts), or ``None``/NaN.

    Returns
    -------
    str
        E.g. ``"13,058"``; ``""`` when ``v`` is missing.

    Examples
    --------
    >>> num(13058), num(None)
    ('13,058', '')
    """
    return "" if v is None or pd.isna(v) else f"{int(v):,}"


def pct(v: object) -> str:
    """A percent change with its sign to one decimal place, or ``"n/a"`` when missing.

    Parameters
    ----------
    v : object
        A percent change (anything ``float`` accepts), or ``None``/NaN.

    Returns
    -------
    str
        E.g. ``"+4.9%"``; ``"n/a"`` when ``v`` is missing.

    Examples
    --------
    >>> pct(4.9), pct(float("nan"))
    ('+4.9%', 'n/a')
    """
    return "n/a" if v is None or pd.isna(v) else f"{float(v):+.1f}%"


def fmt(v: object, digits: int = 1) -> str:
    """A number to ``digits`` decimal places with thousands separators, ``""`` when missing.

    Parameters
    ----------
    v : object
        A number (anything ``float`` accepts), or ``None``/NaN.
    digits : int, default 1
        Decimal places.

    Returns
    -------
    str
        E.g. ``"2.26"``; ``""`` when ``v`` is missing.

    Examples
    --------
    >>> fmt(2.2588, 2), fmt(None)
    ('2.26', '')
    """
    return "" if v is None or pd.isna(v) else f"{float(v):,.{digits}f}"


def md(text: str) -> Markdown:
    """A Markdown display block in which HTML is text, never markup.

    Data values (area, category, location and note cells) are written into the report's
    sentences: ``&``, ``<`` and ``>`` are escaped, so a cell holding ``<script>`` is shown as
    those characters and never runs (the export also drops links that are not web links).

    Parameters
    ----------
    text : str
        The Markdown source.

    Returns
    -------
    IPython.display.Markdown
        The block, shown as rendered Markdown.

    Examples
    --------
    >>> md("**<script>alert(1)</script>** & <5").data
    '**&lt;script&gt;alert(1)&lt;/script&gt;** &amp; &lt;5'
    """
    return Markdown(html.escape(text, quote=False))


def table_html(df: pd.DataFrame, uid: str, bold: Mapping[str, str] | None = None) -> HTML:
    """A table without index, with a fixed id so the same inputs give the same HTML.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as shown (already formatted strings).
    uid : str
        Its id in the page.
    bold : mapping of str to str, optional
        ``{column: value}``: rows whose ``column`` equals ``value`` are bold.

    Returns
    -------
    IPython.display.HTML
    """
    styler = (
        df.style.hide(axis="index")
        .set_table_attributes('class="csp-table"')
        .set_uuid(uid)
        .format(escape="html")  # data values are text, never markup
        .format_index(escape="html", axis=1)
    )
    for column, value in (bold or {}).items():
        styler = styler.apply(
            lambda r, c=column, v=value: ["font-weight: bold" if r[c] == v else "" for _ in r],
            axis=1,
        )
    return HTML(styler.to_html())


#: Colours kept in a chart's PNG: charts use a few colours and their anti-aliased edges, so a
#: palette image looks the same at about a third of the size (the report stays light).
PNG_COLOURS = 128


def _palette_png(png: bytes) -> bytes:
    """The PNG reduced to a palette of :data:`PNG_COLOURS` colours (no dithering)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        palette = image.convert("RGB").quantize(
            colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def figure_html(fig: Figure, alt: str) -> HTML:
    """A figure as an embedded PNG ``<img>`` with alt text (for screen readers).

    The PNG is written without a "Software" stamp, so the same figure gives the same HTML,
    reduced to a palette of :data:`PNG_COLOURS` colours (a third of the size), and embedded
    as base64: the report is one self-contained file. The figure is not
    closed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart, e.g. from :mod:`csp_analysis.plots`.
    alt : str
        Alt text and caption: one or two plain sentences saying what the chart shows and its
        main point (HTML special characters are escaped).

    Returns
    -------
    IPython.display.HTML
        A ``<figure>`` with the ``<img>`` (``alt`` set, scaled to the page width) and a
        ``<figcaption>`` repeating ``alt``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> out = figure_html(Figure(figsize=(1, 1)), "Crimes <by> month")
    >>> 'alt="Crimes &lt;by&gt; month"' in out.data
    True
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(_palette_png(buf.getvalue())).decode("ascii")
    return HTML(
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
        f'style="max-width:100%"><figcaption>{html.escape(alt)}</figcaption></figure>'
    )


def short_verdict(significant: object, change: object) -> str:
    """The verdict column's words for a change and its significance.

    Parameters
    ----------
    significant : object
        Whether the change is significant (bool), or ``None``/NaN when it was not tested.
    change : object
        The change in count (its sign gives rise or fall), or NaN when not comparable.

    Returns
    -------
    str
        ``"significant rise"``, ``"significant fall"``, ``"within normal variation"`` or
        ``"not comparable"``.

    Examples
    --------
    >>> short_verdict(True, -40), short_verdict(False, 3), short_verdict(None, 3)
    ('significant fall', 'within normal variation', 'not comparable')
    """
    if significant is None or pd.isna(significant) or pd.isna(change):
        return "not comparable"
    if not bool(significant):
        return "within normal variation"
    return "significant rise" if int(change) > 0 else "significant fall"


def finding_title(change: pd.DataFrame, area: str, year: str, category: str) -> str:
    """A chart title that states the finding: the year's change and whether it is significant.

    Parameters
    ----------
    change : pandas.DataFrame
        The category table (``yoy_categories``): ``category``, ``change``, ``pct_change``,
        ``significant_fdr`` (or, in an older table, ``significant``).
    area, year : str
        The area and assessed year.
    category : str
        A report category or ``All crime``.

    Returns
    -------
    str
        E.g. ``"All crime in Elderbrook up 1.3% in 2025/26, within normal variation"`` (the
        months compared, e.g. ``"Apr 2025–Jan 2026"``, in place of the year when fewer than
        twelve were); the plain ``"<category> per month in <area>"`` where the year cannot be
        compared or the comparison is ``provisional``.

    Examples
    --------
    >>> change = pd.DataFrame({"category": ["Burglary"], "change": [-40], "pct_change": [-12.0],
    ...                        "significant": [True]})
    >>> finding_title(change, "Elderbrook", "2025/26", "Burglary")
    'Burglary in Elderbrook down 12.0% in 2025/26, a significant fall'
    >>> finding_title(change, "Elderbrook", "2025/26", "Robbery")
    'Robbery per month in Elderbrook'
    """
    plain = f"{category} per month in {area}"
    row = change[change["category"] == category] if len(change) else change
    if not len(row) or pd.isna(row["pct_change"].iloc[0]):
        return plain
    r = row.iloc[0]
    if bool(r.get("provisional", False)):
        return plain  # too few months compared: the title claims no change
    if "current_months" in r and pd.notna(r.get("months_compared")):
        if int(r["months_compared"]) not in (0, 12) and r["current_months"]:
            year = str(r["current_months"])  # name the months compared, not the whole year
    value = float(r["pct_change"])
    if pd.notna(r.get("change")) and int(r["change"]) == 0:
        return f"{category} in {area} unchanged in {year}"
    way = "up" if int(r["change"]) > 0 else "down"
    verdict = short_verdict(r.get("significant_fdr", r.get("significant")), r.get("change"))
    clause = {"not comparable": "", "within normal variation": f", {verdict}"}.get(
        verdict, f", a {verdict}"
    )
    return f"{category} in {area} {way} {abs(value):.1f}% in {year}{clause}"


def suppression_note(suppress_below: int) -> str:
    """The publishing rule for small counts, as stated in the report's method notes.

    Parameters
    ----------
    suppress_below : int
        The threshold: counts from 1 to ``suppress_below - 1`` are suppressed.

    Returns
    -------
    str
        One italic Markdown sentence pair: which counts are shown as ``<suppress_below`` in
        small-area tables (hot spots, wards, places), or that none are suppressed when the
        threshold is 1, and that locations are police.uk anonymised snap points.

    Examples
    --------
    >>> suppression_note(10)[:38]
    '_Counts of 1 to 9 are shown as <10 in '
    """
    limit = suppress_below
    small = "1" if limit == 2 else f"1 to {limit - 1}"
    rule = (
        f"Counts of {small} are shown as <{limit} in small-area tables (hot spots, wards, places)."
        if limit > 1
        else "No small counts are suppressed (threshold 1)."
    )
    return f"_{rule} Locations are police.uk anonymised snap points._"


def sentences(summary: pd.DataFrame) -> str:
    """The sentences as Markdown bullets (formatting only).

    Parameters
    ----------
    summary : pandas.DataFrame
        Rows of the ``category_summary`` table.

    Returns
    -------
    str
        One bullet per row, the category in bold.
    """
    out = []
    for cat, sentence in zip(summary["category"], summary["sentence"], strict=True):
        rest = str(sentence)[len(str(cat)) :] if str(sentence).startswith(str(cat)) else sentence
        out.append(f"- **{cat}**{rest}")
    return "\n".join(out)


def per_month(category: str) -> str:
    """The y-axis label of a monthly chart: ``"Incidents a month"`` for ASB, else
    ``"Crimes a month"``.

    Parameters
    ----------
    category : str
        A report category, ``All crime`` or ``Anti-social behaviour``.

    Returns
    -------
    str
    """
    return "Incidents a month" if category == "Anti-social behaviour" else "Crimes a month"


def change_subtitle(change: pd.DataFrame, category: str) -> str | None:
    """The statistic behind a chart title about a category's change, in one line.

    Parameters
    ----------
    change : pandas.DataFrame
        The ``yoy_categories`` table (``p_value``, ``q_value``, ``rate_ratio``, ``rr_lower``,
        ``rr_upper``, ``provisional``).
    category : str
        The category.

    Returns
    -------
    str or None
        E.g. ``"Exact Poisson test: p = 0.010, q = 0.070 over the categories; rate ratio 1.14
        (interval 1.03 to 1.26)"``; ``None`` without a tested, non-provisional change.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Burglary"], "p_value": [0.0004], "q_value": [None],
    ...     "rate_ratio": [0.9], "rr_lower": [0.85], "rr_upper": [0.95], "provisional": [False]})
    >>> change_subtitle(t, "Burglary")
    'Exact Poisson test: p < 0.001; rate ratio 0.90 (interval 0.85 to 0.95)'
    """
    if not len(change) or "p_value" not in change.columns:
        return None
    rows = change[change["category"] == category]
    if not len(rows) or pd.isna(rows["p_value"].iloc[0]):
        return None
    r = rows.iloc[0]
    if bool(r.get("provisional", False)):
        return None

    def p_text(name: str, v: float) -> str:
        return f"{name} < 0.001" if v < 0.001 else f"{name} = {v:.3f}"

    text = "Exact Poisson test: " + p_text("p", float(r["p_value"]))
    q = r.get("q_value")
    if q is not None and pd.notna(q):
        text += ", " + p_text("q", float(q)) + " over the categories"
    if pd.notna(r.get("rate_ratio")) and pd.notna(r.get("rr_lower")):
        text += (
            f"; rate ratio {float(r['rate_ratio']):.2f} "
            f"(interval {float(r['rr_lower']):.2f} to {float(r['rr_upper']):.2f})"
        )
    return text
