"""Indicators added to a dataset mid-period through a workbook (issue 17: "strategies are revised
mid-period"): `kpi add-indicators` → fill in its empty rows → `kpi import`.

The office's case: a city (levels called 基本目標, its own scheme file: 達成率 = 実績値 ÷ 目標値,
A reached / B ≥ 80% / C ≥ 50% / D below, X for a year without an actual) revises its strategy in
its third year (H29 = 2017), adding two KPIs to 基本目標2 and a new 基本目標3. Every rate and grade
below is worked out by hand from the typed figures and that rule (one decimal, half up):
  保育所の定員数 1,250 ÷ 1,500 = 83.33…% → 83.3: B
  一時預かりの利用者数 180 ÷ 400 = 45.0%: D
  移住者数 120 ÷ 200 = 60.0%: C
The existing rows of every table stay byte for byte; the figures are made up, as the example's.
"""

import csv
import io
import shutil
import tempfile
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis_budget import examples

from kpi_lib.core.errors import DataError
from kpi_lib.dataset.history import HISTORY_DIR
from kpi_lib.workbook.excel_import import apply_import, plan_import
from kpi_lib.workbook.new_dataset import WORKBOOK_NAME, write_additions

ROOT = Path(__file__).resolve().parent.parent
ACHIEVEMENT = ROOT / "examples" / "achievement_ratio"
SCHEME = ACHIEVEMENT / "achievement_ratio.toml"

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="kpi-hypothesis-"))  # never .hypothesis/ in the tree


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


def put(ws, key, first=(), second=(), third=(), years=()):
    """Type into the slot of `key`: {heading: value} on its first, second and third rows, and
    {year heading: actual} (tuples of pairs, as a user fills a row left to right)."""
    row = slot(ws, key)
    for values, dr in ((first, 0), (second, 1), (third, 2)):
        for heading, value in dict(values).items():
            ws.cell(row=row + dr, column=column(ws, row, heading)).value = value
    for label, value in dict(years).items():
        ws.cell(row=row, column=column(ws, row, label, 1)).value = value
    return row


def name_project(ws, fields):
    for i, value in enumerate(fields):
        ws.cell(row=2 + i, column=4).value = value


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir()) if p.is_file()}


