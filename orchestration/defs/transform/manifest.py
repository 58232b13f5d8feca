"""Prepares the dbt manifest that the dbt assets are built from.

Kept apart from ``orchestration.defs.transform.dbt_assets`` because that module needs the manifest at
import time. dbt-duckdb records the database name (the warehouse file's stem) in the
manifest, and dbt's partial parsing depends on the connection, so it is parsed again when
LEDGER_DUCKDB_PATH (or the Postgres connection) changes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from orchestration.contract import CODES_PATH
from orchestration.settings import DBT_PROJECT_DIR, Settings

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


def dbt_executable() -> str:
    """dbt from the running interpreter's environment, so make and CI need no activated venv."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_warehouse_env(warehouse) -> dict[str, str]:
    """Variables ``profiles.yml`` reads: the DuckDB path, or the libpq variables."""
    if warehouse.kind == "postgres":
        from orchestration.warehouse.postgres import libpq_parts

        return libpq_parts(warehouse.url)
    from orchestration.warehouse.duckdb import MEMORY_LIMIT_ENV, memory_limit

    return {"LEDGER_DUCKDB_PATH": str(warehouse.path), MEMORY_LIMIT_ENV: memory_limit()}


def dbt_environment(settings: Settings) -> dict[str, str]:
    """The environment dbt needs for ``settings``' warehouse."""
    return {**os.environ, **dbt_warehouse_env(settings.open_warehouse())}


def prepare_manifest(settings: Settings) -> Path:
    """Run ``dbt parse`` for ``settings``' warehouse; raise with dbt's output on failure."""
    os.environ.update(dbt_warehouse_env(settings.open_warehouse()))  # read by profiles.yml
    MANIFEST_PATH.parent.mkdir(parents=True, exist_ok=True)
    key = _manifest_key(settings)
    key_file = MANIFEST_PATH.parent / "manifest.key"
    # two processes starting at once must not write target/ together
    with open(MANIFEST_PATH.parent / ".parse.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if MANIFEST_PATH.exists() and key_file.exists() and key_file.read_text() == key:
            return MANIFEST_PATH  # parsed already for these files and this warehouse
        result = _parse(settings)
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
        key_file.write_text(key)
    return MANIFEST_PATH


def _manifest_key(settings: Settings) -> str:
    """What the manifest depends on: the project's files, the target, and the connection
    profiles.yml renders (the DuckDB file, or the Postgres server and database). dbt keys
    its partial parsing on that profile too: a parse for another warehouse file would make
    every dbt step of the run parse the whole project again (≈ 3 s each)."""
    warehouse = settings.open_warehouse()
    digest = hashlib.sha256(f"{warehouse.dbt_target}|{_connection(warehouse)}".encode())
    for path in _project_files():
        inside = DBT_PROJECT_DIR in path.parents
        digest.update(str(path.relative_to(DBT_PROJECT_DIR) if inside else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _project_files() -> list[Path]:
    """The dbt project's own files: not target/ and logs/ (every dbt invocation's
    artifacts), nor the hidden files dbt writes itself (``.user.yml``, made by the first dbt
    command: counting it made the second ``make run`` of a fresh clone parse again)."""
    files = []
    for folder, subfolders, names in os.walk(DBT_PROJECT_DIR):
        if Path(folder) == DBT_PROJECT_DIR:
            subfolders[:] = [name for name in subfolders if name not in {"target", "logs"}]
        files += [Path(folder) / name for name in names if not name.startswith(".")]
    files += CODES_PATH.parent.glob("*.csv")  # the seeds (dbt_project.yml: seed-paths)
    return sorted(files)


def _connection(warehouse) -> str:
    return json.dumps(dbt_warehouse_env(warehouse), sort_keys=True)


def _parse(settings: Settings) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target",
            settings.open_warehouse().dbt_target,
        ],
        env=dbt_environment(settings),
        capture_output=True,
        text=True,
        check=False,
    )


if __name__ == "__main__":
    print(prepare_manifest(Settings.from_env()))
