"""One area's strategic assessment: every table of the report, computed from a dataset.

:func:`assess` is what the report notebook calls; an analyst can call it in JupyterLab too. The
result writes the tables that users and other tools rely on (see ``docs/data.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from csp_analysis import defaults
from csp_analysis.analyses.change import category_change
from csp_analysis.analyses.findings import key_findings
from csp_analysis.analyses.monthly import monthly_counts
from csp_analysis.analyses.periods import missing_months, resolve_year
from csp_analysis.analyses.quality import data_quality
from csp_analysis.categories import ALL_CRIME
from csp_analysis.exceptions import CspError, DataError, UsageError
from csp_analysis.model import SOURCE_LABELS, Dataset, load
from csp_analysis.periods import (
    financial_year_of_period,
    months_of_financial_year,
    parse_financial_year,
    previous_financial_year,
)
from csp_analysis.statistics.seasonality import compare_same_month
from csp_analysis.statistics.significance import add_significance
from csp_analysis.statistics.spc import spc_signals
from csp_analysis.statistics.trends import category_trends, yearly_totals


@dataclass
class Assessment:
    """The computed content of one area's assessment for one financial year."""

    dataset: Dataset
    area: str
    year: str
    force: str | None
    change: pd.DataFrame
    monthly: pd.DataFrame
    quality: pd.DataFrame
    missing: list[str]
    findings: list[str]
    population: int | None
    population_note: str
    sources: dict[str, str] = field(default_factory=dict)
    trends: pd.DataFrame = field(default_factory=pd.DataFrame)
    spc: pd.DataFrame = field(default_factory=pd.DataFrame)
    same_month: pd.DataFrame = field(default_factory=pd.DataFrame)
    alpha: float = defaults.ALPHA
    suppress_below: int = defaults.SUPPRESS_BELOW
    peers: pd.DataFrame = field(default_factory=pd.DataFrame)
    districts: pd.DataFrame = field(default_factory=pd.DataFrame)
    hotspots: pd.DataFrame = field(default_factory=pd.DataFrame)
    top_locations: pd.DataFrame = field(default_factory=pd.DataFrame)
    wards: pd.DataFrame = field(default_factory=pd.DataFrame)
    concentration: str = ""
    concern: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan: pd.DataFrame = field(default_factory=pd.DataFrame)
    risk: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    priorities: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def previous_year(self) -> str:
        """The comparison year."""
        return previous_financial_year(self.year)

    @property
    def synthetic(self) -> bool:
        """True when the data are the synthetic demo."""
        return self.dataset.synthetic

    def tables(self) -> dict[str, pd.DataFrame]:
        """The published tables by file stem, in report order.

        Returns
        -------
        dict of str to pandas.DataFrame
            Always ``yoy_categories`` (the change table: counts, change, ``pct_change`` in
            percent, exact-test ``p_value`` and ``significant`` at :attr:`alpha`, rate ratio
            with its ``1 - alpha`` interval, verdict), ``monthly_counts`` (one row per month
            and category; months no source covers are absent, not zero) and, last,
            ``data_quality``. In between, only when computed and not empty: ``trends``,
            ``spc_signals``, ``same_month_last_year``, ``comparators``, ``district_change``,
            ``hotspots``, ``hotspots_wards``, ``public_concern``, ``plan_progress``,
            ``risk_matrix`` and ``priority_sensitivity``. Small-area tables are in their
            published form (small counts suppressed). The frames are the assessment's own (or
            column selections of them): copy before changing them. See ``docs/data.md`` for
            the columns.

        Examples
        --------
        >>> a = assess()  # the synthetic demo: takes a few seconds
        >>> t = a.tables()
        >>> list(t)[:2], list(t)[-1]
        (['yoy_categories', 'monthly_counts'], 'data_quality')
        """
        yoy = self.change[["category", "previous", "current", "change", "pct_change",
                           "p_value", "significant", "rate_ratio", "rr_lower", "rr_upper",
                           "verdict", "months_compared", "note", "method"]]  # fmt: skip
        tables = {"yoy_categories": yoy, "monthly_counts": self.monthly}
        if len(self.trends):
            tables["trends"] = self.trends
        if len(self.spc):
            tables["spc_signals"] = self.spc[["category", "month", "count", "mean", "lower",
                                              "upper", "signal"]]  # fmt: skip
        if len(self.same_month):
            tables["same_month_last_year"] = self.same_month
        optional = {
            "comparators": (self.peers, ["area", "category", "count", "population",
                                         "rate_per_1000", "ci_lower", "ci_upper", "group_rate",
                                         "band", "comparison", "rank"]),
            "district_change": (self.districts, ["area", "previous", "current", "change",
                                                 "pct_change", "rate_per_1000"]),
            "hotspots": (self.hotspots, ["lsoa", "name", "count", "share", "cumulative_share",
                                         "rate_per_1000"]),
            "hotspots_wards": (self.wards, ["ward", "count", "share", "cumulative_share"]),
            "public_concern": (self.concern, ["concern", "respondents", "count", "pct",
                                              "ci_lower", "ci_upper", "rank"]),
            "plan_progress": (self.plan, []),
            "risk_matrix": (self.risk, []),
            "priority_sensitivity": (self.sensitivity, []),
        }  # fmt: skip
        for name, (df, first) in optional.items():
            if len(df):
                rest = [c for c in df.columns if c not in first]
                tables[name] = df[[c for c in first if c in df.columns] + rest]
        tables["data_quality"] = self.quality
        return tables

    def key_findings_markdown(self) -> str:
        """Key findings as a Markdown document.

        Returns
        -------
        str
            A ``# Key findings: <area>, <year>`` heading, a line saying the data are
            synthetic when they are, then one bullet per sentence of ``findings`` in order;
            ends with a newline. This is the text :meth:`save` writes to ``key_findings.md``.
        """
        head = f"# Key findings: {self.area}, {self.year}\n\n"
        if self.synthetic:
            head += "_Synthetic demo data: fictional places, not real figures._\n\n"
        return head + "".join(f"- {s}\n" for s in self.findings)

    def save(self, out_dir: str | Path) -> list[Path]:
        """Write ``tables/*.csv``, ``tables.xlsx`` (one sheet per table) and
        ``key_findings.md`` into ``out_dir``.

        The CSVs are UTF-8 with ``\\n`` line endings and no index; missing values are empty
        cells. The workbook has fixed timestamps, so the same assessment gives byte-identical
        files. Existing files of the same names are overwritten.

        Parameters
        ----------
        out_dir : str or Path
            Output folder; it and its ``tables`` subfolder are created if needed.

        Returns
        -------
        list of Path
            The files written: one CSV per table of :meth:`tables` in its order, then
            ``tables.xlsx`` (sheet names cut to Excel's 31 characters) and
            ``key_findings.md``.
        """
        out = Path(out_dir)
        (out / "tables").mkdir(parents=True, exist_ok=True)
        written = []
        tables = self.tables()
        for name, df in tables.items():
            path = out / "tables" / f"{name}.csv"
            df.to_csv(path, index=False, lineterminator="\n")
            written.append(path)
        xlsx = out / "tables.xlsx"
        with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
            for name, df in tables.items():
                df.to_excel(writer, sheet_name=name[:31], index=False)
            writer.book.properties.creator = "csp-assess"
        _fix_xlsx_timestamps(xlsx)
        written.append(xlsx)
        md = out / "key_findings.md"
        md.write_text(self.key_findings_markdown(), encoding="utf-8")
        written.append(md)
        return written


