"""One area's strategic assessment: every report section computed from a dataset.

:func:`assess` runs the sections of the registry (:func:`csp_analysis.sections.registry`) in
order and keeps their results; the :class:`Assessment` holds the area, the period, the force and
those results, never the dataset. An analyst can call it in JupyterLab; the runner calls it once
per report and writes the published tables itself (see ``docs/data.md``).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from csp_analysis import defaults
from csp_analysis.analyses.findings import rank_findings
from csp_analysis.analyses.periods import resolve_period
from csp_analysis.defaults import DEMO_AREA
from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset, load
from csp_analysis.periods import Period
from csp_analysis.sections import Context, SectionResult, registry

__all__ = ["Assessment", "assess", "check_spc_baseline", "open_assessment", "safe_cells"]

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
        (['data_coverage', 'yoy_categories', 'monthly_counts'], 'data_quality')
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
            safe_cells(df).to_csv(path, index=False, lineterminator="\n")
            written.append(path)
        xlsx = out / "tables.xlsx"
        with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
            for name, df in tables.items():
                safe_cells(df).to_excel(writer, sheet_name=name[:31], index=False)
            writer.book.properties.creator = "csp-assess"
        _fix_xlsx_timestamps(xlsx)
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
        path.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
        return path


def open_assessment(path: str | Path) -> Assessment:
    """Read an assessment written by :meth:`Assessment.dump` (the runner does, for the kernel).

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
    """
    value = pickle.loads(Path(path).read_bytes())  # noqa: S301 - written by the runner itself
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
