-- The metric vocabulary, with how many figures the ledger holds for each metric and how
-- many of them are levels, changes and shares.
{{ config(materialized='table') }}
with counts as (
    select
        metric,
        count(*) as figure_count,
        count(*) filter (where measure = 'level') as level_count,
        count(*) filter (where measure in ('change_pct', 'change_abs')) as change_count,
        count(*) filter (where measure = 'share') as share_count
    from {{ ref('fct_figures') }}
    where metric is not null
    group by metric
)

select
    metrics.metric,
    metrics.metric_code,
    metrics.metric_category,
    metrics.units,
    metrics.description_zh,
    coalesce(counts.figure_count, 0) as figure_count,
    coalesce(counts.level_count, 0) as level_count,
    coalesce(counts.change_count, 0) as change_count,
    coalesce(counts.share_count, 0) as share_count
from {{ ref('stg_metrics') }} as metrics
left join counts on metrics.metric = counts.metric
