"""Display-ready tables built from the tidy result tables (used by the CLI and the notebooks)."""

from __future__ import annotations

import pandas as pd

from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import short_label
from kpi_lib.core.formatting import (
    format_quantity,
    format_rate,
    indicator_name,
    plain_number,
    rate_number,
    running_total,
    unit,
    year_in_brackets,
)
from kpi_lib.core.labels import kind_label, text


def baseline_text(row, lang: str = "ja") -> str:
    if row["baseline_state"] == numbers.NOT_MEASURED:
        return numbers.NOT_MEASURED_MARK
    return format_quantity(row["baseline"], _decimals(row, "baseline"), unit(row, lang), lang)


def target_text(row, lang: str = "ja") -> str:
    """The original target in words where the source uses words (全国水準, 現状値以上 …)."""
    kind = row["target_kind"]
    if kind in ("national", "above_baseline", "at_least_baseline"):
        if lang == "ja" and not numbers.is_missing(row.get("target_text_ja")):
            return str(row["target_text_ja"])
        return text(f"target.{kind}", lang)
    if kind != "cumulative":
        return format_quantity(row["target"], _decimals(row, "target"), unit(row, lang), lang)
    period = f"{short_label(int(row['period_start']), lang)}～{short_label(int(row['period_end']), lang)}"
    if numbers.is_missing(row["target"]):  # graded on its path (milestones.csv); the total is not published
        return f"{text('target.total_not_published', lang)} ({period})"
    amount = format_quantity(row["target"], _decimals(row, "target"), unit(row, lang), lang)
    return (
        f"{text('target.cumulative', lang)}{amount} ({period})" if lang == "ja" else f"{amount} cumulative ({period})"
    )


def revised_target_text(row, lang: str = "ja") -> str:
    if numbers.is_missing(row["revised_target"]):
        return numbers.NOT_MEASURED_MARK
    return format_quantity(row["revised_target"], _decimals(row, "revised_target"), unit(row, lang), lang)


def rate_decimals(row) -> int:
    """The decimals the grading scheme rounds the row's progress rates to (grading.evaluate)."""
    d = row.get("rate_decimals")
    return 1 if numbers.is_missing(d) else int(d)


def _decimals(row, column: str):
    return row.get(f"{column}_decimals")


def actual_text(row, lang: str = "ja") -> str:
    """The latest actual; for a cumulative target with annual actuals, with the running total
    it is graded on (100件（累計660件）)."""
    if numbers.is_missing(row["actual"]):
        return text("state.no_actual", lang)
    shown = format_quantity(row["actual"], row["actual_decimals"], unit(row, lang), lang)
    total = running_total(row)
    if row.get("target_kind") == "cumulative" and numbers.is_missing(row.get("measured")):
        return shown + text("state.running_total_unknown", lang)  # a year of its period has no value
    if total is None:
        return shown
    total_text = format_quantity(total, row["actual_decimals"], unit(row, lang), lang)
    return shown + text("state.running_total", lang).format(total=total_text)


def reference_text(row, lang: str = "ja") -> str:
    """The figure the grade was measured against (a milestone or expected value) with its year."""
    if numbers.is_missing(row.get("reference")):
        return numbers.NOT_MEASURED_MARK
    amount = format_quantity(row["reference"], None, unit(row, lang), lang)
    return f"{amount} {year_in_brackets(row['latest_year'], lang)}".strip()


def grade_table(results: pd.DataFrame, lang: str = "ja") -> pd.DataFrame:
    """The grade summary as people read it: localised headings, source-style numbers."""
    rows = []
    for r in results.to_dict("records"):
        rows.append(
            {
                text("col.project", lang): r["project"],
                text("col.kind", lang): kind_label(r["kind"], lang),
                text("col.name", lang): indicator_name(r, lang),
                text(
                    "col.baseline", lang
                ): f"{baseline_text(r, lang)} {year_in_brackets(r['baseline_year'], lang)}".strip(),
                # a cumulative target's period already names its last year
                text("col.target", lang): target_text(r, lang)
                if r["target_kind"] == "cumulative"
                else f"{target_text(r, lang)} {year_in_brackets(r['target_year'], lang)}".strip(),
                text(
                    "col.revised_target", lang
                ): f"{revised_target_text(r, lang)} {year_in_brackets(r['revised_target_year'], lang)}".strip(),
                text("col.actual", lang): f"{actual_text(r, lang)} {year_in_brackets(r['latest_year'], lang)}".strip(),
                text("col.progress_rate", lang): format_rate(r["progress_rate"], rate_decimals(r)),
                text("col.grade", lang): r["grade"],
                text("col.published_rate", lang): format_rate(r["published_rate"], rate_decimals(r)),
                text("col.published_grade", lang): r["published_grade"],
            }
        )
    return pd.DataFrame(rows)


