"""The machinery that makes runs cheap: the warm dbt server (``ledger-dbt``) and the batched
sqlite event log. Both must behave exactly like what they replace."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.runtime import SWITCH_ENV, dbt_server

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

    from orchestration.warehouse.duckdb import DuckDBWarehouse

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
    from orchestration.defs.transform.dbt_assets import KEEP_DBT_TARGETS, _prune_dbt_targets

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


def test_duckdb_memory_is_limited_and_a_bad_limit_named(tmp_path, monkeypatch):
    """Every warehouse connection (and dbt, through the same variable) caps DuckDB's memory;
    a value DuckDB cannot read stops with the variable's name, not DuckDB's words alone."""
    from orchestration.defs.transform.manifest import dbt_warehouse_env
    from orchestration.warehouse.duckdb import MEMORY_LIMIT_ENV, DuckDBWarehouse

    warehouse = DuckDBWarehouse(tmp_path / "w.duckdb")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "300MB")
    with warehouse.connect() as connection:
        setting = connection.execute("select current_setting('memory_limit')").fetchone()[0]
    assert setting.startswith("286") or setting.startswith("300"), setting  # 300 MB = 286 MiB
    assert dbt_warehouse_env(warehouse)[MEMORY_LIMIT_ENV] == "300MB"
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(ValueError, match=MEMORY_LIMIT_ENV), warehouse.connect():
        pass


def test_dbt_tests_reach_the_report_when_dbt_exits_non_zero(tmp_path, monkeypatch):
    """A failing dbt test of severity error makes dbt exit non-zero and the step fail; the
    tests dbt ran are recorded in the report all the same (they already reached Dagster)."""
    from types import SimpleNamespace

    from orchestration.defs.transform import dbt_assets
    from orchestration.quality.report import CheckRecord, load_records
    from orchestration.warehouse.duckdb import DuckDBWarehouse

    failing = CheckRecord(
        check="not_null_fct_figures_value",
        asset="fct_figures",
        passed=False,
        blocking=True,
        description="dbt test: 3 failing rows",
    )

    def dbt_that_fails(context, dbt, warehouse, args, keys, tests):
        tests.append(failing)
        yield "the test's check result"
        raise RuntimeError("dbt exited with code 1")

    monkeypatch.setattr(os, "environ", dict(os.environ))  # _build sets dbt's variables
    monkeypatch.setattr(dbt_assets, "_dbt_build", dbt_that_fails)
    ledger = SimpleNamespace(warehouse=DuckDBWarehouse(tmp_path / "w.duckdb"), reports=tmp_path)
    steps = dbt_assets._build(object(), None, ledger)
    assert next(steps) == "the test's check result"
    with pytest.raises(RuntimeError, match="code 1"):
        next(steps)
    [recorded] = load_records(tmp_path)
    assert (recorded.check, recorded.passed, recorded.blocking) == (failing.check, False, True)


def test_a_run_for_some_articles_after_an_upgrade_keeps_the_others_rows(tmp_path):
    """A newer ledger appends a column to a raw table (raw.parsed_articles.home_place_code);
    a run for one article adds the column and keeps every other article's row (null there);
    columns that differ otherwise rebuild the table, as before."""
    import pandas as pd

    from orchestration.warehouse.duckdb import DuckDBWarehouse
    from tests.conftest import append_a_column_for_one_article

    warehouse = DuckDBWarehouse(tmp_path / "w.duckdb")
    got = append_a_column_for_one_article(warehouse)
    assert got == [["a", "A2", "hinggan"], ["b", "B", "null"]]
    other = {"article_id": "VARCHAR", "title": "VARCHAR"}
    warehouse.replace_rows(
        "parsed", pd.DataFrame({"article_id": ["c"], "title": ["C"]}), other, "article_id", ["c"]
    )
    assert warehouse.read_query("SELECT * FROM raw.parsed").values.tolist() == [["c", "C"]]
