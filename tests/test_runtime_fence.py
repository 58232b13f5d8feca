"""The fence around the run tricks (``orchestration/runtime/``): the private names they rely on
still exist in the installed Dagster, dagster-dbt and GX (canaries), and the pipeline gives
the same rows with the tricks off (``LEDGER_RUNTIME_TRICKS=0``) as with them on."""

import inspect
import re
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from orchestration.runtime import SWITCH_ENV, tricks_enabled
from tests.conftest import RAW, make_raw_dir, query, run_pipeline

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "orchestration" / "runtime"


def _upgrade(package: str) -> str:
    return (
        f"an upgrade of {package} (see requirements.lock) removed or renamed what "
        f"orchestration/runtime/ relies on: adapt the trick there, or run with "
        f"{SWITCH_ENV}=0 until it is"
    )


# ------------------------------------------------------------------------------ the fence


def test_private_names_only_inside_the_runtime_package():
    pattern = re.compile(
        r"dagster\._|\b_cli_version\b|_initialize_dbt_core_adapter|_batch_data_cache"
    )
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "orchestration").rglob("*.py"))
        if RUNTIME not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert outside == [], "private Dagster/dagster-dbt/GX names belong in orchestration/runtime/"


@pytest.mark.parametrize(
    ("value", "enabled"),
    [(None, True), ("1", True), ("0", False), ("false", False), (" OFF ", False), ("no", False)],
)
def test_the_switch(monkeypatch, value, enabled):
    if value is None:
        monkeypatch.delenv(SWITCH_ENV, raising=False)
    else:
        monkeypatch.setenv(SWITCH_ENV, value)
    assert tricks_enabled() is enabled


# ------------------------------------------------------------------------------ canaries


def test_canary_dagster_dbt_resource_still_has_what_dbt_cli_overrides():
    from dagster_dbt import DbtCliResource

    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert hasattr(DbtCliResource, name), f"DbtCliResource.{name} is gone: " + _upgrade(
            "dagster-dbt"
        )
    # an override of a method that cli() no longer calls would silently save nothing
    source = inspect.getsource(DbtCliResource.cli)
    for name in ("self._cli_version", "self._initialize_dbt_core_adapter("):
        assert name in source, f"DbtCliResource.cli no longer uses {name}: " + _upgrade(
            "dagster-dbt"
        )


def _gx_source(report_dir: Path):
    from orchestration.quality import gx_suites

    return gx_suites._context(report_dir).data_sources.get(gx_suites._DATA_SOURCE)


