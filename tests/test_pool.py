"""The text work's process pool (``orchestration/runtime/pool.py``): same rows, same order.

The central test writes the raw tables of a few articles twice, with ``LEDGER_WORKERS=1``
(in process) and ``=2`` (two forkserver workers; the pool's threshold lowered so that a
handful of articles gets one, tasks of one article, chunks of three), and compares them
row for row in the order they were written.
"""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import dagster as dg
import duckdb
import pytest

from benchmarks.corpus import generate_corpus
from orchestration.defs.ingest import assets as ingest
from orchestration.defs.resources import LedgerPaths
from orchestration.runtime import pool
from orchestration.settings import Settings, available_cores, ledger_workers
from tests.conftest import ANNOTATED_ARTICLES, make_raw_dir

VOLATILE = {"loaded_at", "detected_at"}  # when a row was written differs between two runs
TABLES = (
    "articles",
    "parsed_articles",
    "article_blocks",
    "parse_problems",
    "annotations",
    "annotations_problems",
    "extracted_figures",
)
TEXT_STEPS = ("parsed_articles", "article_annotations", "extracted_figures")


def _double(items: list[int]) -> list[int]:
    return [2 * i for i in items]


def _fail_on_three(items: list[int]) -> list[int]:
    if 3 in items:
        raise ValueError("three")
    return items


def _die(items: list[int]) -> list[int]:
    os._exit(1)


def test_ledger_workers_setting(monkeypatch):
    assert ledger_workers({}) == available_cores() >= 1
    assert ledger_workers({"LEDGER_WORKERS": "3"}) == 3
    assert ledger_workers({"LEDGER_WORKERS": " 1 "}) == 1
    for bad in ("0", "-2", "two", ""):
        assert ledger_workers({"LEDGER_WORKERS": bad}) == available_cores()


def test_a_run_gets_a_pool_only_when_it_pays(monkeypatch):
    monkeypatch.setenv("LEDGER_WORKERS", "2")
    assert pool.workers_for(1) == 1
    assert pool.workers_for(pool.POOL_ABOVE) == 1
    assert pool.workers_for(pool.POOL_ABOVE + 1) == 2
    assert pool.run_pool("run-a", 1) is None  # a one-article run: no pool, nothing started
    monkeypatch.setenv("LEDGER_WORKERS", "1")
    assert pool.run_pool("run-a", 10 * pool.POOL_ABOVE) is None
    monkeypatch.setenv("LEDGER_WORKERS", "2")
    first = pool.run_pool("run-a", 10 * pool.POOL_ABOVE)
    assert first is not None and first.workers == 2
    assert pool.run_pool("run-a", 1) is first  # the same run: the same pool
    try:
        second = pool.run_pool("run-b", 10 * pool.POOL_ABOVE)
        assert second is not first  # another run: the old pool closed, a new one
    finally:
        pool.close_pool()


def test_chunked_map_keeps_order_and_chunks_with_and_without_a_pool():
    chunks = [("a", [1, 2, 3]), ("empty", []), ("b", [4]), ("c", list(range(5, 17)))]
    expected = [(key, [2 * i for i in items]) for key, items in chunks]
    assert list(pool.chunked_map(_double, chunks, None)) == expected
    text_pool = pool.TextPool(2)
    try:
        assert list(pool.chunked_map(_double, chunks, text_pool, task_size=2)) == expected
        assert text_pool.start_seconds is not None
        assert list(pool.chunked_map(_double, iter(chunks), text_pool)) == expected  # reused
    finally:
        text_pool.close()


def test_chunks_are_read_only_as_the_workers_need_them():
    read: list[int] = []

    def chunks():
        for index in range(50):
            read.append(index)
            yield index, [index]

    text_pool = pool.TextPool(2)
    try:
        results = pool.chunked_map(_double, chunks(), text_pool, task_size=1)
        assert next(results) == (0, [0])
        assert len(read) <= 2 * text_pool.workers + 1  # not all fifty chunks at once
        assert [key for key, _ in results] == list(range(1, 50))
    finally:
        text_pool.close()


