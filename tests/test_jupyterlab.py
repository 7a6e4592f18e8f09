"""The analysts' workspace in a real JupyterLab, in headless Chromium.

A JupyterLab server (the test extra's, on a free port of 127.0.0.1 with a random token) serves
a temporary copy of the workspace's explore.ipynb and the overview report template; the browser
opens each, runs all cells (Run → Run All Cells) and waits until every code cell has run. Every
Vega-Lite output must then hold a drawn <svg> or <canvas> inside its .vega-embed, and no cell
may show an error or anything on stderr. The server (and with it its kernels) is always shut
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
