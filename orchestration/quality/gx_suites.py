"""Runs the Great Expectations suites kept as JSON files under ``expectations/``.

GX 1.x has no working DuckDB datasource here (STACK.md), so each table is read into pandas
and validated as a whole-dataframe batch. One ephemeral GX context per process collects
every validation of the run, so the Data Docs index written to the report folder lists
all of them. GX is imported lazily: it costs seconds and loading definitions must not.
After every build the site is rewritten to open offline (``offline_docs``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import math
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orchestration import contract
from orchestration.quality import offline_docs
from orchestration.runtime import release_gx_batches
from orchestration.settings import EXPECTATIONS_DIR

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

_DATA_SOURCE = "ledger_warehouse"
GX_SITE_FOLDER = "gx"  # the Data Docs site, inside the report folder
MAX_FAILING_ROWS = 50
_SITE = "ledger_quality_report"
_VIEWS = "orchestration.quality.gx_views"  # Data Docs views that compile templates once
_lock = threading.Lock()
_contexts: dict[str, Any] = {}
_docs_at_end: set[str] = set()  # report folders whose Data Docs are built when a block ends
_counter = [0]
_import_started = threading.Event()


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int
    successful: int
    failures: list[dict[str, Any]] = field(default_factory=list)  # one per failed expectation
    # each failure carries "rows": the failing rows of the validated table (all columns);
    # everything in a failure is a JSON type (``json_ready``): it goes into the check's
    # Dagster metadata and the report as it is
    report_index: Path | None = None


def json_ready(value: Any) -> Any:
    """``value`` as JSON types (dict, list, str, int, float, bool, None), recursively.

    The one conversion for what a check takes from a DataFrame or from GX into its
    metadata and the report: Dagster's JSON metadata refuses numpy scalars (a
    ``numpy.bool_`` from a boolean column crashed the blocking check), and JSON has no
    NaN, NA, NaT or dates. Missing values (None, NaN, ``pd.NA``, ``pd.NaT``) become None;
    numpy and Decimal numbers Python ``bool``/``int``/``float`` (an infinity its text);
    timestamps, dates and times ISO text; containers lists and dicts with text keys;
    anything else (durations, UUIDs) its ``str``."""
    if value is None or type(value) in (str, bool):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):  # numpy.str_
        return str(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.datetime64 | np.timedelta64):  # (a timedelta64 is an integer)
        if np.isnat(value):
            return None
        value = pd.Timestamp(value) if isinstance(value, np.datetime64) else pd.Timedelta(value)
    elif isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating | decimal.Decimal):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return "inf" if number > 0 else "-inf"
        return number
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(json_ready(k)): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series | pd.Index):
        return [json_ready(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)  # durations, UUIDs, ...


def import_in_background() -> None:
    """Start importing GX (≈ 3 s) in a thread. The dbt step calls this before it waits on
    dbt, so the checks that follow it find GX loaded. Harmless when already imported."""
    with _lock:
        if _import_started.is_set():
            return
        _import_started.set()
    threading.Thread(target=_import_gx, name="gx-import", daemon=True).start()


def _import_gx() -> None:
    import great_expectations  # noqa: F401
    from great_expectations.checkpoint import UpdateDataDocsAction  # noqa: F401


CONTRACT_KEY = "$contract"  # {"$contract": "unit"}: the contract's code set, in a suite file


def load_suite_json(name: str) -> dict[str, Any]:
    """The suite ``expectations/<name>.json``, its contract placeholders resolved."""
    path = EXPECTATIONS_DIR / f"{name}.json"
    with path.open(encoding="utf-8") as handle:
        return resolve_contract(json.load(handle))


def resolve_contract(value: Any) -> Any:
    """``value`` with every ``{"$contract": "<code_set>"}`` replaced by the list of that code
    set's codes (orchestration/contract.py, one CSV that dbt reads as a seed too): a value
    set of the contract is written once, not in each suite. An unknown set raises."""
    if isinstance(value, dict):
        if set(value) == {CONTRACT_KEY}:
            return list(contract.codes(value[CONTRACT_KEY]))
        return {key: resolve_contract(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_contract(item) for item in value]
    return value


def _context(report_dir: Path):
    """The process's GX context whose Data Docs site writes into ``report_dir``."""
    import great_expectations as gx

    key = str(report_dir)
    if key not in _contexts:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.add_data_docs_site(
            site_name=_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "view": {"module_name": _VIEWS, "class_name": "CachedIndexPageView"},
                },
                "site_section_builders": {
                    section: {"view": {"module_name": _VIEWS, "class_name": "CachedPageView"}}
                    for section in ("expectations", "validations", "profiling")
                },
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(report_dir / GX_SITE_FOLDER),
                },
            },
        )
        context.data_sources.add_pandas(_DATA_SOURCE)
        _contexts[key] = context
    return _contexts[key]


