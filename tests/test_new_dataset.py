"""`kpi new` → fill in the workbook the way a user would → `kpi import` → validate, grades, reports.

A fictional city's strategy (2 projects, 5 indicators: a cumulative target, a percentage, a
lower-is-better one) graded with the expected_path scheme; its expected values (期待値) are typed
on the row below each indicator's actuals."""

import contextlib
import html
import io
import json
import math
import re
import shutil

import openpyxl
import pytest

from kpi_lib import cli
from kpi_lib.core.fiscal_year import parse_fiscal_year, short_label
from kpi_lib.workbook.excel_layout import COL_YEAR0
from kpi_lib.workbook.new_dataset import WORKBOOK_NAME

TITLE_JA = "架空市まち・ひと・しごと創生総合戦略"
TITLE_EN = "Fictional City's strategy for towns, people and jobs"


def new(kpi, path, *extra, scheme="expected_path", lang="ja"):
    return kpi(*_new_args(path, *extra, scheme=scheme, lang=lang))


def _new_args(path, *extra, scheme="expected_path", lang="ja"):
    return [
        "new", path, "--scheme", scheme, "--title-ja", TITLE_JA, "--title-en", TITLE_EN,
        "--first-year", "R2", "--last-year", "2024", "--projects", "2", "--rows", "3", "--lang", lang,
        "--level-ja", "プロジェクト", "--level-en", "project", *extra,  # the city calls its levels so
    ]  # fmt: skip


def slot(ws, key):
    rows = [c.row for c in ws["A"] if c.value == key]
    assert len(rows) == 1, (key, rows)
    return rows[0]


def column(ws, row, heading, header_offset=0):
    """The column headed `heading` in the header (or, offset 1, its second row) above `row`."""
    header = max(c.row for c in ws["A"] if c.value == "key" and c.row < row) + header_offset
    cols = [c.column for c in ws[header] if c.value == heading]
    assert len(cols) == 1, (heading, cols)
    return cols[0]


# (sheet, key, name_ja, name_en, unit_ja, unit_en, direction, kind, baseline, baseline year, target,
#  target year, period start, {year: actual}, {year: expected value})
INDICATORS = [
    ("プロジェクト1", "p1_t01", "創業件数", "New businesses", "件", "businesses", "higher", "cumulative", 0, "R1", 500, "R6", "R2",
     {"R2": 90, "R3": 110, "R4": 100}, {"R2": 100, "R3": 200, "R4": 300}),
    ("プロジェクト1", "p1_k01", "観光入込客数", "Visitors", "万人", "10,000 people", "higher", None, 120, "R1", 150, "R6", None,
     {"R2": 110, "R3": 125, "R4": 130}, {"R2": 126, "R3": 132, "R4": 138}),
    ("プロジェクト1", "p1_k02", "就業率", "Employment rate", "%", "%", "higher", None, 60.0, "R1", 65.0, "R6", None,
     {"R3": 61.2, "R4": 63.5}, {"R3": 62.0, "R4": 63.0}),
    ("プロジェクト2", "p2_t01", "待機児童数", "Children on waiting lists", "人", "children", "lower", None, 50, 2019, 0, 2024, None,
     {"R3": 40, "R4": 25}, {"R3": 40, "R4": 20}),
    ("プロジェクト2", "p2_k01", "図書館利用者数", "Library users", "人", "users", "higher", None, "1,000", 2019, 1500, 2024, None,
     {"R4": 1100}, {"R4": 1300}),
]  # fmt: skip

