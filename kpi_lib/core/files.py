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

from kpi_lib.core.errors import InputFileError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# read once, at import: os.umask can only be read by setting it, which is not safe while other
# threads create files (report runs write from several threads)
_NEW_FILE_MODE = 0o666 & ~_umask()
NEW_DIR_MODE = 0o777 & ~_umask()  # what mkdir would give


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


def read_input_file(path: str | Path) -> bytes:
    """The bytes of a regular file; InputFileError for a missing file, a symbolic-link loop, a
    directory, a named pipe (reading one would block until something writes to it) or a device.

    Opened without blocking and checked on the open file, so nothing swapped in between a check
    and the read can make a run hang."""
    import errno
    import stat

    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        broken = path.is_symlink()
        raise InputFileError("file is missing" + (" (a symbolic link to nothing)" if broken else "")) from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputFileError("cannot be read (a symbolic link loop)") from None
        if e.errno == errno.EISDIR:
            raise InputFileError("cannot be read (a directory, not a file)") from None
        raise InputFileError(f"cannot be read ({e.strerror or e.__class__.__name__})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kinds = {stat.S_ISDIR: "a directory", stat.S_ISFIFO: "a named pipe (FIFO)", stat.S_ISSOCK: "a socket"}
        kind = next((name for test, name in kinds.items() if test(mode)), "a device")
        raise InputFileError(f"cannot be read ({kind}, not a regular file)")
    with os.fdopen(fd, "rb") as f:
        try:
            return f.read()
        except OSError as e:
            raise InputFileError(f"cannot be read ({e.strerror or e.__class__.__name__})") from None
