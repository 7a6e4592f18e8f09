#!/usr/bin/env python3
"""Set-up and routine jobs, with nothing but Python 3.11+ installed.

    python3 tasks.py report      set up .venv, then write the yearly reports (latest year) to reports/
                                 (with --pdf, also A4 PDFs: installs the pdf extra)
    python3 tasks.py test        set up .venv and the test browser, then run every test
    python3 tasks.py test --fast the developers' loop (under a minute): every library test, no reports,
                                 browsers, JupyterLab, wheel build or nbval
    python3 tasks.py notebooks   re-execute the committed notebooks (after a library change)
    python3 tasks.py lab         start JupyterLab on the analysts' workspace (notebooks/workspace/explore.ipynb)

Each command installs what it needs into .venv (the project, editable, so data/ and notebooks/reports/
are the repository's own: report and notebooks need `.`, test `.[test]`, lab `.[lab]`). Every
command is idempotent: pip runs only when pyproject.toml changed or an extra is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".kpi-installed"
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


def setup(extra: str | None = None) -> None:
    """Create .venv and install the project (editable) with `extra`, unless already done."""
    if sys.version_info < (3, 11):
        sys.exit("tasks.py: Python 3.11 or newer is needed")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        stamp = {}
    # extras installed earlier for the same pyproject.toml stay installed
    extras = set(stamp.get("extras", [])) if stamp.get("pyproject") == digest else set()
    if PYTHON.exists() and stamp.get("pyproject") == digest and (extra is None or extra in extras):
        return
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    extras |= {extra} if extra else set()
    target = f"{ROOT}[{','.join(sorted(extras))}]" if extras else str(ROOT)
    check([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    check([PYTHON, "-m", "pip", "install", "--quiet", "-e", target])
    STAMP.write_text(json.dumps({"pyproject": digest, "extras": sorted(extras)}))


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
    # --fast: the developers' loop, under a minute: every library behaviour, without report runs,
    # browsers, JupyterLab, the wheel build or nbval (tests marked slow, see tests/conftest.py)
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
    selection = ["-o", "addopts=", "-m", "not slow", "tests"] if fast else []
    rc = run([PYTHON, "-m", "pytest", "-p", "no:cacheprovider", *selection, *args])
    if rc == 5:
        print("tasks.py: pytest collected no tests: failing on purpose", file=sys.stderr)
        return 1
    return rc


def cmd_notebooks(args: list[str]) -> int:
    setup()
    return run([BIN / "kpi", "refresh-notebooks", *args])


def cmd_lab(args: list[str]) -> int:
    setup("lab")
    root = ["--allow-root"] if os.name != "nt" and os.geteuid() == 0 else []  # JupyterLab refuses root otherwise
    # the analysts' workspace, not the report templates (notebooks/reports/, run by `kpi report`)
    workspace = ROOT / "notebooks" / "workspace"
    return run([BIN / "jupyter", "lab", "--notebook-dir", workspace, *root, *args, workspace / "explore.ipynb"])


COMMANDS = {"report": cmd_report, "test": cmd_test, "notebooks": cmd_notebooks, "lab": cmd_lab}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
