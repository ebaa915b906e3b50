{#- Exactly one row per month of the spine (int_months_spine) and, by_segment, per segment of
    cs_segments() and 'all'. Returns every month (x segment) missing, repeated or not in the grid. -#}
{% test cs_month_grid(model, by_segment=true) %}
{%- set segments = cs_segments() + ['all'] if by_segment else [] -%}
with

months as (select month from {{ ref('int_months_spine') }}),

{% if by_segment -%}
segments as (
    {% for segment in segments -%}
    select '{{ segment }}' as segment
    {% if not loop.last %}union all
    {% endif -%}
    {% endfor %}
),

expected as (
    select
        months.month,
        segments.segment
    from months
    cross join segments
),

found as (
    select
        month,
        segment,
        count(*) as rows_found
    from {{ model }}
    group by month, segment
),
{%- else -%}
expected as (
    select
        month,
        'all' as segment
    from months
),

found as (
    select
        month,
        'all' as segment,
        count(*) as rows_found
    from {{ model }}
    group by month
),
{%- endif %}

compared as (
    select
        coalesce(expected.month, found.month) as month,
        coalesce(expected.segment, found.segment) as segment,
        coalesce(found.rows_found, 0) as rows_found,
        expected.month is not null as is_expected
    from expected
    full outer join found
        on
            expected.month = found.month
            and expected.segment = found.segment
)

select * from compared
where not is_expected or rows_found <> 1
{% endtest %}
