"""The states of a data folder that kpi_lib replaced, kept so that one command puts them back.

Before `kpi import` (or `kpi restore`) replaces tables, write_tables keeps the files it replaces
in DIR/.kpi-history/<id>/, the id being the UTC time (20261207T030405.123456Z), with a
manifest.json saying what made the state (an import of which workbook, a restore of which
state) and, per file, whether it existed, the SHA-256 of the kept bytes and of the bytes written
in its place. The folder is written under a temporary name and renamed into place, so a state is
there whole or not at all; only then are the tables written, each atomically.

restore(DIR, ID) puts back the folder as it was in state ID: each file that ID or a later state
kept, from the earliest of them that holds it (later operations changed it only after ID). It
keeps the state it replaces first (so a restore is undone by restoring again), and deletes a
file only where the state says it did not exist and the file holds what kpi_lib wrote there.
At most MAX_STATES states are kept: the oldest go first. Nothing else in the folder is touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kpi_lib.core.errors import InputFileError, KpiError
from kpi_lib.core.files import new_dir_mode, write_atomically
from kpi_lib.core.labels import text
from kpi_lib.dataset.loading import copy_data_files, read_data_file, validate
from kpi_lib.dataset.schema import TABLES
from kpi_lib.dataset.table_diff import TableChange, table_changes

HISTORY_DIR = ".kpi-history"
MANIFEST = "manifest.json"
FORMAT = "kpi_lib history 1"
MAX_STATES = 20  # a state holds the tables one import replaced (actuals.csv: a few kB to a few MB)
_ID_FORMAT = "%Y%m%dT%H%M%S.%fZ"
_TABLE_FILES = frozenset(t.file for t in TABLES.values())


@dataclass(frozen=True)
class State:
    """A kept state: `files` maps each file name to {"existed", "sha256", "written"}."""

    id: str
    path: Path
    made_by: str  # "import" or "restore"
    detail: str  # the workbook's file name, or the id of the state restored
    files: dict[str, dict]

    def kept(self, name: str) -> bytes:
        return (self.path / name).read_bytes()

    def describe(self, lang: str) -> str:
        """`before the import of r1.xlsx (2026-12-07 03:04:05 UTC)`."""
        when = datetime.strptime(self.id, _ID_FORMAT).strftime("%Y-%m-%d %H:%M:%S UTC")
        return text(f"history.before_{self.made_by}", lang).format(detail=self.detail, when=when)


def states(root: Path) -> list[State]:
    """The kept states of a data folder, oldest first (folders without our manifest are not ours)."""
    folder = Path(root) / HISTORY_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            datetime.strptime(path.name, _ID_FORMAT)
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict) and manifest.get("format") == FORMAT:
            found.append(State(path.name, path, manifest["made_by"], manifest["detail"], manifest["files"]))
    return sorted(found, key=lambda s: s.id)


def current_files(root: Path, names) -> dict[str, bytes | None]:
    """The bytes of each named table file of the folder now (None: there is none)."""
    out = {}
    for name in names:
        path = Path(root) / name
        if not path.exists() and not path.is_symlink():
            out[name] = None
            continue
        try:
            out[name] = read_data_file(path)
        except InputFileError as e:
            raise KpiError(f"{path}: {e}") from None
    return out


def write_tables(root: Path, files: dict[str, bytes | None], made_by: str, detail: str, lang: str = "ja") -> State:
    """Keep the files that `files` replaces (a new state), then write each (None: delete it).
    A write that fails puts back what was written already and removes the state: KpiError, with
    the folder as it was."""
    root = Path(root)
    unknown = sorted(set(files) - _TABLE_FILES)
    if unknown:
        raise KpiError(f"{', '.join(unknown)}: not a data table")
    old = current_files(root, files)
    state = _keep(root, old, files, made_by, detail, lang)
    done: list[str] = []
    try:
        for name, data in files.items():
            if data is None:
                (root / name).unlink(missing_ok=True)
            else:
                write_atomically(root / name, data)
            done.append(name)
    except OSError as e:
        failed = root / name
        for written in done:  # best effort: the state holds every original
            if old[written] is None:
                (root / written).unlink(missing_ok=True)
            else:
                write_atomically(root / written, old[written])
        shutil.rmtree(state.path, ignore_errors=True)
        _remove_if_empty(root / HISTORY_DIR)
        raise KpiError(text("history.cannot_write", lang).format(file=failed, why=e.strerror or e)) from None
    _prune(root)
    return state


def _keep(
    root: Path, old: dict[str, bytes | None], new: dict[str, bytes | None], made_by: str, detail: str, lang: str
) -> State:
    folder = root / HISTORY_DIR
    made = not folder.exists()
    try:
        folder.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
    except OSError as e:
        raise KpiError(text("history.cannot_keep", lang).format(folder=folder, why=e.strerror or e)) from None
    try:
        manifest = {"format": FORMAT, "made_by": made_by, "detail": detail, "files": {}}
        for name, data in old.items():
            if data is not None:
                write_atomically(tmp / name, data)
            manifest["files"][name] = {
                "existed": data is not None,
                "sha256": _digest(data),
                "written": _digest(new[name]),
            }
        write_atomically(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
        os.chmod(tmp, new_dir_mode())  # mkdtemp's folder is private; the data folder's is not
        target = folder / _new_id(root)
        os.rename(tmp, target)
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if made:  # the folder this call made, left empty: gone again
            _remove_if_empty(folder)
        if isinstance(e, OSError):
            raise KpiError(text("history.cannot_keep", lang).format(folder=folder, why=e.strerror or e)) from None
        raise
    return State(target.name, target, made_by, detail, manifest["files"])


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()  # only an empty folder: never a state another run kept meanwhile
    except OSError:
        pass


def _new_id(root: Path) -> str:
    """The UTC time now, later than every kept state's (a clock set back does not reorder them)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    kept = states(root)
    if kept:
        last = datetime.strptime(kept[-1].id, _ID_FORMAT)
        now = max(now, last + timedelta(microseconds=1))
    return now.strftime(_ID_FORMAT)


