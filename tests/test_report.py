"""The data-quality report: an HTML page a person opens, listing every check and article."""

import shutil
import subprocess
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.integration


class _Tables(HTMLParser):
    """Collects the rows of the tables with an id (checks, articles)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            if self._row and self._table:
                self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def test_report_lists_every_check_and_article(seed_run):
    settings, result = seed_run
    tables = parse((settings.report_dir / "index.html").read_text(encoding="utf-8"))
    checks = {row[0]: row for row in tables["checks"]}
    ran = {e.check_name for e in result.get_asset_check_evaluations()}
    assert ran <= set(checks)
    assert checks["fct_figures_known_values"][2:4] == ["blocking", "PASS"]
    assert checks["figure_relations_hold"][2] == "warn"
    articles = {row[0]: row for row in tables["articles"]}
    assert len(articles) == 4
    assert int(articles["nmg-regional-cooperation"][1]) >= 70  # figures
    assert int(articles["nmg-regional-cooperation"][2]) == 71  # annotated
    assert (settings.report_dir / "gx" / "index.html").exists()


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed "
    "(.ci/run installs it); the HTML is still checked by the test above",
)
def test_report_renders_in_headless_chromium(seed_run, tmp_path):
    settings, _ = seed_run
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,900",
            f"--screenshot={shot}",
            (settings.report_dir / "index.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    assert len(data) > 20_000  # a blank page is a few kB; the rendered tables are far more


def _many_articles_warehouse(path, articles: int):
    """A real DuckDB warehouse with the tables render_report reads: many clean articles
    (30 figures each) and one with a quarantine entry."""
    import pandas as pd

    from orchestration.warehouse.duckdb import DuckDBWarehouse

    warehouse = DuckDBWarehouse(path / "w.duckdb")
    ids = [f"a{i:04d}" for i in range(articles)]
    stg_articles = pd.DataFrame(
        {
            "article_id": ids,
            "source_file": [f"raw/articles/{a}.txt" for a in ids],
            "section_count": 2,
            "page_break_repairs": 0,
        }
    )
    figures = pd.DataFrame(
        {
            "figure_id": [f"{a}-{n}" for a in ids for n in range(30)],
            "article_id": [a for a in ids for _ in range(30)],
            "annotation_file": None,
        }
    )
    quarantine = pd.DataFrame(
        [
            {
                "source_file": "raw/annotations/a0150.csv",
                "article_id": "a0150",
                "stage": "annotations",
                "severity": "error",
                "line": 3,
                "reason": "raw/annotations/a0150.csv:3: quote not in the text",
            }
        ]
    )
    with warehouse.connect() as con:
        con.execute("CREATE SCHEMA quality")
        for name, frame in [
            ("stg_articles", stg_articles),
            ("fct_figures", figures),
            ("quarantine", quarantine),
        ]:
            con.register("frame", frame)
            con.execute(f"CREATE TABLE main.{name} AS SELECT * FROM frame")
            con.unregister("frame")
        con.execute(
            "CREATE TABLE quality.figure_relations "
            "(article_id VARCHAR, kind VARCHAR, holds BOOLEAN, explanation VARCHAR)"
        )
    return warehouse


def test_report_over_many_articles_lists_the_flagged_ones_first(tmp_path):
    from orchestration.quality.report import MAX_CLEAN_ARTICLES, CheckRecord, record_check

    warehouse = _many_articles_warehouse(tmp_path, articles=500)
    failing = CheckRecord(
        check="fct_figures_content",
        asset="fct_figures",
        passed=False,
        blocking=True,
        description="1 failing row",
        failures=[{"expectation": "x", "rows": [{"article_id": "a0450", "figure_id": "a0450-3"}]}],
    )
    page = record_check(tmp_path / "report", failing, warehouse).read_text(encoding="utf-8")
    rows = parse(page)["articles"]
    # the two with something to show come first: a quarantine entry, a failing row (an
    # article far past the clean ones listed)
    assert [r[0] for r in rows[:2]] == ["a0150", "a0450"]
    assert [r[1] for r in rows[:2]] == ["30", "30"]  # their figures, counted
    assert rows[2][0] == "a0000" and rows[2][1] == "30"
    assert [r[0] for r in rows[2:-1]] == [
        f"a{i:04d}" for i in range(MAX_CLEAN_ARTICLES + 1) if i != 150
    ]
    assert len(rows) == 2 + MAX_CLEAN_ARTICLES + 1  # flagged, clean ones, the "more" line
    assert (
        rows[-1][0]
        == f"{500 - 2 - MAX_CLEAN_ARTICLES} more articles without failing rows or quarantine entries (query fct_figures for them)"
    )
    assert "id='article-a0150'" in page and "id='article-a0450'" in page
    assert "id='article-a0000'" not in page  # detail sections only where there is something
    assert "articles: <b>500</b>" in page
    assert "quarantined inputs: <b>1</b>" in page


def test_a_run_in_process_publishes_the_report_once_when_it_ends(tmp_path):
    """Inside published_at_end the checks record as they go, but the page and the Data
    Docs are built when the block ends, also when it ends with an error."""
    import pandas as pd

    from orchestration.quality.gx_suites import validate_frame
    from orchestration.quality.report import CheckRecord, published_at_end, record_check

    index, docs = tmp_path / "index.html", tmp_path / "gx" / "index.html"
    frame = pd.DataFrame({"figure_id": ["f1"], "article_id": "a", "surface": "17.41亿元"})
    failed = CheckRecord(
        check="c", asset="fct_figures", passed=False, blocking=True, description="x"
    )
    with pytest.raises(RuntimeError), published_at_end(tmp_path):
        validate_frame("fct_figures_known", frame, tmp_path)
        assert record_check(tmp_path, failed) == index
        assert not index.exists() and not docs.exists()  # nothing built after the check
        raise RuntimeError("a step failed")
    assert '<b id="failed-count">1</b>' in index.read_text(encoding="utf-8")
    assert "fct_figures_known" in docs.read_text(encoding="utf-8")
    # outside such a block, every record renders the page at once
    index.unlink()
    record_check(tmp_path, failed)
    assert index.exists()


def test_the_report_forgets_checks_the_definitions_no_longer_have(tmp_path):
    """A dbt test removed (or turned into a contract constraint) is not listed as "not run"
    for ever: the next run forgets its record; records of defined checks stay."""
    from orchestration.quality.report import (
        CheckRecord,
        forget_retired_checks,
        load_records,
        record_checks,
    )

    def record(asset, check):
        return CheckRecord(check=check, asset=asset, passed=True, blocking=False, description="")

    record_checks(
        tmp_path,
        [record("fct_figures", "not_null_fct_figures_value"), record("dim/city", "unique_x")],
    )
    forgotten = forget_retired_checks(tmp_path, {("dim/city", "unique_x")})
    assert forgotten == ["fct_figures/not_null_fct_figures_value"]
    assert [(r.asset, r.check) for r in load_records(tmp_path)] == [("dim/city", "unique_x")]
    assert forget_retired_checks(tmp_path, {("dim/city", "unique_x")}) == []
