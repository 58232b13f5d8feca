"""The reference period of every figure, and an article's publication date (pure text layer).

A figure (``17.41亿元``) is a quantity *of* a period: a year, the months since January, a
quarter, a point in time for a stock. This module reads the period words of the article
text (the words are data: ``rules/periods.yaml``, loaded once at import) and gives each
figure a :class:`Period`: the words read as printed (``text``), the span they mean
(``start`` .. ``end``, inclusive dates) and a ``kind``:

* ``year``: a calendar year (``2023年``, ``2023年度``, ``全年``, ``今年``, ``去年``);
* ``cumulative``: from January 1 to the end, inside one year (``1至5月``, ``前8个月``,
  ``一季度``, ``前三季度``, ``上半年``, ``今年以来``);
* ``range``: any other span (``9月``/``9月份``: that month; ``3-5月``; ``二季度``; ``下半年``;
  ``2013年至2017年``; ``“十四五”期间``; ``近三年``; ``去年以来``; ``7月上旬``);
* ``point``: a date, start = end (``截至9月底``, ``截至2023年底``, ``2023年末``,
  ``截至目前`` and ``目前`` alone (a stock now, first in its sentence) = the publication
  date, ``到6月30日为止``);
* ``unknown``: no period, or a period whose dates cannot be known. ``kind`` is
  ``unknown`` exactly when ``start`` and ``end`` are both None.

Forms read
----------
Years ``2023年``/``2023年度``; relative years ``今年`` (the publication year), ``去年``/``上年``,
``前年``, ``明年``, ``同年`` (the year in force); month spans ``2015年1-2月``, ``1至5月``,
``1—10月``, ``1~9月``, ``前8个月``, ``9月份``: a single month is a ``range`` of that month
(also ``1月``); a span of months starting in January is ``cumulative``, another ``range``;
quarters ``一季度``/``第一季度``/``1季度`` (Q1: cumulative Jan–Mar; Q2–Q4: ranges),
``前三季度`` (cumulative Jan–Sep); halves ``上半年`` (cumulative), ``下半年`` (range);
``全年`` (year); a month part ``7月上旬``/``中旬``/``下旬`` (range of days); a year or span
word followed by a suffix: ``以来``/``至今`` (from the span's start to the publication date:
``cumulative`` when that is Jan 1 of the publication year, as ``今年以来``, else ``range``, as
``去年以来``, ``2010年以来``, ``“十四五”以来``), ``底``/``末`` (a point at the span's end:
``9月底`` → Sep 30, ``一季度末`` → Mar 31), ``期间``/``时期`` (no change); ``年初以来``
(``年初`` alone is not read); multi-year spans ``2013年至2017年``/``2013—2017年``,
``2022年10月至2023年3月``, five-year plans ``十一五`` … ``十五五`` with 期间/时期/以来/末
(``十四五期间`` = 2021-01-01..2025-12-31, ``十三五时期`` = 2016–2020, quotes included as
printed; without a suffix a plan is named, not a time: ``“十四五”规划目标任务``,
``今年是“十四五”收官之年``), ``今明两年``.

Choices where the words leave one:

* ``近三年``/``近5年``/``近三年来``/``五年来``: the N calendar years up to and including the
  publication year (published 2024 → 2022-01-01..2024-12-31), or, published in January to
  March, up to the year before (a report delivered in January looks back on full years).
  ``过去五年``: the N full years before the publication year (published 2024 →
  2019-01-01..2023-12-31). ``一年来``
  (a report's look back) is the year in force (``2024年是…关键一年。一年来,…``), else the
  year before publication.
* Bare ``今年`` of a figure already reached (modality ``actual``, decided by the extractor:
  :func:`so_far_if_actual`) runs from January 1 to the publication date; of a target or a
  forecast it is the whole year. Likewise a span of several years that runs past the
  publication date (``“十四五”期间``, ``五年来`` in a December article) ends, for a figure
  already reached, at the publication date. After an as-of date of its sentence or its
  paragraph (``截至11月20日，…今年累计…``) it is the date's year, and a figure already
  reached ends at that date. In a review of the year published in December (a title with 综述,
  ``year_review``: :func:`is_year_review`) 今年 is the whole year.
* ``截至`` + a span is a point at the span's end (``截至2023年`` → 2023-12-31, ``截至9月`` →
  Sep 30); ``截至目前``/``截至当前``/``截至发稿时`` → the publication date; ``到…为止`` likewise.
  A date inside a year after ``截至`` is, for a figure of a flow, the year so far
  (``截至5月底，已落地项目16个`` → Jan 1 .. May 31; :func:`flow_so_far`, applied by the
  extractor, which knows the figure's clause).
  ``到``/``至`` without ``为止`` is not part of the period (``到2025年达到…`` → the year 2025).
* A day date (``7月1日``, ``2023年7月1日起``) is an event date, not a period: it is read
  (so its month and year are not taken for a period) and ignored, unless ``截至``/``到…为止``
  governs it (``截至9月20日`` → point) or ``以来`` follows it (``7月1日以来`` → Jul 1 ..
  the publication date).
* A span word without a year takes the publication year even when that puts it after the
  publication date (``截至9月底`` published in March → September of that year).
* ``以来`` without a publication date: ``2010年以来`` → start 2010-01-01, end None, kind
  ``range``; ``今年以来`` → unknown (its start needs the publication year too).
* Relative words (``今年``, ``去年``, ``近三年``, ``截至目前``) without a publication date:
  ``text`` set, start/end None, kind ``unknown``.
* ``去年同期`` (``上年同期``, ``2022年同期``): the span in force at that point (the
  sentence's own period before it, else the governing sentence's) shifted to that year:
  one year back from that span for ``去年``/``上年``, two for ``前年``, to the printed year
  for ``2022年同期``; kind as the span's. With no span in force: unknown.

* Public holidays (``春节假期``, ``国庆黄金周``, ``五一假期``) are the official days off of
  their year, from a table in the rules (a year not listed: no period). ``冬春航季`` without
  years is the season starting in October of the publication year (in January to March:
  the one running); a day range across two years (``10月27日起至2025年3月29日``) is read
  whole, and a definite span across years is carried on. ``元旦以来``/``开年以来`` run
  from January 1. ``十年前`` is that many years before publication, for its own sentence
  only. ``去年同期`` opening a sentence as its own clause is the sentence's time.
* Read by the extractor (it knows the figure's clause): a design's figure (``设计年过货
  能力…``) has no period; a stock's change since the year's start (``比上年末增加``) runs
  from January 1; funds a budget puts up for ``今年`` (``安排…资金``) are the whole year's;
  ``累计`` with a flow's verb as of a date (``截至8月底，累计接待游客…``) is the year so far.

Resolving the year
------------------
A year printed with the span wins (``2015年1-2月``). A span without a year (``1-9月``,
``上半年``, ``年底``) takes the year of the nearest period words before it in the same
sentence (not a comparison), else of the governing sentence's period, else the publication
year; without any of them it is unknown. The "year of" a period is the year of its end
(of its start when it has no end). Relative years count from the publication date only.

Which words govern a figure
---------------------------
In order:

1. a comparison phrase holding the figure: period words right after 比/较/较之/相比/相较
   (or after 与/同/和/跟 when 相比/相较/持平 follows in the clause) start a comparison phrase
   that runs to the first change word (增长, 增加, 下降, 多, 高, 翻 …) or the clause end. The
   figures *inside* it are of that period (``比2010年的58亿元增长了一倍``: the 58亿元 is
   2010's); the figures after it, and the sentence's others, keep the sentence's period
   (``较2010年增长12%``, ``比去年同期增长8%``: the 12% and the 8% are this period's, as in
   ``同比增长8%``). ``是/为/相当于/占/超过/完成 + period + (a noun) + 的``
   (``是2010年的3倍``, ``已超过去年全年过货量的三成``, ``完成全年目标任务的58.9%``) only
   compares: the ratio is the sentence's own figure, and the compared period is not carried;
2. ``同期`` words not in a comparison (``去年同期为100亿元``) govern the figures after them
   in their own clause only;
3. the nearest period words before the figure in its sentence: those of its own clause,
   else of an earlier clause (a lead ``2023年1—10月,鄂尔多斯市…`` governs all the clauses).
   A target year is such a period (``到2025年达到…``, ``力争2025年…``, ``预计2030年…``
   → kind ``year``);
4. the period in force: the period stated last before the sentence in the article, in the
   same paragraph or in earlier ones (a release states ``2023年1—11月`` once and breaks
   the same figures down in later paragraphs; a report's heading ``一、2023年工作回顾``
   governs its part; ``其中…`` continues the lead). A sentence that opens with a word of
   another time (``no_carry_openers``: 如今, 目前, 此前, 过去, 未来, 另据 …) starts without
   one; inside a sentence, a clause opening with one (``other_time_clauses``: 如今, 此前 …)
   ends the reach of the period before it. An as-of date (``截至11月底``, ``10月末``,
   ``目前``) holds only in its paragraph (for 今年 too): the next paragraphs return to the
   period in force before it. Time words inside a quotation (“…明年还想再来。”) are the speaker's:
   they give the quotation's figures their period but never become the period in force.
   Comparison and ``同期`` words are never carried; a span without a year (``全年``,
   ``1—11月``) takes the year of the period in force;
5. nothing: ``Period(None, None, None, 'unknown')``.

Text inside titles ``《…》`` is never a period. ``text`` is the printed words that give the
period, from the text as printed (``今年前8个月``, ``2015年1-2月``, ``截至9月底``); a figure
governed by another sentence gets that sentence's words.

Publication date
----------------
:func:`publication_date` reads only date lines among the first 6 and the last 6 non-empty
lines (top down, then bottom up; the first valid one wins): a date or date-time alone
(``2017-09-13 08:24:00``, ``2024-01-30``, ``2024/1/30``, ``2024年1月30日``, ``2024年01月30日
09:15``, ``（2024年1月30日）``, with an optional weekday), a labelled line of at most 100
characters holding a date (``来源：内蒙古日报 2024-01-30``, ``发布时间：2024年1月30日``,
``责任编辑：张三 2017-09-13 08:24:00``), a report's delivery line
(``——2025年1月9日在扎赉特旗第十八届人民代表大会第四次会议上``), or a wire dateline with a
year at the start of a line (``新华社呼和浩特2024年1月5日电``). A line with an impossible
date (2024-02-30) is skipped. Dates inside body sentences are never read.

Cost: the sentence model is computed once per call; each sentence holding a figure (and
the sentences it continues) is analysed once, with one compiled regex (behind a
first-character pre-filter, ``first_chars`` in the rules), and the analysis is shared by all
its figures.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from orchestration.text.prefilter import prefiltered
from orchestration.text.sentences import lines_before, sentence_spans

RULES_PATH = Path(__file__).resolve().parent / "rules" / "periods.yaml"
KINDS = ("point", "cumulative", "year", "range", "unknown")


@dataclass(frozen=True)
class Period:
    text: str | None  # the words read, as printed; None when none
    start: date | None  # None when the year cannot be known
    end: date | None
    kind: str  # 'point' | 'cumulative' | 'year' | 'range' | 'unknown'
    # an as-of date inside a year (截至5月底): a flow's figure reads it as the year so far
    # (:func:`flow_so_far`), a stock's as the point; a hint, not part of the period's value
    year_so_far: bool = field(default=False, compare=False)
    # 今年 after an as-of date of its sentence (截至11月20日，…今年累计…): where a figure
    # already reached in this year ends (:func:`so_far_if_actual`); a hint like year_so_far
    so_far_end: date | None = field(default=None, compare=False)
    # the day of an event a sentence opens with (5月18日，…签约): a point, but no as-of date
    # (:func:`_is_as_of`); a hint like year_so_far
    event_day: bool = field(default=False, compare=False)


NO_PERIOD = Period(None, None, None, "unknown")


# ------------------------------------------------------------------ the rules


@dataclass(frozen=True)
class _Aside:
    name: str
    pattern: re.Pattern[str] | None  # the words right before the period words
    suffix: str | None  # the effect their suffix must have (since), None for any
    after: re.Pattern[str] | None = None  # the words right after them (10月当月)
    words: frozenset[str] = frozenset()  # or the rules of periods.yaml that read them (年内)


@dataclass(frozen=True)
class _Rule:
    key: str  # group name of the rule in the combined regex
    name: str
    meaning: dict[str, Any]

    def get(self, name: str, default: Any = None) -> Any:
        return self.meaning.get(name, default)


# the group around each list of rules, when the list has one of its own
_ENCLOSING = {"pre": "prefix", "suf": "suffix", "p": "part", "m": "multi", "y": "year"}
_FRAGMENT_REF = re.compile(r"\{([A-Z_]+)\}")
_GROUP_NAME = re.compile(r"\(\?P<([a-z_0-9]+)>")


class _Grammar:
    """The rules of ``periods.yaml``, compiled into one regex for a period expression."""

    def __init__(self, rules: dict[str, Any]):
        self.numerals: dict[str, int] = {str(k): int(v) for k, v in rules["numerals"].items()}
        self.fragments: dict[str, str] = rules["fragments"]
        self.no_carry_metrics = frozenset(rules.get("no_carry_metrics") or ())
        self.window_opener = re.compile(rf"[\s（(]*(?:{rules.get('window_openers') or '(?!)'})")
        self.part_opener = re.compile(rf"[\s“”\"（(]*(?:{rules.get('part_openers') or '(?!)'})")
        self.no_carry_units = frozenset(rules.get("no_carry_units") or ())
        self.timeless_now = frozenset(rules.get("timeless_now_metrics") or ())
        self.now_period = re.compile(rules.get("now_period") or "(?!)")
        self.this_year_so_far = re.compile(rules["this_year_so_far"])
        self.whole_year_units = frozenset(rules.get("whole_year_units") or ())
        self.whole_year_words = re.compile(rules.get("whole_year_words") or "(?!)")
        self.design_words = re.compile(rules.get("design_words") or "(?!)")
        self.standard_words = re.compile(rules.get("standard_words") or "(?!)")
        self.already_reached = re.compile(rules.get("already_reached") or "(?!)")
        self.frequency_words = re.compile(rules.get("frequency_words") or "(?!)")
        self.since_year_start = re.compile(rules.get("since_year_start") or "(?!)")
        self.now_alone = re.compile(rules.get("now_alone") or "(?!)")
        self.event_signing = re.compile(rules.get("event_signing_words") or "(?!)")
        self.event_anaphor = re.compile(rules.get("event_anaphors") or "(?!)")
        length = rules.get("event_length") or {}
        self.event_length = re.compile(self._expand(length.get("length") or "(?!)"))
        self.event_closing = re.compile(length.get("closing") or "(?!)")
        self.event_opening = re.compile(length.get("opening") or "(?!)")
        stock_at_end = rules.get("stock_at_end") or {}
        self.stock_at_end = re.compile(stock_at_end.get("words") or "(?!)")
        self.stock_flows = re.compile(stock_at_end.get("flows") or "(?!)")
        self.stock_metrics = frozenset(stock_at_end.get("metrics") or ())
        self.stock_reached = re.compile(stock_at_end.get("reached") or "(?!)")
        self.timetables = re.compile(stock_at_end.get("timetables") or "(?!)")
        project_total = rules.get("project_total") or {}
        self.project_total = re.compile(project_total.get("words") or "(?!)")
        self.several_projects = re.compile(project_total.get("several") or "(?!)")
        self.project_named = re.compile(project_total.get("named") or "(?!)")
        average = rules.get("annual_average") or {}
        self.annual_average = re.compile(average.get("words") or "(?!)")
        self.average_base_year = re.compile(self._expand(average.get("base_year") or "(?!)"))
        self.average_years = re.compile(self._expand(average.get("years") or "(?!)"))
        review = rules.get("year_review") or {}
        self.review_titles = re.compile(review.get("titles") or "(?!)")
        self.review_months = frozenset(review.get("months") or ())
        self.rules: dict[str, _Rule] = {}
        self.keys: dict[str, list[str]] = {}
        years = self._alternation("y", rules["years"])
        within_a = self._alternation("wa", rules["within_year"])
        within_b = self._alternation("wb", rules["within_year"])
        multi = self._alternation("m", rules["multi_year"])
        now = self._alternation("n", rules["now_words"])
        parts = self._alternation("p", rules["month_parts"])
        prefixes = self._alternation("pre", rules["prefixes"])
        suffixes = self._alternation("suf", rules["suffixes"])
        day = self._expand(rules["day"])
        # a number's digits never start inside another number (12月, 3.5月); words do after
        # a list's number (2.上半年,…)
        digit_guard = r"(?:(?=[\d０-９])(?<![\d.．A-Za-z])|(?![\d０-９]))"
        cn = "零〇一二两三四五六七八九十"
        cn_guard = rf"(?:(?=[{cn}])(?<![{cn}百千万亿第])|(?![{cn}]))"
        # a fast pre-filter: the characters a period expression can start with
        first = "".join(re.escape(c) for c in rules["first_chars"])
        self.body = (
            rf"{digit_guard}{cn_guard}(?:(?P<prefix>{prefixes})[ \t]*)?"
            rf"(?:(?P<now>{now})|(?P<multi>{multi})"
            rf"|(?P<year>{years})(?P<within_a>{within_a})?|(?P<within_b>{within_b}))"
            rf"(?:{day})?(?P<part>{parts})?(?P<suffix>{suffixes})?"
        )
        self.expression = re.compile(rf"(?=[{first}]){self.body}")
        by_index = sorted(self.expression.groupindex.items(), key=lambda item: item[1])
        self._subgroups: dict[str, list[tuple[str, str]]] = {
            key: [
                (name, name[len(key) + 2 :]) for name, _ in by_index if name.startswith(key + "__")
            ]
            for key in self.rules
        }
        comparison = rules["comparison"]
        # a short qualifier may stand between (比疫情前的2019年增长14.2%)
        self.marker_before = re.compile(
            rf"(?:{comparison['markers']})(?:{comparison['qualifier']})?[ \t]*$"
        )
        self.paired_before = re.compile(rf"(?:{comparison['paired_markers']})[ \t]*$")
        self.paired_closer = re.compile(comparison["paired_closers"])
        self.ratio_before = re.compile(rf"(?:{comparison['ratio_markers']})[ \t]*$")
        self.ratio_tail = re.compile(comparison["ratio_tail"])
        self.phrase_end = re.compile(comparison["phrase_ends"])
        self.continuation = re.compile(rf"[\s“”\"‘’「」『』（(]*(?:{rules['continuation']})")
        self.carry_after = frozenset(rules["carry_after"])
        self.span_from = rules["span_from"]
        self.from_marker = re.compile(rf"(?:{rules['span_from']})$")
        self.to_marker = re.compile(rf"(?:{rules['span_to']})$")
        # searched through every sentence: behind a first-character filter (prefilter.py)
        self.other_time = re.compile(rules.get("other_time_clauses") or "(?!)")
        self.no_carry = prefiltered(
            re.compile(rf"[\s“”\"‘’「」『』（(]*(?:{rules['no_carry_openers']})")
        )
        self.title = re.compile(rules["title"])
        self.asides = tuple(
            _Aside(
                a["name"],
                re.compile(f"(?:{a['before']})[ \t]*$") if a.get("before") else None,
                a.get("suffix"),
                re.compile(f"[ \t]*(?:{a['after']})") if a.get("after") else None,
                frozenset(a.get("words") or ()),
            )
            for a in rules["asides"]
        )
        so_far = rules["as_of_so_far"]
        self.so_far_within = frozenset(so_far["within"])
        self.flow_words = re.compile(so_far["flow_words"])
        self.change_words = re.compile(so_far["change_words"])
        self.stock_words = re.compile(so_far["stock_words"])
        self.plan_words = re.compile(so_far.get("plan_words") or "(?!)")

    def _expand(self, pattern: str) -> str:
        return _FRAGMENT_REF.sub(lambda m: self.fragments[m.group(1)], pattern)

    def _alternation(self, prefix: str, entries: list[dict[str, Any]]) -> str:
        """The rules of one list as one alternation; each rule's groups renamed to
        ``<key>__<group>`` and the rule wrapped in a group named ``<key>``."""
        alternatives = []
        self.keys[prefix] = []
        for i, entry in enumerate(entries):
            key = f"{prefix}{i}"
            self.keys[prefix].append(key)
            meaning = {k: v for k, v in entry.items() if k not in ("name", "pattern")}
            self.rules[key] = _Rule(key, entry["name"], meaning)
            body = _GROUP_NAME.sub(lambda m, k=key: f"(?P<{k}__{m.group(1)}>", entry["pattern"])
            alternatives.append(f"(?P<{key}>{self._expand(body)})")
        return "|".join(alternatives)

    def matched(self, m: re.Match[str], prefix: str) -> tuple[_Rule, dict[str, str]] | None:
        """The rule of list ``prefix`` that matched, with its groups."""
        enclosing = _ENCLOSING.get(prefix)
        if enclosing is not None and m.start(enclosing) < 0:
            return None  # the list's group took no part in the match
        for key in self.keys[prefix]:
            if m.start(key) >= 0:
                groups = {}
                for name, short in self._subgroups[key]:
                    value = m.group(name)
                    if value is not None:
                        groups[short] = value
                return self.rules[key], groups
        return None

    def number(self, token: str | int | None) -> int | None:
        """12, 十二, 二十, 两 → int."""
        if token is None or isinstance(token, int):
            return token
        if token.isdigit():
            return int(token)
        if "十" in token:
            tens, _, ones = token.partition("十")
            try:
                return (self.numerals[tens] if tens else 1) * 10 + (
                    self.numerals[ones] if ones else 0
                )
            except KeyError:
                return None
        return self.numerals.get(token) if len(token) == 1 else None


def _load(path: Path = RULES_PATH) -> _Grammar:
    with path.open(encoding="utf-8") as f:
        return _Grammar(yaml.safe_load(f))


_GRAMMAR = _load()
# metrics of a lasting fact or a process's duration: no period carried from an earlier
# sentence (periods.yaml)
NO_CARRY_METRICS = _GRAMMAR.no_carry_metrics
NO_CARRY_UNITS = _GRAMMAR.no_carry_units


def is_budget(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a figure's sentence before it) puts up funds for the
    year (``whole_year_words``: 安排…资金, 预算): its 今年 keeps the whole year."""
    return _GRAMMAR.whole_year_words.search(text, start, end) is not None


