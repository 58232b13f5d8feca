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
    warehouse_kind: str = "duckdb"  # LEDGER_WAREHOUSE: duckdb | postgres
    postgres_url: str | None = None  # LEDGER_POSTGRES_URL, else built from PG* variables

    def open_warehouse(self):
        from orchestration.warehouse import open_warehouse

        return open_warehouse(self.warehouse_kind, self.duckdb_path, self.postgres_url)

    @classmethod
    def from_env(cls, env: os._Environ | dict | None = None) -> Settings:
        """Relative paths are taken from the current directory, as a shell user expects."""
        env = os.environ if env is None else env
        return cls(
            raw_dir=Path(env.get("LEDGER_RAW_DIR") or "raw").resolve(),
            duckdb_path=Path(env.get("LEDGER_DUCKDB_PATH") or "data/warehouse.duckdb").resolve(),
            report_dir=Path(env.get("LEDGER_REPORT_DIR") or "reports").resolve(),
            warehouse_kind=(env.get("LEDGER_WAREHOUSE") or "duckdb").strip().lower(),
            postgres_url=env.get("LEDGER_POSTGRES_URL") or _url_from_libpq(env),
        )


WORKERS_ENV = "LEDGER_WORKERS"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, as a container or ``taskset``
    limits it), else the machine's."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return counter() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ledger_workers(env: os._Environ | dict | None = None) -> int:
    """``LEDGER_WORKERS``: how many processes parse and extract articles at once (default:
    :func:`available_cores`; ``1``: in the run's own process, no pool). Anything but a
    positive integer gives the default. Read at call time, so a test or a shell can set it
    per run (``orchestration/runtime/pool.py``)."""
    env = os.environ if env is None else env
    raw = (env.get(WORKERS_ENV) or "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else available_cores()


def _url_from_libpq(env) -> str:
    """A connection URL from the standard libpq variables (PGHOST, PGPORT, PGUSER, …)."""
    from urllib.parse import quote

    user = quote(env.get("PGUSER") or "postgres")
    password = env.get("PGPASSWORD")
    auth = f"{user}:{quote(password)}" if password else user
    host = env.get("PGHOST") or "localhost"
    port = env.get("PGPORT") or "5432"
    return f"postgresql://{auth}@{host}:{port}/{env.get('PGDATABASE') or 'postgres'}"
