"""Single workbook cells, shared by `kpi export`, `kpi import` and the `kpi new` template:
the cell styles, writing a value as text or number, the print set-up of a sheet, reading a
実績値 cell as the loader would, and the check that a workbook was made from the data as it is.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils.exceptions import IllegalCharacterError

from kpi_lib.core import numbers
from kpi_lib.core.errors import CellError, KpiError
from kpi_lib.core.fiscal_year import short_label
from kpi_lib.core.labels import text
from kpi_lib.workbook.excel_layout import (
    COL_BASE,
    COL_KEY,
    COL_LABEL,
    COL_NAME,
    COL_REVISED,
    COL_TARGET,
    COL_YEAR0,
    DIGEST_PREFIX,
    KEY_HEADER,
    MAX_CELL_TEXT,
    META_SHEET,
    data_digests,
    format_decimals,
    is_percent_format,
    word,
)

if TYPE_CHECKING:
    from kpi_lib.dataset.loading import Dataset

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# no line on any side, as a new cell has it: each side given (style None), for openpyxl spreads a
# side that is None over a merged range too
EDGES = ("left", "right", "top", "bottom")
NO_BORDER = Border(left=Side(), right=Side(), top=Side(), bottom=Side(), diagonal=Side())
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# computed cells (progress rate, grade): recomputed by kpi import / kpi export, never typed in
COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")
UNLOCKED = Protection(locked=False)


class ValuesOnlyWorkbook(Workbook):
    """A workbook built for its values alone: what an import compares a workbook with (an export
    or a template built with `merged` False). write_cell gives its cells no style: setting styles
    took half of such a build, and the comparison reads values only."""


def write_cell(
    ws,
    row: int,
    col: int,
    value=None,
    fmt: str | None = None,
    *,
    bold=False,
    fill=None,
    align: str | None = None,
    wrap=False,
    italic=False,
    color: str | None = None,
    border=True,
):
    c = ws.cell(row=row, column=col)
    if isinstance(ws.parent, ValuesOnlyWorkbook):
        return put_value(c, value)
    if align is None:
        align = "right" if isinstance(value, (int, float)) or fmt else "center"
    c.style = cell_style(ws.parent, fmt, bold, italic, color, fill, align, wrap, border)
    return put_value(c, value)  # after the style, which would reset a quote prefix


def cell_style(wb, fmt, bold, italic, color, fill, align, wrap, border) -> str:
    """The name of the workbook's named style with these properties, added on first use.

    A named style is set on a cell as one assignment, where setting font, fill, alignment and
    border one by one makes openpyxl compare each with every style the workbook holds: on a
    large export that took most of the time. Excel lists these styles as "kpi …" (custom styles)."""
    parts = [fmt or "", "bold" if bold else "", "italic" if italic else "", color or ""]
    parts += [
        fill.fgColor.rgb if fill is not None else "",
        align,
        "wrap" if wrap else "",
        "" if border else "no border",
    ]
    name = " ".join(["kpi", *(p for p in parts if p)])
    if name not in wb.named_styles:
        style = NamedStyle(name=name, alignment=Alignment(horizontal=align, vertical="center", wrap_text=wrap))
        if fmt:
            style.number_format = fmt
        if bold or italic or color:
            style.font = Font(bold=bold, italic=italic, color=color)
        if fill is not None:
            style.fill = fill
        if border:
            style.border = BORDER
        wb.add_named_style(style)
    return name


def put_value(c, value):
    """Set a cell's value; text stays text even when it starts like a formula (= + - @)."""
    try:
        c.value = value
    except IllegalCharacterError:
        raise KpiError(
            f"{c.parent.title}!{c.coordinate}: control character in {value!r}: a workbook cannot hold it"
        ) from None
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        c.data_type = "s"  # openpyxl takes "=…" for a formula
        c.quotePrefix = True  # and so would Excel or LibreOffice, when the cell is edited
    return c


