{#-
  Incremental builds by article. Before each dbt build Dagster writes the run's articles
  into `raw.dbt_batch` (orchestration/defs/transform/dbt_assets.py): the articles of a run for some articles, or no
  rows for a run over every article, which also passes --full-refresh. Incremental models
  delete the batch's rows in a pre-hook and append the batch again, so re-running an
  article replaces its rows, even when it now has none. An empty batch on an incremental
  build (a plain `dbt build` by hand) means every article.

  A table rather than `--vars`: dbt keys its partial parsing on the vars, so a vars value
  per run made every run for some articles re-parse the whole project (≈ 3 s per dbt step).
-#}

{% macro batch_relation() -%}
    raw.dbt_batch
{%- endmacro %}

{% macro create_batch_relation() -%}
    create schema if not exists raw;
    create table if not exists {{ batch_relation() }} (article_id varchar)
{%- endmacro %}

{% macro batch_ids() -%}
    {#- The run's articles, when a node runs (at parse time: none). Dagster also passes a
        batch of modest size in LEDGER_DBT_BATCH (JSON), which saves a query per model and
        test (≈ 15 ms each, 1–2 s a build); the table serves larger batches and builds by
        hand. The variable is read only when executing, so partial parsing ignores it. -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set listed = env_var('LEDGER_DBT_BATCH', '') -%}
    {%- if listed -%}
        {{ return(fromjson(listed)) }}
    {%- endif -%}
    {%- set query = 'select distinct article_id from ' ~ batch_relation() ~ ' order by 1' -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{% macro article_id_filter(column, ids) -%}
    {{ column }} in (
    {%- for id in ids -%}
        '{{ id | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%})
{%- endmacro %}

{% macro in_batch(column='article_id') -%}
    {#- The batch is written into the SQL as a list of literals: a filter DuckDB and
        Postgres push down into the views below, so an incremental build reads the
        batch's rows only, however large the warehouse. -#}
    {%- set ids = batch_ids() if is_incremental() else [] -%}
    {%- if ids | length == 0 -%}
        true
    {%- else -%}
        {{ article_id_filter(column, ids) }}
    {%- endif -%}
{%- endmacro %}

{% macro delete_batch() -%}
    {#- A model with `meta: {by_article: false}` (mart_figure_timeline) has no article_id
        column and replaces its rows by its own rule. -#}
    {%- if is_incremental() and (config.get('meta') or {}).get('by_article', true) -%}
        delete from {{ this }} where {{ in_batch('article_id') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#-
  dbt's tests on a model with an `article_id` column check the run's articles only in a
  run for some articles (the daily run over every article checks everything, with --full-refresh),
  as the GX checks do. Without this, a one-article run into a warehouse of 10,000 articles
  re-tested every row of the views (≈ 2.5 s). Overrides dbt's own `get_where_subquery`,
  which every generic test wraps its model in; a test's own `where` config still applies.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append(where) -%}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if execute and not flags.FULL_REFRESH and tested and 'article_id' in tested.columns -%}
        {%- set ids = batch_ids() -%}
        {%- if ids | length > 0 -%}
            {%- do conditions.append(article_id_filter('article_id', ids)) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
