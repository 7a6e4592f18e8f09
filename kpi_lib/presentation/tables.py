"""Display-ready tables built from the tidy result tables (used by the CLI and the notebooks)."""

from __future__ import annotations

import hashlib

import pandas as pd
from pandas.io.formats.style import Styler

from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import common_basis, year_short_label
from kpi_lib.core.formatting import (
    format_rate,
    indicator_name,
    plain_number,
    quantity,
    rate_number,
    running_total,
    unit,
    unit_once,
    year_in_brackets,
)
from kpi_lib.core.frames import records, records_by
from kpi_lib.core.labels import kind_label, text


def baseline_text(row, lang: str = "ja", with_unit: bool = True) -> str:
    if row["baseline_state"] == numbers.NOT_MEASURED:
        return numbers.NOT_MEASURED_MARK
    return quantity(row, row["baseline"], _decimals(row, "baseline"), lang, with_unit)


def target_text(row, lang: str = "ja", with_unit: bool = True) -> str:
    """The original target in words where the source uses words (全国水準, 現状値以上 …)."""
    kind = row["target_kind"]
    if kind in ("national", "above_baseline", "at_least_baseline"):
        if lang == "ja" and not numbers.is_missing(row.get("target_text_ja")):
            return str(row["target_text_ja"])
        return text(f"target.{kind}", lang)
    if kind != "cumulative":
        return quantity(row, row["target"], _decimals(row, "target"), lang, with_unit)
    b = year_basis(row)
    dash = "～" if lang == "ja" else "–"  # a range: a wave dash in Japanese, an en dash in English
    period = f"{year_short_label(int(row['period_start']), lang, b)}{dash}{year_short_label(int(row['period_end']), lang, b)}"
    if not numbers.is_missing(row.get("counted_from")):  # the printed totals count an earlier year too
        period += text("target.counted_from", lang).format(year=year_short_label(int(row["counted_from"]), lang, b))
    if numbers.is_missing(row["target"]):  # graded on its path (milestones.csv); the total is not published
        return f"{text('target.total_not_published', lang)} ({period})"
    amount = quantity(row, row["target"], _decimals(row, "target"), lang, with_unit)
    return (
        f"{text('target.cumulative', lang)}{amount} ({period})" if lang == "ja" else f"{amount} cumulative ({period})"
    )


def revised_target_text(row, lang: str = "ja", with_unit: bool = True) -> str:
    if numbers.is_missing(row["revised_target"]):
        return numbers.NOT_MEASURED_MARK
    return quantity(row, row["revised_target"], _decimals(row, "revised_target"), lang, with_unit)


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
    shown = quantity(row, row["actual"], row["actual_decimals"], lang)
    total = running_total(row)
    if row.get("target_kind") == "cumulative" and numbers.is_missing(row.get("measured")):
        return shown + text("state.running_total_unknown", lang)  # a year of its period has no value
    if total is None:
        return shown
    total_text = quantity(row, total, row["actual_decimals"], lang)
    return shown + text("state.running_total", lang).format(total=total_text)


def reference_text(row, lang: str = "ja") -> str:
    """The figure the grade was measured against (a milestone or expected value) with its year."""
    if numbers.is_missing(row.get("reference")):
        return numbers.NOT_MEASURED_MARK
    amount = quantity(row, row["reference"], None, lang)
    return f"{amount} {year_in_brackets(row['latest_year'], lang, year_basis(row))}".strip()


def definition_cells(r, lang: str = "ja", unit_in_name: bool = False) -> dict[str, str]:
    """An indicator's kind, name, baseline and targets as the source's tables print them: the
    first columns of the grade table and of the print table (yearly_table). Their years are years
    of the indicator's figures, named as its year basis allows. `unit_in_name`: the unit named
    once after the name where unit_once gives one (English), the figures bare."""
    b = year_basis(r)
    u = unit_once(r, lang) if unit_in_name else ""
    name = indicator_name(r, lang)
    bare = not u
    return {
        text("col.kind", lang): kind_label(r["kind"], lang),
        text("col.name", lang): f"{name} ({u})" if u and u not in name else name,
        text(
            "col.baseline", lang
        ): f"{baseline_text(r, lang, bare)} {year_in_brackets(r['baseline_year'], lang, b)}".strip(),
        # a cumulative target's period already names its last year
        text("col.target", lang): target_text(r, lang, bare)
        if r["target_kind"] == "cumulative"
        else f"{target_text(r, lang, bare)} {year_in_brackets(r['target_year'], lang, b)}".strip(),
        text(
            "col.revised_target", lang
        ): f"{revised_target_text(r, lang, bare)} {year_in_brackets(r['revised_target_year'], lang, b)}".strip(),
    }


