"""Pure statistics: functions of numbers and frames.

They import nothing of the project but its exceptions, the calendar helpers of
:mod:`csp_analysis.periods` and the constants of :mod:`csp_analysis.defaults` (the default
significance and confidence levels). Bad arguments raise ``ValueError`` or ``TypeError`` (a
:class:`~csp_analysis.exceptions.TableError`, a ``ValueError``, names the column and row of a bad
table); nothing here reads a file.
"""
