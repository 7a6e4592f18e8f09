"""Running the report notebooks: papermill, then offline HTML, then an index page.

Each notebook runs with papermill.execute_notebook on an ordinary kernel (a new
`python -m ipykernel_launcher` process that jupyter_client starts from this process, with this
process's interpreter), `jobs` notebooks at once on threads, while one more thread converts
finished notebooks to HTML.

A run builds everything in a staging folder beside the output and moves it into place only
when every notebook succeeded, so a failure never leaves a half-written report. What a run
leaves behind if it is killed is cleaned up by the next run (see remove_leftovers):
  - the staging folder `OUT/.kpi-report-<pid>-*`;
  - the kernels' connection files and IPC sockets, in `<temp dir>/kpi-report-<pid>-*` (a unix
    socket path must stay under ~100 characters, so not in the output folder);
  - the kernels themselves end on their own: jupyter_client tells each kernel the pid of the
    process that started it (JPY_PARENT_PID), and ipykernel exits within a second once its
    parent is no longer that process.
A run that ends early (a notebook failed, Ctrl-C) kills the kernels still running instead of
waiting for their notebooks.
"""

from __future__ import annotations

import functools
import html
import itertools
import os
import re
import shutil
import sys
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import Dict, Unicode, default
from traitlets.config import Config

from kpi_lib.core.errors import BilingualError, KpiError, ReportError
from kpi_lib.core.fiscal_year import fiscal_year_label
from kpi_lib.core.frames import records
from kpi_lib.core.labels import text
from kpi_lib.core.resources import FIRST_EXAMPLE, NOTEBOOK_DIR, TEMPLATE_DIR, WORKSPACE_DIR
from kpi_lib.dataset.loading import DATA_ENV, EXAMPLE_PREFIX, load_dataset
from kpi_lib.presentation import texts
from kpi_lib.presentation.style import grade_badge, grade_colours
from kpi_lib.presentation.texts import report_title
from kpi_lib.publishing import pins
from kpi_lib.publishing.notebook_sources import write_manifest

PROJECT_NOTEBOOK = "project_report.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
CUSTOM_TEMPLATE = "custom_template.ipynb"  # kpi report --template FILE: FILE's copy in the snapshot
INDEX_TEMPLATE = "report_index.html.j2"  # in TEMPLATE_DIR: the index page of a report set
EXPLORE_NOTEBOOK = "explore.ipynb"  # the workspace's guided notebook, kept executed like the reports
KERNEL = "python3"  # the notebooks' kernel name; the kernel itself is the running interpreter's
RUN_PREFIX = "kpi-report-"  # + "<pid>-<random>": the kernels' folder; with a leading dot, the staging folder
SNAPSHOT = "snapshot"  # in the staging folder: the notebooks and the copy of the data they read
SNAPSHOT_DATA = "data"  # the copy, relative to the notebooks
OLD_SET = "previous-set"  # in the staging folder: the year folder replaced by swap_in
# Seconds a cell of a report notebook may run (papermill's execution_timeout; `kpi report --timeout`):
# a report's cells take a few seconds, so this only ends a notebook that would never finish.
DEFAULT_TIMEOUT = 600
_LEFTOVER = re.compile(r"^\.?" + re.escape(RUN_PREFIX) + r"(\d+)-")


@dataclass(frozen=True)
class Job:
    notebook: str  # file name, in the run's snapshot folder
    name: str  # output file stem
    parameters: dict
    title: str  # the page's <title> and the PDF's running title: strategy, page, year
    heading: str = ""  # the page's name in links: "1. <project name>", or the overview's
    nav: str = ""  # links to the index, the previous and next page, the other language
    timeout: float | None = DEFAULT_TIMEOUT  # seconds a cell may run


def plan(
    year: int,
    langs: list[str],
    projects: list[int],
    with_overview: bool,
    data_dir: str | None,
    template: Path | None = None,
    dataset=None,
) -> dict[str, list[Job]]:
    """The notebooks to run, per language; `template` replaces the project-report notebook (with
    `dataset`, pages are titled with its names)."""
    project_notebook = PROJECT_NOTEBOOK if template is None else CUSTOM_TEMPLATE
    jobs: dict[str, list[Job]] = {}
    for lang in langs:
        base = {"year": str(year), "lang": lang, "data_dir": data_dir}
        todo = []
        for p in projects:
            heading = project_heading(dataset, p, lang)
            todo.append(
                Job(
                    project_notebook,
                    f"project_{p}",
                    {**base, "project": p},
                    page_title(dataset, year, lang, heading),
                    heading,
                )
            )
        if with_overview:
            heading = report_title(dataset.metadata if dataset is not None else {}, "overview_title", lang)
            todo.append(Job(OVERVIEW_NOTEBOOK, "overview", base, page_title(dataset, year, lang, heading), heading))
        jobs[lang] = todo
    return {lang: [replace(j, nav=navigation(jobs, lang, j.name)) for j in todo] for lang, todo in jobs.items()}


