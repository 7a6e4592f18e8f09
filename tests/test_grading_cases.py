"""Issue 21's grading cases, each pinned as a fixed example on the path a user takes: `kpi grades`,
`kpi audit`, `kpi validate` (in-process, the `kpi` fixture) or the Python API. The expected figures
are worked by hand in the comments; tests/test_grading_invariants.py states the rules behind them
as properties of generated inputs."""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

import kpi_lib
from kpi_lib.core import resources

from synthetic import _write, write_dataset

ROOT = Path(__file__).resolve().parent.parent


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _row(kpi, root, year, indicator="x") -> dict:
    r = kpi("grades", "--year", year, "--format", "csv", "--data", root)
    assert r.returncode == 0, r.stderr
    return next(row for row in _csv(r.stdout) if row["indicator"] == indicator)


def _one_problem(kpi, root, file: str, line: int | None, column: str | None) -> str:
    """kpi validate refuses the data in one line naming file, line and column; kpi grades and
    kpi audit refuse it with the same line (exit 1, nothing graded or listed)."""
    r = kpi("validate", "--data", root)
    assert r.returncode == 1 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    where = f"{file}:{line}: column '{column}'" if line else f"{file}: column '{column}'"
    assert len(lines) == 2 and lines[0].startswith(f"kpi: error: {where}:"), r.stderr
    for command in (["grades", "--year", "2018"], ["audit"]):
        other = kpi(*command, "--data", root)
        assert other.returncode == 1 and other.stdout == "" and lines[0] in other.stderr, (command, other)
    return lines[0]


# --- rounding: the exact quotient of the figures as written


def test_a_rate_just_below_a_half_way_point_stays_below_it(tmp_path, kpi):
    # 799,499.999999 ÷ 1,000,000 × 100 = 79.9499999999 → 79.9 (half up at one decimal), below 80: B.
    # It was 80.0 / A③, and kpi audit accused the correct published 79.9 / B.
    ind = {"indicator": "x", "baseline": "700000", "baseline_year": 2014, "target": "1000000"}
    root = write_dataset(tmp_path / "d", [ind], [("x", 2018, "799499.999999")])
    _write(root, "published_rates", [{"project": 1, "indicator": "x", "year": 2018, "progress_rate": "79.9"}])
    _write(root, "published_grades", [{"project": 1, "indicator": "x", "year": 2018, "grade": "B"}])
    row = _row(kpi, root, "H30")
    assert (row["progress_rate"], row["grade"]) == ("79.9", "B")
    audit = kpi("audit", "--data", root)
    assert audit.returncode == 0, audit.stdout  # no disagreement


def test_rounding_down_keeps_79_9999999999_below_80(tmp_path, kpi):
    # 79.9999999999 ÷ 100 × 100 = 79.9999999999 → 79.9 rounded down (切り捨て) at one decimal: B.
    # It was 80.0 / A③.
    ind = {"indicator": "x", "baseline": "50", "baseline_year": 2014, "target": "100"}
    root = write_dataset(tmp_path / "d", [ind], [("x", 2018, "79.9999999999")], scheme="down.toml")
    text = (resources.SCHEME_DIR / "hokkaido.toml").read_text(encoding="utf-8")
    (root / "down.toml").write_text(text.replace('rounding = "half_up"', 'rounding = "down"'), encoding="utf-8")
    row = _row(kpi, root, "H30")
    assert (row["progress_rate"], row["grade"]) == ("79.9", "B")


# --- inputs the validator refuses


@pytest.mark.parametrize(
    "scheme, actual",
    [
        # (5,340 − 5,380) ÷ (5,236 − 5,380) × 100 = −40 ÷ −144 × 100 = 27.8: C, while 5,200 gave
        # −180 ÷ −144 × 100 = 125.0: A (a worse actual, a better grade)
        ("expected_path", "5340"),
        # (5,100 − 5,380) ÷ (5,236 − 5,380) × 100 = −280 ÷ −144 × 100 = 194.4: graded as progress
        ("milestone_improvement", "5100"),
    ],
)
def test_a_falling_path_for_a_higher_is_better_indicator_is_refused(tmp_path, kpi, scheme, actual):
    ind = {"indicator": "x", "direction": "higher", "baseline": "5380", "baseline_year": 2014, "target": "5400"}
    root = write_dataset(tmp_path / "d", [ind], [("x", 2018, actual)], scheme=scheme)
    _write(root, "milestones", [{"indicator": "x", "year": 2018, "value": "5236"}])
    line = _one_problem(kpi, root, "milestones.csv", 2, "value")
    assert "below the baseline 5380" in line and "'higher'" in line


