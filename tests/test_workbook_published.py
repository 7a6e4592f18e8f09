"""The yearly workbook carries the published figures, milestones and national values (issue 17,
"Its own rules"): `kpi export` gives each indicator unlocked rows for its milestone (a scheme with
milestones), its national value (a national-level target), the published rate of each year's actual
and the published grade of each evaluation year, in the words of kpi new's template; `kpi import`
writes what is typed there into milestones.csv, benchmarks.csv, published_rates.csv and
published_grades.csv, so an office never edits a CSV. Tested on Hokkaido (data/) and on the
examples expected_path (期待値) and achievement_ratio (達成率, X grades). Workbooks of the previous
format (2, written by the code before this change: tests/fixtures/workbook_format2/) still import.

Expected figures are worked out by hand from the scheme's rule (each test says how)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from kpi_lib.cli import main
from kpi_lib.core.labels import text
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR
from kpi_lib.workbook.excel_layout import COL_KEY, COL_LABEL, FORMAT_ID, META_SHEET

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FORMAT2 = Path(__file__).resolve().parent / "fixtures" / "workbook_format2"


def kpi(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def copy_of(source: Path, tmp_path: Path) -> Path:
    return shutil.copytree(source, tmp_path / "data")


def export(capsys, data: Path, path: Path, *args) -> Path:
    code, _, err = kpi(capsys, "export", "--xlsx", path, "--data", data, *args)
    assert code == 0, err
    return path


def cell(ws, key: str, label: str, year: str):
    """The cell of indicator `key`'s row labelled `label` (column G) in the column of `year` (H30 …)."""
    first = next(c.row for c in ws["A"] if c.value == key)
    header = max(c.row for c in ws["A"] if c.value == "key" and c.row < first)
    col = next(c.column for c in ws[header + 1] if c.value == year)
    row = first
    while ws.cell(row=row, column=COL_LABEL).value != label:
        row += 1
        assert ws.cell(row=row, column=COL_KEY).value is None, f"no row {label!r} for {key}"
    return ws.cell(row=row, column=col)


