{#-
  Incremental builds by article. Before each dbt build Dagster writes the run's articles
  into `raw.dbt_batch` (orchestration/assets/dbt.py): the articles of a partition run, or no
  rows for a run over every article, which also passes --full-refresh. Incremental models
  delete the batch's rows in a pre-hook and append the batch again, so re-running an
  article replaces its rows, even when it now has none. An empty batch on an incremental
  build (a plain `dbt build` by hand) means every article.

  A table rather than `--vars`: dbt keys its partial parsing on the vars, so a vars value
  per run made every partition run re-parse the whole project (≈ 3 s per dbt step).
-#}

{% macro batch_relation() -%}
    raw.dbt_batch
{%- endmacro %}

{% macro create_batch_relation() -%}
    create schema if not exists raw;
    create table if not exists {{ batch_relation() }} (article_id varchar)
{%- endmacro %}

{% macro in_batch(column='article_id') -%}
    {#- The batch is read when the model runs and written into the SQL as a list of
        literals: a filter DuckDB and Postgres push down into the views below, so an
        incremental build reads the batch's rows only, however large the warehouse. -#}
    {%- if not is_incremental() or not execute -%}
        true
    {%- else -%}
        {%- set ids = run_query('select distinct article_id from ' ~ batch_relation() ~ ' order by 1').columns[0].values() -%}
        {%- if ids | length == 0 -%}
            true
        {%- else -%}
            {{ column }} in (
            {%- for id in ids -%}
                '{{ id | replace("'", "''") }}'{{ ", " if not loop.last }}
            {%- endfor -%})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro delete_batch() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_batch('article_id') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
