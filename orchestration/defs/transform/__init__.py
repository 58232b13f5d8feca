"""Transform: the dbt project as Dagster assets (staging → intermediate → marts)."""
