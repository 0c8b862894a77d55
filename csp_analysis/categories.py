"""Report categories and the user-editable mapping from source labels to them.

Two files drive this, shipped with the package in ``csp_analysis/reference/`` (an analyst may
pass a folder with edited copies to :func:`load_category_map`):

- ``categories.csv``: the report categories, each with a ``kind``: ``crime`` (summed into
  All crime), ``asb`` (anti-social behaviour incidents, reported beside All crime, never in it) or
  ``flag`` (overlapping subsets such as domestic abuse, never summed into anything);
- ``category_mapping.csv``: ``source, field, value, category`` rows mapping police.uk crime
  types, Home Office offence subgroups and groups, and tidy-file labels to report categories.
  The category ``EXCLUDE`` drops a label on purpose (fraud is outside CSP figures); the rows are
  reported as excluded, never lost silently.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from csp_analysis.exceptions import DataError
from csp_analysis.paths import reference_dir

ALL_CRIME = "All crime"
ASB = "Anti-social behaviour"
EXCLUDE = "EXCLUDE"
KINDS = ("crime", "asb", "flag")
#: Kinds a partnership's ``categories.csv`` may declare (``total``: All crime given directly).
DECLARED_KINDS = ("crime", "asb", "flag", "total")
#: The remainder of a total given directly over the categories given beside it.
UNALLOCATED = "Unallocated"
#: The fields a line of ``themes.csv`` may match.
THEME_FIELDS = (
    "offence_code",
    "offence_subgroup",
    "offence_group",
    "crime_type",
    "category",
    "flag",
)
#: The category schemes a report can follow (``--categories``).
SCHEMES = ("police_uk", "home_office", "own")
#: Labels read as All crime given directly (compared ignoring case and spacing).
TOTAL_LABELS = ("All crime", "Total recorded crime", "Total crime", "TRC")
_TOTAL_KEYS = frozenset(re.sub(r"\s+", " ", t).strip().casefold() for t in TOTAL_LABELS)
_ASB_RE = re.compile(r"\b(anti[- ]?social behaviou?r|asb)\b")
_FLAG_RE = re.compile(r"\bflag(ged|s)?\b")


def _key(text: object) -> str:
    """Case- and spacing-insensitive key for matching labels."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def label_key(text: object) -> str:
    """The key two labels share when they differ only in case or spacing.

    Parameters
    ----------
    text : object
        A category label as written.

    Returns
    -------
    str
        Spaces collapsed, ends stripped, case folded.

    Examples
    --------
    >>> label_key("  Burglary  in DWELLING ") == label_key("burglary in dwelling")
    True
    """
    return _key(text)


def is_total_label(text: object) -> bool:
    """Whether a label is All crime given directly (``All crime``, ``Total recorded crime``,
    ``Total crime``, ``TRC``; any case and spacing).

    Parameters
    ----------
    text : object
        A category label as given in a table.

    Returns
    -------
    bool
        True for a total's label.

    Examples
    --------
    >>> is_total_label(" total  RECORDED crime"), is_total_label("Burglary")
    (True, False)
    """
    return _key(text) in _TOTAL_KEYS


def infer_kind(label: object) -> str:
    """The kind of a partnership's own label that no ``categories.csv`` declares.

    A total (:data:`TOTAL_LABELS`) is ``total``; a label naming anti-social behaviour
    (``ASB``, ``Anti-social behaviour incidents``) is ``asb``; a label naming a flag
    (``Domestic abuse flagged``) is ``flag``; every other label is a crime category.

    Parameters
    ----------
    label : object
        The label as written.

    Returns
    -------
    str
        ``total``, ``asb``, ``flag`` or ``crime``.

    Examples
    --------
    >>> [infer_kind(x) for x in ("TRC", "ASB incidents", "Hate crime flagged", "Robbery")]
    ['total', 'asb', 'flag', 'crime']
    """
    key = _key(label)
    if key in _TOTAL_KEYS:
        return "total"
    if _ASB_RE.search(key):
        return "asb"
    if _FLAG_RE.search(key):
        return "flag"
    return "crime"


