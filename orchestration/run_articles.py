"""Materialize some articles (their partitions) in process, from the shell.

    python -m orchestration.run_articles ARTICLE_ID [ARTICLE_ID ...]

A manual backfill without the UI: the articles' rows are replaced everywhere, the other
articles are not touched. Uses the instance under DAGSTER_HOME, so the runs show in the UI.
Exits 1 when a blocking check fails or a step errors, 3 when the warehouse stayed held
past ``LEDGER_LOCK_TIMEOUT``.
"""

import sys

from orchestration import dbt_server
from orchestration.settings import Settings


def materialize_articles(settings: Settings, article_ids: list[str], instance):
    """One run over ``article_ids`` (added as partitions when new)."""
    from orchestration.definitions import build_definitions
    from orchestration.partitions import ARTICLES, RANGE_END, RANGE_START, all_article_ids
    from orchestration.run_all import execute

    known = all_article_ids(instance)
    instance.add_dynamic_partitions(ARTICLES.name, [a for a in article_ids if a not in known])
    job = build_definitions(settings).resolve_job_def("ledger_job")
    if len(article_ids) == 1:
        tags = {"dagster/partition": article_ids[0]}
        partition_key = article_ids[0]
    else:
        order = all_article_ids(instance)
        position = {a: i for i, a in enumerate(order)}
        chosen = sorted(article_ids, key=position.get)
        if chosen != order[position[chosen[0]] : position[chosen[-1]] + 1]:
            raise SystemExit("articles must be consecutive partitions; run them one by one")
        tags, partition_key = {RANGE_START: chosen[0], RANGE_END: chosen[-1]}, None
    return execute(
        job,
        settings,
        instance=instance,
        partition_key=partition_key,
        tags=tags if partition_key is None else None,
    )


def main(argv: list[str]) -> int:
    from orchestration.run_all import prepare, summarize

    if not argv:
        print(__doc__)
        return 2
    settings = Settings.from_env()
    with dbt_server.running():  # dbt imports on the other core meanwhile
        result = materialize_articles(settings, argv, prepare(settings))
    text, ok = summarize(settings, result)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    from orchestration.run_all import exit_now, guarded

    exit_now(guarded(main, sys.argv[1:]))
