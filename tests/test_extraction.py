"""The figure extractor: invariants on the articles.

Sentence → figures cases are spec files (run by ``tests/test_specs.py``; a new case needs no
Python): ``tests/specs/figures.yaml`` (what is read: surface, value, unit, bound, modality,
category, city …) and ``tests/specs/rejections.yaml`` (what is not a figure, and the rule
of ``orchestration/text/rules/rejections.yaml`` that says so).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import decode_article, parse_article
from orchestration.text.rejections import rejection_rule, rejections

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "raw" / "articles").glob("*.txt")) + sorted(
    (ROOT / "tests" / "data" / "articles").glob("*.txt")
)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_article_invariants(path: Path) -> None:
    text, _ = decode_article(path.read_bytes(), str(path))
    parsed = parse_article(path.stem, text)
    figures = extract_figures(parsed)
    assert figures
    for f in figures:
        assert parsed.text[f.char_start : f.char_end] == f.surface
        assert f.surface in f.sentence
        assert f.block_kind in ("paragraph", "subheadline", "caption", "headline")
        assert f.modality in ("actual", "forecast", "target")
        assert f.category in ("funding", "trade", "transport", "talent", "other")
    for a, b in zip(figures, figures[1:], strict=False):
        assert a.char_end <= b.char_start
    # no figure is a match some rule rejected
    spans = {(f.char_start, f.char_end) for f in figures}
    assert not any((r.start, r.end) in spans for r in rejections(parsed.text))


def test_a_rejected_match_knows_its_rule() -> None:
    assert rejection_rule("从三个方面推进协作。", "三个") == "discourse_enumeration"
    assert rejection_rule("企业可拨打0471-6961234户政热线。", "0471-6961234户") == (
        "in_phone_number"
    )
    assert rejection_rule("全年用电量达12万度。", "12万度") is None
