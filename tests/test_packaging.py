"""The built wheel: it carries what kpi_lib needs, and an installed copy runs on its own files.

The wheel is built from this checkout (`pip wheel`, with the build backend of the test extra,
so no download) and installed into a bare folder put first on PYTHONPATH; the commands then
run from another directory. To show that the installed copy uses the notebooks and data it
carries, and not this checkout's, the test marks both in the installed copy and looks for
the marks in the output. Run in a folder that is no dataset, without --data or KPI_DATA, the
installed kpi says how to start one and shows nothing of the shipped dataset (issue 17).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kpi_lib"
MARK = "installed-copy-mark"


def _run(*args, **kw) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, encoding="utf-8", timeout=600, **kw)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return r


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", out, ROOT)
    [path] = out.glob("kpi_lib-*.whl")
    return path


def _files(folder: Path, pattern: str) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.glob(pattern) if p.is_file()}


def test_the_wheel_carries_notebooks_data_schemes_templates_and_font(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = (
        {f"kpi_lib/notebooks/{n}" for n in _files(ROOT / "notebooks" / "reports", "*")}
        | {f"kpi_lib/data/{n}" for n in _files(ROOT / "data", "*")}
        | {f"kpi_lib/examples/{n}" for n in _files(ROOT / "examples", "*/*")}
        | {f"kpi_lib/{n}" for n in _files(PACKAGE, "dataset/schemes/*.toml")}
        | {f"kpi_lib/{n}" for n in _files(PACKAGE, "publishing/templates/**/*")}
        | {
            "kpi_lib/presentation/ipaexfont/ipaexg.ttf",
            "kpi_lib/presentation/ipaexfont/IPA_Font_License_Agreement_v1.0.txt",
        }
    )
    assert len(expected) > 25 and "kpi_lib/data/actuals.csv" in expected
    assert "kpi_lib/examples/expected_path/metadata.json" in expected
    assert {"kpi_lib/notebooks/project_report.ipynb", "kpi_lib/notebooks/manifest.json"} <= expected
    assert expected <= names, sorted(expected - names)
    assert not [n for n in names if "workspace" in n or "explore" in n]  # the analysts' workspace stays out
    # the package and its metadata, nothing else (no tests, no top-level data/)
    assert {n.split("/")[0] for n in names} == {"kpi_lib", wheel.name.split("-py3")[0] + ".dist-info"}
    metadata = zipfile.ZipFile(wheel).read(f"{wheel.name.split('-py3')[0]}.dist-info/METADATA").decode()
    assert "License-Expression: MIT AND IPA" in metadata
    runtime = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    tools = ("pytest", "nbval", "playwright", "jupyterlab", "ruff")
    assert not [line for line in runtime if any(tool in line for tool in tools)]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed into a bare folder, its notebook and data marked."""
    target = tmp_path_factory.mktemp("site")
    _run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--quiet", "--target", target, wheel)
    notebook = target / "kpi_lib" / "notebooks" / "project_report.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "installed-mark", "metadata": {}, "source": MARK})
    notebook.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    indicators = target / "kpi_lib" / "data" / "indicators.csv"
    text = indicators.read_text(encoding="utf-8")
    assert text.count("合計特殊出生率") == 1
    indicators.write_text(text.replace("合計特殊出生率", f"合計特殊出生率{MARK}"), encoding="utf-8")
    return target


def _kpi(installed: Path, *args, cwd: Path, ok: bool = True, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "KPI_DATA"}
    environ.update(env, PYTHONPATH=str(installed))  # ahead of this checkout (an editable install)
    command = [sys.executable, installed / "bin" / "kpi", *args]
    if ok:
        return _run(*command, cwd=cwd, env=environ)
    return subprocess.run(
        [str(a) for a in command], capture_output=True, text=True, encoding="utf-8", timeout=600, cwd=cwd, env=environ
    )


