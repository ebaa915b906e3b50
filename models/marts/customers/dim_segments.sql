{# grain: one row per customer segment, plus 'all' for the whole base #}
{#- The segment dimension: the segments of the raw contract (cs_segments(), in its order) and
    'all', the value every month x segment mart gives its whole-base rows. BI tools and the
    semantic layer group and filter by it (segment__name in MetricFlow). -#}
with

segments as (
    {% for segment in cs_segments() + ['all'] -%}
    select
        '{{ segment }}' as segment,
        {{ loop.index }} as sort_order
    {% if not loop.last %}union all
    {% endif -%}
    {% endfor %}
),

final as (
    select
        cast(segment as string) as segment,
        segment = 'all' as is_whole_base,
        cast(sort_order as integer) as sort_order
    from segments
)

select * from final
