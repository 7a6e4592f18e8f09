"""Issue 16, "What the data knows, the reader is told": each figure is labelled as what it is.

Expected figures and words come from the source (shared/source/000_328f68cdd567978d.txt) or from
the small datasets the tests write (tests/synthetic.py), worked out by hand in each docstring.
"""

from __future__ import annotations

import html
import re
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

import kpi_lib
from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.analysis.outlook import outlook
from kpi_lib.core.fiscal_year import YEAR_BASES, parse_fiscal_year, year_label, year_short_label
from kpi_lib.core.labels import text
from kpi_lib.core.resources import SCHEME_DIR
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, as_known_in, load_dataset, validate
from kpi_lib.presentation import commentary, tables, views

import synthetic


def _two_decimal_copy(tmp_path, source=DEFAULT_DATA_DIR):
    """A copy of `source` graded under the hokkaido scheme with `decimals = 2`."""
    data = shutil.copytree(source, tmp_path / "data")
    scheme = (SCHEME_DIR / "hokkaido.toml").read_text(encoding="utf-8")
    assert "decimals = 1" in scheme
    (data / "two.toml").write_text(scheme.replace("decimals = 1", "decimals = 2"), encoding="utf-8")
    meta = (data / "metadata.json").read_text(encoding="utf-8")
    (data / "metadata.json").write_text(re.sub(r'"scheme": "[^"]*"', '"scheme": "two.toml"', meta), encoding="utf-8")
    return data


# --- the pace-adjusted rate is a rate like every other: the scheme's decimals ---------------------


def test_the_pace_adjusted_rate_has_the_schemes_decimals(tmp_path):
    """アクティブ・シニア等の研修会の修了者: 7,086人 by H30 of 累計10,500人 over H27～R1, 4 of its 5
    years elapsed, so 8,400 due by now: 7,086 ÷ 8,400 × 100 = 84.357… → 84.36 at two decimals
    (84.4 at the source's one). 海外からの投資件数: 12 of 12 over H28～R1 with 3 of 4 years
    elapsed: 12 ÷ 9 × 100 = 133.333… → 133.33."""
    one = kpi_lib.grades("H30").drop_duplicates("indicator").set_index("indicator")
    assert one.loc["active_senior_trainees", "pace_adjusted_rate"] == 84.4
    data = _two_decimal_copy(tmp_path)
    g = kpi_lib.grades("H30", data_dir=data).drop_duplicates("indicator").set_index("indicator")
    assert g.loc["active_senior_trainees", "pace_adjusted_rate"] == 84.36
    assert g.loc["foreign_investment_cases", "pace_adjusted_rate"] == 133.33
    for lang in ("ja", "en"):
        said = " ".join(kpi_lib.indicator_commentary("active_senior_trainees", "H30", data_dir=data, lang=lang))
        assert "84.36%" in said and "84.4%" not in said, said


def test_the_rate_shown_in_the_grade_table_has_the_schemes_decimals(tmp_path):
    """A rate none is published for is ours, at the scheme's decimals: 397 ÷ 400 × 100 = 99.25
    exactly (99.2 with one decimal by float formatting); a published one keeps its own (28.7)."""
    data = _two_decimal_copy(tmp_path)
    exact = synthetic.write_dataset(
        tmp_path / "exact",
        [dict(indicator="v", name_ja="件数", baseline="100", baseline_year=2014, target="400")],
        [("v", 2018, "397")],
        scheme=str(data / "two.toml"),
    )
    records = tables.grades_records(evaluate(load_dataset(exact), 2018))
    assert records["rate_shown"].tolist() == ["99.25"]
    published = tables.grades_records(evaluate(load_dataset(data), 2018, projects=[1])).set_index("indicator")
    assert published.loc["pregnancy_consultations", "rate_shown"] == "28.7"  # as printed


# --- national values worked back from a published rate are estimates, in the legend too ----------


def _trend_spec(data, indicator, lang):
    spec = kpi_lib.trend_chart(indicator, "H30", data_dir=data, lang=lang).to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    rows = next(iter(spec["datasets"].values()))
    return points["encoding"]["color"]["scale"]["domain"], rows


