"""The figure extractor: every figure of an article's repaired text (pure functions).

A *figure* is a number with a unit of measure or a counter (``17.41亿元``, ``260余家``,
``时速350公里``), read by the grammar of :mod:`orchestration.text.numbers`, with the
qualifiers that bound it. A grammar match is rejected when the context says it is not a
quantity (the rules are data, ``rules/rejections.yaml``, each named; see
:mod:`orchestration.text.rejections`):

* inside ``《…》`` (titles), inside a short quotation ``“…”``/``「…」``/``‘…’`` without
  clause punctuation (slogans and names: “六个行动”, “一小时经济圈”, “四城通办”), or
  inside a phone number (``0471-1234567``);
* dates and years: 年 and 月 are not units and 日 is a duration only in ``3日内``;
  ``个月`` is not a counter; ordinals (``第五届``) and numbers glued to Latin letters
  (S27, G6, 5G) or to other digits (智慧城市4.0, 2025绿色算力) never start a figure;
* the indefinite article: ``一`` + counter (一列列车, 一件摆件, 一组钢轨); ``一`` + a unit
  of measure (一公里) stays a figure. A lone ``二`` + 人/次 forms words (二人转, 二人台,
  二次开发; a count of two says 两人, 两次); 二成, 百分之二, 二公里 are figures;
* vague magnitudes: 数百公里, 几十家, 上千人, 三五个 (adjacent digits: "three or five"), and a bare 百/千/万/亿 + counter without 余/多
  (千人跨年活动, 千家万户, 万人空巷); ``千余名`` and ``千亿元`` are figures;
* groups and slogans: 三国, 四市, 三地 (国/市/地/省 are not counters); a Chinese numeral
  up to ten + 个/项 (without 余/多) before a discourse noun (三个方面, 四个意识, 三个必须,
  分三个阶段) or before a programme word within a few characters (六个倍增计划, 四项行动);
  a numeral + 个 + place noun (国家, 城市, 地区 …) that refers to known places rather than
  counting them: after a demonstrative (这三个城市) or the dual 两 as a clause's subject
  (两个国家像走亲戚). Counts of places (通达13个国家, 十余个国家, 覆盖五个城市) are figures;
* classes: a figure followed by 级 (万吨级码头, 千亿级产业), or a threshold with 以上/以下
  followed directly by 项目/企业/客户 (亿元以上项目, 5000万元以上企业);
* company and brand names: ``度`` is kWh only with 电 (电量, 发电, 用电, 电价) within 40
  characters before or 20 after: 度 is otherwise degrees, an angle or a brand (361度); 三一重工
  has no counter.

A bare number with 万/亿 and no unit takes the unit of the next figure when only a
conjunction stands between them (``分别为3万和5万吨`` → 3万 tonnes); a noun between them
(``1.2万牛羊和3万吨饲草``) means it counts something else, and it stays unread.

Surface: the printed figure with the qualifiers that change its bound (超, 超过, 突破, 逾,
近, 约, 最高, 不超过 … before; 余, 多, 以上, 左右, 以内, 内 … after); emphasis (达, 高达,
最快) stays outside. ``时速`` is part of a speed's surface.

Modality: ``target`` when 目标/力争/剑指/争取/确保/计划 + verb (计划部署, 计划投资) precedes the
figure in its clause,
``forecast`` for 预计/有望/预期/可望/即将/估计, 可达 after a quantity (年发电量可达, not 亩产
可达) and for 将 used as a future auxiliary
(将于, 将达, 将新增 …, not the object marker 将X压缩至…). A clause that *starts* with such a
word (``力争到2027年…``), after its subject at most (``我们计划…``), carries it to the
following clauses of the sentence; ``要达到`` is a target. A figure of a year after
publication (``到2027年…达到45%``) and the paragraphs under a report's heading of aims
(``二、2024年重点工作``) are targets unless a word makes them forecasts.

Place and city: :mod:`orchestration.text.places` (evidence from the clause, the sentence,
the paragraph, the city section, the article; datelines, captions, offices and object
positions are not evidence). ``city_code`` is the league/city of the place, None for
region-wide figures.

Period: :mod:`orchestration.text.periods` (the period words of the clause, the sentence
or the governing sentence, resolved against the publication date).

Category: :mod:`orchestration.text.categorize`; a figure of a specific metric takes the
metric's category (中欧班列 are ``transport`` in a trade sentence), and a figure its words
leave ``other`` takes any metric's (落地项目16个 is ``funding``: ``_category_from_metric``),
else the one category its headline names (``_category_from_headline``).

Tables printed as text (``table`` blocks, :mod:`orchestration.text.tables`): each row is
read by this extractor as the sentence it stands for, and each figure points at its cell
(``_table_figures``); a table of imports or exports reads its unnamed cells as the traded
quantity and value. A figure printed alone on its line (a 数说 post's ``▌2.36万人``) is read
as the sentence the paragraph after it stands for (``_figure_headers``).

A multiple of an earlier time's level (``是去年同期的2.1倍``) is a growth of (N-1)×100 %.
Values are free of binary noise (``18.6亿元`` is 1860000000): :func:`.numbers.tidy`.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from orchestration.text.categorize import categorize, headline_category, topic_of
from orchestration.text.clauses import ArticleView
from orchestration.text.metrics import (
    CATEGORY_FROM_WORDS,
    CONTEXTS,
    GENERIC_PRIORITY,
    LEVELS,
    NARROWED_METRICS,
    SPECIFIC_PRIORITY,
    UNIT_DEFAULTS,
    VOCABULARY,
    classify_sentence,
    in_context,
    narrowed,
    unit_family,
)
from orchestration.text.numbers import (
    FIGURE_RE,
    PERCENT_WORD_RE,
    UNIT_FACTORS,
    WORD_FIGURE_RE,
    Reading,
    interpret,
    read_number,
    tidy,
)
from orchestration.text.parsing import Block, ParsedArticle, parse_article
from orchestration.text.periods import (
    NO_CARRY_METRICS,
    NO_CARRY_UNITS,
    NO_PERIOD,
    Period,
    already_now,
    annual_average,
    event_anaphors,
    event_signings,
    figure_periods,
    flow_so_far,
    is_budget,
    is_design,
    is_frequency,
    is_project_total,
    is_standard,
    is_year_review,
    names_a_project,
    names_a_stock,
    publication_date,
    since_year_start,
    so_far_if_actual,
    stock_at_end,
    timeless_now,
)
from orchestration.text.places import PlaceResolver, airport_of
from orchestration.text.prefilter import prefiltered
from orchestration.text.rejections import MASKS, after_earlier_level, first_rule
from orchestration.text.script import BULLETS, simplified
from orchestration.text.sentences import lines_before
from orchestration.text.tables import Cell, caption_unit, is_header, is_unit_line, row_sentences


@dataclass(frozen=True)
class Figure:
    surface: str  # printed text of the figure, qualifiers included
    char_start: int  # offsets of surface in parsed.text
    char_end: int
    value: float
    unit: str
    bound: str
    modality: str  # actual | forecast | target
    category: str  # funding | trade | transport | talent | other
    metric: str | None
    city_code: str | None
    sentence: str
    block_kind: str
    upper: float | None = None  # upper end of a range (3—5天)
    measure: str = "level"  # level, change_pct, change_abs, share, rank, count_of_items
    base_start: int | None = None  # span of the level figure a change or share modifies
    base_end: int | None = None
    place_code: str | None = None  # the most specific place (nmg, a city, a county-level place)
    place_evidence: str = "none"  # what the place rests on (places.py): clause, sentence, …
    period: Period | None = None  # the reference period (periods.py)


# ------------------------------------------------------------------ masks and context

# Masks (rules/rejections.yaml): titles, short quotations, phone numbers.
_TITLE_RE = MASKS["in_title"].regex
_SHORT_QUOTE_RE = MASKS["in_short_quote"].regex
_PHONE_RE = MASKS["in_phone_number"].regex
_RELATED_RE = MASKS["in_related_links"].regex
_CLAUSE_PUNCT = "，,；;：:。！？!?"

_BARE_RE = re.compile(
    r"(?<![\dA-Za-z第数几零〇一二两三四五六七八九十百千万亿廿卅])(?<!\d[.,])"
    r"(?P<n1>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[万亿]{1,2})(?![\d.,%十百千万亿])"
)

_CONJUNCTION_RE = re.compile(r"和|及|与|或|、|以及")

_TARGET_RE = re.compile(
    r"目标(?![，,。；;、”])|力争|剑指|确保|瞄准|建议(?=[设建实推开加新安投培布])"
    # 争取 an aim (争取突破…), but 争取(到)…资金 is funds secured (积极向上争取专项资金14.3亿元)
    r"|争取(?!到|得)(?![\u4e00-\u9fff]{0,14}?(?:资金|债券|补助|补贴|贷款|专项))"
    r"|计划(?:年内|今年|明年)?(?=[部建新投实开引完达举组安接到提再在扩增培发推启改升打续销招城争种])"
    r"|规划(?=[建布实新])"
    r"|拟(?=[补安投建新引实开设招])"
    r"|要(?=达到|实现|完成|突破|建成|新增|力争|确保|保持)"
)
# a clause that ends on a project's completion (…肉牛屠宰项目建成后，年可屠宰肉牛10万头): what
# follows it in its sentence is expected
_ONCE_DONE_RE = re.compile(r"(?:建成|投产|达产|投运|建成投产|全面投产|全部投产)后$")
# the start of a change, right before its figure (从3万吨提高到…, 由目前的118公里增加到…)
_FROM_NOW_RE = re.compile(r"(?:从|由)(?:目前|现在|原来|过去|现有)?的?$")
_DONE_RE = re.compile("已")  # 已, 已经: what a plan or a target has already brought
_FORECAST_RE = re.compile(
    r"预计|有望|预期|可望|即将|将要|将(?=[于达超突破实现新增增带建形有在会可能成再累提拉吸创落迎"
    r"推缩压减降节惠辐助覆投完开年运筹]|举办|举行|共同|扩大)"
    r"|(?:建成|达产|建成投产|全面投产)后|估计|(?<=[量值])可达"
)


def _spans(regex: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in prefiltered(regex).finditer(text)]


class _Intervals:
    """Sorted, possibly overlapping intervals; `covers(i)` in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        # running max of ends, to answer overlap queries with one bisect
        self.max_end: list[int] = []
        best = -1
        for _, e in self.spans:
            best = max(best, e)
            self.max_end.append(best)

    def within(self, start: int, end: int) -> tuple[tuple[int, int], ...]:
        """Intervals overlapping [start, end), relative to start."""
        k = bisect.bisect_right(self.starts, start) - 1
        while k > 0 and self.max_end[k - 1] > start:
            k -= 1
        stop = bisect.bisect_left(self.starts, end)
        return tuple((s - start, e - start) for s, e in self.spans[max(k, 0) : stop] if e > start)

    def covers(self, i: int) -> bool:
        k = bisect.bisect_right(self.starts, i) - 1
        return k >= 0 and self.max_end[k] > i


