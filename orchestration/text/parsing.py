"""Reads an article's bytes into text and its text into structure.

The layout is that of a regional newspaper page: a headline, then city sections
(city line, subheadline, byline ``□本报记者 …`` with an optional ``通讯员 …`` line,
paragraphs, an optional photo caption ending in ``摄``). Page breaks split paragraphs
mid-sentence with blank lines; :func:`parse_article` joins them again and gives every
block its offsets in the *repaired* text, which is what figure offsets refer to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from orchestration.text.cities import city_for_section_line
from orchestration.text.script import BULLET_CLASS, simplified, simplified_lines
from orchestration.text.tables import (
    is_group_label,
    is_header,
    is_row,
    is_rule_line,
    is_unit_line,
    table_shape,
)

BLOCK_SEPARATOR = "\n"
# Every kind of block; the extractor reads them all (a figure is a figure wherever printed).
BLOCK_KINDS = (
    "headline",
    "meta",
    "city",
    "subheadline",
    "byline",
    "paragraph",
    "caption",
    "table",
)

# A paragraph that ends in one of these is complete; one that does not was cut by a page break.
_SENTENCE_END = tuple("。！？!?…”’」』）)；;：:")
# A byline: a reporter's or correspondent's name line (□本报记者 张三, 通讯员 李四, 文/张三,
# （记者 张三）). A line that starts like one but reads as a sentence (记者从…获悉,今年…) is a
# paragraph: bylines are short and carry no clause punctuation.
_BYLINE_RE = re.compile(
    r"^\s*(?:[□■◇◆]|本报记者|本报通讯员|记者|通讯员|特约记者|[（(]\s*(?:本报)?(?:记者|通讯员)"
    r"|文\s*[/／]|图\s*[/／]|文图\s*[/／]|摄影\s*[/／])"
)
_MAX_BYLINE = 40
_SENTENCE_PUNCT_RE = re.compile(r"[，,。；;！？!?]")
# A photo caption: ends in 摄 (张三 摄), or opens with 图为 / ▲ / 图: (图为甘其毛都口岸货运通道。).
_CAPTION_RE = re.compile(
    r"摄\s*[）)]?\s*$|^\s*(?:[（(]?图为|▲|△|图[:：]|上图[:：]?|下图[:：]?|图片[:：])"
)
# Editor, source and date lines (责任编辑：某某 2017-09-13 08:24:00, 2024年1月30日 来源：…,
# 原标题：…), and a WeChat post's header (原创　某某发布　2023-12-26 18:06　内蒙古: the account,
# the time and the province its IP is in): metadata of the page, kept as their own block,
# never glued to a headline.
_META_RE = re.compile(
    r"^[（(【\[]?\s*(?:责任编辑|责编|编辑|来源|稿件来源|本文来源|发布时间|发布日期|更新时间|作者|"
    r"审核|审校|校对|监制|签发|原标题|值班编辑|图片来源|原创[ \t\u3000]|[（(]?完[）)]?$)"
)
_DATE_LINE_RE = re.compile(
    r"^[（(【\[]?\s*\d{4}\s*(?:[-/.年])\s*\d{1,2}\s*(?:[-/.月])\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*[）)】\]]?"
)
# what may follow the date on a date line: a time, a weekday, a source (来源：…, 新京报)
_META_TAIL_RE = re.compile(r"^[^。；;，,！？!?]{0,30}$")
# a source line that ends with its date (鄂尔多斯融媒 2023-03-30 16:10:25)
_SOURCE_DATE_RE = re.compile(
    r"^[^。；;，,！？!?\d]{1,20}\s+\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"
)
_MAX_META = 80
# A paper's masthead over an e-paper page (巴彦淖尔日报 / 2023年4月26日　第5版　河套人物): the
# paper's name alone on a line right above a meta line, meta itself, never the headline.
_MASTHEAD_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:日报|晚报|晨报|时报|商报|周报|报)$")
# Numbered headings of a report (一、2023年工作回顾, （二）主要目标, 第三部分): short, no sentence.
_HEADING_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+[部章节]分?)"
)
_MAX_HEADING = 40
_MAX_TITLE_LINES = 3  # title lines above a byline: a headline, a kicker, a subheadline
# a line opening with a bullet, a bracketed label or an item's number (● 全区…, ▶ 其中…,
# 【新业态】…, 01 鄂尔多斯市…, ① …) starts an item of its own: never the second half of a
# page-broken paragraph (关键词：口岸 / ● 全区口岸进出境货运量… are two lines)
# a label line that heads a part of a page (关键词：主体, 【导读】, 延伸阅读): after city
# sections, it ends the last one (a data post's 01 鄂尔多斯市 … 04 锡林郭勒盟, then 关键词：主体
# about the whole region)
_SECTION_END_RE = re.compile(
    r"[\s\u3000]*(?:(?:关键词|导读|编者按|编后|小编划重点|记者手记|相关链接|延伸阅读|背景链接)"
    r"[:：]?[^，,。；;！？!?]{0,12}|【[^】，,。；;]{1,10}】)[\s\u3000]*"
)
_ITEM_MARK_RE = re.compile(
    rf"[\s\u3000]*(?:[{BULLET_CLASS}【①-⑳]|\d{{1,2}}[ \t\u3000]+\S"
    # a data post's line: its figure, a bar, its label (1986.4亿元丨全市地区生产总值)
    r"|[\d０-９][\d０-９.,．]*[^\s丨|｜，,。]{0,6}[丨|｜]"
    # an infographic's labelled line (关键词：稳中有进 / 数据：地区生产总值568.3亿元)
    # (a label before its own figure, 增长：4.9%, goes on with the line before it)
    r"|[\u4e00-\u9fff]{2,4}[：:](?=[\u4e00-\u9fff]))"
)
# A page-break fragment is part of a running paragraph: long, or with clause punctuation.
# A short line without any (a title, a heading) is never the first half of a broken paragraph.
_MIN_FRAGMENT = 30
_LAID_OUT_RE = re.compile(r"[^\s][ \u3000]{2,}[^\s]|\t")  # cells apart (满洲里    2163    4.7)
_CLAUSE_MARK_RE = re.compile(r"[，,、；;：:。“”]")
_PUNCTUATION_RE = re.compile(r"[，,。！？!?；;：:、“”\"（）()《》%％\d０-９]")
_MAX_CITY_LINE = 8
_MAX_CAPTION = 200
_MAX_HEADLINE = 60
_TITLE_END = tuple("！？!?”’」』）)")  # a first line ending so may still be a title (…再创新高！)
_PLACE_SUFFIXES = tuple("市盟州县旗区")
# Datelines: an agency (新华社, 中新网, 本报 …), the filing place, a date, 电/讯, and an
# optional reporter note in brackets; or 本报讯 / 本报某地讯 alone.
_AGENCIES = (
    "新华社|中新社|中新网|中国新闻网|人民网|新华网|央视网|央广网|光明网|中国日报网|"
    "经济日报|人民日报|内蒙古日报|北方新报|正北方网|内蒙古新闻网|草原云|本报"
)
_REPORTER_NOTE = r"(?:\s*[（(【\[][^）)】\]\n]{0,40}[）)】\]])?\s*"
_DATELINE_RE = re.compile(
    rf"^[【\[]?(?:(?:{_AGENCIES})(?P<place>[\u4e00-\u9fff]{{0,10}}?)|(?P<bare>[\u4e00-\u9fff]{{2,8}}?))"
    r"(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:电|讯|消息)[】\]]?"
    + _REPORTER_NOTE
    + rf"|^[【\[]?(?:{_AGENCIES})(?P<local>[\u4e00-\u9fff]{{0,8}}?)讯[】\]]?"
    + _REPORTER_NOTE
)


class ArticleDecodeError(ValueError):
    """The bytes are not a readable article in any of the accepted encodings."""


@dataclass(frozen=True)
class Block:
    kind: str  # one of BLOCK_KINDS
    text: str
    start: int  # offset of text in the repaired article text
    end: int
    line: int  # 1-based line in the source file where the block starts
    section: int | None  # 0-based index of the city section, None before the first
    city_code: str | None  # the section's city, None outside sections or when unknown


@dataclass(frozen=True)
class Section:
    index: int
    city_line: str
    city_code: str | None  # None: a city line the ledger does not know
    line: int


@dataclass(frozen=True)
class Dateline:
    """A wire or newspaper dateline at the start of the body (``中新网呼和浩特3月17日电
    (记者 某某)``, ``本报讯``). It names where the reporter filed, not what the figures are
    about: place attribution treats it as weak evidence (see ``places``)."""

    text: str
    start: int  # offsets in the repaired text
    end: int
    place: str | None  # the filing place as printed (呼和浩特), None for 本报讯


@dataclass
class ParsedArticle:
    article_id: str
    text: str  # the repaired text: blocks joined by BLOCK_SEPARATOR
    blocks: list[Block]
    sections: list[Section]
    repairs: list[int] = field(default_factory=list)  # source lines where a page break was joined
    warnings: list[str] = field(default_factory=list)
    dateline: Dateline | None = None

    @property
    def headline(self) -> str:
        return "".join(b.text for b in self.blocks if b.kind == "headline")

    def block_at(self, offset: int) -> Block | None:
        for block in self.blocks:
            if block.start <= offset < block.end:
                return block
        return None


def decode_article(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Return (text, encoding) for UTF-8 (with or without BOM) or GB18030 input.

    GB18030 decodes many byte strings that are not Chinese text at all, so a GB18030
    reading must also look like Chinese: mostly CJK characters and no control characters.
    """
    if not data.strip():
        raise ArticleDecodeError(f"{source}: file is empty")
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
            encoding = "gb18030"
        except UnicodeDecodeError:
            raise ArticleDecodeError(
                f"{source}: not valid UTF-8 (byte {utf8_error.start}: "
                f"{data[utf8_error.start : utf8_error.start + 4]!r}) nor GB18030"
            ) from None
        if not _looks_like_chinese(text):
            raise ArticleDecodeError(
                f"{source}: not valid UTF-8 (byte {utf8_error.start}) and its GB18030 reading "
                "is not Chinese text"
            ) from None
    bad = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t"]
    if bad:
        line = text[: text.index(bad[0])].count("\n") + 1
        raise ArticleDecodeError(f"{source}:{line}: control character {bad[0]!r} in text")
    if not text.strip():
        raise ArticleDecodeError(f"{source}: file has no text")
    return text, encoding


