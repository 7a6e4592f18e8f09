"""Issue 16: numbers keep their precision, and every valid dataset (a good year, one indicator,
no previous year …) reports in words. Expected figures are worked out by hand from the data
the tests write (tests/synthetic.py) or from the source document (data/)."""

import dataclasses
import json
import re
import shutil
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import altair as alt
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

import kpi_lib
from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.grading import evaluate, progress_table, round_rates
from kpi_lib.analysis.outlook import outlook
from kpi_lib.core.formatting import format_rate
from kpi_lib.core.labels import text
from kpi_lib.core.resources import SCHEME_DIR
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, load_dataset, validate
from kpi_lib.dataset.scheme import load_scheme
from kpi_lib.presentation import charts, tables, views

import synthetic

SCHEMES = ["hokkaido", "milestone_improvement", "expected_path"]

# A stated difference, gap, pace or slope, with the number it states (ja and en sentences).
STATED = {
    "difference": [r"から(-?[\d,]+(?:\.\d+)?)(?:ポイント)?(?:増加|減少)", r"(?:up|down) (-?[\d,]+(?:\.\d+)?) from"],
    "gap": [r"まであと(-?[\d,]+(?:\.\d+)?)", r"It is (-?[\d,]+(?:\.\d+)?) short"],
    "pace": [r"年平均(-?[\d,]+(?:\.\d+)?)", r"(?:increase|decrease|addition) of (-?[\d,]+(?:\.\d+)?) a year"],
    "slope": [r"傾きは年(-?[\d,]+(?:\.\d+)?)", r"changes by (-?[\d,]+(?:\.\d+)?) a year"],
}


def stated_numbers(sentences, kinds=tuple(STATED)):
    return [float(m.replace(",", "")) for s in sentences for k in kinds for p in STATED[k] for m in re.findall(p, s)]


def sentences(data, year=2018, lang="ja", indicator="tfr"):
    return kpi_lib.indicator_commentary(indicator, year, data_dir=data, lang=lang)


# --- a declared or inferred display precision ---------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_workbook_that_dropped_trailing_zeros_keeps_two_decimals(tmp_path, scheme):
    """0.90, 1.40, 1.11, 1.00 stored as 0.9, 1.4, 1.11, 1: 1.11 − 1.00 = 0.11, not 0."""
    data = synthetic.printed_decimals(tmp_path / "d", scheme)
    assert load_dataset(data).indicators.set_index("indicator").loc["tfr", "decimals"] == 2  # from 1.11
    ja, en = sentences(data), sentences(data, lang="en")
    assert "H30の実績値は1.00で、前回（H29：1.11）から0.11減少しました。" in ja
    assert "The latest actual is 1.00 (2018), down 0.11 from 1.11 in 2017." in en
    assert all(n != 0 for n in stated_numbers(ja + en)), ja + en  # the values all differ
    if scheme == "hokkaido":  # target 1.8 in FY2020: 1.8 − 1.00 = 0.80 short, 0.80 ÷ 2 years = 0.40 a year
        assert "目標値（1.8、R2）まであと0.80（進捗率で44.4ポイント）です。" in ja
        assert "R2の目標達成には、年平均0.40の増加が必要です。" in ja
    else:  # the FY2018 milestone / expected value 1.45: 0.45 short
        assert any("まであと0.45" in s for s in ja), ja