def since_year_start(period: Period, clause: str) -> Period:
    """A point in a year, for a figure whose clause compares with the year's start (比年初
    增加156.4亿元, 比上年末增加132万千瓦: ``since_year_start``), is January 1 to that point."""
    if period.kind != "point" or period.end is None or not _GRAMMAR.since_year_start.search(clause):
        return period
    return Period(period.text, date(period.end.year, 1, 1), period.end, "cumulative")


# a day date opening its sentence as its own clause, a time of day at most between
# (6月12日上午，…): the day of what the sentence reports
_DAY_TIME_COMMA_RE = re.compile(r"(?:上午|下午|晚上|晚间|早上|凌晨|中午)?[，,]")


def event_signings(
    text: str, sentences: list[tuple[int, int]], periods: list[Period]
) -> list[Period]:
    """Figures of a sentence that signs (``event_signing_words``: 签约, 签订, 签署) after an
    event's day was read for one (11月19日，…推介会上，32个项目现场签约) are of that day,
    where they carry another period from an earlier sentence (an aside's 今年1至10月), and
    so are the numbered items of a list led by a signing's line (【签约项目一览】) that print
    no period of their own. ``sentences``: each figure's sentence bounds; ``periods``: each
    figure's period."""
    g = _GRAMMAR
    out = list(periods)
    event: Period | None = None
    for i, ((start, end), period) in enumerate(zip(sentences, periods, strict=True)):
        if not g.event_signing.search(text, start, end):
            own = period.text and period.text in text[start:end]
            if event is not None and not own and _signed_list_item(text, start):
                out[i] = event  # 【签约项目一览】 / 1．…落户鄂托克旗，协议投资218亿元
            continue
        if event is None:
            if period.event_day:
                event = period
            continue
        if period.text and period.text not in text[start:end] and period != event:
            out[i] = event
    return out


