"""Work shared by the figures of a sentence (the sentence model, the period analysis of
sentences without period words, the place analysis of sentences naming no place) must
answer what the per-figure computation answered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from orchestration.text.clauses import ArticleView
from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import decode_article, parse_article
from orchestration.text.periods import figure_periods
from orchestration.text.script import simplified

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    paths = sorted((ROOT / "raw" / "articles").glob("*.txt"))
    paths += sorted((ROOT / "tests" / "data").glob("**/articles/*.txt"))
    return [
        simplified(parse_article(path.stem, decode_article(path.read_bytes(), str(path))[0]).text)
        for path in paths
    ]


def test_keyword_clause_is_the_clause_index() -> None:
    for text in _texts():
        view = ArticleView(text)
        for start, end in view.sentences:
            model = view.sentence(start, end)
            for k_start, _, _, clause in model.keywords:
                assert clause == model.clause_index(k_start)


def test_sentences_without_period_words_carry_the_period_in_force() -> None:
    text = "2023年1—11月,全区进出口100亿元。其中出口60亿元。进口40亿元。如今,企业有300家。"
    spans = [
        (text.index(s), text.index(s) + len(s)) for s in ("100亿元", "60亿元", "40亿元", "300家")
    ]
    periods = figure_periods(text, spans, date(2023, 12, 20))
    assert [p.text for p in periods] == ["2023年1—11月"] * 3 + [None]
    assert periods[1] == periods[0] and periods[2] == periods[0]


def test_sentences_naming_no_place_take_the_paragraph_subject() -> None:
    text = "包头市外贸进出口100亿元。其中出口60亿元,进口40亿元。"
    figures = extract_figures(parse_article("t", text))
    assert [(f.surface, f.place_code, f.place_evidence) for f in figures] == [
        ("100亿元", "baotou", "clause"),
        ("60亿元", "baotou", "paragraph"),
        ("40亿元", "baotou", "paragraph"),
    ]