# Grades for FY2022 (R4) by the expected_path scheme's rule, worked out by hand:
#   rate = (actual − baseline) ÷ (expected − baseline) × 100, one decimal half up;
#   A: ≥ 100, B+: ≥ 80, B: ≥ 50, C: below.
#   p1_t01: annual actuals of a cumulative target are summed: 90+110+100 = 300; (300−0)÷(300−0) = 100.0 → A
#   p1_k01: (130−120)÷(138−120) = 55.6 → B
#   p1_k02: (63.5−60)÷(63−60) = 116.7 → A
#   p2_t01: lower is better, signed: (25−50)÷(20−50) = 83.3 → B+
#   p2_k01: (1100−1000)÷(1300−1000) = 33.3 → C
EXPECTED_2022 = {
    "p1_t01": (100.0, "A"),
    "p1_k01": (55.6, "B"),
    "p1_k02": (116.7, "A"),
    "p2_t01": (83.3, "B+"),
    "p2_k01": (33.3, "C"),
}

PROJECTS = {
    "プロジェクト1": ("しごとをつくる", "Creating jobs", "稼ぐ力を高める", "Earning more"),
    "プロジェクト2": ("子育てを支える", "Supporting families", "安心して子どもを育てる", "Raising children safely"),
}


# the template's words in English (kpi new --lang en)
ENGLISH = {"プロジェクト1": "Project 1", "プロジェクト2": "Project 2", "設定項目": "Indicator", "基準値": "Baseline",
           "目標値": "Target", "単位": "Unit", "方向": "Direction", "目標の種類": "Target kind",
           "実績値の種類": "Actuals are"}  # fmt: skip
# the year basis typed under 実績値の種類 (indicators.csv year_basis); the others are left empty
YEAR_BASIS = {"p1_k01": "calendar"}


def fill(path, out=None, lang="ja"):
    """Type the fictional city's strategy into the template, as a user would."""

    def w(word):
        return ENGLISH.get(word, word) if lang == "en" else word

    def year(label):
        return short_label(parse_fiscal_year(label), lang)

    wb = openpyxl.load_workbook(path)
    for sheet, fields in PROJECTS.items():
        ws = wb[w(sheet)]
        for i, value in enumerate(fields):
            ws.cell(row=2 + i, column=4).value = value
    for sheet, key, name_ja, name_en, unit_ja, unit_en, direction, kind, base, base_year, target, target_year, start, actuals, expected in INDICATORS:  # fmt: skip
        ws = wb[w(sheet)]
        row = slot(ws, key)
        ws.cell(row=row, column=column(ws, row, w("設定項目"))).value = name_ja
        ws.cell(row=row + 1, column=column(ws, row, w("設定項目"))).value = name_en
        ws.cell(row=row, column=column(ws, row, w("基準値"))).value = base
        ws.cell(row=row + 1, column=column(ws, row, w("基準値"))).value = base_year
        ws.cell(row=row, column=column(ws, row, w("目標値"))).value = target
        ws.cell(row=row + 1, column=column(ws, row, w("目標値"))).value = target_year
        ws.cell(row=row, column=column(ws, row, w("単位"))).value = unit_ja
        ws.cell(row=row + 1, column=column(ws, row, w("単位"))).value = unit_en
        ws.cell(row=row, column=column(ws, row, w("方向"))).value = direction
        if kind:
            ws.cell(row=row, column=column(ws, row, w("目標の種類"))).value = kind
            ws.cell(row=row + 1, column=column(ws, row, w("目標の種類"))).value = start
        if key in YEAR_BASIS:
            ws.cell(row=row + 1, column=column(ws, row, w("実績値の種類"))).value = YEAR_BASIS[key]
        for label, value in actuals.items():
            cell = ws.cell(row=row, column=column(ws, row, year(label), 1))
            if unit_ja == "%":  # typed as 63.5% in a spreadsheet: stored 0.635, shown as a percentage
                cell.value, cell.number_format = value / 100, "0.0%"
            else:
                cell.value = value
        for label, value in expected.items():
            ws.cell(row=row + 1, column=column(ws, row, year(label), 1)).value = value
    out = out or path
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Made once for the module, each test working on a copy (filled_city, city): the folder new()
    writes, the workbook as fill() types it, and the city's dataset imported from it."""
    base = tmp_path_factory.mktemp("made")
    assert cli.main([str(a) for a in _new_args(base / "new")]) == 0
    filled = fill(base / "new" / WORKBOOK_NAME, out=base / WORKBOOK_NAME)
    imported = shutil.copytree(base / "new", base / "imported")
    book = shutil.copy(filled, imported / WORKBOOK_NAME)  # filled in where kpi new wrote it
    said, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(errors):
        assert cli.main(["import", str(book), "--data", str(imported), "--lang", "en"]) == 0
    assert "2 project(s), 5 indicator(s), 11 actual(s), 11 milestone(s)" in said.getvalue()
    assert errors.getvalue() == ""
    return {"new": base / "new", "filled": filled, "imported": imported}


