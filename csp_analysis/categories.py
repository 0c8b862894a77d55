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


def _key(text: object) -> str:
    """Case- and spacing-insensitive key for matching labels."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


@dataclass(frozen=True)
class CategoryMap:
    """Report categories and how source labels map onto them.

    Attributes
    ----------
    categories : pandas.DataFrame
        Columns ``category, kind, order, description``, sorted by ``order``.
    mapping : dict
        ``(source, field, key) -> category`` where ``key`` is the case-folded label.
    """

    categories: pd.DataFrame
    mapping: dict[tuple[str, str, str], str]

    @property
    def order(self) -> list[str]:
        """Report categories in report order."""
        return list(self.categories["category"])

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

    @cached_property
    def _kinds(self) -> dict[str, str]:
        return dict(zip(self.categories["category"], self.categories["kind"], strict=True))

    def of_kind(self, kind: str) -> list[str]:
        """Report categories of one kind, in report order.

        Parameters
        ----------
        kind : str
            ``crime``, ``asb`` or ``flag``.

        Returns
        -------
        list of str
            The categories of that kind (empty for an unknown kind).
        """
        return [c for c in self.order if self._kinds[c] == kind]

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
