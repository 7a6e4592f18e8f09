"""Excel workbooks: export the tables as the source prints them, import edited actuals back.

Export (`export_workbook`): one sheet per project in the layout of the source's tables (a 数値目標
block and a KPI block: 設定項目, 基準値 with its year, 目標値 戦略策定時 / 見直し後 with years, 実績値
and 進捗率 per year, 進捗), a sheet with the audit findings, and a hidden sheet `_kpi` (format,
language, evaluation year). Numbers stay numbers: the unit and the printed decimals live in the
number format (`#,##0"億円"`), so 7,829億円 is the number 7829. 未 and — are text. Progress rates
are the recomputed ones; a rate or grade the source prints differently is shaded and carries the
published figure in a comment. Column A (hidden) holds the indicator id: import never reads names.
Sheets are protected without a password; only the 実績値 cells are unlocked.

Import (`import_workbook`): reads the 実績値 cells back, checks every cell with the loader's rules
(problems name sheet and cell), writes the changed actuals into a copy of the data directory,
validates the copy with every data rule, and only then replaces actuals.csv. Unchanged rows keep
their text byte for byte; new (indicator, year) rows go after the indicator's last row.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from . import numbers
from .audit import audit
from .errors import DataError, KpiError, Problem
from .fiscal_year import fiscal_year_label, parse_fiscal_year, short_label
from .grading import evaluate, progress_table
from .labels import check_lang, kind_label, text
from .loading import Dataset, load_dataset, resolve_data_dir, validate
from .scheme import scheme_for

FORMAT_ID = "kpi_lib workbook 1"
META_SHEET = "_kpi"
KEY_HEADER = "key"

# Columns (1-based): hidden key, kind label, 設定項目, 基準値, 目標値 ×2, row label, years…, 進捗.
COL_KEY, COL_KIND, COL_NAME, COL_BASE, COL_TARGET, COL_REVISED, COL_LABEL, COL_YEAR0 = range(1, 9)
FIRST_BLOCK_ROW = 4  # rows 1-2: title; row 3: blank


def _w(key: str, lang: str, **kw) -> str:
    """A workbook word (labels.py, keys xlsx.*), with its placeholders filled in."""
    return text(f"xlsx.{key}", lang).format(**kw)


def sheet_name(project: int, lang: str = "ja") -> str:
    return _w("sheet", lang, n=project)


# ---------------------------------------------------------------------------------------------
# Export


_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_MISMATCH_FILL = PatternFill("solid", fgColor="FCE4D6")
_UNLOCKED = Protection(locked=False)
_RATE_FORMAT = '0.0"%"'


@dataclass
class _Context:
    dataset: Dataset
    lang: str
    year: int
    years: list[int]
    results: pd.DataFrame
    rates: dict          # (indicator, year) -> recomputed progress rate
    published: dict      # (project, indicator, year) -> published rate row (state, value)
    findings: dict       # (project, indicator, year, figure) -> audit row
    audit: pd.DataFrame  # every audit finding (the audit sheet)
    bench: dict          # (indicator, year) -> (value, decimals, provenance)
    actuals: dict        # (indicator, year) -> numbers.Cell


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
    ctx = _context(dataset, year, lang)
    wb = Workbook()
    wb.remove(wb.active)
    for project in dataset.project_numbers:
        _project_sheet(wb.create_sheet(sheet_name(project, lang)), ctx, project)
    _audit_sheet(wb.create_sheet(_w("audit_sheet", lang)), ctx)
    meta = wb.create_sheet(META_SHEET)
    for row in (("format", FORMAT_ID), ("lang", lang), ("year", ctx.year),
                ("years", ",".join(map(str, ctx.years)))):
        meta.append(row)
    meta.sheet_state = "hidden"
    _save_atomically(wb, path)
    return path


def _context(dataset: Dataset, year: int | None, lang: str) -> _Context:
    a = dataset.actuals
    first = int(a["year"].min())
    latest = dataset.latest_year
    year = latest if year is None else int(year)
    period = dataset.metadata.get("period", {})
    if year < first:
        raise KpiError(f"no column for {fiscal_year_label(year, 'en')}: the data's actuals start in FY{first}")
    if "last" in period and year > period["last"]:
        raise KpiError(f"{fiscal_year_label(year, 'en')} is outside the strategy period {period['first']}-{period['last']} (metadata.json)")
    scheme = scheme_for(dataset)
    graded = progress_table(dataset, scheme)
    findings = audit(dataset, scheme)
    pr = dataset.published_rates
    return _Context(
        dataset=dataset, lang=lang, year=year,
        years=list(range(first, max(year, latest) + 1)),
        results=evaluate(dataset, year, scheme),
        rates={(r.indicator, int(r.year)): float(r.progress_rate) for r in graded.itertuples() if pd.notna(r.progress_rate)},
        published={(int(r.project), r.indicator, int(r.year)): (r.progress_rate_state, r.progress_rate) for r in pr.itertuples()},
        findings={(int(f.project), f.indicator, int(f.year), f.figure): f for f in findings.itertuples()},
        audit=findings,
        bench={(b.indicator, int(b.year)): (float(b.value), int(b.value_decimals), b.provenance) for b in dataset.benchmarks.itertuples()},
        actuals={(r.indicator, int(r.year)): numbers.Cell(r.actual_state, None if pd.isna(r.actual) else float(r.actual),
                                                           0 if pd.isna(r.actual_decimals) else int(r.actual_decimals))
                 for r in a.itertuples()},
    )


def number_format(decimals, unit: str = "", lang: str = "ja", prefix: str = "") -> str:
    """1,000 separators, the printed decimals, and the unit as a literal: #,##0.0"万m³"."""
    d = 0 if numbers.is_missing(decimals) else int(decimals)
    fmt = "#,##0" + ("." + "0" * d if d > 0 else "")
    shown = unit if lang == "ja" or unit == "%" else ""
    return (f'"{prefix}"' if prefix else "") + fmt + (f'"{shown}"' if shown else "")