def event_anaphors(
    text: str, sentences: list[tuple[int, int]], periods: list[Period]
) -> list[Period]:
    """Figures of a sentence that points back at the article's event (``event_anaphors``:
    本次, 当天, 参会…) are of the event's day, where they print no period of their own: the
    latest day read for a sentence that a day date opens (3月15日，…双选会举行。…参会单位中，
    区内企业268家). ``sentences``: each figure's sentence bounds; ``periods``: each figure's
    period."""
    g = _GRAMMAR
    out = list(periods)
    event: Period | None = None
    for i, ((start, end), period) in enumerate(zip(sentences, periods, strict=True)):
        if period.event_day:
            event = period  # the latest day an event was reported on
            continue
        broad = not period.text or period.kind in ("year", "cumulative")  # none, or a year's
        own = period.text and period.text in text[start:end]
        if event is not None and broad and not own and g.event_anaphor.search(text, start, end):
            out[i] = event
    return out


_LIST_ITEM_RE = re.compile(r"\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})[．.、]")


def _signed_list_item(text: str, start: int, longest: int = 40) -> bool:
    """Whether the paragraph at ``start`` is a numbered item of a list whose lead (the line
    before its first item) names a signing (【签约项目一览】, 现场签约的项目如下：)."""
    line_start = text.rfind("\n", 0, start) + 1
    if not _LIST_ITEM_RE.match(text, line_start):
        return False
    for line in lines_before(text, line_start, longest):
        if not line.strip() or _LIST_ITEM_RE.match(line):
            continue
        return _GRAMMAR.event_signing.search(line) is not None
    return False


_LAST_ITEM_RE = re.compile(r"[、\d]")


def names_a_stock(text: str, start: int, end: int, metric: str | None = None) -> bool:
    """Whether ``text[start:end]`` names a stock (``stock_at_end`` words), or a lasting
    thing of ``metric`` (``stock_at_end.metrics``) is counted: the cheap test before
    :func:`stock_at_end` reads the figure's clause."""
    g = _GRAMMAR
    return metric in g.stock_metrics or g.stock_at_end.search(text, start, end) is not None


