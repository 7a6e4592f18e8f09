"""Official grading: progress rates and grades under a grading scheme (a validated TOML file).

A scheme (scheme.py: schemes/*.toml, or a file a dataset names; docs/grading.md has the format) chooses:
- the rate definition: `ratio` = measured ÷ reference × 100 (lower-is-better: reference ÷ measured,
  or the complement (2·reference − measured) ÷ reference), or `improvement` =
  (measured − baseline) ÷ (reference − baseline) × 100, which is signed, so it needs no mirroring;
- the reference: `final_target` (by target kind: value/cumulative -> the target in force, revised
  where there is one, for every year; national -> the national value of the same year;
  above_baseline / at_least_baseline -> the baseline), or `milestone` / `expected_path` -> the
  value milestones.csv gives for the indicator and the actual's year;
- rounding (half_up or down, to `decimals`; exact on the figures as written, see rates()) and the
  bands, tried in order, the first match wins.

Rules every scheme shares:
- measured: the actual, or for a cumulative target with annual actuals the sum of the actuals
  within the period up to the year; unknown (no rate, no grade) once a year of the period has
  no value (未, —, empty).
- achieved: measured >= reference (lower-is-better: <=); judged on unrounded figures. Against the
  final target, above_baseline (基準値より増加) needs measured > baseline (equal is no increase).
- original_achieved: the target was revised upwards and the measured figure reaches the original.
- grade for an evaluation year: from the latest actual up to that year, the first matching band;
  under a scheme whose `without_actual` rule is `not_measured`, a year without an actual of its
  own gets the scheme's not-measured grade (X) instead, with no rate.
"""

from __future__ import annotations

from decimal import localcontext

import numpy as np
import pandas as pd

from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import parse_fiscal_year
from kpi_lib.core.frames import records_by
from kpi_lib.dataset.loading import as_known_in, check_project
from kpi_lib.dataset.scheme import Scheme, scheme_for

# ---------------------------------------------------------------------------------------------
# The vectorised core


def grade_arrays(
    scheme: Scheme, *, actual, reference, lower, strict, original_reference, upward_revised, baseline=None
):
    """Progress rate, achieved, original_achieved and grade per element (equal-length arrays).

    `actual` is the measured figure; NaN means no actual (no rate, not achieved, empty grade).
    `baseline` is needed by the improvement definition only. The grade comes back as a pandas
    Categorical of the scheme's grades ("" where there is no actual).
    """
    actual = np.asarray(actual, dtype=float)
    reference = np.asarray(reference, dtype=float)
    lower = np.asarray(lower, dtype=bool)
    strict = np.asarray(strict, dtype=bool)
    rate = rates(scheme, actual, reference, lower, baseline)
    achieved = reached(actual, reference, lower, strict)
    original_achieved = np.zeros(actual.shape, dtype=bool)
    revised = np.flatnonzero(np.asarray(upward_revised, dtype=bool))  # few: work on those rows only
    if len(revised):
        original = np.asarray(original_reference, dtype=float)[revised]
        original_achieved[revised] = reached(actual[revised], original, lower[revised], strict[revised])
    index = band_index(
        scheme, band_rates(scheme, rate, actual, reference, lower), achieved, original_achieved, np.isnan(actual)
    )
    grade = pd.Categorical.from_codes(
        index, categories=[*scheme.band_grades, ""], validate=False
    )  # in range by construction
    return rate, achieved, original_achieved, grade


def band_rates(scheme: Scheme, rate, actual, reference, lower) -> np.ndarray:
    """The rate the bands compare. A lower-is-better actual of 0 or below under the inverse ratio
    (reference ÷ actual) has no printable rate, but it is better than any actual above 0, whose
    rate grows without bound as the actual falls toward 0: the bands see +∞, so it takes the
    band of the highest rates (and the report shows no rate)."""
    if scheme.definition != "ratio" or scheme.lower_is_better != "inverse":
        return rate
    with np.errstate(invalid="ignore"):
        beyond = np.asarray(lower, dtype=bool) & (actual <= 0) & (reference > 0)
    return np.where(beyond, np.inf, rate) if beyond.any() else rate


