"""Structure parsing and decoding: sections, bylines, captions, page-break repair, offsets."""

from pathlib import Path

import pytest

from orchestration.text.parsing import ArticleDecodeError, decode_article, parse_article

SEED = Path(__file__).resolve().parent.parent / "raw" / "articles" / "nmg-regional-cooperation.txt"

TWO_SECTIONS = """

合作共赢 再上台阶

赤峰

开放合作 新路径

□本报记者 张三

赤峰市今年引进资金12亿元,同比增长

15%。

这是第二段。

通辽

携手前行 共谋发展

□本报记者 李四
通讯员 王五

通辽市新增企业30家。

2025年7月1日,通辽市举行签约仪式。 赵六 摄
"""


def kinds(text: str) -> list[tuple[str, str | None]]:
    return [(b.kind, b.city_code) for b in parse_article("t", text).blocks]


def test_sections_bylines_and_caption():
    assert kinds(TWO_SECTIONS) == [
        ("headline", None),
        ("city", "chifeng"),
        ("subheadline", "chifeng"),
        ("byline", "chifeng"),
        ("paragraph", "chifeng"),
        ("paragraph", "chifeng"),
        ("city", "tongliao"),
        ("subheadline", "tongliao"),
        ("byline", "tongliao"),
        ("byline", "tongliao"),
        ("paragraph", "tongliao"),
        ("caption", "tongliao"),
    ]


def test_page_break_is_joined_and_offsets_point_at_the_text():
    parsed = parse_article("t", TWO_SECTIONS)
    joined = [b for b in parsed.blocks if b.kind == "paragraph"][0]
    assert joined.text == "赤峰市今年引进资金12亿元,同比增长15%。"
    assert parsed.text[joined.start : joined.end] == joined.text
    assert parsed.repairs == [13]  # the source line of "15%。"
    start = parsed.text.index("15%")
    assert parsed.block_at(start) == joined


TABLE = """2024年统计公报

全年外贸平稳增长。

表1  2024年主要口岸货运量

口岸名称      货运量（万吨）    比上年增长（%）
满洲里          2163             4.7
策克            1385             -4.1
注：数据为初步统计数
"""


def test_a_table_keeps_its_lines_as_table_blocks():
    parsed = parse_article("t", TABLE)
    kinds = [(b.kind, b.text) for b in parsed.blocks]
    assert [text for kind, text in kinds if kind == "table"] == [
        "口岸名称      货运量（万吨）    比上年增长（%）",
        "满洲里          2163             4.7",
        "策克            1385             -4.1",  # not a date line (1385-4-1)
    ]
    assert parsed.repairs == []  # no row glued to the next line as a broken paragraph
    assert ("paragraph", "注：数据为初步统计数") in kinds


def test_the_short_lines_above_a_byline_are_the_title():
    """A quotation as a headline may hold a comma; with its kicker (——…) above a byline it
    is still the title, not the body."""
    text = (
        "“抱团闯市场，日子有奔头”\n——某旗一家养羊合作社的牧民说\n□本报记者 某某\n"
        "六月的草原，抓绒季刚刚结束。合作社今年卖绒9.6吨。\n"
    )
    kinds = [(b.kind, b.text) for b in parse_article("t", text).blocks]
    assert kinds[:3] == [
        ("headline", "“抱团闯市场，日子有奔头”"),
        ("headline", "——某旗一家养羊合作社的牧民说"),
        ("byline", "□本报记者 某某"),
    ]
    assert kinds[3][0] == "paragraph"


def test_spaced_lines_without_a_header_are_no_table_and_stay_apart():
    rows = [
        "包头市              2163              4.7",
        "鄂尔多斯市          1385              4.1",
    ]
    assert all(len(row) >= 30 for row in rows)  # as long as a page-broken paragraph's half
    text = "标题\n\n各盟市外贸情况如下。\n" + "\n".join(rows) + "\n"
    parsed = parse_article("t", text)
    assert all(b.kind != "table" for b in parsed.blocks)
    # laid out with runs of spaces: never glued together as a page-broken paragraph
    assert [b.text for b in parsed.blocks if b.kind == "paragraph"] == [
        "各盟市外贸情况如下。",
        *rows,
    ]
    assert parsed.repairs == []


@pytest.mark.parametrize(
    ("text", "expected_sections", "warning_fragment"),
    [
        # no sections at all: one headline, a byline, paragraphs
        ("标题\n\n□本报记者 甲\n\n满洲里口岸今年过货1000万吨。\n", [], "no city sections"),
        # a city line the ledger does not know, in a section position
        (TWO_SECTIONS.replace("通辽\n", "大同市\n"), ["chifeng", None], "大同市"),
        # league names with and without 盟, city names with 市
        (
            TWO_SECTIONS.replace("赤峰\n", "兴安盟\n").replace("通辽\n", "包头市\n"),
            ["hinggan", "baotou"],
            None,
        ),
    ],
)
def test_section_recognition(text, expected_sections, warning_fragment):
    parsed = parse_article("t", text)
    assert [s.city_code for s in parsed.sections] == expected_sections
    if warning_fragment:
        assert any(warning_fragment in w for w in parsed.warnings)


def test_seed_structure():
    parsed = parse_article("seed", decode_article(SEED.read_bytes())[0])
    assert [s.city_code for s in parsed.sections] == [
        "hohhot",
        "wuhai",
        "hulunbuir",
        "baotou",
        "ordos",
        "ulanqab",
    ]
    assert parsed.headline.startswith("全力推进")
    assert sum(b.kind == "caption" for b in parsed.blocks) == 1
    assert sum(b.kind == "byline" for b in parsed.blocks) == 7  # one section has two lines
    # five paragraphs were cut by page breaks; each is whole again
    assert len(parsed.repairs) == 5
    assert "自治区发改委核准" in parsed.text
    assert "冷凉蔬菜" in parsed.text and "恒温库,储量" in parsed.text
    sub = [b for b in parsed.blocks if b.kind == "subheadline" and b.city_code == "ulanqab"][0]
    assert "17.41亿元" in sub.text
    for block in parsed.blocks:
        assert parsed.text[block.start : block.end] == block.text


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("标题\n正文。".encode(), "utf-8"),
        ("\ufeff标题\n正文。".encode(), "utf-8-sig"),
        ("标题\n乌兰察布市今年引进资金。".encode("gb18030"), "gb18030"),
    ],
)
def test_decoding(data, encoding):
    text, used = decode_article(data, "a.txt")
    assert used == encoding
    assert text.lstrip("\ufeff").startswith("标题")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\xff\xfe\x00\x00garbage\x81", "not valid UTF-8"),
        ("标题\x00正文".encode(), "control character"),
    ],
)
def test_decoding_errors_name_the_file(data, message):
    with pytest.raises(ArticleDecodeError) as error:
        decode_article(data, "articles/bad.txt")
    assert "articles/bad.txt" in str(error.value)
    assert message in str(error.value)