@dataclass(frozen=True)
class CategoryMap:
    """Report categories and how source labels map onto them.

    Attributes
    ----------
    categories : pandas.DataFrame
        Columns ``category, kind, order, description, scheme, parent``, sorted by ``order``.
        ``scheme`` is the category scheme a crime category belongs to (``police_uk`` for
        the crime types police.uk records map to, ``own`` for a partnership's own labels,
        ``home_office`` for offence groups), empty for anti-social behaviour and flags, which
        every scheme shares; ``parent`` names the category a partnership's own category is
        part of (empty for none).
    mapping : dict
        ``(source, field, key) -> category`` where ``key`` is the case-folded label.
    groups : tuple of str
        The Home Office offence groups the ``home_office`` scheme lists, in their order
        (:meth:`with_groups`); a group named like a police.uk crime type (``Robbery``) is one
        category of both schemes.
    """

    categories: pd.DataFrame
    mapping: dict[tuple[str, str, str], str]
    groups: tuple[str, ...] = ()

    @property
    def order(self) -> list[str]:
        """Report categories in report order (the offence groups, when given, together in
        their own order after the other crime categories)."""
        names = list(self.categories["category"])
        if not self.groups:
            return names
        return [c for c in names if c not in self.groups] + list(self.groups)

    def kind(self, category: str) -> str:
        """Kind (``crime``, ``asb`` or ``flag``) of a report category.

        Parameters
        ----------
        category : str
            A report category (as in :attr:`order`).

        Returns
        -------
        str
            Its kind.

        Raises
        ------
        KeyError
            If ``category`` is not a report category.
        """
        return self._kinds[category]

    def kind_or_none(self, category: str) -> str | None:
        """Kind of a report category, ``None`` for a name that is not one.

        Parameters
        ----------
        category : str
            A report category.

        Returns
        -------
        str or None
            ``crime``, ``asb``, ``flag`` or ``total``; ``None`` when not a category.
        """
        return self._kinds.get(category)

    @cached_property
    def _kinds(self) -> dict[str, str]:
        return dict(zip(self.categories["category"], self.categories["kind"], strict=True))

    def of_kind(self, kind: str, scheme: str | None = None) -> list[str]:
        """Report categories of one kind, in report order.

        Parameters
        ----------
        kind : str
            ``crime``, ``asb`` or ``flag``.
        scheme : str, optional
            Only the categories of this scheme (and those every scheme shares: anti-social
            behaviour, flags); default every scheme.

        Returns
        -------
        list of str
            The categories of that kind (empty for an unknown kind).
        """
        out = [c for c in self.order if self._kinds[c] == kind]
        if scheme is None:
            return out
        if scheme == "home_office" and self.groups and kind == "crime":
            shared = [c for c in out if self._schemes.get(c, "") == "" and c not in self.groups]
            return [*self.groups, *shared]
        return [c for c in out if self._schemes.get(c, "") in ("", scheme)]

    def scheme(self, category: str) -> str:
        """The scheme of a report category (``police_uk``, ``own``, ...; ``""``: shared).

        Parameters
        ----------
        category : str
            A report category.

        Returns
        -------
        str
            Its scheme; ``""`` for anti-social behaviour, flags and unknown names.
        """
        return self._schemes.get(category, "")

    def parent(self, category: str) -> str:
        """The category a partnership's own category is declared part of.

        Parameters
        ----------
        category : str
            A report category.

        Returns
        -------
        str
            Its parent (``categories.csv``), ``""`` when it has none.
        """
        return self._parents.get(category, "")

    @cached_property
    def _schemes(self) -> dict[str, str]:
        col = self.categories.get("scheme", pd.Series("", index=self.categories.index))
        names = self.categories["category"]
        return {str(c): ("" if pd.isna(v) else str(v)) for c, v in zip(names, col, strict=True)}

    @cached_property
    def _parents(self) -> dict[str, str]:
        col = self.categories.get("parent", pd.Series("", index=self.categories.index))
        names = self.categories["category"]
        return {str(c): ("" if pd.isna(v) else str(v)) for c, v in zip(names, col, strict=True)}

    def with_own(self, own: pd.DataFrame) -> CategoryMap:
        """This map with a partnership's own categories added after the built-in ones.

        Parameters
        ----------
        own : pandas.DataFrame
            ``category, kind, order, parent``: one row per own label (see
            :func:`own_categories`); a label already a report category is left as it is.

        Returns
        -------
        CategoryMap
            A new map; this one is unchanged.
        """
        known = set(self.categories["category"])
        add = own[~own["category"].isin(known)]
        if not len(add):
            return self
        top = float(pd.to_numeric(self.categories["order"]).max()) if len(self.categories) else 0
        rows = pd.DataFrame(
            {
                "category": add["category"].astype("string").to_numpy(),
                "kind": add["kind"].astype("string").to_numpy(),
                "order": top + 1 + pd.to_numeric(add["order"]).to_numpy(dtype=float),
                "description": "the partnership's own category",
                "scheme": [("" if k in ("asb", "flag") else "own") for k in add["kind"]],
                "parent": add["parent"].astype("string").fillna("").to_numpy(),
            }
        )
        cats = pd.concat([self.categories, rows], ignore_index=True)
        return CategoryMap(categories=cats, mapping=dict(self.mapping))

    def with_groups(self, groups: list[str]) -> CategoryMap:
        """This map with Home Office offence groups added as crime categories.

        Parameters
        ----------
        groups : list of str
            Offence groups in report order (see :func:`offence_group_order`); a label already
            a report category is left as it is.

        Returns
        -------
        CategoryMap
            A new map (this one is unchanged): each group a ``crime`` category of the
            ``home_office`` scheme, after the built-in categories.

        Examples
        --------
        >>> m = load_category_map().with_groups(["Sexual offences", "Robbery"])
        >>> m.kind("Sexual offences"), m.scheme("Sexual offences")
        ('crime', 'home_office')
        >>> m.of_kind("crime", "home_office")
        ['Sexual offences', 'Robbery']
        """
        known = set(self.categories["category"])
        groups = list(dict.fromkeys(groups))
        add = [g for g in groups if g not in known]
        top = float(pd.to_numeric(self.categories["order"]).max()) if len(self.categories) else 0
        rows = pd.DataFrame(
            {
                "category": pd.array(add, dtype="string"),
                "kind": "crime",
                "order": [top + 1 + i for i in range(len(add))],
                "description": "Home Office offence group",
                "scheme": "home_office",
                "parent": "",
            }
        )
        cats = pd.concat([self.categories, rows], ignore_index=True) if add else self.categories
        return CategoryMap(categories=cats, mapping=dict(self.mapping), groups=tuple(groups))

    def lookup(self, source: str, field: str, values: pd.Series) -> pd.Series:
        """Map source labels to report categories (missing where unmapped).

        Parameters
        ----------
        source : str
            ``police_uk``, ``home_office`` or ``tidy``.
        field : str
            The field the labels come from, e.g. ``crime_type`` or ``offence_subgroup``.
        values : pandas.Series
            The labels.

        Returns
        -------
        pandas.Series
            Report category for each label, ``<NA>`` where the mapping has none, ``EXCLUDE``
            where the mapping drops it on purpose.
        """
        table = {k[2]: v for k, v in self.mapping.items() if k[0] == source and k[1] == field}
        keys = values.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
        return keys.str.casefold().map(table).astype("string")


