"""The whole graph, materialized into a temporary DuckDB file, asserted on its tables."""

import pytest

from tests.conftest import (
    ANNOTATED_ARTICLES,
    DEV_DATA,
    RAW,
    make_raw_dir,
    query,
    read_annotations,
    run_pipeline,
)

pytestmark = pytest.mark.integration
MARTS = {
    "funding": "mart_funding",
    "trade": "mart_trade",
    "transport": "mart_transport",
    "talent": "mart_talent",
}


def test_run_succeeds_and_every_check_passes(seed_run):
    settings, result = seed_run
    assert result.success
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert failed == []
    assert (settings.report_dir / "index.html").exists()


@pytest.mark.parametrize("article", [a.stem for a in ANNOTATED_ARTICLES])
def test_every_annotated_figure_is_in_the_ledger(seed_run, article):
    settings, _ = seed_run
    folder = RAW if (RAW / "articles" / f"{article}.txt").exists() else DEV_DATA
    annotations = read_annotations(folder / "annotations" / f"{article}.csv")
    rows = query(
        settings,
        f"""
        select annotation_line, city_code, category, unit, value, source
        from fct_figures where article_id = '{article}' and annotation_line is not null
    """,
    )
    by_line = {line: rest for line, *rest in rows}
    assert len(by_line) == len(annotations)
    for line, ann in enumerate(annotations, start=2):
        city, category, unit, value, source = by_line[line]
        assert (city, category, unit) == (ann["city"], ann["category"], ann["unit"]), ann
        assert value == pytest.approx(float(ann["value"]), rel=1e-9), ann
        assert source in ("both", "annotation")


@pytest.mark.parametrize("category", sorted(MARTS))
def test_marts_hold_exactly_their_category(seed_run, category):
    settings, _ = seed_run
    expected = query(settings, f"select figure_id from fct_figures where category = '{category}'")
    actual = query(settings, f"select figure_id from {MARTS[category]}")
    assert sorted(actual) == sorted(expected)
    assert len(actual) > 0


def test_known_figures(seed_run):
    settings, _ = seed_run
    rows = query(
        settings,
        """
        select city_code, city_name, unit, value, category from fct_figures
        where surface in ('17.41亿元', '84.44%') order by char_start
    """,
    )
    assert ("ordos", "鄂尔多斯", "pct", 84.44, "trade") in rows
    assert ("ulanqab", "乌兰察布", "CNY", 1741000000.0, "trade") in rows


def test_dimensions_and_quarantine(seed_run):
    settings, _ = seed_run
    assert query(settings, "select count(*) from dim_city") == [(12,)]
    assert query(settings, "select count(*) from quarantine where severity = 'error'") == [(0,)]
    ids = query(settings, "select count(distinct figure_id), count(*) from fct_figures")
    assert ids[0][0] == ids[0][1]


def test_articles_without_annotations_use_the_extractor_only(tmp_path):
    articles = [
        RAW / "articles" / "nmg-regional-cooperation.txt",
        *sorted((DEV_DATA / "articles").glob("*.txt")),
    ]
    raw = make_raw_dir(tmp_path / "raw", articles, with_annotations=False)
    settings, result = run_pipeline(raw, tmp_path, name="other_name")
    assert result.success
    sources = query(settings, "select distinct source from fct_figures")
    assert sources == [("extracted",)]
    per_article = dict(query(settings, "select article_id, count(*) from fct_figures group by 1"))
    assert set(per_article) == {a.stem for a in articles}
    assert min(per_article.values()) >= 20
    # the single-city article has no sections: its figures get the city the text names
    assert query(
        settings,
        """
        select distinct city_code from fct_figures where article_id = 'dev-single-city'
    """,
    ) == [("hulunbuir",)]


def test_articles_taken_a_chunk_at_a_time_give_the_same_ledger(seed_run, tmp_path, monkeypatch):
    """The Python assets work through a run's articles in chunks (memory stays bounded over
    thousands); one article per chunk must produce exactly the rows of one big chunk."""
    from orchestration.defs.ingest import assets as ingest

    settings, _ = seed_run
    monkeypatch.setattr(ingest, "CHUNK_ARTICLES", 1)
    chunked, result = run_pipeline(settings.raw_dir, tmp_path, name="chunked")
    assert result.success
    for table, order in [
        ("raw.articles", "article_id"),
        ("raw.parsed_articles", "article_id"),
        ("raw.article_blocks", "article_id, block_index"),
        ("raw.annotations", "source_file, line"),
        ("raw.extracted_figures", "article_id, char_start"),
        ("main.fct_figures", "figure_id"),
        ("main.quarantine", "quarantine_id"),
    ]:
        columns = "* exclude (loaded_at)" if table == "raw.articles" else "*"
        columns = "* exclude (detected_at)" if table == "main.quarantine" else columns
        sql = f"select {columns} from {table} order by {order}"
        assert query(chunked, sql) == query(settings, sql), table
