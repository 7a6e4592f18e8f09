"""Every chart the reports show is a valid Vega-Lite spec with the data it should carry."""

import pytest

from kpi_lib import charts
from kpi_lib.grading import evaluate, progress_table
from kpi_lib.labels import text


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("year", [2017, 2018])
def test_every_report_chart_validates_against_the_schema(dataset, lang, year):
    results = evaluate(dataset, year)
    graded = progress_table(dataset)
    for row in results.to_dict("records"):
        charts.trend_chart(dataset, row, lang).to_dict()  # validate=True raises on an invalid spec
        charts.rate_chart(graded, row, lang).to_dict()
    charts.grade_counts_chart(results, lang).to_dict()
    charts.heatmap_chart(graded[graded["year"] <= year], results, lang).to_dict()


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
    notes = set(frame.loc[frame["series"] == "national", "note"])
    assert notes == {text("provenance.derived", "en")}


def test_rate_chart_frame_has_each_years_rate_and_grade(dataset):
    graded = progress_table(dataset)
    frame = charts.rate_frame(graded, "partnership_areas", "ja")
    # 17, 19, 23, 24 地域 of the revised 25: 68.0, 76.0, 92.0, 96.0 (as printed); 17 and 19 are
    # below 80% (B); 23 and 24 miss 25 but pass the original 21 (A②)
    assert frame["progress_rate"].tolist() == [68.0, 76.0, 92.0, 96.0]
    assert frame["grade"].tolist() == ["B", "B", "A②", "A②"]


def test_trend_projection_runs_from_the_latest_actual_to_the_target_year(dataset):
    from kpi_lib.outlook import outlook

    o = outlook(dataset, 2018).set_index("indicator").loc["foreign_visitors"].to_dict()
    frame = charts.trend_frame(dataset, _row(dataset, "foreign_visitors"), "ja", o)
    projection = frame[frame["series"] == "projection"]
    # least squares through (H26 154), (H27 208), (H28 230), (H29 279): slope 198.5 ÷ 5 = 39.7 a year,
    # mean 217.75 at 2015.5, so R2 (2020): 217.75 + 39.7 × 4.5 = 396.4 -> 396万人 as printed (no decimals)
    assert projection["year"].tolist() == [2017, 2020]
    assert projection["value"].tolist() == [279.0, 396.0]
    assert projection["point"].tolist() == [False, True]


@pytest.mark.parametrize("year", [2015, 2016, 2017, 2018])
def test_every_trend_line_layer_has_points(dataset, year):
    # Vega warns "Infinite extent" (a console error in the reports) for a line over no data
    for row in evaluate(dataset, year).to_dict("records"):
        frame = charts.trend_frame(dataset, row, "en")
        for layer in charts.trend_chart(dataset, row, "en").to_dict()["layer"]:
            for step in layer.get("transform", []):
                if isinstance(step.get("filter"), dict) and "oneOf" in step["filter"]:
                    assert frame["series"].isin(step["filter"]["oneOf"]).any(), (row["indicator"], step)


def test_charts_are_what_alt_layer_chart_would_make(dataset, monkeypatch):
    # charts._layer_chart skips alt.LayerChart()'s merging, which these charts do not need
    import altair as alt

    def via_altair(data, layers, properties):
        return alt.LayerChart(data=data, layer=layers, config=charts._CONFIG, **properties)

    results = evaluate(dataset, 2018)
    graded = progress_table(dataset)
    built = [lambda: charts.grade_counts_chart(results, "ja"), lambda: charts.heatmap_chart(graded, results, "en")]
    for row in results.to_dict("records"):
        built += [
            lambda row=row: charts.trend_chart(dataset, row, "en"),
            lambda row=row: charts.rate_chart(graded, row, "ja"),
        ]
    direct = [make().to_dict() for make in built]
    monkeypatch.setattr(charts, "_layer_chart", via_altair)
    assert [make().to_dict() for make in built] == direct
