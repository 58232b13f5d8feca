"""The benchmark harness (``python -m benchmarks.run``): its files, rows and wiring.

Times are never asserted. The real pipeline takes about a minute per run on two cores, so
the fast tests put a stand-in script in place of ``orchestration.cli.run_all`` /
``run_articles`` (same environment, same arguments, a small warehouse of its own); set
``LEDGER_BENCH_PIPELINE_TEST=1`` to run the harness on the real pipeline as well.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks import run as bench

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def one_dagster_import(monkeypatch):
    """The `import dagster` reference once per invocation here, not three times."""
    monkeypatch.setattr(bench, "DAGSTER_IMPORT_RUNS", 1)


def read_rows(out: Path) -> tuple[list[str], list[dict]]:
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def test_text_steps_write_csv_and_png(tmp_path, capsys):
    out = tmp_path / "out"
    code = bench.main(
        ["--sizes", "3", "--steps", "generate,extract,sanity", "--out", str(out), "--no-seed-run"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    # the machine and the references of this invocation
    machine = next(line for line in printed.splitlines() if line.startswith("machine: "))
    assert f"Python {sys.version.split()[0]}" in machine and "cores available" in machine
    assert bench.cpu_model() in machine
    assert re.search(r'reference: python -c "import dagster" \d+\.\d\d s \(median of', printed)
    # the extract step's MB/s and its ratio to one regex pass over the same text
    found = re.search(
        r"extract (\d+\.\d\d) MB/s; one regex pass over the same text \(.*findall, \d+ matches\) "
        r"(\d+\.\d) MB/s; extract = (\d+\.\d)× one regex pass",
        printed,
    )
    assert found and float(found[2]) > float(found[1]) > 0
    assert re.search(
        r"parse\+extract within 15× of one regex pass over the same text: N=3: \d+\.\d× "
        r"\(\d+ MB/s regex\) → (meets|MISSES)",
        printed,
    )
    columns, rows = read_rows(out)
    assert tuple(columns) == bench.COLUMNS
    assert [(r["size"], r["step"]) for r in rows] == [
        ("3", "generate"),
        ("3", "extract"),
        ("3", "sanity"),
    ]
    assert all(r["ok"] == "1" for r in rows)
    for row in rows:
        assert float(row["seconds"]) > 0
        assert float(row["peak_mb"]) > 0
    extract = rows[1]
    assert float(extract["articles_per_s"]) > 0 and float(extract["mb_per_s"]) > 0
    assert float(extract["ratio"]) > 1  # slower than one regex pass, by this many times
    sanity = rows[2]
    assert 0 < float(sanity["recall"]) <= 1 and 0 < float(sanity["precision"]) <= 1
    assert (out / "results.png").read_bytes()[:8] == PNG_MAGIC
    assert (out / "logs" / "3-extract.log").exists()


STAND_IN = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb

    print("raw folder ...", flush=True)
    print("preparing the dbt manifest ...", flush=True)
    print("loading dagster and the definitions ...", flush=True)
    print("materializing every asset ...", flush=True)
    with open(os.environ["STAND_IN_CALLS"], "a") as calls:
        calls.write(json.dumps({
            "argv": sys.argv[1:],
            "raw": os.environ["LEDGER_RAW_DIR"],
            "warehouse": os.environ["LEDGER_DUCKDB_PATH"],
            "home": os.environ["DAGSTER_HOME"],
            "articles": sorted(os.listdir(os.path.join(os.environ["LEDGER_RAW_DIR"], "articles"))),
        }) + "\\n")
    with duckdb.connect(os.environ["LEDGER_DUCKDB_PATH"]) as con:
        con.execute("CREATE OR REPLACE TABLE main.fct_figures AS SELECT * FROM (VALUES "
                    "('both'), ('both'), ('both'), ('extracted'), ('annotation')) t(source)")
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        con.execute("CREATE OR REPLACE TABLE raw.articles AS SELECT 1 AS article_id")
    time.sleep(0.2)
    """
)


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN, encoding="utf-8")
    calls = tmp_path / "calls.jsonl"
    monkeypatch.setenv("STAND_IN_CALLS", str(calls))
    monkeypatch.setattr(
        bench,
        "PIPELINE_COMMANDS",
        {"full": [str(script)], "incremental": [str(script)], "seed_run": [str(script)]},
    )
    return calls