def test_a_target_against_the_direction_is_refused(tmp_path, kpi):
    # lower is better, yet the target 200 is above the baseline 100: 120 was "achieved" at
    # 200 ÷ 120 × 100 = 166.7%
    ind = {"indicator": "x", "direction": "lower", "baseline": "100", "baseline_year": 2014, "target": "200"}
    root = write_dataset(tmp_path / "d", [ind], [("x", 2018, "120")])
    assert "above the baseline 100" in _one_problem(kpi, root, "indicators.csv", 2, "target")


@pytest.mark.parametrize("national", ["0", "-1.42"])
def test_a_national_value_that_cannot_divide_is_refused(tmp_path, kpi, national):
    # 1.27 ÷ 0 has no quotient (it was graded A①); 1.27 ÷ −1.42 × 100 = −89.4 was B beside the
    # outlook "achieved"
    ind = {"indicator": "x", "target_kind": "national", "baseline": "1.2", "baseline_year": 2014, "unit_ja": ""}
    root = write_dataset(tmp_path / "d", [ind], [("x", 2018, "1.27")], [("x", 2018, national)])
    assert "must be positive" in _one_problem(kpi, root, "benchmarks.csv", 2, "value")


def test_an_invisible_character_after_a_published_grade_is_refused(tmp_path, kpi):
    # Hokkaido's data with a zero-width space after the first A③ (合計特殊出生率, H30): the audit
    # reported "A③ vs A③"; now validate, grades and audit all refuse it naming the character
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    path = root / "published_grades.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1] == "1,total_fertility_rate,2018,A③,\n"  # as transcribed from the source
    lines[1] = "1,total_fertility_rate,2018,A③\u200b,\n"
    path.write_text("".join(lines), encoding="utf-8")
    line = _one_problem(kpi, root, "published_grades.csv", 2, "grade")
    assert "U+200B ZERO WIDTH SPACE" in line and "A③ vs A③" not in line


def test_published_grades_under_another_schemes_legend_are_refused_naming_the_scheme_they_need(tmp_path, kpi):
    # Hokkaido's data graded by a scheme whose grades are S, A, B+, B (Hokkaido's bands renamed):
    # every published A①, A②, A③ became a "disagreement" and the report said the source contradicts
    # its own legend. Now one line: the scheme, the grades published, and hokkaido as the one
    # shipped scheme that defines them all (A①, A②, A③, B).
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    text = (resources.SCHEME_DIR / "hokkaido.toml").read_text(encoding="utf-8")
    for old, new in (("A①", "S"), ("A②", "A"), ("A③", "B+"), ('name = "hokkaido"', 'name = "mine"')):
        text = text.replace(old, new)
    (root / "mine.toml").write_text(text, encoding="utf-8")
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    (root / "metadata.json").write_text(json.dumps({**meta, "scheme": "mine.toml"}, ensure_ascii=False), "utf-8")
    line = _one_problem(kpi, root, "published_grades.csv", 2, "grade")
    assert "of the scheme 'mine.toml' (its grades: S, A, B+, B)" in line
    assert "(A③, B, A①, A②)" in line  # the grades published, in order of first appearance
    assert line.endswith("need the shipped scheme 'hokkaido' (metadata.json's scheme)")


