"""Reference periods of figures (orchestration/text/periods.py).

The cases live in ``tests/specs/periods.yaml`` (run by ``tests/test_specs.py`` through
:func:`check_spec_case`): adding one needs no Python. The direct tests below cover
``publication_date`` and the rules file itself.
"""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from orchestration.text.periods import (
    _GRAMMAR,
    KINDS,
    RULES_PATH,
    Period,
    figure_periods,
    publication_date,
)
from tests.test_specs import spec_cases

CASES = spec_cases("periods.yaml")


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _span(text: str, surface: str, occurrence: int) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.find(surface, start + 1)
        assert start >= 0, f"{surface!r} is not printed {occurrence} time(s) in the text"
    return start, start + len(surface)


def test_spec_file_is_well_formed():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert len(CASES) >= 45
    for case in CASES:
        assert case["figures"], case["name"]
        for figure in case["figures"]:
            assert figure["kind"] in KINDS, (case["name"], figure)
            unknown = figure["start"] is None and figure["end"] is None
            assert (figure["kind"] == "unknown") == unknown, (case["name"], figure)


def check_spec_case(case):
    """One case of tests/specs/periods.yaml (tests/test_specs.py runs them all)."""
    text = case["text"]
    figures = case["figures"]
    spans = [_span(text, f["surface"], f.get("occurrence", 1)) for f in figures]
    got = figure_periods(text, spans, _date(case.get("published_on")))
    expected = [
        Period(f["period_text"], _date(f["start"]), _date(f["end"]), f["kind"]) for f in figures
    ]
    surfaces = [f["surface"] for f in figures]
    assert list(zip(surfaces, got, strict=True)) == list(zip(surfaces, expected, strict=True))


def test_no_figures_and_figures_outside_sentences():
    assert figure_periods("2023年,全区增长5%。", [], date(2024, 1, 1)) == []
    assert figure_periods("", [(0, 0)], None) == [Period(None, None, None, "unknown")]


def test_one_call_serves_many_sentences_in_order_given():
    text = "2023年,全市新增企业30家。\n今年以来,新增企业12家。"
    spans = [_span(text, "12家", 1), _span(text, "30家", 1)]
    got = figure_periods(text, spans, date(2024, 4, 2))
    assert got == [
        Period("今年以来", date(2024, 1, 1), date(2024, 4, 2), "cumulative"),
        Period("2023年", date(2023, 1, 1), date(2023, 12, 31), "year"),
    ]


# ------------------------------------------------------------------ publication_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("标题\n2017-09-13 08:24:00\n正文第一段。", date(2017, 9, 13)),
        ("标题\n2024-01-30\n正文。", date(2024, 1, 30)),
        ("标题\n2024年1月30日\n正文。", date(2024, 1, 30)),
        ("标题\n2024年01月30日 09:15\n正文。", date(2024, 1, 30)),
        ("标题\n2024/1/30 星期二\n正文。", date(2024, 1, 30)),
        ("标题\n（2024年1月30日）\n正文。", date(2024, 1, 30)),
        ("标题\n来源：内蒙古日报 2024-01-30\n正文。", date(2024, 1, 30)),
        ("标题\n发布时间：2024年1月30日\n正文。", date(2024, 1, 30)),
        ("标题\n正文。\n责任编辑：张三 2017-09-13 08:24:00", date(2017, 9, 13)),
        ("标题\n新华社呼和浩特2024年1月5日电 全区今年计划实施项目3000个。", date(2024, 1, 5)),
        # a web page's source line: date and source, in either order
        ("标题\n2024年04月20日 15:29 某某晚报\n正文。", date(2024, 4, 20)),
        ("标题\n某某融媒   2023-03-30 16:10:25\n正文。", date(2023, 3, 30)),
        # a newspaper's page header: paper, date, weekday, page, section
        ("房山报　2024年12月20日　星期五　第2版　区域协作\n标题\n正文。", date(2024, 12, 20)),
        ("某某日报 2023年5月8日 第3版\n标题\n正文。", date(2023, 5, 8)),
        # a report's delivery line under its title
        (
            "政府工作报告\n——2025年1月9日在某旗第十八届人民代表大会第四次会议上\n各位代表：",
            date(2025, 1, 9),
        ),
        ("讲话\n（2024年3月2日在全盟招商引资大会上的讲话）\n同志们：", date(2024, 3, 2)),
    ],
)
def test_publication_date_from_date_lines(text, expected):
    assert publication_date(text) == expected


