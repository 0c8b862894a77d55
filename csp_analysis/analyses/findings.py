"""Key findings: sentences written from the numbers, in the style of published assessments."""

from __future__ import annotations

import pandas as pd

from csp_analysis.categories import ALL_CRIME, ASB
from csp_analysis.periods import Period, month_label, months_phrase, parse_period


def describe_change(previous: int, current: int, pct: float | None) -> str:
    """Words for a change: ``"an increase of 312 (+4.2%)"``, ``"a decrease of 747 (-4.4%)"``.

    Parameters
    ----------
    previous : int
        Count in the comparison year.
    current : int
        Count in the assessed year. Both must be known: the direction and size come from
        ``current - previous`` (written with thousands separators).
    pct : float or None
        Percent change as :func:`~csp_analysis.statistics.change.pct_change` gives it (4.2 means
        +4.2%); shown to one decimal place with its sign. ``None`` or NaN (e.g. a change from
        zero) leaves the percentage out.

    Returns
    -------
    str
        ``"an increase of N (+x.x%)"``, ``"a decrease of N (-x.x%)"`` or
        ``"no change (0.0%)"``, without the bracket when ``pct`` is missing. Meant to follow
        a subject: "All crime has seen a decrease of 747 (-4.4%)".

    Examples
    --------
    >>> describe_change(17000, 16253, -4.4)
    'a decrease of 747 (-4.4%)'
    >>> describe_change(10, 10, 0.0)
    'no change (0.0%)'
    """
    diff = current - previous
    pct_txt = "" if pct is None or pd.isna(pct) else f" ({pct:+.1f}%)"
    if diff != 0 and pct_txt and abs(pct) < 0.05:
        pct_txt = " (under 0.1%)"  # never "a decrease of 1 (+0.0%)"
    if diff > 0:
        return f"an increase of {diff:,}{pct_txt}"
    if diff < 0:
        return f"a decrease of {-diff:,}{pct_txt}"
    return f"no change{pct_txt.replace('+', '')}"


def _significant(row: pd.Series) -> object:
    """The verdict the findings use: it survives the false discovery rate where that is known."""
    key = "significant_fdr" if "significant_fdr" in row else "significant"
    return row[key] if key in row else pd.NA


def _significance_clause(row: pd.Series) -> str:
    """ ", a statistically significant change" or ", within normal year-to-year variation"."""
    significant = _significant(row)
    if significant is pd.NA or pd.isna(significant):
        return ""
    if bool(significant):
        p = row["p_value"]
        return f" (statistically significant, {'p < 0.001' if p < 0.001 else f'p = {p:.3f}'})"
    return ", within normal year-to-year variation"


def _survives(row: object, prefix: str) -> bool:
    """Whether a trend is significant over the family (its q-value), or alone in older tables."""
    value = getattr(row, f"{prefix}significant_fdr", True)
    return bool(value) if value is not None and not pd.isna(value) else False


def trend_findings(trends: pd.DataFrame) -> list[str]:
    """Sentences for significant trends: the seasonal test on months where it was run (more
    power than a few yearly totals), otherwise the test on yearly totals. A trend is named only
    when it survives the false discovery rate over the categories (``significant_fdr``).

    Parameters
    ----------
    trends : pandas.DataFrame
        The trend table of :func:`~csp_analysis.statistics.trends.category_trends`.

    Returns
    -------
    list of str
        One sentence per category with a significant trend, in the table's order.
    """
    out = []
    seasonal = "seasonal_direction" in trends.columns
    for r in trends.itertuples():
        if (
            seasonal
            and isinstance(r.seasonal_direction, str)
            and r.seasonal_direction in ("increasing", "decreasing")
            and _survives(r, "seasonal_")
        ):
            slope = r.seasonal_sen_slope
            out.append(
                f"{r.category} shows a significant {r.seasonal_direction} trend over "
                f"{int(r.seasonal_months)} months ({r.first_period} to {r.last_period}): each "
                f"month's count {'rises' if slope > 0 else 'falls'} by about {abs(slope):,.1f} "
                "a year (each month compared with the same month in other years)."
            )
        elif r.direction in ("increasing", "decreasing") and _survives(r, ""):
            out.append(
                f"{r.category} shows a significant {r.direction} trend over {int(r.periods)} "
                f"years ({r.first_period} to {r.last_period}): about {abs(r.sen_slope):,.0f} "
                f"{'more' if r.sen_slope > 0 else 'fewer'} a year."
            )
    return out


