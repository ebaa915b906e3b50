{#- The column holds a customer segment of cs_segments() (with_all: or 'all', the whole base);
    nulls pass. Returns each other value with its row count. -#}
{% test cs_segment_values(model, column_name, with_all=false) %}
{%- set segments = cs_segments() + (['all'] if with_all else []) -%}
select
    {{ column_name }} as unexpected_value,
    count(*) as rows_found
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        {%- for segment in segments %}'{{ segment }}'{% if not loop.last %}, {% endif %}{% endfor -%}
    )
group by {{ column_name }}
{% endtest %}
