"""Where the project's own files live: notebooks, reference data and demo data."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project folder that holds ``notebooks/`` and ``data/``.

    The environment variable ``CSP_ASSESS_HOME`` overrides it; otherwise it is the folder above
    the package (an editable install from a clone, as ``make`` sets up).
    """
    env = os.environ.get("CSP_ASSESS_HOME")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def notebooks_dir() -> Path:
    """Folder of the parameterised notebooks."""
    return project_root() / "notebooks"


def reference_dir() -> Path:
    """Folder of the user-editable reference tables (category mapping, harm, cost)."""
    return project_root() / "data" / "reference"


def demo_dir() -> Path:
    """Folder of the built-in synthetic demo data."""
    return project_root() / "data" / "demo"


def templates_dir() -> Path:
    """Folder of the nbconvert templates shipped with the package."""
    return PACKAGE_DIR / "report" / "templates"
