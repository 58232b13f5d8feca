"""The raw-folder sensor alone: what it requests for new, changed, many and removed files."""

import dagster as dg
from dagster._core.test_utils import instance_for_test

from orchestration.automation import BATCH_ABOVE, raw_files_sensor
from orchestration.resources import LedgerPaths


def tick(instance, raw_dir, cursor=None):
    ledger = LedgerPaths(raw_dir=str(raw_dir), duckdb_path="unused.duckdb", report_dir="unused")
    result = raw_files_sensor(
        dg.build_sensor_context(instance=instance, cursor=cursor, resources={"ledger": ledger})
    )
    if isinstance(result, dg.SensorResult):
        for request in result.dynamic_partitions_requests or []:
            instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
    return result


def write_articles(raw_dir, ids):
    (raw_dir / "articles").mkdir(parents=True, exist_ok=True)
    for article_id in ids:
        (raw_dir / "articles" / f"{article_id}.txt").write_text(f"标题\n\n{article_id}正文。")


def test_a_few_new_articles_get_a_run_each(tmp_path):
    write_articles(tmp_path, ["a", "b"])
    with instance_for_test() as instance:
        result = tick(instance, tmp_path)
        assert sorted(r.partition_key for r in result.run_requests) == ["a", "b"]
        assert instance.get_dynamic_partitions("articles") == ["a", "b"]
        assert isinstance(tick(instance, tmp_path, result.cursor), dg.SkipReason)


def test_many_new_articles_get_one_run_over_their_range(tmp_path):
    ids = [f"x{i:02d}" for i in range(BATCH_ABOVE + 2)]
    write_articles(tmp_path, ids)
    with instance_for_test() as instance:
        [request] = tick(instance, tmp_path).run_requests
        assert request.partition_key is None
        assert request.tags["dagster/asset_partition_range_start"] == ids[0]
        assert request.tags["dagster/asset_partition_range_end"] == ids[-1]


def test_changed_and_removed_files(tmp_path):
    write_articles(tmp_path, ["a", "b"])
    with instance_for_test() as instance:
        cursor = tick(instance, tmp_path).cursor
        (tmp_path / "articles" / "a.txt").write_text("标题\n\n改过的正文。")  # same mtime is fine
        (tmp_path / "articles" / "b.txt").unlink()
        result = tick(instance, tmp_path, cursor)
        keys = sorted(
            r.run_key.split(":")[0] + ":" + r.run_key.split(":")[-1] for r in result.run_requests
        )
        assert keys[0].startswith("a:") and keys[1] == "b:removed"
