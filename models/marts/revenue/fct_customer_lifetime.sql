{# grain: one row per clean customer #}
{#- Public customer lifetime (docs/metrics.md, Value and cost), published from
    int_customer_lifetimes_aggregated. -#}
with

lifetimes as (select * from {{ ref('int_customer_lifetimes_aggregated') }}),

final as (
    select
        customer_id,
        segment,
        first_active_month,
        last_active_month,
        active_months,
        current_mrr,
        total_paid_usd,
        realised_value
    from lifetimes
)

select * from final
