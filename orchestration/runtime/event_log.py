"""Dagster's SQLite event log, made cheap enough for a run that writes thousands of events.

A run of the ledger over N articles writes a materialization event per article partition
and per asset (and as many "planned" events). Dagster's stock ``SqliteEventLogStorage``
stores each event on its own: it builds a fresh SQLAlchemy engine, opens a connection,
commits (an fsync) and disposes of the engine, twice for an asset event (run shard and
cross-run index). That is 10–20 ms an event here, which made the per-article cost of a run.

This subclass keeps the same files, schema and semantics and changes three things:

* engines are kept per shard (the index plus the few most recent runs) instead of being
  created and disposed of for every statement;
* ``store_event_batch`` writes a batch in one transaction per shard. Dagster sends batches
  (per-partition materializations of one output, the run's planned events) only when
  ``DAGSTER_EVENT_BATCH_SIZE`` is set; ``enable_event_batching`` sets it;
* connections run with ``PRAGMA synchronous=NORMAL``. The files are in WAL mode, where this
  cannot corrupt them; a power cut may lose the last events, which a dev instance can afford.

Configured in ``dagster_home/dagster.yaml`` (``event_log_storage``); the Postgres instance in
``deploy/postgres`` has its own batch writes in dagster-postgres.

It stands on Dagster's private modules (``dagster._core``, Dagster 1.13.x, pinned in
requirements.lock). With ``LEDGER_RUNTIME_TRICKS=0`` the class, which ``dagster.yaml`` still
names, behaves as the stock ``SqliteEventLogStorage``: every overridden method delegates to
it, and ``enable_event_batching`` sets nothing. The canary: ``tests/test_runtime_fence.py``.
"""

import atexit
import contextlib
import os
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as db
from dagster import Field, StringSource
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS

from orchestration.runtime.switch import tricks_enabled

EVENT_BATCH_SIZE = 1000  # events written per transaction when Dagster sends a batch
_OPEN_RUN_SHARDS = 4  # run databases kept open besides the index (a webserver sees many runs)


def enable_event_batching() -> None:
    """Let Dagster hand partition and planned events over in batches (read per event, so it
    takes effect at once). An explicit setting in the environment wins; with
    ``LEDGER_RUNTIME_TRICKS=0`` nothing is set."""
    if tricks_enabled():
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))


def _default_base_dir() -> str:
    """Where Dagster's default sqlite event log lives: ``$DAGSTER_HOME/history/runs``."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise ValueError(
            "LedgerSqliteEventLogStorage: set DAGSTER_HOME (the Makefile sets it to "
            "dagster_home/) or give the storage a base_dir in dagster.yaml"
        )
    return os.path.join(home, "history", "runs")


class LedgerSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with kept engines and batched writes (see the module)."""

    def __init__(self, base_dir: str | None = None, inst_data=None):
        self._engines: OrderedDict[str, db.Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        super().__init__(base_dir or _default_base_dir(), inst_data=inst_data)
        atexit.register(_close_at_exit, weakref.ref(self))

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> db.Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is not None:
                self._engines.move_to_end(shard)
                return engine
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            db.event.listen(engine, "connect", _relaxed_sync)
            self._engines[shard] = engine
            run_shards = [name for name in self._engines if name != INDEX_SHARD_NAME]
            for name in run_shards[:-_OPEN_RUN_SHARDS]:
                self._engines.pop(name).dispose()
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.Connection]:
        if not tricks_enabled():
            with super()._connect(shard) as conn:
                yield conn
            return
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def close_engines(self) -> None:
        with self._engines_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def dispose(self) -> None:
        self.close_engines()  # none were kept when the tricks are off
        super().dispose()

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """The events of one batch in one transaction per database, with what ``store_event``
        records for each: the run shard's rows, the index's copies of asset events with their
        tags and the asset table (once per asset, for its last event), asset-check rows."""
        if not tricks_enabled():
            super().store_event_batch(events)
            return
        by_run: dict[str, list[EventLogEntry]] = defaultdict(list)
        for event in events:
            by_run[event.run_id].append(event)
        for run_id, run_events in by_run.items():
            with self.run_connection(run_id) as conn:
                result = conn.execute(
                    SqlEventLogStorageTable.insert(),
                    [self._event_to_row(event) for event in run_events],
                )
                result.close()
            self._mirror_in_index(run_events)

    def _mirror_in_index(self, events: Sequence[EventLogEntry]) -> None:
        asset_events = [
            e
            for e in events
            if e.is_dagster_event
            and e.dagster_event_type in ASSET_EVENTS
            and e.dagster_event.asset_key
        ]
        check_events = [
            e for e in events if e.is_dagster_event and e.dagster_event_type in ASSET_CHECK_EVENTS
        ]
        check_ids = []
        if asset_events or check_events:
            with self.index_transaction() as conn:
                asset_ids = [
                    conn.execute(self.prepare_insert_event(e)).inserted_primary_key[0]
                    for e in asset_events
                ]
                check_ids = [
                    conn.execute(self.prepare_insert_event(e)).inserted_primary_key[0]
                    for e in check_events
                ]
                if asset_events:
                    self._store_asset_event_tags(conn, asset_events, asset_ids)
                    # the asset table keeps the latest event of each kind per asset: writing
                    # only those, in event order, leaves it as event-by-event writes would
                    latest = {
                        (e.dagster_event.asset_key, e.dagster_event_type): (event_id, e)
                        for e, event_id in zip(asset_events, asset_ids, strict=True)
                    }
                    for event_id, event in sorted(latest.values(), key=lambda pair: pair[0]):
                        self._store_asset_event(conn, event, event_id)
        for event, event_id in zip(check_events, check_ids, strict=True):
            self.store_asset_check_event(event, event_id)  # opens its own index connection


def _close_at_exit(storage: "weakref.ref[LedgerSqliteEventLogStorage]") -> None:
    """Close the kept connections when the process ends (``make run`` and ``run_articles``
    leave through ``exit_now``, which runs this). SQLite then moves each WAL file into its
    database and deletes it; left open, every run kept a 4 MB ``<run>.db-wal`` beside its
    0.9 MB database."""
    alive = storage()
    if alive is not None:
        with contextlib.suppress(Exception):
            alive.close_engines()


def _relaxed_sync(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
