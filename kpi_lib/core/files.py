"""Atomic file writes: readers (and a crash) see the old file or the new one, never a part of it.

Everything kpi_lib writes for people to keep (workbooks, reports, actuals.csv, cached files) goes
through here: the data goes to a temporary file in the same folder, which then replaces the
target in one os.replace.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kpi_lib.core.errors import InputFileError

PROC_STATUS = Path("/proc/self/status")  # Linux: shows the umask ("Umask:\t0022")
# A temporary name keeps this much of the name it stands for: a name near the file system's limit
# (255 bytes) must not become too long only because of the temporary prefix and suffix.
TEMP_NAME_CHARS = 40

# The largest input files kpi_lib reads (docs/input.md, "Files"): a data table is parsed into
# several times its size in memory; 64 MB hold a national dataset's 715,200 actuals (1,788 bodies
# x 40 indicators x 10 years) at up to 89 bytes a row.
MAX_TABLE_BYTES = 64_000_000  # a CSV table of a data folder
MAX_TEXT_FILE_BYTES = 1_000_000  # metadata.json, a scheme .toml
MAX_NOTEBOOK_BYTES = 20_000_000  # kpi report --template FILE
_UMASK_LINE = re.compile(rb"^Umask:\s*([0-7]+)$", re.M)


def current_umask() -> int:
    """The process's umask, read when a file is created, never at import. Where PROC_STATUS does
    not show it, os.umask can only be read by setting it: set to a private mask for that instant
    (a file another thread creates meanwhile is private, not world-writable), then put back."""
    try:
        m = _UMASK_LINE.search(PROC_STATUS.read_bytes())
    except OSError:
        m = None
    if m:
        return int(m.group(1), 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def new_dir_mode() -> int:
    """The permissions mkdir would give a new folder now (0o777 less the umask)."""
    return 0o777 & ~current_umask()


@contextmanager
def atomic_file(path: str | Path) -> Iterator[Path]:
    """A temporary path beside `path` for the caller to write; when the block ends without an
    error it replaces `path`, and when it raises it is deleted. The file gets the permissions of
    the one it replaces (a new file: what open() would give, 0o666 less the umask)."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def temp_prefix(name: str) -> str:
    """The prefix of a temporary file or folder standing for `name`: hidden, recognisable, short."""
    return f".{name[:TEMP_NAME_CHARS]}."


def write_atomically(path: str | Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8, newlines as given) to `path` atomically; return the path."""
    path = Path(path)
    with atomic_file(path) as tmp, open(tmp, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
        f.flush()
        os.fsync(f.fileno())  # the bytes are on disk before the name points at them
    return path


def read_input_file(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file; InputFileError for a missing file, a symbolic-link loop, a
    directory, a named pipe (reading one would block until something writes to it) or a device,
    and for a file of more than `max_bytes` bytes (refused before reading it, and never read past
    the limit if it grows meanwhile).

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
        size = os.fstat(f.fileno()).st_size
        if max_bytes is not None and size > max_bytes:
            raise InputFileError(too_big(size, max_bytes))
        try:
            data = f.read() if max_bytes is None else f.read(max_bytes + 1)
        except OSError as e:
            raise InputFileError(f"cannot be read ({e.strerror or e.__class__.__name__})") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise InputFileError(too_big(len(data), max_bytes))
    return data


def too_big(size: int, limit: int) -> str:
    return f"too large ({size:,} bytes, more than the {limit:,} bytes kpi_lib reads; see docs/input.md)"
