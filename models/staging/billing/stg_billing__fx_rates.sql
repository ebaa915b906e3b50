{# grain: one row per clean currency per rate date; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_billing__fx_rates') }}
    where quarantine_reason is null
),

renamed as (
    select
        rate_date,
        currency,
        usd_per_unit
    from source
)

select * from renamed
