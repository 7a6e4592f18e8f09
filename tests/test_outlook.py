"""Outlook (the straight-line trend of the actuals), sdg-build's growth ratios as data, pace for cumulative targets.

Every expected figure is worked out by hand in the comments.
"""

import csv
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from kpi_lib.analysis.outlook import outlook
from kpi_lib.cli import main
from kpi_lib.dataset.loading import load_dataset

from synthetic import write_dataset

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def one(tmp_path, indicator: dict, actuals: list, year: int, benchmarks=()) -> dict:
    ind = {"indicator": "x", "name_ja": "指標", **indicator}
    ds = load_dataset(write_dataset(tmp_path / "d", [ind], [("x", y, v) for y, v in actuals], benchmarks))
    return outlook(ds, year).set_index("indicator").loc["x"].to_dict()


# baseline 100 in 2014, target 146.41 in 2018: 146.41 = 100 × 1.1⁴, so the required CAGR is exactly 10%
TEN_PERCENT = {"baseline": 100, "baseline_year": 2014, "target": 146.41, "target_year": 2018}


@pytest.mark.parametrize(
    "actual_2016, observed, ratio",
    [
        (121, 0.10, 1.0),  # √1.21 − 1 = 10%: the pace needed
        (114.49, 0.07, 0.7),  # √1.1449 − 1 = 7%: 0.07 ÷ 0.10
        (110.25, 0.05, 0.5),  # √1.1025 − 1 = 5%
        (90.25, -0.05, -0.5),  # √0.9025 − 1 = −5%: moving away
    ],
)
def test_observed_against_required_compound_growth(tmp_path, actual_2016, observed, ratio):
    r = one(tmp_path, TEN_PERCENT, [(2016, actual_2016)], 2016)
    assert r["observed_cagr"] == pytest.approx(observed, abs=1e-12)
    assert r["required_cagr"] == pytest.approx(0.10, abs=1e-12)
    assert r["cagr_ratio"] == pytest.approx(ratio, abs=1e-9) and r["ratio"] == r["cagr_ratio"]
    assert (r["ratio_basis"], r["base_source"]) == ("cagr", "baseline")
    # the ratio is data, not the outlook: one actual is no trend (the baseline never counts as one)
    assert (r["outlook"], r["outlook_note"], r["trend_points"]) == ("not_assessable", "too_few_actuals", 1)
    assert r["projected_value"] is None or r["projected_value"] != r["projected_value"]


def test_target_achieved_comes_first(tmp_path):
    r = one(tmp_path, TEN_PERCENT, [(2016, 150)], 2016)  # 150 ≥ 146.41
    assert r["outlook"] == "target_achieved"  # one actual: no line, but the target is reached


def test_lower_is_better_flips_the_direction(tmp_path):
    # 100 → 65.61 = 100 × 0.9⁴: required −10% a year; 81 in 2016 = 100 × 0.9²: observed −10%
    ind = {"direction": "lower", "baseline": 100, "baseline_year": 2014, "target": 65.61, "target_year": 2018}
    r = one(tmp_path, ind, [(2016, 81)], 2016)
    assert r["required_cagr"] == pytest.approx(-0.10) and r["observed_cagr"] == pytest.approx(-0.10)
    assert r["cagr_ratio"] == pytest.approx(1.0)  # (−1) × (−10%) ÷ 10%
    r = one(tmp_path / "b", ind, [(2016, 110.25)], 2016)  # √1.1025 − 1 = +5%: the wrong way
    assert r["cagr_ratio"] == pytest.approx(-0.5)
    # three actuals falling 10 a year (95, 85, 75 in 2015-2017): 75 − 10 = 65 ≤ 65.61 in 2018: on track
    r = one(tmp_path / "c", ind, [(2015, 95), (2016, 85), (2017, 75)], 2017)
    assert (r["trend_slope"], r["projected_value"], r["outlook"]) == (-10, 65, "on_track")
    # rising 5 a year (110, 115, 120): moving away from a lower target
    r = one(tmp_path / "d", ind, [(2015, 110), (2016, 115), (2017, 120)], 2017)
    assert (r["trend_slope"], r["outlook"]) == (5, "not_approaching")


