"""Charts render one way in JupyterLab, saved notebooks and offline HTML reports."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kpi_lib.core import resources
from kpi_lib.presentation import fonts, rendering
from kpi_lib.publishing.html_export import notebook_node_to_html

VL5 = "application/vnd.vegalite.v5+json"
CHROMIUM = "/usr/bin/chromium"
# vl-convert's bundle pairs Vega-Lite 5 with Vega 6 (as vl-convert itself does when it draws
# the notebook's SVG); vega-embed notes the compiled spec's "v5" $schema. Nothing else may
# be logged.
from browser import KNOWN_WARNING  # noqa: E402

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason=f"{CHROMIUM} not installed (apt-get install chromium); required when CI is set",
)


def sample_chart() -> alt.Chart:
    df = pd.DataFrame({"年度": [2021, 2022, 2023, 2024], "転入者数": [1200, 1350, 1280, 1420]})
    return (
        alt.Chart(df, title="転入者数の推移")
        .mark_line(point=True, clip=True)
        .encode(x="年度:O", y="転入者数:Q", tooltip=["年度:O", alt.Tooltip("転入者数:Q", format=",")])
        .interactive()
    )


@pytest.fixture
def kpi_renderer():
    previous = alt.renderers.active
    rendering.enable()
    yield
    alt.renderers.enable(previous)


def test_altair_is_pinned_to_vega_lite_5():
    # JupyterLab 4.6 renders vegalite v3/v4/v5 mimetypes only (vega-lite 5.6.1 inside).
    assert alt.SCHEMA_VERSION.startswith("v5."), "pin altair>=5.5,<6 (see kpi_lib.presentation.rendering)"


def test_mimebundle_keys_and_font():
    bundle = rendering.chart_mimebundle(sample_chart())
    assert set(bundle) == {VL5, "text/plain"}
    spec = bundle[VL5]
    assert spec["config"]["font"] == rendering.FONT_FAMILY
    assert rendering.FONT_FAMILY.startswith("IPAexGothic,")
    assert spec["datasets"] and "data" in spec  # data inline, nothing to fetch
    assert bundle["text/plain"] == "<Chart: 転入者数の推移>"


def test_static_svg_uses_the_bundled_font():
    svg = rendering.chart_svg(sample_chart())
    assert svg.startswith("<svg") and "転入者数の推移" in svg and "IPAexGothic" in svg


def test_mimebundle_is_valid_in_a_saved_notebook(tmp_path):
    bundle = rendering.chart_mimebundle(sample_chart())
    nb = new_notebook(cells=[new_code_cell("chart", execution_count=1)])
    nb.cells[0].outputs = [new_output("display_data", data=bundle)]
    nbformat.validate(nb)
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    assert nbformat.read(path, as_version=4).cells[0].outputs[0]["data"] == bundle


def test_enable_displays_charts_through_the_kpi_renderer(kpi_renderer):
    assert alt.renderers.active == "kpi"
    chart = sample_chart()
    shown = chart._repr_mimebundle_()
    data = shown[0] if isinstance(shown, tuple) else shown
    assert data == rendering.chart_mimebundle(chart)


_BUNDLE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import altair as alt, pandas as pd
    from kpi_lib.presentation import rendering
    if sys.argv[1] == "warm":  # move Altair's name counters and vl-convert's SVG id counters
        other = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_line(clip=True).encode(x="x", y="x")
        for _ in range(3):
            rendering.chart_mimebundle(other.interactive())
    sys.path.insert(0, sys.argv[2])
    from test_rendering import sample_chart
    print(json.dumps(rendering.chart_mimebundle(sample_chart()), sort_keys=True))
    heavy = ("matplotlib",)
    print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
    """
)


