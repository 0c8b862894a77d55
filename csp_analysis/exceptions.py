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
