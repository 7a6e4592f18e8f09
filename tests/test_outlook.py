"""Outlook (sdg-build's progress measure), linear projection and pace for cumulative targets.

Every expected figure is worked out by hand in the comments.
"""

import csv
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from kpi_lib.cli import main
from kpi_lib.loading import load_dataset
from kpi_lib.outlook import classify, outlook

from synthetic import write_dataset

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def one(tmp_path, indicator: dict, actuals: list, year: int, benchmarks=()) -> dict:
    ind = {"indicator": "x", "name_ja": "指標", **indicator}
    ds = load_dataset(write_dataset(tmp_path / "d", [ind], [("x", y, v) for y, v in actuals], benchmarks))
    return outlook(ds, year).set_index("indicator").loc["x"].to_dict()


# baseline 100 in 2014, target 146.41 in 2018: 146.41 = 100 × 1.1⁴, so the required CAGR is exactly 10%
TEN_PERCENT = {"baseline": 100, "baseline_year": 2014, "target": 146.41, "target_year": 2018}


@pytest.mark.parametrize(
    "actual_2016, observed, ratio, category",
    [
        (121, 0.10, 1.0, "substantial_progress"),  # √1.21 − 1 = 10%: the pace needed
        (114.49, 0.07, 0.7, "moderate_progress"),  # √1.1449 − 1 = 7%: 0.07 ÷ 0.10
        (110.25, 0.05, 0.5, "limited_progress"),  # √1.1025 − 1 = 5%
        (90.25, -0.05, -0.5, "deterioration"),  # √0.9025 − 1 = −5%: moving away
    ],
)
def test_observed_against_required_compound_growth(tmp_path, actual_2016, observed, ratio, category):
    r = one(tmp_path, TEN_PERCENT, [(2016, actual_2016)], 2016)
    assert r["observed_cagr"] == pytest.approx(observed, abs=1e-12)
    assert r["required_cagr"] == pytest.approx(0.10, abs=1e-12)
    assert r["cagr_ratio"] == pytest.approx(ratio, abs=1e-9) and r["ratio"] == r["cagr_ratio"]
    assert (r["outlook"], r["ratio_basis"], r["base_source"]) == (category, "cagr", "baseline")


def test_target_achieved_comes_first(tmp_path):
    r = one(tmp_path, TEN_PERCENT, [(2016, 150)], 2016)  # 150 ≥ 146.41
    assert r["outlook"] == "target_achieved" and r["projected_year_reached"] == 2016


def test_lower_is_better_flips_the_direction(tmp_path):
    # 100 → 65.61 = 100 × 0.9⁴: required −10% a year; 81 in 2016 = 100 × 0.9²: observed −10%
    ind = {"direction": "lower", "baseline": 100, "baseline_year": 2014, "target": 65.61, "target_year": 2018}
    r = one(tmp_path, ind, [(2016, 81)], 2016)
    assert r["required_cagr"] == pytest.approx(-0.10) and r["observed_cagr"] == pytest.approx(-0.10)
    assert r["cagr_ratio"] == pytest.approx(1.0) and r["outlook"] == "substantial_progress"  # (−1) × (−10%) ÷ 10%
    r = one(tmp_path / "b", ind, [(2016, 110.25)], 2016)  # √1.1025 − 1 = +5%: the wrong way
    assert r["cagr_ratio"] == pytest.approx(-0.5) and r["outlook"] == "deterioration"


def test_thresholds_are_sdg_builds():
    assert [classify(x) for x in (1.2, 0.95, 0.9499, 0.6, 0.5999, 0.0, -0.0001)] == [
        "substantial_progress",
        "substantial_progress",
        "moderate_progress",
        "moderate_progress",
        "limited_progress",
        "limited_progress",
        "deterioration",
    ]


def test_a_zero_target_and_a_negative_baseline_use_straight_line_change():
    ds = load_dataset(EXAMPLES / "milestone_improvement")
    o = outlook(ds, 2018).set_index("indicator")
    w = o.loc["waiting_list"]  # 120 (2014) → 52 (2018), target 0 (2019): no compound rate reaches 0
    assert w["ratio_basis"] == "linear" and w["note"] == "linear_zero_or_sign_change"
    assert w["observed_annual_change"] == pytest.approx(-17)  # (52 − 120) ÷ 4
    assert w["required_annual_change"] == pytest.approx(-24)  # (0 − 120) ÷ 5
    assert w["ratio"] == pytest.approx(17 / 24)  # (−1) × (−17) ÷ 24 = 0.7083
    assert w["outlook"] == "moderate_progress"
    # least squares through (2014, 120), (2016, 88), (2017, 58), (2018, 52): mean year 2016.25, mean 79.5,
    # slope −157.5 ÷ 8.75 = −18; in 2019: 79.5 − 18 × 2.75 = 30; zero at 2016.25 + 79.5 ÷ 18 = 2020.67 → FY2021
    assert w["projected_value"] == pytest.approx(30.0)
    assert w["projected_year_reached"] == 2021
    n = o.loc["net_migration"]  # −3,703 (2014) → −3,900 (2018), target 0 (2019)
    assert n["ratio"] == pytest.approx(-49.25 / 740.6)  # (−197 ÷ 4) ÷ (3,703 ÷ 5)
    assert n["outlook"] == "deterioration" and n["ratio_basis"] == "linear"


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
    assert r["cagr_ratio"] == pytest.approx(1.0) and r["outlook"] == "substantial_progress"


