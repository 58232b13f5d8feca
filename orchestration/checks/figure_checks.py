"""Great Expectations suites run as Dagster asset checks beside the tables they guard.

The checks on ``fct_figures`` are blocking: the published marts are a separate dbt step
downstream of it, so a failing check stops them from being built on bad figures.
"""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.assets.dbt import ledger_dbt_core
from orchestration.quality.gx_suites import SuiteOutcome, validate_frame
from orchestration.resources import LedgerPaths
from orchestration.warehouse import read_query

FCT_FIGURES = get_asset_key_for_model([ledger_dbt_core], "fct_figures")


def suite_result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    """Map a GX validation to a check result whose metadata shows the failing rows."""
    metadata: dict[str, dg.RawMetadataValue] = {
        "suite": f"expectations/{outcome.suite}.json",
        "expectations_evaluated": outcome.evaluated,
        "expectations_failed": outcome.evaluated - outcome.successful,
    }
    if outcome.report_index is not None:
        metadata["report"] = dg.MetadataValue.path(str(outcome.report_index))
    if outcome.failures:
        metadata["failures"] = dg.MetadataValue.json(outcome.failures)
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=metadata,
        description=f"{outcome.successful}/{outcome.evaluated} expectations of "
        f"{outcome.suite} hold",
    )


def _validate_table(ledger: LedgerPaths, table: str, suite: str) -> dg.AssetCheckResult:
    frame = read_query(ledger.warehouse, f"SELECT * FROM main.{table}")
    return suite_result(validate_frame(suite, frame, ledger.reports))


@dg.asset_check(asset=FCT_FIGURES, blocking=True, pool="duckdb")
def fct_figures_content(ledger: LedgerPaths) -> dg.AssetCheckResult:
    """Units, categories, bounds and modalities in the contract's sets; values positive;
    ids unique (suite expectations/fct_figures.json)."""
    return _validate_table(ledger, "fct_figures", "fct_figures")


@dg.asset_check(asset=FCT_FIGURES, blocking=True, pool="duckdb")
def fct_figures_known_values(ledger: LedgerPaths) -> dg.AssetCheckResult:
    """Figures read in published articles hold in the ledger with their city, unit, base
    value and category (suite expectations/fct_figures_known.json)."""
    return _validate_table(ledger, "fct_figures", "fct_figures_known")


FIGURE_CHECKS = [fct_figures_content, fct_figures_known_values]
