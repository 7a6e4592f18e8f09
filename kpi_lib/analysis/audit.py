"""Audit: every published figure that disagrees with its own arithmetic, and the notes the
data itself carries (data_notes: how a value was transcribed, what the source lacks).

The published figures stay as printed in data/; this module only compares and explains.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd

from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import year_label
from kpi_lib.core.formatting import format_number, rate_number
from kpi_lib.core.frames import records, records_by
from kpi_lib.core.labels import text
from kpi_lib.dataset.schema import TABLES
from kpi_lib.dataset.scheme import Scheme, scheme_for

AUDIT_COLUMNS = [
    "project",
    "indicator",
    "name_ja",
    "name_en",
    "year",
    "figure",
    "published",
    "recomputed",
    "arithmetic",
]


def audit(
    dataset,
    scheme: Scheme | str | None = None,
    lang: str = "en",
    *,
    graded: pd.DataFrame | None = None,
    evaluated: dict[int, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One row per published progress rate or grade that the recomputation does not reproduce;
    the arithmetic column is in `lang`.

    `graded` (progress_table) and `evaluated` (evaluate by year, every project) are what a caller
    has already computed from this dataset and scheme: given, they are not computed again."""
    scheme = scheme_for(dataset, scheme)
    if graded is None:
        graded = progress_table(dataset, scheme)
    return _audit(dataset, scheme, lang, graded, evaluated or {})


NOTE_COLUMNS = ["file", "key", "column", "note"]


def data_notes(dataset) -> pd.DataFrame:
    """Every note the data tables carry (columns `note` and `*_note`, e.g. why a pillar or a
    name is missing, how a figure was transcribed): file, the row's key (column=value, ...),
    column, note. These are the data's own remarks, not disagreements; the report leaves them
    out of council-facing text and `kpi audit` lists them."""
    rows = []
    for name, table in TABLES.items():
        frame = dataset.tables.get(name)
        if frame is None or frame.empty:
            continue
        for column in (c for c in table.column_names if (c == "note" or c.endswith("_note")) and c in frame):
            for record in records(frame[frame[column].notna()]):
                note = str(record[column]).strip()
                if note:
                    key = ", ".join(f"{k}={record[k]}" for k in table.key)
                    rows.append({"file": table.file, "key": key, "column": column, "note": note})
    return pd.DataFrame(rows, columns=NOTE_COLUMNS)


def _say(key: str, lang: str, words=None, **values) -> str:
    return text(f"audit.{key}", lang, words).format(**values)


def _audit(
    dataset, scheme: Scheme, lang: str, graded: pd.DataFrame, evaluated: dict[int, pd.DataFrame]
) -> pd.DataFrame:
    # plain dicts by key: looking rows up in a DataFrame one by one took most of an audit's time
    graded = records_by(graded, ["indicator", "year"])
    names = records_by(dataset.indicators[["indicator", "name_ja", "name_en"]], "indicator")
    bases = dict(zip(dataset.indicators["indicator"], dataset.indicators["year_basis"]))
    rows = []
    for p in dataset.published_rates.itertuples():
        key = (p.indicator, p.year)
        g = graded.get(key)
        recomputed = None if g is None else g["progress_rate"]
        published = p.progress_rate if p.progress_rate_state == numbers.VALUE else None
        if _same(published, recomputed):
            continue
        rows.append(
            _row(
                p.project,
                p.indicator,
                names,
                p.year,
                "progress_rate",
                _fmt_rate(published, p.progress_rate_state, int(p.progress_rate_decimals)),  # as printed
                _fmt_rate(recomputed, None, scheme.decimals),
                _say("no_actual_in_year", lang)
                if g is None
                else _say("total_unknown", lang, scheme)
                if pd.isna(g["measured"])
                else rate_arithmetic(g, p.year, scheme, lang, bases.get(p.indicator, "not_stated")),
            )
        )
    for year in sorted(set(dataset.published_grades["year"])):
        ev = records_by(
            evaluated[year] if year in evaluated else evaluate(dataset, year, scheme), ["project", "indicator"]
        )
        for p in dataset.published_grades[dataset.published_grades["year"] == year].itertuples():
            if not isinstance(p.grade, str) or not p.grade:
                continue  # the source gives no grade here (see the note column): nothing to compare
            r = ev[(p.project, p.indicator)]
            if r["grade"] == p.grade:
                continue
            rows.append(
                _row(
                    p.project,
                    p.indicator,
                    names,
                    year,
                    "grade",
                    p.grade,
                    r["grade"] or "",
                    grade_arithmetic(r, scheme.for_indicator(p.indicator), lang),
                )
            )
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def _row(project, indicator, names, year, figure, published, recomputed, arithmetic) -> dict:
    n = names[indicator]
    return {
        "project": int(project),
        "indicator": indicator,
        "name_ja": n["name_ja"] if isinstance(n["name_ja"], str) else "",
        "name_en": n["name_en"] if isinstance(n["name_en"], str) else "",
        "year": int(year),
        "figure": figure,
        "published": published,
        "recomputed": recomputed,
        "arithmetic": arithmetic,
    }


