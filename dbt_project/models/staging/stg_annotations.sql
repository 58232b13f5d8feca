-- Every annotation row as read; `status` says whether it can be used.
select
    article_id,
    source_file,
    line as annotation_line,
    quote,
    occurrence,
    city_code,
    place_code,
    period_start as annotated_period_start,
    period_end as annotated_period_end,
    measure as annotated_measure,
    category,
    metric,
    value as annotated_value,
    unit as annotated_unit,
    bound as annotated_bound,
    note,
    char_start,
    char_end,
    sentence,
    status,
    problem,
    parsed_value,
    parsed_unit,
    parsed_bound,
    -- the contract has no modality column for annotations; the team writes it in the note
    case
        when lower(note) like '%forecast%' then 'forecast'
        when lower(note) like '%target%' then 'target'
        else 'actual'
    end as annotated_modality
from {{ source('ledger_raw', 'annotations') }}
