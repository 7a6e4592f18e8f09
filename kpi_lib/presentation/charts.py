"""Altair charts built from the tidy result tables: trend, progress rate, overview charts.

Charts carry data only; how they are displayed (JupyterLab, papermill, offline HTML) is
rendering.py's job.

Built in Altair's chained style. Channels are passed as alt.X(...), alt.Text(...) objects
rather than bare strings: encode() looks a bare string up in the whole schema (~10 ms each).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kpi_lib.analysis.grading import running_totals
from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import short_label, year_short_label
from kpi_lib.core.formatting import english_scale, format_rate, indicator_name, name_notes, quantity, unit
from kpi_lib.core.frames import records
from kpi_lib.core.labels import text
from kpi_lib.dataset.scheme import Scheme
from kpi_lib.presentation.style import SERIES_COLOURS, grade_colours, graded_order

WIDTH, HEIGHT = 440, 230
_SERIES = (
    "actual",
    "running_total",
    "national",
    "national_derived",
    "milestone",
    "baseline",
    "target",
    "revised_target",
    "projection",
    "projection_low",
    "projection_high",
    "national_projection",
    "national_projection_derived",
)
# drawn dashed: series that are not the actuals (national values, milestones, trends)
_DASHED = (
    "national",
    "national_derived",
    "milestone",
    "projection",
    "national_projection",
    "national_projection_derived",
)
_SHAPES = {
    "actual": "circle",
    "running_total": "triangle-right",
    "national": "triangle-up",
    "national_derived": "triangle-left",
    "baseline": "diamond",
    "target": "square",
    "revised_target": "cross",
    "projection": "circle",
    "projection_low": "stroke",
    "projection_high": "stroke",
    "national_projection": "triangle-up",
    "national_projection_derived": "triangle-left",
    "milestone": "triangle-down",
}


def _layered(
    *layers, data: pd.DataFrame, title, description: str, width: int = WIDTH, height: int = HEIGHT, resolve=None
) -> alt.LayerChart:
    """The chart's layers over `data`, with its size, title and description in one constructor call
    (.properties() copies the whole chart). No config: a chart with one cannot go into alt.hconcat,
    | or &; the report's look (rendering.REPORT_LOOK) is applied where charts are shown or saved."""
    extra = {} if resolve is None else {"resolve": resolve}
    return alt.layer(*layers, data=data, width=width, height=height, title=title, description=description, **extra)


