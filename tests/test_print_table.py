"""Issue 18: the source's table in print (tables.yearly_table): every year's actual and progress
rate per indicator, as the source prints them (figures below are read from the source document)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.core.labels import text
from kpi_lib.dataset.loading import load_dataset
from kpi_lib.presentation import rendering
from kpi_lib.presentation.tables import yearly_table

WORDS = load_dataset().scheme  # Hokkaido's words in the column names (進捗率, 進捗)


def _table(dataset, project, lang="ja"):
    results = evaluate(dataset, 2018, projects=[project])
    return yearly_table(
        results, dataset.actuals, progress_table(dataset), dataset.published_rates, lang, words=dataset.scheme
    )


def _lines(table, name, lang="ja"):
    rows = table[table[text("col.name", lang, WORDS)] == name]
    assert len(rows) == 2, name  # the actuals' line and the rates' line
    return [r for r in rows.to_dict("records")]


def test_the_source_rows_of_project_1(dataset):
    t = _table(dataset, 1)
    assert list(t.columns[-6:]) == [
        text("col.figure", "ja", WORDS),
        "H27",
        "H28",
        "H29",
        "H30",
        text("col.grade", "ja", dataset.scheme),
    ]
    actual, rate = _lines(t, "（名称不明）")  # the unnamed KPI: 66,592日 → 95,000日 (見直し後)
    assert [actual[y] for y in ("H27", "H28", "H29", "H30")] == ["69,574日", "87,443日", "86,888日", "87,517日"]
    assert [rate[y] for y in ("H27", "H28", "H29", "H30")] == ["73.2%", "92.0%", "91.5%", "92.1%"]
    assert actual[text("col.baseline", "ja", WORDS)] == "66,592日 (H26)"
    assert actual[text("col.revised_target", "ja", WORDS)].startswith("95,000日")
    # its grade cell was lost in the extraction: ours, marked as ours
    assert actual[text("col.grade", "ja", dataset.scheme)] == "A②" + text("print.computed_mark", "ja")
    actual, rate = _lines(t, "妊娠・出産に関する相談件数")
    assert (actual["H30"], rate["H30"], rate[text("col.grade", "ja", dataset.scheme)]) == ("172件", "28.7%", "B")
    # the published 67.4% first, our 67.5% beside it (7,086 ÷ 10,500 = 67.49%)
    _, rate = _lines(t, "アクティブ・シニア等の研修会の修了者")
    assert rate["H30"] == "67.4%" + text("print.recomputed", "ja").format(value="67.5%")
    # printed 未 (not yet) and — (none) as the source prints them
    actual, rate = _lines(t, "全道の医療施設に従事する医師数 (人口10万人当たり)")
    assert [actual[y] for y in ("H27", "H28", "H29", "H30")] == ["—", "238.3人", "—", "未"]
    assert [rate[y] for y in ("H27", "H28", "H29", "H30")] == ["", "99.3%", "", ""]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_food_exports_in_projects_3_and_4(dataset, lang):
    name = dataset.indicators.set_index("indicator").loc["food_exports", f"name_{lang}"]
    # English names the unit once, after the name, in the unit its text writes (773億円 = 77.3
    # billion yen); Japanese writes it after every figure, as the source prints the table
    shown = name if lang == "ja" else f"{name} (billion yen)"
    for project in (3, 4):
        actual, rate = _lines(_table(dataset, project, lang), shown, lang)
        # the table's year columns hold actuals of every year basis: 2015, not FY2015 (their headings
        # claim no basis); its calendar-year actuals say so on their line (indicators.csv year_basis)
        first = "H27" if lang == "ja" else "2015"
        assert actual[first] == ("773億円" if lang == "ja" else "77.3")
        assert actual[text("col.figure", lang, WORDS)] == text("col.actual_calendar", lang, WORDS)
        assert actual[text("col.baseline", lang, WORDS)] == ("663億円 (H26)" if lang == "ja" else "66.3 (2014)")
        assert rate[text("col.grade", lang, WORDS)] == "B"


def test_english_names_a_unit_once_and_keeps_percent_and_plain_units_on_the_figures(dataset):
    t = _table(dataset, 1, "en")
    names = list(t[text("col.name", "en", WORDS)].unique())
    # a count's unit after the name; the physicians' rate already names its unit (not repeated)
    assert "Consultations on pregnancy and childbirth (cases)" in names
    assert "Physicians working in medical facilities in Hokkaido (per 100,000 population)" in names
    actual, _ = _lines(t, "Consultations on pregnancy and childbirth (cases)", "en")
    # years named 2018, not FY2018: the year basis is not stated (indicators.csv year_basis)
    assert (actual["2018"], actual[text("col.baseline", "en", WORDS)]) == ("172", "455 (2014)")
    actual, _ = _lines(t, "Employment rate of women aged 25 to 34", "en")  # %: on the figure
    assert actual["2018"] == "74.5%"
    # a cumulative target's period as a range: an en dash, never the Japanese 〜
    actual, _ = _lines(t, "Completers of training sessions for active seniors and others (persons)", "en")
    assert actual[text("col.target", "en", WORDS)] == "10,500 cumulative (2015–2019)"


def test_every_year_up_to_the_evaluation_year_and_no_later(dataset):
    results = evaluate(dataset, 2016, projects=[1])
    t = yearly_table(
        results, dataset.actuals, progress_table(dataset), dataset.published_rates, "ja", words=dataset.scheme
    )
    assert [c for c in t.columns if c.startswith("H")] == ["H27", "H28"]


def test_count_axes_tick_whole_numbers_and_legends_are_whole(dataset):
    from kpi_lib.dataset.scheme import scheme_for
    from kpi_lib.presentation.charts import grade_counts_chart

    results = evaluate(dataset, 2018, projects=[2])  # few indicators: a short count axis
    spec = grade_counts_chart(results, scheme_for(dataset), "ja").to_dict(validate=False)
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert axis["tickMinStep"] == 1 and axis["format"] == "d"
    # Vega's default cuts labels at 160 px: the report's look, where the chart is shown, says 0
    shown = rendering.normalize_spec(spec)
    assert shown["config"]["legend"]["labelLimit"] == 0


def test_a_dataset_without_published_figures_is_not_marked_throughout(dataset):
    results = evaluate(dataset, 2018, projects=[1])
    t = yearly_table(
        results,
        dataset.actuals,
        progress_table(dataset),
        dataset.published_rates.iloc[0:0],
        "ja",
        False,
        dataset.scheme,
    )
    grades = set(t[text("col.grade", "ja", dataset.scheme)])
    assert grades and not any(text("print.computed_mark", "ja") in g for g in grades)


# --- issue 18: numbers right-aligned, headings never broken inside a word --------------------------

CSS = (Path(__file__).resolve().parent.parent / "kpi_lib/publishing/templates/kpi_report/static/report.css").read_text(
    encoding="utf-8"
)


class _Tables(HTMLParser):
    """Each <table>'s heading cells and body rows as (text, class) pairs; <wbr> kept as a mark."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class", ""), "head": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self._cell = [tag, "", attrs.get("class") or ""]
        elif tag == "wbr" and self._cell:
            self._cell[1] += "|"

    def handle_data(self, data):
        if self._cell:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell:
            self.tables[-1]["rows"][-1].append((self._cell[1], self._cell[2]))
            self._cell = None


