{# grain: one row per clean subscription version; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_billing__subscriptions') }}
    where quarantine_reason is null
),

renamed as (
    select
        subscription_id,
        customer_id,
        plan_id,
        valid_from,
        valid_to,
        is_trial,
        seats,
        recurring_amount,
        billing_interval,
        currency,
        cancel_reason
    from source
)

select * from renamed
