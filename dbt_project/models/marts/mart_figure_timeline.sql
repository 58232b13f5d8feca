-- One row per (place, metric, period, unit, modality): the figures the ledger holds for that
-- quantity and period, the articles that reported them, and whether two articles report
-- different exact values for it (has_conflict). It compares across articles, so a run for
-- some articles recomputes, from every article's figures, the quantities its articles
-- touch: those they were listed under (the rows before this run) and those their figures
-- have now (macros/timeline.sql); delete+insert replaces those rows, and a post-hook drops
-- the ones no figure is left for. A full run, and a run for more than 200 articles, rebuild
-- it whole.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=timeline_key(),
    pre_hook=["{{ forget_timeline_for_a_whole_rebuild() }}"],
    post_hook=["{{ forget_timeline_rows_without_figures() }}"],
    meta={'by_article': false},
) }}
with ledger_figures as (
    select *
    from {{ ref('fct_figures') }}
    where
        place_code is not null
        and metric is not null
        and period_start is not null
        and period_end is not null
),

{% if is_incremental() and timeline_batch() %}
    touched as (
        select
            place_code,
            metric,
            period_start,
            period_end,
            unit,
            modality
        from {{ this }}
        where {{ lists_batch_article('article_ids') }}
        union
        select
            place_code,
            metric,
            period_start,
            period_end,
            unit,
            modality
        from ledger_figures
        where {{ in_batch() }}
    ),

    figures as (
        select ledger_figures.*
        from ledger_figures
        inner join touched on {{ same_quantity('ledger_figures', 'touched') }}
    ),
{% else %}
    figures as (
        select * from ledger_figures
    ),
{% endif %}

exact as (
    select
        place_code,
        metric,
        period_start,
        period_end,
        unit,
        modality,
        count(distinct article_id) as exact_articles,
        count(distinct value) as exact_values
    from figures
    where bound = 'exact'
    group by place_code, metric, period_start, period_end, unit, modality
)

select
    figures.place_code,
    min(figures.place_name) as place_name,
    min(figures.city_code) as city_code,
    figures.metric,
    figures.period_start,
    figures.period_end,
    min(figures.period_kind) as period_kind,
    figures.unit,
    figures.modality,
    count(*) as figure_count,
    count(distinct figures.article_id) as article_count,
    min(figures.value) as min_value,
    max(figures.value) as max_value,
    string_agg(distinct figures.article_id, ', ' order by figures.article_id) as article_ids,
    string_agg(distinct figures.surface, ' | ' order by figures.surface) as surfaces,
    coalesce(exact.exact_articles > 1 and exact.exact_values > 1, false) as has_conflict
from figures
left join exact on {{ same_quantity('figures', 'exact') }}
group by
    figures.place_code,
    figures.metric,
    figures.period_start,
    figures.period_end,
    figures.unit,
    figures.modality,
    exact.exact_articles,
    exact.exact_values
