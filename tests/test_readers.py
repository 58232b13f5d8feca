"""An analyst's open DuckDB connection (issue 18, item 3).

DuckDB lets no process write a file another process has open, even read-only. A writer
then waits with a message, retries, and after ``LEDGER_LOCK_TIMEOUT`` fails with one line
naming the holder and how to release it; ``make run`` exits 3 with that line, no traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.warehouse import duckdb as wh
from orchestration.warehouse import locking
from tests.conftest import RAW, ROOT, make_raw_dir

READER = (
    "import sys, time, duckdb\n"
    "con = duckdb.connect(sys.argv[1], read_only=True)\n"
    "print('reading', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "con.close()\n"
    "print('closed', flush=True)\n"
    "time.sleep(60)\n"
)


def _reader(path: Path, seconds: float) -> subprocess.Popen:
    """A process holding a read-only connection to ``path`` for ``seconds``."""
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout.readline().strip() == "reading"
    return reader


@pytest.fixture
def warehouse_file(tmp_path) -> Path:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    return path


def test_a_writer_waits_for_a_reader_that_lets_go(warehouse_file, monkeypatch, capsys):
    monkeypatch.setenv(locking.LOCK_TIMEOUT_ENV, "60")
    reader = _reader(warehouse_file, 4)
    try:
        started = time.monotonic()
        frame = pd.DataFrame({"article_id": ["a"], "n": [1]})
        wh.DuckDBWarehouse(warehouse_file).replace_table(
            "t2", frame, {"article_id": "VARCHAR", "n": "INTEGER"}
        )
        assert time.monotonic() - started >= 3
    finally:
        reader.kill()
        reader.wait()
    said = capsys.readouterr().err
    assert "waiting since" in said and f"pid {reader.pid}" in said, said
    assert "got the DuckDB file" in said
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        assert con.execute("SELECT n FROM raw.t2").fetchall() == [(1,)]


def test_a_writer_gives_up_on_a_reader_with_one_line(warehouse_file, monkeypatch):
    monkeypatch.setenv(locking.LOCK_TIMEOUT_ENV, "4")
    reader = _reader(warehouse_file, 120)
    try:
        with pytest.raises(locking.WarehouseUnavailable) as raised:
            wh.DuckDBWarehouse(warehouse_file).read_query("SELECT 1")  # a write connection
    finally:
        reader.kill()
        reader.wait()
    message = str(raised.value)
    assert "\n" not in message
    assert f"pid {reader.pid}" in message and "close that connection" in message, message
    assert message.startswith("gave up after 4 s (LEDGER_LOCK_TIMEOUT=4)")


def test_a_reader_beside_a_reader_does_not_wait(warehouse_file, monkeypatch):
    monkeypatch.setenv(locking.LOCK_TIMEOUT_ENV, "1")
    reader = _reader(warehouse_file, 120)
    try:
        with wh.DuckDBWarehouse(warehouse_file).connect(read_only=True) as con:
            assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
    finally:
        reader.kill()
        reader.wait()


@pytest.mark.parametrize(
    "message, expected",
    [
        (
            'IO Error: Could not set lock on file "/w.duckdb": Conflicting lock is held in '
            "/usr/bin/python3.11 (PID 999999999). However, you would be able to open ...",
            "pid 999999999 (/usr/bin/python3.11)",
        ),
        ('IO Error: Could not set lock on file "/w.duckdb": Resource busy', "another process"),
    ],
)
def test_the_holder_is_read_from_duckdbs_message(message, expected):
    assert wh._file_holder(message).startswith(expected)


def test_make_run_beside_an_open_reader_exits_with_one_line(tmp_path, warehouse_file):
    raw = make_raw_dir(tmp_path / "raw", sorted((RAW / "articles").glob("*.txt")))
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "LEDGER_RAW_DIR": str(raw),
        "LEDGER_DUCKDB_PATH": str(warehouse_file),
        "LEDGER_REPORT_DIR": str(tmp_path / "reports"),
        "DAGSTER_HOME": str(home),
        "LEDGER_LOCK_TIMEOUT": "5",
    }
    reader = _reader(warehouse_file, 300)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "orchestration.cli.run_all"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        reader.kill()
        reader.wait()
    output = done.stdout + done.stderr
    assert done.returncode == 3, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: gave up after") and f"pid {reader.pid}" in last, last
    assert "waiting since" in done.stderr