@dataclass
class _Candidate:
    reading: Reading
    unit_surface: str


def _reject(reading: Reading, m: re.Match[str], norm: str, masks: _Intervals) -> str | None:
    """The name of the rule (rules/rejections.yaml) that says this grammar match is not a
    figure, or None when it is one."""
    return first_rule(reading, m, norm, masks)


def growth_of_multiple(reading: Reading, norm: str) -> Reading:
    """A multiple of an earlier time's level is a growth of (N-1)×100 % (是去年同期的2.1倍
    → +110 %, as 增长1.1倍); a multiple of 1 or less stays as printed."""
    q = reading.quantity
    if reading.unit_surface != "倍" or q.value <= 100:
        return reading
    if not after_earlier_level(norm, reading.start):
        return reading
    upper = None if q.upper is None else tidy(q.upper - 100)
    return replace(reading, quantity=replace(q, value=tidy(q.value - 100), upper=upper))


def _find_candidates(norm: str, masks: _Intervals) -> list[Reading]:
    found: list[Reading] = []
    # the grammar behind a first-character lookahead (prefilter.py): the same matches
    for regex in (
        prefiltered(FIGURE_RE),
        prefiltered(PERCENT_WORD_RE),
        prefiltered(WORD_FIGURE_RE),
    ):
        pos = 0
        while True:
            m = regex.search(norm, pos)
            if not m:
                break
            reading = interpret(m)
            if reading is None or _reject(reading, m, norm, masks):
                pos = m.start("n1") + 1
                continue
            found.append(
                growth_of_multiple(reading, norm) if reading.unit_surface == "倍" else reading
            )
            pos = reading.end
    found.sort(key=lambda r: (r.start, -(r.end - r.start)))
    kept: list[Reading] = []
    for r in found:
        if kept and r.start < kept[-1].end:
            continue
        kept.append(r)
    return kept


def _coordinated_bare(norm: str, readings: list[Reading], masks: _Intervals) -> list[Reading]:
    """``分别为3万和5万吨``: a bare 万/亿 number shares the unit of the figure it is
    coordinated with, when only a conjunction (和, 及, 与, 或, 、, 以及) stands between them.

    Nothing else may stand between: in ``1.2万牛羊和3万吨饲草`` the first number counts a
    different thing (heads of livestock), so it takes no unit and is not a figure.
    """
    starts = [r.start for r in readings]
    extra: list[Reading] = []
    for m in prefiltered(_BARE_RE).finditer(norm):  # the same matches, found faster
        if masks.covers(m.start()):
            continue
        k = bisect.bisect_left(starts, m.start())
        if k >= len(readings) or readings[k].start < m.end():
            continue
        if k > 0 and readings[k - 1].end > m.start():
            continue
        nxt = readings[k]
        if not _CONJUNCTION_RE.fullmatch(norm, m.end(), nxt.start):
            continue
        value = read_number(m.group("n1"))
        if value is None:
            continue
        _, factor = UNIT_FACTORS.get(nxt.unit_surface, (None, 1.0))
        if nxt.unit_surface.lstrip("个").startswith("小时"):
            factor = 1.0
        q = type(nxt.quantity)(tidy(value * factor), nxt.quantity.unit, "exact", None)
        extra.append(Reading(q, m.start(), m.end(), m.start(), m.group("n1"), ""))
    return extra


