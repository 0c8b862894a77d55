"""Sortable, filterable tables that work offline: in JupyterLab and in the exported HTML report.

:func:`sortable_table` turns a DataFrame into an HTML table with a small inline script (plain
JavaScript, nothing loaded from the network): click a column heading to sort by it (again to
reverse), type in the box above the table to show only the rows that contain the text. Without
scripts (an untrusted notebook, a sanitising viewer) the same markup is an ordinary static table.

The markup is the same for the same input, so an exported report stays byte-identical between
runs. JupyterLab runs the script in trusted output (the output of cells run in the session);
nbconvert's HTML export keeps it as it is.
"""

from __future__ import annotations

import hashlib
import html
import math
import numbers
import re

import numpy as np
import pandas as pd
from IPython.display import HTML
from pandas.api.types import is_bool_dtype, is_complex_dtype, is_numeric_dtype

__all__ = ["EN_DASH", "sortable_table"]

#: What a missing value is shown as (it always sorts last).
EN_DASH = "\u2013"

#: Most decimal places shown for a float column.
MAX_DECIMALS = 4

_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

_CSS = """\
#{tid} .csp-sortable-controls {{ margin: 0 0 0.5em; }}
#{tid} .csp-sortable-controls[hidden], #{tid} tr[hidden] {{ display: none; }}
#{tid} .csp-sortable-count {{ margin-left: 0.75em; color: #505a5f; }}
#{tid} .num {{ text-align: right; font-variant-numeric: tabular-nums; }}
#{tid} .csp-missing {{ color: #505a5f; }}
#{tid} th button {{ font: inherit; color: inherit; background: none; border: 0; padding: 0;
  cursor: pointer; text-align: inherit; }}
#{tid} th button:focus-visible {{ outline: 3px solid #ffdd00; outline-offset: 1px; }}
#{tid} th .csp-sort-icon::after {{ content: "\\00a0\\21c5"; opacity: 0.45; }}
#{tid} th[aria-sort="ascending"] .csp-sort-icon::after {{ content: "\\00a0\\25b2"; opacity: 1; }}
#{tid} th[aria-sort="descending"] .csp-sort-icon::after {{ content: "\\00a0\\25bc"; opacity: 1; }}
@media print {{ #{tid} .csp-sortable-controls, #{tid} .csp-sort-icon {{ display: none; }} }}
"""

# The script finds its table through its own parent element (document.currentScript), so two
# identical tables on one page each get their own controls; the id is the fallback. It runs once
# per table (data-ready) and touches nothing outside it.
_SCRIPT = """\
(function () {
  "use strict";
  var me = document.currentScript;
  var root = me && me.parentElement;
  if (!root || !root.classList || !root.classList.contains("csp-sortable")) {
    root = document.getElementById("%(tid)s");
  }
  if (!root || root.getAttribute("data-ready") === "1") { return; }
  root.setAttribute("data-ready", "1");
  var table = root.querySelector("table");
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var rows = Array.prototype.slice.call(body.rows);
  var texts = rows.map(function (row) {
    return Array.prototype.map.call(row.cells, function (c) {
      return c.textContent;
    }).join("\\t").toLowerCase();
  });
  var collator = (typeof Intl !== "undefined" && Intl.Collator)
    ? new Intl.Collator(undefined, {numeric: true, sensitivity: "base"}) : null;
  function key(cell, numeric) {
    var value = cell.getAttribute("data-sort");
    if (value === null) { value = cell.textContent; }
    if (value === "") { return null; }
    if (numeric) {
      var n = Number(value);
      return isNaN(n) ? null : n;
    }
    return value;
  }
  function compare(a, b, numeric) {
    if (!numeric && collator) { return collator.compare(a, b); }
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  function sortBy(col) {
    var th = heads[col];
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var numeric = th.getAttribute("data-type") === "num";
    var sign = dir === "ascending" ? 1 : -1;
    var items = rows.map(function (row, i) {
      return {row: row, i: i, k: key(row.cells[col], numeric)};
    });
    items.sort(function (a, b) {
      if (a.k === null || b.k === null) {
        if (a.k === b.k) { return a.i - b.i; }
        return a.k === null ? 1 : -1;
      }
      var c = compare(a.k, b.k, numeric);
      return c !== 0 ? sign * c : a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    items.forEach(function (item) { frag.appendChild(item.row); });
    body.appendChild(frag);
    for (var j = 0; j < heads.length; j++) {
      if (j !== col) { heads[j].removeAttribute("aria-sort"); }
    }
    th.setAttribute("aria-sort", dir);
  }
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    var icon = document.createElement("span");
    icon.className = "csp-sort-icon";
    icon.setAttribute("aria-hidden", "true");
    button.appendChild(icon);
    button.addEventListener("click", function () { sortBy(col); });
    th.appendChild(button);
  });
  var controls = root.querySelector(".csp-sortable-controls");
  var input = controls.querySelector("input");
  var count = controls.querySelector(".csp-sortable-count");
  function filter() {
    var terms = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " rows shown";
  }
  input.addEventListener("input", filter);
  controls.hidden = false;
  filter();
})();
"""


