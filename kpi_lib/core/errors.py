"""Every error kpi_lib raises for a user to read, all KpiErrors: each one prints as a single line
and exits non-zero, without a traceback. Catch KpiError for all of them."""

from __future__ import annotations

from dataclasses import dataclass


class KpiError(Exception):
    """An error caused by the user's input (a parameter, a data file); shown as one line."""


class BilingualError(KpiError):
    """A KpiError said in both languages, for where no language is chosen (the Python API reads
    "日本語 / English"); the command line shows the one its messages are in."""

    def __init__(self, ja: str, en: str):
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


@dataclass(frozen=True)
class Problem:
    """One problem in a data file, located by file, line and column."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        col = f": column '{self.column}'" if self.column else ""
        return f"{where}{col}: {self.message}"


class DataError(KpiError):
    """One or more problems found while loading or validating a data directory."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid data"
        more = f" (and {len(self.problems) - 1} more problem(s); run 'kpi validate')" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class InputFileError(KpiError):
    """An input file that cannot be read (missing, a directory, a FIFO ...); the message says why
    in words a user understands, and the caller names the file."""


class CellError(KpiError):
    """A cell that is not a number, 未 or —; the message says what is wrong, and the caller names
    the file and row and column (or the sheet and cell)."""


class ReportError(KpiError):
    """A report notebook that failed or whose kernel did not start or died (kpi report)."""


class PdfError(KpiError):
    """kpi report --pdf cannot print: playwright or pypdf missing, Chromium failed, a chart did not draw."""