def _list_start(text: str, block_start: int, s_start: int) -> int:
    """Where the sentence holding ``s_start`` starts when ``；`` does not end sentences."""
    i = s_start
    while i > block_start and text[i - 1] in "；;":
        j = max(text.rfind(c, block_start, i - 1) for c in "。！？!?；;")
        i = max(j + 1, block_start)
    return i


_CLAUSE_PUNCT_RE = re.compile("[" + re.escape(_CLAUSE_PUNCT) + "]")
_CARRY_CLAUSE_RE = re.compile(r"[^，,；;：:]+")
_LEAD_TIME_RE = re.compile(
    r"^\s*(?:(?:19|20)\d{2}年|今年|明年|全年|下一步|下步|未来[一二三四五]年)"
)


# a clause's subject before its cue (我们计划新建…，实施…): the cue still opens the clause
_LEAD_SUBJECT_RE = re.compile(
    r"^\s*(?:我们|我[市区旗县盟]|全[市区旗县盟]|[市区旗县盟]里|该(?:口岸|园区|[市旗县盟]))"
    r"(?:(?:还|也)?将(?=目标|力争|剑指|争取|确保|计划))?"
)


class _ModalityCues:
    """The modality cues of one sentence, found once and shared by its figures;
    :meth:`modality` gives a figure's modality from its offset in the sentence.

    No cue holds clause punctuation, so the cues a scan from a clause's start finds are the
    cues of one scan of the whole sentence that start in that clause or later."""

    def __init__(self, sentence: str):
        self.sentence = sentence
        self.breaks = [m.start() for m in _CLAUSE_PUNCT_RE.finditer(sentence)]
        self.cues = (
            ([m.start() for m in _TARGET_RE.finditer(sentence)], "target"),
            ([m.start() for m in _FORECAST_RE.finditer(sentence)], "forecast"),
        )
        self._carried: dict[int, str] = {}

    def modality(self, rel: int) -> str:
        k = bisect.bisect_left(self.breaks, rel) - 1
        left = self.breaks[k] + 1 if k >= 0 else 0
        for starts, name in self.cues:
            # the cue starts before the figure; its lookahead may see the figure (将超30亿元)
            j = bisect.bisect_left(starts, left)
            if j < len(starts) and starts[j] < rel:
                if _DONE_RE.search(self.sentence, starts[j], rel):
                    return "actual"  # 今年计划实施的重点项目已开复工4156个: done already
                return name
        carried = self._carried.get(left)
        if carried is None:
            carried = self._carried[left] = self._carried_from(left)
        if carried != "actual" and _FROM_NOW_RE.search(self.sentence, left, rel):
            return "actual"  # 投产后，公司产能将从3万吨提高到4.5万吨: the 3万吨 is now's
        return carried

    def _carried_from(self, left: int) -> str:
        """A clause that starts with the cue (after a year word and a subject at most:
        我们计划…, 该口岸力争…, 全旗将力争…) carries it to the clauses after it."""
        for m in _CARRY_CLAUSE_RE.finditer(self.sentence[:left]):
            clause = m.group().lstrip(' \u3000“"‘「『（(')  # “全年力争…: a quotation's opening
            clause = _LEAD_TIME_RE.sub("", clause, count=1)  # 2026年力争…: the cue opens it
            clause = _LEAD_SUBJECT_RE.sub("", clause, count=1)  # 我们计划…, 全市力争…
            if _TARGET_RE.match(clause):
                return "target"
            if _FORECAST_RE.match(clause) or _ONCE_DONE_RE.search(clause):
                return "forecast"
        return "actual"


# a figure its clause names an aim after (…增长10%以上、…突破30亿元的目标; 完成全年18万人目标
# 任务的58.9%: the 18万人 is the aim, the 58.9% what was reached)
_AIM_AFTER_RE = re.compile(r"[\u4e00-\u9fff、]{0,16}?(?:的)?(?:预期)?目标")

# a section heading of a report that announces its aims (二、2025年主要目标, 三、2024年重点工作):
# the figures of its paragraphs are targets unless their own words say otherwise
_TARGET_HEADING_RE = re.compile(r"目标|预期|重点工作|主要任务|重点任务|工作安排|工作打算")


def _target_sections(blocks: list[Block]) -> set[int]:
    """Starts of the paragraphs under a subheadline that announces aims (up to the next
    heading)."""
    starts: set[int] = set()
    aims = False
    for block in blocks:
        if block.kind in _TITLE_KINDS:
            aims = block.kind == "subheadline" and bool(_TARGET_HEADING_RE.search(block.text))
        elif aims and block.kind == "paragraph":
            starts.add(block.start)
    return starts


def _list_modality(text: str, start: int, position: int) -> str | None:
    """A cue in the clause that ends with a colon, or opening the list after it, governs
    the list across the ``；`` that separate its items (主要预期目标是：…增长6%左右；…增长5%;
    重点抓好以下工作：力争…；新增…). Without a colon, a cue that opens the list's first
    item governs the items after it (预计全市地区生产总值完成1168亿元，增长6.4％；一般公共预算
    收入完成98.6亿元…: the preliminary figures of a work report's year in review)."""
    colon = max(text.rfind("：", start, position), text.rfind(":", start, position))
    if colon < 0:
        opening = text[start : start + 4].lstrip()
        if _TARGET_RE.match(opening):
            return "target"
        if _FORECAST_RE.match(opening):
            return "forecast"
        return None
    lead = text[max(start - 1, *(text.rfind(c, start, colon) for c in "。，,；;")) + 1 : colon]
    # the cue may also open the list itself (工作：力争全年…；新增…)
    opening = text[colon + 1 : colon + 4]
    if _TARGET_RE.search(lead) or _TARGET_RE.match(opening):
        return "target"
    if _FORECAST_RE.search(lead) or _FORECAST_RE.match(opening):
        return "forecast"
    return None


class _SentenceContext:
    """What the figures of one sentence (cut at its block) share, computed once: its text
    (the view and as printed), where its ；-list starts, its modality cues, its masked
    spans, its sentence model and the spans of its figures (relative offsets)."""

    def __init__(
        self,
        view: ArticleView,
        printed: str,
        block_start: int,
        s_start: int,
        s_end: int,
        masks: _Intervals,
        readings: list[Reading],
        first: int,
        stop: int,
    ):
        text = view.text
        self.sentence = text[s_start:s_end]
        self.printed = printed[s_start:s_end]
        self.list_start = _list_start(text, block_start, s_start)
        self.cues = _ModalityCues(self.sentence)
        self.masked = masks.within(s_start, s_end)
        self.model = view.sentence(s_start, s_end)
        # its figures are readings[first:stop]
        self.first = first
        self.spans = tuple((o.start - s_start, o.end - s_start) for o in readings[first:stop])
        self.figure_starts = tuple(a for a, _ in self.spans)  # for 分别 pairing (places)

    def others(self, n: int) -> tuple[tuple[int, int], ...]:
        """The spans of the sentence's figures but ``readings[n]``."""
        i = n - self.first
        return self.spans[:i] + self.spans[i + 1 :]


_OPENER_MARKS = r"[\s“”\"●▲■◆·\d.、]*"  # bullets and numbering before a sentence's opener
# a sentence of the previous one's parts: 其中, 签约项目中，
_PART_OF_RE = re.compile(_OPENER_MARKS + r"(?:其中|[^，,。；;：:\s]{2,8}中[，,])")
# a breakdown of what the paragraph (or the one before) measured: 分旗区看：阿拉善左旗完成…
_BREAKDOWN_RE = re.compile(_OPENER_MARKS + r"(?:分|从各?)[^，,：:。；\s]{1,5}看[，,：:]")


