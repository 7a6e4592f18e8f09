"""Outlook: at the pace so far, will each indicator reach its target in its target year?

Beside the official grade (which this module never changes), for every indicator and an
evaluation year Y, from the actuals up to Y (docs/grading.md, "Outlook", has the reasons):

- observed_cagr  = (latest ÷ base)^(1 / (latest_year − base_year)) − 1
- required_cagr  = (target ÷ base)^(1 / (target_year − base_year)) − 1
- cagr_ratio     = s · d · observed_cagr ÷ |required_cagr|, d = +1 (higher is better) or −1
  (lower), s = −1 when the base is negative: the progress measure of Open SDG's sdg-build
  (sdg/ProgressMeasure.py, methodology_2), after Eurostat's SDG monitoring.
- These ratios are kept as data columns; they do not decide the outlook (see below).

The outlook, the one measure that says "on track" (our analysis, never the official grade):
- the trend: Theil–Sen's robust straight line (theil_sen: scipy.stats.theilslopes' arithmetic;
  the median of the slopes between every two points, so one jump or outlier does not make the trend) fitted to the
  actuals up to Y (never the baseline), with its CONFIDENCE confidence interval of the slope
  (trend_slope_low … trend_slope_high); at least MIN_POINTS points, else no outlook and
  outlook_note says why. What the line is fitted to (trend_series):
  * actual: the actuals themselves;
  * annual_addition: for a cumulative target, each year's addition to the running total (a
    running total rises whatever happens, so its own trend says nothing about the pace);
  * gap_to_national: for a national-level target, d · (national − actual) in the years both are
    known: the national value moves too, so it is never held still; the national series gets
    the same fit (national_slope, national_projected) and gap_change says whether the gap
    narrows or widens (only where the whole interval agrees, else "unclear").
- every projection starts from the latest point and goes on at a slope: projected_value at the
  fitted slope; the decision is made at both ends of the interval. required_annual_change_from_latest
  is the change a year the fitted series needs to reach the target by the target year.
- outlook: target_achieved (the latest actual reaches the target); not_achieved (the target
  year's actual is in and falls short); on_track (even the end of the interval least
  favourable to the target reaches it by the target year); not_approaching (the whole
  interval is flat or points away); behind (even the most favourable end does not reach it in
  time); uncertain (the interval holds both: the data cannot tell); not_assessable (no target,
  fewer than MIN_POINTS points). So no outlook flips on a change the fit cannot tell from noise.
- against_trend: the latest change of the fitted series runs against its fitted slope.
- projected_year_reached: the first fiscal year by which even the least favourable end of the
  interval reaches the target (empty where that end does not move toward it).

Where compound growth is undefined (a zero or a sign change among base, latest and target,
e.g. a waiting list aimed at 0 or net migration rising from −3,703 to a positive target) and
for cumulative targets (a running total grows whatever happens), the same ratio is taken on
straight-line change instead (ratio_basis = linear):
  ratio = d · ((latest − base) ÷ (latest_year − base_year)) ÷ |(target − base) ÷ (target_year − base_year)|
For a cumulative target the base is 0 in the year before the period, so the ratio is the
pace-adjusted rate ÷ 100:
  elapsed_share      = (actual's year − period_start + 1) ÷ (period_end − period_start + 1)
  pace_adjusted_rate = cumulative actual ÷ (target × elapsed_share) × 100 (lower-is-better:
                       the inverse), rounded as the scheme rounds the official rate.

The base is the baseline (基準値, its year); with none, the first actual (as sdg-build does when
its base year has no data). The target is the target in force in its year (the revised one where
there is one); a national-level target's value is the latest national value up to Y (its
outlook is the gap's trend, above);
基準値より増加 / 現状値以上 use the baseline itself (the ratio is then undefined: the sign of the
change decides).

"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from kpi_lib.analysis.grading import progress_table, reached, round_rates
from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import LAST_YEAR, parse_fiscal_year
from kpi_lib.core.formatting import plain_number, rate_number
from kpi_lib.core.frames import records
from kpi_lib.core.labels import text
from kpi_lib.dataset.scheme import Scheme, scheme_for

# Fewer points than this give no outlook: three points make a V look like a trend (76.6, 70.5,
# 75.8), and with four the interval below is already as wide as the slopes between them.
MIN_POINTS = 4
# The slope's confidence interval (as scipy.stats.theilslopes', after Sen 1968; an approximation
# for so few points): 90% two-sided, so each one-sided claim ("reached", "not reached") is made at 95%.
CONFIDENCE = 0.90

COLUMNS = [
    "indicator",
    "evaluation_year",
    "target_kind",
    "direction",
    "base_year",
    "base_value",
    "base_source",
    "latest_year",
    "latest_value",
    "target_value",
    "target_year",
    "target_source",
    "achieved",
    "observed_cagr",
    "required_cagr",
    "cagr_ratio",
    "observed_annual_change",
    "required_annual_change",
    "ratio",
    "ratio_basis",
    "outlook",
    "outlook_note",
    "note",
    "trend_series",
    "trend_points",
    "trend_years",
    "trend_values",
    "trend_slope",
    "trend_slope_low",
    "trend_slope_high",
    "latest_change",
    "against_trend",
    "required_annual_change_from_latest",
    "projected_value",
    "projected_value_low",
    "projected_value_high",
    "projected_year_reached",
    "additions_floored",
    "actual_slope",
    "national_points",
    "national_slope",
    "national_latest_year",
    "national_latest",
    "national_projected",
    "gap_latest",
    "gap_change",
    "period_start",
    "period_end",
    "elapsed_years",
    "period_years",
    "elapsed_share",
    "expected_to_date",
    "pace_adjusted_rate",
]


def outlook(dataset, year: int | str, scheme: Scheme | str | None = None) -> pd.DataFrame:
    """One row per indicator (tidy, keyed by indicator): growth, ratio, outlook, projection, pace
    for evaluation year `year` (any form fiscal_year.parse_fiscal_year reads)."""
    scheme = scheme_for(dataset, scheme)
    return _outlook(dataset, parse_fiscal_year(year), scheme)


def _outlook(dataset, year: int, scheme: Scheme) -> pd.DataFrame:
    graded = progress_table(dataset, scheme)
    upto = graded[graded["year"] <= year]
    series = {i: g for i, g in upto.groupby("indicator", sort=False)}
    bench = dataset.benchmarks
    rows = []
    for ind in records(dataset.indicators):
        national = bench[(bench["indicator"] == ind["indicator"]) & (bench["year"] <= year)].sort_values("year")
        rows.append(indicator_outlook(ind, series.get(ind["indicator"]), year, scheme, national[["year", "value"]]))
    return pd.DataFrame(rows, columns=COLUMNS)


def indicator_outlook(
    ind: dict, obs: pd.DataFrame | None, year: int, scheme: Scheme, national: pd.DataFrame | None = None
) -> dict:
    """The outlook of one indicator from its graded observations up to the evaluation year
    (`national`: year, value of its national series up to that year, for a national-level target)."""
    d = -1 if ind["direction"] == "lower" else 1
    kind = ind["target_kind"]
    row = dict.fromkeys(COLUMNS)
    row.update(indicator=ind["indicator"], evaluation_year=year, target_kind=kind, direction=ind["direction"])
    if national is None or kind != "national":
        national = pd.DataFrame({"year": [], "value": []})
    national_value = national["value"].iloc[-1] if len(national) else None
    target, target_year, target_source = _target(ind, national_value)
    row.update(target_value=target, target_year=target_year, target_source=target_source)
    if kind == "cumulative":
        row.update(period_start=int(ind["period_start"]), period_end=int(ind["period_end"]))
    if obs is None or obs.empty:
        return _decide(row, "no_actual")
    if kind == "cumulative":  # a running total: only the years of its period count
        obs = obs[obs["year"] >= ind["period_start"]]
        if obs.empty:
            return _decide(row, "before_period")
        if np.isnan(float(obs["measured"].iloc[-1])):  # a year of the period has no value (grading.py)
            return _decide(row, "total_unknown")
    latest_year, latest = int(obs["year"].iloc[-1]), float(obs["measured"].iloc[-1])
    row.update(latest_year=latest_year, latest_value=latest)
    base_year, base, base_source = _base(ind, obs)
    row.update(base_year=base_year, base_value=base, base_source=base_source)
    achieved = target is not None and bool(reached([latest], [target], [d < 0], [kind == "above_baseline"])[0])
    row["achieved"] = achieved
    if target is not None and not achieved and target_year > latest_year:
        row.update(_trend(ind, obs, national, target, target_year, d))
    if kind == "cumulative" and target is not None:
        row.update(_pace(row, ind, latest_year, latest, target, scheme, d))
    row.update(_ratios(kind, base_year, base, latest_year, latest, target, target_year, d))
    return _decide(row, "", d)


def _ratios(kind, base_year, base, latest_year, latest, target, target_year, d) -> dict:
    """sdg-build's observed ÷ required growth since the base (data columns; not the outlook)."""
    if target is None:
        return {"note": "no_target"}
    if latest_year <= base_year:
        return {"note": "single_point"}
    if target_year <= base_year:
        return {"note": "target_year_not_after_base"}
    n_obs, n_req = latest_year - base_year, target_year - base_year
    out = {"observed_annual_change": (latest - base) / n_obs, "required_annual_change": (target - base) / n_req}
    positive = base > 0 and latest > 0 and target > 0
    negative = base < 0 and latest < 0 and target < 0
    if kind != "cumulative" and (positive or negative):
        s = -1 if negative else 1
        observed = (latest / base) ** (1 / n_obs) - 1
        required = (target / base) ** (1 / n_req) - 1
        out.update(observed_cagr=observed, required_cagr=required, ratio_basis="cagr", note="")
        if required == 0:
            out["note"] = "target_equals_base"
        else:
            out["cagr_ratio"] = out["ratio"] = s * d * observed / abs(required)
        return out
    out.update(ratio_basis="linear", note="cumulative" if kind == "cumulative" else "linear_zero_or_sign_change")
    if out["required_annual_change"] == 0:
        out["note"] = "target_equals_base"
    else:
        out["ratio"] = d * out["observed_annual_change"] / abs(out["required_annual_change"])
    return out