# The columns of the machine-readable grade table, in order: `kpi grades --format csv|json` and
# kpi_lib.grades() (which parses the "number" columns as numbers). The one description of them;
# docs/api.md shows this table (tests/test_api.py checks it matches).
COLUMNS: dict[str, tuple[str, str]] = {
    "project": ("number", "project number"),
    "kind": ("text", "数値目標 (numeric target) or KPI"),
    "position": ("number", "order of the indicator within its kind's table in the project"),
    "indicator": ("text", "indicator id (the key of every data table)"),
    "name_ja": ("text", "indicator name in Japanese, as published"),
    "name_en": ("text", "indicator name in English (unofficial translation); may be empty"),
    "unit": ("text", "unit of the figures, in the chosen language"),
    "baseline": ("text", "baseline (基準値) as a plain number, or — where it was not measured"),
    "baseline_year": ("number", "fiscal year of the baseline"),
    "target_kind": ("text", "value, cumulative, national, above_baseline or at_least_baseline (see docs/grading.md)"),
    "target": ("text", "original target (目標値) as a plain number; in words for national/baseline kinds"),
    "target_year": ("number", "fiscal year of the target (the period's last year for a cumulative target)"),
    "revised_target": ("number", "revised target (見直し後); empty where there is none"),
    "target_in_force": ("number", "the target the grade uses: the revised one where there is one"),
    "reference": ("number", "what the progress rate measures against (the target in force, a milestone, …)"),
    "evaluation_year": ("number", "the evaluation fiscal year asked for"),
    "latest_year": ("number", "fiscal year of the latest actual up to the evaluation year; empty: none"),
    "actual": ("number", "that latest actual (実績値), the year's figure as published"),
    "measured": (
        "number",
        "the value the progress rate measures: the actual, or for a cumulative target with annual "
        "actuals their running total over the target's period",
    ),
    "progress_rate": ("number", "progress rate (進捗率, %) recomputed under the dataset's grading scheme"),
    "grade": ("text", "grade recomputed under the scheme (A① A② A③ B …); empty without an actual"),
    "published_rate": ("number", "progress rate as the source publishes it; empty where it gives none"),
    "published_grade": ("text", "grade as the source publishes it for the evaluation year"),
    "observed_cagr": ("number", "our analysis: compound annual growth from the base to the latest actual"),
    "required_cagr": ("number", "our analysis: compound annual growth needed from the base to the target"),
    "cagr_ratio": ("number", "our analysis: observed ÷ required growth, signed by direction (sdg-build)"),
    "ratio": ("number", "our analysis: cagr_ratio, or the straight-line one where it is undefined (data only)"),
    "ratio_basis": ("text", "our analysis: cagr or linear: which ratio `ratio` is"),
    "outlook": (
        "text",
        "our analysis: target_achieved, on_track, behind, not_approaching, not_achieved or not_assessable",
    ),
    "outlook_label": ("text", "the outlook in words, in the chosen language"),
    "trend_slope": ("number", "our analysis: slope a year of the least-squares line through the actuals (3 or more)"),
    "projected_value": ("number", "our analysis: that slope continued from the latest actual, at the target year"),
    "projected_year_reached": ("number", "our analysis: first fiscal year that line reaches the target"),
    "elapsed_share": ("number", "our analysis: share of a cumulative target's period elapsed"),
    "pace_adjusted_rate": ("number", "our analysis: cumulative actual against the pro-rata target (%)"),
}


def grades_records(results: pd.DataFrame, lang: str = "ja") -> pd.DataFrame:
    """The machine-readable grade table (CSV/JSON): one row per project and indicator."""
    rows = []
    for r in results.to_dict("records"):
        rows.append(
            {
                "project": r["project"],
                "kind": r["kind"],
                "position": r["position"],
                "indicator": r["indicator"],
                "name_ja": "" if numbers.is_missing(r["name_ja"]) else r["name_ja"],
                "name_en": "" if numbers.is_missing(r["name_en"]) else r["name_en"],
                "unit": unit(r, lang),
                "baseline": numbers.NOT_MEASURED_MARK
                if r["baseline_state"] == numbers.NOT_MEASURED
                else plain_number(r["baseline"]),
                "baseline_year": plain_number(r["baseline_year"]),
                "target_kind": r["target_kind"],
                "target": plain_number(r["target"])
                if r["target_kind"] in ("value", "cumulative")
                else target_text(r, lang),
                "target_year": plain_number(r["target_year"]),
                "revised_target": plain_number(r["revised_target"]),
                "target_in_force": plain_number(r["target_in_force"])
                if r["target_kind"] in ("value", "cumulative")
                else "",
                "reference": plain_number(r["reference"]),
                "evaluation_year": r["evaluation_year"],
                "latest_year": plain_number(r["latest_year"]),
                "actual": plain_number(r["actual"]),
                "measured": plain_number(r["measured"]),
                "progress_rate": rate_number(r["progress_rate"], rate_decimals(r)),
                "grade": r["grade"],
                "published_rate": rate_number(r["published_rate"], rate_decimals(r)),
                "published_grade": r["published_grade"],
            }
        )
    return pd.DataFrame(rows)
