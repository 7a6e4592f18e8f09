"""The data directory's tables: files, columns, types and what each column means.

This is the one description of the data model; loading.py checks files against it and
data/README.md documents it (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi_lib.core.fiscal_year import YEAR_BASES

# Column types, checked by loading.py:
#   int     whole number              year    fiscal year, any form fiscal_year accepts
#   text    free text                 enum    one of `choices`
#   number  a number (full-width digits and 1,000 separators accepted)
#   cell    a number, 未 (not yet available) or — (not measured / not applicable)

TARGET_KINDS = ("value", "national", "above_baseline", "at_least_baseline", "cumulative")
KINDS = ("数値目標", "KPI")
DIRECTIONS = ("higher", "lower")
NAME_SOURCES = ("table", "analysis_text", "missing")
ACTUAL_BASES = ("annual", "cumulative_to_date")
PROVENANCES = ("official", "derived")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = True
    choices: tuple[str, ...] = ()
    doc: str = ""
    in_every_file: bool = True  # False: a later addition that older files may leave out of the header


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True
    doc: str = ""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name, type_, required=True, choices=(), doc="", in_every_file=True):
    return Column(name, type_, required, tuple(choices), doc, in_every_file)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "pillars",
            ("pillar",),
            (
                _c("pillar", "int", doc="pillar number"),
                _c("name_ja", "text"),
                _c("name_en", "text", doc="unofficial translation"),
            ),
            required=False,
            doc="The strategy's pillars (基本目標の柱) as the source's first page draws them.",
        ),
        Table(
            "aims",
            ("aim",),
            (
                _c("aim", "int"),
                _c("text_ja", "text"),
                _c("text_en", "text"),
            ),
            required=False,
            doc="The overall aims printed around the project diagram.",
        ),
        Table(
            "projects",
            ("project",),
            (
                _c("project", "int", doc="project number"),
                _c("name_ja", "text"),
                _c("name_en", "text", required=False, doc="unofficial translation; empty in a Japanese-only dataset"),
                _c("pillar", "int", required=False, doc="pillar number; empty where the source leaves it ambiguous"),
                _c("pillar_note", "text", required=False, doc="why the pillar is empty"),
                _c("catch_ja", "text", doc="the catch line, e.g. 暮らしの「質」を高める"),
                _c("catch_en", "text", required=False),
            ),
            doc="The strategic projects.",
        ),
        Table(
            "indicators",
            ("indicator",),
            (
                _c("indicator", "text", doc="stable identifier"),
                _c("name_ja", "text", required=False, doc="name as printed; empty only when name_source is missing"),
                _c("name_en", "text", required=False, doc="unofficial translation"),
                _c(
                    "name_source",
                    "enum",
                    choices=NAME_SOURCES,
                    doc="table: printed in the table; analysis_text: taken from the project's 分析と課題; missing: lost",
                ),
                _c("unit_ja", "text", required=False),
                _c("unit_en", "text", required=False),
                _c(
                    "unit_en_singular",
                    "text",
                    required=False,
                    in_every_file=False,
                    doc=(
                        "unit_en as English writes it after exactly 1 (1 area, 2 areas: area); empty where "
                        "it is the same (yen, %). The column may be left out"
                    ),
                ),
                _c("direction", "enum", choices=DIRECTIONS, doc="higher or lower is better"),
                _c("baseline", "cell", doc="基準値, or — where the source prints none"),
                _c("baseline_year", "year", required=False),
                _c("target_kind", "enum", choices=TARGET_KINDS, doc="how the target is set; see docs/grading.md"),
                _c(
                    "target",
                    "number",
                    required=False,
                    doc=(
                        "original target (戦略策定時); empty for national/baseline kinds, and for a cumulative "
                        "target whose final total is not published where the scheme grades against milestones.csv"
                    ),
                ),
                _c(
                    "target_text_ja",
                    "text",
                    required=False,
                    doc="the target's wording as printed where it is not a plain number",
                ),
                _c("target_year", "year"),
                _c("period_start", "year", required=False, doc="first year of a cumulative target's period"),
                _c("period_end", "year", required=False, doc="last year of a cumulative target's period"),
                _c("revised_target", "number", required=False, doc="見直し後 target, where there is one"),
                _c("revised_target_year", "year", required=False),
                _c(
                    "actual_basis",
                    "enum",
                    choices=ACTUAL_BASES,
                    doc="annual: each actual is that year's value; cumulative_to_date: printed running totals",
                ),
                _c(
                    "year_basis",
                    "enum",
                    required=False,
                    choices=YEAR_BASES,
                    in_every_file=False,
                    doc=(
                        "what the year of the indicator's figures is: fiscal (年度), calendar (年) or not_stated "
                        "(the default, also where the column is left out); set it only where the source (or the "
                        "statistic it cites) says so, and give the evidence in note. Reports name its years "
                        "平成30年度 / FY2018 only where fiscal, 平成30年 / 2018 where calendar, else H30 / 2018"
                    ),
                ),
                _c("note", "text", required=False),
                _c(
                    "counted_from",
                    "year",
                    required=False,
                    in_every_file=False,
                    doc=(
                        "printed running totals (cumulative_to_date) only: the first year they count, where it is "
                        "before period_start (the source counts a year before its target's period); the reports "
                        "follow the printed totals and say so. The column may be left out"
                    ),
                ),
                _c(
                    "decimals",
                    "int",
                    required=False,
                    in_every_file=False,
                    doc=(
                        "display precision: digits after the decimal point the indicator's figures are measured to "
                        "(合計特殊出生率: 2); actuals are shown with at least this many, differences with this many. "
                        "The column may be left out; where empty, the most decimals the indicator's baseline, "
                        "targets and actuals are written with"
                    ),
                ),
            ),
            doc="Every numeric target and KPI, stored once even when several projects use it.",
        ),
        Table(
            "project_indicators",
            ("project", "indicator"),
            (
                _c("project", "int"),
                _c("kind", "enum", choices=KINDS),
                _c("position", "int", doc="order within the kind's table"),
                _c("indicator", "text"),
            ),
            doc="Which indicators each project's tables list, and where.",
        ),
        Table(
            "actuals",
            ("indicator", "year"),
            (
                _c("indicator", "text"),
                _c("year", "year"),
                _c("actual", "cell", doc="実績値: number, 未 or —"),
            ),
            doc="Yearly actuals as printed.",
        ),
        Table(
            "benchmarks",
            ("indicator", "year"),
            (
                _c("indicator", "text"),
                _c("year", "year"),
                _c("value", "number"),
                _c(
                    "provenance",
                    "enum",
                    choices=PROVENANCES,
                    doc="official: an official statistic; derived: inferred from the published progress rate",
                ),
                _c("source", "text", doc="where the value comes from"),
            ),
            required=False,
            doc="National values that national-level targets are measured against (the 全国 row of the "
            "yearly workbook, kpi export).",
        ),
        Table(
            "revisions",
            ("indicator",),
            (
                _c("indicator", "text"),
                _c("revised_in", "year", doc="the fiscal year the target was revised in, as the source states it"),
                _c("source_text", "text", doc="the words of the source that state it"),
            ),
            required=False,
            doc="When a revised target (見直し後) was set, where the source says so: a report for an earlier "
            "year grades against the original target. A revision with no row here is reported as "
            "'revision year not stated' and applies to every year.",
        ),
        Table(
            "milestones",
            ("indicator", "year"),
            (
                _c("indicator", "text"),
                _c("year", "year"),
                _c(
                    "value",
                    "number",
                    doc="the milestone (目安値) or expected value (期待値) for the year, in the indicator's unit",
                ),
                _c("note", "text", required=False, doc="where the value comes from"),
            ),
            required=False,
            doc="Interim milestones or an expected-value path, for schemes whose reference is milestone or "
            "expected_path (docs/grading.md): every year with an actual needs one (the 目安値 / 期待値 row of "
            "kpi new's template and of the yearly workbook, kpi export).",
        ),
        Table(
            "published_rates",
            ("project", "indicator", "year"),
            (
                _c("project", "int"),
                _c("indicator", "text"),
                _c("year", "year", doc="the year of the actual the rate is worked out on (not the evaluation year)"),
                _c(
                    "progress_rate",
                    "cell",
                    doc="the rate (進捗率, 達成率 …) as printed, in percent; — where a dash is printed",
                ),
            ),
            required=False,
            doc="Progress rates exactly as the source prints them (cells printed empty have no row).",
        ),
        Table(
            "published_grades",
            ("project", "indicator", "year"),
            (
                _c("project", "int"),
                _c("indicator", "text"),
                _c("year", "year", doc="evaluation year"),
                _c(
                    "grade",
                    "text",
                    required=False,
                    doc="the grade (進捗, 評価 …) as printed; empty where the source does not give it",
                ),
                _c("note", "text", required=False),
            ),
            required=False,
            doc="Grades exactly as the source prints them.",
        ),
        Table(
            "analysis",
            ("project",),
            (
                _c("project", "int"),
                _c("text_ja", "text", doc="分析と課題 exactly as extracted, markup included"),
                _c("text_en", "text", required=False, doc="unofficial English, one line per item"),
            ),
            required=False,
            doc="Each project's official analysis and challenges (分析と課題).",
        ),
        Table(
            "measures",
            ("project", "measure_no"),
            (
                _c("project", "int"),
                _c("group_no", "int"),
                _c("group_ja", "text"),
                _c("group_en", "text"),
                _c("measure_no", "int"),
                _c("measure_ja", "text"),
                _c("measure_en", "text"),
                _c("description_ja", "text", required=False),
                _c("description_en", "text", required=False),
                _c("note", "text", required=False),
            ),
            required=False,
            doc="The measures (施策) of each project, grouped as printed.",
        ),
        Table(
            "partnership_areas",
            ("area",),
            (
                _c("area", "int"),
                _c("start_year", "year"),
                _c("name_ja", "text"),
                _c("name_en", "text"),
                _c("municipalities_ja", "text", doc="members separated by ・"),
                _c("municipalities_en", "text", doc="members separated by '; '"),
                _c("note", "text", required=False),
            ),
            required=False,
            doc="Areas of a municipal-partnership programme (e.g. 市町村連携地域モデル事業) a project lists.",
        ),
        Table(
            "partnership_counts",
            ("framework",),
            (
                _c("framework", "text"),
                _c("name_ja", "text"),
                _c("name_en", "text"),
                _c("areas", "int"),
                _c("areas_unit_ja", "text", doc="the unit the source prints after the count (圏域, 地域)"),
                _c("areas_unit_en", "text", doc="its English rendering (areas, area)"),
                _c("municipalities", "int", required=False),
                _c("municipalities_unit_ja", "text", required=False, doc="the unit after the municipalities (市町村)"),
                _c("municipalities_unit_en", "text", required=False, doc="its English rendering"),
                _c("source_text", "text", doc="the sentence of the source that gives the count"),
            ),
            required=False,
            doc="Counts of wide-area partnership frameworks (圏域, 地域) a project's report prints.",
        ),
    )
}

METADATA_FILE = "metadata.json"


@dataclass(frozen=True)
class MetaKey:
    """One key of metadata.json; nested keys are dotted (source.title_ja).

    Types: text (a non-empty string), int, text list (a list of strings), object (a JSON object
    whose keys are the dotted entries under it)."""

    key: str
    type: str
    required: bool = False
    doc: str = ""


METADATA = (
    MetaKey(
        "title_ja", "text", True, "the strategy's title (the project reports' heading when report.title_ja is absent)"
    ),
    MetaKey("title_en", "text", doc="unofficial English title (without it, and English names, no English report)"),
    MetaKey("source", "object", True, "where the data comes from"),
    MetaKey("source.title_ja", "text", doc="the source document's title (cited in every report's footer)"),
    MetaKey("source.publisher_ja", "text", doc="who published it"),
    MetaKey("source.publisher_en", "text", doc="unofficial English name of the publisher"),
    MetaKey("source.url", "url", doc="the source's address (http or https): the reports link to it"),
    MetaKey("source.date", "date", doc="the source's publication date: YYYY-MM-DD, YYYY-MM or YYYY"),
    MetaKey("source.strategy_ja", "text", doc="the strategy the source reports on"),
    MetaKey("source.file", "text", doc="the source file the data was transcribed from"),
    MetaKey("source.format", "text", doc="what kind of file that is"),
    MetaKey("source.actual_years", "text", doc="the years of actuals it covers, in words"),
    MetaKey("source.note", "text", doc="anything a reader of the data must know (e.g. illustrative figures)"),
    MetaKey("source.expected_grades", "text", doc="where expected grades were worked out (test datasets)"),
    MetaKey("source.extraction_notes", "text list", doc="what the extraction lost or changed"),
    MetaKey(
        "scheme",
        "text",
        True,
        "grading scheme: a name in kpi_lib/dataset/schemes or a .toml file in the data directory",
    ),
    MetaKey("period", "object", True, 'the strategy period: {"first": YEAR, "last": YEAR}'),
    MetaKey("period.first", "int", True, "first fiscal year (Western) of the period"),
    MetaKey("period.last", "int", True, "last fiscal year of the period; actuals outside it are rejected"),
    MetaKey("report", "object", doc="report wording; without it, the reports use generic titles"),
    MetaKey("report.title_ja", "text", doc="kicker of every project report and title of the index page"),
    MetaKey("report.level_ja", "text", doc="what the dataset calls its projects (プロジェクト, 基本目標, 施策 …)"),
    MetaKey("report.level_en", "text", doc="its English (project, basic goal …), as it reads inside a sentence"),
    MetaKey("report.title_en", "text", doc="unofficial English of report.title_ja"),
    MetaKey("report.overview_title_ja", "text", doc="heading of the overview report"),
    MetaKey("report.overview_title_en", "text", doc="unofficial English of report.overview_title_ja"),
    MetaKey("report.partnerships_project", "int", doc="the project whose report shows partnership_areas.csv"),
    MetaKey("report.partnerships_title_ja", "text", doc="heading of that section"),
    MetaKey("report.partnerships_title_en", "text", doc="unofficial English of report.partnerships_title_ja"),
    MetaKey(
        "front_matter",
        "object",
        doc="the source's front matter (what the projects are for, their viewpoints), transcribed as printed: "
        "the combined PDF's title page shows it; without it, none",
    ),
    MetaKey("front_matter.heading_ja", "text", doc="its heading, as printed"),
    MetaKey("front_matter.heading_en", "text", doc="unofficial English of front_matter.heading_ja"),
    MetaKey("front_matter.purpose_ja", "text", doc="the paragraph saying what the projects are for, as printed"),
    MetaKey("front_matter.purpose_en", "text", doc="unofficial English of front_matter.purpose_ja"),
    MetaKey("front_matter.viewpoints_heading_ja", "text", doc="the heading of the viewpoints (着眼点), as printed"),
    MetaKey("front_matter.viewpoints_heading_en", "text", doc="unofficial English of it"),
    MetaKey("front_matter.viewpoints_ja", "text list", doc="the viewpoints, one item each, as printed"),
    MetaKey("front_matter.viewpoints_en", "text list", doc="unofficial English of each, in the same order"),
    MetaKey("front_matter.source_text", "text", doc="where the source prints these (provenance)"),
    MetaKey("translations", "text", doc="who translated the English texts (all unofficial)"),
    MetaKey("transcribed_by", "text", doc="who transcribed the data and how it was checked"),
)
METADATA_KEYS = tuple(k.key for k in METADATA if k.required and "." not in k.key)
