"""The shared sentence model (clauses.py) and the regex pre-filters (prefilter.py) must
answer exactly what the per-figure scans they replace answered."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from orchestration.text import categorize
from orchestration.text.clauses import (
    CLAUSE_BREAK_RE,
    KEYWORD_CATEGORY,
    ArticleView,
    SentenceModel,
    WordFamily,
    fold,
    load_category_keywords,
)
from orchestration.text.numbers import FIGURE_RE, PERCENT_WORD_RE, normalize
from orchestration.text.parsing import decode_article, parse_article
from orchestration.text.places import _lexicon
from orchestration.text.prefilter import first_chars, prefiltered, required_words
from orchestration.text.script import simplified

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    paths = sorted((ROOT / "raw" / "articles").glob("*.txt"))
    paths += sorted((ROOT / "tests" / "data").glob("**/articles/*.txt"))
    out = []
    for path in paths:
        text, _ = decode_article(path.read_bytes(), str(path))
        out.append(simplified(parse_article(path.stem, text).text))
    return out


TEXTS = _texts()


def _regex_clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for m in CLAUSE_BREAK_RE.finditer(sentence, 0, start):
        left = m.end()
    m = CLAUSE_BREAK_RE.search(sentence, end)
    return left, (m.start() if m else len(sentence))


@pytest.mark.parametrize(
    "sentence",
    ["货值1,536.8万吨,同比增长5%", "出口,3万吨；进口12,3亿元:其中", "，,１，２３４", "无标点", ""],
)
def test_clause_bounds_match_the_regex_scan(sentence: str) -> None:
    model = SentenceModel(sentence)
    for start in range(len(sentence) + 1):
        for end in range(start, len(sentence) + 1):
            assert model.clause_bounds(start, end) == _regex_clause_bounds(sentence, start, end)


def test_word_families_match_the_longest_first_alternation() -> None:
    keyword_re = re.compile(
        "|".join(sorted(map(re.escape, KEYWORD_CATEGORY), key=len, reverse=True))
    )
    lex = _lexicon()
    for text in TEXTS:
        assert WordFamily(KEYWORD_CATEGORY).spans(text) == [
            m.span() for m in keyword_re.finditer(text)
        ]
        assert lex.names.spans(text) == [m.span() for m in lex.regex.finditer(text)]
    assert WordFamily([]).spans("任何") == []


def test_a_word_family_finds_what_the_alternation_finds_on_any_text() -> None:
    """Small alphabets make words that overlap and prefixes that do not complete: the case
    pyahocorasick's ``iter_long`` gets wrong (words a, c, bcca on "abc": it found only a)."""
    assert WordFamily(["a", "c", "bcca"]).spans("abc") == [(0, 1), (2, 3)]
    rng = random.Random(17)
    for _ in range(3000):
        words = {"".join(rng.choices("abc", k=rng.randint(1, 4))) for _ in range(rng.randint(1, 6))}
        text = "".join(rng.choices("abc", k=rng.randint(0, 12)))
        alternation = re.compile("|".join(sorted(words, key=len, reverse=True)))
        assert WordFamily(words).spans(text) == [m.span() for m in alternation.finditer(text)], (
            words,
            text,
        )


def test_sentence_keywords_are_a_slice_of_the_article_scan() -> None:
    for text in TEXTS:
        view = ArticleView(text)
        for start, end in view.sentences:
            assert view.sentence(start, end).keywords == SentenceModel(text[start:end]).keywords


def test_fold_is_normalize() -> None:
    for text in [*TEXTS, "１２３，４５６．７％", "无数字"]:
        assert fold(text) == normalize(text)


def test_prefiltered_grammar_finds_the_same_matches() -> None:
    assert first_chars(FIGURE_RE) is not None
    for regex in (FIGURE_RE, PERCENT_WORD_RE):
        fast = prefiltered(regex)
        for text in TEXTS:
            norm = normalize(text)
            assert [(m.span(), m.groupdict()) for m in fast.finditer(norm)] == [
                (m.span(), m.groupdict()) for m in regex.finditer(norm)
            ]


def test_prefilter_leaves_what_it_cannot_read() -> None:
    for pattern in (r".ab", r"[^a]b", r"a?", r"(?i)ab", r"abc"):
        regex = re.compile(pattern)
        assert prefiltered(regex) is regex


def test_required_words() -> None:
    assert required_words(re.compile(r"[大小]?兴安岭")) == ("兴安岭",)
    assert required_words(re.compile(r"第二连|二连(?:队|长)")) == ("第二连", "二连")
    assert required_words(re.compile(r"[一二]连")) == ("连",)
    assert required_words(re.compile(r"a|[bc]")) is None
    lex = _lexicon()
    for text in TEXTS:
        for f, words in zip(lex.filters, lex.filter_words, strict=True):
            if words is not None and not any(w in text for w in words):
                assert f.search(text) is None


def test_category_rules_load(tmp_path: Path) -> None:
    assert load_category_keywords() == categorize.KEYWORDS
    assert set(categorize.KEYWORDS) == {"funding", "trade", "transport", "talent", "other"}
    bad = tmp_path / "categories.yaml"
    bad.write_text(
        "rules:\n  - {name: a.x, category: funding, words: 投资 资金}\n"
        "  - {name: a.y, category: trade, words: 投资}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="投资 is in a.x"):
        load_category_keywords(bad)
