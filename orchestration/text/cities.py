"""The twelve leagues and cities of Inner Mongolia: the contract's city codes.

Their names, aliases and county-level places live in the gazetteer
(``rules/places.csv``, read by :mod:`orchestration.text.places`); this module keeps the
contract's view of the twelve (code, printed name, kind, seat) and the city lines of the
seed's layout (``包头``, ``锡林郭勒盟``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from orchestration.text.places import gazetteer
from orchestration.text.script import BULLETS


@dataclass(frozen=True)
class City:
    code: str
    name: str  # the name as the contract prints it
    kind: str  # "city" (市) or "league" (盟)
    seat: str  # seat of government

    @cached_property
    def aliases(self) -> tuple[str, ...]:
        """Other names of the city and the names of its county-level places (gazetteer)."""
        places = gazetteer()
        names = list(places[self.code].aliases)
        for place in places.values():
            if place.parent_code == self.code:
                names += [place.name, *place.aliases]
        return tuple(dict.fromkeys(names))


CITIES: tuple[City, ...] = (
    City("hohhot", "呼和浩特", "city", "新城区"),
    City("baotou", "包头", "city", "九原区"),
    City("wuhai", "乌海", "city", "海勃湾区"),
    City("chifeng", "赤峰", "city", "松山区"),
    City("tongliao", "通辽", "city", "科尔沁区"),
    City("ordos", "鄂尔多斯", "city", "康巴什区"),
    City("hulunbuir", "呼伦贝尔", "city", "海拉尔区"),
    City("bayannur", "巴彦淖尔", "city", "临河区"),
    City("ulanqab", "乌兰察布", "city", "集宁区"),
    City("hinggan", "兴安盟", "league", "乌兰浩特市"),
    City("xilingol", "锡林郭勒盟", "league", "锡林浩特市"),
    City("alxa", "阿拉善盟", "league", "巴彦浩特镇"),
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


# what may stand before a city line's name: a list's number or bullet (02 包头市, ① 通辽市,
# （三）赤峰市, ▶ 乌海市), or brackets around it (【鄂尔多斯】)
_LIST_MARK_RE = re.compile(
    r"(?:\d{1,2}[ \t\u3000.．、)）]+|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、"
    rf"|[①-⑳]|[{BULLETS}])[ \t\u3000]*"
)


def city_for_section_line(line: str) -> str | None:
    """The city code when ``line`` is a city line such as ``包头``, ``锡林郭勒盟``, ``02 包头市``
    or ``【鄂尔多斯】``."""
    text = line.strip()
    mark = _LIST_MARK_RE.match(text)
    if mark:
        text = text[mark.end() :]
    if text[:1] in "【[" and text[-1:] in "】]":
        text = text[1:-1].strip()
    return _SECTION_NAME_TO_CODE.get(text)
