"""The embedded default warehouse: one DuckDB file, one writer at a time.

Every access holds the lock of :mod:`orchestration.warehouse.locking`; a file another
process holds open (an analyst's ``duckdb.connect(path, read_only=True)``) is waited for
with a message and given up on with a one-line :class:`WarehouseUnavailable`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.warehouse.base import (
    RAW_SCHEMA,
    Warehouse,
    added_columns,
    column_ddl,
    select_columns,
)
from orchestration.warehouse.locking import (
    exclusive,
    process_name,
    thread_state,
    wait_until,
)


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
        sessions: dict = getattr(thread_state, "sessions", None) or {}
        thread_state.sessions = sessions
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
        sessions: dict = getattr(thread_state, "sessions", None) or {}
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
        shared = (getattr(thread_state, "sessions", None) or {}).get(str(self.path))
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
                connection = duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as error:
                if not _is_held_elsewhere(error):
                    raise
                refusal[0] = str(error)
                return None
            limit_memory(connection)
            return connection

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
                f"SELECT {select_columns(columns)} FROM incoming"
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
        transaction: runs for different articles share a table without touching each other's rows."""
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
                added = added_columns(existing, columns)
                if added is None:
                    # written by an older version of the ledger: its rows are rebuilt by the
                    # run (as on Postgres); a full run rewrites every article
                    con.execute(f"DROP TABLE {schema}.{table}")
                else:  # a column the newer version appends: the other articles' rows stay
                    for name, kind in added.items():
                        con.execute(f'ALTER TABLE {schema}.{table} ADD COLUMN "{name}" {kind}')
            con.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({column_ddl(columns)})")
            con.execute("BEGIN TRANSACTION")
            try:
                if values:
                    con.execute(
                        f'DELETE FROM {schema}.{table} WHERE "{key}" IN (SELECT UNNEST(?))',
                        [values],
                    )
                con.register("incoming", frame)
                con.execute(
                    f"INSERT INTO {schema}.{table} SELECT {select_columns(columns)} FROM incoming"
                )
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


MEMORY_LIMIT_ENV = "LEDGER_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "2GB"


def memory_limit() -> str:
    """``LEDGER_DUCKDB_MEMORY_LIMIT``: the memory DuckDB may take in each process that opens
    the warehouse (the run's, dbt's), beyond which it spills to disk. DuckDB's own default,
    80 % of the machine, let dbt's build of 100,000 articles take 4.4 GB."""
    return (os.environ.get(MEMORY_LIMIT_ENV) or "").strip() or DEFAULT_MEMORY_LIMIT


def limit_memory(connection: duckdb.DuckDBPyConnection) -> None:
    """``SET memory_limit`` rather than a connection config: two connections of one process
    to one file must have the same config, and readers elsewhere open it without one."""
    limit = memory_limit()
    try:
        connection.execute(f"SET memory_limit = '{limit}'")
    except duckdb.Error as error:
        connection.close()
        raise ValueError(
            f"{MEMORY_LIMIT_ENV}={limit!r} is not a DuckDB memory size: {error}"
        ) from error


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
