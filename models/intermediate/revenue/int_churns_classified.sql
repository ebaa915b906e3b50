{# grain: one row per customer per month with movement churn #}
{#- Involuntary vs voluntary churn (docs/metrics.md, Churn analysis): a customer that churns in m
    churned involuntarily when at s(m) it owes money, i.e. it has an invoice (never a credit note)
    due before s(m) and not paid by s(m): status open or uncollectible, or paid on a day after
    s(m). Void invoices owe nothing; a paid invoice without paid_at is never owed. Every other
    churn is voluntary. A table, rebuilt on every run: invoice statuses are read as loaded
    today, so an old churn can change side when its invoice is paid or written off. -#}
with

months as (select * from {{ ref('int_months_spine') }}),
movements as (select * from {{ ref('int_mrr_movements') }}),
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

billed_invoices as (
    select
        customer_id,
        due_date,
        status,
        cast(paid_at as date) as paid_on
    from invoices
    where invoice_type = 'invoice' and status in ('open', 'uncollectible', 'paid')
),

owing_churns as (
    select distinct
        churns.month,
        churns.customer_id
    from churns
    inner join billed_invoices
        on
            churns.customer_id = billed_invoices.customer_id
            and churns.snapshot_date > billed_invoices.due_date
            and (
                billed_invoices.status in ('open', 'uncollectible')
                or churns.snapshot_date < billed_invoices.paid_on
            )
),

final as (
    select
        churns.month,
        churns.customer_id,
        churns.segment,
        churns.churned_mrr,
        owing_churns.customer_id is not null as is_involuntary
    from churns
    left join owing_churns
        on
            churns.month = owing_churns.month
            and churns.customer_id = owing_churns.customer_id
)

select * from final
