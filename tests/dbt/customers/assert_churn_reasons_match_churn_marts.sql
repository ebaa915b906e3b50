{# grain: one row per month x segment where the churn reasons disagree with the churn marts #}
{#- Summed over its reasons, mart_churn_reasons has the churned customers of mart_logo_churn and
    the churned MRR of mart_revenue_retention in every month and segment ('all' included). -#}
with

churn_reasons as (select * from {{ ref('mart_churn_reasons') }}),
logo_churn as (select * from {{ ref('mart_logo_churn') }}),
revenue_retention as (select * from {{ ref('mart_revenue_retention') }}),

reason_totals as (
    select
        month,
        segment,
        sum(customers_churned) as customers_churned,
        sum(churned_mrr) as churned_mrr
    from churn_reasons
    group by month, segment
),

final as (
    select
        logo_churn.month,
        logo_churn.segment,
        logo_churn.customers_churned,
        revenue_retention.churned_mrr,
        reason_totals.customers_churned as reason_customers_churned,
        reason_totals.churned_mrr as reason_churned_mrr
    from logo_churn
    inner join revenue_retention
        on
            logo_churn.month = revenue_retention.month
            and logo_churn.segment = revenue_retention.segment
    left join reason_totals
        on
            logo_churn.month = reason_totals.month
            and logo_churn.segment = reason_totals.segment
    where
        logo_churn.customers_churned <> coalesce(reason_totals.customers_churned, 0)
        or revenue_retention.churned_mrr <> coalesce(reason_totals.churned_mrr, 0)
)

select * from final
