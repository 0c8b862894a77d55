"""The canonical model: one validated tidy table of counts and what it covers.

Files → :func:`csp_analysis.ingest.read_folder` → :class:`Dataset`. Analyses read only the
dataset. Its main table, ``counts``, has the columns ``area, force, period, category, count,
source``; ``coverage`` says which periods each source covers, so a category with no rows in a
covered month is a true zero and a month no source covers is missing, never zero.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from csp_analysis.categories import (
    ALL_CRIME,
    SCHEMES,
    UNALLOCATED,
    CategoryMap,
    load_category_map,
    offence_group_order,
)
from csp_analysis.exceptions import DataError, UsageError
from csp_analysis.ingest import FileResult
from csp_analysis.ingest.records import RecordsRef, read_records
from csp_analysis.model.assemble import assemble, rejected_rows
from csp_analysis.model.coverage import AreaSeries
from csp_analysis.model.own import own_categories
from csp_analysis.model.saved import read_saved_tables, save_dataset
from csp_analysis.model.schema import MEMBER_SHARE, concat_records, empty_offences
from csp_analysis.names import area_key, close_match, force_key
from csp_analysis.periods import financial_year_of_period


@dataclass
class Dataset(AreaSeries):
    """Everything read from one data folder, validated and tidy.

    Attributes
    ----------
    counts : pandas.DataFrame
        ``area, force, period, category, count, source``: one row per area, period, report
        category and source. Periods are months (``2018-04``), Home Office quarters
        (``2018/19 Q1``) or financial years (``2018/19``).
    offences : pandas.DataFrame
        ``area, force, period, offence_code, offence_description, offence_subgroup,
        offence_group, count, source``: the Home Office tables' counts by offence (one row per
        area, force, period and offence; the rows ``counts`` sums into report categories, so
        fraud and rows set aside are not here either). Subgroups and groups are harmonised
        across releases (``reference/offence_aliases.csv``); a label the table lacks is
        missing. Periods as in ``counts``. Empty (with these columns) when no Home Office
        table was read.
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
    record_parts: list[pd.DataFrame | Path | RecordsRef]
    population: pd.DataFrame
    small_area_population: pd.DataFrame
    lookup: pd.DataFrame
    files: pd.DataFrame
    problems: pd.DataFrame
    rejected: pd.DataFrame = field(default_factory=lambda: rejected_rows([]))
    synthetic: bool = False
    name: str = ""
    cmap: CategoryMap = field(default_factory=load_category_map, repr=False)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    offences: pd.DataFrame = field(default_factory=empty_offences)
    scheme: str | None = None

    def __post_init__(self) -> None:
        # The partnership's own labels (tidy tables) join the report categories, with the
        # kinds, order and parents its categories.csv declares (see own_categories).
        self.counts, self.cmap = own_categories(self.counts, self.cmap, self.tables)

    def with_scheme(self, scheme: str | None) -> Dataset:
        """This dataset, choosing the crime categories of one scheme where several are given.

        Parameters
        ----------
        scheme : str or None
            ``police_uk``, ``home_office`` or ``own`` (see
            :data:`csp_analysis.categories.SCHEMES`); ``None`` for the default order of
            sources (``SOURCE_PRIORITY``).

        Returns
        -------
        Dataset
            A shallow copy sharing the tables (this dataset is unchanged); an area whose
            counts are not given in the scheme keeps its default source.

        Raises
        ------
        UsageError
            If ``scheme`` is not one of the schemes.
        """
        if scheme is not None and scheme not in SCHEMES:
            raise UsageError(f"--categories '{scheme}' is not one of {', '.join(SCHEMES)}")
        if scheme == self.scheme:
            return self
        base = self.__dict__.get("_unschemed", self)  # the counts as the files were read
        out = copy.copy(base)
        out.__dict__ = {k: v for k, v in base.__dict__.items() if not k.startswith("_")}
        out.scheme = scheme
        if scheme == "home_office" and len(base.offences):
            out.counts, out.cmap = _by_offence_group(base.counts, base.offences, base.cmap)
        if "_records" in base.__dict__:  # street-level records are shared, never re-read
            out._records = base._records
        out._unschemed = base
        return out

    # ------------------------------------------------------------------ construction
    @property
    def mapped(self) -> Dataset:
        """This dataset with every source's crime in the categories its reader mapped it to
        (police.uk crime types, the partnership's own labels), whatever ``--categories``
        chose: what the reconciliation of two sources compares."""
        return self.__dict__.get("_unschemed", self)

    @classmethod
    def from_results(cls, results: list[FileResult], cmap: CategoryMap, name: str = "") -> Dataset:
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
            One result per file or sheet, as :func:`csp_analysis.ingest.read_folder` gives
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
        return cls(**assemble(results), name=name, cmap=cmap)

    @property
    def records(self) -> pd.DataFrame:
        """Street-level records of every police.uk file, read on first use.

        Text columns are categoricals (one shared set of labels per column), so a national
        year of records fits in memory.
        """
        if not hasattr(self, "_records"):
            parts = [
                p if isinstance(p, pd.DataFrame) else read_records(p) for p in self.record_parts
            ]
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
        >>> from csp_analysis.model import load
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
                parts = [
                    p[(p["area"].astype("string") == area).fillna(False)]
                    if isinstance(p, pd.DataFrame)
                    else read_records(p, area=area)
                    for p in self.record_parts
                ]
            out = concat_records(parts)
            for c in out.columns:
                if isinstance(out[c].dtype, pd.CategoricalDtype):
                    out[c] = out[c].cat.remove_unused_categories()
            memo[area] = out.reset_index(drop=True)
        return memo[area]

    def records_of_areas(self, areas: list[str]) -> pd.DataFrame:
        """Street-level records of several partnership areas, read in one pass.

        The same rows, in the same order, as :meth:`records_of` of each area in turn,
        stacked: the areas in the order given, each area's rows in file order. Each Parquet
        file is read once for all the areas (a force's fourteen partnerships cost one read of
        each file, not fourteen), and nothing is kept in memory afterwards.

        Parameters
        ----------
        areas : list of str
            Partnership areas, spelled exactly as in :attr:`areas`.

        Returns
        -------
        pandas.DataFrame
            The columns of :attr:`records`, those areas' rows only (none: an empty table),
            text columns categorical with only the labels they use.

        Examples
        --------
        >>> from csp_analysis.model import load
        >>> ds = load()
        >>> both = ds.records_of_areas(["Elderbrook", "Ashgrove Vale"])
        >>> len(both) == len(ds.records_of("Elderbrook")) + len(ds.records_of("Ashgrove Vale"))
        True
        """
        memo = self.__dict__.get("_records_of", {})
        if all(a in memo for a in areas):
            return concat_records([memo[a] for a in areas])
        wanted = list(dict.fromkeys(areas))
        if "_records" in self.__dict__:
            rec = self._records
            parts = [rec[rec["area"].astype("string").isin(wanted).fillna(False)]]
        else:
            parts = [
                p[p["area"].astype("string").isin(wanted).fillna(False)]
                if isinstance(p, pd.DataFrame)
                else read_records(p, area=wanted)
                for p in self.record_parts
            ]
        out = concat_records(parts)
        if not len(out) or "area" not in out.columns:
            return out
        # area-major, then file order (a stable sort), as records_of area by area gives
        rank = {a: i for i, a in enumerate(wanted)}
        order = out["area"].astype("string").map(rank).to_numpy()
        out = out.iloc[order.argsort(kind="stable")].reset_index(drop=True)
        for c in out.columns:
            if isinstance(out[c].dtype, pd.CategoricalDtype):
                out[c] = out[c].cat.remove_unused_categories()
        return out

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
            police = set(self.counts.loc[self.counts["source"] == "police_uk", "area"].unique())
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
        """Partnership areas with data (police.uk areas with only stray records excluded).

        An area with police.uk records of forces other than its own only (as given by a lookup
        or by :attr:`area_force`) is not listed: those records are in their forces' figures.
        """
        if not hasattr(self, "_areas"):
            counts = self.counts
            non_police = set(counts.loc[counts["source"] != "police_uk", "area"].unique())
            # An area of the lookup is a partnership of the data only with counts of its
            # own force (or of another source): stray LSOAs of other forces' areas are not
            # (the rows :meth:`_area_rows` keeps, found for every area at once).
            area = counts["area"].astype("string")
            own = area.map(self.area_force).astype("string")
            police = (counts["source"] == "police_uk").fillna(False).to_numpy(dtype=bool)
            same = (counts["force"].astype("string") == own).fillna(False).to_numpy(dtype=bool)
            kept = (~police | same) & own.notna().to_numpy(dtype=bool)
            members = set(area[kept].dropna().unique())
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
        >>> from csp_analysis.model import load
        >>> load().areas_of_force("Wessmoor Constabulary")[:3]
        ['Ashgrove Vale', 'Brindlemoor', 'Corrigan Bay']
        """
        areas = set(self.areas)
        return sorted(a for a, f in self.area_force.items() if f == force and a in areas)

    @property
    def categories(self) -> list[str]:
        """Report categories present in the data, in report order."""
        present = set(self.counts["category"].unique())
        return [c for c in self.cmap.order if c in present]

    def financial_years(self, area: str | None = None) -> list[str]:
        """Financial years with any data (for one area, if given), oldest first.

        A year is listed when any count of any source and kind falls in it (for an area, of
        the rows its series uses: police.uk records of its own force), however few months it
        covers: see :func:`csp_analysis.analyses.periods.complete_years` for the
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
        >>> from csp_analysis.model import load
        >>> load().financial_years("Elderbrook")
        ['2022/23', '2023/24', '2024/25', '2025/26']
        """
        counts = self.counts if area is None else self._area_rows(area)
        return sorted({financial_year_of_period(p) for p in counts["period"].unique()})

    def resolve_area(self, name: str | None) -> str:
        """Return the area called ``name`` (any case), or refuse naming what exists.

        Parameters
        ----------
        name : str or None
            Area name as a user typed it: case, spacing, hyphens and Unicode form are
            ignored (:func:`csp_analysis.names.area_key`). ``None``
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
        >>> from csp_analysis.model import load
        >>> load().resolve_area("  elderbrook ")
        'Elderbrook'
        """
        areas = self.areas
        if not areas:
            raise DataError(
                "no partnership area has usable counts in this data folder: " + self.why_no_counts()
            )
        if name is None:
            if len(areas) == 1:
                return areas[0]
            raise UsageError(f"several areas have data; choose one with --area: {_list(areas)}")
        by_key = {area_key(a): a for a in areas}
        if area_key(name) in by_key:
            return by_key[area_key(name)]
        close = close_match(name, areas)
        hint = f" Did you mean '{close}'?" if close else ""
        raise UsageError(f"area '{name}' is not in the data.{hint} Areas: {_list(areas)}")

    def why_no_counts(self) -> str:
        """What each file lacked, when no file gives usable counts, in the user's terms.

        Returns
        -------
        str
            One clause per file (the first ten), e.g. ``recorded_crime.csv: no count column
            (header: area, period, category, force)``, joined by semicolons; ``no CSV or
            XLSX file`` for an empty folder. A file of another kind says what it is
            (``pop.csv: population (area, year, population), no counts of crime or ASB``).
        """
        from csp_analysis.ingest.registry import DESCRIPTIONS

        if not len(self.files):
            return "no CSV or XLSX file"
        first = self.problems.drop_duplicates("source").set_index("source")["message"]
        counted = {"police_uk", "tidy_counts", *(k for k in DESCRIPTIONS if "home_office" in k)}
        parts = []
        for r in self.files.itertuples():
            if r.layout in counted or r.layout in ("unrecognised", "unreadable"):
                if r.rows_used:
                    why = f"{r.rows_used:,} rows used, none in a partnership area"
                else:
                    why = str(first.get(r.source, "no rows"))
            else:
                what = DESCRIPTIONS.get(r.layout, r.layout)
                why = f"{what[:1].lower()}{what[1:]}, no counts of crime or ASB"
            parts.append(f"{r.source}: {why}")
        more = f"; … ({len(parts)} files in all)" if len(parts) > 10 else ""
        return "; ".join(parts[:10]) + more

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
        DataError
            If no partnership area has usable counts at all (saying what each file lacked).

        Examples
        --------
        >>> from csp_analysis.model import load
        >>> load().resolve_force("WESSMOOR constabulary")
        'Wessmoor Constabulary'
        """
        if not self.areas:
            raise DataError(
                "no partnership area has usable counts in this data folder: " + self.why_no_counts()
            )
        by_key = {force_key(f): f for f in self.forces}
        if force_key(name) in by_key:
            return by_key[force_key(name)]
        close = difflib.get_close_matches(str(name), self.forces, n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"force '{name}' is not in the data.{hint} Forces: {', '.join(self.forces)}"
        )

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
        >>> from csp_analysis.model import load
        >>> load().resolve_category("ANTI-SOCIAL BEHAVIOUR")
        'Anti-social behaviour'
        """
        known = [ALL_CRIME, *self.categories]
        by_fold = {c.casefold(): c for c in known}
        if name.strip().casefold() in by_fold:
            return by_fold[name.strip().casefold()]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"category '{name}' is not in the data.{hint} Categories: {', '.join(known)}"
        )

    def population_of(self, area: str, year: int) -> tuple[int | None, str]:
        """Population of an area for a mid-year, with a note of what was used.

        Uses the exact year when present, otherwise the nearest year (the earlier one when two
        are as near), and says so. Returns ``(None, reason)`` when none is known.

        Parameters
        ----------
        area : str
            Partnership area; matched by :func:`csp_analysis.names.area_key` (case, spacing,
            hyphens and Unicode form ignored).
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
        >>> from csp_analysis.model import load
        >>> load().population_of("Elderbrook", 2030)
        (96174, 'Synthetic demo population 2025 (nearest available to mid-2030)')
        """
        keys = self.population["area"].map(area_key)
        pop = self.population[(keys == area_key(area)).to_numpy(dtype=bool)]
        if not len(pop):
            close = close_match(area, sorted(set(self.population["area"].astype(str))))
            hint = f" (the population table has '{close}': a different name?)" if close else ""
            return None, f"no population for {area}{hint}"
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
        return save_dataset(self, folder, areas, link_records)

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
            The same counts, offences, coverage, population, lookup, files, problems, local
            tables, name and synthetic flag as were saved (records only for the areas kept).

        Raises
        ------
        FileNotFoundError
            If ``csp_dataset.json`` or one of the Parquet files is missing.
        """
        return cls(**read_saved_tables(folder), cmap=cmap or load_category_map())


