"""Sentences of a repaired article text: one rule for the extractor and the annotations,
so a figure gets the same ``sentence`` whichever of the two found it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

# a run up to sentence-final punctuation (with a closing quote after it), or to a line end
SENTENCE_RE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』]?|(?=\n)|$)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty sentence of ``text``, in order."""
    return [(m.start(), m.end()) for m in SENTENCE_RE.finditer(text) if m.end() > m.start()]


def sentence_around(
    text: str, start: int, end: int, spans: list[tuple[int, int]] | None = None
) -> str:
    """The sentence of ``text`` that holds the span [start, end); pass ``spans`` (from
    :func:`sentence_spans`) when asking for many spans of one text."""
    spans = sentence_spans(text) if spans is None else spans
    index = bisect.bisect_right([s for s, _ in spans], start) - 1
    if index < 0:
        return text[start:end]
    s_start, s_end = spans[index]
    return text[s_start : max(s_end, end)]


def lines_before(text: str, start: int, longest: int) -> Iterator[str]:
    """The lines of ``text`` before the line holding ``start``, nearest first, at most
    ``longest`` of them, each stripped of its line break (found with ``rfind``, without
    copying the text before)."""
    end = text.rfind("\n", 0, start)
    for _ in range(longest):
        if end < 0:
            return
        begin = text.rfind("\n", 0, end) + 1
        yield text[begin:end]
        end = begin - 1
