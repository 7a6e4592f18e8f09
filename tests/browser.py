"""Open a report in headless Chromium with the network cut off, as on an offline office PC.

Uses Debian's /usr/bin/chromium through Playwright (browsers downloaded by Playwright do
not install here). Every request other than the page's own file is recorded and aborted.
One browser serves every page of a test file (tests get it from the fixture `chromium`, see
conftest.py); each page opens in a fresh context, so no cache or storage carries over.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("KPI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Second line of defence behind the request interception below.
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
CHART_SELECTOR = ".kpi-chart"
# vl-convert's bundle pairs Vega-Lite 5 with Vega 6 and says so once per chart: harmless.
KNOWN_WARNING = re.compile(r"^warning: (WARN )?The compiled spec uses Vega v5, but current version is v6")

# Box of every chart and whether it holds a drawn <svg>/<canvas> of non-zero size.
_CHARTS_JS = """sel => Array.from(document.querySelectorAll(sel)).map(box => {
  const drawn = Array.from(box.querySelectorAll('svg, canvas')).some(el => {
    const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  return {state: box.getAttribute('data-kpi-state'), drawn};
})"""
# Charts draw asynchronously; kpiEmbed marks each box done or error when finished.
_SETTLED_JS = """sel => Array.from(document.querySelectorAll(sel)).every(
  box => ['done', 'error'].includes(box.getAttribute('data-kpi-state')))"""


def _hover_first_point(page) -> str | None:
    """Hover the first point/bar of the first chart; return the tooltip text, if any."""
    mark = page.query_selector(f"{CHART_SELECTOR} .mark-symbol path, {CHART_SELECTOR} .mark-rect path")
    if mark is None:
        return None
    mark.hover(force=True)
    try:
        page.wait_for_selector("#vg-tooltip-element.visible", state="visible", timeout=3000)
    except Exception:
        return None
    return page.inner_text("#vg-tooltip-element")


@contextmanager
def launch(args: list[str] = CHROMIUM_ARGS) -> Iterator:
    """Headless Chromium (a Playwright Browser) started with `args`, closed on exit."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            yield browser
        finally:
            browser.close()


def check_page(browser, html_path, screenshot_path=None, timeout_ms: int = 30_000, audit: bool = False) -> dict:
    """Load ``html_path`` offline in `browser` (see launch), wait for the charts, screenshot the full page
    (unless `screenshot_path` is None); with `audit`, also run axe-core on it (see audit_page).

    Returns settled (every chart finished before the timeout), charts (containers found),
    drawn (containers with a visible svg/canvas), errored (containers whose vega-embed call
    failed), external_requests (any URL other than the file itself: must be empty),
    failed_requests, console (errors and warnings, including uncaught exceptions) and
    tooltip (text shown on hovering the first mark).
    """
    html_path = Path(html_path).resolve()
    if screenshot_path is not None:
        screenshot_path = Path(screenshot_path)
        screenshot_path.parent.mkdir(parents=True, exist_ok=True)
    url = html_path.as_uri()
    external, failed, console = [], [], []

    def is_external(u: str) -> bool:
        # data:/blob:/about: URLs never reach the network.
        return u != url and not u.startswith(("data:", "blob:", "about:"))

    def route(r):
        if not is_external(r.request.url):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context = browser.new_context(viewport={"width": 1100, "height": 900}, service_workers="block", offline=True)
    try:
        context.route("**/*", route)
        page = context.new_page()
        # Requests that bypass routing (if any) are still seen here.
        page.on("request", lambda r: is_external(r.url) and r.url not in external and external.append(r.url))
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.on("console", lambda m: m.type in ("error", "warning") and console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.goto(url, wait_until="load", timeout=timeout_ms)
        try:
            page.wait_for_function(_SETTLED_JS, arg=CHART_SELECTOR, timeout=timeout_ms)
            settled = True
        except PlaywrightTimeoutError:  # report what was drawn rather than raise
            settled = False
        boxes = page.evaluate(_CHARTS_JS, CHART_SELECTOR)
        audited = _audit(page) if audit else {}  # before the hover: no tooltip in the audit
        if screenshot_path is not None:
            page.screenshot(path=str(screenshot_path), full_page=True)
        tooltip = _hover_first_point(page)
    finally:
        context.close()
    return audited | {
        "settled": settled,
        "charts": len(boxes),
        "drawn": sum(b["drawn"] for b in boxes),
        "errored": sum(b["state"] == "error" for b in boxes),
        "external_requests": list(dict.fromkeys(external)),
        "failed_requests": failed,
        "console": console,
        "tooltip": tooltip,
    }


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.0/2.1 A and AA: JIS X 8341-3:2016 AA
# Headings in document order, each chart's text alternative (chart_texts: its description, the
# SVG's aria-label, and whether a data table follows it in the same output), the page's links,
# and elements marked with a language.
_STRUCTURE_JS = """() => ({
  headings: Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => [+h.tagName[1], h.textContent.trim()]),
  chart_texts: Array.from(document.querySelectorAll('.kpi-chart')).map(box => {
    const svg = box.querySelector('svg');
    const table = box.parentElement.querySelector('details.kpi-chart-data table');
    return {label: svg ? svg.getAttribute('aria-label') : null, rows: table ? table.tBodies[0].rows.length : 0};
  }),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => ({href: a.getAttribute('href'), text: a.textContent.trim(), rel: a.rel})),
  badges: Array.from(document.querySelectorAll('.kpi-grade')).map(el => {
    const s = getComputedStyle(el); return [el.textContent.trim(), s.color, s.backgroundColor]; }),
  title: document.title,
  lang: document.documentElement.lang,
  marked: Array.from(document.querySelectorAll('body [lang]')).map(el => [el.lang, el.textContent.trim()]),
})"""


def audit_page(browser, html_path, timeout_ms: int = 30_000) -> dict:
    """Load ``html_path`` offline, wait for its charts, run axe-core's WCAG 2.0/2.1 A and AA rules.

    Returns violations (rule id, impact, the first few offending elements) and the page's
    structure (see _STRUCTURE_JS), with check_page's findings. axe is injected from the
    vendored file: no network.
    """
    return check_page(browser, html_path, None, timeout_ms, audit=True)


def _audit(page) -> dict:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:200] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]
    return {"violations": violations, **page.evaluate(_STRUCTURE_JS)}
