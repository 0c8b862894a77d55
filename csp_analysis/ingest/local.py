"""The partnership's own tables: survey, plan, peers, risk scores, indicators, ward lookup,
and the declarations of its own categories (``categories.csv``) and themes (``themes.csv``).

Each table is kept with normalised column names, the ``source`` file and each row's ``line``
(the analysis that uses it reads it from :attr:`csp_analysis.model.Dataset.tables`). Every row
is checked as it is read: a row that breaks a rule (a survey count above its respondents, a
plan status that is not a rating, a risk score outside 1 to 5, ...) is rejected with its file,
line, column and reason, like a count row, and is not in the table. The first rule a row
breaks is its reason. Whole-table requirements (a column the analysis needs, at least one row)
stay with the analysis, which also checks its arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from csp_analysis.categories import DECLARED_KINDS, THEME_FIELDS
from csp_analysis.ingest.base import (
    AMBIGUOUS_NUMBER,
    FileResult,
    Header,
    marked_synthetic,
    norm,
    number_text,
)

#: The columns that make a header each local table (normalised names).
TABLE_COLUMNS = {
    "survey": {"concern", "respondents", "count"},
    "plan": {"priority", "activity", "status"},
    "peers": {"area", "peer"},
    "risk_scores": {"category", "factor", "score"},
    "indicators": {"area", "indicator", "value"},
    "ward_lookup": {"lsoa", "ward"},
    "categories": {"category", "kind"},
    "themes": {"theme", "field", "value"},
    "candidates": {"candidate"},
}
#: ONS lookups name the columns by year, e.g. LSOA21CD and WD24NM.
ONS_WARD_LOOKUP = (re.compile(r"^lsoa\d{2}cd$"), re.compile(r"^wd\d{2}nm$"))

# The plan's status rule (as :func:`csp_analysis.statistics.plan.parse_status`, which ingest,
# a lower layer, cannot import; tests/test_ingest_local.py checks that the two agree).
_RAG = {"red", "amber", "green"}
_COMPLETE = {"complete", "completed", "done"}
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%?$")


def _has(name: str) -> Callable[[Header], bool]:
    def recognise(header: Header) -> bool:
        return TABLE_COLUMNS[name] <= header.cols

    recognise.__name__ = f"is_{name}"
    columns = ", ".join(sorted(TABLE_COLUMNS[name]))
    recognise.__doc__ = f"""A {name.replace("_", " ")} table: {columns}.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header has every one of these columns.
    """
    return recognise


is_survey = _has("survey")
is_plan = _has("plan")
is_peers = _has("peers")
is_risk_scores = _has("risk_scores")
is_indicators = _has("indicators")
is_categories = _has("categories")
is_themes = _has("themes")
is_candidates = _has("candidates")


def is_ward_lookup(header: Header) -> bool:
    """An LSOA to ward lookup: ``lsoa, ward`` or the ONS columns (``LSOA21CD``, ``WD24NM``).

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.

    Examples
    --------
    >>> is_ward_lookup(Header.of(["LSOA21CD", "LSOA21NM", "WD24CD", "WD24NM"]))
    True
    """
    if TABLE_COLUMNS["ward_lookup"] <= header.cols:
        return True
    return all(any(rx.match(c) for c in header.cols) for rx in ONS_WARD_LOOKUP)


def status_problem(text: object) -> str | None:
    """Why a plan status cell is not a status, or ``None`` when it is one.

    A status is a RAG rating (Red, Amber, Green), Complete (Completed, Done) or a percentage
    from 0% to 100%, in any case and spacing.

    Parameters
    ----------
    text : object
        The cell.

    Returns
    -------
    str or None

    Examples
    --------
    >>> status_problem(" amber "), status_problem("75%")
    (None, None)
    >>> status_problem("120%")
    '120% is more than 100%'
    """
    key = re.sub(r"\s+", " ", str(text)).strip().casefold()
    if key in _COMPLETE or key in _RAG:
        return None
    m = _PERCENT.match(key)
    if m:
        value = float(m.group(1))
        return f"{value:g}% is more than 100%" if value > 100 else None
    return f"status '{text}' is not Red, Amber, Green, Complete or a percentage such as 75%"


class _Rows:
    """A local table being checked: rejected rows are accounted on the result as found."""

    def __init__(self, table: pd.DataFrame, res: FileResult, written: dict[str, str]) -> None:
        self.table = table
        self.res = res
        self.written = written
        self.bad = np.zeros(len(table), dtype=bool)
        self.lines = pd.Series(table["line"].to_numpy(), index=table.index)

    def text(self, column: str) -> pd.Series:
        """A column's cells stripped, missing as the empty string."""
        return self.table[column].astype("string").str.strip().fillna("")

    def reject(self, mask: pd.Series | np.ndarray, column: str | None, message: str) -> None:
        """Reject the rows under ``mask`` not already rejected, for one reason."""
        m = np.asarray(pd.Series(np.asarray(mask)).fillna(False), dtype=bool) & ~self.bad
        name = self.written.get(column, column) if column else None
        self.res.reject(pd.Series(m, index=self.table.index), self.lines, name, message)
        self.bad |= m

    def reject_each(
        self, mask: pd.Series | np.ndarray, column: str, message: Callable[[int], str]
    ) -> None:
        """Reject each row under ``mask`` with its own message (``message(position)``)."""
        m = np.asarray(pd.Series(np.asarray(mask)).fillna(False), dtype=bool) & ~self.bad
        for pos in np.flatnonzero(m):
            one = np.zeros(len(m), dtype=bool)
            one[pos] = True
            self.reject(one, column, message(int(pos)))

    def blank(self, *columns: str) -> None:
        """Reject rows with a blank cell in any of ``columns``."""
        for c in columns:
            self.reject(self.text(c) == "", c, f"blank {c}")

    def whole_numbers(self, column: str, what: str = "people") -> pd.Series:
        """Reject rows whose cell is not a whole number from 0; the numbers (NaN where not)."""
        cells, ambiguous = number_text(self.text(column))  # "2.000" is never 2
        nums = pd.to_numeric(cells.where((cells != "") & ~ambiguous), errors="coerce")
        nums = nums.astype("float64")
        raw = self.table[column]
        self.reject(cells == "", column, "blank value: a number is required")
        self.reject_each(
            ambiguous.to_numpy(), column, lambda p: f"'{raw.iloc[p]}' {AMBIGUOUS_NUMBER}"
        )
        self.reject_each(
            nums.isna().to_numpy(), column, lambda p: f"'{raw.iloc[p]}' is not a number"
        )
        self.reject_each(
            (nums < 0).to_numpy(), column, lambda p: f"negative value {nums.iloc[p]:g}"
        )
        fraction = (nums != nums.round()) | ~np.isfinite(nums)
        self.reject_each(
            fraction.fillna(False).to_numpy(),
            column,
            lambda p: f"{nums.iloc[p]:g} is not a whole number of {what}",
        )
        return nums

    def repeats(self, keys: list[str], column: str, message: Callable[[int, int], str]) -> None:
        """Reject rows whose ``keys`` (compared ignoring case and spacing) an earlier kept row
        gave; ``message(position, first line)``."""
        key = pd.DataFrame(
            {k: self.text(k).str.replace(r"\s+", " ", regex=True).str.casefold() for k in keys}
        )
        kept = key[~self.bad]
        dup = kept.duplicated(keep="first")
        if not dup.any():
            return
        first = kept[~dup].assign(_line=self.lines[~self.bad][~dup.to_numpy()].to_numpy())
        hit = key.merge(first, on=keys, how="left")["_line"].to_numpy()
        mask = np.zeros(len(key), dtype=bool)
        mask[np.flatnonzero(~self.bad)[dup.to_numpy()]] = True
        self.reject_each(mask, column, lambda p: message(p, int(hit[p])))


