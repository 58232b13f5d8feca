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
    place_code,
    place_evidence,
    period_text,
    period_start,
    period_end,
    period_kind,
    sentence,
    block_kind
from {{ source('ledger_raw', 'extracted_figures') }}
