"""What happened to the crimes: each crime's latest police.uk outcome, grouped for a reader.

The rule: a crime's outcome is its latest outcome in the police.uk outcomes files (the row of
the latest ``Month``; within a month, the last row in file order) where it has one, else its
street row's ``Last outcome category``. A Crime ID is counted once (the first street row read:
the street reader sets later copies aside). Anti-social behaviour has no Crime ID and no
outcome, and is left out.

Outcome groups (the report's own grouping of the police.uk outcome types, documented in
``docs/data.md``):

- *Charged or summonsed*: ``Suspect charged``, ``Suspect charged as part of another case``,
  ``Court result unavailable`` (the case went to court; police.uk could not match its result)
  and every court result (``Offender sent to prison``, ``Offender fined``, ``Defendant found
  not guilty``, ...);
- *Out-of-court disposal*: caution, ``Local resolution`` (community resolution), penalty
  notice, drugs possession warning;
- *No suspect identified*: ``Investigation complete; no suspect identified``;
- *Evidential difficulties*: ``Unable to prosecute suspect``;
- *Not in the public interest*: formal action, further action or further investigation not in
  the public interest;
- *Still under investigation or awaiting court*: ``Under investigation``, ``Awaiting court
  outcome``;
- *Passed to another organisation*: ``Action to be taken by another organisation``;
- *Status not known*: ``Status update unavailable`` or no outcome given;
- *Other outcome*: any label not listed here (kept under its own name, never dropped).

Crime IDs never leave this module's per-crime frame; the published tables are counts by
category and outcome for a whole partnership (not small areas).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from csp_analysis.categories import ALL_CRIME

CHARGED = "Charged or summonsed"
OUT_OF_COURT = "Out-of-court disposal"
NO_SUSPECT = "No suspect identified"
EVIDENTIAL = "Evidential difficulties"
PUBLIC_INTEREST = "Not in the public interest"
OPEN = "Still under investigation or awaiting court"
ANOTHER_ORG = "Passed to another organisation"
UNKNOWN = "Status not known"
OTHER = "Other outcome"
#: The outcome groups in report order.
GROUP_ORDER = [
    CHARGED,
    OUT_OF_COURT,
    NO_SUSPECT,
    EVIDENTIAL,
    PUBLIC_INTEREST,
    OPEN,
    ANOTHER_ORG,
    UNKNOWN,
    OTHER,
]
#: The label of a crime with no outcome given at all.
NO_OUTCOME = "No outcome given"
_GROUPS = {
    CHARGED: [
        "Suspect charged",
        "Suspect charged as part of another case",
        "Court result unavailable",
        "Court case unable to proceed",
        "Defendant found not guilty",
        "Defendant sent to Crown Court",
        "Offender sent to prison",
        "Offender given suspended prison sentence",
        "Offender given community sentence",
        "Offender fined",
        "Offender given conditional discharge",
        "Offender given absolute discharge",
        "Offender ordered to pay compensation",
        "Offender deprived of property",
        "Offender otherwise dealt with",
    ],
    OUT_OF_COURT: [
        "Offender given a caution",
        "Local resolution",
        "Offender given penalty notice",
        "Offender given a drugs possession warning",
    ],
    NO_SUSPECT: ["Investigation complete; no suspect identified"],
    EVIDENTIAL: ["Unable to prosecute suspect"],
    PUBLIC_INTEREST: [
        "Formal action is not in the public interest",
        "Further action is not in the public interest",
        "Further investigation is not in the public interest",
    ],
    OPEN: ["Under investigation", "Awaiting court outcome"],
    ANOTHER_ORG: ["Action to be taken by another organisation"],
    UNKNOWN: ["Status update unavailable", NO_OUTCOME],
}
#: Outcome label (case-folded) → group.
OUTCOME_GROUPS = {label.casefold(): group for group, labels in _GROUPS.items() for label in labels}
OUTCOME_COLUMNS = ["category", "outcome", "outcome_group", "count", "share"]
GROUP_COLUMNS = ["outcome_group", "count", "share", "force_count", "force_share"]
MONTH_COLUMNS = ["month", "crimes", "open", "open_share", "status_not_known"]

__all__ = [
    "GROUP_ORDER",
    "OUTCOME_GROUPS",
    "crime_outcomes",
    "group_of",
    "group_table",
    "latest_outcomes",
    "outcome_table",
    "outcomes_by_month",
]


def group_of(outcome: str) -> str:
    """The outcome group of a police.uk outcome label.

    Parameters
    ----------
    outcome : str
        A ``Last outcome category`` or ``Outcome type`` (any case, surrounding spaces ignored).

    Returns
    -------
    str
        One of :data:`GROUP_ORDER` (:data:`OTHER` for a label not in the grouping).

    Examples
    --------
    >>> group_of("Court result unavailable"), group_of("Local resolution")
    ('Charged or summonsed', 'Out-of-court disposal')
    """
    return OUTCOME_GROUPS.get(str(outcome).strip().casefold(), OTHER)


def latest_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Each crime's latest outcome in the outcomes files.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        ``crime_id, month, outcome`` (optional ``source, line``: file order within a month),
        as :mod:`csp_analysis.ingest.police_uk_outcomes` reads them.

    Returns
    -------
    pandas.DataFrame
        ``crime_id, outcome_month, outcome``: one row per Crime ID, its row of the latest month
        (the last in file order within that month).

    Examples
    --------
    >>> o = pd.DataFrame({"crime_id": ["a", "a", "b"],
    ...                   "month": ["2023-02", "2023-01", "2023-01"],
    ...                   "outcome": ["Suspect charged", "Under investigation",
    ...                               "Local resolution"]})
    >>> latest_outcomes(o)["outcome"].tolist()
    ['Suspect charged', 'Local resolution']
    """
    keys = ["month", *[c for c in ("source", "line") if c in outcomes.columns]]
    ordered = outcomes.sort_values(keys, kind="stable")
    last = ordered.drop_duplicates("crime_id", keep="last").sort_values("crime_id")
    return pd.DataFrame(
        {
            "crime_id": last["crime_id"].astype("string").to_numpy(),
            "outcome_month": last["month"].astype("string").to_numpy(),
            "outcome": last["outcome"].astype("string").to_numpy(),
        }
    )