def band_index(scheme: Scheme, rate, achieved, original_achieved, no_actual) -> np.ndarray:
    """The position of the first band each element matches; len(bands) where there is no actual.

    Branch-free: the index counts the bands not matched so far. The last band has no condition
    (parse_scheme checks it), so every element with an actual matches one.
    """
    index = np.zeros(rate.shape, dtype=np.intp)  # a fixed small type would wrap past its bands (int8: 127)
    open_ = np.ones(rate.shape, dtype=bool)  # no band matched yet
    with np.errstate(invalid="ignore"):
        for band in scheme.bands[:-1]:
            cond = None
            if band.rate_below is not None:
                cond = rate < band.rate_below  # NaN (undefined rate) never matches a rate band
            if band.rate_at_least is not None:
                cond = rate >= band.rate_at_least if cond is None else cond & (rate >= band.rate_at_least)
            if band.when is not None:
                met = achieved if band.when == "achieved" else original_achieved
                cond = met if cond is None else cond & met
            open_ &= ~cond
            index += open_
    index += no_actual
    return index


def rates(scheme: Scheme, actual, reference, lower, baseline=None) -> np.ndarray:
    """The rounded rate in percent, exactly as the scheme rounds the exact quotient of the figures
    as written; NaN where it is undefined (a zero divisor, a missing figure).

    Floats first, for every row; then each row whose float quotient lies closer to a rounding
    boundary (x.x5 for half_up, x.x0 for down) than its proven error bound is recomputed in whole
    numbers from the figures' decimal values (_exact_rates). The bound: every figure is the nearest
    double to its decimal (relative error u = 2⁻⁵³), each operation adds u, and a difference x − y
    of two figures carries (|x| + |y|) ÷ |x − y| times their error.
    """
    actual = np.asarray(actual, dtype=float)
    reference = np.asarray(reference, dtype=float)
    lower = np.asarray(lower, dtype=bool)
    base = np.asarray(baseline, dtype=float) if scheme.definition == "improvement" else None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        condition = None  # error amplification of the subtractions, where there are any
        if base is not None:
            num, den = actual - base, reference - base
            condition = (np.abs(actual) + np.abs(base)) / np.abs(num)
            condition += (np.abs(reference) + np.abs(base)) / np.abs(den)
        elif not lower.any():
            num, den = actual, reference
        elif scheme.lower_is_better == "inverse":
            # reference ÷ actual is defined for an actual above 0 only (band_rates: beyond it, +∞)
            num, den = np.where(lower, reference, actual), np.where(lower, np.where(actual < 0, 0.0, actual), reference)
        else:  # complement: (2·reference − actual) ÷ reference
            mirrored = 2.0 * reference - actual
            num, den = np.where(lower, mirrored, actual), reference
            condition = np.where(lower, (2.0 * np.abs(reference) + np.abs(actual)) / np.abs(mirrored), 0.0)
        raw = np.multiply(num, 100.0)
        raw /= den
        raw[np.isinf(raw)] = np.nan
        scaled = np.abs(raw)
        scaled *= 10.0**scheme.decimals
        out = np.floor(scaled)
        distance = scaled - out  # the fraction, then its distance to the boundary
        if scheme.rounding == "half_up":
            out += distance >= 0.5
            distance -= 0.5
            np.abs(distance, out=distance)
        else:  # down: toward zero; the boundary is the whole number below or above
            np.minimum(distance, 1.0 - distance, out=distance)
        # 4× the bound in the docstring: 6u for the operations plus the subtractions' amplification
        scaled *= 2.0**-51
        bound = scaled * 6.0 if condition is None else scaled * (condition + 6.0)
        unsure = np.flatnonzero(distance <= bound)  # NaN (no rate, or 0 × ∞ where num is exactly 0): sure
        out /= 10.0**scheme.decimals
        np.copysign(out, raw, out=out)
    if len(unsure):
        out[unsure] = _exact_rates(
            scheme, actual[unsure], reference[unsure], lower[unsure], None if base is None else base[unsure]
        )
    return out


