"""Great Expectations suites run as Dagster asset checks beside the tables they guard.

Each check reads its table into pandas, validates it against ``expectations/<suite>.json``,
records the outcome with its failing rows in the data-quality report, and returns an
``AssetCheckResult`` whose metadata links the report. What a failure carries (failing rows,
observed values) is made JSON types once, where GX's results are read
(``gx_suites.json_ready``): numpy booleans in the metadata crashed the blocking check. A
check that errors is recorded in the report as failed before the error propagates, so the
report, the run summary and the exit code (all read from the recorded outcomes) agree.

Blocking checks guard what is published: ``fct_figures`` and ``annotation_reconciliation``
(the published marts are a separate dbt step downstream of both, so they are not built on
bad figures). Checks on inputs, on the relations between figures and on the plausibility
of the marts' units warn: a bad input is quarantined, not a reason to stop the batch.
"""

import contextlib
from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.defs.resources import LedgerPaths
from orchestration.defs.scope import run_article_ids
from orchestration.defs.transform.dbt_assets import ledger_dbt_core, ledger_dbt_marts
from orchestration.quality.gx_suites import (
    SuiteOutcome,
    load_suite_json,
    merge_outcomes,
    validate_frame,
)
from orchestration.quality.links import report_link
from orchestration.quality.report import CheckRecord, record_check
from orchestration.runtime.memory import release_memory
from orchestration.warehouse.base import SLICE_ROWS, WITHOUT_ARTICLE


def _model(name: str) -> dg.AssetKey:
    """The asset key of a dbt model (a typo raises instead of creating a phantom asset)."""
    definition = ledger_dbt_marts if name.startswith("mart_") else ledger_dbt_core
    return get_asset_key_for_model([definition], name)


LARGE_TABLE_ROWS = 20_000  # above this, a check frees its table at once (release_memory)

# shown with a failing row, so that a person can find it in the article (and, for an
# annotation, see why it fails: its problem, the annotated and the read value)
IDENTIFYING_COLUMNS = (
    "article_id",
    "figure_id",
    "source_file",
    "line",
    "annotation_line",
    "quote",
    "surface",
    "char_start",
    "char_end",
    "problem",
    "annotated_value",
    "ledger_value",
    # a timeline row: which quantity, which period, reported where
    "place_code",
    "metric",
    "period_start",
    "period_end",
    "article_ids",
    "surfaces",
)


def validated_columns(spec: dict, columns) -> list[str]:
    """The columns a suite (its JSON, ``spec``) names, plus those that identify a failing
    row: a full run reads tables of 10^5 rows, and long text (sentences) would only cost
    memory."""
    wanted = set(IDENTIFYING_COLUMNS)
    for expectation in spec["expectations"]:
        for key, value in expectation["kwargs"].items():
            if key in ("column", "column_A", "column_B"):
                wanted.add(value)
            elif key in ("column_list", "column_set"):
                wanted.update(value)
    return [c for c in columns if c in wanted]


def validate_table(
    warehouse, table: str, suite: str, report_dir: Path, scope: list[str] | None
) -> SuiteOutcome:
    """Validate the rows of ``table`` of the articles in ``scope`` (every row: None) against
    the suite ``expectations/<suite>.json``. Only the columns the suite names or that
    identify a row are read, in slices of articles when they are many
    (``Warehouse.article_slices``)."""
    spec = load_suite_json(suite)  # read once: it picks the columns and validates
    available = warehouse.read_query(f"SELECT * FROM {table} LIMIT 0").columns
    select = ", ".join(f'"{column}"' for column in validated_columns(spec, available))
    select = f"SELECT {select} FROM {table}"
    if "article_id" in available:
        slices = warehouse.article_slices(table, scope, SLICE_ROWS)
    else:
        slices = [scope]
    outcomes, rows = [], 0
    for articles in slices:
        if articles == WITHOUT_ARTICLE:
            frame = warehouse.read_query(f"{select} WHERE article_id IS NULL")
        else:
            frame = warehouse.read_articles(select, articles)
        outcomes.append(validate_frame(suite, frame, report_dir, suite=spec))
        rows += len(frame)
        del frame
        # a full run validates tables of 10^5 rows one after another: let each one go
        release_memory(collect=rows > LARGE_TABLE_ROWS)
    return merge_outcomes(outcomes)


def suite_result(
    outcome: SuiteOutcome, blocking: bool, report_index, check: str | None = None
) -> dg.AssetCheckResult:
    """Map a GX validation to a check result whose metadata shows the failing rows and
    links to the report (``quality.links``: a URL under ``LEDGER_REPORT_URL`` when set)."""
    report_dir = Path(report_index).parent
    metadata: dict[str, dg.RawMetadataValue] = {
        "suite": f"expectations/{outcome.suite}.json",
        "expectations_evaluated": outcome.evaluated,
        "expectations_failed": outcome.evaluated - outcome.successful,
        "report": report_link(report_index, report_dir, f"check-{check}" if check else None),
    }
    if outcome.report_index is not None:
        metadata["gx_data_docs"] = report_link(outcome.report_index, report_dir)
    if outcome.failures:
        metadata["failures"] = dg.MetadataValue.json(
            [{**f, "rows": f["rows"][:10]} for f in outcome.failures]
        )
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=f"{outcome.successful}/{outcome.evaluated} expectations of {outcome.suite} hold",
    )


