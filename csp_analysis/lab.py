"""Start JupyterLab on the project's report notebooks, with the project's kernel as the default.

``make`` registers the kernel ``csp-assess`` ("Python (csp-assess)"); :func:`open_lab` makes it
the default kernel of new notebooks when it is installed, and falls back to ``python3``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from csp_analysis.exceptions import UsageError
from csp_analysis.paths import notebooks_dir

__all__ = ["lab_command", "open_lab"]


def lab_command(
    notebook_dir: str | Path | None = None, *, extra_args: Sequence[str] = ()
) -> list[str]:
    """The command that starts JupyterLab on a notebooks folder with the project's kernel.

    Parameters
    ----------
    notebook_dir : str or Path, optional
        The folder JupyterLab opens. Default: the project's ``notebooks/``
        (:func:`csp_analysis.paths.notebooks_dir`).
    extra_args : sequence of str, optional
        More ``jupyter lab`` options, appended as given (e.g. ``["--no-browser",
        "--port=8899"]``).

    Returns
    -------
    list of str
        ``[sys.executable, "-m", "jupyter", "lab", "--ServerApp.root_dir=<folder>",
        "--MappingKernelManager.default_kernel_name=<kernel>", *extra_args]`` where the kernel is
        ``csp-assess`` when that kernelspec is installed, else ``python3``.

    Raises
    ------
    UsageError
        The folder does not exist or is not a folder.

    Examples
    --------
    >>> cmd = lab_command()
    >>> cmd[1:4]
    ['-m', 'jupyter', 'lab']
    >>> cmd[5] in ("--MappingKernelManager.default_kernel_name=csp-assess",
    ...            "--MappingKernelManager.default_kernel_name=python3")
    True
    """
    from csp_analysis.report.run import kernel_name

    folder = Path(notebook_dir).expanduser() if notebook_dir is not None else notebooks_dir()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        hint = (
            "pass the folder of your notebooks"
            if notebook_dir is not None
            else "run from a clone of csp-assess, or set CSP_ASSESS_HOME to the project folder "
            "(the one that holds notebooks/)"
        )
        raise UsageError(f"the notebooks folder {folder} {what}: {hint}")
    return [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={folder.resolve()}",
        f"--MappingKernelManager.default_kernel_name={kernel_name()}",
        *extra_args,
    ]


def open_lab(
    notebook_dir: str | Path | None = None,
    *,
    dry_run: bool = False,
    extra_args: Sequence[str] = (),
) -> list[str]:
    """Start JupyterLab on the report notebooks and wait until it is shut down.

    The project's kernel ("Python (csp-assess)", registered by ``make``) is the default kernel
    when it is installed, else ``python3``. JupyterLab runs in this Python environment
    (``sys.executable -m jupyter lab``), so it sees the same ``csp_analysis``.

    Parameters
    ----------
    notebook_dir : str or Path, optional
        The folder JupyterLab opens. Default: the project's ``notebooks/``.
    dry_run : bool, default False
        Only build and return the command; start nothing.
    extra_args : sequence of str, optional
        More ``jupyter lab`` options, e.g. ``["--no-browser", "--port=8899"]``. JupyterLab
        refuses to run as root unless given ``--allow-root``.

    Returns
    -------
    list of str
        The command (see :func:`lab_command`), whether or not it was run.

    Raises
    ------
    UsageError
        The notebooks folder does not exist.
    subprocess.CalledProcessError
        JupyterLab exited with an error status.

    Examples
    --------
    >>> cmd = open_lab(dry_run=True)
    >>> cmd[2:4], cmd[4].startswith("--ServerApp.root_dir=")
    (['jupyter', 'lab'], True)
    """
    cmd = lab_command(notebook_dir, extra_args=extra_args)
    if dry_run:
        return cmd
    proc = subprocess.Popen(cmd)
    while True:
        try:
            status = proc.wait()
            break
        except KeyboardInterrupt:
            # JupyterLab got the same Ctrl+C: it asks to confirm (a second Ctrl+C shuts it down
            # at once) and stops its kernels itself, so wait for it rather than kill it.
            continue
    if status > 0:
        raise subprocess.CalledProcessError(status, cmd)
    return cmd
