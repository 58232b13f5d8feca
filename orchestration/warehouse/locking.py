"""The warehouse lock, the one order of a run's locks, and every wait of a run (no wait is
silent or endless).

DuckDB allows one process to open a file for writing, and no other process to open it
meanwhile. :func:`exclusive` serializes every access — Python assets, dbt runs, checks —
across processes with a lock file beside the warehouse, so two runs requested back to
back queue up instead of failing to open the file.

The lock order
--------------
Every path that writes the warehouse takes its locks in this order, and never waits for
an earlier one while it holds a later one:

1. a slot of the Dagster pool ``warehouse`` (``dagster_home/dagster.yaml``: one slot);
2. the warehouse lock file ``<warehouse>.lock`` (:func:`exclusive`; on Postgres the
   advisory lock of ``postgres.py``, which serializes dbt builds);
3. the DuckDB file itself (DuckDB's own lock, waited for in ``duckdb.py``).

* A run the daemon launches (the sensor, the schedule, a launch from the UI) claims a slot
  for each step (Dagster's executor does, before the step starts); the step then takes
  the lock file and lets it go when it ends, before the slot is freed.
* A run in a process of its own (``make run``, ``run_articles``:
  ``orchestration/cli/run_all.py`` ``execute``) claims one slot for the whole run
  (``whole_run_slot``), waiting in the main thread, and only then takes the lock file,
  which it holds to the end of the run (one connection for the run: opening the file
  costs ≈ 15 ms a time). Its steps claim no slot of their own: it executes them with the
  pool granularity "run", the slot it holds stands for them.
* What never waits for a slot (an export, the report, a reader, the end-of-run summary)
  may take the lock file alone.

Why this order: Dagster claims a run's slots before its steps' code runs, and a step
cannot give its slot back while it waits; the lock file, taken by our code, can be taken
after. The opposite order deadlocked: ``make run`` held the lock file and waited for a
slot while a daemon-launched run held the slot and waited for the lock file, each until
``LEDGER_LOCK_TIMEOUT``. ``tests/test_lock_order.py`` runs exactly that race. (The
instance's own ``.instance.lock`` in DAGSTER_HOME is taken only briefly, to set up the
instance or repair after a crash, never while waiting for any of the above.)

:func:`wait_until` announces a wait after a few seconds with what it waits for, who holds
it and since when, and gives up after ``LEDGER_LOCK_TIMEOUT`` seconds (default 600) with
:class:`WarehouseUnavailable`, whose message is one line saying who holds it and how to
release it. Every wait above goes through it: the pool slot, the lock file, the DuckDB
file, the Postgres advisory lock.
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

thread_state = threading.local()
_thread_lock = threading.RLock()
T = TypeVar("T")

LOCK_TIMEOUT_ENV = "LEDGER_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 600.0  # seconds
QUIET_WAIT = 3.0  # a wait shorter than this is not worth a line
REPEAT_EVERY = 60.0  # a long wait says it still waits this often


class WarehouseUnavailable(RuntimeError):
    """The warehouse (its lock, its file, a pool slot) stayed held past ``LEDGER_LOCK_TIMEOUT``.
    The message is one line for the operator: what was waited for, who holds it, what to do.
    ``make run`` and ``run_articles`` print it and exit 3 instead of a traceback."""


def lock_timeout() -> float:
    """``LEDGER_LOCK_TIMEOUT`` in seconds (default 600); a value that is not a number of
    seconds ≥ 0 is reported and the default used."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        _say(
            f"{LOCK_TIMEOUT_ENV}={raw!r} is not a number of seconds; using {DEFAULT_LOCK_TIMEOUT:g}"
        )
        return DEFAULT_LOCK_TIMEOUT
    return value


def _say(message: str) -> None:
    print(f"[ledger] {message}", file=sys.stderr, flush=True)


def wait_until(
    attempt: Callable[[], T | None],
    what: str,
    holder: Callable[[], str],
    advice: str,
    say: Callable[[str], None] | None = None,
    timeout: float | None = None,
    poll: float = 0.1,
) -> T:
    """Call ``attempt`` until it returns something other than None, and return that.

    Silent for ``QUIET_WAIT`` seconds; then says what it waits for (``what``), who holds it
    (``holder()``, asked again for each line) and since when, repeats that every minute,
    and says when it got it. After ``timeout`` (``LEDGER_LOCK_TIMEOUT``) seconds it raises
    :class:`WarehouseUnavailable` with one line: what, who, ``advice``."""
    say = say or _say
    timeout = lock_timeout() if timeout is None else timeout
    started = time.monotonic()
    since = time.strftime("%H:%M:%S")
    announced_at: float | None = None
    while True:
        got = attempt()
        if got is not None:
            if announced_at is not None:
                say(f"got {what} after {time.monotonic() - started:.1f} s")
            return got
        waited = time.monotonic() - started
        if waited >= timeout:
            raise WarehouseUnavailable(
                f"gave up after {waited:.0f} s ({LOCK_TIMEOUT_ENV}={timeout:g}) waiting for "
                f"{what}, held by {holder()}: {advice}"
            )
        if waited >= QUIET_WAIT and (
            announced_at is None or time.monotonic() - announced_at >= REPEAT_EVERY
        ):
            again = "still " if announced_at is not None else ""
            say(
                f"{again}waiting since {since} for {what}, held by {holder()} "
                f"(gives up after {timeout:g} s, {LOCK_TIMEOUT_ENV})"
            )
            announced_at = time.monotonic()
        time.sleep(min(poll, max(0.0, timeout - waited)))


def process_name(pid: int) -> str:
    """``pid 1234 (python -m orchestration.cli.run_all)``: the pid and, where /proc tells, its
    command line (shortened)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            argv = [a.decode(errors="replace") for a in handle.read().split(b"\0") if a]
    except OSError:
        return f"pid {pid}"
    if argv:
        argv[0] = os.path.basename(argv[0])
    command = " ".join(" ".join(argv).split())  # one line, whatever the arguments hold
    return f"pid {pid} ({command[:120]})" if command else f"pid {pid}"


def _lock_holder(lock_path: str) -> str:
    """Who holds the lock file: the pid its holder wrote into it."""
    try:
        with open(lock_path) as handle:
            text = handle.read().strip()
    except OSError:
        text = ""
    return process_name(int(text)) if text.isdigit() else "another process"


@contextmanager
def exclusive(path: Path, wait_message=None) -> Iterator[None]:
    """Hold the warehouse's lock (re-entrant within a thread, exclusive across processes).
    Waits as :func:`wait_until` does (``wait_message`` receives its lines; stderr by
    default) and raises :class:`WarehouseUnavailable` after ``LEDGER_LOCK_TIMEOUT``."""
    held: dict = getattr(thread_state, "held", None) or {}
    thread_state.held = held
    key = str(path)
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = f"{path}.lock"
    with _thread_lock, open(lock_path, "a+") as handle:

        def attempt() -> bool | None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            return True

        wait_until(
            attempt,
            f"the warehouse lock {lock_path}",
            lambda: _lock_holder(lock_path),
            "another ledger run is writing the warehouse; let it finish, or stop it if it "
            f"hangs (kill its pid), or set {LOCK_TIMEOUT_ENV} to wait longer",
            say=wait_message,
        )
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        held[key] = 1
        try:
            yield
        finally:
            held[key] = 0
            fcntl.flock(handle, fcntl.LOCK_UN)