def test_a_control_character_in_metadata_is_refused_at_the_door(tmp_path, kpi):
    # ESC in the strategy's title passed validate (the tables already refused it); a report prints it
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    meta["title_ja"] = "北海道\x1b[31m"
    meta["source"]["note"] = "first line\nsecond line"  # a note may break lines
    (root / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    r = kpi("validate", "--data", root)
    assert r.returncode == 1 and "\x1b" not in r.stderr
    assert r.stderr.splitlines()[0] == (
        "kpi: error: metadata.json: key 'title_ja': control character U+001B in '北海道\\x1b[31m': "
        "a terminal or a workbook would act on it or hide it (remove it)"
    )
    assert len(r.stderr.strip().splitlines()) == 2  # the one problem and the count


# --- inputs graded as the rules say


def test_a_negative_lower_is_better_actual_beyond_its_target_is_achieved(tmp_path, kpi):
    # lower is better (net out-migration), target 100, actual −50: 100 ÷ (−50) × 100 = −200 has no
    # sense (it was graded B at −200% beside 「目標値を達成しています」). −50 ≤ 100: achieved, no
    # rate printed, A①.
    ind = {"indicator": "x", "direction": "lower", "baseline": "300", "baseline_year": 2014, "target": "100"}
    root = write_dataset(tmp_path / "d", [ind], [("x", 2017, "150"), ("x", 2018, "-50")])
    row = _row(kpi, root, "H30")
    assert (row["progress_rate"], row["grade"]) == ("", "A①")
    said = kpi_lib.indicator_commentary("x", "H30", data_dir=root)
    assert said[1] == "目標値（100人、R1）を達成しています。"
    assert said[2].startswith("進捗はA①（目標値達成に向けて進捗している：現時点で目標値を達成している）")


@pytest.mark.parametrize("percent", ["％", " ％ "])
def test_a_full_width_percent_unit_gives_differences_in_points(tmp_path, percent):
    # 70.5％ → 67.6％: 70.5 − 67.6 = 2.9 percentage points, not 2.9％
    ind = {"indicator": "x", "unit_ja": percent, "unit_en": "%", "baseline": "60", "baseline_year": 2014}
    root = write_dataset(tmp_path / "d", [{**ind, "target": "80"}], [("x", 2017, "70.5"), ("x", 2018, "67.6")])
    said = kpi_lib.indicator_commentary("x", "H30", data_dir=root)
    assert "2.9ポイント減少しました。" in said[0], said


def test_a_year_missing_inside_a_cumulative_period_leaves_the_total_unknown(tmp_path, kpi):
    # a cumulative target of 10,000人 over H27–R1, annual actuals H27 1,520, H28 1,806, H29 未,
    # H30 1,700: the report said 「H27からH30までの累計は5,026人」 (1,520 + 1,806 + 1,700, the 未
    # counted as 0). The total is unknown from H29 on: no rate, no grade, no sum anywhere.
    # H28 stays graded on its known total: 1,520 + 1,806 = 3,326; 3,326 ÷ 10,000 × 100 = 33.3: B.
    ind = {
        "indicator": "x",
        "baseline": "0",
        "baseline_year": 2014,
        "target_kind": "cumulative",
        "target": "10000",
        "period_start": 2015,
        "period_end": 2019,
    }
    cells = [("x", 2015, "1,520"), ("x", 2016, "1,806"), ("x", 2017, "未"), ("x", 2018, "1,700")]
    root = write_dataset(tmp_path / "d", [ind], cells)
    h28 = _row(kpi, root, "H28")
    assert (h28["measured"], h28["progress_rate"], h28["grade"]) == ("3326", "33.3", "B")
    h30 = _row(kpi, root, "H30")
    assert (h30["actual"], h30["measured"], h30["progress_rate"], h30["grade"]) == ("1700", "", "", "")
    assert h30["outlook"] == "not_assessable"
    for lang, unknown in (("ja", "1,700人（累計不明）"), ("en", "1,700 persons (total unknown)")):
        table = kpi("grades", "--year", "H30", "--data", root, "--lang", lang)
        assert unknown in table.stdout and "5,026" not in table.stdout
        said = kpi_lib.indicator_commentary("x", "H30", data_dir=root, lang=lang)
        assert not any("5,026" in s for s in said), said
    said = kpi_lib.indicator_commentary("x", "H30", data_dir=root)
    assert (
        "累計目標の期間のうちH29の実績値がないため、H27からH30までの累計は分からず、"
        "進捗率と進捗区分は算出していません。"
    ) in said
    assert not any(s.startswith("進捗は") for s in said)  # no grade sentence
    # a published rate for that year is explained by the unknown total, not by a sum
    _write(root, "published_rates", [{"project": 1, "indicator": "x", "year": 2018, "progress_rate": "50.3"}])
    audit = kpi("audit", "--data", root, "--format", "csv", "--lang", "en")
    assert audit.returncode == 1
    (finding,) = _csv(audit.stdout)
    assert (finding["published"], finding["recomputed"]) == ("50.3", "")
    assert finding["arithmetic"].startswith("running total unknown")
