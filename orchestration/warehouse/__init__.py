"""Where the ledger's tables live: one interface, two implementations.

* ``base.py``: the interface (:class:`Warehouse`) and the column DDL both share;
* ``duckdb.py``: the embedded default, one file, one writer at a time;
* ``postgres.py``: a database server for several writers (``LEDGER_WAREHOUSE=postgres``);
* ``locking.py``: the warehouse lock and every wait of a run, with a time limit.

Implementations import ``base`` and ``locking`` only; nothing imports back.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.warehouse.base import RAW_SCHEMA, Warehouse
from orchestration.warehouse.locking import LOCK_TIMEOUT_ENV, WarehouseUnavailable, wait_until

__all__ = [
    "LOCK_TIMEOUT_ENV",
    "RAW_SCHEMA",
    "Warehouse",
    "WarehouseUnavailable",
    "open_warehouse",
    "wait_until",
]


def open_warehouse(kind: str, duckdb_path: Path, postgres_url: str | None = None):
    """The warehouse a setting names: ``duckdb`` (default) or ``postgres``."""
    if kind == "postgres":
        from orchestration.warehouse.postgres import PostgresWarehouse

        if not postgres_url:
            raise ValueError("LEDGER_WAREHOUSE=postgres needs LEDGER_POSTGRES_URL or PG* variables")
        return PostgresWarehouse(postgres_url)
    if kind != "duckdb":
        raise ValueError(f"LEDGER_WAREHOUSE must be duckdb or postgres, not {kind!r}")
    from orchestration.warehouse.duckdb import DuckDBWarehouse

    return DuckDBWarehouse(duckdb_path)
