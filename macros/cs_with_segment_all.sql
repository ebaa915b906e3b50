{#- The rows of a CTE twice: once under their own segment and once under segment 'all', as
    column report_segment, so one group by report_segment gives every segment and the whole base
    (every month x segment mart has 'all' rows). -#}
{% macro cs_with_segment_all(relation) -%}
    select
        {{ relation }}.*,
        {{ relation }}.segment as report_segment
    from {{ relation }}
    union all
    select
        {{ relation }}.*,
        'all' as report_segment
    from {{ relation }}
{%- endmacro %}
