"""The number reader: numbers and quantities as Chinese newspapers print them.

Pure functions, no I/O. Two entry points:

* :func:`read_number` reads a whole string as a number: Arabic or full-width digits,
  decimals, thousands separators, Chinese numerals (零〇一二两三…十百千万亿廿卅),
  ``点`` decimals and mixtures (``1.3万``, ``千亿``, ``一点五亿``, ``3千万``).
* :func:`read_quantity` reads a figure as printed, with its unit and the qualifiers that
  bound it (``超1亿美元``, ``260余家``, ``70%以上``, ``2天内``, ``近3成``,
  ``3小时30分钟``, ``时速350公里``, ``3—5天``), and converts it to the base of the
  contract's unit table.

The figure grammar (:data:`FIGURE_RE`) is shared with the extractor, which adds the
context rules (dates, ordinals, names, slogans …) that decide whether a match is a figure.
Full-width characters are folded one-to-one by :func:`normalize`, so offsets found in the
normalized text are offsets in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One-to-one folding (same length) of full-width digits and number punctuation.
_FOLD = str.maketrans("０１２３４５６７８９．，％～－／", "0123456789.,%~-/")


def normalize(text: str) -> str:
    """Fold full-width digits, ．，％～－／ to ASCII; the result has the same length."""
    return text.translate(_FOLD)


CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_TENS = {"廿": 20, "卅": 30}
CN_NUMBER_CHARS = "".join([*CN_DIGIT, *CN_SMALL, *CN_BIG, *CN_TENS])
MAGNITUDE_CHARS = "十百千万亿"

_TOKEN_RE = re.compile(
    r"(?P<arabic>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<digit>[零〇一二两三四五六七八九])"
    r"|(?P<small>[十百千])|(?P<big>[万亿])|(?P<tens>[廿卅])"
)
_DECIMAL_RE = re.compile(r"([^点]+)点([零〇一二三四五六七八九\d]+)([十百千万亿]*)")


def read_number(text: str) -> float | None:
    """The whole string as a number, or None.

    ``"17.41"``→17.41, ``"２，４８０"``→2480, ``"二十六"``→26, ``"一点五亿"``→1.5e8,
    ``"四千三百万"``→4.3e7, ``"两"``→2, ``"廿"``→20, ``"1.3万"``→13000, ``"千亿"``→1e11.
    Malformed numerals such as ``十五五`` (a plan's name, not a number) give None.
    """
    s = normalize(text).strip()
    if not s:
        return None
    if s == "半":
        return 0.5
    if "点" in s:
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
            if tok == "亿":
                base = total + value
                total = (base if base else 1.0) * CN_BIG["亿"]
            else:
                if value == 0:
                    if total:
                        return None
                    value = 1.0
                total += value * CN_BIG["万"]
            section, current, last_small, previous = 0.0, None, 10**9, "unit"
    return total + section + (current or 0.0)


# --------------------------------------------------------------------------- grammar

# Leading qualifiers. Those in _PRE_BOUND change the bound and belong to the surface;
# 达/高达/多达 only emphasise and stay outside the surface.
_PRE_BOUND = {
    "超过": "at_least",
    "超": "at_least",
    "突破": "at_least",
    "逾": "at_least",
    "至少": "at_least",
    "不少于": "at_least",
    "最高": "at_most",
    "最多": "at_most",
    "不超过": "at_most",
    "不足": "at_most",
    "不到": "at_most",
    "约": "approx",
    "大约": "approx",
    "近": "approx",
    "将近": "approx",
    "接近": "approx",
}
_MID_BOUND = {"余": "at_least", "多": "at_least", "来": "approx"}
_POST_BOUND = {
    "以上": "at_least",
    "以下": "at_most",
    "以内": "at_most",
    "之内": "at_most",
    "内": "at_most",
    "左右": "approx",
    "上下": "approx",
}

_PRE = (
    r"(?P<pre>不超过|不少于|超过|突破|将近|接近|大约|最高|最多|不足|不到|至少"
    r"|(?<![赶高])超|逾|(?<![附最临邻靠亲贴就远接将])近"
    r"|(?<![签合预节制公条履违特集邀婚践毁守])约)?"
)
_NUM_CORE = (
    r"(?:(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?[十百千万亿]{0,3}"
    r"|[零〇一二两三四五六七八九十百千万亿廿卅]+(?:点[零〇一二三四五六七八九]+[十百千万亿]{0,3})?)"
)
_NUM = rf"(?:(?:{_NUM_CORE}个)?半(?=个?小时|个?钟头|天)|{_NUM_CORE})"
# A number may not start inside another number, a Latin name (S27, G6) or after 第/数/几.
_NUM_GUARD = r"(?<![\dA-Za-z第数几零〇一二两三四五六七八九十百千万亿廿卅])(?<!\d[.,])"

# unit surface → (unit code, factor to base). Order inside the regex: longest first.
UNIT_FACTORS: dict[str, tuple[str, float]] = {
    "元人民币": ("CNY", 1),
    "人民币": ("CNY", 1),
    "元": ("CNY", 1),
    "美元": ("USD", 1),
    "美金": ("USD", 1),
    "%": ("pct", 1),
    "成": ("pct", 10),
    "个百分点": ("pp", 1),
    "百分点": ("pp", 1),
    "公里/小时": ("km_per_hour", 1),
    "公里每小时": ("km_per_hour", 1),
    "千米/小时": ("km_per_hour", 1),
    "km/h": ("km_per_hour", 1),
    "公里": ("km", 1),
    "千米": ("km", 1),
    "km": ("km", 1),
    "个小时": ("hour", 1),
    "小时": ("hour", 1),
    "个钟头": ("hour", 1),
    "钟头": ("hour", 1),
    "分钟": ("hour", 1 / 60),
    "个工作日": ("day", 1),
    "工作日": ("day", 1),
    "天": ("day", 1),
    "日": ("day", 1),
    "吨": ("tonne", 1),
    "公斤": ("tonne", 0.001),
    "千克": ("tonne", 0.001),
    "千瓦时": ("kWh", 1),
    "兆瓦时": ("kWh", 1000),
    "度": ("kWh", 1),
    "kWh": ("kWh", 1),
    "千瓦": ("kW", 1),
    "兆瓦": ("kW", 1000),
    "吉瓦": ("kW", 1_000_000),
    "标准箱": ("TEU", 1),
    "标箱": ("TEU", 1),
    "TEU": ("TEU", 1),
    "亩": ("mu", 1),
}

# Counters: what follows the counter when the character is part of a word instead.
# Compound counters (``X次``: trips, visits, sorties counted per occurrence; ``台套``: sets
# of equipment) come first so that the longest surface is read: 1.2万辆次, not 1.2万辆 + 次.
COUNTERS: dict[str, str] = {
    "人次": "",
    "车次": "",
    "辆次": "",
    "架次": "",
    "艘次": "",
    "列次": "",
    "航次": "",
    "班次": "",
    "趟次": "",
    "批次": "",
    "台次": "",
    "场次": "",
    "户次": "",
    "家次": "",
    "项次": "",
    "台套": "",
    "头只": "",  # livestock: heads of cattle and sheep together
    "个": "月季年星礼体性",
    "项": "",
    "家": "庭乡",
    "名": "单称义片牌",
    "人": "民工大造",
    "户": "籍外口型",
    "座": "谈",
    "对": "接于外口比话标象应照",
    "列": "入为出席举",
    "件": "",
    "场": "景所馆",
    "村": "民委级庄落",
    "条": "件例约款",
    "所": "有在属得以谓",
    "批": "准复发示",
    "台": "湾阶",
    "辆": "",
    "架": "构设",
    "次": "年日要序",
    "套": "",
    "种": "植子薯苗养粮田类",
    "位": "于置",
    "支": "持付出撑",
    "栋": "",
    "间": "",
    "处": "理于在",
    "款": "项",
    "趟": "",
    "艘": "",
    "只": "是有要能",
    "头": "部条雁",
    "株": "",
    "棵": "",
    "本": "地报次土身科届年月",
    "张": "家力",
    "份": "额",
    "类": "",
    "组": "织建成合",
    "枚": "",
    "颗": "",
    "宗": "旨教",
    "笔": "",
    "例": "如",
    "床": "",
    "幅": "度",
    "部": "门署分长",
    "单": "位独一元品据个车项程方边",
    "匹": "配",
    "羽": "毛绒球",
}
for _counter in COUNTERS:
    UNIT_FACTORS[_counter] = ("count", 1)

# Extra conditions on some unit surfaces (what may not follow them).
_UNIT_LOOKAHEAD = {
    "日": "(?=内|以内|之内)",  # 日 alone is a date (7月1日); a duration only as 3日内
    "成": "(?![员为立功本交果型长效都品绩熟就了片批套规色分])",
    "度": "(?![假过数])",
    "千瓦": "(?!时)",
    "兆瓦": "(?!时)",
    "km": "(?![/A-Za-z])",
    "元": "(?!素|旦|年|首|宵|老|器|件|宝)",
}
for _counter, _forbidden in COUNTERS.items():
    if _forbidden:
        _UNIT_LOOKAHEAD[_counter] = f"(?![{_forbidden}])"

_MINUTES = r"(?P<minutes>\d+|[一二两三四五六七八九十]+)"
_UNIT_ALTERNATIVES = []
for _surface in sorted(UNIT_FACTORS, key=len, reverse=True):
    if _surface == "个小时":
        continue  # read as 个 + 小时 so that minutes may follow: 3个小时30分钟
    _alt = re.escape(_surface) + _UNIT_LOOKAHEAD.get(_surface, "")
    if _surface == "小时":
        _alt += rf"(?:零?{_MINUTES}分钟?)?"
    _UNIT_ALTERNATIVES.append(_alt)
_UNIT = "(?P<unit>(?:个(?=小时))?(?:" + "|".join(_UNIT_ALTERNATIVES) + "))"

_POST = r"(?P<post>以上|以下|左右|上下|以内|之内|内(?![蒙容部外需贸地河陆涵销资]))?"
_SEP = r"(?P<sep>[—–~-]{1,2}|至|到)"

FIGURE_RE = re.compile(
    _PRE
    + r"(?P<speed>时速(?:达到|达|为|约|可达)?)?"
    + _NUM_GUARD
    + rf"(?P<n1>{_NUM})"
    + rf"(?:(?P<pct1>%)?{_SEP}(?P<n2>{_NUM}))?"
    + r"(?P<mid>余|多|来)?(?P<mult>(?<=[余多来])(?:千万|百万|[十百千万亿]))?"
    + _UNIT
    + _POST
)

PERCENT_WORD_RE = re.compile(
    _PRE + r"百分之(?P<n1>" + _NUM_CORE + r")" + r"(?P<post>以上|以下|左右)?"
)

_TIME_UNITS = {"hour", "day", "km"}


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


def _read_num(token: str) -> float | None:
    """A number group of the grammar (handles 半 and 一个半)."""
    if token.endswith("半"):
        head = token[:-1]
        if not head:
            return 0.5
        whole = read_number(head[:-1]) if head.endswith("个") else None
        return None if whole is None else whole + 0.5
    return read_number(token)


def _magnitude(token: str) -> float:
    """The multiplier a number ends with: 5万 → 1e4, 3 → 1."""
    m = re.search(r"[十百千万亿]+$", token)
    if not m or re.fullmatch(r"[十百千万亿]+", token):
        return 1.0
    return read_number("1" + m.group()) or 1.0


def interpret(m: re.Match[str]) -> Reading | None:
    """Turn a FIGURE_RE / PERCENT_WORD_RE match into a Reading, or None when malformed."""
    groups = m.groupdict()
    n1 = groups["n1"]
    value = _read_num(n1)
    if value is None:
        return None
    unit_surface = groups.get("unit") or "%"
    minutes = groups.get("minutes")
    base_surface = unit_surface
    if unit_surface.lstrip("个").startswith("小时"):
        base_surface = "小时"
    unit, factor = UNIT_FACTORS.get(base_surface, (None, 1.0))
    if unit is None:
        return None
    mult = groups.get("mult")
    if mult:
        if not groups.get("mid"):
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
    value *= factor
    if upper is not None:
        upper *= factor

    end = m.end()
    post = groups.get("post")
    # 内 bounds durations and distances (2天内, 50公里内); 以内/之内 bound any quantity
    # (控制在5.5%以内, 500万元以内)
    if post == "内" and unit not in _TIME_UNITS:
        end = m.end("post") - len(post)
        post = None
    if unit_surface == "日" and not post:
        return None
    bound = "exact"
    pre = groups.get("pre")
    for candidate in (
        _PRE_BOUND.get(pre or ""),
        _MID_BOUND.get(groups.get("mid") or ""),
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


def read_quantity(quote: str) -> Quantity | None:
    """Read a standalone figure as printed: ``超1亿美元``, ``260余家``, ``70%以上``, ``2天内``.

    Leading emphasis that does not bound the figure (达, 高达) is accepted and ignored.
    Returns None when the whole quote is not one figure.
    """
    text = normalize(quote).strip()
    text = re.sub(r"^(?:高达|多达|达到|达)", "", text)
    for regex in (FIGURE_RE, PERCENT_WORD_RE):
        m = regex.fullmatch(text)
        if m:
            reading = interpret(m)
            if reading and reading.end == len(text):
                return reading.quantity
    return None
