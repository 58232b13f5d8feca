{#-
  Incremental builds by article. Dagster passes the run's articles as
  `--vars '{"article_ids": [...]}'` for a partition run, and nothing (with --full-refresh)
  for a run over every article. Incremental models delete the batch's rows in a pre-hook and
  append the batch again, so re-running an article replaces its rows, even when it now has
  none.
-#}

{% macro in_batch(column='article_id') -%}
    {%- set ids = var('article_ids', none) -%}
    {%- if ids is none or not is_incremental() -%}
        true
    {%- elif ids | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in (
        {%- for id in ids -%}
            '{{ id | replace("'", "''") }}'{{ ", " if not loop.last }}
        {%- endfor -%})
    {%- endif -%}
{%- endmacro %}

{% macro delete_batch() -%}
    {%- if is_incremental() and var('article_ids', none) is not none -%}
        delete from {{ this }} where {{ in_batch('article_id') }}
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
