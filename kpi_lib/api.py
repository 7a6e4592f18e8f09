"""The public API for notebooks and scripts: `import kpi_lib` and call these.

Every function takes the data as `data_dir` (a data directory, or "example:NAME" for a shipped
example; None: the folder found as the `kpi` command finds it, docs/input.md "Which data folder")
or as an opened `dataset` (open_dataset(), to load it once), and years in any form the `kpi` command
accepts: 2018, "2018", "FY2018", "H30", "平成30年度", "R1", "令和元年度". Charts are Altair
charts without a config of their own, so they compose (`a | b`, `a & b`, alt.hconcat): change them
with ordinary Altair (`.properties(width=600)`, `.encode(...)`). The report's look is applied where
they are shown (setup_notebook's renderer) or saved (save_chart, report_look). docs/api.md lists this
API with examples (tests run them)."""

from __future__ import annotations

import difflib
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from kpi_lib.analysis import audit as _audit
from kpi_lib.analysis.changes import grade_changes, typed_changes
from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.analysis.outlook import outlook, with_outlook
from kpi_lib.core import numbers
from kpi_lib.core.errors import KpiError
from kpi_lib.core.labels import check_lang
from kpi_lib.dataset.loading import Dataset, as_known_in, check_year, load_dataset
from kpi_lib.dataset.scheme import scheme_for
from kpi_lib.presentation import charts, rendering, tables
from kpi_lib.presentation import commentary as _commentary
from kpi_lib.presentation.notebook import setup_notebook
from kpi_lib.presentation.style import grade_colours
from kpi_lib.presentation.tables import COLUMNS, grades_records

__all__ = [
    "open_dataset",
    "grades",
    "changes",
    "audit",
    "data_notes",
    "export_workbook",
    "series",
    "trend_chart",
    "rate_chart",
    "overview_chart",
    "indicator_commentary",
    "save_chart",
    "report_look",
    "show",
    "glossary",
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
            f"indicator_id must be an indicator's id or name (str) such as 'total_fertility_rate', not {_shown(indicator_id)}"
        )
    return indicator_id


def _key(name) -> str:
    """A name as typed and as printed compare equal: full-width forms, spaces and case set aside."""
    return "".join(unicodedata.normalize("NFKC", str(name)).casefold().split())


def _find_indicator(ds: Dataset, name) -> str:
    """The id of the indicator `name` names: its id, or its Japanese or English name (full-width
    and half-width forms, spaces and case aside). Anything else raises KpiError suggesting the
    nearest ids and names (difflib)."""
    _indicator(name)
    table = ds.indicators
    if name in set(table["indicator"]):
        return name
    by_key: dict[str, set[str]] = {}
    for column in ("indicator", "name_ja", "name_en"):
        for key, ind in zip(table[column], table["indicator"], strict=True):
            if not numbers.is_missing(key) and str(key).strip():
                by_key.setdefault(_key(key), set()).add(ind)
    found = by_key.get(_key(name), set())
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        raise KpiError(f"indicator {name!r} names several indicators: {', '.join(sorted(found))}; give the id")
    close = difflib.get_close_matches(_key(name), list(by_key), n=3, cutoff=0.5)
    names = table.set_index("indicator")["name_ja"]
    suggestions = list(dict.fromkeys(ind for key in close for ind in sorted(by_key[key])))
    if not suggestions:
        raise KpiError(
            f"unknown indicator {name!r}: no indicator's id or name is close (kpi_lib.open_dataset().indicators lists them)"
        )
    said = ", ".join(f"{ind} ({names[ind]})" if not numbers.is_missing(names[ind]) else ind for ind in suggestions)
    raise KpiError(f"unknown indicator {name!r}: did you mean {said}?")


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
    in docs/api.md), with the "number" columns as numbers (<NA> where empty) and empty text missing
    (`.isna()` finds it).

    Example::

        g = kpi_lib.grades("H30")
        g.loc[g["indicator"] == "total_fertility_rate", ["actual", "progress_rate", "grade"]]
    """
    ds = _dataset(data_dir, dataset)
    check_lang(lang)
    fy = _year(ds, year)
    return _coloured(typed(grades_table(ds, fy, lang, _projects(projects))), ds)


def _coloured(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """The frame, remembering its grades' colours (DataFrame.attrs) for show()."""
    frame.attrs["kpi_grade_colours"] = grade_colours(scheme_for(ds))
    return frame


# the "number" columns of the grade table that hold whole numbers (numbers, years, positions)
WHOLE_NUMBER_COLUMNS = (
    "project",
    "position",
    "baseline_year",
    "target_year",
    "evaluation_year",
    "latest_year",
    "projected_year_reached",
)


