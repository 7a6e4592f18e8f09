"""Every chart the reports show is a valid Vega-Lite spec with the data it should carry."""

import json
from pathlib import Path

import pytest

from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.core.labels import text
from kpi_lib.presentation import charts, rendering, views
from kpi_lib.presentation.style import SERIES_COLOURS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def shown_charts(monkeypatch):
    """The charts a report's notebooks show, as views shows them (page text is dropped)."""
    shown = []
    monkeypatch.setattr(views, "_show_chart", lambda chart, *table, **kw: shown.append(chart))
    monkeypatch.setattr(views, "_display", lambda markup: None)

    def of(year, lang, data_dir=None):
        shown.clear()
        r = views.open_report(year, lang, data_dir)
        views.show_indicators(r)  # trend and progress-rate charts of every indicator
        views.show_grade_counts(r)
        views.show_heatmap(r)
        assert len(shown) == 2 * len(r.results) + 2
        return list(shown)

    return of


@pytest.mark.parametrize(
    ("data_dir", "year", "lang"),
    [
        # each year of the report set and each language (a chart's words change with the
        # language, not its structure: one year in each)
        (None, 2017, "ja"),
        (None, 2018, "en"),
        # other grading schemes, whose grades (A, B+, C) are not in the colour scale
        (EXAMPLES / "expected_path", 2018, "en"),
        (EXAMPLES / "milestone_improvement", 2018, "ja"),
    ],
)
def test_every_report_chart_validates_against_the_schema(shown_charts, data_dir, year, lang):
    for chart in shown_charts(year, lang, data_dir):
        spec = chart.to_dict()  # validate=True raises on an invalid spec
        # what the notebook stores must be strict JSON (a NaN in the data would not be)
        shown = rendering.spec_mimebundle(spec)
        json.dumps(shown, allow_nan=False)
        # the chart has no look of its own (so it composes); the renderer gives it the report's
        assert spec["config"] == {"view": {"continuousWidth": 300, "continuousHeight": 300}}  # Altair's
        assert next(v for k, v in shown.items() if "vegalite" in k)["config"]["font"] == rendering.FONT_FAMILY
        assert spec["description"]  # the text alternative (the SVG's label in the HTML report)


def _row(dataset, indicator, year=2018):
    results = evaluate(dataset, year)
    return results[results["indicator"] == indicator].iloc[0].to_dict()


def test_trend_of_a_national_target_carries_both_series(dataset):
    frame = charts.trend_frame(dataset, _row(dataset, "total_fertility_rate"), "ja")
    actual = frame[frame["series"] == "actual"].set_index("year")["value"].to_dict()
    national = frame[frame["series"] == "national"].set_index("year")["value"].to_dict()
    assert actual == {2015: 1.31, 2016: 1.29, 2017: 1.29, 2018: 1.27}  # 実績値 H27–H30 as printed
    assert national == {2015: 1.45, 2016: 1.44, 2017: 1.43, 2018: 1.42}
    assert frame[frame["series"] == "baseline"]["value_text"].tolist() == ["1.27"]


def test_trend_shows_original_and_revised_targets_with_units(dataset):
    frame = charts.trend_frame(dataset, _row(dataset, "foreign_visitors"), "ja")
    texts = dict(zip(frame["series"], frame["value_text"]))
    assert texts["target"] == "300万人" and texts["revised_target"] == "500万人"
    assert set(frame.loc[frame["series"].isin(["target", "revised_target"]), "year_label"]) == {"R2"}
    en = charts.trend_frame(dataset, _row(dataset, "foreign_visitors"), "en")
    assert dict(zip(en["series"], en["value_text"]))["revised_target"] == "5 million persons"


def test_derived_national_values_are_labelled_in_the_tooltip(dataset):
    frame = charts.trend_frame(dataset, _row(dataset, "female_employment_25_34"), "en")
    assert "national" not in set(frame["series"])  # every national value of it is derived: an estimate
    notes = set(frame.loc[frame["series"] == "national_derived", "note"])
    assert notes == {text("provenance.derived", "en", dataset.scheme)}  # in the dataset's words


