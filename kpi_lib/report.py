"""Running the report notebooks: papermill, then offline HTML, then an index page.

A run builds everything in a temporary folder beside the output and moves it into place
only when every notebook succeeded, so a failure never leaves a half-written report.
"""

from __future__ import annotations

import contextlib
import html
import os
import shutil
import sys
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .errors import KpiError
from .fiscal_year import fiscal_year_label
from .kernels import ReportKernelManager, serving_kernels
from .labels import text
from .resources import NOTEBOOK_DIR

PROJECT_NOTEBOOK = "project_report.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
KERNEL = "python3"
# Starting many kernels at once can race for ports or time out on a loaded machine; a kernel
# that fails to start is retried, a failing cell never is.
KERNEL_START_ATTEMPTS = 3


@dataclass(frozen=True)
class Job:
    notebook: str
    name: str  # output file stem
    parameters: dict
    title: str


class ReportError(KpiError):
    pass


def plan(year: int, langs: list[str], projects: list[int], with_overview: bool, data_dir: str | None) -> dict[str, list[Job]]:
    """The notebooks to run, per language."""
    jobs: dict[str, list[Job]] = {}
    for lang in langs:
        base = {"year": str(year), "lang": lang, "data_dir": data_dir}
        todo = [Job(PROJECT_NOTEBOOK, f"project_{p}", {**base, "project": p}, f"{text('col.project', lang)} {p}") for p in projects]
        if with_overview:
            todo.append(Job(OVERVIEW_NOTEBOOK, "overview", base, text("report.overview_title", lang)))
        jobs[lang] = todo
    return jobs


def clean_notebook(nb) -> None:
    """Drop run-specific metadata (timestamps, durations, absolute paths) so reruns are identical."""
    pm = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": pm.get("parameters", {})}
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)


def execute(input_path: Path, output_path: Path, parameters: dict, cwd: Path | None = None,
            kernel_manager_class=ReportKernelManager):
    """Run one notebook with papermill and save it; raise ReportError naming the failing cell.

    Returns the executed notebook. These are papermill.execute_notebook's own steps (load,
    parameterize, run with its engine, raise for the first error) minus two things: its
    os.chdir, which would move every thread of a parallel run, and its serialising of the
    result for an output path we do not give it; the kernel gets its working directory
    directly and the notebook is saved once, here. The kernel comes from kernels.py (forked
    from the warm kernel server); pass kernels.IPCKernelManager for an ordinary kernel.
    """
    from nbclient.exceptions import DeadKernelError
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import raise_for_execution_errors, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    input_path = Path(input_path).resolve()
    cwd = str(Path(cwd).resolve()) if cwd else str(input_path.parent)
    last: Exception | None = None
    for _ in range(KERNEL_START_ATTEMPTS):
        nb = load_notebook_node(str(input_path))
        if parameters:
            nb = parameterize_notebook(nb, parameters, kernel_name=KERNEL)
        nb = remove_error_markers(nb)
        try:
            nb = papermill_engines.execute_notebook_with_engine(
                None, nb, input_path=str(input_path), output_path=None, kernel_name=KERNEL,
                progress_bar=False, log_output=False, start_timeout=60, record_timing=False,
                kernel_manager_class=kernel_manager_class, shutdown_kernel="immediate",
                resources={"metadata": {"path": cwd}})  # the kernel's working directory
            raise_for_execution_errors(nb, None)
            break
        except PapermillExecutionError as e:
            raise ReportError(f"{input_path.name} {_describe(parameters)} failed in cell {e.exec_count}: {e.ename}: {e.evalue}") from None
        except DeadKernelError as e:  # a RuntimeError too, but running the notebook again would not help
            raise ReportError(f"{input_path.name} {_describe(parameters)}: the kernel died while running ({e})") from None
        except (RuntimeError, TimeoutError) as e:  # kernel died or did not answer while starting
            last = e
    else:
        raise ReportError(f"{input_path.name} {_describe(parameters)}: the kernel did not start ({last})")
    clean_notebook(nb)
    nbformat.write(nb, str(output_path))
    return nb


def _describe(parameters: dict) -> str:
    return "(" + ", ".join(f"{k}={v}" for k, v in parameters.items() if v is not None) + ")"


def _execute_job(job: Job, folder: Path):
    return execute(NOTEBOOK_DIR / job.notebook, folder / f"{job.name}.ipynb", job.parameters)


def _convert_job(job: Job, folder: Path, lang: str, nb) -> None:
    from .html_export import notebook_node_to_html

    notebook_node_to_html(nb, folder / f"{job.name}.html", folder / f"{job.name}.ipynb", title=job.title, lang=lang)


