"""A per-user cache for derived files that are slow to build (the Vega bundle, font subsets).

Each file is stored with the SHA-256 of its bytes beside it (`NAME.sha256`); a file that does not
match it (truncated by a full disk or a kill, edited, half-copied) is not used, so the caller
builds it again and stores it anew.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kpi_lib.core.files import write_atomically

DIGEST_SUFFIX = ".sha256"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kpi_lib"


def read(name: str) -> bytes | None:
    """The cached bytes, or None when there are none or they do not match their digest."""
    folder = cache_dir()
    try:
        data = (folder / name).read_bytes()
        expected = (folder / (name + DIGEST_SUFFIX)).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return data if hashlib.sha256(data).hexdigest() == expected else None


def write(name: str, data: bytes) -> None:
    """Store atomically, the digest after the data (a kill between the two leaves a mismatch,
    which read treats as no file); a cache that cannot be written is simply skipped."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / name, data)
        write_atomically(folder / (name + DIGEST_SUFFIX), hashlib.sha256(data).hexdigest() + "\n")
    except OSError:
        pass
