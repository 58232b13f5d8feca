"""``make run``: materialize every asset once, in process, run every check, print a summary.

Exits 1 when a blocking check fails or a step errors, 3 when the warehouse stayed held
past ``LEDGER_LOCK_TIMEOUT`` (one line says by whom), 0 otherwise.

Before it runs, it recovers what a killed run left behind (:func:`recover_dead_runs`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
import time
import uuid

from orchestration.contract import PUBLISHED_MARTS
from orchestration.defs.transform.manifest import prepare_manifest
from orchestration.runtime import dbt_server
from orchestration.runtime.console import QuietConsole, silence_known_warnings, verbose
from orchestration.runtime.event_log import event_log_held_open
from orchestration.runtime.memory import loading_code
from orchestration.settings import Settings


def project_instance(settings: Settings | None = None):
    """The instance under DAGSTER_HOME (so runs show in ``make ui``), else an ephemeral one."""
    import dagster as dg

    if settings is not None and settings.warehouse_kind == "postgres" and settings.postgres_url:
        # deploy/postgres/dagster.yaml reads the instance's connection from the PG* variables
        from orchestration.warehouse.postgres import libpq_parts

        for name, value in libpq_parts(settings.postgres_url).items():
            os.environ.setdefault(name, value)
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return dg.DagsterInstance.ephemeral()
    os.makedirs(home, exist_ok=True)
    # two processes opening a new instance at once would both create its storage tables
    with _instance_lock():
        instance = dg.DagsterInstance.get()
        instance.get_runs(limit=1)  # storage created (and migrated) while holding the lock
        return instance


@contextlib.contextmanager
def _instance_lock():
    """Serialize the processes that set up (or repair) the instance under DAGSTER_HOME."""
    with open(os.path.join(os.environ["DAGSTER_HOME"], ".instance.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def materialize_everything(settings: Settings, instance=None):
    """Run the whole asset graph (assets and checks) in this process; returns the result."""
    from orchestration.definitions import build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_implicit_global_asset_job_def()
    instance = instance if instance is not None else project_instance(settings)
    return execute(job, settings, defined_checks=defined_checks(defs), instance=instance)


def defined_checks(defs) -> set[tuple[str, str]]:
    """(asset, check) of every asset check the definitions have."""
    import dagster as dg

    return {
        (key.asset_key.to_user_string(), key.name)
        for definition in [*defs.assets, *defs.asset_checks]
        if isinstance(definition, dg.AssetsDefinition)
        for key in definition.check_keys
    }


def prepare(settings: Settings):
    """What a run in this process needs first: the dbt manifest, the Dagster instance and
    the definitions, loaded with the garbage collector off (``memory.loading_code``).
    Returns the instance."""
    print("preparing the dbt manifest ...", flush=True)
    with loading_code():
        prepare_manifest(settings)
        print("loading dagster and the definitions ...", flush=True)
        instance = project_instance(settings)
        try:
            recover_dead_runs(instance, settings)
        except Exception as error:  # noqa: BLE001 - a failed repair must not stop the run
            print(f"warning: could not check for runs a crash left behind: {error}", flush=True)
        import orchestration.definitions  # noqa: F401
    return instance


def execute(job, settings: Settings, defined_checks: set | None = None, **options):
    """Run ``job`` in this process on one warehouse connection, handed to dbt for its
    commands (``Warehouse.session``): a run of few articles would otherwise spend seconds
    opening and closing the file. Another process waits for the whole run. The report and
    the Data Docs are published once, when the run ends (``report.published_at_end``).

    The locks in the one order of ``orchestration/warehouse/locking.py``: first the run's
    slot of the Dagster pool ``warehouse`` (:func:`whole_run_slot`, one slot for the whole
    run), then the warehouse lock file (the session). Never the other way round: a run the
    daemon launched holds a slot while its step waits for the lock file.

    ``defined_checks`` (asset, check): the report forgets the outcomes of other checks."""
    from orchestration.quality.report import forget_retired_checks, published_at_end

    if defined_checks is not None:
        retired = forget_retired_checks(settings.report_dir, defined_checks)
        if retired:
            print(
                f"the report forgets {len(retired)} checks the definitions no longer have: "
                + ", ".join(sorted(retired)[:5])
                + (" …" if len(retired) > 5 else ""),
                flush=True,
            )

    warehouse = settings.open_warehouse()

    def waiting(message: str) -> None:
        print(f"[ledger] {message}", file=sys.stderr, flush=True)

    run_id = str(uuid.uuid4())
    options["tags"] = {**(options.get("tags") or {}), **run_tags()}
    with (
        whole_run_slot(options.get("instance"), run_id, waiting) as instance,
        warehouse.session(wait_message=waiting),
        published_at_end(settings.report_dir, warehouse),
        event_log_held_open(instance, run_id),
    ):
        if instance is not None:
            options["instance"] = instance
        return job.execute_in_process(
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            run_id=run_id,
            **options,
        )


# ------------------------------------------------------------------ the run's pool slot
#
# A run the daemon or the UI launched claims a slot of the "warehouse" pool for each step
# (Dagster's executor), and its step then takes the warehouse lock file. A run in this
# process (make run, run_articles) holds the lock file for the whole run, so it must not
# wait for a pool slot per step while holding it (the deadlock of issue 18: the daemon's
# step held the slot and waited for the file, make run held the file and waited for the
# slot). It claims one slot for the whole run before it takes the lock file, waiting in
# this thread (announced, given up after LEDGER_LOCK_TIMEOUT), and executes its steps with
# the instance's pool granularity set to "run": the executor then claims nothing per step,
# the slot it already holds stands for them all.

POOL = "warehouse"
WHOLE_RUN = "ledger_whole_run"  # step key prefix of an in-process run's slot: <prefix>@host:pid


def _whole_run_step() -> str:
    return f"{WHOLE_RUN}@{socket.gethostname()}:{os.getpid()}"


def _whole_run_process(step_key: str) -> int | None:
    """The pid of a live-or-dead in-process run's slot (its step key), if on this host."""
    prefix = f"{WHOLE_RUN}@{socket.gethostname()}:"
    pid = step_key[len(prefix) :] if step_key.startswith(prefix) else ""
    return int(pid) if pid.isdigit() else None


