{# grain: one row per clean survey response; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_surveys__survey_responses') }}
    where quarantine_reason is null
),

renamed as (
    select
        response_id,
        invitation_id,
        customer_id,
        survey_type,
        score,
        responded_at,
        touchpoint,
        ticket_id,
        comment
    from source
)

select * from renamed