def table(folder, name):
    with open(Path(folder) / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def assert_rows_kept(before, folder):
    """Every file there before holds its old bytes as its beginning: the rows it had are unchanged."""
    after = snapshot(folder)
    for name, data in before.items():
        assert after[name][: len(data)] == data, name


# the revision typed into an additions workbook of the city (Japanese headings)
def type_revision(path, out=None):
    wb = openpyxl.load_workbook(path)
    ws = wb["基本目標2"]
    put(
        ws, "p2_k02",
        (("設定項目", "保育所の定員数"), ("基準値", 1200), ("目標値", 1500), ("単位", "人"), ("方向", "higher")),
        (("設定項目", "Nursery places"), ("基準値", 2017), ("目標値", 2019), ("単位", "places")),
        years=(("H29", 1250),),
    )  # fmt: skip
    put(
        ws, "p2_k03",
        (("設定項目", "一時預かりの利用者数"), ("基準値", 300), ("目標値", 400), ("単位", "人"), ("方向", "higher")),
        (("設定項目", "Users of temporary childcare"), ("基準値", 2016), ("目標値", 2019), ("単位", "users")),
        years=(("H29", 180),),
    )  # fmt: skip
    ws = wb["基本目標3"]
    name_project(ws, ("新しいひとの流れをつくる", "Bringing new people in", "移住者を呼び込む", "Attracting newcomers"))
    put(
        ws, "p3_t01",
        (("設定項目", "移住者数"), ("基準値", 100), ("目標値", 200), ("単位", "人"), ("方向", "higher")),
        (("設定項目", "Newcomers"), ("基準値", 2016), ("目標値", 2019), ("単位", "newcomers")),
        years=(("H29", 120),),
    )  # fmt: skip
    wb.save(out or path)
    return out or path


EXPECTED_2017 = {"p2_k02": ("83.3", "B"), "p2_k03": ("45.0", "D"), "p3_t01": ("60.0", "C")}


def grades(kpi, data, year):
    r = kpi("grades", "--year", year, "--data", data, "--format", "csv", "--lang", "en")
    assert r.returncode == 0, r.stderr
    return {row["indicator"]: row for row in csv.DictReader(io.StringIO(r.stdout))}


@pytest.fixture
def city(tmp_path):
    data = tmp_path / "city"
    shutil.copytree(ACHIEVEMENT, data)
    return data


def test_the_example_city_adds_two_kpis_and_a_basic_goal(city, kpi, tmp_path):
    before = snapshot(city)
    old_grades = grades(kpi, city, "H29")
    book = tmp_path / "追加.xlsx"
    r = kpi("add-indicators", "--data", city, "--xlsx", book, "--rows", "2", "--lang", "ja")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert snapshot(city) == before  # writing the workbook changes nothing
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["基本目標1", "基本目標2", "基本目標3", "_kpi"]
    ws = wb["基本目標2"]
    # the existing project's names are shown (and kept); its indicators are listed in the note
    assert ws["D2"].value == "若い世代の結婚・出産・子育ての希望をかなえる"
    assert "待機児童数" in ws["B1"].value and "子育て支援センター利用者数" in ws["B1"].value
    # ids continue the template's: the second and third KPI of 基本目標2, the first 数値目標 of 基本目標3
    assert [c.value for c in ws["A"] if c.value and c.value != "key"] == ["p2_t02", "p2_t03", "p2_k02", "p2_k03"]
    type_revision(book)

    r = kpi("import", book, "--data", city, "--dry-run", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "indicators.csv: 3 added" in r.stdout and "projects.csv: 1 added" in r.stdout
    assert "nothing was written" in r.stdout
    assert snapshot(city) == before

    r = kpi("import", book, "--data", city, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "kpi restore" in r.stdout and (city / HISTORY_DIR).is_dir()
    assert_rows_kept(before, city)
    added = {
        row["indicator"]: row for row in table(city, "indicators.csv")[len(table(ACHIEVEMENT, "indicators.csv")) :]
    }
    assert sorted(added) == ["p2_k02", "p2_k03", "p3_t01"]
    assert added["p2_k02"]["baseline_year"] == "2017"  # a baseline after the period's start (2015) is accepted
    assert table(city, "projects.csv")[-1]["name_ja"] == "新しいひとの流れをつくる"
    positions = {
        (r["project"], r["kind"], r["position"]): r["indicator"] for r in table(city, "project_indicators.csv")
    }
    assert positions[("2", "KPI", "2")] == "p2_k02" and positions[("2", "KPI", "3")] == "p2_k03"
    assert positions[("3", "数値目標", "1")] == "p3_t01"

    now = grades(kpi, city, "H29")
    for indicator, (rate, grade) in EXPECTED_2017.items():
        assert (now[indicator]["progress_rate"], now[indicator]["grade"]) == (rate, grade), indicator
    for indicator, row in old_grades.items():  # the existing indicators are graded as before
        assert now[indicator] == row, indicator
    r = kpi("audit", "--data", city, "--lang", "en")
    assert r.returncode == 0, r.stdout + r.stderr

    # imported once: again, it is refused as stale, and nothing changes
    kept = snapshot(city)
    r = kpi("import", book, "--data", city)
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
    assert "imported already?" in r.stderr and "kpi add-indicators again" in r.stderr
    assert snapshot(city) == kept


def test_a_new_office_adds_indicators_later_with_english_singular_units(tmp_path, kpi):
    """kpi new → template (with unit_en_singular) → import → later kpi add-indicators → import."""
    data = tmp_path / "office"
    r = kpi(
        "new", data, "--scheme", SCHEME, "--title-ja", "架空町総合戦略", "--title-en", "Fictional Town's strategy",
        "--first-year", "H27", "--last-year", "R1", "--projects", "2", "--rows", "2", "--lang", "ja",
        "--level-ja", "基本目標", "--level-en", "basic goal",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(data / WORKBOOK_NAME)
    name_project(wb["基本目標1"], ("しごとをつくる", "Creating jobs", "稼ぐ力を高める", "Earning more"))
    put(
        wb["基本目標1"], "p1_t01",
        (("設定項目", "創業支援の対象地区数"), ("基準値", 2), ("目標値", 6), ("単位", "地区"), ("方向", "higher")),
        (("設定項目", "Areas with start-up support"), ("基準値", 2014), ("目標値", 2019), ("単位", "areas")),
        (("単位", "area"),),
        years=(("H27", 3), ("H28", 5)),
    )  # fmt: skip
    name_project(
        wb["基本目標2"], ("子育てを支える", "Supporting families", "安心して育てる", "Raising children safely")
    )
    put(
        wb["基本目標2"], "p2_k01",
        (("設定項目", "待機児童数"), ("基準値", 40), ("目標値", 10), ("単位", "人"), ("方向", "lower")),
        (("設定項目", "Children on waiting lists"), ("基準値", 2014), ("目標値", 2019), ("単位", "children")),
        (("単位", "child"),),
        years=(("H27", 30), ("H28", 20)),
    )  # fmt: skip
    wb.save(data / WORKBOOK_NAME)
    r = kpi("import", data / WORKBOOK_NAME, "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stderr
    singular = {row["indicator"]: row["unit_en_singular"] for row in table(data, "indicators.csv")}
    assert singular == {"p1_t01": "area", "p2_k01": "child"}
    before = snapshot(data)
    old_grades = grades(kpi, data, "H28")

    # the strategy is revised in H29: a KPI for 基本目標1, with its H29 actual
    book = data / "additions.xlsx"
    r = kpi("add-indicators", "--data", data, "--xlsx", book, "--rows", "1", "--new-projects", "0", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert f"kpi import {book} --data {data}" in r.stdout
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Basic goal 1", "Basic goal 2", "_kpi"]
    put(
        wb["Basic goal 1"], "p1_k01",
        (("Indicator", "新規創業件数"), ("Baseline", 10), ("Target", 20), ("Unit", "件"), ("Direction", "higher")),
        (("Indicator", "New businesses"), ("Baseline", 2017), ("Target", 2019), ("Unit", "businesses")),
        (("Unit", "business"),),
        years=(("FY2017", 1),),
    )  # fmt: skip
    wb.save(book)
    r = kpi("import", book, "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert_rows_kept(before, data)
    new = table(data, "indicators.csv")[-1]
    assert (new["indicator"], new["unit_en"], new["unit_en_singular"]) == ("p1_k01", "businesses", "business")
    h28 = grades(kpi, data, "H28")
    assert {k: h28[k] for k in old_grades} == old_grades and h28["p1_k01"]["grade"] == ""  # not yet ...
    now = grades(kpi, data, "H29")
    # ... H29: 1 ÷ 20 = 5.0%: D; written with the singular unit after exactly 1
    assert (now["p1_k01"]["progress_rate"], now["p1_k01"]["grade"]) == ("5.0", "D")
    r = kpi("grades", "--year", "H29", "--data", data, "--lang", "en")
    assert "1 business (2017)" in r.stdout, r.stdout
    r = kpi("audit", "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_scheme_with_expected_values_and_hokkaido_take_added_indicators(tmp_path, kpi):
    """examples/expected_path (its milestone row: 期待値) and data/ (Hokkaido's ids and pillars)."""
    for source, sheet, key, years, level in (
        (ROOT / "examples" / "expected_path", "分野1", "p1_k04", ("H30", "R1"), "分野"),
        (ROOT / "data", "プロジェクト2", "p2_k03", ("H30", "R1"), "プロジェクト"),
    ):
        data = tmp_path / source.name
        shutil.copytree(source, data)
        before = snapshot(data)
        book = tmp_path / f"{source.name}.xlsx"
        r = kpi("add-indicators", "--data", data, "--xlsx", book, "--rows", "1")
        assert r.returncode == 0, r.stderr
        wb = openpyxl.load_workbook(book)
        assert wb.sheetnames[-2] == f"{level}{len(wb.sheetnames) - 1}"  # the new project's sheet
        ws = wb[sheet]
        row = put(
            ws, key,
            (("設定項目", "試行指標"), ("基準値", 10), ("目標値", 20), ("単位", "件"), ("方向", "higher")),
            (("設定項目", "Trial indicator"), ("基準値", 2018), ("目標値", 2020), ("単位", "cases")),
            years=((years[0], 12), (years[1], 15)),
        )  # fmt: skip
        if ws.cell(row=row + 1, column=column(ws, row, "実績値")).value != "公表値：率":  # a milestone row
            for label, value in ((years[0], 13), (years[1], 16)):
                ws.cell(row=row + 1, column=column(ws, row, label, 1)).value = value
        wb.save(book)
        r = kpi("import", book, "--data", data, "--lang", "en")
        assert r.returncode == 0, r.stderr
        assert_rows_kept(before, data)
        shown = grades(kpi, data, years[1])
        assert shown[key]["name_en"] == "Trial indicator" and shown[key]["actual"] == "15"


def test_published_figures_of_an_added_indicator_are_audited_and_kpi_restore_undoes_the_import(tmp_path, kpi):
    """examples/expected_path has no published_*.csv: the import writes them, kpi restore removes them.
    Its rule: rate = (actual − baseline) ÷ (expected − baseline) × 100; A: ≥ 100. Typed: baseline 10
    (2018), expected 14 for 2019, actual 15: (15 − 10) ÷ (14 − 10) × 100 = 125.0 → A."""
    data = tmp_path / "expected_path"
    shutil.copytree(ROOT / "examples" / "expected_path", data)
    before = snapshot(data)
    book = tmp_path / "add.xlsx"
    kpi("add-indicators", "--data", data, "--xlsx", book, "--rows", "1", "--new-projects", "0")
    wb = openpyxl.load_workbook(book)
    ws = wb["分野1"]
    row = put(
        ws, "p1_k04",
        (("設定項目", "試行指標"), ("基準値", 10), ("目標値", 20), ("単位", "件"), ("方向", "higher")),
        (("設定項目", "Trial indicator"), ("基準値", 2018), ("目標値", 2020), ("単位", "cases")),
        years=(("R1", 15),),
    )  # fmt: skip
    labels = [ws.cell(row=row + dr, column=column(ws, row, "実績値")).value for dr in range(4)]
    assert labels == ["実績値", "期待値", "公表値：率", "公表値：評価"]
    for label, expected in (("H30", 12), ("R1", 14), ("R2", 20)):
        ws.cell(row=row + 1, column=column(ws, row, label, 1)).value = expected
    ws.cell(row=row + 2, column=column(ws, row, "R1", 1)).value = 125.0
    ws.cell(row=row + 3, column=column(ws, row, "R1", 1)).value = "A"
    wb.save(book)
    r = kpi("import", book, "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "published_rates.csv: 1 added" in r.stdout and "published_grades.csv: 1 added" in r.stdout
    assert_rows_kept(before, data)
    # a number cell: 125.0 as Excel stores it (125); the rate of the 2019 actual, keyed by its year
    assert table(data, "published_rates.csv") == [
        {"project": "1", "indicator": "p1_k04", "year": "2019", "progress_rate": "125"}
    ]
    shown = grades(kpi, data, "R1")["p1_k04"]
    assert (shown["progress_rate"], shown["grade"], shown["rate_source"]) == ("125.0", "A", "published")
    r = kpi("audit", "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stdout + r.stderr
    r = kpi("restore", "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert snapshot(data) == before  # the tables as they were, the files the import wrote gone


def test_an_actual_before_a_later_baseline_year_is_refused_at_its_cell(city, kpi, tmp_path):
    book = tmp_path / "add.xlsx"
    kpi("add-indicators", "--data", city, "--xlsx", book, "--rows", "1", "--new-projects", "0")
    wb = openpyxl.load_workbook(book)
    row = put(
        wb["基本目標1"], "p1_k02",
        (("設定項目", "新指標"), ("基準値", 10), ("目標値", 20), ("単位", "件"), ("方向", "higher")),
        (("基準値", 2017), ("目標値", 2019)),
        years=(("H28", 11),),
    )  # fmt: skip
    wb.save(book)
    before = snapshot(city)
    r = kpi("import", book, "--data", city)
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
    assert f"基本目標1!I{row}" in r.stderr and "before the baseline year 2017" in r.stderr
    assert snapshot(city) == before


# --- bad input: one line per cell (the kpi fixture runs each refused command again in Japanese
# and checks the same lines come out), nothing written --------------------------------------


def _existing_id(wb):
    ws = wb["基本目標2"]
    ws.cell(row=slot(ws, "p2_k02"), column=1).value = "p2_k01"
    return "基本目標2!A", "indicator id 'p2_k01' already exists in indicators.csv"


def _renamed_project(wb):
    wb["基本目標2"]["D2"] = "別の名前"
    return "基本目標2!D2", "of an existing project is kept as projects.csv has it"


def _missing_japanese_name(wb):
    ws = wb["基本目標2"]
    ws.cell(row=slot(ws, "p2_k02"), column=3).value = None
    return "基本目標2!C", "the indicator's Japanese name is empty"


def _new_project_without_name(wb):
    wb["基本目標3"]["D2"] = None
    return "基本目標3!D2", "Basic goal name (Japanese) is empty"  # in the dataset's word for its level


def _project_that_does_not_exist(wb):
    wb["基本目標3"].title = "基本目標9"
    return "基本目標9!D2", "is not one this workbook was written with"


def _unit_column_the_file_lacks(wb):  # the example's indicators.csv has no unit_en_singular column
    ws = wb["基本目標2"]
    row = slot(ws, "p2_k02")
    ws.cell(row=row + 2, column=column(ws, row, "単位")).value = "place"
    return "基本目標2!N", "indicators.csv has no column unit_en_singular"


@pytest.mark.parametrize(
    "change",
    [
        _existing_id,
        _renamed_project,
        _missing_japanese_name,
        _new_project_without_name,
        _project_that_does_not_exist,
        _unit_column_the_file_lacks,
    ],
)
def test_bad_additions_are_refused_at_their_cell_and_nothing_is_written(city, kpi, tmp_path, change):
    book = tmp_path / "add.xlsx"
    kpi("add-indicators", "--data", city, "--xlsx", book, "--rows", "2")
    type_revision(book)
    wb = openpyxl.load_workbook(book)
    cell, fragment = change(wb)
    wb.save(book)
    before = snapshot(city)
    for dry in ((), ("--dry-run",)):
        r = kpi("import", book, "--data", city, *dry)
        assert r.returncode == 1, r.stdout
        assert r.stderr.count("\n") == 1, r.stderr
        assert f"[add.xlsx]{cell}" in r.stderr and fragment in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert snapshot(city) == before


def test_a_singular_unit_without_its_english_unit_is_refused(tmp_path, kpi):
    data = tmp_path / "office"
    kpi(
        "new", data, "--scheme", SCHEME, "--title-ja", "架空町総合戦略", "--first-year", "H27", "--last-year", "R1",
        "--projects", "1", "--rows", "1", "--level-ja", "基本目標",
    )  # fmt: skip
    wb = openpyxl.load_workbook(data / WORKBOOK_NAME)
    name_project(wb["基本目標1"], ("しごとをつくる", None, "稼ぐ力を高める", None))
    row = put(
        wb["基本目標1"], "p1_t01",
        (("設定項目", "対象地区数"), ("基準値", 2), ("目標値", 6), ("単位", "地区"), ("方向", "higher")),
        (("基準値", 2014), ("目標値", 2019)),
        (("単位", "area"),),
    )  # fmt: skip
    wb.save(data / WORKBOOK_NAME)
    r = kpi("import", data / WORKBOOK_NAME, "--data", data)
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert f"基本目標1!N{row + 2}: an English unit after exactly 1 without the English unit" in r.stderr


def test_a_refusal_is_said_in_japanese(city, kpi, tmp_path):
    book = tmp_path / "add.xlsx"
    kpi("add-indicators", "--data", city, "--xlsx", book, "--rows", "2")
    wb = openpyxl.load_workbook(type_revision(book))
    _existing_id(wb)
    wb.save(book)
    r = kpi("import", book, "--data", city, "--lang", "ja")
    assert r.returncode == 1
    assert "エラー" in r.stderr and "指標の ID 'p2_k01' は indicators.csv にすでにあります" in r.stderr


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--rows", "0"), "--rows must be from 1 to 50"),
        (("--new-projects", "49"), "--new-projects must be from 0 to 48"),
    ],
)
def test_add_indicators_refuses_bad_options(city, kpi, tmp_path, args, fragment):
    r = kpi("add-indicators", "--data", city, "--xlsx", tmp_path / "a.xlsx", *args)
    assert r.returncode == 1 and fragment in r.stderr and len(r.stderr.splitlines()) == 1
    assert not (tmp_path / "a.xlsx").exists()


def test_add_indicators_never_overwrites_a_file(city, kpi, tmp_path):
    book = tmp_path / "add.xlsx"
    book.write_bytes(b"mine")
    r = kpi("add-indicators", "--data", city, "--xlsx", book)
    assert r.returncode == 1 and "already exists" in r.stderr
    assert book.read_bytes() == b"mine"


def test_an_empty_additions_workbook_is_refused(city, kpi, tmp_path):
    book = tmp_path / "add.xlsx"
    kpi("add-indicators", "--data", city, "--xlsx", book)
    before = snapshot(city)
    r = kpi("import", book, "--data", city)
    assert r.returncode == 1 and "no indicator is filled in" in r.stderr
    assert snapshot(city) == before


@pytest.mark.slow  # runs kpi report
def test_the_added_indicators_are_in_the_report(city, kpi, tmp_path):
    book = tmp_path / "add.xlsx"
    kpi("add-indicators", "--data", city, "--xlsx", book, "--rows", "2")
    assert kpi("import", type_revision(book), "--data", city).returncode == 0
    r = kpi("report", "--year", "H29", "--lang", "ja", "--out", tmp_path / "out", "--data", city, "--no-progress")
    assert r.returncode == 0, r.stderr
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html")}
    shown = "\n".join(pages.values())
    for name in (
        "保育所の定員数",
        "一時預かりの利用者数",
        "移住者数",
        "新しいひとの流れをつくる",
        "子育て支援センター利用者数",
    ):
        assert name in shown, name
    assert "プロジェクト" not in shown  # the city's words (基本目標), never Hokkaido's


# --- the property: whatever is typed into an added slot, the existing rows stay and every typed
# value is read, or the import refuses naming cells of the workbook --------------------------

_BLANK_BOOK: dict[str, bytes] = {}

# text a user types: letters, digits, punctuation and spaces of any script (not a formula)
TEXT = st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=0, max_size=20).filter(
    lambda s: not s.startswith("=")
)
NUMBER = st.one_of(
    st.integers(min_value=0, max_value=999_999), st.decimals(min_value=0, max_value=9_999, places=2).map(float)
)
YEAR = st.integers(min_value=2012, max_value=2016)


@settings(
    max_examples=examples(25),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    name_ja=TEXT,
    name_en=TEXT,
    unit_ja=st.sampled_from(["人", "件", "%", "万人", ""]),
    unit_en=TEXT,
    # the example's indicators.csv has no unit_en_singular column: a singular is refused at its cell
    singular=st.sampled_from(["", "", "", "place"]),
    baseline=NUMBER,
    baseline_year=YEAR,
    target=NUMBER,
    years_to_target=st.integers(min_value=-1, max_value=6),
    # mostly the direction the figures go (a typo or the other direction now and then: refused)
    direction=st.sampled_from(["as typed"] * 4 + ["higher", "lower", "sideways"]),
    actuals=st.dictionaries(st.sampled_from([2015, 2016, 2017, 2018, 2019]), NUMBER, max_size=3),
)
def test_added_values_are_read_or_refused_at_their_cell(
    name_ja, name_en, unit_ja, unit_en, singular, baseline, baseline_year, target, years_to_target, direction, actuals
):
    target_year = baseline_year + years_to_target
    if direction == "as typed":
        direction = "higher" if target >= baseline else "lower"
    with tempfile.TemporaryDirectory(prefix="kpi-add-") as tmp:
        data = Path(tmp) / "city"
        shutil.copytree(ACHIEVEMENT, data)
        book = Path(tmp) / "add.xlsx"
        if "ja" not in _BLANK_BOOK:
            write_additions(data, book, "ja", rows=1, new_projects=0)
            _BLANK_BOOK["ja"] = book.read_bytes()
        book.write_bytes(_BLANK_BOOK["ja"])
        wb = openpyxl.load_workbook(book)
        put(
            wb["基本目標2"], "p2_k02",
            (("設定項目", name_ja or None), ("基準値", baseline), ("目標値", target), ("単位", unit_ja or None),
             ("方向", direction)),
            (("設定項目", name_en or None), ("基準値", baseline_year), ("目標値", target_year), ("単位", unit_en or None)),
            (("単位", singular or None),),
            years=tuple((f"H{y - 1988}" if y < 2019 else "R1", v) for y, v in actuals.items()),
        )  # fmt: skip
        wb.save(book)
        before = snapshot(data)
        try:
            plan = plan_import(book, data, "en")
            apply_import(plan)
        except DataError as e:
            # refused: each problem names a cell of the workbook, and nothing was written
            assert all(p.file.startswith("[add.xlsx]基本目標2!") for p in e.problems), e.problems
            assert snapshot(data) == before
            event("refused")
            return
        event("imported")
        assert_rows_kept(before, data)
        row = table(data, "indicators.csv")[-1]

        def read(s):
            return unicodedata.normalize("NFC", s).strip()

        assert row["indicator"] == "p2_k02"
        assert not singular  # the file has no column for it
        assert (row["name_ja"], row["name_en"]) == (read(name_ja), read(name_en))
        assert (row["unit_ja"], row["unit_en"]) == (unit_ja, read(unit_en))
        assert float(row["baseline"]) == baseline and float(row["target"]) == target
        assert (row["baseline_year"], row["target_year"], row["direction"]) == (
            str(baseline_year),
            str(target_year),
            direction,
        )
        got = {int(a["year"]): float(a["actual"]) for a in table(data, "actuals.csv") if a["indicator"] == "p2_k02"}
        assert got == {y: float(v) for y, v in actuals.items()}
