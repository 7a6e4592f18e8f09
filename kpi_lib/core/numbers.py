"""Number rules in one place: parsing table cells and half-up rounding (formatting.py shows numbers)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from kpi_lib.core.errors import CellError

# The three states the source distinguishes, plus "blank" (nothing printed / not given).
VALUE = "value"
NOT_YET = "not_yet"  # 未: not yet available at publication
NOT_MEASURED = "not_measured"  # — : not measured / not applicable
BLANK = "blank"

NOT_YET_MARK = "未"
NOT_MEASURED_MARK = "—"
# The source prints the dash as U+2014 and as U+FF0D; accept the usual look-alikes too.
_DASHES = {"—", "－", "-", "―", "‐", "–", "\u2212"}  # not ー (a long-vowel mark is no dash)

# ASCII digits only: str patterns' \d would also match Arabic-Indic and other scripts' digits
_PLAIN = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_WITH_UNIT = re.compile(r"^[+-]?[0-9.,]*[0-9]\s*([^0-9\s.,+-][^0-9]*)$")
# Japanese statistics print a negative number as △1,234 or ▲1,234; U+2212 is the typeset minus.
_MINUS_MARKS = ("△", "▲", "\u2212")
_FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")

# The limits of a figure, checked once when it is read: beyond them a float loses digits
# (or becomes inf or 0) and decimal rounding fails, so nothing downstream may see such a value.
MAX_ABS = 1e15  # |x| below this
MAX_SIGNIFICANT = 15  # digits from the first non-zero one to the last one written
MAX_DECIMALS = 10  # digits after the decimal point


def is_missing(x) -> bool:
    """None, NaN or pandas' NA: a figure that is not there."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


@dataclass(frozen=True)
class Cell:
    state: str
    value: float | None = None
    decimals: int = 0  # digits after the decimal point as written, for display


def describe_char(c: str) -> str:
    """A character as a user can look it up: U+00B9 SUPERSCRIPT ONE."""
    return f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}"


def digit_lookalike(text: str) -> str | None:
    """The first character that NFKC would turn into a digit, or that is a digit of another
    script, other than the plain full-width digits ０-９: superscripts (774¹), circled numbers (①),
    fractions (½), Arabic-Indic digits ... They are footnote or note marks, or not the number
    meant, so a cell holding one is refused rather than read with an extra digit."""
    for c in text:
        if c.isascii() or c in _FULL_WIDTH_DIGITS:
            continue
        if unicodedata.digit(c, None) is not None or any(d in "0123456789" for d in unicodedata.normalize("NFKC", c)):
            return c
    return None


def refuse_digit_lookalikes(raw: str) -> None:
    """Raise CellError naming the first digit look-alike in `raw` (see digit_lookalike)."""
    c = digit_lookalike(raw)
    if c is not None:
        raise CellError(
            f"{raw!r} holds {describe_char(c)}, which is not a digit (a footnote or note mark?): "
            "remove it, or type the number with digits 0-9"
        )


def check_range(value: float, digits: str, raw: object) -> None:
    """Refuse a figure beyond the limits (MAX_ABS, MAX_SIGNIFICANT, MAX_DECIMALS); `digits` is the
    number as written without sign or separators ("1029.5"), `raw` what the user wrote."""
    whole, _, fraction = digits.partition(".")
    significant = (whole + fraction).lstrip("0")
    if not math.isfinite(value) or abs(value) >= MAX_ABS:
        raise CellError(f"number out of range: {raw!r} (the limit is below {MAX_ABS:,.0f} in size)")
    if len(fraction) > MAX_DECIMALS:
        raise CellError(f"too many decimals in {raw!r}: at most {MAX_DECIMALS} digits after the point")
    if len(significant) > MAX_SIGNIFICANT:
        raise CellError(f"too many digits in {raw!r}: at most {MAX_SIGNIFICANT} significant digits")
    if value == 0 and significant.strip("0"):
        raise CellError(f"number too small: {raw!r} would be read as 0")


