"""Export the tables as an Excel workbook in the layout of the source's tables.

One sheet per project (a 数値目標 block and a KPI block: 設定項目, 基準値 with its year, 目標値
戦略策定時 / 見直し後 with years, 実績値 and 進捗率 per year, 進捗), a sheet with the audit findings,
and a hidden sheet `_kpi` (format, language, evaluation year, year columns, and a digest of every
data file, so that an import can refuse a workbook whose data changed since). Numbers stay numbers: the unit and
the printed decimals live in the number format (`#,##0"億円"`), so 7,829億円 is the number 7829.
未 and — are text. Progress rates are the recomputed ones; a rate or grade the source prints
differently is shaded and carries the published figure in a comment. Column A (hidden) holds the
indicator id: import (excel_import.py) never reads names. Sheets are protected without a
password; only the input cells are unlocked: 実績値, and under it (format 3, excel_layout.Layout)
the milestone (a scheme with milestones), the national value (a national-level target), the
published rate of each year's actual and the published grade of each evaluation year, in the
words of kpi new's template, holding what the data holds as printed (decimals, 未, —). The
computed rate stays in its grey row, distinct from the published one. Text that a spreadsheet would take for a formula
(= + - @ first) is written as text with a quote prefix, as spreadsheets do for typed text.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.core import formatting, numbers
from kpi_lib.core.errors import DataError, KpiError, Problem
from kpi_lib.core.files import atomic_file
from kpi_lib.core.fiscal_year import fiscal_year_label, short_label
from kpi_lib.core.formatting import name_with_unit
from kpi_lib.core.frames import records
from kpi_lib.core.labels import check_lang, kind_label, text
from kpi_lib.dataset.loading import Dataset, check_year
from kpi_lib.dataset.scheme import scheme_for
from kpi_lib.presentation.style import grade_colours
from kpi_lib.workbook.excel_cells import (
    COMPUTED_FILL,
    HEADER_FILL,
    UNLOCKED,
    ValuesOnlyWorkbook,
    merge,
    print_landscape_a4,
    put_value,
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
    CONTENT_DIGEST,
    CONTROL_CHARACTERS,
    CURRENT_LAYOUT,
    DIGEST_PREFIX,
    FIRST_BLOCK_ROW,
    FORMAT_ID,
    META_SHEET,
    Layout,
    check_within_limits,
    content_digest,
    data_digests,
    data_files,
    fixed_cells,
    layout_of,
    number_format,
    sheet_name,
    shown,
    word,
)

_MISMATCH_FILL = PatternFill("solid", fgColor="FCE4D6")


def _rate_format(decimals: int) -> str:
    """A progress rate's number format: the scheme's decimals (0.0"%" for one)."""
    return "0" + ("." + "0" * decimals if decimals else "") + '"%"'


@dataclass
class _Context:
    dataset: Dataset
    lang: str
    year: int
    years: list[int]
    results: pd.DataFrame
    rates: dict  # (indicator, year) -> recomputed progress rate
    published: dict  # (project, indicator, year) -> published rate row (state, value, decimals)
    findings: dict  # (project, indicator, year, figure) -> audit row
    audit: pd.DataFrame  # every audit finding (the audit sheet)
    bench: dict  # (indicator, year) -> (value, decimals, provenance)
    actuals: dict  # (indicator, year) -> numbers.Cell
    rate_format: str = _rate_format(1)  # the scheme's decimals
    precision: dict = field(default_factory=dict)  # indicator -> display precision (decimals)
    words: object = None  # the dataset's words (its scheme: labels.text), or those a workbook was written in
    layout: Layout = CURRENT_LAYOUT  # the rows of an indicator (the current format, or an older one's)
    grades: dict = field(default_factory=dict)  # (project, indicator, evaluation year) -> published grade
    milestones: dict = field(default_factory=dict)  # (indicator, year) -> (value, decimals)
    published_rate_format: str = _rate_format(1)  # an empty published rate cell: the scheme's decimals
    merged: bool = True  # False: the values only, no merged ranges (what an import compares with)


def export_workbook(dataset: Dataset, path: str | Path, year: int | None = None, lang: str = "ja") -> Path:
    """Write the workbook (atomically) and return its path.

    Year columns run from the first actual year to max(year, latest actual year), so an evaluation
    year after the data gives empty columns for analysts to fill in.
    """
    check_lang(lang)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise KpiError(f"the workbook name must end in .xlsx: {path}")
    if not path.parent.is_dir():
        raise KpiError(f"cannot write {path}: folder {path.parent} does not exist")
    problems = control_characters(dataset.data_dir)
    if problems:
        raise DataError(problems)
    digests = data_digests(dataset.data_dir)
    wb, ctx = build_workbook(dataset, year, lang)
    check_within_limits(wb, "the export")
    meta = wb.create_sheet(META_SHEET)
    for row in (("format", FORMAT_ID), ("lang", lang), ("year", ctx.year), ("years", ",".join(map(str, ctx.years)))):
        meta.append(row)
    for name, digest in digests.items():
        meta.append((DIGEST_PREFIX + name, digest))
    # what the sheets held when written: a later export may replace the file only while it is unedited
    meta.append((CONTENT_DIGEST, content_digest(wb)))
    meta.sheet_state = "hidden"
    with atomic_file(path) as tmp:
        wb.save(tmp)
    return path


def build_workbook(
    dataset: Dataset,
    year: int | None = None,
    lang: str = "ja",
    words=None,
    format_id: str = FORMAT_ID,
    merged: bool = True,
    results: pd.DataFrame | None = None,
) -> tuple[Workbook, _Context]:
    """The project sheets and the audit sheet as the export writes them (no meta sheet), in memory:
    the export saves them; an import compares a workbook's cells with them (one of an older
    `format_id` with the layout it was written in), and needs only their values: `merged` False
    leaves out the merged ranges (excel_cells.merge), the same values in half the time. `results`:
    evaluate(dataset, year) where the caller has it already."""
    ctx = _context(dataset, year, lang, results)
    ctx.merged = merged
    ctx.words = dataset.scheme if words is None else words  # another's: as an older workbook was written
    ctx.layout = layout_of(dataset.scheme, format_id)
    wb = Workbook() if merged else ValuesOnlyWorkbook()
    wb.remove(wb.active)
    for project in dataset.project_numbers:
        _project_sheet(wb.create_sheet(sheet_name(project, lang, ctx.words)), ctx, project)
    _audit_sheet(wb.create_sheet(word("audit_sheet", lang)), ctx)
    return wb, ctx


def control_characters(root: Path) -> list[Problem]:
    """Control characters (NUL …) in the data files: a workbook cannot hold them, so the export
    names where they are (file, line, column) instead of writing a part of the workbook."""
    problems = []
    for name in data_files():
        path = root / name
        if not path.is_file():
            continue
        content = path.read_bytes().decode("utf-8-sig", errors="replace")
        if not CONTROL_CHARACTERS.search(content):
            continue
        if not name.endswith(".csv"):
            line = content[: CONTROL_CHARACTERS.search(content).start()].count("\n") + 1
            problems.append(Problem(name, line, None, _control_message(content)))
            continue
        reader = csv.reader(io.StringIO(content.replace("\r\n", "\n"), newline=""))
        header = next(reader, [])
        line = reader.line_num + 1
        for record in reader:
            for column, value in zip(header, record):
                if CONTROL_CHARACTERS.search(value):
                    problems.append(Problem(name, line, column.strip(), _control_message(value)))
            line = reader.line_num + 1
    return problems


def _control_message(value: str) -> str:
    ch = CONTROL_CHARACTERS.search(value).group()
    return f"control character U+{ord(ch):04X} in {value!r}: a workbook cannot hold it (remove it)"


def _context(dataset: Dataset, year: int | None, lang: str, results: pd.DataFrame | None = None) -> _Context:
    a = dataset.actuals
    year = dataset.latest_year if year is None else check_year(dataset, year, to_period_end=True)
    # with no actual yet (a new strategy's first year), the columns start at the period's first year
    first = int(a["year"].min()) if len(a) else dataset.metadata["period"]["first"]
    latest = dataset.years[-1] if dataset.years else year
    scheme = scheme_for(dataset)
    graded = progress_table(dataset, scheme)
    if results is None:
        results = evaluate(dataset, year, scheme)
    findings = audit(dataset, scheme, lang, graded=graded, evaluated={year: results})
    pr = dataset.published_rates
    return _Context(
        dataset=dataset,
        lang=lang,
        year=year,
        years=list(range(first, max(year, latest) + 1)),
        results=results,
        rates={
            (r.indicator, int(r.year)): float(r.progress_rate) for r in graded.itertuples() if pd.notna(r.progress_rate)
        },
        published={
            (int(r.project), r.indicator, int(r.year)): (
                r.progress_rate_state,
                r.progress_rate,
                0 if pd.isna(r.progress_rate_decimals) else int(r.progress_rate_decimals),
            )
            for r in pr.itertuples()
        },
        grades={
            (int(g.project), g.indicator, int(g.year)): g.grade
            for g in dataset.published_grades.itertuples()
            if isinstance(g.grade, str) and g.grade.strip()
        },
        milestones={
            (m.indicator, int(m.year)): (float(m.value), int(m.value_decimals))
            for m in dataset.milestones.itertuples()
            if pd.notna(m.value)
        },
        published_rate_format=_rate_format(scheme.decimals),
        findings={(int(f.project), f.indicator, int(f.year), f.figure): f for f in findings.itertuples()},
        audit=findings,
        bench={
            (b.indicator, int(b.year)): (float(b.value), int(b.value_decimals), b.provenance)
            for b in dataset.benchmarks.itertuples()
        },
        actuals={
            (r.indicator, int(r.year)): numbers.Cell(
                r.actual_state,
                None if pd.isna(r.actual) else float(r.actual),
                0 if pd.isna(r.actual_decimals) else int(r.actual_decimals),
            )
            for r in a.itertuples()
        },
        rate_format=_rate_format(scheme.decimals),
        precision=dict(zip(dataset.indicators["indicator"], dataset.indicators["decimals"])),
    )


def _text_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _project_sheet(ws, ctx: _Context, project: int) -> None:
    lang = ctx.lang
    proj = ctx.dataset.projects.set_index("project").loc[project]
    last_col = COL_YEAR0 + len(ctx.years)  # the 進捗 column
    widths: dict[int, int] = {}
    name = proj["name_ja"] if lang == "ja" else proj["name_en"]
    catch = proj["catch_ja"] if lang == "ja" else proj["catch_en"]
    put_value(ws.cell(row=1, column=COL_KIND), f"{project}. {name}").font = Font(bold=True, size=14)
    put_value(
        ws.cell(row=2, column=COL_KIND),
        f"{catch}　{text('report.evaluation_year', lang)}：{fiscal_year_label(ctx.year, lang)}",
    )
    row = FIRST_BLOCK_ROW
    marks: list = []
    derived_shown = False
    results = ctx.results[ctx.results["project"] == project]
    for kind in ("数値目標", "KPI"):
        block = results[results["kind"] == kind]
        if block.empty:
            continue
        top = row
        _header(ws, ctx, row)
        if top == FIRST_BLOCK_ROW:
            ws.freeze_panes = ws.cell(row=row + 2, column=COL_BASE)
        row += 2
        for r in records(block):
            derived_shown |= _indicator_rows(ws, ctx, project, r, row, widths, marks)
            row += ctx.layout.rows(r).count
        # the block's label runs down its left edge, as in the source
        write_cell(ws, top, COL_KIND, kind_label(kind, lang), bold=True, fill=HEADER_FILL)
        ws.cell(row=top, column=COL_KIND).alignment = Alignment(
            horizontal="center", vertical="center", text_rotation=255 if lang == "ja" else 90
        )
        for rr in range(top + 1, row):
            write_cell(ws, rr, COL_KIND, fill=HEADER_FILL)
        merge(ws, ctx.merged, start_row=top, end_row=row - 1, start_column=COL_KIND, end_column=COL_KIND)
        row += 1
    _grade_colours(ws, scheme_for(ctx.dataset), last_col, FIRST_BLOCK_ROW, row - 1)
    _notes(ws, ctx, row, marks, derived_shown)
    _layout(ws, ctx, widths, last_col)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # people may still widen columns and rows
    ws.protection.formatRows = False


def _indicator_rows(ws, ctx: _Context, project: int, r: dict, row: int, widths: dict, marks: list) -> bool:
    """Write one indicator's rows (ctx.layout: 実績値, the milestone, 全国 for national-level
    targets, the computed rate, the published rate and grade) from `row`; return whether a derived
    national value is shown."""
    lang, rows, ind = ctx.lang, ctx.layout.rows(r), r["indicator"]
    n = rows.count
    last_col = COL_YEAR0 + len(ctx.years)

    def track(col, value, fmt=None):
        widths[col] = max(widths.get(col, 0), _text_width(shown(value, fmt)))

    put_value(ws.cell(row=row, column=COL_KEY), ind)
    fixed = fixed_cells(r, lang, ctx.years, ctx.bench, ctx.words, ctx.layout)
    derived_shown = False
    for (dr, col), fx in fixed.items():
        derived = (
            fx.source == "benchmarks.csv"
            and fx.value is not None
            and ctx.bench[(ind, ctx.years[col - COL_YEAR0])][2] == "derived"
        )
        derived_shown |= derived
        c = write_cell(
            ws,
            row + dr,
            col,
            fx.value,
            fx.fmt,
            wrap=col <= COL_REVISED,
            italic=derived,
            color="7F7F7F" if derived else None,
            align="left" if col == COL_NAME else ("center" if col < COL_LABEL else None),
        )
        if derived:
            c.comment = Comment(text("provenance.derived", lang, ctx.words), "kpi_lib", width=260, height=60)
        if col != COL_NAME:
            track(col, fx.value, fx.fmt)
    merge(ws, ctx.merged, start_row=row, end_row=row + n - 1, start_column=COL_NAME, end_column=COL_NAME)
    if n > 2:  # the years sit beside the rows after the first
        for col in (COL_BASE, COL_TARGET, COL_REVISED):
            for dr in range(2, n):
                write_cell(ws, row + dr, col)
            merge(ws, ctx.merged, start_row=row + 1, end_row=row + n - 1, start_column=col, end_column=col)
    unit = formatting.unit(r, lang)
    for i, y in enumerate(ctx.years):
        col = COL_YEAR0 + i
        # 実績値: the only cells analysts type in; an empty one is formatted like the latest value
        cell = ctx.actuals.get((ind, y))
        value, fmt = None, number_format(_latest_decimals(ctx, ind, y), unit, lang)
        if cell is not None and cell.state == numbers.VALUE:
            value, fmt = cell.value, number_format(cell.decimals, unit, lang)
        elif cell is not None and cell.state in (numbers.NOT_YET, numbers.NOT_MEASURED):
            value = numbers.NOT_YET_MARK if cell.state == numbers.NOT_YET else numbers.NOT_MEASURED_MARK
        c = write_cell(ws, row, col, value, fmt, align="right")
        c.protection = UNLOCKED
        track(col, value, fmt)
        for dr, value, fmt in _input_cells(ctx, rows, project, ind, y, unit):
            c = write_cell(ws, row + dr, col, value, fmt, align="right")
            c.protection = UNLOCKED
            if dr == rows.national and value is not None and ctx.bench[(ind, y)][2] == "derived":
                derived_shown = True
                c.font = Font(italic=True, color="7F7F7F")
                c.comment = Comment(text("provenance.derived", lang, ctx.words), "kpi_lib", width=260, height=60)
            track(col, value, fmt)
        # 進捗率: recomputed; — where the source prints a dash; shaded where the source differs
        rate = ctx.rates.get((ind, y))
        published = ctx.published.get((project, ind, y))
        at = row + rows.rate
        if rate is not None:
            c = write_cell(ws, at, col, rate, ctx.rate_format, fill=COMPUTED_FILL)
        elif published is not None and published[0] == numbers.NOT_MEASURED:
            c = write_cell(ws, at, col, numbers.NOT_MEASURED_MARK, align="right", fill=COMPUTED_FILL)
        else:
            c = write_cell(ws, at, col, fill=COMPUTED_FILL)
        track(col, c.value, ctx.rate_format if rate is not None else None)
        finding = ctx.findings.get((project, ind, y, "progress_rate"))
        if finding is not None:
            _mark(c, finding, lang, "%")
            marks.append((r, y, text("col.progress_rate", lang, ctx.words), finding, "%"))
    g = write_cell(ws, row, last_col, r["grade"] or None, bold=True, fill=COMPUTED_FILL)
    merge(ws, ctx.merged, start_row=row, end_row=row + n - 1, start_column=last_col, end_column=last_col)
    finding = ctx.findings.get((project, ind, ctx.year, "grade"))
    if finding is not None:
        _mark(g, finding, lang, "")
        marks.append((r, ctx.year, text("col.grade", lang, ctx.words), finding, ""))
    # rows tall enough for the wrapped name and targets
    lines = max(
        math.ceil(_text_width(shown(fx.value, fx.fmt)) / (NAME_WIDTH - 2 if col == COL_NAME else _cap(lang) - 1))
        for (_, col), fx in fixed.items()
        if col <= COL_REVISED
    )
    for dr in range(n):
        ws.row_dimensions[row + dr].height = max(16.0, 15.0 * lines / n + 3)
    return derived_shown


def _input_cells(ctx: _Context, rows, project: int, ind: str, year: int, unit: str) -> list[tuple]:
    """(row offset, value, number format) of the input cells under an indicator's 実績値 in a year's
    column (ctx.layout): the milestone, the national value, the published rate and the published
    grade, each as the data holds it (numbers with their printed decimals; 未 and — as text)."""
    out = []
    precision = int(ctx.precision.get(ind, 0))
    if rows.milestone is not None:
        m = ctx.milestones.get((ind, year))
        decimals = precision if m is None else m[1]
        out.append((rows.milestone, None if m is None else m[0], number_format(decimals, unit, ctx.lang)))
    if rows.national is not None and ctx.layout.current:
        b = ctx.bench.get((ind, year))
        decimals = precision if b is None else b[1]
        out.append((rows.national, None if b is None else b[0], number_format(decimals, unit, ctx.lang)))
    if rows.published_rate is not None:
        p = ctx.published.get((project, ind, year))
        value, fmt = None, ctx.published_rate_format
        if p is not None and p[0] == numbers.VALUE:
            value, fmt = float(p[1]), _rate_format(p[2])
        elif p is not None:
            value = numbers.NOT_YET_MARK if p[0] == numbers.NOT_YET else numbers.NOT_MEASURED_MARK
        out.append((rows.published_rate, value, fmt))
        out.append((rows.published_grade, ctx.grades.get((project, ind, year)), None))
    return out


NAME_WIDTH = 36


def _cap(lang: str) -> int:
    """Widest 基準値/目標値 column; longer texts wrap."""
    return 16 if lang == "ja" else 20


def _latest_decimals(ctx: _Context, indicator: str, year: int) -> int:
    """Decimals for an empty actual cell: those of the nearest earlier value, and at least the
    indicator's precision, so that a value typed there keeps it (1.40 is not stored as 1.4)."""
    best = int(ctx.precision.get(indicator, 0))
    for y in ctx.years:
        cell = ctx.actuals.get((indicator, y))
        if y <= year and cell is not None and cell.state == numbers.VALUE:
            best = max(cell.decimals, int(ctx.precision.get(indicator, 0)))
    return best


