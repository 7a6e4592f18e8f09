"""The official record first: where the source publishes a rate or a grade, that is what a report
shows; kpi_lib's recomputation appears only where it differs, as a check; a grade the source does
not give is shown as computed under the official rules, said so, and counted apart.

Expected figures come from the source (shared/source/000_328f68cdd567978d.txt): アクティブ・シニア
等の研修会の修了者 prints 67.4% for H30 (7,086 ÷ 10,500 = 67.49%, so 67.5% by the rounding rule);
the two project-1 rows whose labels were lost print their H30 rates (99.5%, 92.1%) but no grade
cell; 外国人観光客 prints 41.6% and 46.0% for H27 and H28, which are 208 ÷ 500 and 230 ÷ 500 — the
target revised to 500万人 in H29.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_lib.analysis.grading import evaluate
from kpi_lib.core.labels import text
from kpi_lib.dataset.loading import load_dataset
from kpi_lib.presentation import charts, commentary, tables, views

ROOT = Path(__file__).resolve().parent.parent


def _row(results, indicator, project=None):
    rows = results[results["indicator"] == indicator]
    if project is not None:
        rows = rows[rows["project"] == project]
    return rows.iloc[0].to_dict()


def test_the_published_rate_is_shown_and_ours_only_as_a_check(dataset):
    r = _row(evaluate(dataset, 2018), "active_senior_trainees")
    assert (r["rate_shown"], r["rate_source"], r["progress_rate"]) == (67.4, "published", 67.5)
    assert (r["grade_shown"], r["grade_source"]) == ("B", "published")
    for lang, basis, check in (("ja", "公表値", "67.5%"), ("en", "Published", "67.5%")):
        table = tables.grade_table(pd.DataFrame([r]), lang).iloc[0].tolist()
        assert "67.4%" in table and basis in table and table[-1] == check
    # where ours agrees, the check column is empty
    agree = _row(evaluate(dataset, 2018), "pregnancy_consultations")
    assert tables.check_text(agree, "ja") == "" and tables.basis_text(agree, "en") == "Published"


def test_the_lost_grade_cells_are_computed_and_said_so(dataset):
    results = evaluate(dataset, 2018)
    for indicator, rate, grade in (("wish_to_stay_rate", 99.5, "A③"), ("p1_kpi3", 92.1, "A②")):
        r = _row(results, indicator)
        assert (r["rate_shown"], r["rate_source"]) == (rate, "published")
        assert (r["grade_shown"], r["grade_source"], r["published_grade_note"]) == (grade, "computed", "not_given")
        assert (
            tables.basis_text(r, "ja", dataset.scheme)
            == "進捗率：公表値、進捗：公式の基準により本ツールが算定（原資料に記載なし）"
        )
        assert tables.basis_text(r, "en") == (
            "Rate: Published; grade: Computed by kpi_lib under the official rules (not given in the source)"
        )
    # the project report's sentences: the count keeps them apart and says why
    ja = commentary.project_commentary(results[results["project"] == 1], None, dataset.scheme, "ja")
    assert ja[0] == "平成30年度の評価対象8指標のうち、A②が1（うち算定1）、A③が5（うち算定1）、Bが2です。"
    assert "「算定」の2指標は公表された進捗がないため（原資料に記載なし2指標）" in ja[2]


def test_a_published_x_without_a_rate_is_said_to_be_published():
    """examples/achievement_ratio: its sheet prints X, and no rate, for 市内事業所の従業者数 in H29
    (no actual): the grade shown is the published one, so its basis says 公表値, never 算定."""
    city = load_dataset(Path(__file__).resolve().parent.parent / "examples" / "achievement_ratio")
    r = _row(evaluate(city, 2017), "p1_t01")
    assert (r["grade_shown"], r["grade_source"], r["rate_source"]) == ("X", "published", "missing")
    assert tables.basis_text(r, "ja", city.scheme) == "公表値"
    assert tables.basis_text(r, "en", city.scheme) == "Published"


def test_the_report_pages_show_the_published_figure_and_mark_computed_grades():
    shown = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(views, "_display", shown.append)
        r = views.open_report(2018, "ja", project=1)
        views.show_grade_summary(r)
        views.show_indicators(r)
    summary = shown[0]
    assert "67.4%" in summary and "67.5%" in summary  # shown, and our check beside it
    assert summary.count("kpi-grade-computed") == 2  # the two lost grade cells
    header = next(s for s in shown if "アクティブ・シニア" in s and "kpi-indicator" in s)
    assert "67.4%" in header and "67.5%" not in header and "kpi-grade-computed" not in header
    lost = next(s for s in shown if "できれば今と同じ" in s and "kpi-indicator" in s)
    assert "kpi-grade-computed" in lost and "算定" in lost


def test_the_heatmap_shows_published_rates_and_marks_computed_grades(dataset):
    results = evaluate(dataset, 2018)
    from kpi_lib.analysis.grading import progress_table

    frame = charts.heatmap_frame(progress_table(dataset), results, dataset.scheme, "en", dataset)
    cells = frame.set_index(["name", "year_label"])["label"]
    name = "1. Completers of training sessions for active seniors and others"
    assert cells[(name, "FY2018")] == "B 67.4%"  # published grade and rate
    assert cells[(name, "FY2017")] == "B† 62.6%"  # the source prints no H29 grade: ours, marked


def test_a_rate_published_on_a_later_revision_is_not_known_before_it():
    """外国人観光客: the source prints 41.6% for H27 and 46.0% for H28, computed on the target of
    500万人 set in H29 (208 ÷ 500, 230 ÷ 500). The FY2015 and FY2016 reports cannot have known
    those figures: they show ours on the target then in force (300万人), labelled computed,
    and accuse the source of nothing."""
    for year, ours in ((2015, 69.3), (2016, 76.7)):  # 208 ÷ 300, 230 ÷ 300
        r = views.open_report(year, "ja")
        row = r.results[r.results["indicator"] == "foreign_visitors"].iloc[0]
        assert (row["rate_shown"], row["rate_source"]) == (ours, "computed")
        assert not (r.findings["indicator"] == "foreign_visitors").any()
    # from FY2017 on the revision is known, and the source's own arithmetic holds: no finding at all
    from kpi_lib.analysis.audit import audit

    assert not (audit(load_dataset())["indicator"] == "foreign_visitors").any()
    r = views.open_report(2017, "ja")
    row = r.results[r.results["indicator"] == "foreign_visitors"].iloc[0]
    assert (row["rate_shown"], row["rate_source"]) == (55.8, "published")  # 279 ÷ 500 (the source, H29)


def _example_with_published_grades(tmp_path: Path) -> Path:
    """examples/expected_path with every computed grade recorded as published."""
    root = tmp_path / "published"
    shutil.copytree(ROOT / "examples" / "expected_path", root)
    ds = load_dataset(root)
    rows = [
        {"project": r["project"], "indicator": r["indicator"], "year": year, "grade": r["grade"], "note": ""}
        for year in ds.years
        for r in evaluate(ds, year).to_dict("records")
    ]
    pd.DataFrame(rows).to_csv(root / "published_grades.csv", index=False)
    return root


def test_a_dataset_with_no_published_grades_labels_every_grade_computed(tmp_path):
    ds = load_dataset(ROOT / "examples" / "expected_path")
    results = evaluate(ds, 2018)
    assert set(results["grade_source"]) == {"computed"} and set(results["rate_source"]) == {"computed"}
    en = commentary.project_commentary(results, None, ds.scheme, "en")
    assert "computed" not in en[0]  # one sentence for all, not a mark on every count
    assert en[1].startswith("None of these grades is published") and "kpi_lib computed them all" in en[1]
    # and with every grade published, nothing is marked computed
    pub = load_dataset(_example_with_published_grades(tmp_path))
    results = evaluate(pub, 2018)
    assert set(results["grade_source"]) == {"published"}
    sentences = commentary.project_commentary(results, None, pub.scheme, "en")
    assert not any("computed" in s for s in sentences)
    assert not any(
        "computed" in c for row in tables.grade_count_cells(results, pub.scheme.ranking, "en").values() for c in row
    )


@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(["published", "computed"])), min_size=1, max_size=30
    )
)
def test_counts_keep_published_and_computed_apart(rows):
    results = pd.DataFrame(
        [{"project": 1, "grade_shown": g, "grade_source": s} for g, s in rows]
        + [{"project": 1, "grade_shown": "", "grade_source": "missing"}]
    )
    cells = tables.grade_count_cells(results, ["A", "B", "C"], "en")[1]
    for g, cell in zip(["A", "B", "C"], cells):
        n = sum(1 for x, _ in rows if x == g)
        computed = sum(1 for x, s in rows if x == g and s == "computed")
        assert cell == (f"{n} ({computed} computed)" if computed else str(n))
    assert cells[-1] == "1"


def test_a_comparison_says_no_new_actual_instead_of_a_change(dataset):
    from kpi_lib.analysis.changes import change_table, grade_changes

    # 外国人観光客: H30 未 in the source, so its H30 grade stands on the H29 actual (279万人)
    changes = grade_changes(dataset, "H29", "H30", include_unchanged=True).set_index(["project", "indicator"])
    visitors = changes.loc[(4, "foreign_visitors")]
    assert (visitors["latest_year_to"], bool(visitors["new_actual"])) == (2017, False)
    exports = changes.loc[(3, "food_exports")]  # H30 774億円 printed: a new actual
    assert (exports["latest_year_to"], bool(exports["new_actual"])) == (2018, True)
    table = change_table(changes.reset_index(), "ja").set_index("設定項目")
    assert table.loc["外国人観光客", "新しい実績値"] == "なし（前年度と同じ実績値による）"
    assert table.loc["外国人観光客", text("col.latest_actual", "ja")] == "H29"


def test_a_revised_target_is_said_raised_or_lowered_and_when_only_where_the_source_says():
    import kpi_lib

    # 道産木材の利用量: 490万m³ → 見直し後 447万m³; the source does not say when
    timber = kpi_lib.indicator_commentary("timber_use", "H30", lang="ja")
    assert "目標値は490万m³から447万m³に引き下げられています（見直しの時期は原資料に記載がありません）。" in timber
    assert "見直し後の目標値（447万m³、R1）を達成しています。" in timber
    # 外国人観光客: 300万人 → 500万人, 「※H29に300万人から500万人に見直し」
    visitors = kpi_lib.indicator_commentary("foreign_visitors", "H30", lang="en")
    assert "The target was raised from 3 million persons to 5 million persons (revised in FY2017)." in visitors
    # before H29 the revision was not known: no word of it
    assert not any("raised" in s for s in kpi_lib.indicator_commentary("foreign_visitors", "H28", lang="en"))
