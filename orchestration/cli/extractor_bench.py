"""Extractor throughput on one core: ``python -m orchestration.cli.extractor_bench``.

Repeats the annotated articles (``raw/articles`` and ``tests/data/articles``) until at
least 5 MB of UTF-8 text has been processed, and prints MB/s for the extractor alone
(``extract_figures`` on already parsed articles) and for parsing + extraction. It prints
and never asserts; one process, one thread.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import decode_article, parse_article

ROOT = Path(__file__).resolve().parents[2]  # the repository
ARTICLE_DIRS = (ROOT / "raw" / "articles", ROOT / "tests" / "data" / "articles")
TARGET_BYTES = 5 * 1024 * 1024


def load_texts() -> list[tuple[str, str]]:
    texts = []
    for directory in ARTICLE_DIRS:
        for path in sorted(directory.glob("*.txt")):
            text, _ = decode_article(path.read_bytes(), str(path))
            texts.append((path.stem, text))
    return texts


def main() -> int:
    texts = load_texts()
    if not texts:
        print("no articles found")
        return 0
    sizes = [len(t.encode("utf-8")) for _, t in texts]
    rounds = -(-TARGET_BYTES // sum(sizes))
    parsed = [parse_article(aid, text) for aid, text in texts]
    total_bytes = sum(sizes) * rounds

    figures = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for article in parsed:
            figures += len(extract_figures(article))
    extract_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(rounds):
        for aid, text in texts:
            extract_figures(parse_article(aid, text))
    full_seconds = time.perf_counter() - start

    mb = total_bytes / 1e6
    print(
        f"articles: {len(texts)} x {rounds} rounds = {mb:.2f} MB of UTF-8 text, {figures} figures"
    )
    print(f"extractor alone:      {extract_seconds:.2f} s  {mb / extract_seconds:.2f} MB/s")
    print(f"parse + extract:      {full_seconds:.2f} s  {mb / full_seconds:.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
