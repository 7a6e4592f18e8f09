"""Grading schemes as configuration: the shipped schemes on their example datasets, a new scheme
made of existing parts without code, and one-line errors for broken scheme files.

Every expected rate and grade is worked out by hand in the comments, from examples/*/ and the
scheme definitions (docs/grading.md), never copied from the code's output.
"""

import json
import shutil
from pathlib import Path

import pytest

from kpi_lib.analysis.grading import evaluate
from kpi_lib.cli import main
from kpi_lib.core.errors import DataError, KpiError
from kpi_lib.dataset.loading import load_dataset
from kpi_lib.dataset.scheme import load_scheme

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def grades(data_dir, year: int, scheme=None) -> dict:
    ev = evaluate(load_dataset(data_dir), year, scheme)
    return {r["indicator"]: (r["progress_rate"], r["grade"]) for r in ev.to_dict("records")}


# --- 目安値: (actual − baseline) ÷ (milestone − baseline); A milestone reached, B ≥ 80%, C below --------

MILESTONE = {
    2016: {
        # lower is better: (88 − 120) ÷ (80 − 120) = −32 ÷ −40 = 80.0%; 88 > 80 so not reached: B
        "waiting_list": (80.0, "B"),
        # negative baseline: (−3,000 + 3,703) ÷ (−2,800 + 3,703) = 703 ÷ 903 = 77.85…% → 77.9: C
        "net_migration": (77.9, "C"),
        # exactly at the milestone 540: reached, (540 − 500) ÷ (540 − 500) = 100.0%: A
        "tourists": (100.0, "A"),
        # 10,900 ≥ 10,800 reached; (900 ÷ 800) = 112.5%: A
        "migration_consultations": (112.5, "A"),
    },
    2017: {
        # 58 ≤ 60 reached: A; (58 − 120) ÷ (60 − 120) = −62 ÷ −60 = 103.33…% → 103.3
        "waiting_list": (103.3, "A"),
        # 1,403 ÷ 1,503 = 93.35…% → 93.3: B
        "net_migration": (93.3, "B"),
        # 48 ÷ 60 = 80.0%, exactly on the band edge: B
        "tourists": (80.0, "B"),
        # 1,000 ÷ 1,400 = 71.43…% → 71.4: C
        "migration_consultations": (71.4, "C"),
    },
    2018: {
        # (52 − 120) ÷ (40 − 120) = −68 ÷ −80 = 85.0%: B
        "waiting_list": (85.0, "B"),
        # moved away: (−3,900 + 3,703) ÷ (−1,600 + 3,703) = −197 ÷ 2,103 = −9.367…% → −9.4: C
        "net_migration": (-9.4, "C"),
        # 63 ÷ 80 = 78.75% exactly: half-up → 78.8: C
        "tourists": (78.8, "C"),
        # 1,599 ÷ 2,000 = 79.95% prints as 80.0%: the band compares the rounded rate: B
        "migration_consultations": (80.0, "B"),
    },
}


@pytest.mark.parametrize("year", sorted(MILESTONE))
def test_milestone_improvement_scheme_on_its_example(year):
    assert grades(EXAMPLES / "milestone_improvement", year) == MILESTONE[year]


# --- 期待値: (actual − baseline) ÷ (expected − baseline); A ≥ 100, B+ ≥ 80, B ≥ 50, C below -----------

