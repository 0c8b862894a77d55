"""Choosing priorities: the risk matrix scoring, its sensitivity, and the recommendation.

Pure functions: the configuration (:class:`RiskConfig`, read and validated from
``risk_matrix.yaml`` by :func:`csp_analysis.config.load_config`), the harm weights and the unit
costs (:func:`csp_analysis.config.load_harm_weights`, :func:`~csp_analysis.config.load_unit_costs`)
are passed in; nothing here reads a file. Bad arguments raise ``ValueError`` (a
:class:`~csp_analysis.exceptions.TableError` naming the column and row for a bad table).

Each candidate category (crime categories and anti-social behaviour from the year-on-year table)
is scored 1–5 on each factor of the configuration:

=====================  ===============================================  =====================
factor                 raw value                                        scored by
=====================  ===============================================  =====================
volume                 crimes (incidents) in the assessed year          quantile/thresholds
trend                  ``significant rise`` … ``significant fall``      fixed table (5 … 1)
harm                   crimes × CCHI days per crime                     quantile/thresholds
cost                   unit cost of one crime (£, 2015/16 prices)       quantile/thresholds
public_concern         % of survey respondents naming it                quantile/thresholds
vulnerability          hand-entered score                               manual (1–5)
partnership_capacity   hand-entered score                               manual (1–5)
=====================  ===============================================  =====================

Scoring rules
-------------
``thresholds: [t1, t2, t3, t4]``
    score = 1 + the number of cut-points the value reaches (value ≥ cut-point): below t1 → 1,
    t1 ≤ value < t2 → 2, …, value ≥ t4 → 5.
``quantile``
    score by the value's position among the candidates with a value: with ``r`` its rank
    (1 = smallest, ties share the mean rank) among ``n`` values, score = 1 + ⌊5(r − ½)/n⌋. Ten
    distinct values score 1, 1, 2, 2, 3, 3, 4, 4, 5, 5; values all equal score 3. Only over
    :data:`MIN_QUANTILE` or more candidates with a value: with fewer, quantiles would rank a
    handful of values against each other, so the factor is scored on the fixed bands of
    :data:`FALLBACK_BANDS` (or its configured ``thresholds``) instead.
``trend``
    significant rise 5, rise 4, flat 3, fall 2, significant fall 1 (editable). The label
    follows the significance verdict (over the family of categories where the table has
    ``significant_fdr``): a change that is not significant is ``flat`` whatever its percentage;
    the percentage decides only where no test was run.
``manual``
    the hand-entered score itself (1–5).

Missing data
------------
A factor without data for a category has ``<factor>_raw`` and ``<factor>_score`` missing (NaN),
never 0, and nothing is imputed for it: ``weighted_sum``: ``total = Σ_present wᵢsᵢ``, the score
on the factors present. (Filling a gap with the category's own mean score would let a category
with few, high factors outrank better-evidenced ones.) ``coverage`` is the share of the
weight the category was scored on (Σ_present wᵢ / Σ_all wᵢ). ``impact_likelihood``: impact and
likelihood are weighted means over their present factors; ``total = impact × likelihood``.
``factors_missing`` names the missing factors that the combination uses. A category with fewer
than ``min_factors`` scored factors is ``provisional``: it is scored and ranked, but never
recommended, and neither is a category with no count for the year. Anti-social behaviour is
not a notifiable crime: it has no harm index or unit cost by nature, and :data:`NOT_APPLICABLE`
declares so (``factors_missing`` says "not applicable") instead of inventing a figure.

Harm and cost per crime of a category
-------------------------------------
Reference tables give values per Home Office subgroup (harm) or Heeks offence (cost). A
category's weight is the volume-weighted mean of its subgroups' values when subgroup volumes are
given (the expected harm or cost of one crime of the category), else the configured ``aggregate``
(default the geometric mean: the values span orders of magnitude, and the geometric mean neither
lets one rare extreme subgroup such as homicide set the weight of all violence, as the mean would,
nor ignores it). See :func:`category_weights` and ``docs/risk_matrix.md``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csp_analysis import defaults
from csp_analysis.exceptions import TableError

FACTORS = (
    "volume",
    "trend",
    "harm",
    "cost",
    "public_concern",
    "vulnerability",
    "partnership_capacity",
)
MEASURED = ("volume", "harm", "cost", "public_concern")
SCORINGS = {
    "volume": ("quantile", "thresholds"),
    "harm": ("quantile", "thresholds"),
    "cost": ("quantile", "thresholds"),
    "public_concern": ("quantile", "thresholds"),
    "trend": ("trend",),
    "vulnerability": ("manual",),
    "partnership_capacity": ("manual",),
}
COMBINATIONS = ("weighted_sum", "impact_likelihood")
#: Fewest candidates with a value for quantile scoring; fewer use :data:`FALLBACK_BANDS`.
MIN_QUANTILE = 8
#: Fixed bands (four cut-points, score 1 below the first, 5 from the last) used instead of
#: quantiles when too few candidates have a value: crimes a year (volume), crimes × CCHI days
#: (harm), pounds per crime (cost, Home Office 2015/16 prices) and % of residents (concern).
FALLBACK_BANDS = {
    "volume": (50.0, 150.0, 400.0, 1000.0),
    "harm": (1_000.0, 10_000.0, 50_000.0, 200_000.0),
    "cost": (500.0, 1_500.0, 5_000.0, 15_000.0),
    "public_concern": (10.0, 20.0, 35.0, 50.0),
}
#: Factors that do not apply to a category by nature (declared, never invented).
NOT_APPLICABLE = {
    "Anti-social behaviour": {
        "harm": "anti-social behaviour is not a notifiable crime: the Crime Harm Index has no "
        "figure for it",
        "cost": "anti-social behaviour is not a notifiable crime: the Home Office unit costs "
        "have no figure for it",
    }
}
AGGREGATES = ("geometric_mean", "median", "mean", "min", "max")
TREND_LABELS = ("significant rise", "rise", "flat", "fall", "significant fall")
DEFAULT_TREND_SCORES = {
    "significant rise": 5,
    "rise": 4,
    "flat": 3,
    "fall": 2,
    "significant fall": 1,
}
LABELS = {
    "volume": "volume",
    "trend": "trend",
    "harm": "harm",
    "cost": "cost",
    "public_concern": "public concern",
    "vulnerability": "vulnerability",
    "partnership_capacity": "partnership capacity",
}


# ---------------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class FactorConfig:
    """One factor of the risk matrix.

    Attributes
    ----------
    name : str
    weight : float
        Non-negative; 0 shows the factor without counting it.
    scoring : str
        ``quantile``, ``thresholds``, ``trend`` or ``manual``.
    thresholds : tuple of float
        Four increasing cut-points (``thresholds`` scoring only).
    alpha, flat_pct : float
        Trend only: significance level and the ± % band called flat.
    scores : dict
        Trend only: score of each trend label.
    aggregate : str
        Harm and cost only: how subgroup values make a category value without volumes.
    label : str
        Words used in tables and reasons.
    """

    name: str
    weight: float
    scoring: str
    thresholds: tuple[float, ...] = ()
    alpha: float = defaults.ALPHA
    flat_pct: float = 5.0
    scores: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TREND_SCORES))
    aggregate: str = "geometric_mean"
    label: str = ""


@dataclass(frozen=True)
class RiskConfig:
    """The risk matrix configuration (``risk_matrix.yaml``, see :mod:`csp_analysis.config`).

    Attributes
    ----------
    factors : dict
        Factor name → :class:`FactorConfig`, in the order of the file.
    combination : str
        ``weighted_sum`` or ``impact_likelihood``.
    impact, likelihood : tuple of str
        Factors forming impact and likelihood (``impact_likelihood`` only).
    min_factors : int
        Fewest scored factors a category needs for a total.
    include_kinds : tuple of str
        Kinds of change-table rows that are candidates (``crime``, ``asb``, ``flag``,
        ``theme``).
    candidates : tuple of str
        The analyst's candidate list (compared ignoring case and spacing); empty: every row
        of ``include_kinds``.
    concern_map : dict
        Case-folded survey concern → report category (None: not a category).
    manual_scores : dict
        Factor → {category: score}.
    exclude_categories : tuple of str
        Categories that are never candidates (the configuration loader gives the total,
        ``All crime``).
    source : str
        File name the configuration came from.

    Examples
    --------
    >>> cfg = RiskConfig({"volume": FactorConfig("volume", 1.0, "quantile"),
    ...                   "harm": FactorConfig("harm", 2.0, "quantile")})
    >>> cfg.used, cfg.weights()
    (['volume', 'harm'], {'volume': 1.0, 'harm': 2.0})
    """

    factors: dict[str, FactorConfig]
    combination: str = "weighted_sum"
    impact: tuple[str, ...] = ()
    likelihood: tuple[str, ...] = ()
    min_factors: int = 1
    include_kinds: tuple[str, ...] = ("crime", "asb", "flag", "theme")
    candidates: tuple[str, ...] = ()
    concern_map: dict[str, str | None] = field(default_factory=dict)
    manual_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    exclude_categories: tuple[str, ...] = ()
    source: str = ""

    @property
    def used(self) -> list[str]:
        """Factors that count towards the total (weight > 0 and, for impact × likelihood, in a
        group), in configuration order."""
        groups = set(self.impact) | set(self.likelihood)
        return [
            f
            for f, c in self.factors.items()
            if c.weight > 0 and (self.combination == "weighted_sum" or f in groups)
        ]

    def weights(self) -> dict[str, float]:
        """Factor → weight.

        Returns
        -------
        dict of str to float
            Every configured factor's weight, in configuration order, including factors with
            weight 0 (shown in the matrix but not counted) and, for ``impact_likelihood``,
            factors in neither group (see :attr:`used`).

        Examples
        --------
        >>> RiskConfig({"harm": FactorConfig("harm", 2.0, "quantile")}).weights()
        {'harm': 2.0}
        """
        return {f: c.weight for f, c in self.factors.items()}

    def with_weights(self, **weights: float) -> RiskConfig:
        """A copy with some factor weights changed, e.g. ``cfg.with_weights(harm=3)``.

        The configuration itself is left unchanged. Useful to see how the ranking moves when
        one factor counts more or less.

        Parameters
        ----------
        **weights : float
            New weight of each named factor (a key of ``factors``, e.g. ``harm``,
            ``public_concern``); 0 shows the factor without counting it. The values are
            converted with ``float`` but not otherwise checked here, so give non-negative
            numbers as the configuration file requires.

        Returns
        -------
        RiskConfig
            A new configuration with those weights and everything else as before.

        Raises
        ------
        ValueError
            If a name is not a factor of the configuration (naming ``factors.<name>``).

        Examples
        --------
        >>> cfg = RiskConfig({"harm": FactorConfig("harm", 2.0, "quantile")})
        >>> cfg.with_weights(harm=3).weights()["harm"], cfg.weights()["harm"]
        (3.0, 2.0)
        """
        factors = dict(self.factors)
        for name, w in weights.items():
            if name not in factors:
                raise ValueError(
                    f"factors.{name}: no such factor (the factors are {', '.join(factors)})"
                )
            factors[name] = dataclasses.replace(factors[name], weight=float(w))
        return dataclasses.replace(self, factors=factors)


def _fold(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def category_weights(
    table: pd.DataFrame,
    value: str | None = None,
    volumes: Mapping[str, float] | pd.Series | None = None,
    method: str = "geometric_mean",
) -> pd.DataFrame:
    """Combine subgroup values (harm days or unit costs) into one value per report category.

    Parameters
    ----------
    table : pandas.DataFrame
        ``category``, a subgroup column (``prc_subgroup`` or ``offence``) and the value column.
    value : str, optional
        The value column; default ``cchi_days`` or ``unit_cost_gbp``, whichever is present.
    volumes : mapping or pandas.Series, optional
        Subgroup → number of crimes (national or local counts). A category all of whose
        subgroups have a volume gets the volume-weighted mean Σ vᵢcᵢ / Σ vᵢ, the expected value of
        one of its crimes.
    method : str
        For categories without complete volumes: ``geometric_mean`` (default), ``median``,
        ``mean``, ``min`` or ``max`` of the subgroup values (unweighted).

    Returns
    -------
    pandas.DataFrame
        ``category, weight, subgroups, method`` (``method`` says which rule gave each weight).

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Burglary", "Burglary"],
    ...                   "prc_subgroup": ["Residential burglary", "Non-residential burglary"],
    ...                   "cchi_days": [273.5, 183.5]})
    >>> round(float(category_weights(t)["weight"].iloc[0]), 2)  # sqrt(273.5 * 183.5)
    224.03
    >>> vols = {"Residential burglary": 3, "Non-residential burglary": 1}
    >>> float(category_weights(t, volumes=vols)["weight"].iloc[0])  # (3 * 273.5 + 183.5) / 4
    251.0
    """
    if method not in AGGREGATES:
        raise ValueError(f"method must be one of {', '.join(AGGREGATES)}, not {method!r}")
    if value is None:
        value = next(
            (c for c in ("cchi_days", "unit_cost_gbp", "weight") if c in table.columns), None
        )
        if value is None:
            raise TableError("no value column (cchi_days, unit_cost_gbp or weight)")
    group = next((c for c in ("prc_subgroup", "offence") if c in table.columns), None)
    if group is None:  # already one value per category
        out = table[["category", value]].rename(columns={value: "weight"}).copy()
        out["subgroups"] = 1
        out["method"] = "as given"
        return out.reset_index(drop=True)
    vols = {_fold(k): float(v) for k, v in dict(volumes or {}).items()}
    rows = []
    for cat in pd.unique(table["category"]):
        sub = table[table["category"] == cat]
        vals = sub[value].astype("float64").to_numpy()
        keys = [_fold(g) for g in sub[group]]
        if vols and all(k in vols for k in keys) and sum(vols[k] for k in keys) > 0:
            v = np.array([vols[k] for k in keys])
            weight, how = float((v * vals).sum() / v.sum()), "volume-weighted mean"
        else:
            weight, how = _aggregate(vals, method), method.replace("_", " ")
        rows.append({"category": cat, "weight": weight, "subgroups": len(sub), "method": how})
    return pd.DataFrame(rows, columns=["category", "weight", "subgroups", "method"])


def _aggregate(vals: np.ndarray, method: str) -> float:
    if method == "geometric_mean":
        return 0.0 if (vals <= 0).any() else float(np.exp(np.log(vals).mean()))
    return float({"median": np.median, "mean": np.mean, "min": np.min, "max": np.max}[method](vals))


def validate_manual_scores(manual: pd.DataFrame) -> pd.DataFrame:
    """Check hand-entered scores (``risk_scores.csv``).

    Parameters
    ----------
    manual : pandas.DataFrame
        ``category, factor, score`` (other columns, such as ``note``, kept).

    Returns
    -------
    pandas.DataFrame
        With ``category`` and ``factor`` stripped and ``score`` as float.

    Raises
    ------
    TableError
        A ``ValueError`` naming the column and the 1-based row: a missing column, a blank
        category or factor, a score that is not a number from 1 to 5, or the same category
        and factor twice.

    Examples
    --------
    >>> validate_manual_scores(pd.DataFrame({"category": ["Robbery"], "factor": ["vulnerability"],
    ...                                      "score": ["4"]}))["score"].tolist()
    [4.0]
    """
    for col in ("category", "factor", "score"):
        if col not in manual.columns:
            raise TableError("missing column", column=col)
    df = manual.copy()
    for col in ("category", "factor"):
        df[col] = df[col].astype("string").str.strip()
    scores = pd.to_numeric(df["score"].astype("string").str.strip(), errors="coerce")
    for pos in range(len(df)):
        for col in ("category", "factor"):
            v = df[col].iloc[pos]
            if pd.isna(v) or v == "":
                raise TableError(f"blank {col}", row=pos + 1, column=col)
        s = scores.iloc[pos]
        if pd.isna(s) or not 1 <= s <= 5:
            raise TableError(
                f"score '{df['score'].iloc[pos]}' is not a number from 1 to 5",
                row=pos + 1,
                column="score",
            )
    dup = df.duplicated(["category", "factor"])
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise TableError(
            f"{df['category'].iloc[pos]} / {df['factor'].iloc[pos]} is scored twice",
            row=pos + 1,
            column="factor",
        )
    df["score"] = scores.astype("float64")
    return df


# ----------------------------------------------------------------------------------- scoring
def score_thresholds(values: np.ndarray | pd.Series, thresholds: tuple[float, ...]) -> np.ndarray:
    """Score values 1–5 by four cut-points: 1 + the number of cut-points reached (value ≥ cut).

    Missing values stay missing.

    Parameters
    ----------
    values : numpy.ndarray or pandas.Series
        One-dimensional raw values of a factor (e.g. crimes, CCHI harm days, cost in £),
        one per category; NaN or ``<NA>`` for a category without data.
    thresholds : tuple of float
        Four increasing cut-points in the units of ``values`` (``load_config`` checks this
        for the configuration file; it is not checked here). A value equal to a cut-point
        reaches it.

    Returns
    -------
    numpy.ndarray
        Float scores 1–5 in the order of ``values`` (position, not index), NaN where the
        value is missing, never 0.

    Examples
    --------
    >>> score_thresholds(np.array([5, 10, 19.9, 20, 50, np.nan]), (10, 20, 35, 50))
    array([ 1.,  2.,  2.,  3.,  5., nan])
    """
    v = np.asarray(values, dtype="float64")
    cuts = np.asarray(thresholds, dtype="float64")
    out = 1.0 + (v[:, None] >= cuts[None, :]).sum(axis=1)
    return np.where(np.isnan(v), np.nan, out)


def score_quantiles(values: np.ndarray | pd.Series) -> np.ndarray:
    """Score values 1–5 by position among the non-missing values: 1 + ⌊5(r − ½)/n⌋.

    ``r`` is the value's rank (1 = smallest; ties share the mean rank) and ``n`` the number of
    non-missing values. Computed in whole numbers (10r − 5) // 2n so that boundaries are exact.

    The scores are relative: they rank the candidates of this assessment against each other
    and say nothing about the level of the values. With fewer than five values not every
    score is used (two values score 2 and 4; one scores 3).

    Parameters
    ----------
    values : numpy.ndarray or pandas.Series
        One-dimensional raw values of a factor, one per candidate category; NaN or ``<NA>``
        for a category without data (left out of ``n``).

    Returns
    -------
    numpy.ndarray
        Float scores 1–5 in the order of ``values`` (position, not index), NaN where the
        value is missing (all NaN when every value is), never 0.

    Examples
    --------
    >>> score_quantiles(np.arange(1, 11))
    array([1., 1., 2., 2., 3., 3., 4., 4., 5., 5.])
    >>> score_quantiles(np.array([7, 7, 7, np.nan]))
    array([ 3.,  3.,  3., nan])
    """
    v = np.asarray(values, dtype="float64")
    ok = ~np.isnan(v)
    out = np.full(v.shape, np.nan)
    n = int(ok.sum())
    if n == 0:
        return out
    ranks = pd.Series(v[ok]).rank(method="average").to_numpy()
    ten_r = np.rint(10 * ranks).astype("int64")  # mean ranks are multiples of 0.5
    out[ok] = 1 + np.minimum((ten_r - 5) // (2 * n), 4)
    return out


def trend_label(
    change: float | None,
    pct_change: float | None = None,
    significant: bool | None = None,
    p_value: float | None = None,
    alpha: float = defaults.ALPHA,
    flat_pct: float = 5.0,
) -> str | None:
    """Words for a change: ``significant rise``, ``rise``, ``flat``, ``fall``, ``significant fall``.

    Significance comes from ``significant`` when known, else from ``p_value < alpha``; a
    significant change is named by its direction whatever its size, and a change tested and
    found not significant is ``flat`` whatever its size. Only where no test was run does the
    percentage decide: a change of at least ``flat_pct`` percent is a rise or fall and
    anything smaller is flat (with no percent change, e.g. from zero, the direction of the
    change decides). ``None`` when the change is unknown.

    Parameters
    ----------
    change : float or None
        Signed change, e.g. current − previous crimes, or a trend slope (Sen's slope per
        year); only its sign (positive, negative or zero) is used. ``None`` or NaN when
        unknown.
    pct_change : float, optional
        The change in percent (``4.9`` means +4.9%). Missing (``None``/NaN) when there is no
        percentage, e.g. a change from zero or a slope: then any non-zero change is a rise
        or fall, however small.
    significant : bool, optional
        Verdict of a test already run (e.g. ``significant`` of the change table); takes
        precedence over ``p_value`` when not missing.
    p_value : float, optional
        p-value of the test of the change, used when ``significant`` is missing.
    alpha : float, default 0.05
        Significance level for ``p_value``: significant when ``p_value < alpha``.
    flat_pct : float, default 5.0
        Half-width in percent of the band called flat: ``|pct_change| < flat_pct``.

    Returns
    -------
    str or None
        One of :data:`TREND_LABELS`; ``None`` when ``change`` is missing. A significant
        change of exactly 0 is ``flat``.

    Examples
    --------
    >>> trend_label(54, 39.1, p_value=0.0035)
    'significant rise'
    >>> trend_label(12, 4.9, p_value=0.2), trend_label(30, 13.9, significant=False)
    ('flat', 'flat')
    >>> trend_label(-30, -8.0)
    'fall'
    """
    if change is None or pd.isna(change):
        return None
    sig = None
    if significant is not None and not pd.isna(significant):
        sig = bool(significant)
    elif p_value is not None and not pd.isna(p_value):
        sig = bool(p_value < alpha)
    if sig and change != 0:
        return "significant rise" if change > 0 else "significant fall"
    if sig is not None:
        return "flat"  # tested and within normal variation: never "rising" on its percentage
    if pct_change is None or pd.isna(pct_change):
        return "rise" if change > 0 else "fall" if change < 0 else "flat"
    if pct_change >= flat_pct:
        return "rise"
    if pct_change <= -flat_pct:
        return "fall"
    return "flat"


def _check_config(config: object) -> None:
    if not isinstance(config, RiskConfig):
        raise TypeError(
            "config must be a RiskConfig (see csp_analysis.config.load_config), "
            f"not {type(config).__name__}"
        )


def _candidates(change_table: pd.DataFrame, config: RiskConfig) -> pd.DataFrame:
    for col in ("category", "current"):
        if col not in change_table.columns:
            raise TableError("the change table has no such column", column=col)
    t = change_table[~change_table["category"].isin(config.exclude_categories)]
    if "kind" in t.columns:
        t = t[t["kind"].isin(config.include_kinds)]
    if config.candidates:
        named = {" ".join(c.split()).casefold() for c in config.candidates}
        keys = t["category"].astype("string").str.split().str.join(" ").str.casefold()
        t = t[keys.isin(named).fillna(False).to_numpy(dtype=bool)]
    return t.reset_index(drop=True)


def _col(t: pd.DataFrame, name: str) -> list:
    return list(t[name]) if name in t.columns else [None] * len(t)


def _trend_raw(t: pd.DataFrame, fc: FactorConfig, trends: pd.DataFrame | None) -> list:
    if trends is not None:
        tr = trends.set_index("category")
        labels = []
        for cat in t["category"]:
            if cat not in tr.index:
                labels.append(None)
                continue
            r = tr.loc[cat]
            slope = r["sen_slope"] if "sen_slope" in tr.columns else r.get("tau")
            sig = r.get("significant_fdr") if "significant_fdr" in tr.columns else None
            labels.append(trend_label(slope, None, sig, r.get("p_value"), fc.alpha, fc.flat_pct))
        return labels
    if "change" in t.columns:
        change = list(t["change"])
    elif "previous" in t.columns:
        change = list(t["current"] - t["previous"])
    else:
        change = [None] * len(t)
    return [
        trend_label(c, p, s, pv, fc.alpha, fc.flat_pct)
        for c, p, s, pv in zip(
            change,
            _col(t, "pct_change"),
            _col(t, "significant_fdr" if "significant_fdr" in t.columns else "significant"),
            _col(t, "p_value"),
            strict=True,
        )
    ]


def _concern_by_category(concern: pd.DataFrame, config: RiskConfig) -> tuple[dict, list[str]]:
    for col in ("concern", "pct"):
        if col not in concern.columns:
            raise TableError("the concern table has no such column", column=col)
    best: dict[str, float] = {}
    unmapped = []
    for name, pct in zip(concern["concern"], concern["pct"], strict=True):
        key = _fold(name)
        if key not in config.concern_map:
            unmapped.append(str(name))
            continue
        cat = config.concern_map[key]
        if cat is None or pd.isna(pct):
            continue
        best[cat] = max(best.get(cat, -np.inf), float(pct))
    return best, unmapped


def _manual(
    config: RiskConfig, manual: pd.DataFrame | None, cats: list[str], known: set | None = None
) -> dict:
    scores = {f: dict(v) for f, v in config.manual_scores.items()}
    if manual is not None:
        m = validate_manual_scores(manual)
        for pos, (cat, f, s) in enumerate(zip(m["category"], m["factor"], m["score"], strict=True)):
            if f not in config.factors or config.factors[f].scoring != "manual":
                where = config.source or "the configuration"
                raise TableError(
                    f"factor '{f}' is not scored by hand in {where} (scoring: manual)",
                    row=pos + 1,
                    column="factor",
                )
            if cat not in cats and cat in (known or set()):
                continue
            if cat not in cats:
                raise TableError(
                    f"category '{cat}' is not one of the categories scored",
                    row=pos + 1,
                    column="category",
                )
            scores.setdefault(f, {})[cat] = float(s)
    return scores


def _weighted_mean(s: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean over present factors: s (C, F), w (D, F) → (D, C); NaN if none present."""
    present = ~np.isnan(s)
    num = np.where(present, s, 0.0) @ w.T  # (C, D)
    den = present.astype("float64") @ w.T
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / den, np.nan)
    return out.T


