"""A per-user cache for derived files that are slow to build (the Vega bundle, font subsets).

The folder is the platform's cache folder for kpi_lib (platformdirs: `~/.cache/kpi_lib` on Linux,
`~/Library/Caches/kpi_lib` on macOS, `%LOCALAPPDATA%\\kpi_lib\\Cache` on Windows), or the folder
named by the environment variable KPI_CACHE_DIR (the tests point it at a temporary folder).

An entry is named `KIND-KEY.EXT`, KEY being a digest of everything that determines its bytes
(see `entry_name`), so a change of library version or recipe gives a new name, never a stale
file. Each kind keeps at most a given number of entries: writing one more removes the least
recently used (reading an entry marks it used). Only files named like the cache's own entries
are ever removed, so a folder shared with other files (KPI_CACHE_DIR) loses nothing else.

Each file is stored with the SHA-256 of its bytes beside it (`NAME.sha256`); a file that does not
match it (truncated by a full disk or a kill, edited, half-copied) is not used, so the caller
builds it again and stores it anew. A cache that cannot be read or written is simply skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import platformdirs

from kpi_lib.core.files import write_atomically

ENV_VAR = "KPI_CACHE_DIR"
DIGEST_SUFFIX = ".sha256"
_NAME = re.compile(r"^(?P<kind>[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)-[0-9a-f]{24}(?P<ext>\.[a-z0-9]+)$")


def cache_dir() -> Path:
    return Path(os.environ.get(ENV_VAR) or platformdirs.user_cache_dir("kpi_lib", appauthor=False))


def entry_name(kind: str, ext: str, key: dict) -> str:
    """`KIND-KEY.EXT`, KEY a digest of `key` (every input that determines the entry's bytes)."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]
    name = f"{kind}-{digest}{ext}"
    if not _NAME.match(name):
        raise ValueError(f"not a cache entry name: {name!r}")
    return name


def read(name: str) -> bytes | None:
    """The cached bytes, or None when there are none or they do not match their digest."""
    path = cache_dir() / name
    try:
        data = path.read_bytes()
        expected = path.with_name(name + DIGEST_SUFFIX).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if hashlib.sha256(data).hexdigest() != expected:
        return None
    try:
        os.utime(path)  # used now: the last to be evicted
    except OSError:
        pass
    return data


def write(name: str, data: bytes, keep: int) -> None:
    """Store atomically, the digest after the data (a kill between the two leaves a mismatch,
    which read treats as no file), then evict this kind's least recently used entries beyond
    `keep`; a cache that cannot be written is simply skipped."""
    m = _NAME.match(name)
    if not m:
        raise ValueError(f"not a cache entry name: {name!r}")
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / name, data)
        write_atomically(folder / (name + DIGEST_SUFFIX), hashlib.sha256(data).hexdigest() + "\n")
        _evict(folder, m["kind"], m["ext"], keep, name)
    except OSError:
        pass


def _evict(folder: Path, kind: str, ext: str, keep: int, new: str) -> None:
    """Remove the least recently used entries of `kind` beyond `keep` (never `new`, just written)."""
    entries = []
    for path in folder.iterdir():
        m = _NAME.match(path.name)
        if m and m["kind"] == kind and m["ext"] == ext and path.name != new:
            try:
                entries.append((path.stat().st_mtime_ns, path.name))
            except OSError:  # removed meanwhile by another process
                continue
    entries.sort(reverse=True)  # most recently used first; the name breaks ties, for determinism
    for _, old in entries[max(keep - 1, 0) :]:
        for path in (folder / old, folder / (old + DIGEST_SUFFIX)):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
