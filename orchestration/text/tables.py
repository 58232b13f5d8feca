"""Tables printed as text: a statistical bulletin's 表1 laid out with runs of spaces.

::

    表1  2024年主要口岸进出境货运量
    口岸名称      货运量（万吨）    比上年增长（%）
    满洲里          2163             4.7
    策克            1385             -4.1

A header line names what each column measures and its unit in brackets or a bare %
(同比增长%), or, under a unit line (单位：万元、%), leaves the units out (a rate's column
takes the %, the others the amount); a column of units (计量单位) or a unit in brackets after
a row's label (社会消费品零售总额（亿元）) gives the row's amounts theirs; each row names its
subject in its first cell (全　市 spaced out to the column's width is one cell) and holds
bare numbers in the others. :func:`is_header` and
:func:`is_row` let the parser keep such lines as ``table`` blocks (a row is never glued to
the next line as a page-broken paragraph). :func:`row_sentences` writes each row as the
sentence it stands for (``满洲里口岸货运量2163万吨，比上年下降4.1%。``) under the table's
caption, so that the extractor reads it with its own rules (value and unit, metric, measure,
place, period) and each figure then points back at its cell. Pure: no dagster, no duckdb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orchestration.text.numbers import read_quantity

# cells are parted by two or more spaces, a tab, one ideographic space (as wide as a
# character: 煤炭　612.3　41.7), or a vertical bar (旗县｜项目数（个）｜资金（万元）)
_CELL_GAP_RE = re.compile(r"[ \t\u3000]*[｜|][ \t\u3000]*|(?:[ \u3000]{2,}|\t|\u3000)[ \t\u3000]*")
# a column that counts (项目数, 企业数, 户数), not a 指数 nor a 系数
_COUNT_COLUMN_RE = re.compile(r"(?<![指系倍])数(?:量)?$")
# a rule between a header and its rows: cells of dashes between bars, or a run of line marks
_RULE_LINE_RE = re.compile(
    r"[|｜]?(?:\s*:?[-－—─━]{3,}:?\s*[|｜])+\s*(?::?[-－—─━]{3,}:?)?|[-－—─━=]{6,}"
)
# a header's word spaced out letter by letter with single ideographic spaces (盟　市, 地　区)
_SPACED_WORD_RE = re.compile("[\u4e00-\u9fff](?:\u3000[\u4e00-\u9fff])*")
_NUMBER_RE = re.compile(r"[-－−+]?\d[\d,]*(?:\.\d+)?")
_NEGATIVE = "-－−"
_EMPTY_CELL = {"-", "—", "－", "…", "/"}
_SENTENCE_PUNCT_RE = re.compile(r"[，,。；;！？!?]")
# a column's unit in brackets (货运量（万吨）), or a bare % after its name (同比增长%)
_HEADER_UNIT_RE = re.compile(
    r"^(?P<name>.*?)(?:[（(](?P<unit>[^（）()]{1,8})[）)]|(?P<unit2>[%％]))$"
)
# a row label's unit in brackets (社会消费品零售总额（亿元）): the unit of the row's amounts
# under a column whose header gives none (1—9月); other brackets qualify the label
_LABEL_UNIT_RE = re.compile(r"^(?P<name>.+?)[（(](?P<unit>[^（）()\d]{1,6})[）)]$")
_CAPTION_UNIT_RE = re.compile(r"单位[:：]\s*(?P<unit>[^\s）)，,；;]{1,6})")
_UNIT_LINE_RE = re.compile(r"[（(]?单位[:：]\s*[^\s，,；;。]{1,8}[）)]?")
_UNIT_SEP_RE = re.compile(r"[、，,/]")
# columns of a rate under a unit line giving several units (单位：万元、%): they take its %
_RATE_COLUMN_RE = re.compile(r"增长|增速|增幅|下降|比重|占比|率")
_NUMBER_KIND_NAMES = ("绝对数", "绝对值", "绝对量", "数值", "数量", "总量", "金额", "规模")
# a column of units, one per row (指标名称　单位　绝对量　同比增长（%）): each row's amount
# columns without a unit of their own take the row's
_UNIT_COLUMN_NAMES = ("单位", "计量单位")
_HEADER_MARKS = ("（", "(", "%", "％", "单位")  # what every header line holds one of
_MAX_UNIT_CELL = 6
_MAX_TEXT_CELL = 40
# columns of words, not numbers (序号　项目名称　承担单位　所在地　总投资（万元）): a project's name,
# who carries it out, where; their cells describe the row's subject
_TEXT_COLUMN_RE = re.compile(
    r"(?:名称|单位|所在地|地点|地区|企业|项目|内容|类别|类型|主体|业主|备注)$"
)
# a first column that numbers the rows (序号): the row's subject is in its word columns
_INDEX_NAMES = ("序号", "编号")
_MAX_LABEL = 20
_MAX_HEADER = 80
# a header's first cell names what the rows are (口岸名称 → 口岸): a row whose label lacks
# that word gets it when it is a kind of place the gazetteer names (满洲里 → 满洲里口岸)
_LABEL_KINDS = ("口岸", "综合保税区", "保税区", "开发区", "园区")
_RISE, _FALL = "增长", "下降"


@dataclass(frozen=True)
class Cell:
    text: str
    start: int  # offsets in the line
    end: int


def cells(line: str) -> list[Cell]:
    """The cells of a line split at runs of two or more spaces (a tab, an ideographic space,
    a vertical bar)."""
    found: list[Cell] = []
    pos = 0
    for gap in _CELL_GAP_RE.finditer(line):
        if gap.start() > pos:
            found.append(Cell(line[pos : gap.start()], pos, gap.start()))
        pos = gap.end()
    if pos < len(line):
        found.append(Cell(line[pos:], pos, len(line)))
    merged: list[Cell] = []
    for cell in found:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and line[previous.end : cell.start] == "\u3000"
            and _SPACED_WORD_RE.fullmatch(previous.text)
            and _SPACED_WORD_RE.fullmatch(cell.text)
            and len(cell.text) == 1
        ):
            # 盟　市, 项　目: one word spaced out letter by letter, one cell
            merged[-1] = Cell(line[previous.start : cell.end], previous.start, cell.end)
        else:
            merged.append(cell)
    return merged


def is_rule_line(line: str) -> bool:
    """A line that only rules the header off from the rows (| --- | --- |, a table copied from
    Markdown, or ━━━━): part of the table, no row."""
    return bool(_RULE_LINE_RE.fullmatch(line.strip()))


def is_number(text: str) -> bool:
    return bool(_NUMBER_RE.fullmatch(text))


def is_unit_line(line: str) -> bool:
    """A line that only gives a table's units (单位：万元、%)."""
    return bool(_UNIT_LINE_RE.fullmatch(line.strip()))


