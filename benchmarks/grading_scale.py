#!/usr/bin/env python3
"""Grading at national scale: every local body's KPIs, graded for one evaluation year.

Builds a synthetic national dataset in memory (1,788 local bodies × 40 indicators × 10 years
= 715,200 observations: value, cumulative, national and baseline targets; lower-is-better
indicators; revised targets; some actuals not yet available), grades it with the Hokkaido
scheme and prints, in one run:

  end-to-end   tidy tables -> observations (joins, cumulative sums, references) -> grades ->
               each indicator's latest grade up to the evaluation year    target: under 1 s
  core         grading.grade_arrays on the 715,200 prepared rows
  naive        grading_reference.grade_row in a per-row Python loop, same rows, same rules
                                                                          target: core ≥ 50× faster
  floor        bare numpy on the same arrays, nothing else: no selection, rounding or bands
                 minimal: actual·100 ÷ reference, then rate < 80 and actual ≥ reference
                 all:     every division and comparison the rules make, each over the full
                          arrays: also reference·100 ÷ actual (lower-is-better), actual ≤
                          reference, and actual ≥ / ≤ the original target (revisions)
                                                                          target: core within 5× of it

Timings are the best of --repeat runs (the naive loop runs once). The vectorised and naive
results are compared in full here, and on a sample in tests/test_grading_scale.py.

    python benchmarks/grading_scale.py [--bodies 1788] [--indicators 40] [--years 10] [--repeat 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.analysis.grading import build_observations, grade_arrays, grade_observations, latest_up_to
from kpi_lib.core import numbers
from kpi_lib.dataset.scheme import load_scheme

# the naive per-row oracle lives with the tests (it is no part of the library)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from grading_reference import grade_row  # noqa: E402

FIRST_YEAR = 2011


def synthetic_tables(bodies: int, indicators: int, years: int, seed: int = 0):
    """Tidy indicators / actuals / benchmarks tables shaped like data/, at national scale."""
    rng = np.random.default_rng(seed)
    n = bodies * indicators
    ids = np.array([f"b{b:04d}_i{i:02d}" for b in range(bodies) for i in range(indicators)], dtype=object)
    kind = rng.choice(
        ["value", "cumulative", "national", "above_baseline", "at_least_baseline"], n, p=[0.7, 0.1, 0.1, 0.05, 0.05]
    )
    lower = (rng.random(n) < 0.2) & (kind == "value")
    baseline = np.where(rng.random(n) < 0.5, np.round(rng.uniform(50, 5000, n)), np.round(rng.uniform(0.5, 100, n), 1))
    growth = np.where(lower, rng.uniform(0.5, 0.95, n), rng.uniform(1.05, 1.6, n))
    target = np.where(
        np.isin(kind, ["value", "cumulative"]),
        np.round(baseline * growth * np.where(kind == "cumulative", 5, 1)),
        np.nan,
    )
    revised = np.where((kind == "value") & (rng.random(n) < 0.1), np.round(target * rng.choice([0.9, 1.2], n)), np.nan)
    last = FIRST_YEAR + years - 1
    ind = pd.DataFrame(
        {
            "indicator": ids,
            "direction": np.where(lower, "lower", "higher"),
            "baseline": baseline,
            "baseline_state": numbers.VALUE,
            "baseline_year": float(FIRST_YEAR - 1),
            "target_kind": kind,
            "target": target,
            "target_year": last,
            "period_start": np.where(kind == "cumulative", float(FIRST_YEAR + 2), np.nan),
            "period_end": np.where(kind == "cumulative", float(last), np.nan),
            "revised_target": revised,
            "revised_target_year": np.where(np.isnan(revised), np.nan, float(last)),
            "actual_basis": "annual",
        }
    )
    year = np.tile(np.arange(FIRST_YEAR, FIRST_YEAR + years), n)
    step = np.repeat((growth - 1) / years, years) * (np.tile(np.arange(1, years + 1), n))
    noise = rng.normal(0, 0.03, n * years)
    level = np.repeat(baseline, years) * (1 + step + noise)
    cumulative = np.repeat(kind == "cumulative", years)
    actual = np.round(np.where(cumulative, level * 0.9, level), 1)
    state = np.where(rng.random(n * years) < 0.03, numbers.NOT_YET, numbers.VALUE)
    act = pd.DataFrame(
        {
            "indicator": np.repeat(ids, years),
            "year": year,
            "actual": np.where(state == numbers.VALUE, actual, np.nan),
            "actual_state": state,
            "actual_decimals": 1,
        }
    )
    national = np.repeat(kind == "national", years)
    bench = pd.DataFrame(
        {
            "indicator": act["indicator"][national].to_numpy(),
            "year": year[national],
            "value": np.round(actual[national] * rng.uniform(0.9, 1.15, national.sum()), 1),
            "provenance": "official",
        }
    )
    return ind, act, bench


def timed(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bodies", type=int, default=1788)
    p.add_argument("--indicators", type=int, default=40)
    p.add_argument("--years", type=int, default=10)
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args()
    scheme = load_scheme("hokkaido")
    year = FIRST_YEAR + args.years - 2  # the last year's actuals are partly 未: the latest up to it is used
    ind, act, bench = synthetic_tables(args.bodies, args.indicators, args.years)
    print(
        f"synthetic dataset: {len(ind):,} indicators ({args.bodies:,} bodies × {args.indicators}), "
        f"{len(act):,} observations ({args.years} years), evaluation year {year}"
    )

    def end_to_end():
        obs = build_observations(ind, act, bench, None, scheme)
        return latest_up_to(grade_observations(obs, scheme), year)

    t_all, latest = timed(end_to_end, max(1, args.repeat // 4))
    obs = build_observations(ind, act, bench, None, scheme)
    kind = obs["target_kind"]
    arrays = dict(
        actual=obs["measured"].to_numpy(float),
        reference=obs["reference"].to_numpy(float),
        lower=(obs["direction"] == "lower").to_numpy(bool),
        strict=(kind == "above_baseline").to_numpy(bool),
        original_reference=obs["target"].to_numpy(float),
        upward_revised=obs["upward_revised"].to_numpy(bool),
        baseline=obs["baseline"].to_numpy(float),
    )
    rows = len(arrays["actual"])
    t_core, (rate, achieved, original, grade) = timed(lambda: grade_arrays(scheme, **arrays), args.repeat)

    a, r, o = arrays["actual"], arrays["reference"], arrays["original_reference"]

    def floor_minimal():
        with np.errstate(divide="ignore", invalid="ignore"):
            q = a * 100.0 / r
            return q < 80.0, a >= r

    def floor_all():
        with np.errstate(divide="ignore", invalid="ignore"):
            q, m = a * 100.0 / r, r * 100.0 / a
            return q < 80.0, m < 80.0, a >= r, a <= r, a >= o, a <= o

    t_floor, _ = timed(floor_minimal, args.repeat)
    t_floor_all, _ = timed(floor_all, args.repeat)

    columns = [
        arrays[k].tolist()
        for k in ("actual", "reference", "lower", "strict", "original_reference", "upward_revised", "baseline")
    ]
    t = time.perf_counter()
    naive = [grade_row(scheme, *row) for row in zip(*columns)]
    t_naive = time.perf_counter() - t
    same = all(
        (None if np.isnan(rate[i]) else float(rate[i]), bool(achieved[i]), bool(original[i]), str(grade[i])) == naive[i]
        for i in range(rows)
    )

    counts = latest["grade"].value_counts().to_dict()
    print(
        f"graded: {rows:,} rows; latest grade per indicator: {len(latest):,} ({', '.join(f'{g} {c:,}' for g, c in sorted(counts.items()))})"
    )
    print(
        f"end-to-end (tables -> latest grades)   {t_all * 1000:9.1f} ms   target < 1000 ms: {'met' if t_all < 1 else 'MISSED'}"
    )
    print(f"core grade_arrays                      {t_core * 1000:9.1f} ms")
    print(
        f"naive per-row Python (exact decimal)   {t_naive * 1000:9.1f} ms   core is {t_naive / t_core:,.0f}× faster "
        f"(target ≥ 50×: {'met' if t_naive / t_core >= 50 else 'MISSED'})"
    )
    print(
        f"numpy floor, minimal                   {t_floor * 1000:9.1f} ms   core is {t_core / t_floor:.1f}× it "
        f"(target ≤ 5×: {'met' if t_core / t_floor <= 5 else 'MISSED'})"
    )
    print(
        f"numpy floor, all divisions/comparisons {t_floor_all * 1000:9.1f} ms   core is {t_core / t_floor_all:.1f}× it "
        f"(target ≤ 5×: {'met' if t_core / t_floor_all <= 5 else 'MISSED'})"
    )
    print(f"vectorised and naive results identical on all {rows:,} rows: {same}")


if __name__ == "__main__":
    main()
