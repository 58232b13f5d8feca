"""The number reader: table-driven cases for read_number and read_quantity."""

from __future__ import annotations

import pytest

from orchestration.text.numbers import Quantity, normalize, read_number, read_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17.41", 17.41),
        ("２，４８０", 2480),
        ("2,480", 2480),
        ("1,234,567.5", 1234567.5),
        ("１２．５", 12.5),
        ("0", 0),
        ("二十六", 26),
        ("十", 10),
        ("十五", 15),
        ("一百零五", 105),
        ("两", 2),
        ("两千", 2000),
        ("廿", 20),
        ("卅", 30),
        ("廿三", 23),
        ("〇", 0),
        ("二〇二五", 2025),
        ("一点五亿", 150_000_000),
        ("四千三百万", 43_000_000),
        ("一千二百", 1200),
        ("3万", 30_000),
        ("1.3万", 13_000),
        ("3千万", 30_000_000),
        ("千亿", 1e11),
        ("百万", 1e6),
        ("一亿三千万", 130_000_000),
        ("三万亿", 3e12),
        ("1亿", 1e8),
        ("3万5千", 35_000),
        ("半", 0.5),
    ],
)
def test_read_number(text: str, expected: float) -> None:
    assert read_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "十五五", "十十", "千百", "3-5", "几十", "数百", "S27", "5G", "3万吨", "一点"],
)
def test_read_number_rejects(text: str) -> None:
    assert read_number(text) is None


@pytest.mark.parametrize(
    ("quote", "value", "unit", "bound", "upper"),
    [
        ("17.41亿元", 1_741_000_000, "CNY", "exact", None),
        ("超1亿美元", 100_000_000, "USD", "at_least", None),
        ("约610美元", 610, "USD", "approx", None),
        ("260余家", 260, "count", "at_least", None),
        ("千余名", 1000, "count", "at_least", None),
        ("70%以上", 70, "pct", "at_least", None),
        ("84.44%", 84.44, "pct", "exact", None),
        ("13％", 13, "pct", "exact", None),
        ("七成", 70, "pct", "exact", None),
        ("近3成", 30, "pct", "approx", None),
        ("超九成", 90, "pct", "at_least", None),
        ("约两成", 20, "pct", "approx", None),
        ("百分之七十", 70, "pct", "exact", None),
        ("1.6个百分点", 1.6, "pp", "exact", None),
        ("2天内", 2, "day", "at_most", None),
        ("5日内", 5, "day", "at_most", None),
        ("不超过3个工作日", 3, "day", "at_most", None),
        ("半小时内", 0.5, "hour", "at_most", None),
        ("3小时30分钟", 3.5, "hour", "exact", None),
        ("3个小时30分钟", 3.5, "hour", "exact", None),
        ("一个半小时", 1.5, "hour", "exact", None),
        ("30分钟", 0.5, "hour", "exact", None),
        ("30分钟以内", 0.5, "hour", "at_most", None),
        ("时速350公里", 350, "km_per_hour", "exact", None),
        ("350公里/小时", 350, "km_per_hour", "exact", None),
        ("402公里", 402, "km", "exact", None),
        ("5千米", 5, "km", "exact", None),
        ("20万吨", 200_000, "tonne", "exact", None),
        ("500公斤", 0.5, "tonne", "exact", None),
        ("50万千瓦", 500_000, "kW", "exact", None),
        ("3兆瓦", 3000, "kW", "exact", None),
        ("约85亿千瓦时", 8.5e9, "kWh", "approx", None),
        ("100万度", 1e6, "kWh", "exact", None),
        ("24.6万标准箱", 246_000, "TEU", "exact", None),
        ("3万标箱", 30_000, "TEU", "exact", None),
        ("1,800万亩左右", 18_000_000, "mu", "approx", None),
        ("３８对", 38, "count", "exact", None),
        ("突破300万人次", 3_000_000, "count", "at_least", None),
        ("最高1,200辆", 1200, "count", "at_most", None),
        ("3万多元", 30_000, "CNY", "at_least", None),
        ("30余万元", 300_000, "CNY", "at_least", None),
        ("千亿元", 1e11, "CNY", "exact", None),
        ("四千三百万元", 43_000_000, "CNY", "exact", None),
        ("7,860万美元", 78_600_000, "USD", "exact", None),
        ("3—5天", 3, "day", "exact", 5),
        ("3-5天", 3, "day", "exact", 5),
        ("3至5天", 3, "day", "exact", 5),
        ("3~5天", 3, "day", "exact", 5),
        ("10到15家", 10, "count", "exact", 15),
        ("3—5万元", 30_000, "CNY", "exact", 50_000),
        ("3%—5%", 3, "pct", "exact", 5),
        ("高达79亿元", 7_900_000_000, "CNY", "exact", None),
        ("逾120亿元", 12_000_000_000, "CNY", "at_least", None),
        ("不到10家", 10, "count", "at_most", None),
        ("将近2万人", 20_000, "count", "approx", None),
        ("1.2万辆次", 12_000, "count", "exact", None),
        ("3,600艘次", 3600, "count", "exact", None),
        ("860列次", 860, "count", "exact", None),
        ("120台套", 120, "count", "exact", None),
        ("突破20万单", 200_000, "count", "at_least", None),
        ("二成", 20, "pct", "exact", None),
    ],
)
def test_read_quantity(
    quote: str, value: float, unit: str, bound: str, upper: float | None
) -> None:
    q = read_quantity(quote)
    assert q is not None
    assert q == Quantity(
        pytest.approx(value), unit, bound, None if upper is None else pytest.approx(upper)
    )


@pytest.mark.parametrize(
    "quote",
    [
        "30万",
        "2025年",
        "7月1日",
        "1—6月",
        "3个月",
        "第五届",
        "S27",
        "5G",
        "3成员",
        "5—3天",
        "十五五期",
    ],
)
def test_read_quantity_rejects(quote: str) -> None:
    assert read_quantity(quote) is None


@pytest.mark.parametrize(
    ("text", "expected"), [("１２．５％", "12.5%"), ("２，４８０吨", "2,480吨")]
)
def test_normalize_keeps_length(text: str, expected: str) -> None:
    assert normalize(text) == expected
    assert len(normalize(text)) == len(text)
