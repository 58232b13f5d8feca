"""Rejection rules: when a match of the figure grammar is not a figure (pure, no I/O).

The rules are data, ``rules/rejections.yaml`` (loaded once, at import): masks (titles,
short quotations, phone numbers) and a list of named rules, each a set of conditions on the
grammar match and the text around it. :func:`first_rule` asks them in order and gives the
name of the first that applies; the extractor (``extraction._reject``) rejects a match
when there is one. :func:`rejections` lists every grammar match of a text that a rule
turned down, with the rule's name (for debugging and the spec files).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from orchestration.text.numbers import (
    FIGURE_RE,
    PERCENT_WORD_RE,
    WORD_FIGURE_RE,
    Reading,
    interpret,
    normalize,
    read_number,
)
from orchestration.text.script import simplified

RULES_PATH = Path(__file__).resolve().parent / "rules" / "rejections.yaml"

MASKED = "masked"  # the rule name when the masks are tested all at once
LOOK_BEFORE = 10  # characters a before_* pattern sees
LOOK_AFTER = 8  # characters an after* pattern sees


class Masks(Protocol):
    def covers(self, i: int) -> bool: ...


# A test of one condition: (reading, match, normalized text) -> bool
_Test = Callable[[Reading, re.Match[str], str], bool]


@dataclass(frozen=True)
class Rule:
    name: str
    rejects: str
    why: str
    when: tuple[_Test, ...]  # the conditions other than `unit` and `unit_surface`
    unless: tuple[_Test, ...] = ()
    units: frozenset[str] | None = None  # `unit`, None for any
    unit_surfaces: frozenset[str] | None = None  # `unit_surface`, None for any

    def fits(self, unit: str, unit_surface: str) -> bool:
        return (self.units is None or unit in self.units) and (
            self.unit_surfaces is None or unit_surface in self.unit_surfaces
        )

    def applies(self, reading: Reading, m: re.Match[str], norm: str) -> bool:
        for test in self.when:
            if not test(reading, m, norm):
                return False
        return not any(test(reading, m, norm) for test in self.unless)


@dataclass(frozen=True)
class Mask:
    name: str
    rejects: str
    why: str
    regex: re.Pattern[str]


def _unit_end(m: re.Match[str], reading: Reading) -> int:
    return m.end("unit") if "unit" in m.re.groupindex else reading.end


def _before(pattern: str, where: str) -> _Test:
    regex = re.compile(rf"(?:{pattern})\Z")
    if where == "number":
        return lambda r, m, norm: bool(
            regex.search(norm, max(0, r.number_start - LOOK_BEFORE), r.number_start)
        )
    return lambda r, m, norm: bool(regex.search(norm, max(0, r.start - LOOK_BEFORE), r.start))


def _after(pattern: str, where: str) -> _Test:
    regex = re.compile(pattern)
    if where == "unit":

        def test(r: Reading, m: re.Match[str], norm: str) -> bool:
            end = _unit_end(m, r)
            return bool(regex.match(norm, end, end + LOOK_AFTER))

        return test
    return lambda r, m, norm: bool(regex.match(norm, r.end, r.end + LOOK_AFTER))


def _near(spec: dict[str, Any]) -> _Test:
    regex = re.compile(spec["pattern"])
    before, after = int(spec["before"]), int(spec["after"])
    return lambda r, m, norm: bool(regex.search(norm, max(0, r.start - before), r.end + after))


def _number(pattern: str) -> _Test:
    regex = re.compile(pattern)
    seen: dict[str, bool] = {}  # numbers as printed repeat: 1, 2, 两, 三 …

    def test(r: Reading, m: re.Match[str], norm: str) -> bool:
        found = seen.get(r.number)
        if found is None:
            if len(seen) > 4096:
                seen.clear()
            found = seen[r.number] = regex.fullmatch(r.number) is not None
        return found

    return test


def _number_at_most(limit: float) -> _Test:
    def test(r: Reading, m: re.Match[str], norm: str) -> bool:
        value = read_number(r.number)
        return value is not None and value <= limit

    return test


def _group(m: re.Match[str], group: str) -> str | None:
    return m.group(group) if group in m.re.groupindex else None


def _flag(group: str, present: bool) -> _Test:
    return lambda r, m, norm: bool(_group(m, group)) == present


def _post(values: list[str]) -> _Test:
    allowed = frozenset(str(v) for v in values)
    return lambda r, m, norm: _group(m, "post") in allowed


# condition name -> builder; the order is the order of evaluation (cheap tests first)
_CONDITIONS: dict[str, Callable[[Any], _Test] | None] = {
    "number": lambda p: _number(p),
    "unit": None,  # Rule.units
    "unit_surface": None,  # Rule.unit_surfaces
    "post": _post,
    "mid": lambda v: _flag("mid", bool(v)),
    "range": lambda v: _flag("n2", bool(v)),
    "value_at_most": lambda v: lambda r, m, n: r.quantity.value <= float(v),
    "number_at_most": lambda v: _number_at_most(float(v)),
    "before_number": lambda p: _before(p, "number"),
    "before_figure": lambda p: _before(p, "figure"),
    "after": lambda p: _after(p, "figure"),
    "after_unit": lambda p: _after(p, "unit"),
    "near": _near,
}
_PATTERN_CONDITIONS = ("number", "before_number", "before_figure", "after", "after_unit")


def _expand(pattern: str, fragments: dict[str, str]) -> str:
    return re.sub(r"\{([A-Z_]+)\}", lambda g: fragments[g.group(1)], pattern)


def _tests(conditions: dict[str, Any], fragments: dict[str, str], where: str) -> tuple:
    unknown = set(conditions) - set(_CONDITIONS)
    if unknown:
        raise ValueError(f"{RULES_PATH.name}: {where}: unknown condition(s) {sorted(unknown)}")
    tests = []
    for key, build in _CONDITIONS.items():
        if key not in conditions or build is None:
            continue
        value = conditions[key]
        if key in _PATTERN_CONDITIONS:
            value = _expand(str(value), fragments)
        elif key == "near":
            value = {**value, "pattern": _expand(str(value["pattern"]), fragments)}
        tests.append(build(value))
    return tuple(tests)


def _set(values: list[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(str(v) for v in values)


@lru_cache(maxsize=4)
def _read(path: Path) -> dict:
    """A rejections file, read once for its rules and its fragments."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_rules(path: Path = RULES_PATH) -> tuple[dict[str, Mask], tuple[Rule, ...]]:
    """The masks (by name) and the rules (in order) of a rejections file."""
    data = _read(path)
    fragments = {str(k): str(v) for k, v in (data.get("fragments") or {}).items()}
    masks = {
        m["name"]: Mask(m["name"], m["rejects"], m["why"], re.compile(m["pattern"]))
        for m in data["masks"]
    }
    for r in data["rules"]:
        if {"unit", "unit_surface"} & set(r.get("unless") or {}):
            raise ValueError(f"{path.name}: {r['name']}: unit and unit_surface go in `when`")
    rules = tuple(
        Rule(
            r["name"],
            r["rejects"],
            r["why"],
            _tests(r["when"], fragments, r["name"]),
            _tests(r.get("unless") or {}, fragments, r["name"]),
            _set(r["when"].get("unit")),
            _set(r["when"].get("unit_surface")),
        )
        for r in data["rules"]
    )
    names = [*masks, *(r.name for r in rules), MASKED]
    if len(names) != len(set(names)):
        raise ValueError(f"{path.name}: rule names must be unique")
    return masks, rules