def typed(records: pd.DataFrame) -> pd.DataFrame:
    """The grade table as `kpi grades --format csv` writes it, with its "number" columns as
    pandas' nullable numbers (Int64 for WHOLE_NUMBER_COLUMNS, else Float64; <NA> where the CSV
    is empty) and its text columns as text (missing where the CSV is empty)."""
    frame = records.copy()
    for column, (kind, _) in COLUMNS.items():
        if kind == "number":
            values = frame[column].astype(str)
            numeric = pd.to_numeric(values.where(values != ""), errors="raise")
            frame[column] = numeric.astype("Int64" if column in WHOLE_NUMBER_COLUMNS else "Float64")
    return numbers.missing_text(frame)


def grades_table(ds: Dataset, year: int, lang: str = "ja", projects: list[int] | None = None) -> pd.DataFrame:
    """The grade table as `kpi grades --format csv` writes it (every value as text)."""
    ds = as_known_in(ds, year)  # nothing a later year brought
    records = with_outlook(grades_records(evaluate(ds, year, projects=projects), lang, ds.projects), ds, year, lang)
    return records[list(COLUMNS)]


def _row(ds: Dataset, indicator_id: str, year: int, project: int | None) -> dict:
    """The evaluate() row of an indicator (of its first project, unless `project` is given)."""
    indicator_id, project = _find_indicator(ds, indicator_id), _project(project)
    results = evaluate(ds, year)
    rows = results[results["indicator"] == indicator_id]
    if project is not None and project not in set(rows["project"]):
        links = ds.project_indicators
        where = sorted({int(p) for p in links.loc[links["indicator"] == indicator_id, "project"]})
        listed = ", ".join(map(str, where))
        raise KpiError(f"indicator {indicator_id} is not in project {project}; the projects it is in: {listed}")
    if project is not None:
        rows = rows[rows["project"] == project]
    if rows.empty:
        raise KpiError(f"indicator {indicator_id} is in no project's table (project_indicators.csv)")
    return rows.iloc[0].to_dict()


def series(indicator_id: str, data_dir: str | Path | None = None, *, dataset: Dataset | None = None) -> pd.DataFrame:
    """The time series of one indicator: one row per year in the data (the source table's year;
    indicators.csv year_basis says whether it is a fiscal or a calendar year), with the actual
    (実績値; <NA> where there is none, `actual_state` says why), and the progress rate and grade
    that year's actual gives on its own (our recomputation; missing without an actual).

    Example::

        kpi_lib.series("total_fertility_rate")[["year", "actual", "progress_rate", "grade"]]
    """
    ds = _dataset(data_dir, dataset)
    indicator_id = _find_indicator(ds, indicator_id)
    a = ds.actuals[ds.actuals["indicator"] == indicator_id]
    graded = progress_table(ds)
    graded = graded.loc[graded["indicator"] == indicator_id, ["year", "progress_rate", "grade"]]
    frame = a[["indicator", "year", "actual_state", "actual"]].merge(graded, on="year", how="left")
    frame["actual"] = frame["actual"].where(frame["actual_state"] == numbers.VALUE).astype("Float64")
    frame["progress_rate"] = frame["progress_rate"].astype("Float64")
    frame["year"] = frame["year"].astype("Int64")
    return _coloured(numbers.missing_text(frame.sort_values("year").reset_index(drop=True)), ds)


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
    o = outlook(ds, fy).set_index("indicator").loc[row["indicator"]].to_dict()
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
    indicator_id = row["indicator"]
    previous = None
    if fy - 1 >= ds.years[0]:
        before = _row(ds, indicator_id, fy - 1, row["project"])
        previous = before | {"evaluation_year": fy - 1}
    graded = progress_table(ds)
    findings = _audit.audit(ds, lang=lang)  # its arithmetic in the sentences' language
    findings = findings[(findings["project"] == row["project"]) & (findings["indicator"] == indicator_id)]
    sentences = _commentary.indicator_commentary(row, graded, previous, findings, scheme_for(ds), lang)
    o = outlook(ds, fy).set_index("indicator").loc[indicator_id].to_dict()
    return sentences + _commentary.outlook_commentary(row, o, lang, scheme_for(ds))


def changes(
    from_year,
    to_year,
    data_dir: str | Path | None = None,
    *,
    dataset: Dataset | None = None,
    projects: list[int] | None = None,
    include_unchanged: bool = False,
) -> pd.DataFrame:
    """The indicators whose grade changed between two evaluation years: the table `kpi changes
    --format csv` writes (kpi_lib.analysis.changes.grade_changes, the same code), one row per
    project and indicator; `change` says how (improved, worsened, changed, graded, ungraded).
    `include_unchanged=True` keeps the others too (change "unchanged").

    Example::

        kpi_lib.changes("H29", "H30")[["indicator", "grade_from", "grade_to", "change"]]
    """
    ds = _dataset(data_dir, dataset)
    return _coloured(
        numbers.missing_text(
            typed_changes(
                grade_changes(ds, from_year, to_year, projects=_projects(projects), include_unchanged=include_unchanged)
            )
        ),
        ds,
    )


