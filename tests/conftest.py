import subprocess
import sys

import pytest

from kpi_lib import cli
from kpi_lib.loading import load_dataset


@pytest.fixture(scope="session")
def dataset():
    return load_dataset()


@pytest.fixture
def kpi(capsys):
    """Run the `kpi` command in this process; the result reads like a finished process's.

    For tests of what the command prints; a real process (kpi_process) only where the
    process itself is under test: exit status, no traceback, the installed entry point.
    """

    def run(*args) -> subprocess.CompletedProcess:
        capsys.readouterr()  # only this command's output
        try:
            status = cli.main([str(a) for a in args])
        except SystemExit as e:  # argparse's usage errors
            status = e.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["kpi", *args], status, out, err)

    return run


@pytest.fixture
def kpi_process():
    """Run `kpi` as a user does: a new Python process."""

    def run(*args, cwd=None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kpi_lib.cli", *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )

    return run


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every page a test opens (each page gets a fresh context)."""
    from browser import launch

    with launch() as browser:
        yield browser
