{# grain: one row per clean agent contact on a ticket; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_support__ticket_interactions') }}
    where quarantine_reason is null
),

renamed as (
    select
        interaction_id,
        ticket_id,
        agent_id,
        channel,
        started_at,
        talk_seconds,
        hold_seconds,
        after_work_seconds
    from source
)

select * from renamed
