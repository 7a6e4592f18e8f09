"""The grading rules again, one row at a time in plain Python with exact arithmetic (fractions of the decimal figures).

This is the reference the vectorised core (grading.grade_arrays) is checked against
(tests/test_grading_scale.py) and timed against (benchmarks/grading_scale.py). It is written
for obviousness, not speed: never use it for real work.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np

from kpi_lib.core import numbers
from kpi_lib.dataset.scheme import Scheme


def grade_row(
    scheme: Scheme,
    actual: float,
    reference: float,
    lower: bool,
    strict: bool,
    original_reference: float,
    upward_revised: bool,
    baseline: float = math.nan,
):
    """(rate or None, achieved, original_achieved, grade) for one measured figure."""
    if numbers.is_missing(actual):
        return None, False, False, ""
    rate = rate_of(scheme, actual, reference, lower, baseline)
    achieved = _reached(actual, reference, lower, strict)
    original_achieved = bool(upward_revised) and _reached(actual, original_reference, lower, strict)
    # a lower-is-better actual ≤ 0 under the inverse ratio: no rate, but better than any rate
    compared = rate
    if lower and scheme.definition == "ratio" and scheme.lower_is_better == "inverse" and actual <= 0 < reference:
        compared = math.inf
    for band in scheme.bands:
        if band.rate_below is not None and (compared is None or not compared < band.rate_below):
            continue
        if band.rate_at_least is not None and (compared is None or not compared >= band.rate_at_least):
            continue
        if band.when == "achieved" and not achieved:
            continue
        if band.when == "original_achieved" and not original_achieved:
            continue
        return rate, achieved, original_achieved, band.grade
    return rate, achieved, original_achieved, ""


def rate_of(scheme: Scheme, actual: float, reference: float, lower: bool, baseline: float = math.nan) -> float | None:
    """The rounded rate, computed exactly (rational arithmetic on the decimal figures); None when undefined."""
    if numbers.is_missing(reference):
        return None
    if scheme.definition == "improvement":
        if numbers.is_missing(baseline):
            return None
        num, den = _d(actual) - _d(baseline), _d(reference) - _d(baseline)
    elif lower and scheme.lower_is_better == "inverse":
        if actual < 0:
            return None  # reference ÷ actual has no sense below 0 (the bands see +∞, as at 0)
        num, den = _d(reference), _d(actual)
    elif lower:  # complement
        num, den = 2 * _d(reference) - _d(actual), _d(reference)
    else:
        num, den = _d(actual), _d(reference)
    if den == 0:
        return None
    exact = num * 100 / den
    scaled = abs(exact) * 10**scheme.decimals
    whole = math.floor(scaled + Fraction(1, 2)) if scheme.rounding == "half_up" else math.floor(scaled)
    return math.copysign(whole / 10**scheme.decimals, exact)


def _reached(value: float, reference: float, lower: bool, strict: bool) -> bool:
    if numbers.is_missing(value) or numbers.is_missing(reference):
        return False
    if lower:
        return value < reference if strict else value <= reference
    return value > reference if strict else value >= reference


def _d(x: float) -> Fraction:
    """The figure as written (the shortest repr of the float read from it), as an exact fraction:
    Decimal arithmetic keeps only 28 digits, and a quotient such as 79.94999…(30 nines)…1 would
    come back as 79.95 before it is rounded."""
    return Fraction(Decimal(repr(float(x))))


def round_half_up_array(x: np.ndarray, decimals: int = 1) -> np.ndarray:
    """numbers.round_half_up on arrays: the rule grading.round_rates fuses into fewer passes; the tiny nudge absorbs binary error at exact ties (x.x5)."""
    scale = 10.0**decimals
    scaled = np.asarray(x, dtype=float) * scale
    nudge = np.abs(scaled) * 1e-12 + 1e-9
    return np.sign(scaled) * np.floor(np.abs(scaled) + 0.5 + nudge) / scale
