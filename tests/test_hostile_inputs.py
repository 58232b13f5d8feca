"""Hostile raw files and cells (issue 18, item 4): links out of the raw folder, special
files, an oversized article and annotation numbers out of range each give one quarantine
row; nothing of them is read or stored, and the rest of the batch lands."""

from __future__ import annotations

import os
import shutil

import pytest

from orchestration.defs.ingest.inventory import (
    DEFAULT_MAX_ARTICLE_BYTES,
    RefusedRawFile,
    annotation_file,
    article_file,
    refusal,
    scan_raw_dir,
)
from orchestration.text.annotations import read_annotation_file
from tests.conftest import DEV_DATA, RAW, make_raw_dir, query, run_pipeline

pytestmark = pytest.mark.integration
SEED_ID = "nmg-regional-cooperation"
SEED = RAW / "articles" / f"{SEED_ID}.txt"
OTHER = DEV_DATA / "articles" / "dev-single-city.txt"
SECRET = "ledger-must-never-read-this-secret-7f3a"
HEADER = "quote,occurrence,city,category,metric,value,unit,bound,note\n"
BAD_ROWS = {  # CSV row → the words of its reason
    "84.44%,99999999999,ordos,trade,export_share_of_region,84.44,pct,exact,": "occurrence '99999999999'",
    "84.44%,1,ordos,trade,export_share_of_region,1e309,pct,exact,": "value '1e309' is not a finite positive",
    "84.44%,1,ordos,trade,export_share_of_region,nan,pct,exact,": "value 'nan' is not a finite positive",
    "84.44%,1,ordos,trade,export_share_of_region,-inf,pct,exact,": "value '-inf' is not a finite positive",
    "84.44%,0,ordos,trade,export_share_of_region,84.44,pct,exact,": "occurrence '0'",
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    outside = work / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"呼和浩特\n\n{SECRET} 12亿元。\n", encoding="utf-8")
    (outside / "secret.csv").write_text(HEADER + f"{SECRET},1,hohhot,other,x,1,count,exact,\n")
    raw = make_raw_dir(work / "raw", [SEED, OTHER])
    articles, annotations = raw / "articles", raw / "annotations"
    (articles / "link-out.txt").symlink_to(outside / "secret.txt")
    (annotations / "link-out-notes.csv").symlink_to(outside / "secret.csv")
    library = raw / "library"  # a folder of raw/ the ledger does not scan
    library.mkdir()
    (articles / "dangling.txt").symlink_to(library / "gone.txt")
    os.mkfifo(articles / "pipe.txt")  # reading it would block the run for ever
    shutil.copy(SEED, library / "real.txt")
    (articles / "linked-inside.txt").symlink_to("../library/real.txt")  # inside raw/: read
    (articles / "huge.txt").write_bytes(("内蒙古" * 300_000 + "\n").encode() * 2)  # 5.4 MB
    with (annotations / f"{SEED_ID}.csv").open("a", encoding="utf-8") as handle:
        handle.write("".join(f"{row}\n" for row in BAD_ROWS))
    return run_pipeline(raw, work)


def _quarantine(settings, source_suffix: str) -> list[tuple]:
    return query(
        settings,
        "select stage, severity, reason, line from quarantine "
        f"where source_file like '%{source_suffix}' order by line",
    )


@pytest.mark.parametrize(
    ("source", "stage", "fragment"),
    [
        ("articles/link-out.txt", "decode", "a symbolic link to "),
        ("annotations/link-out-notes.csv", "annotations", "a symbolic link to "),
        ("articles/dangling.txt", "decode", "which does not exist"),
        ("articles/pipe.txt", "decode", "a named pipe (FIFO), not a regular file"),
        ("articles/huge.txt", "decode", "5,400,002 bytes, larger than LEDGER_MAX_ARTICLE_BYTES"),
    ],
)
def test_a_hostile_file_is_quarantined_not_read(hostile_run, source, stage, fragment):
    settings, _ = hostile_run
    rows = _quarantine(settings, source)
    assert len(rows) == 1, rows
    got_stage, severity, reason, _line = rows[0]
    assert (got_stage, severity) == (stage, "error")
    assert fragment in reason and source in reason, reason
    if "link-out" in source:
        assert "outside" in reason and "secret." in reason  # names the target


def test_nothing_outside_the_raw_folder_reaches_the_warehouse(hostile_run):
    settings, _ = hostile_run
    for table, column in [
        ("raw.articles", "raw_text"),
        ("raw.annotations", "quote"),
        ("main.fct_figures", "sentence"),
    ]:
        found = query(settings, f"select count(*) from {table} where {column} like '%{SECRET}%'")
        assert found == [(0,)], table
    ids = {r[0] for r in query(settings, "select article_id from raw.articles")}
    assert ids == {SEED_ID, OTHER.stem, "linked-inside"}  # a link inside raw/ is read


def test_each_bad_annotation_cell_makes_its_row_invalid(hostile_run):
    settings, _ = hostile_run
    rows = query(
        settings,
        "select line, status, occurrence, value, problem from raw.annotations "
        f"where article_id = '{SEED_ID}' and status = 'invalid' order by line",
    )
    assert len(rows) == len(BAD_ROWS)
    for (_line, _status, occurrence, value, problem), words in zip(
        rows, BAD_ROWS.values(), strict=True
    ):
        assert words in problem, problem
        assert occurrence == 1 and (value is None or 0 < value < 1e300)
    quarantined = [
        r for r in _quarantine(settings, f"annotations/{SEED_ID}.csv") if r[1] == "error"
    ]
    assert [r[3] for r in quarantined] == [r[0] for r in rows]  # one error row each, by line


