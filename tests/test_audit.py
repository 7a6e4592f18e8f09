import csv
import io
from contextlib import redirect_stdout
from dataclasses import replace

from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.cli import main
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, load_dataset

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


def test_an_audit_given_what_its_caller_computed_is_the_audit_it_computes_itself():
    # the export's and the report's audit reuse their progress table and evaluation: the same
    # findings, on every shipped dataset and with a published grade that disagrees
    datasets = [load_dataset(DEFAULT_DATA_DIR), *(load_dataset(p) for p in sorted(EXAMPLES.iterdir()) if p.is_dir())]
    hokkaido = datasets[0]
    grades = hokkaido.published_grades.copy()
    first = grades.index[grades["grade"].astype(str).str.len() > 0][0]
    grades.loc[first, "grade"] = "B" if grades.loc[first, "grade"] != "B" else "A①"
    datasets.append(replace(hokkaido, published_grades=grades))
    for ds in datasets:
        years = sorted(set(ds.published_grades["year"]))
        for lang in ("ja", "en"):
            own = audit(ds, lang=lang)
            given = audit(
                ds, lang=lang, graded=progress_table(ds), evaluated={int(y): evaluate(ds, int(y)) for y in years}
            )
            assert given.equals(own)
    assert (own["figure"] == "grade").any()  # the disagreeing grade is found either way
