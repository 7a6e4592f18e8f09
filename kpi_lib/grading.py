"""Official grading: progress rates and grades under a grading scheme (schemes/*.toml).

Rules of the Hokkaido scheme (docs/grading.md has the full text and the reasons):
- progress rate = actual ÷ reference × 100, rounded half-up to one decimal; for lower-is-better
  indicators reference ÷ actual × 100 (undefined when the actual is 0).
- reference by target kind: value -> the target in force (revised where there is one, for every
  year); national -> the national value of the same year; above_baseline / at_least_baseline ->
  the baseline; cumulative -> the target, compared with the cumulative actual.
- achieved: value, national, at_least_baseline, cumulative -> actual >= reference;
  above_baseline (基準値より増加) -> actual > baseline (equal is no increase);
  lower-is-better -> actual <= reference. Judged on the unrounded figures.
- original_achieved: the target was revised upwards and the actual reaches the original target.
- grade for an evaluation year: from the latest actual up to that year, the first matching band.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import numbers
from .errors import KpiError

SCHEME_DIR = Path(__file__).resolve().parent / "schemes"
_CONDITIONS = ("achieved", "original_achieved")


@dataclass(frozen=True)
class Band:
    grade: str
    label_ja: str
    label_en: str
    rate_below: float | None = None
    rate_at_least: float | None = None
    when: str | None = None


@dataclass(frozen=True)
class Scheme:
    name: str
    title_ja: str
    title_en: str
    definition: str
    reference: str
    decimals: int
    bands: tuple[Band, ...]
    ranking: tuple[str, ...] = ()

    def compare(self, old: str, new: str) -> int:
        """+1 when `new` is a better grade than `old`, -1 when worse, 0 when equal or unranked."""
        if old == new or old not in self.ranking or new not in self.ranking:
            return 0
        return 1 if self.ranking.index(new) < self.ranking.index(old) else -1

    @property
    def grades(self) -> tuple[str, ...]:
        return tuple(b.grade for b in self.bands)

    def band(self, grade: str) -> Band:
        return next(b for b in self.bands if b.grade == grade)


def load_scheme(name_or_path: str | Path = "hokkaido") -> Scheme:
    """A scheme by name (a file in kpi_lib/schemes) or by path; one-line error when invalid."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = SCHEME_DIR / f"{name_or_path}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in SCHEME_DIR.glob("*.toml")))
        raise KpiError(f"unknown grading scheme {str(name_or_path)!r} (known: {known})")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise KpiError(f"{path.name}: not valid TOML ({e})") from None
    try:
        rate = raw["rate"]
        if rate["definition"] != "ratio" or rate["reference"] != "final_target":
            raise KpiError(f"{path.name}: rate definition {rate['definition']!r} with reference {rate['reference']!r} is not supported")
        if rate.get("rounding", "half_up") != "half_up":
            raise KpiError(f"{path.name}: rounding {rate['rounding']!r} is not supported (use half_up)")
        bands = []
        for i, b in enumerate(raw["bands"], 1):
            if b.get("when") not in (None, *_CONDITIONS):
                raise KpiError(f"{path.name}: band {i}: unknown condition {b['when']!r} (use {', '.join(_CONDITIONS)})")
            bands.append(Band(b["grade"], b["label_ja"], b["label_en"], b.get("rate_below"), b.get("rate_at_least"), b.get("when")))
        ranking = tuple(raw.get("ranking", ()))
        if set(ranking) - {b.grade for b in bands}:
            raise KpiError(f"{path.name}: ranking names grades that no band gives")
        return Scheme(raw["name"], raw["title_ja"], raw["title_en"], rate["definition"], rate["reference"],
                      int(rate.get("decimals", 1)), tuple(bands), ranking)
    except KeyError as e:
        raise KpiError(f"{path.name}: missing key {e.args[0]!r}") from None


