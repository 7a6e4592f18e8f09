"""The analysts' workspace in a real JupyterLab, in headless Chromium.

A JupyterLab server (the test extra's, on a free port of 127.0.0.1 with a random token) serves
a temporary copy of the workspace's explore.ipynb and the overview report template; the browser
opens each, runs all cells (Run → Run All Cells) and waits until every code cell has run. Every
Vega-Lite output must then hold a drawn <svg> or <canvas> inside its .vega-embed, and no cell
may show an error or anything on stderr. In a third, empty notebook, the
browser types the analyst's everyday tasks cell by cell (issue 20: grade changes, a lookup by
name and a misspelt id, a composed chart, a chart saved to draw offline, the compact table) and
checks each answer as the page shows it. The server (and with it its kernels) is always shut
down. Notebook rendering is set to draw every cell (windowingMode "none"), so cells below the
fold are in the page to be checked.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from kpi_lib.core import resources
from kpi_lib.publishing.report import EXPLORE_NOTEBOOK, OVERVIEW_NOTEBOOK

pytest.importorskip("jupyterlab", reason="JupyterLab is in the test extra (python3 tasks.py test installs it)")
from browser import CHROMIUM  # noqa: E402

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed (python3 tasks.py test installs it)"
)

VEGALITE = "application/vnd.vegalite.v5+json"
STDERR = "application/vnd.jupyter.stderr"
ANALYST_NOTEBOOK = "analyst.ipynb"  # the analyst's tasks, typed cell by cell (test_an_analyst_types_...)
# each notebook's charts, counted in the committed outputs
EXPECTED_CHARTS = {EXPLORE_NOTEBOOK: 3, OVERVIEW_NOTEBOOK: 2}

# the notebook in view (a restored tab of another notebook stays in the page, hidden)
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
_ALL_RUN_JS = """PANEL => {
  const prompts = Array.from(document.querySelectorAll(`${PANEL} .jp-CodeCell .jp-InputArea-prompt`));
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
# every output holding a Vega-Embed view: drawn when it holds an <svg>/<canvas> of non-zero size
_CHARTS_JS = """PANEL => Array.from(document.querySelectorAll(`${PANEL} .jp-OutputArea-output`)).filter(
  out => out.querySelector('.vega-embed')).map(out =>
  Array.from(out.querySelectorAll('.vega-embed svg, .vega-embed canvas')).some(el => {
    const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; }))"""


def _exactly(label: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(label)}$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _committed_charts(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(VEGALITE in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the workspace and a report template: (base URL, token)."""
    root = tmp_path_factory.mktemp("lab")
    work = root / "workspace"
    work.mkdir()
    for source in (resources.WORKSPACE_DIR / EXPLORE_NOTEBOOK, resources.NOTEBOOK_DIR / OVERVIEW_NOTEBOOK):
        # without the committed outputs: what is checked comes from this run
        nb = nbformat.read(source, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, work / source.name)
        shutil.copy(source, (root / "committed").mkdir(exist_ok=True) or root / "committed")
    # the analyst's own notebook: one empty cell, on the kernel JupyterLab's "New notebook" gives
    blank = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    blank.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(blank, work / ANALYST_NOTEBOOK)
    settings = root / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # autoStartDefaultKernel: start the notebook's own kernel without asking ("Select Kernel")
    tracker = {"windowingMode": "none", "autoStartDefaultKernel": True}
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps(tracker))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "lab-workspaces"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        # the copies run outside the checkout: the kernels use the shipped data as an office's
        # notebooks use its own, named once (docs/input.md, "Which data folder")
        "KPI_DATA": "example:hokkaido",
    }
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    cmd += [f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}", "--ServerApp.port_retries=0"]
    cmd += ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.name != "nt" and os.geteuid() == 0:
        cmd.append("--allow-root")  # JupyterLab refuses root otherwise
    log = open(root / "server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (root / "server.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield base, token, work
    finally:
        # the server's process group: the server and the kernels it started
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)
        except ProcessLookupError:
            pass
        log.close()


@pytest.fixture(scope="module")
def browser():
    """Chromium as tests/browser.py starts it, but allowed to reach the local server."""
    from browser import CHROMIUM_ARGS, launch

    args = [a for a in CHROMIUM_ARGS if not a.startswith(("--proxy-server", "--host-resolver-rules"))]
    with launch(args) as b:
        yield b


def _start_session(base: str, token: str, name: str) -> None:
    """Start the notebook's kernel through Jupyter Server's REST API (POST /api/sessions) before
    the page opens it: JupyterLab then joins that session instead of asking which kernel to use
    (its "Select Kernel" dialog could swallow clicks on a loaded machine)."""
    body = json.dumps({"path": name, "name": name, "type": "notebook", "kernel": {"name": "python3"}}).encode()
    request = urllib.request.Request(
        f"{base}/api/sessions",
        data=body,
        method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as r:
        assert r.status == 201, r.status


def _accept_kernel_dialog(page) -> None:
    """JupyterLab may still ask which kernel to use (a dialog in front of the menus): accept the
    notebook's own. A dialog that will not go away fails the test with its text."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    for _ in range(3):
        try:
            page.wait_for_selector(".jp-Dialog", timeout=3_000)
        except PlaywrightTimeoutError:
            return
        dialog = page.locator(".jp-Dialog").first
        text = " ".join(dialog.inner_text().split())
        try:
            dialog.locator(".jp-Dialog-button.jp-mod-accept").click(timeout=10_000)
            page.wait_for_selector(".jp-Dialog", state="detached", timeout=10_000)
        except PlaywrightTimeoutError:
            raise AssertionError(f"a JupyterLab dialog stayed open: {text!r}") from None
    raise AssertionError("JupyterLab kept opening dialogs")


_STARTED_JS = """PANEL => Array.from(document.querySelectorAll(`${PANEL} .jp-CodeCell .jp-InputArea-prompt`)).some(
  p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""


def _run_all_cells(page) -> None:
    """Run → Run All Cells. When JupyterLab asks for a kernel first, it can drop the request
    while the kernel starts: then ask again (at most three times)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    for _ in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text=_exactly("Run")).click()
        page.locator(".lm-Menu-itemLabel", has_text=_exactly("Run All Cells")).click()
        _accept_kernel_dialog(page)
        try:
            page.wait_for_function(_STARTED_JS, arg=PANEL, timeout=15_000, polling=250)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError("Run All Cells did not start any cell")


# each code cell's prompt and its outputs (type and the start of the text), for a failure's message
_CELLS_JS = """PANEL => Array.from(document.querySelectorAll(`${PANEL} .jp-CodeCell`)).map(cell => {
  const prompt = cell.querySelector('.jp-InputArea-prompt');
  const outputs = Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(
    o => `${o.getAttribute('data-mime-type')}: ${o.innerText.slice(0, 300)}`);
  return `${prompt ? prompt.textContent : '?'} ${outputs.join(' | ')}`;
}).join('\\n')"""


def _describe_cells(page) -> str:
    try:
        kernel = page.locator(".jp-Notebook-ExecutionIndicator, .jp-KernelStatus").all_inner_texts()
        return f"kernel status: {kernel}\ncells:\n{page.evaluate(_CELLS_JS, PANEL)}"
    except Exception as e:  # the page itself may be gone
        return f"(cells not readable: {e})"


def _server_log(work: Path) -> str:
    log = work.parent / "server.log"
    return log.read_text(errors="replace")[-4000:] if log.exists() else "(none)"


@pytest.mark.parametrize("name", [EXPLORE_NOTEBOOK, OVERVIEW_NOTEBOOK])
def test_notebook_runs_in_jupyterlab_and_draws_every_chart(lab, browser, name, artifacts):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    base, token, work = lab
    expected = EXPECTED_CHARTS[name]
    assert _committed_charts(work.parent / "committed" / name) == expected
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    try:
        _start_session(base, token, name)
        page.goto(f"{base}/lab/tree/{name}?token={token}&reset", wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_selector(f"{PANEL} .jp-CodeCell", timeout=60_000)
        _run_all_cells(page)
        try:
            page.wait_for_function(_ALL_RUN_JS, arg=PANEL, timeout=60_000, polling=500)
        except PlaywrightTimeoutError:
            # seen once in a full run: JupyterLab dropped the queued cells (the kernel idle, the
            # cells below unrun). Ask once more; a cell that fails stops the run again, and the
            # failure message then shows its output
            _run_all_cells(page)
            page.wait_for_function(_ALL_RUN_JS, arg=PANEL, timeout=90_000, polling=500)
        drawn = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # charts draw asynchronously after their output arrives
            drawn = page.evaluate(_CHARTS_JS, PANEL)
            if len(drawn) == expected and all(drawn):
                break
            time.sleep(0.5)
        errors = page.locator(f'{PANEL} .jp-OutputArea-output[data-mime-type="{STDERR}"]').all_inner_texts()
        assert errors == []
        assert drawn == [True] * expected, drawn
        assert page_errors == []
    except Exception as e:
        shot = artifacts / f"jupyterlab-{name}.png"  # what the page showed, for the CI log's reader
        page.screenshot(path=str(shot), full_page=True)
        raise AssertionError(
            f"{e}\n{_describe_cells(page)}\nserver log:\n{_server_log(work)}\nscreenshot: {shot}"
        ) from e
    finally:
        context.close()


# the analyst's tasks, each typed into its own cell (docs/api.md's calls); the checks read the page
TASKS = {
    "setup": "import kpi_lib\nkpi_lib.setup_notebook()\nimport altair as alt\nds = kpi_lib.open_dataset()",
    "changes": 'kpi_lib.changes("H29", "H30", dataset=ds)[["indicator", "grade_from", "grade_to", "change"]]',
    "by_name": 'kpi_lib.series("合計特殊出生率", dataset=ds)[["year", "actual", "grade"]]',
    "misspelt": 'kpi_lib.series("total_fertiliy_rate", dataset=ds)',
    "composed": (
        'side = (kpi_lib.overview_chart("H30", dataset=ds) | kpi_lib.trend_chart("total_fertility_rate", dataset=ds))'
        '.resolve_scale(color="independent", shape="independent", strokeDash="independent")\nside'
    ),
    "saved": 'from pathlib import Path\nPath("exports").mkdir(exist_ok=True)\nkpi_lib.save_chart(side, "exports/side.html")',
    "compact": 'kpi_lib.show(kpi_lib.grades("H30", dataset=ds))',
}
_CELL_RUN_JS = """([PANEL, i]) => {
  const cells = document.querySelectorAll(`${PANEL} .jp-CodeCell`);
  const prompt = cells[i] && cells[i].querySelector('.jp-InputArea-prompt');
  return !!prompt && /\\[\\d+\\]/.test(prompt.textContent);
}"""
# the i-th code cell's outputs: mime type and text
_OUTPUTS_JS = """([PANEL, i]) => Array.from(document.querySelectorAll(`${PANEL} .jp-CodeCell`)[i].querySelectorAll(
  '.jp-OutputArea-output')).map(o => [o.getAttribute('data-mime-type'), o.innerText])"""
# the compact table's cells as drawn: text and computed colours
_TABLE_JS = """([PANEL, i]) => {
  const table = document.querySelectorAll(`${PANEL} .jp-CodeCell`)[i].querySelector('.jp-OutputArea-output table');
  const heads = Array.from(table.querySelectorAll('thead th')).map(th => th.innerText.trim());
  const rows = Array.from(table.querySelectorAll('tbody tr')).map(tr => Array.from(tr.querySelectorAll('td')).map(td => {
    const s = getComputedStyle(td); return [td.innerText.trim(), s.backgroundColor, s.color]; }));
  return {caption: table.caption ? table.caption.innerText : null, heads, rows};
}"""
# the i-th cell's charts: drawn (an <svg>/<canvas> of non-zero size) and how wide
_CELL_CHARTS_JS = """([PANEL, i]) => Array.from(document.querySelectorAll(`${PANEL} .jp-CodeCell`)[i].querySelectorAll(
  '.vega-embed')).map(embed => {
    const el = embed.querySelector('svg.marks, canvas.marks') || embed.querySelector('svg, canvas');
    const r = el ? el.getBoundingClientRect() : {width: 0, height: 0};
    return {drawn: r.width > 0 && r.height > 0, width: r.width};
  })"""


def _rgb(hex_colour: str) -> str:
    """#RRGGBB as the browser's computed style writes it."""
    r, g, b = (int(hex_colour.lstrip("#")[k : k + 2], 16) for k in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def _type_and_run(page, index: int, code: str) -> None:
    """Type `code` into the index-th code cell (a new one is added below the last) and run it (Shift+Enter)."""
    cells = page.locator(f"{PANEL} .jp-CodeCell")
    if cells.count() <= index:
        page.locator(f"{PANEL} .jp-CodeCell").last.click()
        page.keyboard.press("Escape")
        page.keyboard.press("b")  # command mode: insert a cell below
        page.wait_for_function(
            f"n => document.querySelectorAll('{PANEL} .jp-CodeCell').length > n", arg=index, timeout=10_000
        )
    editor = cells.nth(index).locator(".cm-content")
    editor.click()
    # as pasted: typing key by key would have the editor's auto-indent and closing brackets add to it
    page.keyboard.insert_text(code)
    assert editor.inner_text() == code, editor.inner_text()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(_CELL_RUN_JS, arg=[PANEL, index], timeout=60_000, polling=250)


def _outputs(page, index: int) -> list[list[str]]:
    return page.evaluate(_OUTPUTS_JS, [PANEL, index])


def _wait_for_charts(page, index: int) -> list[dict]:
    charts = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # charts draw asynchronously after their output arrives
        charts = page.evaluate(_CELL_CHARTS_JS, [PANEL, index])
        if charts and all(c["drawn"] for c in charts):
            break
        time.sleep(0.25)
    return charts


def _draws_offline(browser, html: Path) -> dict:
    """The saved page opened from its file with every request but its own refused: what it drew."""
    url, requests = html.resolve().as_uri(), []

    def route(r):
        if r.request.url == url or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context = browser.new_context(offline=True, service_workers="block")
    try:
        context.route("**/*", route)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, wait_until="load", timeout=30_000)
        drawing = page.locator("svg.marks, canvas.marks").first  # what Vega draws
        drawing.wait_for(timeout=30_000)
        box = drawing.bounding_box()
        return {"requests": requests, "errors": errors, "width": box and box["width"], "height": box and box["height"]}
    finally:
        context.close()


@pytest.mark.slow
def test_an_analyst_types_the_everyday_tasks_and_sees_the_answers(lab, browser, artifacts):
    """Issue 20's tasks, typed into an empty notebook as an analyst would, answered in the page:
    expected figures from the source (p. 3 of the Hokkaido report: 合計特殊出生率 1.31 1.29 1.29
    1.27 for H27–H30) and tests/test_api.py's checked answers (the two grades that rose H29→H30)."""
    import kpi_lib
    from kpi_lib.dataset.scheme import scheme_for
    from kpi_lib.presentation.style import grade_colours

    base, token, work = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    steps = list(TASKS)
    try:
        _start_session(base, token, ANALYST_NOTEBOOK)
        page.goto(
            f"{base}/lab/tree/{ANALYST_NOTEBOOK}?token={token}&reset", wait_until="domcontentloaded", timeout=60_000
        )
        page.wait_for_selector(f"{PANEL} .jp-CodeCell .cm-content", timeout=60_000)
        _accept_kernel_dialog(page)
        for i, step in enumerate(steps):
            _type_and_run(page, i, TASKS[step])
        out = {step: _outputs(page, i) for i, step in enumerate(steps)}
        assert out["setup"] == []

        # grade changes between two years: a table with the two indicators whose grade rose
        [(mime, changes)] = out["changes"]
        assert mime == "text/html"
        rows = [line.split("\t")[1:] for line in changes.strip().splitlines()[1:]]
        assert rows == [
            ["foreign_investment_cases", "B", "A①", "improved"],
            ["welfare_industry_fields", "B", "A①", "improved"],
        ], changes

        # an indicator by its Japanese name; a misspelt id answered with a suggestion, in one line
        [(mime, by_name)] = out["by_name"]
        years_actuals = [line.split("\t")[1:3] for line in by_name.strip().splitlines()[1:]]
        assert years_actuals == [["2015", "1.31"], ["2016", "1.29"], ["2017", "1.29"], ["2018", "1.27"]], by_name
        [(mime, misspelt)] = out["misspelt"]
        assert mime == STDERR and "Traceback" not in misspelt, misspelt
        assert "unknown indicator 'total_fertiliy_rate': did you mean total_fertility_rate (合計特殊出生率)" in misspelt

        # the composed chart draws: the overview and the trend side by side, wider than both plots
        # (JupyterLab draws it on a canvas: its size is what the page tells)
        ds = kpi_lib.open_dataset("example:hokkaido")
        plots = [
            c.to_dict()["width"]
            for c in (
                kpi_lib.overview_chart("H30", dataset=ds),
                kpi_lib.trend_chart("total_fertility_rate", dataset=ds),
            )
        ]
        [chart] = _wait_for_charts(page, steps.index("composed"))
        assert chart["drawn"] and chart["width"] > sum(plots), (chart, plots)

        # saved in the workspace to draw offline: no script from anywhere, and it draws without a network
        [(_, saved)] = out["saved"]
        assert "exports/side.html" in saved
        html = work / "exports" / "side.html"
        text = html.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\bsrc=", text) and "cdn.jsdelivr" not in text
        offline = _draws_offline(browser, html)
        assert offline["requests"] == [] and offline["errors"] == [] and offline["width"] > sum(plots), offline

        # the compact table: the columns read first, each grade on its scheme's colours
        table = page.evaluate(_TABLE_JS, [PANEL, steps.index("compact")])
        assert table["heads"][:3] == ["project", "indicator", "name_ja"], table["heads"]
        assert {"progress_rate", "grade", "published_grade"} <= set(table["heads"]) and len(table["heads"]) < 20
        colours = grade_colours(scheme_for(ds))
        grade = table["heads"].index("grade")
        seen = {}
        for row in table["rows"]:
            text_, background, colour = row[grade]
            if text_:
                assert (background, colour) == (_rgb(colours[text_][0]), _rgb(colours[text_][1])), row[grade]
                seen[text_] = background
        assert {"A①", "B"} <= set(seen) and len(set(seen.values())) == len(seen), seen  # one colour per grade
        assert page_errors == []
    except Exception as e:
        shot = artifacts / "jupyterlab-analyst.png"
        page.screenshot(path=str(shot), full_page=True)
        raise AssertionError(
            f"{e}\n{_describe_cells(page)}\nserver log:\n{_server_log(work)}\nscreenshot: {shot}"
        ) from e
    finally:
        context.close()
