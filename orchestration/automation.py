"""Jobs, the sensor on the raw folder and the daily schedule.

* ``ledger_job``: every asset and check; run for one article (a partition), a range, or all.
* ``raw_files_sensor``: content hashes of ``raw/articles`` and ``raw/annotations``; a new
  or changed file adds its article's partition and requests a run for that article only
  (more than ten at once: one run over them all, to spare a run's overhead per article);
  a removed file requests a run too, which deletes the article's rows everywhere and
  records the removal in ``quarantine`` (severity warning). The partition stays, so the
  article's history stays visible in the UI.
* ``daily_refresh``: re-materializes every article in one run and runs all checks, which
  rewrites the full data-quality report.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.inventory import scan_raw_dir
from orchestration.partitions import (
    ARTICLES,
    RANGE_END,
    RANGE_START,
    all_article_ids,
    full_range_tags,
)
from orchestration.resources import LedgerPaths

BATCH_ABOVE = 10  # more changed articles in one tick than this: one run for all of them

ledger_job = dg.define_asset_job(
    "ledger_job",
    selection=dg.AssetSelection.all(),
    partitions_def=ARTICLES,
    description="Every asset and check of the ledger, for the selected articles. Use it for "
    "backfills: select article partitions in the UI and launch.",
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
    known_order = all_article_ids(context.instance)
    known = set(known_order)
    new_partitions = [a for a in inventory if a not in known]
    changed = {a: e.fingerprint for a, e in inventory.items() if seen.get(a) != e.fingerprint}
    if len(changed) > BATCH_ABOVE:
        # many at once (a first tick, a bulk copy): one run over the range that holds them,
        # not one run each; unchanged articles inside the range are re-run, idempotently
        order = [*known_order, *new_partitions]
        position = {a: i for i, a in enumerate(order)}  # one pass: a first tick has thousands
        first, last = min(changed, key=position.get), max(changed, key=position.get)
        batch_key = hashlib.sha256(json.dumps(changed, sort_keys=True).encode()).hexdigest()[:16]
        requests = [
            dg.RunRequest(run_key=f"batch:{batch_key}", tags={RANGE_START: first, RANGE_END: last})
        ]
    else:
        requests = [
            dg.RunRequest(partition_key=a, run_key=f"{a}:{fingerprint}")
            for a, fingerprint in changed.items()
        ]
    removed = [a for a in seen if a not in inventory and a in known]
    for article_id in removed:
        context.log.warning(f"{article_id}: its files were removed; a run deletes its rows")
        requests.append(dg.RunRequest(partition_key=article_id, run_key=f"{article_id}:removed"))
    cursor = {a: e.fingerprint for a, e in inventory.items()}
    if not requests:
        return dg.SkipReason(f"no change in {len(inventory)} article(s) under {ledger.raw_dir}")
    context.log.info(
        f"{len(new_partitions)} new, {len(changed) - len(new_partitions)} changed, "
        f"{len(removed)} removed article(s); {len(requests)} run(s) requested"
    )
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(cursor, sort_keys=True),
        dynamic_partitions_requests=[ARTICLES.build_add_request(new_partitions)]
        if new_partitions
        else [],
    )


@dg.schedule(
    job=ledger_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every morning: all articles in one run, every check, the full report.",
)
def daily_refresh(context: dg.ScheduleEvaluationContext):
    tags = full_range_tags(context.instance)
    if not tags:
        return dg.SkipReason("no article partitions yet; the sensor adds them")
    return dg.RunRequest(tags=tags)
