"""The ledger's Dagster definitions: a table of contents.

raw files ─▶ raw_articles ─▶ parsed_articles ─▶ article_annotations ─┐
                                     └────────▶ extracted_figures ───┤
city_reference ──────────────────────────────────────────────────────┤
                                                                     ▼
            dbt: staging/stg_* ─▶ intermediate/int_* ─▶ fct_figures ─▶ figure_relations
                                                         annotation_reconciliation
                         (GX checks on both are blocking) ─▶ ▼
                              mart_funding · mart_trade · mart_transport · mart_talent
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import dbt_resource, ledger_dbt_core, ledger_dbt_marts
from orchestration.assets.ingest import RAW_ASSETS
from orchestration.assets.quality import figure_relations
from orchestration.automation import daily_refresh, ledger_job, raw_files_sensor
from orchestration.checks.figure_checks import FIGURE_CHECKS
from orchestration.resources import LedgerPaths
from orchestration.runtime.event_log import enable_event_batching
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
        # One process, steps in sequence: DuckDB allows one writer at a time.
        executor=dg.in_process_executor,
    )


# Every process that runs the ledger's steps loads this module: partition events go to the
# event log in batches from there on (orchestration/runtime/event_log.py).
enable_event_batching()
defs = build_definitions()
