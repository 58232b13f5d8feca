"""The Postgres production profile against a real server: same marts as DuckDB, row for
row, and two runs for different articles at the same time.

The server comes from ``LEDGER_TEST_POSTGRES_URL`` (``.ci/run`` starts one with
``scripts/postgres_test_server.sh``). Outside CI the tests skip when it is not set; in CI
they fail instead, so a missing server cannot pass unnoticed.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from datetime import date

import pandas as pd
import pytest

from orchestration.warehouse.postgres import PostgresWarehouse
from tests.conftest import (
    DEV_DATA,
    RAW,
    ROOT,
    append_a_column_for_one_article,
    make_raw_dir,
    postgres_test_url,
    run_pipeline,
)

pytestmark = pytest.mark.integration
TABLES = {
    "fct_figures": "figure_id",
    "mart_funding": "figure_id",
    "mart_trade": "figure_id",
    "mart_transport": "figure_id",
    "mart_talent": "figure_id",
    "dim_city": "city_code",
    "annotation_reconciliation": "source_file, annotation_line",
    "quarantine": "quarantine_id",
}
VOLATILE = {"detected_at"}  # when a problem was seen differs between two runs


@pytest.fixture(scope="module")
def server_url():
    url = postgres_test_url()
    return url


def fresh_database(server_url: str) -> str:
    """A new empty database on the test server; returns its URL."""
    import psycopg2

    name = f"ledger_{uuid.uuid4().hex[:10]}"
    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    connection.close()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def table(warehouse, name: str, order: str) -> pd.DataFrame:
    frame = warehouse.read_query(f"SELECT * FROM main.{name} ORDER BY {order}")
    frame = frame.drop(columns=[c for c in frame.columns if c in VOLATILE])
    return frame.astype(object).where(frame.notna(), None).reset_index(drop=True)


def test_postgres_marts_equal_duckdb_marts_row_for_row(seed_run, server_url, tmp_path):
    duck_settings, _ = seed_run
    url = fresh_database(server_url)
    pg_settings, result = run_pipeline(
        duck_settings.raw_dir, tmp_path, warehouse_kind="postgres", postgres_url=url
    )
    assert result.success
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert failed == []
    duck, pg = duck_settings.open_warehouse(), pg_settings.open_warehouse()
    assert isinstance(pg, PostgresWarehouse)
    for name, order in TABLES.items():
        left, right = table(duck, name, order), table(pg, name, order)
        assert list(left.columns) == list(right.columns), name
        assert len(left) == len(right) > 0 or name == "quarantine", name
        for column in left.columns:
            for row, (a, b) in enumerate(zip(left[column], right[column], strict=True)):
                assert same(a, b), (name, column, row, a, b)


def same(a, b) -> bool:
    """Equal values across the two databases (numbers to 1e-12, booleans and text as is)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, date | pd.Timestamp) or isinstance(b, date | pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)  # DuckDB reads DATE as Timestamp
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == pytest.approx(b, rel=1e-12)
    return str(a) == str(b)


def test_two_runs_at_the_same_time_both_land(server_url, tmp_path):
    url = fresh_database(server_url)
    articles = [
        RAW / "articles" / "nmg-regional-cooperation.txt",
        DEV_DATA / "articles" / "dev-west-opening.txt",
    ]
    raw = make_raw_dir(tmp_path / "raw", articles)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "postgres" / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "LEDGER_WAREHOUSE": "postgres",
        "LEDGER_POSTGRES_URL": url,
        "LEDGER_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(home),
        "LEDGER_REPORT_DIR": str(tmp_path / "reports"),
    }
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli.run_articles", a.stem],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for a in articles
    ]
    outputs, finished = [], []
    for proc in procs:
        outputs.append(proc.communicate(timeout=600)[0])
        finished.append(time.monotonic() - started)
    assert [p.returncode for p in procs] == [0, 0], outputs[0][-3000:] + outputs[1][-3000:]
    counts = dict(
        PostgresWarehouse(url)
        .read_query("SELECT article_id, count(*) FROM main.fct_figures GROUP BY 1")
        .itertuples(index=False, name=None)
    )
    assert set(counts) == {a.stem for a in articles}
    assert min(counts.values()) >= 30
    runs = PostgresWarehouse(url).read_query("SELECT count(*) FROM runs").iloc[0, 0]
    assert runs == 2  # both runs recorded in the shared Postgres instance


def test_a_wait_for_the_dbt_advisory_lock_says_so_and_gives_up(server_url, monkeypatch):
    """Another session holds the advisory lock of the dbt builds: the wait is announced
    with the holder's backend and given up after LEDGER_LOCK_TIMEOUT with one line."""
    import psycopg2

    from orchestration.warehouse import LOCK_TIMEOUT_ENV, WarehouseUnavailable
    from orchestration.warehouse.postgres import _DBT_LOCK

    holder = psycopg2.connect(server_url)
    holder.autocommit = True
    with holder.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s), pg_backend_pid()", (_DBT_LOCK,))
        backend = cur.fetchone()[1]
    warehouse = PostgresWarehouse(server_url)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "4")
    said: list[str] = []
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseUnavailable) as raised, warehouse.exclusive(said.append):
            pass
        assert 4 <= time.monotonic() - started < 10
        message = str(raised.value)
        assert "\n" not in message and f"backend pid {backend}" in message, message
        assert LOCK_TIMEOUT_ENV in message and "advisory lock" in message
        assert len(said) == 1 and said[0].startswith("waiting since "), said
    finally:
        holder.close()  # the session's end releases its lock
    with warehouse.exclusive():  # free now: taken at once
        pass


def test_an_appended_column_keeps_the_other_articles_rows(server_url):
    """As on DuckDB: a run for one article after an upgrade that appends a column adds it
    and keeps the other articles' rows."""
    warehouse = PostgresWarehouse(fresh_database(server_url))
    got = append_a_column_for_one_article(warehouse)
    assert got == [["a", "A2", "hinggan"], ["b", "B", "null"]]
