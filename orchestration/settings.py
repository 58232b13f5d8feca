"""The ledger's settings, read from the environment (see CONTRACT.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    duckdb_path: Path
    report_dir: Path

    @property
    def articles_dir(self) -> Path:
        return self.raw_dir / "articles"

    @property
    def annotations_dir(self) -> Path:
        return self.raw_dir / "annotations"

    @classmethod
    def from_env(cls, env: os._Environ | dict | None = None) -> Settings:
        """Relative paths are taken from the current directory, as a shell user expects."""
        env = os.environ if env is None else env
        return cls(
            raw_dir=Path(env.get("LEDGER_RAW_DIR") or "raw").resolve(),
            duckdb_path=Path(env.get("LEDGER_DUCKDB_PATH") or "data/warehouse.duckdb").resolve(),
            report_dir=Path(env.get("LEDGER_REPORT_DIR") or "reports").resolve(),
        )
