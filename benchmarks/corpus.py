"""Synthetic corpus generator: regional-newspaper articles whose figures are all known.

Why: the seed and the dev articles are a few dozen figures; benchmarks and stress tests
need thousands of articles in the same layout, each with a complete, correct annotation
file, so that the extractor can be measured (recall, precision, value, bound, modality,
city) and the pipeline timed at scale.

``generate_corpus(n, out_dir, seed)`` writes ``out_dir/articles/<id>.txt`` and
``out_dir/annotations/<id>.csv`` (the contract's annotation format). Command line::

    python -m benchmarks.corpus N OUT_DIR [--seed S]

What the articles hold (layout of ``raw/articles/nmg-regional-cooperation.txt``):

* a headline, then 1-4 city sections (city line with the contract name, subheadline of two
  phrases, byline ``□本报记者 …`` with an optional ``通讯员 …`` on the same or the next
  line, paragraphs, now and then a photo caption ending ``… 摄``), or no section at all
  (a single-city article that names its city in the headline and the text);
* figures of every contract unit in every printed style (Arabic, decimals, full-width
  digits, thousands separators, Chinese numerals, ``3万多元``, ``时速350公里``,
  ``3小时30分钟``), with the bound words (超 突破 逾 余 多 以上 / 约 近 左右 / 最高
  不超过 以内 内) and modality cues (预计 将 有望 / 目标 力争 剑指);
* non-figures an extractor must leave alone (dates, ``1—6月``, ``第五届``, S27, G6, 5G,
  ``智慧城市4.0``, “六个行动”, “十五五”, 《胡笳十八拍》, phone numbers, ``一列满载…``,
  ``数百公里``); they are never annotated;
* now and then a page break: a paragraph cut between two ordinary characters, with 1-3
  blank lines in between.

Every annotation's ``occurrence`` is counted (overlaps included) in the *repaired* text,
the text the ledger locates quotes in: non-empty lines stripped and joined by ``\\n``,
page-broken paragraph halves joined with nothing. Cuts are placed so that every quote has
exactly the same occurrences in the raw file as in the repaired text.

Each article depends only on ``(seed, index)``, so a small corpus is a prefix of a large
one with the same seed. Standard library only; deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

ANNOTATION_HEADER = (
    "quote",
    "occurrence",
    "city",
    "category",
    "metric",
    "value",
    "unit",
    "bound",
    "note",
)
UNIT_CODES = (
    "CNY", "USD", "pct", "pp", "km", "km_per_hour", "hour", "day",
    "tonne", "kW", "kWh", "TEU", "mu", "count",
)  # fmt: skip
CATEGORIES = ("funding", "trade", "transport", "talent", "other")

# --------------------------------------------------------------------------- cities


@dataclass(frozen=True)
class City:
    code: str
    name: str  # as the contract prints it; also the section's city line
    league: bool  # 盟: referred to by its full name, and "全盟" instead of "全市"
    places: tuple[str, ...]  # banners, counties, districts inside it (ledger aliases)
    hubs: tuple[str, ...]  # its ports, bonded zones, inland ports
    station: str
    area_code: str


CITIES: tuple[City, ...] = (
    City("hohhot", "呼和浩特", False,
         ("和林格尔新区", "托克托县", "赛罕区", "土默特左旗", "武川县", "清水河县"),
         ("呼和浩特综合保税区", "呼和浩特国际陆港"), "呼和浩特站", "0471"),
    City("baotou", "包头", False,
         ("稀土高新区", "昆都仑区", "青山区", "东河区", "达茂旗", "固阳县"),
         ("包头综合保税区", "包头国际陆港"), "包头站", "0472"),
    City("wuhai", "乌海", False,
         ("海勃湾区", "乌达区", "海南区"),
         ("乌海保税物流中心", "乌海国际陆港"), "乌海站", "0473"),
    City("chifeng", "赤峰", False,
         ("元宝山区", "宁城县", "敖汉旗", "林西县", "克什克腾旗", "红山区"),
         ("赤峰保税物流中心", "赤峰国际陆港"), "赤峰站", "0476"),
    City("tongliao", "通辽", False,
         ("霍林郭勒市", "开鲁县", "奈曼旗", "科尔沁区", "扎鲁特旗", "库伦旗"),
         ("通辽保税物流中心", "通辽国际陆港"), "通辽站", "0475"),
    City("ordos", "鄂尔多斯", False,
         ("东胜区", "康巴什区", "准格尔旗", "达拉特旗", "伊金霍洛旗", "乌审旗"),
         ("鄂尔多斯综合保税区", "鄂尔多斯国际陆港"), "鄂尔多斯站", "0477"),
    City("hulunbuir", "呼伦贝尔", False,
         ("满洲里市", "海拉尔区", "扎兰屯市", "牙克石市", "额尔古纳市", "阿荣旗"),
         ("满洲里口岸", "满洲里综合保税区", "黑山头口岸"), "海拉尔站", "0470"),
    City("bayannur", "巴彦淖尔", False,
         ("临河区", "五原县", "磴口县", "乌拉特中旗", "杭锦后旗"),
         ("甘其毛都口岸", "巴彦淖尔综合保税区"), "临河站", "0478"),
    City("ulanqab", "乌兰察布", False,
         ("集宁区", "丰镇市", "商都县", "察右前旗", "四子王旗", "察右中旗"),
         ("乌兰察布国际陆港", "乌兰察布综合保税区"), "集宁站", "0474"),
    City("hinggan", "兴安盟", True,
         ("乌兰浩特市", "阿尔山市", "科右前旗", "扎赉特旗", "突泉县", "科右中旗"),
         ("阿尔山口岸", "兴安盟保税物流中心"), "乌兰浩特站", "0482"),
    City("xilingol", "锡林郭勒盟", True,
         ("锡林浩特市", "二连浩特市", "多伦县", "太仆寺旗", "正蓝旗", "西乌珠穆沁旗"),
         ("二连浩特口岸", "珠恩嘎达布其口岸"), "锡林浩特站", "0479"),
    City("alxa", "阿拉善盟", True,
         ("额济纳旗", "巴彦浩特镇", "阿拉善左旗"),
         ("策克口岸", "乌力吉口岸"), "巴彦浩特站", "0483"),
)  # fmt: skip
CITY_BY_CODE = {c.code: c for c in CITIES}

# --------------------------------------------------------------------------- vocabulary
# Context words. None of them names one of the twelve cities (nor contains a ledger alias
# such as 兴安, 商都, 宁城, 海南区), holds a digit next to a unit, or a modality cue.

PARTNERS = ("北京", "天津", "京津冀", "长三角", "粤港澳大湾区", "北京市朝阳区", "北京市海淀区",
            "北京市东城区", "浙江", "广东", "河北")  # fmt: skip
COUNTRIES = ("俄罗斯", "蒙古国", "德国", "哈萨克斯坦")
SEA_PORTS = ("天津港", "锦州港", "营口港", "曹妃甸港", "黄骅港")
GRIDS = ("华北电网", "东北电网", "京津冀地区")
RAILWAYS = (
    "集大原高铁",
    "包银高铁",
    "京包高铁",
    "京通铁路",
    "锡张铁路",
    "呼鄂城际铁路",
    "京沈高铁",
)
PERIODS = (
    "今年以来",
    "今年上半年",
    "1—6月",
    "前7个月",
    "2025年",
    "去年以来",
    "截至6月底",
    "上半年",
)
TARGET_YEARS = ("2026", "2027", "2030")
GOODS = ("味精、高岭土", "焦炭、硅铁", "乳制品、羊绒制品", "稀土材料、化工产品", "马铃薯、燕麦")
BRANDS = ("蒙字号", "草原云品", "北疆好物", "塞上粮仓")
DATES = ("7月1日", "7月12日", "3月30日", "8月4日", "2025年7月18日", "2025年3月15日",
         "7月15日至17日", "5月20日")  # fmt: skip
EVENTS = ("第五届中国—蒙古国博览会", "第二十一届中俄蒙国际冰雪节", "第三届内蒙古名小吃文化周",
          "2025中关村论坛年会", "第十届京蒙协作产业对接会")  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶潘杜戴钟汪田任姜范方姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟雷汤尹易常乔贺龚"
GIVEN = "洋飙琢丽梅锴彦军娜晓东宇洁雪明亮华婷静磊强伟芳敏杰峰鑫涛斌琳颖浩然博文凯欣悦晨阳帆慧勇"
MONGOLIAN_NAMES = ("其其格", "孟和", "巴特尔", "乌日娜", "图雅", "斯琴", "额尔敦", "萨仁", "阿拉坦")

TOPICS: dict[str, tuple[str, ...]] = {
    "funding": ("资金投向更加聚焦。", "招商引资成效明显。", "项目建设提速增效。", "金融活水精准滴灌。"),
    "trade": ("外贸发展势头强劲。", "口岸功能持续拓展。", "跨境电商成为外贸新增长点。", "消费帮扶架起连心桥。"),
    "transport": ("交通互联打开发展空间。", "物流通道越走越宽。", "路网建设加速推进。"),
    "talent": ("人才交流双向奔赴。", "劳务协作铺就增收路。", "技能培训助力稳就业。"),
    "other": ("产业集群加速崛起。", "绿色能源动能强劲。", "文旅融合为开放添彩。", "科技创新成果丰硕。",
              "现代农业提质增效。"),
}  # fmt: skip

# Figure-free prose that keeps the density of figures near that of the seed (5-8 per KB).
COMMENTARY: dict[str, tuple[str, ...]] = {
    "funding": (
        "资金重点投向设施农业、农畜产品加工和乡村基础设施建设,撬动效应持续放大。",
        "一批带动能力强、科技含量高的项目相继落地,为产业升级注入了强劲动能。",
        "当地持续优化营商环境,为企业提供从洽谈签约到投产达效的全生命周期服务。",
        "通过“飞地孵化+本地产业化”模式,外部资本与本地资源实现了精准对接。",
        "从招商引资到招才引智,双方合作的领域不断拓宽,合作的层次不断提升。",
        "项目建设现场塔吊林立、车辆穿梭,处处是加油干的火热场景。",
    ),
    "trade": (
        "越来越多的内地企业选择经口岸发运货物,“中欧班列+跨境电商”等新模式不断涌现。",
        "“单一窗口”实现申报、查验、放行全流程线上办理,企业通关成本明显下降。",
        "优质农畜产品走进首都的机关、企业和学校,“内蒙古好物”的品牌影响力不断提升。",
        "直播带货、短视频营销等新业态方兴未艾,线上销售空间大幅拓展。",
        "境内外集结中心、海外仓加快布局,口岸正从“通道经济”向“产业经济”转变。",
        "牛羊肉、乳制品、杂粮杂豆等特色产品搭上开放快车,走进了更多消费者的餐桌。",
    ),
    "transport": (
        "沿线群众出行更加便捷,城市之间的时空距离进一步拉近。",
        "多式联运体系加快完善,企业物流成本持续下降,货物运输更加高效便捷。",
        "从铁水联运到公铁联运,一条条物流通道正把北疆的资源优势转化为发展优势。",
        "港铁携手合作,为当地中小型企业提供了更加高效便捷的物流解决方案。",
        "交通网络的互联互通,正在重塑区域的时空格局。",
    ),
    "talent": (
        "挂职干部与技术人才双向奔赴,为当地发展注入了新的活力。",
        "培训内容涵盖电商直播、家政服务、设施农业等领域,学员结业后大多实现了稳定就业。",
        "当地同步加大稳岗政策支持,开展订单式培训,让农牧民在家门口端稳“饭碗”。",
        "名师工作室、专家工作站相继落地,首都的优质资源正源源不断地惠及当地。",
        "通过“春风行动”等活动,当地为求职者和用人单位搭建起高效对接的桥梁。",
    ),
    "other": (
        "风机林立、光伏板连片,绿色能源正成为当地高质量发展的新名片。",
        "一批新技术、新产品在这里转化落地,创新链与产业链深度融合。",
        "草原风光与民俗文化交相辉映,吸引了越来越多的外地游客前来打卡。",
        "加工转化率的提高,让农产品销售周期从一季延伸至全年,解决了农户的后顾之忧。",
        "节庆活动点燃了城市热情,也推动了文旅资源的共建共享。",
        "政务服务“跨省通办”让企业群众办事少跑腿,效率明显提升。",
    ),
}

OPENINGS = (
    "盛夏时节,{place}的产业园里一条条生产线满负荷运转。",
    "日前,一列满载{goods}的集装箱列车从{station}驶向天津新港北站。",
    "{date},“东西联动·共谋发展”精准招商对接活动在{place}举行。",
    "近年来,{city}立足区位优势,以开放合作为抓手,主动融入“一带一路”建设。",
    "在{place}政务服务大厅,“不用跑异地”的感叹日益普遍。",
    "走进{place}的现代农业产业园,智能化温室大棚里的番茄长势喜人。",
    "作为区域重要的交通枢纽,{city}正加速融入京津冀协同发展大局。",
    "清晨的{hub},满载货物的车辆有序通关,一派繁忙景象。",
)
# Sentences full of things that look like numbers but are not figures.
DISTRACTORS = (
    "7月1日全国铁路调图后,{station}至北京方向的列车班次进一步加密。",
    "S27{cityname}至{partner}高速公路获自治区发改委正式核准,G6京藏高速改扩建工程加快推进。",
    "{city}以{event}为契机积极行动,深化与俄蒙等国的文化经贸交流。",
    "{city}联合打造以“智能中枢+绿色算力”为核心的智慧城市4.0模式。",
    "{city}深入落实“六个行动”部署,谋划“十五五”时期发展新思路。",
    "《胡笳十八拍》等文化作品进京展演,实现经济文化合作双赢。",
    "依托5G网络和工业互联网平台,{place}的企业实现了生产全流程数字化。",
    "企业可拨打{cityname}政务服务热线{phone}咨询相关政策。",
    "“一小时经济圈”加速成形,{partner}游客周末“说走就走”成为常态。",
    "{date}开幕的2025绿色算力大会上,{city}签署了城市超级智能体战略合作协议。",
    "数百公里外的{partner},{city}的科创飞地运营得有声有色。",
    "{city}持续深化京蒙协作“六个倍增计划”和“四项行动”,区域合作不断走深走实。",
    "在{event}上,中俄蒙三国青少年展现青春风采。",
)
SAYINGS = (
    "“过去跑一趟要好几天,现在方便多了。”一位企业负责人说。",
    "“单证材料线上提交,查验结果实时推送,我们再也不用来回奔波了。”一家外贸企业的报关员说。",
    "“这里的营商环境好,我们扎根发展的信心更足了。”一家北京企业的负责人说。",
    "“在家门口就能学技术、找工作,日子越过越有奔头。”一位牧民高兴地说。",
)
CLOSINGS = (
    "从资金协作到产业共建,从人才交流到通道互联,{city}在区域合作中展现新作为。",
    "{city}相关负责人表示,下一步,{city}持续深化区域协作,推动“口岸经济”向“落地经济”转型。",
    "站在新的起点,{city}正以开放之姿书写高质量发展新篇章。",
    "从田间地头到口岸通道,{city}用一个个实打实的项目,为区域协调发展注入持久动力。",
)
CAPTION_SCENES = (
    "{place}的工人正在吊装风机叶片",
    "游客在{place}参观北疆文创产品",
    "{place}的温室大棚里,农户正在采摘番茄",
    "满载货物的中欧班列从{hub}驶出",
    "考察团在{place}的人工智能科创教育实践基地考察交流",
)
HEADLINES = (
    "全力推进“六个行动”区域合作深化行动联动共进",
    "全力推进「六个行动」盟市携手开放合作谱新篇",
    "京蒙协作结硕果 区域合作谱新篇",
    "深化区域协作 共绘发展新图景",
    "向北开放通道畅 产业协同动能强",
    "蒙东盟市携手开放合作谱新篇",
)
SINGLE_HEADLINES = (
    "向北开放跑出“加速度” {cityname}口岸经济量质齐升",
    "{cityname}:京蒙协作结出累累硕果",
    "开放合作 {cityname}区域协作量质齐升",
    "{cityname}以开放之姿融入区域发展大局",
)
SUBHEADS = (
    ("合作进阶", "从交通握手到算力相拥"), ("携手北京", "共绘增长新蓝图"),
    ("远邻如亲", "持续深化国际合作"), ("协同创新", "让升级链条延展"),
    ("对接精准", "给未来按下“快捷键”"), ("通道畅联", "开放门户加速崛起"),
    ("口岸扩能", "向北开放量质齐升"), ("产业协作", "链条越拉越长"),
    ("人才为先", "双向奔赴结硕果"), ("绿色转型", "风光资源变发展优势"),
)  # fmt: skip
# Subheadlines that repeat a body figure (like 双向奔赴 17.41亿元农畜产品进京).
FIGURE_SUBHEADS = (
    ("双向奔赴", "农畜产品进京"),
    ("京蒙协作", "项目落地生根"),
    ("开放合作", "资金注入新动能"),
)

# --------------------------------------------------------------------------- numbers

_FULLWIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
_CN_DIGITS = "零一二三四五六七八九"
_SCALE = {"": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}


def _cn_below_10k(n: int, first: bool) -> str:
    """0 < n < 10000 in Chinese numerals; ``first``: nothing precedes it (十二, not 一十二)."""
    out: list[str] = []
    zero = False
    for place, name in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, place)
        if digit:
            if zero:
                out.append("零")
                zero = False
            if place == 10 and digit == 1 and first and not out:
                out.append("十")
            elif place == 1000 and digit == 2 and not out:
                out.append("两千")
            else:
                out.append(_CN_DIGITS[digit] + name)
        elif out:
            zero = True
    if n:
        if zero:
            out.append("零")
        out.append(_CN_DIGITS[n])
    return "".join(out)


def chinese_int(n: int) -> str:
    """A positive integer below 10**8 as printed in Chinese: 26 → 二十六, 23000 → 两万三千."""
    if n == 2:
        return "两"
    if n < 10_000:
        return _cn_below_10k(n, first=True)
    high, low = divmod(n, 10_000)
    text = ("两" if high == 2 else _cn_below_10k(high, first=True)) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _cn_below_10k(low, first=False)
    return text


def chinese_number(mantissa: str) -> str:
    """``"26"`` → 二十六, ``"1.5"`` → 一点五 (二点五, never 两点五)."""
    whole, _, frac = mantissa.partition(".")
    if not frac:
        return chinese_int(int(whole))
    head = "二" if whole == "2" else chinese_int(int(whole))
    return head + "点" + "".join(_CN_DIGITS[int(d)] for d in frac)


def plain(value: Decimal) -> str:
    """A Decimal as a plain number: 1741000000, 0.25, 84.44 (never 1.741E+9)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _with_separators(mantissa: str) -> str:
    return f"{int(mantissa):,}"


