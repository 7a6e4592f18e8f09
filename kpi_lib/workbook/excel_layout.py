"""The workbook layout that export and import share: the hidden meta sheet, the columns, the
cells of an indicator that come from the data tables (export writes them, import checks them),
and number formats. See excel_export.py for the layout as a whole.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

from kpi_lib.core import formatting, numbers
from kpi_lib.core.errors import KpiError
from kpi_lib.core.fiscal_year import short_label
from kpi_lib.core.formatting import format_number, name_with_unit, year_in_brackets
from kpi_lib.core.labels import text
from kpi_lib.dataset.schema import METADATA_FILE, TABLES

# 2: the meta sheet records a digest of every data file (format 1 did not: such workbooks are refused)
# 3: an indicator's rows also take its milestones (a scheme with milestones), national values (a
#    national-level target), published rates and published grades (Layout below)
FORMAT_ID = "kpi_lib workbook 3"
OLD_FORMAT_IDS = ("kpi_lib workbook 2",)  # still read: only its 実績値 cells are inputs
META_SHEET = "_kpi"
KEY_HEADER = "key"
DIGEST_PREFIX = "sha256 "  # meta rows "sha256 actuals.csv" | hex digest ("-" for a file that is absent)
CONTENT_DIGEST = "content sha256"  # meta row: digest of every cell the sheets held when written

# What an import reads at most, checked before the workbook is parsed (Hokkaido's export is ~0.1 MB
# and ~2,000 cells; kpi new's largest template, 50 projects × 50 rows over 5 years, ~1 MB and
# 265,000 cells, which openpyxl reads in ~20 s and ~180 MB): the .xlsx file, the unpacked size of
# all its parts, the cells of all its sheets, rows and columns of one sheet, and the text of one
# 実績値 cell. Export and kpi new refuse to write a workbook beyond them.
MAX_FILE_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 50_000_000
MAX_PARTS = 1_000
MAX_CELLS = 500_000
MAX_ROWS = 100_000
MAX_COLUMNS = 500
MAX_CELL_TEXT = 100

# Characters a workbook cannot hold (XML 1.0 forbids them; openpyxl refuses them)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Columns (1-based): hidden key, kind label, 設定項目, 基準値, 目標値 ×2, row label, years…, 進捗.
COL_KEY, COL_KIND, COL_NAME, COL_BASE, COL_TARGET, COL_REVISED, COL_LABEL, COL_YEAR0 = range(1, 9)
FIRST_BLOCK_ROW = 4  # rows 1-2: title; row 3: blank


# The words every workbook was written with before a dataset had words of its own (labels.text):
# a workbook of that time names its sheets and headings so, and is still read.
LEGACY_WORDS = (
    ("level_ja", "プロジェクト"),
    ("level_en", "project"),
    ("rate_ja", "進捗率"),
    ("rate_en", "progress rate"),
    ("grade_ja", "進捗"),
    ("grade_en", "grade"),
)


def word(key: str, lang: str, words=None, **kw) -> str:
    """A workbook word (labels.py, keys xlsx.*) in the dataset's `words` (its scheme), with its
    placeholders filled in."""
    return text(f"xlsx.{key}", lang, words).format(**kw)


def sheet_name(project: int, lang: str = "ja", words=None) -> str:
    return word("sheet", lang, words, n=project)


def sheet_words(sheetnames, projects, lang: str, words=None):
    """The words a workbook's sheets are named in: the dataset's, or, for a workbook written before
    the dataset had words of its own, LEGACY_WORDS (where its sheets are named so)."""
    mine = {sheet_name(p, lang, words) for p in projects}
    legacy = {sheet_name(p, lang, LEGACY_WORDS) for p in projects}
    if not mine <= set(sheetnames) and projects and legacy <= set(sheetnames):
        return LEGACY_WORDS
    return words


def number_format(decimals, unit: str = "", lang: str = "ja", prefix: str = "") -> str:
    """1,000 separators, the printed decimals, and the unit as a literal: #,##0.0"万m³"."""
    d = 0 if numbers.is_missing(decimals) else int(decimals)
    fmt = "#,##0" + ("." + "0" * d if d > 0 else "")
    literal = unit if lang == "ja" or unit == "%" else ""
    return (f'"{prefix}"' if prefix else "") + fmt + (f'"{literal}"' if literal else "")


def data_files() -> list[str]:
    """The files of a data directory that a workbook is exported from."""
    return [METADATA_FILE, *(t.file for t in TABLES.values())]


