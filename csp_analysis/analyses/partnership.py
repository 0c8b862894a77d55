"""The partnership's own tables read from files: resident survey, last year's plan, hand scores.

The statistics (:mod:`csp_analysis.statistics.survey`, :mod:`csp_analysis.statistics.plan`,
:mod:`csp_analysis.statistics.risk_matrix`) check the tables they are given and raise a
:class:`~csp_analysis.exceptions.TableError` (a ``ValueError``) naming the column and row. The
readers here load a CSV file, every cell as text (no text, not even ``NA``, is taken as
missing: an empty cell is blank), and turn such an error into a
:class:`~csp_analysis.exceptions.DataError` naming the file, the line (the header is line 1)
and the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csp_analysis import defaults
from csp_analysis.exceptions import TableError
from csp_analysis.statistics.plan import plan_progress
from csp_analysis.statistics.risk_matrix import validate_manual_scores
from csp_analysis.statistics.survey import public_concern

__all__ = ["read_plan", "read_risk_scores", "read_survey"]


def _read_text_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(Path(path), dtype="string", keep_default_na=False)


def read_survey(path: str | Path, level: float = defaults.LEVEL_95) -> pd.DataFrame:
    """Read ``survey.csv`` and return :func:`~csp_analysis.statistics.survey.public_concern`.

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV file with the columns ``concern, respondents, count`` and optionally
        ``period``; other columns (such as ``note``) are ignored. Numbers may hold thousands
        separators (``"1,112"``).
    level : float
        Confidence level of the Wilson intervals (default 95%).

    Returns
    -------
    pandas.DataFrame
        As :func:`~csp_analysis.statistics.survey.public_concern` describes.

    Raises
    ------
    DataError
        Naming the file (by its name only), the line and the column of the first bad cell;
        see :func:`~csp_analysis.statistics.survey.validate_survey`.
    FileNotFoundError
        If there is no such file.
    """
    raw = _read_text_csv(path)
    try:
        return public_concern(raw, level=level)
    except TableError as exc:
        raise exc.in_file(path) from None


def read_plan(path: str | Path) -> pd.DataFrame:
    """Read ``plan.csv`` and return :func:`~csp_analysis.statistics.plan.plan_progress` of it.

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV file with the columns ``priority, activity, outcome, timescale, status``;
        other columns are ignored. A blank priority, activity or status is refused.

    Returns
    -------
    pandas.DataFrame
        One row per priority, as :func:`~csp_analysis.statistics.plan.plan_progress`
        describes.

    Raises
    ------
    DataError
        Naming the file (by its name only), the column and the line; see
        :func:`~csp_analysis.statistics.plan.validate_plan`.
    FileNotFoundError
        If there is no such file.
    """
    raw = _read_text_csv(path)
    try:
        return plan_progress(raw)
    except TableError as exc:
        raise exc.in_file(path) from None


def read_risk_scores(path: str | Path) -> pd.DataFrame:
    """Read ``risk_scores.csv``: hand-entered ``category, factor, score`` rows.

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV file; other columns (such as ``note``) are kept.

    Returns
    -------
    pandas.DataFrame
        ``category, factor, score`` (``score`` as float), ready for the ``manual`` argument of
        :func:`~csp_analysis.statistics.risk_matrix.score_risk`.

    Raises
    ------
    DataError
        Naming the file, line and column; see
        :func:`~csp_analysis.statistics.risk_matrix.validate_manual_scores`.
    FileNotFoundError
        If there is no such file.
    """
    raw = _read_text_csv(path)
    try:
        return validate_manual_scores(raw)
    except TableError as exc:
        raise exc.in_file(path) from None