def _unit(r, lang: str) -> str:
    u = r["unit_ja"] if lang == "ja" else r["unit_en"]
    return "" if numbers.is_missing(u) else str(u)


def _name(r, lang: str) -> str:
    name = r["name_ja"] if lang == "ja" else r["name_en"]
    if numbers.is_missing(name) or name == "":
        name = text("label.missing", lang)
    unit = _unit(r, lang)
    if lang == "en" and unit and unit != "%":  # English shows the unit with the name, not in every cell
        name = f"{name} ({unit})"
    return str(name)


def _bracket_year(year, lang: str) -> str | None:
    return None if numbers.is_missing(year) else f"({short_label(int(year), lang)})"


def _rows_of(r) -> int:
    return 3 if r["target_kind"] == "national" else 2


@dataclass(frozen=True)
class _Fixed:
    value: object
    fmt: str | None = None
    source: str | None = None  # the file to edit instead (checked on import); None: a label, not checked
    what: str = ""


def _fixed_cells(r, lang: str, years: list[int], bench: dict) -> dict[tuple[int, int], _Fixed]:
    """The cells of one indicator that come from indicators.csv / benchmarks.csv, keyed by
    (row offset, column). Export writes them; import checks they were left alone."""
    unit, ind = _unit(r, lang), "indicators.csv"
    national = r["target_kind"] == "national"
    cells: dict[tuple[int, int], _Fixed] = {}
    cells[(0, COL_NAME)] = _Fixed(_name(r, lang), None, ind, text("col.name", lang))
    if r["baseline_state"] == numbers.NOT_MEASURED:
        cells[(0, COL_BASE)] = _Fixed(numbers.NOT_MEASURED_MARK, None, ind, text("col.baseline", lang))
    else:
        cells[(0, COL_BASE)] = _Fixed(float(r["baseline"]), number_format(r["baseline_decimals"], unit, lang), ind, text("col.baseline", lang))
    cells[(1, COL_BASE)] = _Fixed(_bracket_year(r["baseline_year"], lang), None, ind, text("col.baseline_year", lang))
    kind, what = r["target_kind"], text("col.target", lang)
    target_year = _bracket_year(r["target_year"], lang)
    if kind in ("national", "above_baseline", "at_least_baseline"):
        words = r["target_text_ja"] if lang == "ja" and not numbers.is_missing(r["target_text_ja"]) else text(f"target.{kind}", lang)
        cells[(0, COL_TARGET)] = _Fixed(str(words), None, ind, what)
    elif kind == "cumulative":
        period = _w("cumulative_period", lang, a=short_label(int(r["period_start"]), lang), b=short_label(int(r["period_end"]), lang))
        words = r["target_text_ja"]
        if lang == "ja" and not numbers.is_missing(words) and words != text("target.cumulative", "ja"):
            # printed as 12件 over (H28～R1累計): keep the source's own wording of the period
            cells[(0, COL_TARGET)] = _Fixed(float(r["target"]), number_format(r["target_decimals"], unit, lang), ind, what)
            target_year = f"({words})"
        else:  # printed as 累計10,500人 over (H27～R1)
            prefix = text("target.cumulative", lang) if lang == "ja" else ""
            cells[(0, COL_TARGET)] = _Fixed(float(r["target"]), number_format(r["target_decimals"], unit, lang, prefix), ind, what)
            target_year = f"({period})"
    else:
        cells[(0, COL_TARGET)] = _Fixed(float(r["target"]), number_format(r["target_decimals"], unit, lang), ind, what)
    cells[(1, COL_TARGET)] = _Fixed(target_year, None, ind, text("col.target_year", lang))
    what = text("col.revised_target", lang)
    if numbers.is_missing(r["revised_target"]):
        cells[(0, COL_REVISED)] = _Fixed(numbers.NOT_MEASURED_MARK, None, ind, what)
    else:
        cells[(0, COL_REVISED)] = _Fixed(float(r["revised_target"]), number_format(r["revised_target_decimals"], unit, lang), ind, what)
    cells[(1, COL_REVISED)] = _Fixed(_bracket_year(r["revised_target_year"], lang), None, ind, what)
    cells[(0, COL_LABEL)] = _Fixed(_w("actual_hokkaido", lang) if national else text("col.actual", lang))
    if national:
        cells[(1, COL_LABEL)] = _Fixed(text("series.national", lang))
        for i, y in enumerate(years):
            b = bench.get((r["indicator"], y))
            cells[(1, COL_YEAR0 + i)] = _Fixed(None if b is None else b[0], None if b is None else number_format(b[1], unit, lang),
                                              "benchmarks.csv", f"{text('series.national', lang)} {short_label(y, lang)}")
    cells[(_rows_of(r) - 1, COL_LABEL)] = _Fixed(text("col.progress_rate", lang))
    return cells


