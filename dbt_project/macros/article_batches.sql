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
    {%- if not is_incremental() -%}
        true
    {%- else -%}
        (not exists (select 1 from {{ batch_relation() }})
         or {{ column }} in (select article_id from {{ batch_relation() }}))
    {%- endif -%}
{%- endmacro %}

{% macro delete_batch() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_batch('article_id') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