def grade_table(results: pd.DataFrame, lang: str = "ja", words=None) -> pd.DataFrame:
    """The grade summary as people read it: localised headings in the dataset's `words` (its
    scheme: labels.text), source-style numbers. The revised target's column only where an
    indicator has one: a column of nothing says nothing."""
    rows = []
    for r in records(results):
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
    if rate == "missing":  # a grade without a rate (X for a year without an actual): the grade's own
        return text(f"basis.{grade}", lang) + why
    if rate == grade:
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
    "project_name_ja": ("text", "project name in Japanese, as published"),
    "project_name_en": ("text", "project name in English (unofficial translation); may be empty"),
    "kind": ("text", "数値目標 (numeric target) or KPI"),
    "position": ("number", "order of the indicator within its kind's table in the project"),
    "indicator": ("text", "indicator id (the key of every data table)"),
    "name_ja": ("text", "indicator name in Japanese, as published"),
    "name_en": ("text", "indicator name in English (unofficial translation); may be empty"),
    "unit": ("text", "unit of the figures, in the chosen language"),
    "baseline": ("number", "baseline (基準値); empty where it was not measured"),
    "baseline_text": ("text", "the baseline as the table prints it: a plain number, or — where it was not measured"),
    "baseline_year": ("number", "fiscal year of the baseline"),
    "target_kind": ("text", "value, cumulative, national, above_baseline or at_least_baseline (see docs/grading.md)"),
    "target": ("number", "original target (目標値); empty for the national/baseline kinds, whose target is words"),
    "target_text": (
        "text",
        "the original target as the table prints it: a plain number, in words for national/baseline kinds",
    ),
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


# The same columns' meanings in Japanese (kpi_lib.glossary("ja")); tests check the keys match COLUMNS.
COLUMN_MEANINGS_JA: dict[str, str] = {
    "project": "戦略の柱（データセットの呼び方で基本目標・施策など）の番号",
    "project_name_ja": "柱の名称（公表どおり）",
    "project_name_en": "柱の名称の英訳（非公式）。空欄のこともある",
    "kind": "数値目標 または KPI",
    "position": "柱の中の同じ種類の表での指標の順番",
    "indicator": "指標ID（すべてのデータ表のキー）",
    "name_ja": "指標名（公表どおり）",
    "name_en": "指標名の英訳（非公式）。空欄のこともある",
    "unit": "数値の単位（選んだ言語で）",
    "baseline": "基準値。測定されていない場合は空欄",
    "baseline_text": "表に印字される基準値：数値、または測定されていない場合は —",
    "baseline_year": "基準値の年度",
    "target_kind": "目標の種類：value、cumulative、national、above_baseline、at_least_baseline（docs/grading.md）",
    "target": "当初の目標値。目標が文言（全国水準・基準値より増加など）の場合は空欄",
    "target_text": "表に印字される当初の目標値：数値、または目標が文言の場合はその文言",
    "target_year": "目標年度（累計目標では期間の最終年度）",
    "revised_target": "見直し後の目標値。見直しがなければ空欄",
    "target_in_force": "評価に使う目標値：見直しがあれば見直し後の値",
    "reference": "率の分母となる値（適用中の目標値、目安値など）",
    "evaluation_year": "指定した評価年度",
    "latest_year": "評価年度までで最新の実績値の年度。空欄：実績値なし",
    "actual": "その最新の実績値（公表どおりの数値）",
    "measured": "率の計算に使う値：実績値、または年ごとの実績値を持つ累計目標では目標期間の累計",
    "progress_rate": "率（%。データセットの評価方式が定める率：達成率など）。本ツールが再計算したもの",
    "grade": "評価（データセットの評価方式の区分）。評価方式で再計算したもの。実績値がなければ空欄",
    "published_rate": "公表された率。公表がなければ空欄",
    "published_grade": "評価年度について公表された評価",
    "rate_shown": "レポートに示す率：公表値があれば公表値、なければ本ツールの算定値",
    "rate_source": "rate_shown の出典：published（公表）、computed（公式の基準により本ツールが算定）、missing（なし）",
    "grade_shown": "レポートに示す評価：公表があれば公表のもの、なければ本ツールの算定",
    "grade_source": "grade_shown の出典：published（公表）、computed（公式の基準により本ツールが算定）、missing（なし）",
    "observed_cagr": "独自分析：基準値から最新の実績値までの年平均伸び率",
    "required_cagr": "独自分析：基準値から目標値に達するのに必要な年平均伸び率",
    "cagr_ratio": "独自分析：実際の伸び率 ÷ 必要な伸び率（指標の向きで符号を付ける。sdg-build の方式）",
    "ratio": "独自分析：cagr_ratio、それが定まらない場合は直線による比（データのみ）",
    "ratio_basis": "独自分析：ratio がどちらの比か（cagr または linear）",
    "outlook": "独自分析：見通し（target_achieved、on_track、uncertain、behind、not_approaching、not_achieved、not_assessable）",
    "outlook_label": "見通しの文言（選んだ言語で）",
    "trend_series": "独自分析：傾向を当てはめた系列：actual（実績値）、annual_addition（累計の年ごとの増分）、gap_to_national（全国との差）",
    "trend_slope": "独自分析：その系列の1年あたりの Theil–Sen 傾き（4点以上）",
    "trend_slope_low": "独自分析：傾きの90%信頼区間の下端",
    "trend_slope_high": "独自分析：傾きの90%信頼区間の上端",
    "projected_value": "独自分析：最新の実績値から傾向を延ばした目標年度の値",
    "projected_year_reached": "独自分析：信頼区間の最も不利な端でも目標に達する最初の年度",
    "elapsed_share": "独自分析：累計目標の期間のうち経過した割合",
    "pace_adjusted_rate": "独自分析：累計の実績値の、期間按分した目標値に対する割合（%）",
}


