{#- The combination of columns is unique (no package: the dbt hub is unreachable). -#}
{% test cs_unique_combination(model, combination) %}
select
    {{ combination | join(', ') }},
    count(*) as rows_with_combination
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