def test_a_failing_task_fails_the_caller_and_a_dead_worker_does_not_hang_it():
    text_pool = pool.TextPool(2)
    try:
        with pytest.raises(ValueError, match="three"):
            list(pool.chunked_map(_fail_on_three, [("x", [1, 2, 3, 4])], text_pool, task_size=1))
        with pytest.raises(BrokenProcessPool):
            list(pool.chunked_map(_die, [("x", [1])], text_pool))
    finally:
        text_pool.close()


def _rows(path, table: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        columns = [
            c[0] for c in con.execute(f"DESCRIBE raw.{table}").fetchall() if c[0] not in VOLATILE
        ]
        return con.execute(
            f"SELECT {', '.join(columns)} FROM raw.{table} ORDER BY rowid"
        ).fetchall()


def _write_raw_tables(raw, work, name: str) -> tuple[Settings, dg.ExecuteInProcessResult]:
    settings = Settings(
        raw_dir=raw, duckdb_path=work / f"{name}.duckdb", report_dir=work / f"{name}-reports"
    )
    result = dg.materialize(
        [
            ingest.raw_articles,
            ingest.parse_articles,
            ingest.article_annotations,
            ingest.extracted_figures,
        ],
        resources={"ledger": LedgerPaths.from_settings(settings)},
    )
    return settings, result


def test_two_workers_write_the_same_rows_in_the_same_order_as_one(tmp_path, monkeypatch):
    raw = make_raw_dir(tmp_path / "raw", ANNOTATED_ARTICLES)
    generate_corpus(8, tmp_path / "synthetic", 0)
    for article in sorted((tmp_path / "synthetic" / "articles").glob("*.txt")):
        (raw / "articles" / article.name).write_bytes(article.read_bytes())
    # annotation problems the workers must report as the run's process does: a quote not
    # in its article, a file that is not UTF-8, annotations whose article does not exist
    first = sorted((raw / "annotations").glob("*.csv"))[0]
    header = first.read_text(encoding="utf-8").splitlines()[0].split(",")
    missing = {"quote": "99.99亿元", "city": "baotou", "category": "trade", "metric": ""}
    with first.open("a", encoding="utf-8") as handle:
        handle.write(",".join(missing.get(column, "") for column in header) + "\n")
    (raw / "annotations" / "synth-s0-000003.csv").write_bytes(b"quote,city\n\xff\xfe\x00bad\n")
    (raw / "annotations" / "no-such-article.csv").write_text(
        "quote,city,category,metric\n5亿元,baotou,funding,investment\n", encoding="utf-8"
    )
    articles = len(list((raw / "articles").glob("*.txt")))
    monkeypatch.setattr(ingest, "CHUNK_ARTICLES", 3)  # several chunks, the last one short
    monkeypatch.setattr(pool, "POOL_ABOVE", 0)  # a pool even for a dozen articles
    monkeypatch.setattr(pool, "TASK_ARTICLES", 1)  # tasks finish out of order

    written = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("LEDGER_WORKERS", workers)
        settings, result = _write_raw_tables(raw, tmp_path, f"workers-{workers}")
        assert result.success
        materialized = [
            e.event_specific_data.materialization for e in result.get_asset_materialization_events()
        ]
        used = {
            m.asset_key.to_user_string(): m.metadata["text_workers"].value
            for m in materialized
            if "text_workers" in m.metadata
        }
        assert used == dict.fromkeys(TEXT_STEPS, int(workers))
        written[workers] = {t: _rows(settings.duckdb_path, t) for t in TABLES}
    assert pool._current is None  # the run's last text step closed its pool

    one, two = written["1"], written["2"]
    assert len(one["parsed_articles"]) == articles
    assert len(one["extracted_figures"]) > 100
    assert len(one["annotations"]) > 100
    assert len(one["annotations_problems"]) >= 3
    for table in TABLES:
        assert one[table] == two[table], table
