"""Reference values for :mod:`csp_analysis.statistics.trends`.

Produced with pymannkendall 1.4.3 and scipy 1.17.1 (Python 3.11). Each value is followed by
the exact call that produced it.
"""

# DOMAIN.md check value: S = 10, Z = 2.205, p = 0.027, Sen's slope 11.5 per period.
CHECK_SERIES = [138, 150, 160, 171, 192]
CHECK = {"S": 10, "z": 2.205, "p_value": 0.027, "sen_slope": 11.5}

# name -> (series, S, var_s, z, p, tau-a, Sen's slope) from
#   r = pymannkendall.original_test(series); r.s, r.var_s, r.z, r.p, r.Tau, r.slope
ORIGINAL_TEST = {
    "check": (
        CHECK_SERIES,
        10.0,
        16.666666666666668,
        2.2045407685048604,
        0.0274863361115103,
        1.0,
        11.5,
    ),
    # three tie groups (15 x2, 18 x3)
    "ties": (
        [12, 15, 15, 11, 18, 18, 18, 20, 17, 22],
        27.0,
        120.33333333333333,
        2.3701747893047798,
        0.01777967768807165,
        0.6,
        1.0,
    ),
    # one tie group (371 x2)
    "falling": (
        [410, 395, 402, 380, 371, 371, 360, 344, 350, 330, 322, 318],
        -61.0,
        211.66666666666666,
        -4.124060379740825,
        3.722512424442215e-05,
        -0.9242424242424242,
        -8.333333333333334,
    ),
}

# scipy.stats.theilslopes(series).slope
THEILSLOPES = {"check": 11.5, "ties": 1.0, "falling": -8.333333333333334}

# scipy.stats.kendalltau(numpy.arange(len(series)), series).statistic  (tau-b)
KENDALLTAU_B = {
    "check": 0.9999999999999999,
    "ties": 0.6285872661926204,
    "falling": -0.9313248452425005,
}

# 48 months from April 2020: round(60 + 0.25 t + 12 sin(2 pi t / 12) + N(0, 4)) with
# numpy.random.default_rng(20240401).
SEASONAL_SERIES = [
    57,
    66,
    63,
    78,
    71,
    68,
    61,
    51,
    54,
    51,
    54,
    55,
    65,
    70,
    79,
    77,
    70,
    64,
    72,
    60,
    53,
    56,
    55,
    61,
    68,
    73,
    82,
    75,
    80,
    79,
    65,
    59,
    59,
    59,
    65,
    63,
    70,
    72,
    79,
    79,
    71,
    77,
    76,
    63,
    65,
    61,
    64,
    70,
]
SEASONAL_FIRST_MONTH = "2020-04"
# r = pymannkendall.seasonal_test(numpy.array(SEASONAL_SERIES, dtype=float), period=12)
# r.s, r.var_s, r.z, r.p, r.Tau, r.slope
SEASONAL_TEST = (
    44.0,
    102.00000000000001,
    4.257634434799699,
    2.0660142367567857e-05,
    0.6111111111111112,
    3.3333333333333335,
)

# The same series with the Hirsch-Slack correction for correlated months:
# r = pymannkendall.correlated_seasonal_test(numpy.array(SEASONAL_SERIES, dtype=float), period=12)
# r.s, r.var_s, r.z, r.p, r.slope  (z and p without a continuity correction)
CORRELATED_SEASONAL_TEST = (
    44.0,
    654.6666666666667,
    1.7196598915384957,
    0.08549428252897129,
    3.3333333333333335,
)