def _header(ws, ctx: _Context, row: int) -> None:
    lang, last_col = ctx.lang, COL_YEAR0 + len(ctx.years)
    h = dict(bold=True, fill=HEADER_FILL, wrap=True)
    write_table_header(ws, row, lang, ctx.years, last_col, ctx.merged)
    write_cell(ws, row, last_col, text("col.grade", lang, ctx.words), **h)
    write_cell(ws, row + 1, last_col, short_label(ctx.year, lang), **h)
    # the header says which cells are computed (the sheet's notes say it again)
    for col in (COL_LABEL, last_col):
        ws.cell(row=row, column=col).comment = Comment(
            word("note_computed", lang, ctx.words), "kpi_lib", width=320, height=80
        )


def _grade_colours(ws, scheme, column: int, first_row: int, last_row: int) -> None:
    """Grade cells coloured by conditional formatting with the scheme's colours (the symbol stays
    the text; its colour is chosen by contrast, style.text_colour), so a grade edited in Excel
    recolours itself."""
    letter = get_column_letter(column)
    area = f"{letter}{first_row}:{letter}{last_row}"
    for grade, (background, foreground) in grade_colours(scheme).items():
        ws.conditional_formatting.add(
            area,
            CellIsRule(
                operator="equal",
                formula=[f'"{grade}"'],
                fill=PatternFill("solid", fgColor=background.lstrip("#"), bgColor=background.lstrip("#")),
                font=Font(bold=True, color=foreground.lstrip("#")),
            ),
        )


