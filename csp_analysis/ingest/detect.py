"""Recognise what a table is from its header, whatever the file is called."""

from __future__ import annotations

from collections.abc import Iterable

from csp_analysis.ingest.registry import recognise


def detect_layout(columns: Iterable[object]) -> str | None:
    """Name the layout of a table from its column names, or ``None`` if unknown.

    The first layout of :data:`csp_analysis.ingest.registry.LAYOUTS` that recognises the
    header names it.

    Parameters
    ----------
    columns : iterable
        The header cells as written in the file.

    Returns
    -------
    str or None
        The name of one of the layouts.

    Examples
    --------
    >>> detect_layout(["crime_id", "month", "falls_within", "lsoa_name", "crime_type"])
    'police_uk'
    >>> detect_layout(["area", "period", "category", "count"])
    'tidy_counts'
    """
    layout = recognise(columns)
    return None if layout is None else layout.name
