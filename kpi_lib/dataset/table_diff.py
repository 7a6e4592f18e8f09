"""What replacing a data folder's tables changes, row by row: the listing `kpi import --dry-run`
and `kpi restore` print, and the input of the import's check of published figures.

Rows are matched by their table's key (schema.TABLES), years compared as years (H29 and 2017 are
one key), every other field as the text written in the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from kpi_lib.core.errors import KpiError
from kpi_lib.core.fiscal_year import parse_fiscal_year
from kpi_lib.core.labels import text
from kpi_lib.dataset.schema import TABLES

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class TableChange:
    """One row of a table that a write adds, changes or removes: its key as (column, value) pairs
    and, per other column, (column, old, new), old None for an added row and new None for a
    removed one (an added or removed row lists its non-empty fields)."""

    file: str
    key: tuple[tuple[str, str], ...]
    kind: str
    columns: tuple[tuple[str, str | None, str | None], ...]

    def value(self, column: str) -> str | None:
        return dict(self.key).get(column)


def table_changes(old: dict[str, bytes | None], new: dict[str, bytes | None]) -> list[TableChange]:
    """Every row that differs between the old and new bytes of each table file (None: no file),
    tables in the order of schema.TABLES, rows in the order of their keys."""
    out = []
    files = {t.file: t for t in TABLES.values()}
    for file in sorted(set(old) | set(new), key=lambda f: list(files).index(f) if f in files else len(files)):
        if file not in files:
            raise KpiError(f"{file} is not a data table")
        out += _changes_of(files[file], old.get(file), new.get(file))
    return out


def _changes_of(table, old: bytes | None, new: bytes | None) -> list[TableChange]:
    before, after = _rows(table, old), _rows(table, new)
    changes = []
    for key in sorted(set(before) | set(after), key=_order):
        was, now = before.get(key), after.get(key)
        others = [c for c in dict.fromkeys([*(was or {}), *(now or {})]) if c not in table.key]
        if was is None:
            cols = tuple((c, None, now[c]) for c in others if now.get(c, ""))
            changes.append(TableChange(table.file, key, ADDED, cols))
        elif now is None:
            cols = tuple((c, was[c], None) for c in others if was.get(c, ""))
            changes.append(TableChange(table.file, key, REMOVED, cols))
        else:
            cols = tuple((c, was.get(c, ""), now.get(c, "")) for c in others if was.get(c, "") != now.get(c, ""))
            if cols:
                changes.append(TableChange(table.file, key, CHANGED, cols))
    return changes


def _rows(table, data: bytes | None) -> dict[tuple, dict[str, str]]:
    """{key: {column: text}} of a table file's rows (files here are valid: loading checked them)."""
    if data is None:
        return {}
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
    types = {c.name: c.type for c in table.columns}
    rows = {}
    for row in reader:
        row = {k: ("" if v is None else v) for k, v in row.items() if k is not None}
        key = tuple((c, _key_value(row.get(c, ""), types[c])) for c in table.key)
        rows[key] = row
    return rows


def _key_value(value: str, kind: str) -> str:
    value = value.strip()
    if kind == "year":
        try:
            return str(parse_fiscal_year(value))
        except KpiError:
            return value
    if kind == "int" and value.isdigit():
        return str(int(value))
    return value


def _order(key: tuple) -> tuple:
    return tuple((0, int(v), "") if v.isdigit() else (1, 0, v) for _, v in key)


def change_lines(changes: list[TableChange], lang: str, cells: dict | None = None) -> list[str]:
    """The listing of `changes`, a line per row: file, what happens, the key, and each column's
    old → new; `cells` maps (file, key) to the workbook cells the row comes from."""
    lines = []
    for c in changes:
        key = ", ".join(f"{k}={v}" for k, v in c.key)
        if c.kind == CHANGED:
            fields = "; ".join(f"{col}: {_shown(o, lang)} → {_shown(n, lang)}" for col, o, n in c.columns)
        else:
            fields = "; ".join(f"{col}: {_shown(o if n is None else n, lang)}" for col, o, n in c.columns)
        where = (cells or {}).get((c.file, c.key))
        at = f"  [{' '.join(where)}]" if where else ""
        lines.append(f"{c.file}: {text(f'diff.{c.kind}', lang)} {key}" + (f": {fields}" if fields else "") + at)
    return lines


def change_counts(changes: list[TableChange], lang: str) -> str:
    """`actuals.csv: 1 changed, 2 added` (each file, its rows by kind)."""
    parts = []
    for file in dict.fromkeys(c.file for c in changes):
        counts = [(kind, sum(c.file == file and c.kind == kind for c in changes)) for kind in (CHANGED, ADDED, REMOVED)]
        shown = text("diff.sep", lang).join(
            text("diff.count", lang).format(n=n, kind=text(f"diff.{k}", lang)) for k, n in counts if n
        )
        parts.append(f"{file}: {shown}")
    return "; ".join(parts)


def _shown(value: str | None, lang: str) -> str:
    return text("diff.empty", lang) if value in (None, "") else value