def _cell(ws, row: int, col: int, value=None, fmt: str | None = None, *, bold=False, fill=None,
          align: str | None = None, wrap=False, italic=False, color: str | None = None, border=True):
    c = ws.cell(row=row, column=col)
    c.value = value
    if fmt:
        c.number_format = fmt
    if bold or italic or color:
        c.font = Font(bold=bold, italic=italic, color=color)
    if fill is not None:
        c.fill = fill
    if align is None:
        align = "right" if isinstance(value, (int, float)) or fmt else "center"
    c.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if border:
        c.border = _BORDER
    return c


def _text_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _shown(value, fmt: str | None) -> str:
    """Roughly what a spreadsheet shows: for column widths."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and fmt:
        literals = "".join(re.findall(r'"([^"]*)"', fmt))
        return numbers.format_number(float(value), _format_decimals(fmt)) + literals
    return str(value)


def _project_sheet(ws, ctx: _Context, project: int) -> None:
    lang = ctx.lang
    proj = ctx.dataset.projects.set_index("project").loc[project]
    last_col = COL_YEAR0 + len(ctx.years)  # the 進捗 column
    widths: dict[int, int] = {}
    name = proj["name_ja"] if lang == "ja" else proj["name_en"]
    catch = proj["catch_ja"] if lang == "ja" else proj["catch_en"]
    ws.cell(row=1, column=COL_KIND, value=f"{project}. {name}").font = Font(bold=True, size=14)
    ws.cell(row=2, column=COL_KIND, value=f"{catch}　{text('report.evaluation_year', lang)}：{fiscal_year_label(ctx.year, lang)}")
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
        for r in block.to_dict("records"):
            derived_shown |= _indicator_rows(ws, ctx, project, r, row, widths, marks)
            row += _rows_of(r)
        # the block's label runs down its left edge, as in the source
        _cell(ws, top, COL_KIND, kind_label(kind, lang), bold=True, fill=_HEADER_FILL)
        ws.cell(row=top, column=COL_KIND).alignment = Alignment(horizontal="center", vertical="center",
                                                                text_rotation=255 if lang == "ja" else 90)
        for rr in range(top + 1, row):
            _cell(ws, rr, COL_KIND, fill=_HEADER_FILL)
        ws.merge_cells(start_row=top, end_row=row - 1, start_column=COL_KIND, end_column=COL_KIND)
        row += 1
    _notes(ws, ctx, row, marks, derived_shown)
    _layout(ws, ctx, widths, last_col)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # people may still widen columns and rows
    ws.protection.formatRows = False


def _indicator_rows(ws, ctx: _Context, project: int, r: dict, row: int, widths: dict, marks: list) -> bool:
    """Write one indicator's rows (実績値, 全国 for national-level targets, 進捗率) from `row`;
    return whether a derived national value is shown."""
    lang, n, ind = ctx.lang, _rows_of(r), r["indicator"]
    last_col = COL_YEAR0 + len(ctx.years)

    def track(col, value, fmt=None):
        widths[col] = max(widths.get(col, 0), _text_width(_shown(value, fmt)))

    ws.cell(row=row, column=COL_KEY, value=ind)
    fixed = _fixed_cells(r, lang, ctx.years, ctx.bench)
    derived_shown = False
    for (dr, col), fx in fixed.items():
        derived = fx.source == "benchmarks.csv" and fx.value is not None and \
            ctx.bench[(ind, ctx.years[col - COL_YEAR0])][2] == "derived"
        derived_shown |= derived
        c = _cell(ws, row + dr, col, fx.value, fx.fmt, wrap=col <= COL_REVISED, italic=derived,
                  color="7F7F7F" if derived else None,
                  align="left" if col == COL_NAME else ("center" if col < COL_LABEL else None))
        if derived:
            c.comment = Comment(text("provenance.derived", lang), "kpi_lib", width=260, height=60)
        if col != COL_NAME:
            track(col, fx.value, fx.fmt)
    ws.merge_cells(start_row=row, end_row=row + n - 1, start_column=COL_NAME, end_column=COL_NAME)
    if n == 3:  # the years sit beside the national row and the rate row
        for col in (COL_BASE, COL_TARGET, COL_REVISED):
            _cell(ws, row + 2, col)
            ws.merge_cells(start_row=row + 1, end_row=row + 2, start_column=col, end_column=col)
    unit = _unit(r, lang)
    for i, y in enumerate(ctx.years):
        col = COL_YEAR0 + i
        # 実績値: the only cells analysts type in; an empty one is formatted like the latest value
        cell = ctx.actuals.get((ind, y))
        value, fmt = None, number_format(_latest_decimals(ctx, ind, y), unit, lang)
        if cell is not None and cell.state == numbers.VALUE:
            value, fmt = cell.value, number_format(cell.decimals, unit, lang)
        elif cell is not None and cell.state in (numbers.NOT_YET, numbers.NOT_MEASURED):
            value = numbers.NOT_YET_MARK if cell.state == numbers.NOT_YET else numbers.NOT_MEASURED_MARK
        c = _cell(ws, row, col, value, fmt, align="right")
        c.protection = _UNLOCKED
        track(col, value, fmt)
        # 進捗率: recomputed; — where the source prints a dash; shaded where the source differs
        rate = ctx.rates.get((ind, y))
        published = ctx.published.get((project, ind, y))
        if rate is not None:
            c = _cell(ws, row + n - 1, col, rate, _RATE_FORMAT)
        elif published is not None and published[0] == numbers.NOT_MEASURED:
            c = _cell(ws, row + n - 1, col, numbers.NOT_MEASURED_MARK, align="right")
        else:
            c = _cell(ws, row + n - 1, col)
        track(col, c.value, _RATE_FORMAT if rate is not None else None)
        finding = ctx.findings.get((project, ind, y, "progress_rate"))
        if finding is not None:
            _mark(c, finding, lang, "%")
            marks.append((r, y, text("col.progress_rate", lang), finding, "%"))
    g = _cell(ws, row, last_col, r["grade"] or None, bold=True)
    ws.merge_cells(start_row=row, end_row=row + n - 1, start_column=last_col, end_column=last_col)
    finding = ctx.findings.get((project, ind, ctx.year, "grade"))
    if finding is not None:
        _mark(g, finding, lang, "")
        marks.append((r, ctx.year, text("col.grade", lang), finding, ""))
    # rows tall enough for the wrapped name and targets
    lines = max(math.ceil(_text_width(_shown(fx.value, fx.fmt)) / (NAME_WIDTH - 2 if col == COL_NAME else _cap(lang) - 1))
                for (_, col), fx in fixed.items() if col <= COL_REVISED)
    for dr in range(n):
        ws.row_dimensions[row + dr].height = max(16.0, 15.0 * lines / n + 3)
    return derived_shown


NAME_WIDTH = 36


def _cap(lang: str) -> int:
    """Widest 基準値/目標値 column; longer texts wrap."""
    return 16 if lang == "ja" else 20


def _latest_decimals(ctx: _Context, indicator: str, year: int) -> int:
    """Decimals for an empty actual cell: those of the nearest earlier value."""
    best = 0
    for y in ctx.years:
        cell = ctx.actuals.get((indicator, y))
        if y <= year and cell is not None and cell.state == numbers.VALUE:
            best = cell.decimals
    return best


def _header(ws, ctx: _Context, row: int) -> None:
    lang, last_col = ctx.lang, COL_YEAR0 + len(ctx.years)
    h = dict(bold=True, fill=_HEADER_FILL, wrap=True)
    ws.cell(row=row, column=COL_KEY, value=KEY_HEADER)
    _cell(ws, row, COL_NAME, text("col.name", lang), **h)
    _cell(ws, row + 1, COL_NAME, **h)
    ws.merge_cells(start_row=row, end_row=row + 1, start_column=COL_NAME, end_column=COL_NAME)
    _cell(ws, row, COL_BASE, text("col.baseline", lang), **h)
    _cell(ws, row + 1, COL_BASE, _w("at_adoption", lang), **h)
    _cell(ws, row, COL_TARGET, _w("target", lang), **h)
    _cell(ws, row, COL_REVISED, **h)
    ws.merge_cells(start_row=row, end_row=row, start_column=COL_TARGET, end_column=COL_REVISED)
    _cell(ws, row + 1, COL_TARGET, _w("at_adoption", lang), **h)
    _cell(ws, row + 1, COL_REVISED, _w("revised", lang), **h)
    _cell(ws, row, COL_LABEL, text("col.actual", lang), **h)
    for col in range(COL_LABEL + 1, last_col):
        _cell(ws, row, col, **h)
    ws.merge_cells(start_row=row, end_row=row, start_column=COL_LABEL, end_column=last_col - 1)
    _cell(ws, row + 1, COL_LABEL, **h)
    for i, y in enumerate(ctx.years):
        _cell(ws, row + 1, COL_YEAR0 + i, short_label(y, lang), **h)
    _cell(ws, row, last_col, text("col.grade", lang), **h)
    _cell(ws, row + 1, last_col, short_label(ctx.year, lang), **h)


def _mark(cell, finding, lang: str, suffix: str) -> None:
    cell.fill = _MISMATCH_FILL
    note = (f"{_w('published', lang)}: {finding.published}{suffix}\n"
            f"{_w('recomputed', lang)}: {finding.recomputed}{suffix}\n{finding.arithmetic}")
    cell.comment = Comment(note, "kpi_lib", width=320, height=90)


def _notes(ws, ctx: _Context, row: int, marks: list, derived_shown: bool) -> None:
    lang = ctx.lang
    lines = []  # (text, swatch)
    if marks:
        lines.append((_w("note_mismatch", lang), True))
    colon, (left, right) = ("：", "（）") if lang == "ja" else (": ", "()")
    for r, y, figure, f, suffix in marks:
        lines.append((f"※ {_name(r, lang)} {short_label(y, lang)} {figure}{colon}{_w('published', lang)} {f.published}{suffix}"
                      f" / {_w('recomputed', lang)} {f.recomputed}{suffix} {left}{f.arithmetic}{right}", False))
    if derived_shown:
        lines.append((_w("note_derived", lang), False))
    lines.append((f"{text('report.legend', lang)}{colon}", False))
    scheme = scheme_for(ctx.dataset)
    for grade in scheme.ranking or scheme.grades:  # A① A② A③ B, as the source's legend
        band = scheme.band(grade)
        lines.append((f"  {band.grade}{colon}{band.label_ja if lang == 'ja' else band.label_en}", False))
    src = ctx.dataset.metadata.get("source", {})
    if isinstance(src, dict) and src.get("title_ja"):
        publisher = src.get("publisher_ja" if lang == "ja" else "publisher_en", "")
        lines.append((f"{text('report.source', lang)}{colon}{publisher}「{src['title_ja']}」", False))
    lines.append((_w("note_input", lang), False))
    for line, swatch in lines:
        if swatch:
            ws.cell(row=row, column=COL_KIND).fill = _MISMATCH_FILL
        ws.cell(row=row, column=COL_NAME, value=line).font = Font(size=9)
        row += 1


def _layout(ws, ctx: _Context, widths: dict[int, int], last_col: int) -> None:
    ws.column_dimensions[get_column_letter(COL_KEY)].hidden = True
    ws.column_dimensions[get_column_letter(COL_KIND)].width = 4.5 if ctx.lang == "ja" else 6
    ws.column_dimensions[get_column_letter(COL_NAME)].width = NAME_WIDTH
    for col in range(COL_BASE, last_col + 1):
        base = 7 if col == last_col else (12 if ctx.lang == "en" and col < COL_LABEL else 9)
        ws.column_dimensions[get_column_letter(col)].width = max(base, min(_cap(ctx.lang), widths.get(col, 0) + 2))
    ws.column_dimensions[get_column_letter(COL_LABEL)].width = 15 if ctx.lang == "ja" else 17
    _print_landscape_a4(ws)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_area = f"B1:{get_column_letter(last_col)}{ws.max_row}"


def _audit_sheet(ws, ctx: _Context) -> None:
    lang = ctx.lang
    findings = ctx.audit
    ws.cell(row=1, column=1, value=_w("audit_title", lang)).font = Font(bold=True, size=14)
    headers = [text("col.project", lang), text("col.name", lang), text("col.year", lang), text("col.figure", lang),
               text("col.published", lang), text("col.recomputed", lang), text("col.arithmetic", lang)]
    if findings.empty:
        ws.cell(row=3, column=1, value=text("audit.none", lang))
    else:
        for i, h in enumerate(headers, 1):
            _cell(ws, 3, i, h, bold=True, fill=_HEADER_FILL, wrap=True)
        ind = ctx.dataset.indicators.set_index("indicator")
        for n, f in enumerate(findings.itertuples(), 4):
            values = [int(f.project), _name(ind.loc[f.indicator], lang), short_label(int(f.year), lang),
                      text(f"figure.{f.figure}", lang), f.published, f.recomputed, f.arithmetic]
            for i, v in enumerate(values, 1):
                _cell(ws, n, i, v, align="left" if i in (2, 7) else "center", wrap=i == 2)
        ws.freeze_panes = "A4"
    for col, width in zip("ABCDEFG", (12, 40, 8, 10, 10, 10, 48)):
        ws.column_dimensions[col].width = width
    _print_landscape_a4(ws)


def _print_landscape_a4(ws) -> None:
    """No grid lines; print landscape on A4, one page wide."""
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _save_atomically(wb: Workbook, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class Change:
    """One actual that the import changes (old is None for a new row)."""

    cells: tuple[str, ...]
    indicator: str
    year: int
    old: str | None
    new: str


def import_workbook(path: str | Path, data_dir: str | Path | None = None) -> list[Change]:
    """Read the 実績値 cells of an exported workbook into data_dir/actuals.csv.

    Everything is checked before anything is written: the workbook's cells (problems name sheet
    and cell), then the data directory as it would be after the import (every rule of
    `kpi validate`). On any problem a DataError is raised and data_dir is left as it was.
    Returns the changes made (empty when the workbook holds the data as it is).
    """
    path = Path(path)
    root = resolve_data_dir(data_dir)
    dataset = load_dataset(root)
    wb = _open_workbook(path)
    problems: list[Problem] = []
    lang, year = _read_meta(wb, path, problems)
    if problems:
        raise DataError(problems)
    entries = _read_sheets(wb, path, dataset, lang, year, problems)
    changes = _changes(entries, dataset, lang, problems)
    if problems:
        raise DataError(problems)
    if not changes:
        return []
    actuals = root / "actuals.csv"
    original = actuals.read_bytes()
    patched, lines = patch_actuals(original, {(c.indicator, c.year): c.new for c in changes},
                                   list(dataset.indicators["indicator"]))
    _check_copy(root, {"actuals.csv": patched}, {lines[(c.indicator, c.year)]: c for c in changes})
    _replace_files(root, {"actuals.csv": patched})
    return changes


def _open_workbook(path: Path):
    if not path.is_file():
        raise KpiError(f"workbook not found: {path}")
    try:
        return load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as e:
        reason = str(e).splitlines()[0] if str(e) else e.__class__.__name__
        raise KpiError(f"{path.name}: not an Excel workbook (.xlsx) written by 'kpi export' ({reason})") from None


def _read_meta(wb, path: Path, problems: list[Problem]) -> tuple[str, int]:
    if META_SHEET not in wb.sheetnames:
        problems.append(Problem(path.name, None, None, f"sheet {META_SHEET!r} is missing: not a workbook written by 'kpi export'"))
        return "ja", 0
    meta = {str(r[0].value): r[1].value for r in wb[META_SHEET].iter_rows(max_col=2) if r[0].value is not None}
    if meta.get("format") != FORMAT_ID:
        problems.append(Problem(f"{META_SHEET}!B1", None, None, f"unknown workbook format {meta.get('format')!r} (expected {FORMAT_ID!r})"))
    lang = meta.get("lang")
    if lang not in ("ja", "en"):
        problems.append(Problem(f"{META_SHEET}!B2", None, None, f"unknown language {lang!r}"))
        lang = "ja"
    try:
        year = parse_fiscal_year(meta.get("year"))
    except KpiError as e:
        problems.append(Problem(f"{META_SHEET}!B3", None, None, str(e)))
        year = 0
    return lang, year


def _ref(ws, row: int, col: int) -> str:
    return f"{ws.title}!{get_column_letter(col)}{row}"


def _read_sheets(wb, path: Path, dataset: Dataset, lang: str, year: int, problems: list[Problem]) -> list:
    expected = {sheet_name(p, lang): p for p in dataset.project_numbers}
    known = set(expected) | {_w("audit_sheet", lang), META_SHEET}
    unknown = [name for name in wb.sheetnames if name not in known]
    missing = [name for name in expected if name not in wb.sheetnames]
    for name in unknown if missing else []:  # an added sheet of one's own is fine; a renamed one is not
        problems.append(Problem(name, None, None, f"unknown sheet: expected {', '.join(missing)} (was it renamed? sheets must keep their names)"))
    if missing and not unknown:
        problems.append(Problem(path.name, None, None, f"sheet {', '.join(missing)} is missing (deleted?)"))
    results = evaluate(dataset, year, scheme_for(dataset))
    bench = {(b.indicator, int(b.year)): (float(b.value), int(b.value_decimals), b.provenance) for b in dataset.benchmarks.itertuples()}
    entries = []
    for name, project in expected.items():
        if name not in wb.sheetnames:
            continue
        rows = {r["indicator"]: r for r in results[results["project"] == project].to_dict("records")}
        entries += _read_sheet(wb[name], rows, lang, bench, problems)
    return entries


def _read_sheet(ws, rows: dict, lang: str, bench: dict, problems: list[Problem]) -> list:
    """(ref, indicator, year, Cell) for every 実績値 cell; structure problems are added to problems."""

    def problem(row, col, message):
        problems.append(Problem(_ref(ws, row, col), None, None, message))

    keys = [ws.cell(row=row, column=COL_KEY).value for row in range(1, ws.max_row + 1)]
    if KEY_HEADER not in keys:
        problem(FIRST_BLOCK_ROW, COL_KEY, f"the key column is missing: the hidden column A must hold {KEY_HEADER!r} above "
                                          "each table and the indicator ids (was it deleted or moved?)")
        return []
    entries, seen = [], {}
    years: dict[int, int] | None = None
    for row in range(1, ws.max_row + 1):
        key = ws.cell(row=row, column=COL_KEY).value
        if key is None or str(key).strip() == "":
            continue
        key = str(key).strip()
        if key == KEY_HEADER:
            years = _read_header(ws, row, lang, problem)
            continue
        if key not in rows:
            problem(row, COL_KEY, f"unknown indicator key {key!r} for this sheet (the hidden column A holds the keys: do not edit it)")
            continue
        if key in seen:
            problem(row, COL_KEY, f"indicator {key!r} appears twice (first at row {seen[key]})")
            continue
        seen[key] = row
        if years is None:
            continue  # the header's problem is already reported
        r = rows[key]
        for (dr, col), f in _fixed_cells(r, lang, list(years.values()), bench).items():
            if f.source is None:
                continue
            got = ws.cell(row=row + dr, column=col).value  # year columns are contiguous from COL_YEAR0
            if not _same_value(got, f.value):
                old = _shown(f.value, f.fmt) or "(empty)"
                new = "(empty)" if got is None or str(got).strip() == "" else str(got)
                problem(row + dr, col, f"{f.what}: the workbook has {new}, the data has {old}; only 実績値 cells are imported "
                                       f"(change it in {f.source}, or export again if the data changed after the export)")
        for col, y in years.items():
            ref = _ref(ws, row, col)
            try:
                cell = read_actual(ws.cell(row=row, column=col))
            except numbers.CellError as e:
                problems.append(Problem(ref, None, None, str(e)))
                continue
            entries.append((ref, key, y, cell))
    for key, r in rows.items():
        if key not in seen:
            name = _name(r, lang)
            problems.append(Problem(ws.title, None, None, f"no row for indicator {key!r} ({name}): rows must not be deleted"))
    return entries


def _read_header(ws, row: int, lang: str, problem) -> dict[int, int] | None:
    """{column: year} of a table's header, or None (with a problem) when its layout was changed."""
    ok = True
    for col, want in ((COL_NAME, text("col.name", lang)), (COL_BASE, text("col.baseline", lang)),
                      (COL_TARGET, _w("target", lang)), (COL_LABEL, text("col.actual", lang))):
        got = ws.cell(row=row, column=col).value
        if got != want:
            problem(row, col, f"expected the heading {want!r}, found {got!r} (columns must not be inserted, deleted or moved)")
            ok = False
    grade_col = next((c for c in range(COL_YEAR0, ws.max_column + 1) if ws.cell(row=row, column=c).value == text("col.grade", lang)), None)
    if grade_col is None:
        problem(row, COL_YEAR0, f"no {text('col.grade', lang)!r} heading after the year columns")
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
    return years if ok else None


