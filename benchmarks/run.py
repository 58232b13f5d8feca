"""Benchmarks of the ledger: ``python -m benchmarks.run [--sizes 10,100,1000] [--with-10000]``.

Every invocation first prints the machine (cores, CPU model, Python) and references measured
on it in the same invocation, so that numbers taken on different machines compare as ratios:
``python -c "import dagster"`` (median of three), and per corpus one compiled regex pass
(``REFERENCE_REGEX``, ``findall``) over the corpus text, in MB/s.

For every corpus size N (synthetic articles of :mod:`benchmarks.corpus`, seed 0):

``generate``     write the corpus (articles + annotation CSVs);
``extract``      decode + parse + extract every article, the text code alone (no Dagster,
                 no DuckDB); ``seconds`` is the loop only (files already read, imports done);
                 printed with its ratio to the regex pass over the same text;
``parallel``     the parse and extract work as the Python assets run it
                 (``orchestration/defs/ingest/text_work.py``), in process and then on every
                 core (``orchestration/runtime/pool.py``, ``LEDGER_WORKERS`` or the cores),
                 pool start included; the speed-up, and whether the rows are the same;
``full``         ``python -m orchestration.cli.run_all`` on the corpus into a fresh warehouse,
                 report folder and DAGSTER_HOME (what ``make run`` does); wall time;
``incremental``  article N+1 (and its annotations) copied into the raw folder, then
                 ``python -m orchestration.cli.run_articles <id>`` against the same warehouse
                 and DAGSTER_HOME; wall time;
``sanity``       recall and precision of the extractor against the generator's annotations,
                 with :mod:`orchestration.cli.evaluation` (the ``make eval`` matching).

Once per invocation, ``seed_run``: ``python -m orchestration.cli.run_all`` on ``raw/`` (the seed),
i.e. ``make run`` once the environment exists (without make's own second or so).

Opt-in: ``--with-10000``, ``--with-100000`` (more sizes); ``--postgres-workers [1,2]``
(only this step, on the server of the PG* variables, N from ``--sizes``, default 1000):
the N articles run on Postgres as one ``run_articles`` process, then split over two at
once (two databases on the same server, each with its own Dagster instance from
``deploy/postgres/dagster.yaml``); wall times and whether the marts are identical.

Each measurement is a fresh subprocess. ``peak_mb`` is the peak of the summed Pss
(proportional set size; VmRSS where the kernel lacks it) of the subprocess and all its
descendants (the dbt server and its forked dbt commands included), sampled every
``POLL_SECONDS`` from ``/proc``, and never less than ``max_process_mb``: ``ru_maxrss``
from ``os.wait4``, the exact high-water mark of the largest single process of the tree.

Writes ``<out>/results.csv`` (one row per size x step), ``<out>/results.png`` (seconds and
peak MB against articles, log-log), ``<out>/profile.csv`` (where the time of each pipeline
run goes: process phases, Dagster steps from the run's event log, dbt invocations, the
slowest dbt nodes) and ``<out>/logs/`` (every subprocess's output, with timestamps).
It prints and never asserts: the targets are shown next to the measured numbers.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (10, 100, 1000)
BIG_SIZE = 10_000
HUGE_SIZE = 100_000  # --with-100000 only
POSTGRES_DEFAULT_SIZE = 1000
STEPS = ("generate", "extract", "parallel", "full", "incremental", "sanity")
COLUMNS = (
    "size",
    "step",
    "seconds",
    "peak_mb",
    "articles_per_s",
    "mb_per_s",
    "recall",
    "precision",
    "max_process_mb",
    "ratio",
    "ok",
)
PROFILE_COLUMNS = ("size", "run", "kind", "name", "start_s", "seconds")
RESULT_PREFIX = "BENCH-RESULT "
# How often the memory of a measured process tree is read. Reading ``smaps_rollup`` walks
# the page tables of each process under its memory lock: read too often it slows the run it
# measures (benchmarks/README, session 10). A peak between two readings is still caught by
# the processes' own high-water marks (VmHWM).
POLL_SECONDS = 0.5

# The commands of the pipeline steps (argv after the interpreter); tests may replace them.
PIPELINE_COMMANDS: dict[str, list[str]] = {
    "full": ["-m", "orchestration.cli.run_all"],
    "incremental": ["-m", "orchestration.cli.run_articles"],  # + the new article id
    "seed_run": ["-m", "orchestration.cli.run_all"],
}

# The ledger's targets (issue): what each measured number is compared with.
# issue 17's targets (2 cores)
TARGET_EXTRACT_MB_S = 5.0  # parse + extract, one core, on the benchmark corpus
TARGET_FULL_10K_S = 100.0  # 10,000 articles end to end
TARGET_FULL_10K_MB = 2048.0
TARGET_INCREMENTAL_10K_S = 10.0  # one more article into a 10,000-article warehouse
TARGET_SEED_RUN_S = 10.0  # make run on the seed, environment installed
# ratios to references measured in the same invocation (machine-independent targets)
TARGET_EXTRACT_REGEX_RATIO = 15.0  # parse+extract within 15× the time of one regex pass
TARGET_POSTGRES_SPEEDUP = 1.6  # 2 run processes on one Postgres server vs 1
TARGET_PARALLEL_EFFICIENCY = 0.75  # speed-up on W workers ≥ 0.75 × W (harness yardstick)

REFERENCE_REGEX = r"\d+(?:\.\d+)?[万亿]?元"
REGEX_REPEATS = 5  # the regex pass's time is the best of this many
DAGSTER_IMPORT_RUNS = 3  # `python -c "import dagster"`: the median of this many
# the tables compared between the Postgres runs with 1 and 2 workers (ordered by these keys)
POSTGRES_TABLES = {
    "fct_figures": "figure_id",
    "mart_funding": "figure_id",
    "mart_trade": "figure_id",
    "mart_transport": "figure_id",
    "mart_talent": "figure_id",
    "dim_city": "city_code",
    "dim_article": "article_id",
    "annotation_reconciliation": "source_file, annotation_line",
    "quarantine": "quarantine_id",
}
POSTGRES_VOLATILE = {"detected_at", "loaded_at"}  # when a row was written

_DAGSTER_LINE = re.compile(
    r" - dagster - (?P<level>\w+) - \S+ - [0-9a-f-]{36} - (?P<step>\S+) - (?P<msg>.*)"
)


# --------------------------------------------------------------------------- measuring


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    max_process_mb: float
    returncode: int
    started_at: float  # epoch seconds, to line up with Dagster event timestamps
    lines: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, line)

    @property
    def result(self) -> dict:
        """The worker's JSON result line, or {}."""
        for _, line in reversed(self.lines):
            if line.startswith(RESULT_PREFIX):
                return json.loads(line[len(RESULT_PREFIX) :])
        return {}

    def first_line(self, prefix: str) -> float | None:
        return next((t for t, line in self.lines if line.startswith(prefix)), None)


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                kids.extend(int(k) for k in handle.read().split())
    except OSError:
        pass
    return kids


