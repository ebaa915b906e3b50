{# grain: one row per clean expense line; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_billing__expenses') }}
    where quarantine_reason is null
),

renamed as (
    select
        expense_id,
        expense_month,
        cost_type,
        category,
        amount,
        currency
    from source
)

select * from renamed