def _run_granularity(instance):
    """The same instance (storage, settings), with pool granularity "run": Dagster's
    in-process executor then claims no pool slot per step (the run holds one for all)."""
    import dagster as dg

    ref = instance.get_ref()
    concurrency = dict(ref.settings.get("concurrency") or {})
    concurrency["pools"] = {**(concurrency.get("pools") or {}), "granularity": "run"}
    return dg.DagsterInstance.from_ref(
        ref._replace(settings={**ref.settings, "concurrency": concurrency})
    )


def _ahead_of(storage, run_id: str) -> list[str]:
    """Who holds the pool, or is queued for it before ``run_id``: one phrase each."""
    info = storage.get_concurrency_info(POOL)
    mine = [p.enqueued_timestamp for p in info.pending_steps if p.run_id == run_id]
    ahead = [f"run {s.run_id[:8]} step {s.step_key}" for s in info.claimed_slots]
    ahead += [
        f"run {p.run_id[:8]} step {p.step_key} (queued before)"
        for p in info.pending_steps
        if p.run_id != run_id
        and not p.assigned_timestamp
        and (not mine or p.enqueued_timestamp <= min(mine))
    ]
    return ahead


@contextlib.contextmanager
def whole_run_slot(instance, run_id: str, say):
    """Hold a slot of the ``warehouse`` pool for the whole run ``run_id`` and yield the
    instance to execute it with (pool granularity "run"). Waits as :func:`wait_until` does:
    announced with who holds the pool, given up after ``LEDGER_LOCK_TIMEOUT`` with
    :class:`WarehouseUnavailable`. An ephemeral instance, or a storage without pools, has
    nothing to claim (yields the instance unchanged)."""
    from orchestration.warehouse import LOCK_TIMEOUT_ENV, wait_until

    if (
        instance is None
        or instance.is_ephemeral
        or not instance.event_log_storage.supports_global_concurrency_limits
    ):
        yield instance
        return
    storage = instance.event_log_storage
    if POOL not in {pool.name for pool in storage.get_pool_limits()}:
        try:
            storage.initialize_concurrency_limit_to_default(POOL)  # as Dagster's executor does
        except Exception:  # noqa: BLE001 - another run process created the pool a moment ago
            if POOL not in {pool.name for pool in storage.get_pool_limits()}:
                raise
    limited = POOL in {pool.name for pool in storage.get_pool_limits()}
    step_key = _whole_run_step()
    try:
        if limited:
            wait_until(
                lambda: (
                    True
                    if storage.claim_concurrency_slot(POOL, run_id, step_key).is_claimed
                    else None
                ),
                f"a slot of the Dagster pool '{POOL}'",
                lambda: ", ".join(_ahead_of(storage, run_id)) or "nobody",
                "another run of this instance (DAGSTER_HOME) is using the warehouse; let it "
                f"finish, or terminate it in the UI if it hangs, or set {LOCK_TIMEOUT_ENV} to "
                "wait longer",
                say=say,
                poll=0.5,
            )
        yield _run_granularity(instance)
    finally:
        if limited:
            storage.free_concurrency_slot_for_step(run_id, step_key)