def _mark(cell, finding, lang: str, suffix: str) -> None:
    cell.fill = _MISMATCH_FILL
    note = (
        f"{word('published', lang)}: {finding.published}{suffix}\n"
        f"{word('recomputed', lang)}: {finding.recomputed}{suffix}\n{finding.arithmetic}"
    )
    cell.comment = Comment(note, "kpi_lib", width=320, height=90)


def _notes(ws, ctx: _Context, row: int, marks: list, derived_shown: bool) -> None:
    lang = ctx.lang
    lines = []  # (text, swatch)
    if marks:
        lines.append((word("note_mismatch", lang), True))
    colon, (left, right) = ("：", "（）") if lang == "ja" else (": ", "()")
    for r, y, figure, f, suffix in marks:
        lines.append(
            (
                f"※ {name_with_unit(r, lang)} {short_label(y, lang)} {figure}{colon}{word('published', lang)} {f.published}{suffix}"
                f" / {word('recomputed', lang)} {f.recomputed}{suffix} {left}{f.arithmetic}{right}",
                False,
            )
        )
    lines.append((word("note_computed", lang, ctx.words), "computed"))
    if derived_shown:
        lines.append((word("note_derived", lang, ctx.words), False))
    lines.append((f"{text('report.legend', lang, ctx.words)}{colon}", False))
    scheme = scheme_for(ctx.dataset)
    for grade in scheme.ranking or scheme.grades:  # A① A② A③ B, as the source's legend
        band = scheme.band(grade)
        lines.append((f"  {band.grade}{colon}{band.label_ja if lang == 'ja' else band.label_en}", False))
    src = ctx.dataset.metadata.get("source", {})
    if isinstance(src, dict) and src.get("title_ja"):
        publisher = src.get("publisher_ja" if lang == "ja" else "publisher_en", "")
        lines.append((f"{text('report.source', lang)}{colon}{publisher}「{src['title_ja']}」", False))
    # a workbook of format 2 said only the 実績値 cells are inputs (its notes are compared as written)
    lines.append((word("note_inputs" if ctx.layout.current else "note_input", lang, ctx.words), False))
    for line, swatch in lines:
        if swatch:
            ws.cell(row=row, column=COL_KIND).fill = COMPUTED_FILL if swatch == "computed" else _MISMATCH_FILL
        put_value(ws.cell(row=row, column=COL_NAME), line).font = Font(size=9)
        row += 1