# --- titles and links between the pages of a report set ---------------------------------------


def project_heading(dataset, project: int, lang: str) -> str:
    """ "1. <name>" (the project's name from the data), or "Project 1" without a dataset."""
    if dataset is not None:
        names = dataset.projects.set_index("project")[f"name_{lang}"]
        if project in names.index and isinstance(names[project], str):
            return f"{project}. {names[project]}"
    return f"{text('col.project', lang, dataset.scheme if dataset is not None else None)} {project}"


def page_title(dataset, year: int, lang: str, page: str | None = None) -> str:
    """Strategy — page — evaluation year: the <title> and the PDF's running title."""
    metadata = dataset.metadata if dataset is not None else {}
    parts = [
        metadata.get(f"title_{lang}") or report_title(metadata, "title", lang),  # the strategy's own title
        page,
        fiscal_year_label(year, lang),
    ]
    return " — ".join(p for p in parts if p)


def navigation(jobs: dict[str, list[Job]], lang: str, name: str) -> str:
    """<nav> of page `name` ("index" for the index page): relative links (they work offline and
    wherever the folder is copied) to the index, the previous and next page, and the same
    page in each other language of the run."""
    pages = jobs[lang]
    names = [j.name for j in pages]
    links = [] if name == "index" else [("index.html", text("nav.index", lang), "", None)]
    if name in names:
        i = names.index(name)
        if i > 0:
            links.append(
                (f"{names[i - 1]}.html", f"{text('nav.previous', lang)}: {pages[i - 1].heading}", "prev", None)
            )
        if i + 1 < len(pages):
            links.append((f"{names[i + 1]}.html", f"{text('nav.next', lang)}: {pages[i + 1].heading}", "next", None))
    for other in jobs:
        if other != lang and (name == "index" or name in [j.name for j in jobs[other]]):
            links.append((f"../{other}/{name}.html", text("nav.other_language", lang), "alternate", other))
    items = "".join(
        f'<li><a href="{html.escape(href)}"'
        + (f' rel="{rel}"' if rel else "")
        + (f' hreflang="{other}" lang="{other}"' if other else "")
        + f">{html.escape(label)}</a></li>"
        for href, label, rel, other in links
    )
    return f'<nav class="kpi-nav" aria-label="{html.escape(text("nav.label", lang))}"><ul>{items}</ul></nav>'


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


# --- kernels ----------------------------------------------------------------------------------

_kernel_numbers = itertools.count(1)
# The kernels running for each run (by its kernel folder), so a run that ends early can kill
# them; a folder missing here belongs to a run that has ended.
_running: dict[str, set[ReportKernelManager]] = {}
_running_lock = threading.Lock()


class RunningInterpreterKernelSpecs(KernelSpecManager):
    """The IPython kernel of the running interpreter (sys.executable) for every kernel name,
    never a kernelspec found on Jupyter's search path: a user's own `python3` there may point at
    another Python, which must not run the official reports."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        from ipykernel.kernelspec import RESOURCES, get_kernel_dict

        return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())


class ReportKernelManager(AsyncKernelManager):
    """An ordinary kernel of the running interpreter, on IPC sockets in its run's kernel folder
    (parallel kernels cannot race for TCP ports), known to its run (see end_kernels)."""

    kernel_folder = Unicode("", config=True, help="the run's folder for connection files and IPC sockets")
    extra_env = Dict(config=True, help="environment variables the kernel gets beside ours")
    output_file = Unicode("", config=True, help="where the kernel process's own stdout and stderr go")

    @default("kernel_spec_manager")
    def _default_kernel_spec_manager(self) -> KernelSpecManager:
        return RunningInterpreterKernelSpecs(parent=self)

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("connection_file")
    def _default_connection_file(self) -> str:
        # short: jupyter_client puts the sockets beside it, at "<name>-ipc-<port>"
        return os.path.join(self.kernel_folder, f"{next(_kernel_numbers)}.json")

    async def start_kernel(self, **kw) -> None:
        if self.extra_env:
            kw["env"] = {**kw.get("env", os.environ), **self.extra_env}
        if self.output_file:
            # the kernel process's own lines (ipykernel's log) are not the user's terminal's: they
            # would land amid the progress bar, or after "interrupted" from a kernel a stopped run
            # was still starting; a kernel that fails to start is reported with its last line
            with open(self.output_file, "ab") as output:
                await super().start_kernel(**kw, stdout=output, stderr=output)
        else:
            await super().start_kernel(**kw)
        with _running_lock:
            kernels = _running.get(self.kernel_folder)
            if kernels is not None:
                kernels.add(self)
        if kernels is None:  # its run ended while it was starting
            await self.shutdown_kernel(now=True)
            raise RuntimeError("the report run has ended")


def start_kernels() -> str:
    """Open a run's kernel folder (its name holds our pid, see remove_leftovers)."""
    folder = tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-")
    with _running_lock:
        _running[folder] = set()
    return folder


