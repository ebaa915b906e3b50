{# grain: one row per month x mart x measure where the 'all' row differs from the sum of the segments #}
{#- Every count of the month x segment experience marts: segment 'all' = smb + mid_market +
    enterprise (each customer has exactly one segment). -#}
{%- set checks = {
    'mart_nps': ['responses', 'promoters', 'passives', 'detractors'],
    'mart_customer_experience': ['csat_responses', 'ces_responses'],
    'mart_support_kpis': ['tickets_created', 'customers_end', 'tickets_resolved', 'fcr_tickets',
                          'interactions', 'handle_seconds', 'open_tickets_end', 'backlog_end'],
} %}
with

{% for mart_name, measures in checks.items() %}
{{ mart_name }}_compared as (
    {%- for measure in measures %}
    select
        '{{ mart_name }}' as mart_name,
        '{{ measure }}' as measure,
        month,
        sum(case when segment = 'all' then {{ measure }} else 0 end) as all_value,
        sum(case when segment <> 'all' then {{ measure }} else 0 end) as segments_value
    from {{ ref(mart_name) }}
    group by month
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

{% endfor %}
compared as (
    {%- for mart_name in checks %}
    select * from {{ mart_name }}_compared
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select *
    from compared
    where all_value <> segments_value
)

select * from final
