"""Dagster resources: where the ledger reads and writes, from the contract's settings."""

from pathlib import Path

import dagster as dg

from orchestration.settings import Settings


class LedgerPaths(dg.ConfigurableResource):
    """The raw folder, the DuckDB file and the report folder (absolute paths)."""

    raw_dir: str
    duckdb_path: str
    report_dir: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "LedgerPaths":
        return cls(
            raw_dir=str(settings.raw_dir),
            duckdb_path=str(settings.duckdb_path),
            report_dir=str(settings.report_dir),
        )

    @property
    def warehouse(self) -> Path:
        return Path(self.duckdb_path)

    @property
    def articles_dir(self) -> Path:
        return Path(self.raw_dir) / "articles"

    @property
    def annotations_dir(self) -> Path:
        return Path(self.raw_dir) / "annotations"

    @property
    def reports(self) -> Path:
        return Path(self.report_dir)
