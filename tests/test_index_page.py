"""The index page of a report set (report.write_index), written without running any notebook."""

import re
from html.parser import HTMLParser
from pathlib import Path

from kpi_lib.core.labels import text
from kpi_lib.dataset.scheme import scheme_for
from kpi_lib.presentation import views
from kpi_lib.presentation.style import grade_badge, grade_colours
from kpi_lib.publishing.report import Job, navigation, plan, write_index


class _Texts(HTMLParser):
    """The text of every element, entities decoded, and the href of every link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.hrefs = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data.strip())


def _parse(page: str) -> _Texts:
    parser = _Texts()
    parser.feed(page)
    return parser


def _index(tmp_path: Path, lang: str, dataset, **kw) -> str:
    jobs = plan(2018, ["ja", "en"], [1, 2], True, None, None, dataset)
    write_index(tmp_path, 2018, lang, jobs[lang], dataset, navigation(jobs, lang, "index"), **kw)
    return (tmp_path / "index.html").read_text(encoding="utf-8")


def test_the_index_counts_each_projects_grades_under_the_shared_badges(tmp_path, dataset):
    page = _index(tmp_path, "ja", dataset)
    scheme = scheme_for(dataset)
    colours = grade_colours(scheme)
    head = page.split("</thead>")[0]
    # the badge of the report pages, not a copy of it
    assert views.grade_badge is grade_badge
    assert [h for h in re.findall(r'<th scope="col" class="num">(.*?)</th>', head)] == [
        *(grade_badge(g, colours) for g in scheme.ranking),
        text("col.ungraded", "ja"),
    ]
    row = page.split('href="project_1.html"')[1].split("</tr>")[0]
    # FY2018, as the source prints it: A③ 4, B 2; the two grade cells lost in the extraction
    # (住み続けたい A③, the unnamed KPI A②) computed and counted apart
    assert re.findall(r'<td class="num">(.*?)</td>', row) == ["0", "1（うち算定1）", "5（うち算定1）", "2", "0"]
    overview = page.split('href="overview.html"')[1].split("</tr>")[0]
    assert f'<td colspan="{len(scheme.ranking) + 1}"></td>' in overview
    parsed = _parse(page)
    assert text("index.counts_note", "ja", scheme) in parsed.texts
    assert "../en/index.html" in parsed.hrefs and "project_1.ipynb" in parsed.hrefs


def test_the_index_escapes_every_text_it_is_given(tmp_path, dataset):
    hostile = "<b>&'\""
    page = _index(
        tmp_path,
        "en",
        dataset,
        pdfs={"project_1": f"p{hostile}.pdf", "all": f"all{hostile}.pdf"},
        digest=hostile,
        template=Path("/somewhere/secret") / f"ours{hostile}.ipynb",
    )
    assert "<b>" not in page and "/somewhere" not in page  # the template by its file name only
    parsed = _parse(page)
    assert f"p{hostile}.pdf" in parsed.hrefs and f"all{hostile}.pdf" in parsed.hrefs
    assert hostile in parsed.texts  # the digest, shown as given
    assert f"{text('report.custom_template', 'en', dataset.scheme)}: ours{hostile}.ipynb" in parsed.texts
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")


def test_an_index_without_a_dataset_names_the_pages_only(tmp_path):
    jobs = [Job("project_report.ipynb", "project_7", {"project": 7}, "T", "Project 7")]
    write_index(tmp_path, 2018, "en", jobs)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "kpi-grade" not in page and "PDF" not in page and text("col.ungraded", "en") not in page
    assert _parse(page).hrefs == ["project_7.html", "project_7.ipynb"]
