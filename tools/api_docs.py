"""Build the API reference (HTML, from the numpydoc docstrings) with pdoc: ``make docs``.

Usage, from the project folder::

    python -m tools.api_docs [OUT_DIR]     # default OUT_DIR: site/ (not committed)

Every public module of ``csp_analysis`` gets a page (a module's public names are its
``__all__`` when it has one, else its names not starting with ``_``). The same list of public
objects is what ``tests/test_api_docs.py`` checks with numpydoc's validator.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]

#: Where ``make docs`` writes the reference (gitignored).
SITE = ROOT / "site"


def public_modules() -> list[str]:
    """Every module of ``csp_analysis`` whose dotted name has no part starting with ``_``.

    Returns
    -------
    list of str
        ``csp_analysis`` first, then its modules and packages in ``pkgutil`` walk order.
    """
    import csp_analysis

    names = ["csp_analysis"]
    for info in pkgutil.walk_packages(csp_analysis.__path__, "csp_analysis."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def _public_names(module: ModuleType) -> list[str]:
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    ]


def public_objects() -> Iterator[tuple[str, object]]:
    """Every public function and class of ``csp_analysis``, and the public methods and
    properties each class defines, each under the module that defines it.

    Yields
    ------
    tuple of (str, object)
        The dotted name numpydoc's validator takes (``csp_analysis.model.Dataset.save``) and the
        object (for a method: the raw ``function``, ``classmethod``, ``staticmethod`` or
        ``property`` of the class).
    """
    for name in public_modules():
        module = importlib.import_module(name)
        for attr in _public_names(module):
            obj = getattr(module, attr)
            if not (inspect.isfunction(inspect.unwrap(obj)) or inspect.isclass(obj)):
                continue  # constants and re-exported modules
            if obj.__module__ != module.__name__:
                continue  # documented where it is defined
            qualname = f"{name}.{attr}"
            yield qualname, obj
            if inspect.isclass(obj):
                for member, raw in vars(obj).items():
                    if member.startswith("_"):
                        continue
                    if isinstance(raw, property | classmethod | staticmethod) or inspect.isfunction(
                        raw
                    ):
                        yield f"{qualname}.{member}", raw


def build(out_dir: str | Path = SITE) -> Path:
    """Write the HTML reference with pdoc (numpy docstring style), one page per module.

    Parameters
    ----------
    out_dir : str or Path
        The destination folder (made if needed).

    Returns
    -------
    Path
        The reference's ``index.html``.
    """
    import pdoc
    import pdoc.render

    import csp_analysis

    # csp_analysis imports assess and Assessment on first use (module __getattr__); pdoc reads
    # the module's __dict__, so resolve them once here for the top-level page.
    for lazy in ("assess", "Assessment"):
        setattr(csp_analysis, lazy, getattr(csp_analysis, lazy))
    pdoc.render.configure(
        docformat="numpy", footer_text="csp-assess API reference", search=True, show_source=False
    )
    out = Path(out_dir)
    with warnings.catch_warnings():
        # A package's page brings its modules; naming them again is harmless (the top-level
        # package's __all__ hides its subpackages from pdoc, so every module is named).
        warnings.filterwarnings("ignore", message="The module specification", category=UserWarning)
        pdoc.pdoc(*public_modules(), output_directory=out)
    return out / "index.html"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m tools.api_docs [OUT_DIR]``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status (0).
    """
    parser = argparse.ArgumentParser(
        prog="python -m tools.api_docs", description="Build the API reference with pdoc."
    )
    parser.add_argument(
        "out_dir", nargs="?", default=str(SITE), help="destination folder (default: site/)"
    )
    args = parser.parse_args(argv)
    index = build(args.out_dir)
    print(f"API reference written: {index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
