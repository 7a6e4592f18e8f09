"""The bad-input corpus: malformed copies of data/, each reported as file, line, column and problem.

Every case copies the real data directory into a temporary one, makes one small, readable
mistake in it and states the problem the user must be shown: the file, the line (1 = the
header; None for a problem of the whole file), the column (None where no single column is
at fault) and a distinctive fragment of the message. A case lists *every* problem expected,
so a mistake that also sets off follow-on noise fails the test.

The cases are checked three ways: through `load_dataset` (the Problem objects it raises), through
the `kpi` command in-process (a sample with its whole output here; every case, in both languages,
in tests/test_messages.py), and through the real `kpi` process (two cases, for exit status and the
absence of tracebacks as a user sees them).

Harmless variants (byte-order mark, full-width digits, 1,000 separators, era-form years,
surrounding spaces, other dashes, CRLF) are accepted: the data must load to exactly the
same tables and give exactly the same grades as the original.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib import cli
from kpi_lib.analysis.grading import evaluate
from kpi_lib.core.errors import DataError
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, load_dataset, validate

YEAR = 2018


# --- editing a copy of the data ------------------------------------------------------------


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines), encoding="utf-8")


def line_of(path: Path, prefix: str) -> int:
    """The 1-based line of the only line starting with `prefix` (found as text, not with csv)."""
    hits = [n for n, line in enumerate(read_lines(path), 1) if line.startswith(prefix)]
    assert len(hits) == 1, f"{path.name}: {len(hits)} lines start with {prefix!r}"
    return hits[0]


def _split(line: str) -> list[str]:
    return next(csv.reader([line]))


def _join(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


def edit(d: Path, file: str, prefix: str, **cells: str) -> int:
    """Set cells of the one-line row starting with `prefix`; return its line number."""
    path = d / file
    lines = read_lines(path)
    header = [h.strip() for h in _split(lines[0])]
    n = line_of(path, prefix)
    row = _split(lines[n - 1])
    for column, value in cells.items():
        row[header.index(column)] = value
    lines[n - 1] = _join(row)
    write_lines(path, lines)
    return n


def replace_line(d: Path, file: str, prefix: str, text: str) -> int:
    """Replace the line starting with `prefix` by raw text; return its line number."""
    path = d / file
    lines = read_lines(path)
    n = line_of(path, prefix)
    lines[n - 1] = text
    write_lines(path, lines)
    return n


def delete_line(d: Path, file: str, prefix: str) -> None:
    path = d / file
    lines = read_lines(path)
    del lines[line_of(path, prefix) - 1]
    write_lines(path, lines)


def append(d: Path, file: str, text: str) -> int:
    """Append a raw line; return its line number."""
    path = d / file
    lines = read_lines(path)
    while lines and lines[-1] == "":
        lines.pop()
    lines.append(text)
    write_lines(path, lines + [""])
    return len(lines)


def drop_column(d: Path, file: str, column: str) -> None:
    path = d / file
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    i = rows[0].index(column)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([r[:i] + r[i + 1 :] for r in rows])


def add_column(d: Path, file: str, column: str, value: str = "") -> None:
    path = d / file
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([rows[0] + [column]] + [r + [value] for r in rows[1:]])


def edit_metadata(d: Path, **changes) -> None:
    path = d / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            del meta[key]
        else:
            meta[key] = value
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


# --- the corpus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    file: str
    line: int | None
    column: str | None
    fragment: str

    def matches(self, p) -> bool:
        return (p.file, p.line, p.column) == (self.file, self.line, self.column) and self.fragment in p.message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: column {self.column!r}: …{self.fragment}…"


CASES = {}


def case(fn):
    """Register a case: fn(d) mutates the data copy `d` and returns the expected problem(s)."""
    CASES[fn.__name__] = fn
    return fn


# Structure of the files


@case
def missing_column(d):
    drop_column(d, "actuals.csv", "actual")
    return Expect("actuals.csv", 1, "actual", "column is missing from the header")


@case
def unknown_extra_column(d):
    add_column(d, "actuals.csv", "comment", "checked")
    return Expect("actuals.csv", 1, "comment", "unknown column (expected: indicator, year, actual)")


@case
def empty_column_name(d):
    add_column(d, "project_indicators.csv", "")
    return Expect("project_indicators.csv", 1, "(empty)", "unknown column")


@case
def duplicate_column_name(d):
    replace_line(d, "actuals.csv", "indicator,year,actual", "indicator,year,actual,year")
    return Expect("actuals.csv", 1, None, "duplicate column names in the header")


@case
def wrong_field_count(d):
    n = replace_line(d, "actuals.csv", "pregnancy_consultations,2016,", "pregnancy_consultations,2016")
    return Expect("actuals.csv", n, None, "has 2 fields, the header has 3")


@case
def unquoted_thousands_separator(d):
    # 7,086 written without quotes splits into two fields
    n = replace_line(d, "actuals.csv", "active_senior_trainees,2018,", "active_senior_trainees,2018,7,086")
    return Expect("actuals.csv", n, None, "has 4 fields, the header has 3")


@case
def unclosed_quote(d):
    n = replace_line(d, "actuals.csv", "pregnancy_consultations,2016,", 'pregnancy_consultations,2016,"301')
    return Expect("actuals.csv", n, None, "a quoted cell is never closed")


@case
def text_after_closing_quote(d):
    n = replace_line(d, "actuals.csv", "pregnancy_consultations,2016,", 'pregnancy_consultations,2016,"301"x')
    return Expect("actuals.csv", n, None, "malformed CSV")


@case
def empty_file(d):
    (d / "actuals.csv").write_text("", encoding="utf-8")
    return Expect("actuals.csv", 1, None, "file is empty (expected a header row)")


@case
def missing_required_file(d):
    (d / "project_indicators.csv").unlink()
    return Expect("project_indicators.csv", None, None, "file is missing")


@case
def directory_instead_of_file(d):
    (d / "actuals.csv").unlink()
    (d / "actuals.csv").mkdir()
    return Expect("actuals.csv", None, None, "cannot be read")


# Encoding


@case
def shift_jis_file(d):
    path = d / "indicators.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932", errors="replace"))
    first_japanese = next(
        n for n, line in enumerate(read_lines(DEFAULT_DATA_DIR / "indicators.csv"), 1) if not line.isascii()
    )
    return Expect("indicators.csv", first_japanese, None, "it looks like Shift_JIS: save it as UTF-8")


@case
def invalid_utf8_bytes(d):
    path = d / "actuals.csv"
    n = line_of(path, "pregnancy_consultations,2016,")
    path.write_bytes(
        path.read_bytes().replace(b"pregnancy_consultations,2016,301", b"pregnancy_consultations,2016,3\xff01")
    )
    return Expect("actuals.csv", n, None, "not valid UTF-8")


@case
def stray_bom_inside_file(d):
    n = edit(d, "actuals.csv", "total_fertility_rate,2016,", indicator="\ufefftotal_fertility_rate")
    return Expect("actuals.csv", n, None, "stray byte-order mark inside the file")


@case
def double_bom(d):
    path = d / "actuals.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + path.read_bytes())
    return Expect("actuals.csv", 1, None, "stray byte-order mark")


# Cells


@case
def non_numeric_actual(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="集計中")
    return Expect("actuals.csv", n, "actual", "not a number: '集計中' (expected a number, 未 or —)")


@case
def actual_with_unit(d):
    n = edit(d, "actuals.csv", "wish_to_stay_rate,2016,", actual="76.6%")
    return Expect("actuals.csv", n, "actual", "not a number: '76.6%' (write the number without the unit '%')")


@case
def full_width_actual_with_unit(d):
    n = edit(d, "actuals.csv", "active_senior_trainees,2018,", actual="７，０８６人")
    return Expect("actuals.csv", n, "actual", "without the unit '人'")


@case
def misplaced_thousands_separator(d):
    n = edit(d, "actuals.csv", "active_senior_trainees,2018,", actual="70,86")
    return Expect("actuals.csv", n, "actual", "misplaced thousands separator in '70,86'")


@case
def decimal_comma(d):
    n = edit(d, "actuals.csv", "total_fertility_rate,2016,", actual="1,29")
    return Expect("actuals.csv", n, "actual", "misplaced thousands separator")


@case
def scientific_notation_target(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target="6e2")
    return Expect("indicators.csv", n, "target", "not a number: '6e2' (expected a number)")


@case
def dash_as_target(d):
    # — is a state of a table cell; a target column takes only numbers
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target="—")
    return Expect("indicators.csv", n, "target", "not a number: '—' (expected a number)")


@case
def missing_required_value(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", direction="")
    return Expect("indicators.csv", n, "direction", "value is missing")


@case
def missing_actual(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="")
    return Expect("actuals.csv", n, "actual", "value is missing")


@case
def invalid_target_kind(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target_kind="target")
    return Expect(
        "indicators.csv",
        n,
        "target_kind",
        "'target' is not one of value, national, above_baseline, at_least_baseline, cumulative",
    )


@case
def invalid_kind(d):
    n = edit(d, "project_indicators.csv", "1,KPI,1,", kind="kpi")
    return Expect("project_indicators.csv", n, "kind", "'kpi' is not one of 数値目標, KPI")


@case
def not_a_whole_number(d):
    n = edit(d, "project_indicators.csv", "1,KPI,1,", position="1.5")
    return Expect("project_indicators.csv", n, "position", "not a whole number: '1.5'")


@case
def reiwa_zero(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", year="R0")
    return Expect("actuals.csv", n, "year", "invalid fiscal year 'R0': era years start at 1")


@case
def fractional_year(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", year="2018.5")
    return Expect("actuals.csv", n, "year", "invalid fiscal year '2018.5'")


@case
def two_digit_year(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target_year="19")
    return Expect("indicators.csv", n, "target_year", "invalid fiscal year '19'")


# Keys and references


@case
def duplicate_indicator(d):
    row = read_lines(d / "indicators.csv")[line_of(d / "indicators.csv", "pregnancy_consultations,") - 1]
    first = line_of(d / "indicators.csv", "pregnancy_consultations,")
    n = append(d, "indicators.csv", row)
    return Expect(
        "indicators.csv", n, "indicator", f"duplicate row for indicator=pregnancy_consultations (first at line {first})"
    )


@case
def duplicate_actual(d):
    first = line_of(d / "actuals.csv", "total_fertility_rate,2018,")
    n = append(d, "actuals.csv", "total_fertility_rate,2018,1.30")
    return Expect(
        "actuals.csv",
        n,
        "indicator, year",
        f"duplicate row for indicator=total_fertility_rate, year=2018 (first at line {first})",
    )


@case
def duplicate_actual_in_era_form(d):
    # H30 is 2018: the same key once years are normalised
    first = line_of(d / "actuals.csv", "total_fertility_rate,2018,")
    n = append(d, "actuals.csv", "total_fertility_rate,H30,1.27")
    return Expect("actuals.csv", n, "indicator, year", f"year=2018 (first at line {first})")


@case
def duplicate_project_indicator(d):
    first = line_of(d / "project_indicators.csv", "1,KPI,1,")
    n = append(d, "project_indicators.csv", "1,KPI,7,pregnancy_consultations")
    return Expect(
        "project_indicators.csv",
        n,
        "project, indicator",
        f"duplicate row for project=1, indicator=pregnancy_consultations (first at line {first})",
    )


@case
def position_used_twice(d):
    first = line_of(d / "project_indicators.csv", "2,KPI,1,")
    n = append(d, "project_indicators.csv", "2,KPI,1,food_exports")
    return Expect(
        "project_indicators.csv", n, "position", f"position 1 of project 2 KPI is already used at line {first}"
    )


@case
def unknown_indicator_in_actuals(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", indicator="pregnancy_consultation")
    return Expect("actuals.csv", n, "indicator", "unknown indicator 'pregnancy_consultation'")


@case
def unknown_project_in_project_indicators(d):
    n = append(d, "project_indicators.csv", "9,KPI,1,food_exports")
    return Expect("project_indicators.csv", n, "project", "unknown project 9")


@case
def unknown_indicator_in_project_indicators(d):
    n = append(d, "project_indicators.csv", "1,KPI,7,no_such_indicator")
    return Expect("project_indicators.csv", n, "indicator", "unknown indicator 'no_such_indicator'")


@case
def unknown_project_in_published_grades(d):
    n = append(d, "published_grades.csv", "7,food_exports,2018,B,")
    return Expect("published_grades.csv", n, "project", "unknown project 7")


@case
def published_rate_for_indicator_not_in_project(d):
    n = append(d, "published_rates.csv", "2,total_fertility_rate,2018,89.4")
    return Expect(
        "published_rates.csv",
        n,
        "indicator",
        "indicator 'total_fertility_rate' is not listed for project 2 in project_indicators.csv",
    )


@case
def indicator_in_no_project(d):
    row = read_lines(d / "indicators.csv")[line_of(d / "indicators.csv", "pregnancy_consultations,") - 1]
    n = append(d, "indicators.csv", row.replace("pregnancy_consultations,", "orphan_indicator,", 1))
    return Expect("indicators.csv", n, "indicator", "belongs to no project")


@case
def unknown_pillar(d):
    n = edit(d, "projects.csv", "3,", pillar="4")
    return Expect("projects.csv", n, "pillar", "unknown pillar 4")


# Targets, baselines, periods and benchmarks


@case
def actual_year_outside_period(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2015,", year="H26")
    return Expect("actuals.csv", n, "year", "year 2014 is outside the strategy period 2015-2020 (metadata.json)")


@case
def revised_target_without_original(d):
    # the original target of a value indicator deleted, its revision left behind
    n = edit(d, "indicators.csv", "fishery_output_per_worker,", target="")
    return [
        Expect("indicators.csv", n, "target", "a value target needs a target value"),
        Expect("indicators.csv", n, "revised_target", "a revised target without an original target"),
    ]


@case
def revised_target_without_original_baseline_kind(d):
    n = edit(d, "indicators.csv", "agricultural_output,", revised_target="11000", revised_target_year="2019")
    return Expect("indicators.csv", n, "revised_target", "a revised target without an original target")


@case
def revised_target_without_year(d):
    n = edit(d, "indicators.csv", "partnership_areas,", revised_target_year="")
    return Expect("indicators.csv", n, "revised_target_year", "a revised target needs its year")


@case
def zero_target(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target="0")
    return Expect("indicators.csv", n, "target", "zero target: the rate (a ratio to the target) would divide by zero")


@case
def zero_revised_target(d):
    n = edit(d, "indicators.csv", "timber_use,", revised_target="０")
    return Expect("indicators.csv", n, "revised_target", "zero target")


@case
def negative_target(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target="-600")
    return Expect("indicators.csv", n, "target", "negative target")


@case
def value_target_without_target(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target="")
    return Expect("indicators.csv", n, "target", "a value target needs a target value")


@case
def national_target_with_target_value(d):
    n = edit(d, "indicators.csv", "total_fertility_rate,", target="1.5")
    return Expect("indicators.csv", n, "target", "a national target takes no target value")


@case
def zero_baseline_for_baseline_target(d):
    n = edit(d, "indicators.csv", "wish_to_stay_rate,", baseline="0")
    return Expect("indicators.csv", n, "baseline", "the baseline must be positive: it is the divisor of the rate")


@case
def negative_baseline_for_baseline_target(d):
    n = edit(d, "indicators.csv", "agricultural_output,", baseline="-10705")
    return Expect("indicators.csv", n, "baseline", "the baseline must be positive")


@case
def baseline_target_without_baseline(d):
    n = edit(d, "indicators.csv", "agricultural_output,", baseline="—", baseline_year="")
    return Expect("indicators.csv", n, "baseline", "a at_least_baseline target needs a baseline value")


@case
def baseline_not_yet(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", baseline="未")
    return Expect("indicators.csv", n, "baseline", "a baseline cannot be 未")


@case
def baseline_without_year(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", baseline_year="")
    return Expect("indicators.csv", n, "baseline_year", "a baseline value needs its year")


@case
def cumulative_target_without_period(d):
    n = edit(d, "indicators.csv", "active_senior_trainees,", period_start="", period_end="")
    return Expect(
        "indicators.csv", n, "period_start", "a cumulative target needs its period (period_start and period_end)"
    )


@case
def period_ends_before_it_starts(d):
    n = edit(d, "indicators.csv", "foreign_investment_cases,", period_start="2019", period_end="H28")
    return Expect("indicators.csv", n, "period_end", "the period ends before it starts")


@case
def period_on_non_cumulative_target(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", period_start="2015", period_end="2019")
    return Expect("indicators.csv", n, "period_start", "only a cumulative target has a period")


@case
def cumulative_actuals_on_annual_target(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", actual_basis="cumulative_to_date")
    return Expect("indicators.csv", n, "actual_basis", "only a cumulative target can have cumulative_to_date actuals")


@case
def name_missing_but_name_source_table(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", name_ja="")
    return Expect("indicators.csv", n, "name_ja", "must be empty exactly when name_source is 'missing'")


@case
def benchmark_target_without_benchmark_values(d):
    n = line_of(d / "indicators.csv", "female_employment_25_34,")
    delete_line(d, "benchmarks.csv", "female_employment_25_34,2018,")
    return Expect(
        "benchmarks.csv",
        None,
        "value",
        f"national-level indicator 'female_employment_25_34' (indicators.csv line {n}) has no national value for 2018",
    )


@case
def benchmark_for_indicator_without_national_target(d):
    n = append(d, "benchmarks.csv", "pregnancy_consultations,2018,500,official,a test")
    return Expect("benchmarks.csv", n, "indicator", "'pregnancy_consultations' does not have a national-level target")


@case
def invalid_benchmark_provenance(d):
    n = edit(d, "benchmarks.csv", "total_fertility_rate,2018,", provenance="estimated")
    return Expect("benchmarks.csv", n, "provenance", "'estimated' is not one of official, derived")


# Spanning lines: a row whose quoted cell spans lines is reported at the line it starts on


@case
def error_in_multiline_row(d):
    path = d / "analysis.csv"
    n = line_of(path, '2,"')
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('\n2,"', '\nII,"', 1), encoding="utf-8")
    return Expect("analysis.csv", n, "project", "not a number: 'II' (expected a number)")


# metadata.json


@case
def metadata_missing(d):
    (d / "metadata.json").unlink()
    return Expect("metadata.json", None, None, "file is missing")


@case
def metadata_not_json(d):
    path = d / "metadata.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"scheme": "hokkaido",', '"scheme": "hokkaido",,'), encoding="utf-8"
    )
    n = line_of(path, '  "scheme"')
    return Expect("metadata.json", n, None, "not valid JSON")


@case
def metadata_not_an_object(d):
    (d / "metadata.json").write_text('["hokkaido"]', encoding="utf-8")
    return Expect("metadata.json", 1, None, "must be a JSON object")


@case
def metadata_key_missing(d):
    edit_metadata(d, title_ja=None)  # title_en is optional: a Japanese-only dataset has none
    return Expect("metadata.json", None, "title_ja", "key is missing")


@case
def metadata_period_not_years(d):
    edit_metadata(d, period={"first": "H27", "last": "R2"})
    return Expect("metadata.json", None, "period", 'must be {"first": YEAR, "last": YEAR}')


@case
def metadata_period_reversed(d):
    edit_metadata(d, period={"first": 2020, "last": 2015})
    return Expect("metadata.json", None, "period", "the period ends (2015) before it starts (2020)")


@case
def metadata_unknown_scheme(d):
    edit_metadata(d, scheme="tokyo")
    return Expect("metadata.json", None, "scheme", "unknown grading scheme 'tokyo'")


# Digit look-alikes: NFKC would turn them into digits (774¹ -> 7741), so they are refused, named


@case
def superscript_footnote_mark_on_actual(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="301¹")
    return Expect("actuals.csv", n, "actual", "U+00B9 SUPERSCRIPT ONE, which is not a digit")


@case
def superscript_two_in_target(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target="600²")
    return Expect("indicators.csv", n, "target", "U+00B2 SUPERSCRIPT TWO")


@case
def circled_number_as_actual(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="①")
    return Expect("actuals.csv", n, "actual", "U+2460 CIRCLED DIGIT ONE")


@case
def circled_number_ten_after_digits(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="30⑩")
    return Expect("actuals.csv", n, "actual", "U+2469 CIRCLED NUMBER TEN")


@case
def subscript_digit_in_baseline(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", baseline="45₅")
    return Expect("indicators.csv", n, "baseline", "U+2085 SUBSCRIPT FIVE")


@case
def vulgar_fraction_in_actual(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="301½")
    return Expect("actuals.csv", n, "actual", "U+00BD VULGAR FRACTION ONE HALF")


@case
def arabic_indic_digits(d):
    # Python's float() reads these as 301: refused, as they are not what the source prints
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="٣٠١")
    return Expect("actuals.csv", n, "actual", "U+0663 ARABIC-INDIC DIGIT THREE")


@case
def mathematical_bold_digit(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="𝟑01")
    return Expect("actuals.csv", n, "actual", "U+1D7D1 MATHEMATICAL BOLD DIGIT THREE")


@case
def digit_full_stop(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="⒊01")
    return Expect("actuals.csv", n, "actual", "U+248A DIGIT THREE FULL STOP")


@case
def dingbat_circled_digit(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="❶")
    return Expect("actuals.csv", n, "actual", "U+2776 DINGBAT NEGATIVE CIRCLED DIGIT ONE")


@case
def superscript_in_year(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", year="201⁶")
    return Expect("actuals.csv", n, "year", "U+2076 SUPERSCRIPT SIX")


@case
def circled_number_in_position(d):
    n = edit(d, "project_indicators.csv", "5,KPI,2,", position="②")
    return Expect("project_indicators.csv", n, "position", "U+2461 CIRCLED DIGIT TWO")


@case
def superscript_in_benchmark(d):
    n = edit(d, "benchmarks.csv", "total_fertility_rate,2018,", value="1.42¹")
    return Expect("benchmarks.csv", n, "value", "U+00B9 SUPERSCRIPT ONE")


# Minus marks: △ and ▲ are read as minus (see test_minus_marks_read_as_negative); misuse is refused


@case
def minus_mark_twice(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="△-301")
    return Expect("actuals.csv", n, "actual", "not a number: '△-301'")


@case
def minus_mark_alone(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="▲")
    return Expect("actuals.csv", n, "actual", "not a number: '▲'")


@case
def minus_mark_after_the_number(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="301△")
    return Expect("actuals.csv", n, "actual", "without the unit '△'")


@case
def minus_mark_with_misplaced_separator(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="△30,1")
    return Expect("actuals.csv", n, "actual", "misplaced thousands separator in '△30,1'")


# Range and precision: refused when read, so nothing downstream sees inf, 0 or a crashing Decimal


@case
def four_hundred_digit_actual(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="9" * 400)
    return Expect("actuals.csv", n, "actual", "number out of range")


@case
def actual_just_at_the_limit(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="1" + "0" * 15)
    return Expect("actuals.csv", n, "actual", "number out of range")


@case
def underflowing_actual(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="0." + "0" * 399 + "1")
    return Expect("actuals.csv", n, "actual", "too many decimals")


@case
def twenty_eight_significant_digits(d):
    n = edit(d, "actuals.csv", "total_fertility_rate,2016,", actual="1.285714285714285714285714285")
    return Expect("actuals.csv", n, "actual", "too many decimals")


@case
def sixteen_significant_digits(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="30100000000.00001")
    return Expect("actuals.csv", n, "actual", "too many digits in '30100000000.00001': at most 15 significant digits")


@case
def sixteen_digit_whole_number(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target="6000000000000000")
    return Expect("indicators.csv", n, "target", "number out of range")


@case
def huge_grouped_number(d):
    n = edit(d, "actuals.csv", "pregnancy_consultations,2016,", actual="1,000,000,000,000,000")
    return Expect("actuals.csv", n, "actual", "number out of range")


@case
def huge_negative_benchmark(d):
    n = edit(d, "benchmarks.csv", "total_fertility_rate,2018,", value="-" + "9" * 20)
    return Expect("benchmarks.csv", n, "value", "number out of range")


@case
def huge_whole_number_position(d):
    n = edit(d, "project_indicators.csv", "5,KPI,2,", position="9" * 30)
    return Expect("project_indicators.csv", n, "position", "number out of range")


@case
def many_decimals_in_published_rate(d):
    n = edit(d, "published_rates.csv", "1,total_fertility_rate,2018,", progress_rate="93.123456789012")
    return Expect("published_rates.csv", n, "progress_rate", "too many decimals")


# Implausible years


@case
def actual_before_the_baseline_year(d):
    # the baseline year moves into the period (2016), so the 2015 actual precedes it
    edit(d, "indicators.csv", "pregnancy_consultations,", baseline_year="2016")
    n = line_of(d / "actuals.csv", "pregnancy_consultations,2015,")
    return Expect("actuals.csv", n, "year", "year 2015 is before the baseline year 2016 of 'pregnancy_consultations'")


@case
def target_year_before_the_baseline_year(d):
    n = edit(d, "indicators.csv", "pregnancy_consultations,", target_year="H25")
    return Expect("indicators.csv", n, "target_year", "the target year 2013 is before the baseline year 2014")


@case
def revised_target_year_before_the_period(d):
    n = edit(d, "indicators.csv", "foreign_visitors,", revised_target_year="H26")
    return Expect(
        "indicators.csv", n, "revised_target_year", "the revised target's year 2014 is before the strategy period"
    )


# Files that are not regular files, or not UTF-8


@case
def fifo_instead_of_csv(d):
    import os

    (d / "actuals.csv").unlink()
    os.mkfifo(d / "actuals.csv")  # reading it would block until something writes to it
    return Expect("actuals.csv", None, None, "cannot be read (a named pipe (FIFO), not a regular file)")


@case
def fifo_instead_of_metadata(d):
    import os

    (d / "metadata.json").unlink()
    os.mkfifo(d / "metadata.json")
    return Expect("metadata.json", None, None, "a named pipe (FIFO)")


@case
def symlink_loop(d):
    (d / "actuals.csv").unlink()
    (d / "actuals.csv").symlink_to("actuals.csv")
    return Expect("actuals.csv", None, None, "cannot be read (a symbolic link loop)")


@case
def symlink_to_nothing(d):
    (d / "actuals.csv").unlink()
    (d / "actuals.csv").symlink_to("gone.csv")
    return Expect("actuals.csv", None, None, "file is missing (a symbolic link to nothing)")


@case
def utf16_with_bom(d):
    path = d / "actuals.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return Expect("actuals.csv", None, None, "the file is UTF-16: save it as UTF-8")


@case
def utf16_without_bom(d):
    path = d / "indicators.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    return Expect("indicators.csv", None, None, "the file is UTF-16")


@case
def utf16_big_endian_metadata(d):
    path = d / "metadata.json"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-be"))
    return Expect("metadata.json", None, None, "the file is UTF-16")


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    return d


def mutate(d: Path, name: str) -> list[Expect]:
    expected = CASES[name](d)
    return expected if isinstance(expected, list) else [expected]


def location(e: Expect) -> str:
    """The text a user sees before the message, as errors.Problem prints it."""
    where = e.file if e.line is None else f"{e.file}:{e.line}"
    return where + (f": column '{e.column}'" if e.column else "")


# --- the tests -----------------------------------------------------------------------------


# The mistakes the product issue names, and the cases that cover them.
ISSUE_CHECKLIST = {
    "missing column": "missing_column",
    "unknown project": "unknown_project_in_project_indicators",
    "duplicate indicator": "duplicate_indicator",
    "non-numeric actual": "non_numeric_actual",
    "full-width digits (rejected only with a unit; else accepted)": "full_width_actual_with_unit",
    "thousands separators (misplaced; else accepted)": "misplaced_thousands_separator",
    "a year outside the period": "actual_year_outside_period",
    "a revised target without an original": "revised_target_without_original",
    "a zero target": "zero_target",
    "a cumulative target without a period": "cumulative_target_without_period",
    "a benchmark target without benchmark values": "benchmark_target_without_benchmark_values",
    "BOM problems": "stray_bom_inside_file",
    "encoding problems": "shift_jis_file",
    "unknown indicator in actuals": "unknown_indicator_in_actuals",
    "unknown project in project_indicators": "unknown_project_in_project_indicators",
    "duplicate (indicator, year) in actuals": "duplicate_actual",
    "missing required value": "missing_required_value",
    "wrong field count": "wrong_field_count",
    "invalid enum": "invalid_target_kind",
    "invalid fiscal year R0": "reiwa_zero",
    "invalid fiscal year 2018.5": "fractional_year",
    "zero baseline for a baseline-relative target": "zero_baseline_for_baseline_target",
    "negative baseline for a baseline-relative target": "negative_baseline_for_baseline_target",
    "published rate for an indicator not in that project": "published_rate_for_indicator_not_in_project",
    "period_end before period_start": "period_ends_before_it_starts",
    "baseline value without baseline year": "baseline_without_year",
    "unknown extra column": "unknown_extra_column",
    "empty file": "empty_file",
    "missing required file": "missing_required_file",
    "malformed metadata.json": "metadata_not_json",
    "benchmark row for an indicator that is not national-level": "benchmark_for_indicator_without_national_target",
    # issue 11
    "superscript footnote mark (774¹)": "superscript_footnote_mark_on_actual",
    "circled number (①)": "circled_number_as_actual",
    "other digit look-alikes": "arabic_indic_digits",
    "a 400-digit number": "four_hundred_digit_actual",
    "underflow to 0": "underflowing_actual",
    "28 significant digits": "twenty_eight_significant_digits",
    "an actual before the baseline year": "actual_before_the_baseline_year",
    "a target year before the baseline year": "target_year_before_the_baseline_year",
    "a revised-target year before the strategy period": "revised_target_year_before_the_period",
    "a FIFO where a CSV belongs": "fifo_instead_of_csv",
    "a UTF-16 file": "utf16_with_bom",
    "a symlink loop": "symlink_loop",
}


def test_the_corpus_covers_the_issue():
    assert len(CASES) >= 100
    assert set(ISSUE_CHECKLIST.values()) <= set(CASES)


def test_the_real_data_is_valid():
    assert validate(DEFAULT_DATA_DIR) == []


@pytest.mark.parametrize("name", CASES)
def test_problem_is_reported_with_file_line_and_column(data_copy, name):
    # the problems load_dataset raises; that validate() returns them and `kpi validate` prints
    # them, a line each and in both languages: tests/test_messages.py, on every case of this corpus
    expected = mutate(data_copy, name)
    with pytest.raises(DataError) as raised:
        load_dataset(data_copy)
    problems = raised.value.problems
    shown = "\n".join(map(str, problems))
    assert len(problems) == len(expected), f"expected {len(expected)} problem(s), got:\n{shown}"
    for e in expected:
        assert any(e.matches(p) for p in problems), f"expected {e}, got:\n{shown}"


@pytest.mark.parametrize(
    "name",
    ["missing_column", "actual_with_unit", "shift_jis_file", "duplicate_actual", "zero_target", "metadata_not_json"],
)
def test_kpi_grades_refuses_bad_data_in_process(data_copy, name, capsys):
    expected = mutate(data_copy, name)
    assert cli.main(["grades", "--year", str(YEAR), "--data", str(data_copy)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == len(expected)
    for e, line in zip(expected, lines):
        assert line.startswith(f"kpi: error: {location(e)}: ") and e.fragment in line


# A sample of the corpus, one case per kind of mistake, with the whole output checked as a user
# sees it: exit status, nothing on stdout, error lines only (validate: and a count).
SAMPLE = [
    ("validate", "missing_column"),
    ("validate", "shift_jis_file"),
    ("validate", "stray_bom_inside_file"),
    ("validate", "unknown_project_in_project_indicators"),
    ("validate", "revised_target_without_original"),
    ("validate", "benchmark_target_without_benchmark_values"),
    ("validate", "directory_instead_of_file"),
    ("grades", "non_numeric_actual"),
    ("grades", "unclosed_quote"),
    ("grades", "duplicate_actual"),
    ("grades", "metadata_not_an_object"),
    ("grades", "zero_baseline_for_baseline_target"),
]
# Two of them as a real process: the exit status and stderr of `kpi` itself, no traceback.
PROCESS_SAMPLE = [("validate", "missing_column"), ("grades", "non_numeric_actual")]


def _fails_with_one_line_errors(r, command, expected, data_copy):
    assert r.returncode == 1, r.stderr
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    errors = [line for line in lines if line.startswith("kpi: error: ")]
    assert len(errors) == len(expected), r.stderr
    if command == "validate":
        assert lines[-1] == f"{len(expected)} problem(s) in {data_copy}"
    else:
        assert lines == errors
    for e in expected:
        assert any(line.startswith(f"kpi: error: {location(e)}: ") and e.fragment in line for line in errors), r.stderr
    return True


def _args(command):
    return ["grades", "--year", str(YEAR)] if command == "grades" else ["validate"]


@pytest.mark.parametrize("command, name", SAMPLE)
def test_kpi_fails_with_one_line_errors_and_no_traceback(data_copy, command, name, kpi):
    expected = mutate(data_copy, name)
    r = kpi(*_args(command), "--data", str(data_copy))
    assert _fails_with_one_line_errors(r, command, expected, data_copy)


@pytest.mark.parametrize("command, name", PROCESS_SAMPLE)
def test_kpi_process_fails_with_one_line_errors_and_no_traceback(data_copy, command, name, kpi_process):
    expected = mutate(data_copy, name)
    r = kpi_process(*_args(command), "--data", str(data_copy))
    assert _fails_with_one_line_errors(r, command, expected, data_copy)


def test_every_problem_is_reported_at_once(data_copy):
    """Independent mistakes in different files and at different stages are all reported in one run."""
    d = data_copy
    drop_column(d, "measures.csv", "group_en")
    expected = [
        Expect("measures.csv", 1, "group_en", "column is missing from the header"),  # a header
        non_numeric_actual(d),  # a cell
        invalid_target_kind(d),  # an enum
        unknown_project_in_project_indicators(d),  # a reference between tables
        Expect(
            "indicators.csv", edit(d, "indicators.csv", "deer_utilization_rate,", target="0"), "target", "zero target"
        ),  # a rule of another indicator
        metadata_key_missing(d),  # metadata.json
    ]
    problems = validate(d)
    shown = "\n".join(map(str, problems))
    assert len(problems) == len(expected), shown
    for e in expected:
        assert any(e.matches(p) for p in problems), f"expected {e}, got:\n{shown}"
    with pytest.raises(DataError) as info:
        load_dataset(d)
    assert f"(and {len(expected) - 1} more problem(s); run 'kpi validate')" in str(info.value)
    assert "\n" not in str(info.value)


def test_a_missing_table_does_not_flood_the_report(data_copy):
    """Without indicators.csv the other tables' references are not checked: one problem, not hundreds."""
    (data_copy / "indicators.csv").unlink()
    assert [str(p) for p in validate(data_copy)] == ["indicators.csv: file is missing"]


