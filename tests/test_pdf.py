"""`kpi report --pdf`: A4 pages, looked at as the council sees them (page images and page text)."""

import csv
import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CAN_PRINT, PDF_YEAR, ROOT

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
            # (the overview's first page may end early: its heat map is kept whole)
            assert _ink(images[0], 0.5, 0.95) > 0.01, name
        texts = _pages_text(pdf)
        strategy = dataset.metadata[f"title_{lang}"]
        for number, lines in enumerate(texts, start=1):
            assert f"{number} / {counts[name]}" in lines, (name, number)  # page numbers at the foot
            assert strategy in " ".join(lines), (name, number)  # the running title, as written
    # issue 18: project 1 on at most three pages, the overview on two
    assert counts["project_1"] <= 3, counts
    assert counts["overview"] == 2, counts
    # the combined file: a title page with the contents, then the reports following on (never
    # longer than the reports printed apart)
    combined = PdfReader(printed / lang / pdf_name(2018, lang))
    assert len(combined.pages) <= 1 + sum(counts.values())


@pytest.mark.parametrize("lang", LANGS)
def test_no_chart_is_split_across_pages(printed, lang):
    """In print an indicator is its heading ("KPI：…"), its trend chart (no title of its own: the
    heading names it) and the chart's legend ("系列"): one cut by a page break would leave the
    heading on one page and the legend on another, so on every page they pair up."""
    legend = text("chart.series", lang)  # in print, the rate chart is left to the screen
    colon = "：" if lang == "ja" else ": "
    kinds = tuple(text(f"kind.{k}", lang) + colon for k in ("数値目標", "KPI"))
    for name in PAGES[:-1]:
        pages = _pages_text(printed / lang / f"{name}.pdf")
        # the legend's title sits left of its entries; the text layer may join it to them or to the
        # axis labels on one line ("系列 H26 H27 …", "Actual Target (original)Series FY2014 …"): counted
        # wherever it stands on the line
        per_page = [(sum(x.startswith(kinds) for x in lines), sum(x.count(legend) for x in lines)) for lines in pages]
        assert all(h == g for h, g in per_page), (name, per_page)
        assert sum(h for h, _ in per_page) > 0, name  # the charts are there at all


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


# --- issue 18: print that a council keeps ---------------------------------------------------------

RADICALS = re.compile("[\u2e80-\u2fdf]")  # CJK radicals supplement and Kangxi radicals


def _flat(value: str) -> str:
    return re.sub(r"\s+", "", value)  # extracted lines wrap where the page did


def _names(data: Path, lang: str, project: int | None = None) -> list[str]:
    """Indicator names as written in the data (those of `project`, or all)."""
    with open(data / "project_indicators.csv", encoding="utf-8") as f:
        wanted = {r["indicator"] for r in csv.DictReader(f) if project is None or int(r["project"]) == project}
    with open(data / "indicators.csv", encoding="utf-8") as f:
        return [r[f"name_{lang}"] for r in csv.DictReader(f) if r["indicator"] in wanted and r[f"name_{lang}"]]


def check_text_layer(folder: Path, data: Path, lang: str, projects: list[int]) -> None:
    """Every PDF's text extracts as the characters drawn: no radical in place of an ideograph,
    and every indicator name found as written in data/ (its project's PDF, and the combined one)."""
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == len(projects) + 2, files  # each project, the overview, the combined file
    for pdf in files:
        text_all = "\n".join("\n".join(lines) for lines in _pages_text(pdf))
        assert not RADICALS.findall(text_all), (pdf.name, sorted(set(RADICALS.findall(text_all))))
        if pdf.stem.startswith("project_"):
            project = int(pdf.stem.split("_")[1])
        elif pdf.stem == "overview":
            continue
        else:
            project = None
        missing = [n for n in _names(data, lang, project) if _flat(n) not in _flat(text_all)]
        assert not missing, (pdf.name, missing)


@pytest.mark.parametrize("lang", LANGS)
def test_every_character_extracts_as_itself(printed, lang):
    check_text_layer(printed / lang, ROOT / "data", lang, [1, 2, 3, 4, 5])
    # 目 is searchable: as many 目標 in the text layer as the catalogue's words put there at least
    if lang == "ja":
        combined = "".join("".join(p) for p in _pages_text(printed / lang / pdf_name(2018, lang)))
        assert combined.count("目標") > 100


