"""Number rules in one place: parsing table cells and half-up rounding (formatting.py shows numbers)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

# The three states the source distinguishes, plus "blank" (nothing printed / not given).
VALUE = "value"
NOT_YET = "not_yet"  # 未: not yet available at publication
NOT_MEASURED = "not_measured"  # — : not measured / not applicable
BLANK = "blank"

NOT_YET_MARK = "未"
NOT_MEASURED_MARK = "—"
# The source prints the dash as U+2014 and as U+FF0D; accept the usual look-alikes too.
_DASHES = {"—", "－", "-", "―", "‐", "–"}  # not ー (a long-vowel mark is no dash)

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_WITH_UNIT = re.compile(r"^[+-]?[\d.,]*\d\s*([^\d\s.,+-][^\d]*)$")


def is_missing(x) -> bool:
    """None, NaN or pandas' NA: a figure that is not there."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


class CellError(ValueError):
    """A cell that is not a number, 未 or —; the message says what is wrong."""


@dataclass(frozen=True)
class Cell:
    state: str
    value: float | None = None
    decimals: int = 0  # digits after the decimal point as written, for display


def parse_cell(text: str | None, allow_states: bool = True) -> Cell:
    """Parse a numeric cell. Accepted and normalised: full-width digits, 1,000 separators.

    Rejected: units or other text, misplaced separators, non-finite numbers.
    """
    raw = "" if text is None else str(text)
    s = unicodedata.normalize("NFKC", raw).strip()
    if s == "":
        return Cell(BLANK)
    if allow_states and s == NOT_YET_MARK:
        return Cell(NOT_YET)
    if allow_states and (s in _DASHES or unicodedata.normalize("NFKC", s) in _DASHES):
        return Cell(NOT_MEASURED)
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
    decimals = len(s.split(".")[1]) if "." in s else 0
    return Cell(VALUE, float(s), decimals)


def round_half_up(x: float | None, decimals: int = 1) -> float | None:
    """Round half away from zero on the decimal value, as printed reports do (67.45 -> 67.5)."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))