def test_estimated_national_values_are_named_estimates_in_the_legend_and_tooltips():
    """女性（25～34歳）の就業率: the source's national row was lost, and benchmarks.csv works its
    values back from the published rates (provenance derived): the legend and every tooltip say
    estimate, never just 全国. 合計特殊出生率's national values are 人口動態統計's (official): 全国."""
    for lang, official, estimated in (
        ("ja", "全国", "全国（推計：公表進捗率から逆算）"),
        ("en", "National", "National (estimated from the published rate)"),
    ):
        legend, rows = _trend_spec(None, "female_employment_25_34", lang)
        assert estimated in legend and official not in legend, legend
        national = [r for r in rows if r["series"].startswith("national")]
        assert {r["series_label"] for r in national if r["series"] == "national_derived"} == {estimated}
        assert {r["year"] for r in national if r["series"] == "national_derived"} == {2015, 2016, 2017, 2018}
        assert all(r["series_label"] != official for r in national)  # the trend of them is of estimates too
        legend, rows = _trend_spec(None, "total_fertility_rate", lang)
        assert official in legend and estimated not in legend, legend


def test_official_and_estimated_national_values_of_one_indicator_are_two_series(tmp_path):
    """Another dataset: a national-level target whose H27–H28 national values are official and
    H29–H30 ones worked back from published rates; only the latter are named estimates."""
    data = synthetic.write_dataset(
        tmp_path / "d",
        [
            dict(
                indicator="rate",
                name_ja="就業率",
                unit_ja="%",
                unit_en="%",
                baseline="60",
                baseline_year=2014,
                target_kind="national",
                target_text_ja="全国水準",
            )
        ],
        [("rate", 2015, "61"), ("rate", 2016, "62"), ("rate", 2017, "63"), ("rate", 2018, "64")],
    )
    (data / "benchmarks.csv").write_text(
        "indicator,year,value,provenance,source\n"
        "rate,2015,70,official,test statistic\n"
        "rate,2016,71,official,test statistic\n"
        "rate,2017,72,derived,worked back from the published rate\n"
        "rate,2018,73,derived,worked back from the published rate\n",
        encoding="utf-8",
    )
    for lang in ("ja", "en"):
        legend, rows = _trend_spec(data, "rate", lang)
        labels = {r["year"]: r["series_label"] for r in rows if r["series"] in ("national", "national_derived")}
        official, estimated = (
            text("series.national", lang),
            text("series.national_derived", lang, load_dataset(data).scheme),
        )
        assert labels == {2015: official, 2016: official, 2017: estimated, 2018: estimated}
        assert official in legend and estimated in legend


# --- a name taken from the analysis text is marked as such wherever a report names it -----------


def _shown(monkeypatch, data, lang, project=None, year=2018, sections=None):
    """Each section's text (markup dropped) and the charts it shows, as a report shows them
    (`sections`: those only; all by default)."""
    out, charts_shown = [], []
    monkeypatch.setattr(views, "_display", out.append)
    # the specs as shown (views._show_chart does not validate them either: test_charts.py does)
    monkeypatch.setattr(
        views,
        "_show_chart",
        lambda chart, frame, *a, **kw: (
            charts_shown.append(chart.to_dict(validate=False)),
            out.append(views._table(frame)),
        ),
    )
    r = views.open_report(year, lang, data, project)
    shown = {}
    for name in SECTIONS if sections is None else sections:
        out.clear()
        getattr(views, name)(r)
        shown[name] = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", " ".join(out)))).strip()
    return shown, charts_shown


