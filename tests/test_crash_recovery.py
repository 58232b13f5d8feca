"""A run killed with kill -9 leaves nothing that blocks the next one (issue 18, item 1).

The next run marks the dead run failed, frees its pool slot and finishes with the tables a
clean run writes; the killed run's dbt server (its own session, so the group kill misses
it) and its dbt command die with it. No wait is silent or endless: waits for the warehouse
lock or a pool slot say what they wait for and give up after ``LEDGER_LOCK_TIMEOUT``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import pytest

from orchestration.warehouse import locking as wh
from tests.conftest import RAW, ROOT, make_raw_dir

SEED = sorted((RAW / "articles").glob("*.txt"))


def _env(tmp: Path, name: str, raw: Path, **extra: str) -> dict[str, str]:
    """A run's environment: its own warehouse, report folder, Dagster instance and TMPDIR
    (the dbt server's socket folder is made there, which names its processes)."""
    home = tmp / f"{name}_home"
    if not home.exists():
        home.mkdir()
        shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    temp = tmp / f"{name}_tmp"
    temp.mkdir(exist_ok=True)
    return {
        **os.environ,
        "LEDGER_RAW_DIR": str(raw),
        "LEDGER_DUCKDB_PATH": str(tmp / f"{name}.duckdb"),
        "LEDGER_REPORT_DIR": str(tmp / f"{name}_reports"),
        "DAGSTER_HOME": str(home),
        "TMPDIR": str(temp),
        **extra,
    }


def _run(env: dict, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli.run_all"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def _processes_mentioning(text: str) -> set[int]:
    """Live (not zombie) processes whose command line contains ``text``."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if text.encode() in cmdline and state != "Z":
            found.add(int(entry))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def processes_with_env(name: str, value: str) -> set[int]:
    """Live processes (of this user) whose environment has ``name=value``: a server's
    children too, whatever session they put themselves in."""
    wanted = f"{name}={value}".encode()
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if wanted in environ:
            found.add(int(entry))
    return _alive(found)


VOLATILE = ("detected_at", "loaded_at")  # when a row was loaded or a problem seen


def table_hash(path: Path, table: str) -> str:
    """A hash of the sorted rows of ``table`` without its timestamp columns (``VOLATILE``
    and any TIMESTAMP column): they differ between two runs of the same input."""
    with duckdb.connect(str(path), read_only=True) as con:
        columns = [
            name
            for name, sql_type, *_ in con.execute(f"DESCRIBE {table}").fetchall()
            if name not in VOLATILE and not str(sql_type).startswith("TIMESTAMP")
        ]
        names = ", ".join(f'"{c}"' for c in columns)
        rows = con.execute(f"SELECT {names} FROM {table} ORDER BY ALL").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _figures(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM main.fct_figures ORDER BY figure_id").fetchall()


pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")


def test_a_run_killed_during_dbt_blocks_nothing(tmp_path):
    raw = make_raw_dir(tmp_path / "raw", SEED)
    started = time.monotonic()
    clean = _run(_env(tmp_path, "clean", raw), timeout=600)
    clean_seconds = time.monotonic() - started
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]

    env = _env(tmp_path, "crash", raw)
    killed = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli.run_all"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group, killed as a whole below
    )  # fmt: skip
    seen = []
    try:
        for line in killed.stdout:
            seen.append(line)
            if "Running dbt command" in line:  # the dbt step has started its dbt command
                break
        else:
            pytest.fail("the run ended before dbt started:\n" + "".join(seen[-40:]))
        time.sleep(0.5)  # the server has forked the dbt command by now
        servers = _processes_mentioning(env["TMPDIR"])  # the dbt server and its dbt child
        assert servers, "no dbt server found for the run"
        os.killpg(killed.pid, signal.SIGKILL)
    finally:
        killed.kill()
        killed.communicate()

    deadline = time.monotonic() + 5
    while _alive(servers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(servers), f"the killed run's dbt server or dbt lives on: {_alive(servers)}"

    started = time.monotonic()
    again = _run(env, timeout=2 * clean_seconds + 60)
    output = again.stdout + again.stderr
    assert again.returncode == 0, output[-4000:]
    assert "recovered after a crash" in output, output[:3000]
    assert time.monotonic() - started < 2 * clean_seconds + 30
    assert _figures(tmp_path / "crash.duckdb") == _figures(tmp_path / "clean.duckdb")
    assert not _processes_mentioning(env["TMPDIR"])  # the second run stopped its server


def test_the_dbt_server_dies_with_its_parent(tmp_path):
    """kill -9 of the process that started the server (its own session: a group kill
    misses it): the server leaves at once and removes its socket."""
    script = (
        "import os, time\n"
        "from orchestration.runtime import dbt_server\n"
        "with dbt_server.running():\n"
        "    print(os.environ[dbt_server.SOCKET_ENV], flush=True)\n"
        "    time.sleep(120)\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("LEDGER_DBT_SERVER", None)
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    path = parent.stdout.readline().strip()
    servers = _processes_mentioning(path)
    assert servers
    os.killpg(parent.pid, signal.SIGKILL)
    parent.communicate()
    deadline = time.monotonic() + 5
    while _alive(servers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(servers)
    assert not Path(path).exists()


def test_recovery_marks_dead_runs_failed_and_frees_their_slots(tmp_path, monkeypatch, capsys):
    import dagster as dg
    from dagster._core.storage.dagster_run import DagsterRun

    from orchestration.cli.run_all import HOST_TAG, PID_TAG, recover_dead_runs

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = dg.DagsterInstance.get()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], text=True,
                          capture_output=True, check=True)  # fmt: skip
    here = socket.gethostname()
    runs = {
        "dead": {PID_TAG: dead.stdout.strip(), HOST_TAG: here},
        "alive": {PID_TAG: str(os.getpid()), HOST_TAG: here},
        "elsewhere": {PID_TAG: dead.stdout.strip(), HOST_TAG: f"not-{here}"},
    }
    ids = {}
    for name, tags in runs.items():
        ids[name] = str(uuid.uuid4())
        instance.add_run(
            DagsterRun(
                job_name="j", run_id=ids[name], status=dg.DagsterRunStatus.STARTED, tags=tags
            )
        )
    storage = instance.event_log_storage
    storage.claim_concurrency_slot("warehouse", ids["dead"], "step_a")
    storage.claim_concurrency_slot("warehouse", ids["alive"], "step_b")  # pending: limit 1

    assert recover_dead_runs(instance) == [ids["dead"]]
    line = capsys.readouterr().out.strip()
    assert line.startswith("recovered after a crash") and ids["dead"][:8] in line, line
    status = {name: instance.get_run_by_id(run_id).status for name, run_id in ids.items()}
    assert status == {
        "dead": dg.DagsterRunStatus.FAILURE,
        "alive": dg.DagsterRunStatus.STARTED,
        "elsewhere": dg.DagsterRunStatus.STARTED,  # another host's pid means nothing here
    }
    info = storage.get_concurrency_info("warehouse")
    assert ids["dead"] not in {s.run_id for s in info.claimed_slots}
    assert recover_dead_runs(instance) == []  # nothing left to do: silent
    assert capsys.readouterr().out == ""


def test_a_wait_for_the_warehouse_lock_says_so_and_gives_up(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         "h = open(sys.argv[1], 'a+'); fcntl.flock(h, fcntl.LOCK_EX)\n"
         "h.seek(0); h.truncate(); h.write(str(os.getpid())); h.flush()\n"
         "print('locked', flush=True); time.sleep(60)\n",
         f"{path}.lock"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv(wh.LOCK_TIMEOUT_ENV, "4")
        said: list[str] = []
        started = time.monotonic()
        with pytest.raises(wh.WarehouseUnavailable) as raised, wh.exclusive(path, said.append):
            pass
        assert 4 <= time.monotonic() - started < 10
        message = str(raised.value)
        assert "\n" not in message and f"pid {holder.pid}" in message, message
        assert "LEDGER_LOCK_TIMEOUT" in message
        assert (
            len(said) == 1 and said[0].startswith("waiting since ") and f"{holder.pid}" in said[0]
        )
    finally:
        holder.kill()
        holder.wait()
    with wh.exclusive(path):  # released by the holder's death
        pass


def test_a_run_waiting_for_a_pool_slot_gives_up_with_one_line(tmp_path):
    """A live run holds the only slot of the warehouse pool: the run says it waits, with the
    holder, then exits 3 with one line instead of spinning for ever."""
    raw = make_raw_dir(tmp_path / "raw", SEED)
    env = _env(tmp_path, "pool", raw, LEDGER_LOCK_TIMEOUT="5")
    holder_script = (
        "import os, socket, time, uuid\n"
        "import dagster as dg\n"
        "from dagster._core.storage.dagster_run import DagsterRun\n"
        "instance = dg.DagsterInstance.get()\n"
        "run_id = str(uuid.uuid4())\n"
        "tags = {'ledger/pid': str(os.getpid()), 'ledger/host': socket.gethostname()}\n"
        "instance.add_run(DagsterRun(job_name='holder', run_id=run_id,\n"
        "                            status=dg.DagsterRunStatus.STARTED, tags=tags))\n"
        "storage = instance.event_log_storage\n"
        "storage.initialize_concurrency_limit_to_default('warehouse')\n"
        "assert storage.claim_concurrency_slot('warehouse', run_id, 'held').is_claimed\n"
        "print(run_id, flush=True)\n"
        "time.sleep(300)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", holder_script], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        held_by = holder.stdout.readline().strip()
        done = _run(env, timeout=300)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 3, done.stdout[-3000:] + done.stderr[-3000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: gave up after") and "pool 'warehouse'" in last, last
    assert held_by[:8] in last
    assert "waiting since" in done.stderr
    # the holder is gone now: the next run recovers its slot and lands
    again = _run({**env, "LEDGER_LOCK_TIMEOUT": "60"}, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert held_by[:8] in again.stdout


def test_recovery_keeps_the_slot_of_a_live_run_not_yet_recorded(tmp_path, monkeypatch):
    """``make run`` claims its pool slot before Dagster records its run: a run starting
    meanwhile must not take that slot for a leftover; the slot of such a run whose process
    is gone is freed."""
    import dagster as dg

    from orchestration.cli.run_all import WHOLE_RUN, _whole_run_step, recover_dead_runs

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = dg.DagsterInstance.get()
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default("warehouse")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], text=True,
                          capture_output=True, check=True).stdout.strip()  # fmt: skip
    live_run, dead_run = str(uuid.uuid4()), str(uuid.uuid4())
    assert storage.claim_concurrency_slot("warehouse", live_run, _whole_run_step()).is_claimed
    dead_step = f"{WHOLE_RUN}@{socket.gethostname()}:{dead}"
    storage.claim_concurrency_slot("warehouse", dead_run, dead_step)  # pending: limit 1

    recover_dead_runs(instance)
    info = storage.get_concurrency_info("warehouse")
    assert [s.run_id for s in info.claimed_slots] == [live_run]
    assert dead_run not in {p.run_id for p in info.pending_steps}
