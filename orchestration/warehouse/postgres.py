"""The Postgres implementation of the warehouse interface (see ``warehouse``).

Bulk loads go through ``COPY … FROM STDIN`` (CSV), never row by row. Postgres handles
concurrent writers itself; only dbt builds are serialized (:meth:`exclusive`, an advisory
lock waited for as every wait of a run is: announced, given up after
``LEDGER_LOCK_TIMEOUT``). Replacing a table keeps the table (TRUNCATE, then COPY) so the
dbt views that read it are not dropped; a table whose columns changed is recreated (with
CASCADE: the next dbt build recreates the views).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote, urlparse

import pandas as pd

from orchestration.warehouse.base import RAW_SCHEMA, Warehouse, added_columns, column_ddl
from orchestration.warehouse.locking import LOCK_TIMEOUT_ENV, wait_until

_PG_TYPES = {"DOUBLE": "DOUBLE PRECISION"}
_DBT_LOCK = 7_204_551  # advisory lock key of the ledger's dbt builds


def libpq_parts(url: str) -> dict[str, str]:
    """``postgresql://user:password@host:port/db`` → the libpq variables dbt reads."""
    parsed = urlparse(url)
    parts = {
        "PGHOST": parsed.hostname or "localhost",
        "PGPORT": str(parsed.port or 5432),
        "PGUSER": unquote(parsed.username or "postgres"),
        "PGPASSWORD": unquote(parsed.password or ""),
        "PGDATABASE": (parsed.path or "/postgres").lstrip("/") or "postgres",
    }
    return parts


class PostgresWarehouse(Warehouse):
    kind = "postgres"
    dbt_target = "postgres"

    def __init__(self, url: str):
        self.url = url

    def __str__(self) -> str:
        parts = libpq_parts(self.url)
        return f"postgresql://{parts['PGUSER']}@{parts['PGHOST']}:{parts['PGPORT']}/{parts['PGDATABASE']}"

    def exists(self) -> bool:
        return True

    @contextmanager
    def exclusive(self, wait_message=None):
        """Serialize dbt builds across runs (an advisory lock): concurrent builds would
        replace the same staging views at once. The Python steps need no lock.

        Waits as :func:`~orchestration.warehouse.locking.wait_until` does (``wait_message``
        receives its lines): ``pg_try_advisory_lock`` until it is granted, announced after a
        few seconds with the backend holding it, given up after ``LEDGER_LOCK_TIMEOUT`` with
        :class:`WarehouseUnavailable`. A session-level lock: closing the connection (and a
        killed run's connection, which the server closes) releases it."""
        import psycopg2

        connection = psycopg2.connect(self.url)
        connection.autocommit = True
        try:
            with connection.cursor() as cur:

                def attempt() -> bool | None:
                    cur.execute("SELECT pg_try_advisory_lock(%s)", (_DBT_LOCK,))
                    return True if cur.fetchone()[0] else None

                wait_until(
                    attempt,
                    f"the Postgres advisory lock {_DBT_LOCK} of the ledger's dbt builds",
                    lambda: self._advisory_holder(cur),
                    "another ledger run is building the warehouse with dbt; let it finish, or "
                    "end its backend if it hangs (SELECT pg_terminate_backend(pid)), or set "
                    f"{LOCK_TIMEOUT_ENV} to wait longer",
                    say=wait_message,
                    poll=0.25,
                )
            yield
        finally:
            connection.close()  # closing the session releases the lock

    @staticmethod
    def _advisory_holder(cur) -> str:
        """The backend holding the advisory lock: its pid, client and since when."""
        try:
            cur.execute(
                "SELECT a.pid, a.application_name, a.client_addr, a.backend_start "
                "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s "
                "AND l.classid = 0 LIMIT 1",
                (_DBT_LOCK,),
            )
            row = cur.fetchone()
        except Exception:  # noqa: BLE001 - the holder is only named when the server tells
            return "another session"
        if row is None:
            return "another session (gone by now)"
        pid, application, client, since = row
        who = f"backend pid {pid}"
        details = [d for d in (application, str(client) if client else "") if d]
        if details:
            who += f" ({', '.join(details)})"
        return f"{who}, connected since {since:%H:%M:%S}" if since else who

    @contextmanager
    def connect(self) -> Iterator:
        import psycopg2

        connection = psycopg2.connect(self.url)
        try:
            yield connection
            connection.commit()
        except Exception:
            connection.rollback()
            raise
        finally:
            connection.close()

    def _columns_of(self, cur, schema: str, table: str) -> list[str]:
        cur.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            (schema, table),
        )
        return [r[0] for r in cur.fetchall()]

    def _ensure_table(self, cur, schema: str, table: str, columns: dict[str, str]) -> None:
        # Two run processes creating the same schema or table at once collide in Postgres's
        # catalog (UniqueViolation on pg_type_typname_nsp_index, even with IF NOT EXISTS):
        # the ledger's DDL is serialized by a lock held until this transaction ends.
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('ledger-ddl'))")
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        existing = self._columns_of(cur, schema, table)
        if existing and existing != list(columns):
            added = added_columns(existing, columns)
            if added is None:  # written by an older version of the ledger: rebuilt
                cur.execute(f"DROP TABLE {schema}.{table} CASCADE")
                existing = []
            else:  # a column the newer version appends: the other articles' rows stay
                for name, kind in added.items():
                    cur.execute(
                        f'ALTER TABLE {schema}.{table} ADD COLUMN "{name}" {_PG_TYPES.get(kind, kind)}'
                    )
        if not existing:
            cur.execute(f"CREATE TABLE {schema}.{table} ({column_ddl(columns, _PG_TYPES)})")

    def _copy(self, cur, schema: str, table: str, frame: pd.DataFrame, columns) -> None:
        if frame.empty:
            return
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
        buffer.seek(0)
        names = ", ".join(f'"{c}"' for c in columns)
        cur.copy_expert(
            f"COPY {schema}.{table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )

    def _prepare(self, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
        frame = frame.reindex(columns=list(columns)).copy()
        for name, sql_type in columns.items():
            if sql_type in ("INTEGER", "BIGINT"):
                frame[name] = pd.array(pd.to_numeric(frame[name]), dtype="Int64")
            elif sql_type == "BOOLEAN":
                frame[name] = frame[name].map({True: "t", False: "f"})
        return frame

    def replace_table(
        self, table: str, frame: pd.DataFrame, columns: dict[str, str], schema: str = RAW_SCHEMA
    ) -> int:
        frame = self._prepare(frame, columns)
        with self.connect() as con, con.cursor() as cur:
            self._ensure_table(cur, schema, table, columns)
            cur.execute(f"TRUNCATE {schema}.{table}")
            self._copy(cur, schema, table, frame, columns)
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
        frame = self._prepare(frame, columns)
        with self.connect() as con, con.cursor() as cur:
            self._ensure_table(cur, schema, table, columns)
            if values:
                cur.execute(
                    f'DELETE FROM {schema}.{table} WHERE "{key}" = ANY(%s)', (list(values),)
                )
            self._copy(cur, schema, table, frame, columns)
        return len(frame)

    def read_query(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        with self.connect() as con, con.cursor() as cur:
            cur.execute(sql, params or None)
            names = [d.name for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=names)

    def read_articles(self, sql: str, article_ids: list[str] | None) -> pd.DataFrame:
        if article_ids is None:
            return self.read_query(sql)
        return self.read_query(
            f"SELECT * FROM ({sql}) AS q WHERE article_id = ANY(%s)", (list(article_ids),)
        )