def test_rate_chart_frame_has_each_years_rate_and_grade(dataset):
    graded = progress_table(dataset)
    frame = charts.rate_frame(graded, "partnership_areas", "ja")
    # 17, 19, 23, 24 地域 of the revised 25: 68.0, 76.0, 92.0, 96.0 (as printed); 17 and 19 are
    # below 80% (B); 23 and 24 miss 25 but pass the original 21 (A②)
    assert frame["progress_rate"].tolist() == [68.0, 76.0, 92.0, 96.0]
    assert frame["grade"].tolist() == ["B", "B", "A②", "A②"]


def test_trend_projection_runs_from_the_latest_actual_to_the_target_year(dataset):
    from kpi_lib.analysis.outlook import outlook

    o = outlook(dataset, 2018).set_index("indicator").loc["p1_kpi3"].to_dict()
    frame = charts.trend_frame(dataset, _row(dataset, "p1_kpi3"), "ja", o)

    def line(series):
        rows = frame[frame["series"] == series]
        return list(zip(rows["year"], rows["value"]))

    # the commentary's numbers: 69,574, 87,443, 86,888, 87,517日 (H27-H30); Theil–Sen slope 3,305 a year
    # (median of 17,869, 8,657, 5,981, −555, 37, 629), interval −555 … 17,869, from 87,517 in H30 to R1
    assert line("projection") == [(2018, 87517), (2019, 90822)]
    assert line("projection_low") == [(2018, 87517), (2019, 86962)]
    assert line("projection_high") == [(2018, 87517), (2019, 105386)]
    assert frame.loc[frame["series"] == "projection", "point"].tolist() == [False, True]


def test_a_national_target_draws_the_national_trend_too(dataset):
    # issue 16: 女性（25～34歳）の就業率 against 全国平均値: the national value is not held at 77.6.
    # National 72.1, 73.9, 75.7, 77.6 (H27-H30): slopes 1.8, 1.8, 1.833, 1.8, 1.85, 1.9, median 1.817;
    # R1: 77.6 + 1.817 = 79.4. Hokkaido 70.6, 70.3, 71.4, 74.5: median slope 1.2; R1: 75.7
    from kpi_lib.analysis.outlook import outlook

    o = outlook(dataset, 2018).set_index("indicator").loc["female_employment_25_34"].to_dict()
    frame = charts.trend_frame(dataset, _row(dataset, "female_employment_25_34"), "en", o)
    # its national values are worked back from the published rates: the trend is of estimates
    rows = frame[frame["series"].isin(["projection", "national_projection_derived"])]
    assert list(zip(rows["series"], rows["year"], rows["value"])) == [
        ("projection", 2018, 74.5),
        ("projection", 2019, 75.7),
        ("national_projection_derived", 2018, 77.6),
        ("national_projection_derived", 2019, 79.4),
    ]


@pytest.mark.parametrize("year", [2015, 2016, 2017, 2018])
def test_every_trend_line_layer_has_points(dataset, year):
    # Vega warns "Infinite extent" (a console error in the reports) for a line over no data
    for row in evaluate(dataset, year).to_dict("records"):
        frame = charts.trend_frame(dataset, row, "en")
        # validated against the schema too: the early years, where some indicators have no actual yet
        for layer in charts.trend_chart(dataset, row, "en").to_dict()["layer"]:
            for step in layer.get("transform", []):
                if isinstance(step.get("filter"), dict) and "oneOf" in step["filter"]:
                    assert frame["series"].isin(step["filter"]["oneOf"]).any(), (row["indicator"], step)