def test_a_bad_row_gives_no_follow_on_problems(data_copy):
    """A year that cannot be read is one problem, not also 'outside the period' or 'no national value'."""
    n = edit(data_copy, "actuals.csv", "total_fertility_rate,2018,", year="R0")
    m = edit(data_copy, "indicators.csv", "total_fertility_rate,", target_kind="nationa")
    problems = validate(data_copy)
    assert [(p.file, p.line, p.column) for p in problems] == [
        ("indicators.csv", m, "target_kind"),
        ("actuals.csv", n, "year"),
    ]


def test_missing_data_directory(tmp_path, kpi):
    r = kpi("validate", "--data", str(tmp_path / "nowhere"))
    assert r.returncode == 1 and r.stdout == "" and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [f"kpi: error: data directory not found: {tmp_path / 'nowhere'}"]


# --- harmless variants: accepted and normalised --------------------------------------------


def add_bom_everywhere(d):
    for path in [*d.glob("*.csv"), d / "metadata.json"]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def full_width_digits(d):
    edit(d, "actuals.csv", "manufacturing_productivity,2015,", actual="１，０２９")
    edit(d, "actuals.csv", "manufacturing_productivity,2017,", actual="９６５")
    edit(d, "actuals.csv", "total_fertility_rate,2018,", actual="１．２７")
    edit(d, "actuals.csv", "pregnancy_consultations,2018,", year="２０１８")
    edit(d, "indicators.csv", "pregnancy_consultations,", target="６００")
    edit(d, "project_indicators.csv", "5,KPI,2,", position="２")


