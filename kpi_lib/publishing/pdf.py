"""A4 PDFs of the HTML reports: Chromium prints each page with the report's print stylesheet,
and a year's reports once more as one document (title page with contents, the overview, then
the projects in order), so its page numbers run on and its contents page can name them.

Every PDF draws its text with a subset of the vendored IPAexGothic holding just the page's
characters (fonts.font_face_css), not with the machine's fonts: a system CJK font maps both 目
(U+76EE) and the Kangxi radical ⽬ (U+2F6C) to one glyph, and Chromium's text layer may then
name the radical; in a subset every glyph maps back to the one character asked for. The
running title and page numbers are the print stylesheet's page-margin boxes, in the same font.

Playwright and pypdf are needed only here: `pip install 'kpi_lib[pdf]'`. Chromium is the
system's (`KPI_CHROMIUM`, else /usr/bin/chromium or any `chromium` on PATH), else the one
`playwright install chromium` downloads.
"""

from __future__ import annotations

import html
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from kpi_lib.core.errors import PdfError
from kpi_lib.core.files import write_atomically
from kpi_lib.core.resources import TEMPLATE_DIR
from kpi_lib.presentation.fonts import font_face_css

INSTALL_HINT = "kpi report --pdf needs playwright and pypdf: pip install 'kpi_lib[pdf]' (then, without a system Chromium, playwright install chromium)"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PRINT_FONT = "KPI Print"  # the family of the text subset (IPAexGothic), apart from the charts' own
STYLESHEET = TEMPLATE_DIR / "kpi_report" / "static" / "report.css"
# Charts draw asynchronously; kpiEmbed marks each box done or error when finished.
_CHARTS_SETTLED = """() => Array.from(document.querySelectorAll('.kpi-chart')).every(
  box => ['done', 'error'].includes(box.getAttribute('data-kpi-state')))"""
_CHARTS_FAILED = "() => document.querySelectorAll('.kpi-chart[data-kpi-state=error]').length"
# The print layout, from the page's own markup: each indicator (its heading and what follows
# it up to the next) becomes one block, and an output area's blocks a grid of small multiples
# (report.css, @media print).
_PRINT_LAYOUT = """() => {
  document.querySelectorAll('.jp-OutputArea').forEach(area => {
    const children = Array.from(area.children);
    if (!children.some(c => c.querySelector('h3.kpi-indicator'))) return;
    const grid = document.createElement('div');
    grid.className = 'kpi-print-grid';
    let block = null;
    children.forEach(child => {
      if (child.querySelector('h3.kpi-indicator')) {
        block = document.createElement('div');
        block.className = 'kpi-print-indicator';
        grid.appendChild(block);
      }
      if (block) block.appendChild(child);
    });
    area.appendChild(grid);
  });
}"""
# The charts drawn again for paper from the page's own specs: the small multiples' trend charts
# lower and narrower (the column is ~90 mm) without a title (the indicator's heading above names
# it; the description stays the SVG's label); the others (overview) at `other_height` of their height; every legend whole (no label
# cut short), its title beside its entries, in small type. Resolves when every one is drawn.
PRINT_CHART = {"width": 300, "height": 72, "legend_columns": 2, "other_height": 0.72}
_PRINT_CHARTS = """(size) => Promise.all(Array.from(document.querySelectorAll('main .kpi-chart')).map(box => {
  const spec = JSON.parse(box.querySelector('script[type="application/json"]').textContent);
  const block = box.closest('.kpi-print-indicator');
  if (block && block.querySelector('.kpi-chart') !== box) return null;  // the rate chart stays on screen
  spec.config = spec.config || {};
  if (block) {
    spec.width = size.width;
    spec.height = size.height;
    delete spec.title;
    spec.config.legend = Object.assign({}, spec.config.legend, {columns: size.legend_columns});
  } else if (typeof spec.height === 'number') {
    spec.height = Math.round(spec.height * size.other_height);
    spec.config.axis = Object.assign({}, spec.config.axis, {labelFontSize: 9.5, titleFontSize: 9.5});
    spec.config.text = Object.assign({}, spec.config.text, {fontSize: 9.5});
  }
  spec.config.legend = Object.assign({}, spec.config.legend, {labelLimit: 0, labelFontSize: 9.5, titleFontSize: 9.5,
    titleOrient: 'left', symbolSize: 50, rowPadding: 1, padding: 2});
  const old = box.querySelector('.vega-embed');
  const target = document.createElement('div');
  return vegaEmbed(target, spec, {mode: 'vega-lite', renderer: 'svg', actions: false, loader: kpiOfflineLoader})
    .then(() => {
      const svg = target.querySelector('svg');
      if (svg && spec.description) { svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', spec.description); }
      old.replaceWith(target);
    });
}))"""
# A printed page's content as static markup: the drawn SVGs stay, scripts and the folded data
# tables go; ids (Vega's clip paths, headings) take a prefix so that parts joined in one
# document keep their own.
_STATIC_MAIN = """(prefix) => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('script, .kpi-chart-data').forEach(e => e.remove());
  main.querySelectorAll('[id]').forEach(e => { e.id = prefix + e.id; });
  return main.innerHTML.replace(/url\\(#/g, 'url(#' + prefix).replace(/href="#/g, 'href="#' + prefix);
}"""


