"""The machinery that makes runs cheap: the warm dbt server (``ledger-dbt``) and the batched
sqlite event log. Both must behave exactly like what they replace."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration import dbt_server
from orchestration.runtime import SWITCH_ENV
from orchestration.runtime.event_log import EVENT_BATCH_SIZE, LedgerSqliteEventLogStorage

ROOT = Path(__file__).resolve().parent.parent
LEDGER_DBT = Path(sys.executable).parent / "ledger-dbt"
REAL_DBT = Path(sys.executable).parent / "dbt"

pytestmark = pytest.mark.skipif(
    not LEDGER_DBT.exists(), reason="ledger-dbt not installed (run make install)"
)


def _run(executable: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [str(executable), *args],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        cwd=ROOT / "dbt_project",
        timeout=120,
    )


def _without_server() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != dbt_server.SOCKET_ENV}


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),  # exit 0, output on stdout
        ("no-such-command",),  # click's usage error: exit 2, message on stderr
    ],
)
def test_ledger_dbt_is_dbt_with_and_without_the_server(args):
    expected = _run(REAL_DBT, *args, env=_without_server())
    plain = _run(LEDGER_DBT, *args, env=_without_server())
    with dbt_server.running():
        served = _run(LEDGER_DBT, *args)
    for got in (plain, served):
        assert got.returncode == expected.returncode, got.stderr
        assert got.stdout == expected.stdout
        assert got.stderr.splitlines()[-1:] == expected.stderr.splitlines()[-1:]


def test_ledger_dbt_without_a_listening_server_runs_dbt_itself(tmp_path):
    """A socket path that nobody listens on (a server that died): plain dbt, no hang."""
    path = tmp_path / "dead.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.close()  # the file stays, nobody accepts
    env = {**_without_server(), dbt_server.SOCKET_ENV: str(path)}
    got = _run(LEDGER_DBT, "--version", env=env)
    assert got.returncode == 0
    assert "Core" in got.stdout


def test_server_stops_and_cleans_up():
    with dbt_server.running():
        path = os.environ[dbt_server.SOCKET_ENV]
        assert Path(path).exists()
    assert dbt_server.SOCKET_ENV not in os.environ
    assert not Path(path).exists()


# ------------------------------------------------------------------- the batched event log

LETTERS = dg.StaticPartitionsDefinition([f"p{i:03d}" for i in range(60)])


@dg.asset(partitions_def=LETTERS, backfill_policy=dg.BackfillPolicy.single_run())
def letters(context: dg.AssetExecutionContext) -> None:
    context.log.info(f"{len(context.partition_keys)} partitions")


@dg.asset(partitions_def=LETTERS, backfill_policy=dg.BackfillPolicy.single_run(), deps=[letters])
def words() -> None:
    pass


@dg.asset_check(asset=words)
def words_check() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def _instance(home: Path, ledger_storage: bool) -> dg.DagsterInstance:
    home.mkdir()
    if ledger_storage:
        shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    else:
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return dg.DagsterInstance.from_config(str(home))


def _run_range(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    keys = LETTERS.get_partition_keys()
    return dg.materialize(
        [letters, words, words_check],
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        },
    )


def _summary(instance: dg.DagsterInstance, run_id: str) -> dict:
    records = instance.all_logs(run_id)
    kinds: dict[str, int] = {}
    for record in records:
        if record.dagster_event:
            kinds[record.dagster_event.event_type_value] = (
                kinds.get(record.dagster_event.event_type_value, 0) + 1
            )
    summary = {"events": kinds}
    for key in (letters.key, words.key):
        summary[key.to_user_string()] = sorted(instance.get_materialized_partitions(key))
        latest = instance.get_latest_materialization_event(key)
        summary[f"{key.to_user_string()} latest"] = latest.dagster_event.partition
    summary["check"] = [
        (r.status.value, r.run_id == run_id)
        for r in instance.event_log_storage.get_asset_check_execution_history(
            words_check.check_key, limit=5
        )
    ]
    return summary


def test_batched_event_log_records_what_the_stock_one_does(tmp_path, monkeypatch):
    monkeypatch.setenv(SWITCH_ENV, "1")  # the trick under test, whatever the suite runs with
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "ledger"))  # the storage's base_dir
    batched = _instance(tmp_path / "ledger", ledger_storage=True)
    stock = _instance(tmp_path / "stock", ledger_storage=False)
    assert isinstance(batched.event_log_storage, LedgerSqliteEventLogStorage)
    assert not isinstance(stock.event_log_storage, LedgerSqliteEventLogStorage)

    got = {name: _run_range(i) for name, i in (("batched", batched), ("stock", stock))}
    assert got["batched"].success and got["stock"].success
    batched_summary = _summary(batched, got["batched"].run_id)
    assert batched_summary == _summary(stock, got["stock"].run_id)
    assert batched_summary["events"]["ASSET_MATERIALIZATION"] == 2 * 60
    assert batched_summary["letters"] == LETTERS.get_partition_keys()
    # a second run reads back through the kept engines
    again = _run_range(batched)
    assert _summary(batched, again.run_id)["events"] == batched_summary["events"]
    assert (tmp_path / "ledger" / "history" / "runs" / "index.db").exists()
    batched.dispose()
    stock.dispose()


def test_storage_without_dagster_home_says_what_to_set(monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with pytest.raises(ValueError, match="DAGSTER_HOME"):
        LedgerSqliteEventLogStorage()


# ------------------------------------------------------------------- memory over a long run


def test_gx_keeps_no_validated_table(tmp_path, monkeypatch):
    """GX's execution engine caches every DataFrame it validates; a full run validates tables
    of 10^5 rows one after another, so the ledger makes it let go (runtime/gx_memory.py)."""
    import gc
    import weakref

    import pandas as pd

    from orchestration.quality.gx_suites import validate_frame

    monkeypatch.setenv(SWITCH_ENV, "1")  # the trick under test (orchestration/runtime)
    frame = pd.DataFrame(
        {
            "figure_id": [f"f{i}" for i in range(200)],
            "article_id": "nmg-regional-cooperation",
            "surface": "17.41亿元",
            "value": 1741000000.0,
            "unit": "CNY",
            "category": "trade",
            "city_code": "ulanqab",
        }
    )
    outcome = validate_frame("fct_figures_known", frame, tmp_path)
    assert outcome.success
    alive = weakref.ref(frame)
    del frame
    gc.collect()
    assert alive() is None


def _other_process_writes(path: Path) -> subprocess.CompletedProcess:
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        "con.execute('INSERT INTO raw.t VALUES (2)'); con.close()"
    )
    return subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=False
    )


def test_run_session_keeps_one_connection_and_hands_the_file_to_dbt(tmp_path):
    """A run holds one connection (Warehouse.session) that every read and write reuses; a
    dbt command inside it (handed_over) gets the file to itself, and the run sees what it
    wrote afterwards."""
    import pandas as pd

    from orchestration.warehouse import DuckDBWarehouse

    warehouse = DuckDBWarehouse(tmp_path / "w.duckdb")
    with warehouse.session():
        warehouse.replace_table("t", pd.DataFrame({"n": [1]}), {"n": "INTEGER"})
        with warehouse.connect() as first, warehouse.connect() as second:
            assert first is second  # the session's connection, not a new one
        held = _other_process_writes(warehouse.path)
        assert held.returncode != 0 and "lock" in held.stderr.lower()  # DuckDB: one process
        with warehouse.handed_over():
            lent = _other_process_writes(warehouse.path)
            assert lent.returncode == 0, lent.stderr
        rows = warehouse.read_query("SELECT n FROM raw.t ORDER BY n")["n"].tolist()
        assert rows == [1, 2]
    assert _other_process_writes(warehouse.path).returncode == 0  # closed at the end


def test_dbt_server_warms_every_schema_it_names():
    """The pinned dbt has every class the server builds schemas for: a dbt upgrade that
    moves one shows here (the server would silently skip it and lose the time again)."""
    warmed = dbt_server.warm_schemas()
    named = [f"{m}.{n}" for m, names in dbt_server.SCHEMA_CLASSES.items() for n in names]
    assert warmed == named


def test_old_dbt_target_folders_are_pruned_to_the_newest(tmp_path):
    from orchestration.assets.dbt import KEEP_DBT_TARGETS, _prune_dbt_targets

    for age in range(KEEP_DBT_TARGETS + 3):
        folder = tmp_path / f"ledger_dbt_core-{age:04d}"
        (folder / "compiled").mkdir(parents=True)
        (folder / "compiled" / "model.sql").write_text("select 1")
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))  # age 0 is the newest
    (tmp_path / "manifest.json").write_text("{}")  # not a command's folder: kept
    _prune_dbt_targets(tmp_path)
    kept = sorted(p.name for p in tmp_path.glob("ledger_dbt_*"))
    assert kept == [f"ledger_dbt_core-{age:04d}" for age in range(KEEP_DBT_TARGETS)]
    assert (tmp_path / "manifest.json").exists()


def test_a_run_process_leaves_no_sqlite_wal_files_behind(tmp_path):
    """The kept engines are closed when the process leaves (as make run does, through
    exit_now): SQLite then folds each WAL file into its database. Left open, every run
    kept a 4 MB ``<run>.db-wal``."""
    home = tmp_path / "home"
    script = (
        "import pathlib, sys\n"
        "from orchestration.run_all import exit_now\n"
        "from tests.test_run_machinery import _instance, _run_range\n"
        "assert _run_range(_instance(pathlib.Path(sys.argv[1]), ledger_storage=True)).success\n"
        "exit_now(0)\n"
    )
    env = {**os.environ, "DAGSTER_HOME": str(home), "DAGSTER_EVENT_BATCH_SIZE": "1000"}
    env[SWITCH_ENV] = "1"  # the kept engines are the trick's
    done = subprocess.run(
        [sys.executable, "-c", script, str(home)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    runs = home / "history" / "runs"
    assert len(list(runs.glob("*.db"))) == 2  # the index and the run's own database
    assert not list(runs.glob("*.db-wal"))
