"""A run's articles: every article in the raw folder (a full run), or the ids a run tag names.

Runs are not partitioned. A full run (``make run``, the daily schedule, a launch from the UI
without tags) replaces whole tables; a run with the tag ``ledger/articles`` (a JSON list of
article ids: ``run_articles``, the sensor, a launch with that tag; a long list is
compressed, and more ids than a tag can hold go to several runs) replaces exactly those
articles' rows. Why not one Dagster partition per article: each partition of each asset
writes its own "planned" and "materialized" events, about 16 per article in a run, so a
10,000-article run wrote 160,000 events and needed a custom event-log storage to stay
fast; a tagged run writes one event per asset whatever its size (benchmarks/README.md).
The price: the UI shows a run's articles in its tags, not a partition grid.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable

ARTICLES_TAG = "ledger/articles"
# Postgres stores run tags in a btree index, whose rows hold at most ≈ 2.7 KB: a longer tag
# cannot be stored, and the run is not created (found at 1,000 articles in one run)
MAX_TAG_BYTES = 2000
COMPRESSED = "zlib:"  # a list too long as JSON: zlib-compressed JSON, base64


def _encoded(ids: list[str]) -> str:
    listed = json.dumps(ids, ensure_ascii=False)
    if len(listed.encode()) <= MAX_TAG_BYTES:
        return listed
    return COMPRESSED + base64.b64encode(zlib.compress(listed.encode(), 9)).decode("ascii")


def scope_batches(article_ids: Iterable[str]) -> list[list[str]]:
    """``article_ids`` (order kept, duplicates dropped) cut into as few runs as their tag
    allows: one, unless the list does not fit :data:`MAX_TAG_BYTES` even compressed."""
    ids = list(dict.fromkeys(article_ids))
    if len(ids) <= 1 or len(_encoded(ids)) <= MAX_TAG_BYTES:
        return [ids]
    half = len(ids) // 2
    return scope_batches(ids[:half]) + scope_batches(ids[half:])


def scope_tags(article_ids: Iterable[str]) -> dict[str, str]:
    """The run tags that limit a run to ``article_ids`` (order kept, duplicates dropped): a
    JSON list, compressed when long. More ids than one tag holds: :func:`scope_batches`."""
    ids = list(dict.fromkeys(article_ids))
    value = _encoded(ids)
    if len(value) > MAX_TAG_BYTES and len(ids) > 1:
        raise ValueError(
            f"{len(ids)} article ids do not fit one run tag ({MAX_TAG_BYTES} bytes):"
            " split them with scope_batches"
        )
    return {ARTICLES_TAG: value}


def tagged_article_ids(tags: dict[str, str]) -> list[str] | None:
    """The article ids of a run's tags; None for a full run. A malformed tag is an error
    that names the tag, never a silent full run."""
    raw = tags.get(ARTICLES_TAG)
    if raw is None:
        return None
    try:
        if raw.startswith(COMPRESSED):
            raw = zlib.decompress(base64.b64decode(raw[len(COMPRESSED) :])).decode()
        ids = json.loads(raw)
    except (ValueError, zlib.error) as error:  # JSONDecodeError, binascii.Error are ValueErrors
        raise ValueError(f"run tag {ARTICLES_TAG} is not a JSON list of ids: {error}") from None
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
        raise ValueError(f"run tag {ARTICLES_TAG} must be a JSON list of article ids")
    return ids


def run_article_ids(context) -> list[str] | None:
    """The article ids the run of ``context`` works on; None when it covers every article
    (a full run), so callers work on whole tables."""
    try:
        tags = context.run.tags
    except Exception:  # noqa: BLE001 - invoked outside a run (direct invocation in tests)
        return None
    return tagged_article_ids(tags)