@dataclass(frozen=True)
class Part:
    """One report's content in the combined document."""

    heading: str  # its name on the contents page
    body: str  # static markup of its <main>


def _modules():
    try:
        from playwright.sync_api import sync_playwright
        from pypdf import PdfWriter
    except ImportError:
        raise PdfError(INSTALL_HINT) from None
    return sync_playwright, PdfWriter


def check_installed() -> None:
    """Stop with one line naming what to install if --pdf cannot work."""
    _modules()


def chromium_path() -> str | None:
    """The system Chromium to print with, or None for Playwright's own."""
    found = os.environ.get("KPI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def print_css(characters: str, running_title: str, charts: bool = False) -> str:
    """The print font (a subset of IPAexGothic with `characters` and the title) for all text,
    and the page margins: the running title at the top, "n / total" at the foot. With `charts`,
    the charts' font too (a document of static SVGs that has none of its own)."""
    font = f"'{PRINT_FONT}', sans-serif"
    return (
        font_face_css(characters + running_title, PRINT_FONT)
        + (font_face_css(characters) if charts else "")
        + f"@media print {{ body, code, pre, .kpi-report {{ font-family: {font}; }} }}"
        + "@page {"
        + f" @top-left {{ content: {_css_string(running_title)}; font: 8pt/1.2 {font}; color: #444;"
        + " vertical-align: bottom; padding-bottom: 3mm; }"
        + f' @bottom-center {{ content: counter(page) " / " counter(pages); font: 8pt/1.2 {font}; color: #444; }}'
        + " }"
    )


def _launch(p):
    try:
        return p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    except Exception as e:  # playwright's own errors are many lines: keep the first
        raise PdfError(f"cannot start Chromium for --pdf: {str(e).strip().splitlines()[0]}") from None


_HEADINGS = "() => Array.from(document.querySelectorAll('main :is(h1, h2, h3, h4, h5, h6)'), h => h.textContent)"


def _pdf(page) -> tuple[bytes, list[str]]:
    """The printed page and its headings' texts, in order (the outline's titles)."""
    page.emulate_media(media="print")
    # Margins and running heads are print_css's @page rules; headings become the outline
    data = page.pdf(prefer_css_page_size=True, print_background=True, outline=True, tagged=True)
    return data, [" ".join(h.split()) for h in page.evaluate(_HEADINGS)]


def print_pages(pages: list[tuple[Path, Path, str]], timeout_ms: int = 60_000) -> list[str]:
    """Print each (html file, pdf file, running title) on A4 with its title at the top of each
    page and "n / total" at the foot; a chart that fails to draw stops with an error. Returns
    each page's content as static markup (for `print_combined`)."""
    sync_playwright, _ = _modules()
    bodies = []
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            for number, (html_path, pdf_path, title) in enumerate(pages):
                context = browser.new_context(offline=True)
                try:
                    page = context.new_page()
                    page.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
                    page.wait_for_function(_CHARTS_SETTLED, timeout=timeout_ms)
                    if page.evaluate(_CHARTS_FAILED):
                        raise PdfError(f"{Path(html_path).name}: a chart failed to draw; no PDF written")
                    page.evaluate(_PRINT_LAYOUT)
                    page.evaluate(_PRINT_CHARTS, PRINT_CHART)
                    characters = page.evaluate("() => document.title + document.body.textContent")
                    page.add_style_tag(content=print_css(characters, title))
                    page.evaluate("() => document.fonts.ready")
                    data, headings = _pdf(page)
                    bodies.append(page.evaluate(_STATIC_MAIN, f"p{number}-"))
                    lang = page.evaluate("() => document.documentElement.lang")
                    doc_title = page.evaluate("() => document.title")
                finally:
                    context.close()
                write_atomically(pdf_path, finish(data, doc_title, lang, headings))
        finally:
            browser.close()
    return bodies


def _document(parts: list[Part], lang: str, title: str, front: str, contents_label: str, numbers) -> str:
    """The combined document: a title page with the front matter and contents (page numbers
    from `numbers`, one per part, or blanks on the first pass), then each part from a new page."""
    rows = "".join(
        f'<li><a href="#part-{i}">{html.escape(part.heading)}</a><span class="kpi-toc-page">{number}</span></li>'
        for i, (part, number) in enumerate(zip(parts, numbers))
    )
    sections = "".join(f'<section class="kpi-part" id="part-{i}">{part.body}</section>' for i, part in enumerate(parts))
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLESHEET.read_text(encoding='utf-8')}</style></head>"
        f'<body class="kpi-report kpi-combined"><main><section class="kpi-front">{front}'
        f'<nav class="kpi-toc"><h2>{html.escape(contents_label)}</h2><ol>{rows}</ol></nav></section>'
        f"{sections}</main></body></html>"
    )


