"""Grade transitions: which indicators changed grade between two evaluation years.

`grade_changes` compares kpi_lib.analysis.grading.evaluate for the two years (consecutive or not) and
says how each grade moved by the scheme's ranking (best first): improved, worsened, changed
(a grade the ranking does not order), graded (no grade in the first year) or ungraded.
Used by `kpi changes` and by the overview report.
"""

from __future__ import annotations

import pandas as pd

from kpi_lib.analysis.grading import evaluate
from kpi_lib.core import numbers
from kpi_lib.core.errors import KpiError
from kpi_lib.core.fiscal_year import fiscal_year_label, parse_fiscal_year
from kpi_lib.core.frames import records
from kpi_lib.dataset.loading import check_year
from kpi_lib.dataset.scheme import Scheme, scheme_for

COLUMNS = [
    "project",
    "kind",
    "position",
    "indicator",
    "name_ja",
    "name_en",
    "name_source",
    "from_year",
    "to_year",
    "grade_from",
    "grade_to",
    "rate_from",
    "rate_to",
    "latest_year_from",
    "latest_year_to",
    "year_basis",
    "new_actual",
    "change",
]


def grade_changes(
    dataset,
    from_year: int | str,
    to_year: int | str,
    scheme: Scheme | str | None = None,
    projects: list[int] | None = None,
    include_unchanged: bool = False,
) -> pd.DataFrame:
    """One row per project and indicator whose grade differs between the two evaluation years
    (each in any form fiscal_year.parse_fiscal_year reads)."""
    from_year, to_year = parse_fiscal_year(from_year), parse_fiscal_year(to_year)
    if from_year >= to_year:
        raise KpiError(
            f"the first evaluation year ({fiscal_year_label(from_year, 'en')}) must come before the second "
            f"({fiscal_year_label(to_year, 'en')})"
        )
    for y in (from_year, to_year):
        check_year(dataset, y)
    scheme = scheme_for(dataset, scheme)
    before = evaluate(dataset, from_year, scheme, projects)
    after = evaluate(dataset, to_year, scheme, projects)
    return compare_results(before, after, from_year, to_year, scheme, include_unchanged)


# the number columns of grade_changes' table that hold whole numbers
WHOLE_NUMBER_COLUMNS = ("project", "position", "from_year", "to_year", "latest_year_from", "latest_year_to")


def typed_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """grade_changes' table with nullable numbers (numbers.nullable_numbers): what `kpi changes
    --format csv` writes and kpi_lib.changes() gives."""
    return numbers.nullable_numbers(changes, WHOLE_NUMBER_COLUMNS)


def compare_results(
    before: pd.DataFrame,
    after: pd.DataFrame,
    from_year: int,
    to_year: int,
    scheme: Scheme,
    include_unchanged: bool = False,
) -> pd.DataFrame:
    """grade_changes for two evaluate() results a caller already has (the reports evaluate
    both years anyway)."""
    # the grades and rates a report shows (the published ones where there are), and whether the
    # later year brought a new actual at all: without one, a change is no news of the indicator
    shown = {"grade_shown": "grade", "rate_shown": "progress_rate"}
    before, after = (
        f.drop(columns=list(shown.values())).rename(columns=shown) if "grade_shown" in f else f for f in (before, after)
    )
    merged = after.merge(
        before[["project", "indicator", "grade", "progress_rate", "latest_year"]],
        on=["project", "indicator"],
        suffixes=("", "_from"),
    )
    rows = []
    for r in records(merged):
        change = classify_change(scheme, r["grade_from"], r["grade"])
        new_actual = not pd.isna(r["latest_year"]) and (
            pd.isna(r["latest_year_from"]) or r["latest_year"] != r["latest_year_from"]
        )
        if change == "unchanged" and not include_unchanged:
            continue
        rows.append(
            {
                "project": r["project"],
                "kind": r["kind"],
                "position": r["position"],
                "indicator": r["indicator"],
                "name_ja": r["name_ja"],
                "name_en": r["name_en"],
                "name_source": r["name_source"],
                "from_year": from_year,
                "to_year": to_year,
                "grade_from": r["grade_from"],
                "grade_to": r["grade"],
                "rate_from": r["progress_rate_from"],
                "rate_to": r["progress_rate"],
                "latest_year_from": r["latest_year_from"],
                "latest_year_to": r["latest_year"],
                "year_basis": r.get("year_basis") or "not_stated",  # what those years are
                "new_actual": new_actual,
                "change": change,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def classify_change(scheme: Scheme, old: str, new: str) -> str:
    """How a grade moved: improved / worsened by the scheme's ranking, or changed, graded, ungraded, unchanged."""
    if old == new:
        return "unchanged"
    if not old:
        return "graded"
    if not new:
        return "ungraded"
    move = scheme.compare(old, new)
    return "improved" if move > 0 else "worsened" if move < 0 else "changed"


def change_table(changes: pd.DataFrame, lang: str = "ja", words=None) -> pd.DataFrame:
    """The changes as people read them: localised headings (in the dataset's `words`, its
    scheme: labels.text), the move in words."""
    from kpi_lib.core.fiscal_year import short_label, year_short_label
    from kpi_lib.core.formatting import indicator_name
    from kpi_lib.core.labels import kind_label, text

    rows = []
    for r in records(changes):
        rows.append(
            {
                text("col.project", lang, words): r["project"],
                text("col.kind", lang): kind_label(r["kind"], lang),
                text("col.name", lang): indicator_name(r, lang),
                text("col.grade_in", lang, words).format(year=short_label(r["from_year"], lang)): r["grade_from"],
                text("col.grade_in", lang, words).format(year=short_label(r["to_year"], lang)): r["grade_to"],
                text("col.change", lang): text(f"change.{r['change']}", lang),
                # a grade that moved without a new actual (the source printed 未 or —): said so
                text("col.latest_actual", lang): year_short_label(int(r["latest_year_to"]), lang, r["year_basis"])
                if not pd.isna(r["latest_year_to"])
                else "",
                text("col.new_actual", lang): text(f"change.new_actual.{bool(r['new_actual'])}", lang),
            }
        )
    return pd.DataFrame(rows)
