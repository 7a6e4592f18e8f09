"""Grading rules stated as invariants and checked on generated inputs (Hypothesis).

Every figure generated here is one the validator accepts: at most 15 significant digits and 10
decimals, below 10¹⁵ in size (numbers.check_range). Examples that once failed are pinned with
@example, each with the case it stands for.
"""

import math
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from grading_reference import grade_row, rate_of
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from kpi_lib.analysis.grading import grade_arrays
from kpi_lib.core import numbers, resources
from kpi_lib.dataset.scheme import load_scheme, scheme_for

SCHEMES_DIR = resources.SCHEME_DIR
SHIPPED = {name: load_scheme(name) for name in ("hokkaido", "milestone_improvement", "expected_path")}


@st.composite
def figures(draw, max_exponent: int = 0) -> float:
    """A figure within the documented limits, as parse_cell reads it: ±m × 10^e with m of at most
    15 digits and e from −10 (10 decimals) up to `max_exponent`, below 10¹⁵ in size."""
    digits = draw(st.integers(1, numbers.MAX_SIGNIFICANT))
    mantissa = draw(st.integers(-(10**digits - 1), 10**digits - 1))
    exponent = draw(st.integers(-numbers.MAX_DECIMALS, max_exponent))
    value = Decimal(mantissa).scaleb(exponent)
    if abs(value) >= Decimal(numbers.MAX_ABS):
        value = Decimal(mantissa).scaleb(-numbers.MAX_DECIMALS)
    return _as_read(value)


def _as_read(value: Decimal) -> float:
    """The float parse_cell would read from the figure written as `value`."""
    cell = numbers.parse_cell(format(value, "f"))
    return cell.value


@st.composite
def schemes(draw):
    """Every rate definition, lower-is-better rule, rounding mode and number of decimals a scheme
    file may name (scheme.py), on the bands of a shipped scheme."""
    scheme = draw(st.sampled_from(list(SHIPPED.values())))
    rounding = draw(st.sampled_from(["half_up", "down"]))
    decimals = draw(st.integers(0, 6))
    if scheme.definition == "ratio":
        lower_is_better = draw(st.sampled_from(["inverse", "complement"]))
    else:
        lower_is_better = "signed"
    return replace(scheme, rounding=rounding, decimals=decimals, lower_is_better=lower_is_better)


@st.composite
def near_boundaries(draw):
    """(scheme, actual, reference, baseline, lower) whose exact rate lies on, or one unit of the
    last written digit beside, a rounding boundary of the scheme (x.x5 for half_up, x.x0 for down):
    the inputs where a float quotient is most likely to round the wrong way."""
    scheme = draw(schemes())
    lower = draw(st.booleans())
    reference = draw(figures(max_exponent=3).filter(lambda x: x != 0))
    baseline = draw(figures()) if scheme.definition == "improvement" else 0.0
    if scheme.definition == "improvement" and reference == baseline:
        baseline = 0.0 if reference != 0 else 1.0
    step = Decimal(1).scaleb(-scheme.decimals)
    boundary = Decimal(draw(st.integers(-2000, 2000))) * step
    if scheme.rounding == "half_up":
        boundary += step / 2
    ref, base = numbers.decimal_of(reference), numbers.decimal_of(baseline)
    # solve the scheme's rate for the measured figure that gives exactly `boundary`
    if scheme.definition == "improvement":
        exact = base + boundary / 100 * (ref - base)
    elif lower and scheme.lower_is_better == "complement":
        exact = 2 * ref - boundary / 100 * ref
    elif lower:
        exact = ref * 100 / boundary if boundary else ref
    else:
        exact = boundary / 100 * ref
    places = draw(st.integers(0, numbers.MAX_DECIMALS))
    unit = Decimal(1).scaleb(-places)
    written = exact.quantize(unit) + draw(st.sampled_from([-1, 0, 1])) * unit
    if abs(written) >= Decimal(numbers.MAX_ABS) or len(written.as_tuple().digits) > numbers.MAX_SIGNIFICANT:
        written = Decimal(round(float(written), 2)) if abs(written) < Decimal(numbers.MAX_ABS) else Decimal(0)
        written = written.quantize(Decimal("0.01"))
        if len(written.as_tuple().digits) > numbers.MAX_SIGNIFICANT:
            written = Decimal(0)
    return scheme, _as_read(written), reference, baseline, lower


