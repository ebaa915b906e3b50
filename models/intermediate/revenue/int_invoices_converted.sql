{# grain: one row per invoice or credit note issued on or before as_of_date #}
{#- Invoices and credit notes in USD at the fx rate of their issue date, with the month they were
    issued in and whether they were paid on or before as_of_date. Credit notes keep their negative
    amounts. -#}
{{ cs_incremental_recompute_config('invoice_id', 'issued_month') }}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
invoices as (select * from {{ ref('stg_billing__invoices') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),
fx_rates as (select * from {{ ref('int_fx_rates_ranged') }}),

issued as (
    select
        invoices.*,
        cast(invoices.issued_at as date) as issued_date,
        cast({{ dbt.date_trunc('month', 'invoices.issued_at') }} as date) as issued_month,
        coalesce(
            invoices.status = 'paid' and invoices.paid_at < as_of.as_of_end_at, false
        ) as is_paid
    from invoices
    cross join as_of
    where invoices.issued_at < as_of.as_of_end_at
        {% if is_incremental() %}and invoices.issued_at >= cast({{ cs_recompute_from_month() }} as timestamp){% endif %}
),

converted as (
    select
        issued.*,
        customers.segment,
        fx_rates.usd_per_unit,
        cast(issued.amount as decimal(38, 6)) * fx_rates.usd_per_unit as amount_usd
    from issued
    inner join customers on issued.customer_id = customers.customer_id
    inner join fx_rates
        on
            issued.currency = fx_rates.currency
            and issued.issued_date >= fx_rates.valid_from
            and issued.issued_date < fx_rates.valid_to
)

select * from converted
{{ cs_recomputed_order('issued_month') }}