def test_the_rest_of_the_batch_lands(hostile_run):
    settings, _ = hostile_run
    counts = dict(query(settings, "select article_id, count(*) from fct_figures group by 1"))
    assert counts.get(SEED_ID, 0) >= 40 and counts.get(OTHER.stem, 0) >= 1, counts
    usable = query(
        settings,
        f"select count(*) from raw.annotations where article_id = '{SEED_ID}' and status = 'ok'",
    )
    assert usable[0][0] >= 40


def test_the_inventory_lists_hostile_entries_without_reading_them(tmp_path):
    raw = make_raw_dir(tmp_path / "raw", [SEED])
    (tmp_path / "secret.txt").write_text("x")
    (raw / "articles" / "out.txt").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(raw / "articles" / "pipe.txt")
    inputs = scan_raw_dir(raw)  # would block on the pipe if it opened it
    assert {"out", "pipe", SEED_ID} <= set(inputs)
    assert inputs["pipe"].files["articles/pipe.txt"].startswith("refused:")
    with pytest.raises(RefusedRawFile, match="outside the raw folder"):
        article_file(raw, "out").read_bytes()
    with pytest.raises(RefusedRawFile, match="named pipe"):
        article_file(raw, "pipe").read_bytes()
    assert annotation_file(raw, SEED_ID).read_bytes()  # an ordinary file reads as before
    big = raw / "articles" / "big.txt"
    big.write_bytes(b"x" * (DEFAULT_MAX_ARTICLE_BYTES + 1))
    assert "larger than LEDGER_MAX_ARTICLE_BYTES" in refusal(big, DEFAULT_MAX_ARTICLE_BYTES)


def test_the_article_limit_is_a_setting(tmp_path, monkeypatch):
    raw = make_raw_dir(tmp_path / "raw", [SEED])
    monkeypatch.setenv("LEDGER_MAX_ARTICLE_BYTES", "1000")
    with pytest.raises(RefusedRawFile, match=r"larger than LEDGER_MAX_ARTICLE_BYTES \(1,000"):
        article_file(raw, SEED_ID).read_bytes()


@pytest.mark.parametrize(
    ("cells", "words"),
    [
        ("99999999999,84.44", "occurrence '99999999999' is not a whole number from 1 to 10,000"),
        ("10001,84.44", "occurrence '10001'"),
        ("10000,84.44", None),
        ("1,1e309", "value '1e309' is not a finite positive number"),
        ("1,nan", "value 'nan'"),
        ("1,inf", "value 'inf'"),
        ("1,0", "value '0'"),
        ("1,-3", "value '-3'"),
        ("1,84.44", None),
    ],
)
def test_annotation_numbers_are_range_checked(cells, words):
    occurrence, value = cells.split(",")
    data = (
        HEADER + f"84.44%,{occurrence},ordos,trade,export_share_of_region,{value},pct,exact,\n"
    ).encode()
    (annotation,) = read_annotation_file(data, SEED_ID, "raw/annotations/x.csv")
    if words is None:
        assert annotation.status == "ok", annotation.problem
    else:
        assert annotation.status == "invalid" and words in annotation.problem
        assert 1 <= annotation.occurrence <= 10_000


def test_a_full_run_makes_a_removed_article_visible(tmp_path):
    """An article the last run read and the folder no longer has: the full run that notices
    it logs a warning, quarantines a ``removed: …`` warning, deletes its rows, and the
    report lists it under "Removed articles"; the run after that no longer mentions it."""
    other_id = OTHER.stem
    raw = make_raw_dir(tmp_path / "raw", [SEED, OTHER])
    settings, first = run_pipeline(raw, tmp_path)
    assert first.success
    assert query(settings, f"select count(*) from fct_figures where article_id = '{other_id}'")[0][
        0
    ]

    article_file(raw, other_id).unlink()
    annotation_file(raw, other_id).unlink(missing_ok=True)
    _, second = run_pipeline(raw, tmp_path, instance=first.ledger_instance)
    assert second.success
    [(severity, reason)] = query(
        settings, f"select severity, reason from quarantine where article_id = '{other_id}'"
    )
    assert severity == "warning" and reason.startswith("removed: "), reason
    assert f"raw/articles/{other_id}.txt" in reason
    for table in ("raw.articles", "fct_figures", "mart_trade"):
        assert not query(settings, f"select * from {table} where article_id = '{other_id}'")
    warnings = [
        entry.user_message
        for entry in second.ledger_instance.all_logs(second.run_id)
        if entry.step_key == "raw_articles" and entry.level >= 30  # logging.WARNING
    ]
    assert any("removed" in w and other_id in w for w in warnings), warnings
    page = (settings.report_dir / "index.html").read_text(encoding="utf-8")
    removed = page.split('<h2 id="removed">', 1)[1].split("<h2", 1)[0]
    assert other_id in removed, removed

    _, third = run_pipeline(raw, tmp_path, instance=first.ledger_instance)
    assert third.success
    assert not query(settings, f"select * from quarantine where article_id = '{other_id}'")
