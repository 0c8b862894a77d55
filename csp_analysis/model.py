"""The canonical model: one validated tidy table of counts and what it covers.

Files → :func:`csp_analysis.readers.read_folder` → :class:`Dataset`. Analyses read only the
dataset. Its main table, ``counts``, has the columns ``area, force, period, category, count,
source``; ``coverage`` says which periods each source covers, so a category with no rows in a
covered month is a true zero and a month no source covers is missing, never zero.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from csp_analysis.categories import ALL_CRIME, CategoryMap, load_category_map
from csp_analysis.exceptions import DataError, UsageError
from csp_analysis.periods import (
    financial_year_of_period,
    months_of_financial_year,
    months_of_quarter,
    period_kind,
)
from csp_analysis.readers import FileResult, read_folder

COUNT_COLUMNS = ["area", "force", "period", "category", "count", "source"]
SOURCE_PRIORITY = ("tidy", "police_uk", "home_office")
SOURCE_LABELS = {
    "tidy": "local tidy extract",
    "police_uk": "data.police.uk street-level records",
    "home_office": "Home Office police recorded crime tables",
}
MEMBER_SHARE = 0.05
SAVED_MARKER = "csp_dataset.json"
RECORD_FILES = "record_files.json"


def months_of_period(period: str) -> list[str]:
    """The calendar months a canonical period covers (1, 3 or 12)."""
    kind = period_kind(period)
    if kind == "month":
        return [period]
    if kind == "quarter":
        return months_of_quarter(period)
    return months_of_financial_year(period)


def _frame(parts: list[pd.DataFrame | None], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    return pd.concat(parts, ignore_index=True)


@dataclass
class Dataset:
    """Everything read from one data folder, validated and tidy.

    Attributes
    ----------
    counts : pandas.DataFrame
        ``area, force, period, category, count, source``: one row per area, period, report
        category and source. Periods are months (``2018-04``), Home Office quarters
        (``2018/19 Q1``) or financial years (``2018/19``).
    coverage : pandas.DataFrame
        ``force, area, period, source``: what each source covers. police.uk files cover whole
        force-months (``area`` missing); other sources cover area-periods.
    records : pandas.DataFrame
        Street-level records (police.uk) for places and hot spots: never published as rows.
        Read on first use (from the Parquet cache when the files came from it).
    population : pandas.DataFrame
        ``area, year, population, source`` (one row per area and year).
    small_area_population : pandas.DataFrame
        ``code, name, geography, year, population`` for LSOAs and wards.
    lookup : pandas.DataFrame
        ``area, force`` from a lookup file, when one is given.
    tables : dict of str to pandas.DataFrame
        Local tables by layout (``survey``, ``plan``, ``peers``, ``risk_scores``,
        ``indicators``), columns normalised, with ``source`` and ``line`` of each row.
    files : pandas.DataFrame
        One row per input file (or sheet): ``source, layout, rows_read, rows_used,
        rows_rejected, issue, notes`` (``notes``: how it was read, e.g. its encoding).
    problems : pandas.DataFrame
        ``source, line, column, message, rows, lines``: every rejected group of rows and file
        problem (``lines`` names the first five lines).
    rejected : pandas.DataFrame
        ``source, line, column, reason, rows``: the quarantine list, one row per rejected
        line (see ``csp-assess validate --quarantine``).
    synthetic : bool
        True when the files say they are synthetic demo data.
    name : str
        Display name of the data folder (its last part only: reports never show local paths).
    """

    counts: pd.DataFrame
    coverage: pd.DataFrame
    record_parts: list[pd.DataFrame | Path]
    population: pd.DataFrame
    small_area_population: pd.DataFrame
    lookup: pd.DataFrame
    files: pd.DataFrame
    problems: pd.DataFrame
    rejected: pd.DataFrame = field(default_factory=lambda: _rejected_rows([]))
    synthetic: bool = False
    name: str = ""
    cmap: CategoryMap = field(default_factory=load_category_map, repr=False)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_results(
        cls, results: list[FileResult], cmap: CategoryMap, name: str = ""
    ) -> Dataset:
        """Assemble file results into one dataset (see :func:`load`).

        Counts that share ``area, force, period, category, source`` are summed (so two files
        of one source for different months add up); rows of a police.uk force-month that an
        earlier file already gave, and tidy or Home Office rows whose area, period and
        category an earlier file already gave, are rejected naming that file (listed in
        ``files`` and ``problems``), never counted twice; the file's other rows are used.
        Population keeps the first value read for each area and year. Counts of different
        sources are kept apart (see :meth:`source_for`).

        Parameters
        ----------
        results : list of FileResult
            One result per file or sheet, as :func:`csp_analysis.readers.read_folder` gives
            them (in file-name order: it decides which population row wins).
        cmap : CategoryMap
            The report categories the readers mapped to; kept on the dataset.
        name : str, default ""
            Display name of the data (the folder's last part, never a full local path).

        Returns
        -------
        Dataset
            ``counts`` with whole-number ``count`` (int64) and text columns as ``string``;
            empty tables, with their columns, where no file gave that part.
        """
        results = _drop_duplicate_counts(_drop_duplicate_police_files(results))
        counts = _frame([r.counts for r in results], COUNT_COLUMNS)
        if len(counts):
            counts = (
                counts.astype({c: "string" for c in COUNT_COLUMNS if c != "count"})
                .groupby(["area", "force", "period", "category", "source"], dropna=False)[
                    "count"
                ]
                .sum()
                .astype("int64")
                .reset_index()[COUNT_COLUMNS]
            )
        coverage = _frame([r.coverage for r in results], ["force", "area", "period", "source"])
        coverage = coverage.astype("string").drop_duplicates().reset_index(drop=True)
        population = _population([r.population for r in results])
        small = _frame([r.small_area_population for r in results],
                       ["code", "name", "geography", "year", "population"])  # fmt: skip
        lookup = _frame([r.lookup for r in results], ["area", "force"]).drop_duplicates()
        record_parts: list[pd.DataFrame | Path] = [
            r.records if r.records is not None else r.records_file
            for r in results
            if (r.records is not None and len(r.records)) or r.records_file is not None
        ]
        files = pd.DataFrame(
            {
                "source": [r.source for r in results],
                "layout": [r.layout for r in results],
                "rows_read": [r.rows_read for r in results],
                "rows_used": [r.rows_used for r in results],
                "rows_rejected": [r.rows_rejected for r in results],
                "issue": [r.issue for r in results],
                "notes": ["; ".join(r.notes) for r in results],
            }
        )
        problems = pd.DataFrame(
            [vars(p) for r in results for p in r.problems],
            columns=["source", "line", "column", "message", "rows", "lines"],
        )
        rejected = _rejected_rows(results)
        tables: dict[str, pd.DataFrame] = {}
        for r in results:
            for key, table in r.tables.items():
                tables[key] = pd.concat([tables[key], table], ignore_index=True) \
                    if key in tables else table
        return cls(
            counts=counts, coverage=coverage, record_parts=record_parts, population=population,
            small_area_population=small, lookup=lookup, files=files, problems=problems,
            rejected=rejected,
            synthetic=any(r.synthetic for r in results), name=name, cmap=cmap, tables=tables,
        )  # fmt: skip

    @property
    def records(self) -> pd.DataFrame:
        """Street-level records of every police.uk file, read on first use.

        Text columns are categoricals (one shared set of labels per column), so a national
        year of records fits in memory.
        """
        if not hasattr(self, "_records"):
            parts = [p if isinstance(p, pd.DataFrame) else pd.read_parquet(p)
                     for p in self.record_parts]  # fmt: skip
            self._records = concat_records(parts)
        return self._records

    def records_of(self, area: str) -> pd.DataFrame:
        """Street-level records of one partnership area, read on their own.

        Only the area's rows are read from the Parquet files (a national year's records are
        never loaded to draw one area's hot spots); with records already in memory, a filter.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.

        Returns
        -------
        pandas.DataFrame
            The columns of :attr:`records`, the area's rows only (none: an empty table).

        Examples
        --------
        >>> rec = load().records_of("Elderbrook")
        >>> set(rec["area"].astype(str))
        {'Elderbrook'}
        """
        memo = self.__dict__.setdefault("_records_of", {})
        if area not in memo:
            if "_records" in self.__dict__:
                rec = self._records
                parts = [rec[(rec["area"].astype("string") == area).fillna(False)]]
            else:
                parts = [p[(p["area"].astype("string") == area).fillna(False)]
                         if isinstance(p, pd.DataFrame)
                         else pd.read_parquet(p, filters=[("area", "==", area)])
                         for p in self.record_parts]  # fmt: skip
            out = concat_records(parts)
            for c in out.columns:
                if isinstance(out[c].dtype, pd.CategoricalDtype):
                    out[c] = out[c].cat.remove_unused_categories()
            memo[area] = out.reset_index(drop=True)
        return memo[area]

    # ------------------------------------------------------------------ areas and forces
    @property
    def area_force(self) -> dict[str, str]:
        """The police force of each partnership area.

        A lookup file decides where given. Otherwise the force whose data holds most of the
        area's counts; for police.uk data an area counts as one of the force's partnerships
        only if it holds at least 5% as many records as the force's largest partnership (so a
        handful of cross-border records does not make Havering an Essex partnership).
        """
        if hasattr(self, "_area_force"):
            return self._area_force
        out: dict[str, str] = {}
        if len(self.counts):
            by = self.counts[self.counts["force"].fillna("") != ""]
            tot = by.groupby(["area", "force"])["count"].sum().reset_index()
            best = tot.sort_values(["area", "count", "force"], ascending=[True, False, True])
            best = best.drop_duplicates("area")
            police = set(self.counts.loc[self.counts["source"] == "police_uk", "area"])
            force_max = best.groupby("force")["count"].max()
            for row in best.itertuples():
                if row.area in police and row.count < MEMBER_SHARE * force_max[row.force]:
                    continue
                out[str(row.area)] = str(row.force)
        for row in self.lookup.itertuples():
            out[str(row.area)] = str(row.force)
        self._area_force = out
        return out

    @property
    def areas(self) -> list[str]:
        """Partnership areas with data (police.uk areas with only stray records excluded)."""
        if not hasattr(self, "_areas"):
            non_police = set(self.counts.loc[self.counts["source"] != "police_uk", "area"])
            present = set(self.counts["area"])
            members = {a for a in self.area_force if a in present}
            self._areas = sorted(members | non_police)
        return list(self._areas)

    @property
    def forces(self) -> list[str]:
        """Police forces named in the data."""
        return sorted(set(self.area_force.values()))

    def areas_of_force(self, force: str) -> list[str]:
        """The partnership areas of one force.

        Parameters
        ----------
        force : str
            The force's name exactly as in :attr:`forces` (case matters).

        Returns
        -------
        list of str
            Areas assigned to the force by :attr:`area_force` that are also in :attr:`areas`,
            alphabetical; empty for a force not in the data.

        Examples
        --------
        >>> load().areas_of_force("Wessmoor Constabulary")[:3]
        ['Ashgrove Vale', 'Brindlemoor', 'Corrigan Bay']
        """
        areas = set(self.areas)
        return sorted(a for a, f in self.area_force.items() if f == force and a in areas)

    @property
    def categories(self) -> list[str]:
        """Report categories present in the data, in report order."""
        present = set(self.counts["category"])
        return [c for c in self.cmap.order if c in present]

    def financial_years(self, area: str | None = None) -> list[str]:
        """Financial years with any data (for one area, if given), oldest first.

        A year is listed when any count of any source and kind falls in it, however few
        months it covers: see :func:`csp_analysis.analyses.periods.complete_years` for the
        years with all twelve months.

        Parameters
        ----------
        area : str, optional
            Partnership area, spelled exactly as in :attr:`areas`; default every area.

        Returns
        -------
        list of str
            Financial years as ``YYYY/YY`` (April to March); empty for an area not in the
            data.

        Examples
        --------
        >>> load().financial_years("Elderbrook")
        ['2022/23', '2023/24', '2024/25', '2025/26']
        """
        counts = self.counts if area is None else self.counts[self.counts["area"] == area]
        return sorted({financial_year_of_period(p) for p in counts["period"].unique()})

    def resolve_area(self, name: str | None) -> str:
        """Return the area called ``name`` (any case), or refuse naming what exists.

        Parameters
        ----------
        name : str or None
            Area name as a user typed it: case and surrounding spaces are ignored. ``None``
            picks the only area when the data hold exactly one.

        Returns
        -------
        str
            The area's name spelled as in :attr:`areas`.

        Raises
        ------
        UsageError
            With the areas that exist and the closest match; also when ``name`` is ``None``
            and several areas have data.
        DataError
            If no partnership area has usable counts at all.

        Examples
        --------
        >>> load().resolve_area("  elderbrook ")
        'Elderbrook'
        """
        areas = self.areas
        if not areas:
            raise DataError("no partnership area has usable counts in this data folder")
        if name is None:
            if len(areas) == 1:
                return areas[0]
            raise UsageError(f"several areas have data; choose one with --area: {_list(areas)}")
        by_fold = {a.casefold(): a for a in areas}
        if name.strip().casefold() in by_fold:
            return by_fold[name.strip().casefold()]
        close = difflib.get_close_matches(name, areas, n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"area '{name}' is not in the data.{hint} Areas: {_list(areas)}")

    def resolve_force(self, name: str) -> str:
        """Return the police force called ``name`` (any case), or refuse naming those that exist.

        Parameters
        ----------
        name : str
            A force name as the user typed it, e.g. ``"essex police"``.

        Returns
        -------
        str
            The force spelled as in the data.

        Raises
        ------
        UsageError
            With the forces in the data and the closest match.

        Examples
        --------
        >>> load().resolve_force("WESSMOOR constabulary")
        'Wessmoor Constabulary'
        """
        by_fold = {f.casefold(): f for f in self.forces}
        key = str(name).strip().casefold()
        if key in by_fold:
            return by_fold[key]
        close = difflib.get_close_matches(str(name), self.forces, n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"force '{name}' is not in the data.{hint} "
                         f"Forces: {', '.join(self.forces)}")  # fmt: skip

    def resolve_category(self, name: str) -> str:
        """Return the report category (or All crime) called ``name`` (any case), or refuse.

        Parameters
        ----------
        name : str
            Category name as a user typed it: case and surrounding spaces are ignored. Only
            All crime and the categories present in the data (:attr:`categories`, including
            anti-social behaviour and flags such as domestic abuse when the data have them)
            are accepted.

        Returns
        -------
        str
            The category spelled as in the reference categories (``All crime`` for All crime).

        Raises
        ------
        UsageError
            With the categories that exist and the closest match.

        Examples
        --------
        >>> load().resolve_category("ANTI-SOCIAL BEHAVIOUR")
        'Anti-social behaviour'
        """
        known = [ALL_CRIME, *self.categories]
        by_fold = {c.casefold(): c for c in known}
        if name.strip().casefold() in by_fold:
            return by_fold[name.strip().casefold()]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"category '{name}' is not in the data.{hint} "
                         f"Categories: {', '.join(known)}")  # fmt: skip

    # ------------------------------------------------------------------ an area's series
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
        >>> ds = load()
        >>> ds.source_for("Elderbrook", "crime"), ds.source_for("Elderbrook", "flag")
        ('police_uk', None)
        """
        cats = set(self.cmap.of_kind(kind))
        rows = self._area_rows(area)
        present = set(rows.loc[rows["category"].isin(cats), "source"])
        return next((s for s in SOURCE_PRIORITY if s in present), None)

    def covered_periods(self, area: str, source: str, kind: str = "crime") -> list[str]:
        """Periods a source covers for an area's categories of one kind.

        A police.uk file covers its whole force for its month (every crime type and ASB).
        Other sources cover a period for a kind only where they have rows of that kind for the
        area: a tidy extract with only ASB rows for May says nothing about crime in May.

        Parameters
        ----------
        area : str
            Partnership area, spelled exactly as in :attr:`areas`.
        source : str
            ``tidy``, ``police_uk`` or ``home_office``, usually :meth:`source_for` the kind.
        kind : str, default "crime"
            ``crime``, ``asb`` or ``flag``; not used for ``police_uk``, whose files cover
            every kind.

        Returns
        -------
        list of str
            Canonical periods as the source gives them (months ``2018-04``, quarters
            ``2018/19 Q1`` or financial years ``2018/19``), sorted as text, each once. A
            period not listed is missing for this source, not zero; empty when the source
            covers nothing for the area.
        """
        if source == "police_uk":
            cov = self.coverage[self.coverage["source"] == source]
            periods = cov.loc[cov["force"] == self.area_force.get(area), "period"]
        else:
            cats = set(self.cmap.of_kind(kind))
            c = self._area_rows(area)
            periods = c.loc[(c["source"] == source) & c["category"].isin(cats), "period"]
        return sorted(periods.unique())

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
        >>> months = load().covered_months("Elderbrook", "police_uk")
        >>> months[0], months[-1], len(months)
        ('2022-04', '2026-03', 48)
        """
        periods = self.covered_periods(area, source, kind)
        return sorted({m for p in periods for m in months_of_period(p)})

    def area_counts(self, area: str) -> pd.DataFrame:
        """An area's counts by period and category, zero-filled over covered periods.

        Each kind (crime, anti-social behaviour, flags) comes from one source only
        (:meth:`source_for`). A police.uk source lists every category of the kind; another
        source lists only the categories it has any row for (a category it never reports is
        absent, not zero).

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
        >>> counts = load().area_counts("Elderbrook")
        >>> list(counts.columns)
        ['period', 'category', 'kind', 'count', 'source']
        """
        memo = self.__dict__.setdefault("_area_counts_memo", {})
        if area not in memo:
            memo[area] = self._area_counts(area)
        return memo[area].copy()

    def _area_rows(self, area: str) -> pd.DataFrame:
        """The rows of :attr:`counts` for one area (split once, then looked up)."""
        if "_rows_by_area" not in self.__dict__:
            self._rows_by_area = {str(k): g for k, g in self.counts.groupby("area", sort=False)}
        empty = self.counts.iloc[:0]
        return self._rows_by_area.get(area, empty)

    def _area_counts(self, area: str) -> pd.DataFrame:
        parts = []
        for kind in ("crime", "asb", "flag"):
            source = self.source_for(area, kind)
            if source is None:
                continue
            cats = self.cmap.of_kind(kind)
            rows = self._area_rows(area)
            sub = rows[(rows["source"] == source) & rows["category"].isin(cats)]
            periods = self.covered_periods(area, source, kind)
            if source == "police_uk":
                present_cats = cats
            else:
                present_cats = [c for c in cats if c in set(sub["category"])]
            grid = pd.MultiIndex.from_product([periods, present_cats],
                                              names=["period", "category"])  # fmt: skip
            summed = sub.groupby(["period", "category"])["count"].sum()
            filled = summed.reindex(grid, fill_value=0).rename("count").reset_index()
            filled["kind"] = kind
            filled["source"] = source
            parts.append(filled)
        if not parts:
            raise DataError(f"area '{area}' has no usable counts")
        out = pd.concat(parts, ignore_index=True)
        out = out.astype({"period": "string", "category": "string", "kind": "string",
                          "source": "string"})  # fmt: skip
        return out[["period", "category", "kind", "count", "source"]]

    def population_of(self, area: str, year: int) -> tuple[int | None, str]:
        """Population of an area for a mid-year, with a note of what was used.

        Uses the exact year when present, otherwise the nearest year (the earlier one when two
        are as near), and says so. Returns ``(None, reason)`` when none is known.

        Parameters
        ----------
        area : str
            Partnership area; matched ignoring case.
        year : int
            Calendar year of the mid-year (30 June) estimate wanted, e.g. ``2025``. For a
            financial year use its first year (2025 for 2025/26), as :func:`assess` does.

        Returns
        -------
        population : int or None
            Resident population (persons) from the ``population`` table; ``None`` when the
            area has no population rows at all (rates per 1,000 are then left missing).
        note : str
            Where the figure came from, for the report: the source and mid-year, with
            "(nearest available to mid-YYYY)" when another year was used, or
            ``"no population for <area>"``.

        Examples
        --------
        >>> load().population_of("Elderbrook", 2030)
        (96174, 'Synthetic demo population 2025 (nearest available to mid-2030)')
        """
        pop = self.population[self.population["area"].str.casefold() == area.casefold()]
        if not len(pop):
            return None, f"no population for {area}"
        exact = pop[pop["year"] == year]
        if len(exact):
            row = exact.iloc[0]
            return int(row["population"]), f"{row['source']}, mid-{year}"
        ranked = pop.assign(_d=(pop["year"] - year).abs()).sort_values(["_d", "year"])
        row = ranked.iloc[0]
        label = str(row["source"])
        if str(int(row["year"])) not in label:
            label += f" {int(row['year'])}"
        return int(row["population"]), f"{label} (nearest available to mid-{year})"

    # ------------------------------------------------------------------ persistence
    def save(
        self, folder: str | Path, areas: list[str] | None = None, link_records: bool = False
    ) -> Path:
        """Write the dataset to a folder of Parquet files (read back by :func:`load`).

        Parameters
        ----------
        folder : str or Path
            Where to write (created if needed).
        areas : list of str, optional
            Keep only these areas' street-level records (the counts of every area are kept,
            for comparisons); default all records.
        link_records : bool, default False
            Where every record table is already a Parquet file (from the cache), name those
            files instead of copying the records (used by the cache, whose entries outlive
            the saved dataset's reads).

        Returns
        -------
        Path
            The folder.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("counts", "coverage", "population", "small_area_population",
                     "lookup", "files", "problems", "rejected"):  # fmt: skip
            getattr(self, name).to_parquet(folder / f"{name}.parquet", index=False)
        linked = [str(x) for x in self.record_parts if isinstance(x, Path)]
        if link_records and areas is None and len(linked) == len(self.record_parts):
            # Records stay in the per-file cache entries; the saved dataset names them.
            (folder / RECORD_FILES).write_text(json.dumps(linked))
            records = None
        else:
            records = self.records
        if records is None:
            pass
        elif areas is not None and len(records):
            keep = records["area"].astype("string").isin(areas).fillna(False).astype(bool)
            records = records[keep].reset_index(drop=True)
            for c in records.columns:
                if isinstance(records[c].dtype, pd.CategoricalDtype):
                    records[c] = records[c].cat.remove_unused_categories()
        if records is not None:
            records.to_parquet(folder / "records.parquet", index=False)
        for key, table in self.tables.items():
            table.to_parquet(folder / f"table_{key}.parquet", index=False)
        meta = {"synthetic": self.synthetic, "name": self.name, "tables": sorted(self.tables)}
        (folder / SAVED_MARKER).write_text(json.dumps(meta, indent=1))
        return folder

    @classmethod
    def read_saved(cls, folder: str | Path, cmap: CategoryMap | None = None) -> Dataset:
        """Read a dataset written by :meth:`save`.

        :func:`load` calls this for a folder holding ``csp_dataset.json``. The tables are
        read at once; street-level records are read from ``records.parquet`` on first use of
        :attr:`records`.

        Parameters
        ----------
        folder : str or Path
            The folder :meth:`save` wrote.
        cmap : CategoryMap, optional
            Report categories; default the built-in reference (``csp_analysis/reference``).

        Returns
        -------
        Dataset
            The same counts, coverage, population, lookup, files, problems, local tables,
            name and synthetic flag as were saved (records only for the areas kept).

        Raises
        ------
        FileNotFoundError
            If ``csp_dataset.json`` or one of the Parquet files is missing.
        """
        folder = Path(folder)
        meta = json.loads((folder / SAVED_MARKER).read_text())
        frames: dict = {
            n: pd.read_parquet(folder / f"{n}.parquet")
            for n in ("counts", "coverage", "population", "small_area_population",
                      "lookup", "files", "problems")  # fmt: skip
        }
        if (folder / "rejected.parquet").is_file():
            frames["rejected"] = pd.read_parquet(folder / "rejected.parquet")
        if (folder / RECORD_FILES).is_file():
            frames["record_parts"] = [Path(x) for x in
                                      json.loads((folder / RECORD_FILES).read_text())]
        else:
            frames["record_parts"] = [folder / "records.parquet"]
        tables = {k: pd.read_parquet(folder / f"table_{k}.parquet")
                  for k in meta.get("tables", [])}  # fmt: skip
        return cls(**frames, synthetic=meta["synthetic"], name=meta["name"],
                   cmap=cmap or load_category_map(), tables=tables)  # fmt: skip


def _rejected_rows(results: list[FileResult]) -> pd.DataFrame:
    """The quarantine list: one row per rejected line with its file, column and reason.

    Rows rejected as a group without line numbers (a file refused whole) are one row with
    ``line`` missing and ``rows`` the number of rows; a file that could not be read at all
    is one row with ``rows`` missing.
    """
    out: dict[str, list] = {"source": [], "line": [], "column": [], "reason": [], "rows": []}
    for r in results:
        for p in r.problems:
            if p.all_lines:
                n = len(p.all_lines)
                out["line"] += p.all_lines
                out["rows"] += [1] * n
            else:
                n = 1
                out["line"].append(p.line)
                out["rows"].append(p.rows if p.rows else None)
            out["source"] += [p.source] * n
            out["column"] += [p.column] * n
            out["reason"] += [p.message] * n
    frame = pd.DataFrame({
        "source": pd.Series(out["source"], dtype="string"),
        "line": pd.Series(out["line"], dtype="Int64"),
        "column": pd.Series(out["column"], dtype="string"),
        "reason": pd.Series(out["reason"], dtype="string"),
        "rows": pd.Series(out["rows"], dtype="Int64"),
    })
    order = {r.source: i for i, r in enumerate(results)}
    frame["_file"] = frame["source"].map(order)
    frame = frame.sort_values(["_file", "line"], kind="stable", na_position="first")
    return frame.drop(columns="_file").reset_index(drop=True)


def concat_records(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack street-level record tables, keeping text columns categorical.

    A plain :func:`pandas.concat` of categoricals with different labels falls back to
    strings; here the labels of each column are united first.

    Examples
    --------
    >>> a = pd.DataFrame({"area": pd.Categorical(["X"]), "n": [1.0]})
    >>> b = pd.DataFrame({"area": pd.Categorical(["Y"]), "n": [2.0]})
    >>> out = concat_records([a, b])
    >>> out["area"].tolist(), str(out["area"].dtype)
    (['X', 'Y'], 'category')
    """
    from pandas.api.types import union_categoricals

    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in RECORD_KEYS})
    columns = list(parts[0].columns)
    out = {}
    for c in columns:
        pieces = [p[c] if c in p.columns else pd.Series(pd.NA, index=p.index) for p in parts]
        if all(isinstance(x.dtype, pd.CategoricalDtype) for x in pieces):
            pieces = [x.cat.rename_categories(x.cat.categories.astype("string")) for x in pieces]
            out[c] = pd.Series(union_categoricals(pieces), name=c)
        else:
            out[c] = pd.concat(pieces, ignore_index=True)
    frame = pd.DataFrame(out)
    for c in ("category", "area", "force", "crime_type", "month"):
        if c in frame.columns and not isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].astype("category")
    return frame


RECORD_KEYS = ["month", "area", "force", "category"]


def _list(names: list[str], most: int = 20) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" … ({len(names)} in all)" if len(names) > most else "")


def _population(parts: list[pd.DataFrame | None]) -> pd.DataFrame:
    pop = _frame(parts, ["area", "year", "population", "source"])
    if not len(pop):
        return pop.astype({"year": "int64", "population": "int64"})
    pop = pop.astype({"area": "string", "source": "string"})
    pop["area"] = pop["area"].str.strip()
    # First file wins for the same area and year (files are read in name order).
    return pop.drop_duplicates(["area", "year"], keep="first").reset_index(drop=True)


def _drop_duplicate_police_files(results: list[FileResult]) -> list[FileResult]:
    """Reject the rows of police.uk force-months that an earlier file already gave.

    A copied file, or an extract overlapping another (October again, plus November), gives
    some force-months twice. Per force-month, the first file (in file-name order) is used; a
    later file's used rows in that force-month are rejected with one problem per earlier file,
    naming it, and its other force-months are used. Rows the reader already rejected keep
    their own reasons. The file's counts, coverage and records lose those force-months (records
    held in the cache's Parquet file are read for this), so row accounting stays exact: each
    used police.uk row is one in its file's counts.
    """
    seen: dict[tuple[str, str], str] = {}
    out = []
    for r in results:
        if r.layout != "police_uk" or r.coverage is None or not len(r.coverage):
            out.append(r)
            continue
        keys = list(zip(r.coverage["force"].astype(str), r.coverage["period"].astype(str),
                        strict=True))  # fmt: skip
        clash = {k: seen[k] for k in keys if k in seen}
        for k in keys:
            seen.setdefault(k, r.source)
        out.append(_without_force_months(r, clash) if clash else r)
    return out


def _force_months(frame: pd.DataFrame, period: str) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([frame["force"].astype("string").fillna(""),
                                      frame[period].astype("string").fillna("")])  # fmt: skip


def _without_force_months(r: FileResult, clash: dict[tuple[str, str], str]) -> FileResult:
    """A copy of a police.uk result without the force-months in ``clash`` (each mapped to the
    earlier file that gave it), its rows there accounted as rejected."""
    from dataclasses import replace

    from csp_analysis.readers.base import Problem

    counts = r.counts if r.counts is not None else pd.DataFrame(columns=COUNT_COLUMNS)
    given_by = pd.Series(list(_force_months(counts, "period")), index=counts.index,
                         dtype=object).map(clash)  # fmt: skip
    dup = given_by.notna().to_numpy()
    out = replace(r, counts=counts[~dup].reset_index(drop=True), notes=list(r.notes),
                  problems=list(r.problems), records=None, records_file=None)  # fmt: skip
    out.coverage = r.coverage[~_force_months(r.coverage, "period").isin(list(clash))]
    out.coverage = out.coverage.reset_index(drop=True)
    rejected = counts.loc[dup, "count"].groupby(given_by[dup], sort=False).sum()
    for earlier in dict.fromkeys(clash.values()):
        n = int(rejected.get(earlier, 0))
        if not n:
            continue  # the force-months held no used rows (the reader rejected them all)
        months = sorted(f"{f} {p}" for (f, p), e in clash.items() if e == earlier)
        shown = ", ".join(months[:3]) + (f" … ({len(months)} in all)" if len(months) > 3 else "")
        out.problems.append(Problem(r.source, None, None, f"the same force and month as "
                                    f"{earlier} ({shown}): not counted twice", n))  # fmt: skip
        out.rows_used -= n
        out.rows_rejected += n
    records = r.records
    if records is None and r.records_file is not None:
        records = pd.read_parquet(r.records_file)
    if records is not None:
        records = records[~_force_months(records, "month").isin(list(clash))]
        records = records.reset_index(drop=True)
        for c in records.columns:
            if isinstance(records[c].dtype, pd.CategoricalDtype):
                records[c] = records[c].cat.remove_unused_categories()
        out.records = records
    return out


#: What makes two non-police.uk counts the same figure.
_COUNT_KEY = ["area", "period", "category", "source"]


def _drop_duplicate_counts(results: list[FileResult]) -> list[FileResult]:
    """Reject tidy and Home Office rows whose figure an earlier file already gave.

    A copied tidy extract or a Home Office table downloaded twice would otherwise be summed.
    A row of a later file (in file-name order) whose ``area, period, category, source`` an
    earlier file gave is rejected, with a problem naming that file, never summed; duplicates
    within one file are the reader's business (see
    :func:`~csp_analysis.readers.tidy.read_tidy_counts`). The readers give these counts one
    row per used value with its ``line``; a line is rejected when all its values are repeats.
    A wide Home Office line with some years repeated keeps its other years: the left-out
    values are a problem with ``rows`` 0.
    """
    seen: pd.DataFrame | None = None  # _COUNT_KEY, _file, _line: first file giving each key
    out = []
    for r in results:
        c = r.counts
        if r.layout == "police_uk" or c is None or not len(c) or "line" not in c.columns:
            out.append(r)
            continue
        keys = c[_COUNT_KEY].astype("string")
        if seen is not None:
            hit = keys.merge(seen, on=_COUNT_KEY, how="left", validate="many_to_one")
            earlier = pd.Series(hit["_file"].to_numpy(), index=c.index, dtype="string")
            earlier_line = pd.Series(hit["_line"].to_numpy(), index=c.index)
            if earlier.notna().any():
                r = _without_repeats(r, earlier, earlier_line)
        first = keys.assign(_file=r.source, _line=c["line"].to_numpy())
        first = first.drop_duplicates(_COUNT_KEY)
        seen = first if seen is None else pd.concat([seen, first], ignore_index=True)
        seen = seen.drop_duplicates(_COUNT_KEY, keep="first")
        out.append(r)
    return out


def _without_repeats(r: FileResult, earlier: pd.Series, earlier_line: pd.Series) -> FileResult:
    """A copy of a tidy or Home Office result without the count rows an earlier file gave
    (``earlier``: that file's name, missing where the row is new)."""
    from dataclasses import replace

    from csp_analysis.readers.base import Problem

    c = r.counts
    dup = earlier.notna().to_numpy()
    out = replace(r, counts=c[~dup].reset_index(drop=True), notes=list(r.notes),
                  problems=list(r.problems))  # fmt: skip
    by_line = pd.DataFrame({"line": c["line"].to_numpy(), "dup": dup,
                            "earlier": earlier.to_numpy(),
                            "earlier_line": earlier_line.to_numpy()})  # fmt: skip
    whole = by_line.groupby("line")["dup"].transform("all").to_numpy(dtype=bool)
    # A line all of whose values are repeats is rejected, named by its first value's file.
    lines_out = by_line[whole].groupby("line", sort=True).first()
    for name, part in lines_out.groupby("earlier", sort=False):
        lines = [int(x) for x in part.index]
        where = ", ".join(str(x) for x in lines[:5]) + (" …" if len(lines) > 5 else "")
        out.problems.append(Problem(
            r.source, lines[0], None, f"the same area, period and category as {name} "
            f"(line {int(part['earlier_line'].iloc[0])}): not counted twice", len(lines),
            where))  # fmt: skip
        out.rows_used -= len(lines)
        out.rows_rejected += len(lines)
    # Repeated values on lines with new ones too (wide tables): left out, no row rejected.
    for name, part in by_line[dup & ~whole].groupby("earlier", sort=False):
        lines = sorted({int(x) for x in part["line"]})
        where = ", ".join(str(x) for x in lines[:5]) + (" …" if len(lines) > 5 else "")
        out.problems.append(Problem(
            r.source, lines[0], None, f"{len(part)} values repeat figures of {name}: left out "
            "(not counted twice), the lines' other values are used", 0, where))  # fmt: skip
    return out


def load(
    data: str | Path | None = None,
    reference: str | Path | None = None,
    *,
    cache: bool = True,
) -> Dataset:
    """Read a data folder (or a saved dataset) into a :class:`Dataset`.

    Parameters
    ----------
    data : str or Path, optional
        A folder of CSV/XLSX files recognised by their headers, a single file, or a folder
        written by :meth:`Dataset.save`. Default: the built-in synthetic demo data.
    reference : str or Path, optional
        Folder with ``categories.csv`` and ``category_mapping.csv``; default the built-in
        reference tables (``csp_analysis/reference``, package data).
    cache : bool, default True
        Look files up in, and add them to, the content-keyed Parquet cache
        (:mod:`csp_analysis.cache`; ``CSP_ASSESS_CACHE_DIR=off`` also turns it off).

    Returns
    -------
    Dataset

    Examples
    --------
    >>> ds = load()  # the synthetic demo data
    >>> ds.synthetic
    True
    """
    from csp_analysis.paths import demo_dir

    path = Path(data) if data is not None else demo_dir()
    cmap = load_category_map(reference)
    if (path / SAVED_MARKER).is_file():
        return Dataset.read_saved(path, cmap)
    from csp_analysis.cache import FileCache
    from csp_analysis.readers import list_files

    name = re.sub(r"[^\w .-]", "", path.name) or "data"
    store = FileCache.open(cmap) if cache else None
    if store is None or not path.is_dir():
        return Dataset.from_results(read_folder(path, cmap, store), cmap, name=name)
    files = list_files(path)
    key = store.folder_key(path, files)
    if key is not None:
        ds = _read_cached_dataset(store.dataset_folder(key), cmap)
        if ds is not None:
            ds.name = name
            return ds
    ds = Dataset.from_results(read_folder(path, cmap, store), cmap, name=name)
    key = store.folder_key(path, files)
    if key is not None:
        _save_cached_dataset(ds, store.dataset_folder(key))
    return ds


def _read_cached_dataset(folder: Path, cmap: CategoryMap) -> Dataset | None:
    """The dataset the cache kept for a folder's exact content, if it is whole."""
    if not (folder / SAVED_MARKER).is_file():
        return None
    try:
        ds = Dataset.read_saved(folder, cmap)
    except (OSError, ValueError):
        return None
    if not all(isinstance(p, Path) and p.is_file() for p in ds.record_parts):
        return None  # part of the cache was cleared: read the files again
    return ds


def _save_cached_dataset(ds: Dataset, folder: Path) -> None:
    """Keep a folder's dataset in the cache (atomically; a failure only costs speed)."""
    import shutil
    import tempfile

    if (folder / SAVED_MARKER).is_file():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        ds.save(tmp, link_records=True)
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["ALL_CRIME", "Dataset", "load", "months_of_period"]