def _outline(reader) -> list[tuple[int, str, int]]:
    """(depth, title, page number) of every outline entry, in order."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_the_combined_pdf_is_one_numbered_document_with_contents_and_bookmarks(printed, dataset, lang):
    from pypdf import PdfReader

    reader = PdfReader(printed / lang / pdf_name(2018, lang))
    pages = _pages_text(printed / lang / pdf_name(2018, lang))
    total = len(pages)
    assert reader.metadata.title.startswith(dataset.metadata[f"title_{lang}"])
    assert reader.trailer["/Root"]["/Lang"] == lang
    # continuous page labels and page numbers: 1 … total, never restarting at a report
    assert reader.page_labels == [str(n) for n in range(1, total + 1)]
    for number, lines in enumerate(pages, start=1):
        assert f"{number} / {total}" in lines, number
    # bookmarks: the title page, then the overview and each project in the source's order, each
    # project with one entry per indicator
    outline = _outline(reader)
    tops = [(title, page) for depth, title, page in outline if depth == 0]
    names = dataset.projects.sort_values("project")[f"name_{lang}"].tolist()
    assert tops[0] == (dataset.metadata[f"title_{lang}"], 1)
    assert [t for t, _ in tops[2:]] == [f"{p}. {n}" for p, n in enumerate(names, start=1)]
    starts = [page for _, page in tops[1:]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    entries = _flat(" ".join(t for _, t, _ in outline))
    for project in range(1, len(names) + 1):
        for name in _names(ROOT / "data", lang, project):
            assert _flat(name) in entries, (project, name)
    # the contents page names each report with the page it starts on
    contents = [line for line in pages[0] if re.search(r" \d+$", line)]
    assert [int(line.rsplit(" ", 1)[1]) for line in contents[-len(starts) :]] == starts
    # no page ends with a heading: the last line of a page is never the end of a heading on it
    for _, title, page in outline:
        last = pages[page - 1][-1]
        assert not (len(_flat(last)) > 1 and _flat(title).endswith(_flat(last))), (page, title)


@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_set_keeps_to_its_page_budget(printed, lang):
    from pypdf import PdfReader

    budget = {"ja": 16, "en": 18}[lang]
    assert len(PdfReader(printed / lang / pdf_name(2018, lang)).pages) <= budget
    assert len(PdfReader(printed / lang / "project_1.pdf").pages) <= 3


@pytest.mark.parametrize("example", ["expected_path"])
def test_an_example_dataset_prints_with_a_true_text_layer(tmp_path, example):
    data = ROOT / "examples" / example
    r = subprocess.run(
        [sys.executable, "-m", "kpi_lib.cli", "report", "--year", "2018", "--pdf", "--data", str(data)]
        + ["--out", str(tmp_path), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    for lang in LANGS:
        check_text_layer(tmp_path / "2018" / lang, data, lang, [1])


@pytest.mark.parametrize("lang", LANGS)
def test_the_title_page_carries_the_sources_front_matter(printed, dataset, lang):
    """Issue 18: the source's front matter (metadata.json front_matter, pillars.csv, aims.csv) on
    the combined PDF's first page, beside its contents."""
    first = _flat(" ".join(_pages_text(printed / lang / pdf_name(2018, lang))[0]))
    front = dataset.metadata["front_matter"]
    for piece in (front[f"heading_{lang}"], front[f"purpose_{lang}"], *front[f"viewpoints_{lang}"]):
        assert _flat(piece) in first, piece
    for name in (*dataset.pillars[f"name_{lang}"], *dataset.aims[f"text_{lang}"], *dataset.projects[f"catch_{lang}"]):
        assert _flat(name) in first, name
    assert _flat(text("print.contents", lang)) in first


def _word_widths(pdf: Path, word: str) -> list[float]:
    """The printed width (pt) of every occurrence of `word` as a word of the PDF's text (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        float(m.group(2)) - float(m.group(1))
        for m in re.finditer(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', out)
        if m.group(3) == word
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_prints_at_full_size(printed, lang):
    """Chromium shrinks a whole document to fit a table wider than the page: the English set once
    met its page budget so, at 85% (6 pt tables). Every report's heading of its summary prints at
    one width, in each PDF and in the combined one."""
    word = text("report.commentary", lang).split()[0]  # 概況（自動生成） / Summary
    widths = [w for name in PAGES[:-1] for w in _word_widths(printed / lang / f"{name}.pdf", word)]
    widths += _word_widths(printed / lang / pdf_name(2018, lang), word)
    assert len(widths) >= 2 * (len(PAGES) - 1), widths
    assert max(widths) / min(widths) < 1.01, widths


def test_english_print_has_no_japanese_range_mark_nor_double_colon(printed):
    lines = [line for page in _pages_text(printed / "en" / pdf_name(2018, "en")) for line in page]
    said = " ".join(lines)
    assert "～" not in said.replace("女性（25～34歳）", "")  # a Japanese name, quoted as printed
    assert "::" not in said and "100000" not in said
    # project 5's 地域数, 23 -> 24 (H29 -> H30): a count of one in the singular
    assert _flat("up 1 area from 23 areas") in _flat(said)
    assert not re.search(r"(?<![\d,.])1\s+areas\b", said)