def _exact_rates(scheme: Scheme, actual, reference, lower, baseline) -> np.ndarray:
    """The rates of a few rows, exactly: in 64-bit integers where every figure of a row is a whole
    number m ÷ 10^p with |m| < 10⁹ and p ≤ 6, else row by row in arbitrary precision
    (numbers.round_quotient). A float x read from a figure of at most 15 significant digits is
    m ÷ 10^p exactly when x · 10^p computes to the whole number m: any further digit of the figure
    would be at least 10⁻¹⁵·|m|, more than the 2u·|m| that x and the product are off by."""
    figures = [actual, reference] if baseline is None else [actual, reference, baseline]
    n = len(actual)
    places = np.full(n, -1)
    for p in range(6, -1, -1):  # the fewest decimals that make every figure of the row whole
        whole = np.ones(n, dtype=bool)
        for f in figures:
            m = f * 10.0**p
            whole &= (np.abs(m) < 1e9) & (m == np.rint(m))
        places[whole] = p
    small = places >= 0
    ints = [np.rint(f * 10.0 ** np.maximum(places, 0)).astype(np.int64) for f in figures]
    a, r = ints[0], ints[1]
    if baseline is not None:
        num, den = a - ints[2], r - ints[2]
    elif scheme.lower_is_better == "inverse":
        num, den = np.where(lower, r, a), np.where(lower, a, r)
    else:
        num, den = np.where(lower, 2 * r - a, a), r
    negative = (num < 0) != (den < 0)
    top, bottom = np.abs(num) * (100 * 10**scheme.decimals), np.abs(den)  # < 3·10⁹·10⁸: fits in int64
    whole, rest = np.divmod(top, np.where(bottom == 0, 1, bottom))
    if scheme.rounding == "half_up":
        whole += 2 * rest >= bottom
    small &= (bottom != 0) & (whole < 2**53)  # a whole number that a float holds exactly
    out = whole / 10.0**scheme.decimals  # one correctly rounded division, as int ÷ int
    out[negative] *= -1
    for i in np.flatnonzero(~small):
        out[i] = _exact_rate(scheme, actual[i], reference[i], lower[i], None if baseline is None else baseline[i])
    return out


def _exact_rate(scheme: Scheme, actual: float, reference: float, lower: bool, baseline: float | None) -> float:
    a, r = numbers.decimal_of(actual), numbers.decimal_of(reference)
    with localcontext() as exact:
        exact.prec = 60  # sums and differences of figures within the limits need at most ~30 digits
        if baseline is not None:
            b = numbers.decimal_of(baseline)
            num, den = a - b, r - b
        elif lower and scheme.lower_is_better == "inverse":
            num, den = r, a
        elif lower:
            num, den = 2 * r - a, r
        else:
            num, den = a, r
        num *= 100
    rate = numbers.round_quotient(num, den, scheme.decimals, scheme.rounding)
    return np.nan if rate is None else rate


def round_rates(raw: np.ndarray, scheme: Scheme) -> np.ndarray:
    """The scheme's rounding applied to rates already computed in floats (the outlook's pace):
    half_up (67.45 -> 67.5) or down (toward zero, 切り捨て: 67.49 -> 67.4), with a nudge
    (|x|·1e-12 + 1e-9 in units of the last digit) that absorbs binary error at exact ties.
    Official rates go through rates(), which is exact for every figure within the limits."""
    scale = 10.0**scheme.decimals
    offset = (0.5 if scheme.rounding == "half_up" else 0.0) + 1e-9
    signed = raw.size and np.fmin.reduce(raw) < 0  # fmin skips NaN
    out = np.multiply(np.abs(raw) if signed else raw, scale * (1.0 + 1e-12))
    out += offset
    np.floor(out, out=out)
    out /= scale
    if signed:
        np.copysign(out, raw, out=out)
    return out


def reached(value, reference, lower, strict) -> np.ndarray:
    """value reaches reference: >= (lower-is-better: <=); strict: > (<). False where either is NaN."""
    value = np.asarray(value, dtype=float)
    reference = np.asarray(reference, dtype=float)
    lower = np.asarray(lower, dtype=bool)
    strict = np.asarray(strict, dtype=bool)
    with np.errstate(invalid="ignore"):
        at_least = value >= reference
        if not lower.any() and not strict.any():
            return at_least
        at_most = value <= reference
    out = (at_least & ~lower) | (at_most & lower)
    if strict.any():
        out &= ~(strict & at_least & at_most)  # equal is not enough for a strict increase
    return out