# --------------------------------------------------------------------------- quantities


@dataclass(frozen=True)
class Form:
    """One printed shape of a quantity: number + multiplier (万/亿) + unit word."""

    mult: str  # "", 万 or 亿, printed between the number and the unit word
    unit_word: str  # 元 美元 % 成 个百分点 公里 小时 分钟 天 吨 千瓦 千瓦时 标准箱 亩 家 …
    code: str
    factor: Decimal  # base value of one unit word: 成 → 10
    lo: float
    hi: float
    steps: tuple[str, ...]  # rounding steps the mantissa may take: "0.01", "0.1", "1", "3"
    chinese: bool = True  # Chinese numerals allowed
    mid: bool = True  # 余/多 allowed
    divisor: int = 1  # 分钟: 60, and the mantissa a multiple of 3 so the hours are exact


def _f(mult, word, code, lo, hi, steps=("1",), factor="1", chinese=True, mid=True, divisor=1):
    return Form(mult, word, code, Decimal(factor), lo, hi, steps, chinese, mid, divisor)


KINDS: dict[str, tuple[Form, ...]] = {
    "yi": (_f("亿", "元", "CNY", 0.3, 600, ("0.01", "0.1", "1")),),
    "wan": (_f("万", "元", "CNY", 50, 9999, ("1", "10", "0.1")),),
    "inc": (
        _f("万", "元", "CNY", 1, 6, ("1", "0.1")),
        _f("", "元", "CNY", 2000, 30000, ("10", "100")),
    ),
    "yuan": (_f("", "元", "CNY", 50, 5000, ("1", "10")),),
    "usd_yi": (_f("亿", "美元", "USD", 0.2, 30, ("0.01", "0.1", "1")),),
    "usd_wan": (_f("万", "美元", "USD", 100, 9999, ("1", "10")),),
    "usd": (_f("", "美元", "USD", 100, 2000, ("1", "10")),),
    "growth": (
        _f("", "%", "pct", 1, 45, ("0.1", "1"), chinese=False, mid=False),
        _f("", "成", "pct", 1, 5, ("1",), factor="10", mid=False),
    ),
    "share": (
        _f("", "%", "pct", 5, 95, ("0.01", "0.1", "1"), chinese=False, mid=False),
        _f("", "成", "pct", 2, 9, ("1",), factor="10", mid=False),
    ),
    "pp": (_f("", "个百分点", "pp", 0.3, 6, ("0.1",), chinese=False, mid=False),),
    "km": (_f("", "公里", "km", 20, 1500, ("1", "10")),),
    "km_big": (
        _f("万", "公里", "km", 1, 5, ("0.1",)),
        _f("", "公里", "km", 3000, 9999, ("10", "100")),
    ),
    "hour_hi": (_f("", "小时", "hour", 4, 12, ("1", "0.5"), mid=False),),
    "hour_lo": (_f("", "小时", "hour", 1, 3.5, ("1", "0.5"), mid=False),),
    "min_hi": (_f("", "分钟", "hour", 40, 120, ("3", "15"), chinese=False, mid=False, divisor=60),),
    "min_lo": (_f("", "分钟", "hour", 9, 30, ("3",), chinese=False, mid=False, divisor=60),),
    "day_hi": (_f("", "天", "day", 5, 30, ("1",)),),
    "day_lo": (_f("", "天", "day", 1, 3.5, ("1", "0.5"), mid=False),),
    "t": (
        _f("", "吨", "tonne", 100, 9999, ("1", "10")),
        _f("万", "吨", "tonne", 0.5, 1500, ("0.1", "1")),
    ),
    "kw": (
        _f("", "千瓦", "kW", 500, 9999, ("1", "100")),
        _f("万", "千瓦", "kW", 5, 1500, ("1", "0.1")),
    ),
    "kwh": (
        _f("", "千瓦时", "kWh", 1000, 99999, ("1", "100")),
        _f("万", "千瓦时", "kWh", 100, 9999, ("1", "10")),
        _f("亿", "千瓦时", "kWh", 1, 500, ("1", "0.1")),
        _f("亿", "千瓦时", "kWh", 1, 500, ("1", "0.1")),
    ),
    "teu": (
        _f("", "标准箱", "TEU", 500, 9999, ("1", "10")),
        _f("万", "标准箱", "TEU", 0.5, 60, ("0.1",)),
    ),
    "mu": (
        _f("", "亩", "mu", 200, 9999, ("1", "10")),
        _f("万", "亩", "mu", 0.5, 2000, ("0.1", "1")),
    ),
}
# Counters: plain range, and a 万 range for the big ones.
_COUNTERS: dict[str, tuple[float, float, bool]] = {
    "个": (3, 500, False), "项": (3, 600, False), "家": (5, 300, False), "名": (20, 20000, False),
    "人": (50, 50000, True), "人次": (500, 99999, True), "户": (100, 50000, True),
    "座": (3, 800, False), "对": (5, 60, False), "列": (2, 5000, False), "件": (50, 5000, False),
    "场": (3, 200, False), "村": (5, 300, False), "条": (2, 40, False),
}  # fmt: skip
for _word, (_lo, _hi, _big) in _COUNTERS.items():
    _forms = [_f("", _word, "count", _lo, _hi, ("1", "10"))]
    if _big:  # 1.3万户, 312.6万人次
        _forms.append(_f("万", _word, "count", 1, 500 if _word == "人次" else 8, ("0.1", "1")))
    KINDS["c." + _word] = tuple(_forms)

