"""Altair charts built from the tidy result tables: trend, progress rate, overview charts.

Charts carry data only; how they are displayed (JupyterLab, papermill, offline HTML) is
rendering.py's job.
"""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from . import numbers
from .fiscal_year import short_label
from .formatting import format_quantity, format_rate, indicator_name, unit
from .labels import text
from .style import FONT_STACK, GRADE_COLOURS, SERIES_COLOURS

WIDTH, HEIGHT = 440, 230
_SERIES = ("actual", "national", "baseline", "target", "revised_target", "projection")
_SHAPES = {
    "actual": "circle",
    "national": "triangle-up",
    "baseline": "diamond",
    "target": "square",
    "revised_target": "cross",
    "projection": "circle",
}


# Charts are built from Altair's classes directly (channels with field and type, marks as
# MarkDef, data inline as records, config at construction): the shorthand strings, encode(),
# configure() and properties() each parse or copy the chart, which made up most of a report's
# chart time. The spec is the same Vega-Lite. Altair also validates every object as it is
# built (its "debug mode"); charts are built with that off, and tests/test_charts.py validates
# every finished chart against the schema instead.
_CONFIG = alt.Config(
    font=FONT_STACK,
    view=alt.ViewConfig(stroke=None),
    axis=alt.AxisConfig(labelFontSize=11, titleFontSize=11, grid=True, gridColor="#eeeeee"),
    legend=alt.LegendConfig(labelFontSize=11, titleFontSize=11, orient="bottom"),
    title=alt.TitleConfig(fontSize=13, anchor="start"),
)


def _built_unchecked(build):
    """Build a chart with Altair's per-object validation off (see above)."""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        with debug_mode(False):
            return build(*args, **kwargs)

    return wrapper


def _records(frame: pd.DataFrame) -> alt.InlineData:
    return alt.InlineData(values=frame.to_dict("records"))


def _layer(layers: list, data: pd.DataFrame | None = None, **properties) -> alt.LayerChart:
    """The chart: layers over shared inline data, with the report's config.

    alt.LayerChart() deep-copies every layer twice while it merges the layers' data, selection
    parameters and sizes into the top level (a quarter of a chart's cost). These layers have
    nothing to merge (shared data and sizes are given here, at the top; no parameters), so the
    chart is set up directly as the schema object LayerChart() would make of them;
    tests/test_charts.py checks that both give the same spec for every report chart.
    """
    return _layer_chart(alt.Undefined if data is None else _records(data), layers, properties)


def _layer_chart(data, layers: list, properties: dict) -> alt.LayerChart:
    chart = alt.LayerChart.__new__(alt.LayerChart)
    alt.TopLevelLayerSpec.__init__(chart, data=data, layer=layers, config=_CONFIG, **properties)
    return chart


def _unit(mark: alt.MarkDef, data: pd.DataFrame | None = None, transform: list | None = None, **encoding) -> alt.Chart:
    """One layer: a mark with its encoding (and its own data where it has other data)."""
    return alt.Chart(
        data=alt.Undefined if data is None else _records(data),
        mark=mark,
        encoding=alt.FacetedEncoding(**encoding),
        transform=transform or alt.Undefined,
    )


def _tooltip(field: str, title: str) -> alt.Tooltip:
    return alt.Tooltip(field=field, type="nominal", title=title)