def stock_at_end(period: Period, clause: str, metric: str | None = None) -> Period:
    """A stock over a span (全年…肉牛存栏突破180万头: ``stock_at_end`` of periods.yaml) is
    the stock at the span's end: a point. So is a count of lasting things (``metrics``:
    routes, parks, enterprises) that its clause says was reached (``reached``: 通航城市达到
    46个, 货运通道总数达到30条, 全区现有A级物流企业193家), not one newly added (新开航线23条).
    ``clause``: the figure's clause before it, of which only the words after an earlier
    figure or list mark count (肉牛存栏420万头、粮食产量190亿斤: the grain is no stock). A
    timetable's season (``timetables``: 夏秋航季) counts what runs in it."""
    g = _GRAMMAR
    clause = _LAST_ITEM_RE.split(clause)[-1]
    if (
        period.kind == "point"
        or period.start is None
        or period.end is None
        or g.stock_flows.search(clause)
        or g.timetables.search(period.text or "")
        or not (
            g.stock_at_end.search(clause)
            or (metric in g.stock_metrics and g.stock_reached.search(clause))
        )
    ):
        return period
    return Period(period.text, period.end, period.end, "point")


def timeless_now(period: Period, metric: str | None) -> bool:
    """Whether ``period`` is a now word's (目前) and ``metric`` one of what a thing does or
    costs now (``timeless_now_metrics``: a travel time, a capacity, a price), which then has
    no period."""
    g = _GRAMMAR
    return metric in g.timeless_now and g.now_period.fullmatch(period.text or "") is not None


def is_standard(clause: str) -> bool:
    """Whether a figure whose clause reads ``clause`` before it is a policy's standard (每亩
    补贴150元, 给予最高50万元: ``standard_words``), which has no period."""
    return _GRAMMAR.standard_words.search(clause) is not None


def already_now(clause: str, modality: str, published_on: date | None) -> Period | None:
    """The publication date, for an actual figure without period words whose clause says it
    was already reached (全市已建成加氢站14座: ``already_reached``): a stock now; else None."""
    if modality != "actual" or published_on is None:
        return None
    match = _GRAMMAR.already_reached.search(clause)
    if match is None:
        return None
    return _period(match.group(), published_on, published_on, "point")


def is_frequency(clause: str, period: Period) -> bool:
    """Whether a figure whose clause reads ``clause`` before it is a weekly frequency (每周执飞
    14班, 每周固定开行班列12列: ``frequency_words``), which has no period, unless ``period`` is
    a timetable's season (冬春航季…每周计划执行航班3900架次: what the season runs)."""
    g = _GRAMMAR
    return bool(g.frequency_words.search(clause)) and not g.timetables.search(period.text or "")


def is_design(clause: str, start: int = 0, end: int | None = None) -> bool:
    """Whether a figure whose clause reads ``clause[start:end]`` before it is a design's
    (设计年过货能力…: ``design_words``), which has no period."""
    end = len(clause) if end is None else end
    return _GRAMMAR.design_words.search(clause, start, end) is not None


def is_project_total(text: str, sentence_start: int, start: int) -> bool:
    """Whether the figure at ``start`` is one project's total investment (该项目总投资38亿元:
    ``project_total`` of periods.yaml), which has no period: not a total over several
    projects or a signing its sentence counts (签约项目48个，总投资326亿元), nor an item of a
    signing's numbered list."""
    g = _GRAMMAR
    return (
        g.project_total.search(text, sentence_start, start) is not None
        and g.several_projects.search(text, sentence_start, start) is None
        and not _signed_list_item(text, sentence_start)
    )


def names_a_project(text: str, end: int) -> bool:
    """Whether the capacity figure ending at ``end`` names its project (100万千瓦风电项目:
    ``project_total.named``), the project's size, which has no period."""
    return _GRAMMAR.project_named.match(text, end) is not None


def annual_average(period: Period, before: str, modality: str, published_on: date | None) -> Period:
    """An average annual growth (年均增长5.7%: ``annual_average`` of periods.yaml) is over the
    years it averages, to the end of the year of ``period``: from the year after the year
    its sentence compares with (比2020年的35862元), else back the number of years it names
    (五年间), else the whole years of a span of several (2021年至2025年), else, for a target
    or forecast (``modality``) or a later year's aim, from the publication year; else
    ``period``. ``before``: the figure's sentence before it."""
    g = _GRAMMAR
    if period.end is None or not g.annual_average.search(before):
        return period
    last = period.end.year
    bases = list(g.average_base_year.finditer(before))
    years = list(g.average_years.finditer(before))
    if bases:
        first = int(bases[-1].group("year")) + 1
    elif years and (count := g.number(years[-1].group("n"))):
        first = last - count + 1
    elif period.start is not None and period.start.year < last:
        first = period.start.year  # 2021年至2025年，…年均增长2.8%: the span's whole years
    elif published_on is not None and (modality != "actual" or last > published_on.year):
        first = published_on.year  # an aim: from now to the year aimed at
    else:
        return period
    if not 0 <= last - first < 50:
        return period
    return Period(period.text, date(first, 1, 1), date(last, 12, 31), "range")


def is_year_review(titles: str, published_on: date | None) -> bool:
    """Whether an article with these title lines reviews the year it was published in
    (``year_review`` of periods.yaml): its 今年 is the whole year."""
    return (
        published_on is not None
        and published_on.month in _GRAMMAR.review_months
        and _GRAMMAR.review_titles.search(titles) is not None
    )


def so_far_if_actual(
    period: Period,
    modality: str,
    published_on: date | None,
    unit: str = "",
    year_review: bool = False,
) -> Period:
    """今年 of a figure already reached (modality ``actual``) ends at publication: 今年接待
    游客412.5万人次 in a November article counts January to November, not the whole year
    (a target or forecast for 今年 keeps the whole year, and so does an area: units of
    ``whole_year_units``). ``this_year_so_far`` of periods.yaml: the words it applies to.
    After an as-of date of its sentence (``so_far_end``) it ends at that date instead. A
    span of several years that runs past publication (“十四五”期间 in 2025) likewise ends
    there for a figure already reached. In a review of the year (:func:`is_year_review`)
    今年 keeps the whole year."""
    if modality != "actual" or unit in _GRAMMAR.whole_year_units:
        return period
    if period.so_far_end is not None:
        return Period(period.text, period.start, period.so_far_end, "cumulative")
    if published_on is None or period.start is None or period.end is None:
        return period
    if (
        period.kind == "range"
        and period.start.year < published_on.year
        and (period.start.month, period.start.day) == (1, 1)  # whole years, not a season
        and period.start <= published_on < period.end
    ):  # “十四五”期间 in 2025: the span of several years so far
        return Period(period.text, period.start, published_on, "range")
    if (
        year_review
        or period.kind != "year"
        or period.start.year != published_on.year
        or published_on >= period.end
        or not _GRAMMAR.this_year_so_far.fullmatch(period.text or "")
    ):
        return period
    return Period(period.text, period.start, published_on, "cumulative")


# ------------------------------------------------------------------ dates


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _last_weekday(year: int, month: int, weekday: int) -> date:
    """The last ``weekday`` (Monday 0 … Sunday 6) of the month (flight seasons)."""
    end = _month_end(year, month)
    return end - timedelta(days=(end.weekday() - weekday) % 7)


def _shift(d: date, years: int) -> date:
    """The same day ``years`` later; a month's last day stays its last day."""
    if d == _month_end(d.year, d.month):
        return _month_end(d.year + years, d.month)
    return d.replace(year=d.year + years)


def _year_of(period: Period | None) -> int | None:
    """The year a period gives the words after it that print none: its last year, or none
    for a span of less than a year across New Year (今冬明春航季: a 1—11月 after it is of the
    publication year, not of the spring the season ends in)."""
    if period is None:
        return None
    if period.start is not None and period.end is not None:
        if period.start.year != period.end.year and (period.end - period.start).days < 365:
            return None
        return period.end.year
    if period.end is not None:
        return period.end.year
    return period.start.year if period.start is not None else None


def _period(text: str, start: date | None, end: date | None, kind: str) -> Period:
    if start is None and end is None:
        return Period(text, None, None, "unknown")
    return Period(text, start, end, kind)


# ------------------------------------------------------------------ one expression


@dataclass
class _Expression:
    """One period expression of a sentence, read but not yet resolved."""

    start: int  # sentence-relative offsets of the printed words
    end: int
    text: str
    prefix: str | None  # effect of the prefix: point | point_with_until_end
    now: bool
    multi: tuple[_Rule, dict[str, str]] | None
    year: tuple[_Rule, dict[str, str]] | None
    within: tuple[_Rule, dict[str, str]] | None
    day: str | None
    part: _Rule | None
    suffix: str | None  # effect of the suffix: since | end_point | until_end | same_period | none


