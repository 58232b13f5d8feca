"""dagster-dbt's per-step overhead, skipped: a mixin for a ``DbtCliResource`` subclass.

Before every dbt step, ``DbtCliResource.cli`` runs ``dbt --version`` (3–4 s here, twice a
run) to tell dbt Core from the Fusion engine, and opens a dbt adapter inside the Dagster
process (≈ 2.7 s: dbt's imports, profile and project) only for ``fetch_row_counts`` and
``fetch_column_metadata``. The dbt run here is always the dbt-core package of this
environment, so its version is read from the package metadata; and the ledger's row counts
and column types come from dbt's own log (a post-hook, ``defs/transform/dbt_assets.py``), so
no adapter is opened.

Both are private methods of dagster-dbt (``_cli_version``, ``_initialize_dbt_core_adapter``;
0.29.x, pinned in requirements.lock); with ``LEDGER_RUNTIME_TRICKS=0`` each delegates to
dagster-dbt's own. The canary: ``tests/test_runtime_fence.py``.
"""

from __future__ import annotations

from orchestration.runtime.switch import tricks_enabled


class DbtCliShortcuts:
    """Put before ``DbtCliResource`` in the bases: ``class R(DbtCliShortcuts, DbtCliResource)``."""

    @property
    def _cli_version(self):
        if not tricks_enabled():
            return super()._cli_version  # dagster-dbt's: runs `dbt --version` (cached)
        from importlib.metadata import version as package_version

        from packaging import version

        return version.parse(package_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        if not tricks_enabled():
            return super()._initialize_dbt_core_adapter(args)
        return None
