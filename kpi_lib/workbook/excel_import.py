"""Import the edited 実績値 of an exported workbook (excel_export.py) back into the data, and (format 3)
its milestones, national values, published rates and published grades (INPUT_TABLES); a workbook of
format 2 (only 実績値 inputs) is still read, compared with the layout it was written in.

Refuses, before reading it fully, a workbook beyond the limits in excel_layout.py (file size,
unpacked size, cells, rows, columns, cell text) and anything that is not a regular file; refuses a
workbook whose data files changed since it was exported (the `_kpi` sheet records their digests),
so that an old workbook cannot undo newer data. Reads the 実績値 cells back (a percent-formatted
number in a % indicator is the percentage: 0.781 shown as 78.1% is 78.1; a formula counts by its
computed value), checks every cell with the loader's rules (problems name sheet and cell), writes
the changed actuals into a copy of the data directory and validates the copy with every data rule
(plan_import: `kpi import --dry-run` stops here and lists the changes). A change of an actual that
published figures rest on is refused unless asked for (--change-published). Only then
(apply_import) is the actuals.csv it replaces kept (dataset.history: `kpi restore` puts it back)
and the new one written. Unchanged rows keep their text byte for byte; new (indicator, year) rows
go after the indicator's last row.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from kpi_lib.analysis.grading import evaluate
from kpi_lib.core import formatting, numbers, resources
from kpi_lib.core.errors import CellError, DataError, KpiError, Problem
from kpi_lib.core.fiscal_year import parse_fiscal_year, short_label
from kpi_lib.core.formatting import name_with_unit
from kpi_lib.core.frames import records
from kpi_lib.core.labels import check_lang, text
from kpi_lib.dataset.history import State, current_files, write_tables
from kpi_lib.dataset.loading import Dataset, copy_data_files, load_dataset, read_data_file, resolve_data_dir, validate
from kpi_lib.dataset.schema import TABLES
from kpi_lib.dataset.scheme import Scheme, scheme_for
from kpi_lib.dataset.table_diff import CHANGED, REMOVED, TableChange, table_changes
from kpi_lib.workbook.excel_cells import cell_text, check_not_stale, read_actual
from kpi_lib.workbook.excel_export import build_workbook, export_workbook
from kpi_lib.workbook.excel_layout import (
    COL_BASE,
    COL_KEY,
    COL_LABEL,
    COL_NAME,
    COL_TARGET,
    COL_YEAR0,
    CONTENT_DIGEST,
    CURRENT_LAYOUT,
    FIRST_BLOCK_ROW,
    FORMAT_ID,
    KEY_HEADER,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_PARTS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    META_SHEET,
    OLD_FORMAT_IDS,
    Layout,
    cell_key,
    content_digest,
    fixed_cells,
    layout_of,
    same_value,
    sheet_name,
    sheet_words,
    shown,
    word,
)
from kpi_lib.workbook.new_dataset import Created, import_template, is_template


@dataclass(frozen=True)
class Change:
    """One figure that the import changes (old is None for a new row): an actual, or (a workbook of
    the current format) a milestone, a national value, a published rate or a published grade."""

    cells: tuple[str, ...]
    indicator: str
    year: int
    old: str | None
    new: str
    file: str = "actuals.csv"
    project: int | None = None  # published_rates.csv and published_grades.csv: the sheet's project

    @property
    def key(self) -> tuple[tuple[str, str], ...]:
        """The row's key as table_diff gives it."""
        own = (("indicator", self.indicator), ("year", str(self.year)))
        return ((("project", str(self.project)),) if self.project is not None else ()) + own


# The tables whose figures a workbook's input rows hold beside actuals.csv (excel_layout.Layout),
# and the column each writes; the published ones are keyed by the sheet's project too.
INPUT_TABLES = {
    "milestones.csv": "value",
    "benchmarks.csv": "value",
    "published_rates.csv": "progress_rate",
    "published_grades.csv": "grade",
}


@dataclass(frozen=True)
class ImportPlan:
    """What an import writes, found with every check done and nothing written (plan_import)."""

    root: Path
    workbook: str  # the workbook's file name, for the kept state's record
    files: dict[str, bytes]  # the tables it replaces, as written (empty: no changes)
    changes: list[TableChange]  # their rows that change, in the listing's order
    cells: dict[tuple[str, tuple], tuple[str, ...]]  # (file, key) -> the workbook cells of a row
    published: list[Problem]  # changed actuals behind published figures (refused without change_published)
    result: list[Change] | Created
    lang: str = "ja"  # of the messages


