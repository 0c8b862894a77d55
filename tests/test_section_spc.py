"""The control-chart section: the baseline that sets the limits is the analyst's choice
(``assess(..., spc_baseline_months=N)``, ``csp-assess run/batch --spc-baseline N``, the report
notebook's ``spc_baseline_months``), passed down once, and the report names its months."""

from __future__ import annotations

import numpy as np
import pytest

from csp_analysis.assessment import Assessment, assess
from csp_analysis.cli import build_parser
from csp_analysis.exceptions import UsageError
from csp_analysis.model import Dataset
from csp_analysis.periods import month_label, shift_month
from csp_analysis.sections.spc import SECTION


def _note(a: Assessment) -> str:
    """The method note the report prints under the charts (the last block of the section)."""
    return SECTION.render(a.results["spc"], a)[-1].data


def test_a_shorter_baseline_changes_the_limits_and_the_note_names_its_months(
    demo_dataset: Dataset, demo_assessment: Assessment
) -> None:
    short = assess(demo_dataset, demo_assessment.area, demo_assessment.period,
                   spc_baseline_months=12)  # fmt: skip
    assert demo_assessment.spc_baseline_months == 36 and short.spc_baseline_months == 12
    first = demo_assessment.period.months[0]
    for a, months in ((demo_assessment, 36), (short, 12)):
        spc = a.results["spc"].table("spc_signals")
        crime = spc[spc["category"] == "All crime"]
        base = crime[crime["baseline"]]
        # the limits come from the N months just before the period, none of the period itself
        expected = [shift_month(first, -k) for k in range(months, 0, -1)]
        assert list(base["month"]) == expected
        assert not set(base["month"]) & set(a.period.months)
        # the centre line is the mean of those months' charted values (by hand)
        assert crime["mean"].iloc[0] == pytest.approx(np.nanmean(base["value"].astype(float)))
        note = _note(a)
        span = f"{month_label(expected[0])} to {month_label(expected[-1])}"
        assert span in note and f"the {months} months before it" in note, note
    long_spc = demo_assessment.results["spc"].table("spc_signals")
    short_spc = short.results["spc"].table("spc_signals")
    long_crime = long_spc[long_spc["category"] == "All crime"]
    short_crime = short_spc[short_spc["category"] == "All crime"]
    assert short_crime["mean"].iloc[0] != pytest.approx(long_crime["mean"].iloc[0])
    assert short_crime["upper"].iloc[0] != pytest.approx(long_crime["upper"].iloc[0])
    # a 12-month baseline cannot give each calendar month's seasonal pattern: not adjusted
    assert "seasonally adjusted" not in set(short_crime["chart"].astype(str))


def test_a_baseline_too_short_is_refused(demo_dataset: Dataset) -> None:
    for bad in (11, 0, 24.0, True, "36"):
        with pytest.raises(UsageError, match="control-chart baseline"):
            assess(demo_dataset, spc_baseline_months=bad)  # type: ignore[arg-type]


def test_the_command_line_option() -> None:
    parser = build_parser()
    for command in ("run", "batch"):
        extra = ["--all"] if command == "batch" else []
        args = parser.parse_args([command, *extra])
        assert args.spc_baseline == 36
        args = parser.parse_args([command, *extra, "--spc-baseline", "24"])
        assert args.spc_baseline == 24
    with pytest.raises(Exception, match="at least 12"):
        parser.parse_args(["run", "--spc-baseline", "6"])


def test_the_note_says_when_the_period_set_its_own_limits() -> None:
    # With fewer than 2 months before the period the limits fall back to every month charted
    # (statistics.spc.spc_signals): the note must not claim a baseline before the period.
    import pandas as pd

    from csp_analysis.sections.spc import _method_note
    from csp_analysis.statistics.spc import spc_signals

    months = [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    monthly = pd.DataFrame({"month": months, "category": "Robbery", "count": [12, 15] * 6})
    spc = spc_signals(monthly, baseline_end="2025-03", baseline_months=36)
    assert spc["baseline"].all()
    note = _method_note(spc, {"baseline_months": 36, "period_months": tuple(months)})
    assert "Too few months came before the assessed period" in note
    assert "April 2025 to March 2026" in note and "the assessed period included" in note
    assert "so the period is judged against a range it did not set" not in note


def test_chart_title_of_a_provisional_year_claims_no_significant_change() -> None:
    """Two months compared (Thurrock 2018/19 on the shared files): the control chart's title
    says the year's change is provisional, as the category table does, never "significant"."""
    import pandas as pd

    from csp_analysis.sections.spc import _title

    change = pd.DataFrame(
        {
            "category": ["All crime"],
            "change": [624],
            "significant_fdr": [True],
            "provisional": [True],
        }
    )
    title = _title("All crime", 6, "2018/19", change)
    assert title == (
        "All crime: 6 months outside the usual pattern in 2018/19; the year's change is provisional"
    )
    whole = change.assign(provisional=False)
    assert _title("All crime", 6, "2018/19", whole).endswith("with a significant rise")
