{# grain: one row per month where the agents disagree with the support KPIs #}
{#- Per month, the agents' interactions and handle seconds add up to those of mart_support_kpis
    (segment 'all': every interaction names a clean agent), and the agents resolve at most all
    resolved tickets (a ticket may have no assignee). -#}
with

support_kpis as (
    select * from {{ ref('mart_support_kpis') }}
    where segment = 'all'
),

agents as (select * from {{ ref('mart_agent_performance') }}),

agent_totals as (
    select
        month,
        sum(interactions) as interactions,
        sum(handle_seconds) as handle_seconds,
        sum(tickets_resolved) as tickets_resolved
    from agents
    group by month
),

compared as (
    select
        support_kpis.month,
        support_kpis.interactions,
        agent_totals.interactions as agent_interactions,
        support_kpis.handle_seconds,
        agent_totals.handle_seconds as agent_handle_seconds,
        support_kpis.tickets_resolved,
        agent_totals.tickets_resolved as agent_tickets_resolved
    from support_kpis
    left join agent_totals on support_kpis.month = agent_totals.month
),

final as (
    select *
    from compared
    where
        coalesce(agent_interactions, 0) <> interactions
        or coalesce(agent_handle_seconds, 0) <> handle_seconds
        or coalesce(agent_tickets_resolved, 0) > tickets_resolved
)

select * from final
