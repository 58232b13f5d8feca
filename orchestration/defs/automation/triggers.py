"""Jobs, the sensor on the raw folder and the daily schedule.

* ``ledger_job``: every asset and check; for all articles, or for the articles named by the
  run tag ``ledger/articles`` (``defs/scope.py``; add the tag in the UI's launchpad).
* ``raw_files_sensor``: content hashes of ``raw/articles`` and ``raw/annotations``; a new
  or changed file requests a run for that article only (more than ten at once: one run
  over them all, to spare a run's overhead per article); a removed file requests a run
  too, which deletes the article's rows everywhere and records the removal in
  ``quarantine`` (severity warning, reason ``removed: …``; a full run notices removals
  too, ``raw_articles``). Its runs claim a slot of the ``warehouse`` pool per step before
  the step takes the warehouse lock file: the one lock order of
  ``orchestration/warehouse/locking.py``.
* ``daily_refresh``: re-materializes every article in one run and runs all checks, which
  rewrites the full data-quality report.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.defs.ingest.inventory import scan_raw_dir
from orchestration.defs.resources import LedgerPaths
from orchestration.defs.scope import scope_batches, scope_tags

BATCH_ABOVE = 10  # more changed articles in one tick than this: one run for all of them

ledger_job = dg.define_asset_job(
    "ledger_job",
    selection=dg.AssetSelection.all(),
    description="Every asset and check of the ledger: every article, or those the run tag "
    "ledger/articles lists (a JSON list of article ids; add it in the launchpad).",
)


@dg.sensor(
    job=ledger_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="New, changed or removed files in the raw folder → a run for that article.",
)
def raw_files_sensor(context: dg.SensorEvaluationContext, ledger: LedgerPaths):
    inventory = scan_raw_dir(Path(ledger.raw_dir))
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    changed = {a: e.fingerprint for a, e in inventory.items() if seen.get(a) != e.fingerprint}
    new = [a for a in changed if a not in seen]
    removed = [a for a in seen if a not in inventory]
    for article_id in removed:
        context.log.warning(f"{article_id}: its files were removed; a run deletes its rows")
    if len(changed) > BATCH_ABOVE:
        # many at once (a first tick, a bulk copy): one run over them all, not one run each
        batch_key = hashlib.sha256(json.dumps(changed, sort_keys=True).encode()).hexdigest()[:16]
        requests = [
            dg.RunRequest(run_key=f"batch:{batch_key}:{part}", tags=scope_tags(ids))
            for part, ids in enumerate(scope_batches(changed))
        ]
    else:
        requests = [
            dg.RunRequest(run_key=f"{a}:{fingerprint}", tags=scope_tags([a]))
            for a, fingerprint in changed.items()
        ]
    requests += [
        dg.RunRequest(run_key=f"{a}:removed:{seen[a]}", tags=scope_tags([a])) for a in removed
    ]
    if not requests:
        return dg.SkipReason(f"no change in {len(inventory)} article(s) under {ledger.raw_dir}")
    context.log.info(
        f"{len(new)} new, {len(changed) - len(new)} changed, {len(removed)} removed "
        f"article(s); {len(requests)} run(s) requested"
    )
    return dg.SensorResult(
        run_requests=requests, cursor=json.dumps({a: e.fingerprint for a, e in inventory.items()})
    )


@dg.schedule(
    job=ledger_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every morning: all articles in one run, every check, the full report.",
)
def daily_refresh(context: dg.ScheduleEvaluationContext):
    return dg.RunRequest()