def test_a_declared_precision_pads_values_no_figure_shows(tmp_path):
    """0.9, 1.4, 1.2, 1 with decimals = 2 are 0.90 … 1.00: nothing written shows the precision."""
    actuals = [("tfr", 2015, "0.9"), ("tfr", 2016, "1.4"), ("tfr", 2017, "1.2"), ("tfr", 2018, "1")]
    declared = synthetic.write_dataset(tmp_path / "declared", [{**synthetic.TFR, "decimals": 2}], actuals)
    inferred = synthetic.write_dataset(tmp_path / "inferred", [synthetic.TFR], actuals)
    assert "H30の実績値は1.00で、前回（H29：1.20）から0.20減少しました。" in sentences(declared)
    # without a declaration the precision is the most decimals written (1.29: two)
    assert "H30の実績値は1.00で、前回（H29：1.20）から0.20減少しました。" in sentences(inferred)
    g = kpi_lib.grades(2018, declared)
    assert tables.grade_table(evaluate(load_dataset(declared), 2018))["実績値"].tolist() == ["1.00 (H30)"]
    assert g["actual"].tolist() == [1.0]


def test_the_trend_chart_keeps_the_precision(tmp_path):
    """0.85, 0.90, 0.95, 1.00 (the last stored as 1; four points, the outlook's minimum): every
    slope between two of them is 0.05 a year, so from 1.00 in FY2018 the trend reaches
    1.00 + 2 × 0.05 = 1.10 in FY2020, drawn and labelled so (not 1, flat)."""
    data = synthetic.write_dataset(
        tmp_path / "d",
        [{**synthetic.TFR, "decimals": 2}],
        [("tfr", 2015, "0.85"), ("tfr", 2016, "0.9"), ("tfr", 2017, "0.95"), ("tfr", 2018, "1")],
    )
    ds = load_dataset(data)
    row = evaluate(ds, 2018).iloc[0].to_dict()
    o = outlook(ds, 2018).set_index("indicator").loc["tfr"].to_dict()
    frame = charts.trend_frame(ds, row, "ja", o)
    actual = frame[frame["series"] == "actual"]
    assert actual["value_text"].tolist() == ["0.85", "0.90", "0.95", "1.00"]
    projection = frame[frame["series"] == "projection"]
    assert projection["value"].tolist() == [1.0, 1.1] and projection["value_text"].tolist() == ["1.00", "1.10"]


def test_a_declared_precision_below_the_written_figures_is_refused(tmp_path):
    data = synthetic.write_dataset(tmp_path / "d", [{**synthetic.TFR, "decimals": 1}], synthetic.TFR_ACTUALS)
    problems = [str(p) for p in validate(data)]
    assert len(problems) == 1 and "indicators.csv:2: column 'decimals'" in problems[0], problems
    assert "written with 2" in problems[0]
    data = synthetic.write_dataset(tmp_path / "e", [{**synthetic.TFR, "decimals": 11}], synthetic.TFR_ACTUALS)
    assert ["must be 0-10, not 11" in str(p) for p in validate(data)] == [True]


def test_the_shipped_data_leaves_the_column_out_and_infers_it():
    """data/indicators.csv has no decimals column; 合計特殊出生率 prints 1.27 … (two decimals),
    道産木材の利用量 386.8万m³ (one) beside a baseline and targets printed without decimals
    (400万m³, 490万m³, 447万m³: the source's project 3 table)."""
    ind = load_dataset().indicators.set_index("indicator")
    assert (ind.loc["total_fertility_rate", "decimals"], ind.loc["timber_use", "decimals"]) == (2, 1)
    assert not ind["decimals_declared"].any()
    g = tables.grade_table(evaluate(load_dataset(), 2018, projects=[3]))
    row = g[g["設定項目"] == "道産木材の利用量"].iloc[0]
    assert (row["基準値"], row["目標値（戦略策定時）"]) == ("400万m³ (H25)", "490万m³ (R1)")  # as printed


