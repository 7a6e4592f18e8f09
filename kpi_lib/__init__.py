"""kpi_lib: strategy-KPI progress analysis for Japanese regional revitalization strategies.

Layers, each importing only from those below it (README, "The map of kpi_lib"; checked by
lint-imports): core -> dataset (loading: a validated Dataset) -> analysis (grading: tidy results)
-> presentation (tables, commentary, charts, views) -> workbook | publishing (kpi report) -> api | cli.

The public API for notebooks (kpi_lib/api.py, docs/api.md) is importable from here: the names
in API below. It loads on first use, so `import kpi_lib` (every report kernel and every `kpi`
command) stays cheap. Importing kpi_lib changes nothing in the process (not Altair's renderer,
sys.modules, the umask or IPython): a notebook that wants the reports' display calls
kpi_lib.setup_notebook() in its first code cell.
"""

__version__ = "0.1.0"

API = (
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
)
__all__ = list(API)


def __getattr__(name: str):
    if name == "setup_notebook":  # not through kpi_lib.api, which imports Altair: it must run before
        from kpi_lib.presentation.notebook import setup_notebook

        return setup_notebook
    if name in API:
        from kpi_lib import api

        return getattr(api, name)
    raise AttributeError(f"module 'kpi_lib' has no attribute {name!r}")


def __dir__() -> list[str]:
    # what tab completion on `kpi_lib.` offers: the API, not the internal modules
    return [*API, "API", "__version__"]
