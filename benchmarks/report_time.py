"""Time the full yearly report set against the floor of papermill runs of an empty notebook.

    python benchmarks/report_time.py [--year 2018] [--lang ja]

For --jobs 1 and --jobs 2 it runs, with the same runner (process pool, IPC kernels):
  - the floor: as many papermill runs of an empty notebook as the report set has notebooks;
  - the full set: five project reports and the overview, executed and converted to HTML.
and prints both times and their ratio (target: within 1.5x of the floor at --jobs 2).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from kpi_lib import report
from kpi_lib.loading import load_dataset

EMPTY = Path(tempfile.gettempdir()) / "kpi-bench-empty.ipynb"


def run_empty(job, folder: str, lang: str) -> str:
    """The floor: one papermill run of an empty notebook (no HTML)."""
    report.execute(EMPTY, Path(folder) / f"{job.name}.ipynb", {})
    return job.name


def time_floor(n: int, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        work = [(report.Job("empty", f"empty_{i}", {}, ""), "ja") for i in range(n)]
        start = time.perf_counter()
        report._run_all(work, {"ja": Path(tmp)}, jobs, progress=False, runner=run_empty)
        return time.perf_counter() - start


def time_reports(year: int, lang: str, projects: list[int], jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        report.run_reports(year, [lang], projects, Path(tmp), jobs=jobs, progress=False)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--lang", default="ja")
    args = parser.parse_args()
    dataset = load_dataset()
    year = args.year or dataset.latest_year
    projects = dataset.project_numbers
    n = len(projects) + 1
    nb = new_notebook(cells=[new_code_cell("pass")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(EMPTY))
    print(f"report set: {len(projects)} projects + overview = {n} notebooks, FY{year}, lang={args.lang}")
    for jobs in (1, 2):
        floor = time_floor(n, jobs)
        full = time_reports(year, args.lang, projects, jobs)
        print(f"--jobs {jobs}: floor {floor:6.1f} s   full set {full:6.1f} s   ratio {full / floor:4.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
