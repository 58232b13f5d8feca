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
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import duckdb
import pandas as pd

RAW_SCHEMA = "raw"
_local = threading.local()
_thread_lock = threading.RLock()


@contextmanager
def exclusive(path: Path, wait_message=None) -> Iterator[None]:
    """Hold the warehouse's lock (re-entrant within a thread, exclusive across processes)."""
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
    with _thread_lock, open(f"{path}.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if wait_message:
                wait_message(f"waiting for another writer of {path} (pid lock {path}.lock)")
            started = time.monotonic()
            fcntl.flock(handle, fcntl.LOCK_EX)
            if wait_message:
                wait_message(f"got the warehouse after {time.monotonic() - started:.1f} s")
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
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"{self.path}: warehouse does not exist yet")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(self.path), read_only=read_only)

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