def parse_cell(text: str | None, allow_states: bool = True) -> Cell:
    """Parse a numeric cell. Accepted and normalised: full-width digits, 1,000 separators, and
    a negative sign written -, －, − (U+2212), △ or ▲.

    Rejected: units or other text, misplaced separators, digit look-alikes (¹ ① ½ ...), and
    numbers beyond the limits (see check_range).
    """
    raw = "" if text is None else str(text)
    refuse_digit_lookalikes(raw)
    s = unicodedata.normalize("NFKC", raw).strip()
    if s == "":
        return Cell(BLANK)
    if allow_states and s == NOT_YET_MARK:
        return Cell(NOT_YET)
    if allow_states and (s in _DASHES or unicodedata.normalize("NFKC", s) in _DASHES):
        return Cell(NOT_MEASURED)
    if s[0] in _MINUS_MARKS and s[1:].strip()[:1] not in ("", "+", "-"):
        s = "-" + s[1:].strip()
    unit = _WITH_UNIT.match(s)
    if unit:
        raise CellError(f"not a number: {raw!r} (write the number without the unit {unit.group(1)!r})")
    if _GROUPED.match(s):
        s = s.replace(",", "")
    elif "," in s:
        raise CellError(f"misplaced thousands separator in {raw!r}")
    if not _PLAIN.match(s):
        hint = " (expected a number, 未 or —)" if allow_states else " (expected a number)"
        raise CellError(f"not a number: {raw!r}{hint}")
    value = float(s)
    check_range(value, s.lstrip("+-"), raw)
    decimals = len(s.split(".")[1]) if "." in s else 0
    return Cell(VALUE, value, decimals)


def round_half_up(x: float | None, decimals: int = 1) -> float | None:
    """Round half away from zero on the decimal value, as printed reports do (67.45 -> 67.5)."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def decimal_of(x: float) -> Decimal:
    """The decimal figure a float read by parse_cell stands for: within the limits (15 significant
    digits) the shortest repr gives back exactly the digits written."""
    return Decimal(repr(float(x)))


def round_quotient(numerator: Decimal, denominator: Decimal, decimals: int, rounding: str) -> float | None:
    """numerator ÷ denominator rounded to `decimals` places, exactly: half_up is half away from
    zero, down is toward zero (切り捨て). In whole numbers, so a quotient just below a half-way
    point (79.9499999999) is never pushed over it, as any finite-precision division could.
    None when the denominator is 0."""
    if denominator == 0:
        return None
    n_num, n_den = numerator.as_integer_ratio()
    d_num, d_den = denominator.as_integer_ratio()
    top, bottom = n_num * d_den * 10**decimals, n_den * d_num  # |quotient| × 10^decimals = top ÷ bottom
    negative = (top < 0) != (bottom < 0)
    whole, rest = divmod(abs(top), abs(bottom))
    if rounding == "half_up" and 2 * rest >= abs(bottom):
        whole += 1
    value = whole / 10**decimals  # int ÷ int is correctly rounded to the nearest float
    return -value if negative else value


def nullable_numbers(frame: pd.DataFrame, whole: tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy of a table with its number columns as pandas' nullable numbers, <NA> where missing:
    the columns named in `whole` (numbers, years) as Int64, the other float columns as Float64.
    For the tables the API and `kpi ... --format csv` give (a year reads 2015, never 2015.0)."""
    frame = frame.copy()
    for column in frame.columns:
        if column in whole:
            frame[column] = frame[column].astype("Float64").astype("Int64")
        elif pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].astype("Float64")
    return frame


def missing_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table with its text columns as pandas' nullable text ("string": <NA> where
    missing), its empty cells ("") missing, as its numbers' are: for the tables the API gives, so
    `.isna()` finds a grade, name or unit that is not there. Altair takes <NA> as no value (a NaN
    in pandas' default text dtype stops it); written back as CSV, <NA> is an empty field again."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        is_text = pd.api.types.is_string_dtype(values) or (
            values.dtype == object and values.map(lambda x: isinstance(x, str) or is_missing(x)).all()
        )
        if is_text and not pd.api.types.is_bool_dtype(values):
            text = values.astype(object).where(values.notna(), None).astype("string")
            frame[column] = text.mask(text == "")
    return frame
