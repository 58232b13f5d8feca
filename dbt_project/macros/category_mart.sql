{#- The analyst-facing mart of one category: its figures with article and city attributes.
    `batch_filter` is the model's `in_batch('figures.article_id')`: called in the model, where
    sqlfluff's templater can stub it (a macro it loads cannot call another macro file's). -#}
{% macro category_mart(category, batch_filter) %}
-- depends_on: {{ ref('annotation_reconciliation') }}
-- (the marts wait for the blocking check on published figures)
select
    figures.figure_id,
    figures.article_id,
    articles.headline as article_headline,
    articles.source_file as article_file,
    figures.city_code,
    figures.city_name,
    cities.city_kind,
    figures.place_code,
    figures.place_name,
    figures.place_level,
    figures.period_text,
    figures.period_start,
    figures.period_end,
    figures.period_kind,
    articles.published_on as article_published_on,
    figures.metric,
    figures.metric_code,
    figures.measure,
    figures.of_figure_id,
    figures.value,
    figures.unit,
    figures.bound,
    figures.modality,
    figures.surface,
    figures.sentence,
    figures.char_start,
    figures.char_end,
    figures.source
from {{ ref('fct_figures') }} as figures
inner join {{ ref('stg_articles') }} as articles on figures.article_id = articles.article_id
left join {{ ref('dim_city') }} as cities on figures.city_code = cities.city_code
where figures.category = '{{ category }}' and {{ batch_filter }}
{% endmacro %}