def _missing(value: object) -> bool:
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return bool(result) if isinstance(result, bool | np.bool_) else False


def _label(column: object) -> str:
    if isinstance(column, tuple):
        return " / ".join(str(c) for c in column if str(c) != "")
    return str(column)


def _decimals(values: list[float]) -> int:
    most = 0
    for v in values:
        if math.isfinite(v):
            frac = f"{abs(v):.{MAX_DECIMALS}f}".rstrip("0").partition(".")[2]
            most = max(most, len(frac))
    return most


def _number_cells(values: list[object]) -> list[tuple[str, str]]:
    """``(text, sort key)`` of each value of a numeric column; ``("", "")`` when missing."""
    present = [v for v in values if not _missing(v)]
    integral = all(isinstance(v, numbers.Integral) for v in present)
    places = 0 if integral else _decimals([float(v) for v in present])  # type: ignore[arg-type]
    out = []
    for v in values:
        if _missing(v):
            out.append(("", ""))
        elif integral:
            out.append((f"{int(v):,}", str(int(v))))  # type: ignore[call-overload]
        else:
            x = float(v)  # type: ignore[arg-type]
            if math.isinf(x):
                out.append(
                    ("\u221e" if x > 0 else "\u2212\u221e", "Infinity" if x > 0 else "-Infinity")
                )
            else:
                text = f"{x:,.{places}f}"
                if x != 0 and float(text.replace(",", "")) == 0:
                    text = f"{x:.3g}"  # too small for the column's decimals: never show 0
                out.append((text, repr(x)))
    return out


def _table_html(df: pd.DataFrame, caption: str | None, note: str) -> str:
    heads: list[str] = []
    columns: list[list[str]] = []
    for j in range(df.shape[1]):
        series = df.iloc[:, j]
        name = html.escape(_label(df.columns[j]))
        values = series.tolist()
        numeric = (
            is_numeric_dtype(series.dtype)
            and not is_bool_dtype(series.dtype)
            and not is_complex_dtype(series.dtype)
        )
        if numeric:
            heads.append(f'<th scope="col" class="num" data-type="num">{name}</th>')
            cells = [
                f'<td class="num csp-missing" data-sort="">{EN_DASH}</td>'
                if not key
                else f'<td class="num" data-sort="{key}">{text}</td>'
                for text, key in _number_cells(values)
            ]
        else:
            heads.append(f'<th scope="col" data-type="text">{name}</th>')
            cells = [
                f'<td class="csp-missing" data-sort="">{EN_DASH}</td>'
                if _missing(v)
                else f"<td>{html.escape(str(v))}</td>"
                for v in values
            ]
        columns.append(cells)
    body = "\n".join("<tr>" + "".join(col[i] for col in columns) + "</tr>" for i in range(len(df)))
    parts = ['<table class="csp-table csp-sortable-table">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts += [
        "<thead><tr>" + "".join(heads) + "</tr></thead>",
        "<tbody>",
        body,
        "</tbody>",
        "</table>",
    ]
    if note:
        parts.append(f'<p class="csp-sortable-note">{html.escape(note)}</p>')
    return "\n".join(p for p in parts if p)