def _colon_lead(text: str, start: int, longest: int = 30) -> str:
    """The lead of the list whose item is the paragraph at ``start`` when the lead
    introduces it with a colon (…具体如下： / 锡林郭勒盟8960万元；/ 乌兰察布市6120万元；):
    the lines before it, up to that lead, are items (each ending in ；, or short); else ''."""
    for line in lines_before(text, start, longest):
        line = line.strip(" \t\u3000")
        if not line:
            continue
        if line.endswith(("：", ":")):
            return line
        if not (line.endswith(("；", ";")) or len(line) <= _SHORT_ITEM):
            return ""
    return ""


_SHORT_ITEM = 20  # a list item without its ；: 赤峰市1960万元；… 通辽市1520万元。


def _adjacent(text: str, end: int, start: int) -> bool:
    """Whether a sentence starting at ``start`` follows the one ending at ``end`` in the
    same paragraph (nothing but spaces between)."""
    return 0 <= end <= start and not text[end:start].strip(" \t\u3000")


def _add_metrics(
    view: ArticleView,
    found: list[dict],
    sentence_of: list[tuple[int, int]],
    list_of: list[int],
) -> None:
    """Metric, measure and base figure of every figure, one sentence at a time
    (:func:`orchestration.text.metrics.classify_sentence`); only sentences that hold a
    figure are scanned for cues, once each (the sentence model's ``cue_hits``).

    ``list_of``: where each figure's ；-list starts (its sentence's start when it is no
    list item). An item whose level names no metric measures what the list's first level
    in that unit measured, and so do the changes and shares of that level
    (``呼伦贝尔市农畜产品加工业产值达到612.4亿元,增长9.3%；兴安盟完成287.6亿元,增长12.1%``).
    A breakdown sentence (``分旗区看：阿拉善左旗完成18.64亿元``) or an item of a list led by a
    colon (``具体如下：`` / ``锡林郭勒盟8960万元；``) lists parts of the first level in that
    unit of its paragraph, else of the nearest paragraph before that has one."""
    list_metric: dict[tuple[int, str], str] = {}  # (list start, unit family) -> metric
    # the previous sentence's level metrics by unit family, and where it ended
    before: tuple[int, dict[str, str]] = (-1, {})
    # each paragraph's first level metric by unit family, paragraphs in order (breakdowns)
    paragraph_levels: dict[int, dict[str, str]] = {}
    i = 0
    while i < len(found):
        j = i
        while j < len(found) and sentence_of[j] == sentence_of[i]:
            j += 1
        s_start, s_end = sentence_of[i]
        group = found[i:j]
        model = view.sentence(s_start, s_end)
        readings = classify_sentence(
            model.norm,
            [(f["char_start"] - s_start, f["char_end"] - s_start, f["unit"]) for f in group],
            model.cue_hits,
            normalized=True,
        )
        names = [reading.name for reading in readings]
        paragraph = view.text.rfind("\n", 0, s_start) + 1
        unnamed = [
            k
            for k, reading in enumerate(readings)
            if reading.measure in LEVELS and names[k] is None
        ]
        if unnamed and (_BREAKDOWN_RE.match(model.norm) or _colon_lead(view.text, paragraph)):
            # 分旗区看：阿拉善左旗完成18.64亿元, or the lines after 具体如下：: the parts of
            # the paragraph's own first level in that unit, else of the nearest paragraph
            # before that has one
            for k in unnamed:
                family = unit_family(group[k]["unit"])
                names[k] = next(
                    (
                        levels[family]
                        for _, levels in sorted(paragraph_levels.items(), reverse=True)
                        if family in levels
                    ),
                    None,
                )
        for k, (fields, reading) in enumerate(zip(group, readings, strict=True)):
            if reading.measure not in LEVELS:
                continue
            key = (list_of[i + k], unit_family(fields["unit"]))
            if names[k] is None and key[0] < s_start:  # an item naming nothing
                names[k] = list_metric.get(key)
            if names[k] is not None:
                list_metric.setdefault(key, names[k])
        if _PART_OF_RE.match(model.norm) and _adjacent(view.text, before[0], s_start):
            # 其中,内蒙古段长约383公里: parts of what the sentence before measured
            for k, (fields, reading) in enumerate(zip(group, readings, strict=True)):
                known = VOCABULARY.get(names[k]) if names[k] else None
                if reading.measure in LEVELS and (
                    known is None or known.priority <= GENERIC_PRIORITY
                ):
                    names[k] = before[1].get(unit_family(fields["unit"]), names[k])
        levels = {
            unit_family(fields["unit"]): names[k]
            for k, (fields, reading) in enumerate(zip(group, readings, strict=True))
            if reading.measure in LEVELS and names[k] is not None
        }
        for family, name in levels.items():
            paragraph_levels.setdefault(paragraph, {}).setdefault(family, name)
        before = (s_end, levels)
        for k, (fields, reading) in enumerate(zip(group, readings, strict=True)):
            base = group[reading.base] if reading.base is not None else None
            inherited = (
                reading.base is not None and names[reading.base] != readings[reading.base].name
            )
            fields.update(
                metric=names[reading.base] if inherited else names[k],
                measure=reading.measure,
                base_start=base["char_start"] if base else None,
                base_end=base["char_end"] if base else None,
            )
        i = j


def _narrow_by_topics(
    text: str,
    found: list[dict],
    sentence_of: list[tuple[int, int]],
    topics: list[str],
    title: str = "",
) -> None:
    """A topic named by a figure's paragraph (its topic sentence) or by its sentence before
    it narrows a broad metric (消费帮扶 … 销售农畜产品3.7亿元: ``rules/metric_topics.yaml``);
    a metric whose sentence and topic (and, for a list's item, the list's lead) lack its
    context words falls back (``needs_context``: 该项目总投资38亿元 is no deal's)."""
    for fields, (s_start, s_end), topic in zip(found, sentence_of, topics, strict=True):
        paragraph = text.rfind("\n", 0, s_start) + 1
        # a title's lines are one passage (…中欧班列年内通行突破3800列 / 单月开行…)
        if fields["block_kind"] == "headline":
            paragraph = 0
        if fields["metric"] in NARROWED_METRICS:
            scope = topic + text[s_start : fields["char_start"]]
            whole = topic + text[paragraph : fields["char_start"]]
            fields["metric"] = narrowed(fields["metric"], scope, whole, title)
        if fields["metric"] in CONTEXTS:
            # a list's item is read with its lead (现场签约的部分重点项目如下：)
            scope = _colon_lead(text, paragraph) + topic + text[s_start:s_end]
            fields["metric"] = in_context(fields["metric"], scope)


def _airport_places(text: str, found: list[dict], sentence_of: list[tuple[int, int]]) -> None:
    """Air traffic placed at a city with one airport port is the port's
    (:func:`orchestration.text.places.airport_of`): known only once the metric is."""
    for fields, (s_start, s_end) in zip(found, sentence_of, strict=True):
        port = airport_of(fields["place_code"], fields["metric"], text[s_start:s_end])
        if port is not None:
            fields["place_code"] = port