def _graded(scheme, actual, reference, baseline, lower):
    """grade_arrays on plain rows: not strict, no original reference, no upward revision."""
    n = len(actual)
    return grade_arrays(
        scheme,
        actual=actual,
        reference=reference,
        lower=lower,
        strict=[False] * n,
        original_reference=[np.nan] * n,
        upward_revised=[False] * n,
        baseline=baseline,
    )


def _rates(scheme, actual, reference, baseline, lower):
    rate, *_ = _graded(scheme, actual, reference, baseline, lower)
    return [None if np.isnan(r) else float(r) for r in rate]


HALF_UP_ONE = SHIPPED["hokkaido"]
DOWN_ONE = replace(HALF_UP_ONE, rounding="down")


@given(st.lists(near_boundaries(), min_size=1, max_size=40))
# issue 21: 799,499.999999 of 1,000,000 = 79.9499999999% was pushed up to 80.0 (A③ instead of B)
@example([(HALF_UP_ONE, 799499.999999, 1000000.0, 0.0, False)])
# issue 21: rounding "down" turned 79.9999999999% into 80.0
@example([(DOWN_ONE, 79.9999999999, 100.0, 0.0, False)])
def test_every_rate_rounds_exactly_as_the_scheme_says(rows):
    """The vectorised rate equals the exact rational quotient of the figures as written, rounded
    by the scheme's rule (grading_reference.rate_of), for every scheme, direction and input within
    the limits, including those on and one digit beside a half-way or whole point."""
    for scheme, actual, reference, baseline, lower in rows:  # one scheme per row: the core takes one
        got = _rates(scheme, [actual], [reference], [baseline], [lower])[0]
        assert got == rate_of(scheme, actual, reference, lower, baseline), (scheme.name, actual, reference, baseline)


@given(schemes(), st.lists(st.tuples(figures(), figures(), figures(), st.booleans()), min_size=1, max_size=60))
def test_vectorised_grading_is_the_per_row_reference(scheme, rows):
    """Many rows at once (the float path and its exact fallback side by side): every rate,
    achieved flag and grade is the per-row reference's."""
    actual, reference, baseline, lower = (list(c) for c in zip(*rows))
    rate, achieved, original, grade = _graded(scheme, actual, reference, baseline, lower)
    for i in range(len(rows)):
        want = grade_row(scheme, actual[i], reference[i], lower[i], False, np.nan, False, baseline[i])
        got = (None if np.isnan(rate[i]) else float(rate[i]), bool(achieved[i]), bool(original[i]), str(grade[i]))
        assert got == want, rows[i]


# ---------------------------------------------------------------------------------------------
# Generated datasets: what the validator accepts, grading grades monotonically and explains


KINDS = {
    "hokkaido": ["value", "national", "above_baseline", "at_least_baseline", "cumulative"],
    "complement": ["value", "national", "cumulative"],
    "milestone_improvement": ["value", "cumulative"],
    "expected_path": ["value", "cumulative"],
}
EVALUATION_YEAR = 2018
COPIES = 5  # one indicator per actual, otherwise alike: grades of better and worse actuals side by side


def small_figures(allow_zero: bool = True):
    """Figures of everyday size (up to 7 digits, up to 3 decimals) and either sign."""
    mantissa = st.integers(-(10**7), 10**7) if allow_zero else st.integers(1, 10**7)
    return st.builds(lambda m, e: _as_read(Decimal(m).scaleb(e)), mantissa, st.integers(-3, 1))