def trend_frame(
    dataset, result_row: dict, lang: str = "ja", outlook_row: dict | None = None, scheme: Scheme | None = None
) -> pd.DataFrame:
    """Tidy points of one indicator's trend chart: series, year, value, with display texts.

    With an `outlook_row` (outlook.outlook), the outlook's trend runs from the latest actual
    to the target year, with the ends of its confidence interval. With a `scheme` that grades against milestones.csv, the interim
    milestones (目安値) or the expected path (期待値) are a series of their own.
    """
    r = result_row
    divisor, _ = plot_unit(r, lang)
    basis = _basis(r)  # every year here is a year of the indicator's figures
    rows = []

    def add(series, year, value, decimals=None, note="", point=True):
        if year is None or pd.isna(year) or value is None or pd.isna(value):
            return
        rows.append(
            {
                "series": series,
                "series_label": series_label(series, scheme if scheme is not None else dataset.scheme, lang),
                "year": int(year),
                "year_label": year_short_label(int(year), lang, basis),
                "value": float(value) / divisor,  # in the axis's unit (plot_unit)
                "value_text": quantity(r, value, decimals, lang),
                "note": note,
                "point": point,
            }
        )

    a = dataset.actuals
    for x in a[(a["indicator"] == r["indicator"]) & (a["actual_state"] == numbers.VALUE)].itertuples():
        add("actual", x.year, x.actual, x.actual_decimals)
    totals = running_totals(dataset, r["indicator"])  # a cumulative target with annual actuals
    if totals is not None:
        for x in totals.itertuples():
            add("running_total", x.year, x.running_total, r.get("actual_decimals"))
    derived = False  # a national value worked back from a published rate: an estimate, named so
    if r["target_kind"] == "national":
        b = dataset.benchmarks
        for x in b[b["indicator"] == r["indicator"]].itertuples():
            series = "national_derived" if x.provenance == "derived" else "national"
            derived = derived or x.provenance == "derived"
            add(series, x.year, x.value, None, text(f"provenance.{x.provenance}", lang, dataset.scheme))
    milestones = dataset.tables.get("milestones")
    if scheme is not None and scheme.uses_milestones and milestones is not None:
        for x in milestones[milestones["indicator"] == r["indicator"]].itertuples():
            add("milestone", x.year, x.value)
    if r["baseline_state"] == numbers.VALUE:
        add("baseline", r["baseline_year"], r["baseline"], r.get("baseline_decimals"))
    if r["target_kind"] in ("value", "cumulative"):
        add("target", r["target_year"], r["target"], r.get("target_decimals"))
    add("revised_target", r["revised_target_year"], r["revised_target"], r.get("revised_target_decimals"))
    o = outlook_row or {}
    projected, latest = o.get("projected_value"), r.get("latest_year")
    if not numbers.is_missing(projected) and not numbers.is_missing(latest) and int(o["target_year"]) > int(latest):
        # the outlook's trend (outlook.py, the same numbers the commentary states), from the marker of
        # what is graded (the actual, or a cumulative target's running total) to the target year, with
        # the ends of its confidence interval; a national target's national series goes on at its own slope
        decimals = int(r.get("actual_decimals") or 0)
        for series, key in (
            ("projection", "projected_value"),
            ("projection_low", "projected_value_low"),
            ("projection_high", "projected_value_high"),
        ):
            if not numbers.is_missing(o.get(key)):
                add(series, r["latest_year"], r["measured"], decimals, point=False)
                add(
                    series,
                    o["target_year"],
                    numbers.round_half_up(float(o[key]), decimals),
                    decimals,
                    point=series == "projection",
                )
        if not numbers.is_missing(o.get("national_projected")) and not numbers.is_missing(o.get("trend_slope")):
            # fitted to estimates where any national value is one
            series = "national_projection_derived" if derived else "national_projection"
            add(series, o["national_latest_year"], o["national_latest"], None, point=False)
            add(
                series,
                o["target_year"],
                numbers.round_half_up(float(o["national_projected"]), decimals),
                decimals,
            )
    return pd.DataFrame(
        rows, columns=["series", "series_label", "year", "year_label", "value", "value_text", "note", "point"]
    )


def plot_unit(r, lang: str) -> tuple[int, str]:
    """(divisor, unit) of the trend chart's value axis: the indicator's unit, written in English
    as the text writes its figures (774 億円 is 77.4 billion yen: the axis is in billion yen, not
    in 100 million yen), so the axis and the sentences beside it read the same numbers."""
    u = unit(r, lang)
    return english_scale(u) if lang == "en" else (1, u)


def axis_title(r, lang: str) -> str:
    """The value axis's title: the quantity and its unit in words (実績値（億円）, Actual (billion yen))."""
    quantity, (_, u) = text("chart.axis_actual", lang), plot_unit(r, lang)
    return text("chart.axis_with_unit", lang).format(quantity=quantity, unit=u) if u else quantity


def series_label(series: str, scheme: Scheme | None, lang: str) -> str:
    """A series' legend label; the milestone series is named as the scheme names its reference."""
    if series == "milestone" and scheme is not None:
        return text(f"series.{scheme.reference}", lang)
    return text(f"series.{series}", lang, scheme)


def _year_domain(years: list[int], lang: str, basis: str = "fiscal") -> list[str]:
    return [year_short_label(y, lang, basis) for y in range(min(years), max(years) + 1)]


def _basis(row) -> str:
    """The year basis of the row's indicator (indicators.csv year_basis; not stated where the row
    does not say): its years are labelled as it allows (fiscal_year.year_short_label)."""
    return row.get("year_basis") or "not_stated"


def year_title(basis: str, lang: str) -> str:
    """The heading of a column of years of one indicator's figures: 年度, 年 or 年（度）."""
    return text(f"year.heading.{basis}", lang)


