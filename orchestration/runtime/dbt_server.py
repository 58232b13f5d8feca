"""dbt started once per ledger run, forked for each dbt command.

Every dbt command is a new Python process that imports dbt-core and its adapter before it
does anything: ≈ 3 s here, paid by both dbt steps of every run. ``make run`` and
``run_articles`` start this server when they start, so dbt is imported on the second core
while Dagster loads the definitions. The dbt steps then run ``ledger-dbt`` (the
``dbt_executable`` of the resource), which hands its command line, environment, working
folder and standard streams to the server; the server forks a child that is dbt's own CLI
entry point, already imported, and reports the child's exit code back. To dagster-dbt it
looks exactly like a ``dbt`` process: same arguments, same JSON log lines on stdout.

The server dies with the run that started it: it is in its own session (a Ctrl-C in the
terminal must not reach it mid-command), so killing the run's process group misses it.
On Linux it asks for a signal when its parent dies (``prctl(PR_SET_PDEATHSIG)``), elsewhere
a thread watches its parent's pid; either way it then kills the dbt command it is running
and leaves, and each forked dbt command is itself killed when the server dies. A dbt
command thus never writes the warehouse after the run that held the lock is gone.

Without a server (``LEDGER_DBT_SERVER`` unset, or its socket gone) ``ledger-dbt`` replaces
itself with the real ``dbt`` executable, so Dagster runs started from the UI, the daemon
or a test behave as before. Nothing heavy is imported here (the standard library and
``defs/transform/manifest.py``'s lookup of the dbt executable): ``ledger-dbt`` must start in milliseconds.
"""

import atexit
import contextlib
import ctypes
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from orchestration.defs.transform.manifest import dbt_executable

SOCKET_ENV = "LEDGER_DBT_SERVER"
_STREAMS = [0, 1, 2]  # stdin, stdout, stderr of ledger-dbt, passed to the forked dbt


# ----------------------------------------------------------------------------- the client


def client_main() -> int:
    """``ledger-dbt ARGS``: run ``dbt ARGS`` in the run's dbt server, or as a process."""
    path = os.environ.get(SOCKET_ENV)
    if path:
        try:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.connect(path)
        except OSError:
            connection = None  # no server (any more): run dbt the ordinary way
        if connection is not None:
            return _run_in_server(connection)
    _exec_dbt()
    return 1  # not reached


def _exec_dbt() -> None:
    """Become the ordinary ``dbt`` process."""
    dbt = dbt_executable()
    os.execvp(dbt, [dbt, *sys.argv[1:]])


def _run_in_server(connection: socket.socket) -> int:
    request = {"argv": ["dbt", *sys.argv[1:]], "env": dict(os.environ), "cwd": os.getcwd()}
    socket.send_fds(connection, [b"\0"], _STREAMS)
    connection.sendall(json.dumps(request).encode())
    connection.shutdown(socket.SHUT_WR)
    reply = connection.makefile("r")
    first = reply.readline()
    if not first.strip():  # the server died before forking (say, dbt failed to import)
        _exec_dbt()
    child = int(first)

    def forward(signum, _frame):  # dagster-dbt interrupts its dbt process to cancel a step
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    line = reply.readline()
    return int(line) if line.strip() else 1


# ----------------------------------------------------------------------------- the server

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_command = {"pid": 0}  # the dbt command the server is running (0: none)


def die_with_parent(parent: int, signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when ``parent`` (the process that
    started it) dies; True when it could. A parent that died before the request is caught
    by comparing ``getppid`` afterwards (this process is then killed with ``signum`` at
    once)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):  # not Linux
        return False
    if os.getppid() != parent:
        os.kill(os.getpid(), signum)
    return True