def plan_import(path: str | Path, data_dir: str | Path | None = None, lang: str = "ja") -> ImportPlan:
    """Everything an import of the workbook at `path` into data_dir checks, and what it would write.

    An exported workbook's 実績値 cells go into actuals.csv; a template written by `kpi new` instead
    creates the dataset's tables (new_dataset.import_template). Checked before anything is
    written: the workbook's size and kind, whether the data changed since the export, the
    workbook's cells (problems name sheet and cell), then the data directory as it would be after
    the import (every rule of `kpi validate`); a problem raises KpiError (DataError). Changes of
    actuals that published figures rest on are listed in `published` (apply_import refuses them
    unless asked). Nothing is written: `kpi import --dry-run` prints this plan.
    """
    check_lang(lang)
    path = Path(path)
    root = resolve_data_dir(data_dir)
    dataset = load_dataset(root)
    if root.resolve().is_relative_to(resources.PACKAGE_DIR):  # an installed kpi_lib's own example
        raise KpiError(text("import.shipped", lang).format(folder=root))
    book = _open_workbook(path)
    cells: dict[tuple[str, tuple], tuple[str, ...]] = {}
    if is_template(book.values):  # written by kpi new: it defines the dataset's indicators
        files, result = import_template(book, path, root, dataset)
    else:
        files, result = _plan_actuals(book, path, root, dataset)
        for c in result:
            cells[(c.file, c.key)] = c.cells
    for name in files:
        target = root / name
        if not os.access(root, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
            raise KpiError(f"cannot write {target}: the data folder or the file is read-only; nothing was changed")
    changes = table_changes(current_files(root, files), dict(files))
    published = published_changes(dataset, changes, cells, lang)
    return ImportPlan(root, path.name, files, changes, cells, published, result, lang)


def apply_import(plan: ImportPlan, change_published: bool = False) -> State | None:
    """Write a planned import: first keep the tables it replaces (dataset.history: `kpi restore`
    puts them back), then write them. Refuses (DataError, one line per actual, nothing written)
    a change of actuals behind published figures unless `change_published`. Returns the state
    kept (None when there is nothing to write)."""
    if plan.published and not change_published:
        raise DataError(plan.published)
    if not plan.files:
        return None
    return write_tables(plan.root, plan.files, "import", plan.workbook, plan.lang)


def import_workbook(
    path: str | Path, data_dir: str | Path | None = None, *, change_published: bool = False, lang: str = "ja"
) -> list[Change] | Created:
    """plan_import, then apply_import: returns the changes made (an exported workbook; empty when
    it holds the data as it is) or what a template created."""
    plan = plan_import(path, data_dir, lang)
    apply_import(plan, change_published)
    return plan.result


def _plan_actuals(book: _Book, path: Path, root: Path, dataset: Dataset) -> tuple[dict[str, bytes], list[Change]]:
    """An exported workbook's 実績値 (and, in the current format, its milestones, national values,
    published rates and grades): the new tables (none when nothing changes) and the changes."""
    problems: list[Problem] = []
    lang, year, years, layout = _read_meta(book, path, dataset, problems)
    if problems:
        raise DataError(problems)
    results = evaluate(dataset, year, scheme_for(dataset))  # read against, and compared with (unread_cells)
    entries, inputs = _read_sheets(book, path, dataset, lang, year, years, problems, layout, results)
    changes = _changes(entries, dataset, lang, problems) + _input_changes(inputs, dataset, lang, problems)
    if problems:
        raise DataError(problems)
    if not changes:
        _refuse_unread(book, dataset, lang, year, layout, results)
        return {}, []
    order = list(dataset.indicators["indicator"])
    files: dict[str, bytes] = {}
    changed_lines: dict[tuple[str, int], Change] = {}
    for file in ("actuals.csv", *INPUT_TABLES):
        mine = [c for c in changes if c.file == file]
        if not mine:
            continue
        path_of = root / file
        original = read_data_file(path_of) if path_of.is_file() else None
        values = {_row_key(c): _row_fields(c, path.name, dataset) for c in mine}
        files[file], lines = patch_rows(original, TABLES[file.removesuffix(".csv")], values, order)
        changed_lines.update({(file, lines[_row_key(c)]): c for c in mine})
    _check_copy(root, files, changed_lines)
    _refuse_unread(book, dataset, lang, year, layout, results)
    return files, changes


def _row_key(c: Change) -> tuple:
    return ((c.project,) if c.project is not None else ()) + (c.indicator, c.year)


def _row_fields(c: Change, workbook: str, dataset: Dataset) -> dict[str, str]:
    """The fields a change writes: its figure; a national value typed in the workbook is recorded as
    an official statistic entered there, replacing a value derived from a published rate (an
    official one keeps its source)."""
    fields = {INPUT_TABLES.get(c.file, "actual"): c.new}
    if c.file == "benchmarks.csv":
        b = dataset.benchmarks
        was = b[(b["indicator"] == c.indicator) & (b["year"] == c.year)]
        if was.empty or was["provenance"].iloc[0] != "official":
            fields.update(provenance="official", source=f"entered in the workbook {workbook} (kpi import)")
    return fields


def published_changes(dataset: Dataset, changes: list[TableChange], cells: dict, lang: str = "ja") -> list[Problem]:
    """A problem (one line, `lang`) for each changed actual that figures already published rest on:

    - the published rate of its year (published_rates.csv is keyed by the actual's year);
    - the published grade of its year or of a later evaluation year graded on it, i.e. with no
      actual value of its own in between, before or after the change (published_grades.csv is
      keyed by the evaluation year, and a year without an actual is graded on the latest earlier
      one);
    - for a cumulative target summed from annual actuals, every later published rate and grade
      (each year's total includes this year's actual).
    A published grade row whose grade the source does not give (empty) is not counted.

    And for each published rate or grade that the change replaces (one added where none was
    published is not counted), and each changed milestone or national value that a published rate
    or grade of its year rests on."""
    problems = _published_inputs(dataset, changes, cells, lang)
    actual_rows = [
        c
        for c in changes
        if c.file == "actuals.csv" and (c.kind != CHANGED or any(col == "actual" for col, _, _ in c.columns))
    ]
    if not actual_rows:
        return problems
    a = dataset.actuals
    before = {(i, int(y)) for i, y, st in zip(a["indicator"], a["year"], a["actual_state"]) if st == numbers.VALUE}
    after = set(before)
    edits = []
    for c in actual_rows:
        key = (c.value("indicator"), int(c.value("year")))
        old, new = next(((o, n) for col, o, n in c.columns if col == "actual"), (None, None))
        after.discard(key)
        if new is not None and _is_value(new):
            after.add(key)
        edits.append((c, key, old, new))
    rates: dict[str, list[int]] = {}
    for i, y in zip(dataset.published_rates["indicator"], dataset.published_rates["year"]):
        rates.setdefault(i, []).append(int(y))
    grades: dict[str, list[int]] = {}
    pg = dataset.published_grades
    for i, y, g in zip(pg["indicator"], pg["year"], pg["grade"]):
        if isinstance(g, str) and g.strip():
            grades.setdefault(i, []).append(int(y))
    ind = dataset.indicators.set_index("indicator")
    for c, (i, year), old, new in edits:
        if i not in ind.index:
            continue  # an indicator the import adds: nothing of it was published
        running = ind.at[i, "target_kind"] == "cumulative" and ind.at[i, "actual_basis"] == "annual"

        def own_actual_between(e, i=i, year=year):
            return any((i, y) in before or (i, y) in after for y in range(year + 1, e + 1))

        rate_years = sorted({y for y in rates.get(i, []) if y == year or (running and y > year)})
        grade_years = sorted({e for e in grades.get(i, []) if e >= year and (running or not own_actual_between(e))})
        if not rate_years and not grade_years:
            continue
        what = [text("import.published_rate", lang).format(year=short_label(y, lang)) for y in rate_years]
        what += [text("import.published_grade", lang).format(year=short_label(e, lang)) for e in grade_years]
        message = text("import.published", lang).format(
            indicator=i,
            year=short_label(year, lang),
            what=text("import.published_sep", lang).join(what),
            old=old if old else text("diff.empty", lang),
            new=new if new else text("diff.empty", lang),
        )
        where = cells.get((c.file, c.key))
        problems.append(Problem(" and ".join(where) if where else c.file, None, None, message))
    return problems


def _published_inputs(dataset: Dataset, changes: list[TableChange], cells: dict, lang: str) -> list[Problem]:
    """published_changes for the tables of the input rows (INPUT_TABLES)."""
    rates = {(i, int(y)) for i, y in zip(dataset.published_rates["indicator"], dataset.published_rates["year"])}
    pg = dataset.published_grades
    grades = {
        (i, int(y)) for i, y, g in zip(pg["indicator"], pg["year"], pg["grade"]) if isinstance(g, str) and g.strip()
    }
    problems = []
    for c in changes:
        column = INPUT_TABLES.get(c.file)
        if column is None or c.kind not in (CHANGED, REMOVED):
            continue
        old, new = next(((o, n) for col, o, n in c.columns if col == column), (None, None))
        if not old or (c.kind == CHANGED and old == new):
            continue
        i, year = c.value("indicator"), int(c.value("year"))
        label = short_label(year, lang)
        shown_new = new if new else text("diff.empty", lang)
        if c.file in ("published_rates.csv", "published_grades.csv"):
            what = "import.published_rate" if c.file == "published_rates.csv" else "import.published_grade"
            message = text("import.published_figure", lang).format(
                what=text(what, lang).format(year=label), indicator=i, old=old, new=shown_new
            )
        else:
            behind = []
            if (i, year) in rates:
                behind.append(text("import.published_rate", lang).format(year=label))
            if (i, year) in grades:
                behind.append(text("import.published_grade", lang).format(year=label))
            if not behind:
                continue
            reference = (
                text(f"col.{dataset.scheme.reference}", lang)
                if c.file == "milestones.csv"
                else text("series.national", lang)
            )
            message = text("import.published_reference", lang).format(
                reference=reference,
                indicator=i,
                year=label,
                what=text("import.published_sep", lang).join(behind),
                old=old,
                new=shown_new,
            )
        where = cells.get((c.file, c.key))
        problems.append(Problem(" and ".join(where) if where else c.file, None, None, message))
    return problems


def _is_value(cell: str) -> bool:
    try:
        return numbers.parse_cell(cell).state == numbers.VALUE
    except KpiError:
        return False


def export_unless_edited(dataset: Dataset, path: str | Path, year: int | None = None, lang: str = "ja") -> Path:
    """`kpi export` and kpi_lib.export_workbook: write the workbook unless `path` holds typed
    values the data does not (check_overwrite)."""
    check_overwrite(path, dataset)
    return export_workbook(dataset, path, year=year, lang=lang)


def check_overwrite(path: str | Path, dataset: Dataset) -> None:
    """Before `kpi export` replaces `path`: refuse (KpiError naming the file and a cell) when it
    holds 実績値 typed since it was exported that the data does not hold (never imported, perhaps
    refused as stale), or when it is not an export at all (kpi new's template, another workbook).
    An export that is unedited (the digest of its cells), or whose every 実績値 is in the data, may
    be replaced."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    keep = "it was not overwritten: give the export another name, or move the file away"
    try:
        book = _open_workbook(path)
    except KpiError:
        raise KpiError(f"{path} exists and is not a workbook written by kpi export: {keep}") from None
    if is_template(book.values):
        raise KpiError(f"{path} is the template kpi new wrote: {keep}")
    wb = book.values
    meta = {}
    if META_SHEET in wb.sheetnames:
        ws = wb[META_SHEET]
        meta = {str(ws.cell(row=r, column=1).value): ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    if meta.get("format") not in (FORMAT_ID, *OLD_FORMAT_IDS):
        raise KpiError(f"{path} exists and is not a workbook written by kpi export: {keep}")
    if meta.get(CONTENT_DIGEST) == content_digest(wb):
        return  # unedited since it was written
    problems: list[Problem] = []
    try:
        lang = meta.get("lang") if meta.get("lang") in ("ja", "en") else "ja"
        year = parse_fiscal_year(meta.get("year"))
        years = [parse_fiscal_year(y) for y in str(meta.get("years")).split(",")]
        layout = layout_of(dataset.scheme, meta.get("format"))
        entries, inputs = _read_sheets(book, path, dataset, lang, year, years, problems, layout)
        changes = _changes(entries, dataset, lang, []) + _input_changes(inputs, dataset, lang, [])
    except KpiError:
        problems.append(Problem(path.name, None, None, "unreadable"))
    if problems:
        raise KpiError(
            f"{path} was edited since it was exported and its cells no longer read as an export "
            f"({problems[0]}), so kpi cannot tell whether it holds values never imported: {keep}"
        )
    if changes:
        first = changes[0]
        more = f" and {len(changes) - 1} more" if len(changes) > 1 else ""
        raise KpiError(
            f"{path} holds values typed since it was exported that are not in the data ({first.cells[0]}: "
            f"{first.new}{more}): {keep}; or import it first (kpi import {path}), and if the import refuses it "
            "because the data changed since, type them again into the new export"
        )


class _Book:
    """The workbook's values (what the cells show: a formula's last computed value) and its
    formulas (to tell a formula that was never computed from an empty cell).

    One streaming pass (openpyxl's read-only mode) reads every cell with its formula; only a
    workbook holding a formula is read a second time, for the values its formulas last computed.
    A workbook as kpi export writes it holds none: the second pass took a third of an import."""

    def __init__(self, content: bytes, name: str):
        book = _load(content, name, data_only=False, read_only=True)
        try:
            cells = _Cells(book, name)
        finally:
            book.close()
        self._formulas = {ws.title: _formula_cells(ws) for ws in cells.worksheets}
        self.values = cells
        if any(cell.data_type == "f" for ws in cells.worksheets for cell in ws.held()):
            book = _load(content, name, data_only=True, read_only=True)
            try:
                self.values = _Cells(book, name)
            finally:
                book.close()

    def _formulas_of(self, ws) -> dict[tuple[int, int], str]:
        """(row, column) -> formula of each cell of the sheet that holds one."""
        return self._formulas.get(ws.title, {})

    def shown_rows(self, ws) -> list[tuple]:
        """The values of a sheet's rows, with a formula's text where it has no computed value
        (typed, but never calculated: still something typed)."""
        formulas = self._formulas_of(ws)
        out = []
        for r, row in enumerate(ws.iter_rows(values_only=True), 1):
            out.append(tuple(formulas.get((r, c)) if v is None else v for c, v in enumerate(row, 1)))
        return out

    def formula(self, ws, row: int, col: int):
        """The formula in a cell (text starting with =), or None."""
        return self._formulas_of(ws).get((row, col))


class _Cells:
    """A workbook's sheets as the import reads them: each cell read once, streaming (openpyxl's
    read-only mode). A full load builds every cell's style and spreads each merged range's borders
    over its cells, which took most of an import's time; the import needs only values and number
    formats. Offers what the import asks of a workbook: sheetnames, worksheets, wb[name]."""

    def __init__(self, book, name: str):
        self.worksheets = [_SheetCells(ws, name) for ws in book.worksheets]
        self.sheetnames = [ws.title for ws in self.worksheets]

    def __getitem__(self, title: str) -> _SheetCells:
        return self.worksheets[self.sheetnames.index(title)]

    def __contains__(self, title: str) -> bool:
        return title in self.sheetnames


class _SheetCells:
    """One sheet's cells: title, state, size (max_row, max_column: the last row and column holding
    a cell), cell(row=, column=) and iter_rows() as openpyxl's worksheets offer them."""

    def __init__(self, ws, name: str):
        self.title, self.sheet_state = ws.title, ws.sheet_state
        for got, limit, what in ((ws.max_row, MAX_ROWS, "rows"), (ws.max_column, MAX_COLUMNS, "columns")):
            if got is not None and got > limit:  # as the file declares its size
                raise _too_big(Path(name), f"sheet {ws.title!r} has {what} up to", got, limit)
        # a declared size may also be too small or missing: read what the sheet holds (openpyxl's
        # documented remedy), still stopping at the limits
        ws.reset_dimensions()
        self._cells: dict[tuple[int, int], object] = {}
        self.max_row = self.max_column = 0
        for r, row in enumerate(ws.iter_rows(), 1):
            if r > MAX_ROWS:
                raise _too_big(Path(name), f"sheet {ws.title!r} has rows up to", r, MAX_ROWS)
            if len(row) > MAX_COLUMNS:
                raise _too_big(Path(name), f"sheet {ws.title!r} has columns up to", len(row), MAX_COLUMNS)
            if row:
                self.max_row, self.max_column = r, max(self.max_column, len(row))
            for c, cell in enumerate(row, 1):
                if cell.value is not None:
                    self._cells[(r, c)] = cell
        self.max_row, self.max_column = max(self.max_row, 1), max(self.max_column, 1)  # as openpyxl's

    def held(self):
        """Every cell holding a value (in the pass of formulas: a formula's text), as read."""
        return self._cells.values()

    def cell(self, row: int, column: int):
        found = self._cells.get((row, column))
        return found if found is not None else _EmptyCell(row, column)

    def iter_rows(self, values_only: bool = False):
        for r in range(1, self.max_row + 1):
            cells = [self.cell(r, c) for c in range(1, self.max_column + 1)]
            yield tuple(c.value for c in cells) if values_only else tuple(cells)