def thousands_separators(d):
    edit(d, "actuals.csv", "active_senior_trainees,2018,", actual="7,086")
    edit(d, "actuals.csv", "p1_kpi3,2018,", actual="87,517")
    edit(d, "indicators.csv", "agricultural_output,", baseline="10,705")
    edit(d, "indicators.csv", "active_senior_trainees,", target="10,500")
    assert '"7,086"' in (d / "actuals.csv").read_text(encoding="utf-8")


def era_years(d):
    edit(d, "actuals.csv", "total_fertility_rate,2018,", year="H30")
    edit(d, "actuals.csv", "wish_to_stay_rate,2018,", year="平成30年度")
    edit(d, "actuals.csv", "pregnancy_consultations,2015,", year="FY2015")
    edit(d, "indicators.csv", "pregnancy_consultations,", baseline_year="平成26年度", target_year="令和元年度")
    edit(d, "indicators.csv", "foreign_visitors,", target_year="R2", revised_target_year="令和2年度")
    edit(d, "benchmarks.csv", "total_fertility_rate,2018,", year="H30")


def surrounding_spaces(d):
    edit(
        d,
        "actuals.csv",
        "female_employment_25_34,2018,",
        indicator=" female_employment_25_34",
        year="2018 ",
        actual=" 74.5 ",
    )
    edit(d, "indicators.csv", "deer_utilization_rate,", target="\u300021\u3000", direction=" higher")
    replace_line(d, "actuals.csv", "indicator,year,actual", " indicator , year , actual ")


