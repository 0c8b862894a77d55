"""Home Office offences: groups as report categories, subgroups and codes for deep dives, and
harm and cost weighted by the area's own offence mix.

The Home Office tables give every count an offence code, subgroup and group
(:attr:`csp_analysis.model.Dataset.offences`). The ``home_office`` scheme reports them by
offence group (violence against the person, sexual offences on its own row, robbery, theft
offences, criminal damage and arson, drug offences, possession of weapons, public order,
miscellaneous crimes against society; fraud is not in the CSP tables' figures), with the
subgroups and codes beneath each group.

Harm and cost are taken at the finest level the data have: Cambridge Crime Harm Index days by
Home Office subgroup (``reference/offence_harm.csv``) and Home Office unit costs of crime by
offence code or subgroup (``reference/offence_costs.csv``, Heeks et al. 2018), each with its
source beside the value. A category's or theme's harm (cost) per crime is the count-weighted
mean over the area's own offences of the period (:func:`mix_weights`):

    harm per crime = Σ cᵢ·hᵢ / Σ cᵢ   over the offences i with a harm value,

where cᵢ is the offence's count in the period (an offence whose net count is below zero, after
Home Office adjustments, weighs 0) and ``coverage`` = Σ cᵢ over offences with a value / Σ cᵢ
over all. An offence without a value is missing, never 0: it is left out of both sums and the
coverage says how much of the count the figure rests on.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from csp_analysis.categories import CategoryMap
from csp_analysis.exceptions import DataError
from csp_analysis.ingest.offences import harmonise
from csp_analysis.model import Dataset, months_of_period
from csp_analysis.paths import reference_dir
from csp_analysis.periods import Period, financial_year_of_period, parse_period, period_kind

#: The scheme name of report categories that are Home Office offence groups.
SCHEME = "home_office"
GROUPS_FILE = "offence_groups.csv"
HARM_FILE = "offence_harm.csv"
COSTS_FILE = "offence_costs.csv"
#: Share of a category's crimes that must carry a weight for the mix to give its harm or cost.
MIN_COVERAGE = 0.5
#: The columns of :func:`mix_weights`.
MIX_COLUMNS = [
    "category",
    "crimes",
    "harm_days",
    "harm_coverage",
    "harm_basis",
    "cost_gbp",
    "cost_coverage",
    "cost_basis",
]
HARM_SOURCE = (
    "Cambridge Crime Harm Index days by Home Office subgroup (median of the subgroup's "
    "offences, a third-party derivation)"
)
COST_SOURCE = (
    "Home Office unit costs of crime by offence (Heeks et al. 2018, 2nd edition, 2015/16 prices)"
)


def _read(name: str, columns: tuple[str, ...], folder: str | Path | None) -> pd.DataFrame:
    path = (Path(folder) if folder is not None else reference_dir()) / name
    if not path.is_file():
        raise DataError("reference file not found", file=name)
    with path.open("rb") as fh:
        table = pd.read_csv(fh, dtype="string", keep_default_na=False)
    for col in columns:
        if col not in table.columns:
            raise DataError("missing column", file=name, column=col)
    return table.apply(lambda s: s.str.strip())


def _numbers(table: pd.DataFrame, col: str, name: str, required: bool) -> pd.Series:
    """A reference table's value column as floats: blank is missing (never 0); anything else
    must be a number of at least 0, or the file is refused naming line and column."""
    text = table[col].str.replace(",", "", regex=False)
    nums = pd.to_numeric(text, errors="coerce").astype("float64")
    for pos, (raw, v) in enumerate(zip(text, nums, strict=True)):
        if raw == "" and not required:
            continue
        if not (math.isfinite(v) and v >= 0):
            raise DataError(
                f"'{table[col].iloc[pos]}' is not a number of at least 0",
                file=name,
                line=pos + 2,
                column=col,
            )
    return nums


@functools.cache
def offence_hierarchy() -> pd.DataFrame:
    """Home Office offence groups and their subgroups, in report order.

    Returns
    -------
    pandas.DataFrame
        ``offence_group, offence_subgroup, group_order, subgroup_order, source``
        (``reference/offence_groups.csv``; subgroups under their harmonised labels, including
        those of earlier releases such as ``Domestic burglary``).

    Examples
    --------
    >>> list(offence_hierarchy().drop_duplicates("offence_group")["offence_group"])[:3]
    ['Violence against the person', 'Sexual offences', 'Robbery']
    """
    table = _read(GROUPS_FILE, ("offence_group", "offence_subgroup", "group_order", "source"), None)
    for col in ("group_order", "subgroup_order"):
        table[col] = _numbers(table, col, GROUPS_FILE, True).astype("int64")
    return table.sort_values(["group_order", "subgroup_order"]).reset_index(drop=True)


def group_order() -> list[str]:
    """The Home Office offence groups in report order (fraud is not one: see the module).

    Returns
    -------
    list of str

    Examples
    --------
    >>> group_order()[1]
    'Sexual offences'
    """
    return list(dict.fromkeys(offence_hierarchy()["offence_group"]))


@functools.cache
def offence_harm(folder: str | Path | None = None) -> pd.DataFrame:
    """Cambridge Crime Harm Index days per crime by Home Office subgroup, with sources.

    Parameters
    ----------
    folder : str or Path, optional
        A folder holding an edited ``offence_harm.csv``; default the built-in reference.

    Returns
    -------
    pandas.DataFrame
        ``offence_subgroup, cchi_days, basis, source`` (``reference/offence_harm.csv``):
        ``basis`` says whether the value is the derivation's own (``as derived``) or taken
        from the nearest subgroup, with the reason in ``source``.

    Raises
    ------
    DataError
        Naming the line and column of a value that is not a number of at least 0, or a row
        without its source.

    Examples
    --------
    >>> h = offence_harm().set_index("offence_subgroup")["cchi_days"]
    >>> float(h["Rape"]), float(h["Violence without injury"])
    (2555.0, 10.0)
    """
    table = _read(HARM_FILE, ("offence_subgroup", "cchi_days", "basis", "source"), folder)
    table["cchi_days"] = _numbers(table, "cchi_days", HARM_FILE, True)
    _sources(table, HARM_FILE)
    return table


@functools.cache
def offence_costs(folder: str | Path | None = None) -> pd.DataFrame:
    """Home Office unit costs of one crime by offence code or subgroup, with sources.

    Parameters
    ----------
    folder : str or Path, optional
        A folder holding an edited ``offence_costs.csv``; default the built-in reference.

    Returns
    -------
    pandas.DataFrame
        ``field`` (``offence_code`` or ``offence_subgroup``), ``value``, ``heeks_offence``,
        ``unit_cost_gbp`` (float; missing where no figure is used, never 0), ``price_year``,
        ``source`` and ``table_page`` (``reference/offence_costs.csv``). A code's row decides
        before its subgroup's.

    Raises
    ------
    DataError
        Naming the line and column of a bad value, an unknown field or a row without source.

    Examples
    --------
    >>> c = offence_costs().set_index("value")["unit_cost_gbp"]
    >>> float(c["Rape"]), bool(np.isnan(c["Stalking and harassment"]))
    (39360.0, True)
    """
    table = _read(COSTS_FILE, ("field", "value", "unit_cost_gbp", "source"), folder)
    table["unit_cost_gbp"] = _numbers(table, "unit_cost_gbp", COSTS_FILE, False)
    for pos, f in enumerate(table["field"]):
        if f not in ("offence_code", "offence_subgroup"):
            raise DataError(
                f"field '{f}' is not offence_code or offence_subgroup",
                file=COSTS_FILE,
                line=pos + 2,
                column="field",
            )
    _sources(table, COSTS_FILE)
    return table


def _sources(table: pd.DataFrame, name: str) -> None:
    blank = table["source"] == ""
    if blank.any():
        pos = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError("every figure needs its source", file=name, line=pos + 2, column="source")


# ------------------------------------------------------------------------- counts by group
def area_offences(ds: Dataset, area: str) -> pd.DataFrame:
    """The Home Office offences of one area (every period).

    Parameters
    ----------
    ds : Dataset
    area : str
        Partnership area, spelled exactly as in ``ds.areas``.

    Returns
    -------
    pandas.DataFrame
        The rows of ``ds.offences`` for the area (a copy, fresh index).
    """
    o = ds.offences
    return o[(o["area"] == area).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)


def period_offences(ds: Dataset, area: str, period: str | Period) -> pd.DataFrame:
    """An area's offences summed over the periods that lie wholly inside ``period``.

    Parameters
    ----------
    ds : Dataset
    area : str
        Partnership area, spelled exactly as in ``ds.areas``.
    period : str or Period
        The assessed period (``"2021/22"``, a quarter, or twelve months ending a month).

    Returns
    -------
    pandas.DataFrame
        ``offence_code, offence_description, offence_subgroup, offence_group, count`` (one
        row per offence; int64 counts). ``attrs["months"]`` lists the months the rows cover
        (fewer than the period's: a partial period, never shown as a whole one).
    """
    period = parse_period(period)
    o = area_offences(ds, area)
    inside = {p: set(months_of_period(p)) <= set(period.months) for p in o["period"].unique()}
    o = o[o["period"].map(inside).fillna(False).astype(bool).to_numpy()]
    keys = ["offence_code", "offence_description", "offence_subgroup", "offence_group"]
    out = o.groupby(keys, dropna=False, sort=True)["count"].sum().astype("int64").reset_index()
    out = out.astype({k: "string" for k in keys})
    out.attrs["months"] = sorted({m for p in o["period"].unique() for m in months_of_period(p)})
    return out


def group_counts(ds: Dataset, area: str) -> pd.DataFrame:
    """An area's crime counts by Home Office offence group, in the shape of
    :meth:`~csp_analysis.model.Dataset.area_counts`.

    Each group is listed in the periods of a financial year (of one granularity) in which the
    area's table gives it at all, 0 in those of its periods without a row of it (as the
    dataset lists a Home Office category); absent from a year's table, it is missing there,
    never 0. Fraud is not there (the tables' figures exclude it).

    Parameters
    ----------
    ds : Dataset
    area : str
        Partnership area, spelled exactly as in ``ds.areas``.

    Returns
    -------
    pandas.DataFrame
        ``period, category, kind, count, source, scheme``: ``category`` the offence group,
        ``kind`` ``crime``, ``source`` ``home_office``, ``scheme`` ``home_office``. Sorted by
        period and group order. Empty (with these columns) without Home Office offences.
        Groups outside :func:`group_order` (a label the hierarchy does not know) come last,
        under their own label; a row without a group is left out.
    """
    o = area_offences(ds, area)
    o = o[o["offence_group"].notna().to_numpy(dtype=bool)]
    known = group_order()
    extra = sorted(set(o["offence_group"]) - set(known))
    order = {g: i for i, g in enumerate([*known, *extra])}

    def slot(p: str) -> tuple[str, str]:
        return financial_year_of_period(p), period_kind(p)

    periods = sorted(set(o["period"]))
    given = {(*slot(p), g) for p, g in zip(o["period"], o["offence_group"], strict=True)}
    pairs = [(p, g) for p in periods for g in order if (*slot(p), g) in given]
    grid = pd.MultiIndex.from_arrays(
        [[p for p, _ in pairs], [g for _, g in pairs]], names=["period", "category"]
    )
    summed = o.groupby(["period", "offence_group"])["count"].sum()
    summed.index = summed.index.set_names(["period", "category"])
    out = summed.reindex(grid, fill_value=0).astype("int64").rename("count").reset_index()
    out = out.assign(kind="crime", source="home_office", scheme=SCHEME)
    out = out.astype({c: "string" for c in ("period", "category", "kind", "source", "scheme")})
    out["_o"] = out["category"].map(order)
    out = out.sort_values(["period", "_o"], kind="stable").drop(columns="_o")
    return out[["period", "category", "kind", "count", "source", "scheme"]].reset_index(drop=True)


def offence_group_counts(ds: Dataset, area: str, period: str | Period) -> pd.DataFrame:
    """The category counts of the ``home_office`` scheme for one area and period.

    Parameters
    ----------
    ds : Dataset
    area : str
        Partnership area, spelled exactly as in ``ds.areas``.
    period : str or Period
        The assessed period; only the Home Office periods (quarters, years) that lie wholly
        inside it count.

    Returns
    -------
    pandas.DataFrame
        ``category, kind, scheme, source, count, months, months_in_period``: one row per
        offence group the area's tables give for the period (sexual offences on its own row),
        in group order; ``months`` the months of the period the counts cover (a partial period
        says so: ``months < months_in_period``). Empty when no Home Office period lies inside
        ``period``. Their sum is the area's All crime from the same tables.
    """
    period = parse_period(period)
    counts = group_counts(ds, area)
    inside = {p: set(months_of_period(p)) <= set(period.months) for p in counts["period"].unique()}
    sub = counts[counts["period"].map(inside).fillna(False).astype(bool).to_numpy()]
    months = {m for p in sub["period"].unique() for m in months_of_period(p)}
    order = list(dict.fromkeys(sub["category"]))
    known = {g: i for i, g in enumerate(group_order())}
    order.sort(key=lambda g: known.get(g, len(known)))
    total = sub.groupby("category")["count"].sum()
    out = pd.DataFrame(
        {
            "category": pd.array(order, dtype="string"),
            "kind": pd.array(["crime"] * len(order), dtype="string"),
            "scheme": pd.array([SCHEME] * len(order), dtype="string"),
            "source": pd.array(["home_office"] * len(order), dtype="string"),
            "count": np.array([int(total[g]) for g in order], dtype="int64"),
            "months": np.full(len(order), len(months), dtype="int64"),
            "months_in_period": np.full(len(order), period.n_months, dtype="int64"),
        }
    )
    return out


def subgroup_counts(ds: Dataset, area: str, period: str | Period, group: str) -> pd.DataFrame:
    """Deep dive: the subgroups of one offence group, for an area and period.

    Parameters
    ----------
    ds : Dataset
    area : str
        Partnership area, spelled exactly as in ``ds.areas``.
    period : str or Period
        The assessed period (see :func:`period_offences`).
    group : str
        An offence group (any case), e.g. ``"Sexual offences"``.

    Returns
    -------
    pandas.DataFrame
        ``offence_group, offence_subgroup, count, share`` (``share`` of the group's count, in
        percent; missing when the group's count is not above 0), in the hierarchy's order.
        ``attrs["months"]`` as :func:`period_offences`.
    """
    o = period_offences(ds, area, period)
    mine = o[(o["offence_group"].str.casefold() == group.casefold()).fillna(False).to_numpy()]
    out = mine.groupby(["offence_group", "offence_subgroup"], dropna=False)["count"].sum()
    out = out.astype("int64").reset_index()
    rank = dict(
        zip(
            offence_hierarchy()["offence_subgroup"],
            offence_hierarchy()["subgroup_order"],
            strict=True,
        )
    )
    out["_o"] = out["offence_subgroup"].map(rank).fillna(len(rank) + 1)
    out = out.sort_values(["_o", "offence_subgroup"], kind="stable").drop(columns="_o")
    total = int(out["count"].sum())
    out["share"] = pd.array(
        [100.0 * c / total if total > 0 else None for c in out["count"]], dtype="Float64"
    )
    out = out.astype({"offence_group": "string", "offence_subgroup": "string"})
    out.attrs["months"] = o.attrs["months"]
    return out.reset_index(drop=True)


def code_counts(
    ds: Dataset, area: str, period: str | Period, subgroup: str | None = None
) -> pd.DataFrame:
    """Deep dive: offence codes (of one subgroup, if given) for an area and period.

    Parameters
    ----------
    ds : Dataset
    area : str
    period : str or Period
    subgroup : str, optional
        A harmonised subgroup label (any case), e.g. ``"Rape"``.

    Returns
    -------
    pandas.DataFrame
        ``offence_code, offence_description, offence_subgroup, offence_group, count``, most
        first. (Small counts in a small area: suppress before publishing.)
    """
    o = period_offences(ds, area, period)
    if subgroup is not None:
        keep = (o["offence_subgroup"].str.casefold() == subgroup.casefold()).fillna(False)
        o = o[keep.to_numpy()]
    o = o.sort_values(["count", "offence_code"], ascending=[False, True], kind="stable")
    return o.reset_index(drop=True)


# ------------------------------------------------------------------------- harm and cost
def offence_weights(offences: pd.DataFrame) -> pd.DataFrame:
    """Each offence row's harm (CCHI days) and unit cost (£), missing where none is known.

    Harm is looked up by subgroup (:func:`offence_harm`); cost by offence code, else by
    subgroup (:func:`offence_costs`).

    Parameters
    ----------
    offences : pandas.DataFrame
        Rows with ``offence_code`` and ``offence_subgroup`` (e.g. :func:`period_offences`).

    Returns
    -------
    pandas.DataFrame
        ``offences`` with ``harm_days`` and ``cost_gbp`` (float, NaN where missing) added.
    """

    def key(s: pd.Series) -> pd.Series:
        return s.astype("string").str.strip().str.casefold()

    harm = offence_harm()
    by_sub = dict(zip(key(harm["offence_subgroup"]), harm["cchi_days"], strict=True))
    costs = offence_costs()
    by_code = {
        k: v
        for f, k, v in zip(costs["field"], key(costs["value"]), costs["unit_cost_gbp"], strict=True)
        if f == "offence_code"
    }
    cost_sub = {
        k: v
        for f, k, v in zip(costs["field"], key(costs["value"]), costs["unit_cost_gbp"], strict=True)
        if f == "offence_subgroup"
    }
    sub = key(offences["offence_subgroup"])
    code = key(offences["offence_code"])
    harm_days = sub.map(by_sub).astype("Float64").astype("float64")
    cost_code = code.map(by_code)
    in_codes = code.isin(list(by_code)).fillna(False).to_numpy(dtype=bool)
    cost = np.where(
        in_codes,
        cost_code.astype("Float64").astype("float64"),
        sub.map(cost_sub).astype("Float64").astype("float64"),
    )
    return offences.assign(harm_days=harm_days.to_numpy(), cost_gbp=cost.astype("float64"))


def mix_weights(
    offences: pd.DataFrame, groups: Mapping[str, pd.Series | np.ndarray], label: str = ""
) -> pd.DataFrame:
    """Harm and cost per crime of categories or themes, from the area's own offence mix.

    For each named group of offence rows: harm = Σ cᵢhᵢ / Σ cᵢ over its offences with a harm
    value (cᵢ the offence's count, below 0 counted as 0), with ``harm_coverage`` = that
    Σ cᵢ over the group's whole count; cost likewise. An offence without a value is missing,
    never 0. Overlapping groups (themes) are each weighted on their own rows.

    Parameters
    ----------
    offences : pandas.DataFrame
        One row per offence with ``count``, ``offence_code`` and ``offence_subgroup`` (e.g.
        :func:`period_offences`); a row may belong to several groups.
    groups : mapping of str to boolean array
        Category or theme name → which rows of ``offences`` it counts.
    label : str
        The period's words for the basis (e.g. ``"2021/22"``).

    Returns
    -------
    pandas.DataFrame
        :data:`MIX_COLUMNS`: ``crimes`` (the group's count), ``harm_days`` and ``cost_gbp``
        per crime (NaN when no crime of the group has a value, or its count is 0),
        ``*_coverage`` (0–1; NaN without crimes), ``*_basis`` (the weight's source and how
        it was made, in words). One row per group, in the order given.

    Examples
    --------
    >>> o = pd.DataFrame({"offence_code": ["19C", "8L"], "count": [2, 8],
    ...                   "offence_subgroup": ["Rape", "Stalking and harassment"]})
    >>> w = mix_weights(o, {"VAWG": np.array([True, True])})
    >>> float(w["harm_days"].iloc[0])  # (2 * 2555 + 8 * 10) / 10
    519.0
    >>> float(w["cost_gbp"].iloc[0]), float(w["cost_coverage"].iloc[0])  # stalking: no cost
    (39360.0, 0.2)
    """
    w = offence_weights(offences)
    c = np.clip(pd.to_numeric(w["count"]).to_numpy(dtype="float64"), 0, None)
    rows = []
    for name, mask in groups.items():
        m = np.asarray(mask, dtype=bool)
        crimes = float(c[m].sum())
        row: dict[str, object] = {"category": name, "crimes": int(round(crimes))}
        for col, out, source in (
            ("harm_days", "harm", HARM_SOURCE),
            ("cost_gbp", "cost", COST_SOURCE),
        ):
            v = w[col].to_numpy(dtype="float64")[m]
            known = ~np.isnan(v)
            ck = c[m][known]
            value = float((ck * v[known]).sum() / ck.sum()) if ck.sum() > 0 else float("nan")
            cov = float(ck.sum() / crimes) if crimes > 0 else float("nan")
            row[f"{col}"] = value
            row[f"{out}_coverage"] = cov
            row[f"{out}_basis"] = (
                f"count-weighted mean over the area's {crimes:,.0f} crimes"
                + (f" of {label}" if label else "")
                + f" by offence: {source}; "
                + (f"{cov:.0%} of the crimes have a figure" if crimes > 0 else "no crimes")
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=MIX_COLUMNS)
    out["crimes"] = out["crimes"].astype("int64")
    return out.astype({"category": "string", "harm_basis": "string", "cost_basis": "string"})


def category_masks(
    offences: pd.DataFrame, categories: list[str], cmap: CategoryMap
) -> dict[str, np.ndarray]:
    """Which offence rows each report category counts.

    A category that is a Home Office offence group counts that group's offences; one that is
    a subgroup, that subgroup's; a police.uk category, the offences the category mapping puts
    in it (as the readers did). Categories matching no offence are left out.

    Parameters
    ----------
    offences : pandas.DataFrame
        ``offence_subgroup`` and ``offence_group`` per row (e.g. :func:`period_offences`).
    categories : list of str
        Report categories (e.g. the change table's).
    cmap : CategoryMap
        The category mapping (``ds.cmap``).

    Returns
    -------
    dict of str to numpy.ndarray
        Category → boolean mask over the rows of ``offences``.
    """
    grp = offences["offence_group"].astype("string").str.casefold()
    sub = offences["offence_subgroup"].astype("string").str.casefold()
    by_sub = cmap.lookup("home_office", "offence_subgroup", offences["offence_subgroup"])
    by_grp = cmap.lookup("home_office", "offence_group", offences["offence_group"])
    mapped = by_sub.fillna(by_grp).astype("string")
    out = {}
    for cat in categories:
        key = cat.casefold()
        for candidate in (grp == key, sub == key, mapped == cat):
            m = candidate.fillna(False).to_numpy(dtype=bool)
            if m.any():
                out[cat] = m
                break
    return out


#: The fields of a theme line (``themes.csv``) that select Home Office offences.
OFFENCE_FIELDS = ("offence_code", "offence_subgroup", "offence_group")


def theme_masks(offences: pd.DataFrame, themes: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which offence rows each theme counts, from theme lines ``theme, field, value``.

    A row belongs to a theme when it matches any of the theme's lines on an offence field
    (``offence_code``, ``offence_subgroup``, ``offence_group``; case and spacing ignored,
    subgroups and groups harmonised as the readers harmonise them), once. Lines on other
    fields (``crime_type``, ``category``, ``flag``) select no offence row here.

    Parameters
    ----------
    offences : pandas.DataFrame
        Rows with the offence fields (e.g. :func:`period_offences`).
    themes : pandas.DataFrame
        ``theme, field, value`` lines.

    Returns
    -------
    dict of str to numpy.ndarray
        Theme → boolean mask over the rows of ``offences`` (themes with no offence line, or
        matching no row, are left out).

    Examples
    --------
    >>> o = pd.DataFrame({"offence_code": ["19C", "8M"], "offence_group": ["Sexual offences",
    ...                   "Violence against the person"], "offence_subgroup": ["Rape",
    ...                   "Stalking and harassment"]})
    >>> t = pd.DataFrame({"theme": ["Hate crime", "VAWG"], "field": ["offence_code",
    ...                   "offence_subgroup"], "value": ["8m", "Rape offences"]})
    >>> {k: v.tolist() for k, v in theme_masks(o, t).items()}
    {'Hate crime': [False, True], 'VAWG': [True, False]}
    """

    def key(values: pd.Series) -> pd.Series:
        return (
            values.astype("string").str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()
        )

    cols = {f: key(offences[f]).fillna("").to_numpy() for f in OFFENCE_FIELDS}
    out: dict[str, np.ndarray] = {}
    for theme, lines in themes.groupby("theme", sort=False):
        mask = np.zeros(len(offences), dtype=bool)
        for field, value in zip(lines["field"], lines["value"], strict=True):
            field = str(field).strip()
            if field not in cols:
                continue
            v = pd.Series([str(value)], dtype="string")
            if field != "offence_code":
                v = harmonise(v, field)
            mask |= cols[field] == str(key(v).iloc[0])
        if mask.any():
            out[str(theme)] = mask
    return out


def category_mix_weights(
    ds: Dataset,
    area: str,
    period: str | Period,
    categories: list[str],
    themes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Harm and cost per crime of report categories from the area's offences in a period.

    Parameters
    ----------
    ds : Dataset
    area : str
        Partnership area, spelled exactly as in ``ds.areas``.
    period : str or Period
        The assessed period (offences of the Home Office periods wholly inside it).
    categories : list of str
        Report categories (police.uk types, offence groups or subgroups).
    themes : pandas.DataFrame, optional
        Theme lines ``theme, field, value`` (:func:`theme_masks`); a theme named in
        ``categories`` is weighted on the offences its lines select.

    Returns
    -------
    pandas.DataFrame
        :data:`MIX_COLUMNS` for the categories with offences in the period (none: empty).
    """
    period = parse_period(period)
    o = period_offences(ds, area, period)
    if not len(o):
        return pd.DataFrame(columns=MIX_COLUMNS)
    masks = category_masks(o, categories, ds.cmap)
    if themes is not None and len(themes):
        wanted = set(categories)
        masks.update({t: m for t, m in theme_masks(o, themes).items() if t in wanted})
    return mix_weights(o, masks, label=period.label)
