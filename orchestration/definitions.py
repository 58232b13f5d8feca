"""The ledger's Dagster definitions: a table of contents (``orchestration/defs/``, by stage).

ingest      raw files ─▶ raw_articles ─▶ parsed_articles ─▶ article_annotations ─┐
            (defs/ingest)                        └───────▶ extracted_figures ────┤
            city_reference · place_reference · metric_reference ─────────────────┤
transform   dbt: staging/stg_* ─▶ intermediate/int_* ─▶ fct_figures, dim_*, ... ◀┘
            (defs/transform)                                 │
quality     GX and annotation checks on fct_figures (blocking) ─▶ figure_relations
            (defs/quality)                                   │
transform   the published marts: mart_funding · mart_trade · mart_transport · mart_talent
automation  ledger_job · raw_files_sensor · daily_refresh (defs/automation)

Loading this module has no side effects beyond building the definitions.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.automation.triggers import daily_refresh, ledger_job, raw_files_sensor
from orchestration.defs.ingest.assets import RAW_ASSETS
from orchestration.defs.quality.checks import FIGURE_CHECKS
from orchestration.defs.quality.relations import figure_relations
from orchestration.defs.resources import LedgerPaths
from orchestration.defs.transform.dbt_assets import dbt_resource, ledger_dbt_core, ledger_dbt_marts
from orchestration.settings import Settings


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """Definitions for ``settings`` (default: from the environment), so tests can point
    the whole graph at temporary folders."""
    settings = settings or Settings.from_env()
    return dg.Definitions(
        assets=[*RAW_ASSETS, ledger_dbt_core, ledger_dbt_marts, figure_relations],
        asset_checks=FIGURE_CHECKS,
        jobs=[ledger_job],
        sensors=[raw_files_sensor],
        schedules=[daily_refresh],
        resources={"ledger": LedgerPaths.from_settings(settings), "dbt": dbt_resource()},
        # One process, steps in sequence, for both warehouses: DuckDB allows one writer at a
        # time; on Postgres whole runs go side by side (deploy/postgres/dagster.yaml), and in
        # every run the text work uses every core (runtime/pool.py). README "Running in
        # production" says why not a process per step.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