def _read(m: re.Match[str]) -> _Expression | None:
    g = _GRAMMAR
    prefix_rule = g.matched(m, "pre")
    suffix_rule = g.matched(m, "suf")
    prefix = prefix_rule[0].get("effect") if prefix_rule else None
    suffix = suffix_rule[0].get("effect") if suffix_rule else None
    if prefix == "point_with_until_end" and suffix != "until_end":
        prefix = None  # 到2025年: the 到 is no part of the period
    part = g.matched(m, "p")
    expr = _Expression(
        start=m.start() if prefix else m.start("now") if m.group("now") else _body_start(m),
        end=m.end(),
        text="",
        prefix=prefix,
        now=m.group("now") is not None,
        multi=g.matched(m, "m") if m.group("multi") is not None else None,
        year=g.matched(m, "y") if m.group("year") is not None else None,
        within=(
            g.matched(m, "wa")
            if m.group("within_a") is not None
            else g.matched(m, "wb")
            if m.group("within_b") is not None
            else None
        ),
        day=m.group("day"),
        part=part[0] if part else None,
        suffix=suffix,
    )
    suffix_name = suffix_rule[0].name if suffix_rule else None
    for rule in (expr.within, expr.multi):
        only_with = rule[0].get("only_with") if rule else None
        if only_with and suffix_name not in only_with:
            return None  # 年初 alone, “十四五”规划目标 (a plan, not a time) are not read
    if expr.now and not expr.prefix and not _GRAMMAR.now_alone.fullmatch(m.group("now")):
        return None  # 现在, 今天 alone are not read (a quotation's now, a date line's)
    printed = m.string[expr.start : expr.end]
    if printed[:1] in '“"' and not re.search(r"[”\"]", printed[1:]):
        expr.start += 1  # an opening quote without its closing one is not part of the words
        printed = printed[1:]
    expr.text = printed
    return expr


def _body_start(m: re.Match[str]) -> int:
    for name in ("multi", "year", "within_b"):
        if m.group(name) is not None:
            return m.start(name)
    return m.start()


@dataclass
class _Span:
    start: date | None
    end: date | None
    kind: str
    single_month: bool = False


def _within_span(rule: _Rule, groups: dict[str, str], year: int | None) -> _Span | None:
    """The span a within-year rule means in ``year`` (dates None when the year is unknown);
    None when the words are no valid span (13月, 5-3月)."""
    g = _GRAMMAR
    if rule.get("holiday"):
        # 春节假期: the official days off of that year, where the rules file lists them
        if year is None:
            return _Span(None, None, "range")
        days = rule.get("holiday").get(year)
        if days is None:
            return None
        (m1, d1), (m2, d2) = (map(int, d.split("-")) for d in days)
        first = year - 1 if (m1, d1) > (m2, d2) else year  # 元旦假期 from December 30
        return _Span(date(first, m1, d1), date(year, m2, d2), "range")
    if rule.get("quarters"):
        q1, q2 = (g.number(groups.get(q, q)) for q in rule.get("quarters"))
        if q1 is None or q2 is None or not 1 <= q1 <= q2 <= 4:
            return None
        m1, m2 = 3 * q1 - 2, 3 * q2
    else:
        m1, m2 = (g.number(groups.get(mo, mo)) for mo in rule.get("months"))
        if m2 is None and rule.get("days"):
            m2 = m1  # 8月1日—15日: the days of one month
        if m1 is None or m2 is None or not 1 <= m1 <= m2 <= 12:
            return None
    kind = rule.get("kind", "by_start")
    if kind == "by_start":
        kind = "cumulative" if m1 == 1 else "range"
    single = bool(rule.get("single_month"))
    if year is None:
        return _Span(None, None, kind, single)
    start, end = date(year, m1, 1), _month_end(year, m2)
    if rule.get("days"):
        d1, d2 = (g.number(groups.get(d, d)) for d in rule.get("days"))
        if d1 is None or d2 is None or not 1 <= d1 <= _month_end(year, m1).day:
            return None
        start, end = date(year, m1, d1), date(year, m2, min(d2, end.day))
        if start > end:
            return None
    if kind == "point":
        start = end
    return _Span(start, end, kind, single)


def _event_days(sentence: str, day: Period) -> Period:
    """An event's day with the event's length in its sentence (``event_length``: 9月15日，为期
    4天的…博览会…落下帷幕): the event's days up to that closing day or from that opening day
    (2025-09-12 – 09-15); the day alone otherwise."""
    g = _GRAMMAR
    length = g.event_length.search(sentence)
    n = g.number(length.group("n")) if length else None
    if day.start is None or not n or n < 2:
        return day
    after = sentence[length.end() :]
    closing, opening = g.event_closing.search(after), g.event_opening.search(after)
    if closing and (opening is None or closing.start() < opening.start()):
        start, end = day.start - timedelta(days=n - 1), day.start
    elif opening:
        start, end = day.start, day.start + timedelta(days=n - 1)
    else:
        return day
    return replace(day, start=start, end=end, kind="range")


def _publication_day(expr: _Expression, published_on: date | None) -> _Span | None:
    """A day printed without its month (16日，…): of the publication's month, or of the
    month before when the day is later than the publication's."""
    day = _GRAMMAR.number(expr.within[1].get("d0"))
    if published_on is None or day is None or not 1 <= day <= 31:
        return None
    first = published_on.replace(day=1)
    if day > published_on.day:
        first = (first - timedelta(days=1)).replace(day=1)
    if day > _month_end(first.year, first.month).day:
        return None
    return _Span(first.replace(day=day), first.replace(day=day), "point")


def _multi_span(rule: _Rule, groups: dict[str, str], published_on: date | None) -> _Span | None:
    g = _GRAMMAR
    kind = rule.get("kind", "range")
    if rule.get("plans"):
        first = rule.get("plans").get(groups.get("plan"))
        if first is None:
            return None
        years = g.number(groups.get(rule.get("count"))) if rule.get("count") else None
        years = years or rule.get("plan_years")  # 前四年: the plan's first four
        if not 1 <= years <= 5:
            return None
        return _Span(date(first, 1, 1), date(first + int(years) - 1, 12, 31), kind)
    if rule.get("season"):
        if rule.get("years"):
            y1, y2 = (int(groups[y]) for y in rule.get("years"))
        elif published_on is not None:
            offsets = rule.get("offsets")
            if rule.get("early_offsets") and published_on.month <= rule.get("early_until", 0):
                offsets = rule.get("early_offsets")  # 冬春航季 in January: the one running
            y1, y2 = (published_on.year + o for o in offsets)
        else:
            return _Span(None, None, kind)
        (m1, weekday1), (m2, weekday2) = rule.get("season")["start"], rule.get("season")["end"]
        start, end = _last_weekday(y1, m1, weekday1), _last_weekday(y2, m2, weekday2)
        return _Span(start, end, kind) if start < end else None
    if rule.get("years"):
        first, second = (groups.get(y) for y in rule.get("years"))
        y2 = int(second)
        if rule.get("months"):
            m1, m2 = (g.number(groups.get(mo)) for mo in rule.get("months"))
            if m1 is None or m2 is None or not (1 <= m1 <= 12 and 1 <= m2 <= 12):
                return None
            # 10月27日起至2025年3月29日: the first date's year is the one before the second's
            # when its month comes later
            y1 = int(first) if first else (y2 - 1 if m1 > m2 else y2)
            start, end = date(y1, m1, 1), _month_end(y2, m2)
            if rule.get("days"):
                d1, d2 = (g.number(groups.get(d)) for d in rule.get("days"))
                if not d1 or not d2 or d1 > _month_end(y1, m1).day or d2 > end.day:
                    return None
                start, end = date(y1, m1, d1), date(y2, m2, d2)
        else:
            y1 = int(first)
            start, end = date(y1, 1, 1), date(y2, 12, 31)
        return _Span(start, end, kind) if start < end else None
    if published_on is None:
        return _Span(None, None, kind)
    if rule.get("offsets"):
        o1, o2 = rule.get("offsets")
        return _Span(date(published_on.year + o1, 1, 1), date(published_on.year + o2, 12, 31), kind)
    count = g.number(groups.get(rule.get("count")))
    if not count:
        return None
    last = published_on.year + rule.get("last_offset", 0)
    if rule.get("early_in_year_offset") is not None and published_on.month <= 3:
        last = published_on.year + rule.get("early_in_year_offset")
    return _Span(date(last - count + 1, 1, 1), date(last, 12, 31), kind)


