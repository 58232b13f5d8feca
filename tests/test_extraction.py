"""The figure extractor: table-driven cases on sentences, plus invariants on the articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.text.extraction import Figure, extract_figures
from orchestration.text.parsing import decode_article, parse_article

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "raw" / "articles").glob("*.txt")) + sorted(
    (ROOT / "tests" / "data" / "articles").glob("*.txt")
)


def figures_of(text: str) -> list[Figure]:
    return extract_figures(parse_article("t", text))


def surfaces(text: str) -> list[str]:
    return [f.surface for f in figures_of(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # figures with their qualifiers, as the annotations quote them
        ("单日签约额突破3.79亿元,盘活融资超40亿元。", ["突破3.79亿元", "超40亿元"]),
        ("260余家机构跨越三省。", ["260余家"]),
        ("平均耗时3.5天压缩至2天内,效率提升42%。", ["3.5天", "2天内", "42%"]),
        ("市民在半小时内就完成了注册。", ["半小时内"]),
        ("全产业链产值高达79亿元。", ["79亿元"]),
        ("进京高铁日常线达38对。", ["38对"]),
        ("70%以上的资金投向产业类项目。", ["70%以上"]),
        ("户均增收3万多元,辐射800余人稳定就业。", ["3万多元", "800余人"]),
        ("剑指千亿元产业集群。", ["千亿元"]),
        ("千余名俄罗斯青少年参加。", ["千余名"]),
        ("已开工项目占比达七成以上。", ["七成以上"]),
        ("引进项目二十六个,安排资金一点五亿元。", ["二十六个", "一点五亿元"]),
        ("撬动社会资本四千三百万元。", ["四千三百万元"]),
        ("项目已吸纳当地就业人员1,200名。", ["1,200名"]),
        ("选派两千余名干部赴京。", ["两千余名"]),
        ("还将有10至15家北京企业来考察。", ["10至15家"]),
        ("列车以时速350公里运行,最快3小时30分钟即可抵京。", ["时速350公里", "3小时30分钟"]),
        ("设计时速250公里。", ["时速250公里"]),
        ("口岸日均验放车辆最高1,200辆,通关时间不超过2小时。", ["最高1,200辆", "不超过2小时"]),
        ("运送货物24.6万标准箱,开行线路达21条。", ["24.6万标准箱", "21条"]),
        ("通达欧洲13个国家的30多个城市。", ["13个", "30多个"]),
        ("增速高于全区平均水平1.6个百分点。", ["1.6个百分点"]),
        ("大豆种植面积稳定在1,800万亩左右,吸引多家企业。", ["1,800万亩左右"]),
        ("每吨纸浆进口均价约610美元。", ["约610美元"]),
        ("外送绿电近150亿千瓦时。", ["近150亿千瓦时"]),
        ("风机单机容量最高8,500千瓦,规划装机850万千瓦。", ["最高8,500千瓦", "850万千瓦"]),
        ("货物通常需要3—5天,如今最快24小时即可上架。", ["3—5天", "24小时"]),
        ("通关时间从48小时压缩至12小时以内。", ["48小时", "12小时以内"]),
        ("招收留学生近五百名。", ["近五百名"]),
        ("今年已培训一千二百余人次。", ["一千二百余人次"]),
        ("出入境旅客近两万人次。", ["近两万人次"]),
        # a bare 30万 before a noun counts something unnamed: no unit is guessed
        ("解决了30万马铃薯和20万吨冷凉蔬菜贮藏难题。", ["20万吨"]),
        ("惠及18村2968名群众。", ["18村", "2968名"]),
        ("协议总投资１２．５亿元,其中进口煤炭占比超九成。", ["１２．５亿元", "超九成"]),
        ("共签约项目３８个。", ["３８个"]),
        # layouts of our own, not in any article
        ("年发电量达12亿度,可节约标准煤40万吨。", ["12亿度", "40万吨"]),
        ("项目总投资3万—5万元不等。", ["3万—5万元"]),
        ("建设周期约为3-5个工作日。", ["3-5个工作日"]),
        ("新增用地百分之七十以上来自存量。", ["百分之七十以上"]),
        ("单程约需1小时20分钟。", ["1小时20分钟"]),
        ("新建厂房30余万平方米,投资30余万元。", ["30余万元"]),
        ("年吞吐量达１５０万标箱。", ["１５０万标箱"]),
        ("两家企业各投资一亿元。", ["两家", "一亿元"]),
        ("运距缩短了100千米。", ["100千米"]),
        ("全年销售粮食500公斤以上。", ["500公斤以上"]),
        # sentences of our own for the blind review's findings: counts of places
        ("中欧班列已通达十余个国家的五十多个城市。", ["十余个", "五十多个"]),
        ("推介会吸引了五个城市和八个地区的客商参加。", ["五个", "八个"]),
        ("这批牛肉干已销往十个城市。", ["十个"]),
        ("项目覆盖两个国家的12个口岸。", ["两个", "12个"]),
        ("审批由八个环节减少为三个环节。", ["八个", "三个"]),
        # compound counters
        ("口岸日均通行货车1.2万辆次。", ["1.2万辆次"]),
        ("港口全年靠泊船舶3,600艘次。", ["3,600艘次"]),
        ("累计开行旅游列车860列次。", ["860列次"]),
        ("引进智能装备120台套。", ["120台套"]),
        ("跨境电商出口订单突破20万单。", ["突破20万单"]),
        ("全盟牛羊存栏320万头只。", ["320万头只"]),
        # a threshold naming a class of projects is not a figure; the count is
        ("新落地亿元以上项目12个。", ["12个"]),
        ("投资10亿元以上,带动就业。", ["10亿元以上"]),
        # a bare 万 number takes a unit only from a figure it is directly coordinated with
        ("牧场储备1.2万牛羊和3万吨饲草。", ["3万吨"]),
        ("两座冷库分别储存果蔬3万和5万吨。", ["两座", "3万", "5万吨"]),
        # a lone 二 is a number outside 二人/二次
        ("农户养殖成本比上年降低二成。", ["二成"]),
        ("贷款利率下调百分之二。", ["百分之二"]),
        ("距离市区仅二公里。", ["二公里"]),
    ],
)
def test_surfaces(text: str, expected: list[str]) -> None:
    assert surfaces(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # dates and years
        "7月1日全国铁路调图后,列车开行。",
        "2025年上半年,项目落地。",
        "今年1—6月,外资增长。",
        "3月30日,中心正式揭牌。",
        "7月上旬,上座率上升。",
        "7月15日至17日,活动举行。",
        "前7个月,旅客往来增多。",
        # ordinals and names with digits
        "第五届中国—蒙古国博览会开幕。",
        "第二十一届中俄蒙国际冰雪节举行。",
        "S27呼和浩特至鄂尔多斯高速公路获核准。",
        "G6京藏高速和G7京新高速贯通。",
        "5G网络覆盖全市。",
        "打造智慧城市4.0模式。",
        "2025绿色算力大会开幕。",
        "2025中关村论坛年会举行。",
        # digits of a number, indicators listed (real releases: 三项指标均实现两位数增长)
        "进出口、出口、进口三项指标均实现两位数高速增长。",
        # slogans, programmes and titles
        "全力推进「六个行动」。",
        "深入落实“六个行动”部署。",
        "围绕“四个世界级产业”目标。",
        "持续深化“六个倍增计划”和“四项行动”。",
        "实施六个倍增计划和四项行动。",
        "“十五五”时期,项目加快建设。",
        "十五五期间,项目加快建设。",
        "“一小时经济圈”升级。",
        "签署“三个一批”项目合作协议。",
        "借助“万里茶道”国际旅游联盟。",
        "《胡笳十八拍》等作品进京展演。",
        "以《八骏图》为题举办马文化展。",
        # groups
        "呼包鄂乌四市政务服务大厅。",
        "呼包鄂乌四地联合公布事项。",
        "中俄蒙三国交界,与俄蒙两国合作。",
        "两个国家像走亲戚一样越走越近。",
        "从蒙浙粤三地专利转化握手。",
        # phone numbers
        "企业可拨打热线0471-1234567咨询。",
        "服务热线0479-7522345。",
        # company and brand names
        "三一重工在赤峰布局。",
        "汽车零部件产业园开工建设。",  # 零 starts words (零部件, 零售, 零碳)
        "打造零碳产业园和零售新业态。",
        "马拉松由361度冠名。",
        # indefinite 一 and vague quantities
        "一列满载货物的列车驶向天津。",
        "他拿起一件木雕摆件。",
        "当最后一组钢轨落定。",
        "过去一年,合作走向现实。",
        "数百公里外的北京京蒙高科大厦。",
        "千人跨年活动中,新年快乐汇成乐章。",
        "商品进入俄罗斯千家万户。",
        "以前排队过关要等大半天。",
        "上千人参加了活动。",
        "几十家企业参加。",
        "东北二人转演出。",
        "还有三五个朋友,七八家小店。",
        "建成5万吨级码头,打造千亿级产业。",
        # places referred to as a group, words with 二, discourse enumerations (our own)
        "这三个城市将共建物流枢纽。",
        "两个城市携手打造飞地园区。",
        "东北二人转和二人台同台演出。",
        "鼓励老字号企业二次创业。",
        "实施三项攻坚行动。",
        "从三个方面推进协作。",
    ],
)
def test_not_figures(text: str) -> None:
    assert surfaces(text) == []


@pytest.mark.parametrize(
    ("text", "surface", "modality"),
    [
        ("年新增营收预计达1.4亿元。", "1.4亿元", "forecast"),
        # a cue before a colon, or opening the list after it, governs the list's items
        ("主要预期目标是：生产总值增长6%左右；新增就业18万人以上。", "18万人以上", "target"),
        ("重点抓好以下工作：力争外贸突破2000亿元；新增高速公路300公里。", "300公里", "target"),
        # a plan is a target (计划部署, 计划投资), a plan's name is not (六个倍增计划)
        ("项目计划部署标准机架1.2万架。", "1.2万架", "target"),
        # a cue inside one item of a list governs that item only
        ("加快建设,剑指千亿元产业集群；在准格尔旗布局1500万吨项目。", "1500万吨", "actual"),
        ("全部建成后将新增装机300万千瓦。", "300万千瓦", "forecast"),
        ("全年进出口总值有望突破400亿元。", "突破400亿元", "forecast"),
        ("剑指千亿元产业集群。", "千亿元", "target"),
        ("兴安盟力争全年引进北京企业20家以上。", "20家以上", "target"),
        ("目标建成年外送绿电1000亿千瓦时的基地。", "1000亿千瓦时", "target"),
        ("力争到2027年过货量达到3500万吨,进出口总值突破500亿元。", "突破500亿元", "target"),
        ("上半年引进资金超200亿元。", "超200亿元", "actual"),
        ("围绕“四个世界级产业”目标,引进资金超200亿元。", "超200亿元", "actual"),
        ("钢铁动脉将两地的距离从6小时压缩至2小时。", "2小时", "actual"),
        ("营收预计达1亿元,推动4个项目落地。", "4个", "actual"),
        ("项目总投资将超8亿元。", "超8亿元", "forecast"),  # 将 before a qualifier
    ],
)
def test_modality(text: str, surface: str, modality: str) -> None:
    found = {f.surface: f for f in figures_of(text)}
    assert found[surface].modality == modality


@pytest.mark.parametrize(
    ("text", "surface", "category"),
    [
        # an item of a ；-list that names nothing measures what the previous items measured
        ("农畜产品加工业产值达到612亿元；兴安盟完成287亿元,增长12%。", "287亿元", "other"),
        # an item that names its own quantity is categorised on its own
        ("农畜产品加工业产值达到612亿元；兴安盟引进投资28亿元。", "28亿元", "funding"),
    ],
)
def test_list_items(text: str, surface: str, category: str) -> None:
    found = {f.surface: f for f in figures_of(text)}
    assert found[surface].category == category


SECTIONED = """标题行