@st.composite
def datasets(draw):
    """(scheme name, indicators, actuals, benchmarks, milestones): COPIES indicators alike but for
    their one actual in EVALUATION_YEAR, any scheme, direction and target kind."""
    scheme = draw(st.sampled_from(sorted(KINDS)))
    kind = draw(st.sampled_from(KINDS[scheme]))
    direction = draw(st.sampled_from(["higher", "lower"]))
    baseline = (
        0.0 if kind == "cumulative" and scheme in ("milestone_improvement", "expected_path") else draw(small_figures())
    )
    target = draw(small_figures()) if kind in ("value", "cumulative") else None
    revised = draw(st.one_of(st.none(), small_figures())) if kind == "value" else None
    national = draw(small_figures()) if kind == "national" else None
    milestone = draw(small_figures()) if scheme in ("milestone_improvement", "expected_path") else None
    actuals = draw(st.lists(small_figures(), min_size=COPIES, max_size=COPIES))
    indicators, rows, bench, ms = [], [], [], []
    for n, actual in enumerate(actuals):
        i = f"x{n}"
        indicators.append(
            {
                "indicator": i,
                "direction": direction,
                "baseline": _written(baseline),
                "baseline_year": 2014,
                "target_kind": kind,
                "target": _written(target),
                "target_year": 2020,
                "revised_target": _written(revised),
                "revised_target_year": 2019 if revised is not None else None,
                # the period starts with the one actual: an earlier year without one leaves the total unknown
                "period_start": EVALUATION_YEAR if kind == "cumulative" else None,
                "period_end": 2020 if kind == "cumulative" else None,
                "unit_ja": "人",
            }
        )
        rows.append((i, EVALUATION_YEAR, _written(actual)))
        if national is not None:
            bench.append((i, EVALUATION_YEAR, _written(national)))
        if milestone is not None:
            ms.append((i, EVALUATION_YEAR, _written(milestone)))
    return scheme, indicators, rows, bench, ms


def _written(x) -> str | None:
    return None if x is None else format(numbers.decimal_of(x), "f")


def _load(tmp, scheme, indicators, rows, bench, ms):
    """The generated dataset written out and loaded; None where the validator refuses it (after
    checking that it says so in one line per problem, naming the file)."""
    import shutil
    import tempfile

    from kpi_lib.core.errors import DataError
    from kpi_lib.dataset.loading import load_dataset

    from synthetic import _write, write_dataset

    root = Path(tempfile.mkdtemp(dir=tmp))
    name = scheme
    if scheme == "complement":
        text = (SCHEMES_DIR / "hokkaido.toml").read_text(encoding="utf-8")
        (root).mkdir(exist_ok=True)
        (root / "complement.toml").write_text(
            text.replace('lower_is_better = "inverse"', 'lower_is_better = "complement"').replace(
                'name = "hokkaido"', 'name = "complement"'
            ),
            encoding="utf-8",
        )
        name = "complement.toml"
    write_dataset(root, indicators, rows, bench, scheme=name)
    if ms:
        _write(root, "milestones", [{"indicator": i, "year": y, "value": v} for i, y, v in ms])
    try:
        return load_dataset(root)
    except DataError as e:
        assert all("\n" not in str(p) and p.file for p in e.problems)
        shutil.rmtree(root)
        return None


def _better_first(results, direction):
    """evaluate()'s rows ordered from the best actual to the worst."""
    return results.sort_values("actual", ascending=direction == "lower", kind="stable").to_dict("records")


def _band_rate(r, scheme) -> float:
    """The rate as the bands see it: a lower-is-better actual ≤ 0 under the inverse ratio is +∞."""
    if numbers.is_missing(r["progress_rate"]):
        return math.inf if r["direction"] == "lower" and r["actual"] <= 0 else -math.inf
    return r["progress_rate"]


@given(datasets())
def test_a_better_actual_never_gets_a_worse_rate_or_grade(tmp_path_factory, generated):
    """Every scheme, direction and target kind: among indicators alike but for their actual, a
    better actual has at least the rate and at least the grade (the scheme's ranking) of a worse
    one, and every accepted input gets a grade of the scheme."""
    from kpi_lib.analysis.grading import evaluate

    ds = _load(tmp_path_factory.mktemp("g"), *generated)
    event("accepted" if ds is not None else "refused")
    if ds is None:
        return
    scheme = scheme_for(ds)
    results = evaluate(ds, EVALUATION_YEAR)
    assert set(results["grade"]) <= set(scheme.grades)
    rows = _better_first(results, results["direction"].iloc[0])
    rank = {g: n for n, g in enumerate(scheme.ranking)}
    for better, worse in zip(rows, rows[1:]):
        if better["actual"] == worse["actual"]:
            assert better["grade"] == worse["grade"]
            assert _band_rate(better, scheme) == _band_rate(worse, scheme)
            continue
        assert _band_rate(better, scheme) >= _band_rate(worse, scheme), (better, worse)
        assert rank[better["grade"]] <= rank[worse["grade"]], (better, worse)
        assert better["achieved"] or not worse["achieved"]


@given(datasets())
def test_the_commentary_says_achieved_exactly_with_the_top_band(tmp_path_factory, generated):
    """「…を達成しています」 in the commentary implies the top grade of the scheme's ranking; where
    the top band is the reference reached (when = "achieved"), the top grade implies it too. A top
    band by rate alone (expected_path's A: 100% or more of the rounded rate) may be reached by a
    rate that rounds up to 100.0: the commentary then gives the gap instead."""
    from kpi_lib.analysis.audit import audit
    from kpi_lib.analysis.grading import evaluate, progress_table
    from kpi_lib.presentation.commentary import indicator_commentary

    ds = _load(tmp_path_factory.mktemp("c"), *generated)
    if ds is None:
        return
    scheme = scheme_for(ds)
    graded, findings = progress_table(ds), audit(ds).iloc[0:0]
    top = scheme.band(scheme.ranking[0])
    for r in evaluate(ds, EVALUATION_YEAR).to_dict("records"):
        said = indicator_commentary(r, graded, None, findings, scheme, "ja")
        achieved = any(s.endswith("を達成しています。") for s in said)
        assert achieved == bool(r["achieved"]), said
        if achieved:
            assert r["grade"] == top.grade, (r["grade"], said)
        if r["grade"] == top.grade and top.when == "achieved":
            assert achieved, said


# ---------------------------------------------------------------------------------------------
# The failures the properties found (issue 21), each pinned as a fixed example


def _problems(tmp_path, indicators, actuals, benchmarks=(), milestones=(), scheme="hokkaido"):
    from kpi_lib.dataset.loading import validate

    from synthetic import _write, write_dataset

    root = write_dataset(tmp_path / "d", indicators, actuals, list(benchmarks), scheme=scheme)
    if milestones:
        _write(root, "milestones", [{"indicator": i, "year": y, "value": v} for i, y, v in milestones])
    return root, validate(root)


POPULATION = {"indicator": "x", "direction": "higher", "baseline": "5380", "baseline_year": 2014, "target": "5000"}


@pytest.mark.parametrize("scheme", ["expected_path", "milestone_improvement"])
def test_a_path_falling_for_a_higher_is_better_indicator_is_refused(tmp_path, scheme):
    # 期待値 5,236 below the baseline 5,380 of a higher-is-better indicator: the signed rate graded
    # 5,340 C at 27.8% and 5,200 A at 125.0% (a worse actual, a better grade)
    ind = {**POPULATION, "target": "5400"}
    _, problems = _problems(tmp_path, [ind], [("x", 2018, "5340")], milestones=[("x", 2018, "5236")], scheme=scheme)
    assert [(p.file, p.line, p.column) for p in problems] == [("milestones.csv", 2, "value")]
    assert "below the baseline 5380" in problems[0].message and "'higher'" in problems[0].message


def test_a_target_against_the_direction_is_refused(tmp_path):
    # lower is better, yet the target 200 is above the baseline 100: 120 was "achieved" at 166.7%
    ind = {"indicator": "x", "direction": "lower", "baseline": "100", "baseline_year": 2014, "target": "200"}
    _, problems = _problems(tmp_path, [ind], [("x", 2018, "120")])
    assert [(p.file, p.line, p.column) for p in problems] == [("indicators.csv", 2, "target")]
    assert "above the baseline 100" in problems[0].message


@pytest.mark.parametrize("national", ["0", "-1.42"])
def test_a_national_value_that_cannot_divide_is_refused(tmp_path, national):
    # 0 was graded A① with no rate; −1.42 gave B at −89.4% with the outlook "achieved"
    ind = {"indicator": "x", "target_kind": "national", "baseline": "1.2", "baseline_year": 2014, "unit_ja": ""}
    _, problems = _problems(tmp_path, [ind], [("x", 2018, "1.27")], benchmarks=[("x", 2018, national)])
    assert [(p.file, p.line, p.column) for p in problems] == [("benchmarks.csv", 2, "value")]
    assert "must be positive" in problems[0].message


def test_a_negative_lower_is_better_actual_beyond_its_target_is_the_top_grade(tmp_path):
    # net migration (lower is better) of −100 against a target of 100: graded B at −200% beside
    # 「目標値を達成しています」; reference ÷ actual has no sense below 0, the bands see +∞
    from kpi_lib.analysis.grading import evaluate
    from kpi_lib.dataset.loading import load_dataset

    ind = {"indicator": "x", "direction": "lower", "baseline": "300", "baseline_year": 2014, "target": "100"}
    root, problems = _problems(tmp_path, [ind], [("x", 2017, "150"), ("x", 2018, "-100")])
    assert problems == []
    r = evaluate(load_dataset(root), 2018).iloc[0]
    assert pd.isna(r["progress_rate"]) and r["achieved"] and r["grade"] == "A①"


def test_a_rate_just_below_a_half_way_point_is_not_pushed_over_it(tmp_path):
    # 799,499.999999 of 1,000,000 = 79.9499999999%: was 80.0 / A③, and kpi audit accused the
    # correct published 79.9 / B
    from kpi_lib.analysis.audit import audit
    from kpi_lib.analysis.grading import evaluate
    from kpi_lib.dataset.loading import load_dataset

    from synthetic import _write

    ind = {"indicator": "x", "baseline": "700000", "baseline_year": 2014, "target": "1000000"}
    root, _ = _problems(tmp_path, [ind], [("x", 2018, "799499.999999")])
    _write(root, "published_rates", [{"project": 1, "indicator": "x", "year": 2018, "progress_rate": "79.9"}])
    _write(root, "published_grades", [{"project": 1, "indicator": "x", "year": 2018, "grade": "B"}])
    ds = load_dataset(root)
    r = evaluate(ds, 2018).iloc[0]
    assert (r["progress_rate"], r["grade"]) == (79.9, "B")
    assert audit(ds).empty


@pytest.mark.parametrize("percent", ["%", "％", " ％ "])
def test_a_full_width_percent_unit_gives_differences_in_points(tmp_path, percent):
    # issue 21: a ％ unit made the commentary say 2.9％減少 where percentage points are meant
    from kpi_lib.analysis.grading import evaluate, progress_table
    from kpi_lib.dataset.loading import load_dataset
    from kpi_lib.presentation.commentary import indicator_commentary

    ind = {"indicator": "x", "unit_ja": percent, "unit_en": "%", "target": "80"}
    root, _ = _problems(tmp_path, [ind], [("x", 2017, "70.5"), ("x", 2018, "67.6")])
    ds = load_dataset(root)
    r = evaluate(ds, 2018).to_dict("records")[0]
    said = indicator_commentary(r, progress_table(ds), None, pd.DataFrame(), scheme_for(ds), "ja")
    assert "2.9ポイント減少しました。" in said[0], said


# ---------------------------------------------------------------------------------------------
# A running total is known only when every year of its period up to the year has a value

