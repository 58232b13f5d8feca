-- What a person should look at: annotation and extractor disagreeing, figures nobody
-- checked, and figures whose place rests on weak evidence (places.py: the article's
-- majority city, a dateline, or nothing).
with figures as (
    select
        *,
        source = 'extracted'
        and place_evidence in ('article_majority', 'dateline', 'source', 'none') as place_unclear,
        annotated_value is not null
        and abs(value - annotated_value) > 1e-6 * greatest(abs(value), 1) as value_differs,
        source = 'both'
        and (extracted_place_code is distinct from place_code) as place_differs,
        -- (place_code is the extractor's own where the annotation names only the city)
        source = 'both'
        and extracted_period_start is not null
        and (
            (extracted_period_start is distinct from period_start)
            or (extracted_period_end is distinct from period_end)
        ) as period_differs
    from {{ ref('fct_figures') }}
    where {{ in_batch() }}
)

select
    figure_id,
    article_id,
    surface,
    sentence,
    source,
    category,
    extracted_category,
    metric,
    extracted_metric,
    value,
    annotated_value,
    place_code,
    extracted_place_code,
    place_evidence,
    period_start,
    period_end,
    extracted_period_start,
    extracted_period_end,
    case
        when place_unclear then 'place unclear'
        when source = 'extracted' then 'not annotated'
        when source = 'annotation' then 'annotated but not extracted'
        when value_differs then 'value disagrees'
        when category != extracted_category then 'category disagrees'
        when (metric is distinct from extracted_metric) and extracted_metric is not null
            then 'metric disagrees'
        when place_differs then 'place disagrees'
        when period_differs then 'period disagrees'
    end as review_reason
from figures
where
    source != 'both'
    or value_differs
    or category != extracted_category
    or ((metric is distinct from extracted_metric) and extracted_metric is not null)
    or place_differs
    or period_differs