def _check_survey(rows: _Rows) -> None:
    t = rows.table
    rows.blank("concern")
    if "period" in t.columns:
        rows.blank("period")
    n = rows.whole_numbers("respondents")
    x = rows.whole_numbers("count")
    rows.reject(n == 0, "respondents", "respondents must be more than 0")
    rows.reject_each(
        (x > n).fillna(False).to_numpy(),
        "count",
        lambda p: f"count {x.iloc[p]:g} is more than the {n.iloc[p]:g} respondents",
    )
    keys = [k for k in ("area", "period") if k in t.columns] + ["concern"]

    def twice(p: int, first: int) -> str:
        where = f" in period {rows.text('period').iloc[p]}" if "period" in t.columns else ""
        return (
            f"concern '{rows.text('concern').iloc[p]}' appears twice{where} (first at line {first})"
        )

    rows.repeats(keys, "concern", twice)


def _check_plan(rows: _Rows) -> None:
    rows.blank("priority", "activity", "status")
    status = rows.text("status")
    problems = status.map(status_problem)
    rows.reject_each(problems.notna().to_numpy(), "status", lambda p: str(problems.iloc[p]))


def _check_peers(rows: _Rows) -> None:
    rows.blank("area", "peer")
    area, peer = rows.text("area"), rows.text("peer")
    rows.reject_each(
        (area.str.casefold() == peer.str.casefold()).to_numpy(),
        "peer",
        lambda p: f"'{area.iloc[p]}' is listed as its own peer",
    )


def _check_risk_scores(rows: _Rows) -> None:
    rows.blank("category", "factor")
    cells = rows.text("score")
    score = pd.to_numeric(cells.where(cells != ""), errors="coerce")
    out = ~((score >= 1) & (score <= 5)).fillna(False)
    rows.reject_each(
        out.to_numpy(), "score", lambda p: f"score '{cells.iloc[p]}' is not a number from 1 to 5"
    )
    keys = [k for k in ("area",) if k in rows.table.columns] + ["category", "factor"]
    rows.repeats(
        keys,
        "factor",
        lambda p, first: (
            f"{rows.text('category').iloc[p]} / {rows.text('factor').iloc[p]} is scored twice "
            f"(first at line {first})"
        ),
    )


