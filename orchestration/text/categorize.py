"""Category of a figure, from the words around it (keyword rules, pure).

Categories: ``funding`` (investment, funds, capital, subsidies, signed contracts),
``trade`` (exports, imports, foreign trade, sales, customs clearance, goods through border
ports), ``transport`` (railways, trains, roads, flights, logistics, travel times,
distances), ``talent`` (jobs, labour, training, experts, cadres, students) and ``other``
(capacity, output, storage, tourists, border crossings, patents, events, anything else).

Principles, in the order they decide:

1. **Relative figures take the category of the figure they qualify.** A share, a growth
   rate or a difference (``占…的50%``, ``同比增长13%``, ``增速提高3.1个百分点``,
   ``其中七成``) and an amount per unit of a counted thing (``户均增收1.5万元``, ``人均``,
   ``每吨…均价``) take the category of the previous figure of the sentence.
2. **Conventions** (below) fix what the vocabularies leave debatable, by the unit and
   the figure's clause.
3. **Clause-local votes.** Every keyword of the sentence votes for its category, weighted
   by where it stands:

   * the *measured noun*, the keyword touching the figure in its clause (``货值3337万元``,
     ``最高200万元奖励``), weighs most; other keywords of the figure's clause weigh less the
     farther they are. So the noun a figure measures outweighs topic words elsewhere
     (``物流园区新增就业岗位900个`` is talent), and a word of public money right at a sum
     (奖励, 补贴, 补助, 资金, 基金, 投资, 投入, 投向) makes it funding unless the measured
     noun is a sales or trade value (``补贴带动销售额9.6亿元`` is trade);
   * a keyword in another clause votes little. A clause that holds a figure of its own
     keeps its words for that figure (half weight elsewhere: ``年转化玉米150万吨,将新增就业
     岗位1,200个`` — 就业 describes the jobs, not the tonnes). The clause just before the
     figure's, when it holds no figure, names the figure's subject and votes more
     (``人才交流营举办,吸引两国青年三百余人参加``: participants of a talent event);
   * the paragraph's topic sentence (a short first sentence such as ``劳务协作铺就增收路。``)
     votes with a moderate weight;
   * the unit gives a small prior (money leans to funding; km, km/h and TEU to transport;
     kW, kWh and mu to other); ``other`` wins ties.
4. **A unit excludes what it cannot measure.** Funding is money, counts (projects, firms)
   and shares; talent is counts of people, pay, shares and hours. A tonnage, a length, a
   speed, an energy figure, an area or a container count is never funding or talent;
   a duration is never funding.

Conventions (consistent with the seed's and the development sets' annotations):

* *durations*: a time whose clause names customs clearance (通关, 报关, 清关, 验放) is
  trade, even when trucks are cleared; a time whose clause names a vehicle, a line, a
  road or travelling (货车, 列车, 班列, 航班, 国道, 高速, 车程, 往返, 抵达 …) is transport
  (``国道贯通后货车通行时间缩短至2小时30分钟``); other times (政务服务耗时) are voted on;
* *border ports*: goods by weight through a border port (口岸 in the clause of a tonnage:
  ``口岸进出境货运量1,536.8万吨``, 过货量, 过货能力) are trade, and so are the shares
  and growth rates of them; what a port moves as carriers (trains, containers in TEU,
  vehicles, flights) is transport; freight of airports and rail or sea lines elsewhere
  (货邮吞吐量, 海铁联运) is transport;
* *border crossings*: people crossing a border (口岸出入境人员/旅客 …人次) are other, like
  tourists and visitors, while passengers of a line (高铁旅客, 上座率) are transport;
* *events*: participants take the category of the event: a talent exchange, a job fair,
  a training course is talent; a study tour (研学), a festival, a match, a fair is other.

The keyword table is a set of general domain vocabularies (investment and public money;
trade, customs and retail; transport modes, infrastructure and travel; people at work and
in training; production, storage, energy, land, tourism and culture, public services), not
phrases of particular articles: a word belongs in it only if it names its domain wherever
it is printed. Measurement words (率, 效率) and words of one sentence do not vote.

The metric is read by :mod:`orchestration.text.metrics` (the vocabulary in
``rules/metrics.csv``).

The keyword table is data, ``rules/categories.yaml`` (one named rule per sub-domain). The
sentence's clauses and keyword hits come from its :class:`.clauses.SentenceModel`, computed
once per sentence and shared by its figures: pass ``model=`` (the extractor does); without
it each function builds the model of the sentence it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from orchestration.text import clauses as _clauses
from orchestration.text.clauses import SentenceModel
from orchestration.text.codes import CATEGORIES

# Keywords per category: general domain vocabularies, one named rule per sub-domain in
# rules/categories.yaml (the longest keyword wins where two overlap), loaded and matched by
# orchestration.text.clauses. No word there may be chosen because one tuning sentence needs
# it; each must name its domain in any article.
KEYWORDS: dict[str, tuple[str, ...]] = _clauses.KEYWORDS
_KEYWORD_CATEGORY = _clauses.KEYWORD_CATEGORY
_CLAUSE_BREAK_RE = _clauses.CLAUSE_BREAK_RE
_RELATIVE_RE = re.compile(r"占|其中|同比|增速|增长|高于|低于|比重|下降|提升|提高|减少")
_PER_UNIT_RE = re.compile(r"[户人亩]均|每(?:户|人|吨|亩)")
# An absolute change (比上年同期增加36家, 同比减少3万吨)
# is relative to the previous figure of the sentence too.
# A clause that opens with an anaphoric measure word (规模首次突破1900亿元: the scale of
# what the sentence just measured) measures the previous figure's quantity.
_ANAPHORIC_RE = re.compile(r"(?:其|总)?(?:规模|总量)(?!以上|以下)")
_CHANGE_ABS_RE = re.compile(
    r"(?:比|较)[^，,。；;]{0,8}?(?:增加|减少|多|少)了?|同比(?:增加|减少|多|少)了?"
)
_HAS_DIGIT_RE = re.compile(r"[0-9０-９]")
_TOPIC_MAX = 16
_TOPIC_RE = re.compile(rf"[^。！？!?]{{1,{_TOPIC_MAX}}}[。！？!?]")

UNIT_PRIOR = {
    "CNY": ("funding", 0.6),
    "USD": ("funding", 0.6),
    "km": ("transport", 8.0),
    "km_per_hour": ("transport", 8.0),
    "TEU": ("transport", 2.0),
    "kW": ("other", 2.0),
    "kWh": ("other", 2.0),
    "mu": ("other", 2.0),
}
OTHER_BASE = 0.5
TOPIC_WEIGHT = 1.0
MEASURED_NOUN_WEIGHT = 8.0  # a keyword touching the figure in its clause
SUBJECT_CLAUSE_WEIGHT = 0.8  # a keyword of the clause just before, when it has no figure
OWNED_CLAUSE_FACTOR = 0.5  # a keyword of a clause that holds another figure

SHARE = frozenset({"pct", "pp"})
DURATION = frozenset({"hour", "day"})

# Categories a unit cannot measure: public money and investment are sums of money or
# counts (of projects, firms) and shares of them; people at work are counts, pay and
# shares (and hours of training). A tonnage, a length or an energy figure is neither.
_PHYSICAL = ("tonne", "km", "km_per_hour", "kW", "kWh", "mu", "TEU")
EXCLUDED: dict[str, frozenset[str]] = {
    **{u: frozenset({"funding", "talent"}) for u in _PHYSICAL},
    "hour": frozenset({"funding"}),
    "day": frozenset({"funding"}),
}

# Conventions: (clause regex, unit classes, category), first match wins, checked before the
# votes. They settle what the vocabularies leave debatable, as the annotations file it.
_CONVENTIONS: tuple[tuple[str, frozenset[str], str], ...] = (
    # a clearance time is trade (customs), even when trucks are cleared
    (r"通关|报关|清关|验放", DURATION, "trade"),
    # a duration of a vehicle, a line or a road travelling is transport
    (
        r"高铁|铁路|动车|列车|班列|火车|航班|航线|飞行|车程|行程|旅行|行驶|通行|运输|往返"
        r"|到达|直达|抵(?![押扣御制消偿触])|货车|卡车|客车|汽车|车辆|公路|国道|省道|高速",
        DURATION,
        "transport",
    ),
    # goods by weight through a border port are trade (imports and exports by volume)
    (r"口岸", frozenset({"tonne"}), "trade"),
)
_CONVENTION_RES = tuple((re.compile(p), units, cat) for p, units, cat in _CONVENTIONS)
_CONVENTION_UNITS = frozenset().union(*(units for _, units, _ in _CONVENTIONS))


@dataclass(frozen=True)
class Categorized:
    category: str
    scores: dict[str, float]


def clause_bounds(
    sentence: str, start: int, end: int, model: SentenceModel | None = None
) -> tuple[int, int]:
    """The clause of ``sentence`` around [start, end): between clause punctuation."""
    if model is not None:
        return model.clause_bounds(start, end)
    left = 0
    for m in _CLAUSE_BREAK_RE.finditer(sentence, 0, start):
        left = m.end()
    m = _CLAUSE_BREAK_RE.search(sentence, end)
    return left, (m.start() if m else len(sentence))


def _weight(distance: int) -> float:
    """Weight of a keyword of the figure's own clause, by its distance in characters."""
    if distance == 0:
        return MEASURED_NOUN_WEIGHT  # the measured noun: 货值3337万元, 300万元补贴
    if distance == 1:
        return 5.0
    if distance <= 3:
        return 4.0
    if distance <= 8:
        return 3.0
    if distance <= 16:
        return 2.0
    return 1.0