def crime_outcomes(records: pd.DataFrame, outcomes: pd.DataFrame | None) -> pd.DataFrame:
    """The outcome of every crime of some street-level records, by the rule of this module.

    Record-level (it holds Crime IDs): for aggregation only, never to publish.

    Parameters
    ----------
    records : pandas.DataFrame
        Street-level records: ``crime_id, month, category`` and ``last_outcome``.
    outcomes : pandas.DataFrame or None
        The outcomes files' rows (``crime_id, month, outcome``); ``None`` when none were given.

    Returns
    -------
    pandas.DataFrame
        ``crime_id, month, category, outcome, outcome_group, from_outcomes_file``: one row per
        Crime ID (rows without one left out; a repeated ID counted once, its first row).
    """
    ids = records["crime_id"].astype("string").str.strip()
    rec = records.assign(crime_id=ids)[ids.notna() & (ids != "")]
    rec = rec.drop_duplicates("crime_id", keep="first")
    street = (
        rec["last_outcome"].astype("string").str.strip()
        if "last_outcome" in rec.columns
        else pd.Series(pd.NA, index=rec.index, dtype="string")
    )
    out = pd.DataFrame(
        {
            "crime_id": rec["crime_id"].to_numpy(),
            "month": rec["month"].astype("string").to_numpy(),
            "category": rec["category"].astype("string").to_numpy(),
            "street_outcome": street.fillna("").to_numpy(),
        }
    )
    if outcomes is not None and len(outcomes):
        out = out.merge(latest_outcomes(outcomes), on="crime_id", how="left")
    else:
        out["outcome"] = pd.Series(pd.NA, index=out.index, dtype="string")
    from_file = out["outcome"].notna()
    street_label = out["street_outcome"].where(out["street_outcome"] != "", NO_OUTCOME)
    out["outcome"] = out["outcome"].where(from_file, street_label).astype("string")
    out["outcome_group"] = out["outcome"].map(group_of).astype("string")
    out["from_outcomes_file"] = from_file.to_numpy(dtype=bool)
    return out[["crime_id", "month", "category", "outcome", "outcome_group", "from_outcomes_file"]]