@pytest.mark.slow  # runs kpi report
def test_mimebundle_is_identical_in_fresh_processes():
    def run(mode):
        out = subprocess.run(
            [sys.executable, "-c", _BUNDLE_SCRIPT, mode, str(Path(__file__).parent)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        return out[0], out[1]

    cold, imported = run("cold")
    warm, _ = run("warm")
    assert cold == warm
    assert imported == "[]"  # charts and the font need no plotting library


def test_register_fonts_is_idempotent():
    fonts.register_fonts()
    fonts.register_fonts()
    assert fonts.FONT_FILE.is_file() and fonts.FONT_FILE.parent == resources.FONT_DIR


def test_font_subset_holds_exactly_the_chart_characters():
    from fontTools.ttLib import TTFont

    css = fonts.font_face_css("転入者数の推移①")
    assert css.startswith("@font-face{font-family:'IPAexGothic'")
    data = base64.b64decode(css.split("base64,")[1].split(")")[0])
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    assert {ord(c) for c in "転入者数の推移①AZ09%,"} <= set(cmap)
    assert ord("北") not in cmap  # not asked for: left out
    # no time of subsetting in the file: reports are the same bytes on every machine and day
    assert TTFont(io.BytesIO(data))["head"].modified == TTFont(fonts.FONT_FILE)["head"].modified
    assert len(data) < 60_000


# --- the report pipeline on a small notebook --------------------------------------------

FIXTURE_CELLS = [
    new_markdown_cell("# 転入者数の進捗\n\n**基本目標1**：しごとをつくり、安心して働けるようにする。"),
    new_code_cell(
        "import altair as alt\nimport pandas as pd\nfrom kpi_lib.presentation import rendering\n\nrendering.enable()"
    ),
    new_code_cell(
        "df = pd.DataFrame(\n"
        "    {'年度': [2021, 2022, 2023, 2024], '転入者数': [1200, 1350, 1280, 1420]}\n"
        ")\n"
        "alt.Chart(df, title='転入者数の推移').mark_line(point=True).encode(\n"
        "    x=alt.X('年度:O'),\n"
        "    y=alt.Y('転入者数:Q', title='転入者数（人）'),\n"
        "    tooltip=[alt.Tooltip('年度:O'), alt.Tooltip('転入者数:Q', format=',')],\n"
        ")"
    ),
    # A Styler left as the cell result would put its memory address in text/plain, and
    # its HTML ids are random unless set_uuid is given: show it as fixed HTML instead.
    new_code_cell(
        "from IPython.display import HTML\n\n"
        "table = df.assign(達成率=[0.92, 0.96, 0.91, 1.01]).style.set_uuid('kpi')\n"
        "HTML(table.format({'転入者数': '{:,}', '達成率': '{:.1%}'}).hide(axis='index').to_html())"
    ),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    import papermill

    folder = tmp_path_factory.mktemp("report")
    source, executed, html = (
        folder / "source.ipynb",
        folder / "executed.ipynb",
        folder / "report.html",
    )
    nb = new_notebook(cells=FIXTURE_CELLS)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, source)
    papermill.execute_notebook(source, executed, kernel_name="python3", progress_bar=False, cwd=str(folder))
    notebook_to_html(executed, html, title="転入者数の進捗")
    return executed, html


class _Page(HTMLParser):
    """Collects every URL-valued attribute, the tags used, and the CSS text."""

    def __init__(self):
        super().__init__()
        self.urls, self.tags, self.css, self._in_style = [], [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action", "xlink:href"):
                self.urls.append(f"<{tag} {name}={value}>")
            if name == "style":
                self.css.append(value or "")

    def handle_data(self, data):
        if self._in_style:
            self.css.append(data)

    def handle_endtag(self, tag):
        self._in_style = False


def test_report_html_loads_nothing_from_outside(report):
    _, html = report
    text = html.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    external = [u for u in page.urls if re.search(r"=(https?:)?//", u)]
    assert external == []
    assert "link" not in page.tags and "iframe" not in page.tags
    css = "\n".join(page.css)
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert not re.search(r"<script[^>]*\ssrc=", text)
    assert "require.js" not in text and "mathjax" not in text.lower()
    # One inlined Vega bundle, one spec + one call per chart.
    assert text.count("window.vegaEmbed=") == 1
    assert text.count('<script type="application/json">') == 1
    assert text.count("kpiEmbed(document.currentScript)") == 1


def test_report_html_shows_outputs_not_code(report):
    _, html = report
    text = html.read_text(encoding="utf-8")
    assert '<html lang="ja">' in text and "<title>転入者数の進捗</title>" in text
    assert "<h1" in text and "<strong>基本目標1</strong>" in text  # markdown rendered
    assert "T_kpi" in text and "1,350" in text and "101.0%" in text  # Styler table
    assert "rendering.enable()" not in text and "In&nbsp;[" not in text
    assert "jp-InputArea-editor" not in text and str(html.parent) not in text


def test_report_html_is_reproducible(report, tmp_path):
    executed, html = report
    again = notebook_to_html(executed, tmp_path / "again.html", title="転入者数の進捗")
    assert again.read_bytes() == html.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["again.html"]  # no temp file left


def test_executed_notebook_passes_strict_nbval(report):
    executed, _ = report
    # Re-runs the notebook in a fresh kernel and compares every output with the saved ones.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", executed.name],
        cwd=executed.parent,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert re.search(r"\b3 passed\b", result.stdout), result.stdout[-1000:]


@needs_chromium
def test_report_draws_charts_offline_in_chromium(report, chromium, artifacts):
    from browser import check_page

    _, html = report
    result = check_page(chromium, html, artifacts / "offline_report.png")
    assert result["settled"] and result["charts"] == 1
    assert result["drawn"] == 1 and result["errored"] == 0
    assert result["external_requests"] == []
    assert result["failed_requests"] == []
    assert [m for m in result["console"] if not KNOWN_WARNING.match(m)] == []
    assert result["tooltip"] and "2021" in result["tooltip"] and "1,200" in result["tooltip"]


@needs_chromium
def test_report_refuses_external_chart_data(tmp_path, chromium):
    from browser import check_page

    spec = {
        "$schema": f"https://vega.github.io/schema/vega-lite/{alt.SCHEMA_VERSION}.json",
        "data": {"url": "kpi_values.csv"},
        "mark": "bar",
        "encoding": {
            "x": {"field": "a", "type": "nominal"},
            "y": {"field": "b", "type": "quantitative"},
        },
    }
    (tmp_path / "kpi_values.csv").write_text("a,b\nx,1\n")
    nb = new_notebook(cells=[new_code_cell("chart", execution_count=1)])
    nb.cells[0].outputs = [new_output("display_data", data={VL5: spec, "text/plain": "<Chart>"})]
    nbformat.write(nb, tmp_path / "external.ipynb")
    html = notebook_to_html(tmp_path / "external.ipynb", tmp_path / "external.html")
    result = check_page(chromium, html, tmp_path / "external.png")
    # Without the offline loader Chromium would read kpi_values.csv (a request we record).
    assert result["external_requests"] == [] and result["failed_requests"] == []
    assert any("offline report: not loading kpi_values.csv" in m for m in result["console"])


def notebook_to_html(notebook_path, html_path, title=None):
    """The HTML of a notebook saved at notebook_path, as a report run converts it."""
    return notebook_node_to_html(nbformat.read(notebook_path, as_version=4), html_path, notebook_path, title)
