"""Dagster's SQLite event log without a checkpoint and a sync per event.

Dagster's stock SQLite event log (the instance under ``dagster_home/``) opens a new SQLite
connection for every write and closes it again: a run of the seed writes ≈ 450 events
through ≈ 1,500 connections. The files are in WAL mode, and when the *last* connection to
a WAL file closes, SQLite checkpoints the log into the database and deletes it, with its
syncs, on every one of those closes. Holding one idle connection open to each file the run
writes (the cross-run index shard and the run's own shard) means no close is the last one:
the checkpoints happen as SQLite schedules them (every 1,000 pages), not per event
(benchmarks/README.md, "Session 9").

Nothing is read or written through the held connections, and they never hold a
transaction: Dagster's writers and readers are not blocked. While the run executes, a
SQLAlchemy ``connect`` listener (SQLAlchemy's public event API) also sets
``PRAGMA synchronous=NORMAL`` on the connections to those files: each commit then no longer
waits for the disk. SQLite documents the trade-off for WAL mode: no corruption, but the
last committed events may be lost on a power failure (not on a crash of the process).

What the trick relies on is the storage's file layout:
``SqliteEventLogStorage.path_for_shard`` (a public method) naming the files and the shard
name ``index`` of the cross-run index (a private constant of Dagster 1.13,
``INDEX_SHARD_NAME``). An index file that is not where the layout says turns
the trick into a no-op; the canary in ``tests/test_runtime_fence.py`` fails loudly then.
``LEDGER_RUNTIME_TRICKS=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from orchestration.runtime.switch import tricks_enabled

INDEX_SHARD = "index"  # Dagster's INDEX_SHARD_NAME (dagster/_core/storage/event_log/sqlite)
STOCK_SQLITE_STORAGE = "SqliteEventLogStorage"


def _hold(path: str, create: bool) -> sqlite3.Connection | None:
    """An idle connection keeping ``path``'s WAL open: it reads once (a WAL reader keeps a
    shared lock on the file while it is open) and then holds no transaction."""
    if not create and not os.path.exists(path):
        return None
    connection = sqlite3.connect(path, timeout=15, isolation_level=None)
    try:
        if create:
            # the run's shard does not exist yet: Dagster creates its tables at the first
            # event and switches it to WAL itself; switching first lets this connection
            # keep the shared lock from the start (the mode is the one Dagster sets).
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlite3.Error:
        connection.close()
        return None
    return connection


def storage_shards(instance: Any, run_id: str) -> tuple[str, str] | None:
    """The index shard and the run's shard of ``instance``'s stock SQLite event log, or
    None for any other storage (Postgres, an ephemeral instance) or layout."""
    if instance is None or getattr(instance, "is_ephemeral", True):
        return None
    storage = instance.event_log_storage
    if type(storage).__name__ != STOCK_SQLITE_STORAGE or not hasattr(storage, "path_for_shard"):
        return None
    index, shard = storage.path_for_shard(INDEX_SHARD), storage.path_for_shard(run_id)
    if not os.path.isfile(index):
        return None
    return index, shard


@contextlib.contextmanager
def event_log_held_open(instance: Any, run_id: str) -> Iterator[bool]:
    """Hold the event log files of run ``run_id`` open while the block runs, and let the
    connections Dagster opens to them meanwhile commit without a sync each (below); yields
    whether it does (False when the tricks are off or the storage is not the stock SQLite
    layout)."""
    shards = storage_shards(instance, run_id) if tricks_enabled() else None
    held = []
    relaxed = None
    if shards is not None:
        index, shard = shards
        held = [c for c in (_hold(index, create=False), _hold(shard, create=True)) if c]
        relaxed = _relax_sync_under(os.path.dirname(index))
        event.listen(Engine, "connect", relaxed)
    try:
        yield bool(held)
    finally:
        if relaxed is not None:
            event.remove(Engine, "connect", relaxed)
        for connection in held:
            connection.close()
        if shards is not None:
            _remove_if_unused(shards[1])


def _relax_sync_under(folder: str):
    """A SQLAlchemy ``connect`` listener (public API) that sets ``PRAGMA synchronous=NORMAL``
    on SQLite connections to files in ``folder``: in WAL mode a commit then no longer waits
    for the disk (the log is synced at checkpoints). SQLite's documented trade-off: the
    database cannot be corrupted, but the last events of a run could be lost on a power
    failure, not on a crash of the process."""
    prefix = os.path.abspath(folder) + os.sep

    def relax(dbapi_connection, _record) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list")]
        if any(f and os.path.abspath(f).startswith(prefix) for f in files):
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    return relax


def _remove_if_unused(path: str) -> None:
    """Remove a run shard this module created and the run never wrote (it failed before
    its first event): no empty file is left beside the real shards."""
    if not os.path.exists(path):
        return
    with contextlib.closing(sqlite3.connect(path)) as connection:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if tables == 0:
        for leftover in (path, f"{path}-wal", f"{path}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(leftover)