def merge(ws, merged: bool, start_row: int, end_row: int, start_column: int, end_column: int) -> None:
    """Merge a range of cells; with `merged` False (a build of the values only, which an import
    compares a workbook with) leave only what a merge leaves: the top-left cell's value. Spreading
    a merged range's borders over its cells took most of a workbook's build."""
    if merged:
        # openpyxl spreads the top-left cell's border over the range's edges (a spreadsheet draws a
        # merged range's border from its edge cells) one cell and one side at a time, each a new
        # Border compared with every border of the workbook: merged before that cell has its
        # border, then given the same edges here, one Border per kind of edge, in a fraction of it
        start = ws.cell(row=start_row, column=start_column)
        end = ws.cell(row=end_row, column=end_column)  # the merge replaces it (by a MergedCell)
        # as openpyxl's merge has it: the bottom-right cell's right and bottom lines join the
        # top-left cell's border
        border = _same_border(start.border + Border(right=end.border.right, bottom=end.border.bottom))
        # the end cell too: openpyxl's merge joins its right and bottom lines to the top-left cell's
        # (MergedCellRange), then spreads them; given here instead
        start.border = end.border = NO_BORDER
        ws.merge_cells(start_row=start_row, end_row=end_row, start_column=start_column, end_column=end_column)
        start.border = border
        for r in range(start_row, end_row + 1):
            for c in range(start_column, end_column + 1):
                on = (c == start_column, c == end_column, r == start_row, r == end_row)
                if (r, c) != (start_row, start_column) and any(on):
                    edge = _edge_border(border, on)
                    if edge is not None:
                        ws.cell(row=r, column=c).border = edge
        return
    for r in range(start_row, end_row + 1):
        for c in range(start_column, end_column + 1):
            if (r, c) != (start_row, start_column):
                ws.cell(row=r, column=c).value = None


# The borders merge gives cells, one object per distinct border: openpyxl finds a cell's border
# among the workbook's by its hash and then by equality, which for an equal but distinct object
# compares every side and colour (most of a merge's time), for the same object is at once. The
# named styles' border (cell_style) and NO_BORDER are kept from the start.
_BORDERS_KEPT_FIRST = {BORDER: BORDER, NO_BORDER: NO_BORDER}
_BORDERS: dict = dict(_BORDERS_KEPT_FIRST)
_BORDERS_MAX = 256  # a few kinds in any export; bounded all the same


def _kept(key, value):
    """The object kept under `key` (`value`, the first time)."""
    kept = _BORDERS.get(key)
    if kept is None:
        if len(_BORDERS) >= _BORDERS_MAX:
            _BORDERS.clear()
            _BORDERS.update(_BORDERS_KEPT_FIRST)
        kept = _BORDERS.setdefault(key, value)
    return kept


def _same_border(border: Border) -> Border:
    """The kept Border equal to `border`."""
    return _kept(border, border)


def _edge_border(border: Border, on: tuple[bool, bool, bool, bool]) -> Border | None:
    """The border of a merged range's cell that lies on the edges `on` (left, right, top, bottom)
    of a range with `border`: that border's lines on those edges, none elsewhere. None when the
    range draws no line at all (its cells keep what the merge gave them)."""
    key = (border, on)
    kept = _BORDERS.get(key)
    if kept is None:
        lines = {n: side for n in EDGES if (side := getattr(border, n)) is not None and side.style is not None}
        if not lines:
            return None
        edge = Border(**{n: lines.get(n, Side()) if is_on else Side() for n, is_on in zip(EDGES, on)}, diagonal=Side())
        kept = _kept(key, _same_border(edge))
    return kept


def write_table_header(ws, row: int, lang: str, years, grade_col: int, merged: bool = True) -> None:
    """The two header rows of an indicator table that the export and the kpi new template share:
    the hidden key, 設定項目, 基準値 (策定時), 目標値 (策定時 | 見直し後) and 実績値 over the year
    columns (COL_YEAR0 …) up to the grade column `grade_col`, which the caller heads (`merged`:
    see merge)."""
    h = dict(bold=True, fill=HEADER_FILL, wrap=True)
    ws.cell(row=row, column=COL_KEY, value=KEY_HEADER)
    write_cell(ws, row, COL_NAME, text("col.name", lang), **h)
    write_cell(ws, row + 1, COL_NAME, **h)
    merge(ws, merged, start_row=row, end_row=row + 1, start_column=COL_NAME, end_column=COL_NAME)
    write_cell(ws, row, COL_BASE, text("col.baseline", lang), **h)
    write_cell(ws, row + 1, COL_BASE, word("at_adoption", lang), **h)
    write_cell(ws, row, COL_TARGET, word("target", lang), **h)
    write_cell(ws, row, COL_REVISED, **h)
    merge(ws, merged, start_row=row, end_row=row, start_column=COL_TARGET, end_column=COL_REVISED)
    write_cell(ws, row + 1, COL_TARGET, word("at_adoption", lang), **h)
    write_cell(ws, row + 1, COL_REVISED, word("revised", lang), **h)
    write_cell(ws, row, COL_LABEL, text("col.actual", lang), **h)
    for col in range(COL_LABEL + 1, grade_col):
        write_cell(ws, row, col, **h)
    merge(ws, merged, start_row=row, end_row=row, start_column=COL_LABEL, end_column=grade_col - 1)
    write_cell(ws, row + 1, COL_LABEL, **h)
    for i, y in enumerate(years):
        write_cell(ws, row + 1, COL_YEAR0 + i, short_label(y, lang), **h)


