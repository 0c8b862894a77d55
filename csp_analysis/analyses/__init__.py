"""Analyses: each takes a :class:`~csp_analysis.model.Dataset` and returns tidy DataFrames."""
