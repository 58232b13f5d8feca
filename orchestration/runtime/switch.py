"""The off switch of the run tricks: ``LEDGER_RUNTIME_TRICKS=0`` (see the package)."""

import os

SWITCH_ENV = "LEDGER_RUNTIME_TRICKS"
_OFF = {"0", "false", "no", "off"}


def tricks_enabled() -> bool:
    """Whether the tricks act: on unless ``LEDGER_RUNTIME_TRICKS`` is ``0``, ``false``,
    ``no`` or ``off``. Read at each use, so a change takes effect at once."""
    return os.environ.get(SWITCH_ENV, "1").strip().lower() not in _OFF