def _memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in KiB; (0, 0) when it is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def _pss_kb(pid: int) -> int | None:
    """Proportional set size of ``pid`` in KiB: its private pages plus its share of pages
    it shares with others (a forked child and its parent). None where the kernel has no
    ``smaps_rollup``."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def tree_memory_kb(root: int) -> tuple[int, int]:
    """(memory of ``root`` and all its descendants, largest VmHWM among them).

    The sum is of proportional set sizes (Pss): the dbt commands are children forked from
    the warm dbt server (orchestration/runtime/dbt_server.py) and share most of their pages with
    it, which summed VmRSS would count twice. Without Pss, VmRSS is summed and a child that
    has not exec'd (same command line as its parent) is skipped instead."""
    total, largest, todo, seen = 0, 0, [(root, None)], set()
    while todo:
        pid, parent = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        rss, hwm = _memory_kb(pid)
        pss = _pss_kb(pid)
        if pss is not None:
            total += pss
        elif parent is None or _cmdline(pid) != _cmdline(parent):
            total += rss
        largest = max(largest, hwm)
        todo.extend((child, pid) for child in _children(pid))
    return total, largest


def _progress_text(line: str) -> str:
    match = _DAGSTER_LINE.search(line)
    text = f"{match['step']}: {match['msg']}" if match else line.strip()
    return text[:90]


def measure(
    cmd: list[str], env: dict[str, str], log_path: Path, label: str, every: float = 15.0
) -> Measured:
    """Run ``cmd`` to its end; wall time, peak memory of its process tree, its output."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started_at, t0 = time.time(), time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
    )
    lines: list[tuple[float, str]] = []
    state = {"peak_kb": 0, "hwm_kb": 0, "last": ""}
    done = threading.Event()

    def read() -> None:
        with log_path.open("w", encoding="utf-8") as log:
            log.write(f"# {' '.join(cmd)}\n")
            for line in proc.stdout:
                elapsed = time.perf_counter() - t0
                lines.append((elapsed, line.rstrip("\n")))
                log.write(f"{elapsed:9.2f} {line}")
                if line.strip() and not line[0].isspace() and "Warning" not in line:
                    state["last"] = line  # progress shows log lines, not warning noise

    def poll() -> None:
        while not done.is_set():
            total, largest = tree_memory_kb(proc.pid)
            state["peak_kb"] = max(state["peak_kb"], total)
            state["hwm_kb"] = max(state["hwm_kb"], largest)
            done.wait(POLL_SECONDS)

    threads = [threading.Thread(target=read, daemon=True), threading.Thread(target=poll)]
    for thread in threads:
        thread.start()
    next_report = every
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        elapsed = time.perf_counter() - t0
        if elapsed >= next_report:
            print(
                f"      … {label}: {elapsed:5.0f} s, {state['peak_kb'] / 1024:6.0f} MB peak, "
                f"{_progress_text(state['last'])}",
                flush=True,
            )
            next_report += every
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    done.set()
    threads[1].join()
    threads[0].join(timeout=30)
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss (KiB) counts the parent's image the child had before exec: a fallback only
    hwm_kb = state["hwm_kb"] or usage.ru_maxrss
    for _, line in lines:  # a worker's own high-water mark, read just before it exits
        if line.startswith(RESULT_PREFIX):
            hwm_kb = max(state["hwm_kb"], json.loads(line[len(RESULT_PREFIX) :]).get("vmhwm_kb", 0))
    return Measured(
        seconds=seconds,
        peak_mb=max(state["peak_kb"], hwm_kb) / 1024,
        max_process_mb=hwm_kb / 1024,
        returncode=proc.returncode,
        started_at=started_at,
        lines=lines,
    )


# --------------------------------------------------------------------------- references


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else the platform's word for it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine() or "unknown CPU"


def machine_line() -> str:
    from orchestration.settings import available_cores

    return (
        f"machine: {available_cores()} cores available to this process "
        f"({os.cpu_count()} in the machine), {cpu_model()}, "
        f"Python {sys.version.split()[0]} ({sys.implementation.name})"
    )


def regex_pass(text: str, repeats: int = REGEX_REPEATS) -> tuple[float, int]:
    """(seconds, matches) of one ``findall`` of the compiled ``REFERENCE_REGEX`` over
    ``text``: the best of ``repeats`` passes (the least disturbed by other processes)."""
    pattern = re.compile(REFERENCE_REGEX)
    best, found = float("inf"), 0
    for _ in range(repeats):
        started = time.perf_counter()
        found = len(pattern.findall(text))
        best = min(best, time.perf_counter() - started)
    return best, found


def dagster_import_seconds(runs: int | None = None) -> tuple[float, list[float]]:
    """(median, each) wall seconds of ``python -c "import dagster"`` in fresh processes."""
    times = []
    for _ in range(runs or DAGSTER_IMPORT_RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import dagster"], check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


# --------------------------------------------------------------------------- Postgres


def postgres_server_url(env=None) -> str | None:
    """The server for ``--postgres-workers``: the PG* variables (PGHOST, PGPORT, PGUSER,
    PGPASSWORD, PGDATABASE), else ``LEDGER_POSTGRES_URL``, else ``LEDGER_TEST_POSTGRES_URL``
    (what ``scripts/postgres_test_server.sh start`` exports); None when none is set."""
    from orchestration.settings import _url_from_libpq

    env = os.environ if env is None else env
    if any(env.get(name) for name in ("PGHOST", "PGPORT", "PGDATABASE")):
        return _url_from_libpq(env)
    return env.get("LEDGER_POSTGRES_URL") or env.get("LEDGER_TEST_POSTGRES_URL") or None


def _admin(server_url: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(server_url)
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cur:
            cur.execute(sql)
    finally:
        connection.close()


def create_database(server_url: str, label: str) -> str:
    """A new empty database on the server of ``server_url``; returns its URL."""
    import uuid

    name = f"ledger_{label}_{uuid.uuid4().hex[:8]}"
    _admin(server_url, f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(server_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    try:
        _admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    except Exception as error:  # noqa: BLE001 - a database left behind is no failure
        print(f"        (could not drop {name}: {error})", flush=True)


# --------------------------------------------------------------------------- workers
# ``python -m benchmarks.run _worker KIND ...``: the measured code, in its own process.


def _emit(result: dict) -> None:
    """The worker's result line, with its own peak memory (VmHWM, exact, after exec)."""
    result = {**result, "vmhwm_kb": _memory_kb(os.getpid())[1]}
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def _worker_generate(n: int, out_dir: Path, seed: int) -> None:
    from benchmarks.corpus import generate_corpus

    started = time.perf_counter()
    stats = generate_corpus(n, out_dir, seed)
    seconds = time.perf_counter() - started
    _emit(
        {
            "seconds": seconds,
            "articles": stats.articles,
            "bytes": stats.bytes,
            "figures": stats.figures,
        }
    )