def _same_value(got, want) -> bool:
    if want is None or want == "":
        return got is None or (isinstance(got, str) and got.strip() == "")
    if isinstance(want, float):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
    return isinstance(got, str) and got.strip() == want


def read_actual(cell) -> numbers.Cell:
    """A 実績値 cell as the loader would read it: numbers keep the decimals their number format
    shows (1.3 in a 0.00 cell is 1.30); text follows numbers.parse_cell (全角, 1,000, 未, —)."""
    v = cell.value
    if v is None:
        return numbers.Cell(numbers.BLANK)
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise numbers.CellError(f"not a number: {str(v)!r} (expected a number, 未 or —)")
    if isinstance(v, str):
        return numbers.parse_cell(v)
    if not math.isfinite(v):
        raise numbers.CellError(f"not a number: {v!r}")
    v = round(float(v), 10)  # formula results carry binary noise (7086.000000000001)
    written = -min(0, Decimal(repr(v)).normalize().as_tuple().exponent)
    shown = _format_decimals(cell.number_format)
    return numbers.Cell(numbers.VALUE, v, max(written, shown))


def _format_decimals(fmt: str | None) -> int:
    plain = re.sub(r'"[^"]*"|\\.', "", fmt or "")  # drop literals: "万円" and \%
    m = re.search(r"\.(0+)", plain)
    return len(m.group(1)) if m else 0