def write_index(folder: Path, year: int, lang: str, jobs: list[Job]) -> None:
    items = "".join(f'<li><a href="{html.escape(j.name)}.html">{html.escape(j.title)}</a> '
                    f'(<a href="{html.escape(j.name)}.ipynb">ipynb</a>)</li>' for j in jobs)
    title = f"{text('report.title', lang)} — {fiscal_year_label(year, lang)}"
    page = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.6}</style></head>'
            f"<body><h1>{html.escape(title)}</h1><ul>{items}</ul>"
            f"<p>{html.escape(text('report.generated_note', lang))}</p></body></html>\n")
    (folder / "index.html").write_text(page, encoding="utf-8")


def run_reports(year: int, langs: list[str], projects: list[int], out_dir: Path, jobs: int = 1,
                data_dir: str | None = None, with_overview: bool = True, progress: bool = True) -> list[Path]:
    """Run every report of `year` for each language into out_dir/<year>/<lang>/; return the folders."""
    data_dir = None if data_dir is None else str(Path(data_dir).resolve())
    planned = plan(year, langs, projects, with_overview, data_dir)
    out_dir = Path(out_dir).resolve()  # threads and kernels must not depend on the working directory
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".kpi-report-{year}-", dir=out_dir))
    try:
        folders = {lang: staging / str(year) / lang for lang in planned}
        for folder in folders.values():
            folder.mkdir(parents=True)
        work = [(job, lang) for lang, js in planned.items() for job in js]
        # the kernel server imports the libraries and loads and grades the data once (views.warm)
        _run_all(work, folders, jobs, progress, server_calls=[["kpi_lib.views", "warm", [str(year), data_dir]]])
        for lang, js in planned.items():
            write_index(folders[lang], year, lang, js)
        return [_swap_in(folders[lang], out_dir / str(year) / lang) for lang in planned]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run_all(work, folders, jobs: int, progress: bool, run=_execute_job, convert=_convert_job,
             server_calls: list | None = None) -> None:
    """Run (job, lang) pairs: `run(job, folder)` on `jobs` threads at a time, then
    `convert(job, folder, lang, notebook)` on one more thread, with a progress bar.

    Threads are enough: each notebook's work happens in its own kernel process, and each
    thread has its own kernel client and event loop. HTML conversion has a thread of its own
    so a notebook slot never waits for it. With `server_calls` (a list, maybe empty) the run
    has a kernel server (kernels.serving_kernels) that makes those calls first, and kernels
    for the next notebooks are forked ahead while notebooks are still waiting to start.
    """
    from tqdm import tqdm

    waiting = [len(work)]  # notebooks not started yet
    lock = threading.Lock()

    def start(job, folder):
        with lock:
            waiting[0] -= 1
        return run(job, folder)

    serving = (contextlib.nullcontext() if server_calls is None
               else serving_kernels(server_calls, more_to_come=lambda: waiting[0] > 0))
    bar = tqdm(total=len(work), desc="reports", unit="notebook", file=sys.stderr, disable=not progress)
    with serving, ThreadPoolExecutor(max(1, jobs), thread_name_prefix="kpi-notebook") as notebooks, \
            ThreadPoolExecutor(1, thread_name_prefix="kpi-html") as html:
        if convert is _convert_job:
            from .html_export import prepare

            html.submit(prepare)  # the converter's one-time set-up, while the first kernels start
        running = {notebooks.submit(start, job, folders[lang]): ("run", job, lang) for job, lang in work}
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    step, job, lang = running.pop(future)
                    result = future.result()  # a failing notebook raises here
                    if step == "run" and convert is not None:
                        running[html.submit(convert, job, folders[lang], lang, result)] = ("html", job, lang)
                    else:
                        bar.set_postfix_str(f"{lang}/{job.name}")
                        bar.update()
        except BaseException:
            for future in running:
                future.cancel()  # notebooks already running finish; no new one starts
            raise
        finally:
            bar.close()


def _swap_in(new: Path, target: Path) -> Path:
    """Replace target with new in two renames, so readers see the old or the new set, never a mix."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def refresh_notebooks(notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """Re-execute the committed notebooks in place with their default parameters (for nbval)."""
    done = []
    with serving_kernels():
        for path in sorted(notebook_dir.glob("*.ipynb")):
            tmp = path.with_name(f".{path.name}.tmp")
            try:
                execute(path, tmp, {})
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            done.append(path)
    return done