@given(
    decimals=st.integers(0, 3),
    values=st.lists(st.integers(-3000, 3000), min_size=2, max_size=4),
    lang=st.sampled_from(["ja", "en"]),
)
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_sentence_states_zero_where_the_values_differ(tmp_path_factory, decimals, values, lang):
    """Any actuals at the indicator's precision, written as a spreadsheet stores them (1.40 as
    1.4): a stated difference, gap, pace or slope is 0 only where the values it compares are equal."""
    scale = Decimal(10) ** -decimals
    written = [format(Decimal(v) * scale, "f").rstrip("0").rstrip(".") if decimals else str(v) for v in values]
    years = range(2019 - len(values), 2019)
    ind = {
        **synthetic.TFR,
        "baseline": written[0],
        "baseline_year": 2014,
        "target": "5000",
        "decimals": decimals,
    }  # above any baseline: higher is better
    data = synthetic.write_dataset(tmp_path_factory.mktemp("d"), [ind], [("tfr", y, w) for y, w in zip(years, written)])
    said = sentences(data, lang=lang)
    exact = [Fraction(v, 10**decimals) for v in values]
    latest, previous = exact[-1], exact[-2]
    same = [s for s in said if "と同じです" in s or "the same as in" in s]
    assert bool(same) == (latest == previous), said  # "the same" only for equal values
    if latest != previous:
        assert stated_numbers(said, ["difference"]) == [pytest.approx(float(abs(latest - previous)))], said
    if latest != 5000:  # the target
        assert all(n != 0 for n in stated_numbers(said, ["gap", "pace"])), said
    # the outlook's Theil–Sen slope, exactly: the median of the slopes between every two points
    pairs = sorted((exact[j] - exact[i]) / (j - i) for i in range(len(exact)) for j in range(i + 1, len(exact)))
    middle = len(pairs) // 2
    slope = pairs[middle] if len(pairs) % 2 else (pairs[middle - 1] + pairs[middle]) / 2
    if slope != 0:  # the slope is not zero: neither is the stated one
        assert all(n != 0 for n in stated_numbers(said, ["slope"])), said


# --- the Excel round trip -------------------------------------------------------------------------


def _actual_cell(ws, key, label):
    row = next(c.row for c in ws["A"] if c.value == key)
    header = max(c.row for c in ws["A"] if c.value == "key" and c.row < row)
    column = next(c.column for c in ws[header + 1] if c.value == label)
    return ws.cell(row=row, column=column)


def test_export_gives_every_actual_cell_the_indicators_precision(kpi, tmp_path):
    data = synthetic.printed_decimals(tmp_path / "d")
    book = tmp_path / "book.xlsx"
    assert kpi("export", "--xlsx", book, "--data", data, "--year", "R1").returncode == 0
    ws = openpyxl.load_workbook(book)["プロジェクト1"]
    assert _actual_cell(ws, "tfr", "H30").number_format == "#,##0.00"  # 1 is shown 1.00
    assert _actual_cell(ws, "tfr", "H27").number_format == "#,##0.00"  # 0.9 is shown 0.90
    empty = _actual_cell(ws, "tfr", "R1")
    assert empty.value is None and empty.number_format == "#,##0.00"  # a value typed there keeps it


def test_import_reads_1_as_1_00_and_writes_new_values_with_the_precision(kpi, tmp_path):
    data = synthetic.printed_decimals(tmp_path / "d")
    (data / "actuals.csv").write_text(
        (data / "actuals.csv").read_text(encoding="utf-8").replace("tfr,2018,1\n", "tfr,2018,1.00\n"), encoding="utf-8"
    )
    book = tmp_path / "book.xlsx"
    assert kpi("export", "--xlsx", book, "--data", data, "--year", "R1").returncode == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["プロジェクト1"]
    for label, value in (("H30", 1), ("R1", 1.4)):  # typed without a number format: 1 and 1.4
        cell = _actual_cell(ws, "tfr", label)
        cell.value, cell.number_format = value, "General"
    wb.save(book)
    r = kpi("import", book, "--data", data)
    assert r.returncode == 0, r.stderr
    lines = (data / "actuals.csv").read_text(encoding="utf-8").splitlines()
    assert "tfr,2018,1.00" in lines  # 1 is the same value as 1.00: unchanged
    assert "tfr,2019,1.40" in lines and "tfr,2019,1.4" not in lines


