"""Reads and writes the DuckDB warehouse, one writer at a time.

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
from contextlib import contextmanager
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


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    with exclusive(path):
        if read_only and not path.exists():
            raise FileNotFoundError(f"{path}: warehouse does not exist yet")
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(path), read_only=read_only)
        try:
            yield connection
        finally:
            connection.close()


def _select(columns: dict[str, str]) -> str:
    return ", ".join(
        f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in columns.items()
    )


def replace_table(
    path: Path, table: str, frame: pd.DataFrame, columns: dict[str, str], schema: str = RAW_SCHEMA
) -> int:
    """Replace ``<schema>.<table>`` with ``frame``; ``columns`` fixes names and SQL types so
    that an empty batch still creates a table with the right schema."""
    frame = frame.reindex(columns=list(columns))
    with connect(path) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.register("incoming", frame)
        con.execute(
            f"CREATE OR REPLACE TABLE {schema}.{table} AS SELECT {_select(columns)} FROM incoming"
        )
        con.unregister("incoming")
    return len(frame)


def replace_rows(
    path: Path,
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
    ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())
    with connect(path) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({ddl})")
        con.execute("BEGIN TRANSACTION")
        if values:
            con.execute(
                f'DELETE FROM {schema}.{table} WHERE "{key}" IN (SELECT UNNEST(?))', [values]
            )
        con.register("incoming", frame)
        con.execute(f"INSERT INTO {schema}.{table} SELECT {_select(columns)} FROM incoming")
        con.unregister("incoming")
        con.execute("COMMIT")
    return len(frame)


def write_rows(
    path: Path,
    table: str,
    frame: pd.DataFrame,
    columns: dict[str, str],
    article_ids: list[str] | None,
    schema: str = RAW_SCHEMA,
) -> int:
    """Replace the rows of ``article_ids`` (a partition run), or the whole table (None)."""
    if article_ids is None:
        return replace_table(path, table, frame, columns, schema=schema)
    return replace_rows(path, table, frame, columns, "article_id", article_ids, schema=schema)


def read_table(path: Path, table: str) -> pd.DataFrame:
    with connect(path) as con:
        return con.execute(f"SELECT * FROM {RAW_SCHEMA}.{table}").df()


def read_query(path: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with connect(path) as con:
        return con.execute(sql, params or []).df()


def read_articles(path: Path, sql: str, article_ids: list[str] | None) -> pd.DataFrame:
    """Rows of ``sql`` (which must select an ``article_id`` column) for ``article_ids``
    (all rows when None)."""
    if article_ids is None:
        return read_query(path, sql)
    return read_query(
        path, f"SELECT * FROM ({sql}) WHERE article_id IN (SELECT UNNEST(?))", [article_ids]
    )
