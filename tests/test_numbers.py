"""The number reader: what is not a pair of input and expected reading.

The read_number / read_quantity cases are spec files: ``tests/specs/numbers.yaml`` (run by
``tests/test_specs.py``; a new case needs no Python). The words are data:
``orchestration/text/rules/numbers.yaml``.
"""

from __future__ import annotations

import pytest
import yaml

from orchestration.text.codes import UNITS
from orchestration.text.numbers import (
    _PRE_BOUND,
    FIGURE_RE,
    RULES_PATH,
    UNIT_FACTORS,
    normalize,
    read_quantity,
)


@pytest.mark.parametrize(
    ("text", "expected"), [("１２．５％", "12.5%"), ("２，４８０吨", "2,480吨")]
)
def test_normalize_keeps_length(text: str, expected: str) -> None:
    assert normalize(text) == expected
    assert len(normalize(text)) == len(text)


def test_rules_file_defines_each_bound_word_once_with_a_known_bound() -> None:
    rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    keys = [(w["word"], w["position"]) for w in rules["bound_words"]]
    assert len(keys) == len(set(keys))
    assert {w["bound"] for w in rules["bound_words"]} <= {"at_least", "at_most", "approx"}
    assert {w["position"] for w in rules["bound_words"]} == {"before", "middle", "after"}


def test_every_unit_is_a_contract_unit() -> None:
    assert {unit for unit, _ in UNIT_FACTORS.values()} <= set(UNITS)


def test_every_bound_word_before_a_figure_is_read() -> None:
    for word, bound in _PRE_BOUND.items():
        q = read_quantity(f"{word}5亿元")
        assert q is not None and q.bound == bound, word
        assert FIGURE_RE.search(f"{word}5亿元").group("pre") == word


@pytest.mark.parametrize(
    ("quote", "value"),
    [
        ("18.6亿元", 1860000000),
        ("0.07亿元", 7000000),
        ("1.15万亿元", 1150000000000),
        ("2.1倍", 210),
        ("3—5万元", 30000),
    ],
)
def test_values_are_exact_in_the_base_unit(quote: str, value: float) -> None:
    """A value in the unit's base carries no binary noise from its multiplication
    (18.6 × 10⁸ is 1860000000, not 1860000000.0000002): checks compare it exactly."""
    assert read_quantity(quote).value == value