@dataclass(frozen=True)
class _EmptyCell:
    row: int
    column: int
    value: None = None
    number_format: str = "General"

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


def _formula_cells(sheet: _SheetCells) -> dict[tuple[int, int], str]:
    found = {}
    for cell in sheet.held():
        v = cell.value
        if isinstance(v, str):
            text = v if v.startswith("=") else None
        else:
            text_of = getattr(v, "text", None)  # an array formula
            text = text_of if isinstance(text_of, str) else None
        if text is not None:
            found[(cell.row, cell.column)] = text
    return found


def _too_big(path: Path, what: str, got: int, limit: int, unit: str = "") -> KpiError:
    return KpiError(
        f"{path.name}: {what} {got:,}{unit}, more than an import reads ({limit:,}{unit}): "
        "not a workbook written by 'kpi export'"
    )


def _open_workbook(path: Path) -> _Book:
    """Read the workbook file once (a regular file, within the limits) and parse it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    except FileNotFoundError:
        raise KpiError(f"workbook not found: {path}") from None
    except OSError as e:
        raise KpiError(f"{path}: cannot be opened ({e.strerror or e.__class__.__name__})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, device or socket"
        raise KpiError(f"{path}: not a regular file ({kind}); give the path of an .xlsx workbook")
    with os.fdopen(fd, "rb") as f:
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(path, "the file has", size, MAX_FILE_BYTES, " bytes")
        content = f.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise _too_big(path, "the file has", len(content), MAX_FILE_BYTES, " bytes")
    _check_parts(path, content)
    return _Book(content, path.name)  # each sheet within the row and column limits (_SheetCells)


_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _check_parts(path: Path, content: bytes) -> None:
    """Refuse a zip whose parts unpack to more than the limits, from the sizes its directory
    declares (zipfile never unpacks more than those: a part that would is a CRC error), and count
    the cells of the sheets before openpyxl builds them."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            parts = z.infolist()
            if len(parts) > MAX_PARTS:
                raise _too_big(path, "the file has parts:", len(parts), MAX_PARTS)
            unpacked = sum(p.file_size for p in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _too_big(path, "the file unpacks to", unpacked, MAX_UNPACKED_BYTES, " bytes")
            cells = 0
            for p in parts:
                if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml"):
                    with z.open(p) as f:
                        tail = b""
                        while chunk := f.read(1 << 20):
                            cells += len(_CELL_TAG.findall(tail + chunk))
                            tail = chunk[-16:]
                            cells -= len(_CELL_TAG.findall(tail))  # counted again with the next chunk
                        cells += len(_CELL_TAG.findall(tail))
                    if cells > MAX_CELLS:
                        raise _too_big(path, "the sheets have more cells than", MAX_CELLS, MAX_CELLS)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError) as e:
        raise _not_a_workbook(path.name, e) from None


