"""Reliability of what csp-assess writes (issue 19, groups 8 and 10): no live markup or
formulas from data values, no records or local paths left behind, one folder per area, and a
message (never a traceback) when an output cannot be written."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from csp_analysis.sections.format import md, table_html

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert(1)</script>"
POLICE_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)


def _street(month: str, n: int, area: str = "Ashvale", context: str = "") -> str:
    rows = [
        f"{month}-{i:04d},{month},Northmarsh Police,Northmarsh Police,-1.2,52.3,On or near X,"
        f"E01990001,{area} 001A,Burglary,Under investigation,{context}"
        for i in range(n)
    ]
    return POLICE_HEADER + "\n" + "\n".join(rows) + "\n"


def _year_of_files(folder: Path, area: str = "Ashvale", context: str = "") -> None:
    """Twelve monthly police.uk files of 2019/20 for one area, 20 burglaries a month."""
    folder.mkdir(parents=True, exist_ok=True)
    for m in [f"2019-{k:02d}" for k in range(4, 13)] + [f"2020-{k:02d}" for k in range(1, 4)]:
        (folder / f"{m}-street.csv").write_text(_street(m, 20, area, context))


# ---------------------------------------------------------------- group 8: escaping


def test_markdown_blocks_show_markup_as_text() -> None:
    block = md(f"- Hot spot: {SCRIPT} & <img src=x onerror=alert(2)>")
    assert "<script>" not in block.data and "<img" not in block.data
    assert "&lt;script&gt;" in block.data


def test_table_cells_and_headers_are_escaped() -> None:
    df = pd.DataFrame({SCRIPT: ["<img src=x onerror=alert(2)>", "Ashvale & Carrow"]})
    html = table_html(df, "t").data
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and "Ashvale &amp; Carrow" in html


def test_script_links_are_dropped_from_the_exported_html() -> None:
    from csp_analysis.report.export import _postprocess

    page = _postprocess('<p><a href="javascript:alert(1)">x</a> <a href="#ok">y</a></p>')
    assert "javascript:" not in page and 'href="#ok"' in page


# ---------------------------------------------------------------- group 8: formulas


def test_formula_leading_cells_are_neutralised_but_negative_numbers_kept() -> None:
    """OWASP CSV injection: cells beginning =, +, -, @, tab or CR are prefixed with '."""
    from csp_analysis.assessment import safe_cells

    cells = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=x", "\r=x", "-12", "-3.4%"]
    cells += ["+1,234", "plain", "-"]
    out = safe_cells(pd.DataFrame({"note": cells, "n": range(11)}))
    assert out["note"].tolist() == [
        "'=1+1",
        "'+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=x",
        "'\r=x",
        "-12",
        "-3.4%",
        "+1,234",
        "plain",
        "-",  # a lone sign is a placeholder, never a formula
    ]
    assert out["n"].tolist() == list(range(11))  # numbers untouched


def test_published_tables_hold_no_live_formula(tmp_path: Path) -> None:
    """A plan whose priority begins with '=' is text in tables/*.csv and tables.xlsx."""
    import openpyxl

    from csp_analysis.assessment import assess
    from csp_analysis.model import load

    data = tmp_path / "data"
    _year_of_files(data / "police")
    formula = '=HYPERLINK("http://example.invalid","click")'
    (data / "plan.csv").write_text(
        "priority,activity,outcome,timescale,status\n"
        f'"{formula.replace(chr(34), chr(34) * 2)}",Visits,Fewer burglaries,Q1,Complete\n'
    )
    a = assess(load(data, cache=False), "Ashvale", "2019/20")
    written = a.save(tmp_path / "out")
    csv_cells = [
        cell
        for p in written
        if p.suffix == ".csv"
        for row in csv.reader(p.open(encoding="utf-8"))
        for cell in row
    ]
    assert f"'{formula}" in csv_cells
    assert not [c for c in csv_cells if c.startswith(("=", "@"))]
    book = openpyxl.load_workbook(tmp_path / "out" / "tables.xlsx")
    values = [c.value for ws in book for row in ws.iter_rows() for c in row]
    assert f"'{formula}" in values
    formulas = [
        c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []


def test_the_quarantine_list_holds_no_live_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csp_analysis.cli import main

    data = tmp_path / "data"
    data.mkdir()
    (data / "=HYPERLINK(1).csv").write_text(  # a file name is a cell of the list
        "area,period,category,count\nAshvale,2019-04,Burglary,x\nAshvale,2019-04,Robbery,3\n"
    )
    target = tmp_path / "rejected.csv"
    main(["validate", "--data", str(data), "--quarantine", str(target)])
    cells = [c for row in csv.reader(target.open(encoding="utf-8")) for c in row]
    assert "'=HYPERLINK(1).csv" in cells
    assert not [c for c in cells if c.startswith("=")], cells


# ---------------------------------------------------------------- group 10: synthetic label


def test_the_word_synthetic_in_a_note_does_not_make_the_demo(tmp_path: Path) -> None:
    from csp_analysis.model import load

    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 3, context="synthetic cannabinoids"))
    (data / "counts.csv").write_text(
        "area,period,category,count,note\nCarrow,2019-04,Burglary,4,seized synthetic drugs\n"
        "Carrow,2019-05,Burglary,5,\n"
    )
    assert not load(data, cache=False).synthetic


# ---------------------------------------------------------------- group 10: batch folders


