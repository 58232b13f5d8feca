"""Annotation files: every row comes back, with a status and a reason naming file and line."""

import pytest

from orchestration.text.annotations import (
    AnnotationFileError,
    find_occurrence,
    locate_annotations,
    read_annotation_file,
)
from orchestration.text.sentences import sentence_around

TEXT = "全市引进资金17.41亿元。另有17.41亿元农畜产品进京,占比84.44%。"
HEADER = "quote,occurrence,city,category,metric,value,unit,bound,note\n"


def read(body: str, header: str = HEADER):
    rows = read_annotation_file((header + body).encode(), "art", "annotations/art.csv")
    return locate_annotations(rows, TEXT)


@pytest.mark.parametrize(
    ("row", "status", "reason"),
    [
        ("17.41亿元,1,ulanqab,funding,funds,1741000000,CNY,exact,", "ok", None),
        ("17.41亿元,2,ulanqab,trade,exports,1741000000,CNY,exact,", "ok", None),
        ("17.41亿元,3,ulanqab,trade,exports,,,,", "quote_not_found", "occurs only 2 time(s)"),
        ("71.41亿元,1,ulanqab,trade,exports,,,,", "quote_not_found", "is not in the article text"),
        ("84.44%,1,datong,trade,share,,,,", "unknown_city", "city 'datong'"),
        ("84.44%,1,ordos,finance,share,,,,", "invalid", "category 'finance'"),
        ("84.44%,1,ordos,trade,share,abc,,,", "invalid", "value 'abc' is not a number"),
        ("84.44%,x,ordos,trade,share,,,,", "invalid", "occurrence 'x'"),
        ("84.44%,1,ordos,trade,Share Of,,,,", "invalid", "not snake_case"),
        ("84.44%,1,ordos,trade,share,84.44,percent,,", "invalid", "unit 'percent'"),
        ("84.44%,1,ordos,trade,share,84.44,pct,around,", "invalid", "bound 'around'"),
    ],
)
def test_row_status(row, status, reason):
    [ann] = read(row + "\n")
    assert ann.status == status
    if reason is None:
        assert ann.problem is None
        assert TEXT[ann.char_start : ann.char_end] == ann.quote
    else:
        assert reason in ann.problem
        assert ann.problem.startswith("annotations/art.csv:2:")


def test_occurrence_picks_the_right_span_and_sentence():
    first, second = read(
        "17.41亿元,1,ulanqab,funding,funds,,,,\n17.41亿元,2,ulanqab,trade,exports,,,,\n"
    )
    assert first.char_start == TEXT.index("17.41亿元")
    assert second.char_start == TEXT.index("17.41亿元", first.char_end)
    assert second.sentence == "另有17.41亿元农畜产品进京,占比84.44%。"
    assert second.line == 3


def test_duplicates_are_reported_not_dropped():
    rows = read("84.44%,,ordos,trade,share,,,,\n84.44%,1,ordos,trade,share,,,,\n")
    assert [r.status for r in rows] == ["ok", "duplicate"]
    assert "duplicate of line 2" in rows[1].problem


def test_missing_required_column_fails_the_file_with_its_name():
    with pytest.raises(AnnotationFileError) as error:
        read("17.41亿元,ulanqab,trade\n", header="quote,city,category\n")
    assert "annotations/art.csv:1" in str(error.value)
    assert "metric" in str(error.value)


def test_find_occurrence_counts_overlapping_matches():
    assert find_occurrence("79亿元 3.79亿元", "79亿元", 2) == 7
    assert find_occurrence("abc", "x", 1) is None


@pytest.mark.parametrize(
    ("text", "span", "sentence"),
    [
        ("甲。乙有5家;丙。", (4, 6), "乙有5家;"),
        ("无标点5家", (3, 5), "无标点5家"),
    ],
)
def test_sentence_around(text, span, sentence):
    assert sentence_around(text, *span) == sentence
