"""The data-quality report: one static HTML page a person opens in a browser.

Every check records its outcome (with the failing rows) as JSON under
``<report>/checks/``; after each record the page ``<report>/index.html`` is rendered again
from all recorded outcomes and from the warehouse (articles, quarantine, relations). So
the page is complete whichever check runs last, and shows failures even when a blocking
check stopped the rest of the run. The Great Expectations Data Docs site sits beside it
in ``<report>/gx/``.

A run in this process (``make run``, ``run_articles``) wraps itself in
:func:`published_at_end`: the checks still record as they go, and the page and the Data
Docs are built once when the run ends, however it ends (after every check they cost
≈ 0.1 s each at 10,000 articles: a tenth of a one-article run).

The recorded outcomes are the one account of a run's checks: the page's counts, ``make
run``'s summary and its exit code are all :func:`tally` of them, so they cannot disagree.
Each record carries the run that checked it; a check a run did not execute (downstream of
a failed blocking check) keeps its record from an earlier run, shown as such and not
counted in that run's numbers.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestration.quality import article_pages, gx_suites, history

CHECKS_FOLDER = "checks"
_published_at_end: dict[str, bool] = {}  # report folder -> recorded since the block began


@dataclass
class CheckRecord:
    check: str
    asset: str
    passed: bool
    blocking: bool
    description: str
    failures: list[dict[str, Any]] = field(default_factory=list)  # each may carry "rows"
    suite: str | None = None
    checked_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    run_id: str | None = None  # the Dagster run that checked it (``record_checks`` fills it in)


def _current_run_id() -> str | None:
    """The run of the Dagster step executing in this thread, if any."""
    try:
        import dagster as dg

        return dg.OpExecutionContext.get().run_id
    except Exception:  # noqa: BLE001 - not inside a step (a test, a script)
        return None


@dataclass
class CheckTally:
    """One run's check outcomes, as recorded: what the page's counts, the run summary and
    its exit code all read."""

    run_id: str | None  # the run counted
    records: list[CheckRecord]  # that run's records
    earlier: list[CheckRecord]  # kept from earlier runs: checks this run did not execute

    @property
    def passed(self) -> list[CheckRecord]:
        return [r for r in self.records if r.passed]

    @property
    def failed(self) -> list[CheckRecord]:
        return [r for r in self.records if not r.passed]

    @property
    def blocking_failed(self) -> list[CheckRecord]:
        return [r for r in self.records if not r.passed and r.blocking]


def tally(records: list[CheckRecord], run_id: str | None = None) -> CheckTally:
    """The outcomes of run ``run_id`` among ``records``; by default of the run that
    recorded last (records without a run count as one run)."""
    if run_id is None and records:
        run_id = max(records, key=lambda r: r.checked_at).run_id
    return CheckTally(
        run_id=run_id,
        records=[r for r in records if r.run_id == run_id],
        earlier=[r for r in records if r.run_id != run_id],
    )


def run_checks(report_dir: Path, run_id: str) -> CheckTally:
    """The recorded outcomes of the checks of run ``run_id`` (``make run``'s summary)."""
    return tally(load_records(report_dir), run_id)


def record_check(report_dir: Path, record: CheckRecord, warehouse=None) -> Path:
    """Store one check's outcome and re-render the index; returns the index path."""
    return record_checks(report_dir, [record], warehouse)


def _record_path(report_dir: Path, asset: str, check: str) -> Path:
    safe = f"{asset}__{check}".replace("/", "_")
    return report_dir / CHECKS_FOLDER / f"{safe}.json"


def forget_retired_checks(report_dir: Path, defined: set[tuple[str, str]]) -> list[str]:
    """Delete the recorded outcomes of checks the definitions no longer have (a dbt test
    removed or turned into a constraint, a suite renamed), which would otherwise be listed
    as "not run in the last run" for ever. ``defined``: (asset, check) pairs. Returns the
    forgotten checks as ``asset/check``."""
    forgotten = []
    for record in load_records(report_dir):
        if (record.asset, record.check) not in defined:
            _record_path(report_dir, record.asset, record.check).unlink(missing_ok=True)
            forgotten.append(f"{record.asset}/{record.check}")
    return forgotten


def record_checks(report_dir: Path, records: list[CheckRecord], warehouse=None) -> Path:
    """Store several outcomes, then render the index once."""
    folder = report_dir / CHECKS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    run_id = _current_run_id()
    for record in records:
        if record.run_id is None:
            record.run_id = run_id
        path = _record_path(report_dir, record.asset, record.check)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # readers never see half
        partial.write_text(
            json.dumps(asdict(record), ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
        os.replace(partial, path)
    if str(report_dir) in _published_at_end:
        _published_at_end[str(report_dir)] = True
        return report_dir / "index.html"  # rendered when the run ends
    return render_report(report_dir, warehouse)


@contextlib.contextmanager
def published_at_end(report_dir: Path, warehouse=None) -> Iterator[None]:
    """Render the page and build the Data Docs once, when the block ends, for the checks
    recorded inside it (in this thread or not)."""
    key = str(report_dir)
    if key in _published_at_end:  # nested: the outer block publishes
        yield
        return
    _published_at_end[key] = False
    try:
        with gx_suites.data_docs_at_end(report_dir):
            yield
    finally:
        if _published_at_end.pop(key):
            render_report(report_dir, warehouse)


def load_records(report_dir: Path) -> list[CheckRecord]:
    folder = report_dir / CHECKS_FOLDER
    if not folder.is_dir():
        return []
    known = {f.name for f in fields(CheckRecord)}
    records = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # being written by a check right now
            continue
        records.append(CheckRecord(**{k: v for k, v in data.items() if k in known}))
    return records


# per article: its figures and annotated figures (filtered by ``read_articles``, which the
# database pushes into the aggregate: only the listed articles' figures are counted)
ARTICLES_SQL = """
    select a.article_id, a.source_file, a.section_count, a.page_break_repairs,
           coalesce(f.figures, 0) as figures, coalesce(f.annotated, 0) as annotated
    from main.stg_articles a left join (
        select article_id, count(*) as figures, count(annotation_file) as annotated
        from main.fct_figures group by article_id
    ) f using (article_id)"""


def _warehouse_tables(warehouse, failing_articles: set[str]) -> dict[str, list[dict[str, Any]]]:
    """What the page shows from the warehouse: quarantine and relations (failing first, at
    most ``MAX_LISTED_ROWS``), and the articles it lists: those with failing rows
    (``failing_articles``) or quarantine entries, then the first ``MAX_CLEAN_ARTICLES``
    others. Only those are counted: the page is rendered after every check, and over ten
    thousand articles counting the figures of all of them cost 0.1 s a time."""
    tables: dict[str, list[dict[str, Any]]] = {
        "articles": [],
        "article_count": [],
        "first_ids": [],
        "quarantine": [],
        "quarantine_counts": [],
        "relations": [],
        "metrics": [],
        "unknown_metric": [],
        "places": [],
        "periods": [],
        "conflicts": [],
        "removed": [],
    }
    if warehouse is None or not warehouse.exists():
        return tables

    def read(name: str, sql: str, article_ids: list[str] | None = None) -> None:
        try:
            if article_ids is None:
                frame = warehouse.read_query(sql)
            else:
                frame = warehouse.read_articles(sql, article_ids)
        except Exception:  # noqa: BLE001 - a table not built yet in this run
            return
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        tables[name] = rows

    read(
        "quarantine",
        f"""select source_file, article_id, stage, severity, line, reason
            from main.quarantine order by severity, source_file, line
            limit {MAX_LISTED_ROWS}""",
    )
    read(
        "quarantine_counts", "select severity, count(*) as n from main.quarantine group by severity"
    )
    # articles whose files left the raw folder (raw_articles: reason "removed: …")
    read(
        "removed",
        f"""select article_id, source_file, reason, detected_at from main.quarantine
            where reason like 'removed:%' order by article_id limit {MAX_LISTED_ROWS}""",
    )
    read(
        "relations",
        f"""select article_id, kind, holds, explanation from quality.figure_relations
            order by holds, article_id limit {MAX_LISTED_ROWS}""",
    )
    read("article_count", "select count(*) as n from main.stg_articles")
    # where, when and what exactly: how the ledger's figures are attributed
    read(
        "metrics",
        f"""select metric, metric_code, figure_count, level_count, change_count, share_count
            from main.dim_metric where figure_count > 0
            order by figure_count desc, metric limit {MAX_LISTED_ROWS}""",
    )
    read(
        "unknown_metric",
        f"""select article_id, surface, unit, category, sentence from main.fct_figures
            where metric is null order by article_id, char_start limit {MAX_LISTED_ROWS}""",
    )
    read(
        "places",
        """select coalesce(place_level, '(none)') as place_level, place_evidence,
            count(*) as figures from main.fct_figures group by 1, 2 order by 1, 3 desc""",
    )
    read(
        "periods",
        """select period_kind, count(*) as figures,
            count(*) filter (where period_start is not null) as dated
            from main.fct_figures group by 1 order by 2 desc""",
    )
    read(
        "conflicts",
        f"""select place_code, metric, period_start, period_end, unit, modality, min_value,
            max_value, article_ids, surfaces from main.mart_figure_timeline
            where has_conflict order by place_code, metric limit {MAX_LISTED_ROWS}""",
    )
    flagged = sorted(
        failing_articles | {str(r["article_id"]) for r in tables["quarantine"] if r["article_id"]}
    )
    # the first clean articles are among the first (MAX_CLEAN_ARTICLES + flagged) of all
    read(
        "first_ids",
        "select article_id from main.stg_articles order by article_id "
        f"limit {MAX_CLEAN_ARTICLES + len(flagged)}",
    )
    listed = set(flagged) | {row["article_id"] for row in tables.pop("first_ids")}
    if listed:
        read("articles", ARTICLES_SQL, sorted(listed))
    tables["articles"].sort(key=lambda row: row["article_id"])
    return tables


def _cell(column: str, value: Any, pages: set[str]) -> str:
    text = html.escape("" if value is None else str(value))
    if column == "article_id" and value is not None and str(value) in pages:
        return f"<td><a href='{article_pages.page_link(str(value))}'>{text}</a></td>"
    return f"<td>{text}</td>"


def _table(rows: list[dict[str, Any]], limit: int = 50, pages: set[str] | None = None) -> str:
    """Rows as an HTML table; an ``article_id`` with a page in ``pages`` links to it."""
    if not rows:
        return "<p class='muted'>none</p>"
    columns = list(rows[0])
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(_cell(c, r.get(c), pages or set()) for c in columns) + "</tr>"
        for r in rows[:limit]
    )
    more = f"<p class='muted'>{len(rows) - limit} more rows</p>" if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _status(passed: bool) -> str:
    return "<span class='pass'>PASS</span>" if passed else "<span class='fail'>FAIL</span>"


def _failure_block(record: CheckRecord, pages: set[str] | None = None) -> str:
    parts = []
    for failure in record.failures:
        what = failure.get("expectation", "failure")
        kwargs = failure.get("kwargs") or {}
        detail = ", ".join(f"{k}={v}" for k, v in kwargs.items() if k not in ("value_set",))
        parts.append(
            f"<h4>{html.escape(what)} <small>{html.escape(detail)}</small></h4>"
            + (f"<p>{html.escape(str(failure['message']))}</p>" if failure.get("message") else "")
            + _table(failure.get("rows") or [], pages=pages)
        )
    return "".join(parts)


NO_ARTICLE = "(no article)"  # failing rows of tables without an article_id column


def _rows_by_article(records: list[CheckRecord]) -> dict[str, list[tuple[str, dict]]]:
    by_article: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for record in records:
        for failure in record.failures:
            for row in failure.get("rows") or []:
                article = row.get("article_id") or NO_ARTICLE
                by_article[str(article)].append((record.check, row))
    return by_article


MAX_CLEAN_ARTICLES = 200  # clean articles listed in the articles table
# a run over at most this many articles gets a page for every one of them; a larger run
# for the articles the report lists (flagged ones and the first MAX_CLEAN_ARTICLES clean)
MAX_ARTICLE_PAGES = 1000  # ≈ 2.5 ms a page here: 2.5 s at the end of such a run
PAGES_RUN_MARKER = ".run_id"  # in the articles folder: the run whose pages are written


def _run_articles(warehouse) -> list[str] | None:
    """The articles of the run being reported: ``raw.dbt_batch`` (empty: every article)."""
    try:
        ids = warehouse.read_query("select article_id from raw.dbt_batch")["article_id"]
    except Exception:  # noqa: BLE001 - dbt did not run yet
        return None
    return [str(i) for i in ids] or None


def _article_pages(
    report_dir: Path,
    warehouse,
    listed: list[str],
    failing_by_article: dict,
    run_id: str | None,
    built: bool = True,
) -> set[str]:
    """Write the article pages (``article_pages``) of the run's articles, or of the
    ``listed`` ones when the run has more than ``MAX_ARTICLE_PAGES``; return the ids of the
    articles that have a page (the links the report may show).

    A run rendering the report after every check (the daemon's) writes them all at its
    first render after dbt rebuilt ``fct_figures`` (``built``: its dbt tests are recorded),
    then only those of articles with failing rows (whose marks change)."""
    if warehouse is None or not warehouse.exists():
        return set()
    folder = report_dir / article_pages.ARTICLES_FOLDER
    marker = folder / PAGES_RUN_MARKER
    done = run_id is not None and marker.is_file() and marker.read_text().strip() == run_id
    wanted = _run_articles(warehouse)
    if not built:  # fct_figures not (yet) rebuilt by this run: keep the pages there are
        wanted = []
    elif done:
        wanted = sorted(set(failing_by_article) - {NO_ARTICLE})
    elif wanted is None:
        try:
            total = int(warehouse.read_query("select count(*) from raw.parsed_articles").iloc[0, 0])
        except Exception:  # noqa: BLE001 - nothing parsed yet
            return set()
        wanted = None if total <= MAX_ARTICLE_PAGES else listed
    elif len(wanted) > MAX_ARTICLE_PAGES:
        wanted = listed
    if wanted:
        wanted = sorted(set(wanted) | (set(failing_by_article) - {NO_ARTICLE}))
    try:
        article_pages.write_pages(report_dir, warehouse, wanted, failing_by_article)
        if run_id is not None and built and not done:
            folder.mkdir(parents=True, exist_ok=True)
            marker.write_text(run_id)
    except Exception as error:  # noqa: BLE001 - a page must not fail the report
        print(f"warning: article pages not written: {error}", flush=True)
    if not folder.is_dir():
        return set()
    return {name[: -len(".html")] for name in os.listdir(folder) if name.endswith(".html")}


def _article_link(article_id: str, pages: set[str]) -> str:
    if article_id in pages:
        return f"<a href='{article_pages.page_link(article_id)}'>{html.escape(article_id)}</a>"
    return html.escape(article_id)


def _history(warehouse, checks: CheckTally) -> list[dict[str, Any]]:
    """Record the run's results in ``quality.check_history`` and read the last runs."""
    if warehouse is None or not warehouse.exists():
        return []
    try:
        history.record_run(warehouse, checks)
    except Exception as error:  # noqa: BLE001 - the history must not fail the report
        print(f"warning: run history not written: {error}", flush=True)
    return history.last_runs(warehouse)


MAX_LISTED_ROWS = 1000  # quarantine entries and relations read for the page (failing first)


def render_report(report_dir: Path, warehouse=None) -> Path:
    """Write ``index.html`` from the recorded checks and the warehouse; return its path."""
    report_dir.mkdir(parents=True, exist_ok=True)
    records = load_records(report_dir)
    checks = tally(records)
    records = checks.records  # the last run's; failing rows of earlier runs are history
    failing_by_article = _rows_by_article(records)
    tables = _warehouse_tables(warehouse, set(failing_by_article) - {NO_ARTICLE})
    runs = _history(warehouse, checks)
    quarantine_by_article: dict[str, list[dict]] = defaultdict(list)
    for row in tables["quarantine"]:
        quarantine_by_article[str(row.get("article_id"))].append(row)
    counts = {row["severity"]: int(row["n"]) for row in tables["quarantine_counts"]}
    quarantined = counts.get("error", 0)
    check_rows = (
        "".join(
            f"<tr class='{'ok' if r.passed else 'bad'}'"
            # a passing check's anchor is its row; a failing one's its section with the rows
            + (f" id='check-{html.escape(r.check)}'" if r.passed else "")
            + f"><td><a href='#check-{html.escape(r.check)}'>"
            f"{html.escape(r.check)}</a></td><td>{html.escape(r.asset)}</td>"
            f"<td>{'blocking' if r.blocking else 'warn'}</td><td>{_status(r.passed)}</td>"
            f"<td>{html.escape(r.description)}</td><td>{html.escape(r.checked_at)}</td></tr>"
            for r in sorted(records, key=lambda r: (r.passed, r.suite is None, r.asset, r.check))
        )
        + "".join(
            f"<tr class='earlier'><td>{html.escape(r.check)}</td><td>{html.escape(r.asset)}</td>"
            f"<td>{'blocking' if r.blocking else 'warn'}</td><td>not run</td>"
            f"<td>not run in the last run; an earlier run: {_status(r.passed)} "
            f"{html.escape(r.description)}</td><td>{html.escape(r.checked_at)}</td></tr>"
            for r in sorted(checks.earlier, key=lambda r: (r.asset, r.check))
        )
    )
    run_note = (
        f" · run <code>{html.escape(checks.run_id[:8])}</code>" if checks.run_id else ""
    ) + (
        f" · {len(checks.earlier)} checks not run in it (at the end of the checks table, "
        "with their result in an earlier run)"
        if checks.earlier
        else ""
    )
    # every article with something to show, then clean ones up to a limit: a page over ten
    # thousand articles stays readable (and cheap to re-render after every check)
    flagged = [
        a
        for a in tables["articles"]
        if failing_by_article.get(a["article_id"]) or quarantine_by_article.get(a["article_id"])
    ]
    flagged_ids = {a["article_id"] for a in flagged}
    clean = [a for a in tables["articles"] if a["article_id"] not in flagged_ids]
    listed = flagged + clean[: max(0, MAX_CLEAN_ARTICLES)]
    article_count = int(tables["article_count"][0]["n"]) if tables["article_count"] else 0
    pages = _article_pages(
        report_dir,
        warehouse,
        [a["article_id"] for a in listed],
        failing_by_article,
        checks.run_id,
        # dbt's tests of fct_figures are recorded once dbt has rebuilt it in this run
        built=checks.run_id is None
        or any(r.suite is None and r.asset == "fct_figures" for r in records),
    )
    omitted = article_count - len(listed)
    article_rows = "".join(
        f"<tr class='{'bad' if failing_by_article.get(a['article_id']) else 'ok'}'>"
        f"<td>{_article_link(a['article_id'], pages)}</td>"
        f"<td>{a['figures']}</td><td>{a['annotated']}</td><td>{a['section_count']}</td>"
        f"<td>{a['page_break_repairs']}</td>"
        # the counts of a flagged article link to its rows further down
        + "".join(
            f"<td><a href='#article-{html.escape(a['article_id'])}'>{n}</a></td>"
            if a["article_id"] in flagged_ids
            else f"<td>{n}</td>"
            for n in (
                len(quarantine_by_article.get(a["article_id"], [])),
                len(failing_by_article.get(a["article_id"], [])),
            )
        )
        + "</tr>"
        for a in listed
    )
    if omitted:
        article_rows += (
            f"<tr class='ok'><td colspan='7' class='muted'>{omitted} more articles without "
            "failing rows or quarantine entries (query fct_figures for them)</td></tr>"
        )
    article_details = "".join(
        f"<section id='article-{html.escape(a['article_id'])}'><h3>{_article_link(a['article_id'], pages)}"
        f" <small>{html.escape(str(a['source_file']))}</small></h3>"
        + "<h4>Failing rows</h4>"
        + _table(
            [{"check": c, **row} for c, row in failing_by_article.get(a["article_id"], [])],
            pages=pages,
        )
        + "<h4>Quarantine and warnings</h4>"
        + _table(quarantine_by_article.get(a["article_id"], []))
        + "</section>"
        for a in flagged
    )
    check_details = "".join(
        f"<section id='check-{html.escape(r.check)}'><h3>{html.escape(r.check)} {_status(r.passed)}"
        f"</h3><p>{html.escape(r.description)}"
        + (f" · suite <code>{html.escape(r.suite)}</code>" if r.suite else "")
        + "</p>"
        + _failure_block(r, pages)
        + "</section>"
        for r in records
        if not r.passed
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Regional ledger: data quality</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: .5em 0 1.5em; font-size: 14px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }} td {{ overflow-wrap: anywhere; max-width: 40em; }} tr.bad td {{ background: #fff0f0; }}
.pass {{ color: #137333; font-weight: bold; }} .fail {{ color: #c5221f; font-weight: bold; }}
.muted, tr.earlier td {{ color: #777; }} svg.spark {{ vertical-align: middle; }}
#history td, #trends td, #check-trends td {{ white-space: nowrap; overflow-wrap: normal; }} .summary span {{ margin-right: 2em; font-size: 18px; }}
</style></head><body>
<h1>Regional ledger: data quality</h1>
<p class="summary" id="summary"><span>checks passed: <b id="passed-count">{len(checks.passed)}</b></span>
<span>checks failed: <b id="failed-count">{len(checks.failed)}</b>
(<b id="blocking-count">{len(checks.blocking_failed)}</b> blocking)</span>
<span>blocking failures: <b>{len(checks.blocking_failed)}</b></span>
<span>articles: <b>{article_count}</b></span>
<span>quarantined inputs: <b>{quarantined}</b></span></p>
<p>Rendered {datetime.now(UTC).isoformat(timespec="seconds")}{run_note} ·
<a href="gx/index.html">Great Expectations Data Docs</a> (every validation, expectation by expectation)</p>
<h2>Articles</h2>
<table id="articles"><thead><tr><th>article</th><th>figures</th><th>annotated</th><th>sections</th>
<th>page breaks repaired</th><th>quarantine / warnings</th><th>failing rows</th></tr></thead>
<tbody>{article_rows}</tbody></table>
<h2 id="history-section">History (the last {history.SHOWN_RUNS} runs)</h2>
{history.render(runs, history.failing_checks(warehouse, runs))}
<h2>Failing checks</h2>
{check_details or "<p class='muted'>none</p>"}
<h2>Checks</h2>
<table id="checks"><thead><tr><th>check</th><th>asset</th><th>kind</th><th>status</th>
<th>result</th><th>checked at</th></tr></thead><tbody>{check_rows}</tbody></table>
<h2>Stated relations between figures</h2>
{_table(tables["relations"], pages=pages)}
<h2>Where, when and what exactly</h2>
<h3>Places</h3>
<p class="muted">How each figure's place was found (<code>place_evidence</code>): the weak kinds
(article_majority, dateline, source, none) are listed in <code>figure_review</code> as "place unclear".</p>
{_table(tables["places"])}
<h3>Periods</h3>
{_table(tables["periods"])}
<h3 id="timeline-conflicts">Timeline conflicts</h3>
<p class="muted">Two articles printing different exact values for the same place, metric and
period (<code>mart_figure_timeline.has_conflict</code>).</p>
{_table(tables["conflicts"]) if tables["conflicts"] else "<p class='muted'>none</p>"}
<h3 id="metrics">Figures per metric</h3>
{_table(tables["metrics"])}
<h3 id="unknown-metrics">Figures without a metric (for review)</h3>
{_table(tables["unknown_metric"]) if tables["unknown_metric"] else "<p class='muted'>none</p>"}
<h2 id="removed">Removed articles</h2>
<p class="muted">Articles whose files left the raw folder: their rows were deleted from every
table (a warning in <code>quarantine</code>, reason <code>removed: …</code>, from the run that
noticed it).</p>
{_table(tables["removed"]) if tables["removed"] else "<p class='muted'>none</p>"}
<h2>Quarantine</h2>
<p class="muted">{sum(counts.values())} entries in all: {quarantined} errors,
{counts.get("warning", 0)} warnings (the table <code>quarantine</code> holds every one)</p>
{_table(tables["quarantine"], limit=200, pages=pages)}
<h2>Per article</h2>
{article_details or "<p class='muted'>no article has failing rows or quarantine entries</p>"}
</body></html>
"""
    index = report_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