def _decide(row: dict, reason: str, d: int = 1) -> dict:
    """The outlook, from the trend's confidence interval (module docstring)."""
    if reason:  # no actual to go on
        row.update(outlook="not_assessable", outlook_note=reason, note=reason)
        return row
    if row["achieved"]:
        row["outlook"] = "target_achieved"
    elif row["target_value"] is None:
        row.update(outlook="not_assessable", outlook_note="no_target")
    elif row["latest_year"] >= row["target_year"]:
        row["outlook"] = "not_achieved"  # the target year's actual is in: nothing left to project
    elif row["trend_slope"] is None:
        row.update(outlook="not_assessable", outlook_note=row["outlook_note"] or "too_few_actuals")
    else:
        row["outlook"] = row.pop("_verdict")
    row.pop("_verdict", None)
    row["outlook_note"] = row["outlook_note"] or ""
    return row


# every outlook code, best first
OUTLOOKS = ("target_achieved", "on_track", "uncertain", "behind", "not_approaching", "not_achieved", "not_assessable")


def _target(ind: dict, national_value) -> tuple[float | None, int, str]:
    kind = ind["target_kind"]
    if kind == "national":
        return (None if national_value is None else float(national_value)), int(ind["target_year"]), "national_latest"
    if kind in ("above_baseline", "at_least_baseline"):
        base = ind["baseline"] if ind["baseline_state"] == numbers.VALUE else None
        return base, int(ind["target_year"]), "baseline"
    if kind == "cumulative":  # its final total may be unpublished (a scheme grading on the path)
        target = None if numbers.is_missing(ind["target"]) else float(ind["target"])
        return target, int(ind["period_end"]), "target"
    if not numbers.is_missing(ind["revised_target"]):
        return float(ind["revised_target"]), int(ind["revised_target_year"]), "revised_target"
    return float(ind["target"]), int(ind["target_year"]), "target"


