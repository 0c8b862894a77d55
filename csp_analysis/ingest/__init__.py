"""Ingest: every CSV or XLSX file below a data folder, recognised by its header and read.

Layouts are an ordered registry (:mod:`csp_analysis.ingest.registry`): one module per input
layout says how its header is recognised and how its rows are read, with exact row accounting.
:func:`read_folder` returns one :class:`FileResult` per file or workbook sheet; the canonical
model (:mod:`csp_analysis.model`) assembles them into a dataset. The content-keyed cache
(:mod:`csp_analysis.ingest.cache`) wraps reading from outside the layouts.

``read_table``, ``LAYOUTS`` and ``Layout`` can be imported from here too; they are documented
in :mod:`csp_analysis.ingest.read` and :mod:`csp_analysis.ingest.registry`, and imported on
first use (a run answered from the cache never needs the layouts).
"""

from typing import TYPE_CHECKING

from csp_analysis.ingest.base import FileResult, Problem
from csp_analysis.ingest.folder import list_files, read_file, read_folder

if TYPE_CHECKING:
    from csp_analysis.ingest.read import read_table as read_table
    from csp_analysis.ingest.registry import LAYOUTS as LAYOUTS
    from csp_analysis.ingest.registry import Layout as Layout


def __getattr__(name: str) -> object:
    """The layouts and :func:`read_table`, imported on first use (a run answered from the
    cache never needs them)."""
    if name == "read_table":
        from csp_analysis.ingest.read import read_table

        return read_table
    if name in ("LAYOUTS", "Layout"):
        from csp_analysis.ingest import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FileResult", "Problem", "list_files", "read_file", "read_folder"]
