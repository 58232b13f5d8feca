-- The ledger: one row per figure mention (contract table).
select
    md5(
        reconciled.article_id || '|' || cast(reconciled.char_start as varchar) || '|'
        || cast(reconciled.char_end as varchar)
    ) as figure_id,
    reconciled.article_id,
    reconciled.city_code,
    cities.city_name,
    reconciled.place_code,
    places.place_name,
    places.place_level,
    reconciled.place_evidence,
    reconciled.period_text,
    reconciled.period_start,
    reconciled.period_end,
    reconciled.period_kind,
    reconciled.category,
    reconciled.metric,
    metrics.metric_code,
    reconciled.measure,
    case
        when reconciled.base_start is not null
            then md5(
                reconciled.article_id || '|' || cast(reconciled.base_start as varchar) || '|'
                || cast(reconciled.base_end as varchar)
            )
    end as of_figure_id,
    reconciled.value,
    reconciled.unit,
    reconciled.bound,
    reconciled.modality,
    reconciled.surface,
    reconciled.char_start,
    reconciled.char_end,
    reconciled.sentence,
    reconciled.source,
    reconciled.block_kind,
    reconciled.extracted_category,
    reconciled.extracted_metric,
    reconciled.extracted_place_code,
    reconciled.extracted_period_start,
    reconciled.extracted_period_end,
    reconciled.annotated_value,
    reconciled.annotation_file,
    reconciled.annotation_line
from {{ ref('int_figures_reconciled') }} as reconciled
left join {{ ref('stg_cities') }} as cities on reconciled.city_code = cities.city_code
left join {{ ref('stg_places') }} as places on reconciled.place_code = places.place_code
left join {{ ref('stg_metrics') }} as metrics on reconciled.metric = metrics.metric
where {{ in_batch('reconciled.article_id') }}
