"""The report notebooks' sources, and the manifest that says what they were committed with.

A report notebook is a template: an official report must come from the notebook the package was
built (or the repository committed) with, not from one an analyst saved by accident. manifest.json
beside the report notebooks holds the sha256 of each one's *source* — the type, source and tags
of every cell, in order; not outputs, ids or other metadata, which executing a notebook changes.
`kpi refresh-notebooks` rewrites it, tests/test_api.py checks it matches the committed notebooks,
and `kpi report` warns, naming the notebook, when one differs from it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat

from kpi_lib.core.files import write_atomically

MANIFEST = "manifest.json"


def source_digest(path: str | Path) -> str:
    """sha256 of a notebook's cells as written (type, source, tags), ignoring outputs and metadata."""
    nb = nbformat.read(str(path), as_version=4)
    cells = [{"type": c.cell_type, "source": c.source, "tags": sorted(c.metadata.get("tags", []))} for c in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def read_manifest(notebook_dir: Path) -> dict[str, str]:
    try:
        return json.loads((Path(notebook_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(notebook_dir: Path) -> Path:
    """Record the digest of every notebook in notebook_dir."""
    digests = {p.name: source_digest(p) for p in sorted(Path(notebook_dir).glob("*.ipynb"))}
    return write_atomically(Path(notebook_dir) / MANIFEST, json.dumps(digests, indent=1, sort_keys=True) + "\n")


def changed_notebooks(notebook_dir: Path, names: list[str]) -> list[Path]:
    """The notebooks among `names` whose source differs from the manifest (or is not in it)."""
    recorded = read_manifest(notebook_dir)
    paths = [Path(notebook_dir) / name for name in names]
    return [p for p in paths if recorded.get(p.name) != source_digest(p)]
