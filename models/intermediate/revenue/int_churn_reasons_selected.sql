{# grain: one row per customer per month with movement churn #}
{#- The churn reason of every churn (docs/metrics.md, Churn analysis): the cancel_reason of the
    customer's non-trial version with the latest valid_to on or before the month's snapshot date
    s(m) (ties: the latest valid_from, then the greatest subscription_id). A null or empty reason,
    or no such version (possible only when the versions still in force at s(m) round to 0.00
    USD), reads 'unspecified'; reasons are kept as written. -#}
with

months as (select * from {{ ref('int_months_spine') }}),
churns as (select * from {{ ref('int_churns_classified') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),

churn_snapshots as (
    select
        churns.month,
        churns.customer_id,
        months.snapshot_date
    from churns
    inner join months on churns.month = months.month
),

ended_versions as (
    select
        churn_snapshots.month,
        churn_snapshots.customer_id,
        subscriptions.cancel_reason,
        row_number() over (
            partition by churn_snapshots.customer_id, churn_snapshots.month
            order by
                subscriptions.valid_to desc,
                subscriptions.valid_from desc,
                subscriptions.subscription_id desc
        ) as recency
    from churn_snapshots
    inner join subscriptions
        on
            churn_snapshots.customer_id = subscriptions.customer_id
            and not subscriptions.is_trial
            and churn_snapshots.snapshot_date >= subscriptions.valid_to
),

latest_ended_versions as (
    select
        month,
        customer_id,
        cancel_reason
    from ended_versions
    where recency = 1
),

final as (
    select
        churn_snapshots.month,
        churn_snapshots.customer_id,
        case
            when latest_ended_versions.cancel_reason is null or latest_ended_versions.cancel_reason = ''
                then 'unspecified'
            else latest_ended_versions.cancel_reason
        end as churn_reason
    from churn_snapshots
    left join latest_ended_versions
        on
            churn_snapshots.month = latest_ended_versions.month
            and churn_snapshots.customer_id = latest_ended_versions.customer_id
)

select * from final
