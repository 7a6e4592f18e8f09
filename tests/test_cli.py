"""The kpi command as a user runs it: from any directory, one-line errors, no tracebacks."""

import json
import subprocess
import sys

import pytest


def kpi(*args, cwd):
    return subprocess.run([sys.executable, "-m", "kpi_lib.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_grades_work_from_any_directory(tmp_path):
    r = kpi("grades", "--year", "H30", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 22
    assert {row["grade"] for row in rows} == {"A①", "A②", "A③", "B"}


def test_project_filter_and_english_table(tmp_path):
    r = kpi("grades", "--year", "2018", "--project", "5", "--lang", "en", cwd=tmp_path)
    assert r.returncode == 0
    assert "Areas engaged in national or Hokkaido wide-area partnership schemes" in r.stdout
    assert "Grade" in r.stdout and "A②" in r.stdout
    assert "合計特殊出生率" not in r.stdout


def test_csv_has_the_documented_columns(tmp_path):
    r = kpi("grades", "--year", "2018", "--format", "csv", cwd=tmp_path)
    header = r.stdout.splitlines()[0].split(",")
    for column in ["project", "kind", "name_ja", "unit", "baseline", "target", "latest_year", "actual",
                   "progress_rate", "grade", "published_rate", "published_grade"]:
        assert column in header


def test_validate_ok(tmp_path):
    r = kpi("validate", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("ok:")


@pytest.mark.parametrize("args, fragment", [
    (["grades", "--year", "R0"], "era years start at 1"),
    (["grades", "--year", "2018.5"], "invalid fiscal year"),
    (["grades", "--year", "2018", "--project", "9"], "unknown project 9"),
    (["grades", "--year", "2018", "--data", "/nonexistent/dir"], "data directory not found"),
    (["grades"], "--year"),
    (["nonsense"], "invalid choice"),
    (["grades", "--year", "2018", "--lang", "fr"], "invalid choice"),
])
def test_user_errors_are_one_line_without_traceback(tmp_path, args, fragment):
    r = kpi(*args, cwd=tmp_path)
    assert r.returncode != 0
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr
