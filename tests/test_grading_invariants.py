"""Grading rules stated as invariants and checked on generated inputs (Hypothesis).

Every figure generated here is one the validator accepts: at most 15 significant digits and 10
decimals, below 10¹⁵ in size (numbers.check_range). Examples that once failed are pinned with
@example, each with the case it stands for.
"""

from dataclasses import replace
from decimal import Decimal

import numpy as np
from grading_reference import grade_row, rate_of
from hypothesis import example, given
from hypothesis import strategies as st

from kpi_lib.analysis.grading import grade_arrays
from kpi_lib.core import numbers
from kpi_lib.dataset.scheme import load_scheme

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


def _rates(scheme, actual, reference, baseline, lower):
    n = len(actual)
    rate, *_ = grade_arrays(
        scheme,
        actual=actual,
        reference=reference,
        lower=lower,
        strict=[False] * n,
        original_reference=[np.nan] * n,
        upward_revised=[False] * n,
        baseline=baseline,
    )
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
    n = len(rows)
    rate, achieved, original, grade = grade_arrays(
        scheme,
        actual=actual,
        reference=reference,
        lower=lower,
        strict=[False] * n,
        original_reference=[np.nan] * n,
        upward_revised=[False] * n,
        baseline=baseline,
    )
    for i in range(n):
        want = grade_row(scheme, actual[i], reference[i], lower[i], False, np.nan, False, baseline[i])
        got = (None if np.isnan(rate[i]) else float(rate[i]), bool(achieved[i]), bool(original[i]), str(grade[i]))
        assert got == want, rows[i]
