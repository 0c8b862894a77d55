"""The report's sections, one module each, found by :func:`registry`.

Every module of this package that defines ``SECTION`` (a :class:`~csp_analysis.sections.base.
Section`) is a report section; :func:`registry` lists them in report order. The same ordered
registry drives :func:`csp_analysis.assess` (what is computed), the published tables, the key
findings, the report notebook (``show(assessment, name)``) and the batch headline.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from csp_analysis.sections.base import Context, Report, Section, SectionResult, gap

__all__ = ["Context", "Report", "Section", "SectionResult", "gap", "registry", "section"]

_NOT_SECTIONS = {"base", "format"}


@cache
def registry() -> tuple[Section, ...]:
    """Every report section, in report order.

    Returns
    -------
    tuple of Section
        Sorted by ``order`` (then name); each module of :mod:`csp_analysis.sections` that
        defines ``SECTION`` gives one.

    Raises
    ------
    RuntimeError
        If two sections share a name or an order (a mistake in a section module).

    Examples
    --------
    >>> [s.name for s in registry()][:3]
    ['coverage', 'reconciliation', 'change']
    """
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_SECTIONS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if isinstance(getattr(module, "SECTION", None), Section):
            found.append(module.SECTION)
    names = [s.name for s in found]
    orders = [s.order for s in found]
    if len(set(names)) != len(names) or len(set(orders)) != len(orders):
        raise RuntimeError(f"report sections must have distinct names and orders: {found}")
    return tuple(sorted(found, key=lambda s: (s.order, s.name)))


def section(name: str) -> Section:
    """The section of that name.

    Parameters
    ----------
    name : str
        A section name, e.g. ``"change"``.

    Returns
    -------
    Section

    Raises
    ------
    KeyError
        Naming the sections that exist.
    """
    for s in registry():
        if s.name == name:
            return s
    raise KeyError(f"no report section '{name}'; sections: {', '.join(s.name for s in registry())}")
