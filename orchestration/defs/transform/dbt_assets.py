"""The dbt project as Dagster assets: staging → intermediate → marts.

The models are incremental by article: a run for some articles (``defs/scope.py``) hands
those articles to dbt (the table ``raw.dbt_batch``, and the variable
``LEDGER_DBT_BATCH`` when small), whose marts replace exactly their rows, and whose tests
check those rows; a run over every article rebuilds with ``--full-refresh``.

Two asset definitions over one project so that the published marts run *after* the
blocking quality checks on ``fct_figures``: a failing check stops the marts.
"""

import json
import os
import queue
import shutil
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.contract import PUBLISHED_MARTS
from orchestration.defs.resources import LedgerPaths
from orchestration.defs.scope import run_article_ids
from orchestration.defs.transform.manifest import DBT_PROJECT_DIR, dbt_executable, dbt_warehouse_env
from orchestration.quality import gx_suites
from orchestration.quality.report import CheckRecord, record_checks
from orchestration.runtime import DbtCliShortcuts

BATCH_COLUMNS = {"article_id": "VARCHAR"}
BATCH_ENV = "LEDGER_DBT_BATCH"  # read by dbt_project/macros/article_batches.sql
MAX_BATCH_ENV_BYTES = 64_000  # Linux caps one variable at 128 KiB; larger batches: the table

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class LedgerDbtCliResource(DbtCliShortcuts, DbtCliResource):
    """dagster-dbt's resource without its ``dbt --version`` (3–4 s) and in-process dbt
    adapter (≈ 2.7 s) before every dbt step (orchestration/runtime/dbt_cli.py;
    ``LEDGER_RUNTIME_TRICKS=0`` turns this off). Row counts and column types: ``_events_with_facts``."""


def dbt_resource() -> DbtCliResource:
    """dbt steps run ``ledger-dbt``: dbt forked from the run's warm dbt server when the run
    has one (orchestration/runtime/dbt_server.py), the plain ``dbt`` executable otherwise."""
    warm = Path(sys.executable).parent / "ledger-dbt"
    return LedgerDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(warm) if warm.exists() else dbt_executable(),
    )


class LedgerDbtTranslator(DagsterDbtTranslator):
    """Groups by dbt layer (staging, intermediate, marts), one owner, kinds for the UI."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("source", "seed"):
            return "raw"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:ledger"]

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        tags = dict(super().get_tags(dbt_resource_props))
        if dbt_resource_props.get("name") in PUBLISHED_MARTS:
            tags["ledger/published"] = ""
        return tags

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """dagster-dbt reads a check's description from the test's ``meta``; the ledger
        writes it where dbt documents it, the test's ``description``."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        text = manifest["nodes"][unique_id].get("description")
        if spec is None or not text or spec.description:
            return spec
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=text,
            additional_deps=spec.additional_deps,
            blocking=spec.blocking,
            metadata=spec.metadata,
            automation_condition=spec.automation_condition,
        )


TRANSLATOR = LedgerDbtTranslator()


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, ledger: LedgerPaths):
    """Run ``dbt build`` and pass its events on as dbt emits them, each model's with its row
    count and column types; record the dbt tests in the data-quality report.

    The events are yielded while dbt still runs, so Dagster writes its event log on one core
    while dbt builds on the other. dagster-dbt's own ``fetch_row_counts`` would open the
    warehouse through the dbt adapter inside this process while dbt writes it, which
    DuckDB's single-writer lock forbids: dbt logs the facts itself (relation_facts.sql)."""
    warehouse = ledger.warehouse
    os.environ.update(dbt_warehouse_env(warehouse))  # read by dbt_project/profiles.yml
    keys = run_article_ids(context)
    # dbt unit tests check the models' logic on fixtures: tests/test_dbt_unit.py and a
    # `dbt build` by hand run them; a run over real articles need not (dbt's advice)
    # --no-write-json: dbt would write manifest.json twice and run_results.json (≈ 1 MB of
    # JSON each command); dagster-dbt reads neither, and the command's dbt.log holds every
    # node's result (benchmarks/run.py reads the timings there)
    args = ["build", "--target", warehouse.dbt_target, "--exclude-resource-type", "unit_test"]
    args.append("--no-write-json")
    if keys is None:
        args.append("--full-refresh")  # every article: rebuild the tables from scratch
    tests: list[CheckRecord] = []
    try:
        yield from _dbt_build(context, dbt, warehouse, args, keys, tests)
    finally:
        # also when dbt exits non-zero (a failing test of severity error): the tests it ran
        # reach the report as they reached Dagster
        if tests:
            with warehouse.session():
                record_checks(ledger.reports, tests, ledger.warehouse)


def _dbt_build(context, dbt: DbtCliResource, warehouse, args: list[str], keys, tests: list):
    """The run's articles handed to dbt, then ``dbt build`` with the file handed over to
    dbt's process; its events as they come, its tests appended to ``tests``."""
    with warehouse.exclusive(wait_message=context.log.info):
        # the run's articles for the incremental models (dbt_project/macros/article_batches.sql)
        warehouse.replace_table(
            "dbt_batch", pd.DataFrame({"article_id": keys or []}), BATCH_COLUMNS
        )
        os.environ.pop(BATCH_ENV, None)
        listed = json.dumps(sorted(keys or []), ensure_ascii=False)
        if keys and len(listed.encode()) <= MAX_BATCH_ENV_BYTES:
            os.environ[BATCH_ENV] = listed  # the same batch, without a query per dbt node
        gx_suites.import_in_background()  # for the checks after this step, while dbt runs
        with warehouse.handed_over():  # dbt's process has the file to itself
            invocation = dbt.cli(args, context=context)
            try:
                yield from _events_with_facts(invocation, context, tests)
            except BaseException:
                # dbt must not outlive the hand-over: it would block on its unread output
                # while this process waits to open the file again
                invocation.process.kill()
                invocation.process.wait()
                raise
        target = Path(invocation.target_path).parent
        threading.Thread(target=_prune_dbt_targets, args=(target,), daemon=True).start()


