"""The deep-dive notebook runs, through papermill and nbconvert, for every demo category."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_analysis.cli import main
from csp_analysis.model import Dataset
from csp_analysis.report.run import run_report

pytestmark = pytest.mark.slow


def test_deep_dive_runs_for_every_demo_category(demo_dataset: Dataset, tmp_path: Path) -> None:
    ds = demo_dataset
    categories = ["All crime", *ds.categories]
    # 13 police.uk crime types, ASB and the demo's two flags (tidy counts, no places)
    assert len(categories) == 17
    flags = set(ds.cmap.of_kind("flag")) & set(ds.categories)
    assert flags == {"Domestic abuse flagged", "Hate crime flagged"}
    for category in categories:
        html = run_report(ds, out=tmp_path, category=category)
        text = html.read_text(encoding="utf-8")
        assert f"{category} in Elderbrook: deep dive, 2025/26" in text, category
        assert "Traceback" not in text and "show.deep_dive" not in text
        assert text.count("data:image/png;base64,") >= 2, category
        if category != "Anti-social behaviour" and category not in flags:
            assert "Elderbrook 0" in text  # the places table names LSOAs


def test_unknown_category_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["run", "--category", "Shoplifing", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "Did you mean 'Shoplifting'?" in err