# --- progress rates with the scheme's decimals and rounding -------------------------------------


def _two_decimal_copy(tmp_path, source=DEFAULT_DATA_DIR):
    data = shutil.copytree(source, tmp_path / "data")
    scheme = (SCHEME_DIR / "hokkaido.toml").read_text(encoding="utf-8")
    assert "decimals = 1" in scheme
    (data / "two.toml").write_text(scheme.replace("decimals = 1", "decimals = 2"), encoding="utf-8")
    meta = (data / "metadata.json").read_text(encoding="utf-8")
    (data / "metadata.json").write_text(re.sub(r'"scheme": "[^"]*"', '"scheme": "two.toml"', meta), encoding="utf-8")
    return data


def test_a_two_decimal_scheme_shows_two_decimals_everywhere(kpi, monkeypatch, tmp_path):
    """妊娠・出産に関する相談件数, H30: 172 ÷ 600 × 100 = 28.666… → 28.67 (the source prints 28.7
    under its one-decimal rule); 397 ÷ 400 = 99.25 exactly is shown 99.25%, never 99.2%."""
    data = _two_decimal_copy(tmp_path)
    ds = load_dataset(data)
    g = kpi_lib.grades("H30", dataset=ds).set_index("indicator")
    assert g.loc["pregnancy_consultations", "progress_rate"] == 28.67
    table = tables.grade_table(evaluate(ds, 2018, projects=[1]), "ja", ds.scheme)
    row = table[table["設定項目"] == "妊娠・出産に関する相談件数"].iloc[0]
    # the official record first, with the precision it was printed with; ours, at two decimals, as the check
    assert (row["進捗率"], row[text("col.check", "ja")]) == ("28.7%", "28.67%")
    graded = progress_table(ds)
    frame = charts.rate_frame(graded, "pregnancy_consultations", "ja", 2)
    assert frame.set_index("year").loc[2018, "rate_text"] == "28.67%"
    found = audit(ds, lang="ja").set_index(["indicator", "year", "figure"])
    row = found.loc[("pregnancy_consultations", 2018, "progress_rate")]
    assert (row["published"], row["recomputed"]) == ("28.7", "28.67")  # the published figure as printed
    assert row["arithmetic"] == "172 ÷ 600 × 100 = 28.66667 → 28.67"
    book = tmp_path / "book.xlsx"
    assert kpi("export", "--xlsx", book, "--data", data).returncode == 0
    ws = openpyxl.load_workbook(book)["プロジェクト1"]
    rate = _actual_cell(ws, "pregnancy_consultations", "H30").offset(row=1)  # the 進捗率 row below
    assert (rate.value, rate.number_format) == (28.67, '0.00"%"')

    exact = synthetic.write_dataset(
        tmp_path / "exact",
        [dict(indicator="v", name_ja="件数", baseline="100", baseline_year=2014, target="400")],
        [("v", 2018, "397")],
        scheme=str(data / "two.toml"),
    )
    g = kpi_lib.grades(2018, exact)
    assert g["progress_rate"].tolist() == [99.25]
    exact_ds = load_dataset(exact)
    results = evaluate(exact_ds, 2018)
    assert tables.grade_table(results, "ja", exact_ds.scheme)["進捗率"].tolist() == ["99.25%"]
    shown = " ".join(_sections(monkeypatch, exact, "ja").values())
    assert "99.25%" in shown and "99.2%" not in shown


@given(
    raw=st.floats(-500, 500, allow_nan=False),
    decimals=st.integers(0, 4),
    rounding=st.sampled_from(["half_up", "down"]),
)
def test_a_shown_rate_is_the_scheme_rounded_rate(raw, decimals, rounding):
    """Whatever the rate, the text shown is the number the scheme rounded it to (grades use that
    number), with exactly the scheme's decimals: never re-rounded by float formatting."""
    scheme = dataclasses.replace(load_scheme("hokkaido"), decimals=decimals, rounding=rounding)
    rounded = float(round_rates(pd.Series([raw]).to_numpy(dtype=float), scheme)[0])
    shown = format_rate(rounded, decimals)
    assert shown.endswith("%") and len(shown[:-1].partition(".")[2]) == decimals
    assert Decimal(shown[:-1]) == Decimal(repr(rounded))


