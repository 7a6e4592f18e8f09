"""A4 PDFs of the HTML reports: Chromium prints each page (the report's print stylesheet,
with the running title and page numbers in the page margins), and pypdf joins a year's
reports into one file.

Playwright and pypdf are needed only here: `pip install 'kpi_lib[pdf]'`. Chromium is the
system's (`KPI_CHROMIUM`, else /usr/bin/chromium or any `chromium` on PATH), else the one
`playwright install chromium` downloads.
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

from kpi_lib.core.errors import PdfError
from kpi_lib.core.files import write_atomically

INSTALL_HINT = "kpi report --pdf needs playwright and pypdf: pip install 'kpi_lib[pdf]' (then, without a system Chromium, playwright install chromium)"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
MARGIN = {"top": "16mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}  # as report.css's @page
# Charts draw asynchronously; kpiEmbed marks each box done or error when finished.
_CHARTS_SETTLED = """() => Array.from(document.querySelectorAll('.kpi-chart')).every(
  box => ['done', 'error'].includes(box.getAttribute('data-kpi-state')))"""
_CHARTS_FAILED = "() => document.querySelectorAll('.kpi-chart[data-kpi-state=error]').length"


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


def _margin_template(content: str, align: str) -> str:
    # Chromium draws these in the page margin, with no stylesheet of the page: sizes are explicit
    return (
        f'<div style="width:100%;font-size:8pt;color:#444;margin:0 12mm;text-align:{align};'
        f"font-family:'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',Meiryo,sans-serif\">{content}</div>"
    )


def print_pages(pages: list[tuple[Path, Path, str]], timeout_ms: int = 60_000) -> None:
    """Print each (html file, pdf file, running title) on A4 with its title at the top of each
    page and "n / total" at the foot; a chart that fails to draw stops with an error."""
    sync_playwright, _ = _modules()
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        except Exception as e:  # playwright's own errors are many lines: keep the first
            raise PdfError(f"cannot start Chromium for --pdf: {str(e).strip().splitlines()[0]}") from None
        try:
            for html_path, pdf_path, title in pages:
                context = browser.new_context(offline=True)
                try:
                    page = context.new_page()
                    page.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
                    page.wait_for_function(_CHARTS_SETTLED, timeout=timeout_ms)
                    if page.evaluate(_CHARTS_FAILED):
                        raise PdfError(f"{Path(html_path).name}: a chart failed to draw; no PDF written")
                    page.emulate_media(media="print")
                    data = page.pdf(
                        format="A4",
                        print_background=True,
                        display_header_footer=True,
                        header_template=_margin_template(html.escape(title), "left"),
                        footer_template=_margin_template(
                            '<span class="pageNumber"></span> / <span class="totalPages"></span>', "center"
                        ),
                        margin=MARGIN,
                        prefer_css_page_size=False,
                    )
                finally:
                    context.close()
                write_atomically(pdf_path, deterministic(data))
        finally:
            browser.close()


def deterministic(pdf: bytes) -> bytes:
    """The PDF without its creation and modification times (same input, same bytes)."""
    import io

    _, PdfWriter = _modules()
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    _strip_dates(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _strip_dates(writer) -> None:
    info = writer.metadata or {}
    writer.metadata = {k: v for k, v in info.items() if k not in ("/CreationDate", "/ModDate")}


def combine(pdf_paths: list[Path], out_path: Path, title: str) -> Path:
    """One PDF of `pdf_paths` in order, one outline entry per file, titled `title`."""
    import io

    from pypdf import PdfReader

    _, PdfWriter = _modules()
    writer = PdfWriter()
    for path in pdf_paths:
        reader = PdfReader(path)
        first = len(writer.pages)
        writer.append(reader, import_outline=False)
        name = (reader.metadata or {}).get("/Title") or Path(path).stem
        writer.add_outline_item(str(name), first)
    writer.metadata = {"/Title": title}
    out = io.BytesIO()
    writer.write(out)
    return write_atomically(out_path, out.getvalue())