def audit(data_dir: str | Path | None = None, *, dataset: Dataset | None = None, lang: str = "ja") -> pd.DataFrame:
    """The published progress rates and grades that the recomputation does not reproduce: the
    table `kpi audit --format csv` writes (kpi_lib.analysis.audit.audit, the same code), with the
    arithmetic in `lang`. Empty: every published figure is reproduced.

    Example::

        kpi_lib.audit(lang="en")[["indicator", "year", "figure", "published", "recomputed"]]
    """
    ds = _dataset(data_dir, dataset)
    check_lang(lang)
    return numbers.missing_text(_audit.audit(ds, lang=lang))


def data_notes(data_dir: str | Path | None = None, *, dataset: Dataset | None = None) -> pd.DataFrame:
    """The data's own notes (`kpi audit --notes --format csv`): file, the row's key, column, note.

    Example::

        kpi_lib.data_notes().query("file == 'indicators.csv'")
    """
    return numbers.missing_text(_audit.data_notes(_dataset(data_dir, dataset)))


def export_workbook(
    path: str | Path,
    year=None,
    data_dir: str | Path | None = None,
    *,
    dataset: Dataset | None = None,
    lang: str = "ja",
) -> Path:
    """Write the data as the official-layout Excel workbook (one sheet per project, as `kpi export
    --xlsx PATH` writes it, the same code) and return its path. Like `kpi export`, it refuses to
    replace a workbook holding typed 実績値 the data does not hold (import them first with `kpi import`).

    Example::

        kpi_lib.export_workbook("exports/kpi_H30.xlsx", "H30")
    """
    if not isinstance(path, (str, os.PathLike)):
        raise KpiError(f"path must be the workbook's path (str or pathlib.Path), not {_shown(path)}")
    ds = _dataset(data_dir, dataset)
    check_lang(lang)
    # here, not at the top: openpyxl takes a third of a second to import, and a notebook's first
    # chart should not wait for it (benchmarks/first_chart.py)
    from kpi_lib.workbook.excel_import import export_unless_edited

    return export_unless_edited(ds, path, year=year, lang=lang)


def save_chart(chart: alt.TopLevelMixin, path: str | Path) -> Path:
    """Save a chart (one of these, or composed of them: `a | b`) in the report's look, for use
    offline, by the name's suffix: .html (Vega's JavaScript inlined: it draws without a network),
    .svg or .png (drawn with the bundled font: the same on every machine), .json (the Vega-Lite
    spec); return the path. Altair's own `chart.save("x.html")` loads Vega from a CDN.

    Example::

        kpi_lib.save_chart(kpi_lib.trend_chart("total_fertility_rate"), "exports/tfr.html")
    """
    if not isinstance(chart, alt.TopLevelMixin):
        raise KpiError(f"chart must be an Altair chart such as kpi_lib.trend_chart(...), not {_shown(chart)}")
    if not isinstance(path, (str, os.PathLike)):
        raise KpiError(f"path must be the file's path (str or pathlib.Path), not {_shown(path)}")
    return rendering.save_chart(chart, path)


@contextmanager
def report_look() -> Iterator[None]:
    """Inside the block, Altair converts every chart in the report's look (font, grid, legend
    below): for Altair's own `chart.save(...)`, `chart.to_dict()` or display without
    setup_notebook(). An Altair theme enabled for the block only; nothing stays changed after it.

    Example::

        with kpi_lib.report_look():
            kpi_lib.overview_chart().save("exports/overview.html", inline=True)  # inline: offline
    """
    with rendering.report_look():
        yield


def show(
    frame: pd.DataFrame,
    *,
    lang: str = "ja",
    full: bool = False,
    data_dir: str | Path | None = None,
    dataset: Dataset | None = None,
):
    """A compact display of a table of this API (grades(), series(), changes(), audit()): the
    columns an analyst reads first (the indicator's name in `lang`, baseline and target as
    printed, the latest actual, progress rate, grades, outlook), grades on their colours, no index.
    A pandas Styler: it shows in a notebook, `.to_html()` gives it as HTML. `full=True`: every
    column. The table itself is unchanged (the full table is the DataFrame; what its columns mean:
    glossary()). The colours are those of the data the table came from (or of `dataset=`/`data_dir=`).

    Example::

        kpi_lib.show(kpi_lib.grades("H30"))
    """
    if not isinstance(frame, pd.DataFrame):
        raise KpiError(f"frame must be a DataFrame such as kpi_lib.grades(), not {_shown(frame)}")
    check_lang(lang)
    if dataset is not None or data_dir is not None:
        colours = grade_colours(scheme_for(_dataset(data_dir, dataset)))
    else:
        colours = frame.attrs.get("kpi_grade_colours", {})
    return tables.compact_style(frame, colours, lang, full=bool(full))


def glossary(lang: str = "ja") -> pd.DataFrame:
    """What each column of grades() (and of `kpi grades --format csv`) means, in Japanese or
    English: one row per column with its type (number or text) and meaning.

    Example::

        kpi_lib.glossary("en")
    """
    check_lang(lang)
    return numbers.missing_text(tables.glossary(lang))
