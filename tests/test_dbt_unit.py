"""dbt's unit tests (``unit_tests:`` in dbt_project/models/**/*.yml) run and pass against a
fresh DuckDB file, and the schema files say what every data test checks and what type every
column of a contract table has.

Unit tests need the relations their model reads to exist (dbt reads their column types), so
the test creates the raw tables empty (the Python assets' column types) and runs
``dbt build --empty --exclude-resource-type test``: every model built empty, the seed, and
the unit tests before the model each one tests (≈ 6 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml

from orchestration import contract

ROOT = Path(__file__).resolve().parent.parent
DBT = ROOT / "dbt_project"


def schema_files():
    for path in sorted((DBT / "models").rglob("*.yml")):
        yield path, yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def declared_unit_tests() -> dict[str, str]:
    """{unit test: model} of every schema file."""
    return {t["name"]: t["model"] for _, doc in schema_files() for t in doc.get("unit_tests", [])}


def raw_tables() -> dict[str, dict[str, str]]:
    """The dbt sources with the columns the Python assets write them with."""
    from orchestration.defs.ingest import assets

    problems = assets.PROBLEM_COLUMNS
    return {
        "articles": assets.ARTICLE_COLUMNS,
        "decode_problems": problems,
        "parsed_articles": assets.PARSED_COLUMNS,
        "article_blocks": assets.BLOCK_COLUMNS,
        "parse_problems": problems,
        "annotations": assets.ANNOTATION_COLUMNS,
        "annotations_problems": problems,
        "extracted_figures": assets.FIGURE_COLUMNS,
        "cities": assets.CITY_COLUMNS,
        "places": assets.PLACE_COLUMNS,
        "metrics": assets.METRIC_COLUMNS,
    }


def test_every_data_test_has_a_description():
    missing = []
    for path, doc in schema_files():
        for model in doc.get("models", []):
            owners = [(model["name"], model)] + [
                (f"{model['name']}.{c['name']}", c) for c in model.get("columns", [])
            ]
            for where, owner in owners:
                for test in owner.get("data_tests", []):
                    body = {} if isinstance(test, str) else next(iter(test.values())) or {}
                    if not str(body.get("description", "")).strip():
                        missing.append(f"{path.name}: {where} {test}")
    assert missing == []


def test_contract_tables_enforce_their_contract():
    models = {m["name"]: m for _, doc in schema_files() for m in doc.get("models", [])}
    for name in contract.CONTRACT_TABLES:
        model = models[name]
        assert model.get("config", {}).get("contract", {}).get("enforced") is True, name
        untyped = [c["name"] for c in model["columns"] if not c.get("data_type")]
        assert untyped == [], name


def test_unit_tests_cover_the_models_with_logic():
    tested = set(declared_unit_tests().values())
    assert {
        "int_annotation_matches",
        "int_figures_reconciled",
        "annotation_reconciliation",
        "figure_review",
        "fct_figures",
        "mart_figure_timeline",
    } <= tested
    assert tested & set(contract.PUBLISHED_MARTS)  # a mart of the category_mart macro


def test_unit_tests_pass_on_a_fresh_warehouse(tmp_path):
    sources = yaml.safe_load((DBT / "models" / "staging" / "_sources.yml").read_text("utf-8"))
    tables = raw_tables()
    assert {t["name"] for t in sources["sources"][0]["tables"]} == set(tables)
    warehouse = tmp_path / "unit.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw")
        for table, columns in tables.items():
            typed = ", ".join(f"{name} {kind}" for name, kind in columns.items())
            con.execute(f"create table raw.{table} ({typed})")
    dbt = Path(sys.executable).parent / "dbt"
    target = tmp_path / "target"
    command = [str(dbt) if dbt.exists() else "dbt", "build", "--empty"]
    command += ["--exclude-resource-type", "test", "--project-dir", str(DBT)]
    command += ["--profiles-dir", str(DBT), "--target", "duckdb"]
    command += ["--target-path", str(target), "--log-path", str(tmp_path / "logs")]
    env = {**os.environ, "LEDGER_DUCKDB_PATH": str(warehouse)}
    env.pop("LEDGER_DBT_BATCH", None)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    # unit_test.<project>.<model>.<name>
    units = {
        r["unique_id"].split(".")[-1]: r["status"]
        for r in results
        if r["unique_id"].startswith("unit_test.")
    }
    assert units == {name: "pass" for name in declared_unit_tests()}
    assert len(units) >= 7