def _part_pages(pdf: bytes, count: int) -> list[int]:
    """The first page (1-based) of each part: the outline's top-level entries after the title
    page's are the parts' headings (each part starts with its <h1>)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    tops = [item for item in reader.outline if not isinstance(item, list)]
    pages = [reader.get_destination_page_number(item) + 1 for item in tops]
    if len(pages) < count:
        raise PdfError(f"the combined PDF's outline has {len(pages)} entries for {count} reports")
    return pages[-count:]


def print_combined(parts: list[Part], out_path: Path, title: str, lang: str, front: str, contents_label: str) -> Path:
    """All `parts` in one PDF: title page (`front`, trusted markup, and the contents with each
    part's first page), then the parts, numbered on throughout, running title `title`."""
    sync_playwright, _ = _modules()
    numbers = ["" for _ in parts]
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            # Twice: the first print tells the page each part starts on, the second prints them
            # on the contents page (same length: only the numbers change).
            for _ in range(2):
                markup = _document(parts, lang, title, front, contents_label, numbers)
                page.set_content(markup, wait_until="load")
                characters = page.evaluate("() => document.title + document.body.textContent")
                page.add_style_tag(content=print_css(characters, title, charts=True))
                page.evaluate("() => document.fonts.ready")
                data, headings = _pdf(page)
                numbers = _part_pages(data, len(parts))
            context.close()
        finally:
            browser.close()
    return write_atomically(out_path, finish(data, title, lang, headings))


def _retitle_outline(writer, headings: list[str]) -> None:
    """Chromium titles a bookmark with its heading's lines joined without a space
    ("Regional Revitalization:progress"): each takes its heading's text instead, matched in order."""
    from pypdf.generic import NameObject, TextStringObject

    items, stack = [], [writer.root_object.get("/Outlines", {}).get("/First")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        node = node.get_object()
        items.append(node)
        stack.append(node.get("/Next"))
        stack.append(node.get("/First"))  # popped first: children before the next sibling
    remaining = iter(headings)
    for node in items:
        for heading in remaining:
            if "".join(heading.split()) == "".join(str(node["/Title"]).split()):
                node[NameObject("/Title")] = TextStringObject(heading)
                break


def finish(pdf: bytes, title: str, lang: str, headings: list[str] = ()) -> bytes:
    """The PDF with its title and language set, bookmarks titled as the `headings` read, pages
    labelled 1, 2, … and no creation or modification time (same input, same bytes)."""
    from pypdf.constants import PageLabelStyle
    from pypdf.generic import NameObject, TextStringObject

    _, PdfWriter = _modules()
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    info = writer.metadata or {}
    writer.metadata = {k: v for k, v in info.items() if k not in ("/CreationDate", "/ModDate")} | {"/Title": title}
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    _retitle_outline(writer, list(headings))
    writer.set_page_label(0, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