def filled_city(made, tmp_path, name=WORKBOOK_NAME, folder="new_city"):
    """A copy of the folder new() writes, its workbook (in the folder, or beside it as `name`)
    filled in as fill() does: the data folder and the workbook."""
    data = shutil.copytree(made["new"], tmp_path / folder)
    return data, shutil.copy(made["filled"], (data if name == WORKBOOK_NAME else tmp_path) / name)


@pytest.fixture
def city(tmp_path, made):
    """The fictional city's dataset, built through kpi new → workbook → kpi import (a copy of
    the one `made` built)."""
    return shutil.copytree(made["imported"], tmp_path / "city")


def test_kpi_new_writes_an_empty_valid_dataset(tmp_path, kpi):
    data = tmp_path / "fresh"
    r = new(kpi, data)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert sorted(p.name for p in data.iterdir()) == [
        "actuals.csv", "indicators.csv", "metadata.json", "milestones.csv", "project_indicators.csv",
        "projects.csv", WORKBOOK_NAME,
    ]  # fmt: skip
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    assert meta == {
        "title_ja": TITLE_JA,
        "title_en": TITLE_EN,
        "source": {},
        "scheme": "expected_path",
        "period": {"first": 2020, "last": 2024},
        "report": {"level_ja": "プロジェクト", "level_en": "project"},  # --level-ja / --level-en
    }
    assert (data / "indicators.csv").read_text(encoding="utf-8").startswith("indicator,name_ja,name_en,")
    assert kpi("validate", "--data", data).returncode == 0
    wb = openpyxl.load_workbook(data / WORKBOOK_NAME)
    assert wb.sheetnames == ["プロジェクト1", "プロジェクト2", "_kpi"]
    ws = wb["プロジェクト1"]
    assert "kpi import" in ws["B1"].value  # the instructions at the top
    assert [c.value for c in ws["A"] if c.value and c.value.startswith("p1_")] == [
        "p1_t01", "p1_t02", "p1_t03", "p1_k01", "p1_k02", "p1_k03",
    ]  # fmt: skip
    row = slot(ws, "p1_k01")
    # the layout of kpi export: 設定項目, 基準値, 目標値, 見直し後, 実績値 per year of the period, 進捗
    # then the published rate (of each year's actual) and the published grade (of each evaluation year)
    assert [ws.cell(row=row + i, column=7).value for i in range(4)] == [
        "実績値",
        "期待値",
        "公表値：率",
        "公表値：評価",
    ]
    header = max(c.row for c in ws["A"] if c.value == "key" and c.row < row)
    assert [c.value for c in ws[header + 1]][7:12] == ["R2", "R3", "R4", "R5", "R6"]
    assert new(kpi, tmp_path / "en", lang="en").returncode == 0
    en = openpyxl.load_workbook(tmp_path / "en" / WORKBOOK_NAME)
    assert en.sheetnames == ["Project 1", "Project 2", "_kpi"]
    ws = en["Project 1"]
    assert "kpi import" in ws["B1"].value
    assert [ws.cell(row=row + i, column=7).value for i in range(4)] == [
        "Actual",
        "Expected value (期待値)",
        "Published rate",
        "Published grade",
    ]


