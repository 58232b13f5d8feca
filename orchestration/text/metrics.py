"""Metric vocabulary and classifier: what each figure of a sentence measures (pure).

The vocabulary is data, ``rules/metrics.csv`` (docs/metrics.md): one row per metric with
``code`` (``<category>.<name>``), ``name`` (unique, the contract's ``metric``),
``category``, ``units`` (the unit codes a *level* of it may be printed in),
``description_zh``, ``cues`` (Chinese words or regexes that name it) and ``priority``
(which of several metrics sharing a cue is the usual reading). :data:`VOCABULARY` holds it
by name, loaded once.

:func:`classify_sentence` gives every figure of one sentence a :class:`MetricReading`: the
metric (``name``/``code``, None when no cue names it), the ``measure`` and, for a change or
a share, ``base``: the index of the figure it modifies. Per sentence the clauses (split at
，,；;：: and 。！？, never inside a figure nor in a comma between digits) and the cue hits
(one combined regex of every cue; at each hit the longest cue wins) are computed once.

Measure, decided from the figure's clause (the text between clause punctuation):

* ``rank``: a figure right after 第, or a 位/名 count after a ranking word (排名, 位列 …);
* ``change_abs``: a ``pp`` figure (个百分点), or a non-percentage figure printed right after
  a verb of change (增加, 减少, 增长, 下降, 缩短 …, 了 allowed: ``比上年增加3万吨``,
  ``增加了3万吨``; 多/少 only after a comparison 比/较). ``新增`` is not a change: it names
  a flow of new things (``新增就业岗位900个`` is a level), and a verb with a noun between
  it and the figure (``增加就业岗位900个``) governs the noun, not the figure;
* for a percentage, the marker nearest before it in its clause decides: a change marker
  (增长, 下降, 增加, 减少, 提高, 回落, 增速, 同比, 环比, 上涨 …) makes ``change_pct``,
  unless it is followed by 到/至 (``提高到35%`` is the new level; then an earlier share
  marker, else level, decides); a share marker (占, 占比, 比重, 份额, 比例, 其中) makes
  ``share``; a rate noun of the vocabulary (上座率, 转化率, 就业率 …) makes ``level``. With
  no marker, a percentage followed by 用于/投向/来自 … (``七成用于产业``) is a ``share``;
* ``count_of_items``: a count (个/项/家/批/宗/份/笔) of an item metric (one whose cues name
  项目, 企业, 协议, 合同 or 公司: projects_signed, enterprises_introduced …) in a sentence
  that also prints a money level of a funding metric (``签约项目42个,总投资156亿元``); its
  metric stays what it counts (projects, projects_signed) and its category is funding
  (extraction); a count beside a trade or output sum stays a level;
* else ``level``.

Base (changes and shares only; None when the sentence prints no such figure): the nearest
preceding level (or count_of_items) figure of the same clause chain (clauses joined by
commas or colons; ；and 。 end a chain). A ``pp`` figure changes a rate, so it links to the
nearest preceding percentage of its chain (``增速提高3.1个百分点`` → the growth rate),
else to a level. A ``change_abs`` links only to a level in the same unit (money to money).
When the change's own clause names its subject (the cue nearest before the figure, after
any earlier figure of the clause; for a share, before 占), the base must measure that
subject: ``出口40亿元,进口增长12%`` gives 12% no base. ``分别`` pairs in order: k changes
after 分别 link to the k preceding levels of the chain (``接待游客…人次,实现旅游收入…亿元,
同比分别增长12.8%和15.1%``), and k figures after a list of k nouns (``进出口、出口分别为
98亿元、40亿元``) take the nouns' metrics one by one.

Metric: a change or share takes the metric of its base. Otherwise the cue hits are tried
in tiers, the figure's own clause first, skipping cues inside other figures; the first
tier holding a hit with a metric whose units hold the figure's unit decides, and between
the metrics of one hit the highest priority wins (the usual reading of a shared cue):

1. a count: the noun after its counter (at most AFTER_NOUN_GAP characters on, extended
   along cues joined directly or by 的/级/类/型): ``547项政务服务事项``,
   ``36家国家级高新技术企业``, ``600余名农牧民在家门口稳定就业``; a generic noun yields to
   a more specific cue of its category touching the count before it (``签约42个项目``);
2. cues touching the figure (at most TOUCH_GAP characters before it) or inside its surface
   (时速, 架次, 户, 列 …), nearest first (``均价约610美元``); for a count, its counter
   and the nearest touching noun compete by priority (``中欧班列2,315列``, ``惠及18村``);
3. a cue right after it (``最高200万元奖励``, ``三百余人参加``);
4. the nearest cue before it (after any earlier figure of the clause), then after it
   (before the next figure), then anywhere else in the clause;
5. the clauses just before it that hold no figure (its subject: ``包银高铁开通后,
   从包头到银川只需2小时``);
6. with no cue at all, the metric of the previous level of the chain in the same unit
   (``公路总里程达到21.6万公里,比2020年的20.8万公里增加8000公里``).

A generic metric (priority at most GENERIC_PRIORITY: 投资, 里程, 面积 …) found before the
figure yields to a more specific cue at most MODIFIER_GAP characters before it
(``高速公路通车里程``, ``人工林保存面积``, ``社会资本投入``), else to a more specific cue of
its category in its subject, the clauses before it that hold no figure (``跨境铁路全线贯通,
全长约12公里``). Compounds a single cue would
split wrongly are regex cues matched as one (``跨境电商进出口额``, ``外送绿电``).

A change or share without a base drops the unit test (a percentage of anything): the
nearest named subject decides (for a share, the part before 占 first; a change only looks
before itself: ``同比增长30%带动企业…`` does not measure enterprises). The classifier
reads words only; categories and conventions remain those of categorize.py.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import yaml

from orchestration.text.codes import CATEGORIES, UNITS
from orchestration.text.numbers import normalize
from orchestration.text.prefilter import prefiltered
from orchestration.text.rejections import after_earlier_level

RULES = Path(__file__).resolve().parent / "rules"
VOCABULARY_CSV = RULES / "metrics.csv"
UNKNOWN = "unknown"
COLUMNS = ("code", "name", "category", "units", "description_zh", "cues", "priority")


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    category: str
    units: frozenset[str]
    description_zh: str
    cues: tuple[str, ...]
    priority: int


@dataclass(frozen=True)
class MetricReading:
    name: str | None  # vocabulary name, None when unknown
    code: str | None  # vocabulary code, None when unknown
    measure: str  # 'level' | 'change_pct' | 'change_abs' | 'share' | 'rank' | 'count_of_items'
    base: int | None  # index (into `figures`) of the level figure this change/share modifies


# ------------------------------------------------------------------ the vocabulary


def split_cues(field: str) -> tuple[str, ...]:
    """``a|b(?:c|d)`` → ``('a', 'b(?:c|d)')``: a ``|`` inside (...) or [...] is the regex's."""
    cues, current, depth, i = [], [], 0, 0
    while i < len(field):
        ch = field[i]
        if ch == "\\" and i + 1 < len(field):
            current.append(field[i : i + 2])
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "|" and depth == 0:
            cues.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    cues.append("".join(current).strip())
    return tuple(c for c in cues if c)


