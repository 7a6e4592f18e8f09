"""A second office's own rules (issue 17): a city grading A/B/C/D by 達成率 = 実績値 ÷ 目標値
(inverse for lower-is-better) that prints X for a year without an actual, onboarded ONLY through
`kpi new` and the workbook (published rates and grades included), then `kpi audit`, `kpi grades`.

The dataset is examples/achievement_ratio (made-up figures); its scheme file is the city's rule.
Every expected rate and grade below is worked out by hand from the figures and the rule:
  A: target reached; B: ≥ 80%; C: ≥ 50%; D: below; X: no actual of the year's own.
"""

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from kpi_lib.core.errors import KpiError
from kpi_lib.dataset.scheme import parse_scheme
from kpi_lib.workbook.new_dataset import WORKBOOK_NAME

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "achievement_ratio"
SCHEME = EXAMPLE / "achievement_ratio.toml"

# (indicator, year) -> (rate of that year's actual, grade of that evaluation year)
EXPECTED = {
    # 市内事業所の従業者数, target 55,000: 53,100 ÷ 55,000 = 96.545…% → 96.5, B
    ("p1_t01", 2015): ("96.5", "B"),
    # 53,900 ÷ 55,000 = 98.0%: B
    ("p1_t01", 2016): ("98.0", "B"),
    # H29 未: X (the latest-earlier rule would give H28's B)
    ("p1_t01", 2017): ("", "X"),
    # 観光入込客数, target 150: 118 ÷ 150 = 78.666…% → 78.7, C
    ("p1_k01", 2015): ("78.7", "C"),
    # 131 ÷ 150 = 87.333…% → 87.3: B
    ("p1_k01", 2016): ("87.3", "B"),
    # 152 ≥ 150 reached: A; 152 ÷ 150 = 101.333…% → 101.3
    ("p1_k01", 2017): ("101.3", "A"),
    # 待機児童数, lower is better, target 20: 20 ÷ 40 = 50.0%, on the band edge: C
    ("p2_t01", 2015): ("50.0", "C"),
    # 20 ÷ 25 = 80.0%, on the band edge: B
    ("p2_t01", 2016): ("80.0", "B"),
    # 18 ≤ 20 reached: A; 20 ÷ 18 = 111.11…% → 111.1
    ("p2_t01", 2017): ("111.1", "A"),
    # 子育て支援センター利用者数, target 10,000: 7,600 ÷ 10,000 = 76.0%: C
    ("p2_k01", 2015): ("76.0", "C"),
    # H28 未: X (the latest-earlier rule would give H27's C)
    ("p2_k01", 2016): ("", "X"),
    # 4,800 ÷ 10,000 = 48.0%: D
    ("p2_k01", 2017): ("48.0", "D"),
}