def _unit_defaults(found: list[dict]) -> None:
    """A figure no cue names takes its unit's default metric (``unit_defaults`` of
    ``rules/metric_topics.yaml``: 全程约6800公里 is a distance)."""
    for fields in found:
        if fields["metric"] is None and fields["measure"] == "level":
            fields["metric"] = UNIT_DEFAULTS.get(fields["unit"])


def _category_from_metric(found: list[dict]) -> None:
    """A figure of a specific metric (priority at least SPECIFIC_PRIORITY) takes the metric's
    category: 中欧班列 are transport and 院士专家工作站 research platforms (other) even in a
    sentence about trade or talent. A figure whose words name no category (``other``) takes
    the category of any metric: 落地项目16个, 新入驻企业42家 (projects and enterprises an
    investment drive brings: the contract counts them as funding), 城镇新增就业18万人
    (talent). Elsewhere, the words decide (企业 of a trade fair are trade), and so they do
    for a share, whose category is the whole's (京津冀游客占比超60% of a train's seats), and
    for the metrics of ``category_from_words`` (rules/metric_topics.yaml: 增收 of 劳务协作
    is talent). A count of the items a money figure describes (measure ``count_of_items``:
    签约项目42个，总投资156亿元) is funding, whatever the items are."""
    for fields in found:
        metric = VOCABULARY.get(fields["metric"]) if fields["metric"] else None
        if metric is None:
            continue
        specific = (
            metric.priority >= SPECIFIC_PRIORITY
            and fields["measure"] != "share"
            and metric.name not in CATEGORY_FROM_WORDS
        )
        if specific or (fields["category"] == "other" and metric.category != "other"):
            fields["category"] = metric.category
        if fields["measure"] == "count_of_items":
            fields["category"] = "funding"  # 实施项目236个 beside its money: the deal's count


def _category_from_headline(found: list[dict], headline: str) -> None:
    """A figure that neither its words nor a metric give a category (``other``, no metric)
    takes the one category the headline names (an expressway's 桥梁3座, 工期1080天 under
    …高速公路建成通车 are transport)."""
    category = headline_category(headline) if headline else None
    if category is None:
        return
    for fields in found:
        if fields["category"] == "other" and fields["metric"] is None:
            fields["category"] = category


def extract_figures(
    parsed: ParsedArticle,
    published_on: date | None = None,
    *,
    view: ArticleView | None = None,
    places: PlaceResolver | None = None,
    home: str | None = None,
) -> list[Figure]:
    """Every figure of ``parsed.text``, sorted by char_start, with no overlapping spans.

    ``published_on``: the article's publication date (from its sidecar); when None, the
    date line of the text, if any, resolves relative periods (今年, 去年). ``home``: the
    place of the local paper that printed it (:func:`.places.home_of_source` of the
    sidecar's ``source``), the place of last resort.

    ``view`` and ``places``: a caller that has built the article's
    :class:`.clauses.ArticleView` (of ``simplified(parsed.text)``) or its
    :class:`.places.PlaceResolver` (built on that view with ``view.sentences``) passes them,
    and they are not built again. The sentence model of :mod:`.clauses` is computed once per sentence
    and shared by the sentence's figures (categories, metrics, places, periods).
    """
    printed = parsed.text
    if view is None:
        # every rule reads the simplified view; offsets are the same
        view = ArticleView(simplified(printed))
    text, norm = view.text, view.norm
    masks = _Intervals(
        _spans(_TITLE_RE, norm)
        + _spans(_SHORT_QUOTE_RE, norm)
        + _spans(_PHONE_RE, norm)
        + _spans(_RELATED_RE, norm)
    )
    readings = _find_candidates(norm, masks)
    readings = sorted(readings + _coordinated_bare(norm, readings, masks), key=lambda r: r.start)

    reading_starts = [r.start for r in readings]
    blocks = parsed.blocks
    block_starts = [b.start for b in blocks]
    sentences = view.sentences
    sentence_starts = view.sentence_starts
    if places is None:
        places = PlaceResolver(
            text, blocks, sentences, bool(parsed.sections), parsed.dateline, home
        )
    topics: dict[int, str] = {}
    contexts: dict[tuple[int, int], _SentenceContext] = {}  # per sentence (cut at its block)
    aims = _target_sections(blocks)  # paragraphs under a heading of aims: targets

    found: list[dict] = []  # each figure's fields, completed below
    sentence_of: list[tuple[int, int]] = []  # each figure's sentence bounds
    list_of: list[int] = []  # where each figure's ；-list starts
    topic_of_figure: list[str] = []  # each figure's paragraph topic sentence ('' when none)
    previous: tuple[int, str] | None = None  # (sentence start, category) of the last figure
    list_units: dict[tuple[int, str], str] = {}  # (；-list start, unit) -> its first category
    for n, r in enumerate(readings):
        k = bisect.bisect_right(block_starts, r.start) - 1
        block: Block | None = blocks[k] if k >= 0 and r.start < blocks[k].end else None
        if block is None:  # every kind of block is read: a figure is a figure wherever printed
            continue
        si = bisect.bisect_right(sentence_starts, r.start) - 1
        s_start, s_end = sentences[si]
        s_start, s_end = max(s_start, block.start), min(s_end, block.end)
        context = contexts.get((s_start, s_end))
        if context is None:
            # the sentence's figures: its other figures' clauses keep their words
            lo = bisect.bisect_left(reading_starts, s_start)
            hi = bisect.bisect_left(reading_starts, s_end)
            context = contexts[(s_start, s_end)] = _SentenceContext(
                view, printed, block.start, s_start, s_end, masks, readings, lo, hi
            )
        sentence = context.sentence
        rel_start, rel_end = r.start - s_start, r.end - s_start
        # a list's items are sentences of their own (the model splits at ；): its lead's cue
        # (目标是：…；…；…) governs them all, and an item naming nothing measures what the
        # previous items measured
        m_start = context.list_start
        modality = context.cues.modality(rel_start)
        if modality == "actual":
            modality = _list_modality(text, m_start, r.start) or "actual"
        if modality == "actual" and block.start in aims:
            modality = "target"
        if modality == "actual" and _AIM_AFTER_RE.match(text, r.end, s_end):
            modality = "target"  # 确定全年增长10%以上、…突破30亿元的目标: named an aim after

        if block.start not in topics:
            topics[block.start] = (
                topic_of(text[block.start : block.end]) if block.kind == "paragraph" else ""
            )
        topic = topics[block.start]
        if topic and s_start == block.start:
            topic = ""  # the topic sentence itself
        prev_cat = previous[1] if previous and previous[0] == s_start else None
        others = context.others(n)
        parallel = None
        if m_start < s_start:  # an item of a ；-list: the previous items' figures
            parallel = list_units.get((m_start, r.quantity.unit))
        cat = categorize(
            sentence,
            rel_start,
            rel_end,
            r.quantity.unit,
            prev_cat,
            topic,
            context.masked,
            others,
            parallel,
            model=context.model,
        )
        previous = (s_start, cat.category)
        list_units.setdefault((m_start, r.quantity.unit), cat.category)

        attribution = places.place_of(
            block, s_start, s_end, rel_start, context.figure_starts, rel_end
        )
        sentence_of.append((s_start, s_end))
        list_of.append(m_start)
        topic_of_figure.append(topic)
        found.append(
            {
                "surface": printed[r.start : r.end],
                "char_start": r.start,
                "char_end": r.end,
                "value": r.quantity.value,
                "unit": r.quantity.unit,
                "bound": r.quantity.bound,
                "modality": modality,
                "category": cat.category,
                "city_code": attribution.city_code,
                "sentence": context.printed,
                "block_kind": block.kind,
                "upper": r.quantity.upper,
                "place_code": attribution.place_code,
                "place_evidence": attribution.evidence,
            }
        )
    _add_metrics(view, found, sentence_of, list_of)
    titles = "\n".join(b.text for b in blocks if b.kind in _TITLE_KINDS)
    _narrow_by_topics(text, found, sentence_of, topic_of_figure, titles)
    _unit_defaults(found)
    _airport_places(text, found, sentence_of)
    _category_from_metric(found)
    _category_from_headline(found, "\n".join(b.text for b in blocks if b.kind == "headline"))
    if published_on is None:
        published_on = publication_date(text)
    spans = [(f["char_start"], f["char_end"]) for f in found]
    periods = _headline_echoes(
        found,
        event_anaphors(
            text,
            sentence_of,
            event_signings(
                text, sentence_of, figure_periods(text, spans, published_on, sentences=sentences)
            ),
        ),
    )
    review = is_year_review(titles, published_on)
    figures = [
        _aims_of_a_later_year(
            Figure(
                **fields,
                period=_reference_period(fields, period, text, sentence, published_on, review),
            ),
            published_on,
        )
        for fields, period, sentence in zip(found, periods, sentence_of, strict=True)
    ]
    figures = _years_in_turn(text, figures)
    if any(b.kind == "table" for b in blocks):
        figures = sorted(
            figures + _table_figures(parsed, published_on, home), key=lambda f: f.char_start
        )
    return _figure_headers(parsed, figures, published_on, home)