def _combine(
    s: np.ndarray, w: np.ndarray, config: RiskConfig, factors: list[str]
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Totals for scores s (C, F) over ``factors`` and weight draws w (D, F) → (D, C)."""
    w = np.atleast_2d(np.asarray(w, dtype="float64"))
    present = ~np.isnan(s)
    if config.combination == "weighted_sum":
        total = (np.where(present, s, 0.0) @ w.T).T  # the score on the factors present
        return np.where(present.any(axis=1)[None, :], total, np.nan), None, None
    idx_i = [factors.index(f) for f in config.impact if f in factors]
    idx_l = [factors.index(f) for f in config.likelihood if f in factors]
    impact = _weighted_mean(s[:, idx_i], w[:, idx_i])
    likelihood = _weighted_mean(s[:, idx_l], w[:, idx_l])
    total = impact * likelihood
    return total, impact, likelihood


def score_risk(
    change_table: pd.DataFrame,
    config: RiskConfig,
    harm: pd.DataFrame | None = None,
    costs: pd.DataFrame | None = None,
    concern: pd.DataFrame | None = None,
    manual: pd.DataFrame | None = None,
    trends: pd.DataFrame | None = None,
    volumes: Mapping[str, float] | pd.Series | None = None,
    also_known: Iterable[str] = (),
) -> pd.DataFrame:
    """Score every candidate category on every factor and rank them.

    Parameters
    ----------
    change_table : pandas.DataFrame
        The year-on-year table (:func:`~csp_analysis.analyses.change.category_change`):
        ``category, kind, previous, current, change, pct_change``; ``p_value`` and
        ``significant`` (from the significance analysis) are used for the trend when present and
        treated as missing when absent. Categories in ``config.exclude_categories`` (All crime)
        are never candidates.
    config : RiskConfig
        The configuration (:func:`csp_analysis.config.load_config`).
    harm : pandas.DataFrame, optional
        :func:`csp_analysis.config.load_harm_weights` (per subgroup) or ``category, weight``.
        Not given: harm is missing for every category.
    costs : pandas.DataFrame, optional
        :func:`csp_analysis.config.load_unit_costs` (per offence) or ``category, weight``. Not
        given: cost missing.
    concern : pandas.DataFrame, optional
        :func:`~csp_analysis.statistics.survey.public_concern` output (``concern, pct``); matched
        to categories by ``concern_map``. Not given: public concern missing.
    manual : pandas.DataFrame, optional
        ``category, factor, score`` (``risk_scores.csv``); rows override ``manual_scores`` in the
        configuration.
    trends : pandas.DataFrame, optional
        A trends table (``category, p_value, sen_slope``, e.g. Mann–Kendall); when given, the
        trend factor uses it instead of the year-on-year change.
    volumes : mapping or pandas.Series, optional
        Crimes by subgroup/offence for volume-weighting harm and cost (see
        :func:`category_weights`).
    also_known : iterable of str, optional
        Names a hand score may give that are not rows of ``change_table`` (a theme the data
        cannot compute, a category another area of the folder has): such scores are set
        aside; a score for any other unknown name is refused.

    Returns
    -------
    pandas.DataFrame
        ``category, kind``, then ``<factor>_raw, <factor>_score`` for each configured factor
        (``trend_raw`` is the trend label; ``cost_raw`` the cost of one crime), ``impact,
        likelihood`` (impact × likelihood only), ``total_score, rank, coverage`` (share of the
        weight scored), ``factors_scored``, ``provisional`` (too few factors, or no count for
        the year: never recommended) and ``factors_missing`` (with "(not applicable)" where
        :data:`NOT_APPLICABLE` declares it). Sorted by rank (1 = highest total; ties share the
        better rank); rows without a total come last with rank missing. ``attrs`` holds
        ``unmapped_concerns`` (survey concerns not in ``concern_map``), ``combination`` and
        ``banded`` (quantile factors scored on fixed bands: too few candidates).

    Raises
    ------
    TableError
        A ``ValueError`` naming the column (and row) if a required column is missing or
        hand-entered scores are wrong.
    """
    _check_config(config)
    t = _candidates(change_table, config)
    cats = [str(c) for c in t["category"]]
    current = pd.to_numeric(t["current"], errors="coerce").astype("float64").to_numpy()
    out = pd.DataFrame({"category": cats})
    out["kind"] = list(t["kind"]) if "kind" in t.columns else pd.NA
    harm_w = costs_w = None
    if harm is not None:
        h = category_weights(
            harm,
            volumes=volumes,
            method=config.factors["harm"].aggregate
            if "harm" in config.factors
            else "geometric_mean",
        )
        harm_w = dict(zip(h["category"], h["weight"], strict=True))
    if costs is not None:
        c = category_weights(
            costs,
            volumes=volumes,
            method=config.factors["cost"].aggregate
            if "cost" in config.factors
            else "geometric_mean",
        )
        costs_w = dict(zip(c["category"], c["weight"], strict=True))
    concern_cat, unmapped = ({}, []) if concern is None else _concern_by_category(concern, config)
    # a hand score for a row of the change table that is not a candidate (left out by the
    # kinds or the analyst's list), or for a theme the data cannot compute, is not used; any
    # other name is a mistake in the file
    known = set(change_table["category"]) | set(also_known)
    manual_scores = _manual(config, manual, cats, known)
    factors = list(config.factors)
    score_cols = []
    banded: list[str] = []
    for f in factors:
        fc = config.factors[f]
        if f == "volume":
            raw = current.copy()
        elif f == "harm":
            raw = (
                np.array([np.nan if harm_w is None else harm_w.get(cat, np.nan) for cat in cats])
                * current
            )
        elif f == "cost":  # severity: the cost of one crime (volume is its own factor)
            raw = np.array(
                [np.nan if costs_w is None else costs_w.get(cat, np.nan) for cat in cats],
                dtype="float64",
            )
        elif f == "public_concern":
            raw = np.array([concern_cat.get(cat, np.nan) for cat in cats], dtype="float64")
        elif f == "trend":
            labels = _trend_raw(t, fc, trends)
            out["trend_raw"] = pd.array(labels, dtype="string")
            score = np.array(
                [np.nan if lab is None else fc.scores[lab] for lab in labels], dtype="float64"
            )
            out["trend_score"] = score
            score_cols.append(score)
            continue
        else:  # manual
            given = manual_scores.get(f, {})
            raw = np.array([given.get(cat, np.nan) for cat in cats], dtype="float64")
        for i, cat in enumerate(cats):
            if f in NOT_APPLICABLE.get(cat, {}):
                raw[i] = np.nan
        if fc.scoring == "quantile" and int((~np.isnan(raw)).sum()) >= MIN_QUANTILE:
            score = score_quantiles(raw)
        elif fc.scoring == "quantile":
            bands = fc.thresholds if len(fc.thresholds) == 4 else FALLBACK_BANDS.get(f)
            score = score_quantiles(raw) if bands is None else score_thresholds(raw, bands)
            banded.append(f)
        elif fc.scoring == "thresholds":
            score = score_thresholds(raw, fc.thresholds)
        else:
            score = raw.copy()
        out[f"{f}_raw"] = raw
        out[f"{f}_score"] = score
        score_cols.append(score)
    s = np.column_stack(score_cols) if score_cols else np.empty((len(cats), 0))
    used = config.used
    idx = [factors.index(f) for f in used]
    w = np.array([config.factors[f].weight for f in used])
    total, impact, likelihood = _combine(s[:, idx], w, config, used)
    if impact is not None:
        out["impact"] = impact[0]
        out["likelihood"] = likelihood[0]
    out["total_score"] = total[0]
    out["rank"] = out["total_score"].rank(method="min", ascending=False).astype("Int64")
    present = ~np.isnan(s[:, idx])
    out["coverage"] = (present * w[None, :]).sum(axis=1) / w.sum() if w.sum() > 0 else np.nan
    out["factors_scored"] = present.sum(axis=1).astype("int64")
    no_count = ~(current > 0)  # missing or zero crimes in the year: nothing to prioritise
    out["provisional"] = (out["factors_scored"] < config.min_factors) | no_count

    def missing_words(i: int, cat: str) -> str:
        words = []
        for f in used:
            if np.isnan(out.at[i, f"{f}_score"]):
                na = NOT_APPLICABLE.get(cat, {}).get(f)
                words.append(f"{f} (not applicable)" if na else f)
        return ", ".join(words)

    out["factors_missing"] = pd.array(
        [missing_words(i, c) for i, c in zip(out.index, cats, strict=True)], dtype="string"
    )
    order = {c: i for i, c in enumerate(cats)}
    out = (
        out.assign(_o=out["category"].map(order))
        .sort_values(["rank", "_o"], na_position="last", kind="stable")
        .drop(columns="_o")
    )
    out = out.reset_index(drop=True).astype({"category": "string", "kind": "string"})
    out.attrs["unmapped_concerns"] = unmapped
    out.attrs["combination"] = config.combination
    out.attrs["banded"] = banded
    return out


# ------------------------------------------------------------------------------- sensitivity
def sensitivity(
    scores: pd.DataFrame,
    config: RiskConfig,
    draws: int = defaults.SENSITIVITY_DRAWS,
    spread: float = defaults.SENSITIVITY_SPREAD,
    seed: int = defaults.SENSITIVITY_SEED,
    top: int = defaults.PRIORITIES,
) -> pd.DataFrame:
    """How stable the ranking is when every weight is varied at random.

    In each of ``draws`` draws, every used factor's weight is multiplied by its own factor
    drawn uniformly from ``[1 − spread, 1 + spread]`` (±50% by default), the totals are
    recombined exactly as in :func:`score_risk`, and the categories ranked (ties broken by the
    original rank, so exactly ``top`` categories are in the top ``top`` of every draw).

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`score_risk` (its ``<factor>_score`` columns are used).
    config : RiskConfig
        The configuration used for ``scores``.
    draws : int
        Number of random weight sets (default :data:`csp_analysis.defaults.SENSITIVITY_DRAWS`,
        1000).
    spread : float
        Relative half-width of the uniform variation, from 0 to less than 1 (default 0.5).
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives the same result (default 0).
    top : int
        Size of the "top" group (default :data:`csp_analysis.defaults.PRIORITIES`, 5).

    Returns
    -------
    pandas.DataFrame
        ``category, rank`` (as scored), ``p_top<top>`` (share of draws in the top ``top``),
        ``median_rank, rank_5th, rank_95th`` (5th and 95th percentiles of the rank, as ranks
        actually drawn). Categories without a total have these missing. ``attrs`` records
        ``draws, spread, seed, top``.

    Raises
    ------
    ValueError
        If ``spread``, ``draws`` or ``top`` is out of range, or ``scores`` lacks a used
        factor's score column (a :class:`~csp_analysis.exceptions.TableError`).
    TypeError
        If ``config`` is not a :class:`RiskConfig`.
    """
    _check_config(config)
    if not 0 <= spread < 1:
        raise ValueError("spread must be from 0 to less than 1")
    if draws < 1 or top < 1:
        raise ValueError("draws and top must be at least 1")
    used = config.used
    for f in used:
        if f"{f}_score" not in scores.columns:
            raise TableError("the scores table has no such column", column=f"{f}_score")
    s = scores[[f"{f}_score" for f in used]].to_numpy(dtype="float64", na_value=np.nan)
    base = np.array([config.factors[f].weight for f in used])
    rng = np.random.default_rng(seed)
    w = base[None, :] * rng.uniform(1 - spread, 1 + spread, size=(draws, len(used)))
    total, _, _ = _combine(s, w, config, used)
    valid = ~np.isnan(total[0])
    # Tie-break by the original order (rank, then table order).
    base_rank = pd.to_numeric(scores["rank"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    order = np.lexsort((np.arange(len(scores)), np.nan_to_num(base_rank, nan=np.inf)))
    order = np.array([i for i in order if valid[i]], dtype="int64")
    ranks = np.full(total.shape, np.nan)
    if len(order):
        sub = total[:, order]
        pos = np.argsort(-sub, axis=1, kind="stable")
        r = np.empty_like(pos)
        np.put_along_axis(r, pos, np.arange(1, len(order) + 1)[None, :].repeat(draws, 0), axis=1)
        ranks[:, order] = r
    name = f"p_top{top}"
    out = pd.DataFrame({"category": scores["category"].astype("string"), "rank": scores["rank"]})
    with np.errstate(invalid="ignore"):
        out[name] = np.where(valid, (ranks <= top).mean(axis=0), np.nan)
    out["median_rank"] = np.where(valid, np.nanmedian(np.where(valid, ranks, 0), axis=0), np.nan)
    for q, col in ((5, "rank_5th"), (95, "rank_95th")):
        vals = np.percentile(np.where(valid, ranks, 0), q, axis=0, method="inverted_cdf")
        out[col] = np.where(valid, vals, np.nan)
    out = out.reset_index(drop=True)
    out.attrs.update({"draws": draws, "spread": spread, "seed": seed, "top": top})
    return out


# ------------------------------------------------------------------------------ recommendation
def _reason(factor: str, raw: object, score: float, kind: str | None) -> str | None:
    if pd.isna(score) or score < 4:
        return None
    if factor == "volume":
        unit = "incidents" if kind == "asb" else "crimes"
        return f"high volume ({raw:,.0f} {unit})"
    if factor == "trend":
        return "significant rise" if raw == "significant rise" else "rising"
    if factor == "harm":
        return "high harm"
    if factor == "cost":
        return "high cost"
    if factor == "public_concern":
        return f"named by {float(raw):.0f}% of residents"
    if factor == "vulnerability":
        return "vulnerable victims"
    if factor == "partnership_capacity":
        return "partnership well placed to act"
    return f"high {factor.replace('_', ' ')}"


def recommend_priorities(risk: pd.DataFrame, n: int = defaults.PRIORITIES) -> pd.DataFrame:
    """The top ``n`` categories with the reasons in words.

    Parameters
    ----------
    risk : pandas.DataFrame
        Output of :func:`score_risk`.
    n : int
        How many to recommend (default :data:`csp_analysis.defaults.PRIORITIES`, 5);
        categories tied with the ``n``-th are included.

    Returns
    -------
    pandas.DataFrame
        ``rank, category, total_score, reasons, not_scored`` for the top ``n`` candidates that
        are not ``provisional`` (a candidate with too few factors or no count for the year is
        never recommended): ``reasons`` lists the factors
        scoring 4 or 5, strongest first then in configuration order (e.g. "high harm,
        significant rise, named by 68% of residents"); ``not_scored`` names, in words, the
        factors without data.
    """
    factors = [
        c[: -len("_score")] for c in risk.columns if c.endswith("_score") and c != "total_score"
    ]
    eligible = risk[risk["rank"].notna()]
    if "provisional" in risk.columns:
        eligible = eligible[~eligible["provisional"].fillna(True).astype(bool)]
    cut = eligible["rank"].nsmallest(n).max() if len(eligible) else 0
    ranked = eligible[eligible["rank"] <= cut]
    rows = []
    for _, r in ranked.iterrows():
        found = []
        for f in factors:
            raw = r.get(f"{f}_raw")
            why = _reason(f, raw, r[f"{f}_score"], r.get("kind"))
            if why:
                found.append((-float(r[f"{f}_score"]), factors.index(f), why))
        reasons = ", ".join(w for _, _, w in sorted(found)) or (
            "no single factor scores high; ranked on the combined score"
        )
        missing = r.get("factors_missing")
        missing = [] if pd.isna(missing) or not missing else str(missing).split(", ")
        rows.append(
            {
                "rank": int(r["rank"]),
                "category": r["category"],
                "total_score": float(r["total_score"]),
                "reasons": reasons,
                "not_scored": ", ".join(LABELS.get(f, f.replace("_", " ")) for f in missing),
            }
        )
    out = pd.DataFrame(rows, columns=["rank", "category", "total_score", "reasons", "not_scored"])
    return out.astype({"category": "string", "reasons": "string", "not_scored": "string"})


__all__ = [
    "AGGREGATES",
    "COMBINATIONS",
    "DEFAULT_TREND_SCORES",
    "FACTORS",
    "FALLBACK_BANDS",
    "LABELS",
    "MIN_QUANTILE",
    "NOT_APPLICABLE",
    "SCORINGS",
    "TREND_LABELS",
    "FactorConfig",
    "RiskConfig",
    "category_weights",
    "recommend_priorities",
    "score_quantiles",
    "score_risk",
    "score_thresholds",
    "sensitivity",
    "trend_label",
    "validate_manual_scores",
]