def _fix_xlsx_timestamps(path: Path) -> None:
    """Rewrite the workbook with fixed zip and document dates so identical inputs give
    identical files."""
    import zipfile

    fixed = (2000, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                              rb"<dcterms:\1\2>2000-01-01T00:00:00Z<", data)  # fmt: skip
            zi = zipfile.ZipInfo(info.filename, date_time=fixed)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, data)


def _yearly(ds: Dataset, area: str, monthly: pd.DataFrame) -> pd.DataFrame:
    """Complete financial-year totals by category (All crime included) for trend tests."""
    if len(monthly):
        return yearly_totals(monthly)
    counts = ds.area_counts(area)
    counts = counts.assign(fy=counts["period"].map(financial_year_of_period))
    rows = []
    for (fy, kind), sub in counts.groupby(["fy", "kind"]):
        source = str(sub["source"].iloc[0])
        if len(ds.covered_months(area, source, str(kind))) and any(
            m not in ds.covered_months(area, source, str(kind))
            for m in months_of_financial_year(str(fy))
        ):
            continue
        per_cat = sub.groupby("category")["count"].sum()
        if kind == "crime":
            rows.append({"period": fy, "category": ALL_CRIME, "count": int(per_cat.sum())})
        rows += [{"period": fy, "category": c, "count": int(n)} for c, n in per_cat.items()]
    out = pd.DataFrame(rows, columns=["period", "category", "count"])
    return out.assign(months=12)