PERIOD = (2015, 2019)
YEARS = range(2015, 2019)  # the years with actuals; the period runs on to 2019
# a cell of actuals.csv: a value, 未, —, or no row at all (None; an empty cell is refused)
cumulative_cells = st.one_of(
    st.builds(lambda m, e: format(Decimal(m).scaleb(e), "f"), st.integers(0, 99_999), st.integers(-1, 0)),
    st.sampled_from(["未", "—", None]),
)


def _cumulative_dataset(root, scheme: str, cells: list) -> Path:
    """Indicator x: a cumulative target of 10,000 over 2015–2019 with annual actuals `cells`
    (2015–2018), baseline 0; y: a plain target with an actual every year, so the data has actuals
    for 2015–2018 whatever x has. Milestones for every year, for the schemes that use them."""
    from synthetic import _write, write_dataset

    x = {
        "indicator": "x",
        "baseline": "0",
        "baseline_year": 2014,
        "target_kind": "cumulative",
        "target": "10000",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
    }
    y = {"indicator": "y", "baseline": "10", "baseline_year": 2014, "target": "100"}
    actuals = [("x", year, cell) for year, cell in zip(YEARS, cells) if cell is not None]
    actuals += [("y", year, "50") for year in YEARS]
    write_dataset(root, [x, y], actuals, scheme=scheme)
    if scheme != "hokkaido":
        expected = [("x", year, str(2000 * (year - 2014))) for year in YEARS] + [("y", year, "60") for year in YEARS]
        _write(root, "milestones", [{"indicator": i, "year": yr, "value": v} for i, yr, v in expected])
    return root


@settings(max_examples=examples(25))  # each example loads a dataset, grades four years and words one: ~0.3 s
@given(st.sampled_from(sorted(SHIPPED)), st.lists(cumulative_cells, min_size=len(YEARS), max_size=len(YEARS)))
# issue 21: H27 1,520, H28 1,806, H29 未, H30 1,700 was stated as 「H27からH30までの累計は5,026人」
@example("hokkaido", ["1520", "1806", "未", "1700"])
# the gap as a missing row, as —, and in the period's first year
@example("expected_path", ["180", "230", None, "100"])
@example("milestone_improvement", ["180", "—", "150", "100"])
@example("hokkaido", ["—", "230", "150", "100"])
def test_a_running_total_with_a_year_missing_is_unknown(tmp_path_factory, scheme, cells):
    """For every evaluation year: where every year of the period up to the latest actual has a
    value, the measured total is their exact sum and is graded; once a year has none (未, —, empty
    or no row), the total, the rate and the grade are unknown, the outlook is not assessable, the
    chart's running totals stop before the gap, and no sentence or table cell states a sum."""
    import re

    import kpi_lib
    from kpi_lib.analysis.grading import running_totals
    from kpi_lib.dataset.loading import load_dataset

    ds = load_dataset(_cumulative_dataset(tmp_path_factory.mktemp("r"), scheme, cells))
    values = {year: Decimal(c) for year, c in zip(YEARS, cells) if c not in (None, "", "未", "—")}
    gap = next((year for year in YEARS if year not in values), None)
    drawn = running_totals(ds, "x")
    assert gap is None or (drawn["year"] < gap).all()
    for year in YEARS:
        with_actual = [y for y in values if y <= year]
        row = kpi_lib.grades(year, dataset=ds).set_index("indicator").loc["x"]
        if not with_actual:
            assert pd.isna(row["grade"]) and pd.isna(row["measured"])
            continue
        latest = max(with_actual)
        # the sentences of the last year only: each call recomputes the audit and the outlook
        last = year == YEARS[-1]
        said = {
            lang: kpi_lib.indicator_commentary("x", year, dataset=ds, lang=lang) if last else []
            for lang in ("ja", "en")
        }
        if gap is None or gap > latest:  # every year up to the latest has its value
            total = sum(values[y] for y in range(PERIOD[0], latest + 1))
            assert Decimal(repr(float(row["measured"]))) == total, (year, cells)
            assert row["grade"] in SHIPPED[scheme].grades and not pd.isna(row["progress_rate"])
            assert drawn.set_index("year").loc[latest, "running_total"] == float(total)
        else:
            assert pd.isna(row["measured"]) and pd.isna(row["progress_rate"]) and pd.isna(row["grade"])
            assert row["outlook"] == "not_assessable"
            assert row["actual"] == float(values[latest])
            assert not re.search(r"累計は[-0-9]|（累計[-0-9]", " ".join(said["ja"])), said["ja"]
            assert not re.search(r"running total[^.]* is [-0-9]|\([-0-9][^)]* in total\)", " ".join(said["en"]))
            assert not last or any("累計は分からず" in s for s in said["ja"]), said["ja"]
            assert not last or any(f"{gap}" in s and "unknown" in s for s in said["en"]), said["en"]