def is_header(line: str, after_unit_line: bool = False) -> bool:
    """A table's header: two or more cells, none a number, no sentence punctuation, one
    with a unit in brackets (货运量（万吨）); under a unit line (单位：万元、%) the units may
    be left out of the header (地区　地区生产总值　增长)."""
    if not after_unit_line and not any(mark in line for mark in _HEADER_MARKS):
        return False  # most lines: no bracket, % or 单位 (asked of every line of every article)
    if not _CELL_GAP_RE.search(line):
        return False
    row = cells(line)
    return (
        len(row) >= 2
        and len(line) <= _MAX_HEADER
        and not _SENTENCE_PUNCT_RE.search(line)
        and not any(is_number(c.text) for c in row)
        and (
            after_unit_line
            or any(_HEADER_UNIT_RE.match(c.text) for c in row[1:])
            or any(c.text in _UNIT_COLUMN_NAMES for c in row[1:])
        )
    )


@dataclass(frozen=True)
class Shape:
    """What a header says of its rows: how many columns, which holds each row's unit
    (计量单位), which hold words (项目名称, 承担单位, 所在地: ``_TEXT_COLUMN_RE``), and whether
    the first numbers the rows (序号)."""

    width: int
    units_at: int | None = None
    text_at: frozenset[int] = frozenset()
    indexed: bool = False


def table_shape(header: str) -> Shape:
    """The :class:`Shape` of the rows under ``header``."""
    row = cells(header)
    units_at = unit_column(header)
    indexed = bool(row) and row[0].text in _INDEX_NAMES
    if indexed and units_at == 1:
        units_at = None  # 序号　单位　项目　金额（万元）: under 序号, 单位 names who, not a unit
    return Shape(
        width=len(row),
        units_at=units_at,
        text_at=frozenset(
            i
            for i, c in enumerate(row)
            if i
            and i != units_at
            and not _HEADER_UNIT_RE.match(c.text)
            and _TEXT_COLUMN_RE.search(c.text)
        ),
        indexed=indexed,
    )