def other_dashes(d):
    edit(d, "actuals.csv", "wish_to_stay_rate,2015,", actual="－")
    edit(d, "actuals.csv", "multigenerational_welfare_hubs,2015,", actual="-")
    edit(d, "actuals.csv", "physicians_per_100k,2015,", actual="―")
    edit(d, "indicators.csv", "multigenerational_welfare_hubs,", baseline="－")


def crlf_line_endings(d):
    # every LF, also those inside quoted cells, as git's autocrlf writes them
    for path in d.glob("*.csv"):
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


# in an order that lets them all be applied to one copy
VARIANTS = [
    full_width_digits,
    thousands_separators,
    era_years,
    surrounding_spaces,
    other_dashes,
    add_bom_everywhere,
    crlf_line_endings,
]


@pytest.fixture(scope="module")
def original():
    ds = load_dataset(DEFAULT_DATA_DIR)
    return ds, evaluate(ds, YEAR)


def assert_same_data(d: Path, original) -> None:
    ds0, graded0 = original
    assert validate(d) == []
    ds = load_dataset(d)
    for name, frame in ds0.tables.items():
        pd.testing.assert_frame_equal(ds.tables[name], frame, obj=name)
    graded = evaluate(ds, YEAR)
    cols = ["project", "indicator", "progress_rate", "grade"]
    pd.testing.assert_frame_equal(graded[cols], graded0[cols])


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.__name__)
def test_harmless_variant_is_accepted_and_normalised(data_copy, original, variant):
    variant(data_copy)
    assert_same_data(data_copy, original)


