"""The public API (kpi_lib.grades & co., docs/api.md), years in every form, and the separation of
the analysts' workspace from the report notebooks (the manifest, the warning, --template)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

import kpi_lib
from kpi_lib.analysis.changes import grade_changes
from kpi_lib.analysis.grading import evaluate
from kpi_lib.analysis.outlook import outlook
from kpi_lib.core import resources
from kpi_lib.core.errors import KpiError
from kpi_lib.presentation import rendering
from kpi_lib.presentation.tables import COLUMNS
from kpi_lib.publishing import report
from kpi_lib.publishing.notebook_sources import read_manifest, source_digest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "api.md"
YEAR_FORMS = ["H30", "2018", 2018, "平成30年度", "FY2018", "2018年度", "Ｈ30"]


# --- the API and its page -------------------------------------------------------------------


def test_every_example_in_docs_api_runs(monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(resources.WORKSPACE_DIR)  # where the workspace's notebooks run them
    monkeypatch.delenv("KPI_DATA", raising=False)  # the data of the checkout the notebook is in
    namespace: dict = {}
    renderer = alt.renderers.active  # the first example calls setup_notebook()
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102
    finally:
        alt.renderers.enable(renderer)
    # the commentary example printed the report's English sentences (合計特殊出生率: calendar-year
    # figures, indicators.csv year_basis: 2018, not FY2018)
    out = capsys.readouterr().out
    assert "The latest actual is 1.27 (2018), down 0.02 from 1.29 in 2017." in out
    assert "The actuals are calendar-year figures (January to December)." in out


def test_every_api_function_has_a_docstring_example_and_is_on_the_page():
    page = DOC.read_text(encoding="utf-8")
    for name in kpi_lib.API:
        function = getattr(kpi_lib, name)
        assert "Example::" in function.__doc__, name
        assert f"`{name}(" in page, name


def test_every_dataset_table_and_attribute_is_on_the_page(dataset):
    import dataclasses

    from kpi_lib.dataset.loading import Dataset

    page = DOC.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", page, flags=re.M))
    fields = [f.name for f in dataclasses.fields(Dataset)]
    properties = [n for n, v in vars(Dataset).items() if isinstance(v, property)]
    for name in [*fields, *properties]:
        assert name in rows, name
    for name in dataset.tables:
        assert rows[name].startswith(f"`{name}.csv`"), name


@pytest.mark.slow  # starts another program
def test_the_first_chart_imports_neither_openpyxl_nor_scipy():
    # the first chart of a fresh kernel should not wait for them (benchmarks/first_chart.py):
    # openpyxl loads when a workbook is asked for; scipy.stats (a second) is not used at all
    code = (
        "import sys, kpi_lib; ds = kpi_lib.open_dataset('example:hokkaido');"
        "kpi_lib.trend_chart('total_fertility_rate', dataset=ds).to_dict();"
        "print(sorted(m for m in ('openpyxl', 'scipy') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_the_guide_imports_kpi_lib_and_sets_up_before_altair():
    nb = nbformat.read(resources.WORKSPACE_DIR / "explore.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0].startswith("import kpi_lib\n") and "kpi_lib.setup_notebook()" in code[0]
    assert "altair" not in code[0]
    assert "my_explore.ipynb" in nb.cells[0].source  # the guide says where the analyst's copy is
    assert any("kpi_lib.show(" in c for c in code) and any("kpi_lib.glossary(" in c for c in code)


def test_the_column_table_in_the_docs_is_tables_columns():
    rows = re.findall(r"^\| `(\w+)` \| (number|text) \| (.*) \|$", DOC.read_text(encoding="utf-8"), flags=re.M)
    assert [(name, (kind, meaning)) for name, kind, meaning in rows] == list(COLUMNS.items())


def test_grades_is_the_cli_csv_as_a_dataframe(kpi):
    r = kpi("grades", "--year", "H30", "--format", "csv")
    csv = pd.read_csv(io.StringIO(r.stdout), dtype=str, keep_default_na=False)
    assert list(csv.columns) == list(COLUMNS)  # the CLI writes exactly the documented columns
    g = kpi_lib.grades("H30")
    assert list(g.columns) == list(COLUMNS) and len(g) == len(csv) == 22
    for column, (kind, _) in COLUMNS.items():
        if kind == "number":
            # nullable numbers: <NA> exactly where the CSV is empty, else the CSV's number
            assert str(g[column].dtype) == ("Int64" if column in kpi_lib.api.WHOLE_NUMBER_COLUMNS else "Float64")
            assert list(g[column].isna()) == list(csv[column] == ""), column
            assert [float(x) for x in g[column].dropna()] == [float(x) for x in csv[column] if x != ""], column
        else:
            # text: nullable text, <NA> exactly where the CSV is empty, else the CSV's text
            assert str(g[column].dtype) == "string", column
            assert list(g[column].isna()) == list(csv[column] == ""), column
            assert list(g[column].dropna()) == [x for x in csv[column] if x != ""], column


def test_printed_words_and_marks_have_their_own_text_column(dataset):
    g = kpi_lib.grades("H30", dataset=dataset).set_index(["project", "indicator"])
    # source, project 1: 合計特殊出生率 基準値 1.27, 目標値 全国水準; アクティブ・シニア等の研修会の修了者
    # 基準値 — (not measured), 目標値 10,500人
    tfr = g.loc[(1, "total_fertility_rate")]
    assert (tfr["baseline"], tfr["baseline_text"], tfr["target_text"]) == (1.27, "1.27", "全国水準")
    assert pd.isna(tfr["target"])
    senior = g.loc[(1, "active_senior_trainees")]
    assert pd.isna(senior["baseline"]) and senior["baseline_text"] == "—"
    assert (senior["target"], senior["target_text"]) == (10500.0, "10500")
    # the project's names, as projects.csv has them (source: 安心のまち・暮らし「住まいる北海道」プロジェクト)
    assert set(g.loc[1, "project_name_ja"]) == {"安心のまち・暮らし「住まいる北海道」プロジェクト"}
    projects = dataset.projects.set_index("project")
    for (project, _), row in g.iterrows():
        assert row["project_name_ja"] == projects.loc[project, "name_ja"]
        assert row["project_name_en"] == projects.loc[project, "name_en"]
    assert str(kpi_lib.series("total_fertility_rate", dataset=dataset)["actual"].dtype) == "Float64"


@pytest.mark.parametrize(
    "name",
    [
        "total_fertility_rate",
        "合計特殊出生率",
        "Total fertility rate",
        "合計特殊出生率 ",
        "ＴＯＴＡＬ＿ＦＥＲＴＩＬＩＴＹ＿ＲＡＴＥ",
    ],
)
def test_an_indicator_by_its_id_or_either_name(dataset, name):
    assert dataset.indicators.set_index("indicator").loc["total_fertility_rate", "name_en"].casefold() == (
        "total fertility rate"
    )
    assert kpi_lib.series(name, dataset=dataset).equals(kpi_lib.series("total_fertility_rate", dataset=dataset))
    assert kpi_lib.indicator_commentary(name, "H30", dataset=dataset) == kpi_lib.indicator_commentary(
        "total_fertility_rate", "H30", dataset=dataset
    )
    assert (
        kpi_lib.trend_chart(name, "H30", dataset=dataset).to_dict()
        == kpi_lib.trend_chart("total_fertility_rate", "H30", dataset=dataset).to_dict()
    )


def test_a_misspelt_indicator_suggests_the_nearest(dataset):
    for typo in ("合計特殊出生", "total_fertilty_rate"):
        with pytest.raises(KpiError, match=r"did you mean total_fertility_rate \(合計特殊出生率\)"):
            kpi_lib.series(typo, dataset=dataset)
    with pytest.raises(KpiError, match=r"^unknown indicator 'xyzzy': no indicator's id or name is close"):
        kpi_lib.trend_chart("xyzzy", dataset=dataset)
    # other data: its own ids and names (examples/expected_path)
    with pytest.raises(KpiError, match=r"did you mean new_businesses"):
        kpi_lib.series("new_busineses", data_dir=ROOT / "examples" / "expected_path")


def test_an_indicator_asked_of_a_project_without_it_names_its_projects(dataset):
    # source: 外国人観光客 is project 4's; 道産食品輸出額 is in projects 3 and 4
    with pytest.raises(KpiError, match=r"^indicator foreign_visitors is not in project 1; the projects it is in: 4$"):
        kpi_lib.trend_chart("foreign_visitors", project=1, dataset=dataset)
    with pytest.raises(KpiError, match=r"^indicator food_exports is not in project 1; the projects it is in: 3, 4$"):
        kpi_lib.rate_chart("道産食品輸出額", project=1, dataset=dataset)
    assert kpi_lib.indicator_commentary("food_exports", project=4, dataset=dataset)


def _as_cli_csv(frame: pd.DataFrame) -> str:
    from kpi_lib.cli import csv_safe

    return frame.map(csv_safe).to_csv(index=False, lineterminator="\n")


def test_changes_and_audit_are_the_cli_csv_as_dataframes(kpi, dataset):
    r = kpi("changes", "--from", "H29", "--to", "H30", "--format", "csv")
    c = kpi_lib.changes("平成29年度", "FY2018", dataset=dataset)
    assert _as_cli_csv(c) == r.stdout
    # source, H29 -> H30: 海外からの投資件数 25.0% B -> 100.0% A①; 新たな職域開拓… 20.0% B -> 100.0% A①
    assert c[["project", "indicator", "grade_from", "grade_to", "change"]].values.tolist() == [
        [4, "foreign_investment_cases", "B", "A①", "improved"],
        [5, "welfare_industry_fields", "B", "A①", "improved"],
    ]
    # numbers as nullable numbers, years as whole numbers (the CSV: 2015, never 2015.0)
    wide = kpi_lib.changes("H27", "H30", dataset=dataset, include_unchanged=True)
    assert str(wide["rate_from"].dtype) == "Float64" and str(wide["latest_year_from"].dtype) == "Int64"
    assert wide["rate_from"].isna().any() and wide["latest_year_from"].isna().any()  # no actual in H27: <NA>
    r = kpi("changes", "--from", "H27", "--to", "H30", "--format", "csv")
    assert ",2015.0," not in r.stdout and ",2015," in r.stdout
    every = kpi_lib.changes("H29", "H30", dataset=dataset, include_unchanged=True, projects=[4])
    assert set(every["change"]) == {"improved", "unchanged"} and set(every["project"]) == {4}
    for lang in ("ja", "en"):
        r = kpi("audit", "--format", "csv", "--lang", lang)
        a = kpi_lib.audit(dataset=dataset, lang=lang)
        assert _as_cli_csv(a) == r.stdout
    # source, H30: アクティブ・シニア等の研修会の修了者 7,086人 / 10,500人 printed 67.4%, computed 67.5%
    assert a[["indicator", "year", "published", "recomputed"]].values.tolist() == [
        ["active_senior_trainees", 2018, "67.4", "67.5"]
    ]
    r = kpi("audit", "--notes", "--format", "csv")
    assert _as_cli_csv(kpi_lib.data_notes(dataset=dataset)) == r.stdout


def test_missing_text_is_missing_in_every_table(dataset, tmp_path):
    """An empty text cell is a missing value (`.isna()` finds it), in every table of the API, as a
    missing number is; the CSV the commands write has it empty (test_..._are_the_cli_csv...)."""
    ds = dataset
    tables = {
        "grades": kpi_lib.grades("H30", dataset=ds),
        "changes": kpi_lib.changes("H27", "H30", dataset=ds, include_unchanged=True),
        "audit": kpi_lib.audit(dataset=ds),
        "data_notes": kpi_lib.data_notes(dataset=ds),
        "series": pd.concat([kpi_lib.series(i, dataset=ds) for i in ds.indicators["indicator"]]),
        "glossary": kpi_lib.glossary(),
    }
    for name, table in tables.items():
        for column in table.columns:
            assert not (table[column].astype(object) == "").any(), (name, column)
            assert str(table[column].dtype) in ("string", "Int64", "Float64", "int64", "bool"), (name, column)
    g = tables["grades"].set_index(["project", "indicator"])
    # source, project 1, KPI 3: the row's label was lost in the extraction (data/indicators.csv's
    # note): no name, and no published grade for H30; its unit 日 is printed
    p1_kpi3 = g.loc[(1, "p1_kpi3")]
    assert pd.isna(p1_kpi3["name_ja"]) and pd.isna(p1_kpi3["published_grade"]) and p1_kpi3["unit"] == "日"
    assert g["name_ja"].isna().sum() == 1 and g["published_grade"].isna().sum() == 2
    # source: できれば今と同じ市町村に… — in H27 (not measured): no grade in H27, A③ in H30 ("graded")
    c = tables["changes"].set_index("indicator")
    assert pd.isna(c.loc["wish_to_stay_rate", "grade_from"]) and c.loc["wish_to_stay_rate", "change"] == "graded"
    assert set(c.loc[c["grade_from"].isna(), "change"]) == {"graded"}
    # a year without an actual (未 or —) has no grade
    s = tables["series"]
    assert list(s["grade"].isna()) == list(s["actual"].isna())
    assert s.loc[s["indicator"] == "foreign_visitors"].set_index("year").loc[2018, "actual_state"] == "not_yet"
    # Altair draws a table with missing text (a NaN in pandas' default text dtype would stop it)
    kpi_lib.save_chart(
        alt.Chart(tables["grades"]).mark_bar().encode(x="progress_rate", y="name_ja"), tmp_path / "c.json"
    )
    spec = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    [rows] = spec["datasets"].values()
    assert [r["published_grade"] for r in rows].count(None) == 2
    # the compact display shows a missing text as an empty cell, never nan, None or <NA>
    page = kpi_lib.show(tables["grades"], full=True).to_html()
    assert not re.search(r">\s*(nan|NaN|None|&lt;NA&gt;)\s*<", page)


def test_export_workbook_writes_what_kpi_export_writes(kpi, dataset, tmp_path):
    from openpyxl import load_workbook

    ours = kpi_lib.export_workbook(tmp_path / "api.xlsx", "H30", dataset=dataset, lang="en")
    assert ours == tmp_path / "api.xlsx"
    assert kpi("export", "--xlsx", tmp_path / "cli.xlsx", "--year", "H30", "--lang", "en").returncode == 0
    a, b = load_workbook(ours), load_workbook(tmp_path / "cli.xlsx")
    assert a.sheetnames == b.sheetnames and len(a.sheetnames) >= 5
    for name in a.sheetnames:
        assert [[c.value for c in row] for row in a[name].iter_rows()] == [
            [c.value for c in row] for row in b[name].iter_rows()
        ], name
    # as kpi export: an unedited export may be replaced, a file that is not an export may not
    kpi_lib.export_workbook(ours, "H30", dataset=dataset, lang="en")
    other = tmp_path / "mine.xlsx"
    other.write_bytes(b"not a workbook")
    with pytest.raises(KpiError, match=r"mine.xlsx exists and is not a workbook written by kpi export"):
        kpi_lib.export_workbook(other, dataset=dataset)
    assert other.read_bytes() == b"not a workbook"
    with pytest.raises(KpiError, match=r"^path must be the workbook's path"):
        kpi_lib.export_workbook(3, dataset=dataset)


def test_the_other_examples_through_changes_and_audit():
    folder = ROOT / "examples" / "milestone_improvement"
    ds = kpi_lib.open_dataset(folder)
    years = ds.years
    c = kpi_lib.changes(years[-2], years[-1], data_dir=folder, include_unchanged=True)
    assert set(c["from_year"]) == {years[-2]} and set(c["to_year"]) == {years[-1]}
    assert kpi_lib.audit(dataset=ds).columns.tolist() == kpi_lib.audit("example:hokkaido").columns.tolist()


def test_grades_reproduce_the_source(dataset):
    # source table of project 1, H30: 合計特殊出生率 1.27, 進捗率 89.4%, A③; 妊娠・出産に関する相談件数 … B
    g = kpi_lib.grades("H30", dataset=dataset).set_index(["project", "indicator"])
    assert g.loc[(1, "total_fertility_rate"), ["actual", "progress_rate", "grade", "published_grade"]].tolist() == [
        1.27,
        89.4,
        "A③",
        "A③",
    ]
    s = kpi_lib.series("total_fertility_rate", dataset=dataset)
    # source: 実績値 1.31 1.29 1.29 1.27, 進捗率 90.3% 89.6% 90.2% 89.4% (H27-H30)
    assert s[["year", "actual", "progress_rate"]].values.tolist() == [
        [2015, 1.31, 90.3],
        [2016, 1.29, 89.6],
        [2017, 1.29, 90.2],
        [2018, 1.27, 89.4],
    ]


@pytest.fixture(scope="module")
def fy2018(dataset):
    """What each function gives for FY2018 named as 2018, to compare each year form with."""
    return {
        "evaluate": evaluate(dataset, 2018),
        "outlook": outlook(dataset, 2018),
        "grade_changes": grade_changes(dataset, 2017, 2018),
        "grades": kpi_lib.grades(2018, dataset=dataset),
        "commentary": kpi_lib.indicator_commentary("total_fertility_rate", 2018, dataset=dataset),
        "trend_chart": kpi_lib.trend_chart("total_fertility_rate", 2018, dataset=dataset).to_dict(validate=False),
    }


@pytest.mark.parametrize("form", YEAR_FORMS)
def test_every_year_form_works_everywhere(dataset, fy2018, form):
    assert evaluate(dataset, form).equals(fy2018["evaluate"])
    assert outlook(dataset, form).equals(fy2018["outlook"])
    assert grade_changes(dataset, "H29", form).equals(fy2018["grade_changes"])
    assert kpi_lib.grades(form, dataset=dataset).equals(fy2018["grades"])
    assert kpi_lib.indicator_commentary("total_fertility_rate", form, dataset=dataset) == fy2018["commentary"]
    chart = kpi_lib.trend_chart("total_fertility_rate", form, dataset=dataset).to_dict(validate=False)
    assert chart == fy2018["trend_chart"]


def test_charts_for_an_indicator_id_and_a_year(dataset):
    rates = kpi_lib.rate_chart("total_fertility_rate", "H29", dataset=dataset).to_dict()
    values = [v for d in rates["datasets"].values() for v in d if "progress_rate" in v and "grade" in v]
    assert [v["progress_rate"] for v in values] == [90.3, 89.6, 90.2]  # up to H29 only
    counts = kpi_lib.overview_chart("平成30年度", dataset=dataset).to_dict()
    bars = [v for d in counts["datasets"].values() for v in d if "count" in v]
    assert sum(v["count"] for v in bars) == len(kpi_lib.grades("H30", dataset=dataset).query("grade != ''"))


def test_the_api_on_the_other_schemes_examples():
    # hand-worked in tests/test_schemes.py (expected_path, 2018)
    g = kpi_lib.grades("H30", data_dir=ROOT / "examples" / "expected_path").set_index("indicator")
    assert g.loc["new_businesses", ["progress_rate", "grade"]].tolist() == [82.5, "B+"]
    assert g.loc["waiting_list", ["progress_rate", "grade"]].tolist() == [31.3, "C"]


def test_a_relative_data_path_that_is_not_there_says_where_it_was_looked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KpiError) as e:
        kpi_lib.grades(data_dir="examples/milestone_improvement")
    assert str(e.value) == (
        f"data directory not found: examples/milestone_improvement (looked for in {tmp_path}; "
        "a shipped example is named example:NAME)"
    )
    assert kpi_lib.grades("H30", data_dir="example:milestone_improvement").shape[0] > 0  # from anywhere


def test_bad_arguments_are_one_line_errors(dataset):
    with pytest.raises(KpiError, match=r"^no evaluation for FY2019: the data has actuals for FY2015-FY2018$"):
        kpi_lib.grades("R1", dataset=dataset)
    with pytest.raises(KpiError, match=r"^invalid fiscal year 'H3O'"):
        evaluate(dataset, "H3O")
    with pytest.raises(KpiError, match=r"^unknown indicator 'nope'"):
        kpi_lib.series("nope", dataset=dataset)
    with pytest.raises(KpiError, match="either data_dir or dataset"):
        kpi_lib.grades("H30", data_dir=ROOT / "data", dataset=dataset)


def test_tab_completion_offers_the_api_not_the_internal_modules():
    import kpi_lib.core  # noqa: F401 (a submodule imported, as every notebook does through the API)

    assert set(dir(kpi_lib)) == {*kpi_lib.API, "API", "__version__"}  # dir() sorts what __dir__ gives
    for name in kpi_lib.API:
        assert callable(getattr(kpi_lib, name))


@pytest.mark.slow  # starts another program
def test_importing_kpi_lib_loads_neither_the_api_nor_pandas():
    code = "import sys, kpi_lib; print(sorted(m for m in ('kpi_lib.api', 'pandas', 'altair') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


# --- report notebooks vs the workspace ------------------------------------------------------


def test_the_manifest_matches_the_committed_report_notebooks():
    notebooks = sorted(p.name for p in resources.NOTEBOOK_DIR.glob("*.ipynb"))
    assert notebooks == sorted([report.PROJECT_NOTEBOOK, report.OVERVIEW_NOTEBOOK])
    assert read_manifest(resources.NOTEBOOK_DIR) == {n: source_digest(resources.NOTEBOOK_DIR / n) for n in notebooks}


def test_the_digest_covers_sources_and_tags_not_outputs(tmp_path):
    original = resources.NOTEBOOK_DIR / report.OVERVIEW_NOTEBOOK
    nb = nbformat.read(original, as_version=4)
    for cell in nb.cells:  # what running the notebook changes
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, tmp_path / "rerun.ipynb")
    assert source_digest(tmp_path / "rerun.ipynb") == source_digest(original)
    nb.cells[-1].source += "\nreport.results"
    nbformat.write(nb, tmp_path / "edited.ipynb")
    assert source_digest(tmp_path / "edited.ipynb") != source_digest(original)
    nb.cells[0].metadata["tags"] = []  # the note would show in the HTML report
    nbformat.write(nb, tmp_path / "untagged.ipynb")
    assert source_digest(tmp_path / "untagged.ipynb") not in (
        source_digest(original),
        source_digest(tmp_path / "edited.ipynb"),
    )


def test_the_workspace_is_apart_from_the_report_notebooks():
    workspace, reports = resources.WORKSPACE_DIR, resources.NOTEBOOK_DIR
    assert (workspace / "explore.ipynb").is_file() and not (reports / "explore.ipynb").exists()
    assert not workspace.is_relative_to(reports) and not reports.is_relative_to(workspace)
    # `python3 tasks.py lab` opens the workspace (its file browser cannot reach the reports) on the
    # analyst's working copy of the guide
    source = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert '"--notebook-dir", workspace' in source and "working_copy(workspace)])" in source
    # analysts' own notebooks and exports there stay out of git; explore.ipynb is committed
    mine = [
        "notebooks/workspace/mine.ipynb",
        "notebooks/workspace/my_explore.ipynb",
        "notebooks/workspace/exports/a.csv",
    ]
    ignored = subprocess.run(["git", "check-ignore", *mine], cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == mine
    assert subprocess.run(["git", "check-ignore", "-q", "notebooks/workspace/explore.ipynb"], cwd=ROOT).returncode == 1


def test_tasks_lab_gives_a_working_copy_once_and_leaves_the_guide_alone(tmp_path, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    guide = resources.WORKSPACE_DIR / "explore.ipynb"
    shutil.copy(guide, tmp_path / "explore.ipynb")
    mine = tasks.working_copy(tmp_path)
    assert mine == tmp_path / "my_explore.ipynb" and mine.read_bytes() == guide.read_bytes()
    assert "my_explore.ipynb" in capsys.readouterr().out
    mine.write_text("my own work", encoding="utf-8")
    assert tasks.working_copy(tmp_path) == mine and mine.read_text(encoding="utf-8") == "my own work"  # kept
    assert (tmp_path / "explore.ipynb").read_bytes() == guide.read_bytes()


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    """A copy of the repository's notebooks/ (reports and workspace), the reports run from it."""
    copy = tmp_path / "notebooks"
    shutil.copytree(resources.NOTEBOOK_DIR, copy / "reports")
    shutil.copytree(resources.WORKSPACE_DIR, copy / "workspace", ignore=shutil.ignore_patterns("exports", ".*"))
    monkeypatch.setattr(report, "NOTEBOOK_DIR", copy / "reports")
    return copy


