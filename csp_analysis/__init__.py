"""csp-assess: the Community Safety Partnership strategic assessment workbook.

Data flows one way: files → :func:`load` (validated tidy :class:`Dataset`) → analyses
(:func:`assess` and :mod:`csp_analysis.analyses`) → tables and figures
(:mod:`csp_analysis.plots`) → the report notebook → HTML (:mod:`csp_analysis.report`).

Examples
--------
>>> import csp_analysis as csp
>>> a = csp.assess()                      # the synthetic demo
>>> a.area, a.year
('Elderbrook', '2025/26')
"""

from typing import TYPE_CHECKING

from csp_analysis.exceptions import CspError, DataError, ReportError, UsageError
from csp_analysis.model import Dataset, load

if TYPE_CHECKING:
    from csp_analysis.assessment import Assessment, assess


def __getattr__(name: str) -> object:
    """``assess`` and ``Assessment`` on first use: the statistics libraries they need take a
    second to import, which ``csp-assess validate`` and the readers never pay."""
    if name in ("assess", "Assessment"):
        from csp_analysis import assessment

        return getattr(assessment, name)
    raise AttributeError(f"module 'csp_analysis' has no attribute '{name}'")


__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "CspError",
    "DataError",
    "Dataset",
    "ReportError",
    "UsageError",
    "assess",
    "load",
]