SECTIONS = [
    "show_grade_summary",
    "show_project_commentary",
    "show_indicators",
    "show_heatmap",
    "show_lagging",
    "show_changes",
]
WISH = "できれば今と同じ市町村に住んでいたいと考える人の割合増加"
WISH_EN = "Increase in the share of people who would like to keep living in their current municipality if possible"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_name_taken_from_the_analysis_text_is_marked_in_the_report(monkeypatch, lang):
    """Project 1's 数値目標 whose table label was lost: data/indicators.csv takes its name from the
    分析と課題 (「…割合増加」, name_source analysis_text). The summary table, the print table,
    the indicator's heading and commentary and the overview's heat map mark it and say why; the
    KPI whose name is unknown (name_source missing) stays （名称不明）, and no other name is marked."""
    mark = "※" if lang == "ja" else "§"
    name = (WISH if lang == "ja" else WISH_EN) + mark
    note = text("note.name_from_analysis_text", lang)
    shown, _ = _shown(monkeypatch, None, lang, project=1)
    summary = shown["show_grade_summary"]
    assert summary.count(name) == 2 and summary.count(note) == 2  # the screen's table and the print table
    assert summary.count(mark) == 2 + 2  # the two names and the two notes: nothing else is marked
    assert text("label.missing", lang) in summary
    indicators = shown["show_indicators"]
    assert f"{text('kind.数値目標', lang)}{'：' if lang == 'ja' else ': '}{name}" in indicators  # its heading
    assert text("commentary.name_from_analysis_text", lang) in indicators
    assert text("commentary.name_missing", lang) in indicators  # the unknown name, said as before
    table = tables.grade_table(evaluate(load_dataset(), 2018, projects=[1]), lang)
    names = table[text("col.name", lang)].tolist()
    assert [n for n in names if n.endswith(mark)] == [name]
    _, charts_shown = _shown(monkeypatch, None, lang, sections=["show_heatmap"])
    heatmap = next(c for c in charts_shown if c["title"]["text"] == text("chart.heatmap", lang, load_dataset().scheme))
    assert note in heatmap["title"]["subtitle"]
    assert f"1. {name}" in {row["name"] for rows in heatmap["datasets"].values() for row in rows}


def test_a_marked_name_is_explained_wherever_the_overview_names_it(kpi, monkeypatch, tmp_path):
    """examples/expected_path with 待機児童数 named from an analysis text: graded C in FY2018 (the
    worst) after B in FY2017, it is named by the project commentary, the table of laggards and
    the table of changes: each marks it and explains the mark."""
    data = shutil.copytree(synthetic.EXAMPLES / "expected_path", tmp_path / "d")
    path = data / "indicators.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "待機児童数,Children on nursery waiting lists,table",
            "待機児童数,Children on nursery waiting lists,analysis_text",
        ),
        encoding="utf-8",
    )
    for lang, name in (("ja", "待機児童数※"), ("en", "Children on nursery waiting lists§")):
        shown, _ = _shown(monkeypatch, data, lang)
        note = text("note.name_from_analysis_text", lang)
        for section in ("show_project_commentary", "show_lagging", "show_changes"):
            assert name in shown[section] and shown[section].endswith(note), (section, shown[section])
    r = kpi("changes", "--from", "2017", "--to", "2018", "--data", data)
    assert "待機児童数※" in r.stdout and r.stdout.rstrip().endswith(text("note.name_from_analysis_text", "ja"))
    r = kpi("grades", "--year", "2018", "--data", data, "--lang", "en")
    assert "Children on nursery waiting lists§" in r.stdout
    assert r.stdout.rstrip().endswith(text("note.name_from_analysis_text", "en"))
    unmarked, _ = _shown(monkeypatch, synthetic.EXAMPLES / "expected_path", "ja")
    assert not any("※" in s for s in unmarked.values())  # as shipped: every name printed in its table


# --- a cumulative total that counts a year before its period: followed, and said ---------------


def test_the_investment_total_that_counts_h27_is_followed_and_said_so():
    """道の施策により創出する海外からの投資件数: target 12件 over H28～R1 (the source's 「H28～R1累計」),
    but the source prints running totals from H27 on (3, 6, 9, 12件) and rates 25.0%, 50.0%, 75.0%,
    100.0% on them. data/indicators.csv records counted_from = H27: the figures stay as printed
    and the table and the commentary say the totals count from H27."""
    ds = load_dataset()
    assert ds.indicators.set_index("indicator").loc["foreign_investment_cases", "counted_from"] == 2015
    g = kpi_lib.grades("H30").set_index("indicator")
    assert (g.loc["foreign_investment_cases", "actual"], g.loc["foreign_investment_cases", "rate_shown"]) == (12, 100.0)
    for lang, target, said in (
        ("ja", "累計12件 (H28～R1、実績値はH27からの累計)", "前のH27から数えたもの"),
        ("en", "12 cases cumulative (2016–2019; the actuals count from 2015)", "count from 2015"),
    ):
        table = tables.grade_table(evaluate(ds, 2018, projects=[4]), lang).set_index(text("col.name", lang))
        name = (
            "道の施策により創出する海外からの投資件数"
            if lang == "ja"
            else "Investments from overseas created by Hokkaido's measures"
        )
        assert table.loc[name, text("col.target", lang)] == target
        for year in ("H27", "H30"):  # also in the report for H27, before the period begins
            sentences = kpi_lib.indicator_commentary("foreign_investment_cases", year, lang=lang)
            assert sum(said in s for s in sentences) == 1, sentences
    # no other indicator of the shipped data says so
    others = ds.indicators[ds.indicators["indicator"] != "foreign_investment_cases"]
    assert others["counted_from"].isna().all()