def row_cells(line: str, shape: Shape) -> list[Cell]:
    """The cells of a row of ``shape``: a label spaced out to the width of the others
    (全　市) is one cell; a row of a table with word columns that leaves them out (合计
    98230　2890) has its numbers in the last columns (the words' cells empty)."""
    width = shape.width
    row = cells(line)
    if len(row) == width + 1 and all(
        len(c.text) == 1 and "\u4e00" <= c.text <= "\u9fff" for c in row[:2]
    ):
        row = [Cell(row[0].text + row[1].text, row[0].start, row[1].end), *row[2:]]
    if (
        shape.text_at
        and 2 <= len(row) < width
        and not is_number(row[0].text)
        and all(is_number(c.text) for c in row[1:])
    ):
        gap = Cell("", row[0].end, row[0].end)
        row = [row[0], *[gap] * (width - len(row)), *row[1:]]
    return row


def unit_column(header: str) -> int | None:
    """The index of a header's column of units (单位, 计量单位), or None."""
    return next(
        (i for i, c in enumerate(cells(header)) if i and c.text in _UNIT_COLUMN_NAMES), None
    )


def _is_word(text: str, longest: int) -> bool:
    """A short word of a table's text (a unit, a group's name): no digit, no sentence
    punctuation."""
    return (
        0 < len(text) <= longest
        and not any(ch.isdigit() for ch in text)
        and not _SENTENCE_PUNCT_RE.search(text)
    )


def _is_unit_cell(text: str) -> bool:
    return text in _EMPTY_CELL or _is_word(text, _MAX_UNIT_CELL)


def is_row(line: str, shape: Shape) -> bool:
    """A row of a table of ``shape``: a label (a number under 序号), then numbers (or an
    empty mark), the row's unit in the column of units, words in the word columns, and one
    number at least outside them."""
    row = row_cells(line, shape)

    def fits(k: int, text: str) -> bool:
        if k == shape.units_at:
            return _is_unit_cell(text)
        if k in shape.text_at:
            return not text or (len(text) <= _MAX_TEXT_CELL and not _SENTENCE_PUNCT_RE.search(text))
        return is_number(text) or text in _EMPTY_CELL

    return (
        len(row) == shape.width
        and len(row[0].text) <= _MAX_LABEL
        and (shape.indexed or not is_number(row[0].text))
        and all(fits(k, c.text) for k, c in enumerate(row[1:], 1))
        and any(
            is_number(c.text)
            for k, c in enumerate(row[1:], 1)
            if k != shape.units_at and k not in shape.text_at
        )
    )


_MAX_GROUP = 8
_MAX_NUMBERED_GROUP = 16
# a group numbered as a heading is (一、创新创业团队项目): the words after the number name it
_GROUP_NUMBER_RE = re.compile(r"^[一二三四五六七八九十]{1,3}[、．.]")


def is_group_label(line: str) -> bool:
    """A line inside a table that names the group of the rows under it (进口, 出口 in a
    table of commodities; 一、领军人才项目 in a list of awards): one short cell, no number,
    no sentence punctuation."""
    text = line.strip(" \t\u3000")
    name = group_name(line)
    longest = _MAX_GROUP if name == text else _MAX_NUMBERED_GROUP
    return _is_word(name, longest) and not _CELL_GAP_RE.search(text)


def group_name(line: str) -> str:
    """The name of a group label (进口; 领军人才项目 from 二、领军人才项目)."""
    text = line.strip(" \t\u3000")
    numbered = _GROUP_NUMBER_RE.match(text)
    return text[numbered.end() :] if numbered else text


@dataclass(frozen=True)
class RowSentence:
    """A row written as a sentence, and where each of its numbers came from."""

    sentence: str
    numbers: tuple[tuple[int, Cell], ...]  # (offset of a number in ``sentence``, its cell)
    group: str = ""  # the group label the row is under (进口), '' when none
    columns: tuple[str, ...] = ()  # each number's column as its header names it (累计)


