"""The warehouse interface, and its embedded DuckDB implementation (one writer at a time).

Both implementations (this one and ``warehouse_postgres.PostgresWarehouse``) offer the same
methods: ``replace_table``, ``replace_rows``, ``write_rows``, ``read_query``,
``read_articles``, ``exclusive`` and ``exists``.

The Python assets' tables land in the ``raw`` schema (and ``quality`` for facts about the
figures); dbt reads them as sources and builds everything else in ``main``. Loads are bulk
(a pandas DataFrame registered with DuckDB), never row by row.

DuckDB allows one process to open a file for writing, and no other process to open it
meanwhile. :func:`exclusive` serializes every access — Python assets, dbt runs, checks —
across processes with a lock file beside the warehouse, so two runs requested back to
back queue up instead of failing to open the file.

No wait is silent or endless (:func:`wait_until`): a wait for the lock file, or for a file
another process holds open (an analyst's ``duckdb.connect(path, read_only=True)``), is
announced after a few seconds with what it waits for, who holds it and since when, and
gives up after ``LEDGER_LOCK_TIMEOUT`` seconds (default 600) with :class:`WarehouseUnavailable`,
whose message is one line saying who holds it and how to release it.
"""

from __future__ import annotations

import fcntl
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

RAW_SCHEMA = "raw"
_local = threading.local()
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
    """``pid 1234 (python -m orchestration.run_all)``: the pid and, where /proc tells, its
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
    held: dict = getattr(_local, "held", None) or {}
    _local.held = held
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


class Warehouse:
    """What both implementations share; they provide ``replace_table`` and ``replace_rows``."""

    def session(self, wait_message=None):
        """A block of work that may share one connection (see ``DuckDBWarehouse``)."""
        return nullcontext()

    def handed_over(self):
        """A block in which another process (dbt) writes the warehouse, inside ``exclusive``.
        A database server needs nothing more (and Postgres's advisory lock is not
        re-entrant: taking it again here waited forever)."""
        return nullcontext()

    def write_rows(
        self,
        table: str,
        frame: pd.DataFrame,
        columns: dict[str, str],
        article_ids: list[str] | None,
        schema: str = RAW_SCHEMA,
    ) -> int:
        """Replace the rows of ``article_ids`` (a partition run), or the whole table (None)."""
        if article_ids is None:
            return self.replace_table(table, frame, columns, schema=schema)
        return self.replace_rows(table, frame, columns, "article_id", article_ids, schema=schema)


class DuckDBWarehouse(Warehouse):
    """The embedded default: one DuckDB file, one writer at a time."""

    kind = "duckdb"
    dbt_target = "duckdb"

    def __init__(self, path: Path):
        self.path = Path(path)

    def __str__(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def exclusive(self, wait_message=None):
        return exclusive(self.path, wait_message)

    @contextmanager
    def session(self, wait_message=None) -> Iterator[None]:
        """Hold the lock and one connection for a block of work (a run, a check that reads
        its table and then the report's): every ``connect`` inside it, in this thread,
        reuses the connection. Opening the file costs ≈ 15 ms a time and closing it after
        a write as much again (a checkpoint); a one-article run opened it some 40 times.
        A dbt command inside the block runs in ``handed_over``."""
        sessions: dict = getattr(_local, "sessions", None) or {}
        _local.sessions = sessions
        key = str(self.path)
        if key in sessions:
            yield
            return
        with exclusive(self.path, wait_message):
            sessions[key] = self._connect(read_only=False)
            try:
                yield
            finally:
                connection = sessions.pop(key, None)  # None: reopening after dbt failed
                if connection is not None:
                    connection.close()

    @contextmanager
    def handed_over(self) -> Iterator[None]:
        """Hold the lock while another process (dbt) writes the file: DuckDB lets only one
        process open it, so this thread's session connection is closed for the block and
        opened again after it."""
        sessions: dict = getattr(_local, "sessions", None) or {}
        key = str(self.path)
        with exclusive(self.path):
            connection = sessions.pop(key, None)
            if connection is not None:
                connection.close()
            try:
                yield
            finally:
                if connection is not None:
                    sessions[key] = self._connect(read_only=False)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        shared = (getattr(_local, "sessions", None) or {}).get(str(self.path))
        if shared is not None:
            yield shared
            return
        with exclusive(self.path):
            connection = self._connect(read_only)
            try:
                yield connection
            finally:
                connection.close()

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        """Open the file; while another process holds it (an analyst's connection, DuckDB's
        own file lock), wait and retry as :func:`wait_until` does."""
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"{self.path}: warehouse does not exist yet")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        refusal = [""]

        def attempt() -> duckdb.DuckDBPyConnection | None:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as error:
                if not _is_held_elsewhere(error):
                    raise
                refusal[0] = str(error)
                return None

        return wait_until(
            attempt,
            f"the DuckDB file {self.path} ({'read' if read_only else 'write'} access)",
            lambda: _file_holder(refusal[0]),
            "DuckDB lets no one write while another process has the file open, even "
            "read-only; close that connection (a notebook, a duckdb shell, a BI tool), and "
            "read a copy or an export instead (README: reading while runs write)",
        )

    def replace_table(
        self, table: str, frame: pd.DataFrame, columns: dict[str, str], schema: str = RAW_SCHEMA
    ) -> int:
        """Replace ``<schema>.<table>`` with ``frame``; ``columns`` fixes names and SQL types
        so that an empty batch still creates a table with the right schema."""
        frame = frame.reindex(columns=list(columns))
        with self.connect() as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            con.register("incoming", frame)
            con.execute(
                f"CREATE OR REPLACE TABLE {schema}.{table} AS "
                f"SELECT {_select(columns)} FROM incoming"
            )
            con.unregister("incoming")
        return len(frame)

    def replace_rows(
        self,
        table: str,
        frame: pd.DataFrame,
        columns: dict[str, str],
        key: str,
        values: list,
        schema: str = RAW_SCHEMA,
    ) -> int:
        """Delete the rows whose ``key`` is in ``values``, then append ``frame``, in one
        transaction: article partitions share a table without touching each other's rows."""
        frame = frame.reindex(columns=list(columns))
        with self.connect() as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            existing = [
                row[0]
                for row in con.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                    [schema, table],
                ).fetchall()
            ]
            if existing and existing != list(columns):
                # written by an older version of the ledger: its rows are rebuilt by the run
                # (as on Postgres); a full run rewrites every article
                con.execute(f"DROP TABLE {schema}.{table}")
            con.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({_ddl(columns)})")
            con.execute("BEGIN TRANSACTION")
            try:
                if values:
                    con.execute(
                        f'DELETE FROM {schema}.{table} WHERE "{key}" IN (SELECT UNNEST(?))',
                        [values],
                    )
                con.register("incoming", frame)
                con.execute(f"INSERT INTO {schema}.{table} SELECT {_select(columns)} FROM incoming")
                con.unregister("incoming")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")  # a session's connection lives on
                raise
        return len(frame)

    def read_query(self, sql: str) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql).df()

    def read_articles(self, sql: str, article_ids: list[str] | None) -> pd.DataFrame:
        """Rows of ``sql`` (selecting an ``article_id`` column) for ``article_ids`` (all rows
        when None)."""
        if article_ids is None:
            return self.read_query(sql)
        with self.connect() as con:
            return con.execute(
                f"SELECT * FROM ({sql}) AS q WHERE article_id IN (SELECT UNNEST(?))", [article_ids]
            ).df()