def _years_in_turn(text: str, figures: list[Figure]) -> list[Figure]:
    """A span of N whole years followed by a list of N figures of one unit (2021年至2025年，
    …资金3.12亿元、3.26亿元、3.35亿元、3.41亿元和3.48亿元) gives the figures its years in
    turn: the list is one figure per year."""
    out = list(figures)
    i = 0
    while i < len(out):
        j = i + 1
        while (
            j < len(out)
            and out[j].unit == out[i].unit
            and out[j].period == out[i].period
            and _LIST_GAP_RE.fullmatch(text, out[j - 1].char_end, out[j].char_start)
        ):
            j += 1
        period = out[i].period
        if (
            j - i >= 2
            and period is not None
            and period.start is not None
            and period.end is not None
            and (period.start.month, period.start.day) == (1, 1)
            and period.end.year - period.start.year + 1 == j - i
        ):
            for k in range(i, j):
                year = period.start.year + k - i
                out[k] = replace(
                    out[k], period=Period(period.text, date(year, 1, 1), date(year, 12, 31), "year")
                )
        i = j
    return out


_LIST_GAP_RE = re.compile(r"[、和及]")  # 3.12亿元、3.26亿元…和3.48亿元: one list


def _aims_of_a_later_year(figure: Figure, published_on: date | None) -> Figure:
    """A figure of a period that starts in a year after publication (到2027年，加工转化率
    达到45%; 明年新引进项目200个) is an aim: a target, where no word made it a forecast."""
    period = figure.period
    if (
        figure.modality != "actual"
        or published_on is None
        or period is None
        or period.start is None
        or period.start.year <= published_on.year
    ):
        return figure
    return replace(figure, modality="target")


# ------------------------------------------------------------------ figure headers

# 数说 posts print a figure alone on a line and say what it counts in the next paragraph
# (▌2.36万人 / 这是今年1—11月全市高校毕业生留包就业创业的人数，…): the line is only the
# figure, after an optional marker
_HEADER_MARKS = BULLETS + "▌▍█■□◆◇▪▫●○·•→【】 \u3000\t"
# the clause that defines the figure ends with a noun of amount (…的人数, …总数, …专项资金)
_DEFINING_END_RE = re.compile(
    r"(?:数量|人数|人次|总数|总量|个数|家数|规模|资金|金额|总额|面积|产量|产值|收入|比例|比重|占比)$"
)


def _figure_headers(
    parsed: ParsedArticle,
    figures: list[Figure],
    published_on: date | None,
    home: str | None = None,
) -> list[Figure]:
    """A figure printed alone on its line takes what it is (category, metric, measure,
    place, period, modality) from the words that define it, read as the sentence they
    stand for, under the article's headline and lead, by this extractor:

    * a label on the line before (▶外贸进出口 / 326.8亿元 / 📈同比增长18.4%): the label, 为,
      the figure, and the change printed on the line after it (外贸进出口为326.8亿元，同比
      增长18.4%), which is read the same way;
    * else the paragraph after it (▌2.36万人 / 这是今年1—11月全市高校毕业生留包就业创业的
      人数，…): its first sentence with the figure after its defining clause.

    Surfaces and offsets stay the lines'."""
    blocks = parsed.blocks
    starts = [b.start for b in blocks]
    out = list(figures)
    for n, f in enumerate(figures):
        k = bisect.bisect_right(starts, f.char_start) - 1
        if k < 0 or len(blocks[k].text) > 40:
            continue
        readings = _header_readings(blocks, k, f.surface)
        if not readings:
            continue
        # the article's first headline line and its lead: what 全市 and 今年 point at
        context = [b.text for b in blocks[:k] if b.kind == "headline"][:1]
        context += [b.text for b in blocks[:k] if b.kind == "paragraph"][:1]
        for sentence, at in readings:
            synthetic = parse_article(parsed.article_id, "\n".join([*context, sentence]))
            where = synthetic.text.rfind(sentence) + at
            read = next(
                (
                    g
                    for g in extract_figures(synthetic, published_on, home=home)
                    if g.char_start == where
                ),
                None,
            )
            if read is None or read.metric is None and f.metric is not None:
                continue
            out[n] = replace(
                f,
                category=read.category,
                metric=read.metric,
                measure=read.measure,
                modality=read.modality,
                city_code=read.city_code,
                place_code=read.place_code,
                place_evidence=read.place_evidence,
                period=read.period,
            )
            break
    return out


def _bare(text: str) -> str:
    """A line without its markers and emoji (▶, 📈, ✈️)."""
    return "".join(
        c for c in text if c not in _HEADER_MARKS and unicodedata.category(c) not in _EMOJI
    )


def _header_readings(blocks: list[Block], k: int, surface: str) -> list[tuple[str, int]]:
    """The sentences a line standing for a figure may be read as, best first, each with
    where the figure starts in it (:func:`_figure_headers`)."""
    line = _bare(blocks[k].text)
    readings = []
    label = _label(blocks, k - 1)
    if line == surface:
        after = _bare(blocks[k + 1].text) if k + 1 < len(blocks) else ""
        change = "，" + after if _CHANGE_LINE_RE.match(after) else ""
        if label:
            readings.append((label + "为" + surface + change, len(label) + 1))
        if k + 1 < len(blocks) and blocks[k + 1].kind == "paragraph":
            definition = _first_sentence(blocks[k + 1].text)
            at = _defining_end(definition)
            readings.append((definition[:at] + "为" + surface + definition[at:], at + 1))
    elif _CHANGE_LINE_RE.match(line) and k >= 1 and surface in line:
        header = _bare(blocks[k - 1].text)
        label = _label(blocks, k - 2)
        if label and header and not _LABEL_RE.match(header) and len(blocks[k - 1].text) <= 40:
            sentence = label + "为" + header + "，" + line
            readings.append((sentence, len(label) + len(header) + 2 + line.index(surface)))
    return readings