MASKS, RULES = load_rules()


def _fragment(name: str, path: Path = RULES_PATH) -> str:
    return str(_read(path)["fragments"][name])


_EARLIER_LEVEL_RE = re.compile(f"(?:{_fragment('EARLIER_LEVEL')})\\Z")


def after_earlier_level(text: str, position: int) -> bool:
    """Whether the words before ``position`` compare with an earlier time's level
    (是去年同期的 …倍, fragment EARLIER_LEVEL): the multiple after them is a growth, which
    the extractor reads as (N-1)×100 % and the metrics as a change."""
    return _EARLIER_LEVEL_RE.search(text, max(0, position - LOOK_BEFORE), position) is not None


RULE_NAMES: tuple[str, ...] = (*MASKS, *(rule.name for rule in RULES))
# (unit, unit as printed) -> the rules that may apply to such a figure, in order
_RULES_FOR: dict[tuple[str, str], tuple[Rule, ...]] = {}


def first_rule(reading: Reading, m: re.Match[str], norm: str, masks: Masks) -> str | None:
    """The name of the first rule that rejects this grammar match, or None (a figure).

    ``masks`` covers the masked spans of ``norm``; a mask's name is given when it has a
    ``name_at`` method (:class:`NamedMasks`), else :data:`MASKED`.
    """
    for i in (reading.number_start, reading.start):
        if masks.covers(i):
            name_at = getattr(masks, "name_at", None)
            return name_at(i) if name_at else MASKED
    key = (reading.quantity.unit, reading.unit_surface)
    rules = _RULES_FOR.get(key)
    if rules is None:
        if len(_RULES_FOR) > 1024:  # units as printed may carry minutes: 小时30分
            _RULES_FOR.clear()
        rules = _RULES_FOR[key] = tuple(rule for rule in RULES if rule.fits(*key))
    for rule in rules:  # rule.applies, inlined: this loop runs for every grammar match
        for test in rule.when:
            if not test(reading, m, norm):
                break
        else:
            for test in rule.unless:
                if test(reading, m, norm):
                    break
            else:
                return rule.name
    return None


class NamedMasks:
    """Every mask's spans in a normalized text, each mask by its name."""

    def __init__(self, norm: str):
        self.spans = [
            (name, m.start(), m.end())
            for name, mask in MASKS.items()
            for m in mask.regex.finditer(norm)
        ]

    def name_at(self, i: int) -> str | None:
        return next((name for name, s, e in self.spans if s <= i < e), None)

    def covers(self, i: int) -> bool:
        return self.name_at(i) is not None


@dataclass(frozen=True)
class Rejection:
    surface: str  # the grammar match's surface in the text (qualifiers included)
    start: int
    end: int
    rule: str  # the name of the rule that rejected it


def rejections(text: str) -> list[Rejection]:
    """Every grammar match of ``text`` (an article's repaired text, ``ParsedArticle.text``)
    that a rule turned down, with the rule's name, in the order the extractor meets them.

    The search mirrors ``extraction._find_candidates``: after a rejected match the search
    goes on one character after its number, after a figure at the figure's end.
    """
    norm = normalize(simplified(text))
    masks = NamedMasks(norm)
    found: list[Rejection] = []
    for regex in (FIGURE_RE, PERCENT_WORD_RE, WORD_FIGURE_RE):
        pos = 0
        while m := regex.search(norm, pos):
            reading = interpret(m)
            rule = None if reading is None else first_rule(reading, m, norm, masks)
            if reading is None or rule is None:
                pos = m.start("n1") + 1 if reading is None else reading.end
                continue
            found.append(
                Rejection(text[reading.start : reading.end], reading.start, reading.end, rule)
            )
            pos = m.start("n1") + 1
    return found


def rejection_rule(text: str, surface: str) -> str | None:
    """The rule that rejected the first grammar match printed as ``surface`` in ``text``."""
    return next((r.rule for r in rejections(text) if r.surface == surface), None)