def _report(kpi, out: Path, *extra):
    r = kpi("report", "--year", "H30", "--lang", "ja", "--project", "1", "--out", out, "--no-progress", *extra)
    assert r.returncode == 0, r.stderr[-3000:]
    return r, out / "2018" / "ja"


def _exploration_cell(path: Path) -> None:
    """What an analyst does in JupyterLab: add a cell that shows a table, and save."""
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell("report.results if 'report' in dir() else kpi_lib.grades('H30')")
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "EXPLORATION-TABLE"}, execution_count=1)]
    nb.cells.append(cell)
    nbformat.write(nb, path)


@pytest.mark.slow  # runs kpi report
def test_saving_exploration_notebooks_changes_no_report(kpi, notebooks, tmp_path):
    r, before = _report(kpi, tmp_path / "before")
    assert r.stderr == ""  # the committed report notebooks: no warning
    _exploration_cell(notebooks / "workspace" / "explore.ipynb")
    shutil.copy(notebooks / "workspace" / "explore.ipynb", notebooks / "workspace" / "mine.ipynb")
    r, after = _report(kpi, tmp_path / "after")
    assert r.stderr == ""
    for name in ("project_1.html", "project_1.ipynb", "index.html"):
        assert (before / name).read_bytes() == (after / name).read_bytes(), name
    assert "EXPLORATION-TABLE" not in (after / "project_1.html").read_text(encoding="utf-8")


