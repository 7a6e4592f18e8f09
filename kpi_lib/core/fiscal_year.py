"""Fiscal years: parsing every form users write, and displaying them as the source does.

Internally a fiscal year is an int (2018 = 平成30年度 = FY2018, April 2018 to March 2019).

Accepted input forms (full-width characters are normalised first):
  2018, FY2018, 2018年度      Western year
  H30, 平成30, 平成30年度      Heisei: year = 1988 + n
  R1, R01, 令和元年度, 令和1   Reiwa:  year = 2018 + n (元 = 1)

Heisei beyond 31: plans written before May 2019 counted 平成 on (平成32年度 = FY2020), so
H31, H32, ... are accepted and mean the same Western year as R1, R2, ... (H32 = 2020).
Reiwa 0 and Heisei 0 do not exist and are rejected, as is anything outside 1989-2100.
Display: years up to 2018 as 平成 (H30 / 平成30年度), from 2019 as 令和 (R1 / 令和元年度),
which is how the source labels FY2019 even though Reiwa began in May 2019. A year of an
indicator's figures is named as its year basis allows (year_label): 平成30年度 only for a
fiscal-year series, 平成30年 for a calendar-year one, H30 where the source does not say.
"""

from __future__ import annotations

import re
import unicodedata

from kpi_lib.core.errors import KpiError

FIRST_YEAR = 1989
LAST_YEAR = 2100
_ERA_OFFSET = {"H": 1988, "平成": 1988, "R": 2018, "令和": 2018}
_REIWA_START = 2019

_WESTERN = re.compile(r"^(?:FY)?(\d{4})(?:年度?)?$", re.IGNORECASE)
_ERA = re.compile(r"^(H|R|平成|令和)(\d{1,2}|元)(?:年度?)?$", re.IGNORECASE)


_LOOK_ALIKES = ("<super>", "<sub>", "<circle>", "<fraction>", "<font>")


def parse_fiscal_year(text: object) -> int:
    """Return the fiscal year as an int, or raise KpiError with a one-line message."""
    if isinstance(text, bool):
        raise KpiError(f"invalid fiscal year {text!r}")
    if isinstance(text, int):
        return _check_range(text, str(text))
    raw = "" if text is None else str(text)
    # NFKC reads full-width digits as digits, but also ¹ ₆ ① 𝟔 (R6¹ would be R61): refuse those
    if any(unicodedata.decomposition(ch).startswith(_LOOK_ALIKES) for ch in raw):
        raise KpiError(f"invalid fiscal year {raw!r}: write it as 2018, H30, 平成30年度, R1 or 令和元年度")
    s = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if not s:
        raise KpiError("empty fiscal year: write it as 2018, H30, 平成30年度, R1 or 令和元年度")
    m = _WESTERN.match(s)
    if m:
        return _check_range(int(m.group(1)), raw)
    m = _ERA.match(s)
    if m:
        era = m.group(1).upper() if m.group(1).isascii() else m.group(1)
        n = 1 if m.group(2) == "元" else int(m.group(2))
        if n == 0:
            raise KpiError(f"invalid fiscal year {raw!r}: era years start at 1 (元年)")
        return _check_range(_ERA_OFFSET[era] + n, raw)
    raise KpiError(f"invalid fiscal year {raw!r}: write it as 2018, H30, 平成30年度, R1 or 令和元年度")


def _check_range(year: int, raw: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise KpiError(f"invalid fiscal year {raw!r}: outside {FIRST_YEAR}-{LAST_YEAR}")
    return year


def era_short(year: int) -> str:
    """H30, R1: the form the source's tables use."""
    if year >= _REIWA_START:
        return f"R{year - 2018}"
    return f"H{year - 1988}"


def era_long(year: int) -> str:
    """平成30年度, 令和元年度."""
    if year >= _REIWA_START:
        n = year - 2018
        return f"令和{'元' if n == 1 else n}年度"
    return f"平成{year - 1988}年度"


def fiscal_year_label(year: int, lang: str = "ja") -> str:
    """The heading form: 平成30年度 (ja) or FY2018 (en)."""
    return era_long(year) if lang == "ja" else f"FY{year}"


def short_label(year: int, lang: str = "ja") -> str:
    """The compact form for table columns and chart axes: H30 (ja) or FY2018 (en)."""
    return era_short(year) if lang == "ja" else f"FY{year}"


# What the year of an indicator's figures is (indicators.csv year_basis): a fiscal year (年度,
# April to March), a calendar year (年), or not stated by the source. The data's year column is
# the source table's year (its H30 column holds a calendar-year series' 2018 figure).
YEAR_BASES = ("fiscal", "calendar", "not_stated")


def year_label(year: int, lang: str = "ja", basis: str = "fiscal") -> str:
    """A year of an indicator's figures in words, claiming no more than its basis: fiscal
    平成30年度 / FY2018; calendar 平成30年 / 2018; not stated H30 (the source table's heading) /
    2018, which say neither."""
    if basis == "fiscal":
        return fiscal_year_label(year, lang)
    if lang == "en":
        return str(year)
    return era_long(year).removesuffix("度") if basis == "calendar" else era_short(year)


def year_short_label(year: int, lang: str = "ja", basis: str = "fiscal") -> str:
    """The compact form of year_label for tables and chart axes: H30 in Japanese whatever the
    basis (the source's own heading, which names no basis); FY2018 or 2018 in English."""
    return short_label(year, lang) if lang == "ja" or basis == "fiscal" else str(year)


def common_basis(bases) -> str:
    """The year basis that holds for all of `bases` (years of several indicators in one list or
    table): theirs where they share one, else not_stated (words that claim neither)."""
    found = set(bases)
    return found.pop() if len(found) == 1 else "not_stated"
