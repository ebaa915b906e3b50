{# grain: one row per clean customer account; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_billing__customers') }}
    where quarantine_reason is null
),

renamed as (
    select
        customer_id,
        customer_name,
        segment,
        country,
        industry,
        signed_up_at,
        acquisition_channel,
        referred_by_customer_id,
        onboarding_completed_at,
        first_value_at
    from source
)

select * from renamed
