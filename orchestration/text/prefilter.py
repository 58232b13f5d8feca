"""First-character pre-filters for compiled regexes (pure, per process).

Python's ``re`` tries a pattern at every position of the text; a pattern that starts with
an optional group or an alternation of many words (the figure grammar, the place filters)
pays the full attempt at each character. :func:`prefiltered` returns an equivalent pattern
that first tests, with a one-character lookahead, whether the character can start a match
at all: the same matches, groups and group names, several times faster on Chinese text
where most characters cannot start a match.

The set of starting characters is read from the pattern's parse tree
(:mod:`re._parser`); when it cannot be told (a negated class, ``.``, a backreference) the
pattern is returned unchanged, so the result is always equivalent.
"""

from __future__ import annotations

import re
from functools import cache
from re import _constants as _c
from re import _parser as _p

_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_WORD: r"\w",
}
_MAX_RANGE = 0x3000  # a range wider than this makes the class useless as a filter
_REPEATS = tuple(
    op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op
)


class _Unknown(Exception):
    pass


def _first(items, chars: set[str], classes: set[str]) -> bool:
    """Add the characters a match of ``items`` can start with; return whether ``items`` can
    match the empty string (then what follows may start the match too)."""
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
            return False
        if op is _c.IN:
            for iop, iav in av:
                if iop is _c.LITERAL:
                    chars.add(chr(iav))
                elif iop is _c.RANGE and iav[1] - iav[0] <= _MAX_RANGE:
                    chars.update(map(chr, range(iav[0], iav[1] + 1)))
                elif iop is _c.CATEGORY and iav in _CATEGORIES:
                    classes.add(_CATEGORIES[iav])
                else:
                    raise _Unknown
            return False
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # zero-width: reads no character of the match
        if op is _c.SUBPATTERN:
            if av[1] or av[2]:  # inline flags (?i:…) change what a literal matches
                raise _Unknown
            if not _first(av[3], chars, classes):
                return False
            continue
        if op is getattr(_c, "ATOMIC_GROUP", None):
            if not _first(av, chars, classes):
                return False
            continue
        if op is _c.BRANCH:
            nullable = False
            for alternative in av[1]:
                nullable |= _first(alternative, chars, classes)
            if not nullable:
                return False
            continue
        if op in _REPEATS:
            low, _, item = av
            if not _first(item, chars, classes) and low > 0:
                return False
            continue
        raise _Unknown
    return True


def first_chars(pattern: re.Pattern[str]) -> str | None:
    """A regex character class of the characters a match of ``pattern`` can start with,
    or None when it cannot be told (or the pattern can match the empty string)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE | re.LOCALE):
        return None
    chars: set[str] = set()
    classes: set[str] = set()
    try:
        if _first(_p.parse(pattern.pattern, pattern.flags).data, chars, classes):
            return None
    except (_Unknown, re.error):
        return None
    return "[" + "".join(sorted(classes)) + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _scans_fast(pattern: re.Pattern[str]) -> bool:
    """Whether ``re`` already skips ahead on its own: a pattern that opens with a literal,
    a character class or an alternation of literals gets a compiled prefix scan, which a
    lookahead in front would only defeat."""
    try:
        items = _p.parse(pattern.pattern, pattern.flags).data
    except re.error:
        return True
    while items:
        op, av = items[0]
        if op is _c.SUBPATTERN and not (av[1] or av[2]):
            items = av[3].data
            continue
        if op in (_c.LITERAL, _c.IN):
            return True
        if op is _c.BRANCH:
            return all(alt.data and alt.data[0][0] is _c.LITERAL for alt in av[1])
        return False
    return False


@cache
def prefiltered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` behind a one-character lookahead of the characters that can start it;
    ``pattern`` itself when they cannot be told or ``re`` scans it fast already."""
    first = first_chars(pattern)
    if first is None or _scans_fast(pattern):
        return pattern
    return re.compile(f"(?={first})(?:{pattern.pattern})", pattern.flags)


def _required(items) -> tuple[str, ...] | None:
    """Strings one of which every match of ``items`` contains, or None."""
    best, run = "", ""
    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        best, run = max(best, run, key=len), ""
        if op is _c.SUBPATTERN and not (av[1] or av[2]) and len(items) == 1:
            return _required(av[3].data)
        if op is _c.BRANCH and len(items) == 1:
            out: list[str] = []
            for alternative in av[1]:
                words = _required(alternative.data)
                if not words:
                    return None
                out += words
            return tuple(out)
    best = max(best, run, key=len)
    return (best,) if best else None


@cache
def required_words(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literal strings one of which every match of ``pattern`` contains (a text holding
    none of them has no match), or None when none can be told."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE | re.LOCALE):
        return None
    try:
        return _required(_p.parse(pattern.pattern, pattern.flags).data)
    except re.error:
        return None
