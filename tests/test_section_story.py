"""One reconciled sentence per category (issue 16 item 3): built from the published tables,
never tested again, so it agrees with the category table, the trend table, the control charts
and the district table; key findings ranked, at most eight."""

from __future__ import annotations

import pandas as pd

from csp_analysis.analyses.findings import rank_findings
from csp_analysis.analyses.story import SUMMARY_COLUMNS, category_summary, ranked
from csp_analysis.assessment import Assessment
from csp_analysis.categories import ALL_CRIME


def _yoy(**over: object) -> pd.DataFrame:
    row = {
        "category": "Robbery",
        "previous": 100,
        "current": 150,
        "change": 50,
        "pct_change": 50.0,
        "significant": True,
        "significant_fdr": True,
        "provisional": False,
        "months_compared": 12,
    }
    row.update(over)
    return pd.DataFrame([row])


def _trend(**over: object) -> pd.DataFrame:
    row = {
        "category": "Robbery",
        "periods": 4,
        "first_period": "2022/23",
        "last_period": "2025/26",
        "direction": "no significant trend",
        "significant_fdr": False,
        "seasonal_direction": "no significant trend",
        "seasonal_significant_fdr": False,
        "seasonal_months": 48,
    }
    row.update(over)
    return pd.DataFrame([row])


def _one(yoy: pd.DataFrame, **kw: object) -> pd.Series:
    out = category_summary(yoy, area="A", period_label="2025/26", period_months=["2025-04"], **kw)
    assert list(out.columns) == SUMMARY_COLUMNS
    return out.iloc[0]


def test_a_significant_rise_against_a_falling_trend_says_so() -> None:
    r = _one(_yoy(), trends=_trend(direction="decreasing", significant_fdr=True))
    assert r["sentence"] == (
        "Robbery rose 50.0% (+50), a significant rise; against a significant decreasing trend "
        "over 4 years (2022/23 to 2025/26)."
    )
    assert (r["change_verdict"], r["trend_verdict"]) == (
        "significant rise",
        "significant decreasing trend",
    )
    assert r["importance"] == 5 and r["parts"] == "change, trend"


def test_the_seasonal_trend_is_read_first_and_only_when_it_survives_the_fdr() -> None:
    seasonal = _trend(seasonal_direction="increasing", seasonal_significant_fdr=True)
    assert "increasing trend over 48 months" in _one(_yoy(), trends=seasonal)["sentence"]
    unsure = _trend(seasonal_direction="increasing", seasonal_significant_fdr=False)
    assert "no significant trend over 4 years" in _one(_yoy(), trends=unsure)["sentence"]


def test_significant_alone_but_not_over_the_family_is_normal_variation() -> None:
    r = _one(_yoy(significant_fdr=False))
    assert r["change_verdict"] == "within normal variation"
    assert "once the number of categories tested is allowed for" in r["sentence"]
    assert "significant rise" not in r["sentence"] and r["importance"] == 0


def test_a_provisional_change_has_no_verdict() -> None:
    r = _one(_yoy(provisional=True, months_compared=5))
    assert r["change_verdict"] == "provisional" and "rose" not in r["sentence"]
    assert "150 against 100 on only 5 months" in r["sentence"]
    missing = _one(_yoy(previous=pd.NA, change=pd.NA, pct_change=pd.NA))
    assert missing["change_verdict"] == "no comparison" and missing["importance"] == 0


def test_unusual_months_count_only_the_period_and_say_which_side() -> None:
    spc = pd.DataFrame(
        {
            "category": ["Robbery"] * 4,
            "month": ["2025-03", "2025-04", "2025-05", "2025-06"],
            "signal": ["outside limits", "outside limits", "", "shift of 7 on one side"],
            "value": [30.0, 30.0, 10.0, 5.0],
            "mean": [10.0, 10.0, 10.0, 10.0],
        }
    )
    out = category_summary(
        _yoy(significant_fdr=False, significant=False),
        area="A",
        period_label="2025/26",
        period_months=["2025-04", "2025-05", "2025-06"],
        spc=spc,
    ).iloc[0]
    assert out["unusual_months"] == 2  # March is before the period
    assert out["sentence"].endswith(
        "2 months outside the usual pattern in 2025/26 (1 above, 1 below the usual level)."
    )
    assert out["importance"] == 1


