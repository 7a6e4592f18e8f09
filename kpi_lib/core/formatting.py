"""How figures, units and names are shown to people, in one place: numbers as the source prints
them (1,000 separators, half-up decimals, 億円 / 万人 or, in English, millions and billions),
progress rates, and indicator names. Tables, charts, commentary and the Excel export use these.
"""

from __future__ import annotations

import numpy as np

from kpi_lib.core.fiscal_year import year_short_label
from kpi_lib.core.labels import text
from kpi_lib.core.numbers import MAX_DECIMALS, is_missing, round_half_up

# English readers count in millions and billions, not in 万 (10,000) and 億 (100 million).
_ENGLISH_SCALES = {"10,000 ": (100, "million"), "100 million ": (10, "billion")}


def format_number(x: float | None, decimals: int | None = None) -> str:
    """1,000 separators; `decimals` fixed digits, or as few as needed when None."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    if decimals is None:
        number = f"{x:,.6f}".rstrip("0").rstrip(".")
        return "0" if number in ("-0", "") else number
    # half-up like every printed figure (Python's own formatting rounds 157.5 and 1.575 differently)
    return f"{round_half_up(x, decimals):,.{decimals}f}"


def plain_number(x, decimals: int | None = None) -> str:
    """A number for CSV/JSON: no separators, as few decimals as needed (rounded to `decimals` first)."""
    if is_missing(x):
        return ""
    f = float(x) if decimals is None else round(float(x), decimals)
    return str(int(f)) if f.is_integer() else repr(f)


def rate_number(rate: float | None, decimals: int = 1) -> str:
    """A progress rate the grading scheme has already rounded, with the scheme's `decimals` and no
    percent sign (99.25): formatting it at those decimals only drops the binary noise."""
    if is_missing(rate):
        return ""
    return f"{round_half_up(float(rate), decimals):.{decimals}f}"


def format_rate(rate: float | None, decimals: int = 1) -> str:
    """A progress rate as printed: the scheme's decimals (`decimals`, 1 in most schemes) and a
    percent sign (89.4%); `rate` is already rounded by the scheme (grading.round_rates)."""
    number = rate_number(rate, decimals)
    return f"{number}%" if number else ""


def visible_decimals(x: float, decimals: int | None) -> int | None:
    """`decimals`, or more where a non-zero `x` would show as 0 with them: a difference, a gap or a
    pace that is not zero is never written as 0 (0.004 at two decimals is 0.004, not 0.00)."""
    if decimals is None or is_missing(x) or float(x) == 0:
        return decimals
    d = int(decimals)
    while d < MAX_DECIMALS and round_half_up(abs(float(x)), d) == 0:
        d += 1
    return d


def english_scale(unit_text: str) -> tuple[int, str]:
    """How English writes figures in a unit of 万 or 億: (divisor, unit) — 774 in "100 million
    yen" (億円) is 77.4 billion yen: (10, "billion yen"); (1, unit_text) for any other unit."""
    for prefix, (divisor, word) in _ENGLISH_SCALES.items():
        if unit_text.startswith(prefix):
            return divisor, f"{word} {unit_text[len(prefix) :]}"
    return 1, unit_text


def format_quantity(
    value, decimals, unit_text: str, lang: str = "ja", singular: str = "", with_unit: bool = True
) -> str:
    """A value as the source prints it: 1,029万円, 76.6%, 386.8万m³ (en: 10.29 million yen).
    `singular`: the English unit after a figure written exactly 1 (1 area; 1.0 areas, 1 million
    persons keep the plural), where it differs. Not `with_unit`: the figure alone, in the unit
    its text would name (10.29 for 10.29 million yen), for a table naming the unit once."""
    if is_missing(value):
        return ""
    d = None if is_missing(decimals) else int(decimals)
    divisor, scaled_unit = english_scale(unit_text) if lang == "en" else (1, unit_text)
    if divisor != 1:
        extra = len(str(divisor)) - 1
        number = format_number(float(value) / divisor, None if d is None else d + extra)
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        return f"{number} {scaled_unit}" if with_unit else number
    number = format_number(float(value), d)
    if not with_unit:
        return number
    if lang == "en" and singular and number.lstrip("+-−") == "1":
        unit_text = singular
    if not unit_text:
        return number
    if lang == "ja" or unit_text == "%":
        return f"{number}{unit_text}"
    return f"{number} {unit_text}"


