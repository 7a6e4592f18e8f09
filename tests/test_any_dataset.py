"""The report path works for any valid dataset and scheme, with the dataset's own wording only.

Datasets: Hokkaido's (data/), both shipped examples, and a made-up dataset with a five-grade
ratio scheme of its own and a per-indicator band override (built here). tests/test_new_dataset.py
adds one built through `kpi new` and `kpi import`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.grading import evaluate
from kpi_lib.core import numbers
from kpi_lib.dataset.loading import load_dataset, validate
from kpi_lib.dataset.schema import METADATA
from kpi_lib.dataset.scheme import load_scheme
from kpi_lib.presentation import charts, views
from kpi_lib.presentation.style import (
    GRADE_LIGHTNESS,
    MIN_CONTRAST,
    OKABE_ITO,
    contrast_ratio,
    grade_colours,
    grey_level,
    lightness,
    with_lightness,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
HOKKAIDO_WORDING = ("北海道", "重点戦略", "Hokkaido", "A①", "A②", "A③", "市町村連携地域モデル事業")

FIVE_GRADES_TOML = """
name = "five_grades"
title_ja = "達成率による5段階の進捗区分（例）"
title_en = "Five grades by achievement ratio (example)"
ranking = ["S", "A", "B", "C", "D"]

[rate]
definition = "ratio"
reference = "final_target"

[[bands]]
grade = "S"
when = "achieved"
label_ja = "目標値を達成"
label_en = "Target reached"

[[bands]]
grade = "A"
rate_at_least = 90
label_ja = "達成率90%以上"
label_en = "90% or more"

[[bands]]
grade = "B"
rate_at_least = 70
label_ja = "達成率70%以上90%未満"
label_en = "70% to under 90%"

[[bands]]
grade = "C"
rate_at_least = 50
label_ja = "達成率50%以上70%未満"
label_en = "50% to under 70%"

[[bands]]
grade = "D"
label_ja = "達成率50%未満"
label_en = "Below 50%"

[[overrides]]
indicators = ["checkup_rate"]
note_ja = "目標値が100%の項目は、100%到達で最上位"
note_en = "for items whose target is 100%, reaching 100% is the top grade"

[[overrides.bands]]
grade = "S"
when = "achieved"
label_ja = "100%に到達"
label_en = "100% reached"

[[overrides.bands]]
grade = "A"
rate_at_least = 95
label_ja = "達成率95%以上"
label_en = "95% or more"

