"""The canonical model: the validated, tidy dataset that every analysis reads.

Files → :func:`csp_analysis.ingest.read_folder` → :class:`Dataset` (assembled with duplicate
files and rows rejected, :mod:`~csp_analysis.model.assemble`), queried per area
(:mod:`~csp_analysis.model.coverage`), saved and read back
(:mod:`~csp_analysis.model.saved`) and loaded through the cache
(:mod:`~csp_analysis.model.load`).
"""

from csp_analysis.categories import ALL_CRIME
from csp_analysis.model.dataset import Dataset
from csp_analysis.model.load import load
from csp_analysis.model.schema import (
    COUNT_COLUMNS,
    MEMBER_SHARE,
    OFFENCE_COLUMNS,
    RECORD_KEYS,
    SAVED_MARKER,
    SOURCE_LABELS,
    SOURCE_PRIORITY,
    concat_records,
    empty_offences,
    months_of_period,
)

__all__ = [
    "ALL_CRIME",
    "COUNT_COLUMNS",
    "MEMBER_SHARE",
    "OFFENCE_COLUMNS",
    "RECORD_KEYS",
    "SAVED_MARKER",
    "SOURCE_LABELS",
    "SOURCE_PRIORITY",
    "Dataset",
    "concat_records",
    "empty_offences",
    "load",
    "months_of_period",
]
