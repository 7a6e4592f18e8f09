"""How long `kpi import` takes on the shipped data's own export (nothing to change: every cell is
read, compared with the data and checked for values typed where nothing is read), and its parts.

    .venv/bin/python benchmarks/import_speed.py [ROUNDS]

Prints the median of ROUNDS (default 7) runs of each step, in milliseconds.
"""

import contextlib
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kpi_lib.cli import main
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, load_dataset
from kpi_lib.workbook import excel_export, excel_import


def timed(step, rounds: int) -> float:
    step()  # warm: imports, caches
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main_(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = shutil.copytree(DEFAULT_DATA_DIR, Path(tmp) / "data")
        book = Path(tmp) / "export.xlsx"
        quiet = contextlib.redirect_stdout(io.StringIO())
        with quiet:
            main(["export", "--xlsx", str(book), "--data", str(data)])
        dataset = load_dataset(data)
        steps = {
            "kpi import --dry-run (whole command)": lambda: _quiet(
                ["import", str(book), "--data", str(data), "--dry-run"]
            ),
            "  read the workbook's cells": lambda: excel_import._open_workbook(book),
            "  the export's values to compare with": lambda: excel_export.build_workbook(dataset, merged=False),
            "  (the export's workbook, styled and merged)": lambda: excel_export.build_workbook(dataset),
            "kpi export (whole command)": lambda: _quiet(
                ["export", "--xlsx", str(Path(tmp) / "again.xlsx"), "--data", str(data)]
            ),
        }
        for name, step in steps.items():
            print(f"{name:45s} {timed(step, rounds):7.0f} ms")


def _quiet(argv):
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 0


if __name__ == "__main__":
    main_(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
