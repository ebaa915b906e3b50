{# grain: one row per month per segment (including 'all') per churn reason with at least one churn #}
{#- Churned customers and MRR by churn reason (docs/metrics.md, Churn analysis), summed from
    int_churns_classified (involuntary or not) and int_churn_reasons_selected (the reason);
    share_of_churned_customers is the reason's share of every customer that
    churned in that month and segment. Only combinations with a churn are rows. -#}
with

classified_churns as (select * from {{ ref('int_churns_classified') }}),
churn_reasons as (select * from {{ ref('int_churn_reasons_selected') }}),

churns as (
    select
        classified_churns.month,
        classified_churns.customer_id,
        classified_churns.segment,
        classified_churns.churned_mrr,
        classified_churns.is_involuntary,
        churn_reasons.churn_reason
    from classified_churns
    inner join churn_reasons
        on
            classified_churns.month = churn_reasons.month
            and classified_churns.customer_id = churn_reasons.customer_id
),

churns_with_all as (
    {{ cs_with_segment_all('churns') }}
),

reason_sums as (
    select
        month,
        report_segment as segment,
        churn_reason,
        count(*) as customers_churned,
        sum(churned_mrr) as churned_mrr,
        sum(case when is_involuntary then 1 else 0 end) as customers_churned_involuntary,
        sum(case when is_involuntary then churned_mrr else 0 end) as churned_mrr_involuntary
    from churns_with_all
    group by month, report_segment, churn_reason
),

final as (
    select
        month,
        segment,
        churn_reason,
        cast(customers_churned as bigint) as customers_churned,
        cast(churned_mrr as decimal(18, 2)) as churned_mrr,
        cast(customers_churned_involuntary as bigint) as customers_churned_involuntary,
        cast(churned_mrr_involuntary as decimal(18, 2)) as churned_mrr_involuntary,
        {{ cs_safe_divide('customers_churned', 'sum(customers_churned) over (partition by month, segment)') }}
            as share_of_churned_customers
    from reason_sums
)

select * from final
