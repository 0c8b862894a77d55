"""Pure statistics: functions of numbers and frames.

They import nothing of the project but its exceptions and the calendar helpers of
:mod:`csp_analysis.periods`.
"""
