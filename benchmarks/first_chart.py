"""Time an analyst's first chart from a fresh kernel, as explore.ipynb's first cells draw it.

    python benchmarks/first_chart.py [--repeat 3] [--altair-first]

Starts a new IPython kernel (jupyter_client, as JupyterLab does) for each run and times, from the
first cell sent to the chart's output received: `import kpi_lib; kpi_lib.setup_notebook()`, then
`import altair as alt; ds = kpi_lib.open_dataset()`, then the trend chart of the data's first
indicator. The kernel's own start-up is reported apart (JupyterLab starts it before any cell
runs). --altair-first imports Altair before kpi_lib (what the guide avoids: setup_notebook
keeps jsonschema from loading its IRI checker only when it runs before Altair's import).
The aim (issue 20): the first chart within 3 s. Prints the median of the runs.

Measured on the shared two-core machine (medians of 5 runs, both versions back to back under
the same load, load average about 1.8; kernel start-up about 0.5 s apart from these):
  with scipy.stats on the path (the outlook's Theil–Sen):   1.33 s  (an earlier quiet run: 1.14 s)
  Theil–Sen in numpy (kpi_lib.analysis.outlook.theil_sen):  0.66 s  (earlier: 0.72 s)
  --altair-first, before / after (medians of 3):            3.51 s / 2.66 s
CPU time of the same three cells in one process (`python -X importtime` shows where it goes):
1.30 s before, 0.75 s after; what remains is mostly importing Altair (0.25 s, of which
jsonschema's format checkers 0.08 s), pandas (0.20 s) and numpy (0.07 s); pandas' Styler (for
kpi_lib.show) and jinja2 about 0.04 s; openpyxl and scipy are not imported
(tests/test_api.py checks).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

WORKSPACE = Path(__file__).resolve().parent.parent / "notebooks" / "workspace"  # where JupyterLab runs it

SETUP = "import kpi_lib\n\nkpi_lib.setup_notebook()"
ALTAIR_FIRST = "import altair as alt\nimport kpi_lib\n\nkpi_lib.setup_notebook()"
LOAD = "import altair as alt\n\nds = kpi_lib.open_dataset()"
CHART = "kpi_lib.trend_chart(ds.indicators['indicator'].iloc[0], dataset=ds)"


def run_cell(client, code: str) -> list[dict]:
    """Execute one cell and return its outputs (fails on an error)."""
    msg_id = client.execute(code)
    outputs = []
    while True:
        msg = client.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"]))
        if kind in ("execute_result", "display_data"):
            outputs.append(msg["content"])
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            return outputs


def one_run(altair_first: bool) -> tuple[float, float]:
    started = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(WORKSPACE))
    try:
        kernel_up = time.perf_counter() - started
        t0 = time.perf_counter()
        run_cell(client, ALTAIR_FIRST if altair_first else SETUP)
        run_cell(client, LOAD)
        [chart] = run_cell(client, CHART)
        first_chart = time.perf_counter() - t0
        assert any("vegalite" in key for key in chart["data"]), list(chart["data"])
        return kernel_up, first_chart
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--altair-first", action="store_true")
    args = parser.parse_args()
    runs = [one_run(args.altair_first) for _ in range(args.repeat)]
    for i, (up, chart) in enumerate(runs, 1):
        print(f"run {i}: kernel start {up:.2f} s, first chart {chart:.2f} s")
    median = statistics.median(chart for _, chart in runs)
    print(f"first chart from a fresh kernel (median of {len(runs)}): {median:.2f} s (aim: under 3 s)")


if __name__ == "__main__":
    main()