def load_category_map(folder: str | Path | None = None) -> CategoryMap:
    """Read ``categories.csv`` and ``category_mapping.csv`` and check them.

    Parameters
    ----------
    folder : str or Path, optional
        Folder holding the two files; default the built-in reference tables
        (:func:`csp_analysis.paths.reference_dir`).

    Returns
    -------
    CategoryMap

    Raises
    ------
    DataError
        If a file is missing, a kind is unknown, or a mapping names an unknown category.
    """
    if folder is None:  # read once per process; each caller gets its own copy to change
        builtin = _builtin_map()
        return CategoryMap(categories=builtin.categories.copy(), mapping=dict(builtin.mapping))
    return _read_category_map(Path(folder))


@functools.cache
def _builtin_map() -> CategoryMap:
    """The built-in reference tables, read once per process (they ship with the package)."""
    return _read_category_map(reference_dir())


def _read_category_map(folder: Path) -> CategoryMap:
    """Read and check the two reference files of a folder (see :func:`load_category_map`)."""
    cats_path = folder / "categories.csv"
    map_path = folder / "category_mapping.csv"
    for p in (cats_path, map_path):
        if not p.is_file():
            raise DataError("reference file not found", file=p.name)
    with cats_path.open("rb") as fh:
        cats = pd.read_csv(fh, dtype={"category": "string", "kind": "string"})
    for col in ("category", "kind", "order"):
        if col not in cats.columns:
            raise DataError("missing column", file=cats_path.name, column=col)
    bad = cats[~cats["kind"].isin(KINDS)]
    if len(bad):
        i = bad.index[0]
        raise DataError(
            f"kind '{bad.loc[i, 'kind']}' is not one of {', '.join(KINDS)}",
            file=cats_path.name,
            line=int(i) + 2,
            column="kind",
        )
    if "description" not in cats.columns:
        cats["description"] = ""
    if "scheme" not in cats.columns:
        # police_uk: the crime types police.uk records map to; home_office: crime categories
        # only Home Office offence labels map to (offence groups); "": shared (ASB, flags)
        targets = _mapping_targets(map_path)
        police = {v for (src, _, _), v in targets.items() if src == "police_uk"}
        office = {v for (src, _, _), v in targets.items() if src == "home_office"}
        cats["scheme"] = [
            ""
            if k != "crime"
            else "police_uk"
            if c in police
            else "home_office"
            if c in office
            else ""
            for c, k in zip(cats["category"], cats["kind"], strict=True)
        ]
    if "parent" not in cats.columns:
        cats["parent"] = ""
    cats = cats.sort_values("order", kind="stable").reset_index(drop=True)
    known = set(cats["category"])
    with map_path.open("rb") as fh:
        mp = pd.read_csv(fh, dtype="string", keep_default_na=False)
    for col in ("source", "field", "value", "category"):
        if col not in mp.columns:
            raise DataError("missing column", file=map_path.name, column=col)
    mapping: dict[tuple[str, str, str], str] = {}
    for i, row in mp.iterrows():
        cat = row["category"].strip()
        if cat != EXCLUDE and cat not in known:
            raise DataError(
                f"category '{cat}' is not in categories.csv",
                file=map_path.name,
                line=int(i) + 2,
                column="category",
            )
        mapping[(row["source"].strip(), row["field"].strip(), _key(row["value"]))] = cat
    return CategoryMap(categories=cats, mapping=mapping)


def _mapping_targets(path: Path) -> dict[tuple[str, str, str], str]:
    """``(source, field, value) -> category`` of a mapping file, unchecked."""
    with path.open("rb") as fh:
        mp = pd.read_csv(fh, dtype="string", keep_default_na=False)
    if not {"source", "field", "value", "category"} <= set(mp.columns):
        return {}
    return {
        (str(s).strip(), str(f).strip(), _key(v)): str(c).strip()
        for s, f, v, c in zip(mp["source"], mp["field"], mp["value"], mp["category"], strict=True)
    }


@functools.cache
def offence_group_order() -> tuple[str, ...]:
    """The Home Office offence groups in report order (``reference/offence_groups.csv``).

    Returns
    -------
    tuple of str
        Each group once, by its ``group_order`` (fraud is not one: the tables' figures
        exclude it).

    Examples
    --------
    >>> offence_group_order()[:2]
    ('Violence against the person', 'Sexual offences')
    """
    path = reference_dir() / "offence_groups.csv"
    with path.open("rb") as fh:
        table = pd.read_csv(fh, dtype={"offence_group": "string"})
    table = table.sort_values("group_order", kind="stable")
    return tuple(dict.fromkeys(str(g) for g in table["offence_group"].dropna()))