def _year_value(
    rule: _Rule, groups: dict[str, str], known_year: int | None, published_on: date | None
) -> int | None:
    if rule.get("year") == "context":
        if known_year is not None or rule.get("otherwise_offset") is None:
            return known_year  # 同年: the year of the words in force, never the publication year
        return None if published_on is None else published_on.year + rule.get("otherwise_offset")
    if rule.get("year"):
        return int(groups[rule.get("year")])
    if published_on is None:
        return None
    if rule.get("years_ago"):  # 十年前: that many years before publication
        ago = _GRAMMAR.number(groups.get(rule.get("years_ago")))
        return None if not ago else published_on.year - ago
    return published_on.year + rule.get("offset", 0)


def _resolve(
    expr: _Expression,
    known_year: int | None,
    base: Period | None,
    published_on: date | None,
    event_date: bool = False,
) -> Period | None:
    """The period an expression means; None when it is no period (a day date, 13月).

    ``known_year``: the year of the period words in force (the sentence's, else the governing
    sentence's); ``base``: the period in force (for 去年同期)."""
    context_year = known_year
    if context_year is None and published_on is not None:
        context_year = published_on.year
    text = expr.text
    if expr.now:
        return _period(text, published_on, published_on, "point")
    if expr.multi:
        span = _multi_span(*expr.multi, published_on)
    elif expr.year:
        rule, groups = expr.year
        year = _year_value(rule, groups, known_year, published_on)
        if expr.suffix == "same_period" and not expr.within:
            return _same_period(text, rule, groups, year, base)
        if expr.within:
            span = _within_span(*expr.within, year)
        elif year is None:
            span = _Span(None, None, "year")
        else:
            span = _Span(date(year, 1, 1), date(year, 12, 31), "year")
    elif expr.within[0].get("publication_month"):
        span = _publication_day(expr, published_on)
        if span is not None and not expr.prefix and expr.suffix != "since":
            # like every day date, a period only as an event's day
            if not event_date:
                return None
            return replace(_period(text, span.start, span.end, "point"), event_day=True)
    else:
        span = _within_span(*expr.within, context_year)
    if span is None:
        return None
    if expr.day or expr.part:
        if not span.single_month:
            return None
        if span.start is not None:
            month_end = span.end.day
            if expr.day:
                day = _GRAMMAR.number(expr.day)
                if day is None or not 1 <= day <= month_end:
                    return None
                span = _Span(span.start.replace(day=day), span.start.replace(day=day), "point")
            else:
                d1, d2 = expr.part.get("days")
                span = _Span(
                    span.start.replace(day=d1), span.start.replace(day=min(d2, month_end)), "range"
                )
    if expr.day and not expr.prefix and expr.suffix != "since":
        if event_date and span.start is not None:
            return replace(_period(text, span.start, span.end, "point"), event_day=True)
        return None  # a date (7月1日起), not a period
    if expr.suffix == "since":
        if span.start is None:
            return _period(text, None, None, "unknown")
        if expr.year is None and expr.multi is None and published_on is not None:
            span = _latest_before(span, published_on)
        end = published_on
        kind = "range"
        if end is not None and (span.start.month, span.start.day) == (1, 1):
            kind = "cumulative" if span.start.year == end.year else "range"
        if end is not None and end < span.start:
            end = None
        return _period(text, span.start, end, kind)
    if expr.prefix == "point" and _so_far(expr) and span.end is not None:
        return replace(_period(text, span.end, span.end, "point"), year_so_far=True)
    if expr.prefix or expr.suffix in ("end_point", "until_end"):
        return _period(text, span.end, span.end, "point")
    return _period(text, span.start, span.end, span.kind)


def _latest_before(span: _Span, published_on: date) -> _Span:
    """A yearless start of a span up to publication (元旦以来, 6月以来, 11月份以来) is the
    last such day on or before publication, whatever year earlier sentences were about:
    元旦以来 printed on 2025-01-21 after a paragraph on 2024 runs from 2025-01-01."""
    for year in (published_on.year, published_on.year - 1):
        try:
            start = span.start.replace(year=year)
        except ValueError:  # 2月29日 of a common year
            return span
        if start <= published_on:
            return replace(span, start=start)
    return span


def _so_far(expr: _Expression) -> bool:
    """Whether an as-of date inside a year (截至5月底, 截至9月30日) may read as the year so
    far: the within-year rules of ``as_of_so_far`` in periods.yaml (not 截至去年底)."""
    return expr.within is not None and expr.within[0].name in _GRAMMAR.so_far_within


def flow_so_far(period: Period, clause: str, before: str = "", sentence: str = "") -> Period:
    """An as-of date inside a year is, for a figure of what flowed in that year, the year so
    far: 截至5月底，已落地项目16个，到位资金21.3亿元 counts January to May; for a stock it
    stays the date (截至5月底，累计建成5G基站7.3万个, 装机容量达到328万千瓦). ``clause``: the
    figure's clause up to the figure; ``as_of_so_far`` of periods.yaml names the words. A
    growth rate's clause (同比增长8.2%) says neither: the level it is the growth of does
    (``before``, the clause before: 存款余额2087.3亿元 → the date; 落地项目16个 → the year
    so far; neither → the year so far). A ``sentence`` that measures the work against the
    year's plan (完成年度任务的82.6%) counts the year so far too."""
    g = _GRAMMAR
    if not period.year_so_far or period.end is None:
        return period
    if _says_a_stock(clause):
        return period
    if g.plan_words.search(sentence):  # 已建成512公里，完成年度任务的82.6%: the year's work
        return Period(period.text, date(period.end.year, 1, 1), period.end, "cumulative")
    if not g.flow_words.search(clause) and (
        not g.change_words.search(clause) or _says_a_stock(before)
    ):
        return period
    return Period(period.text, date(period.end.year, 1, 1), period.end, "cumulative")


def _says_a_stock(clause: str) -> bool:
    """Whether a clause reads a stock (``stock_words``); 累计 with a flow's verb (累计接待游客,
    累计开行中欧班列86列) still counts the year so far."""
    g = _GRAMMAR
    stock = {m.group() for m in g.stock_words.finditer(clause)}
    return bool(stock) and not (stock == {"累计"} and g.flow_words.search(clause))


def _same_period(
    text: str, rule: _Rule, groups: dict[str, str], year: int | None, base: Period | None
) -> Period:
    """``去年同期``: the span in force (``base``) moved to that year."""
    base_year = _year_of(base)
    if base is None or base.start is None or base.end is None or base_year is None:
        return _period(text, None, None, "unknown")
    if rule.get("year") == "context":
        years = 0
    elif rule.get("year"):
        years = int(groups[rule.get("year")]) - base_year
    else:
        years = rule.get("offset", 0)
    return Period(text, _shift(base.start, years), _shift(base.end, years), base.kind)


# ------------------------------------------------------------------ one sentence


@dataclass
class _Mention:
    start: int  # sentence-relative
    end: int
    period: Period
    scope_end: int = -1  # for scoped mentions (comparison, 同期): where their reach ends


@dataclass
class _Sentence:
    own: list[_Mention] = field(default_factory=list)
    own_ends: list[int] = field(default_factory=list)
    scoped: list[_Mention] = field(default_factory=list)
    inherited: Period | None = None
    carry: Period | None = None  # the period in force at the sentence's end

    def period_at(self, position: int) -> Period:
        """The period of a figure starting at ``position`` (sentence-relative)."""
        for mention in reversed(self.scoped):
            if mention.end <= position < mention.scope_end:
                return mention.period
        index = bisect.bisect_right(self.own_ends, position) - 1
        if index >= 0:
            return self.own[index].period
        return self.inherited if self.inherited is not None else NO_PERIOD


def _other_times(s: str, sentence: _Sentence) -> None:
    """A clause opening with a word of another time (如今, 此前 …: ``other_time_clauses``)
    after a period of its sentence ends that period's reach (2019年，收入只有8600元，如今已
    突破2万元: the 2万元 is of no period); a period printed after it starts again."""
    for m in _GRAMMAR.other_time.finditer(s, 1):
        if s[m.start() - 1] not in "，,；;" or any(
            o.start <= m.start() < o.end for o in sentence.own
        ):
            continue
        k = bisect.bisect_right(sentence.own_ends, m.start())
        sentence.own.insert(k, _Mention(m.start(), m.end(), NO_PERIOD))
        sentence.own_ends.insert(k, m.end())


def _clause_bounds(s: str, start: int, end: int) -> tuple[int, int]:
    """The clause of ``s`` holding [start, end)."""
    left = max(s.rfind(p, 0, start) for p in "，,；;：:") + 1
    rights = [i for i in (s.find(p, end) for p in "，,；;：:") if i >= 0]
    return left, min(rights) if rights else len(s)


