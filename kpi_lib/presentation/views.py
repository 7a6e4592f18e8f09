"""What the report notebooks display: each function shows one section, built from kpi_lib's
tables, charts and commentary. Notebooks only pass parameters and call these.

All text from data is HTML-escaped here, so markup in data never reaches the page as markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.changes import change_table, compare_results
from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.analysis.outlook import outlook, outlook_label
from kpi_lib.core import formatting
from kpi_lib.core.fiscal_year import fiscal_year_label, short_label
from kpi_lib.core.frames import records
from kpi_lib.core.labels import check_lang, text
from kpi_lib.dataset.loading import Dataset, as_known_in, check_project, check_year, load_dataset
from kpi_lib.dataset.scheme import Scheme, scheme_for
from kpi_lib.presentation import charts, commentary, rendering, tables, texts
from kpi_lib.presentation.style import grade_badge, grade_colours


@dataclass(frozen=True)
class Report:
    """Everything one report shows, computed once."""

    dataset: Dataset
    scheme: Scheme
    year: int
    lang: str
    projects: tuple[int, ...]
    results: pd.DataFrame
    previous: pd.DataFrame | None
    changes: pd.DataFrame | None  # grade changes since the previous evaluation year
    graded: pd.DataFrame
    findings: pd.DataFrame
    outlook: pd.DataFrame  # by indicator

    @property
    def colours(self) -> dict[str, tuple[str, str]]:
        """grade -> (background, text colour), from the scheme's ranking."""
        return grade_colours(self.scheme)

    @property
    def has_published(self) -> bool:
        """The dataset records published rates or grades to compare with."""
        return not (self.dataset.published_rates.empty and self.dataset.published_grades.empty)


def open_report(year, lang: str = "ja", data_dir=None, project=None) -> Report:
    """Validate the notebook parameters and compute the report's tables.

    A bad parameter raises KpiError: one line (no traceback) in a kernel set up with
    kpi_lib.setup_notebook(), as the report templates' first cell does.
    """
    check_lang(lang)
    # every section is made from what was known for the year: the report for a year is the same
    # whether or not the data holds later years (apart from the data digest it names)
    full = load_dataset(data_dir)
    fy = check_year(full, year)
    dataset = as_known_in(full, fy)
    projects = tuple(dataset.project_numbers) if project is None else (check_project(dataset, project),)
    has_previous = fy - 1 >= dataset.years[0]
    scheme = scheme_for(dataset)
    results = evaluate(dataset, fy, scheme, list(projects))
    previous = evaluate(dataset, fy - 1, scheme, list(projects)) if has_previous else None
    changes = compare_results(previous, results, fy - 1, fy, scheme) if has_previous else None
    graded = progress_table(dataset, scheme)
    return Report(
        dataset,
        scheme,
        fy,
        lang,
        projects,
        results,
        previous,
        changes,
        graded,
        audit(dataset, scheme, lang, graded=graded),
        outlook(dataset, fy, scheme).set_index("indicator"),
    )


def _show_chart(chart, data: pd.DataFrame, caption: str, lang: str, numeric=()) -> None:
    """Display a chart with its figures as a table (its text alternative, with the spec's
    `description`): the offline HTML shows both, JupyterLab the chart.

    The spec is not re-validated against the Vega-Lite schema: that takes ~0.1 s a chart in
    every report run, and tests/test_charts.py validates every chart. `numeric`: the table's
    columns of figures (right-aligned)."""
    from IPython.display import display

    bundle = rendering.chart_mimebundle(chart.to_dict(validate=False))
    bundle[rendering.CHART_DATA_MIMETYPE] = (
        f'<details class="kpi-chart-data"><summary>{_e(text("chart.data_table", lang))}: {_e(caption)}</summary>'
        + _table(data, cls="kpi-table kpi-data-table", numeric=numeric)
        + "</details>"
    )
    display(bundle, raw=True)


