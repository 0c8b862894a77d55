"""Configuration and reference tables of the risk matrix: ``risk_matrix.yaml``, harm, unit costs.

``risk_matrix.yaml`` is validated by a pydantic schema (:class:`RiskMatrixFile`): unknown
settings, missing weights, wrong types and out-of-range values are refused with a
:class:`~csp_analysis.exceptions.ConfigError` naming the key path, e.g.
``risk_matrix.yaml, key 'factors.harm.weight': must be ≥ 0, not -1``. A few rules that join
several settings (which scorings a factor allows, impact and likelihood naming known factors,
hand scores only for factors scored by hand) are checked after the schema, with the same kind
of message. The result is the :class:`~csp_analysis.statistics.risk_matrix.RiskConfig` that the
scoring functions of :mod:`csp_analysis.statistics.risk_matrix` take as an argument.

The built-in files are package data in ``csp_analysis/reference/``
(:func:`csp_analysis.paths.reference_dir`); every loader also takes a path of your own.
"""

from __future__ import annotations

import math
import re
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from csp_analysis import defaults
from csp_analysis.categories import ALL_CRIME, UNALLOCATED, load_category_map
from csp_analysis.exceptions import ConfigError, DataError
from csp_analysis.paths import reference_dir
from csp_analysis.statistics.risk_matrix import (
    DEFAULT_TREND_SCORES,
    LABELS,
    SCORINGS,
    TREND_LABELS,
    FactorConfig,
    RiskConfig,
)

__all__ = [
    "FactorSpec",
    "RiskMatrixFile",
    "config_from_dict",
    "load_config",
    "load_harm_weights",
    "load_unit_costs",
]

KINDS = ("crime", "asb", "flag")


# ------------------------------------------------------------------------------------ schema
def _score_1_to_5(value: float) -> float:
    if not 1 <= value <= 5:
        raise PydanticCustomError("score", "must be from 1 to 5, not {value}", {"value": value})
    return value


def _four_increasing(values: list[float]) -> list[float]:
    if len(values) != 4:
        raise PydanticCustomError(
            "cut_points", "must be a list of four cut-points, e.g. [10, 20, 35, 50]"
        )
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise PydanticCustomError("cut_points", "cut-points must increase")
    return values


def _all_trend_labels(scores: dict[str, float]) -> dict[str, float]:
    if set(scores) != set(TREND_LABELS):
        raise PydanticCustomError(
            "trend_scores",
            "must give a score for each of: {labels}",
            {"labels": ", ".join(TREND_LABELS)},
        )
    return {label: scores[label] for label in TREND_LABELS}


Number = Annotated[float, Field(allow_inf_nan=False)]
Score = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_score_1_to_5)]


class FactorSpec(BaseModel):
    """One factor under ``factors:`` in ``risk_matrix.yaml``.

    The settings are keyword arguments, each kept as an attribute of the same name.

    Parameters
    ----------
    weight : float
        At least 0 (0 shows the factor without counting it).
    scoring : str
        ``quantile``, ``thresholds``, ``trend`` or ``manual`` (which ones a factor allows is
        checked by :func:`config_from_dict`).
    thresholds : list of float, optional
        Four increasing cut-points (``scoring: thresholds`` only).
    alpha : float, optional
        Trend only: significance level, between 0 and 1 (default 0.05).
    flat_pct : float, optional
        Trend only: the ± % band called flat, at least 0 (default 5).
    scores : dict, optional
        Trend only: a score from 1 to 5 for each trend label.
    aggregate : str, optional
        Harm and cost only: ``geometric_mean`` (default), ``median``, ``mean``, ``min``, ``max``.
    label : str, optional
        Words used in tables and reasons.
    """

    model_config = ConfigDict(strict=True, extra="forbid")

    weight: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    scoring: Literal["quantile", "thresholds", "trend", "manual"]
    thresholds: Annotated[list[Number], AfterValidator(_four_increasing)] | None = None
    alpha: Annotated[float, Field(gt=0, lt=1)] | None = None
    flat_pct: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    scores: Annotated[dict[str, Score], AfterValidator(_all_trend_labels)] | None = None
    aggregate: Literal["geometric_mean", "median", "mean", "min", "max"] | None = None
    label: str | None = None