@pytest.mark.slow  # runs kpi report
def test_indicators_without_actuals_are_not_yet_evaluated(tmp_path, kpi):
    """A new strategy's first year: indicators defined, no actual yet."""
    data = tmp_path / "city"
    new(kpi, data)
    wb = openpyxl.load_workbook(data / WORKBOOK_NAME)
    ws = wb["プロジェクト1"]
    for i, value in enumerate(PROJECTS["プロジェクト1"]):
        ws.cell(row=2 + i, column=4).value = value
    row = slot(ws, "p1_k01")
    for heading, offset, value in (("設定項目", 0, "観光入込客数"), ("基準値", 0, 120), ("基準値", 1, 2019),
                                   ("目標値", 0, 150), ("目標値", 1, 2024), ("方向", 0, "higher")):  # fmt: skip
        ws.cell(row=row + offset, column=column(ws, row, heading)).value = value
    wb.save(data / WORKBOOK_NAME)
    r = kpi("import", data / WORKBOOK_NAME, "--data", data)
    assert r.returncode == 0, r.stderr
    assert kpi("validate", "--data", data).returncode == 0
    r = kpi("grades", "--year", "2020", "--format", "json", "--data", data)
    assert r.returncode == 0, r.stderr
    [row] = json.loads(r.stdout)
    assert (row["indicator"], row["actual"], row["grade"]) == ("p1_k01", "", "")
    r = kpi("grades", "--year", "2020", "--data", data)
    assert "実績なし" in r.stdout, r.stdout  # the label of an indicator with no actual up to the year
    r = kpi("report", "--out", tmp_path / "out", "--data", data)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "no actual value yet" in r.stderr, r.stderr
    # the first year's actuals go in through kpi export --year (the columns start at the period's first year)
    assert kpi("export", "--xlsx", tmp_path / "x.xlsx", "--data", data).returncode == 1
    r = kpi("export", "--xlsx", tmp_path / "x.xlsx", "--year", "R2", "--data", data)
    assert r.returncode == 0, r.stderr
    assert kpi("import", tmp_path / "x.xlsx", "--data", data, "--lang", "en").stdout.startswith("no changes")
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    ws = wb["プロジェクト1"]
    cell = ws.cell(row=slot(ws, "p1_k01"), column=COL_YEAR0)  # R2, the first year column
    cell.value = 121
    wb.save(tmp_path / "x.xlsx")
    r = kpi("import", tmp_path / "x.xlsx", "--data", data)  # the expected_path scheme needs the year's 期待値
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert f"プロジェクト1!{cell.coordinate}: " in r.stderr and "has no expected value (期待値) for 2020" in r.stderr


def test_grades_and_reports_need_indicators(tmp_path, kpi):
    data = tmp_path / "fresh"
    new(kpi, data)
    for args in (("grades", "--year", "2022"), ("report", "--out", tmp_path / "out")):
        r = kpi(*args, "--data", data)
        assert r.returncode == 1
        assert r.stderr.count("\n") == 1 and "no indicators yet: nothing to grade" in r.stderr, r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--scheme", "nonesuch"), "unknown grading scheme 'nonesuch'"),
        (("--first-year", "2025"), "ends (FY2024) before it starts (FY2025)"),
        (("--title-ja", " "), "--title-ja is empty"),
    ],
)
def test_kpi_new_refuses_bad_options_with_one_line(tmp_path, kpi, args, fragment):
    base = {"--scheme": "expected_path", "--title-ja": TITLE_JA, "--title-en": TITLE_EN, "--first-year": "2020", "--last-year": "2024"}  # fmt: skip
    base.update(dict(zip(args[::2], args[1::2])))
    r = kpi("new", tmp_path / "d", *[x for kv in base.items() for x in kv])
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and fragment in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, no temporary folder left


def test_kpi_new_refuses_a_folder_that_is_not_empty(tmp_path, kpi):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "notes.txt").write_text("mine")
    r = new(kpi, tmp_path / "d", lang="en")  # --lang en: the English message
    assert r.returncode == 1 and "already exists and is not an empty folder" in r.stderr
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]
    (tmp_path / "e").mkdir()  # an empty folder is fine
    assert new(kpi, tmp_path / "e").returncode == 0