def unit(row, lang: str = "ja") -> str:
    """The indicator's unit in `lang` ("" when it has none)."""
    u = row["unit_ja"] if lang == "ja" else row["unit_en"]
    return "" if is_missing(u) else str(u)


def unit_singular(row, lang: str = "ja") -> str:
    """The English unit after exactly 1 where the data records one (indicators.csv
    unit_en_singular: area for areas); "" otherwise, and in Japanese."""
    u = row.get("unit_en_singular") if lang == "en" else None
    return "" if is_missing(u) or not u else str(u)


def quantity(row, value, decimals, lang: str = "ja", with_unit: bool = True) -> str:
    """A figure of the indicator `row` with its unit (format_quantity): 1 area, 2 areas; not
    `with_unit`, the figure alone in the unit unit_once names."""
    return format_quantity(value, decimals, unit(row, lang), lang, unit_singular(row, lang), with_unit)


def unit_once(row, lang: str = "ja") -> str:
    """The unit a table of English figures names once, after the indicator's name, its figures
    then written bare: the unit as the text writes it (million persons for 10,000 persons). ""
    where the figures keep their unit: in Japanese (the source writes 件 after every figure),
    for % and for figures without a unit."""
    if lang != "en":
        return ""
    shown = english_scale(unit(row, lang))[1]
    return "" if shown in ("", "%") else shown


def indicator_name(row, lang: str = "ja", marked: bool = True) -> str:
    """The indicator's name in `lang`, or a marker where the source lost it; `marked`, a name
    taken from the analysis text (name_source analysis_text) carries a mark (※ / §) that
    name_notes explains under whatever shows it."""
    name = row["name_ja"] if lang == "ja" else row["name_en"]
    if lang != "ja" and (is_missing(name) or name == "") and not (is_missing(row["name_ja"]) or row["name_ja"] == ""):
        # a Japanese-only dataset: the Japanese name, said to be untranslated (never passed off as English)
        return f"{row['name_ja']} {text('label.untranslated', lang)}"
    if is_missing(name) or name == "":
        return text("label.missing", lang)
    if marked and row.get("name_source") == "analysis_text":
        return f"{name}{text('label.from_analysis_text', lang)}"
    return str(name)


def name_notes(name_sources, lang: str = "ja") -> list[str]:
    """The notes that explain the marks of indicator_name for names of these `name_sources`
    (a column of them): one line, or none where no name is marked."""
    return [text("note.name_from_analysis_text", lang)] if "analysis_text" in set(name_sources) else []


def name_with_unit(row, lang: str = "ja") -> str:
    """The name, in English with the unit after it: a table that shows bare numbers (the Excel
    workbook) names the unit once per indicator, as the source does in Japanese; a name that
    already says it (… (per 100,000 population)) is left as it is. Unmarked: the workbook's name
    cells stay as exported before (kpi import compares them)."""
    name, u = indicator_name(row, lang, marked=False), unit(row, lang)
    return f"{name} ({u})" if lang == "en" and u and u != "%" and u not in name else name


def year_in_brackets(year, lang: str = "ja", basis: str = "fiscal") -> str:
    """(H30), (FY2018): a year beside a figure, named as its year `basis` allows (year_short_label:
    (2018), not (FY2018), for a series not stated to be fiscal-year); "" when there is none."""
    return "" if is_missing(year) else f"({year_short_label(int(year), lang, basis)})"


def running_total(row) -> float | None:
    """The running total a cumulative target is graded on, where it differs from the year's
    actual (annual actuals summed over the target's period); None otherwise."""
    if row.get("target_kind") != "cumulative" or is_missing(row.get("measured")):
        return None
    if not is_missing(row.get("actual")) and round(float(row["measured"]) - float(row["actual"]), 9) == 0:
        return None
    return float(row["measured"])
