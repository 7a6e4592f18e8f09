"""What the data knows, the reader is told: how many of a year's grades rest on older actuals.

Expected figures are read off the source's H30 column (shared/source/000_328f68cdd567978d.txt):
of the 21 indicators (道産食品輸出額 counted once), 9 have no H30 actual — 8 (—, 未) go back
to H29 (製造業の付加価値生産性, 加工組立型工業, エゾシカ, 農業産出額, 漁業生産額, 道産木材,
外国人観光客, 国際線利用者数) and 1 (医師数: H29 —, H30 未) to H28.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpi_lib.analysis.grading import evaluate
from kpi_lib.dataset.loading import load_dataset
from kpi_lib.presentation.commentary import project_commentary

ROOT = Path(__file__).resolve().parent.parent


def _summary(ds, year, lang, projects=None):
    return project_commentary(evaluate(ds, year, projects=projects), None, ds.scheme, lang)


def test_hokkaido_h30_summary_counts_the_grades_on_older_actuals(dataset):
    ja = _summary(dataset, 2018, "ja")
    assert ja[1] == (
        "このうち9指標はH30の実績値がなく、それ以前の実績値による評価です"
        "（H29の実績値による8指標、H28の実績値による1指標）。"
    )
    en = _summary(dataset, 2018, "en")
    assert en[1] == (
        "Based on an earlier actual, as there is none for 2018: 9 of these grades (8 on 2017 actuals, 1 on 2016 actuals)."
    )
    # project 1: only 医師数 (H28)
    assert "H28の実績値による1指標" in _summary(dataset, 2018, "ja", [1])[1]


def test_no_such_sentence_where_every_grade_rests_on_the_years_actual():
    # the examples print an actual for every indicator in every year
    for example in ("expected_path", "milestone_improvement"):
        ds = load_dataset(ROOT / "examples" / example)
        for year in ds.years:
            assert not any("earlier actual" in s for s in _summary(ds, year, "en"))


@pytest.mark.parametrize("example", ["expected_path", "milestone_improvement"])
def test_other_schemes_count_a_missing_actual(example, tmp_path):
    root = tmp_path / example
    shutil.copytree(ROOT / "examples" / example, root)
    actuals = (root / "actuals.csv").read_text(encoding="utf-8").splitlines()
    # the first indicator's 2018 actual not yet available (未): its grade rests on 2017
    first = actuals[1].split(",")[0]
    actuals = [f"{first},2018,未" if line.startswith(f"{first},2018,") else line for line in actuals]
    (root / "actuals.csv").write_text("\n".join(actuals) + "\n", encoding="utf-8")
    ds = load_dataset(root)
    n = len(evaluate(ds, 2018))
    en = _summary(ds, 2018, "en")
    assert en[1] == "Based on an earlier actual, as there is none for 2018: 1 of these grades (1 on 2017 actuals)."
    assert f"Of the {n} indicators" in en[0]
    assert "このうち1指標はH30の実績値がなく" in _summary(ds, 2018, "ja")[1]