@given(
    units=st.integers(-50000, 50000),
    decimals=st.integers(0, 3),
    rounding=st.sampled_from(["half_up", "down"]),
)
def test_a_rate_on_the_decimal_grid_is_rounded_as_written(units, decimals, rounding):
    """A rate with two digits more than the scheme keeps (67.45, 99.25): rounded half up or down
    on its decimal value, as printed reports do, and shown so."""
    written = Decimal(units).scaleb(-(decimals + 2))
    scheme = dataclasses.replace(load_scheme("hokkaido"), decimals=decimals, rounding=rounding)
    rounded = round_rates(pd.Series([float(written)]).to_numpy(dtype=float), scheme)[0]
    mode = ROUND_HALF_UP if rounding == "half_up" else ROUND_DOWN
    assert Decimal(format_rate(rounded, decimals)[:-1]) == written.quantize(Decimal(1).scaleb(-decimals), mode)


# --- the grades table -----------------------------------------------------------------------------


def test_grades_carry_the_running_total_a_cumulative_target_is_graded_on():
    """examples/expected_path: 創業件数 180 + 230 + 150 + 100 = 660 by FY2018; its actual is 100."""
    g = kpi_lib.grades(2018, synthetic.EXAMPLES / "expected_path").set_index("indicator")
    assert (g.loc["new_businesses", "actual"], g.loc["new_businesses", "measured"]) == (100, 660)
    assert (g.loc["waiting_list", "actual"], g.loc["waiting_list", "measured"]) == (90, 90)


def test_a_baseline_not_measured_is_the_dash_the_docs_name():
    g = kpi_lib.grades("H30")
    dashes = set(g.loc[g["baseline_text"].str.len() == 1, "baseline_text"])
    assert dashes == {"—"} and g.loc[g["baseline_text"] == "—", "baseline"].isna().all()
    assert "| `baseline_text` | text | the baseline as the table prints it: a plain number, or — where" in (
        synthetic.EXAMPLES.parent / "docs" / "api.md"
    ).read_text(encoding="utf-8")


def test_japanese_commentary_has_japanese_arithmetic(tmp_path):
    """A national target whose published rate disagrees: the audit's arithmetic in the sentence
    names 全国値 in Japanese, not "national value"."""
    data = synthetic.write_dataset(
        tmp_path / "d",
        [
            dict(
                indicator="tfr",
                name_ja="合計特殊出生率",
                unit_ja="",
                unit_en="",
                baseline="1.27",
                baseline_year=2014,
                target_kind="national",
            )
        ],
        [("tfr", 2018, "1.27")],
        benchmarks=[("tfr", 2018, "1.42")],
    )
    synthetic._write(
        data, "published_rates", [{"project": 1, "indicator": "tfr", "year": 2018, "progress_rate": "90.0"}]
    )
    ja = " ".join(kpi_lib.indicator_commentary("tfr", 2018, data_dir=data, lang="ja"))
    # its year basis is not stated: H30, which claims neither 年 nor 年度 (indicators.csv year_basis)
    assert "1.27 ÷ 1.42（H30の全国値） × 100" in ja and "national value" not in ja
    en = " ".join(kpi_lib.indicator_commentary("tfr", 2018, data_dir=data, lang="en"))
    assert "1.27 ÷ 1.42 (national value 2018) × 100" in en


# --- every valid dataset: a good year, one indicator, no previous year --------------------------

