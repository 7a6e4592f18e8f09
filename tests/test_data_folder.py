"""Which data folder a command or an API call uses (issue 17; docs/input.md, "Which data folder"):
--data / data_dir=, else KPI_DATA, else the current folder or the nearest above it holding a
metadata.json, else inside this checkout its data/, else one line saying how to start a dataset.
The shipped datasets are used elsewhere only when named (example:NAME)."""

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kpi_lib
from kpi_lib import cli
from kpi_lib.core import resources
from kpi_lib.core.errors import KpiError
from kpi_lib.dataset.loading import resolve_data_dir

ROOT = Path(__file__).resolve().parent.parent
NEW = ["--scheme", "expected_path", "--title-ja", "架空市総合戦略", "--title-en", "City", "--first-year", "R2"]
NEW += ["--last-year", "R6"]
# words and figures of the shipped dataset (data/): an office elsewhere must never see them
HOKKAIDO = ("合計特殊出生率", "北海道", "Hokkaido", "1.27", "道産食品")


def kpi(*args, cwd, **env) -> subprocess.CompletedProcess:
    """`kpi` in a new process as an installed command runs it: from `cwd`, KPI_DATA only if given."""
    environ = {k: v for k, v in os.environ.items() if k != "KPI_DATA"}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kpi_lib.cli", *map(str, args)],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def shows_no_hokkaido(r: subprocess.CompletedProcess) -> bool:
    return not any(word in r.stdout + r.stderr for word in HOKKAIDO)


def city(tmp_path: Path) -> Path:
    """A dataset made by `kpi new` (in this process: what is under test is how it is found)."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["new", str(tmp_path / "city"), *NEW]) == 0
    return tmp_path / "city"


@pytest.mark.slow  # starts another program
def test_an_empty_folder_outside_the_checkout_is_one_line_in_both_languages(tmp_path):
    """One line in the messages' language (the API, which has none, says both: test below)."""
    for command in (["grades", "--year", "H30"], ["audit"], ["validate"], ["changes", "--from", "H29", "--to", "H30"]):
        r = kpi(*command, cwd=tmp_path)
        assert r.returncode == 1 and r.stdout == "", r.stdout
        [line] = r.stderr.splitlines()
        assert line.startswith("kpi: error: ") and "Traceback" not in r.stderr
        en = line[len("kpi: error: ") :]
        assert en.startswith(f"no dataset here: neither {tmp_path} nor a folder above it holds a metadata.json")
        assert not any("\u3040" <= ch <= "\u30ff" for ch in en), en  # no Japanese in an English line
        r_ja = kpi(*command, cwd=tmp_path, KPI_LANG="ja")
        assert r_ja.returncode == 1 and r_ja.stdout == ""
        [line_ja] = r_ja.stderr.splitlines()
        assert line_ja.startswith("kpi: エラー: ")
        ja = line_ja[len("kpi: エラー: ") :]
        assert ja.startswith(f"{tmp_path} とその上のフォルダにはデータセット（metadata.json）がありません")
        assert "no dataset here" not in ja
        for how in ("kpi new DIR", "--data DIR", "KPI_DATA"):
            assert how in ja and how in en
        assert shows_no_hokkaido(r) and shows_no_hokkaido(r_ja), r.stderr
    r = kpi("export", "--xlsx", "w.xlsx", cwd=tmp_path)
    assert r.returncode == 1 and shows_no_hokkaido(r)
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.slow  # starts another program
def test_a_folder_made_by_kpi_new_is_used_there_and_below_it(tmp_path):
    data = city(tmp_path)
    (data / "notes" / "deeper").mkdir(parents=True)
    for where in (data, data / "notes" / "deeper"):
        r = kpi("validate", cwd=where)
        assert r.returncode == 0 and r.stdout == f"ok: {data} is valid\n", r.stderr
        r = kpi("grades", "--year", "R2", cwd=where)  # its own (still empty) data, never Hokkaido's
        assert r.returncode == 1 and "no indicators yet" in r.stderr and shows_no_hokkaido(r)


