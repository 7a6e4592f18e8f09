"""Display-ready tables built from the tidy result tables (used by the CLI and the notebooks)."""

from __future__ import annotations

import pandas as pd

from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import common_basis, year_short_label
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
    b = year_basis(row)
    period = (
        f"{year_short_label(int(row['period_start']), lang, b)}～{year_short_label(int(row['period_end']), lang, b)}"
    )
    if not numbers.is_missing(row.get("counted_from")):  # the printed totals count an earlier year too
        period += text("target.counted_from", lang).format(year=year_short_label(int(row["counted_from"]), lang, b))
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


def year_basis(row) -> str:
    """What the years of the row's indicator are (indicators.csv year_basis; not stated where the
    row does not say)."""
    return row.get("year_basis") or "not_stated"


def actual_year_text(row, lang: str = "ja") -> str:
    """(H30) beside the latest actual; for a calendar-year series, saying so: (H30・暦年) /
    (2018, calendar year)."""
    shown = year_in_brackets(row["latest_year"], lang, year_basis(row))
    if shown and year_basis(row) == "calendar":
        return f"({text('year.calendar_note', lang).format(year=shown[1:-1])})"
    return shown


def rate_decimals(row) -> int:
    """The decimals the grading scheme rounds the row's progress rates to (grading.evaluate)."""
    d = row.get("rate_decimals")
    return 1 if numbers.is_missing(d) else int(d)


def shown_rate_decimals(row) -> int:
    """The decimals of the rate shown: a published rate's as printed, ours the scheme's."""
    d = row.get("rate_shown_decimals")
    return rate_decimals(row) if numbers.is_missing(d) else int(d)


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
    return f"{amount} {year_in_brackets(row['latest_year'], lang, year_basis(row))}".strip()


def definition_cells(r, lang: str = "ja") -> dict[str, str]:
    """An indicator's kind, name, baseline and targets as the source's tables print them: the
    first columns of the grade table and of the print table (yearly_table). Their years are years
    of the indicator's figures, named as its year basis allows."""
    b = year_basis(r)
    return {
        text("col.kind", lang): kind_label(r["kind"], lang),
        text("col.name", lang): indicator_name(r, lang),
        text("col.baseline", lang): f"{baseline_text(r, lang)} {year_in_brackets(r['baseline_year'], lang, b)}".strip(),
        # a cumulative target's period already names its last year
        text("col.target", lang): target_text(r, lang)
        if r["target_kind"] == "cumulative"
        else f"{target_text(r, lang)} {year_in_brackets(r['target_year'], lang, b)}".strip(),
        text(
            "col.revised_target", lang
        ): f"{revised_target_text(r, lang)} {year_in_brackets(r['revised_target_year'], lang, b)}".strip(),
    }


def grade_table(results: pd.DataFrame, lang: str = "ja", words=None) -> pd.DataFrame:
    """The grade summary as people read it: localised headings in the dataset's `words` (its
    scheme: labels.text), source-style numbers. The revised target's column only where an
    indicator has one: a column of nothing says nothing."""
    rows = []
    for r in results.to_dict("records"):
        rows.append(
            {
                text("col.project", lang, words): r["project"],
                **definition_cells(r, lang),
                text("col.actual", lang): f"{actual_text(r, lang)} {actual_year_text(r, lang)}".strip(),
                # the official record first: the published figure where there is one
                text("col.progress_rate", lang, words): format_rate(r["rate_shown"], shown_rate_decimals(r)),
                text("col.grade", lang, words): r["grade_shown"],
                text("col.basis", lang): basis_text(r, lang, words),
                text("col.check", lang): check_text(r, lang),
            }
        )
    table = pd.DataFrame(rows)
    if len(results) and "revised_target" in results and results["revised_target"].isna().all():
        table = table.drop(columns=[text("col.revised_target", lang)])
    return table


