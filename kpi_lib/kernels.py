"""Kernels for report runs: IPC sockets in a private folder, forked from a warm kernel server.

Every report notebook imports pandas, Altair and kpi_lib, and a fresh Python kernel spends
most of its start-up doing that (about 1.2 s of CPU per notebook, more than the rest of a
report). So a report run starts one kernel server (kpi_lib.kernel_server) that imports
ipykernel and those libraries once, makes the calls it is given (a report run has the data
loaded and graded, views.warm), and forks a kernel per notebook. Each notebook still runs in a
new process of its own, with the working directory, environment and sys.path a
`python -m ipykernel_launcher` kernel would have (tests/test_kernels.py compares them); only
the imported modules and what the calls computed are inherited. While a run has notebooks
waiting, each kernel comes with a spare for its thread's next notebook (see _Spare).

A kernel spec that does not run this interpreter's ipykernel (another Python, another
language), a kernel asking for another environment than the server was started in, or a
system without fork and pidfd (not Linux) gets an ordinary kernel process.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.session import new_id_bytes
from traitlets import DottedObjectName, Type

# What a report kernel imports; the server imports these once, so forked kernels start warm.
PRELOAD = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "pandas", "altair", "kpi_lib.views"]
CAN_FORK = hasattr(os, "fork") and hasattr(os, "pidfd_open")


class KernelServerError(RuntimeError):
    pass


class KernelServer:
    """A running kpi_lib.kernel_server and the socket to ask it for kernels."""

    def __init__(self, preload: list[str], calls: list | None = None):
        ours, theirs = socket.socketpair()
        setup = json.dumps({"preload": preload, "calls": calls or []})
        # -c with the working directory dropped from sys.path first, as ipykernel_launcher does:
        # a stray pandas.py in the caller's folder must not be what the kernels get
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import sys; del sys.path[0]; from kpi_lib.kernel_server import main; "
             "main(sys.argv[1:])", str(theirs.fileno()), setup],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, start_new_session=True,
            # debugpy, imported once here, would print its frozen-modules notice into every
            # `kpi report` run; it only concerns breakpoints, which report runs never set
            env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
        theirs.close()
        self.environ = dict(os.environ)  # what the preloaded modules saw when they were imported
        self._channel = ours
        self._stream = ours.makefile("rwb")
        self._lock = threading.Lock()

    def fork_kernel(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """Ask for a kernel process (`argv`: ipykernel_launcher's arguments); return its pid."""
        env = {**env, "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client's launcher sets it
        # ipykernel read JPY_PARENT_PID when the server imported it: say it on the command line
        argv = [*argv, f"--IPKernelApp.parent_handle={os.getpid()}"]
        request = json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n"
        with self._lock:
            try:
                self._stream.write(request)
                self._stream.flush()
                answer = self._stream.readline()
            except OSError as e:
                raise KernelServerError(f"the kernel server stopped ({e})") from None
        if not answer:
            raise KernelServerError(f"the kernel server stopped (exit code {self.process.wait()})")
        return json.loads(answer)["pid"]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self._stream.close()
        self._channel.close()  # the server ends when its socket closes
        self.process.wait()


_server: KernelServer | None = None
_server_lock = threading.Lock()


def kernel_server(calls: list | None = None) -> KernelServer:
    """This process's kernel server, started on first use (again if it stopped); `calls`
    ([module, function, args] each) are made in a server started now, before any kernel."""
    global _server
    with _server_lock:
        if _server is None or not _server.alive():
            _server = KernelServer(PRELOAD, calls)
        return _server


def stop_kernel_server() -> None:
    global _server
    with _server_lock:
        if _server is not None:
            _server.stop()
            _server = None


@contextlib.contextmanager
def serving_kernels(calls: list | None = None, more_to_come=None):
    """A kernel server for the length of a report run (started now unless already running),
    stopped afterwards: what it holds is from this run's start.

    `more_to_come()`, if given, says whether another notebook is still waiting to start; while
    it does, each thread that starts a kernel also forks a spare one for its next notebook,
    which then starts up while the current notebook runs (see _Spare).
    """
    global _more_to_come
    if CAN_FORK:
        kernel_server(calls)
    _more_to_come = more_to_come
    try:
        yield
    finally:
        _more_to_come = None
        _discard_spares()
        stop_kernel_server()


# --- spare kernels ---------------------------------------------------------------------------
# A kernel takes ~0.15 s from fork to answering; a report run hides that by forking, when a
# notebook's kernel starts, the kernel for the same thread's next notebook. The next
# ReportKernelManager on that thread takes the spare over (its connection file, sockets and
# process) when it asks for the same command-line options, working directory and environment;
# otherwise the spare is killed and a kernel forked as usual.

@dataclasses.dataclass
class _Spare:
    process: ForkedKernel
    connection_file: str
    info: dict
    socket_dir: str
    options: list[str]  # after "-f FILE"
    cwd: str
    env: dict[str, str]


_spares: dict[int, _Spare] = {}  # by thread; each thread only touches its own
_more_to_come = None


def _fork_spare(options: list[str], cwd: str, env: dict[str, str]) -> None:
    socket_dir = tempfile.mkdtemp(prefix="kpi-kernel-")
    fname, info = write_connection_file(os.path.join(socket_dir, "kernel.json"), transport="ipc",
                                        ip=os.path.join(socket_dir, "kernel"), key=new_id_bytes(),
                                        kernel_name="python3")
    process = ForkedKernel(kernel_server().fork_kernel(["-f", fname, *options], cwd, env))
    _spares[threading.get_ident()] = _Spare(process, fname, dict(info), socket_dir, options, cwd, env)


def _take_spare() -> _Spare | None:
    return _spares.pop(threading.get_ident(), None)


def _discard(spare: _Spare) -> None:
    spare.process.end()
    shutil.rmtree(spare.socket_dir, ignore_errors=True)


def _discard_spares() -> None:
    while _spares:
        _discard(_spares.popitem()[1])


class ForkedKernel:
    """The Popen-like view of a forked kernel that LocalProvisioner uses.

    The kernel is the server's child, not ours, so its exit status is not known here: poll()
    says whether it is running (through a pidfd, which cannot mistake a reused pid) and gives 0
    once it is not.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        try:
            self._pidfd = os.pidfd_open(pid)
        except ProcessLookupError:  # it has already exited
            self._pidfd = -1

    def end(self) -> None:
        """Kill the kernel and wait (up to 0.5 s) until it is gone."""
        self.kill()
        self.wait(0.5)

    def poll(self) -> int | None:
        if self._pidfd < 0:
            return 0
        readable, _, _ = select.select([self._pidfd], [], [], 0)
        if readable:
            os.close(self._pidfd)
            self._pidfd = -1
            return 0
        return None

    def wait(self, timeout: float | None = None) -> int | None:
        if self._pidfd >= 0:
            select.select([self._pidfd], [], [], timeout)
        return self.poll()

    def send_signal(self, signum: int) -> None:
        if self._pidfd >= 0:
            signal.pidfd_send_signal(self._pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _is_this_ipykernel(cmd: list[str]) -> bool:
    """True for `<this python> -m ipykernel_launcher -f FILE [options]` (papermill adds options)."""
    return (len(cmd) >= 5 and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
            and cmd[1:4] == ["-m", "ipykernel_launcher", "-f"])


def _same_environment(env: dict[str, str], server_env: dict[str, str]) -> bool:
    """Modules may read the environment when imported, so a kernel is forked only when it asks
    for the environment the server imported them in (jupyter_client's own variables aside)."""
    def plain(e):
        return {k: v for k, v in e.items() if not k.startswith("JPY_") and k != "PYTHONEXECUTABLE"}

    return plain(env) == plain(server_env)


class ForkingProvisioner(LocalProvisioner):
    """LocalProvisioner that forks this interpreter's ipykernel from the warm kernel server."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        env = dict(kwargs.get("env") or os.environ)
        if not (CAN_FORK and _is_this_ipykernel(cmd)):
            return await super().launch_kernel(cmd, **kwargs)
        server = kernel_server()
        if not _same_environment(env, server.environ):
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        spare, self.spare = getattr(self, "spare", None), None
        if spare and (cmd[3:], cwd, env) == (["-f", spare.connection_file, *spare.options], spare.cwd, spare.env):
            self.process = spare.process
        else:
            if spare:  # taken over for its connection, but asked for otherwise: start afresh
                spare.process.end()  # (its folder is ours now, with the connection file)
            self.process = ForkedKernel(server.fork_kernel(cmd[3:], cwd, env))
        self.pid = self.pgid = self.process.pid  # the kernel calls setsid() first thing
        self.cwd = cwd
        if _more_to_come is not None and _more_to_come() and threading.get_ident() not in _spares:
            _fork_spare(cmd[5:], cwd, env)
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        await super().kill(restart)  # the kernel's process group
        if isinstance(self.process, ForkedKernel):
            # waiting here for the killed process (gone within milliseconds) saves the
            # manager's 0.1 s polling sleep per kernel
            self.process.wait(0.5)


class ReportKernelClient(AsyncKernelClient):
    """A client that knows the kernel is ready as soon as the kernel says so.

    jupyter_client's wait_for_ready ends by draining IOPub until it has been quiet for 0.2 s.
    Here the kernel is ready once it has answered kernel_info on the shell channel and IOPub is
    known to be connected: the kernel's iopub_welcome (sent to each new subscriber) or a status
    message for our request has arrived. A report runs its cells by message id, so a startup
    message still on IOPub is ignored anyway.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            request = self.kernel_info()
            if await self._answered(request, min(1.0, max(0.0, deadline - time.monotonic()))):
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    wait_for_ready = _async_wait_for_ready  # AsyncKernelClient binds the name to its own

    async def _answered(self, request: str, timeout: float) -> bool:
        """True once the kernel_info reply has come and IOPub has shown it is connected
        (both channels are awaited at once, so either message is taken as it arrives)."""
        async def replied() -> None:
            while True:
                msg = await self.shell_channel.get_msg()
                if msg["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == request:
                    self._handle_kernel_info_reply(msg)
                    return

        async def connected() -> None:
            while True:
                msg = await self.iopub_channel.get_msg()
                if msg["msg_type"] == "iopub_welcome" or msg["parent_header"].get("msg_id") == request:
                    return

        try:
            await asyncio.wait_for(asyncio.gather(replied(), connected()), timeout)
        except asyncio.TimeoutError:
            return False
        return True


class IPCKernelManager(AsyncKernelManager):
    """An ordinary kernel on IPC sockets in a private folder: parallel kernels cannot race for
    TCP ports."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._socket_dir = tempfile.mkdtemp(prefix="kpi-kernel-")
        self.transport = "ipc"
        self.ip = os.path.join(self._socket_dir, "kernel")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


class ReportKernelManager(IPCKernelManager):
    """The kernel manager of report runs: IPC sockets, kernel forked from the warm server."""

    client_class = DottedObjectName("kpi_lib.kernels.ReportKernelClient")
    client_factory = Type(default_value=ReportKernelClient, klass=AsyncKernelClient)

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkingProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                  parent=self)
            spare = _take_spare()
            if spare is not None:
                # the spare's connection becomes ours; the provisioner checks the rest
                shutil.rmtree(self._socket_dir, ignore_errors=True)
                self._socket_dir = spare.socket_dir
                self.connection_file = spare.connection_file
                self.load_connection_info(spare.info)
                self._connection_file_written = True
                self.provisioner.spare = spare
        return await super()._async_pre_start_kernel(**kw)
