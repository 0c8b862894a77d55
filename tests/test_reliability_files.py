"""Reliability of reading files and folders and of the cache (issue 19, groups 2, 9 and 10).

Each test builds an adversarial folder from small synthetic files (or the real shared files
where the case needs real volume) and checks the outcome against a count made independently
with the csv module, or the exact refusal or warning promised in docs/troubleshooting.md.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
POLICE_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)


def _tidy_workbook(path: Path, area: str, n: int) -> None:
    """A tidy-count workbook with one row (area, 2019-04, Burglary, n)."""
    pd.DataFrame(
        {"area": [area], "period": ["2019-04"], "category": ["Burglary"], "count": [n]}
    ).to_excel(path, index=False)


# ---------------------------------------------------------------- group 2: workbooks


def test_several_workbooks_read_in_a_fresh_process_are_all_readable(tmp_path: Path) -> None:
    """Reader threads importing openpyxl at once made one valid workbook 'broken'."""
    data = tmp_path / "data"
    data.mkdir()
    for i in range(6):
        _tidy_workbook(data / f"book{i}.xlsx", f"Area {i}", i + 1)
    code = (
        "import sys; from csp_analysis.model import load; "
        "ds = load(sys.argv[1], cache=False); "
        "print(sorted(ds.files['layout']))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CSP_ASSESS_CACHE_DIR": "off"}
    for _ in range(3):  # each run a fresh interpreter: openpyxl not yet imported
        done = subprocess.run(
            [sys.executable, "-c", code, str(data)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=300,
        )
        assert "unreadable" not in done.stdout, done.stdout
        assert done.stdout.count("tidy") == 6, done.stdout


# ---------------------------------------------------------------- helpers


def _police_rows(path: Path) -> int:
    """Data rows of a police.uk CSV, counted with the csv module (the independent count)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def _street(month: str, n: int, area: str = "Ashvale 001A") -> str:
    rows = [
        f"{i:04d}x,{month},Northmarsh Police,Northmarsh Police,-1.2,52.3,On or near X,"
        f"E01990001,{area},Burglary,Under investigation,"
        for i in range(n)
    ]
    return POLICE_HEADER + "\n" + "\n".join(rows) + "\n"


def _crimes(ds: object) -> int:
    counts = ds.counts  # type: ignore[attr-defined]
    return int(counts["count"].sum())


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", str(root))
    return root


# ---------------------------------------------------------------- group 9: the cache


def test_an_edit_keeping_size_and_time_is_read_afresh(tmp_path: Path, cache: Path) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    data.mkdir()
    f = data / "street.csv"
    f.write_text(_street("2019-04", 3))
    st = f.stat()
    assert _crimes(load(data)) == 3
    f.write_text(_street("2019-05", 3))  # another month: the same size
    assert f.stat().st_size == st.st_size
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same time
    ds = load(data)
    assert set(ds.counts["period"].astype(str)) == {"2019-05"}


def test_a_flipped_bit_in_a_cached_parquet_is_read_afresh(tmp_path: Path, cache: Path) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 40))
    first = load(data)
    n = len(first.records)
    parquets = sorted(cache.rglob("*.parquet"))
    assert parquets
    for p in parquets:  # flip one bit in the middle of every cached Parquet file
        raw = bytearray(p.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        p.write_bytes(bytes(raw))
    again = load(data)
    assert len(again.records) == n == 40
    assert _crimes(again) == 40


def test_a_cached_count_changed_on_disk_is_read_afresh(tmp_path: Path, cache: Path) -> None:
    """Damage that still parses (a count changed in a cached Parquet) never gives totals."""
    from csp_analysis.model import load

    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 40))
    assert _crimes(load(data)) == 40
    damaged = list(cache.rglob("counts.parquet"))
    assert damaged
    for p in damaged:
        counts = pd.read_parquet(p)
        counts["count"] = counts["count"] + 1000
        counts.to_parquet(p, index=False)
    assert _crimes(load(data)) == 40


def test_a_cache_folder_below_a_file_means_a_run_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csp_analysis.exceptions import CacheWarning
    from csp_analysis.model import load

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", str(blocker / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 5))
    with pytest.warns(CacheWarning, match="cache folder cannot be used") as seen:
        ds = load(data)
    assert len([w for w in seen if issubclass(w.category, CacheWarning)]) == 1
    assert _crimes(ds) == 5


def test_a_full_cache_means_a_run_without_it_with_one_warning(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from csp_analysis.exceptions import CacheWarning
    from csp_analysis.model import load

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    data = tmp_path / "data"
    data.mkdir()
    for m in ("2019-04", "2019-05", "2019-06"):
        (data / f"{m}.csv").write_text(_street(m, 2))
    with pytest.warns(CacheWarning, match="No space left") as seen:
        ds = load(data)
    assert len([w for w in seen if issubclass(w.category, CacheWarning)]) == 1
    assert _crimes(ds) == 6


def test_a_cli_run_with_an_unusable_cache_prints_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from csp_analysis.cli import main

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("CSP_ASSESS_CACHE_DIR", str(blocker / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 5))
    assert main(["validate", "--data", str(data)]) == 0
    err = capsys.readouterr().err
    assert err.count("csp-assess: warning: the cache folder cannot be used") == 1, err
    assert "Traceback" not in err and str(tmp_path) not in err


def test_a_stray_dataset_marker_does_not_make_a_saved_dataset(tmp_path: Path) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 4))
    (data / "csp_dataset.json").write_text('{"something": "else"}')
    assert _crimes(load(data, cache=False)) == 4


# ---------------------------------------------------------------- group 10: files, folders


