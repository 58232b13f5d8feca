{#- Offsets must describe a non-empty span. -#}
{% test valid_span(model, start_column, end_column) %}
select *
from {{ model }}
where {{ start_column }} is not null
  and ({{ start_column }} < 0 or {{ end_column }} <= {{ start_column }})
{% endtest %}