def _record_error(
    ledger: LedgerPaths,
    name: str,
    asset_key: dg.AssetKey,
    suite: str,
    blocking: bool,
    run_id: str,
    error: Exception,
) -> None:
    """Record a check that errored before it could record its outcome as failed."""
    message = f"{type(error).__name__}: {error}".strip()
    with contextlib.suppress(Exception):  # the check's own error is the one to raise
        record_check(
            ledger.reports,
            CheckRecord(
                check=name,
                asset=asset_key.to_user_string(),
                passed=False,
                blocking=blocking,
                description=f"the check errored: {message[:300]}",
                failures=[{"expectation": "check errored", "message": message[:2000]}],
                suite=f"expectations/{suite}.json",
                run_id=run_id,
            ),
        )


def gx_check(
    name: str,
    asset: dg.AssetKey | str,
    table: str,
    suite: str,
    blocking: bool,
    doc: str,
    whole_table: bool = False,
) -> dg.AssetChecksDefinition:
    """An asset check that validates the rows of ``table`` against a GX suite file.

    A run for some articles validates their rows; ``whole_table`` checks validate every
    row in every run (a table that compares articles has no rows of one article)."""

    @dg.asset_check(
        asset=asset,
        name=name,
        blocking=blocking,
        pool="warehouse",
        description=doc,
        metadata={"suite": f"expectations/{suite}.json"},
    )
    def _check(context: dg.AssetCheckExecutionContext, ledger: LedgerPaths) -> dg.AssetCheckResult:
        warehouse = ledger.warehouse
        asset_key = dg.AssetKey.from_coercible(asset) if isinstance(asset, str) else asset
        run_id = context.op_execution_context.run_id
        recorded = False
        try:
            with warehouse.session():  # one connection for the table and the report's reads
                # a run for some articles validates theirs; a full run the whole table
                scope = None if whole_table else run_article_ids(context)
                outcome = validate_table(warehouse, table, suite, ledger.reports, scope)
                recorded = True
                index = record_check(
                    ledger.reports,
                    CheckRecord(
                        check=name,
                        asset=asset_key.to_user_string(),
                        passed=outcome.success,
                        blocking=blocking,
                        description=f"{outcome.successful}/{outcome.evaluated} expectations hold",
                        failures=outcome.failures,
                        suite=f"expectations/{suite}.json",
                        run_id=run_id,
                    ),
                    warehouse,
                )
            return suite_result(outcome, blocking, index, check=name)
        except Exception as error:
            if not recorded:  # the report, the summary and the exit code count it as failed
                _record_error(ledger, name, asset_key, suite, blocking, run_id, error)
            raise

    return _check


FIGURE_CHECKS = [
    gx_check(
        "parsed_articles_suite",
        "parsed_articles",
        "raw.parsed_articles",
        "parsed_articles",
        blocking=False,
        doc="Every readable article has a headline, paragraphs and consistent structure.",
    ),
    gx_check(
        "annotations_suite",
        "article_annotations",
        "raw.annotations",
        "annotations",
        blocking=False,
        doc="Every annotation row is usable: valid fields, known city, quote found, no duplicate.",
    ),
    gx_check(
        "fct_figures_content",
        _model("fct_figures"),
        "main.fct_figures",
        "fct_figures",
        blocking=True,
        doc="Units, categories, bounds, modalities in the contract's sets; values positive; "
        "ids unique.",
    ),
    gx_check(
        "fct_figures_known_values",
        _model("fct_figures"),
        "main.fct_figures",
        "fct_figures_known",
        blocking=True,
        doc="Figures read in published articles (17.41亿元 for 乌兰察布, 84.44% for 鄂尔多斯) "
        "hold with their city, unit, base value and category.",
    ),
    gx_check(
        "published_figures_match_annotations",
        _model("annotation_reconciliation"),
        "main.annotation_reconciliation",
        "annotation_reconciliation",
        blocking=True,
        doc="Every annotated figure is usable, in the ledger, and agrees with the parser on "
        "value, unit, bound and city.",
    ),
    *(
        gx_check(
            f"{mart}_suite",
            _model(mart),
            f"main.{mart}",
            mart,
            blocking=False,  # plausibility of units per category is a heuristic: warn
            doc=f"The published {mart.removeprefix('mart_')} figures are complete and plausible.",
        )
        for mart in ("mart_funding", "mart_trade", "mart_transport", "mart_talent")
    ),
    gx_check(
        "timeline_conflicts",
        _model("mart_figure_timeline"),
        "main.mart_figure_timeline",
        "mart_figure_timeline",
        blocking=False,
        doc="No two articles print different exact values for the same place, metric and "
        "period (a warning: the conflicts are listed in the report).",
        whole_table=True,
    ),
    gx_check(
        "figure_relations_hold",
        "figure_relations",
        "quality.figure_relations",
        "figure_relations",
        blocking=False,
        doc="Shares, before/after pairs and printed changes agree with their figures.",
    ),
]
