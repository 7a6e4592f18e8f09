"""Outlook (the Theil–Sen trend of the actuals and its interval), sdg-build's growth ratios as data, pace for cumulative targets.

Every expected figure is worked out by hand in the comments.
"""

import csv
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_lib.analysis.outlook import CONFIDENCE, outlook, theil_sen
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
    # four actuals falling 10 a year (105, 95, 85, 75 in 2015-2018): every slope between two of them is
    # −10, so the interval is −10 … −10; 75 − 10 = 65 ≤ 65.61 in 2019 (target year 2018 moved on: see below)
    ind2019 = {**ind, "target_year": 2019}
    r = one(tmp_path / "c", ind2019, [(2015, 105), (2016, 95), (2017, 85), (2018, 75)], 2018)
    assert (r["trend_slope"], r["trend_slope_low"], r["trend_slope_high"]) == (-10, -10, -10)
    assert (r["projected_value"], r["outlook"]) == (65, "on_track")
    # rising 5 a year (105, 110, 115, 120): moving away from a lower target
    r = one(tmp_path / "d", ind2019, [(2015, 105), (2016, 110), (2017, 115), (2018, 120)], 2018)
    assert (r["trend_slope"], r["outlook"]) == (5, "not_approaching")


# target 150 in 2020; four actuals 2015-2018, two years left
TARGET_150 = {"baseline": 100, "baseline_year": 2014, "target": 150, "target_year": 2020}


@pytest.mark.parametrize(
    "values, slope, low, high, projected, category",
    [
        # +10 between every two years: the interval is 10 … 10; 130 + 2 × 10 = 150: reached, just
        ([100, 110, 120, 130], 10, 10, 10, 150, "on_track"),
        # +5: 115 + 10 = 125 < 150 even at the interval's top
        ([100, 105, 110, 115], 5, 5, 5, 125, "behind"),
        ([130, 130, 130, 130], 0, 0, 0, 130, "not_approaching"),  # flat
        ([140, 135, 130, 125], -5, -5, -5, 115, "not_approaching"),  # falling
        # one early jump, then flat (the shape of issue 16's unnamed KPI): the slopes between two
        # points are 30, 15, 10, 0, 0, 0, median (0 + 10) ÷ 2 = 5 (least squares would say 9 and
        # "not reached": 130 + 18 = 148); the interval 0 … 30 holds 10 a year, the change needed
        ([100, 130, 130, 130], 5, 0, 30, 140, "uncertain"),
    ],
)
def test_the_outlook_is_the_robust_trend_of_the_actuals_and_its_interval(
    tmp_path, values, slope, low, high, projected, category
):
    # the baseline 100 (2014) is never one of the points
    r = one(tmp_path, TARGET_150, list(zip(range(2015, 2019), values)), 2018)
    assert (r["trend_series"], r["trend_points"]) == ("actual", 4)
    assert (r["trend_slope"], r["trend_slope_low"], r["trend_slope_high"]) == (slope, low, high)
    assert (r["projected_value"], r["outlook"]) == (projected, category)
    assert r["required_annual_change_from_latest"] == pytest.approx((150 - values[-1]) / 2)


def test_three_actuals_are_no_trend(tmp_path):
    # issue 16: a V of three points (76.6, 70.5, 75.8) is no trend; the minimum is four
    r = one(tmp_path, TARGET_150, [(2016, 110), (2017, 120), (2018, 130)], 2018)
    assert (r["outlook"], r["outlook_note"], r["trend_points"]) == ("not_assessable", "too_few_actuals", 3)
    assert r["trend_slope"] is None or r["trend_slope"] != r["trend_slope"]


