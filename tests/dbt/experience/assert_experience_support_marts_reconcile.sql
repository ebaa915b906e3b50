{# grain: one row per month x check where the support marts disagree #}
{#- Cross-mart identities per month: the categories' tickets add up to the month's tickets and
    their shares to 1; the agents' interactions add up to all interactions (every interaction
    names a clean agent) and the agents resolve at most all resolved tickets. -#}
with

support_kpis as (
    select * from {{ ref('mart_support_kpis') }}
    where segment = 'all'
),

categories as (select * from {{ ref('mart_ticket_categories') }}),
agents as (select * from {{ ref('mart_agent_performance') }}),

category_totals as (
    select
        month,
        sum(tickets_created) as tickets_created,
        sum(tickets_resolved) as tickets_resolved,
        sum(coalesce(share_of_tickets, 0)) as share_total
    from categories
    group by month
),

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
        support_kpis.tickets_created,
        category_totals.tickets_created as category_tickets_created,
        support_kpis.tickets_resolved,
        category_totals.tickets_resolved as category_tickets_resolved,
        category_totals.share_total,
        support_kpis.interactions,
        agent_totals.interactions as agent_interactions,
        support_kpis.handle_seconds,
        agent_totals.handle_seconds as agent_handle_seconds,
        agent_totals.tickets_resolved as agent_tickets_resolved
    from support_kpis
    left join category_totals on support_kpis.month = category_totals.month
    left join agent_totals on support_kpis.month = agent_totals.month
),

final as (
    select *
    from compared
    where
        coalesce(category_tickets_created, 0) <> tickets_created
        or coalesce(category_tickets_resolved, 0) <> tickets_resolved
        or (tickets_created > 0 and abs(share_total - 1) > 0.000001)
        or (tickets_created = 0 and share_total <> 0)
        or coalesce(agent_interactions, 0) <> interactions
        or coalesce(agent_handle_seconds, 0) <> handle_seconds
        or coalesce(agent_tickets_resolved, 0) > tickets_resolved
)

select * from final