@pytest.mark.parametrize(
    "actuals, slope, projected, reached, category",
    [
        # target 146.41 in 2018; three actuals 2015-2017, latest 130 in 2017, one year left (16.41 needed)
        ([(2015, 110), (2016, 120), (2017, 130)], 10, 140, 2019, "behind"),  # 130 + 10 = 140 < 146.41; 2 years
        ([(2015, 90), (2016, 110), (2017, 130)], 20, 150, 2018, "on_track"),  # 130 + 20 = 150 ≥ 146.41
        ([(2015, 130), (2016, 130), (2017, 130)], 0, 130, None, "not_approaching"),  # flat
        ([(2015, 140), (2016, 135), (2017, 130)], -5, 125, None, "not_approaching"),  # falling
    ],
)
def test_the_outlook_is_the_straight_line_through_the_actuals_only(
    tmp_path, actuals, slope, projected, reached, category
):
    # the baseline 100 (2014) is never part of the line: with it, the falling series would rise
    r = one(tmp_path, TEN_PERCENT, actuals, 2017)
    assert (r["trend_points"], r["trend_slope"], r["projected_value"]) == (3, slope, projected)
    assert r["outlook"] == category
    assert (None if r["projected_year_reached"] != r["projected_year_reached"] else r["projected_year_reached"]) == (
        reached
    )
    # the one measure: on track exactly when the slope is at least the annual change still needed
    assert r["required_annual_change_from_latest"] == pytest.approx(16.41)
    assert (r["outlook"] == "on_track") == (r["trend_slope"] >= r["required_annual_change_from_latest"])


def test_two_actuals_are_no_trend(tmp_path):
    r = one(tmp_path, TEN_PERCENT, [(2015, 110), (2016, 120)], 2016)
    assert (r["outlook"], r["outlook_note"], r["trend_points"]) == ("not_assessable", "too_few_actuals", 2)


def test_hokkaido_series_named_in_issue_10(dataset):
    o = outlook(dataset, 2018).set_index("indicator")
    f = o.loc["total_fertility_rate"]
    # 1.31, 1.29, 1.29, 1.27 (H27-H30; the source's 上段): mean year 2016.5, Σ(dev × value) =
    # −1.5×1.31 − 0.5×1.29 + 0.5×1.29 + 1.5×1.27 = −0.06, ÷ Σdev² 5 = −0.012 a year: never upward
    assert f["trend_points"] == 4 and f["trend_slope"] == pytest.approx(-0.012)
    assert f["projected_value"] == pytest.approx(1.258)  # 1.27 − 0.012, R1
    assert f["outlook"] == "not_approaching" and f["projected_year_reached"] != f["projected_year_reached"]
    m = o.loc["manufacturing_productivity"]
    # 1,029 → 989 → 965万円 (H27-H29; H30 未): slope (965 − 1,029) ÷ 2 = −32; R1: 965 − 2 × 32 = 901 < 1,280
    assert (m["trend_points"], m["trend_slope"], m["projected_value"]) == (3, -32, 901)
    assert m["outlook"] == "not_approaching" and m["projected_year_reached"] != m["projected_year_reached"]
    p = o.loc["physicians_per_100k"]  # —, 238.3人, —, 未: one actual, no line
    assert (p["trend_points"], p["outlook"], p["outlook_note"]) == (1, "not_assessable", "too_few_actuals")
    assert p["projected_value"] != p["projected_value"]
    v = o.loc["foreign_visitors"]
    # 208, 230, 279万人 (H27-H29): slope (279 − 208) ÷ 2 = 35.5; R2: 279 + 3 × 35.5 = 385.5 < the revised 500;
    # 221 ÷ 35.5 = 6.2 → 7 years → FY2024; 73.7万人 a year needed
    assert (v["trend_slope"], v["projected_value"], v["projected_year_reached"]) == (35.5, 385.5, 2024)
    assert v["required_annual_change_from_latest"] == pytest.approx(221 / 3)
    assert v["outlook"] == "behind"  # not 順調: B at 55.8% officially
    e = o.loc["food_exports"]  # target 1,000億円 in H30, 774 in H30: the target year's actual is in
    assert e["outlook"] == "not_achieved"