def outcome_table(per_crime: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """Crimes by category and outcome: ``tables/outcomes.csv``.

    Parameters
    ----------
    per_crime : pandas.DataFrame
        From :func:`crime_outcomes`.
    categories : sequence of str
        The report's categories in order (those with no crime are left out).

    Returns
    -------
    pandas.DataFrame
        :data:`OUTCOME_COLUMNS`: ``All crime`` first, then each category; within one, outcome
        groups in :data:`GROUP_ORDER` and outcomes busiest first. ``share`` is of the
        category's crimes (0 to 1).
    """
    parts = []
    for cat in [ALL_CRIME, *categories]:
        sub = per_crime if cat == ALL_CRIME else per_crime[per_crime["category"] == cat]
        if not len(sub):
            continue
        counts = (
            sub.groupby(["outcome", "outcome_group"], observed=True)
            .size()
            .rename("count")
            .reset_index()
        )
        counts["_g"] = counts["outcome_group"].map({g: i for i, g in enumerate(GROUP_ORDER)})
        counts = counts.sort_values(["_g", "count", "outcome"], ascending=[True, False, True])
        counts["share"] = counts["count"] / len(sub)
        parts.append(counts.assign(category=cat))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in OUTCOME_COLUMNS})
    out = pd.concat(parts, ignore_index=True)[OUTCOME_COLUMNS]
    return out.astype({"category": "string", "outcome": "string", "outcome_group": "string"})


def _group_counts(per_crime: pd.DataFrame) -> pd.Series:
    return per_crime["outcome_group"].value_counts().reindex(GROUP_ORDER, fill_value=0)


def group_table(per_crime: pd.DataFrame, force: pd.DataFrame | None = None) -> pd.DataFrame:
    """Crimes by outcome group, the area's against its force's.

    Parameters
    ----------
    per_crime : pandas.DataFrame
        The area's crimes, from :func:`crime_outcomes`.
    force : pandas.DataFrame, optional
        The force's crimes, the same way.

    Returns
    -------
    pandas.DataFrame
        :data:`GROUP_COLUMNS`, one row per group of :data:`GROUP_ORDER` that either holds a
        crime; ``force_count`` and ``force_share`` missing without ``force``.
    """
    area = _group_counts(per_crime)
    out = pd.DataFrame({"outcome_group": GROUP_ORDER, "count": area.to_numpy()})
    out["share"] = out["count"] / len(per_crime) if len(per_crime) else float("nan")
    if force is not None and len(force):
        f = _group_counts(force)
        out["force_count"] = pd.array(f.to_numpy(), dtype="Int64")
        out["force_share"] = out["force_count"].astype("Float64") / len(force)
    else:
        out["force_count"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["force_share"] = pd.array([pd.NA] * len(out), dtype="Float64")
    keep = (out["count"] > 0) | (out["force_count"].fillna(0) > 0)
    return out[keep].reset_index(drop=True).astype({"outcome_group": "string"})


def outcomes_by_month(per_crime: pd.DataFrame) -> pd.DataFrame:
    """How many of each month's crimes are still open: the immaturity of recent outcomes.

    Parameters
    ----------
    per_crime : pandas.DataFrame
        From :func:`crime_outcomes`.

    Returns
    -------
    pandas.DataFrame
        :data:`MONTH_COLUMNS`, oldest month first: ``crimes`` recorded in the month, ``open``
        (still under investigation or awaiting court), ``open_share`` and
        ``status_not_known``.
    """
    g = per_crime.groupby("month", observed=True)["outcome_group"]
    out = pd.DataFrame(
        {
            "crimes": g.size(),
            "open": g.apply(lambda s: int((s == OPEN).sum())),
            "status_not_known": g.apply(lambda s: int((s == UNKNOWN).sum())),
        }
    ).reset_index()
    out["open_share"] = out["open"] / out["crimes"]
    return out.sort_values("month").reset_index(drop=True)[MONTH_COLUMNS]
