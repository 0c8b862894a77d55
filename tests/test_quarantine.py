"""Every rejected row is listed with its file, line, column and reason (the quarantine)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.analyses.quality import data_quality
from csp_analysis.cli import main
from csp_analysis.model import load
from tests.conftest import shared_path


def _balanced(ds_rejected: pd.DataFrame, files: pd.DataFrame) -> None:
    per_file = ds_rejected.groupby("source")["rows"].sum()
    for f in files.itertuples():
        if f.layout == "unreadable":
            continue
        assert int(per_file.get(f.source, 0)) == f.rows_rejected, f.source


def test_quarantine_lists_exactly_the_blank_location_lines_of_a_real_file() -> None:
    folder = shared_path("police_uk/original_header")
    name = "2018-10-essex-street.csv"
    ds = load(folder)
    _balanced(ds.rejected, ds.files)
    # An independent count: the csv module, lines numbered from 2 after the header
    with (folder / name).open(newline="", encoding="utf-8-sig") as fh:
        blank = {i for i, row in enumerate(csv.DictReader(fh), start=2) if not row["LSOA name"]}
    mine = ds.rejected[
        (ds.rejected["source"] == name) & ds.rejected["reason"].str.startswith("no location")
    ]
    assert set(mine["line"].astype(int)) == blank and len(blank) > 0
    assert (mine["column"] == "LSOA name").all()


def test_quarantine_of_a_mixed_file_balances_and_is_written_by_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "counts.csv").write_text(
        "area,period,category,count\n"
        "X,2024-04,Burglary,5\n"
        "X,2024-05,Burglary,-2\n"
        "X,2024-13,Burglary,3\n"
        "X,2024-06,Burglary,4\n"
        "X,2024-06,Burglary,4\n",
        encoding="utf-8",
    )
    (data / "empty.csv").write_bytes(b"")
    ds = load(data)
    _balanced(ds.rejected, ds.files)
    rows = ds.rejected[ds.rejected["source"] == "counts.csv"].sort_values("line")
    assert rows["line"].tolist() == [3, 4, 6]
    assert rows["column"].tolist()[:2] == ["count", "period"]
    unreadable = ds.rejected[ds.rejected["source"] == "empty.csv"]
    assert len(unreadable) == 1 and pd.isna(unreadable["rows"].iloc[0])  # rows unknown
    out = tmp_path / "quarantine.csv"
    assert main(["validate", "--data", str(data), "--quarantine", str(out)]) == 1  # unreadable
    written = pd.read_csv(out)
    assert written["line"].dropna().astype(int).tolist() == [3, 4, 6]
    assert "3 rejected rows listed" not in capsys.readouterr().out  # 4 rows: 3 lines + 1 file


def test_data_quality_lists_each_reason_and_they_add_up_to_the_files() -> None:
    ds = load(shared_path("police_uk/original_header"))
    q = data_quality(ds, "Thurrock", "2018/19")
    files = q[q["entry"] == "file"].set_index("source")["rows_rejected"]
    reasons = q[q["entry"] == "rejected rows"].groupby("source")["rows_rejected"].sum()
    for source, n in files.items():
        assert int(reasons.get(source, 0)) == int(n), source
    assert q[q["entry"] == "missing month"]["rows_read"].isna().all()
