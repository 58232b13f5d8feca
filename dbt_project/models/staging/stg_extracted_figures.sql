-- Figures found by the extractor alone.
select
    article_id,
    surface,
    char_start,
    char_end,
    value,
    unit,
    bound,
    modality,
    category,
    metric,
    city_code,
    sentence,
    block_kind
from {{ source('ledger_raw', 'extracted_figures') }}
