"""A per-user cache for derived files that are slow to build (the Vega bundle, font subsets)."""

from __future__ import annotations

import os
from pathlib import Path

from .files import write_atomically


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kpi_lib"


def read(name: str) -> bytes | None:
    try:
        return (cache_dir() / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Store atomically; a cache that cannot be written is simply skipped."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / name, data)
    except OSError:
        pass
