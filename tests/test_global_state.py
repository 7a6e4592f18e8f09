"""Importing kpi_lib changes nothing in the process: not Altair's renderer, not sys.modules beyond
what the imports themselves load, not the umask, not IPython. Neither do the calls an analyst
makes (the API, views.open_report). A notebook that wants the reports' display asks for it
(kpi_lib.setup_notebook()).

Each check runs in a new interpreter: the test process has long since imported everything."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

# Import kpi_lib, its API and every module of the package, then make the calls an analyst
# makes in a notebook (in a plain interpreter: no IPython shell) and a report notebook's
# first call.
EVERYTHING = textwrap.dedent(
    """
    import importlib, pkgutil
    import kpi_lib, kpi_lib.api
    for module in pkgutil.walk_packages(kpi_lib.__path__, "kpi_lib."):
        importlib.import_module(module.name)
    from kpi_lib.presentation import views
    ds = kpi_lib.open_dataset()
    indicator = ds.indicators["indicator"].iloc[0]
    kpi_lib.grades(dataset=ds)
    kpi_lib.trend_chart(indicator, dataset=ds).to_dict()
    views.open_report(ds.latest_year, "ja", project=ds.project_numbers[0])
    """
)


def _run(script: str) -> dict:
    """Run `script` in a new interpreter; it prints one JSON object as its last line."""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.splitlines()[-1])


# One new interpreter for the checks that need no IPython shell (each costs seconds of imports):
# spy on os.umask and note Altair's renderer first, import and call EVERYTHING, then report.
PLAIN = (
    textwrap.dedent(
        """
        import json, os, sys
        os.umask(0o027)
        real_umask, calls = os.umask, []

        def spy(mask):
            calls.append([oct(mask), sys._getframe(1).f_globals.get("__name__")])
            return real_umask(mask)

        os.umask = spy
        import altair as alt
        before = alt.renderers.active, sorted(alt.renderers.names())
        """
    )
    + EVERYTHING
    + textwrap.dedent(
        """
        import importlib.machinery
        from IPython.core.interactiveshell import InteractiveShell
        os.umask = real_umask

        def installed(name):
            parent, _, leaf = name.rpartition(".")
            path = getattr(sys.modules.get(parent), "__path__", None) if parent else None
            if parent and path is None:
                return False
            return importlib.machinery.PathFinder.find_spec(leaf, path) is not None

        blocked = sorted(name for name, module in sys.modules.items() if module is None and installed(name))
        rfc = sys.modules.get("rfc3987_syntax", "absent")
        print(json.dumps({
            "renderer_before": before,
            "renderer_after": (alt.renderers.active, sorted(alt.renderers.names())),
            "blocked": blocked,
            "rfc3987_syntax": rfc if rfc == "absent" else repr(type(rfc)),
            "umask_calls": calls,
            "umask": oct(os.umask(0o022)),
            "shell": InteractiveShell.initialized(),
        }))
        """
    )
)


@pytest.fixture(scope="module")
def plain() -> dict:
    return _run(PLAIN)


def test_altairs_renderer_is_left_alone(plain):
    assert plain["renderer_after"] == plain["renderer_before"]
    assert plain["renderer_before"][0] == "default"  # Altair's own choice, which kpi_lib does not make for anyone


def test_sys_modules_blocks_no_installed_module(plain):
    # A None entry makes `import name` fail: kpi_lib may not decide that for the process
    # (it used to block jsonschema's optional IRI checker rfc3987_syntax this way).
    assert plain["blocked"] == []
    assert plain["rfc3987_syntax"] in ("absent", "<class 'module'>")


@pytest.mark.skipif(os.name == "nt", reason="the umask is a POSIX notion")
def test_the_umask_is_neither_set_nor_changed(plain):
    # os.umask can only be read by setting it; setting it back at once still races with other
    # threads creating files, so no call at all is the rule, not just the same value afterwards.
    assert plain["umask_calls"] == []
    assert plain["umask"] == oct(0o027)


def test_ipython_is_left_alone(plain):
    # in a plain interpreter: no shell is started; in an IPython shell (a kernel, JupyterLab):
    # its exception handling is not changed by the imports or the calls run in its cells
    assert plain["shell"] is False
    in_shell = textwrap.dedent(
        """
        import json, sys
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        hook = sys.excepthook
        result = shell.run_cell(__import__("textwrap").dedent('''EVERYTHING'''))
        print(json.dumps({
            "ok": result.success,
            "custom_exceptions": [e.__name__ for e in shell.custom_exceptions],
            "excepthook": sys.excepthook is hook,
        }))
        """
    ).replace("EVERYTHING", EVERYTHING)
    assert _run(in_shell) == {"ok": True, "custom_exceptions": [], "excepthook": True}


def test_setup_notebook_sets_up_the_kernel_it_runs_in():
    # what the report templates and explore.ipynb do in their first code cell, on purpose
    script = textwrap.dedent(
        """
        import json, sys
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        shell.run_cell("import kpi_lib\\nkpi_lib.setup_notebook()")
        rfc = repr(sys.modules.get("rfc3987_syntax", "absent"))
        import altair as alt
        failed = shell.run_cell("kpi_lib.grades('no such year')")
        print(json.dumps({
            "renderer": alt.renderers.active,
            "custom_exceptions": [e.__name__ for e in shell.custom_exceptions],
            "failed": not failed.success,
            "rfc3987_syntax": rfc,
        }))
        """
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    seen = json.loads(r.stdout.splitlines()[-1])
    assert seen == {"renderer": "kpi", "custom_exceptions": ["KpiError"], "failed": True, "rfc3987_syntax": "None"}
    # the failing cell showed the one-line message, not a traceback
    shown = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout + r.stderr)  # without IPython's colours
    assert "KpiError: invalid fiscal year 'no such year'" in shown and "Traceback" not in shown
