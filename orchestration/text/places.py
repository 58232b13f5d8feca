"""Where a figure is: the region, one of the twelve leagues and cities, or a county-level
place inside one (pure; the gazetteer and the rules are data in ``rules/``).

The gazetteer (``rules/places.csv``) lists every place with its parent and the names
reporting uses for it; ``rules/place_filters.csv`` lists words that look like a place name
but are not one (大兴安岭 is a mountain range, not 兴安盟); ``rules/place_rules.yaml`` lists
the region words, the words that point back at a place (全市, 当地), office names
(呼和浩特海关) and the words after which a name is an object (占自治区…的, 发往满洲里).

Evidence, strongest first. A figure takes the place of the first of these that speaks:

1. ``clause``: a place named in the figure's own clause, before the figure (the last such
   name: 包头市稀土高新区新增企业30家 → 稀土高新区);
2. ``sentence``: a place named earlier in the sentence (its subject: ``2023年,鄂尔多斯市外贸
   进出口…亿元,其中出口…亿元``). Several names joined by 、/和/及 are one joint subject: their
   smallest common parent, or one name per figure when 分别 pairs them in order;
3. ``paragraph``: the subject of an earlier sentence of the same paragraph; after a
   sentence that sums up (``aggregate_words``: 据测算,全部签约项目…), the common parent of
   every subject the paragraph had;
4. ``section``: the city of the article's city section (the seed's layout);
5. ``article``: the place the headline or the lead sentence is about; ``article_majority``:
   the one city (or the region) that at least 60 % of the article's names point at (weak:
   the figure goes to review); ``source``: the league, city or county of the local paper
   the sidecar names (``source``: 兴安日报 → 兴安盟, :func:`home_of_source`), whose 全盟 needs
   no name;
6. nothing: no place (``None``), and the figure goes to review.

A figure whose subject is a place outside Inner Mongolia (蒙古国实际GDP增长率为1.6%, 全国外贸
增长5%; ``outside_subjects`` in the rules) has no place either, with the evidence
``outside`` (not a review case).

What is *not* evidence of the figure's place: where the reporter learned the news
(``source_phrases``: 记者从阿拉善盟额济纳旗获悉, a fallback only when the sentence names no
other place; 全市 there points back at it); a name in object position (占自治区同类产品
出口的84.44% is a figure of the sentence's subject; 与包头合作; 销往满洲里); an office named
after a place (呼和浩特海关 reports the region's trade; the name says who counted, not
where); a wire dateline (中新网呼和浩特3月17日电 says where the reporter filed); a photo
caption (its names stay in the caption); places outside Inner Mongolia (not in the
gazetteer: 对俄罗斯进出口 keeps the subject's place). The dateline's place is used only to
resolve 全市/当地 when the text names no other place.

A facility the article locates (``facility_definitions``: 位于集宁区的乌兰察布国际陆港; a
paragraph set in a place, 秋日的集宁区，乌兰察布国际陆港物流园区…) is named by its head words
(陆港, 物流园区, 园区) from then on (2024年,陆港共开行… → 集宁区), as if the gazetteer had
that alias for the article; in an article about one port, the bare word 口岸 names that port
(``port_anaphor``). A sentence naming no place takes, before the paragraph and the article,
the place of a bulleted list's earlier items (●中欧班列进出境2963列 after ●…二连浩特口岸…)
and the place of a quotation's speaker named after it, when inside the context's place
(“…户均增收4300元。”科尔沁右翼中旗乡村振兴局负责人告诉记者; ``quote_speaker``). An article in a
partner district's voice (``partner_voice``: 我区与…结对协作, a clause may stand between) does
not read 我区 as the region, and is about the places it is paired with (their common parent).
A transcript's speaker line (``speaker_line``: 【发布人】巴彦淖尔市人民政府副市长 王某：) gives the
place of the paragraphs after it (evidence ``section``). A label-and-figure bullet
(``label_item``: ● 甘其毛都口岸过货量：3120万吨) takes no subject from the items before it.
Air traffic placed at a city with one airport port (``airport_traffic``: 呼和浩特至三亚航线每天
3班) is the port's, decided once the figure's metric is known (:func:`airport_of`).

More rules of this kind, each named in ``rules/place_rules.yaml``: a headline's route
(扎鲁特旗至科右中旗高速公路) is about both ends; the stops of a line (``along_a_line``: 东起,
途经, 止于) are objects; a sentence opening with 其中 (``breakdown_openers``) does not become
the paragraph's subject; a place after a verb of siting (``site_verbs``: 落户, 选址) is the
whole sentence's; 两旗, 三市, 两地 are the places named last (``pair`` levels of
``collective_words``); a whole's or a benchmark's figure inside a share or comparison
(占全区…1967亿元的34.8%, 高于全市5.6%的平均增速) is the whole's; 在/从 + a country opening a
clause (在俄罗斯一侧，…; 从全国看，…) is outside; in a county's article 全旗 stays the county
after a sentence about its city.

Words that point back (全市, 全盟, 全旗, 当地) resolve against the context: the paragraph's
subject, else the section city, else the article's place, else the dateline's place.
Region words (内蒙古, 全区, 自治区) are the region ``nmg``, whose ``city_code`` is None.

In a city section, the section's city is the default; a name of another of the twelve (or
of the region) moves a figure only when its sentence starts with that name (after a short
time phrase), not as one of a joint subject, and the section's own city is not named in
the sentence. A county-level place of the section's own city is used as above.
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import ahocorasick
import yaml

from orchestration.text.clauses import WordFamily
from orchestration.text.numbers import read_number
from orchestration.text.prefilter import prefiltered, required_words
from orchestration.text.script import is_bullet, simplified

RULES = Path(__file__).resolve().parent / "rules"
REGION_CODE = "nmg"
TOWN = "town"  # the level of a town's collective reference (town_phrase of place_rules.yaml)
PAIR = "pair"  # the levels of 两旗, 三市, 两地 …: the places named last (collective_words)
_WHOLE_CITY = ("municipal", "city")  # the levels of 全市, 全盟 … (collective_words)
_AREAS_OF_THEIR_OWN = ("district", "zone")  # whose paper says 全区 for itself
_NOT_DIVISIONS = ("port", "zone")  # county-level places that are no administrative division
LEVELS = ("region", "city", "county")
_CLAUSE_PUNCT = "，,；;：:"
_CLAUSE_PUNCT_RE = re.compile(f"[{_CLAUSE_PUNCT}]")
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]")
# words that open a share or a comparison before a whole's or a benchmark's figure
# (占全区…1967亿元的34.8%, 高于全市5.6%的平均增速): the share_of markers of place_rules.yaml
# and the comparatives of a level (not 比/较, which compare with a time)
_SHARE_OF_RE = re.compile("占(?:到|据)?|高于|低于|快于|慢于")
# between a name and a bracketed figure that is its: nothing, or the level it stands for
# (高于全区平均水平（7.3%）)
_BRACKET_GAP_RE = re.compile("(?:的)?(?:平均水平|平均增速|平均|水平|增速)?")
# a time word between an object marker and its place (占同期全区…): the place is still its
_MARKER_TIMES = frozenset(("同期", "当期", "同年", "当年"))
_DIGIT_RE = re.compile(r"[\d０-９]")
# what may stand between the names of a joint subject: a suffix (旗, 站: 海拉尔站、满洲里站), a
# bracketed aside (巴彦淖尔市(增速25.2%)、赤峰市), a conjunction
_JOINT_GAP_RE = re.compile(
    r"(?:[市盟旗县区]|火车站|车站|站|机场)?(?:[（(][^（()）]{0,20}[）)])?(?:、|和|及|以及|与|，|,)"
)
_LEAD_TIME_RE = re.compile(
    r"^[^，,。]{0,10}?(?:年|月|日|以来|期间|上半年|下半年|季度|至今|同期|同时)[，,]?"
)
_TITLE_RE = re.compile(r"《[^《》\n]*》")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str  # region | city | county
    kind: str  # region, city, league, district, county_city, county, banner, …, port, zone
    parent_code: str | None
    within_code: str | None
    aliases: tuple[str, ...]

    @property
    def city_code(self) -> str | None:
        """The league/city this place belongs to (None for the region)."""
        if self.level == "city":
            return self.code
        if self.level == "county":
            return self.parent_code
        return None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Every place of ``rules/places.csv`` by code."""
    places: dict[str, Place] = {}
    for row in _read_csv(RULES / "places.csv"):
        aliases = tuple(a.strip() for a in row.get("aliases", "").split("|") if a.strip())
        places[row["place_code"]] = Place(
            code=row["place_code"],
            name=row["name"],
            level=row["level"],
            kind=row["kind"],
            parent_code=row.get("parent_code") or None,
            within_code=row.get("within_code") or None,
            aliases=aliases,
        )
    return places


