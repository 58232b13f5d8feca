"""Article pages: the seed's text with every figure of fct_figures highlighted in place."""

import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from orchestration.quality import article_pages
from tests.conftest import query

pytestmark = pytest.mark.integration

SEED = "nmg-regional-cooperation"


class _Marks(HTMLParser):
    """The highlighted figures of a page: (id, classes, title, text)."""

    def __init__(self):
        super().__init__()
        self.marks: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "mark" and article_pages.HIGHLIGHT_CLASS in classes:
            self._open = {"id": attrs.get("id"), "classes": classes, "title": attrs["title"]}
            self._open["text"] = ""

    def handle_endtag(self, tag):
        if tag == "mark" and self._open is not None:
            self.marks.append(self._open)
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data


def marks_of(page: str) -> list[dict]:
    parser = _Marks()
    parser.feed(page)
    return parser.marks


def test_seed_page_highlights_every_figure(seed_run):
    settings, _ = seed_run
    page = settings.report_dir / "articles" / f"{SEED}.html"
    assert page.exists()
    marks = {m["id"]: m for m in marks_of(page.read_text(encoding="utf-8"))}
    figures = query(
        settings,
        f"""select figure_id, surface, category, unit, source from main.fct_figures
            where article_id = '{SEED}'""",
    )
    assert len(marks) == len(figures) > 0
    for figure_id, surface, category, unit, source in figures:
        mark = marks[f"f-{figure_id}"]
        assert mark["text"] == surface
        assert f"cat-{category}" in mark["classes"]
        assert f"unit: {unit}" in mark["title"] and f"source: {source}" in mark["title"]
        assert "review: " in mark["title"]
    reviewed = query(
        settings,
        f"select figure_id, review_reason from main.figure_review where article_id = '{SEED}'",
    )
    for figure_id, reason in reviewed:
        if f"f-{figure_id}" in marks:
            assert "review" in marks[f"f-{figure_id}"]["classes"]
            assert reason in marks[f"f-{figure_id}"]["title"]
    # linked from the report's article table
    index = (settings.report_dir / "index.html").read_text(encoding="utf-8")
    assert f"href='articles/{SEED}.html'" in index


def test_page_escapes_text_and_shows_disagreeing_values():
    text = "<b>收入</b>&达到42%和3亿元。"
    start = text.index("42%")
    figures = [
        {
            "figure_id": "a1",
            "char_start": start,
            "char_end": start + 3,
            "surface": "42%",
            "category": "trade",
            "value": 42.0,
            "annotated_value": 420.0,
            "annotation_file": "x.csv",
            "annotation_line": 3,
            "unit": "pct",
            "source": "both",
        },
        {
            "figure_id": "a2",
            "char_start": text.index("3亿元"),
            "char_end": text.index("3亿元") + 3,
            "surface": "3亿元",
            "category": "funding",
            "value": 3e8,
            "unit": "CNY",
            "source": "extracted",
        },
    ]
    page = article_pages.render_page(
        {"article_id": "t<1>", "repaired_text": text},
        figures,
        {"a2": ["place unclear"]},
        {"a1": [("published_figures_match_annotations", {"figure_id": "a1"})]},
        [],
    )
    assert "<b>收入" not in page and "&lt;b&gt;收入&lt;/b&gt;&amp;" in page
    marks = {m["id"]: m for m in marks_of(page)}
    assert marks["f-a1"]["text"] == "42%" and marks["f-a2"]["text"] == "3亿元"
    assert {"disagree", "failing", "cat-trade"} <= set(marks["f-a1"]["classes"])
    assert "annotated value 420 ≠ read value 42 (x.csv:3)" in marks["f-a1"]["title"]
    assert "published_figures_match_annotations" in marks["f-a1"]["title"]
    assert "place unclear" in marks["f-a2"]["title"]


CHROMIUM_OFFLINE = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",  # the network is off: any request would fail
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (apt-get install chromium); the page's HTML "
    "is still checked by the tests above",
)
def test_seed_page_renders_offline_in_headless_chromium(seed_run, tmp_path):
    settings, _ = seed_run
    page = (settings.report_dir / "articles" / f"{SEED}.html").as_uri()
    common = ["chromium", *CHROMIUM_OFFLINE, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [*common, "--dump-dom", page], check=True, capture_output=True, timeout=120, text=True
    ).stdout
    figures = query(settings, f"select count(*) from main.fct_figures where article_id = '{SEED}'")
    assert len(marks_of(dom)) == figures[0][0]
    shot = tmp_path / "article.png"
    subprocess.run(
        [*common, "--window-size=1100,900", f"--screenshot={shot}", page],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    try:
        from PIL import Image
    except ImportError:
        return
    colours = {
        tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        for colour in article_pages.CATEGORY_COLOURS.values()
    }
    pixels = set(Image.open(shot).convert("RGB").getdata())
    assert len(colours & pixels) >= 3  # the highlights are painted in their category colours
