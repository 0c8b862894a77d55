"""The canonical model: one validated tidy table of counts and what it covers.

Files → :func:`csp_analysis.readers.read_folder` → :class:`Dataset`. Analyses read only the
dataset. Its main table, ``counts``, has the columns ``area, force, period, category, count,
source``; ``coverage`` says which periods each source covers, so a category with no rows in a
covered month is a true zero and a month no source covers is missing, never zero.
"""

from __future__ import annotations

import difflib
import json
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
        rows_rejected, issue``.
    problems : pandas.DataFrame
        ``source, line, column, message, rows``: every rejected group of rows and file problem.
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
    synthetic: bool = False
    name: str = ""
    cmap: CategoryMap = field(default_factory=load_category_map, repr=False)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_results(
        cls, results: list[FileResult], cmap: CategoryMap, name: str = ""
    ) -> Dataset:
        """Assemble file results into one dataset (see :func:`load`)."""
        results = _drop_duplicate_police_files(results)
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
            }
        )
        problems = pd.DataFrame(
            [vars(p) for r in results for p in r.problems],
            columns=["source", "line", "column", "message", "rows", "lines"],
        )
        tables: dict[str, pd.DataFrame] = {}
        for r in results:
            for key, table in r.tables.items():
                tables[key] = pd.concat([tables[key], table], ignore_index=True) \
                    if key in tables else table
        return cls(
            counts=counts, coverage=coverage, record_parts=record_parts, population=population,
            small_area_population=small, lookup=lookup, files=files, problems=problems,
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
        """The partnership areas of one force."""
        areas = set(self.areas)
        return sorted(a for a, f in self.area_force.items() if f == force and a in areas)

    @property
    def categories(self) -> list[str]:
        """Report categories present in the data, in report order."""
        present = set(self.counts["category"])
        return [c for c in self.cmap.order if c in present]

    def financial_years(self, area: str | None = None) -> list[str]:
        """Financial years with any data (for one area, if given), oldest first."""
        counts = self.counts if area is None else self.counts[self.counts["area"] == area]
        return sorted({financial_year_of_period(p) for p in counts["period"].unique()})

    def resolve_area(self, name: str | None) -> str:
        """Return the area called ``name`` (any case), or refuse naming what exists.

        Raises
        ------
        UsageError
            With the areas that exist and the closest match.
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

    def resolve_category(self, name: str) -> str:
        """Return the report category (or All crime) called ``name`` (any case), or refuse.

        Raises
        ------
        UsageError
            With the categories that exist and the closest match.
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
        """
        cats = set(self.cmap.of_kind(kind))
        sub = self.counts[(self.counts["area"] == area) & self.counts["category"].isin(cats)]
        present = set(sub["source"])
        return next((s for s in SOURCE_PRIORITY if s in present), None)

    def covered_periods(self, area: str, source: str, kind: str = "crime") -> list[str]:
        """Periods a source covers for an area's categories of one kind.

        A police.uk file covers its whole force for its month (every crime type and ASB).
        Other sources cover a period for a kind only where they have rows of that kind for the
        area: a tidy extract with only ASB rows for May says nothing about crime in May.
        """
        if source == "police_uk":
            cov = self.coverage[self.coverage["source"] == source]
            periods = cov.loc[cov["force"] == self.area_force.get(area), "period"]
        else:
            cats = set(self.cmap.of_kind(kind))
            c = self.counts
            periods = c.loc[(c["area"] == area) & (c["source"] == source)
                            & c["category"].isin(cats), "period"]  # fmt: skip
        return sorted(periods.unique())

    def covered_months(self, area: str, source: str, kind: str = "crime") -> list[str]:
        """Calendar months that a source covers for an area's categories of one kind."""
        periods = self.covered_periods(area, source, kind)
        return sorted({m for p in periods for m in months_of_period(p)})

    def area_counts(self, area: str) -> pd.DataFrame:
        """An area's counts by period and category, zero-filled over covered periods.

        Returns
        -------
        pandas.DataFrame
            ``period, category, kind, count, source``. A category with no rows in a period
            its source covers is 0; periods the source does not cover are absent (missing).
        """
        parts = []
        for kind in ("crime", "asb", "flag"):
            source = self.source_for(area, kind)
            if source is None:
                continue
            cats = self.cmap.of_kind(kind)
            sub = self.counts[
                (self.counts["area"] == area)
                & (self.counts["source"] == source)
                & self.counts["category"].isin(cats)
            ]
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
    def save(self, folder: str | Path) -> Path:
        """Write the dataset to a folder of Parquet files (read back by :func:`load`)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("counts", "coverage", "records", "population", "small_area_population",
                     "lookup", "files", "problems"):  # fmt: skip
            getattr(self, name).to_parquet(folder / f"{name}.parquet", index=False)
        for key, table in self.tables.items():
            table.to_parquet(folder / f"table_{key}.parquet", index=False)
        meta = {"synthetic": self.synthetic, "name": self.name, "tables": sorted(self.tables)}
        (folder / SAVED_MARKER).write_text(json.dumps(meta, indent=1))
        return folder

    @classmethod
    def read_saved(cls, folder: str | Path, cmap: CategoryMap | None = None) -> Dataset:
        """Read a dataset written by :meth:`save`."""
        folder = Path(folder)
        meta = json.loads((folder / SAVED_MARKER).read_text())
        frames: dict = {
            n: pd.read_parquet(folder / f"{n}.parquet")
            for n in ("counts", "coverage", "population", "small_area_population",
                      "lookup", "files", "problems")  # fmt: skip
        }
        frames["record_parts"] = [folder / "records.parquet"]
        tables = {k: pd.read_parquet(folder / f"table_{k}.parquet")
                  for k in meta.get("tables", [])}  # fmt: skip
        return cls(**frames, synthetic=meta["synthetic"], name=meta["name"],
                   cmap=cmap or load_category_map(), tables=tables)  # fmt: skip


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
    """Refuse a police.uk file whose force-months another file already gave (a copied file).

    Its rows are accounted as rejected with the reason, never counted twice.
    """
    seen: dict[tuple[str, str], str] = {}
    out = []
    for r in results:
        if r.layout == "police_uk" and r.coverage is not None and len(r.coverage):
            keys = [(str(f), str(p)) for f, p in zip(r.coverage["force"], r.coverage["period"],
                                                      strict=True)]  # fmt: skip
            clash = [seen[k] for k in keys if k in seen]
            if clash:
                dup = FileResult(source=r.source, layout=r.layout, rows_read=r.rows_read,
                                 rows_rejected=r.rows_read)  # fmt: skip
                from csp_analysis.readers.base import Problem

                dup.problems.append(Problem(
                    r.source, None, None,
                    f"the same force and month as {clash[0]}: not counted twice", r.rows_read))
                out.append(dup)
                continue
            for k in keys:
                seen[k] = r.source
        out.append(r)
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
        Folder with ``categories.csv`` and ``category_mapping.csv``; default
        ``data/reference``.
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

    results = read_folder(path, cmap, FileCache.open(cmap) if cache else None)
    name = re.sub(r"[^\w .-]", "", path.name) or "data"
    return Dataset.from_results(results, cmap, name=name)


__all__ = ["ALL_CRIME", "Dataset", "load", "months_of_period"]