def test_a_zero_target_and_a_negative_baseline_use_straight_line_change():
    ds = load_dataset(EXAMPLES / "milestone_improvement")
    o = outlook(ds, 2018).set_index("indicator")
    w = o.loc["waiting_list"]  # 120 (2014) → 52 (2018), target 0 (2019): no compound rate reaches 0
    assert w["ratio_basis"] == "linear" and w["note"] == "linear_zero_or_sign_change"
    assert w["observed_annual_change"] == pytest.approx(-17)  # (52 − 120) ÷ 4
    assert w["required_annual_change"] == pytest.approx(-24)  # (0 − 120) ÷ 5
    assert w["ratio"] == pytest.approx(17 / 24)  # (−1) × (−17) ÷ 24 = 0.7083
    # least squares through the actuals (2016, 88), (2017, 58), (2018, 52) (not the baseline): slope
    # (52 − 88) ÷ 2 = −18; 2019: 52 − 18 = 34 > 0; 52 ÷ 18 = 2.9 → 3 years → FY2021: behind
    assert w["projected_value"] == pytest.approx(34.0)
    assert w["projected_year_reached"] == 2021 and w["outlook"] == "behind"
    n = o.loc["net_migration"]  # −3,703 (2014) → −3,900 (2018), target 0 (2019)
    assert n["ratio"] == pytest.approx(-49.25 / 740.6)  # (−197 ÷ 4) ÷ (3,703 ÷ 5)
    assert n["ratio_basis"] == "linear"


def test_a_negative_base_keeps_sdg_builds_sign(tmp_path):
    # −1,000 (2014) → target −810 (2016): (810 ÷ 1,000)^½ − 1 = −10% required; −900 (2015): −10% observed;
    # ratio = s × d × observed ÷ |required| = (−1) × (+1) × (−0.10) ÷ 0.10 = 1.0
    # (the Hokkaido ratio scheme rejects a negative target, so the data names the improvement scheme)
    ind = {
        "indicator": "x",
        "name_ja": "転入超過数",
        "baseline": -1000,
        "baseline_year": 2014,
        "target": -810,
        "target_year": 2016,
    }
    data = write_dataset(tmp_path / "d", [ind], [("x", 2015, -900)], scheme="milestone_improvement")
    (data / "milestones.csv").write_text("indicator,year,value,note\nx,2015,-900,\n", encoding="utf-8")
    r = outlook(load_dataset(data), 2015).set_index("indicator").loc["x"]
    assert r["required_cagr"] == pytest.approx(-0.10) and r["observed_cagr"] == pytest.approx(-0.10)
    assert r["cagr_ratio"] == pytest.approx(1.0)


def test_no_baseline_uses_the_first_actual(dataset):
    r = outlook(dataset, 2018).set_index("indicator").loc["multigenerational_welfare_hubs"]
    # 147 (2016) → 160 (2018): √(160 ÷ 147) − 1 = 4.328%; to 179 by 2019: (179 ÷ 147)^⅓ − 1 = 6.785%
    assert (r["base_source"], r["base_year"], r["base_value"]) == ("first_actual", 2016, 147)
    assert r["observed_cagr"] == pytest.approx(0.04328, abs=1e-5)
    assert r["required_cagr"] == pytest.approx(0.06785, abs=1e-5)
    assert r["cagr_ratio"] == pytest.approx(0.6379, abs=1e-4)
    # 147, 150, 160: slope 6.5 a year; 2019: 166.5 < 179; 19 ÷ 6.5 = 2.9 → FY2021
    assert (r["trend_slope"], r["projected_value"], r["projected_year_reached"], r["outlook"]) == (
        6.5,
        166.5,
        2021,
        "behind",
    )


def test_a_single_data_point_is_not_assessable(tmp_path):
    r = one(tmp_path, {"target": 10}, [(2018, 5)], 2018)  # no baseline, one actual: nothing to grow from
    assert (r["outlook"], r["note"], r["outlook_note"]) == ("not_assessable", "single_point", "too_few_actuals")
    assert r["ratio"] is None or r["ratio"] != r["ratio"]
    r = one(tmp_path / "b", {"target": 10}, [(2018, 12)], 2018)  # …unless it already reaches the target
    assert r["outlook"] == "target_achieved"


def test_no_actual_is_not_assessable(tmp_path):
    inds = [{"indicator": "x", "name_ja": "未のみ", **TEN_PERCENT}, {"indicator": "y", "name_ja": "他", **TEN_PERCENT}]
    ds = load_dataset(write_dataset(tmp_path / "d", inds, [("x", 2016, "未"), ("y", 2016, 121)]))
    r = outlook(ds, 2016).set_index("indicator").loc["x"]
    assert (r["outlook"], r["note"]) == ("not_assessable", "no_actual")