def test_areas_whose_names_slug_alike_get_folders_of_their_own() -> None:
    from csp_analysis.report.batch import area_folders
    from csp_analysis.report.run import slug

    names = ["St Albans", "St. Albans", "st-albans", "Tendring"]
    assert len({slug(a) for a in names}) == 2  # the collision this guards against
    folders = area_folders(names)
    assert len(set(folders.values())) == len(names)


# ---------------------------------------------------------------- group 10: CLI failures


def test_an_unusable_out_folder_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csp_analysis.cli import main

    data = tmp_path / "data"
    _year_of_files(data)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = main(
        ["run", "--data", str(data), "--area", "Ashvale", "--year", "2019/20",
         "--out", str(blocker / "out")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "--out" in err, err


def test_validate_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for i in range(300):  # enough lines to fill the pipe after head has gone
        (data / f"f{i:03d}.csv").write_text(_street("2019-04", 1))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CSP_ASSESS_CACHE_DIR": "off"}
    done = subprocess.run(
        f"{sys.executable} -m csp_analysis.cli validate --data {data} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


# ---------------------------------------------------------------- group 8: partial outputs


def test_sigterm_leaves_no_partial_folder_with_records_in_out(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _year_of_files(data)
    out = tmp_path / "out"
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CSP_ASSESS_CACHE_DIR": "off",
        "TMPDIR": str(private_tmp),
    }
    cmd = [sys.executable, "-m", "csp_analysis.cli", "run", "--data", str(data)]
    cmd += ["--area", "Ashvale", "--year", "2019/20", "--out", str(out)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:  # wait until the run is at work on the notebook
        if any(private_tmp.glob("csp-assess-run-*/assessment.pickle")) or any(
            out.rglob("*.pickle")
        ):
            break
        if proc.poll() is not None:
            pytest.fail(f"the run ended before it could be stopped: {proc.communicate()}")
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the run never started its notebook")
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    left = [p for p in out.rglob("*")] if out.exists() else []
    assert not [p for p in left if p.is_file()], left
    assert not list(private_tmp.glob("csp-assess-run-*")), list(private_tmp.iterdir())


# ---------------------------------------------------------------- group 10: one month


def test_a_one_month_year_renders_every_section(tmp_path: Path) -> None:
    """One month of data: every section gives its result or its gap, never an error."""
    from csp_analysis.assessment import assess
    from csp_analysis.model import load
    from csp_analysis.report import display as show
    from csp_analysis.sections import registry

    data = tmp_path / "data"
    data.mkdir()
    (data / "street.csv").write_text(_street("2019-04", 30))
    a = assess(load(data, cache=False), "Ashvale", "2019/20")
    for s in registry():
        show.section(a, s.name)
    for f in (show.deep_dive_spc, show.deep_dive_trend, show.deep_dive_seasonal):
        f(a, "Burglary")
    spc = a.table("spc_signals")
    assert int(spc.loc[spc["category"] == "Burglary", "count"].sum()) == 30


# ---------------------------------------------------------------- group 8: whole reports


@pytest.mark.slow
def test_the_report_shows_markup_in_data_values_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Area, location, priority and note values holding markup never become live HTML."""
    from csp_analysis.cli import main

    area = "<script>alert(1)</script>"
    data = tmp_path / "data"
    _year_of_files(data / "police", area=area)
    for f in (data / "police").iterdir():  # a location holding an image with a script
        f.write_text(
            f.read_text().replace("On or near X", "On or near <img src=x onerror=alert(2)>")
        )
    (data / "plan.csv").write_text(
        "priority,activity,outcome,timescale,status,note\n"
        f"Burglary {area},Visits,Fewer,Q1,Complete,<b onmouseover=alert(3)>note</b>\n"
    )
    out = tmp_path / "out"
    code = main(
        ["run", "--data", str(data), "--area", area, "--year", "2019/20", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    html = next(out.rglob("strategic_assessment.html")).read_text(encoding="utf-8")
    assert "<script>alert(" not in html
    assert "<img src=x" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text


@pytest.mark.slow
def test_a_kept_failed_notebook_carries_no_local_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csp_analysis.cli import main
    from csp_analysis.paths import notebooks_dir

    text = (notebooks_dir() / "strategic_assessment.md").read_text(encoding="utf-8")
    marker = "show.summary(assessment)"
    assert marker in text
    notebook = tmp_path / "ours.md"
    notebook.write_text(
        text.replace(marker, f"import csp_analysis.cli; csp_analysis.cli.nothing()\n{marker}", 1),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--notebook", str(notebook)]) == 1
    capsys.readouterr()
    kept = list(out.rglob("*.FAILED-*"))
    assert len(kept) == 1
    content = kept[0].read_text(encoding="utf-8")
    for local in {str(tmp_path), str(ROOT), sys.prefix, str(Path.home())} - {"/"}:
        assert local not in content, local
    assert "nothing" in content  # the error itself is kept


def test_the_batch_index_names_no_data_folder(tmp_path: Path) -> None:
    from csp_analysis.model import load
    from csp_analysis.report.batch import AreaRun, write_index

    data = tmp_path / "jsmith-private-folder"
    _year_of_files(data)
    ds = load(data, cache=False)
    assert ds.name == "jsmith-private-folder"
    page = write_index([AreaRun("Ashvale", state="failed", error="x")], tmp_path, "OFFICIAL", ds)
    html = page.read_text(encoding="utf-8")
    assert "jsmith" not in html and "Northmarsh Police" in html
