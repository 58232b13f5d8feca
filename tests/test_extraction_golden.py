"""The extractor's full output on every test article, compared with a recorded copy.

Speed work and rule moves must not change a single figure: this test parses and extracts
every article under ``raw/articles`` and ``tests/data/**/articles`` (with the sidecar's
publication date where there is one) and compares every field of every figure with the
recording in ``tests/data/golden/``. A deliberate change of behaviour re-records it:

    LEDGER_RECORD_GOLDEN=1 .venv/bin/python -m pytest tests/test_extraction_golden.py

and the diff of the recording is reviewed like code.

The recording is one JSON-lines file per folder of articles (``raw.jsonl``,
``real_blind12.jsonl`` …), so that no file grows with every round of test articles. For
each article it holds a line naming it with the SHA-256 of its bytes (an edited article
shows as such), then one line per figure. A figure's ``sentence`` (the same text for every
figure of a sentence) is recorded as ``sentence_span``, its offsets in the repaired text,
when it is a slice of that text, which it is: the text is fixed by the article's hash, so
the span says exactly what the sentence says.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import date
from pathlib import Path

from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import decode_article, parse_article
from orchestration.text.places import home_of_source
from orchestration.text.sidecar import ArticleMeta, read_sidecar

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = ROOT / "tests" / "data" / "golden"


def _articles() -> list[Path]:
    paths = sorted((ROOT / "raw" / "articles").glob("*.txt"))
    paths += sorted((ROOT / "tests" / "data").glob("**/articles/*.txt"))
    return paths


def _golden_name(article: Path) -> str:
    """The recording an article's figures go to: its folder's (raw/articles → raw.jsonl,
    tests/data/real_blind12/articles → real_blind12.jsonl, tests/data/articles →
    articles.jsonl)."""
    folder = article.parent
    owner = (
        folder.parent
        if folder.name == "articles" and folder.parent != ROOT / "tests" / "data"
        else folder
    )
    return f"{owner.name}.jsonl"


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):  # hints (fields not compared) are not output
        return {
            f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare
        }
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _sidecar(path: Path) -> ArticleMeta:
    meta = path.with_name(path.stem + ".meta.json")
    if not meta.exists():
        return ArticleMeta()
    return read_sidecar(meta.read_bytes())


def _sentence_span(text: str, sentence: str, start: int, end: int) -> list[int] | None:
    """The offsets of ``sentence`` in ``text`` around the figure at [start, end), or None
    when it is no slice of the text there."""
    at = text.find(sentence, max(0, end - len(sentence)))
    if at < 0 or at > start:
        return None
    return [at, at + len(sentence)]


def current_output() -> dict[str, list[str]]:
    """Recording name → its lines, for the articles as they are now."""
    files: dict[str, list[str]] = {}
    for path in _articles():
        data = path.read_bytes()
        text, _ = decode_article(data, str(path))
        parsed = parse_article(path.stem, text)
        lines = files.setdefault(_golden_name(path), [])
        article = {
            "article": str(path.relative_to(ROOT)),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        lines.append(json.dumps(article, ensure_ascii=False, sort_keys=True))
        meta = _sidecar(path)
        for figure in extract_figures(parsed, meta.published_on, home=home_of_source(meta.source)):
            row = _plain(figure)
            span = _sentence_span(parsed.text, row["sentence"], row["char_start"], row["char_end"])
            if span is not None:
                del row["sentence"]
                row["sentence_span"] = span
            lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return files


def test_extractor_output_is_unchanged():
    files = current_output()
    assert files, "no test articles found"
    if os.environ.get("LEDGER_RECORD_GOLDEN"):
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        for stale in set(GOLDEN_DIR.glob("*.jsonl")) - {GOLDEN_DIR / n for n in files}:
            stale.unlink()
        for name, lines in files.items():
            (GOLDEN_DIR / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    recorded_names = sorted(p.name for p in GOLDEN_DIR.glob("*.jsonl"))
    assert recorded_names == sorted(files), "recordings and folders of articles differ"
    changed = []
    for name, lines in sorted(files.items()):
        recorded = (GOLDEN_DIR / name).read_text(encoding="utf-8").splitlines()
        changed += [
            f"{name} line {n}: expected {old}\n          got      {new}"
            for n, (old, new) in enumerate(zip(recorded, lines, strict=False), 1)
            if old != new
        ]
        if len(recorded) != len(lines):
            changed.append(f"{name}: {len(recorded)} recorded lines, {len(lines)} now")
    assert not changed, "first differences:\n" + "\n".join(changed[:5])