def _not_a_workbook(name: str, e: Exception) -> KpiError:
    reason = str(e).splitlines()[0] if str(e) else e.__class__.__name__
    return KpiError(f"{name}: not an Excel workbook (.xlsx) written by 'kpi export' ({reason})")


def _load(content: bytes, name: str, data_only: bool, read_only: bool = False):
    try:
        return load_workbook(io.BytesIO(content), data_only=data_only, read_only=read_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, EOFError) as e:
        raise _not_a_workbook(name, e) from None


def _read_meta(
    book: _Book, path: Path, dataset: Dataset, problems: list[Problem]
) -> tuple[str, int, list[int], Layout]:
    """The language, evaluation year, year columns and layout (its format's) the workbook was
    exported with; refuses a workbook of another format, or one whose data changed since it was
    exported."""
    wb = book.values
    if META_SHEET not in wb.sheetnames:
        renamed = next((ws.title for ws in wb.worksheets if ws.cell(row=1, column=1).value == "format"), None)
        if renamed is not None:
            message = f"the hidden sheet {META_SHEET!r} was renamed to {renamed!r}: name it {META_SHEET!r} again"
        else:
            message = f"sheet {META_SHEET!r} is missing: not a workbook written by 'kpi export'"
        problems.append(Problem(path.name, None, None, message))
        return "ja", 0, [], Layout()
    ws = wb[META_SHEET]
    meta, at = {}, {}
    for row in range(1, ws.max_row + 1):
        key = ws.cell(row=row, column=1).value
        if key is not None:
            meta[str(key)], at[str(key)] = ws.cell(row=row, column=2).value, f"{META_SHEET}!B{row}"
    if meta.get("format") not in (FORMAT_ID, *OLD_FORMAT_IDS):
        old = isinstance(meta.get("format"), str) and meta["format"].startswith("kpi_lib workbook")
        why = (
            "written by an earlier kpi_lib that did not record the data it came from: export again"
            if old
            else f"unknown workbook format {meta.get('format')!r} (expected {FORMAT_ID!r})"
        )
        problems.append(Problem(at.get("format", f"{META_SHEET}!B1"), None, None, why))
        return "ja", 0, [], Layout()
    check_not_stale(path, dataset, meta)
    lang = meta.get("lang")
    lang_at = at.get("lang", f"{META_SHEET}!B2")
    sheets_of = {
        lg: {
            sheet_name(p, lg, sheet_words(wb.sheetnames, dataset.project_numbers, lg, dataset.scheme))
            for p in dataset.project_numbers
        }
        for lg in ("ja", "en")
    }
    has_sheets = [lg for lg, names in sheets_of.items() if names <= set(wb.sheetnames)]
    if lang not in ("ja", "en"):
        problems.append(
            Problem(lang_at, None, None, f"unknown language {lang!r} (the hidden sheet {META_SHEET!r} was edited)")
        )
        lang = has_sheets[0] if has_sheets else "ja"
    elif has_sheets and lang not in has_sheets:
        problems.append(
            Problem(
                lang_at,
                None,
                None,
                f"the language cell says {lang!r} but the sheets are those of a {has_sheets[0]!r} workbook "
                f"(the hidden sheet {META_SHEET!r} was edited: set it back to {has_sheets[0]!r}, or export again)",
            )
        )
    try:
        year = parse_fiscal_year(meta.get("year"))
    except KpiError as e:
        problems.append(Problem(at.get("year", f"{META_SHEET}!B3"), None, None, str(e)))
        year = 0
    try:
        years = [parse_fiscal_year(y) for y in str(meta.get("years")).split(",")]
    except KpiError as e:
        problems.append(
            Problem(at.get("years", f"{META_SHEET}!B4"), None, None, f"the record of the year columns: {e}")
        )
        years = []
    return lang, year, years, layout_of(dataset.scheme, meta["format"])


def _ref(ws, row: int, col: int) -> str:
    return f"{ws.title}!{get_column_letter(col)}{row}"


