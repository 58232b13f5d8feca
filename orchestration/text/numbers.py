"""The number reader: numbers and quantities as Chinese newspapers print them.

Pure functions, no I/O. Two entry points:

* :func:`read_number` reads a whole string as a number: Arabic or full-width digits,
  decimals, thousands separators, Chinese numerals (零〇一二两三…十百千万亿廿卅),
  ``点`` decimals and mixtures (``1.3万``, ``千亿``, ``一点五亿``, ``3千万``).
* :func:`read_quantity` reads a figure as printed, with its unit and the qualifiers that
  bound it (``超1亿美元``, ``260余家``, ``70%以上``, ``2天内``, ``近3成``,
  ``3小时30分钟``, ``时速350公里``, ``3—5天``), and converts it to the base of the
  contract's unit table. Numbers in words are read too: two neighbouring digits as about
  the middle (``三四百辆`` → 350, approx), a doubling as a growth (``翻了一番`` → +100 %)
  and a half as 50 % where it is a share or a change (``近一半``; :data:`WORD_FIGURE_RE`).

The figure grammar (:data:`FIGURE_RE`) is shared with the extractor, which adds the
context rules (dates, ordinals, names, slogans …: ``rules/rejections.yaml``) that decide
whether a match is a figure. Full-width characters are folded one-to-one by
:func:`normalize`, so offsets found in the normalized text are offsets in the original text.

The words are data: ``rules/numbers.yaml`` (numerals, bound words, units, counters), loaded
once at import; the regexes below are built from it, so each word is defined once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_PATH = Path(__file__).resolve().parent / "rules" / "numbers.yaml"
RULES: dict[str, Any] = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))

# One-to-one folding (same length) of full-width digits and number punctuation.
_FOLD = str.maketrans("０１２３４５６７８９．，％～－／", "0123456789.,%~-/")


_FOLD_PAIRS = tuple((chr(wide), chr(narrow)) for wide, narrow in _FOLD.items())


def normalize(text: str) -> str:
    """Fold full-width digits, ．，％～－／ to ASCII; the result has the same length.

    One ``str.replace`` per character the text holds: what ``text.translate(_FOLD)``
    gives, without translate's per-character table lookup on Chinese text."""
    for wide, narrow in _FOLD_PAIRS:
        if wide in text:
            text = text.replace(wide, narrow)
    return text


def _class(chars: str) -> str:
    """A regex character class of the given characters."""
    return "[" + "".join(re.escape(c) for c in chars) + "]"


