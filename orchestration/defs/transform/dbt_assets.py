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
import shutil
import sys
import threading
from collections.abc import Mapping
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
    ``LEDGER_RUNTIME_TRICKS=0`` turns this off). Row counts and column types come from ``_relation_facts``."""


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
    """Run ``dbt build``, attach row counts once dbt has released the file, and record the
    dbt tests in the data-quality report.

    dagster-dbt's own ``fetch_row_counts`` opens the warehouse through the dbt adapter inside
    this process while dbt still writes it, which DuckDB's single-writer lock forbids."""
    warehouse = ledger.warehouse
    os.environ.update(dbt_warehouse_env(warehouse))  # read by dbt_project/profiles.yml
    keys = run_article_ids(context)
    # dbt unit tests check the models' logic on fixtures: tests/test_dbt_unit.py and a
    # `dbt build` by hand run them; a run over real articles need not (dbt's advice)
    args = ["build", "--target", warehouse.dbt_target, "--exclude-resource-type", "unit_test"]
    if keys is None:
        args.append("--full-refresh")  # every article: rebuild the tables from scratch
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
                events = list(invocation.stream())
            except BaseException:
                # dbt must not outlive the hand-over: it would block on its unread output
                # while this process waits to open the file again
                invocation.process.kill()
                invocation.process.wait()
                raise
        target = Path(invocation.target_path).parent
        threading.Thread(target=_prune_dbt_targets, args=(target,), daemon=True).start()
    with warehouse.session():  # row counts and the report's reads on one connection
        yield from _annotated(events, invocation.manifest, warehouse, ledger)


def _annotated(events: list, manifest: Mapping[str, Any], warehouse, ledger: LedgerPaths):
    """dagster-dbt's events with row counts and typed column schemas (the documented
    metadata keys ``dagster/row_count`` and ``dagster/column_schema``, which the UI shows);
    the dbt tests recorded in the report."""
    relations = _relations(events, manifest)
    counts, columns = _relation_facts(warehouse, set(relations.values()))
    tests = []
    for event in events:
        if isinstance(event, dg.Output | dg.AssetMaterialization):
            relation = relations.get(_unique_id(event))
            if relation in counts:
                schema = dg.TableSchema(
                    columns=[dg.TableColumn(c, t) for c, t in columns.get(relation, [])]
                )
                event = event.with_metadata(
                    {
                        **event.metadata,
                        "dagster/row_count": dg.MetadataValue.int(counts[relation]),
                        "dagster/column_schema": dg.MetadataValue.table_schema(schema),
                    }
                )
        elif isinstance(event, dg.AssetCheckResult | dg.AssetCheckEvaluation):
            tests.append(_test_record(event))
        yield event
    record_checks(ledger.reports, tests, ledger.warehouse)


def _unique_id(event) -> str | None:
    value = event.metadata.get("unique_id")
    return getattr(value, "value", value)


def _relations(events: list, manifest: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """dbt node id → (schema, table) of the models and seeds the events materialized, from
    the run's manifest (the adapter, which would say it, is not loaded in this process)."""
    nodes = manifest.get("nodes", {})
    relations = {}
    for event in events:
        if isinstance(event, dg.Output | dg.AssetMaterialization):
            node = nodes.get(_unique_id(event) or "")
            if node and node.get("resource_type") in ("model", "seed", "snapshot"):
                relations[node["unique_id"]] = (node["schema"], node.get("alias") or node["name"])
    return relations


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


def _relation_facts(
    warehouse, relations: set[tuple[str, str]]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], list]]:
    """Row counts and (column, type) lists of ``relations``, in two queries."""
    if not relations:
        return {}, {}
    ordered = sorted(relations)
    union = " UNION ALL ".join(
        f"SELECT '{schema}' AS s, '{table}' AS t, count(*) AS n FROM {schema}.{table}"
        for schema, table in ordered
    )
    counts = {(r.s, r.t): int(r.n) for r in warehouse.read_query(union).itertuples()}
    wanted = " OR ".join(
        f"(table_schema = '{schema}' AND table_name = '{table}')" for schema, table in ordered
    )
    described = warehouse.read_query(
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns"
        f" WHERE {wanted} ORDER BY table_schema, table_name, ordinal_position"
    )
    columns: dict[tuple[str, str], list] = {}
    for row in described.itertuples():
        key = (row.table_schema, row.table_name)
        columns.setdefault(key, []).append((row.column_name, str(row.data_type).lower()))
    return counts, columns


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