def _base(ind: dict, obs: pd.DataFrame) -> tuple[int, float, str]:
    if ind["target_kind"] == "cumulative":
        return int(ind["period_start"]) - 1, 0.0, "period_start"  # nothing accumulated before the period
    if ind["baseline_state"] == numbers.VALUE and not numbers.is_missing(ind["baseline_year"]):
        return int(ind["baseline_year"]), float(ind["baseline"]), "baseline"
    return int(obs["year"].iloc[0]), float(obs["measured"].iloc[0]), "first_actual"


def theil_sen(values, years, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Theil–Sen slope of `values` over `years` and its `confidence` interval (Sen 1968, eq. 2.6):
    the median of the slopes between every two points, and the two slopes the normal
    approximation picks from them, with ties in either series taken out of the variance.
    scipy.stats.theilslopes' arithmetic step by step (tests/test_outlook.py checks they agree):
    here in numpy, because importing scipy.stats takes a second of a notebook's first chart."""
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    dx = x[:, np.newaxis] - x
    dy = y[:, np.newaxis] - y
    slopes = np.sort(dy[dx > 0] / dx[dx > 0])
    z = NormalDist().inv_cdf((1 - confidence) / 2)  # negative: the lower tail

    def ties(a: np.ndarray) -> float:
        _, counts = np.unique(a, return_counts=True)
        k = counts[counts > 1]
        return float(np.sum(k * (k - 1) * (2 * k + 5)))

    n, pairs = len(y), len(slopes)
    sigma = np.sqrt((n * (n - 1) * (2 * n + 5) - ties(x) - ties(y)) / 18)
    upper = min(int(np.round((pairs - z * sigma) / 2)), pairs - 1)
    lower = max(int(np.round((pairs + z * sigma) / 2)) - 1, 0)
    return float(np.median(slopes)), float(slopes[lower]), float(slopes[upper])


def _fit(years, values) -> tuple[float, float, float]:
    """Theil–Sen slope and its confidence interval, without float noise (35.5, not 35.4999…)."""
    return tuple(round(x, 9) for x in theil_sen(values, years))


def _series(ind: dict, obs: pd.DataFrame, national: pd.DataFrame, d: int) -> tuple[str, np.ndarray, np.ndarray]:
    """What the trend is fitted to: the actuals, a cumulative target's annual additions, or the
    gap to the national series (module docstring)."""
    years = obs["year"].to_numpy(int)
    values = obs["measured"].to_numpy(float)
    if ind["target_kind"] == "cumulative":
        if ind["actual_basis"] == "annual":
            return "annual_addition", years, obs["actual"].to_numpy(float)
        # a printed running total: the addition of a year is its change from the year before
        # (from 0 before the period); a year whose previous total is missing gives none
        previous = dict(zip(years, values)) | {int(ind["period_start"]) - 1: 0.0}
        keep = [y - 1 in previous for y in years]
        additions = [round(v - previous[y - 1], 9) for y, v, k in zip(years, values, keep) if k]
        return "annual_addition", years[keep], np.array(additions, dtype=float)
    if ind["target_kind"] == "national":
        both = pd.DataFrame({"year": years, "local": values}).merge(national.astype({"year": int}), on="year")
        gap = (d * (both["value"].to_numpy(float) - both["local"].to_numpy(float))).round(9)
        return "gap_to_national", both["year"].to_numpy(int), gap
    return "actual", years, values


def _trend(ind: dict, obs: pd.DataFrame, national: pd.DataFrame, target, target_year: int, d: int) -> dict:
    """The trend of the fitted series and the outlook its interval gives (module docstring)."""
    series, years, values = _series(ind, obs, national, d)
    latest_year = int(obs["year"].iloc[-1])
    latest = float(obs["measured"].iloc[-1])
    out = {"trend_series": series, "trend_points": len(years)}
    out["trend_years"], out["trend_values"] = tuple(int(y) for y in years), tuple(float(v) for v in values)
    if series == "gap_to_national":
        out.update(_national(national, target_year))
        if len(obs) < MIN_POINTS:  # too few actuals, whatever the national series has
            return out | {"trend_series": "actual", "trend_points": len(obs)}
        if len(years) < MIN_POINTS:  # enough actuals, too few national values beside them
            return out | {"outlook_note": "too_few_national"}
    if len(years) < MIN_POINTS:
        return out
    slope, low, high = _fit(years, values)
    if series == "gap_to_national":
        # a gap closes downwards, to 0, from the latest year both values are known
        start, goal, direction, last_year = float(values[-1]), 0.0, -1, int(years[-1])

        def level(s, k):
            return start + s * k

        out.update(gap_latest=start, gap_change="narrowing" if high < 0 else "widening" if low > 0 else "unclear")
    elif series == "annual_addition":
        start, goal, direction, last_year = latest, float(target), d, latest_year
        # never a falling running total where no year so far has taken anything off
        floor = 0.0 if (values >= 0).all() else -np.inf
        last = float(values[-1]) if years[-1] == latest_year else None

        def level(s, k):
            if last is None:  # the latest total has no addition of its own: the slope alone
                return start + s * k
            return start + float(np.maximum(last + s * np.arange(1, k + 1), floor).sum())

        ahead = target_year - latest_year
        out["additions_floored"] = bool(last is not None and (last + slope * np.arange(1, ahead + 1) < floor).any())

    else:
        start, goal, direction, last_year = latest, float(target), d, latest_year

        def level(s, k):
            return start + s * k

    n = target_year - last_year
    worst, best = (low, high) if direction > 0 else (high, low)
    tolerance = 1e-9 * max(1.0, abs(goal), abs(start))  # float noise at the very boundary

    def meets(s, k=n):
        return direction * (level(s, k) - goal) >= -tolerance

    def toward(s):
        return direction * (level(s, n) - start) > tolerance

    if meets(worst):
        verdict = "on_track"
    elif not toward(best):
        verdict = "not_approaching"
    elif not meets(best):
        verdict = "behind"
    else:
        verdict = "uncertain"
    change = round(float(values[-1] - values[-2]) / (int(years[-1]) - int(years[-2])), 9)
    out.update(
        trend_slope=slope,
        trend_slope_low=low,
        trend_slope_high=high,
        latest_change=change,
        against_trend=bool(slope != 0 and change != 0 and (slope > 0) != (change > 0)),
        required_annual_change_from_latest=(goal - start) / n,
        _verdict=verdict,
    )
    if series == "gap_to_national":  # the indicator itself, at its own fitted slope
        out["actual_slope"] = _fit(obs["year"].to_numpy(int), obs["measured"].to_numpy(float))[0]
        out["projected_value"] = latest + out["actual_slope"] * (target_year - latest_year)
    else:
        out.update(
            projected_value=level(slope, n), projected_value_low=level(low, n), projected_value_high=level(high, n)
        )
    if toward(worst):  # a year only where the whole interval agrees it is reached by then
        out["projected_year_reached"] = next(
            (last_year + k for k in range(1, LAST_YEAR - last_year + 1) if meets(worst, k)), None
        )
    return out


def _national(national: pd.DataFrame, target_year: int) -> dict:
    """The national series' own trend (the same fit), continued to the target year."""
    out = {"national_points": len(national)}
    if not len(national):
        return out
    years, values = national["year"].to_numpy(int), national["value"].to_numpy(float)
    out.update(national_latest_year=int(years[-1]), national_latest=float(values[-1]))
    if len(years) >= MIN_POINTS:
        slope = _fit(years, values)[0]
        out.update(national_slope=slope, national_projected=float(values[-1]) + slope * (target_year - years[-1]))
    return out


def _pace(row: dict, ind: dict, latest_year: int, latest: float, target: float, scheme: Scheme, d: int) -> dict:
    start, end = int(ind["period_start"]), int(ind["period_end"])
    period_years = end - start + 1
    elapsed = min(max(latest_year - start + 1, 0), period_years)
    share = elapsed / period_years
    expected = target * share
    out = {"elapsed_years": elapsed, "period_years": period_years, "elapsed_share": share, "expected_to_date": expected}
    # cumulative ÷ (target × elapsed ÷ period) × 100, with whole-number factors kept exact
    num, den = (target * elapsed, latest * period_years) if d < 0 else (latest * period_years, target * elapsed)
    if den:
        out["pace_adjusted_rate"] = float(round_rates(np.array([num * 100.0 / den]), scheme)[0])
    return out


# ---------------------------------------------------------------------------------------------
# For the grade table (CSV/JSON) and reports

GRADE_COLUMNS = [
    "observed_cagr",
    "required_cagr",
    "cagr_ratio",
    "ratio",
    "ratio_basis",
    "outlook",
    "outlook_label",
    "trend_series",
    "trend_slope",
    "trend_slope_low",
    "trend_slope_high",
    "projected_value",
    "projected_year_reached",
    "elapsed_share",
    "pace_adjusted_rate",
]


def outlook_label(code: str, lang: str = "ja") -> str:
    return text(f"outlook.{code}", lang) if code else ""


def with_outlook(
    records: pd.DataFrame, dataset, year: int, lang: str = "ja", scheme: Scheme | str | None = None
) -> pd.DataFrame:
    """The machine-readable grade table with the outlook and pace columns appended (by indicator)."""
    scheme = scheme_for(dataset, scheme)
    o = outlook(dataset, year, scheme).set_index("indicator")
    extra = []
    for indicator in records["indicator"]:
        r = o.loc[indicator]
        extra.append(
            {
                "observed_cagr": plain_number(r["observed_cagr"], 6),
                "required_cagr": plain_number(r["required_cagr"], 6),
                "cagr_ratio": plain_number(r["cagr_ratio"], 4),
                "ratio": plain_number(r["ratio"], 4),
                "ratio_basis": _text(r["ratio_basis"]),
                "outlook": r["outlook"],
                "outlook_label": outlook_label(r["outlook"], lang),
                "trend_series": _text(r["trend_series"]),
                "trend_slope": plain_number(r["trend_slope"], 6),
                "trend_slope_low": plain_number(r["trend_slope_low"], 6),
                "trend_slope_high": plain_number(r["trend_slope_high"], 6),
                "projected_value": plain_number(r["projected_value"], 3),
                "projected_year_reached": plain_number(r["projected_year_reached"], 0),
                "elapsed_share": plain_number(r["elapsed_share"], 4),
                # a rate like every other: the scheme's decimals (rounded by it already, round_rates)
                "pace_adjusted_rate": rate_number(_float(r["pace_adjusted_rate"]), scheme.decimals),
            }
        )
    return pd.concat([records.reset_index(drop=True), pd.DataFrame(extra, columns=GRADE_COLUMNS)], axis=1)


def _text(x) -> str:
    return x if isinstance(x, str) else ""


def _float(x):
    return None if x is None else float(x)
