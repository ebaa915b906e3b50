{# grain: one row per clean engagement event; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_product__engagement_events') }}
    where quarantine_reason is null
),

renamed as (
    select
        event_id,
        customer_id,
        event_type,
        occurred_at
    from source
)

select * from renamed
