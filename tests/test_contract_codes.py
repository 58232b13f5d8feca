"""The contract's code sets are defined once (orchestration/seeds/contract_codes.csv) and
every reader agrees with that file: the Python names, the dbt tests and seed, the GX
suites and the docs (docs/contract.md, docs/metrics.md)."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from orchestration import contract
from orchestration.text import codes

ROOT = Path(__file__).resolve().parent.parent
DBT = ROOT / "dbt_project"
EXPECTATIONS = ROOT / "expectations"
CODE_SETS = ("category", "unit", "bound", "modality", "measure")


def csv_rows() -> list[dict[str, str]]:
    with contract.CODES_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def markdown_tables(text: str) -> dict[str, list[tuple[str, str]]]:
    """``### `set` `` headings and the two-column table under each: {set: [(code, meaning)]}."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.splitlines():
        heading = re.fullmatch(r"###\s+`([^`]+)`\s*", line)
        if heading:
            current = tables.setdefault(heading[1], [])
            continue
        if current is None or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("code", "---") or len(cells) != 2:
            continue
        current.append((cells[0].strip("`"), cells[1]))
    return tables


def suites() -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(EXPECTATIONS.glob("*.json"))
    }


def value_sets(node):
    """(column, value_set) of every expectation in a suite, as written in the file."""
    if isinstance(node, dict):
        if "value_set" in node:
            yield node.get("column"), node["value_set"]
        for value in node.values():
            yield from value_sets(value)
    elif isinstance(node, list):
        for value in node:
            yield from value_sets(value)


def dbt_tests():
    """(file, model, column, test name, its arguments) of every data test in the ymls."""
    for path in sorted((DBT / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models", []):
            owners = [(None, model)] + [(c["name"], c) for c in model.get("columns", [])]
            for column, owner in owners:
                for test in owner.get("data_tests", []):
                    name, body = (test, {}) if isinstance(test, str) else next(iter(test.items()))
                    yield path.name, model["name"], column, name, (body or {}).get("arguments", {})


def test_the_file_is_well_formed_and_holds_every_code_set():
    rows = csv_rows()
    assert list(rows[0]) == list(contract.COLUMNS)
    assert all(r["code_set"] and r["code"] and r["meaning"] for r in rows)
    pairs = [(r["code_set"], r["code"]) for r in rows]
    assert len(pairs) == len(set(pairs))
    assert set(CODE_SETS) | {"published_mart", "contract_table"} == set(contract.code_sets())


def test_the_python_names_are_the_files_codes():
    by_set = {}
    for row in csv_rows():
        by_set.setdefault(row["code_set"], []).append(row["code"])
    assert codes.CATEGORIES == contract.CATEGORIES == tuple(by_set["category"])
    assert codes.UNITS == contract.UNITS == tuple(by_set["unit"])
    assert codes.BOUNDS == contract.BOUNDS == tuple(by_set["bound"])
    assert codes.MODALITIES == contract.MODALITIES == tuple(by_set["modality"])
    assert codes.MEASURES == contract.MEASURES == tuple(by_set["measure"])
    with pytest.raises(KeyError, match="no code set"):
        contract.codes("colour")


def test_a_published_mart_per_category_and_every_one_has_a_contract():
    expected = {f"mart_{c}" for c in contract.CATEGORIES if c != "other"}
    assert set(contract.PUBLISHED_MARTS) == expected
    assert set(contract.PUBLISHED_MARTS) <= set(contract.CONTRACT_TABLES)
    for name in contract.CONTRACT_TABLES:
        assert list((DBT / "models").rglob(f"{name}.sql")), f"no dbt model {name}"


def test_docs_contract_tables_are_the_file():
    tables = markdown_tables((ROOT / "docs" / "contract.md").read_text(encoding="utf-8"))
    expected = {name: list(items.items()) for name, items in contract.code_sets().items()}
    assert tables == expected


def test_docs_metrics_name_the_contracts_measures_and_units():
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    section = text.split("## Measures", 1)[1].split("\n## ", 1)[0]
    measures = re.findall(r"^\| `([a-z_]+)` \|", section, re.M)
    assert tuple(measures) == contract.MEASURES
    [units] = re.findall(r"\| `units` \|.*?: `([^`]+)` \|", text)
    assert tuple(units.split()) == contract.UNITS


def test_suites_take_the_contracts_code_sets_from_the_contract():
    from orchestration.quality.gx_suites import load_suite_json

    full_sets = {frozenset(contract.codes(s)): s for s in CODE_SETS}
    for name, suite in suites().items():
        for column, values in value_sets(suite):
            if isinstance(values, dict):  # a placeholder: a known code set
                assert set(values) == {"$contract"}, (name, column, values)
                contract.codes(values["$contract"])
                continue
            # a literal list that spells out a whole code set should name it instead
            assert frozenset(values) not in full_sets, (name, column, full_sets[frozenset(values)])
            if column == "unit":  # the units of one category: a subset of the contract's
                assert set(values) <= set(contract.UNITS), (name, set(values) - set(contract.UNITS))
        resolved = load_suite_json(name)
        assert all(isinstance(values, list) for _, values in value_sets(resolved)), name
    fct = load_suite_json("fct_figures")
    units = [
        e["kwargs"]["value_set"] for e in fct["expectations"] if e["kwargs"].get("column") == "unit"
    ]
    assert units == [list(contract.UNITS)]


def test_an_unknown_code_set_in_a_suite_raises():
    from orchestration.quality.gx_suites import resolve_contract

    assert resolve_contract({"kwargs": {"value_set": {"$contract": "bound"}}}) == {
        "kwargs": {"value_set": list(contract.BOUNDS)}
    }
    with pytest.raises(KeyError):
        resolve_contract({"value_set": {"$contract": "colour"}})


def test_dbt_tests_use_the_contract_not_lists():
    full_sets = {frozenset(contract.codes(s)): s for s in CODE_SETS}
    named = set()
    for file, model, column, name, arguments in dbt_tests():
        if name == "accepted_values":
            values = frozenset(arguments["values"])
            assert values not in full_sets, f"{file}: {model}.{column} should be in_contract"
        if name == "in_contract":
            assert arguments["code_set"] in contract.code_sets(), (file, model, column)
            named.add((model, column, arguments["code_set"]))
    for column in CODE_SETS:
        assert ("fct_figures", column, column) in named


def test_dbt_reads_the_file_as_a_seed_and_the_package_ships_it():
    project = yaml.safe_load((DBT / "dbt_project.yml").read_text(encoding="utf-8"))
    folders = [(DBT / p).resolve() for p in project["seed-paths"]]
    assert contract.CODES_PATH.parent in folders
    assert [p.name for p in contract.CODES_PATH.parent.glob("*.csv")] == ["contract_codes.csv"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["orchestration"]
    relative = contract.CODES_PATH.relative_to(ROOT / "orchestration")
    assert any(relative.match(p) for p in patterns), patterns
