"""The source's own texts, for display without changing a character."""

from __future__ import annotations

import re

import pandas as pd

from kpi_lib.core import labels

# The only markup the source's texts carry is list markup (分析と課題 opens with a stray
# <ul style="list-style-type: none">); everything else between < and > is text: 1,500億円<R5>.
_LIST_TAG = re.compile(r"</?(?:ul|ol|li)\b[^<>]*>", re.IGNORECASE)
# The list's items were joined by the extraction with a space after 。
_ITEM_BREAK = re.compile(r"(?<=。)\s+")


def analysis_items(text_ja: str) -> list[str]:
    """The 分析と課題 cell as its list items: the list markup becomes the list, every other
    character stays (views escape it)."""
    text = text_ja or ""
    if not _LIST_TAG.search(text):
        return [text.strip()] if text.strip() else []
    plain = _LIST_TAG.sub(" ", text).strip()
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


def partnership_count(row: dict, lang: str = "ja") -> str:
    """A partnership count with the units the source prints: 14圏域, 11地域45市町村 (en: 11 areas, 45 municipalities)."""
    parts = [(row["areas"], row.get(f"areas_unit_{lang}"))]
    if not pd.isna(row.get("municipalities")):
        parts.append((row["municipalities"], row.get(f"municipalities_unit_{lang}")))
    shown = [f"{int(n)}{'' if lang == 'ja' else ' '}{u}" if isinstance(u, str) and u else f"{int(n)}" for n, u in parts]
    return ("" if lang == "ja" else ", ").join(shown)


def report_title(metadata: dict, which: str, lang: str) -> str:
    """A report title from metadata.json's "report" object (`which`: title or overview_title),
    or the generic label where the dataset names none."""
    report = metadata.get("report")
    named = report.get(f"{which}_{lang}") if isinstance(report, dict) else None
    if which == "title" and not named:
        named = metadata.get(f"title_{lang}")  # the strategy's own title
    return named if isinstance(named, str) and named.strip() else labels.text(f"report.{which}", lang)


def front_matter(metadata: dict, lang: str = "ja") -> dict[str, tuple[object, str]]:
    """The source's front matter (metadata.json front_matter): piece -> (its text, the language
    it is in). In English a piece is the unofficial translation where the data has one, else the
    Japanese as printed; pieces the data does not give are left out (none: {})."""
    given = metadata.get("front_matter")
    if not isinstance(given, dict):
        return {}
    out = {}
    for piece in ("heading", "purpose", "viewpoints_heading", "viewpoints"):
        for language in dict.fromkeys((lang, "ja")):
            if given.get(f"{piece}_{language}"):
                out[piece] = (given[f"{piece}_{language}"], language)
                break
    return out


def project_structure(dataset, lang: str = "ja") -> pd.DataFrame:
    """The projects under the strategy's pillars, as the source's diagram draws them: one row per
    project (pillar, catch line, "1. name") in project order; empty where the data has no pillars."""
    pillars = dataset.pillars
    if pillars.empty:
        return pd.DataFrame(columns=["pillar", "catch", "project"])
    names = dict(zip(pillars["pillar"], pillars[f"name_{lang}"]))
    p = dataset.projects.sort_values("project")
    return pd.DataFrame(
        {
            # a project the source leaves without a pillar is shown so (the why is a data note)
            "pillar": [names.get(x, labels.text("report.pillar_unknown", lang)) for x in p["pillar"]],
            "catch": list(p[f"catch_{lang}"]),
            "project": [f"{n}. {name}" for n, name in zip(p["project"], p[f"name_{lang}"])],
        }
    )


def aims(dataset, lang: str = "ja") -> list[str]:
    """The overall aims printed around the projects' diagram (aims.csv), in order."""
    a = dataset.aims.sort_values("aim") if not dataset.aims.empty else dataset.aims
    return [] if a.empty else [str(x) for x in a[f"text_{lang}"]]
