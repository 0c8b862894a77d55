"""The partnership's own categories: labels of tidy tables that are not report categories.

A tidy table's label that the category mapping does not know is kept as the partnership wrote
it (:func:`csp_analysis.ingest.tidy.own_labels`). Here the labels of every file are made one
category each (labels differing only in case or spacing are one), given their kind, order and
parent from the data folder's ``categories.csv`` when it declares them (otherwise a crime
category, unless the label names anti-social behaviour, a flag or a total:
:func:`csp_analysis.categories.infer_kind`), and added to the dataset's categories.
"""

from __future__ import annotations

import pandas as pd

from csp_analysis.categories import ALL_CRIME, UNALLOCATED, CategoryMap, infer_kind, label_key
from csp_analysis.exceptions import DataError

__all__ = ["own_categories"]


def own_categories(
    counts: pd.DataFrame, cmap: CategoryMap, tables: dict[str, pd.DataFrame]
) -> tuple[pd.DataFrame, CategoryMap]:
    """The counts with own labels spelled one way, and the categories with them added.

    Parameters
    ----------
    counts : pandas.DataFrame
        The dataset's counts (``area, force, period, category, count, source``).
    cmap : CategoryMap
        The report categories the files were read with.
    tables : dict of str to pandas.DataFrame
        The dataset's local tables; ``tables["categories"]`` (``category, kind`` and
        optionally ``order, parent``, with ``source`` and ``line``) declares own categories.

    Returns
    -------
    counts : pandas.DataFrame
        The same rows, own labels respelled to one spelling each (a report category's when
        the label is one, else the first of the data's spellings in alphabetical order),
        summed where respelling joined two; a label declared ``total`` becomes All crime.
    cmap : CategoryMap
        ``cmap`` with each own label of the counts added (and ``Unallocated`` when a total is
        given directly); ``cmap`` itself when there are none.

    Raises
    ------
    DataError
        If ``categories.csv`` declares a parent cycle (naming its file, the lines and the
        ``parent`` column).
    """
    declared = _declared(tables.get("categories"))
    known = {label_key(c): c for c in cmap.order}
    # only tidy tables carry a partnership's own labels (the other readers map to categories)
    tidy = counts[(counts["source"] == "tidy").fillna(False).to_numpy(dtype=bool)]
    labels = tidy["category"].dropna().astype("string").unique() if len(tidy) else []
    own = [str(c) for c in labels if c not in known.values() and c != ALL_CRIME]
    if not own and ALL_CRIME not in set(labels):
        return counts, cmap
    shown: dict[str, str] = {}
    for label in sorted(own):
        key = label_key(label)
        if key in declared.index and declared.loc[key, "kind"] == "total":
            shown[key] = ALL_CRIME
        elif key in known:
            shown[key] = known[key]
        else:
            shown.setdefault(key, label)
    change = {c: shown[label_key(c)] for c in own if shown[label_key(c)] != c}
    if change:
        is_tidy = (counts["source"] == "tidy").fillna(False)
        counts = counts.assign(
            category=counts["category"].mask(is_tidy, counts["category"].replace(change))
        )
        keys = ["area", "force", "period", "category", "source"]
        counts = (
            counts.groupby(keys, dropna=False, sort=False)["count"]
            .sum()
            .astype("int64")
            .reset_index()[list(counts.columns)]
        )
    names = sorted({v for v in shown.values() if v != ALL_CRIME and v not in known.values()})
    rows = []
    for i, name in enumerate(names):
        key = label_key(name)
        if key in declared.index:
            d = declared.loc[key]
            kind, order, parent = str(d["kind"]), d["order"], str(d["parent"])
            parent = shown.get(label_key(parent), known.get(label_key(parent), parent))
        else:
            kind, order, parent = infer_kind(name), 10_000 + i, ""
        rows.append({"category": name, "kind": kind, "order": order, "parent": parent})
    if ALL_CRIME in set(tidy["category"]):
        rows.append({"category": UNALLOCATED, "kind": "crime", "order": 20_000, "parent": ""})
    frame = pd.DataFrame(rows, columns=["category", "kind", "order", "parent"])
    frame = frame.sort_values(["order", "category"], kind="stable").reset_index(drop=True)
    frame["order"] = range(len(frame))
    out = cmap.with_own(frame)
    if UNALLOCATED in set(frame["category"]):  # shared by every scheme, always last
        cats = out.categories.copy()
        cats.loc[cats["category"] == UNALLOCATED, "scheme"] = ""
        out = CategoryMap(categories=cats, mapping=dict(out.mapping))
    return counts, out


def _declared(table: pd.DataFrame | None) -> pd.DataFrame:
    """``categories.csv`` indexed by label key: ``category, kind, order, parent, line,
    source``, its parents checked for cycles."""
    cols = ["category", "kind", "order", "parent", "line", "source"]
    if table is None or not len(table):
        return pd.DataFrame(columns=cols).set_index(pd.Index([], dtype="string"))
    t = table.copy()
    for c in ("order", "parent"):
        if c not in t.columns:
            t[c] = pd.NA
    t["category"] = t["category"].astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    t["kind"] = t["kind"].astype("string").str.strip().str.casefold()
    t["parent"] = t["parent"].astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    t["parent"] = t["parent"].fillna("")
    t["order"] = pd.to_numeric(t["order"], errors="coerce")
    t["order"] = t["order"].fillna(t["order"].max() + 1 if t["order"].notna().any() else 0)
    t.index = pd.Index([label_key(c) for c in t["category"]], dtype="string")
    t = t[~t.index.duplicated(keep="first")]
    by_key = {k: str(c) for k, c in zip(t.index, t["category"], strict=True)}
    t["parent"] = [by_key.get(label_key(p), p) if p else "" for p in t["parent"]]
    _check_cycles(t)
    return t[cols]


def _check_cycles(t: pd.DataFrame) -> None:
    """Refuse a ``categories.csv`` whose parents go round in a circle, naming the rows."""
    parent = {k: label_key(p) for k, p in zip(t.index, t["parent"], strict=True) if p}
    for start in parent:
        seen: list[str] = []
        node = start
        while node in parent and node not in seen:
            seen.append(node)
            node = parent[node]
        if node == start:
            lines = sorted(int(t.loc[k, "line"]) for k in seen)
            names = " → ".join(
                [*(str(t.loc[k, "category"]) for k in seen), str(t.loc[start, "category"])]
            )
            raise DataError(
                f"the parents go round in a circle ({names}), lines "
                + ", ".join(str(x) for x in lines),
                file=str(t.loc[start, "source"]),
                line=lines[0],
                column="parent",
            )
