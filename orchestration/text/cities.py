"""The twelve leagues and cities of Inner Mongolia, and the place names that point at them.

The aliases are geographic facts (banners, counties, districts, port cities), used to
attribute a figure to a city when an article has no city sections, or when a sentence
names another city than its section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    code: str
    name: str  # the name as the contract prints it
    kind: str  # "city" (市) or "league" (盟)
    seat: str  # seat of government
    aliases: tuple[str, ...]  # other names and places inside it, longest first is not required


CITIES: tuple[City, ...] = (
    City(
        "hohhot",
        "呼和浩特",
        "city",
        "新城区",
        (
            "呼市",
            "首府",
            "和林格尔",
            "托克托",
            "土默特左旗",
            "武川",
            "清水河",
            "赛罕区",
            "玉泉区",
            "回民区",
        ),
    ),
    City(
        "baotou",
        "包头",
        "city",
        "九原区",
        (
            "鹿城",
            "稀土高新区",
            "昆都仑",
            "青山区",
            "东河区",
            "石拐",
            "白云鄂博",
            "土默特右旗",
            "固阳",
            "达尔罕茂明安联合旗",
            "达茂旗",
        ),
    ),
    City("wuhai", "乌海", "city", "海勃湾区", ("海勃湾", "乌达", "海南区")),
    City(
        "chifeng",
        "赤峰",
        "city",
        "松山区",
        (
            "红山区",
            "元宝山",
            "松山区",
            "宁城",
            "林西",
            "克什克腾",
            "翁牛特",
            "喀喇沁",
            "敖汉",
            "巴林左旗",
            "巴林右旗",
            "阿鲁科尔沁",
            "玉龙机场",
        ),
    ),
    City(
        "tongliao",
        "通辽",
        "city",
        "科尔沁区",
        ("霍林郭勒", "开鲁", "库伦旗", "奈曼", "扎鲁特", "科左中旗", "科左后旗", "科尔沁区"),
    ),
    City(
        "ordos",
        "鄂尔多斯",
        "city",
        "康巴什区",
        ("东胜", "康巴什", "达拉特", "准格尔", "鄂托克", "杭锦旗", "乌审", "伊金霍洛", "暖城"),
    ),
    City(
        "hulunbuir",
        "呼伦贝尔",
        "city",
        "海拉尔区",
        (
            "海拉尔",
            "满洲里",
            "扎兰屯",
            "牙克石",
            "根河",
            "额尔古纳",
            "阿荣旗",
            "莫力达瓦",
            "鄂伦春",
            "鄂温克",
            "陈巴尔虎",
            "新巴尔虎",
            "扎赉诺尔",
        ),
    ),
    City(
        "bayannur",
        "巴彦淖尔",
        "city",
        "临河区",
        ("临河", "五原", "磴口", "乌拉特", "杭锦后旗", "甘其毛都", "河套"),
    ),
    City(
        "ulanqab",
        "乌兰察布",
        "city",
        "集宁区",
        (
            "集宁",
            "丰镇",
            "卓资",
            "化德",
            "商都",
            "兴和",
            "凉城",
            "察右前旗",
            "察右中旗",
            "察右后旗",
            "四子王旗",
            "察哈尔右翼",
        ),
    ),
    City(
        "hinggan",
        "兴安盟",
        "league",
        "乌兰浩特市",
        ("兴安", "乌兰浩特", "阿尔山", "科右前旗", "科右中旗", "扎赉特", "突泉"),
    ),
    City(
        "xilingol",
        "锡林郭勒盟",
        "league",
        "锡林浩特市",
        (
            "锡林郭勒",
            "锡盟",
            "锡林浩特",
            "二连浩特",
            "二连",
            "多伦",
            "阿巴嘎",
            "苏尼特",
            "东乌珠穆沁",
            "西乌珠穆沁",
            "太仆寺",
            "镶黄旗",
            "正镶白旗",
            "正蓝旗",
            "珠恩嘎达布其",
        ),
    ),
    City(
        "alxa",
        "阿拉善盟",
        "league",
        "巴彦浩特镇",
        ("阿拉善", "额济纳", "巴彦浩特", "策克", "阿左旗", "阿右旗"),
    ),
)

CITY_BY_CODE: dict[str, City] = {c.code: c for c in CITIES}
CITY_CODES: frozenset[str] = frozenset(CITY_BY_CODE)


def _section_names(city: City) -> set[str]:
    """Names that may stand alone on a city line: 包头, 包头市, 兴安盟, 兴安."""
    base = city.name[:-1] if city.kind == "league" else city.name
    return {city.name, base, base + "市", base + "盟"}


_SECTION_NAME_TO_CODE: dict[str, str] = {
    name: city.code for city in CITIES for name in _section_names(city)
}

# Every name → code, longest first so that 锡林郭勒盟 wins over 锡林郭勒 and 兴安盟 over 兴安.
_MENTION_TO_CODE: dict[str, str] = {}
for _city in CITIES:
    for _name in (*_section_names(_city), *_city.aliases):
        _MENTION_TO_CODE.setdefault(_name, _city.code)
_MENTION_RE = re.compile("|".join(sorted(map(re.escape, _MENTION_TO_CODE), key=len, reverse=True)))


def city_for_section_line(line: str) -> str | None:
    """The city code when ``line`` is a city line such as ``包头`` or ``锡林郭勒盟``."""
    return _SECTION_NAME_TO_CODE.get(line.strip())


def city_mentions(text: str) -> list[tuple[int, int, str]]:
    """Every place name in ``text`` that belongs to one of the twelve, as (start, end, code)."""
    return [(m.start(), m.end(), _MENTION_TO_CODE[m.group()]) for m in _MENTION_RE.finditer(text)]
