import csv
import io
import shutil
from contextlib import redirect_stdout

from kpi_lib.analysis.audit import audit
from kpi_lib.cli import main
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, as_known_in, load_dataset
from kpi_lib.presentation import views
from kpi_lib.workbook.excel_export import _context

from synthetic import EXAMPLES


def test_audit_lists_exactly_the_printed_figures_that_disagree(dataset):
    findings = audit(dataset)
    # Checked by hand against the source: every printed rate and grade follows from its table,
    # except アクティブ・シニア等の研修会の修了者 in H30: 7,086人 ÷ 10,500人 = 67.4857…% -> 67.5%, printed 67.4%.
    assert len(findings) == 1
    f = findings.iloc[0]
    assert (f["project"], f["indicator"], f["year"], f["figure"]) == (
        1,
        "active_senior_trainees",
        2018,
        "progress_rate",
    )
    assert (f["published"], f["recomputed"]) == ("67.4", "67.5")
    assert f["arithmetic"] == "7,086 ÷ 10,500 × 100 = 67.4857 → 67.5"


def test_audit_csv_through_the_cli():
    out = io.StringIO()
    with redirect_stdout(out):
        # one disagreement listed: exit status 1, like a linter
        assert main(["audit", "--format", "csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["indicator"], r["year"], r["published"], r["recomputed"]) for r in rows] == [
        ("active_senior_trainees", "2018", "67.4", "67.5")
    ]


def test_audit_reports_a_changed_published_grade(tmp_path, dataset):
    import shutil

    from kpi_lib.dataset.loading import load_dataset

    data = tmp_path / "data"
    shutil.copytree(dataset.data_dir, data)
    path = data / "published_grades.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("5,partnership_areas,2018,A②", "5,partnership_areas,2018,A①"),
        encoding="utf-8",
    )
    findings = audit(load_dataset(data))
    grade = findings[findings["figure"] == "grade"]
    assert len(grade) == 1
    assert grade.iloc[0]["published"] == "A①" and grade.iloc[0]["recomputed"] == "A②"
    assert "original target achieved" in grade.iloc[0]["arithmetic"]


def test_arithmetic_follows_the_schemes_rate_definition():
    from kpi_lib.analysis.audit import rate_arithmetic
    from kpi_lib.dataset.scheme import load_scheme

    g = {
        "measured": 64.0,
        "reference": 80.0,
        "baseline": 40.0,
        "target_kind": "value",
        "direction": "higher",
        "progress_rate": 60.0,
    }
    # improvement: (64 − 40) ÷ (80 − 40) × 100 = 60
    assert (
        rate_arithmetic(g, 2018, load_scheme("milestone_improvement")) == "(64 − 40) ÷ (80 − 40) × 100 = 60.0000 → 60.0"
    )
    # ratio: 64 ÷ 80 × 100 = 80
    assert (
        rate_arithmetic({**g, "progress_rate": 80.0}, 2018, load_scheme("hokkaido")) == "64 ÷ 80 × 100 = 80.0000 → 80.0"
    )
    # lower is better, inverse ratio: 80 ÷ 64 × 100 = 125
    lower = {**g, "direction": "lower", "progress_rate": 125.0}
    assert rate_arithmetic(lower, 2018, load_scheme("hokkaido")) == "80 ÷ 64 × 100 = 125.0000 → 125.0"


def test_the_export_and_the_report_audit_as_audit_does_on_its_own(tmp_path):
    """The export's (and the import's comparison build's) context and open_report give audit()
    the progress table and evaluation they computed: the findings are the audit's own, for every
    year of the data, on every shipped dataset and on Hokkaido's with two published grades that
    disagree (A③ printed as B, B as A①)."""
    disagreeing = shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data")
    grades = (disagreeing / "published_grades.csv").read_text(encoding="utf-8")
    for printed, changed in (("total_fertility_rate,2018,A③,", "total_fertility_rate,2018,B,"),
                             ("pregnancy_consultations,2018,B,", "pregnancy_consultations,2018,A①,")):  # fmt: skip
        assert printed in grades
        grades = grades.replace(printed, changed)
    (disagreeing / "published_grades.csv").write_text(grades, encoding="utf-8")
    folders = [disagreeing, DEFAULT_DATA_DIR, *sorted(p for p in EXAMPLES.iterdir() if p.is_dir())]
    grade_findings = 0
    for n, folder in enumerate(folders):
        ds = load_dataset(folder)
        lang = ("ja", "en")[n % 2]
        for year in ds.years:
            assert _context(ds, year, lang).audit.equals(audit(ds, lang=lang)), (folder.name, year)
            report = views.open_report(year, lang, folder)
            assert report.findings.equals(audit(as_known_in(ds, year), lang=lang)), (folder.name, year)
            grade_findings += (report.findings["figure"] == "grade").sum()
    assert grade_findings  # the disagreeing grades are among what was compared