KIND_UNIT = {kind: forms[0].code for kind, forms in KINDS.items()}
KIND_UNIT.update({"qian." + word: "count" for word in ("名", "人次")})  # 千余名, 两千余人次
KIND_UNIT.update({"kmh": "km_per_hour", "hm": "hour", "half": "hour", "bigyi": "CNY"})

PRE_WORDS = {
    "at_least": ("超", "突破", "逾"),
    "approx": ("约", "近"),
    "at_most": ("最高", "不超过"),
}
# What may not stand right before 近/约/超 for them to be read as bounds (附近, 签约, 赶超).
_PRE_BLOCKED_AFTER = {
    "近": "附最临邻靠亲贴就远接将",
    "约": "签合预节制公条履违特集邀婚践毁守",
    "超": "赶高",
}


@dataclass(frozen=True)
class Figure:
    quote: str  # the printed figure, qualifiers included
    value: Decimal  # in the unit's base
    unit: str
    bound: str


def _mantissa(rng: random.Random, form: Form) -> str:
    """A mantissa in [lo, hi], log-uniform, rounded to one of the form's steps."""
    while True:
        x = form.lo * (form.hi / form.lo) ** rng.random()
        step = Decimal(rng.choice(form.steps))
        if rng.random() < 0.25 and x >= 10 and form.divisor == 1:  # round, as reporters print
            step = max(step, Decimal(10) ** (len(str(int(x))) - 2))
        value = (Decimal(repr(x)) / step).to_integral_value() * step
        if Decimal(repr(form.lo)) <= value <= Decimal(repr(form.hi)) and value > 0:
            return plain(value)


