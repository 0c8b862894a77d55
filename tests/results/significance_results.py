"""Reference values for :mod:`csp_analysis.statistics.significance`.

Produced with scipy 1.17.1 and statsmodels 0.15.0 (Python 3.11). Each value is followed by the
exact call that produced it.
"""

# DOMAIN.md check value: 138 -> 192, equal populations: p = 0.0035, RR = 1.391,
# 95% CI 1.112-1.744.
CHECK = {
    "previous": 138,
    "current": 192,
    "p_value": 0.0035,
    "rate_ratio": 1.391,
    "rr_lower": 1.112,
    "rr_upper": 1.744,
}

# (current, total, p, p-value, CP lower, CP upper) from
#   r = scipy.stats.binomtest(k, n, p)
#   r.pvalue, r.proportion_ci(confidence_level=0.95, method="exact")
# At p = 0.5 the distribution is symmetric, so binomtest's "minimum likelihood" p-value equals
# the "central" p-value (twice the smaller tail) that the project uses. At p != 0.5 the p-value
# is the central one:
#   min(1, 2 * min(binomtest(k, n, p, alternative="less").pvalue,
#                  binomtest(k, n, p, alternative="greater").pvalue))
BINOMTEST = [
    # scipy.stats.binomtest(192, 330, 0.5)
    (192, 330, 0.5, 0.0034652115593308613, 0.5265480638412828, 0.6356063181884891),
    # scipy.stats.binomtest(144, 260, 0.5)
    (144, 260, 0.5, 0.09384822048623297, 0.49117981992912335, 0.6152709416718329),
    # scipy.stats.binomtest(25700, 50700, 0.5)
    (25700, 50700, 0.5, 0.001906575959142408, 0.5025413623238048, 0.51126455326326),
    # scipy.stats.binomtest(5, 5, 0.5)
    (5, 5, 0.5, 0.0625, 0.47817624989501856, 1.0),
    # scipy.stats.binomtest(20, 30, 0.6), central p-value (minimum likelihood: 0.5769674596013761)
    (20, 30, 0.6, 0.5829437224469936, 0.4718799552101195, 0.8271257784739607),
    # scipy.stats.binomtest(7, 40, 0.25), central p-value (minimum likelihood: 0.36108839634662426)
    (7, 40, 0.25, 0.3639083080011659, 0.07338272935208498, 0.32779013336159446),
]

# (count1, exposure1, count2, exposure2, p-value) from
#   statsmodels.stats.rates.test_poisson_2indep(count1, exposure1, count2, exposure2,
#                                               method="exact-cond").pvalue
# for equal exposures (symmetric: minimum likelihood = central), and otherwise the central
# two-sided p-value from its one-sided tests:
#   min(1, 2 * min(test_poisson_2indep(..., method="exact-cond", alternative="larger").pvalue,
#                  test_poisson_2indep(..., method="exact-cond", alternative="smaller").pvalue))
POISSON_2INDEP = [
    (138, 1, 192, 1, 0.0034652115593308613),
    (116, 1, 144, 1, 0.09384822048623297),
    (25000, 1, 25700, 1, 0.001906575959142408),
    (10, 1000, 20, 1500, 0.5829437224469936),
    (0, 1, 7, 1, 0.015625),
    (3, 84000, 9, 86500, 0.1606986983982156),
]

# Benjamini and Hochberg (1995), section 4.2: the 15 p-values of the thrombolysis trial
# (Neuhaus et al. 1992); at q = 0.05 the procedure rejects the four smallest.
BH_1995_P = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
    0.4262, 0.5719, 0.6528, 0.7590, 1.000,
]  # fmt: skip
BH_1995_REJECTED = 4
# statsmodels.stats.multitest.multipletests(BH_1995_P, method="fdr_bh")[1]
BH_1995_Q = [
    0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714286, 0.06385714285714286, 0.0645,
    0.07650000000000001, 0.48600000000000004, 0.5811818181818182, 0.7148749999999999,
    0.7532307692307693, 0.8132142857142857, 1.0,
]  # fmt: skip
