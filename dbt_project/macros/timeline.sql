-- noqa: disable=LT02
{#-
  (noqa above: sqlfluff measures the indent of the rendered delete against the jinja
  around it.)
  mart_figure_timeline, incremental: see the model. Its rows list their articles in
  `article_ids` ("a, b, c"); a run for some articles finds the rows that list one of them.
-#}

{% macro timeline_key() -%}
    {#- the columns of a quantity (the model's select lists name them too) -#}
    {%- do return(['place_code', 'metric', 'period_start', 'period_end', 'unit', 'modality']) -%}
{%- endmacro %}

{% macro same_quantity(left, right) -%}
    {#- `left` and `right` are about the same quantity: equal on every timeline_key() column -#}
    {%- set equal = [] -%}
    {%- for column in timeline_key() -%}
        {%- do equal.append(left ~ '.' ~ column ~ ' = ' ~ right ~ '.' ~ column) -%}
    {%- endfor -%}
    {{ equal | join(' and ') }}
{%- endmacro %}

{% macro timeline_batch() -%}
    {#- The run's articles, when the timeline follows them one quantity at a time: up to
        200. More (a bulk copy) or none (a build by hand): recomputed whole, as a full run
        does, which is cheaper than finding that many articles in every row. -#}
    {%- set ids = batch_ids() if is_incremental() else [] -%}
    {%- do return(ids if ids | length <= 200 else []) -%}
{%- endmacro %}

{% macro lists_batch_article(column) -%}
    {#- Whether the comma-separated list in `column` names one of the run's articles. -#}
    {%- set tests = [] -%}
    {%- for id in timeline_batch() -%}
        {%- do tests.append(
            "strpos(', ' || " ~ column ~ " || ', ', ', " ~ (id | replace("'", "''")) ~ ", ') > 0"
        ) -%}
    {%- endfor -%}
    ({{ tests | join(' or ') if tests else 'true' }})
{%- endmacro %}

{% macro forget_timeline_for_a_whole_rebuild() -%}
    {#- pre-hook: an incremental build that recomputes the timeline whole starts empty -#}
    {%- if is_incremental() and not timeline_batch() -%}
        delete from {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro forget_timeline_rows_without_figures() -%}
    {#- post-hook: a quantity the run's articles were listed under, and none of them is any
        more, got no new row from delete+insert unless another article has a figure there
        (then its row was replaced): a row that still lists one of them is stale when none
        of the run's figures is under its quantity. -#}
    {%- set ids = timeline_batch() -%}
    {%- if is_incremental() and ids -%}
        {%- set figures_left = 'select 1 from ' ~ ref('fct_figures') ~ ' as figure where '
            ~ article_id_filter('figure.article_id', ids) ~ ' and '
            ~ same_quantity('figure', 'row_before') -%}
        {%- set listed = lists_batch_article('row_before.article_ids') -%}
        delete from {{ this }} as row_before where {{ listed }} and not exists ({{ figures_left }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