def load_vocabulary(path: Path = VOCABULARY_CSV) -> dict[str, Metric]:
    """The vocabulary file by name. Raises ValueError on a malformed row."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    vocabulary: dict[str, Metric] = {}
    for n, row in enumerate(rows, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        units = frozenset(u for u in row["units"].split("|") if u)
        metric = Metric(
            code=row["code"],
            name=row["name"],
            category=row["category"],
            units=units,
            description_zh=row["description_zh"],
            cues=split_cues(row["cues"]),
            priority=int(row["priority"]),
        )
        problems = []
        if metric.name in vocabulary:
            problems.append("duplicate name")
        if metric.category not in CATEGORIES:
            problems.append(f"category {metric.category!r}")
        if metric.code != f"{metric.category}.{metric.name}":
            problems.append(f"code {metric.code!r}")
        if not units or not units <= set(UNITS):
            problems.append(f"units {sorted(units - set(UNITS))}")
        if problems:
            raise ValueError(f"{path.name} line {n} ({metric.name}): {', '.join(problems)}")
        vocabulary[metric.name] = metric
    return vocabulary


VOCABULARY: dict[str, Metric] = load_vocabulary()


def closest_names(name: str, n: int = 3) -> list[str]:
    """Vocabulary names nearest to ``name`` (an annotation's metric not in the vocabulary):
    string similarity (difflib) plus shared snake_case words."""
    return list(_closest_names(name, n))


@functools.lru_cache(maxsize=4096)
def _closest_names(name: str, n: int) -> tuple[str, ...]:
    """Cached: a batch's annotation files repeat their few unknown names thousands of times,
    and scoring one name against the whole vocabulary takes milliseconds."""
    lowered = name.lower()
    words = set(lowered.split("_"))

    def score(candidate: str) -> float:
        ratio = difflib.SequenceMatcher(None, lowered, candidate).ratio()
        other = set(candidate.split("_"))
        overlap = len(words & other) / len(words | other)
        return 0.6 * ratio + 0.4 * overlap

    scored = sorted((-score(c), c) for c in VOCABULARY if c != UNKNOWN)
    return tuple(c for negative, c in scored[:n] if -negative > 0.25)


# ------------------------------------------------------------------ the cue index


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    metrics: tuple[Metric, ...]  # highest priority first


class _CueIndex:
    """Every cue of the vocabulary; at each position where one matches, the longest cue
    there decides the hit, and all metrics of that cue share it; the scan goes on after it.

    The literal cues (most of them) are found together by one Aho-Corasick automaton (every
    occurrence, overlapping); the few regex cues are tried only where one of them matches
    (an alternation of them all, behind a first-character filter, finds those positions).
    The hits are then read left to right from these matches: the same hits as trying every
    cue at every position, without a Python step per character."""

    def __init__(self, vocabulary: dict[str, Metric]) -> None:
        by_cue: dict[str, list[Metric]] = {}
        for metric in vocabulary.values():
            for cue in metric.cues:
                by_cue.setdefault(cue, []).append(metric)
        self.automaton = ahocorasick.Automaton()
        self.patterns: dict[str, list[tuple[re.Pattern[str], tuple[Metric, ...]]]] = {}
        for cue in sorted(by_cue):
            ranked = _ranked(by_cue[cue])
            if re.escape(cue) == cue:
                self.automaton.add_word(cue, (len(cue), ranked))
                continue
            chars = _first_chars(cue)
            if chars is None:
                raise ValueError(f"metric cue {cue!r}: its first characters cannot be told")
            for char in chars:
                self.patterns.setdefault(char, []).append((re.compile(cue), ranked))
        self.automaton.make_automaton()
        # where some regex cue matches: one alternation of them all finds the positions
        regex_cues = sorted(c for c in by_cue if re.escape(c) != c)
        self.any_pattern = (
            prefiltered(re.compile("|".join(f"(?:{c})" for c in regex_cues)))
            if regex_cues
            else None
        )

    def hits(self, text: str) -> list[_Hit]:
        # every match: start -> [(end, metrics)], the longest literal only
        at: dict[int, list[tuple[int, tuple[Metric, ...]]]] = {}
        for last, (n, ranked) in self.automaton.iter(text):
            start = last - n + 1
            got = at.get(start)
            if got is None or got[0][0] <= last:
                at[start] = [(last + 1, ranked)]
        patterns, search = self.patterns, self.any_pattern and self.any_pattern.search
        p = -1
        while search and (m := search(text, p + 1)):
            p = m.start()  # some regex cue matches here: try those that start with its char
            for pattern, ranked in patterns[text[p]]:
                mm = pattern.match(text, p)
                if mm and mm.end() > p:
                    at.setdefault(p, []).append((mm.end(), ranked))
        found: list[_Hit] = []
        pos = 0
        for p in sorted(at):
            if p < pos:
                continue
            matches = at[p]
            if len(matches) == 1:
                pos, ranked = matches[0]
            else:
                pos = max(end for end, _ in matches)
                ranked = _ranked(x for end, ms in matches if end == pos for x in ms)
            found.append(_Hit(p, pos, ranked))
        # 文化旅游类项目, 资源型企业: a cue before 类/型 and the cue right after it name a
        # kind of the later one's noun: only the noun is counted or measured
        return [
            h
            for h, after in zip(found, [*found[1:], None][: len(found)], strict=True)
            if after is None or after.start != h.end + 1 or text[h.end] not in _KIND_MARKS
        ]


_KIND_MARKS = "类型"  # 文化旅游类项目: the cue before names a kind of what follows


def _ranked(metrics) -> tuple[Metric, ...]:
    """Metrics sharing a cue, the usual reading (highest priority) first."""
    return tuple(sorted(set(metrics), key=lambda x: (-x.priority, x.name)))


def _first_chars(cue: str) -> set[str] | None:
    """The characters a match of ``cue`` can start with, or None when it cannot be told
    (a character class or another construct at the start). Literals and ``(?:a|b)``
    groups of literals are read."""
    if cue.startswith(("(?<=", "(?<!")):  # a lookbehind reads no character of the match
        depth, i = 1, 4
        while i < len(cue) and depth:
            depth += {"(": 1, ")": -1}.get(cue[i], 0) if cue[i - 1] != "\\" else 0
            i += 1
        return _first_chars(cue[i:])
    if cue[1:2] == "?" and cue[:1] not in "\\[.^$()|":  # 年?过货能力: 年 or 过
        rest = _first_chars(cue[2:])
        return None if rest is None else {cue[0]} | rest
    if cue.startswith("(?:"):
        depth, i = 1, 3
        while i < len(cue) and depth:
            depth += {"(": 1, ")": -1}.get(cue[i], 0)
            i += 1
        inner, rest = cue[3 : i - 1], cue[i:]
        if rest[:1] in ("?", "*", "{"):
            return None  # the group may be absent
        out: set[str] = set()
        for alternative in inner.split("|"):
            chars = _first_chars(alternative)
            if chars is None:
                return None
            out |= chars
        return out
    if not cue or cue[0] in "\\[.^$()|" or cue[1:2] in ("?", "*", "{"):
        return None
    return {cue[0]}


_INDEX = _CueIndex({k: v for k, v in VOCABULARY.items() if k != UNKNOWN})
# count metrics that say only what is counted: a count of items beside a sum is that sum's
_GENERIC_ITEMS = frozenset({"projects", "enterprises"})
_ITEM_RE = re.compile(r"项目|企业|协议|合同|公司")
# metrics counting items (projects, enterprises, agreements): a count cue names one of them
_ITEM_METRICS = frozenset(
    m.name for m in VOCABULARY.values() if "count" in m.units and any(map(_ITEM_RE.search, m.cues))
)

# ------------------------------------------------------------------ markers

_BREAK = "，,；;：:。！？!?"
_BREAK_RE = re.compile("[" + re.escape(_BREAK) + "]")
_STRONG_BREAK = "；;。！？!?"
_CHANGE_RE = re.compile(
    r"增长率|增长|增加|增速|增幅|下降|降幅|降低|下滑|下跌|回落|减少|减幅|缩减|提高|提升|上升|上涨"
    r"|回升|扩大|缩小|压缩|缩短|节约|节省|同比|环比|高于|低于|快于|慢于|净增|多增|翻番"
)
_GROWTH_NOUN_RE = re.compile(r"增速|增幅|降幅|增长率")
_RESULT_RE = re.compile(r"了?(?:到|至)")
# 占 as a share, not 占地 (land) unless 占地区…, nor 占用, 占据, 占领, 占有
_SHARE_RE = re.compile(
    r"占比|占(?!地(?!区)|[用据领有])|比重|份额|比例|其中"
    # 完成全年目标任务的58.9%, 为预算的103.4%: the share of a target or a budget reached
    r"|(?:完成|达到)[^，,。；;]{0,14}?(?:目标|任务|计划|预算)"
    r"|(?:为|是)(?:年度|全年|年初)?(?:预算|计划|目标)[^，,。；;]{0,4}?的"
)
_PART_END_RE = re.compile(r"占比|占(?!地(?!区)|[用据领有])|比重|份额|比例")  # part named before
# a portion of a whole going somewhere: 七成用于产业, 70%以上的京蒙资金投向产业类项目
_SHARE_AFTER_RE = re.compile(
    r"的?[\u4e00-\u9fff]{0,6}?(?:用于|投向|投入|来自|流向|集中在|集中于|投放)"
)
_CHANGE_ABS_RE = re.compile(
    r"(?:(?<!新)增加|减少|(?<!新)增长|下降|提高|降低|提升|上升|扩大|缩小|缩短|压缩|缩减|节约"
    r"|节省|净增|多增|(?<![新净多])增|(?<![递缩])减|(?P<more>多|少))了?$"
)
_COMPARE_RE = re.compile(r"[比较]")
_RANK_WORD_RE = re.compile(
    r"排名|排位|位次|位列|位居|排在|名列|跻身|居(?:全国|全区|全市|全盟|首|前)"
)
_ITEM_COUNTER_RE = re.compile(r"[个项家批宗份笔](?:以上|以下|左右|上下)?$")
_FENBIE = "分别"
_LIST_SPLIT_RE = re.compile(r"以及|[、和及与]")
_MONEY = frozenset({"CNY", "USD"})
LEVELS = ("level", "count_of_items")  # the measures of an amount (not relative)


def unit_family(unit: str) -> str:
    """Units one quantity may be printed in: money in yuan or dollars is one family."""
    return "money" if unit in _MONEY else unit


_RELATIVE = ("change_pct", "change_abs", "share")
TOUCH_GAP = 2  # characters between a cue and the figure that still make the cue touch it
AFTER_NOUN_GAP = 8  # a count's noun follows its counter within this many characters
MODIFIER_GAP = 4  # characters between a modifier cue and the generic head it refines
_COMPOUND_GAP = "的级类型"  # what may stand between two cues of one compound after a count
_VERB_BEFORE = "verb_before"  # a tier whose generic noun a verb before the count refines
_COUNTER = "counter"  # a tier where a counter alone names the count (no noun touches it)
_SPACE_RE = re.compile(r"[ \t\u3000]")
_LIST_MARK = "、"  # separates the items of a list (干部12名、人才86名)
GENERIC_PRIORITY = 40  # a metric at or below it is generic (投资, 项目, 里程, 面积 …)
# A metric at or above it is specific (中欧班列, 研发平台, 转化率, 居民消费价格指数 …): it
# says what the figure is, and its category is the figure's whatever other words stand near
SPECIFIC_PRIORITY = 60


# ------------------------------------------------------------------ the classifier


class _Sentence:
    def __init__(
        self,
        sentence: str,
        figures: list[tuple[int, int, str]],
        hits: list[_Hit] | None = None,
        normalized: bool = False,
    ) -> None:
        self.s = sentence if normalized else normalize(sentence)
        self.order = sorted(range(len(figures)), key=lambda i: figures[i][0])
        self.figs = [figures[i] for i in self.order]  # sorted by start
        self.clauses = self._clauses()
        self.fig_clause = [self._clause_index(a) for a, _, _ in self.figs]
        self.hits = _INDEX.hits(self.s) if hits is None else hits
        n = len(self.figs)
        self.measure: list[str] = ["level"] * n
        self.metric: list[Metric | None] = [None] * n
        self.base: list[int | None] = [None] * n
        self._usable: dict[int, list[_Hit]] = {}
        # per hit (by start, unique): the figures it overlaps; with one figure there is no
        # other figure a hit could be inside
        self._under = (
            {
                h.start: [j for j, (a, b, _) in enumerate(self.figs) if h.start < b and h.end > a]
                for h in self.hits
            }
            if n > 1
            else None
        )

    # -- structure

    def _clauses(self) -> list[tuple[int, int, int]]:
        """(left, right, chain) of every clause."""
        s, inside = self.s, set()
        for a, b, _ in self.figs:
            inside.update(range(a, b))
        out, left, chain = [], 0, 0
        for m in _BREAK_RE.finditer(s):
            i, ch = m.start(), m.group()
            if i in inside:
                continue
            if ch in ",，" and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit():
                continue  # a thousands separator
            out.append((left, i, chain))
            left = i + 1
            if ch in _STRONG_BREAK:
                chain += 1
        out.append((left, len(s), chain))
        return out

    def _clause_index(self, pos: int) -> int:
        for k, (left, right, _) in enumerate(self.clauses):
            if left <= pos <= right:
                return k
        return len(self.clauses) - 1

    def chain(self, i: int) -> int:
        return self.clauses[self.fig_clause[i]][2]

    def neighbours(self, i: int) -> tuple[int, int]:
        """Region of figure i's clause between the previous and the next figure."""
        left, right, _ = self.clauses[self.fig_clause[i]]
        start, end, _ = self.figs[i]
        lo, hi = left, right
        for j, (a, b, _) in enumerate(self.figs):
            if j == i or self.fig_clause[j] != self.fig_clause[i]:
                continue
            if b <= start:
                lo = max(lo, b)
            elif a >= end:
                hi = min(hi, a)
        return lo, hi

    def _in_other_figure(self, hit: _Hit, i: int) -> bool:
        if self._under is None:
            return False
        under = self._under[hit.start]
        return bool(under) and (len(under) > 1 or under[0] != i)

    def usable(self, i: int) -> list[_Hit]:
        """The hits inside no other figure than figure i, in order (computed once per i;
        callers do not change the list)."""
        found = self._usable.get(i)
        if found is None:
            if self._under is None:
                found = self._usable[i] = list(self.hits)
            else:
                found = self._usable[i] = [h for h in self.hits if not self._in_other_figure(h, i)]
        return found

    # -- metric choice

    @staticmethod
    def _fitting(hit: _Hit, unit: str, relaxed: bool) -> Metric | None:
        for metric in hit.metrics:
            if relaxed or unit in metric.units:
                return metric
        return None

    def _first(self, ordered: list[_Hit], unit: str, relaxed: bool) -> Metric | None:
        for hit in ordered:
            metric = self._fitting(hit, unit, relaxed)
            if metric:
                return metric
        return None

    def _refine(
        self, hit: _Hit, metric: Metric, i: int, lo: int, relaxed: bool, usable: list[_Hit]
    ) -> Metric:
        """A generic head yields to the modifier cue just before it: 高速公路通车里程 names
        a road length, 人工林保存面积 an afforestation area, 资金投入 funds."""
        if metric.priority > GENERIC_PRIORITY:
            return metric
        before = [
            h
            for h in self.hits
            if lo <= h.start
            and h.end <= hit.start
            and hit.start - h.end <= MODIFIER_GAP
            and not self._in_other_figure(h, i)
        ]
        if before:
            modifier = self._fitting(max(before, key=lambda h: h.end), self.figs[i][2], relaxed)
            if modifier and modifier.priority > metric.priority:
                return modifier
        # else the subject's more specific word of the category (跨境铁路全线贯通,全长约12公里)
        for h in self._subject_hits(i, usable):
            subject = self._fitting(h, self.figs[i][2], relaxed)
            if (
                subject
                and subject.category == metric.category
                and subject.priority > metric.priority
            ):
                return subject
        return metric

    def _verb_before(
        self, metric: Metric, i: int, usable: list[_Hit], lo: int, relaxed: bool
    ) -> Metric:
        """A generic counted noun yields to the specific cue of its category touching the
        count before it: 签约42个项目 counts signed projects, 落地11个项目 landed ones."""
        if metric.priority > GENERIC_PRIORITY:
            return metric
        start, _, unit = self.figs[i]
        touching = [h for h in usable if lo <= h.start and 0 <= start - h.end <= TOUCH_GAP]
        for hit in sorted(touching, key=lambda h: -h.end):
            verb = self._fitting(hit, unit, relaxed)
            if verb and verb.category == metric.category and verb.priority > metric.priority:
                return verb
        return metric

    def _counter_refined(self, hit: _Hit, metric: Metric, i: int, usable: list[_Hit]) -> Metric:
        """A counter inside the figure (列, 架次) names only the generic thing counted: the
        nearest more specific cue of its category before the figure in its clause names
        what is counted (中欧班列进出境2963列, 满洲里口岸中欧班列开行量突破3500列)."""
        start, end, unit = self.figs[i]
        if not (hit.start < end and hit.end > start):
            return metric  # a noun, not the counter
        left = self.clauses[self.fig_clause[i]][0]
        before = [h for h in usable if left <= h.start and h.end <= start]
        for h in sorted(before, key=lambda h: -h.end):
            cue = self._fitting(h, unit, False)
            if cue and cue.category == metric.category and cue.priority > metric.priority:
                return cue
        return metric

    def _counted_noun(self, i: int, usable: list[_Hit], hi: int) -> list[_Hit]:
        """The head of the noun phrase after a count: the first fitting cue at most
        AFTER_NOUN_GAP characters after the figure, extended along cues that follow it
        directly or after 的/级/类/型 (数字企业入驻 → 入驻, 项目落地 → 落地); [] when none."""
        start, end, unit = self.figs[i]
        after = sorted((h for h in usable if h.start >= end and h.end <= hi), key=lambda h: h.start)
        fitting = [h for h in after if self._fitting(h, unit, False)]
        if not fitting or fitting[0].start - end > AFTER_NOUN_GAP:
            return []
        if self.s[end : end + 1] == _LIST_MARK:
            return []  # 挂职干部12名、专业技术人才86名: the next item's noun, not this count's
        if _SPACE_RE.search(self.s, end, fitting[0].start):
            return []  # 新开航线12条  中欧班列…: spaces part a headline's phrases
        head = last = fitting[0]
        for h in after:
            if h.start <= last.start:
                continue
            if h.start - last.end > 1 or (
                h.start > last.end and self.s[last.end] not in _COMPOUND_GAP
            ):
                break  # not a compound (产业园区 企业入驻), a coordination or a verb phrase
            last = h
            if self._fitting(h, unit, False):
                head = h
        return [head]

    def _own_clause_cue(self, i: int) -> Metric | None:
        """The metric a cue names in figure i's clause before it, after the figure before."""
        lo, _ = self.neighbours(i)
        start = self.figs[i][0]
        hits = [h for h in self.usable(i) if lo <= h.start and h.end <= start]
        return self._first(hits[::-1], self.figs[i][2], True)

    def pick(
        self, i: int, relaxed: bool = False, part_end: int | None = None, before_only: bool = False
    ) -> Metric | None:
        """The metric the cues name for figure i (tiers in the module docstring).
        ``before_only``: a change names its subject before it, never after."""
        _, end, unit = self.figs[i]
        chain = self.clauses[self.fig_clause[i]][2]
        lo, hi = self.neighbours(i)
        usable = self.usable(i)
        if before_only:
            usable = [h for h in usable if h.start < end]
        for ordered, refine in self._tiers(i, usable, relaxed, part_end, lo, hi):
            for hit in ordered:
                metric = self._fitting(hit, unit, relaxed)
                if metric and refine == _VERB_BEFORE:
                    return self._verb_before(metric, i, usable, lo, relaxed)
                if metric and refine == _COUNTER:
                    metric = self._refine(hit, metric, i, lo, relaxed, usable)
                    return self._counter_refined(hit, metric, i, usable)
                if metric:
                    return self._refine(hit, metric, i, lo, relaxed, usable) if refine else metric
        if relaxed:
            return None
        # no cue at all: the same quantity as the previous figure of the chain in its unit
        # (公路总里程21.6万公里,比2020年的20.8万公里…)
        for j in range(i - 1, -1, -1):
            if self.chain(j) != chain:
                break
            same_unit = self.figs[j][2] == unit or {self.figs[j][2], unit} <= _MONEY
            if same_unit and self.measure[j] in LEVELS and self.metric[j]:
                return self.metric[j]
        return None

    def _tiers(
        self, i: int, usable: list[_Hit], relaxed: bool, part_end: int | None, lo: int, hi: int
    ):
        """The tiers of :meth:`pick` in order, (hits in order, refine generic heads); a
        generator, so that a tier is built only when the ones before it name nothing."""
        start, end, unit = self.figs[i]
        left, right, chain = self.clauses[self.fig_clause[i]]
        if part_end is not None:  # a share: the part named before 占 first
            part = [h for h in usable if lo <= h.start and h.end <= part_end]
            yield sorted(part, key=lambda h: -h.end), True
        if unit == "count":  # 547项政务服务事项, 36家国家级高新技术企业: the noun after the counter
            yield self._counted_noun(i, usable, hi), _VERB_BEFORE

        def touch_distance(h: _Hit) -> int:
            return TOUCH_GAP if h.start < end and h.end > start else start - h.end

        touching = [
            h
            for h in usable
            if (h.start < end and h.end > start)
            or (lo <= h.start and 0 <= start - h.end <= TOUCH_GAP)
        ]

        def fit_priority(h: _Hit) -> int:
            metric = self._fitting(h, unit, relaxed)
            return metric.priority if metric else -1

        by_distance = sorted(touching, key=lambda h: (touch_distance(h), -fit_priority(h), h.start))
        refine: bool | str = True
        if unit == "count":  # a counter (户, 村, 列) names its things as the nearest noun does
            inside = [h for h in by_distance if h.start < end and h.end > start]
            nouns = [h for h in by_distance if h not in inside and fit_priority(h) >= 0]
            by_distance = sorted(inside + nouns[:1], key=lambda h: -fit_priority(h))
            refine = True if nouns else _COUNTER
        yield by_distance, refine
        yield [h for h in usable if end <= h.start <= end + 1 and h.end <= hi], False
        yield (
            sorted((h for h in usable if lo <= h.start and h.end <= start), key=lambda h: -h.end),
            True,
        )
        yield (
            sorted((h for h in usable if h.start >= end and h.end <= hi), key=lambda h: h.start),
            False,
        )
        yield (
            sorted(
                (h for h in usable if left <= h.start and h.end <= right),
                key=lambda h: min(abs(start - h.end), abs(h.start - end)),
            ),
            False,
        )
        yield self._subject_hits(i, usable), False

    def _subject_hits(self, i: int, usable: list[_Hit]) -> list[_Hit]:
        """The cues of the clauses just before figure i's, up to one holding a figure (its
        chain only), nearest first: the figure's subject (包银高铁开通后,从包头到银川只需2小时)."""
        chain = self.clauses[self.fig_clause[i]][2]
        subject: list[_Hit] = []
        for k in range(self.fig_clause[i] - 1, -1, -1):
            c_left, c_right, c_chain = self.clauses[k]
            if c_chain != chain or k in self.fig_clause:
                break
            subject += sorted(
                (h for h in usable if c_left <= h.start and h.end <= c_right),
                key=lambda h: -h.end,
            )
        return subject

    def subject_metrics(self, i: int, part_end: int | None) -> set[str]:
        """Metrics of the cue nearest before a change/share figure in its own region (the
        subject it names itself), or an empty set."""
        start = self.figs[i][0]
        lo, _ = self.neighbours(i)
        stop = part_end if part_end is not None else start
        hits = [
            h
            for h in self.hits
            if lo <= h.start and h.end <= stop and not self._in_other_figure(h, i)
        ]
        if not hits:
            return set()
        return {m.name for m in max(hits, key=lambda h: h.end).metrics}

    # -- measure

    def share_marker(self, i: int) -> int | None:
        """Start of the first share marker of figure i's clause before it (占 …), or None."""
        left = self.clauses[self.fig_clause[i]][0]
        m = _PART_END_RE.search(self.s, left, self.figs[i][0])
        return m.start() if m else None

    def measure_of(self, i: int) -> str:
        s = self.s
        start, end, unit = self.figs[i]
        left = self.clauses[self.fig_clause[i]][0]
        before = s[left:start]
        surface = s[start:end]
        if before.endswith("第") or (
            unit == "count" and surface[-1:] in ("位", "名") and _RANK_WORD_RE.search(before)
        ):
            return "rank"
        if unit == "pp":
            return "change_abs"
        if unit == "pct" and surface.endswith("倍") and after_earlier_level(s, start):
            return "change_pct"  # 是去年同期的2.1倍: a growth of 110 %
        if unit == "pct" and surface.endswith("番"):
            return "change_pct"  # 翻了一番: a growth of 100 %
        if unit != "pct":
            m = _CHANGE_ABS_RE.search(before)
            if m and (not m.group("more") or _COMPARE_RE.search(before[: m.start()])):
                return "change_abs"
            return "level"
        markers: list[tuple[int, str, re.Match[str]]] = []
        for m in _CHANGE_RE.finditer(before):
            markers.append((m.end(), "change", m))
        for m in _SHARE_RE.finditer(before):
            markers.append((m.end(), "share", m))
        for h in self.hits:
            if left <= h.start and h.end <= start and any("pct" in x.units for x in h.metrics):
                markers.append((h.end - left, "rate", None))
        markers.sort(key=lambda t: t[0])
        while markers:
            _, kind, m = markers[-1]
            if kind == "change":
                result = _RESULT_RE.match(before, m.end())
                if result and not _GROWTH_NOUN_RE.search(before, 0, m.start()):
                    markers = [t for t in markers if t[1] != "change"]
                    continue  # 提高到35%: the new level (of a share, if one is named)
                return "change_pct"
            return "share" if kind == "share" else "level"
        if _SHARE_AFTER_RE.match(s, end):
            return "share"
        return "level"

    # -- 分别

    def fenbie_groups(self) -> dict[int, tuple[list[int], list[Metric | None] | None]]:
        """Figure index → (its 分别 group, the listed nouns' metrics or None)."""
        groups: dict[int, tuple[list[int], list[Metric | None] | None]] = {}
        if _FENBIE not in self.s:
            return groups
        for k, (left, right, _) in enumerate(self.clauses):
            q = self.s.find(_FENBIE, left, right)
            if q < 0:
                continue
            members = [
                i for i, (a, _, _) in enumerate(self.figs) if self.fig_clause[i] == k and a > q
            ]
            if len(members) < 2:
                continue
            lo = max([left] + [b for a, b, _ in self.figs if left <= a and b <= q])
            nouns = self._listed_nouns(lo, q, len(members))
            metrics = None
            if nouns:
                unit_of = [self.figs[i][2] for i in members]
                metrics = []
                for (a, b), unit, i in zip(nouns, unit_of, members, strict=True):
                    hits = sorted(
                        (h for h in self.hits if a <= h.start and h.end <= b), key=lambda h: -h.end
                    )
                    relaxed = self.measure[i] in _RELATIVE
                    metrics.append(self._first(hits, unit, relaxed))
                if not any(metrics):
                    metrics = None
            for i in members:
                groups[i] = (members, metrics)
        return groups

    def _listed_nouns(self, lo: int, hi: int, k: int) -> list[tuple[int, int]] | None:
        text = self.s[lo:hi]
        for splitter in (_LIST_SPLIT_RE, re.compile("、")):
            spans, pos = [], 0
            for m in splitter.finditer(text):
                spans.append((lo + pos, lo + m.start()))
                pos = m.end()
            spans.append((lo + pos, hi))
            spans = [(a, b) for a, b in spans if b > a]
            if len(spans) == k:
                return spans
        return None

    # -- base

    def find_base(self, i: int) -> int | None:
        unit = self.figs[i][2]
        chain = self.chain(i)
        previous = [j for j in range(i) if self.chain(j) == chain]
        if unit == "pp":
            pool = [j for j in previous if self.figs[j][2] == "pct"] or [
                j for j in previous if self.measure[j] in LEVELS
            ]
        elif self.measure[i] == "change_abs":
            pool = [
                j
                for j in previous
                if self.measure[j] in LEVELS
                and (self.figs[j][2] == unit or {self.figs[j][2], unit} <= _MONEY)
            ]
        else:
            pool = [j for j in previous if self.measure[j] in LEVELS]
        part_end = self.share_marker(i) if self.measure[i] == "share" else None
        if part_end is not None:
            # 占全区外贸进出口总值1967亿元的34.8%: the whole after 占 is no base of its share
            pool = [j for j in pool if self.figs[j][0] < part_end]
        if not pool:
            return None
        named = self.subject_metrics(i, part_end)
        if not named:
            return pool[-1]
        same = [j for j in pool if self.metric[j] and self.metric[j].name in named]
        if same:
            return same[-1]
        return pool[-1] if self.metric[pool[-1]] is None else None

    # -- all together

    def run(self) -> list[MetricReading]:
        n = len(self.figs)
        for i in range(n):
            self.measure[i] = self.measure_of(i)
        groups = self.fenbie_groups()
        for i in range(n):
            relative = self.measure[i] in _RELATIVE
            group = groups.get(i)
            if group:
                members, nouns = group
                pos = members.index(i)
                named = nouns[pos] if nouns else None
                if not relative:
                    # the members after the first measure what the first does (分别新开工亿元
                    # 以上项目58个、41个、37个), unless a listed noun names their own
                    first = self.metric[members[0]] if pos else None
                    self.metric[i] = named or first or self.pick(i)
                    continue
                if named:
                    pool = [
                        j
                        for j in range(members[0])
                        if self.chain(j) == self.chain(i)
                        and self.measure[j] in LEVELS
                        and self.metric[j] is named
                    ]
                    self.base[i] = pool[-1] if pool else None
                    self.metric[i] = named
                    continue
                levels = [
                    j
                    for j in range(members[0])
                    if self.chain(j) == self.chain(i) and self.measure[j] in LEVELS
                ]
                own = self._own_clause_cue(members[0])
                paired = (
                    levels[len(levels) - len(members) + pos]
                    if len(levels) >= len(members)
                    else None
                )
                if own is not None and (paired is None or self.metric[paired] is not own):
                    # 资金到位率分别达到91.2%、88.7%，两旗牛存栏同比分别增长12.1%、8.4%:
                    # the changes' own clause names what they are of
                    self.metric[i] = own
                    continue
                if paired is not None:
                    self.base[i] = paired
                    self.metric[i] = self.metric[self.base[i]] or self.pick(
                        i, relaxed=True, before_only=self.measure[i] != "share"
                    )
                    continue
            if not relative:
                self.metric[i] = self.pick(i, relaxed=self.measure[i] == "rank")
                continue
            self.base[i] = self.find_base(i)
            if self.base[i] is not None and self.metric[self.base[i]]:
                self.metric[i] = self.metric[self.base[i]]
            else:
                share = self.measure[i] == "share"
                part_end = self.share_marker(i) if share else None
                self.metric[i] = self.pick(
                    i, relaxed=True, part_end=part_end, before_only=not share
                ) or self._parallel_change(i)
        self._count_of_items()
        return self._readings()

    def _parallel_change(self, i: int) -> Metric | None:
        """A change naming nothing after a change of the same sentence (工业增加值增长8.6%，
        其中鄂尔多斯市增长10.2%、包头市增长9.7%): the same quantity's change elsewhere."""
        if self.measure[i] != "change_pct":
            return None
        for j in range(i - 1, -1, -1):
            if self.measure[j] != "change_pct":
                return None
            if self.metric[j] is not None:
                return self.metric[j]
        return None

    def _count_of_items(self) -> None:
        """Counts of projects, enterprises, agreements that a money figure of the sentence
        describes (签约项目42个,总投资156亿元): the money is a funding level. The count keeps
        its own metric (projects, projects_signed: what is counted), not the money's."""
        money = [
            j
            for j in range(len(self.figs))
            if self.figs[j][2] in _MONEY
            and self.measure[j] == "level"
            and self.metric[j] is not None
            and self.metric[j].category == "funding"
        ]
        if not money:
            return
        for i, (start, end, unit) in enumerate(self.figs):
            metric = self.metric[i]
            if (
                unit == "count"
                and self.measure[i] == "level"
                and metric is not None
                and metric.name in _ITEM_METRICS
                and _ITEM_COUNTER_RE.search(self.s[start:end])
            ):
                self.measure[i] = "count_of_items"

    def _readings(self) -> list[MetricReading]:
        out: list[MetricReading | None] = [None] * len(self.figs)
        for k, i in enumerate(self.order):
            metric = self.metric[k]
            base = self.base[k]
            out[i] = MetricReading(
                name=metric.name if metric else None,
                code=metric.code if metric else None,
                measure=self.measure[k],
                base=self.order[base] if base is not None else None,
            )
        return [r for r in out if r is not None]


def cue_hits(text: str) -> list[_Hit]:
    """Every cue hit of a normalized text (:func:`orchestration.text.numbers.normalize`), in
    order: a caller that has normalized the text already scans it once here."""
    return _INDEX.hits(text)


def classify_sentence(
    sentence: str,
    figures: list[tuple[int, int, str]],
    hits: list[_Hit] | None = None,
    normalized: bool = False,
) -> list[MetricReading]:
    """One reading per figure of one sentence; figures = (start, end, unit) offsets into
    sentence, in order; ``hits``: the sentence's cue hits (:func:`cue_hits`) when the
    caller has them; ``normalized``: the sentence is already folded by
    :func:`orchestration.text.numbers.normalize` (the sentence model's ``norm``,
    :mod:`orchestration.text.clauses`). Rules: the module docstring."""
    if not figures:
        return []
    return _Sentence(sentence, figures, hits, normalized).run()


# ------------------------------------------------------------------ topics


@dataclass(frozen=True)
class _Topic:
    name: str
    topic: re.Pattern[str]
    narrows: dict[str, str]
    paragraph: bool = False  # named anywhere in the paragraph before the figure
    article: bool = False  # or in the article's title lines


@functools.lru_cache(maxsize=4)
def _topic_rules(path: Path) -> dict:
    """``rules/metric_topics.yaml`` (or a file like it), read once for all its loaders."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _load_topics(path: Path = RULES / "metric_topics.yaml") -> tuple[_Topic, ...]:
    """The topic rules of ``rules/metric_topics.yaml``; every metric they name must be one of
    the vocabulary (an error names the rule)."""
    rules = _topic_rules(path)["topics"]
    topics = []
    for rule in rules:
        for broad, narrow in rule["narrows"].items():
            unknown = [m for m in (broad, narrow) if m not in VOCABULARY]
            if unknown:
                raise ValueError(f"{path.name}: rule {rule['name']}: unknown metric {unknown[0]}")
        topics.append(
            _Topic(
                rule["name"],
                re.compile(rule["topic"]),
                dict(rule["narrows"]),
                rule.get("scope") in ("paragraph", "article"),
                rule.get("scope") == "article",
            )
        )
    return tuple(topics)


TOPICS = _load_topics()
NARROWED_METRICS = frozenset(b for t in TOPICS for b in t.narrows)


def _load_contexts(
    path: Path = RULES / "metric_topics.yaml",
) -> dict[str, tuple[re.Pattern[str], str]]:
    """``needs_context`` of ``rules/metric_topics.yaml``: metric → (its context words, the
    metric it is without them); every metric named must be one of the vocabulary."""
    rules = _topic_rules(path).get("needs_context") or []
    contexts = {}
    for rule in rules:
        unknown = [m for m in (rule["metric"], rule["otherwise"]) if m not in VOCABULARY]
        if unknown:
            raise ValueError(f"{path.name}: rule {rule['name']}: unknown metric {unknown[0]}")
        contexts[rule["metric"]] = (re.compile(rule["context"]), rule["otherwise"])
    return contexts


CONTEXTS = _load_contexts()


def _load_unit_defaults(path: Path = RULES / "metric_topics.yaml") -> dict[str, str]:
    """``unit_defaults`` of ``rules/metric_topics.yaml``: unit → the metric of a figure in
    that unit that no cue names; each must be a metric of the vocabulary in that unit."""
    defaults = _topic_rules(path).get("unit_defaults") or {}
    for unit, metric in defaults.items():
        if metric not in VOCABULARY or unit not in VOCABULARY[metric].units:
            raise ValueError(f"{path.name}: unit_defaults: {unit}: {metric} is no metric in {unit}")
    return dict(defaults)


UNIT_DEFAULTS = _load_unit_defaults()


def _load_category_from_words(path: Path = RULES / "metric_topics.yaml") -> frozenset[str]:
    """``category_from_words`` of ``rules/metric_topics.yaml``: specific metrics whose
    figures still take their category from their words; each must be a metric."""
    names = frozenset(_topic_rules(path).get("category_from_words") or ())
    unknown = sorted(names - VOCABULARY.keys())
    if unknown:
        raise ValueError(f"{path.name}: category_from_words: no such metric: {unknown}")
    return names


CATEGORY_FROM_WORDS = _load_category_from_words()


def in_context(metric: str | None, scope: str) -> str | None:
    """``metric``, or the metric it falls back to when ``scope`` (its figure's sentence and
    paragraph topic) names none of its context words (``needs_context``)."""
    rule = CONTEXTS.get(metric) if metric else None
    if rule is None or rule[0].search(scope):
        return metric
    return rule[1]


def narrowed(metric: str | None, scope: str, paragraph: str = "", title: str = "") -> str | None:
    """``metric`` narrowed by a topic its figure's ``scope`` names (its paragraph's topic
    sentence and its own sentence up to the figure), for a topic of ``scope: paragraph``
    the ``paragraph`` up to the figure, and for one of ``scope: article`` the article's
    ``title`` lines too: ``rules/metric_topics.yaml``."""
    if metric not in NARROWED_METRICS:
        return metric
    found, latest = metric, None
    for topic in TOPICS:  # two topics narrowing one metric: the one named last wins
        if metric in topic.narrows:
            text = paragraph if topic.paragraph and paragraph else scope
            if topic.article and title:
                text = title + "\n" + text
            for m in topic.topic.finditer(text):
                distance = len(text) - m.end()  # how far before the figure it is named
                if latest is None or distance < latest:
                    found, latest = topic.narrows[metric], distance
    return found