def type_in(path: Path, sheet: str, values: dict[tuple[str, str, str], object]) -> dict:
    """Type values into (key, row label, year) cells; returns {(key, label, year): 'sheet!A1'}."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    refs = {}
    for (key, label, year), value in values.items():
        c = cell(ws, key, label, year)
        assert not c.protection.locked, (key, label, year)  # an input cell
        c.value = value
        refs[(key, label, year)] = f"{sheet}!{c.coordinate}"
    wb.save(path)
    return refs


def rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def grades(capsys, data: Path, year: int) -> dict[tuple[str, str], dict]:
    code, out, err = kpi(capsys, "grades", "--data", data, "--year", year, "--format", "csv", "--lang", "en")
    assert code == 0, err
    return {(r["project"], r["indicator"]): r for r in csv.DictReader(io.StringIO(out))}


# the row labels of the ja workbook: kpi new's template uses the same words (new_dataset.py)
ACTUAL = text("col.actual", "ja")
PUBLISHED_RATE = text("new.published_rate", "ja")
PUBLISHED_GRADE = text("new.published_grade", "ja")


# --- the export -------------------------------------------------------------------------------


def test_the_export_shows_published_figures_as_printed_beside_the_computed_rate(capsys, tmp_path):
    book = export(capsys, DEFAULT_DATA_DIR, tmp_path / "book.xlsx", "--year", "2018")
    ws = openpyxl.load_workbook(book)["プロジェクト1"]
    # 合計特殊出生率 (a national-level target): 実績値, 全国 (an input now), 進捗率 (computed), 公表値
    # data/published_rates.csv prints 90.3 for H27; the grade A③ is published for the evaluation year H30
    national = cell(ws, "total_fertility_rate", "全国", "H27")
    assert national.value == 1.45 and not national.protection.locked
    computed = cell(ws, "total_fertility_rate", "進捗率", "H27")
    assert computed.protection.locked and computed.fill.fgColor.rgb.endswith("EDEDED")
    published = cell(ws, "total_fertility_rate", PUBLISHED_RATE, "H27")
    assert published.value == 90.3 and published.number_format == '0.0"%"' and not published.protection.locked
    assert not published.fill.fgColor.rgb.endswith("EDEDED")  # the official figure is not shaded as ours
    assert cell(ws, "total_fertility_rate", PUBLISHED_GRADE, "H30").value == "A③"
    assert cell(ws, "total_fertility_rate", PUBLISHED_GRADE, "H29").value is None  # none published for H29
    # — as printed (a dash where the source prints one: manufacturing_productivity H30)
    ws2 = openpyxl.load_workbook(book)["プロジェクト2"]
    assert cell(ws2, "manufacturing_productivity", PUBLISHED_RATE, "H30").value == "—"
    # a published rate printed with no decimals keeps them: achievement_ratio's 50.0 stays 0.0
    book2 = export(capsys, EXAMPLES / "achievement_ratio", tmp_path / "ratio.xlsx")
    ws3 = openpyxl.load_workbook(book2)["基本目標2"]
    assert cell(ws3, "p2_t01", PUBLISHED_RATE, "H27").value == 50.0
    assert cell(ws3, "p2_k01", PUBLISHED_GRADE, "H28").value == "X"
    assert openpyxl.load_workbook(book2)[META_SHEET]["B1"].value == FORMAT_ID


def test_the_milestone_row_of_a_scheme_with_milestones_is_an_input(capsys, tmp_path):
    book = export(capsys, EXAMPLES / "expected_path", tmp_path / "book.xlsx")
    ws = openpyxl.load_workbook(book).worksheets[0]
    # examples/expected_path/milestones.csv: net_migration 2016 is printed -2,222
    m = cell(ws, "net_migration", "期待値", "H28")
    assert m.value == -2222 and not m.protection.locked


# --- import: next year's figures, then kpi audit -----------------------------------------------


def test_hokkaido_next_year_actual_national_value_and_published_figures(capsys, tmp_path):
    data = copy_of(DEFAULT_DATA_DIR, tmp_path)
    book = export(capsys, data, tmp_path / "book.xlsx", "--year", "2019")
    # a made-up R1: the body's 1.36 against a national 1.40 is 1.36 ÷ 1.40 = 97.14…% → 97.1 (one
    # decimal, as the scheme's rate), and a national-level target 97.1% of the way is A③ in the
    # hokkaido legend (A③: 90% or more of a 全国水準 target not reached)
    refs = type_in(
        book,
        "プロジェクト1",
        {
            ("total_fertility_rate", ACTUAL, "R1"): 1.36,
            ("total_fertility_rate", "全国", "R1"): 1.40,
            ("total_fertility_rate", PUBLISHED_RATE, "R1"): 97.1,
            ("total_fertility_rate", PUBLISHED_GRADE, "R1"): "Ａ③",  # full-width, as typed in Japanese
        },
    )
    code, out, err = kpi(capsys, "import", book, "--data", data, "--dry-run", "--lang", "en")
    assert code == 0, err
    listed = out.splitlines()
    for line, ref in (
        ("actuals.csv: added indicator=total_fertility_rate, year=2019: actual: 1.36", ACTUAL),
        ("benchmarks.csv: added indicator=total_fertility_rate, year=2019: value: 1.40", "全国"),
        ("published_rates.csv: added project=1, indicator=total_fertility_rate, year=2019: progress_rate: 97.1", PUBLISHED_RATE),
        ("published_grades.csv: added project=1, indicator=total_fertility_rate, year=2019: grade: A③", PUBLISHED_GRADE),
    ):  # fmt: skip
        ref_ = refs[("total_fertility_rate", ref, "R1")]
        assert any(x.startswith(line) and x.endswith(f"[{ref_}]") for x in listed), (line, out)
    assert (data / "published_rates.csv").read_bytes() == (DEFAULT_DATA_DIR / "published_rates.csv").read_bytes()
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 0, err
    # the year meaning: the rate typed under R1's actual is keyed by the actual's year, the grade
    # typed in R1's column by the evaluation year
    assert {"project": "1", "indicator": "total_fertility_rate", "year": "2019", "progress_rate": "97.1"} in rows(
        data / "published_rates.csv"
    )
    assert {"project": "1", "indicator": "total_fertility_rate", "year": "2019", "grade": "A③", "note": ""} in rows(
        data / "published_grades.csv"
    )
    national = [r for r in rows(data / "benchmarks.csv") if r["year"] == "2019"]
    assert national == [
        {
            "indicator": "total_fertility_rate",
            "year": "2019",
            "value": "1.40",
            "provenance": "official",
            "source": "entered in the workbook book.xlsx (kpi import)",
        }
    ]
    # data/ holds one disagreement the source prints (active_senior_trainees H30: 67.4 published, 67.5
    # recomputed), so its audit exits 1 before and after; the R1 figures add none
    findings = kpi(capsys, "audit", "--data", DEFAULT_DATA_DIR, "--format", "csv", "--lang", "en")
    assert findings[0] == 1 and "active_senior_trainees" in findings[1]
    assert kpi(capsys, "audit", "--data", data, "--format", "csv", "--lang", "en") == findings
    r = grades(capsys, data, 2019)[("1", "total_fertility_rate")]
    assert (r["published_rate"], r["rate_source"], r["published_grade"], r["grade_source"]) == (
        "97.1",
        "published",
        "A③",
        "published",
    )
    # exporting again shows every value typed where it was typed
    again = openpyxl.load_workbook(export(capsys, data, tmp_path / "again.xlsx", "--year", "2019"))["プロジェクト1"]
    assert cell(again, "total_fertility_rate", "全国", "R1").value == 1.40
    assert cell(again, "total_fertility_rate", PUBLISHED_RATE, "R1").value == 97.1
    assert cell(again, "total_fertility_rate", PUBLISHED_GRADE, "R1").value == "A③"


def test_expected_path_next_year_actual_milestone_and_published_figures(capsys, tmp_path):
    data = copy_of(EXAMPLES / "expected_path", tmp_path)
    book = export(capsys, data, tmp_path / "book.xlsx", "--year", "2019")
    sheet = openpyxl.load_workbook(book).sheetnames[0]
    # new_businesses: a cumulative 1,000 over H27～R1 on an expected path of 1/5 a year: R1's 期待値
    # is 1,000; its annual actuals 180 + 230 + 150 + 100 + 250 = 910 against it (baseline 0) is
    # 91.0%, B+ (80% or more)
    type_in(
        book,
        sheet,
        {
            ("new_businesses", ACTUAL, "R1"): 250,
            ("new_businesses", "期待値", "R1"): 1000,
            ("new_businesses", PUBLISHED_RATE, "R1"): 91.0,
            ("new_businesses", PUBLISHED_GRADE, "R1"): "B+",
        },
    )
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 0, err
    assert {"indicator": "new_businesses", "year": "2019", "value": "1000", "note": ""} in rows(data / "milestones.csv")
    # published_rates.csv and published_grades.csv did not exist: the import writes them
    assert rows(data / "published_rates.csv") == [
        {"project": "1", "indicator": "new_businesses", "year": "2019", "progress_rate": "91.0"}
    ]
    assert rows(data / "published_grades.csv") == [
        {"project": "1", "indicator": "new_businesses", "year": "2019", "grade": "B+", "note": ""}
    ]
    code, out, err = kpi(capsys, "audit", "--data", data, "--lang", "en")
    assert code == 0 and "No published figure disagrees" in out, out + err
    r = grades(capsys, data, 2019)[("1", "new_businesses")]
    assert (r["progress_rate"], r["grade"], r["grade_source"]) == ("91.0", "B+", "published")


def test_achievement_ratio_next_year_with_an_x_grade(capsys, tmp_path):
    data = copy_of(EXAMPLES / "achievement_ratio", tmp_path)
    book = export(capsys, data, tmp_path / "book.xlsx", "--year", "2018")
    # p1_t01: 54,500 against the target 55,000 is 99.09…% → 99.1, B (80% to under 100%);
    # p2_k01: 未 for H30, so the city prints X (no actual for the year) and no rate
    type_in(
        book,
        "基本目標1",
        {
            ("p1_t01", ACTUAL, "H30"): 54500,
            ("p1_t01", PUBLISHED_RATE, "H30"): 99.1,
            ("p1_t01", PUBLISHED_GRADE, "H30"): "B",
        },
    )
    type_in(book, "基本目標2", {("p2_k01", ACTUAL, "H30"): "未", ("p2_k01", PUBLISHED_GRADE, "H30"): "x"})
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 0, err
    assert {"project": "2", "indicator": "p2_k01", "year": "2018", "grade": "X", "note": ""} in rows(
        data / "published_grades.csv"
    )
    code, out, err = kpi(capsys, "audit", "--data", data, "--lang", "en")
    assert code == 0 and "No published figure disagrees" in out, out + err
    g = grades(capsys, data, 2018)
    assert (g[("1", "p1_t01")]["published_rate"], g[("1", "p1_t01")]["published_grade"]) == ("99.1", "B")
    assert (g[("2", "p2_k01")]["grade"], g[("2", "p2_k01")]["grade_source"]) == ("X", "published")


# --- protection and bad cells ------------------------------------------------------------------


def test_changing_a_published_figure_needs_change_published(capsys, tmp_path):
    data = copy_of(EXAMPLES / "achievement_ratio", tmp_path)
    book = export(capsys, data, tmp_path / "book.xlsx")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    refs = type_in(
        book, "基本目標1", {("p1_k01", PUBLISHED_RATE, "H28"): 87.4, ("p1_k01", PUBLISHED_GRADE, "H28"): "A"}
    )
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    assert lines[0] == (
        f"kpi: error: {refs[('p1_k01', PUBLISHED_RATE, 'H28')]}: p1_k01: the published rate of FY2016, "
        "published_rates.csv is 87.3; changing it to 87.4 would no longer match what was published, so nothing "
        "was imported; to change it anyway, run again with --change-published"
    )
    assert lines[1].startswith(
        f"kpi: error: {refs[('p1_k01', PUBLISHED_GRADE, 'H28')]}: p1_k01: the published grade of FY2016, "
        "published_grades.csv is B; changing it to A"
    )
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "ja")
    assert code == 1 and "公表内容と合わなくなる" in err and "--change-published" in err
    code, out, err = kpi(capsys, "import", book, "--data", data, "--change-published", "--lang", "en")
    assert code == 0, err
    assert {"project": "1", "indicator": "p1_k01", "year": "2016", "progress_rate": "87.4"} in rows(
        data / "published_rates.csv"
    )


def test_changing_a_milestone_behind_a_published_figure_needs_change_published(capsys, tmp_path):
    data = copy_of(EXAMPLES / "expected_path", tmp_path)
    (data / "published_rates.csv").write_text("project,indicator,year,progress_rate\n1,new_businesses,2016,102.5\n")
    book = export(capsys, data, tmp_path / "book.xlsx")
    sheet = openpyxl.load_workbook(book).sheetnames[0]
    refs = type_in(book, sheet, {("new_businesses", "期待値", "H28"): 410})
    code, out, err = kpi(capsys, "import", book, "--data", data, "--dry-run", "--lang", "en")
    assert code == 1
    assert err.startswith(f"kpi: error: {refs[('new_businesses', '期待値', 'H28')]}: the Expected value (期待値) of")
    assert "the published rate of FY2016" in err and "(600 → 410)" not in err and "(400 → 410)" in err


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(
    ("label", "value", "en", "ja"),
    [
        (PUBLISHED_GRADE, "Z", "'Z' is not a grade of the scheme (its grades: A, B, C, D, X)", "評価基準の評価ではありません"),
        (PUBLISHED_GRADE, 3, "'3' is not a grade of the scheme", "評価基準の評価ではありません"),
        (PUBLISHED_RATE, "abc", "not a number", "数値"),
        (PUBLISHED_RATE, "=1+1", "a formula with no computed value", "Excel か LibreOffice で開いて保存"),
    ],
)  # fmt: skip
def test_a_bad_cell_is_one_line_naming_it(capsys, tmp_path, label, value, en, ja, lang):
    data = copy_of(EXAMPLES / "achievement_ratio", tmp_path)
    book = export(capsys, data, tmp_path / "book.xlsx", "--year", "2018")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    refs = type_in(book, "基本目標1", {("p1_t01", label, "H30"): value})
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", lang)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"kpi: {'エラー' if lang == 'ja' else 'error'}: "), err
    assert refs[("p1_t01", label, "H30")] in lines[0]
    assert (en if lang == "en" else ja) in lines[0], err
    # the row and year the cell belongs to, in the message's language
    row = {
        PUBLISHED_GRADE: ("公表値：評価 H30", "Published grade FY2018"),
        PUBLISHED_RATE: ("公表値：率 H30", "Published rate FY2018"),
    }
    said, other = row[label] if lang == "ja" else row[label][::-1]
    assert f": {said}: " in lines[0] and other not in lines[0], err
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before


def test_an_emptied_published_figure_is_refused(capsys, tmp_path):
    data = copy_of(EXAMPLES / "achievement_ratio", tmp_path)
    book = export(capsys, data, tmp_path / "book.xlsx")
    refs = type_in(book, "基本目標1", {("p1_k01", PUBLISHED_GRADE, "H27"): None})
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 1
    assert err.strip() == (
        f"kpi: error: {refs[('p1_k01', PUBLISHED_GRADE, 'H27')]}: empty cell: the data has C here "
        "(published_grades.csv); type it again (to remove it, delete its row in published_grades.csv)"
    )


def test_a_value_typed_in_the_computed_rate_row_is_still_refused(capsys, tmp_path):
    data = copy_of(EXAMPLES / "achievement_ratio", tmp_path)
    book = export(capsys, data, tmp_path / "book.xlsx", "--year", "2018")
    wb = openpyxl.load_workbook(book)
    c = cell(wb["基本目標1"], "p1_t01", "達成率", "H30")
    c.value = 99.1
    wb.save(book)
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 1 and f"基本目標1!{c.coordinate}" in err and "row is computed" in err


# --- workbooks of the previous format -----------------------------------------------------------


@pytest.mark.parametrize("example", ["expected_path", "achievement_ratio"])
def test_a_workbook_of_the_previous_format_still_imports(capsys, tmp_path, example):
    """tests/fixtures/workbook_format2/EXAMPLE: a copy of the example and the workbook that
    `kpi export --year 2018` of the code before format 3 wrote from it (format 2: no milestone,
    published or national input rows)."""
    data = shutil.copytree(FORMAT2 / example / "data", tmp_path / "data")
    book = shutil.copy(FORMAT2 / example / "book.xlsx", tmp_path / "book.xlsx")
    assert openpyxl.load_workbook(book)[META_SHEET]["B1"].value == "kpi_lib workbook 2"
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 0 and "no changes" in out, err  # unedited: nothing to write
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    key = next(c.value for c in ws["A"] if c.value not in (None, "key"))
    target = cell(ws, key, ACTUAL, "H30")
    target.value = 123
    wb.save(book)
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 0, err
    assert f"indicator={key}, year=2018: actual: " in out and f"123  [{ws.title}!{target.coordinate}]" in out
    # a value typed where format 2 has no input (beside the rate row) is still refused, naming the cell
    data2 = shutil.copytree(FORMAT2 / example / "data", tmp_path / "data2")
    wb = openpyxl.load_workbook(FORMAT2 / example / "book.xlsx")
    ws = wb.worksheets[0]
    below = ws.cell(row=target.row + 1, column=target.column)
    below.value = 5
    wb.save(tmp_path / "book2.xlsx")
    code, out, err = kpi(capsys, "import", tmp_path / "book2.xlsx", "--data", data2, "--lang", "en")
    assert code == 1 and f"{ws.title}!{below.coordinate}" in err, err


def test_an_export_never_replaces_a_workbook_holding_a_typed_published_figure(capsys, tmp_path):
    data = copy_of(EXAMPLES / "achievement_ratio", tmp_path)
    book = export(capsys, data, tmp_path / "book.xlsx", "--year", "2018")
    refs = type_in(book, "基本目標1", {("p1_t01", PUBLISHED_GRADE, "H30"): "B"})
    code, out, err = kpi(capsys, "export", "--xlsx", book, "--data", data, "--year", "2018", "--lang", "en")
    assert code == 1 and "holds values typed since it was exported" in err, err
    assert refs[("p1_t01", PUBLISHED_GRADE, "H30")] in err
    assert kpi(capsys, "import", book, "--data", data)[0] == 0
    assert kpi(capsys, "export", "--xlsx", book, "--data", data, "--year", "2018")[0] == 0  # imported: replaced
