"""Where the project's own files live: notebooks, reference data and demo data.

The reference tables (categories, category mapping, harm weights, unit costs, risk-matrix
settings) are package data in ``csp_analysis/reference/``, read with :mod:`importlib.resources`
so that a plain (non-editable) ``pip install`` finds them outside a clone.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project folder that holds ``notebooks/`` and ``data/``.

    The environment variable ``CSP_ASSESS_HOME`` overrides it; otherwise it is the folder above
    the package (an editable install from a clone, as ``make`` sets up).

    Returns
    -------
    Path
        An absolute path (not checked to exist).
    """
    env = os.environ.get("CSP_ASSESS_HOME")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def notebooks_dir() -> Path:
    """Folder of the parameterised notebooks.

    Returns
    -------
    Path
        ``notebooks/`` in :func:`project_root`.
    """
    return project_root() / "notebooks"


def reference_dir() -> Traversable:
    """Folder of the built-in reference tables shipped with the package.

    ``categories.csv``, ``category_mapping.csv``, ``harm_weights.csv``, ``unit_costs.csv`` and
    ``risk_matrix.yaml`` (package data of ``csp_analysis``). An analyst who wants other
    tables passes their own folder or file to the loaders instead of editing these.

    Returns
    -------
    importlib.resources.abc.Traversable
        ``importlib.resources.files("csp_analysis") / "reference"`` (a :class:`pathlib.Path`
        for an ordinary install); open its files with ``.open()``.

    Examples
    --------
    >>> (reference_dir() / "categories.csv").is_file()
    True
    """
    return resources.files("csp_analysis") / "reference"


def demo_dir() -> Path:
    """Folder of the built-in synthetic demo data.

    Returns
    -------
    Path
        ``data/demo/`` in :func:`project_root`.
    """
    return project_root() / "data" / "demo"


def templates_dir() -> Path:
    """Folder of the nbconvert templates shipped with the package.

    Returns
    -------
    Path
        ``report/templates/`` in the package folder.
    """
    return PACKAGE_DIR / "report" / "templates"