@pytest.mark.slow  # starts another program
def test_kpi_data_names_a_folder_once_and_data_names_one_for_a_command(tmp_path):
    data = city(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert kpi("validate", cwd=elsewhere, KPI_DATA=str(data)).stdout == f"ok: {data} is valid\n"
    assert kpi("validate", "--data", data, cwd=elsewhere).stdout == f"ok: {data} is valid\n"
    # KPI_DATA comes before the current folder, --data before both
    shipped = resources.examples()["expected_path"]
    assert kpi("validate", cwd=data, KPI_DATA="example:expected_path").stdout == f"ok: {shipped} is valid\n"
    r = kpi("validate", "--data", data, cwd=elsewhere, KPI_DATA="example:hokkaido")
    assert r.stdout == f"ok: {data} is valid\n"
    r = kpi("grades", "--year", "R2", cwd=elsewhere, KPI_DATA=str(data))
    assert "no indicators yet" in r.stderr and shows_no_hokkaido(r)
    r = kpi("grades", "--year", "R2", cwd=elsewhere, KPI_DATA=str(tmp_path / "gone"))
    [line] = r.stderr.splitlines()
    assert r.returncode == 1 and line.startswith(
        f"kpi: error: 環境変数 KPI_DATA が指すフォルダ {tmp_path / 'gone'} がありません"
    )
    assert line.endswith(
        f" / the folder the environment variable KPI_DATA names, {tmp_path / 'gone'}, does not exist: "
        + ("set KPI_DATA to a data folder, or unset it")
    )


@pytest.mark.slow  # starts another program
def test_the_shipped_examples_work_anywhere_when_named(tmp_path):
    r = kpi("grades", "--year", "H30", "--format", "json", "--data", "example:hokkaido", cwd=tmp_path)
    rows = json.loads(r.stdout)
    tfr = next(row for row in rows if row["indicator"] == "total_fertility_rate")
    assert (tfr["actual"], tfr["progress_rate"], tfr["grade"]) == ("1.27", "89.4", "A③")  # data/ as printed
    r = kpi("grades", "--year", "2018", "--format", "csv", "--data", "example:milestone_improvement", cwd=tmp_path)
    assert r.returncode == 0 and ",waiting_list," in r.stdout and shows_no_hokkaido(r)
    r = kpi("grades", "--year", "2018", "--data", "example:nowhere", cwd=tmp_path)
    [line] = r.stderr.splitlines()
    assert r.returncode == 1 and "there is no shipped example example:nowhere" in line
    assert "example:hokkaido, example:achievement_ratio, example:expected_path, example:milestone_improvement" in line
    r = kpi("new", "--help", cwd=tmp_path)  # where a new user looks: the examples to look at
    assert "example:expected_path" in r.stdout and "example:milestone_improvement" in r.stdout


@pytest.mark.slow  # starts another program
def test_inside_this_checkout_the_shipped_data_is_the_default(tmp_path):
    # the README's commands and the notebooks' kernels (notebooks/workspace/) run here
    for where in (ROOT, ROOT / "notebooks" / "workspace", ROOT / "kpi_lib"):
        r = kpi("validate", cwd=where)
        assert r.stdout == f"ok: {resources.DATA_DIR} is valid\n", (where, r.stderr)
    # a dataset folder inside the checkout is that dataset, as anywhere
    r = kpi("validate", cwd=ROOT / "examples" / "expected_path")
    assert r.stdout == f"ok: {ROOT / 'examples' / 'expected_path'} is valid\n"


def test_the_python_api_follows_the_same_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KpiError) as e:
        kpi_lib.open_dataset()
    assert "data_dir=" in str(e.value) and "\n" not in str(e.value)
    ja, en = str(e.value).split(" / ")  # no language chosen: both, in one line
    assert ja.endswith("KPI_DATA でデータのフォルダを指定してください") and en.startswith("no dataset here")
    with pytest.raises(KpiError):
        kpi_lib.grades("H30")
    assert kpi_lib.open_dataset("example:hokkaido").project_numbers == [1, 2, 3, 4, 5]
    g = kpi_lib.grades(2018, data_dir="example:expected_path")
    assert set(g["indicator"]) == {"new_businesses", "waiting_list", "net_migration"}
    monkeypatch.setenv("KPI_DATA", "example:milestone_improvement")
    assert kpi_lib.open_dataset().data_dir == resources.examples()["milestone_improvement"]
    monkeypatch.delenv("KPI_DATA")
    data = city(tmp_path)
    monkeypatch.chdir(data)
    assert kpi_lib.open_dataset().data_dir == data
    assert resolve_data_dir() == data and resolve_data_dir("") == data  # "" is not given, as None


def test_an_office_notebook_kernel_uses_its_folder(tmp_path, monkeypatch):
    # a notebook kept in the office's folder: JupyterLab starts its kernel there
    data = city(tmp_path)
    (data / "notebooks").mkdir()
    monkeypatch.chdir(data / "notebooks")
    assert resolve_data_dir() == data


@pytest.mark.slow  # starts another program
def test_refreshed_notebooks_show_the_shipped_data_whatever_kpi_data_names(tmp_path, monkeypatch):
    # kpi refresh-notebooks re-executes the committed notebooks (default parameters: data_dir None)
    # with KPI_DATA=example:hokkaido for their kernels: a developer's own KPI_DATA never gets into them
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from kpi_lib.publishing import report

    monkeypatch.setenv("KPI_DATA", str(city(tmp_path)))
    source = tmp_path / "probe.ipynb"
    nb = new_notebook(cells=[new_code_cell("import kpi_lib\nprint(kpi_lib.open_dataset().data_dir)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(source))
    folder = report.start_kernels()
    try:
        env = {"KPI_DATA": "example:hokkaido"}
        done = report.execute(source, tmp_path / "out.ipynb", {}, folder, env=env)
    finally:
        report.end_kernels(folder)
    assert done.cells[0].outputs[0]["text"] == f"{resources.DATA_DIR}\n"
    assert os.environ["KPI_DATA"] == str(tmp_path / "city")  # ours is left as it was
