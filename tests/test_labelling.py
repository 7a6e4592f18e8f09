"""Issue 16, "What the data knows, the reader is told": each figure is labelled as what it is.

Expected figures and words come from the source (shared/source/000_328f68cdd567978d.txt) or from
the small datasets the tests write (tests/synthetic.py), worked out by hand in each docstring.
"""

from __future__ import annotations

import re
import shutil

import kpi_lib
from kpi_lib.analysis.grading import evaluate
from kpi_lib.core.labels import text
from kpi_lib.core.resources import SCHEME_DIR
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, load_dataset
from kpi_lib.presentation import tables

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
        official, estimated = text("series.national", lang), text("series.national_derived", lang)
        assert labels == {2015: official, 2016: official, 2017: estimated, 2018: estimated}
        assert official in legend and estimated in legend