FACTS_PREFIX = "ledger-relation-facts "  # dbt_project/macros/relation_facts.sql


def _events_with_facts(invocation, context: dg.AssetExecutionContext, tests: list):
    """dagster-dbt's events, in dbt's order, with the row count and typed column schema
    (the documented metadata keys ``dagster/row_count`` and ``dagster/column_schema``, which
    the UI shows) that dbt logged for the node; the dbt tests appended to ``tests``."""
    facts: dict[str, dict] = {}
    for raw in _read_ahead(invocation.stream_raw_events()):
        info = raw.raw_event["info"]
        if info.get("name") == "JinjaLogInfo" and info.get("msg", "").startswith(FACTS_PREFIX):
            logged = json.loads(info["msg"][len(FACTS_PREFIX) :])
            facts[logged["unique_id"]] = logged
            continue
        for event in raw.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=TRANSLATOR,
            context=context,
            target_path=invocation.target_path,
            project=dbt_project,
        ):
            if isinstance(event, dg.Output | dg.AssetMaterialization):
                event = _with_facts(event, facts.get(_unique_id(event) or ""))
            elif isinstance(event, dg.AssetCheckResult | dg.AssetCheckEvaluation):
                tests.append(_test_record(event))
            yield event


_DONE = object()


def _read_ahead(items: Iterator):
    """``items``, read by a thread into a queue as fast as they come. dbt writes its log to
    a pipe: were it read only between two of Dagster's event-log writes (a few ms each),
    the pipe would fill and dbt would wait for this process."""
    waiting: queue.SimpleQueue = queue.SimpleQueue()

    def read() -> None:
        try:
            for item in items:
                waiting.put(item)
            waiting.put(_DONE)
        except BaseException as error:  # noqa: BLE001 - raised again where the items are read
            waiting.put(error)

    threading.Thread(target=read, name="dbt-log-reader", daemon=True).start()
    while (item := waiting.get()) is not _DONE:
        if isinstance(item, BaseException):
            raise item
        yield item


def _with_facts(event, logged: dict | None):
    if not logged:
        return event
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name, kind) for name, kind in logged["columns"]]
    )
    return event.with_metadata(
        {
            **event.metadata,
            "dagster/row_count": dg.MetadataValue.int(int(logged["row_count"])),
            "dagster/column_schema": dg.MetadataValue.table_schema(schema),
        }
    )


def _unique_id(event) -> str | None:
    value = event.metadata.get("unique_id")
    return getattr(value, "value", value)


KEEP_DBT_TARGETS = 8


def _prune_dbt_targets(target: Path) -> None:
    """dagster-dbt gives every dbt command its own folder under ``target/`` (≈ 4 MB:
    manifest, run results, compiled SQL, log) and never removes it. The newest few are kept
    for debugging and ``make bench``'s profile. Runs in a thread beside the run (≈ 0.15 s
    a folder); one cut short by the process's exit is finished by the next."""
    folders = sorted(
        (p for p in target.glob("ledger_dbt_*-*") if p.is_dir()), key=lambda p: p.stat().st_mtime
    )
    for folder in folders[:-KEEP_DBT_TARGETS]:
        shutil.rmtree(folder, ignore_errors=True)


def _test_record(event) -> CheckRecord:
    """A dbt test as the report shows it; severity error is blocking (dagster-dbt)."""
    key = event.asset_key or event.asset_check_key.asset_key
    name = event.check_name or event.asset_check_key.name
    failures = event.metadata.get("dagster_dbt/failed_row_count")
    count = getattr(failures, "value", failures)
    return CheckRecord(
        check=name,
        asset=key.to_user_string(),
        passed=bool(event.passed),
        blocking=event.severity == dg.AssetCheckSeverity.ERROR,
        description="dbt test" + (f": {count} failing rows" if count else ""),
        failures=[]
        if event.passed
        else [{"expectation": "dbt test", "message": f"{count} failing rows"}],
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=TRANSLATOR,
    exclude=" ".join(PUBLISHED_MARTS),
    name="ledger_dbt_core",
    pool="warehouse",
    # before the (non-blocking) checks on the raw tables when both are ready: GX is then
    # imported in the background while dbt runs (gx_suites.import_in_background)
    op_tags={"dagster/priority": "1"},
)
def ledger_dbt_core(context: dg.AssetExecutionContext, dbt: DbtCliResource, ledger: LedgerPaths):
    """Staging, intermediate, fct_figures, dim_city, quarantine and the review table."""
    yield from _build(context, dbt, ledger)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=TRANSLATOR,
    select=" ".join(PUBLISHED_MARTS),
    name="ledger_dbt_marts",
    pool="warehouse",
)
def ledger_dbt_marts(context: dg.AssetExecutionContext, dbt: DbtCliResource, ledger: LedgerPaths):
    """The four published category marts, built after fct_figures passes its checks."""
    yield from _build(context, dbt, ledger)
