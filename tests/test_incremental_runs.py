"""A run for some articles leaves the warehouse as a full run over the same folder would.

The dbt models are incremental by article (macros/article_batches.sql), and the timeline,
which compares articles, by the quantities the run's articles touch (macros/timeline.sql):
a changed article whose figures move to other periods must leave no row behind, a new
article that repeats another's figures must join that article's rows."""

import shutil

import dagster as dg
import duckdb
import pytest

from orchestration.cli.run_articles import materialize_articles
from tests.conftest import DEV_DATA, RAW, make_raw_dir, run_pipeline

pytestmark = pytest.mark.integration

# columns that record when a row was written, not what it says
WHEN_WRITTEN = {"loaded_at", "detected_at"}


def tables(path) -> dict[str, list[tuple]]:
    """Every table and view of the dbt schema, rows sorted, without write times."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        ]
        contents = {}
        for name in sorted(names):
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns where table_schema ="
                    f" 'main' and table_name = '{name}' order by ordinal_position"
                ).fetchall()
                if row[0] not in WHEN_WRITTEN
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            contents[name] = con.execute(
                f"select {listed} from main.{name} order by all"
            ).fetchall()
        return contents


def test_a_run_for_some_articles_leaves_what_a_full_run_would(tmp_path):
    sources = [RAW / "articles" / "nmg-regional-cooperation.txt"] + sorted(
        (DEV_DATA / "real" / "articles").glob("*.txt")
    )
    raw = make_raw_dir(tmp_path / "raw", sources, with_annotations=False)  # the text changes
    settings, result = run_pipeline(raw, tmp_path / "incremental")
    assert result.success
    before = tables(settings.duckdb_path)
    assert before["mart_figure_timeline"], "the articles put figures on the timeline"

    # one article moves its figures to another year (its old quantities lose their only
    # article) and changes a value; a new one repeats another article under another name
    changed = raw / "articles" / "real-east-leagues.txt"
    text = changed.read_text(encoding="utf-8")
    assert "2023年" in text
    changed.write_text(text.replace("2023年", "2022年").replace("5", "6"), encoding="utf-8")
    shutil.copy(raw / "articles" / "real-wire-customs.txt", raw / "articles" / "copy-wire.txt")
    result = materialize_articles(
        settings, ["real-east-leagues", "copy-wire"], dg.DagsterInstance.ephemeral()
    )
    assert result.success
    after = tables(settings.duckdb_path)
    assert after["mart_figure_timeline"] != before["mart_figure_timeline"]

    full_settings, full = run_pipeline(raw, tmp_path / "full")
    assert full.success
    expected = tables(full_settings.duckdb_path)
    assert after.keys() == expected.keys()
    for name in expected:
        assert after[name] == expected[name], name