def trend_frame(dataset, result_row: dict, lang: str = "ja", outlook_row: dict | None = None) -> pd.DataFrame:
    """Tidy points of one indicator's trend chart: series, year, value, with display texts.

    With an `outlook_row` (outlook.outlook), the linear projection runs from the latest actual
    to the target year.
    """
    r = result_row
    u = unit(r, lang)
    rows = []

    def add(series, year, value, decimals=None, note="", point=True):
        if year is None or pd.isna(year) or value is None or pd.isna(value):
            return
        rows.append(
            {
                "series": series,
                "series_label": text(f"series.{series}", lang),
                "year": int(year),
                "year_label": short_label(int(year), lang),
                "value": float(value),
                "value_text": format_quantity(value, decimals, u, lang),
                "note": note,
                "point": point,
            }
        )

    a = dataset.actuals
    for x in a[(a["indicator"] == r["indicator"]) & (a["actual_state"] == numbers.VALUE)].itertuples():
        add("actual", x.year, x.actual, x.actual_decimals)
    if r["target_kind"] == "national":
        b = dataset.benchmarks
        for x in b[b["indicator"] == r["indicator"]].itertuples():
            add("national", x.year, x.value, None, text(f"provenance.{x.provenance}", lang))
    if r["baseline_state"] == numbers.VALUE:
        add("baseline", r["baseline_year"], r["baseline"], r.get("baseline_decimals"))
    if r["target_kind"] in ("value", "cumulative"):
        add("target", r["target_year"], r["target"], r.get("target_decimals"))
    add("revised_target", r["revised_target_year"], r["revised_target"], r.get("revised_target_decimals"))
    o = outlook_row or {}
    projected, latest = o.get("projected_value"), r.get("latest_year")
    if not numbers.is_missing(projected) and not numbers.is_missing(latest) and int(o["target_year"]) > int(latest):
        decimals = r.get("actual_decimals")
        add("projection", r["latest_year"], r["actual"], decimals, point=False)  # starts at the actual's marker
        add(
            "projection",
            o["target_year"],
            numbers.round_half_up(float(o["projected_value"]), int(decimals or 0)),
            decimals,
        )
    return pd.DataFrame(
        rows, columns=["series", "series_label", "year", "year_label", "value", "value_text", "note", "point"]
    )


def _year_domain(years: list[int], lang: str) -> list[str]:
    return [short_label(y, lang) for y in range(min(years), max(years) + 1)]


@_built_unchecked
def trend_chart(dataset, result_row: dict, lang: str = "ja", outlook_row: dict | None = None) -> alt.LayerChart:
    """Actuals by year with baseline, target, revised target, the national series and the
    linear projection to the target year (dashed)."""
    r = result_row
    frame = trend_frame(dataset, r, lang, outlook_row)
    years = list(frame["year"]) + [int(r["target_year"])]
    domain = _year_domain(years, lang)
    present = [s for s in _SERIES if s in set(frame["series"])]
    labels = [text(f"series.{s}", lang) for s in present]
    series_title = text("chart.series", lang)
    colour = alt.Color(
        field="series_label",
        type="nominal",
        title=series_title,
        scale=alt.Scale(domain=labels, range=[SERIES_COLOURS[s] for s in present]),
    )
    shape = alt.Shape(
        field="series_label",
        type="nominal",
        title=series_title,
        scale=alt.Scale(domain=labels, range=[_SHAPES[s] for s in present]),
    )
    x = alt.X(
        field="year_label", type="ordinal", title=None, scale=alt.Scale(domain=domain), axis=alt.Axis(labelAngle=0)
    )
    u = unit(r, lang)
    y = alt.Y(
        field="value",
        type="quantitative",
        title=f"{text('chart.value', lang)}{f' ({u})' if u else ''}",
        scale=alt.Scale(zero=False),
    )
    tooltip = [
        _tooltip("series_label", series_title),
        _tooltip("year_label", text("col.year", lang)),
        _tooltip("value_text", text("chart.value", lang)),
    ]
    if (frame["note"] != "").any():
        tooltip.append(_tooltip("note", text("chart.note", lang)))
    detail = alt.Detail(field="series", type="nominal")

    def series_line(series: list[str], dash: list[int]) -> alt.Chart:
        return _unit(
            alt.MarkDef(type="line", strokeWidth=2, strokeDash=dash),
            transform=[alt.FilterTransform(alt.FieldOneOfPredicate(field="series", oneOf=series))],
            x=x,
            y=y,
            color=colour,
            detail=detail,
        )

    # solid for actuals, dashed for the national series and the projection; a line layer with
    # no points would leave Vega an empty scale extent, so only present series get one
    solid = [s for s in ("actual",) if s in present]
    dashed = [s for s in ("national", "projection") if s in present]
    layers = [series_line(series, dash) for series, dash in ((solid, [1, 0]), (dashed, [5, 3])) if series]
    layers.append(
        _unit(
            alt.MarkDef(type="point", size=90, filled=True, opacity=1),
            transform=[alt.FilterTransform("datum.point")],
            x=x,
            y=y,
            color=colour,
            shape=shape,
            tooltip=tooltip,
        )
    )
    level_y = alt.Y(field="value", type="quantitative")
    if r["target_kind"] in ("value", "cumulative"):
        # the target in force as a level line, so the gap to it reads at a glance
        level = pd.DataFrame({"value": [float(r["target_in_force"])], "label": [text("series.reference", lang)]})
        layers.append(
            _unit(
                alt.MarkDef(type="rule", strokeDash=[6, 4], opacity=0.6, color=SERIES_COLOURS["target"]),
                level,
                y=level_y,
            )
        )
    elif r["target_kind"] in ("above_baseline", "at_least_baseline") and r["baseline_state"] == numbers.VALUE:
        level = pd.DataFrame({"value": [float(r["baseline"])], "label": [text(f"target.{r['target_kind']}", lang)]})
        layers.append(
            _unit(
                alt.MarkDef(type="rule", strokeDash=[6, 4], color=SERIES_COLOURS["target"]),
                level,
                y=level_y,
                tooltip=[_tooltip("label", text("series.reference", lang))],
            )
        )
    title = alt.TitleParams(text=text("chart.trend", lang), subtitle=indicator_name(r, lang))
    return _layer(layers, frame, width=WIDTH, height=HEIGHT, title=title)


