"""Issue 21: workbooks at the sizes kpi_lib writes are read back, never refused as "not a workbook
written by kpi export". The export of 9,000 indicators and `kpi new` at its maxima are measured by
benchmarks/workbook_scale.py (docs/input.md states the figures); here the same round trips run on
every sheet kpi_lib can write (50 projects), with fewer rows, so that they stay quick."""

import sys
from pathlib import Path

import pytest

from kpi_lib.dataset.loading import load_dataset
from kpi_lib.workbook.new_dataset import MAX_PROJECTS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import workbook_scale  # noqa: E402

pytestmark = pytest.mark.slow


def test_an_export_of_fifty_projects_imports_unedited_with_no_changes(tmp_path):
    r = workbook_scale.export_round_trip(tmp_path, indicators=150, projects=MAX_PROJECTS, years=5)
    assert r["result"] == []  # no changes: every cell read back as exported
    assert len(load_dataset(tmp_path / "data").indicators) == 150


def test_the_widest_kpi_new_template_imported_unedited_says_nothing_is_filled_in(tmp_path):
    r = workbook_scale.template_round_trip(tmp_path, years=5, rows=1)
    assert r["result"].startswith("KpiError: workbook.xlsx: no project is filled in")
    assert "\n" not in r["result"]
