#!/usr/bin/env python3
"""Workbooks at the sizes docs/input.md promises: time and file size of the round trip.

  export   a dataset of --indicators indicators (default 9,000: 50 projects of 180, each with
           five years of actuals) written by `kpi export`, then imported unedited: "no changes"
  template `kpi new` at its maxima (50 projects × 50 rows over --years years), imported unedited:
           it defines no indicator yet, which the import says in one line

For each it prints the workbook's size and cell count, and the seconds to write and to read it
back. tests/test_workbook_scale.py runs the same two round trips (slow-marked) and checks their
results; this script only measures.

    python benchmarks/workbook_scale.py [--indicators 9000] [--projects 50] [--years 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
import zipfile
from pathlib import Path

from kpi_lib.core.errors import KpiError
from kpi_lib.dataset.loading import load_dataset
from kpi_lib.dataset.schema import TABLES
from kpi_lib.workbook.excel_export import export_workbook
from kpi_lib.workbook.excel_import import import_workbook
from kpi_lib.workbook.new_dataset import MAX_PROJECTS, MAX_SLOTS, new_dataset

FIRST_YEAR = 2015


def _write(root: Path, table: str, rows: list[dict]) -> None:
    columns = TABLES[table].column_names
    with open(root / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})


def large_dataset(root: Path, indicators: int, projects: int, years: int) -> Path:
    """A valid dataset of `indicators` KPIs spread evenly over `projects`, every one with an
    actual for each of `years` years (values 100 + i + year offset, target 200)."""
    root.mkdir(parents=True)
    last = FIRST_YEAR + years - 1
    (root / "metadata.json").write_text(
        json.dumps(
            {
                "title_ja": "規模の試験",
                "title_en": "Scale test",
                "source": {"note": "synthetic data for benchmarks/workbook_scale.py"},
                "scheme": "hokkaido",
                "period": {"first": FIRST_YEAR, "last": last},
            }
        ),
        encoding="utf-8",
    )
    per = -(-indicators // projects)
    names = [
        {"project": p, "name_ja": f"プロジェクト{p}", "name_en": f"Project {p}", "catch_ja": "試験", "catch_en": "Test"}
        for p in range(1, projects + 1)
    ]
    _write(root, "projects", names)
    ids = [f"ind_{i:05d}" for i in range(indicators)]
    _write(
        root,
        "indicators",
        [
            {
                "indicator": ind,
                "name_ja": f"指標{i}",
                "name_en": f"Indicator {i}",
                "name_source": "table",
                "unit_ja": "人",
                "unit_en": "people",
                "direction": "higher",
                "baseline": "100",
                "baseline_year": str(FIRST_YEAR - 1),
                "target_kind": "value",
                "target": "200",
                "target_year": str(last),
                "actual_basis": "annual",
            }
            for i, ind in enumerate(ids)
        ],
    )
    _write(
        root,
        "project_indicators",
        [
            {"project": i // per + 1, "kind": "KPI", "position": i % per + 1, "indicator": ind}
            for i, ind in enumerate(ids)
        ],
    )
    _write(
        root,
        "actuals",
        [
            {"indicator": ind, "year": FIRST_YEAR + y, "actual": str(100 + i % 90 + 10 * y)}
            for i, ind in enumerate(ids)
            for y in range(years)
        ],
    )
    return root


def cells(path: Path) -> int:
    """The number of <c> elements in the workbook's sheets (what the import's cell limit counts)."""
    with zipfile.ZipFile(path) as z:
        return sum(z.read(n).count(b"<c ") for n in z.namelist() if n.startswith("xl/worksheets/sheet"))


def export_round_trip(folder: Path, indicators: int, projects: int, years: int) -> dict:
    data = large_dataset(folder / "data", indicators, projects, years)
    book = folder / "export.xlsx"
    t0 = time.perf_counter()
    export_workbook(load_dataset(data), book)
    t1 = time.perf_counter()
    changes = import_workbook(book, data)
    t2 = time.perf_counter()
    return {"path": book, "write": t1 - t0, "read": t2 - t1, "result": changes}


def template_round_trip(folder: Path, years: int, rows: int = MAX_SLOTS) -> dict:
    t0 = time.perf_counter()
    book = new_dataset(
        folder / "new", "hokkaido", "試験", "Test", FIRST_YEAR, FIRST_YEAR + years - 1,
        projects=MAX_PROJECTS, rows=rows,
    )  # fmt: skip
    t1 = time.perf_counter()
    try:
        result = import_workbook(book, folder / "new")
    except KpiError as e:  # unedited, it defines nothing: one line says so (not "not a workbook")
        result = f"KpiError: {e}"
    t2 = time.perf_counter()
    return {"path": book, "write": t1 - t0, "read": t2 - t1, "result": result}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--indicators", type=int, default=9000)
    ap.add_argument("--projects", type=int, default=50)
    ap.add_argument("--years", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for what, run in (
            (f"export of {args.indicators:,} indicators", lambda: export_round_trip(Path(tmp), args.indicators, args.projects, args.years)),
            (f"kpi new {MAX_PROJECTS} × {MAX_SLOTS}", lambda: template_round_trip(Path(tmp), args.years)),
        ):  # fmt: skip
            r = run()
            size = r["path"].stat().st_size
            print(
                f"{what}: {size / 1e6:.2f} MB, {cells(r['path']):,} cells; "
                f"written in {r['write']:.1f} s, imported unedited in {r['read']:.1f} s -> {r['result']!r}"
            )


if __name__ == "__main__":
    main()