def test_a_scheme_file_is_copied_in(tmp_path, kpi):
    from kpi_lib.core.resources import SCHEME_DIR

    mine = tmp_path / "our_rules.toml"
    mine.write_text((SCHEME_DIR / "milestone_improvement.toml").read_text(encoding="utf-8"), encoding="utf-8")
    r = new(kpi, tmp_path / "d", scheme=mine)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "d" / "metadata.json").read_text(encoding="utf-8"))["scheme"] == "our_rules.toml"
    assert (tmp_path / "d" / "our_rules.toml").read_bytes() == mine.read_bytes()
    assert kpi("validate", "--data", tmp_path / "d").returncode == 0


def test_the_city_is_built_through_the_workbook(city, kpi, tmp_path):
    assert kpi("validate", "--data", city).returncode == 0
    indicators = (city / "indicators.csv").read_text(encoding="utf-8").splitlines()
    # the year basis typed under 実績値の種類 (calendar), not_stated where it was left empty; the
    # last columns, counted_from and decimals (display precision), are left empty: decimals inferred
    # from the figures; so is unit_en_singular (the workbook does not ask for it: "1 businesses"
    # until it is filled in)
    assert indicators[1:] == [
        "p1_t01,創業件数,New businesses,table,件,businesses,,higher,0,2019,cumulative,500,,2024,2020,2024,,,annual,not_stated,,,",
        'p1_k01,観光入込客数,Visitors,table,万人,"10,000 people",,higher,120,2019,value,150,,2024,,,,,annual,calendar,,,',
        "p1_k02,就業率,Employment rate,table,%,%,,higher,60,2019,value,65,,2024,,,,,annual,not_stated,,,",
        "p2_t01,待機児童数,Children on waiting lists,table,人,children,,lower,50,2019,value,0,,2024,,,,,annual,not_stated,,,",
        "p2_k01,図書館利用者数,Library users,table,人,users,,higher,1000,2019,value,1500,,2024,,,,,annual,not_stated,,,",
    ]
    assert (city / "project_indicators.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "1,数値目標,1,p1_t01", "1,KPI,1,p1_k01", "1,KPI,2,p1_k02", "2,数値目標,1,p2_t01", "2,KPI,1,p2_k01",
    ]  # fmt: skip
    assert "p1_k02,2022,63.5" in (city / "actuals.csv").read_text(encoding="utf-8")  # typed as 63.5%
    assert (city / "projects.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "1,しごとをつくる,Creating jobs,,,稼ぐ力を高める,Earning more"
    )
    # the template was for the empty dataset: imported again it is refused, saying what to do
    # instead (not "export again", which answered "import the template"), and that advice works
    again = kpi("import", city / WORKBOOK_NAME, "--data", city)
    assert again.returncode == 1 and len(again.stderr.splitlines()) == 1
    assert "already holds 5 indicator(s), so this template was imported already" in again.stderr
    assert f"kpi export --xlsx FILE --data {city} and kpi import FILE" in again.stderr
    # kpi export → kpi import round-trips
    out = tmp_path / "city.xlsx"
    assert kpi("export", "--xlsx", out, "--data", city).returncode == 0
    r = kpi("import", out, "--data", city, "--lang", "en")
    assert r.returncode == 0 and r.stdout.startswith("no changes"), r.stdout + r.stderr


def test_the_city_is_graded_by_its_scheme(city, kpi):
    r = kpi("grades", "--year", "R4", "--format", "json", "--data", city)
    assert r.returncode == 0, r.stderr
    got = {g["indicator"]: (g["progress_rate"], g["grade"]) for g in json.loads(r.stdout)}
    assert got.keys() == EXPECTED_2022.keys()
    for key, (rate, grade) in EXPECTED_2022.items():
        assert math.isclose(float(got[key][0]), rate) and got[key][1] == grade, (key, got[key])
    # a year of the period without actuals yet
    r = kpi("grades", "--year", "2024", "--format", "json", "--data", city)
    assert r.returncode == 0, r.stderr


