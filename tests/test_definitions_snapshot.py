"""The shape of the asset graph, compared with a recorded snapshot (no webserver needed).

Asset keys, groups, kinds, dependencies, partitions, asset checks (blocking or not), jobs,
sensors and schedules are read through public ``dg.Definitions`` methods and compared with
``tests/defs/definitions.json``. A change to the graph shows as a diff of that file: re-record
it deliberately with

    LEDGER_RECORD_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_definitions_snapshot.py

The GraphQL test (``tests/test_ui.py``) checks the same graph as the running UI shows it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from orchestration.settings import Settings

SNAPSHOT = Path(__file__).resolve().parent / "defs" / "definitions.json"


def graph_shape(tmp_path: Path) -> dict:
    from orchestration.defs.transform.manifest import prepare_manifest

    settings = Settings(
        raw_dir=tmp_path / "raw",
        duckdb_path=tmp_path / "warehouse.duckdb",
        report_dir=tmp_path / "reports",
    )
    prepare_manifest(settings)  # a fresh clone has no dbt manifest yet
    from orchestration.definitions import build_definitions

    defs = build_definitions(settings)
    assets = {}
    for spec in defs.resolve_all_asset_specs():
        assets[spec.key.to_user_string()] = {
            "group": spec.group_name,
            "kinds": sorted(spec.kinds),
            "deps": sorted(dep.asset_key.to_user_string() for dep in spec.deps),
            "partitions": type(spec.partitions_def).__name__ if spec.partitions_def else None,
        }
    checks = {}
    for key in defs.resolve_all_asset_keys():
        assets_def = defs.resolve_assets_def(key)
        for check_key in assets_def.check_keys:
            spec = assets_def.get_spec_for_check_key(check_key)
            checks[f"{check_key.asset_key.to_user_string()}:{check_key.name}"] = {
                "blocking": spec.blocking
            }
    for checks_def in defs.asset_checks or []:
        for spec in checks_def.check_specs:
            checks[f"{spec.asset_key.to_user_string()}:{spec.name}"] = {"blocking": spec.blocking}
    return {
        "assets": dict(sorted(assets.items())),
        "checks": dict(sorted(checks.items())),
        "jobs": sorted(job.name for job in defs.resolve_all_job_defs()),
        "sensors": sorted(s.name for s in defs.sensors or []),
        "schedules": sorted(s.name for s in defs.schedules or []),
    }


def test_asset_graph_matches_the_snapshot(tmp_path):
    shape = graph_shape(tmp_path)
    text = json.dumps(shape, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("LEDGER_RECORD_SNAPSHOT"):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8"), (
        "the asset graph changed; if on purpose, re-record tests/defs/definitions.json "
        "(LEDGER_RECORD_SNAPSHOT=1) and review its diff"
    )


def test_no_asset_is_partitioned(tmp_path):
    shape = graph_shape(tmp_path)
    assert all(a["partitions"] is None for a in shape["assets"].values())
    assert {"raw_articles", "parsed_articles", "extracted_figures", "fct_figures"} <= set(
        shape["assets"]
    )


def test_entry_points_find_the_repository():
    """The command-line modules locate the repository's folders (a move of ``cli/`` once left
    ``make eval`` scoring no annotation at all, silently)."""
    from orchestration.cli import evaluation, extractor_bench, label_studio

    for module in (evaluation, extractor_bench, label_studio):
        assert (module.ROOT / "raw" / "articles").is_dir(), module.__name__
    pairs = evaluation.find_articles(evaluation.TUNING_DIRS)
    assert len(pairs) >= 4


def test_every_check_says_what_it_checks(tmp_path):
    """dbt tests reach the UI as asset checks with the test's description (the translator
    reads it where dbt documents it); the GX and annotation checks have theirs."""
    from orchestration.definitions import build_definitions

    graph_shape(tmp_path)  # prepares the manifest
    settings = Settings(tmp_path / "raw", tmp_path / "warehouse.duckdb", tmp_path / "reports")
    defs = build_definitions(settings)
    specs = []
    for key in defs.resolve_all_asset_keys():
        assets_def = defs.resolve_assets_def(key)
        specs += [assets_def.get_spec_for_check_key(k) for k in assets_def.check_keys]
    for checks_def in defs.asset_checks or []:
        specs += list(checks_def.check_specs)
    missing = sorted({s.name for s in specs if not (s.description or "").strip()})
    assert len(specs) > 100
    assert missing == []