EXPECTED_PATH = {
    2015: {
        # cumulative, baseline 0: 180 ÷ 200 = 90.0%: B+
        "new_businesses": (90.0, "B+"),
        # (100 − 120) ÷ (96 − 120) = −20 ÷ −24 = 83.33…% → 83.3: B+
        "waiting_list": (83.3, "B+"),
        # (−3,100 + 3,703) ÷ (−2,962 + 3,703) = 603 ÷ 741 = 81.38…% → 81.4: B+
        "net_migration": (81.4, "B+"),
    },
    2016: {
        # 180 + 230 = 410 ÷ 400 = 102.5%: A
        "new_businesses": (102.5, "A"),
        # (70 − 120) ÷ (72 − 120) = −50 ÷ −48 = 104.17…% → 104.2: A
        "waiting_list": (104.2, "A"),
        # 1,203 ÷ 1,481 = 81.23…% → 81.2: B+
        "net_migration": (81.2, "B+"),
    },
    2017: {
        # 410 + 150 = 560 ÷ 600 = 93.33…% → 93.3: B+
        "new_businesses": (93.3, "B+"),
        # (70 − 120) ÷ (48 − 120) = −50 ÷ −72 = 69.44…% → 69.4: B
        "waiting_list": (69.4, "B"),
        # (−3,800 + 3,703) ÷ (−1,481 + 3,703) = −97 ÷ 2,222 = −4.37…% → −4.4: C
        "net_migration": (-4.4, "C"),
    },
    2018: {
        # 560 + 100 = 660 ÷ 800 = 82.5%: B+
        "new_businesses": (82.5, "B+"),
        # (90 − 120) ÷ (24 − 120) = −30 ÷ −96 = 31.25% exactly → 31.3: C
        "waiting_list": (31.3, "C"),
        # 1,703 ÷ 2,962 = 57.49…% → 57.5: B
        "net_migration": (57.5, "B"),
    },
}


@pytest.mark.parametrize("year", sorted(EXPECTED_PATH))
def test_expected_path_scheme_on_its_example(year):
    assert grades(EXAMPLES / "expected_path", year) == EXPECTED_PATH[year]


def test_the_examples_name_their_scheme_and_validate():
    for name in ("milestone_improvement", "expected_path"):
        meta = json.loads((EXAMPLES / name / "metadata.json").read_text(encoding="utf-8"))
        assert meta["scheme"] == name
        assert main(["validate", "--data", str(EXAMPLES / name)]) == 0


def test_hokkaido_still_reproduces_the_published_grades(dataset):
    ev = evaluate(dataset, 2018)
    published = ev[ev["published_grade"] != ""]
    assert len(published) == 20 and (published["grade"] == published["published_grade"]).all()


# --- a new scheme from existing parts, named by the dataset, no code change -----------------------

NEW_SCHEME = """
name = "three_marks"
title_ja = "三段階評価"
title_en = "Three marks"
ranking = ["◎", "○", "△"]

[rate]
definition = "ratio"
reference = "expected_path"
decimals = 1
rounding = "down"
lower_is_better = "inverse"

[[bands]]
grade = "◎"
rate_at_least = 100
label_ja = "期待値以上"
label_en = "At or above the expected value"

[[bands]]
grade = "○"
rate_at_least = 90
label_ja = "期待値の90%以上"
label_en = "At least 90% of the expected value"

[[bands]]
grade = "△"
label_ja = "期待値の90%未満"
label_en = "Below 90% of the expected value"
"""


@pytest.fixture()
def own_scheme(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES / "expected_path", data)
    for file in ("indicators.csv", "actuals.csv", "milestones.csv"):  # net migration has no ratio: leave it out
        path = data / file
        path.write_text(
            "\n".join(line for line in path.read_text(encoding="utf-8").split("\n") if "net_migration" not in line),
            encoding="utf-8",
        )
    pi = data / "project_indicators.csv"
    pi.write_text(pi.read_text(encoding="utf-8").replace("1,KPI,3,net_migration\n", ""), encoding="utf-8")
    (data / "three_marks.toml").write_text(NEW_SCHEME, encoding="utf-8")
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    (data / "metadata.json").write_text(json.dumps({**meta, "scheme": "three_marks.toml"}), encoding="utf-8")
    return data


