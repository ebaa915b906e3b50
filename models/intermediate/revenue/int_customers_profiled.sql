{# grain: one row per clean customer signed up on or before as_of_date #}
{#- Who each customer is, for dim_customers: the account attributes of the raw data and the plan
    tier of its version in force at as_of_date with the highest MRR at that day's rate (ties: the
    latest valid_from, then the greatest subscription_id; null without a paid version in force).
    Versions are compared on their yearly USD value, which orders them like their MRR and stays
    exact in decimals. -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),
plans as (select * from {{ ref('stg_billing__plans') }}),
fx_rates as (select * from {{ ref('int_fx_rates_ranged') }}),

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

final as (
    select
        customers.customer_id,
        customers.customer_name,
        customers.segment,
        customers.country,
        customers.industry,
        customers.acquisition_channel,
        customers.signed_up_at,
        customers.referred_by_customer_id,
        current_plans.tier as current_plan_tier
    from customers
    cross join as_of
    left join current_plans on customers.customer_id = current_plans.customer_id
    where customers.signed_up_at < as_of.as_of_end_at
)

select * from final
