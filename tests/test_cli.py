"""The kpi command as a user runs it: from any directory, one-line errors, no tracebacks.

Most tests run the command in-process (the `kpi` fixture); a real process where the process
itself is the point: the exit status and stderr a user sees.
"""

import importlib.metadata
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import kpi_lib

ROOT = Path(__file__).resolve().parent.parent


def test_grades_of_the_shipped_example_work_from_any_directory(tmp_path, kpi_process):
    # outside the checkout the shipped dataset is used only when named (test_data_folder.py)
    r = kpi_process("grades", "--year", "H30", "--format", "json", "--data", "example:hokkaido", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 22
    assert {row["grade"] for row in rows} == {"A①", "A②", "A③", "B"}


def test_project_filter_and_english_table(tmp_path, monkeypatch, kpi):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPI_DATA", "example:hokkaido")  # the shipped data, named once
    r = kpi("grades", "--year", "2018", "--project", "5", "--lang", "en")
    assert r.returncode == 0
    assert "Areas engaged in national or Hokkaido wide-area partnership schemes" in r.stdout
    assert "Grade" in r.stdout and "A②" in r.stdout
    assert "合計特殊出生率" not in r.stdout


def test_a_later_year_of_the_period_is_graded_on_the_latest_actuals(tmp_path, monkeypatch, kpi):
    # R2 (FY2020) is the strategy period's last year: 合計特殊出生率 stands on its H30 actual, 1.27 (source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPI_DATA", "example:hokkaido")  # the shipped data, named once
    r = kpi("grades", "--year", "R2", "--format", "csv")
    assert r.returncode == 0, r.stderr
    row = next(line for line in r.stdout.splitlines() if ",total_fertility_rate," in line)
    assert ",2018,1.27," in row


def test_commands_run_in_one_process_keep_none_of_each_others_options(tmp_path, monkeypatch, kpi):
    # main() parses with one parser per language for the process (cli._parser): a repeatable
    # option, a format or a language given to one command is not there for the next
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPI_DATA", "example:hokkaido")
    alone = kpi("grades", "--year", "2018", "--format", "csv").stdout
    assert len(alone.splitlines()) == 1 + 22  # every indicator of the source's five projects
    for _ in range(2):
        one = kpi("grades", "--year", "2018", "--format", "csv", "--project", "1", "--project", "2", "--lang", "en")
        assert {line.split(",")[0] for line in one.stdout.splitlines()[1:]} == {"1", "2"}
        assert kpi("grades", "--year", "2018", "--format", "csv").stdout == alone


def test_csv_has_the_documented_columns(tmp_path, monkeypatch, kpi):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPI_DATA", "example:hokkaido")  # the shipped data, named once
    r = kpi("grades", "--year", "2018", "--format", "csv")
    header = r.stdout.splitlines()[0].split(",")
    documented = "project kind name_ja unit baseline target latest_year actual progress_rate grade"
    for column in [*documented.split(), "published_rate", "published_grade"]:
        assert column in header


def test_validate_ok(tmp_path, monkeypatch, kpi):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPI_DATA", "example:hokkaido")  # the shipped data, named once
    r = kpi("validate")
    assert r.returncode == 0 and r.stdout.startswith("ok:")


USER_ERRORS = [
    (["grades", "--year", "R0"], "era years start at 1"),
    (["grades", "--year", "2018.5"], "invalid fiscal year"),
    (["grades", "--year", "2018", "--project", "9"], "unknown project 9"),
    # data/ has actuals for FY2015-FY2018 and its strategy period ends in FY2020 (metadata.json)
    (["grades", "--year", "H99"], "no evaluation for FY2087"),
    (["grades", "--year", "2014"], "no evaluation for FY2014"),
    (["grades", "--year", "2018", "--data", "/nonexistent/dir"], "data directory not found"),
    (["grades"], "--year"),
    (["nonsense"], "invalid choice"),
    (["grades", "--year", "2018", "--lang", "fr"], "invalid choice"),
]


def _is_one_line_error(r, fragment):
    assert r.returncode != 0
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr
    return True


@pytest.mark.parametrize("args, fragment", USER_ERRORS)
def test_user_errors_are_one_line_without_traceback(tmp_path, monkeypatch, kpi, args, fragment):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPI_DATA", "example:hokkaido")  # the shipped data, named once
    assert _is_one_line_error(kpi(*args), fragment)


@pytest.mark.parametrize(
    "args, fragment, status",
    [
        (["grades", "--year", "2018", "--project", "9"], "unknown project 9", 1),  # the library's error
        (["grades", "--year", "R0"], "era years start at 1", 2),  # argparse's
    ],
)
def test_user_errors_in_a_real_process(tmp_path, kpi_process, args, fragment, status):
    r = kpi_process(*args, "--data", "example:hokkaido", cwd=tmp_path)
    assert _is_one_line_error(r, fragment)
    assert r.returncode == status


@pytest.mark.slow  # starts another program
def test_version_is_written_once_and_kpi_prints_it(kpi):
    """kpi_lib/__init__.py holds the version; the build (hatchling) and so the installed metadata,
    which `kpi --version` prints, take it from there."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "kpi_lib/__init__.py"
    built = subprocess.run(
        [sys.executable, "-m", "hatchling", "version"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert built == kpi_lib.__version__ == importlib.metadata.version("kpi_lib")
    r = kpi("--version")
    assert (r.returncode, r.stdout, r.stderr) == (0, f"kpi_lib {kpi_lib.__version__}\n", "")