def _validate(data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from csp_analysis.cli import main

    code = main(["validate", "--data", str(data)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def test_a_symlink_loop_is_named_and_each_file_read_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "sub" / "street.csv").write_text(_street("2019-04", 3))
    (data / "sub" / "loop").symlink_to(data)  # a loop back to the data folder
    (data / "again").symlink_to(data / "sub")  # the same folder twice
    ds = load(data, cache=False)
    read = ds.files[ds.files["layout"] != "unreadable"]
    assert list(read["source"]) in (["again/street.csv"], ["sub/street.csv"])
    assert _crimes(ds) == 3
    code, text = _validate(data, capsys)
    assert code == 1 and "/loop:" in text
    assert "a link to a folder already read (a loop)" in text or "holds the data folder" in text


def test_a_link_to_a_folder_above_the_data_folder_is_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "elsewhere.csv").write_text(_street("2019-05", 7))
    (data / "street.csv").write_text(_street("2019-04", 3))
    (data / "up").symlink_to(tmp_path)  # a link to '..': would read everything above
    (data / "linked.csv").symlink_to(tmp_path / "elsewhere.csv")  # followed, and said so
    ds = load(data, cache=False)
    assert _crimes(ds) == 3 + 7
    bad = ds.files[ds.files["layout"] == "unreadable"]
    assert list(bad["source"]) == ["up"]
    notes = dict(zip(ds.files["source"], ds.files["notes"].fillna(""), strict=True))
    assert "outside the data folder" in notes["linked.csv"]
    code, text = _validate(data, capsys)
    assert "holds the data folder" in text and code == 1


def test_the_reports_own_output_folder_is_not_read_back(tmp_path: Path) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    report = data / "outputs" / "ashvale" / "2019-20"
    (report / "tables").mkdir(parents=True)
    (data / "street.csv").write_text(_street("2019-04", 3))
    (report / "strategic_assessment.html").write_text("<html></html>")
    (report / "tables" / "counts.csv").write_text(
        "area,period,category,count\nAshvale,2019-04,Burglary,99\n"
    )
    ds = load(data, cache=False)
    assert list(ds.files["source"]) == ["street.csv"]
    assert _crimes(ds) == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder whatever its mode")
def test_an_unreadable_sub_folder_is_named(tmp_path: Path) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    (data / "locked").mkdir(parents=True)
    (data / "street.csv").write_text(_street("2019-04", 3))
    (data / "locked").chmod(0)
    try:
        ds = load(data, cache=False)
    finally:
        (data / "locked").chmod(0o755)
    assert "locked/" in set(ds.files["source"])


def test_an_unlistable_sub_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as above for root: listing the folder fails (as chmod 0 makes it for a user)."""
    import csp_analysis.ingest.folder as folder
    from csp_analysis.model import load

    data = tmp_path / "data"
    (data / "locked").mkdir(parents=True)
    (data / "street.csv").write_text(_street("2019-04", 3))
    real = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(folder.os, "scandir", scandir)
    ds = load(data, cache=False)
    row = ds.files[ds.files["source"] == "locked/"]
    assert len(row) == 1 and "Permission denied" in row["issue"].iloc[0]


def test_gzipped_csv_and_police_uk_zip_are_read_in_place(tmp_path: Path) -> None:
    import gzip
    import zipfile

    from csp_analysis.model import load

    data = tmp_path / "data"
    data.mkdir()
    (data / "april.csv.gz").write_bytes(gzip.compress(_street("2019-04", 3).encode()))
    with zipfile.ZipFile(data / "download.zip", "w") as z:  # as data.police.uk delivers
        z.writestr("2019-05/2019-05-northmarsh-street.csv", _street("2019-05", 4))
        z.writestr("2019-06/2019-06-northmarsh-street.csv", _street("2019-06", 5))
    ds = load(data, cache=False)
    assert sorted(ds.files["source"]) == [
        "april.csv.gz",
        "download.zip/2019-05/2019-05-northmarsh-street.csv",
        "download.zip/2019-06/2019-06-northmarsh-street.csv",
    ]
    assert _crimes(ds) == 12
    months = ds.counts.groupby("period")["count"].sum().to_dict()
    assert {str(k): int(v) for k, v in months.items()} == {
        "2019-04": 3,
        "2019-05": 4,
        "2019-06": 5,
    }


def test_an_ods_spreadsheet_is_named_not_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 3))
    (data / "counts.ods").write_bytes(b"PK\x03\x04 not read")
    code, text = _validate(data, capsys)
    assert "counts.ods" in text and "OpenDocument" in text and code == 1


def test_a_huge_sparse_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 3))
    with (data / "huge.csv").open("wb") as fh:  # 2 GB, sparse: no disk used
        fh.truncate(2 << 30)

    original = Path.read_bytes

    def no_whole_read(self: Path) -> bytes:
        if self.name == "huge.csv":
            raise AssertionError("the 2 GB file was read into memory")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", no_whole_read)
    ds = load(data, cache=False)
    row = ds.files[ds.files["source"] == "huge.csv"]
    assert row["layout"].iloc[0] == "unreadable" and "GB" in row["issue"].iloc[0]
    assert _crimes(ds) == 3


@pytest.mark.shared
def test_real_essex_files_zipped_as_police_uk_delivers_them_count_as_unzipped(
    tmp_path: Path,
) -> None:
    import zipfile

    from csp_analysis.model import load
    from tests.conftest import shared_path

    src = shared_path("police_uk/original_header/2019-02-essex-street.csv")
    data = tmp_path / "data"
    data.mkdir()
    with zipfile.ZipFile(data / "download.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(src, f"2019-02/{src.name}")
    ds = load(data, cache=False)
    assert int(ds.files["rows_read"].sum()) == _police_rows(src)
    assert len(ds.records) == int(ds.files["rows_used"].sum())
