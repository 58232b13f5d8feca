"""Great Expectations lets go of the tables it validated.

GX's pandas execution engine keeps every DataFrame it validated (its batch manager's
caches) for the life of the context, which is the life of the process: over a full run at
10,000 articles that kept 1.2 GB of tables (benchmarks/README.md). The validation results
stay; the data goes. The data cache is a private attribute of GX 1.24
(``BatchManager._batch_data_cache``, pinned in requirements.lock); with
``LEDGER_RUNTIME_TRICKS=0`` nothing is released. The canary: ``tests/test_runtime_fence.py``.
"""

from __future__ import annotations

from typing import Any

from orchestration.runtime.switch import tricks_enabled


def release_gx_batches(data_source: Any) -> None:
    """Empty the batch caches of ``data_source``'s execution engine (a GX data source)."""
    if not tricks_enabled():
        return
    manager = data_source.get_execution_engine().batch_manager
    manager.reset_batch_cache()
    manager._batch_data_cache.clear()