# ---------------------------------------------------------------------------------------------
# From tidy tables to graded observations


def observations(dataset, scheme: Scheme | str | None = None) -> pd.DataFrame:
    """One row per indicator and year with an actual value, with the figures grading needs."""
    return build_observations(
        dataset.indicators,
        dataset.actuals,
        dataset.benchmarks,
        dataset.tables.get("milestones"),
        scheme_for(dataset, scheme),
    )


def build_observations(
    indicators: pd.DataFrame,
    actuals: pd.DataFrame,
    benchmarks: pd.DataFrame | None,
    milestones: pd.DataFrame | None,
    scheme: Scheme,
) -> pd.DataFrame:
    """The vectorised join behind observations(): tidy tables in, one row per indicator-year out,
    sorted by indicator and year, with every indicators.csv column alongside.

    Lookups go by position (one hash of the indicator names), not by string joins: this is the
    path benchmarks/grading_scale.py times at national scale.
    """
    names = indicators["indicator"].to_numpy(object)
    per_row = pd.Index(names).get_indexer(actuals["indicator"])
    rows = np.flatnonzero((actuals["actual_state"].to_numpy(object) == numbers.VALUE) & (per_row >= 0))
    year = actuals["year"].to_numpy(np.int64)[rows]
    alphabetical = np.empty(len(names), dtype=np.int64)
    alphabetical[np.argsort(names.astype(str), kind="stable")] = np.arange(len(names))
    order = np.lexsort((year, alphabetical[per_row[rows]]))
    rows, year = rows[order], year[order]
    at = per_row[rows]  # each observation's row in indicators
    columns = {
        "indicator": names[at],
        "year": year,
        "actual": actuals["actual"].to_numpy(float)[rows],
        "actual_decimals": actuals["actual_decimals"].to_numpy()[rows],
    }
    # every indicators.csv column, in one frame (inserting them one by one took most of this)
    columns.update({c: indicators[c].to_numpy()[at] for c in indicators.columns.drop("indicator")})
    obs = pd.DataFrame(columns)
    kind = indicators["target_kind"].to_numpy(object)
    obs["measured"] = obs["actual"].to_numpy()
    summed = ((kind == "cumulative") & (indicators["actual_basis"].to_numpy(object) == "annual"))[at]
    if summed.any():
        obs.loc[summed, "measured"] = _running_totals(obs.loc[summed], at[summed])
    obs["national_value"], obs["national_provenance"] = _lookup(benchmarks, ["value", "provenance"], names, at, year)
    obs["milestone"] = _lookup(milestones, ["value"], names, at, year)[0]
    revised, target = indicators["revised_target"].to_numpy(float), indicators["target"].to_numpy(float)
    obs["target_in_force"] = np.where(np.isnan(revised), target, revised)[at]
    if scheme.uses_milestones:
        obs["reference"] = obs["milestone"].to_numpy(float)
    else:
        reference = np.where(np.isin(kind, ["value", "cumulative"])[at], obs["target_in_force"].to_numpy(), np.nan)
        reference = np.where((kind == "national")[at], obs["national_value"].to_numpy(float), reference)
        by_baseline = np.isin(kind, ["above_baseline", "at_least_baseline"])[at]
        obs["reference"] = np.where(by_baseline, indicators["baseline"].to_numpy(float)[at], reference)
    lower = indicators["direction"].to_numpy(object) == "lower"
    with np.errstate(invalid="ignore"):
        upward = ~np.isnan(revised) & np.where(lower, revised < target, revised > target)
    obs["upward_revised"] = upward[at]
    return obs


def running_totals(dataset, indicator: str) -> pd.DataFrame | None:
    """year, running_total: what a cumulative target with annual actuals is graded on in each year
    whose total is known (the same sums as evaluate()); None for any other indicator."""
    ind = dataset.indicators.set_index("indicator").loc[indicator]
    if ind["target_kind"] != "cumulative" or ind["actual_basis"] != "annual":
        return None
    a = dataset.actuals
    obs = a[(a["indicator"] == indicator) & (a["actual_state"] == numbers.VALUE)].sort_values("year")
    obs = obs.assign(period_start=ind["period_start"], period_end=ind["period_end"]).reset_index(drop=True)
    totals = _running_totals(obs, np.zeros(len(obs), dtype=np.int64))
    known = ~np.isnan(totals)  # a year of the period without a value: no total from then on
    return pd.DataFrame({"year": obs["year"].astype(int)[known], "running_total": totals[known]}).reset_index(drop=True)


