"""The public API for notebooks and scripts: `import kpi_lib` and call these.

Every function takes the data as `data_dir` (a data directory, or "example:NAME" for a shipped
example; None: the folder found as the `kpi` command finds it, docs/input.md "Which data folder")
or as an opened `dataset` (open_dataset(), to load it once), and years in any form the `kpi` command
accepts: 2018, "2018", "FY2018", "H30", "平成30年度", "R1", "令和元年度". Charts are Altair
charts: change them with ordinary Altair (`.properties(width=600)`, `.encode(...)`), and save them
with `.save("chart.html")`. docs/api.md lists this API with examples (tests run them).
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.analysis.outlook import outlook, with_outlook
from kpi_lib.core import numbers
from kpi_lib.core.errors import KpiError
from kpi_lib.core.labels import check_lang
from kpi_lib.dataset.loading import Dataset, as_known_in, check_year, load_dataset
from kpi_lib.dataset.scheme import scheme_for
from kpi_lib.presentation import charts
from kpi_lib.presentation import commentary as _commentary
from kpi_lib.presentation.notebook import setup_notebook
from kpi_lib.presentation.tables import COLUMNS, grades_records

__all__ = [
    "open_dataset",
    "grades",
    "series",
    "trend_chart",
    "rate_chart",
    "overview_chart",
    "indicator_commentary",
    "setup_notebook",
]


def open_dataset(data_dir: str | Path | None = None) -> Dataset:
    """Load and validate a data directory (None: $KPI_DATA, else the dataset of the current folder
    or one above it, else inside kpi_lib's checkout its data/); a problem raises KpiError.

    Example::

        ds = kpi_lib.open_dataset("example:hokkaido")
        ds.latest_year, ds.project_numbers  # (2018, [1, 2, 3, 4, 5]) for the shipped data
    """
    return load_dataset(_data_dir(data_dir))


# --- arguments of the wrong type: a KpiError naming the argument, never a TypeError deep inside ---


def _shown(value) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def _data_dir(data_dir):
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise KpiError(f"data_dir must be a data directory's path (str or pathlib.Path), not {_shown(data_dir)}")
    return data_dir


def _projects(projects) -> list[int] | None:
    """None, or a list (tuple, set) of project numbers as ints."""
    if projects is None:
        return None
    if isinstance(projects, (str, bytes)) or not isinstance(projects, (list, tuple, set, frozenset)):
        raise KpiError(f"projects must be a list of project numbers such as [1, 2], not {_shown(projects)}")
    for p in projects:
        _project(p, "projects")
    return list(projects)


def _project(project, name: str = "project") -> int | None:
    is_number = isinstance(project, (int, np.integer)) and not isinstance(project, (bool, np.bool_))
    if project is not None and not is_number:
        what = "a project number (int) such as 1" if name == "project" else "project numbers (int) such as [1, 2]"
        raise KpiError(
            f"{name} must be {what}, not {_shown(project)}"
            if name == "project"
            else f"{name} must hold {what}, not {_shown(project)}"
        )
    return None if project is None else int(project)


def _indicator(indicator_id) -> str:
    if not isinstance(indicator_id, str):
        raise KpiError(
            f"indicator_id must be an indicator's id (str) such as 'total_fertility_rate', not {_shown(indicator_id)}"
        )
    return indicator_id


def _dataset(data_dir, dataset) -> Dataset:
    if dataset is not None and data_dir is not None:
        raise KpiError("give either data_dir or dataset, not both")
    if dataset is not None and not isinstance(dataset, Dataset):
        raise KpiError(
            f"dataset must be a Dataset from kpi_lib.open_dataset(), not {_shown(dataset)} (a data directory goes in data_dir)"
        )
    return dataset if dataset is not None else load_dataset(_data_dir(data_dir))


def _year(ds: Dataset, year) -> int:
    return ds.latest_year if year is None else check_year(ds, year)


def grades(
    year=None,
    data_dir: str | Path | None = None,
    *,
    dataset: Dataset | None = None,
    lang: str = "ja",
    projects: list[int] | None = None,
) -> pd.DataFrame:
    """The grade table for evaluation year `year` (default: the latest with actuals): one row per
    project and indicator, the columns of `kpi grades --format csv` (kpi_lib.presentation.tables.COLUMNS, listed
    in docs/api.md), with the "number" columns as numbers (NaN where empty).

    Example::

        g = kpi_lib.grades("H30")
        g.loc[g["indicator"] == "total_fertility_rate", ["actual", "progress_rate", "grade"]]
    """
    ds = _dataset(data_dir, dataset)
    check_lang(lang)
    fy = _year(ds, year)
    frame = grades_table(ds, fy, lang, _projects(projects))
    for column, (kind, _) in COLUMNS.items():
        if kind == "number":
            frame[column] = pd.to_numeric(frame[column].replace("", None))
    return frame


def grades_table(ds: Dataset, year: int, lang: str = "ja", projects: list[int] | None = None) -> pd.DataFrame:
    """The grade table as `kpi grades --format csv` writes it (every value as text)."""
    ds = as_known_in(ds, year)  # nothing a later year brought
    records = with_outlook(grades_records(evaluate(ds, year, projects=projects), lang), ds, year, lang)
    return records[list(COLUMNS)]


def _row(ds: Dataset, indicator_id: str, year: int, project: int | None) -> dict:
    """The evaluate() row of an indicator (of its first project, unless `project` is given)."""
    indicator_id, project = _indicator(indicator_id), _project(project)
    results = evaluate(ds, year, projects=None if project is None else [project])
    rows = results[results["indicator"] == indicator_id]
    if rows.empty:
        known = ", ".join(sorted(ds.indicators["indicator"])[:5])
        raise KpiError(f"unknown indicator {indicator_id!r}: the data has indicators such as {known}")
    return rows.iloc[0].to_dict()


def series(indicator_id: str, data_dir: str | Path | None = None, *, dataset: Dataset | None = None) -> pd.DataFrame:
    """The time series of one indicator: one row per year in the data (the source table's year;
    indicators.csv year_basis says whether it is a fiscal or a calendar year), with the actual
    (実績値; NaN where there is none, `actual_state` says why), and the progress rate and grade
    that year's actual gives on its own (our recomputation).

    Example::

        kpi_lib.series("total_fertility_rate")[["year", "actual", "progress_rate", "grade"]]
    """
    ds = _dataset(data_dir, dataset)
    _indicator(indicator_id)
    if indicator_id not in set(ds.indicators["indicator"]):
        _row(ds, indicator_id, ds.latest_year, None)  # raises: unknown indicator
    a = ds.actuals[ds.actuals["indicator"] == indicator_id]
    graded = progress_table(ds)
    graded = graded.loc[graded["indicator"] == indicator_id, ["year", "progress_rate", "grade"]]
    frame = a[["indicator", "year", "actual_state", "actual"]].merge(graded, on="year", how="left")
    frame["actual"] = frame["actual"].where(frame["actual_state"] == numbers.VALUE)
    frame["grade"] = frame["grade"].fillna("")
    return frame.sort_values("year").reset_index(drop=True)


def trend_chart(
    indicator_id: str,
    year=None,
    *,
    data_dir: str | Path | None = None,
    dataset: Dataset | None = None,
    lang: str = "ja",
    project: int | None = None,
) -> alt.LayerChart:
    """The report's trend chart of one indicator for evaluation year `year` (default: the latest):
    actuals, baseline, targets, the national series and the linear projection.

    Example::

        kpi_lib.trend_chart("total_fertility_rate", year="H30").properties(width=500)
    """
    ds = _dataset(data_dir, dataset)
    fy = _year(ds, year)
    ds = as_known_in(ds, fy)
    row = _row(ds, indicator_id, fy, project)
    o = outlook(ds, fy).set_index("indicator").loc[indicator_id].to_dict()
    return charts.trend_chart(ds, row, lang, o, scheme_for(ds))


def rate_chart(
    indicator_id: str,
    year=None,
    *,
    data_dir: str | Path | None = None,
    dataset: Dataset | None = None,
    lang: str = "ja",
    project: int | None = None,
) -> alt.LayerChart:
    """The progress rate of one indicator's actuals up to `year` (default: the latest), coloured by grade.

    Example::

        kpi_lib.rate_chart("total_fertility_rate", "H30", lang="en")
    """
    ds = _dataset(data_dir, dataset)
    fy = _year(ds, year)
    ds = as_known_in(ds, fy)
    graded = progress_table(ds)
    return charts.rate_chart(graded[graded["year"] <= fy], _row(ds, indicator_id, fy, project), scheme_for(ds), lang)


def overview_chart(
    year=None, *, data_dir: str | Path | None = None, dataset: Dataset | None = None, lang: str = "ja"
) -> alt.LayerChart:
    """How many indicators of each project have each grade in evaluation year `year` (the overview report's chart).

    Example::

        kpi_lib.overview_chart("平成30年度")
    """
    ds = _dataset(data_dir, dataset)
    return charts.grade_counts_chart(evaluate(ds, _year(ds, year)), scheme_for(ds), lang)


def indicator_commentary(
    indicator_id: str,
    year=None,
    *,
    data_dir: str | Path | None = None,
    dataset: Dataset | None = None,
    lang: str = "ja",
    project: int | None = None,
) -> list[str]:
    """The report's generated sentences about one indicator for evaluation year `year` (default:
    the latest): latest actual, gap to target, grade and its change, disagreements with the
    published figures, outlook. Our analysis, not the official text.

    Example::

        kpi_lib.indicator_commentary("total_fertility_rate", "FY2018", lang="en")
    """
    full = _dataset(data_dir, dataset)
    check_lang(lang)
    fy = _year(full, year)
    ds = as_known_in(full, fy)
    row = _row(ds, indicator_id, fy, project)
    previous = None
    if fy - 1 >= ds.years[0]:
        before = _row(ds, indicator_id, fy - 1, row["project"])
        previous = before | {"evaluation_year": fy - 1}
    graded = progress_table(ds)
    findings = audit(ds, lang=lang)  # its arithmetic in the sentences' language
    findings = findings[(findings["project"] == row["project"]) & (findings["indicator"] == indicator_id)]
    sentences = _commentary.indicator_commentary(row, graded, previous, findings, scheme_for(ds), lang)
    o = outlook(ds, fy).set_index("indicator").loc[indicator_id].to_dict()
    return sentences + _commentary.outlook_commentary(row, o, lang, scheme_for(ds))