def _validate(report_dir: Path) -> None:
    from orchestration.quality.gx_suites import validate_frame

    frame = pd.DataFrame({"figure_id": ["f1", "f2"], "value": [1.0, 2.0]})
    suite = {"expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "value"}}]}
    assert validate_frame("runtime_canary", frame, report_dir, suite=suite).success


def test_canary_gx_batch_manager_still_caches_in_batch_data_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(SWITCH_ENV, "0")  # stock: GX keeps what it validated
    _validate(tmp_path)
    manager = _gx_source(tmp_path).get_execution_engine().batch_manager
    assert hasattr(manager, "_batch_data_cache"), (
        "GX's BatchManager has no _batch_data_cache: " + _upgrade("great-expectations")
    )
    assert len(manager._batch_data_cache) > 0, (
        "GX no longer keeps validated batches in BatchManager._batch_data_cache (clearing it "
        "frees nothing): " + _upgrade("great-expectations")
    )
    monkeypatch.setenv(SWITCH_ENV, "1")
    _validate(tmp_path)
    assert len(manager._batch_data_cache) == 0


def _canary_job():
    @dg.asset
    def canary() -> int:
        return 1

    return dg.Definitions(assets=[canary]).resolve_implicit_global_asset_job_def()


def test_canary_sqlite_event_log_still_closes_its_wal_per_event(tmp_path, monkeypatch):
    """The event log trick (runtime/event_log.py): the files are where the layout says, and
    Dagster still closes its connection per event (the last close deletes the WAL file);
    while the trick holds the files open, the WAL stays."""
    import uuid

    from orchestration.runtime.event_log import event_log_held_open, storage_shards

    monkeypatch.setenv(SWITCH_ENV, "1")
    instance = _ledger_instance(tmp_path / "home", monkeypatch)
    job = _canary_job()
    first = job.execute_in_process(instance=instance)  # creates the cross-run index shard
    shards = storage_shards(instance, first.run_id)
    assert shards is not None, (
        "the instance's event log is not the stock SqliteEventLogStorage with an index "
        "shard at path_for_shard('index'): " + _upgrade("dagster")
    )
    index, shard = map(Path, shards)
    assert index.is_file() and shard.is_file(), _upgrade("dagster")
    wal = [Path(f"{index}-wal"), Path(f"{shard}-wal")]
    assert not any(path.exists() for path in wal), (
        "Dagster's event log keeps its WAL after a run (a connection left open or a "
        "pool): holding the files open saves nothing any more: " + _upgrade("dagster")
    )

    def synchronous(path: Path) -> int:  # as Dagster connects: a SQLAlchemy engine
        import sqlalchemy as sa

        engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
        with engine.connect() as connection:
            level = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        engine.dispose()
        return level

    assert synchronous(index) == 2  # SQLite's default, FULL: a sync per commit
    run_id = str(uuid.uuid4())
    with event_log_held_open(instance, run_id) as held:
        assert held
        assert synchronous(index) == 1  # NORMAL while the run executes
        assert job.execute_in_process(instance=instance, run_id=run_id).success
        shard_wal = Path(f"{storage_shards(instance, run_id)[1]}-wal")
        assert Path(f"{index}-wal").exists() and shard_wal.exists()
    assert not Path(f"{index}-wal").exists()  # the trick's close was the last one
    assert synchronous(index) == 2  # the listener is gone with the run
    assert synchronous(tmp_path / "elsewhere.db") == 2  # only the event log's files

    monkeypatch.setenv(SWITCH_ENV, "0")
    unused = str(uuid.uuid4())
    with event_log_held_open(instance, unused) as held:
        assert not held
    assert not Path(storage_shards(instance, unused)[1]).exists()


def test_event_log_trick_leaves_no_shard_for_a_run_that_never_started(tmp_path, monkeypatch):
    import uuid

    from orchestration.runtime.event_log import event_log_held_open, storage_shards

    monkeypatch.setenv(SWITCH_ENV, "1")
    instance = _ledger_instance(tmp_path / "home", monkeypatch)
    _canary_job().execute_in_process(instance=instance)
    run_id = str(uuid.uuid4())
    with event_log_held_open(instance, run_id) as held:
        assert held
    shard = Path(storage_shards(instance, run_id)[1])
    assert not shard.exists() and not Path(f"{shard}-wal").exists()


# ------------------------------------------------------------------------------ off and on


def _ledger_instance(home: Path, monkeypatch) -> dg.DagsterInstance:
    """An instance configured like the project's (dagster_home/dagster.yaml) in ``home``."""
    home.mkdir(parents=True)
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return dg.DagsterInstance.from_config(str(home))


def _seed_run(tmp_path: Path, monkeypatch, switch: str, stock_initialize):
    """The seed materialized with ``LEDGER_RUNTIME_TRICKS=switch``, set before anything is
    built; returns (fct_figures rows, the instance, dagster-dbt adapter initializations)."""
    from dagster_dbt import DbtCliResource

    monkeypatch.setenv(SWITCH_ENV, switch)
    adapters = []

    def counting(self, args):
        adapter = stock_initialize(self, args)  # raises if the stock path fails
        adapters.append(adapter)
        return adapter

    monkeypatch.setattr(DbtCliResource, "_initialize_dbt_core_adapter", counting)
    work = tmp_path / f"tricks_{switch}"
    instance = _ledger_instance(work / "home", monkeypatch)
    raw = make_raw_dir(work / "raw", sorted((RAW / "articles").glob("*.txt")))
    settings, result = run_pipeline(raw, work, instance=instance)
    assert result.success
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert failed == []
    rows = query(settings, "select * from fct_figures order by figure_id")
    return rows, instance, adapters


@pytest.mark.integration
def test_seed_run_is_the_same_with_the_tricks_off(tmp_path, monkeypatch):
    from dagster_dbt import DbtCliResource

    stock = DbtCliResource._initialize_dbt_core_adapter
    off, off_instance, off_adapters = _seed_run(tmp_path, monkeypatch, "0", stock)
    assert off_adapters and None not in off_adapters, "off: dagster-dbt opens its adapter"
    off_instance.dispose()

    on, on_instance, on_adapters = _seed_run(tmp_path, monkeypatch, "1", stock)
    assert on_adapters == []  # the override: no adapter in the Dagster process
    on_instance.dispose()

    assert len(off) > 0
    assert off == on