# ------------------------------------------------------------------ runs a crash left behind
#
# A run executing in this process records its pid and host in its tags. A later run finds
# the runs whose process is gone, marks them failed and frees their pool slots: a dead run
# keeps its slot of the "warehouse" pool for ever (marking it failed does not free it), and
# every later run would wait for that slot. All through the instance's public methods.

PID_TAG = "ledger/pid"
HOST_TAG = "ledger/host"
_UNFINISHED = ("NOT_STARTED", "STARTING", "STARTED", "CANCELING")
_FINISHED = ("SUCCESS", "FAILURE", "CANCELED")


def run_tags() -> dict[str, str]:
    """The tags by which a later run tells whether this process (and its run) still lives."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _process_start(pid: int) -> float | None:
    """When ``pid`` started (epoch seconds, from /proc), or None where /proc does not tell."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        with open("/proc/stat") as handle:
            boot = next(float(line.split()[1]) for line in handle if line.startswith("btime"))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def process_alive(pid: int, alive_at: float | None = None) -> bool:
    """Whether ``pid`` is a live process that already lived at ``alive_at`` (epoch seconds):
    a process started later is another one that got the pid again."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: alive
    try:
        with open(f"/proc/{pid}/stat") as handle:
            if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False  # a zombie: dead, not yet reaped
    except (OSError, IndexError):
        pass
    started = _process_start(pid)
    return started is None or alive_at is None or started <= alive_at + 2  # btime is in seconds


def _run_process(instance, record, local: bool) -> tuple[int, float | None] | None:
    """The pid of the process of a run (its ``RunRecord``) and a time it lived at, or None
    when this machine cannot tell (no pid known, or the run was started on another host)."""
    import dagster as dg

    run = record.dagster_run
    if PID_TAG in run.tags:
        if run.tags.get(HOST_TAG) != socket.gethostname():
            return None
        pid = run.tags[PID_TAG]
        return (int(pid), record.create_timestamp.timestamp()) if pid.isdigit() else None
    if not local:
        return None
    # a run launched by the daemon or the UI: Dagster's engine event "Executing steps in
    # process (pid: N)" / "... multiprocess executor: parent process (pid: N)" names it
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        data = event.event_specific_data if event else None
        pid = getattr(data, "metadata", {}).get("pid") if data else None
        if pid is not None and event.step_key is None and str(pid.value).isdigit():
            return int(pid.value), entry.timestamp
    return None


def _whole_run_waiting(info, run_id: str) -> bool:
    """Whether ``run_id`` holds (or waits for) a whole-run slot (:func:`whole_run_slot`)
    whose process on this host still lives: between the claim and the run's record its run
    is unknown to the instance, and it is not a leftover."""
    keys = [s.step_key for s in info.claimed_slots if s.run_id == run_id]
    keys += [p.step_key for p in info.pending_steps if p.run_id == run_id]
    for step_key in keys:
        pid = _whole_run_process(step_key)
        if pid is not None and process_alive(pid):
            return True
    return False


def recover_dead_runs(instance, settings: Settings | None = None) -> list[str]:
    """Mark failed the unfinished runs whose process is gone and free every pool slot held
    by a run that is over; print one line when there was anything to do. Returns the ids
    of the runs marked failed.

    A run records its pid in its tags (:func:`run_tags`); a run the daemon or the UI
    launched is known by the pid Dagster logs. Pids only mean something on their host: with
    the DuckDB warehouse every run is on this machine; with Postgres, only runs tagged with
    this host are judged, the others are left to Dagster's run monitoring."""
    import dagster as dg

    if instance.is_ephemeral:
        return []
    local = settings is None or settings.warehouse_kind == "duckdb"
    storage = instance.event_log_storage
    with _instance_lock():  # two runs starting at once repair once
        statuses = [dg.DagsterRunStatus[name] for name in _UNFINISHED]
        dead: list[tuple[str, int]] = []
        for record in instance.get_run_records(filters=dg.RunsFilter(statuses=statuses)):
            run = record.dagster_run
            process = _run_process(instance, record, local)
            if process is None:
                continue
            pid, alive_at = process
            if run.status.value == "NOT_STARTED" and PID_TAG not in run.tags:
                continue
            if not process_alive(pid, alive_at):
                instance.report_run_failed(
                    run,
                    message=f"The run's process (pid {pid}) is gone (killed or crashed); "
                    f"marked failed by the run started in pid {os.getpid()}.",
                )
                dead.append((run.run_id, pid))
        freed = 0
        stale: set[str] = {run_id for run_id, _ in dead}
        pools = storage.get_concurrency_keys() if storage.supports_global_concurrency_limits else []
        for pool in pools:
            info = storage.get_concurrency_info(pool)
            holders = {s.run_id for s in info.claimed_slots} | {
                p.run_id for p in info.pending_steps
            }
            for run_id in holders - stale:
                run = instance.get_run_by_id(run_id)
                if run is None and _whole_run_waiting(info, run_id):
                    continue  # a live run in a process, before Dagster has recorded its run
                if run is None or run.status.value in _FINISHED:
                    stale.add(run_id)
            freed += sum(1 for s in info.claimed_slots if s.run_id in stale)
        for run_id in stale:
            storage.free_concurrency_slots_for_run(run_id)
    if dead or freed:
        runs = ", ".join(f"{run_id[:8]} (pid {pid})" for run_id, pid in dead) or "none"
        print(
            f"recovered after a crash: runs whose process is gone marked failed: {runs}; "
            f"pool slots freed: {freed}",
            flush=True,
        )
    return [run_id for run_id, _ in dead]