def test_hokkaido_series_named_in_issue_10(dataset):
    o = outlook(dataset, 2018).set_index("indicator")
    p = o.loc["pregnancy_consultations"]
    # 497, 301, 293, 172件 (H27-H30): slopes between two years −196, −102, −108.3, −8, −64.5, −121;
    # median (−108.3 − 102) ÷ 2 = −105.17; the interval −196 … −8 never rises: not approaching 600
    assert (p["trend_slope_low"], p["trend_slope_high"]) == (-196, -8)
    assert p["trend_slope"] == pytest.approx(-105.1667, abs=1e-4)
    assert p["outlook"] == "not_approaching"
    for name in ("manufacturing_productivity", "foreign_visitors", "multigenerational_welfare_hubs"):
        # three actuals (H30 未 or H27 —): no outlook
        assert (o.loc[name, "trend_points"], o.loc[name, "outlook"]) == (3, "not_assessable"), name
    ph = o.loc["physicians_per_100k"]  # —, 238.3人, —, 未: one actual, no line
    assert (ph["outlook"], ph["outlook_note"]) == ("not_assessable", "too_few_actuals")
    a = o.loc["partnership_areas"]
    # 17, 19, 23, 24地域: slopes 2, 3, 2.33, 4, 2.5, 1; median (2.33 + 2.5) ÷ 2 = 2.42; interval 1 … 4;
    # one more 地域 is needed by R1 (25): even 1 a year gets there
    assert (a["trend_slope_low"], a["trend_slope_high"], a["outlook"]) == (1, 4, "on_track")
    assert a["projected_year_reached"] == 2019
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
    # three actuals (2016-2018): no trend, no outlook
    assert (w["trend_points"], w["outlook"]) == (3, "not_assessable")
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
    assert (r["trend_points"], r["outlook"]) == (3, "not_assessable")  # 147, 150, 160: too few for a trend


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
    assert f["trend_series"] == "gap_to_national"  # the outlook follows the gap, never 1.42 held still
    assert f["observed_cagr"] == 0 and f["required_cagr"] == pytest.approx(0.022579, abs=1e-6)  # (1.42 ÷ 1.27)^⅕ − 1
    w = o.loc["wish_to_stay_rate"]  # 基準値より増加: the target is the baseline 76.2 itself; 75.8 is below it
    assert (w["target_value"], w["note"]) == (76.2, "target_equals_base")
    # 76.6, 70.5, 75.8 (H28-H30): a V of three points, no trend (issue 16: it read "not approaching"
    # right after "up 5.3 points")
    assert (w["trend_points"], w["outlook"]) == (3, "not_assessable")
    assert o.loc["agricultural_output"]["outlook"] == "target_achieved"  # 現状値以上 and above it


def test_cumulative_target_pace(dataset):
    o = outlook(dataset, 2018).set_index("indicator")
    a = o.loc["active_senior_trainees"]  # 累計10,500人 over H27～R1 (2015-2019), 7,086 by H30 (2018)
    assert (a["elapsed_years"], a["period_years"], a["elapsed_share"]) == (4, 5, 0.8)
    assert a["expected_to_date"] == pytest.approx(8400)  # 10,500 × 4/5
    assert a["pace_adjusted_rate"] == 84.4  # 7,086 ÷ 8,400 = 84.357…%
    assert a["ratio"] == pytest.approx(7086 / 8400)
    assert (a["ratio_basis"], a["note"], a["base_year"], a["base_value"]) == ("linear", "cumulative", 2014, 0)
    # issue 16: the running total hides that the yearly completions fell. The trend is fitted to the
    # annual additions 2,658, 4,718 − 2,658 = 2,060, 6,569 − 4,718 = 1,851, 7,086 − 6,569 = 517: slopes
    # between two years −598, −403.5, −713.7, −209, −771.5, −1,334; median (−713.7 − 598) ÷ 2 = −655.8;
    # even the interval's top (−209) gives 517 − 209 = 308 in R1 against the 3,414 needed
    assert a["trend_series"] == "annual_addition"
    assert a["trend_values"] == (2658, 2060, 1851, 517)
    assert a["trend_slope"] == pytest.approx(-655.8333, abs=1e-4)
    assert (a["trend_slope_low"], a["trend_slope_high"]) == (-1334, -209)
    assert a["required_annual_change_from_latest"] == 3414
    assert a["outlook"] == "behind"
    # at the fitted slope R1 would add 517 − 655.8 < 0: counted as 0, no year so far took any off
    assert a["additions_floored"] and a["projected_value"] == 7086
    f = o.loc["foreign_investment_cases"]  # 12件 over H28～R1 (2016-2019), 12 by 2018: 3 of 4 years
    assert (f["elapsed_share"], f["pace_adjusted_rate"], f["outlook"]) == (0.75, 133.3, "target_achieved")  # 12 ÷ 9