def rows(name):
    with open(EXAMPLE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    return float(text.replace(",", "")) if text not in ("未", "—") else text


def slot(ws, key):
    [row] = [c.row for c in ws["A"] if c.value == key]
    return row


def column(ws, row, heading, header_offset=0):
    header = max(c.row for c in ws["A"] if c.value == "key" and c.row < row) + header_offset
    [col] = [c.column for c in ws[header] if c.value == heading]
    return col


def fill(path, english=True):
    """Type the example's tables into kpi new's template, as the city's analyst would (without
    any English: a Japanese-only dataset)."""
    wb = openpyxl.load_workbook(path)
    # the sheets are named in the city's word for its levels (metadata.json report.level_ja)
    assert wb.sheetnames[:2] == ["基本目標1", "基本目標2"], wb.sheetnames
    sheets = {int(p["project"]): wb[f"基本目標{p['project']}"] for p in rows("projects.csv")}
    for p in rows("projects.csv"):
        ws = sheets[int(p["project"])]
        for i, field in enumerate(("name_ja", "name_en", "catch_ja", "catch_en")):
            ws.cell(row=2 + i, column=4).value = p[field] if english or field.endswith("_ja") else None
    project_of = {m["indicator"]: int(m["project"]) for m in rows("project_indicators.csv")}
    actuals = rows("actuals.csv")
    rates = {(r["indicator"], r["year"]): r["progress_rate"] for r in rows("published_rates.csv")}
    grades = {(r["indicator"], r["year"]): r["grade"] for r in rows("published_grades.csv")}
    for ind in rows("indicators.csv"):
        key = ind["indicator"]
        ws = sheets[project_of[key]]
        row = slot(ws, key)
        for heading, offset, value in (
            ("設定項目", 0, ind["name_ja"]),
            ("設定項目", 1, ind["name_en"]),
            ("基準値", 0, number(ind["baseline"])),
            ("基準値", 1, int(ind["baseline_year"])),
            ("目標値", 0, number(ind["target"])),
            ("目標値", 1, int(ind["target_year"])),
            ("単位", 0, ind["unit_ja"]),
            ("単位", 1, ind["unit_en"]),
            ("方向", 0, ind["direction"]),
        ):
            if english or offset == 0 or heading not in ("設定項目", "単位"):
                ws.cell(row=row + offset, column=column(ws, row, heading)).value = value
        for year in range(2015, 2020):
            col = column(ws, row, f"H{year - 1988}" if year < 2019 else "R1", 1)
            for a in actuals:
                if (a["indicator"], a["year"]) == (key, str(year)):
                    ws.cell(row=row, column=col).value = number(a["actual"])
            if (key, str(year)) in rates:  # the published rate of that year's actual, shown as printed
                cell = ws.cell(row=row + 1, column=col)
                cell.value, cell.number_format = float(rates[(key, str(year))]), "0.0"
            if (key, str(year)) in grades:  # the published grade of that evaluation year
                ws.cell(row=row + 2, column=col).value = grades[(key, str(year))]
    wb.save(path)


@pytest.fixture
def city(tmp_path, kpi):
    """The example built only through kpi new → the workbook → kpi import."""
    data = tmp_path / "city"
    meta = json.loads((EXAMPLE / "metadata.json").read_text(encoding="utf-8"))
    r = kpi(
        "new", data, "--scheme", SCHEME, "--title-ja", meta["title_ja"], "--title-en", meta["title_en"],
        "--first-year", "H27", "--last-year", "R1", "--projects", "2", "--rows", "1",
        "--source-title", meta["source"]["title_ja"], "--publisher", meta["source"]["publisher_ja"],
        "--source-url", "https://www.city.example.lg.jp/hyoka/sheet.html?year=2017&kind=1",
        "--source-date", "2018-09-28", "--level-ja", meta["report"]["level_ja"], "--level-en", meta["report"]["level_en"],
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    fill(data / WORKBOOK_NAME)
    r = kpi("import", data / WORKBOOK_NAME, "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert (
        "2 basic goal(s), 4 indicator(s), 12 actual(s), 10 published achievement rate(s) and 12 published grade(s)"
        in r.stdout
    ), r.stdout
    return data


def test_the_city_onboarded_through_the_workbook_reproduces_every_published_figure(city, kpi):
    # the imported tables hold the example's published figures, keyed as data/README.md says
    for name in ("published_rates.csv", "published_grades.csv"):
        got = {tuple(r.values()) for r in csv.DictReader(open(city / name, encoding="utf-8"))}
        want = {tuple(r.values()) for r in rows(name)}
        assert {g[:4] for g in got} == {w[:4] for w in want}, name
    r = kpi("audit", "--data", city, "--lang", "en")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No published figure disagrees with the recomputation." in r.stdout
    for year in (2015, 2016, 2017):
        r = kpi("grades", "--year", year, "--format", "json", "--data", city)
        assert r.returncode == 0, r.stderr
        for g in json.loads(r.stdout):
            rate, grade = EXPECTED[(g["indicator"], year)]
            assert g["grade"] == grade, (g["indicator"], year, g)
            # the rate of the year's own actual: none for an X year (no earlier actual is shown as its rate)
            assert g["progress_rate"] == rate, (g["indicator"], year, g)
            assert (g["latest_year"] == str(year)) == (grade != "X"), g


def test_the_citys_next_year_goes_through_the_yearly_workbook(city, kpi, tmp_path):
    """After the template, the next year (H30) through `kpi export` → the workbook → `kpi import`:
    its actual, published rate and published grade typed in the rows of the template's words, no CSV
    edited; kpi audit then agrees with every published figure."""
    book = tmp_path / "h30.xlsx"
    assert kpi("export", "--xlsx", book, "--data", city, "--year", "H30").returncode == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["基本目標2"]
    row = slot(ws, "p2_t01")
    labels = {ws.cell(row=r, column=7).value: r for r in range(row, row + 4)}
    assert list(labels) == ["実績値", "達成率", "公表値：率", "公表値：評価"]  # the template's words
    # what was typed into the template, shown as printed: H27's published 50.0 and C
    h27 = column(ws, row, "H27", 1)
    h30 = h27 + 3  # (H30 heads the 評価 column too)
    assert ws.cell(row=labels["公表値：率"], column=h27).value == 50.0
    assert ws.cell(row=labels["公表値：評価"], column=h27).value == "C"
    # 待機児童数 H30: 16 children against the target 20, lower is better: reached, A; 20 ÷ 16 = 125.0%
    ws.cell(row=row, column=h30).value = 16
    ws.cell(row=labels["公表値：率"], column=h30).value = 125.0
    ws.cell(row=labels["公表値：評価"], column=h30).value = "A"
    wb.save(book)
    r = kpi("import", book, "--data", city, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "published_rates.csv: added project=2, indicator=p2_t01, year=2018: progress_rate: 125.0" in r.stdout
    assert "published_grades.csv: added project=2, indicator=p2_t01, year=2018: grade: A" in r.stdout
    r = kpi("audit", "--data", city, "--lang", "en")
    assert r.returncode == 0 and "No published figure disagrees" in r.stdout, r.stdout + r.stderr
    r = kpi("grades", "--year", 2018, "--format", "json", "--data", city)
    [g] = [g for g in json.loads(r.stdout) if g["indicator"] == "p2_t01"]
    assert (g["progress_rate"], g["grade"], g["published_rate"], g["published_grade"]) == ("125.0", "A", "125.0", "A")


def test_the_scheme_option_decides(city, kpi):
    """The same data under the latest-earlier rule (Hokkaido's, the default): the two years without
    an actual are graded on the earlier one (H28's 98.0% → B, H27's 76.0% → C), and X, no longer a
    grade of the scheme, is refused in published_grades.csv."""
    toml = (city / "achievement_ratio.toml").read_text(encoding="utf-8")
    (city / "achievement_ratio.toml").write_text(toml.partition("[without_actual]")[0], encoding="utf-8")
    r = kpi("validate", "--data", city)
    assert r.returncode == 1 and "published_grades.csv" in r.stderr and "X" in r.stderr, r.stderr
    grades = (city / "published_grades.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (city / "published_grades.csv").write_text("".join(g for g in grades if ",X," not in g), encoding="utf-8")
    for year, indicator, rate, grade in ((2017, "p1_t01", "98.0", "B"), (2016, "p2_k01", "76.0", "C")):
        r = kpi("grades", "--year", year, "--format", "json", "--data", city)
        [g] = [g for g in json.loads(r.stdout) if g["indicator"] == indicator]
        assert (g["progress_rate"], g["grade"], g["latest_year"]) == (rate, grade, str(year - 1))


def test_the_shipped_example_is_what_the_workbook_gives(city):
    """examples/achievement_ratio is the same dataset, its tables as the import writes them."""
    for name in ("actuals.csv", "project_indicators.csv", "published_grades.csv"):
        got = list(csv.DictReader(open(city / name, encoding="utf-8")))
        assert [{k: v for k, v in r.items() if k != "note"} for r in got] == [
            {k: v for k, v in r.items() if k != "note"} for r in rows(name)
        ], name


def test_metadata_source_url_and_date_and_unknown_keys(tmp_path, kpi):
    data = tmp_path / "d"
    shutil.copytree(EXAMPLE, data)
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    meta["source"]["url"] = "https://www.city.example.lg.jp/a?b=1&c=2"
    meta["source"]["date"] = "2018-09"
    meta["source"]["urll"] = "typo"
    meta["office_note"] = "our own remark"
    (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    r = kpi("validate", "--data", data)
    assert r.returncode == 0, r.stderr
    assert "key 'source.urll' is unknown and is ignored (did you mean 'source.url'?" in r.stderr
    assert "key 'office_note' is unknown and is ignored" in r.stderr
    assert kpi("grades", "--year", "2017", "--data", data).returncode == 0  # a warning, not a refusal
    for bad in ("javascript:alert(1)", "file:///etc/passwd", 'https://x.example/"onmouseover="x'):
        meta["source"]["url"] = bad
        (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        r = kpi("validate", "--data", data)
        assert r.returncode == 1 and "key 'source.url' must be a web address starting with http" in r.stderr
    meta["source"]["url"] = "https://x.example/"
    for bad in ("2018-02-30", "H30", "2018/09/28"):
        meta["source"]["date"] = bad
        (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        r = kpi("validate", "--data", data)
        assert r.returncode == 1 and "key 'source.date' must be a date written YYYY-MM-DD" in r.stderr


def test_kpi_new_writes_the_source_and_refuses_a_bad_one_by_its_option(tmp_path, kpi):
    base = ("--scheme", "hokkaido", "--title-ja", "架空市", "--title-en", "A city", "--first-year", "2020", "--last-year", "2022")  # fmt: skip
    r = kpi("new", tmp_path / "bad", *base, "--source-url", "javascript:alert(1)")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and r.stderr.startswith("kpi: error: --source-url must be")
    assert list(tmp_path.iterdir()) == []  # nothing written
    r = kpi("new", tmp_path / "d", *base, "--source-title", "評価シート", "--publisher", "架空市",
            "--source-url", "https://x.example/s", "--source-date", "2021-03-31")  # fmt: skip
    assert r.returncode == 0, r.stderr
    meta = json.loads((tmp_path / "d" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["source"] == {
        "title_ja": "評価シート",
        "publisher_ja": "架空市",
        "url": "https://x.example/s",
        "date": "2021-03-31",
    }


def _scheme(**without):
    raw = {
        "name": "s",
        "title_ja": "s",
        "title_en": "s",
        "ranking": ["A", "B"],
        "rate": {"definition": "ratio", "reference": "final_target"},
        "bands": [
            {"grade": "A", "when": "achieved", "label_ja": "a", "label_en": "a"},
            {"grade": "B", "label_ja": "b", "label_en": "b"},
        ],
    }
    if without:
        raw["without_actual"] = without
    return raw


def test_the_without_actual_option_is_checked():
    assert parse_scheme(_scheme()).without_actual == "latest_earlier"
    s = parse_scheme(_scheme(rule="not_measured", grade="X", label_ja="x", label_en="x"))
    assert (s.without_actual, s.grades, s.band_grades, s.counted_grades) == (
        "not_measured",
        ("A", "B", "X"),
        ("A", "B"),
        ("A", "B", "X"),
    )
    for without, fragment in (
        ({"rule": "never"}, "[without_actual] rule: 'never' is not one of latest_earlier, not_measured"),
        ({"rule": "not_measured", "label_ja": "x", "label_en": "x"}, "[without_actual] grade: missing"),
        ({"rule": "not_measured", "grade": "B", "label_ja": "x", "label_en": "x"}, "is also a band's grade"),
        ({"rule": "latest_earlier", "grade": "X"}, 'only with rule = "not_measured"'),
        ({"rule": "not_measured", "grade": "X", "label_ja": "x", "label_en": "x", "colour": "red"}, "unknown key"),
    ):
        with pytest.raises(KpiError, match=None) as e:
            parse_scheme(_scheme(**without), "s.toml")
        assert fragment in str(e.value), str(e.value)
    ranked = _scheme(rule="not_measured", grade="X", label_ja="x", label_en="x")
    ranked["ranking"] = ["A", "B", "X"]
    with pytest.raises(KpiError, match="the not-measured grade"):
        parse_scheme(ranked)


@pytest.mark.slow  # runs kpi report
def test_the_citys_report_speaks_its_own_words(city, kpi, tmp_path):
    """The ja report of the city: its level (基本目標), rate (達成率) and grade (評価) words, X
    for the years without an actual, its source cited with its address; no Hokkaido word."""
    out = tmp_path / "out"
    r = kpi("report", "--year", "H29", "--out", out, "--data", city)
    assert r.returncode == 0, r.stderr
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    assert pages, list(out.iterdir())
    everything = "".join(pages.values())
    for word in ("プロジェクト", "進捗率", "進捗区分", "北海道"):
        assert word not in everything, word
    assert "基本目標" in everything and "達成率" in everything and "評価" in everything
    assert "実績値がないため評価できない" in everything  # X's label, in the legend
    assert 'href="https://www.city.example.lg.jp/hyoka/sheet.html?year=2017&amp;kind=1"' in everything


def test_a_japanese_only_dataset_is_valid_and_its_english_report_is_refused(tmp_path, kpi):
    """No English title, project names, catch lines, indicator names or units: valid, graded; in
    English output its Japanese names are marked untranslated; its English report is refused in one
    line, with nothing written (docs/input.md)."""
    data = tmp_path / "city"
    meta = json.loads((EXAMPLE / "metadata.json").read_text(encoding="utf-8"))
    r = kpi("new", data, "--scheme", SCHEME, "--title-ja", meta["title_ja"], "--first-year", "H27",
            "--last-year", "R1", "--projects", "2", "--rows", "1", "--level-ja", "基本目標")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "title_en" not in json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    fill(data / WORKBOOK_NAME, english=False)
    r = kpi("import", data / WORKBOOK_NAME, "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert kpi("audit", "--data", data).returncode == 0
    r = kpi("grades", "--year", "H29", "--lang", "en", "--data", data)
    assert r.returncode == 0 and "観光入込客数 (untranslated)" in r.stdout, r.stdout
    r = kpi("report", "--year", "H29", "--lang", "en", "--out", tmp_path / "out", "--data", data)
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert "no English for metadata.json title_en, projects.csv name_en (2), projects.csv catch_en (2)" in r.stderr
    assert "indicators.csv name_en (4), indicators.csv unit_en (4): no English report is made" in r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("example", ["expected_path", "achievement_ratio"])
def test_a_workbook_written_in_the_earlier_words_still_imports(tmp_path, kpi, example, monkeypatch):
    """A dataset whose words are not Hokkaido's (分野 / 達成度, or 基本目標 / 達成率) exports its own
    sheet names; a workbook exported before (プロジェクト1 …, 進捗率, 進捗) is read as it was."""
    from kpi_lib.workbook import excel_export, excel_import  # noqa: F401 (imported before the patch below)
    from kpi_lib.workbook.excel_layout import LEGACY_WORDS

    data = shutil.copytree(ROOT / "examples" / example, tmp_path / "data")
    build = excel_export.build_workbook
    with monkeypatch.context() as m:  # an export as kpi_lib wrote it before datasets had words
        m.setattr(
            excel_export, "build_workbook", lambda ds, year, lang, words=None: build(ds, year, lang, LEGACY_WORDS)
        )
        assert kpi("export", "--xlsx", tmp_path / "old.xlsx", "--data", data).returncode == 0
    old = openpyxl.load_workbook(tmp_path / "old.xlsx")
    assert old.sheetnames[0] == "プロジェクト1"
    r = kpi("import", tmp_path / "old.xlsx", "--data", data, "--lang", "en")
    assert r.returncode == 0 and r.stdout.startswith("no changes"), r.stdout + r.stderr
    assert kpi("export", "--xlsx", tmp_path / "new.xlsx", "--data", data).returncode == 0
    new = openpyxl.load_workbook(tmp_path / "new.xlsx")
    assert new.sheetnames[0] == ("基本目標1" if example == "achievement_ratio" else "分野1")
    r = kpi("import", tmp_path / "new.xlsx", "--data", data, "--lang", "en")
    assert r.returncode == 0 and r.stdout.startswith("no changes"), r.stdout + r.stderr


def test_a_template_written_before_its_labels_took_the_datasets_words_still_imports(tmp_path, kpi):
    """A `kpi new` template written by an earlier kpi_lib (4d0799e) for the city: its sheets are
    named 基本目標1, 基本目標2, but its note and field labels say プロジェクト, as they did then.
    Filled in and imported now, it reads as the city's own template does."""
    data = tmp_path / "city"
    shutil.copytree(Path(__file__).parent / "fixtures" / "template_4d0799e" / "city", data)
    ws = openpyxl.load_workbook(data / WORKBOOK_NAME)["基本目標1"]
    assert "プロジェクト名（日本語）" in [c.value for c in ws["C"]]  # the earlier wording, as written then
    fill(data / WORKBOOK_NAME)
    r = kpi("import", data / WORKBOOK_NAME, "--data", data, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "2 basic goal(s), 4 indicator(s), 12 actual(s)" in r.stdout, r.stdout
    assert kpi("audit", "--data", data).returncode == 0