def _longest_first(words) -> str:
    """An alternation of the words (escaped), longer words first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _factor(value: Any) -> float:
    """A unit factor: a number, or a fraction written ``1/60``."""
    if isinstance(value, str) and "/" in value:
        numerator, denominator = value.split("/")
        return float(numerator) / float(denominator)
    return value


_NUMERALS = RULES["numerals"]
CN_DIGIT: dict[str, int] = dict(_NUMERALS["digits"])
CN_SMALL: dict[str, int] = dict(_NUMERALS["places"])
CN_BIG: dict[str, int] = dict(_NUMERALS["sections"])
CN_TENS: dict[str, int] = dict(_NUMERALS["tens"])
CN_NUMBER_CHARS = "".join([*CN_DIGIT, *CN_SMALL, *CN_BIG, *CN_TENS])
MAGNITUDE_CHARS = "".join([*CN_SMALL, *CN_BIG])
_POINT: str = _NUMERALS["point"]
_POINT_RE = re.escape(_POINT)
_HALF: str = _NUMERALS["half"]
_DIGITS = _class("".join(CN_DIGIT))
_POINT_DIGITS = _class("".join(c for c in CN_DIGIT if c not in _NUMERALS["not_after_point"]))
_PLACES = _class("".join(CN_SMALL))
_SECTIONS = _class("".join(CN_BIG))
_TENS = _class("".join(CN_TENS))
_MAGNITUDE = _class(MAGNITUDE_CHARS)
_NUMERAL = _class(CN_NUMBER_CHARS)
_TOP_SECTION = max(CN_BIG, key=CN_BIG.__getitem__)

_TOKEN_RE = re.compile(
    r"(?P<arabic>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?P<digit>{_DIGITS})|(?P<small>{_PLACES})|(?P<big>{_SECTIONS})|(?P<tens>{_TENS})"
)
_DECIMAL_RE = re.compile(rf"([^{_POINT_RE}]+){_POINT_RE}((?:{_POINT_DIGITS}|\d)+)({_MAGNITUDE}*)")


@lru_cache(maxsize=4096)
def read_number(text: str) -> float | None:
    """The whole string as a number, or None (cached: the same numerals, 1, 10, 两, 三 …,
    are read again and again).

    ``"17.41"``→17.41, ``"２，４８０"``→2480, ``"二十六"``→26, ``"一点五亿"``→1.5e8,
    ``"四千三百万"``→4.3e7, ``"两"``→2, ``"廿"``→20, ``"1.3万"``→13000, ``"千亿"``→1e11.
    Malformed numerals such as ``十五五`` (a plan's name, not a number) give None.
    """
    s = normalize(text).strip()
    if not s:
        return None
    if s == _HALF:
        return 0.5
    if _POINT in s:
        m = _DECIMAL_RE.fullmatch(s)
        if not m:
            return None
        whole = read_number(m.group(1))
        frac_digits = "".join(str(CN_DIGIT[c]) if c in CN_DIGIT else c for c in m.group(2))
        if whole is None or not frac_digits.isdigit():
            return None
        factor = read_number("1" + m.group(3)) if m.group(3) else 1.0
        if factor is None:
            return None
        return (whole + float("0." + frac_digits)) * factor
    tokens: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN_RE.finditer(s):
        if m.start() != pos:
            return None
        tokens.append((m.lastgroup or "", m.group()))
        pos = m.end()
    if pos != len(s) or not tokens:
        return None
    if len(tokens) == 1 and tokens[0][0] == "arabic":
        return float(tokens[0][1].replace(",", ""))
    # 二〇二五: digit by digit (years, codes)
    if len(tokens) > 1 and all(kind == "digit" for kind, _ in tokens):
        return float("".join(str(CN_DIGIT[t]) for _, t in tokens))
    return _positional(tokens)


def _positional(tokens: list[tuple[str, str]]) -> float | None:
    total = 0.0
    section = 0.0
    current: float | None = None
    last_small = 10**9
    previous = ""
    for kind, tok in tokens:
        if kind in ("arabic", "digit"):
            if tok in ("零", "〇"):
                previous = "zero"
                continue
            if previous == "num":
                return None  # 十五五, 三一: two digits with no place between
            current = float(tok.replace(",", "")) if kind == "arabic" else float(CN_DIGIT[tok])
            previous = "num"
        elif kind == "small":
            unit = CN_SMALL[tok]
            if unit >= last_small or (current is None and section):
                return None
            section += (1.0 if current is None else current) * unit
            current, last_small, previous = None, unit, "unit"
        elif kind == "tens":
            if previous == "num" or last_small <= 10:
                return None
            section += CN_TENS[tok]
            current, last_small, previous = None, 10, "unit"
        else:  # big
            value = section + (current or 0.0)
            if tok == _TOP_SECTION:  # 亿 multiplies all before it: 三万亿, 一亿三千万
                base = total + value
                total = (base if base else 1.0) * CN_BIG[tok]
            else:  # 万 multiplies its own section
                if value == 0:
                    if total:
                        return None
                    value = 1.0
                total += value * CN_BIG[tok]
            section, current, last_small, previous = 0.0, None, 10**9, "unit"
    return total + section + (current or 0.0)


# --------------------------------------------------------------------------- grammar

# Bound words by position (rules/numbers.yaml, bound_words). Those before the number change
# the bound and belong to the surface; emphasis (达, 高达, 多达) stays outside the surface.
_BOUND_WORDS: list[dict[str, Any]] = RULES["bound_words"]
_PRE_BOUND: dict[str, str] = {}
_MID_BOUND: dict[str, str] = {}
_POST_BOUND: dict[str, str] = {}
_BY_POSITION = {"before": _PRE_BOUND, "middle": _MID_BOUND, "after": _POST_BOUND}
for _word in _BOUND_WORDS:
    _table = _BY_POSITION[_word["position"]]
    if _word["word"] in _table:
        raise ValueError(f"{RULES_PATH.name}: bound word {_word['word']} defined twice")
    _table[_word["word"]] = _word["bound"]
# 内 and the like: the units a post word may bound (elsewhere it is not read)
_POST_UNITS: dict[str, frozenset[str]] = {
    w["word"]: frozenset(w["units"]) for w in _BOUND_WORDS if w.get("units")
}


def _bound_alternation(position: str, percent_word: bool = False) -> str:
    """The bound words of one position, longest first, each with its context conditions."""
    words = [
        w
        for w in _BOUND_WORDS
        if w["position"] == position and (not percent_word or w.get("percent_word"))
    ]
    parts = []
    for w in sorted(words, key=lambda w: len(w["word"]), reverse=True):
        part = re.escape(w["word"])
        if w.get("not_after"):
            part = f"(?<![{w['not_after']}])" + part
        if w.get("not_before"):
            part += f"(?![{w['not_before']}])"
        parts.append(part)
    return "|".join(parts)


_PRE = rf"(?P<pre>{_bound_alternation('before')})?"
_MID_WORDS = [w["word"] for w in _BOUND_WORDS if w["position"] == "middle"]
_MID_CHARS = "".join(_MID_WORDS)  # one character each (_AFTER_MID): 余, 多, 来
_AFTER_MID = (
    f"(?<={_class(''.join(_MID_WORDS))})"
    if all(len(w) == 1 for w in _MID_WORDS)
    else "(?:" + "|".join(f"(?<={re.escape(w)})" for w in _MID_WORDS) + ")"
)
_MID = (
    rf"(?P<mid>{_longest_first(_MID_WORDS)})?"
    rf"(?P<mult>{_AFTER_MID}(?:{_longest_first(RULES['multipliers_after_middle'])}))?"
)
_POST = rf"(?P<post>{_bound_alternation('after')})?"
_PERCENT_POST = rf"(?P<post>{_bound_alternation('after', percent_word=True)})?"

_NUM_CORE = (
    rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?{_MAGNITUDE}{{0,3}}"
    rf"|{_NUMERAL}+(?:{_POINT_RE}{_POINT_DIGITS}+{_MAGNITUDE}{{0,3}})?)"
)
_HALF_BEFORE = "|".join(_NUMERALS["half_before"])
_NUM = rf"(?:(?:{_NUM_CORE}个)?{_HALF}(?={_HALF_BEFORE})|{_NUM_CORE})"
# A number may not start inside another number, a Latin name (S27, G6) or after 第/数/几.
_NUM_GUARD = (
    rf"(?<![{RULES['number_guard']['not_after']}{CN_NUMBER_CHARS}])(?<!\d[.,])"
    rf"(?:(?<![{RULES['number_guard']['not_before_numerals']}])|(?=\d))"
)

# unit surface → (unit code, factor to base). Order inside the regex: longest first.
UNIT_FACTORS: dict[str, tuple[str, float]] = {
    u["surface"]: (u["unit"], _factor(u.get("factor", 1))) for u in RULES["units"]
}

# Counters: what follows the counter when the character is part of a word instead.
# Compound counters (``X次``: trips, visits, sorties counted per occurrence; ``台套``: sets
# of equipment) are read first, as the longest surface: 1.2万辆次, not 1.2万辆 + 次.
COUNTERS: dict[str, str] = {str(k): v or "" for k, v in RULES["counters"].items()}
for _counter in COUNTERS:
    UNIT_FACTORS[_counter] = ("count", 1)

# Extra conditions on some unit surfaces (what may or must follow them).
_UNIT_LOOKAHEAD: dict[str, str] = {}
for _unit in RULES["units"]:
    if _unit.get("only_before"):
        _UNIT_LOOKAHEAD[_unit["surface"]] = f"(?={_longest_first(_unit['only_before'])})"
    elif _unit.get("not_before"):
        _UNIT_LOOKAHEAD[_unit["surface"]] = f"(?![{_unit['not_before']}])"
for _counter, _forbidden in COUNTERS.items():
    if _forbidden:
        _UNIT_LOOKAHEAD[_counter] = f"(?![{_forbidden}])"

_MINUTE_NUMERALS = "".join(
    [*(c for c, v in CN_DIGIT.items() if v), *(c for c, v in CN_SMALL.items() if v == 10)]
)
_MINUTES = rf"(?P<minutes>\d+|{_class(_MINUTE_NUMERALS)}+)"
_UNIT_ALTERNATIVES = []
for _surface in sorted(UNIT_FACTORS, key=len, reverse=True):
    if _surface == "个小时":
        continue  # read as 个 + 小时 so that minutes may follow: 3个小时30分钟
    _alt = re.escape(_surface) + _UNIT_LOOKAHEAD.get(_surface, "")
    if _surface == "小时":
        _alt += rf"(?:零?{_MINUTES}分钟?)?"
    _UNIT_ALTERNATIVES.append(_alt)
# 3个小时, and a middle bound word after the 个: 4个多小时 (at least 4 hours)
_UNIT = (
    rf"(?P<unit>(?:个(?P<mid_hour>{_longest_first(_MID_WORDS)})?(?=小时))?(?:"
    + "|".join(_UNIT_ALTERNATIVES)
    + "))"
)

_SEP = (
    rf"(?P<sep>[{re.escape(RULES['range_dashes'])}]{{1,2}}"
    rf"|{_longest_first(RULES['range_words'])})"
)
_SPEED = (
    rf"(?P<speed>{re.escape(RULES['speed_word'])}"
    rf"(?:{_longest_first(RULES['speed_verbs'])})?)?"
)

FIGURE_RE = re.compile(
    _PRE
    + _SPEED
    + _NUM_GUARD
    + rf"(?P<n1>{_NUM})"
    + rf"(?:(?P<pct1>%)?{_SEP}(?P<n2>{_NUM}))?"
    + _MID
    + _UNIT
    + _POST
)

# 百分之七十; a fraction 五分之一, 三分之二 (the denominator's digits: `den`) is a share too
PERCENT_WORD_RE = re.compile(
    _PRE
    + r"(?:百|(?P<den>[一二两三四五六七八九十千万]{1,3}))分之(?P<n1>"
    + _NUM_CORE
    + r")"
    + _PERCENT_POST
)

# Figures printed without digits (rules/numbers.yaml, word_figures): a doubling (翻了一番,
# 翻两番, 翻番) and a half (近一半, 占一半, 一半以上). `n1` is the whole word.
_DOUBLING = RULES["word_figures"]["doubling"]
_HALF_WORD = RULES["word_figures"]["half"]
_HALF_AFTER_RE = re.compile(
    rf"(?:{_longest_first(_HALF_WORD['after'])}){re.escape(_HALF_WORD['optional_between'])}?$"
)
WORD_FIGURE_RE = re.compile(
    _PRE
    + rf"(?P<n1>{re.escape(_DOUBLING['word'])}{re.escape(_DOUBLING['optional_between'])}?"
    + rf"(?P<times>{_DIGITS}){re.escape(_DOUBLING['times_word'])}"
    + rf"|{re.escape(_DOUBLING['alone'])}|{re.escape(_HALF_WORD['word'])})"
    + _PERCENT_POST
)

# 三四百, 七八千, 十七八: two neighbouring digits (rules/numbers.yaml, approximate_pairs)
_APPROXIMATE_PAIR_RE = re.compile(
    rf"(?<!{_DIGITS})(?P<pair>{_longest_first(RULES['approximate_pairs'])})(?!{_DIGITS})"
)

_EMPHASIS_RE = re.compile(rf"^(?:{_longest_first(RULES['emphasis_words'])})")


@dataclass(frozen=True)
class Quantity:
    value: float  # in the unit's base (contract table)
    unit: str  # CNY USD pct pp km km_per_hour hour day tonne kW kWh TEU mu count
    bound: str  # exact | at_least | at_most | approx
    upper: float | None = None  # for ranges: 3—5天 → value 3, upper 5


@dataclass(frozen=True)
class Reading:
    """A quantity read from a FIGURE_RE match, with where its surface starts and ends."""

    quantity: Quantity
    start: int  # surface start (qualifiers that change the bound included)
    end: int
    number_start: int
    number: str  # the first number as printed (without qualifiers)
    unit_surface: str


def _approximate(token: str) -> float | None:
    """三四百 → 350: the middle of the two readings (三百, 四百) of a pair of neighbouring
    digits; None when the token holds no such pair or does not read either way."""
    m = _APPROXIMATE_PAIR_RE.search(token)
    if not m:
        return None
    low, high = (
        read_number(token[: m.start()] + digit + token[m.end() :]) for digit in m.group("pair")
    )
    if low is None or high is None or not low < high:
        return None
    return (low + high) / 2


def _interpret_word(m: re.Match[str]) -> Reading | None:
    """A WORD_FIGURE_RE match: a doubling's growth or a half's 50 %."""
    groups = m.groupdict()
    word = groups["n1"]
    pre, post = groups.get("pre"), groups.get("post")
    if word == _HALF_WORD["word"]:
        if not (pre or post or _HALF_AFTER_RE.search(m.string, max(0, m.start() - 4), m.start())):
            return None  # 一半时间, 另一半: not a share nor a change
        value = 50.0
    else:
        times = read_number(groups["times"]) if groups.get("times") else 1.0
        if not times:
            return None
        value = (2**times - 1) * 100
    bound = _PRE_BOUND.get(pre or "") or _POST_BOUND.get(post or "") or "exact"
    return Reading(Quantity(value, "pct", bound), m.start(), m.end(), m.start("n1"), word, word)


def _read_num(token: str) -> float | None:
    """A number group of the grammar (handles 半 and 一个半)."""
    if token.endswith("半"):
        head = token[:-1]
        if not head:
            return 0.5
        whole = read_number(head[:-1]) if head.endswith("个") else None
        return None if whole is None else whole + 0.5
    return read_number(token)


_MAGNITUDE_END_RE = re.compile(rf"{_MAGNITUDE}+$")


def _magnitude(token: str) -> float:
    """The multiplier a number ends with: 5万 → 1e4, 3 → 1."""
    m = _MAGNITUDE_END_RE.search(token)
    if not m or m.start() == 0:
        return 1.0
    return read_number("1" + m.group()) or 1.0


def interpret(m: re.Match[str]) -> Reading | None:
    """Turn a FIGURE_RE / PERCENT_WORD_RE / WORD_FIGURE_RE match into a Reading, or None
    when malformed."""
    groups = m.groupdict()
    if "times" in groups:
        return _interpret_word(m)
    n1 = groups["n1"]
    approximate = False
    if n1[0].isdigit():
        value = _read_num(n1)
    else:
        # 三四百, 一两 (which read_number reads digit by digit, as 12): about, in words
        value = None if groups.get("n2") else _approximate(n1)
        approximate = value is not None
        if not approximate:
            if len(n1) > 1 and all(c in CN_DIGIT for c in n1):
                return None  # 三五天, 一二三家: digits one by one are a code or a year
            value = _read_num(n1)
    if value is None:
        return None
    unit_surface = groups.get("unit") or "%"
    if groups.get("den"):  # 五分之一: the fraction as a percentage
        denominator = read_number(groups["den"])
        if not denominator or value >= denominator:
            return None
        value = value * 100 / denominator
    minutes = groups.get("minutes")
    base_surface = unit_surface
    mid = groups.get("mid") or groups.get("mid_hour")
    if unit_surface.lstrip("个").lstrip(_MID_CHARS).startswith("小时"):
        base_surface = "小时"
    unit, factor = UNIT_FACTORS.get(base_surface, (None, 1.0))
    if unit is None:
        return None
    mult = groups.get("mult")
    if mult:
        if not mid:
            return None
        value *= read_number("1" + mult) or 1.0
    upper = None
    if groups.get("n2"):
        upper = _read_num(groups["n2"])
        if upper is None:
            return None
        if mult:
            upper *= read_number("1" + mult) or 1.0
        # 3—5万元: the multiplier printed once applies to both ends
        if _magnitude(n1) == 1.0 and _magnitude(groups["n2"]) > 1.0:
            value *= _magnitude(groups["n2"])
        if upper <= value:
            return None
    if unit_surface == "成" and (value > 10 or _magnitude(n1) != 1.0):
        return None
    if minutes:
        extra = read_number(minutes)
        if extra is None or extra >= 60:
            return None
        value += extra / 60
    if groups.get("speed"):
        if unit != "km":
            return None
        unit = "km_per_hour"
    value = tidy(value * factor)
    if upper is not None:
        upper = tidy(upper * factor)

    end = m.end()
    post = groups.get("post")
    # 内 bounds durations and distances (2天内, 50公里内); 以内/之内 bound any quantity
    # (控制在5.5%以内, 500万元以内)
    if post in _POST_UNITS and unit not in _POST_UNITS[post]:
        end = m.end("post") - len(post)
        post = None
    if unit_surface == "日" and not post:
        return None
    bound = "approx" if approximate else "exact"
    pre = groups.get("pre")
    for candidate in (
        _PRE_BOUND.get(pre or ""),
        _MID_BOUND.get(mid or ""),
        _POST_BOUND.get(post or ""),
    ):
        if candidate:
            bound = candidate
            break
    start = m.start()
    return Reading(
        Quantity(value, unit, bound, upper),
        start,
        end,
        m.start("n1"),
        n1,
        unit_surface,
    )


def tidy(value: float) -> float:
    """``value`` without the binary noise of its arithmetic: 18.6 × 10⁸ is 1860000000, not
    1860000000.0000002 (12 significant digits; no printed figure has more)."""
    if value.is_integer():
        return value  # most figures: nothing to tidy (and the cheap case)
    return float(f"{value:.12g}")


def read_quantity(quote: str) -> Quantity | None:
    """Read a standalone figure as printed: ``超1亿美元``, ``260余家``, ``70%以上``, ``2天内``.

    Leading emphasis that does not bound the figure (达, 高达) is accepted and ignored.
    Returns None when the whole quote is not one figure.
    """
    text = normalize(quote).strip()
    text = _EMPHASIS_RE.sub("", text)
    for regex in (FIGURE_RE, PERCENT_WORD_RE, WORD_FIGURE_RE):
        m = regex.fullmatch(text)
        if m:
            reading = interpret(m)
            if reading and reading.end == len(text):
                return reading.quantity
    return None
