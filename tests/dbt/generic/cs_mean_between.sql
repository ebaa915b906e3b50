{#- The mean of the column (nulls ignored) is within [min_value, max_value] (either bound
    optional): a distribution check, usually with severity warn. Returns the mean when it is
    outside; an empty column passes. -#}
{% test cs_mean_between(model, column_name, min_value=none, max_value=none) %}
with

mean as (
    select avg(cast({{ column_name }} as double)) as mean_value
    from {{ model }}
)

select * from mean
where mean_value is not null
    and (
        false
        {%- if min_value is not none %} or mean_value < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or mean_value > {{ max_value }}{% endif %}
    )
{% endtest %}
