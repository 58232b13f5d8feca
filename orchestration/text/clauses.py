"""The sentence and clause model of an article's text, computed once and shared (pure).

The rules of the extractor read the same units of text again and again: every figure of a
sentence asks for the sentence's clauses, the category keywords around it, the metric cues
of its sentence, the sentence spans of the article. This module computes each of them once
per article or once per sentence; the figures of a sentence share the result.

:class:`ArticleView` (one per article, on the simplified view of :mod:`.script`):

* ``text``: the view; ``norm``: the view folded by :func:`.numbers.normalize` (same
  offsets);
* ``sentences`` / ``sentence_starts``: :func:`.sentences.sentence_spans` of the view, read
  by the extractor, by :mod:`.periods` (``figure_periods(..., sentences=)``) and by
  :class:`.places.PlaceResolver`;
* the category keyword hits of the whole text, one scan (a word can hold no punctuation,
  so no hit crosses a sentence or clause end and a sentence's hits are a slice);
* :meth:`ArticleView.sentence`: the :class:`SentenceModel` of a sentence, cached.

:class:`SentenceModel` (one per sentence that holds a figure):

* ``text`` / ``norm``: the sentence in the view and folded;
* ``breaks`` and ``clauses``: the clause punctuation of :mod:`.categorize` (；;：:。！？!? and
  a comma that is not a thousands separator) and the clauses between them;
  :meth:`SentenceModel.clause_bounds` answers what ``categorize.clause_bounds`` answers;
* ``keywords``: the category keyword hits (start, end, category, clause index), relative;
* ``cue_hits``: the metric cues of :mod:`.metrics` on ``norm``, computed on first use.

Word families: the category keywords (``rules/categories.yaml``) and the place names of
:mod:`.places` are sets of literal words matched leftmost-longest (at each position the
longest word, then on after it), the semantics of a longest-first regex alternation.
:class:`WordFamily` matches one family with one Aho-Corasick automaton (``pyahocorasick``),
built once per process: about 1.4x faster than the alternation on Chinese text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from orchestration.text.codes import CATEGORIES
from orchestration.text.numbers import normalize
from orchestration.text.sentences import sentence_spans

RULES = Path(__file__).resolve().parent / "rules"
CATEGORY_RULES = RULES / "categories.yaml"

# clause punctuation; a comma between digits is a thousands separator (1,536.8万吨, ２，４８０)
CLAUSE_BREAK_RE = re.compile(r"[；;：:。！？!?]|(?<![0-9０-９])[，,]|[，,](?![0-9０-９])")
# what no word of a family may hold: it ends a sentence or a clause
_WORD_FORBIDDEN = re.compile(r"[\s。！？!?；;：:，,”’」』]")


# ------------------------------------------------------------------ folding


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """The characters :func:`.numbers.normalize` changes (it folds one to one)."""
    chars = "".join(chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000)
    folded = normalize(chars)
    changed = [c for c, f in zip(chars, folded, strict=True) if c != f]
    return re.compile("[" + "".join(re.escape(c) for c in changed) + "]")


def fold(text: str) -> str:
    """``normalize(text)``; a text without anything to fold is returned as it is (most
    Chinese text: no full-width digits), which is faster than translating it."""
    return normalize(text) if _foldable().search(text) else text


# ------------------------------------------------------------------ word families


def leftmost_longest(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int, Any]]:
    """(start, end, value) of the words of ``automaton`` (each stored with ``(length, …)``
    as its value) found in ``text`` leftmost-longest, non-overlapping: what an alternation
    of the words, longest first, finds with ``finditer``. From every match (``iter``), not
    ``iter_long``: that one misses a word at the end of the text while it is inside a
    longer word that does not complete (words a, c, bcca on "abc": only "a")."""
    hits = []
    taken_to = -1
    matches = [(end - value[0] + 1, end + 1, value) for end, value in automaton.iter(text)]
    matches.sort(key=lambda match: (match[0], -match[1]))  # leftmost, then longest
    for start, end, value in matches:
        if start >= taken_to:
            hits.append((start, end, value))
            taken_to = end
    return hits


class WordFamily:
    """A set of literal words matched leftmost-longest, non-overlapping: what
    ``re.compile("|".join(longest first)).finditer`` finds, with one automaton."""

    def __init__(self, words: Iterable[str]):
        self.words = tuple(dict.fromkeys(words))
        self.automaton = ahocorasick.Automaton()
        for word in self.words:
            self.automaton.add_word(word, (len(word),))
        if self.words:
            self.automaton.make_automaton()

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every hit of ``text``, in order."""
        if not self.words:
            return []
        return [(start, end) for start, end, _ in leftmost_longest(self.automaton, text)]


# ------------------------------------------------------------------ category keywords


def load_category_keywords(path: Path = CATEGORY_RULES) -> dict[str, tuple[str, ...]]:
    """The category keyword rules by category (words in file order). Raises ValueError on an
    unknown category, a duplicate name or word, or a word holding punctuation."""
    with path.open(encoding="utf-8") as f:
        rules = yaml.safe_load(f)["rules"]
    keywords: dict[str, tuple[str, ...]] = {}
    names: set[str] = set()
    seen: dict[str, str] = {}
    for rule in rules:
        name, category = rule["name"], rule["category"]
        problems = []
        if category not in CATEGORIES:
            problems.append(f"category {category!r}")
        if name in names:
            problems.append("duplicate name")
        words = tuple(str(rule["words"]).split())
        for word in words:
            if word in seen:
                problems.append(f"{word} is in {seen[word]} too")
            if _WORD_FORBIDDEN.search(word):
                problems.append(f"{word} holds punctuation")
            seen[word] = name
        if problems:
            raise ValueError(f"{path.name} rule {name}: {', '.join(problems)}")
        names.add(name)
        keywords[category] = keywords.get(category, ()) + words
    return keywords


