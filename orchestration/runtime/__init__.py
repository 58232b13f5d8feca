"""The run tricks on private names: the only place in ``orchestration/`` where private
names of Dagster, dagster-dbt and Great Expectations may appear.

Each trick makes runs cheaper and relies on something an upgrade may rename or remove
without notice; ``tests/test_runtime_fence.py`` has a canary test per trick that fails
with the upgrade to check, and runs the seed with the tricks off and on.

* ``switch.py``: ``tricks_enabled()``, the off switch below.
* ``event_log.py``: ``LedgerSqliteEventLogStorage``, Dagster's SQLite event log with kept
  engines and batched writes (subclass of ``dagster._core``'s ``SqliteEventLogStorage``,
  named by ``dagster_home/dagster.yaml``), and ``enable_event_batching``, which sets the
  undocumented ``DAGSTER_EVENT_BATCH_SIZE``. Why: one partition per article writes about 16
  events per article, and the stock storage opened a new SQLite engine and committed per
  event (10–20 ms each). Gain (benchmarks/README.md): 100 articles 70 s → 35 s, 1,000
  articles 150 s (projected) → 48 s.
* ``dbt_cli.py``: ``DbtCliShortcuts``, a mixin for the ledger's ``DbtCliResource`` that
  overrides dagster-dbt's private ``_cli_version`` (the version of the installed dbt-core
  package instead of running ``dbt --version``, 3–4 s, before every dbt step) and
  ``_initialize_dbt_core_adapter`` (no dbt adapter inside the Dagster process: −2.7 s per
  dbt step, benchmarks/README.md; the ledger counts rows itself, so dagster-dbt's
  ``fetch_row_counts`` is not used).
* ``gx_memory.py``: ``release_gx_batches``, which empties GX's batch manager caches
  (``_batch_data_cache``) after each validation: GX's pandas engine kept every validated
  DataFrame for the life of the process, 1.2 GB at 10,000 articles (benchmarks/README.md).

**Turning them off**: ``LEDGER_RUNTIME_TRICKS=0`` (also ``false``, ``no``, ``off``) in the
environment. It is read each time a trick is about to act (``enable_event_batching``: when
the definitions load), so set it before a process starts. Off, the pipeline runs on stock
behaviour: the dbt resource behaves as dagster-dbt's own (``dbt --version`` and an adapter
per dbt step), GX keeps its caches, ``DAGSTER_EVENT_BATCH_SIZE`` is not set (one set
explicitly in the environment stays), and the event-log class, which ``dagster.yaml``
still names, delegates every overridden method to Dagster's ``SqliteEventLogStorage``
(same files, one engine and commit per event). Only its configuration stays: ``base_dir``
is optional and defaults to ``$DAGSTER_HOME/history/runs``. To leave the class out
entirely, delete the ``event_log_storage`` section of ``dagster_home/dagster.yaml``: the
stock storage reads and writes the same files.
"""

from __future__ import annotations

from orchestration.runtime.dbt_cli import DbtCliShortcuts
from orchestration.runtime.gx_memory import release_gx_batches
from orchestration.runtime.switch import SWITCH_ENV, tricks_enabled

__all__ = ["SWITCH_ENV", "DbtCliShortcuts", "release_gx_batches", "tricks_enabled"]
