"""No hindsight: a report for fiscal year Y is made only from what was known for Y.

The property: everything a report for Y shows (every section of every project report and of
the overview, in both languages, and the Python API's grade table) is the same whether the data
holds later years or was cut off after Y; only the data digest it names differs. Checked for
every year of every shipped dataset (data/ and examples/*) that has later data to leave out.

The cut-off copy is written here, on the CSV files, independently of kpi_lib's own filter
(loading.as_known_in): rows of a later year are dropped, and a target revised after Y
(revisions.csv) goes back to its original, and the rates published against that revision (the
source prints every year's rate on the target in force when it printed them) are not yet known.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kpi_lib
from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.grading import evaluate
from kpi_lib.core.fiscal_year import parse_fiscal_year
from kpi_lib.dataset.loading import load_dataset
from kpi_lib.presentation import commentary, views

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [ROOT / "data", *sorted(p for p in (ROOT / "examples").iterdir() if (p / "metadata.json").exists())]
YEARLY = {"actuals.csv", "benchmarks.csv", "milestones.csv", "published_rates.csv", "published_grades.csv"}

PROJECT_SECTIONS = [
    "show_header",
    "show_project_commentary",
    "show_grade_summary",
    "show_legend",
    "show_indicators",
    "show_analysis",
    "show_measures",
    "show_partnerships",
    "show_footer",
]
OVERVIEW_SECTIONS = [
    "show_overview_header",
    "show_project_commentary",
    "show_grade_counts",
    "show_heatmap",
    "show_lagging",
    "show_changes",
    "show_legend",
    "show_footer",
]


def cut_off_after(source: Path, year: int, target: Path) -> Path:
    """A copy of the data directory `source` holding nothing of the years after `year`."""
    shutil.copytree(source, target)
    later_revisions = set()
    revisions = target / "revisions.csv"
    if revisions.exists():
        header, rows = _read(revisions)
        later_revisions = {r["indicator"] for r in rows if parse_fiscal_year(r["revised_in"]) > year}
        _write(revisions, header, [r for r in rows if r["indicator"] not in later_revisions])
    for name in YEARLY:
        path = target / name
        if path.exists():
            header, rows = _read(path)
            rows = [r for r in rows if parse_fiscal_year(r["year"]) <= year]
            if name == "published_rates.csv":  # computed on a revision not made yet
                rows = [r for r in rows if r["indicator"] not in later_revisions]
            _write(path, header, rows)
    header, rows = _read(target / "indicators.csv")
    for r in rows:
        if r["indicator"] in later_revisions:
            r["revised_target"] = r["revised_target_year"] = ""
    _write(target / "indicators.csv", header, rows)
    return target


def _read(path: Path):
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return reader.fieldnames, list(reader)


def _write(path: Path, header, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def report_content(data_dir: Path, year: int, lang: str, monkeypatch) -> list:
    """Everything the report notebooks would display for `year`, as the bundles they display,
    with the data digest (the one stated difference) blanked."""
    import IPython.display

    shown: list = []

    def capture(*objs, raw=False, **_):
        for o in objs:
            shown.append(o if raw else o.data)

    monkeypatch.setattr(IPython.display, "display", capture)

    def show(section: str, report) -> None:
        # a section that fails (an empty lagging table of a milestone scheme, issue 16's
        # empty-section part) must fail alike: this test is about what the sections know
        try:
            getattr(views, section)(report)
        except Exception as e:  # noqa: BLE001
            shown.append(f"{section} raised {type(e).__name__}: {e}")

    dataset = load_dataset(data_dir)
    for project in dataset.project_numbers:
        report = views.open_report(year, lang, data_dir, project=project)
        for section in PROJECT_SECTIONS:
            show(section, report)
    report = views.open_report(year, lang, data_dir)
    for section in OVERVIEW_SECTIONS:
        show(section, report)
    return [str(s).replace(dataset.digest, "<digest>") for s in shown]


def _last_year_of_any_row(source: Path) -> int:
    """The latest year any yearly row or target revision of `source` belongs to."""
    years = []
    for name in YEARLY:
        if (source / name).exists():
            years += [parse_fiscal_year(r["year"]) for r in _read(source / name)[1]]
    if (source / "revisions.csv").exists():
        years += [parse_fiscal_year(r["revised_in"]) for r in _read(source / "revisions.csv")[1]]
    return max(years)


def _cases():
    """Every year of every shipped dataset that has later data to leave out (for the last year
    the cut-off copy is the data itself: nothing to check)."""
    for source in SHIPPED:
        last = _last_year_of_any_row(source)
        for year in load_dataset(source).years:
            if year < last:
                yield pytest.param(source, year, id=f"{source.name}-{year}")


def test_every_shipped_dataset_has_years_to_check():
    assert {case.values[0] for case in _cases()} == set(SHIPPED)


@pytest.mark.parametrize(("source", "year"), list(_cases()))
def test_the_grades_audit_and_commentary_for_a_year_need_no_later_data(source, year, tmp_path):
    """The fast loop's check: the API's grade table, evaluate(), the audit as a report for the
    year runs it, and the report's project sentences."""
    cut = cut_off_after(source, year, tmp_path / "cut")
    assert kpi_lib.grades(year, data_dir=source).equals(kpi_lib.grades(year, data_dir=cut))
    full, short = load_dataset(source), load_dataset(cut)
    assert evaluate(full, year).equals(evaluate(short, year))
    for lang in ("ja", "en"):
        a, b = views.open_report(year, lang, source), views.open_report(year, lang, cut)
        assert a.findings.equals(b.findings)
        assert a.graded.equals(b.graded)
        assert commentary.project_commentary(a.results, a.changes, a.scheme, lang) == commentary.project_commentary(
            b.results, b.changes, b.scheme, lang
        )


