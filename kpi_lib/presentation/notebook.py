"""Setting up a kernel to show kpi_lib's output as the reports do, when a notebook asks for it.

Importing kpi_lib changes nothing in the process (tests/test_global_state.py). A notebook that
wants the reports' display calls kpi_lib.setup_notebook() in its first code cell, where a reader
sees it: the report templates and the workspace's explore.ipynb do. The `kpi` command's main()
calls skip_iri_checker() for its own process.

This module imports nothing at the top, so its functions can run before Altair is imported.
"""

from __future__ import annotations

import sys


def skip_iri_checker() -> None:
    """Keep jsonschema (which Altair and nbformat import) from loading its optional IRI checker
    rfc3987_syntax: importing it compiles a grammar (~1-3 s in every process), and nothing kpi_lib
    validates holds an IRI. Only before jsonschema is imported; once it is, this changes nothing."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def setup_notebook() -> None:
    """Set up the IPython kernel this runs in as a report kernel: charts display through the "kpi"
    Altair renderer (the Vega-Lite spec only, identical on every run: see rendering), a KpiError
    shows as its one-line message instead of a traceback (the cell still fails), and jsonschema
    skips its IRI checker (skip_iri_checker; call this before importing Altair for that). In a
    plain Python script, all but the one-line errors apply.

    Example::

        kpi_lib.setup_notebook()  # in the first code cell
    """
    skip_iri_checker()
    from IPython import get_ipython

    from kpi_lib.core.errors import KpiError
    from kpi_lib.presentation import rendering

    rendering.enable()
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((KpiError,), _one_line)


def _one_line(shell, etype, value, tb, tb_offset=None):
    shell.showtraceback((etype, value, tb), exception_only=True)
