{#- Every row satisfies the SQL expression (rows where it is false or null fail). -#}
{% test cs_expression_is_true(model, expression, where_clause=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{%- if where_clause %}
    and ({{ where_clause }})
{%- endif %}
{% endtest %}
