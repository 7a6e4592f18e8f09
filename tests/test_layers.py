"""kpi_lib's layers (pyproject.toml, [tool.importlinter]): core -> dataset -> analysis ->
presentation -> workbook | publishing -> api | cli, each importing only downwards, and no import
cycle between the modules of a layer. import-linter checks them; these tests run it on the tree and
show that it does catch an upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # starts another program
def test_the_layer_contracts_hold():
    r = _lint(ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "2 kept, 0 broken" in r.stdout


def test_every_module_sits_in_a_layer():
    """Only the package's entry points (api, cli) live outside the layers."""
    top = {p.name for p in (ROOT / "kpi_lib").iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    layers = {"core", "dataset", "analysis", "presentation", "workbook", "publishing"}
    assert top == {"__init__.py", "api.py", "cli.py"} | layers


@pytest.mark.slow  # starts another program
def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "kpi_lib", tmp_path / "kpi_lib", ignore=shutil.ignore_patterns("*.ttf", "__pycache__"))
    numbers = tmp_path / "kpi_lib" / "core" / "numbers.py"
    numbers.write_text(numbers.read_text(encoding="utf-8") + "\nfrom kpi_lib.analysis import grading\n", "utf-8")
    r = _lint(tmp_path)
    assert r.returncode == 1 and "BROKEN" in r.stdout
    assert "kpi_lib.core.numbers -> kpi_lib.analysis.grading" in r.stdout


@pytest.mark.slow  # starts another program
def test_a_cycle_inside_a_layer_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "kpi_lib", tmp_path / "kpi_lib", ignore=shutil.ignore_patterns("*.ttf", "__pycache__"))
    numbers = tmp_path / "kpi_lib" / "core" / "numbers.py"  # formatting imports numbers already
    numbers.write_text(numbers.read_text(encoding="utf-8") + "\nfrom kpi_lib.core import formatting\n", "utf-8")
    r = _lint(tmp_path)
    assert r.returncode == 1 and "BROKEN" in r.stdout