def _cell_text(cell: numbers.Cell) -> str:
    if cell.state == numbers.NOT_YET:
        return numbers.NOT_YET_MARK
    if cell.state == numbers.NOT_MEASURED:
        return numbers.NOT_MEASURED_MARK
    return f"{cell.value:.{cell.decimals}f}"


def _equal(a: numbers.Cell, b: numbers.Cell) -> bool:
    if a.state != b.state:
        return False
    return a.state != numbers.VALUE or math.isclose(a.value, b.value, rel_tol=1e-12, abs_tol=1e-12)


def _changes(entries: list, dataset: Dataset, lang: str, problems: list[Problem]) -> list[Change]:
    data = {}
    for r in dataset.actuals.itertuples():
        data[(r.indicator, int(r.year))] = numbers.Cell(r.actual_state, None if pd.isna(r.actual) else float(r.actual),
                                                        0 if pd.isna(r.actual_decimals) else int(r.actual_decimals))
    grouped: dict[tuple[str, int], list] = {}
    for ref, ind, year, cell in entries:
        grouped.setdefault((ind, year), []).append((ref, cell))
    changes = []
    for (ind, year), cells in grouped.items():
        old = data.get((ind, year))
        edited = []
        for ref, cell in cells:
            if cell.state == numbers.BLANK:
                if old is not None:
                    problems.append(Problem(ref, None, None, f"empty cell: the data has {_cell_text(old)} here; write a number, "
                                                             f"{numbers.NOT_YET_MARK} or {numbers.NOT_MEASURED_MARK} (to remove an actual, delete its row in actuals.csv)"))
                continue
            if old is None or not _equal(cell, old):
                edited.append((ref, cell))
        if not edited:
            continue
        first_ref, first = edited[0]
        clash = next(((ref, c) for ref, c in edited[1:] if not _equal(c, first)), None)
        if clash is not None:
            problems.append(Problem(first_ref, None, None,
                                    f"conflicts with {clash[0]}: {ind} {short_label(year, lang)} is {_cell_text(first)} here and "
                                    f"{_cell_text(clash[1])} there (the indicator is on both sheets: make them agree)"))
            continue
        changes.append(Change(tuple(ref for ref, _ in edited), ind, year, None if old is None else _cell_text(old), _cell_text(first)))
    order = {ind: i for i, ind in enumerate(dataset.indicators["indicator"])}
    return sorted(changes, key=lambda c: (order.get(c.indicator, len(order)), c.year))