def _check_indicators(rows: _Rows) -> None:
    rows.blank("area", "indicator")
    cells = rows.text("value").str.replace(",", "", regex=False)
    value = pd.to_numeric(cells.where(cells != ""), errors="coerce").astype("float64")
    bad = ~np.isfinite(value.fillna(np.nan).to_numpy(dtype=float))
    rows.reject_each(bad, "value", lambda p: f"indicator value '{cells.iloc[p]}' is not a number")
    rows.repeats(
        ["area", "indicator"],
        "indicator",
        lambda p, first: (
            f"indicator '{rows.text('indicator').iloc[p]}' given twice for "
            f"'{rows.text('area').iloc[p]}' (first at line {first})"
        ),
    )


def _check_ward_lookup(rows: _Rows) -> None:
    rows.blank("lsoa", "ward")


def _check_categories(rows: _Rows) -> None:
    rows.blank("category", "kind")
    kind = rows.text("kind").str.casefold()
    rows.reject_each(
        (~kind.isin(DECLARED_KINDS)).to_numpy(),
        "kind",
        lambda p: f"kind '{rows.text('kind').iloc[p]}' is not one of {', '.join(DECLARED_KINDS)}",
    )
    if "order" in rows.table.columns:
        cells = rows.text("order")
        order = pd.to_numeric(cells.where(cells != ""), errors="coerce")
        rows.reject_each(
            (order.isna() & (cells != "")).to_numpy(),
            "order",
            lambda p: f"order '{cells.iloc[p]}' is not a number",
        )
    rows.repeats(
        ["category"],
        "category",
        lambda p, first: (
            f"category '{rows.text('category').iloc[p]}' declared twice (first at line {first})"
        ),
    )


def _check_themes(rows: _Rows) -> None:
    rows.blank("theme", "field", "value")
    field = rows.text("field").str.casefold().str.replace(r"[\s-]+", "_", regex=True)
    rows.reject_each(
        (~field.isin(THEME_FIELDS)).to_numpy(),
        "field",
        lambda p: f"field '{rows.text('field').iloc[p]}' is not one of {', '.join(THEME_FIELDS)}",
    )
    rows.repeats(
        ["theme", "field", "value"],
        "value",
        lambda p, first: f"the same theme line given twice (first at line {first})",
    )


def _check_candidates(rows: _Rows) -> None:
    rows.blank("candidate")
    keys = [k for k in ("area",) if k in rows.table.columns] + ["candidate"]
    rows.repeats(
        keys,
        "candidate",
        lambda p, first: (
            f"'{rows.text('candidate').iloc[p]}' is named twice (first at line {first})"
        ),
    )


_CHECKS: dict[str, Callable[[_Rows], None]] = {
    "candidates": _check_candidates,
    "categories": _check_categories,
    "themes": _check_themes,
    "survey": _check_survey,
    "plan": _check_plan,
    "peers": _check_peers,
    "risk_scores": _check_risk_scores,
    "indicators": _check_indicators,
    "ward_lookup": _check_ward_lookup,
}


def read_local_table(df: pd.DataFrame, res: FileResult) -> None:
    """Keep a local table (``res.layout`` names it), its rows checked.

    Parameters
    ----------
    df : pandas.DataFrame
        The file's cells, indexed by line number.
    res : FileResult
        Filled in place: ``tables[res.layout]`` with normalised column names plus ``source``
        and ``line`` (the rows kept), ``synthetic`` and the row accounting, each rejected row
        a problem naming its line, column (as written in the file) and reason.

    Notes
    -----
    The checks, each row rejected for the first that applies:

    - survey: blank concern or period; respondents or count blank, not a number, negative or
      fractional; no respondents; a count above the respondents; the same concern twice (in
      one period and area, ignoring case and spacing);
    - plan: blank priority, activity or status; a status that is not Red, Amber, Green,
      Complete or a percentage from 0% to 100%;
    - peers: blank area or peer; an area listed as its own peer;
    - risk scores: blank category or factor; a score that is not a number from 1 to 5; the
      same category and factor twice (in one area);
    - indicators: blank area or indicator; a value that is not a number; the same indicator
      twice for one area;
    - ward lookup: blank LSOA or ward.
    """
    res.rows_read = len(df)
    written = {norm(c): str(c) for c in df.columns}
    table = df.rename(columns={c: norm(c) for c in df.columns}).astype("string")
    table.insert(0, "line", pd.Series(df.index, index=df.index, dtype="int64"))
    table.insert(0, "source", res.source)
    if res.layout == "ward_lookup" and "lsoa" not in table.columns:
        lsoa = next(c for c in table.columns if ONS_WARD_LOOKUP[0].match(c))
        ward = next(c for c in table.columns if ONS_WARD_LOOKUP[1].match(c))
        written |= {"lsoa": written[lsoa], "ward": written[ward]}
        table = table.rename(columns={lsoa: "lsoa", ward: "ward"})
    if "note" in table.columns:
        res.synthetic = marked_synthetic(table["note"])
    table = table.reset_index(drop=True)
    rows = _Rows(table, res, written)
    _CHECKS[res.layout](rows)
    res.rows_used = res.rows_read - res.rows_rejected
    res.tables[res.layout] = table[~rows.bad].reset_index(drop=True)
