"""Executed notebook -> one self-contained HTML report that opens offline.

Uses the ``kpi_report`` nbconvert template (kpi_lib/publishing/templates/kpi_report): code cells and
prompts are hidden, and nothing is loaded from the network (no require.js, MathJax or
CDN Vega). Charts are drawn in the browser from the Vega-Lite spec stored in the notebook
output, by the Vega/Vega-Lite/vega-embed bundle from vl-convert, inlined once per page.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from pathlib import Path

import vl_convert as vlc
from nbconvert import HTMLExporter
from traitlets.config import Config

from kpi_lib.core import cache, resources
from kpi_lib.core.files import write_atomically
from kpi_lib.presentation.fonts import font_face_css
from kpi_lib.presentation.rendering import CHART_DATA_MIMETYPE, vegalite_version

TEMPLATE_DIR = resources.TEMPLATE_DIR
TEMPLATE_NAME = "kpi_report"
_CHART_MIMETYPE = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# Cells with this tag are for whoever opens the notebook (the report templates' headings and the
# note telling an analyst where to explore): the HTML report leaves them out.
NOTEBOOK_ONLY_TAG = "notebook-only"


# Bundles for other vl-convert or Vega-Lite versions (another environment, an upgrade) are few.
BUNDLES_KEPT = 4


@functools.cache
def vega_bundle(vl_version: str) -> str:
    """Vega + Vega-Lite + vega-embed as one classic script (sets window.vegaEmbed).

    Building it takes vl-convert ~2 s, so vl-convert's bundle is kept in a cache file keyed on
    what determines it, vl-convert's and the Vega-Lite version (a cache that cannot be written
    is simply skipped).
    """
    name = cache.entry_name("vega-bundle", ".js", {"vl-convert": vlc.__version__, "vega-lite": vl_version})
    cached = cache.read(name)
    if cached is not None:
        js = cached.decode("utf-8")
    else:
        js = vlc.javascript_bundle(vl_version=vl_version)
        cache.write(name, js.encode("utf-8"), keep=BUNDLES_KEPT)
    # Inline in <script>: a literal "</script" would end the element early.
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def _script_json(value) -> str:
    # "<" only occurs inside JSON strings, where \u003c means the same thing; this keeps
    # "</script>" or "<!--" in a spec from breaking out of the <script> element.
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def _chart_specs(nb) -> dict[str, list[dict]]:
    """Vega-Lite specs in the notebook's outputs, keyed by mimetype."""
    found: dict[str, list[dict]] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mimetype, value in output.get("data", {}).items():
                if _CHART_MIMETYPE.match(mimetype):
                    found.setdefault(mimetype, []).append(value)
    return found


def _bundle_version(specs: list[dict]) -> str:
    """One Vega-Lite build for the whole page: the newest any chart asks for."""
    versions = {vegalite_version(spec) for spec in specs}
    if len({v.split(".")[0] for v in versions}) > 1:
        raise ValueError(f"charts need different Vega-Lite major versions: {sorted(versions)}")
    return max(versions, key=lambda v: tuple(map(int, v.split("."))))


_exporters = threading.local()


def _exporter() -> HTMLExporter:
    """This thread's exporter: building one compiles the templates (~0.2 s), so it is reused;
    report runs convert notebooks on several threads, and an exporter is not thread-safe."""
    exporter = getattr(_exporters, "html", None)
    if exporter is None:
        exporter = HTMLExporter(
            config=Config({"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": [NOTEBOOK_ONLY_TAG]}}),
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
            embed_images=True,  # local images in markdown become data: URIs
        )
        exporter.register_filter("kpi_script_json", _script_json)
        _exporters.html = exporter
    return exporter


def notebook_node_to_html(nb, html_path, notebook_path, title=None, lang="ja", nav: str = "") -> Path:
    """Write ``html_path`` (atomically) from an executed notebook already in memory;
    ``notebook_path`` is where it is saved (its name is the default title, its folder is where
    images in markdown are looked up); ``nav`` is trusted markup put before the page's <main>
    (the links between the pages of a report set, see report.navigation)."""
    notebook_path, html_path = Path(notebook_path), Path(html_path)
    if not _LANG.match(lang):
        raise ValueError(f"not a language tag: {lang!r}")
    charts = _chart_specs(nb)
    all_specs = [spec for specs in charts.values() for spec in specs]
    resources = {
        # path: where markdown images are looked up for embedding.
        "metadata": {"name": notebook_path.stem, "path": str(notebook_path.parent)},
        "kpi": {
            "title": title or nb.metadata.get("title") or notebook_path.stem,
            "lang": lang,
            "nav": nav,
            "chart_mimetypes": sorted(charts),
            "chart_data": CHART_DATA_MIMETYPE,
            "vega_bundle": vega_bundle(_bundle_version(all_specs)) if all_specs else "",
            # the chart font, subset to what the charts draw (see fonts.py)
            "font_face": font_face_css(json.dumps(all_specs, ensure_ascii=False)) if all_specs else "",
        },
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)

    html_path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(html_path, body)
