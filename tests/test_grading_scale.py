"""The vectorised grading core gives exactly what the plain per-row reference gives.

grading.grade_arrays (numpy, float arithmetic with a tie nudge) is checked against
grading_reference.grade_row (one row at a time, exact decimal arithmetic) on a few thousand
synthetic rows built to hit the hard cases: exact ties at the rounding digit (x.x5), the 80%
and 100% band edges, lower-is-better, zero actuals and references, negative baselines,
upward and downward revisions, strict increases and missing figures. The timing of the two
lives in benchmarks/grading_scale.py, not here.
"""

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest
from grading_reference import grade_row

from kpi_lib.analysis.grading import grade_arrays
from kpi_lib.dataset.scheme import load_scheme

N = 4000


def sample(seed: int, n: int = N) -> dict:
    rng = np.random.default_rng(seed)
    # references whose quotients terminate, so many rates fall exactly on a tie (…x5)
    reference = rng.choice([40.0, 200.0, 400.0, 800.0, 1000.0, 2000.0, 10000.0, 12.5, 0.0, 3703.0], n)
    tenths = rng.integers(0, 15000, n) / 10.0
    actual = np.where(rng.random(n) < 0.5, np.round(reference * rng.uniform(0.3, 1.3, n)), tenths)
    actual[rng.random(n) < 0.05] = 0.0  # zero actuals
    edge = rng.random(n) < 0.1  # exactly on the 80% edge and at the target
    actual[edge] = reference[edge] * rng.choice([0.8, 1.0, 0.7995, 0.79949], edge.sum())
    actual[rng.random(n) < 0.04] = np.nan  # no actual
    reference[rng.random(n) < 0.02] = np.nan  # no reference (a missing milestone)
    baseline = rng.choice([0.0, 120.0, -3703.0, 500.0, 66.6, np.nan], n)
    original = np.where(rng.random(n) < 0.5, reference * rng.choice([0.8, 0.9, 1.2], n), np.nan)
    lower = rng.random(n) < 0.3
    with np.errstate(invalid="ignore"):
        upward = ~np.isnan(original) & np.where(lower, reference < original, reference > original)
    return {
        "actual": actual,
        "reference": reference,
        "lower": lower,
        "strict": rng.random(n) < 0.15,
        "original_reference": original,
        "upward_revised": upward,
        "baseline": baseline,
    }


HOKKAIDO = load_scheme("hokkaido")
SCHEMES = {
    "hokkaido": HOKKAIDO,
    "milestone_improvement": load_scheme("milestone_improvement"),
    "expected_path": load_scheme("expected_path"),
    "complement_down": replace(HOKKAIDO, lower_is_better="complement", rounding="down"),
    "ratio_two_decimals": replace(HOKKAIDO, decimals=2),
    "improvement_down_whole": replace(load_scheme("expected_path"), rounding="down", decimals=0),
}


@pytest.mark.parametrize("name", SCHEMES)
@pytest.mark.parametrize("seed", [1, 2])
def test_vectorised_and_per_row_grading_agree(name, seed):
    scheme, s = SCHEMES[name], sample(seed)
    rate, achieved, original, grade = grade_arrays(scheme, **s)
    mismatches = []
    for i in range(N):
        row = {k: (bool(v[i]) if v.dtype == bool else float(v[i])) for k, v in s.items()}
        want = grade_row(scheme, **row)
        got = (None if np.isnan(rate[i]) else float(rate[i]), bool(achieved[i]), bool(original[i]), str(grade[i]))
        if got != want:
            mismatches.append((row, got, want))
    assert not mismatches, f"{len(mismatches)} rows differ, e.g. {mismatches[:3]}"
    assert set(grade) >= set(scheme.grades) - {"A②"} | ({"A②"} if name == "hokkaido" else set())


def test_the_sample_hits_the_hard_cases():
    s = sample(1)
    a, r = s["actual"], s["reference"]
    ok = ~np.isnan(a) & ~np.isnan(r) & (r != 0)
    exact = [Decimal(repr(float(x))) * 100 / Decimal(repr(float(y))) for x, y in zip(a[ok], r[ok])]
    ties = sum(1 for e in exact if (e * 100) % 10 == 5)  # the digit after the first decimal is a final 5
    assert ties > 200
    assert (a == 0).sum() > 100 and s["lower"].sum() > 1000 and s["upward_revised"].sum() > 500
    assert np.isnan(a).sum() > 100 and (s["baseline"] < 0).sum() > 500


def test_a_tie_rounds_half_up_and_down_rounds_toward_zero():
    # 1,349 ÷ 2,000 = 67.45% exactly: half-up 67.5, down 67.4; a negative improvement −9.36757… → −9.4 / −9.3
    one = dict(lower=[False], strict=[False], original_reference=[np.nan], upward_revised=[False])
    assert grade_arrays(HOKKAIDO, actual=[1349.0], reference=[2000.0], **one)[0][0] == 67.5
    assert grade_arrays(replace(HOKKAIDO, rounding="down"), actual=[1349.0], reference=[2000.0], **one)[0][0] == 67.4
    improvement = load_scheme("milestone_improvement")
    # (−3,900 + 3,703) ÷ (−1,600 + 3,703) = −197 ÷ 2,103 = −9.3675…%
    args = dict(actual=[-3900.0], reference=[-1600.0], baseline=[-3703.0], **one)
    assert grade_arrays(improvement, **args)[0][0] == -9.4
    assert grade_arrays(replace(improvement, rounding="down"), **args)[0][0] == -9.3
    assert (
        grade_row(replace(improvement, rounding="down"), -3900.0, -1600.0, False, False, np.nan, False, -3703.0)[0]
        == -9.3
    )


def test_lower_is_better_complement_rate():
    # the complement rate for a lower-is-better indicator: (2 × 60 − 75) ÷ 60 × 100 = 75.0%
    scheme = replace(HOKKAIDO, lower_is_better="complement")
    rate, achieved, _, grade = grade_arrays(
        scheme,
        actual=[75.0, 45.0],
        reference=[60.0, 60.0],
        lower=[True, True],
        strict=[False, False],
        original_reference=[np.nan] * 2,
        upward_revised=[False] * 2,
    )
    assert list(rate) == [75.0, 125.0]  # (120 − 45) ÷ 60 = 125%
    assert list(grade) == ["B", "A①"] and list(achieved) == [False, True]


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_fused_rounding_is_the_plain_half_up_rule(decimals):
    # grading.round_rates fuses grading_reference.round_half_up_array into fewer passes: the two must agree,
    # ties (x.x5 in every position), negatives, NaN and large values included
    from grading_reference import round_half_up_array

    from kpi_lib.analysis.grading import round_rates

    rng = np.random.default_rng(decimals)
    ties = np.arange(-20000, 20000) / 10 ** (decimals + 1) + 5 / 10 ** (decimals + 1)
    values = np.concatenate([ties, rng.uniform(-500, 500, 20000), rng.uniform(0, 1e7, 2000), [np.nan, 0.0, -0.0]])
    fused = round_rates(values, replace(HOKKAIDO, decimals=decimals))
    np.testing.assert_array_equal(fused, round_half_up_array(values, decimals))
