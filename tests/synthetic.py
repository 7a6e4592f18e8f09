"""Build small, hand-checkable data directories for tests (never written into data/)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from kpi_lib.dataset.schema import TABLES

INDICATOR_DEFAULTS = {
    "name_en": "",
    "name_source": "table",
    "unit_ja": "人",
    "unit_en": "persons",
    "direction": "higher",
    "baseline": "—",
    "baseline_year": "",
    "target_kind": "value",
    "target": "",
    "target_text_ja": "",
    "target_year": "2019",
    "period_start": "",
    "period_end": "",
    "revised_target": "",
    "revised_target_year": "",
    "actual_basis": "annual",
    "note": "",
}


def write_dataset(
    root: Path,
    indicators: list[dict],
    actuals: list[tuple],
    benchmarks: list[tuple] = (),
    period=(2015, 2020),
    scheme="hokkaido",
) -> Path:
    """One project holding every indicator as a KPI; actuals are (indicator, year, cell) tuples."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "metadata.json").write_text(
        json.dumps(
            {
                "title_ja": "テスト",
                "title_en": "test",
                "source": {"note": "synthetic test data"},
                "scheme": scheme,
                "period": {"first": period[0], "last": period[1]},
            }
        ),
        encoding="utf-8",
    )
    _write(
        root,
        "projects",
        [
            {
                "project": 1,
                "name_ja": "テスト",
                "name_en": "Test",
                "pillar": "",
                "pillar_note": "",
                "catch_ja": "テスト",
                "catch_en": "Test",
            }
        ],
    )
    rows = []
    for ind in indicators:
        row = {**INDICATOR_DEFAULTS, **{k: ("" if v is None else str(v)) for k, v in ind.items()}}
        row.setdefault("name_ja", row["indicator"])
        rows.append(row)
    _write(root, "indicators", rows)
    _write(
        root,
        "project_indicators",
        [{"project": 1, "kind": "KPI", "position": i, "indicator": r["indicator"]} for i, r in enumerate(rows, 1)],
    )
    _write(root, "actuals", [{"indicator": a, "year": y, "actual": v} for a, y, v in actuals])
    if benchmarks:
        _write(
            root,
            "benchmarks",
            [
                {"indicator": a, "year": y, "value": v, "provenance": "official", "source": "test"}
                for a, y, v in benchmarks
            ],
        )
    return root


def _write(root: Path, table: str, rows: list[dict]) -> None:
    columns = TABLES[table].column_names
    with open(root / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})