def _counts(warehouse) -> dict[str, object]:
    """The summary's row counts, on one connection; "n/a" for a table a failed step left
    unbuilt."""

    def count(sql: str):
        try:
            return int(warehouse.read_query(sql).iloc[0, 0])
        except Exception:  # noqa: BLE001 - table missing after a failed step
            return "n/a"

    with warehouse.session():
        counts: dict[str, object] = {
            "articles read": count("SELECT count(*) FROM raw.articles"),
            "figures (fct_figures)": count("SELECT count(*) FROM main.fct_figures"),
        }
        for mart in PUBLISHED_MARTS:
            counts[f"  {mart}"] = count(f"SELECT count(*) FROM main.{mart}")
        counts["quarantined inputs (errors)"] = count(
            "SELECT count(*) FROM main.quarantine WHERE severity = 'error'"
        )
        counts["warnings"] = count(
            "SELECT count(*) FROM main.quarantine WHERE severity = 'warning'"
        )
    return counts


def summarize(settings: Settings, result) -> tuple[str, bool]:
    """The end-of-run summary and whether the run is good (no step failure, no blocking
    check failure). The checks are counted from what they recorded for the report
    (``report.run_checks``): the page, this summary and the exit code read the same
    outcomes. A failing check is listed with its first failing rows."""
    from orchestration.quality.report import run_checks

    checks = run_checks(settings.report_dir, result.run_id)
    lines = ["", "=" * 64, "regional ledger: run summary", "=" * 64]
    warehouse = settings.open_warehouse()
    counts = _counts(warehouse) if warehouse.exists() else {}
    for key, value in counts.items():
        lines.append(f"{key:<32}{value}")
    lines.append(f"{'checks passed':<32}{len(checks.passed)}")
    lines.append(
        f"{'checks failed':<32}{len(checks.failed)} ({len(checks.blocking_failed)} blocking)"
    )
    if checks.earlier:
        lines.append(
            f"{'checks not run':<32}{len(checks.earlier)} (the report keeps their last result)"
        )
    for record in sorted(checks.failed, key=lambda r: (not r.blocking, r.asset, r.check)):
        lines.extend(_failed_check_lines(record))
    step_failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    for event in step_failures:
        error = event.event_specific_data.error
        if checks.blocking_failed and error and error.cls_name == "DagsterAssetCheckFailedError":
            continue  # a blocking check that failed: listed above with its rows
        message = " ".join((error.message if error else "").split())
        lines.append(f"  STEP FAILED {event.step_key}: {message[:300]}")
    lines.append(f"{'warehouse':<32}{warehouse.kind}: {warehouse}")
    lines.append(f"{'data-quality report':<32}{settings.report_dir / 'index.html'}")
    ok = result.success and not checks.blocking_failed and not step_failures
    lines.append(f"{'result':<32}{'OK' if ok else 'FAILED'}")
    return "\n".join(lines), ok


