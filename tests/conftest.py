import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kpi_lib import cli
from kpi_lib.core import messages
from kpi_lib.dataset.loading import load_dataset

ROOT = Path(__file__).resolve().parent.parent

# The tests read the command's English messages unless they choose a language (--lang, KPI_LANG):
# the same on a machine with a Japanese locale (the processes the tests start inherit this).
os.environ[messages.LANG_ENV] = "en"


def untranslated_lines(stderr: str) -> list[str]:
    """The error and warning lines of the command whose message kpi_lib/core/messages.py cannot
    say in Japanese (tests/test_messages.py explains how to add one)."""
    prefixes = ("kpi: error: ", "kpi: warning: ")
    lines = [line.split(": ", 2)[2] for line in stderr.splitlines() if line.startswith(prefixes)]
    return [line for line in lines if messages.untranslated(line)]


# The fast loop (`python3 tasks.py test --fast`, README "Tests and CI") runs in its own processes
# only: it leaves out what starts report runs, browsers, JupyterLab, a wheel build or another
# program (a new Python process: the installed command's exit status, a fresh interpreter's
# imports; LibreOffice, lint-imports). It is `pytest -m "not slow"`. A test is slow when it sits in
# one of these files, uses one of these fixtures, or says so (@pytest.mark.slow).
SLOW_FILES = {
    "test_reports.py",
    "test_pdf.py",
    "test_jupyterlab.py",
    "test_packaging.py",
    "test_global_state.py",  # each check in a fresh interpreter
    "test_walkthrough.py",  # docs/start.md as a user types it, command by command
}
SLOW_FIXTURES = {"report_set", "chromium", "report", "kpi_process"}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: runs reports, a browser, JupyterLab, a wheel build or another program (not in --fast)"
    )


# The full suite sends each file to one xdist worker (tasks.py: --dist loadfile), in this order:
# the longest files first, so that none starts last and leaves the other core idle. The first
# builds the shared report set (report_set) while the second, which does not need it, runs beside
# it. Seconds measured on the 2-core development machine (2026-12-07); the rest follow by name.
LONGEST_FILES = [
    "test_any_dataset.py",  # 58, 39 of them the shared report set
    "test_no_hindsight.py",  # 48
    "test_jupyterlab.py",  # 33
    "test_new_dataset.py",  # 31
    "test_reports.py",  # 51
    "test_pdf.py",  # 30
    "test_excel_bad_input.py",  # 33
    "test_add_indicators.py",  # 27
    "test_runs.py",  # 23
    "test_api.py",  # 23
    "test_import_history.py",  # 18
    "test_grading_invariants.py",  # 16
    "test_data_folder.py",  # 16
    "test_workbook_roundtrip.py",  # 16
    "test_excel.py",  # 15
    "test_rendering.py",  # 15
    "test_packaging.py",  # 14
]


def _file_rank(item) -> tuple[int, str]:
    name = item.path.name
    if name in LONGEST_FILES:
        return LONGEST_FILES.index(name), ""
    return len(LONGEST_FILES) + (item.path.suffix == ".ipynb"), str(item.path)


def pytest_ignore_collect(collection_path, config):
    # the fast loop (-m "not slow") does not even import the files that hold only slow tests
    if config.option.markexpr == "not slow" and collection_path.name in SLOW_FILES:
        return True
    return None


def pytest_collection_finish(session):
    # What the tests share from here on (the modules imported: pandas, Altair's schema classes,
    # openpyxl …) is never garbage: out of the collector's way (Python's gc.freeze), whose full
    # passes otherwise walk it all again and again. About a tenth of the fast loop's time.
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.path.name in SLOW_FILES or SLOW_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)
        elif item.path.suffix == ".ipynb":  # nbval's cells: they run the committed notebooks
            item.add_marker(pytest.mark.slow)
    items.sort(key=_file_rank)  # stable: a file's tests (a notebook's cells) keep their order


def _tree_state() -> set[str]:
    """What git sees in the working tree, ignored files included (byte-code caches aside)."""
    r = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return {line for line in r.stdout.splitlines() if "__pycache__/" not in line and ".venv/" not in line}