def _label(blocks: list[Block], k: int) -> str:
    """The text of block ``k`` when it labels the figure line after it (▶外贸进出口): a
    short line of words, no digits, no sentence."""
    if k < 0 or blocks[k].kind not in ("paragraph", "subheadline"):
        return ""
    label = _bare(blocks[k].text)
    return label if _LABEL_RE.match(label) else ""


# a label over a figure line: a few words, no digit, no punctuation of a sentence
_LABEL_RE = re.compile(r"[\u4e00-\u9fff“”（）()·、A-Za-z]{2,14}$")
# a line printing a change of the figure above it (📈同比增长18.4%, 🚄开行量增长16.3%)
_CHANGE_LINE_RE = re.compile(
    r"[\u4e00-\u9fff]{0,4}?(?:同比|比上年|较上年)?(?:增长|下降|提高|增加|减少)[^，。；\n]{1,12}$"
)
_EMOJI = ("So", "Sk", "Cf", "Mn")  # pictographs, modifiers, joiners and variation selectors


def _first_sentence(text: str) -> str:
    ends = [i for i in (text.find(c) for c in "。！？!?") if i >= 0]
    return text[: min(ends) + 1] if ends else text


def _defining_end(sentence: str) -> int:
    """Where the clause that says what a figure header counts ends: the first clause ending
    in a noun of amount, else the sentence's end (before its closing mark)."""
    start = 0
    for i, c in enumerate(sentence):
        if c in _CLAUSE_PUNCT:
            if _DEFINING_END_RE.search(sentence, start, i):
                return i
            start = i + 1
    return len(sentence.rstrip("。！？!?"))


def _caption(blocks: list[Block], k: int) -> str:
    """The text of block ``k`` when it may caption a table (a short line, no sentence)."""
    before = blocks[k] if k >= 0 else None
    return (
        before.text
        if before is not None
        and before.kind in ("paragraph", "subheadline", "headline")
        and len(before.text) <= _MAX_CAPTION
        and not before.text.endswith(("。", "；", ";"))
        else ""
    )


def _table_figures(
    parsed: ParsedArticle, published_on: date | None, home: str | None = None
) -> list[Figure]:
    """The bare numbers of the article's tables (tables.py): each row is read as the
    sentence it stands for, under the article's headline and the table's caption (the line
    before the header: 表1 2024年主要口岸进出境货运量), by this extractor; each figure then
    points at its cell (surface, offsets, the row as its sentence). The article's other
    lines are no context of a table: a row names its place, else the headline does."""
    blocks = parsed.blocks
    figures: list[Figure] = []
    i = 0
    while i < len(blocks):
        if blocks[i].kind != "table":
            i += 1
            continue
        j = i + 1  # the header's rows: up to the next header (tables back to back) or text
        while j < len(blocks) and blocks[j].kind == "table" and not is_header(blocks[j].text):
            j += 1
        header, rows = blocks[i], blocks[i + 1 : j]
        caption = _caption(blocks, i - 1)
        if caption and is_unit_line(caption) and i > 1:
            # 表1　2023年…主要经济指标 / 单位：万元、% / the header: the title and its units
            caption = " ".join(c for c in (_caption(blocks, i - 2), caption) if c)
        lead = list(dict.fromkeys(line for line in (parsed.headline, caption) if line))
        sentences = row_sentences(header.text, [b.text for b in rows], caption_unit(caption))
        # a column named only for its kind of number (金额（万元）) leaves what it measures to
        # the caption (…项目拟资助名单): its rows are read after the caption's words
        named_by = f"{caption}：" if caption and any("" in r.columns for r in sentences) else ""
        synthetic = parse_article(
            parsed.article_id,
            "\n".join(lead + [named_by + r.sentence for r in sentences if r.sentence]),
        )
        # where each row's numbers are in the repaired synthetic text (found, not computed:
        # the parser may join or drop lines)
        cell_at: dict[int, tuple[Block, Cell]] = {}
        group_at: dict[int, str] = {}  # the group label (进口, 出口) over each row's numbers
        column_at: dict[int, str] = {}  # each number's column (本月, 累计)
        pos = 0
        for block, row in zip(rows, sentences, strict=True):
            at_row = synthetic.text.find(row.sentence, pos) if row.sentence else -1
            if at_row < 0:
                continue
            for (at, cell), column in zip(row.numbers, row.columns, strict=True):
                cell_at[at_row + at] = (block, cell)
                group_at[at_row + at] = row.group
                column_at[at_row + at] = column
            pos = at_row + len(row.sentence)
        read = _trade_directions(
            extract_figures(synthetic, published_on, home=home), caption, group_at
        )
        for f in read:
            if f.char_start not in cell_at:
                continue
            block, cell = cell_at[f.char_start]
            start = block.start + cell.start
            base = cell_at.get(f.base_start) if f.base_start is not None else None
            base_start = base[0].start + base[1].start if base else None
            figures.append(
                replace(
                    f,
                    surface=cell.text,
                    char_start=start,
                    char_end=start + len(cell.text),
                    sentence=block.text,
                    block_kind="table",
                    base_start=base_start,
                    base_end=base_start + len(base[1].text) if base else None,
                    period=_running_total(f.period, column_at[f.char_start]),
                )
            )
        i = j
    return figures


def _running_total(period: Period | None, column: str) -> Period | None:
    """A cell of a 累计 column under one month (2025年5月…: 本月　累计) counts the year up to
    that month's end; the 本月 column keeps the month."""
    if (
        period is None
        or _RUNNING_TOTAL not in column
        or period.start is None
        or period.end is None
        or (period.start.year, period.start.month) != (period.end.year, period.end.month)
        or period.start.month == 1
    ):
        return period
    return replace(period, start=date(period.end.year, 1, 1), kind="cumulative")


_RUNNING_TOTAL = "累计"


# a table caption's trade direction (2024年1—10月…主要进口商品) and what its cells with no
# metric of their own measure: the quantity in tonnes, the value in money
_CAPTION_TRADE = (
    (
        re.compile(r"(?<!进)出口"),
        {"tonne": "export_volume", "CNY": "export_value", "USD": "export_value"},
    ),
    (re.compile(r"进口"), {"tonne": "import_volume", "CNY": "import_value", "USD": "import_value"}),
)


def _trade_directions(
    figures: list[Figure], caption: str | None, group_at: dict[int, str]
) -> list[Figure]:
    """:func:`_caption_trade` for each group of a table's rows: a group label (进口, 出口)
    names the direction of the rows under it, the caption that of the others."""
    out = list(figures)
    for group in {"", *group_at.values()}:
        rows = [i for i, f in enumerate(figures) if group_at.get(f.char_start, "") == group]
        directed = _caption_trade([figures[i] for i in rows], group or caption)
        for i, f in zip(rows, directed, strict=True):
            out[i] = f
    return out


