"""The yearly routine (docs/new_year.md): FY2019 (令和元年度) actuals flow into grades, audit and report.

The FY2019 figures are FICTIONAL (tests/fixtures/fy2019_*.csv) and only ever written into a
temporary copy of data/. The expected rates and grades are worked by hand from those figures, the
targets printed in the source, and the grading legend (docs/grading.md).
"""

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kpi_lib.cli import main
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR

FIXTURES = Path(__file__).parent / "fixtures"

# indicator: (FY2019 progress rate, grade, year of the actual graded), worked by hand
EXPECTED_2019 = {
    # 1.24 ÷ 1.36 (the fictional FY2019 national value) × 100 = 91.18 → 91.2; below the national level
    "total_fertility_rate": ("91.2", "A③", "2019"),
    # 76.2 equals the baseline 76.2: 100.0%, but 基準値より増加 needs an increase
    "wish_to_stay_rate": ("100.0", "A③", "2019"),
    # 210 ÷ 600 = 35.0% < 80%
    "pregnancy_consultations": ("35.0", "B", "2019"),
    # FY2019 is 未: graded on the FY2018 actual, as the source printed it (96.0%, A③)
    "female_employment_25_34": ("96.0", "A③", "2018"),
    # 88,000 ÷ 95,000 (revised upwards from 75,000) = 92.63 → 92.6; the original 75,000 is reached
    "p1_kpi3": ("92.6", "A②", "2019"),
    # running total 9,240 ÷ 10,500 = 88.0%
    "active_senior_trainees": ("88.0", "A③", "2019"),
    # 179 ÷ 179: target reached
    "multigenerational_welfare_hubs": ("100.0", "A①", "2019"),
    # FY2019 is —: graded on FY2016, 238.3 ÷ 240.1 = 99.25 → 99.3
    "physicians_per_100k": ("99.3", "A③", "2016"),
    # target year H30 has passed; the target in force stays 1,000: 812 ÷ 1,000 = 81.2%
    "food_exports": ("81.2", "A③", "2019"),
    # 現状値以上: 12,558 ÷ 10,705 = 117.31 → 117.3, at least the baseline
    "agricultural_output": ("117.3", "A①", "2019"),
    # 1,060 ÷ 1,166 = 90.91 → 90.9; the pre-revision target 1,050 is reached
    "fishery_output_per_worker": ("90.9", "A②", "2019"),
    # 441.5 ÷ 447 = 98.77 → 98.8; revised downwards from 490, so no A②
    "timber_use": ("98.8", "A③", "2019"),
    # 312 ÷ 500 = 62.4%
    "foreign_visitors": ("62.4", "B", "2019"),
    # cumulative H28～R1: running total 14 ÷ 12 = 116.67 → 116.7, reached
    "foreign_investment_cases": ("116.7", "A①", "2019"),
    # 24 ÷ 25 = 96.0; the original 21 is reached
    "partnership_areas": ("96.0", "A②", "2019"),
}


