"""Running the report notebooks: papermill, then offline HTML, then an index page.

A run builds everything in a temporary folder beside the output and moves it into place
only when every notebook succeeded, so a failure never leaves a half-written report.
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager

from .errors import KpiError
from .fiscal_year import fiscal_year_label
from .labels import text

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
PROJECT_NOTEBOOK = "project_report.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
KERNEL = "python3"
# Starting many kernels at once can race for ports or time out on a loaded machine; a kernel
# that fails to start is retried, a failing cell never is.
KERNEL_START_ATTEMPTS = 3


class IPCKernelManager(AsyncKernelManager):
    """A kernel on IPC sockets in a private folder: parallel kernels cannot race for TCP ports."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._socket_dir = tempfile.mkdtemp(prefix="kpi-kernel-")
        self.transport = "ipc"
        self.ip = os.path.join(self._socket_dir, "kernel")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


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


def execute(input_path: Path, output_path: Path, parameters: dict, cwd: Path | None = None) -> None:
    """Run one notebook with papermill; raise ReportError naming the failing cell."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    last: Exception | None = None
    for _ in range(KERNEL_START_ATTEMPTS):
        try:
            nb = pm.execute_notebook(str(input_path), None, parameters=parameters, kernel_name=KERNEL,
                                     progress_bar=False, log_output=False, cwd=str(cwd or input_path.parent),
                                     record_timing=False, kernel_manager_class=IPCKernelManager,
                                     shutdown_kernel="immediate")
            break
        except PapermillExecutionError as e:
            raise ReportError(f"{input_path.name} {_describe(parameters)} failed in cell {e.exec_count}: {e.ename}: {e.evalue}") from None
        except (RuntimeError, TimeoutError) as e:  # kernel died or did not answer while starting
            last = e
    else:
        raise ReportError(f"{input_path.name} {_describe(parameters)}: the kernel did not start ({last})")
    clean_notebook(nb)
    nbformat.write(nb, str(output_path))


def _describe(parameters: dict) -> str:
    return "(" + ", ".join(f"{k}={v}" for k, v in parameters.items() if v is not None) + ")"


def _run_job(job: Job, folder: str, lang: str) -> str:
    from .html_export import notebook_to_html

    out = Path(folder)
    nb_path = out / f"{job.name}.ipynb"
    execute(NOTEBOOK_DIR / job.notebook, nb_path, job.parameters)
    notebook_to_html(nb_path, out / f"{job.name}.html", title=job.title, lang=lang)
    return job.name


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
    planned = plan(year, langs, projects, with_overview, None if data_dir is None else str(Path(data_dir).resolve()))
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".kpi-report-{year}-", dir=out_dir))
    try:
        folders = {lang: staging / str(year) / lang for lang in planned}
        for folder in folders.values():
            folder.mkdir(parents=True)
        work = [(job, lang) for lang, js in planned.items() for job in js]
        _run_all(work, folders, jobs, progress)
        for lang, js in planned.items():
            write_index(folders[lang], year, lang, js)
        return [_swap_in(folders[lang], out_dir / str(year) / lang) for lang in planned]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run_all(work, folders, jobs: int, progress: bool, runner=None) -> None:
    """Run (job, lang) pairs with `runner(job, folder, lang)`, `jobs` at a time, with a progress bar."""
    from tqdm import tqdm

    runner = runner or _run_job

    bar = tqdm(total=len(work), desc="reports", unit="notebook", file=sys.stderr, disable=not progress)
    try:
        if jobs <= 1:
            for job, lang in work:
                bar.set_postfix_str(f"{lang}/{job.name}")
                runner(job, str(folders[lang]), lang)
                bar.update()
            return
        # separate processes: each notebook gets its own kernel client and event loop
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(runner, job, str(folders[lang]), lang): (job, lang) for job, lang in work}
            try:
                for future in as_completed(futures):
                    future.result()
                    job, lang = futures[future]
                    bar.set_postfix_str(f"{lang}/{job.name}")
                    bar.update()
            except BaseException:
                for f in futures:
                    f.cancel()
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
    for path in sorted(notebook_dir.glob("*.ipynb")):
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            execute(path, tmp, {})
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        done.append(path)
    return done