def _caption_trade(figures: list[Figure], caption: str | None) -> list[Figure]:
    """The cells of a table of imports or exports (its caption names the direction) whose
    row and header name no metric (商品名称 / 数量（万吨） / 金额（亿元）) measure the
    traded quantity or value; a change takes the metric of the level it changes."""
    if not caption or "进出口" in caption:
        return figures
    metrics = next((m for pattern, m in _CAPTION_TRADE if pattern.search(caption)), None)
    if metrics is None:
        return figures
    out = [
        replace(f, metric=metrics[f.unit], category="trade")
        if f.metric is None and f.measure == "level" and f.unit in metrics
        else f
        for f in figures
    ]
    by_start = {f.char_start: f for f in out}
    return [
        replace(f, metric=by_start[f.base_start].metric, category="trade")
        if f.metric is None and f.base_start in by_start and by_start[f.base_start].metric
        else f
        for f in out
    ]


_TITLE_KINDS = ("headline", "subheadline")
_MAX_CAPTION = 60  # a table's caption: a short line without a sentence's end


def _headline_echoes(found: list[dict], periods: list[Period]) -> list[Period]:
    """A headline states the body's news again: a title figure that prints no period of its
    own takes the period of the first body figure with its value and unit (a headline's
    签约42个项目 is the lead's 5月18日,…签约项目42个), else of the first body figure of its
    metric and unit that its rounded value stands for (a headline's 开行量突破3500列 is the
    body's 今年以来…开行中欧班列3512列)."""
    out = list(periods)
    for i, fields in enumerate(found):
        if fields["block_kind"] not in _TITLE_KINDS or periods[i].text:
            continue
        body = [j for j in range(i + 1, len(found)) if found[j]["block_kind"] not in _TITLE_KINDS]
        echo = next((j for j in body if _same_figure(fields, found[j])), None)
        if echo is None:
            echo = next((j for j in body if _rounded_to(fields, found[j])), None)
        if echo is not None:
            out[i] = periods[echo]
    return out


def _same_figure(title: dict, other: dict) -> bool:
    return other["unit"] == title["unit"] and math.isclose(
        other["value"], title["value"], rel_tol=1e-9
    )


def _rounded_to(title: dict, other: dict) -> bool:
    """Whether a title's bounded figure (突破3500列, 近9成) rounds ``other`` of its metric."""
    if title["bound"] == "exact" or not title["metric"] or other["metric"] != title["metric"]:
        return False
    if other["unit"] != title["unit"] or other["measure"] != title["measure"]:
        return False
    low, high = {
        "at_least": (1.0, 1.2),
        "approx": (0.9, 1.1),
        "at_most": (0.8, 1.0),
    }[title["bound"]]
    return low * title["value"] <= other["value"] <= high * title["value"]


# the units of a policy's standards: amounts, rates, and caps of heads or area
_STANDARD_UNITS = frozenset({"CNY", "pct", "count", "mu"})


def _reference_period(
    fields: dict,
    period: Period,
    text: str,
    sentence: tuple[int, int],
    published_on: date | None,
    year_review: bool = False,
) -> Period:
    """The period of a figure from the one its words give: not carried where it does not
    apply, none for a design's figure, a policy's standard, a weekly frequency or a project's
    size, the year so far for a flow as of a date, 今年 up to publication when reached, and
    the publication date for a level its clause says was already reached (已建成) when no
    period words reach it."""
    period = _period_for(fields, period, text, sentence)
    if not period.text:
        if fields["measure"] == "level":
            now = already_now(
                _clause_before(text, sentence[0], fields["char_start"]),
                fields["modality"],
                published_on,
            )
            if now is not None:
                return now  # 全市已建成加氢站14座: a stock now
        return so_far_if_actual(
            period, fields["modality"], published_on, fields["unit"], year_review
        )
    start = fields["char_start"]
    # the figure's clause before it: read once, and only where a rule needs it
    clause = cache(lambda: _clause_before(text, sentence[0], start))
    if is_design(text, sentence[0], start) and is_design(clause()):
        return NO_PERIOD  # 设计年过货能力1500万吨: what it is built for, at no time
    if fields["unit"] in _STANDARD_UNITS and is_standard(clause()):
        return NO_PERIOD  # 每亩补贴150元, 给予最高50万元: a policy's rate or cap
    if is_frequency(clause(), period):
        return NO_PERIOD  # 每周执飞14班: a timetable's rate
    if fields["unit"] in ("CNY", "USD") and is_project_total(text, sentence[0], start):
        return NO_PERIOD  # 该项目总投资38亿元: the project's size
    if fields["unit"] in ("kW", "kWh") and names_a_project(text, fields["char_end"]):
        return NO_PERIOD  # 100万千瓦风电项目: the project's size
    if timeless_now(period, fields["metric"]):
        return NO_PERIOD  # 目前从包头到银川只需2小时: how things are now, no count at a date
    if fields["measure"] == "change_pct":  # 比2020年的35862元年均增长5.7%: 2021 to 2025
        average = annual_average(
            period, text[sentence[0] : start], fields["modality"], published_on
        )
        if average is not period:
            return average
    if period.kind == "point":
        period = since_year_start(period, clause())
    if period.kind == "year" and period.so_far_end is None and is_budget(text, sentence[0], start):
        return period  # 今年，区财政安排…资金1.26亿元: the year's budget, the whole year
    if period.year_so_far:
        left = start - len(clause())
        before = _clause_before(text, sentence[0], left - 1) if left > sentence[0] else ""
        period = flow_so_far(period, clause(), before, text[sentence[0] : sentence[1]])
    period = so_far_if_actual(period, fields["modality"], published_on, fields["unit"], year_review)
    if (
        period.kind != "point"
        and fields["measure"] == "level"
        and names_a_stock(text, sentence[0], start, fields["metric"])
    ):
        period = stock_at_end(period, clause(), fields["metric"])
    return period


def _clause_before(text: str, sentence_start: int, position: int) -> str:
    """The words of a figure's clause before it (from the last clause mark of its sentence)."""
    left = max(
        sentence_start, *(text.rfind(c, sentence_start, position) + 1 for c in _CLAUSE_PUNCT)
    )
    return text[left:position]


def _period_for(fields: dict, period: Period, text: str, sentence: tuple[int, int]) -> Period:
    """A period carried from an earlier sentence does not apply to a forecast or a target
    when it is a day (5月18日,…签约。项目建成后将年周转30万吨: the 30万吨 is no figure of
    May 18), nor to a figure of a lasting fact or a duration (``no_carry_metrics`` and
    ``no_carry_units`` of periods.yaml: 乌兰察布距北京约320公里, 平均通关时间压缩至2小时,
    历时1100余天)."""
    if not period.text or period.text in text[sentence[0] : sentence[1]]:
        return period  # no period, or the figure's own sentence states it
    if fields["unit"] in NO_CARRY_UNITS:
        return NO_PERIOD
    if fields["metric"] in NO_CARRY_METRICS and fields["measure"] != "change_pct":
        return NO_PERIOD  # a price is timeless; its rise (价格上涨1.6%) is over the period
    if fields["modality"] != "actual" and period.kind == "point":
        return NO_PERIOD
    return period
