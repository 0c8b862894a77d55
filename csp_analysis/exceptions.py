"""The project's small exception hierarchy.

Every error a user can cause carries structured fields (file, line, column) so the command line
can print one plain sentence and tests can check exactly what was named.
"""

from __future__ import annotations

from pathlib import Path


class CspError(Exception):
    """Base class of every error raised on purpose by csp_analysis."""

    exit_code = 1


class DataError(CspError):
    """A problem with an input file: names the file and, where known, the line and column.

    Parameters
    ----------
    message : str
        What is wrong, in words an analyst understands.
    file : str or Path, optional
        The file at fault (shown by name relative to the data folder when possible).
    line : int, optional
        1-based line number in the file (the header is line 1).
    column : str, optional
        The column name at fault.
    """

    def __init__(
        self,
        message: str,
        file: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class UsageError(CspError):
    """The user asked for something that does not exist (an unknown area, year or folder)."""

    exit_code = 2


class ReportError(CspError):
    """Running or exporting the report notebook failed.

    Parameters
    ----------
    message : str
        What failed.
    section : str, optional
        The report section (heading) whose cell failed.
    notebook : str or Path, optional
        Where the failed executed notebook was kept for debugging.
    """

    def __init__(
        self, message: str, section: str | None = None, notebook: str | Path | None = None
    ) -> None:
        self.message = message
        self.section = section
        self.notebook = str(notebook) if notebook is not None else None
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = self.message
        if self.section:
            text = f"section '{self.section}': {text}"
        if self.notebook:
            text += f" (the failed notebook is kept at {self.notebook})"
        return text


class ConfigError(CspError):
    """A problem in a configuration file (e.g. ``risk_matrix.yaml``), naming the key at fault.

    Parameters
    ----------
    message : str
        What is wrong, e.g. ``must be ≥ 0``.
    file : str or Path, optional
        The configuration file (shown by name).
    key : str, optional
        Dotted key path, e.g. ``factors.harm.weight``.
    line : int, optional
        Line in the file, for syntax errors.

    Examples
    --------
    >>> str(ConfigError("must be ≥ 0", file="risk_matrix.yaml", key="factors.harm.weight"))
    "risk_matrix.yaml, key 'factors.harm.weight': must be ≥ 0"
    """

    def __init__(
        self,
        message: str,
        file: str | Path | None = None,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.key = key
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = [
            w
            for w in (
                self.file,
                f"line {self.line}" if self.line else None,
                f"key '{self.key}'" if self.key else None,
            )
            if w
        ]
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class TableError(ValueError):
    """A bad value in a table handed to a statistic, naming the column and the row.

    A ``ValueError`` (a bad argument), not a :class:`CspError`: the statistics do not know
    which file a table came from. A reader that loaded the table from a file turns it into a
    :class:`DataError` naming the file with :meth:`in_file`.

    Parameters
    ----------
    message : str
        What is wrong.
    column : str, optional
        The column at fault.
    row : int, optional
        1-based position of the row among the data rows (the header not counted), so a table
        read from a CSV file with one header line has it on line ``row + 1``.

    Examples
    --------
    >>> err = TableError("blank concern", column="concern", row=2)
    >>> str(err)
    "row 2, column 'concern': blank concern"
    >>> str(err.in_file("survey.csv"))
    "survey.csv, line 3, column 'concern': blank concern"
    """

    def __init__(self, message: str, column: str | None = None, row: int | None = None) -> None:
        self.message = message
        self.column = column
        self.row = row
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = [
            w
            for w in (
                f"row {self.row}" if self.row is not None else None,
                f"column '{self.column}'" if self.column else None,
            )
            if w
        ]
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def in_file(self, file: str | Path) -> DataError:
        """The same problem as a :class:`DataError` of a CSV file with one header line.

        Parameters
        ----------
        file : str or Path
            The file the table was read from (shown by name).

        Returns
        -------
        DataError
            With ``line = row + 1`` (the header is line 1) and the same column and message.
        """
        line = self.row + 1 if self.row is not None else None
        return DataError(self.message, file=Path(file).name, line=line, column=self.column)


class CspWarning(UserWarning):
    """Something the user should know that does not stop the run (the command line prints it
    as ``csp-assess: warning: ...``)."""


class CacheWarning(CspWarning):
    """The cache folder cannot be used: the run goes on without the cache."""
