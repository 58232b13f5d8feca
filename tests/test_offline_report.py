"""The report folder opens offline: nothing is loaded from outside it (issue 15, item 4).

The GX Data Docs loaded Bootstrap, jQuery and Font Awesome from CDNs and were blank
offline; ``orchestration/quality/offline_docs.py`` rewrites them after every build. Here:
no page references an external resource, every local one exists inside the folder, and
headless Chromium with the network off renders the report, the Data Docs (rows and our
stylesheet) and an article page (its highlights)."""

import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from orchestration.quality import article_pages, offline_docs
from tests.conftest import query
from tests.test_article_pages import CHROMIUM_OFFLINE, SEED, marks_of

pytestmark = pytest.mark.integration

RESOURCE_ATTRIBUTES = {"link": "href", "script": "src", "img": "src", "iframe": "src"}
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.I)  # http:, https:, //, data: ...
BAND = (0x1F, 0x3A, 0x5F)  # --ledger-band in static/data_docs.css: the Data Docs' top bar


class _Page(HTMLParser):
    """What a page loads (tag, URL) and the links and table rows it shows."""

    def __init__(self):
        super().__init__()
        self.resources: list[tuple[str, str]] = []
        self.stylesheets: list[str] = []
        self.links: list[str] = []
        self.rows: dict[str, int] = {}  # table id -> body rows
        self._table: list[str] = []
        self._in_body = False
        self.styles = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = RESOURCE_ATTRIBUTES.get(tag)
        if name and attrs.get(name):
            self.resources.append((tag, attrs[name]))
        if tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.stylesheets.append(attrs.get("href") or "")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "table":
            self._table.append(attrs.get("id") or "")
            self.rows.setdefault(self._table[-1], 0)
        if tag == "tbody":
            self._in_body = True
        if tag == "tr" and self._in_body and self._table:
            self.rows[self._table[-1]] += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "table" and self._table:
            self._table.pop()
        if tag == "tbody":
            self._in_body = False
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles += data


def parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_no_page_of_the_report_loads_anything_from_outside_it(seed_run):
    settings, _ = seed_run
    root = settings.report_dir.resolve()
    pages = sorted(root.rglob("*.html"))
    assert root / "index.html" in pages and root / "gx" / "index.html" in pages
    assert any(p.parent.name == "articles" for p in pages)
    assert len([p for p in pages if "validations" in p.parts]) >= 5
    problems = []
    for path in pages:
        page = parse(path.read_text(encoding="utf-8"))
        for tag, url in page.resources:
            if EXTERNAL.match(url):
                problems.append(f"{path.relative_to(root)}: <{tag}> {url}")
                continue
            target = (path.parent / unquote(urlsplit(url).path)).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                problems.append(f"{path.relative_to(root)}: <{tag}> {url} (no such file)")
        for url in re.findall(r"url\(\s*['\"]?([^)'\"]*)", page.styles):
            if EXTERNAL.match(url):
                problems.append(f"{path.relative_to(root)}: url({url}) in a <style>")
    assert not problems, "\n".join(problems[:20])
    # every Data Docs page links our stylesheet (and only local ones)
    for path in (root / "gx").rglob("*.html"):
        sheets = parse(path.read_text(encoding="utf-8")).stylesheets
        assert any(s.endswith(offline_docs.SITE_STYLESHEET) for s in sheets), path


def test_rewriting_the_data_docs_is_idempotent_and_fast(seed_run, tmp_path):
    settings, _ = seed_run
    site = tmp_path / "gx"
    shutil.copytree(settings.report_dir / "gx", site)
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    assert offline_docs.make_offline(site) == 0  # published pages are rewritten already
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before
    rewritten = (site / "index.html").read_text(encoding="utf-8")
    assert offline_docs.offline_page(rewritten, "", site) == rewritten
    started = time.perf_counter()
    for _ in range(3):
        offline_docs.make_offline(site)
    assert (time.perf_counter() - started) / 3 < 0.5  # it runs at every publish


def _chromium(tmp_path: Path) -> list[str]:
    if shutil.which("chromium") is None:
        message = (
            "Debian's chromium is not installed (apt-get install chromium; .ci/run installs "
            "it): the offline rendering is not checked, only the HTML (test above)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return ["chromium", *CHROMIUM_OFFLINE, f"--user-data-dir={tmp_path / 'profile'}"]


def _dom(chromium: list[str], page: Path) -> str:
    return subprocess.run(
        [*chromium, "--dump-dom", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
        text=True,
    ).stdout


def _pixels(chromium: list[str], page: Path, shot: Path):
    from PIL import Image

    subprocess.run(
        [*chromium, "--window-size=1280,900", f"--screenshot={shot}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return Image.open(shot).convert("RGB")


def test_report_data_docs_and_article_render_offline_in_headless_chromium(seed_run, tmp_path):
    chromium = _chromium(tmp_path)
    settings, _ = seed_run
    root = settings.report_dir

    # the report: its tables and the links to the Data Docs and the article pages
    report = parse(_dom(chromium, root / "index.html"))
    assert report.rows.get("checks", 0) >= 5 and report.rows.get("articles", 0) >= 1
    assert "gx/index.html" in report.links
    assert f"articles/{SEED}.html" in report.links
    image = _pixels(chromium, root / "index.html", tmp_path / "report.png")
    assert (0xF2, 0xF2, 0xF2) in set(image.getdata())  # the styled table headers

    # the Data Docs index: the validation table is rows (not an empty bootstrap-table)
    # linking to existing pages, and our stylesheet paints the top bar
    docs = parse(_dom(chromium, root / "gx" / "index.html"))
    validations = [link for link in docs.links if link.startswith("validations/")]
    on_disk = {p.relative_to(root / "gx").as_posix() for p in root.glob("gx/validations/**/*.html")}
    assert validations and set(validations) == on_disk
    assert all((root / "gx" / link).is_file() for link in docs.links if link.startswith("exp"))
    assert docs.stylesheets == [offline_docs.SITE_STYLESHEET]
    image = _pixels(chromium, root / "gx" / "index.html", tmp_path / "docs.png")
    assert image.getpixel((1000, 10)) == BAND  # unstyled, the bar would be white
    assert image.getpixel((1000, 200)) != BAND

    # a validation page: its expectation tables and status icons
    page = sorted(root.glob("gx/validations/**/*.html"))[0]
    dom = _dom(chromium, page)
    assert parse(dom).rows and "fa-check-circle" in dom
    assert _pixels(chromium, page, tmp_path / "validation.png").getpixel((1000, 10)) == BAND

    # the article page: every figure highlighted, in the category colours
    article = root / "articles" / f"{SEED}.html"
    figures = query(settings, f"select count(*) from main.fct_figures where article_id = '{SEED}'")
    assert len(marks_of(_dom(chromium, article))) == figures[0][0] > 0
    colours = {
        tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        for colour in article_pages.CATEGORY_COLOURS.values()
    }
    pixels = set(_pixels(chromium, article, tmp_path / "article.png").getdata())
    assert len(colours & pixels) >= 3
