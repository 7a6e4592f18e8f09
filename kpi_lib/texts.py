"""The source's own texts, cleaned for display without changing a word."""

from __future__ import annotations

import re

import pandas as pd

_TAG = re.compile(r"<[^>]*>")
# Items of 分析と課題 were list items in the PDF; the extraction joined them with a space after 。
_ITEM_BREAK = re.compile(r"(?<=。)\s+")


def analysis_items(text_ja: str) -> list[str]:
    """The 分析と課題 cell as its list items: stray markup removed, words unchanged."""
    plain = _TAG.sub("", text_ja or "").strip()
    return [item.strip() for item in _ITEM_BREAK.split(plain) if item.strip()]


def analysis(dataset, project: int) -> tuple[list[str], list[str]]:
    """(official Japanese items, unofficial English items) of a project's 分析と課題."""
    a = dataset.analysis[dataset.analysis["project"] == project]
    if a.empty:
        return [], []
    row = a.iloc[0]
    en = row["text_en"] if isinstance(row["text_en"], str) else ""
    return analysis_items(row["text_ja"]), [line.strip() for line in en.splitlines() if line.strip()]


def lines(cell) -> list[str]:
    """A multi-line cell (one bullet per line) as a list."""
    return [] if not isinstance(cell, str) else [line.strip() for line in cell.splitlines() if line.strip()]


def measures(dataset, project: int) -> pd.DataFrame:
    m = dataset.measures
    return m[m["project"] == project].sort_values("measure_no")
