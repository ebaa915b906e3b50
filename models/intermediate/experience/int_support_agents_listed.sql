{# grain: one row per clean support agent #}
{#- The agents the agent-performance mart reports on (marts read only intermediate models). -#}
with

agents as (select * from {{ ref('stg_support__agents') }}),

final as (
    select
        agent_id,
        agent_name,
        team,
        hired_at
    from agents
)

select * from final
