#!/usr/bin/env python3
"""Set-up and routine jobs, with nothing but Python 3.11+ installed.

    python3 tasks.py report      set up .venv, then write the yearly reports (latest year) to reports/
                                 (with --pdf, also A4 PDFs: installs the pdf extra)
    python3 tasks.py test        set up .venv and the test browser, then run every test (on every core)
    python3 tasks.py test --fast the developers' loop (on every core): every library test, no reports,
                                 browsers, JupyterLab, wheel build, nbval or other programs started
    python3 tasks.py notebooks   re-execute the committed notebooks (after a library change)
    python3 tasks.py lab         start JupyterLab on the analysts' workspace, on their own copy of the guide
                                 (notebooks/workspace/my_explore.ipynb, made from explore.ipynb if absent)
    python3 tasks.py lock        pin the newest versions pyproject.toml allows in constraints.txt, and install them

Each command installs what it needs into .venv (the project, editable, so data/ and notebooks/reports/
are the repository's own: report and notebooks need `.`, test `.[test]`, lab `.[lab]`), at the
versions pinned in constraints.txt. Every command is idempotent: pip runs only when pyproject.toml
or constraints.txt changed or an extra is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".kpi-installed"
CONSTRAINTS = ROOT / "constraints.txt"
LOCKED_EXTRAS = ("lab", "pdf", "test")  # constraints.txt pins what the project installs with all of them
CONSTRAINTS_HEADER = """\
# The exact versions of everything `pip install -e '.[lab,pdf,test]'` installs from PyPI (the
# project itself excluded). The committed notebooks' outputs depend on them, and nbval compares
# those outputs strictly: tasks.py installs with `pip install -c constraints.txt`, and
# `kpi refresh-notebooks` refuses to run with other versions of the packages its outputs show.
# Made by `python3 tasks.py lock`, which pins the newest versions pyproject.toml allows, resolved
# for the oldest Python it allows (no pin needs a newer one) on Linux (packages that only
# Windows or macOS installs are not pinned). To update: run it, then `python3 tasks.py notebooks`,
# and commit this file with the notebooks. Do not edit by hand.
"""
# Debian packages the browser test needs: headless Chromium, a Japanese font for screenshots,
# pdftoppm (poppler-utils) to look at the PDFs as page images, and LibreOffice's spreadsheet
# (headless) to save a workbook as LibreOffice does for the Excel import test.
APT_PACKAGES = ["chromium", "fonts-noto-cjk", "poppler-utils", "libreoffice-calc-nogui"]


def run(cmd: list, **kw) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=kw.pop("cwd", ROOT), **kw)


def check(cmd: list, **kw) -> None:
    rc = run(cmd, **kw)
    if rc:
        sys.exit(f"tasks.py: command failed with exit status {rc}: {' '.join(map(str, cmd))}")


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def make_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("tasks.py: Python 3.11 or newer is needed")
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)


def setup(*extras: str | None) -> None:
    """Create .venv and install the project (editable) with `extras` at the pinned versions, unless already done."""
    make_venv()
    wanted = {"pyproject": _digest(ROOT / "pyproject.toml"), "constraints": _digest(CONSTRAINTS)}
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        stamp = {}
    same = all(stamp.get(k) == v for k, v in wanted.items())
    # extras installed earlier for the same pyproject.toml and pins stay installed
    installed = set(stamp.get("extras", [])) if same else set()
    needed = {e for e in extras if e}
    if same and needed <= installed:
        return
    installed |= needed
    target = f"{ROOT}[{','.join(sorted(installed))}]" if installed else str(ROOT)
    pins = ["-c", CONSTRAINTS] if CONSTRAINTS.is_file() else []
    check([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    check([PYTHON, "-m", "pip", "install", "--quiet", *pins, "-e", target])
    STAMP.write_text(json.dumps({**wanted, "extras": sorted(installed)}))


def setup_browser() -> None:
    """Install Debian's Chromium for the offline-HTML browser test, if it is missing."""
    if all(map(shutil.which, ("chromium", "pdftoppm", "soffice"))) and Path("/usr/share/fonts/opentype/noto").exists():
        return
    if not shutil.which("apt-get"):
        sys.exit(
            "tasks.py: the browser test needs Chromium; install it (Debian: apt-get install chromium fonts-noto-cjk)"
        )
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    check([*sudo, "apt-get", "update", "-q"], env=env)
    check([*sudo, "apt-get", "install", "-y", "-q", *APT_PACKAGES], env=env)


def cmd_report(args: list[str]) -> int:
    setup("pdf" if "--pdf" in args else None)  # printing needs playwright and pypdf
    return run([BIN / "kpi", "report", *args])


