-- noqa: disable=LT02
{#-
  (noqa above: sqlfluff measures the indent of the rendered delete against the jinja
  around it.)
  mart_figure_timeline, incremental: see the model. Its rows list their articles in
  `article_ids` ("a, b, c"); a run for some articles finds the rows that list one of them.
-#}

{% macro timeline_key() -%}
    {#- the columns of a quantity: the model names them too (unique_key, touched) -#}
    {%- do return(['place_code', 'metric', 'period_start', 'period_end', 'unit', 'modality']) -%}
{%- endmacro %}

{% macro lists_batch_article(column) -%}
    {#- Whether the comma-separated list in `column` names one of the run's articles. A
        batch of more than 200 articles (or none: a build by hand) matches every row, and
        the timeline is recomputed whole, as a full run does. -#}
    {%- set ids = batch_ids() if is_incremental() else [] -%}
    {%- if ids | length == 0 or ids | length > 200 -%}
        true
    {%- else -%}
        {%- set tests = [] -%}
        {%- for id in ids -%}
            {%- do tests.append(
                "strpos(', ' || " ~ column ~ " || ', ', ', " ~ (id | replace("'", "''")) ~ ", ') > 0"
            ) -%}
        {%- endfor -%}
        ({{ tests | join(' or ') }})
    {%- endif -%}
{%- endmacro %}

{% macro forget_timeline_rows_without_figures() -%}
    {#- A quantity the run's articles were the only ones reported under, and no longer are:
        delete+insert computed no row for it, so its old row goes here. -#}
    {%- if is_incremental() -%}
        {%- set same_quantity = [] -%}
        {%- for column in timeline_key() -%}
            {%- do same_quantity.append('figure.' ~ column ~ ' = row_before.' ~ column) -%}
        {%- endfor -%}
        {%- set figures_left = 'select 1 from ' ~ ref('fct_figures') ~ ' as figure where '
            ~ same_quantity | join(' and ') -%}
        {%- set listed = lists_batch_article('row_before.article_ids') -%}
        delete from {{ this }} as row_before where {{ listed }} and not exists ({{ figures_left }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