[[overrides.bands]]
grade = "D"
label_ja = "達成率95%未満"
label_en = "Below 95%"
"""

INDICATOR_HEADER = (
    "indicator,name_ja,name_en,name_source,unit_ja,unit_en,direction,baseline,baseline_year,target_kind,"
    "target,target_text_ja,target_year,period_start,period_end,revised_target,revised_target_year,actual_basis,note"
)


def build_five_grades(root: Path) -> Path:
    """A made-up two-project dataset: no pillars, no analysis, no measures, no published figures."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "five_grades.toml").write_text(FIVE_GRADES_TOML, encoding="utf-8")
    meta = {
        "title_ja": "架空市まち・ひと・しごと創生総合戦略",
        "title_en": "A fictional city's revitalization strategy",
        "source": {"note": "Made-up figures for the tests."},
        "scheme": "five_grades.toml",
        "period": {"first": 2015, "last": 2019},
    }
    (root / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    files = {
        "projects.csv": "project,name_ja,name_en,pillar,pillar_note,catch_ja,catch_en\n"
        "1,観光と健康,Tourism and health,,,訪れたいまち,A city to visit\n"
        "2,しごと,Jobs,,,働けるまち,A city to work in\n",
        "indicators.csv": INDICATOR_HEADER + "\n"
        "visitors,来訪者数,Visitors,table,千人,thousand persons,higher,100,2014,value,200,,2019,,,,,annual,\n"
        "checkup_rate,健診受診率,Check-up rate,table,%,%,higher,80,2014,value,100,,2019,,,,,annual,\n"
        "jobs,雇用者数,Jobs,table,人,persons,higher,1000,2014,value,1200,,2019,,,,,annual,\n",
        "project_indicators.csv": "project,kind,position,indicator\n"
        "1,KPI,1,visitors\n1,KPI,2,checkup_rate\n2,数値目標,1,jobs\n",
        "actuals.csv": "indicator,year,actual\n"
        "visitors,2016,150\nvisitors,2017,185\n"
        "checkup_rate,2016,90\ncheckup_rate,2017,93\n"
        "jobs,2016,1250\njobs,2017,1100\n",
    }
    for name, body in files.items():
        (root / name).write_text(body, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def five_grades(tmp_path_factory) -> Path:
    return build_five_grades(tmp_path_factory.mktemp("five") / "five_grades")


# --- grading under the dataset's own scheme -----------------------------------------------------


def test_five_grade_scheme_and_its_override(five_grades):
    dataset = load_dataset(five_grades)
    r = evaluate(dataset, 2017).set_index("indicator")
    # by hand: 185 ÷ 200 = 92.5% -> A (90% or more); 1,100 ÷ 1,200 = 91.67% -> 91.7% -> A;
    # 93 ÷ 100 = 93.0%: A under the main bands, but the override asks 95% -> D
    assert (r.loc["visitors", "progress_rate"], r.loc["visitors", "grade"]) == (92.5, "A")
    assert (r.loc["jobs", "progress_rate"], r.loc["jobs", "grade"]) == (91.7, "A")
    assert (r.loc["checkup_rate", "progress_rate"], r.loc["checkup_rate", "grade"]) == (93.0, "D")
    r2016 = evaluate(dataset, 2016).set_index("indicator")
    # 1,250 ≥ 1,200: reached -> S; 150 ÷ 200 = 75.0% -> B; 90 ÷ 100 = 90.0% -> D under the override
    assert list(r2016.loc[["jobs", "visitors", "checkup_rate"], "grade"]) == ["S", "B", "D"]


def test_override_is_validated(five_grades, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(five_grades, bad)
    toml = bad / "five_grades.toml"
    toml.write_text(FIVE_GRADES_TOML.replace('indicators = ["checkup_rate"]', 'indicators = ["no_such"]'), "utf-8")
    problems = [str(p) for p in validate(bad)]
    assert problems == [
        "metadata.json: column 'scheme': the scheme's override names indicator 'no_such', which indicators.csv does not have"
    ]
    toml.write_text(
        FIVE_GRADES_TOML.replace('grade = "A"\nrate_at_least = 95', 'grade = "AA"\nrate_at_least = 95'), "utf-8"
    )
    problems = [str(p) for p in validate(bad)]
    assert len(problems) == 1 and "overrides[1] bands: 'AA' is not one of the scheme's grades" in problems[0]


def test_override_shows_in_the_legend_and_commentary(five_grades):
    from kpi_lib.presentation import commentary

    r = views.open_report(2017, "en", five_grades, project=1)
    row = r.results.set_index("indicator").loc["checkup_rate"].to_dict() | {"indicator": "checkup_rate"}
    sentences = commentary.indicator_commentary(row, r.graded, None, r.findings.iloc[0:0], r.scheme, "en")
    assert 'The grade is D ("Below 95%"), as kpi_lib computes it under the official rules.' in sentences[-1]


# --- colours, band lines -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hokkaido", "milestone_improvement", "expected_path"])
def test_grade_colours_follow_the_schemes_ranking(name):
    scheme = load_scheme(name)
    colours = grade_colours(scheme)
    assert list(colours) == list(scheme.ranking)
    # best green, worst vermillion: the palette's hues, made as light as the grade's place says
    best, worst = scheme.ranking[0], scheme.ranking[-1]
    assert colours[best][0] == with_lightness(OKABE_ITO["bluish_green"], GRADE_LIGHTNESS[0])
    assert colours[worst][0] == with_lightness(OKABE_ITO["vermillion"], GRADE_LIGHTNESS[1])
    assert len({bg for bg, _ in colours.values()}) == len(colours)
    for bg, fg in colours.values():
        assert contrast_ratio(bg, fg) >= MIN_CONTRAST


@pytest.mark.parametrize("name", ["hokkaido", "milestone_improvement", "expected_path"])
def test_grades_print_apart_in_black_and_white(name):
    """Issue 18: on a greyscale print A① and B were the same grey (#009E73 and #D55E00). Each grade
    of a shipped scheme is now lighter than the one before it by a step a reader sees, both in CIE
    lightness and in the grey a greyscale printer (pdftoppm -gray) makes of it."""
    colours = [bg for bg, _ in grade_colours(load_scheme(name)).values()]
    lightnesses = [lightness(c) for c in colours]
    greys = [grey_level(c) for c in colours]
    assert all(b - a >= 15 for a, b in zip(lightnesses, lightnesses[1:])), lightnesses
    assert all(b - a >= 0.12 for a, b in zip(greys, greys[1:])), greys


def test_any_number_of_grades_prints_apart_in_black_and_white():
    """Every ranking length a scheme may have (1 to MAX_GRADES): lightness in the ranking's order,
    distinct greys, text that reads on its colour, and the shapes of the progress-rate chart distinct."""
    from types import SimpleNamespace

    from kpi_lib.dataset.scheme import MAX_GRADES

    for n in range(1, MAX_GRADES + 1):
        grades = [f"G{i}" for i in range(n)]
        scheme = SimpleNamespace(ranking=tuple(grades), grades=tuple(grades), not_measured=None)
        colours = grade_colours(scheme)
        backgrounds = [bg for bg, _ in colours.values()]
        lightnesses = [lightness(c) for c in backgrounds]
        greys = sorted(grey_level(c) for c in backgrounds)
        assert all(b - a >= 7.5 for a, b in zip(lightnesses, lightnesses[1:])), (n, lightnesses)
        assert all(b - a >= 0.07 for a, b in zip(greys, greys[1:])), (n, greys)
        assert all(contrast_ratio(bg, fg) >= MIN_CONTRAST for bg, fg in colours.values()), n
        assert len(set(charts.grade_shapes(scheme).values())) == n


def test_five_grades_get_five_colours(five_grades):
    colours = grade_colours(load_scheme("five_grades.toml", base=five_grades))
    assert list(colours) == ["S", "A", "B", "C", "D"]
    picks = ["bluish_green", "blue", "sky_blue", "orange", "vermillion"]  # style.PALETTE_PICKS[5]
    assert [bg for bg, _ in colours.values()] == [
        with_lightness(OKABE_ITO[p], L) for p, L in zip(picks, (35.0, 47.5, 60.0, 72.5, 85.0))
    ]
    assert all(contrast_ratio(bg, fg) >= MIN_CONTRAST for bg, fg in colours.values())


@pytest.mark.parametrize(
    "name, lines",
    [
        ("hokkaido", [80.0, 100.0]),  # B below 80%; A① when the target is reached
        ("milestone_improvement", [80.0, 100.0]),  # A reached; B 80% or more
        ("expected_path", [50.0, 80.0, 100.0]),  # A 100%, B+ 80%, B 50%
    ],
)
def test_rate_chart_lines_come_from_the_schemes_bands(name, lines):
    scheme = load_scheme(name)
    assert charts.band_lines(scheme) == lines


def test_rate_chart_draws_the_schemes_lines(five_grades):
    r = views.open_report(2017, "ja", five_grades, project=1)
    row = r.results.iloc[0].to_dict()
    spec = charts.rate_chart(r.graded, row, r.scheme, "ja").to_dict()
    rules = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    values = spec["datasets"][rules[0]["data"]["name"]]
    assert [v["progress_rate"] for v in values] == [50.0, 70.0, 90.0, 100.0]


# --- milestone schemes: the milestone is named as such --------------------------------------------


@pytest.mark.parametrize(
    "example, word_ja, word_en",
    [("milestone_improvement", "目安値", "milestone"), ("expected_path", "期待値", "expected value")],
)
def test_milestone_commentary_names_the_milestone_with_its_own_year(example, word_ja, word_en):
    from kpi_lib.presentation import commentary

    for lang, word in (("ja", word_ja), ("en", word_en)):
        r = views.open_report(2018, lang, EXAMPLES / example, project=1)
        for row in r.results.to_dict("records"):
            sentences = commentary.indicator_commentary(row, r.graded, None, r.findings.iloc[0:0], r.scheme, lang)
            joined = " ".join(sentences)
            assert word in joined
            # never the final target's wording or year for the figure graded against
            assert "目標値（" not in joined and "the target (" not in joined
            assert "令和元年度" not in joined and "FY2019" not in joined


def test_trend_chart_has_the_milestone_line():
    r = views.open_report(2018, "ja", EXAMPLES / "milestone_improvement", project=1)
    row = r.results.set_index("indicator").loc["waiting_list"].to_dict() | {"indicator": "waiting_list"}
    frame = charts.trend_frame(r.dataset, row, "ja", None, r.scheme)
    milestones = frame[frame["series"] == "milestone"]
    # examples/milestone_improvement/milestones.csv: 80 (H28), 60 (H29), 40 (H30)
    assert list(zip(milestones["year"], milestones["value"])) == [(2016, 80.0), (2017, 60.0), (2018, 40.0)]
    assert set(milestones["series_label"]) == {"目安値"}


# --- metadata.json ------------------------------------------------------------------------------


def test_data_readme_documents_every_metadata_key_and_nothing_else():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## `metadata.json`")[1].split("\n## ")[0]
    documented = re.findall(r"^\| `([a-z_.]+)` \| ([a-z ]+) \| (yes)? *\|", section, flags=re.M)
    assert [(k, t.strip(), bool(r)) for k, t, r in documented] == [(k.key, k.type, k.required) for k in METADATA]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title_ja": 5}, "metadata.json: key 'title_ja' must be text (a non-empty string), not 5"),
        (
            {"report": {"title_en": ["x"]}},
            "metadata.json: key 'report.title_en' must be text (a non-empty string), not [\"x\"]",
        ),
        ({"source": {"note": 1}}, "metadata.json: key 'source.note' must be text (a non-empty string), not 1"),
        (
            {"report": {"partnerships_project": "5"}},
            "metadata.json: key 'report.partnerships_project' must be a whole number, not \"5\"",
        ),
    ],
)
def test_metadata_types_are_checked_by_kpi_validate(tmp_path, kpi, change, message):
    data = tmp_path / "d"
    shutil.copytree(EXAMPLES / "expected_path", data)
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    meta.update(change)
    (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    r = kpi("validate", "--data", data)
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == f"kpi: error: {message}"
    r = kpi("report", "--data", data, "--year", "2018", "--out", tmp_path / "out")
    assert r.returncode == 1 and "Traceback" not in r.stderr and message in r.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --- kpi audit ----------------------------------------------------------------------------------


def test_audit_exits_zero_when_nothing_disagrees(kpi):
    for example in ("milestone_improvement", "expected_path"):
        r = kpi("audit", "--data", EXAMPLES / example)
        assert r.returncode == 0 and r.stdout.splitlines()[0] == "公表値と再計算値の不一致はありません。"


def test_audit_exits_one_with_localised_arithmetic(kpi, dataset):
    r = kpi("audit")
    assert r.returncode == 1 and "7,086 ÷ 10,500 × 100 = 67.4857 → 67.5" in r.stdout
    assert r.stderr.strip() == "1件の公表値が再計算値と一致しません。"
    r = kpi("audit", "--lang", "en")
    assert r.returncode == 1 and r.stderr.strip() == "1 published figure(s) disagree with the recomputation."
    # the grade arithmetic in Japanese: A② because the original target is reached
    from kpi_lib.analysis.audit import grade_arithmetic

    row = evaluate(dataset, 2018).set_index(["project", "indicator"]).loc[(5, "partnership_areas")]
    assert grade_arithmetic(row, load_scheme("hokkaido"), "ja").endswith("上方修正前の目標値を達成 → A②")
    assert grade_arithmetic(row, load_scheme("hokkaido"), "en").endswith("original target achieved → A②")
    assert audit(dataset, lang="ja").iloc[0]["arithmetic"] == "7,086 ÷ 10,500 × 100 = 67.4857 → 67.5"


def test_audit_lists_the_data_notes_that_reports_leave_out(kpi, dataset, report_set):
    # extraction notes belong to the data and the audit, not to council-facing headings
    r = kpi("audit", "--lang", "en")
    assert r.returncode == 1  # the notes are no disagreement: the status is the findings'
    notes = r.stdout.split("Data notes (not disagreements")[1]
    pillar_note = dataset.projects.set_index("project").loc[5, "pillar_note"]
    name_note = dataset.indicators.set_index("indicator").loc["p1_kpi3", "note"]
    for note in (pillar_note, name_note):
        assert note in notes
    r = kpi("audit", "--notes", "--format", "csv")
    assert r.returncode == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"file": "projects.csv", "key": "project=5", "column": "pillar_note", "note": pillar_note} in rows
    assert {"file": "indicators.csv", "key": "indicator=p1_kpi3", "column": "note", "note": name_note} in rows
    # every non-empty note of indicators.csv, and nothing made up
    written = [n for n in dataset.indicators["note"] if isinstance(n, str) and n.strip()]
    assert [row["note"] for row in rows if row["file"] == "indicators.csv"] == written
    for lang in ("ja", "en"):  # the shipped data's reports (conftest.report_set)
        for page in ("project_1", "project_5", "overview"):
            shown = (report_set / "2018" / lang / f"{page}.html").read_text(encoding="utf-8")
            assert pillar_note not in shown and name_note not in shown and "extraction" not in shown


# --- the whole report path ----------------------------------------------------------------------


def run_reports(data: Path, year: int, out: Path) -> dict[str, str]:
    """`kpi report` as a user runs it; every page's text by relative path."""
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi_lib.cli",
            "report",
            "--data",
            str(data),
            "--year",
            str(year),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


def check_report_set(pages: dict[str, str], year: int, projects: list[int], hokkaido: bool) -> None:
    for lang in ("ja", "en"):
        names = {f"{year}/{lang}/{n}.html" for n in ["index", "overview", *(f"project_{p}" for p in projects)]}
        assert names <= set(pages), sorted(pages)
    if not hokkaido:
        for name, page in pages.items():
            for word in HOKKAIDO_WORDING:
                assert word not in page, (name, word)


def visible(page: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.slow  # runs kpi report
@pytest.mark.parametrize("example", ["milestone_improvement", "expected_path"])
def test_report_set_for_each_example(tmp_path, example):
    pages = run_reports(EXAMPLES / example, 2018, tmp_path)
    check_report_set(pages, 2018, [1], hokkaido=False)
    ja, en = visible(pages["2018/ja/project_1.html"]), visible(pages["2018/en/project_1.html"])
    word = {
        "milestone_improvement": ("目安値", "Milestone (目安値)"),
        "expected_path": ("期待値", "Expected value (期待値)"),
    }[example]
    assert word[0] in ja and word[1] in en  # the grade table's column
    # no section without data: no analysis, measures or pillar; no published columns
    for absent in ("分析と課題", "主な施策", "公表進捗", "柱"):
        assert absent not in ja, absent
    assert "Analysis and challenges" not in en and "Published grade" not in en
    title = json.loads((EXAMPLES / example / "metadata.json").read_text(encoding="utf-8"))["title_ja"]
    assert title in ja and title in visible(pages["2018/ja/overview.html"])


@pytest.mark.slow  # runs kpi report
def test_report_set_for_a_five_grade_dataset(tmp_path, five_grades):
    pages = run_reports(five_grades, 2017, tmp_path / "out")
    check_report_set(pages, 2017, [1, 2], hokkaido=False)
    overview = visible(pages["2017/ja/overview.html"])
    # the dataset names no words of its own: the neutral 評価 (Hokkaido's scheme says 進捗)
    assert "評価がDの指標" in overview and "健診受診率" in overview.split("評価がDの指標")[1]
    legend = visible(pages["2017/en/project_1.html"])
    assert (
        "Check-up rate are graded by these bands (for items whose target is 100%, reaching 100% is the top grade)"
        in legend
    )


def test_report_set_for_hokkaido(report_set):
    # the shipped data's FY2018 set, as conftest.report_set ran it (the same `kpi report` command)
    pages = {
        str(p.relative_to(report_set)): p.read_text(encoding="utf-8")
        for p in sorted((report_set / "2018").rglob("*.html"))
    }
    check_report_set(pages, 2018, [1, 2, 3, 4, 5], hokkaido=True)
    ja = visible(pages["2018/ja/project_5.html"])
    # the dataset's own wording, from metadata.json
    assert "重点戦略プロジェクト 推進状況" in ja and "市町村連携地域モデル事業 実施地域" in ja
    assert "分析と課題" in ja and "柱" in ja
    assert "重点戦略プロジェクト 推進状況 総括" in visible(pages["2018/ja/overview.html"])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_cumulative_target_shows_the_running_total_it_is_graded_on(lang):
    # examples/expected_path: new businesses 180 + 230 + 150 + 100 = 660 by FY2018, against an
    # expected 800 (4/5 of 1,000): 82.5%. The table and the text must not set the year's 100
    # beside 800 as if they were comparable.
    from kpi_lib.presentation import commentary, tables

    r = views.open_report(2018, lang, EXAMPLES / "expected_path", project=1)
    row = r.results.set_index("indicator").loc["new_businesses"]
    assert (row["actual"], row["measured"], row["progress_rate"]) == (100, 660, 82.5)
    # its years are not stated to be fiscal ones: 2018, not FY2018 (indicators.csv year_basis)
    actual_column = {"ja": "100件（累計660件） (H30)", "en": "100 cases (660 cases in total) (2018)"}[lang]
    assert actual_column in list(tables.grade_table(r.results, lang).iloc[0])
    row = r.results.iloc[0].to_dict()
    assert row["indicator"] == "new_businesses"
    f = r.findings.iloc[0:0]
    said = " ".join(commentary.indicator_commentary(row, r.graded, None, f, r.scheme, lang))
    assert {
        "ja": "H27からH30までの累計は660件",
        "en": "from 2015, when the cumulative target's period began, up to 2018 is 660 cases",
    }[lang] in said
    said = " ".join(commentary.outlook_commentary(row, r.outlook.loc["new_businesses"].to_dict(), lang))
    # the trend is that of the annual figures (a running total rises whatever happens), said as such
    assert {
        "ja": "各年度の上積みはH27：180件、H28：230件、H29：150件、H30：100件で、",
        "en": "Annual additions to the running total: 180 cases (2015), 230 cases (2016), 150 cases (2017), "
        "100 cases (2018).",
    }[lang] in said
    # the chart draws the running totals beside the annual actuals, and the projection (the annual
    # figures' trend added up) starts at the latest running total, not at the year's actual
    frame = charts.trend_frame(r.dataset, row, lang, r.outlook.loc["new_businesses"].to_dict(), r.scheme)

    def points(series):
        rows = frame[frame["series"] == series]
        return list(zip(rows["year"], rows["value"]))

    assert points("actual") == [(2015, 180), (2016, 230), (2017, 150), (2018, 100)]
    assert points("running_total") == [(2015, 180), (2016, 410), (2017, 560), (2018, 660)]
    assert points("projection")[0] == (2018, 660)
    assert set(frame.loc[frame["series"] == "running_total", "series_label"]) == {
        {"ja": "実績値の累計", "en": "Running total of actuals"}[lang]
    }


def test_a_cumulative_path_whose_final_total_is_not_published(tmp_path, kpi):
    # Some strategies publish only the yearly expected path (期待値) of a cumulative target, not
    # its final total. Under a scheme that grades on the path the total may be left empty; the
    # grade is unchanged (660 against 800 in FY2018: 82.5%, B+), nothing claims a final target,
    # and no outlook is drawn toward a total nobody published.
    data = tmp_path / "path_only"
    shutil.copytree(EXAMPLES / "expected_path", data)
    indicators = (data / "indicators.csv").read_text(encoding="utf-8")
    assert ',cumulative,"1,000",' in indicators
    (data / "indicators.csv").write_text(indicators.replace(',cumulative,"1,000",', ",cumulative,,"), encoding="utf-8")
    assert kpi("validate", "--data", data).returncode == 0
    r = views.open_report(2018, "en", data, project=1)
    row = r.results.set_index("indicator").loc["new_businesses"]
    assert (row["measured"], row["reference"], row["progress_rate"], row["grade"]) == (660, 800, 82.5, "B+")
    from kpi_lib.presentation import commentary, tables

    table = tables.grade_table(r.results, "en").iloc[0]
    assert "cumulative, final total not published (2015–2019)" in list(table)
    o = r.outlook.loc["new_businesses"].to_dict()
    said = commentary.outlook_commentary(r.results.iloc[0].to_dict(), o, "en")
    assert "The final total of this cumulative target is not published, so no outlook is given" in " ".join(said)
    assert numbers.is_missing(o.get("pace_adjusted_rate"))
    chart = charts.trend_chart(r.dataset, r.results.iloc[0].to_dict(), "en", o, r.scheme).to_dict()
    assert not [layer for layer in chart["layer"] if layer.get("mark", {}).get("type") == "rule"]  # no target line
    # the workbook carries it both ways
    assert kpi("export", "--xlsx", tmp_path / "w.xlsx", "--data", data).returncode == 0
    r = kpi("import", tmp_path / "w.xlsx", "--data", data, "--lang", "en")
    assert r.returncode == 0 and r.stdout.startswith("no changes"), r.stderr
    # a scheme that grades against the final target still needs it, and says when it may be empty
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    (data / "metadata.json").write_text(json.dumps({**meta, "scheme": "hokkaido"}), encoding="utf-8")
    (data / "milestones.csv").unlink()
    r = kpi("validate", "--data", data)
    assert r.returncode == 1
    assert (
        "a cumulative target needs a target value (it may be left empty only where the scheme grades"
        in r.stdout + r.stderr
    )