def test_pipeline_steps_rows_profile_and_wiring(tmp_path, stand_in):
    out, work = tmp_path / "out", tmp_path / "work"
    code = bench.main(
        ["--sizes", "3", "--out", str(out), "--work", str(work), "--keep-work", "--seed-runs", "1",
         "--incremental-runs", "2"]
    )  # fmt: skip
    assert code == 0
    columns, rows = read_rows(out)
    assert tuple(columns) == bench.COLUMNS
    steps = [(r["size"], r["step"]) for r in rows]
    assert steps[0][1] == "seed_run"
    assert steps[1:] == [
        ("3", "generate"),
        ("3", "extract"),
        ("3", "parallel"),
        ("3", "sanity"),
        ("3", "full"),
        ("3", "incremental"),
        ("3", "incremental"),
    ]
    full = next(r for r in rows if r["step"] == "full")
    # recall/precision of the full run come from fct_figures.source: 3 both, 1 each other
    assert float(full["recall"]) == pytest.approx(0.75)
    assert float(full["precision"]) == pytest.approx(0.75)
    assert float(full["articles_per_s"]) > 0 and float(full["peak_mb"]) > 0
    assert float(full["ratio"]) > 0  # its wall time ÷ `python -c "import dagster"`

    first_seed_call, seed_call, full_call, incremental_call, second_call = (
        json.loads(line) for line in stand_in.read_text().splitlines()
    )
    assert Path(seed_call["raw"]) == bench.ROOT / "raw"
    # the uncounted first seed run uses the same folder as the counted one
    assert first_seed_call["warehouse"] == seed_call["warehouse"]
    assert full_call["argv"] == []
    assert len(full_call["articles"]) == 3
    # the incremental run: article 4 of the same corpus, same warehouse and Dagster instance
    assert incremental_call["argv"] == ["synth-s0-000004"]
    assert incremental_call["articles"] == [*full_call["articles"], "synth-s0-000004.txt"]
    assert incremental_call["warehouse"] == full_call["warehouse"]
    assert incremental_call["home"] == full_call["home"]
    assert (Path(full_call["raw"]) / "annotations" / "synth-s0-000004.csv").exists()
    # each further incremental run adds one more article
    assert second_call["argv"] == ["synth-s0-000005"]
    assert second_call["articles"] == [*incremental_call["articles"], "synth-s0-000005.txt"]

    with (out / "profile.csv").open(encoding="utf-8", newline="") as handle:
        profile = list(csv.DictReader(handle))
    phases = {(p["run"], p["name"]) for p in profile if p["kind"] == "phase"}
    assert ("full", "dbt parse (prepare_manifest)") in phases
    assert ("full", "imports, instance, definitions") in phases
    assert (out / "results.png").read_bytes()[:8] == PNG_MAGIC