def test_trend_chart_layers_the_series_over_the_trend_data(dataset):
    from kpi_lib.analysis.outlook import outlook

    row = _row(dataset, "p1_kpi3")
    o = outlook(dataset, 2018).set_index("indicator").loc["p1_kpi3"].to_dict()
    spec = charts.trend_chart(dataset, row, "en", o).to_dict()
    frame = charts.trend_frame(dataset, row, "en", o)
    data = spec["datasets"]

    def records(node):
        return data[node["data"]["name"]]

    assert records(spec) == frame.to_dict("records")  # the layers share the chart's data
    layers = spec["layer"]
    marks = [(layer["mark"]["type"], layer["mark"].get("strokeDash"), layer.get("transform")) for layer in layers]
    assert marks == [
        ("line", [1, 0], [{"filter": {"field": "series", "oneOf": ["actual"]}}]),
        ("line", [5, 3], [{"filter": {"field": "series", "oneOf": ["projection"]}}]),  # no national series
        # the ends of the trend's confidence interval, dotted
        ("line", [2, 3], [{"filter": {"field": "series", "oneOf": ["projection_low", "projection_high"]}}]),
        ("point", None, [{"filter": "datum.point"}]),  # not the projection's start, the actual's marker
        ("rule", None, None),  # dashed by its strokeDash encoding, which gives it a legend entry
    ]
    # the revised target in force, in the revised target's colour
    assert records(layers[4]) == [{"value": 95000.0, "label": "Target level (revised target)"}]
    assert layers[4]["mark"]["color"] == SERIES_COLOURS["revised_target"]
    assert layers[4]["encoding"]["strokeDash"]["scale"] == {
        "domain": ["Target level (revised target)"],
        "range": [[6, 4]],
    }
    colour = layers[3]["encoding"]["color"]
    assert colour["field"] == "series_label"
    assert colour["scale"]["domain"] == [
        text(f"series.{s}", "en")
        for s in (
            "actual",
            "baseline",
            "target",
            "revised_target",
            "projection",
            "projection_low",
            "projection_high",
        )
    ]
    assert [t["field"] for t in layers[3]["encoding"]["tooltip"]] == ["series_label", "year_label", "value_text"]
    # the source does not say whether its figures are fiscal- or calendar-year ones: 2014, not FY2014
    assert layers[0]["encoding"]["x"]["scale"]["domain"] == [str(y) for y in range(2014, 2020)]
    assert spec["title"]["text"] == text("chart.trend", "en")
    assert (spec["width"], spec["height"]) == (charts.WIDTH, charts.HEIGHT)


# --- issue 18: grades legible in black and white, axes naming quantity and unit ------------------


@pytest.mark.parametrize("data_dir", [None, EXAMPLES / "expected_path", EXAMPLES / "milestone_improvement"])
def test_each_grade_has_its_own_shape_and_lightness_in_the_rate_chart(data_dir):
    from kpi_lib.presentation.style import grade_colours, grey_level

    r = views.open_report(2018, "en", data_dir)
    ranking = list(r.scheme.ranking)
    spec = charts.rate_chart(r.graded, r.results.iloc[0].to_dict(), r.scheme, "en").to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    shape, colour = points["encoding"]["shape"], points["encoding"]["color"]
    # one legend: the grade's shape and its colour share the field and the title
    assert (shape["field"], shape["title"]) == (colour["field"], colour["title"]) == ("grade", text("col.grade", "en"))
    assert shape["scale"]["domain"] == colour["scale"]["domain"] == ranking
    assert len(set(shape["scale"]["range"])) == len(ranking)  # a shape per grade, by its place in the ranking
    greys = [grey_level(c) for c in colour["scale"]["range"]]
    assert greys == sorted(greys) and min(b - a for a, b in zip(greys, greys[1:])) >= 0.12  # best darkest
    assert colour["scale"]["range"] == [bg for bg, _ in grade_colours(r.scheme).values()]


def test_grade_bars_mark_computed_grades_by_outline_and_label_every_segment(dataset):
    from kpi_lib.dataset.scheme import scheme_for
    from kpi_lib.presentation.style import grade_colours

    scheme = scheme_for(dataset)
    results = evaluate(dataset, 2018)  # two grades are computed (not given in the source)
    spec = charts.grade_counts_chart(results, scheme, "ja").to_dict()
    bars, labels = spec["layer"]
    # computed grades dashed, as their badges are: never paler (lightness tells the grades apart)
    assert "opacity" not in bars["encoding"]
    dash = bars["encoding"]["strokeDash"]
    assert dash["scale"]["domain"] == [text("basis.published", "ja"), text("basis.computed", "ja")]
    assert dash["scale"]["range"][0] == [1, 0] and dash["scale"]["range"][1] != [1, 0]
    # a dataset that publishes no grades (examples/): every bar is ours, every one dashed
    r = views.open_report(2018, "ja", EXAMPLES / "expected_path")
    ours = charts.grade_counts_chart(r.results, r.scheme, "ja").to_dict()["layer"][0]["encoding"]["strokeDash"]
    assert ours["scale"] == {"domain": [text("basis.computed", "ja")], "range": [[3, 2]]}
    # every segment says its grade, in black or white as contrasts more with the grade's colour
    assert labels["encoding"]["text"]["field"] == "grade"
    rows = spec["datasets"][spec["data"]["name"]]
    colours = grade_colours(scheme)
    assert all(row["text_colour"] == colours[row["grade"]][1] for row in rows)
    assert colours["A①"][1] == "#ffffff"  # the darkest grade: white text
    # the labels' colours are no scale of their own: the grade colours keep their legend
    assert labels["encoding"]["color"]["scale"] is None and spec["resolve"]["scale"]["color"] == "independent"


