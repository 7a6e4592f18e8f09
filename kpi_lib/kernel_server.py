"""The kernel server: imports what report kernels need once, then forks one kernel per request.

Started by kpi_lib.kernels (`main(FD, SETUP)` in a new interpreter), SETUP being JSON
{"preload": [module, ...], "calls": [[module, function, [args]], ...]}: it imports the modules,
makes the calls (a report run has its data loaded and graded this way, once, see
views.warm), then reads one JSON request per line from the socket FD, forks, and answers with
the child's pid. It stays single-threaded (importing starts no threads of Python's), so it is
safe to fork. The child turns itself into what `python -m ipykernel_launcher ARGV...` would
have been: its own session, the requested working directory and environment, a fresh
interpreter's sys.path. The server exits when the socket closes, that is when the process
that started it ends.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import signal
import socket
import sys
import traceback

# The server's sys.path, which kernels.py started without the working directory: what
# ipykernel_launcher leaves before IPython adds '' back for the kernel's own working directory.
KERNEL_SYS_PATH = list(sys.path)


def serve(channel: socket.socket, setup: dict) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system
    for name in setup.get("preload", []):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the kernel will import it again and report the error
            pass
    for module, function, args in setup.get("calls", []):
        try:
            getattr(importlib.import_module(module), function)(*args)
        except Exception:  # noqa: BLE001 - only a head start: the notebook repeats it and reports
            pass
    stream = channel.makefile("rwb")
    for line in stream:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            stream.close()
            channel.close()
            _run_kernel(request)  # never returns
        stream.write(json.dumps({"pid": pid}).encode() + b"\n")
        stream.flush()


def _run_kernel(request: dict) -> None:
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own subprocesses need waitpid
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # own process group, as jupyter_client gives its kernels (interrupts, kill)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[:] = KERNEL_SYS_PATH
        sys.argv = [sys.executable, *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 - report it like a crashed kernel process would
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the report run, which then ends us
    serve(socket.socket(fileno=int(argv[0])), json.loads(argv[1]))
    os._exit(0)  # nothing to clean up; tearing down the imported modules would take ~0.3 s