@pytest.mark.parametrize(
    "year, expected",
    [
        # new businesses: cumulative ÷ expected; waiting list (lower): expected ÷ actual; rounded down
        (
            2015,
            {
                "new_businesses": (90.0, "○"),  # 180 ÷ 200 = 90.0%
                "waiting_list": (96.0, "○"),
            },
        ),  # 96 ÷ 100 = 96.0%
        (
            2016,
            {
                "new_businesses": (102.5, "◎"),  # 410 ÷ 400 = 102.5%
                "waiting_list": (102.8, "◎"),
            },
        ),  # 72 ÷ 70 = 102.857…% → down 102.8 (half-up would give 102.9)
        (
            2017,
            {
                "new_businesses": (93.3, "○"),  # 560 ÷ 600 = 93.33…%
                "waiting_list": (68.5, "△"),
            },
        ),  # 48 ÷ 70 = 68.571…% → down 68.5
        (
            2018,
            {
                "new_businesses": (82.5, "△"),  # 660 ÷ 800 = 82.5%
                "waiting_list": (26.6, "△"),
            },
        ),  # 24 ÷ 90 = 26.666…% → down 26.6
    ],
)
def test_a_scheme_file_in_the_data_directory_needs_no_code(own_scheme, year, expected):
    assert grades(own_scheme, year) == expected


def test_the_same_data_under_another_scheme_by_argument(own_scheme):
    # the expected_path scheme (improvement from the baseline) on the same data, chosen by argument:
    # waiting list 2016: (70 − 120) ÷ (72 − 120) = 104.2%: A
    assert grades(own_scheme, 2016, "expected_path")["waiting_list"] == (104.2, "A")


# --- the scheme's needs are checked on load --------------------------------------------------------


def copy_example(tmp_path, name):
    data = tmp_path / name
    shutil.copytree(EXAMPLES / name, data)
    return data


def problems(data) -> list[str]:
    with pytest.raises(DataError) as e:
        load_dataset(data)
    return [str(p) for p in e.value.problems]


def test_a_year_without_milestone_is_reported(tmp_path):
    data = copy_example(tmp_path, "milestone_improvement")
    path = data / "milestones.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("tourists,2017,560,目安値 (example)\n", ""), encoding="utf-8"
    )
    assert problems(data) == [
        "milestones.csv: column 'value': indicator 'tourists' has no interim milestone (目安値) "
        "for 2017 (the milestone_improvement scheme measures every actual against one)"
    ]


def test_a_milestone_equal_to_the_baseline_is_reported(tmp_path):
    data = copy_example(tmp_path, "milestone_improvement")
    path = data / "milestones.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("tourists,2016,540,", "tourists,2016,500,"), encoding="utf-8"
    )
    assert problems(data) == [
        "milestones.csv:8: column 'value': equals the baseline of 'tourists': the improvement rate would divide by zero"
    ]


def test_an_improvement_rate_needs_a_baseline(tmp_path):
    data = copy_example(tmp_path, "expected_path")
    path = data / "indicators.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("higher,0,2014,cumulative", "higher,—,,cumulative"), encoding="utf-8"
    )
    [problem] = problems(data)
    assert problem.startswith(
        "indicators.csv:2: column 'baseline': the expected_path scheme's improvement rate needs a baseline"
    )


def test_a_zero_target_is_fine_for_an_improvement_rate_but_not_for_a_ratio(tmp_path):
    load_dataset(EXAMPLES / "milestone_improvement")  # the waiting list aims at 0
    data = copy_example(tmp_path, "milestone_improvement")
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    (data / "metadata.json").write_text(json.dumps({**meta, "scheme": "hokkaido"}), encoding="utf-8")
    found = problems(data)
    assert (
        "indicators.csv:2: column 'target': zero target: the rate (a ratio to the target) would divide by zero" in found
    )


def test_a_negative_milestone_cannot_divide_a_ratio(tmp_path, own_scheme):
    path = own_scheme / "milestones.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("waiting_list,2015,96,", "waiting_list,2015,-96,"), encoding="utf-8"
    )
    [problem] = problems(own_scheme)
    assert problem.startswith("milestones.csv:6: column 'value': the expected value (期待値) must be positive")


