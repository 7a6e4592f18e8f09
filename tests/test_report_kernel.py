"""`kpi report` runs its notebooks on the kernel of the interpreter that runs it, not on whatever
kernelspec named python3 comes first on Jupyter's search path (a user's own may point at another
Python)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from kpi_lib.publishing import report


@pytest.fixture
def bogus_python3_kernelspec(tmp_path, monkeypatch) -> Path:
    """A user-level kernelspec `python3` on Jupyter's search path whose interpreter only leaves
    a mark and fails (as one pointing at another Python would run the reports there)."""
    mark = tmp_path / "bogus-kernel-ran"
    interpreter = tmp_path / "other-python"
    interpreter.write_text(f"#!/bin/sh\ntouch '{mark}'\nexit 1\n", encoding="utf-8")
    interpreter.chmod(interpreter.stat().st_mode | stat.S_IXUSR)
    for root in ("data", "path"):
        spec = tmp_path / root / "kernels" / "python3"
        spec.mkdir(parents=True)
        kernel = {"argv": [str(interpreter), "-f", "{connection_file}"], "display_name": "Other", "language": "python"}
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "path"))
    return mark


def test_the_report_kernel_spec_is_the_running_interpreter(bogus_python3_kernelspec):
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec(report.KERNEL).argv[0] != sys.executable  # the trap is set
    spec = report.ReportKernelManager(kernel_name=report.KERNEL).kernel_spec
    assert spec.argv[:3] == [sys.executable, "-m", "ipykernel_launcher"]


@pytest.mark.skipif(os.name == "nt", reason="the bogus interpreter is a shell script")
@pytest.mark.slow  # runs kpi report
def test_kpi_report_runs_on_the_running_interpreter(bogus_python3_kernelspec, kpi_process, tmp_path):
    r = kpi_process("report", "--project", "1", "--lang", "ja", "--out", tmp_path / "out", "--no-progress")
    assert r.returncode == 0, r.stderr[-3000:]
    assert not bogus_python3_kernelspec.exists()
    assert [p.name for p in (tmp_path / "out").glob("*/ja/project_1.html")] == ["project_1.html"]
