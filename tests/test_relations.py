"""Relations stated between figures, found from the words between them (table-driven)."""

import pytest

from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import parse_article
from orchestration.text.relations import FigureRef, find_relations


def relations_of(sentence: str):
    parsed = parse_article("t", "标题\n\n" + sentence)
    refs = [
        FigureRef(str(i), f.char_start, f.char_end, f.value, f.unit, f.surface)
        for i, f in enumerate(extract_figures(parsed))
    ]
    return find_relations(parsed.text, refs)


@pytest.mark.parametrize(
    ("sentence", "kind", "holds", "expected", "stated"),
    [
        ("全市出口规模6.05亿元,占自治区同类产品出口的84.44%。", "share", True, None, 84.44),
        ("拉动进出口额29.5亿元,占全市进出口总额的50%。", "share", True, None, 50),
        ("实际利用外资9.1亿元,占自治区总量的67.4%,同比增长13%。", "share", True, None, 67.4),
        (
            "全市进出口总额59亿元,其中对俄贸易29.5亿元,占全市进出口总额的50%。",
            "share",
            True,
            50.0,
            50,
        ),
        (
            "全市进出口总额59亿元,其中对俄贸易39.5亿元,占全市进出口总额的50%。",
            "share",
            False,
            66.9492,
            50,
        ),
        ("平均耗时3.5天压缩至2天内,效率提升42%。", "decrease", True, 42.8571, 42),
        ("平均耗时3.5天压缩至2天内,效率提升62%。", "decrease", False, 42.8571, 62),
        ("将两地距离从6小时压缩至2小时。", "decrease", True, None, None),
        ("将两地距离从2小时压缩至6小时。", "decrease", False, None, None),
        ("年产值由20亿元增长到30亿元,增长50%。", "increase", True, 50.0, 50),
        ("通关时间从48小时压缩至12小时以内。", "decrease", True, None, None),
    ],
)
def test_relations(sentence, kind, holds, expected, stated):
    [relation] = relations_of(sentence)
    assert relation.kind == kind
    assert relation.holds is holds, relation.explanation
    assert relation.expected == (pytest.approx(expected, abs=1e-3) if expected else None)
    assert relation.stated == stated


@pytest.mark.parametrize(
    "sentence",
    [
        "引进资金超200亿元,同比增长13%。",  # growth of an unprinted base: no relation
        "签约项目7个,总投资12亿元。",
        "从铁水联运班列到政务服务,建成14座储存库。",
    ],
)
def test_no_relation(sentence):
    assert relations_of(sentence) == []