def test_milestones_of_unknown_indicators_are_reported(tmp_path):
    data = copy_example(tmp_path, "milestone_improvement")
    with open(data / "milestones.csv", "a", encoding="utf-8") as f:
        f.write("nonesuch,2016,1,\n")
    assert problems(data) == ["milestones.csv:14: column 'indicator': unknown indicator 'nonesuch'"]


# --- scheme files: one-line errors naming the file and the key -------------------------------------

BASE = NEW_SCHEME


@pytest.mark.parametrize(
    "change, message",
    [
        (
            ('definition = "ratio"', 'definition = "ratios"'),
            "bad.toml: [rate] definition: 'ratios' is not one of ratio, improvement",
        ),
        (
            ('reference = "expected_path"', 'reference = "target"'),
            "bad.toml: [rate] reference: 'target' is not one of final_target, milestone, expected_path",
        ),
        (
            ('rounding = "down"', 'rounding = "banker"'),
            "bad.toml: [rate] rounding: 'banker' is not one of half_up, down",
        ),
        (
            ('lower_is_better = "inverse"', 'lower_is_better = "signed"'),
            "bad.toml: [rate] lower_is_better: 'signed' is not one of inverse, complement",
        ),
        (("decimals = 1", "decimals = 1.5"), "bad.toml: [rate] decimals: must be a whole number 0-6, not 1.5"),
        (
            ("decimals = 1", "decimal = 1"),
            "bad.toml: [rate] decimal: unknown key (allowed: definition, reference, decimals, rounding, lower_is_better)",
        ),
        (
            ("rate_at_least = 90", 'rate_at_least = "90"'),
            "bad.toml: bands[2] rate_at_least: must be a number, not '90'",
        ),
        (("rate_at_least = 90", "rate_abov = 90"), "bad.toml: bands[2] rate_abov: unknown key"),
        (('grade = "○"', 'grade = "◎"'), "bad.toml: bands[2] grade: '◎' is given by an earlier band"),
        (('label_en = "At least 90% of the expected value"\n', ""), "bad.toml: bands[2] label_en: missing"),
        (
            ('ranking = ["◎", "○", "△"]', 'ranking = ["◎", "○", "×"]'),
            "bad.toml: ranking: '×' is not a grade any band gives",
        ),
        (
            ('grade = "△"\n', 'grade = "△"\nrate_below = 90\n'),
            "bad.toml: bands[3]: the last band must have no condition",
        ),
        (("rate_at_least = 90\n", ""), "bad.toml: bands[2]: a band with no condition takes every remaining case"),
        (
            ('grade = "◎"\n', 'grade = "◎"\nwhen = "original_achieved"\n'),
            "bad.toml: bands[1] when: original_achieved needs reference = final_target",
        ),
        (
            ('grade = "◎"\n', 'grade = "◎"\nwhen = "reached"\n'),
            "bad.toml: bands[1] when: 'reached' is not one of achieved, original_achieved",
        ),
        (('name = "three_marks"\n', ""), "bad.toml: name: missing"),
        (("[rate]", "[rates]"), "bad.toml: rates: unknown key"),
        (("[[bands]]", "[[band]]"), "bad.toml: band: unknown key"),
        (('title_ja = "三段階評価"', 'title_ja = "三段階評価'), "bad.toml: not valid TOML"),
    ],
)
def test_broken_scheme_files_give_one_line_errors(tmp_path, change, message):
    path = tmp_path / "bad.toml"
    assert change[0] in BASE
    path.write_text(BASE.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(KpiError) as e:
        load_scheme(path)
    assert str(e.value).startswith(message)
    assert "\n" not in str(e.value)


def test_unknown_scheme_names_and_missing_files(tmp_path):
    with pytest.raises(
        KpiError, match=r"unknown grading scheme 'tokyo' \(known: expected_path, hokkaido, milestone_improvement"
    ):
        load_scheme("tokyo")
    with pytest.raises(KpiError, match="grading scheme file not found"):
        load_scheme(tmp_path / "nowhere.toml")


def test_a_broken_scheme_named_by_a_dataset_is_a_data_problem(own_scheme):
    path = own_scheme / "three_marks.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('rounding = "down"', 'rounding = "up"'), encoding="utf-8")
    assert problems(own_scheme) == [
        "metadata.json: column 'scheme': three_marks.toml: [rate] rounding: 'up' is not one of half_up, down"
    ]


def test_a_milestone_scheme_without_milestones_is_one_problem(tmp_path):
    data = copy_example(tmp_path, "milestone_improvement")
    (data / "milestones.csv").unlink()
    assert problems(data) == [
        "milestones.csv: file is missing: the milestone_improvement scheme measures every actual "
        "against an interim milestone (目安値) (one row per indicator and year)"
    ]


def test_a_broken_milestone_value_is_one_problem(tmp_path):
    data = copy_example(tmp_path, "milestone_improvement")
    path = data / "milestones.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("tourists,2017,560,", "tourists,2017,560人,"), encoding="utf-8"
    )
    [problem] = problems(data)
    assert problem.startswith("milestones.csv:9: column 'value': not a number: '560人'")