def grade_arrays(scheme: Scheme, *, actual, reference, lower, strict, original_reference, upward_revised):
    """The vectorised core: progress rate, achieved, original_achieved and grade per element.

    NaN actual means no actual (no rate, empty grade). All inputs are equal-length arrays.
    """
    actual = np.asarray(actual, dtype=float)
    reference = np.asarray(reference, dtype=float)
    lower = np.asarray(lower, dtype=bool)
    strict = np.asarray(strict, dtype=bool)
    original_reference = np.asarray(original_reference, dtype=float)
    upward_revised = np.asarray(upward_revised, dtype=bool)
    has_actual = ~np.isnan(actual)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw_rate = np.where(lower, reference * 100.0 / actual, actual * 100.0 / reference)
    raw_rate[~np.isfinite(raw_rate)] = np.nan
    rate = numbers.round_half_up_array(raw_rate, scheme.decimals)
    achieved = _reached(actual, reference, lower, strict) & has_actual
    original_achieved = upward_revised & _reached(actual, original_reference, lower, strict) & has_actual
    conditions, choices = [], []
    for band in scheme.bands:
        cond = has_actual.copy()
        if band.rate_below is not None:
            cond &= rate < band.rate_below  # NaN (undefined rate) never matches a rate band
        if band.rate_at_least is not None:
            cond &= rate >= band.rate_at_least
        if band.when == "achieved":
            cond &= achieved
        elif band.when == "original_achieved":
            cond &= original_achieved
        conditions.append(cond)
        choices.append(band.grade)
    grade = np.select(conditions, choices, default="")
    return rate, achieved, original_achieved, grade


def _reached(actual, reference, lower, strict):
    with np.errstate(invalid="ignore"):
        higher_ok = np.where(strict, actual > reference, actual >= reference)
        lower_ok = np.where(strict, actual < reference, actual <= reference)
    return np.where(lower, lower_ok, higher_ok) & ~np.isnan(reference)


def observations(dataset) -> pd.DataFrame:
    """One row per indicator and year with an actual value, with the figures grading needs."""
    ind = dataset.indicators.set_index("indicator")
    a = dataset.actuals
    obs = a.loc[a["actual_state"] == numbers.VALUE, ["indicator", "year", "actual", "actual_decimals"]].copy()
    obs = obs.join(ind, on="indicator")
    # cumulative targets with annual actuals: sum the values within the period up to the year
    sums = []
    for r in obs.itertuples():
        if r.target_kind == "cumulative" and r.actual_basis == "annual":
            s = obs[(obs.indicator == r.indicator) & (obs.year >= r.period_start) & (obs.year <= r.year)]["actual"].sum()
            sums.append(float(s))
        else:
            sums.append(float(r.actual))
    obs["measured"] = sums  # the figure compared with the reference
    bench = dataset.benchmarks[["indicator", "year", "value", "provenance"]].rename(
        columns={"value": "national_value", "provenance": "national_provenance"})
    obs = obs.merge(bench, on=["indicator", "year"], how="left")
    target_in_force = obs["revised_target"].where(obs["revised_target"].notna(), obs["target"])
    obs["target_in_force"] = target_in_force.astype(float)
    kind = obs["target_kind"]
    obs["reference"] = np.select(
        [kind.isin(["value", "cumulative"]), kind == "national", kind.isin(["above_baseline", "at_least_baseline"])],
        [obs["target_in_force"], obs["national_value"], obs["baseline"]], default=np.nan).astype(float)
    lower = obs["direction"] == "lower"
    upward = obs["revised_target"].notna() & np.where(lower, obs["revised_target"] < obs["target"], obs["revised_target"] > obs["target"])
    obs["upward_revised"] = upward.astype(bool)
    return obs.sort_values(["indicator", "year"]).reset_index(drop=True)