class RiskMatrixFile(BaseModel):
    """The whole of ``risk_matrix.yaml`` (see the comments in the file for each setting).

    The settings are keyword arguments, each kept as an attribute of the same name.

    Parameters
    ----------
    combination : str, default "weighted_sum"
        How factor scores make the total: ``weighted_sum`` or ``impact_likelihood`` (impact
        times likelihood, 1 to 25).
    impact, likelihood : list of str, default []
        The factors averaged into impact and into likelihood (``impact_likelihood`` only).
    min_factors : int, default 1
        Scored factors a category needs, at least 1, to get a total and a rank.
    include_kinds : list of str, default ["crime", "asb", "flag", "theme"]
        Which rows of the year-on-year table are candidates: ``crime``, ``asb``, ``flag``,
        ``theme``.
    candidates : list of str, optional
        The analyst's own candidate list: only these categories, flags and themes (any case)
        are ranked; default every row of ``include_kinds``.
    factors : dict of str to FactorSpec
        The factors by name, at least one.
    concern_map : dict of str to str or None, optional
        Survey concern to report category (``None``: not a report category, not scored).
    manual_scores : dict of str to dict of str to float, optional
        Hand scores from 1 to 5, by factor then category (rows of ``risk_scores.csv`` win).
    """

    model_config = ConfigDict(strict=True, extra="forbid")

    combination: Literal["weighted_sum", "impact_likelihood"] = "weighted_sum"
    impact: list[str] = []
    likelihood: list[str] = []
    min_factors: Annotated[int, Field(ge=1)] = 1
    include_kinds: list[Literal["crime", "asb", "flag", "theme"]] = [
        "crime",
        "asb",
        "flag",
        "theme",
    ]
    candidates: list[str] | None = None
    factors: Annotated[dict[str, FactorSpec], Field(min_length=1)]
    concern_map: dict[str, str | None] | None = None
    manual_scores: dict[str, dict[str, Score]] | None = None


# Messages for pydantic's error types, in the words of the file's comments.
_LIST_OF_NAMES = "must be a list of names, e.g. [harm, cost]"
_BY_FIELD = {
    ("concern_map", "string_type"): "must be a category name or null",
    ("concern_map", "dict_type"): "must map survey concerns to categories",
    ("manual_scores", "dict_type"): "must map factors to {category: score}",
    ("impact", "list_type"): _LIST_OF_NAMES,
    ("impact", "string_type"): _LIST_OF_NAMES,
    ("likelihood", "list_type"): _LIST_OF_NAMES,
    ("likelihood", "string_type"): _LIST_OF_NAMES,
    ("factors", "too_short"): "must list at least one factor",
}


def _num(value: object) -> str:
    return (
        f"{value:g}"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else repr(value)
    )


def _message(err: dict, top_known: set[str], factor_known: set[str]) -> str:
    """One pydantic error in plain words."""
    kind, loc, ctx, given = err["type"], err["loc"], err.get("ctx") or {}, err.get("input")
    special = _BY_FIELD.get((str(loc[0]) if loc else "", kind))
    if special:
        return special
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        known = factor_known if len(loc) == 3 and loc[0] == "factors" else top_known
        return f"unknown setting (known: {', '.join(sorted(known))})"
    if kind == "literal_error":
        return f"must be {ctx['expected']}, not {given!r}"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        whole = kind.startswith("int")
        return f"must be a {'whole ' if whole else ''}number, not {given!r}"
    if kind == "finite_number":
        return "must be a finite number"
    bounds = {
        "greater_than_equal": ("ge", "≥"),
        "greater_than": ("gt", ">"),
        "less_than_equal": ("le", "≤"),
        "less_than": ("lt", "<"),
    }
    if kind in bounds:
        name, sign = bounds[kind]
        return f"must be {sign} {_num(ctx[name])}, not {_num(given)}"
    if kind in ("dict_type", "model_type"):
        return "must be a mapping of settings"
    if kind == "list_type":
        return "must be a list"
    if kind == "string_type":
        return f"must be text, not {given!r}"
    return str(err["msg"])


def _key(loc: tuple) -> str:
    """Dotted key path of an error location (dictionary keys as written in the file)."""
    return ".".join(str(part) for part in loc if part != "[key]")


def _schema_error(exc: ValidationError, file: str) -> ConfigError:
    err = exc.errors(include_url=False)[0]
    top = set(RiskMatrixFile.model_fields)
    factor = set(FactorSpec.model_fields)
    key = _key(tuple(err["loc"])) or None
    return ConfigError(_message(err, top, factor), file=file, key=key)


