"""The spec files: every ``tests/specs/*.yaml``, each case one test; a new case needs no Python.

A spec file declares its ``kind`` and lists its ``cases``::

    kind: figures
    cases:
      - text: 单日签约额突破3.79亿元。
        figures:
          - {surface: 突破3.79亿元, value: 379000000, unit: CNY, bound: at_least}

The kind says how a case is checked (the file's header comment describes its fields):

* ``numbers``: read_number / read_quantity (``numbers.yaml``);
* ``figures``: a text → every figure the extractor reads, with any of its fields
  (``figures.yaml``);
* ``rejections``: a text → no figure, and the rejection rule that turned a look-alike down,
  or a near miss a rule must leave alone (``rejections.yaml``);
* ``places``, ``periods``, ``metrics``: checked by ``check_spec_case`` of
  ``tests/test_places.py``, ``tests/test_periods.py`` and ``tests/test_metrics.py``, next to
  the other tests of those modules.
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestration.text.extraction import Figure, extract_figures
from orchestration.text.numbers import Quantity, read_number, read_quantity
from orchestration.text.parsing import parse_article
from orchestration.text.places import place_code_for
from orchestration.text.rejections import RULE_NAMES, rejections

SPEC_DIR = Path(__file__).resolve().parent / "specs"
# kind -> module whose ``check_spec_case(case)`` checks a case of that kind
DELEGATED = {
    "places": "tests.test_places",
    "periods": "tests.test_periods",
    "metrics": "tests.test_metrics",
}
KINDS = ("numbers", "figures", "rejections", *DELEGATED)
GRAMMAR = "grammar"  # rejected_by: the grammar reads nothing, no rule is needed


def load_spec(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """A spec file's kind and cases."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and {"kind", "cases"} <= set(data), (
        f"{path.name}: a spec file is a mapping with `kind` and `cases`"
    )
    assert data["kind"] in KINDS, f"{path.name}: unknown kind {data['kind']!r}"
    return data["kind"], data["cases"]


def spec_cases(name: str) -> list[dict[str, Any]]:
    """The cases of ``tests/specs/<name>``."""
    return load_spec(SPEC_DIR / name)[1]


def _all_cases() -> list[Any]:
    params = []
    for path in sorted(SPEC_DIR.glob("*.yaml")):
        kind, cases = load_spec(path)
        for i, case in enumerate(cases):
            label = (
                case.get("name") or case.get("text") or case.get("number") or case.get("quantity")
            )
            params.append(pytest.param(kind, case, id=f"{path.stem}:{i + 1}:{label}"))
    return params


@pytest.mark.parametrize(("kind", "case"), _all_cases())
def test_spec(kind: str, case: dict[str, Any]) -> None:
    if kind in DELEGATED:
        importlib.import_module(DELEGATED[kind]).check_spec_case(case)
    else:
        CHECKS[kind](case)


# ------------------------------------------------------------------ numbers


def _approx(value: Any) -> Any:
    return None if value is None else pytest.approx(float(value), rel=1e-6)


def check_number(case: dict[str, Any]) -> None:
    if "number" in case:
        assert read_number(str(case["number"])) == _approx(case["value"])
        return
    got = read_quantity(str(case["quantity"]))
    if case["value"] is None:
        assert got is None
        return
    assert got == Quantity(
        _approx(case["value"]), case["unit"], case["bound"], _approx(case.get("upper"))
    )


# ------------------------------------------------------------------ figures

# figure field in a spec -> how it is read from a Figure
_FIELDS = {
    "value": lambda f: f.value,
    "upper": lambda f: f.upper,
    "unit": lambda f: f.unit,
    "bound": lambda f: f.bound,
    "modality": lambda f: f.modality,
    "category": lambda f: f.category,
    "metric": lambda f: f.metric,
    "measure": lambda f: f.measure,
    "city": lambda f: f.city_code,
    "place": lambda f: f.place_code,
    "block_kind": lambda f: f.block_kind,
}
_PERIOD_FIELDS = ("text", "start", "end", "kind")


def _figures_of(case: dict[str, Any]) -> list[Figure]:
    published = case.get("published_on")
    if published is not None and not isinstance(published, date):
        published = date.fromisoformat(str(published))
    return extract_figures(parse_article(case.get("name") or "spec", case["text"]), published)


def _expected(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [f if isinstance(f, dict) else {"surface": f} for f in case.get("figures") or []]


def _check_figure(figure: Figure, expected: dict[str, Any]) -> None:
    unknown = set(expected) - {"surface", "period", *_FIELDS}
    assert not unknown, f"unknown figure field(s) {sorted(unknown)}"
    for field, get in _FIELDS.items():
        if field not in expected:
            continue
        want = expected[field]
        if field in ("value", "upper"):
            want = _approx(want)
        elif field == "place" and want is not None:
            code = place_code_for(want)
            assert code, f"unknown place {want}"
            want = code
        assert get(figure) == want, (figure.surface, field)
    if "period" in expected:
        period = figure.period
        for field in _PERIOD_FIELDS:
            if field in expected["period"]:
                want = expected["period"][field]
                got = getattr(period, field) if period else None
                if field in ("start", "end") and want is not None:
                    want = date.fromisoformat(str(want))
                assert got == want, (figure.surface, f"period {field}")


def check_figures(case: dict[str, Any]) -> None:
    figures = _figures_of(case)
    expected = _expected(case)
    assert [f.surface for f in figures] == [e["surface"] for e in expected]
    for figure, want in zip(figures, expected, strict=True):
        _check_figure(figure, want)


# ------------------------------------------------------------------ rejections


def _names(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def check_rejection(case: dict[str, Any]) -> None:
    rejected_by, not_rejected_by = (
        _names(case.get("rejected_by")),
        _names(case.get("not_rejected_by")),
    )
    assert rejected_by or not_rejected_by, "a case says rejected_by or not_rejected_by"
    for name in rejected_by + not_rejected_by:
        assert name in RULE_NAMES or name == GRAMMAR, f"no rule named {name}"
    check_figures(case)
    found = rejections(parse_article(case.get("name") or "spec", case["text"]).text)
    rules = {r.rule for r in found}
    for name in rejected_by:
        if name == GRAMMAR:
            assert not found, f"the grammar reads {[(r.surface, r.rule) for r in found]}"
        else:
            assert name in rules, f"{name} rejects nothing; rejected: {found}"
    if "candidate" in case:
        assert any(r.surface == case["candidate"] and r.rule in rejected_by for r in found), found
    for name in not_rejected_by:
        assert name not in rules, [r for r in found if r.rule == name]


CHECKS = {"numbers": check_number, "figures": check_figures, "rejections": check_rejection}


# ------------------------------------------------------------------ the files themselves


def test_every_spec_file_declares_a_known_kind() -> None:
    files = sorted(SPEC_DIR.glob("*.yaml"))
    assert files
    kinds = {load_spec(path)[0] for path in files}
    assert kinds == set(KINDS)


def test_every_rejection_rule_has_a_case_it_rejects() -> None:
    cases = [c for p in SPEC_DIR.glob("*.yaml") for c in load_spec(p)[1] if "rejected_by" in c]
    covered = {name for c in cases for name in _names(c["rejected_by"])}
    assert set(RULE_NAMES) <= covered, f"no rejected_by case for {set(RULE_NAMES) - covered}"