def test_the_installed_copy_finds_its_own_files(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    code = (
        "import json, kpi_lib\n"
        "from kpi_lib.core import resources as r\nfrom kpi_lib.publishing import report\nfrom kpi_lib.dataset import loading\n"
        "print(json.dumps([kpi_lib.__file__, str(report.NOTEBOOK_DIR), str(loading.DEFAULT_DATA_DIR),\n"
        "    *map(str, (r.DATA_DIR, r.EXAMPLES_DIR, r.NOTEBOOK_DIR, r.SCHEME_DIR, r.TEMPLATE_DIR, r.FONT_DIR)),\n"
        "    *map(str, r.examples().values()), r.CHECKOUT_DIR]))"
    )
    *paths, checkout = json.loads(_run(sys.executable, "-c", code, cwd=tmp_path, env=env).stdout)
    assert checkout is None  # an installed copy is no checkout: it never falls back to its data
    assert len(paths) == 10 + len(list((ROOT / "examples").glob("*/metadata.json")))  # data/ and every example
    for path in paths:
        assert Path(path).is_relative_to(installed / "kpi_lib") and Path(path).exists(), path


def test_installed_kpi_in_an_empty_folder_says_how_to_start_and_shows_no_shipped_data(installed, tmp_path):
    for command in (["grades", "--year", "H30"], ["audit"], ["validate"], ["export", "--xlsx", "w.xlsx"]):
        r = _kpi(installed, *command, cwd=tmp_path, ok=False)
        assert r.returncode == 1 and r.stdout == "", r.stdout
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
        assert "kpi new DIR" in r.stderr and "--data DIR" in r.stderr and "KPI_DATA" in r.stderr
        assert "合計特殊出生率" not in r.stderr and "北海道" not in r.stderr and MARK not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_installed_kpi_grades_runs_from_another_directory(installed, tmp_path):
    r = _kpi(installed, "grades", "--year", "H30", "--data", "example:hokkaido", cwd=tmp_path)
    assert f"合計特殊出生率{MARK}" in r.stdout  # the installed data, not this checkout's
    assert "A①" in r.stdout and "B" in r.stdout
    assert _kpi(installed, "grades", "--year", "H30", cwd=tmp_path, KPI_DATA="example:hokkaido").stdout == r.stdout
    r = _kpi(installed, "grades", "--year", "2018", "--data", "example:expected_path", cwd=tmp_path)
    assert "創業件数" in r.stdout and MARK not in r.stdout


def test_installed_kpi_uses_the_dataset_of_the_folder_it_runs_in(installed, tmp_path):
    new = ["--scheme", "expected_path", "--title-ja", "架空市", "--title-en", "City", "--first-year", "R2"]
    _kpi(installed, "new", "city", *new, "--last-year", "R6", cwd=tmp_path)
    sub = tmp_path / "city" / "notes"
    sub.mkdir()
    for where in (tmp_path / "city", sub):  # the folder, or one below it (as git finds its repository)
        r = _kpi(installed, "validate", cwd=where)
        assert r.stdout == f"ok: {tmp_path / 'city'} is valid\n"
        r = _kpi(installed, "grades", "--year", "R2", cwd=where, ok=False)
        assert r.returncode == 1 and "no indicators yet" in r.stderr and "合計特殊出生率" not in r.stderr + r.stdout


def test_installed_kpi_report_runs_from_another_directory(installed, tmp_path):
    out = tmp_path / "out"
    args = [
        "--year",
        "2018",
        "--lang",
        "ja",
        "--project",
        "1",
        "--out",
        out,
        "--no-progress",
        "--data",
        "example:hokkaido",
    ]
    r = _kpi(installed, "report", *args, cwd=tmp_path)
    assert r.stdout.split() == [str(out / "2018" / "ja" / "index.html")]
    # the marked notebook differs from the one the wheel was built with: kpi report says so, naming it
    notebook = installed / "kpi_lib" / "notebooks" / "project_report.ipynb"
    # in Japanese: --lang ja is the language of the command's messages too
    assert r.stderr.startswith(f"kpi: 警告: レポートのノートブック {notebook} は"), r.stderr
    page = (out / "2018" / "ja" / "project_1.html").read_text(encoding="utf-8")
    assert MARK in page  # the installed notebook, not this checkout's
