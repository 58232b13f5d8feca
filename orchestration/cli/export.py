"""``make export``: the contract's tables as Parquet and CSV, for people who do not use DuckDB.

Writes ``<table>.parquet`` and ``<table>.csv`` (UTF-8 with a byte-order mark, so that a
spreadsheet reads the Chinese text as UTF-8) for every table of ``EXPORTED_TABLES`` the
warehouse holds, into ``LEDGER_EXPORT_DIR`` (default ``exports/``), and prints one line
per table with its row count, then the tables it did not find.

It reads through the warehouse interface (``Settings.open_warehouse``: DuckDB or
Postgres, ``read_query`` only), so it exports from either; on DuckDB it holds the
warehouse for the whole export (``Warehouse.session``), so a run waits for it and every
file comes from the same state of the warehouse. Columns keep their SQL types: the
table's types are read from ``information_schema.columns`` and applied to the Parquet
file (dates stay dates, not timestamps) and to the CSV text. Parquet is written by an
in-memory DuckDB (no pyarrow needed). Each file is written beside its final name and
renamed into place, so a reader never sees half a file; the files of a contract table
the warehouse does not hold are removed, so the folder is one consistent export.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.settings import Settings

EXPORT_DIR_ENV = "LEDGER_EXPORT_DIR"
DEFAULT_EXPORT_DIR = "exports"
SCHEMA = "main"
# the contract's tables people analyse: the marts, the ledger, the dimensions
EXPORTED_TABLES = (
    "mart_funding",
    "mart_trade",
    "mart_transport",
    "mart_talent",
    "fct_figures",
    "dim_city",
    "dim_place",
    "dim_article",
)
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a BOM: Excel and LibreOffice then read it as UTF-8


@dataclass(frozen=True)
class ExportedTable:
    table: str
    rows: int
    parquet: Path
    csv: Path


@dataclass(frozen=True)
class Export:
    folder: Path
    tables: list[ExportedTable]
    missing: list[str]  # contract tables the warehouse does not hold (nothing written)


def export_dir(env=None) -> Path:
    """``LEDGER_EXPORT_DIR`` (default ``exports/``), relative to the current directory."""
    env = os.environ if env is None else env
    return Path(env.get(EXPORT_DIR_ENV) or DEFAULT_EXPORT_DIR).resolve()


def export_tables(
    warehouse, folder: Path, tables: tuple[str, ...] = EXPORTED_TABLES, wait_message=None
) -> Export:
    """Write every table of ``tables`` the warehouse holds as Parquet and CSV into
    ``folder``; return what was written and which tables were missing."""
    folder.mkdir(parents=True, exist_ok=True)
    written, missing = [], []
    with warehouse.session(wait_message=wait_message):
        types = _column_types(warehouse, tables)
        for table in tables:
            parquet, csv = folder / f"{table}.parquet", folder / f"{table}.csv"
            if table not in types:
                missing.append(table)
                for stale in (parquet, csv):  # an earlier export's file would mislead
                    stale.unlink(missing_ok=True)
                continue
            columns = types[table]
            frame = warehouse.read_query(
                f"SELECT {', '.join(_quoted(c) for c in columns)} FROM {SCHEMA}.{table}"
            )
            frame = _typed(frame, columns)
            _write_parquet(frame, columns, parquet)
            _write_csv(frame, csv)
            written.append(ExportedTable(table, len(frame), parquet, csv))
    return Export(folder, written, missing)


def _column_types(warehouse, tables: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """{table: {column: SQL type}} for the tables of ``tables`` in the contract schema
    (the same query on DuckDB and Postgres)."""
    listed = ", ".join(f"'{t}'" for t in tables)
    frame = warehouse.read_query(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = '{SCHEMA}' AND table_name IN ({listed}) "
        "ORDER BY table_name, ordinal_position"
    )
    types: dict[str, dict[str, str]] = {}
    for table, column, sql_type in frame.itertuples(index=False):
        types.setdefault(str(table), {})[str(column)] = str(sql_type)
    return types


INTEGER_TYPES = {  # DuckDB's and Postgres's names of whole-number types
    **{name: name for name in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")},
    **{name: name for name in ("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")},
    "INT": "INTEGER",
    "INT2": "SMALLINT",
    "INT4": "INTEGER",
    "INT8": "BIGINT",
}


def _kind(sql_type: str) -> str | None:
    """The DuckDB type a column of ``sql_type`` (as DuckDB or Postgres name it) is
    written as; None: as pandas holds it."""
    name = sql_type.upper()
    if name == "DATE":
        return "DATE"
    if name.startswith("TIMESTAMP"):
        return "TIMESTAMPTZ" if "TIME ZONE" in name or name.endswith("TZ") else "TIMESTAMP"
    if name in ("BOOLEAN", "BOOL"):
        return "BOOLEAN"
    if name in INTEGER_TYPES:
        return INTEGER_TYPES[name]
    if name.startswith(("DOUBLE", "REAL", "FLOAT", "NUMERIC", "DECIMAL")):
        return "DOUBLE"
    if name in ("TEXT", "VARCHAR", "CHARACTER VARYING", "CHARACTER") or name.startswith(
        ("VARCHAR", "CHARACTER")
    ):
        return "VARCHAR"
    return None


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The frame with the SQL types the warehouse gave (DuckDB hands dates over as
    timestamps, Postgres numbers as Decimal objects): dates as dates, whole numbers as
    nullable integers (no ``3.0`` in the CSV), other numbers as floats."""
    frame = frame.copy()
    for column, sql_type in columns.items():
        kind = _kind(sql_type)
        values = frame[column]
        if kind == "DATE":
            frame[column] = pd.Series(
                [None if pd.isna(v) else _as_date(v) for v in values],
                index=frame.index,
                dtype=object,
            )
        elif kind in INTEGER_TYPES.values():
            frame[column] = pd.to_numeric(values).astype("Int64")
        elif kind == "DOUBLE":
            frame[column] = pd.to_numeric(values).astype("float64")
    return frame


