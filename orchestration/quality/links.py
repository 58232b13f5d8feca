"""Links to the report from check metadata: a URL when the report is served, else a path.

``LEDGER_REPORT_URL`` (e.g. ``http://127.0.0.1:8765``, what ``make report`` prints) is
where ``LEDGER_REPORT_DIR`` is served; when set, check metadata links to
``<url>/index.html#check-<name>`` and ``<url>/gx/index.html``, which open from the UI in a
browser. Unset, the metadata keeps the file path (readable where the files are).
"""

from __future__ import annotations

import os
from pathlib import Path

REPORT_URL_ENV = "LEDGER_REPORT_URL"


def report_url() -> str | None:
    """The served report's base URL, without a trailing slash; None when not set."""
    return (os.environ.get(REPORT_URL_ENV) or "").strip().rstrip("/") or None


def report_link(path: Path, report_dir: Path, anchor: str | None = None):
    """Metadata linking to ``path`` (a file under ``report_dir``): a URL under
    ``LEDGER_REPORT_URL`` (with ``#anchor``) when set, else the file path."""
    import dagster as dg

    base = report_url()
    if base is None:
        return dg.MetadataValue.path(str(path))
    try:
        relative = Path(path).resolve().relative_to(Path(report_dir).resolve()).as_posix()
    except ValueError:  # not under the report folder: only its name can be served
        relative = Path(path).name
    return dg.MetadataValue.url(f"{base}/{relative}" + (f"#{anchor}" if anchor else ""))