def end_kernels(folder: str) -> None:
    """Kill the run's kernels that are still running and remove its kernel folder."""
    with _running_lock:
        kernels = _running.pop(folder, set())
    for km in kernels:
        process = km.provisioner.process if km.provisioner is not None else None
        if process is not None and process.poll() is None:
            process.kill()  # its notebook's thread sees a dead kernel and stops
    shutil.rmtree(folder, ignore_errors=True)


def remove_leftovers(out_dir: Path) -> None:
    """Remove the staging and kernel folders of earlier runs whose process is gone; a run killed
    in the middle of swap_in left its year folder's previous set in its staging folder: put it back."""
    found = [*Path(out_dir).glob(f".{RUN_PREFIX}*"), *Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*")]
    for folder in found:
        m = _LEFTOVER.match(folder.name)
        if m and folder.is_dir() and not _is_running(int(m.group(1))):
            old, year = folder / OLD_SET, _year_of(folder)
            if old.is_dir() and year is not None and not (Path(out_dir) / year).exists():
                old.rename(Path(out_dir) / year)
            shutil.rmtree(folder, ignore_errors=True)


def _year_of(staging: Path) -> str | None:
    """The year folder a staging folder builds (its only folder named by a year)."""
    years = [p.name for p in staging.iterdir() if p.name.isdigit()]
    return years[0] if len(years) == 1 else None


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would send Ctrl-C there: keep the folder
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def execute(
    input_path: Path,
    output_path: Path,
    parameters: dict,
    kernel_folder: str,
    timeout: float | None = DEFAULT_TIMEOUT,
    env: dict[str, str] | None = None,
):
    """Run one notebook with papermill and save it; raise ReportError naming the failing cell
    (also a cell that ran longer than `timeout` seconds).

    The kernel starts in the notebook's folder (the working directory of the process is left
    alone: papermill's `cwd` would move every thread of a parallel run), with `env` added to its
    environment. Returns the executed
    notebook.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    input_path = Path(input_path).resolve()
    output_file = os.path.join(kernel_folder, f"{next(_kernel_numbers)}.log")
    try:
        nb = papermill.execute_notebook(
            str(input_path),
            None,
            parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            start_timeout=60,
            execution_timeout=timeout,
            # the rest goes to nbclient: the kernel, its working directory, no timing metadata
            kernel_manager_class=ReportKernelManager,
            config=Config(
                {
                    "ReportKernelManager": {
                        "kernel_folder": kernel_folder,
                        "extra_env": env or {},
                        "output_file": output_file,
                    }
                }
            ),
            resources={"metadata": {"path": str(input_path.parent)}},
            record_timing=False,
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as e:
        raise ReportError(
            f"{input_path.name} {_describe(parameters)} failed in cell {e.exec_count}: {e.ename}: {e.evalue}"
        ) from None
    except CellTimeoutError:
        raise ReportError(
            f"{input_path.name} {_describe(parameters)}: a cell ran longer than {timeout:g} seconds and was stopped "
            "(kpi report --timeout SECONDS)"
        ) from None
    except DeadKernelError as e:
        raise ReportError(
            f"{input_path.name} {_describe(parameters)}: the kernel died while running ({_with_output(e, output_file)})"
        ) from None
    except (RuntimeError, TimeoutError) as e:  # the kernel died or did not answer while starting
        raise ReportError(
            f"{input_path.name} {_describe(parameters)}: the kernel did not start ({_with_output(e, output_file)})"
        ) from None
    clean_notebook(nb)
    nbformat.write(nb, str(output_path))
    return nb


def _with_output(error: Exception, output_file: str) -> str:
    """`error` and the last line the kernel process wrote of its own (its error, when it died)."""
    try:
        with open(output_file, "rb") as f:
            lines = f.read()[-4000:].decode("utf-8", "replace").strip().splitlines()
    except OSError:
        lines = []
    return f"{error}; {lines[-1].strip()}" if lines else str(error)


def _describe(parameters: dict) -> str:
    return "(" + ", ".join(f"{k}={v}" for k, v in parameters.items() if v is not None) + ")"


def _execute_job(job: Job, folder: Path, kernel_folder: str):
    return execute(job.notebook, folder / f"{job.name}.ipynb", job.parameters, kernel_folder, job.timeout)


def _convert_job(job: Job, folder: Path, lang: str, nb) -> None:
    from kpi_lib.publishing.html_export import notebook_node_to_html

    notebook_node_to_html(
        nb, folder / f"{job.name}.html", folder / f"{job.name}.ipynb", title=job.title, lang=lang, nav=job.nav
    )


def write_index(
    folder: Path,
    year: int,
    lang: str,
    jobs: list[Job],
    dataset=None,
    nav: str = "",
    pdfs: dict | None = None,
    digest: str = "",
    template: Path | None = None,
) -> None:
    """The index: every page by name, with each project's grade counts (as shown) when the
    dataset is given, and its PDFs when they were printed (`pdfs`: page name -> file name)."""
    from kpi_lib.analysis.grading import evaluate
    from kpi_lib.dataset.scheme import scheme_for
    from kpi_lib.presentation.tables import grade_count_cells

    badges, counts = [], {}
    if dataset is not None:
        scheme = scheme_for(dataset)
        colours = grade_colours(scheme)
        badges = [grade_badge(g, colours) for g in scheme.counted_grades]
        projects = [j.parameters["project"] for j in jobs if "project" in j.parameters]
        if projects:  # the grades shown: published, and computed ones counted apart
            counts = grade_count_cells(evaluate(dataset, year, scheme, projects), scheme.counted_grades, lang)
    rows = [
        {"name": j.name, "heading": j.heading or j.title, "counts": counts.get(j.parameters.get("project"), [])}
        for j in jobs
    ]
    page = _index_template().render(
        lang=lang,
        title=page_title(dataset, year, lang),
        nav=nav,
        badges=badges,
        rows=rows,
        pdfs=pdfs or {},
        template=template.name if template else None,  # an office's own template, by file name: no paths in reports
        digest=digest,
        label=lambda key: text(key, lang, scheme_for(dataset) if dataset is not None else None),
    )
    (folder / "index.html").write_text(page, encoding="utf-8")


@functools.cache
def _index_template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # every value is text from the data or the catalogue
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template(INDEX_TEMPLATE)


def run_reports(
    year: int,
    langs: list[str],
    projects: list[int],
    out_dir: Path,
    jobs: int = 1,
    data_dir: str | None = None,
    with_overview: bool = True,
    progress: bool = True,
    template: Path | None = None,
    pdf: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[Path]:
    """Run every report of `year` for each language into out_dir/<year>/<lang>/; return the folders.

    `template`: a notebook of the office's own to run instead of the project-report notebook
    (it gets the same parameters); the index page names it. With `pdf`, also print each report
    on A4 (<name>.pdf) and all of a language's reports into one file (see pdf_name), before
    anything is moved into place. `timeout`: seconds a notebook's cell may run before the run
    stops with a ReportError (None: no limit).
    """
    if pdf:
        from kpi_lib.publishing import pdf as pdf_module

        pdf_module.check_installed()  # before minutes of notebooks, not after
    out_dir = Path(out_dir).resolve()  # threads and kernels must not depend on the working directory
    _make_output_folder(out_dir)
    remove_leftovers(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{RUN_PREFIX}{os.getpid()}-", dir=out_dir))
    try:
        # Every notebook reads the same copy of the data, taken once now: a change to the data
        # directory during the run (an import) cannot give one report old and another new figures.
        digest = take_snapshot(data_dir, staging / SNAPSHOT, template)
        dataset = load_dataset(staging / SNAPSHOT / SNAPSHOT_DATA)  # names for titles, counts for the index
        # a project of the data without indicators: its report would have nothing to show (its
        # notebook fails on an empty table); an unknown project is the notebook's own error
        known = set(dataset.projects["project"].astype(int))
        empty = sorted((set(projects) & known) - set(dataset.project_indicators["project"].astype(int)))
        if empty:
            raise _both("run.empty_project", words=dataset.scheme, projects=", ".join(map(str, empty)))
        target = out_dir / str(year)
        written = {lang: _page_names(projects, with_overview) for lang in langs}
        kept = survey(target, written, digest, pdf)  # before minutes of notebooks: refuse now
        layout = _layout(year, written, kept, template, dataset)
        planned = {
            lang: [
                replace(
                    job,
                    notebook=str(staging / SNAPSHOT / job.notebook),
                    timeout=timeout,
                    nav=navigation(layout, lang, job.name),
                )
                for job in js
            ]
            for lang, js in plan(year, langs, projects, with_overview, SNAPSHOT_DATA, template, dataset).items()
        }
        new_year = staging / str(year)
        folders = {lang: new_year / lang for lang in planned}
        for folder in folders.values():
            folder.mkdir(parents=True)
        _run_all(
            [(job, lang) for lang, js in planned.items() for job in js],
            folders,
            jobs,
            progress,
            _execute_job,
            _convert_job,
        )
        for lang, js in planned.items():
            pdfs = None
            if pdf:  # every page of the final set, the kept ones printed from their kept HTML
                rebuilt = {j.name for j in js}
                pages = [
                    (j, (folders[lang] if j.name in rebuilt else target / lang) / f"{j.name}.html")
                    for j in layout[lang]
                ]
                pdfs = print_pdfs(folders[lang], year, lang, pages, dataset)
            write_index(
                folders[lang],
                year,
                lang,
                layout[lang],
                dataset,
                navigation(layout, lang, "index"),
                pdfs,
                digest,
                template,
            )
        survey(target, written, digest, pdf)  # again: what was put there during the run
        keep_the_rest(target, new_year)
        swap_in(new_year, target, staging / OLD_SET)
        return [target / lang for lang in planned]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --- what a run writes, and everything else in the year folder, kept as it is ------------------
#
# A run writes, in each language folder it runs, the pages it rebuilds (<page>.html, .ipynb) and
# index.html; with --pdf also the .pdf of every page of the final set (a kept page printed from its
# kept HTML) and the language's combined PDF, so that PDF always holds the whole set. Everything else in the year folder
# is kept as it was: the same files (hard links), symbolic links as links, dotfiles, other
# languages. A page of a report set (index, overview, project_N in ja/ or en/) that the run does
# not rebuild is kept only when it shows the run's data digest; otherwise the run refuses before
# any notebook runs, so a set never mixes two versions of the data and no link leads to a page
# that was deleted or made from other data.

_PAGE_HTML = re.compile(r"^(?:index|overview|project_\d+)\.html$")
_DIGEST_SHOWN = re.compile(r'class="kpi-(?:footer kpi-)?digest">[^<]*<code>([0-9a-f]+)</code>')


def _page_names(projects: list[int], with_overview: bool) -> list[str]:
    return [f"project_{p}" for p in sorted(set(projects))] + ["overview"] * with_overview


def _both(key: str, what: str | None = None, words=None, **values) -> BilingualError:
    """A refusal in Japanese and English (in the dataset's `words`, where it names them): the API
    says both in one line, a command its messages' language."""

    def one(lang: str) -> str:
        extra = {"what": text(f"run.what.{what}", lang)} if what else {}
        return text(key, lang, words).format(**values, **extra)

    return BilingualError(one("ja"), one("en"))


def _make_output_folder(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise _both("run.not_a_folder", path=out_dir, what="file") from None
    except NotADirectoryError:
        raise _both("run.not_a_folder", path=out_dir, what="below_file") from None
    except OSError as e:
        raise KpiError(f"cannot write reports into {out_dir}: {e.strerror or e.__class__.__name__}") from None


def _kind(path: Path) -> str:
    """What is at `path`, in the words of run.what.*."""
    if path.is_symlink():
        return "symlink"
    if path.is_dir():
        return "folder"
    return "file" if path.is_file() else "special"


def page_digest(path: Path) -> str | None:
    """The data digest a page of a report set shows (None: none, or more than one)."""
    from kpi_lib.core.errors import InputFileError
    from kpi_lib.core.files import MAX_NOTEBOOK_BYTES, read_input_file

    try:
        shown = set(_DIGEST_SHOWN.findall(read_input_file(path, MAX_NOTEBOOK_BYTES).decode("utf-8", "replace")))
    except InputFileError:
        return None
    return shown.pop() if len(shown) == 1 else None


def survey(target: Path, written: dict[str, list[str]], digest: str, pdf: bool) -> dict[str, list[str]]:
    """The pages of the year folder `target` that a run writing `written` (language -> page
    names) keeps, by language: those showing `digest`. Raises KpiError (one line, ja / en) when
    the run would replace something that is not a file it writes (a link, a folder), or keep a
    page made from other data, or a PDF of a page it rebuilds without printing it."""
    from kpi_lib.core.labels import LANGS

    if (target.exists() or target.is_symlink()) and _kind(target) != "folder":
        raise _both("run.not_replaced", path=target, what=_kind(target))
    kept: dict[str, list[str]] = {lang: [] for lang in LANGS}
    others, stale = [], []
    for lang in LANGS:
        folder = target / lang
        names = written.get(lang)
        if names is not None:
            if (folder.exists() or folder.is_symlink()) and _kind(folder) != "folder":
                raise _both("run.not_replaced", path=folder, what=_kind(folder))
            mine = [f"{n}.{x}" for n in names for x in ("html", "ipynb")] + ["index.html"]
            if pdf:
                mine += [f"{n}.pdf" for n in names] + [f"reports_{target.name}_{lang}.pdf"]
            for name in mine:
                path = folder / name
                if path.is_symlink() or ((path.exists()) and not path.is_file()):
                    raise _both("run.not_replaced", path=path, what=_kind(path))
            if not pdf:
                stale += [
                    folder / name
                    for name in [f"{n}.pdf" for n in names] + [f"reports_{target.name}_{lang}.pdf"]
                    if (folder / name).exists() or (folder / name).is_symlink()
                ]
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            name = path.name.removesuffix(".html")
            if not _PAGE_HTML.match(path.name) or (names is not None and (name in names or name == "index")):
                continue
            if page_digest(path) == digest:
                kept[lang].append(name)
            else:
                others.append(path)
    if pdf:  # a --pdf run prints the kept pages too (the combined PDF holds the whole set)
        for lang, names in kept.items():
            if lang in written:
                for path in (target / lang / f"{n}.pdf" for n in names if n != "index"):
                    if path.is_symlink() or (path.exists() and not path.is_file()):
                        raise _both("run.not_replaced", path=path, what=_kind(path))
    if others:
        digests = sorted({page_digest(p) or text("run.no_digest", "en") for p in others})
        raise _both("run.other_data", folder=target, digests=", ".join(digests), pages=_some(others, target))
    if stale:
        raise _both("run.stale_pdf", pages=_some(stale, target))
    return kept


def _some(paths: list[Path], folder: Path, most: int = 6) -> str:
    shown = ", ".join(str(p.relative_to(folder)) for p in paths[:most])
    return shown + (f" (+{len(paths) - most})" if len(paths) > most else "")


def _layout(
    year: int, written: dict[str, list[str]], kept: dict[str, list[str]], template, dataset
) -> dict[str, list[Job]]:
    """The pages of each language after the run (rebuilt and kept), in order, for the links
    between pages and the index; a language not run is linked to only where its index is kept."""
    layout = {}
    for lang, names in kept.items():
        if lang not in written and "index" not in names:
            continue
        every = set(names) | set(written.get(lang, []))
        projects = sorted(int(n.removeprefix("project_")) for n in every if n.startswith("project_"))
        layout |= plan(year, [lang], projects, "overview" in every, SNAPSHOT_DATA, template, dataset)
    return {lang: [replace(j, nav="") for j in jobs] for lang, jobs in layout.items()}


def keep_the_rest(target: Path, new: Path) -> None:
    """Put into the new year folder `new` everything of `target` that the run did not write,
    as it is: files as hard links to the same files (a copy where a hard link is impossible),
    symbolic links as links with the same text (never a copy of what they point at), folders
    with their permissions."""
    if not target.is_dir():
        return
    shutil.copystat(target, new, follow_symlinks=False)
    for entry in os.scandir(target):
        there = new / entry.name
        if entry.is_symlink():
            if not there.is_symlink() and not there.exists():
                os.symlink(os.readlink(entry.path), there)
        elif entry.is_dir(follow_symlinks=False):
            there.mkdir(exist_ok=True)
            keep_the_rest(Path(entry.path), there)
        elif not there.exists():
            try:
                os.link(entry.path, there, follow_symlinks=False)
            except OSError:  # another file system below the year folder, or links not allowed
                shutil.copy2(entry.path, there, follow_symlinks=False)


def pdf_name(year: int, lang: str) -> str:
    """The file holding all of a year's reports in one language."""
    return f"reports_{year}_{lang}.pdf"


def print_pdfs(folder: Path, year: int, lang: str, pages: list[tuple[Job, Path]], dataset=None) -> dict[str, str]:
    """folder/<name>.pdf for each (job, its HTML file) of a language's whole final set, and all
    of them in one PDF (the overview first, then the projects in order); returns page name ->
    file name (and "all" -> the combined file)."""
    from kpi_lib.publishing.pdf import Part, print_combined, print_pages

    jobs = [j for j, _ in pages]
    bodies = print_pages([(source, folder / f"{j.name}.pdf", j.title) for j, source in pages])
    order = sorted(range(len(jobs)), key=lambda i: "project" in jobs[i].parameters)  # overview first
    parts = [Part(jobs[i].heading or jobs[i].title, bodies[i]) for i in order]
    print_combined(
        parts,
        folder / pdf_name(year, lang),
        page_title(dataset, year, lang),
        lang,
        front_matter(dataset, year, lang),
        text("print.contents", lang),
    )
    return {j.name: f"{j.name}.pdf" for j in jobs} | {"all": pdf_name(year, lang)}


def front_matter(dataset, year: int, lang: str) -> str:
    """The combined PDF's title page: the strategy's title, the evaluation year, the source and
    (in a translation) whose the translations are, from the dataset's metadata, then the
    source's own front matter where the data has it (source_front_matter); escaped markup."""
    metadata = dataset.metadata if dataset is not None else {}
    strategy = metadata.get(f"title_{lang}") or report_title(metadata, "title", lang)
    rows = [(text("report.evaluation_year", lang), html.escape(fiscal_year_label(year, lang)))]
    source = metadata.get("source") if isinstance(metadata.get("source"), dict) else {}
    cited = ""
    if source.get("title_ja"):  # the source's own title, in Japanese
        publisher = source.get(f"publisher_{lang}") or source.get("publisher_ja") or ""
        cited = f'{html.escape(publisher)} <span lang="ja">{html.escape(source["title_ja"])}</span>'.strip()
    if source.get("date"):  # the publication date as metadata.json gives it
        cited += f"（{html.escape(source['date'])}）" if lang == "ja" else f" ({html.escape(source['date'])})"
    if source.get("url"):  # http(s) only (loading checks it)
        address = html.escape(source["url"])
        cited += f' <a href="{address}">{address}</a>'
    if cited:
        rows.append((text("report.source", lang), cited.strip()))
    if lang != "ja" and metadata.get("translations"):
        rows.append((text("print.translations", lang), html.escape(metadata["translations"])))
    items = "".join(f"<dt>{html.escape(label)}</dt><dd>{markup}</dd>" for label, markup in rows)
    source_front = source_front_matter(dataset, lang) if dataset is not None else ""
    return f'<h1 class="kpi-title">{html.escape(strategy)}</h1><dl>{items}</dl>{source_front}'


def source_front_matter(dataset, lang: str) -> str:
    """What the source prints before its projects, as far as the data has it: what the projects
    are for and their viewpoints (metadata.json front_matter), the projects under the strategy's
    pillars with their catch lines (pillars.csv, projects.csv) and the overall aims (aims.csv).
    "" for a dataset with none of these: no empty section."""
    e = html.escape
    given = texts.front_matter(dataset.metadata, lang)

    def tagged(piece: str, tag: str) -> str:  # a Japanese original in the English page says so
        value, language = given[piece]
        return f"<{tag}{f' lang={language}' if language != lang else ''}>{e(value)}</{tag}>"

    parts = []
    sub = "h3" if "heading" in given else "h2"
    if "heading" in given:
        parts.append(tagged("heading", "h2"))
    if "purpose" in given:
        parts.append(tagged("purpose", "p"))
    if "viewpoints" in given:
        if "viewpoints_heading" in given:
            parts.append(tagged("viewpoints_heading", sub))
        items, language = given["viewpoints"]
        attr = f" lang={language}" if language != lang else ""
        parts.append(f"<ul{attr}>" + "".join(f"<li>{e(v)}</li>" for v in items) + "</ul>")
    structure = texts.project_structure(dataset, lang)
    if not structure.empty:
        head = "".join(
            f'<th scope="col">{e(text(k, lang, dataset.scheme))}</th>'
            for k in ("report.pillar", "report.catch", "col.project")
        )
        rows = []
        for i, row in enumerate(records(structure)):
            # a pillar once, beside all its projects (they follow one another, as in the source's diagram)
            span = 1
            while i + span < len(structure) and structure["pillar"].iloc[i + span] == row["pillar"]:
                span += 1
            first = i == 0 or structure["pillar"].iloc[i - 1] != row["pillar"]
            pillar = f'<th scope="rowgroup" rowspan="{span}">{e(row["pillar"])}</th>' if first else ""
            rows.append(f"<tr>{pillar}<td>{e(row['catch'])}</td><td>{e(row['project'])}</td></tr>")
        parts.append(
            f"<{sub}>{e(text('print.structure', lang, dataset.scheme))}</{sub}>"
            f'<table class="kpi-table kpi-structure"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        )
    aims = texts.aims(dataset, lang)
    if aims:
        parts.append(
            f'<div class="kpi-aims"><p>{e(text("print.aims", lang))}</p><ul>'
            + "".join(f"<li>{e(a)}</li>" for a in aims)
            + "</ul></div>"
        )
    return f'<section class="kpi-front-matter">{"".join(parts)}</section>' if parts else ""


def take_snapshot(data_dir: str | Path | None, folder: Path, template: Path | None = None) -> str:
    """Copy the data files (loading.data_files) to folder/data and the notebooks to folder (so
    they name the data by the relative path "data", the same in every run), `template` as
    CUSTOM_TEMPLATE; return the data's digest."""
    from kpi_lib.dataset.loading import copy_data_files, data_digest, resolve_data_dir

    root = resolve_data_dir(data_dir)
    if not root.is_dir():
        raise KpiError(f"data directory not found: {root}")
    target = folder / SNAPSHOT_DATA
    copy_data_files(root, target)
    for notebook in (PROJECT_NOTEBOOK, OVERVIEW_NOTEBOOK):
        shutil.copyfile(NOTEBOOK_DIR / notebook, folder / notebook)
    if template is not None:
        (folder / CUSTOM_TEMPLATE).write_bytes(read_template(template))
    return data_digest(target)


def read_template(path: Path) -> bytes:
    """The bytes of a --template notebook: a regular file of at most MAX_NOTEBOOK_BYTES (never a
    pipe or a device, which would block or never end)."""
    from kpi_lib.core.files import MAX_NOTEBOOK_BYTES, read_input_file

    return read_input_file(path, MAX_NOTEBOOK_BYTES)


def _run_all(work, folders, jobs: int, progress: bool, run=_execute_job, convert=_convert_job) -> None:
    """Run (job, lang) pairs: `run(job, folder, kernel_folder)` on `jobs` threads at a time,
    then `convert(job, folder, lang, notebook)` on one more thread, with a progress bar.

    Threads are enough: each notebook's work happens in its own kernel process, and each thread
    has its own kernel client and event loop. HTML conversion has a thread of its own so a
    notebook slot never waits for it. If anything fails or the run is interrupted, notebooks
    not started are cancelled and running ones have their kernels killed.
    """
    from tqdm import tqdm

    kernel_folder = start_kernels()
    notebooks = ThreadPoolExecutor(max(1, jobs), thread_name_prefix="kpi-notebook")
    converter = ThreadPoolExecutor(1, thread_name_prefix="kpi-html")
    bar = tqdm(total=len(work), desc="reports", unit="notebook", file=sys.stderr, disable=not progress)
    try:
        running = {notebooks.submit(run, job, folders[lang], kernel_folder): ("run", job, lang) for job, lang in work}
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                step, job, lang = running.pop(future)
                result = future.result()  # a failing notebook raises here
                if step == "run" and convert is not None:
                    running[converter.submit(convert, job, folders[lang], lang, result)] = ("html", job, lang)
                else:
                    bar.set_postfix_str(f"{lang}/{job.name}")
                    bar.update()
    finally:
        for pool in (notebooks, converter):
            pool.shutdown(wait=False, cancel_futures=True)
        end_kernels(kernel_folder)  # after a complete run, none is left to kill
        for pool in (notebooks, converter):
            pool.shutdown()
        bar.close()


def swap_in(new: Path, target: Path, old: Path) -> None:
    """Replace the year folder `target` (all its languages) with `new`: the old set is renamed to
    `old` (inside the run's staging folder, removed with it), then the new set to `target`. Each
    rename is atomic, so readers and a kill at any moment find the old set or the new one, never
    a mix; a kill between the two renames leaves no `target`, and the next run's
    remove_leftovers puts the old set back."""
    if target.exists():
        target.rename(old)
    new.rename(target)


def refresh_notebooks(
    notebook_dir: Path = NOTEBOOK_DIR, workspace_dir: Path = WORKSPACE_DIR
) -> list[tuple[Path, bool]]:
    """Re-execute the committed notebooks in place with their default parameters (for nbval):
    the report notebooks, then the workspace's explore.ipynb (in a checkout); record the report
    notebooks' source digests in their manifest (see notebook_sources). In a checkout, refuses
    unless the installed packages are the versions its outputs were made with (see pins).
    Returns each notebook with whether its file changed (the ones to review and commit)."""
    pins.check_pins(pins.constraints_file())
    done = []
    kernel_folder = start_kernels()
    try:
        paths = sorted(notebook_dir.glob("*.ipynb"))
        paths += [p for p in [workspace_dir / EXPLORE_NOTEBOOK] if p.is_file()]
        for path in paths:
            before = path.read_bytes()
            tmp = path.with_name(f".{path.name}.tmp")
            try:
                # the committed outputs show the shipped dataset, whatever KPI_DATA names here
                nb = execute(path, tmp, {}, kernel_folder, env={DATA_ENV: f"{EXAMPLE_PREFIX}{FIRST_EXAMPLE}"})
                # no Python version in the committed notebooks: it is the one thing the pins in
                # constraints.txt cannot fix, and nothing reads it
                nb.metadata.get("language_info", {}).pop("version", None)
                nbformat.write(nb, str(tmp))
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            done.append((path, path.read_bytes() != before))
    finally:
        end_kernels(kernel_folder)
    write_manifest(notebook_dir)
    return done
