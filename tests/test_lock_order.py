"""One lock order for every path that writes the warehouse (issue 18): a Dagster pool slot
first, then the warehouse lock file (``orchestration/warehouse/locking.py``).

A run the daemon launched (the sensor's, through the run queue) holds a slot of the
``warehouse`` pool while its step takes the lock file; ``make run`` started meanwhile
claims its slot before it takes the lock file. Both finish, and the warehouse holds what
a run on its own writes. In the old order (``make run`` held the lock file while waiting
for a slot) the two deadlocked until ``LEDGER_LOCK_TIMEOUT``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import RAW, ROOT, make_raw_dir
from tests.test_crash_recovery import _env, _run, processes_with_env, table_hash

pytestmark = [
    pytest.mark.integration,
    pytest.mark.faults,  # a daemon and two runs: with the fault suite (make test-faults)
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)"),
]

SEED = sorted((RAW / "articles").glob("*.txt"))
TABLES = ("raw.articles", "main.fct_figures", "main.mart_funding", "main.mart_trade")


def stop_group(process: subprocess.Popen, grace: float = 15) -> None:
    """Stop a server started with ``start_new_session=True`` by its process group: SIGTERM,
    then SIGKILL after ``grace`` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass


def test_a_daemon_run_and_make_run_both_land(tmp_path):
    import dagster as dg

    raw = make_raw_dir(tmp_path / "raw", SEED)
    env = _env(tmp_path, "order", raw, LEDGER_LOCK_TIMEOUT="240")
    home = Path(env["DAGSTER_HOME"])
    # the daemon's code server loads the definitions, which read the parsed dbt manifest
    subprocess.run(
        [sys.executable, "-m", "orchestration.defs.transform.manifest"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    log = (tmp_path / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run",
         "-m", "orchestration.definitions"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as a whole below
    )  # fmt: skip
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        # the sensor's first tick requests a run for the article; the run queue launches
        # it; wait until one of its steps holds the pool's only slot
        deadline = time.monotonic() + 240
        daemon_run = None
        while daemon_run is None:
            assert daemon.poll() is None, (tmp_path / "daemon.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "daemon.log").read_text()[-3000:]
            storage = instance.event_log_storage
            if "warehouse" in storage.get_concurrency_keys():
                claimed = storage.get_concurrency_info("warehouse").claimed_slots
                daemon_run = claimed[0].run_id if claimed else None
            time.sleep(0.5)
        assert instance.get_run_by_id(daemon_run).status == dg.DagsterRunStatus.STARTED

        started = time.monotonic()
        made = _run(env, timeout=400)
        output = made.stdout + made.stderr
        assert made.returncode == 0, output[-4000:]
        # whether make run had to wait for the daemon run's slot (a wait over 3 s says so)
        print(*(line for line in made.stderr.splitlines() if "[ledger]" in line), sep="\n")
        assert time.monotonic() - started < 300

        # the daemon's run finishes too (its remaining steps waited for make run's slot)
        deadline = time.monotonic() + 300
        while not instance.get_run_by_id(daemon_run).is_finished:
            assert time.monotonic() < deadline, (tmp_path / "daemon.log").read_text()[-3000:]
            time.sleep(1)
        record = instance.get_run_by_id(daemon_run)
        assert record.status == dg.DagsterRunStatus.SUCCESS, record.status
        assert "ledger/articles" in record.tags  # the sensor's run, for the seed article
        # no slot is left held
        info = instance.event_log_storage.get_concurrency_info("warehouse")
        assert not info.claimed_slots and not info.pending_steps
    finally:
        stop_group(daemon)
        log.close()
        instance.dispose()
    deadline = time.monotonic() + 15
    while processes_with_env("DAGSTER_HOME", str(home)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_with_env("DAGSTER_HOME", str(home)), "a daemon process lives on"

    # the right rows: what a run on its own writes over the same warehouse
    warehouse = Path(env["LEDGER_DUCKDB_PATH"])
    both = {table: table_hash(warehouse, table) for table in TABLES}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.articles").fetchone()[0] == len(SEED)
        ids = [r[0] for r in con.execute("SELECT figure_id FROM main.fct_figures").fetchall()]
    assert ids and len(ids) == len(set(ids))
    alone = _run(env, timeout=400)
    assert alone.returncode == 0, (alone.stdout + alone.stderr)[-4000:]
    assert {table: table_hash(warehouse, table) for table in TABLES} == both
