"""A quiet console: `make run` on the seed prints a screenful; dbt and warnings summarized.

Also the report links of check metadata (``LEDGER_REPORT_URL``)."""

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from orchestration.quality.links import report_link
from orchestration.runtime import console
from tests.conftest import RAW, ROOT, make_raw_dir

RUN_ID = "6d23dd17-0d0f-4779-aa5f-f59d58ce6098"


def dagster_line(level: str, step: str, message: str) -> str:
    return f"2026-11-28 11:57:00 +0000 - dagster - {level} - __ASSET_JOB - {RUN_ID} - {step} - {message}"


def test_dbt_output_is_summarized_and_failures_kept_in_full():
    quiet = console.QuietConsole()
    lines = [
        "Running with dbt=1.11.16",
        "Found 23 models, 1 operation, 123 data tests, 11 sources, 522 macros",
        "",
        "1 of 126 START sql view model main.stg_annotations ....... [RUN]",
        "1 of 126 OK created sql view model main.stg_annotations .. [\x1b[32mOK\x1b[0m in 0.06s]",
        "9 of 126 PASS not_null_stg_articles_article_id ........... [\x1b[32mPASS\x1b[0m in 0.01s]",
        "10 of 126 FAIL 2 unique_fct_figures_figure_id ............ [\x1b[31mFAIL 2\x1b[0m in 0.01s]",
        "Failure in test unique_fct_figures_figure_id (models/marts/fct_figures.yml)",
        "  Got 2 results, configured to fail if != 0",
        "\x1b[32mCompleted successfully\x1b[0m",
        "Done. PASS=125 WARN=0 ERROR=1 SKIP=0 NO-OP=0 TOTAL=126",
    ]
    shown = [s for s in map(quiet.line, lines) if s is not None]
    assert shown == [
        "10 of 126 FAIL 2 unique_fct_figures_figure_id ............ [FAIL 2 in 0.01s]",
        "Failure in test unique_fct_figures_figure_id (models/marts/fct_figures.yml)",
        "  Got 2 results, configured to fail if != 0",
        "dbt: PASS=125 WARN=0 ERROR=1 SKIP=0 NO-OP=0 TOTAL=126",
    ]
    assert quiet.dbt_failures == 1


def test_repeated_warnings_are_counted_and_dagster_lines_shortened():
    quiet = console.QuietConsole()
    shown = []
    for i in range(12):
        message = (
            f"a{i}.txt: no city sections recognised; cities come from the places the text names"
        )
        shown.append(quiet.line(dagster_line("WARNING", "parse_articles", message)))
    shown.append(quiet.line(dagster_line("INFO", "ledger_dbt_core", "Finished dbt command: `x`.")))
    shown.append(quiet.line(dagster_line("INFO", "raw_articles", "[1/1] read a.txt")))
    shown.append(quiet.line(dagster_line("ERROR", "raw_articles", "a.txt: unreadable")))
    shown.append(quiet.line("ValueError: bad bytes"))  # an error's message: held with it
    shown.append(quiet.line(dagster_line("INFO", "parse_articles", "next")))
    kept = [s for s in shown if s is not None]
    assert kept[0].startswith("warning: parse_articles: a0.txt: no city sections")
    assert len(kept) == console.SHOWN_PER_KIND + 2
    assert kept[-2:] == [
        "raw_articles: [1/1] read a.txt",
        "error: raw_articles: a.txt: unreadable\nValueError: bad bytes\nparse_articles: next",
    ]
    assert quiet.summary() == [
        f"12 articles without city sections (first {console.SHOWN_PER_KIND} above): see the report"
    ]


def test_a_failed_blocking_check_prints_no_traceback():
    quiet = console.QuietConsole()
    lines = [
        dagster_line("ERROR", "14814", "check_step - STEP_FAILURE - Execution of step failed."),
        "dagster._core.errors.DagsterAssetCheckFailedError: 1 blocking asset check failed",
        "Stack Trace:",
        '  File "execute_plan.py", line 243, in dagster_event_sequence_for_step',
        dagster_line("ERROR", "ledger_dbt_marts", "Dependencies for step x failed. Not executing."),
        dagster_line("ERROR", "mart_trade_suite", "Dependencies for step y were not executed."),
    ]
    assert [quiet.line(line) for line in lines] == [None] * len(lines)
    assert quiet.close() == []
    assert quiet.summary() == [
        "2 × steps not executed (downstream of a failed step or check): see the report"
    ]


def test_progress_says_count_and_rate():
    said = []
    progress = console.Progress(said.append, "parse", 1000, every=0.0)
    progress.tick()
    progress.tick()
    assert said[-1].startswith("parse: 2/1000 articles, ") and said[-1].endswith("/s")
    quiet = []
    slow = console.Progress(quiet.append, "parse", 1000)  # every 10 s: nothing yet
    slow.tick()
    assert quiet == []


def test_backfill_policy_beta_warning_is_silenced_deliberately():
    from dagster import BetaWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        console.silence_known_warnings()
        warnings.warn(
            "Parameter `backfill_policy` of function `asset` is currently in beta, and may "
            "have breaking changes",
            BetaWarning,
            stacklevel=1,
        )
        warnings.warn(
            "Parameter `other` of function `asset` is currently in beta", BetaWarning, stacklevel=1
        )
    assert [str(w.message) for w in caught] == [
        "Parameter `other` of function `asset` is currently in beta"
    ]


def test_check_metadata_links_to_the_served_report(monkeypatch, tmp_path):
    monkeypatch.delenv("LEDGER_REPORT_URL", raising=False)
    local = report_link(tmp_path / "index.html", tmp_path, "check-x")
    assert local.path == str(tmp_path / "index.html")
    monkeypatch.setenv("LEDGER_REPORT_URL", "http://127.0.0.1:8765/")
    served = report_link(tmp_path / "index.html", tmp_path, "check-fct_figures_content")
    assert served.url == "http://127.0.0.1:8765/index.html#check-fct_figures_content"
    docs = report_link(tmp_path / "gx" / "index.html", tmp_path)
    assert docs.url == "http://127.0.0.1:8765/gx/index.html"


@pytest.mark.integration
def test_make_run_on_the_seed_prints_a_screenful(tmp_path):
    raw = make_raw_dir(tmp_path / "raw", sorted((RAW / "articles").glob("*.txt")))
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "LEDGER_RAW_DIR": str(raw),
        "LEDGER_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
        "LEDGER_REPORT_DIR": str(tmp_path / "reports"),
    }
    env.pop("LEDGER_VERBOSE", None)
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli.run_all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = output.splitlines()
    assert len(lines) <= 40, output
    assert "\x1b[" not in output and "BetaWarning" not in output
    assert any(line.startswith("dbt: PASS=") for line in lines)
    assert "result                          OK" in output
    assert Path(tmp_path / "reports" / "index.html").exists()
