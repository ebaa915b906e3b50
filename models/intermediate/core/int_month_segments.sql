{# grain: one row per month per segment, including segment = 'all' #}
{#- The dense month x segment grid every month x segment mart starts from, so an empty month or
    segment is a row of zeros, never a missing row. -#}
with

months as (select * from {{ ref('int_months_spine') }}),

segments as (
    {% for segment in cs_segments() + ['all'] -%}
    select '{{ segment }}' as segment
    {% if not loop.last %}union all
    {% endif -%}
    {% endfor %}
),

final as (
    select months.*, segments.segment
    from months
    cross join segments
)

select * from final
