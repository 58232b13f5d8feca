"""The run machinery: how a run is executed fast, fenced in one package.

* ``console.py``: the quiet console of ``make run`` (progress lines, warnings counted);
* ``dbt_server.py``: a warm dbt process (fork server) the run's dbt commands go through;
* ``memory.py``: the garbage collector off while the big libraries import.

It is also the only place in ``orchestration/`` where private names of Dagster, dagster-dbt
and Great Expectations may appear, in the run tricks below.

Each trick makes runs cheaper and relies on something an upgrade may rename or remove
without notice; ``tests/test_runtime_fence.py`` has a canary test per trick that fails
with the upgrade to check, and runs the seed with the tricks off and on.

* ``switch.py``: ``tricks_enabled()``, the off switch below.
* ``dbt_cli.py``: ``DbtCliShortcuts``, a mixin for the ledger's ``DbtCliResource`` that
  overrides dagster-dbt's private ``_cli_version`` (the version of the installed dbt-core
  package instead of running ``dbt --version``, 3–4 s, before every dbt step) and
  ``_initialize_dbt_core_adapter`` (no dbt adapter inside the Dagster process: −2.7 s per
  dbt step, benchmarks/README.md; the ledger counts rows itself, so dagster-dbt's
  ``fetch_row_counts`` is not used).
* ``gx_memory.py``: ``release_gx_batches``, which empties GX's batch manager caches
  (``_batch_data_cache``) after each validation: GX's pandas engine kept every validated
  DataFrame for the life of the process, 1.2 GB at 10,000 articles (benchmarks/README.md).
* ``event_log.py``: ``event_log_held_open``, which holds Dagster's stock SQLite event log
  files of an in-process run open, so that the connection Dagster opens and closes per
  event is never the last one (the last close checkpoints and deletes the WAL file), and
  lets those connections commit with ``synchronous=NORMAL`` (no sync per event); about 1 s
  of a seed run together. It relies on the storage's file layout (the index shard's name).

**Turning them off**: ``LEDGER_RUNTIME_TRICKS=0`` (also ``false``, ``no``, ``off``) in the
environment. It is read each time a trick is about to act. Off, the pipeline runs on stock
behaviour: the dbt resource behaves as dagster-dbt's own (``dbt --version`` and an adapter
per dbt step), GX keeps its caches, and the event log files are not held open.
"""

from __future__ import annotations

from orchestration.runtime.dbt_cli import DbtCliShortcuts
from orchestration.runtime.gx_memory import release_gx_batches
from orchestration.runtime.switch import SWITCH_ENV, tricks_enabled

__all__ = ["SWITCH_ENV", "DbtCliShortcuts", "release_gx_batches", "tricks_enabled"]
