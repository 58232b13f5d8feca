"""The raw-folder sensor alone: what it requests for new, changed, many and removed files."""

import dagster as dg

from orchestration.defs.automation.triggers import BATCH_ABOVE, raw_files_sensor
from orchestration.defs.resources import LedgerPaths
from orchestration.defs.scope import tagged_article_ids


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