# --- patching actuals.csv line by line --------------------------------------------------------


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


def patch_actuals(original: bytes, values: dict[tuple[str, int], str], indicator_order: list[str]) -> tuple[bytes, dict]:
    """actuals.csv with `values` written in: changed rows are rewritten, new rows inserted after
    the indicator's last row (years ascending); every other byte stays as it was.
    Returns the new bytes and {(indicator, year): line number} of the written rows."""
    bom = original.startswith(b"\xef\xbb\xbf")
    text = original.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines, records = _records(text)
    header = [h.strip() for h in records[0][2]]
    i_ind, i_year, i_actual = header.index("indicator"), header.index("year"), header.index("actual")
    where: dict[tuple[str, int], tuple[int, int, list]] = {}
    last_of: dict[str, int] = {}
    for start, end, fields in records[1:]:
        if len(fields) != len(header):
            continue
        try:
            key = (fields[i_ind].strip(), parse_fiscal_year(fields[i_year]))
        except KpiError:
            continue
        where[key] = (start, end, fields)
        last_of[key[0]] = end
    replaced: dict[int, str] = {}           # first line index -> new text for the whole record
    dropped: set[int] = set()               # further lines of a rewritten multi-line record
    inserted: dict[int, list[tuple]] = {}   # insert before line index -> rows
    appended: list[tuple] = []
    for (ind, year), value in sorted(values.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (ind, year) in where:
            start, end, fields = where[(ind, year)]
            ending = newline if lines[end - 1].endswith("\n") else ""
            fields = list(fields)
            fields[i_actual] = value
            replaced[start] = _csv_line(fields, ending)
            dropped.update(range(start + 1, end))
        else:
            row = [""] * len(header)
            row[i_ind], row[i_year], row[i_actual] = ind, str(year), value
            if ind in last_of:
                inserted.setdefault(last_of[ind], []).append((year, row))
            else:
                appended.append((indicator_order.index(ind) if ind in indicator_order else len(indicator_order), year, row))
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
    for *_, row in sorted(appended, key=lambda t: (t[0], t[1])):
        if out and not out[-1].endswith("\n"):
            out[-1] += newline
        out.append(_csv_line(row, newline))
    new_text = "".join(out)
    _, new_records = _records(new_text)
    line_of = {}
    for start, _, fields in new_records[1:]:
        if len(fields) == len(header):
            try:
                line_of[(fields[i_ind].strip(), parse_fiscal_year(fields[i_year]))] = start + 1
            except KpiError:
                pass
    data = new_text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data if bom else data), {k: line_of[k] for k in values}


def _csv_line(fields: list[str], ending: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=ending).writerow(fields)
    return buf.getvalue()


# --- validate a copy, then replace ------------------------------------------------------------


def _check_copy(root: Path, files: dict[str, bytes], changed_lines: dict[int, Change]) -> None:
    """Validate the data directory as it would be after writing `files`; raise DataError if not
    valid, naming the workbook cells behind each bad actuals.csv row."""
    with tempfile.TemporaryDirectory(prefix="kpi-import-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(root, copy)
        for name, data in files.items():
            (copy / name).write_bytes(data)
        problems = validate(copy)
    if not problems:
        return
    mapped = []
    for p in problems:
        change = changed_lines.get(p.line) if p.file == "actuals.csv" else None
        if change is not None:
            mapped.append(Problem(" and ".join(change.cells), None, None, p.message))
            continue
        # a rule of another table that the new actuals break (a national value missing for the year …)
        cells = [ref for c in changed_lines.values() if f"'{c.indicator}'" in p.message for ref in c.cells]
        mapped.append(Problem(" and ".join(cells), None, None, str(p)) if cells else p)
    raise DataError(mapped)


def _replace_files(root: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary file first, then move each into place (os.replace)."""
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            target = root / name
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=root)
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