def _running_totals(obs: pd.DataFrame, at: np.ndarray) -> np.ndarray:
    """Cumulative targets with annual actuals: the sum of the actuals within the period up to each
    year, rounded back to the decimals the actuals are printed with (250.9, not 250.89999999999998).

    `obs` holds only years with a value, one row per indicator and year. A total is known only when
    every year of the period up to that year has one: where a year is 未, — or missing, the total is
    NaN from then on (counting it as 0 would state a sum nobody knows)."""
    year = obs["year"].to_numpy(float)
    start, end = obs["period_start"].to_numpy(float), obs["period_end"].to_numpy(float)
    in_period = (year >= start) & (year <= end)
    totals = pd.Series(np.where(in_period, obs["actual"].to_numpy(float), 0.0)).groupby(at).cumsum().to_numpy()
    decimals = pd.Series(obs["actual_decimals"].to_numpy(np.int64)).groupby(at).transform("max").to_numpy()
    scale = 10.0 ** np.minimum(decimals, 12)
    # years of the period up to this one, against how many of them have a value
    due = np.clip(np.minimum(year, end) - start + 1, 0, None)
    given = pd.Series(in_period.astype(np.int64)).groupby(at).cumsum().to_numpy()
    return np.where(given == due, np.round(totals * scale) / scale, np.nan)


def _lookup(
    table: pd.DataFrame | None, columns: list[str], names: np.ndarray, at: np.ndarray, year: np.ndarray
) -> list:
    """Columns of an optional (indicator, year) table for each observation; NaN / None where absent."""
    n = len(at)
    if table is None or table.empty:
        return [np.full(n, np.nan) if c == "value" else np.full(n, None, dtype=object) for c in columns]
    row_of = pd.Index(names).get_indexer(table["indicator"])
    key = row_of.astype(np.int64) * 10_000 + table["year"].to_numpy(np.int64)
    hit = pd.Index(key).get_indexer(at.astype(np.int64) * 10_000 + year)
    found = hit >= 0
    out = []
    for c in columns:
        values = table[c].to_numpy(float if c == "value" else object)
        filled = np.full(n, np.nan if c == "value" else None, dtype=values.dtype)
        filled[found] = values[hit[found]]
        out.append(filled)
    return out