def _prune(root: Path) -> None:
    kept = states(root)
    for state in kept[: max(0, len(kept) - MAX_STATES)]:
        shutil.rmtree(state.path, ignore_errors=True)


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Restore:
    """What restoring a state writes: `files` (None: delete) and the rows it changes."""

    state: State
    files: dict[str, bytes | None]
    changes: list[TableChange]


def plan_restore(root: Path, state_id: str | None = None, lang: str = "ja") -> Restore:
    """The files that put the folder back as it was in state `state_id` (None: the latest kept);
    KpiError (one line, `lang`) when there is no such state, or when it would delete a file that
    kpi_lib did not write."""
    root = Path(root)
    kept = states(root)
    if not kept:
        raise KpiError(text("history.none", lang).format(folder=root / HISTORY_DIR))
    ids = [s.id for s in kept]
    if state_id is not None and state_id not in ids:
        raise KpiError(text("history.unknown", lang).format(id=state_id, folder=root))
    later = kept[ids.index(state_id) :] if state_id is not None else kept[-1:]
    names = list(dict.fromkeys(name for s in later for name in s.files))
    now = current_files(root, names)
    files: dict[str, bytes | None] = {}
    for name in names:
        first = next(s for s in later if name in s.files)
        last = next(s for s in reversed(later) if name in s.files)
        if first.files[name]["existed"]:
            data = first.kept(name)
            if _digest(data) != first.files[name]["sha256"]:
                raise KpiError(text("history.damaged", lang).format(file=first.path / name))
            files[name] = data
        elif now[name] is not None and _digest(now[name]) != last.files[name]["written"]:
            # a file the state did not have, changed since kpi_lib wrote it: not ours to delete
            raise KpiError(text("history.not_ours", lang).format(file=root / name, id=later[0].id))
        else:
            files[name] = None
    files = {name: data for name, data in files.items() if data != now[name]}
    return Restore(later[0], files, table_changes({n: now[n] for n in files}, files))


def restore(root: Path, plan: Restore, lang: str = "ja") -> State:
    """Write a planned restore, after checking the folder as restored with every rule of `kpi
    validate` (KpiError, one line, nothing written, when it would not be valid); returns the state
    kept of what it replaced."""
    root = Path(root)
    with tempfile.TemporaryDirectory(prefix="kpi-restore-") as tmp:
        copy = Path(tmp) / "data"
        copy_data_files(root, copy)  # only the data files: never a pipe, a device or a link to one there
        for name, data in plan.files.items():
            (copy / name).unlink(missing_ok=True)
            if data is not None:
                (copy / name).write_bytes(data)
        problems = validate(copy)
    if problems:
        more = text("history.more", lang).format(n=len(problems) - 1) if len(problems) > 1 else ""
        raise KpiError(text("history.invalid", lang).format(problem=problems[0], more=more))
    return write_tables(root, plan.files, "restore", plan.state.id, lang)