@pytest.mark.slow  # runs kpi report
def test_a_saved_change_to_a_report_notebook_makes_kpi_report_warn_naming_it(kpi, notebooks, tmp_path):
    changed = notebooks / "reports" / report.PROJECT_NOTEBOOK
    _exploration_cell(changed)
    r, folder = _report(kpi, tmp_path / "out")
    warnings = r.stderr.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith(f"kpi: 警告: レポートのノートブック {changed} は")  # --lang ja
    assert report.OVERVIEW_NOTEBOOK not in r.stderr
    # the warning is the point: the saved cell does reach the report
    assert "report.results" in (folder / "project_1.ipynb").read_text(encoding="utf-8")


@pytest.mark.slow  # runs kpi report
def test_template_runs_an_office_variant_on_purpose(kpi, notebooks, tmp_path):
    variant = tmp_path / "office" / "our_project_report.ipynb"
    variant.parent.mkdir()
    shutil.copy(notebooks / "reports" / report.PROJECT_NOTEBOOK, variant)
    nb = nbformat.read(variant, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("OFFICE-VARIANT-NOTE"))
    nbformat.write(nb, variant)
    r, folder = _report(kpi, tmp_path / "out", "--template", variant)
    assert r.stderr == ""  # on purpose: no warning
    assert "OFFICE-VARIANT-NOTE" in (folder / "project_1.html").read_text(encoding="utf-8")
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "同梱のテンプレートではなく次のノートブックで作成されています: our_project_report.ipynb" in index
    assert str(tmp_path) not in index  # the file name only: no paths in reports