def sortable_table(
    df: pd.DataFrame,
    caption: str | None = None,
    *,
    max_rows: int | None = 500,
    table_id: str | None = None,
) -> HTML:
    """An HTML table that sorts by a click on a column heading and filters by typed text.

    Works offline: the few lines of JavaScript are inline, nothing is loaded from the network,
    so it works in JupyterLab (trusted output) and in the HTML that nbconvert exports. Each
    heading becomes a button (keyboard: Tab, then Enter or Space): the first click sorts
    ascending, the next descending, and the heading's ``aria-sort`` says which. Numeric columns
    sort as numbers and are right-aligned; text sorts in natural order (``"Area 2"`` before
    ``"Area 10"``). Missing values are shown as an en dash and always sort last. The box above
    the table hides rows that do not contain every word typed (any case). Without JavaScript
    the table is a plain static table and the box is not shown.

    Parameters
    ----------
    df : pandas.DataFrame
        The table. An unnamed index is left out; a named index (e.g. from ``groupby``) is shown
        as leading columns. Floats show the decimals they need, at most four and the same in a
        column: format the column as text beforehand for anything else.
    caption : str, optional
        A caption above the table (read out by screen readers as its name).
    max_rows : int or None, default 500
        Most rows shown; the first ``max_rows`` are kept and a note gives the total. ``None``
        shows every row (a long table is slow to sort in the browser and makes a large page).
    table_id : str, optional
        The ``id`` of the table's wrapper (a letter, then letters, digits, ``-`` or ``_``). By
        default ``csp-sortable-`` and 12 hex digits of a hash of the content, so the same input
        gives the same HTML, byte for byte.

    Returns
    -------
    IPython.display.HTML
        Displayed as the table in JupyterLab; the markup is its ``data`` attribute.

    Raises
    ------
    TypeError
        ``df`` is not a DataFrame.
    ValueError
        ``max_rows`` is not a positive whole number, or ``table_id`` is not a valid id.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["Elderbrook", "<script>x</script>"], "count": [12, None]})
    >>> table = sortable_table(df, "Crimes by area")
    >>> "&lt;script&gt;x&lt;/script&gt;" in table.data, "<td>Elderbrook</td>" in table.data
    (True, True)
    >>> '<td class="num csp-missing" data-sort="">\u2013</td>' in table.data
    True
    >>> sortable_table(df, "Crimes by area").data == table.data  # deterministic
    True
    >>> sortable_table(df, table_id="crimes").data.splitlines()[0]
    '<div class="csp-sortable" id="crimes">'
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"sortable_table needs a pandas DataFrame, not {type(df).__name__}")
    if max_rows is not None and (
        isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1
    ):
        raise ValueError(f"max_rows must be a whole number of at least 1 or None, not {max_rows!r}")
    if table_id is not None and not _ID_RE.fullmatch(str(table_id)):
        raise ValueError(
            f"table_id must start with a letter and hold only letters, digits, '-' and '_': "
            f"{table_id!r}"
        )
    if any(name is not None for name in df.index.names):
        df = df.reset_index()
    total = len(df)
    note = ""
    if max_rows is not None and total > max_rows:
        df = df.iloc[:max_rows]
        note = (
            f"Showing the first {max_rows:,} of {total:,} rows; sorting and filtering apply "
            "to these rows only."
        )
    table = _table_html(df, caption, note)
    tid = table_id or "csp-sortable-" + hashlib.sha256(table.encode("utf-8")).hexdigest()[:12]
    controls = (
        '<div class="csp-sortable-controls" hidden>'
        f'<label for="{tid}-filter">Filter rows </label>'
        f'<input type="search" id="{tid}-filter" autocomplete="off" spellcheck="false">'
        '<span class="csp-sortable-count" role="status" aria-live="polite"></span>'
        "</div>"
    )
    markup = "\n".join(
        [
            f'<div class="csp-sortable" id="{tid}">',
            "<style>",
            _CSS.format(tid=tid).rstrip("\n"),
            "</style>",
            controls,
            table,
            "<script>",
            (_SCRIPT % {"tid": tid}).rstrip("\n"),
            "</script>",
            "</div>",
        ]
    )
    return HTML(markup)
