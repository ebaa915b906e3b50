{# grain: one row per clean invoice or credit note; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_billing__invoices') }}
    where quarantine_reason is null
),

renamed as (
    select
        invoice_id,
        customer_id,
        subscription_id,
        invoice_type,
        issued_at,
        due_date,
        amount,
        currency,
        status,
        paid_at
    from source
)

select * from renamed
