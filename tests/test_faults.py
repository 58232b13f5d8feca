"""Fault injection (issue 18): kill -9 of a run's whole process group at each stage, then
a normal ``make run`` (``python -m orchestration.cli.run_all``).

The stages: reading the raw files (ingest), dbt's core build, the blocking checks, the
marts' dbt build, and a one-article ``run_articles`` into an existing warehouse. After each
kill no process of the killed run lives on (its dbt server, in a session of its own,
included), and the next run finishes within a time limit with tables identical to a clean
run's: ``fct_figures``, the four marts and ``quarantine`` (rows sorted, timestamps left out).

The stage is read from the killed run's console, as ``tests/test_crash_recovery.py`` waits
for dbt: ``raw_articles: [1/…] read …``, dagster-dbt's ``Running dbt command`` (the core
build, then the marts'), and for the checks dbt's counts line followed by the first record
a blocking check writes into the report folder. A small raw folder keeps it quick: the seed
and one development article, with their annotations.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestration.contract import PUBLISHED_MARTS as MARTS
from tests.conftest import DEV_DATA, RAW, ROOT, make_raw_dir
from tests.test_crash_recovery import _env, _run, processes_with_env, table_hash

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)"),
]

ARTICLE = "dev-single-city"
ARTICLES = [
    RAW / "articles" / "nmg-regional-cooperation.txt",
    DEV_DATA / "articles" / f"{ARTICLE}.txt",
]
TABLES = ("main.fct_figures", *(f"main.{mart}" for mart in MARTS), "main.quarantine")
# the records the blocking checks of fct_figures write as they finish (report.record_check)
CHECK_RECORDS = (
    "fct_figures__fct_figures_content.json",
    "fct_figures__fct_figures_known_values.json",
    "annotation_reconciliation__published_figures_match_annotations.json",
)


def _a_check_recorded(env: dict) -> bool:
    """Whether one of the blocking checks after dbt's core build has recorded its outcome
    (a fresh report folder per run: it is this run's), so the checks are under way."""
    folder = Path(env["LEDGER_REPORT_DIR"]) / "checks"
    return any((folder / name).exists() for name in CHECK_RECORDS)


# stage → (the killed command's arguments, a console line that says the stage runs, which
# occurrence of it, then: seconds to wait, or a condition to wait for)
STAGES = {
    # raw_articles prints a line per article read (≤ 20 articles): it is writing raw tables
    "ingest": (["orchestration.cli.run_all"], r"^raw_articles: \[1/", 1, 0.0),
    "dbt_core": (["orchestration.cli.run_all"], "Running dbt command", 1, 1.0),
    # dbt's core build is done (its counts line): the checks of fct_figures run next
    "checks": (["orchestration.cli.run_all"], r"^dbt: PASS=", 1, _a_check_recorded),
    "marts": (["orchestration.cli.run_all"], "Running dbt command", 2, 1.0),
    "run_articles": (
        ["orchestration.cli.run_articles", ARTICLE],
        "Running dbt command",
        1,
        0.5,
    ),
}


def _hashes(warehouse: Path) -> dict[str, str]:
    return {table: table_hash(warehouse, table) for table in TABLES}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A clean ``make run`` over the small raw folder: its tables' hashes and its time."""
    tmp = tmp_path_factory.mktemp("faults")
    raw = make_raw_dir(tmp / "raw", ARTICLES)
    env = _env(tmp, "clean", raw)
    started = time.monotonic()
    done = _run(env, timeout=900)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    warehouse = Path(env["LEDGER_DUCKDB_PATH"])
    return SimpleNamespace(
        tmp=tmp, raw=raw, seconds=seconds, warehouse=warehouse, hashes=_hashes(warehouse)
    )


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # every member already gone
        os.killpg(pid, signal.SIGKILL)


def _kill_at(arguments: list[str], env: dict, marker: str, nth: int, then) -> str:
    """Start ``python -m <arguments>`` in its own process group, wait for the ``nth`` console
    line matching ``marker``, then for ``then`` (seconds, or a condition on ``env`` polled for
    up to two minutes), and kill -9 the group. Returns the line."""
    killed = subprocess.Popen(
        [sys.executable, "-m", *arguments],
        cwd=ROOT, env=env, text=True, errors="replace",
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as a whole
    )  # fmt: skip
    # a run that never reaches the stage must not hang the test
    watchdog = threading.Timer(600, _kill_group, [killed.pid])
    watchdog.start()
    pattern, seen, found = re.compile(marker), [], 0
    try:
        for line in killed.stdout:
            seen.append(line)
            if pattern.search(line):
                found += 1
                if found == nth:
                    if callable(then):
                        deadline = time.monotonic() + 120
                        while not then(env) and killed.poll() is None:
                            assert time.monotonic() < deadline, f"{then.__name__}: not in time"
                            time.sleep(0.05)
                        assert killed.poll() is None, f"the run ended before {then.__name__}"
                    else:
                        time.sleep(then)
                    os.killpg(killed.pid, signal.SIGKILL)
                    return line.strip()
        pytest.fail(f"the run ended before {marker!r} (#{nth}):\n" + "".join(seen[-40:]))
    finally:
        watchdog.cancel()
        _kill_group(killed.pid)
        killed.communicate()


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_run_killed_at_each_stage_leaves_nothing_behind(clean, stage):
    arguments, marker, nth, then = STAGES[stage]
    env = _env(clean.tmp, stage, clean.raw)
    home = env["DAGSTER_HOME"]
    if stage == "run_articles":  # into an existing warehouse: the clean run's
        shutil.copy(clean.warehouse, env["LEDGER_DUCKDB_PATH"])

    _kill_at(arguments, env, marker, nth, then)
    deadline = time.monotonic() + 10
    while processes_with_env("DAGSTER_HOME", home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes_with_env("DAGSTER_HOME", home), "a process of the killed run lives on"

    limit = 2 * clean.seconds + 60
    started = time.monotonic()
    again = _run(env, timeout=limit + 60)
    output = again.stdout + again.stderr
    assert again.returncode == 0, output[-4000:]
    assert time.monotonic() - started < limit, f"took {time.monotonic() - started:.0f} s"
    assert "recovered after a crash" in output, output[:3000]
    assert _hashes(Path(env["LEDGER_DUCKDB_PATH"])) == clean.hashes
    assert not processes_with_env("DAGSTER_HOME", home)