# ----------------------------------------------------------------------------- configuration
def _fold(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _factor(name: str, spec: FactorSpec, file: str) -> FactorConfig:
    """Rules joining a factor's name to its settings, then the statistics' FactorConfig."""
    key = f"factors.{name}"
    allowed = SCORINGS.get(name, ("manual",))
    if spec.scoring not in allowed:
        extra = "" if name in SCORINGS else " (a factor of your own is scored by hand)"
        raise ConfigError(
            f"must be {' or '.join(allowed)}{extra}, not {spec.scoring!r}",
            file=file,
            key=f"{key}.scoring",
        )
    if spec.scoring == "thresholds" and spec.thresholds is None:
        raise ConfigError(
            "must be a list of four cut-points, e.g. [10, 20, 35, 50]",
            file=file,
            key=f"{key}.thresholds",
        )
    if spec.scoring != "thresholds" and spec.thresholds is not None:
        raise ConfigError(
            f"only used with scoring: thresholds (this factor is {spec.scoring})",
            file=file,
            key=f"{key}.thresholds",
        )
    trend_only = {"alpha": spec.alpha, "flat_pct": spec.flat_pct, "scores": spec.scores}
    for setting, value in trend_only.items():
        if name != "trend" and value is not None:
            raise ConfigError("only used for the trend factor", file=file, key=f"{key}.{setting}")
    if name not in ("harm", "cost") and spec.aggregate is not None:
        raise ConfigError(
            "only used for the harm and cost factors", file=file, key=f"{key}.aggregate"
        )
    return FactorConfig(
        name=name,
        weight=float(spec.weight),
        scoring=spec.scoring,
        thresholds=tuple(spec.thresholds or ()),
        alpha=defaults.ALPHA if spec.alpha is None else float(spec.alpha),
        flat_pct=5.0 if spec.flat_pct is None else float(spec.flat_pct),
        scores=dict(DEFAULT_TREND_SCORES) if spec.scores is None else dict(spec.scores),
        aggregate=spec.aggregate or "geometric_mean",
        label=spec.label if spec.label is not None else LABELS.get(name, name),
    )


def config_from_dict(data: object, file: str = "risk_matrix.yaml") -> RiskConfig:
    """Validate a parsed configuration (the YAML as a dict) and build a ``RiskConfig``.

    Parameters
    ----------
    data : dict
        As read from the YAML file.
    file : str
        File name used in messages.

    Returns
    -------
    csp_analysis.statistics.risk_matrix.RiskConfig
        With ``exclude_categories`` the total (``All crime``) and the ``Unallocated``
        remainder of a total given directly, never candidates.

    Raises
    ------
    ConfigError
        Naming the key path at fault (e.g. ``factors.harm.weight``).

    Examples
    --------
    >>> cfg = config_from_dict({"factors": {"volume": {"weight": 1, "scoring": "quantile"}}})
    >>> cfg.weights(), cfg.exclude_categories
    ({'volume': 1.0}, ('All crime', 'Unallocated'))
    >>> config_from_dict({"factors": {"harm": {"weight": -1, "scoring": "quantile"}}})
    Traceback (most recent call last):
    ...
    csp_analysis.exceptions.ConfigError: risk_matrix.yaml, key 'factors.harm.weight': must be ≥ 0, not -1
    """  # noqa: E501
    if not isinstance(data, dict):
        raise ConfigError("the file must be a mapping of settings", file=file)
    try:
        spec = RiskMatrixFile.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(exc, file) from None
    factors = {name: _factor(name, f, file) for name, f in spec.factors.items()}
    if not any(c.weight > 0 for c in factors.values()):
        raise ConfigError("at least one factor needs a weight above 0", file=file, key="factors")
    impact, likelihood = tuple(spec.impact), tuple(spec.likelihood)
    for key, group in (("impact", impact), ("likelihood", likelihood)):
        for f in group:
            if f not in factors:
                raise ConfigError(f"'{f}' is not one of the factors", file=file, key=key)
    both = set(impact) & set(likelihood)
    if both:
        raise ConfigError(
            f"'{sorted(both)[0]}' is in both impact and likelihood", file=file, key="likelihood"
        )
    if spec.combination == "impact_likelihood":
        for key, group in (("impact", impact), ("likelihood", likelihood)):
            if not any(factors[f].weight > 0 for f in group):
                raise ConfigError(
                    "needs at least one factor with a weight above 0 for impact_likelihood",
                    file=file,
                    key=key,
                )
    concern_map = {
        _fold(k): (v.strip() if v is not None else None)
        for k, v in (spec.concern_map or {}).items()
    }
    manual: dict[str, dict[str, float]] = {}
    for f, cats in (spec.manual_scores or {}).items():
        if f not in factors or factors[f].scoring != "manual":
            raise ConfigError(
                "is not a factor scored by hand (scoring: manual)",
                file=file,
                key=f"manual_scores.{f}",
            )
        manual[f] = {str(cat).strip(): float(s) for cat, s in cats.items()}
    return RiskConfig(
        factors=factors,
        combination=spec.combination,
        impact=impact,
        likelihood=likelihood,
        min_factors=spec.min_factors,
        include_kinds=tuple(spec.include_kinds),
        candidates=tuple(str(c).strip() for c in (spec.candidates or [])),
        concern_map=concern_map,
        manual_scores=manual,
        exclude_categories=(ALL_CRIME, UNALLOCATED),  # a remainder is no priority
        source=file,
    )


def _file(path: str | Path | None, name: str) -> Path | Traversable:
    return Path(path) if path is not None else reference_dir() / name


def load_config(path: str | Path | None = None) -> RiskConfig:
    """Read and validate the risk matrix configuration.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file; default the built-in ``risk_matrix.yaml`` (package data).

    Returns
    -------
    csp_analysis.statistics.risk_matrix.RiskConfig

    Raises
    ------
    ConfigError
        If the file is missing or not YAML (naming the line), or a setting is wrong (naming its
        key path).

    Examples
    --------
    >>> cfg = load_config()
    >>> cfg.combination, cfg.factors["harm"].weight
    ('weighted_sum', 2.0)
    """
    p = _file(path, "risk_matrix.yaml")
    if not p.is_file():
        raise ConfigError("configuration file not found", file=p.name)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})", file=p.name, line=line
        ) from None
    return config_from_dict(data, file=p.name)