def grade_observations(obs: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Add progress_rate, achieved, original_achieved and grade to an observations frame."""
    kind = obs["target_kind"].to_numpy(object)
    rate, achieved, original_achieved, grade = grade_arrays(
        scheme,
        actual=obs["measured"].to_numpy(float),
        reference=obs["reference"].to_numpy(float),
        lower=obs["direction"].to_numpy(object) == "lower",
        # 基準値より増加 is a strict increase over the baseline; a milestone is reached when equal
        strict=(kind == "above_baseline") & (scheme.reference == "final_target"),
        original_reference=obs["target"].to_numpy(float),
        upward_revised=obs["upward_revised"].to_numpy(bool),
        baseline=obs["baseline"].to_numpy(float),
    )
    grade = np.asarray(grade, dtype=object)
    for override in scheme.overrides:  # the indicators with bands of their own: same rate, own bands
        rows = np.flatnonzero(obs["indicator"].isin(override.indicators).to_numpy())
        if len(rows):
            own = scheme.for_indicator(override.indicators[0])
            index = band_index(
                own,
                band_rates(
                    own,
                    rate[rows],
                    obs["measured"].to_numpy(float)[rows],
                    obs["reference"].to_numpy(float)[rows],
                    (obs["direction"].to_numpy(object) == "lower")[rows],
                ),
                achieved[rows],
                original_achieved[rows],
                np.isnan(obs["measured"].to_numpy(float)[rows]),
            )
            grade[rows] = np.asarray([*own.band_grades, ""], dtype=object)[index]
    return obs.assign(progress_rate=rate, achieved=achieved, original_achieved=original_achieved, grade=grade)


def latest_up_to(graded: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each indicator's latest row up to `year` (graded is sorted by indicator and year)."""
    return graded[graded["year"].to_numpy() <= year].drop_duplicates("indicator", keep="last")


def progress_table(dataset, scheme: Scheme | str | None = None) -> pd.DataFrame:
    """Every indicator-year with an actual: the rate and the grade that year's actual gives."""
    scheme = scheme_for(dataset, scheme)
    return grade_observations(observations(dataset, scheme), scheme)


def evaluate(
    dataset, year: int | str, scheme: Scheme | str | None = None, projects: list[int] | None = None
) -> pd.DataFrame:
    """One row per project and indicator: the grade for evaluation year `year` (any form
    fiscal_year.parse_fiscal_year reads: 2018, "H30", "平成30年度", "FY2018" …).

    The grade uses the latest actual available up to `year`; an indicator with none has an
    empty grade. Under a scheme whose `without_actual` rule is `not_measured`, only the year's own
    actual counts: a year without one gets the not-measured grade (X) and no rate. Published figures sit beside the recomputed ones, and `rate_shown` /
    `grade_shown` with `rate_source` / `grade_source` say which a report shows (the published
    one where it exists).
    """
    year = parse_fiscal_year(year)
    scheme = scheme_for(dataset, scheme)
    for project in projects or ():
        check_project(dataset, project)
    # as known in `year`: a later year's actuals, published figures and revisions are left out
    full = _evaluate(as_known_in(dataset, year), year, scheme)
    if projects:
        full = full[full["project"].isin(projects)].reset_index(drop=True)
    return full


def _evaluate(dataset, year: int, scheme: Scheme) -> pd.DataFrame:
    graded = progress_table(dataset, scheme)
    # plain dicts by indicator: looking rows up in a DataFrame, row by row, takes ~1 ms each
    latest = records_by(latest_up_to(graded, year), "indicator")
    if scheme.not_measured is not None:  # only the year's own actual grades it
        latest = {i: g for i, g in latest.items() if int(g["year"]) == year}
    members = dataset.project_indicators.sort_values(["project", "kind", "position"], key=_kind_order)
    ind = records_by(dataset.indicators, "indicator")
    a = dataset.actuals
    states = dict(zip(a.loc[a["year"] == year, "indicator"], a.loc[a["year"] == year, "actual_state"]))
    rows = []
    for m in members.itertuples():
        i = ind[m.indicator]
        has = m.indicator in latest
        g = latest[m.indicator] if has else None
        state_in_year = states.get(m.indicator, numbers.BLANK)
        rows.append(
            {
                "project": int(m.project),
                "kind": m.kind,
                "position": int(m.position),
                "indicator": m.indicator,
                "name_ja": i["name_ja"],
                "name_en": i["name_en"],
                "name_source": i["name_source"],
                "unit_ja": i["unit_ja"],
                "unit_en": i["unit_en"],
                "unit_en_singular": i.get("unit_en_singular"),
                "direction": i["direction"],
                "target_kind": i["target_kind"],
                "target_text_ja": i["target_text_ja"],
                "baseline": i["baseline"],
                "baseline_state": i["baseline_state"],
                "baseline_year": i["baseline_year"],
                "baseline_decimals": i["baseline_decimals"],
                "target": i["target"],
                "target_decimals": i["target_decimals"],
                "target_year": i["target_year"],
                "revised_target": i["revised_target"],
                "revised_target_decimals": i["revised_target_decimals"],
                "revised_target_year": i["revised_target_year"],
                "period_start": i["period_start"],
                "period_end": i["period_end"],
                "counted_from": None if pd.isna(i.get("counted_from")) else int(i["counted_from"]),
                "year_basis": i["year_basis"],
                "decimals": int(i["decimals"]) if "decimals" in i and pd.notna(i["decimals"]) else 0,
                "evaluation_year": year,
                "rate_decimals": scheme.decimals,  # how its rates are rounded and shown
                "actual_state_in_year": state_in_year,
                "latest_year": int(g["year"]) if has else None,
                "actual": float(g["actual"]) if has else None,
                "actual_decimals": int(g["actual_decimals"]) if has else None,
                "measured": float(g["measured"]) if has else None,
                "target_in_force": _num(g["target_in_force"])
                if has
                else _num(i["revised_target"] if pd.notna(i["revised_target"]) else i["target"]),
                "reference": _num(g["reference"]) if has else None,
                "national_value": _num(g["national_value"]) if has else None,
                "national_provenance": g["national_provenance"]
                if has and isinstance(g["national_provenance"], str)
                else None,
                "progress_rate": _num(g["progress_rate"]) if has else None,
                "achieved": bool(g["achieved"]) if has else None,
                "original_achieved": bool(g["original_achieved"]) if has else None,
                "grade": g["grade"] if has else _ungraded(scheme, year, i),
            }
        )
    out = pd.DataFrame(rows)
    if not out.empty:  # when a revised target was set, where the source says so (revisions.csv)
        revised_in = dict(zip(dataset.revisions["indicator"], dataset.revisions["revised_in"]))
        out["revised_in"] = [revised_in.get(i) for i in out["indicator"]]
    return _attach_published(out, dataset, year)


def _ungraded(scheme: Scheme, year: int, indicator: dict) -> str:
    """The grade of an indicator with no actual to grade in `year`: none (""), or the scheme's
    not-measured grade for a year from the baseline's on (before it there is nothing to measure)."""
    if scheme.not_measured is None:
        return ""
    start = indicator.get("baseline_year")
    return scheme.not_measured.grade if start is None or pd.isna(start) or year > int(start) else ""


def _kind_order(s: pd.Series) -> pd.Series:
    return s.map({"数値目標": 0, "KPI": 1}) if s.name == "kind" else s


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _text(x) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x)


