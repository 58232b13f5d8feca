"""Bad input gets a clear error naming the file (and line), a quarantine row, and the rest
of the batch still materializes. Corrupted figures fail the blocking checks."""

import re
import shutil

import dagster as dg
import duckdb
import pytest

from orchestration.cli.run_all import summarize
from tests.conftest import RAW, make_raw_dir, query, run_pipeline

pytestmark = pytest.mark.integration
SEED = RAW / "articles" / "nmg-regional-cooperation.txt"
SEED_ANNOTATIONS = RAW / "annotations" / "nmg-regional-cooperation.csv"
HEADER = "quote,occurrence,city,category,metric,value,unit,bound,note\n"

NO_SECTIONS = "满洲里口岸货运再创新高\n\n口岸今年以来过货量达1,320万吨,同比增长8.5%。\n"
UNKNOWN_CITY = (
    "区域合作结硕果\n\n赤峰\n\n开放合作 新路径\n\n□本报记者 张三\n\n赤峰市引进资金12亿元。\n\n"
    "大同市\n\n携手前行 共谋发展\n\n□本报记者 李四\n\n大同市新增合作企业30家。\n"
)


@pytest.fixture(scope="module")
def bad_articles_run(tmp_path_factory):
    """The seed beside unreadable, empty and structurally odd articles."""
    work = tmp_path_factory.mktemp("bad_articles")
    raw = make_raw_dir(work / "raw", [SEED])
    articles = raw / "articles"
    (articles / "broken-encoding.txt").write_bytes(b"\xff\xfe\x00garbage \x81\x00\xfe")
    (articles / "empty.txt").write_bytes(b"")
    (articles / "no-sections.txt").write_text(NO_SECTIONS, encoding="utf-8")
    (articles / "unknown-city.txt").write_text(UNKNOWN_CITY, encoding="gb18030")
    (articles / "notes.md").write_text("not an article", encoding="utf-8")
    return run_pipeline(raw, work)


def quarantine_of(settings, source_suffix):
    return query(
        settings,
        f"select stage, severity, reason from quarantine where source_file like '%{source_suffix}'",
    )


@pytest.mark.parametrize(
    ("source", "stage", "severity", "fragment"),
    [
        ("broken-encoding.txt", "decode", "error", "not valid UTF-8"),
        ("empty.txt", "decode", "error", "file is empty"),
        ("notes.md", "decode", "error", "not an article"),
        ("no-sections.txt", "parse", "warning", "no city sections"),
        ("unknown-city.txt", "parse", "warning", "'大同市' is not one of the twelve"),
    ],
)
def test_bad_article_is_quarantined_with_a_clear_reason(
    bad_articles_run, source, stage, severity, fragment
):
    settings, _ = bad_articles_run
    [(got_stage, got_severity, reason)] = quarantine_of(settings, source)
    assert (got_stage, got_severity) == (stage, severity)
    assert fragment in reason
    assert source in reason or stage == "parse"


def test_bad_articles_do_not_stop_the_batch(bad_articles_run):
    settings, result = bad_articles_run
    assert result.success
    _, ok = summarize(settings, result)
    assert ok  # quarantined inputs are reported, not a blocking failure
    seed_rows = query(
        settings, "select count(*) from mart_trade where article_id = 'nmg-regional-cooperation'"
    )
    assert seed_rows[0][0] > 0
    # readable articles with odd structure still give figures, with the city they name
    assert query(
        settings,
        "select city_code, unit, value from fct_figures "
        "where article_id = 'no-sections' and unit = 'tonne'",
    ) == [("hulunbuir", "tonne", 13200000.0)]
    unknown = dict(
        query(
            settings,
            "select surface, coalesce(city_code, '-') from fct_figures "
            "where article_id = 'unknown-city'",
        )
    )
    assert unknown == {"12亿元": "chifeng", "30家": "-"}