def _round_significant(mantissa: str, digits: int) -> str:
    """Rounded to ``digits`` significant digits (36875 → 37000, 21.38 → 21): bounded
    figures are round ones (超4.4亿元, 260余家, 约1,150万吨)."""
    d = Decimal(mantissa)
    q = Decimal(1).scaleb(d.adjusted() - digits + 1)
    rounded = (d / q).quantize(Decimal(1), rounding=ROUND_HALF_UP) * q
    if rounded.adjusted() > d.adjusted():  # 9996 → 9990, not 10000 (一万万元)
        rounded = (d / q).quantize(Decimal(1), rounding=ROUND_DOWN) * q
    return plain(rounded)


def _number_text(rng: random.Random, mantissa: str, form: Form) -> str:
    """The mantissa in one of the printed styles (Arabic, full-width, 2,480, 二十六)."""
    digits = mantissa.replace(".", "").strip("0")
    whole, _, frac = mantissa.partition(".")
    roll = rng.random()
    if (
        form.chinese
        and roll < 0.14
        and whole != "0"
        and mantissa != "1"
        and ((not frac and len(digits) <= 3) or (len(frac) == 1 and form.mult and int(whole) < 100))
    ):
        return chinese_number(mantissa)
    if roll < 0.24 and not frac and int(whole) >= 1000:
        return _with_separators(mantissa)
    if roll > 0.92:
        return mantissa.translate(_FULLWIDTH)
    return mantissa


def _choose_bound(
    rng: random.Random, kind: str, form: Form, mantissa: str, flags: str, prev: str, nxt: str = ""
):
    """(bound, position, word); position is pre, mid or post, exact has neither.

    At-most bounds are caps, so only the lower end of a 从…压缩至… pair and slots flagged
    ``m`` (每人最高…) take them; 突破 is for amounts that grow, not for durations.
    """
    if "x" in flags or kind in ("kmh", "bigyi") or (rng.random() < 0.62 and "P" not in flags):
        return "exact", "", ""
    lower_end = kind.endswith("_lo")  # 压缩至2天内, never 压缩至逾2天
    at_most = lower_end or "m" in flags
    time_like = form.code in ("hour", "day")
    options: list[tuple[str, str, str]] = []
    if "np" not in flags:
        for bound, words in PRE_WORDS.items():
            for word in words:
                if (bound == "at_most" and not at_most) or (bound == "at_least" and lower_end):
                    continue
                if word == "突破" and time_like:
                    continue
                if prev and prev in _PRE_BLOCKED_AFTER.get(word, ""):
                    continue
                options.append((bound, "pre", word))
    if "P" in flags:
        return rng.choice([o for o in options if o[0] == "at_least"])
    if form.mid and "." not in mantissa and (form.mult or int(mantissa) >= 10) and not lower_end:
        options += [("at_least", "mid", "余"), ("at_least", "mid", "多")]  # 260余家, 3万多元
    # 从29天以上缩短至… reads oddly; 10家以上企业 reads as a class (规模以上企业), not a count
    noun_follows = "\u4e00" <= nxt <= "\u9fff" and nxt != "的"
    if not kind.endswith(("_hi", "_lo")) and not noun_follows:
        options += [("at_least", "post", "以上"), ("approx", "post", "左右")]
    if at_most and time_like:
        options += [("at_most", "post", "以内"), ("at_most", "post", "内")] * 2
    return rng.choice(options) if options else ("exact", "", "")


def make_figure(
    rng: random.Random, kind: str, flags: str = "", prev: str = "", nxt: str = ""
) -> Figure:
    """A random figure of ``kind`` (yi, wan, share, c.家, hm, kmh …) as printed, with its reading.

    ``flags``: x exact only; np no leading bound word (the template says 达 before it);
    P a leading at-least word required (有望突破…); m at-most bounds allowed (最高…).
    ``prev``, ``nxt``: the characters before and after it ("" when not known).
    """
    if kind == "kmh":
        speed = rng.choice(("120", "160", "200", "250", "300", "350"))
        text = speed.translate(_FULLWIDTH) if rng.random() < 0.08 else speed
        return Figure(f"时速{text}公里", Decimal(speed), "km_per_hour", "exact")
    if kind == "hm":
        hours, minutes = rng.randint(1, 5), rng.choice((6, 12, 15, 18, 24, 30, 36, 42, 45, 48, 54))
        value = hours + Decimal(minutes) / 60
        text = f"{hours}小时{minutes}分钟"
        if rng.random() < 0.08:
            text = text.translate(_FULLWIDTH)
        bound, pos, word = _choose_bound(rng, "hm_lo", KINDS["hour_lo"][0], "1", flags, prev, nxt)
        if pos == "pre":
            text = word + text
        elif pos == "post":
            text += word
        return Figure(text, value, "hour", bound)
    if kind == "half":
        return Figure("半小时内", Decimal("0.5"), "hour", "at_most")
    if kind.startswith("qian."):
        thousands = rng.choice((1, 1, 2, 3, 5))
        number = "千" if thousands == 1 else chinese_int(thousands * 1000)
        return Figure(f"{number}余{kind[5:]}", Decimal(thousands * 1000), "count", "at_least")
    if kind == "bigyi":
        mantissa, text = rng.choice((("1000", "千"), ("100", "百"), ("1000", "一千"), ("2000", "两千"),
                                     ("500", "500"), ("1000", "1000")))  # fmt: skip
        return Figure(f"{text}亿元", Decimal(mantissa) * _SCALE["亿"], "CNY", "exact")

    form = rng.choice(KINDS[kind])
    mantissa = _mantissa(rng, form)
    bound, pos, word = _choose_bound(rng, kind, form, mantissa, flags, prev, nxt)
    if bound != "exact" and form.divisor == 1:
        mantissa = _round_significant(mantissa, 2 if pos == "mid" or "." in mantissa else 3)
    if form.unit_word == "成":
        number = "两" if mantissa == "2" else chinese_int(int(mantissa))
        if rng.random() < 0.1:
            number = mantissa
    else:
        number = _number_text(rng, mantissa, form)
    unit_word = form.unit_word
    if unit_word == "%" and any("０" <= ch <= "９" for ch in number) and rng.random() < 0.5:
        unit_word = "％"
    if pos == "mid" and number == "一千" and form.mult == "":
        number = "千"  # 千余名
    body = number + form.mult
    if pos == "mid":
        if form.mult and int(mantissa) >= 10 and int(mantissa) % 10 == 0 and rng.random() < 0.5:
            body = number + word + form.mult  # 20余万吨
        else:
            body += word  # 3万多元, 260余家
    text = body + unit_word
    if pos == "pre":
        text = word + text
    elif pos == "post":
        text += word
    value = Decimal(mantissa) * _SCALE[form.mult] * form.factor / form.divisor
    return Figure(text, value, form.code, bound)


# --------------------------------------------------------------------------- templates
# A sentence template: literal text, {context} words and {kind!flags:metric[:category]} slots.
# "F|" marks a forecast sentence, "T|" a target one: every slot after the cue word carries
# that modality; actual sentences hold no cue word at all.