def _read_sheets(
    book: _Book,
    path: Path,
    dataset: Dataset,
    lang: str,
    year: int,
    years: list[int],
    problems: list[Problem],
    layout: Layout = CURRENT_LAYOUT,
    results: pd.DataFrame | None = None,
) -> tuple[list, list]:
    """The 実績値 cells (ref, indicator, year, Cell) and the input rows' cells (ref, file, key,
    value: _read_inputs) of every project sheet (`results`: evaluate(dataset, year), where the
    caller has it)."""
    wb = book.values
    words = sheet_words(wb.sheetnames, dataset.project_numbers, lang, dataset.scheme)
    expected = {sheet_name(p, lang, words): p for p in dataset.project_numbers}
    known = set(expected) | {word("audit_sheet", lang), META_SHEET}
    unknown = [name for name in wb.sheetnames if name not in known]
    missing = [name for name in expected if name not in wb.sheetnames]
    for name in unknown if missing else []:  # an added sheet of one's own is fine; a renamed one is not
        problems.append(
            Problem(
                name,
                None,
                None,
                f"unknown sheet: expected {', '.join(missing)} (was it renamed? sheets must keep their names)",
            )
        )
    if missing and not unknown:
        problems.append(Problem(path.name, None, None, f"sheet {', '.join(missing)} is missing (deleted?)"))
    if results is None:
        results = evaluate(dataset, year, scheme_for(dataset))
    bench = {
        (b.indicator, int(b.year)): (float(b.value), int(b.value_decimals), b.provenance)
        for b in dataset.benchmarks.itertuples()
    }
    entries, inputs = [], []
    for name, project in expected.items():
        if name not in wb.sheetnames:
            continue
        rows = {r["indicator"]: r for r in records(results[results["project"] == project])}
        sheet = _Sheet(book, wb[name], project, dataset.scheme, layout)
        entries += _read_sheet(sheet, rows, lang, years, bench, problems, words, inputs)
    return entries, inputs


@dataclass(frozen=True)
class _Sheet:
    book: _Book
    ws: object
    project: int
    scheme: Scheme
    layout: Layout


def _read_sheet(
    sheet: _Sheet, rows: dict, lang: str, exported_years: list[int], bench: dict, problems, words, inputs: list
) -> list:
    """(ref, indicator, year, Cell) for every 実績値 cell, and the input rows' cells into `inputs`;
    structure problems are added to problems."""
    book, ws = sheet.book, sheet.ws

    def problem(row, col, message):
        problems.append(Problem(_ref(ws, row, col), None, None, message))

    keys = [ws.cell(row=row, column=COL_KEY).value for row in range(1, ws.max_row + 1)]
    if KEY_HEADER not in keys:
        problem(
            FIRST_BLOCK_ROW,
            COL_KEY,
            f"the key column is missing: the hidden column A must hold {KEY_HEADER!r} above "
            "each table and the indicator ids (was it deleted or moved?)",
        )
        return []
    entries, seen = [], {}
    years: dict[int, int] | None = None
    for row in range(1, ws.max_row + 1):
        key = ws.cell(row=row, column=COL_KEY).value
        if key is None or str(key).strip() == "":
            continue
        key = str(key).strip()
        if key == KEY_HEADER:
            years = _read_header(ws, row, lang, exported_years, problem, words)
            continue
        if key not in rows:
            problem(
                row,
                COL_KEY,
                f"unknown indicator key {key!r} for this sheet (the hidden column A holds the keys: do not edit it)",
            )
            continue
        if key in seen:
            problem(row, COL_KEY, f"indicator {key!r} appears twice (first at row {seen[key]})")
            continue
        seen[key] = row
        if years is None:
            continue  # the header's problem is already reported
        r = rows[key]
        for (dr, col), f in fixed_cells(r, lang, list(years.values()), bench, words, sheet.layout).items():
            if f.source is None:
                continue
            got = ws.cell(row=row + dr, column=col).value  # year columns are contiguous from COL_YEAR0
            if not _same_value(got, f.value):
                old = shown(f.value, f.fmt) or "(empty)"
                new = "(empty)" if got is None or str(got).strip() == "" else str(got)
                problem(
                    row + dr,
                    col,
                    f"{f.what}: the workbook has {new}, the data has {old}; only 実績値 cells are imported "
                    f"(change it in {f.source}, or export again if the data changed after the export)",
                )
        unit = formatting.unit(r, "ja")
        for col, y in years.items():
            ref = _ref(ws, row, col)
            cell = ws.cell(row=row, column=col)
            formula = book.formula(ws, row, col) if cell.value is None or isinstance(cell.value, str) else None
            try:
                value = read_actual(cell, unit, formula)
            except CellError as e:
                problems.append(Problem(ref, None, None, str(e)))
                continue
            entries.append((ref, key, y, value))
            inputs += _read_inputs(sheet, sheet.layout.rows(r), row, col, key, y, unit, problems)
    for key, r in rows.items():
        if key not in seen:
            name = name_with_unit(r, lang)
            problems.append(
                Problem(ws.title, None, None, f"no row for indicator {key!r} ({name}): rows must not be deleted")
            )
    return entries


def _read_inputs(sheet: _Sheet, rows, row: int, col: int, key: str, year: int, unit: str, problems) -> list:
    """(ref, file, key, value) of an indicator's input cells in a year's column (the current
    format's milestone, national value, published rate, published grade): a numbers.Cell, or for a
    grade its text in the scheme's spelling ("" for an empty cell). A bad cell is a problem naming it."""
    ws, out = sheet.ws, []
    label = short_label(year, "en")
    milestone = text(f"col.{sheet.layout.reference}", "en") if rows.milestone is not None else ""
    numeric = [
        (rows.milestone, "milestones.csv", (key, year), unit, False, milestone),
        (rows.national, "benchmarks.csv", (key, year), unit, False, text("series.national", "en")),
        (
            rows.published_rate,
            "published_rates.csv",
            (sheet.project, key, year),
            "%",
            True,
            text("new.published_rate", "en"),
        ),
    ]
    for dr, file, k, u, states, what in numeric:
        if dr is None or (file == "benchmarks.csv" and not sheet.layout.current):
            continue
        ref = _ref(ws, row + dr, col)
        cell = ws.cell(row=row + dr, column=col)
        formula = sheet.book.formula(ws, row + dr, col) if cell.value is None or isinstance(cell.value, str) else None
        try:
            value = read_actual(cell, u, formula)
        except CellError as e:
            problems.append(Problem(ref, None, None, f"{what} {label}: {e}"))
            continue
        if value.state not in (numbers.VALUE, numbers.BLANK) and not states:
            problems.append(
                Problem(ref, None, None, f"{what} {label}: {cell_text(value)} is not a number (type the number)")
            )
            continue
        out.append((ref, file, k, value))
    if rows.published_grade is not None:
        r = row + rows.published_grade
        ref, what = _ref(ws, r, col), f"{text('new.published_grade', 'en')} {label}"
        v = ws.cell(row=r, column=col).value
        formula = sheet.book.formula(ws, r, col) if v is None or isinstance(v, str) else None
        if formula is not None and (v is None or (isinstance(v, str) and v.startswith("#"))):
            problems.append(
                Problem(ref, None, None, f"{what}: a formula with no computed value ({formula}): type the grade")
            )
            return out
        got = "" if v is None else str(v).strip()
        grade = _scheme_grade(got, sheet.scheme)
        if grade is None:
            grades = (
                sheet.scheme.ranking if set(sheet.scheme.ranking) == set(sheet.scheme.grades) else sheet.scheme.grades
            )
            problems.append(
                Problem(
                    ref, None, None, f"{what}: {got!r} is not a grade of the scheme (its grades: {', '.join(grades)})"
                )
            )
        else:
            out.append((ref, "published_grades.csv", (sheet.project, key, year), grade))
    return out


