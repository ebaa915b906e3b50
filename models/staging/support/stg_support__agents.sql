{# grain: one row per clean support agent; broken rows are in audit.quarantined_rows #}
with

source as (
    select * from {{ ref('base_support__agents') }}
    where quarantine_reason is null
),

renamed as (
    select
        agent_id,
        agent_name,
        team,
        hired_at
    from source
)

select * from renamed