def keyword_scores(
    sentence: str,
    start: int,
    end: int,
    unit: str,
    topic: str = "",
    masked: tuple[tuple[int, int], ...] = (),
    figures: tuple[tuple[int, int], ...] = (),
    model: SentenceModel | None = None,
) -> dict[str, float]:
    """Votes per category for the figure at sentence[start:end].

    ``figures``: spans of the sentence's other figures; a clause holding one of them keeps
    its words for its own figure (they vote at half weight here).
    """
    if model is None:
        model = SentenceModel(sentence)
    scores = dict.fromkeys(CATEGORIES, 0.0)
    scores["other"] = OTHER_BASE
    clauses = model.clauses
    own = model.clause_index(start)
    owned = None  # the clauses holding another figure, found when a word outside asks
    c_left, c_right = clauses[own]
    for k_start, k_end, category, k in model.keywords:
        if k_start < end and k_end > start:
            continue
        if masked and any(s <= k_start < e for s, e in masked):
            continue
        distance = start - k_end if k_end <= start else k_start - end
        if c_left <= k_start and k_end <= c_right:
            w = _weight(distance)
        else:
            w = 0.35 if distance <= 8 else 0.2
            if owned is None:
                owned = {
                    i
                    for i, (a, b) in enumerate(clauses)
                    if i != own and any(a <= s < b or a < e <= b for s, e in figures)
                }
            if k in owned:
                w *= OWNED_CLAUSE_FACTOR  # its words describe that figure first
            elif k == own - 1:
                w = max(w, SUBJECT_CLAUSE_WEIGHT)  # 人才交流营举办,吸引…三百余人参加
        scores[category] += w
    if topic:
        for category, votes in _topic_votes(topic):
            scores[category] += votes
    if unit in UNIT_PRIOR:
        cat, w = UNIT_PRIOR[unit]
        scores[cat] += w
    return scores