def _pivot(
    frame: pd.DataFrame, rows: str, columns: str, values: str, row_title: str, column_order=None
) -> pd.DataFrame:
    """Long chart data as a table a reader scans: one row per `rows`, one column per `columns`,
    in the order they first appear (or `column_order`)."""
    table = frame.pivot(index=rows, columns=columns, values=values)
    order = [c for c in column_order if c in set(frame[columns])] if column_order else dict.fromkeys(frame[columns])
    table = table.reindex(index=list(dict.fromkeys(frame[rows])), columns=list(order))
    return table.fillna("").rename_axis(index=row_title, columns=None).reset_index()


def _display(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _list(items: list[str], cls: str = "") -> str:
    return f'<ul class="{cls}">' + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _notes(lines: list[str]) -> str:
    """Notes under a table (the marks of its names explained, formatting.name_notes); "" for none."""
    return "".join(f'<p class="kpi-note">{_e(line)}</p>' for line in lines)


def _table(
    frame: pd.DataFrame,
    badge_columns=(),
    cls: str = "kpi-table",
    colours=None,
    computed=None,
    numeric=(),
    unbroken=(),
) -> str:
    """`computed`: per row, the words marking its grade (col.grade) as computed, or "".
    `numeric`: columns of figures, right-aligned in tabular digits (class num, report.css), each
    figure with its own precision; `unbroken`: columns whose short values (公表値, 数値目標: at most
    _SHORT_HEADING characters) are never broken across lines; longer ones wrap as text does."""
    classes = {c: "num" if c in numeric else "" for c in frame.columns}
    head = "".join(_heading_cell(c, classes[c]) for c in frame.columns)
    body = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = []
        for col, value in zip(frame.columns, row):
            mark = computed[i] if computed is not None and col == badge_columns[0] else ""
            short = col in unbroken and len(str(value)) <= _SHORT_HEADING
            attrs = f" class={classes[col] or 'kpi-unbroken'}" if classes[col] or short else ""
            cells.append(
                f"<td{attrs}>{grade_badge(value, colours or {}, mark) if col in badge_columns and value else _e(value)}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


_SHORT_HEADING = 6  # characters: a heading or short value this long stays on one line (進捗, プロジェクト, 公表値)
# where a long heading may break: before a bracket, after 。 and 、 (and at spaces), never inside a word
_HEADING_BREAKS = re.compile(r"(?<=\S)(?=[（(])|(?<=[。、])(?=.)")


def _heading_cell(column, cls: str = "") -> str:
    """A column heading that breaks between words, never inside one (「数値目/標」): a short one
    is kept on one line, a long one breaks only where _HEADING_BREAKS allows (report.css keeps
    the rest of it whole: word-break: keep-all)."""
    label = str(column)
    classes = " ".join(filter(None, (cls, "kpi-unbroken" if len(label) <= _SHORT_HEADING else "kpi-phrase")))
    markup = "<wbr>".join(_e(part) for part in _HEADING_BREAKS.split(label) if part)
    return f'<th scope="col" class="{classes}">{markup}</th>'


# --- project report -------------------------------------------------------------------------


def show_header(r: Report) -> None:
    p = r.dataset.projects.set_index("project").loc[r.projects[0]]
    lang = r.lang
    pillars = r.dataset.pillars.set_index("pillar")
    pillar = None  # a dataset without pillars has no pillar line
    if not pillars.empty:
        if pd.isna(p["pillar"]) or p["pillar"] not in pillars.index:
            pillar = text(
                "report.pillar_unknown", lang, r.scheme
            )  # why is a data note (data/projects.csv), not a heading
        else:
            pillar = pillars.loc[p["pillar"], f"name_{lang}"]
    title = p[f"name_{lang}"]
    year = (
        f"{fiscal_year_label(r.year, 'ja')}（{short_label(r.year, 'ja')}）"
        if lang == "ja"
        else fiscal_year_label(r.year, "en")
    )
    _display(
        f'<div class="kpi-header"><p class="kpi-kicker">{_e(texts.report_title(r.dataset.metadata, "title", lang))}</p>'
        f"<h1>{_e(r.projects[0])}. {_e(title)}</h1>"
        + (f'<p class="kpi-sub" lang="ja">{_e(p["name_ja"])}</p>' if lang == "en" else "")
        + "<dl>"
        + (f"<dt>{_e(text('report.pillar', lang, r.scheme))}</dt><dd>{_e(pillar)}</dd>" if pillar is not None else "")
        + f"<dt>{_e(text('report.catch', lang, r.scheme))}</dt><dd>{_e(p[f'catch_{lang}'])}</dd>"
        f"<dt>{_e(text('report.evaluation_year', lang, r.scheme))}</dt><dd>{_e(year)}</dd>"
        "</dl></div>"
    )


def show_legend(r: Report) -> None:
    items = "".join(
        f"<li>{grade_badge(b.grade, r.colours)} {_e(b.label_ja if r.lang == 'ja' else b.label_en)}</li>"
        for b in sorted(
            r.scheme.legend, key=lambda b: r.scheme.ranking.index(b.grade) if b.grade in r.scheme.ranking else 99
        )
    )
    shown = set(r.results["indicator"])
    names = {row["indicator"]: formatting.indicator_name(row, r.lang) for row in records(r.results)}
    for o in r.scheme.overrides:  # indicators with bands of their own, named with the reason
        mine = [names[i] for i in o.indicators if i in shown]
        if mine:
            bands = "".join(
                f"<li>{grade_badge(b.grade, r.colours)} {_e(b.label_ja if r.lang == 'ja' else b.label_en)}</li>"
                for b in o.bands
            )
            note = o.note_ja if r.lang == "ja" else o.note_en
            items += f"<li>{_e(text('report.override', r.lang, r.scheme).format(names='、'.join(mine) if r.lang == 'ja' else '; '.join(mine), note=note))}<ul>{bands}</ul></li>"
    _display(f'<div class="kpi-legend"><h3>{_e(text("report.legend", r.lang, r.scheme))}</h3><ul>{items}</ul></div>')


def _grade_table(r: Report, results: pd.DataFrame) -> pd.DataFrame:
    """tables.grade_table for the report: the milestone or expected value the scheme grades
    against as a column of its own, and no published columns where the data has none."""
    lang = r.lang
    table = tables.grade_table(results, lang, r.scheme)
    if r.scheme.uses_milestones:
        table.insert(
            table.columns.get_loc(text("col.actual", lang, r.scheme)) + 1,
            text(f"col.{r.scheme.reference}", lang, r.scheme),
            [tables.reference_text(row, lang) for row in records(results)],
        )
    if not r.has_published:  # nothing to check against: every figure is ours (the basis column says so)
        table = table.drop(columns=[text("col.check", lang, r.scheme)])
    return table


# The grade table's columns of figures (each indicator's figures with their own precision, rates
# with the scheme's): right-aligned; and its column of short words kept on one line.
_FIGURE_COLUMNS = (
    "baseline",
    "target",
    "revised_target",
    "actual",
    "milestone",
    "expected_path",
    "progress_rate",
    "check",
)


def _figure_columns(table: pd.DataFrame, lang: str, words=None) -> list[str]:
    return [c for c in (text(f"col.{k}", lang, words) for k in _FIGURE_COLUMNS) if c in table.columns]


def _computed_marks(results: pd.DataFrame, lang: str) -> list[str]:
    """Per row, the words that mark a grade kpi_lib computed (none published), or ""."""
    return [text("badge.computed", lang) if s == "computed" else "" for s in results["grade_source"]]


def show_grade_summary(r: Report) -> None:
    table = _grade_table(r, r.results).drop(columns=[text("col.project", r.lang, r.scheme)])
    # our outlook in the last column, headed as our analysis; the official figures stay to its left
    table[text("col.outlook", r.lang, r.scheme)] = [
        outlook_label(r.outlook.loc[i, "outlook"], r.lang) for i in r.results["indicator"]
    ]
    _display(
        f"<h2>{_e(text('report.summary', r.lang, r.scheme))}</h2>"
        + _table(
            table,
            badge_columns=(text("col.grade", r.lang, r.scheme),),
            colours=r.colours,
            computed=_computed_marks(r.results, r.lang),
            numeric=_figure_columns(table, r.lang, r.scheme),
            unbroken=(text("col.kind", r.lang, r.scheme), text("col.basis", r.lang, r.scheme)),
        )
        + _notes(formatting.name_notes(r.results["name_source"], r.lang))
        + _yearly_table(r)
        + f'<p class="kpi-note kpi-analysis-note">{_e(commentary.outlook_method(r.lang, r.results["target_kind"], r.scheme))}</p>'
    )


def _yearly_table(r: Report) -> str:
    """The source's table of every year, for print (report.css shows it in place of the summary
    table): each indicator on two lines, actuals and progress rates, its other cells spanning both."""
    table = tables.yearly_table(
        r.results, r.dataset.actuals, r.graded, r.dataset.published_rates, r.lang, r.has_published, r.scheme
    )
    if table.empty:
        return ""
    columns = list(table.columns)
    figure = columns.index(text("col.figure", r.lang, r.scheme))
    spanning = set(columns[:figure]) | {text("col.grade", r.lang, r.scheme)}
    numeric = columns[figure + 1 : -1]
    head = "".join(_heading_cell(c, "num" if c in numeric else "") for c in columns)
    body = []
    for i, row in enumerate(records(table)):
        cells = []
        for c in columns:
            if c in spanning and i % 2:
                continue
            value = row[c]
            if c == text("col.grade", r.lang, r.scheme):
                grade = value.split("（")[0].split(" ")[0].rstrip("＊*")
                content = grade_badge(grade, r.colours) + _e(value[len(grade) :]) if grade else ""
            else:
                content = _e(value)
            attrs = ' rowspan="2"' if c in spanning else ' class="num"' if c in numeric else ' class="kpi-figure"'
            tag = "th" if c == text("col.name", r.lang, r.scheme) else "td"
            scope = ' scope="rowgroup"' if tag == "th" else ""
            cells.append(f"<{tag}{scope}{attrs}>{content}</{tag}>")
        body.append(f'<tr class="{"kpi-rate-line" if i % 2 else "kpi-actual-line"}">' + "".join(cells) + "</tr>")
    return (
        f'<div class="kpi-print-only kpi-yearly"><table class="kpi-table kpi-yearly-table">'
        f"<caption>{_e(text('print.yearly', r.lang, r.scheme))}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="kpi-note">{_e(text("print.computed_note" if r.has_published else "print.all_computed", r.lang, r.scheme))}</p>'
        + _notes(formatting.name_notes(r.results["name_source"], r.lang))
        + "</div>"
    )


def show_project_commentary(r: Report) -> None:
    sentences = commentary.project_commentary(r.results, r.changes, r.scheme, r.lang)
    _display(f"<h2>{_e(text('report.commentary', r.lang, r.scheme))}</h2>" + _list(sentences, "kpi-commentary"))


def show_indicators(r: Report) -> None:
    """One section per indicator: trend chart, progress-rate chart, generated commentary."""
    _display(f"<h2>{_e(text('report.indicators', r.lang, r.scheme))}</h2>")
    previous = r.previous.set_index(["project", "indicator"]) if r.previous is not None else None
    for row in records(r.results):
        name = formatting.indicator_name(row, r.lang)
        kind = text(f"kind.{row['kind']}", r.lang, r.scheme)
        # the official record first: the published grade and rate where there are, ours marked as computed
        grade = row["grade_shown"]
        rate = formatting.format_rate(row["rate_shown"], tables.shown_rate_decimals(row))
        mark = text("badge.computed", r.lang, r.scheme) if row["grade_source"] == "computed" else ""
        colon = "：" if r.lang == "ja" else ": "
        _display(
            f'<h3 class="kpi-indicator">{_e(kind)}{colon}{_e(name)} {grade_badge(grade, r.colours, mark) if grade else ""} '
            f'<span class="kpi-rate">{_e(rate)}</span></h3>'
        )
        o = r.outlook.loc[row["indicator"]].to_dict()
        basis = row["year_basis"]  # what the years of its figures are: their columns are headed so
        trend = charts.trend_frame(r.dataset, row, r.lang, o, r.scheme).sort_values("year", kind="stable")
        trend_table = _pivot(trend, "year_label", "series_label", "value_text", charts.year_title(basis, r.lang))
        _show_chart(
            charts.trend_chart(r.dataset, row, r.lang, o, r.scheme),
            trend_table,
            f"{text('chart.trend', r.lang, r.scheme)} — {name}",
            r.lang,
            numeric=list(trend_table.columns[1:]),  # a column per series, after the year
        )
        rates = charts.rate_frame(r.graded, row["indicator"], r.lang, r.scheme.decimals, basis)
        _show_chart(
            charts.rate_chart(r.graded, row, r.scheme, r.lang),
            pd.DataFrame(
                {
                    charts.year_title(basis, r.lang): rates["year_label"],
                    text("col.progress_rate", r.lang, r.scheme): rates["rate_text"],
                    text("col.grade", r.lang, r.scheme): rates["grade"],
                }
            ),
            f"{text('chart.rate', r.lang, r.scheme)} — {name}",
            r.lang,
            numeric=[text("col.progress_rate", r.lang, r.scheme)],
        )
        key = (row["project"], row["indicator"])
        prev = (
            previous.loc[key].to_dict() | {"evaluation_year": r.year - 1}
            if previous is not None and key in previous.index
            else None
        )
        f = r.findings[(r.findings["project"] == row["project"]) & (r.findings["indicator"] == row["indicator"])]
        sentences = commentary.indicator_commentary(row, r.graded, prev, f, r.scheme, r.lang)
        ours = commentary.outlook_commentary(row, o, r.lang, r.scheme)
        _display(_list(sentences, "kpi-commentary") + (_analysis_box(ours, r.lang, r.scheme) if ours else ""))


def _analysis_box(sentences: list[str], lang: str, words=None) -> str:
    """Our own analysis, set apart from the official figures under its own label."""
    return (
        f'<div class="kpi-our-analysis"><p class="kpi-label">{_e(text("outlook.heading", lang, words))}</p>'
        + _list(sentences, "kpi-analysis")
        + "</div>"
    )


def show_analysis(r: Report) -> None:
    """The official 分析と課題 (left out where the data has none for the project)."""
    ja_items, en_items = texts.analysis(r.dataset, r.projects[0])
    if not ja_items:
        return
    body = f"<h2>{_e(text('report.analysis', r.lang, r.scheme))}</h2>"
    official = _list(ja_items, "kpi-official")
    if r.lang == "ja":
        _display(body + official)
        return
    # the official text is Japanese: marked so in the English report (screen readers switch
    # voice), the translation beside it (in print, side by side: report.css)
    body += (
        '<div class="kpi-bilingual">'
        f'<div><p class="kpi-label">{_e(text("report.official", "en"))}</p><div lang="ja">{official}</div></div>'
    )
    if en_items:
        body += (
            f'<div><p class="kpi-label">{_e(text("report.unofficial", "en"))}</p>'
            + _list(en_items, "kpi-unofficial")
            + "</div>"
        )
    _display(body + "</div>")


def show_measures(r: Report) -> None:
    m = texts.measures(r.dataset, r.projects[0])
    if m.empty:
        return  # no measures in the data for this project: no heading either
    lang = r.lang
    parts = [f"<h2>{_e(text('report.measures', lang, r.scheme))}</h2>"]
    if lang == "en":
        parts.append(f'<p class="kpi-label">{_e(text("report.unofficial", "en"))}</p>')
    parts.append('<div class="kpi-measure-groups">')  # in print, all groups flow through one set of columns
    for _, group in m.groupby("group_no", sort=True):
        parts.append(f"<h3>{_e(group.iloc[0][f'group_{lang}'])}</h3><ul class='kpi-measures'>")
        for row in group.itertuples():
            details = texts.lines(getattr(row, f"description_{lang}"))
            parts.append(
                f"<li><strong>{_e(getattr(row, f'measure_{lang}'))}</strong>"
                + (_list(details) if details else "")
                + "</li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    _display("".join(parts))


def show_partnerships(r: Report) -> None:
    """Partnership areas, in the report of the project metadata.json names for them."""
    areas = r.dataset.partnership_areas
    report_meta = r.dataset.metadata.get("report", {})
    if areas.empty or report_meta.get("partnerships_project") != r.projects[0]:
        return
    lang = r.lang
    title = report_meta.get(f"partnerships_title_{lang}") or text("report.partnerships", lang, r.scheme)
    frame = pd.DataFrame(
        {
            text("report.start_year", lang, r.scheme): [short_label(int(y), lang) for y in areas["start_year"]],
            text("report.area", lang, r.scheme): areas[f"name_{lang}"],
            text("report.members", lang, r.scheme): areas[f"municipalities_{lang}"],
        }
    )
    counts = r.dataset.partnership_counts
    facts = [f"{row[f'name_{lang}']}: {texts.partnership_count(row, lang)}" for row in records(counts)]
    _display(
        f'<div class="kpi-partnerships"><h2>{_e(title)}</h2>'
        + _table(frame, cls="kpi-table kpi-partnership-table")
        + _list(facts, "kpi-facts")
        + "</div>"
    )


def show_footer(r: Report) -> None:
    meta = r.dataset.metadata
    src = meta.get("source", {})
    named = f"{src.get('publisher_ja', '')}「{src['title_ja']}」" if src.get("title_ja") else ""
    cited = f'<span lang="ja">{_e(named)}</span>' if named else ""
    if src.get("date"):  # the publication date, as metadata.json gives it (YYYY-MM-DD, YYYY-MM or YYYY)
        cited += f"（{_e(src['date'])}）" if r.lang == "ja" else f" ({_e(src['date'])})"
    if src.get("url"):  # http(s) only (loading checks it): the address as the link's text, escaped
        cited += f' <a href="{_e(src["url"])}">{_e(src["url"])}</a>'
    cited = f"{_e(text('report.source', r.lang, r.scheme))}: {cited.strip()} — " if cited else ""
    _display(
        f'<p class="kpi-footer">{cited}{_e(text("report.generated_note", r.lang, r.scheme))}</p>'
        f'<p class="kpi-footer kpi-digest">{_e(text("report.data_digest", r.lang, r.scheme))}: '
        f"<code>{_e(r.dataset.digest)}</code></p>"
    )


# --- overview ---------------------------------------------------------------------------------


def show_overview_header(r: Report) -> None:
    year = fiscal_year_label(r.year, r.lang)
    _display(
        f'<div class="kpi-header"><p class="kpi-kicker">{_e(r.dataset.metadata.get(f"title_{r.lang}", ""))}</p>'
        f"<h1>{_e(texts.report_title(r.dataset.metadata, 'overview_title', r.lang))}</h1><dl><dt>{_e(text('report.evaluation_year', r.lang, r.scheme))}</dt>"
        f"<dd>{_e(year)}</dd></dl></div>"
    )


def show_grade_counts(r: Report) -> None:
    lang = r.lang
    graded = r.results[r.results["grade_shown"] != ""]
    if graded.empty:  # no actual up to the year yet: no chart of nothing
        _display(f"<p>{_e(text('report.no_grades', lang, r.scheme).format(year=fiscal_year_label(r.year, lang)))}</p>")
        return
    # the grades shown: published ones, and kpi_lib's where none is published, counted apart
    cells = tables.grade_count_cells(r.results, r.scheme.counted_grades, lang)
    table = pd.DataFrame(
        [[f"{text('col.project', lang, r.scheme)} {p}", *row[:-1]] for p, row in cells.items()],
        columns=[text("col.project", lang, r.scheme), *r.scheme.counted_grades],
    )
    used = [g for g in r.scheme.counted_grades if (r.results["grade_shown"] == g).any()]
    table = table[[text("col.project", lang, r.scheme), *used]]
    _show_chart(
        charts.grade_counts_chart(r.results, r.scheme, lang),
        table,
        text("chart.grade_counts", lang, r.scheme),
        lang,
        numeric=used,  # a count per grade
    )


def show_heatmap(r: Report) -> None:
    graded = r.graded[r.graded["year"] <= r.year]
    frame = charts.heatmap_frame(graded, r.results, r.scheme, r.lang, r.dataset)
    if frame.empty:  # no actual up to the year yet
        _display(
            f"<p>{_e(text('report.no_grades', r.lang, r.scheme).format(year=fiscal_year_label(r.year, r.lang)))}</p>"
        )
        return
    # the table reads like the chart: its rows in the chart's order, each cell its label
    # (grade and rate; grade* where it stands on an earlier actual)
    frame = frame.assign(name=pd.Categorical(frame["name"], categories=frame.attrs["names"])).sort_values(
        "name", kind="stable"
    )
    table = _pivot(frame, "name", "year_label", "label", text("col.name", r.lang, r.scheme), frame.attrs["years"])
    chart = charts.heatmap_chart(graded, r.results, r.scheme, r.lang, r.dataset)
    # each year's cells end with their rate: right-aligned, the rates line up
    _show_chart(chart, table, text("chart.heatmap", r.lang, r.scheme), r.lang, numeric=list(table.columns[1:]))


def show_lagging(r: Report) -> None:
    worst = r.scheme.ranking[-1] if r.scheme.ranking else r.scheme.grades[-1]
    lag = r.results[r.results["grade_shown"] == worst]
    head = f"<h2>{_e(text('report.lagging', r.lang, r.scheme).format(grade=worst))}</h2>"
    if lag.empty:  # a good year: said in words, not an empty table
        _display(head + f"<p>{_e(text('report.no_lagging', r.lang, r.scheme).format(grade=worst))}</p>")
        return
    table = _grade_table(r, lag)
    table = _once_per_indicator(table, lag, r.lang, r.scheme)
    marks = _computed_marks(lag[~lag["indicator"].duplicated()], r.lang)
    _display(
        head
        + _table(
            table,
            badge_columns=(text("col.grade", r.lang, r.scheme),),
            colours=r.colours,
            computed=marks,
            numeric=_figure_columns(table, r.lang, r.scheme),
            unbroken=(text("col.kind", r.lang, r.scheme), text("col.basis", r.lang, r.scheme)),
        )
        + _notes(formatting.name_notes(lag["name_source"], r.lang))
    )


def _once_per_indicator(table: pd.DataFrame, rows: pd.DataFrame, lang: str, words=None) -> pd.DataFrame:
    """`table` (one row per row of `rows`) with one row per indicator: an indicator shared by
    several projects is listed once, its project column naming them all (3・4)."""
    projects = rows.groupby("indicator", sort=False)["project"].agg(list)
    out = table.copy()
    out[text("col.project", lang, words)] = [
        text("report.projects_separator", lang).join(map(str, projects[i])) for i in rows["indicator"]
    ]
    return out[~rows["indicator"].duplicated().to_numpy()].reset_index(drop=True)


def show_changes(r: Report) -> None:
    lang = r.lang
    head = f"<h2>{_e(text('report.changes', lang, r.scheme))}</h2>"
    if r.changes is None:  # the evaluation year is the data's first: nothing to compare with
        previous = short_label(r.year - 1, lang)
        _display(head + f"<p>{_e(text('report.no_previous_year', lang, r.scheme).format(year=previous))}</p>")
        return
    if r.changes.empty:
        _display(head + f"<p>{_e(text('report.no_changes', lang, r.scheme))}</p>")
        return
    table = _once_per_indicator(change_table(r.changes, lang, r.scheme), r.changes, lang, r.scheme)
    grade_columns = [
        c
        for c in table.columns
        if c
        not in {
            text(f"col.{key}", lang, r.scheme)
            for key in ("project", "kind", "name", "change", "latest_actual", "new_actual")
        }
    ]
    _display(
        head
        + _table(table, badge_columns=grade_columns, colours=r.colours, unbroken=(text("col.kind", lang),))
        + _notes(formatting.name_notes(r.changes["name_source"], lang))
    )