def test_the_value_axis_names_the_quantity_and_its_unit_in_words(dataset):
    for indicator, ja, en in [
        ("food_exports", "実績値（億円）", "Actual (billion yen)"),
        ("foreign_visitors", "実績値（万人）", "Actual (million persons)"),
        ("pregnancy_consultations", "実績値（件）", "Actual (cases)"),
        ("physicians_per_100k", "実績値（人）", "Actual (per 100,000 population)"),
        ("female_employment_25_34", "実績値（%）", "Actual (%)"),
        ("total_fertility_rate", "実績値", "Actual"),  # no unit: none in brackets
    ]:
        row = _row(dataset, indicator)
        for lang, title in (("ja", ja), ("en", en)):
            spec = charts.trend_chart(dataset, row, lang).to_dict()
            assert spec["layer"][0]["encoding"]["y"]["title"] == title, (indicator, lang)


def test_english_axes_read_the_numbers_the_text_says(dataset):
    """Issue 18: the axis said "Value (100 million yen)" at 774 while the text said "77.4 billion
    yen": the English chart is drawn in the unit the text writes (billion yen), its level lines too."""
    from kpi_lib.presentation import commentary

    row = _row(dataset, "food_exports")  # H30: 774億円, target 1,000億円 (as printed)
    frame = charts.trend_frame(dataset, row, "en")
    actual = frame[(frame["series"] == "actual") & (frame["year"] == 2018)].iloc[0]
    assert (actual["value"], actual["value_text"]) == (77.4, "77.4 billion yen")
    assert frame[frame["series"] == "target"]["value"].tolist() == [100.0]
    spec = charts.trend_chart(dataset, row, "en").to_dict()
    rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert spec["datasets"][rule["data"]["name"]][0]["value"] == 100.0  # the target level, in billion yen
    said = " ".join(
        commentary.indicator_commentary(row, progress_table(dataset), None, _no_findings(), _scheme(dataset), "en")
    )
    assert "77.4 billion yen" in said
    # Japanese keeps the source's unit: 774 億円
    ja = charts.trend_frame(dataset, row, "ja")
    assert ja[(ja["series"] == "actual") & (ja["year"] == 2018)]["value"].tolist() == [774.0]


def _scheme(dataset):
    from kpi_lib.dataset.scheme import scheme_for

    return scheme_for(dataset)


def _no_findings():
    import pandas as pd

    return pd.DataFrame(columns=["project", "indicator", "figure", "year", "published", "recomputed", "arithmetic"])


def _level_rule(spec: dict) -> dict:
    (rule,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    return rule


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_target_level_line_is_drawn_as_the_target_in_force_and_named(dataset, lang):
    import kpi_lib

    # source, project 4: 外国人観光客 目標値 300万人, revised to 500万人 in H29
    spec = kpi_lib.trend_chart("foreign_visitors", "H30", dataset=dataset, lang=lang).to_dict()
    rule = _level_rule(spec)
    label = text("series.reference_revised_target", lang)
    scale = 1 if lang == "ja" else 100  # English draws 万人 as million persons (the text's unit)
    assert spec["datasets"][rule["data"]["name"]] == [{"value": 500.0 / scale, "label": label}]
    assert rule["mark"]["color"] == SERIES_COLOURS["revised_target"]
    assert rule["encoding"]["strokeDash"]["field"] == "label"  # its own legend entry, dashed
    # before the revision (H28) the original target is in force, in its colour
    spec = kpi_lib.trend_chart("foreign_visitors", "H28", dataset=dataset, lang=lang).to_dict()
    rule = _level_rule(spec)
    label = text("series.reference_target", lang)
    assert spec["datasets"][rule["data"]["name"]] == [{"value": 300.0 / scale, "label": label}]
    assert rule["mark"]["color"] == SERIES_COLOURS["target"]


def test_the_level_line_in_a_drawn_chart_has_its_legend_entry(dataset):
    import kpi_lib

    svg = rendering.chart_svg(kpi_lib.trend_chart("foreign_visitors", "H30", dataset=dataset, lang="en"))
    assert "Target level (revised target)" in svg
