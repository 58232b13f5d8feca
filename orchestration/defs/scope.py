"""A run's articles: every article in the raw folder (a full run), or the ids a run tag names.

Runs are not partitioned. A full run (``make run``, the daily schedule, a launch from the UI
without tags) replaces whole tables; a run with the tag ``ledger/articles`` (a JSON list of
article ids: ``run_articles``, the sensor, a launch with that tag) replaces exactly those
articles' rows. Why not one Dagster partition per article: each partition of each asset
writes its own "planned" and "materialized" events, about 16 per article in a run, so a
10,000-article run wrote 160,000 events and needed a custom event-log storage to stay
fast; a tagged run writes one event per asset whatever its size (benchmarks/README.md).
The price: the UI shows a run's articles in its tags, not a partition grid.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

ARTICLES_TAG = "ledger/articles"


def scope_tags(article_ids: Iterable[str]) -> dict[str, str]:
    """The run tags that limit a run to ``article_ids`` (order kept, duplicates dropped)."""
    return {ARTICLES_TAG: json.dumps(list(dict.fromkeys(article_ids)), ensure_ascii=False)}


def tagged_article_ids(tags: dict[str, str]) -> list[str] | None:
    """The article ids of a run's tags; None for a full run. A malformed tag is an error
    that names the tag, never a silent full run."""
    raw = tags.get(ARTICLES_TAG)
    if raw is None:
        return None
    try:
        ids = json.loads(raw)
    except json.JSONDecodeError as error:
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
