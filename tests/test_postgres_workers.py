"""``python -m benchmarks.run --postgres-workers``: article runs side by side on Postgres.

Three articles go into a fresh database by one ``run_articles`` process, and into another
database of the same server by two processes at once (each with its own Dagster instance
on Postgres, ``deploy/postgres/dagster.yaml``); every run must succeed and the marts of
the two databases must be identical. Times are not asserted.

The server comes from ``LEDGER_TEST_POSTGRES_URL`` (``eval "$(scripts/postgres_test_server.sh
start)"``); without it the test skips, in CI it fails (as ``tests/test_postgres.py``).
"""

import csv

import pytest

from benchmarks import run as bench
from tests.conftest import postgres_test_url

pytestmark = pytest.mark.integration


@pytest.fixture
def server_url(monkeypatch):
    url = postgres_test_url()
    for name in ("PGHOST", "PGPORT", "PGDATABASE", "LEDGER_POSTGRES_URL"):
        monkeypatch.delenv(name, raising=False)  # the harness takes the test server
    monkeypatch.setattr(bench, "DAGSTER_IMPORT_RUNS", 1)
    return url


def test_two_run_processes_give_the_marts_of_one(server_url, tmp_path, capsys):
    out = tmp_path / "out"
    code = bench.main(["--postgres-workers", "--sizes", "3", "--out", str(out)])
    printed = capsys.readouterr().out
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["size"], r["step"]) for r in rows] == [
        ("3", "generate"),
        ("3", "postgres_w1"),
        ("3", "postgres_w2"),
    ], printed[-3000:]
    assert code == 0 and all(r["ok"] == "1" for r in rows), printed[-5000:]
    assert "2 at once" in printed and "marts identical (9 tables" in printed
    assert "runs OK, identical" in printed
    assert (out / "logs" / "3-postgres_w2.log").exists()