def _shown(monkeypatch, section, lang, project=None):
    from kpi_lib.presentation import views

    out = []
    monkeypatch.setattr(views, "_display", out.append)
    monkeypatch.setattr(views, "_show_chart", lambda chart, frame, caption, lang, **kw: None)
    getattr(views, section)(views.open_report(2018, lang, None, project))
    parser = _Tables()
    parser.feed("".join(out))
    return parser.tables


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("section", "project"), [("show_grade_summary", 1), ("show_lagging", None)])
def test_figures_are_right_aligned_in_tabular_digits(monkeypatch, dataset, section, project, lang):
    words = dataset.scheme  # the columns carry the dataset's words (進捗率)
    table = _shown(monkeypatch, section, lang, project)[0]  # the grade table (project) or lagging table (overview)
    head, *body = table["rows"]
    classes = {text.replace("|", ""): cls for text, cls in head}
    figures = [
        text(f"col.{k}", lang, words) for k in ("baseline", "target", "revised_target", "actual", "progress_rate")
    ]
    for column in figures:
        assert "num" in classes[column].split(), column
        i = list(classes).index(column)
        assert all(row[i][1].split()[:1] == ["num"] for row in body), column
    assert "num" not in classes[text("col.name", lang, words)].split()  # words stay left-aligned
    # right-aligned in digits of one width (report.css), on screen and in print
    assert re.search(r"td\.num, th\.num \{ text-align: right; font-variant-numeric: tabular-nums; \}", CSS)