def _looks_like_chinese(text: str) -> bool:
    visible = [c for c in text if not c.isspace()]
    cjk = sum(1 for c in visible if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f")
    return bool(visible) and cjk / len(visible) >= 0.3


@dataclass
class _Line:
    text: str
    number: int  # 1-based
    blank_before: int = 0  # count of blank lines before it
    kind: str = "paragraph"
    city_code: str | None = None


def _read_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    blanks = 0
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        stripped = raw.strip().strip("\u3000\ufeff")
        if not stripped:
            blanks += 1
            continue
        lines.append(_Line(stripped, number, blanks))
        blanks = 0
    return lines


def _unknown_city_line(line: _Line, sections_so_far: int) -> bool:
    """A line in a city line's position that names no known city: a city we do not know."""
    shaped = len(line.text) <= _MAX_CITY_LINE and not _PUNCTUATION_RE.search(line.text)
    return (
        shaped
        and " " not in line.text
        and (sections_so_far > 0 or line.text.endswith(_PLACE_SUFFIXES))
    )


def _is_meta(text: str) -> bool:
    """An editor, source or date line: ``责任编辑：某某 2017-09-13 08:24:00``, ``2024年1月30日
    来源：内蒙古日报``, ``原标题：…``."""
    if len(text) > _MAX_META:
        return False
    if _META_RE.match(text):
        return True
    if _SOURCE_DATE_RE.match(text):
        return True
    date = _DATE_LINE_RE.match(text)
    return bool(date) and bool(_META_TAIL_RE.fullmatch(text[date.end() :]))


def _line_kind(line: _Line) -> str | None:
    """The kind a line has on its own (before its neighbours are looked at), or None."""
    text = line.text
    if _is_meta(text):
        return "meta"
    if _BYLINE_RE.match(text):
        if len(text) <= _MAX_BYLINE and not _SENTENCE_PUNCT_RE.search(text):
            return "byline"
        return None  # 记者从…获悉,…: a lead, read as a paragraph (and said so in a warning)
    if _CAPTION_RE.search(text) and len(text) <= _MAX_CAPTION:
        return "caption"
    if (
        _HEADING_RE.match(text)
        and len(text) <= _MAX_HEADING
        and not _SENTENCE_PUNCT_RE.search(text[:-1])
    ):
        return "subheadline"
    return None


def _mark_tables(lines: list[_Line]) -> None:
    """A header line with units in brackets and the rows of numbers under it are a table
    (``tables.py``): their lines are never joined as a page-broken paragraph."""
    i = 0
    while i < len(lines):
        if not is_header(lines[i].text, i > 0 and is_unit_line(lines[i - 1].text)):
            i += 1
            continue
        shape = table_shape(lines[i].text)
        j = i + 1
        if j < len(lines) and is_rule_line(lines[j].text):
            j += 1  # | --- | --- |: the rule under a header copied from Markdown
        first_row = j
        while j < len(lines):
            if is_row(lines[j].text, shape):
                j += 1
            elif (  # 进口 / 出口: a group label over the rows after it
                j + 1 < len(lines)
                and is_group_label(lines[j].text)
                and is_row(lines[j + 1].text, shape)
            ):
                j += 2
            else:
                break
        if j > first_row:
            for line in lines[i:j]:
                line.kind = "table"
        i = max(j, i + 1)


def _classify(lines: list[_Line]) -> list[str]:
    """Give every line a kind; return warnings about the structure."""
    warnings: list[str] = []
    _mark_tables(lines)
    for line in lines:
        if line.kind == "table":
            continue
        kind = _line_kind(line)
        if kind:
            line.kind = kind
        elif code := city_for_section_line(line.text):
            line.kind, line.city_code = "city", code
        elif _BYLINE_RE.match(line.text):
            warnings.append(
                f"line {line.number}: starts like a byline but reads as a sentence; "
                "kept as a paragraph"
            )

    for line, below in zip(lines, lines[1:], strict=False):
        if line.kind == "paragraph" and below.kind == "meta" and _MASTHEAD_RE.match(line.text):
            line.kind = "meta"

    # A section opens with: city line, subheadline, byline (or city line, byline).
    sections = 0
    for i, line in enumerate(lines):
        if line.kind == "city":
            sections += 1
            if (
                i + 2 < len(lines)
                and lines[i + 1].kind == "paragraph"
                and lines[i + 2].kind == "byline"
            ):
                lines[i + 1].kind = "subheadline"
            continue
        if line.kind != "byline" or lines[i - 1].kind in ("byline", "city") or i < 3:
            continue
        sub, city = lines[i - 1], lines[i - 2]
        if (
            sub.kind == "paragraph"
            and city.kind == "paragraph"
            and _unknown_city_line(city, sections)
        ):
            city.kind, sub.kind = "city", "subheadline"
            sections += 1
            warnings.append(
                f"line {city.number}: section city '{city.text}' is not one of the twelve "
                "leagues and cities; its figures get no city"
            )

    # The headline: the title lines before the body. A title is short and is not a
    # sentence; the first line may end in ！/？/” and still be a title when it holds no
    # clause punctuation. Title lines end at the first byline, section, meta line or body
    # paragraph. A page header above the title (2024-08-15 16:22　来源：新华网) is skipped.
    first = next((i for i, line in enumerate(lines) if line.kind != "meta"), len(lines))
    byline = next(
        (
            j
            for j in range(first, min(first + _MAX_TITLE_LINES + 1, len(lines)))
            if lines[j].kind == "byline"
        ),
        None,
    )
    if (
        byline is not None
        and byline > first
        and all(
            lines[j].kind == "paragraph"
            and len(lines[j].text) <= _MAX_HEADLINE
            and not lines[j].text.endswith("。")
            for j in range(first, byline)
        )
    ):
        # the short lines above a byline are the title, even a quotation with a comma
        # inside (“抱团养羊，日子越过越有奔头” / ——鄂托克旗一家合作社的牧民说 / □本报记者 …)
        for line in lines[first:byline]:
            line.kind = "headline"
        return warnings
    for i, line in enumerate(lines[first:]):
        if line.kind != "paragraph" or len(line.text) > _MAX_HEADLINE:
            break
        if line.text.endswith(_SENTENCE_END) and (
            i > 0 or not line.text.endswith(_TITLE_END) or _SENTENCE_PUNCT_RE.search(line.text[:-1])
        ):
            break
        if i > 0 and _SENTENCE_PUNCT_RE.search(line.text):
            break
        if _DATELINE_RE.match(line.text):  # the body's first paragraph, however short
            break
        line.kind = "headline"
    if first == len(lines) or lines[first].kind != "headline":
        warnings.append("article starts without a headline")
    return warnings


def _continues(previous: str, line: _Line) -> bool:
    """True when ``line`` is the second half of a paragraph cut by a page break. A line that
    opens with a dateline or an item's mark never is. A line laid out with runs of spaces (a
    table's row the parser did not recognise as one) is never half of a broken paragraph,
    nor is the line after it."""
    return (
        line.kind == "paragraph"
        and not _DATELINE_RE.match(line.text)  # 新华社…电, 本报讯: a paragraph opens there
        and not _ITEM_MARK_RE.match(line.text)  # ● …, ▶ …, 【…】…, 01 …: an item opens there
        and not previous.endswith(_SENTENCE_END)
        and (len(previous) >= _MIN_FRAGMENT or bool(_CLAUSE_MARK_RE.search(previous)))
        and not _LAID_OUT_RE.search(previous)
        and not _LAID_OUT_RE.search(line.text)
    )


def parse_article(article_id: str, text: str) -> ParsedArticle:
    """Split ``text`` into blocks, join page-broken paragraphs, and compute offsets."""
    lines = _read_lines(text)
    # lines are classified on their simplified reading (記者, 責任編輯 read as 记者, 责任编辑);
    # the blocks keep the printed text
    readings = simplified_lines([ln.text for ln in lines])
    view = [
        _Line(seen, ln.number, ln.blank_before) for ln, seen in zip(lines, readings, strict=True)
    ]
    warnings = _classify(view)
    for line, seen in zip(lines, view, strict=True):
        line.kind, line.city_code = seen.kind, seen.city_code

    merged: list[tuple[_Line, str]] = []
    repairs: list[int] = []
    for line in lines:
        if merged and merged[-1][0].kind == "paragraph" and _continues(merged[-1][1], line):
            previous, joined = merged[-1]
            merged[-1] = (previous, joined + line.text)
            repairs.append(line.number)
            continue
        merged.append((line, line.text))

    blocks: list[Block] = []
    sections: list[Section] = []
    offset = 0
    section_index: int | None = None
    city_code: str | None = None
    for line, block_text in merged:
        if line.kind == "city":
            section_index = len(sections)
            city_code = line.city_code
            sections.append(Section(section_index, line.text, city_code, line.number))
        elif section_index is not None and _SECTION_END_RE.fullmatch(block_text):
            section_index = city_code = None  # 关键词：主体 after 04 锡林郭勒盟's item
        blocks.append(
            Block(
                line.kind,
                block_text,
                offset,
                offset + len(block_text),
                line.number,
                section_index,
                city_code,
            )
        )
        offset += len(block_text) + len(BLOCK_SEPARATOR)
    repaired = BLOCK_SEPARATOR.join(text for _, text in merged)
    dateline = find_dateline(blocks)
    if not sections:
        warnings.append("no city sections recognised; cities come from the places the text names")
    if not any(b.kind == "paragraph" for b in blocks):
        warnings.append("no paragraphs found")
    return ParsedArticle(article_id, repaired, blocks, sections, repairs, warnings, dateline)


def find_dateline(blocks: list[Block]) -> Dateline | None:
    """The dateline at the start of the first body paragraph, if it has one (read on the
    simplified view: 中新網呼和浩特3月17日電 is a dateline too; ``place`` is simplified)."""
    for block in blocks:
        if block.kind in ("headline", "meta", "byline", "city", "subheadline", "caption"):
            continue
        m = _DATELINE_RE.match(simplified(block.text[:80]))
        if not m:
            return None
        place = m.group("place") or m.group("bare") or m.group("local") or None
        end = len(m.group().rstrip())
        return Dateline(block.text[:end], block.start, block.start + end, place)
    return None
