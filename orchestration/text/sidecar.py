"""The optional sidecar of an article, ``<article_id>.meta.json``: ``published_on``
(``YYYY-MM-DD``), ``source`` and ``url``, all optional (pure). One reader for the pipeline and
``make eval``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

KEYS = ("published_on", "source", "url")


@dataclass(frozen=True)
class ArticleMeta:
    published_on: date | None = None
    source: str | None = None
    url: str | None = None


def read_sidecar(data: bytes) -> ArticleMeta:
    """The sidecar's fields; ValueError (UnicodeDecodeError included) naming what is wrong."""
    meta = json.loads(data.decode("utf-8-sig"))
    if not isinstance(meta, dict):
        raise ValueError("not a JSON object")
    unknown = sorted(set(meta) - set(KEYS))
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)}")
    published = meta.get("published_on")
    published_on = None
    if published not in (None, ""):
        if not isinstance(published, str):
            raise ValueError(f"published_on {published!r} is not a YYYY-MM-DD string")
        try:
            published_on = date.fromisoformat(published)
        except ValueError:
            raise ValueError(f"published_on '{published}' is not a YYYY-MM-DD date") from None
    for key in ("source", "url"):
        if meta.get(key) not in (None, "") and not isinstance(meta[key], str):
            raise ValueError(f"{key} {meta[key]!r} is not a string")
    return ArticleMeta(published_on, meta.get("source") or None, meta.get("url") or None)