def test_parallel_step_runs_the_assets_text_work_on_every_core(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LEDGER_WORKERS", "2")
    out = tmp_path / "out"
    code = bench.main(
        ["--sizes", "3", "--steps", "generate,parallel", "--out", str(out), "--no-seed-run"]
    )
    assert code == 0
    _, rows = read_rows(out)
    parallel = next(r for r in rows if r["step"] == "parallel")
    assert parallel["ok"] == "1" and float(parallel["ratio"]) > 0  # the speed-up
    printed = capsys.readouterr().out
    assert re.search(
        r"parse\+extract as the assets run it: 1 worker \d+\.\d\d s \(\d+\.\d\d MB/s\), "
        r"2 workers \d+\.\d\d s \(\d+\.\d\d MB/s, pool start \d+\.\d\d s included\) → "
        r"speed-up \d+\.\d\d× on \d+ cores; same rows: yes",
        printed,
    )
    assert "every core: parse+extract on 2 workers ≥ 1.50× one worker" in printed


def test_sizes_and_opt_in_flags():
    parser = bench.build_parser()

    def sizes(*argv):
        return bench.chosen_sizes(parser.parse_args(list(argv)), list(argv))

    assert sizes() == [10, 100, 1000]
    assert sizes("--with-10000") == [10, 100, 1000, 10_000]
    assert sizes("--sizes", "10", "--with-100000") == [10, 100_000]
    assert sizes("--postgres-workers") == [1000]
    assert sizes("--postgres-workers", "--sizes", "50") == [50]
    assert parser.parse_args(["--postgres-workers"]).postgres_workers == [1, 2]
    assert parser.parse_args(["--postgres-workers", "1,3"]).postgres_workers == [1, 3]


def test_postgres_workers_needs_a_server(monkeypatch, capsys):
    for name in (
        "PGHOST",
        "PGPORT",
        "PGDATABASE",
        "LEDGER_POSTGRES_URL",
        "LEDGER_TEST_POSTGRES_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    assert bench.postgres_server_url() is None
    assert bench.main(["--postgres-workers", "--sizes", "3"]) == 2
    assert "needs a Postgres server" in capsys.readouterr().err
    url = bench.postgres_server_url({"PGHOST": "db", "PGPORT": "5433", "PGDATABASE": "x"})
    assert url == "postgresql://postgres@db:5433/x"


def test_ratio_targets():
    harness = bench.Harness(bench.build_parser().parse_args(["--work", "unused"]))
    harness.dagster_import_s = 2.0
    harness.rows = [
        bench.Row(1000, "extract", 4.0, 20.0, 250.0, 1.05, ratio=120.0),
        bench.Row(1, "seed_run", 11.0, 600.0),
    ]
    harness.regex = {1000: (126.0, 120.0)}
    harness.parallel_runs = [{"size": 1000, "speedup": 1.7, "workers": 2, "same": True}]
    harness.postgres = {1000: {"identical": True, "runs_ok": True, "speedup": 1.4, "workers": 2}}
    text = "\n".join(harness.targets())
    assert (
        "parse+extract within 15× of one regex pass over the same text: "
        "N=1000: 120.0× (126 MB/s regex) → MISSES"
    ) in text
    assert "every core: parse+extract on 2 workers ≥ 1.50× one worker" in text
    assert "N=1000: 1.70× → meets" in text
    assert "speed-up 1.40×, runs OK, identical → MISSES" in text  # below 1.6×
    harness.postgres[1000]["speedup"] = 1.7
    assert "speed-up 1.70×, runs OK, identical → meets" in "\n".join(harness.targets())
    assert "; = 5.5× `import dagster` (2.00 s)" in text
    harness.postgres[1000]["runs_ok"] = False
    assert "speed-up 1.70×, a run FAILED, identical → MISSES" in "\n".join(harness.targets())


def test_targets_project_to_10000_from_the_two_largest_sizes():
    harness = bench.Harness(bench.build_parser().parse_args(["--work", "unused"]))
    harness.rows = [
        bench.Row(100, "full", 20.0, 500.0),
        bench.Row(1000, "full", 110.0, 900.0),
        bench.Row(1000, "extract", 1.0, 20.0, 1000.0, 5.5),
    ]
    text = "\n".join(harness.targets())
    assert "5.50 MB/s → meets" in text
    # 110 s + (10000 - 1000) * 0.1 s = 1010 s
    assert "1010 s (projected linearly from N=100,1000) → MISSES" in text


def test_incremental_target_takes_the_median_of_its_runs():
    harness = bench.Harness(bench.build_parser().parse_args(["--work", "unused"]))
    harness.rows = [bench.Row(10000, "incremental", seconds, 800.0) for seconds in (12.0, 8.5, 9.1)]
    text = "\n".join(harness.targets())
    assert (
        "one more article into 10,000 ≤ 10 s: 9.1 s "
        "(measured at 10000, median of 3: 12.0, 8.5, 9.1) → meets"
    ) in text


@pytest.mark.integration
@pytest.mark.skipif(
    not os.environ.get("LEDGER_BENCH_PIPELINE_TEST"),
    reason="the real pipeline takes minutes here; set LEDGER_BENCH_PIPELINE_TEST=1",
)
def test_real_pipeline_at_size_3(tmp_path):
    out = tmp_path / "out"
    code = bench.main(["--sizes", "3", "--out", str(out), "--no-seed-run"])
    _, rows = read_rows(out)
    assert code == 0, rows
    assert {r["step"] for r in rows} == set(bench.STEPS)
    assert all(r["ok"] == "1" for r in rows)
    assert (out / "results.png").exists()
