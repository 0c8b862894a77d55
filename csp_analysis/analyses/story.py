"""One reconciled sentence per category: the change, the force, the trend and the unusual months.

Each part is read from a table another section already published (nothing is tested again),
so the sentence cannot disagree with the category table, the trend table or the control
charts: "Anti-social behaviour rose 12.0% (+298), a significant rise; no significant trend
over 4 years (2022/23 to 2025/26); 7 months outside the usual pattern in 2025/26 (6 above the
usual level)."
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from csp_analysis.categories import ALL_CRIME, ASB

__all__ = ["SUMMARY_COLUMNS", "category_summary", "ranked"]

#: The columns of the ``category_summary`` table, in order.
SUMMARY_COLUMNS = [
    "category",
    "sentence",
    "parts",
    "change_verdict",
    "force",
    "trend_verdict",
    "unusual_months",
    "importance",
]


def _flag(value: object) -> bool | None:
    """A published boolean cell as ``True``/``False``, or ``None`` when it is missing."""
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return bool(value)


def _change_part(r: pd.Series) -> tuple[str, str]:
    """The change clause and its verdict word, from one row of ``yoy_categories``."""
    if pd.isna(r["previous"]) or pd.isna(r["current"]):
        return "no comparison year", "no comparison"
    if bool(r.get("provisional", False)):
        return (
            f"{int(r['current']):,} against {int(r['previous']):,} on only "
            f"{int(r['months_compared'])} months present in both periods (provisional, no "
            "verdict)",
            "provisional",
        )
    diff = int(r["change"])
    pct = r["pct_change"]
    pct_txt = "" if pd.isna(pct) else f"{abs(pct):.1f}% "
    if diff == 0:
        words = "was unchanged"
    else:
        words = f"{'rose' if diff > 0 else 'fell'} {pct_txt}({diff:+,})"
    fdr = _flag(r.get("significant_fdr"))
    alone = _flag(r.get("significant"))
    sig = fdr if fdr is not None else alone
    if sig is None:
        return words, "not tested"
    if sig and diff != 0:
        way = "rise" if diff > 0 else "fall"
        return f"{words}, a significant {way}", f"significant {way}"
    if alone and fdr is False:
        return (
            f"{words}, within normal variation once the number of categories tested is allowed for",
            "within normal variation",
        )
    return f"{words}, within normal variation", "within normal variation"


def _trend_part(t: pd.Series | None, change_verdict: str) -> tuple[str, str]:
    """The trend clause and its verdict, from one row of ``trends`` (seasonal test first)."""
    if t is None:
        return "", ""
    seasonal = t.get("seasonal_direction")
    if (
        isinstance(seasonal, str)
        and seasonal in ("increasing", "decreasing")
        and _flag(t.get("seasonal_significant_fdr"))
    ):
        direction, span = seasonal, f"{int(t['seasonal_months'])} months"
    elif t.get("direction") in ("increasing", "decreasing") and _flag(t.get("significant_fdr")):
        direction, span = str(t["direction"]), f"{int(t['periods'])} years"
    else:
        years = f"{int(t['periods'])} years" if pd.notna(t.get("periods")) else "the years"
        return (
            f"no significant trend over {years} ({t['first_period']} to {t['last_period']})",
            "no significant trend",
        )
    text = (
        f"a significant {direction} trend over {span} ({t['first_period']} to {t['last_period']})"
    )
    opposite = (change_verdict == "significant rise" and direction == "decreasing") or (
        change_verdict == "significant fall" and direction == "increasing"
    )
    if opposite:
        text = f"against {text}"
    return text, f"significant {direction} trend"


def _unusual_part(rows: pd.DataFrame, label: str) -> tuple[str, int | None]:
    """The unusual-months clause and the number of months, from ``spc_signals`` rows of the
    period (one category)."""
    if not len(rows):
        return "", None
    flagged = rows[rows["signal"].fillna("").astype(str) != ""]
    n = len(flagged)
    if not n:
        return f"no month outside the usual pattern in {label}", 0
    value = flagged["value"] if "value" in flagged.columns else flagged["count"]
    above = int((value.astype(float) > flagged["mean"].astype(float)).sum())
    below = n - above
    sides = [f"{k} {w}" for k, w in ((above, "above"), (below, "below")) if k]
    sides[-1] += " the usual level"
    return (
        f"{n} month{'s' if n != 1 else ''} outside the usual pattern in {label} "
        f"({', '.join(sides)})",
        n,
    )


def category_summary(
    change: pd.DataFrame,
    *,
    area: str,
    period_label: str,
    period_months: Sequence[str],
    districts: pd.DataFrame | None = None,
    trends: pd.DataFrame | None = None,
    spc: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One sentence per category joining its change, the force's change, its trend over the
    years and its unusual months, read from the published tables.

    Parameters
    ----------
    change : pandas.DataFrame
        The ``yoy_categories`` table (category, previous, current, change, pct_change,
        significant, significant_fdr, provisional, months_compared, kind).
    area : str
        The partnership area (its row of ``districts`` gives the force comparison).
    period_label : str
        The assessed period in words (``"2025/26"``).
    period_months : sequence of str
        The months (``YYYY-MM``) of the assessed period: only their control-chart signals
        count as the period's unusual months.
    districts : pandas.DataFrame, optional
        The ``district_change`` table; its ``vs_force`` words are used for All crime when the
        area's row has the same two counts as the category table.
    trends : pandas.DataFrame, optional
        The ``trends`` table (direction, significant_fdr, seasonal_direction,
        seasonal_significant_fdr, periods, seasonal_months, first_period, last_period).
    spc : pandas.DataFrame, optional
        The ``spc_signals`` table (category, month, signal, value, mean).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per category of ``change`` in its order:
        the sentence; ``parts``, the sources it joins (``"change, force, trend, unusual
        months"``); ``change_verdict`` (``"significant rise"``, ``"significant fall"``,
        ``"within normal variation"``, ``"provisional"``, ``"no comparison"`` or ``"not
        tested"``); ``force`` (the ``vs_force`` words or missing); ``trend_verdict``
        (``"significant increasing trend"``, ``"significant decreasing trend"``, ``"no
        significant trend"`` or empty without a trend row); ``unusual_months`` (missing
        without a control chart); ``importance`` (3 for a significant change, 2 for a
        significant trend, 1 for two or more unusual months, summed; All crime and ASB first
        among equals), used to rank the key findings.

    Examples
    --------
    >>> yoy = pd.DataFrame({"category": ["Robbery"], "previous": [116], "current": [144],
    ...     "change": [28], "pct_change": [24.1], "significant": [False],
    ...     "significant_fdr": [False], "provisional": [False], "months_compared": [12]})
    >>> category_summary(yoy, area="A", period_label="2025/26", period_months=[])["sentence"][0]
    'Robbery rose 24.1% (+28), within normal variation.'
    """
    months = set(period_months)
    trend_rows = (
        {str(c): r for c, r in trends.set_index("category").iterrows()}
        if trends is not None and len(trends)
        else {}
    )
    spc_in = (
        spc[spc["month"].astype(str).isin(months)]
        if spc is not None and len(spc)
        else pd.DataFrame(columns=["category", "month", "signal", "mean"])
    )
    force_words = None
    if districts is not None and len(districts) and "vs_force" in districts.columns:
        own = districts[districts["area"].astype(str).str.casefold() == area.casefold()]
        all_crime = change[change["category"] == ALL_CRIME]
        if (
            len(own)
            and len(all_crime)
            and pd.notna(own["vs_force"].iloc[0])
            and str(own["vs_force"].iloc[0])
            and own["previous"].iloc[0] == all_crime["previous"].iloc[0]
            and own["current"].iloc[0] == all_crime["current"].iloc[0]
        ):
            force_words = str(own["vs_force"].iloc[0])
    rows = []
    for _, r in change.iterrows():
        cat = str(r["category"])
        change_text, verdict = _change_part(r)
        parts, clauses = ["change"], [f"{cat} {change_text}"]
        force = force_words if cat == ALL_CRIME and verdict not in ("provisional",) else None
        if force and verdict != "no comparison":
            parts.append("force")
            clauses[0] += f", {force}"
        trend_text, trend_verdict = _trend_part(trend_rows.get(cat), verdict)
        if trend_text:
            parts.append("trend")
            clauses.append(trend_text)
        unusual_text, unusual = _unusual_part(spc_in[spc_in["category"] == cat], period_label)
        if unusual_text:
            parts.append("unusual months")
            clauses.append(unusual_text)
        importance = (
            3 * verdict.startswith("significant")
            + 2 * trend_verdict.startswith("significant")
            + (1 if unusual is not None and unusual >= 2 else 0)
        )
        rows.append(
            {
                "category": cat,
                "sentence": "; ".join(clauses) + ".",
                "parts": ", ".join(parts),
                "change_verdict": verdict,
                "force": force if force and verdict != "no comparison" else pd.NA,
                "trend_verdict": trend_verdict,
                "unusual_months": unusual,
                "importance": importance,
            }
        )
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out["unusual_months"] = out["unusual_months"].astype("Int64")
    out["importance"] = out["importance"].astype("int64")
    return out


def ranked(summary: pd.DataFrame) -> pd.DataFrame:
    """The categories worth a key finding, most important first.

    Parameters
    ----------
    summary : pandas.DataFrame
        The table of :func:`category_summary`.

    Returns
    -------
    pandas.DataFrame
        Rows with ``importance`` above 0, by importance (All crime, then ASB, first among
        equals; then the most unusual months; otherwise the table's order).
    """
    if not len(summary):
        return summary
    key = summary["category"].map({ALL_CRIME: 0, ASB: 1}).fillna(2)
    out = summary.assign(
        _key=key, _pos=range(len(summary)), _n=summary["unusual_months"].fillna(0).astype(int)
    )
    out = out[out["importance"] > 0].sort_values(
        ["importance", "_key", "_n", "_pos"], ascending=[False, True, False, True]
    )
    return out.drop(columns=["_key", "_pos", "_n"]).reset_index(drop=True)