包头

协同创新 让链条延展

□本报记者 某某

包头引进项目12个。鄂尔多斯市新增投资5亿元。鄂尔多斯与包头合作建设项目3个。

鄂尔多斯

对接精准 按下快捷键

□本报记者 某某

今年上半年,全市签约项目7个。
"""

UNSECTIONED = """口岸经济量质齐升

□本报记者 某某

今年上半年,满洲里口岸进出口货运量达1,320万吨。口岸新增车辆150辆。

二连浩特口岸过货量达945.6万吨,同比增长8%。
"""


@pytest.mark.parametrize(
    ("text", "surface", "city"),
    [
        (SECTIONED, "12个", "baotou"),
        (SECTIONED, "5亿元", "ordos"),  # the sentence's subject is another of the twelve
        (SECTIONED, "3个", "baotou"),  # a joint subject keeps the section city
        (SECTIONED, "7个", "ordos"),
        (UNSECTIONED, "1,320万吨", "hulunbuir"),  # the city named in the sentence
        (UNSECTIONED, "150辆", "hulunbuir"),  # the nearest preceding mention
        (UNSECTIONED, "945.6万吨", "xilingol"),
        ("项目总投资约5亿元。", "约5亿元", None),  # no city anywhere
    ],
)
def test_city(text: str, surface: str, city: str | None) -> None:
    found = {f.surface: f for f in figures_of(text)}
    assert found[surface].city_code == city


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit", "bound", "block_kind"),
    [
        (
            "双向奔赴 17.41亿元农畜产品进京\n\n□本报记者 海军\n\n正文。",
            "17.41亿元",
            1.741e9,
            "CNY",
            "exact",
            "headline",
        ),
        ("通关时间压缩至30分钟以内。", "30分钟以内", 0.5, "hour", "at_most", "paragraph"),
        ("其中七成用于产业发展。", "七成", 70, "pct", "exact", "paragraph"),
        ("约２１０亿元。", "约２１０亿元", 2.1e10, "CNY", "approx", "paragraph"),
        ("口岸日均通行货车1.2万辆次。", "1.2万辆次", 12_000, "count", "exact", "paragraph"),
        ("两座冷库分别储存果蔬3万和5万吨。", "3万", 30_000, "tonne", "exact", "paragraph"),
        ("农户养殖成本比上年降低二成。", "二成", 20, "pct", "exact", "paragraph"),
        ("中欧班列已通达十余个国家。", "十余个", 10, "count", "at_least", "paragraph"),
        ("城镇调查失业率控制在5.5%以内。", "5.5%以内", 5.5, "pct", "at_most", "paragraph"),
    ],
)
def test_values(
    text: str, surface: str, value: float, unit: str, bound: str, block_kind: str
) -> None:
    found = {f.surface: f for f in figures_of(text)}
    f = found[surface]
    assert (f.value, f.unit, f.bound, f.block_kind) == (
        pytest.approx(value),
        unit,
        bound,
        block_kind,
    )


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_article_invariants(path: Path) -> None:
    text, _ = decode_article(path.read_bytes(), str(path))
    parsed = parse_article(path.stem, text)
    figures = extract_figures(parsed)
    assert figures
    for f in figures:
        assert parsed.text[f.char_start : f.char_end] == f.surface
        assert f.surface in f.sentence
        assert f.block_kind in ("paragraph", "subheadline", "caption", "headline")
        assert f.modality in ("actual", "forecast", "target")
        assert f.category in ("funding", "trade", "transport", "talent", "other")
    for a, b in zip(figures, figures[1:], strict=False):
        assert a.char_end <= b.char_start
