"""Category and metric rules: table-driven cases on single sentences."""

from __future__ import annotations

import pytest

from orchestration.text.categorize import categorize, clause_bounds, is_relative, topic_of
from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import parse_article


def category_of(text: str, surface: str) -> tuple[str, str | None]:
    figures = {f.surface: f for f in extract_figures(parse_article("t", text))}
    f = figures[surface]
    return f.category, f.metric


@pytest.mark.parametrize(
    ("text", "surface", "category"),
    [
        # funding: investment, funds, capital, contracts
        ("上半年从重点区域引进资金超200亿元。", "超200亿元", "funding"),
        ("察右中旗投入7048万元引入企业。", "7048万元", "funding"),
        ("单日签约额突破3.79亿元。", "突破3.79亿元", "funding"),
        ("签约新能源项目11个,协议总投资逾120亿元。", "11个", "funding"),
        ("签约新能源项目11个,协议总投资逾120亿元。", "逾120亿元", "funding"),
        ("实际利用外资3,260万美元。", "3,260万美元", "funding"),
        # trade: exports, imports, sales, clearance, ports
        ("全市农畜产品出口额达2,150万美元。", "2,150万美元", "trade"),
        ("拉动进出口额29.5亿元。", "29.5亿元", "trade"),
        ("促成技术交易880万元。", "880万元", "trade"),
        ("货车平均通关时间压缩至30分钟以内。", "30分钟以内", "trade"),
        ("拥有8个对外开放口岸。", "8个", "trade"),
        ("通过消费帮扶渠道销往北京2,480吨。", "2,480吨", "trade"),
        # transport: trains, roads, distances, speeds, containers
        ("发运中欧班列2列,货值3337万元。", "2列", "transport"),
        ("发运中欧班列2列,货值3337万元。", "3337万元", "trade"),
        ("进京高铁日常线达38对。", "38对", "transport"),
        ("这场跨越2400公里的专利“联姻”。", "2400公里", "transport"),
        ("跨境无人驾驶集装箱卡车达150辆。", "150辆", "transport"),
        ("运送货物8,600标准箱。", "8,600标准箱", "transport"),
        # talent: jobs, training, experts, students
        ("11898名农村劳动力实现就业增收。", "11898名", "talent"),
        ("累计引进各类人才3,650名。", "3,650名", "talent"),
        ("开展技能培训1,500人次。", "1,500人次", "talent"),
        ("北京市选派的68名医疗、教育专家扎根兴安盟。", "68名", "talent"),
        # other: capacity, output, tourists, patents, measures
        ("全产业链产值高达79亿元。", "79亿元", "other"),
        ("剑指千亿元产业集群。", "千亿元", "other"),
        ("新能源装机容量突破600万千瓦。", "突破600万千瓦", "other"),
        ("接待游客312.6万人次。", "312.6万人次", "other"),
        ("稀土高新区拥有1962件稀土专利。", "1962件", "other"),
        ("明确支持外贸主体培育等12项具体措施。", "12项", "other"),
        ("新建高标准农田30万亩。", "30万亩", "other"),
        ("政务服务平均耗时3.5天。", "3.5天", "other"),
        ("全市地区生产总值达到3,500亿元。", "3,500亿元", "other"),
        ("计划招聘50名技术工人,月薪不低于6000元。", "6000元", "talent"),
        # general vocabularies, sentences of our own
        ("发放创业担保贷款2.6亿元。", "2.6亿元", "funding"),
        ("为外贸企业兑现奖补1.8亿元。", "1.8亿元", "funding"),
        ("银行为物流企业授信50亿元。", "50亿元", "funding"),
        ("新辟国际航线6条。", "6条", "transport"),
        ("口岸日均通行货车1.2万辆次。", "1.2万辆次", "transport"),
        ("全年完成货运量1.2亿吨。", "1.2亿吨", "transport"),
        ("港口集装箱吞吐量达到120万标准箱。", "120万标准箱", "transport"),
        ("招聘会提供岗位3,000个。", "3,000个", "talent"),
        ("企业员工超过2,000人。", "超过2,000人", "talent"),
        ("选派12名干部挂职锻炼。", "12名", "talent"),
        ("跨境电商出口订单突破20万单。", "突破20万单", "trade"),
        ("这批牛肉干已销往十个城市。", "十个", "trade"),
        ("每千克售价提高2元。", "2元", "trade"),
        # relative figures take the category of the figure they refer to
        ("实际利用外资9.1亿元,占自治区总量的67.4%,同比增长13%。", "67.4%", "funding"),
        ("实际利用外资9.1亿元,占自治区总量的67.4%,同比增长13%。", "13%", "funding"),
        ("产品出口6.05亿元,占同类产品出口的84.44%。", "84.44%", "trade"),
        ("高铁上座率达92%,京津冀游客占比超60%。", "超60%", "transport"),
        ("化工产业产值达486亿元,占全市规上工业总产值的52.3%。", "52.3%", "other"),
        ("安排协作资金4.6亿元,其中七成用于产业发展。", "七成", "funding"),
    ],
)
def test_category(text: str, surface: str, category: str) -> None:
    assert category_of(text, surface)[0] == category


