{# grain: one row per month per segment, including segment = 'all' (every spine month x segment) #}
{#- Logo (customer) churn and retention (docs/metrics.md, Customers): counts of active customers at the
    start (m-1) and end (m) of the month and of the movements in m; logo churn excludes customers
    won during m (source document 004), CRR = (E - N) / S with N = new + reactivated (source document 001), net customer
    churn = (S - E) / S (source document 002). Rates are null when customers_start is 0. The
    churned customers split into involuntary (owing an invoice at s(m), int_churns_classified)
    and voluntary (the others). -#}
with

aggregated as (select * from {{ ref('int_mrr_movements_aggregated') }}),

final as (
    select
        month,
        segment,
        customers_start,
        customers_new,
        customers_reactivated,
        customers_churned,
        customers_end,
        {{ cs_safe_divide('customers_churned', 'customers_start') }} as logo_churn_rate,
        {{ cs_safe_divide('customers_end - customers_new - customers_reactivated', 'customers_start') }}
            as customer_retention_rate,
        {{ cs_safe_divide('customers_start - customers_end', 'customers_start') }} as net_customer_churn_rate,
        customers_churned_involuntary,
        customers_churned - customers_churned_involuntary as customers_churned_voluntary
    from aggregated
)

select * from final