def _is_held_elsewhere(error: Exception) -> bool:
    """DuckDB's refusal to open a file another process has open."""
    text = str(error)
    return "Could not set lock" in text or "Conflicting lock" in text


def _file_holder(message: str) -> str:
    """The process DuckDB's refusal names (``Conflicting lock is held in <exe> (PID n)``)."""
    found = re.search(r"held in (.*?) \(PID (\d+)\)", message)
    if not found:
        return "another process (DuckDB does not say which; `fuser` or `lsof` on the file does)"
    name = process_name(int(found.group(2)))
    return name if "(" in name else f"{name} ({found.group(1)})"


def _select(columns: dict[str, str]) -> str:
    return ", ".join(
        f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in columns.items()
    )


def _ddl(columns: dict[str, str], types: dict[str, str] | None = None) -> str:
    types = types or {}
    return ", ".join(f'"{name}" {types.get(t, t)}' for name, t in columns.items())


def open_warehouse(kind: str, duckdb_path: Path, postgres_url: str | None = None):
    """The warehouse a setting names: ``duckdb`` (default) or ``postgres``."""
    if kind == "postgres":
        from orchestration.warehouse_postgres import PostgresWarehouse

        if not postgres_url:
            raise ValueError("LEDGER_WAREHOUSE=postgres needs LEDGER_POSTGRES_URL or PG* variables")
        return PostgresWarehouse(postgres_url)
    if kind != "duckdb":
        raise ValueError(f"LEDGER_WAREHOUSE must be duckdb or postgres, not {kind!r}")
    return DuckDBWarehouse(duckdb_path)