def _as_date(value) -> dt.date:
    return value if type(value) is dt.date else pd.Timestamp(value).date()


def _write_parquet(frame: pd.DataFrame, columns: dict[str, str], path: Path) -> None:
    select = ", ".join(
        f"CAST({_quoted(c)} AS {kind}) AS {_quoted(c)}"
        if (kind := _kind(t)) is not None
        else _quoted(c)
        for c, t in columns.items()
    )
    partial = _partial(path)
    with duckdb.connect() as con:  # in memory: writes Parquet without pyarrow
        con.register("frame", frame)
        target = str(partial).replace("'", "''")
        con.execute(f"COPY (SELECT {select} FROM frame) TO '{target}' (FORMAT parquet)")
    os.replace(partial, path)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    partial = _partial(path)
    frame.to_csv(partial, index=False, encoding=CSV_ENCODING)
    os.replace(partial, path)


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.partial")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main() -> int:
    started = time.perf_counter()
    settings = Settings.from_env()
    warehouse = settings.open_warehouse()
    if not warehouse.exists():
        print(
            f"error: no warehouse at {warehouse}: `make run` builds it (or set "
            "LEDGER_DUCKDB_PATH / LEDGER_WAREHOUSE)",
            file=sys.stderr,
        )
        return 1
    folder = export_dir()

    def waiting(message: str) -> None:
        print(f"[ledger] {message}", file=sys.stderr, flush=True)

    result = export_tables(warehouse, folder, wait_message=waiting)
    print(
        f"exported from {warehouse.kind}: {warehouse} to {folder} (Parquet, and CSV in UTF-8 with BOM)"
    )
    for item in result.tables:
        print(f"  {item.table:<16}{item.rows:>8} rows  {item.parquet.name}, {item.csv.name}")
    if result.missing:
        print(f"  not in the warehouse, not exported: {', '.join(result.missing)}")
    print(f"  {time.perf_counter() - started:.1f} s")
    if not result.tables:
        print(
            "error: none of the contract's tables is in the warehouse: `make run` first",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
