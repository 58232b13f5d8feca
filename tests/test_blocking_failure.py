"""A blocking check that fails fails as a check (issue 15, item 1).

The seed's annotations with one value changed (``42%`` annotated as 420) and a quote that
is not in the text (``99.99亿元``), run after a clean run into the same warehouse: the
blocking ``published_figures_match_annotations`` check fails (it crashed on numpy booleans
in its metadata), ``make run`` exits 1, its summary and the report say ``1 blocking``
from the same recorded outcomes, the console shows the check and its rows rather than a
traceback, and the published marts are those of the clean run.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from orchestration.cli.run_all import summarize
from orchestration.contract import PUBLISHED_MARTS as MARTS
from tests.conftest import RAW, ROOT, make_raw_dir, query, run_pipeline

pytestmark = pytest.mark.integration
SEED = RAW / "articles" / "nmg-regional-cooperation.txt"
CHECK = "annotation_reconciliation:published_figures_match_annotations"


def break_annotations(raw) -> tuple[int, int]:
    """42% annotated as 420, and a row whose quote the article does not print (whatever
    columns the annotation file has); returns the CSV lines of both."""
    path = raw / "annotations" / "nmg-regional-cooperation.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    [changed] = [r for r in rows if r["quote"] == "42%"]
    assert float(changed["value"]) == 42
    changed["value"] = "420"
    funding = next(r for r in rows if r["category"] == "funding" and r["unit"] == "CNY")
    made_up = {**funding, "quote": "99.99亿元", "occurrence": "1", "value": "9999000000"}
    made_up.update(bound="exact", note="")
    rows.append(made_up)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    assert not any("\n" in v for r in rows for v in r.values() if v)  # a row is a line
    return rows.index(changed) + 2, len(rows) + 1  # the header is line 1


def marts(settings) -> dict[str, list[tuple]]:
    return {m: query(settings, f"select * from main.{m} order by all") for m in MARTS}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def page_text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join("".join(parser.parts).split())


def summary_numbers(text: str) -> tuple[int, int, int]:
    passed = re.search(r"^checks passed\s+(\d+)$", text, re.M)
    failed = re.search(r"^checks failed\s+(\d+) \((\d+) blocking\)$", text, re.M)
    assert passed and failed, text
    return int(passed[1]), int(failed[1]), int(failed[2])


def report_numbers(text: str) -> tuple[int, int, int]:
    found = re.search(r"checks passed: (\d+) checks failed: (\d+) \((\d+) blocking\)", text)
    assert found, text[:500]
    return int(found[1]), int(found[2]), int(found[3])


@pytest.fixture(scope="module")
def clean_then_bad(tmp_path_factory):
    work = tmp_path_factory.mktemp("blocking_failure")
    raw = make_raw_dir(work / "raw", [SEED])
    settings, result = run_pipeline(raw, work)
    clean_summary, ok = summarize(settings, result)
    assert ok, clean_summary
    before = marts(settings)
    assert all(before.values())

    lines = break_annotations(raw)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # an ephemeral instance
    env.update(
        LEDGER_RAW_DIR=str(raw),
        LEDGER_DUCKDB_PATH=str(settings.duckdb_path),
        LEDGER_REPORT_DIR=str(settings.report_dir),
        LEDGER_WAREHOUSE="duckdb",
    )
    run = subprocess.run(
        [sys.executable, "-m", "orchestration.cli.run_all"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    return settings, before, run, lines


def test_the_run_exits_1(clean_then_bad):
    run = clean_then_bad[2]
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert "result                          FAILED" in run.stdout


def test_the_console_shows_the_failing_check_and_its_rows_not_a_traceback(clean_then_bad):
    _, _, run, (changed, added) = clean_then_bad
    summary = run.stdout[run.stdout.index("regional ledger: run summary") :]
    assert f"FAILED (blocking) {CHECK}" in summary
    # the value that disagrees, with its CSV line, the annotated and the read value
    [disagrees] = [line for line in summary.splitlines() if "value_agrees=False" in line]
    assert f"nmg-regional-cooperation.csv:{changed} " in disagrees
    assert "annotated_value=420 " in disagrees and "ledger_value=42 " in disagrees
    # the quote the article does not print, with its line and why
    [missing] = [line for line in summary.splitlines() if "status=quote_not_found" in line][:1]
    assert f"nmg-regional-cooperation.csv:{added} " in missing and "quote=99.99亿元" in missing
    assert "is not in the article text" in missing
    console = run.stdout + run.stderr
    assert "Traceback (most recent call last)" not in console
    assert "DagsterInvalidMetadata" not in console and "not JSON serializable" not in console
    assert "STEP FAILED" not in summary  # the check failed; no step errored


def test_summary_and_report_count_the_same_checks(clean_then_bad):
    settings, _, run, _ = clean_then_bad
    summary = summary_numbers(run.stdout)
    report = report_numbers(page_text(settings.report_dir / "index.html"))
    assert summary == report
    passed, failed, blocking = summary
    assert blocking == 1 and failed == 2  # and the annotations suite warns
    assert passed > 50
    page = page_text(settings.report_dir / "index.html")
    assert "(1 blocking)" in page and "blocking failures: 1" in page
    assert "published_figures_match_annotations FAIL" in page
    assert "99.99亿元" in page


def test_the_marts_are_those_of_the_clean_run(clean_then_bad):
    settings, before, _, (changed, _) = clean_then_bad
    assert marts(settings) == before
    # the ledger itself holds the new reading (the marts are what is held back)
    assert query(
        settings,
        "select annotated_value from fct_figures where surface = '42%' "
        f"and annotation_line = {changed}",
    ) == [(420.0,)]