def print_landscape_a4(ws) -> None:
    """No grid lines; print landscape on A4, one page wide."""
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def read_actual(cell, unit: str = "", formula: str | None = None) -> numbers.Cell:
    """A 実績値 cell as the loader would read it: numbers keep the decimals their number format
    shows (1.3 in a 0.00 cell is 1.30); text follows numbers.parse_cell (全角, 1,000, 未, —).

    `unit` is the indicator's (ja) unit: in a % indicator a percent-formatted number is the
    percentage (typing 78.1% stores 0.781 in a 0.0% cell: the actual is 78.1), and so is the
    text 78.1%; in any other indicator a percentage is refused. `formula` is the cell's formula,
    if any: one without a computed value is refused (its value is unknown, not empty)."""
    v = cell.value
    percent = unit == "%"
    if formula is not None and (v is None or (isinstance(v, str) and v.startswith("#"))):
        what = (
            f"a formula with no computed value ({formula})"
            if v is None
            else f"a formula whose result is {v} ({formula})"
        )
        raise CellError(f"{what}: open and save the workbook in Excel or LibreOffice, or type the value")
    if v is None:
        return numbers.Cell(numbers.BLANK)
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise CellError(f"not a number: {str(v)!r} (expected a number, 未 or —)")
    if isinstance(v, str):
        if len(v) > MAX_CELL_TEXT:
            raise CellError(f"not a number: text of {len(v):,} characters (expected a number, 未 or —)")
        if percent and v.strip().endswith(("%", "％")):
            return numbers.parse_cell(v.strip()[:-1], allow_states=False)
        return numbers.parse_cell(v)
    if not math.isfinite(v):
        raise CellError(f"not a number: {v!r}")
    written = Decimal(repr(round(float(v), 10)))  # formula results carry binary noise (7086.000000000001)
    if is_percent_format(cell.number_format):
        if not percent:
            shown_as = f"{written.scaleb(2).normalize():f}%"
            what = f"measured in {unit}" if unit else "without a unit"
            raise CellError(f"a percentage ({shown_as}) in a cell of an indicator {what}: type the number, without %")
        written = written.scaleb(2)
    decimals = -min(0, written.normalize().as_tuple().exponent)
    return numbers.Cell(numbers.VALUE, float(written), max(decimals, format_decimals(cell.number_format)))


def cell_text(cell: numbers.Cell) -> str:
    if cell.state == numbers.NOT_YET:
        return numbers.NOT_YET_MARK
    if cell.state == numbers.NOT_MEASURED:
        return numbers.NOT_MEASURED_MARK
    return f"{cell.value:.{cell.decimals}f}"


def check_not_stale(path: Path, dataset: Dataset, meta: dict) -> None:
    """Refuse a workbook exported from other data: importing it would undo what changed since."""
    recorded = {k[len(DIGEST_PREFIX) :]: v for k, v in meta.items() if k.startswith(DIGEST_PREFIX)}
    current = data_digests(dataset.data_dir)
    if not recorded:
        raise KpiError(
            f"{path.name}: the record of the data it was exported from is missing from the hidden sheet "
            f"{META_SHEET!r}; export to a new file (kpi export --xlsx NEW.xlsx) and type the edits into it"
        )
    changed = [name for name, digest in current.items() if recorded.get(name) != digest]
    if changed:
        raise KpiError(
            f"{path.name}: the data changed since this workbook was exported ({', '.join(changed)} in "
            f"{dataset.data_dir}); importing it would undo those changes, so nothing was imported: "
            "export to a new file (kpi export --xlsx NEW.xlsx) and type the edits into it (an export never "
            "replaces a workbook holding values that were not imported)"
        )
