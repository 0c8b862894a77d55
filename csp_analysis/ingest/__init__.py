"""Ingest: every CSV or XLSX file below a data folder, recognised by its header and read.

Layouts are an ordered registry (:mod:`csp_analysis.ingest.registry`): one module per input
layout says how its header is recognised and how its rows are read, with exact row accounting.
:func:`read_folder` returns one :class:`FileResult` per file or workbook sheet; the canonical
model (:mod:`csp_analysis.model`) assembles them into a dataset. The content-keyed cache
(:mod:`csp_analysis.ingest.cache`) wraps reading from outside the layouts.
"""

from csp_analysis.ingest.base import FileResult, Problem
from csp_analysis.ingest.folder import list_files, read_file, read_folder
from csp_analysis.ingest.read import read_table
from csp_analysis.ingest.registry import LAYOUTS, Layout

__all__ = [
    "LAYOUTS",
    "FileResult",
    "Layout",
    "Problem",
    "list_files",
    "read_file",
    "read_folder",
    "read_table",
]