def _comparison_scope(s: str, start: int, end: int) -> int | None:
    """Where the comparison phrase that starts with the words [start, end) ends; None when
    the words are not compared with."""
    g = _GRAMMAR
    clause_start, clause_end = _clause_bounds(s, start, end)
    if g.marker_before.search(s, clause_start, start):
        stop = g.phrase_end.search(s, end, clause_end)
        return stop.start() if stop else clause_end
    if g.paired_before.search(s, clause_start, start):
        closer = g.paired_closer.search(s, end, clause_end)
        if closer:
            return closer.start()
    if g.ratio_before.search(s, clause_start, start):
        tail = g.ratio_tail.match(s, end, clause_end)
        if tail:
            return tail.end()
    return None


def _as_of_end(period: Period | None) -> date | None:
    """The as-of date inside a year a period leaves in force for 今年 after it: its own
    (截至11月20日) or the one a 今年 before it ended at."""
    if period is None:
        return None
    if period.so_far_end is not None:
        return period.so_far_end
    return period.end if period.year_so_far else None


def _whole_year(expr: _Expression) -> bool:
    """Whether the words are the whole year alone (全年), no year printed."""
    return (
        expr.year is None
        and expr.within is not None
        and expr.within[0].name == "whole_year"
        and expr.prefix is None
        and expr.suffix is None
    )


def _this_year(expr: _Expression) -> bool:
    """Whether the words are this year alone (今年, 今年以来), no span inside it."""
    return (
        expr.year is not None
        and expr.year[0].name == "this_year"
        and expr.within is None
        and expr.prefix is None
        and expr.suffix in (None, "since")
    )


def _aside(s: str, expr: _Expression) -> bool:
    """Whether the period words are an aside of their sentence (``asides`` of periods.yaml)."""
    before = s[max(0, expr.start - 4) : expr.start]
    names = {read[0].name for read in (expr.year, expr.multi) if read}
    for rule in _GRAMMAR.asides:
        if rule.words:  # named by the rule that reads the words (年内, 五年累计)
            if names & set(rule.words):
                return True
        elif (
            (rule.pattern is None or rule.pattern.search(before))
            and (rule.after is None or rule.after.match(s, expr.end))
            and (rule.suffix is None or rule.suffix == expr.suffix)
        ):
            return True
    return False


# what may part a span to now from an as-of date right after it (自2012年园区成立以来，截至
# 今年10月底)
_BETWEEN_RE = re.compile(r"[，,、\s]*")


def _analyse(
    s: str,
    inherited: Period | None,
    published_on: date | None,
    matches: list[re.Match[str]],
    as_of_in_force: bool = True,
    year_in_force: int | None = None,
) -> _Sentence:
    """The period words of sentence ``s`` (``matches``: the grammar's matches in it, at
    least one), read against the period in force before it; ``as_of_in_force``: whether
    an as-of date that period leaves still holds (it was printed in this paragraph);
    ``year_in_force``: the year in force behind a now word before the sentence (目前), the
    year of a 全年 the sentence opens with."""
    g = _GRAMMAR
    sentence = _Sentence(inherited=inherited, carry=inherited)
    titles = [m.span() for m in g.title.finditer(s)] if ("《" in s or "〈" in s) else []
    known_year = _year_of(inherited)
    last_own: Period | None = inherited
    # an as-of date inside a year (截至11月20日), of the sentence or the one it continues
    # in its paragraph
    as_of = _as_of_end(inherited) if as_of_in_force else None
    # where the first clause ends: a date before it opens the sentence as its own clause
    first_break = min((i for i in map(s.find, "，,；;：:。") if i >= 0), default=len(s))
    since: tuple[int, int, Period] | None = None  # the span to now read last, and its words
    for m in matches:
        if any(a < m.end() and m.start() < b for a, b in titles):
            continue
        expr = _read(m)
        if expr is None:
            continue
        # a day date that opens the sentence as its own clause (5月18日,…签约项目42个) is
        # the day of what the sentence reports; elsewhere (7月1日起, 7月1日调图后) a date
        event_date = _DAY_TIME_COMMA_RE.match(s, expr.end) is not None and expr.start <= first_break
        year = known_year
        if year_in_force is not None and not sentence.own and _whole_year(expr):
            year = year_in_force  # 全年 after 目前: the year before the now word
        period = _resolve(expr, year, last_own, published_on, event_date)
        if period is None:
            continue
        if period.event_day:
            period = _event_days(s, period)
        if since is not None and expr.prefix and _BETWEEN_RE.fullmatch(s, since[1], expr.start):
            # 自2012年园区成立以来，截至今年10月底，园区累计入驻企业126家: from the start of
            # the one to the date of the other
            start = since[2].start
            if start is not None and period.end is not None:
                kind = "cumulative" if start == date(period.end.year, 1, 1) else "range"
                period = _period(s[since[0] : expr.end], start, period.end, kind)
        since = (expr.start, expr.end, period) if expr.suffix == "since" else None
        if (
            as_of is not None
            and (_this_year(expr) or _whole_year(expr))
            and period.start in (None, date(as_of.year, 1, 1))
        ):
            # 截至11月20日，蒙东地区今年累计发送煤炭1.62亿吨: this year (its year the date's),
            # and what was reached in it so far ends at that date (so_far_if_actual)
            year = as_of.year
            period = Period(
                period.text, date(year, 1, 1), date(year, 12, 31), "year", so_far_end=as_of
            )
        scope_end = _comparison_scope(s, expr.start, expr.end)
        if scope_end is None and expr.suffix == "same_period":
            scope_end = _clause_bounds(s, expr.start, expr.end)[1]
            if expr.start <= first_break and s[expr.end : expr.end + 1] in ("，", ","):
                # 去年同期，全市外贸进出口总值为319.4亿元: the sentence's own time
                scope_end = next((n.start() for n in matches if n.start() >= expr.end), len(s))
        if scope_end is None and _aside(s, expr):
            # 自2019年首发以来累计开行1000列, 单看9月，…: up to the sentence's next period
            # words; the period in force goes on after the sentence
            scope_end = next((n.start() for n in matches if n.start() >= expr.end), len(s))
        if scope_end is not None:
            sentence.scoped.append(_Mention(expr.start, expr.end, period, scope_end))
            continue
        sentence.own.append(_Mention(expr.start, expr.end, period))
        sentence.own_ends.append(expr.end)
        last_own = period
        as_of = _as_of_end(period)  # another period: the date no longer holds
        year = _year_of(period)
        if year is not None:
            known_year = year
    if sentence.own or inherited is not None:
        _other_times(s, sentence)
    known = [
        m.period
        for m in sentence.own
        if _year_of(m.period) is not None or (m.period.start and m.period.end)
    ]
    if known:
        sentence.carry = known[-1]  # words whose year cannot be known do not end the carry
        day = known[0]
        if day.event_day and all(
            p.kind == "year" and p.start <= day.start <= p.end for p in known[1:]
        ):
            # 6月12日上午，包头市2025年夏季…签约活动举行: the event's day, not the year its
            # name prints, is in force
            sentence.carry = day
    elif sentence.own and sentence.carry is None:
        sentence.carry = sentence.own[-1].period
    return sentence


# ------------------------------------------------------------------ the article