def _scheme_grade(got: str, scheme: Scheme) -> str | None:
    """A typed grade in the scheme's spelling, matched by width and form as the loader matches
    published_grades.csv (Ａ③ is A③); "" for an empty cell; None for a word that is not a grade."""
    if not got or got in scheme.grades:
        return got
    forms: dict[str, list[str]] = {}
    for g in scheme.grades:
        forms.setdefault(_fold(g), []).append(g)
    found = forms.get(_fold(got), [])
    return found[0] if len(found) == 1 else None


def _fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip().upper()


def _read_header(ws, row: int, lang: str, exported_years: list[int], problem, words=None) -> dict[int, int] | None:
    """{column: year} of a table's header, or None (with a problem) when its layout was changed:
    the year headings must be those the workbook was exported with, in the same columns."""
    ok = True
    for col, want in (
        (COL_NAME, text("col.name", lang)),
        (COL_BASE, text("col.baseline", lang)),
        (COL_TARGET, word("target", lang)),
        (COL_LABEL, text("col.actual", lang)),
    ):
        got = ws.cell(row=row, column=col).value
        if got != want:
            problem(
                row,
                col,
                f"expected the heading {want!r}, found {got!r} (columns must not be inserted, deleted or moved)",
            )
            ok = False
    grade_col = next(
        (
            c
            for c in range(COL_YEAR0, ws.max_column + 1)
            if ws.cell(row=row, column=c).value == text("col.grade", lang, words)
        ),
        None,
    )
    if grade_col is None:
        problem(row, COL_YEAR0, f"no {text('col.grade', lang, words)!r} heading after the year columns")
        return None
    years: dict[int, int] = {}
    for col in range(COL_YEAR0, grade_col):
        raw = ws.cell(row=row + 1, column=col).value
        try:
            y = parse_fiscal_year(raw)
        except KpiError as e:
            problem(row + 1, col, str(e))
            ok = False
            continue
        if y in years.values():
            problem(row + 1, col, f"year {short_label(y, lang)} appears twice in the heading")
            ok = False
        years[col] = y
    if not ok:
        return None
    if len(years) != len(exported_years):
        problem(
            row + 1,
            grade_col - 1,
            f"{len(years)} year columns, but the workbook was exported with {len(exported_years)} "
            f"({', '.join(short_label(y, lang) for y in exported_years)}): columns must not be inserted or deleted",
        )
        return None
    for (col, y), want in zip(years.items(), exported_years):
        if y != want:
            problem(
                row + 1,
                col,
                f"the heading says {short_label(y, lang)}, but this column was exported as "
                f"{short_label(want, lang)} (year headings must not be edited or moved)",
            )
            ok = False
    return years if ok else None


def _refuse_unread(
    book: _Book, dataset: Dataset, lang: str, year: int, layout: Layout = CURRENT_LAYOUT, results=None
) -> None:
    problems = unread_cells(book, dataset, lang, year, layout, results)
    if problems:
        raise DataError(problems)


MAX_UNREAD_SHOWN = 10  # cells named one by one; more are counted in one line


def unread_cells(
    book: _Book, dataset: Dataset, lang: str, year: int, layout: Layout = CURRENT_LAYOUT, results=None
) -> list[Problem]:
    """Every cell holding something that an import would not read: a value typed outside the 実績値
    cells (in a 進捗率 row, the 進捗 column, an inserted row, beside or below the tables, on a sheet
    of one's own) or text changed. The workbook is compared with what the export writes from the
    same data (which the digests guarantee): indicator rows by their key, the other rows in order
    (empty rows inserted or deleted do not matter), so exporting again shows every value typed.
    `results`: evaluate(dataset, year), where the caller has it."""
    # as the export wrote it, in the words its sheets are named in (an older workbook: LEGACY_WORDS)
    words = sheet_words(book.values.sheetnames, dataset.project_numbers, lang, dataset.scheme)
    format_id = FORMAT_ID if layout.current else OLD_FORMAT_IDS[0]
    pristine, ctx = build_workbook(dataset, year, lang, words, format_id, merged=False, results=results)
    rows_by = {r["indicator"]: layout.rows(r) for r in records(ctx.results)}
    inputs = range(COL_YEAR0, COL_YEAR0 + len(ctx.years))
    found: list[Problem] = []
    wb = book.values
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        rows = book.shown_rows(ws)
        if ws.title in pristine.sheetnames:
            found += _unread_on_sheet(
                ws, rows, pristine[ws.title], rows_by, inputs, COL_YEAR0 + len(ctx.years), words, layout
            )
            continue
        first = next(((r, c, v) for r, c, v in _values(rows) if cell_key(v) is not None), None)
        if first is not None:
            r, c, v = first
            found.append(
                Problem(
                    _ref(ws, r, c),
                    None,
                    None,
                    f"{v!r} is on sheet {ws.title!r}, which kpi import does not read (only the project sheets): "
                    "move it to a file of your own or delete the sheet, then import",
                )
            )
    if len(found) > MAX_UNREAD_SHOWN:
        more = len(found) - MAX_UNREAD_SHOWN
        found = found[:MAX_UNREAD_SHOWN] + [Problem(found[-1].file, None, None, f"and {more:,} more cells not read")]
    return found


def _values(rows: list[tuple]):
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            yield r, c, v


def _blocks(rows: list[tuple], sizes: dict[str, int]) -> tuple[dict, list[int]]:
    """{("header", n) or ("indicator", key): first row index} of a sheet's tables, and the indexes
    of the rows outside them (titles, blank rows, notes, rows inserted by hand)."""
    blocks, free, i, headers = {}, [], 0, 0
    while i < len(rows):
        key = rows[i][COL_KEY - 1] if rows[i] else None
        key = "" if key is None else str(key).strip()
        if key == KEY_HEADER:
            ident, size = ("header", headers), 2
            headers += 1
        elif key in sizes:
            ident, size = ("indicator", key), sizes[key]
        else:
            free.append(i)
            i += 1
            continue
        blocks.setdefault(ident, i)
        i += size
    return blocks, free