SECTIONS = [
    "show_header",
    "show_legend",
    "show_grade_summary",
    "show_project_commentary",
    "show_indicators",
    "show_analysis",
    "show_measures",
    "show_partnerships",
    "show_footer",
    "show_overview_header",
    "show_grade_counts",
    "show_heatmap",
    "show_lagging",
    "show_changes",
]


def _sections(monkeypatch, data, lang, project=None, year=2018):
    """Each section's markup, with the charts' figures tables in place of the charts."""
    out: list[str] = []
    monkeypatch.setattr(views, "_display", out.append)
    monkeypatch.setattr(views, "_show_chart", lambda chart, frame, caption, lang, **kw: out.append(views._table(frame)))
    r = views.open_report(year, lang, data, project)
    shown = {}
    for name in SECTIONS:
        out.clear()
        getattr(views, name)(r)
        shown[name] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", " ".join(out))).strip()
    return shown


GOOD_YEARS = {
    "milestone_improvement": lambda root: synthetic.good_year(root, "milestone_improvement"),
    "expected_path": lambda root: synthetic.good_year(root, "expected_path"),
    "hokkaido": synthetic.good_year_hokkaido,
}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("scheme", list(GOOD_YEARS))
def test_a_good_year_says_nothing_lags(monkeypatch, tmp_path, scheme, lang):
    data = GOOD_YEARS[scheme](tmp_path / "d")
    worst = load_scheme(scheme).ranking[-1]
    assert set(kpi_lib.grades(2018, data)["grade"]) == {load_scheme(scheme).ranking[0]}
    shown = _sections(monkeypatch, data, lang)
    expected = {"ja": f"進捗が{worst}の指標はありません。", "en": f"No indicator is graded {worst}."}[lang]
    assert shown["show_lagging"].endswith(expected), shown["show_lagging"]
    assert "worst" not in shown["show_project_commentary"]


def test_one_indicator_one_project_one_year(monkeypatch, tmp_path):
    """No previous year, no national values, no published grades, one indicator: each in words."""
    data = synthetic.good_year_hokkaido(tmp_path / "d")
    ja = _sections(monkeypatch, data, "ja", project=1)
    en = _sections(monkeypatch, data, "en", project=1)
    assert "データに前年度（H29）の評価がないため、進捗の変化は示せません。" in ja["show_changes"]
    assert "The data has no previous year (FY2017) to compare the grades with." in en["show_changes"]
    assert "平成30年度の評価対象は1指標で、A①が1です。" in ja["show_project_commentary"]
    assert "The one indicator evaluated for FY2018: 1 A①." in en["show_project_commentary"]
    # no published figures: nothing claims to be one, and the grades say they are computed
    assert "公表値" not in ja["show_grade_summary"] and "算定" in ja["show_grade_summary"]
    assert "全国" not in " ".join(ja.values())
    # 125 ÷ 120 × 100 = 104.166… → 104.2, target reached: A①
    assert "125人 (H30) 104.2% A①" in ja["show_grade_summary"]


def test_a_year_with_nothing_graded_yet_says_so(monkeypatch, tmp_path):
    """Project 2's only indicator has no actual yet: its summary and the overview say so."""
    data = synthetic.good_year_hokkaido(tmp_path / "d")
    synthetic._write(
        data,
        "projects",
        [
            {"project": p, "name_ja": f"P{p}", "name_en": f"P{p}", "catch_ja": "テスト", "catch_en": "Test"}
            for p in (1, 2)
        ],
    )
    (data / "indicators.csv").write_text(
        (data / "indicators.csv").read_text(encoding="utf-8")
        + "later,後の指標,Later,table,人,persons,person,higher,—,,value,10,,2019,,,,,annual,,,,\n",
        encoding="utf-8",
    )
    (data / "project_indicators.csv").write_text(
        (data / "project_indicators.csv").read_text(encoding="utf-8") + "2,KPI,1,later\n", encoding="utf-8"
    )
    ja = _sections(monkeypatch, data, "ja", project=2)
    assert ja["show_project_commentary"].endswith("平成30年度の評価対象1指標には、まだ評価できる実績値がありません。")
    assert ja["show_grade_counts"] == "平成30年度に評価できた指標はありません。"
    assert ja["show_heatmap"] == "平成30年度に評価できた指標はありません。"


