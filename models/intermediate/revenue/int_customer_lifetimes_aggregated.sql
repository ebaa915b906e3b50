{# grain: one row per clean customer #}
{#- Customer lifetime value as realised so far (docs/metrics.md, Value and cost), published by
    marts.fct_customer_lifetime: first and last active month, number of active months (MRR > 0),
    MRR in the as_of month (0 if none), total paid USD (paid invoices plus paid credit notes, which
    are negative) and the realised value = total paid x gross margin (dbt var gross_margin).
    Customers never active have null months and zeros; customers who signed up after as_of_date
    do not exist yet and have no row. -#}
{%- set gross_margin = 'cast(' ~ var('gross_margin') ~ ' as decimal(18, 6))' %}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),
customer_months as (select * from {{ ref('int_customer_months_mrr') }}),
invoices as (select * from {{ ref('int_invoices_converted') }}),

activity as (
    select
        customer_months.customer_id,
        min(customer_months.month) as first_active_month,
        max(customer_months.month) as last_active_month,
        count(*) as active_months,
        sum(case when customer_months.month = as_of.as_of_month then customer_months.mrr else 0 end)
            as current_mrr
    from customer_months
    cross join as_of
    group by customer_months.customer_id
),

payments as (
    select
        customer_id,
        sum(amount_usd) as total_paid_usd
    from invoices
    where is_paid
    group by customer_id
),

lifetimes as (
    select
        customers.customer_id,
        customers.segment,
        activity.first_active_month,
        activity.last_active_month,
        cast(coalesce(activity.active_months, 0) as bigint) as active_months,
        cast(coalesce(activity.current_mrr, 0) as decimal(18, 2)) as current_mrr,
        cast(round(coalesce(payments.total_paid_usd, 0), 2) as decimal(18, 2)) as total_paid_usd
    from customers
    cross join as_of
    left join activity on customers.customer_id = activity.customer_id
    left join payments on customers.customer_id = payments.customer_id
    where customers.signed_up_at < as_of.as_of_end_at
),

final as (
    select
        *,
        cast(round(total_paid_usd * {{ gross_margin }}, 2) as decimal(18, 2)) as realised_value
    from lifetimes
)

select * from final
