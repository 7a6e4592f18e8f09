"""Atomic writes (kpi_lib/core/files.py): the old file or the new one, never a part, no leftovers."""

import os

import pytest

from kpi_lib.core.files import atomic_file, write_atomically


def test_a_write_replaces_the_file_and_keeps_its_permissions(tmp_path):
    target = tmp_path / "actuals.csv"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    write_atomically(target, "新しい\n")
    assert target.read_bytes() == "新しい\n".encode()
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["actuals.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_file(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
