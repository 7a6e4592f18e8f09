"""`kpi new`: an empty, valid dataset and a workbook template to fill in; `kpi import` of that
template then reads the dataset's tables from it (import_template) and writes them.

The dataset: metadata.json (the titles given, the scheme, the strategy period), the header of
every required table (schema.py), milestones.csv's header for a scheme that measures actuals
against milestones, and a scheme given as a .toml path, copied in. It is built in a temporary
folder beside DIR and renamed into place, so nothing is half-written.

The workbook (DIR/workbook.xlsx) has the layout of `kpi export` (excel_layout.py): one sheet per
project, a 数値目標 block and a KPI block with the columns 設定項目, 基準値, 目標値 (戦略策定時,
見直し後), 実績値 per year of the period and 進捗, then four definition columns: unit, direction,
target kind, actual basis. The project's names and catch lines are typed at the top of its sheet.
Each indicator has an empty slot of rows: the first holds the Japanese name, the values, the
actuals and the definitions; the second the English name, the years (and the unit in English,
the first year of a cumulative period, the year basis of the figures under the actual basis:
fiscal, calendar or, left empty, not_stated; a drop-down list says so); the third row of the unit
column the English unit after exactly 1 (unit_en_singular); for a scheme with milestones, the second row's year
cells hold the milestone (目安値) or expected value (期待値) of each year. Indicator ids are
written in the hidden column A: p{project}_t{nn} for the n-th 数値目標 slot, p{project}_k{nn}
for the n-th KPI slot (a user may change them there). Slots and sheets left empty are skipped.
The hidden sheet `_kpi` records the format and the digests of the empty data files, so the
template can only be imported into the dataset it was written with, once.

`kpi add-indicators` (write_additions) writes the same layout for a dataset that has indicators:
a sheet per existing project (its names shown, its indicators listed in the note), slots whose ids
continue the template's, and empty sheets for new projects; its import (import_additions) appends
the rows read to the tables, every existing row kept byte for byte.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kpi_lib.core import numbers
from kpi_lib.core.errors import CellError, DataError, KpiError, Problem
from kpi_lib.core.files import new_dir_mode, temp_prefix, write_atomically
from kpi_lib.core.fiscal_year import YEAR_BASES, parse_fiscal_year, short_label
from kpi_lib.core.labels import check_lang, kind_label, text
from kpi_lib.dataset.loading import copy_data_files, load_dataset, validate
from kpi_lib.dataset.schema import ACTUAL_BASES, DIRECTIONS, KINDS, METADATA_FILE, TABLES, TARGET_KINDS
from kpi_lib.dataset.scheme import Scheme, load_scheme
from kpi_lib.workbook.excel_cells import (
    COMPUTED_FILL,
    HEADER_FILL,
    UNLOCKED,
    ValuesOnlyWorkbook,
    cell_text,
    merge,
    print_landscape_a4,
    put_value,
    read_actual,
    write_cell,
    write_table_header,
)
from kpi_lib.workbook.excel_layout import (
    COL_BASE,
    COL_KEY,
    COL_KIND,
    COL_LABEL,
    COL_NAME,
    COL_REVISED,
    COL_TARGET,
    COL_YEAR0,
    DIGEST_PREFIX,
    KEY_HEADER,
    LEGACY_WORDS,
    MAX_CELLS,
    MAX_COLUMNS,
    META_SHEET,
    cell_key,
    data_digests,
    same_value,
    sheet_name,
)

TEMPLATE_FORMAT_ID = "kpi_lib template 2"
# templates written before the published rows (their 進捗率 row is computed, left empty): still read
OLD_TEMPLATE_FORMAT_IDS = ("kpi_lib template 1",)
WORKBOOK_NAME = "workbook.xlsx"
DEFAULT_PROJECTS = 3
DEFAULT_ROWS = 8  # empty indicator slots per block
MAX_PROJECTS = 50
MAX_SLOTS = 50
MAX_TEXT = 500  # characters of a name, unit or catch line

# Template rows: 1 the note; 2-5 the project's names and catch lines (label in 設定項目's column,
# the value in 基準値's); 6 blank; the blocks from 7.
NOTE_ROW = 1
PROJECT_FIELDS = ("name_ja", "name_en", "catch_ja", "catch_en")
FIELD_ROW0 = 2
BLOCK_ROW = 7
SLOT_PREFIX = {"数値目標": "t", "KPI": "k"}


@dataclass(frozen=True)
class Columns:
    """The template's year columns and the definition columns after 進捗."""

    years: tuple[int, ...]

    def year_col(self, i: int) -> int:
        return COL_YEAR0 + i

    @property
    def grade(self) -> int:
        return COL_YEAR0 + len(self.years)

    @property
    def unit(self) -> int:
        return self.grade + 1

    @property
    def direction(self) -> int:
        return self.grade + 2

    @property
    def target_kind(self) -> int:
        return self.grade + 3

    @property
    def actual_basis(self) -> int:
        return self.grade + 4


@dataclass(frozen=True)
class Created:
    """What an import of a template wrote."""

    data_dir: Path
    projects: int
    indicators: int
    actuals: int
    milestones: int
    published_rates: int = 0
    published_grades: int = 0
    added: bool = False  # appended to an existing dataset (kpi add-indicators), not created


def slot_rows(scheme: Scheme, published: bool = True) -> int:
    """Rows of one indicator slot: 実績値 (and the milestone row), 進捗率, and (a template of the
    current format, `published`) the published grade (進捗) of each evaluation year. The 進捗率 row
    of the current format takes the published rate of each year's actual (optional)."""
    return (3 if scheme.uses_milestones else 2) + published


def rate_row(scheme: Scheme) -> int:
    """The 進捗率 row's offset in a slot."""
    return 2 if scheme.uses_milestones else 1


def slot_id(project: int, kind: str, n: int) -> str:
    return f"p{project}_{SLOT_PREFIX[kind]}{n:02d}"


# --- kpi new ------------------------------------------------------------------------------------


