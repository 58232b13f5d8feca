"""Shared fixtures: a whole-graph materialization into a temporary DuckDB file."""

import csv
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
DEV_DATA = Path(__file__).resolve().parent / "data"

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def make_raw_dir(target: Path, sources: list[Path], with_annotations: bool = True) -> Path:
    """A raw folder holding copies of the given articles (and their annotation files)."""
    (target / "articles").mkdir(parents=True)
    if with_annotations:
        (target / "annotations").mkdir()
    for article in sources:
        shutil.copy(article, target / "articles" / article.name)
        annotation = article.parent.parent / "annotations" / f"{article.stem}.csv"
        if with_annotations and annotation.exists():
            shutil.copy(annotation, target / "annotations" / annotation.name)
    return target


def postgres_test_url() -> str:
    """The throwaway Postgres server of ``scripts/postgres_test_server.sh``: skips the test
    without one, and fails it in CI, which must run the Postgres tests."""
    url = os.environ.get("LEDGER_TEST_POSTGRES_URL")
    if not url:
        message = (
            'no PostgreSQL server: start one with `eval "$(scripts/postgres_test_server.sh start)"`'
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Postgres tests; {message}")
        pytest.skip(message)
    return url


def run_pipeline(
    raw_dir: Path, work: Path, name: str = "warehouse", instance=None, **settings_overrides
):
    """Materialize every asset and check for ``raw_dir`` into ``work``; return (settings, result).

    The Dagster instance used is attached to the result as ``result.ledger_instance``."""
    import dagster as dg

    from orchestration.cli.run_all import materialize_everything
    from orchestration.defs.transform.manifest import prepare_manifest

    settings = Settings(
        raw_dir=raw_dir,
        duckdb_path=work / f"{name}.duckdb",
        report_dir=work / "reports",
        **settings_overrides,
    )
    prepare_manifest(settings)
    instance = instance or dg.DagsterInstance.ephemeral()
    result = materialize_everything(settings, instance=instance)
    result.ledger_instance = instance
    return settings, result


def query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def append_a_column_for_one_article(warehouse) -> list[list]:
    """An older ledger wrote raw.parsed for articles a and b; a newer one, which appends a
    column (home_place_code), writes article a alone. Returns the table's rows, nulls as
    "null": what both warehouses must keep (tests of DuckDB and of Postgres)."""
    import pandas as pd

    old = {"article_id": "VARCHAR", "headline": "VARCHAR"}
    new = {**old, "home_place_code": "VARCHAR"}
    rows = pd.DataFrame({"article_id": ["a", "b"], "headline": ["A", "B"]})
    warehouse.replace_rows("parsed", rows, old, "article_id", ["a", "b"])
    one = pd.DataFrame({"article_id": ["a"], "headline": ["A2"], "home_place_code": ["hinggan"]})
    warehouse.replace_rows("parsed", one, new, "article_id", ["a"])
    table = warehouse.read_query(
        "SELECT article_id, headline, home_place_code FROM raw.parsed ORDER BY article_id"
    )
    return table.fillna("null").values.tolist()


def read_annotations(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


ANNOTATED_ARTICLES = [
    *sorted((RAW / "articles").glob("*.txt")),
    *sorted((DEV_DATA / "articles").glob("*.txt")),
]


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory):
    """The seed and the development articles with their annotations, materialized once."""
    work = tmp_path_factory.mktemp("seed_run")
    raw = make_raw_dir(work / "raw", ANNOTATED_ARTICLES)
    return run_pipeline(raw, work)
