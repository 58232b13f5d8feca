-- The ledger: one row per figure mention (contract table).
select
    md5(article_id || '|' || cast(char_start as varchar) || '|' || cast(char_end as varchar))
        as figure_id,
    reconciled.article_id,
    reconciled.city_code,
    cities.city_name,
    reconciled.category,
    reconciled.metric,
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
    reconciled.annotated_value,
    reconciled.annotation_file,
    reconciled.annotation_line
from {{ ref('int_figures_reconciled') }} as reconciled
left join {{ ref('stg_cities') }} as cities on cities.city_code = reconciled.city_code
where {{ in_batch('reconciled.article_id') }}
