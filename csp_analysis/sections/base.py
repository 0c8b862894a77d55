"""What a report section is: a builder that computes and a renderer that only formats.

A section module (one per report section, in this package) defines a module-level ``SECTION``
(:class:`Section`): its name, its place in the report (``order``), its title, a ``build``
function ``Context -> SectionResult`` and a ``render`` function ``(SectionResult, Report) ->
list of display blocks``. The registry (:func:`csp_analysis.sections.registry`) finds every
section module of the package, so adding a section means adding its module, its text in the
report notebook and its test: nothing else.

A :class:`SectionResult` carries everything the section publishes: its tables (the numbers
behind every chart included), its key-finding sentences, notes shown with it, a few named facts
(scalars) and, when it cannot be computed, its *gap*: one plain-English sentence saying what is
missing and which file would fill it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from csp_analysis import defaults
from csp_analysis.periods import Period, parse_period

if TYPE_CHECKING:
    from csp_analysis.model import Dataset

__all__ = ["Context", "Report", "Section", "SectionResult", "gap"]


@dataclass(frozen=True)
class SectionResult:
    """What one section computed for one area and year.

    Attributes
    ----------
    name : str
        The section's name (``Section.name``).
    tables : Mapping of str to pandas.DataFrame
        Published tables by file stem, in report order: every number the section prints or
        draws is in one of them, in its published form (small counts suppressed).
    findings : tuple of str
        Key-finding sentences, in order.
    notes : tuple of str
        Plain-English notes shown with the section (how peers were chosen, months compared).
    facts : Mapping of str to object
        Named scalars the renderer or the headline uses (a population, a sentence).
    gap : str or None
        Why the section could not be computed and which input would fill it; ``None`` when
        it was computed.
    """

    name: str
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    findings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    gap: str | None = None

    @property
    def available(self) -> bool:
        """True when the section was computed (it has no gap)."""
        return self.gap is None

    def table(self, name: str) -> pd.DataFrame:
        """One published table of the section, or an empty frame when it has none of that name.

        Parameters
        ----------
        name : str
            The table's file stem, e.g. ``"yoy_categories"``.

        Returns
        -------
        pandas.DataFrame
            The table itself (copy it before changing it).
        """
        return self.tables.get(name, pd.DataFrame())


def gap(name: str, text: str, **facts: Any) -> SectionResult:
    """A section result that could not be computed, with the reason.

    Parameters
    ----------
    name : str
        The section's name.
    text : str
        What is missing and which file would fill it, in plain English (no paths, no code).
    **facts
        Facts to keep all the same (e.g. the area's force).

    Returns
    -------
    SectionResult
        With ``gap`` set and no tables.

    Examples
    --------
    >>> gap("survey", "No resident survey was given: add survey.csv.").available
    False
    """
    return SectionResult(name=name, gap=text, facts=facts)


@dataclass(frozen=True)
class Context:
    """What a section's ``build`` receives: the data, the choices and the earlier sections.

    Attributes
    ----------
    dataset : Dataset
        The validated data (:func:`csp_analysis.load`).
    area : str
        The partnership area (as in ``dataset.areas``).
    period : Period or str
        The assessed period (a financial year, a quarter or twelve months ending a month),
        parsed once by :func:`csp_analysis.assess`; a string is parsed on construction.
    force : str or None
        The area's police force, when known.
    alpha : float
        Significance level of the tests.
    suppress_below : int
        Small-area counts from 1 to ``suppress_below - 1`` are suppressed.
    results : Mapping of str to SectionResult
        Sections built before this one (in registry order), by name.
    min_months : int
        A change compared on fewer months than this is provisional.
    spc_baseline_months : int
        How many months before the assessed period set a control chart's limits.
    """

    dataset: Dataset
    area: str
    period: Period
    force: str | None
    alpha: float
    suppress_below: int
    results: Mapping[str, SectionResult] = field(default_factory=dict)
    min_months: int = defaults.MIN_MONTHS
    spc_baseline_months: int = defaults.SPC_BASELINE_MONTHS

    def __post_init__(self) -> None:
        # An analyst building one section by hand may name the period in words ("2025/26",
        # "2024-07..2025-06"): it is parsed here, once, like ``assess`` does.
        if not isinstance(self.period, Period):
            object.__setattr__(self, "period", parse_period(self.period))

    @property
    def year(self) -> str:
        """The assessed period in words (``"2025/26"``, ``"12 months to June 2025"``)."""
        return self.period.label

    @property
    def previous_period(self) -> Period:
        """The comparison period: the same months a year earlier."""
        return self.period.previous()

    @property
    def previous_year(self) -> str:
        """The comparison period in words (the financial year before :attr:`year`)."""
        return self.period.previous().label

    def local_table(self, name: str, by_area: bool = True) -> pd.DataFrame | None:
        """One of the partnership's own tables (survey, plan, peers, risk scores, indicators,
        ward lookup), as read and checked by the ingest layer.

        Parameters
        ----------
        name : str
            The table's name in ``dataset.tables``.
        by_area : bool
            Keep only the area's rows when the table has an ``area`` column.

        Returns
        -------
        pandas.DataFrame or None
            Without the bookkeeping columns ``source, line, note``; ``None`` when the data
            folder has no such table.
        """
        table = self.dataset.tables.get(name)
        if table is None or not len(table):
            return None
        if by_area and "area" in table.columns:
            table = table[table["area"].str.casefold() == self.area.casefold()]
        drop = ["source", "line", "note"]
        return table.drop(columns=drop, errors="ignore").reset_index(drop=True)

    def earlier(self, name: str) -> SectionResult:
        """The result of a section built before this one.

        Parameters
        ----------
        name : str
            The earlier section's name.

        Returns
        -------
        SectionResult

        Raises
        ------
        KeyError
            If no section of that name was built earlier (a registry order mistake).
        """
        return self.results[name]


class Report(Protocol):
    """What a renderer may read: the assessment (:class:`csp_analysis.assessment.Assessment`).

    A protocol: a type for checking against, never instantiated itself.

    Parameters
    ----------
    *args, **kwargs
        Not accepted: instantiating a protocol raises ``TypeError``.
    """

    area: str
    period: Period
    force: str | None
    synthetic: bool
    alpha: float
    suppress_below: int
    min_months: int
    spc_baseline_months: int
    results: Mapping[str, SectionResult]

    @property
    def year(self) -> str:
        """The assessed period in words (``"2025/26"``, ``"12 months to June 2025"``)."""
        ...

    @property
    def previous_year(self) -> str:
        """The comparison period in words (the financial year before :attr:`year`)."""
        ...


Render = Callable[[SectionResult, Report], list[Any]]
Headline = Callable[[SectionResult], Mapping[str, str]]


@dataclass(frozen=True)
class Section:
    """One report section: how it is computed and how it is shown.

    Attributes
    ----------
    name : str
        Short name, used by the notebook (``show(assessment, "change")``) and the results.
    order : int
        Place in the report and in the build (lower first); a section may read the results of
        sections with a lower order.
    title : str
        The section's heading in the report.
    build : callable
        ``build(context) -> SectionResult``.
    render : callable
        ``render(result, report) -> list`` of display blocks (IPython ``Markdown``/``HTML``);
        formatting only, never a statistic. Called only for a result without a gap: the
        report shows a section's gap itself.
    headline : callable, optional
        ``headline(result) -> dict`` of short strings for the batch index.
    """

    name: str
    order: int
    title: str
    build: Callable[[Context], SectionResult]
    render: Render
    headline: Headline | None = None