def test_publication_date_ignores_dates_in_body_sentences():
    text = "标题\n2024年1月30日,全区召开经济工作会议,部署全年任务。\n会议指出,去年全区增长6%。"
    assert publication_date(text) is None


def test_publication_date_ignores_a_wire_dateline_without_a_year():
    assert publication_date("标题\n中新网呼和浩特3月17日电 全区外贸增长9%。") is None


def test_publication_date_skips_an_impossible_date():
    assert publication_date("标题\n2024-02-30\n正文。") is None
    assert publication_date("标题\n2024-02-30\n正文。\n来源：北方新报 2024-03-01") == date(
        2024, 3, 1
    )


def test_publication_date_reads_only_the_first_and_last_six_lines():
    body = [f"第{i}段正文。" for i in range(14)]
    middle = "\n".join(body[:7] + ["2024-05-05"] + body[7:])  # line 9 of 16
    assert publication_date("标题\n" + middle) is None
    assert publication_date("\n\n标题\n\n" + "\n".join(body) + "\n\n2024-05-05\n") == date(
        2024, 5, 5
    )


def test_top_date_line_wins_over_bottom():
    text = "标题\n2024-01-30\n正文。\n编辑：李四 2024-02-02"
    assert publication_date(text) == date(2024, 1, 30)


# ------------------------------------------------------------------ the rules and the module


def _first_chars(parsed) -> tuple[set[str], bool]:
    """Characters a parsed regex can start with, and whether it can match empty."""
    chars: set[str] = set()
    for op, av in parsed:
        first, nullable = _first_of(str(op), av)
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _first_of(op: str, av) -> tuple[set[str], bool]:
    if op == "LITERAL":
        return {chr(av)}, False
    if op == "IN":
        chars = set()
        for item_op, item in av:
            item_op = str(item_op)
            if item_op == "LITERAL":
                chars.add(chr(item))
            elif item_op == "RANGE":
                chars |= {chr(c) for c in range(item[0], item[1] + 1)}
            elif item_op == "CATEGORY" and str(item) == "CATEGORY_DIGIT":
                chars |= set("0123456789")
            else:
                raise AssertionError(f"cannot list the first characters of {item_op} {item}")
        return chars, False
    if op == "SUBPATTERN":
        return _first_chars(av[-1])
    if op == "BRANCH":
        chars, nullable = set(), False
        for branch in av[1]:
            first, empty = _first_chars(branch)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, sub = av
        first, empty = _first_chars(sub)
        return first, empty or low == 0
    if op in ("ASSERT", "ASSERT_NOT", "AT"):
        return set(), True
    raise AssertionError(f"cannot list the first characters of {op}")


def test_first_chars_cover_every_rule():
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse
    starts, nullable = _first_chars(sre_parse.parse(_GRAMMAR.body))
    assert not nullable
    rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    missing = starts - set(rules["first_chars"])
    assert not missing, f"add {''.join(sorted(missing))!r} to first_chars in periods.yaml"


def test_every_rule_is_named():
    rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    for section in ("years", "within_year", "month_parts", "multi_year", "now_words"):
        for rule in rules[section]:
            assert rule.get("name") and rule.get("pattern"), (section, rule)


def test_text_layer_imports_no_dagster_duckdb_or_pandas():
    code = (
        "import sys, orchestration.text.periods\n"
        "bad = [m for m in ('dagster', 'duckdb', 'pandas') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)