# ---------------------------------------------------------------------------------------------
# validate's verdict on published grades: each is one the scheme defines, or one line saying which
# scheme the published grades need

ALL_GRADES = sorted({g for s in SHIPPED.values() for g in s.grades})
# every shipped scheme's grades, their full-width forms (read as the ASCII ones) and labels no
# shipped scheme has
published_labels = st.sampled_from([*ALL_GRADES, "Ａ③", "Ｂ", "S", "D", "A+", "優"])


def _fold(g: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", g).upper()


@given(st.sampled_from(sorted(SHIPPED)), st.lists(published_labels, min_size=1, max_size=6))
@example("mine", ["A③", "B", "A①", "A②"])  # issue 21: Hokkaido's grades under a scheme of other labels
@example("expected_path", ["A③", "B"])  # B is expected_path's too: only A③ is foreign
@example("hokkaido", ["Ａ③", "Ｂ"])  # full width: Hokkaido's own grades
def test_published_grades_are_the_schemes_or_one_line_names_the_scheme_they_need(tmp_path_factory, scheme, labels):
    from kpi_lib.dataset.loading import validate

    from synthetic import _write

    root = tmp_path_factory.mktemp("p")
    if scheme == "mine":  # Hokkaido's scheme with its A grades renamed S, A, B+
        text = (SCHEMES_DIR / "hokkaido.toml").read_text(encoding="utf-8")
        for old, new in (("A①", "S"), ("A②", "A"), ("A③", "B+"), ('name = "hokkaido"', 'name = "mine"')):
            text = text.replace(old, new)
        (root / "mine.toml").write_text(text, encoding="utf-8")
        own = ("S", "A", "B+", "B")
        _cumulative_dataset(root, "mine.toml", ["100"] * len(YEARS))
    else:
        own = SHIPPED[scheme].grades
        _cumulative_dataset(root, scheme, ["100"] * len(YEARS))
    rows = [{"project": 1, "indicator": i, "year": y, "grade": g} for (i, y), g in zip(_slots(), labels)]
    _write(root, "published_grades", rows)
    problems = validate(root)
    foreign = list(dict.fromkeys(g for g in labels if _fold(g) not in {_fold(o) for o in own}))
    if not foreign:
        assert problems == []
        return
    # one line, at the first foreign grade, naming the scheme, each foreign label and what fits
    assert len(problems) == 1, problems
    p = problems[0]
    first = next(n for n, g in enumerate(labels) if g in foreign)
    assert (p.file, p.line, p.column) == ("published_grades.csv", first + 2, "grade")
    assert "\n" not in p.message and (f"'{scheme}" in p.message)
    assert all(g in p.message for g in foreign)
    fits = [n for n, s in SHIPPED.items() if {_fold(g) for g in labels} <= {_fold(g) for g in s.grades}]
    if fits:
        need = p.message.split("need the shipped scheme", 1)[1]
        assert [n for n in SHIPPED if f"'{n}'" in need] == fits, p.message
    else:
        assert "not all defined by any shipped scheme" in p.message, p.message


def _slots():
    """(indicator, year) keys for published grades: each once."""
    return [(i, y) for y in YEARS for i in ("x", "y")]
