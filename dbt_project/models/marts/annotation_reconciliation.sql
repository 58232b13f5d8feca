-- One row per annotation row: was it usable, is its figure in the ledger, and does the
-- person's reading agree with the parser's? The blocking check on published figures
-- validates this table, so the marts are only built when every annotation reconciles.
with annotations as (
    select * from {{ ref('stg_annotations') }}
    where {{ in_batch() }}
),

ledger as (
    select * from {{ ref('fct_figures') }}
    where annotation_file is not null and {{ in_batch() }}
)

select
    annotations.article_id,
    annotations.source_file,
    annotations.annotation_line,
    annotations.quote,
    annotations.occurrence,
    annotations.status,
    annotations.problem,
    annotations.city_code as annotated_city_code,
    annotations.category as annotated_category,
    annotations.annotated_value,
    annotations.annotated_unit,
    annotations.annotated_bound,
    ledger.figure_id,
    ledger.source as ledger_source,
    ledger.surface as ledger_surface,
    ledger.value as ledger_value,
    ledger.unit as ledger_unit,
    ledger.bound as ledger_bound,
    ledger.city_code as ledger_city_code,
    ledger.figure_id is not null as in_ledger,
    -- an annotation without a reading of its own agrees by definition
    (
        annotations.annotated_value is null
        or abs(ledger.value - annotations.annotated_value)
        <= 1e-6 * greatest(abs(annotations.annotated_value), 1)
    ) as value_agrees,
    (annotations.annotated_unit is null or ledger.unit = annotations.annotated_unit)
        as unit_agrees,
    (annotations.annotated_bound is null or ledger.bound = annotations.annotated_bound)
        as bound_agrees
from annotations
left join ledger
    on
        annotations.source_file = ledger.annotation_file
        and annotations.annotation_line = ledger.annotation_line
