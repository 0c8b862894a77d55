"""The project's defaults in one place: every function and command takes its default from here.

A foundation module: constants only, importing nothing of the project, so every layer
(statistics included) may use it.

Examples
--------
>>> SUPPRESS_BELOW, MARKING, ALPHA
(5, 'OFFICIAL', 0.05)
>>> round(Z_95, 4), round(Z_998, 4)
(1.96, 3.0902)
"""

from __future__ import annotations

from statistics import NormalDist

#: Counts from 1 to this minus one are shown as ``<5`` in published tables (0 is shown).
SUPPRESS_BELOW: int = 5
#: Government Security Classification marking printed on every page of the report.
MARKING: str = "OFFICIAL"
#: Significance level of the tests (a change or trend is significant when p < ALPHA).
ALPHA: float = 0.05
#: Confidence level of intervals and the inner funnel limit (95%).
LEVEL_95: float = 0.95
#: Confidence level of the outer funnel limit (99.8%), as Fingertips uses.
LEVEL_998: float = 0.998
#: The two levels every rate table carries, as Fingertips shows them.
LEVELS: tuple[float, float] = (LEVEL_95, LEVEL_998)
#: Two-sided standard normal quantiles of the levels: 1.959964 (quoted as 1.96) and 3.090232
#: (quoted by Fingertips as 3.0902); equal to ``scipy.stats.norm.ppf(0.975)`` and ``(0.999)``.
Z_95: float = NormalDist().inv_cdf(1 - (1 - LEVEL_95) / 2)
Z_998: float = NormalDist().inv_cdf(1 - (1 - LEVEL_998) / 2)
#: Months before the assessed year that fix a control chart's limits (the assessed year never
#: sets its own limits).
SPC_BASELINE_MONTHS: int = 36
#: Below this many a month (baseline mean) a control chart is a Poisson c-chart, not XmR.
SPC_C_CHART_BELOW: float = 10.0
#: Random weight sets drawn to test how stable the priority ranking is.
SENSITIVITY_DRAWS: int = 1000
#: Relative half-width of the uniform variation of each weight (0.5: ±50%).
SENSITIVITY_SPREAD: float = 0.5
#: Seed of the random draws (the same seed gives the same result).
SENSITIVITY_SEED: int = 0
#: How many priorities are recommended (and the size of the "top" group in the sensitivity).
PRIORITIES: int = 5
#: How many key findings the report leads with (ranked by importance; the full list is in
#: ``key_findings.md``).
TOP_FINDINGS: int = 8
#: The fictional partnership of the built-in synthetic demo data.
DEMO_AREA: str = "Elderbrook"
#: A change is provisional (shown, but kept out of headlines, chart titles, priorities and the
#: batch index) when fewer months than this of the twelve are present in both periods.
MIN_MONTHS: int = 9
