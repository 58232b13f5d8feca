"""The ledger's Dagster definitions, by stage: ``ingest`` (raw files → parsed articles,
extracted figures, annotations, reference tables), ``transform`` (the dbt project),
``quality`` (checks, figure relations), ``automation`` (job, sensor, schedule), and the
resources they share. ``orchestration/definitions.py`` lists them."""