def test_two_indicators_without_names_stay_two_rows_of_the_heatmap(monkeypatch, tmp_path):
    data = synthetic.write_dataset(
        tmp_path / "d",
        [
            dict(indicator=i, name_ja="", name_source="missing", baseline="10", baseline_year=2014, target="20")
            for i in ("a", "b")
        ],
        [("a", 2018, "12"), ("b", 2018, "14")],
    )
    heatmap = _sections(monkeypatch, data, "en")["show_heatmap"]
    # 12 ÷ 20, 14 ÷ 20; † marks a grade computed under the scheme (none is published)
    assert "1. (name unknown) B† 60.0%" in heatmap and "1. (name unknown) (2) B† 70.0%" in heatmap


@pytest.mark.slow
def test_kpi_report_on_a_good_year(kpi_process, tmp_path):
    data = synthetic.good_year(tmp_path / "d", "milestone_improvement")
    r = kpi_process("report", "--year", "2018", "--data", data, "--out", tmp_path / "out", "--lang", "en")
    assert r.returncode == 0, r.stderr
    overview = next((tmp_path / "out").rglob("overview*.html")).read_text(encoding="utf-8")
    assert "No indicator is graded C." in overview


# --- a shared indicator is counted once where bars are stacked ---------------------------------


def _lagging_chart_values(spec: dict) -> list[dict]:
    data = spec["datasets"][spec["data"]["name"]] if "datasets" in spec else spec["data"]["values"]
    return data


def test_the_docs_chart_of_laggards_has_one_bar_per_indicator(monkeypatch):
    """docs/api.md: 道産食品輸出額 (projects 3 and 4, B in H30) is one bar, not two stacked into one."""
    page = (synthetic.EXAMPLES.parent / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    monkeypatch.chdir(synthetic.EXAMPLES.parent)
    namespace: dict = {}
    renderer = alt.renderers.active
    try:
        for block in blocks:  # up to the charts' example
            exec(compile(block, "docs/api.md", "exec"), namespace)  # noqa: S102
            if "own" in namespace:
                break
    finally:
        alt.renderers.enable(renderer)
    values = _lagging_chart_values(namespace["own"].to_dict())
    indicators = [v["indicator"] for v in values]
    assert "food_exports" in indicators and len(indicators) == len(set(indicators))


def test_the_guided_chart_in_explore_has_one_bar_per_indicator():
    """The committed output of explore.ipynb's lagging chart: every indicator once, so no bar
    passes the 80% the filter stops at."""

    nb = json.loads(
        (synthetic.EXAMPLES.parent / "notebooks" / "workspace" / "explore.ipynb").read_text(encoding="utf-8")
    )
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and "mark_bar" in "".join(c["source"]))
    spec = next(o["data"] for o in cell["outputs"] if "data" in o)["application/vnd.vegalite.v5+json"]
    values = _lagging_chart_values(spec)
    indicators = [v["indicator"] for v in values]
    assert "food_exports" in indicators and len(indicators) == len(set(indicators))
    assert max(v["rate_shown"] for v in values) < 80
    # a grade resting on an older actual names its year on the bar: 外国人観光客 and 製造業の付加価値生産性
    # print 未 for H30 (their grade rests on the H29 = FY2017 actual), 道産食品輸出額 an H30 actual
    labels = {v["indicator"]: v["label"] for v in values}
    assert labels["foreign_visitors"] == "外国人観光客（2017年度の実績）"
    assert labels["food_exports"] == "道産食品輸出額"
    assert all(v["older_actual"] == (v["latest_year"] < 2018) for v in values)
