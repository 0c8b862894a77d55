"""SYNTHETIC demo inputs for choosing priorities: resident survey, last year's plan, hand scores.

Everything here is fictional and labelled so in a ``note`` column on every row. The demo
partnership is :data:`csp_analysis.defaults.DEMO_AREA` ("Elderbrook"). Values are typed in, not
drawn at random, so the files are byte-for-byte the same on every run and every machine.

- ``survey.csv``: ``concern, respondents, count, period, note`` for two survey years (2024, 2025),
  about 1,100 respondents each, who could name more than one issue;
- ``plan.csv``: ``priority, activity, outcome, timescale, status, note``: four priorities with
  three activities each, statuses mixing RAG ratings and percentages complete;
- ``risk_scores.csv``: ``category, factor, score, note``: hand-entered vulnerability and
  partnership-capacity scores (1–5) for every crime category and anti-social behaviour.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from csp_analysis.defaults import DEMO_AREA

NOTE = f"Synthetic demo data: fictional {DEMO_AREA} partnership"
SURVEY_FILE = "survey.csv"
PLAN_FILE = "plan.csv"
SCORES_FILE = "risk_scores.csv"

# (respondents) and (concern, count in 2024, count in 2025). Shares in 2025: drugs 78.1%,
# ASB 64.0%, speeding 57.1%, violence 30.1%, burglary 26.8%, knife crime 26.2%, shoplifting 24.3%.
RESPONDENTS = {"2024": 1087, "2025": 1112}
SURVEY = (
    ("People using or dealing drugs", 774, 868),
    ("Anti-social behaviour", 712, 712),
    ("Speeding traffic", 596, 635),
    ("Burglary", 339, 298),
    ("Shoplifting", 191, 270),
    ("Violence", 320, 335),
    ("Knife crime", 234, 291),
)

PLAN = (
    (
        "Tackling drugs and exploitation",
        "Closure orders on premises linked to drug dealing",
        "Fewer drug-related calls from residents near closed premises",
        "Q2 2025/26",
        "Complete",
    ),
    (
        "Tackling drugs and exploitation",
        "Drug awareness sessions in secondary schools",
        "Sessions delivered in all six secondary schools",
        "March 2026",
        "75%",
    ),
    (
        "Tackling drugs and exploitation",
        "County lines referral pathway with children's services",
        "Every child at risk of exploitation referred within 48 hours",
        "December 2025",
        "Amber",
    ),
    (
        "Reducing anti-social behaviour",
        "Joint patrols in the town centre at weekends",
        "Fewer ASB incidents in the town centre",
        "Ongoing",
        "Green",
    ),
    (
        "Reducing anti-social behaviour",
        "Community Protection Warning process with housing providers",
        "One process used by all partners",
        "September 2025",
        "Complete",
    ),
    (
        "Reducing anti-social behaviour",
        "Youth diversion activities in the summer holidays",
        "Activities running in three parks",
        "August 2025",
        "100%",
    ),
    (
        "Reducing violence, including domestic abuse",
        "Refresh the serious violence needs assessment",
        "Refreshed assessment agreed by the board",
        "January 2026",
        "40%",
    ),
    (
        "Reducing violence, including domestic abuse",
        "Domestic abuse champions in GP practices",
        "A trained champion in every practice",
        "March 2026",
        "Red",
    ),
    (
        "Reducing violence, including domestic abuse",
        "Night-time economy welfare hub",
        "Hub open on Friday and Saturday nights",
        "Q3 2025/26",
        "Green",
    ),
    (
        "Reducing neighbourhood crime",
        "Target hardening for repeat burglary victims",
        "Every repeat victim offered a home security visit",
        "Ongoing",
        "Green",
    ),
    (
        "Reducing neighbourhood crime",
        "Retail crime partnership with town centre shops",
        "Shared information on prolific shoplifters",
        "December 2025",
        "Amber",
    ),
    (
        "Reducing neighbourhood crime",
        "Bicycle marking events",
        "Four events held",
        "March 2026",
        "50%",
    ),
)

# category: (vulnerability, partnership capacity), each 1-5.
SCORES = {
    "Violence and sexual offences": (5, 4),
    "Public order": (2, 3),
    "Criminal damage and arson": (2, 3),
    "Shoplifting": (1, 3),
    "Other theft": (2, 2),
    "Vehicle crime": (1, 2),
    "Burglary": (3, 4),
    "Drugs": (4, 4),
    "Other crime": (3, 2),
    "Bicycle theft": (1, 3),
    "Theft from the person": (3, 2),
    "Robbery": (4, 3),
    "Possession of weapons": (4, 3),
    "Anti-social behaviour": (3, 5),
    # the demo's flags and a theme (issue 13: ranked beside the categories)
    "Domestic abuse flagged": (5, 3),
    "Hate crime flagged": (4, 3),
    "Acquisitive crime": (2, 3),
}


def _write(path: Path, header: Sequence[str], rows: list[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def survey_rows() -> list[tuple[object, ...]]:
    """Rows of the synthetic ``survey.csv`` (both periods, 2024 first)."""
    rows: list[tuple[object, ...]] = []
    for i, period in enumerate(("2024", "2025")):
        rows += [(c, RESPONDENTS[period], counts[i], period, NOTE) for c, *counts in SURVEY]
    return rows


def write_demo_priorities(out_dir: str | Path) -> list[Path]:
    """Write the synthetic ``survey.csv``, ``plan.csv`` and ``risk_scores.csv`` into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Destination folder (created if needed); files of the same names are overwritten.

    Returns
    -------
    list of Path
        The three files written, sorted.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_demo_priorities(d)]
    ['plan.csv', 'risk_scores.csv', 'survey.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        _write(
            out / SURVEY_FILE, ["concern", "respondents", "count", "period", "note"], survey_rows()
        ),
        _write(
            out / PLAN_FILE,
            ["priority", "activity", "outcome", "timescale", "status", "note"],
            [(*row, NOTE) for row in PLAN],
        ),
        _write(
            out / SCORES_FILE,
            ["category", "factor", "score", "note"],
            [
                (cat, factor, s, NOTE)
                for cat, pair in SCORES.items()
                for factor, s in zip(("vulnerability", "partnership_capacity"), pair, strict=True)
            ],
        ),
    ]
    return sorted(paths)