@pytest.mark.slow  # runs kpi report
def test_the_city_gets_a_full_report_set_without_hokkaido_wording(city, kpi, tmp_path):
    out = tmp_path / "reports"
    r = kpi("report", "--year", "2022", "--lang", "ja", "--lang", "en", "--out", out, "--no-progress", "--data", city)
    assert r.returncode == 0, r.stderr
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert pages == [
        f"2022/{lang}/{name}.html" for lang in ("en", "ja") for name in ("index", "overview", "project_1", "project_2")
    ]
    for page in out.rglob("*.html"):
        content = page.read_text(encoding="utf-8")
        assert "北海道" not in content and "hokkaido" not in content.lower(), page
    for lang, title in (("ja", f"{TITLE_JA} — 令和4年度"), ("en", f"{TITLE_EN} — FY2022")):
        page = (out / f"2022/{lang}/index.html").read_text(encoding="utf-8")
        assert html.unescape(re.search(r"<title>(.*?)</title>", page)[1]) == title  # however ' is escaped
    assert "待機児童数" in (out / "2022/ja/project_2.html").read_text(encoding="utf-8")


# --- bad cells of the definitions: one line naming workbook, sheet and cell; nothing written ------------


@pytest.mark.parametrize(
    "heading, offset, value, fragment",
    [
        ("方向", 0, "sideways", "Direction: 'sideways'; write one of higher, lower"),
        ("目標の種類", 0, "someday", "Target kind: 'someday'; write one of value, national,"),
        ("基準値", 0, "１２O", "Baseline: "),  # a letter O among the digits
        ("基準値", 1, "R99", "Baseline year: invalid fiscal year"),
        ("目標値", 0, "=D1*2", "Target (original): a formula with no computed value (=D1*2)"),
        ("目標値", 0, "未", "Target (original): 未 is not a number"),
        ("設定項目", 0, None, "the indicator's Japanese name is empty"),
        ("基準値", 1, None, "a baseline value needs its year"),  # a rule of kpi validate, named at the cell
        ("目標値", 0, 0.7, "Target (original): a percentage (70%) in a cell of an indicator measured in 万人"),
    ],
)
def test_a_bad_definition_cell_is_one_line_and_nothing_is_written(
    tmp_path, kpi, made, heading, offset, value, fragment
):
    data, book = filled_city(made, tmp_path)
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.name != WORKBOOK_NAME}
    wb = openpyxl.load_workbook(book)
    ws = wb["プロジェクト1"]
    row = slot(ws, "p1_k01") + offset
    cell = ws.cell(row=row, column=column(ws, row, heading))
    cell.value = value
    if isinstance(value, float):
        cell.number_format = "0%"
    wb.save(book)
    r = kpi("import", book, "--data", data)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1, r.stderr
    assert f"[workbook.xlsx]プロジェクト1!{cell.coordinate}: {fragment}" in r.stderr, r.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.name != WORKBOOK_NAME} == before


def test_a_project_without_its_japanese_name_and_a_duplicate_id_are_named_at_their_cells(tmp_path, kpi, made):
    data, book = filled_city(made, tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["プロジェクト2"]
    ws["D2"] = None  # the project's Japanese name (the English one is optional: tests/test_own_rules.py)
    ws.cell(row=slot(ws, "p2_k01"), column=1).value = "p1_k01"  # an id already used on プロジェクト1
    wb.save(book)
    r = kpi("import", book, "--data", data)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "kpi: error: [workbook.xlsx]プロジェクト2!D2: Project name (Japanese) is empty (projects.csv needs it)",
        f"kpi: error: [workbook.xlsx]プロジェクト2!A{slot(ws, 'p1_k01')}: indicator id 'p1_k01' is used twice "
        f"(also at [workbook.xlsx]プロジェクト1!C{slot(wb['プロジェクト1'], 'p1_k01')})",
    ]
    assert (data / "indicators.csv").read_text(encoding="utf-8").count("\n") == 1  # header only: nothing written