KEYWORDS: dict[str, tuple[str, ...]] = load_category_keywords()
KEYWORD_CATEGORY: dict[str, str] = {kw: cat for cat, kws in KEYWORDS.items() for kw in kws}
# the keywords in one automaton, each with (length, category): a hit's category comes with it
_KEYWORD_AUTOMATON = ahocorasick.Automaton()
for _word, _category in KEYWORD_CATEGORY.items():
    _KEYWORD_AUTOMATON.add_word(_word, (len(_word), _category))
if KEYWORD_CATEGORY:
    _KEYWORD_AUTOMATON.make_automaton()


@lru_cache(maxsize=4096)
def keyword_hits(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, category) of every category keyword of ``text``, in order (the hits of
    ``WordFamily(KEYWORD_CATEGORY).spans``, each with its category)."""
    if not KEYWORD_CATEGORY:
        return ()
    return tuple(
        (start, end, category)
        for start, end, (_, category) in leftmost_longest(_KEYWORD_AUTOMATON, text)
    )


# ------------------------------------------------------------------ the models


class SentenceModel:
    """One sentence's clauses and keyword hits (offsets relative to the sentence)."""

    __slots__ = (
        "start",
        "end",
        "text",
        "norm",
        "breaks",
        "clauses",
        "_rights",
        "keywords",
        "_cues",
    )

    def __init__(
        self,
        text: str,
        start: int = 0,
        norm: str | None = None,
        hits: Iterable[tuple[int, int, str]] | None = None,
    ):
        self.start, self.end = start, start + len(text)
        self.text = text
        self.norm = fold(text) if norm is None else norm
        self.breaks = [(m.start(), m.end()) for m in CLAUSE_BREAK_RE.finditer(text)]
        clauses, left = [], 0
        for a, b in self.breaks:
            clauses.append((left, a))
            left = b
        clauses.append((left, len(text)))
        self.clauses: list[tuple[int, int]] = clauses
        self._rights = [b for _, b in clauses]
        hits = keyword_hits(text) if hits is None else hits
        # a keyword holds no clause punctuation, so it starts inside a clause: its clause
        # is the first whose right end is not before its start (clause_index, unchecked)
        rights = self._rights
        self.keywords: list[tuple[int, int, str, int]] = [
            (a, b, cat, bisect.bisect_left(rights, a)) for a, b, cat in hits
        ]
        self._cues = None

    def clause_index(self, position: int) -> int:
        """Index of the first clause with left <= position <= right. (Clauses are separated
        by one-character breaks, so it is the first clause whose right end is not before
        ``position``.)"""
        i = bisect.bisect_left(self._rights, position)
        if i == len(self.clauses) or position < self.clauses[i][0]:
            raise ValueError(position)
        return i

    def clause_bounds(self, start: int, end: int) -> tuple[int, int]:
        """``categorize.clause_bounds(text, start, end)``: the clause around [start, end).
        (Its left scan stops at ``start``, so a comma just before ``start`` is a break
        whatever follows it.)"""
        text = self.text
        if start > 0 and text[start - 1] in "，,":
            left = start
        else:
            k = bisect.bisect_right(self.breaks, (start, start)) - 1
            while k >= 0 and self.breaks[k][1] > start:
                k -= 1
            left = self.breaks[k][1] if k >= 0 else 0
        k = bisect.bisect_left(self.breaks, (end, -1))
        right = self.breaks[k][0] if k < len(self.breaks) else len(text)
        return left, right

    @property
    def cue_hits(self):
        """The metric cue hits of ``norm`` (:func:`.metrics.cue_hits`), computed once."""
        if self._cues is None:
            from orchestration.text.metrics import cue_hits

            self._cues = cue_hits(self.norm)
        return self._cues


class ArticleView:
    """One article's view, folded view, sentences and keyword hits (module docstring)."""

    def __init__(self, text: str):
        self.text = text
        self.norm = fold(text)
        self.sentences = sentence_spans(text)
        self.sentence_starts = [s for s, _ in self.sentences]
        hits = keyword_hits.__wrapped__(text)
        self._hits = hits
        self._hit_starts = [a for a, _, _ in hits]
        self._models: dict[tuple[int, int], SentenceModel] = {}

    def sentence(self, start: int, end: int) -> SentenceModel:
        """The model of ``text[start:end]`` (a sentence, or a sentence cut at its block)."""
        key = (start, end)
        model = self._models.get(key)
        if model is None:
            lo = bisect.bisect_left(self._hit_starts, start)
            hi = bisect.bisect_left(self._hit_starts, end, lo)
            hits = [(a - start, b - start, cat) for a, b, cat in self._hits[lo:hi] if b <= end]
            model = SentenceModel(self.text[start:end], start, self.norm[start:end], hits)
            self._models[key] = model
        return model