def _column(header: Cell) -> tuple[str, str]:
    """(what the column measures, its unit as printed): 货运量（万吨） → (货运量, 万吨); a
    column named for the kind of number only (绝对数（亿元）) names nothing: its rows'
    labels do (出口额)."""
    m = _HEADER_UNIT_RE.match(header.text)
    name, unit = (m.group("name"), m.group("unit") or m.group("unit2")) if m else (header.text, "")
    return ("" if name in _NUMBER_KIND_NAMES else name), unit


def caption_unit(caption: str) -> str:
    """The unit a caption gives every column without one of its own (单位：万吨), or ''."""
    m = _CAPTION_UNIT_RE.search(caption)
    return m.group("unit") if m else ""


def _row_label(row: list[Cell], shape: Shape) -> str:
    """A row's subject: its first cell, or under 序号 its first word cell; the other word
    cells follow in brackets (石墨负极材料项目（某新材料有限公司，集宁区）)."""
    words = [row[k].text for k in sorted(shape.text_at) if row[k].text]
    if shape.indexed:
        label, rest = (words[0], words[1:]) if words else ("", [])
    else:
        label, rest = row[0].text, words
    return f"{label}（{'，'.join(rest)}）" if rest else label


def row_sentences(header: str, rows: list[str], default_unit: str = "") -> list[RowSentence]:
    """Each row of a table as the sentence it stands for (see the module docstring);
    ``default_unit``: the unit of the columns whose header gives none (the caption's)."""
    units = [u for u in _UNIT_SEP_RE.split(default_unit) if u]
    percent = next((u for u in units if u in ("%", "％")), "")
    amount = next((u for u in units if u not in ("%", "％")), percent)

    def default(name: str) -> str:
        if percent and _RATE_COLUMN_RE.search(name):
            return percent
        if not amount and _COUNT_COLUMN_RE.search(name):
            return "个"  # 项目数, 企业数: a count, where no unit line says otherwise
        return amount

    shape = table_shape(header)
    units_at = shape.units_at
    printed = [_column(c) for c in cells(header)]
    columns = [(name, unit or default(name)) for name, unit in printed]
    kind = columns[0][0].removesuffix("名称").removesuffix("名")
    out: list[RowSentence] = []
    group = ""  # the group label the rows are under (进口: 进口煤及褐煤…)
    for line in rows:
        if is_rule_line(line):
            out.append(RowSentence("", ()))
            continue
        row = row_cells(line, shape)
        if len(row) != len(columns):  # the parser's rows have the header's width
            if is_group_label(line):
                group = group_name(line)
            out.append(RowSentence("", ()))
            continue
        label = _row_label(row, shape)
        label_unit = ""
        m = _LABEL_UNIT_RE.match(label)
        if m:  # a unit, or a qualifier the sentence does without (固定资产投资（不含农户）)
            label = m.group("name")
            if read_quantity("1" + m.group("unit")) is not None:
                label_unit = m.group("unit")
        if group and not label.startswith(group):
            label = group + label
        if kind in _LABEL_KINDS and not label.endswith(kind):
            label += kind
        sentence = label
        numbers: list[tuple[int, Cell]] = []
        names: list[str] = []
        row_unit = row[units_at].text if units_at is not None else ""
        for k, (cell, (name, unit)) in enumerate(zip(row[1:], columns[1:], strict=True), 1):
            if k == units_at or k in shape.text_at or not is_number(cell.text):
                continue
            if units_at is not None and not printed[k][1] and row_unit not in _EMPTY_CELL:
                unit = row_unit  # 新能源发电量　亿千瓦时　186.3: the row's unit
            elif label_unit and not printed[k][1] and not _RATE_COLUMN_RE.search(name):
                unit = label_unit  # 社会消费品零售总额（亿元）　412.37: the label's unit
            number = cell.text.lstrip("+")
            if number[0] in _NEGATIVE:
                number = number[1:]
                name = name.replace(_RISE, _FALL)
            if unit.strip("±") in ("%", "％"):
                unit = "%"  # 比上年增长（±%）
            if numbers:
                sentence += "，"
            numbers.append((len(sentence) + len(name), cell))
            names.append(printed[k][0])
            sentence += f"{name}{number}{unit}"
        out.append(RowSentence(sentence + "。", tuple(numbers), group, tuple(names)))
    return out
