"""ONS tables of police recorded crime by Community Safety Partnership area.

The ONS published, until 2024, "Recorded crime data by Community Safety Partnership area":
one row per area (partnerships, with their police force area and local authority, and in some
tables the force areas and England and Wales themselves), one column per offence group and
subgroup, for a year ending a given month. As published the tables have title rows above the
header, ``[note N]`` markers and line breaks inside the header cells, numbers written with
thousands separators and trailing spaces (``"56,961 "``), markers such as ``[x]`` for values
not available, a code column per geography and a population column.

They are read as **official totals** (``tables["official_totals"]``), one row per area and
offence column, for the period the title (or the file name, e.g. ``csptablesyedec23``)
states: a year ending March is the financial year (``2022/23``); any other month is the 12
months to that month. Rate columns (per 1,000) are not counts and are skipped, with a note.
"""

from __future__ import annotations

import re

import pandas as pd

from csp_analysis.categories import ALL_CRIME, CategoryMap
from csp_analysis.ingest.base import FileResult, Header, Problem, norm
from csp_analysis.ingest.offences import harmonise

#: ``[note 1]``, ``[Note 2, 3]``, ``[notes 4 and 5]`` markers in header cells.
NOTE = re.compile(r"\[\s*notes?\s*[0-9][0-9,\sand]*\]", re.IGNORECASE)
MONTHS = (
    "January February March April May June July August September October November December"
).split()
_YEAR_ENDING = re.compile(r"year\s*ending\s*(" + "|".join(MONTHS) + r")\s*(\d{4})", re.IGNORECASE)
#: File names such as ``csptablesyedec23.xlsx`` or ``..._ye_march_2023``.
_FILE_YEAR_ENDING = re.compile(
    r"ye_?(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*_?(\d{4}|\d{2})(?!\d)", re.IGNORECASE
)
#: The offence groups of police recorded crime (the others are subgroups), harmonised labels.
GROUPS = frozenset(
    {
        "Violence against the person",
        "Sexual offences",
        "Robbery",
        "Theft offences",
        "Criminal damage and arson",
        "Drug offences",
        "Possession of weapons offences",
        "Public order offences",
        "Miscellaneous crimes against society",
    }
)
TOTAL = "Total recorded crime (excluding fraud)"
#: Cells that mark a value as not available (never zero).
_NOT_AVAILABLE = re.compile(r"^(\[[a-z]\]|\.\.|-|–|:|x|c|z|n/a)?$", re.IGNORECASE)
#: Geography of an ONS/GSS area code, by its first three characters.
GEOGRAPHY_OF_CODE = {
    "E22": "csp",
    "W22": "csp",
    "E23": "pfa",
    "W15": "pfa",
    "E12": "region",
    "K04": "country",
    "K03": "country",
    "E92": "country",
    "W92": "country",
}
COLUMNS = [
    "area",
    "code",
    "geography",
    "force",
    "period",
    "period_end",
    "offence",
    "level",
    "category",
    "count",
    "population",
    "official_source",
    "source",
    "line",
]


def clean_header(cell: object) -> str:
    """A header cell without ``[note N]`` markers, line breaks or repeated spaces.

    Parameters
    ----------
    cell : object
        The header cell as published.

    Returns
    -------
    str

    Examples
    --------
    >>> clean_header("Total recorded crime\\n (excluding fraud) [note 2]")
    'Total recorded crime (excluding fraud)'
    """
    return re.sub(r"\s+", " ", NOTE.sub("", str(cell))).strip()


def _role(cell: str) -> str | None:
    """What an identifying column is (``csp_code``, ``pfa_name``, ...), or None."""
    n = norm(cell)
    for prefix, geo in (
        ("communitysafetypartnership", "csp"),
        ("csp", "csp"),
        ("policeforcearea", "pfa"),
        ("pfa", "pfa"),
        ("localauthority", "lad"),
        ("region", "region"),
        ("country", "country"),
        ("area", "area"),
        ("", "area"),
    ):
        rest = n.removeprefix(prefix) if n.startswith(prefix) else None
        if rest is None:
            continue
        rest = re.sub(r"^\d{2}", "", rest)
        if rest in ("code", "codes", "cd"):
            return f"{geo}_code"
        if rest in ("name", "names", "nm"):
            return f"{geo}_name"
    if n.endswith(("code", "codes", "name", "names")):
        return "other"  # another geography's code or name: not an offence column
    return None


