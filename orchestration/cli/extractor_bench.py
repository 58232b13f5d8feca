"""Extractor throughput on one core: ``python -m orchestration.cli.extractor_bench``.

Two sets, each read once (no article is processed twice, so a cache inside the text layer
cannot flatter the figure): every test article (``raw/articles``, ``tests/data/**/articles``:
real layouts, figure-dense) and a synthetic corpus of ``--corpus`` articles
(``benchmarks.corpus``, seed 0). For each it prints MB/s for the extractor alone
(``extract_figures`` on parsed articles), for parsing + extraction, and for one compiled
regex pass over the same text, the reference the issue's target is a ratio of. One process,
one thread; it prints and never asserts.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import decode_article, parse_article

ROOT = Path(__file__).resolve().parents[2]  # the repository
REFERENCE = re.compile(r"\d+(?:\.\d+)?[万亿]?元")


def load_texts(paths: list[Path]) -> list[tuple[str, str]]:
    texts = []
    for path in paths:
        text, _ = decode_article(path.read_bytes(), str(path))
        texts.append((path.stem, text))
    return texts


def test_articles() -> list[Path]:
    return sorted((ROOT / "raw" / "articles").glob("*.txt")) + sorted(
        (ROOT / "tests" / "data").glob("**/articles/*.txt")
    )


def measure(label: str, texts: list[tuple[str, str]]) -> None:
    mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6
    joined = "\n".join(t for _, t in texts)
    start = time.process_time()
    for _ in range(5):
        REFERENCE.findall(joined)
    regex_seconds = (time.process_time() - start) / 5

    start = time.process_time()
    parsed = [parse_article(aid, text) for aid, text in texts]
    parse_seconds = time.process_time() - start
    start = time.process_time()
    figures = sum(len(extract_figures(article)) for article in parsed)
    extract_seconds = time.process_time() - start
    full = parse_seconds + extract_seconds
    print(f"{label}: {len(texts)} articles, {mb:.2f} MB of UTF-8 text, {figures} figures")
    print(f"  one regex pass     {mb / regex_seconds:8.1f} MB/s")
    print(f"  extractor alone    {mb / extract_seconds:8.2f} MB/s")
    print(
        f"  parse + extract    {mb / full:8.2f} MB/s  "
        f"({full / regex_seconds:.0f}x the time of one regex pass)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=300, help="synthetic articles (0: none)")
    args = parser.parse_args(argv)
    texts = load_texts(test_articles())
    extract_figures(parse_article("warm-up", texts[0][1]))  # rules loaded, automata built
    measure("test articles", texts)
    if args.corpus:
        from benchmarks.corpus import generate_corpus  # the repository's, run from its root

        with tempfile.TemporaryDirectory() as folder:
            generate_corpus(args.corpus, Path(folder), seed=0)
            paths = sorted((Path(folder) / "articles").glob("*.txt"))
            measure("benchmark corpus (seed 0)", load_texts(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