def test_benchmark_relative_targets(dataset):
    o = outlook(dataset, 2018).set_index("indicator")
    f = o.loc["total_fertility_rate"]  # 1.27 (2014) → 1.27 (2018); national 1.42 (latest, FY2018) held to 2019
    assert (f["target_value"], f["target_source"]) == (1.42, "national_latest")
    assert f["observed_cagr"] == 0 and f["required_cagr"] == pytest.approx(0.022579, abs=1e-6)  # (1.42 ÷ 1.27)^⅕ − 1
    w = o.loc["wish_to_stay_rate"]  # 基準値より増加: the target is the baseline 76.2 itself; 75.8 is below it
    assert (w["target_value"], w["note"]) == (76.2, "target_equals_base")
    # 76.6, 70.5, 75.8 (H28-H30): slope (75.8 − 76.6) ÷ 2 = −0.4: not approaching
    assert w["trend_slope"] == pytest.approx(-0.4) and w["outlook"] == "not_approaching"
    assert o.loc["agricultural_output"]["outlook"] == "target_achieved"  # 現状値以上 and above it


def test_cumulative_target_pace(dataset):
    o = outlook(dataset, 2018).set_index("indicator")
    a = o.loc["active_senior_trainees"]  # 累計10,500人 over H27～R1 (2015-2019), 7,086 by H30 (2018)
    assert (a["elapsed_years"], a["period_years"], a["elapsed_share"]) == (4, 5, 0.8)
    assert a["expected_to_date"] == pytest.approx(8400)  # 10,500 × 4/5
    assert a["pace_adjusted_rate"] == 84.4  # 7,086 ÷ 8,400 = 84.357…%
    assert a["ratio"] == pytest.approx(7086 / 8400)
    assert (a["ratio_basis"], a["note"], a["base_year"], a["base_value"]) == ("linear", "cumulative", 2014, 0)
    # least squares through the actuals (2015, 2,658), (2016, 4,718), (2017, 6,569), (2018, 7,086):
    # Σ(dev × value) = −3,987 − 2,359 + 3,284.5 + 10,629 = 7,567.5, ÷ 5 = 1,513.5 a year;
    # 2019: 7,086 + 1,513.5 = 8,599.5; 3,414 ÷ 1,513.5 = 2.3 → 3 years → FY2021
    assert a["trend_slope"] == pytest.approx(1513.5) and a["projected_value"] == pytest.approx(8599.5)
    assert a["projected_year_reached"] == 2021 and a["outlook"] == "behind"
    f = o.loc["foreign_investment_cases"]  # 12件 over H28～R1 (2016-2019), 12 by 2018: 3 of 4 years
    assert (f["elapsed_share"], f["pace_adjusted_rate"], f["outlook"]) == (0.75, 133.3, "target_achieved")  # 12 ÷ 9


def test_pace_one_year_earlier(dataset):
    a = outlook(dataset, 2017).set_index("indicator").loc["active_senior_trainees"]
    # 6,569 by 2017: 3 of 5 years, 10,500 × 3/5 = 6,300 expected: 6,569 ÷ 6,300 = 104.27% → ahead of pace
    assert (a["latest_year"], a["pace_adjusted_rate"]) == (2017, 104.3)
    # but the trend (2,658 → 6,569 over two years: 1,955.5 a year) is short of the 1,965.5 a year still
    # needed ((10,500 − 6,569) ÷ 2): 6,569 + 2 × 1,955.5 = 10,480 < 10,500 in R1
    assert (a["projected_value"], a["outlook"]) == (10480, "behind")


def test_the_grade_table_carries_the_outlook_without_changing_the_grade():
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["grades", "--year", "2018", "--format", "csv", "--lang", "en"]) == 0
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    a = rows["active_senior_trainees"]
    assert (a["progress_rate"], a["grade"]) == ("67.5", "B")  # the official figures stay
    assert (a["pace_adjusted_rate"], a["elapsed_share"], a["outlook"]) == ("84.4", "0.8", "behind")
    assert a["outlook_label"] == "On the straight-line trend, not reached by the target year"
    # p1_kpi3: least squares through the actuals 69,574 (2015), 87,443, 86,888, 87,517 (2018):
    # Σ(dev × value) = 26,637, ÷ 5 = 5,327.4 a year; 7,483 short of the revised 95,000: 1.4 → 2 years → FY2020
    assert (rows["p1_kpi3"]["trend_slope"], rows["p1_kpi3"]["projected_year_reached"]) == ("5327.4", "2020")
    assert rows["total_fertility_rate"]["required_cagr"] == "0.022579"