TEMPLATES: dict[str, tuple[str, ...]] = {
    "funding": (
        "{period},{city}引进京蒙协作资金{yi:jingmeng_funds_introduced},同比增长{growth:jingmeng_funds_growth_yoy}。",
        "{period},{city}共引进{partner}合作项目{c.个:cooperation_projects_introduced},协议总投资{yi:contracted_investment}。",
        "{city}与{partner}企业签约新能源项目{c.项:new_energy_projects_signed},协议总投资{yi:new_energy_contracted_investment}。",
        "{place}投入京蒙资金{wan:jingmeng_funds_storage}及社会资本{yi:social_capital_storage},建成马铃薯储存库{c.座:potato_storage_facilities_built:other}。",
        "{period},{city}实际利用外资{usd_wan:foreign_capital_utilized},同比增长{growth:foreign_capital_growth_yoy}。",
        "{city}新增对{country}等投资项目{c.个:outbound_investment_projects_new},协议投资{usd_yi:outbound_investment_agreed}。",
        "{city}设立产业引导基金{yi:industry_fund_size},已撬动社会资本{yi:social_capital_leveraged}。",
        "{period},{city}招商引资到位资金{yi:funds_in_place},占全年任务的{share!np:funds_in_place_share_of_plan}。",
        "{period},{partner}的{c.家:partner_enterprises_investing}企业在{city}新增投资{yi:partner_enterprises_new_investment}。",
        "{place}整合京蒙协作资金和衔接资金{wan:funds_integrated},建成温室大棚{c.座:greenhouses_built:other}。",
        "{period},{city}安排京蒙协作资金{yi:jingmeng_funds_allocated},撬动社会资本{wan:social_capital_leveraged}。",
        "{city}发放创业担保贷款{wan:business_guarantee_loans},同比增长{growth:business_guarantee_loans_growth_yoy}。",
        "{period},{city}获得{partner}对口帮扶资金{wan:partner_assistance_funds},实施帮扶项目{c.个:assistance_projects}。",
        "{period},{city}外商投资企业新增{c.家:foreign_invested_enterprises_new},合同外资{usd_yi:contracted_foreign_capital}。",
        "F|预计全年{city}引进{partner}资金{yi:funds_from_partner_full_year},落地项目{c.个:projects_landed_full_year}。",
        "F|{city}年内有望新增投资{yi:new_investment_expected}。",
        "F|{place}的项目全部达产后,年新增营收预计达{yi!np:new_annual_revenue_expected}。",
        "T|力争到{year}年,{city}引进{partner}企业{c.家:partner_enterprises_goal},完成投资{yi:investment_goal}。",
    ),
    "trade": (
        "{period},{city}外贸进出口总值达{yi!np:foreign_trade_value},同比增长{growth:foreign_trade_growth_yoy},增速高于全区平均水平{pp:foreign_trade_growth_above_region_avg}。",
        "{period},{city}“新三样”产品出口{yi:export_value_new_three},占全区同类产品出口的{share!np:export_share_of_region}。",
        "{period},{hub}过货量{t:port_freight_volume},同比增长{growth:port_freight_growth_yoy}。",
        "{period},{city}农畜产品出口额达{usd_wan!np:agri_exports_value},同比增长{growth:agri_exports_growth_yoy}。",
        "{hub}跨境电商交易额{yi:cross_border_ecommerce_value},同比增长{growth:cross_border_ecommerce_growth_yoy}。",
        "{hub}货车平均通关时间从{min_hi:truck_clearance_time_before}压缩至{min_lo:truck_clearance_time_after}。",
        "{hub}的跨境电商包裹实现“即到即验”,通关时间{hour_lo:ecommerce_parcel_clearance_time}。",
        "{period},{city}销往{partner}的农畜产品{yi:agri_products_to_partner_value},其中牛羊肉{t:beef_mutton_sales_volume}。",
        "{hub}进口{country}木材、纸浆等货物{t:imports_volume},每吨纸浆进口均价{usd:pulp_import_price_per_tonne}。",
        "{city}外贸龙头企业拉动进出口额{yi:import_export_value_driven},占{whole}进出口总额的{share!np:share_of_city_import_export}。",
        "“{brand}”品牌产品进驻{partner}商超,{period}销售额{wan:brand_sales_value}。",
        "{period},{city}对{country}进出口额{yi:trade_with_country_value},占{whole}外贸总值的{share!np:country_share_of_trade}。",
        "{hub}整体通关时间从{hour_hi:customs_clearance_time_before}压缩至{hour_lo:customs_clearance_time_after}。",
        "{city}消费帮扶专柜销售额{wan:consumption_assistance_sales},带动{c.户:farmer_households_driven}农户增收。",
        "{period},{city}有进出口实绩的外贸企业{c.家:foreign_trade_enterprises},跨境电商企业{c.家:cross_border_ecommerce_enterprises}。",
        "{city}的农产品经{hub}出口,清关时间从{day_hi:export_clearance_time_before}缩短至{day_lo:export_clearance_time_after}。",
        "F|预计全年{city}外贸进出口总值有望{yi!P:foreign_trade_value_full_year}。",
        "T|力争到{year}年,{hub}过货量达到{t!np:port_freight_volume_goal},外贸进出口总值{yi:foreign_trade_value_goal}。",
    ),
    "transport": (
        "{period},{city}至北京方向每日开行动车组{c.对:daily_emu_train_pairs_to_beijing}。",
        "{railway}全长{km:railway_length},设计{kmh:design_speed}。",
        "{railway}开通运营以来,{city}至北京最快{hm:fastest_travel_time_to_beijing}即可抵达。",
        "{period},{city}发运中欧班列{c.列:china_europe_trains},运送货物{teu:china_europe_container_volume}。",
        "{city}与{port}合作开行海铁联运班列,{period}发运货物{t:sea_rail_freight_volume}。",
        "{railway}把{city}与{partner}间的通行时间从{hour_hi:travel_time_before}缩短至{hour_lo:travel_time_after}。",
        "{period},{city}新建改建农村公路{km:rural_roads_built},新开通航线{c.条:new_air_routes}。",
        "{period},{city}机场旅客吞吐量{c.人次:airport_passenger_throughput},同比增长{growth:airport_passenger_growth_yoy}。",
        "{period},{cityname}至北京高铁上座率达{share!np:hsr_occupancy_rate}。",
        "{hub}集装箱吞吐量{teu:container_throughput},同比增长{growth:container_throughput_growth_yoy}。",
        "{city}开通城际公交线路{c.条:intercity_bus_routes},日均发送旅客{c.人次:intercity_daily_passengers}。",
        "{period},{city}公路货运量{t:road_freight_volume},物流企业达到{c.家:logistics_enterprises}。",
        "{railway}列车以{kmh:train_speed}运行,{city}至北京最快{hm:fastest_travel_time_to_beijing}即可抵达。",
        "{period},{city}建成高速公路{km:expressway_built},公路通车里程达到{km_big!np:road_network_length}。",
        "F|预计{year}年底,{railway}全线建成通车,{city}至{partner}运行时间将缩短至{hour_lo!np:travel_time_after_completion}。",
        "F|{city}年内将新开通国际货运航线{c.条:new_international_cargo_routes}。",
        "T|力争全年{city}开行中欧班列{c.列:china_europe_trains_goal},集装箱发运量{teu:china_europe_container_goal}。",
    ),
    "talent": (
        "{period},{city}已选派{c.名:cadres_sent_for_training}干部和专业技术人员赴京跟岗学习。",
        "{city}组织{qian.人次:herders_trained_in_partner_region}农牧民赴{partner}参加技能培训。",
        "{city}引进高层次人才{c.名:talent_introduced},其中硕士以上学历占{share!np:postgraduate_share}。",
        "{period},{city}开展技能培训{c.人次:skills_training_participants},培训合格率达{share!np:training_pass_rate}。",
        "{period},{city}实现农村劳动力转移就业{c.人:rural_labour_employed},带动{c.户:households_driven}农户户均增收{inc:household_income_increase}。",
        "{partner}向{city}选派专家{c.名:experts_dispatched},培训基层医务人员{c.人次:medical_staff_trained}。",
        "{city}与{partner}互派交流教师{c.名:teachers_exchanged},结对帮扶学校{c.对:school_pairs}。",
        "{period},{city}新增城镇就业{c.人:new_urban_jobs},高校毕业生就业率达{share!np:graduate_employment_rate}。",
        "{city}在{partner}设立劳务工作站{c.个:labour_workstations},输出劳动力{c.人次:labour_exported}。",
        "{place}的产业园项目已吸纳当地就业人员{c.名:local_jobs_created}。",
        "{city}的职业院校累计招收{country}留学生{c.名:international_students_enrolled}。",
        "{period},{city}举办专场招聘会{c.场:job_fairs},提供就业岗位{c.个:jobs_offered}。",
        "{city}发放稳岗补贴{wan:job_retention_subsidies},惠及企业{c.家:enterprises_receiving_subsidies}。",
        "{city}参训人员每人可获补贴{yuan!m:training_subsidy_per_person},{period}已培训{c.人次:subsidised_trainees}。",
        "T|力争全年{city}培训农牧民{c.人次:herders_training_goal},带动就业{c.人:employment_goal}。",
        "F|下半年,{city}预计新增就业岗位{c.个:new_jobs_expected}。",
    ),
    "other": (
        "{city}新能源装机容量{kw:new_energy_capacity},向{grid}外送电量{kwh:power_exported}。",
        "{place}大豆种植面积稳定在{mu:soybean_planting_area}。",
        "{period},{city}新增高标准农田{mu:high_standard_farmland_added}。",
        "{period},{city}接待游客{c.人次:tourist_visits},实现旅游收入{yi:tourism_revenue}。",
        "{place}马铃薯全产业链产值{yi:potato_full_chain_output_value},加工转化率达{share!np:potato_processing_conversion_rate}。",
        "{city}累计拥有有效发明专利{c.件:invention_patents},同比增长{growth:invention_patents_growth_yoy}。",
        "{city}举办招商推介活动{c.场:investment_promotion_events},对接企业院校{c.家:enterprises_institutions_connected}。",
        "{place}建成冷库{c.座:cold_storage_built},储量{t:storage_capacity},惠及{c.村!x:villages_benefiting}{c.名:residents_benefiting}群众。",
        "{place}布局年产{t:project_capacity}高纯石英砂项目。",
        "{city}累计建成5G基站{c.个:base_stations_5g},实现苏木乡镇全覆盖。",
        "{place}光伏电站年发电量{kwh:annual_power_generation},可减排二氧化碳{t:co2_emission_reduction}。",
        "{city}的{c.项:government_service_items_cross_region}政务服务事项实现跨区域通办,办理时间从{day_hi:processing_time_before}压缩至{day_lo:processing_time_after}。",
        "在{place}政务服务大厅,市民在{half:cross_city_business_registration_time}就完成了跨市企业注册。",
        "{place}风电场装机容量{kw:wind_power_capacity}。",
        "{city}围绕{c.条:key_industrial_chains}重点产业链,培育规上企业{c.家:industrial_enterprises_above_scale}。",
        "{period},{hub}出入境人员{c.人次:border_crossings},同比增长{growth:border_crossings_growth_yoy}。",
        "{city}举办的草原马拉松吸引了{c.名:marathon_runners}跑者参赛。",
        "研学活动中,{qian.名:youth_study_tour_participants}俄罗斯青少年走进{place}感受口岸魅力。",
        "{place}建成智慧温室{c.座:smart_greenhouses},种植面积{mu:greenhouse_planting_area}。",
        "{period},{city}规上工业增加值同比增长{growth:industrial_value_added_growth_yoy},增速高于全区{pp:industrial_growth_above_region_avg}。",
        "F|项目全部建成后,{place}预计年产值可达{yi!np:annual_output_value_expected}。",
        "F|{city}年内将新增新能源装机{kw:new_energy_capacity_added}。",
        "T|{city}剑指{bigyi:industrial_cluster_scale}产业集群。",
        "T|{city}的目标是到{year}年外送绿电{kwh:green_power_export_goal}。",
    ),
}  # fmt: skip