def test_headings_break_between_words_never_inside_one(monkeypatch, dataset):
    """「数値目/標」, 「プロジ/ェクト」: short headings and the kind's words stay on one line, a long
    heading breaks only before its bracket or after 、。 (<wbr>, shown here as |)."""
    lagging = _shown(monkeypatch, "show_lagging", "ja")[0]
    head = dict(lagging["rows"][0])
    assert "kpi-unbroken" in head[text("col.project", "ja", dataset.scheme)]  # プロジェクト
    assert "kpi-unbroken" in head[text("col.grade", "ja", dataset.scheme)]  # 進捗
    assert "kpi-phrase" in head["目標値|（戦略策定時）"]
    kind = list(head).index(text("col.kind", "ja", dataset.scheme))
    assert all("kpi-unbroken" in row[kind][1] for row in lagging["rows"][1:])  # 数値目標 on one line
    basis = list(head).index(text("col.basis", "ja", dataset.scheme))
    assert all("kpi-unbroken" in row[basis][1] for row in lagging["rows"][1:])  # 公表値, never 公表/値
    assert "th.kpi-phrase { word-break: keep-all; }" in CSS
    yearly = next(t for t in _shown(monkeypatch, "show_grade_summary", "ja", 1) if "kpi-yearly-table" in t["class"])
    assert "目標値|（見直し後）" in dict(yearly["rows"][0])
    assert "td.kpi-unbroken, th.kpi-unbroken { white-space: nowrap; }" in CSS
    # English headings break at their spaces: no <wbr> needed there
    english = dict(_shown(monkeypatch, "show_lagging", "en")[0]["rows"][0])
    assert "Target (original)" in english


# --- issue 18: the source's front matter on the combined PDF's title page ------------------------

# The source's first page (shared/source/000_328f68cdd567978d.txt), as printed
PURPOSE = (
    "基本戦略に掲げる施策の中から、以下の着眼点や考え方に沿って、総合戦略の中核となる施策を絞り込むとともに"
    "再構築を行い、戦略の推進期間を通じて政策資源を集中投入し、特に重点的に推進すべき施策群を設定"
)
VIEWPOINTS = [
    "本道の強みや資源を最大限に活用し、北海道だからこそ可能なプロジェクト",
    "既存の枠組みや発想にとらわれず大胆に挑戦するプロジェクト",
    "国内外のモデルとなり、北海道創生を牽引するプロジェクト",
]


def _plain(markup: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "|", markup))


def test_the_title_page_carries_the_sources_front_matter(dataset):
    from kpi_lib.publishing.report import front_matter

    ja = _plain(front_matter(dataset, 2018, "ja"))
    assert "|重点戦略プロジェクト|" in ja and f"|{PURPOSE}|" in ja
    assert "|プロジェクトの着眼点|" in ja and all(f"|{v}|" in ja for v in VIEWPOINTS)
    # the pillars with their projects and catch lines (pillars.csv, projects.csv), then the aims (aims.csv)
    for pillar, catch, project in [
        ("北海道価値の磨き上げ", "暮らしの「質」を高める", "1. 安心のまち・暮らし「住まいる北海道」プロジェクト"),
        (
            "北海道産業の競争力強化",
            "基幹産業の「成長力」を高める",
            "3. 未来を拓く「攻めの農・林・水産業」確立プロジェクト",
        ),
    ]:
        assert f"|{pillar}|" in ja and f"|{catch}|" in ja and f"|{project}|" in ja
    assert ja.count("|北海道価値の磨き上げ|") == 1  # a pillar once, spanning its projects
    assert "|人・資金を「増やし」「逃さず」「呼び込み」「定着させ」「価値を高める」|" in ja
    assert "|人口減少・危機突破|" in ja
    en = _plain(front_matter(dataset, 2018, "en"))
    assert "|Viewpoints of the projects|" in en and "|Polishing Hokkaido's value|" in en
    assert dataset.metadata["front_matter"]["purpose_en"] in en


@pytest.mark.parametrize("example", ["expected_path", "milestone_improvement"])
def test_a_dataset_without_front_matter_gets_no_section(example):
    from pathlib import Path

    from kpi_lib.dataset.loading import load_dataset
    from kpi_lib.publishing.report import front_matter, source_front_matter

    data = load_dataset(Path(__file__).resolve().parent.parent / "examples" / example)
    assert source_front_matter(data, "ja") == source_front_matter(data, "en") == ""
    assert "kpi-front-matter" not in front_matter(data, 2018, "en")


def test_front_matter_in_japanese_only_is_shown_as_japanese_in_the_english_page(dataset, tmp_path):
    import dataclasses

    from kpi_lib.publishing.report import source_front_matter

    given = {k: v for k, v in dataset.metadata["front_matter"].items() if not k.endswith("_en")}
    only_ja = dataclasses.replace(dataset, metadata=dataset.metadata | {"front_matter": given})
    markup = source_front_matter(only_ja, "en")
    assert f"<p lang=ja>{PURPOSE}</p>" in markup  # marked, so screen readers switch voice


def test_viewpoints_and_their_translations_pair_up(tmp_path):
    import json
    import shutil

    from kpi_lib.dataset.loading import validate

    data = tmp_path / "d"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", data)
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    meta["front_matter"]["viewpoints_en"] = meta["front_matter"]["viewpoints_en"][:2]
    (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    problems = validate(data)
    assert [(p.file, p.column) for p in problems] == [("metadata.json", "front_matter.viewpoints_en")]
    assert "has 2 items, front_matter.viewpoints_ja has 3" in problems[0].message