def _layout(ws, ctx: _Context, widths: dict[int, int], last_col: int) -> None:
    ws.column_dimensions[get_column_letter(COL_KEY)].hidden = True
    ws.column_dimensions[get_column_letter(COL_KIND)].width = 4.5 if ctx.lang == "ja" else 6
    ws.column_dimensions[get_column_letter(COL_NAME)].width = NAME_WIDTH
    for col in range(COL_BASE, last_col + 1):
        base = 7 if col == last_col else (12 if ctx.lang == "en" and col < COL_LABEL else 9)
        ws.column_dimensions[get_column_letter(col)].width = max(base, min(_cap(ctx.lang), widths.get(col, 0) + 2))
    ws.column_dimensions[get_column_letter(COL_LABEL)].width = 15 if ctx.lang == "ja" else 17
    print_landscape_a4(ws)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_area = f"B1:{get_column_letter(last_col)}{ws.max_row}"


def _audit_sheet(ws, ctx: _Context) -> None:
    lang = ctx.lang
    findings = ctx.audit
    put_value(ws.cell(row=1, column=1), word("audit_title", lang)).font = Font(bold=True, size=14)
    headers = [
        text("col.project", lang, ctx.words),
        text("col.name", lang),
        text("col.year", lang),
        text("col.figure", lang),
        text("col.published", lang),
        text("col.recomputed", lang),
        text("col.arithmetic", lang),
    ]
    if findings.empty:
        put_value(ws.cell(row=3, column=1), text("audit.none", lang))
    else:
        for i, h in enumerate(headers, 1):
            write_cell(ws, 3, i, h, bold=True, fill=HEADER_FILL, wrap=True)
        ind = ctx.dataset.indicators.set_index("indicator")
        for n, f in enumerate(findings.itertuples(), 4):
            values = [
                int(f.project),
                name_with_unit(ind.loc[f.indicator], lang),
                short_label(int(f.year), lang),
                text(f"figure.{f.figure}", lang, ctx.words),
                f.published,
                f.recomputed,
                f.arithmetic,
            ]
            for i, v in enumerate(values, 1):
                v, fmt = _as_number(v) if i in (5, 6) else (v, None)
                write_cell(ws, n, i, v, fmt, align="left" if i in (2, 7) else "center", wrap=i == 2)
        ws.freeze_panes = "A4"
    for col, width in zip("ABCDEFG", (12, 40, 8, 10, 10, 10, 48)):
        ws.column_dimensions[col].width = width
    print_landscape_a4(ws)


_PLAIN_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$")


def _as_number(value):
    """A figure the audit prints as text ("67.4", "7,829") as a number with the same decimals
    shown, so it can be sorted and computed with; anything else (a grade, 未) stays text."""
    if not isinstance(value, str) or not _PLAIN_NUMBER.match(value.strip()):
        return value, None
    digits = value.strip().replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits) if decimals else int(digits), "#,##0" + ("." + "0" * decimals if decimals else "")