def _by_offence_group(
    counts: pd.DataFrame, offences: pd.DataFrame, cmap: CategoryMap
) -> tuple[pd.DataFrame, CategoryMap]:
    """Counts with the Home Office tables' crime by offence group instead of the categories
    their offences map to (``--categories home_office``, the default for Home Office data).

    Each area-period's Home Office crime rows are replaced by the sums of its offences by
    group, so All crime is unchanged (the offences are the rows those categories summed); an
    offence without a group counts under ``Unallocated``, never lost. Totals given directly,
    anti-social behaviour, flags and other sources' rows are kept as they are.
    """
    crime = set(cmap.of_kind("crime")) - {ALL_CRIME, UNALLOCATED}
    office = (counts["source"] == "home_office").fillna(False).to_numpy(dtype=bool)
    drop = office & counts["category"].isin(crime).fillna(False).to_numpy(dtype=bool)
    o = offences[(offences["source"] == "home_office").fillna(False).to_numpy(dtype=bool)]
    group = o["offence_group"].astype("string").fillna(UNALLOCATED)
    keys = ["area", "force", "period"]
    summed = (
        o.assign(category=group)
        .groupby([*keys, "category"], dropna=False, sort=False)["count"]
        .sum()
        .astype("int64")
        .reset_index()
        .assign(source="home_office")
    )
    out = pd.concat([counts[~drop], summed[list(counts.columns)]], ignore_index=True)
    out = out.astype({c: "string" for c in counts.columns if c != "count"})
    order = list(offence_group_order())
    given = set(summed["category"])
    extra = sorted(given - set(order) - {UNALLOCATED})
    last = [UNALLOCATED] if UNALLOCATED in given else []
    return out, cmap.with_groups([*order, *extra, *last])


def _list(names: list[str], most: int = 20) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" … ({len(names)} in all)" if len(names) > most else "")
