"""Offence labels harmonised across releases of the Home Office and ONS tables.

The Home Office renames offence groups and subgroups between releases of its police recorded
crime tables ("Miscellaneous crimes against society" became "Miscellaneous crimes", "Rape
offences" became "Rape"). ``csp_analysis/reference/offence_aliases.csv`` lists each published
label with the one label used for it in every release (``field, published, harmonised,
version, source``); a label not in the table is kept as published. The table's ``version`` is
the release of the alias table that added a row: :data:`ALIAS_VERSION` is the highest.

Only true renamings are aliases: "Domestic burglary" and "Residential burglary" are not the
same offence (the definition changed in April 2017), so neither is mapped to the other.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from csp_analysis.exceptions import DataError
from csp_analysis.paths import reference_dir

ALIASES_FILE = "offence_aliases.csv"
FIELDS = ("offence_group", "offence_subgroup")
_COLUMNS = ("field", "published", "harmonised", "version", "source")


def _key(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


@functools.cache
def alias_table() -> pd.DataFrame:
    """The alias table shipped with the package, checked.

    Returns
    -------
    pandas.DataFrame
        ``field, published, harmonised, version, source``, one row per published label.

    Raises
    ------
    DataError
        If a column is missing, a field is unknown or a published label is listed twice with
        different harmonised labels.
    """
    with (reference_dir() / ALIASES_FILE).open("rb") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    for col in _COLUMNS:
        if col not in table.columns:
            raise DataError("missing column", file=ALIASES_FILE, column=col)
    for i, row in table.iterrows():
        if row["field"] not in FIELDS:
            raise DataError(
                f"field '{row['field']}' is not one of {', '.join(FIELDS)}",
                file=ALIASES_FILE,
                line=int(i) + 2,
                column="field",
            )
    keys = table.assign(key=table["published"].map(_key))
    clash = keys.groupby(["field", "key"])["harmonised"].nunique()
    if (clash > 1).any():
        field, key = clash[clash > 1].index[0]
        raise DataError(f"'{key}' ({field}) is given two harmonised labels", file=ALIASES_FILE)
    return table


#: The release of the alias table (the highest ``version`` of its rows).
ALIAS_VERSION = max(int(v) for v in alias_table()["version"])


def harmonise(values: pd.Series, field: str) -> pd.Series:
    """Published offence labels as the one label used across releases.

    Matching ignores case and repeated spaces; labels not in the alias table are returned
    as published (spaces tidied).

    Parameters
    ----------
    values : pandas.Series
        Labels as published.
    field : str
        ``offence_group`` or ``offence_subgroup``.

    Returns
    -------
    pandas.Series
        The harmonised labels (string dtype), same index.

    Raises
    ------
    ValueError
        If ``field`` is not one of :data:`FIELDS`.

    Examples
    --------
    >>> harmonise(pd.Series(["Miscellaneous crimes", "Robbery"]), "offence_group").tolist()
    ['Miscellaneous crimes against society', 'Robbery']
    >>> harmonise(pd.Series(["Rape offences"]), "offence_subgroup").tolist()
    ['Rape']
    """
    if field not in FIELDS:
        raise ValueError(f"field must be one of {', '.join(FIELDS)}, not {field!r}")
    table = alias_table()
    table = table[table["field"] == field]
    by_key = dict(zip(table["published"].map(_key), table["harmonised"], strict=True))
    tidy = values.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    uniq = {v: by_key.get(_key(v), v) for v in tidy.dropna().unique()}
    return tidy.map(uniq).astype("string")
