"""The interface both warehouses offer (``replace_table``, ``replace_rows``,
``write_rows``, ``read_query``, ``read_articles``, ``exclusive``, ``session``,
``handed_over``, ``exists``) and the column DDL they share.

The Python assets' tables land in the ``raw`` schema (and ``quality`` for facts about the
figures); dbt reads them as sources and builds everything else in ``main``. Loads are bulk
(a pandas DataFrame), never row by row.
"""

from __future__ import annotations

from contextlib import nullcontext

import pandas as pd

RAW_SCHEMA = "raw"


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
        """Replace the rows of ``article_ids`` (a run for some articles), or the whole table (None)."""
        if article_ids is None:
            return self.replace_table(table, frame, columns, schema=schema)
        return self.replace_rows(table, frame, columns, "article_id", article_ids, schema=schema)


def select_columns(columns: dict[str, str]) -> str:
    return ", ".join(
        f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in columns.items()
    )


def column_ddl(columns: dict[str, str], types: dict[str, str] | None = None) -> str:
    types = types or {}
    return ", ".join(f'"{name}" {types.get(t, t)}' for name, t in columns.items())
