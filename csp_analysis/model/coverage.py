"""An area's series: which source each kind comes from, what it covers, the zero-filled counts.

A mixin of :class:`~csp_analysis.model.Dataset` (it uses the dataset's ``counts``,
``coverage``, ``cmap`` and ``area_force``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from csp_analysis.categories import ALL_CRIME, UNALLOCATED
from csp_analysis.exceptions import DataError
from csp_analysis.model.schema import SOURCE_PRIORITY, months_of_period
from csp_analysis.names import area_key
from csp_analysis.periods import financial_year_of_period, period_kind

if TYPE_CHECKING:
    from csp_analysis.categories import CategoryMap


class AreaSeries:
    """Queries of one area's counts by source, kind and period (see :class:`Dataset`)."""

    counts: pd.DataFrame
    coverage: pd.DataFrame
    cmap: CategoryMap
    area_force: dict[str, str]

    def source_for(self, area: str, kind: str) -> str | None:
        """The source used for an area's categories of one kind (first in SOURCE_PRIORITY).

        One source is used per area and kind so that counts from different systems are never
        added together.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.
        kind : str
            Kind of report category: ``crime``, ``asb`` or ``flag`` (domestic abuse, hate
            crime).

        Returns
        -------
        str or None
            ``tidy``, ``police_uk`` or ``home_office`` (see ``SOURCE_LABELS``): the first
            source in ``SOURCE_PRIORITY`` with any count of that kind for the area. ``None``
            when no source has any, e.g. ``flag`` for data without flagged counts.

        Examples
        --------
        >>> from csp_analysis.model import load
        >>> ds = load()
        >>> ds.source_for("Elderbrook", "crime"), ds.source_for("Elderbrook", "flag")
        ('police_uk', 'tidy')
        >>> ds.source_for("Greywater", "flag") is None  # the demo flags Elderbrook's crimes only
        True
        """
        cats = set(self.cmap.of_kind(kind))
        if kind == "crime":
            cats.add(ALL_CRIME)  # a total given directly is crime of its source
        rows = self._area_rows(area)
        present = set(rows.loc[rows["category"].isin(cats), "source"])
        chosen = getattr(self, "scheme", None)
        if kind == "crime" and chosen:
            preferred = [s for s in SOURCE_PRIORITY if s in present]
            match = [s for s in preferred if self.scheme_of(area, s) == chosen]
            if match:
                return match[0]
        return next((s for s in SOURCE_PRIORITY if s in present), None)

    def scheme_of(self, area: str, source: str) -> str:
        """The category scheme of an area's crime counts from one source.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.
        source : str
            ``tidy``, ``police_uk`` or ``home_office``.

        Returns
        -------
        str
            ``own`` for a tidy table holding the partnership's own categories (or only a
            total), ``home_office`` for counts by Home Office offence group, else
            ``police_uk`` (police.uk crime types, however the source labelled them).

        Examples
        --------
        >>> from csp_analysis.model import load
        >>> load().scheme_of("Elderbrook", "police_uk")
        'police_uk'
        """
        if source == "police_uk":
            return "police_uk"
        rows = self._area_rows(area)
        cats = set(rows.loc[rows["source"] == source, "category"])
        schemes = {self.cmap.scheme(c) for c in cats if self.cmap.kind_or_none(c) == "crime"}
        if "home_office" in schemes:
            return "home_office"
        if source == "tidy" and ("own" in schemes or (ALL_CRIME in cats and not schemes)):
            return "own"
        return "home_office" if source == "home_office" and not schemes else "police_uk"

    def schemes_of(self, area: str) -> dict[str, str]:
        """The category schemes an area's crime counts are given in, with their source.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.

        Returns
        -------
        dict of str to str
            Scheme (``police_uk``, ``home_office``, ``own``) -> the source giving it (the
            first in ``SOURCE_PRIORITY`` when two give one scheme).
        """
        cats = set(self.cmap.of_kind("crime")) | {ALL_CRIME}
        rows = self._area_rows(area)
        present = set(rows.loc[rows["category"].isin(cats), "source"])
        out: dict[str, str] = {}
        for s in SOURCE_PRIORITY:
            if s in present:
                out.setdefault(self.scheme_of(area, s), s)
        # Home Office offences kept by offence (``Dataset.offences``) give the offence groups
        offences = getattr(self, "offences", None)
        if offences is not None and len(offences):
            keys = offences["area"].astype("string").map(area_key, na_action="ignore")
            if (keys == area_key(area)).fillna(False).any():
                out.setdefault("home_office", "home_office")
        return out

    def total_checks(self, area: str) -> pd.DataFrame:
        """Totals given directly for an area, checked against the categories given beside them.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.

        Returns
        -------
        pandas.DataFrame
            ``period, total, categories, unallocated, note``: one row per period of the
            area's crime source with a total given (``categories`` missing when none was
            given beside it); ``unallocated`` is the total less the categories (the
            ``Unallocated`` row of the series), missing where the categories add up to more
            than the total (then the total is not used, and the note says so).
        """
        self.area_counts(area)
        return self.__dict__["_total_checks"][area].copy()

    def covered_periods(self, area: str, source: str, kind: str = "crime") -> list[str]:
        """Periods a source covers for an area's categories of one kind.

        A police.uk file covers its whole force for its month (every crime type and ASB), but a
        file clearly filtered to a few crime types covers only those (see
        :func:`csp_analysis.ingest.police_uk.read_police_uk`). Other sources cover a period
        for a kind only where they have rows of that kind for the area: a tidy extract with
        only ASB rows for May says nothing about crime in May.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.
        source : str
            ``tidy``, ``police_uk`` or ``home_office``, usually :meth:`source_for` the kind.
        kind : str, default "crime"
            ``crime``, ``asb`` or ``flag``.

        Returns
        -------
        list of str
            Canonical periods as the source gives them (months ``2018-04``, quarters
            ``2018/19 Q1`` or financial years ``2018/19``), sorted as text, each once. A
            period not listed is missing for this source, not zero; empty when the source
            covers nothing for the area.
        """
        if source == "police_uk":
            cov = self._police_cover(area)
            cats = set(self.cmap.of_kind(kind))
            periods = cov.loc[cov["category"].isna() | cov["category"].isin(cats), "period"]
        else:
            cats = set(self.cmap.of_kind(kind))
            if kind == "crime":
                cats.add(ALL_CRIME)
            c = self._area_rows(area)
            periods = c.loc[(c["source"] == source) & c["category"].isin(cats), "period"]
        return sorted(periods.unique())

    def _police_cover(self, area: str) -> pd.DataFrame:
        """``period, category`` the area's force's police.uk files cover (category missing:
        every category)."""
        cov = self.coverage[self.coverage["source"] == "police_uk"]
        cov = cov[(cov["force"] == self.area_force.get(area)).fillna(False).to_numpy(dtype=bool)]
        category = cov["category"].to_numpy() if "category" in cov.columns else pd.NA
        out = pd.DataFrame({"period": cov["period"].to_numpy(), "category": category})
        out = out.astype("string")
        # A month one file covers whole is whole, whatever a filtered file adds.
        whole = set(out.loc[out["category"].isna(), "period"])
        return out[out["category"].isna() | ~out["period"].isin(whole)].drop_duplicates()

    def covered_months(self, area: str, source: str, kind: str = "crime") -> list[str]:
        """Calendar months that a source covers for an area's categories of one kind.

        :meth:`covered_periods` with each quarter or financial year expanded to its months.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.
        source : str
            ``tidy``, ``police_uk`` or ``home_office``.
        kind : str, default "crime"
            ``crime``, ``asb`` or ``flag`` (ignored for ``police_uk``).

        Returns
        -------
        list of str
            Months as ``YYYY-MM``, oldest first, each once. A month not listed is missing,
            never zero.

        Examples
        --------
        >>> from csp_analysis.model import load
        >>> months = load().covered_months("Elderbrook", "police_uk")
        >>> months[0], months[-1], len(months)
        ('2022-04', '2026-03', 48)
        """
        periods = self.covered_periods(area, source, kind)
        return sorted({m for p in periods for m in months_of_period(p)})

    def area_counts(self, area: str) -> pd.DataFrame:
        """An area's counts by period and category, zero-filled over covered periods.

        Each kind (crime, anti-social behaviour, flags) comes from one source only
        (:meth:`source_for`); police.uk counts are those of the area's own force only
        (:attr:`area_force`: records other forces made in its LSOAs are in their figures,
        see :meth:`other_force_counts`), over the months that force's files cover. A
        police.uk source lists every category of the kind (only those of a file clearly
        filtered to a few crime types); another source lists a category only in the financial
        years it has any row of it, at that granularity (a category absent from a year's
        extract is missing there, not zero; a yearly figure does not make its months 0).

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas` (see :meth:`resolve_area`).

        Returns
        -------
        pandas.DataFrame
            ``period, category, kind, count, source``. A category with no rows in a period
            its source covers is 0; periods the source does not cover are absent (missing).
            ``count`` is a whole number of crimes or incidents (int64); periods are as the
            source gives them (months, quarters or financial years). A fresh copy each call.

        Raises
        ------
        DataError
            If the area has no counts of any kind.

        Examples
        --------
        >>> from csp_analysis.model import load
        >>> counts = load().area_counts("Elderbrook")
        >>> list(counts.columns)
        ['period', 'category', 'kind', 'count', 'source']
        """
        memo = self.__dict__.setdefault("_area_counts_memo", {})
        if area not in memo:
            memo[area] = self._area_counts(area)
        return memo[area].copy()

    def _area_rows(self, area: str) -> pd.DataFrame:
        """The rows of :attr:`counts` that make one area's series (split once, then looked up).

        police.uk rows count for an area only when made by the area's own force (as Home
        Office recorded crime counts the crimes a force recorded): records another force made
        in the area's LSOAs are in that force's figures (see :meth:`other_force_counts`).
        """
        memo = self.__dict__.setdefault("_series_rows", {})
        if area not in memo:
            if "_rows_by_area" not in self.__dict__:
                groups = self.counts.groupby("area", sort=False)
                self._rows_by_area = {str(k): g for k, g in groups}
            rows = self._rows_by_area.get(area, self.counts.iloc[:0])
            own = self.area_force.get(area)
            other = (rows["source"] == "police_uk") & (rows["force"] != own)
            memo[area] = (
                rows[~other.fillna(True).to_numpy(dtype=bool)]
                if own
                else rows[(rows["source"] != "police_uk").to_numpy(dtype=bool)]
            )
        return memo[area]

    def other_force_counts(self, area: str) -> pd.DataFrame:
        """police.uk records other forces made in an area's LSOAs, by force.

        An area's police.uk series uses only its own force's records (:meth:`area_counts`);
        these records stay in :attr:`counts` under the force that made them, part of that
        force's figures, and the area's data-quality table says how many there were.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.

        Returns
        -------
        pandas.DataFrame
            ``force, count``: one row per other force with records in the area, most first
            (ties by name); empty when there are none or the area's force is not known.

        Examples
        --------
        >>> from csp_analysis.model import load
        >>> len(load().other_force_counts("Elderbrook"))
        0
        """
        own = self.area_force.get(area)
        c = self.counts
        mine = (c["area"] == area) & (c["source"] == "police_uk") & (c["force"] != own)
        rows = c[mine.fillna(False).to_numpy(dtype=bool)] if own else c.iloc[:0]
        out = rows.groupby("force", sort=False)["count"].sum().astype("int64").reset_index()
        out = out.sort_values(["count", "force"], ascending=[False, True])
        return out.astype({"force": "string"}).reset_index(drop=True)[["force", "count"]]

    def _area_counts(self, area: str) -> pd.DataFrame:
        parts = []
        checks = self.__dict__.setdefault("_total_checks", {})
        checks[area] = pd.DataFrame(
            {
                "period": pd.Series(dtype="string"),
                "total": pd.Series(dtype="Int64"),
                "categories": pd.Series(dtype="Int64"),
                "unallocated": pd.Series(dtype="Int64"),
                "note": pd.Series(dtype="string"),
            }
        )
        for kind in ("crime", "asb", "flag"):
            source = self.source_for(area, kind)
            if source is None:
                continue
            # police.uk records list only the crime types of their own scheme; a Home Office
            # table giving offence groups is read in that scheme (never beside the police.uk
            # types it may also be mapped to: one scheme per series, nothing counted twice)
            scheme = {"police_uk": "police_uk", "home_office": None}.get(source)
            if source == "home_office" and self.scheme_of(area, source) == "home_office":
                scheme = "home_office"
            cats = self.cmap.of_kind(kind, scheme)
            rows = self._area_rows(area)
            sub = rows[(rows["source"] == source) & rows["category"].isin(cats)]
            periods = self.covered_periods(area, source, kind)
            if source == "police_uk":
                cover = self._police_cover(area)
                pairs = [
                    (p, c)
                    for p, listed in zip(cover["period"], cover["category"], strict=True)
                    for c in (cats if pd.isna(listed) else [listed])
                    if c in cats
                ]
            else:
                # A category is listed in the periods of a financial year (of one granularity)
                # in which the source gives it at all: absent from a year's extract, it is
                # missing there, not 0; a yearly figure never makes its months 0.
                def slot(p: str) -> tuple[str, str]:
                    return financial_year_of_period(p), period_kind(p)

                given = {(*slot(p), c) for p, c in zip(sub["period"], sub["category"], strict=True)}
                pairs = [(p, c) for p in periods for c in cats if (*slot(p), c) in given]
            order = {c: i for i, c in enumerate(cats)}
            pairs = sorted(set(pairs), key=lambda pc: (pc[0], order[pc[1]]))
            grid = pd.MultiIndex.from_arrays(
                [[p for p, _ in pairs], [c for _, c in pairs]], names=["period", "category"]
            )
            summed = sub.groupby(["period", "category"])["count"].sum()
            filled = summed.reindex(grid, fill_value=0).rename("count").reset_index()
            filled["kind"] = kind
            filled["source"] = source
            if kind == "crime":
                totals = rows[(rows["source"] == source) & (rows["category"] == ALL_CRIME)]
                filled, checks[area] = _allocate_totals(filled, totals, self.cmap)
            parts.append(filled)
        if not parts:
            raise DataError(f"area '{area}' has no usable counts")
        out = pd.concat(parts, ignore_index=True)
        out = out.astype(
            {"period": "string", "category": "string", "kind": "string", "source": "string"}
        )
        return out[["period", "category", "kind", "count", "source"]]