class _Article:
    def __init__(
        self, text: str, published_on: date | None, sentences: list[tuple[int, int]] | None
    ):
        self.text = text
        self.published_on = published_on
        self.spans = sentence_spans(text) if sentences is None else sentences
        self.starts = [s for s, _ in self.spans]
        self.analysed: dict[int, _Sentence] = {}
        self._quiet: _Sentence | None = None  # the last sentence without period words
        # sentence index -> the period in force before the as-of date in force after it
        self.resumes: dict[int, Period | None] = {}
        # sentence index -> the year in force behind the now word (目前) in force after it
        self.years: dict[int, int] = {}

    def continues(self, index: int) -> bool:
        """Whether sentence ``index`` continues the period in force before it: always, in
        the same paragraph or the next ones, unless it opens with a word of another time
        (``no_carry_openers``: 如今, 此前, 未来 …)."""
        if index == 0:
            return False
        start, end = self.spans[index]
        if _GRAMMAR.continuation.match(self.text, start, end):
            return True
        return not _GRAMMAR.no_carry.search(self.text, start, end)

    def sentence(self, index: int) -> _Sentence:
        if index in self.analysed:
            return self.analysed[index]
        first = index
        while first not in self.analysed and self.continues(first):
            first -= 1
        if first not in self.analysed:
            self.analysed[first] = self._analyse(first, None)
            if first > 0 and self._now(self.analysed[first].carry):
                # 2023年，…。目前，全区共有口岸19个。全年口岸货运量…: a sentence opening with
                # a now word starts afresh, but the year before it stays the year of a 全年
                # after it
                before = self.sentence(first - 1).carry
                year = self.years.get(first - 1) if self._now(before) else _year_of(before)
                if year is not None:
                    self.years[first] = year
        for i in range(first + 1, index + 1):
            inherited, resume = self.analysed[i - 1].carry, self.resumes.get(i - 1)
            year = self.years.get(i - 1)
            if _is_as_of(inherited) and self._new_paragraph(i):
                # 10月末，存款余额…。/ 对外贸易…进出口总额…: an as-of date holds in its
                # paragraph; the next ones return to the period in force before it
                inherited, resume = resume, None
            if inherited is not None and not self._now(inherited):
                year = None
            self.analysed[i] = self._analyse(i, inherited, year)
            carry = self.analysed[i].carry
            if year is not None and (carry is None or self._now(carry)):
                self.years[i] = year
            if _is_as_of(carry) and not _is_as_of(inherited):
                resume = inherited
            self.resumes[i] = resume
        return self.analysed[index]

    def _new_paragraph(self, index: int) -> bool:
        """Whether sentence ``index`` starts a paragraph after the one of sentence index-1."""
        return "\n" in self.text[self.spans[index - 1][1] : self.spans[index][0] + 1]

    def _analyse(self, index: int, inherited: Period | None, year: int | None = None) -> _Sentence:
        start, end = self.spans[index]
        s = self.text[start:end]
        matches = _now_alone_first(list(_GRAMMAR.expression.finditer(s)))
        if matches:
            # an as-of date holds in the paragraph that prints it (截至11月底，…。今年…),
            # not in the paragraphs after it
            paragraph = self.text.rfind("\n", 0, start) + 1
            in_force = inherited is not None and (
                inherited.text is None or inherited.text in self.text[paragraph:start]
            )
            sentence = _analyse(s, inherited, self.published_on, matches, in_force, year)
            if inherited is not None and _GRAMMAR.part_opener.match(s):
                sentence.carry = inherited  # 其中，10月份…: a part; the whole's period goes on
            if _GRAMMAR.window_opener.match(s):
                sentence.carry = inherited  # 公示时间：…: the notice's days, not the figures'
            if all(_quoted(self.text, paragraph, start + m.start()) for m in matches):
                # “…明年冬天还想再来。”: a speaker's time words are the quotation's own, no
                # period in force for the sentences after it
                sentence.carry = inherited
            return sentence
        # most sentences: nothing to read, the period in force goes on; a run of them
        # shares one analysis (it is never changed)
        quiet = self._quiet
        if quiet is None or quiet.inherited is not inherited:
            quiet = self._quiet = _Sentence(inherited=inherited, carry=inherited)
        return quiet

    def _now(self, period: Period | None) -> bool:
        """Whether ``period`` is the publication day a now word (目前, 现在) reads."""
        return (
            period is not None
            and period.kind == "point"
            and period.start is not None
            and period.start == period.end == self.published_on
        )

    def period_at(self, position: int) -> Period:
        index = bisect.bisect_right(self.starts, position) - 1
        if index < 0 or position >= self.spans[index][1]:
            return NO_PERIOD
        period = self.sentence(index).period_at(position - self.spans[index][0])
        return _endpoint(self.text, self.spans[index][0], position, period)


def _is_as_of(period: Period | None) -> bool:
    """Whether ``period`` is an as-of date (截至6月底, 10月末, 2023年末, 目前): a point a
    stock is read at, any point but an event's day."""
    return period is not None and period.kind == "point" and not period.event_day


def _now_alone_first(matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """The matches of a sentence without a now word alone (目前) after another period
    (今年计划实施项目386个，目前已开工312个: this year's so far, not today's)."""
    return [
        m
        for k, m in enumerate(matches)
        if k == 0
        or not m.group("now")
        or _GRAMMAR.matched(m, "pre")
        or not _GRAMMAR.now_alone.fullmatch(m.group("now"))
    ]


def _quoted(text: str, paragraph: int, position: int) -> bool:
    """Whether ``position`` lies inside a quotation (“…”) opened in its paragraph."""
    return text.count("“", paragraph, position) > text.count("”", paragraph, position)


def _endpoint(text: str, sentence_start: int, position: int, period: Period) -> Period:
    """``2019年至2023年,存栏由196万头增加到386万头``: in a span of several years, the
    figure after 由/从 is of the first year, the one after 增加到/增至/到 of the last."""
    if period.start is None or period.end is None or period.start.year == period.end.year:
        return period
    before = text[max(sentence_start, position - 6) : position]
    clause = re.split(r"[，,；;：:]", text[sentence_start:position])[-1]
    if _GRAMMAR.from_marker.search(before):
        year = period.start.year
    elif _GRAMMAR.to_marker.search(before) and re.search(_GRAMMAR.span_from, clause):
        year = period.end.year
    else:
        return period
    return Period(period.text, date(year, 1, 1), date(year, 12, 31), "year")


def figure_periods(
    text: str,
    spans: list[tuple[int, int]],
    published_on: date | None,
    sentences: list[tuple[int, int]] | None = None,
) -> list[Period]:
    """One Period per figure span (char offsets into `text`, the whole article text; same
    order as spans). ``sentences``: :func:`.sentences.sentence_spans` of ``text`` when the
    caller has them (the article model of :mod:`.clauses`)."""
    if not spans:
        return []
    article = _Article(text, published_on, sentences)
    return [article.period_at(start) for start, _ in spans]


# ------------------------------------------------------------------ publication date

_DATE = (
    r"(?P<y>(?:19|20)\d{2})[ \t]*(?:年[ \t]*(?P<m>\d{1,2})[ \t]*月[ \t]*(?P<d>\d{1,2})[ \t]*日"
    r"|(?P<sep>[-/.])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?!\d))"
)
_TIME = r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
_WEEKDAY = r"(?:星期|周|礼拜)[一二三四五六日天]"
_DATE_ALONE_RE = re.compile(
    rf"[\s（(【\[]*{_DATE}(?:[ \t]*{_WEEKDAY})?(?:[ \t]*{_TIME})?(?:[ \t]*{_WEEKDAY})?"
    r"[\s）)】\]]*"
)
_DATE_RE = re.compile(_DATE)
_LABEL_RE = re.compile(
    r"(?:来源|稿源|出处|发布时间|发布日期|发表时间|发表日期|更新时间|时间|日期|责任编辑|编辑|作者)"
    r"[ \t]*[:：]"
)
_WIRE_RE = re.compile(
    r"[\s（(【\[]*[\u4e00-\u9fff·]{1,20}?"
    r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:电|讯)(?![网力量价源站池])"
)
# the line under a report's or a speech's title saying when and where it was delivered
# (——2025年1月9日在扎赉特旗第十八届人民代表大会第四次会议上)
_DELIVERY_RE = re.compile(
    rf"[（(]?[—－–-]{{0,2}}[ \t]*{_DATE}[ \t]*在[^，,。；;\n]{{2,60}}上"
    r"(?:的(?:讲话|报告|发言|致辞))?[）)]?"
)
_DATE_LINE_COUNT = 6
_LABEL_LINE_MAX = 100
_SOURCE_LINE_MAX = 40
_SENTENCE_MARK_RE = re.compile(r"[，,。；;！？!?]")
_PAGE_HEADER_RE = re.compile(
    r"第[\d一二三四五六七八九十]{1,3}版|星期[一二三四五六日天]|周[一二三四五六日]"
)


def _date_of(m: re.Match[str]) -> date | None:
    month, day = m.group("m"), m.group("d")
    if month is None:
        month, day = m.group("m2"), m.group("d2")
    try:
        return date(int(m.group("y")), int(month), int(day))
    except ValueError:
        return None


def _line_date(line: str) -> date | None:
    m = _DATE_ALONE_RE.fullmatch(line)
    if m:
        return _date_of(m)
    if len(line) <= _LABEL_LINE_MAX and _LABEL_RE.search(line):
        m = _DATE_RE.search(line)
        if m:
            return _date_of(m)
    # a byline of a web page: a date(-time) and a source name, no sentence
    # (2024年04月20日 15:29 新京报, 鄂尔多斯融媒 2023-03-30 16:10:25)
    # and a newspaper's page header (房山报　2024年12月20日　星期五　第2版　区域协作)
    if len(line) <= _SOURCE_LINE_MAX and not _SENTENCE_MARK_RE.search(line):
        m = _DATE_RE.search(line)
        if m and (
            m.start() == 0
            or _DATE_ALONE_RE.fullmatch(line[m.start() :])
            or _PAGE_HEADER_RE.search(line, m.end())
        ):
            return _date_of(m)
    m = _DELIVERY_RE.fullmatch(line)
    if m:
        return _date_of(m)
    m = _WIRE_RE.match(line)
    if m:
        try:
            return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
    return None


def publication_date(text: str) -> date | None:
    """The article's publication date from a date line in its text, else None."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    head = lines[:_DATE_LINE_COUNT]
    tail = lines[max(len(head), len(lines) - _DATE_LINE_COUNT) :][::-1]
    for line in head + tail:
        found = _line_date(line)
        if found is not None:
            return found
    return None