def test_an_english_template_gives_the_same_dataset(tmp_path, kpi, city):
    data = tmp_path / "city_en"
    assert new(kpi, data, lang="en").returncode == 0
    fill(data / WORKBOOK_NAME, lang="en")
    r = kpi("import", data / WORKBOOK_NAME, "--data", data)
    assert r.returncode == 0, r.stderr
    for table in ("projects.csv", "indicators.csv", "project_indicators.csv", "actuals.csv", "milestones.csv"):
        assert (data / table).read_bytes() == (city / table).read_bytes(), table


def test_a_scheme_without_milestones_has_no_milestone_row(tmp_path, kpi):
    data = tmp_path / "d"
    assert new(kpi, data, scheme="hokkaido").returncode == 0
    assert not (data / "milestones.csv").exists()
    wb = openpyxl.load_workbook(data / WORKBOOK_NAME)
    ws = wb["プロジェクト1"]
    row = slot(ws, "p1_t01")
    assert [ws.cell(row=row + i, column=7).value for i in range(3)] == ["実績値", "公表値：率", "公表値：評価"]
    assert ws.cell(row=row + 3, column=1).value == "p1_t02"  # the next slot
    for i, value in enumerate(PROJECTS["プロジェクト1"]):
        ws.cell(row=2 + i, column=4).value = value
    for heading, offset, value in (("設定項目", 0, "観光入込客数"), ("基準値", 0, 120), ("基準値", 1, "H31"),
                                   ("目標値", 0, 150), ("目標値", 1, "R6"), ("方向", 0, "higher"),
                                   ("R4", 0, 135)):  # fmt: skip
        ws.cell(row=row + offset, column=column(ws, row, heading, heading == "R4")).value = value
    wb.save(data / WORKBOOK_NAME)
    assert kpi("import", data / WORKBOOK_NAME, "--data", data).returncode == 0
    r = kpi("grades", "--year", "R4", "--format", "json", "--data", data)
    [g] = json.loads(r.stdout)
    assert (g["indicator"], g["progress_rate"]) == ("p1_t01", "90.0")  # hokkaido's ratio: 135 ÷ 150


# --- every typed value is read, or the import refuses naming its cell (issue 21) -----------------


def _grade_column(wb):  # a grade typed in the computed 進捗 column (published grades go by year, below)
    ws = wb["プロジェクト1"]
    row = slot(ws, "p1_k01")
    return ws.cell(row=row, column=column(ws, row, "進捗"), value="A")


def _copied_sheet(wb):  # a project sheet copied (Excel names the copy "プロジェクト1 (2)") and filled in
    ws = wb.copy_worksheet(wb["プロジェクト2"])
    ws.title = "プロジェクト2 (2)"
    return ws.cell(row=2, column=4, value="三つ目のプロジェクト")


def _inserted_rows(wb):  # two rows inserted under an indicator for another one
    ws = wb["プロジェクト1"]
    row = slot(ws, "p1_k01") + 4
    ws.insert_rows(row, 2)
    ws.cell(row=row, column=3, value="新しい指標")
    return ws.cell(row=row, column=7)  # the row label that is no longer where kpi new wrote it


def _blank_id(wb):
    ws = wb["プロジェクト1"]
    cell = ws.cell(row=slot(ws, "p1_k01"), column=1)
    cell.value = None  # (ws.cell(value=None) would leave it as it is)
    return cell


def _id_key(wb):
    ws = wb["プロジェクト1"]
    return ws.cell(row=slot(ws, "p1_k02"), column=1, value="key")


def _formula_kind(wb):  # an uncomputed formula is not the default "value"
    ws = wb["プロジェクト1"]
    row = slot(ws, "p1_k01")
    return ws.cell(row=row, column=column(ws, row, "目標の種類"), value='=IF(D2="","value","cumulative")')


def _formula_unit(wb):
    ws = wb["プロジェクト1"]
    row = slot(ws, "p1_k01")
    return ws.cell(row=row, column=column(ws, row, "単位"), value="=D2")


