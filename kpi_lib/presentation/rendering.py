"""One way to render Altair charts: in JupyterLab, in saved notebooks and in offline HTML.

A chart is displayed as a mimebundle of
  - the Vega-Lite spec under ``application/vnd.vegalite.v5+json`` (JupyterLab 4.6 draws it
    interactively; nbformat accepts it because the key ends in ``+json``; the offline HTML
    draws it with the inlined Vega JavaScript, see html_export.py),
  - a short ``text/plain``.
No static image is stored: drawing one costs ~0.2 s a chart in every report run, and its
text layout would depend on the fonts of the machine that ran the notebook. The spec is a
pure function of the chart, so re-running a notebook gives byte-identical outputs
(``pytest --nbval`` compares them strictly). `chart_svg` draws a static SVG on demand, laid
out with the IPAexGothic font that the install brings, so it is the same on every machine.

Altair is pinned to 5.5 (Vega-Lite 5): JupyterLab 4.6 renders vegalite v3-v5 mimetypes only.
"""

from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from pathlib import Path

import altair as alt
import vl_convert as vlc

from kpi_lib.core.errors import KpiError
from kpi_lib.core.files import atomic_file
from kpi_lib.presentation.fonts import register_fonts
from kpi_lib.presentation.style import FONT_STACK

# IPAexGothic first (registered with vl-convert, so static SVGs measure text the same on
# every machine); the rest are for browsers that lack it.
FONT_FAMILY = FONT_STACK
RENDERER_NAME = "kpi"
# A chart's figures as an HTML table (its text alternative), kept beside the spec in the same
# output under a type of our own: the offline HTML shows it under the chart, while JupyterLab
# (which prefers text/html over a Vega-Lite spec) ignores it and draws the chart.
CHART_DATA_MIMETYPE = "text/vnd.kpi-lib.chart-data+html"


def vegalite_version(spec: dict) -> str:
    """vl-convert's Vega-Lite version ("5.20") for a spec, from its $schema URL.

    Uses the exact major.minor when vl-convert ships it, else its newest release of the
    same major (minor releases stay backward compatible).
    """
    schema = spec.get("$schema") or f"/{alt.SCHEMA_VERSION}.json"
    m = re.search(r"/v(\d+)\.(\d+)[.\d]*\.json$", schema)
    if not m:
        raise ValueError(f"cannot read a Vega-Lite version from $schema {schema!r}")
    major, minor = m.groups()
    available = vlc.get_vegalite_versions()
    if f"{major}.{minor}" in available:
        return f"{major}.{minor}"
    same_major = [v for v in available if v.split(".")[0] == major]
    if not same_major:
        raise ValueError(f"vl-convert {available} has no Vega-Lite {major}.x")
    return max(same_major, key=lambda v: tuple(map(int, v.split("."))))


def vegalite_mimetype(spec: dict) -> str:
    """``application/vnd.vegalite.v5+json`` for a v5 spec (the type JupyterLab 4.6 renders)."""
    return f"application/vnd.vegalite.v{vegalite_version(spec).split('.')[0]}+json"


# Altair 5 names parameters and views from process-wide counters (param_7, view_3), so the
# same chart gets other names after other charts were built. Renumber them by order of
# first appearance in the key-sorted spec; distinct names stay distinct. Data is skipped
# so a value that happens to look like "view_2" is left alone.
_AUTO_NAME = re.compile(r"\b(param|view)_(\d+)\b")
_DATA_KEYS = {"data", "datasets"}