def new_dataset(
    directory: str | Path,
    scheme: str,
    title_ja: str,
    title_en: str | None,
    first_year: int,
    last_year: int,
    lang: str = "ja",
    projects: int = DEFAULT_PROJECTS,
    rows: int = DEFAULT_ROWS,
    source: dict[str, str] | None = None,
    level: tuple[str | None, str | None] = (None, None),
) -> Path:
    """Write an empty, valid dataset and its workbook template into `directory` (a new or empty
    folder); return the workbook's path. `source`: metadata.json's source keys (title_ja,
    publisher_ja, url, date …), checked as kpi validate checks them. KpiError (one line) on any
    problem, with nothing written. `level`: what the dataset calls its projects, in Japanese and
    English (metadata.json report.level_ja / level_en: 基本目標; the sheets are named so)."""
    check_lang(lang)
    shown = directory
    target = Path(directory).absolute()  # "." has no name and no parent of its own
    if target.exists() or target.is_symlink():
        if not target.is_dir() or any(target.iterdir()):
            raise KpiError(f"{shown} already exists and is not an empty folder: kpi new writes only a new dataset")
        target = target.resolve()  # an empty folder, or a link to one: written into, never replaced
    if not target.parent.is_dir():
        raise KpiError(f"cannot create {shown}: folder {target.parent} does not exist")
    if first_year > last_year:
        raise KpiError(f"the strategy period ends (FY{last_year}) before it starts (FY{first_year})")
    if not 1 <= projects <= MAX_PROJECTS:
        raise KpiError(f"--projects must be from 1 to {MAX_PROJECTS}")
    if not 1 <= rows <= MAX_SLOTS:
        raise KpiError(f"--rows must be from 1 to {MAX_SLOTS}")
    check_template_size(projects, rows, last_year - first_year + 1)
    for option, title in (("--title-ja", title_ja), ("--title-en", title_en)):
        if title is not None and not title.strip():
            raise KpiError(f"{option} is empty: the reports name the strategy by it")
    scheme_file = Path(scheme) if str(scheme).endswith(".toml") else None
    loaded = load_scheme(scheme_file or scheme)  # a one-line KpiError when unknown or invalid
    metadata = {
        "title_ja": title_ja.strip(),
        **({"title_en": title_en.strip()} if title_en is not None else {}),  # Japanese-only without it
        "source": {k: v.strip() for k, v in (source or {}).items()},
        "scheme": scheme_file.name if scheme_file else str(scheme),
        "period": {"first": first_year, "last": last_year},
    }
    words = {f"level_{lang_}": w.strip() for lang_, w in zip(("ja", "en"), level) if w is not None}
    if words:
        metadata["report"] = words
    try:
        tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), dir=target.parent))
    except OSError as e:
        raise KpiError(f"cannot create {shown}: {e.strerror or e.__class__.__name__}") from None
    try:
        (tmp / METADATA_FILE).write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        for table in TABLES.values():
            if table.required or (table.name == "milestones" and loaded.uses_milestones):
                (tmp / table.file).write_text(",".join(table.column_names) + "\n", encoding="utf-8")
        if scheme_file:
            shutil.copyfile(scheme_file, tmp / scheme_file.name)
        try:
            empty = load_dataset(tmp)  # the empty dataset is valid (kpi validate passes)
        except DataError as e:  # a source given badly: said by its option
            raise KpiError(_as_options(e.problems[0].message)) from None
        loaded = empty.scheme  # with the dataset's words (its level's name)
        write_template(tmp, tmp / WORKBOOK_NAME, loaded, lang, projects, rows, first_year, last_year)
        tmp.chmod(new_dir_mode())  # mkdtemp's folder is private; a dataset folder is not
        if target.is_dir():  # the empty folder stays (a shell may be in it): the files move in
            moved = []
            try:
                for entry in sorted(tmp.iterdir()):
                    os.rename(entry, target / entry.name)
                    moved.append(target / entry.name)
            except BaseException:
                for path in moved:
                    path.unlink(missing_ok=True)
                raise
            tmp.rmdir()
        else:
            os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target / WORKBOOK_NAME


_SOURCE_OPTIONS = {
    "source.title_ja": "--source-title",
    "source.publisher_ja": "--publisher",
    "source.url": "--source-url",
    "source.date": "--source-date",
}


def _as_options(message: str) -> str:
    """A metadata.json problem of kpi new's own metadata, named by the option that gave it."""
    for key, option in _SOURCE_OPTIONS.items():
        message = message.replace(f"key '{key}'", option)
    return message


def block_row(block: int, rows: int, n: int) -> int:
    """The first header row of the block-th table (数値目標 0, KPI 1) of a template sheet."""
    return BLOCK_ROW + block * (2 + rows * n + 1)


def check_template_size(projects: int, rows: int, years: int) -> None:
    """Refuse options whose template kpi import could not read (excel_layout's limits): the widest
    slot has 3 rows (a scheme with milestones)."""
    height = block_row(len(KINDS), rows, 3) - 1
    width = Columns(tuple(range(years))).actual_basis
    if width > MAX_COLUMNS or projects * height * width > MAX_CELLS:
        raise KpiError(
            f"a template of {projects} project(s) × {rows} rows over {years} years would have up to "
            f"{projects * height * width:,} cells in {width} columns, more than kpi import reads ({MAX_CELLS:,} "
            f"cells, {MAX_COLUMNS} columns): give fewer --projects or --rows, or a shorter period"
        )


def write_template(
    root: Path, path: Path, scheme: Scheme, lang: str, projects: int, rows: int, first: int, last: int
) -> None:
    cols = Columns(tuple(range(first, last + 1)))
    wb = Workbook()
    wb.remove(wb.active)
    for project in range(1, projects + 1):
        _template_sheet(wb.create_sheet(sheet_name(project, lang, scheme)), project, scheme, lang, cols, rows)
    meta = wb.create_sheet(META_SHEET)
    for row in (
        ("format", TEMPLATE_FORMAT_ID),
        ("lang", lang),
        ("years", ",".join(map(str, cols.years))),
        ("projects", projects),
        ("rows", rows),
        ("slot_rows", slot_rows(scheme)),
    ):
        meta.append(row)
    for name, digest in data_digests(root).items():
        meta.append((DIGEST_PREFIX + name, digest))
    meta.sheet_state = "hidden"
    wb.save(path)


def _milestone_label(scheme: Scheme, lang: str) -> str:
    return text(f"col.{scheme.reference}", lang)


