"""The interface both warehouses offer (``replace_table``, ``replace_rows``,
``write_rows``, ``read_query``, ``read_articles``, ``article_slices``, ``exclusive``,
``session``, ``handed_over``, ``exists``) and the column DDL they share.

The Python assets' tables land in the ``raw`` schema (and ``quality`` for facts about the
figures); dbt reads them as sources and builds everything else in ``main``. Loads are bulk
(a pandas DataFrame), never row by row.
"""

from __future__ import annotations

from contextlib import nullcontext

import pandas as pd

RAW_SCHEMA = "raw"
WITHOUT_ARTICLE = ()  # in ``article_slices``: the rows whose article_id is null
# work over a large table reads at most this many rows at once (``article_slices``): the
# GX checks on the whole fct_figures of 100,000 articles (3.6 M rows) held 4.1 GB in pandas
SLICE_ROWS = 250_000


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

    def article_slices(self, table: str, scope: list[str] | None, max_rows: int) -> list:
        """The articles of ``scope`` (every article: None) in lists whose rows in ``table``
        stay within ``max_rows``, for work that would hold a large table in memory at once;
        ``[scope]`` when they fit. Every row of an article is in one slice, so a key unique
        within each slice (figure_id, article_id, file and line: each names its article) is
        unique in the table. Rows without an article come last, as the slice
        ``WITHOUT_ARTICLE``: nothing is left out."""
        counts = self.read_articles(
            f"SELECT article_id, count(*) AS n FROM {table} GROUP BY article_id", scope
        )
        if int(counts["n"].sum()) <= max_rows:
            return [scope]
        slices: list = []
        current: list[str] = []
        rows = 0
        known = counts[counts["article_id"].notna()].sort_values("article_id")
        for article, n in zip(known["article_id"], known["n"], strict=True):
            if current and rows + n > max_rows:
                slices.append(current)
                current, rows = [], 0
            current.append(article)
            rows += int(n)
        if current:
            slices.append(current)
        if len(known) < len(counts):
            slices.append(WITHOUT_ARTICLE)
        return slices


def select_columns(columns: dict[str, str]) -> str:
    return ", ".join(
        f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in columns.items()
    )


def added_columns(existing: list[str], columns: dict[str, str]) -> dict[str, str] | None:
    """The columns a newer version of the ledger appends to a table an older one wrote
    (``existing`` is the start of ``columns``): they are added and its rows kept. None when
    the columns differ otherwise: the table is rebuilt."""
    names = list(columns)
    if names[: len(existing)] != existing:
        return None
    return {name: columns[name] for name in names[len(existing) :]}


def column_ddl(columns: dict[str, str], types: dict[str, str] | None = None) -> str:
    types = types or {}
    return ", ".join(f'"{name}" {types.get(t, t)}' for name, t in columns.items())