def _worker_extract(raw_dir: Path) -> None:
    from orchestration.text.extraction import extract_figures
    from orchestration.text.parsing import decode_article, parse_article

    paths = sorted((raw_dir / "articles").glob("*.txt"))
    files = [(p.stem, p.read_bytes(), str(p)) for p in paths]
    step = max(1, len(files) // 10)
    figures = 0
    started = time.perf_counter()
    for index, (article_id, data, source) in enumerate(files, 1):
        text, _ = decode_article(data, source)
        figures += len(extract_figures(parse_article(article_id, text)))
        if index % step == 0 and len(files) >= 100:
            print(f"extract {index}/{len(files)}", flush=True)
    seconds = time.perf_counter() - started
    text = "\n".join(decode_article(data, source)[0] for _, data, source in files)
    regex_seconds, matches = regex_pass(text)
    _emit(
        {
            "seconds": seconds,
            "articles": len(files),
            "bytes": sum(len(d) for _, d, _ in files),
            "figures": figures,
            "regex_seconds": regex_seconds,
            "regex_matches": matches,
        }
    )


def _text_rows(items: list[tuple], pool, chunk: int = 1000) -> tuple[int, int, str]:
    """(articles, figures, sha256 of every row in order) of the assets' text work on
    ``items`` ((article_id, raw_text, None)), a chunk of ``chunk`` articles at a time: parse
    (``text_work.parse_many``), the parsed rows turned into the extractor's input as
    ``extracted_figures`` reads them back, extract (``text_work.extract_many``); on
    ``pool``'s workers, or in process when it is None."""
    import hashlib

    from orchestration.defs.ingest import text_work
    from orchestration.runtime.pool import chunked_map

    digest, articles, figures = hashlib.sha256(), 0, 0
    chunks = ((start, items[start : start + chunk]) for start in range(0, len(items), chunk))
    for start, parsed in chunked_map(text_work.parse_many, chunks, pool):
        work = []
        for row, blocks, warnings, _ in parsed:
            digest.update(repr((row, blocks, warnings)).encode())
            stored = [tuple(b[k] for k in text_work.BLOCK_FIELDS) for b in blocks]
            work.append((row["article_id"], row["repaired_text"], row["published_on"], stored))
        for _, results in chunked_map(text_work.extract_many, [(start, work)], pool):
            for rows in results:
                articles += 1
                figures += len(rows)
                digest.update(repr(rows).encode())
    return articles, figures, digest.hexdigest()


def _worker_parallel(raw_dir: Path) -> None:
    from orchestration.runtime.pool import TextPool
    from orchestration.settings import available_cores, ledger_workers
    from orchestration.text.parsing import decode_article

    paths = sorted((raw_dir / "articles").glob("*.txt"))
    data = [p.read_bytes() for p in paths]
    items = [(p.stem, decode_article(d, str(p))[0], None) for p, d in zip(paths, data, strict=True)]
    started = time.perf_counter()
    one = _text_rows(items, None)
    one_seconds = time.perf_counter() - started
    print(f"parallel: 1 worker (in process) {one_seconds:.2f} s", flush=True)
    workers = ledger_workers()
    pool = TextPool(workers)
    started = time.perf_counter()
    try:
        many = _text_rows(items, pool)
    finally:
        seconds = time.perf_counter() - started
        pool.close()
    _emit(
        {
            "seconds": seconds,
            "one_worker_seconds": one_seconds,
            "pool_start_seconds": pool.start_seconds,
            "workers": workers,
            "cores": available_cores(),
            "articles": one[0],
            "figures": one[1],
            "bytes": sum(len(d) for d in data),
            "same": one == many,
        }
    )


def _worker_runs(workers: int, ids_file: Path) -> None:
    """``workers`` processes of ``python -m orchestration.cli.run_articles`` at once, each
    over a contiguous share of the ids in ``ids_file`` (one a line); their output is
    this worker's, each line prefixed with its process's number."""
    ids = ids_file.read_text(encoding="utf-8").split()
    share = -(-len(ids) // workers)
    parts = [ids[i * share : (i + 1) * share] for i in range(workers)]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, *PIPELINE_COMMANDS["incremental"], *part],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        for part in parts
        if part
    ]

    def relay(index: int, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            print(f"[run {index}] {line}", end="", flush=True)

    relays = [
        threading.Thread(target=relay, args=(i, p), daemon=True) for i, p in enumerate(procs, 1)
    ]
    for thread in relays:
        thread.start()
    finished = []
    for proc in procs:
        proc.wait()
        finished.append(time.perf_counter() - started)
    for thread in relays:
        thread.join(timeout=30)
    _emit(
        {
            "seconds": time.perf_counter() - started,
            "each_seconds": finished,
            "returncodes": [p.returncode for p in procs],
            "articles": len(ids),
        }
    )


def _postgres_rows(url: str, table: str, order: str) -> list[tuple]:
    from orchestration.warehouse.postgres import PostgresWarehouse

    frame = PostgresWarehouse(url).read_query(f"SELECT * FROM main.{table} ORDER BY {order}")
    frame = frame.drop(columns=[c for c in frame.columns if c in POSTGRES_VOLATILE])
    frame = frame.astype(object).where(frame.notna(), None)
    return [tuple(row) for row in frame.itertuples(index=False, name=None)]


def _worker_compare(first_url: str, second_url: str) -> None:
    """Whether the marts of two Postgres databases hold the same rows (volatile times
    aside); the row count of each table, and the tables that differ."""
    counts, different = {}, []
    for table, order in POSTGRES_TABLES.items():
        first = _postgres_rows(first_url, table, order)
        second = _postgres_rows(second_url, table, order)
        counts[table] = len(first)
        if first != second:
            different.append(f"{table} ({len(first)} vs {len(second)} rows)")
    _emit({"seconds": 0.0, "identical": not different, "rows": counts, "different": different})


def _worker_sanity(raw_dir: Path) -> None:
    from orchestration.cli.evaluation import Result, evaluate_article, find_articles

    started = time.perf_counter()
    overall = Result("all")
    for article, annotation in find_articles([raw_dir]):
        overall.add(evaluate_article(article, annotation))
    seconds = time.perf_counter() - started

    def ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    _emit(
        {
            "seconds": seconds,
            "annotations": overall.annotations,
            "figures": overall.figures,
            "matched": overall.matched,
            "recall": ratio(overall.matched, overall.annotations),
            "precision": ratio(overall.matched, overall.figures),
            "value_accuracy": ratio(overall.value_ok, overall.value_n),
            "category_accuracy": ratio(overall.category_ok, overall.matched),
            "city_accuracy": ratio(overall.city_ok, overall.matched),
        }
    )


def _worker_inspect(duckdb_path: Path) -> None:
    """After a pipeline run (DAGSTER_HOME set): its Dagster steps, dbt invocations and
    slowest dbt nodes, and the warehouse's reconciliation counts. Never raises."""
    out: dict = {"steps": [], "dbt_commands": [], "dbt_nodes": [], "sources": {}}
    try:
        import dagster as dg

        instance = dg.DagsterInstance.get()
        runs = instance.get_runs(limit=1)
        if runs:
            run = runs[0]
            logs = instance.all_logs(run.run_id)
            out["run_id"] = run.run_id
            out["events"] = len(logs)
            kinds: dict[str, int] = {}
            for entry in logs:
                kind = entry.dagster_event.event_type_value if entry.dagster_event else "LOG"
                kinds[kind] = kinds.get(kind, 0) + 1
            out["event_types"] = sorted(kinds.items(), key=lambda item: -item[1])
            stamps = [e.timestamp for e in logs]
            out["run_start"], out["run_end"] = (min(stamps), max(stamps)) if stamps else (0, 0)
            starts: dict[str, float] = {}
            running: dict[str, float] = {}
            for entry in logs:
                event = entry.dagster_event
                message = entry.user_message or ""
                if event is not None:
                    kind = event.event_type_value
                    if kind == "STEP_START":
                        starts[entry.step_key] = entry.timestamp
                    elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in starts:
                        out["steps"].append(
                            [entry.step_key, starts[entry.step_key], entry.timestamp, kind]
                        )
                elif message.startswith("Running dbt command"):
                    running[entry.step_key] = entry.timestamp
                elif message.startswith("Finished dbt command") and entry.step_key in running:
                    out["dbt_commands"].append(
                        [entry.step_key, running.pop(entry.step_key), entry.timestamp]
                    )
            from orchestration.settings import DBT_PROJECT_DIR

            target = DBT_PROJECT_DIR / "target"
            # each dbt command's JSON log (the steps run dbt with --no-write-json)
            for log in sorted(target.glob(f"*-{run.run_id[:7]}-*/dbt.log")):
                for line in log.read_text(encoding="utf-8").splitlines():
                    if '"NodeFinished"' not in line:
                        continue
                    data = json.loads(line)["data"]
                    out["dbt_nodes"].append(
                        [
                            log.parent.name.split("-")[0],
                            data["node_info"]["unique_id"],
                            data["run_result"]["execution_time"],
                        ]
                    )
    except Exception as error:  # noqa: BLE001 - a profile is a bonus, never a failure
        out["error"] = f"dagster: {error!r}"
    try:
        import duckdb

        if duckdb_path.exists():
            with duckdb.connect(str(duckdb_path), read_only=True) as con:
                rows = con.execute(
                    "SELECT source, count(*) FROM main.fct_figures GROUP BY source"
                ).fetchall()
                out["sources"] = {source: count for source, count in rows}
                out["articles"] = con.execute("SELECT count(*) FROM raw.articles").fetchone()[0]
    except Exception as error:  # noqa: BLE001
        out["error_warehouse"] = repr(error)
    _emit(out)


def worker(argv: list[str]) -> int:
    kind, *rest = argv
    if kind == "generate":
        _worker_generate(int(rest[0]), Path(rest[1]), int(rest[2]))
    elif kind == "extract":
        _worker_extract(Path(rest[0]))
    elif kind == "parallel":
        _worker_parallel(Path(rest[0]))
    elif kind == "runs":
        _worker_runs(int(rest[0]), Path(rest[1]))
    elif kind == "compare":
        _worker_compare(rest[0], rest[1])
    elif kind == "sanity":
        _worker_sanity(Path(rest[0]))
    elif kind == "inspect":
        _worker_inspect(Path(rest[0]))
    else:
        raise SystemExit(f"unknown worker {kind}")
    return 0


# --------------------------------------------------------------------------- the harness


@dataclass
class Row:
    size: int
    step: str
    seconds: float
    peak_mb: float
    articles_per_s: float | None = None
    mb_per_s: float | None = None
    recall: float | None = None
    precision: float | None = None
    max_process_mb: float | None = None
    ok: bool = True
    # extract: its time ÷ one regex pass over the same text; parallel: speed-up over one
    # worker; full, incremental, seed_run, postgres_*: wall time ÷ `python -c "import dagster"`
    ratio: float | None = None

    def csv_row(self) -> dict:
        def fmt(value, digits):
            return "" if value is None else f"{value:.{digits}f}"

        return {
            "size": self.size,
            "step": self.step,
            "seconds": fmt(self.seconds, 3),
            "peak_mb": fmt(self.peak_mb, 1),
            "articles_per_s": fmt(self.articles_per_s, 2),
            "mb_per_s": fmt(self.mb_per_s, 3),
            "recall": fmt(self.recall, 4),
            "precision": fmt(self.precision, 4),
            "max_process_mb": fmt(self.max_process_mb, 1),
            "ratio": fmt(self.ratio, 2),
            "ok": int(self.ok),
        }


def _cell(value, digits: int, width: int) -> str:
    return f"{'-' if value is None else f'{value:.{digits}f}':>{width}}"


TABLE_HEADER = (
    f"{'size':>6}  {'step':<12}{'seconds':>9}{'peak MB':>9}{'art/s':>9}{'MB/s':>8}"
    f"{'recall':>8}{'prec.':>7}{'ratio':>8}  ok"
)


def print_row(row: Row) -> None:
    print(
        f"{row.size:>6}  {row.step:<12}{_cell(row.seconds, 2, 9)}{_cell(row.peak_mb, 0, 9)}"
        f"{_cell(row.articles_per_s, 1, 9)}{_cell(row.mb_per_s, 3, 8)}"
        f"{_cell(row.recall, 3, 8)}{_cell(row.precision, 3, 7)}{_cell(row.ratio, 1, 8)}"
        f"  {'ok' if row.ok else 'FAILED'}",
        flush=True,
    )


class Harness:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.out: Path = args.out
        self.work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="ledger-bench-"))
        self.rows: list[Row] = []
        self.profile: list[dict] = []
        self.notes: list[str] = []
        self.dagster_import_s: float | None = None  # the reference, once per invocation
        self.regex: dict[int, tuple[float, float]] = {}  # size -> (regex MB/s, extract ratio)
        self.parallel_runs: list[dict] = []
        self.postgres: dict[int, dict] = {}  # size -> {"identical": …, "speedup": …}

    # ---- helpers

    def env(self, **extra: str) -> dict[str, str]:
        # the ledger's settings are the harness's to set; LEDGER_WORKERS alone passes through
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("LEDGER_") or k == "LEDGER_WORKERS"
        }
        env.update(GX_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1", **extra)
        return env

    def pipeline_env(self, raw_dir: Path, run_dir: Path) -> dict[str, str]:
        home = run_dir / "dagster_home"
        home.mkdir(parents=True, exist_ok=True)
        project_yaml = ROOT / "dagster_home" / "dagster.yaml"
        if project_yaml.exists():  # the same instance settings as make run
            shutil.copy(project_yaml, home / "dagster.yaml")
        else:
            (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        return self.env(
            LEDGER_RAW_DIR=str(raw_dir),
            LEDGER_DUCKDB_PATH=str(run_dir / "warehouse.duckdb"),
            LEDGER_REPORT_DIR=str(run_dir / "reports"),
            DAGSTER_HOME=str(home),
        )

    def run_worker(self, label: str, log: str, *argv: str, env=None) -> Measured:
        cmd = [sys.executable, "-m", "benchmarks.run", "_worker", *argv]
        return measure(cmd, env or self.env(), self.out / "logs" / log, label)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print_row(row)
        self.write_csv()
        return row

    def failed(self, label: str, measured: Measured) -> None:
        tail = "\n".join(f"        {line}" for _, line in measured.lines[-15:])
        print(f"    ! {label} exited {measured.returncode}; last lines:\n{tail}", flush=True)

    # ---- the steps

    def worker_step(self, step: str, n: int, *argv: str) -> tuple[Measured, dict, bool]:
        """A step measured in a worker process: its measurement, result, and whether it
        worked (a failure prints the worker's last lines)."""
        measured = self.run_worker(f"{step} {n}", f"{n}-{step}.log", step, *argv)
        result = measured.result
        ok = measured.returncode == 0 and bool(result)
        if not ok:
            self.failed(step, measured)
        return measured, result, ok

    def generate(self, n: int, raw_dir: Path) -> dict:
        measured, result, ok = self.worker_step(
            "generate", n, str(n), str(raw_dir), str(self.args.seed)
        )
        if not ok:
            raise SystemExit(f"could not generate the corpus of {n} articles")
        seconds = result["seconds"]
        self.add(
            Row(n, "generate", seconds, measured.peak_mb, n / seconds,
                result["bytes"] / 1e6 / seconds, max_process_mb=measured.max_process_mb)
        )  # fmt: skip
        return result

    def extract(self, n: int, raw_dir: Path) -> None:
        measured, result, ok = self.worker_step("extract", n, str(raw_dir))
        seconds = result.get("seconds", measured.seconds)
        regex_s = result.get("regex_seconds")
        ratio = seconds / regex_s if ok and regex_s else None
        self.add(
            Row(n, "extract", seconds, measured.peak_mb,
                result.get("articles", n) / seconds if ok else None,
                result.get("bytes", 0) / 1e6 / seconds if ok else None,
                max_process_mb=measured.max_process_mb, ok=ok, ratio=ratio)
        )  # fmt: skip
        if ratio is not None:
            mb = result["bytes"] / 1e6
            self.regex[n] = (mb / regex_s, ratio)
            print(
                f"        extract {mb / seconds:.2f} MB/s; one regex pass over the same text "
                f"({REFERENCE_REGEX}, findall, {result['regex_matches']} matches) "
                f"{mb / regex_s:.1f} MB/s; extract = {ratio:.1f}× one regex pass",
                flush=True,
            )

    def parallel(self, n: int, raw_dir: Path) -> None:
        measured, result, ok = self.worker_step("parallel", n, str(raw_dir))
        ok = ok and bool(result.get("same"))
        seconds = result.get("seconds", measured.seconds)
        one = result.get("one_worker_seconds")
        speedup = one / seconds if one and seconds else None
        mb = result.get("bytes", 0) / 1e6
        self.add(
            Row(n, "parallel", seconds, measured.peak_mb,
                result.get("articles", n) / seconds if seconds else None,
                mb / seconds if seconds else None,
                max_process_mb=measured.max_process_mb, ok=ok, ratio=speedup)
        )  # fmt: skip
        if result:
            self.parallel_runs.append({"size": n, "speedup": speedup, **result})
            start = result.get("pool_start_seconds") or 0.0
            print(
                f"        parse+extract as the assets run it: 1 worker {one:.2f} s "
                f"({mb / one:.2f} MB/s), {result['workers']} workers {seconds:.2f} s "
                f"({mb / seconds:.2f} MB/s, pool start {start:.2f} s included) → speed-up "
                f"{speedup:.2f}× on {result['cores']} cores; same rows: "
                f"{'yes' if result.get('same') else 'NO'}",
                flush=True,
            )

    def vs_dagster(self, seconds: float) -> float | None:
        return seconds / self.dagster_import_s if self.dagster_import_s else None

    def sanity(self, n: int, raw_dir: Path) -> None:
        measured, result, ok = self.worker_step("sanity", n, str(raw_dir))
        seconds = result.get("seconds", measured.seconds)
        self.add(
            Row(n, "sanity", seconds, measured.peak_mb, n / seconds if ok else None,
                recall=result.get("recall"), precision=result.get("precision"),
                max_process_mb=measured.max_process_mb, ok=ok)
        )  # fmt: skip
        if ok:
            print(
                f"        {result['annotations']} annotations, {result['figures']} extracted, "
                f"{result['matched']} matched; value/unit accuracy "
                f"{_cell(result['value_accuracy'], 3, 0)}, category "
                f"{_cell(result['category_accuracy'], 3, 0)}, city "
                f"{_cell(result['city_accuracy'], 3, 0)}",
                flush=True,
            )

    def pipeline(
        self, size: int, step: str, env: dict, mb: float, articles: int, extra: list[str] = ()
    ) -> Row:
        """A pipeline run (``full``, ``incremental``, ``seed_run``), then its profile."""
        cmd = [sys.executable, *PIPELINE_COMMANDS[step], *extra]
        measured = measure(cmd, env, self.out / "logs" / f"{size}-{step}.log", f"{step} {size}")
        ok = measured.returncode == 0
        if not ok:
            self.failed(step, measured)
        inspected = self.inspect(env)
        row = Row(
            size, step, measured.seconds, measured.peak_mb, articles / measured.seconds,
            mb / measured.seconds, max_process_mb=measured.max_process_mb, ok=ok,
            ratio=self.vs_dagster(measured.seconds),
        )  # fmt: skip
        sources = inspected.get("sources") or {}
        both = sources.get("both", 0)
        if step == "full" and both:
            row.recall = both / (both + sources.get("annotation", 0))
            row.precision = both / (both + sources.get("extracted", 0))
        self.add(row)
        self.record_profile(size, step, measured, inspected)
        return row

    def inspect(self, env: dict) -> dict:
        measured = measure(
            [sys.executable, "-m", "benchmarks.run", "_worker", "inspect",
             env["LEDGER_DUCKDB_PATH"]],
            env, self.out / "logs" / "inspect.log", "inspect",
        )  # fmt: skip
        return measured.result

    def record_profile(self, size: int, run: str, measured: Measured, inspected: dict) -> None:
        """Where the wall time went: process phases, Dagster steps, dbt, slowest dbt nodes."""
        rows: list[dict] = []

        def add(kind: str, name: str, start: float | None, seconds: float) -> None:
            rows.append(
                {"size": size, "run": run, "kind": kind, "name": name,
                 "start_s": "" if start is None else round(start, 2),
                 "seconds": round(seconds, 3)}
            )  # fmt: skip

        t0 = measured.started_at
        run_start = inspected.get("run_start") or None
        run_end = inspected.get("run_end") or None
        marks: list[tuple[str, float | None]] = [
            ("start", 0.0),
            ("parse", measured.first_line("preparing the dbt manifest")),
            ("load", measured.first_line("loading dagster and the definitions")),
            ("materialize", measured.first_line("materializing every asset")),
            ("run", run_start - t0 if run_start else None),
            ("after", run_end - t0 if run_end else None),
            ("exit", measured.seconds),
        ]
        names = {
            "start": "process start + imports",
            "parse": "dbt parse (prepare_manifest)",
            "load": "imports, instance, definitions",
            "materialize": "partition sync + run setup",
            "run": "dagster run (all steps)",
            "after": "summary + exit",
        }
        if measured.first_line("preparing the dbt manifest") is None:
            names["start"] = "start (imports + dbt parse + definitions + partitions)"
        known = [(name, at) for name, at in marks if at is not None]
        for (name, at), (_, until) in zip(known, known[1:], strict=False):
            add("phase", names[name], at, until - at)
        steps = inspected.get("steps", [])
        if run_start and steps:
            first = min(start for _, start, _, _ in steps)
            add("phase", "dagster: run start to first step (planned-asset events)",
                run_start - t0, first - run_start)  # fmt: skip
        for step_key, start, end, status in steps:
            add("step", step_key + ("" if status == "STEP_SUCCESS" else " (failed)"),
                start - t0, end - start)  # fmt: skip
        for step_key, start, end in inspected.get("dbt_commands", []):
            add("dbt_command", f"{step_key}: dbt build", start - t0, end - start)
        nodes = sorted(inspected.get("dbt_nodes", []), key=lambda n: -n[2])
        for kind in ("model", "test"):
            total = sum(n[2] for n in nodes if n[1].startswith(kind + "."))
            count = sum(1 for n in nodes if n[1].startswith(kind + "."))
            if count:
                add("dbt_total", f"{count} dbt {kind}s (sum of execution_time)", None, total)
        for asset, unique_id, seconds in nodes[:8]:
            add("dbt_node", f"{asset}: {unique_id}", None, seconds)
        if "events" in inspected:
            add("events", f"{inspected['events']} event-log entries in the run", None, 0.0)
            for kind, count in inspected.get("event_types", [])[:6]:
                add("events", f"{count} {kind}", None, 0.0)
        self.profile.extend(rows)
        self.write_profile()
        top = sorted(
            (r for r in rows if r["kind"] in ("phase", "step")), key=lambda r: -r["seconds"]
        )
        summary = ", ".join(f"{r['name']} {r['seconds']:.1f}s" for r in top[:6])
        if summary:
            print(f"        where the time went: {summary}", flush=True)

    # ---- one size

    def run_size(self, n: int, steps: set[str]) -> None:
        corpus = self.work / f"corpus-{n}"
        raw_dir = corpus / "raw"
        if raw_dir.exists():
            shutil.rmtree(raw_dir)
        stats = self.generate(n, raw_dir)
        mb = stats["bytes"] / 1e6
        print(
            f"        {n} articles, {mb:.2f} MB, {stats['figures']} annotated figures", flush=True
        )
        if "extract" in steps:
            self.extract(n, raw_dir)
        if "parallel" in steps:
            self.parallel(n, raw_dir)
        if "sanity" in steps:
            self.sanity(n, raw_dir)
        if "full" in steps:
            run_dir = corpus / "run"
            shutil.rmtree(run_dir, ignore_errors=True)
            env = self.pipeline_env(raw_dir, run_dir)
            full = self.pipeline(n, "full", env, mb, n)
            if "incremental" in steps:
                if not full.ok:
                    print("        (incremental skipped: the full run failed)")
                else:
                    for extra in range(1, self.args.incremental_runs + 1):
                        new_id, size = self.add_article(raw_dir, n + extra)
                        self.pipeline(n, "incremental", env, size / 1e6, 1, [new_id])
            if not self.args.keep_work:
                shutil.rmtree(run_dir, ignore_errors=True)
        elif "incremental" in steps:
            print("        (incremental needs the full run's warehouse: add 'full' to --steps)")

    # ---- Postgres: article runs side by side

    def postgres_size(self, n: int, workers: list[int], server_url: str) -> None:
        """N articles into Postgres by ``w`` ``run_articles`` processes at once, for each
        ``w`` of ``workers``, each into a fresh database of the same server (warehouse and
        Dagster instance, ``deploy/postgres/dagster.yaml``); then the marts compared."""
        corpus = self.work / f"corpus-{n}"
        raw_dir = corpus / "raw"
        if raw_dir.exists():
            shutil.rmtree(raw_dir)
        stats = self.generate(n, raw_dir)
        ids = sorted(p.stem for p in (raw_dir / "articles").glob("*.txt"))
        ids_file = corpus / "ids.txt"
        ids_file.write_text("\n".join(ids) + "\n", encoding="utf-8")
        urls: dict[int, str] = {}
        seconds: dict[int, float] = {}
        landed: dict[int, bool] = {}  # every run process of w exited 0
        try:
            for w in workers:
                urls[w] = create_database(server_url, f"bench_n{n}_w{w}")
                env = self.postgres_env(raw_dir, corpus / f"run-w{w}", urls[w])
                measured = measure(
                    [sys.executable, "-m", "benchmarks.run", "_worker", "runs", str(w),
                     str(ids_file)],
                    env, self.out / "logs" / f"{n}-postgres_w{w}.log", f"postgres {n} × {w}",
                )  # fmt: skip
                result = measured.result
                ok = measured.returncode == 0 and result.get("returncodes") == [0] * w
                if not ok:
                    self.failed(f"postgres_w{w}", measured)
                seconds[w] = measured.seconds
                landed[w] = ok
                self.add(
                    Row(n, f"postgres_w{w}", measured.seconds, measured.peak_mb,
                        n / measured.seconds, stats["bytes"] / 1e6 / measured.seconds,
                        max_process_mb=measured.max_process_mb, ok=ok,
                        ratio=self.vs_dagster(measured.seconds))
                )  # fmt: skip
                each = ", ".join(f"{s:.1f}" for s in result.get("each_seconds", []))
                print(f"        {w} run process(es) at once, each done after: {each} s", flush=True)
            first, *others = workers
            verdicts = []
            for w in others:
                compared = measure(
                    [sys.executable, "-m", "benchmarks.run", "_worker", "compare", urls[first],
                     urls[w]],
                    self.env(), self.out / "logs" / f"{n}-postgres-compare.log", "compare",
                )  # fmt: skip
                result = compared.result
                identical = bool(result.get("identical"))
                verdicts.append(identical and landed[first] and landed[w])
                rows = sum(result.get("rows", {}).values())
                speedup = seconds[first] / seconds[w] if seconds.get(w) else None
                self.postgres[n] = {
                    "identical": identical,
                    "runs_ok": landed[first] and landed[w],
                    "speedup": speedup,
                    "workers": w,
                }
                print(
                    f"        postgres, {n} articles: {first} run process {seconds[first]:.1f} s, "
                    f"{w} at once {seconds[w]:.1f} s → speed-up {speedup:.2f}×; marts "
                    + (
                        f"identical ({len(POSTGRES_TABLES)} tables, {rows} rows)"
                        if identical
                        else f"DIFFER: {', '.join(result.get('different', [])) or 'unreadable'}"
                    ),
                    flush=True,
                )
            if not all(verdicts):
                self.rows[-1].ok = False
        finally:
            if not self.args.keep_work:
                for url in urls.values():
                    drop_database(server_url, url)

    def postgres_env(self, raw_dir: Path, run_dir: Path, url: str) -> dict[str, str]:
        from orchestration.warehouse.postgres import libpq_parts

        home = run_dir / "dagster_home"
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "deploy" / "postgres" / "dagster.yaml", home / "dagster.yaml")
        env = self.env(
            LEDGER_WAREHOUSE="postgres",
            LEDGER_POSTGRES_URL=url,
            LEDGER_RAW_DIR=str(raw_dir),
            LEDGER_REPORT_DIR=str(run_dir / "reports"),
            LEDGER_WORKERS="1",  # the runs are the workers here; no text pool inside them
            DAGSTER_HOME=str(home),
        )
        env.update(libpq_parts(url))  # the instance's connection (deploy/postgres/dagster.yaml)
        return env

    def add_article(self, raw_dir: Path, index: int) -> tuple[str, int]:
        """Article ``index`` of the same corpus, written as generate_corpus writes it."""
        from benchmarks.corpus import annotation_csv, build_article

        article = build_article(self.args.seed, index)
        data = article.text.encode("utf-8")
        (raw_dir / "articles" / f"{article.article_id}.txt").write_bytes(data)
        (raw_dir / "annotations" / f"{article.article_id}.csv").write_bytes(
            annotation_csv(article).encode("utf-8")
        )
        return article.article_id, len(data)

    def seed_run(self) -> None:
        """``make run`` on the seed once the environment exists: a first run in a fresh
        folder (it parses the dbt project for the new warehouse path, as the first
        ``make run`` of a clone does) is shown, not counted; then ``--seed-runs`` runs in the
        same folder, each a row, the median against the target (this machine's timings vary
        by ±20 % from run to run)."""
        raw_dir = ROOT / "raw"
        articles = sorted((raw_dir / "articles").glob("*.txt"))
        mb = sum(p.stat().st_size for p in articles) / 1e6
        run_dir = self.work / "seed-run"
        shutil.rmtree(run_dir, ignore_errors=True)
        env = self.pipeline_env(raw_dir, run_dir)
        first = measure(
            [sys.executable, *PIPELINE_COMMANDS["seed_run"]],
            env,
            self.out / "logs" / "1-seed_run-first.log",
            "seed_run first",
        )
        print(
            f"        first seed run in a fresh folder (dbt parse included): "
            f"{first.seconds:.1f} s (not counted)",
            flush=True,
        )
        for _ in range(self.args.seed_runs):
            self.pipeline(len(articles), "seed_run", env, mb, len(articles))

    # ---- output

    def write_csv(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        with (self.out / "results.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(r.csv_row() for r in self.rows)

    def write_profile(self) -> None:
        with (self.out / "profile.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=PROFILE_COLUMNS)
            writer.writeheader()
            writer.writerows(self.profile)

    def plot(self) -> Path:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2))
        for step in (*STEPS, "seed_run"):
            points = sorted((r.size, r.seconds, r.peak_mb) for r in self.rows if r.step == step)
            if not points:
                continue
            sizes = [p[0] for p in points]
            style = "*" if step == "seed_run" else "o-"
            left.plot(sizes, [p[1] for p in points], style, label=step, markersize=8)
            right.plot(sizes, [p[2] for p in points], style, label=step, markersize=8)
        left.plot([BIG_SIZE], [TARGET_FULL_10K_S], "rx", markersize=12, mew=2,
                  label="target: full, 10k ≤ 100 s")  # fmt: skip
        left.plot([BIG_SIZE], [TARGET_INCREMENTAL_10K_S], "m+", markersize=14, mew=2,
                  label="target: incremental at 10k ≤ 10 s")  # fmt: skip
        left.set(xscale="log", yscale="log", xlabel="articles", ylabel="seconds (wall)",
                 title="time against corpus size")  # fmt: skip
        right.axhline(TARGET_FULL_10K_MB, color="r", linestyle="--", label="target: ≤ 2 GB")
        right.set(xscale="log", yscale="log", xlabel="articles", ylabel="peak MB (process tree)",
                  title="peak memory against corpus size")  # fmt: skip
        for axis in (left, right):
            axis.grid(True, which="both", alpha=0.3)
            axis.legend(fontsize=8)
        fig.tight_layout()
        path = self.out / "results.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path

    # ---- targets

    def _measured(self, step: str, attribute: str, size: int) -> list[float]:
        return [
            getattr(r, attribute) for r in self.rows if r.step == step and r.size == size and r.ok
        ]

    def _project(self, step: str, attribute: str, size: int) -> tuple[float, str] | None:
        """Measured at ``size`` (the median of its runs), else a straight line through the
        two largest sizes."""
        values = self._measured(step, attribute, size)
        if values:
            how = f"measured at {size}"
            if len(values) > 1:
                how += f", median of {len(values)}: " + ", ".join(f"{v:.1f}" for v in values)
            return statistics.median(values), how
        sizes = sorted({r.size for r in self.rows if r.step == step and r.ok and r.size != size})
        points = [(n, statistics.median(self._measured(step, attribute, n))) for n in sizes]
        if len(points) < 2:
            return None
        (n1, y1), (n2, y2) = points[-2], points[-1]
        slope = (y2 - y1) / (n2 - n1) if n2 != n1 else 0.0
        return y2 + slope * (size - n2), f"projected linearly from N={n1},{n2}"

    def targets(self) -> list[str]:
        lines = ["", "targets (issue) — measured number next to its target:"]

        def verdict(value: float, target: float, at_least: bool) -> str:
            good = value >= target if at_least else value <= target
            return "meets" if good else "MISSES"

        extracts = [r for r in self.rows if r.step == "extract" and r.ok and r.mb_per_s]
        if extracts:
            worst = min(r.mb_per_s for r in extracts)
            each = ", ".join(f"N={r.size}: {r.mb_per_s:.2f}" for r in extracts)
            lines.append(
                f"  extractor ≥ {TARGET_EXTRACT_MB_S:g} MB/s on one core: {each} MB/s "
                f"→ {verdict(worst, TARGET_EXTRACT_MB_S, True)}"
            )
        ratios = [r for r in extracts if r.ratio]
        if ratios:
            worst = max(r.ratio for r in ratios)
            each = ", ".join(
                f"N={r.size}: {r.ratio:.1f}× ({self.regex[r.size][0]:.0f} MB/s regex)"
                if r.size in self.regex
                else f"N={r.size}: {r.ratio:.1f}×"
                for r in ratios
            )
            lines.append(
                f"  parse+extract within {TARGET_EXTRACT_REGEX_RATIO:g}× of one regex pass over "
                f"the same text: {each} → {verdict(worst, TARGET_EXTRACT_REGEX_RATIO, False)}"
            )
        parallel = [r for r in self.parallel_runs if r.get("speedup")]
        if parallel:
            largest = max(parallel, key=lambda r: r["size"])
            wanted = TARGET_PARALLEL_EFFICIENCY * largest["workers"]
            each = ", ".join(
                f"N={r['size']}: {r['speedup']:.2f}×" + ("" if r.get("same") else " (rows DIFFER)")
                for r in parallel
            )
            good = largest["speedup"] >= wanted and all(r.get("same") for r in parallel)
            lines.append(
                f"  every core: parse+extract on {largest['workers']} workers ≥ "
                f"{wanted:.2f}× one worker at the largest N (harness yardstick "
                f"{TARGET_PARALLEL_EFFICIENCY:g} per worker), same rows: {each} → "
                f"{'meets' if good else 'MISSES'}"
            )
        for n, found in sorted(self.postgres.items()):
            speed = f"{found['speedup']:.2f}×" if found.get("speedup") else "n/a"
            fast = (found.get("speedup") or 0) >= TARGET_POSTGRES_SPEEDUP
            good = found["identical"] and found["runs_ok"] and fast
            lines.append(
                f"  Postgres, {n} articles in {found['workers']} runs at once ≥ "
                f"{TARGET_POSTGRES_SPEEDUP:g}× one run, every run OK, marts identical: "
                f"speed-up {speed}, {'runs OK' if found['runs_ok'] else 'a run FAILED'}, "
                f"{'identical' if found['identical'] else 'DIFFER'} → "
                f"{'meets' if good else 'MISSES'}"
            )
        for label, step, attribute, target, unit in (
            ("10,000 articles end to end", "full", "seconds", TARGET_FULL_10K_S, "s"),
            ("10,000 articles peak memory", "full", "peak_mb", TARGET_FULL_10K_MB, "MB"),
            ("one more article into 10,000", "incremental", "seconds", TARGET_INCREMENTAL_10K_S, "s"),
        ):  # fmt: skip
            found = self._project(step, attribute, BIG_SIZE)
            if found:
                value, how = found
                shown = f"{value:.0f}" if value >= 100 else f"{value:.1f}"
                lines.append(
                    f"  {label} ≤ {target:g} {unit}: {shown} {unit} ({how}) "
                    f"→ {verdict(value, target, False)}" + self._dagster_ratio(value, unit)
                )
        seeds = [r for r in self.rows if r.step == "seed_run"]
        if seeds:
            median = statistics.median(r.seconds for r in seeds)
            each = ", ".join(f"{r.seconds:.1f}" for r in seeds)
            lines.append(
                f"  make run on the seed ≤ {TARGET_SEED_RUN_S:g} s: {median:.1f} s "
                f"(median of {len(seeds)}: {each}; run_all, environment installed) → "
                f"{verdict(median, TARGET_SEED_RUN_S, False)}"
                + ("" if all(r.ok for r in seeds) else " (a run FAILED)")
                + self._dagster_ratio(median, "s")
            )
        return lines

    def _dagster_ratio(self, value: float, unit: str) -> str:
        """``; = N× `import dagster` (X s)`` for a time, when the reference was measured."""
        if unit != "s" or not self.dagster_import_s:
            return ""
        return f"; = {value / self.dagster_import_s:.1f}× `import dagster` ({self.dagster_import_s:.2f} s)"


def parse_sizes(text: str) -> list[int]:
    sizes = [int(s) for s in text.split(",") if s.strip()]
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 10,100,1000")
    return sizes


def parse_steps(text: str) -> set[str]:
    steps = {s.strip() for s in text.split(",") if s.strip()}
    unknown = steps - set(STEPS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown steps {sorted(unknown)}; known: {STEPS}")
    return steps


def chosen_sizes(args: argparse.Namespace, argv: list[str]) -> list[int]:
    """The corpus sizes of this invocation: ``--sizes`` plus the opt-in large ones; for
    ``--postgres-workers``, ``--sizes`` when given, else ``POSTGRES_DEFAULT_SIZE``."""
    given = any(a == "--sizes" or a.startswith("--sizes=") for a in argv)
    if args.postgres_workers:
        return sorted(set(args.sizes)) if given else [POSTGRES_DEFAULT_SIZE]
    return sorted(
        set(args.sizes)
        | ({BIG_SIZE} if args.with_10000 else set())
        | ({HUGE_SIZE} if args.with_100000 else set())
    )


def parse_workers(text: str) -> list[int]:
    workers = [int(w) for w in text.split(",") if w.strip()]
    if len(workers) < 2 or any(w < 1 for w in workers):
        raise argparse.ArgumentTypeError("at least two worker counts, e.g. 1,2")
    return workers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                        help="corpus sizes, comma separated (default 10,100,1000)")  # fmt: skip
    parser.add_argument("--with-10000", action="store_true", help="also N=10000 (minutes)")
    parser.add_argument("--with-100000", action="store_true",
                        help="also N=100000 (opt-in: an hour or more, several GB of disk)")  # fmt: skip
    parser.add_argument("--postgres-workers", nargs="?", const="1,2", type=parse_workers,
                        metavar="1,2",
                        help="only this: N articles (--sizes, default 1000) into Postgres by "
                             "1 run process, then by 2 at once, on the server of the PG* "
                             "variables; marts compared (default 1,2)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path("bench_output"))
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--steps", type=parse_steps, default=set(STEPS),
                        help=f"subset of {','.join(STEPS)} (generate always runs)")  # fmt: skip
    parser.add_argument("--no-seed-run", action="store_true",
                        help="skip the make-run-on-the-seed measurement")  # fmt: skip
    parser.add_argument("--seed-runs", type=int, default=3,
                        help="seed runs counted, after an uncounted first (default 3)")  # fmt: skip
    parser.add_argument("--incremental-runs", type=int, default=3,
                        help="incremental runs per size, each adding one more article; "
                             "the target takes their median (default 3)")  # fmt: skip
    parser.add_argument("--work", help="folder for corpora and warehouses (default: a temp dir)")
    parser.add_argument("--keep-work", action="store_true", help="keep corpora and warehouses")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return worker(argv[1:])
    args = build_parser().parse_args(argv)
    sizes = chosen_sizes(args, argv)
    server_url = None
    if args.postgres_workers:
        server_url = postgres_server_url()
        if not server_url:
            print(
                "error: --postgres-workers needs a Postgres server: set the PG* variables "
                "(PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), LEDGER_POSTGRES_URL, or "
                'start one: eval "$(scripts/postgres_test_server.sh start)"',
                file=sys.stderr,
            )
            return 2
    harness = Harness(args)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    what = (
        f"postgres workers {args.postgres_workers}"
        if args.postgres_workers
        else f"steps {sorted(args.steps)}"
    )
    print(f"ledger benchmarks: sizes {sizes}, {what}, work dir {harness.work}", flush=True)
    print(machine_line(), flush=True)
    harness.dagster_import_s, each = dagster_import_seconds()
    print(
        f'reference: python -c "import dagster" {harness.dagster_import_s:.2f} s (median of '
        f"{', '.join(f'{t:.2f}' for t in each)}); per corpus: one regex pass "
        f"({REFERENCE_REGEX}, findall over the corpus text) in MB/s",
        flush=True,
    )
    print(TABLE_HEADER, flush=True)
    try:
        if args.postgres_workers:
            for n in sizes:
                harness.postgres_size(n, args.postgres_workers, server_url)
        else:
            if not args.no_seed_run and ({"full", "incremental"} & args.steps):
                harness.seed_run()
            for n in sizes:
                harness.run_size(n, args.steps)
    finally:
        if not args.keep_work and not args.work:
            shutil.rmtree(harness.work, ignore_errors=True)
    png = harness.plot()
    for line in harness.targets():
        print(line)
    print(f"\nresults: {args.out / 'results.csv'}, {png}, {args.out / 'profile.csv'} "
          f"({time.perf_counter() - started:.0f} s in all)")  # fmt: skip
    return 0 if all(r.ok for r in harness.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
