"""The contract's code sets, defined once: ``orchestration/seeds/contract_codes.csv``.

One row per code (``code_set,code,meaning``). Everything that names a code set reads this
file: the extractor (``orchestration.text.codes``), the Great Expectations suites (a
``{"$contract": "<code_set>"}`` placeholder, resolved by ``orchestration.quality.gx_suites``),
dbt (the file is the dbt seed ``contract_codes``, ``seed-paths`` in
``dbt_project/dbt_project.yml``; the generic test ``in_contract`` checks a column against it)
and the docs (``docs/contract.md``, compared with the file by ``tests/test_contract_codes.py``).

The file is package data of ``orchestration`` (pyproject ``[tool.setuptools.package-data]``),
so an installed package finds it as the repository does. Pure Python: no dagster, no duckdb.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from types import MappingProxyType

CODES_PATH = Path(__file__).resolve().parent / "seeds" / "contract_codes.csv"
COLUMNS = ("code_set", "code", "meaning")

# the code sets, as the rows of the file name them
CATEGORY = "category"
UNIT = "unit"
BOUND = "bound"
MODALITY = "modality"
MEASURE = "measure"
PUBLISHED_MART = "published_mart"  # built by the dbt step after the blocking checks
CONTRACT_TABLE = "contract_table"  # the tables with an enforced dbt contract


@cache
def code_sets() -> MappingProxyType:
    """``{code_set: {code: meaning}}`` in the file's order. Raises ``ValueError`` on a
    malformed file (wrong header, an empty field, a code twice in its set)."""
    sets: dict[str, dict[str, str]] = {}
    with CODES_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{CODES_PATH}: header must be {','.join(COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            code_set, code, meaning = (row.get(c) for c in COLUMNS)
            if not code_set or not code or not meaning or None in row:
                raise ValueError(f"{CODES_PATH}:{line}: needs exactly code_set, code, meaning")
            codes = sets.setdefault(code_set, {})
            if code in codes:
                raise ValueError(f"{CODES_PATH}:{line}: {code_set} '{code}' is listed twice")
            codes[code] = meaning
    return MappingProxyType({name: MappingProxyType(codes) for name, codes in sets.items()})


def codes(code_set: str) -> tuple[str, ...]:
    """The codes of ``code_set`` in the file's order; ``KeyError`` for an unknown set."""
    sets = code_sets()
    if code_set not in sets:
        raise KeyError(f"no code set '{code_set}' in {CODES_PATH} (sets: {', '.join(sets)})")
    return tuple(sets[code_set])


def meaning(code_set: str, code: str) -> str:
    return code_sets()[code_set][code]


CATEGORIES = codes(CATEGORY)
UNITS = codes(UNIT)
BOUNDS = codes(BOUND)
MODALITIES = codes(MODALITY)
MEASURES = codes(MEASURE)
PUBLISHED_MARTS = codes(PUBLISHED_MART)
CONTRACT_TABLES = codes(CONTRACT_TABLE)