@contextlib.contextmanager
def data_docs_at_end(report_dir: Path) -> Iterator[None]:
    """Validations inside the block skip the Data Docs; the site is built once at its end,
    with every validation of the process (as each build does)."""
    key = str(report_dir)
    if key in _docs_at_end:
        yield
        return
    _docs_at_end.add(key)
    try:
        yield
    finally:
        _docs_at_end.discard(key)
        with _lock:
            context = _contexts.get(key)  # None: GX never ran in this process for the folder
            if context is not None:
                context.build_data_docs(site_names=[_SITE])
                offline_docs.make_offline(report_dir / GX_SITE_FOLDER)


def validate_frame(
    suite_name: str, frame: pd.DataFrame, report_dir: Path, suite: dict | None = None
) -> SuiteOutcome:
    """Validate ``frame`` against the suite ``expectations/<suite_name>.json`` (or ``suite``)
    and rebuild the Data Docs site in ``report_dir``."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    report_dir.mkdir(parents=True, exist_ok=True)
    spec = resolve_contract(suite) if suite is not None else load_suite_json(suite_name)
    with _lock:
        context = _context(report_dir)
        source = context.data_sources.get(_DATA_SOURCE)
        # Names are unique per validation: the context lives for the whole process and keeps
        # every validation of it, which is what the report's index lists.
        _counter[0] += 1
        run_name = f"{suite_name}__{_counter[0]}"
        asset = source.add_dataframe_asset(name=run_name)
        batch = asset.add_batch_definition_whole_dataframe(run_name)
        expectation_suite = context.suites.add_or_update(
            gx.ExpectationSuite(
                name=suite_name, expectations=spec["expectations"], meta=spec.get("meta", {})
            )
        )
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=run_name, data=batch, suite=expectation_suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=run_name,
                validation_definitions=[definition],
                actions=[]
                if str(report_dir) in _docs_at_end
                else [UpdateDataDocsAction(name="update_report", site_names=[_SITE])],
                result_format={"result_format": "COMPLETE", "partial_unexpected_count": 20},
            )
        )
        try:
            result = checkpoint.run(batch_parameters={"dataframe": frame})
        finally:
            release_gx_batches(source)  # GX kept every validated table (orchestration/runtime)
        if checkpoint.actions:  # the action rebuilt the Data Docs
            offline_docs.make_offline(report_dir / GX_SITE_FOLDER)
    validation = next(iter(result.run_results.values()))
    failures = []
    for item in validation.results:
        if not item.success:
            config = item.expectation_config
            observed = item.result or {}
            failures.append(
                json_ready(
                    {
                        "expectation": config.type,
                        "kwargs": {k: v for k, v in config.kwargs.items() if k != "batch_id"},
                        "observed_value": observed.get("observed_value"),
                        "unexpected_count": observed.get("unexpected_count"),
                        "unexpected_values": (observed.get("partial_unexpected_list") or [])[:20],
                        "exception": (item.exception_info or {}).get("exception_message"),
                        "rows": _failing_rows(frame, observed.get("unexpected_index_list")),
                    }
                )
            )
    stats = validation.statistics
    return SuiteOutcome(
        suite=suite_name,
        success=bool(validation.success),
        evaluated=int(stats["evaluated_expectations"]),
        successful=int(stats["successful_expectations"]),
        failures=failures,
        report_index=report_dir / GX_SITE_FOLDER / "index.html",
    )


def merge_outcomes(outcomes: list[SuiteOutcome]) -> SuiteOutcome:
    """One outcome for a suite validated slice by slice (``defs/quality/checks.py``): an
    expectation fails when it fails in any slice; its unexpected rows and values are those
    of every slice, counted together and cut to the same lengths as one validation's."""
    if len(outcomes) == 1:
        return outcomes[0]
    merged: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        for failure in outcome.failures:
            key = json.dumps([failure["expectation"], failure["kwargs"]], sort_keys=True)
            if key not in merged:
                empty = {"unexpected_count": None, "unexpected_values": [], "rows": []}
                merged[key] = {**failure, **empty}
            kept = merged[key]
            if failure.get("unexpected_count") is not None:
                kept["unexpected_count"] = (kept["unexpected_count"] or 0) + failure[
                    "unexpected_count"
                ]
            kept["unexpected_values"] = (
                kept["unexpected_values"] + (failure.get("unexpected_values") or [])
            )[:20]
            kept["rows"] = (kept["rows"] + (failure.get("rows") or []))[:MAX_FAILING_ROWS]
    evaluated = max(outcome.evaluated for outcome in outcomes)
    return SuiteOutcome(
        suite=outcomes[0].suite,
        success=all(outcome.success for outcome in outcomes),
        evaluated=evaluated,
        successful=evaluated - len(merged),
        failures=list(merged.values()),
        report_index=outcomes[-1].report_index,
    )


def _failing_rows(frame: pd.DataFrame, index_list: list | None) -> list[dict[str, Any]]:
    """The validated rows GX reported as unexpected, long text cut short (the caller makes
    them JSON types with ``json_ready``)."""
    if not index_list:
        return []
    indices = [i if not isinstance(i, dict) else next(iter(i.values())) for i in index_list]
    rows = frame.loc[[i for i in indices[:MAX_FAILING_ROWS] if i in frame.index]]
    return [
        {
            key: value[:157] + "..." if isinstance(value, str) and len(value) > 160 else value
            for key, value in record.items()
        }
        for record in rows.to_dict(orient="records")
    ]
