import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_lib import cli
from kpi_lib.dataset.loading import load_dataset


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


# The shipped data's report sets, run once for every test that reads them (test_reports,
# test_pdf, test_any_dataset): FY2017 as a plain run, FY2018 with --pdf where Chromium and
# pdftoppm are there to print and look at the pages.
REPORT_YEARS = (2017, 2018)
PDF_YEAR = 2018
CAN_PRINT = bool(os.environ.get("CI")) or (Path("/usr/bin/chromium").exists() and shutil.which("pdftoppm") is not None)


@pytest.fixture(scope="session")
def report_set(tmp_path_factory) -> Path:
    """`kpi report --year Y --jobs 2` for each REPORT_YEARS into one output folder, as the yearly
    batch runs it (a new process, from another working directory); returns the folder."""
    out = tmp_path_factory.mktemp("reports")
    for year in REPORT_YEARS:
        pdf = ["--pdf"] if year == PDF_YEAR and CAN_PRINT else []
        r = subprocess.run(
            [sys.executable, "-m", "kpi_lib.cli", "report", "--year", str(year), "--out", str(out), "--jobs", "2"]
            + ["--no-progress", *pdf],
            capture_output=True,
            text=True,
            cwd=tmp_path_factory.getbasetemp(),
            timeout=900,
        )
        assert r.returncode == 0, r.stderr[-3000:]
        assert r.stdout.split() == [str(out / str(year) / lang / "index.html") for lang in ("ja", "en")]
    return out


# Hypothesis (property-based tests, tests/test_*invariants*.py): the same examples on every run and
# machine (derandomize), no example database written into the source tree, no per-example deadline
# (a shared CI machine is slow at times); KPI_HYPOTHESIS_PROFILE=thorough for a longer search.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), derandomize=False, max_examples=5000)
settings.load_profile(os.environ.get("KPI_HYPOTHESIS_PROFILE", "ci"))