@pytest.mark.slow
@pytest.mark.parametrize(("source", "year"), list(_cases()))
def test_a_report_for_a_year_is_the_same_with_or_without_later_data(source, year, tmp_path, monkeypatch):
    """Every section of every report of the year, in both languages."""
    cut = cut_off_after(source, year, tmp_path / "cut")
    for lang in ("ja", "en"):
        full = report_content(source, year, lang, monkeypatch)
        assert full  # the capture works: the sections displayed something
        assert report_content(cut, year, lang, monkeypatch) == full, (source.name, year, lang)


@pytest.mark.slow
def test_the_fy2017_report_does_not_mention_the_fy2018_publication(monkeypatch):
    """Issue 16: the FY2017 report said 「公表資料の平成30年度の進捗率（67.4%）は…一致しません」."""
    # the year is written as the source's table heads it (H30, 2018): the series' year basis is not stated
    mentions = {"ja": "公表資料のH30の進捗率は67.4%", "en": "the published 2018 progress rate is 67.4%"}
    for lang, later in mentions.items():
        content = "".join(report_content(ROOT / "data", 2017, lang, monkeypatch))
        assert later not in content
        assert "7,086" not in content  # アクティブ・シニア's H30 actual, whose printed rate (67.4%) is off
        # the FY2018 report does say it (the check above can fail)
        assert later in "".join(report_content(ROOT / "data", 2018, lang, monkeypatch))


def test_a_target_revised_in_h29_is_not_known_to_the_h28_report():
    """partnership_areas: 21地域 (original), 25 (見直し後, revised 「平成29年度に見直しを行った」)."""
    ds = load_dataset(ROOT / "data")
    row = lambda y: evaluate(ds, y, projects=[5]).set_index("indicator").loc["partnership_areas"]  # noqa: E731
    h28, h29 = row(2016), row(2017)
    assert h28["target_in_force"] == 21
    assert pd.isna(h28["revised_target"])  # the report for H28 shows no revised target
    assert h28["progress_rate"] == 90.5  # 19 ÷ 21, not the printed 76.0 (19 ÷ 25)
    assert h29["target_in_force"] == 25 and h29["progress_rate"] == 92.0  # 23 ÷ 25, as printed


def test_later_published_figures_are_not_in_an_earlier_years_audit():
    ds = load_dataset(ROOT / "data")
    from kpi_lib.dataset.loading import as_known_in

    assert (audit(as_known_in(ds, 2017))["year"] <= 2017).all()
    assert 2018 in set(audit(ds)["year"])  # the full audit still lists the H30 disagreement


def test_a_revision_year_is_recorded_only_for_a_revised_target(tmp_path):
    from kpi_lib.core.errors import DataError

    from synthetic import _write, write_dataset

    root = write_dataset(
        tmp_path / "d",
        [
            {"indicator": "a", "target": 10, "revised_target": 12, "revised_target_year": 2019},
            {"indicator": "b", "target": 10},
        ],
        [("a", 2015, 5), ("a", 2016, 6), ("b", 2015, 5), ("b", 2016, 6)],
    )
    _write(root, "revisions", [{"indicator": "a", "revised_in": 2016, "source_text": "H28に見直し"}])
    ds = load_dataset(root)
    assert evaluate(ds, 2015).set_index("indicator").loc["a", "target_in_force"] == 10  # not yet revised
    assert evaluate(ds, 2016).set_index("indicator").loc["a", "target_in_force"] == 12
    _write(root, "revisions", [{"indicator": "b", "revised_in": 2016, "source_text": "x"}])
    with pytest.raises(DataError, match="revisions.csv:2: column 'indicator': indicator 'b' has no revised_target"):
        load_dataset(root)