SUMMARY_ROWS = 3  # failing rows printed per failed expectation (the report has them all)
# what _row_text says as the row's place; the figure id (a hash) says nothing to a person
_WHERE = ("source_file", "article_id", "line", "annotation_line", "char_start", "char_end")
_HIDDEN = (*_WHERE, "figure_id")


def _failed_check_lines(record) -> list[str]:
    """A failed check for the console: its name and result, then per failed expectation
    the column it tests and its first failing rows."""
    kind = "blocking" if record.blocking else "warn"
    lines = [f"  FAILED ({kind}) {record.asset}:{record.check}: {record.description}"]
    for failure in record.failures:
        kwargs = failure.get("kwargs") or {}
        columns = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
        rows = failure.get("rows") or []
        count = failure.get("unexpected_count") or len(rows)
        what = " ".join([failure.get("expectation", "failure"), *map(str, columns)])
        lines.append(f"    {what}" + (f": {count} row(s)" if count else ""))
        if failure.get("message") and not rows:
            lines.append(f"      {str(failure['message'])[:300]}")
        lines.extend(f"      {_row_text(row, columns)[:300]}" for row in rows[:SUMMARY_ROWS])
        if len(rows) > SUMMARY_ROWS:
            lines.append(f"      ... {len(rows) - SUMMARY_ROWS} more in the report")
    return lines


def _row_text(row: dict, columns: list) -> str:
    """One failing row on one line: where it is (file:line, or the article and the
    character offset), the tested columns, then the other values that are set."""
    where = str(row.get("source_file") or row.get("article_id") or "")
    line = row.get("line") if row.get("line") is not None else row.get("annotation_line")
    if line is not None:
        where += f":{line}"
    elif row.get("char_start") is not None:
        where += f"@{row['char_start']}"

    def shown(value) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        return text.removeprefix(f"{where}: ") if where else text  # problem names the place

    ordered = [c for c in columns if c in row] + [c for c in row if c not in columns]
    shown_columns = [c for c in ordered if c not in _HIDDEN and row[c] is not None]
    return " ".join([where, *(f"{c}={shown(row[c])}" for c in shown_columns)]).strip()


def main() -> int:
    started = time.perf_counter()
    settings = Settings.from_env()
    print(f"raw folder {settings.raw_dir}; warehouse {settings.open_warehouse()}", flush=True)
    from orchestration.defs.ingest.inventory import scan_raw_dir

    if not scan_raw_dir(settings.raw_dir):
        print(
            f"error: no input under {settings.raw_dir}: expected articles in "
            f"{settings.raw_dir / 'articles'}/<article_id>.txt (set LEDGER_RAW_DIR)",
            file=sys.stderr,
        )
        return 1
    # dbt's per-test lines, Dagster's log prefixes and repeated warnings summarized
    # (orchestration/runtime/console.py); LEDGER_VERBOSE=1 prints everything
    quiet = contextlib.nullcontext() if verbose() else QuietConsole()
    with quiet, dbt_server.running():  # dbt imports on the other core meanwhile
        with loading_code():  # dagster's import, as in prepare(): the collector off
            silence_known_warnings()  # before the definitions load
        instance = prepare(settings)
        print("materializing every asset ...", flush=True)
        result = materialize_everything(settings, instance)
    text, ok = summarize(settings, result)
    print(text)
    print(f"{'elapsed':<32}{time.perf_counter() - started:.1f} s")
    return 0 if ok else 1


def exit_now(code: int) -> None:
    """Leave without Python's own shutdown, which takes ≈ 2 s here (it frees the dagster,
    dbt and GX modules object by object). By now the summary is printed, the warehouse
    connections are closed, the dbt server is stopped and every event is committed; the
    exit handlers still run (they flush the logs and close the event log's SQLite files)."""
    import atexit

    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def guarded(main_function, *args) -> int:
    """Run ``main_function``; a warehouse that stayed held past ``LEDGER_LOCK_TIMEOUT`` ends
    it with its one-line reason on stderr and exit code 3, not a traceback."""
    from orchestration.warehouse import WarehouseUnavailable

    try:
        return main_function(*args)
    except WarehouseUnavailable as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return 3


if __name__ == "__main__":
    exit_now(guarded(main))
