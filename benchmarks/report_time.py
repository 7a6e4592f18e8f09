"""Time the full yearly report set against the floor of papermill runs of an empty notebook.

    python benchmarks/report_time.py [--year 2018] [--lang ja] [--repeat 3]

For --jobs 1 and --jobs 2, with the same runner (kpi_lib.report._run_all: `jobs` notebook
threads), it times
  - the floor: as many papermill runs of an empty notebook as the report set has notebooks,
    each with an ordinary kernel process (papermill's usual way: a new Python that imports
    ipykernel), no HTML;
  - the full set: `report.run_reports` for five project reports and the overview, executed
    and converted to HTML, including starting and stopping the kernel server that report runs
    fork their kernels from (kpi_lib/kernels.py);
and prints both times and their ratio (target: within 1.5x of the floor at --jobs 2). It also
prints, for reference, the floor with the report runs' own kernels (empty notebooks on kernels
forked from the warm server, server start included), which shows how much of the full set is
the reports' own work.

Floor and full set are timed in alternation, --repeat pairs; the figures are medians and the
ratio is the median of the pairs' ratios (a shared machine's speed drifts between minutes, and
a pair sees one state of it). One untimed report run first fills the caches a machine keeps
between runs (the Vega bundle and the font subsets, see kpi_lib/cache.py), as they are after
the first report on a machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from kpi_lib import report
from kpi_lib.kernels import IPCKernelManager, ReportKernelManager
from kpi_lib.loading import load_dataset

EMPTY = Path(tempfile.gettempdir()) / "kpi-bench-empty.ipynb"


def time_floor(n: int, jobs: int, kernel_manager_class) -> float:
    def run_empty(job, folder):
        return report.execute(EMPTY, Path(folder) / f"{job.name}.ipynb", {}, kernel_manager_class=kernel_manager_class)

    with tempfile.TemporaryDirectory() as tmp:
        work = [(report.Job("empty", f"empty_{i}", {}, ""), "ja") for i in range(n)]
        start = time.perf_counter()
        report._run_all(work, {"ja": Path(tmp)}, jobs, progress=False, run=run_empty, convert=None,
                        server_calls=[] if kernel_manager_class is ReportKernelManager else None)
        return time.perf_counter() - start


def time_reports(year: int, lang: str, projects: list[int], jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        report.run_reports(year, [lang], projects, Path(tmp), jobs=jobs, progress=False)
        return time.perf_counter() - start


def paired(floor, full, repeat: int) -> tuple[float, float, float, str]:
    """Floor and full set run alternately, so both see the machine in the same state (its speed
    drifts here between minutes); returns the medians and the median of the per-pair ratios."""
    pairs = [(floor(), full()) for _ in range(repeat)]
    ratios = [b / a for a, b in pairs]
    runs = " ".join(f"{a:.1f}/{b:.1f}" for a, b in pairs)
    return (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(ratios), runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--lang", default="ja")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    dataset = load_dataset()
    year = args.year or dataset.latest_year
    projects = dataset.project_numbers
    n = len(projects) + 1
    nb = new_notebook(cells=[new_code_cell("pass")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(EMPTY))
    print(f"report set: {len(projects)} projects + overview = {n} notebooks, FY{year}, lang={args.lang}, "
          f"{args.repeat} pairs")
    time_reports(year, args.lang, projects, 2)  # fills the machine's caches (untimed)
    for jobs in (1, 2):
        floor, full, ratio, runs = paired(lambda j=jobs: time_floor(n, j, IPCKernelManager),
                                          lambda j=jobs: time_reports(year, args.lang, projects, j), args.repeat)
        forked = statistics.median(time_floor(n, jobs, ReportKernelManager) for _ in range(args.repeat))
        print(f"--jobs {jobs}: floor {floor:5.1f} s   full set {full:5.1f} s   ratio {ratio:4.2f}x"
              f"   (floor/full by pair: {runs} s; empty notebooks on report kernels: {forked:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
