"""Dagster resources: where the ledger reads and writes, from the contract's settings."""

from pathlib import Path

import dagster as dg

from orchestration.settings import Settings


class LedgerPaths(dg.ConfigurableResource):
    """The raw folder, the warehouse (DuckDB file or Postgres URL) and the report folder."""

    raw_dir: str
    duckdb_path: str
    report_dir: str
    warehouse_kind: str = "duckdb"
    postgres_url: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> "LedgerPaths":
        return cls(
            raw_dir=str(settings.raw_dir),
            duckdb_path=str(settings.duckdb_path),
            report_dir=str(settings.report_dir),
            warehouse_kind=settings.warehouse_kind,
            postgres_url=settings.postgres_url or "",
        )

    @property
    def warehouse(self):
        """The warehouse interface (DuckDB or Postgres, see ``orchestration.warehouse.duckdb``)."""
        from orchestration.warehouse import open_warehouse

        return open_warehouse(self.warehouse_kind, Path(self.duckdb_path), self.postgres_url)

    @property
    def reports(self) -> Path:
        return Path(self.report_dir)