def _relabelled_heading(wb):  # 2020's heading relabelled H31: a value under it would be stored as 2020
    ws = wb["プロジェクト1"]
    header = next(c.row for c in ws["A"] if c.value == "key") + 1
    return ws.cell(row=header, column=COL_YEAR0, value="H31")


def _swapped_headings(wb):
    ws = wb["プロジェクト2"]
    header = next(c.row for c in ws["A"] if c.value == "key") + 1
    a, b = ws.cell(row=header, column=COL_YEAR0), ws.cell(row=header, column=COL_YEAR0 + 1)
    a.value, b.value = b.value, a.value
    return a


def _beside_the_table(wb):
    return wb["プロジェクト2"].cell(row=40, column=30, value="メモ")


def _period_start_not_cumulative(wb):  # read only for a cumulative target: typed for another kind
    ws = wb["プロジェクト1"]
    row = slot(ws, "p1_k01")
    return ws.cell(row=row + 1, column=column(ws, row, "目標の種類"), value="R2")


@pytest.mark.parametrize(
    "change, fragment",
    [
        (_grade_column, "'A' is not read by kpi import: the 進捗 column is computed"),
        (_copied_sheet, "is not a project sheet of the template"),
        (_inserted_rows, "an empty cell where the template has '実績値': kpi import reads the template by position"),
        (_blank_id, "the indicator id of this filled slot (the hidden column A) is empty: type an id such as p1_k01"),
        (_id_key, "is 'key', the word that marks a table's headings"),
        (_formula_kind, "Target kind: a formula with no computed value"),
        (_formula_unit, "a formula with no computed value (=D2)"),
        (_relabelled_heading, "'H31' where the template has 'R2'"),
        (_swapped_headings, "'R3' where the template has 'R2'"),
        (_beside_the_table, "'メモ' is not read by kpi import: it is not one of the template's input cells"),
        (_period_start_not_cumulative, "the first year of a period is read only for a target kind of cumulative"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_a_value_the_template_import_would_not_read_is_refused_at_its_cell(tmp_path, kpi, made, change, fragment):
    data, book = filled_city(made, tmp_path, name="filled.xlsx")
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    wb = openpyxl.load_workbook(book)
    cell = change(wb)
    wb.save(book)
    r = kpi("import", book, "--data", data)
    assert r.returncode == 1 and r.stdout == ""
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"kpi: error: [filled.xlsx]{cell.parent.title}!{cell.coordinate}: "), r.stderr
    assert fragment in first, r.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_metadata_edited_before_the_first_import_is_fine(tmp_path, kpi, made):
    """docs/input.md says to fill in metadata.json's source: the template still imports."""
    data, book = filled_city(made, tmp_path)
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    meta["source"] = {"title_ja": "架空市総合戦略", "publisher_ja": "架空市"}
    (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    r = kpi("import", book, "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "5 indicator(s)" in r.stdout


def test_a_template_into_another_filled_dataset_says_what_to_do(tmp_path, kpi, made, city):
    _, book = filled_city(made, tmp_path, folder="other")
    r = kpi("import", book, "--data", city)
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
    assert "already holds 5 indicator(s)" in r.stderr and "kpi new into a new folder" in r.stderr


def test_a_year_with_a_superscript_digit_is_refused(tmp_path, kpi):
    r = new(kpi, tmp_path / "city", "--last-year", "R6¹", lang="en")
    assert r.returncode != 0 and "invalid fiscal year 'R6¹'" in r.stderr
    assert not (tmp_path / "city").exists()


def test_kpi_new_at_its_maxima_fits_the_import_limits_and_beyond_them_refuses():
    from kpi_lib.workbook.new_dataset import MAX_PROJECTS, MAX_SLOTS, check_template_size

    check_template_size(MAX_PROJECTS, MAX_SLOTS, 10)  # within MAX_CELLS: no error
    with pytest.raises(Exception, match="more than kpi import reads"):
        check_template_size(MAX_PROJECTS, MAX_SLOTS, 60)