def test_paragraph_topic_votes() -> None:
    text = "劳务协作铺就增收路。商都县年均带动400户农民户均增收3万多元。"
    assert category_of(text, "400户")[0] == "talent"
    assert category_of(text, "3万多元")[0] == "talent"
    # the same figure without the topic sentence: money leans to funding
    assert category_of("商都县年均带动400户农民户均增收3万多元。", "3万多元")[0] == "funding"


@pytest.mark.parametrize(
    ("text", "surface", "metric"),
    [
        ("拉动进出口额29.5亿元。", "29.5亿元", "import_export_value"),
        ("实际利用外资9.1亿元,同比增长13%。", "9.1亿元", "foreign_capital_utilized"),
        ("实际利用外资9.1亿元,同比增长13%。", "13%", "growth_yoy"),
        ("高铁上座率达92%。", "92%", "occupancy_rate"),
        ("辐射800余人稳定就业。", "800余人", "employment"),
        ("列车以时速350公里运行。", "时速350公里", "speed"),
        ("全产业链产值高达79亿元。", "79亿元", "output_value"),
        ("他们种了很多树,共5棵。", "5棵", None),
        # lengths are named after the line the clause names (our own sentences)
        ("新改建国道、省道320公里。", "320公里", "road_length"),
        ("G331国道全长约9000公里。", "约9000公里", "road_length"),
        ("输气管道全长约260公里。", "约260公里", "pipeline_length"),
        ("大桥全长12公里。", "12公里", "length"),
        ("高铁开通后,两地车程缩短至1.5小时。", "1.5小时", "travel_time"),
        ("游客最快2小时即可抵达北京。", "2小时", "travel_time"),
        ("抵押登记压缩至2小时。", "2小时", None),  # 抵押 is not 抵达
        ("发放创业担保贷款2.6亿元。", "2.6亿元", "loans"),
        ("招聘会提供岗位3,000个。", "3,000个", "jobs"),
        ("口岸日均通行货车1.2万辆次。", "1.2万辆次", "vehicles"),
    ],
)
def test_metric(text: str, surface: str, metric: str | None) -> None:
    assert category_of(text, surface)[1] == metric


@pytest.mark.parametrize(
    ("sentence", "span", "clause"),
    [
        ("甲,乙投入5亿元,丙。", (4, 7), "乙投入5亿元"),
        ("投入5亿元。", (2, 5), "投入5亿元。"[:-1]),
    ],
)
def test_clause_bounds(sentence: str, span: tuple[int, int], clause: str) -> None:
    left, right = clause_bounds(sentence, *span)
    assert sentence[left:right] == clause


@pytest.mark.parametrize(
    ("sentence", "surface", "unit", "relative"),
    [
        ("占全市进出口总额的50%", "50%", "pct", True),
        ("同比增长13%", "13%", "pct", True),
        ("加工转化率达61%", "61%", "pct", False),
        ("占比达100亿元", "100亿元", "CNY", False),
    ],
)
def test_is_relative(sentence: str, surface: str, unit: str, relative: bool) -> None:
    start = sentence.index(surface)
    assert is_relative(sentence, start, start + len(surface), unit) is relative


@pytest.mark.parametrize(
    ("paragraph", "topic"),
    [
        ("劳务协作铺就增收路。商都县探索新模式。", "劳务协作铺就增收路。"),
        ("今年以来,乌海市主动对接京津冀产业转移,签约项目17个。", ""),
        ("人才交流日益密切。", ""),  # a one-sentence paragraph has no topic sentence
    ],
)
def test_topic_of(paragraph: str, topic: str) -> None:
    assert topic_of(paragraph) == topic


def test_scores_favour_the_nearest_words() -> None:
    sentence = "发运中欧班列2列,货值3337万元"
    start = sentence.index("3337万元")
    result = categorize(sentence, start, start + len("3337万元"), "CNY")
    assert result.scores["trade"] > result.scores["transport"]
    assert result.category == "trade"
