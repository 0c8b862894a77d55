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

from csp_analysis.assessment import Assessment, assess
from csp_analysis.exceptions import CspError, DataError, ReportError, UsageError
from csp_analysis.model import Dataset, load

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
