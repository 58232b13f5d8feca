"""Per-article partitions: one dynamic partition per article id (see ``inventory``)."""

import dagster as dg

ARTICLES = dg.DynamicPartitionsDefinition(name="articles")
RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def all_article_ids(instance: dg.DagsterInstance) -> list[str]:
    return list(instance.get_dynamic_partitions(ARTICLES.name))


def run_article_ids(context) -> list[str] | None:
    """The article ids a run works on, from its partition tags; None when it covers all
    articles (a full run), so callers may work on whole tables."""
    try:
        tags = context.run.tags
    except Exception:  # noqa: BLE001 - invoked outside a run (direct invocation in tests)
        return None
    known = all_article_ids(context.instance)
    if "dagster/partition" in tags:
        keys = [tags["dagster/partition"]]
    elif RANGE_START in tags and RANGE_END in tags:
        start, end = known.index(tags[RANGE_START]), known.index(tags[RANGE_END])
        keys = known[start : end + 1]
    else:
        return None
    return None if set(keys) >= set(known) else keys


def full_range_tags(instance: dg.DagsterInstance) -> dict[str, str]:
    """Run tags that select every article partition in one run."""
    keys = all_article_ids(instance)
    return {RANGE_START: keys[0], RANGE_END: keys[-1]} if keys else {}