def basis_text(row, lang: str = "ja", words=None) -> str:
    """Whose the shown rate and grade are: published, or computed by kpi_lib under the official
    rules (and why: the source's cell is empty, or nothing was published for the year)."""
    rate, grade = row["rate_source"], row["grade_source"]
    why = "" if grade != "computed" else text(f"basis.why.{row['published_grade_note']}", lang)
    if rate == grade == "published":
        return text("basis.published", lang)
    if grade == "missing":
        return text("basis.published", lang) if rate == "published" else ""
    if rate == grade or rate == "missing":
        return text("basis.computed", lang) + why
    return text("basis.rate_and_grade", lang, words).format(
        rate=text(f"basis.{rate}", lang), grade=text(f"basis.{grade}", lang) + why
    )


def check_text(row, lang: str = "ja") -> str:
    """kpi_lib's recomputation where it differs from the published figure shown; empty where it
    agrees (or where the shown figure is ours already)."""
    parts = []
    ours = row["progress_rate"]
    if row["rate_source"] == "published" and not numbers.is_missing(ours):
        shown = row["rate_shown"]
        if numbers.is_missing(shown) or round(float(ours) - float(shown), 6) != 0:
            parts.append(format_rate(ours, rate_decimals(row)))
    if row["grade_source"] == "published" and row["grade"] != row["grade_shown"]:
        parts.append(row["grade"] or text("state.no_actual", lang))
    return " ".join(parts)


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
    "rate_shown": ("number", "the rate a report shows: the published one where there is one, else ours"),
    "rate_source": (
        "text",
        "whose rate_shown is: published, computed (by kpi_lib under the official rules) or missing",
    ),
    "grade_shown": ("text", "the grade a report shows: the published one where there is one, else ours"),
    "grade_source": (
        "text",
        "whose grade_shown is: published, computed (by kpi_lib under the official rules) or missing",
    ),
    "observed_cagr": ("number", "our analysis: compound annual growth from the base to the latest actual"),
    "required_cagr": ("number", "our analysis: compound annual growth needed from the base to the target"),
    "cagr_ratio": ("number", "our analysis: observed ÷ required growth, signed by direction (sdg-build)"),
    "ratio": ("number", "our analysis: cagr_ratio, or the straight-line one where it is undefined (data only)"),
    "ratio_basis": ("text", "our analysis: cagr or linear: which ratio `ratio` is"),
    "outlook": (
        "text",
        "our analysis: target_achieved, on_track, uncertain, behind, not_approaching, not_achieved or not_assessable",
    ),
    "outlook_label": ("text", "the outlook in words, in the chosen language"),
    "trend_series": (
        "text",
        "our analysis: what the trend is fitted to: actual, annual_addition (cumulative) or gap_to_national",
    ),
    "trend_slope": ("number", "our analysis: Theil–Sen slope a year of that series (4 points or more)"),
    "trend_slope_low": ("number", "our analysis: low end of the slope's 90% confidence interval"),
    "trend_slope_high": ("number", "our analysis: high end of the slope's 90% confidence interval"),
    "projected_value": ("number", "our analysis: the indicator at the target year, continued from its latest actual"),
    "projected_year_reached": (
        "number",
        "our analysis: first fiscal year by which even the interval's least favourable end reaches the target",
    ),
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
                "published_rate": rate_number(r["published_rate"], shown_rate_decimals(r)),
                "published_grade": r["published_grade"],
                "rate_shown": rate_number(r["rate_shown"], shown_rate_decimals(r)),
                "rate_source": r["rate_source"],
                "grade_shown": r["grade_shown"],
                "grade_source": r["grade_source"],
            }
        )
    return pd.DataFrame(rows)


