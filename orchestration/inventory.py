"""What is in the raw folder: one entry per article id, with the files and their hashes.

Every file the ledger could read gets an article id (its stem), so every input lands in a
partition and is either used or quarantined: an article ``<id>.txt``, its annotations
``<id>.csv``, a file with another extension in ``articles/``, or annotations whose article
is missing. Content hashes (not modification times) tell the sensor what changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE_SUFFIX = ".txt"
ANNOTATION_SUFFIX = ".csv"


@dataclass
class ArticleInputs:
    article_id: str
    files: dict[str, str] = field(default_factory=dict)  # path relative to raw dir → sha256

    @property
    def fingerprint(self) -> str:
        """One hash of all the article's files: changes when any of them changes."""
        joined = "\n".join(f"{path}:{digest}" for path, digest in sorted(self.files.items()))
        return hashlib.sha256(joined.encode()).hexdigest()[:16]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scan_raw_dir(raw_dir: Path) -> dict[str, ArticleInputs]:
    """Article id → its input files. Hidden files are ignored."""
    inputs: dict[str, ArticleInputs] = {}
    for folder in ("articles", "annotations"):
        directory = raw_dir / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            entry = inputs.setdefault(path.stem, ArticleInputs(path.stem))
            try:
                entry.files[f"{folder}/{path.name}"] = _digest(path)
            except OSError as error:  # unreadable: still an input, its run will report it
                entry.files[f"{folder}/{path.name}"] = f"unreadable:{error.errno}"
    return dict(sorted(inputs.items()))


def article_file(raw_dir: Path, article_id: str) -> Path:
    return raw_dir / "articles" / f"{article_id}{ARTICLE_SUFFIX}"


def annotation_file(raw_dir: Path, article_id: str) -> Path:
    return raw_dir / "annotations" / f"{article_id}{ANNOTATION_SUFFIX}"


def other_files(raw_dir: Path, article_id: str) -> list[Path]:
    """Files in ``articles/`` with this stem that are not ``<id>.txt``."""
    directory = raw_dir / "articles"
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.glob(f"{article_id}.*")
        if p.is_file() and p.stem == article_id and p.suffix != ARTICLE_SUFFIX
    )
