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
- trend_slope: the slope of the least-squares line through the actuals up to Y (actuals only,
  never the baseline; at least MIN_ACTUALS of them, else no trend and outlook_note says why);
- projected_value = latest + trend_slope × (target_year − latest_year): that slope continued
  from the latest actual to the target year; projected_year_reached: the first fiscal year it
  reaches the target (empty when it runs the other way or not before 2100). Not a forecast.
- required_annual_change_from_latest = (target − latest) ÷ (target_year − latest_year).
- outlook: target_achieved (the latest actual reaches the target); not_achieved (the target
  year's actual is in and falls short); on_track (projected_value reaches the target, which is
  the same as d · trend_slope ≥ d · required_annual_change_from_latest); behind (moving toward
  the target, too slowly); not_approaching (flat or moving away); not_assessable (no target,
  fewer than MIN_ACTUALS actuals). So the outlook, the projection and the required annual
  change always agree.

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
there is one); a national-level target uses the latest national value up to Y, held constant;
基準値より増加 / 現状値以上 use the baseline itself (the ratio is then undefined: the sign of the
change decides).

"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpi_lib.analysis.grading import progress_table, reached, round_rates
from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import LAST_YEAR, parse_fiscal_year
from kpi_lib.core.formatting import plain_number
from kpi_lib.core.labels import text
from kpi_lib.dataset.scheme import Scheme, scheme_for

# a straight line through fewer points says nothing about a trend
MIN_ACTUALS = 3

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
    "trend_points",
    "trend_slope",
    "required_annual_change_from_latest",
    "projected_value",
    "projected_year_reached",
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
    for ind in dataset.indicators.to_dict("records"):
        national = bench[(bench["indicator"] == ind["indicator"]) & (bench["year"] <= year)].sort_values("year")
        rows.append(
            indicator_outlook(
                ind, series.get(ind["indicator"]), year, scheme, national["value"].iloc[-1] if len(national) else None
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def indicator_outlook(ind: dict, obs: pd.DataFrame | None, year: int, scheme: Scheme, national_value=None) -> dict:
    """The outlook of one indicator from its graded observations up to the evaluation year."""
    d = -1 if ind["direction"] == "lower" else 1
    kind = ind["target_kind"]
    row = dict.fromkeys(COLUMNS)
    row.update(indicator=ind["indicator"], evaluation_year=year, target_kind=kind, direction=ind["direction"])
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
    row.update(_trend(obs, target, target_year, latest_year, latest, achieved, d))
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
    """The outlook, from the straight-line trend of the actuals only (module docstring)."""
    if reason:  # no actual to go on
        row.update(outlook="not_assessable", outlook_note=reason, note=reason)
        return row
    target, latest_year, reached_in = row["target_value"], row["latest_year"], row["projected_year_reached"]
    if row["achieved"]:
        row["outlook"] = "target_achieved"
    elif target is None:
        row.update(outlook="not_assessable", outlook_note="no_target")
    elif latest_year >= row["target_year"]:
        row["outlook"] = "not_achieved"  # the target year's actual is in: nothing left to project
    elif row["trend_slope"] is None:
        row.update(outlook="not_assessable", outlook_note="too_few_actuals")
    elif reached_in is not None and reached_in <= row["target_year"]:
        row["outlook"] = "on_track"
    else:
        row["outlook"] = "behind" if d * row["trend_slope"] > 0 else "not_approaching"
    row["outlook_note"] = row["outlook_note"] or ""
    return row


# every outlook code, best first
OUTLOOKS = ("target_achieved", "on_track", "behind", "not_approaching", "not_achieved", "not_assessable")


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


def _trend(obs, target, target_year, latest_year, latest, achieved, d) -> dict:
    """Least squares through the actuals up to the evaluation year (never the baseline), its
    slope continued from the latest actual to the target year."""
    years = obs["year"].to_numpy(float)
    values = obs["measured"].to_numpy(float)
    out = {"trend_points": len(years)}
    if target is not None and target_year > latest_year:
        out["required_annual_change_from_latest"] = (target - latest) / (target_year - latest_year)
    if len(years) < MIN_ACTUALS or target_year <= latest_year:
        return out
    slope = round(float(np.polyfit(years - years.mean(), values, 1)[0]), 9)  # no float noise: 35.5, not 35.4999…
    out.update(trend_slope=slope, projected_value=latest + slope * (target_year - latest_year))
    if target is None:
        return out
    if achieved:
        out["projected_year_reached"] = latest_year
    elif slope * d > 0:
        # the whole years the slope needs to close the gap (a tolerance for float noise)
        first = latest_year + max(math.ceil((target - latest) / slope - 1e-9), 1)
        if first <= LAST_YEAR:
            out["projected_year_reached"] = first
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
    "trend_slope",
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
                "trend_slope": plain_number(r["trend_slope"], 6),
                "projected_value": plain_number(r["projected_value"], 3),
                "projected_year_reached": plain_number(r["projected_year_reached"], 0),
                "elapsed_share": plain_number(r["elapsed_share"], 4),
                "pace_adjusted_rate": ""
                if numbers.is_missing(_float(r["pace_adjusted_rate"]))
                else f"{float(r['pace_adjusted_rate']):.1f}",
            }
        )
    return pd.concat([records.reset_index(drop=True), pd.DataFrame(extra, columns=GRADE_COLUMNS)], axis=1)


def _text(x) -> str:
    return x if isinstance(x, str) else ""


def _float(x):
    return None if x is None else float(x)