def recognise(header: Header) -> bool:
    """An ONS table of recorded crime by CSP: a partnership name and a total recorded crime column.

    Parameters
    ----------
    header : Header
        The table's header.

    Returns
    -------
    bool
        True when the header is of this layout.

    Examples
    --------
    >>> recognise(
    ...     Header.of(
    ...         [
    ...             "Community Safety Partnership code",
    ...             "Community Safety Partnership name",
    ...             "Total recorded crime\\n (excluding fraud) [note 2]",
    ...         ]
    ...     )
    ... )
    True
    """
    cells = [clean_header(c) for c in header.raw]
    roles = {_role(c) for c in cells}
    total = any(norm(c).startswith("totalrecordedcrime") for c in cells)
    return total and bool(roles & {"csp_name", "area_name"})


def period_of(*texts: str) -> tuple[str, str, str] | None:
    """The period a table covers, from its title or file name.

    Parameters
    ----------
    *texts : str
        The title rows, then the file name.

    Returns
    -------
    tuple of str or None
        ``(period, period_end, words)``: the financial year (``2022/23``) for a year ending
        March, else ``12 months to December 2023``; the last month (``2023-12``); and the
        words ``year ending December 2023``. ``None`` when no text says it.

    Examples
    --------
    >>> period_of("Table 1: year ending March 2023")
    ('2022/23', '2023-03', 'year ending March 2023')
    >>> period_of("", "csptablesyedec23.xlsx")
    ('12 months to December 2023', '2023-12', 'year ending December 2023')
    """
    for text in texts:
        m = _YEAR_ENDING.search(text or "") or _FILE_YEAR_ENDING.search(text or "")
        if m is None:
            continue
        month = next(i for i, x in enumerate(MONTHS, 1) if x[:3].casefold() == m[1][:3].casefold())
        year = int(m[2]) if len(m[2]) == 4 else 2000 + int(m[2])
        name = MONTHS[month - 1]
        end = f"{year:04d}-{month:02d}"
        if month == 3:
            period = f"{year - 1}/{year % 100:02d}"
        else:
            period = f"12 months to {name} {year}"
        return period, end, f"year ending {name} {year}"
    return None


def _number(values: pd.Series) -> pd.Series:
    """Whole numbers written ``"56,961 "``; markers and blanks become missing (not zero)."""
    text = values.astype("string").str.replace(r"[,\s\u00a0]", "", regex=True)
    num = pd.to_numeric(text.where(text != ""), errors="coerce")
    whole = num.notna() & (num == num.round())
    return num.where(whole).astype("Int64")