# ---------------------------------------------------------------------------- reference tables
def _read_reference(path: Path | Traversable, value: str, group: str) -> pd.DataFrame:
    if not path.is_file():
        raise DataError("reference file not found", file=path.name)
    with path.open("rb") as fh:
        df = pd.read_csv(fh, dtype="string", keep_default_na=False)
    for col in ("category", group, value, "source"):
        if col not in df.columns:
            raise DataError("missing column", file=path.name, column=col)
    known = set(load_category_map().order)
    nums = pd.to_numeric(df[value].str.replace(",", "", regex=False), errors="coerce")
    for pos in range(len(df)):
        line = pos + 2
        if df["category"].iloc[pos].strip() not in known:
            raise DataError(
                f"category '{df['category'].iloc[pos]}' is not in categories.csv",
                file=path.name,
                line=line,
                column="category",
            )
        if df[group].iloc[pos].strip() == "":
            raise DataError(f"blank {group}", file=path.name, line=line, column=group)
        if pd.isna(nums.iloc[pos]) or nums.iloc[pos] < 0 or not math.isfinite(nums.iloc[pos]):
            raise DataError(
                f"'{df[value].iloc[pos]}' is not a number of at least 0",
                file=path.name,
                line=line,
                column=value,
            )
        if df["source"].iloc[pos].strip() == "":
            raise DataError(
                "every figure needs its source", file=path.name, line=line, column="source"
            )
    df[value] = nums.astype("float64")
    for col in df.columns:
        if col != value:
            df[col] = df[col].str.strip()
    return df


def load_harm_weights(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``harm_weights.csv`` (CCHI median days per crime by Home Office subgroup).

    Parameters
    ----------
    path : str or Path, optional
        Default the built-in ``harm_weights.csv`` (package data).

    Returns
    -------
    pandas.DataFrame
        ``category, prc_subgroup, cchi_days, source``.

    Raises
    ------
    DataError
        Naming the line and column of a bad row (unknown category, blank subgroup or source,
        a value that is not a number ≥ 0).

    Examples
    --------
    >>> list(load_harm_weights().columns)
    ['category', 'prc_subgroup', 'cchi_days', 'source']
    """
    return _read_reference(_file(path, "harm_weights.csv"), "cchi_days", "prc_subgroup")


def load_unit_costs(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``unit_costs.csv`` (Home Office unit costs of crime, Heeks et al. 2018).

    Parameters
    ----------
    path : str or Path, optional
        Default the built-in ``unit_costs.csv`` (package data).

    Returns
    -------
    pandas.DataFrame
        ``category, offence, unit_cost_gbp, price_year, source``.

    Raises
    ------
    DataError
        Naming the line and column of a bad row, as :func:`load_harm_weights`.
    """
    return _read_reference(_file(path, "unit_costs.csv"), "unit_cost_gbp", "offence")