def _unread_on_sheet(
    ws, rows: list[tuple], pristine_ws, rows_by: dict, inputs: range, grade_col: int, words, layout: Layout
) -> list[Problem]:
    sizes = {k: r.count for k, r in rows_by.items()}
    typed = {  # the input rows of each indicator (offsets), read as figures
        k: {
            dr
            for dr in (0, r.milestone, r.national if layout.current else None, r.published_rate, r.published_grade)
            if dr is not None
        }
        for k, r in rows_by.items()
    }
    want = list(pristine_ws.iter_rows(values_only=True))
    got_blocks, got_free = _blocks(rows, sizes)
    want_blocks, want_free = _blocks(want, sizes)

    def at(table, i, c):
        return table[i][c - 1] if 0 <= i < len(table) and c - 1 < len(table[i]) else None

    found = []

    def unread(i, c, why):
        v = at(rows, i, c)
        found.append(Problem(_ref(ws, i + 1, c), None, None, f"{v!r} is not read by kpi import: {why}"))

    width = ws.max_column
    for ident, i in got_blocks.items():
        j = want_blocks.get(ident)
        size = 2 if ident[0] == "header" else sizes[ident[1]]
        for dr in range(size):
            for c in range(COL_KEY + 1, width + 1):
                v = at(rows, i + dr, c)
                if cell_key(v) is None or (ident[0] == "indicator" and dr in typed[ident[1]] and c in inputs):
                    continue
                if j is not None and same_value(v, at(want, j + dr, c)):
                    continue
                if ident[0] == "header" and dr == 1 and c in inputs and j is not None:
                    if _same_year(v, at(want, j + dr, c)):  # 2015 for H27: read as the same year
                        continue
                if ident[0] == "indicator" and dr == rows_by[ident[1]].rate and c in inputs:
                    why = (
                        f"the {text('col.progress_rate', 'ja', words)} row is computed; type the actual in "
                        f"{get_column_letter(c)}{i + 1}"
                    )
                elif c == grade_col:
                    why = f"the {text('col.grade', 'ja', words)} column is computed from the actuals"
                elif c > grade_col:
                    why = "it is beside the table (only the 実績値 cells are read); delete it, then import"
                else:
                    why = "only the 実績値 cells are read (a heading, name or figure of the data is changed in the data files)"
                unread(i + dr, c, why)
    # the rows outside the tables, in order: each must be one the export wrote (or be empty)
    k = 0
    wanted = [j for j in want_free if any(cell_key(v) is not None for v in want[j])]
    for i in got_free:
        if all(cell_key(v) is None for v in rows[i]):
            continue
        match = next(
            (
                n
                for n in range(k, len(wanted))
                if all(cell_key(v) is None or same_value(v, at(want, wanted[n], c)) for c, v in enumerate(rows[i], 1))
            ),
            None,
        )
        if match is not None:
            k = match + 1
            continue
        j = wanted[k] if k < len(wanted) else None
        c = next(
            c
            for c, v in enumerate(rows[i], 1)
            if cell_key(v) is not None and (j is None or not same_value(v, at(want, j, c)))
        )
        unread(
            i,
            c,
            "it is outside the indicators' rows (a row inserted, or a note or title edited); only the 実績値 cells are read",
        )
    return found


def _same_year(got, want) -> bool:
    try:
        return parse_fiscal_year(got) == parse_fiscal_year(want)
    except KpiError:
        return False


def _same_value(got, want) -> bool:
    if want is None or want == "":
        return got is None or (isinstance(got, str) and got.strip() == "")
    if isinstance(want, float):
        return (
            isinstance(got, (int, float))
            and not isinstance(got, bool)
            and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
        )
    return isinstance(got, str) and got.strip() == want


def _equal(a: numbers.Cell, b: numbers.Cell) -> bool:
    if a.state != b.state:
        return False
    return a.state != numbers.VALUE or math.isclose(a.value, b.value, rel_tol=1e-12, abs_tol=1e-12)


def _changes(entries: list, dataset: Dataset, lang: str, problems: list[Problem]) -> list[Change]:
    data = {}
    for r in dataset.actuals.itertuples():
        data[(r.indicator, int(r.year))] = numbers.Cell(
            r.actual_state,
            None if pd.isna(r.actual) else float(r.actual),
            0 if pd.isna(r.actual_decimals) else int(r.actual_decimals),
        )
    precision = dict(zip(dataset.indicators["indicator"], dataset.indicators["decimals"]))
    grouped: dict[tuple[str, int], list] = {}
    for ref, ind, year, cell in entries:
        if cell.state == numbers.VALUE and cell.decimals < int(precision.get(ind, 0)):
            # a spreadsheet keeps 1.40 as 1.4: the value is written with the indicator's precision
            cell = numbers.Cell(cell.state, cell.value, int(precision[ind]))
        grouped.setdefault((ind, year), []).append((ref, cell))
    changes = []
    for (ind, year), cells in grouped.items():
        old = data.get((ind, year))
        edited = []
        for ref, cell in cells:
            if cell.state == numbers.BLANK:
                if old is not None:
                    problems.append(
                        Problem(
                            ref,
                            None,
                            None,
                            f"empty cell: the data has {cell_text(old)} here; write a number, "
                            f"{numbers.NOT_YET_MARK} or {numbers.NOT_MEASURED_MARK} (to remove an actual, delete its row in actuals.csv)",
                        )
                    )
                continue
            if old is None or not _equal(cell, old):
                edited.append((ref, cell))
        if not edited:
            continue
        first_ref, first = edited[0]
        clash = next(((ref, c) for ref, c in edited[1:] if not _equal(c, first)), None)
        if clash is not None:
            problems.append(
                Problem(
                    first_ref,
                    None,
                    None,
                    f"conflicts with {clash[0]}: {ind} {short_label(year, lang)} is {cell_text(first)} here and "
                    f"{cell_text(clash[1])} there (the indicator is on both sheets: make them agree)",
                )
            )
            continue
        changes.append(
            Change(
                tuple(ref for ref, _ in edited), ind, year, None if old is None else cell_text(old), cell_text(first)
            )
        )
    order = {ind: i for i, ind in enumerate(dataset.indicators["indicator"])}
    return sorted(changes, key=lambda c: (order.get(c.indicator, len(order)), c.year))


def _input_changes(inputs: list, dataset: Dataset, lang: str, problems: list[Problem]) -> list[Change]:
    """The input rows' figures (milestones, national values, published rates and grades) that differ
    from the data; an emptied cell that holds a figure, or two sheets that disagree, is a problem."""
    data: dict[tuple[str, tuple], object] = {}
    for m in dataset.milestones.itertuples():
        if pd.notna(m.value):
            data[("milestones.csv", (m.indicator, int(m.year)))] = numbers.Cell(
                numbers.VALUE, float(m.value), int(m.value_decimals)
            )
    for b in dataset.benchmarks.itertuples():
        data[("benchmarks.csv", (b.indicator, int(b.year)))] = numbers.Cell(
            numbers.VALUE, float(b.value), int(b.value_decimals)
        )
    for r in dataset.published_rates.itertuples():
        data[("published_rates.csv", (int(r.project), r.indicator, int(r.year)))] = numbers.Cell(
            r.progress_rate_state,
            None if pd.isna(r.progress_rate) else float(r.progress_rate),
            0 if pd.isna(r.progress_rate_decimals) else int(r.progress_rate_decimals),
        )
    for g in dataset.published_grades.itertuples():
        if isinstance(g.grade, str) and g.grade.strip():
            data[("published_grades.csv", (int(g.project), g.indicator, int(g.year)))] = g.grade

    def shown(v) -> str:
        return v if isinstance(v, str) else cell_text(v)

    def same(a, b) -> bool:
        return a == b if isinstance(a, str) or isinstance(b, str) else _equal(a, b)

    grouped: dict[tuple[str, tuple], list] = {}
    for ref, file, key, value in inputs:
        grouped.setdefault((file, key), []).append((ref, value))
    changes = []
    for (file, key), cells in grouped.items():
        old = data.get((file, key))
        edited = []
        for ref, value in cells:
            if value == "" or (not isinstance(value, str) and value.state == numbers.BLANK):
                if old is not None:
                    problems.append(
                        Problem(
                            ref,
                            None,
                            None,
                            f"empty cell: the data has {shown(old)} here ({file}); type it again "
                            f"(to remove it, delete its row in {file})",
                        )
                    )
                continue
            if old is None or not same(value, old):
                edited.append((ref, value))
        if not edited:
            continue
        (first_ref, first), *rest = edited
        clash = next(((ref, v) for ref, v in rest if not same(v, first)), None)
        *project, ind, year = key
        if clash is not None:
            problems.append(
                Problem(
                    first_ref,
                    None,
                    None,
                    f"conflicts with {clash[0]}: {ind} {short_label(year, lang)} is {shown(first)} here and "
                    f"{shown(clash[1])} there (the indicator is on both sheets: make them agree)",
                )
            )
            continue
        changes.append(
            Change(
                tuple(ref for ref, _ in edited),
                ind,
                year,
                None if old is None else shown(old),
                shown(first),
                file,
                project[0] if project else None,
            )
        )
    order = {ind: i for i, ind in enumerate(dataset.indicators["indicator"])}
    files = list(INPUT_TABLES)
    return sorted(
        changes, key=lambda c: (files.index(c.file), order.get(c.indicator, len(order)), c.year, c.project or 0)
    )


