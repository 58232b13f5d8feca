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

BLOCK_SEPARATOR = "\n"

# A paragraph that ends in one of these is complete; one that does not was cut by a page break.
_SENTENCE_END = tuple("。！？!?…”’」』）)；;：:")
_BYLINE_RE = re.compile(r"^\s*(?:[□■◇◆]|本报记者|本报通讯员|记者|通讯员)")
_CAPTION_RE = re.compile(r"摄\s*$")
_PUNCTUATION_RE = re.compile(r"[，,。！？!?；;：:、“”\"（）()《》%％\d０-９]")
_MAX_CITY_LINE = 8
_MAX_CAPTION = 200
_MAX_HEADLINE = 60
_PLACE_SUFFIXES = tuple("市盟州县旗区")


class ArticleDecodeError(ValueError):
    """The bytes are not a readable article in any of the accepted encodings."""


@dataclass(frozen=True)
class Block:
    kind: str  # headline | city | subheadline | byline | paragraph | caption
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


@dataclass
class ParsedArticle:
    article_id: str
    text: str  # the repaired text: blocks joined by BLOCK_SEPARATOR
    blocks: list[Block]
    sections: list[Section]
    repairs: list[int] = field(default_factory=list)  # source lines where a page break was joined
    warnings: list[str] = field(default_factory=list)

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


def _classify(lines: list[_Line]) -> list[str]:
    """Give every line a kind; return warnings about the structure."""
    warnings: list[str] = []
    for line in lines:
        if _BYLINE_RE.match(line.text):
            line.kind = "byline"
        elif _CAPTION_RE.search(line.text) and len(line.text) <= _MAX_CAPTION:
            line.kind = "caption"
        elif code := city_for_section_line(line.text):
            line.kind, line.city_code = "city", code

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

    # The headline: the lines before the first section or byline that are not sentences.
    first = next((i for i, ln in enumerate(lines) if ln.kind in ("city", "byline")), None)
    if first is None:
        first = 1  # no structure at all: the first line is the headline
    for line in lines[:first]:
        if line.kind == "paragraph" and (
            not line.text.endswith(_SENTENCE_END) and len(line.text) <= _MAX_HEADLINE
        ):
            line.kind = "headline"
    if not lines or lines[0].kind != "headline":
        warnings.append("article starts without a headline")
    return warnings


def parse_article(article_id: str, text: str) -> ParsedArticle:
    """Split ``text`` into blocks, join page-broken paragraphs, and compute offsets."""
    lines = _read_lines(text)
    warnings = _classify(lines)

    merged: list[tuple[_Line, str]] = []
    repairs: list[int] = []
    for line in lines:
        if (
            line.kind == "paragraph"
            and merged
            and merged[-1][0].kind == "paragraph"
            and not merged[-1][1].endswith(_SENTENCE_END)
        ):
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
    if not sections:
        warnings.append("no city sections recognised; cities come from the places the text names")
    if not any(b.kind == "paragraph" for b in blocks):
        warnings.append("no paragraphs found")
    return ParsedArticle(article_id, repaired, blocks, sections, repairs, warnings)