def test_pace_one_year_earlier(dataset):
    a = outlook(dataset, 2017).set_index("indicator").loc["active_senior_trainees"]
    # 6,569 by 2017: 3 of 5 years, 10,500 × 3/5 = 6,300 expected: 6,569 ÷ 6,300 = 104.27% → ahead of pace
    assert (a["latest_year"], a["pace_adjusted_rate"]) == (2017, 104.3)
    # three annual figures (2,658, 2,060, 1,851) are too few for a trend
    assert (a["trend_points"], a["outlook"]) == (3, "not_assessable")


def test_the_grade_table_carries_the_outlook_without_changing_the_grade():
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["grades", "--year", "2018", "--format", "csv", "--lang", "en"]) == 0
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    a = rows["active_senior_trainees"]
    assert (a["progress_rate"], a["grade"]) == ("67.5", "B")  # the official figures stay
    assert (a["pace_adjusted_rate"], a["elapsed_share"], a["outlook"]) == ("84.4", "0.8", "behind")
    assert a["outlook_label"] == "On its trend, not reached by the target year"
    # p1_kpi3: 69,574 (2015), 87,443, 86,888, 87,517 (2018): the slopes between two years are 17,869,
    # 8,657, 5,981, −555, 37, 629; median (629 + 5,981) ÷ 2 = 3,305 (least squares: 5,327.4, from the
    # one early jump); the interval −555 … 17,869 holds the 7,483 needed: no year is claimed
    p = rows["p1_kpi3"]
    assert (p["trend_slope"], p["trend_slope_low"], p["trend_slope_high"]) == ("3305", "-555", "17869")
    assert (p["outlook"], p["projected_year_reached"]) == ("uncertain", "")
    assert rows["total_fertility_rate"]["required_cagr"] == "0.022579"


# years 4 to 12 in a row (some left out), values with ties (a plateau) as the data have them
_series = st.integers(4, 12).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(2000, 2030), min_size=n, max_size=n, unique=True).map(sorted),
        st.lists(
            st.one_of(st.sampled_from([0.0, 1.27, 1.29, 35.5]), st.floats(-1e6, 1e6, allow_nan=False)),
            min_size=n,
            max_size=n,
        ),
    )
)


@given(_series)
def test_theil_sen_gives_scipy_theilslopes_figures(series):
    """kpi_lib's Theil–Sen (numpy, so the first chart does not import scipy.stats) is scipy's:
    the same slope and interval ends, to the last bit, on series with ties and gaps."""
    from scipy.stats import theilslopes  # the reference (a test dependency only; a second to import)

    years, values = series
    ours = theil_sen(values, years, CONFIDENCE)
    fit = theilslopes(values, years, alpha=CONFIDENCE)
    assert ours == (fit.slope, fit.low_slope, fit.high_slope)


def test_theil_sen_of_the_total_fertility_rate():
    """合計特殊出生率 1.31 1.29 1.29 1.27 (H27–H30), worked out by hand. The six slopes between two
    points, sorted: −0.02 (H27–28), −0.02 (H29–30), −0.04/3 (H27–30), −0.01 (H27–29), −0.01
    (H28–30), 0 (H28–29); the median is (−0.04/3 − 0.01) / 2 = −0.011667. Sen's variance: n = 4,
    one tie of two values (1.29): (4·3·13 − 2·1·9) / 18 = 138/18, σ = 2.769; z = −1.645 (90%),
    zσ = −4.554: the upper end is slope round((6 + 4.554)/2) = 5 (0-based), 0; the lower end
    slope round((6 − 4.554)/2) − 1 = 0, −0.02."""
    slope, low, high = theil_sen([1.31, 1.29, 1.29, 1.27], [2015, 2016, 2017, 2018])
    assert (round(slope, 6), round(low, 9), round(high, 9)) == (-0.011667, -0.02, 0.0)