MODALITY_CUES = {"forecast": ("预计", "有望", "将"), "target": ("力争", "剑指", "目标")}
_ALL_CUES = ("预计", "有望", "将", "力争", "剑指", "目标", "争取", "确保", "瞄准", "预期", "可望")
_TOKEN_RE = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Slot:
    kind: str
    flags: str
    metric: str
    category: str
    modality: str  # actual, forecast, target
    cue: str
    after: str = ""  # the template character right after the slot, "" if not a literal


@dataclass(frozen=True)
class Template:
    text: str
    category: str
    segments: tuple  # str literal, ("ctx", name) or Slot
    units: frozenset[str]


def _compile(text: str, category: str) -> Template:
    modality, cue_at, cue = "actual", len(text), ""
    if text[1:2] == "|":
        modality = {"F": "forecast", "T": "target"}[text[0]]
        text = text[2:]
        cue_at, cue = min((text.find(c), c) for c in MODALITY_CUES[modality] if c in text)
    elif any(c in _TOKEN_RE.sub("", text) for c in _ALL_CUES):
        raise ValueError(f"actual template holds a modality cue: {text}")
    segments: list = []
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        if m.start() > pos:
            segments.append(text[pos : m.start()])
        token = m.group(1)
        if ":" in token:
            kind, metric, *cat = token.split(":")
            kind, _, flags = kind.partition("!")
            if kind not in KIND_UNIT or not re.fullmatch(r"[a-z][a-z0-9_]*", metric):
                raise ValueError(f"bad slot {token!r} in {text}")
            mod = modality if m.start() > cue_at else "actual"
            after = text[m.end()] if m.end() < len(text) and text[m.end()] != "{" else ""
            segments.append(Slot(kind, flags, metric, cat[0] if cat else category, mod,
                                 cue if mod != "actual" else "", after))  # fmt: skip
        else:
            segments.append(("ctx", token))
        pos = m.end()
    if pos < len(text):
        segments.append(text[pos:])
    units = frozenset(KIND_UNIT[s.kind] for s in segments if isinstance(s, Slot))
    return Template(text, category, tuple(segments), units)


COMPILED: dict[str, tuple[Template, ...]] = {
    cat: tuple(_compile(t, cat) for t in texts) for cat, texts in TEMPLATES.items()
}
BY_UNIT: dict[str, tuple[Template, ...]] = {
    unit: tuple(t for ts in COMPILED.values() for t in ts if unit in t.units) for unit in UNIT_CODES
}
assert all(BY_UNIT.values()), "every contract unit needs a template"

# --------------------------------------------------------------------------- articles


@dataclass
class Annotation:
    quote: str
    start: int  # offset in the repaired text
    occurrence: int
    city: str
    category: str
    metric: str
    value: Decimal
    unit: str
    bound: str
    modality: str
    cue: str

    def row(self) -> list[str]:
        note = f"{self.modality}; {self.cue}" if self.modality != "actual" else ""
        return [self.quote, str(self.occurrence), self.city, self.category, self.metric,
                plain(self.value), self.unit, self.bound, note]  # fmt: skip


@dataclass
class Article:
    article_id: str
    text: str  # the file's text
    repaired: str  # what the ledger locates quotes in
    annotations: list[Annotation]
    cities: list[str]  # section city codes, in order; one code for a single-city article
    has_sections: bool
    page_breaks: int = 0


@dataclass
class _Block:
    kind: str  # headline city subheadline byline paragraph caption
    text: str
    figures: list[tuple[int, Figure, Slot, str]] = field(default_factory=list)  # offset, …, city
    blank_before: int = 1
    cut: int | None = None  # page break position inside a paragraph


_BAD_BEFORE = re.compile(
    r"(?:[\dA-Za-z０-９第数几零〇一二两三四五六七八九十百千万亿廿卅]"
    r"|超过|突破|将近|接近|大约|最高|最多|不足|不到|至少|不超过|不少于|超|逾|近|约|时速|\d[.,])$"
)
_BAD_AFTER = re.compile(
    r"^(?:[\d０-９%％.．零〇一二两三四五六七八九十百千万亿余多来]|以上|以下|左右|上下|以内|之内|内)"
)
# Characters that would make a counter or unit word part of a longer word (3个月, 元旦).
_WORD_AFTER = {
    "个": "月季年星礼体性", "家": "庭乡", "名": "单称义片牌", "人": "民工大造", "户": "籍外口型",
    "座": "谈", "对": "接于外口比话标象应照", "列": "入为出席举", "场": "景所馆",
    "村": "民委级庄落", "条": "件例约款", "元": "素旦年首宵老器件宝",
    "成": "员为立功本交果型长效都品绩熟就了片批套规色分",
}  # fmt: skip