# --- bands: order, overlaps, unreachable bands, any number of bands ---------------------------------


def scheme_with_bands(tmp_path, *bands: str, name: str = "bands.toml") -> Path:
    """A ratio scheme whose bands are the given TOML snippets, then a catch-all band."""
    head = (
        'name = "test"\ntitle_ja = "試験"\ntitle_en = "Test"\n'
        '[rate]\ndefinition = "ratio"\nreference = "final_target"\n'
    )
    body = "".join(
        f'[[bands]]\ngrade = "G{i}"\nlabel_ja = "g{i}"\nlabel_en = "g{i}"\n{b}\n' for i, b in enumerate(bands, 1)
    )
    path = tmp_path / name
    path.write_text(head + body + '[[bands]]\ngrade = "Z"\nlabel_ja = "z"\nlabel_en = "z"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "bands, message",
    [
        # out of order: everything at 80% or more already went to the 50% band
        (
            ["rate_at_least = 50", "rate_at_least = 80"],
            "bands.toml: bands[2]: unreachable: earlier bands already take every rate it covers (80% or more)",
        ),
        # descending thresholds the wrong way round
        (
            ["rate_below = 80", "rate_below = 50"],
            "bands.toml: bands[2]: unreachable: earlier bands already take every rate it covers (below 50%)",
        ),
        # covered by two earlier bands together
        (
            ["rate_below = 50", "rate_at_least = 70", "rate_at_least = 55\nrate_below = 65", "rate_at_least = 50"],
            "",  # valid: 50-55 and 65-70 are still the fourth band's; checked below
        ),
        (
            ["rate_below = 50", "rate_at_least = 50", "rate_at_least = 60\nrate_below = 70"],
            "bands.toml: bands[3]: unreachable",
        ),
        # an explicit range that an earlier band partly takes
        (
            ["rate_at_least = 50\nrate_below = 80", "rate_at_least = 70\nrate_below = 100"],
            "bands.toml: bands[2] rate_at_least: 70 lies inside the range of bands[1] (overlapping bands)",
        ),
        (
            ["rate_at_least = 80", "rate_below = 90"],
            "bands.toml: bands[2] rate_below: 90 lies inside the range of bands[1] (overlapping bands)",
        ),
        (
            ["rate_at_least = 100", "rate_at_least = 50\nrate_below = 120"],
            "bands.toml: bands[2] rate_below: 120 lies inside the range of bands[1] (overlapping bands)",
        ),
        # a band with the same condition as an earlier one
        (['when = "achieved"', 'when = "achieved"'], "bands.toml: bands[2]: unreachable: an earlier band already"),
        (
            ['when = "achieved"\nrate_at_least = 90', 'when = "achieved"\nrate_at_least = 95'],
            "bands.toml: bands[2]: unreachable",
        ),
        # a band after the catch-all
        (["", "rate_at_least = 80"], "bands.toml: bands[1]: a band with no condition takes every remaining case"),
        # bounds that are not numbers a rate can be compared with
        (["rate_at_least = inf"], "bands.toml: bands[1] rate_at_least: must be a number, not inf"),
        (["rate_below = nan"], "bands.toml: bands[1] rate_below: must be a number, not nan"),
        (["rate_below = true"], "bands.toml: bands[1] rate_below: must be a number, not True"),
        (["rate_at_least = 90\nrate_below = 90"], "bands.toml: bands[1] rate_at_least: 90 is not below rate_below 90"),
        # too many bands: no legend has 51 grades
        ([f"rate_at_least = {1000 - k}" for k in range(60)], "bands.toml: bands: 61 bands: at most 50"),
    ],
)
def test_bands_are_validated_in_order(tmp_path, bands, message):
    path = scheme_with_bands(tmp_path, *bands)
    if not message:
        assert load_scheme(path).grades == ("G1", "G2", "G3", "G4", "Z")
        return
    with pytest.raises(KpiError) as e:
        load_scheme(path)
    assert str(e.value).startswith(message), str(e.value)
    assert "\n" not in str(e.value)


