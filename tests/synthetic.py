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
                "report": {"level_ja": "プロジェクト", "level_en": "project"},
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


# --- datasets for the precision and empty/single cases (issue 16) ------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# A good year: every actual of examples/ raised to the milestone (目安値) or expected value (期待値)
# of its year, so every indicator is graded A and nothing lags.
GOOD_YEAR_ACTUALS = {
    "milestone_improvement": [
        ("waiting_list", 2016, "80"),
        ("waiting_list", 2017, "60"),
        ("waiting_list", 2018, "40"),
        ("net_migration", 2016, "-2,800"),
        ("net_migration", 2017, "-2,200"),
        ("net_migration", 2018, "-1,600"),
        ("tourists", 2016, "540"),
        ("tourists", 2017, "560"),
        ("tourists", 2018, "580"),
        ("migration_consultations", 2016, "10,800"),
        ("migration_consultations", 2017, "11,400"),
        ("migration_consultations", 2018, "12,000"),
    ],
    "expected_path": [
        # annual actuals of a cumulative target: 200 a year is the expected 200, 400, 600, 800
        ("new_businesses", 2015, "200"),
        ("new_businesses", 2016, "200"),
        ("new_businesses", 2017, "200"),
        ("new_businesses", 2018, "200"),
        ("waiting_list", 2015, "96"),
        ("waiting_list", 2016, "72"),
        ("waiting_list", 2017, "48"),
        ("waiting_list", 2018, "24"),
        ("net_migration", 2015, "-2,962"),
        ("net_migration", 2016, "-2,222"),
        ("net_migration", 2017, "-1,481"),
        ("net_migration", 2018, "-741"),
    ],
}


def good_year(root: Path, example: str) -> Path:
    """A copy of examples/<example> in which every indicator meets its reference every year."""
    import shutil

    shutil.copytree(EXAMPLES / example, root)
    _write(root, "actuals", [{"indicator": i, "year": y, "actual": v} for i, y, v in GOOD_YEAR_ACTUALS[example]])
    return root


def good_year_hokkaido(root: Path) -> Path:
    """One project, one indicator, one year of actuals, no national values, no published figures:
    under the hokkaido scheme, a target reached (A①)."""
    return write_dataset(
        root,
        [
            dict(
                indicator="visitors",
                name_ja="来訪者数",
                name_en="Visitors",
                baseline="100",
                baseline_year=2014,
                target="120",
            )
        ],
        [("visitors", 2018, "125")],
    )


# An office's workbook: 合計特殊出生率 printed 0.90, 1.40, 1.11, 1.00, which a spreadsheet stores
# as 0.9, 1.4, 1.11, 1 (and the import wrote as such before the precision was kept).
TFR = dict(
    indicator="tfr",
    name_ja="合計特殊出生率",
    name_en="Total fertility rate",
    unit_ja="",
    unit_en="",
    baseline="1.29",
    baseline_year=2014,
    target="1.8",
    target_year=2020,
)
TFR_ACTUALS = [("tfr", 2015, "0.9"), ("tfr", 2016, "1.4"), ("tfr", 2017, "1.11"), ("tfr", 2018, "1")]


def printed_decimals(root: Path, scheme: str = "hokkaido", declared: int | None = None) -> Path:
    """TFR_ACTUALS under `scheme`; the milestone schemes get a 目安値/期待値 of 1.30–1.45."""
    ind = {**TFR, "decimals": "" if declared is None else declared}
    write_dataset(root, [ind], TFR_ACTUALS, scheme=scheme)
    if scheme != "hokkaido":
        values = {2015: "1.30", 2016: "1.35", 2017: "1.40", 2018: "1.45"}
        _write(root, "milestones", [{"indicator": "tfr", "year": y, "value": v, "note": ""} for y, v in values.items()])
    return root
