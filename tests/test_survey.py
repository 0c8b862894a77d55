"""Public concern from the resident survey: Wilson intervals, ranks, comparison, validation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from csp_analysis.analyses.partnership import read_survey
from csp_analysis.exceptions import DataError, TableError
from csp_analysis.statistics.survey import _wilson, public_concern


def survey(rows: list[tuple]) -> pd.DataFrame:
    cols = ["concern", "respondents", "count", "period"][: len(rows[0])]
    return pd.DataFrame(rows, columns=cols)


def test_wilson_check_value_from_domain() -> None:
    # DOMAIN.md: Proportion CI (Wilson), 30/120 -> 0.1811-0.3344.
    t = public_concern(survey([("Burglary", 120, 30)]))
    row = t.iloc[0]
    assert row["pct"] == 25.0
    assert round(row["ci_lower"], 2) == 18.11
    assert round(row["ci_upper"], 2) == 33.44


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_wilson_matches_statsmodels_over_a_grid(level: float) -> None:
    # Reference: statsmodels.stats.proportion.proportion_confint(count, nobs,
    #     alpha=1 - level, method="wilson")
    for n in (1, 2, 3, 5, 10, 37, 120, 1000, 1112):
        counts = np.unique(np.linspace(0, n, num=min(n + 1, 25)).round().astype(int))
        lo, hi = _wilson(counts, np.full(counts.shape, n), level)
        ref_lo, ref_hi = proportion_confint(counts, n, alpha=1 - level, method="wilson")
        np.testing.assert_allclose(lo, ref_lo, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(hi, ref_hi, rtol=1e-10, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 5000), frac=st.floats(0, 1))
def test_interval_contains_the_share_and_stays_in_0_100(n: int, frac: float) -> None:
    x = int(round(frac * n))
    r = public_concern(survey([("A", n, x)])).iloc[0]
    assert 0.0 <= r["ci_lower"] <= r["pct"] <= r["ci_upper"] <= 100.0


def test_extremes_zero_and_all() -> None:
    t = public_concern(survey([("None", 50, 0), ("All", 50, 50)])).set_index("concern")
    assert t.at["None", "ci_lower"] == 0.0 and t.at["None", "pct"] == 0.0
    assert t.at["All", "ci_upper"] == 100.0 and t.at["All", "pct"] == 100.0


def test_columns_percent_and_rank_with_ties() -> None:
    t = public_concern(
        survey(
            [("Speeding", 200, 50), ("Drugs", 200, 150), ("Burglary", 200, 50), ("Litter", 200, 10)]
        )
    )
    assert list(t.columns) == [
        "concern",
        "respondents",
        "count",
        "pct",
        "ci_lower",
        "ci_upper",
        "rank",
    ]
    assert list(t["concern"]) == ["Drugs", "Burglary", "Speeding", "Litter"]
    assert list(t["rank"]) == [1, 2, 2, 4]  # ties share the better rank
    assert list(t["pct"]) == [75.0, 25.0, 25.0, 5.0]


def test_comparison_with_previous_period_pinned_by_hand() -> None:
    rows = [
        ("Drugs", 120, 30, "2024"),
        ("Drugs", 120, 60, "2025"),  # 25% -> 50%
        ("burglary ", 120, 30, "2024"),
        ("Burglary", 120, 36, "2025"),  # 25% -> 30%
        ("Knife crime", 120, 12, "2025"),  # new question
        ("Litter", 120, 40, "2024"),  # dropped question
    ]
    t = public_concern(survey(rows)).set_index("concern")
    assert list(t.index) == ["Drugs", "Burglary", "Knife crime"]  # latest period only
    assert (t["period"] == "2025").all()
    d = t.loc["Drugs"]
    assert d["previous_pct"] == 25.0 and d["change_pct_points"] == 25.0
    # 30/120 -> 18.11-33.44%; 60/120: (120 + z² ∓ z√(z² + 120)) / (2(120 + z²)) with z = 1.96
    # -> 41.19-58.81% (by hand): the intervals do not overlap.
    assert round(d["ci_lower"], 2) == 41.19 and round(d["ci_upper"], 2) == 58.81
    assert not bool(d["intervals_overlap"])
    b = t.loc["Burglary"]
    assert b["change_pct_points"] == pytest.approx(5.0)
    assert bool(b["intervals_overlap"]) is True
    k = t.loc["Knife crime"]
    assert pd.isna(k["previous_pct"]) and pd.isna(k["intervals_overlap"])
    assert pd.isna(k["previous_period"]) and t.at["Drugs", "previous_period"] == "2024"


def test_change_test_finds_a_change_the_overlap_check_misses() -> None:
    # The audit's case: 40.0% -> 35.6% of 1,000 (-4.4 points): the two Wilson intervals overlap,
    # but statsmodels test_proportions_2indep(356, 1000, 400, 1000, method="score",
    # correction=False).pvalue = 0.0425 and confint_proportions_2indep(..., method="newcomb")
    # leaves out 0.
    from statsmodels.stats.proportion import (
        confint_proportions_2indep,
        test_proportions_2indep,
    )

    rows = [("Drugs", 1000, 400, "2024"), ("Drugs", 1000, 356, "2025")]
    r = public_concern(survey(rows)).iloc[0]
    assert bool(r["intervals_overlap"]) is True
    assert bool(r["change_significant"]) is True
    expected_p = test_proportions_2indep(356, 1000, 400, 1000, method="score", correction=False)
    assert r["change_p_value"] == pytest.approx(expected_p.pvalue, rel=1e-9)
    lo, hi = confint_proportions_2indep(356, 1000, 400, 1000, method="newcomb", compare="diff")
    assert (r["change_ci_lower"], r["change_ci_upper"]) == pytest.approx((100 * lo, 100 * hi))
    assert r["change_ci_upper"] < 0


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_two_proportion_change_against_statsmodels_over_a_grid(level: float) -> None:
    from statsmodels.stats.proportion import (
        confint_proportions_2indep,
        proportions_ztest,
    )

    from csp_analysis.statistics.survey import two_proportion_change

    for n1, n2 in [(50, 80), (400, 400), (1112, 987)]:
        for x1 in range(0, n1 + 1, max(1, n1 // 7)):
            for x2 in range(0, n2 + 1, max(1, n2 // 5)):
                p, lo, hi = two_proportion_change(
                    np.array([x1]), np.array([n1]), np.array([x2]), np.array([n2]), level
                )
                elo, ehi = confint_proportions_2indep(
                    x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - level
                )
                assert (lo[0], hi[0]) == pytest.approx((elo, ehi), abs=1e-12)
                if 0 < x1 + x2 < n1 + n2:
                    ep = proportions_ztest([x1, x2], [n1, n2])[1]
                    assert p[0] == pytest.approx(ep, rel=1e-9, abs=1e-15)


def test_three_periods_compare_latest_with_the_one_before() -> None:
    rows = [("A", 100, 10, "2023"), ("A", 100, 20, "2024"), ("A", 100, 40, "2025")]
    r = public_concern(survey(rows)).iloc[0]
    assert r["period"] == "2025" and r["previous_period"] == "2024"
    assert r["previous_pct"] == 20.0 and r["change_pct_points"] == 20.0


def test_single_period_column_has_no_previous() -> None:
    r = public_concern(survey([("A", 100, 10, "2025")])).iloc[0]
    assert pd.isna(r["previous_pct"]) and pd.isna(r["intervals_overlap"])


@pytest.mark.parametrize(
    ("rows", "column", "row", "words"),
    [
        ([("A", 100, 101)], "count", 1, "more than the 100 respondents"),
        ([("A", 100, 5), ("B", 100, -1)], "count", 2, "negative"),
        ([("A", -5, 1)], "respondents", 1, "negative"),
        ([("A", 0, 0)], "respondents", 1, "more than 0"),
        ([("A", 100, 5), ("", 100, 5)], "concern", 2, "blank concern"),
        ([("A", 100, 5), ("B", "", 5)], "respondents", 2, "blank"),
        ([("A", 100, "many")], "count", 1, "not a number"),
        ([("A", 100, 2.5)], "count", 1, "whole number"),
        ([("A", 100, 5), ("a ", 100, 6)], "concern", 2, "appears twice"),
    ],
)
def test_validation_names_column_and_row(rows: list, column: str, row: int, words: str) -> None:
    # A statistic raises ValueError (TableError) naming column and 1-based row, not DataError.
    with pytest.raises(TableError) as err:
        public_concern(survey(rows))
    assert isinstance(err.value, ValueError) and not isinstance(err.value, DataError)
    assert err.value.column == column
    assert err.value.row == row
    assert words in str(err.value)
    assert f"row {row}, column '{column}'" in str(err.value)


def test_duplicate_only_within_a_period_and_blank_period() -> None:
    ok = public_concern(survey([("A", 100, 5, "2024"), ("A", 100, 6, "2025")]))
    assert len(ok) == 1
    with pytest.raises(TableError) as err:
        public_concern(survey([("A", 100, 5, "2024"), ("A", 100, 6, " ")]))
    assert (err.value.column, err.value.row) == ("period", 2)


def test_missing_column_named() -> None:
    with pytest.raises(TableError) as err:
        public_concern(pd.DataFrame({"concern": ["A"], "count": [1]}))
    assert err.value.column == "respondents"


def test_read_survey_from_file_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "my_survey.csv"
    p.write_text(
        "concern,respondents,count,note\nDrugs,1112,868,x\nASB,1112,,x\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as err:
        read_survey(p)
    assert str(err.value).startswith("my_survey.csv, line 3, column 'count'")
    p.write_text(
        'concern,respondents,count\n People using or dealing drugs ,"1,112",868\n', encoding="utf-8"
    )
    r = read_survey(p).iloc[0]
    assert r["concern"] == "People using or dealing drugs" and r["respondents"] == 1112
    assert math.isclose(r["pct"], 100 * 868 / 1112)


def test_changes_are_a_family_benjamini_hochberg_against_statsmodels() -> None:
    # Six concerns asked in both surveys and one new one. Each change's p-value is the score
    # test of statsmodels test_proportions_2indep(method="score", correction=False); the
    # family's q-values are statsmodels multipletests(p, method="fdr_bh")[1] over the six
    # compared (the new concern is not in the family). Drugs (-4.4 points, p = 0.0425, its
    # Newcombe interval leaves out 0) does not survive among six: named by neither.
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import test_proportions_2indep

    before = {"Drugs": 400, "Speeding": 300, "Litter": 250, "ASB": 200, "Burglary": 150,
              "Knife crime": 100}  # fmt: skip
    after = {"Drugs": 356, "Speeding": 380, "Litter": 245, "ASB": 205, "Burglary": 152,
             "Knife crime": 99}  # fmt: skip
    rows = [(c, 1000, x, "2024") for c, x in before.items()]
    rows += [(c, 1000, x, "2025") for c, x in after.items()] + [("Fraud", 1000, 90, "2025")]
    t = public_concern(survey(rows)).set_index("concern")
    names = list(before)
    p = [
        test_proportions_2indep(
            after[c], 1000, before[c], 1000, method="score", correction=False
        ).pvalue  # fmt: skip
        for c in names
    ]
    reject, q, _, _ = multipletests(p, alpha=0.05, method="fdr_bh")
    assert t.loc[names, "change_p_value"].to_numpy() == pytest.approx(p, rel=1e-9)
    assert t.loc[names, "change_q_value"].to_numpy() == pytest.approx(q, rel=1e-12)
    assert pd.isna(t.at["Fraud", "change_q_value"]) and pd.isna(
        t.at["Fraud", "change_significant_fdr"]
    )
    fdr = t.loc[names, "change_significant_fdr"].astype(bool).to_numpy()
    sig = t.loc[names, "change_significant"].astype(bool).to_numpy()
    assert list(fdr) == list(reject & sig)
    assert bool(t.at["Speeding", "change_significant_fdr"]) is True
    assert bool(t.at["Drugs", "change_significant"]) is True
    assert bool(t.at["Drugs", "change_significant_fdr"]) is False
    assert t.at["Drugs", "change_q_value"] > 0.05


def test_findings_name_only_changes_that_survive_the_family() -> None:
    from csp_analysis.analyses.findings_priorities import _concern_sentences

    rows = [("Drugs", 1000, 400, "2024"), ("Drugs", 1000, 356, "2025")]
    rows += [(f"Issue {i}", 1000, 200, "2024") for i in range(5)]
    rows += [(f"Issue {i}", 1000, 201, "2025") for i in range(5)]
    alone = _concern_sentences(public_concern(survey(rows[:2])))
    among = _concern_sentences(public_concern(survey(rows)))
    assert any(s.startswith("Concern about drugs fell") for s in alone)
    assert not any(s.startswith("Concern about drugs") for s in among)


def test_survey_table_says_which_changes_survive_the_family() -> None:
    from types import SimpleNamespace

    from csp_analysis.sections.base import SectionResult
    from csp_analysis.sections.survey import render

    rows = [("Drugs", 1000, 400, "2024"), ("Drugs", 1000, 356, "2025")]
    rows += [(f"Issue {i}", 1000, 200, "2024") for i in range(5)]
    rows += [(f"Issue {i}", 1000, 201, "2025") for i in range(5)]
    table = public_concern(survey(rows))
    blocks = render(SectionResult("survey", {"public_concern": table}), SimpleNamespace(alpha=0.05))
    html, note = blocks[0].data, blocks[1].data
    from statsmodels.stats.proportion import confint_proportions_2indep

    lo, hi = confint_proportions_2indep(356, 1000, 400, 1000, method="newcomb", compare="diff")
    assert hi < 0  # the interval leaves out 0, but Drugs does not survive among six
    cell = f"-4.4 ({100 * lo:+.1f} to {100 * hi:+.1f}), could be chance among the concerns compared"
    assert cell in html
    assert html.count("within chance") == 5 and "a real change" not in html
    assert "Because 6 concerns are compared at once" in note
