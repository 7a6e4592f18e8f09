"""Time `kpi report` against what a user would run without kpi_lib, side by side.

    python benchmarks/report_time.py [--year 2018] [--lang ja] [--jobs 2] [--repeat 3]

For one evaluation year and one language (five project reports and the overview) it times
  - ours: `kpi report --year Y --lang L --jobs N` (a new process, as a user runs it);
  - the recipe: for each notebook, the `papermill` command (with -p year/lang/project) and then
    `jupyter nbconvert --to html` on its output, N such pipelines at once;
and prints both times and the ratio recipe / ours (README.md, Speed, says what it is and why).

The two are timed in alternation, --repeat pairs; the figures are medians and the ratio is the
median of the pairs' ratios (a shared machine's speed drifts between minutes, and a pair sees
one state of it). One untimed `kpi report` first fills the caches a machine keeps between runs
(the Vega bundle and the font subsets, see kpi_lib/core/cache.py), as after the first report on a
machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kpi_lib.dataset.loading import load_dataset
from kpi_lib.publishing import report

BIN = Path(sys.executable).parent  # papermill, jupyter and kpi of this environment


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def time_ours(year: int, lang: str, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        run(
            [
                str(BIN / "kpi"),
                "report",
                "--year",
                str(year),
                "--lang",
                lang,
                "--jobs",
                str(jobs),
                "--out",
                out,
                "--no-progress",
            ]
        )
        return time.perf_counter() - start


def time_recipe(year: int, lang: str, projects: list[int], jobs: int) -> float:
    notebooks = [(report.PROJECT_NOTEBOOK, f"project_{p}", ["-p", "project", str(p)]) for p in projects]
    notebooks.append((report.OVERVIEW_NOTEBOOK, "overview", []))

    def pipeline(notebook: str, name: str, extra: list[str], out: Path) -> None:
        executed = out / f"{name}.ipynb"
        run(
            [
                str(BIN / "papermill"),
                str(report.NOTEBOOK_DIR / notebook),
                str(executed),
                "-p",
                "year",
                str(year),
                "-p",
                "lang",
                lang,
                *extra,
                "--no-progress-bar",
            ]
        )
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])

    with tempfile.TemporaryDirectory() as out, ThreadPoolExecutor(jobs) as pool:
        start = time.perf_counter()
        for future in [pool.submit(pipeline, *nb, Path(out)) for nb in notebooks]:
            future.result()
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--lang", default="ja")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    dataset = load_dataset()
    year = args.year or dataset.latest_year
    projects = dataset.project_numbers
    print(
        f"FY{year}, lang={args.lang}: {len(projects)} project reports + overview, --jobs {args.jobs} "
        f"(recipe: {args.jobs} papermill+nbconvert pipelines at once), {args.repeat} pairs"
    )
    time_ours(year, args.lang, args.jobs)  # fills the machine's caches (untimed)
    pairs = [
        (time_ours(year, args.lang, args.jobs), time_recipe(year, args.lang, projects, args.jobs))
        for _ in range(args.repeat)
    ]
    ours = statistics.median(a for a, _ in pairs)
    recipe = statistics.median(b for _, b in pairs)
    ratio = statistics.median(b / a for a, b in pairs)
    print(
        f"kpi report {ours:5.1f} s   recipe {recipe:5.1f} s   recipe/ours {ratio:4.2f}x   "
        f"(ours/recipe by pair: {' '.join(f'{a:.1f}/{b:.1f}' for a, b in pairs)} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