class _Context:
    """Word choices for one city; everything a template's {name} may ask for."""

    def __init__(self, rng: random.Random, city: City, comma: str):
        self.rng, self.city, self.comma = rng, city, comma

    def word(self, name: str) -> str:
        rng, city = self.rng, self.city
        if name == "city":
            return city.name if city.league or rng.random() < 0.3 else city.name + "市"
        simple = {
            "cityname": city.name, "whole": "全盟" if city.league else "全市",
            "station": city.station,
        }  # fmt: skip
        if name in simple:
            return simple[name]
        choices = {
            "place": city.places, "hub": city.hubs, "partner": PARTNERS, "country": COUNTRIES,
            "port": SEA_PORTS, "grid": GRIDS, "railway": RAILWAYS, "period": PERIODS,
            "year": TARGET_YEARS, "goods": GOODS, "brand": BRANDS, "date": DATES, "event": EVENTS,
        }  # fmt: skip
        if name in choices:
            return rng.choice(choices[name])
        if name == "phone":
            return f"{city.area_code}-{rng.randint(2000000, 8999999)}"
        raise KeyError(name)

    def fill(self, text: str) -> str:
        """A figure-free sentence with its {names} filled in."""
        text = _TOKEN_RE.sub(lambda m: self.word(m.group(1)), text)
        return text.replace(",", self.comma)

    def render(self, template: Template) -> _Block:
        """One figure sentence; offsets of its figures are relative to the sentence."""
        parts: list[str] = []
        figures: list[tuple[int, Figure, Slot, str]] = []
        pos = 0
        for seg in template.segments:
            if isinstance(seg, Slot):
                prev = parts[-1][-1] if parts and parts[-1] else ""
                fig = make_figure(self.rng, seg.kind, seg.flags, prev, seg.after)
                figures.append((pos, fig, seg, self.city.code))
                piece = fig.quote
            elif isinstance(seg, tuple):
                piece = self.word(seg[1])
            else:
                piece = seg.replace(",", self.comma)
            parts.append(piece)
            pos += len(piece)
        sentence = "".join(parts)
        starts = {start for start, _, _, _ in figures}
        for start, fig, _, _ in figures:
            _check_neighbours(sentence, start, fig.quote, template.text, starts)
        return _Block("paragraph", sentence, figures)


def _check_neighbours(sentence: str, start: int, quote: str, template: str, starts) -> None:
    """Guard against templates whose words would change the figure (超, 以上, 3个月 …).

    A figure right after another one (惠及18村2968名) is checked against its own words only.
    """
    end = start + len(quote)
    before, after = sentence[:start], "" if end in starts else sentence[end:]
    if (
        _BAD_BEFORE.search(before)
        or _BAD_AFTER.search(after)
        or (after and after[0] in _WORD_AFTER.get(quote[-1], ""))
    ):
        raise AssertionError(f"figure {quote!r} has an unsafe neighbour in: {template}")


def _fresh(rng: random.Random, pool: tuple[str, ...], used: set[str]) -> str:
    """A sentence of ``pool`` not used yet in this article (any one when all are)."""
    choices = [s for s in pool if s not in used] or list(pool)
    text = rng.choice(choices)
    used.add(text)
    return text


def _pick(rng: random.Random, pool: tuple[Template, ...], used: set[str]) -> Template:
    fresh = [t for t in pool if t.text not in used]
    template = rng.choice(fresh or pool)
    used.add(template.text)
    return template


def _join(blocks: list[_Block]) -> _Block:
    """Sentences → one paragraph block, figure offsets shifted."""
    text, figures = "", []
    for b in blocks:
        figures += [(len(text) + off, fig, slot, city) for off, fig, slot, city in b.figures]
        text += b.text
    return _Block("paragraph", text, figures)


_CATEGORY_WEIGHTS = (
    ("funding", 25),
    ("trade", 20),
    ("transport", 17),
    ("talent", 15),
    ("other", 23),
)


def _figure_paragraph(rng, ctx: _Context, used: set[str], forced_unit: str | None) -> _Block:
    """Optional topic sentence, 1-3 figure sentences of one category, maybe a filler."""
    if forced_unit:
        first = _pick(rng, BY_UNIT[forced_unit], used)
        category = first.category
    else:
        category = rng.choices(
            [c for c, _ in _CATEGORY_WEIGHTS], [w for _, w in _CATEGORY_WEIGHTS]
        )[0]
        first = _pick(rng, COMPILED[category], used)
    sentences = [ctx.render(first)]
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
        sentences.append(ctx.render(_pick(rng, COMPILED[category], used)))
    fresh = [c for c in COMMENTARY[category] if c not in used]
    for comment in rng.sample(fresh, min(len(fresh), rng.choice((1, 1, 1, 2)))):
        used.add(comment)
        sentences.insert(rng.randint(1, len(sentences)), _Block("paragraph", ctx.fill(comment)))
    fresh = [c for c in DISTRACTORS + SAYINGS if c not in used]
    if fresh and rng.random() < 0.4:
        filler = rng.choice(fresh)
        used.add(filler)
        sentences.insert(rng.choice((0, len(sentences))), _Block("paragraph", ctx.fill(filler)))
    if rng.random() < 0.4:
        sentences.insert(0, _Block("paragraph", ctx.fill(_fresh(rng, TOPICS[category], used))))
    return _join(sentences)