def _is_xdist_worker(config) -> bool:
    # with pytest-xdist (-n), the controller checks the tree once, around all of its workers
    return hasattr(config, "workerinput")


def pytest_sessionstart(session):
    checked = (ROOT / ".git").exists() and not _is_xdist_worker(session.config)
    session.config.stash[_TREE] = _tree_state() if checked else None


def pytest_sessionfinish(session, exitstatus):
    """No test writes into the source tree: the tree is as git saw it before the session."""
    before = session.config.stash.get(_TREE, None)
    if before is None:
        return
    written = sorted(_tree_state() - before)
    # nbval runs the guided explore.ipynb where an analyst runs it, and its last section saves
    # two tables to notebooks/workspace/exports/ (git-ignored) on purpose: files this session
    # created there are removed again; any other new file fails the session
    for line in [w for w in written if w[3:].startswith(EXPORTS)]:
        (ROOT / line[3:]).unlink(missing_ok=True)
        written.remove(line)
    if (ROOT / EXPORTS).is_dir() and not any((ROOT / EXPORTS).iterdir()) and not any(EXPORTS in b for b in before):
        (ROOT / EXPORTS).rmdir()
    if written:
        print("\ntests wrote into the source tree (they must use tmp_path):\n" + "\n".join(written), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_TREE = pytest.StashKey[set]()
EXPORTS = "notebooks/workspace/exports/"


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """A folder for what a failing browser test saw (screenshots), outside the source tree: the
    path is printed in the failure message; KPI_TEST_ARTIFACTS names a folder to keep them in."""
    named = os.environ.get("KPI_TEST_ARTIFACTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def dataset():
    return load_dataset()


def _where(message: str) -> str:
    """The location a message starts with: a file (and line), a sheet!cell; "" for none."""
    head = message.split(": ", 1)[0]
    return head if ": " in message and " " not in head and any(c in head for c in ".!/") else ""


def assert_same_lines_in_japanese(status, out, err, ja_status, ja_out, ja_err) -> None:
    """The command's refusal in Japanese: the same exit status and output, one Japanese line for
    each English one, naming the same file, line and column (or sheet!cell); no traceback."""
    assert (ja_status, ja_out) == (status, out) and "Traceback" not in ja_err
    english, japanese = err.splitlines(), ja_err.splitlines()
    assert len(japanese) == len(english), (english, japanese)
    for en, ja in zip(english, japanese):
        if ": error: " in en:
            en_prog, en_message = en.split(": error: ", 1)
            ja_prog, ja_message = ja.split(": エラー: ", 1)
            assert ja_prog == en_prog and _where(ja_message) == _where(en_message), (en, ja)
            assert " column '" not in ja_message, ja
            # nor a workbook row or field in English ("Published rate FY2016: …", "Baseline: …")
            assert not any(
                re.search(rf"(^|: ){re.escape(label)}( FY\d{{4}})?: ", ja_message) for label in messages.CELL_LABELS
            ), ja
        elif en.startswith("kpi: warning: "):
            assert ja.startswith("kpi: 警告: "), ja
        else:
            assert ja == messages.translate(en, "ja"), (en, ja)


@pytest.fixture
def kpi(capsys):
    """Run the `kpi` command in this process; the result reads like a finished process's.

    For tests of what the command prints; a real process (kpi_process) only where the
    process itself is under test: exit status, no traceback, the installed entry point.
    """

    def once(args) -> tuple[int, str, str]:
        capsys.readouterr()  # only this command's output
        try:
            status = cli.main([str(a) for a in args])
        except SystemExit as e:  # argparse's usage errors
            status = e.code
        out, err = capsys.readouterr()
        return status, out, err

    def run(*args) -> subprocess.CompletedProcess:
        status, out, err = once(args)
        # every message a test sees exists in Japanese too
        assert not untranslated_lines(err), f"no Japanese in core/messages.py for: {untranslated_lines(err)}"
        if status and err and "--lang" not in map(str, args):
            # a refused command wrote nothing, so it runs again the same: in Japanese, the same lines
            os.environ[messages.LANG_ENV] = "ja"
            try:
                ja = once(args)
            finally:
                os.environ[messages.LANG_ENV] = "en"
            assert_same_lines_in_japanese(status, out, err, *ja)
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


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for every page a test file opens (each page gets a fresh context).
    Per file, not per session: Playwright's sync API refuses to start while another of its
    sessions is open in the thread, and JupyterLab's test (its own Chromium) or kpi_lib's PDF
    printing may run next on the same xdist worker."""
    from browser import launch

    with launch() as browser:
        yield browser


# The shipped data's report set, run once for every test that reads it (test_reports, test_pdf,
# test_any_dataset): the latest year, with --pdf where Chromium and pdftoppm are there to print
# and look at the pages. Earlier years' pages come from the same notebooks: what they show is
# checked in-process, section by section (tests/test_no_hindsight.py, every year of every dataset).
PDF_YEAR = 2018
REPORT_YEARS = (PDF_YEAR,)
CAN_PRINT = bool(os.environ.get("CI")) or (Path("/usr/bin/chromium").exists() and shutil.which("pdftoppm") is not None)


@pytest.fixture(scope="session")
def report_set(tmp_path_factory, worker_id) -> Path:
    """`kpi report --year Y --jobs 2` for each REPORT_YEARS into one output folder, as the yearly
    batch runs it (a new process, from another working directory); returns the folder. Made once
    for the whole run: on several xdist workers, the first that needs it makes it in the run's
    shared temporary folder (under a file lock, pytest-xdist's documented recipe) and the others
    read it there. The tests only read it."""
    if worker_id == "master":  # one process: no worker to share it with
        return _make_report_set(tmp_path_factory.mktemp("reports"), tmp_path_factory.getbasetemp())
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of the run
    out, done = shared / "report-set", shared / "report-set.done"
    with FileLock(str(shared / "report-set.lock")):
        if not done.is_file():
            _make_report_set(out, shared)
            done.touch()
    return out


def _make_report_set(out: Path, cwd: Path) -> Path:
    for year in REPORT_YEARS:
        pdf = ["--pdf"] if year == PDF_YEAR and CAN_PRINT else []
        r = subprocess.run(
            [sys.executable, "-m", "kpi_lib.cli", "report", "--year", str(year), "--out", str(out), "--jobs", "2"]
            + ["--no-progress", "--data", "example:hokkaido", *pdf],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=900,
        )
        assert r.returncode == 0, r.stderr[-3000:]
        assert r.stdout.split() == [str(out / str(year) / lang / "index.html") for lang in ("ja", "en")]
    return out


# --- which data folder: the tests run in this checkout, never on a developer's own KPI_DATA ---------
# (resolve_data_dir: inside the checkout the shipped data/; a test that needs another folder says so)
os.environ.pop("KPI_DATA", None)


# --- kpi_lib's cache: a temporary folder for the whole session, never the user's own ------------
# Set at import, before any test or fixture runs, so the processes the tests start (kpi report,
# kernels, JupyterLab) inherit it; removed when the session ends.
_TEST_CACHE_DIR = tempfile.mkdtemp(prefix="kpi-test-cache-")
os.environ["KPI_CACHE_DIR"] = _TEST_CACHE_DIR
# Hypothesis keeps its example database there too, not in .hypothesis/ of the source tree
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(_TEST_CACHE_DIR, "hypothesis"))


@pytest.fixture(scope="session", autouse=True)
def _test_cache_dir():
    yield Path(_TEST_CACHE_DIR)
    shutil.rmtree(_TEST_CACHE_DIR, ignore_errors=True)


# Hypothesis (property-based tests, tests/test_*invariants*.py): the same examples on every run and
# machine (derandomize), no example database written into the source tree, no per-example deadline
# (a shared CI machine is slow at times); KPI_HYPOTHESIS_PROFILE=dev (the fast loop's, a tenth
# of the examples: tests/hypothesis_budget.py) or thorough (fifty times as many, not derandomized).
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
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=10)  # the fast loop
settings.register_profile("thorough", parent=settings.get_profile("ci"), derandomize=False, max_examples=5000)
settings.load_profile(os.environ.get("KPI_HYPOTHESIS_PROFILE", "ci"))