def test_no_baseline_uses_the_first_actual(dataset):
    r = outlook(dataset, 2018).set_index("indicator").loc["multigenerational_welfare_hubs"]
    # 147 (2016) → 160 (2018): √(160 ÷ 147) − 1 = 4.328%; to 179 by 2019: (179 ÷ 147)^⅓ − 1 = 6.785%
    assert (r["base_source"], r["base_year"], r["base_value"]) == ("first_actual", 2016, 147)
    assert r["observed_cagr"] == pytest.approx(0.04328, abs=1e-5)
    assert r["required_cagr"] == pytest.approx(0.06785, abs=1e-5)
    assert r["cagr_ratio"] == pytest.approx(0.6379, abs=1e-4) and r["outlook"] == "moderate_progress"


def test_a_single_data_point_is_not_assessable(tmp_path):
    r = one(tmp_path, {"target": 10}, [(2018, 5)], 2018)  # no baseline, one actual: nothing to grow from
    assert (r["outlook"], r["note"]) == ("not_assessable", "single_point")
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
    assert f["outlook"] == "limited_progress"  # ratio 0: in [0, 0.6)
    w = o.loc["wish_to_stay_rate"]  # 基準値より増加: the target is the baseline 76.2 itself; 75.8 is below it
    assert (w["target_value"], w["note"], w["outlook"]) == (76.2, "target_equals_base", "deterioration")
    assert o.loc["agricultural_output"]["outlook"] == "target_achieved"  # 現状値以上 and above it


def test_cumulative_target_pace(dataset):
    o = outlook(dataset, 2018).set_index("indicator")
    a = o.loc["active_senior_trainees"]  # 累計10,500人 over H27～R1 (2015-2019), 7,086 by H30 (2018)
    assert (a["elapsed_years"], a["period_years"], a["elapsed_share"]) == (4, 5, 0.8)
    assert a["expected_to_date"] == pytest.approx(8400)  # 10,500 × 4/5
    assert a["pace_adjusted_rate"] == 84.4  # 7,086 ÷ 8,400 = 84.357…%
    assert a["ratio"] == pytest.approx(7086 / 8400) and a["outlook"] == "moderate_progress"
    assert (a["ratio_basis"], a["note"], a["base_year"], a["base_value"]) == ("linear", "cumulative", 2014, 0)
    # least squares through (2014, 0), (2015, 2,658), (2016, 4,718), (2017, 6,569), (2018, 7,086):
    # mean 4,206.2, slope 18,083 ÷ 10 = 1,808.3; 2019: 4,206.2 + 3 × 1,808.3 = 9,631.1;
    # 10,500 at 2016 + 6,293.8 ÷ 1,808.3 = 2019.48 → FY2020
    assert a["projected_value"] == pytest.approx(9631.1)
    assert a["projected_year_reached"] == 2020
    f = o.loc["foreign_investment_cases"]  # 12件 over H28～R1 (2016-2019), 12 by 2018: 3 of 4 years
    assert (f["elapsed_share"], f["pace_adjusted_rate"], f["outlook"]) == (0.75, 133.3, "target_achieved")  # 12 ÷ 9


def test_pace_one_year_earlier(dataset):
    a = outlook(dataset, 2017).set_index("indicator").loc["active_senior_trainees"]
    # 6,569 by 2017: 3 of 5 years, 10,500 × 3/5 = 6,300 expected: 6,569 ÷ 6,300 = 104.27% → ahead of pace
    assert (a["latest_year"], a["pace_adjusted_rate"], a["outlook"]) == (2017, 104.3, "substantial_progress")


def test_the_grade_table_carries_the_outlook_without_changing_the_grade():
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["grades", "--year", "2018", "--format", "csv", "--lang", "en"]) == 0
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    a = rows["active_senior_trainees"]
    assert (a["progress_rate"], a["grade"]) == ("67.5", "B")  # the official figures stay
    assert (a["pace_adjusted_rate"], a["elapsed_share"], a["outlook"]) == ("84.4", "0.8", "moderate_progress")
    assert a["outlook_label"] == "Moderate progress (acceleration needed)"
    # p1_kpi3: least squares through 66,592 (2014) … 87,517 (2018): mean 79,602.8, slope 59,164 ÷ 10 = 5,916.4;
    # the revised 95,000 at 2016 + 15,397.2 ÷ 5,916.4 = 2018.6 → FY2019
    assert rows["p1_kpi3"]["projected_year_reached"] == "2019"
    assert rows["total_fertility_rate"]["required_cagr"] == "0.022579"
