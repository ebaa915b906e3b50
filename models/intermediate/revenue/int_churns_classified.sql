{# grain: one row per customer per month in which the customer churned (movement churn) #}
{#- Every churn with what churn analysis needs (docs/metrics.md, Churn analysis):
    * is_involuntary: at the month's snapshot date s(m) the customer owes money, i.e. it has an
      invoice (never a credit note) due before s(m) that was not paid by s(m): status open or
      uncollectible, or paid on a day after s(m). Void owes nothing; statuses are read as loaded.
    * churn_reason: the cancel_reason of its non-trial version with the latest valid_to on or
      before s(m) (ties: the latest valid_from, then the greatest subscription_id); null, empty
      or no such version reads 'unspecified'. -#}
with

months as (select * from {{ ref('int_months_spine') }}),
movements as (select * from {{ ref('int_mrr_movements') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),
invoices as (select * from {{ ref('stg_billing__invoices') }}),

churns as (
    select
        movements.month,
        movements.customer_id,
        movements.segment,
        movements.churned_mrr,
        months.snapshot_date
    from movements
    inner join months on movements.month = months.month
    where movements.movement = 'churn'
),

owing_churns as (
    select distinct
        churns.month,
        churns.customer_id
    from churns
    inner join invoices
        on
            churns.customer_id = invoices.customer_id
            and invoices.invoice_type = 'invoice'
            and churns.snapshot_date > invoices.due_date
    where
        invoices.status in ('open', 'uncollectible')
        or (invoices.status = 'paid' and cast(invoices.paid_at as date) > churns.snapshot_date)
),

ended_versions as (
    select
        churns.month,
        churns.customer_id,
        subscriptions.cancel_reason,
        row_number() over (
            partition by churns.customer_id, churns.month
            order by
                subscriptions.valid_to desc,
                subscriptions.valid_from desc,
                subscriptions.subscription_id desc
        ) as recency
    from churns
    inner join subscriptions
        on
            churns.customer_id = subscriptions.customer_id
            and not subscriptions.is_trial
            and churns.snapshot_date >= subscriptions.valid_to
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
        churns.month,
        churns.customer_id,
        churns.segment,
        churns.churned_mrr,
        owing_churns.customer_id is not null as is_involuntary,
        case
            when latest_ended_versions.cancel_reason is null or latest_ended_versions.cancel_reason = ''
                then 'unspecified'
            else latest_ended_versions.cancel_reason
        end as churn_reason
    from churns
    left join owing_churns
        on
            churns.month = owing_churns.month
            and churns.customer_id = owing_churns.customer_id
    left join latest_ended_versions
        on
            churns.month = latest_ended_versions.month
            and churns.customer_id = latest_ended_versions.customer_id
)

select * from final