def data_digests(root: Path) -> dict[str, str]:
    """{file: sha256 hex} of the data files ("-" for one that is absent): what the workbook came from."""
    digests = {}
    for name in data_files():
        path = root / name
        digests[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"
    return digests


def cell_key(value) -> str | None:
    """A cell's value as compared between a workbook and what kpi wrote: numbers by value (Excel
    saves 7829.0 as 7829), text as typed (line breaks as \\n), empty and blank text alike."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return f"bool {value}"
    if isinstance(value, (int, float)):
        return f"number {float(value)!r}"
    if isinstance(value, str):
        return "text " + value.replace("\r\n", "\n").strip()
    return f"{type(value).__name__} {value}"


def same_value(got, want) -> bool:
    """Whether a cell read from a workbook holds what kpi wrote there (numbers within 1e-12)."""
    if isinstance(got, (int, float)) and isinstance(want, (int, float)) and not isinstance(got, bool):
        return not isinstance(want, bool) and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
    return cell_key(got) == cell_key(want)


def content_digest(wb) -> str:
    """sha256 of every non-empty cell of every sheet but the meta sheet: equal for a saved workbook
    read back, different once anything was typed."""
    h = hashlib.sha256()
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        for row in ws.iter_rows():
            for c in row:
                key = cell_key(c.value)
                if key is not None:
                    h.update(f"{ws.title}\t{c.coordinate}\t{key}\n".encode())
    return h.hexdigest()


def check_within_limits(wb, what: str) -> None:
    """Refuse to write a workbook that kpi import would refuse to read (the limits above)."""
    cells = 0
    for ws in wb.worksheets:
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
            raise KpiError(
                f"{what} would have {ws.max_row:,} rows and {ws.max_column:,} columns in sheet {ws.title!r}, more "
                f"than kpi import reads ({MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns): nothing was written"
            )
        cells += ws.max_row * ws.max_column
    if cells > MAX_CELLS:
        raise KpiError(
            f"{what} would have up to {cells:,} cells, more than kpi import reads ({MAX_CELLS:,}): nothing was written"
        )


def is_percent_format(fmt: str | None) -> bool:
    """Whether a number format shows the value ×100 with a % sign (0.0%), as a spreadsheet does
    when one types 78.1%; a quoted or escaped % ("%" or \\%, as the export writes) is a literal."""
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt or "")
    return "%" in plain


@dataclass(frozen=True)
class Rows:
    """An indicator's rows, as offsets from its first (実績値) row; None where it has no such row."""

    milestone: int | None
    national: int | None
    rate: int  # the computed rate (進捗率 …)
    published_rate: int | None
    published_grade: int | None

    @property
    def count(self) -> int:
        return max(r for r in (self.rate, self.published_rate, self.published_grade) if r is not None) + 1


@dataclass(frozen=True)
class Layout:
    """Which rows a workbook gives an indicator. The current format (3): 実績値; the scheme's
    milestone (目安値/期待値: `reference`, a scheme with milestones); 全国 (a national-level target);
    the computed rate; the published rate of each year's actual (published_rates.csv is keyed by
    the actual's year); the published grade of each evaluation year (published_grades.csv is keyed
    by the evaluation year). All but the computed rate are inputs. Format 2 (`current` False):
    実績値, 全国 (from benchmarks.csv, not an input) and the computed rate."""

    current: bool = True
    reference: str | None = None  # "milestone" or "expected_path": the scheme's milestone row

    def rows(self, r) -> Rows:
        national = r["target_kind"] == "national"
        if not self.current:
            return Rows(None, 1 if national else None, 2 if national else 1, None, None)
        at = 1
        milestone = at if self.reference else None
        at += milestone is not None
        nat = at if national else None
        at += national
        return Rows(milestone, nat, at, at + 1, at + 2)


CURRENT_LAYOUT = Layout()  # without milestones; layout_of gives a dataset's


def layout_of(scheme, format_id: str = FORMAT_ID) -> Layout:
    """The layout of a workbook of `format_id` for a dataset graded by `scheme`."""
    return Layout(format_id == FORMAT_ID, scheme.reference if scheme.uses_milestones else None)


def rows_of(r, layout: Layout = CURRENT_LAYOUT) -> int:
    return layout.rows(r).count


@dataclass(frozen=True)
class Fixed:
    value: object
    fmt: str | None = None
    source: str | None = None  # the file to edit instead (checked on import); None: a label, not checked
    what: str = ""


def fixed_cells(
    r, lang: str, years: list[int], bench: dict, vocabulary=None, layout: Layout = CURRENT_LAYOUT
) -> dict[tuple[int, int], Fixed]:
    """The cells of one indicator that come from indicators.csv (and, in format 2, benchmarks.csv),
    and the row labels, keyed by (row offset, column). Export writes them; import checks they were
    left alone."""
    unit, ind = formatting.unit(r, lang), "indicators.csv"
    rows = layout.rows(r)
    cells: dict[tuple[int, int], Fixed] = {}
    cells[(0, COL_NAME)] = Fixed(name_with_unit(r, lang), None, ind, text("col.name", lang))
    if r["baseline_state"] == numbers.NOT_MEASURED:
        cells[(0, COL_BASE)] = Fixed(numbers.NOT_MEASURED_MARK, None, ind, text("col.baseline", lang))
    else:
        cells[(0, COL_BASE)] = Fixed(
            float(r["baseline"]), number_format(r["baseline_decimals"], unit, lang), ind, text("col.baseline", lang)
        )
    cells[(1, COL_BASE)] = Fixed(
        (year_in_brackets(r["baseline_year"], lang) or None), None, ind, text("col.baseline_year", lang)
    )
    kind, what = r["target_kind"], text("col.target", lang)
    target_year = year_in_brackets(r["target_year"], lang) or None
    if kind in ("national", "above_baseline", "at_least_baseline"):
        words = (
            r["target_text_ja"]
            if lang == "ja" and not numbers.is_missing(r["target_text_ja"])
            else text(f"target.{kind}", lang)
        )
        cells[(0, COL_TARGET)] = Fixed(str(words), None, ind, what)
    elif kind == "cumulative":
        period = word(
            "cumulative_period",
            lang,
            a=short_label(int(r["period_start"]), lang),
            b=short_label(int(r["period_end"]), lang),
        )
        words = r["target_text_ja"]
        if numbers.is_missing(r["target"]):  # graded on its path; the final total is not published
            cells[(0, COL_TARGET)] = Fixed(text("target.total_not_published", lang), None, ind, what)
            target_year = f"({period})"
        elif lang == "ja" and not numbers.is_missing(words) and words != text("target.cumulative", "ja"):
            # printed as 12件 over (H28～R1累計): keep the source's own wording of the period
            cells[(0, COL_TARGET)] = Fixed(
                float(r["target"]), number_format(r["target_decimals"], unit, lang), ind, what
            )
            target_year = f"({words})"
        else:  # printed as 累計10,500人 over (H27～R1)
            prefix = text("target.cumulative", lang) if lang == "ja" else ""
            cells[(0, COL_TARGET)] = Fixed(
                float(r["target"]), number_format(r["target_decimals"], unit, lang, prefix), ind, what
            )
            target_year = f"({period})"
    else:
        cells[(0, COL_TARGET)] = Fixed(float(r["target"]), number_format(r["target_decimals"], unit, lang), ind, what)
    cells[(1, COL_TARGET)] = Fixed(target_year, None, ind, text("col.target_year", lang))
    what = text("col.revised_target", lang)
    if numbers.is_missing(r["revised_target"]):
        cells[(0, COL_REVISED)] = Fixed(numbers.NOT_MEASURED_MARK, None, ind, what)
    else:
        cells[(0, COL_REVISED)] = Fixed(
            float(r["revised_target"]), number_format(r["revised_target_decimals"], unit, lang), ind, what
        )
    cells[(1, COL_REVISED)] = Fixed((year_in_brackets(r["revised_target_year"], lang) or None), None, ind, what)
    # the body's own actuals; the milestone row, then for national-level targets the national series
    cells[(0, COL_LABEL)] = Fixed(text("col.actual", lang))
    if rows.milestone is not None:
        cells[(rows.milestone, COL_LABEL)] = Fixed(text(f"col.{layout.reference}", lang))
    if rows.national is not None:
        cells[(rows.national, COL_LABEL)] = Fixed(text("series.national", lang))
    if rows.national is not None and not layout.current:  # format 2: not an input
        for i, y in enumerate(years):
            b = bench.get((r["indicator"], y))
            cells[(rows.national, COL_YEAR0 + i)] = Fixed(
                None if b is None else b[0],
                None if b is None else number_format(b[1], unit, lang),
                "benchmarks.csv",
                f"{text('series.national', lang)} {short_label(y, lang)}",
            )
    cells[(rows.rate, COL_LABEL)] = Fixed(text("col.progress_rate", lang, vocabulary))
    if rows.published_rate is not None:  # the words of kpi new's template (new_dataset.py)
        cells[(rows.published_rate, COL_LABEL)] = Fixed(text("new.published_rate", lang))
        cells[(rows.published_grade, COL_LABEL)] = Fixed(text("new.published_grade", lang))
    return cells


def shown(value, fmt: str | None) -> str:
    """Roughly what a spreadsheet shows: for column widths."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and fmt:
        literals = "".join(re.findall(r'"([^"]*)"', fmt))
        return format_number(float(value), format_decimals(fmt)) + literals
    return str(value)


def format_decimals(fmt: str | None) -> int:
    plain = re.sub(r'"[^"]*"|\\.', "", fmt or "")  # drop literals: "万円" and \%
    m = re.search(r"\.(0+)", plain)
    return len(m.group(1)) if m else 0