@lru_cache(maxsize=1024)
def _topic_votes(topic: str) -> tuple[tuple[str, float], ...]:
    """(category, votes) of a topic sentence's keywords, one entry per keyword in order."""
    return tuple((category, TOPIC_WEIGHT) for _, _, category in _clauses.keyword_hits(topic))


def _clause_has_keyword(sentence: str, start: int, end: int, model: SentenceModel) -> bool:
    c_left, c_right = model.clause_bounds(start, end)
    return any(
        not (a < end and b > start) for a, b, _, _ in model.keywords if c_left <= a and b <= c_right
    )


def convention_for(
    sentence: str, start: int, end: int, unit: str, model: SentenceModel | None = None
) -> str | None:
    """The category a documented convention fixes for this figure, or None. The figure's
    clause is read with the clause before it when that one holds no figure: it names the
    subject (地处额济纳旗的策克口岸,上半年进出口货运量712万吨)."""
    if unit not in _CONVENTION_UNITS:
        return None  # no convention is about this unit
    c_left, c_right = clause_bounds(sentence, start, end, model)
    if c_left > 0:
        p_left, _ = clause_bounds(sentence, c_left - 1, c_left - 1, model)
        if not _HAS_DIGIT_RE.search(sentence, p_left, c_left):
            c_left = p_left
    clause = sentence[c_left:c_right]
    for regex, units, category in _CONVENTION_RES:
        if unit in units and regex.search(clause):
            return category
    return None