def test_template_that_is_not_a_notebook_is_a_one_line_error(kpi, tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    for path in (bad, tmp_path / "missing.ipynb"):
        r = kpi("report", "--project", "1", "--out", tmp_path / "out", "--template", path)
        assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
        assert r.stderr.startswith(f"kpi: error: --template {path}: not a readable notebook")
    assert not (tmp_path / "out").exists()


def test_report_html_leaves_out_the_notebook_only_cells(tmp_path):
    nb = nbformat.read(resources.NOTEBOOK_DIR / report.PROJECT_NOTEBOOK, as_version=4)
    note = nb.cells[0]
    assert note.cell_type == "markdown" and note.metadata["tags"] == ["notebook-only"]
    assert "notebooks/workspace/explore.ipynb" in note.source and "import kpi_lib" in note.source
    headings = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert len(headings) >= 8 and all(c.metadata["tags"] == ["notebook-only"] for c in headings)
    from kpi_lib.publishing.html_export import notebook_node_to_html

    page = notebook_node_to_html(nb, tmp_path / "p.html", tmp_path / "p.ipynb").read_text(encoding="utf-8")
    assert "explore.ipynb" not in page and "tasks.py lab" not in page and "Parameters (papermill)" not in page


# --- charts that compose, the report's look where they are shown or saved ----------------------


def test_charts_compose_with_altair(dataset):
    trend = kpi_lib.trend_chart("total_fertility_rate", "H30", dataset=dataset)
    overview = kpi_lib.overview_chart("H30", dataset=dataset)
    rates = kpi_lib.rate_chart("合計特殊出生率", "H30", dataset=dataset)
    for composed in (overview | trend, overview & rates, alt.hconcat(trend, rates), alt.vconcat(overview, trend)):
        spec = composed.to_dict()  # validates against the Vega-Lite schema
        assert len(spec.get("hconcat", spec.get("vconcat"))) == 2
        assert "font" not in spec["config"]  # the look is not in the chart …
        shown = rendering.spec_mimebundle(spec)  # … but where it is shown
        assert next(v for k, v in shown.items() if "vegalite" in k)["config"]["font"] == rendering.FONT_FAMILY


def test_report_look_is_altairs_theme_for_the_block_only(dataset):
    chart = kpi_lib.trend_chart("total_fertility_rate", "H30", dataset=dataset)
    before = alt.theme.active
    with kpi_lib.report_look():
        with kpi_lib.report_look():  # nested: still the look, and the outer block's theme after it
            assert chart.to_dict()["config"]["legend"]["orient"] == "bottom"
        inside = chart.to_dict()
    assert inside["config"]["font"] == rendering.FONT_FAMILY
    assert inside["config"]["title"] == {"anchor": "start", "fontSize": 13}
    assert alt.theme.active == before and rendering.THEME_NAME not in alt.theme.names()
    assert "font" not in chart.to_dict()["config"]
    # what the chart configures itself wins over the look
    with kpi_lib.report_look():
        assert chart.configure_axis(labelFontSize=20).to_dict()["config"]["axis"]["labelFontSize"] == 20


def test_saved_charts_draw_offline_and_are_the_same_every_run(dataset, tmp_path):
    composed = kpi_lib.overview_chart("H30", dataset=dataset) | kpi_lib.trend_chart(
        "foreign_visitors", "H30", dataset=dataset
    )
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        for suffix in ("html", "svg", "png", "json"):
            assert kpi_lib.save_chart(composed, tmp_path / run / f"c.{suffix}") == tmp_path / run / f"c.{suffix}"
    for suffix in ("html", "svg", "png", "json"):
        assert (tmp_path / "a" / f"c.{suffix}").read_bytes() == (tmp_path / "b" / f"c.{suffix}").read_bytes()
    page = (tmp_path / "a" / "c.html").read_text(encoding="utf-8")
    # offline: Vega's JavaScript is in the page, no script is loaded from anywhere
    assert not re.search(r"<script[^>]*\bsrc=", page) and "cdn.jsdelivr" not in page
    assert "vega-embed" in page.lower() and "IPAexGothic" in page
    assert (tmp_path / "a" / "c.png").read_bytes().startswith(b"\x89PNG")
    # Altair's own save, inside report_look, inline=True: also offline (vl-convert, a dependency)
    with kpi_lib.report_look():
        composed.save(tmp_path / "altair.html", inline=True)
    page = (tmp_path / "altair.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", page) and "IPAexGothic" in page
    with pytest.raises(
        KpiError, match=r"^cannot save a chart as c.pdf: the name must end in .html, .svg, .png, .json$"
    ):
        kpi_lib.save_chart(composed, tmp_path / "c.pdf")
    with pytest.raises(KpiError, match=r"^chart must be an Altair chart"):
        kpi_lib.save_chart("chart", tmp_path / "c.html")
    assert not list(tmp_path.glob("*.tmp")) and not (tmp_path / "c.pdf").exists()


# --- the compact display and the glossary ------------------------------------------------------


def test_show_gives_the_main_columns_with_grade_colours_and_leaves_the_table_whole(dataset):
    from kpi_lib.presentation.style import grade_colours

    g = kpi_lib.grades("H30", dataset=dataset)
    before = g.copy()
    styled = kpi_lib.show(g)
    assert isinstance(styled, pd.io.formats.style.Styler) and g.equals(before) and len(g.columns) == len(COLUMNS)
    shown = list(styled.data.columns)
    assert shown[:3] == ["project", "indicator", "name_ja"] and {"progress_rate", "grade", "outlook_label"} <= set(
        shown
    )
    assert len(shown) < 15 and "name_en" not in shown and "trend_slope_low" not in shown
    assert "name_en" in kpi_lib.show(g, lang="en").data.columns
    assert list(kpi_lib.show(g, full=True).data.columns) == list(COLUMNS)  # the full table, one call away
    page = styled.to_html()
    assert page == kpi_lib.show(g).to_html()  # the same every run: no random ids
    assert "kpi_lib.glossary()" in page  # the caption says where the rest is
    # A③ on its colour (the scheme's), 1.27 without trailing zeros, an empty cell where there is no number
    background, foreground = grade_colours(_scheme(dataset))["A③"]
    assert re.search(rf"background-color: {background};\s*color: {foreground};", page)
    assert ">1.27<" in page and ">1.270000<" not in page
    # another scheme's grades, in its own colours (examples/expected_path: B+ and C)
    other = kpi_lib.grades("H30", data_dir=ROOT / "examples" / "expected_path")
    colours = grade_colours(_scheme(kpi_lib.open_dataset(ROOT / "examples" / "expected_path")))
    assert f"background-color: {colours['C'][0]}" in kpi_lib.show(other).to_html()
    assert kpi_lib.show(kpi_lib.series("合計特殊出生率", dataset=dataset)).data.columns.tolist() == [
        "indicator",
        "year",
        "actual_state",
        "actual",
        "progress_rate",
        "grade",
    ]
    with pytest.raises(KpiError, match=r"^frame must be a DataFrame"):
        kpi_lib.show([1, 2])


def _scheme(ds):
    from kpi_lib.dataset.scheme import scheme_for

    return scheme_for(ds)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_glossary_explains_every_column_in_both_languages(lang):
    from kpi_lib.presentation.tables import COLUMN_MEANINGS_JA

    assert list(COLUMN_MEANINGS_JA) == list(COLUMNS)
    glossary = kpi_lib.glossary(lang)
    assert list(glossary.iloc[:, 0]) == list(COLUMNS) and glossary.iloc[:, 2].str.len().min() > 3
    assert list(glossary.columns) == (["列", "型", "意味"] if lang == "ja" else ["column", "type", "meaning"])
    meanings = dict(zip(glossary.iloc[:, 0], glossary.iloc[:, 2], strict=True))
    if lang == "ja":
        assert meanings["progress_rate"].startswith("率（%") and meanings["observed_cagr"].startswith("独自分析")
    else:
        assert meanings["progress_rate"] == COLUMNS["progress_rate"][1]
