"""The raw-folder sensor alone: what it requests for new, changed, many and removed files."""

import dagster as dg
import pytest

from orchestration.defs.automation.triggers import BATCH_ABOVE, raw_files_sensor
from orchestration.defs.resources import LedgerPaths
from orchestration.defs.scope import (
    ARTICLES_TAG,
    MAX_TAG_BYTES,
    scope_batches,
    scope_tags,
    tagged_article_ids,
)


def tick(raw_dir, cursor=None):
    ledger = LedgerPaths(raw_dir=str(raw_dir), duckdb_path="unused.duckdb", report_dir="unused")
    return raw_files_sensor(dg.build_sensor_context(cursor=cursor, resources={"ledger": ledger}))


def write_articles(raw_dir, ids):
    (raw_dir / "articles").mkdir(parents=True, exist_ok=True)
    for article_id in ids:
        (raw_dir / "articles" / f"{article_id}.txt").write_text(f"标题\n\n{article_id}正文。")


def test_a_few_new_articles_get_a_run_each(tmp_path):
    write_articles(tmp_path, ["a", "b"])
    result = tick(tmp_path)
    assert sorted(tagged_article_ids(r.tags) for r in result.run_requests) == [["a"], ["b"]]
    assert isinstance(tick(tmp_path, result.cursor), dg.SkipReason)


def test_many_new_articles_get_one_run_over_them_all(tmp_path):
    ids = [f"x{i:02d}" for i in range(BATCH_ABOVE + 2)]
    write_articles(tmp_path, ids)
    [request] = tick(tmp_path).run_requests
    assert tagged_article_ids(request.tags) == ids


def test_changed_and_removed_files(tmp_path):
    write_articles(tmp_path, ["a", "b"])
    cursor = tick(tmp_path).cursor
    (tmp_path / "articles" / "a.txt").write_text("标题\n\n改过的正文。")  # same mtime is fine
    (tmp_path / "articles" / "b.txt").unlink()
    result = tick(tmp_path, cursor)
    keys = sorted(r.run_key.rsplit(":", 1)[0] for r in result.run_requests)
    assert keys == ["a", "b:removed"]
    assert sorted(tagged_article_ids(r.tags) for r in result.run_requests) == [["a"], ["b"]]


def test_a_bulk_copy_gets_runs_whose_tags_a_postgres_instance_can_store(tmp_path):
    """Postgres indexes run tags (≈ 2.7 KB a row): 1,000 ids as plain JSON (18 KB) could not
    be stored and the run was never created. Long lists are compressed, and what does not
    fit even then is cut into several runs; every id is in exactly one of them."""
    ids = [f"synth-s0-{i:06d}" for i in range(1, 1001)]
    write_articles(tmp_path, ids)
    requests = tick(tmp_path).run_requests
    assert len(requests) > 1
    assert all(len(value) <= MAX_TAG_BYTES for r in requests for value in r.tags.values())
    assert len({r.run_key for r in requests}) == len(requests)
    assert [i for r in requests for i in tagged_article_ids(r.tags)] == ids


def test_scope_tags_round_trip_and_refuse_what_does_not_fit():
    few = ["a", "b"]
    assert scope_tags(few) == {ARTICLES_TAG: '["a", "b"]'}  # short lists stay readable
    many = [f"2024-03-{d:02d}-region-news-{n}" for d in range(1, 29) for n in range(4)]
    [batch] = scope_batches(many)  # compressed, it fits one tag
    tags = scope_tags(batch)
    assert tags[ARTICLES_TAG].startswith("zlib:") and tagged_article_ids(tags) == many
    random_ids = [f"{n * 7919 % 1000003:07d}-{n}" for n in range(2000)]
    with pytest.raises(ValueError, match="scope_batches"):
        scope_tags(random_ids)
    with pytest.raises(ValueError, match=ARTICLES_TAG):
        tagged_article_ids({ARTICLES_TAG: "zlib:not base64!"})