def _attach_published(out: pd.DataFrame, dataset, year: int) -> pd.DataFrame:
    """The published rate and grade beside ours, and the figure a report shows with whose it is.

    The official record first: where the source publishes a rate (for the latest actual's year)
    or a grade (for the evaluation year), that is the one shown (`rate_shown`, `grade_shown`,
    `*_source` = published); where it publishes none, ours under the official rules is shown
    (`computed`); `missing` where there is neither. `published_grade_note` says why a grade
    was not published: `not_given` (the source's cell is empty) or `not_published` (no grade
    for the year at all).
    """
    if out.empty:
        return out
    pr = records_by(dataset.published_rates, ["project", "indicator", "year"])
    pg = records_by(dataset.published_grades, ["project", "indicator", "year"])
    rates, rate_states, rate_decimals, grades, grade_notes = [], [], [], [], []
    for r in out.itertuples():
        key = (r.project, r.indicator, r.latest_year)
        if r.latest_year is not None and key in pr:
            rates.append(_num(pr[key]["progress_rate"]))
            rate_states.append(pr[key]["progress_rate_state"])
            rate_decimals.append(pr[key]["progress_rate_decimals"])
        else:
            rates.append(None)
            rate_states.append(numbers.BLANK)
            rate_decimals.append(r.rate_decimals)
        gkey = (r.project, r.indicator, year)
        grades.append(_text(pg[gkey]["grade"]) if gkey in pg else "")
        grade_notes.append("" if grades[-1] else "not_given" if gkey in pg else "not_published")
    out["published_rate"] = rates
    out["published_rate_state"] = rate_states
    out["published_grade"] = grades
    rate_published = out["published_rate_state"] != numbers.BLANK
    out["rate_shown"] = pd.to_numeric(out["published_rate"].where(rate_published, out["progress_rate"]))
    # a published rate keeps the decimals it was printed with; ours, the scheme's
    out["rate_shown_decimals"] = [int(d) for d in rate_decimals]
    out["rate_source"] = np.where(
        rate_published, "published", np.where(out["progress_rate"].isna(), "missing", "computed")
    )
    grade_published = out["published_grade"] != ""
    out["grade_shown"] = out["published_grade"].where(grade_published, out["grade"])
    out["grade_source"] = np.where(grade_published, "published", np.where(out["grade"] == "", "missing", "computed"))
    out["published_grade_note"] = np.where(grade_published, "", grade_notes)
    return out