# --- patching a table line by line --------------------------------------------------------


def _records(text: str):
    """(first line index, end line index, fields) of every CSV record, header included."""
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    consumed = [0]

    def feed():
        for line in lines:
            consumed[0] += 1
            yield line

    reader = csv.reader(feed(), strict=True)
    out, start = [], 0
    for fields in reader:
        out.append((start, consumed[0], fields))
        start = consumed[0]
    return lines, out


def patch_actuals(
    original: bytes, values: dict[tuple[str, int], str], indicator_order: list[str]
) -> tuple[bytes, dict]:
    """actuals.csv with `values` ({(indicator, year): actual}) written in (patch_rows)."""
    return patch_rows(original, TABLES["actuals"], {k: {"actual": v} for k, v in values.items()}, indicator_order)


def patch_rows(
    original: bytes | None, table, values: dict[tuple, dict[str, str]], indicator_order: list[str]
) -> tuple[bytes, dict]:
    """A table file with `values` ({key: {column: text}}, the key's fields in the order of the
    table's key, the year an int) written in: changed rows have those columns rewritten, new rows
    go after the last row of the same key but the year (the indicator's, or the project's
    indicator's), years ascending, or at the end; every other byte stays as it was. `original`
    None: a new file with the table's header. Returns the new bytes and {key: line number} of the
    written rows."""
    if original is None:
        original = (",".join(table.column_names) + "\n").encode()
    bom = original.startswith(b"\xef\xbb\xbf")
    text_ = original.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text_ else "\n"
    lines, records = _records(text_)
    header = [h.strip() for h in records[0][2]]
    at = [header.index(k) for k in table.key]
    kinds = {c.name: c.type for c in table.columns}

    def key_of(fields):
        out = []
        for k, i in zip(table.key, at):
            v = fields[i].strip()
            out.append(parse_fiscal_year(v) if kinds[k] == "year" else (int(v) if kinds[k] == "int" else v))
        return tuple(out)

    year_at = table.key.index("year")

    def group(key):
        return key[:year_at] + key[year_at + 1 :]

    where: dict[tuple, tuple[int, int, list]] = {}
    last_of: dict[tuple, int] = {}
    for start, end, fields in records[1:]:
        if len(fields) != len(header):
            continue
        try:
            key = key_of(fields)
        except (KpiError, ValueError):
            continue
        where[key] = (start, end, fields)
        last_of[group(key)] = end
    replaced: dict[int, str] = {}  # first line index -> new text for the whole record
    dropped: set[int] = set()  # further lines of a rewritten multi-line record
    inserted: dict[int, list[tuple]] = {}  # insert before line index -> rows
    appended: list[tuple] = []
    ind_at = table.key.index("indicator")
    for key, columns in sorted(values.items(), key=lambda kv: (kv[0][year_at], kv[0])):
        if key in where:
            start, end, fields = where[key]
            ending = newline if lines[end - 1].endswith("\n") else ""
            fields = list(fields)
            for column, value in columns.items():
                fields[header.index(column)] = value
            replaced[start] = _csv_line(fields, ending)
            dropped.update(range(start + 1, end))
        else:
            row = [""] * len(header)
            for k, v in zip(at, key):
                row[k] = str(v)
            for column, value in columns.items():
                row[header.index(column)] = value
            if group(key) in last_of:
                inserted.setdefault(last_of[group(key)], []).append((key[year_at], row))
            else:
                ind = key[ind_at]
                position = indicator_order.index(ind) if ind in indicator_order else len(indicator_order)
                appended.append((position, group(key), key[year_at], row))
    out: list[str] = []
    for i in range(len(lines) + 1):
        for _, row in sorted(inserted.get(i, []), key=lambda t: t[0]):
            if out and not out[-1].endswith("\n"):
                out[-1] += newline
            out.append(_csv_line(row, newline))
        if i == len(lines):
            break
        if i in dropped:
            continue
        out.append(replaced.get(i, lines[i]))
    for *_, row in sorted(appended, key=lambda t: t[:3]):
        if out and not out[-1].endswith("\n"):
            out[-1] += newline
        out.append(_csv_line(row, newline))
    new_text = "".join(out)
    _, new_records = _records(new_text)
    line_of = {}
    for start, _, fields in new_records[1:]:
        if len(fields) == len(header):
            try:
                line_of[key_of(fields)] = start + 1
            except (KpiError, ValueError):
                pass
    data = new_text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data if bom else data), {k: line_of[k] for k in values}


def _csv_line(fields: list[str], ending: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=ending).writerow(fields)
    return buf.getvalue()


# --- validate a copy, then replace ------------------------------------------------------------


def _check_copy(root: Path, files: dict[str, bytes], changed_lines: dict[tuple[str, int], Change]) -> None:
    """Validate the data directory as it would be after writing `files`; raise DataError if not
    valid, naming the workbook cells behind each bad row written ({(file, line): change})."""
    with tempfile.TemporaryDirectory(prefix="kpi-import-") as tmp:
        copy = Path(tmp) / "data"
        copy_data_files(root, copy)  # only the data files: never a pipe, a device or a link to one there
        for name, data in files.items():
            (copy / name).unlink(missing_ok=True)
            (copy / name).write_bytes(data)
        problems = validate(copy)
    if not problems:
        return
    mapped = []
    for p in problems:
        change = changed_lines.get((p.file, p.line))
        if change is not None:
            mapped.append(Problem(" and ".join(change.cells), None, None, p.message))
            continue
        # a rule of another table that the new actuals break (a national value missing for the year …)
        cells = [ref for c in changed_lines.values() if f"'{c.indicator}'" in p.message for ref in c.cells]
        mapped.append(Problem(" and ".join(cells), None, None, str(p)) if cells else p)
    raise DataError(mapped)
