"""Writes the Python assets' tables into the DuckDB warehouse.

Tables land in the ``raw`` schema; dbt reads them as sources and builds everything else.
Loads are bulk (a pandas DataFrame registered with DuckDB), never row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

RAW_SCHEMA = "raw"


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path), read_only=read_only)
    try:
        yield connection
    finally:
        connection.close()


def replace_table(
    path: Path, table: str, frame: pd.DataFrame, columns: dict[str, str], schema: str = RAW_SCHEMA
) -> int:
    """Replace ``raw.<table>`` with ``frame``; ``columns`` fixes names and SQL types so that an
    empty batch still creates a table with the right schema."""
    frame = frame.reindex(columns=list(columns))
    select = ", ".join(
        f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in columns.items()
    )
    with connect(path) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.register("incoming", frame)
        con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} AS SELECT {select} FROM incoming")
        con.unregister("incoming")
    return len(frame)


def read_table(path: Path, table: str) -> pd.DataFrame:
    with connect(path) as con:
        return con.execute(f"SELECT * FROM {RAW_SCHEMA}.{table}").df()


def read_query(path: Path, sql: str) -> pd.DataFrame:
    with connect(path) as con:
        return con.execute(sql).df()


def replace_rows(
    path: Path, table: str, frame: pd.DataFrame, columns: dict[str, str], key: str, values: list
) -> int:
    """Delete the rows of ``raw.<table>`` whose ``key`` is in ``values``, then append ``frame``.

    Lets several writers (stages, article partitions) share one table without touching
    each other's rows."""
    frame = frame.reindex(columns=list(columns))
    select = ", ".join(
        f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in columns.items()
    )
    ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())
    with connect(path) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table} ({ddl})")
        con.execute("BEGIN TRANSACTION")
        if values:
            con.execute(
                f'DELETE FROM {RAW_SCHEMA}.{table} WHERE "{key}" IN (SELECT UNNEST(?))', [values]
            )
        con.register("incoming", frame)
        con.execute(f"INSERT INTO {RAW_SCHEMA}.{table} SELECT {select} FROM incoming")
        con.unregister("incoming")
        con.execute("COMMIT")
    return len(frame)