def grade_count_cells(results: pd.DataFrame, ranking, lang: str = "ja") -> dict[int, list[str]]:
    """Per project, the number of indicators with each grade shown (in `ranking` order), then the
    number without a grade: published and computed kept apart ("5（うち算定1）")."""
    out = {}
    for project, rows in results.groupby("project", sort=True):
        cells = []
        for g in ranking:
            mine = rows[rows["grade_shown"] == g]
            computed = int((mine["grade_source"] == "computed").sum())
            cells.append(
                text("count.with_computed", lang).format(n=len(mine), computed=computed) if computed else str(len(mine))
            )
        cells.append(str(int((rows["grade_shown"] == "").sum())))
        out[int(project)] = cells
    return out


def yearly_table(
    results: pd.DataFrame,
    actuals: pd.DataFrame,
    graded: pd.DataFrame,
    published_rates: pd.DataFrame,
    lang: str = "ja",
    marked: bool = True,
    words=None,
) -> pd.DataFrame:
    """The source's table, two lines per indicator (実績値, 進捗率): baseline, targets, the actual
    and progress rate of every year up to the evaluation year, and the grade. The official record
    first: a rate or grade shows as published; our recomputation is added where it differs, and
    stands alone, marked, only where the source publishes none (print.computed_note). Not
    `marked`: the data records no published figures at all, and every rate and grade is ours."""
    if results.empty:
        return pd.DataFrame()
    year = int(results["evaluation_year"].iloc[0])
    shown = actuals[actuals["actual_state"] == numbers.VALUE]
    first = int(shown["year"].min()) if not shown.empty else year
    years = list(range(min(first, year), year + 1))
    states = {(r["indicator"], int(r["year"])): r for r in actuals.to_dict("records")}
    computed = {(r["indicator"], int(r["year"])): r["progress_rate"] for r in graded.to_dict("records")}
    published = {
        (int(r["project"]), r["indicator"], int(r["year"])): r["progress_rate"]
        for r in published_rates.to_dict("records")
        if r["progress_rate_state"] == numbers.VALUE
    }
    rate_line = text("col.progress_rate", lang, words)
    # one column a year for indicators of every year basis: headed as all of theirs allow
    basis = common_basis(results["year_basis"]) if "year_basis" in results else "not_stated"
    column = {y: year_short_label(y, lang, basis) for y in years}
    rows = []
    for r in results.to_dict("records"):
        decimals = rate_decimals(r)
        head = definition_cells(r, lang)
        # a calendar-year series says so on its line of actuals (実績値（暦年）)
        line = text("col.actual_calendar" if year_basis(r) == "calendar" else "col.actual", lang)
        values, rates = {}, {}
        for y in years:
            a = states.get((r["indicator"], y))
            state = a["actual_state"] if a is not None else numbers.BLANK
            values[column[y]] = (
                format_quantity(a["actual"], a["actual_decimals"], unit(r, lang), lang)
                if state == numbers.VALUE
                else text("print.not_yet", lang)
                if state == numbers.NOT_YET
                else numbers.NOT_MEASURED_MARK
                if state == numbers.NOT_MEASURED
                else ""
            )
            rates[column[y]] = _official_first(
                published.get((r["project"], r["indicator"], y)),
                computed.get((r["indicator"], y)),
                decimals,
                lang,
                marked,
            )
        grade = _official_first(r["published_grade"] or None, r["grade"] or None, None, lang, marked)
        rows.append(head | {text("col.figure", lang): line} | values | {text("col.grade", lang, words): grade})
        rows.append(head | {text("col.figure", lang): rate_line} | rates | {text("col.grade", lang, words): grade})
    return pd.DataFrame(rows)


def _official_first(official, ours, decimals: int | None, lang: str, marked: bool = True) -> str:
    """A published rate (decimals) or grade (None) as published, our figure beside it where it
    differs, or ours alone, marked, where nothing is published."""
    show = (lambda x: format_rate(x, decimals)) if decimals is not None else str
    if numbers.is_missing(ours):
        return "" if numbers.is_missing(official) else show(official)
    if numbers.is_missing(official):
        return show(ours) + (text("print.computed_mark", lang) if marked else "")
    if show(official) == show(ours):
        return show(official)
    return show(official) + text("print.recomputed", lang).format(value=show(ours))
