-- What a person should look at: annotation and extractor disagreeing, or figures nobody checked.
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
    case
        when source = 'extracted' then 'not annotated'
        when source = 'annotation' then 'annotated but not extracted'
        when annotated_value is not null and abs(value - annotated_value) > 1e-6 * greatest(abs(value), 1)
            then 'value disagrees'
        when category != extracted_category then 'category disagrees'
        when metric is distinct from extracted_metric and extracted_metric is not null
            then 'metric disagrees'
    end as review_reason
from {{ ref('fct_figures') }}
where
    {{ in_batch() }}
    and (source != 'both'
    or (annotated_value is not null and abs(value - annotated_value) > 1e-6 * greatest(abs(value), 1))
    or category != extracted_category
    or (metric is distinct from extracted_metric and extracted_metric is not null))
