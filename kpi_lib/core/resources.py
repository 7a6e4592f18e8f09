"""Where the files kpi_lib ships beside its code are found: one place for every module.

The report notebooks, the shipped dataset and the examples live at the top of the repository
(notebooks/reports/, data/, examples/). The built wheel carries them inside the package
(pyproject.toml maps them to kpi_lib/notebooks, kpi_lib/data and kpi_lib/examples), so an
installed kpi_lib looks there first; an editable install or a checkout finds them beside the
package. Schemes, templates and the font are in the package in both cases. The analysts'
workspace (notebooks/workspace/) exists only in a checkout: the wheel does not carry it, and
nothing kpi_lib runs reads it.

The shipped datasets are examples, used only when asked for by name (`--data example:NAME`,
dataset.loading.resolve_data_dir) or inside kpi_lib's own checkout (CHECKOUT_DIR).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # kpi_lib/, above core/


def _shipped(inside: str, checkout: str) -> Path:
    installed = PACKAGE_DIR / inside  # an installed wheel
    return installed if installed.is_dir() else PACKAGE_DIR.parent / checkout  # a checkout


DATA_DIR = _shipped("data", "data")  # the first dataset: Hokkaido's report (example:hokkaido)
EXAMPLES_DIR = _shipped("examples", "examples")  # small datasets of the other grading schemes
NOTEBOOK_DIR = _shipped("notebooks", "notebooks/reports")  # the report notebooks `kpi report` runs
WORKSPACE_DIR = PACKAGE_DIR.parent / "notebooks" / "workspace"  # a checkout's exploration notebooks
SCHEME_DIR = PACKAGE_DIR / "dataset" / "schemes"
TEMPLATE_DIR = PACKAGE_DIR / "publishing" / "templates"
FONT_DIR = PACKAGE_DIR / "presentation" / "ipaexfont"  # IPAexGothic and its licence

# kpi_lib's own checkout (run from the repository, or an editable install): the folder holding
# kpi_lib/ and data/; None for an installed wheel, which carries its data inside the package
_IN_CHECKOUT = DATA_DIR == PACKAGE_DIR.parent / "data" and (DATA_DIR / "metadata.json").is_file()
CHECKOUT_DIR = PACKAGE_DIR.parent if _IN_CHECKOUT else None
FIRST_EXAMPLE = "hokkaido"  # the name data/ goes by in `--data example:NAME`


def examples() -> dict[str, Path]:
    """The shipped datasets by the name `--data example:NAME` takes: data/ as FIRST_EXAMPLE, then
    each folder of examples/ that holds a metadata.json, by its folder name."""
    found = {FIRST_EXAMPLE: DATA_DIR}
    if EXAMPLES_DIR.is_dir():
        found.update({p.name: p for p in sorted(EXAMPLES_DIR.iterdir()) if (p / "metadata.json").is_file()})
    return found
