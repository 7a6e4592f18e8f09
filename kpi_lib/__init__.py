"""kpi_lib: strategy-KPI progress analysis for Japanese regional revitalization strategies.

Layers, each importing only from those below it (README, "The map of kpi_lib"; checked by
lint-imports): core -> dataset (loading: a validated Dataset) -> analysis (grading: tidy results)
-> presentation (tables, commentary, charts, views) -> workbook | publishing (kpi report) -> api | cli.

The public API for notebooks (kpi_lib/api.py, docs/api.md) is importable from here:
open_dataset, grades, series, trend_chart, rate_chart, overview_chart, indicator_commentary. It loads on
first use, so `import kpi_lib` (every report kernel and every `kpi` command) stays cheap.
"""

import sys

__version__ = "0.1.0"

# jsonschema (imported by altair) loads the optional IRI checker rfc3987_syntax when it is
# installed (jupyter pulls it in); it compiles a grammar for ~3 s per process, in every report
# kernel. Nothing here validates IRIs, so keep it from loading unless someone already did.
sys.modules.setdefault("rfc3987_syntax", None)

API = ("open_dataset", "grades", "series", "trend_chart", "rate_chart", "overview_chart", "indicator_commentary")
__all__ = list(API)


def __getattr__(name: str):
    if name in API:
        from kpi_lib import api

        return getattr(api, name)
    raise AttributeError(f"module 'kpi_lib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