def _template_sheet(
    ws,
    project: int,
    scheme: Scheme,
    lang: str,
    cols: Columns,
    rows: int,
    published: bool = True,
    words=None,
    fields: dict[str, str] | None = None,
    keys: dict[str, list[str]] | None = None,
    intro: str = "",
    merged: bool = True,
) -> None:
    """A project sheet; `published`: with the published rate and grade rows (the current format);
    its words those of the dataset (the scheme's), or `words` (an older template's). For a workbook
    that adds indicators: `fields`, an existing project's names and catch lines (written, locked);
    `keys`, the ids of each table's slots (else p{project}_t01 …); `intro`, the note's first
    sentences; `merged` False: the values only, no merged ranges (excel_cells.merge)."""
    words = scheme if words is None else words
    last_col = cols.actual_basis
    milestone = (
        text("new.milestone", lang).format(what=_milestone_label(scheme, lang)) if scheme.uses_milestones else ""
    )
    note_text = text("new.note", lang, words).format(milestone=milestone)
    if intro:  # kpi add-indicators: its own first sentences
        note_text = intro + note_text.removeprefix(text("new.intro", lang))
    if published:
        note_text += text("new.published_note", lang)
    note = put_value(ws.cell(row=NOTE_ROW, column=COL_KIND), note_text)
    note.alignment = Alignment(wrap_text=True, vertical="top")
    note.font = Font(size=9)
    merge(ws, merged, start_row=NOTE_ROW, end_row=NOTE_ROW, start_column=COL_KIND, end_column=last_col)
    ws.row_dimensions[NOTE_ROW].height = 120 if intro else 60
    for i, field in enumerate(PROJECT_FIELDS):
        row = FIELD_ROW0 + i
        write_cell(ws, row, COL_NAME, text(_field_label(field), lang, words), bold=True, fill=HEADER_FILL, align="left")
        if fields is None:
            write_cell(ws, row, COL_BASE, align="left").protection = UNLOCKED
        else:  # an existing project's: shown, kept as projects.csv has it
            write_cell(ws, row, COL_BASE, fields.get(field) or None, align="left")
        for col in range(COL_BASE + 1, COL_LABEL + 1):
            write_cell(ws, row, col)
        merge(ws, merged, start_row=row, end_row=row, start_column=COL_BASE, end_column=COL_LABEL)
    n = slot_rows(scheme, published)
    rate_at = rate_row(scheme)
    choices = {
        cols.direction: DIRECTIONS,
        cols.target_kind: TARGET_KINDS,
        cols.actual_basis: ACTUAL_BASES,
    }
    lists = {
        col: DataValidation(type="list", formula1=f'"{",".join(c)}"', allow_blank=True) for col, c in choices.items()
    }
    # under the actual basis, the year basis of the figures: a list whose prompt says what it is (a
    # cell value there would not be read: older templates leave the cell empty, as kpi new writes it)
    basis_list = DataValidation(
        type="list",
        formula1=f'"{",".join(YEAR_BASES)}"',
        allow_blank=True,
        showInputMessage=True,
        promptTitle=text("new.year_basis", lang)[:32],
        prompt=text("new.year_basis_prompt", lang),
    )
    # the third row under the unit: a prompt says what it is (the note is what templates always said)
    singular_prompt = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle=text("new.unit_singular", lang)[:32],
        prompt=text("new.unit_singular_prompt", lang),
    )
    row = BLOCK_ROW
    for kind in KINDS:
        top = row
        _template_header(ws, row, lang, cols, words, merged)
        row += 2
        for i in range(1, rows + 1):
            ws.cell(row=row, column=COL_KEY, value=keys[kind][i - 1] if keys else slot_id(project, kind, i))
            for dr in range(n):
                for col in (COL_NAME, COL_BASE, COL_TARGET, COL_REVISED):
                    c = write_cell(ws, row + dr, col, align="left" if col == COL_NAME else "center")
                    if dr < 2:  # names, values and their years
                        c.protection = UNLOCKED
            write_cell(ws, row, COL_LABEL, text("col.actual", lang))
            if scheme.uses_milestones:
                write_cell(ws, row + 1, COL_LABEL, _milestone_label(scheme, lang))
            if published:
                write_cell(ws, row + rate_at, COL_LABEL, text("new.published_rate", lang))
                write_cell(ws, row + rate_at + 1, COL_LABEL, text("new.published_grade", lang))
            else:
                write_cell(ws, row + rate_at, COL_LABEL, text("col.progress_rate", lang, words))
            for j in range(len(cols.years)):
                for dr in range(n):
                    c = write_cell(ws, row + dr, cols.year_col(j), align="right")
                    if published or dr < rate_at:
                        c.protection = UNLOCKED
                    else:
                        c.fill = COMPUTED_FILL
            write_cell(ws, row, cols.grade, fill=COMPUTED_FILL)
            for dr in range(1, n):
                write_cell(ws, row + dr, cols.grade, fill=COMPUTED_FILL)
            merge(ws, merged, start_row=row, end_row=row + n - 1, start_column=cols.grade, end_column=cols.grade)
            for col in (cols.unit, cols.direction, cols.target_kind, cols.actual_basis):
                for dr in range(n):
                    c = write_cell(ws, row + dr, col, align="center")
                    if dr == 0 or (dr == 1 and col in (cols.unit, cols.target_kind, cols.actual_basis)):
                        c.protection = UNLOCKED
                    elif published and dr == 2 and col == cols.unit:  # the English unit after exactly 1
                        c.protection = UNLOCKED
                if col in lists:
                    lists[col].add(ws.cell(row=row, column=col))
            basis_list.add(ws.cell(row=row + 1, column=cols.actual_basis))
            if published:
                singular_prompt.add(ws.cell(row=row + 2, column=cols.unit))
            row += n
        write_cell(ws, top, COL_KIND, kind_label(kind, lang), bold=True, fill=HEADER_FILL)
        ws.cell(row=top, column=COL_KIND).alignment = Alignment(
            horizontal="center", vertical="center", text_rotation=255 if lang == "ja" else 90
        )
        for rr in range(top + 1, row):
            write_cell(ws, rr, COL_KIND, fill=HEADER_FILL)
        merge(ws, merged, start_row=top, end_row=row - 1, start_column=COL_KIND, end_column=COL_KIND)
        row += 1
    for dv in (*lists.values(), basis_list, *([singular_prompt] if published else [])):
        ws.add_data_validation(dv)
    ws.column_dimensions[get_column_letter(COL_KEY)].hidden = True
    ws.column_dimensions[get_column_letter(COL_KIND)].width = 4.5 if lang == "ja" else 6
    ws.column_dimensions[get_column_letter(COL_NAME)].width = 36
    for col in range(COL_BASE, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12 if col < cols.unit else 16
    ws.freeze_panes = ws.cell(row=BLOCK_ROW + 2, column=COL_BASE)
    print_landscape_a4(ws)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _template_header(ws, row: int, lang: str, cols: Columns, words=None, merged: bool = True) -> None:
    """The export's header (excel_cells.write_table_header), then the grade and the definition
    columns after it, each over both header rows."""
    write_table_header(ws, row, lang, cols.years, cols.grade, merged)
    h = dict(bold=True, fill=HEADER_FILL, wrap=True)
    two_rows = [
        (cols.grade, text("col.grade", lang, words)),
        (cols.unit, text("new.unit", lang)),
        (cols.direction, text("new.direction", lang)),
        (cols.target_kind, text("new.target_kind", lang)),
        (cols.actual_basis, text("new.actual_basis", lang)),
    ]
    for col, heading in two_rows:
        write_cell(ws, row, col, heading, **h)
        write_cell(ws, row + 1, col, **h)
        merge(ws, merged, start_row=row, end_row=row + 1, start_column=col, end_column=col)


# --- kpi import of a template -------------------------------------------------------------------


def is_template(values_workbook) -> bool:
    """Whether a workbook (openpyxl, values) is a template written by `kpi new`."""
    if META_SHEET not in values_workbook.sheetnames:
        return False
    ws = values_workbook[META_SHEET]
    return ws.cell(row=1, column=1).value == "format" and ws.cell(row=1, column=2).value in (
        TEMPLATE_FORMAT_ID,
        *OLD_TEMPLATE_FORMAT_IDS,
        ADDITIONS_FORMAT_ID,
    )


def import_template(book, path: Path, root: Path, dataset) -> tuple[dict[str, bytes], Created]:
    """Read a filled-in template for the (empty) dataset at `root`: the bytes of projects.csv,
    indicators.csv, project_indicators.csv, actuals.csv and milestones.csv, and what they hold.
    Every bad cell is a problem naming workbook, sheet and cell, and so is every cell holding
    something that is not read (a value in a 進捗率 row, an inserted row, a copied sheet …): the
    template is read by position. The tables are validated as a whole (every rule of `kpi
    validate`) in a copy; nothing is written here (excel_import.apply_import writes them)."""
    wb = book.values
    meta_ws = wb[META_SHEET]
    meta = {
        str(meta_ws.cell(row=r, column=1).value): meta_ws.cell(row=r, column=2).value
        for r in range(1, meta_ws.max_row + 1)
        if meta_ws.cell(row=r, column=1).value is not None
    }
    if meta.get("format") == ADDITIONS_FORMAT_ID:  # kpi add-indicators: appended to the tables
        return import_additions(book, path, root, dataset, meta)
    check_template_target(path, dataset, meta)
    try:
        lang = check_lang(str(meta.get("lang")))
        years = tuple(parse_fiscal_year(y) for y in str(meta.get("years")).split(","))
        rows = int(meta["rows"]) if meta.get("rows") is not None else None
    except (KpiError, TypeError, ValueError):
        raise KpiError(f"{path.name}: the hidden sheet {META_SHEET!r} was edited: run kpi new again") from None
    cols = Columns(years)
    published = meta.get("format") == TEMPLATE_FORMAT_ID
    n = slot_rows(dataset.scheme, published)
    # the sheets are named in the dataset's words; a template written before it had words of its
    # own, in LEGACY_WORDS (its 進捗 heading too)
    words = dataset.scheme
    if sheet_name(1, lang, words) not in wb.sheetnames and sheet_name(1, lang, LEGACY_WORDS) in wb.sheetnames:
        words = LEGACY_WORDS
    project_of = {sheet_name(p, lang, words): p for p in range(1, MAX_PROJECTS + 1)}
    sheets = sorted((project_of[ws.title], ws) for ws in wb.worksheets if ws.title in project_of)
    if rows is None:  # a template written before the record of its rows: the gap between the two tables
        rows = _rows_between_tables(sheets[0][1], n) if sheets else DEFAULT_ROWS
    if not 1 <= rows <= MAX_SLOTS:
        raise KpiError(f"{path.name}: the hidden sheet {META_SHEET!r} was edited: run kpi new again")
    reader = _TemplateReader(book, path, dataset.scheme, published)
    # first the layout (headings and row labels where kpi new wrote them: the slots are read by
    # position), then the cells, then anything typed where nothing is read
    moved = _unread_template_cells(
        book, reader, dataset.scheme, lang, cols, rows, project_of, layout=True, published=published, words=words
    )
    if moved:
        raise DataError(moved)
    for project, ws in sheets:
        reader.read_sheet(ws, project, cols, rows)
    if reader.problems:
        raise DataError(reader.problems)
    unread = _unread_template_cells(
        book, reader, dataset.scheme, lang, cols, rows, project_of, published=published, words=words
    )
    if unread:
        raise DataError(unread)
    if not reader.tables["projects"]:
        raise KpiError(f"{path.name}: no project is filled in (type a project's names and its indicators)")
    files = {
        f"{name}.csv": _csv(name, records)
        for name, records in reader.tables.items()
        if records or TABLES[name].required or name == "milestones"  # no empty published_*.csv
    }
    _validate_copy(root, files, reader.cells, reader.ids)
    t = reader.tables
    created = Created(
        root,
        len(t["projects"]),
        len(t["indicators"]),
        len(t["actuals"]),
        len(t["milestones"]),
        len(t["published_rates"]),
        len(t["published_grades"]),
    )
    return {name: data.encode("utf-8") for name, data in files.items()}, created


def check_template_target(path: Path, dataset, meta: dict) -> None:
    """A template fills in the empty tables kpi new wrote: refuse it, saying what to do, when the
    data folder already holds tables (imported once already, or another dataset). metadata.json
    may have been edited since (its source filled in, as docs/input.md says), as long as the
    template's slots still fit the scheme."""
    recorded = {k[len(DIGEST_PREFIX) :]: v for k, v in meta.items() if k.startswith(DIGEST_PREFIX)}
    current = data_digests(dataset.data_dir)
    changed = [name for name, digest in current.items() if name != METADATA_FILE and recorded.get(name) != digest]
    root = dataset.data_dir
    if not dataset.indicators.empty or not dataset.projects.empty:
        raise KpiError(
            f"{path.name}: {root} already holds {len(dataset.indicators)} indicator(s), so this template was "
            "imported already (or belongs to another folder) and nothing was imported: to add or correct "
            f"actuals, kpi export --xlsx FILE --data {root} and kpi import FILE; to add indicators, kpi add-indicators "
            f"--xlsx FILE --data {root}; to start again, kpi new into a new folder"
        )
    if changed:
        raise KpiError(
            f"{path.name}: {', '.join(changed)} in {root} are not the empty tables kpi new wrote with this "
            "template, so nothing was imported: run kpi new again into a new folder"
        )
    published = meta.get("format") == TEMPLATE_FORMAT_ID
    if meta.get("slot_rows") not in (None, slot_rows(dataset.scheme, published)):
        uses = "uses" if dataset.scheme.uses_milestones else "does not use"
        raise KpiError(
            f"{path.name}: metadata.json's scheme was changed since kpi new to one that {uses} milestones, "
            "so the template's rows do not fit it and nothing was imported: set the scheme back, or run kpi new again"
        )


def _rows_between_tables(ws, n: int) -> int:
    headers = [r for r in range(BLOCK_ROW, ws.max_row + 1) if ws.cell(row=r, column=COL_KEY).value == KEY_HEADER]
    if len(headers) < 2 or (headers[1] - headers[0] - 3) % n:
        return DEFAULT_ROWS
    return (headers[1] - headers[0] - 3) // n


def slot_inputs(cols: Columns, n: int, milestones: bool, published: bool = True) -> list[tuple[int, int]]:
    """(row offset, column) of a slot's input cells: the unlocked cells of _template_sheet (`n` rows;
    `milestones`: the second row's year cells hold milestones; `published`: the rows after them
    hold the published rates and grades)."""
    first = [
        COL_NAME,
        COL_BASE,
        COL_TARGET,
        COL_REVISED,
        cols.unit,
        cols.direction,
        cols.target_kind,
        cols.actual_basis,
    ]
    second = [COL_NAME, COL_BASE, COL_TARGET, COL_REVISED, cols.unit, cols.target_kind, cols.actual_basis]
    years = [cols.year_col(i) for i in range(len(cols.years))]
    own_rows = 2 if milestones else 1  # actuals, and milestones
    year_rows = range(1, n) if published else range(1, own_rows)
    third = [(2, cols.unit)] if published else []  # unit_en_singular
    return (
        [(0, c) for c in first + years]
        + [(1, c) for c in second]
        + third
        + [(dr, c) for dr in year_rows for c in years]
    )


def _unread_template_cells(
    book,
    reader,
    scheme: Scheme,
    lang: str,
    cols: Columns,
    rows: int,
    project_of,
    layout: bool = False,
    published: bool = True,
    words=None,
    sheet_args=None,
) -> list:
    """Every cell of the workbook holding something kpi import did not read (or, with `layout`,
    every heading or row label that is not where kpi new wrote it: the template is read by
    position), compared with the template kpi new writes: one problem per cell (one per sheet
    that is not a project sheet), at most 10 and a count."""
    n = slot_rows(scheme, published)
    pristine = ValuesOnlyWorkbook()  # its values are compared, nothing else
    found: list[Problem] = []
    headers = {block_row(b, rows, n) + dr for b in range(len(KINDS)) for dr in (0, 1)}
    for ws in book.values.worksheets:
        if ws.title == META_SHEET:
            continue
        own = ws.title in project_of
        want = pristine.create_sheet()
        project = project_of.get(ws.title, 1)
        extra = sheet_args(project) if sheet_args else {}
        _template_sheet(want, project, scheme, lang, cols, rows, published, words, **extra, merged=False)
        got_rows = book.shown_rows(ws)  # a formula never calculated is still something typed
        want_rows = list(want.iter_rows(values_only=True))
        if layout and not own:
            continue
        legacy_rows: list[tuple] = []

        def legacy_cell(r: int, c: int, project=project, extra=extra, legacy_rows=legacy_rows):
            """The cell as a template written before the dataset's own words reached its note and
            field labels wrote it (they said プロジェクト, LEGACY_WORDS): such templates still import."""
            if words is None or words == LEGACY_WORDS:
                return None
            if not legacy_rows:
                old = pristine.create_sheet()
                _template_sheet(old, project, scheme, lang, cols, rows, published, LEGACY_WORDS, **extra, merged=False)
                legacy_rows.extend(old.iter_rows(values_only=True))
            row = legacy_rows[r - 1] if r <= len(legacy_rows) else ()
            return row[c - 1] if c <= len(row) else None

        before = len(found)
        for r in range(1, max(len(got_rows), len(want_rows)) + 1):
            if not own and len(found) > before:
                break  # one line for a sheet that is not read at all
            got_row = got_rows[r - 1] if r <= len(got_rows) else ()
            want_row = want_rows[r - 1] if r <= len(want_rows) else ()
            for c in range(1, max(len(got_row), len(want_row)) + 1):
                if own and (ws.title, r, c) in reader.read:
                    continue
                if not own and len(found) > before:
                    break
                v = got_row[c - 1] if c <= len(got_row) else None
                w = want_row[c - 1] if c <= len(want_row) else None
                if not own and c == COL_KEY:
                    continue  # a copied sheet's slot ids
                anchor = own and cell_key(w) is not None and (r in headers or (c == COL_LABEL and r > BLOCK_ROW))
                if anchor and not (same_value(v, w) or (r - 1 in headers and _same_year(v, w))):
                    found.append(
                        Problem(
                            reader.ref(ws, r, c),
                            None,
                            None,
                            f"{'an empty cell' if v is None else repr(v)} where the template has {w!r}: kpi import reads the template by position, so its rows, "
                            "columns and headings must stay as kpi new wrote them (undo the inserted, deleted or moved "
                            "rows or columns; for more indicators run kpi new with a larger --rows)",
                        )
                    )
                elif (
                    not layout
                    and not anchor
                    and cell_key(v) is not None
                    and not same_value(v, w)
                    and not same_value(v, legacy_cell(r, c))
                ):
                    found.append(
                        Problem(reader.ref(ws, r, c), None, None, _why_unread(v, r, c, own, ws, cols, lang, words))
                    )
    if len(found) > 10:
        found = found[:10] + [Problem(found[-1].file, None, None, f"and {len(found) - 10:,} more cells not read")]
    return found


def _same_year(got, want) -> bool:
    try:
        return parse_fiscal_year(got) == parse_fiscal_year(want)
    except KpiError:
        return False


def _why_unread(v, r: int, c: int, own: bool, ws, cols: Columns, lang: str, words=None) -> str:
    what = f"{v!r} is not read by kpi import"
    if not own:
        return (
            f"{what}: sheet {ws.title!r} is not a project sheet of the template (they are named "
            f"{sheet_name(1, lang, words)}, {sheet_name(2, lang, words)} … {sheet_name(MAX_PROJECTS, lang, words)}): "
            "rename it "
            "to add a project (and give its slots their own ids in the hidden column A), or delete it"
        )
    label = ws.cell(row=r, column=COL_LABEL).value
    if label == text("col.progress_rate", lang, words) and COL_YEAR0 <= c < cols.grade:
        return f"{what}: the {label} row is computed; type the actual in the 実績値 row above it"
    if c == cols.grade:
        return f"{what}: the {text('col.grade', lang, words)} column is computed"
    if c == cols.target_kind:
        return f"{what}: the first year of a period is read only for a target kind of cumulative"
    return (
        f"{what}: it is not one of the template's input cells (rows inserted? kpi import reads each "
        "slot by position; for more indicators run kpi new with a larger --rows)"
    )


def _csv(table: str, rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=TABLES[table].column_names, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


class _TemplateReader:
    """The tables a filled-in template gives, and for every field written the cell it came from."""

    def __init__(self, book, path: Path, scheme: Scheme, published: bool = True):
        self.book, self.path, self.scheme, self.published = book, path, scheme, published
        self.problems: list[Problem] = []
        self.tables: dict[str, list[dict]] = {
            t: []
            for t in (
                "projects",
                "indicators",
                "project_indicators",
                "actuals",
                "milestones",
                "published_rates",
                "published_grades",
            )
        }
        self.cells: dict[tuple[str, int, str | None], str] = {}  # (file, line, column) -> workbook cell
        self.ids: dict[str, str] = {}  # indicator id -> the workbook cell of its slot
        self.read: set[tuple[str, int, int]] = set()  # (sheet, row, column) of every cell read
        # adding to a dataset (kpi add-indicators): its projects (their fields and the last position
        # of each table) and the indicator ids it holds
        self.existing: dict[int, dict] = {}
        self.taken: set[str] = set()

    def ref(self, ws, row: int, col: int) -> str:
        return f"[{self.path.name}]{ws.title}!{get_column_letter(col)}{row}"

    def problem(self, ws, row: int, col: int, message: str) -> None:
        self.problems.append(Problem(self.ref(ws, row, col), None, None, message))

    def add(self, table: str, record: dict, cells: dict[str | None, tuple]) -> None:
        """A record of `table`, with the cell of each column (None: the record as a whole)."""
        rows = self.tables[table]
        rows.append({c: record.get(c, "") for c in TABLES[table].column_names})
        line = len(rows) + 1
        for column, (ws, row, col) in cells.items():
            self.cells[(f"{table}.csv", line, column)] = self.ref(ws, row, col)

    def plain(self, ws, row: int, col: int, what: str = ""):
        """A cell's value, recorded as read; None (with a problem) for a formula without a value."""
        self.read.add((ws.title, row, col))
        v = ws.cell(row=row, column=col).value
        if v is None or (isinstance(v, str) and v.startswith("#")):
            formula = self.book.formula(ws, row, col)
            if formula is not None:
                result = "no computed value" if v is None else f"the result {v}"
                self.problem(
                    ws,
                    row,
                    col,
                    f"{what + ': ' if what else ''}a formula with {result} ({formula}): open and save the "
                    "workbook in Excel or LibreOffice, or type the value",
                )
                return None
        return v

    def text_cell(self, ws, row: int, col: int, what: str = "") -> str:
        v = self.plain(ws, row, col, what)
        if v is None:
            return ""
        s = unicodedata.normalize("NFC", str(v)).strip()
        if len(s) > MAX_TEXT:
            self.problem(ws, row, col, f"text of {len(s):,} characters (at most {MAX_TEXT})")
            return ""
        return s

    def number_cell(self, ws, row: int, col: int, unit: str, what: str, states: bool = False) -> str:
        self.read.add((ws.title, row, col))
        cell = ws.cell(row=row, column=col)
        formula = self.book.formula(ws, row, col) if cell.value is None or isinstance(cell.value, str) else None
        try:
            value = read_actual(cell, unit, formula)
        except CellError as e:
            self.problem(ws, row, col, f"{what}: {e}")
            return ""
        if value.state == numbers.BLANK:
            return ""
        if value.state != numbers.VALUE and not states:
            self.problem(ws, row, col, f"{what}: {cell_text(value)} is not a number (type the number)")
            return ""
        return cell_text(value)

    def year_cell(self, ws, row: int, col: int, what: str) -> str:
        v = self.plain(ws, row, col, what)
        if v is None or (isinstance(v, str) and not v.strip()):
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, str):
            v = v.strip().strip("()（）")
        try:
            return str(parse_fiscal_year(v))
        except KpiError as e:
            self.problem(ws, row, col, f"{what}: {e}")
            return ""

    def choice_cell(self, ws, row: int, col: int, choices: tuple[str, ...], default: str | None, what: str) -> str:
        s = unicodedata.normalize("NFKC", self.text_cell(ws, row, col, what)).lower()
        if not s and default is not None:
            return default
        if s not in choices:
            got = f"{s!r}" if s else "empty"
            self.problem(ws, row, col, f"{what}: {got}; write one of {', '.join(choices)}")
            return ""
        return s

    def read_sheet(self, ws, project: int, cols: Columns, rows: int) -> None:
        """A project sheet, by position: the project's fields, then every slot of both tables (a slot
        with any input cell filled is an indicator; its id is the hidden column A's)."""
        n = slot_rows(self.scheme, self.published)
        fields = {f: self.text_cell(ws, FIELD_ROW0 + i, COL_BASE) for i, f in enumerate(PROJECT_FIELDS)}
        inputs = slot_inputs(cols, n, self.scheme.uses_milestones, self.published)
        filled = []
        for b, kind in enumerate(KINDS):
            for i in range(rows):
                row = block_row(b, rows, n) + 2 + i * n
                self.read.add((ws.title, row, COL_KEY))
                if any(self.has(ws, row + dr, c) for dr, c in inputs):
                    filled.append((kind, row))
        existing = self.existing.get(project)
        if existing is not None:  # a project of the dataset: its fields are kept as they are
            for i, f in enumerate(PROJECT_FIELDS):
                if fields[f] != existing["fields"][f]:
                    self.problem(
                        ws,
                        FIELD_ROW0 + i,
                        COL_BASE,
                        f"{text(_field_label(f), 'en', self.scheme)} of an existing project is kept as projects.csv has it "
                        f"({existing['fields'][f] or 'empty'}): put it back (kpi import adds indicators, it does "
                        "not rename)",
                    )
        if not filled and (existing is not None or not any(fields.values())):
            return  # a sheet left empty: no project, or nothing added to it
        if existing is None:
            if not filled:
                self.problem(ws, BLOCK_ROW + 2, COL_NAME, "the project has no indicator: fill in at least one row")
            record = dict(fields, project=str(project))
            self.add("projects", record, {f: (ws, FIELD_ROW0 + i, COL_BASE) for i, f in enumerate(PROJECT_FIELDS)})
            for i, f in enumerate(PROJECT_FIELDS):
                if not fields[f] and f.endswith("_ja"):  # English is optional: a Japanese-only dataset
                    self.problem(
                        ws,
                        FIELD_ROW0 + i,
                        COL_BASE,
                        f"{text(_field_label(f), 'en', self.scheme)} is empty (projects.csv needs it)",
                    )
        # an added indicator goes after the existing ones of its table
        positions = dict(existing["positions"]) if existing is not None else dict.fromkeys(KINDS, 0)
        for kind, row in filled:
            positions[kind] += 1
            key = self.text_cell(ws, row, COL_KEY)
            if not key or key == KEY_HEADER:
                why = "is empty" if not key else f"is {KEY_HEADER!r}, the word that marks a table's headings"
                self.problem(
                    ws,
                    row,
                    COL_KEY,
                    f"the indicator id of this filled slot (the hidden column A) {why}: type an id such as "
                    f"{slot_id(project, kind, positions[kind])}",
                )
                continue
            self.read_slot(ws, project, kind, positions[kind], row, key, cols, n)

    def has(self, ws, row: int, col: int) -> bool:
        """Whether a cell holds anything: a value, or a formula (computed or not)."""
        v = ws.cell(row=row, column=col).value
        return cell_key(v) is not None or (v is None and self.book.formula(ws, row, col) is not None)

    def read_slot(self, ws, project: int, kind: str, position: int, row: int, key: str, cols: Columns, n: int) -> None:
        if key in self.ids:
            self.problem(ws, row, COL_KEY, f"indicator id {key!r} is used twice (also at {self.ids[key]})")
            return
        if key in self.taken:
            self.problem(
                ws,
                row,
                COL_KEY,
                f"indicator id {key!r} already exists in indicators.csv: give the added indicator an id of its own "
                "in the hidden column A (the dataset's indicators are kept as they are)",
            )
            return
        self.ids[key] = self.ref(ws, row, COL_NAME)
        unit_ja = self.text_cell(ws, row, cols.unit)
        target_kind = self.choice_cell(ws, row, cols.target_kind, TARGET_KINDS, "value", text("new.target_kind", "en"))
        target_year = self.year_cell(ws, row + 1, COL_TARGET, text("col.target_year", "en"))
        cumulative = target_kind == "cumulative"
        record = {
            "indicator": key,
            "name_ja": self.text_cell(ws, row, COL_NAME),
            "name_en": self.text_cell(ws, row + 1, COL_NAME),
            "name_source": "table",
            "unit_ja": unit_ja,
            "unit_en": self.text_cell(ws, row + 1, cols.unit),
            # the English unit after exactly 1 (area for areas): the third row of a current template
            "unit_en_singular": self.text_cell(ws, row + 2, cols.unit) if self.published else "",
            "direction": self.choice_cell(ws, row, cols.direction, DIRECTIONS, None, text("new.direction", "en")),
            "baseline": self.number_cell(ws, row, COL_BASE, unit_ja, text("col.baseline", "en"), states=True),
            "baseline_year": self.year_cell(ws, row + 1, COL_BASE, text("col.baseline_year", "en")),
            "target_kind": target_kind,
            "target": self.number_cell(ws, row, COL_TARGET, unit_ja, text("col.target", "en")),
            "target_year": target_year,
            "period_start": self.year_cell(ws, row + 1, cols.target_kind, text("new.period_start", "en"))
            if cumulative
            else "",
            "period_end": target_year if cumulative else "",
            "revised_target": self.number_cell(ws, row, COL_REVISED, unit_ja, text("col.revised_target", "en")),
            "revised_target_year": self.year_cell(ws, row + 1, COL_REVISED, text("col.revised_target", "en")),
            "actual_basis": self.choice_cell(
                ws, row, cols.actual_basis, ACTUAL_BASES, "annual", text("new.actual_basis", "en")
            ),
            "year_basis": self.choice_cell(
                ws, row + 1, cols.actual_basis, YEAR_BASES, "not_stated", text("new.year_basis", "en")
            ),
        }
        if not record["name_ja"]:
            self.problem(ws, row, COL_NAME, "the indicator's Japanese name is empty (the row has values: name it)")
        if record["unit_en_singular"] and not record["unit_en"]:
            self.problem(
                ws,
                row + 2,
                cols.unit,
                "an English unit after exactly 1 without the English unit above it: type both, or neither",
            )
        at = {
            None: (row, COL_NAME),
            "name_ja": (row, COL_NAME),
            "name_en": (row + 1, COL_NAME),
            "unit_ja": (row, cols.unit),
            "unit_en": (row + 1, cols.unit),
            "unit_en_singular": (row + 2, cols.unit),
            "direction": (row, cols.direction),
            "baseline": (row, COL_BASE),
            "baseline_year": (row + 1, COL_BASE),
            "target_kind": (row, cols.target_kind),
            "target": (row, COL_TARGET),
            "target_year": (row + 1, COL_TARGET),
            "period_start": (row + 1, cols.target_kind),
            "period_end": (row + 1, COL_TARGET),
            "revised_target": (row, COL_REVISED),
            "revised_target_year": (row + 1, COL_REVISED),
            "actual_basis": (row, cols.actual_basis),
            "year_basis": (row + 1, cols.actual_basis),
        }
        self.add("indicators", record, {c: (ws, *rc) for c, rc in at.items()})
        self.add(
            "project_indicators",
            {"project": str(project), "kind": kind, "position": str(position), "indicator": key},
            {None: (ws, row, COL_KEY)},
        )
        for i, year in enumerate(cols.years):
            col = cols.year_col(i)
            label = f"{text('col.actual', 'en')} {short_label(year, 'en')}"
            actual = self.number_cell(ws, row, col, unit_ja, label, states=True)
            if actual:
                self.add("actuals", {"indicator": key, "year": str(year), "actual": actual}, {None: (ws, row, col)})
            if self.scheme.uses_milestones:
                label = f"{_milestone_label(self.scheme, 'en')} {short_label(year, 'en')}"
                value = self.number_cell(ws, row + 1, col, unit_ja, label)
                if value:
                    self.add(
                        "milestones", {"indicator": key, "year": str(year), "value": value}, {None: (ws, row + 1, col)}
                    )
            if self.published:
                self.read_published(ws, project, key, row, col, year)

    def read_published(self, ws, project: int, key: str, row: int, col: int, year: int) -> None:
        """The published rate of the year's actual (published_rates.csv is keyed by the actual's
        year: the cell under it) and the published grade of the evaluation year (published_grades.csv)."""
        at = rate_row(self.scheme)
        label = f"{text('new.published_rate', 'en')} {short_label(year, 'en')}"
        rate = self.number_cell(ws, row + at, col, "%", label, states=True)
        if rate:
            record = {"project": str(project), "indicator": key, "year": str(year), "progress_rate": rate}
            self.add("published_rates", record, {None: (ws, row + at, col)})
        label = f"{text('new.published_grade', 'en')} {short_label(year, 'en')}"
        grade = self.text_cell(ws, row + at + 1, col, label)
        if grade:
            record = {"project": str(project), "indicator": key, "year": str(year), "grade": grade}
            self.add("published_grades", record, {None: (ws, row + at + 1, col)})


def _field_label(field: str) -> str:
    return f"new.project_{field}" if field.startswith("name") else f"new.{field}"


def _validate_copy(root: Path, files: dict[str, str], cells: dict, slots: dict[str, str]) -> None:
    """Validate the data directory as it would be with `files` written; raise DataError naming
    the workbook cell behind each problem (or the file's line where no cell is behind it)."""
    with tempfile.TemporaryDirectory(prefix="kpi-import-") as tmp:
        copy = Path(tmp) / "data"
        copy_data_files(root, copy)  # only the data files: never a pipe, a device or a link to one there
        for name, data in files.items():
            (copy / name).unlink(missing_ok=True)
            (copy / name).write_text(data, encoding="utf-8")
        problems = validate(copy)
    if not problems:
        return
    mapped = []
    for p in problems:
        ref = cells.get((p.file, p.line, p.column)) or cells.get((p.file, p.line, None))
        if ref is None:  # a rule across tables (a milestone missing for a year …): the indicator's slot
            ref = next((r for key, r in slots.items() if f"'{key}'" in p.message), None)
        mapped.append(Problem(ref, None, None, p.message) if ref else p)
    raise DataError(mapped)


# --- kpi add-indicators: more indicators (and projects) for a dataset -----------------------------

ADDITIONS_FORMAT_ID = "kpi_lib additions 1"
DEFAULT_NEW_PROJECTS = 1
# the tables an additions workbook's sheets, ids and positions are written from: a change to them
# since (an import of it, or of another) makes it stale
DEFINITION_FILES = ("projects.csv", "indicators.csv", "project_indicators.csv")


@dataclass(frozen=True)
class _AddedSheet:
    """One sheet of an additions workbook: an existing project (`fields` given) or a new one."""

    project: int
    fields: dict[str, str] | None
    keys: dict[str, list[str]]  # the slots' ids, per table
    positions: dict[str, int]  # the last position of each table in project_indicators.csv
    intro: str

    def args(self) -> dict:
        return {"fields": self.fields, "keys": self.keys, "intro": self.intro}


def _plain(value) -> str:
    """A table's text field as a template cell reads it (NFC, stripped; empty for a missing one)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _added_sheets(dataset, lang: str, rows: int, new_projects: int) -> list[_AddedSheet]:
    """The sheets of an additions workbook for `dataset` as it is: one per project, with `rows` empty
    slots per table whose ids continue the template's (p2_k04 after a third KPI; an id the dataset
    holds is skipped), then `new_projects` sheets for projects numbered after the last one."""
    taken = set(dataset.indicators["indicator"])
    pi = dataset.project_indicators
    ind = dataset.indicators
    names = {
        i: (lang == "en" and _plain(en)) or _plain(ja)
        for i, ja, en in zip(ind["indicator"], ind["name_ja"], ind["name_en"])
    }
    sheets = []

    def keys_for(project: int, positions: dict[str, int]) -> dict[str, list[str]]:
        keys = {}
        for kind in KINDS:
            n, ids = positions[kind], []
            while len(ids) < rows:
                n += 1
                if slot_id(project, kind, n) not in taken:
                    ids.append(slot_id(project, kind, n))
            keys[kind] = ids
        return keys

    projects = dataset.projects.set_index("project")
    for project in dataset.project_numbers:
        mine = pi[pi["project"] == project]
        positions = {kind: int(max(mine[mine["kind"] == kind]["position"], default=0)) for kind in KINDS}
        listed = []
        for kind in KINDS:
            rows_of_kind = mine[mine["kind"] == kind].sort_values("position")
            sep = "、" if lang == "ja" else ", "
            shown = sep.join(names.get(i) or i for i in rows_of_kind["indicator"]) or "—"
            listed.append(f"{kind_label(kind, lang)}: {shown}")
        note = text("add.note", lang, dataset.scheme).format(indicators=" / ".join(listed))
        fields = {f: _plain(projects.at[project, f]) for f in PROJECT_FIELDS}
        sheets.append(_AddedSheet(project, fields, keys_for(project, positions), positions, note))
    last = max(dataset.project_numbers, default=0)
    for project in range(last + 1, last + 1 + new_projects):
        positions = dict.fromkeys(KINDS, 0)
        note = text("add.new_project_note", lang, dataset.scheme)
        sheets.append(_AddedSheet(project, None, keys_for(project, positions), positions, note))
    return sheets


def _definition_digests(root: Path) -> dict[str, str]:
    digests = data_digests(root)
    return {name: digests[name] for name in DEFINITION_FILES}


def write_additions(
    data_dir: str | Path | None,
    path: str | Path,
    lang: str = "ja",
    rows: int = DEFAULT_ROWS,
    new_projects: int = DEFAULT_NEW_PROJECTS,
) -> Path:
    """Write a workbook (`kpi add-indicators`) to add indicators to the dataset at `data_dir`: the
    template's layout, one sheet per existing project (its names shown and kept, its indicators
    listed in the note) with `rows` empty slots per table, and `new_projects` empty sheets for new
    projects. `kpi import` of it appends what is filled in (import_additions). KpiError (one line)
    on any problem, with nothing written; an existing file is never replaced."""
    check_lang(lang)
    dataset = load_dataset(data_dir)
    shown, path = path, Path(path)
    if path.exists() or path.is_symlink():
        raise KpiError(f"{shown} already exists: it was not overwritten (give another name, or move the file away)")
    if path.suffix.lower() != ".xlsx":
        raise KpiError(f"{shown}: a workbook's name ends in .xlsx")
    if not path.absolute().parent.is_dir():
        raise KpiError(f"cannot create {shown}: folder {path.absolute().parent} does not exist")
    if not 1 <= rows <= MAX_SLOTS:
        raise KpiError(f"--rows must be from 1 to {MAX_SLOTS}")
    last = max(dataset.project_numbers, default=0)
    if not 0 <= new_projects <= MAX_PROJECTS - last:
        raise KpiError(
            f"--new-projects must be from 0 to {max(MAX_PROJECTS - last, 0)} (a workbook holds projects up to "
            f"{MAX_PROJECTS}; the dataset has {last})"
        )
    period = dataset.metadata["period"]
    cols = Columns(tuple(range(period["first"], period["last"] + 1)))
    check_template_size(last + new_projects, rows, len(cols.years))
    scheme = dataset.scheme
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in _added_sheets(dataset, lang, rows, new_projects):
        ws = wb.create_sheet(sheet_name(sheet.project, lang, scheme))
        _template_sheet(ws, sheet.project, scheme, lang, cols, rows, **sheet.args())
    meta = wb.create_sheet(META_SHEET)
    for row in (
        ("format", ADDITIONS_FORMAT_ID),
        ("lang", lang),
        ("years", ",".join(map(str, cols.years))),
        ("rows", rows),
        ("new_projects", new_projects),
        ("slot_rows", slot_rows(scheme)),
    ):
        meta.append(row)
    for name, digest in _definition_digests(dataset.data_dir).items():
        meta.append((DIGEST_PREFIX + name, digest))
    meta.sheet_state = "hidden"
    data = io.BytesIO()
    wb.save(data)
    try:
        write_atomically(path, data.getvalue())  # the whole workbook or none of it
    except OSError as e:
        raise KpiError(f"cannot write {shown}: {e.strerror or e.__class__.__name__}") from None
    return path


def import_additions(book, path: Path, root: Path, dataset, meta: dict) -> tuple[dict[str, bytes], Created]:
    """Read a filled-in additions workbook: the tables with the added projects, indicators, their
    project rows, actuals, milestones and published figures appended (every existing row kept
    byte for byte), and what was added. Refused, naming the cell, as a template is (every rule of
    the template and of `kpi validate`), and also for an id the dataset holds, an existing
    project's names changed, and a value for a column an existing file does not have; refused as
    stale when the dataset's definitions changed since the workbook was written (imported
    already). Nothing is written here."""
    recorded = {k[len(DIGEST_PREFIX) :]: v for k, v in meta.items() if k.startswith(DIGEST_PREFIX)}
    changed = [n for n, d in _definition_digests(root).items() if recorded.get(n) != d]
    if changed:
        raise KpiError(
            f"{path.name}: {', '.join(changed)} in {root} changed since this workbook was written (was it "
            "imported already?), so nothing was imported: for more indicators, run kpi add-indicators again"
        )
    try:
        lang = check_lang(str(meta.get("lang")))
        years = tuple(parse_fiscal_year(y) for y in str(meta.get("years")).split(","))
        rows = int(meta["rows"])
        new_projects = int(meta["new_projects"])
        if not 1 <= rows <= MAX_SLOTS or not 0 <= new_projects <= MAX_PROJECTS:
            raise ValueError
    except (KpiError, KeyError, TypeError, ValueError):
        raise KpiError(
            f"{path.name}: the hidden sheet {META_SHEET!r} was edited: run kpi add-indicators again"
        ) from None
    if meta.get("slot_rows") != slot_rows(dataset.scheme):
        raise KpiError(
            f"{path.name}: metadata.json's scheme was changed since this workbook was written, so its rows do not "
            "fit it and nothing was imported: run kpi add-indicators again"
        )
    cols = Columns(years)
    wb = book.values
    words = dataset.scheme
    sheets = {s.project: s for s in _added_sheets(dataset, lang, rows, new_projects)}
    project_of = {sheet_name(p, lang, words): p for p in range(1, MAX_PROJECTS + 1)}
    reader = _TemplateReader(book, path, dataset.scheme)
    reader.taken = set(dataset.indicators["indicator"])
    reader.existing = {p: {"fields": s.fields, "positions": s.positions} for p, s in sheets.items() if s.fields}

    def sheet_args(project: int) -> dict:
        return sheets[project].args() if project in sheets else {}

    unread = functools.partial(
        _unread_template_cells, book, reader, dataset.scheme, lang, cols, rows, project_of, sheet_args=sheet_args
    )
    moved = unread(layout=True)
    if moved:
        raise DataError(moved)
    for ws in wb.worksheets:
        if ws.title in project_of and project_of[ws.title] not in sheets:
            reader.problem(
                ws,
                FIELD_ROW0,
                COL_BASE,
                f"sheet {ws.title!r} is not one this workbook was written with: a new project goes on the empty "
                "sheet after the last project (for more, run kpi add-indicators with a larger --new-projects)",
            )
    for project, ws in sorted((project_of[ws.title], ws) for ws in wb.worksheets if ws.title in project_of):
        if project in sheets:
            reader.read_sheet(ws, project, cols, rows)
    if reader.problems:
        raise DataError(reader.problems)
    left = unread()
    if left:
        raise DataError(left)
    t = reader.tables
    if not t["indicators"]:
        raise KpiError(f"{path.name}: no indicator is filled in (type each added indicator into an empty row)")
    files, cells = _appended_files(root, reader)
    _validate_copy(root, files, cells, reader.ids)
    created = Created(
        root,
        len(t["projects"]),
        len(t["indicators"]),
        len(t["actuals"]),
        len(t["milestones"]),
        len(t["published_rates"]),
        len(t["published_grades"]),
        added=True,
    )
    return {name: data.encode("utf-8") for name, data in files.items()}, created


# a column a file may leave out, and the value that means the same as leaving it out
_LEFT_OUT_MEANS = {"year_basis": "not_stated"}


def _appended_files(root: Path, reader: _TemplateReader) -> tuple[dict[str, str], dict]:
    """Each table with records read, as its file's text with them appended in the file's own
    columns and line ending (a table without a file: written with its header); and the reader's
    cells, keyed by the line each record has there. A value for a column the file does not have
    is a problem at its cell (adding the column would change every existing row)."""
    files: dict[str, str] = {}
    cells: dict = {}
    problems: list[Problem] = []
    for name, records in reader.tables.items():
        if not records:
            continue
        file = f"{name}.csv"
        path = root / file
        old = path.read_bytes().decode("utf-8") if path.is_file() else ""
        if old.strip():
            first = old.splitlines()[0]
            header = [h.strip() for h in next(csv.reader([first.lstrip("\ufeff")]))]
            ending = "\r\n" if old.splitlines(keepends=True)[0].endswith("\r\n") else "\n"
            text_ = old if old.endswith("\n") else old + ending
        else:
            header, ending = list(TABLES[name].column_names), "\n"
            text_ = ",".join(header) + ending
        line = text_.count("\n") + 1  # the line the first appended record starts on
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator=ending)
        for i, record in enumerate(records, start=2):  # the reader numbers its records from line 2
            for column, value in record.items():
                if column not in header and value and _LEFT_OUT_MEANS.get(column) != value:
                    ref = reader.cells.get((file, i, column)) or reader.cells.get((file, i, None)) or file
                    problems.append(
                        Problem(
                            ref,
                            None,
                            None,
                            f"{file} has no column {column}, so {value!r} cannot be added without changing every "
                            f"row there: leave the cell empty, or add the column to {file} first",
                        )
                    )
            for (f, at, column), ref in reader.cells.items():
                if f == file and at == i:
                    cells[(file, line, column)] = ref
            start = buf.tell()
            writer.writerow([record.get(c, "") for c in header])
            line += buf.getvalue()[start:].count("\n")
        files[file] = text_ + buf.getvalue()
    if problems:
        raise DataError(problems)
    return files, cells
