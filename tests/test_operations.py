"""Unattended operation: runs for some articles, the sensor, the schedule, single writer."""

import os
import shutil
import subprocess
import sys

import dagster as dg
import pytest

from orchestration.cli.run_articles import materialize_articles
from orchestration.defs.automation.triggers import daily_refresh, raw_files_sensor
from orchestration.defs.resources import LedgerPaths
from orchestration.defs.scope import ARTICLES_TAG, tagged_article_ids
from tests.conftest import DEV_DATA, RAW, ROOT, make_raw_dir, query, run_pipeline

pytestmark = pytest.mark.integration
SEED_ID = "nmg-regional-cooperation"
NEW_ID = "dev-east-cooperation"


def tick(instance, settings, cursor):
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"ledger": LedgerPaths.from_settings(settings)},
    )
    return raw_files_sensor(context)


def requested_scopes(requests) -> list[list[str]]:
    return [tagged_article_ids(r.tags) for r in requests]


def snapshot(settings, article_id):
    return query(
        settings,
        f"""
        select figure_id, value, unit, city_code, category from fct_figures
        where article_id = '{article_id}' order by figure_id""",
    )


@pytest.fixture(scope="module")
def operated(tmp_path_factory):
    work = tmp_path_factory.mktemp("operations")
    raw = make_raw_dir(work / "raw", [RAW / "articles" / f"{SEED_ID}.txt"])
    settings, result = run_pipeline(raw, work)
    assert result.success
    return settings, result.ledger_instance


def test_sensor_runs_only_the_new_article(operated):
    settings, instance = operated
    first = tick(instance, settings, cursor=None)
    # first tick: the sensor has seen nothing yet; the seed is requested once
    assert requested_scopes(first.run_requests) == [[SEED_ID]]
    assert tick(instance, settings, first.cursor).__class__ is dg.SkipReason

    before = snapshot(settings, SEED_ID)
    loaded_before = query(
        settings, f"select loaded_at from raw.articles where article_id = '{SEED_ID}'"
    )
    shutil.copy(DEV_DATA / "articles" / f"{NEW_ID}.txt", settings.raw_dir / "articles")
    shutil.copy(DEV_DATA / "annotations" / f"{NEW_ID}.csv", settings.raw_dir / "annotations")
    second = tick(instance, settings, first.cursor)
    assert requested_scopes(second.run_requests) == [[NEW_ID]]

    result = materialize_articles(settings, [NEW_ID], instance)
    assert result.success
    events = result.get_asset_materialization_events()
    # one run tagged with the article; every asset materializes once (no partitions), the
    # tables change for that article only (checked below: the seed's rows are untouched)
    assert result.dagster_run.tags[ARTICLES_TAG] == f'["{NEW_ID}"]'
    materialized = [e.asset_key.to_user_string() for e in events]
    assert len(materialized) == len(set(materialized))
    assert {"raw_articles", "parsed_articles", "extracted_figures"} <= set(materialized)
    assert all(e.partition is None for e in events)
    assert len(snapshot(settings, NEW_ID)) >= 40
    # dbt's tests checked the run's article (macros/article_batches.sql: get_where_subquery);
    # a model without article_id is tested whole
    core = max(
        (ROOT / "dbt_project" / "target").glob("ledger_dbt_core-*"), key=lambda p: p.stat().st_mtime
    )
    scoped = next(core.rglob("unique_fct_figures_figure_id.sql")).read_text()
    assert f"article_id in ('{NEW_ID}')" in scoped
    whole = next(core.rglob("row_count_equals_dim_city_12.sql")).read_text()
    assert "article_id" not in whole
    assert (
        query(settings, f"select count(*) from mart_trade where article_id = '{NEW_ID}'")[0][0] > 0
    )
    # the seed's rows are untouched, not even reloaded
    assert snapshot(settings, SEED_ID) == before
    assert (
        query(settings, f"select loaded_at from raw.articles where article_id = '{SEED_ID}'")
        == loaded_before
    )

    # re-running the same article gives the same rows (idempotent)
    count = query(settings, "select count(*) from fct_figures")
    assert materialize_articles(settings, [NEW_ID], instance).success
    assert query(settings, "select count(*) from fct_figures") == count

    # a changed file is noticed by its content hash, a removed one deletes its rows
    third = tick(instance, settings, second.cursor)
    assert isinstance(third, dg.SkipReason)
    article = settings.raw_dir / "articles" / f"{NEW_ID}.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fourth = tick(instance, settings, second.cursor)
    assert requested_scopes(fourth.run_requests) == [[NEW_ID]]
    article.unlink()
    (settings.raw_dir / "annotations" / f"{NEW_ID}.csv").unlink()
    fifth = tick(instance, settings, fourth.cursor)
    assert [r.run_key.rsplit(":", 1)[0] for r in fifth.run_requests] == [f"{NEW_ID}:removed"]
    assert requested_scopes(fifth.run_requests) == [[NEW_ID]]
    assert materialize_articles(settings, [NEW_ID], instance).success
    assert snapshot(settings, NEW_ID) == []
    assert snapshot(settings, SEED_ID) == before
    [(reason,)] = query(settings, f"select reason from quarantine where article_id = '{NEW_ID}'")
    assert "no longer exists" in reason


def test_daily_schedule_requests_every_article_in_one_run():
    request = daily_refresh(dg.build_schedule_context())
    assert isinstance(request, dg.RunRequest)
    assert tagged_article_ids(request.tags or {}) is None  # no scope: a full run


def test_two_runs_back_to_back_both_land(tmp_path):
    """Two processes materialize two articles at the same time into one warehouse."""
    raw = make_raw_dir(
        tmp_path / "raw",
        [RAW / "articles" / f"{SEED_ID}.txt", DEV_DATA / "articles" / f"{NEW_ID}.txt"],
    )
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {
        **os.environ,
        "LEDGER_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(home),
        "LEDGER_DUCKDB_PATH": str(tmp_path / "shared.duckdb"),
        "LEDGER_REPORT_DIR": str(tmp_path / "reports"),
    }
    # the two article runs race each other into a warehouse that does not exist yet
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli.run_articles", article],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for article in (SEED_ID, NEW_ID)
    ]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs[0][-3000:] + outputs[1][-3000:]
    import duckdb

    with duckdb.connect(str(tmp_path / "shared.duckdb"), read_only=True) as con:
        counts = dict(
            con.execute("select article_id, count(*) from fct_figures group by 1").fetchall()
        )
        runs = con.execute("select count(*) from raw.articles").fetchone()[0]
    assert set(counts) == {SEED_ID, NEW_ID} and min(counts.values()) >= 40
    assert runs == 2
    # the article runs replaced what the first full run wrote: nothing duplicated
    figure_ids = query_ids(tmp_path / "shared.duckdb")
    assert len(figure_ids) == len(set(figure_ids)) == sum(counts.values())


def query_ids(path):
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return [r[0] for r in con.execute("select figure_id from fct_figures").fetchall()]
