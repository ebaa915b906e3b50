{# grain: one row per clean support ticket; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_support__tickets') }}
    where quarantine_reason is null
),

renamed as (
    select
        ticket_id,
        customer_id,
        created_at,
        first_response_at,
        resolved_at,
        status,
        severity,
        channel,
        category,
        assignee_agent_id,
        reopened_count
    from source
)

select * from renamed
