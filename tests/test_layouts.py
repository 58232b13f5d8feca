"""Real-reporting layouts: every character of the body lands in a block the extractor reads,
and each line gets the kind a reader would give it. The articles here are short ones written
for the test; the development articles of tests/data/real/ are checked the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.text.parsing import (
    BLOCK_KINDS,
    BLOCK_SEPARATOR,
    decode_article,
    parse_article,
)

ROOT = Path(__file__).resolve().parent.parent

LAYOUTS = {
    "wire_story": (
        "内蒙古前两个月外贸进出口稳中有升\n\n"
        "中新网呼和浩特3月17日电 (记者 王晓) 据呼和浩特海关统计,今年前两个月,内蒙古"
        "外贸进出口总值为286.5亿元,同比增长9.1%。\n\n"
        "其中,对蒙古国进出口90.2亿元,增长12.4%。\n\n"
        "责任编辑:李明 2024-03-17 15:20:00\n",
        ["headline", "paragraph", "paragraph", "meta"],
    ),
    "city_news_lead": (
        "乌兰察布新签约项目数量创新高\n"
        "记者从乌兰察布市政府获悉,今年以来当地新签约项目42个,协议投资额达156亿元。\n"
        "这些项目主要集中在新能源和数据中心领域。\n",
        ["headline", "paragraph", "paragraph"],
    ),
    "port_news_with_caption": (
        "甘其毛都口岸货运量持续攀升\n\n"
        "本报讯(记者 赵刚)今年1至5月,甘其毛都口岸进出口货运量达1,120万吨,同比增长18%。\n\n"
        "图为甘其毛都口岸货运通道。 孙文 摄\n\n"
        "口岸日均通关车辆超过1,500辆次。\n",
        ["headline", "paragraph", "caption", "paragraph"],
    ),
    "government_report": (
        "政府工作报告(摘要)\n\n"
        "各位代表:\n\n"
        "一、2023年工作回顾\n\n"
        "过去一年,全区地区生产总值增长7.3%,一般公共预算收入完成3083亿元。\n\n"
        "（二）2024年主要目标\n\n"
        "地区生产总值预期增长6%左右。\n",
        ["headline", "paragraph", "subheadline", "paragraph", "subheadline", "paragraph"],
    ),
    "single_paragraph_item": (
        "二连浩特口岸中欧班列突破千列\n"
        "截至9月底,经二连浩特口岸出入境的中欧班列达1,860列,同比增长11.2%,"
        "运送货物198万吨。\n",
        ["headline", "paragraph"],
    ),
    "title_then_date_source_line": (
        "锡林郭勒盟冬季旅游迎来开门红\n"
        "2024年1月30日 来源:内蒙古日报\n"
        "1月以来,锡林郭勒盟接待游客86.4万人次,实现旅游收入9.7亿元。\n",
        ["headline", "meta", "paragraph"],
    ),
    "e_paper_page_with_masthead": (
        "鄂尔多斯日报\n"
        "2024年5月14日　第3版　经济\n"
        "“羊绒衫卖到了二十多个国家”\n"
        "——访一家羊绒企业的负责人\n"
        "□本报记者　某某\n"
        "走进达拉特旗的一家羊绒企业,去年出口额达到3200万美元。\n",
        ["meta", "meta", "headline", "headline", "byline", "paragraph"],
    ),
    "data_post_lines_figure_bar_label": (
        "数说包头丨上半年经济成绩单\n"
        "今天，市统计局发布上半年全市经济运行数据。\n"
        "1986.4亿元丨全市地区生产总值，同比增长6.3%\n"
        "9.8%丨规模以上工业增加值增速\n"
        "46家｜新增规模以上工业企业\n",
        ["headline", "paragraph", "paragraph", "paragraph", "paragraph"],
    ),
    "infographic_labelled_lines": (
        "一图读懂｜乌兰察布市上半年经济运行情况\n"
        "今年以来，全市经济运行总体平稳。一起来看上半年的成绩单。\n"
        "【综合】\n"
        "关键词：稳中有进\n"
        "数据：地区生产总值568.3亿元，同比增长6.1%\n"
        "数据：第一产业增加值41.7亿元，增长4.8%\n",
        ["headline", "paragraph", "paragraph", "paragraph", "paragraph", "paragraph"],
    ),
    "web_page_with_source_lines": (
        "鄂尔多斯开复工重大项目368个\n"
        "2024年04月20日 15:29 某某晚报\n"
        "截至3月底,鄂尔多斯市368个重大项目已开复工,完成投资286亿元。\n"
        "某某融媒   2024-04-20 16:10:25\n"
        "编辑 王某\n",
        ["headline", "meta", "paragraph", "meta", "meta"],
    ),
    "page_break_inside_a_sentence": (
        "包头稀土产业再上台阶\n\n"
        "今年前三季度,包头市稀土产业实现产值812亿元,同比增长\n\n"
        "14.6%,占全市工业总产值的比重进一步提高。\n",
        ["headline", "paragraph"],
    ),
    "bulleted_items_and_labels_of_a_data_post": (
        "数读前三季度\n"
        "前三季度，全区外贸稳中有进。\n"
        "关键词：口岸\n"
        "● 全区口岸进出境货运量8216万吨\n"
        "● 中欧班列开行3512列\n"
        "01 鄂尔多斯市\n"
        "进出口总值312.4亿元。\n",
        ["headline", "paragraph", "paragraph", "paragraph", "paragraph", "city", "paragraph"],
    ),
    "emoji_items_of_a_wechat_post": (
        # each ✅ line is an item of its own, never the second half of a page-broken one
        "前三季度经济数据来了\n\n"
        "前三季度，全市经济运行稳中向好，主要指标如下。\n\n"
        "📈工业生产\n"
        "✅全市发电量386.2亿千瓦时，增长8.4%\n"
        "✅9月末新能源装机突破800万千瓦，占全市装机的一半\n\n"
        "📈项目投资\n"
        "✅固定资产投资同比增长14.7%\n",
        ["headline", "paragraph", "paragraph", "paragraph", "paragraph", "paragraph", "paragraph"],
    ),
    "wechat_header_under_the_title": (
        # 原创, the account, the time and the province of its IP: the post's metadata
        "分红啦！某苏木12家合作社年底分红143.6万元\n\n"
        "原创　某苏木　2023-12-26 18:06　内蒙古\n\n"
        "临近年关，全苏木12家合作社集中举行年终分红大会，共拿出143.6万元。\n",
        ["headline", "meta", "paragraph"],
    ),
    "page_header_above_the_title_of_a_wire_story": (
        "2024-06-03 09:15　来源：新华网\n\n"
        "口岸提速——内蒙古二连浩特口岸通关观察\n\n"
        "新华社呼和浩特6月3日电（记者 李青）今年以来,二连浩特口岸日均通关车辆800辆次。\n",
        ["meta", "headline", "paragraph"],
    ),
}


def _body(text: str) -> str:
    """Every non-blank line, stripped and concatenated: what the blocks must hold."""
    return "".join(line.strip().strip("\u3000\ufeff") for line in text.splitlines())


def _assert_nothing_lost(parsed, source: str) -> None:
    assert "".join(b.text for b in parsed.blocks) == _body(source)
    separators = len(BLOCK_SEPARATOR) * (len(parsed.blocks) - 1)
    assert sum(len(b.text) for b in parsed.blocks) == len(parsed.text) - separators
    for block in parsed.blocks:
        assert block.kind in BLOCK_KINDS  # the extractor reads every kind
        assert parsed.text[block.start : block.end] == block.text


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_blocks_and_nothing_lost(layout):
    text, kinds = LAYOUTS[layout]
    parsed = parse_article(layout, text)
    assert [b.kind for b in parsed.blocks] == kinds
    _assert_nothing_lost(parsed, text)


def test_wire_dateline_is_found_and_kept_in_the_paragraph():
    parsed = parse_article("w", LAYOUTS["wire_story"][0])
    assert parsed.dateline is not None
    assert parsed.dateline.place == "呼和浩特"
    assert parsed.dateline.text.startswith("中新网呼和浩特3月17日电")
    assert parsed.text[parsed.dateline.start : parsed.dateline.end] == parsed.dateline.text


def test_a_lead_that_starts_like_a_byline_is_a_paragraph_and_a_warning():
    parsed = parse_article("c", LAYOUTS["city_news_lead"][0])
    assert parsed.blocks[1].kind == "paragraph"
    assert any("starts like a byline" in w for w in parsed.warnings)


def test_editor_line_is_not_glued_to_a_headline():
    text = "内蒙古外贸增长\n责任编辑:某某 2017-09-13 08:24:00\n全区外贸进出口总值98.6亿元。\n"
    parsed = parse_article("e", text)
    assert [b.kind for b in parsed.blocks] == ["headline", "meta", "paragraph"]
    assert parsed.headline == "内蒙古外贸增长"


DEVELOPMENT = sorted((ROOT / "tests" / "data").glob("real*/articles/*.txt")) + sorted(
    (ROOT / "raw" / "articles").glob("*.txt")
)


@pytest.mark.parametrize("path", DEVELOPMENT, ids=lambda p: p.stem)
def test_development_articles_lose_nothing(path):
    text, _ = decode_article(path.read_bytes(), str(path))
    _assert_nothing_lost(parse_article(path.stem, text), text)


def test_traditional_characters_are_read_and_printed_as_they_are():
    """A repost in traditional characters: the lines are classified, and the figures read,
    on a simplified view of the same length; surfaces stay as printed."""
    from orchestration.text.extraction import extract_figures

    text = (
        "滿洲里口岸前五月進口運量突破600萬噸\n"
        "中新網哈爾濱6月8日電(記者 史軼夫)今年前5月,滿洲里鐵路口岸站進口運量突破600萬噸,"
        "經由該站出入境中歐班列達1181列。\n"
        "責任編輯:李明 2020-06-08 15:20:00\n"
    )
    parsed = parse_article("t", text)
    assert [b.kind for b in parsed.blocks] == ["headline", "paragraph", "meta"]
    assert parsed.dateline is not None and parsed.dateline.place == "哈尔滨"
    figures = {f.surface: f for f in extract_figures(parsed)}
    assert figures["1181列"].place_code == "manzhouli"
    assert figures["1181列"].period.start is not None  # 前5月 of 2020, from the editor line
    body = [f for f in figures.values() if f.block_kind == "paragraph"]
    assert {f.surface for f in body} == {"突破600萬噸", "1181列"}
    assert body[0].value == 6_000_000 and body[0].unit == "tonne"