@pytest.fixture(scope="module")
def bad_annotations_run(tmp_path_factory):
    """The seed with a corrupted figure and bad annotation rows, plus an annotation file
    without its required columns."""
    work = tmp_path_factory.mktemp("bad_annotations")
    raw = make_raw_dir(work / "raw", [SEED])
    text = SEED.read_text(encoding="utf-8")
    # the body's 17.41亿元 is printed wrongly; the annotation still says 17.41亿元
    body = text.rindex("17.41亿元")
    (raw / "articles" / SEED.name).write_text(
        text[:body] + "71.41亿元" + text[body + len("17.41亿元") :], encoding="utf-8"
    )
    extra = (
        "84.44%,1,ordos,trade,export_share,84.44,pct,exact,\n"  # duplicate of an existing row
        "6.05亿元,1,datong,trade,exports,605000000,CNY,exact,\n"  # unknown city code
        "38对,1,hohhot,transport,train_pairs,thirty-eight,count,exact,\n"  # bad number
    )
    annotations = raw / "annotations" / SEED_ANNOTATIONS.name
    annotations.write_text(SEED_ANNOTATIONS.read_text(encoding="utf-8") + extra, encoding="utf-8")
    shutil.copy(RAW / "articles" / SEED.name, raw / "articles" / "second-copy.txt")
    (raw / "annotations" / "second-copy.csv").write_text(
        "quote,city,category\n17.41亿元,ulanqab,trade\n", encoding="utf-8"
    )
    return run_pipeline(raw, work)


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("nmg-regional-cooperation.csv", "quote '17.41亿元' occurs only 1 time(s)"),
        ("nmg-regional-cooperation.csv", "duplicate of line"),
        ("nmg-regional-cooperation.csv", "city 'datong' is not one of the contract's"),
        ("nmg-regional-cooperation.csv", "value 'thirty-eight' is not a number"),
        ("second-copy.csv", "missing required column(s) metric"),
    ],
)
def test_bad_annotation_is_quarantined_naming_file_and_line(bad_annotations_run, source, fragment):
    settings, _ = bad_annotations_run
    reasons = [r for _, _, r in quarantine_of(settings, source)]
    matching = [r for r in reasons if fragment in r]
    assert matching, reasons
    # "raw/annotations/<file>.csv:<line>: ..." names the file and the CSV line
    assert all(re.match(rf"raw/annotations/{re.escape(source)}:\d+: ", r) for r in matching)


def test_corrupted_figure_fails_the_blocking_check_and_stops_the_marts(bad_annotations_run):
    settings, result = bad_annotations_run
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    published = evaluations["published_figures_match_annotations"]
    assert not published.passed and published.blocking
    materialized = (
        {k.to_user_string() for k in result.get_asset_materialization_keys()}
        if hasattr(result, "get_asset_materialization_keys")
        else {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    )
    assert "fct_figures" in materialized
    assert "mart_trade" not in materialized  # blocked
    text, ok = summarize(settings, result)
    assert not ok and "published_figures_match_annotations" in text
    # the other figures are in the ledger all the same
    assert (
        query(settings, "select count(*) from fct_figures where article_id = 'second-copy'")[0][0]
        >= 60
    )
    # the report names the failing annotation rows
    page = (settings.report_dir / "index.html").read_text(encoding="utf-8")
    assert "published_figures_match_annotations" in page
    assert "quote &#x27;17.41亿元&#x27; occurs only 1 time(s)" in page


def test_wrong_unit_in_the_ledger_fails_the_content_check(seed_run, tmp_path):
    from orchestration.defs.quality.checks import FIGURE_CHECKS
    from orchestration.defs.resources import LedgerPaths

    settings, _ = seed_run
    copy = tmp_path / "corrupt.duckdb"
    shutil.copy(settings.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update main.fct_figures set unit = 'kg' where surface = '84.44%'")
    check = next(c for c in FIGURE_CHECKS if "fct_figures_content" in str(c.check_keys))
    ledger = LedgerPaths(
        raw_dir=str(settings.raw_dir), duckdb_path=str(copy), report_dir=str(tmp_path / "report")
    )
    result = check(dg.build_asset_check_context(resources={"ledger": ledger}))
    assert not result.passed
    failures = result.metadata["failures"].value
    [unit_failure] = [f for f in failures if f["kwargs"].get("column") == "unit"]
    assert unit_failure["rows"][0]["surface"] == "84.44%"
    assert unit_failure["rows"][0]["unit"] == "kg"
    assert "84.44%" in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")


def test_make_run_on_an_empty_raw_folder_says_so(tmp_path, monkeypatch, capsys):
    from orchestration.cli.run_all import main

    monkeypatch.setenv("LEDGER_RAW_DIR", str(tmp_path))
    monkeypatch.setenv("LEDGER_DUCKDB_PATH", str(tmp_path / "x.duckdb"))
    assert main() == 1
    assert f"no input under {tmp_path}" in capsys.readouterr().err