def rate_frame(graded: pd.DataFrame, indicator: str, lang: str = "ja") -> pd.DataFrame:
    """Progress rate of each year's actual, with the grade that actual gives."""
    g = graded[(graded["indicator"] == indicator) & graded["progress_rate"].notna()]
    return pd.DataFrame(
        {
            "year": g["year"].astype(int),
            "year_label": [short_label(int(y), lang) for y in g["year"]],
            "progress_rate": g["progress_rate"].astype(float),
            "rate_text": [format_rate(v) for v in g["progress_rate"]],
            "grade": g["grade"],
            "label": [f"{gr} {format_rate(v)}" for gr, v in zip(g["grade"], g["progress_rate"])],
        }
    )


def _grade_colour(lang: str) -> alt.Color:
    grades = list(GRADE_COLOURS)
    return alt.Color(
        field="grade",
        type="nominal",
        title=text("col.grade", lang),
        scale=alt.Scale(domain=grades, range=[GRADE_COLOURS[g][0] for g in grades]),
    )


@_built_unchecked
def rate_chart(graded: pd.DataFrame, result_row: dict, lang: str = "ja") -> alt.LayerChart:
    """Progress rate by year against the 80% and 100% lines, coloured and labelled by grade."""
    frame = rate_frame(graded, result_row["indicator"], lang)
    domain = _year_domain(list(frame["year"]) or [int(result_row["evaluation_year"])], lang)
    x = alt.X(
        field="year_label", type="ordinal", title=None, scale=alt.Scale(domain=domain), axis=alt.Axis(labelAngle=0)
    )
    top = max([120.0, *frame["progress_rate"]]) if len(frame) else 120.0
    y = alt.Y(
        field="progress_rate",
        type="quantitative",
        title=f"{text('col.progress_rate', lang)} (%)",
        scale=alt.Scale(domain=[0, top]),
    )
    lines = pd.DataFrame({"progress_rate": [80.0, 100.0], "label": ["80%", "100%"]})
    line_y = alt.Y(field="progress_rate", type="quantitative")
    label = alt.Text(field="label", type="nominal")
    layers = [
        _unit(alt.MarkDef(type="rule", strokeDash=[4, 4], color="#555555"), lines, y=line_y),
        _unit(
            alt.MarkDef(type="text", align="left", dx=4, dy=-6, color="#555555", fontSize=10),
            lines,
            y=line_y,
            x=alt.XValue(value=0),
            text=label,
        ),
        _unit(alt.MarkDef(type="line", color="#999999"), x=x, y=y),
        _unit(
            alt.MarkDef(type="point", size=110, filled=True, opacity=1, stroke="#333333", strokeWidth=0.5),
            x=x,
            y=y,
            color=_grade_colour(lang),
            tooltip=[
                _tooltip("year_label", text("col.year", lang)),
                _tooltip("rate_text", text("col.progress_rate", lang)),
                _tooltip("grade", text("col.grade", lang)),
            ],
        ),
        _unit(alt.MarkDef(type="text", dy=-12, fontSize=11), x=x, y=y, text=label),
    ]
    title = alt.TitleParams(text=text("chart.rate", lang), subtitle=indicator_name(result_row, lang))
    return _layer(layers, frame, width=WIDTH, height=HEIGHT, title=title)