def test_counted_from_on_another_dataset_and_its_rules(tmp_path):
    """A made-up cumulative target of 20 over FY2016–FY2019 whose printed totals count from
    FY2015 (2, 6, 11): 11 ÷ 20 = 55.0% in FY2017, graded on the total as printed, and said."""
    row = dict(
        indicator="inv",
        name_ja="誘致件数",
        unit_ja="件",
        unit_en="cases",
        target_kind="cumulative",
        target="20",
        period_start=2016,
        period_end=2019,
        actual_basis="cumulative_to_date",
        counted_from=2015,
    )
    actuals = [("inv", 2015, "2"), ("inv", 2016, "6"), ("inv", 2017, "11")]
    data = synthetic.write_dataset(tmp_path / "d", [row], actuals)
    assert kpi_lib.grades(2017, data)["progress_rate"].tolist() == [55.0]
    said = kpi_lib.indicator_commentary("inv", 2017, data_dir=data, lang="en")
    assert "The source's running totals count from 2015, before the target's period (2016–2019) begins" in (
        " ".join(said)
    )
    for change, message in (
        (dict(counted_from=2016), "2016 is not before period_start 2016"),
        (dict(actual_basis="annual"), "only printed running totals"),
    ):
        bad = synthetic.write_dataset(tmp_path / str(len(change) + len(message)), [{**row, **change}], actuals)
        problems = [str(p) for p in validate(bad)]
        assert len(problems) == 1 and "column 'counted_from'" in problems[0] and message in problems[0], problems
    # examples/ leave the column out: it is optional
    for example in ("expected_path", "milestone_improvement"):
        header = (synthetic.EXAMPLES / example / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
        assert "counted_from" not in header and validate(synthetic.EXAMPLES / example) == []


# --- what a year of an indicator is: fiscal, calendar, or not stated ---------------------------

ERA_FISCAL = re.compile(r"(?:平成|令和)(?:\d+|元)年度")
EN_FISCAL = re.compile(r"FY(\d{4})")


def _fiscal_years_said(sentences) -> set[int]:
    """The fiscal years the sentences name (平成30年度, 令和元年度, FY2018), as numbers."""
    found = set()
    for s in sentences:
        found |= {parse_fiscal_year(m) for m in ERA_FISCAL.findall(s)}
        found |= {int(m) for m in EN_FISCAL.findall(s)}
    return found


def _every_indicator_commentary(ds, lang):
    """(year, indicator, sentences) for every indicator of every year's report, as views makes
    them: from the data as known in the year, with the year before's grade and the outlook."""
    for year in ds.years:
        known = as_known_in(ds, year)
        graded, findings = progress_table(known), audit(known, lang=lang)
        before = evaluate(known, year - 1).set_index(["project", "indicator"]) if year > ds.years[0] else None
        o = outlook(known, year).set_index("indicator")
        for row in evaluate(known, year).to_dict("records"):
            key = (row["project"], row["indicator"])
            previous = before.loc[key].to_dict() | {"evaluation_year": year - 1} if before is not None else None
            mine = findings[(findings["project"] == key[0]) & (findings["indicator"] == key[1])]
            said = commentary.indicator_commentary(row, graded, previous, mine, known.scheme, lang)
            yield year, row["indicator"], said + commentary.outlook_commentary(row, o.loc[key[1]].to_dict(), lang)


@pytest.mark.parametrize(
    "data", [None, synthetic.EXAMPLES / "expected_path", synthetic.EXAMPLES / "milestone_improvement"]
)
def test_no_sentence_calls_a_year_of_figures_a_fiscal_year_unless_the_data_says_so(data):
    """Every indicator of every report (all years, ja and en) whose year basis is not fiscal: the
    only fiscal years its sentences name are the previous evaluation year (its grade then) and
    the year its target was revised in; its own figures' years are never 平成30年度 / FY2018."""
    ds = load_dataset(data)
    bases = ds.indicators.set_index("indicator")["year_basis"]
    assert "fiscal" not in set(bases)  # no shipped dataset states fiscal-year figures
    revised = dict(zip(ds.revisions["indicator"], ds.revisions["revised_in"]))
    for lang in ("ja", "en"):
        for year, indicator, said in _every_indicator_commentary(ds, lang):
            allowed = {year - 1} | ({int(revised[indicator])} if indicator in revised else set())
            assert _fiscal_years_said(said) <= allowed, (indicator, year, lang, said)


def test_calendar_year_figures_are_labelled_so_in_the_hokkaido_report(monkeypatch):
    """合計特殊出生率 and 道産食品輸出額 are calendar-year figures (data/indicators.csv year_basis,
    evidence in note: 「道産食品輸出額（道内港）は平成30年に過去最高額」): their years are 平成30年 /
    2018, the commentary and the tables say 暦年, and their charts' years are not FY."""
    ds = load_dataset()
    bases = ds.indicators.set_index("indicator")["year_basis"]
    assert {i for i, b in bases.items() if b == "calendar"} == {"total_fertility_rate", "food_exports"}
    ja = kpi_lib.indicator_commentary("total_fertility_rate", "H30", lang="ja")
    assert ja[0] == "平成30年の実績値は1.27で、前回（平成29年：1.29）から0.02減少しました。"
    assert ja[1] == "実績値は暦年（1月～12月）の値です。"
    assert "全国値（1.42、平成30年）まであと0.15（進捗率で10.6ポイント）です。" in ja
    en = kpi_lib.indicator_commentary("food_exports", "H30", lang="en", project=3)
    assert en[:2] == [
        "The latest actual is 77.4 billion yen (2018), up 10 billion yen from 67.4 billion yen in 2017.",
        "The actuals are calendar-year figures (January to December).",
    ]
    for lang, cell in (("ja", "774億円 (H30・暦年)"), ("en", "77.4 billion yen (2018, calendar year)")):
        table = tables.grade_table(evaluate(ds, 2018, projects=[3]), lang)
        assert table[text("col.actual", lang)].tolist()[0] == cell  # 道産食品輸出額, project 3's first row
        yearly = tables.yearly_table(
            evaluate(ds, 2018, projects=[3]), ds.actuals, progress_table(ds), ds.published_rates, lang
        )
        figures = yearly[text("col.figure", lang)].tolist()
        assert figures[0] == text("col.actual_calendar", lang) and figures[2] == text("col.actual", lang)
    legend_years = kpi_lib.trend_chart("total_fertility_rate", "H30", lang="en").to_dict()
    points = next(layer for layer in legend_years["layer"] if layer["mark"]["type"] == "point")
    assert legend_years["layer"][0]["encoding"]["x"]["scale"]["domain"] == [str(y) for y in range(2014, 2020)]
    tooltip = {t["field"]: t["title"] for t in points["encoding"]["tooltip"]}
    assert tooltip["year_label"] == "Year"
    ja_chart = kpi_lib.trend_chart("total_fertility_rate", "H30", lang="ja").to_dict()
    points = next(layer for layer in ja_chart["layer"] if layer["mark"]["type"] == "point")
    assert {t["field"]: t["title"] for t in points["encoding"]["tooltip"]}["year_label"] == "年"
    # the project report: its heading, table, commentary and chart data say so, the others do not
    shown, _ = _shown(monkeypatch, None, "ja", project=1)
    assert "1.27 (H30・暦年)" in shown["show_grade_summary"]
    assert shown["show_grade_summary"].count("暦年") == 2  # the summary table's cell, the print table's line
    assert "平成30年度の実績値" not in " ".join(shown.values())


def test_a_dataset_that_states_fiscal_years_keeps_them(tmp_path):
    """examples/expected_path with year_basis = fiscal for every indicator: 平成30年度 / FY2018, as
    stated; left out (as shipped), H30 / 2018."""
    data = shutil.copytree(synthetic.EXAMPLES / "expected_path", tmp_path / "d")
    path = data / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",year_basis"] + [line + ",fiscal" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ja = kpi_lib.indicator_commentary("waiting_list", 2018, data_dir=data, lang="ja")
    assert ja[0] == "平成30年度の実績値は90人で、前回（平成29年度：70人）から20人増加しました。"
    en = kpi_lib.indicator_commentary("waiting_list", 2018, data_dir=data, lang="en")
    assert en[0] == "The latest actual is 90 persons (FY2018), up 20 persons from 70 persons in FY2017."
    table = tables.grade_table(evaluate(load_dataset(data), 2018), "en")
    assert table[text("col.actual", "en")].tolist()[1] == "90 persons (FY2018)"
    shipped = kpi_lib.indicator_commentary("waiting_list", 2018, data_dir=synthetic.EXAMPLES / "expected_path")
    assert shipped[0] == "H30の実績値は90人で、前回（H29：70人）から20人増加しました。"
    path.write_text(path.read_text(encoding="utf-8").replace(",fiscal\n", ",yearly\n", 1), encoding="utf-8")
    problems = [str(p) for p in validate(data)]
    assert len(problems) == 1 and "column 'year_basis'" in problems[0] and "fiscal, calendar, not_stated" in problems[0]


def test_kpi_new_takes_the_year_basis_under_the_actual_basis(kpi, tmp_path):
    """The template's second row under 実績値の種類 is the year basis: typed, it is imported;
    left empty, not_stated; anything else, one line naming the cell."""
    from openpyxl import load_workbook

    from kpi_lib.workbook.new_dataset import WORKBOOK_NAME

    def template(name):
        data = tmp_path / name
        args = ["--scheme", "hokkaido", "--title-ja", "市", "--title-en", "City", "--projects", "1", "--rows", "2"]
        assert kpi("new", data, *args, "--first-year", "2020", "--last-year", "2022").returncode == 0
        wb = load_workbook(data / WORKBOOK_NAME)
        ws = wb.worksheets[0]
        ws["D2"], ws["D3"], ws["D4"], ws["D5"] = "事業", "Project", "ねらい", "Aim"
        row = next(c.row for c in ws["A"] if c.value == "p1_k01")
        heading = {ws.cell(row=row - 2, column=c).value: c for c in range(1, ws.max_column + 1)}
        ws.cell(row=row, column=heading["設定項目"]).value = "件数"
        ws.cell(row=row, column=heading["基準値"]).value = 10
        ws.cell(row=row + 1, column=heading["基準値"]).value = 2019
        ws.cell(row=row, column=heading["目標値"]).value = 20
        ws.cell(row=row + 1, column=heading["目標値"]).value = 2022
        ws.cell(row=row, column=heading["方向"]).value = "higher"
        return data, wb, ws, row + 1, heading["実績値の種類"]

    for name, typed, expected in (("cal", "calendar", "calendar"), ("empty", None, "not_stated")):
        data, wb, ws, row, col = template(name)
        ws.cell(row=row, column=col).value = typed
        wb.save(data / WORKBOOK_NAME)
        r = kpi("import", data / WORKBOOK_NAME, "--data", data)
        assert r.returncode == 0, r.stderr
        assert load_dataset(data).indicators["year_basis"].tolist() == [expected]
    data, wb, ws, row, col = template("bad")
    ws.cell(row=row, column=col).value = "年度"
    wb.save(data / WORKBOOK_NAME)
    r = kpi("import", data / WORKBOOK_NAME, "--data", data)
    assert r.returncode != 0 and "write one of fiscal, calendar, not_stated" in r.stderr, r.stderr
    assert f"!{get_column_letter(col)}{row}" in r.stderr and "Traceback" not in r.stderr


@given(year=st.integers(1989, 2100), basis=st.sampled_from(YEAR_BASES), lang=st.sampled_from(["ja", "en"]))
def test_a_year_label_says_fiscal_year_only_for_a_fiscal_year_basis(year, basis, lang):
    """year_label / year_short_label name the same year (it reads back as it), and say 年度 / FY
    exactly where the basis is fiscal (the compact Japanese H30 never says it); a calendar year
    in Japanese is 平成30年 / 令和元年."""
    long, short = year_label(year, lang, basis), year_short_label(year, lang, basis)
    assert parse_fiscal_year(long) == parse_fiscal_year(short) == year
    assert ("年度" in long or "FY" in long) == (basis == "fiscal")
    assert ("FY" in short) == (basis == "fiscal" and lang == "en") and "年" not in short
    if basis == "calendar" and lang == "ja":
        assert long.endswith("年") and long[:2] in ("平成", "令和")