def cmd_test(args: list[str]) -> int:
    # --fast: the developers' loop: every library behaviour, in its own processes, without report
    # runs, browsers, JupyterLab, the wheel build, nbval or other programs started (tests marked
    # slow, see tests/conftest.py)
    fast = "--fast" in args
    args = [a for a in args if a != "--fast"]
    setup("test")
    if not fast:
        setup_browser()
    # lint first: seconds, where the tests take minutes; lint-imports checks the layers (pyproject.toml)
    for lint in ([BIN / "ruff", "check", "."], [BIN / "ruff", "format", "--check", "."], [BIN / "lint-imports"]):
        rc = run(lint)
        if rc:
            return rc
    # on every core (pytest-xdist; give -n N to choose, -n 0 for one process). The full suite sends
    # each file to one worker (--dist loadfile): nbval runs a notebook's cells in order in one
    # kernel, and a file's module fixtures (one JupyterLab server, one browser check of the report
    # set) are made once. The fast loop spreads single tests (--dist load).
    chosen = "-n" in args or any(a.startswith("-n") and a[2:].isdigit() for a in args)
    # the full suite: one worker more than cores, since its report runs, kernels and browsers wait
    # on each other (measured on 2 cores: 3 workers 4 min 44 s to 5 min 00 s, 2 workers 4 min 52 s
    # to 5 min 10 s); the fast loop only computes: one worker a core
    workers = [] if chosen else ["-n", str((os.cpu_count() or 1) + 1)]
    # in the order of tests/conftest.py (the longest files first), not xdist's (the most tests first)
    selection = [*workers, "--dist", "loadfile", "--no-loadscope-reorder"]
    env = dict(os.environ)
    if fast:
        # every library behaviour, with a tenth of the generated examples (the Hypothesis profile
        # "dev", tests/hypothesis_budget.py): the same tests
        workers = [] if chosen else ["-n", "auto"]
        # nbval collects no notebook here: not loaded (nbformat's imports take a second)
        selection = ["-o", "addopts=", "-p", "no:nbval", "-m", "not slow", *workers, "--dist", "load", "tests"]
        env.setdefault("KPI_HYPOTHESIS_PROFILE", "dev")
    rc = run([PYTHON, "-m", "pytest", "-p", "no:cacheprovider", *selection, *args], env=env)
    if rc == 5:
        print("tasks.py: pytest collected no tests: failing on purpose", file=sys.stderr)
        return 1
    return rc


def cmd_notebooks(args: list[str]) -> int:
    setup()
    return run([BIN / "kpi", "refresh-notebooks", *args])


GUIDE, WORKING_COPY = "explore.ipynb", "my_explore.ipynb"


def working_copy(workspace: Path) -> Path:
    """The analyst's own copy of the guided notebook (git ignores it: .gitignore), made from the
    committed guide the first time and never replaced after: the guide stays as committed, and
    its re-executed outputs (`tasks.py notebooks`) never clash with an analyst's work."""
    mine = workspace / WORKING_COPY
    if not mine.exists():
        shutil.copyfile(workspace / GUIDE, mine)
        print(f"tasks.py: your working copy of the guide: {mine} (git ignores it; {GUIDE} stays as committed)")
    return mine


def cmd_lab(args: list[str]) -> int:
    setup("lab")
    root = ["--allow-root"] if os.name != "nt" and os.geteuid() == 0 else []  # JupyterLab refuses root otherwise
    # the analysts' workspace, not the report templates (notebooks/reports/, run by `kpi report`)
    workspace = ROOT / "notebooks" / "workspace"
    return run([BIN / "jupyter", "lab", "--notebook-dir", workspace, *root, *args, working_copy(workspace)])


def write_constraints(python: Path) -> None:
    """Resolve the project with every extra to the newest versions pyproject.toml allows (pip's
    resolver with `python`, nothing installed) and pin them all in constraints.txt. Resolved for
    the oldest Python the project supports, so no pin needs a newer one."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    oldest = re.fullmatch(r">=\s*([0-9.]+)", project["requires-python"].strip())[1]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "resolved.json"
        check(
            [python, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed", "--report", report]
            # --target: pip takes --python-version only for a folder of its own (nothing is written)
            + ["--target", Path(tmp) / "target", "--python-version", oldest, "--only-binary", ":all:"]
            + [f"{ROOT}[{','.join(LOCKED_EXTRAS)}]"]
        )
        resolved = json.loads(report.read_text(encoding="utf-8"))["install"]
    # is_direct: the project itself (a local folder), or anything else not from the index
    pins = {item["metadata"]["name"]: item["metadata"]["version"] for item in resolved if not item["is_direct"]}
    lines = [f"{name}=={pins[name]}\n" for name in sorted(pins, key=str.lower)]
    CONSTRAINTS.write_text(CONSTRAINTS_HEADER + "".join(lines), encoding="utf-8")
    print(f"wrote {CONSTRAINTS} ({len(lines)} pins)", flush=True)


def cmd_lock(args: list[str]) -> int:
    """Pin the newest versions pyproject.toml allows in constraints.txt, then install them into .venv."""
    if args:
        sys.exit("tasks.py: lock takes no arguments")
    make_venv()
    write_constraints(PYTHON)
    try:
        extras = json.loads(STAMP.read_text()).get("extras", [])
    except (OSError, ValueError):
        extras = []
    setup(*extras)  # the same extras as before, now at the new pins
    print("now run python3 tasks.py notebooks and python3 tasks.py test, and commit constraints.txt with the notebooks")
    return 0


COMMANDS = {"report": cmd_report, "test": cmd_test, "notebooks": cmd_notebooks, "lab": cmd_lab, "lock": cmd_lock}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