def test_the_force_is_named_for_all_crime_only_when_the_counts_are_the_same() -> None:
    yoy = _yoy(category=ALL_CRIME)
    districts = pd.DataFrame(
        {
            "area": ["a", "B"],
            "previous": [100, 5],
            "current": [150, 6],
            "vs_force": ["rose more than Force (+2.3%)", "x"],
        }
    )
    r = _one(yoy, districts=districts)
    assert r["force"] == "rose more than Force (+2.3%)" and "force" in r["parts"]
    assert ", rose more than Force (+2.3%)" in r["sentence"]
    other = districts.assign(current=[149, 6])
    assert pd.isna(_one(yoy, districts=other)["force"])


def test_ranking_puts_significant_changes_first_then_trends_then_unusual_months() -> None:
    summary = pd.DataFrame(
        {
            "category": ["A", "B", "C", "D", ALL_CRIME],
            "importance": [1, 2, 0, 3, 1],
            "unusual_months": [2, 0, 0, 0, 2],
        }
    )
    assert list(ranked(summary)["category"]) == ["D", "B", ALL_CRIME, "A"]


def test_rank_findings_keeps_each_sentence_once_and_at_most_the_limit() -> None:
    by = {
        "change": ["Head.", "ASB.", "The largest rises were in x.", "Data are incomplete: y."],
        "story": ["S1.", "S2."],
        "survey": ["R1.", "R2."],
        "priorities": ["The recommended priorities are: p.", "p (rank 1): why."],
    }
    out = rank_findings(by, limit=8)
    assert out == [
        "Head.",
        "ASB.",
        "S1.",
        "S2.",
        "Data are incomplete: y.",
        "The recommended priorities are: p.",
        "R1.",
        "The largest rises were in x.",
    ]
    assert rank_findings(by, limit=3) == out[:3]


# ------------------------------------------------------------------------------- on the demo


def test_demo_sentences_agree_with_the_published_tables(demo_assessment: Assessment) -> None:
    """Every part of every sentence is what the change, district, trend and control-chart
    tables say (recounted here from those tables' own columns)."""
    a = demo_assessment
    summary = a.table("category_summary")
    yoy = a.table("yoy_categories").set_index("category")
    trends = a.table("trends").set_index("category")
    spc = a.table("spc_signals")
    districts = a.table("district_change")
    assert list(summary["category"]) == list(yoy.index)
    in_year = spc[spc["month"].isin(a.period.months)]
    for r in summary.itertuples():
        y = yoy.loc[r.category]
        # the change: direction and verdict
        assert (" rose " in r.sentence) == (y["change"] > 0), r.sentence
        assert (" fell " in r.sentence) == (y["change"] < 0), r.sentence
        assert f"{abs(y['pct_change']):.1f}%" in r.sentence and f"({y['change']:+,})" in r.sentence
        sig = bool(y["significant_fdr"])
        assert ("a significant rise" in r.sentence or "a significant fall" in r.sentence) == sig
        assert ("within normal variation" in r.sentence) == (not sig)
        # the trend
        t = trends.loc[r.category]
        trend_sig = bool(t["significant_fdr"]) or bool(t["seasonal_significant_fdr"])
        assert ("no significant trend" in r.sentence) == (not trend_sig), r.sentence
        # the unusual months of the period
        n = int((in_year[in_year["category"] == r.category]["signal"].fillna("") != "").sum())
        assert r.unusual_months == n
        if n:
            assert f"{n} month{'s' if n != 1 else ''} outside the usual pattern" in r.sentence
        else:
            assert "no month outside the usual pattern" in r.sentence
    # the force, for All crime
    own = districts[districts["area"] == a.area]
    row = summary[summary["category"] == ALL_CRIME].iloc[0]
    assert row["force"] == own["vs_force"].iloc[0] and own["vs_force"].iloc[0] in row["sentence"]


def test_demo_key_findings_are_ranked_and_at_most_eight(demo_assessment: Assessment) -> None:
    a = demo_assessment
    top = a.top_findings()
    assert 3 <= len(top) <= 8 and len(set(top)) == len(top)
    assert set(top) <= set(a.findings)
    assert top[0] == a.findings[0]  # the All crime headline leads
    story = a.section("story").findings
    assert story and all(s in top for s in story)  # the categories that stand out come next
    assert any(f.startswith("The recommended priorities") for f in top)
    assert "category_summary" in a.tables()
