"""Starting JupyterLab on the report notebooks with the project's kernel."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from csp_analysis.exceptions import UsageError
from csp_analysis.lab import lab_command, open_lab
from csp_analysis.paths import notebooks_dir

#: Seconds JupyterLab is given to answer before the test is skipped as too slow.
START_TIMEOUT = 60

KERNEL_FLAG = "--MappingKernelManager.default_kernel_name="


def _expected_kernel() -> str:
    return "csp-assess" if "csp-assess" in KernelSpecManager().find_kernel_specs() else "python3"


def test_dry_run_builds_the_command_for_the_project_notebooks() -> None:
    cmd = open_lab(dry_run=True)
    assert cmd == [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={notebooks_dir().resolve()}",
        f"{KERNEL_FLAG}{_expected_kernel()}",
    ]
    assert lab_command() == cmd


def test_default_kernel_is_the_project_kernel_when_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    specs = {"python3": "/k/python3", "csp-assess": "/k/csp-assess"}
    monkeypatch.setattr(KernelSpecManager, "find_kernel_specs", lambda self: dict(specs))
    assert open_lab(tmp_path, dry_run=True)[5] == f"{KERNEL_FLAG}csp-assess"
    del specs["csp-assess"]
    assert open_lab(tmp_path, dry_run=True)[5] == f"{KERNEL_FLAG}python3"


def test_folder_and_extra_arguments(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    monkeypatch.setenv("CSP_ASSESS_HOME", str(tmp_path))
    cmd = open_lab(dry_run=True, extra_args=["--no-browser", "--port=8899"])
    assert cmd[4] == f"--ServerApp.root_dir={(tmp_path / 'notebooks').resolve()}"
    assert cmd[-2:] == ["--no-browser", "--port=8899"]
    assert open_lab(str(tmp_path), dry_run=True)[4] == f"--ServerApp.root_dir={tmp_path.resolve()}"


def test_missing_notebooks_folder_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CSP_ASSESS_HOME", str(tmp_path))
    with pytest.raises(UsageError, match="notebooks folder .* does not exist.*CSP_ASSESS_HOME"):
        open_lab(dry_run=True)
    with pytest.raises(UsageError, match="does not exist") as err:
        open_lab(tmp_path / "nowhere")
    assert err.value.exit_code == 2
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(UsageError, match="is not a folder"):
        open_lab(tmp_path / "file.txt", dry_run=True)


class _FakePopen:
    calls: list[list[str]] = []
    status = 0

    def __init__(self, cmd: list[str]) -> None:
        _FakePopen.calls.append(cmd)

    def wait(self) -> int:
        return _FakePopen.status


def test_runs_the_command_and_reports_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(subprocess, "Popen", _FakePopen)
    _FakePopen.calls.clear()
    assert open_lab(tmp_path, dry_run=True) and _FakePopen.calls == []
    cmd = open_lab(tmp_path)
    assert _FakePopen.calls == [cmd]
    _FakePopen.status = 1
    try:
        with pytest.raises(subprocess.CalledProcessError):
            open_lab(tmp_path)
    finally:
        _FakePopen.status = 0


# --------------------------------------------------------------------------------------------
# a real JupyterLab
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Loopback only: ignore any http_proxy in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with _OPENER.open(request, timeout=5) as response:
        return int(response.status), response.read()


def _get_json(url: str, token: str) -> Any:
    status, body = _get(url, token)
    assert status == 200, url
    return json.loads(body)


def _put_json(url: str, token: str, model: dict[str, Any]) -> Any:
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(
        url, data=json.dumps(model).encode(), method="PUT", headers=headers
    )
    with _OPENER.open(request, timeout=30) as response:
        assert int(response.status) in (200, 201), url
        return json.loads(response.read())


def test_jupyterlab_starts_on_the_folder_with_the_default_kernel(tmp_path: Path) -> None:
    pytest.importorskip("jupyterlab")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "probe.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    # The project's pairing: every notebook saved with its MyST Markdown text form.
    (folder / "jupytext.toml").write_bytes((notebooks_dir() / "jupytext.toml").read_bytes())
    port, token = _free_port(), "csp-assess-test-token"
    extra = [
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        extra.append("--allow-root")  # containers run tests as root
    cmd = open_lab(folder, dry_run=True, extra_args=extra)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log_path = tmp_path / "lab.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL
        )
        try:
            started = time.monotonic()
            status = None
            while time.monotonic() - started < START_TIMEOUT:
                if proc.poll() is not None:
                    tail = log_path.read_text(errors="replace")[-3000:]
                    pytest.fail(f"jupyter lab exited with status {proc.returncode}:\n{tail}")
                try:
                    status = _get_json(f"{base}/api/status", token)
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    time.sleep(0.5)
            if status is None:
                pytest.skip(f"JupyterLab did not answer within {START_TIMEOUT} s (slow machine)")
            assert "started" in status
            specs = _get_json(f"{base}/api/kernelspecs", token)
            assert specs["default"] == _expected_kernel()
            assert specs["default"] in specs["kernelspecs"]
            contents = _get_json(f"{base}/api/contents", token)
            names = sorted(item["name"] for item in contents["content"])
            assert names == ["jupytext.toml", "probe.ipynb"]
            # Saving from JupyterLab writes the paired text form too (jupytext's extension).
            cell = {
                "cell_type": "markdown",
                "id": "cell-00",
                "metadata": {},
                "source": "## Saved from JupyterLab",
            }
            notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            _put_json(
                f"{base}/api/contents/probe.ipynb",
                token,
                {"type": "notebook", "format": "json", "content": notebook},
            )
            paired = folder / "probe.md"
            assert paired.is_file(), "JupyterLab saved no paired .md: is jupytext installed?"
            text = paired.read_text(encoding="utf-8")
            assert "format_name: myst" in text and "## Saved from JupyterLab" in text
            code, page = _get(f"{base}/lab", token)
            assert code == 200 and b"JupyterLab" in page
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
