"""Atomic file writes: readers (and a crash) see the old file or the new one, never a part of it.

Everything kpi_lib writes for people to keep (workbooks, reports, actuals.csv, cached files) goes
through here: the data goes to a temporary file in the same folder, which then replaces the
target in one os.replace.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# read once, at import: os.umask can only be read by setting it, which is not safe while other
# threads create files (report runs write from several threads)
_NEW_FILE_MODE = 0o666 & ~_umask()


@contextmanager
def atomic_file(path: str | Path) -> Iterator[Path]:
    """A temporary path beside `path` for the caller to write; when the block ends without an
    error it replaces `path`, and when it raises it is deleted. The file gets the permissions of
    the one it replaces (a new file: what open() would give, 0o666 less the umask)."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else _NEW_FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8, newlines as given) to `path` atomically; return the path."""
    path = Path(path)
    with atomic_file(path) as tmp, open(tmp, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
        f.flush()
        os.fsync(f.fileno())  # the bytes are on disk before the name points at them
    return path
