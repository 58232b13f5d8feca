{#- A column holds only codes of one of the contract's code sets (the seed contract_codes,
    orchestration/seeds/contract_codes.csv); nulls pass (not_null says otherwise). -#}
{% test in_contract(model, column_name, code_set) %}
select
    {{ column_name }} as value,
    count(*) as occurrences
from {{ model }}
where
    {{ column_name }} is not null
    and {{ column_name }} not in (
        select codes.code from {{ ref('contract_codes') }} as codes
        where codes.code_set = '{{ code_set }}'
    )
group by {{ column_name }}
{% endtest %}
