{#-
  The row count and column types of the table or view a node just built, as one line of
  dbt's log. Dagster reads it from dbt's event stream (orchestration/defs/transform/
  dbt_assets.py) and shows it on the materialization (`dagster/row_count`,
  `dagster/column_schema`) while dbt goes on with the next node, instead of querying the
  warehouse once dbt has finished. A post-hook of every model and seed (dbt_project.yml):
  one query, in SQL that DuckDB and Postgres both read.
-#}

{% macro relation_facts_prefix() -%}
    ledger-relation-facts
{%- endmacro %}

{% macro log_relation_facts() -%}
    {%- if execute -%}
        {%- set query -%}
            select
                (select count(*) from {{ this }}) as row_count,
                (
                    select string_agg(lower(column_name) || ' ' || lower(data_type), ',' order by ordinal_position)
                    from information_schema.columns
                    where table_schema = '{{ this.schema }}' and table_name = '{{ this.identifier }}'
                ) as columns
        {%- endset -%}
        {%- set row = run_query(query).rows[0] -%}
        {%- set columns = [] -%}
        {%- for column in (row[1] or '').split(',') if column -%}
            {%- do columns.append(column.split(' ', 1)) -%}
        {%- endfor -%}
        {%- set facts = {'unique_id': model.unique_id, 'row_count': row[0] | int, 'columns': columns} -%}
        {%- do log(relation_facts_prefix() ~ ' ' ~ tojson(facts), info=True) -%}
    {%- endif -%}
{%- endmacro %}
