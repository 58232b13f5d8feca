"""Materialize some articles in process, from the shell (a run tagged with their ids).

    python -m orchestration.cli.run_articles ARTICLE_ID [ARTICLE_ID ...]

A manual backfill without the UI: the articles' rows are replaced everywhere, the other
articles are not touched. Uses the instance under DAGSTER_HOME, so the runs show in the UI.
Its locks come in the one order of ``orchestration/warehouse/locking.py`` (``execute``): a
slot of the ``warehouse`` pool for the whole run, then the warehouse lock file.
Exits 1 when a blocking check fails or a step errors, 3 when the warehouse stayed held
past ``LEDGER_LOCK_TIMEOUT``.
"""

import sys

from orchestration.runtime import dbt_server
from orchestration.settings import Settings


def materialize_articles(settings: Settings, article_ids: list[str], instance):
    """A run over ``article_ids``: their rows are replaced, no other article's. More ids
    than one run's tag holds (``scope.scope_batches``) run as several runs, one after the
    other, stopping at the first that fails; returns the last run's result."""
    from orchestration.cli.run_all import defined_checks, execute
    from orchestration.definitions import build_definitions
    from orchestration.defs.scope import scope_batches, scope_tags

    defs = build_definitions(settings)
    job, checks = defs.resolve_job_def("ledger_job"), defined_checks(defs)
    batches = scope_batches(article_ids)
    if len(batches) > 1:
        print(f"{len(article_ids)} articles in {len(batches)} runs (a run tag's size)", flush=True)
    for ids in batches:
        result = execute(
            job,
            settings,
            defined_checks=checks,
            instance=instance,
            tags=scope_tags(ids),
        )
        if not result.success:
            break
    return result


def main(argv: list[str]) -> int:
    from orchestration.cli.run_all import prepare, summarize

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
    from orchestration.cli.run_all import exit_now, guarded

    exit_now(guarded(main, sys.argv[1:]))
