"""constraints.txt: the versions the committed notebooks' outputs were made with, and the
refusal of `kpi refresh-notebooks` to run with others (no notebook is run by these tests)."""

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest

from kpi_lib.core.errors import KpiError
from kpi_lib.publishing import pins, report

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"


@pytest.fixture
def no_notebook_runs(monkeypatch):
    """A refresh that got past the check would fail the test here, before touching a notebook."""

    def fail(*args, **kw):
        raise AssertionError("refresh-notebooks ran a notebook")

    monkeypatch.setattr(report, "start_kernels", fail)
    monkeypatch.setattr(report, "execute", fail)


def _requirement_names(specs):
    return {pins.normalize(re.split(r"[<>=!~ ;\[]", spec, maxsplit=1)[0]) for spec in specs}


def test_the_constraints_file_pins_exact_versions_of_every_dependency():
    text = CONSTRAINTS.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][^\s]*", line) for line in lines), lines
    assert "python3 tasks.py lock" in text.split("\n\n")[0]  # the header says how it is made
    pinned = pins.read_pins(CONSTRAINTS)
    assert len(pinned) == len(lines)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _requirement_names(project["dependencies"])
    for specs in project["optional-dependencies"].values():
        wanted |= _requirement_names(specs)
    assert wanted <= set(pinned), wanted - set(pinned)
    assert set(pins.OUTPUT_PACKAGES) <= set(pinned)
    assert pins.normalize(project["name"]) not in pinned  # the project itself is installed from the checkout


def test_the_checkout_has_the_pinned_versions_installed():
    """What nbval needs: otherwise the committed outputs cannot match (python3 tasks.py test installs them)."""
    assert pins.constraints_file() == CONSTRAINTS
    pins.check_pins(CONSTRAINTS)


def test_refresh_notebooks_refuses_other_versions_of_what_the_outputs_show(
    tmp_path, monkeypatch, kpi, no_notebook_runs
):
    installed = importlib.metadata.version("altair")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(
        "# pins\naltair==0.0.1\n"
        f"numpy=={importlib.metadata.version('numpy')}\n"
        "ruff==0.0.1\n"  # not shown in any output: not checked
        "nbformat==0.0.2  # a comment\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(pins, "constraints_file", lambda: constraints)
    r = kpi("refresh-notebooks")
    assert r.returncode == 1 and r.stdout == ""
    [line] = r.stderr.splitlines()
    assert line.startswith("kpi: error: ") and "Traceback" not in line
    en = line.removeprefix("kpi: error: ")  # in the messages' language only (English here)
    assert f"altair {installed} (pinned 0.0.1)" in en and "固定版" not in en
    assert f"nbformat {importlib.metadata.version('nbformat')} (pinned 0.0.2)" in en
    assert str(constraints) in en
    assert "numpy" not in line and "ruff" not in line
    with pytest.raises(KpiError) as e:  # where no language is chosen (the API): both, in one line
        pins.check_pins(constraints)
    ja, en = str(e.value).split(" / ")
    assert f"altair {installed}（固定版 0.0.1）" in ja and f"altair {installed} (pinned 0.0.1)" in en
    assert str(constraints) in ja


def test_a_pinned_output_package_that_is_missing_is_named(tmp_path, monkeypatch):
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("narwhals==1.0\n", encoding="utf-8")
    real = pins.installed_version
    monkeypatch.setattr(pins, "installed_version", lambda name: None if name == "narwhals" else real(name))
    with pytest.raises(Exception, match=r"narwhals not installed \(pinned 1\.0\)"):
        pins.check_pins(constraints)


def test_with_the_pinned_versions_the_check_passes(tmp_path):
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(
        "".join(f"{name}=={importlib.metadata.version(name)}\n" for name in pins.OUTPUT_PACKAGES), encoding="utf-8"
    )
    pins.check_pins(constraints)


def test_an_installed_wheel_has_no_constraints_file_and_is_not_checked(tmp_path, monkeypatch):
    (tmp_path / "kpi_lib").mkdir()
    (tmp_path / "constraints.txt").write_text("altair==0.0.1\n", encoding="utf-8")  # someone else's, in site-packages
    monkeypatch.setattr(pins, "PACKAGE_DIR", tmp_path / "kpi_lib")
    assert pins.constraints_file() is None  # no pyproject.toml beside it: not a checkout
    pins.check_pins(None)


def test_the_committed_notebooks_record_no_python_version():
    """The pins fix the packages, not Python: kpi refresh-notebooks leaves its version out."""
    import nbformat

    paths = [*(ROOT / "notebooks" / "reports").glob("*.ipynb"), ROOT / "notebooks" / "workspace" / "explore.ipynb"]
    assert len(paths) == 3
    for path in paths:
        info = nbformat.read(path, as_version=4).metadata["language_info"]
        assert info["name"] == "python" and "version" not in info, path


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_refresh_notebooks_names_the_notebooks_it_changed(tmp_path, monkeypatch, kpi, lang):
    """Without running a kernel: a stand-in execute() gives one notebook new outputs and the
    other the outputs it had; the command says which changed."""
    import nbformat

    reports, workspace = tmp_path / "reports", tmp_path / "workspace"
    reports.mkdir()
    workspace.mkdir()
    for folder, name in ((reports, "project_report.ipynb"), (workspace, "explore.ipynb")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.write(nb, folder / name)

    def execute(path, out, parameters, kernel_folder, env=None):
        nb = nbformat.read(path, as_version=4)
        if path.parent == reports:  # a library change shows in this one's outputs
            nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
        return nb

    monkeypatch.setattr(pins, "check_pins", lambda _: None)
    monkeypatch.setattr(report, "start_kernels", lambda: str(tmp_path))
    monkeypatch.setattr(report, "end_kernels", lambda folder: None)
    monkeypatch.setattr(report, "execute", execute)
    done = report.refresh_notebooks(reports, workspace)
    assert done == [(reports / "project_report.ipynb", True), (workspace / "explore.ipynb", False)]
    monkeypatch.setattr(report, "refresh_notebooks", lambda: done)
    r = kpi("refresh-notebooks", "--lang", lang)
    assert r.returncode == 0
    if lang == "en":
        assert r.stdout.splitlines() == [
            f"changed: {reports / 'project_report.ipynb'}",
            f"unchanged: {workspace / 'explore.ipynb'}",
            "Re-executed 2 notebooks; 1 changed (review and commit those marked changed).",
        ]
    else:
        assert r.stdout.splitlines()[:2] == [
            f"変更あり: {reports / 'project_report.ipynb'}",
            f"変更なし: {workspace / 'explore.ipynb'}",
        ]