def _watch_parent(parent: int) -> None:
    """Where there is no parent-death signal: poll the parent's pid (an orphan is adopted
    by another process) and send this process SIGTERM when it changes."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _orphaned(path: str):
    """SIGTERM handler of the server: its run is gone (or someone stopped it). Kill the dbt
    command it is running (it writes under the run's lock, now released), remove the
    socket and leave."""

    def handler(_signum, _frame) -> None:
        child = _command["pid"]
        if child:
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
        with contextlib.suppress(OSError):
            os.unlink(path)
            os.rmdir(os.path.dirname(path))
        os._exit(1)

    return handler


def serve(path: str, parent: int | None = None) -> None:
    """Listen on ``path`` (bound before dbt is imported, so early clients wait in the
    backlog), then run each request in a forked child, one at a time. With ``parent`` (the
    run's pid) it leaves, killing its dbt command, as soon as the parent dies."""
    if parent is not None:
        signal.signal(signal.SIGTERM, _orphaned(path))
        if not die_with_parent(parent, signal.SIGTERM):
            _watch_parent(parent)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(8)
    import dbt.cli.main  # noqa: F401 - the import this server exists to do once

    for adapter in ("dbt.adapters.duckdb", "dbt.adapters.postgres"):
        with contextlib.suppress(ImportError):
            __import__(adapter)
    warm_schemas()
    gc.freeze()  # dbt's modules: out of the collector's sight in every forked command
    while True:
        connection, _ = listener.accept()
        with connection:
            _, fds, _, _ = socket.recv_fds(connection, 1, len(_STREAMS))
            request = json.loads(connection.makefile("rb").read() or b"{}")
            if request.get("stop"):
                os._exit(0)  # nothing to clean up: the server only holds imported modules
            server = os.getpid()
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                die_with_parent(server, signal.SIGKILL)  # dbt dies with the server
                _child(request, fds)  # never returns
            _command["pid"] = pid
            for fd in fds:
                os.close(fd)
            with contextlib.suppress(OSError):  # the client may have been killed
                connection.sendall(f"{pid}\n".encode())
            _, status = os.waitpid(pid, 0)
            _command["pid"] = 0
            with contextlib.suppress(OSError):  # the client may have been killed
                connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())


# The classes whose JSON schema every dbt command builds before it validates the project,
# the profile and the flags (found by timing ``dbtClassMixin.json_schema`` in a `dbt build`
# here: 0.29 s, twice a run). dbt caches each schema per class for the process's life.
SCHEMA_CLASSES = {
    "dbt.contracts.project": ("Project", "Configuration", "ProjectFlags", "PackageConfig"),
    "dbt.contracts.selection": ("SelectorFile",),
    "dbt.artifacts.resources.v1.config": ("Hook",),
    "dbt.adapters.duckdb.credentials": ("DuckDBCredentials",),
    "dbt.adapters.postgres.connections": ("PostgresCredentials",),
}


def warm_schemas() -> list[str]:
    """Build those schemas once in the server, so that every forked command finds them.
    A class a later dbt moves or drops is skipped: the command then builds what it needs,
    as it always did. Returns the classes warmed."""
    from importlib import import_module

    warmed = []
    for module, names in SCHEMA_CLASSES.items():
        for name in names:
            with contextlib.suppress(ImportError, AttributeError):
                getattr(import_module(module), name).json_schema()
                warmed.append(f"{module}.{name}")
    return warmed


def _child(request: dict, fds: list[int]) -> None:
    """Become ``dbt <args>`` with the client's streams, folder and environment."""
    code = 1
    try:
        for target, fd in zip(_STREAMS, fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        sys.stdout.reconfigure(line_buffering=True)  # dagster-dbt reads the log line by line
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sys.argv = request["argv"]
        from dbt.cli.main import cli

        try:
            cli()  # click: ends with SystemExit, as the dbt script does
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported on the client's stderr, exit 1
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            atexit._run_exitfuncs()  # what a dbt process does at exit (multiprocessing's cleanup)
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)  # never unwind into the server's loop


@contextlib.contextmanager
def running():
    """A dbt server for this process and its children for the duration of the block."""
    if os.environ.get(SOCKET_ENV):  # already under a server (a nested call)
        yield
        return
    folder = tempfile.mkdtemp(prefix="ledger-dbt-")
    path = os.path.join(folder, "dbt.sock")
    # the parent-death signal goes out when the thread that started the server ends:
    # start it from the thread that runs the block (make run: the main thread)
    server = subprocess.Popen(
        [sys.executable, "-m", "orchestration.runtime.dbt_server", "serve", path, str(os.getpid())],
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C in the terminal reaches it through stop() only
    )
    deadline = time.monotonic() + 10
    while not os.path.exists(path) and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.environ[SOCKET_ENV] = path
    try:
        yield
    finally:
        os.environ.pop(SOCKET_ENV, None)
        _stop(server, path)
        with contextlib.suppress(OSError):
            os.unlink(path)
            os.rmdir(folder)


def _stop(server: subprocess.Popen, path: str) -> None:
    with contextlib.suppress(OSError):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(path)
        socket.send_fds(connection, [b"\0"], _STREAMS)
        connection.sendall(json.dumps({"stop": True}).encode())
        connection.close()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else None)
    else:
        sys.exit("usage: python -m orchestration.runtime.dbt_server serve SOCKET [PARENT_PID]")