def assess(
    data: Dataset | str | Path | None = None,
    area: str | None = None,
    year: str | None = None,
    alpha: float = defaults.ALPHA,
    suppress_below: int = defaults.SUPPRESS_BELOW,
) -> Assessment:
    """Compute one area's assessment.

    Parameters
    ----------
    data : Dataset, str or Path, optional
        A loaded dataset or a data folder; default the synthetic demo data.
    area : str, optional
        Partnership area; optional when the data hold one area, and for the demo data.
    year : str, optional
        Financial year (``2025/26`` or ``2025-26``); default the latest complete one.
    alpha : float
        Significance level of the change and trend tests (default 5%).
    suppress_below : int
        Small-area tables (hot spots, wards, places) show counts from 1 to
        ``suppress_below - 1`` as ``"<suppress_below"``; the report states the rule. Default 5.

    Returns
    -------
    Assessment

    Raises
    ------
    UsageError
        For an unknown area or year, naming those that exist.
    """
    if isinstance(suppress_below, bool) or not isinstance(suppress_below, int) \
            or suppress_below < 1:
        raise UsageError(f"the suppression threshold must be a whole number of at least 1, "
                         f"not {suppress_below!r}")
    ds = data if isinstance(data, Dataset) else load(data)
    if area is None and ds.synthetic:
        from csp_analysis.defaults import DEMO_AREA

        area = DEMO_AREA if DEMO_AREA in ds.areas else None
    area = ds.resolve_area(area)
    year = resolve_year(ds, area, year)
    start = parse_financial_year(year)
    pop_cur, _ = ds.population_of(area, start)
    pop_prev, _ = ds.population_of(area, start - 1)
    both = pop_cur is not None and pop_prev is not None
    change = add_significance(category_change(ds, area, year),
                              pop_prev if both else None, pop_cur if both else None, alpha=alpha)
    monthly = monthly_counts(ds, area)
    trends = category_trends(_yearly(ds, area, monthly), monthly if len(monthly) else None,
                             alpha=alpha)  # fmt: skip
    spc = spc_signals(monthly) if len(monthly) else pd.DataFrame()
    same = compare_same_month(monthly) if len(monthly) else pd.DataFrame()
    if len(same):
        same = same[same["month"].isin(months_of_financial_year(year))].reset_index(drop=True)
    prev = previous_financial_year(year)
    missing = missing_months(ds, area, year) + missing_months(ds, area, prev)
    population, pop_note = ds.population_of(area, parse_financial_year(year))
    sources = {
        kind: SOURCE_LABELS[src]
        for kind in ("crime", "asb", "flag")
        if (src := ds.source_for(area, kind)) is not None
    }
    a = Assessment(
        dataset=ds, area=area, year=year, force=ds.area_force.get(area),
        change=change, monthly=monthly, quality=data_quality(ds, area, year),
        missing=missing, findings=key_findings(area, year, change, missing, trends=trends),
        population=population, population_note=pop_note, sources=sources,
        trends=trends, spc=spc, same_month=same, alpha=alpha, suppress_below=suppress_below,
    )  # fmt: skip
    _compare(a)
    _places(a)
    _priorities(a)
    return a


