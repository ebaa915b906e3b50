{# grain: one row per clean customer per usage day; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_product__usage') }}
    where quarantine_reason is null
),

renamed as (
    select
        customer_id,
        usage_date,
        active_users,
        sessions,
        key_feature_events
    from source
)

select * from renamed
