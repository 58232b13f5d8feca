"""Run history: every run appends its results to quality.check_history; the report shows it."""

from html.parser import HTMLParser

import pytest

from orchestration.quality import history
from tests.conftest import RAW, make_raw_dir, query, run_pipeline


class _Rows(HTMLParser):
    """The body rows of the table with id ``table_id`` and the SVG elements of the page."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.rows, self.svgs = table_id, [], 0
        self._in, self._body = False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self._in = True
        elif tag == "tbody" and self._in:
            self._body = True
        elif tag == "tr" and self._body:
            self.rows.append(attrs)
        elif tag == "svg":
            self.svgs += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._in = self._body = False


def test_sparkline_is_inline_svg():
    svg = history.sparkline([1, 3, None, 2])
    assert svg.startswith("<svg") and "polyline" in svg and "http" not in svg.split("xmlns")[0]
    assert history.sparkline([None, None]) == ""
    assert "polyline" in history.sparkline([5])  # one run: a point, no division by zero


@pytest.mark.integration
def test_three_runs_give_a_history_of_three(tmp_path):
    raw = make_raw_dir(tmp_path / "raw", sorted((RAW / "articles").glob("*.txt")))
    run_ids = []
    for _ in range(3):
        settings, result = run_pipeline(raw, tmp_path)
        assert result.success
        run_ids.append(result.run_id)
    stored = query(
        settings,
        "select run_id, count(*) filter (where kind = 'check'), "
        "max(value) filter (where item = 'fct_figures'), "
        "max(value) filter (where item = 'mart_trade') "
        "from quality.check_history group by run_id",
    )
    assert {row[0] for row in stored} == set(run_ids)
    figures = query(settings, "select count(*) from main.fct_figures")[0][0]
    trade = query(settings, "select count(*) from main.mart_trade")[0][0]
    for _, checks, fct_figures, mart_trade in stored:
        assert checks > 10 and fct_figures == figures and mart_trade == trade
    page = (settings.report_dir / "index.html").read_text(encoding="utf-8")
    table = _Rows("history")
    table.feed(page)
    assert len(table.rows) == 3
    for run_id in run_ids:
        assert run_id[:8] in page
    assert table.svgs >= len(history.SHOWN_ITEMS)  # a sparkline per number


def test_history_section_plots_each_number_and_each_failing_check():
    runs = [
        {"run_id": f"run{i}0000", "run_at": f"2026-11-28T12:0{i}:00+00:00", "fct_figures": 70 + i}
        for i in range(3)
    ]
    page = history.render(runs, {"fct_figures:fct_figures_content": [0, 2, None]})
    table = _Rows("history")
    table.feed(page)
    assert len(table.rows) == 3
    assert page.index("run20000") < page.index("run00000")  # newest first
    checks = _Rows("check-trends")
    checks.feed(page)
    assert len(checks.rows) == 1 and "not run" in page
    assert table.svgs == 2  # fct_figures (the only number given) and the check
