"""Every progress rate and grade printed in the source is reproduced.

The expectations below are transcribed from the source document itself
(shared/source/000_328f68cdd567978d.txt, the 進捗率 rows and the 進捗 column of each table),
not from data/ or from the code's output. "·" marks a cell the source leaves empty; "－" a printed dash.
"""

import csv
import io
from contextlib import redirect_stdout

import pandas as pd
import pytest

from kpi_lib.cli import main
from kpi_lib.core.resources import DATA_DIR

# project, indicator, H27, H28, H29, H30 (進捗率 %), 進捗 (grade printed in the H30 report; · = lost in extraction)
SOURCE = """
1 total_fertility_rate            90.3  89.6  90.2  89.4  A③
1 wish_to_stay_rate               ·     100.5 92.5  99.5  ·
1 pregnancy_consultations         82.8  50.2  48.8  28.7  B
1 female_employment_25_34         97.9  95.1  94.3  96.0  A③
1 p1_kpi3                         73.2  92.0  91.5  92.1  ·
1 active_senior_trainees          25.3  44.9  62.6  67.4  B
1 multigenerational_welfare_hubs  ·     82.1  83.8  89.4  A③
1 physicians_per_100k             ·     99.3  ·     ·     A③
2 manufacturing_productivity      80.4  77.3  75.4  －    B
2 assembly_shipments              83.1  87.8  92.6  －    A③
2 deer_utilization_rate           83.8  96.7  97.6  －    A③
3 food_exports                    77.3  70.2  67.4  77.4  B
3 agricultural_output             110.7 113.2 119.2 －    A①
3 fishery_output_per_worker       92.5  88.6  85.8  －    A③
3 timber_use                      86.5  94.3  102.7 －    A①
4 food_exports                    77.3  70.2  67.4  77.4  B
4 foreign_visitors                41.6  46.0  55.8  －    B
4 foreign_investment_cases        25.0  50.0  75.0  100.0 A①
4 intl_airport_passengers         77.1  87.1  106.9 －    A①
5 partnership_areas               68.0  76.0  92.0  96.0  A②
5 external_city_partnerships      50.0  71.4  78.6  78.6  B
5 welfare_industry_fields         20.0  46.7  73.3  100.0 A①
"""
YEARS = (2015, 2016, 2017, 2018)
# The one printed rate that its own arithmetic does not give: 7,086 ÷ 10,500 = 67.4857…% → 67.5 (printed 67.4).
KNOWN_DISAGREEMENTS = {(1, "active_senior_trainees", 2018): ("67.4", "67.5")}
# Rates the H30 report prints for years before a target's revision, against the revised target: a
# report for that year grades against the target then in force (original; revised in H29, as the
# source's 分析と課題 says): 外国人観光客 208 ÷ 300 = 69.33…, 230 ÷ 300 = 76.67…; 地域数 17 ÷ 21 = 80.95…,
# 19 ÷ 21 = 90.48… (printed 41.6 = 208 ÷ 500, 46.0, 68.0 = 17 ÷ 25, 76.0).
BEFORE_REVISION = {
    (4, "foreign_visitors", 2015): "69.3",
    (4, "foreign_visitors", 2016): "76.7",
    (5, "partnership_areas", 2015): "81.0",
    (5, "partnership_areas", 2016): "90.5",
}


def _source_rows():
    for line in SOURCE.strip().splitlines():
        project, indicator, *rates, grade = line.split()
        yield int(project), indicator, dict(zip(YEARS, rates)), grade


def _grades_csv(year: int) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["grades", "--year", str(year), "--format", "csv"]) == 0
    return {(int(r["project"]), r["indicator"]): r for r in csv.DictReader(io.StringIO(out.getvalue()))}


def test_every_project_indicator_of_the_source_is_listed():
    rows = _grades_csv(2018)
    assert set(rows) == {(p, i) for p, i, _, _ in _source_rows()}
    assert len(rows) == 22


def _published_rate_in_data(project: int, indicator: str, year: int) -> str:
    rows = pd.read_csv(DATA_DIR / "published_rates.csv", dtype=str)
    match = rows[(rows["project"] == str(project)) & (rows["indicator"] == indicator) & (rows["year"] == str(year))]
    return match["progress_rate"].iloc[0]


@pytest.mark.parametrize("year", YEARS)
def test_printed_progress_rates_are_reproduced(year):
    rows = _grades_csv(year)
    checked = 0
    for project, indicator, rates, _ in _source_rows():
        printed = rates[year]
        row = rows[(project, indicator)]
        if printed in ("·", "－"):
            # no rate printed for this year: the row's latest actual is from an earlier year
            assert row["latest_year"] != str(year)
            continue
        assert row["latest_year"] == str(year), (project, indicator)
        if (project, indicator, year) in BEFORE_REVISION:
            # printed on a target revised later: not yet known to that year's report (no hindsight);
            # the transcription itself is checked in the data
            assert row["published_rate"] == ""
            assert _published_rate_in_data(project, indicator, year) == printed
        else:
            assert row["published_rate"] == printed
        expected = KNOWN_DISAGREEMENTS.get((project, indicator, year), (printed, printed))[1]
        expected = BEFORE_REVISION.get((project, indicator, year), expected)
        assert row["progress_rate"] == expected, (project, indicator, year)
        checked += 1
    # printed rates per year column of the source: H27 19, H28 22, H29 21, H30 13
    assert checked == {2015: 19, 2016: 22, 2017: 21, 2018: 13}[year]


def test_printed_grades_are_reproduced():
    rows = _grades_csv(2018)
    for project, indicator, _, grade in _source_rows():
        row = rows[(project, indicator)]
        if grade == "·":
            assert row["published_grade"] == ""
            continue
        assert row["grade"] == grade, (project, indicator)
        assert row["published_grade"] == grade


def test_grades_the_source_lost_are_computed_by_the_legend():
    rows = _grades_csv(2018)
    # 75.8% vs a baseline of 76.2% (基準値より増加): 99.5%, not increased -> A③
    assert rows[(1, "wish_to_stay_rate")]["grade"] == "A③"
    # 87,517日 vs the revised 95,000日 (92.1%), but above the original 75,000日 -> A②
    assert rows[(1, "p1_kpi3")]["grade"] == "A②"


def test_grades_before_2018_use_the_latest_actual_up_to_that_year():
    rows = _grades_csv(2017)
    # H29 (2017) is — for physicians: the H28 actual 238.3 is the latest (99.3%)
    assert rows[(1, "physicians_per_100k")]["latest_year"] == "2016"
    assert rows[(1, "physicians_per_100k")]["progress_rate"] == "99.3"
    # 1,079万円 (H27) beat the original 1,050万円 but not the revised 1,166万円 -> A② in 2015
    assert _grades_csv(2015)[(3, "fishery_output_per_worker")]["grade"] == "A②"
    # the timber target was revised downwards (490 -> 447): reaching 447 is A①, never A②
    assert rows[(3, "timber_use")]["grade"] == "A①"


@pytest.mark.parametrize("form", ["H30", "平成30年度", "FY2018"])
def test_year_forms_give_the_same_table(form):
    out_a, out_b = io.StringIO(), io.StringIO()
    with redirect_stdout(out_a):
        main(["grades", "--year", form, "--format", "csv"])
    with redirect_stdout(out_b):
        main(["grades", "--year", "2018", "--format", "csv"])
    assert out_a.getvalue() == out_b.getvalue()
