{# grain: one row per clean plan; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_billing__plans') }}
    where quarantine_reason is null
),

renamed as (
    select
        plan_id,
        plan_name,
        tier,
        billing_interval,
        list_price,
        currency
    from source
)

select * from renamed
