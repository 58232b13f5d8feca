"""Integrity of the gazetteer data (orchestration/text/rules/places.csv, place_filters.csv).

Reads the two files with ``csv`` only, so it checks the data whatever the code reading it does.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parent.parent / "orchestration" / "text" / "rules"

LEVELS = {"region", "city", "county"}
KINDS_BY_LEVEL = {
    "region": {"region"},
    "city": {"city", "league"},
    "county": {
        "district",
        "county_city",
        "county",
        "banner",
        "autonomous_banner",
        "port",
        "zone",
    },
}
DIVISION_KINDS = {"district", "county_city", "county", "banner", "autonomous_banner"}
TWELVE = {
    "hohhot": "呼和浩特市",
    "baotou": "包头市",
    "wuhai": "乌海市",
    "chifeng": "赤峰市",
    "tongliao": "通辽市",
    "ordos": "鄂尔多斯市",
    "hulunbuir": "呼伦贝尔市",
    "bayannur": "巴彦淖尔市",
    "ulanqab": "乌兰察布市",
    "hinggan": "兴安盟",
    "xilingol": "锡林郭勒盟",
    "alxa": "阿拉善盟",
}

# County-level divisions per league/city: Ministry of Civil Affairs, 中华人民共和国行政区划统计表
# (2023; unchanged in Inner Mongolia since 康巴什区 was set up in 2016).
DIVISIONS_PER_CITY = {
    "hohhot": 9,
    "baotou": 9,
    "wuhai": 3,
    "chifeng": 12,
    "tongliao": 8,
    "ordos": 9,
    "hulunbuir": 14,
    "bayannur": 7,
    "ulanqab": 11,
    "hinggan": 6,
    "xilingol": 12,
    "alxa": 3,
}
# Same source: 23 districts, 11 county-level cities, 17 counties, 49 banners, 3 autonomous banners.
DIVISIONS_PER_KIND = {
    "district": 23,
    "county_city": 11,
    "county": 17,
    "banner": 49,
    "autonomous_banner": 3,
}

# Names that may name two places on purpose (word -> the codes it names). None so far.
ALLOWED_SHARED_NAMES: dict[str, set[str]] = {}


def _read(name: str) -> list[dict[str, str]]:
    with (RULES / name).open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


@cache
def places() -> dict[str, dict[str, str]]:
    rows = _read("places.csv")
    codes = [r["place_code"] for r in rows]
    assert len(codes) == len(set(codes)), [c for c, n in Counter(codes).items() if n > 1]
    return {r["place_code"]: r for r in rows}


@cache
def filters() -> list[re.Pattern[str]]:
    return [re.compile(r["pattern"]) for r in _read("place_filters.csv")]


def names_of(row: dict[str, str]) -> set[str]:
    """The name, the aliases and, for a league or city, the name without 市/盟."""
    names = {row["name"], *(a.strip() for a in row["aliases"].split("|") if a.strip())}
    if row["level"] == "city" and row["name"][-1] in "市盟":
        names.add(row["name"][:-1])
    return names


@cache
def meaning() -> dict[str, set[str]]:
    words: dict[str, set[str]] = defaultdict(set)
    for code, row in places().items():
        for name in names_of(row):
            words[name].add(code)
    return dict(words)


def code_of(word: str) -> str:
    codes = meaning()[word]
    assert len(codes) == 1, (word, codes)
    return next(iter(codes))


def mentions(text: str) -> list[str]:
    """Codes named in ``text``: longest name first, names overlapping a filter match dropped."""
    words = sorted(meaning(), key=len, reverse=True)
    blocked = [m.span() for f in filters() for m in f.finditer(text)]
    found = []
    for m in re.finditer("|".join(map(re.escape, words)), text):
        if any(s <= m.start() < e or s < m.end() <= e for s, e in blocked):
            continue
        found.append(code_of(m.group()))
    return found


def test_columns_and_codes():
    raw = (RULES / "places.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    lines = [line for line in raw.decode("utf-8").splitlines() if not line.startswith("#")]
    header = next(csv.reader(lines))
    assert header == [
        "place_code",
        "name",
        "level",
        "kind",
        "parent_code",
        "within_code",
        "aliases",
        "source",
    ]
    for code, row in places().items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code
        assert row["name"] and row["source"], code
    names = [r["name"] for r in places().values()]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]


def test_levels_kinds_and_parents():
    rows = places()
    assert rows["nmg"]["level"] == "region" and rows["nmg"]["parent_code"] == ""
    assert rows["nmg"]["name"] == "内蒙古自治区"
    cities = {c for c, r in rows.items() if r["level"] == "city"}
    assert cities == set(TWELVE)
    for code, name in TWELVE.items():
        assert rows[code]["name"] == name
        assert rows[code]["kind"] == ("league" if name.endswith("盟") else "city")
    for code, row in rows.items():
        assert row["level"] in LEVELS, code
        assert row["kind"] in KINDS_BY_LEVEL[row["level"]], code
        if row["level"] == "city":
            assert row["parent_code"] == "nmg", code
        if row["level"] == "county":
            assert row["parent_code"] in TWELVE, code
        if row["within_code"]:
            assert row["kind"] in {"port", "zone"}, code
            within = rows[row["within_code"]]
            assert within["kind"] in DIVISION_KINDS, code
            assert within["parent_code"] == row["parent_code"], code
        if row["kind"] == "port":
            assert row["name"].endswith("口岸"), code


def test_county_level_division_counts():
    divisions = [r for r in places().values() if r["kind"] in DIVISION_KINDS]
    assert len(divisions) == 103
    assert Counter(r["parent_code"] for r in divisions) == DIVISIONS_PER_CITY
    assert Counter(r["kind"] for r in divisions) == DIVISIONS_PER_KIND
    suffixes = {"district": "区", "county_city": "市", "county": "县", "banner": "旗"}
    for r in divisions:
        want = suffixes.get(r["kind"], "自治旗")
        assert r["name"].endswith(want), r["name"]


def test_no_name_names_two_places():
    shared = {w: codes for w, codes in meaning().items() if len(codes) > 1}
    assert shared == ALLOWED_SHARED_NAMES


def test_aliases_are_clean_and_survive_the_filters():
    for code, row in places().items():
        aliases = [a for a in row["aliases"].split("|") if a]
        assert len(aliases) == len(set(aliases)), code
        for word in names_of(row):
            assert len(word) >= 2 and word == word.strip() and "," not in word, (code, word)
            hits = [f.pattern for f in filters() if f.search(word)]
            assert not hits, (code, word, hits)


def test_filters_compile_and_are_named():
    rows = _read("place_filters.csv")
    assert rows
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    for r in rows:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", r["name"]), r["name"]
        assert r["reason"], r["name"]
        re.compile(r["pattern"])


def test_spot_checks():
    rows = places()
    erlian = code_of("二连")
    assert rows[erlian]["name"] == "二连浩特市" and erlian == code_of("二连浩特市")
    assert code_of("伊克昭盟") == "ordos"
    assert code_of("哲里木盟") == "tongliao"
    ceke = rows[code_of("策克")]
    assert ceke["kind"] == "port" and ceke["parent_code"] == "alxa"
    assert ceke["within_code"] == code_of("额济纳旗")
    manzhouli = rows[code_of("满洲里")]
    assert manzhouli["kind"] == "county_city" and manzhouli["parent_code"] == "hulunbuir"
    assert code_of("满洲里口岸") == manzhouli["place_code"]
    assert rows[code_of("甘其毛都")]["parent_code"] == "bayannur"
    assert rows[code_of("珠恩嘎达布其")]["parent_code"] == "xilingol"
    assert rows[code_of("阿日哈沙特")]["parent_code"] == "hulunbuir"
    assert rows[code_of("满都拉")]["parent_code"] == "baotou"
    assert rows[code_of("达茂旗")]["parent_code"] == "baotou"
    assert rows[code_of("科右前旗")]["parent_code"] == "hinggan"
    assert rows[code_of("稀土高新区")]["parent_code"] == "baotou"
    assert code_of("集宁市") == code_of("集宁区")
    assert code_of("呼市") == code_of("首府") == "hohhot"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("大兴安岭林区", []),
        ("小兴安岭", []),
        ("多伦多大学", []),
        ("多伦县", ["duolun_county"]),
        ("球队取得二连胜", []),
        ("一连、二连官兵", []),
        ("二连浩特口岸", ["erlianhaote"]),
        ("温州市鹿城区", []),
        ("都江堰青城山", []),
        ("乡村振兴安置项目", []),
        ("兴安盟", ["hinggan"]),
        ("广西壮族自治区", []),
        ("内蒙古自治区首府呼和浩特", ["nmg", "hohhot", "hohhot"]),
        ("新疆首府乌鲁木齐", []),
        ("山东胜利油田", []),
        ("东胜区", ["dongsheng_district"]),
        ("万达旗下", []),
        ("达旗下辖", ["dalate_banner"]),
        ("加固阳台", []),
        ("海南区域", []),
        ("乌海市海南区", ["hainan_district"]),
        ("乌海市的海南区", ["wuhai", "hainan_district"]),
        ("西安市新城区", []),
        ("伊克昭盟", ["ordos"]),
    ],
)
def test_filters_in_context(text, codes):
    assert mentions(text) == codes