def read_ons_crime(df: pd.DataFrame, res: FileResult, cmap: CategoryMap) -> None:
    """Read an ONS table of recorded crime by CSP as official totals by offence column.

    Parameters
    ----------
    df : pandas.DataFrame
        The table's cells, indexed by line number; ``df.attrs["title"]`` holds the title rows
        above the header, when there were any.
    res : FileResult
        Filled in place: the row accounting, problems and ``tables["official_totals"]``
        (:data:`COLUMNS`). A row is used when it names an area and has at least one count;
        rows without an area name (notes, footnotes) or without any count are rejected. A
        value that is not a number (``[x]``, blank) is left out, never read as zero, and
        listed as a problem naming its line and column.
    cmap : CategoryMap
        The category mapping (offence groups and subgroups to report categories).
    """
    lines = pd.Series(df.index, index=df.index)
    res.rows_read = len(df)
    title = str(df.attrs.get("title", ""))
    found = period_of(title, res.source)
    if found is None:
        res.reject(
            pd.Series(True, index=df.index),
            lines,
            None,
            "the title and file name do not say the period ('year ending <month> <year>')",
        )
        return
    period, period_end, words = found
    cleaned = {c: clean_header(c) for c in df.columns}
    roles: dict[str, str] = {}
    offences: dict[str, str] = {}
    population_col = None
    skipped = []
    for col, text in cleaned.items():
        n = norm(text)
        role = _role(text)
        if role and role not in roles:
            roles[role] = col
        elif n.startswith("population"):
            population_col = population_col or col
        elif "per1000" in n or n.endswith("rate") or n in ("fid", "objectid"):
            skipped.append(text)
        elif role is None and n:
            offences[col] = text
    if skipped:
        res.notes.append(f"not counts, not read: {', '.join(skipped)}")

    def cells(role: str) -> pd.Series:
        return (df[roles[role]] if role in roles else pd.Series("", index=df.index)).astype(
            "string"
        )

    csp_name, pfa_name = cells("csp_name"), cells("pfa_name")
    area_name = cells("area_name")
    name = csp_name.where(csp_name != "", area_name).where(lambda s: s != "", pfa_name)
    code = cells("csp_code")
    for other in ("area_code", "lad_code", "pfa_code"):
        code = code.where(code != "", cells(other))
    geo = code.str[:3].map(GEOGRAPHY_OF_CODE).astype("string")
    from_name = pd.Series("csp", index=df.index, dtype="string")
    from_name = from_name.where(csp_name != "", "unknown")
    from_name = from_name.where(~((csp_name == "") & (pfa_name != "") & (area_name == "")), "pfa")
    from_name = from_name.where(name.str.casefold() != "england and wales", "country")
    geo = geo.fillna(from_name)
    force = pfa_name.where(geo == "csp", name.where(geo == "pfa", ""))

    values = pd.DataFrame({c: _number(df[c]) for c in offences}, index=df.index)
    no_name = name == ""
    res.reject(no_name, lines, None, "no area name: not a row of data (a note or footnote?)")
    no_count = ~values.notna().any(axis=1) & ~no_name
    res.reject(no_count, lines, None, "no offence count is a number (missing is not zero)")
    ok = ~no_name & ~no_count
    res.rows_used = res.rows_read - res.rows_rejected
    for col, text in offences.items():
        bad = values[col].isna() & ok
        if bad.any():
            at = lines[bad].tolist()
            where = ", ".join(str(x) for x in at[:5]) + (" …" if len(at) > 5 else "")
            res.problems.append(
                Problem(
                    res.source,
                    int(at[0]),
                    text,
                    f"{text}: value not a number (e.g. [x], not available): left out, "
                    "not read as zero",
                    0,
                    where,
                )
            )
    labels = harmonise(pd.Series(list(offences.values()), dtype="string"), "offence_group")
    level = [
        "total"
        if lab.startswith("Total recorded crime")
        else "group"
        if lab in GROUPS
        else "subgroup"
        for lab in labels
    ]
    by_group = cmap.lookup("home_office", "offence_group", labels)
    sub_labels = harmonise(labels, "offence_subgroup")
    by_sub = cmap.lookup("home_office", "offence_subgroup", sub_labels)
    categories = []
    for i, lev in enumerate(level):
        if lev == "total":
            categories.append(ALL_CRIME)
        elif lev == "group":
            categories.append(by_group.iloc[i])
        else:
            categories.append(by_sub.iloc[i])
    offence_label = [
        lab if lev != "subgroup" else sub
        for lab, lev, sub in zip(labels, level, sub_labels, strict=True)
    ]
    population = (
        _number(df[population_col])
        if population_col
        else pd.Series(pd.NA, index=df.index, dtype="Int64")
    )
    parts = []
    for i, col in enumerate(offences):
        keep = ok & values[col].notna()
        parts.append(
            pd.DataFrame(
                {
                    "area": name[keep],
                    "code": code[keep],
                    "geography": geo[keep],
                    "force": force[keep],
                    "period": period,
                    "period_end": period_end,
                    "offence": offence_label[i],
                    "level": level[i],
                    "category": categories[i],
                    "count": values.loc[keep, col].astype("int64"),
                    "population": population[keep],
                    "official_source": (
                        f"ONS, recorded crime by Community Safety Partnership area, {words}"
                    ),
                    "source": res.source,
                    "line": lines[keep].astype("int64"),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    text_cols = [c for c in COLUMNS if c not in ("count", "population", "line")]
    res.tables["official_totals"] = table[COLUMNS].astype({c: "string" for c in text_cols})