def _name(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return rng.choice(MONGOLIAN_NAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _byline(rng: random.Random) -> list[_Block]:
    first = f"□本报记者 {_name(rng)}"
    roll = rng.random()
    if roll < 0.25:
        return [_Block("byline", f"{first} 通讯员 {_name(rng)}")]
    if roll < 0.45:
        return [_Block("byline", first), _Block("byline", f"通讯员 {_name(rng)}", blank_before=0)]
    return [_Block("byline", first)]


def _caption(rng: random.Random, ctx: _Context) -> _Block:
    scene = ctx.fill(rng.choice(CAPTION_SCENES))
    return _Block(
        "caption", f"{rng.choice(DATES)}{ctx.comma}{scene}。 {_name(rng)} 摄", blank_before=3
    )


def _body(rng, ctx: _Context, used: set[str], budget: int, forced_unit: str | None) -> list[_Block]:
    """The paragraphs of one section (or of a single-city article), about ``budget`` characters."""
    opening = _Block("paragraph", ctx.fill(_fresh(rng, OPENINGS, used)))
    if rng.random() < 0.6:
        opening = _join([opening, _figure_paragraph(rng, ctx, used, forced_unit)])
        forced_unit = None
    blocks = [opening]
    size = len(opening.text)
    while size < budget or len(blocks) < 2:
        para = _figure_paragraph(rng, ctx, used, forced_unit)
        forced_unit = None
        blocks.append(para)
        size += len(para.text)
    if rng.random() < 0.3:
        blocks.append(_Block("paragraph", ctx.fill(_fresh(rng, CLOSINGS, used))))
    if rng.random() < 0.15:
        caption = _caption(rng, ctx)
        blocks.insert(rng.randint(1, len(blocks)), caption)
        after = blocks.index(caption) + 1
        if after < len(blocks):
            blocks[after].blank_before = 3
    return blocks


def _subheadline(rng: random.Random, body: list[_Block]) -> _Block:
    """Two phrases; sometimes the second repeats a money figure of the body."""
    candidates = [
        (fig, slot, city)
        for b in body
        for _, fig, slot, city in b.figures
        if fig.quote.endswith(("亿元", "万元")) and slot.modality == "actual"
        and slot.category in ("funding", "trade") and fig.bound in ("exact", "at_least")
    ]  # fmt: skip
    if candidates and rng.random() < 0.3:
        fig, slot, city = rng.choice(candidates)
        lead, tail = rng.choice(FIGURE_SUBHEADS)
        return _Block(
            "subheadline", f"{lead} {fig.quote}{tail}", [(len(lead) + 1, fig, slot, city)]
        )
    lead, tail = rng.choice(SUBHEADS)
    return _Block("subheadline", f"{lead} {tail}")


_CUT_OK = re.compile(r"[\u4e00-\u9fff]")
_NUMERAL_CHARS = set("零〇一二两三四五六七八九十百千万亿廿卅半成")
_LINE_START_BAD = ("记者", "通讯员", "本报")


def _page_break(rng: random.Random, blocks: list[_Block], quotes: list[str]) -> bool:
    """Cut one paragraph between two ordinary characters, away from every figure.

    Kept only when no quote gains or loses an occurrence across the cut, so that
    occurrences are the same in the file and in the repaired text.
    """
    paragraphs = [b for b in blocks if b.kind == "paragraph" and len(b.text) >= 40]
    if not paragraphs:
        return False
    para = rng.choice(paragraphs)
    spans = [(off, off + len(fig.quote)) for off, fig, _, _ in para.figures]
    for _ in range(20):
        i = rng.randint(10, len(para.text) - 10)
        left, right = para.text[i - 1], para.text[i]
        if not (_CUT_OK.match(left) and _CUT_OK.match(right)):
            continue
        if left in _NUMERAL_CHARS or right in _NUMERAL_CHARS or left == "摄":
            continue
        if any(s - 1 <= i <= e + 1 for s, e in spans) or para.text[i:].startswith(_LINE_START_BAD):
            continue
        head, tail = para.text[:i], para.text[i:]
        joined = para.text
        split = head + "\n\n" + tail
        if all(_count(joined, q) == _count(split, q) for q in quotes):
            para.cut = i
            return True
    return False


def _count(text: str, quote: str) -> int:
    """Occurrences of quote in text, overlapping ones included (as the ledger counts)."""
    n, start = 0, text.find(quote)
    while start >= 0:
        n += 1
        start = text.find(quote, start + 1)
    return n


def build_article(seed: int, index: int) -> Article:
    """Article ``index`` of the corpus of ``seed``: depends on nothing else."""
    rng = random.Random(f"ledger-corpus:{seed}:{index}")
    order = random.Random(f"ledger-corpus:{seed}").sample(CITIES, len(CITIES))
    first_city = order[index % len(CITIES)]  # any 12 consecutive articles cover all cities
    forced_unit = UNIT_CODES[index % len(UNIT_CODES)]  # any 14 cover every unit
    comma = "," if rng.random() < 0.75 else "，"
    used: set[str] = set()
    target = rng.randint(1900, 5400) // 3  # bytes → characters, roughly (the loop overshoots)

    blocks: list[_Block] = []
    single = rng.random() < 0.2
    if single:
        city = first_city
        ctx = _Context(rng, city, comma)
        blocks.append(_Block("headline", ctx.fill(rng.choice(SINGLE_HEADLINES)), blank_before=0))
        blocks += _byline(rng)
        body = _body(rng, ctx, used, target, forced_unit)
        if not any(city.name in b.text for b in body[:1]):
            intro = _Block("paragraph", ctx.fill(rng.choice(OPENINGS[3:4] + OPENINGS[6:7])))
            body.insert(0, intro)
        blocks += body
        cities = [city.code]
    else:
        n_sections = rng.choices((1, 2, 3, 4), (20, 35, 30, 15))[0]
        others = [c for c in CITIES if c is not first_city]
        section_cities = [first_city, *rng.sample(others, n_sections - 1)]
        rng.shuffle(section_cities)
        blocks.append(_Block("headline", rng.choice(HEADLINES), blank_before=rng.choice((0, 2))))
        for k, city in enumerate(section_cities):
            ctx = _Context(rng, city, comma)
            body = _body(rng, ctx, used, max(250, target // n_sections),
                         forced_unit if city is first_city else None)  # fmt: skip
            blocks.append(
                _Block("city", city.name, blank_before=1 if k == 0 else rng.choice((1, 1, 3)))
            )
            blocks.append(_subheadline(rng, body))
            blocks += _byline(rng)
            blocks += body
        cities = [c.code for c in section_cities]

    quotes = sorted({fig.quote for b in blocks for _, fig, _, _ in b.figures})
    breaks = 0
    if rng.random() < 0.3:
        breaks += _page_break(rng, blocks, quotes)
    return _assemble(f"synth-s{seed}-{index:06d}", blocks, cities, not single, breaks, rng)


def _assemble(article_id, blocks, cities, has_sections, breaks, rng) -> Article:
    """Write the file text and the repaired text; locate and number every figure."""
    raw: list[str] = []
    repaired: list[str] = []
    placed: list[tuple[int, Figure, Slot, str]] = []
    offset = 0
    for k, block in enumerate(blocks):
        if not k:
            raw.append("\n" * block.blank_before)
        else:
            raw.append("\n" * (block.blank_before + 1))
            repaired.append("\n")
            offset += 1
        if block.cut is None:
            raw.append(block.text)
        else:
            raw.append(block.text[: block.cut] + "\n" * rng.randint(2, 4) + block.text[block.cut :])
        repaired.append(block.text)
        placed += [(offset + off, fig, slot, city) for off, fig, slot, city in block.figures]
        offset += len(block.text)
    if rng.random() < 0.5:
        raw.append("\n")
    text, fixed = "".join(raw), "".join(repaired)

    positions: dict[str, list[int]] = {}
    annotations = []
    for start, fig, slot, city in placed:
        if fig.quote not in positions:
            found, i = [], fixed.find(fig.quote)
            while i >= 0:
                found.append(i)
                i = fixed.find(fig.quote, i + 1)
            positions[fig.quote] = found
        occurrence = positions[fig.quote].index(start) + 1
        annotations.append(Annotation(fig.quote, start, occurrence, city, slot.category, slot.metric,
                                      fig.value, fig.unit, fig.bound, slot.modality, slot.cue))  # fmt: skip
    annotations.sort(key=lambda a: a.start)
    return Article(article_id, text, fixed, annotations, cities, has_sections, breaks)


def annotation_csv(article: Article) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ANNOTATION_HEADER)
    writer.writerows(a.row() for a in article.annotations)
    return out.getvalue()


# --------------------------------------------------------------------------- corpus


@dataclass
class CorpusStats:
    articles: int = 0
    bytes: int = 0  # UTF-8 bytes of the article files
    figures: int = 0  # annotation rows
    per_unit: dict[str, int] = field(default_factory=dict)
    per_category: dict[str, int] = field(default_factory=dict)
    page_breaks: int = 0
    single_city_articles: int = 0

    def summary(self) -> str:
        units = ", ".join(f"{u} {self.per_unit.get(u, 0)}" for u in UNIT_CODES)
        cats = ", ".join(f"{c} {self.per_category.get(c, 0)}" for c in CATEGORIES)
        return (
            f"articles: {self.articles} ({self.single_city_articles} without city sections, "
            f"{self.page_breaks} page breaks)\n"
            f"bytes: {self.bytes} ({self.bytes / 1e6:.2f} MB)\n"
            f"figures: {self.figures}\nper unit: {units}\nper category: {cats}"
        )


def generate_corpus(n_articles: int, out_dir: Path, seed: int = 0) -> CorpusStats:
    """Write ``n_articles`` articles and their annotation CSVs under ``out_dir``."""
    out_dir = Path(out_dir)
    articles_dir, annotations_dir = out_dir / "articles", out_dir / "annotations"
    articles_dir.mkdir(parents=True, exist_ok=True)
    annotations_dir.mkdir(parents=True, exist_ok=True)
    stats = CorpusStats()
    units: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for index in range(1, n_articles + 1):
        article = build_article(seed, index)
        data = article.text.encode("utf-8")
        (articles_dir / f"{article.article_id}.txt").write_bytes(data)
        (annotations_dir / f"{article.article_id}.csv").write_bytes(
            annotation_csv(article).encode("utf-8")
        )
        stats.articles += 1
        stats.bytes += len(data)
        stats.figures += len(article.annotations)
        stats.page_breaks += article.page_breaks
        stats.single_city_articles += not article.has_sections
        units.update(a.unit for a in article.annotations)
        categories.update(a.category for a in article.annotations)
    stats.per_unit = {u: units[u] for u in UNIT_CODES}
    stats.per_category = {c: categories[c] for c in CATEGORIES}
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus", description=__doc__.split("\n")[0]
    )
    parser.add_argument("n_articles", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = generate_corpus(args.n_articles, args.out_dir, args.seed)
    print(stats.summary())
    print(f"seconds: {time.perf_counter() - started:.2f}  ->  {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