def fixture_rows(name):
    """The fixture's CSV text without its # comment lines: header and rows."""
    lines = [line for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return lines[0], lines[1:]


def year_2019_data(tmp_path, with_actuals):
    """A copy of data/ with the fictional FY2019 national value, and the actuals if asked."""
    data = shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data")
    for table, name, wanted in (
        ("benchmarks.csv", "fy2019_benchmarks.csv", True),
        ("actuals.csv", "fy2019_actuals.csv", with_actuals),
    ):
        header, rows = fixture_rows(name)
        assert (data / table).read_text(encoding="utf-8").splitlines()[0] == header
        if wanted:
            with open(data / table, "a", encoding="utf-8", newline="") as f:
                f.write("".join(row + "\n" for row in rows))
    return data


def kpi(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def grades(capsys, data):
    code, out, err = kpi(capsys, "grades", "--year", "R1", "--format", "csv", "--data", data)
    assert code == 0, err
    return out


def by_indicator(grades_csv):
    return {(r["project"], r["indicator"]): r for r in csv.DictReader(io.StringIO(grades_csv))}


def fill_r1(path, out):
    """Type the fixture's FY2019 values into the R1 column, on every sheet an indicator appears."""
    _, rows = fixture_rows("fy2019_actuals.csv")
    values = {}
    for row in rows:
        indicator, year, actual = row.split(",")
        assert year == "2019"
        values[indicator] = actual if actual in ("未", "—") else float(actual)
    wb = openpyxl.load_workbook(path)
    typed = set()
    for ws in wb.worksheets:
        keys = {c.value: c.row for c in ws["A"] if isinstance(c.value, str)}
        for indicator, value in values.items():
            if indicator in keys:
                row = keys[indicator]
                header = max(c.row for c in ws["A"] if c.value == "key" and c.row < row)
                col = min(c.column for c in ws[header + 1] if c.value == "R1")
                ws.cell(row=row, column=col).value = value
                typed.add(indicator)
    assert typed == set(values)
    wb.save(out)
    return out


def check_expectations(grades_csv):
    rows = by_indicator(grades_csv)
    assert len(rows) == 22
    for (_project, indicator), r in rows.items():
        assert r["evaluation_year"] == "2019"
        if indicator in EXPECTED_2019:
            assert (r["progress_rate"], r["grade"], r["latest_year"]) == EXPECTED_2019[indicator], indicator
    # the shared indicator is graded alike in both projects
    assert rows[("3", "food_exports")]["grade"] == rows[("4", "food_exports")]["grade"] == "A③"


def test_fixture_is_labelled_fictional_and_not_in_data():
    for name, table in (("fy2019_actuals.csv", "actuals.csv"), ("fy2019_benchmarks.csv", "benchmarks.csv")):
        assert (FIXTURES / name).read_text(encoding="utf-8").startswith("# FICTIONAL VALUES FOR TESTS ONLY")
        data = (DEFAULT_DATA_DIR / table).read_text(encoding="utf-8")
        _, rows = fixture_rows(name)
        assert not set(rows) <= set(data.splitlines()), f"the fictional rows of {name} are in data/{table}"
        assert "FICTIONAL" not in data


def test_new_year_by_editing_the_tables(capsys, tmp_path):
    data = year_2019_data(tmp_path, with_actuals=True)
    code, out, err = kpi(capsys, "validate", "--data", data)
    assert code == 0, err
    check_expectations(grades(capsys, data))


def test_new_year_through_an_exported_workbook(capsys, tmp_path):
    edited_tables = grades(capsys, year_2019_data(tmp_path / "a", with_actuals=True))
    data = year_2019_data(tmp_path / "b", with_actuals=False)
    book = tmp_path / "r1.xlsx"
    code, _, err = kpi(capsys, "export", "--xlsx", book, "--year", "R1", "--data", data)
    assert code == 0, err
    code, out, err = kpi(capsys, "import", fill_r1(book, tmp_path / "filled.xlsx"), "--data", data, "--lang", "en")
    assert code == 0, err
    assert f"updated {data}: actuals.csv: 21 added\n" in out  # a new year changes no published figure
    lines = (data / "actuals.csv").read_text(encoding="utf-8").splitlines()
    # each new row follows its indicator's FY2018 row, written as the analyst's cell shows it
    assert lines[lines.index("total_fertility_rate,2018,1.27") + 1] == "total_fertility_rate,2019,1.24"
    assert lines[lines.index("timber_use,2018,未") + 1] == "timber_use,2019,441.5"
    assert lines[lines.index("physicians_per_100k,2018,未") + 1] == "physicians_per_100k,2019,—"
    imported = grades(capsys, data)
    check_expectations(imported)
    assert imported == edited_tables  # both routes give the same grades
    # and the workbook exported now shows the year, graded
    code, _, err = kpi(capsys, "export", "--xlsx", tmp_path / "after.xlsx", "--data", data)
    assert code == 0, err
    ws = openpyxl.load_workbook(tmp_path / "after.xlsx")["プロジェクト3"]
    row = next(c.row for c in ws["A"] if c.value == "food_exports")
    values = [c.value for c in ws[row]]
    assert values[-2:] == [812, "A③"]


def test_audit_runs_on_the_new_year(capsys, tmp_path):
    data = year_2019_data(tmp_path, with_actuals=True)
    code, out, err = kpi(capsys, "audit", "--format", "csv", "--data", data)
    assert code == 1, err  # it lists a disagreement
    findings = list(csv.DictReader(io.StringIO(out)))
    # no FY2019 figures were published, so the one known disagreement stays the only one
    assert [(f["indicator"], f["year"], f["published"], f["recomputed"]) for f in findings] == [
        ("active_senior_trainees", "2018", "67.4", "67.5")
    ]


@pytest.mark.slow  # runs kpi report
def test_report_for_the_new_year(tmp_path):
    data = year_2019_data(tmp_path, with_actuals=True)
    out = tmp_path / "reports"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi_lib.cli",
            "report",
            "--year",
            "2019",
            "--project",
            "3",
            "--lang",
            "ja",
            "--data",
            str(data),
            "--out",
            str(out),
            "--jobs",
            "1",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    page = out / "2019" / "ja" / "project_3.html"
    html = page.read_text(encoding="utf-8")
    assert "令和元年度" in html
    assert "812億円" in html  # the FY2019 food exports
    assert "441.5万m³" in html  # the FY2019 timber use