def _same(a, b) -> bool:
    if a is None or pd.isna(a):
        return b is None or pd.isna(b)
    return b is not None and not pd.isna(b) and round(float(a), 6) == round(float(b), 6)


def _fmt_rate(x, state, decimals: int = 1) -> str:
    if state == numbers.NOT_MEASURED:
        return numbers.NOT_MEASURED_MARK
    return rate_number(x, decimals)


def rate_arithmetic(g, year: int, scheme: Scheme, lang: str = "en", basis: str = "not_stated") -> str:
    """How a rate is computed under the scheme, with the exact quotient:
    7,086 ÷ 10,500 × 100 = 67.4857 → 67.5, or (actual − baseline) ÷ (reference − baseline) × 100.
    A national value's year is named as the indicator's year `basis` allows (year_label)."""
    measured, reference = Decimal(repr(float(g["measured"]))), Decimal(repr(float(g["reference"])))
    kind = g["target_kind"]
    what = (
        _say("national_value", lang, year=year_label(int(year), lang, basis))
        if kind == "national"
        else (_say("baseline", lang) if kind in ("above_baseline", "at_least_baseline") else "")
    )
    f = lambda d: format_number(float(d))  # noqa: E731
    if scheme.definition == "improvement":
        base = Decimal(repr(float(g["baseline"])))
        num, den = measured - base, reference - base
        shown = f"({f(measured)} − {f(base)}) ÷ ({f(reference)}{what} − {f(base)}) × 100"
    elif g["direction"] == "lower" and scheme.lower_is_better == "complement":
        num, den = 2 * reference - measured, reference
        shown = f"(2 × {f(reference)}{what} − {f(measured)}) ÷ {f(reference)} × 100"
    elif g["direction"] == "lower":
        num, den = reference, measured
        shown = f"{f(reference)}{what} ÷ {f(measured)} × 100"
    else:
        num, den = measured, reference
        shown = f"{f(measured)} ÷ {f(reference)}{what} × 100"
    if den == 0:
        return shown + _say("undefined", lang)
    return f"{shown} = {_quotient(num * 100, den, scheme)} → {rate_number(g['progress_rate'], scheme.decimals)}"


def _quotient(num: Decimal, den: Decimal, scheme: Scheme) -> str:
    """The quotient to 3 more decimals than the rate, or to as many more as it takes to show which side of the
    rounding boundary it lies on: 79.9499999999 is not shown as 79.9500 beside 79.9."""
    rate = numbers.round_quotient(num, den, scheme.decimals, scheme.rounding)
    for places in range(scheme.decimals + 3, 16):
        shown = round(Fraction(num) / Fraction(den), places)  # exact, half to even
        if (
            numbers.round_quotient(
                Decimal(shown.numerator), Decimal(shown.denominator), scheme.decimals, scheme.rounding
            )
            == rate
        ):
            break
    return f"{Decimal(shown.numerator) / Decimal(shown.denominator):.{places}f}"


def grade_arithmetic(r, scheme: Scheme, lang: str = "en") -> str:
    """Why the scheme gives the recomputed grade."""
    if r["latest_year"] is None or pd.isna(r["latest_year"]):
        if scheme.not_measured is not None and r["grade"] == scheme.not_measured.grade:
            return _say("not_measured", lang, grade=r["grade"])
        return _say("no_actual_up_to", lang)
    if pd.isna(r["measured"]):  # a cumulative target whose running total is unknown (grading.py)
        return _say("total_unknown", lang, scheme)
    band = scheme.band(r["grade"]) if r["grade"] else None
    year = year_label(int(r["latest_year"]), lang, r.get("year_basis") or "not_stated")
    reason = _say("reason", lang, scheme, rate=rate_number(r["progress_rate"], scheme.decimals), year=year)
    if band is not None and band.rate_below is not None:
        return _say("below", lang, reason=reason, limit=f"{band.rate_below:g}", grade=band.grade)
    state = "achieved" if r["achieved"] else ("original_achieved" if r["original_achieved"] else "not_achieved")
    return _say("state", lang, reason=reason, state=_say(state, lang), grade=r["grade"])
