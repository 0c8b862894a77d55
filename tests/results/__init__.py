"""Reference values for the statistics tests, each written beside the exact call that produced it.

Like ``statsmodels/*/tests/results``: the numbers were produced once by independent reference
implementations (scipy 1.17.1, statsmodels 0.15.0, pymannkendall 1.4.3) and are pinned here so
that a change in either the library or a reference shows up as a test failure.
"""