def key_findings(
    area: str,
    year: str | Period,
    change: pd.DataFrame,
    missing: list[str],
    most: int = 3,
    trends: pd.DataFrame | None = None,
) -> list[str]:
    """Key findings as plain sentences.

    A change compared on too few months (``provisional`` in the table) is not read as the
    period's change: the headline gives the area's own total over the months it has and the
    provisional figures are named as such, with no verdict. Without a comparison period no
    change is claimed at all: the sentence says which data would allow one.

    Parameters
    ----------
    area : str
    year : str or Period
        The assessed period (a financial year may be written ``"2025/26"``).
    change : pandas.DataFrame
        The year-on-year table from :func:`~csp_analysis.analyses.change.category_change`.
    missing : list of str
        Months missing from the assessed or comparison year.
    most : int
        How many largest rises and falls to name.
    trends : pandas.DataFrame, optional
        The trend table of :func:`~csp_analysis.statistics.trends.category_trends`; categories
        with a significant trend over the years are named.

    Returns
    -------
    list of str
    """
    period = parse_period(year)
    label, prev = period.label, period.previous().label
    out = []
    rows = change.set_index("category")
    crime = change[change["kind"].isin(("total", "crime"))] if len(change) else change
    first = crime.iloc[0] if len(crime) else (change.iloc[0] if len(change) else None)
    comparable = first is not None and pd.notna(first["previous"])
    provisional = bool(first is not None and first.get("provisional", False))
    compared = ""
    if comparable and 0 < int(first["months_compared"]) < period.n_months:
        compared = (
            f" (comparing {first['current_months']} with {first['previous_months']}, the "
            f"{int(first['months_compared'])} months present in both)"
        )
    if ALL_CRIME in rows.index:
        r = rows.loc[ALL_CRIME]
        own, own_months = r.get("total_in_period", r["current"]), r.get("months_in_period", 12)
        the = "the " if label.startswith("12 months") else ""
        scope = (
            f"in {the}{label}"
            if pd.isna(own_months) or int(own_months) >= period.n_months
            else f"in the {int(own_months)} month{'s' if int(own_months) != 1 else ''} with "
            f"data of {the}{label}"
        )
        if comparable and provisional:
            out.append(
                f"{area} recorded {int(own):,} crimes {scope}. Only {int(r['months_compared'])} "
                f"of {period.n_months} months are present in both {label} and {prev} "
                f"({r['current_months']} and {r['previous_months']}): {int(r['current']):,} "
                f"crimes against {int(r['previous']):,} is a provisional comparison, not the "
                "change over the year."
            )
        elif comparable:
            words = describe_change(int(r["previous"]), int(r["current"]), r["pct_change"])
            out.append(
                f"{area} has seen {words} "
                f"in all crime in {label} compared with {prev}{compared}: {int(r['current']):,} "
                f"crimes against {int(r['previous']):,}{_significance_clause(r)}."
            )
        elif pd.notna(own):
            before = period.previous()
            out.append(
                f"{area} recorded {int(own):,} crimes {scope}. {prev[:1].upper()}{prev[1:]} "
                "has no data for the same months to compare with, so no change is assessed: "
                "data for "
                f"{months_phrase(before.months)} would allow a comparison."
            )
    if ASB in rows.index and comparable and not provisional:
        r = rows.loc[ASB]
        if pd.notna(r["previous"]) and pd.notna(r["current"]):
            out.append(
                f"Anti-social behaviour incidents (not counted in all crime) show "
                f"{describe_change(int(r['previous']), int(r['current']), r['pct_change'])}: "
                f"{int(r['current']):,} incidents against {int(r['previous']):,}"
                f"{_significance_clause(r)}."
            )
    if not comparable or provisional:
        if trends is not None and len(trends) and "direction" in trends.columns:
            out += trend_findings(trends)
        if missing:
            out.append(missing_months_finding(missing))
        return out
    cats = change[(change["kind"] == "crime") & (change["category"] != ALL_CRIME)]
    cats = cats.dropna(subset=["change"])
    rises = cats[cats["change"] > 0].sort_values("change", ascending=False).head(most)
    falls = cats[cats["change"] < 0].sort_values("change").head(most)

    def listing(df: pd.DataFrame) -> str:
        parts = [
            f"{r.category.lower() if r.category != 'Anti-social behaviour' else r.category} "
            f"({int(r.change):+,}"
            + ("" if pd.isna(r.pct_change) else f", {r.pct_change:+.1f}%")
            + ")"
            for r in df.itertuples()
        ]
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]

    if len(rises):
        out.append(f"The largest rises were in {listing(rises)}.")
    if len(falls):
        out.append(f"The largest falls were in {listing(falls)}.")
    if "significant" in cats.columns:
        key = "significant_fdr" if "significant_fdr" in cats.columns else "significant"
        sig = cats[cats[key].fillna(False).astype(bool)]
        if len(sig):
            parts = [
                f"{r.category.lower()} ({'up' if r.change > 0 else 'down'} {abs(int(r.change)):,}"
                + ("" if pd.isna(r.pct_change) else f", {r.pct_change:+.1f}%")
                + ")"
                for r in sig.sort_values("change", ascending=False).itertuples()
            ]
            out.append(
                "Changes beyond normal year-to-year variation"
                + (", allowing for the number of categories tested" if key != "significant" else "")
                + ": "
                + "; ".join(parts)
                + "."
            )
        else:
            out.append(
                "No crime category changed by more than normal year-to-year variation"
                + (
                    " once the number of categories tested is allowed for"
                    if key != "significant" and cats["significant"].fillna(False).astype(bool).any()
                    else ""
                )
                + "."
            )
    if trends is not None and len(trends) and "direction" in trends.columns:
        out += trend_findings(trends)
    if missing:
        out.append(missing_months_finding(missing))
    return out