@_built_unchecked
def grade_counts_chart(results: pd.DataFrame, lang: str = "ja") -> alt.LayerChart:
    """Stacked bars: how many indicators of each project have each grade."""
    graded = results[results["grade"] != ""]
    counts = graded.groupby(["project", "grade"]).size().reset_index(name="count")
    counts["project_label"] = [f"{text('col.project', lang)} {p}" for p in counts["project"]]
    counts["order"] = counts["grade"].map({g: i for i, g in enumerate(GRADE_COLOURS)})
    y = alt.Y(field="project_label", type="nominal", title=None)
    order = alt.Order(field="order", type="quantitative")
    count_title = text("chart.count", lang)
    bars = _unit(
        alt.MarkDef(type="bar", stroke="#333333", strokeWidth=0.5),
        y=y,
        x=alt.X(field="count", type="quantitative", title=count_title, stack="zero"),
        color=_grade_colour(lang),
        order=order,
        tooltip=[
            _tooltip("project_label", text("col.project", lang)),
            _tooltip("grade", text("col.grade", lang)),
            alt.Tooltip(field="count", type="quantitative", title=count_title),
        ],
    )
    labels = _unit(
        alt.MarkDef(type="text", dx=-8, align="right", fontSize=11),
        y=y,
        x=alt.X(field="count", type="quantitative", stack="zero"),
        order=order,
        detail=alt.Detail(field="grade", type="nominal"),
        text=alt.Text(field="grade", type="nominal"),
    )
    return _layer(
        [bars, labels],
        counts,
        width=WIDTH,
        height=30 * counts["project"].nunique() + 20,
        title=text("chart.grade_counts", lang),
    )


@_built_unchecked
def heatmap_chart(graded: pd.DataFrame, results: pd.DataFrame, lang: str = "ja") -> alt.LayerChart:
    """Indicator × year progress rates (each project's indicators in table order)."""
    order = results.drop_duplicates("indicator")
    names = {r["indicator"]: f"{r['project']}. {indicator_name(r, lang)}" for r in order.to_dict("records")}
    g = graded[graded["indicator"].isin(names) & graded["progress_rate"].notna()]
    text_colours = {grade: fg for grade, (_, fg) in GRADE_COLOURS.items()}
    frame = pd.DataFrame(
        {
            "name": [names[i] for i in g["indicator"]],
            "year_label": [short_label(int(y), lang) for y in g["year"]],
            "progress_rate": g["progress_rate"].astype(float),
            "grade": g["grade"],
            "label": [f"{format_rate(v)}" for v in g["progress_rate"]],
            # white on the dark grade colours, black on the light ones
            "text_colour": ["#ffffff" if text_colours.get(gr) == "#ffffff" else "#000000" for gr in g["grade"]],
        }
    )
    year_domain = _year_domain([int(y) for y in g["year"]], lang)
    x = alt.X(
        field="year_label",
        type="ordinal",
        title=None,
        scale=alt.Scale(domain=year_domain),
        axis=alt.Axis(orient="top", labelAngle=0),
    )
    y = alt.Y(field="name", type="nominal", title=None, sort=list(names.values()), axis=alt.Axis(labelLimit=360))
    cells = _unit(
        alt.MarkDef(type="rect", stroke="#ffffff"),
        x=x,
        y=y,
        color=_grade_colour(lang),
        tooltip=[
            _tooltip("name", text("col.name", lang)),
            _tooltip("year_label", text("col.year", lang)),
            _tooltip("label", text("col.progress_rate", lang)),
            _tooltip("grade", text("col.grade", lang)),
        ],
    )
    labels = _unit(
        alt.MarkDef(type="text", fontSize=10),
        x=x,
        y=y,
        text=alt.Text(field="label", type="nominal"),
        color=alt.Color(field="text_colour", type="nominal", scale=None, legend=None),
    )
    return _layer(
        [cells, labels], frame, width=70 * len(year_domain), height=22 * len(names), title=text("chart.heatmap", lang)
    )
