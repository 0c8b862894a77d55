"""Themes: priorities that cut across categories (serious violence, violence against women and
girls, hate crime, acquisitive crime, knife crime).

A theme is defined by lines ``theme, field, value`` (``themes.csv`` in the data folder, else the
built-in ``csp_analysis/reference/themes.csv`` with the source of each definition beside it).
``field`` is one of ``offence_code``, ``offence_subgroup``, ``offence_group`` (matched against
the Home Office offence-level table, ``Dataset.offences``), ``crime_type`` (police.uk crime
types of the area's series), ``category`` (a report category of the area's series) or ``flag``
(a flagged count such as domestic abuse). A theme counts every table row matching any of its
lines once. Themes overlap the categories and each other and are never added into All crime.

A theme is computed from its crime lines (offence fields, crime types, categories); its flag
lines are added where the flag is given in the same periods (a flagged crime of a listed
offence may then be counted in both: aggregate tables cannot tell, and the note says so). A
theme whose crime lines the data cannot compute is a gap naming the file to add, never a 0; a
theme of flag lines only is computed where the flag is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from csp_analysis.categories import THEME_FIELDS, label_key
from csp_analysis.model import Dataset
from csp_analysis.names import area_key
from csp_analysis.paths import reference_dir

#: How a theme's note says that a flag it would add is not in the data (the remedy is said
#: once under the table: :data:`FILE_TO_ADD` ``flag``).
FLAG_NOT_GIVEN = "which the data do not give"

__all__ = ["ThemeCounts", "load_themes", "theme_counts", "theme_members"]

OFFENCE_FIELDS = ("offence_code", "offence_subgroup", "offence_group")
#: The file that would let a field be matched, for the gap sentence.
FILE_TO_ADD = {
    "offence": "a Home Office police recorded crime table by offence code (long or wide)",
    "crime_type": "data.police.uk street-level files (or a tidy table of police.uk crime types)",
    "category": "a count of that category",
    "flag": "a tidy file of the flagged counts (e.g. 'Domestic abuse flagged'), declared kind "
    "flag in categories.csv",
}


@dataclass
class ThemeCounts:
    """An area's theme counts and what could not be computed.

    Attributes
    ----------
    counts : pandas.DataFrame
        ``period, category, kind, count, source`` (``category`` is the theme, ``kind`` is
        ``theme``), as :meth:`~csp_analysis.model.Dataset.area_counts` shapes its rows.
    gaps : dict of str to str
        Theme -> why it is not computed and which file would fill it.
    notes : dict of str to str
        Theme -> what it was computed from and what it leaves out.
    problems : list of dict
        Lines of the partnership's ``themes.csv`` whose value matches nothing in the data:
        ``source, line, column, message``.
    definitions : pandas.DataFrame
        The lines used: ``theme, field, value, source, line, definition_source``.
    """

    counts: pd.DataFrame
    gaps: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    definitions: pd.DataFrame = field(default_factory=pd.DataFrame)


def load_themes(ds: Dataset) -> tuple[pd.DataFrame, bool]:
    """The theme lines: the data folder's ``themes.csv`` when given, else the built-in one.

    Parameters
    ----------
    ds : Dataset
        The data; ``ds.tables["themes"]`` holds a ``themes.csv`` read from the data folder
        (its rows checked on reading: an unknown field is rejected naming its line).

    Returns
    -------
    lines : pandas.DataFrame
        ``theme, field, value, source, line, definition_source`` (``field`` normalised).
    own : bool
        True for the partnership's own file.

    Examples
    --------
    >>> from csp_analysis.model import load
    >>> lines, own = load_themes(load())
    >>> own, sorted(set(lines["theme"]))[:2]
    (False, ['Acquisitive crime', 'Hate crime'])
    """
    table = ds.tables.get("themes")
    own = table is not None and len(table) > 0
    if own:
        t = table.copy()
    else:
        with (reference_dir() / "themes.csv").open("rb") as fh:
            t = pd.read_csv(fh, dtype="string", keep_default_na=False)
        t["source"] = "themes.csv (built in)"
        t["line"] = range(2, len(t) + 2)
    if "definition_source" not in t.columns:
        t["definition_source"] = ""
    t["field"] = (
        t["field"]
        .astype("string")
        .str.strip()
        .str.casefold()
        .str.replace(r"[\s-]+", "_", regex=True)
    )
    for c in ("theme", "value"):
        t[c] = t[c].astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    t = t[t["field"].isin(THEME_FIELDS)]
    cols = ["theme", "field", "value", "source", "line", "definition_source"]
    return t[cols].reset_index(drop=True), own


def _flag_key(label: object) -> str:
    """A flag label's key without a trailing 'flag'/'flagged' ('Domestic abuse flagged' is
    the flag 'Domestic abuse')."""
    key = label_key(label)
    for end in (" flagged", " flags", " flag"):
        if key.endswith(end):
            return key[: -len(end)].strip()
    return key


def theme_counts(ds: Dataset, area: str) -> ThemeCounts:
    """Each theme's count by period for one area, with the themes the data cannot compute.

    Parameters
    ----------
    ds : Dataset
        The data (its offence-level table ``offences`` where it has one).
    area : str
        Partnership area, spelled exactly as in ``ds.areas``.

    Returns
    -------
    ThemeCounts
        Counts by period (each period a theme's parts all give; a period a part lacks is
        missing, never 0), gaps, notes and, for the partnership's own ``themes.csv``, the
        lines whose value matches nothing in the data.
    """
    lines, own = load_themes(ds)
    series = ds.area_counts(area)
    crime = series[series["kind"].isin(("crime", "part"))]
    flags = series[series["kind"] == "flag"]
    police = crime[crime["source"] == "police_uk"]
    offences = getattr(ds, "offences", None)
    if offences is not None and len(offences):
        keys = offences["area"].astype("string").map(area_key, na_action="ignore")
        offences = offences[(keys == area_key(area)).fillna(False).to_numpy(dtype=bool)]
    has_offences = offences is not None and len(offences) > 0
    out = ThemeCounts(counts=_empty(), definitions=lines)
    parts_all: list[pd.DataFrame] = []
    for theme, defs in lines.groupby("theme", sort=False):
        theme = str(theme)
        crime_parts: dict[str, pd.DataFrame] = {}
        missing: set[str] = set()
        # offence-level lines: one mask over the offence rows (a row matching two lines once)
        off_defs = defs[defs["field"].isin(OFFENCE_FIELDS)]
        if len(off_defs):
            if has_offences:
                mask = pd.Series(False, index=offences.index)
                for d in off_defs.itertuples():
                    hit = _match(offences[d.field], d.value, code=d.field == "offence_code")
                    if own and not hit.any():
                        out.problems.append(_nothing(d, f"no {d.field.replace('_', ' ')}"))
                    mask |= hit
                rows = offences[mask.to_numpy(dtype=bool)]
                # every period of the offence table: a theme with no offence there is 0
                crime_parts["offences"] = _by_period(
                    rows, "home_office", sorted(offences["period"].astype("string").unique())
                )
            else:
                missing.add("offence")
        # series lines: police.uk crime types and report categories
        ser_defs = defs[defs["field"].isin(("crime_type", "category"))]
        if len(ser_defs):
            mask = pd.Series(False, index=crime.index)
            usable = False
            for d in ser_defs.itertuples():
                pool = police if d.field == "crime_type" else crime
                if d.field == "crime_type" and not len(police):
                    missing.add("crime_type")
                    continue
                usable = True
                hit = _match(pool["category"], d.value).reindex(crime.index, fill_value=False)
                if own and not hit.any():
                    out.problems.append(_nothing(d, f"no {d.field.replace('_', ' ')}"))
                mask |= hit
            if usable:
                rows = crime[mask.to_numpy(dtype=bool)]
                crime_parts["series"] = _by_period(rows, None)
        flag_defs = defs[defs["field"] == "flag"]
        flag_part = None
        flag_missing = []
        if len(flag_defs):
            fkeys = flags["category"].map(_flag_key)
            mask = pd.Series(False, index=flags.index)
            for d in flag_defs.itertuples():
                hit = (fkeys == _flag_key(d.value)).fillna(False)
                if not hit.any():
                    flag_missing.append(str(d.value))
                mask |= hit
            if mask.any():
                flag_part = _by_period(flags[mask.to_numpy(dtype=bool)], None)
        note: list[str] = []
        if "offences" in crime_parts and "series" in crime_parts:
            crime_parts.pop("series")  # the same crimes, finer: never added twice
            note.append("from the Home Office offence table (the category lines not added again)")
        if crime_parts:
            base = next(iter(crime_parts.values()))
        elif len(off_defs) or len(ser_defs):
            needs = sorted(missing) or ["category"]
            out.gaps[theme] = (
                f"{theme} cannot be computed from these data: add "
                + " or ".join(FILE_TO_ADD[n] for n in needs)
                + "."
            )
            continue
        elif flag_part is not None:
            base, flag_part = flag_part, None
        else:
            out.gaps[theme] = (
                f"{theme} cannot be computed from these data: no "
                + ", ".join(flag_missing)
                + f" flag is given; add {FILE_TO_ADD['flag']}."
            )
            continue
        if flag_part is not None:
            both = sorted(set(base["period"]) & set(flag_part["period"]))
            if both:
                base = base[base["period"].isin(both)]
                extra = flag_part[flag_part["period"].isin(both)].set_index("period")["count"]
                base = base.assign(count=base["count"] + base["period"].map(extra).astype("int64"))
                note.append(
                    "flagged counts added (a flagged crime of a listed offence may be counted "
                    "twice: aggregate tables cannot tell)"
                )
            else:
                note.append("the flag is given for other periods: not added")
        if flag_missing and len(flag_defs):
            note.append("without the " + ", ".join(flag_missing) + " flag, " + FLAG_NOT_GIVEN)
        if note:
            out.notes[theme] = "; ".join(note)
        parts_all.append(base.assign(category=theme))
    if parts_all:
        counts = pd.concat(parts_all, ignore_index=True)
        counts["kind"] = "theme"
        out.counts = counts.astype(
            {"period": "string", "category": "string", "kind": "string", "source": "string"}
        )[["period", "category", "kind", "count", "source"]].astype({"count": "int64"})
    return out


def theme_members(lines: pd.DataFrame, categories: list[str]) -> dict[str, list[str]]:
    """The report categories each theme's ``crime_type`` and ``category`` lines select.

    Parameters
    ----------
    lines : pandas.DataFrame
        Theme lines ``theme, field, value`` (:func:`load_themes`).
    categories : list of str
        The report categories to choose from (e.g. the rows of the area's category table).

    Returns
    -------
    dict of str to list of str
        Theme -> its categories, in the order of ``categories`` (each once, matched
        ignoring case and spacing); a theme without such lines, or whose lines match none
        of ``categories``, is absent.

    Examples
    --------
    >>> lines = pd.DataFrame(
    ...     {
    ...         "theme": ["Acquisitive crime", "Acquisitive crime", "Hate crime"],
    ...         "field": ["crime_type", "crime_type", "flag"],
    ...         "value": ["burglary", "Robbery", "Hate crime"],
    ...     }
    ... )
    >>> theme_members(lines, ["Robbery", "Burglary", "Drugs"])
    {'Acquisitive crime': ['Robbery', 'Burglary']}
    """
    keys = {label_key(c): c for c in categories}
    out: dict[str, list[str]] = {}
    series = lines[lines["field"].isin(("crime_type", "category"))]
    for theme, defs in series.groupby("theme", sort=False):
        wanted = {label_key(v) for v in defs["value"]}
        found = [c for k, c in keys.items() if k in wanted]
        if found:
            out[str(theme)] = found
    return out


def _match(values: pd.Series, value: str, code: bool = False) -> pd.Series:
    """Cells equal to ``value`` ignoring case and spacing (offence codes: ignoring case)."""
    text = values.astype("string")
    if code:
        return (text.str.strip().str.upper() == str(value).strip().upper()).fillna(False)
    key = text.str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()
    return (key == label_key(value)).fillna(False)


def _by_period(
    rows: pd.DataFrame, source: str | None, periods: list[str] | None = None
) -> pd.DataFrame:
    """Sum by period, with the rows' source; 0 in ``periods`` the rows do not have."""
    src = source if source is not None else (str(rows["source"].iloc[0]) if len(rows) else "")
    sums = rows.groupby(rows["period"].astype("string"))["count"].sum()
    if periods is not None:
        sums = sums.reindex(periods, fill_value=0)
    out = pd.DataFrame({"period": sums.index.astype("string"), "count": sums.to_numpy()})
    return out.assign(source=src, count=out["count"].astype("int64"))


def _nothing(d, what: str) -> dict:
    return {
        "source": str(d.source),
        "line": int(d.line),
        "column": "value",
        "message": f"'{d.value}' matches {what} in the data (theme {d.theme})",
    }


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.Series(dtype="string"),
            "category": pd.Series(dtype="string"),
            "kind": pd.Series(dtype="string"),
            "count": pd.Series(dtype="int64"),
            "source": pd.Series(dtype="string"),
        }
    )
