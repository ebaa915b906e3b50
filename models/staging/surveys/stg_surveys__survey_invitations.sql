{# grain: one row per clean survey sent; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_surveys__survey_invitations') }}
    where quarantine_reason is null
),

renamed as (
    select
        invitation_id,
        customer_id,
        survey_type,
        channel,
        touchpoint,
        ticket_id,
        sent_at
    from source
)

select * from renamed