def missing_months_finding(missing: list[str]) -> str:
    """The key finding that says which months are missing and what that means.

    Parameters
    ----------
    missing : list of str
        Months (``YYYY-MM``) missing from the assessed or the comparison year; not empty.

    Returns
    -------
    str

    Examples
    --------
    >>> missing_months_finding(["2018-08"])[:43]
    'Data are incomplete: August 2018 is missing'
    """
    names = ", ".join(month_label(m) for m in missing)
    return (
        f"Data are incomplete: {names} {'is' if len(missing) == 1 else 'are'} missing. "
        "Missing months are not treated as zero; changes compare only months present in "
        "both years."
    )


#: Change-section sentences that are detail, not a headline (they follow the headline).
_CHANGE_DETAIL = ("The largest rises", "The largest falls", "Changes beyond", "No crime category")


def rank_findings(by_section: dict[str, list[str]], limit: int = 8) -> list[str]:
    """The key findings ranked by importance, at most ``limit``.

    The order: the headline of the change section (All crime, then ASB); the categories that
    stand out (the ``story`` section's sentences, already ranked); which changes are beyond
    normal variation; missing months; the recommended priorities; the first finding of every
    other section in report order; then everything else in report order. Each sentence is
    the section's own (nothing is reworded), so the ranked list agrees with the full one.

    Parameters
    ----------
    by_section : dict of str to list of str
        Each section's findings by section name, in report order.
    limit : int
        How many at most.

    Returns
    -------
    list of str
        Distinct sentences of ``by_section``, most important first.

    Examples
    --------
    >>> rank_findings({"change": ["A rose.", "The largest rises were in x."],
    ...                "survey": ["Residents ranked drugs highest.", "Concern rose."],
    ...                "story": ["Robbery rose 24%."]}, limit=3)
    ['A rose.', 'Robbery rose 24%.', 'Residents ranked drugs highest.']
    """
    change = by_section.get("change", [])
    incomplete = [f for f in change if f.startswith("Data are incomplete")]
    headline = [f for f in change if not f.startswith(_CHANGE_DETAIL) and f not in incomplete]
    beyond = [f for f in change if f.startswith(("Changes beyond", "No crime category"))]
    priorities = [
        f for f in by_section.get("priorities", []) if f.startswith("The recommended priorities")
    ]
    others = [
        fs[0]
        for name, fs in by_section.items()
        if fs and name not in ("change", "story", "priorities")
    ]
    order = (
        headline[:2]
        + by_section.get("story", [])
        + beyond
        + incomplete
        + priorities
        + others
        + headline[2:]
        + [f for fs in by_section.values() for f in fs]
    )
    out: list[str] = []
    for f in order:
        if f not in out:
            out.append(f)
    return out[:limit]
