"""`kpi report --pdf`: A4 pages, looked at as the council sees them (page images and page text)."""

import functools
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import CAN_PRINT, PDF_YEAR

from kpi_lib.core.labels import text
from kpi_lib.publishing.report import pdf_name

pytestmark = pytest.mark.skipif(
    not (Path("/usr/bin/chromium").exists() and shutil.which("pdftoppm")) and not os.environ.get("CI"),
    reason="needs /usr/bin/chromium and pdftoppm (python3 tasks.py test installs them)",
)
LANGS = ("ja", "en")
PAGES = ["project_1", "project_2", "project_3", "project_4", "project_5", "overview"]


@pytest.fixture(scope="module")
def printed(report_set):
    """FY2018's reports as `kpi report --year 2018 --pdf` printed them (conftest.report_set)."""
    assert CAN_PRINT
    return report_set / str(PDF_YEAR)


def _images(pdf: Path, folder: Path) -> list[bytes]:
    """The PDF's pages as 30-dpi greyscale images (pdftoppm), one PGM file's pixels per page."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(folder / "page")], check=True)
    pages = []
    for path in sorted(folder.glob("page-*.pgm")):
        magic, width, height, maxval, pixels = path.read_bytes().split(maxsplit=4)
        assert magic == b"P5" and int(maxval) == 255
        pages.append((int(width), int(height), pixels[: int(width) * int(height)]))
    return pages


def _ink(image, top: float, bottom: float) -> float:
    """Share of non-white pixels between two heights (fractions of the page)."""
    width, height, pixels = image
    part = pixels[int(top * height) * width : int(bottom * height) * width]
    return sum(1 for p in part if p < 200) / max(1, len(part))


@functools.cache
def _pages_text(pdf: Path) -> list[list[str]]:
    """Each page's text lines (read once per file: two tests look at the same PDFs)."""
    from pypdf import PdfReader

    return [[line.strip() for line in page.extract_text().splitlines()] for page in PdfReader(pdf).pages]


@pytest.mark.parametrize("lang", LANGS)
def test_reports_print_on_a4_in_few_pages_with_running_title_and_page_numbers(printed, tmp_path, dataset, lang):
    from pypdf import PdfReader

    counts = {}
    for name in PAGES:
        pdf = printed / lang / f"{name}.pdf"
        reader = PdfReader(pdf)
        counts[name] = len(reader.pages)
        for page in reader.pages:  # A4: 210 x 297 mm (Chromium rounds to a hundredth of an inch)
            width, height = (float(x) * 25.4 / 72 for x in page.mediabox[2:])
            assert abs(width - 210) < 1 and abs(height - 297) < 1, (name, width, height)
        images = _images(pdf, tmp_path / name)
        assert len(images) == counts[name]  # every page renders
        if name.startswith("project_"):
            # the first page is filled, not two-thirds empty (its lower half carries content);
            # the overview's first page is not: its heat map is a page tall and moves to page 2
            assert _ink(images[0], 0.5, 0.95) > 0.01, name
        texts = _pages_text(pdf)
        strategy = dataset.metadata[f"title_{lang}"]
        for number, lines in enumerate(texts, start=1):
            page_text = " ".join(lines)
            assert f"{number} / {counts[name]}" in lines, (name, number)  # page numbers at the foot
            # the running title (the PDF's text may use radical forms such as ⽣ for 生: NFKC)
            assert strategy in unicodedata.normalize("NFKC", page_text), (name, number)
    # issue 12: project 1 fits in about six pages, the overview in two or three
    assert counts["project_1"] <= 8, counts
    assert 2 <= counts["overview"] <= 3, counts
    combined = PdfReader(printed / lang / pdf_name(2018, lang))
    assert len(combined.pages) == sum(counts.values())
    assert [item.title for item in combined.outline] == [
        PdfReader(printed / lang / f"{n}.pdf").metadata.title for n in PAGES
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_no_chart_is_split_across_pages(printed, lang):
    """A chart's SVG prints its legend, then its title: a chart cut by a page break would leave
    its title on one page and its legend on another, so on every page they pair up."""
    pairs = [("chart.trend", "chart.series"), ("chart.rate", "col.grade")]
    for name in PAGES[:-1]:
        pages = _pages_text(printed / lang / f"{name}.pdf")
        for title_key, legend_key in pairs:
            title, legend = text(title_key, lang), text(legend_key, lang)
            per_page = [(lines.count(title), lines.count(legend)) for lines in pages]
            assert all(t == g for t, g in per_page), (name, title, per_page)
            assert sum(t for t, _ in per_page) > 0, (name, title)  # the charts are there at all


def test_the_index_links_the_pdfs(printed):
    for lang in LANGS:
        index = (printed / lang / "index.html").read_text(encoding="utf-8")
        assert f'href="{pdf_name(2018, lang)}"' in index
        for name in PAGES:
            assert f'href="{name}.pdf"' in index


def test_pdf_without_playwright_is_one_line_naming_the_extra(tmp_path):
    # a Python that cannot import playwright: the command stops before running any notebook
    blocker = tmp_path / "playwright"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('no playwright here')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-m", "kpi_lib.cli", "report", "--pdf", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode != 0
    assert r.stderr.count("\n") == 1 and "kpi_lib[pdf]" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out" / "2018").exists()
