"""Run history: each run's check results and headline numbers in ``quality.check_history``.

One row per run and item (long format, so a new mart or check needs no new column):
``kind`` ``count`` for the headline numbers (articles, ``fct_figures``, each mart,
quarantine errors and warnings, checks passed, failed and failed blocking) and ``check``
for each check of the run (``passed``, ``blocking``, ``value`` = its failing rows). The
rows of a run are replaced as a whole (``Warehouse.replace_rows`` keyed by ``run_id``):
writing them again after each check (runs of the daemon) or once at the end (``make
run``) leaves one set per run. The report draws the last runs as a table and as inline
SVG sparklines (:func:`render`), with no library and nothing fetched.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

SCHEMA = "quality"
TABLE = "check_history"
COLUMNS = {
    "run_id": "VARCHAR",
    "run_at": "VARCHAR",  # ISO 8601, UTC (text: the same on DuckDB and Postgres)
    "kind": "VARCHAR",  # count | check
    "item": "VARCHAR",
    "value": "DOUBLE",
    "passed": "BOOLEAN",
    "blocking": "BOOLEAN",
}
MARTS = ("mart_funding", "mart_trade", "mart_transport", "mart_talent")
SHOWN_RUNS = 10

# headline numbers: item -> query (a table a failed step left unbuilt is skipped)
COUNT_SQL = {
    "articles": "select count(*) from main.stg_articles",
    "fct_figures": "select count(*) from main.fct_figures",
    **{mart: f"select count(*) from main.{mart}" for mart in MARTS},
    "quarantine_errors": "select count(*) from main.quarantine where severity = 'error'",
    "quarantine_warnings": "select count(*) from main.quarantine where severity = 'warning'",
}


def _failing_rows(record) -> int:
    total = 0
    for failure in record.failures:
        total += int(failure.get("unexpected_count") or len(failure.get("rows") or []) or 1)
    return total


def record_run(warehouse, checks) -> int:
    """Replace the history rows of the run of ``checks`` (a ``report.CheckTally``) with its
    results and the warehouse's headline numbers now; returns the rows written."""
    if warehouse is None or not checks.run_id or not checks.records:
        return 0
    run_at = max(r.checked_at for r in checks.records)
    rows: list[dict[str, Any]] = []

    def add(kind: str, item: str, value, passed=None, blocking=None) -> None:
        rows.append(
            {
                "run_id": checks.run_id,
                "run_at": run_at,
                "kind": kind,
                "item": item,
                "value": None if value is None else float(value),
                "passed": passed,
                "blocking": blocking,
            }
        )

    for item, sql in COUNT_SQL.items():
        try:
            add("count", item, int(warehouse.read_query(sql).iloc[0, 0]))
        except Exception:  # noqa: BLE001 - table not built in this run
            continue
    add("count", "checks_passed", len(checks.passed))
    add("count", "checks_failed", len(checks.failed))
    add("count", "blocking_failed", len(checks.blocking_failed))
    for record in checks.records:
        add(
            "check",
            f"{record.asset}:{record.check}",
            0 if record.passed else _failing_rows(record),
            bool(record.passed),
            bool(record.blocking),
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["passed"] = frame["passed"].astype("boolean")
    frame["blocking"] = frame["blocking"].astype("boolean")
    return warehouse.replace_rows(
        TABLE, frame, COLUMNS, key="run_id", values=[checks.run_id], schema=SCHEMA
    )


def last_runs(warehouse, runs: int = SHOWN_RUNS) -> list[dict[str, Any]]:
    """The headline numbers of the last ``runs`` runs, oldest first: one dict per run with
    ``run_id``, ``run_at`` and one key per count item."""
    if warehouse is None:
        return []
    try:
        frame = warehouse.read_query(
            f"""select h.run_id, h.run_at, h.item, h.value from {SCHEMA}.{TABLE} h
                join (select run_id, max(run_at) as last_at from {SCHEMA}.{TABLE}
                      group by run_id order by last_at desc limit {int(runs)}) r
                using (run_id) where h.kind = 'count'"""
        )
    except Exception:  # noqa: BLE001 - no history yet
        return []
    by_run: dict[str, dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        run = by_run.setdefault(row["run_id"], {"run_id": row["run_id"], "run_at": row["run_at"]})
        run[row["item"]] = None if pd.isna(row["value"]) else int(row["value"])
    return sorted(by_run.values(), key=lambda r: r["run_at"])


def failing_checks(warehouse, runs: list[dict[str, Any]]) -> dict[str, list[int | None]]:
    """Per check that failed in one of ``runs`` (oldest first): its failing rows in each run
    (0 passed, None not run)."""
    if warehouse is None or not runs:
        return {}
    ids = ", ".join("'" + str(run["run_id"]).replace("'", "''") + "'" for run in runs)
    try:
        frame = warehouse.read_query(
            f"""select run_id, item, value from {SCHEMA}.{TABLE}
                where kind = 'check' and run_id in ({ids}) and item in (
                    select item from {SCHEMA}.{TABLE}
                    where kind = 'check' and run_id in ({ids}) and not passed)"""
        )
    except Exception:  # noqa: BLE001 - no history yet
        return {}
    order = {str(run["run_id"]): i for i, run in enumerate(runs)}
    series: dict[str, list[int | None]] = {}
    for row in frame.to_dict("records"):
        values = series.setdefault(row["item"], [None] * len(runs))
        values[order[str(row["run_id"])]] = None if pd.isna(row["value"]) else int(row["value"])
    return dict(sorted(series.items()))


def sparkline(values: list[float | None], width: int = 120, height: int = 24) -> str:
    """An inline SVG line of ``values`` (None: a gap), last point marked; empty for none."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return ""
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1.0
    step = (width - 6) / max(1, len(values) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        if high == low:  # a constant: a flat line in the middle
            return 3 + i * step, height / 2
        return 3 + i * step, height - 3 - (v - low) / span * (height - 6)

    coords = [xy(i, v) for i, v in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" role="img"><polyline fill="none" stroke="#1a73e8" '
        f'stroke-width="1.5" points="{path}"/><circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" '
        'fill="#1a73e8"/></svg>'
    )


SHOWN_ITEMS = (
    ("articles", "articles"),
    ("fct_figures", "fct_figures"),
    *((mart, mart.removeprefix("mart_")) for mart in MARTS),
    ("checks_failed", "checks failed"),
    ("blocking_failed", "blocking failed"),
    ("quarantine_errors", "quarantine errors"),
    ("quarantine_warnings", "quarantine warnings"),
)


def render(runs: list[dict[str, Any]], checks: dict[str, list[int | None]] | None = None) -> str:
    """The report's history section: the last runs as a table (newest first), a
    sparkline per number (oldest to newest), and one per check that failed in one of them
    (``failing_checks``: its failing rows per run)."""
    if not runs:
        return "<p class='muted'>no history yet (written when a run's report is published)</p>"
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in SHOWN_ITEMS)
    body = "".join(
        f"<tr><td><code>{html.escape(str(run['run_id'])[:8])}</code></td>"
        f"<td>{html.escape(str(run['run_at'])[:16].replace('T', ' '))}</td>"
        + "".join(
            f"<td>{'' if run.get(item) is None else run[item]}</td>" for item, _ in SHOWN_ITEMS
        )
        + "</tr>"
        for run in reversed(runs)
    )
    trend = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{sparkline([run.get(item) for run in runs])}</td>"
        f"<td>{'' if runs[-1].get(item) is None else runs[-1][item]}</td></tr>"
        for item, label in SHOWN_ITEMS
    )
    check_rows = "".join(
        f"<tr><td>{html.escape(item)}</td><td>{sparkline(values)}</td>"
        f"<td>{'not run' if values[-1] is None else values[-1]}</td></tr>"
        for item, values in (checks or {}).items()
    )
    failing = (
        "<table id='check-trends'><thead><tr><th>check that failed in one of these runs</th>"
        "<th>failing rows</th><th>now</th></tr></thead>"
        f"<tbody>{check_rows}</tbody></table>"
        if check_rows
        else "<p class='muted'>no check failed in these runs</p>"
    )
    return (
        f"<table id='history'><thead><tr><th>run</th><th>at&nbsp;(UTC)</th>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
        f"<table id='trends'><thead><tr><th>number</th><th>last {len(runs)} runs</th>"
        f"<th>now</th></tr></thead><tbody>{trend}</tbody></table>{failing}"
    )
