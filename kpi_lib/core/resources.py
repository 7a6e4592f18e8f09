"""Where the files kpi_lib ships beside its code are found: one place for every module.

The report notebooks and the shipped dataset live at the top of the repository
(notebooks/reports/, data/). The built wheel carries them inside the package (pyproject.toml maps
them to kpi_lib/notebooks and kpi_lib/data), so an installed kpi_lib looks there first; an
editable install or a checkout finds them beside the package. Schemes, templates and the font
are in the package in both cases. The analysts' workspace (notebooks/workspace/) exists only in
a checkout: the wheel does not carry it, and nothing kpi_lib runs reads it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # kpi_lib/, above core/


def _shipped(inside: str, checkout: str) -> Path:
    installed = PACKAGE_DIR / inside  # an installed wheel
    return installed if installed.is_dir() else PACKAGE_DIR.parent / checkout  # a checkout


DATA_DIR = _shipped("data", "data")
NOTEBOOK_DIR = _shipped("notebooks", "notebooks/reports")  # the report notebooks `kpi report` runs
WORKSPACE_DIR = PACKAGE_DIR.parent / "notebooks" / "workspace"  # a checkout's exploration notebooks
SCHEME_DIR = PACKAGE_DIR / "dataset" / "schemes"
TEMPLATE_DIR = PACKAGE_DIR / "publishing" / "templates"
FONT_DIR = PACKAGE_DIR / "presentation" / "ipaexfont"  # IPAexGothic and its licence