def _allocate_totals(
    filled: pd.DataFrame, totals: pd.DataFrame, cmap: CategoryMap
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An area's crime series with the totals given directly allocated, and the checks.

    A total is All crime for its period. Where categories are given for the same period, the
    total is checked against their sum: what the categories leave over is the
    ``Unallocated`` row (0 in the periods where nothing is left over, when another period has
    a remainder), so All crime, the sum of the crime rows, is the total given and nothing is
    counted twice. A period given only as a total is all unallocated. Where the categories add
    up to more than the total (they overlap, or the total is short), the total is not used and
    the check says so: never silently replaced. A category declared part of another that is
    given too becomes kind ``part`` (shown, never added again into All crime).
    """
    present = set(filled["category"])
    part = filled["category"].map(lambda c: cmap.parent(c) in present and cmap.parent(c) != "")
    filled = filled.assign(kind=filled["kind"].mask(part.astype(bool), "part"))
    rows: list[dict] = []
    if not len(totals):
        return filled, pd.DataFrame(
            {
                "period": pd.Series(dtype="string"),
                "total": pd.Series(dtype="Int64"),
                "categories": pd.Series(dtype="Int64"),
                "unallocated": pd.Series(dtype="Int64"),
                "note": pd.Series(dtype="string"),
            }
        )
    given = filled[filled["kind"] == "crime"].groupby("period")["count"].sum()
    remainder = {}
    for period, total in totals.groupby("period")["count"].sum().items():
        total = int(total)
        cats = int(given[period]) if period in given.index else None
        left = total - (cats or 0)
        if left < 0:
            note = (
                f"the categories add up to {cats:,}, more than the total given ({total:,}): "
                "the total is not used (categories overlapping, or a short total?)"
            )
            rows.append(
                {
                    "period": period,
                    "total": total,
                    "categories": cats,
                    "unallocated": None,
                    "note": note,
                }
            )
            continue
        remainder[str(period)] = left
        note = (
            "given only as a total"
            if cats is None
            else "the categories add up to the total"
            if left == 0
            else f"{left:,} of the total not given by category: shown as {UNALLOCATED}"
        )
        rows.append(
            {
                "period": period,
                "total": total,
                "categories": cats,
                "unallocated": left,
                "note": note,
            }
        )
    if any(v > 0 for v in remainder.values()):
        extra = pd.DataFrame(
            {
                "period": list(remainder),
                "category": UNALLOCATED,
                "count": list(remainder.values()),
                "kind": "crime",
                "source": filled["source"].iloc[0] if len(filled) else totals["source"].iloc[0],
            }
        )
        if not len(filled):
            filled = extra.astype({"count": "int64"})
        else:
            filled = pd.concat([filled, extra], ignore_index=True)
        filled = filled.sort_values("period", kind="stable").reset_index(drop=True)
    check = pd.DataFrame(rows, columns=["period", "total", "categories", "unallocated", "note"])
    return filled, check.astype(
        {
            "period": "string",
            "total": "Int64",
            "categories": "Int64",
            "unallocated": "Int64",
            "note": "string",
        }
    )
