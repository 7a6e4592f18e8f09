"""The grading legend on hand-worked cases (each expected figure is worked out in the comment)."""

import pytest

from kpi_lib.analysis.grading import evaluate
from kpi_lib.dataset.loading import load_dataset
from kpi_lib.dataset.scheme import load_scheme

from synthetic import write_dataset


def grade_of(tmp_path, indicator: dict, actuals: list, year: int, benchmarks=()):
    ind = {"indicator": "x", "name_ja": "指標", **indicator}
    ds = load_dataset(write_dataset(tmp_path / "d", [ind], [("x", y, v) for y, v in actuals], benchmarks))
    r = evaluate(ds, year).iloc[0]
    return r["progress_rate"], r["grade"]


WAITING_LIST = {"direction": "lower", "baseline": 120, "baseline_year": 2014, "target": 60, "unit_ja": "人"}


@pytest.mark.parametrize(
    "actual, rate, grade",
    [
        (75, 80.0, "A③"),  # 60 ÷ 75 × 100 = 80.0: not yet at 60 or below, rate not below 80
        (76, 78.9, "B"),  # 60 ÷ 76 × 100 = 78.947… → 78.9 < 80
        (60, 100.0, "A①"),  # reached exactly
        (45, 133.3, "A①"),  # 60 ÷ 45 × 100 = 133.33… better than the target
    ],
)
def test_lower_is_better_rate_is_target_over_actual(tmp_path, actual, rate, grade):
    assert grade_of(tmp_path, WAITING_LIST, [(2018, actual)], 2018) == (rate, grade)


def test_lower_is_better_actual_zero_has_no_rate_but_is_achieved(tmp_path):
    rate, grade = grade_of(tmp_path, WAITING_LIST, [(2018, 0)], 2018)
    assert rate is None and grade == "A①"


def test_lower_is_better_revision_downwards_is_the_upward_revision(tmp_path):
    # original 60, revised (tightened) to 40; actual 50: 40 ÷ 50 = 80.0%, original 60 reached -> A②
    ind = {**WAITING_LIST, "revised_target": 40, "revised_target_year": 2019}
    assert grade_of(tmp_path, ind, [(2018, 50)], 2018) == (80.0, "A②")


def test_increase_from_baseline_needs_a_strict_increase(tmp_path):
    ind = {"target_kind": "above_baseline", "baseline": 50, "baseline_year": 2014, "unit_ja": "%"}
    assert grade_of(tmp_path, ind, [(2018, 50)], 2018) == (100.0, "A③")  # equal: no increase
    assert grade_of(tmp_path / "b", ind, [(2018, 50.1)], 2018) == (100.2, "A①")  # 50.1 ÷ 50 = 100.2%


def test_at_least_the_baseline_is_met_when_equal(tmp_path):
    ind = {"target_kind": "at_least_baseline", "baseline": 50, "baseline_year": 2014}
    assert grade_of(tmp_path, ind, [(2018, 50)], 2018) == (100.0, "A①")


def test_cumulative_target_with_annual_actuals_sums_within_the_period(tmp_path):
    ind = {"target_kind": "cumulative", "target": 100, "period_start": 2016, "period_end": 2019}
    actuals = [(2015, 99), (2016, 30), (2017, 30), (2018, 30)]  # 2015 is before the period: not counted
    assert grade_of(tmp_path, ind, actuals, 2017) == (60.0, "B")  # 30 + 30 = 60
    assert grade_of(tmp_path / "b", ind, actuals, 2018) == (90.0, "A③")  # 90 ÷ 100


def test_the_80_percent_band_uses_the_rounded_published_rate(tmp_path):
    # 7,995 ÷ 10,000 = 79.95% prints as 80.0%, so it is not "進捗率80%未満"
    assert grade_of(tmp_path, {"target": 10000}, [(2018, 7995)], 2018) == (80.0, "A③")
    assert grade_of(tmp_path / "b", {"target": 10000}, [(2018, 7994)], 2018) == (79.9, "B")


def test_achievement_is_judged_on_unrounded_figures(tmp_path):
    # 9,999.6 ÷ 10,000 prints as 100.0% but the target is not reached
    assert grade_of(tmp_path, {"target": 10000}, [(2018, 9999.6)], 2018) == (100.0, "A③")


def test_national_target_uses_the_same_years_national_value(tmp_path):
    ind = {"target_kind": "national", "baseline": 1.2, "baseline_year": 2014, "unit_ja": ""}
    bench = [("x", 2017, 1.5), ("x", 2018, 1.25)]
    assert grade_of(tmp_path, ind, [(2017, 1.3), (2018, 1.3)], 2017, bench) == (86.7, "A③")  # 1.3 ÷ 1.5
    assert grade_of(tmp_path / "b", ind, [(2017, 1.3), (2018, 1.3)], 2018, bench) == (104.0, "A①")


def test_no_actual_yet_gives_no_grade(tmp_path):
    # 2018 is 未; the 2019 actual does not count for the 2018 evaluation
    rate, grade = grade_of(tmp_path, {"target": 10}, [(2018, "未"), (2019, 12)], 2018)
    assert rate is None and grade == ""


def test_hokkaido_scheme_bands_follow_the_legend():
    scheme = load_scheme("hokkaido")
    assert scheme.grades == ("B", "A①", "A②", "A③")
    assert scheme.band("B").rate_below == 80
    assert "80%未満" in scheme.band("B").label_ja
