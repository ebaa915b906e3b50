{# grain: one row per clean customer signed up on or before as_of_date #}
{#- The customer dimension (docs/metrics.md, Customers): the account's raw attributes with its
    cohort, activity, current MRR and plan tier, latest health and latest churn reason, so every
    customer-grain mart can be joined to who the customer is. Activity and current MRR come from
    int_customer_lifetimes_aggregated (its rows are this model's rows); the plan tier is the tier
    of the version in force at as_of_date with the highest MRR at that day's rate (ties: the latest
    valid_from, then the greatest subscription_id); health is the as-of month's row of
    mart_customer_health; the churn reason is that of the customer's latest churn. -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),
lifetimes as (select * from {{ ref('int_customer_lifetimes_aggregated') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),
plans as (select * from {{ ref('stg_billing__plans') }}),
fx_rates as (select * from {{ ref('int_fx_rates_ranged') }}),
customer_health as (select * from {{ ref('mart_customer_health') }}),
churns as (select * from {{ ref('int_churns_classified') }}),

versions_in_force as (
    select
        subscriptions.customer_id,
        plans.tier,
        row_number() over (
            partition by subscriptions.customer_id
            order by
                cast(subscriptions.recurring_amount as decimal(38, 6))
                * fx_rates.usd_per_unit
                * {{ cs_annualising_factor('subscriptions.billing_interval') }} desc,
                subscriptions.valid_from desc,
                subscriptions.subscription_id desc
        ) as mrr_rank
    from subscriptions
    cross join as_of
    inner join fx_rates
        on
            subscriptions.currency = fx_rates.currency
            and as_of.as_of_date >= fx_rates.valid_from
            and as_of.as_of_date < fx_rates.valid_to
    inner join plans on subscriptions.plan_id = plans.plan_id
    where
        not subscriptions.is_trial
        and subscriptions.valid_from <= as_of.as_of_date
        and (subscriptions.valid_to is null or subscriptions.valid_to > as_of.as_of_date)
),

current_plans as (
    select
        customer_id,
        tier
    from versions_in_force
    where mrr_rank = 1
),

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
    from churns
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
        lifetimes.customer_id,
        customers.customer_name,
        customers.segment,
        customers.country,
        customers.industry,
        customers.acquisition_channel,
        customers.signed_up_at,
        customers.referred_by_customer_id,
        lifetimes.first_active_month as cohort_month,
        lifetimes.last_active_month,
        lifetimes.current_mrr > 0 as is_active,
        lifetimes.current_mrr,
        case when lifetimes.current_mrr > 0 then current_plans.tier end as current_plan_tier,
        case when lifetimes.current_mrr > 0 then current_health.health_score end as health_score,
        case when lifetimes.current_mrr > 0 then current_health.health_band end as health_band,
        latest_churns.churn_reason
    from lifetimes
    inner join customers on lifetimes.customer_id = customers.customer_id
    left join current_plans on lifetimes.customer_id = current_plans.customer_id
    left join current_health on lifetimes.customer_id = current_health.customer_id
    left join latest_churns on lifetimes.customer_id = latest_churns.customer_id
)

select * from final
