"""Atomic writes (kpi_lib/core/files.py): the old file or the new one, never a part, no leftovers."""

import os

import pytest

from kpi_lib.core import files
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


@pytest.fixture
def umask_calls(monkeypatch):
    """The process umask set to 0o027 for the test, and every os.umask call recorded."""
    previous = os.umask(0o027)
    calls, real = [], os.umask
    monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or real(mask))
    yield calls
    real(previous)


@pytest.mark.skipif(not files.PROC_STATUS.exists(), reason="reads the umask where /proc/self/status shows it")
def test_a_new_file_gets_the_umask_of_the_moment_without_setting_it(tmp_path, umask_calls):
    assert files.current_umask() == 0o027
    assert write_atomically(tmp_path / "new.csv", "x").stat().st_mode & 0o777 == 0o640
    assert files.new_dir_mode() == 0o750
    assert umask_calls == []


@pytest.mark.skipif(not files.PROC_STATUS.exists(), reason="reads the umask where /proc/self/status shows it")
def test_every_umask_is_read_as_it_is(tmp_path):
    previous = os.umask(0o022)
    try:
        for mask in range(0o1000):  # all of them
            os.umask(mask)
            assert files.current_umask() == mask
            assert files.new_dir_mode() == 0o777 & ~mask
            if mask & 0o600 == 0:  # the owner can still write and replace the file
                new = write_atomically(tmp_path / f"{mask:o}.txt", "x")
                assert new.stat().st_mode & 0o777 == 0o666 & ~mask
    finally:
        os.umask(previous)


@pytest.mark.skipif(os.name == "nt", reason="the umask is a POSIX notion")
def test_without_proc_the_umask_is_set_for_an_instant_and_put_back(tmp_path, umask_calls, monkeypatch):
    monkeypatch.setattr(files, "PROC_STATUS", tmp_path / "no-such-status")
    assert write_atomically(tmp_path / "new.csv", "x").stat().st_mode & 0o777 == 0o640
    assert umask_calls == [0o077, 0o027]  # private for that instant, then as it was
    assert files.current_umask() == 0o027
