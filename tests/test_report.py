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


class _StubWarehouse:
    """What render_report reads, for a corpus of many clean articles and one bad one."""

    def __init__(self, articles: int):
        import pandas as pd

        self.frames = {
            "group by severity": pd.DataFrame({"severity": ["error"], "n": [1]}),
            "stg_articles": pd.DataFrame(
                {
                    "article_id": [f"a{i:04d}" for i in range(articles)],
                    "source_file": [f"raw/articles/a{i:04d}.txt" for i in range(articles)],
                    "section_count": 2,
                    "page_break_repairs": 0,
                    "figures": 30,
                    "annotated": 0,
                }
            ),
            "quarantine": pd.DataFrame(
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
            ),
            "figure_relations": pd.DataFrame(
                columns=["article_id", "kind", "holds", "explanation"]
            ),
        }

    def exists(self) -> bool:
        return True

    def read_query(self, sql: str):
        return next(frame for name, frame in self.frames.items() if name in sql)


def test_report_over_many_articles_lists_the_flagged_ones_first(tmp_path):
    from orchestration.quality.report import MAX_CLEAN_ARTICLES, render_report

    page = render_report(tmp_path, _StubWarehouse(articles=500)).read_text(encoding="utf-8")
    rows = parse(page)["articles"]
    assert rows[0][0] == "a0150"  # the one with a quarantine entry comes first
    assert len(rows) == 1 + MAX_CLEAN_ARTICLES + 1  # flagged, clean ones, the "more" line
    assert (
        rows[-1][0]
        == f"{500 - 1 - MAX_CLEAN_ARTICLES} more articles without failing rows or quarantine entries (query fct_figures for them)"
    )
    assert "id='article-a0150'" in page
    assert "id='article-a0000'" not in page  # detail sections only where there is something
    assert "articles: <b>500</b>" in page
    assert "quarantined inputs: <b>1</b>" in page