def grade_observations(obs: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Add progress_rate, achieved, original_achieved and grade to an observations frame."""
    rate, achieved, original_achieved, grade = grade_arrays(
        scheme,
        actual=obs["measured"].to_numpy(float),
        reference=obs["reference"].to_numpy(float),
        lower=(obs["direction"] == "lower").to_numpy(),
        strict=(obs["target_kind"] == "above_baseline").to_numpy(),
        original_reference=obs["target"].astype(float).to_numpy(),
        upward_revised=obs["upward_revised"].to_numpy(),
    )
    out = obs.copy()
    out["progress_rate"] = rate
    out["achieved"] = achieved
    out["original_achieved"] = original_achieved
    out["grade"] = grade
    return out


def scheme_for(dataset, scheme: Scheme | str | None = None) -> Scheme:
    if isinstance(scheme, Scheme):
        return scheme
    return load_scheme(scheme or dataset.scheme_name)


def progress_table(dataset, scheme: Scheme | str | None = None) -> pd.DataFrame:
    """Every indicator-year with an actual: the rate and the grade that year's actual gives."""
    return grade_observations(observations(dataset), scheme_for(dataset, scheme))


def evaluate(dataset, year: int, scheme: Scheme | str | None = None, projects: list[int] | None = None) -> pd.DataFrame:
    """One row per project and indicator: the grade for evaluation year `year`.

    The grade uses the latest actual available up to `year`; an indicator with none has an
    empty grade. Published figures sit beside the recomputed ones for comparison.
    """
    scheme = scheme_for(dataset, scheme)
    graded = progress_table(dataset, scheme)
    latest = graded[graded["year"] <= year].groupby("indicator").tail(1).set_index("indicator")
    members = dataset.project_indicators.sort_values(["project", "kind", "position"], key=_kind_order)
    if projects:
        unknown = sorted(set(projects) - set(dataset.project_numbers))
        if unknown:
            raise KpiError(f"unknown project {unknown[0]} (projects: {', '.join(map(str, dataset.project_numbers))})")
        members = members[members["project"].isin(projects)]
    ind = dataset.indicators.set_index("indicator")
    rows = []
    for m in members.itertuples():
        i = ind.loc[m.indicator]
        has = m.indicator in latest.index
        g = latest.loc[m.indicator] if has else None
        state_in_year = _state(dataset, m.indicator, year)
        rows.append({
            "project": int(m.project), "kind": m.kind, "position": int(m.position), "indicator": m.indicator,
            "name_ja": i["name_ja"], "name_en": i["name_en"], "name_source": i["name_source"],
            "unit_ja": i["unit_ja"], "unit_en": i["unit_en"], "direction": i["direction"],
            "target_kind": i["target_kind"], "target_text_ja": i["target_text_ja"],
            "baseline": i["baseline"], "baseline_state": i["baseline_state"], "baseline_year": i["baseline_year"],
            "baseline_decimals": i["baseline_decimals"],
            "target": i["target"], "target_decimals": i["target_decimals"], "target_year": i["target_year"],
            "revised_target": i["revised_target"], "revised_target_decimals": i["revised_target_decimals"],
            "revised_target_year": i["revised_target_year"],
            "period_start": i["period_start"], "period_end": i["period_end"],
            "evaluation_year": year, "actual_state_in_year": state_in_year,
            "latest_year": int(g["year"]) if has else None,
            "actual": float(g["actual"]) if has else None,
            "actual_decimals": int(g["actual_decimals"]) if has else None,
            "measured": float(g["measured"]) if has else None,
            "target_in_force": _num(g["target_in_force"]) if has else _num(i["revised_target"] if pd.notna(i["revised_target"]) else i["target"]),
            "reference": _num(g["reference"]) if has else None,
            "national_value": _num(g["national_value"]) if has else None,
            "national_provenance": g["national_provenance"] if has and isinstance(g["national_provenance"], str) else None,
            "progress_rate": _num(g["progress_rate"]) if has else None,
            "achieved": bool(g["achieved"]) if has else None,
            "original_achieved": bool(g["original_achieved"]) if has else None,
            "grade": g["grade"] if has else "",
        })
    out = pd.DataFrame(rows)
    return _attach_published(out, dataset, year)


def _kind_order(s: pd.Series) -> pd.Series:
    return s.map({"数値目標": 0, "KPI": 1}) if s.name == "kind" else s


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _text(x) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x)


def _state(dataset, indicator: str, year: int) -> str:
    a = dataset.actuals
    hit = a[(a["indicator"] == indicator) & (a["year"] == year)]
    return hit["actual_state"].iloc[0] if len(hit) else numbers.BLANK


def _attach_published(out: pd.DataFrame, dataset, year: int) -> pd.DataFrame:
    if out.empty:
        return out
    pr = dataset.published_rates.set_index(["project", "indicator", "year"])
    pg = dataset.published_grades.set_index(["project", "indicator", "year"])
    rates, rate_states, grades = [], [], []
    for r in out.itertuples():
        key = (r.project, r.indicator, r.latest_year)
        if r.latest_year is not None and key in pr.index:
            rates.append(_num(pr.loc[key, "progress_rate"]))
            rate_states.append(pr.loc[key, "progress_rate_state"])
        else:
            rates.append(None)
            rate_states.append(numbers.BLANK)
        gkey = (r.project, r.indicator, year)
        grades.append(_text(pg.loc[gkey, "grade"]) if gkey in pg.index else "")
    out["published_rate"] = rates
    out["published_rate_state"] = rate_states
    out["published_grade"] = grades
    return out
