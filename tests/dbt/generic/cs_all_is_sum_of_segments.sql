{#- In a month x segment model, the 'all' row of each month equals the sum of the segment rows for
    every column listed (additive measures: sums and counts; each customer has one segment).
    Returns the months where one differs. `dimension` names the column holding 'all' (segment by
    default; e.g. health_band). -#}
{% test cs_all_is_sum_of_segments(model, columns, dimension='segment') %}
with

compared as (
    select
        month,
        {% for column in columns -%}
        sum(case when {{ dimension }} = 'all' then {{ column }} else 0 end) as all_{{ column }},
        sum(case when {{ dimension }} <> 'all' then {{ column }} else 0 end) as segments_{{ column }}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ model }}
    group by month
)

select * from compared
where
    {% for column in columns -%}
    all_{{ column }} <> segments_{{ column }}
    {%- if not loop.last %}
    or {% endif %}
    {%- endfor %}
{% endtest %}
