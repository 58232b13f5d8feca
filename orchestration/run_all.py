"""``make run``: materialize every asset once, in process, run every check, print a summary.

Exits 1 when a blocking check fails or a step errors, 0 otherwise.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time

from orchestration import dbt_server
from orchestration.dbt_manifest import prepare_manifest
from orchestration.memory import loading_code
from orchestration.settings import Settings

MARTS = ("mart_funding", "mart_trade", "mart_transport", "mart_talent")


def project_instance(settings: Settings | None = None):
    """The instance under DAGSTER_HOME (so runs show in ``make ui``), else an ephemeral one."""
    import dagster as dg

    if settings is not None and settings.warehouse_kind == "postgres" and settings.postgres_url:
        # deploy/postgres/dagster.yaml reads the instance's connection from the PG* variables
        from orchestration.warehouse_postgres import libpq_parts

        for name, value in libpq_parts(settings.postgres_url).items():
            os.environ.setdefault(name, value)
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return dg.DagsterInstance.ephemeral()
    os.makedirs(home, exist_ok=True)
    # two processes opening a new instance at once would both create its storage tables
    with open(os.path.join(home, ".instance.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        instance = dg.DagsterInstance.get()
        instance.get_runs(limit=1)  # storage created (and migrated) while holding the lock
        return instance


def materialize_everything(settings: Settings, instance=None):
    """Run the whole asset graph (assets and checks) in this process; returns the result."""
    from orchestration.definitions import build_definitions
    from orchestration.partitions import full_range_tags

    defs = build_definitions(settings)
    job = defs.resolve_implicit_global_asset_job_def()
    instance = instance if instance is not None else project_instance(settings)
    sync_partitions(instance, settings)
    return execute(job, settings, instance=instance, tags=full_range_tags(instance))


def prepare(settings: Settings):
    """What a run in this process needs first: the dbt manifest, the Dagster instance and
    the definitions, loaded with the garbage collector off (``memory.loading_code``).
    Returns the instance."""
    print("preparing the dbt manifest ...", flush=True)
    with loading_code():
        prepare_manifest(settings)
        print("loading dagster and the definitions ...", flush=True)
        instance = project_instance(settings)
        import orchestration.definitions  # noqa: F401
    return instance


def execute(job, settings: Settings, **options):
    """Run ``job`` in this process on one warehouse connection, handed to dbt for its
    commands (``Warehouse.session``): a run of few articles would otherwise spend seconds
    opening and closing the file. Another process waits for the whole run. The report and
    the Data Docs are published once, when the run ends (``report.published_at_end``)."""
    from orchestration.quality.report import published_at_end

    warehouse = settings.open_warehouse()

    def waiting(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with warehouse.session(wait_message=waiting), published_at_end(settings.report_dir, warehouse):
        return job.execute_in_process(
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            **options,
        )


def sync_partitions(instance, settings: Settings) -> list[str]:
    """Make the article partitions what the raw folder holds: add new ids, drop vanished."""
    from orchestration.inventory import scan_raw_dir
    from orchestration.partitions import ARTICLES, all_article_ids

    wanted = list(scan_raw_dir(settings.raw_dir))
    known = all_article_ids(instance)
    for gone in set(known) - set(wanted):
        instance.delete_dynamic_partition(ARTICLES.name, gone)
    instance.add_dynamic_partitions(ARTICLES.name, [k for k in wanted if k not in known])
    return wanted


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
        for mart in MARTS:
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
    check failure)."""
    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed]
    blocking_failed = [e for e in failed if e.blocking]
    lines = ["", "=" * 64, "regional ledger: run summary", "=" * 64]
    warehouse = settings.open_warehouse()
    counts = _counts(warehouse) if warehouse.exists() else {}
    for key, value in counts.items():
        lines.append(f"{key:<32}{value}")
    lines.append(f"{'checks passed':<32}{len(evaluations) - len(failed)}")
    lines.append(f"{'checks failed':<32}{len(failed)} ({len(blocking_failed)} blocking)")
    for evaluation in failed:
        lines.append(f"  FAILED {evaluation.asset_key.to_user_string()}:{evaluation.check_name}")
    step_failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    for event in step_failures:
        lines.append(
            f"  STEP FAILED {event.step_key}: {event.event_specific_data.error.message.strip()[:300]}"
        )
    lines.append(f"{'warehouse':<32}{warehouse.kind}: {warehouse}")
    lines.append(f"{'data-quality report':<32}{settings.report_dir / 'index.html'}")
    ok = result.success and not blocking_failed and not step_failures
    lines.append(f"{'result':<32}{'OK' if ok else 'FAILED'}")
    return "\n".join(lines), ok


def main() -> int:
    started = time.perf_counter()
    settings = Settings.from_env()
    print(f"raw folder {settings.raw_dir}; warehouse {settings.open_warehouse()}", flush=True)
    from orchestration.inventory import scan_raw_dir

    if not scan_raw_dir(settings.raw_dir):
        print(
            f"error: no input under {settings.raw_dir}: expected articles in "
            f"{settings.raw_dir / 'articles'}/<article_id>.txt (set LEDGER_RAW_DIR)",
            file=sys.stderr,
        )
        return 1
    with dbt_server.running():  # dbt imports on the other core meanwhile
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


if __name__ == "__main__":
    exit_now(main())