def test_all_harmless_variants_together(data_copy, original, kpi):
    for variant in VARIANTS:
        variant(data_copy)
    assert_same_data(data_copy, original)
    r = kpi("validate", "--data", str(data_copy))
    assert r.returncode == 0 and r.stdout.startswith("ok:") and r.stderr == ""
    r = kpi("grades", "--year", "H30", "--format", "csv", "--data", str(data_copy))
    r0 = kpi("grades", "--year", "H30", "--format", "csv")
    assert r.returncode == 0 and r.stdout == r0.stdout


def test_normalised_values(data_copy):
    """The accepted forms give the numbers they spell, with the decimals they were written with."""
    full_width_digits(data_copy)
    thousands_separators(data_copy)
    a = load_dataset(data_copy).actuals.set_index(["indicator", "year"])
    assert a.loc[("manufacturing_productivity", 2015), "actual"] == 1029
    assert a.loc[("active_senior_trainees", 2018), "actual"] == 7086
    assert a.loc[("total_fertility_rate", 2018), ["actual", "actual_decimals"]].tolist() == [1.27, 2]


# --- issue 11: forms that read correctly --------------------------------------------------


def test_minus_marks_read_as_negative(tmp_path):
    """△ and ▲ (Japanese statistics' minus, e.g. 社会増減 △3,703), － and − give the same data and
    grades as -, on the example whose net migration is negative."""
    root = Path(__file__).resolve().parent.parent / "examples" / "milestone_improvement"
    d = tmp_path / "data"
    shutil.copytree(root, d)
    edit(d, "actuals.csv", "net_migration,2016,", actual="△3,000")
    edit(d, "actuals.csv", "net_migration,2017,", actual="▲2,300")
    edit(d, "actuals.csv", "net_migration,2018,", actual="－３，９００")
    edit(d, "indicators.csv", "net_migration,", baseline="△ 3,703")
    edit(d, "milestones.csv", "net_migration,2016,", value="\u22122,800")
    ds0, ds = load_dataset(root), load_dataset(d)
    for name, frame in ds0.tables.items():
        pd.testing.assert_frame_equal(ds.tables[name], frame, obj=name)
    assert ds.actuals.set_index(["indicator", "year"]).loc[("net_migration", 2017), "actual"] == -2300
    for year in (2016, 2017, 2018):
        pd.testing.assert_frame_equal(evaluate(ds, year), evaluate(ds0, year))


