"""The extractor's full output on every test article, compared with a recorded copy.

Speed work and rule moves must not change a single figure: this test parses and extracts
every article under ``raw/articles`` and ``tests/data/**/articles`` (with the sidecar's
publication date where there is one) and compares every field of every figure with
``tests/data/golden/figures.jsonl``. A deliberate change of behaviour re-records the file:

    LEDGER_RECORD_GOLDEN=1 .venv/bin/python -m pytest tests/test_extraction_golden.py

and the diff of the recording is reviewed like code.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import date
from pathlib import Path

from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import decode_article, parse_article
from orchestration.text.sidecar import read_sidecar

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden" / "figures.jsonl"


def _articles() -> list[Path]:
    paths = sorted((ROOT / "raw" / "articles").glob("*.txt"))
    paths += sorted((ROOT / "tests" / "data").glob("**/articles/*.txt"))
    return paths


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):  # hints (fields not compared) are not output
        return {
            f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare
        }
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _published_on(path: Path) -> date | None:
    meta = path.with_name(path.stem + ".meta.json")
    if not meta.exists():
        return None
    return read_sidecar(meta.read_bytes()).published_on


def current_output() -> list[dict]:
    rows = []
    for path in _articles():
        text, _ = decode_article(path.read_bytes(), str(path))
        parsed = parse_article(path.stem, text)
        for figure in extract_figures(parsed, _published_on(path)):
            row = {"file": str(path.relative_to(ROOT))}
            row.update(_plain(figure))
            rows.append(row)
    return rows


def test_extractor_output_is_unchanged():
    rows = current_output()
    assert rows, "no test articles found"
    lines = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows]
    if os.environ.get("LEDGER_RECORD_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
    recorded = GOLDEN.read_text(encoding="utf-8").splitlines()
    changed = [
        f"line {n}: expected {old}\n          got      {new}"
        for n, (old, new) in enumerate(zip(recorded, lines, strict=False), 1)
        if old != new
    ]
    assert not changed and len(recorded) == len(lines), (
        f"{len(recorded)} recorded figures, {len(lines)} now; first differences:\n"
        + "\n".join(changed[:5])
    )
