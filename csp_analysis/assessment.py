"""One area's strategic assessment: every report section computed from a dataset.

:func:`assess` runs the sections of the registry (:func:`csp_analysis.sections.registry`) in
order and keeps their results; the :class:`Assessment` holds the area, the period, the force and
those results, never the dataset. An analyst can call it in JupyterLab; the runner calls it once
per report and writes the published tables itself (see ``docs/data.md``).
"""

from __future__ import annotations

import os
import pickle
import re
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from csp_analysis import defaults
from csp_analysis.analyses.findings import rank_findings
from csp_analysis.analyses.periods import resolve_period
from csp_analysis.categories import SCHEMES
from csp_analysis.defaults import DEMO_AREA
from csp_analysis.exceptions import UsageError
from csp_analysis.model import SOURCE_LABELS, Dataset, load
from csp_analysis.periods import Period
from csp_analysis.sections import Context, SectionResult, registry

__all__ = [
    "WORKBOOK_TABLES",
    "Assessment",
    "assess",
    "check_spc_baseline",
    "open_assessment",
    "safe_cells",
    "workbook_table",
    "write_workbook",
]

#: The shortest control-chart baseline accepted: fewer months give only trial limits.
MIN_SPC_BASELINE = 12


@dataclass(frozen=True)
class Assessment:
    """The computed content of one area's assessment for one period.

    Attributes
    ----------
    area : str
        The partnership area.
    period : Period
        The assessed period (:attr:`year` is its label, ``YYYY/YY`` for a financial year).
    force : str or None
        The area's police force, when known.
    synthetic : bool
        True when the data are the synthetic demo.
    alpha : float
        Significance level of the tests.
    suppress_below : int
        Small-area counts from 1 to ``suppress_below - 1`` are published as ``<N``.
    results : Mapping of str to SectionResult
        Every section's result, by name, in report order.
    min_months : int
        A change compared on fewer months than this is provisional.
    spc_baseline_months : int
        How many months before the assessed period set the control charts' limits.
    """

    area: str
    period: Period
    force: str | None
    synthetic: bool
    alpha: float
    suppress_below: int
    results: Mapping[str, SectionResult] = field(default_factory=dict)
    min_months: int = defaults.MIN_MONTHS
    spc_baseline_months: int = defaults.SPC_BASELINE_MONTHS

    @property
    def year(self) -> str:
        """The assessed period in words: ``"2025/26"`` for a financial year, else e.g.
        ``"12 months to June 2025"``."""
        return self.period.label

    @property
    def previous_year(self) -> str:
        """The comparison period in words (the same months a year earlier)."""
        return self.period.previous().label

    @property
    def provisional(self) -> bool:
        """True when All crime's change is compared on fewer than :attr:`min_months` months
        present in both periods."""
        result = self.results.get("change")
        return bool(result is not None and result.facts.get("provisional", False))

    def section(self, name: str) -> SectionResult:
        """One section's result.

        Parameters
        ----------
        name : str
            A section name (``[s.name for s in csp_analysis.sections.registry()]``).

        Returns
        -------
        SectionResult

        Raises
        ------
        KeyError
            Naming the sections that exist.
        """
        try:
            return self.results[name]
        except KeyError:
            raise KeyError(f"no section '{name}'; sections: {', '.join(self.results)}") from None

    def table(self, name: str) -> pd.DataFrame:
        """One published table by its file stem, or an empty frame when it was not computed.

        Parameters
        ----------
        name : str
            E.g. ``"yoy_categories"`` (see :meth:`tables`).

        Returns
        -------
        pandas.DataFrame
            The assessment's own frame: copy before changing it.
        """
        for result in self.results.values():
            if name in result.tables:
                return result.tables[name]
        return pd.DataFrame()

    @property
    def findings(self) -> list[str]:
        """The key findings: every section's sentences, in report order."""
        return [s for r in self.results.values() for s in r.findings]

    def top_findings(self, limit: int = defaults.TOP_FINDINGS) -> list[str]:
        """The key findings ranked by importance, at most ``limit`` (eight by default).

        Parameters
        ----------
        limit : int
            How many at most.

        Returns
        -------
        list of str
            Sentences of :attr:`findings`, ranked by
            :func:`~csp_analysis.analyses.findings.rank_findings`.
        """
        return rank_findings({n: list(r.findings) for n, r in self.results.items()}, limit)

    @property
    def gaps(self) -> dict[str, str]:
        """Sections that could not be computed, with the reason and the file that would fill
        them."""
        return {name: r.gap for name, r in self.results.items() if r.gap}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The published tables by file stem, in report order.

        Returns
        -------
        dict of str to pandas.DataFrame
            Every table of every section that was computed, in registry order: first
            ``data_coverage``, ``yoy_categories`` (the change table: counts, change,
            ``pct_change`` in percent, exact-test ``p_value`` and ``significant`` at
            :attr:`alpha`, rate ratio with its ``1 - alpha`` interval, verdict, ``kind``) and
            ``monthly_counts`` (months no source covers are absent, not zero); last
            ``data_quality``. Small-area tables are in their published form (small counts
            suppressed). See ``docs/data.md`` for the columns.

        Examples
        --------
        >>> a = assess()  # the synthetic demo: takes a few seconds
        >>> t = a.tables()
        >>> list(t)[:3], list(t)[-1]
        (['data_coverage', 'police_uk_coverage', 'yoy_categories'], 'data_quality')
        """
        return {name: df for r in self.results.values() for name, df in r.tables.items()}

    def headline(self) -> dict[str, str]:
        """Short figures for the batch index: All crime and ASB with their change, months
        compared and the top priority (``"–"`` where not computed).

        Returns
        -------
        dict of str to str
        """
        cells: dict[str, str] = {}
        for s in registry():
            if s.headline is not None and s.name in self.results:
                cells.update(s.headline(self.results[s.name]))
        return cells

    def key_findings_markdown(self) -> str:
        """Key findings as a Markdown document.

        Returns
        -------
        str
            A ``# Key findings: <area>, <year>`` heading, a line saying the data are
            synthetic when they are, then one bullet per sentence of :attr:`findings`;
            ends with a newline. This is the text :meth:`save` writes to ``key_findings.md``.
        """
        head = f"# Key findings: {self.area}, {self.year}\n\n"
        if self.synthetic:
            head += "_Synthetic demo data: fictional places, not real figures._\n\n"
        return head + "".join(f"- {s}\n" for s in self.findings)

    def save(
        self,
        out_dir: str | Path,
        classification: str = defaults.MARKING,
        contact: str | None = None,
    ) -> list[Path]:
        """Write ``tables/*.csv``, ``tables.xlsx`` (cover, contents, notes, then one sheet
        per table: see :func:`write_workbook`) and ``key_findings.md`` into ``out_dir``.

        The CSVs are UTF-8 with ``\\n`` line endings and no index; missing values are empty
        cells. The workbook has fixed timestamps, so the same assessment gives byte-identical
        files. Existing files of the same names are overwritten.

        Parameters
        ----------
        out_dir : str or Path
            Output folder; it and its ``tables`` subfolder are created if needed.
        classification : str
            Protective marking, on the workbook's cover and every table.
        contact : str, optional
            Who to contact about the figures (on the workbook's cover).

        Returns
        -------
        list of Path
            The files written: one CSV per table of :meth:`tables` in its order, then
            ``tables.xlsx`` (sheet names from :data:`WORKBOOK_TABLES`) and
            ``key_findings.md``.
        """
        out = Path(out_dir)
        (out / "tables").mkdir(parents=True, exist_ok=True)
        written = []
        tables = self.tables()
        for name, df in tables.items():
            path = out / "tables" / f"{name}.csv"
            safe_cells(df).to_csv(path, index=False, lineterminator="\n")
            written.append(path)
        xlsx = write_workbook(
            self, out / "tables.xlsx", classification=classification, contact=contact
        )
        written.append(xlsx)
        md = out / "key_findings.md"
        md.write_text(self.key_findings_markdown(), encoding="utf-8")
        written.append(md)
        return written

    def dump(self, path: str | Path) -> Path:
        """Write the assessment for the report notebook's kernel (:func:`open_assessment`).

        Parameters
        ----------
        path : str or Path
            The file to write (a pickle: only for this version of csp-assess, not an archive).

        Returns
        -------
        Path
        """
        path = Path(path)
        part = path.with_name(f".{path.name}.part")
        part.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
        part.replace(path)  # whole or absent: the kernel may be waiting for it
        return path


def pending_marker(path: str | Path) -> Path:
    """The file that says an assessment is still being computed for ``path``.

    The runner creates it before it starts the report's kernel, writes the assessment with
    :meth:`Assessment.dump`, then removes it (also when the assessment fails):
    :func:`open_assessment` waits while it is there.

    Parameters
    ----------
    path : str or Path
        The assessment file.

    Returns
    -------
    Path
        ``<path>.pending`` beside it.
    """
    path = Path(path)
    return path.with_name(path.name + ".pending")


def open_assessment(path: str | Path) -> Assessment:
    """Read an assessment written by :meth:`Assessment.dump` (the runner does, for the kernel).

    While the runner is still computing it (its :func:`pending_marker` is there and the file
    is not), wait for it; the wait ends when the runner removes the marker, or stops.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Assessment

    Raises
    ------
    UsageError
        If the file does not hold an assessment.
    FileNotFoundError
        If there is no such file (nor one being computed).
    """
    path = Path(path)
    pending = pending_marker(path)
    parent = os.getppid()
    while pending.exists() and not path.exists() and os.getppid() == parent:
        time.sleep(0.01)
    value = pickle.loads(path.read_bytes())  # noqa: S301 - written by the runner itself
    if not isinstance(value, Assessment):
        raise UsageError(f"{Path(path).name} does not hold an assessment")
    return value


def assess(
    data: Dataset | str | Path | None = None,
    area: str | None = None,
    year: str | Period | None = None,
    alpha: float = defaults.ALPHA,
    suppress_below: int = defaults.SUPPRESS_BELOW,
    saved: str | Path | None = None,
    min_months: int = defaults.MIN_MONTHS,
    spc_baseline_months: int = defaults.SPC_BASELINE_MONTHS,
    categories: str | None = None,
) -> Assessment:
    """Compute one area's assessment: every section of the registry, in order.

    Parameters
    ----------
    data : Dataset, str or Path, optional
        A loaded dataset or a data folder; default the synthetic demo data.
    area : str, optional
        Partnership area; optional when the data hold one area, and for the demo data.
    year : str or Period, optional
        The assessed period: a financial year (``2025/26`` or ``2025-26``), a quarter
        (``2025/26 Q1``), the first and last month of up to twelve (``2024-07..2025-06``), or
        a :class:`~csp_analysis.periods.Period`; default the latest complete financial year.
        It is parsed once, here, and compared with the same months a year earlier.
    alpha : float
        Significance level of the change and trend tests (default 5%).
    suppress_below : int
        Small-area tables (hot spots, wards, places, density cells) show counts from 1 to
        ``suppress_below - 1`` as ``"<suppress_below"``; the report states the rule. Default 5.
    saved : str or Path, optional
        An assessment the runner already computed (:meth:`Assessment.dump`): read it instead
        of computing again (the report notebook's kernel does this under papermill).
    min_months : int
        A change compared on fewer months than this (of those present in both periods,
        default 9) is shown as provisional and kept out of the headline, chart titles,
        priorities and the batch index.
    spc_baseline_months : int
        How many months before the assessed period set the control charts' limits (default
        36, three years; at least 12, and 24 or more for the seasonal adjustment); the report
        names the months used.
    categories : str, optional
        The category scheme of the crime categories when the data give the area's crime in
        several: ``police_uk`` (police.uk crime types), ``home_office`` (Home Office offence
        groups) or ``own`` (the partnership's own categories of a tidy table); default the
        first source in ``SOURCE_PRIORITY``. The report says which scheme and source it uses.

    Returns
    -------
    Assessment

    Raises
    ------
    UsageError
        For an unknown area or year, naming those that exist, or a bad threshold.
    """
    if saved:
        return open_assessment(saved)
    if (
        isinstance(suppress_below, bool)
        or not isinstance(suppress_below, int)
        or suppress_below < 1
    ):
        raise UsageError(
            f"the suppression threshold must be a whole number of at least 1, "
            f"not {suppress_below!r}"
        )
    if isinstance(min_months, bool) or not isinstance(min_months, int) or not 1 <= min_months <= 12:
        raise UsageError(
            f"the completeness threshold must be a whole number of months from 1 to 12, "
            f"not {min_months!r}"
        )
    check_spc_baseline(spc_baseline_months)
    ds = data if isinstance(data, Dataset) else load(data)
    if area is None and ds.synthetic:
        area = DEMO_AREA if DEMO_AREA in ds.areas else None
    area = ds.resolve_area(area)
    ds = choose_scheme(ds, area, categories)
    period = resolve_period(ds, area, year)
    results: dict[str, SectionResult] = {}
    force = ds.area_force.get(area)
    for s in registry():
        ctx = Context(
            dataset=ds,
            area=area,
            period=period,
            force=force,
            alpha=alpha,
            suppress_below=suppress_below,
            results=dict(results),
            min_months=min_months,
            spc_baseline_months=spc_baseline_months,
        )
        results[s.name] = s.build(ctx)
    return Assessment(
        area=area,
        period=period,
        force=force,
        synthetic=ds.synthetic,
        alpha=alpha,
        suppress_below=suppress_below,
        results=results,
        min_months=min_months,
        spc_baseline_months=spc_baseline_months,
    )


def choose_scheme(ds: Dataset, area: str, categories: str | None) -> Dataset:
    """The dataset reading an area's crime in the chosen category scheme, or a refusal.

    Parameters
    ----------
    ds : Dataset
        The data.
    area : str
        The partnership area (as in ``ds.areas``).
    categories : str or None
        ``police_uk``, ``home_office`` or ``own``; ``None`` keeps the default: Home Office
        tables in their offence groups, other sources in their own categories.

    Returns
    -------
    Dataset
        ``ds`` itself, or :meth:`Dataset.with_scheme` of the scheme chosen (or of
        ``home_office`` when the area's crime comes from Home Office tables by offence).

    Raises
    ------
    UsageError
        If ``categories`` is not a scheme, or the area's crime is not given in it (naming
        the schemes it is given in).
    """
    if categories is None:
        # Home Office tables are read in their own offence groups unless asked otherwise
        if ds.source_for(area, "crime") == "home_office" and "home_office" in ds.schemes_of(area):
            return ds.with_scheme("home_office")
        return ds
    if categories not in SCHEMES:
        raise UsageError(f"--categories '{categories}' is not one of {', '.join(SCHEMES)}")
    given = ds.schemes_of(area)
    if categories not in given:
        have = ", ".join(f"{k} ({SOURCE_LABELS.get(v, v)})" for k, v in given.items()) or "none"
        raise UsageError(
            f"the crime of {area} is not given in the '{categories}' categories; it is given "
            f"in: {have}"
        )
    return ds.with_scheme(categories)


def check_spc_baseline(months: object) -> int:
    """Check the control-chart baseline: a whole number of months, at least 12.

    Parameters
    ----------
    months : object
        The number of months before the assessed period that set the charts' limits.

    Returns
    -------
    int
        ``months`` itself.

    Raises
    ------
    UsageError
        If it is not a whole number of at least 12 (fewer months give only trial limits).
    """
    if isinstance(months, bool) or not isinstance(months, int) or months < MIN_SPC_BASELINE:
        raise UsageError(
            f"the control-chart baseline must be a whole number of months, at least "
            f"{MIN_SPC_BASELINE}, not {months!r}"
        )
    return months


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A genuine number written as text (``-12``, ``-3.4%``, ``+1,234``), or a lone sign (a
#: placeholder, never a formula): left as it is.
_NUMBER = re.compile(r"^([+-]?(?=\.?\d)(\d[\d,]*)?(\.\d+)?(e[+-]?\d+)?%?|[+-])$", re.IGNORECASE)


def safe_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A table whose text cells cannot become spreadsheet formulas (CSV or formula injection).

    As OWASP's "CSV Injection" guidance says, a text cell beginning with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return is prefixed with a single quote, so that Excel or
    LibreOffice shows it as text instead of running it. Numeric columns, text cells that are
    genuine numbers (``-12``, ``-3.4%``, ``+1,234``) and a lone ``-`` are left as they are.

    Parameters
    ----------
    df : pandas.DataFrame
        A published table.

    Returns
    -------
    pandas.DataFrame
        A copy with such cells prefixed (column names too).

    Examples
    --------
    >>> safe_cells(pd.DataFrame({"a": ["=1+1", "-12", "@SUM(A1)", "ok"]}))["a"].tolist()
    ["'=1+1", '-12', "'@SUM(A1)", 'ok']
    """

    def fix(v: object) -> object:
        if (
            isinstance(v, str)
            and v.startswith(_FORMULA_START)
            and not _NUMBER.match(v.strip().replace(" ", ""))
        ):
            return "'" + v
        return v

    out = df.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            continue
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        out[c] = col.map(fix, na_action="ignore")
    out.columns = [fix(c) for c in out.columns]
    return out


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

                data = re.sub(
                    rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                    rb"<dcterms:\1\2>2000-01-01T00:00:00Z<",
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=fixed)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, data)


#: Sheet name and title of each published table in ``tables.xlsx`` (a table not listed here
#: keeps its file stem, cut to 31 characters, as its sheet name).
WORKBOOK_TABLES: dict[str, tuple[str, str]] = {
    "data_coverage": ("Coverage", "Months and records covered in each period"),
    "police_uk_coverage": ("Force_coverage", "police.uk records by force and month"),
    "yoy_categories": ("Change", "Crime and anti-social behaviour by category: change on a year"),
    "monthly_counts": ("Monthly", "Monthly counts by category"),
    "trends": ("Trends", "Multi-year trend tests by category"),
    "spc_signals": ("Control_charts", "Control (SPC) chart limits and signals by month"),
    "same_month_last_year": ("Same_month", "Each month against the same month a year earlier"),
    "seasonal_decomposition": ("Seasonality", "Seasonal decomposition of monthly counts"),
    "comparators": ("Peers", "Rates compared with similar areas"),
    "funnel_limits": ("Funnel_limits", "Funnel plot limits by category"),
    "district_change": ("Districts", "Change in each district of the force"),
    "reconciliation": ("Official_figures", "police.uk counts beside the official figures"),
    "benchmarks": ("Benchmarks", "Rates beside the force, similar areas and England and Wales"),
    "hotspots": ("Hotspots", "Crime by small area (LSOA)"),
    "hotspots_wards": ("Wards", "Crime by ward"),
    "hotspots_named": ("Hotspots_named", "The small areas with most crime, named"),
    "hotspots_places": ("Repeat_places", "Repeat locations"),
    "density_cells": ("Density", "Crime density by hexagonal cell"),
    "hotspots_by_category": ("Hotspots_category", "Small areas with most crime, by category"),
    "hotspots_gi": ("Hotspots_Gi", "Getis-Ord Gi* statistical hot spots"),
    "hotspots_deprivation": ("Deprivation", "Crime by deprivation decile"),
    "outcomes": ("Outcomes", "Outcomes of crimes by category"),
    "outcome_groups": ("Outcome_groups", "Outcomes of crimes, grouped"),
    "outcomes_by_month": ("Outcomes_month", "Crimes still open, by month"),
    "public_concern": ("Survey", "Residents' concerns (survey)"),
    "plan_progress": ("Plan", "Progress on last year's plan"),
    "risk_matrix": ("Risk_matrix", "Risk matrix scores by category"),
    "priority_sensitivity": ("Risk_stability", "How stable the ranking is when weights vary"),
    "priorities": ("Priorities", "Recommended priorities"),
    "category_summary": ("Category_summary", "Each category in one sentence"),
    "partner_measures": ("Partner_change", "Partner agencies' measures: change on a year"),
    "partner_years": ("Partner_years", "Partner agencies' measures by financial year"),
    "data_quality": ("Data_quality", "Files read, rows used and rejected"),
}

#: Column headers with their units, by column name; other columns are written in words.
_HEADERS: dict[str, str] = {
    "count": "Count",
    "previous": "Previous period (count)",
    "current": "Assessed period (count)",
    "change": "Change (count)",
    "pct_change": "% change",
    "force_pct_change": "Force % change",
    "rate_per_1000": "Rate per 1,000 residents",
    "group_rate": "Group rate per 1,000 residents",
    "population": "Population (residents)",
    "share": "Share (proportion, 0 to 1)",
    "cumulative_share": "Cumulative share (proportion, 0 to 1)",
    "force_share": "Force share (proportion, 0 to 1)",
    "no_location_share": "Share without a location (proportion, 0 to 1)",
    "open_share": "Share still open (proportion, 0 to 1)",
    "coverage": "Share of weight scored (proportion, 0 to 1)",
    "p_top5": "Share of weight draws in the top five (proportion, 0 to 1)",
    "pct": "Residents naming it (%)",
    "previous_pct": "Previous survey (%)",
    "change_pct_points": "Change (percentage points)",
    "p_value": "p-value",
    "q_value": "q-value (false discovery rate)",
    "months_compared": "Months compared (count)",
    "months_in_period": "Months in period (count)",
    "previous_months": "Months in previous period (count)",
    "current_months": "Months in assessed period (count)",
    "total_in_period": "Total in period (count)",
    "rows": "Records (count)",
    "rows_read": "Rows read (count)",
    "rows_used": "Rows used (count)",
    "rows_rejected": "Rows rejected (count)",
    "no_location": "Records without a location (count)",
    "lsoa": "LSOA code",
    "ci_lower": "Confidence interval lower limit",
    "ci_upper": "Confidence interval upper limit",
    "significant_fdr": "Significant (false discovery rate)",
    "change_p_value": "Change p-value",
    "vs_force": "Compared with the force",
    "rate_ratio": "Rate ratio",
    "rr_lower": "Rate ratio lower limit",
    "rr_upper": "Rate ratio upper limit",
    "month": "Month (YYYY-MM)",
}

_SUPPRESSED = re.compile(r"^<\d+$")


def _header(name: object) -> str:
    """A column's header in words, with its unit where the column has one."""
    text = str(name)
    if text in _HEADERS:
        return _HEADERS[text]
    return text.replace("_", " ")[:1].upper() + text.replace("_", " ")[1:]


def workbook_table(df: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """A published table as a sheet of ``tables.xlsx`` shows it.

    Text cells are made safe (:func:`safe_cells`); a suppressed count (``"<5"`` in the CSV)
    becomes ``[c]`` and the other counts of its column numbers again; a missing value in a
    numeric or true/false column becomes ``[x]`` (not available, never zero); a missing text
    is an empty cell. Column headers are in words, with their units.

    Parameters
    ----------
    df : pandas.DataFrame
        A published table (:meth:`Assessment.tables`).

    Returns
    -------
    tuple of (pandas.DataFrame, bool)
        The sheet's table (object columns) and whether it holds a ``[c]`` cell.
    """
    safe = safe_cells(df)
    out = pd.DataFrame(index=range(len(safe)))
    suppressed = False
    for col in safe.columns:
        values = safe[col].astype(object).tolist()
        dtype = safe[col].dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
        present = [v for v in values if not _missing(v)]
        if not numeric and present and any(isinstance(v, str) for v in present):
            # A suppressed count column: "<5" marks beside counts, as text (read from a CSV)
            # or as numbers (the table in memory holds both)
            marks = [isinstance(v, str) and bool(_SUPPRESSED.match(v)) for v in present]
            if any(marks) and all(
                m or _plain_number(v) or (isinstance(v, str) and _NUMBER.match(v))
                for m, v in zip(marks, present, strict=True)
            ):
                numeric, suppressed = True, True
                values = [
                    v
                    if _missing(v)
                    else "[c]"
                    if isinstance(v, str) and _SUPPRESSED.match(v)
                    else float(str(v).replace(",", ""))
                    for v in values
                ]
                values = [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
        cells = []
        for v in values:
            if _missing(v) or _infinite(v):
                # a ratio to nothing (a rate ratio after a year of none) has no value to show
                cells.append("[x]" if numeric else "")
            elif hasattr(v, "item"):  # a numpy scalar: a plain Python value for the writer
                cells.append(v.item())
            else:
                cells.append(v)
        out[_header(col)] = pd.Series(cells, dtype=object)
    return out, suppressed


def _quoted(df: pd.DataFrame) -> bool:
    """True when :func:`safe_cells` prefixes a cell or a column name of ``df``."""
    safe = safe_cells(df)
    if [str(c) for c in safe.columns] != [str(c) for c in df.columns]:
        return True
    for col in df.columns:
        if pd.api.types.is_numeric_dtype(df[col].dtype):
            continue
        before = df[col].astype(object).tolist()
        after = safe[col].astype(object).tolist()
        if any(isinstance(x, str) and x != y for x, y in zip(after, before, strict=True)):
            return True
    return False


def _plain_number(v: object) -> bool:
    """True for an int or a float (numpy's included), never for a bool."""
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(
        v, bool | np.bool_
    )


def _infinite(v: object) -> bool:
    """True for plus or minus infinity."""
    return _plain_number(v) and bool(np.isinf(v))


def _missing(v: object) -> bool:
    """True for None, NA and NaN (never for a string)."""
    if isinstance(v, str):
        return False
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def write_workbook(
    assessment: Assessment,
    path: str | Path,
    *,
    classification: str = defaults.MARKING,
    contact: str | None = None,
) -> Path:
    """Write ``tables.xlsx`` in the layout of the Analysis Function's guidance on releasing
    statistics in spreadsheets, with ``gptables``.

    A cover sheet (title, period, area, source, contact when given, marking), a contents sheet
    (one row per table, linked to its sheet), a notes sheet, then one table per sheet with its
    title, headers in words with units, ``[c]`` for suppressed counts and ``[x]`` for values not
    available. No merged cells, no blank rows inside a table; the same assessment gives a
    byte-identical file.

    Parameters
    ----------
    assessment : Assessment
        The computed assessment.
    path : str or Path
        The workbook to write.
    classification : str
        Protective marking, on the cover and in every table's subtitle.
    contact : str, optional
        Who to contact about the figures.

    Returns
    -------
    Path
    """
    import datetime

    import gptables as gpt

    path = Path(path)
    a = assessment
    tables = a.tables()
    names: dict[str, str] = {}
    for stem in tables:
        base = WORKBOOK_TABLES.get(stem, (stem, ""))[0][:31]
        name, n = base, 1
        while name.lower() in {v.lower() for v in names.values()} or name.lower() in {
            "cover",
            "contents",
            "notes",
        }:
            n += 1
            name = f"{base[: 31 - len(str(n)) - 1]}_{n}"
        names[stem] = name
    files = sorted({str(s) for s in a.table("data_quality").get("source", []) if s})
    source = (
        "Synthetic demo data (fictional places, not real figures)"
        if a.synthetic
        else "Police recorded crime and anti-social behaviour (data.police.uk) and the other "
        "files read, listed in the Data_quality sheet"
    )
    notes = [
        (
            "suppressed",
            f"[c] marks a count from 1 to {a.suppress_below - 1} in a small area (a small-area "
            f"table), withheld so that no person can be identified; the CSV shows it as "
            f"<{a.suppress_below}.",
        ),
        (
            "not_available",
            "[x] marks a value that is not available (not computed, or no data for it): never "
            "zero. An empty text cell holds no note.",
        ),
        (
            "formulas",
            "A text cell that would begin with =, +, - or @ begins with a single quote, so that "
            "it is shown as text and never run as a formula.",
        ),
    ]
    if a.synthetic:
        notes.append(("synthetic", "The data are synthetic: fictional places, not real figures."))
    sheets = {}
    used: list[str] = []  # the notes referred to, in order of first use (their numbers)
    for stem, df in tables.items():
        table, has_c = workbook_table(df)
        if not len(table.columns):
            continue
        if not len(table):  # a header with no rows is still a table: one row says so
            table = pd.DataFrame([["[x]"] * len(table.columns)], columns=table.columns)
        title = WORKBOOK_TABLES.get(stem, ("", stem.replace("_", " ").capitalize()))[1]
        refs = ["not_available"] + (["suppressed"] if has_c else [])
        if a.synthetic:
            refs.append("synthetic")
        if _quoted(df):
            refs.append("formulas")
        used += [r for r in refs if r not in used]
        sheets[names[stem]] = gpt.GPTable(
            table=table,
            table_name=re.sub(r"\W", "_", stem),
            title=f"{title}: {a.area}, {a.year}" + "".join(f"$${r}$$" for r in refs),
            subtitles=[f"File: tables/{stem}.csv", classification],
            instructions=(
                "This worksheet contains one table. Notes are on the Notes sheet; an empty "
                "text cell has nothing to say."
            ),
            scope=a.area,
            source=source,
        )
    text = dict(notes)
    notes_table = pd.DataFrame(
        {"Note number": used, "Note text": [text[r] for r in used]}, dtype=object
    )
    contact_lines = [str(contact)] if contact else []
    cover = gpt.Cover(
        title=f"{a.area} strategic assessment {a.year}: tables",
        intro=[
            f"Period: {a.year}, compared with {a.previous_year}",
            f"Area: {a.area}" + (f" ({a.force})" if a.force else ""),
            f"Source: {source}",
            f"Marking: {classification}",
        ],
        about=[
            "One table per sheet; the Contents sheet links to each and the Notes sheet holds "
            "the notes a table's title refers to. Shorthand: [c] a suppressed count "
            "(confidential), [x] a value not available (never zero).",
            f"Files read: {len(files)}, listed in the Data_quality sheet"
            if files
            else "Files read: see the report",
        ],
        contact=contact_lines or None,
    )
    with warnings.catch_warnings():
        # gptables warns of each empty cell: here only text cells with nothing to say, as
        # every table's instructions state ([x] marks a value not available).
        warnings.filterwarnings("ignore", r"\s*Empty or null cell", UserWarning)
        # and its own uses of pandas features that pandas 4 removes: not the user's concern.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="gptables")
        warnings.filterwarnings("ignore", category=FutureWarning, module="gptables")
        wb = gpt.produce_workbook(
            filename=str(path),
            sheets=sheets,
            cover=cover,
            contentsheet_options={"additional_elements": ["subtitles"]},
            notes_table=notes_table,
            # Cells are written as they are: a text is never turned into a formula or a link.
            workbook_options={"strings_to_formulas": False, "strings_to_urls": False},
        )
    fixed = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    wb.set_properties({"author": "csp-assess", "created": fixed})
    wb.close()
    _fix_xlsx_timestamps(path)
    return path