def _renumber_auto_names(node, seen: dict[str, str]):
    if isinstance(node, dict):
        return {k: v if k in _DATA_KEYS else _renumber_auto_names(v, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_renumber_auto_names(v, seen) for v in node]
    if isinstance(node, str):

        def rename(m: re.Match) -> str:
            if m.group(0) not in seen:
                n = sum(name.startswith(m.group(1) + "_") for name in seen.values()) + 1
                seen[m.group(0)] = f"{m.group(1)}_{n}"
            return seen[m.group(0)]

        return _AUTO_NAME.sub(rename, node)
    return node


# The report's look: font, no view border, light grid, legend below, titles at the left. Not in
# the charts (a chart with a config cannot be composed with |, & or alt.hconcat): applied to the
# spec where a chart is shown (the "kpi" renderer), drawn (chart_svg) or saved (report_look).
REPORT_LOOK: dict = alt.Config(
    font=FONT_STACK,
    view=alt.ViewConfig(stroke=None),
    axis=alt.AxisConfig(labelFontSize=11, titleFontSize=11, grid=True, gridColor="#eeeeee"),
    # labelLimit=0: legend labels whole («直線の傾向（参考・独自分析、予測ではない）», not cut with …)
    legend=alt.LegendConfig(labelFontSize=11, titleFontSize=11, orient="bottom", labelLimit=0),
    title=alt.TitleConfig(fontSize=13, anchor="start"),
).to_dict()
THEME_NAME = "kpi_report"


def _under(base: dict, over: dict) -> dict:
    """`over` with what it does not set taken from `base`, nested dicts merged."""
    merged = dict(base)
    for key, value in over.items():
        merged[key] = _under(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def with_report_look(spec: dict) -> dict:
    """The spec with the report's look as its config's defaults: what the spec configures itself
    (chart.configure_axis(...), a theme) wins."""
    return {**spec, "config": _under(REPORT_LOOK, spec.get("config", {}))}


@contextmanager
def report_look():
    """Inside it, Altair gives every chart it converts (to_dict, display, .save) the report's
    look, through an Altair theme enabled for the block only (alt.theme, Altair 5.5); the theme
    that was active before is active again after it, and nothing stays registered."""
    registered = THEME_NAME in alt.theme.names()
    if not registered:
        alt.theme.register(THEME_NAME, enable=False)(_theme)
    try:
        with alt.theme.enable(THEME_NAME):
            yield
    finally:
        if not registered:
            alt.theme.unregister(THEME_NAME)


def _theme() -> dict:
    return {"config": REPORT_LOOK}


def normalize_spec(spec: dict) -> dict:
    """Canonical copy of a spec in the report's look: sorted keys, renumbered auto names."""
    # allow_nan=False: a NaN would make the notebook file invalid JSON.
    spec = with_report_look(json.loads(json.dumps(spec, sort_keys=True, allow_nan=False)))
    spec = _renumber_auto_names(spec, {})
    return json.loads(json.dumps(spec, sort_keys=True))


# vega-scenegraph numbers SVG clip paths and gradients from counters that live as long as
# vl-convert's JavaScript runtime (clip1, clip2, ...), so a chart's SVG would depend on how
# many charts were drawn before. Rename them from a hash of the spec: stable, and distinct
# between different charts inlined in one page.
_SVG_ID = re.compile(r'(<[A-Za-z][^>]*?\sid=")([^"]+)(")')


def _stable_svg_ids(svg: str, spec_text: str) -> str:
    ids = dict.fromkeys(m.group(2) for m in _SVG_ID.finditer(svg))
    if not ids:
        return svg
    prefix = "kpi" + hashlib.sha256(spec_text.encode()).hexdigest()[:10]
    new = {old: f"{prefix}-{i}" for i, old in enumerate(ids, 1)}
    refs = "|".join(re.escape(old) for old in sorted(ids, key=len, reverse=True))
    return re.sub(rf'(\sid="|url\(#|href="#)({refs})(?=["\)])', lambda m: m.group(1) + new[m.group(2)], svg)


def spec_mimebundle(spec: dict) -> dict:
    """Mimebundle for a Vega-Lite spec dict (see module docstring)."""
    spec = normalize_spec(spec)
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return {
        vegalite_mimetype(spec): spec,
        "text/plain": f"<Chart: {title}>" if title else "<Chart>",
    }


def chart_svg(chart: alt.TopLevelMixin | dict) -> str:
    """A static SVG of a chart, laid out with the bundled IPAexGothic (same on every machine)."""
    register_fonts()
    spec = normalize_spec(chart if isinstance(chart, dict) else chart.to_dict())
    # allowed_base_urls=[]: the static image must never depend on fetching data.
    svg = vlc.vegalite_to_svg(spec, vl_version=vegalite_version(spec), allowed_base_urls=[])
    return _stable_svg_ids(svg, json.dumps(spec, sort_keys=True))


def chart_mimebundle(chart: alt.TopLevelMixin | dict) -> dict:
    """Mimebundle for an Altair chart (or an already built Vega-Lite spec dict)."""
    return spec_mimebundle(chart if isinstance(chart, dict) else chart.to_dict())


SAVED_FORMATS = (".html", ".svg", ".png", ".json")


def save_chart(chart: alt.TopLevelMixin, path: str | Path) -> Path:
    """Save a chart in the report's look, for use offline, by the name's suffix: .html (a page
    with Vega's JavaScript inlined: it draws without a network, unlike Altair's default, which
    loads Vega from a CDN), .svg or .png (drawn by vl-convert with the bundled font, the same on
    every machine), .json (the Vega-Lite spec). Written whole or not at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SAVED_FORMATS:
        raise KpiError(f"cannot save a chart as {path.name}: the name must end in {', '.join(SAVED_FORMATS)}")
    if not path.parent.is_dir():
        raise KpiError(f"cannot write {path}: folder {path.parent} does not exist")
    spec = normalize_spec(chart.to_dict())
    with atomic_file(path) as tmp:
        if suffix == ".svg":
            tmp.write_text(chart_svg(spec), encoding="utf-8")
        elif suffix == ".png":
            register_fonts()
            tmp.write_bytes(vlc.vegalite_to_png(spec, vl_version=vegalite_version(spec), scale=2, allowed_base_urls=[]))
        elif suffix == ".json":
            tmp.write_text(json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        else:  # what chart.save(path, inline=True) writes, from the normalized spec: the same every run
            html = vlc.vegalite_to_html(spec, vl_version=vegalite_version(spec), bundle=True)
            tmp.write_text(html, encoding="utf-8")
    return path


def _render(spec: dict, **_metadata) -> dict:
    return spec_mimebundle(spec)


def enable() -> None:
    """Register and switch on the "kpi" Altair renderer, so displayed charts use it."""
    alt.renderers.register(RENDERER_NAME, _render)
    alt.renderers.enable(RENDERER_NAME)
