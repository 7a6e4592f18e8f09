"""The versions the committed notebooks' outputs were made with: a checkout's constraints.txt.

nbval compares the committed outputs strictly, and they depend on the versions that made them
(Altair writes its Vega-Lite version into every chart, pandas and numpy format the figures,
nbformat, papermill, nbclient, ipykernel and IPython write the notebook around them).
`kpi refresh-notebooks` therefore runs only with the pinned versions of those packages installed
(`python3 tasks.py lock` updates the pins; see the README, "Installing"). An installed wheel has
no constraints file, and is not checked.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

from kpi_lib.core.errors import BilingualError
from kpi_lib.core.labels import text
from kpi_lib.core.resources import PACKAGE_DIR

# The packages whose versions show in the committed notebooks (outputs and their metadata).
OUTPUT_PACKAGES = (
    "altair",
    "vl-convert-python",
    "narwhals",
    "pandas",
    "numpy",
    "nbformat",
    "nbclient",
    "papermill",
    "ipykernel",
    "ipython",
)
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)\s*(?:#.*)?$")


def constraints_file() -> Path | None:
    """The checkout's constraints.txt (beside pyproject.toml), or None for an installed wheel."""
    root = PACKAGE_DIR.parent
    path = root / "constraints.txt"
    return path if path.is_file() and (root / "pyproject.toml").is_file() else None


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503: Jinja2, jupyter_client, ...


def read_pins(path: Path) -> dict[str, str]:
    """{normalized name: version} of the `name==version` lines (comments and blank lines skipped)."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if m := _PIN.match(line.strip()):
            pins[normalize(m[1])] = m[2]
    return pins


def installed_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_pins(path: Path | None) -> None:
    """Raise KpiError naming every output package whose installed version is not its pin."""
    if path is None:
        return
    pins = read_pins(path)
    wrong = [
        (name, installed_version(name), pins[name])
        for name in OUTPUT_PACKAGES
        if name in pins and installed_version(name) != pins[name]
    ]
    if not wrong:
        return

    def message(lang: str) -> str:
        packages = ", ".join(
            text("pins.package", lang).format(
                package=name, installed=installed or text("pins.not_installed", lang), pinned=pinned
            )
            for name, installed, pinned in wrong
        )
        return text("pins.differ", lang).format(file=path, folder=Path(path).parent, packages=packages)

    raise BilingualError(message("ja"), message("en"))