def _attempt(a: Assessment, section: str, fn: Callable[[], object]) -> object | None:
    """Run one optional analysis; when its input is absent or unusable, keep the reason as the
    section's note (the report shows it) instead of failing the whole assessment."""
    try:
        return fn()
    except (CspError, ValueError) as exc:
        a.notes[section] = str(exc)
        return None


def _local(a: Assessment, name: str) -> pd.DataFrame | None:
    """A local table (survey, plan, peers, risk scores) for this area, if one was given."""
    table = a.dataset.tables.get(name)
    if table is None or not len(table):
        return None
    if "area" in table.columns and name not in ("peers", "indicators"):
        table = table[table["area"].str.casefold() == a.area.casefold()]
    return table.drop(columns=["source", "line", "note"], errors="ignore").reset_index(drop=True)


def _compare(a: Assessment) -> None:
    """Peers (most similar group, or the force's other areas) and the force's district table."""
    from csp_analysis.analyses.comparators import peer_table, read_peers
    from csp_analysis.analyses.districts import district_change

    peers_table = _local(a, "peers")
    peers = None
    if peers_table is not None:
        peers = _attempt(a, "comparators", lambda: read_peers(peers_table).get(a.area))
    indicators = _local(a, "indicators")
    built = ""
    if peers is None and indicators is not None:
        peers = _attempt(a, "comparators", lambda: _neighbours(indicators, a.area))
        if peers:
            built = (f"Peers built as the {len(peers)} nearest neighbours of {a.area} on "
                     f"{indicators['indicator'].nunique()} standardised indicators "
                     "(CIPFA-style, Euclidean distance). ")  # fmt: skip
    result = _attempt(a, "comparators", lambda: peer_table(a.dataset, a.area, a.year, peers))
    if result is not None:
        a.peers, note = result
        a.notes["comparators"] = built + note
    if a.force:
        districts = _attempt(a, "districts",
                             lambda: district_change(a.dataset, a.force, a.year))  # fmt: skip
        if districts is not None:
            a.districts = districts
    else:
        a.notes["districts"] = "the area's police force is not known"


def _neighbours(indicators: pd.DataFrame, area: str, k: int = 15) -> list[str]:
    """Peers from a long indicators table (``area, indicator, value``) by nearest neighbours."""
    from csp_analysis.statistics.comparators import nearest_neighbours

    values = pd.to_numeric(indicators["value"], errors="coerce")
    if values.isna().any():
        line = int(indicators.index[values.isna()][0]) + 2
        raise DataError("indicator value is not a number", file="indicators", line=line,
                        column="value")  # fmt: skip
    wide = (indicators.assign(value=values)
            .pivot_table(index="area", columns="indicator", values="value", aggfunc="first")
            .reset_index())  # fmt: skip
    wide.columns.name = None
    near = nearest_neighbours(wide, area, k=min(k, len(wide) - 1))
    return list(near["area"])


def _places(a: Assessment) -> None:
    """Hot spots from street-level records (published form: small counts suppressed)."""
    from csp_analysis.analyses.hotspots import concentration, hotspots, top_locations

    if not len(a.dataset.records_of(a.area)):
        a.notes["hotspots"] = ("no street-level records for this area: hot spots need "
                               "data.police.uk street-level files")  # fmt: skip
        return
    crimes = a.dataset.cmap.of_kind("crime")
    limit = a.suppress_below
    hot = _attempt(a, "hotspots", lambda: hotspots(a.dataset, a.area, a.year, categories=crimes,
                                                   threshold=limit))  # fmt: skip
    full = _attempt(a, "hotspots", lambda: hotspots(a.dataset, a.area, a.year,
                                                    categories=crimes, publishable=False))
    if hot is None or full is None:
        return
    a.hotspots = hot
    text = _attempt(a, "hotspots", lambda: concentration(full).text)
    if text is None:  # e.g. only anti-social behaviour records in the year: no crime to place
        return
    a.concentration = text
    lookup = _local(a, "ward_lookup")
    if lookup is not None:
        a.wards = ward_counts(full, lookup, threshold=limit)
    places = _attempt(a, "hotspots", lambda: top_locations(a.dataset, a.area, a.year,
                                                           categories=crimes, threshold=limit))
    if places is not None:
        a.top_locations = places