def test_the_usual_band_idioms_stay_valid(tmp_path):
    # thresholds from the top (at least 100, at least 80, ...), from the bottom (below 50, below 80),
    # and conditions mixed with rates as Hokkaido's legend has them
    assert load_scheme(scheme_with_bands(tmp_path, "rate_at_least = 100", "rate_at_least = 80")).grades[:2] == (
        "G1",
        "G2",
    )
    assert len(load_scheme(scheme_with_bands(tmp_path, "rate_below = 50", "rate_below = 80")).bands) == 3
    assert len(load_scheme(scheme_with_bands(tmp_path, "rate_below = 80", 'when = "achieved"')).bands) == 3
    for name in ("hokkaido", "expected_path", "milestone_improvement"):
        assert load_scheme(name).bands[-1].conditional is False


def test_a_broken_band_in_a_datasets_scheme_file_is_one_problem(own_scheme):
    path = own_scheme / "three_marks.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("rate_at_least = 90", "rate_at_least = 110"), encoding="utf-8"
    )
    [problem] = problems(own_scheme)
    assert problem.startswith("metadata.json: column 'scheme': three_marks.toml: bands[2]: unreachable"), problem


@pytest.mark.parametrize("count", [127, 128, 131, 255, 256, 260, 1000])
def test_grading_works_for_any_number_of_bands(count):
    """A fixed small integer type for band positions would wrap (int8 at 128): every band count
    gives each rate the band whose range holds it."""
    from kpi_lib.analysis.grading import grade_arrays
    from kpi_lib.dataset.scheme import Band, Scheme

    # band k (k = 0 … count−2) takes rates of at least count − 1 − k: a rate r ≥ 1 gets band count − 1 − r
    bands = tuple(Band(f"g{k}", "", "", rate_at_least=float(count - 1 - k)) for k in range(count - 1))
    scheme = Scheme("many", "", "", "ratio", "final_target", 1, (*bands, Band("last", "", "")))
    actual = [1.0, 5.0, float(count - 1), 0.5, float("nan")]  # reference 100: rates 1%, 5%, count−1 %, 0.5%
    _, _, _, grade = grade_arrays(
        scheme,
        actual=actual,
        reference=[100.0] * 5,
        lower=[False] * 5,
        strict=[False] * 5,
        original_reference=[100.0] * 5,
        upward_revised=[False] * 5,
    )
    assert list(grade) == [f"g{count - 2}", f"g{count - 6}", "g0", "last", ""]


def test_a_scheme_file_that_is_a_fifo_does_not_block(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.toml")
    with pytest.raises(KpiError, match=r"pipe.toml: cannot be read \(a named pipe \(FIFO\), not a regular file\)"):
        load_scheme(tmp_path / "pipe.toml")
