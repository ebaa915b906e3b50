{# grain: one row per clean customer signed up on or before as_of_date #}
{#- The customer dimension (docs/metrics.md, Customers): the account's attributes and current
    plan tier (int_customers_profiled), its cohort, activity and current MRR
    (int_customer_lifetimes_aggregated; both hold the same customers), its health in the as-of
    month (mart_customer_health) and the reason of its latest churn (int_churn_reasons_selected), so
    every customer-grain mart can be joined to who the customer is. Tier and health are null
    while the customer is inactive. -#}
with

profiles as (select * from {{ ref('int_customers_profiled') }}),
lifetimes as (select * from {{ ref('int_customer_lifetimes_aggregated') }}),
as_of as (select * from {{ ref('int_as_of_date') }}),
customer_health as (select * from {{ ref('mart_customer_health') }}),
churn_reasons as (select * from {{ ref('int_churn_reasons_selected') }}),

current_health as (
    select
        customer_health.customer_id,
        customer_health.health_score,
        customer_health.health_band
    from customer_health
    inner join as_of on customer_health.month = as_of.as_of_month
),

ranked_churns as (
    select
        customer_id,
        churn_reason,
        row_number() over (partition by customer_id order by month desc) as churn_recency
    from churn_reasons
),

latest_churns as (
    select
        customer_id,
        churn_reason
    from ranked_churns
    where churn_recency = 1
),

final as (
    select
        profiles.customer_id,
        profiles.customer_name,
        profiles.segment,
        profiles.country,
        profiles.industry,
        profiles.acquisition_channel,
        profiles.signed_up_at,
        profiles.referred_by_customer_id,
        lifetimes.first_active_month as cohort_month,
        lifetimes.last_active_month,
        lifetimes.current_mrr > 0 as is_active,
        lifetimes.current_mrr,
        case when lifetimes.current_mrr > 0 then profiles.current_plan_tier end as current_plan_tier,
        case when lifetimes.current_mrr > 0 then current_health.health_score end as health_score,
        case when lifetimes.current_mrr > 0 then current_health.health_band end as health_band,
        latest_churns.churn_reason
    from profiles
    inner join lifetimes on profiles.customer_id = lifetimes.customer_id
    left join current_health on profiles.customer_id = current_health.customer_id
    left join latest_churns on profiles.customer_id = latest_churns.customer_id
)

select * from final
