{# grain: one row per month of the spine #}
{#- New customers of the month (MRR movement `new` in m, from int_mrr_movements) and how many of
    them were referred by another customer (a referred_by_customer_id on the account). -#}
with

months as (select * from {{ ref('int_months_spine') }}),
new_customers as (select * from {{ ref('int_new_customers_referred') }}),

new_by_month as (
    select
        month,
        count(*) as customers_new,
        sum(case when is_referred then 1 else 0 end) as referred_customers_new
    from new_customers
    group by month
),

final as (
    select
        months.month,
        cast(coalesce(new_by_month.customers_new, 0) as bigint) as customers_new,
        cast(coalesce(new_by_month.referred_customers_new, 0) as bigint) as referred_customers_new,
        {{ cs_safe_divide('new_by_month.referred_customers_new', 'new_by_month.customers_new') }}
            as referral_rate
    from months
    left join new_by_month
        on months.month = new_by_month.month
)

select * from final
