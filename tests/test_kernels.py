"""Report kernels forked from the warm kernel server behave like ordinary kernel processes."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from kpi_lib import kernels, report
from kpi_lib.kernels import IPCKernelManager, ReportKernelManager, serving_kernels

pytestmark = pytest.mark.skipif(not kernels.CAN_FORK, reason="forked kernels need fork and pidfd (Linux)")

# What a notebook can see of the process it runs in, printed as one JSON line.
PROBE = """
import json, os, signal, sys
print(json.dumps({
    "cwd": os.getcwd(),
    "sys_path": sys.path,
    "argv_options": [a for a in sys.argv[1:] if not a.endswith(".json")],
    "env_marker": os.environ.get("KPI_TEST_MARKER"),
    "own_process_group": os.getpgid(0) == os.getpid(),
    "sigint_is_python_default": signal.getsignal(signal.SIGINT) is signal.default_int_handler,
    "sigchld_default": signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL,
    "pid": os.getpid(), "ppid": os.getppid(),
    "pandas_imported_before_first_cell": "pandas" in sys.modules,
}))
"""


def _probe(tmp_path, manager, cwd) -> dict:
    nb = new_notebook(cells=[new_code_cell(PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = tmp_path / "probe.ipynb"
    nbformat.write(nb, str(src))
    out = report.execute(src, tmp_path / "probe.out.ipynb", {}, cwd=cwd, kernel_manager_class=manager)
    return json.loads(out.cells[0].outputs[0]["text"])


@pytest.fixture
def marker_env(monkeypatch):
    monkeypatch.setenv("KPI_TEST_MARKER", "present")


def test_forked_kernel_sees_what_an_ordinary_kernel_sees(tmp_path, marker_env):
    cwd = tmp_path / "work"
    cwd.mkdir()
    with serving_kernels():
        server_pid = kernels.kernel_server().process.pid
        forked = _probe(tmp_path, ReportKernelManager, cwd)
    ordinary = _probe(tmp_path, IPCKernelManager, cwd)

    assert forked["ppid"] == server_pid and ordinary["ppid"] == os.getpid()  # the two ways, really
    assert forked["pandas_imported_before_first_cell"] and not ordinary["pandas_imported_before_first_cell"]
    same = ("cwd", "sys_path", "env_marker", "own_process_group", "sigint_is_python_default", "sigchld_default")
    assert {k: forked[k] for k in same} == {k: ordinary[k] for k in same}
    assert forked["cwd"] == str(cwd) and forked["env_marker"] == "present"
    assert forked["own_process_group"] and forked["sigint_is_python_default"] and forked["sigchld_default"]


def test_a_kernel_asking_for_another_environment_is_started_the_ordinary_way(tmp_path, monkeypatch):
    with serving_kernels():
        monkeypatch.setenv("KPI_TEST_MARKER", "set after the server imported its modules")
        seen = _probe(tmp_path, ReportKernelManager, tmp_path)
    assert seen["ppid"] == os.getpid()
    assert seen["env_marker"] == "set after the server imported its modules"


def test_the_server_ends_with_the_run_and_a_new_run_starts_a_new_one(tmp_path):
    with serving_kernels():
        first = kernels.kernel_server().process
        _probe(tmp_path, ReportKernelManager, tmp_path)
    assert first.poll() is not None  # stopped, not left behind
    with serving_kernels():
        assert kernels.kernel_server().process.pid != first.pid


def test_a_kernel_that_dies_mid_run_is_reported_as_such(tmp_path):
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("import os; os._exit(3)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = tmp_path / "dies.ipynb"
    nbformat.write(nb, str(src))
    with serving_kernels(), pytest.raises(report.ReportError, match="dies.ipynb.*the kernel died"):
        report.execute(src, tmp_path / "dies.out.ipynb", {})
    assert not (tmp_path / "dies.out.ipynb").exists()


def test_parallel_run_with_a_relative_output_folder(tmp_path):
    # notebooks run on threads: nothing may depend on the process's working directory
    r = subprocess.run([sys.executable, "-m", "kpi_lib.cli", "report", "--year", "2018", "--project", "1",
                        "--project", "4", "--lang", "en", "--out", "rel", "--jobs", "2", "--no-progress"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    folder = tmp_path / "rel" / "2018" / "en"
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html", "project_1.html", "project_1.ipynb", "project_4.html", "project_4.ipynb"]
    assert r.stdout.split() == [str(folder / "index.html")]
    assert not list(Path(report.NOTEBOOK_DIR).glob("rel"))


def test_spare_kernels_start_the_next_notebooks_and_none_is_left(tmp_path, monkeypatch):
    forked_spares = []
    fork_spare = kernels._fork_spare

    def recording(*args):
        fork_spare(*args)
        forked_spares.append(kernels._spares[threading.get_ident()].process.pid)

    monkeypatch.setattr(kernels, "_fork_spare", recording)
    nb = new_notebook(cells=[new_code_cell(PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "probe.ipynb"))
    work = [(report.Job("probe", f"probe_{i}", {}, ""), "en") for i in range(4)]
    seen = []

    def run(job, folder):
        out = report.execute(tmp_path / "probe.ipynb", folder / f"{job.name}.ipynb", {}, cwd=tmp_path)
        seen.append(json.loads(out.cells[0].outputs[0]["text"]))
        return out

    report._run_all(work, {"en": tmp_path}, 1, progress=False, run=run, convert=None, server_calls=[])
    pids = [s["pid"] for s in seen]
    assert len(set(pids)) == 4  # a new process for every notebook
    assert forked_spares == pids[1:]  # the spare forked with each kernel ran the next notebook
    assert all(s["cwd"] == str(tmp_path) and s["own_process_group"] for s in seen)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert kernels._spares == {} and kernels._server is None


def test_a_spare_asked_for_otherwise_is_replaced(tmp_path):
    nb = new_notebook(cells=[new_code_cell(PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "probe.ipynb"))
    dirs = [tmp_path / "a", tmp_path / "b"]
    for d in dirs:
        d.mkdir()
    work = [(report.Job("probe", f"probe_{i}", {"cwd": str(d)}, ""), "en") for i, d in enumerate(dirs)]
    seen = []

    def run(job, folder):
        out = report.execute(tmp_path / "probe.ipynb", folder / f"{job.name}.ipynb", {}, cwd=Path(job.parameters["cwd"]))
        seen.append(json.loads(out.cells[0].outputs[0]["text"]))
        return out

    report._run_all(work, {"en": tmp_path}, 1, progress=False, run=run, convert=None, server_calls=[])
    assert [s["cwd"] for s in seen] == [str(d) for d in dirs]  # the spare (started in a/) was not used for b/