def is_relative(
    sentence: str, start: int, end: int, unit: str, model: SentenceModel | None = None
) -> bool:
    """A share / growth / difference figure, an absolute change (比上年增加36家), the value
    of goods just counted (价值72.3亿元), or an amount per household, per person, per tonne
    (户均, 人均, 每吨 …): relative to another figure of the sentence."""
    c_left, _ = clause_bounds(sentence, start, end, model)
    if _PER_UNIT_RE.search(sentence, c_left, start):
        return True
    if _ANAPHORIC_RE.match(sentence, c_left, start):
        return True
    if unit not in SHARE:
        return bool(_CHANGE_ABS_RE.search(sentence, c_left, start))
    return bool(_RELATIVE_RE.search(sentence, c_left, start))


def categorize(
    sentence: str,
    start: int,
    end: int,
    unit: str,
    previous_category: str | None = None,
    topic: str = "",
    masked: tuple[tuple[int, int], ...] = (),
    figures: tuple[tuple[int, int], ...] = (),
    parallel: str | None = None,
    model: SentenceModel | None = None,
) -> Categorized:
    """Category of the figure at ``sentence[start:end]``.

    ``previous_category``: the category of the previous figure of the same sentence, which
    a relative figure (share, growth, percentage points) inherits. ``topic``: the
    paragraph's topic sentence, if it has one. ``masked``: spans of the sentence (book
    titles, slogans) whose words do not vote. ``figures``: spans of the sentence's other
    figures, whose clauses keep their words. ``parallel``: the category of the figure of
    the same unit in the previous item of a ``；`` list (…产值达到612.4亿元；兴安盟完成
    287.6亿元): a figure whose own clause names nothing takes it. ``model``: the
    sentence's :class:`.clauses.SentenceModel`, when the caller has it.
    """
    if model is None:
        model = SentenceModel(sentence)
    scores = keyword_scores(sentence, start, end, unit, topic, masked, figures, model)
    allowed = _allowed(unit)
    if previous_category in allowed and is_relative(sentence, start, end, unit, model):
        return Categorized(previous_category, scores)
    if parallel in allowed and not _clause_has_keyword(sentence, start, end, model):
        return Categorized(parallel, scores)
    fixed = convention_for(sentence, start, end, unit, model)
    if fixed:
        return Categorized(fixed, scores)
    best = max(allowed, key=lambda c: (scores[c], c == "other"))
    return Categorized(best, scores)


@lru_cache(maxsize=64)
def _allowed(unit: str) -> list[str]:
    """The categories a figure in ``unit`` may have, in CATEGORIES order (callers do not
    change the list)."""
    return [c for c in CATEGORIES if c not in EXCLUDED.get(unit, ())]


def headline_category(headline: str) -> str | None:
    """The category a headline's keywords name, when they name one only (鲁北至巴彦呼舒
    高速公路建成通车: transport); None for none or several."""
    named = {category for _, _, category in _clauses.keyword_hits(headline)}
    named.discard("other")
    return named.pop() if len(named) == 1 else None


def topic_of(paragraph: str) -> str:
    """The paragraph's topic sentence: a short first sentence, else ''."""
    m = _TOPIC_RE.match(paragraph)
    return m.group() if m and len(paragraph) > m.end() else ""
