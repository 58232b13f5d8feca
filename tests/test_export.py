"""``make export`` (issue 15, item 7): the contract's tables as Parquet and CSV that pandas,
DuckDB and a spreadsheet open, with the warehouse's row counts."""

from __future__ import annotations

import datetime as dt
import importlib.util

import duckdb
import pandas as pd
import pytest

from orchestration.cli.export import EXPORTED_TABLES, export_tables
from orchestration.warehouse.duckdb import DuckDBWarehouse
from tests.conftest import ROOT, query

BOM = b"\xef\xbb\xbf"
MARTS = ("mart_funding", "mart_trade", "mart_transport", "mart_talent")


def read_parquet_with_pandas(path) -> pd.DataFrame:
    """pandas reads Parquet through pyarrow (or fastparquet), which the ledger does not
    install; without them, through DuckDB into pandas (as the README says)."""
    if importlib.util.find_spec("pyarrow") or importlib.util.find_spec("fastparquet"):
        return pd.read_parquet(path)
    return duckdb.read_parquet(str(path)).df()


@pytest.fixture(scope="module")
def seed_export(seed_run, tmp_path_factory):
    settings, _ = seed_run
    folder = tmp_path_factory.mktemp("exports")
    return settings, export_tables(settings.open_warehouse(), folder)


@pytest.mark.integration
def test_every_contract_table_the_warehouse_holds_is_exported(seed_export):
    settings, export = seed_export
    held = {
        t
        for (t,) in query(
            settings, "select table_name from information_schema.tables where table_schema='main'"
        )
    }
    assert {t.table for t in export.tables} == {t for t in EXPORTED_TABLES if t in held}
    assert export.missing == [t for t in EXPORTED_TABLES if t not in held]
    assert {"fct_figures", "dim_city", *MARTS} <= {t.table for t in export.tables}


@pytest.mark.integration
def test_pandas_and_duckdb_read_every_file_with_the_warehouse_row_count(seed_export):
    settings, export = seed_export
    for item in export.tables:
        [(rows,)] = query(settings, f"select count(*) from main.{item.table}")
        assert item.rows == rows > 0, item.table
        assert item.csv.read_bytes().startswith(BOM), item.csv
        # pandas: the CSV (with or without saying the encoding) and the Parquet file
        from_csv = pd.read_csv(item.csv, encoding="utf-8-sig")
        assert len(from_csv) == rows, item.csv
        assert list(pd.read_csv(item.csv, nrows=0).columns) == list(from_csv.columns)
        assert len(read_parquet_with_pandas(item.parquet)) == rows, item.parquet
        # DuckDB: both files
        with duckdb.connect() as con:
            [(parquet_rows,)] = con.execute(
                "select count(*) from read_parquet(?)", [str(item.parquet)]
            ).fetchall()
            [(csv_rows,)] = con.execute(
                "select count(*) from read_csv(?)", [str(item.csv)]
            ).fetchall()
        assert parquet_rows == csv_rows == rows, item.table


@pytest.mark.integration
def test_the_files_hold_the_warehouse_rows_with_their_types(seed_export):
    settings, export = seed_export
    [item] = [t for t in export.tables if t.table == "fct_figures"]
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        warehouse_rows = con.execute("select * from main.fct_figures order by figure_id").fetchall()
        # names and types (a Parquet column does not carry the contract's not-null constraint)
        warehouse_types = [row[:2] for row in con.execute("describe main.fct_figures").fetchall()]
        parquet = f"read_parquet('{item.parquet}')"
        assert con.execute(f"select * from {parquet} order by figure_id").fetchall() == (
            warehouse_rows
        )
        described = con.execute(f"describe select * from {parquet}").fetchall()
        assert [row[:2] for row in described] == warehouse_types
    from_csv = pd.read_csv(item.csv, dtype=str, keep_default_na=False)
    by_id = from_csv.set_index("figure_id")
    figure = by_id.loc[by_id["surface"] == "17.41亿元"].iloc[0]
    assert (figure["city_name"], figure["unit"], float(figure["value"])) == (
        "乌兰察布",
        "CNY",
        1741000000.0,
    )
    dated = from_csv.loc[from_csv["period_start"] != "", "period_start"]
    assert len(dated) and all(dt.date.fromisoformat(d) for d in dated)  # dates, no 00:00:00


def test_a_missing_table_is_named_and_its_old_files_removed(tmp_path, capsys, monkeypatch):
    """A warehouse with only ``dim_city`` (nulls, a date, Chinese text): that table is
    written, the others are named as missing, and an earlier export's file of a missing
    table does not stay behind."""
    from orchestration.cli.export import main

    warehouse = DuckDBWarehouse(tmp_path / "w.duckdb")
    with warehouse.connect() as con:
        con.execute(
            """create table main.dim_city as select * from (values
                ('ordos', '鄂尔多斯', 42, date '2024-03-17', 1.5, true),
                ('ulanqab', '乌兰察布', null, null, null, null)
            ) t(city_code, city_name, figure_count, updated_on, share, coastal)"""
        )
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "mart_trade.csv").write_text("stale", encoding="utf-8")
    monkeypatch.setenv("LEDGER_DUCKDB_PATH", str(warehouse.path))
    monkeypatch.setenv("LEDGER_WAREHOUSE", "duckdb")
    monkeypatch.setenv("LEDGER_EXPORT_DIR", str(folder))
    assert main() == 0
    out = capsys.readouterr().out
    assert "dim_city" in out and " 2 rows" in out
    missing = [t for t in EXPORTED_TABLES if t != "dim_city"]
    assert f"not in the warehouse, not exported: {', '.join(missing)}" in out
    assert sorted(p.name for p in folder.iterdir()) == ["dim_city.csv", "dim_city.parquet"]
    text = (folder / "dim_city.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "city_code,city_name,figure_count,updated_on,share,coastal",
        "ordos,鄂尔多斯,42,2024-03-17,1.5,True",
        "ulanqab,乌兰察布,,,,",
    ]
    with duckdb.connect() as con:
        rows = con.execute(
            "select * from read_parquet(?) order by city_code", [str(folder / "dim_city.parquet")]
        ).fetchall()
    assert rows == [
        ("ordos", "鄂尔多斯", 42, dt.date(2024, 3, 17), 1.5, True),
        ("ulanqab", "乌兰察布", None, None, None, None),
    ]


def test_no_warehouse_says_so(tmp_path, capsys, monkeypatch):
    from orchestration.cli.export import main

    monkeypatch.setenv("LEDGER_DUCKDB_PATH", str(tmp_path / "none.duckdb"))
    monkeypatch.setenv("LEDGER_WAREHOUSE", "duckdb")
    monkeypatch.setenv("LEDGER_EXPORT_DIR", str(tmp_path / "exports"))
    assert main() == 1
    assert "no warehouse at" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_make_export_runs_the_module():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nexport: $(STAMP)\n\t$(BIN)/python -m orchestration.cli.export\n" in makefile
    phony = next(line for line in makefile.splitlines() if line.startswith(".PHONY:"))
    assert " export" in phony