def ward_counts(
    full: pd.DataFrame, lookup: pd.DataFrame, threshold: int = defaults.SUPPRESS_BELOW
) -> pd.DataFrame:
    """Hot spots by ward: LSOA counts summed through an LSOA-to-ward lookup, then suppressed.

    Parameters
    ----------
    full : pandas.DataFrame
        Unsuppressed hot spots by LSOA (``lsoa``, ``count``).
    lookup : pandas.DataFrame
        ``lsoa`` (code) and ``ward`` (name).
    threshold : int
        Counts from 1 to ``threshold - 1`` are published as ``"<threshold"`` (default 5).

    Returns
    -------
    pandas.DataFrame
        ``ward, count, share, cumulative_share``, busiest first; LSOAs missing from the lookup
        are gathered under "(LSOA not in the ward lookup)".
    """
    from csp_analysis.analyses.hotspots import suppress_small

    ward_of = dict(zip(lookup["lsoa"], lookup["ward"], strict=False))
    counts = pd.DataFrame({
        "ward": [ward_of.get(code, "(LSOA not in the ward lookup)") for code in full["lsoa"]],
        "count": pd.to_numeric(full["count"]).astype("int64"),
    })  # fmt: skip
    by = counts.groupby("ward", as_index=False)["count"].sum()
    by = by.sort_values(["count", "ward"], ascending=[False, True]).reset_index(drop=True)
    total = by["count"].sum()
    by["share"] = by["count"] / total if total else float("nan")
    by["cumulative_share"] = by["share"].cumsum()
    return suppress_small(by, ["count"], threshold=threshold,
                          derived=["share", "cumulative_share"])  # fmt: skip


def _priorities(a: Assessment) -> None:
    """Resident survey, last year's plan, the risk matrix and recommended priorities."""
    from csp_analysis import config as rmc
    from csp_analysis.analyses.findings_priorities import priority_findings
    from csp_analysis.statistics import risk_matrix as rm
    from csp_analysis.statistics.plan import plan_progress
    from csp_analysis.statistics.survey import public_concern

    survey = _local(a, "survey")
    if survey is not None:
        concern = _attempt(a, "survey", lambda: public_concern(survey))
        if concern is not None:
            a.concern = concern
    else:
        a.notes["survey"] = ("no resident survey: add survey.csv (concern, respondents, count) "
                             "to the data folder")  # fmt: skip
    plan = _local(a, "plan")
    if plan is not None:
        progress = _attempt(a, "plan", lambda: plan_progress(plan))
        if progress is not None:
            a.plan = progress
    else:
        a.notes["plan"] = ("no partnership plan: add plan.csv (priority, activity, outcome, "
                           "timescale, status) to the data folder")  # fmt: skip
    manual = _local(a, "risk_scores")
    config = rmc.load_config()
    risk = _attempt(a, "risk", lambda: rm.score_risk(
        a.change, config, harm=rmc.load_harm_weights(), costs=rmc.load_unit_costs(),
        concern=a.concern if len(a.concern) else None, manual=manual))  # fmt: skip
    if risk is None:
        return
    a.risk = risk
    sens = _attempt(a, "risk", lambda: rm.sensitivity(
        risk, config, draws=defaults.SENSITIVITY_DRAWS, spread=defaults.SENSITIVITY_SPREAD,
        seed=defaults.SENSITIVITY_SEED, top=defaults.PRIORITIES))  # fmt: skip
    if sens is not None:
        a.sensitivity = sens
    a.priorities = rm.recommend_priorities(risk, n=defaults.PRIORITIES)
    a.findings += priority_findings(risk, a.concern if len(a.concern) else None,
                                    a.plan if len(a.plan) else None, n=defaults.PRIORITIES,
                                    sensitivity=a.sensitivity if len(a.sensitivity) else None)
