{# grain: one row per month per segment, including segment = 'all' #}
{#- The early-warning view of account health: active accounts and their MRR per traffic-light
    band, the average health score, and how many accounts changed band (or worsened: green to
    yellow or red, yellow to red) since the previous month, and each of the six band transitions
    (accounts_<previous band>_to_<band>). An account counts as changed only when it was active (and
    so scored) in both months. Dense over the month x segment grid. -#}
{%- set bands = ['green', 'yellow', 'red'] -%}
{%- set transitions = [] -%}
{%- for previous_band in bands -%}
    {%- for band in bands if band != previous_band -%}
        {%- do transitions.append((previous_band, band)) -%}
    {%- endfor -%}
{%- endfor -%}
with

month_segments as (select * from {{ ref('int_month_segments') }}),
scored as (select * from {{ ref('int_customer_months_health_scored') }}),

ranked as (
    select
        month,
        segment,
        mrr,
        health_score,
        health_band,
        previous_health_band,
        case
            when previous_health_band is null then null
            else previous_health_band <> health_band
        end as is_band_changed,
        case
            when previous_health_band is null then null
            else
                (case health_band when 'green' then 3 when 'yellow' then 2 else 1 end)
                < (case previous_health_band when 'green' then 3 when 'yellow' then 2 else 1 end)
        end as is_band_worsened
    from scored
),

ranked_by_segment as (
    select
        month,
        segment,
        mrr,
        health_score,
        health_band,
        previous_health_band,
        is_band_changed,
        is_band_worsened
    from ranked
    union all
    select
        month,
        'all' as segment,
        mrr,
        health_score,
        health_band,
        previous_health_band,
        is_band_changed,
        is_band_worsened
    from ranked
),

aggregated as (
    select
        month,
        segment,
        count(*) as accounts,
        sum(case when health_band = 'green' then 1 else 0 end) as accounts_green,
        sum(case when health_band = 'yellow' then 1 else 0 end) as accounts_yellow,
        sum(case when health_band = 'red' then 1 else 0 end) as accounts_red,
        sum(mrr) as mrr,
        sum(case when health_band = 'green' then mrr else 0 end) as mrr_green,
        sum(case when health_band = 'yellow' then mrr else 0 end) as mrr_yellow,
        sum(case when health_band = 'red' then mrr else 0 end) as mrr_red,
        {{ cs_exact_avg("health_score", 100) }} as avg_health_score,
        sum(case when is_band_changed then 1 else 0 end) as accounts_changed_band,
        sum(case when is_band_worsened then 1 else 0 end) as accounts_worsened,
        {%- for previous_band, band in transitions %}
        sum(
            case when previous_health_band = '{{ previous_band }}' and health_band = '{{ band }}' then 1 else 0 end
        ) as accounts_{{ previous_band }}_to_{{ band }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from ranked_by_segment
    group by month, segment
),

final as (
    select
        month_segments.month,
        month_segments.segment,
        cast(coalesce(aggregated.accounts, 0) as bigint) as accounts,
        cast(coalesce(aggregated.accounts_green, 0) as bigint) as accounts_green,
        cast(coalesce(aggregated.accounts_yellow, 0) as bigint) as accounts_yellow,
        cast(coalesce(aggregated.accounts_red, 0) as bigint) as accounts_red,
        cast(coalesce(aggregated.mrr, 0) as decimal(18, 2)) as mrr,
        cast(coalesce(aggregated.mrr_green, 0) as decimal(18, 2)) as mrr_green,
        cast(coalesce(aggregated.mrr_yellow, 0) as decimal(18, 2)) as mrr_yellow,
        cast(coalesce(aggregated.mrr_red, 0) as decimal(18, 2)) as mrr_red,
        aggregated.avg_health_score,
        cast(coalesce(aggregated.accounts_changed_band, 0) as bigint) as accounts_changed_band,
        cast(coalesce(aggregated.accounts_worsened, 0) as bigint) as accounts_worsened,
        {%- for previous_band, band in transitions %}
        cast(coalesce(aggregated.accounts_{{ previous_band }}_to_{{ band }}, 0) as bigint)
            as accounts_{{ previous_band }}_to_{{ band }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from month_segments
    left join aggregated
        on month_segments.month = aggregated.month
            and month_segments.segment = aggregated.segment
)

select * from final