def trend_chart(
    dataset, result_row: dict, lang: str = "ja", outlook_row: dict | None = None, scheme: Scheme | None = None
) -> alt.LayerChart:
    """Actuals by year with baseline, target, revised target, the national series, the
    milestones or expected path the scheme grades against, and the outlook's trend to the
    target year (dashed; the ends of its confidence interval dotted)."""
    r = result_row
    frame = trend_frame(dataset, r, lang, outlook_row, scheme)
    basis = _basis(r)
    years = list(frame["year"]) + [int(r["target_year"])]
    present = [s for s in _SERIES if s in set(frame["series"])]
    labels = [series_label(s, scheme if scheme is not None else dataset.scheme, lang) for s in present]
    series_title = text("chart.series", lang)
    divisor, _ = plot_unit(r, lang)
    colour = alt.Color(
        "series_label:N", title=series_title, scale=alt.Scale(domain=labels, range=[SERIES_COLOURS[s] for s in present])
    )
    base = alt.Chart().encode(
        x=alt.X(
            "year_label:O",
            title=None,
            scale=alt.Scale(domain=_year_domain(years, lang, basis)),
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y("value:Q", title=axis_title(r, lang), scale=alt.Scale(zero=False)),
        color=colour,
    )
    tooltip = [
        alt.Tooltip("series_label:N", title=series_title),
        alt.Tooltip("year_label:N", title=year_title(basis, lang)),
        alt.Tooltip("value_text:N", title=text("chart.value", lang)),
    ]
    if (frame["note"] != "").any():
        tooltip.append(alt.Tooltip("note:N", title=text("chart.note", lang)))

    # solid for actuals, dashed for the national series, the milestones and the projection; a line
    # layer with no points would leave Vega an empty scale extent, so only present series get one
    solid = [s for s in ("actual", "running_total") if s in present]
    dashed = [s for s in _DASHED if s in present]
    dotted = [s for s in ("projection_low", "projection_high") if s in present]  # the interval's ends
    layers = [
        base.mark_line(strokeWidth=width, strokeDash=dash)
        .encode(detail=alt.Detail("series:N"))
        .transform_filter(alt.FieldOneOfPredicate(field="series", oneOf=series))
        for series, dash, width in ((solid, [1, 0], 2), (dashed, [5, 3], 2), (dotted, [2, 3], 1))
        if series
    ]
    layers.append(
        base.mark_point(size=90, filled=True, opacity=1)
        .encode(
            shape=alt.Shape(
                "series_label:N",
                title=series_title,
                scale=alt.Scale(domain=labels, range=[_SHAPES[s] for s in present]),
            ),
            tooltip=tooltip,
        )
        .transform_filter("datum.point")
    )
    if r["target_kind"] in ("value", "cumulative") and not numbers.is_missing(r["target_in_force"]):
        # the target in force as a level line, so the gap to it reads at a glance: in the colour of
        # the target it is (the revised one where that is in force), named in its own legend
        in_force = "revised_target" if _revised_in_force(r) else "target"
        label = text(f"series.reference_{in_force}", lang)
        level = pd.DataFrame({"value": [float(r["target_in_force"]) / divisor], "label": [label]})
        layers.append(
            alt.Chart(level)
            .mark_rule(opacity=0.6, color=SERIES_COLOURS[in_force])
            .encode(
                y=alt.Y("value:Q"),
                strokeDash=alt.StrokeDash("label:N", title=None, scale=alt.Scale(domain=[label], range=[[6, 4]])),
            )
        )
    elif r["target_kind"] in ("above_baseline", "at_least_baseline") and r["baseline_state"] == numbers.VALUE:
        level = pd.DataFrame(
            {"value": [float(r["baseline"]) / divisor], "label": [text(f"target.{r['target_kind']}", lang)]}
        )
        layers.append(
            alt.Chart(level)
            .mark_rule(strokeDash=[6, 4], color=SERIES_COLOURS["target"])
            .encode(y=alt.Y("value:Q"), tooltip=[alt.Tooltip("label:N", title=text("series.reference", lang))])
        )
    ys = sorted(frame.loc[frame["series"] == "actual", "year"]) or sorted(frame["year"])
    others = "、" if lang == "ja" else ", "
    description = text("chart.trend_description", lang).format(
        name=indicator_name(r, lang),
        first=year_short_label(ys[0], lang, basis) if ys else "—",
        last=year_short_label(ys[-1], lang, basis) if ys else "—",
        series=others.join(label for s, label in zip(present, labels) if s != "actual") or "—",
    )
    return _layered(
        *layers,
        data=frame,
        title=alt.Title(text("chart.trend", lang), subtitle=indicator_name(r, lang)),
        description=description,
    )


def _revised_in_force(r: dict) -> bool:
    revised = r.get("revised_target")
    return not numbers.is_missing(revised) and float(revised) == float(r["target_in_force"])


def rate_frame(
    graded: pd.DataFrame, indicator: str, lang: str = "ja", decimals: int = 1, basis: str = "not_stated"
) -> pd.DataFrame:
    """Progress rate of each year's actual, with the grade that actual gives (rates shown with
    the scheme's `decimals`; years named as the indicator's year `basis` allows)."""
    g = graded[(graded["indicator"] == indicator) & graded["progress_rate"].notna()]
    return pd.DataFrame(
        {
            "year": g["year"].astype(int),
            "year_label": [year_short_label(int(y), lang, basis) for y in g["year"]],
            "progress_rate": g["progress_rate"].astype(float),
            "rate_text": [format_rate(v, decimals) for v in g["progress_rate"]],
            "grade": g["grade"],
            "label": [f"{gr} {format_rate(v, decimals)}" for gr, v in zip(g["grade"], g["progress_rate"])],
        }
    )


# A grade's mark in the progress-rate chart, by its place in the scheme's ranking (best first):
# with its colour's lightness (style.grade_colours) and its symbol beside it, it reads in black and white.
GRADE_SHAPES = ("circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "triangle-right")


def _grade_colour(scheme: Scheme, lang: str) -> alt.Color:
    colours = grade_colours(scheme)
    return alt.Color(
        "grade:N",
        title=text("col.grade", lang, scheme),
        scale=alt.Scale(domain=list(colours), range=[bg for bg, _ in colours.values()]),
    )


def grade_shapes(scheme: Scheme) -> dict[str, str]:
    """grade -> point shape, by the grade's place in the scheme's ranking (best first)."""
    return dict(zip(graded_order(scheme), GRADE_SHAPES))


def _grade_shape(scheme: Scheme, lang: str) -> alt.Shape:
    shapes = grade_shapes(scheme)
    return alt.Shape(
        "grade:N",
        title=text("col.grade", lang, scheme),  # the colour legend's title: one legend
        scale=alt.Scale(domain=list(shapes), range=list(shapes.values())),
    )


def band_lines(scheme: Scheme) -> list[float]:
    """The progress rates where the scheme's grades change: every rate threshold of its bands,
    and 100% where a band asks for the reference to be reached (the rate is 100% there)."""
    lines = {b.rate_below for b in scheme.bands} | {b.rate_at_least for b in scheme.bands}
    if any(b.when is not None for b in scheme.bands):
        lines.add(100.0)
    return sorted(x for x in lines if x is not None)


def rate_chart(graded: pd.DataFrame, result_row: dict, scheme: Scheme, lang: str = "ja") -> alt.LayerChart:
    """Progress rate by year against the scheme's band lines, coloured and labelled by grade."""
    basis = _basis(result_row)
    frame = rate_frame(graded, result_row["indicator"], lang, scheme.decimals, basis)
    domain = _year_domain(list(frame["year"]) or [int(result_row["evaluation_year"])], lang, basis)
    levels = band_lines(scheme)
    top = max([120.0, *(x + 20 for x in levels), *frame["progress_rate"]])
    bottom = min([0.0, *frame["progress_rate"]])
    lines = pd.DataFrame({"progress_rate": levels, "label": [f"{x:g}%" for x in levels]})
    rules = alt.Chart(lines).mark_rule(strokeDash=[4, 4], color="#555555").encode(y=alt.Y("progress_rate:Q"))
    rule_labels = (
        alt.Chart(lines)
        .mark_text(align="left", dx=4, dy=-6, color="#555555", fontSize=10)
        .encode(y=alt.Y("progress_rate:Q"), x=alt.XValue(0), text=alt.Text("label:N"))
    )
    base = alt.Chart().encode(
        x=alt.X("year_label:O", title=None, scale=alt.Scale(domain=domain), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "progress_rate:Q",
            title=f"{text('col.progress_rate', lang, scheme)} (%)",
            scale=alt.Scale(domain=[bottom, top]),
        ),
    )
    line = base.mark_line(color="#999999")
    points = base.mark_point(size=110, filled=True, opacity=1, stroke="#333333", strokeWidth=0.5).encode(
        color=_grade_colour(scheme, lang),
        shape=_grade_shape(scheme, lang),  # one legend: the colour's and the shape's share field and title
        tooltip=[
            alt.Tooltip("year_label:N", title=year_title(basis, lang)),
            alt.Tooltip("rate_text:N", title=text("col.progress_rate", lang, scheme)),
            alt.Tooltip("grade:N", title=text("col.grade", lang, scheme)),
        ],
    )
    point_labels = base.mark_text(dy=-12, fontSize=11).encode(text=alt.Text("label:N"))
    layers = [rules, rule_labels, line, points, point_labels] if levels else [line, points, point_labels]
    key = "chart.rate_description" if len(frame) else "chart.rate_description_empty"
    return _layered(
        *layers,
        data=frame,
        title=alt.Title(text("chart.rate", lang, scheme), subtitle=indicator_name(result_row, lang)),
        description=text(key, lang, scheme).format(
            name=indicator_name(result_row, lang), lines=_lines_text(list(lines["label"]), lang)
        ),
    )


def _lines_text(labels: list[str], lang: str) -> str:
    """The band lines drawn, in words (the scheme's, never a fixed 80% and 100%); none: nothing."""
    if not labels:
        return ""
    *rest, last = labels
    if lang == "ja":
        levels = text("chart.rate_lines_and", lang).join(labels)
    else:
        levels = f"{', '.join(rest)}{text('chart.rate_lines_and', lang)}{last}" if rest else last
    return text("chart.rate_lines", lang).format(levels=levels)


def grade_counts_chart(results: pd.DataFrame, scheme: Scheme, lang: str = "ja") -> alt.LayerChart:
    """Stacked bars: how many indicators of each project have each grade, the grades shown (the
    published ones, and kpi_lib's where none is published, outlined dashed as their badges are
    and named so in the legend), each segment labelled with its grade."""
    graded = results[results["grade_shown"] != ""].drop(columns="grade").rename(columns={"grade_shown": "grade"})
    counts = graded.groupby(["project", "grade", "grade_source"]).size().reset_index(name="count")
    counts["project_label"] = [f"{text('col.project', lang, scheme)} {p}" for p in counts["project"]]
    counts["order"] = counts["grade"].map({g: i for i, g in enumerate(graded_order(scheme))}) * 2 + (
        counts["grade_source"] == "computed"
    )
    counts["source_label"] = [text(f"basis.{s}", lang) for s in counts["grade_source"]]
    # black or white, whichever contrasts more with the grade's colour (style.text_colour)
    text_colours = {grade: fg for grade, (_, fg) in grade_colours(scheme).items()}
    counts["text_colour"] = [text_colours.get(g, "#000000") for g in counts["grade"]]
    count_title = text("chart.count", lang)
    kinds = [s for s in ("published", "computed") if s in set(counts["grade_source"])]
    sources = [text(f"basis.{s}", lang) for s in kinds]
    base = alt.Chart().encode(y=alt.Y("project_label:N", title=None), order=alt.Order("order:Q"))
    bars = base.mark_bar(stroke="#333333", strokeWidth=1).encode(
        # a count: whole-number ticks only (no 0.2 indicators on a small dataset)
        x=alt.X("count:Q", title=count_title, stack="zero", axis=alt.Axis(tickMinStep=1, format="d")),
        color=_grade_colour(scheme, lang),
        # computed grades outlined dashed, as their badges are, also where every grade is computed
        # (not paler: their grade's lightness is what tells the grades apart in black and white)
        strokeDash=alt.StrokeDash(
            "source_label:N",
            sort=sources,  # published, then computed
            title=text("col.basis", lang),
            scale=alt.Scale(domain=sources, range=[[1, 0] if k == "published" else [3, 2] for k in kinds]),
            # the legend draws the outline alone (an unfilled box), as a bar shows it
            legend=alt.Legend(
                symbolType="square", symbolFillColor="#ffffff", symbolStrokeColor="#333333", symbolStrokeWidth=1.5
            ),
        ),
        tooltip=[
            alt.Tooltip("project_label:N", title=text("col.project", lang, scheme)),
            alt.Tooltip("grade:N", title=text("col.grade", lang, scheme)),
            alt.Tooltip("source_label:N", title=text("col.basis", lang)),
            alt.Tooltip("count:Q", title=count_title),
        ],
    )
    labels = base.mark_text(dx=-8, align="right", fontSize=11).encode(
        x=alt.X("count:Q", stack="zero"),
        detail=alt.Detail("order:Q"),
        text=alt.Text("grade:N"),
        color=alt.Color("text_colour:N", scale=None, legend=None),
    )
    return _layered(
        bars,
        labels,
        data=counts,
        height=30 * counts["project"].nunique() + 20,
        title=text("chart.grade_counts", lang, scheme),
        description=text("chart.grade_counts_description", lang, scheme),
        # the labels' black or white is no scale of its own: the bars' grade colours keep their legend
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
    )


def heatmap_frame(
    graded: pd.DataFrame, results: pd.DataFrame, scheme: Scheme, lang: str = "ja", dataset=None
) -> pd.DataFrame:
    """One cell per indicator and year up to the evaluation year: the grade and rate of that
    year's actual, or, where the year has none, the grade standing on the latest earlier actual
    (marked with *, as evaluate() grades it); no cell before an indicator's first actual.

    With the `dataset`, the official record first: a published rate (for the actual's year) and
    grade (for the cell's year) are shown where there are; a grade kpi_lib computed because
    none is published is marked with †."""
    order = results.drop_duplicates("indicator")
    projects = results.groupby("indicator", sort=False)["project"].agg(list)
    separator = text("report.projects_separator", lang)
    names = {
        r["indicator"]: f"{separator.join(map(str, projects[r['indicator']]))}. {indicator_name(r, lang)}"
        for r in records(order)
    }
    bases = {r["indicator"]: _basis(r) for r in records(order)}  # of each one's actuals
    seen: dict[str, int] = {}
    for indicator, name in names.items():  # two unnamed indicators (name lost) stay two rows
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[indicator] = f"{name} ({seen[name]})"
    g = graded[graded["indicator"].isin(names) & graded["progress_rate"].notna()]
    last_year = int(results["evaluation_year"].max()) if len(results) else int(g["year"].max())
    first_year = int(g["year"].min()) if len(g) else last_year
    text_colours = {grade: fg for grade, (_, fg) in grade_colours(scheme).items()}
    published_rates, published_grades = {}, {}
    if dataset is not None:
        pr = dataset.published_rates
        pr = pr[pr["progress_rate_state"] == numbers.VALUE]
        published_rates = dict(zip(zip(pr["indicator"], pr["year"]), pr["progress_rate"]))
        pg = dataset.published_grades
        pg = pg[pg["grade"].fillna("") != ""]
        published_grades = dict(zip(zip(pg["indicator"], pg["year"]), pg["grade"]))
    by_indicator = {i: rows.set_index("year") for i, rows in g.groupby("indicator", sort=False)}
    rows = []
    for indicator, name in names.items():
        own = by_indicator.get(indicator)
        if own is None:
            continue
        for year in range(first_year, last_year + 1):
            earlier = own[own.index <= year]
            if earlier.empty:
                continue
            cell = earlier.iloc[-1]
            actual_year = int(earlier.index[-1])
            carried = actual_year != year
            value = float(published_rates.get((indicator, actual_year), cell["progress_rate"]))
            grade = published_grades.get((indicator, year), cell["grade"])
            rate = format_rate(value, scheme.decimals)
            if carried and scheme.not_measured is not None:  # the scheme's own rule: no actual, no rate
                grade = published_grades.get((indicator, year), scheme.not_measured.grade)
                carried, value, rate = False, float("nan"), ""
            computed = dataset is not None and (indicator, year) not in published_grades
            mark = ("*" if carried else "") + ("†" if computed else "")
            rows.append(
                {
                    "name": name,
                    "year_label": short_label(year, lang),
                    "progress_rate": value,
                    "grade": grade,
                    # the grade by its symbol as well as its colour; * where it stands on an earlier
                    # actual, † where kpi_lib computed it (none published)
                    "label": f"{grade}{mark}" if carried else f"{grade}{mark} {rate}".strip(),
                    "rate_text": rate,
                    "actual_year": year_short_label(int(earlier.index[-1]), lang, bases[indicator]),
                    "carried": carried,
                    # black or white, whichever contrasts more with the grade's colour (style.text_colour)
                    "text_colour": text_colours.get(grade, "#000000"),
                    "computed": computed,
                }
            )
    columns = [
        "name",
        "year_label",
        "progress_rate",
        "grade",
        "label",
        "rate_text",
        "actual_year",
        "carried",
        "text_colour",
        "computed",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["names"] = list(names.values())
    frame.attrs["years"] = [short_label(y, lang) for y in range(first_year, last_year + 1)]
    return frame


def heatmap_chart(
    graded: pd.DataFrame, results: pd.DataFrame, scheme: Scheme, lang: str = "ja", dataset=None
) -> alt.LayerChart:
    """Indicator × year grades and progress rates (each project's indicators in table order; an
    indicator of several projects once, named with its projects); the published figures first
    where the `dataset` is given (heatmap_frame)."""
    frame = heatmap_frame(graded, results, scheme, lang, dataset)
    names, year_domain = frame.attrs["names"], frame.attrs["years"]
    base = alt.Chart().encode(
        x=alt.X(
            "year_label:O",
            title=None,
            scale=alt.Scale(domain=year_domain),
            axis=alt.Axis(orient="top", labelAngle=0, grid=False),  # no grid line through the labels
        ),
        y=alt.Y("name:N", title=None, sort=names, axis=alt.Axis(labelLimit=360, grid=False)),
    )
    cells = base.mark_rect(stroke="#ffffff").encode(
        color=_grade_colour(scheme, lang),
        tooltip=[
            alt.Tooltip("name:N", title=text("col.name", lang)),
            alt.Tooltip("year_label:N", title=text("col.year", lang)),
            alt.Tooltip("grade:N", title=text("col.grade", lang, scheme)),
            alt.Tooltip("rate_text:N", title=text("col.progress_rate", lang, scheme)),
            alt.Tooltip("actual_year:N", title=text("chart.actual_year", lang)),
        ],
    )
    labels = base.mark_text(fontSize=10).encode(
        text=alt.Text("label:N"), color=alt.Color("text_colour:N", scale=None, legend=None)
    )
    notes = [text("chart.heatmap_carried", lang, scheme)] if frame["carried"].any() else []
    if frame["computed"].any():
        notes.append(text("chart.heatmap_computed", lang, scheme))
    notes += name_notes(results["name_source"], lang)  # a name taken from the analysis text, marked
    title = alt.Title(text("chart.heatmap", lang, scheme))
    if notes:
        title = alt.Title(text("chart.heatmap", lang, scheme), subtitle=notes if len(notes) > 1 else notes[0])
    return _layered(
        cells,
        labels,
        data=frame.drop(columns=["carried", "computed"]),
        width=90 * len(year_domain),
        height=22 * len(names),
        title=title,
        description=text("chart.heatmap_description", lang, scheme).format(
            first=year_domain[0] if year_domain else "—", last=year_domain[-1] if year_domain else "—"
        ),
    )