@lru_cache(maxsize=1)
def _rules() -> dict:
    with (RULES / "place_rules.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def place_code_for(name: str) -> str | None:
    """The place a code, an official name or an alias names (二连浩特市, 二连, erlianhaote)."""
    name = name.strip()
    if name in gazetteer():
        return name
    kind, code = _lexicon().meaning.get(name, ("", ""))
    return code if kind in ("place", "region") else None


@lru_cache(maxsize=1)
def _local_names() -> re.Pattern[str]:
    """Every name of a league, city or county-level place, longest first."""
    names = {
        name
        for place in gazetteer().values()
        if place.level in ("city", "county")
        for name in _short_names(place)
        if len(name) >= 2
    }
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def home_of_source(source: str | None) -> str | None:
    """The place a local paper or outlet is of, by the name its title prints (兴安日报 →
    hinggan, 鄂尔多斯发布 → ordos, 满洲里市融媒体中心 → manzhouli); None for a regional or
    national one (内蒙古日报, 人民网) and for a name the gazetteer does not hold."""
    if not source:
        return None
    found = _local_names().search(simplified(source))
    return place_code_for(found.group()) if found else None


def _short_names(place: Place) -> set[str]:
    """Names a place is printed with: its name, its aliases, and for a league or city the
    bare name without 市/盟 (包头, 兴安) and with the other suffix (兴安盟 → 兴安)."""
    names = {place.name, *place.aliases}
    if place.level == "city" and len(place.name) > 2 and place.name[-1] in "市盟":
        names.add(place.name[:-1])
    return names


@dataclass(frozen=True)
class _Lexicon:
    regex: re.Pattern[str]
    names: WordFamily  # the same words as ``regex``, in one automaton (clauses.py)
    meaning: dict[str, tuple[str, str]]  # word -> (kind, code or collective level)
    filters: tuple[re.Pattern[str], ...]
    # per filter: words one of which a text must hold for the filter to match (or None)
    filter_words: tuple[tuple[str, ...] | None, ...]
    adverbials: tuple[re.Pattern[str], ...]
    sources: tuple[re.Pattern[str], ...]  # 记者从…获悉: a name there is a source
    facility: tuple[re.Pattern[str], ...]  # 位于集宁区的…陆港: where a facility lies
    facility_heads: tuple[str, ...]  # its head words (the pattern tries the longest first)
    offices: re.Pattern[str]
    objects: tuple[str, ...]
    longest_object: int  # the longest object marker's length: how far back to look
    partners: frozenset[str]
    # marker -> what must stand before it in its clause for it to mark a partner (到 after 选派)
    partners_after: dict[str, re.Pattern[str]]
    route: re.Pattern[str]
    listed_object: re.Pattern[str]
    aggregate: re.Pattern[str]  # a sentence summing up its paragraph's places (全部, 所有)
    breakdown_openers: tuple[str, ...]  # 其中: a sentence of parts, not the paragraph's subject
    label_item: re.Pattern[str]  # ● 标签：数字: a bulleted indicator, no list subject
    speaker_line: re.Pattern[str]  # 【发布人】…副市长 王某：: who speaks the paragraphs after it
    label_line: re.Pattern[str]  # 【西乌珠穆沁旗】: a label over the paragraphs after it
    site_verbs: tuple[str, ...]  # 落户, 选址 …: the place after one is the whole sentence's
    district_region_words: frozenset[str]  # 全区 in a district's article: the district
    region_as_funder: re.Pattern[str]  # 自治区财政…资金 in a county's article: who pays
    town: re.Pattern[str]  # 在海流图镇,…: a town the gazetteer does not list
    town_name: re.Pattern[str]  # 代钦塔拉苏木: a town's name, anywhere
    speech: re.Pattern[str]  # 负责人告诉记者: what a quotation's speaker does after the name
    resident: re.Pattern[str]  # 农民, 牧民 …: a speaker who is no office
    partner_voice: re.Pattern[str]  # 我区与…结对: an article in a partner district's voice
    port_anaphor: re.Pattern[str]  # 口岸 alone, in an article about one port
    town_after: re.Pattern[str]  # 镇, 苏木 …: a port's name before it names a town
    named_after_towns: frozenset[str]  # the ports and zones (named after the towns they lie by)


def _port_anaphor_pattern(rule: dict | None) -> re.Pattern[str]:
    """The bare port word, not after a word of ``not_after`` (one lookbehind per word: they
    differ in length), nor before one of ``not_before``."""
    if not rule:
        return re.compile("(?!)")
    behind = "".join(f"(?<!{re.escape(w)})" for w in rule["not_after"].split("|"))
    return re.compile(rf"{behind}{re.escape(rule['word'])}(?!{rule['not_before']})")


@lru_cache(maxsize=1)
def _airport_traffic() -> tuple[frozenset[str], re.Pattern[str], dict[str, str]]:
    """``airport_traffic`` of place_rules.yaml: its metrics, its words, and each city's one
    airport port (cities with two or none are left out)."""
    rule = _rules().get("airport_traffic") or {}
    ports: dict[str, list[str]] = {}
    for place in gazetteer().values():
        if place.kind == "port" and place.name.endswith(rule.get("port_suffix", "\0")):
            ports.setdefault(place.parent_code or "", []).append(place.code)
    return (
        frozenset(rule.get("metrics") or ()),
        re.compile(rule.get("words") or "(?!)"),
        {city: codes[0] for city, codes in ports.items() if len(codes) == 1},
    )


def airport_of(place_code: str | None, metric: str | None, sentence: str) -> str | None:
    """The airport port a figure of air traffic placed at a city is about (``airport_traffic``
    of place_rules.yaml: 呼和浩特至三亚航线每天3班), else None."""
    metrics, words, airports = _airport_traffic()
    if metric not in metrics or place_code not in airports or not words.search(sentence):
        return None
    return airports[place_code]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    rules = _rules()
    meaning: dict[str, tuple[str, str]] = {}
    # a name shared by two places (tests/test_gazetteer.py forbids it) goes to the larger one
    for place in sorted(gazetteer().values(), key=lambda p: LEVELS.index(p.level)):
        kind = "region" if place.level == "region" else "place"
        for name in _short_names(place):
            meaning.setdefault(name, (kind, place.code))
    for word in rules["region_words"]:
        meaning.setdefault(word, ("region", REGION_CODE))
    for rule in rules["collective_words"]:
        for word in rule["words"]:
            meaning[word] = ("collective", rule["level"])
    for word in rules.get("outside_subjects", []):
        meaning.setdefault(word, ("outside", ""))
    words = sorted(meaning, key=len, reverse=True)
    filters = tuple(re.compile(row["pattern"]) for row in _read_csv(RULES / "place_filters.csv"))
    offices = "|".join(
        re.escape(w)
        for rule in rules["office_suffixes"]
        for w in sorted(rule["words"], key=len)[::-1]
    )
    objects = tuple(
        sorted((w for rule in rules["object_markers"] for w in rule["words"]), key=len)[::-1]
    )
    return _Lexicon(
        regex=re.compile("|".join(map(re.escape, words))),
        names=WordFamily(words),
        meaning=meaning,
        filters=tuple(prefiltered(f) for f in filters),
        filter_words=tuple(required_words(f) for f in filters),
        adverbials=tuple(re.compile(r["pattern"]) for r in rules.get("adverbial_phrases", [])),
        sources=tuple(re.compile(r["pattern"]) for r in rules.get("source_phrases", [])),
        facility=tuple(
            re.compile(
                rule["pattern"]
                + "(?P<head>(?:"
                + "|".join(map(re.escape, sorted(rules["facility_heads"], key=len, reverse=True)))
                + ")+)",
                re.MULTILINE,
            )
            for rule in rules.get("facility_definitions", [])
        ),
        facility_heads=tuple(rules.get("facility_heads") or ()),
        offices=re.compile(rf"[市盟旗县区]?(?:{offices})"),
        objects=objects,
        longest_object=max(map(len, objects)),
        partners=frozenset(
            w for rule in rules["object_markers"] if rule.get("partner") for w in rule["words"]
        ),
        partners_after={
            w: re.compile(rf"(?:{rule['partner_after']})[^，,。；;：:]{{0,24}}$")
            for rule in rules["object_markers"]
            if rule.get("partner_after")
            for w in rule["words"]
        },
        listed_object=re.compile(  # the marker nearest the list (向西途经A、B: 途经)
            ".*(?P<marker>" + "|".join(map(re.escape, objects)) + r")[^，,。；;：:]{1,12}、$"
        ),
        route=re.compile(
            "[市盟旗县区]?(?:" + "|".join(map(re.escape, rules["route_markers"])) + ")"
        ),
        breakdown_openers=tuple(rules.get("breakdown_openers") or ()),
        label_item=re.compile(rules.get("label_item") or "(?!)"),
        speaker_line=re.compile(rules.get("speaker_line") or "(?!)"),
        label_line=re.compile(rules.get("label_line") or "(?!)"),
        site_verbs=tuple(rules.get("site_verbs") or ()),
        district_region_words=frozenset(rules.get("district_region_words") or ()),
        region_as_funder=re.compile(rules.get("region_as_funder") or "(?!)"),
        aggregate=re.compile(  # opening a clause: 全部签约项目…, not 项目全部达产
            r"(?:^|(?<=[，,；;：:]))(?:"
            + ("|".join(map(re.escape, rules.get("aggregate_words") or [])) or "(?!)")
            + ")"
        ),
        town=re.compile(rules.get("town_phrase") or "(?!)"),
        town_name=re.compile(
            r"[\u4e00-\u9fff]{2,5}?(?:"
            + ("|".join(map(re.escape, rules.get("town_suffixes") or ())) or "(?!)")
            + ")"
        ),
        partner_voice=re.compile(rules.get("partner_voice") or "(?!)"),
        port_anaphor=_port_anaphor_pattern(rules.get("port_anaphor")),
        town_after=re.compile("|".join(map(re.escape, rules.get("town_suffixes") or ())) or "(?!)"),
        named_after_towns=frozenset(
            c for c, p in gazetteer().items() if p.kind in ("port", "zone")
        ),
        resident=re.compile(rules.get("resident_speakers") or "(?!)"),
        speech=re.compile(
            rf"[^，,。；;：:！？!?“”]{{0,{rules['quote_speaker']['gap']}}}?"
            rf"(?:{rules['quote_speaker']['verbs']})"
        ),
    )


@dataclass(frozen=True)
class PlaceRef:
    """A word of the text that refers to a place."""

    start: int
    end: int
    kind: str  # place | region | collective
    code: str  # a place code; for a collective, its level (city, county, context)
    is_object: bool  # after 占/与/发往 …: not what a figure is about
    partner: bool = False  # after 与/同 …: what a figure is about when nothing else is
    phrase: tuple[int, int] | None = None  # the adverbial phrase it stands in (在…带动下)
    source: bool = False  # in a source phrase (记者从…获悉): the context of 全市, 当地


@lru_cache(maxsize=1)
def _filter_word_automaton() -> ahocorasick.Automaton:
    """Every word the place filters require (``_Lexicon.filter_words``), in one automaton."""
    automaton = ahocorasick.Automaton()
    for words in _lexicon().filter_words:
        for word in words or ():
            automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _filter_words_in(text: str) -> set[str]:
    """The filters' required words that ``text`` holds: one pass instead of one substring
    search of the whole text per word."""
    automaton = _filter_word_automaton()
    if not len(automaton):
        return set()
    return {word for _, word in automaton.iter(text)}


def place_refs(text: str, masked: list[tuple[int, int]] = ()) -> list[PlaceRef]:
    """Every place reference of ``text`` in order, in one pass: filtered words (大兴安岭),
    office names (呼和浩特海关) and references inside ``masked`` spans or 《titles》 dropped."""
    lex = _lexicon()
    names = lex.names.spans(text)  # what lex.regex.finditer finds, one automaton
    if not names:
        return []
    present = _filter_words_in(text)
    blocked = sorted(
        [
            (m.start(), m.end())
            for f, words in zip(lex.filters, lex.filter_words, strict=True)
            if words is None or not present.isdisjoint(words)  # no word, no match
            for m in f.finditer(text)
        ]
        + [(m.start(), m.end()) for m in _TITLE_RE.finditer(text)]
        + list(masked)
    )
    starts = [s for s, _ in blocked]
    refs: list[PlaceRef] = []
    for m_start, m_end in names:
        k = bisect.bisect_right(starts, m_start) - 1
        if any(s <= m_start < e or s < m_end <= e for s, e in blocked[max(0, k - 3) : k + 2]):
            continue
        kind, code = lex.meaning[text[m_start:m_end]]
        if kind != "collective" and lex.offices.match(text, m_end):
            continue
        if kind == "place" and lex.town_after.match(text, m_end) and code in lex.named_after_towns:
            continue  # 满都拉镇 is the town the port 满都拉 is named after, not the port
        before = text[max(0, m_start - lex.longest_object) : m_start]
        if text[m_start - 2 : m_start] in _MARKER_TIMES and not before.endswith(lex.objects):
            before = text[max(0, m_start - 2 - lex.longest_object) : m_start - 2]
        marker = (
            next(w for w in lex.objects if before.endswith(w))
            if before.endswith(lex.objects)
            else None
        )
        if marker is None and text[m_start - 1 : m_start] == "、":
            # a later member of a list that follows an object marker (高于国家、自治区)
            listed = lex.listed_object.search(text, max(0, m_start - 16), m_start)
            marker = listed.group("marker") if listed else None
        is_object = marker is not None
        if kind != "outside" and refs and lex.route.fullmatch(text, refs[-1].end, m_start):
            # 集宁至二连浩特: a route's start; a route out of the region (乌海至天津港,
            # 经天津港出海) is its start's
            refs[-1] = replace(refs[-1], is_object=True)
        partner = marker in lex.partners or (
            marker in lex.partners_after
            and lex.partners_after[marker].search(text, max(0, m_start - 40), m_start - len(marker))
            is not None
        )
        refs.append(PlaceRef(m_start, m_end, kind, code, is_object, partner))
    if refs and lex.adverbials:
        adverbial = [(m.start(), m.end()) for a in lex.adverbials for m in a.finditer(text)]
        for i, r in enumerate(refs):
            span = next(((a, b) for a, b in adverbial if a <= r.start < b), None)
            if span and r.kind in ("place", "region"):
                refs[i] = replace(r, is_object=True, phrase=span)
    if refs and lex.sources:
        sources = [(m.start(), m.end()) for a in lex.sources for m in a.finditer(text)]
        for i, r in enumerate(refs):
            if r.kind in ("place", "region") and any(a <= r.start < b for a, b in sources):
                refs[i] = replace(r, is_object=True, partner=True, source=True)
    return refs


def facility_refs(text: str, refs: list[PlaceRef]) -> list[PlaceRef]:
    """References by a facility's head word (``facility_definitions``: 位于集宁区的乌兰察布
    国际陆港, or a paragraph set in a place: 秋日的集宁区，乌兰察布国际陆港… → 陆港 names
    集宁区) after the sentence that locates it, where no name stands."""
    out: list[PlaceRef] = []
    definitions = [m for pattern in _lexicon().facility for m in pattern.finditer(text)]
    for m in sorted(definitions, key=lambda m: m.start()):
        named = [
            r for r in refs if m.start("place") <= r.start < m.end("place") and r.kind == "place"
        ]
        if not named:
            continue
        code = named[-1].code
        # the heads the name ends with (陆港物流园区: 陆港, 物流园区, 园区 …), longest first
        heads = sorted(
            (h for h in _lexicon().facility_heads if h in m.group("head")),
            key=len,
            reverse=True,
        )
        taken = [(r.start, r.end) for r in refs]
        objects = _lexicon().objects
        for found in re.finditer("|".join(map(re.escape, heads)), text[m.end() :]):
            start, end = m.end() + found.start(), m.end() + found.end()
            if any(a < end and start < b for a, b in taken):
                continue  # part of a place name the gazetteer knows
            # after 与/占/发往 …: an object, and never a partner's fallback (该学院与陆港企业
            # 联合培养… is the college's)
            is_object = text[max(0, start - 3) : start].endswith(objects)
            out.append(PlaceRef(start, end, "place", code, is_object))
            taken.append((start, end))
    return out


def town_refs(text: str, refs: list[PlaceRef]) -> list[PlaceRef]:
    """Towns the gazetteer does not list, where a clause happens (``town_phrase``: 在海流图镇,
    …): a collective of level ``town`` (the county-level place of the article or context)."""
    taken = [(r.start, r.end) for r in refs]
    return [
        PlaceRef(m.start("town"), m.end("town"), "collective", TOWN, False)
        for m in _lexicon().town.finditer(text)
        if not any(a < m.end("town") and m.start("town") < b for a, b in taken)
    ]


def _clause_start(text: str, s_start: int, position: int) -> int:
    """Where the clause holding ``position`` starts (after the last clause mark of its
    sentence, which starts at ``s_start``)."""
    return max(s_start, *(text.rfind(p, s_start, position) + 1 for p in _CLAUSE_PUNCT))


def _opens_clause(text: str, s_start: int, start: int) -> bool:
    """Whether the word at ``start`` opens its clause (after a short time phrase at most)."""
    left = _clause_start(text, s_start, start)
    return bool(_LEAD_TIME_RE.fullmatch(text[left:start] + "，")) or left == start


_LIST_JOINS = ("、", "和", "及", "与")  # words that join the names of a list


def _inside(code: str, container: str) -> bool:
    """Whether place ``code`` lies inside ``container`` (and is not it)."""
    return code != container and common_parent([code, container]) == container


def common_parent(codes: list[str]) -> str:
    """The smallest place that holds every place of ``codes`` (the region at worst); a
    port or zone lies within its county (``within_code``): 珠恩嘎达布其口岸 and 东乌珠穆沁旗
    → 东乌珠穆沁旗."""
    places = gazetteer()

    def chain(code: str) -> list[str]:
        out = [code]
        if places[code].within_code:
            out.append(places[code].within_code)
        while (parent := places[out[-1]].parent_code) is not None:
            out.append(parent)
        return out

    chains = [chain(c) for c in codes]
    for code in chains[0]:
        if all(code in ch for ch in chains[1:]):
            return code
    return REGION_CODE


@dataclass(frozen=True)
class Attribution:
    place_code: str | None
    evidence: str  # clause | sentence | paragraph | section | article | article_majority | …

    @property
    def city_code(self) -> str | None:
        if self.place_code is None:
            return None
        return gazetteer()[self.place_code].city_code


@dataclass
class _Sentence:
    """The place analysis of one sentence, shared by its figures."""

    refs: list[PlaceRef]  # subject-position references, relative offsets, collectives resolved
    groups: list[list[int]]  # indices into refs of joint subjects (名、名 …)
    respectively: tuple[int, ...]  # offsets of every 分别
    subject: str | None  # the sentence's topic place, carried to later sentences
    inner: list[PlaceRef] = field(default_factory=list)  # names inside adverbial phrases
    breaks: list[int] = field(default_factory=list)  # offsets of clause punctuation
    # the place the sentence's context gave before the sentence named its own subject
    context: tuple[str | None, str] | None = None


# the analysis of a sentence that names no place (shared, never changed): its figures take
# the context's place before any clause or 分别 rule is asked
_NO_PLACE = _Sentence([], [], (), None)


class PlaceResolver:
    """Attributes the figures of one parsed article to places (see the module docstring).

    Build it once per article; :meth:`place_of` caches each sentence's analysis, so the
    figures of a sentence share it.
    """

    def __init__(
        self, text: str, blocks, sentences, sections: bool, dateline=None, home: str | None = None
    ):
        self.text = text
        self.home = home  # the place of the local paper that printed it (home_of_source)
        self.sentences = sentences  # (start, end) of every sentence, in order
        self.sentence_starts = [s for s, _ in sentences]
        self.blocks = blocks
        self.has_sections = sections
        masked = [(dateline.start, dateline.end)] if dateline else []
        refs = place_refs(text, masked)
        voice = _lexicon().partner_voice.search(text)
        if voice:  # 我区 is the partner's district in this article: no place of the region
            refs = [r for r in refs if text[r.start : r.end] != voice.group("word")]
        refs += facility_refs(text, refs)
        self.refs = sorted(refs + town_refs(text, refs), key=lambda r: r.start)
        self.ref_starts = [r.start for r in self.refs]
        self.dateline_place = self._dateline_place(dateline)
        self._sentences: dict[int, _Sentence] = {}
        self._paragraph_subject: dict[int, str | None] = {}  # block start -> subject so far
        self._paragraph_subjects: dict[int, list[str]] = {}  # block start -> every subject
        self._block_starts: list[int] | None = None
        self._speakers: dict[int, str] | None = None  # block start -> its speaker's place
        self.article = self._article_place()
        if voice:
            # 我区…与乌兰察布市察右前旗、察右后旗、商都县、化德县结对: the article is about
            # the places its partner district is paired with
            paired = [
                r.code for r in self._refs_between(voice.start(), voice.end()) if r.kind == "place"
            ]
            # 兴安盟科尔沁右翼中旗: a league named before its banner is no second partner
            paired = [c for c in paired if not any(d != c and _inside(d, c) for d in paired)]
            if paired:
                self.article = Attribution(common_parent(paired), "article")
        area = self.article.place_code
        if area is not None and gazetteer()[area].kind in _AREAS_OF_THEIR_OWN:
            self._own_region_words(area)
        if area is not None and gazetteer()[area].level == "county":
            self._region_as_funder()
        anaphors = self._port_anaphors()
        if anaphors:
            self.refs = sorted(self.refs + anaphors, key=lambda r: r.start)
            self.ref_starts = [r.start for r in self.refs]

    # ---------------------------------------------------------------- article level

    def _dateline_place(self, dateline) -> str | None:
        if dateline is None or not dateline.place:
            return None
        refs = [r for r in place_refs(dateline.place) if r.kind in ("place", "region")]
        return refs[0].code if refs else None

    def _refs_between(self, start: int, end: int) -> list[PlaceRef]:
        lo = bisect.bisect_left(self.ref_starts, start)
        hi = bisect.bisect_left(self.ref_starts, end)
        return self.refs[lo:hi]

    def _article_place(self) -> Attribution:
        """The headline's place, else the lead sentence's, else the one city most names
        point at."""
        headline = [b for b in self.blocks if b.kind == "headline"]
        body = [b for b in self.blocks if b.kind == "paragraph"]
        candidates: list[PlaceRef] = []
        for block in headline:
            refs = self._refs_between(block.start, block.end)
            named = [r for r in refs if r.kind in ("place", "region")]
            pair = next(
                (r for r in refs if r.kind == "collective" and r.code.startswith(PAIR)), None
            )
            if pair is not None and len(named) >= 2 and named[-1].end <= pair.start:
                # 通辽兴安两盟市间再添快速通道: an article about both places
                return Attribution(common_parent([r.code for r in named]), "article")
            candidates += named
        if candidates and all(self._district_word(r) for r in candidates):
            # 上半年全区主要经济指标稳中有进 from a district's or a zone's own paper: its 全区
            area = self._own_area(body)
            if area is not None:
                return Attribution(area, "article")
        if candidates:
            first = candidates[0]
            if len(candidates) > 1 and _lexicon().route.fullmatch(
                self.text, first.end, candidates[1].start
            ):
                # 扎鲁特旗至科右中旗高速公路…: a route's article is about both its ends
                return Attribution(common_parent([first.code, candidates[1].code]), "article")
            return Attribution(self._in_a_row(candidates)[0], "article")
        if body:
            first = body[0]
            end = self._lead_end(first)
            refs = [
                r for r in self._refs_between(first.start, end) if r.kind in ("place", "region")
            ]
            lead = [r for r in refs if not r.is_object]
            if lead:
                # partners count here (我区与乌兰察布市察右后旗…: the city is a partner)
                places = self._in_a_row([r for r in refs if not r.is_object or r.partner])
                if len(places) > 1 and self.text[lead[0].end : lead[0].end + 1] in _LIST_JOINS:
                    # 我区与乌兰察布市察右后旗、四子王旗、商都县结对: a list of places
                    return Attribution(common_parent(places), "article")
                return Attribution(self._in_a_row(lead)[0], "article")
        town = self._town_article(headline, body)
        if town is not None:  # 巴彦胡舒苏木：…/…隶属于西乌珠穆沁旗: the banner, not its league
            return Attribution(town, "article")
        # the city (or the region) most subject-position names point at
        cities = [
            gazetteer()[r.code].city_code or REGION_CODE
            for r in self.refs
            if r.kind in ("place", "region") and not r.is_object
        ]
        if len(cities) >= 2:
            top = max(set(cities), key=cities.count)
            if cities.count(top) / len(cities) >= 0.6:
                return Attribution(top, "article_majority")
        whole_city = any(r.kind == "collective" and r.code in _WHOLE_CITY for r in self.refs)
        if len(cities) == 1 and cities[0] != REGION_CODE and whole_city:
            # 全市… throughout, and the one place named is a city (a table's caption:
            # 附：2025年1—10月包头市主要经济指标): 全市 is that city
            return Attribution(cities[0], "article_majority")
        if self.home is not None:  # 兴安日报's 全盟 with no name of the league: its home
            return Attribution(self.home, "source")
        return Attribution(None, "none")

    def _lead_end(self, block) -> int:
        """Where the first sentence (or clause before a semicolon) of ``block`` ends."""
        return next(
            (i for i in range(block.start, block.end) if self.text[i] in "。！？!?；;"), block.end
        )

    def _town_article(self, headline, body) -> str | None:
        """An article about a town the gazetteer does not list (代钦塔拉苏木12家合作社…),
        its headline or lead naming no place: the county-level division it names elsewhere
        (今年科右中旗共有217家合作社…), when it names exactly one; else None."""
        opening = [*headline, *body[:1]]
        if not any(_lexicon().town_name.search(b.text) for b in opening):
            return None
        counties = {
            r.code
            for r in self.refs
            if r.kind == "place"
            and not r.is_object
            and gazetteer()[r.code].level == "county"
            and gazetteer()[r.code].kind not in _NOT_DIVISIONS
        }
        return counties.pop() if len(counties) == 1 else None

    def _own_region_words(self, area: str) -> None:
        """In the article of a district or a zone, its 全区 and 我区 are ``area``
        (松山区…全区新签约项目46个), except after another region word of their sentence
        (据自治区人社厅数据，今年全区…: the region)."""
        region_said = -1  # where the last other region word ended
        for i, r in enumerate(self.refs):
            if r.kind != "region":
                continue
            if not self._district_word(r):
                region_said = r.end
                continue
            if region_said >= 0 and not _SENTENCE_END_RE.search(self.text, region_said, r.start):
                continue
            self.refs[i] = replace(r, kind="place", code=area)

    def _region_as_funder(self) -> None:
        """In a county-level place's article, the region named as the funder of its money
        (自治区财政衔接资金1.12亿元: ``region_as_funder``) is an object, no subject: the
        figures stay the county's."""
        funder = _lexicon().region_as_funder
        self.refs = [
            replace(r, is_object=True)
            if r.kind == "region" and funder.match(self.text, r.end)
            else r
            for r in self.refs
        ]

    def _district_word(self, ref: PlaceRef) -> bool:
        """Whether ``ref`` is a region word a district's paper says for itself (全区)."""
        return (
            ref.kind == "region"
            and self.text[ref.start : ref.end] in _lexicon().district_region_words
        )

    def _own_area(self, body) -> str | None:
        """The district or zone whose own paper printed the article: the sidecar's paper's
        (稀土高新区融媒体中心), else the one the lead sentence names first; None when neither
        is a district or a zone."""
        places = gazetteer()
        if self.home is not None and places[self.home].kind in _AREAS_OF_THEIR_OWN:
            return self.home
        if not body:
            return None
        lead = body[0]
        named = [
            r
            for r in self._refs_between(lead.start, self._lead_end(lead))
            if r.kind == "place" and not r.is_object
        ]
        if named and places[named[0].code].kind in _AREAS_OF_THEIR_OWN:
            return named[0].code
        return None

    def _port_anaphors(self) -> list[PlaceRef]:
        """In an article about a port, the bare word 口岸 as a reference to it
        (``port_anaphor`` of place_rules.yaml)."""
        code = self.article.place_code
        if code is None or gazetteer()[code].kind != "port":
            return []
        pattern = _lexicon().port_anaphor
        taken = [(r.start, r.end) for r in self.refs]
        return [  # not inside a name, nor right after one (西伯库伦口岸 is another port)
            PlaceRef(m.start(), m.end(), "place", code, False)
            for m in pattern.finditer(self.text)
            if not any(a <= m.start() <= b for a, b in taken)
        ]

    def _in_a_row(self, refs: list[PlaceRef]) -> list[str]:
        """The places ``refs`` name, in order, names in a row each inside the one before
        taken as one place, the most specific (内蒙古甘其毛都口岸, 乌兰察布市察右后旗)."""
        places: list[str] = []
        previous: PlaceRef | None = None
        for r in refs:
            # 通辽市：奈曼旗镜湖嘎查…: a headline's place and, after its colon, one inside it
            joined = previous is not None and self.text[previous.end : r.start] in (
                "",
                "的",
                "：",
                ":",
            )
            if joined and _inside(r.code, places[-1]):
                places[-1] = r.code
            elif not joined or r.code != places[-1]:
                places.append(r.code)
            previous = r
        return places

    # ---------------------------------------------------------------- sentences

    def _list_subject(self, block) -> str | None:
        """The subject of the items before ``block`` in its bulleted list (●1—10月，二连浩特
        口岸…/●中欧班列进出境2963列…: the second item is the port's): the nearest earlier
        paragraph opening with the same bullet that has one, the items between included."""
        item = block.text.lstrip()
        mark = item[:1]
        if not mark or not is_bullet(mark):
            return None
        if _lexicon().label_item.match(item[1:].lstrip()):
            return None  # ● 地区生产总值：1105.3亿元: an indicator of its own
        k = self._block_index(block)
        while k > 0:
            k -= 1
            item = self.blocks[k]
            if item.kind != "paragraph" or item.text.lstrip()[:1] != mark:
                return None
            if self._paragraph_subject.get(item.start):
                return self._paragraph_subject[item.start]
        return None

    def _block_index(self, block) -> int:
        if self._block_starts is None:
            self._block_starts = [b.start for b in self.blocks]
        return bisect.bisect_left(self._block_starts, block.start)

    def _quote_speaker(self, block, at: int) -> str | None:
        """The place of the speaker of the quotation holding ``at``, named right after its
        closing quote (“…户均增收4300元。”科尔沁右翼中旗乡村振兴局负责人告诉记者), when the
        quotation names no place of its own before ``at``; else None. Used only when it
        lies inside the context's place: a league's official speaking of its port keeps
        the port."""
        text = self.text
        opening = text.rfind("“", block.start, at)
        if opening < 0 or "”" in text[opening:at]:
            return None
        closing = text.find("”", at, block.end)
        if closing < 0 or any(
            r.kind in ("place", "region") for r in self._refs_between(opening, at)
        ):
            return None
        lex = _lexicon()
        name = lex.regex.match(text, closing + 1)
        if name is None or lex.meaning[name.group()][0] != "place":
            return None
        if not lex.speech.match(text, name.end(), min(block.end, name.end() + 40)):
            return None
        return lex.meaning[name.group()][1]

    def _whole_of_share(self, s_start: int, at: int, end: int | None) -> str | None:
        """The place of a whole's figure printed inside a share phrase (占全区外贸进出口总值
        1967亿元的34.8%: the 1967亿元 is the region's) or of a benchmark's inside a comparison
        (高于全市5.6%的平均增速): a figure followed by 的, after 占 (高于 …) and the name of
        the whole in its clause; None otherwise."""
        if end is None or self.text[end : end + 1] != "的":
            return None
        share = _SHARE_OF_RE.search(self.text, _clause_start(self.text, s_start, at), at)
        if share is None:
            return None
        for r in self._refs_between(share.end(), at):
            if r.kind in ("place", "region") and r.is_object:
                return r.code
            if r.kind == "collective" and not r.code.startswith(PAIR):
                # 高于全市5.6%的平均增速 in a banner's article: its city
                return self._resolve_collective(r.code, self.article.place_code)
        return None

    def _site(self, analysis: _Sentence, s_start: int) -> str | None:
        """The place a sentence names after a verb of siting (落户, 选址, 位于 …:
        ``site_verbs``), which is where all of the sentence's figures are, those before it
        too; None when it names none."""
        verbs = _lexicon().site_verbs
        for r in analysis.refs:
            if (
                r.kind == "place"
                and not r.is_object  # 起点位于扎兰屯市: a line's end, not a site
                and self.text.endswith(verbs, 0, s_start + r.start)
            ):
                return r.code
        return None

    def _speaker_place(self, block) -> str | None:
        """In a transcript (【发布人】巴彦淖尔市人民政府副市长 王某：/ paragraphs), the place
        of the office of the speaker whose words ``block`` is part of: the nearest speaker
        line before it (a short line ending with a colon, ``speaker_line``) that names a
        place; None when that line names none or there is no speaker line. A label line
        over a post's paragraphs (【西乌珠穆沁旗】, ``label_line``) is read the same way."""
        if block.kind != "paragraph":
            return None
        if self._speakers is None:  # one pass over the blocks, the first time it is asked
            self._speakers = {}
            lexicon, speaker = _lexicon(), None
            for line in self.blocks:
                text = line.text.strip()
                if lexicon.speaker_line.fullmatch(text) or lexicon.label_line.fullmatch(text):
                    refs = [
                        r
                        for r in self._refs_between(line.start, line.end)
                        if r.kind in ("place", "region")
                    ]
                    speaker = self._in_a_row(refs)[0] if refs else None
                elif speaker is not None:
                    self._speakers[line.start] = speaker
        return self._speakers.get(block.start)

    def _context(self, block, s_start: int) -> tuple[str | None, str]:
        """The place a sentence without a name of its own is about, and the evidence."""
        subject = self._paragraph_subject.get(block.start) or self._list_subject(block)
        if subject:
            return subject, "paragraph"
        if self.has_sections and block.section is not None:
            if block.city_code is None:
                return None, "none"  # a section of a city the ledger does not know
            return block.city_code, "section"
        speaker = self._speaker_place(block)
        if speaker:
            return speaker, "section"  # a speaker's turn: a section of the transcript
        if self.article.place_code:
            return self.article.place_code, self.article.evidence
        if self.dateline_place:
            return self.dateline_place, "dateline"
        return None, "none"

    def _pair(self, level: str, at: int) -> list[str]:
        """两旗, 三市, 两地 …: the places (as many as the word says) of the word's level named
        last before ``at``, in the order they were named (the region's places only; none
        when fewer are named)."""
        wanted = {"pair_county": ("county",), "pair_city": ("city",)}.get(level)
        count = int(read_number(self.text[at : at + 1]) or 2)  # 两旗: 2, 三市: 3
        found: list[str] = []
        for r in reversed(self._refs_between(0, at)):
            if r.kind != "place" or r.code in found:
                continue
            if wanted and gazetteer()[r.code].level not in wanted:
                continue
            found.append(r.code)
            if len(found) == count:
                return found[::-1]
        return []

    def _resolve_collective(
        self, level: str, context: str | None, labelled: str | None = None
    ) -> str | None:
        """The place a collective word (全市, 全旗, 当地) points back at from ``context``;
        ``labelled``: the place of the label or speaker line over the sentence's paragraph."""
        if level == TOWN:
            return self._town_county(context)
        if context is None:
            context = self.dateline_place
        if context == REGION_CODE and level != "context":
            # 全市, 全旗 never point back at the region (落实自治区…要求,全市…): the
            # dateline's place, else the article's, when one is inside the region
            fallbacks = (self.dateline_place, self.article.place_code)
            context = next((c for c in fallbacks if c and c != REGION_CODE), None)
        if context is None:
            return None
        place = gazetteer()[context]
        if level == "context":
            return context
        if level == "municipal" and place.kind == "county_city":
            if self.article.place_code == place.city_code and labelled != context:
                # 通辽's article: 霍林郭勒市规上工业增加值增长12.6%。全市发电量… is 通辽's
                return place.city_code
            return context  # 阿尔山市…全市旅游人数: the county-level city itself
        if level in ("city", "municipal"):
            return place.city_code
        # county level: the context's county; in a county's article whose context is the
        # county's city (从全市看，…。…带动全旗1.6万户), the article's county; else the city
        article = self.article.place_code
        if (
            place.level == "city"
            and article
            and _inside(article, context)
            and gazetteer()[article].level == "county"
        ):
            return article
        return context

    def _town_county(self, context: str | None) -> str | None:
        """The county-level division a town of the article lies in: the dateline's (a
        county news centre's story), else the context's, or the county a port or zone of
        the context lies in; None when neither is known."""
        for code in (self.dateline_place, context):
            place = gazetteer().get(code or "")
            if place is None or place.level != "county":
                continue
            if place.kind not in _NOT_DIVISIONS:
                return code
            if place.within_code:
                return place.within_code
        return None

    def _sentence(self, block, s_start: int, s_end: int) -> _Sentence:
        cached = self._sentences.get(s_start)
        if cached is not None:
            return cached
        # the paragraph's earlier sentences first: their subjects are this one's context
        k = bisect.bisect_left(self.sentence_starts, s_start) - 1
        earlier = []
        while k >= 0 and self.sentences[k][0] >= block.start:
            if self.sentences[k][0] in self._sentences:
                break
            earlier.append(self.sentences[k])
            k -= 1
        for start, end in reversed(earlier):
            self._analyze(block, start, min(end, block.end))
        return self._analyze(block, s_start, s_end)

    def _analyze(self, block, s_start: int, s_end: int) -> _Sentence:
        in_sentence = self._refs_between(s_start, s_end)
        if not in_sentence:  # names no place: no subject, nothing to attribute to
            self._sum_up(block, s_start, s_end)
            self._sentences[s_start] = _NO_PLACE
            return _NO_PLACE
        sentence = self.text[s_start:s_end]
        before = self._context(block, s_start)
        # 记者从包头市获悉,全市…: the source's place is what 全市 points back at
        sources = [r.code for r in in_sentence if r.source]
        context = sources[-1] if sources else before[0]
        refs: list[PlaceRef] = []
        if not any(not r.is_object for r in in_sentence):
            # no name in subject position: a partner is what the figures are about
            in_sentence = [replace(r, is_object=False) if r.partner else r for r in in_sentence]
        for r in in_sentence:
            if r.is_object:
                continue
            if r.kind == "outside" and not _opens_clause(
                self.text, s_start, r.start - (self.text[r.start - 1 : r.start] in ("在", "从"))
            ):
                # 进口俄罗斯木材: a country inside a clause is what is traded; one opening it
                # (在俄罗斯一侧，…; 从全国看，…) is where the clause's figures are
                continue
            code = r.code
            if r.kind == "collective" and r.code.startswith(PAIR):
                # both places, as a list of two would name them (分别 pairs them in order)
                for code in self._pair(r.code, r.start):
                    refs.append(PlaceRef(r.start - s_start, r.end - s_start, "place", code, False))
                continue
            if r.kind == "collective":
                # 当地, 全市 after a name of the same sentence point back at that name, and
                # never at the region (阿荣旗是我区大豆主产区之一，今年全旗…: the banner)
                named = next((x.code for x in reversed(refs) if x.kind == "place"), None)
                code = self._resolve_collective(
                    r.code, named or context, labelled=self._speaker_place(block)
                )
                if code is None:
                    continue
            ref = PlaceRef(r.start - s_start, r.end - s_start, r.kind, code, False)
            if (
                refs
                and "outside" not in (ref.kind, refs[-1].kind)
                and sentence[refs[-1].end : ref.start] in ("", "的")
                and _inside(ref.code, refs[-1].code)
            ):
                refs[-1] = ref  # 阿拉善盟额济纳旗的策克口岸: one place, the most specific
                continue
            refs.append(ref)
        if self.has_sections and block.section is not None and block.city_code:
            refs = [r for r in refs if r.kind != "outside"]  # the section speaks of its city
            named = next(  # where the sentence first names the section's city
                (
                    r
                    for r in self._refs_between(s_start, s_end)
                    if r.kind in ("place", "region") and r.code == block.city_code
                ),
                None,
            )
            refs = self._section_refs(sentence, refs, block.city_code, named, s_start)
        groups: list[list[int]] = []
        for i, r in enumerate(refs):
            previous = refs[groups[-1][-1]] if groups else None
            if (
                previous is not None
                and (previous.kind == "outside") == (r.kind == "outside")
                and (
                    _JOINT_GAP_RE.fullmatch(sentence, previous.end, r.start)
                    or previous.start == r.start  # the two places of 两旗
                )
            ):
                groups[-1].append(i)
            else:
                groups.append([i])
        subject = None
        if refs and refs[groups[0][0]].kind != "outside":
            first = groups[0]
            codes = [refs[i].code for i in first]
            subject = codes[0] if len(set(codes)) == 1 else common_parent(codes)
            for group in groups[1:]:
                # 【巴彦淖尔】今年以来，五原县…: a place inside the subject opening a clause
                # before the first figure is the more specific subject
                inner_ref = refs[group[0]]
                if (
                    len(group) > 1
                    or inner_ref.kind == "outside"
                    or not _inside(inner_ref.code, subject)
                    or _DIGIT_RE.search(sentence, refs[first[-1]].end, inner_ref.start)
                    or not _opens_clause(sentence, 0, inner_ref.start)
                ):
                    break
                subject, first = inner_ref.code, group
        inner = [
            replace(
                r,
                start=r.start - s_start,
                end=r.end - s_start,
                phrase=(r.phrase[0] - s_start, r.phrase[1] - s_start),
            )
            for r in in_sentence
            if r.phrase is not None
        ]
        # …，其中准格尔旗产量1.62亿吨；: a part named after 其中 is no subject of the paragraph;
        # nor is a quotation's speaker (”五原县农民郝建军说。): where the speaker comes from
        part = bool(refs) and (
            sentence[: refs[groups[0][0]].start]
            .rstrip("，,")
            .endswith(_lexicon().breakdown_openers)
            or self._speaker_only(sentence, refs[groups[0][0]])
        )
        return self._store(block, s_start, sentence, refs, groups, inner, subject, before, part)

    @staticmethod
    def _speaker_only(sentence: str, ref: PlaceRef) -> bool:
        """Whether ``sentence`` only says which resident spoke the quotation before it, its
        place opening it (”五原县农民郝建军说。: ``resident_speakers``)."""
        if sentence[: ref.start].strip('”"’ \u3000'):
            return False
        said = _lexicon().speech.match(sentence, ref.end)
        return (
            said is not None
            and not sentence[said.end() :].strip("。！!，, \n")
            and _lexicon().resident.search(sentence, ref.end, said.end()) is not None
        )

    def _store(
        self, block, s_start, sentence, refs, groups, inner, subject, before, part=False
    ) -> _Sentence:
        """The analysis of ``sentence``, cached; its subject is the paragraph's from now,
        unless it breaks the whole down (``breakdown_openers``: 其中，…; ``part``: its subject
        follows one) (``before``: the context the sentence had, for its figures before its
        names)."""
        respectively = tuple(m.start() for m in re.finditer("分别", sentence))
        breaks = [m.start() for m in _CLAUSE_PUNCT_RE.finditer(sentence)]
        analysis = _Sentence(refs, groups, respectively, subject, inner, breaks, before)
        self._sentences[s_start] = analysis
        if subject and not part and not sentence.startswith(_lexicon().breakdown_openers):
            self._paragraph_subject[block.start] = subject
            self._paragraph_subjects.setdefault(block.start, []).append(subject)
        return analysis

    def _sum_up(self, block, s_start: int, s_end: int) -> None:
        """A sentence naming no place that sums up (``aggregate_words`` opening a clause
        before its first figure: 据测算,全部签约项目…) is about every subject its paragraph
        had: their common parent becomes the paragraph's subject."""
        subjects = set(self._paragraph_subjects.get(block.start, ()))
        if len(subjects) < 2:
            return
        head = self.text[s_start:s_end]
        digit = re.search(r"[\d０-９]", head)
        if _lexicon().aggregate.search(head[: digit.start() if digit else len(head)]):
            self._paragraph_subject[block.start] = common_parent(sorted(subjects))

    def _section_refs(
        self,
        sentence: str,
        refs: list[PlaceRef],
        city: str,
        named: PlaceRef | None,
        s_start: int,
    ) -> list[PlaceRef]:
        """In a city section: names inside the section's city count; another city or the
        region only as the sentence's opening subject, alone, with the section's city not
        named in the sentence (``named``: where the sentence first names the section's
        city, offsets in the text; None when it does not)."""
        places = gazetteer()

        def inside(r: PlaceRef) -> bool:
            return places[r.code].city_code == city

        kept = [r for r in refs if inside(r)]
        if named is not None:  # the section's own city is named: it stays the subject
            return kept or [
                replace(
                    named, start=named.start - s_start, end=named.end - s_start, is_object=False
                )
            ]
        lead = _LEAD_TIME_RE.match(sentence)
        opening = [r for r in refs if r.start == 0 or (lead and r.start == lead.end())]
        if opening and not inside(opening[0]):
            r = opening[0]
            after = sentence[r.end : r.end + 2].lstrip("市盟")
            if not after.startswith(("与", "和", "同", "及", "、")):
                return [r, *kept]
        return kept

    def place_of(
        self,
        block,
        s_start: int,
        s_end: int,
        rel_start: int,
        figure_starts: tuple[int, ...] = (),
        rel_end: int | None = None,
    ) -> Attribution:
        """The place of the figure at ``rel_start`` (to ``rel_end``) of the sentence
        ``text[s_start:s_end]`` in ``block``; ``figure_starts``: where the sentence's figures
        start (relative), for 分别 pairing."""
        analysis = self._sentence(block, s_start, s_end)
        text, at = self.text, s_start + rel_start
        whole = self._whole_of_share(s_start, at, s_start + rel_end if rel_end else None)
        if whole is not None:
            return Attribution(whole, "clause")
        # a figure in brackets right after a name is that name's (呼和浩特市(23.1%)、包头市…)
        bracket = max(text.rfind("（", s_start, at), text.rfind("(", s_start, at))
        if bracket > s_start and "）" not in text[bracket:at] and ")" not in text[bracket:at]:
            named = [
                r
                for r in self._refs_between(bracket - 16, bracket)
                if r.kind in ("place", "region") and _BRACKET_GAP_RE.fullmatch(text, r.end, bracket)
            ]
            if named:
                return Attribution(named[-1].code, "clause")
        # a figure inside an adverbial phrase (在巴彦淖尔市(增速25.2%)…带动下) is of the name
        # before it in the phrase
        inner = [
            r
            for r in analysis.inner
            if r.phrase[0] <= rel_start < r.phrase[1] and r.start < rel_start
        ]
        if inner:
            return Attribution(inner[-1].code, "clause")
        refs = analysis.refs
        before = [i for i, r in enumerate(refs) if r.start < rel_start]
        site = self._site(analysis, s_start) if not before else None
        if site is not None:  # 年产10万吨…项目，落户鄂托克旗: the project's site
            return Attribution(site, "sentence")
        if not before:  # the context before the sentence, not the subject it names later
            context, evidence = analysis.context or self._context(block, s_start)
            speaker = self._quote_speaker(block, at)
            if speaker is not None and (context is None or _inside(speaker, context)):
                return Attribution(speaker, "paragraph")  # a place inside the context's
            return Attribution(context, evidence if context else "none")
        last = before[-1]
        group = next(g for g in analysis.groups if last in g)
        if refs[last].kind == "outside":  # 蒙古国…增长率为1.6%: no place of the ledger
            return Attribution(None, "outside")
        k = bisect.bisect_left(analysis.breaks, rel_start) - 1
        clause_left = analysis.breaks[k] if k >= 0 else -1  # the last break before the figure
        evidence = "clause" if refs[group[-1]].start > clause_left else "sentence"
        if len(group) == 1:
            return Attribution(refs[last].code, evidence)
        # the last 分别 before the figure, after the names
        resp = max((r for r in analysis.respectively if r < rel_start), default=None)
        if resp is not None and refs[group[-1]].end <= resp:
            # 鄂尔多斯、包头分别为X亿元、Y亿元,分别增长a%、b%: the n-th figure after a 分别 is
            # the n-th name
            nth = sum(1 for s in figure_starts if resp <= s < rel_start)
            if nth < len(group):
                return Attribution(refs[group[nth]].code, evidence)
        return Attribution(common_parent([refs[i].code for i in group]), evidence)