def grades_records(results: pd.DataFrame, lang: str = "ja", projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """The machine-readable grade table (CSV/JSON): one row per project and indicator; the
    project's names from `projects` (the dataset's projects table; None: empty)."""
    names = {} if projects is None else records_by(projects[["project", "name_ja", "name_en"]], "project")
    rows = []
    for r in records(results):
        project = names.get(r["project"], {})
        rows.append(
            {
                "project": r["project"],
                "project_name_ja": _text_or_empty(project.get("name_ja")),
                "project_name_en": _text_or_empty(project.get("name_en")),
                "kind": r["kind"],
                "position": r["position"],
                "indicator": r["indicator"],
                "name_ja": "" if numbers.is_missing(r["name_ja"]) else r["name_ja"],
                "name_en": "" if numbers.is_missing(r["name_en"]) else r["name_en"],
                "unit": unit(r, lang),
                # the numbers as numbers, and each as the table prints it in its own column
                "baseline": "" if r["baseline_state"] == numbers.NOT_MEASURED else plain_number(r["baseline"]),
                "baseline_text": numbers.NOT_MEASURED_MARK
                if r["baseline_state"] == numbers.NOT_MEASURED
                else plain_number(r["baseline"]),
                "baseline_year": plain_number(r["baseline_year"]),
                "target_kind": r["target_kind"],
                "target": plain_number(r["target"]) if r["target_kind"] in ("value", "cumulative") else "",
                "target_text": plain_number(r["target"])
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


def _text_or_empty(x) -> str:
    return "" if numbers.is_missing(x) else str(x)


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
    `marked`: the data records no published figures at all, and every rate and grade is ours.
    In English a unit other than % is named once, after the indicator's name (formatting.unit_once)."""
    if results.empty:
        return pd.DataFrame()
    year = int(results["evaluation_year"].iloc[0])
    shown = actuals[actuals["actual_state"] == numbers.VALUE]
    first = int(shown["year"].min()) if not shown.empty else year
    years = list(range(min(first, year), year + 1))
    states = {(r["indicator"], int(r["year"])): r for r in records(actuals)}
    computed = {(r["indicator"], int(r["year"])): r["progress_rate"] for r in records(graded)}
    published = {
        (int(r["project"]), r["indicator"], int(r["year"])): r["progress_rate"]
        for r in records(published_rates)
        if r["progress_rate_state"] == numbers.VALUE
    }
    rate_line = text("col.progress_rate", lang, words)
    # one column a year for indicators of every year basis: headed as all of theirs allow
    basis = common_basis(results["year_basis"]) if "year_basis" in results else "not_stated"
    column = {y: year_short_label(y, lang, basis) for y in years}
    rows = []
    for r in records(results):
        decimals = rate_decimals(r)
        # English names a unit once, after the name (its figures bare: 2,658, not 2,658 persons in
        # every cell); Japanese writes it after every figure, as the source prints the table
        head = definition_cells(r, lang, unit_in_name=True)
        bare = not unit_once(r, lang)
        # a calendar-year series says so on its line of actuals (実績値（暦年）)
        line = text("col.actual_calendar" if year_basis(r) == "calendar" else "col.actual", lang)
        values, rates = {}, {}
        for y in years:
            a = states.get((r["indicator"], y))
            state = a["actual_state"] if a is not None else numbers.BLANK
            values[column[y]] = (
                quantity(r, a["actual"], a["actual_decimals"], lang, bare)
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


# The columns an analyst reads first, in this order, of whichever table is shown (grades(),
# series(), changes(), audit()); `{name}` is the indicator's name in the chosen language.
FIRST_READ = (
    "project",
    "indicator",
    "{name}",
    "unit",
    "year",
    "actual_state",
    "baseline_text",
    "target_text",
    "latest_year",
    "actual",
    "progress_rate",
    "grade",
    "published_grade",
    "outlook_label",
    "from_year",
    "to_year",
    "grade_from",
    "grade_to",
    "change",
    "figure",
    "published",
    "recomputed",
)
# columns that hold a grade: shown on the grade's colour
GRADE_COLUMNS = ("grade", "published_grade", "grade_shown", "grade_from", "grade_to")


class CompactTable(Styler):
    """compact_style's Styler, whose plain-text form says what it is: Styler's own names its
    memory address, which would change a saved notebook's output on every run."""

    def __repr__(self) -> str:
        rows, columns = self.data.shape
        return f"<kpi_lib table: {rows} rows × {columns} columns>"


def compact_style(frame: pd.DataFrame, colours: dict[str, tuple[str, str]], lang: str = "ja", full: bool = False):
    """A pandas Styler of `frame`: the FIRST_READ columns it has (all of them with `full`), grades on
    their colours (`colours`: style.grade_colours of the scheme; {}: none), numbers without
    trailing zeros, empty where missing, no index."""
    name = "name_ja" if lang == "ja" else "name_en"
    wanted = [c.format(name=name) for c in FIRST_READ]
    shown = list(frame.columns) if full else [c for c in wanted if c in frame.columns] or list(frame.columns)
    view = frame[shown]
    numbers_shown = [c for c in shown if pd.api.types.is_float_dtype(view[c])]
    # ids from the content, not Styler's random ones: a saved notebook's output is the same every run,
    # and two different tables in one notebook do not share their cells' styles
    uuid = hashlib.sha256(f"{lang}{full}{view.to_csv()}".encode()).hexdigest()[:10]
    styler = (
        CompactTable(view)
        .set_uuid(uuid)
        .hide(axis="index")
        .format({c: (lambda x: f"{x:,.10g}") for c in numbers_shown}, na_rep="")
        .format(na_rep="", subset=[c for c in shown if c not in numbers_shown])  # missing text: empty
    )
    graded = [c for c in shown if c in GRADE_COLUMNS]
    if colours and graded:
        styler = styler.map(lambda g: _grade_css(g, colours), subset=graded)
    if not full:
        styler = styler.set_caption(text("show.caption", lang))
    return styler


def _grade_css(grade, colours: dict[str, tuple[str, str]]) -> str:
    if not isinstance(grade, str) or grade not in colours:
        return ""
    background, foreground = colours[grade]
    return f"background-color: {background}; color: {foreground}; font-weight: bold"


def glossary(lang: str = "ja") -> pd.DataFrame:
    """What each column of the grade table means, in `lang`: column, type, meaning."""
    rows = [
        {
            "column": column,
            "type": text(f"glossary.{kind}", lang),
            "meaning": COLUMN_MEANINGS_JA[column] if lang == "ja" else meaning,
        }
        for column, (kind, meaning) in COLUMNS.items()
    ]
    return pd.DataFrame(rows).rename(columns={c: text(f"glossary.{c}", lang) for c in ("column", "type", "meaning")})