def test_full_width_grades_give_no_false_audit_finding(data_copy):
    """Ａ③ (full-width A) is the grade A③: the audit finds exactly what it finds in the original."""
    from kpi_lib.analysis.audit import audit

    n = edit(data_copy, "published_grades.csv", "1,total_fertility_rate,2018,", grade="Ａ③")
    edit(data_copy, "published_grades.csv", "3,agricultural_output,2018,", grade=" ａ① ")
    assert (data_copy / "published_grades.csv").read_text(encoding="utf-8").split("\n")[n - 1].endswith("Ａ③,")
    ds = load_dataset(data_copy)
    grades = ds.published_grades.set_index(["indicator", "year"])["grade"]
    assert grades[("total_fertility_rate", 2018)] == "A③"
    assert grades[("agricultural_output", 2018)] == "A①"
    pd.testing.assert_frame_equal(audit(ds), audit(load_dataset(DEFAULT_DATA_DIR)))


def test_a_fifo_in_the_data_directory_does_not_hang_kpi(data_copy, kpi_process):
    import os

    (data_copy / "actuals.csv").unlink()
    os.mkfifo(data_copy / "actuals.csv")
    r = kpi_process("validate", "--data", str(data_copy))  # the fixture's timeout would catch a hang
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "kpi: error: actuals.csv: cannot be read (a named pipe (FIFO), not a regular file)" in r.stderr
